"""Shared sentences (雷同): a material's sentences that also stand in a bank or in another unit's material.

A sentence is compared by its character bigrams (Chinese characters only, so punctuation and figures do not
count): it is *shared* when at least `threshold` of its distinct bigrams are found in one sentence of the
other side; a verbatim copy scores 1.0. Heading lines every material shares by the notice's rule, sentences
shorter than `min_chars` Chinese characters and text inside 〔…〕 slots are left out.

Wording every material is expected to share (`exempt`: the notice's theme and area titles, which every unit
quotes) is cut out of a sentence before its bigrams are taken, the phrase whole and each of its clauses of at
least `EXEMPT_MIN_CHARS` characters; a sentence left shorter than `min_chars` is no longer measured. Only the
material's side is cut: the other side's sentences stay as written.

Lookups go through an inverted index (bigram → sentence ids) with a prefix filter: a sentence that shares
`need` of its `n` bigrams with another must share at least one of its `n - need + 1` rarest bigrams, so only
sentences holding one of those are compared in full.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .document import strip_markup

THRESHOLD = 0.8
MIN_CHARS = 20
BANK_LABEL = "参考库"
BANK_FILES = ("problems", "causes", "measures")
BANK_FIELDS = ("headline", "title", "text", "example")

SENTENCE = re.compile(r"[^。！？；!?]+[。！？；!?]*")
SENTENCE_END = re.compile(r"[。！？；!?]")
SLOT = re.compile(r"〔[^〕]*〕")
GAP = "\u3000"  # stands where a slot was: no bigram spans it
NOT_CJK = re.compile(r"[^\u4e00-\u9fff\u3000]")
HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}\s*[、．.，,]|[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)])")
HEADING_END = re.compile(r"[。：:！？]")
ITEM_MARKER = re.compile(r"^[一二三四五六七八九十]{1,3}是")
TITLE_MAX_CHARS = 40  # an unpunctuated line this short is a title, a name line or a date
EXEMPT_MIN_CHARS = 4  # a clause of an exempt phrase this long is cut out on its own ("严守纪律")
CLAUSE_BREAK = re.compile(r"[，,、；;。：:！？!?]")


@dataclass(frozen=True)
class Sentence:
    line: int  # 1-based line number in the text
    text: str  # as written
    grams: frozenset[str]
    chars: int  # Chinese characters outside slots


@dataclass(frozen=True)
class SharedSentence:
    sentence: str  # the material's sentence
    line: int
    label: str  # where the other sentence comes from: 参考库 or a material's name
    score: float  # share of the sentence's bigrams found in the other sentence
    other: str  # the other sentence


def _key(text: str, exempt: tuple[str, ...] = ()) -> str:
    """Chinese characters only, a gap where a slot or an exempt phrase stood, without a leading 一是/二是 marker."""
    key = ITEM_MARKER.sub("", NOT_CJK.sub("", SLOT.sub(GAP, text)))
    for phrase in exempt:
        key = key.replace(phrase, GAP)
    return key


@lru_cache(maxsize=64)
def _exempt_keys(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """The keys cut out of a sentence for these phrases: each phrase whole and each clause of it at least
    EXEMPT_MIN_CHARS long, longest first, so a whole quotation goes before its parts."""
    keys = set()
    for phrase in phrases:
        for piece in (phrase, *CLAUSE_BREAK.split(phrase)):
            key = NOT_CJK.sub("", piece).replace(GAP, "")
            if len(key) >= EXEMPT_MIN_CHARS:
                keys.add(key)
    return tuple(sorted(keys, key=lambda k: (-len(k), k)))


def bigrams(key: str) -> frozenset[str]:
    return frozenset(piece[i:i + 2] for piece in key.split(GAP) for i in range(len(piece) - 1))


def _body(line: str) -> str:
    """The line without its heading: 一、…/（一）… up to the first full stop or colon; a short unpunctuated line."""
    if HEADING.match(line):
        parts = HEADING_END.split(line, maxsplit=1)
        return parts[1] if len(parts) > 1 else ""
    if len(line) <= TITLE_MAX_CHARS and not SENTENCE_END.search(line):
        return ""
    return line


def split_sentences(text: str, *, skip_headings: bool = True, exempt: Sequence[str] = ()) -> list[Sentence]:
    """Every sentence of the text with its line number (split on 。！？；!? and line ends); the `exempt`
    phrases are cut out of each sentence's bigrams and character count."""
    cuts = _exempt_keys(tuple(exempt))
    out = []
    for no, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = strip_markup(raw)
        if skip_headings:
            line = _body(line)
        for match in SENTENCE.finditer(line):
            sentence = match.group(0).strip()
            key = _key(sentence, cuts)
            grams = bigrams(key)
            if grams:
                out.append(Sentence(no, sentence, grams, len(key.replace(GAP, ""))))
    return out


def eligible_sentences(text: str, min_chars: int = MIN_CHARS, *, exempt: Sequence[str] = ()) -> list[Sentence]:
    """The sentences a check measures: no headings, at least `min_chars` Chinese characters outside slots
    and exempt phrases."""
    return [s for s in split_sentences(text, exempt=exempt) if s.chars >= min_chars]


class SentenceCorpus:
    """Sentences of other texts, indexed by bigram, each remembering the label of the text it came from."""

    def __init__(self) -> None:
        self._labels: list[str] = []
        self._texts: list[str] = []
        self._grams: list[frozenset[str]] = []
        self._index: dict[str, list[int]] = {}
        self._seen: set[tuple[str, frozenset[str]]] = set()

    def __len__(self) -> int:
        return len(self._texts)

    def add(self, text: str, label: str) -> None:
        for sentence in split_sentences(text, skip_headings=False):
            if (label, sentence.grams) in self._seen:
                continue
            self._seen.add((label, sentence.grams))
            sid = len(self._texts)
            self._labels.append(label)
            self._texts.append(sentence.text)
            self._grams.append(sentence.grams)
            for gram in sentence.grams:
                self._index.setdefault(gram, []).append(sid)

    def match(self, sentence: Sentence, threshold: float = THRESHOLD) -> SharedSentence | None:
        """The corpus sentence holding the largest share (at least `threshold`) of this sentence's bigrams."""
        grams = sentence.grams
        n = len(grams)
        need = max(1, math.ceil(threshold * n - 1e-9))
        if need > n:
            return None
        rarest = sorted(grams, key=lambda g: len(self._index.get(g, ())))[: n - need + 1]
        candidates: set[int] = set()
        for gram in rarest:
            candidates.update(self._index.get(gram, ()))
        # The largest overlap; the earliest added sentence among equals.
        best_id, best = max(((sid, len(grams & self._grams[sid])) for sid in candidates),
                            key=lambda pair: (pair[1], -pair[0]), default=(-1, 0))
        if best < need:
            return None
        return SharedSentence(sentence.text, sentence.line, self._labels[best_id], best / n, self._texts[best_id])

    def matches(self, text: str, *, threshold: float = THRESHOLD, min_chars: int = MIN_CHARS,
                exempt: Sequence[str] = ()) -> list[SharedSentence]:
        return compare(text, [self], threshold=threshold, min_chars=min_chars, exempt=exempt)[0]


def compare(text: str, corpora: Iterable[SentenceCorpus], *, threshold: float = THRESHOLD,
            min_chars: int = MIN_CHARS, exempt: Sequence[str] = ()) -> tuple[list[SharedSentence], int]:
    """(the shared sentences, each with its best match over all corpora; the number of eligible sentences).
    `exempt`: wording every material is expected to share (NoticeSpec.wording()), left out of the text's sentences."""
    corpora = list(corpora)
    sentences = eligible_sentences(text, min_chars, exempt=exempt)
    shared = []
    for sentence in sentences:
        found = [m for corpus in corpora if (m := corpus.match(sentence, threshold))]
        if found:
            shared.append(max(found, key=lambda m: m.score))  # the first corpus wins a tie
    return shared, len(sentences)


def shared_share(text: str, *corpora: SentenceCorpus, threshold: float = THRESHOLD, min_chars: int = MIN_CHARS,
                 exempt: Sequence[str] = ()) -> float:
    """Share (0..1) of the text's eligible sentences that are shared with any of the corpora."""
    shared, total = compare(text, corpora, threshold=threshold, min_chars=min_chars, exempt=exempt)
    return len(shared) / total if total else 0.0


_BANK_CACHE: dict[tuple, SentenceCorpus] = {}


def bank_corpus(banks_dir: str | Path) -> SentenceCorpus:
    """Every text of knowledge/banks/*.yaml, labelled 参考库; built on first use, cached per directory and file dates."""
    import yaml

    folder = Path(banks_dir).resolve()
    paths = [folder / f"{name}.yaml" for name in BANK_FILES]
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in paths if p.is_file())
    key = (str(folder), stamp)
    if key not in _BANK_CACHE:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        corpus = SentenceCorpus()
        for path in paths:
            if not path.is_file():
                continue
            for entry in yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or []:
                for name in BANK_FIELDS:
                    if isinstance(entry.get(name), str):
                        corpus.add(entry[name], BANK_LABEL)
        for old in [k for k in _BANK_CACHE if k[0] == key[0]]:
            del _BANK_CACHE[old]
        _BANK_CACHE[key] = corpus
    return _BANK_CACHE[key]
