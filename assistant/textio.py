"""Reading drafts from disk: plain text in any common Chinese encoding, Markdown and .docx.

Drafters bring GBK files from older Windows machines, UTF-8 with a BOM from Notepad and .docx from Word.
Every failure becomes an InputError with a Chinese message; nothing here raises a bare traceback.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
ENCODINGS = ("utf-8-sig", "gb18030", "big5", "utf-16")


@dataclass(frozen=True)
class LoadedText:
    text: str
    encoding: str
    source: str


def decode_bytes(data: bytes, source: str = "输入") -> LoadedText:
    """Decode bytes as UTF-8 (with or without BOM), else GB18030 (a superset of GBK), else Big5."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return LoadedText(data.decode("utf-16"), "utf-16", source)
    if _looks_binary(data):
        raise InputError(f"“{source}”不是文本文件（含有二进制内容）", hint="请提供 .txt、.md 或 .docx 格式的材料")
    for encoding in ENCODINGS[:3]:
        try:
            return LoadedText(data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else encoding, source)
        except UnicodeDecodeError:
            continue
    raise InputError(f"无法识别“{source}”的文字编码", hint="请在记事本或 Word 中另存为 UTF-8 编码后重试")


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return len(sample) > 0 and controls / len(sample) > 0.05


def open_docx(path: Path):
    """The python-docx Document for a .docx, or an InputError when it is not one or is damaged."""
    from docx import Document as DocxDocument
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return DocxDocument(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"“{path.name}”不是有效的 Word 文档，可能已损坏", hint="请在 Word 中打开后另存为 .docx 再试") from exc
    except Exception as exc:  # python-docx raises assorted lxml errors on damaged XML
        raise InputError(f"读取 Word 文档“{path.name}”失败：{type(exc).__name__}", hint="请在 Word 中打开后另存为 .docx 再试") from exc


def read_docx_text(path: Path) -> str:
    """Paragraph texts of a .docx joined by newlines (tables are read row by row)."""
    document = open_docx(path)
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def check_size(path: Path, *, max_bytes: int, empty_hint: str, large_hint: str) -> int:
    """The file's size, or an InputError when it cannot be read, is empty or is over the cap."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"无法读取“{path}”：{exc.strerror or exc}", hint="请检查文件权限") from exc
    if size == 0:
        raise InputError(f"“{path.name}”是空文件", hint=empty_hint)
    if size > max_bytes:
        raise InputError(f"“{path.name}”过大（{size / 1_000_000:.1f} MB），超过 {max_bytes / 1_000_000:.1f} MB 的上限",
                         hint=large_hint)
    return size


def load_text(path: str | Path, *, max_bytes: int = 1_000_000) -> LoadedText:
    """Load a draft file as text, checking existence, size, type and encoding."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到文件“{path}”", hint="请检查路径是否正确")
    if path.is_dir():
        raise InputError(f"“{path}”是文件夹，不是材料文件", hint="请指定一个 .txt、.md 或 .docx 文件")
    check_size(path, max_bytes=max_bytes, empty_hint="请先写入材料内容",
               large_hint="一份对照检查材料通常不超过 3 万字，请确认选对了文件")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        text = read_docx_text(path)
        loaded = LoadedText(text, "docx", str(path))
    elif suffix == ".doc":
        raise InputError(f"暂不支持旧版 Word 格式（.doc）：“{path.name}”", hint="请在 Word 中另存为 .docx 后重试")
    elif suffix == ".pdf":
        raise InputError(f"检查功能不直接读取 PDF：“{path.name}”", hint="请提供 .txt、.md 或 .docx 格式的材料")
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"无法读取“{path}”：{exc.strerror or exc}", hint="请检查文件权限") from exc
        loaded = decode_bytes(data, path.name)
    if not loaded.text.strip():
        raise InputError(f"“{path.name}”中没有文字内容", hint="请先写入材料内容")
    return loaded
