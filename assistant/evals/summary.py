"""From per-case rows to a run summary, and a summary compared against a baseline.

A row is {"family", "id", "version", "repeat", "output", "scores": {scorer: Score dict}}; rows of a family
that does not depend on the prompt (retrieval) have version None and count for every version.
Summary keys are "family.scorer" (e.g. "drafting.citation_validity", "retrieval.mrr[hybrid]").
"""

from __future__ import annotations

import json
import subprocess
from collections import defaultdict
from pathlib import Path

from ..config import PROJECT_ROOT
from .scorers import SCORERS

BASELINE = PROJECT_ROOT / "evals" / "baseline" / "summary.json"
TOLERANCE = 0.05


def spec_of(key: str):
    """The ScorerSpec of "family.scorer[mode]"."""
    return SCORERS[key.split(".", 1)[-1].split("[", 1)[0]]


def order(key: str) -> tuple[int, str]:
    """Keys in the order SCORERS lists them, so tables and charts read the same in every run."""
    return list(SCORERS).index(key.split(".", 1)[-1].split("[", 1)[0]), key


def aggregate(rows: list[dict], versions: list[str]) -> tuple[dict, dict]:
    """Mean value and pass rate per version and "family.scorer"."""
    values: dict[tuple, list[float]] = defaultdict(list)
    verdicts: dict[tuple, list[bool]] = defaultdict(list)
    for row in rows:
        for version in ([row["version"]] if row["version"] is not None else versions):
            for name, score in row["scores"].items():
                key = (version, f"{row['family']}.{name}")
                values[key].append(score["value"])
                if score["passed"] is not None:
                    verdicts[key].append(bool(score["passed"]))
    means = {v: {} for v in versions}
    rates = {v: {} for v in versions}
    for (version, key), numbers in sorted(values.items()):
        means[version][key] = round(sum(numbers) / len(numbers), 4)
        if verdicts[(version, key)]:
            rates[version][key] = round(sum(verdicts[(version, key)]) / len(verdicts[(version, key)]), 4)
    return means, rates


def changed_verdicts(rows: list[dict], versions: list[str]) -> list[dict]:
    """Cases whose verdict on some scorer differs between versions (the first version is the reference)."""
    by_case: dict[tuple, dict[str, dict]] = defaultdict(dict)
    for row in rows:
        if row["version"] is not None:
            by_case[(row["family"], row["id"], row["repeat"])][row["version"]] = row
    changed = []
    for (family, case, repeat), per_version in by_case.items():
        if len(per_version) < 2:
            continue
        names = sorted({n for r in per_version.values() for n, s in r["scores"].items() if s["passed"] is not None})
        for name in names:
            verdicts = {v: per_version[v]["scores"].get(name, {}).get("passed") for v in versions if v in per_version}
            if len(set(verdicts.values())) > 1:
                changed.append({"family": family, "id": case, "repeat": repeat, "scorer": name, "verdicts": verdicts,
                                "explanations": {v: per_version[v]["scores"][name]["explanation"]
                                                 for v in verdicts if name in per_version[v]["scores"]},
                                "texts": {v: per_version[v]["output"].get("text", "") for v in verdicts}})
    return changed


def git_state(root: Path = PROJECT_ROOT) -> dict:
    """The commit and whether the work tree differs from it (read-only git calls)."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit.strip() if commit else None, "dirty": bool(status.strip()) if status is not None else None}


def load_summary(ref: str | Path) -> dict:
    """"baseline", a run folder, or a summary.json file."""
    from ..errors import InputError

    path = BASELINE if str(ref) == "baseline" else Path(ref)
    if path.is_dir():
        path = path / "summary.json"
    if not path.is_file():
        raise InputError(f"找不到用于比较的评测摘要：{path}", hint="用 --save-baseline 从一次评测生成基线，或给出某次评测的目录")
    return json.loads(path.read_text(encoding="utf-8"))


def compare(current: dict, baseline: dict, tolerance: float = TOLERANCE) -> tuple[list[dict], list[str]]:
    """Regressions beyond the tolerance on gated scorers, and notes on what makes the two runs differ."""
    notes = []
    for field, label in (("model", "模型"), ("datasets", "评测集"), ("limit", "条数上限"), ("repeat", "重复次数")):
        if current.get(field) != baseline.get(field):
            notes.append(f"{label}与基线不同：{_short(baseline.get(field))} → {_short(current.get(field))}")
    changed_scorers = [n for n, v in current.get("scorers", {}).items() if baseline.get("scorers", {}).get(n) not in (None, v)]
    if changed_scorers:
        notes.append(f"评分函数版本与基线不同，未比较：{'、'.join(changed_scorers)}")
    regressions = []
    for version, scores in current.get("scores", {}).items():
        old = baseline.get("scores", {}).get(version)
        if old is None:
            notes.append(f"基线中没有版本 {version}，未比较")
            continue
        for key, value in scores.items():
            base_name = key.split(".", 1)[-1].split("[", 1)[0]
            if key not in old or not spec_of(key).gated or base_name in changed_scorers:
                continue
            delta = value - old[key] if spec_of(key).higher_is_better else old[key] - value
            if delta < -tolerance - 1e-9:
                regressions.append({"version": version, "scorer": key, "baseline": old[key], "current": value,
                                    "delta": round(value - old[key], 4)})
    return regressions, notes


def _short(value) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
