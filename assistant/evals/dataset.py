"""Eval cases: one Sample per JSONL row, split into what the assistant is given and what is expected.

  drafting   notice, area, kind, org, facts          → must, must_not          (Operations.draft_area)
  analyze    problem, kind                           → expected dimensions     (Operations.analyze_problem)
  revision   draft, part, section, instruction, facts → must_change, must_keep (Operations.revise_section)
  retrieval  query, kind                             → relevant ids            (Retriever.search, no model)

  sucai      one unit's 素材 (entries inline, or a "sucai_file" workbook) → its entries with area and marks.
             Not a runner family yet: `load_units` reads it, the raw row is the sample's input.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..config import PROJECT_ROOT
from ..errors import InputError

DATASETS = PROJECT_ROOT / "evals" / "datasets"
FAMILIES = ("drafting", "analyze", "revision", "retrieval", "sucai")
FAMILY_LABELS = {"drafting": "起草（各方面问题）", "analyze": "原因剖析", "revision": "修改一节", "retrieval": "检索", "sucai": "用素材起草全文"}
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
PROMPT_OF = {"drafting": "item_from_sucai", "analyze": "cause_explain", "revision": "revise_section", "retrieval": None,
             "sucai": "item_from_sucai"}
SUCAI = "sucai"
UNIT_FIELDS = ("id", "notice", "kind", "org", "group")


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


def _rows(path: Path) -> list[tuple[int, dict]]:
    """(line number, object) for each non-empty line of a JSONL dataset."""
    if not path.is_file():
        raise InputError(f"找不到评测集文件：{path}", hint="评测集放在 evals/datasets/ 下，每行一个 JSON 对象")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(f"评测集 {path.name} 第{number}行不是合法的 JSON", hint=str(exc)) from exc
    return rows


def load_samples(family: str, *, folder: Path = DATASETS, limit: int | None = None) -> list[Sample]:
    if family == SUCAI:
        return load_units(folder=folder, limit=limit)
    path = dataset_path(family, folder)
    samples = []
    for number, row in _rows(path):
        missing = [key for key in ("id", *INPUTS[family], *TARGETS[family]) if key not in row]
        if missing:
            raise InputError(f"评测集 {path.name} 第{number}行缺少字段：{'、'.join(missing)}")
        samples.append(Sample(id=row["id"], family=family, input={k: row[k] for k in INPUTS[family]},
                              target={k: row[k] for k in TARGETS[family]}, note=row.get("note", "")))
        if limit is not None and len(samples) >= limit:
            break
    return samples


def load_units(*, folder: Path = DATASETS, limit: int | None = None) -> list[Sample]:
    """The 素材 units: input is the raw row, target["entries"] the entries it is scored against.

    A unit gives its entries inline ("sucai") or as a workbook ("sucai_file", relative to the dataset folder)
    with the same entries listed under "expected"; metadata["sucai_path"] is then the workbook's full path.
    """
    path = dataset_path(SUCAI, folder)
    samples = []
    for number, row in _rows(path):
        missing = [key for key in UNIT_FIELDS if key not in row]
        if "sucai_file" in row and "expected" not in row:
            missing.append("expected")
        if "sucai_file" not in row and "sucai" not in row:
            missing.append("sucai 或 sucai_file")
        if missing:
            raise InputError(f"评测集 {path.name} 第{number}行缺少字段：{'、'.join(missing)}")
        metadata = {}
        if "sucai_file" in row:
            workbook = Path(folder) / row["sucai_file"]
            if not workbook.is_file():
                raise InputError(f"评测集 {path.name} 第{number}行的素材文件不存在：{workbook}",
                                 hint="素材文件放在 evals/datasets/sucai/ 下，由 make_xlsx.py 生成")
            metadata["sucai_path"] = str(workbook)
        entries = row["expected"] if "sucai_file" in row else row["sucai"]
        samples.append(Sample(id=row["id"], family=SUCAI, input=row,
                              target={"entries": entries, "group": row["group"]}, note=row.get("note", ""),
                              metadata=metadata))
        if limit is not None and len(samples) >= limit:
            break
    return samples


def dataset_digest(family: str, folder: Path = DATASETS) -> str:
    return hashlib.sha256(dataset_path(family, folder).read_bytes()).hexdigest()[:16]
