"""What the draft column shows for a session: every panel's value computed from the session store, so a
reload, a second tab or a server restart shows exactly what was saved."""

from __future__ import annotations

import time
from pathlib import Path

import gradio as gr

from assistant.numbering import int_to_cn

from assistant import material
from .layout import SEVERITIES
from .proposals import Proposal
from .services import Services


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
        ui.proposal_label: f"**待采用**：{proposal.label}" if proposal else "**待采用**：（暂无）",
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
    return label if (sections.get(key) or "").strip() else f"{label}（待写）"


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
