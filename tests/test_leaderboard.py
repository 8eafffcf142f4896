"""Leaderboard statistics, checked against hand computations on a small results file."""

import json
import time

import numpy as np
import pytest
from typer.testing import CliRunner

from grader.batch.leaderboard import (cluster_bootstrap, deployable, leaderboard, paired, pass_at_k, pass_criterion,
                                      per_task, requirements_met)
from grader.cli import app

runner = CliRunner()


def subject(score, findings=(), **extra):
    return {"name": "response", "score": score, "areas": {"structure": score}, "files": [], "findings": list(findings), **extra}


def row(task, model, sample, score=None, platform="terraform", **extra):
    if score is None:
        return {"key": f"{task}{model}{sample}", "task": task, "model": model, "sample": sample, "status": "error",
                "error": "timed out after 1 s", "result": None}
    result = {"schema_version": 1, "task": {"id": task, "path": task, "platform": platform, "language": "hcl"},
              "subjects": [subject(score, **extra)]}
    return {"key": f"{task}{model}{sample}", "task": task, "model": model, "sample": sample, "status": "ok",
            "error": None, "result": result, "meta": {"complexity": "hard" if task == "t1" else "easy"}}


@pytest.fixture()
def results(tmp_path):
    """zeta: t1 = [10, 20] (two samples), t2 = [80], t3 = error.  alpha: t1 = [0], t2 = [60]."""
    rows = [row("t1", "zeta", 0, 10), row("t1", "zeta", 1, 20), row("t2", "zeta", 0, 80, platform="cdk"),
            row("t3", "zeta", 0), row("t1", "alpha", 0, 0), row("t2", "alpha", 0, 60, platform="cdk")]
    path = tmp_path / "results.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def table(headers, rows):
    return [dict(zip(headers, r)) for r in rows]


def test_leaderboard_matches_a_hand_computation(results):
    zeta, alpha = table(*leaderboard(results, criterion="score>=50"))
    # sorted by score, not by name
    assert (zeta["model"], alpha["model"]) == ("zeta", "alpha")
    assert (zeta["tasks"], zeta["answers"], zeta["errors"]) == (3, 3, 1)
    assert zeta["mean score"] == round((10 + 20 + 80) / 3, 1)
    # task resamples: {t1,t1} -> 15, {t2,t2} -> 80, mixed -> 36.7; each pure draw has probability 1/4,
    # so the 2.5th and 97.5th percentiles are exactly 15 and 80.  An answer-level bootstrap would reach 10.
    assert (zeta["ci95 low"], zeta["ci95 high"]) == (15.0, 80.0)
    assert (alpha["ci95 low"], alpha["ci95 high"]) == (0.0, 60.0)
    assert (zeta["structure"], zeta["structure n"], zeta["security n"]) == (36.7, 3, 0)
    # the error counts as a failure: 1 pass (80) of 4 answers
    assert zeta["pass rate (score>=50)"] == 0.25 and alpha["pass rate (score>=50)"] == 0.5
    # pass@1 per task: t1 0/2, t2 1/1, t3 (error) 0/1 -> 1/3
    assert zeta["pass@1"] == 0.333 and zeta["pass@1 tasks"] == 3


def test_paired_difference_on_shared_tasks(results):
    (pair,) = table(*paired(results))
    # shared tasks t1, t2: zeta per-task means 15, 80; alpha 0, 60; differences 15, 20
    assert pair == {"model a": "zeta", "model b": "alpha", "shared tasks": 2, "mean a": 47.5, "mean b": 30.0,
                    "difference": 17.5, "ci95 low": 15.0, "ci95 high": 20.0}


def test_grouping_by_a_metadata_or_task_field(results):
    by_platform = table(*leaderboard(results, by="platform"))
    assert [(r["platform"], r["model"]) for r in by_platform] == [
        ("(none)", "zeta"), ("cdk", "zeta"), ("cdk", "alpha"), ("terraform", "zeta"), ("terraform", "alpha")]
    hard = [r for r in table(*leaderboard(results, by="complexity")) if r["complexity"] == "hard"]
    assert [(r["model"], r["mean score"], r["ci95 low"]) for r in hard] == [("zeta", 15.0, None), ("alpha", 0.0, None)]


def test_cluster_bootstrap_is_seeded_and_needs_two_tasks():
    assert cluster_bootstrap([50.0], [1]) is None  # one task: no interval rather than a degenerate one
    values = np.arange(40.0)
    assert cluster_bootstrap(values, np.ones(40)) == cluster_bootstrap(values, np.ones(40))
    low, high = cluster_bootstrap(values, np.ones(40))
    assert 12 < low < 19.5 < high < 27
    assert cluster_bootstrap(values, np.ones(40), seed=1) != (low, high)


def test_bootstrap_is_fast_at_5000_answers():
    rng = np.random.default_rng(0)
    sums, counts = rng.uniform(0, 500, 1000), np.full(1000, 5)
    started = time.monotonic()
    cluster_bootstrap(sums, counts)
    assert time.monotonic() - started < 2.0


def test_pass_at_k_and_criteria():
    assert pass_at_k(5, 0, 1) == 0.0 and pass_at_k(5, 5, 3) == 1.0
    assert abs(pass_at_k(4, 1, 2) - 0.5) < 1e-9
    failing = {"area": "deployability", "status": "fail", "requirement": None}
    met = {"area": "storage", "status": "pass", "requirement": "REQ001"}
    missed = {"area": "storage", "status": "fail", "requirement": "REQ002"}
    assert pass_criterion("deployable")(subject(90, [met])) and not pass_criterion("deployable")(subject(90, [failing]))
    assert pass_criterion("fully-meets")(subject(10, [met])) and not pass_criterion("fully-meets")(subject(99, [met, missed]))
    assert pass_criterion("score >= 70")(subject(70)) and not pass_criterion("score>=70")(subject(69.9))
    with pytest.raises(ValueError, match="unknown pass criterion"):
        pass_criterion("best")
    # the result's own fields win; without them they are derived from the findings
    assert requirements_met(subject(0, [met, missed])) == 50.0 and requirements_met(subject(0, [met], requirements_met=80)) == 80.0
    assert deployable(subject(0, [failing], deployable=True)) and not deployable(subject(0, [failing]))


def test_per_task_export_columns(results):
    rows = table(*per_task(results, "score>=50"))
    first = rows[0]
    assert (first["task"], first["model"], first["platform"], first["deployable"], first["pass (score>=50)"]) == ("t1", "alpha", "terraform", True, False)
    assert first["write-up"].startswith("t1-alpha-0-") and first["write-up"].endswith(".md")
    error = next(r for r in rows if r["task"] == "t3")
    assert error["error"] == "timed out after 1 s" and error["pass (score>=50)"] is False and error["write-up"] is None


def test_cli_formats_paired_and_bad_criterion(results):
    as_json = runner.invoke(app, ["leaderboard", str(results), "-f", "json", "--pass-criterion", "deployable"])
    assert as_json.exit_code == 0
    parsed = json.loads(as_json.stdout)
    assert [r["model"] for r in parsed] == ["zeta", "alpha"] and parsed[0]["ci95 low"] == 15.0
    assert "pass rate (deployable)" in parsed[0]
    as_csv = runner.invoke(app, ["leaderboard", str(results)])
    assert as_csv.stdout.splitlines()[1].startswith("zeta,3,3,1,36.7,15.0,80.0,")
    pairs = runner.invoke(app, ["leaderboard", str(results), "--paired", "-f", "markdown"])
    assert pairs.exit_code == 0 and "| zeta" in pairs.stdout and "17.5" in pairs.stdout
    bad = runner.invoke(app, ["leaderboard", str(results), "--pass-criterion", "best"])
    assert bad.exit_code == 2 and "unknown pass criterion" in bad.stderr
    assert runner.invoke(app, ["leaderboard", str(results), "-f", "xml"]).exit_code == 2
