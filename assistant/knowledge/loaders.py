"""A file on disk → its plain text, per type: .txt/.md (UTF-8 or GBK), .docx, text-layer .pdf.

Every failure is an InputError with a Chinese message naming the file, so ingest can report it and go on
with the other files.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from ..errors import InputError
from ..textio import check_size, decode_bytes, read_docx_text

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf"}
SUPPORTED_LABEL = "、".join(sorted(SUPPORTED_SUFFIXES - {".markdown", ".text"}))


def check_file(path: Path, *, max_bytes: int) -> int:
    """Raise InputError unless path is a readable, non-empty, supported file within the size cap."""
    if not path.exists():
        raise InputError(f"找不到文件“{path}”", hint="请检查路径是否正确")
    if not path.is_file():
        raise InputError(f"“{path}”不是普通文件", hint="请指定文件或文件夹")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(f"不支持的文件类型“{path.suffix or '无扩展名'}”：“{path.name}”",
                         hint=f"知识库可导入 {SUPPORTED_LABEL} 文件")
    if not os.access(path, os.R_OK):
        raise InputError(f"没有权限读取“{path}”", hint="请检查文件权限")
    return check_size(path, max_bytes=max_bytes, empty_hint="请确认文件内容后再导入",
                      large_hint="请拆分成较小的文件，或调大 JIANSHI_MAX_INGEST_BYTES")


def load_file_text(path: str | Path, *, max_bytes: int = 20_000_000) -> str:
    """The file's text; InputError if it cannot be read or holds no text."""
    path = Path(path)
    check_file(path, max_bytes=max_bytes)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        text = read_docx_text(path)
    elif suffix == ".pdf":
        text = read_pdf_text(path)
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"无法读取“{path}”：{exc.strerror or exc}", hint="请检查文件权限") from exc
        text = decode_bytes(data, path.name).text
    if not text.strip():
        raise InputError(f"“{path.name}”中没有文字内容", hint="请确认文件内容后再导入")
    return text


def read_pdf_text(path: Path) -> str:
    """Text of every page; a scanned PDF (images only) has none and is refused with a hint to OCR it."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files log noisy warnings per object
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"“{path.name}”设有密码", hint="请先解除 PDF 密码再导入")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"“{path.name}”不是有效的 PDF 文件，可能已损坏", hint="请重新导出 PDF 后再试") from exc
    except Exception as exc:  # pypdf raises assorted errors on damaged object streams
        raise InputError(f"读取 PDF“{path.name}”失败：{type(exc).__name__}", hint="请重新导出 PDF 后再试") from exc
    text = "\n".join(page.strip() for page in pages if page.strip())
    if not text.strip():
        raise InputError(f"“{path.name}”中没有可提取的文字（可能是扫描件）",
                         hint="请先用文字识别（OCR）软件转成文字，或另存为 .docx/.txt 后再导入")
    return text
