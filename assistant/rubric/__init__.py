"""The structure rubric: one small function per check, a registry, and a report.

Each rule reads a CheckContext and yields Findings with a Chinese message and suggestion. Rules are
registered by id with `@rule("id")`; `run_rubric` runs them all (or a chosen subset) and sorts the findings.
"""

from __future__ import annotations

from .core import CheckContext, Finding, Report, Severity, detect_kind, rule, RULES, run_rubric

# Importing the rule modules registers their rules.
from . import content, form, form_layout, review_points, structure  # noqa: E402,F401

__all__ = ["CheckContext", "Finding", "Report", "Severity", "detect_kind", "rule", "RULES", "run_rubric"]
