"""The sessions database's tables, as ordered migrations recorded in a table and applied before use."""

import sqlite3
import time

MIGRATIONS: list[tuple[str, str]] = [
    ("m001_sessions", """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            title TEXT NOT NULL,
            created REAL NOT NULL,
            updated REAL NOT NULL,
            head INTEGER,
            meta TEXT NOT NULL DEFAULT '{}'
        )"""),
    ("m002_versions", """
        CREATE TABLE versions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            parent INTEGER,
            created REAL NOT NULL,
            label TEXT NOT NULL,
            sections TEXT NOT NULL
        )"""),
    ("m003_messages", """
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            at REAL NOT NULL,
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}'
        )"""),
    ("m004_indexes", """
        CREATE INDEX sessions_by_owner ON sessions (owner, updated);
        CREATE INDEX versions_by_session ON versions (session_id, id);
        CREATE INDEX messages_by_session ON messages (session_id, id)"""),
]


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply the migrations not yet recorded, in order; return the names applied."""
    db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
    done = {row[0] for row in db.execute("SELECT name FROM migrations")}
    applied = []
    for name, sql in MIGRATIONS:
        if name not in done:
            for statement in sql.split(";"):
                db.execute(statement)
            db.execute("INSERT INTO migrations VALUES (?, ?)", (name, time.time()))
            applied.append(name)
    db.commit()
    return applied
