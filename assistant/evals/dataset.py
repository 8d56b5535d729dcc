"""Eval cases: one Sample per JSONL row, split into what the assistant is given and what is expected.

  drafting   notice, area, kind, org, facts          → must, must_not          (Operations.draft_area)
  analyze    problem, kind                           → expected dimensions     (Operations.analyze_problem)
  revision   draft, part, section, instruction, facts → must_change, must_keep (Operations.revise_section)
  retrieval  query, kind                             → relevant ids            (Retriever.search, no model)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..config import PROJECT_ROOT
from ..errors import InputError

DATASETS = PROJECT_ROOT / "evals" / "datasets"
FAMILIES = ("drafting", "analyze", "revision", "retrieval")
FAMILY_LABELS = {"drafting": "起草（各方面问题）", "analyze": "原因剖析", "revision": "修改一节", "retrieval": "检索"}
INPUTS = {
    "drafting": ("notice", "area", "kind", "org", "facts"),
    "analyze": ("problem", "kind"),
    "revision": ("draft", "part", "section", "instruction", "facts"),
    "retrieval": ("query", "kind"),
}
TARGETS = {
    "drafting": ("must", "must_not"),
    "analyze": ("expected",),
    "revision": ("must_change", "must_keep"),
    "retrieval": ("relevant",),
}
# The prompt each family's output depends on; None: the family does not call the model.
PROMPT_OF = {"drafting": "item_rewrite", "analyze": "cause_explain", "revision": "revise_section", "retrieval": None}


@dataclass
class Sample:
    id: str
    family: str
    input: dict
    target: dict
    note: str = ""
    metadata: dict = field(default_factory=dict)


def dataset_path(family: str, folder: Path = DATASETS) -> Path:
    return Path(folder) / f"{family}.jsonl"


def check_families(names: list[str] | tuple[str, ...]) -> list[str]:
    chosen = []
    for name in names:
        for part in name.split(","):
            part = part.strip()
            if part not in FAMILIES:
                raise InputError(f"没有名为“{part}”的评测集", hint=f"可选：{'、'.join(FAMILIES)}")
            if part not in chosen:
                chosen.append(part)
    return chosen or list(FAMILIES)


def load_samples(family: str, *, folder: Path = DATASETS, limit: int | None = None) -> list[Sample]:
    path = dataset_path(family, folder)
    if not path.is_file():
        raise InputError(f"找不到评测集文件：{path}", hint="评测集放在 evals/datasets/ 下，每行一个 JSON 对象")
    samples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"评测集 {path.name} 第{number}行不是合法的 JSON", hint=str(exc)) from exc
        missing = [key for key in ("id", *INPUTS[family], *TARGETS[family]) if key not in row]
        if missing:
            raise InputError(f"评测集 {path.name} 第{number}行缺少字段：{'、'.join(missing)}")
        samples.append(Sample(id=row["id"], family=family, input={k: row[k] for k in INPUTS[family]},
                              target={k: row[k] for k in TARGETS[family]}, note=row.get("note", "")))
        if limit is not None and len(samples) >= limit:
            break
    return samples


def dataset_digest(family: str, folder: Path = DATASETS) -> str:
    return hashlib.sha256(dataset_path(family, folder).read_bytes()).hexdigest()[:16]
