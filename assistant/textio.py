"""The one reading path for every file the drafter brings: drafts to check or export, a pasted notice, files
for the knowledge base (CLI ingest and web upload) and 素材.

`read_input` checks the file (exists, readable, not empty, within the size cap), reads it by type (text in
any common Chinese encoding via decoding.py, .docx, text-layer .pdf) and bounds the work: the decompressed
size of a .docx/.xlsx archive is checked before anything is parsed, a PDF's page count before its pages are
read, and the text's length in characters after. Every failure is an InputError with a Chinese message.
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .decoding import LoadedText, clean_text, decode_bytes, looks_binary  # noqa: F401  (re-exported)
from .errors import InputError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
RESAVE_DOCX = "请在 Word 中打开后另存为 .docx 再试"


@dataclass(frozen=True)
class Limits:
    """How much one file may cost: bytes on disk, bytes once unzipped (XML parts), characters, PDF pages."""

    max_bytes: int = 1_000_000
    max_unzipped_bytes: int = 10_000_000
    max_chars: int = 300_000
    max_pdf_pages: int = 500

    @classmethod
    def for_drafts(cls, settings) -> "Limits":
        return cls(settings.max_input_bytes, settings.max_unzipped_bytes, settings.max_input_chars,
                   settings.max_pdf_pages)

    @classmethod
    def for_ingest(cls, settings) -> "Limits":
        return cls(settings.max_ingest_bytes, settings.max_unzipped_bytes, settings.max_ingest_chars,
                   settings.max_pdf_pages)


def shown(path) -> str:
    """A path as it can be printed: undecodable bytes in a file name become �."""
    return str(path).encode("utf-8", "replace").decode("utf-8")


def check_size(path: Path, *, max_bytes: int, empty_hint: str, large_hint: str) -> int:
    """The file's size, or an InputError when it cannot be read, is empty or is over the cap."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"无法读取“{shown(path)}”：{exc.strerror or exc}", hint="请检查文件权限") from exc
    if size == 0:
        raise InputError(f"“{shown(path.name)}”是空文件", hint=empty_hint)
    if size > max_bytes:
        raise InputError(f"“{shown(path.name)}”过大（{size / 1_000_000:.1f} MB），超过 {max_bytes / 1_000_000:.1f} MB 的上限",
                         hint=large_hint)
    return size


def check_archive(path: Path, max_unzipped_bytes: int) -> None:
    """Refuse a .docx/.xlsx whose parts would unzip past the cap (a "zip bomb"), before any part is parsed.

    The sizes in the archive's directory bound what Python's zipfile will ever inflate (it stops at the stated
    size and fails the CRC), so checking them is enough. Media (pictures) barely compress: they count only
    past twice the file's own size.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(f"“{shown(path.name)}”不是有效的 Office 文档（压缩包已损坏）", hint=RESAVE_DOCX) from exc
    xml = sum(e.file_size for e in entries if "/media/" not in e.filename)
    media = sum(e.file_size for e in entries if "/media/" in e.filename)
    if xml > max_unzipped_bytes or media > 2 * path.stat().st_size + max_unzipped_bytes:
        raise InputError(f"“{shown(path.name)}”解压后过大（{(xml + media) / 1_000_000:.1f} MB），超过 "
                         f"{max_unzipped_bytes / 1_000_000:.0f} MB 的上限，已拒绝读取",
                         hint="文件可能已损坏或被恶意构造；请在 Word 中另存为新文件，或调大 JIANSHI_MAX_UNZIPPED_BYTES")


def open_docx(path: Path, max_unzipped_bytes: int = Limits.max_unzipped_bytes):
    """The python-docx Document for a .docx, or an InputError when it is not one, is damaged or unzips too big."""
    from docx import Document as DocxDocument

    check_archive(path, max_unzipped_bytes)
    try:
        return DocxDocument(str(path))
    except Exception as exc:  # python-docx raises assorted zip, KeyError and lxml errors on damaged files
        raise InputError(f"“{shown(path.name)}”不是有效的 Word 文档，可能已损坏（{type(exc).__name__}）",
                         hint=RESAVE_DOCX) from exc


def read_docx_text(path: Path, max_unzipped_bytes: int = Limits.max_unzipped_bytes) -> str:
    """Paragraph texts of a .docx joined by newlines (tables are read row by row)."""
    document = open_docx(path, max_unzipped_bytes)
    try:
        lines = [paragraph.text for paragraph in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append("\t".join(cell.text for cell in row.cells))
    except Exception as exc:  # damaged XML inside an otherwise openable document
        raise InputError(f"读取 Word 文档“{shown(path.name)}”失败（{type(exc).__name__}）", hint=RESAVE_DOCX) from exc
    return "\n".join(lines)


def read_pdf_text(path: Path, max_pages: int = Limits.max_pdf_pages) -> str:
    """Text of every page; a scanned PDF (images only) has none and is refused with a hint to OCR it."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # damaged files log noisy warnings per object
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"“{shown(path.name)}”设有密码", hint="请先解除 PDF 密码再导入")
        count = len(reader.pages)
        if count > max_pages:
            raise InputError(f"“{shown(path.name)}”有 {count} 页，超过 {max_pages} 页的上限",
                             hint="请拆分成较小的文件，或调大 JIANSHI_MAX_PDF_PAGES")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception as exc:  # pypdf raises assorted errors (and RecursionError) on damaged object streams
        raise InputError(f"“{shown(path.name)}”不是有效的 PDF 文件，可能已损坏（{type(exc).__name__}）",
                         hint="请重新导出 PDF 后再试") from exc
    text = "\n".join(page.strip() for page in pages if page.strip())
    if not text.strip():
        raise InputError(f"“{shown(path.name)}”中没有可提取的文字（可能是扫描件）",
                         hint="请先用文字识别（OCR）软件转成文字，或另存为 .docx/.txt 后再导入")
    return text


def read_input(path: str | Path, *, limits: Limits, suffixes=None, what: str = "材料",
               large_hint: str = "一份对照检查材料通常不超过 3 万字，请确认选对了文件") -> LoadedText:
    """A file's text through every check above; `suffixes` (None: any text, .docx, .pdf) are the types allowed."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到文件“{shown(path)}”", hint="请检查路径是否正确")
    if path.is_dir():
        raise InputError(f"“{shown(path)}”是文件夹，不是{what}文件", hint="请指定一个 .txt、.md 或 .docx 文件")
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise InputError(f"暂不支持旧版 Word 格式（.doc）：“{shown(path.name)}”", hint="请在 Word 中另存为 .docx 后重试")
    if suffixes is not None and suffix not in suffixes:
        raise InputError(f"不能读取“{shown(path.name)}”：不支持{suffix or '无扩展名'}格式",
                         hint=f"请提供 {'、'.join(sorted(s for s in suffixes if s))} 文件")
    check_size(path, max_bytes=limits.max_bytes, empty_hint=f"请先写入{what}内容", large_hint=large_hint)
    if suffix == ".docx":
        loaded = LoadedText(read_docx_text(path, limits.max_unzipped_bytes), "docx", str(path))
    elif suffix == ".pdf":
        loaded = LoadedText(read_pdf_text(path, limits.max_pdf_pages), "pdf", str(path))
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"无法读取“{shown(path)}”：{exc.strerror or exc}", hint="请检查文件权限") from exc
        loaded = decode_bytes(data, shown(path.name))
    if not loaded.text.strip():
        raise InputError(f"“{shown(path.name)}”中没有文字内容", hint=f"请先写入{what}内容")
    if len(loaded.text) > limits.max_chars:
        raise InputError(f"“{shown(path.name)}”有 {len(loaded.text):,} 个字符，超过 {limits.max_chars:,} 字的上限",
                         hint=large_hint)
    return loaded


def load_text(path: str | Path, *, max_bytes: int = 1_000_000, limits: Limits | None = None) -> LoadedText:
    """A draft (or a pasted notice) to check or export: text, Markdown or .docx; a PDF is refused."""
    limits = limits or Limits(max_bytes=max_bytes)
    if Path(path).suffix.lower() == ".pdf":
        raise InputError(f"检查功能不直接读取 PDF：“{shown(Path(path).name)}”", hint="请提供 .txt、.md 或 .docx 格式的材料")
    return read_input(path, limits=limits)
