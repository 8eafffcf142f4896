"""Checks are small registered rules over the Program (and the rubric, for prompt-grounded ones).

A check has an id, a name, an area, a severity and a docs entry (what, why, a failing and a
passing example, the fix). `run` yields Findings. The registry is filled by importing the
rule modules (see `grader.checks.__init__`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar, Iterator

from ..ir import Location, Program, Resource

if TYPE_CHECKING:
    from ..rubric.model import Requirement

AREAS = (
    "structure", "deployability", "region", "networking", "compute", "storage", "database", "security",
    "encryption", "monitoring", "tagging", "outputs", "error-handling", "conventions", "security-baseline",
)
SEVERITIES = ("critical", "high", "medium", "low", "info")
STATUSES = ("fail", "partial", "pass", "unknown", "n/a")


@dataclass
class Finding:
    check: str
    area: str
    status: str
    severity: str
    message: str
    locations: list[Location] = field(default_factory=list)
    requirement: str | None = None
    found: str | None = None  # the value found, for summary tables ("us-east-2")
    weight: float = 1.0  # the rubric requirement's weight
    absent: tuple[str, ...] | None = None  # set on "missing" claims: the resource types claimed absent (see claims.py)

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "area": self.area,
            "status": self.status,
            "severity": self.severity,
            "requirement": self.requirement,
            "message": self.message,
            "locations": [{"file": loc.file, "line": loc.line} for loc in self.locations],
            "found": self.found,
        }


@dataclass
class Context:
    """What a check may read besides the Program: the task's platform and prompt literals."""

    platform: str | None = None
    language: str | None = None
    prompt: str = ""
    subject: str = "code"  # response | ideal | code
    prompt_problem: str = ""  # the prompt is over its limit: only its start was read (grader.budgets)
    answer_text: str = ""  # the subject's whole text (prose and instructions too), for what is set outside the code


class Check:
    """Base class of every rule. Subclasses set the class attributes and implement `run`."""

    id: ClassVar[str]
    name: ClassVar[str]
    area: ClassVar[str]
    severity: ClassVar[str]
    description: ClassVar[str]  # one line: what it looks for
    why: ClassVar[str] = ""
    fix: ClassVar[str] = ""
    bad: ClassVar[str] = ""  # a failing example (tests run it: it must fail)
    good: ClassVar[str] = ""  # a passing example (tests run it: it must not fail)
    example: ClassVar[str] = "hcl"  # how bad/good are read: hcl (main.tf), python (lib/tap_stack.py), markdown (an answer)
    example_platform: ClassVar[str | None] = None  # the task platform the examples assume
    example_prompt: ClassVar[str] = ""  # the prompt the examples assume
    rubric_driven: ClassVar[bool] = False  # runs once per rubric requirement that names it
    params: ClassVar[dict[str, str]] = {}  # rubric parameters it reads, with their meaning

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        raise NotImplementedError

    def evaluate(self, program: Program, ctx: Context, requirement: "Requirement", params: dict[str, Any]) -> Iterator[Finding]:
        """Rubric-driven checks: judge one requirement (with the check's `params`) against the program."""
        raise NotImplementedError

    def finding(self, status: str, message: str, locations: list[Location] | None = None,
                severity: str | None = None, found: str | None = None, requirement: str | None = None) -> Finding:
        return Finding(self.id, self.area, status, severity or self.severity, message, list(locations or []),
                       requirement, found)

    def missing(self, message: str, types: tuple[str, ...] = (), status: str = "fail", found: str | None = "No",
                locations: list[Location] | None = None) -> Finding:
        """A claim that something is absent: it stands only when the evidence of absence holds (see claims.py)."""
        f = self.finding(status, message, locations, found=found)
        f.absent = tuple(types)
        return f


REGISTRY: dict[str, type[Check]] = {}


def register(cls: type[Check]) -> type[Check]:
    if cls.id in REGISTRY:
        raise ValueError(f"check id {cls.id} registered twice")
    assert cls.area in AREAS, cls.area
    assert cls.severity in SEVERITIES, cls.severity
    REGISTRY[cls.id] = cls
    return cls


def all_checks() -> list[Check]:
    from . import load_all

    load_all()
    return [REGISTRY[key]() for key in sorted(REGISTRY)]


@lru_cache(maxsize=256)
def python_tree(text: str) -> ast.Module | None:
    """A delivered Python file read with the standard library's `ast` (never run), once however many checks ask;
    None when it does not parse."""
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return None


# A value resolved through variables is the one the answer deploys with unless someone overrides it: the deliverable's
# own defaults (or the single tfvars file it ships). A value those defaults break is a defect of the answer as delivered.
AS_DELIVERED = " with the values its variables take as delivered"
WHEN_CREATED = " whenever it is created (its count or for_each decides)"


def resource_list(resources: list[Resource], n: int = 3) -> str:
    """"`a`, `b`, `c` and 2 more": the resources a finding names, with the construct that made a synthesized one."""
    shown = ", ".join(f"`{r.address}`" + (f" (made by `{r.synthesized_from}`)" if r.synthesized_from else "") for r in resources[:n])
    return shown + (f" and {len(resources) - n} more" if len(resources) > n else "")


# A prompt that asks for current, warning-free code: then what only warns today (a deprecated argument, a provider
# warning) fails; otherwise it is advice, not counted.
CURRENT_CODE_ASKED = re.compile(r"deprecat|latest (?:provider|api|syntax)|current (?:syntax|best practice)|\b(?:no|without|zero) (?:any )?(?:provider |terraform )?warnings\b", re.I)


def value_claim(literal: bool, surely_created: bool = True) -> tuple[str, str]:
    """(status, qualifier) of a value that breaks a service rule: fail, naming the variables when they supplied it;
    unknown only when the resource may not be created at all."""
    if not surely_created:
        return "unknown", WHEN_CREATED
    return "fail", "" if literal else AS_DELIVERED
