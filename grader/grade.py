"""Grade one task: build a Program per subject, run every check, score, and shape the result."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from typing import Any

from .batch import cache
from . import __version__
from .checks.base import AREAS, REGISTRY, Context, Finding, all_checks
from .checks.select import Selection
from .ingest.markdown import extract
from .ingest.task import Task
from .ir import Deliverable, Program
from .parse import build_program

SEVERITY_WEIGHT = {"critical": 10.0, "high": 5.0, "medium": 3.0, "low": 1.0, "info": 0.0}
CREDIT = {"pass": 1.0, "partial": 0.5, "fail": 0.0}


@dataclass
class Subject:
    name: str  # response | ideal | code
    program: Program
    findings: list[Finding]
    score: float
    areas: dict[str, float]


def program_for(name: str, task: Task) -> Program | None:
    """The Program of one subject, or None when the task has no input for it (cached when a cache is active)."""
    if name == "code":
        if not task.code:
            return None
        parts = tuple(f"{f.path}\0{f.language}\0{f.text}" for f in task.code) + tuple(task.problems) + tuple(task.other_files)
        return _cached("code", parts, lambda: build_program(
            task.code, Deliverable(source="files", problems=list(task.problems), other_files=task.other_files)))
    text = task.response if name == "response" else task.ideal
    if text is None:
        return None
    return _cached("markdown", (text,), lambda: _markdown_program(text))


def _cached(kind: str, parts: tuple[str, ...], build):
    if cache.ACTIVE is None:
        return build()
    return cache.ACTIVE.get_or_build(kind, parts, build)


def _markdown_program(text: str) -> Program:
    ex = extract(text)
    deliverable = Deliverable(
        source="markdown", unnamed_blocks=ex.unnamed, truncated=ex.truncated, prose_only=ex.prose_only,
        code_share=ex.code_share, used_trace=ex.used_trace, origins=ex.origins, mentioned=ex.mentioned,
        partial=ex.partial,
    )
    return build_program(ex.files, deliverable)


def run_checks(program: Program, ctx: Context, rubric: Any = None) -> list[Finding]:
    findings: list[Finding] = []
    for check in all_checks():
        if check.rubric_driven:
            continue
        findings.extend(_guarded(check, lambda c=check: list(c.run(program, ctx))))
    if rubric is not None:
        for requirement in rubric.requirements:
            for spec in requirement.checks:
                cls = REGISTRY.get(spec.id)
                if cls is None or not cls.rubric_driven:
                    continue
                check = cls()
                produced = _guarded(check, lambda c=check, r=requirement, p=spec.params: list(c.evaluate(program, ctx, r, p)))
                for finding in produced:
                    finding.requirement = requirement.id
                    finding.area = requirement.area
                    if requirement.severity:
                        finding.severity = requirement.severity
                    finding.weight = requirement.weight
                findings.extend(produced)
    return sorted(findings, key=_order)


def _guarded(check, call) -> list[Finding]:
    """A crashing check reports `unknown` instead of sinking the whole grade."""
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - a rule bug must never lose the task
        return [check.finding("unknown", f"check {check.id} could not run: {type(exc).__name__}: {str(exc)[:120]}",
                              severity="info")]


def _order(f: Finding):
    first = f.locations[0] if f.locations else None
    return (AREAS.index(f.area), f.requirement or "", f.check, first.file if first else "", (first.line or 0) if first else 0, f.message)


def score(findings: list[Finding]) -> tuple[float, dict[str, float]]:
    """Severity- and weight-weighted share of credit; unknown and n/a findings do not count."""
    totals: dict[str, list[float]] = {}
    for f in findings:
        if f.status not in CREDIT:
            continue
        weight = SEVERITY_WEIGHT[f.severity] * f.weight
        if weight <= 0:
            continue
        bucket = totals.setdefault(f.area, [0.0, 0.0])
        bucket[0] += weight * CREDIT[f.status]
        bucket[1] += weight
    areas = {area: round(100 * got / total, 1) for area, (got, total) in totals.items() if total}
    got = sum(v[0] for v in totals.values())
    total = sum(v[1] for v in totals.values())
    return (round(100 * got / total, 1) if total else 0.0), {a: areas[a] for a in AREAS if a in areas}


def grade_task(task: Task, rubric: Any = None, subjects: tuple[str, ...] = ("response", "ideal", "code"),
               selection: Selection = Selection()) -> dict[str, Any]:
    """The JSON-ready result for one task (see docs/output.schema.json); `selection` drops findings before scoring."""
    ctx = Context(platform=task.platform, language=task.language, prompt=task.prompt or "")
    if rubric is not None and (rubric.select or rubric.skip):
        selection = selection.with_rubric(rubric.select, rubric.skip)
    out_subjects = []
    for name in subjects:
        program = program_for(name, task)
        if program is None:
            continue
        ctx.subject = name
        findings = run_checks(program, ctx, rubric)
        if selection:
            findings = [f for f in findings if selection.keeps(f)]
        total, areas = score(findings)
        out_subjects.append(Subject(name, program, findings, total, areas))
    return result_json(task, out_subjects, rubric)


def result_json(task: Task, subjects: list[Subject], rubric: Any = None) -> dict[str, Any]:
    from .report.labels import requirement_summary
    from .rubric.io import rubric_hash

    return {
        "schema_version": 1,
        "grader_version": __version__,
        "rubric_sha256": rubric_hash(rubric) if rubric is not None else None,
        "task": {"id": task.id, "path": task.path, "platform": task.platform, "language": task.language},
        "subjects": [
            {
                "name": s.name,
                "score": s.score,
                "areas": s.areas,
                "files": [{"path": f.path, "language": f.language, "parsed": f.parsed} for f in s.program.files],
                "findings": [f.to_json() for f in s.findings],
            }
            for s in subjects
        ],
        "requirements": [requirement_summary(r) for r in (rubric.requirements if rubric is not None else [])],
    }


class _CallableModule(types.ModuleType):
    """`grader.grade` is both this module and the API function `grader.api.grade` (see docs/api.md)."""

    def __call__(self, *args, **kwargs):
        from .api import grade

        return grade(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
