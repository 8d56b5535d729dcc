"""A file on disk → its plain text, per type: .txt/.md (UTF-8, GBK or Big5), .docx, text-layer .pdf.

The reading itself is textio.read_input, the path every input takes; here are the types the knowledge base
takes and the checks ingest runs before hashing a file. Every failure is an InputError with a Chinese
message naming the file, so ingest can report it and go on with the other files.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from ..textio import Limits, check_size, read_input, shown

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf"}
SUPPORTED_LABEL = "、".join(sorted(SUPPORTED_SUFFIXES - {".markdown", ".text"}))
LARGE_HINT = "请拆分成较小的文件，或调大 JIANSHI_MAX_INGEST_BYTES"


def check_file(path: Path, *, max_bytes: int) -> int:
    """Raise InputError unless path is a readable, non-empty, supported file within the size cap."""
    if not path.exists():
        raise InputError(f"找不到文件“{shown(path)}”", hint="请检查路径是否正确")
    if not path.is_file():
        raise InputError(f"“{shown(path)}”不是普通文件", hint="请指定文件或文件夹")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(f"不支持的文件类型“{shown(path.suffix) or '无扩展名'}”：“{shown(path.name)}”",
                         hint=f"知识库可导入 {SUPPORTED_LABEL} 文件")
    if not os.access(path, os.R_OK):
        raise InputError(f"没有权限读取“{shown(path)}”", hint="请检查文件权限")
    return check_size(path, max_bytes=max_bytes, empty_hint="请确认文件内容后再导入", large_hint=LARGE_HINT)


def load_file_text(path: str | Path, *, max_bytes: int = 20_000_000, limits: Limits | None = None) -> str:
    """The file's text; InputError if it cannot be read, holds no text or is past a limit."""
    limits = limits or Limits(max_bytes=max_bytes, max_chars=5_000_000)
    check_file(Path(path), max_bytes=limits.max_bytes)
    return read_input(path, limits=limits, suffixes=SUPPORTED_SUFFIXES, what="文件", large_hint=LARGE_HINT).text
