"""The unit the index stores: one passage with scalar metadata (Chroma accepts only scalars)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

KINDS = ("notice", "problem", "cause", "measure", "reference")
LIST_SEPARATOR = ","  # dimensions and years: "party,discipline", "2021,2024"
AREA_SEPARATOR = "|"  # area titles contain Chinese commas and 、, never |

Scalar = str | int | float | bool


@dataclass(frozen=True)
class Record:
    id: str
    text: str
    metadata: dict[str, Scalar] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """Hash of text and metadata: a record whose digest is unchanged need not be embedded again."""
        payload = json.dumps([self.text, self.metadata], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def stored_metadata(self) -> dict[str, Scalar]:
        return {**self.metadata, "hash": self.digest}


def join_list(values) -> str:
    return LIST_SEPARATOR.join(str(v).strip() for v in values if str(v).strip())


def split_list(value: object, separator: str = LIST_SEPARATOR) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    return tuple(part for part in str(value).split(separator) if part)
