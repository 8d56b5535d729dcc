"""The bundled knowledge as passages: one per bank entry (problems, causes, measures) and one per notice area.

Bank entries keep their own id, so a drafting operation cites "problem-2024-1-01" and a person can find it
in knowledge/banks/problems.yaml. Notice areas become "notice-<notice id>-<area number>". Lists are stored
as joined strings because Chroma metadata values must be scalars.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from ..errors import InputError
from ..notices import NoticeLibrary, NoticeSpec
from .records import AREA_SEPARATOR, Record, join_list

BANK_FILES = {"problems.yaml": "problem", "causes.yaml": "cause", "measures.yaml": "measure"}
# Scalar fields copied into the metadata when present (the example, the measure's who/when/how often).
EXTRA_FIELDS = ("example", "area_theme", "frequency", "deadline", "owner")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _entries(path: Path) -> list[dict]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"知识库文件“{path.name}”无法读取或格式有误", hint=f"请检查 {path}") from exc
    if isinstance(data, dict):  # tolerate {entries: [...]} as well as a bare list
        data = next((value for value in data.values() if isinstance(value, list)), [])
    return [entry for entry in data or [] if isinstance(entry, dict)]


def _area_titles(refs: list, notices: dict[str, NoticeSpec]) -> list[str]:
    """'2024:1' → the first area title of the 2024 notice; a plain title is kept as it is."""
    titles = []
    for ref in refs:
        notice_id, _, number = str(ref).partition(":")
        spec = notices.get(notice_id)
        if spec and number.isdigit() and 0 < int(number) <= len(spec.areas):
            titles.append(spec.areas[int(number) - 1].title)
        elif not number:
            titles.append(str(ref))
    return titles


def _entry_text(entry: dict) -> tuple[str, str]:
    title = str(entry.get("headline") or entry.get("title") or "").strip()
    body = str(entry.get("text") or "").strip()
    if title and not body.startswith(title.rstrip("。")):
        body = f"{title}\n{body}" if body else title
    return title, body


def bank_records(banks_dir: Path, notices: NoticeLibrary | None = None) -> list[Record]:
    specs = {spec.id: spec for spec in notices.all()} if notices else {}
    records: list[Record] = []
    seen: set[str] = set()
    for file_name, kind in BANK_FILES.items():
        path = Path(banks_dir) / file_name
        if not path.exists():
            continue
        for position, entry in enumerate(_entries(path), start=1):
            entry_id = str(entry.get("id") or "").strip()
            title, text = _entry_text(entry)
            if not entry_id or not text or entry_id in seen:
                continue
            seen.add(entry_id)
            dimensions = entry.get("causes") or entry.get("dimension") or []
            dimensions = [dimensions] if isinstance(dimensions, str) else list(dimensions)
            area_refs = [str(ref) for ref in entry.get("area_titles") or []]
            metadata = {
                "kind": kind,
                "origin": "bank",
                "dimension": join_list(dimensions),
                "years": join_list(entry.get("years") or []),
                "areas": AREA_SEPARATOR.join(_area_titles(area_refs, specs)),
                "area_refs": join_list(area_refs),
                "material": join_list(entry.get("kinds") or []),
                "answers": join_list(entry.get("answers") or []),
                "title": title,
                "source": f"banks/{file_name}",
                "position": position,
            }
            for field in EXTRA_FIELDS:
                if entry.get(field):
                    metadata[field] = str(entry[field])
            records.append(Record(entry_id, text, metadata))
    return records


def notice_records(notices: NoticeLibrary) -> list[Record]:
    records = []
    for spec in notices.all():
        year = str(spec.year) if spec.year else spec.id
        for area in spec.areas:
            metadata = {
                "kind": "notice",
                "origin": "bank",
                "dimension": "",
                "years": year,
                "areas": area.title,
                "area_refs": f"{spec.id}:{area.index}",
                "title": area.short or area.title,
                "theme": spec.theme,
                "source": f"notices/{spec.id}.yaml",
                "position": area.index,
            }
            records.append(Record(f"notice-{spec.id}-{area.index}", area.title, metadata))
    return records


def bundled_records(banks_dir: Path, notices_dir: Path) -> list[Record]:
    notices = NoticeLibrary(Path(notices_dir)) if Path(notices_dir).is_dir() else None
    return bank_records(banks_dir, notices) + (notice_records(notices) if notices else [])


def content_hash(records: list[Record]) -> str:
    """One hash for the whole bundled knowledge: unchanged hash, nothing to re-index."""
    digest = hashlib.sha256()
    for record in sorted(records, key=lambda r: r.id):
        digest.update(f"{record.id}\0{record.digest}\n".encode("utf-8"))
    return digest.hexdigest()[:16]
