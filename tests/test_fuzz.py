"""Fuzzing: markdown answers, HCL, Python and prompts generated and mutated from the samples' snippets.

Property, for every generated input: grading raises nothing, finishes in bounded time and
memory, and its result validates against docs/output.schema.json.

The CI budget is small (FUZZ_EXAMPLES, default 100 per target, fixed seed). Long runs:
`make fuzz` (FUZZ_EXAMPLES=25000, random seed, statistics printed; FUZZ_LOG=file records every
input's time and the peak memory; see docs/reliability.md).
"""

from __future__ import annotations

import os
import re
import resource
import time

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.grade import grade_task
from grader.ingest.task import Task
from grader.rubric.derive import derive_rubric

from .conftest import SAMPLES

LONG_RUN = "FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
LOG = os.environ.get("FUZZ_LOG")  # long runs: one line per input (target, seconds, peak MiB) for docs/reliability.md
SECONDS_PER_INPUT = 20.0  # generous: shared CI machines; the long run records the real maximum
MEMORY_MB = 2048  # peak resident memory of the test process must stay under this

FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG_RUN, database=None,
                suppress_health_check=list(HealthCheck), print_blob=True)


def _chunks(text: str) -> list[str]:
    """Top-level pieces of a file (split at blank lines), 1 to 4 consecutive ones joined."""
    parts = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return ["\n\n".join(parts[i:i + n]) + "\n" for i in range(len(parts)) for n in (1, 2, 4) if i + n <= len(parts)]


def _seeds() -> dict[str, list[str]]:
    seeds: dict[str, list[str]] = {"hcl": [], "python": [], "prompt": [], "markdown": []}
    for path in sorted(SAMPLES.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".tf":
            seeds["hcl"] += _chunks(text)
        elif path.suffix == ".py":
            seeds["python"] += _chunks(text)
        elif path.name == "PROMPT.md":
            seeds["prompt"] += _chunks(text) + [text]
        elif path.name.endswith("RESPONSE.md"):
            seeds["markdown"] += _chunks(text)
    return seeds


SEEDS = _seeds()
TOKENS = {
    "hcl": ["{", "}", "[", "]", "(", ")", '"', "${", "%{", "<<EOF\n", "<<-EOT\n", "\nEOF\n", "?", ":", "=", ".", "*", "#",
            "//", "/*", "*/", "\n", " ", ",", "...", "\\", "\t", "=>", "for x in var.l :", 'resource "aws_s3_bucket" "b" {',
            'data "aws_iam_policy_document" "p" {', "var.", "local.", "aws_vpc.main.id", "count = 2", "for_each = ",
            'module "m" {\n source = "./modules/x"\n}', "dynamic \"ingress\" {", "provider = aws.west", "\x00", "é", "\ufeff"],
    "python": ["(", ")", "[", "]", "{", "}", ":", ".", ",", "=", "\n", "    ", "\t", "'", '"', '"""', "#", "\\", "lambda: ",
               "not ", " if a else ", "**", "@", "import pulumi\n", "import aws_cdk as cdk\n", "from cdktf import App\n",
               "from constructs import Construct\n", "class TapStack(cdk.Stack):\n", "def f(self):\n", "self.", "s3.Bucket(self, 'b')",
               "aws.s3.Bucket('b')", "for i in range(3):\n", "*", "async ", "await ", "yield ", "é", "\x00", "\r"],
    "prompt": ["\n", "# ", "## Requirements\n", "- ", "must ", "not ", "only ", "encrypt", "KMS", "tags: `Name`, `Env`",
               "3 availability zones", "us-east-1", "port 443", "{env}-bucket", "30 days", "python3.12", "versioning",
               "optional", "already exists", ". ", "`main.tf`", "multi-AZ", "t3.micro", "alarms to SNS", "*", "`"],
    "markdown": ["```", "```hcl\n", "```python\n", "```markdown\n", "~~~\n", "````\n", "\n", "# ", "## Answer\n", "### Reasoning Trace\n",
                 "**main.tf**\n", "`lib/tap_stack.py`:\n", "## File: variables.tf\n", "(continued)", "(additional variables)",
                 "├── ", "> ", "    ", "<!-- -->", "# ... rest unchanged\n"],
}
NAMES = ["main.tf", "variables.tf", "outputs.tf", "lib/tap_stack.py", "tap.py", "__main__.py", "modules/vpc/main.tf",
         "../../etc/passwd", "/abs/x.tf", "a b.tf", "tests/test_x.py", "Pulumi.yaml", "cdk.json", "x.json", ""]
INFOS = ["hcl", "terraform", "python", "py", "", "yaml", "json", "bash", "markdown", "typescript", "hcl title=\"x.tf\"", "text"]


@st.composite
def mutated(draw, kind: str) -> str:
    """A seed snippet after 0-5 random edits: insertions of syntax, deletions, cuts, splices and repeats.

    Repeating a short slice many times makes long chains, deep nesting and many fences: the
    inputs that crashed or stalled the parsers before the budgets.
    """
    text = draw(st.sampled_from(SEEDS[kind]))
    for _ in range(draw(st.integers(0, 5))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 60)))
        op = draw(st.sampled_from(["insert", "insert", "text", "delete", "truncate", "splice", "repeat"]))
        if op == "insert":
            text = text[:i] + draw(st.sampled_from(TOKENS[kind])) + text[i:]
        elif op == "text":
            text = text[:i] + draw(st.text(max_size=12)) + text[i:]
        elif op == "delete":
            text = text[:i] + text[j:]
        elif op == "truncate":
            text = text[:i]
        elif op == "splice":
            text = text[:i] + draw(st.sampled_from(SEEDS[kind])) + text[i:]
        else:
            text = text[:i] + text[i:j] * draw(st.sampled_from([2, 3, 10, 50, 300])) + text[j:]
    return text


@st.composite
def answers(draw) -> str:
    """A model answer: prose, headings and fences (named or not, closed or not) around generated code."""
    parts = []
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["### Reasoning Trace\nthinking\n", "Here is the solution.\n", ""])))
    for _ in range(draw(st.integers(0, 5))):
        name = draw(st.sampled_from(NAMES))
        label = draw(st.sampled_from(["## {}\n\n", "**{}**\n\n", "Create `{}`:\n\n", "", "### File: {} (continued)\n\n"]))
        info = draw(st.sampled_from(INFOS))
        code = draw(st.one_of(mutated("hcl"), mutated("python"), st.sampled_from(['{"a": 1}\n', "a: [1\n", "echo hi\n"])))
        first = f"# {name}\n" if draw(st.booleans()) else ""
        parts.append(f"{label.format(name)}```{info}\n{first}{code}" + ("```\n\n" if draw(st.integers(0, 5)) else ""))
        if draw(st.integers(0, 3)) == 0:
            parts.append("## Answer\n\n")
    text = "".join(parts)
    if draw(st.booleans()):
        text = draw(mutated("markdown")) + text
    return text


@pytest.fixture(scope="module")
def validator(output_schema):
    return jsonschema.Draft202012Validator(output_schema)  # built once: validate() would rebuild it per input


def _check(task: Task, rubric, validator, target: str) -> None:
    started = time.perf_counter()
    result = grade_task(task, rubric)
    elapsed = time.perf_counter() - started
    validator.validate(result)
    if LOG:
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(f"{target} {elapsed:.4f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}\n")
    assert elapsed < SECONDS_PER_INPUT, f"grading took {elapsed:.1f} s"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak < MEMORY_MB, f"peak memory {peak:.0f} MiB"


PLATFORMS = st.sampled_from([("terraform", "hcl"), ("pulumi", "python"), ("cdk", "python"), ("cdktf", "python"), (None, None)])


@FUZZ
@given(answer=answers(), platform=PLATFORMS)
def test_fuzz_markdown_answers(answer, platform, validator):
    _check(Task(id="fuzz", path="fuzz", response=answer, platform=platform[0], language=platform[1]), None, validator, "markdown")


@FUZZ
@given(files=st.lists(st.tuples(st.sampled_from(["main.tf", "variables.tf", "modules/vpc/main.tf", "x.tfvars"]),
                                mutated("hcl")), min_size=1, max_size=3))
def test_fuzz_hcl(files, validator):
    from grader.ir import SourceFile

    code = [SourceFile(path, "hcl", text) for path, text in dict(files).items()]
    _check(Task(id="fuzz", path="fuzz", code=code, platform="terraform", language="hcl"), None, validator, "hcl")


@FUZZ
@given(text=mutated("python"), platform=st.sampled_from(["pulumi", "cdk", "cdktf"]))
def test_fuzz_python(text, platform, validator):
    from grader.ir import SourceFile

    code = [SourceFile("lib/tap_stack.py", "python", text), SourceFile("Pulumi.yaml", "yaml", "name: x\nruntime: python\n")]
    _check(Task(id="fuzz", path="fuzz", code=code, platform=platform, language="python"), None, validator, "python")


@FUZZ
@given(prompt=mutated("prompt"), answer=st.sampled_from(SEEDS["markdown"]))
def test_fuzz_prompts(prompt, answer, validator):
    rubric = derive_rubric(prompt, platform="terraform", language="hcl")
    _check(Task(id="fuzz", path="fuzz", prompt=prompt, response=answer, platform="terraform", language="hcl"), rubric, validator, "prompt")
