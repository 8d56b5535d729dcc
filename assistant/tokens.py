"""Token budgets that work offline.

tiktoken downloads its BPE files on first use; here they come from an installed package instead
(llama-index-core's wheel carries cl100k_base and o200k_base under llama_index/core/_static/tiktoken_cache,
installed without its dependencies by scripts/setup.sh) through TIKTOKEN_CACHE_DIR. When no cache is found
the count falls back to one token per character, a safe over-estimate for Chinese text.
"""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

CACHE_PACKAGE = "llama-index-core"
CACHE_PATH = "llama_index/core/_static/tiktoken_cache"
ENCODING = "cl100k_base"

T = TypeVar("T")


def bundled_cache_dir() -> Path | None:
    try:
        path = Path(importlib.metadata.distribution(CACHE_PACKAGE).locate_file(CACHE_PATH))
    except importlib.metadata.PackageNotFoundError:
        return None
    return path if path.is_dir() else None


@lru_cache(maxsize=1)
def _encoding():
    cache = os.environ.get("TIKTOKEN_CACHE_DIR") or (str(bundled_cache_dir()) if bundled_cache_dir() else None)
    if not cache:
        return None
    os.environ["TIKTOKEN_CACHE_DIR"] = cache
    try:
        import tiktoken

        return tiktoken.get_encoding(ENCODING)
    except Exception:  # no network and no cache file: fall back to counting characters
        return None


def count_tokens(text: str) -> int:
    encoding = _encoding()
    return len(encoding.encode(text, disallowed_special=())) if encoding else len(text)


def exact_counting() -> bool:
    return _encoding() is not None


def pack(items: Sequence[T], budget: int, *, text_of: Callable[[T], str] = str,
         counter: Callable[[str], int] = count_tokens) -> list[T]:
    """The longest prefix of items (already ranked) whose texts fit in the token budget."""
    packed, used = [], 0
    for item in items:
        cost = counter(text_of(item))
        if used + cost > budget:
            break
        packed.append(item)
        used += cost
    return packed


def total_tokens(texts: Iterable[str]) -> int:
    return sum(count_tokens(text) for text in texts)
