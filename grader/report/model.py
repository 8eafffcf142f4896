"""The published JSON output contract (schema_version 2). docs/output.schema.json is generated from these models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Area = Literal["structure", "deployability", "region", "networking", "compute", "storage", "database", "security",
               "encryption", "monitoring", "tagging", "outputs", "error-handling", "conventions", "security-baseline"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LocationOut(_Strict):
    file: str
    line: int | None


class FindingOut(_Strict):
    check: str
    area: Area
    status: Literal["fail", "partial", "pass", "unknown", "n/a"]
    severity: Literal["critical", "high", "medium", "low", "info"]
    requirement: str | None
    message: str
    locations: list[LocationOut]
    found: str | None = None  # the value found, for summary tables (optional, additive)


class FileOut(_Strict):
    path: str
    language: str
    parsed: bool


class CountsOut(_Strict):
    """How the rubric's requirements came out for one subject."""

    met: int
    partial: int
    failed: int
    not_judged: int


class SubjectOut(_Strict):
    name: Literal["response", "ideal", "code"]
    score: float = Field(ge=0, le=100, description="Overall: 0.6 x requirements_met + 0.4 x soundness (see docs/scoring.md).")
    requirements_met: float | None = Field(ge=0, le=100, description="Weighted share of the judged prompt requirements met; "
                                           "null when the rubric has none that could be judged.")
    soundness: float = Field(ge=0, le=100, description="Weighted share of the always-on structure, deployability and convention checks passed.")
    deployable: bool = Field(description="No critical or high failure in structure or deployability.")
    requirements: CountsOut
    areas: dict[Area, float]
    files: list[FileOut]
    findings: list[FindingOut]


class TaskOut(_Strict):
    id: str
    path: str
    platform: str | None
    language: str | None


class RequirementOut(_Strict):
    """What the rubric asked, so a result can be rendered without the rubric file (optional, additive)."""

    id: str
    area: Area
    label: str
    required: str
    text: str
    line: int | None
    weight: float | None = None  # the requirement's weight in the score (optional, additive)
    polarity: Literal["required", "forbidden", "optional", "alternatives"] = "required"
    confidence: Literal["high", "low"] = "high"


class Result(_Strict):
    schema_version: Literal[2]
    grader_version: str | None = None  # the grader that produced the result (optional, additive)
    rubric_sha256: str | None = None  # sha256 of the rubric used, as YAML after includes (optional, additive)
    generated_at: str | None = None  # UTC time, only with `grade --timestamp` (default output stays byte-identical)
    task: TaskOut
    subjects: list[SubjectOut]
    requirements: list[RequirementOut] = []


def json_schema() -> dict:
    schema = Result.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "grader result"
    return schema
