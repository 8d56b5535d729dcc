"""Which map a ledger is made from: a draft's JSON (`jianshi draft --json`), a material file, or the web
chat's sections with the map of its last 起草全文 (used only while the draft still holds that map's text)."""

from __future__ import annotations

import json
from pathlib import Path

from .. import material
from ..document import parse
from ..errors import InputError
from .from_material import area_name, ledger_from_map, ledger_from_text
from .model import Ledger

JSON_HINT = "请用 jianshi draft ... --json > 起草结果.json 得到的文件，或直接给出材料（.md、.txt、.docx）"


def area_names(notice, doc=None) -> dict[int, str]:
    """Area number → the 方面 column's words: the notice's area titles, else the material's own headings."""
    if notice is not None:
        return {area.index: area.title for area in notice.areas}
    return {section.index: area_name(section.title) for section in doc.areas} if doc is not None else {}


def ledger_from_json(bench, path: Path, *, facts_text: str = "", notice_ref: str | None = None) -> Ledger:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"“{path.name}”不是有效的 JSON 文件", hint=JSON_HINT) from exc
    except OSError as exc:
        raise InputError(f"无法读取“{path}”：{exc.strerror or exc}", hint="请检查文件权限") from exc
    found = data.get("map") if isinstance(data, dict) else None
    if not isinstance(found, dict) or not isinstance(found.get("problems"), list):
        raise InputError(f"“{path.name}”中没有“问题—原因—措施”对应关系（map）", hint=JSON_HINT)
    drafted = Path(str(data.get("output", "")))
    doc = None
    if drafted.name and not drafted.is_absolute():
        drafted = path.parent / drafted if not drafted.exists() else drafted
    if drafted.name and drafted.is_file():
        doc = bench.load_draft(drafted).doc
    notice_ref = notice_ref or data.get("notice")
    notice = bench.resolve_notice(notice_ref) if notice_ref else None
    title = data.get("title") or (doc.title if doc else "")
    try:
        ledger = ledger_from_map(found, title=title, area_names=area_names(notice, doc), facts_text=facts_text)
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"“{path.name}”中的“问题—原因—措施”对应关系格式不对", hint=JSON_HINT) from exc
    if not ledger.rows:
        raise InputError(f"“{path.name}”的对应关系中没有问题，整改清单无从列出", hint="请先起草出各方面的问题")
    if not title:
        ledger.notes.append("JSON 中没有材料标题，清单标题请按实际修改")
    return ledger


def ledger_from_file(bench, path: str | Path, *, facts_text: str = "", notice_ref: str | None = None) -> Ledger:
    """A ledger from `jianshi draft --json` output (.json) or from a material (.md/.txt/.docx)."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        if not path.is_file():
            raise InputError(f"找不到文件“{path}”", hint="请检查路径是否正确")
        return ledger_from_json(bench, path, facts_text=facts_text, notice_ref=notice_ref)
    if path.suffix.lower() in (".xlsx", ".xls"):
        raise InputError(f"“{path.name}”是表格：整改清单要从材料生成", hint=JSON_HINT + "；上年度的整改清单请用 --sucai 导入")
    doc = bench.load_draft(path).doc
    if not doc.areas:
        raise InputError(f"“{path.name}”中没有找到“存在的主要问题”及各方面的问题",
                         hint="整改清单按材料中“（一）……方面”下的“一是……”逐条列出，请检查材料结构")
    return ledger_from_text(doc, facts_text=facts_text)


def ledger_from_session(sections: dict[str, str], notice, found: dict | None, *, facts_text: str = "") -> Ledger:
    """The web chat's material: its last map while the problems and measures are still those drafted, else
    a reading of the current text."""
    text, _ = material.render(sections, notice)
    doc = parse(text)
    if found and _still_drafted(sections, found):
        return ledger_from_map(found, title=doc.title, area_names=area_names(notice, doc), facts_text=facts_text)
    return ledger_from_text(doc, facts_text=facts_text)


def _still_drafted(sections: dict[str, str], found: dict) -> bool:
    measures = "\n".join(m.get("text", "") for m in found.get("measures", []))
    problems_kept = all(p.get("text", "") in sections.get(material.area_key(p.get("area") or 0), "")
                        for p in found.get("problems", []))
    return bool(found.get("problems")) and problems_kept and sections.get("measures", "").strip() == measures.strip()
