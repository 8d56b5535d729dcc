"""The session's own settings and the draft's history: notice, profile, edits, accepting a proposal, undo
and redo, the check and the export. Each change is written to the session store at once."""

from __future__ import annotations

import hashlib
import re
import time
from functools import lru_cache
from pathlib import Path

from assistant.document import parse
from assistant.errors import JianshiError
from assistant.notice_parser import parse_notice_text
from assistant.notices import NoticeSpec
from assistant.operations.catalog import Facts
from assistant.rubric import Severity
from assistant.workbench import ExportBlocked

from assistant import material
from .actions import Outcome
from .files import safe_name
from .proposals import Proposal, apply
from .routing import Intent
from .sessions import Session, SessionStore

TYPING_MERGE_SECONDS = 120.0


@lru_cache(maxsize=64)
def _pasted(text: str) -> NoticeSpec:
    return parse_notice_text(text)


class Editing:
    def __init__(self, *, workbench, store: SessionStore, exports_dir: Path) -> None:
        self.workbench = workbench
        self.store = store
        self.exports_dir = Path(exports_dir)
        self.on_notice = None  # (owner, session id) → a line for the reply: the 素材 sorted again for the new notice

    # ---- what the session says -------------------------------------------------------------------
    def notice(self, session: Session) -> NoticeSpec | None:
        ref = session.meta.get("notice") or {}
        try:
            if ref.get("id") == "pasted":
                return _pasted(ref.get("text", ""))
            return self.workbench.notices.get(ref["id"]) if ref.get("id") else None
        except JianshiError:
            return None

    @staticmethod
    def profile(session: Session) -> tuple[str, str, Facts]:
        profile = session.meta.get("profile") or {}
        return (profile.get("org") or "本单位", profile.get("kind") or "banzi", Facts.from_text(profile.get("facts", "")))

    def title(self, session: Session) -> str:
        org = (session.meta.get("profile") or {}).get("org") or "未命名单位"
        notice = self.notice(session)
        return f"{org} · {notice.label if notice else '未选通知'}"

    def perform(self, owner: str, session: Session, intent: Intent) -> Outcome:
        if intent.name == "set_notice":
            return self.choose_notice(owner, session.id, preset=intent.args["notice"])
        if intent.name == "export":
            return self.export(owner, session.id, intent.args.get("format", "docx"), intent.args.get("force", False))
        return getattr(self, intent.name)(owner, session.id)

    # ---- settings ----------------------------------------------------------------------------------
    def choose_notice(self, owner: str, session_id: str, *, preset: str | None = None, text: str | None = None) -> Outcome:
        try:
            spec = _pasted(text) if text is not None else self.workbench.notices.get(preset)
        except JianshiError as exc:
            return Outcome(f"{exc.message}。{exc.hint}")
        ref = {"id": "pasted", "text": text} if text is not None else {"id": spec.id}
        session = self.store.update(owner, session_id, notice=ref)
        self.store.update(owner, session_id, title=self.title(session))
        areas = "\n".join(f"（{i}）{area.title}" for i, area in enumerate(spec.areas, start=1))
        parts = "、".join(material.PART_TITLES[p] for p in spec.required_parts if p in material.PART_TITLES)
        extra = f"\n另需写：{parts}。" if parts else ""
        extra += "".join(f"\n注意：{warning}" for warning in spec.warnings)
        sorted_again = self.on_notice(owner, session_id) if self.on_notice else ""
        extra += f"\n{sorted_again}" if sorted_again else ""
        return Outcome(f"已选用：{spec.label}，共{len(spec.areas)}个方面：\n{areas}{extra}")

    def save_profile(self, owner: str, session_id: str, *, org: str, kind: str, year, facts: str) -> Session:
        profile = {"org": (org or "").strip()[:60], "kind": kind if kind in ("banzi", "geren") else "banzi",
                   "year": int(year) if year else None, "facts": (facts or "")[:20000]}
        session = self.store.update(owner, session_id, profile=profile)
        return self.store.update(owner, session_id, title=self.title(session))

    # ---- the draft ---------------------------------------------------------------------------------
    def save_section(self, owner: str, session_id: str, key: str, text: str) -> int:
        session = self.store.get(owner, session_id)
        if (session.sections.get(key) or "") == (text or ""):
            return session.head
        label = f"修改：{material.section_label(key, self.notice(session))}"
        changed = apply(session.sections, {key: text or ""})
        return self.store.commit(owner, session_id, changed, label, merge_within=TYPING_MERGE_SECONDS)

    def save_fulltext(self, owner: str, session_id: str, text: str) -> int:
        return self.store.commit(owner, session_id, material.split(text or ""), "修改全文")

    def accept(self, owner: str, session_id: str, edited: str | None = None) -> Outcome:
        session = self.store.get(owner, session_id)
        proposal = Proposal.from_dict(session.meta.get("proposal"))
        if proposal is None:
            return Outcome("目前没有待采用的内容。")
        changes = proposal.edited(edited)
        self.store.commit(owner, session_id, apply(session.sections, changes), f"采用：{proposal.label}")
        self.store.update(owner, session_id, proposal=None)
        return Outcome(f"已采用“{proposal.label}”，写入了材料（可以撤销）。", section=next(iter(changes), None))

    def discard(self, owner: str, session_id: str) -> Outcome:
        self.store.update(owner, session_id, proposal=None)
        return Outcome("已放弃这段内容，材料没有改动。")

    def undo(self, owner: str, session_id: str) -> Outcome:
        label = self._head_label(owner, session_id)
        session = self.store.undo(owner, session_id)
        return Outcome(f"已撤销：{label}。" if session else "没有可以撤销的修改了。")

    def redo(self, owner: str, session_id: str) -> Outcome:
        session = self.store.redo(owner, session_id)
        return Outcome(f"已重做：{self._head_label(owner, session_id)}。" if session else "没有可以重做的修改。")

    def _head_label(self, owner: str, session_id: str) -> str:
        return next((v.label for v in self.store.versions(owner, session_id) if v.is_head), "")

    # ---- check and export --------------------------------------------------------------------------
    def check(self, owner: str, session_id: str) -> Outcome:
        session = self.store.get(owner, session_id)
        text, spans = material.render(session.sections, self.notice(session))
        if not text.strip():
            return Outcome("材料还是空的，请先写一部分再检查。")
        report = self.check_text(text, self.notice(session), (session.meta.get("profile") or {}).get("kind"),
                                 others=self.other_materials(session_id))
        for finding in report["findings"]:
            span = material.span_at(spans, finding.get("line"))
            finding["section"] = span.key if span else None
            finding["section_line"] = span.line_in_section(finding["line"]) if span else None
        self.store.update(owner, session_id, report={**report, "version": session.head, "at": time.time()})
        s = report["summary"]
        top = top_blockers(report)
        return Outcome(f"检查完成：必须修改 {s['blocker']} 处，重要 {s['major']} 处，提示 {s['minor']} 处。"
                       "右侧“检查”中按级别列出，点一条可跳到对应的一节。" + ("\n" + "\n".join(top) if top else ""))

    def check_text(self, text: str, notice: NoticeSpec | None = None, kind: str | None = None,
                   others: list[tuple[str, str]] = ()) -> dict:
        draft = self.workbench.draft_from_text(text, "材料")
        notice = notice or self.workbench.resolve_notice(None, draft.doc)
        return self.workbench.check(draft.doc, notice=notice, kind=kind or None, others=others).to_dict()

    def other_materials(self, session_id: str) -> list[tuple[str, str]]:
        """The other materials on this machine, for the 雷同 check. Another browser's material is named only
        as such: its title is not shown to this one."""
        others = []
        for _, same_owner, title, sections in self.store.latest_texts(session_id):
            text, _ = material.render(sections)
            if text.strip():
                others.append((title if same_owner else "本机其他起草人的一份材料", text))
        return others

    def export(self, owner: str, session_id: str, fmt: str = "docx", force: bool = False) -> Outcome:
        """Like `jianshi export`: a material with blocker findings is not exported unless the drafter asks
        for a draft anyway (the 仍然导出 box, or “仍然导出Word” in the chat)."""
        session = self.store.get(owner, session_id)
        notice = self.notice(session)
        text, _ = material.render(session.sections, notice)
        if not text.strip():
            return Outcome("材料还是空的，没有可导出的内容。")
        org = (session.meta.get("profile") or {}).get("org", "")
        title = session.sections.get("title", "").split("\n")[0] or f"{org}对照检查材料"
        name = safe_name(title, default="对照检查材料")
        folder = self.exports_dir / hashlib.sha256(owner.encode()).hexdigest()[:16] / session_id
        folder.mkdir(parents=True, exist_ok=True)
        out = folder / f"{re.sub(r'[.]', '_', name)}.{'md' if fmt == 'md' else 'docx'}"
        kind = (session.meta.get("profile") or {}).get("kind")
        try:
            path, report = self.workbench.export(parse(text), out, notice=notice, kind=kind, force=force)
        except ExportBlocked as blocked:
            report = blocked.report.to_dict()
            top = top_blockers(report)
            return Outcome(f"没有导出：材料中还有 {report['summary']['blocker']} 处必须修改的问题（右侧“检查”中可逐条查看）。"
                           "改好后再导出；只需要一份草稿时，勾选“导出”页的“仍然导出”，或说“仍然导出Word”。\n" + "\n".join(top))
        self.store.update(owner, session_id, export=str(path))
        blockers = report.summary["blocker"]
        note = f"这是草稿：材料中还有 {blockers} 处必须修改的问题，定稿前请先修改。" if blockers else "没有必须修改的问题。"
        return Outcome(f"已导出{'Markdown' if fmt == 'md' else ' Word '}文件“{path.name}”，请在右侧“导出”中下载。{note}")


    def export_ledger(self, owner: str, session_id: str) -> Outcome:
        """The material's 整改清单 as .xlsx, one row per problem: from the last whole draft's map while the
        draft still holds it, else read from the text; owners and deadlines only from the profile's facts."""
        from assistant.ledger import export_ledger
        from assistant.ledger.loading import ledger_from_session

        session = self.store.get(owner, session_id)
        if not any(material.area_of(key) and text.strip() for key, text in session.sections.items()):
            return Outcome("材料中还没有写各方面的问题，整改清单要按问题逐条列出：请先写好问题和整改措施。")
        _, _, facts = self.profile(session)
        ledger = ledger_from_session(session.sections, self.notice(session), session.meta.get("map"),
                                     facts_text=facts.text())
        folder = self.exports_dir / hashlib.sha256(owner.encode()).hexdigest()[:16] / session_id
        folder.mkdir(parents=True, exist_ok=True)
        path = export_ledger(ledger, folder / f"{re.sub(r'[.]', '_', safe_name(ledger.title, default='整改清单'))}.xlsx")
        self.store.update(owner, session_id, export=str(path))
        notes = "".join(f"\n提示：{note}" for note in ledger.notes)
        return Outcome(f"已生成整改清单“{path.name}”（{len(ledger.rows)} 个问题，待补 {ledger.pending_cells} 处："
                       f"责任领导、责任部门、完成时限请按实际填写），请在右侧“导出”中下载。{notes}")


def top_blockers(report: dict, limit: int = 5) -> list[str]:
    """The first blocker findings of a report dict, one “· message” line each, for a chat reply."""
    return [f"· {f['message']}" for f in report["findings"] if f["severity"] == Severity.BLOCKER.value][:limit]
