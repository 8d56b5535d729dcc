"""Sorting the drafter's problem entries into the notice's areas.

Retrieval votes: the bank problems nearest an entry vote for the areas they are labelled with (closer
ones weigh more); the typical wording of a problem theme (theme_cues.yaml: 推诿、扯皮 for 担当) votes for
the areas where this notice's problems of that theme stand; and the wording the entry shares with each area
title adds a little. The model only
breaks a near tie, when one is given. Every entry gets an area and a confidence; a low one is flagged for
the drafter to look at, never dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

from ..notices import NoticeLibrary, NoticeSpec, containment
from .model import Entry, Sucai

NEIGHBOURS = 10
TITLE_WEIGHT = 1.5  # a title containing all of an entry's wording counts like the nearest bank problem
LOW_CONFIDENCE = 0.5  # the winning area's share of the votes below which the drafter is asked to look
TOO_SHORT = 10  # Chinese characters: an entry this short says too little to sort with confidence
THEME_WEIGHT = 0.5  # a neighbour labelled for other years only votes through its theme
TIE_MARGIN = 0.1  # shares this close are a tie the model may break
CUE_WEIGHT = 1.5  # all of an entry's theme cues together weigh like the nearest bank problem

TieBreaker = Callable[[str, list[tuple[int, str]]], int | None]


class AreaSorter:
    def __init__(self, *, retriever, catalog, notices: NoticeLibrary | None = None,
                 tie_breaker: TieBreaker | None = None) -> None:
        self.retriever = retriever
        self.catalog = catalog
        self.notices = notices
        self.tie_breaker = tie_breaker

    def sort(self, notice: NoticeSpec, sucai: Sucai, *, only_unplaced: bool = False,
             tie_breaker: TieBreaker | None = None) -> Sucai:
        """Give every problem entry an area. Entries the drafter placed by hand keep theirs, and with
        `only_unplaced` so does every entry already sorted (the drafter may have seen and accepted it)."""
        labels = self.area_labels(notice)
        themes = self.theme_areas(labels)
        cues = self.catalog.theme_cues()
        for entry in sucai.problems:
            placed = entry.area is not None and 1 <= entry.area <= len(notice.areas)
            if placed and (only_unplaced or entry.confidence >= 1.0):
                continue
            self.place(notice, entry, labels, themes, cues, tie_breaker or self.tie_breaker)
        return sucai

    def place(self, notice: NoticeSpec, entry: Entry, labels: dict[str, int], themes: dict[str, dict[int, float]],
              cues: dict[str, list[str]], tie_breaker: TieBreaker | None = None) -> Entry:
        votes = self.votes(notice, entry.text, labels, themes, cues)
        total = sum(votes.values())
        if not total:
            entry.area, entry.confidence, entry.flagged = 1, 0.0, True
            return entry
        ranked = sorted(votes.items(), key=lambda item: -item[1])
        (best, top), second = ranked[0], (ranked[1] if len(ranked) > 1 else (None, 0.0))
        share = top / total
        if second[0] is not None and (top - second[1]) / total < TIE_MARGIN and tie_breaker:
            options = [(area, notice.areas[area - 1].title) for area in (best, second[0])]
            chosen = tie_breaker(entry.text, options)
            if chosen in (best, second[0]):
                best, share = chosen, votes[chosen] / total
        entry.area, entry.confidence = best, round(share, 3)
        entry.flagged = share < LOW_CONFIDENCE or len(re.findall(r"[\u4e00-\u9fff]", entry.text)) < TOO_SHORT
        return entry

    def votes(self, notice: NoticeSpec, text: str, labels: dict[str, int], themes: dict[str, dict[int, float]],
              cues: dict[str, list[str]]) -> dict[int, float]:
        """Nearest bank problems labelled for this notice vote for their area; those labelled only for other
        years vote, more weakly, for the areas where this notice's labelled problems share their theme
        (`labels`, `themes` and `cues` are worked out once per sort)."""
        votes: dict[int, float] = defaultdict(float)
        for rank, passage in enumerate(self.retriever.search(text, NEIGHBOURS, kind="problem")):
            entry = self.catalog.get(passage.id) or {}
            areas = {labels[ref] for ref in entry.get("area_titles", []) if ref in labels}
            for area in areas:
                votes[area] += 1.0 / (rank + 1)
            if not areas:
                spread = themes.get(entry.get("area_theme"), {})
                for area, share in spread.items():
                    votes[area] += THEME_WEIGHT * share / (rank + 1)
        for area, weight in cue_votes(text, cues, themes).items():
            votes[area] += weight
        for area in notice.areas:
            wording = max(containment(title, text) for title in [area.title, *area.variants])
            votes[area.index] += TITLE_WEIGHT * wording * wording
        return {area: score for area, score in votes.items() if score > 0}

    def theme_areas(self, labels: dict[str, int]) -> dict[str, dict[int, float]]:
        """For each bank theme, how this notice's labelled problems of that theme spread over its areas."""
        counts: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for entry in self.catalog.of_bank("problems"):
            for ref in entry.get("area_titles", []):
                if ref in labels:
                    counts[entry.get("area_theme")][labels[ref]] += 1
        return {theme: {area: n / sum(spread.values()) for area, n in spread.items()} for theme, spread in counts.items()}

    def area_labels(self, notice: NoticeSpec) -> dict[str, int]:
        """Bank labels ("2024:2") → this notice's area. A pasted notice borrows the labels of the preset
        whose area titles it matches most, so a pasted 2024 notice sorts as well as the preset."""
        if notice.source == "preset":
            return {f"{notice.id}:{area.index}": area.index for area in notice.areas}
        best: dict[str, int] = {}
        for preset in self.notices.all() if self.notices else []:
            labels = {}
            for area in notice.areas:
                match, _ = preset.match_area(area.title)
                if match is not None:
                    labels.setdefault(f"{preset.id}:{match.index}", area.index)
            if len(labels) > len(best):  # the preset this notice follows most closely lends its labels
                best = labels
        return best


def cue_votes(text: str, cues: dict[str, list[str]], themes: dict[str, dict[int, float]]) -> dict[int, float]:
    """The themes whose typical wording the entry uses, spread over the areas as this notice's problems of
    each theme are; CUE_WEIGHT in all, shared by the number of cue words each theme matched."""
    matched = {theme: hits for theme, words in cues.items() if (hits := sum(word in text for word in words))}
    total = sum(hits for theme, hits in matched.items() if theme in themes)
    votes: dict[int, float] = defaultdict(float)
    for theme, hits in matched.items():
        for area, share in themes.get(theme, {}).items():
            votes[area] += CUE_WEIGHT * share * hits / total
    return votes
