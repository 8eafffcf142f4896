"""Rubric files: pydantic models (the JSON Schema in docs/rubric.schema.json is generated from them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from ..report.model import Area


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckSpec(_Strict):
    """One check that judges a requirement, with the parameters it reads."""

    id: str = Field(description="A registered check id, e.g. REQ010.")
    params: dict[str, Any] = Field(default_factory=dict, description="Check parameters (see the check catalogue).")


class Requirement(_Strict):
    id: str = Field(description="Unique within the rubric, e.g. R03-region.")
    area: Area
    text: str = Field(description="What the prompt requires, in the prompt's words.")
    line: int | None = Field(default=None, description="Line of PROMPT.md the requirement comes from.")
    severity: Literal["critical", "high", "medium", "low", "info"] = "medium"
    weight: float = Field(default=1.0, ge=0, le=10)
    polarity: Literal["required", "forbidden", "optional", "alternatives"] = Field(
        default="required",
        description="required: must be present; forbidden: the prompt excludes it, so it must be absent; "
                    "optional: credited when present, never a failure when absent; alternatives: one of several "
                    "options the prompt offers (the check's `any_of`) is enough.")
    confidence: Literal["high", "low"] = Field(
        default="high",
        description="How surely the prompt asks for this. A low-confidence requirement never fails: when the "
                    "code does not meet it, it is reported as not judged, with `reading` as the reason.")
    reading: str = Field(default="", description="Why the polarity or confidence is what it is, in a few words.")
    checks: list[CheckSpec] = Field(default_factory=list)


class Rubric(_Strict):
    version: Literal[1] = 1
    title: str = ""
    include: list[str] = Field(default_factory=list, description="Packs shipped with the grader (by name) or files to merge in.")
    platform: str | None = None
    language: str | None = None
    select: list[str] = Field(default_factory=list, description="Keep only findings of these check ids, areas or severities.")
    skip: list[str] = Field(default_factory=list, description="Drop findings of these check ids, areas or severities.")
    requirements: list[Requirement] = Field(default_factory=list)
    _sources: dict[str, tuple[str, int | None]] = PrivateAttr(default_factory=dict)  # requirement id -> (file, YAML line)


def json_schema() -> dict:
    """The rubric schema, with every rubric-driven check's id and typed parameters."""
    from ..checks.base import all_checks
    from .params import check_params_schema

    schema = Rubric.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "grader rubric"
    driven = [c for c in all_checks() if c.rubric_driven]
    spec = schema["$defs"]["CheckSpec"]
    spec["properties"]["id"]["enum"] = [c.id for c in driven]
    spec["allOf"] = [check_params_schema(c.id, c.params) for c in driven]
    return schema
