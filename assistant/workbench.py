"""The operations every face (CLI, web UI, evals) calls: load a draft, pick its notice, check, export."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Settings
from .document import Document, parse
from .errors import InputError, JianshiError
from .notices import NoticeLibrary, NoticeSpec
from .rubric import Report, run_rubric
from .textio import decode_bytes, load_text

KINDS = ("banzi", "geren")
KIND_LABELS = {"banzi": "领导班子", "geren": "个人"}


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

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "Workbench":
        settings = settings or Settings()
        return cls(settings=settings, notices=NoticeLibrary(settings.knowledge_dir / "notices"))

    # ---- drafts ------------------------------------------------------------------------------------
    def load_draft(self, path: str | Path) -> Draft:
        loaded = load_text(path, max_bytes=self.settings.max_input_bytes)
        return Draft(doc=parse(loaded.text), source=loaded.source, encoding=loaded.encoding)

    def draft_from_text(self, text: str, source: str = "输入的文字") -> Draft:
        if len(text.encode("utf-8")) > self.settings.max_input_bytes:
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

                text = decode_bytes(path.read_bytes(), path.name).text
                return parse_notice_text(text)
            return self.notices.get(ref)
        if doc is not None:
            return self.notices.guess(doc.render())
        return None

    # ---- knowledge base ----------------------------------------------------------------------------
    def knowledge(self):
        """The index store, ingester and retriever (assistant.retrieval.knowledge_base), built on first use."""
        if self._knowledge is None:
            from .retrieval.knowledge_base import KnowledgeBase

            self._knowledge = KnowledgeBase(settings=self.settings, notices_dir=self.notices.folder)
        return self._knowledge

    def retriever(self):
        return self.knowledge().retriever

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
    def check(self, doc: Document, *, notice: NoticeSpec | None = None, kind: str | None = None) -> Report:
        if kind is not None and kind not in KINDS:
            raise InputError(f"材料类型“{kind}”无效", hint="请使用 banzi（领导班子）或 geren（个人）")
        return run_rubric(doc, settings=self.settings, notice=notice, kind=kind)

    def export(self, doc: Document, out: str | Path, *, notice: NoticeSpec | None = None,
               kind: str | None = None, force: bool = False) -> tuple[Path, Report]:
        from .export import export

        report = self.check(doc, notice=notice, kind=kind)
        if report.has_blockers and not force:
            raise ExportBlocked(report)
        return export(doc, Path(out)), report
