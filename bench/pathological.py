"""Pathological answers: generate each case as a task folder, run `grader grade` on it, print a table.

    python bench/pathological.py [--timeout 180] [--only py-not,md-fences] [--scale 1.0]

One fresh `grader grade` process per case (as a user would run it), timed wall-clock, with the
child's peak resident memory (max RSS from wait4) and how it ended: exit code, or the signal
that killed it. The measuring parent puts a 6 GiB address-space cap on the child so a runaway
case cannot take the machine down; the grader's own limits are what is being measured.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROMPT = "Create an S3 bucket with versioning in Terraform.\n"


def _py(body: str) -> str:
    return f"```python\n# tap_stack.py\nimport pulumi\n{body}\n```\n"


def _hcl(body: str) -> str:
    return f"```hcl\n# main.tf\n{body}\n```\n"


def cases(scale: float) -> dict[str, tuple[str, str]]:
    """name -> (PROMPT.md text, MODEL_RESPONSE.md text)."""
    n = max(10, int(10_000 * scale))
    big = max(10, int(100_000 * scale))
    resource_block = 'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "b-{i}"\n  tags   = {{ Name = "b{i}" }}\n}}\n'
    return {
        "py-not": (PROMPT, _py("x = " + "not " * n + "y")),
        "py-unary-minus": (PROMPT, _py("x = " + "-" * n + "1")),
        "py-lambda": (PROMPT, _py("f = " + "lambda: " * n + "0")),
        "py-binop-chain": (PROMPT, _py("x = " + " + ".join(["a"] * n))),
        "py-attribute-chain": (PROMPT, _py("x = a" + ".b" * n)),
        "py-call-chain": (PROMPT, _py("x = f" + "()" * n)),
        "py-subscript-chain": (PROMPT, _py("x = a" + "[0]" * n)),
        "py-conditional": (PROMPT, _py("x = " + "1 if a else " * n + "0")),
        "py-power": (PROMPT, _py("x = " + " ** ".join(["2"] * n))),
        "py-brackets": (PROMPT, _py("x = " + "(" * n + "1" + ")" * n)),
        "py-100k-lines": (PROMPT, _py("\n".join(f"v{i} = {i}" for i in range(big)))),
        "md-100k-fences": (PROMPT, "".join(f"```hcl\nlocals {{ a{i} = {i} }}\n```\n\n" for i in range(big))),
        "prompt-one-line-8mb": ("Create an S3 bucket " + "with versioning and encryption, " * int(250_000 * scale) + "\n",
                                _hcl('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}')),
        "tf-20k-resources": (PROMPT, _hcl("".join(resource_block.format(i=i) for i in range(int(20_000 * scale))))),
        "tf-nested-conditionals": (PROMPT, _hcl("locals {\n  x = " + "var.a ? 1 : " * int(3_000 * scale) + "0\n}")),
        "tf-brackets": (PROMPT, _hcl("locals {\n  x = " + "[" * n + "1" + "]" * n + "\n}")),
        # Within the limits, at half and at the full limit: the time should double, not quadruple.
        **{f"py-chains-{k}-lines": (PROMPT, _py("\n".join(f"x{i} = a" + ".b" * 100 for i in range(k))))
           for k in (245, 490)},
        **{f"py-{k}k-lines": (PROMPT, _py("\n".join(f"v{i} = {i}" for i in range(k * 1000 - 10)))) for k in (10, 20)},
        **{f"md-{k}-fences": (PROMPT, "".join(f"```hcl\nlocals {{ a{i} = {i} }}\n```\n\n" for i in range(k // 2)))
           for k in (1000, 2000)},
        **{f"prompt-one-line-{k}k": (("Create an S3 bucket with versioning and encryption, " * (k * 20))[:k * 1000 - 1] + "\n",
                                     _hcl('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}')) for k in (100, 200)},
    }


def run_case(folder: Path, timeout: float) -> tuple[float, float, str, str]:
    """(seconds, peak MiB, outcome, first line of stderr) for one `grader grade` run."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))

    cmd = [sys.executable, "-m", "grader.cli", "grade", str(folder), "-o", str(folder / "result.json")]
    started = time.perf_counter()
    with open(folder / "stderr.txt", "wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, preexec_fn=cap, start_new_session=True)
        deadline = started + timeout
        status = rusage = None
        while time.perf_counter() < deadline:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.05)
        else:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, rusage = os.wait4(proc.pid, 0)
            status = None
    seconds = time.perf_counter() - started
    peak = rusage.ru_maxrss / 1024 if rusage else 0.0
    if status is None:
        outcome = f"killed after {timeout:g} s"
    elif os.WIFSIGNALED(status):
        outcome = f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    else:
        outcome = f"exit {os.WEXITSTATUS(status)}"
    lines = (folder / "stderr.txt").read_text(errors="replace").strip().splitlines()
    message = lines[-1][:100] if lines else ""
    if (folder / "result.json").exists():  # the first limit finding, if any
        result = json.loads((folder / "result.json").read_text())
        found = [f["message"] for s in result["subjects"] for f in s["findings"] if f["check"] == "STR007"]
        message = message or (found[0][:100] if found else f"graded, {len(result['subjects'][0]['files'])} file(s)")
    return seconds, peak, outcome, message


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--only", default="")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    wanted = set(filter(None, args.only.split(",")))
    print("| case | input | time (s) | peak RSS (MiB) | outcome | finding or stderr |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (prompt, response) in cases(args.scale).items():
            if wanted and name not in wanted:
                continue
            folder = Path(tmp) / name
            folder.mkdir()
            (folder / "PROMPT.md").write_text(prompt)
            (folder / "MODEL_RESPONSE.md").write_text(response)
            seconds, peak, outcome, err = run_case(folder, args.timeout)
            size = len(prompt) + len(response)
            print(f"| {name} | {size / 1e6:.1f} MB | {seconds:.1f} | {peak:.0f} | {outcome} | {err.replace('|', '/')} |", flush=True)


if __name__ == "__main__":
    main()
