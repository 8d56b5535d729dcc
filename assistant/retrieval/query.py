"""Checking a search query before anything heavy is loaded."""

from __future__ import annotations

from ..errors import InputError

MIN_QUERY_CHARS = 2
MAX_QUERY_CHARS = 2000


def clean_query(query: str) -> str:
    """The query with whitespace collapsed; InputError if it is too short to search or absurdly long."""
    text = " ".join(str(query or "").split())
    if len(text) < MIN_QUERY_CHARS:
        raise InputError(f"检索内容太短（至少 {MIN_QUERY_CHARS} 个字）", hint="请输入一个词语或一句话，如“主体责任落实不到位”")
    if len(text) > MAX_QUERY_CHARS:
        raise InputError(f"检索内容过长（{len(text)} 字，上限 {MAX_QUERY_CHARS} 字）", hint="请只输入要查找的要点")
    return text
