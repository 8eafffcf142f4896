"""Make untrusted text inert in the files the grader writes: spreadsheet formulas and markdown."""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV injection: what a spreadsheet may evaluate
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_MARKDOWN = re.compile(r"([\\`*\[\]<>|])")


def csv_cell(value: Any) -> Any:
    """A text cell that would start a formula gets a leading `'`; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def md_text(value: Any) -> str:
    """One line of literal text for a heading or table cell: no line breaks, no markup, no HTML, no `|`."""
    return _MARKDOWN.sub(r"\\\1", _CONTROL.sub(" ", str(value)))


def md_cell(value: Any) -> Any:
    """A table cell of the grader's own text (labels, verdicts): only line breaks and `|` are neutralised."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub(" ", value).replace("|", "\\|")
