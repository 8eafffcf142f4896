"""The rubric linter (`grader rubric validate`, and before every `grade` / `batch`): what the schema cannot say."""

from __future__ import annotations

from ..checks.base import REGISTRY, all_checks
from .model import Rubric


def _where(rubric: Rubric, req) -> str:
    name, line = rubric._sources.get(req.id, (None, None))
    prompt = f", prompt line {req.line}" if req.line else ""
    yaml_at = f"{name} line {line}: " if name and line else ""
    return f"{yaml_at}requirement {req.id}" + (f" ({prompt[2:]})" if prompt else "")


def problems(rubric: Rubric) -> tuple[list[str], list[str]]:
    """(errors, warnings), one line each. Errors make a rubric unusable: `grade` and `batch` refuse it."""
    all_checks()
    errors: list[str] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for req in rubric.requirements:
        where = _where(rubric, req)
        if req.id in seen:
            errors.append(f"{where}: duplicate requirement id")
        seen.add(req.id)
        if not req.checks:
            warnings.append(f"{where}: has no check, so it can never pass or fail")
        for spec in req.checks:
            cls = REGISTRY.get(spec.id)
            if cls is None:
                errors.append(f"{where}: check {spec.id} does not exist")
            elif not cls.rubric_driven:
                errors.append(f"{where}: check {spec.id} always runs; it cannot be tied to a requirement")
            else:
                unknown = sorted(set(spec.params) - set(cls.params))
                if unknown:
                    errors.append(f"{where}: check {spec.id} has no parameter {', '.join(unknown)}"
                                  f" (it reads: {', '.join(sorted(cls.params)) or 'none'})")
    from ..checks.select import SelectorError, parse_selectors

    for key in ("select", "skip"):
        for selector in getattr(rubric, key):
            try:
                parse_selectors([selector])
            except SelectorError as exc:
                errors.append(f"{key}: {exc}")
    weights = [r.weight for r in rubric.requirements]
    if weights and sum(weights) == 0:
        errors.append("all weights are 0: the rubric cannot score anything")
    elif weights and max(weights) > 20 * max(min(w for w in weights if w > 0), 1e-9):
        warnings.append("one requirement outweighs another more than 20 to 1; check the weights")
    return errors, warnings


def lint(rubric: Rubric) -> list[str]:
    """Every problem, errors first (empty when the rubric is clean)."""
    errors, warnings = problems(rubric)
    return errors + warnings
