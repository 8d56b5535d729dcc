"""Drafting sessions in SQLite (sessions.db under the data directory), every change saved as it happens.

A session is one material: its settings (profile, notice, pending proposal, last check) and a tree of
versions of its sections. `head` is the version shown; a change adds a child of head, undo moves to the
parent, redo to the newest child, and restoring an old version adds a copy of it as a new change, so
nothing is ever overwritten. Every call names the owner (one browser), and a session of another owner
is not found.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import JianshiError

from .session_schema import MIGRATIONS, migrate  # noqa: F401  (MIGRATIONS re-exported for tests)

class SessionNotFound(JianshiError):
    def __init__(self) -> None:
        super().__init__("找不到这份材料", hint="它可能已被删除，或属于另一个浏览器；请从“我的材料”中重新选择")


@dataclass
class Session:
    id: str
    title: str
    updated: float
    head: int | None
    meta: dict = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)


@dataclass
class Version:
    id: int
    parent: int | None
    created: float
    label: str
    is_head: bool = False


class SessionStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            migrate(db)
        finally:
            db.close()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One short transaction, taken for writing at once so concurrent changes queue rather than clash."""
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys=ON")
        try:
            db.execute("BEGIN IMMEDIATE")
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    # ---- sessions ----------------------------------------------------------------------------------
    def create(self, owner: str, title: str = "未命名材料", meta: dict | None = None) -> Session:
        session_id, now = uuid.uuid4().hex[:12], time.time()
        with self._connect() as db:
            db.execute("INSERT INTO sessions (id, owner, title, created, updated, meta) VALUES (?, ?, ?, ?, ?, ?)",
                       (session_id, owner, title, now, now, json.dumps(meta or {}, ensure_ascii=False)))
            head = db.execute("INSERT INTO versions (session_id, parent, created, label, sections) VALUES (?, NULL, ?, ?, '{}')",
                              (session_id, now, "新建材料")).lastrowid
            db.execute("UPDATE sessions SET head = ? WHERE id = ?", (head, session_id))
        return self.get(owner, session_id)

    def list(self, owner: str) -> list[Session]:
        with self._connect() as db:
            rows = db.execute("SELECT * FROM sessions WHERE owner = ? ORDER BY updated DESC", (owner,)).fetchall()
        return [Session(r["id"], r["title"], r["updated"], r["head"], json.loads(r["meta"])) for r in rows]

    def get(self, owner: str, session_id: str) -> Session:
        with self._connect() as db:
            row = self._row(db, owner, session_id)
            sections = self._sections(db, session_id, row["head"])
        return Session(row["id"], row["title"], row["updated"], row["head"], json.loads(row["meta"]), sections)

    def update(self, owner: str, session_id: str, *, title: str | None = None, **meta) -> Session:
        """Merge `meta` keys into the session's settings (a None value removes the key)."""
        with self._connect() as db:
            row = self._row(db, owner, session_id)
            merged = {**json.loads(row["meta"]), **meta}
            merged = {key: value for key, value in merged.items() if value is not None}
            db.execute("UPDATE sessions SET meta = ?, title = ?, updated = ? WHERE id = ?",
                       (json.dumps(merged, ensure_ascii=False), title or row["title"], time.time(), session_id))
        return self.get(owner, session_id)

    def latest_texts(self, exclude: str, limit: int = 50) -> list[tuple[str, bool, str, dict[str, str]]]:
        """(owner, same owner as `exclude`, title, sections) of the other materials on this machine, the most
        recently changed first: what a 雷同 check compares a material with."""
        with self._connect() as db:
            mine = db.execute("SELECT owner FROM sessions WHERE id = ?", (exclude,)).fetchone()
            rows = db.execute("SELECT s.owner, s.title, v.sections FROM sessions s JOIN versions v ON v.id = s.head "
                              "WHERE s.id != ? ORDER BY s.updated DESC LIMIT ?", (exclude, limit)).fetchall()
        owner = mine["owner"] if mine else None
        return [(r["owner"], r["owner"] == owner, r["title"], json.loads(r["sections"])) for r in rows]

    def transfer(self, old_owner: str, new_owner: str) -> int:
        """Give every material of one owner to another; returns how many."""
        with self._connect() as db:
            return db.execute("UPDATE sessions SET owner = ? WHERE owner = ?", (new_owner, old_owner)).rowcount

    def delete(self, owner: str, session_id: str) -> None:
        with self._connect() as db:
            self._row(db, owner, session_id)
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    # ---- versions ----------------------------------------------------------------------------------
    def commit(self, owner: str, session_id: str, sections: dict[str, str], label: str, *,
               merge_within: float = 0.0) -> int:
        """Save the sections as a new version after head (nothing new when they equal head's).

        With `merge_within`, typing in one section keeps updating the head version while it has the same
        label, is that recent and has no later versions, so one burst of editing is one undo step.
        """
        clean = {key: text for key, text in sections.items() if text and text.strip()}
        with self._connect() as db:
            row = self._row(db, owner, session_id)
            if self._sections(db, session_id, row["head"]) == clean:
                return row["head"]
            head = db.execute("SELECT label, created, parent FROM versions WHERE id = ?", (row["head"],)).fetchone()
            child = db.execute("SELECT 1 FROM versions WHERE parent = ?", (row["head"],)).fetchone()
            if merge_within and head["label"] == label and head["parent"] is not None and child is None \
                    and time.time() - head["created"] < merge_within:
                db.execute("UPDATE versions SET sections = ? WHERE id = ?", (json.dumps(clean, ensure_ascii=False), row["head"]))
                self._move_head(db, session_id, row["head"])
                return row["head"]
            return self._add_version(db, session_id, row["head"], label, clean)

    def undo(self, owner: str, session_id: str) -> Session | None:
        with self._connect() as db:
            row = self._row(db, owner, session_id)
            parent = db.execute("SELECT parent FROM versions WHERE id = ?", (row["head"],)).fetchone()["parent"]
            if parent is None:
                return None
            self._move_head(db, session_id, parent)
        return self.get(owner, session_id)

    def redo(self, owner: str, session_id: str) -> Session | None:
        with self._connect() as db:
            row = self._row(db, owner, session_id)
            child = db.execute("SELECT id FROM versions WHERE session_id = ? AND parent = ? ORDER BY id DESC LIMIT 1",
                               (session_id, row["head"])).fetchone()
            if child is None:
                return None
            self._move_head(db, session_id, child["id"])
        return self.get(owner, session_id)

    def restore(self, owner: str, session_id: str, version_id: int) -> Session:
        sections = self.sections_at(owner, session_id, version_id)
        self.commit(owner, session_id, sections, f"恢复到版本 {version_id}")
        return self.get(owner, session_id)

    def versions(self, owner: str, session_id: str) -> list[Version]:
        with self._connect() as db:
            head = self._row(db, owner, session_id)["head"]
            rows = db.execute("SELECT id, parent, created, label FROM versions WHERE session_id = ? ORDER BY id DESC",
                              (session_id,)).fetchall()
        return [Version(r["id"], r["parent"], r["created"], r["label"], r["id"] == head) for r in rows]

    def sections_at(self, owner: str, session_id: str, version_id: int) -> dict[str, str]:
        with self._connect() as db:
            self._row(db, owner, session_id)
            return self._sections(db, session_id, version_id)

    def diff(self, owner: str, session_id: str, old: int, new: int | None = None,
             render: Callable[[dict[str, str]], str] = lambda s: "\n".join(s.values())) -> str:
        """A unified diff of two versions' texts (new defaults to head)."""
        new = new or self.get(owner, session_id).head
        before = render(self.sections_at(owner, session_id, old)).splitlines()
        after = render(self.sections_at(owner, session_id, new)).splitlines()
        return "\n".join(difflib.unified_diff(before, after, f"版本 {old}", f"版本 {new}", lineterm=""))

    # ---- chat messages -----------------------------------------------------------------------------
    def add_message(self, owner: str, session_id: str, role: str, content: str, meta: dict | None = None) -> int:
        with self._connect() as db:
            self._row(db, owner, session_id)
            db.execute("UPDATE sessions SET updated = ? WHERE id = ?", (time.time(), session_id))
            return db.execute("INSERT INTO messages (session_id, at, role, content, meta) VALUES (?, ?, ?, ?, ?)",
                              (session_id, time.time(), role, content, json.dumps(meta or {}, ensure_ascii=False))).lastrowid

    def update_message(self, owner: str, session_id: str, message_id: int, content: str, meta: dict | None = None) -> None:
        with self._connect() as db:
            self._row(db, owner, session_id)
            db.execute("UPDATE messages SET content = ?, meta = COALESCE(?, meta) WHERE id = ? AND session_id = ?",
                       (content, json.dumps(meta, ensure_ascii=False) if meta is not None else None, message_id, session_id))

    def messages(self, owner: str, session_id: str) -> list[dict]:
        with self._connect() as db:
            self._row(db, owner, session_id)
            rows = db.execute("SELECT role, content, meta FROM messages WHERE session_id = ? ORDER BY id",
                              (session_id,)).fetchall()
        return [{"role": r["role"], "content": r["content"], **({"metadata": m} if (m := json.loads(r["meta"])) else {})}
                for r in rows]

    # ---- internals ---------------------------------------------------------------------------------
    def _row(self, db: sqlite3.Connection, owner: str, session_id: str) -> sqlite3.Row:
        row = db.execute("SELECT * FROM sessions WHERE id = ? AND owner = ?", (session_id, owner)).fetchone()
        if row is None:
            raise SessionNotFound()
        return row

    @staticmethod
    def _sections(db: sqlite3.Connection, session_id: str, version_id: int | None) -> dict[str, str]:
        row = db.execute("SELECT sections FROM versions WHERE id = ? AND session_id = ?", (version_id, session_id)).fetchone()
        if row is None:
            raise SessionNotFound()
        return json.loads(row["sections"])

    def _add_version(self, db, session_id: str, parent: int | None, label: str, sections: dict[str, str]) -> int:
        now = time.time()
        version = db.execute("INSERT INTO versions (session_id, parent, created, label, sections) VALUES (?, ?, ?, ?, ?)",
                             (session_id, parent, now, label, json.dumps(sections, ensure_ascii=False))).lastrowid
        self._move_head(db, session_id, version)
        return version

    @staticmethod
    def _move_head(db, session_id: str, version_id: int) -> None:
        db.execute("UPDATE sessions SET head = ?, updated = ? WHERE id = ?", (version_id, time.time(), session_id))
