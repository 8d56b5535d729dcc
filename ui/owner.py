"""Which browser owns a material: a cookie signed by the server, which the page's scripts cannot read.

Every response to a request without a valid cookie sets `jianshi-owner` = "<owner id>.<HMAC-SHA256 of the id>",
keyed with `owner-key` in the data directory (never sent anywhere). It is HttpOnly (no script in the page
reads it), SameSite=Lax (another site's page does not send it) and lasts ten years. The owner id is not a
secret from the server's point of view but is a bearer credential for whoever holds the cookie: anyone who
copies a browser's cookie file acts as that browser, as with any web login.

The middleware (ui/owner_middleware.py) applies OwnerGate to what Gradio would otherwise give to anyone who asks:
- a Gradio session hash (chosen by the client) belongs to the owner who first used it: a request that names
  another owner's session hash is refused, so the per-session state (which material is open) stays its own;
- files (`/gradio_api/file=`) are served only to their owner: exports under exports/<owner folder>/, and
  files in the upload cache only to the browser that uploaded them (the uploads ledger records who did).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from collections import OrderedDict
from pathlib import Path

from .files import owner_folder

COOKIE = "jianshi-owner"
MAX_SESSIONS = 20_000  # session hashes remembered; the oldest are forgotten first


class OwnerKey:
    """Signs and checks owner ids with a key kept in the data directory (made on first use, mode 600)."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    @classmethod
    def from_file(cls, path: Path) -> "OwnerKey":
        path = Path(path)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
                out.write(secrets.token_hex(32))
        return cls(bytes.fromhex(path.read_text(encoding="utf-8").strip()))

    @classmethod
    def ephemeral(cls) -> "OwnerKey":
        """A key for this process only: cookies die with it (tests, and apps built without a data directory)."""
        return cls(secrets.token_bytes(32))

    def sign(self, owner: str) -> str:
        return f"{owner}.{hmac.new(self.key, owner.encode(), hashlib.sha256).hexdigest()}"

    def verify(self, token: str | None) -> str | None:
        owner, dot, mac = (token or "").rpartition(".")
        if not dot or not owner:
            return None
        expected = hmac.new(self.key, owner.encode(), hashlib.sha256).hexdigest()
        return owner if hmac.compare_digest(mac, expected) else None

    def new_token(self) -> str:
        return self.sign(secrets.token_hex(16))

    def owner_of(self, request) -> str:
        """The owner behind a Gradio request (the middleware made sure it carries a valid cookie)."""
        cookies = dict(getattr(request, "cookies", None) or {})
        owner = self.verify(cookies.get(COOKIE))
        if owner is None:
            raise PermissionError("请求没有有效的浏览器身份，请刷新页面后重试")
        return owner


class UploadLedger:
    """Which owners uploaded which file into Gradio's upload cache, as the /upload responses said. (The cache
    is named by content, so two browsers uploading the same file get the same path.)"""

    def __init__(self) -> None:
        self._owners: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def record(self, owner: str, paths: list[str]) -> None:
        with self._lock:
            for path in paths:
                self._owners.setdefault(os.path.realpath(path), set()).add(owner)

    def owners(self, path: str) -> set[str]:
        with self._lock:
            return set(self._owners.get(os.path.realpath(path), ()))

    def claim(self, owner: str, paths: list[str]) -> tuple[list[str], list[str]]:
        """(this owner's uploads, the others) among `paths`; the claimed ones are forgotten (used once)."""
        mine, others = [], []
        with self._lock:
            for path in paths:
                uploaders = self._owners.get(os.path.realpath(path), set())
                (mine if owner in uploaders else others).append(path)
                uploaders.discard(owner)
                if not uploaders:
                    self._owners.pop(os.path.realpath(path), None)
        return mine, others


class OwnerGate:
    """The rules above, given an owner id: what it may read, which session hashes are its own."""

    def __init__(self, *, key: OwnerKey, exports: Path, upload_cache: Path, ledger: UploadLedger) -> None:
        self.key = key
        self.exports = os.path.realpath(exports)
        self.upload_cache = os.path.realpath(upload_cache)
        self.ledger = ledger
        self._sessions: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def may_read(self, owner: str, path: str) -> bool:
        real = os.path.realpath(path)  # the ASGI path is already decoded
        if _inside(real, self.exports):
            folder = os.path.relpath(real, self.exports).split(os.sep)[0]
            return folder == owner_folder(Path("."), owner).name
        if _inside(real, self.upload_cache):
            uploaders = self.ledger.owners(real)
            return not uploaders or owner in uploaders  # unrecorded: Gradio's own files, not an upload
        return True  # Gradio's other rules (allowed paths) apply

    def session_is_mine(self, owner: str, session_hash: str | None) -> bool:
        if not session_hash:
            return True
        with self._lock:
            first = self._sessions.setdefault(session_hash, owner)
            self._sessions.move_to_end(session_hash)
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return first == owner


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + os.sep)


def forget_uploads(paths: list[str]) -> None:
    """Delete Gradio's copies of uploaded 素材 files (only those in its upload folder) once they are read."""
    from gradio.utils import get_upload_folder

    folder = Path(get_upload_folder()).resolve()
    for given in paths:
        path = Path(given).resolve()
        if folder in path.parents and path.is_file():
            path.unlink(missing_ok=True)
            try:
                path.parent.rmdir()  # Gradio keeps each upload in a folder of its own
            except OSError:
                pass
