"""The Gradio web chat: build_app(workbench, ops_factory) wires the page to the handlers. Nothing is built
at import; the model starts on first use (or in the background once the page is served).

Named API endpoints, for scripts and tests: /chat (a message in, the reply out; one material per client,
known by its owner cookie) and /check (a material's text in, the findings out).

Who owns a material is decided on the server (ui/owner.py): a signed HttpOnly cookie that the page cannot
read. The browser's own storage keeps only which material was open last.
"""

from collections.abc import Callable

import gradio as gr
from starlette.middleware import Middleware

from assistant import material

from . import panels
from .layout import CSS, SEVERITIES, build_layout
from .owner import OwnerKey, forget_uploads  # noqa: F401  (forget_uploads kept importable here)
from .owner_middleware import OwnerMiddleware
from .services import Services
from .sessions import SessionStore

BROWSER_KEY = "jianshi-owner"


def build_app(workbench, ops_factory: Callable[[], object], *, store: SessionStore | None = None,
              secret: str | None = None, key: OwnerKey | None = None, services: Services | None = None) -> gr.Blocks:
    """`key` signs the owner cookies (OwnerKey.from_file in the data directory, so a restart keeps them; a key
    for this process only when None). `secret` is not a secret: Gradio sends it to the page, which uses it to
    read what older versions stored in the browser (their owner token, adopted once into the cookie's owner)."""
    services = services or Services.build(workbench, ops_factory, store=store, key=key)
    store, editing, chat = services.store, services.editing, services.chat
    notice_choices = [(spec.label, spec.id) for spec in workbench.notices.all()]
    with gr.Blocks(title="检视 · 对照检查材料起草", analytics_enabled=False, fill_width=True) as app:
        ui = build_layout(notice_choices)
        services.layout = ui  # type: ignore[attr-defined]
        browser = gr.BrowserState({}, storage_key=BROWSER_KEY, secret=secret)
        # What the drafter types into (profile, pasted notice) is shown from the store only when a session
        # opens: refreshing it after every event could overwrite keystrokes still on their way.
        typed = [ui.notice_text, ui.org, ui.kind, ui.year, ui.facts]
        everything = [ui.tabs, ui.state, ui.sessions, ui.chatbot, ui.section, ui.editor, ui.fulltext, ui.proposal_label,
                      ui.proposal, ui.notice, ui.notice_info, ui.check_summary, ui.versions, ui.export_file,
                      *[part for severity, _ in SEVERITIES for part in ui.findings[severity]]]
        knowledge = [ui.sources, ui.source_pick, ui.upload_status]
        sucai_parts = [ui.sucai_summary, ui.sucai_table, ui.sucai_pick, ui.sucai_other, ui.sucai_area, ui.map_box,
                       ui.map_table]
        private = {"api_visibility": "private"}

        def sucai_refresh(state):
            return panels.sucai_view(services, ui, state)

        def refresh(state):
            return {key: value for key, value in panels.view(services, ui, state).items() if key not in typed}

        def reopen(state):
            return panels.view(services, ui, state)

        def start(saved: dict, request: gr.Request):
            owner = services.key.owner_of(request)
            services.adopt((saved or {}).get("owner"), owner)  # an older version's token, kept in the browser
            mine = store.list(owner)
            wanted = (saved or {}).get("session")
            session_id = wanted if any(s.id == wanted for s in mine) else (mine[0].id if mine else store.create(owner).id)
            return _opened(owner, session_id)

        def _opened(owner: str, session_id: str, section: str | None = None):
            session = store.get(owner, session_id)
            tab = "material" if session.meta.get("notice") else "notice"
            state = {"owner": owner, "session": session_id, "section": section}
            return state, {"session": session_id}, gr.Tabs(selected=tab)

        opened = [ui.state, browser, ui.tabs]
        app.load(start, [browser], opened, **private).then(reopen, [ui.state], everything + typed, **private) \
            .then(sucai_refresh, [ui.state], sucai_parts, **private) \
            .then(lambda s: panels.knowledge_view(services, ui, s), [ui.state], knowledge, **private)
        ui.new_session.click(lambda s: _opened(s["owner"], store.create(s["owner"]).id), [ui.state], opened, **private) \
            .then(reopen, [ui.state], everything + typed, **private).then(sucai_refresh, [ui.state], sucai_parts, **private)
        ui.sessions.input(lambda sid, s: _opened(s["owner"], sid), [ui.sessions, ui.state], opened, **private) \
            .then(reopen, [ui.state], everything + typed, **private).then(sucai_refresh, [ui.state], sucai_parts, **private)

        # ---- chat: save what is being edited, stream the reply, then show the saved state --------------
        def on_chat(message, history, state, key, text, org, kind, year, facts):
            """Whatever is on screen is saved before the model runs."""
            if key and text is not None:
                editing.save_section(state["owner"], state["session"], key, text)
            editing.save_profile(state["owner"], state["session"], org=org, kind=kind, year=year, facts=facts)
            for frame, state in chat.chat(message, history, state):
                yield frame, state, ""

        chat_inputs = [ui.message, ui.chatbot, ui.state, ui.section, ui.editor, ui.org, ui.kind, ui.year, ui.facts]
        chat_outputs = [ui.chatbot, ui.state, ui.message]
        runs = [trigger(on_chat, chat_inputs, chat_outputs, concurrency_limit=3, **private)
                for trigger in (ui.message.submit, ui.send.click)]
        for run in runs:  # a chat turn may change the notice (and so the 素材's areas) or store a new map
            run.then(refresh, [ui.state], everything, **private).then(sucai_refresh, [ui.state], sucai_parts, **private)
        ui.stop.click(chat.stop, [ui.state], None, cancels=runs, **private).then(refresh, [ui.state], everything, **private)

        def act(fn, inputs=()):
            """A button that changes the session, opens the section it names, then shows the saved state."""
            def handler(state, *values):
                outcome = fn(state["owner"], state["session"], *values)
                section = getattr(outcome, "section", None)
                return {**state, "section": section or state.get("section"), **({"tab": "material"} if section else {})}
            return dict(fn=handler, inputs=[ui.state, *inputs], outputs=[ui.state], **private)

        def say(fn):
            """For actions whose outcome is also worth a line in the chat."""
            def run(owner, session_id, *values):
                outcome = fn(owner, session_id, *values)
                store.add_message(owner, session_id, "assistant", outcome.reply)
                return outcome
            return run

        for button, fn, extra in ((ui.accept, say(editing.accept), [ui.proposal]), (ui.discard, say(editing.discard), []),
                                  (ui.undo, say(editing.undo), []), (ui.redo, say(editing.redo), []),
                                  (ui.check, say(editing.check), []), (ui.save_fulltext, editing.save_fulltext, [ui.fulltext]),
                                  (ui.export_docx, say(lambda o, s, f: editing.export(o, s, "docx", f)), [ui.export_force]),
                                  (ui.export_md, say(lambda o, s, f: editing.export(o, s, "md", f)), [ui.export_force]),
                                  (ui.export_ledger, say(editing.export_ledger), []),
                                  (ui.parse_notice, say(lambda o, s, t: editing.choose_notice(o, s, text=t)), [ui.notice_text]),
                                  (ui.restore, lambda o, s, v: v and store.restore(o, s, int(v)), [ui.versions])):
            event = button.click(**act(fn, extra)).then(refresh, [ui.state], everything, **private)
            if button is ui.parse_notice:
                event.then(sucai_refresh, [ui.state], sucai_parts, **private)

        def pick_notice(state, value):
            chosen = (store.get(state["owner"], state["session"]).meta.get("notice") or {}).get("id")
            if value and value != "pasted" and value != chosen:
                say(lambda o, s: editing.choose_notice(o, s, preset=value))(state["owner"], state["session"])
            return gr.Tabs(selected="material" if value and value != "pasted" else "notice")

        ui.notice.input(pick_notice, [ui.state, ui.notice], [ui.tabs], **private).then(refresh, [ui.state], everything, **private) \
            .then(sucai_refresh, [ui.state], sucai_parts, **private)

        # ---- editing in place: saved as typed, one undo step per burst --------------------------------
        def open_section(state, key):
            state = {**state, "section": key}
            return state, store.get(state["owner"], state["session"]).sections.get(key, "")

        ui.section.input(open_section, [ui.state, ui.section], [ui.state, ui.editor], **private)
        for event in (ui.editor.input, ui.editor.blur):
            event(lambda s, k, t: editing.save_section(s["owner"], s["session"], k, t) and None,
                  [ui.state, ui.section, ui.editor], None, trigger_mode="always_last", show_progress="hidden", **private)
        profile_fields = [ui.org, ui.kind, ui.year, ui.facts]

        def save_profile(state, org, kind, year, facts):
            editing.save_profile(state["owner"], state["session"], org=org, kind=kind, year=year, facts=facts)
            return "已保存。"

        for event in [field.input for field in profile_fields] + [ui.org.blur, ui.facts.blur]:
            event(save_profile, [ui.state, *profile_fields], [ui.profile_saved], trigger_mode="always_last",
                  show_progress="hidden", **private)

        # ---- findings jump to their section; versions show a diff -------------------------------------
        for severity, _ in SEVERITIES:
            def jump(state, evt: gr.SelectData, severity=severity):
                session = store.get(state["owner"], state["session"])
                found = panels.findings_of(session, severity)
                row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
                key = found[row].get("section") if row is not None and row < len(found) else None
                return {**state, "section": key or state.get("section")}, gr.Tabs(selected="material")

            ui.findings[severity][1].select(jump, [ui.state], [ui.state, ui.tabs], **private) \
                .then(refresh, [ui.state], everything, **private)

        def show_diff(state, version):
            if not version:
                return ""
            render = lambda sections: material.render(sections, editing.notice(store.get(state["owner"], state["session"])))[0]  # noqa: E731
            return store.diff(state["owner"], state["session"], int(version), render=render) or "（与当前版本相同）"

        ui.show_diff.click(show_diff, [ui.state, ui.versions], [ui.diff], **private)

        # ---- knowledge base ---------------------------------------------------------------------------
        def upload(state, files):
            return services.add_to_knowledge(state["owner"], [getattr(f, "name", f) for f in files or []]), None

        ui.upload.upload(upload, [ui.state, ui.upload], [ui.upload_status, ui.upload], **private) \
            .then(lambda s: panels.knowledge_view(services, ui, s), [ui.state], knowledge, **private)
        ui.remove_source.click(lambda s, name: services.uploads.remove(s["owner"], name) if name else "请先选择文件。",
                               [ui.state, ui.source_pick], [ui.upload_status], **private) \
            .then(lambda s: panels.knowledge_view(services, ui, s), [ui.state], knowledge, **private)

        # ---- 素材: added from files or pasted text, sorted into the notice's areas, edited entry by entry --
        desk = services.sucai

        def add_files(state, files):
            paths, refused = services.claim_uploads(state["owner"], [getattr(f, "name", f) for f in files or []])
            try:
                return desk.add_files(state["owner"], state["session"], paths).reply + refused, None
            finally:
                forget_uploads(paths)  # the entries are kept, the uploaded copies are not

        def add_text(state, text):
            outcome = desk.add_text(state["owner"], state["session"], text)
            return outcome.reply, ("" if outcome.reply.startswith("已加入") else text)

        ui.sucai_upload.upload(add_files, [ui.state, ui.sucai_upload], [ui.sucai_status, ui.sucai_upload], **private) \
            .then(sucai_refresh, [ui.state], sucai_parts, **private)
        ui.sucai_add.click(add_text, [ui.state, ui.sucai_paste], [ui.sucai_status, ui.sucai_paste], **private) \
            .then(sucai_refresh, [ui.state], sucai_parts, **private)
        for button, fn, extra in ((ui.sucai_move, desk.move, [ui.sucai_pick, ui.sucai_area]),
                                  (ui.sucai_merge, desk.merge, [ui.sucai_pick, ui.sucai_other]),
                                  (ui.sucai_drop, desk.drop, [ui.sucai_pick]),
                                  (ui.sucai_set_kind, desk.set_kind, [ui.sucai_pick, ui.sucai_kind])):
            button.click(lambda state, *values, fn=fn: fn(state["owner"], state["session"], *values).reply,
                         [ui.state, *extra], [ui.sucai_status], **private) \
                .then(sucai_refresh, [ui.state], sucai_parts, **private)

        def pick_row(state, evt: gr.SelectData):
            rows = store.get(state["owner"], state["session"]).meta.get("sucai") or []
            row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
            return rows[row]["id"] if row is not None and row < len(rows) else gr.update()

        ui.sucai_table.select(pick_row, [ui.state], [ui.sucai_pick], **private)

        _api(services)
    app.services = services  # type: ignore[attr-defined]  (for the launcher's warm-up and for tests)
    return app


def _api(services: Services) -> None:
    def chat(message: str, request: gr.Request) -> str:
        """Send one chat message; the reply comes back as text. Each client (its owner cookie, which
        gradio_client keeps) works on its own material."""
        owner = f"api:{services.key.owner_of(request)}"
        mine = services.store.list(owner)
        session_id = mine[0].id if mine else services.store.create(owner, "接口材料").id
        return services.chat.reply(message, {"owner": owner, "session": session_id, "section": None})

    def check(text: str, notice: str = "", kind: str = "") -> dict:
        """Check a material's text; notice is a preset id (2024, basic…) or empty to guess; kind banzi/geren or empty."""
        spec = services.workbench.notices.get(notice) if notice else None
        return services.editing.check_text(text, spec, kind or None)

    gr.api(chat, api_name="chat")
    gr.api(check, api_name="check")


def launch_options(settings, app: gr.Blocks) -> dict:
    """How to serve the page: offline (no share link, no server-side rendering), exports downloadable by
    their owner only (served in place, not copied to Gradio's cache), uploads capped at the knowledge base's
    file limit, every request through the owner middleware."""
    exports = settings.home / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    gr.set_static_paths([str(exports)])
    return {"css": CSS, "show_error": False, "share": False, "ssr_mode": False, "footer_links": [],
            "allowed_paths": [str(exports)], "max_file_size": settings.max_ingest_bytes,
            "app_kwargs": {"middleware": [Middleware(OwnerMiddleware, gate=app.services.gate)]}}
