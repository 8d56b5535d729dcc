"""Slow: the CI slice of `jianshi eval` on the real 0.5B model, end to end, against the committed baseline.

The baseline (evals/baseline/summary.json) was written by the same command with --save-baseline. Two cases
per family make every score a multiple of 0.5, and llama.cpp on another CPU may word a reply differently, so
the gate here is a drop of more than half (the tolerance a prompt change is held to is the default 0.05, on
the full datasets).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT
from assistant.evals.summary import BASELINE

pytestmark = pytest.mark.slow

SLICE = ["--dataset", "drafting", "--dataset", "analyze", "--dataset", "retrieval", "--dataset", "sucai", "--limit", "2"]


def jianshi(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "JIANSHI_HOME": str(home), "JIANSHI_EMBEDDED_MODEL": "0.5b"}
    env.pop("JIANSHI_MODEL_URL", None)
    command = [sys.executable, "-c", "from assistant.cli import main; main()", *args]
    return subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=1800)


def test_ci_slice_on_the_small_model_matches_the_baseline(tmp_path):
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert baseline["datasets"].keys() == {"drafting", "analyze", "retrieval", "sucai"} and baseline["limit"] == 2
    out = tmp_path / "results"
    first = jianshi("eval", *SLICE, "--out", str(out), "--against", "baseline", "--tolerance", "0.5", "--json", home=tmp_path / "home")
    assert first.returncode == 0, first.stderr[-3000:]
    payload = json.loads(first.stdout)
    assert set(payload["scores"]) == {"v1", "v2"} and not payload["regressions"]
    summary = json.loads((out / payload["run"] / "summary.json").read_text(encoding="utf-8"))
    assert "0.5B" in summary["model"] and summary["model_calls"]["made"] > 0 and summary["errors"] == 0
    assert summary["model"] == baseline["model"]
    assert Path(payload["report"]).is_file()

    again = jianshi("eval", *SLICE, "--out", str(out), "--json", home=tmp_path / "home")
    assert again.returncode == 0, again.stderr[-3000:]
    rerun = json.loads((out / json.loads(again.stdout)["run"] / "summary.json").read_text(encoding="utf-8"))
    assert rerun["model_calls"]["made"] == 0 and rerun["model_calls"]["cache_hits"] > 0
    assert rerun["scores"] == summary["scores"]
