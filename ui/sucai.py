"""The 素材 tab's verbs: add the drafter's 素材 from files or pasted text, sort the problem entries into the
notice's areas, and let the drafter move, merge, drop or re-kind an entry. The 素材 live in the session's
settings (meta "sucai", as Sucai.to_list()), saved after every change.

Sorting is retrieval only (no model), so it never waits for the model's turn; an entry the drafter moved
by hand keeps its area when the notice changes, as long as the new notice has that area.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.errors import InputError
from assistant.notices import NoticeSpec
from assistant.numbering import int_to_cn
from assistant.sucai import KIND_LABELS, Sucai
from assistant.sucai.carryover import mark_recurrences, offer_open_items

from .actions import Outcome
from .sessions import Session, SessionStore

SUCAI_SUFFIXES = (".txt", ".md", ".docx", ".xlsx")
PASTED = "粘贴的文字"
PICK_FIRST = "请先在“选一条素材”中选中一条。"


def sucai_of(session: Session) -> Sucai:
    return Sucai.from_list(session.meta.get("sucai"))


def area_name(notice: NoticeSpec | None, area: int | None) -> str:
    """（二）增强党性: the area's number and short title, as the table and the pickers show it."""
    if area is None:
        return "未归类"
    if notice is None or area > len(notice.areas):
        return f"（{int_to_cn(area)}）"
    spec = notice.areas[area - 1]
    return f"（{int_to_cn(area)}）{spec.short or spec.title[:12]}"


def short(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


class SucaiDesk:
    def __init__(self, *, store: SessionStore, editing, sorting: Callable[[str], object],
                 read_file: Callable[[str], Sucai] | None = None,
                 read_text: Callable[[str, str], Sucai] | None = None) -> None:
        self.store = store
        self.editing = editing  # for the session's notice
        self.sorting = sorting  # owner → operations whose sort_sucai uses that browser's view of the index
        self.read_file = read_file or _read_file
        self.read_text = read_text or _read_text

    # ---- adding ------------------------------------------------------------------------------------
    def add_files(self, owner: str, session_id: str, paths: list[str]) -> Outcome:
        """Read each file; a bad one is named in the reply and changes nothing, the good ones are added."""
        added, errors = Sucai(), []
        for given in paths or []:
            name = Path(given).name
            try:
                if not name.lower().endswith(SUCAI_SUFFIXES):
                    raise InputError(f"不能读取“{name}”：格式不支持", hint="素材文件请用 .txt、.md、.docx 或 .xlsx")
                added.extend(self.read_file(given))
            except InputError as exc:
                errors.append(exc.message + (f"（{exc.hint}）" if exc.hint else ""))
        if not paths:
            return Outcome("没有选择文件。")
        return self._add(owner, session_id, added, errors)

    def add_text(self, owner: str, session_id: str, text: str) -> Outcome:
        if not (text or "").strip():
            return Outcome("粘贴框是空的：请把素材粘贴进去（每行一条），再点“加入素材”。")
        try:
            added = self.read_text(text, PASTED)
        except InputError as exc:
            return self._add(owner, session_id, Sucai(), [exc.message + (f"（{exc.hint}）" if exc.hint else "")])
        return self._add(owner, session_id, added, [])

    def _add(self, owner: str, session_id: str, added: Sucai, errors: list[str]) -> Outcome:
        session = self.store.get(owner, session_id)
        sucai = sucai_of(session)
        fresh = [entry for entry in added.entries if not _already_there(sucai, entry)]
        repeated = len(added.entries) - len(fresh)
        lines = []
        if fresh:
            for entry in fresh:
                entry.area, entry.confidence, entry.flagged = None, 0.0, False
            sucai.extend(Sucai(fresh))
            folded = sucai.merge_duplicates()
            offered = offer_open_items(sucai)
            mark_recurrences(sucai)
            note = self._sort(owner, session, sucai)
            self._save(owner, session_id, sucai)
            lines.append(f"已加入素材 {len(fresh)} 条" + (f"，其中 {folded} 条与已有的意思相近，已合并计次" if folded else "")
                         + f"；现共 {len(sucai)} 条。{note}")
            lines += [f"提示：{sucai.warnings[-1]}"] if offered else []
        if repeated:
            lines.append(f"有 {repeated} 条与已有素材完全相同，没有重复加入。")
        notes = getattr(added, "warnings", [])
        lines += [f"提示：{warning}" for warning in notes[:5]]
        lines += [f"另有 {len(notes) - 5} 条提示：{'；'.join(notes[5:])}"] if len(notes) > 5 else []
        lines += [f"未能加入：{error}" for error in errors]
        if errors:
            lines.append("这个文件没有加入任何内容，已有的素材不受影响。" if len(errors) == 1 else
                         "这些文件没有加入任何内容，已有的素材不受影响。")
        return Outcome("\n".join(lines) or "没有读到素材。")

    # ---- sorting -----------------------------------------------------------------------------------
    def _sort(self, owner: str, session: Session, sucai: Sucai, *, everything: bool = False) -> str:
        """Sort the entries not yet placed (all but the hand-placed ones when `everything`)."""
        notice = self.editing.notice(session)
        if notice is None:
            return "选择通知后，问题素材会自动归入各个方面。" if sucai.problems else ""
        for entry in sucai.entries:
            if not entry.is_problem:
                entry.area, entry.confidence, entry.flagged = None, 0.0, False
            elif entry.area is not None and entry.area > len(notice.areas):
                entry.area, entry.confidence = None, 0.0
        pending = [e for e in sucai.problems if everything and e.confidence < 1.0 or e.area is None]
        if not pending:
            return ""
        self.sorting(owner).sort_sucai(notice, Sucai(pending))  # the same Entry objects: placed in `sucai`
        flagged = sum(e.flagged for e in pending)
        return f"已按通知归入各个方面{f'，其中 {flagged} 条把握不大，已标“需核对”' if flagged else ''}。"

    def resort(self, owner: str, session_id: str) -> str:
        """After the notice changed: every entry sorted again, those moved by hand kept where they are."""
        session = self.store.get(owner, session_id)
        sucai = sucai_of(session)
        if not sucai.problems or self.editing.notice(session) is None:
            return ""
        by_hand = lambda: sum(1 for e in sucai.problems if e.confidence >= 1.0 and e.area is not None)  # noqa: E731
        before = by_hand()
        self._sort(owner, session, sucai, everything=True)
        self._save(owner, session_id, sucai)
        kept = by_hand()
        return (f"素材中的 {len(sucai.problems)} 条问题已按这份通知重新归入各个方面"
                + (f"，您手动调整过的 {kept} 条保持不变" if kept else "")
                + (f"，另有 {before - kept} 条手动调整的方面在这份通知中没有，已重新归类" if before > kept else "") + "。")

    # ---- editing -----------------------------------------------------------------------------------
    def move(self, owner: str, session_id: str, entry_id: str | None, area) -> Outcome:
        session = self.store.get(owner, session_id)
        sucai, notice = sucai_of(session), self.editing.notice(session)
        entry = sucai.get(entry_id or "")
        if entry is None:
            return Outcome(PICK_FIRST)
        if notice is None:
            return Outcome("请先在“通知”中选择年度通知，才能把素材归到方面。")
        if not area or not 1 <= int(area) <= len(notice.areas):
            return Outcome("请在“方面”中选一个方面。")
        if not entry.is_problem:
            return Outcome(f"{entry.id} 是“{entry.kind_label}”，不分方面；要归到方面，请先把类别改成征求意见、谈心谈话、查摆或巡察审计反馈。")
        sucai.move(entry.id, int(area))
        self._save(owner, session_id, sucai)
        return Outcome(f"已把 {entry.id}（{short(entry.text)}）移到{area_name(notice, int(area))}。")

    def merge(self, owner: str, session_id: str, keep_id: str | None, other_id: str | None) -> Outcome:
        session = self.store.get(owner, session_id)
        sucai = sucai_of(session)
        keep, other = sucai.get(keep_id or ""), sucai.get(other_id or "")
        if keep is None:
            return Outcome(PICK_FIRST)
        if other is None or other is keep:
            return Outcome("请在“与这一条合并”中选另一条素材。")
        sucai.merge(keep.id, other.id)
        self._save(owner, session_id, sucai)
        return Outcome(f"已把 {other.id} 并入 {keep.id}（{short(keep.text)}），现计 {keep.count} 次。")

    def drop(self, owner: str, session_id: str, entry_id: str | None) -> Outcome:
        session = self.store.get(owner, session_id)
        sucai = sucai_of(session)
        entry = sucai.get(entry_id or "")
        if entry is None:
            return Outcome(PICK_FIRST)
        sucai.drop(entry.id)
        self._save(owner, session_id, sucai)
        return Outcome(f"已删除 {entry.id}（{short(entry.text)}），现共 {len(sucai)} 条。")

    def set_kind(self, owner: str, session_id: str, entry_id: str | None, kind: str | None) -> Outcome:
        session = self.store.get(owner, session_id)
        sucai = sucai_of(session)
        entry = sucai.get(entry_id or "")
        if entry is None:
            return Outcome(PICK_FIRST)
        if kind not in KIND_LABELS:
            return Outcome("请在“类别”中选一个类别。")
        if kind == entry.kind:
            return Outcome(f"{entry.id} 已经是“{entry.kind_label}”。")
        was = entry.kind_label
        entry.kind = kind
        if not entry.is_problem:
            entry.area, entry.confidence, entry.flagged = None, 0.0, False
        note = self._sort(owner, session, sucai)
        self._save(owner, session_id, sucai)
        return Outcome(f"已把 {entry.id} 的类别从“{was}”改为“{entry.kind_label}”。{note}")

    def _save(self, owner: str, session_id: str, sucai: Sucai) -> None:
        self.store.update(owner, session_id, sucai=sucai.to_list())


def _already_there(sucai: Sucai, entry) -> bool:
    """The same text from the same place (a file added twice): not added again."""
    return any(entry.text in (e.text, *e.merged) and (entry.source or "") in (e.source or "") for e in sucai.entries)


def _read_file(path: str) -> Sucai:
    from assistant.sucai.importers import read_sucai

    return read_sucai(path)


def _read_text(text: str, source: str) -> Sucai:
    from assistant.sucai.importers import parse_sucai_text

    return parse_sucai_text(text, source=source)
