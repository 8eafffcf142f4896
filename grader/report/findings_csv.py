"""Findings as CSV: one row per finding of every subject (with --only-failed, failing and partial ones)."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..checks.select import fingerprint

COLUMNS = ("task", "subject", "check", "area", "status", "severity", "requirement", "file", "line", "message", "fingerprint")


def render_csv(result: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for subject in result["subjects"]:
        for f in subject["findings"]:
            first = f["locations"][0] if f["locations"] else {"file": "", "line": None}
            writer.writerow((result["task"]["id"], subject["name"], f["check"], f["area"], f["status"], f["severity"],
                             f["requirement"] or "", first["file"], first["line"] or "", f["message"], fingerprint(f)))
    return out.getvalue()
