"""The drafter's 素材: entries, their import from text/.docx/.xlsx, and their sorting into notice areas."""

from .importers import classify, parse_sucai_text, read_sucai, sucai_from_facts
from .model import KIND_LABELS, PROBLEM_KINDS, Entry, Sucai

__all__ = ["Entry", "Sucai", "KIND_LABELS", "PROBLEM_KINDS", "classify", "parse_sucai_text", "read_sucai",
           "sucai_from_facts"]
