"""Rubrics: what the prompt requires, as an editable YAML file of requirements and checks."""

from __future__ import annotations

from ..ingest.task import Task
from .model import Rubric


def resolve_rubric(task: Task, path: str | None) -> Rubric | None:
    """The rubric a grade uses: the given file, else one derived from the task's prompt, else none."""
    if path:
        from .io import load_rubric

        return load_rubric(path)
    if task.prompt:
        from ..batch import cache
        from ..budgets import prompt_within
        from .derive import derive_rubric

        prompt, _ = prompt_within(task.prompt)  # the cut is reported by STR007

        def derive() -> Rubric:
            return derive_rubric(prompt, platform=task.platform, language=task.language)

        if cache.ACTIVE is None:
            return derive()
        return cache.ACTIVE.get_or_build("rubric", (prompt, task.platform or "", task.language or ""), derive)
    return None
