"""After the meeting: a material's rectification ledger (整改清单) as .xlsx or as a .docx attachment.

Reading a ledger back as next year's 素材 is in assistant/sucai (ledger_table.py, carryover.py).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .from_material import ledger_from_map, ledger_from_text, map_from_text
from .model import COLUMNS, PENDING, Ledger, LedgerRow, ledger_title

__all__ = ["COLUMNS", "PENDING", "Ledger", "LedgerRow", "export_ledger", "ledger_from_map", "ledger_from_text",
           "ledger_title", "map_from_text"]

SUFFIXES = (".xlsx", ".docx")


def export_ledger(ledger: Ledger, path: str | Path, *, fallback: bool = False) -> Path:
    """Write the ledger as .xlsx or .docx, chosen by the suffix; an InputError in Chinese otherwise."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        shown = f"“{suffix}”" if suffix else "无扩展名的文件"
        raise InputError(f"整改清单不能导出为{shown}：“{path.name}”", hint="请用 .xlsx（Excel 表格）或 .docx（Word 附件）作扩展名")
    try:
        if suffix == ".xlsx":
            from .xlsx import write_xlsx

            return write_xlsx(ledger, path)
        from .docx import write_docx

        return write_docx(ledger, path, fallback=fallback)
    except PermissionError as exc:
        raise InputError(f"无法写入“{path}”：没有权限或文件正被占用", hint="如果该文件已在 Excel、WPS 或 Word 中打开，请先关闭后重试") from exc
    except OSError as exc:
        raise InputError(f"无法写入“{path}”：{exc.strerror or exc}", hint="请检查目录是否存在以及是否有写入权限") from exc
