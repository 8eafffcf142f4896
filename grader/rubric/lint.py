"""`grader rubric validate`: what the schema cannot say about a rubric."""

from __future__ import annotations

from ..checks.base import REGISTRY, all_checks
from .model import Rubric


def lint(rubric: Rubric) -> list[str]:
    """Problems, one line each (empty when the rubric is usable)."""
    all_checks()
    problems: list[str] = []
    seen: set[str] = set()
    for req in rubric.requirements:
        where = f"requirement {req.id}" + (f" (prompt line {req.line})" if req.line else "")
        if req.id in seen:
            problems.append(f"{where}: duplicate requirement id")
        seen.add(req.id)
        if not req.checks:
            problems.append(f"{where}: has no check, so it can never pass or fail")
        for spec in req.checks:
            cls = REGISTRY.get(spec.id)
            if cls is None:
                problems.append(f"{where}: check {spec.id} does not exist")
            elif not cls.rubric_driven:
                problems.append(f"{where}: check {spec.id} always runs; it cannot be tied to a requirement")
            else:
                unknown = sorted(set(spec.params) - set(cls.params))
                if unknown:
                    problems.append(f"{where}: check {spec.id} has no parameter {', '.join(unknown)}")
    weights = [r.weight for r in rubric.requirements]
    if weights and sum(weights) == 0:
        problems.append("all weights are 0: the rubric cannot score anything")
    elif weights and max(weights) > 20 * max(min(w for w in weights if w > 0), 1e-9):
        problems.append("one requirement outweighs another more than 20 to 1; check the weights")
    return problems
