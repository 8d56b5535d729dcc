"""The drafter's 素材: entries, their import from text/.docx/.xlsx, and their sorting into notice areas."""

from .model import KIND_LABELS, PROBLEM_KINDS, Entry, Sucai

__all__ = ["Entry", "Sucai", "KIND_LABELS", "PROBLEM_KINDS"]
