"""Shared helpers: build a Program from inline sources, grade a folder, validate against the schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from grader.checks.base import Context, REGISTRY, all_checks
from grader.ir import Program, SourceFile
from grader.parse import build_program

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def program_of(files: dict[str, str]) -> Program:
    sources = []
    for path, text in files.items():
        language = "hcl" if path.endswith((".tf", ".tfvars")) else "python" if path.endswith(".py") else "yaml"
        sources.append(SourceFile(path, language, text))
    return build_program(sources)


def run_check(check_id: str, files: dict[str, str], ctx: Context | None = None):
    all_checks()
    check = REGISTRY[check_id]()
    return list(check.run(program_of(files), ctx or Context()))


def statuses(findings) -> set[str]:
    return {f.status for f in findings}


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session")
def output_schema():
    return json.loads((ROOT / "docs" / "output.schema.json").read_text())


def validate(result: dict, schema: dict) -> None:
    jsonschema.validate(result, schema)
