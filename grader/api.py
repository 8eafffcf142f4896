"""The Python API: `grader.grade(path | Task, rubric=None) -> Result`, the same result as `grader grade`.

    import grader
    result = grader.grade("samples/seed-terraform")
    result.score, result.areas, result.to_json()

See docs/api.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from .checks.select import Selection, parse_selectors
from .ingest.task import InputError, Task, load_task, nothing_to_grade, settle_platform
from .ir import SourceFile
from .rubric.model import Rubric

BAD = ("fail", "partial")


class Result:
    """One graded task: the JSON result (`data`, see docs/output.schema.json) and the rubric used."""

    def __init__(self, data: dict[str, Any], rubric: Rubric | None = None):
        self.data = data
        self.rubric = rubric

    @property
    def subjects(self) -> list[dict[str, Any]]:
        return self.data["subjects"]

    def subject(self, name: str | None = None) -> dict[str, Any] | None:
        """The named subject; without a name the response, else the first graded subject."""
        by_name = {s["name"]: s for s in self.subjects}
        if name is not None:
            return by_name.get(name)
        return by_name.get("response") or (self.subjects[0] if self.subjects else None)

    @property
    def score(self) -> float:
        """Score (0-100) of the default subject (see `subject()`)."""
        subject = self.subject()
        return subject["score"] if subject else 0.0

    @property
    def areas(self) -> dict[str, float]:
        subject = self.subject()
        return dict(subject["areas"]) if subject else {}

    def failed(self, subject: str | None = None) -> list[dict[str, Any]]:
        """Failing and partial findings of a subject (default as in `subject()`)."""
        chosen = self.subject(subject)
        return [f for f in chosen["findings"] if f["status"] in BAD] if chosen else []

    def to_json(self) -> str:
        """Exactly what `grader grade --format json` prints."""
        return json.dumps(self.data, indent=2, sort_keys=False) + "\n"


def make_task(response: str | None = None, prompt: str | None = None, ideal: str | None = None,
              code: dict[str, str] | None = None, metadata: dict | None = None, id: str = "task") -> Task:
    """A Task from text in memory (`code` maps paths to text, in the order a folder walk gives them);
    the platform is read from `metadata` or inferred, as for a folder."""
    from .ingest.markdown import LANG_BY_EXT, clean_path

    files = [SourceFile(clean_path(path), LANG_BY_EXT.get(Path(path).suffix, "text"), text) for path, text in (code or {}).items()]
    task = Task(id=id, path="", prompt=prompt, response=response, ideal=ideal, code=files, metadata=dict(metadata or {}))
    return settle_platform(task)


def load_rubric_for(task: Task, rubric: str | Path | Rubric | None) -> Rubric | None:
    """The rubric to grade with: a file or Rubric (linted: an unknown check or parameter raises), else derived."""
    from .rubric import resolve_rubric
    from .rubric.io import RubricError, load_rubric
    from .rubric.lint import problems

    if rubric is None:
        return resolve_rubric(task, None)
    used = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    errors, _ = problems(used)
    if errors:
        raise RubricError.listing(str(rubric) if not isinstance(rubric, Rubric) else "rubric", errors)
    return used


def selection_for(checks: Iterable[str] = (), skip_checks: Iterable[str] = (),
                  baseline: str | Path | None = None) -> Selection:
    """What to keep: `checks`, minus `skip_checks` and a baseline (grading adds the rubric's `select` and `skip`)."""
    from .baseline import load_baseline

    return Selection(only=parse_selectors(checks), skip=parse_selectors(skip_checks),
                     baseline=load_baseline(baseline) if baseline else frozenset())


def grade(task: str | Path | Task, rubric: str | Path | Rubric | None = None, *, checks: Iterable[str] = (),
          skip_checks: Iterable[str] = (), baseline: str | Path | None = None, only_failed: bool = False) -> Result:
    """Grade a task folder, an answer file or a Task; raises InputError (a one-line reason) on unusable input."""
    from .checks.select import SelectorError
    from .grade import grade_task

    if isinstance(task, Task):
        if task.platform is None:
            settle_platform(task)
    else:
        task = load_task(str(task))
    used = load_rubric_for(task, rubric)
    try:
        selection = selection_for(checks, skip_checks, baseline)
    except SelectorError as exc:
        raise InputError(str(exc)) from exc
    data = grade_task(task, used, selection=selection)
    if not data["subjects"]:
        raise InputError(nothing_to_grade(task))
    if only_failed:
        data = keep_failed(data)
    return Result(data, used)


def keep_failed(data: dict[str, Any]) -> dict[str, Any]:
    """The result with only failing and partial findings (scores are unchanged: they were computed on all)."""
    subjects = [{**s, "findings": [f for f in s["findings"] if f["status"] in BAD]} for s in data["subjects"]]
    return {**data, "subjects": subjects}
