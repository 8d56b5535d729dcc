"""Carrying out what the drafter asked: each intent calls one operation of the core and turns its result
into a chat reply and, for generated text, a proposal. Nothing here touches the draft except `accept`,
undo and redo; a failed or stopped generation leaves the draft as it was."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.document import PartRole, parse
from assistant.errors import Cancelled
from assistant.notices import NoticeSpec
from assistant.numbering import int_to_cn
from assistant.operations.from_sucai import BANK_MARK
from assistant.operations.opening import title_for
from assistant.operations.whole import case_part, rectification_part
from assistant.sucai import Sucai

from assistant import material
from .proposals import Proposal
from .routing import Intent, RouteContext
from .sessions import Session, SessionStore

MODEL_INTENTS = {"draft_area", "draft_all", "suggest_examples", "analyze_problem", "causes_and_measures",
                 "revise_section"}
NEED_NOTICE = ("请先在右侧“通知”中选择年度通知（如 2025 年度），再让我起草；2026 年度等还没有预设的年度，"
               "请选“粘贴通知原文”，粘贴本单位收到的通知后点“识别通知中的方面”。")


@dataclass
class Outcome:
    reply: str
    proposal: Proposal | None = None
    sources: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    section: str | None = None  # the section to open next: where a proposal goes, or what was just changed
    meta: dict = field(default_factory=dict)  # session settings to save with the outcome (the last map)


@dataclass
class Run:
    """What one request may use while it runs: streamed tokens, progress, and the stop signal. It is also the
    operations' RunControl: 停止 raises Cancelled at the next model call, token or progress step, and the
    embedded model's turn is taken at the first model call (a request that calls no model never waits)."""

    on_token: Callable[[str], None] | None = None
    progress: Callable[[str, int, int], None] | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    ops: object = None  # the operations over this browser's view of the knowledge base, stoppable by this run
    turn: object = None  # the embedded model server's lock (one completion at a time), None for a remote model
    holding: bool = False

    def check(self) -> None:
        if self.cancel.is_set():
            raise Cancelled()

    def token(self, piece: str) -> None:
        self.check()
        if self.on_token:
            self.on_token(piece)

    def step(self, label: str, done: int, total: int) -> None:
        self.check()
        if self.progress:
            self.progress(label, done, total)

    def before_model(self) -> None:
        """Wait for the model's turn, saying so and stoppable while waiting; the rest of the request holds it."""
        self.check()
        if self.turn is None or self.holding:
            return
        if not self.turn.acquire(blocking=False):
            self.step("前面还有别的请求在生成，正在排队", 0, 1)
            while not self.turn.acquire(timeout=0.2):
                self.check()
        self.holding = True

    def release(self) -> None:
        if self.holding:
            self.holding = False
            self.turn.release()


class Drafting:
    def __init__(self, *, workbench, operations: Callable[[], object], store: SessionStore, editing,
                 visibility: Callable[[str], Callable[[dict], bool]] | None = None) -> None:
        self.workbench = workbench
        self.operations = operations  # built on first use: starting a model takes a while
        self.visibility = visibility  # owner → which indexed rows that browser may draw on
        self.store = store
        self.editing = editing  # ui.editing.Editing: notice, profile, accept, undo, check, export

    def context(self, session: Session, section: str | None) -> RouteContext:
        notice = self.editing.notice(session)
        return RouteContext(area_count=len(notice.areas) if notice else 0,
                            area_titles=[a.title for a in notice.areas] if notice else [],
                            section=section, has_proposal=bool(session.meta.get("proposal")))

    def run(self, owner: str, session_id: str, intent: Intent, run: Run | None = None) -> Outcome:
        run = run or Run()
        session = self.store.get(owner, session_id)
        if intent.name in ("help", "clarify"):
            return Outcome(intent.reply)
        if intent.name not in MODEL_INTENTS and intent.name != "draft_opening":
            return self.editing.perform(owner, session, intent)
        notice = self.editing.notice(session)
        if notice is None and intent.name in ("draft_area", "draft_all", "draft_opening"):
            return Outcome(NEED_NOTICE)
        run.ops = self.operations_for(owner).stoppable(run)
        server = getattr(run.ops.step.model, "server", None)
        run.turn = getattr(server, "turn", None)
        try:
            outcome = getattr(self, intent.name)(session, notice, run, **intent.args)
        finally:
            run.release()
        if outcome.meta:
            self.store.update(owner, session_id, **outcome.meta)
        if outcome.proposal is not None:
            outcome.proposal.sources = outcome.sources
            outcome.section = outcome.section or next(iter(outcome.proposal.changes), None)
            self.store.update(owner, session_id, proposal=outcome.proposal.to_dict())
        return outcome

    def operations_for(self, owner: str):
        """The shared operations, retrieving only from the bundled knowledge, the files ingested on this
        machine and this browser's own uploads: never from another browser's."""
        return self.scoped(self.operations(), owner)

    def scoped(self, ops, owner: str):
        if self.visibility is None:
            return ops
        return ops.scoped(self.workbench.retriever().scoped(self.visibility(owner)))

    # ---- the verbs ---------------------------------------------------------------------------------
    def draft_opening(self, session: Session, notice: NoticeSpec, run: Run) -> Outcome:
        org, kind, facts = self.editing.profile(session)
        result = run.ops.draft_opening(notice, org=org, kind=kind, facts=facts)
        changes = {"title": title_for(notice, org, kind), "opening": result.text}
        if "rectification" in notice.required_parts and not session.sections.get("rectification"):
            changes["rectification"] = material.strip_heading(rectification_part(1, facts))
        if "case" in notice.required_parts and not session.sections.get("case"):
            changes["case"] = material.strip_heading(case_part(1))
        proposal = Proposal("标题和开头", changes)
        return Outcome(proposal.display(notice), proposal, warnings=result.warnings)

    def draft_area(self, session: Session, notice: NoticeSpec, run: Run, area: int) -> Outcome:
        org, kind, facts = self.editing.profile(session)
        result = run.ops.draft_area(notice, area, org=org, kind=kind, facts=facts, sucai=sucai_for(session),
                                    on_token=run.token)
        self._stopped(run)
        key = material.area_key(area)
        proposal = Proposal(f"第{int_to_cn(area)}个方面", {key: result.text})
        reply = (result.marked_text or result.text) + bank_note([key] if BANK_MARK in result.text else [])
        return Outcome(reply, proposal, _sources(result), result.warnings)

    def draft_all(self, session: Session, notice: NoticeSpec, run: Run) -> Outcome:
        org, kind, facts = self.editing.profile(session)
        result = run.ops.draft_all(notice, org=org, kind=kind, facts=facts, sucai=sucai_for(session), progress=run.step)
        summary = result.data["rubric"]["summary"]
        proposal = Proposal("全文初稿", {key: text for key, text in result.data["sections"].items() if text.strip()})
        reply = (f"全文初稿已写好（{len(result.text)} 字，待补 {result.text.count('〔待补')} 处；检查：必须修改 "
                 f"{summary['blocker']} 处，重要 {summary['major']} 处，提示 {summary['minor']} 处）。"
                 f"内容在下方“待采用”框中，确认后点“采用到材料”。{bank_note(result.data['bank_sections'])}"
                 f"\n\n{result.marked_text}")
        return Outcome(reply, proposal, _sources(result), result.warnings, meta={"map": result.data["map"]})

    def suggest_examples(self, session: Session, notice, run: Run, section: str | None, item: int | None) -> Outcome:
        key = section or "area-1"
        text = session.sections.get(key, "")
        items = parse("一、存在的主要问题\n" + text).areas[0].items if text.startswith(("（", "(")) else []
        if not items:
            return Outcome("这一节还没有“一是……”这样的问题条目。请先选中一个已写好的方面，"
                           "或者说“给第二个方面的第一条补一个事例”。")
        if item and item <= len(items):
            target = items[item - 1]
        else:  # the first item still without an example, else the last one
            target = next((i for i in items if not i.examples), items[-1])
        _, _, facts = self.editing.profile(session)
        result = run.ops.suggest_examples(target.headline or target.text, facts)
        self._stopped(run)
        lines = text.split("\n")
        no, segment = target.segments[-1]
        line = lines[no - 2]
        at = line.find(segment) + len(segment) if segment in line else len(line)
        lines[no - 2] = line[:at] + result.text.split("\n")[0] + line[at:]
        label = f"第{target.number}条的事例"
        return Outcome(f"给“{target.headline[:24]}”补的事例：\n{result.text}", Proposal(label, {key: "\n".join(lines)}),
                       warnings=result.warnings)

    def analyze_problem(self, session: Session, notice, run: Run, problem: str) -> Outcome:
        _, kind, _ = self.editing.profile(session)
        result = run.ops.analyze_problem(problem, kind=kind)
        self._stopped(run)
        data = result.data
        dims = "；".join(f"{d['label']} {d['score']:.0%}" for d in data["dimensions"][:3])
        changes = {}
        for key, rows in (("causes", data["causes"]), ("measures", data["measures"])):
            existing = [line for line in session.sections.get(key, "").split("\n") if line.strip()]
            start = sum(1 for line in existing if line.startswith(("（", "("))) + 1
            changes[key] = "\n".join(existing + material.renumber([f"（一）{row['text']}" for row in rows], start))
        reply = f"原因维度：{dims}\n\n{result.marked_text}\n\n（采用后，以上原因和措施会接在原因剖析、整改措施两部分的末尾。）"
        return Outcome(reply, Proposal("剖析得出的原因和措施", changes), _sources(result), result.warnings)

    def causes_and_measures(self, session: Session, notice, run: Run) -> Outcome:
        _, kind, _ = self.editing.profile(session)
        text, _ = material.render(session.sections, notice)
        if not parse(text).areas:
            return Outcome("请先写好至少一个方面的问题，再把原因和措施对应起来。")
        result = run.ops.causes_and_measures(text, kind=kind)
        self._stopped(run)
        data = result.data
        links = "\n".join(f"· 原因（{int_to_cn(i)}）对应第{'、'.join(int_to_cn(a) for a in link['areas']) or '—'}个方面"
                          for i, link in enumerate(data["links"], start=1))
        proposal = Proposal("原因和措施", {"causes": "\n".join(data["causes"]), "measures": "\n".join(data["measures"])})
        return Outcome(f"{result.marked_text}\n\n对应关系：\n{links}", proposal, _sources(result), result.warnings)

    def revise_section(self, session: Session, notice, run: Run, section: str, instruction: str) -> Outcome:
        area = material.area_of(section)
        if area is None:
            return Outcome("目前可以按要求改写的是各个方面（如“把第二个方面改得更具体些”）。开头、原因和措施可以直接在右侧修改，"
                           "或说“写开头”“把原因和措施对应起来”重新生成。")
        if not session.sections.get(section):
            return Outcome(f"第{int_to_cn(area)}个方面还没有内容，请先说“写第{int_to_cn(area)}个方面”。")
        _, _, facts = self.editing.profile(session)
        text, _ = material.render(session.sections, notice)
        result = run.ops.revise_section(text, PartRole.PROBLEMS, area, instruction, facts)
        self._stopped(run)
        revised = result.data["section"]
        if not result.data.get("changed"):
            return Outcome("这次没有改成，原文保持不变。" + "；".join(result.warnings), warnings=result.warnings)
        return Outcome(revised, Proposal(f"修改后的第{int_to_cn(area)}个方面", {section: revised}), warnings=result.warnings)

    @staticmethod
    def _stopped(run: Run) -> None:
        run.check()


def sucai_for(session: Session) -> Sucai | None:
    """The session's 素材 to draft from; None drafts from the profile's facts alone, as before 素材 existed."""
    rows = session.meta.get("sucai")
    return Sucai.from_list(rows) if rows else None


def bank_note(keys: list[str]) -> str:
    """Which areas carry marked bank suggestions: the drafter should replace them with the unit's own."""
    areas = sorted(n for key in keys if (n := material.area_of(key)))
    if not areas:
        return ""
    named = "、".join(int_to_cn(n) for n in areas)
    return (f"\n\n第{named}个方面的本单位问题素材不足两条，已用参考库建议补足，并标明“{BANK_MARK}”："
            "请换成本单位的实际问题（可在右侧“素材”中补充后重写）。")


def _sources(result) -> list[str]:
    return [f"[{c.n}] {c.title or c.id}（{c.source}）" for c in result.citations]

