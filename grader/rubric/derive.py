"""Derive a rubric from PROMPT.md (filled in by the requirement extractors)."""

from __future__ import annotations

from .model import Rubric


def derive_rubric(prompt: str, platform: str | None = None, language: str | None = None) -> Rubric:
    return Rubric(platform=platform, language=language)
