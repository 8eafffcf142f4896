"""Leaderboards from a results file: one row per model, and a per-task export.

For task-folder runs the "models" are the subjects (response, ideal, code); for JSONL answer
runs, the `model` field. Deterministic for the same input: the bootstrap uses a fixed seed.
"""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from math import comb
from pathlib import Path
from typing import Any, Iterable

from tabulate import tabulate

from ..checks.base import AREAS
from ..report.inert import csv_cell, md_text
from .runner import read_rows

BOOTSTRAP_SAMPLES = 2000


def _entries(rows: Iterable[dict[str, Any]]):
    """(model, task, sample, subject or None) per graded subject; errors as (model, task, sample, None)."""
    for row in rows:  # the results file is untrusted: names become text, a malformed row an error
        model = None if row.get("model") is None else str(row["model"])
        task, sample = str(row.get("task")), row.get("sample") if isinstance(row.get("sample"), int) else 0
        result = row.get("result")
        subjects = result.get("subjects") if isinstance(result, dict) else None
        if row.get("status") != "ok" or not isinstance(subjects, list) or not all(_usable(s) for s in subjects):
            yield model or "(error)", task, sample, None
            continue
        for subject in subjects:
            if model is not None:
                if subject["name"] == "response":
                    yield model, task, sample, subject
            else:
                yield str(subject["name"]), task, 0, subject


def _usable(subject: Any) -> bool:
    return (isinstance(subject, dict) and isinstance(subject.get("score"), (int, float))
            and isinstance(subject.get("areas"), dict) and isinstance(subject.get("findings"), list)
            and all(isinstance(f, dict) and {"requirement", "status", "area"} <= f.keys() for f in subject["findings"]))


def _fully_meets(subject: dict[str, Any]) -> bool:
    graded = [f for f in subject["findings"] if f["requirement"]]
    return bool(graded) and all(f["status"] in ("pass", "unknown", "n/a") for f in graded)


def _deployable(subject: dict[str, Any]) -> bool:
    return not any(f["area"] == "deployability" and f["status"] == "fail" for f in subject["findings"])


def bootstrap_ci(values: list[float], seed: int = 0) -> tuple[float, float]:
    if not values:
        return 0.0, 0.0
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(rng.choice(values) for _ in range(n)) / n for _ in range(BOOTSTRAP_SAMPLES))
    return means[int(0.025 * BOOTSTRAP_SAMPLES)], means[int(0.975 * BOOTSTRAP_SAMPLES) - 1]


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k (Chen et al. 2021): 1 - C(n-c, k) / C(n, k)."""
    if n - c < k:
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)


def leaderboard(path: Path, k: int = 1) -> tuple[list[str], list[list[Any]]]:
    by_model: dict[str, list[tuple[str, int, dict | None]]] = defaultdict(list)
    for model, task, sample, subject in _entries(read_rows(path)):
        by_model[model].append((task, sample, subject))
    headers = ["model", "tasks", "answers", "mean score", "ci95 low", "ci95 high"] + list(AREAS) + [
        "deployable share", "fully meets rubric", f"pass@{k}", "errors"]
    table = []
    for model in sorted(by_model):
        entries = by_model[model]
        graded = [(t, s, subj) for t, s, subj in entries if subj is not None]
        scores = [subj["score"] for _, _, subj in graded]
        low, high = bootstrap_ci(scores)
        area_means = []
        for area in AREAS:
            values = [subj["areas"][area] for _, _, subj in graded if area in subj["areas"]]
            area_means.append(round(sum(values) / len(values), 1) if values else "")
        per_task: dict[str, list[bool]] = defaultdict(list)
        for task, _, subj in graded:
            per_task[task].append(_fully_meets(subj))
        usable = {t: v for t, v in per_task.items() if len(v) >= k}
        pass_k = round(sum(pass_at_k(len(v), sum(v), k) for v in usable.values()) / len(usable), 3) if usable else ""
        table.append([
            model, len({t for t, _, _ in entries}), len(graded), round(sum(scores) / len(scores), 1) if scores else "",
            round(low, 1), round(high, 1), *area_means,
            round(sum(_deployable(s) for _, _, s in graded) / len(graded), 3) if graded else "",
            round(sum(_fully_meets(s) for _, _, s in graded) / len(graded), 3) if graded else "",
            pass_k, sum(1 for _, _, s in entries if s is None),
        ])
    return headers, table


def per_task(path: Path) -> tuple[list[str], list[list[Any]]]:
    headers = ["task", "model", "sample", "score"] + list(AREAS)
    rows = []
    for model, task, sample, subject in _entries(read_rows(path)):
        if subject is None:
            rows.append([task, model, sample, "error"] + [""] * len(AREAS))
        else:
            rows.append([task, model, sample, subject["score"]] + [subject["areas"].get(a, "") for a in AREAS])
    return headers, sorted(rows, key=lambda r: (str(r[0]), str(r[1]), r[2]))


def render(headers: list[str], rows: list[list[Any]], fmt: str) -> str:
    """CSV or a markdown table; model names and task ids come from the results file, so cells are made inert."""
    if fmt == "markdown":
        cells = [[md_text(c) if isinstance(c, str) else c for c in row] for row in rows]
        return tabulate(cells, headers=headers, tablefmt="github") + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return buffer.getvalue()
