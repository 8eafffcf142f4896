"""An inspect_ai scorer: `from grader.integrations.inspect_ai import iac_grader`.

    Task(dataset=..., solver=generate(), scorer=iac_grader())

The model's completion is graded as a markdown answer; the rubric is derived from the sample's
input (the prompt) unless `rubric` names a rubric file. The score's value is the grader's score
(0-100); metadata holds the per-area scores and the failing findings; the explanation lists the
most severe of them. Needs the `inspect` extra: `pip install "iac-grader[inspect]"`.
"""

from __future__ import annotations

from pathlib import Path

from inspect_ai.scorer import Score, Target, mean, scorer, stderr
from inspect_ai.solver import TaskState

from ._common import explain, grade_answer


@scorer(metrics=[mean(), stderr()])
def iac_grader(rubric: str | Path | None = None):
    """Score a completion with iac-grader (value 0-100)."""

    async def score(state: TaskState, target: Target) -> Score:
        result = grade_answer(state.output.completion, prompt=state.input_text, rubric=rubric)
        return Score(
            value=result.score,
            answer=state.output.completion[:200],
            explanation=explain(result),
            metadata={"areas": result.areas, "failed": [f"{f['check']}: {f['message']}" for f in result.failed()],
                      "grader_version": result.data["grader_version"], "rubric_sha256": result.data["rubric_sha256"]},
        )

    return score
