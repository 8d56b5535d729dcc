"""A fresh data directory for a benchmark that launches the app: the installed model files are linked in, so
a run measures the app and not the joining of the model parts."""

from __future__ import annotations

import tempfile
from pathlib import Path


def fresh_home(prefix: str, pattern: str = "*.gguf*") -> Path:
    """A new temporary data directory with the usual data directory's model files matching `pattern` linked
    into its models folder ("*.gguf" leaves the checksum stamps out, so the app checks the file itself)."""
    from assistant.config import Settings

    home = Path(tempfile.mkdtemp(prefix=prefix))
    usual = Settings().home / "models"
    if usual.is_dir():
        (home / "models").mkdir()
        for path in usual.glob(pattern):
            (home / "models" / path.name).symlink_to(path)
    return home
