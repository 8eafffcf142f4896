"""What both adapters do: grade one model answer against a prompt, and explain the score in a few lines."""

from __future__ import annotations

from pathlib import Path
from ..api import Result, grade, make_task


def grade_answer(answer: str, prompt: str | None = None, rubric: str | Path | None = None) -> Result:
    """Grade a markdown answer as the `response` of a task whose rubric is derived from `prompt` (or given)."""
    return grade(make_task(response=answer, prompt=prompt), rubric)


def explain(result: Result, limit: int = 8) -> str:
    """Score, per-area scores and the most severe failing findings, one per line."""
    from ..report.markdown import SEVERITY_RANK

    areas = ", ".join(f"{area} {value:g}" for area, value in result.areas.items())
    lines = [f"iac-grader score {result.score:g}/100" + (f" ({areas})" if areas else "")]
    failed = sorted(result.failed(), key=lambda f: SEVERITY_RANK[f["severity"]])
    for finding in failed[:limit]:
        lines.append(f"- {finding['severity']} {finding['check']}: {finding['message']}")
    if len(failed) > limit:
        lines.append(f"- ... and {len(failed) - limit} more")
    return "\n".join(lines)
