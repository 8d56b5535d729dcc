"""Where a long title breaks: GB/T 9704 asks that a title running onto several lines break where the sense
allows, with the lines balanced (梯形或菱形), never inside a word.

Break points, best first: after the unit (before the year), before 民主生活会, before the material's name
(对照检查材料, 发言提纲…). Widths count a CJK character as 1 and a Latin letter or digit as ½.
"""

from __future__ import annotations

import re

BREAK_POINTS = (  # (pattern whose start is a break point, penalty)
    (re.compile(r"(?:19|20)\d{2}\s*年"), 0.0),
    (re.compile(r"(?:专题)?民主生活会"), 4.0),
    (re.compile(r"(?:个人)?(?:对照检查材料|对照检查发言提纲|发言提纲|检视剖析材料)"), 5.0),
    (re.compile(r"(?<=委员会)|(?<=党组)|(?<=党委)|(?<=领导班子)|(?<=政府)|(?<=办公室)"), 6.0),
)
KEEP_TOGETHER = re.compile(r"民主生活会|对照检查|检查材料|发言提纲|领导班子|\d+")


def width(text: str) -> float:
    return sum(0.5 if ord(char) < 0x2E80 else 1.0 for char in text)


def title_lines(title: str, max_width: float) -> list[str]:
    """The title as lines no wider than max_width, broken at the best-balanced sensible point."""
    title = title.strip()
    if width(title) <= max_width or len(title) < 2:
        return [title]
    best = None
    for position, penalty in _break_points(title):
        first, second = title[:position], title[position:]
        too_wide = max(0.0, width(first) - max_width) + max(0.0, width(second) - max_width)
        cost = (too_wide > 0, too_wide, penalty + abs(width(first) - width(second)) / 2)
        if best is None or cost < best[0]:
            best = (cost, position)
    position = best[1] if best else _middle(title)
    return [line for part in (title[:position], title[position:]) for line in title_lines(part, max_width)]


def _break_points(title: str) -> list[tuple[int, float]]:
    points = {}
    for pattern, penalty in BREAK_POINTS:
        for match in pattern.finditer(title):
            if 0 < match.start() < len(title):
                points[match.start()] = min(penalty, points.get(match.start(), penalty))
    return sorted(points.items())


def _middle(title: str) -> int:
    """The break nearest the middle that does not cut a word kept together."""
    inside = {i for m in KEEP_TOGETHER.finditer(title) for i in range(m.start() + 1, m.end())}
    middle = len(title) // 2
    candidates = [i for i in range(1, len(title)) if i not in inside]
    return min(candidates, key=lambda i: abs(i - middle)) if candidates else middle
