"""Every model call, logged to SQLite under the data directory (logs.db), with ordered migrations.

The evals read the same table. `Logbook(None)` is the --no-log logbook: it records nothing.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import asdict, dataclass
from pathlib import Path

MIGRATIONS: list[tuple[str, str]] = [
    ("m001_calls", """
        CREATE TABLE calls (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at REAL NOT NULL,
            operation TEXT NOT NULL,
            prompt_name TEXT,
            prompt_version TEXT,
            prompt_hash TEXT,
            model TEXT,
            input_tokens INTEGER,
            output_tokens INTEGER,
            latency_ms REAL,
            outcome TEXT NOT NULL,
            error TEXT
        )"""),
    ("m002_calls_first_token", "ALTER TABLE calls ADD COLUMN first_token_ms REAL"),
    ("m003_calls_index", "CREATE INDEX calls_by_prompt ON calls (prompt_name, prompt_version)"),
]


@dataclass
class CallRecord:
    operation: str
    prompt_name: str
    prompt_version: str
    prompt_hash: str
    model: str
    input_tokens: int
    output_tokens: int
    latency_ms: float
    outcome: str  # "ok", "repaired", "invalid", "error"
    error: str = ""
    first_token_ms: float | None = None


class Logbook:
    def __init__(self, path: Path | None) -> None:
        self.path = Path(path) if path else None
        self._ready = False

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def _connect(self) -> sqlite3.Connection:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path)
        if not self._ready:
            migrate(connection)
            self._ready = True
        return connection

    def record(self, record: CallRecord) -> None:
        if not self.enabled:
            return
        data = asdict(record)
        columns = ", ".join(["at", *data])
        marks = ", ".join("?" for _ in range(len(data) + 1))
        with self._connect() as connection:
            connection.execute(f"INSERT INTO calls ({columns}) VALUES ({marks})", [time.time(), *data.values()])
        connection.close()

    def recent(self, limit: int = 20) -> list[dict]:
        if not self.enabled or not self.path.exists():
            return []
        with self._connect() as connection:
            connection.row_factory = sqlite3.Row
            rows = connection.execute("SELECT * FROM calls ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        connection.close()
        return [dict(row) for row in rows]


def migrate(connection: sqlite3.Connection) -> list[str]:
    """Apply the migrations not yet recorded, in order; return the names applied."""
    connection.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
    done = {row[0] for row in connection.execute("SELECT name FROM migrations")}
    applied = []
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        connection.execute(sql)
        connection.execute("INSERT INTO migrations VALUES (?, ?)", (name, time.time()))
        applied.append(name)
    connection.commit()
    return applied
