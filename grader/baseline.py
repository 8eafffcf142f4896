"""Baseline files: known findings (check id, file, stable fingerprint) that later runs hide.

A baseline comes from the person running the grader (`--baseline FILE`, or `baseline:` in the
project's .iac-grader.yaml), never from the graded answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .checks.select import fingerprint
from .ingest.task import InputError

BAD = ("fail", "partial")


def create_baseline(result: dict[str, Any]) -> str:
    """Baseline JSON listing every failing or partial finding of a result, deduplicated, in a stable order."""
    entries: dict[str, dict[str, str]] = {}
    for subject in result["subjects"]:
        for finding in subject["findings"]:
            if finding["status"] in BAD:
                first = finding["locations"][0]["file"] if finding["locations"] else ""
                entries[fingerprint(finding)] = {"check": finding["check"], "file": first, "fingerprint": fingerprint(finding)}
    rows = sorted(entries.values(), key=lambda e: (e["check"], e["file"], e["fingerprint"]))
    return json.dumps({"version": 1, "findings": rows}, indent=2) + "\n"


def load_baseline(path: str | Path) -> frozenset[str]:
    """The fingerprints a baseline file hides (InputError when it is unreadable or malformed)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return frozenset(str(e["fingerprint"]) for e in data["findings"])
    except OSError as exc:
        raise InputError(f"cannot read baseline {path}: {exc.strerror or exc}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"baseline {path} is not a grader baseline (create one with --create-baseline)") from exc
