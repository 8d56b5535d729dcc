"""Export a parsed draft to Word (.docx) or Markdown (.md), chosen by the file's suffix.

The Word file follows GB/T 9704-2012 typography (see `export_docx`); the Markdown file keeps the
draft's text exactly, with headings marked (see `export_markdown`).
"""

from __future__ import annotations

from pathlib import Path

from .document import Document
from .errors import InputError
from .export_docx import FONTS, build_docx, export_docx
from .export_markdown import export_markdown, to_markdown

__all__ = ["FONTS", "build_docx", "export", "export_docx", "export_markdown", "to_markdown"]

MARKDOWN_SUFFIXES = {".md", ".markdown"}


def export(doc: Document, path: str | Path, *, fallback: bool = False) -> Path:
    """Write `doc` to `path` as .docx or .md; `fallback` picks the common Windows fonts for .docx."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return export_docx(doc, path, fallback=fallback)
    if suffix in MARKDOWN_SUFFIXES:
        return export_markdown(doc, path)
    shown = f"“{suffix}”" if suffix else "无扩展名的文件"
    raise InputError(f"不支持导出为{shown}格式：“{path.name}”", hint="请使用 .docx（Word 文档）或 .md（Markdown）作为文件扩展名")
