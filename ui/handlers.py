"""The chat as a plain generator: fn(message, history, state) yields the history as the reply streams.

The drafter's message is saved before anything runs; the operation runs in a worker thread and its tokens
and progress come back through a queue; the reply is saved when it ends, however it ends (done, failed or
stopped). `state` is a dict with the browser's owner token, the open session and the open section.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator

from assistant.errors import Cancelled, JianshiError

from .actions import MODEL_INTENTS, Drafting, Outcome, Run
from .routing import route
from .sessions import SessionStore

log = logging.getLogger(__name__)
FRAME_SECONDS = 0.15  # how often the streamed reply is redrawn
STOPPED = "已停止，材料没有改动。"
WORKING = {"draft_area": "正在起草这个方面", "draft_all": "正在起草全文", "suggest_examples": "正在找合适的事例",
           "analyze_problem": "正在剖析问题根源", "causes_and_measures": "正在对应原因和措施",
           "revise_section": "正在修改", "draft_opening": "正在写开头"}


def sources_message(sources: list[str]) -> dict:
    return {"role": "assistant", "content": "\n".join(sources),
            "metadata": {"title": f"引用来源（{len(sources)}条）", "status": "done"}}


class ChatHandler:
    def __init__(self, *, drafting: Drafting, store: SessionStore) -> None:
        self.drafting = drafting
        self.store = store
        self._running: dict[str, tuple[threading.Event, int]] = {}  # session id → stop signal, reply id

    def stop(self, state: dict) -> None:
        """Stop the session's running request and say so at once (a cancelled event may never resume)."""
        running = self._running.get((state or {}).get("session", ""))
        if running is not None:
            running[0].set()
            self.store.update_message(state["owner"], state["session"], running[1], STOPPED)

    def chat(self, message: str, history: list, state: dict) -> Iterator[tuple[list, dict]]:
        owner, session_id = state["owner"], state["session"]
        history = [*(history or []), {"role": "user", "content": message}]
        if not (message or "").strip():
            return
        self.store.add_message(owner, session_id, "user", message)
        session = self.store.get(owner, session_id)
        intent = route(message, self.drafting.context(session, state.get("section")))
        working = WORKING.get(intent.name)
        reply_id = self.store.add_message(owner, session_id, "assistant", f"{working}…" if working else "…")
        run = Run(cancel=threading.Event())
        self._running[session_id] = (run.cancel, reply_id)
        yield [*history, {"role": "assistant", "content": f"{working}…" if working else "…"}], state

        events: queue.Queue = queue.Queue()
        run.on_token = lambda piece: events.put(("token", piece))
        run.progress = lambda label, done, total: events.put(("progress", f"{label}（{done}/{total}）" if total > 1 else label))
        worker = threading.Thread(target=self._work, args=(owner, session_id, intent, run, events), daemon=True)
        worker.start()
        streamed, status, outcome, last = "", "", None, 0.0
        try:
            while outcome is None:
                try:
                    kind, value = events.get(timeout=FRAME_SECONDS)
                except queue.Empty:
                    kind, value = "tick", None
                if kind == "token":
                    streamed += value
                elif kind == "progress":
                    status = value
                elif kind == "done":
                    outcome = value
                    break
                if intent.name in MODEL_INTENTS and time.monotonic() - last >= FRAME_SECONDS:
                    last = time.monotonic()
                    shown = f"{working}…{status}\n\n{streamed}" if streamed or status else f"{working}…"
                    yield [*history, {"role": "assistant", "content": shown}], state
        except GeneratorExit:  # the page's 停止 button cancelled this event
            run.cancel.set()
            self.store.update_message(owner, session_id, reply_id, STOPPED)
            raise
        finally:
            self._running.pop(session_id, None)
        if outcome.section:
            state = {**state, "section": outcome.section, "tab": "material"}
        reply = [{"role": "assistant", "content": outcome.reply}]
        self.store.update_message(owner, session_id, reply_id, outcome.reply)
        if outcome.sources:
            reply.append(sources_message(outcome.sources))
            self.store.add_message(owner, session_id, "assistant", reply[-1]["content"], reply[-1]["metadata"])
        if outcome.proposal is not None:
            note = "以上内容已放在下方“待采用”框中，可以先修改，再点“采用到材料”。"
            reply.append({"role": "assistant", "content": note})
            self.store.add_message(owner, session_id, "assistant", note)
        yield [*history, *reply], state

    def _work(self, owner: str, session_id: str, intent, run: Run, events: queue.Queue) -> None:
        try:
            outcome = self.drafting.run(owner, session_id, intent, run)
            if outcome.warnings:
                outcome.reply += "\n\n注意：" + "；".join(outcome.warnings[:5])
        except Cancelled:  # 停止: not an error, nothing to log; the draft was not touched
            outcome = Outcome(STOPPED)
        except JianshiError as exc:
            outcome = Outcome(f"没有完成：{exc.message}。{exc.hint}材料没有改动。")
        except Exception as exc:  # noqa: BLE001  the drafter sees a sentence, the draft stays as it was
            log.exception("chat request failed")
            outcome = Outcome(f"出错了（{type(exc).__name__}），材料没有改动。请再试一次。")
        events.put(("done", outcome))

    def reply(self, message: str, state: dict) -> str:
        """The whole reply as text, for the /chat API: the last frame's messages joined."""
        final: list = []
        for final, _ in self.chat(message, [], state):
            pass
        return "\n\n".join(m["content"] for m in final[1:] if isinstance(m.get("content"), str))
