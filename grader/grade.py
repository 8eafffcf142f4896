"""Grade one task: build a Program per subject, run every check, score, and shape the result."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from typing import Any

from .batch import cache
from . import __version__
from .budgets import answer_problem, prompt_within
from .checks.base import AREAS, REGISTRY, Context, Finding, all_checks
from .checks.claims import judge
from .checks.select import Selection
from .ingest.markdown import extract
from .ingest.task import Task
from .ir import Deliverable, Program
from .parse import build_program

SEVERITY_WEIGHT = {"critical": 10.0, "high": 5.0, "medium": 3.0, "low": 1.0, "info": 0.0}
CREDIT = {"pass": 1.0, "partial": 0.5, "fail": 0.0}


BLOCKING_AREAS = ("structure", "deployability")
REQUIREMENT_SHARE = 0.6  # overall = 0.6 x requirements met + 0.4 x soundness (docs/scoring.md)


@dataclass
class Scores:
    overall: float
    requirements_met: float | None  # None: no requirement could be judged
    soundness: float
    deployable: bool
    counts: dict[str, int]
    areas: dict[str, float]


@dataclass
class Subject:
    name: str  # response | ideal | code
    program: Program
    findings: list[Finding]
    scores: Scores


def program_for(name: str, task: Task) -> Program | None:
    """The Program of one subject, or None when the task has no input for it (cached when a cache is active)."""
    if name == "code":
        if not task.code:
            return None
        problems = task.subject_problems("code")
        parts = tuple(f"{f.path}\0{f.language}\0{f.text}" for f in task.code) + tuple(problems) + tuple(task.other_files)
        return _cached("code", parts, lambda: build_program(
            task.code, Deliverable(source="files", problems=problems, other_files=task.other_files)))
    text = task.response if name == "response" else task.ideal
    if text is None:
        return None
    problems = task.subject_problems(name)
    return _cached("markdown", (text, *problems), lambda: _markdown_program(text, problems))


def _cached(kind: str, parts: tuple[str, ...], build):
    if cache.ACTIVE is None:
        return build()
    return cache.ACTIVE.get_or_build(kind, parts, build)


def _markdown_program(text: str, problems: list[str]) -> Program:
    problem = answer_problem(text)
    if problem:  # not handed to markdown-it: an STR007 finding instead
        return build_program([], Deliverable(source="markdown", problems=[*problems, f"{problem}; not graded"]))
    ex = extract(text)
    deliverable = Deliverable(
        source="markdown", unnamed_blocks=ex.unnamed, truncated=ex.truncated, prose_only=ex.prose_only,
        code_share=ex.code_share, used_trace=ex.used_trace, origins=ex.origins, mentioned=ex.mentioned,
        partial=ex.partial, problems=problems, tests=ex.tests,
    )
    return build_program(ex.files, deliverable)


def subject_text(name: str, task: Task) -> str:
    """The whole text of a subject, where evidence that the analysis missed can still be seen."""
    if name == "code":
        return "\n".join(f.text for f in task.code)
    return (task.response if name == "response" else task.ideal) or ""


def run_checks(program: Program, ctx: Context, rubric: Any = None, text: str = "") -> list[Finding]:
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
                    judge(finding, requirement, program, text)
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


def _weighted(findings: list[Finding]) -> tuple[float, float]:
    """(credit got, credit possible) over the judged findings; unknown and n/a do not count."""
    got = total = 0.0
    for f in findings:
        if f.status not in CREDIT:
            continue
        weight = SEVERITY_WEIGHT[f.severity] * f.weight
        got += weight * CREDIT[f.status]
        total += weight
    return got, total


def score(findings: list[Finding], program: Program | None = None) -> Scores:
    """Requirements met, soundness, deployable, and the overall score that combines them (docs/scoring.md).

    Requirements met is the weighted share of the rubric's judged requirements; soundness the weighted
    share of the always-on checks. An answer with no code meets no requirement. Overall is
    0.6 x requirements met + 0.4 x soundness, so an answer meeting none scores at most 40; when no
    requirement could be judged, overall is soundness capped at 50.
    """
    required = [f for f in findings if f.requirement]
    always = [f for f in findings if not f.requirement]
    got, total = _weighted(required)
    met: float | None = round(100 * got / total, 1) if total else None
    if program is not None and not any(f.language in ("hcl", "python") and f.parsed for f in program.files) \
            and program.deliverable.prose_only and required:
        met = 0.0  # prose alone meets nothing
    got, total = _weighted(always)
    soundness = round(100 * got / total, 1) if total else 100.0
    overall = round(REQUIREMENT_SHARE * met + (1 - REQUIREMENT_SHARE) * soundness, 1) if met is not None else min(soundness, 50.0)
    deployable = not any(f.status == "fail" and f.area in BLOCKING_AREAS and f.severity in ("critical", "high") for f in always)
    by_requirement: dict[str, set[str]] = {}
    for f in required:
        by_requirement.setdefault(f.requirement, set()).add(f.status)
    counts = {"met": 0, "partial": 0, "failed": 0, "not_judged": 0}
    for statuses in by_requirement.values():
        key = "failed" if "fail" in statuses else "partial" if "partial" in statuses else "met" if "pass" in statuses \
            else "not_judged" if "unknown" in statuses else None
        if key:
            counts[key] += 1
    areas: dict[str, float] = {}
    for area in AREAS:
        got, total = _weighted([f for f in findings if f.area == area])
        if total:
            areas[area] = round(100 * got / total, 1)
    return Scores(overall, met, soundness, deployable, counts, areas)


def grade_task(task: Task, rubric: Any = None, subjects: tuple[str, ...] = ("response", "ideal", "code"),
               selection: Selection = Selection()) -> dict[str, Any]:
    """The JSON-ready result for one task (see docs/output.schema.json); `selection` drops findings before scoring."""
    prompt, prompt_problem = prompt_within(task.prompt or "")
    ctx = Context(platform=task.platform, language=task.language, prompt=prompt, prompt_problem=prompt_problem)
    if rubric is not None and (rubric.select or rubric.skip):
        selection = selection.with_rubric(rubric.select, rubric.skip)
    out_subjects = []
    for name in subjects:
        program = program_for(name, task)
        if program is None:
            continue
        ctx.subject = name
        ctx.answer_text = subject_text(name, task)
        findings = run_checks(program, ctx, rubric, ctx.answer_text)
        if selection:
            findings = [f for f in findings if selection.keeps(f)]
        out_subjects.append(Subject(name, program, findings, score(findings, program)))
    return result_json(task, out_subjects, rubric)


def result_json(task: Task, subjects: list[Subject], rubric: Any = None) -> dict[str, Any]:
    from .report.labels import requirement_summary
    from .rubric.io import rubric_hash

    return {
        "schema_version": 2,
        "grader_version": __version__,
        "rubric_sha256": rubric_hash(rubric) if rubric is not None else None,
        "task": {"id": task.id, "path": task.path, "platform": task.platform, "language": task.language},
        "subjects": [
            {
                "name": s.name,
                "score": s.scores.overall,
                "requirements_met": s.scores.requirements_met,
                "soundness": s.scores.soundness,
                "deployable": s.scores.deployable,
                "requirements": s.scores.counts,
                "areas": s.scores.areas,
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
