"""The web chat's collaborators, built from one Workbench: the session store under the data directory,
the editing and drafting adapters over the core, the chat handler and the uploads folder."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from assistant.models.base import ChatModel, ModelUnavailable

from .actions import Drafting
from .editing import Editing
from .files import Uploads
from .handlers import ChatHandler
from .sessions import SessionStore
from .sucai import SucaiDesk


def once(factory: Callable[[], object]) -> Callable[[], object]:
    """Build on first call, under a lock: concurrent first requests must not start two models."""
    lock = threading.Lock()
    built: list = []

    def get():
        with lock:
            if not built:
                built.append(factory())
        return built[0]

    get.built = lambda: bool(built)  # type: ignore[attr-defined]
    return get


def start_model(operations):
    """Start an embedded model's server before anyone uses it: requests wait on `once` until it answers,
    rather than finding a server that is still loading."""
    server = getattr(operations.step.model, "server", None)
    if server is not None:
        server.start()
    return operations


class NoModel(ChatModel):
    """For the operations that only retrieve (sorting 素材): they must not start or wait for a model."""

    name = "无模型"

    def complete(self, messages, **kwargs):
        raise ModelUnavailable("这一步不调用模型")


@dataclass
class Services:
    workbench: object
    store: SessionStore
    editing: Editing
    drafting: Drafting
    chat: ChatHandler
    uploads: Uploads
    operations: Callable[[], object]
    sucai: SucaiDesk

    @classmethod
    def build(cls, workbench, ops_factory: Callable[[], object], *, store: SessionStore | None = None) -> "Services":
        home = workbench.settings.home
        store = store or SessionStore(home / "sessions.db")
        operations = once(lambda: start_model(ops_factory()))
        editing = Editing(workbench=workbench, store=store, exports_dir=home / "exports")
        uploads = Uploads(knowledge=workbench.knowledge, root=home / "uploads",
                          max_bytes=workbench.settings.max_ingest_bytes)
        drafting = Drafting(workbench=workbench, operations=operations, store=store, editing=editing,
                            visibility=uploads.visible_to)
        retrieval_only = once(lambda: workbench.operations(model=NoModel(), log=False))
        desk = SucaiDesk(store=store, editing=editing, sorting=lambda owner: drafting.scoped(retrieval_only(), owner))
        editing.on_notice = desk.resort
        return cls(workbench, store, editing, drafting, ChatHandler(drafting=drafting, store=store), uploads, operations,
                   desk)

    def close(self) -> None:
        """Stop what the model holds (the embedded model's server), if it was ever started."""
        if self.operations.built():  # type: ignore[attr-defined]
            self.operations().step.model.close()

    def warm_up(self) -> None:
        """Build the bundled index and start the model in the background, so the first request is quick."""
        def run() -> None:
            try:
                self.workbench.retriever().search("理论学习", 1)
                self.operations()
            except Exception:  # noqa: BLE001  a failure here shows again, in Chinese, at the first request
                pass

        threading.Thread(target=run, name="jianshi-warm-up", daemon=True).start()
