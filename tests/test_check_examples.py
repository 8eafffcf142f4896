"""Every check's documented failing example must fail, and its passing example must not.

The examples are the ones in docs/checks.md, so the catalogue cannot drift from the engine.
"""

import pytest

from grader.checks.base import REGISTRY, Context, all_checks
from grader.grade import program_for
from grader.ingest.task import Task
from tests.conftest import program_of

all_checks()
EXAMPLE_CHECKS = sorted(cid for cid, cls in REGISTRY.items() if not cls.rubric_driven and cls.example != "files")


def findings_for(check_id: str, text: str):
    cls = REGISTRY[check_id]
    ctx = Context(platform=cls.example_platform, prompt=cls.example_prompt)
    if cls.example == "markdown":
        program = program_for("response", Task(id="t", path="", response=text))
    elif cls.example == "python":
        program = program_of({"lib/tap_stack.py": text})
    else:
        program = program_of({"main.tf": text})
    return list(cls().run(program, ctx))


@pytest.mark.parametrize("check_id", EXAMPLE_CHECKS)
def test_bad_example_fails(check_id):
    findings = findings_for(check_id, REGISTRY[check_id].bad)
    assert any(f.status == "fail" and f.check == check_id for f in findings), findings


@pytest.mark.parametrize("check_id", EXAMPLE_CHECKS)
def test_good_example_does_not_fail(check_id):
    findings = findings_for(check_id, REGISTRY[check_id].good)
    assert not [f for f in findings if f.status == "fail"], findings


def test_every_check_has_docs():
    for cid, cls in REGISTRY.items():
        assert cls.description and cls.bad and cls.good and cls.fix, cid
