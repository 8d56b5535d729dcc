"""What the draft column shows for a session: every panel's value computed from the session store, so a
reload, a second tab or a server restart shows exactly what was saved."""

from __future__ import annotations

import time
from pathlib import Path

import gradio as gr

from assistant.numbering import int_to_cn
from assistant.operations.from_sucai import BANK_MARK
from assistant.sucai import KIND_LABELS

from assistant import material
from .layout import SEVERITIES
from .proposals import Proposal
from .services import Services
from .sucai import area_name, short, sucai_of

BANK_FLAG = "（含参考库建议）"


def findings_of(session, severity: str) -> list[dict]:
    report = session.meta.get("report") or {}
    return [f for f in report.get("findings", []) if f["severity"] == severity]


def where(finding: dict, notice) -> str:
    key = finding.get("section")
    label = material.section_label(key, notice) if key else "全文"
    line = finding.get("section_line")
    return f"{label} 第{line}行" if line else label


def view(services: Services, ui, state: dict) -> dict:
    """Every panel but the knowledge list (which reads the index, so it refreshes only on its own events)."""
    store, editing = services.store, services.editing
    owner, session_id = state["owner"], state["session"]
    session = store.get(owner, session_id)
    notice = editing.notice(session)
    keys = material.section_keys(notice, session.sections)
    written = [key for key in keys if (session.sections.get(key) or "").strip()]
    section = state.get("section") if state.get("section") in keys else ([k for k in written if k != "title"] or keys)[0]
    state["section"] = section
    text, _ = material.render(session.sections, notice)
    proposal = Proposal.from_dict(session.meta.get("proposal"))
    profile = session.meta.get("profile") or {}
    ref = session.meta.get("notice") or {}
    out = {ui.tabs: gr.Tabs(selected=state.pop("tab"))} if state.get("tab") else {}
    out |= {
        ui.state: state,
        ui.sessions: gr.update(choices=[(s.title, s.id) for s in store.list(owner)], value=session_id),
        ui.chatbot: store.messages(owner, session_id),
        ui.section: gr.update(choices=[(_choice(k, notice, session.sections), k) for k in keys], value=section),
        ui.editor: session.sections.get(section, ""),
        ui.fulltext: text,
        ui.proposal_label: proposal_label(proposal, notice),
        ui.proposal: proposal.display(notice) if proposal else "",
        ui.notice: ref.get("id"),
        ui.notice_text: ref.get("text", "") if ref.get("id") == "pasted" else "",
        ui.notice_info: notice_summary(notice),
        ui.org: profile.get("org", ""),
        ui.kind: profile.get("kind", "banzi"),
        ui.year: profile.get("year") or (notice.year if notice else None),
        ui.facts: profile.get("facts", ""),
        ui.check_summary: check_summary(session),
        ui.versions: gr.update(choices=[(_version(v), v.id) for v in store.versions(owner, session_id)], value=session.head),
        ui.export_file: session.meta.get("export") if Path(session.meta.get("export", "") or "/nonexistent").exists() else None,
    }
    for severity, label in SEVERITIES:
        accordion, table = ui.findings[severity]
        rows = [[where(f, notice), f["message"], f["suggestion"]] for f in findings_of(session, severity)]
        out[accordion] = gr.update(visible=bool(rows), label=f"{label}（{len(rows)}）")
        out[table] = rows
    return out


def _choice(key: str, notice, sections: dict) -> str:
    label = material.section_label(key, notice)
    text = sections.get(key) or ""
    if not text.strip():
        return f"{label}（待写）"
    return f"{label}{BANK_FLAG}" if BANK_MARK in text else label


def proposal_label(proposal: Proposal | None, notice) -> str:
    if proposal is None:
        return "**待采用**：（暂无）"
    marked = [material.section_label(key, notice) for key, text in proposal.changes.items() if BANK_MARK in text]
    flag = f" · {'、'.join(marked)}含参考库建议，请换成本单位的实际问题" if marked else ""
    return f"**待采用**：{proposal.label}{flag}"


def _version(version) -> str:
    stamp = time.strftime("%m-%d %H:%M", time.localtime(version.created))
    return f"{version.id} · {stamp} · {version.label}{'（当前）' if version.is_head else ''}"


def notice_summary(notice) -> str:
    if notice is None:
        return "还没有选择通知。请选年度预设，或选“粘贴通知原文”后粘贴通知并点“识别”。"
    areas = "\n".join(f"{int_to_cn(a.index)}、{a.title}{'' if a.verified else '（待核实）'}" for a in notice.areas)
    parts = "、".join(material.PART_TITLES[p] for p in notice.required_parts if p in material.PART_TITLES)
    return (f"**{notice.label}**\n\n主题：{notice.theme or '（未识别）'}\n\n对照检查的{len(notice.areas)}个方面：\n\n{areas}"
            + (f"\n\n还需写：{parts}" if parts else ""))


def check_summary(session) -> str:
    report = session.meta.get("report")
    if not report:
        return "还没有检查。点“检查材料”或在对话中说“检查一下”。"
    s = report["summary"]
    stale = "（材料在检查后有改动，可再检查一次）" if report.get("version") != session.head else ""
    verdict = "有必须修改的问题" if s["blocker"] else "没有必须修改的问题"
    return f"必须修改 **{s['blocker']}** · 重要 **{s['major']}** · 提示 **{s['minor']}** —— {verdict}{stale}"


def knowledge_view(services: Services, ui, state: dict) -> dict:
    try:
        rows = [[name, count] for name, count in services.uploads.list(state["owner"])]
    except Exception as exc:  # noqa: BLE001  an index problem must not break the page
        return {ui.sources: [], ui.source_pick: gr.update(choices=[]), ui.upload_status: f"知识库暂时无法读取（{type(exc).__name__}）"}
    return {ui.sources: rows, ui.source_pick: gr.update(choices=[r[0] for r in rows], value=None)}


# ---- the 素材 tab ------------------------------------------------------------------------------------
def sucai_rows(sucai, notice) -> list[list]:
    rows = []
    for e in sucai.entries:
        source = e.source + (f"（针对{e.target}）" if e.target else "")
        placed = e.is_problem and e.area is not None
        rows.append([e.id, e.kind_label, e.text + (f"〔{e.recurs}〕" if e.recurs else ""), source, e.count,
                     area_name(notice, e.area) if placed else ("未归类" if e.is_problem else "—"),
                     f"{round(e.confidence * 100)}%" if placed else "", "✔" if placed and e.flagged else ""])
    return rows


def sucai_summary(sucai, notice, least: int = 2) -> str:
    """How many entries of each kind and in each area, and which areas are short of problem entries."""
    if not sucai.entries:
        return ("还没有素材。上传征求意见汇总表、谈心谈话记录、查摆问题清单、巡察反馈、上年度整改台账等文件，"
                "或把素材粘贴到下面（每行一条）。起草时，问题从这些素材中来。")
    kinds = "、".join(f"{label} {n}" for kind, label in KIND_LABELS.items() if (n := len(sucai.of_kind(kind))))
    line = f"共 {len(sucai)} 条：{kinds}。"
    if notice is None:
        return line + "\n\n选择通知后，问题素材会自动归入各个方面。"
    counts = {a.index: len(sucai.in_area(a.index)) for a in notice.areas}
    areas = "；".join(f"{area_name(notice, n)} {c} 条" for n, c in counts.items())
    thin = [area_name(notice, n) for n, c in counts.items() if c < least]
    flagged = sum(1 for e in sucai.problems if e.flagged)
    parts = [line, f"各方面的问题素材：{areas}。"]
    if thin:
        parts.append(f"**{'、'.join(thin)}不足{'两' if least == 2 else int_to_cn(least)}条**：起草时会用参考库建议补足并标明，请尽量补充本单位的实际问题。")
    if flagged:
        parts.append(f"有 {flagged} 条归类把握不大（标“需核对”），请看一下方面是否合适。")
    return "\n\n".join(parts)


def map_rows(found: dict | None, notice) -> list[list]:
    """One row per problem of the last whole draft: the causes that explain it, the measures that answer it."""
    if not found:
        return []
    rows = []
    for problem in found.get("problems", []):
        causes = [c for c in found.get("causes", []) if problem["id"] in c.get("problems", [])]
        measures = [m for m in found.get("measures", []) if problem["id"] in m.get("problems", [])]
        headline = problem.get("headline") or short(problem.get("text", ""), 40)
        rows.append([area_name(notice, problem.get("area")),
                     headline + ("（参考库建议）" if problem.get("origin") == "bank" else ""),
                     "、".join(problem.get("entries", [])) or "—",
                     "\n".join(short(c["text"], 40) for c in causes) or "—",
                     "\n".join(short(m["text"], 40) for m in measures) or "—",
                     "\n".join(dict.fromkeys(m.get("owner", "") for m in measures)) or "—",
                     "\n".join(dict.fromkeys(m.get("deadline", "") for m in measures)) or "—"])
    return rows


def sucai_view(services: Services, ui, state: dict) -> dict:
    session = services.store.get(state["owner"], state["session"])
    notice = services.editing.notice(session)
    sucai = sucai_of(session)
    entries = [(f"{e.id} {short(e.text, 24)}", e.id) for e in sucai.entries]
    areas = [(area_name(notice, a.index), a.index) for a in notice.areas] if notice else []
    found = session.meta.get("map")
    return {
        ui.sucai_summary: sucai_summary(sucai, notice, services.workbench.settings.items_per_area_min),
        ui.sucai_table: sucai_rows(sucai, notice),
        ui.sucai_pick: gr.update(choices=entries, value=None),
        ui.sucai_other: gr.update(choices=entries, value=None),
        ui.sucai_area: gr.update(choices=areas, value=None),
        ui.map_box: gr.update(label=f"问题 → 原因 → 措施（最近一次起草全文，{len(found.get('problems', []))} 个问题）"
                              if found else "问题 → 原因 → 措施（起草全文后在这里列出）"),
        ui.map_table: map_rows(found, notice),
    }
