"""Leaderboards from a results file: one row per model, paired differences, and a per-task export.

For task-folder runs the "models" are the subjects (response, ideal, code); for JSONL answer
runs, the `model` field.

Statistics (numpy): every interval is a 95% percentile bootstrap over *tasks*: a resample draws
tasks with replacement and keeps all answers of a drawn task together, so several samples of one
task never narrow an interval as if they were independent. A mean is the mean over answers
(the resampled statistic is the same ratio: sum of scores / number of answers). A paired
difference between two models uses the tasks both answered: the per-task difference of their
mean scores, averaged, with the same task bootstrap. Each interval uses BOOTSTRAP_SAMPLES
resamples from a fresh generator seeded with SEED, so the same results file always gives the
same numbers, and a model's interval does not depend on which other models are in the file.
Fewer than two tasks give no interval (blank), never a degenerate one.

Errors are their own column; they are left out of means (there is no score to average) and
counted as failures in the pass rate and pass@k.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from math import comb
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
from tabulate import tabulate

from ..checks.base import AREAS
from ..report.files import safe_name
from ..report.inert import csv_cell, md_text
from .runner import read_rows

SEED = 20240613
BOOTSTRAP_SAMPLES = 2000
_CHUNK = 256  # resamples drawn at a time, to bound memory for large task counts
_NONE = "(none)"


@dataclass(frozen=True)
class Answer:
    """One graded subject (or one error row) of a results file."""

    model: str
    task: str
    sample: int
    subject: dict[str, Any] | None  # None: an error row
    row: dict[str, Any]


def answers(rows: Iterable[dict[str, Any]]) -> list[Answer]:
    out = []
    for row in rows:  # the results file is untrusted: names become text, a malformed row an error
        model = None if row.get("model") is None else str(row["model"])
        task, sample = str(row.get("task")), row.get("sample") if isinstance(row.get("sample"), int) else 0
        result = row.get("result")
        subjects = result.get("subjects") if isinstance(result, dict) else None
        if row.get("status") != "ok" or not isinstance(subjects, list) or not all(_usable(s) for s in subjects):
            out.append(Answer(model or "(error)", task, sample, None, row))
            continue
        for subject in subjects:
            if model is not None:
                if subject["name"] == "response":
                    out.append(Answer(model, task, sample, subject, row))
            else:
                out.append(Answer(str(subject["name"]), task, 0, subject, row))
    return out


def _usable(subject: Any) -> bool:
    return (isinstance(subject, dict) and isinstance(subject.get("score"), (int, float))
            and isinstance(subject.get("areas"), dict) and isinstance(subject.get("findings"), list)
            and all(isinstance(f, dict) and {"requirement", "status", "area"} <= f.keys() for f in subject["findings"]))


def fully_meets(subject: dict[str, Any]) -> bool:
    graded = [f for f in subject["findings"] if f["requirement"]]
    return bool(graded) and all(f["status"] in ("pass", "unknown", "n/a") for f in graded)


def deployable(subject: dict[str, Any]) -> bool:
    """The subject's own `deployable` when the result has it, else: no failing deployability finding."""
    given = subject.get("deployable")
    if isinstance(given, bool):
        return given
    return not any(f["area"] == "deployability" and f["status"] == "fail" for f in subject["findings"])


def requirements_met(subject: dict[str, Any]) -> float | None:
    """Share (0-100) of judged requirements met: the result's own figure, else passes / (pass+partial+fail)."""
    given = subject.get("requirements_met")
    if isinstance(given, (int, float)) and not isinstance(given, bool):
        return float(given)
    judged = [f["status"] for f in subject["findings"] if f["requirement"] and f["status"] in ("pass", "partial", "fail")]
    return round(100.0 * judged.count("pass") / len(judged), 1) if judged else None


def pass_criterion(text: str) -> Callable[[dict[str, Any]], bool]:
    """`fully-meets` (every graded requirement met), `deployable`, or `score>=X`."""
    spec = text.strip().lower().replace(" ", "")
    if spec in ("fully-meets", "fullymeets", "fully-meets-rubric"):
        return fully_meets
    if spec == "deployable":
        return deployable
    match = re.fullmatch(r"score>=(\d+(?:\.\d+)?)", spec)
    if match:
        threshold = float(match.group(1))
        return lambda subject: subject["score"] >= threshold
    raise ValueError(f"unknown pass criterion {text!r} (fully-meets, deployable or score>=X)")


def cluster_bootstrap(sums: Iterable[float], counts: Iterable[float], seed: int = SEED,
                      samples: int = BOOTSTRAP_SAMPLES) -> tuple[float, float] | None:
    """95% percentile interval of sum(sums)/sum(counts), resampling clusters (tasks); None under 2 clusters."""
    sums_a = np.asarray(list(sums), dtype=float)
    counts_a = np.asarray(list(counts), dtype=float)
    n = len(sums_a)
    if n < 2:
        return None
    rng = np.random.default_rng(seed)
    means = np.empty(samples)
    for start in range(0, samples, _CHUNK):
        stop = min(samples, start + _CHUNK)
        draws = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = sums_a[draws].sum(axis=1) / counts_a[draws].sum(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k (Chen et al. 2021): 1 - C(n-c, k) / C(n, k)."""
    if n - c < k:
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)


def group_value(answer: Answer, field: str) -> str:
    """A grouping value: the task's metadata.json field, else the result's task field, else the row's."""
    meta = answer.row.get("meta") or {}
    task = (answer.row.get("result") or {}).get("task") or {}
    for source in (meta, task, answer.row):
        value = source.get(field)
        if value is not None and value != "":
            return str(value)
    return _NONE


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 3) if flags else None


def _task_scores(entries: list[Answer]) -> dict[str, list[float]]:
    by_task: dict[str, list[float]] = defaultdict(list)
    for answer in entries:
        if answer.subject is not None:
            by_task[answer.task].append(answer.subject["score"])
    return by_task


def _grouped(path: Path, by: str | None) -> dict[tuple[str, str], list[Answer]]:
    groups: dict[tuple[str, str], list[Answer]] = defaultdict(list)
    for answer in answers(read_rows(path)):
        groups[(group_value(answer, by) if by else "", answer.model)].append(answer)
    return groups


def _model_row(entries: list[Answer], k: int, passes: Callable[[dict[str, Any]], bool]) -> list[Any]:
    graded = [a for a in entries if a.subject is not None]
    by_task = _task_scores(entries)
    scores = [a.subject["score"] for a in graded]
    interval = cluster_bootstrap([sum(v) for v in by_task.values()], [len(v) for v in by_task.values()])
    low, high = interval if interval else (None, None)
    area_cells: list[Any] = []
    for area in AREAS:
        values = [a.subject["areas"][area] for a in graded if area in a.subject["areas"]]
        area_cells += [_r(float(np.mean(values))) if values else None, len(values)]
    outcome = [passes(a.subject) if a.subject is not None else False for a in entries]  # errors fail
    per_task: dict[str, list[bool]] = defaultdict(list)
    for answer, ok in zip(entries, outcome):
        per_task[answer.task].append(ok)
    usable = {t: v for t, v in per_task.items() if len(v) >= k}
    pass_k = _r(np.mean([pass_at_k(len(v), sum(v), k) for v in usable.values()]), 3) if usable else None
    return [
        entries[0].model, len({a.task for a in entries}), len(graded), len(entries) - len(graded),
        _r(float(np.mean(scores))) if scores else None, _r(low), _r(high), *area_cells,
        _share([deployable(a.subject) for a in graded]), _share([fully_meets(a.subject) for a in graded]),
        _share(outcome), pass_k, len(usable),
    ]


def leaderboard(path: Path, k: int = 1, criterion: str = "fully-meets", by: str | None = None) -> tuple[list[str], list[list[Any]]]:
    """One row per model (per group and model with `by`), best mean score first."""
    passes = pass_criterion(criterion)
    headers = ["model", "tasks", "answers", "errors", "mean score", "ci95 low", "ci95 high"]
    for area in AREAS:
        headers += [area, f"{area} n"]
    headers += ["deployable share", "fully meets rubric", f"pass rate ({criterion})", f"pass@{k}", f"pass@{k} tasks"]
    rows = [([group] if by else []) + _model_row(entries, k, passes) for (group, _), entries in _grouped(path, by).items()]
    score = headers.index("mean score") + (1 if by else 0)
    rows.sort(key=lambda r: ((r[0] if by else ""), r[score] is None, -(r[score] or 0.0), r[1 if by else 0]))
    return ([by] if by else []) + headers, rows


def paired(path: Path, by: str | None = None) -> tuple[list[str], list[list[Any]]]:
    """Every pair of models (within a group): mean per-task score difference on shared tasks, with an interval."""
    groups = _grouped(path, by)
    per_group: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    for (group, model), entries in groups.items():
        task_means = {t: float(np.mean(v)) for t, v in _task_scores(entries).items()}
        if task_means:
            per_group[group][model] = task_means
    rows = []
    for group in sorted(per_group):
        models = per_group[group]
        overall = {m: float(np.mean(list(v.values()))) for m, v in models.items()}
        ranked = sorted(models, key=lambda m: (-overall[m], m))
        for i, a in enumerate(ranked):
            for b in ranked[i + 1:]:
                shared = sorted(set(models[a]) & set(models[b]))
                if not shared:
                    continue
                diffs = np.array([models[a][t] - models[b][t] for t in shared])
                interval = cluster_bootstrap(diffs, np.ones(len(diffs)))
                low, high = interval if interval else (None, None)
                rows.append(([group] if by else []) + [
                    a, b, len(shared), _r(np.mean([models[a][t] for t in shared])), _r(np.mean([models[b][t] for t in shared])),
                    _r(diffs.mean()), _r(low), _r(high)])
    headers = ["model a", "model b", "shared tasks", "mean a", "mean b", "difference", "ci95 low", "ci95 high"]
    return ([by] if by else []) + headers, rows


def writeup_name(row: dict[str, Any]) -> str:
    """The file name `grader report results.jsonl -o DIR` gives a row's write-up (safe, unique by key)."""
    return safe_name((row.get("task"), row.get("model"), row.get("sample")), row.get("key"))


def per_task(path: Path, criterion: str = "fully-meets") -> tuple[list[str], list[list[Any]]]:
    passes = pass_criterion(criterion)
    headers = ["task", "model", "sample", "platform", "score"] + list(AREAS) + [
        "deployable", "requirements met", f"pass ({criterion})", "error", "write-up"]
    rows = []
    for a in answers(read_rows(path)):
        platform = ((a.row.get("result") or {}).get("task") or {}).get("platform") or (a.row.get("meta") or {}).get("platform")
        if a.subject is None:
            rows.append([a.task, a.model, a.sample, platform, None] + [None] * len(AREAS)
                        + [None, None, False, a.row.get("error") or "error", None])
        else:
            rows.append([a.task, a.model, a.sample, platform, a.subject["score"]] + [a.subject["areas"].get(x) for x in AREAS]
                        + [deployable(a.subject), requirements_met(a.subject), passes(a.subject), None, writeup_name(a.row)])
    return headers, sorted(rows, key=lambda r: (str(r[0]), str(r[1]), r[2]))


def render(headers: list[str], rows: list[list[Any]], fmt: str) -> str:
    """CSV, JSON or a markdown table; model names and task ids come from the results file, so cells are made inert."""
    if fmt == "json":
        return json.dumps([dict(zip(headers, row)) for row in rows], indent=2) + "\n"
    if fmt == "markdown":
        cells = [[md_text(c) if isinstance(c, str) else c for c in row] for row in rows]
        return tabulate(cells, headers=headers, tablefmt="github") + "\n"
    if fmt != "csv":
        raise ValueError(f"unknown format {fmt!r} (csv, markdown or json)")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return buffer.getvalue()
