"""Benchmark the batch grader on a corpus of task folders; prints a markdown report.

    python bench/run.py ../shared/corpus > docs/benchmarks.md

Measures, in one run: cold grading at 1 and 2 workers (fresh cache), a warm re-run (same
inputs: rows come from the cache), a warm run after a rubric change (parsed programs come
from the cache, checks re-run), the time to merely parse the same code with python-hcl2 and
libcst, per-task time against `checkov -d` when checkov is installed, and peak memory.
Figures depend on the machine; targets are in the table.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import hcl2
import libcst

from grader.grade import program_for
from grader.ingest.markdown import extract
from grader.ingest.task import load_task


def run_batch(corpus: str, out: Path, cache: Path, jobs: int, extra: list[str] | None = None) -> float:
    cmd = [sys.executable, "-m", "grader.cli", "batch", corpus, "-o", str(out), "-j", str(jobs), "--quiet",
           "--cache-dir", str(cache), *(extra or [])]
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def parse_only(corpus: str) -> tuple[float, int, int]:
    """Seconds to parse every code file of every answer with the bare parsers (extraction not timed)."""
    texts: list[tuple[str, str]] = []
    tasks = 0
    for folder in sorted(p for p in Path(corpus).glob("*/*") if p.is_dir()):
        task = load_task(str(folder))
        tasks += 1
        for doc in (task.response, task.ideal):
            if doc:
                texts += [(f.language, f.text) for f in extract(doc).files if f.language in ("hcl", "python")]
        texts += [(f.language, f.text) for f in task.code if f.language in ("hcl", "python")]
    started = time.perf_counter()
    for language, text in texts:
        try:
            if language == "hcl":
                hcl2.parses(text if text.endswith("\n") else text + "\n")
            else:
                libcst.parse_module(text)
        except Exception:  # noqa: BLE001 - the baseline only times parsing
            pass
    return time.perf_counter() - started, len(texts), tasks


def grade_in_process(corpus: str) -> float:
    """Seconds to build every Program in this process (extraction + front ends, no checks), for reference."""
    started = time.perf_counter()
    for folder in sorted(p for p in Path(corpus).glob("*/*") if p.is_dir()):
        task = load_task(str(folder))
        for subject in ("response", "ideal", "code"):
            program_for(subject, task)
    return time.perf_counter() - started


def checkov_per_task(corpus: str, limit: int = 10) -> float | None:
    if shutil.which("checkov") is None:
        return None
    folders = sorted(p for p in Path(corpus).glob("tf-hcl/*") if p.is_dir())[:limit]
    total = 0.0
    for folder in folders:
        task = load_task(str(folder))
        with tempfile.TemporaryDirectory() as tmp:
            for f in extract(task.ideal or "").files:
                target = Path(tmp) / f.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(f.text)
            started = time.perf_counter()
            subprocess.run(["checkov", "-d", tmp, "--quiet", "--compact"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            total += time.perf_counter() - started
    return total / max(len(folders), 1)


def main(corpus: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="grader-bench-"))
    try:
        cold1 = run_batch(corpus, work / "c1.jsonl", work / "cache1", 1)
        cold2 = run_batch(corpus, work / "c2.jsonl", work / "cache2", 2)
        warm = run_batch(corpus, work / "w.jsonl", work / "cache2", 2)
        rubric = Path(__file__).resolve().parent.parent / "grader" / "rubric" / "packs" / "aws-security-baseline.yaml"
        warm_rubric = run_batch(corpus, work / "wr.jsonl", work / "cache2", 2, ["--rubric", str(rubric)])
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        identical = (work / "c1.jsonl").read_bytes() == (work / "c2.jsonl").read_bytes() == (work / "w.jsonl").read_bytes()
        parse_seconds, files, tasks = parse_only(corpus)
        build_seconds = grade_in_process(corpus)
        checkov = checkov_per_task(corpus)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    per_task_ms = 1000 * cold1 / max(tasks, 1)
    rows = [
        ("grading time / bare parse time (1 worker, cold)", f"{cold1 / parse_seconds:.2f}", "<= 1.25"),
        ("warm / cold (2 workers; same inputs)", f"{cold2 / warm:.1f}x faster", ">= 20x"),
        ("warm after a rubric change / cold (2 workers)", f"{cold2 / warm_rubric:.1f}x faster", "(parse cache only)"),
        ("2 workers vs 1 (cold)", f"{cold1 / cold2:.2f}x", ">= 1.8x"),
        ("per-task time vs checkov -d", f"{checkov / (per_task_ms / 1000):.0f}x faster" if checkov else "checkov not installed", ">= 30x"),
        ("peak memory of one process (max RSS)", f"{peak_kib / 1024:.0f} MiB", "<= 1 GiB"),
        ("results identical at 1 and 2 workers, cold and warm", "yes" if identical else "NO", "yes"),
    ]
    print("# Benchmarks\n")
    print(f"Generated by `python bench/run.py {corpus}` on {os.cpu_count()} cores ({tasks} tasks, {files} code files).\n")
    print("| measure | value | target |\n|---|---|---|")
    for name, value, target in rows:
        print(f"| {name} | {value} | {target} |")
    print("\n## Raw timings (seconds)\n")
    print(f"- cold, 1 worker: {cold1:.1f}; cold, 2 workers: {cold2:.1f}; warm, 2 workers: {warm:.2f}; "
          f"warm with another rubric: {warm_rubric:.1f}")
    print(f"- bare python-hcl2 + libcst parse of the same files: {parse_seconds:.1f}; "
          f"extraction + front ends in one process (no checks): {build_seconds:.1f}")
    print(f"- per task, cold, 1 worker: {per_task_ms:.0f} ms")
    if checkov:
        print(f"- checkov -d per task (first 10 tf-hcl ideal answers): {checkov * 1000:.0f} ms")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus")
