import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from grader.cli import app
from grader.report.docs import generated
from tests.conftest import ROOT, SAMPLES, validate

runner = CliRunner()


def grade(*args: str):
    return runner.invoke(app, ["grade", *args])


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()))
def test_every_sample_grades_to_valid_json(sample, output_schema):
    result = grade(str(SAMPLES / sample))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    validate(data, output_schema)
    assert data["subjects"], "a sample has at least one subject"
    assert all(s["files"] for s in data["subjects"])


def test_markdown_format_and_output_file(tmp_path):
    out = tmp_path / "report.md"
    result = grade(str(SAMPLES / "terraform-web"), "--format", "markdown", "-o", str(out))
    assert result.exit_code == 0
    assert out.read_text().startswith("#")


def test_same_input_gives_byte_identical_output():
    first = grade(str(SAMPLES / "terraform-web")).stdout
    assert first == grade(str(SAMPLES / "terraform-web")).stdout


def test_missing_path_is_a_one_line_error_with_exit_2():
    result = grade("/no/such/task")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "no such task folder" in result.stderr


def test_fail_under_makes_ci_fail():
    assert grade(str(SAMPLES / "terraform-web"), "--fail-under", "101").exit_code == 1
    assert grade(str(SAMPLES / "terraform-web"), "--fail-under", "0").exit_code == 0


def test_explicit_files(tmp_path):
    response = tmp_path / "answer.md"
    response.write_text('## main.tf\n```hcl\nresource "aws_vpc" "a" {}\n```\n')
    code = tmp_path / "main.tf"
    code.write_text('resource "aws_vpc" "b" {}\n')
    result = grade("--response", str(response), "--code", str(code))
    assert result.exit_code == 0, result.output
    names = [s["name"] for s in json.loads(result.stdout)["subjects"]]
    assert names == ["response", "code"]


@pytest.mark.parametrize("content", [
    b"",
    b"\x00\x01\x02binary\xff\xfe" * 100,
    ("## main.tf\n```hcl\n" + 'resource "aws_vpc" "a" { cidr_block = "10.0.0.0/16" }\n' * 90000 + "```\n").encode(),
    ("## main.tf\n```hcl\nlocals {\n x = " + "{" * 3000 + "\n```\n").encode(),
    ("## x.py\n```python\nx = " + "(" * 3000 + "\n```\n").encode(),
    "## main.tf\n```hcl\nresource \"aws_vpc\" \"ü\" { cidr_block = \"\u2603\" }\n```\n".encode("utf-8"),
])
def test_bad_input_never_tracebacks(tmp_path, content, output_schema):
    task = tmp_path / "task"
    task.mkdir()
    (task / "MODEL_RESPONSE.md").write_bytes(content)
    (task / "PROMPT.md").write_bytes(content[:2000])
    result = grade(str(task))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    validate(data, output_schema)
    if content.startswith(b"\x00"):  # an unreadable answer is graded as empty, carrying the finding that says why
        assert any(f["check"] == "STR007" and f["status"] == "fail" and "binary" in f["message"]
                   for f in data["subjects"][0]["findings"])


def test_hostile_file_names_never_escape(tmp_path):
    task = tmp_path / "task"
    task.mkdir()
    (task / "MODEL_RESPONSE.md").write_text('## File: ../../../../tmp/evil.tf\n```hcl\nvariable "a" {}\n```\n'
                                            '## File: /etc/passwd.tf\n```hcl\nvariable "b" {}\n```\n')
    result = grade(str(task))
    paths = [f["path"] for s in json.loads(result.stdout)["subjects"] for f in s["files"]]
    assert paths == ["tmp/evil.tf", "etc/passwd.tf"]
    assert not os.path.exists("/tmp/evil.tf")


def test_generated_docs_are_in_sync():
    stale = [p.name for p, text in generated(ROOT / "docs").items() if not p.exists() or p.read_text() != text]
    assert not stale, f"run `python tools/gen_docs.py`: {stale}"


def test_console_script_entry_point_runs():
    result = subprocess.run([sys.executable, "-m", "grader.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "grade" in result.stdout
