"""Importing the drafter's 素材 from pasted text, .txt/.md, .docx and .xlsx into entries of the right kind.

`read_sucai` picks the reader by suffix (text.py for text, office.py for .docx/.xlsx), then merges repeated
opinions into one entry with a count. Every failure is an InputError in Chinese that names the file.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..textio import Limits, check_size, read_input
from .kinds import classify, status_of
from .model import Sucai
from .office import read_docx, read_xlsx
from .text import TextReader, parse_sucai_text, strip_marker

__all__ = ["classify", "parse_sucai_text", "read_sucai", "sucai_from_facts"]

LARGE_HINT = "素材文件通常不超过几 MB，请确认选对了文件，或拆分后分别导入"
TEXT_LIMITS = Limits(max_bytes=50_000_000, max_chars=1_000_000)  # bytes are capped by read_sucai's max_bytes


def sucai_from_facts(lines: list[str]) -> Sucai:
    """The `jianshi draft --facts FILE` form: each line an entry of the kind it reads as, nothing merged."""
    sucai = Sucai()
    for line in lines:
        text = strip_marker(line)
        if text and not text.startswith(("#", "//")):
            kind = classify(text)
            sucai.add(kind, text, status=status_of(text) if kind == "ledger" else "")
    return sucai


def read_sucai(path: str | Path, *, max_bytes: int = 5_000_000) -> Sucai:
    """素材 from a .txt/.md, .docx or .xlsx file, near-duplicates merged; an InputError for anything unusable."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到素材文件“{path}”", hint="请检查路径是否正确")
    if path.is_dir():
        raise InputError(f"“{path}”是文件夹，不是素材文件", hint="请指定一个 .txt、.md、.docx 或 .xlsx 文件")
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        old = {".xls": "旧版 Excel", ".doc": "旧版 Word", ".et": "WPS 表格", ".wps": "WPS 文字"}.get(suffix)
        raise InputError(f"不能读取素材文件“{path.name}”：不支持{old or suffix or '无扩展名'}格式",
                         hint=f"请{'另存为 .docx 或 .xlsx 后重试' if old else '提供 .txt、.md、.docx 或 .xlsx 文件'}")
    check_size(path, max_bytes=max_bytes, empty_hint="请先写入素材内容", large_hint=LARGE_HINT)
    sucai = Sucai()
    reader(path, sucai)
    if not sucai.entries:
        raise InputError(f"素材文件“{path.name}”中没有读到内容", hint="每行写一条素材，或用带“意见建议内容”“问题”等表头的表格")
    sucai.merge_duplicates()
    return sucai


def _read_text(path: Path, sucai: Sucai) -> None:
    """Through the reading path every input takes (read_sucai has checked the size already)."""
    reader = TextReader(sucai, path.name)
    for line in read_input(path, limits=TEXT_LIMITS, what="素材", large_hint=LARGE_HINT).text.splitlines():
        reader.feed(line)


READERS = {".txt": _read_text, ".md": _read_text, ".markdown": _read_text, ".text": _read_text,
           ".docx": read_docx, ".xlsx": read_xlsx}
