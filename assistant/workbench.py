"""The operations every face (CLI, web UI, evals) calls: load a draft, pick its notice, check, export."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from pathlib import Path

from .config import Settings
from .document import Document, parse
from .errors import InputError, JianshiError
from .notices import NoticeLibrary, NoticeSpec
from .rubric import Report, run_rubric
from .textio import Limits, clean_text, load_text

if TYPE_CHECKING:
    from .sucai import Sucai

KINDS = ("banzi", "geren")
KIND_LABELS = {"banzi": "领导班子", "geren": "个人"}
OTHER_SUFFIXES = (".txt", ".md", ".docx")


@dataclass
class Draft:
    doc: Document
    source: str
    encoding: str


class ExportBlocked(JianshiError):
    """Export refused because the draft still has blocker findings."""

    exit_code = 1

    def __init__(self, report: Report) -> None:
        count = report.summary["blocker"]
        super().__init__(f"材料中还有{count}处必须修改的问题，已取消导出",
                         hint="请先修改，或加上 --force 强制导出")
        self.report = report


class Workbench:
    def __init__(self, *, settings: Settings, notices: NoticeLibrary) -> None:
        self.settings = settings
        self.notices = notices
        self._knowledge = None
        self._knowledge_lock = threading.Lock()  # the web UI's warm-up and a first request may ask at once

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "Workbench":
        settings = settings or Settings()
        return cls(settings=settings, notices=NoticeLibrary(settings.knowledge_dir / "notices"))

    # ---- drafts ------------------------------------------------------------------------------------
    def load_draft(self, path: str | Path) -> Draft:
        loaded = load_text(path, limits=Limits.for_drafts(self.settings))
        return Draft(doc=parse(loaded.text), source=loaded.source, encoding=loaded.encoding)

    def draft_from_text(self, text: str, source: str = "输入的文字") -> Draft:
        text = clean_text(text, source)
        if len(text.encode("utf-8")) > self.settings.max_input_bytes or len(text) > self.settings.max_input_chars:
            raise InputError(f"{source}过长，超过 {self.settings.max_input_bytes // 1_000_000} MB 的上限",
                             hint="一份对照检查材料通常不超过 3 万字，请确认内容")
        if not text.strip():
            raise InputError(f"{source}是空的", hint="请先写入材料内容")
        return Draft(doc=parse(text), source=source, encoding="utf-8")

    # ---- notices -----------------------------------------------------------------------------------
    def resolve_notice(self, ref: str | None, doc: Document | None = None) -> NoticeSpec | None:
        """A preset id, a path to a pasted notice text, or (when ref is None) a guess from the draft."""
        if ref:
            path = Path(ref)
            if path.suffix and path.is_file():
                from .notice_parser import parse_notice_text

                loaded = load_text(path, limits=Limits.for_drafts(self.settings))  # the same caps as a draft
                return parse_notice_text(loaded.text)
            return self.notices.get(ref)
        if doc is not None:
            return self.notices.guess(doc.render())
        return None

    # ---- knowledge base ----------------------------------------------------------------------------
    def knowledge(self):
        """The index store, ingester and retriever (assistant.retrieval.knowledge_base), built on first use."""
        with self._knowledge_lock:
            if self._knowledge is None:
                from .retrieval.knowledge_base import KnowledgeBase

                self._knowledge = KnowledgeBase(settings=self.settings, notices_dir=self.notices.folder)
        return self._knowledge

    def retriever(self):
        return self.knowledge().retriever

    # ---- 素材 ----------------------------------------------------------------------------------------
    def load_sucai(self, paths) -> "Sucai":
        """Every file's entries in one list, near-duplicates across files merged."""
        from .sucai import Sucai
        from .sucai.carryover import mark_recurrences, offer_open_items
        from .sucai.importers import read_sucai

        sucai = Sucai()
        for path in paths:
            sucai.extend(read_sucai(path, max_bytes=self.settings.max_ingest_bytes))
        sucai.merge_duplicates()
        offer_open_items(sucai)
        mark_recurrences(sucai)
        if not sucai.entries:
            raise InputError("素材文件中没有可用的内容", hint="每行写一条，或用带“意见建议内容”“问题”等表头的表格")
        return sucai

    def sort_sucai(self, notice: NoticeSpec, sucai):
        """The problem entries sorted into the notice's areas by retrieval alone (no model is started)."""
        from .operations.catalog import Catalog
        from .sucai.sorting import AreaSorter

        sorter = AreaSorter(retriever=self.retriever(), catalog=Catalog(self.settings.knowledge_dir / "banks"),
                            notices=self.notices)
        return sorter.sort(notice, sucai)

    # ---- drafting ----------------------------------------------------------------------------------
    def operations(self, *, model=None, log: bool = True, prompt_versions: dict[str, str] | None = None,
                   progress=None):
        """The drafting verbs over the configured model (built here unless one is given) and the index."""
        from .config import PROJECT_ROOT
        from .logbook import Logbook
        from .models.factory import build_model
        from .operations import Operations
        from .operations.catalog import Catalog
        from .prompts import PromptLibrary

        model = model or build_model(self.settings, progress=progress)
        logbook = Logbook(self.settings.home / "logs.db" if log and self.settings.log_calls else None)
        return Operations(settings=self.settings, model=model, retriever=self.retriever(),
                          catalog=Catalog(self.settings.knowledge_dir / "banks"),
                          prompts=PromptLibrary(PROJECT_ROOT / "prompts"), logbook=logbook,
                          prompt_versions=prompt_versions, notices=self.notices)

    # ---- checking and export -----------------------------------------------------------------------
    def check(self, doc: Document, *, notice: NoticeSpec | None = None, kind: str | None = None,
              others: Iterable[tuple[str, str]] = ()) -> Report:
        """Run the rubric; `others` are (label, text) of other units' materials to compare sentences with."""
        if kind is not None and kind not in KINDS:
            raise InputError(f"材料类型“{kind}”无效", hint="请使用 banzi（领导班子）或 geren（个人）")
        return run_rubric(doc, settings=self.settings, notice=notice, kind=kind, others=others)

    def load_others(self, folder: str | Path, *, skip: str | Path | None = None) -> tuple[list[tuple[str, str]], list[str]]:
        """Every .txt/.md/.docx file directly in `folder` as (file name, text), and a Chinese warning per unreadable file."""
        folder = Path(folder)
        if not folder.exists():
            raise InputError(f"找不到文件夹“{folder}”", hint="--against 需要一个存放其他材料的文件夹")
        if not folder.is_dir():
            raise InputError(f"“{folder}”不是文件夹", hint="--against 需要一个存放其他材料的文件夹")
        skipped = Path(skip).resolve() if skip else None
        others: list[tuple[str, str]] = []
        warnings: list[str] = []
        try:
            paths = sorted(folder.iterdir())
        except OSError as exc:
            raise InputError(f"无法读取文件夹“{folder}”：{exc.strerror or exc}", hint="请检查文件夹权限") from exc
        for path in paths:
            if not path.is_file() or path.suffix.lower() not in OTHER_SUFFIXES or path.resolve() == skipped:
                continue
            try:
                others.append((path.name, load_text(path, limits=Limits.for_drafts(self.settings)).text))
            except JianshiError as exc:
                warnings.append(f"已跳过“{path.name}”：{exc.message}")
        if not others:
            warnings.append(f"“{folder}”中没有可比对的其他材料（.txt、.md、.docx），只与参考库比对")
        return others, warnings

    def export(self, doc: Document, out: str | Path, *, notice: NoticeSpec | None = None,
               kind: str | None = None, force: bool = False) -> tuple[Path, Report]:
        from .export import export

        report = self.check(doc, notice=notice, kind=kind)
        if report.has_blockers and not force:
            raise ExportBlocked(report)
        return export(doc, Path(out)), report
