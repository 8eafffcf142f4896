"""The Python API gives exactly the CLI's result; the inspect_ai and promptfoo adapters."""

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import grader
from grader.cli import app
from tests.conftest import SAMPLES, validate

runner = CliRunner()


@pytest.mark.parametrize("sample", ["seed-terraform", "cdk-bucket", "pulumi-vpc"])
def test_grade_path_is_byte_identical_to_the_cli(sample):
    cli = runner.invoke(app, ["grade", str(SAMPLES / sample)])
    assert cli.exit_code == 0
    assert grader.grade(str(SAMPLES / sample)).to_json() == cli.stdout


def _files(folder: Path) -> dict[str, str]:
    """The code files in the order of a top-down folder walk (a folder's files, then its subfolders)."""
    files = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith((".tf", ".py")):
                path = Path(dirpath) / name
                files[path.relative_to(folder).as_posix()] = path.read_text()
    return files


@pytest.mark.parametrize("sample", ["seed-terraform", "cdk-bucket", "pulumi-vpc"])
def test_task_in_memory_scores_like_the_cli(sample, output_schema):
    folder = SAMPLES / sample
    response = folder / "MODEL_RESPONSE.md"
    task = grader.make_task(prompt=(folder / "PROMPT.md").read_text(), code=_files(folder),
                            response=response.read_text() if response.exists() else None)
    assert task.platform is not None, "the platform is inferred, as for a folder"
    mine = grader.grade(task)
    validate(mine.data, output_schema)
    cli = json.loads(runner.invoke(app, ["grade", str(folder)]).stdout)
    assert mine.data["subjects"] == cli["subjects"] and mine.data["requirements"] == cli["requirements"]
    assert mine.score == cli["subjects"][0]["score"] and mine.data["rubric_sha256"] == cli["rubric_sha256"]


def test_result_helpers_and_errors(tmp_path):
    result = grader.grade(str(SAMPLES / "seed-terraform"), checks=["structure"])
    assert result.subject("code")["name"] == "code" and result.subject("ideal") is None
    assert set(result.areas) == {"structure"} and all(f["status"] in ("fail", "partial") for f in result.failed())
    (tmp_path / "empty").mkdir()
    with pytest.raises(grader.InputError, match="nothing to grade"):
        grader.grade(str(tmp_path / "empty"))


# --- promptfoo: the Python assertion contract get_assert(output, context) -> {pass, score, reason} -----------------

PROMPT = (SAMPLES / "seed-terraform" / "PROMPT.md").read_text()
ANSWER = (SAMPLES / "seed-terraform" / "MODEL_RESPONSE.md").read_text()


def test_promptfoo_assertion_passes_and_fails_on_the_threshold():
    from grader.integrations.promptfoo import get_assert

    expected = grader.grade(grader.make_task(response=ANSWER, prompt=PROMPT)).score
    low = get_assert(ANSWER, {"prompt": PROMPT, "vars": {}, "config": {"fail_under": expected - 1}})
    high = get_assert(ANSWER, {"prompt": PROMPT, "vars": {}, "config": {"fail_under": expected + 1}})
    assert low["pass"] is True and high["pass"] is False
    assert low["score"] == round(expected / 100, 4) and 0 <= low["score"] <= 1
    assert low["reason"].startswith(f"iac-grader score {expected:g}/100") and "- " in low["reason"]
    bad = get_assert("no code here", {"prompt": PROMPT})
    assert bad["pass"] is False and bad["score"] < low["score"]


# --- inspect_ai: the scorer under a real `inspect_ai.eval` with the mock model --------------------------------------

def test_inspect_ai_scorer_in_a_real_eval(tmp_path):
    inspect_ai = pytest.importorskip("inspect_ai", reason="the inspect extra is not installed (pip install '.[inspect]')")
    from inspect_ai import Task, eval as inspect_eval
    from inspect_ai.dataset import Sample
    from inspect_ai.model import ModelOutput, ModelUsage, get_model
    from inspect_ai.solver import generate

    from grader.integrations.inspect_ai import iac_grader

    def reply(text):
        output = ModelOutput.from_content("mockllm/model", text)
        output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)  # no tokenizer download (offline)
        return output

    model = get_model("mockllm/model", custom_outputs=[reply(ANSWER), reply("I cannot help.")])
    task = Task(dataset=[Sample(input=PROMPT, id="good"), Sample(input=PROMPT, id="empty")], solver=generate(), scorer=iac_grader())
    (log,) = inspect_eval(task, model=model, log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    scores = {s.id: s.scores["iac_grader"] for s in log.samples}
    expected = grader.grade(grader.make_task(response=ANSWER, prompt=PROMPT)).score
    assert scores["good"].value == expected and scores["empty"].value < expected
    assert scores["good"].metadata["areas"] and "iac-grader score" in scores["good"].explanation
    assert inspect_ai.__version__


def test_promptfoo_eval_with_the_real_cli(tmp_path):
    """A real `promptfoo eval` (echo provider) calling the assertion. promptfoo is a 1.9 GB npm install, so CI does
    not install it; set PROMPTFOO_BIN (or put promptfoo on PATH) to run this test."""
    import shutil
    import subprocess
    import sys

    binary = os.environ.get("PROMPTFOO_BIN") or shutil.which("promptfoo")
    if not binary:
        pytest.skip("promptfoo is not installed (npm install promptfoo; PROMPTFOO_BIN=node_modules/.bin/promptfoo)")
    rubric = tmp_path / "rubric.yaml"
    assert runner.invoke(app, ["grade", str(SAMPLES / "seed-terraform"), "--save-rubric", str(rubric), "-o", os.devnull]).exit_code == 0
    (tmp_path / "answer.md").write_text(ANSWER)
    (tmp_path / "iac_assert.py").write_text("from grader.integrations.promptfoo import get_assert\n")
    check = "      - type: python\n        value: file://iac_assert.py\n        config: {fail_under: 50, rubric: rubric.yaml}\n"
    (tmp_path / "promptfooconfig.yaml").write_text(
        'prompts: ["{{answer}}"]\nproviders: [echo]\ntests:\n'
        f"  - vars: {{answer: file://answer.md}}\n    assert:\n{check}"
        f'  - vars: {{answer: "I cannot help with that."}}\n    assert:\n{check}')
    env = {**os.environ, "PROMPTFOO_PYTHON": sys.executable, "PROMPTFOO_DISABLE_TELEMETRY": "1",
           "PROMPTFOO_DISABLE_UPDATE": "1", "PROMPTFOO_CONFIG_DIR": str(tmp_path / ".promptfoo")}
    subprocess.run([binary, "eval", "-c", "promptfooconfig.yaml", "--no-cache", "-o", "out.json"], cwd=tmp_path, env=env,
                   capture_output=True, timeout=300)  # exits 100 when a test fails, as the second one must
    results = json.loads((tmp_path / "out.json").read_text())["results"]["results"]
    # echo: the rendered prompt is the answer itself, and the assertion grades against it
    expected = grader.grade(grader.make_task(response=ANSWER, prompt=ANSWER), str(rubric)).score
    assert [r["success"] for r in results] == [True, False]
    assert results[0]["score"] == round(expected / 100, 4) and results[1]["score"] < results[0]["score"]
