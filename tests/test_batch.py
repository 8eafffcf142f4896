"""Batch runs: crash safety (SIGKILL + resume), determinism across workers, error rows, cache, leaderboard, Ray."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from grader.batch.leaderboard import leaderboard, per_task
from grader.batch.runner import read_rows
from grader.cli import app
from tests.conftest import SAMPLES, validate

runner = CliRunner()


@pytest.fixture()
def tree(tmp_path):
    """A tree of task folders: the samples, each copied a few times."""
    root = tmp_path / "tasks"
    for copy in range(3):
        for sample in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
            shutil.copytree(sample, root / f"{sample.name}-{copy}")
    return root


def batch(*args, code=0):
    result = runner.invoke(app, ["batch", *args, "--quiet"])
    assert result.exit_code == code, result.output
    return result


def test_results_are_identical_with_one_and_two_workers(tree, tmp_path, output_schema):
    batch(str(tree), "-o", str(tmp_path / "one.jsonl"), "-j", "1", "--no-cache")
    batch(str(tree), "-o", str(tmp_path / "two.jsonl"), "-j", "2", "--no-cache")
    one = (tmp_path / "one.jsonl").read_bytes()
    assert one == (tmp_path / "two.jsonl").read_bytes()
    rows = list(read_rows(tmp_path / "one.jsonl"))
    assert len(rows) == 18 and all(r["status"] == "ok" for r in rows)
    for row in rows:
        validate(row["result"], output_schema)


def test_sigkill_mid_run_then_resume_loses_and_duplicates_nothing(tree, tmp_path):
    out = tmp_path / "results.jsonl"
    cmd = [sys.executable, "-m", "grader.cli", "batch", str(tree), "-o", str(out), "-j", "1", "--no-cache", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if out.exists() and out.read_text().count("\n") >= 3:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the runner and its workers, as kill -9 would
    proc.wait()
    partial = list(read_rows(out))
    assert 3 <= len(partial) < 18, "the kill must land mid-run"
    batch(str(tree), "-o", str(out), "-j", "2", "--no-cache", "--resume")
    rows = list(read_rows(out))
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys)) == 18
    assert {r["key"] for r in partial} <= set(keys)
    clean = tmp_path / "clean.jsonl"
    batch(str(tree), "-o", str(clean), "-j", "1", "--no-cache")
    assert out.read_bytes() == clean.read_bytes()


def test_timeouts_and_bad_rows_become_error_rows(tree, tmp_path):
    out = tmp_path / "timeouts.jsonl"
    failed = batch(str(tree / "seed-python-0"), "-o", str(out), "--task-timeout", "0.001", "--no-cache", code=1)
    assert failed.stderr.splitlines()[-1] == f"grader: 1 of 1 items are error rows (their reasons are in {out}); --allow-errors accepts them"
    (row,) = list(read_rows(out))
    assert row["status"] == "error" and "timed out" in row["error"]
    batch(str(tree / "seed-python-0"), "-o", str(out), "--task-timeout", "0.001", "--no-cache", "--allow-errors")
    answers = tmp_path / "answers.jsonl"
    answers.write_text("\n".join([
        json.dumps({"task": "seed-python-0", "model": "m1", "sample": 0, "response": (SAMPLES / "seed-python" / "MODEL_RESPONSE.md").read_text()}),
        json.dumps({"task": "missing-task", "model": "m1", "sample": 0, "response": "x"}),
        json.dumps({"task": "seed-python-0", "model": "m2", "sample": 0, "response": "x" * (5 * 1024 * 1024)}),
        "{not json",
    ]) + "\n")
    out2 = tmp_path / "answers-results.jsonl"
    result = batch(str(tree), str(answers), "-o", str(out2), "--no-cache", "--allow-errors")
    assert "not valid JSON" in result.stderr
    rows = {(r["task"], r["model"]): r for r in read_rows(out2)}
    assert rows[("seed-python-0", "m1")]["status"] == "ok"
    assert [s["name"] for s in rows[("seed-python-0", "m1")]["result"]["subjects"]] == ["response"]
    assert rows[("missing-task", "m1")]["status"] == "error"
    assert "size limit" in rows[("seed-python-0", "m2")]["error"]


def test_cache_makes_the_second_run_reuse_and_clear_empties_it(tree, tmp_path):
    cache = tmp_path / "cache"
    batch(str(tree / "seed-terraform-0"), "-o", str(tmp_path / "a.jsonl"), "--cache-dir", str(cache))
    entries = list(cache.rglob("*.json"))
    assert entries
    batch(str(tree / "seed-terraform-0"), "-o", str(tmp_path / "b.jsonl"), "--cache-dir", str(cache))
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert sorted(cache.rglob("*.json")) == sorted(entries)  # nothing new was parsed
    cleared = runner.invoke(app, ["cache", "clear", "--cache-dir", str(cache)])
    assert cleared.exit_code == 0 and not list(cache.rglob("*.json"))


def test_leaderboard_csv_markdown_and_per_task(tree, tmp_path):
    answers = tmp_path / "answers.jsonl"
    text = (SAMPLES / "seed-python" / "MODEL_RESPONSE.md").read_text()
    answers.write_text("".join(json.dumps({"task": "seed-python-0", "model": m, "sample": s, "response": text if m == "good" else "no code"}) + "\n"
                               for m in ("good", "bad") for s in range(2)))
    out = tmp_path / "r.jsonl"
    batch(str(tree), str(answers), "-o", str(out), "--no-cache")
    headers, rows = leaderboard(out, k=1)
    by = {r[0]: dict(zip(headers, r)) for r in rows}
    assert by["good"]["mean score"] > by["bad"]["mean score"]
    assert by["good"]["answers"] == 2 and by["bad"]["errors"] == 0
    csv_out = runner.invoke(app, ["leaderboard", str(out)])
    assert csv_out.exit_code == 0 and csv_out.stdout.splitlines()[0].startswith("model,tasks,answers,errors,mean score")
    assert csv_out.stdout == runner.invoke(app, ["leaderboard", str(out)]).stdout
    md = runner.invoke(app, ["leaderboard", str(out), "--format", "markdown", "--per-task"])
    assert md.exit_code == 0 and "| task" in md.stdout
    assert len(per_task(out)[1]) == 4


def test_report_writes_one_safe_writeup_per_row(tree, tmp_path):
    out = tmp_path / "r.jsonl"
    batch(str(tree / "seed-python-0"), "-o", str(out), "--no-cache")
    folder = tmp_path / "reports"
    assert runner.invoke(app, ["report", str(out), "-o", str(folder)]).exit_code == 0
    (written,) = list(folder.iterdir())
    assert written.parent == folder and written.read_text().startswith("# Failure report")


def test_ray_executor_gives_the_same_results(tree, tmp_path):
    pytest.importorskip("ray")
    local = tmp_path / "local.jsonl"
    distributed = tmp_path / "ray.jsonl"
    subset = tree / "seed-terraform-0"
    batch(str(subset), str(tree / "cdk-bucket-0"), "-o", str(local), "--no-cache")
    env = {**os.environ, "RAY_ADDRESS": "local"}
    result = subprocess.run([sys.executable, "-m", "grader.cli", "batch", str(subset), str(tree / "cdk-bucket-0"),
                             "-o", str(distributed), "--no-cache", "--quiet", "--executor", "ray", "-j", "2"],
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert local.read_bytes() == distributed.read_bytes()


def test_the_cache_key_changes_with_the_code_that_builds_programs(monkeypatch, tmp_path):
    from grader.batch import cache

    store = cache.Cache(tmp_path / "c")
    before = store.key("markdown", "text")
    monkeypatch.setattr(cache, "_CODE_DIGEST", "another-parser")
    assert store.key("markdown", "text") != before
