"""A promptfoo Python assertion: `get_assert(output, context) -> {"pass", "score", "reason"}`.

In promptfooconfig.yaml, point a `python` assertion at a file that re-exports it:

    # iac_assert.py
    from grader.integrations.promptfoo import get_assert

    assert:
      - type: python
        value: file://iac_assert.py
        config: {fail_under: 70}          # optional; also `rubric: path/to/rubric.yaml`

The output is graded as a markdown answer, with a rubric derived from the rendered prompt
(`context["prompt"]`) unless `config.rubric` names one. `score` is the grader's score / 100;
`pass` is score >= `fail_under` (default 70, on the 0-100 scale).
"""

from __future__ import annotations

from typing import Any

from ..ingest.task import InputError
from ._common import explain, grade_answer

DEFAULT_FAIL_UNDER = 70.0


def get_assert(output: str, context: dict[str, Any]) -> dict[str, Any]:
    config = context.get("config") or {}
    try:
        result = grade_answer(str(output or ""), prompt=context.get("prompt"), rubric=config.get("rubric"))
    except InputError as exc:
        return {"pass": False, "score": 0.0, "reason": f"iac-grader: {exc}"}
    fail_under = float(config.get("fail_under", DEFAULT_FAIL_UNDER))
    return {
        "pass": result.score >= fail_under,
        "score": round(result.score / 100, 4),
        "reason": explain(result) + f"\n(pass at {fail_under:g} or more)",
        "namedScores": {area: value / 100 for area, value in result.areas.items()},
    }
