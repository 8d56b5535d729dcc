"""Chinese-aware chunking: cut along headings, 一是/二是 items and sentences, never inside a sentence.

The text becomes a stream of units (a heading, or one sentence). Units are packed greedily into chunks of
about `min_chars`–`max_chars` characters. A chunk is closed early at a heading or a new item once it has
`min_chars`, so chunks tend to start where the drafter's own structure starts. Consecutive chunks share one
sentence (the last of the previous chunk), except across a heading. Only a single sentence longer than
`max_chars` is cut, first at ；, then at ，, and as a last resort by length.

PDF text and hard-wrapped .txt files break lines mid-sentence, so a long line that does not end a sentence
is joined with the next one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TERMINALS = "。！？!?…"
CLOSERS = "”’\"'」』）)】》"
SENTENCE = re.compile(rf"[^{TERMINALS}]*[{TERMINALS}]+[{CLOSERS}]*|[^{TERMINALS}]+$")
CN_NUM = "一二三四五六七八九十百"
HEADING = re.compile(rf"^(?:#{{1,6}}\s*|[{CN_NUM}]+、|（[{CN_NUM}]+）|\([{CN_NUM}]+\)|第[{CN_NUM}]+[章节部分篇])")
ITEM = re.compile(rf"^(?:[{CN_NUM}]+是|第[{CN_NUM}]+是|\d{{1,2}}[.．、](?!\d)|（\d{{1,2}}）|\(\d{{1,2}}\)|[-*•·]\s|首先|其次|再次|最后)")
SOFT_BREAKS = ("；;", "，,：:、")
MAX_HEADING_CHARS = 100  # notice area headings run to 80 characters
MAX_TITLE_CHARS = 40  # a short standalone line without final punctuation reads as a title
MIN_WRAPPED_LINE = 20  # a shorter unpunctuated line is its own paragraph, not a wrapped one
MID_SENTENCE = "，,、；;“‘（(《"  # a line ending in one of these always continues on the next line

NONE, ITEM_START, SECTION_START = 0, 1, 2


@dataclass
class Unit:
    text: str
    boundary: int = NONE
    new_paragraph: bool = False
    heading: bool = False
    section: str = ""


@dataclass(frozen=True)
class Chunk:
    text: str
    position: int  # 1-based order within the source
    section: str = ""  # the heading the chunk falls under, if any


def split_sentences(text: str) -> list[str]:
    return [s for s in (m.group(0).strip() for m in SENTENCE.finditer(text)) if s]


def _ends_sentence(line: str) -> bool:
    return line.rstrip(CLOSERS)[-1:] in TERMINALS or line[-1:] in "：:"


def _wrapped(previous: str) -> bool:
    """Whether a line was broken mid-sentence (a PDF or hard-wrapped text line), so the next one continues it."""
    return previous[-1:] in MID_SENTENCE or (len(previous) >= MIN_WRAPPED_LINE and not _ends_sentence(previous))


def paragraphs(text: str) -> list[tuple[str, bool]]:
    """(paragraph, is_heading) pairs; wrapped lines are joined back together."""
    result: list[list] = []
    open_paragraph = False
    last_line = ""
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip(" \t\u3000\xa0")
        if not line:
            open_paragraph = False
            continue
        if HEADING.match(line):
            result.append([re.sub(r"^#{1,6}\s*", "", line), True])
            open_paragraph = False
        elif open_paragraph and _wrapped(last_line) and not ITEM.match(line):
            result[-1][0] += line
        else:
            result.append([line, False])
            open_paragraph = True
        last_line = line
    return [(p, heading) for p, heading in result]


def _split_long(sentence: str, limit: int) -> list[str]:
    """Pieces of an over-long sentence, each at most `limit` characters."""
    pieces = [sentence]
    for marks in SOFT_BREAKS:
        pattern = re.compile(rf"[^{marks}]*[{marks}]+|[^{marks}]+$")
        next_pieces: list[str] = []
        for piece in pieces:
            if len(piece) <= limit:
                next_pieces.append(piece)
                continue
            current = ""
            for part in (m.group(0) for m in pattern.finditer(piece)):
                if current and len(current) + len(part) > limit:
                    next_pieces.append(current)
                    current = ""
                current += part
            if current:
                next_pieces.append(current)
        pieces = next_pieces
    return [p[i : i + limit] for p in pieces for i in range(0, len(p), limit)]


class Chunker:
    def __init__(self, *, min_chars: int = 300, max_chars: int = 600) -> None:
        if not 0 < min_chars <= max_chars:
            raise ValueError("min_chars must be positive and at most max_chars")
        self.min_chars = min_chars
        self.max_chars = max_chars

    def units(self, text: str) -> list[Unit]:
        units: list[Unit] = []
        section = ""
        for paragraph, is_heading in paragraphs(text):
            sentences = split_sentences(paragraph)
            titled = not is_heading and len(sentences) == 1 and len(paragraph) <= MAX_TITLE_CHARS \
                and not _ends_sentence(paragraph) and not ITEM.match(paragraph)
            for index, sentence in enumerate(sentences):
                first = index == 0
                if first and (is_heading or titled) and len(sentence) <= MAX_HEADING_CHARS:
                    section = sentence
                    units.append(Unit(sentence, SECTION_START, True, True, section))
                    continue
                boundary = ITEM_START if ITEM.match(sentence) else NONE
                pieces = _split_long(sentence, self.max_chars) if len(sentence) > self.max_chars else [sentence]
                for n, piece in enumerate(pieces):
                    units.append(Unit(piece, boundary if n == 0 else NONE, first and n == 0, False, section))
        return units

    def split(self, text: str) -> list[Chunk]:
        chunks: list[list[Unit]] = []
        current: list[Unit] = []
        fresh = 0  # units in `current` that are not the overlap sentence
        for unit in self.units(text):
            if current and fresh:
                too_long = _length(current + [unit]) > self.max_chars
                at_boundary = unit.boundary >= ITEM_START and _length(current) >= self.min_chars
                if too_long or at_boundary:
                    trailing = next((n for n, u in enumerate(reversed(current)) if not u.heading), len(current))
                    carry: list[Unit] = []
                    if 0 < trailing < fresh:  # a chunk never ends on a heading: it moves to the next chunk
                        carry, current = current[-trailing:], current[:-trailing]
                        fresh -= trailing
                    overlap: list[Unit] = []
                    if fresh > 0:
                        chunks.append(current)
                        last = current[-1]
                        if unit.boundary < SECTION_START and not carry and _length([last, unit]) <= self.max_chars:
                            overlap = [last]
                    current, fresh = overlap + carry, len(carry)
            current.append(unit)
            fresh += 1
        if current and fresh:
            chunks.append(current)
        self._merge_short_tail(chunks)
        return [Chunk(_join(units), i + 1, _section(units)) for i, units in enumerate(chunks)]

    def _merge_short_tail(self, chunks: list[list[Unit]]) -> None:
        if len(chunks) < 2 or _length(chunks[-1]) >= self.min_chars:
            return
        previous, tail = chunks[-2], chunks[-1]
        if tail[0] is previous[-1]:
            tail = tail[1:]
        if _length(previous + tail) <= self.max_chars:
            chunks[-2:] = [previous + tail]


def _join(units: list[Unit]) -> str:
    return "".join(("\n" if u.new_paragraph and i else "") + u.text for i, u in enumerate(units))


def _length(units: list[Unit]) -> int:
    return sum(len(u.text) for u in units) + sum(1 for i, u in enumerate(units) if u.new_paragraph and i)


def _section(units: list[Unit]) -> str:
    """The heading in force at the chunk's first sentence (the deepest heading above its content)."""
    return next((u.section for u in units if not u.heading), units[-1].section if units else "")
