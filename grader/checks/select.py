"""Which findings a run keeps: `--check` / `--skip-check` selectors by check id, area or severity."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from typing import Any, Iterable

from .base import AREAS, REGISTRY, SEVERITIES, Finding, all_checks


class SelectorError(ValueError):
    """A selector that names no check id, area or severity."""


def parse_selectors(values: Iterable[str]) -> tuple[str, ...]:
    """Selectors from repeatable and comma-separated options, checked against the registry."""
    all_checks()
    out: list[str] = []
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if not part:
                continue
            if part.upper() in REGISTRY:
                part = part.upper()
            elif part.lower() in AREAS or part.lower() in SEVERITIES:
                part = part.lower()
            else:
                raise SelectorError(f"{part!r} is not a check id, area or severity (see `grader checks list`)")
            if part not in out:
                out.append(part)
    return tuple(out)


_LINE_REFS = re.compile(r"\b(?:line|lines|L)\s*\d+(?:\s*[-–]\s*\d+)?\b|:\d+\b")


def fingerprint(finding: Finding | dict[str, Any]) -> str:
    """A stable id of a finding: its check, requirement, first file and message without line numbers.

    Moving code up or down leaves it unchanged, so a baseline keeps hiding a known finding.
    """
    data = finding.to_json() if isinstance(finding, Finding) else finding
    locations = data.get("locations") or []
    first = locations[0]["file"] if locations else ""
    message = _LINE_REFS.sub("", data.get("message", ""))
    key = "\0".join((data["check"], data.get("requirement") or "", first, " ".join(message.split())))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Selection:
    only: tuple[str, ...] = ()  # keep only findings matching one of these (empty: keep all)
    skip: tuple[str, ...] = ()
    baseline: frozenset[str] = frozenset()  # fingerprints of known findings to hide
    also_only: tuple[str, ...] = ()  # a second `only` (the rubric's `select`): a finding must match both

    @staticmethod
    def matches(finding: Finding, selectors: tuple[str, ...]) -> bool:
        return finding.check in selectors or finding.area in selectors or finding.severity in selectors

    def with_rubric(self, select: Iterable[str], skip: Iterable[str]) -> "Selection":
        """This selection narrowed by a rubric's `select` and `skip` lists."""
        return replace(self, also_only=parse_selectors(select), skip=self.skip + parse_selectors(skip))

    def keeps(self, finding: Finding) -> bool:
        for only in (self.only, self.also_only):
            if only and not self.matches(finding, only):
                return False
        if self.matches(finding, self.skip):
            return False
        return not (self.baseline and finding.status in ("fail", "partial") and fingerprint(finding) in self.baseline)

    def __bool__(self) -> bool:
        return bool(self.only or self.also_only or self.skip or self.baseline)
