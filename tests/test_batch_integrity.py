"""Batch integrity: task identities, duplicate refusal, JSONL validation, stale rows on resume, clean SIGINT/SIGTERM."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.batch.runner import read_rows
from grader.cli import app
from tests.conftest import SAMPLES

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, ["batch", *args, "--quiet", "--no-cache"])


def test_tasks_are_keyed_by_relative_path_and_duplicate_names_refused(tmp_path):
    for group in ("a", "b"):
        shutil.copytree(SAMPLES / "seed-terraform", tmp_path / "tree" / group / "web")
    out = tmp_path / "r.jsonl"
    nested = invoke(str(tmp_path / "tree"), "-o", str(out))
    assert nested.exit_code == 0, nested.output
    assert sorted(r["task"] for r in read_rows(out)) == ["a/web", "b/web"]
    clash = invoke(str(tmp_path / "tree" / "a" / "web"), str(tmp_path / "tree" / "b" / "web"), "-o", str(tmp_path / "c.jsonl"))
    assert clash.exit_code == 2
    assert "task 'web' is both" in clash.stderr and "rename one" in clash.stderr
    same_twice = invoke(str(tmp_path / "tree" / "a" / "web"), str(tmp_path / "tree" / "a" / "web"), "-o", str(out))
    assert same_twice.exit_code == 0 and len(list(read_rows(out))) == 1


@pytest.mark.parametrize("rows, message", [
    ([{"task": "t", "model": "m", "sample": 0, "response": "x"}, {"task": "t", "model": "m", "sample": "two", "response": "x"}],
     "answers.jsonl:2: 'sample' must be an integer, got 'two'"),
    ([{"task": "t", "sample": 0, "response": "x"}], "answers.jsonl:1: missing 'model'"),
    ([{"task": "t", "model": "", "response": "x"}], "answers.jsonl:1: 'model' must be a non-empty string"),
    ([{"task": "t", "model": "m", "response": "x"}, {"task": "t", "model": "m", "sample": 0, "response": "y"}],
     "answers.jsonl:2: task 't', model 'm', sample 0 repeats"),
])
def test_invalid_jsonl_rows_are_refused_with_their_line(tmp_path, rows, message):
    answers = tmp_path / "answers.jsonl"
    answers.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = invoke(str(answers), "-o", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 2 and message in result.stderr
    assert not (tmp_path / "r.jsonl").exists()


def test_valid_jsonl_rows_pass(tmp_path):
    answers = tmp_path / "answers.jsonl"
    answers.write_text("".join(json.dumps({"task": "t", "model": "m", "sample": s, "response": "x"}) + "\n" for s in (0, 1)))
    # the rows are valid; their task is not among the inputs, so each is an error row (accepted with --allow-errors)
    result = invoke(str(answers), "-o", str(tmp_path / "r.jsonl"), "--allow-errors")
    assert result.exit_code == 0 and [r["sample"] for r in read_rows(tmp_path / "r.jsonl")] == [0, 1]


def test_resume_after_a_rubric_change_regrades_instead_of_duplicating(tmp_path):
    task = tmp_path / "web"
    shutil.copytree(SAMPLES / "seed-terraform", task)
    rubric = tmp_path / "rubric.yaml"
    assert runner.invoke(app, ["rubric", "derive", str(task / "PROMPT.md"), "-o", str(rubric)]).exit_code == 0
    out = tmp_path / "r.jsonl"
    assert invoke(str(task), "-o", str(out), "--rubric", str(rubric)).exit_code == 0
    (before,) = list(read_rows(out))
    unchanged = invoke(str(task), "-o", str(out), "--rubric", str(rubric), "--resume")
    assert "0 graded, 1 already done" in unchanged.stderr and "stale" not in unchanged.stderr
    rubric.write_text(rubric.read_text() + "# edited\n")
    changed = invoke(str(task), "-o", str(out), "--rubric", str(rubric), "--resume")
    assert changed.exit_code == 0 and "1 stale rows regraded" in changed.stderr
    (after,) = list(read_rows(out))
    assert after["key"] != before["key"] and after["rubric"] != before["rubric"]
    assert after["grader_version"] == before["grader_version"]


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].startswith("Z")
    except OSError:
        return True


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to list worker processes")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_workers_keeps_rows_and_says_how_to_resume(tmp_path, sig):
    tree = tmp_path / "tasks"
    for copy in range(3):
        for sample in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
            shutil.copytree(sample, tree / f"{sample.name}-{copy}")
    out = tmp_path / "results.jsonl"
    cmd = [sys.executable, "-m", "grader.cli", "batch", str(tree), "-o", str(out), "-j", "2", "--no-cache", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (out.exists() and out.read_text().count("\n") >= 2):
        time.sleep(0.02)
    workers = _children(proc.pid)
    assert workers, "the workers must be running when the signal lands"
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)  # Ctrl-C reaches the whole process group
    else:
        proc.send_signal(sig)  # what timeout(1) and CI cancellation send: the runner only
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 128 + sig
    assert "Traceback" not in stderr
    hints = [line for line in stderr.splitlines() if "--resume" in line]
    assert len(hints) == 1 and f"interrupted by {sig.name}" in hints[0] and str(out) in hints[0]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not all(_gone(w) for w in workers):
        time.sleep(0.05)
    assert all(_gone(w) for w in workers), "no orphaned workers"
    kept = list(read_rows(out))
    assert 2 <= len(kept) < 18
    resumed = invoke(str(tree), "-o", str(out), "--resume", "-j", "2")
    assert resumed.exit_code == 0 and f"{len(kept)} already done" in resumed.stderr
    keys = [r["key"] for r in read_rows(out)]
    assert len(keys) == len(set(keys)) == 18
