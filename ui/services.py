"""The web chat's collaborators, built from one Workbench: the session store under the data directory,
the editing and drafting adapters over the core, the chat handler, the uploads folder, and the owner key and
gate (ui/owner.py) that decide which browser a material, an upload or an export belongs to."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.models.base import ChatModel, Message, ModelUnavailable
from assistant.operations.base import PRIMED_PROMPTS

from .actions import Drafting
from .editing import Editing
from .files import Uploads, owner_folder
from .handlers import ChatHandler
from .owner import OwnerGate, OwnerKey, UploadLedger, forget_uploads
from .sessions import SessionStore
from .sucai import SucaiDesk
from .warmup import WarmUp


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


def prime_model(operations):
    """Start an embedded model's server and ask it for one token: the server's first answer pays one-time costs
    (12–32 s against 0.5 s for the next one in two of three runs on a busy two-core machine; the client's own
    first call imports langchain and openai, 1.3–1.6 s), best paid before anyone waits. Then each drafting
    prompt's system text and examples go through the server once (ModelStep.prime), taking the model's turn
    call by call, so a drafter's first material does not pay their prefill. A remote model is left alone."""
    model = operations.step.model
    server = getattr(model, "server", None)
    if server is not None:
        model.complete([Message(role="user", content="好")], max_tokens=1, temperature=0.0)
        operations.step.prime(PRIMED_PROMPTS, turn=getattr(server, "turn", None))
    return operations


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
    key: OwnerKey
    gate: OwnerGate
    warming: WarmUp | None = None  # the warm-up under way or done, when `warm_up` started one

    @classmethod
    def build(cls, workbench, ops_factory: Callable[[], object], *, store: SessionStore | None = None,
              key: OwnerKey | None = None) -> "Services":
        from gradio.utils import get_upload_folder

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
        key = key or OwnerKey.ephemeral()
        gate = OwnerGate(key=key, exports=home / "exports", upload_cache=Path(get_upload_folder()), ledger=UploadLedger())
        return cls(workbench, store, editing, drafting, ChatHandler(drafting=drafting, store=store), uploads, operations,
                   desk, key, gate)

    # ---- what crosses from the browser: its uploads, and the materials of an older version's token ----------
    def claim_uploads(self, owner: str, paths: list[str]) -> tuple[list[str], str]:
        """The uploaded files this browser may use (those it uploaded itself), and a note on any others."""
        mine, others = self.gate.ledger.claim(owner, paths)
        return mine, ("\n未能加入：有文件不是从这个浏览器上传的，已忽略。" if others else "")

    def add_to_knowledge(self, owner: str, paths: list[str]) -> str:
        """Add this browser's uploads to the knowledge base; the uploaded originals then leave Gradio's cache
        (the knowledge base keeps its own copy, which 移除 deletes)."""
        mine, refused = self.claim_uploads(owner, paths)
        try:
            return (self.uploads.add(owner, mine).message() if mine else "没有选择文件。") + refused
        finally:
            forget_uploads(mine)

    def adopt(self, token: str | None, owner: str) -> None:
        """Materials, uploads and exports of an older version's owner token (kept in the browser) move to the
        cookie's owner, once."""
        if not token or token == owner or not self.store.list(token):
            return
        self.store.transfer(token, owner)
        self.uploads.transfer(token, owner)
        exports = self.workbench.settings.home / "exports"
        old, new = owner_folder(exports, token), owner_folder(exports, owner)
        if old.exists() and not new.exists():
            shutil.move(str(old), str(new))
            for session in self.store.list(owner):
                path = session.meta.get("export") or ""
                if path.startswith(str(old)):
                    self.store.update(owner, session.id, export=str(new) + path[len(str(old)):])

    def close(self) -> None:
        """Stop what the model holds (the embedded model's server), if it was ever started."""
        if self.operations.built():  # type: ignore[attr-defined]
            self.operations().step.model.close()

    def warm_up(self) -> WarmUp | None:
        """Start, in the background, what the first request would otherwise wait for: the embedded model's
        server (never a remote endpoint: nothing is contacted at start) and the index with jieba and the
        embedding model. Returns at once; None when the warm_up setting is off."""
        settings = self.workbench.settings
        if not settings.warm_up:
            return None
        steps: dict[str, Callable[[], object]] = {"index": lambda: self.workbench.retriever().search("理论学习", 1)}
        if not settings.model_url:
            steps["model"] = lambda: prime_model(self.operations())
        self.warming = WarmUp(steps).start()
        return self.warming
