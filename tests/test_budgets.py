"""Analysis limits (grader.budgets) and process limits (grader.isolation): findings, never crashes."""

from __future__ import annotations

import faulthandler
import os
import signal
import subprocess
import sys
import time

import pytest

from grader import budgets, isolation
from grader.batch.items import collect
from grader.batch.runner import read_rows, run_batch
from grader.grade import grade_task
from grader.ingest.task import Task
from grader.rubric import resolve_rubric

from .conftest import ROOT, program_of, validate

CHAINS = {  # every shape the issue found crashing or blowing up, as a function of its length
    "not": lambda n: "x = " + "not " * n + "y\n",
    "unary minus": lambda n: "x = " + "-" * n + "1\n",
    "lambda": lambda n: "f = " + "lambda: " * n + "0\n",
    "binary operators": lambda n: "x = " + " + ".join(["a"] * n) + "\n",
    "attributes": lambda n: "x = a" + ".b" * n + "\n",
    "calls": lambda n: "x = f" + "()" * n + "\n",
    "subscripts": lambda n: "x = a" + "[0]" * n + "\n",
    "conditionals": lambda n: "x = " + "1 if a else " * n + "0\n",
    "powers": lambda n: "x = " + " ** ".join(["2"] * n) + "\n",
    "brackets": lambda n: "x = " + "(" * n + "1" + ")" * n + "\n",
}


@pytest.mark.parametrize("shape", sorted(CHAINS))
def test_a_python_chain_beyond_the_depth_limit_is_a_finding_and_one_within_it_parses(shape):
    deep = program_of({"deep.py": CHAINS[shape](budgets.MAX_DEPTH + 50)})
    assert len(deep.deliverable.problems) == 1
    assert deep.deliverable.problems[0].startswith("deep.py: file too deeply nested to analyse: depth ")
    assert f"> {budgets.MAX_DEPTH}; not graded" in deep.deliverable.problems[0]
    assert not deep.files[0].parsed and not deep.python
    shallow = program_of({"ok.py": CHAINS[shape](budgets.MAX_DEPTH // 4)})
    assert shallow.deliverable.problems == [] and shallow.files[0].parsed


def test_hcl_nested_conditionals_and_brackets_are_findings():
    conditional = "locals {\n  x = " + "var.a ? 1 : " * 3000 + "0\n}\n"
    brackets = "locals {\n  x = " + "[" * 300 + "1" + "]" * 300 + "\n}\n"
    p = program_of({"cond.tf": conditional, "br.tf": brackets, "ok.tf": 'locals {\n  x = var.a ? [1] : [var.b.c]\n}\n'})
    assert p.deliverable.problems == [
        "cond.tf: file too deeply nested to analyse: depth 6,001 > 200; not graded",
        "br.tf: file too deeply nested to analyse: depth 301 > 200; not graded",
    ]
    assert [f.parsed for f in p.files] == [False, False, True] and "x" in str(p.locals)


def test_depth_counts_code_only_not_strings_comments_or_heredocs():
    text = '"""' + "a.b + c " * 2000 + '"""\n# ' + "x." * 2000 + "\ns = 'a.b.c' + \"d.e\"\n"
    assert budgets.scan(text, "python")[0] == 1
    hcl = 'locals {\n  policy = <<EOF\n' + "a.b.c ? d : e\n" * 500 + 'EOF\n  n = "${a.b}"\n}\n'
    assert budgets.scan(hcl, "hcl")[0] == 1
    assert budgets.scan("x = f(a.b, c.d.e)\n", "python") == (4, 15)  # depth: f( + c . d . e
    assert budgets.scan("x = [a.b,\n c.d]\ny = 1\n", "python")[0] == 2


def test_size_and_line_limits(monkeypatch):
    monkeypatch.setattr(budgets, "MAX_CODE_LINES", 100)
    p = program_of({"long.py": "x = 1\n" * 150, "short.py": "x = 1\n" * 50})
    assert p.deliverable.problems == ["long.py: file too long to analyse: 151 lines > 100; not graded"]
    monkeypatch.setattr(budgets, "MAX_TOKENS", 1000)
    p = program_of({"dense.py": "x = [" + "1, " * 600 + "]\n", "sparse.py": "x = [" + "1, " * 400 + "]\n"})
    assert p.deliverable.problems == ["dense.py: file too large to analyse: 1,205 tokens > 1,000; not graded"]
    monkeypatch.setattr(budgets, "MAX_CODE_BYTES", 200)
    assert program_of({"big.tf": "# " + "x" * 300}).deliverable.problems == [
        "big.tf: file too large to analyse: 302 characters > 200; not graded"]


def _task(**kw) -> Task:
    return Task(id="t", path="t", platform="terraform", language="hcl", **kw)


def _str007(result, subject="response"):
    found = next(s for s in result["subjects"] if s["name"] == subject)["findings"]
    return [(f["status"], f["message"]) for f in found if f["check"] == "STR007"]


def test_an_answer_with_too_many_fences_is_a_finding_not_extracted(output_schema):
    many = "".join(f"```hcl\nlocals {{ a{i} = {i} }}\n```\n" for i in range(budgets.MAX_FENCES // 2 + 1))
    result = grade_task(_task(response=many))
    validate(result, output_schema)
    assert _str007(result) == [("fail", f"answer has too many code fences to analyse: "
                                        f"{budgets.MAX_FENCES + 2:,} fence lines > {budgets.MAX_FENCES:,}; not graded")]
    fine = grade_task(_task(response="".join(f"```hcl\nlocals {{ a{i} = {i} }}\n```\n" for i in range(20))))
    assert _str007(fine) == [] and fine["subjects"][0]["files"]


def test_a_prompt_over_its_limit_is_read_in_part_and_noted(monkeypatch, output_schema):
    monkeypatch.setattr(budgets, "MAX_PROMPT_BYTES", 1000)
    prompt = "Enable versioning on the S3 bucket.\n\n" + "Lorem ipsum dolor sit amet. " * 100 + "\n\nUse a KMS key.\n"
    task = _task(prompt=prompt, response='```hcl\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n```\n')
    rubric = resolve_rubric(task, None)
    keys = " ".join(r.id for r in rubric.requirements)
    assert "versioning" in keys and "kms" not in keys  # the KMS sentence is past the first 1,000 characters
    result = grade_task(task, rubric)
    validate(result, output_schema)
    assert _str007(result) == [("unknown", f"PROMPT.md: prompt too large to read whole: {len(prompt):,} characters > 1,000; "
                                           "the rubric and checks used its first 1,000")]
    monkeypatch.setattr(budgets, "MAX_PROMPT_BYTES", 10_000)
    assert _str007(grade_task(task, resolve_rubric(task, None))) == []


def test_a_one_line_prompt_at_the_limit_derives_in_linear_time():
    from grader.rubric.derive import derive_rubric

    line = "Create an S3 bucket with versioning and encryption and no public access, "
    timings = []
    for n in (budgets.MAX_PROMPT_BYTES // 4, budgets.MAX_PROMPT_BYTES // 2):
        started = time.perf_counter()
        derive_rubric((line * (n // len(line) + 1))[:n])
        timings.append(time.perf_counter() - started)
    assert timings[1] < 4 * timings[0] + 0.5  # doubling the size must not quadruple the time


# ---- process limits ------------------------------------------------------------------------

def test_run_limited_returns_the_result_or_says_why_not():
    assert isolation.run_limited(lambda: {"a": [1, 2]}, 30, 512) == {"a": [1, 2]}
    with pytest.raises(isolation.Failed, match=r"^timed out after 0.5 s$"):
        isolation.run_limited(lambda: time.sleep(30), 0.5, 512)
    with pytest.raises(isolation.Failed, match=r"^out of memory \(cap 256 MiB\)$"):
        isolation.run_limited(lambda: len(bytearray(1 << 30)), 30, 256)
    with pytest.raises(isolation.Failed, match=r"^killed by SIGSEGV$") as info:
        isolation.run_limited(lambda: os.kill(os.getpid(), signal.SIGSEGV), 30, 512)
    assert info.value.signalled
    with pytest.raises(isolation.Failed, match=r"^ValueError: bad$"):
        isolation.run_limited(lambda: (_ for _ in ()).throw(ValueError("bad")), 30, 512)


def _crash_on_marker(monkeypatch):
    """A parser that dies by SIGSEGV on one file, as libcst's native parser does on some inputs."""
    import grader.parse as parse

    real = parse.parse_python_files

    def crashing(program, files):
        if any("CRASH" in f.text for f in files):
            faulthandler.disable()  # pytest's crash dump of the dying batch worker is noise here
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(program, files)

    monkeypatch.setattr(parse, "parse_python_files", crashing)


ANSWER = ("```python\n# lib/bad.py\nx = 'CRASH'\n```\n\n"
          "```python\n# lib/tap_stack.py\nimport pulumi_aws as aws\nbucket = aws.s3.Bucket('b')\n```\n")


def test_a_parser_crash_becomes_a_finding_on_that_file(monkeypatch, output_schema):
    _crash_on_marker(monkeypatch)
    task = Task(id="t", path="t", platform="pulumi", language="python", response=ANSWER)
    result = isolation.grade_with_limits(lambda: grade_task(task), 60, 1024)
    validate(result, output_schema)
    assert _str007(result) == [("fail", "lib/bad.py: the parser failed on this file (killed by SIGSEGV); not graded")]
    files = {f["path"]: f["parsed"] for f in result["subjects"][0]["files"]}
    assert files == {"lib/bad.py": False, "lib/tap_stack.py": True}
    assert not isolation.ISOLATE_FILES  # the retry ran in a child; this process is untouched


def test_a_batch_worker_killed_by_a_parser_crash_is_retried_with_the_file_isolated(monkeypatch, tmp_path, output_schema):
    _crash_on_marker(monkeypatch)
    for name, response in (("crash", ANSWER), ("fine", ANSWER.replace("CRASH", "fine"))):
        (tmp_path / "tasks" / name).mkdir(parents=True)
        (tmp_path / "tasks" / name / "MODEL_RESPONSE.md").write_text(response)
    out = tmp_path / "results.jsonl"
    summary = run_batch(collect([str(tmp_path / "tasks")], "").items, out, 2, 60, memory_mb=1024)
    rows = {row["task"]: row for row in read_rows(out)}
    assert summary.errors == 0 and {r["status"] for r in rows.values()} == {"ok"}
    validate(rows["crash"]["result"], output_schema)
    assert _str007(rows["crash"]["result"]) == [("fail", "lib/bad.py: the parser failed on this file (killed by SIGSEGV); not graded")]
    assert _str007(rows["fine"]["result"]) == []


def test_grade_stops_with_a_one_line_error_at_its_timeout(tmp_path):
    (tmp_path / "MODEL_RESPONSE.md").write_text('```hcl\nresource "aws_s3_bucket" "b" {}\n```\n')
    done = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(tmp_path), "--timeout", "0.01"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"grader: grading {tmp_path} stopped: timed out after 0.01 s\n"
    ok = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(tmp_path), "--memory-limit", "1024"],
                        capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and '"schema_version": 2' in ok.stdout
