"""Hostile task folders, answers, results files, rubrics and caches (docs/security.md): each case is built
in tmp_path and the test asserts that nothing outside is read, written or deleted, and that the grader
answers with a finding or a one-line error."""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.batch import cache as cache_mod
from grader.batch.runner import read_rows
from grader.cli import app
from grader.ingest import task as task_mod
from grader.ingest.markdown import clean_path
from grader.rubric.io import load_rubric, parse_rubric
from grader.ingest.task import InputError
from tests.conftest import SAMPLES, validate

runner = CliRunner()
SECRET = "DB_PASSWORD=hunter2-do-not-leak"
HCL = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'


def grade(*args: str):
    return runner.invoke(app, ["grade", *args])


def findings(result_json: dict, check: str = "STR007") -> list[str]:
    return [f["message"] for s in result_json["subjects"] for f in s["findings"] if f["check"] == check]


@pytest.fixture()
def secret(tmp_path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    path = outside / "secrets.env"
    path.write_text(f'variable "x" {{ default = "{SECRET}" }}\n')
    return path


@pytest.fixture()
def task(tmp_path) -> Path:
    folder = tmp_path / "task"
    (folder / "lib").mkdir(parents=True)
    (folder / "PROMPT.md").write_text("Create an S3 bucket in us-east-1.\n")
    (folder / "lib" / "main.tf").write_text(HCL)
    return folder


def graded(folder: Path, output_schema) -> dict:
    result = grade(str(folder))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    validate(data, output_schema)
    return data


# ---- task folders: links, loops, FIFOs, unreadable and oversize files --------------------------------

def test_a_code_file_linked_out_of_the_task_is_a_finding_and_never_read(task, secret, output_schema):
    (task / "lib" / "env.tf").symlink_to(secret)
    result = grade(str(task))
    assert SECRET not in result.stdout
    assert findings(json.loads(result.stdout)) == ["lib/env.tf: is a symbolic link to a file outside the task folder; not read"]
    markdown = grade(str(task), "-f", "markdown")
    assert markdown.exit_code == 0 and SECRET not in markdown.stdout and "symbolic link" in markdown.stdout


def test_a_link_inside_the_task_is_read(task, output_schema):
    (task / "shared.tf").write_text('variable "region" {}\n')
    (task / "lib" / "vars.tf").symlink_to(task / "shared.tf")
    data = graded(task, output_schema)
    assert findings(data) == []
    assert "lib/vars.tf" in [f["path"] for s in data["subjects"] for f in s["files"]]


def test_prompt_and_answer_linked_out_are_findings(task, secret, output_schema):
    (task / "PROMPT.md").unlink()
    (task / "PROMPT.md").symlink_to(secret)
    (task / "MODEL_RESPONSE.md").symlink_to(secret)
    result = grade(str(task))
    assert SECRET not in result.stdout
    data = json.loads(result.stdout)
    validate(data, output_schema)
    response = next(s for s in data["subjects"] if s["name"] == "response")  # graded as empty, with the reason
    messages = [f["message"] for f in response["findings"] if f["check"] == "STR007"]
    assert messages == ["MODEL_RESPONSE.md: is a symbolic link to a file outside the task folder; not read",
                        "PROMPT.md: is a symbolic link to a file outside the task folder; not read"]


def test_a_folder_linked_out_of_the_task_is_a_finding_and_not_walked(task, secret, output_schema):
    (task / "lib" / "vendor").symlink_to(secret.parent, target_is_directory=True)
    shutil.copy(secret, secret.parent / "main.tf")
    result = grade(str(task))
    assert SECRET not in result.stdout
    assert findings(json.loads(result.stdout)) == ["lib/vendor: is a symbolic link to a folder outside the task folder; not read"]


def test_symlink_loops_and_dangling_links_are_findings(task, output_schema):
    (task / "lib" / "a.tf").symlink_to(task / "lib" / "b.tf")
    (task / "lib" / "b.tf").symlink_to(task / "lib" / "a.tf")
    (task / "lib" / "gone.tf").symlink_to(task / "lib" / "nowhere.tf")
    (task / "lib" / "up").symlink_to(task, target_is_directory=True)  # a folder loop: never walked
    data = graded(task, output_schema)
    assert findings(data) == ["lib/a.tf: is a symbolic link loop; not read", "lib/b.tf: is a symbolic link loop; not read",
                              "lib/gone.tf: is a dangling symbolic link; not read"]


def test_a_batch_over_a_tree_with_a_folder_loop_ends(task, tmp_path):
    (task / "lib" / "up").symlink_to(tmp_path, target_is_directory=True)
    result = runner.invoke(app, ["batch", str(tmp_path), "-o", str(tmp_path / "out" / "r.jsonl"), "--no-cache", "-q", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert [r["task"] for r in read_rows(tmp_path / "out" / "r.jsonl")] == ["task"]


def test_a_fifo_never_blocks_the_grader(task, tmp_path):
    os.mkfifo(task / "lib" / "pipe.tf")
    os.mkfifo(task / "MODEL_RESPONSE.md")
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(task)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    messages = findings(json.loads(proc.stdout))
    assert "lib/pipe.tf: is not a regular file (a FIFO); not read" in messages
    assert "MODEL_RESPONSE.md: is not a regular file (a FIFO); not read" in messages


def test_an_answer_that_is_a_directory_is_a_finding(task, output_schema):
    (task / "MODEL_RESPONSE.md").mkdir()
    data = graded(task, output_schema)
    response = next(s for s in data["subjects"] if s["name"] == "response")
    assert [f["message"] for f in response["findings"] if f["check"] == "STR007"] == [
        "MODEL_RESPONSE.md: is not a regular file (a directory); not read"]


def test_an_unreadable_file_is_a_finding(task, output_schema, monkeypatch):
    target = task / "lib" / "locked.tf"
    target.write_text(HCL.replace('"b"', '"c"'))
    target.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the open fail as it does for everyone else
        real_open = os.open
        monkeypatch.setattr(os, "open", lambda p, *a, **k: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                            if str(p) == str(target) else real_open(p, *a, **k))
    data = graded(task, output_schema)
    assert findings(data) == ["lib/locked.tf: cannot be read (Permission denied)"]


def test_reads_are_bounded(task, output_schema, monkeypatch):
    monkeypatch.setattr(task_mod, "MAX_FILE_BYTES", 100)
    (task / "lib" / "big.tf").write_text(HCL * 10)
    data = graded(task, output_schema)
    assert findings(data) == [f"lib/big.tf: {len(HCL) * 10} bytes is over the 100-byte limit; not graded"]


# ---- names from markdown answers ----------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("../../../../tmp/evil.tf", "tmp/evil.tf"),
    ("/etc/cron.d/evil.tf", "etc/cron.d/evil.tf"),
    ("lib/a\x00b.tf", "lib/a_b.tf"),
    ("lib/a\nb.tf", "lib/a_b.tf"),
])
def test_hostile_names_become_safe_relative_names(name, expected):
    assert clean_path(name) == expected


def _safe(path: str) -> bool:
    return not path.startswith("/") and ".." not in path.split("/") and not any(c < " " or c == "\x7f" for c in path)


@pytest.mark.parametrize("name", ["../../../../tmp/evil-grader.tf", "/tmp/evil-grader.tf", "lib/a\rb.tf", "lib/a\x1bb.tf"])
def test_hostile_names_in_an_answer_stay_inside(tmp_path, name, output_schema):
    folder = tmp_path / "task"
    folder.mkdir()
    (folder / "MODEL_RESPONSE.md").write_text(f"## File: {name}\n```hcl\n{HCL}```\n")
    data = graded(folder, output_schema)
    paths = [f["path"] for s in data["subjects"] for f in s["files"]]
    assert paths and all(_safe(p) for p in paths), paths
    assert not Path("/tmp/evil-grader.tf").exists()
    assert sorted(os.listdir(folder)) == ["MODEL_RESPONSE.md"]  # grading writes nothing into the task


def test_a_nul_in_an_answer_name(tmp_path, output_schema):
    text = f"## File: lib/a\x00b.tf\n```hcl\n{HCL}```\n"
    answers = tmp_path / "answers.jsonl"  # a JSONL answer may carry a NUL; the name loses it
    shutil.copytree(SAMPLES / "seed-terraform", tmp_path / "tasks" / "t")
    answers.write_text(json.dumps({"task": "t", "model": "m", "response": text}) + "\n")
    out = tmp_path / "r.jsonl"
    assert runner.invoke(app, ["batch", str(tmp_path / "tasks"), str(answers), "-o", str(out), "--no-cache", "-q"]).exit_code == 0
    (row,) = read_rows(out)
    paths = [f["path"] for s in row["result"]["subjects"] for f in s["files"]]
    assert paths and all(_safe(p) for p in paths), paths
    folder = tmp_path / "task"  # in a file, a NUL makes the answer binary: a finding, not a name
    folder.mkdir()
    (folder / "MODEL_RESPONSE.md").write_text(text)
    assert findings(graded(folder, output_schema)) == ["MODEL_RESPONSE.md: binary content; not graded"]


# ---- JSONL task references ------------------------------------------------------------------------------

def test_jsonl_task_paths_resolve_only_under_the_given_roots(tmp_path):
    tasks = tmp_path / "tasks"
    shutil.copytree(SAMPLES / "seed-terraform", tasks / "t1")
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(SAMPLES / "seed-terraform", elsewhere / "victim")
    answers = tmp_path / "answers.jsonl"
    rows = [{"task": str(elsewhere / "victim"), "model": "abs", "response": "x"},
            {"task": str(tasks / ".." / "elsewhere" / "victim"), "model": "dotdot", "response": "x"},
            {"task": "t1", "model": "byid", "response": "x"},
            {"task": str(tasks / "t1"), "model": "bypath", "response": "x"}]
    answers.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "r.jsonl"
    result = runner.invoke(app, ["batch", str(tasks), str(answers), "-o", str(out), "--no-cache", "-q", "-j", "1", "--allow-errors"])
    assert result.exit_code == 0, result.output
    status = {r["model"]: (r["status"], r["error"]) for r in read_rows(out)}
    assert status["byid"][0] == status["bypath"][0] == "ok"
    assert status["abs"][0] == status["dotdot"][0] == "error"
    assert "not a task folder under the inputs or --task-root" in status["abs"][1]
    # naming the other folder as a root makes it usable
    result = runner.invoke(app, ["batch", str(answers), "--task-root", str(elsewhere), "-o", str(out), "--no-cache", "-q", "-j", "1"])
    assert {r["model"]: r["status"] for r in read_rows(out)}["abs"] == "ok"


# ---- the cache ------------------------------------------------------------------------------------------

def test_cache_clear_refuses_a_folder_it_did_not_create(tmp_path):
    folder = tmp_path / "mine"
    (folder / "ab").mkdir(parents=True)
    precious = [folder / "model.pkl", folder / "draft.tmp", folder / "ab" / ("a" * 64 + ".json")]
    for path in precious:
        path.write_text("user data")
    result = runner.invoke(app, ["cache", "clear", "--cache-dir", str(folder)])
    assert result.exit_code == 2
    assert "no iac-grader CACHEDIR.TAG" in result.output and len(result.output.strip().splitlines()) == 1
    assert all(p.read_text() == "user data" for p in precious)


def test_batch_does_not_use_or_prune_a_foreign_folder(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.pkl").write_bytes(b"x" * 1000)
    result = runner.invoke(app, ["batch", str(SAMPLES / "seed-terraform"), "-o", str(tmp_path / "r.jsonl"),
                                 "--cache-dir", str(folder), "-q"])
    assert result.exit_code == 0 and "not an iac-grader cache; grading without a cache" in result.output
    assert sorted(p.name for p in folder.rglob("*")) == ["notes.pkl"]
    assert cache_mod.Cache(folder, max_bytes=0).prune() == 0 and (folder / "notes.pkl").exists()


def test_clear_and_prune_delete_only_the_caches_own_entries(tmp_path):
    folder = tmp_path / "cache"
    cache = cache_mod.Cache(folder, max_bytes=0)
    cache.claim()
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    cache.get_or_build("row", ("a",), lambda: {"v": 1})
    others = [folder / "README.pkl", folder / "ab" / "notes.json", folder / "zz" / ("b" * 64 + ".json")]
    for path in others:
        path.parent.mkdir(exist_ok=True)
        path.write_text("keep")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / ("c" * 64 + ".json")).write_text("keep")
    (folder / "cd").symlink_to(outside, target_is_directory=True)  # a shard name leading out
    assert cache.prune() == 1
    cache.get_or_build("row", ("a",), lambda: {"v": 1})
    assert cache.clear() == 1
    assert all(p.read_text() == "keep" for p in others) and (outside / ("c" * 64 + ".json")).exists()
    assert (folder / "CACHEDIR.TAG").exists()


class _Boom:
    def __reduce__(self):
        return (os.system, ("touch " + os.environ.get("GRADER_TEST_MARKER", "/nonexistent/marker"),))


def test_a_poisoned_cache_entry_never_runs_code_and_is_rebuilt(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    monkeypatch.setenv("GRADER_TEST_MARKER", str(marker))
    cache = cache_mod.Cache(tmp_path / "cache")
    cache.claim()
    key = cache.key("row", "k")
    entry = cache._path(key)
    entry.parent.mkdir()
    poisons = [
        pickle.dumps(_Boom()),
        b'{"grader":"0","key":"' + key.encode() + b'","sha256":"00"}\n{"v":1}',  # wrong seal
        cache_mod._dump({"v": 1}, key).replace(b'{"v":1}', b'{"v":2}'),  # payload changed after sealing
        json.dumps({"key": key}).encode() + b"\n",
    ]
    header, _, _ = cache_mod._dump({"v": 0}, key).partition(b"\n")
    foreign = json.dumps({"$c": "Popen", "f": {"args": ["touch", str(marker)]}}).encode()
    poisons.append(json.dumps({"grader": "x", "key": key, "sha256": cache_mod._seal(key, foreign)}).encode() + b"\n" + foreign)
    for poison in poisons:
        entry.write_bytes(poison)
        assert cache.get_or_build("row", ("k",), lambda: {"v": "fresh"}) == {"v": "fresh"}
        assert cache_mod._load(entry.read_bytes(), key) == {"v": "fresh"}  # rebuilt in place
    assert not marker.exists() and cache.hits == 0
    assert not any(entry.parent.glob("*.pkl"))


def test_cached_programs_and_rubrics_round_trip(tmp_path):
    from grader.grade import grade_task
    from grader.ingest.task import load_task
    from grader.rubric import resolve_rubric

    cache = cache_mod.Cache(tmp_path / "cache")
    cache.claim()
    for sample in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
        t = load_task(str(sample))
        cache_mod.ACTIVE = None
        plain = grade_task(t, resolve_rubric(t, None))
        cache_mod.ACTIVE = cache
        try:
            cold = grade_task(t, resolve_rubric(t, None))
            hits = cache.hits
            warm = grade_task(t, resolve_rubric(t, None))
        finally:
            cache_mod.ACTIVE = None
        assert plain == cold == warm and cache.hits > hits, sample.name


def test_default_cache_folder_honours_xdg_cache_home(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "GRADER_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "cache", "info"], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(str(tmp_path / "xdg" / "iac-grader") + ":")


# ---- results files: report names, the lock -------------------------------------------------------------

def test_report_names_stay_inside_the_output_folder(tmp_path):
    result = json.loads(grade(str(SAMPLES / "seed-terraform")).stdout)
    rows = [{"key": "../../escaped", "task": None, "model": None, "sample": None, "status": "ok", "result": result},
            {"key": str(tmp_path / "abs-escaped"), "task": "///", "model": "..", "sample": None, "status": "ok", "result": result},
            {"key": ["not", "a", "string"], "task": "../../up", "model": "m/../../x", "sample": 1, "status": "ok", "result": result},
            {"key": "feedbeef" * 4, "task": "t", "model": "m", "sample": 0, "status": "ok", "result": {"task": "broken"}},
            {"key": 7, "task": "t\n", "model": "\x00", "sample": 0, "status": "ok", "result": result}]
    results = tmp_path / "results.jsonl"
    results.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "deep" / "reports"
    report = runner.invoke(app, ["report", str(results), "-o", str(out)])
    assert report.exit_code == 0, report.output
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        ["results.jsonl"] + [p.name for p in out.iterdir()])  # nothing written anywhere else
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 4 and all(n.endswith(".md") and not n.startswith(".") for n in names)
    assert "row 4 skipped" in report.output and "Traceback" not in report.output


def test_a_second_batch_on_the_same_results_file_is_refused(tmp_path):
    out = tmp_path / "results.jsonl"
    out.write_text('{"key":"k1","task":"t"}\n')
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(out) + '.lock'!r}, os.O_RDWR | os.O_CREAT)\n"
        "fcntl.lockf(fd, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = runner.invoke(app, ["batch", str(SAMPLES / "seed-terraform"), "-o", str(out), "--no-cache", "-q"])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 2 and "another batch is writing" in result.output
    assert out.read_text() == '{"key":"k1","task":"t"}\n'
    done = runner.invoke(app, ["batch", str(SAMPLES / "seed-terraform"), "-o", str(out), "--no-cache", "-q"])
    assert done.exit_code == 0, done.output


# ---- rubrics ----------------------------------------------------------------------------------------------

RUBRIC = "version: 1\nrequirements:\n  - id: R1\n    area: storage\n    text: a bucket\n    checks: [{id: REQ001, params: {types: [aws_s3_bucket]}}]\n"


@pytest.mark.parametrize("include", ["ABSOLUTE", "../outside.yaml", "sub/../../outside.yaml"])
def test_rubric_include_outside_its_folder_is_refused_without_echo(tmp_path, include):
    outside = tmp_path / "outside.yaml"
    outside.write_text("root:x:0:0:secret-hash: here\n")
    home = tmp_path / "rubrics"
    (home / "sub").mkdir(parents=True)
    rubric = home / "r.yaml"
    rubric.write_text(RUBRIC + f"include: [{json.dumps(str(outside) if include == 'ABSOLUTE' else include)}]\n")
    with pytest.raises(InputError, match="included rubric pack not found") as err:
        load_rubric(rubric)
    assert "secret" not in str(err.value) and "root:x" not in str(err.value)
    result = runner.invoke(app, ["rubric", "validate", str(rubric)])
    assert result.exit_code == 1 and "secret" not in result.output


def test_rubric_includes_a_shipped_pack_or_a_file_beside_it(tmp_path):
    (tmp_path / "local.yaml").write_text(RUBRIC.replace("R1", "R2"))
    rubric = tmp_path / "r.yaml"
    rubric.write_text(RUBRIC + "include: [aws-security-baseline, local.yaml]\n")
    ids = [r.id for r in load_rubric(rubric).requirements]
    assert {"R1", "R2", "SEC-least-privilege"} <= set(ids)


def test_errors_in_an_included_file_do_not_quote_it(tmp_path):
    (tmp_path / "bad.yaml").write_text("version: 1\nroot-secret-key-hash: 1\n")
    (tmp_path / "dup.yaml").write_text("version: 1\nsecret-dup: 1\nsecret-dup: 2\n")
    for name in ("bad.yaml", "dup.yaml"):
        rubric = tmp_path / f"r-{name}"
        rubric.write_text(RUBRIC + f"include: [{name}]\n")
        with pytest.raises(InputError) as err:
            load_rubric(rubric)
        assert str(err.value).startswith(f"included rubric {name} is not a valid rubric") and "secret" not in str(err.value)


def test_yaml_aliases_are_refused_quickly():
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(12))
    started = time.monotonic()
    with pytest.raises(InputError, match=r"YAML aliases are not allowed in a rubric \(line 2\)"):
        parse_rubric(laughs, "laughs.yaml")
    assert time.monotonic() - started < 2


def test_oversize_rubric_is_refused(tmp_path):
    rubric = tmp_path / "big.yaml"
    rubric.write_text(RUBRIC + "#" * (1024 * 1024))
    with pytest.raises(InputError, match="over the 1048576-byte limit"):
        load_rubric(rubric)


# ---- CSV and markdown outputs -----------------------------------------------------------------------------

HOSTILE_MODELS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "plain"]


@pytest.fixture()
def hostile_results(tmp_path) -> Path:
    result = json.loads(grade(str(SAMPLES / "seed-terraform")).stdout)
    result["subjects"] = [dict(s, name="response") for s in result["subjects"][:1]]
    results = tmp_path / "results.jsonl"
    models = HOSTILE_MODELS + ["a|b\n# heading <img src=x onerror=alert(1)>"]
    results.write_text("".join(json.dumps({"key": f"k{i}", "task": "t|1\n<b>", "model": m, "sample": 0, "status": "ok",
                                           "result": result}) + "\n" for i, m in enumerate(models)))
    return results


def test_leaderboard_csv_cells_never_start_a_formula(hostile_results):
    for args in ([], ["--per-task"]):
        out = runner.invoke(app, ["leaderboard", str(hostile_results), *args])
        assert out.exit_code == 0, out.output
        cells = [c for row in csv.reader(io.StringIO(out.stdout)) for c in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        for model in HOSTILE_MODELS[:-1]:
            assert "'" + model in cells
        assert "plain" in cells


def test_markdown_tables_escape_model_names_and_task_ids(hostile_results):
    out = runner.invoke(app, ["leaderboard", str(hostile_results), "--format", "markdown", "--per-task"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert len(lines) == 2 + len(HOSTILE_MODELS) + 1  # header, rule, one line per row: no injected line breaks
    assert len({line.replace("\\|", "").count("|") for line in lines}) == 1  # every row has the same columns
    assert not re.search(r"(?<!\\)[<>]", out.stdout) and "\\<img" in out.stdout


def test_report_heading_escapes_the_task_id(tmp_path):
    folder = tmp_path / "x\n# injected <script>"
    folder.mkdir()
    (folder / "MODEL_RESPONSE.md").write_text(f"```hcl\n{HCL}```\n")
    out = grade(str(folder), "-f", "markdown")
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines()[0] == "# Failure report: x # injected \\<script\\>"
    assert "\n# injected" not in out.stdout
