"""Ground truth for Python answers: run the real toolchain on them (development time only).

    python tools/synth_oracle.py CORPUS [--platform cdk|pulumi|cdktf ...] [--subject response|ideal ...]
                                 [--sample N] [--jobs 2] [--timeout 240] [--venv /work/devtools/venv] > oracle.jsonl

For each answer (MODEL_RESPONSE.md / IDEAL_RESPONSE.md of a pulumi-py, cdk-py or cdktf-py task) the
files the grader extracts (grader.ingest.markdown.extract) are written to a scratch directory and run
by tools/oracle_runner.py in the oracle virtualenv (tools/setup_oracle_env.sh): CDK `app.synth()`,
Pulumi under `pulumi.runtime.set_mocks`, CDKTF `app.synth()`; with a timeout, no network (a fresh
network namespace when `unshare -n` works) and a throwaway HOME. One JSON line per answer:

    {"task": "cdk-py/Pr1342", "subject": "response", "platform": "cdk", "verdict": "rejected",
     "error": "TypeError: ...", "where": "lib/tap_stack.py:40", "entry": "tap.py", "seconds": 12.3}

verdict: accepted | rejected (the error's first line) | environment (a context lookup, a missing asset
or file, credentials, stack configuration, a package the oracle does not install; not a defect of the
answer) | timeout. Nothing here is imported by grader/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from grader.ingest.markdown import clean_path, extract  # noqa: E402

RUNNER = Path(__file__).resolve().parent / "oracle_runner.py"
PLATFORMS = {"cdk-py": "cdk", "pulumi-py": "pulumi", "cdktf-py": "cdktf"}
SUBJECTS = {"response": "MODEL_RESPONSE.md", "ideal": "IDEAL_RESPONSE.md"}
TOOLCHAIN = ("aws_cdk", "constructs", "pulumi", "pulumi_aws", "cdktf", "cdktf_cdktf_provider_aws")
# Failures of the setting, not of the answer: what a real pipeline supplies (context, assets, config,
# credentials, other providers) and this scratch run does not.
ENVIRONMENT = re.compile(
    r"context provider|from_lookup|Cannot find asset|asset.*(does not exist|not found)|no such file or directory"
    r"|Unable to locate credentials|NoCredentialsError|NoRegionError|credentials|Missing required configuration variable"
    r"|ConfigMissingError|docker|bundling|KeyError: '(CDK_|AWS_|PULUMI_)|account.*region.*not specified"
    r"|Could not connect|Name or service not known|Connection refused|EndpointConnectionError", re.I)


def _venv_python(venv: str) -> str:
    return str(Path(venv) / "bin" / "python")


def _network_off() -> list[str]:
    try:
        subprocess.run(["unshare", "-n", "true"], check=True, capture_output=True, timeout=10)
        return ["unshare", "-n"]
    except (OSError, subprocess.SubprocessError):
        return []  # falls back to dead proxies (set in the environment below)


def classify(raw: dict, answer_modules: set[str], platform: str = "") -> tuple[str, str]:
    """(verdict, error line) from the runner's report."""
    if raw.get("ok"):
        return "accepted", ""
    kind, message = raw.get("type", ""), raw.get("message", "")
    first = next((line.strip() for line in message.splitlines() if line.strip()), "")
    error = f"{kind}: {first}" if kind else first
    if kind in ("ModuleNotFoundError", "ImportError"):
        m = re.search(r"No module named '([\w.]+)'", message)
        top = m.group(1).split(".")[0] if m else ""
        if top and top not in TOOLCHAIN and top not in answer_modules:
            return "environment", error  # a package the oracle does not install (boto3 helpers, other providers)
    if kind in ("FileNotFoundError", "ConfigMissingError") or ENVIRONMENT.search(f"{kind}: {message}"):
        return "environment", error
    if raw.get("in_apply") and kind in ("TypeError", "AttributeError", "KeyError", "IndexError"):
        return "environment", f"{error} (inside apply: a value the mocks do not supply)"
    if platform == "pulumi" and re.search(r"NoneType|Missing required property|expected str instance, NoneType", message):
        # Under mocks, invoke results and outputs the mocks do not know are None: not the answer's doing.
        return "environment", f"{error} (None from a mocked invoke or output)"
    if kind == "LookupError" and "no entry point" in message:
        return "environment", error
    if kind == "TypeError" and raw.get("where", "").startswith("oracle_runner.py"):
        # No entry point: the oracle's driver called the stack class and got its arguments wrong, not the answer.
        return "environment", f"{error} (the oracle's driver could not call the stack class)"
    return "rejected", error


def reclassify(record: dict) -> dict:
    """A stored record's verdict under the current rules (the error line keeps the exception's type)."""
    if record.get("verdict") not in ("rejected", "environment") or ": " not in record.get("error", ""):
        return record
    kind, _, message = record["error"].partition(": ")
    if kind == "ModuleNotFoundError" or " (" in message[-60:] and message.endswith(")"):
        return record  # needs the answer's file list, or already annotated
    verdict, error = classify({"ok": False, "type": kind, "message": message, "where": record.get("where", "")}, set(),
                              record.get("platform", ""))
    return {**record, "verdict": verdict, "error": error}


def run_one(task_dir: Path, subject: str, args, netns: list[str]) -> dict:
    platform = PLATFORMS[task_dir.parent.name]
    record = {"task": f"{task_dir.parent.name}/{task_dir.name}", "subject": subject, "platform": platform}
    document = task_dir / SUBJECTS[subject]
    if not document.exists():
        return {**record, "verdict": "missing", "error": f"no {document.name}"}
    extraction = extract(document.read_text(errors="replace"))
    with tempfile.TemporaryDirectory(prefix="oracle-") as scratch:
        src = Path(scratch) / "src"
        home = Path(scratch) / "home"
        src.mkdir()
        home.mkdir()
        for source in extraction.files:
            path = src / clean_path(source.path)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(source.text)
        shutil.copy(RUNNER, src / "oracle_runner.py")
        answer_modules = {p.split("/")[0].removesuffix(".py") for p in (clean_path(s.path) for s in extraction.files)}
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
            "CDK_DEFAULT_ACCOUNT": "123456789012", "CDK_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1", "CDK_OUTDIR": str(Path(scratch) / "cdk.out"),
            "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "",
            "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1", "JSII_DEPRECATED": "quiet",
            "PULUMI_CONFIG_PASSPHRASE": "oracle", "ENVIRONMENT_SUFFIX": "dev",
        }
        cdk_json = src / "cdk.json"
        if platform == "cdk" and cdk_json.exists():  # the CLI passes cdk.json's context; so does the oracle
            try:
                env["CDK_CONTEXT_JSON"] = json.dumps(json.loads(cdk_json.read_text()).get("context", {}))
            except (ValueError, AttributeError):
                pass
        started = time.monotonic()
        proc = subprocess.Popen(netns + [_venv_python(args.venv), "oracle_runner.py", platform], cwd=src, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return {**record, "verdict": "timeout", "error": f"no result in {args.timeout}s",
                    "seconds": round(time.monotonic() - started, 1)}
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # jsii's node child, if it outlived the runner
            except ProcessLookupError:
                pass
        seconds = round(time.monotonic() - started, 1)
    marker = out.rfind("@@ORACLE@@")
    if marker < 0:
        tail = next((line for line in reversed(err.splitlines()) if line.strip()), f"exit status {proc.returncode}")
        return {**record, "verdict": "rejected", "error": f"runner died: {tail[:300]}", "seconds": seconds}
    raw = json.loads(out[marker + len("@@ORACLE@@"):].strip().splitlines()[0])
    verdict, error = classify(raw, answer_modules, platform)
    return {**record, "verdict": verdict, "error": error[:300], "where": raw.get("where", ""),
            "entry": raw.get("entry", ""), "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--platform", action="append", choices=sorted(PLATFORMS.values()))
    parser.add_argument("--subject", action="append", choices=sorted(SUBJECTS))
    parser.add_argument("--task", action="append", help="only these tasks (cdk-py/Pr1342)")
    parser.add_argument("--sample", type=int, help="a seeded random sample of this many answers")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=240)
    parser.add_argument("--venv", default=os.environ.get("ORACLE_VENV", "/work/devtools/venv"))
    args = parser.parse_args(argv)
    if not Path(_venv_python(args.venv)).exists():
        print(f"error: no oracle virtualenv at {args.venv} (run sh tools/setup_oracle_env.sh {args.venv})", file=sys.stderr)
        return 2
    platforms = set(args.platform or PLATFORMS.values())
    jobs = [(task_dir, subject)
            for folder, platform in sorted(PLATFORMS.items()) if platform in platforms
            for task_dir in sorted(p for p in (Path(args.corpus) / folder).glob("*") if p.is_dir())
            if not args.task or f"{folder}/{task_dir.name}" in args.task
            for subject in (args.subject or sorted(SUBJECTS))]
    if args.sample and args.sample < len(jobs):
        jobs = sorted(random.Random(0).sample(jobs, args.sample))
    netns = _network_off()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for record in pool.map(lambda job: run_one(*job, args, netns), jobs):
            print(json.dumps(record, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
