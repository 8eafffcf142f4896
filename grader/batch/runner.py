"""Run many items in parallel; every finished item becomes one JSON line at once.

Crash-proof by construction: workers are plain processes the runner can kill; an item that
raises, times out, kills its worker or is oversize becomes an error row; each row is written
and fsync'd when it completes, so kill -9 loses nothing finished, and `--resume` skips rows
already present (by content key). When a run completes, the file is rewritten sorted by
(task, model, sample), so the same inputs give byte-identical output whatever the workers.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import queue
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..ingest.task import InputError, load_task, nothing_to_grade
from . import cache
from .items import Item


@dataclass
class Summary:
    total: int = 0
    skipped: int = 0
    graded: int = 0
    errors: int = 0
    seconds: float = 0.0


def grade_item(item: Item, rubric_path: str | None) -> dict[str, Any]:
    """The result row for one item; never raises."""
    row: dict[str, Any] = {"key": item.key, "task": item.task, "model": item.model, "sample": item.sample}
    if item.error or item.oversize:
        return {**row, "status": "error", "error": item.error or "answer is over the size limit; not graded", "result": None}
    if cache.ACTIVE is not None:  # the key covers inputs, rubric and grader version: a hit is the same row
        return cache.ACTIVE.get_or_build("row", (item.key,), lambda: _grade(item, rubric_path, row))
    return _grade(item, rubric_path, row)


def _grade(item: Item, rubric_path: str | None, row: dict[str, Any]) -> dict[str, Any]:
    try:
        from ..grade import grade_task
        from ..rubric import resolve_rubric

        task = load_task(item.path)
        if item.response is not None:  # one model's answer, graded against the task's prompt
            task.response, task.ideal, task.code = item.response, None, []
            subjects: tuple[str, ...] = ("response",)
        else:
            subjects = ("response", "ideal", "code")
        rubric = resolve_rubric(task, rubric_path)
        result = grade_task(task, rubric, subjects=subjects)
        if not result["subjects"]:
            return {**row, "status": "error", "error": nothing_to_grade(task), "result": None}
        return {**row, "status": "ok", "error": None, "result": result}
    except InputError as exc:
        return {**row, "status": "error", "error": str(exc), "result": None}
    except Exception as exc:  # noqa: BLE001 - one bad item must not sink a run
        return {**row, "status": "error", "error": f"{type(exc).__name__}: {str(exc)[:300]}", "result": None}


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Complete rows of a results file; a torn last line (kill -9 mid-write) is ignored."""
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.endswith("\n"):
                break
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(row, dict) and "key" in row:
                yield row


class ResultsFile:
    """Append-only, fsync'd JSON lines."""

    def __init__(self, path: Path, resume: bool):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        if resume and path.exists():
            self._drop_torn_tail()
        else:
            path.write_text("")
        self.handle = path.open("a", encoding="utf-8")

    def _drop_torn_tail(self) -> None:
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            with self.path.open("r+b") as handle:
                handle.truncate(data.rfind(b"\n") + 1)

    def write(self, row: dict[str, Any]) -> None:
        self.handle.write(json.dumps(row, sort_keys=True, separators=(",", ":")) + "\n")
        self.handle.flush()
        os.fsync(self.handle.fileno())

    def finish(self) -> None:
        """Rewrite sorted (atomically), so output does not depend on completion order."""
        self.handle.close()
        rows = {row["key"]: row for row in read_rows(self.path)}
        ordered = sorted(rows.values(), key=lambda r: (r.get("task") or "", r.get("model") or "", r.get("sample") or 0, r["key"]))
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            for row in ordered:
                handle.write(json.dumps(row, sort_keys=True, separators=(",", ":")) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)


def _worker(inbox, outbox, rubric_path: str | None, cache_dir: str | None) -> None:
    cache.configure(cache_dir)
    while True:
        message = inbox.get()
        if message is None:
            return
        index, item = message
        outbox.put((index, grade_item(item, rubric_path)))


class _Slot:
    def __init__(self, ctx, outbox, rubric_path, cache_dir):
        self.inbox = ctx.Queue()
        self.process = ctx.Process(target=_worker, args=(self.inbox, outbox, rubric_path, cache_dir), daemon=True)
        self.process.start()
        self.index: int | None = None
        self.started = 0.0


def run_local(items: list[Item], results: ResultsFile, jobs: int, timeout: float, rubric_path: str | None,
              cache_dir: str | None, progress) -> int:
    """Grade items on `jobs` worker processes; returns the number of error rows."""
    ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context("spawn")
    outbox = ctx.Queue()
    slots = [_Slot(ctx, outbox, rubric_path, cache_dir) for _ in range(max(1, min(jobs, len(items))))]
    pending = list(enumerate(items))
    pending.reverse()
    done = errors = 0
    try:
        while done < len(items):
            for slot in slots:
                if slot.index is None and pending:
                    index, item = pending.pop()
                    slot.index, slot.started = index, time.monotonic()
                    slot.inbox.put((index, item))
            try:
                index, row = outbox.get(timeout=0.1)
            except queue.Empty:
                index, row = None, None
            if row is not None:
                for slot in slots:
                    if slot.index == index:
                        slot.index = None
                results.write(row)
                errors += row["status"] != "ok"
                done += 1
                progress(items[index])
            now = time.monotonic()
            for i, slot in enumerate(slots):
                if slot.index is None:
                    continue
                dead = not slot.process.is_alive()
                if dead or now - slot.started > timeout:
                    item = items[slot.index]
                    reason = f"worker died (exit code {slot.process.exitcode})" if dead else f"timed out after {timeout:g} s"
                    slot.process.kill()
                    slot.process.join()
                    results.write({"key": item.key, "task": item.task, "model": item.model, "sample": item.sample,
                                   "status": "error", "error": reason, "result": None})
                    errors += 1
                    done += 1
                    progress(item)
                    slots[i] = _Slot(ctx, outbox, rubric_path, cache_dir)
    finally:
        for slot in slots:
            if slot.process.is_alive():
                slot.inbox.put(None)
        for slot in slots:
            slot.process.join(timeout=2)
            if slot.process.is_alive():
                slot.process.kill()
    return errors


def run_ray(items: list[Item], results: ResultsFile, jobs: int, timeout: float, rubric_path: str | None,
            cache_dir: str | None, progress) -> int:
    """The same semantics on a Ray cluster (`ray.init()` honours RAY_ADDRESS)."""
    try:
        import ray
    except ImportError as exc:
        raise InputError("--executor ray needs the optional extra: pip install '.[ray]'") from exc
    if not ray.is_initialized():
        ray.init(ignore_reinit_error=True, include_dashboard=False, log_to_driver=False)

    @ray.remote(max_retries=0)
    def remote_grade(item: Item) -> dict[str, Any]:
        cache.configure(cache_dir)
        return grade_item(item, rubric_path)

    pending = list(items)
    pending.reverse()
    running: dict[Any, tuple[Item, float]] = {}
    errors = 0
    while pending or running:
        while pending and len(running) < max(1, jobs):
            item = pending.pop()
            running[remote_grade.remote(item)] = (item, time.monotonic())
        ready, _ = ray.wait(list(running), num_returns=1, timeout=0.2)
        for ref in ready:
            item, _ = running.pop(ref)
            try:
                row = ray.get(ref)
            except Exception as exc:  # noqa: BLE001 - a lost worker is an error row
                row = {"key": item.key, "task": item.task, "model": item.model, "sample": item.sample,
                       "status": "error", "error": f"worker failed: {type(exc).__name__}", "result": None}
            results.write(row)
            errors += row["status"] != "ok"
            progress(item)
        now = time.monotonic()
        for ref, (item, started) in list(running.items()):
            if now - started > timeout:
                ray.cancel(ref, force=True)
                running.pop(ref)
                results.write({"key": item.key, "task": item.task, "model": item.model, "sample": item.sample,
                               "status": "error", "error": f"timed out after {timeout:g} s", "result": None})
                errors += 1
                progress(item)
    return errors


def run_batch(items: list[Item], output: Path, jobs: int, timeout: float, rubric_path: str | None = None,
              resume: bool = False, cache_dir: str | None = None, executor: str = "local", quiet: bool = True) -> Summary:
    started = time.monotonic()
    done_keys = {row["key"] for row in read_rows(output)} if resume else set()
    todo = [item for item in items if item.key not in done_keys]
    summary = Summary(total=len(items), skipped=len(items) - len(todo))
    results = ResultsFile(output, resume)
    run = run_ray if executor == "ray" else run_local
    with _progress(len(todo), quiet) as progress:
        summary.errors = run(todo, results, jobs, timeout, rubric_path, cache_dir, progress) if todo else 0
    results.finish()
    if cache_dir:
        cache.Cache(cache_dir).prune()
    summary.graded = len(todo)
    summary.seconds = time.monotonic() - started
    return summary


class _progress:
    """A rich progress bar with rate and ETA, or nothing when quiet."""

    def __init__(self, total: int, quiet: bool):
        self.total, self.quiet = total, quiet

    def __enter__(self):
        if self.quiet or not self.total:
            return lambda item: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task):
                return Text(f"{task.speed:.1f} items/s" if task.speed else "- items/s")

        from rich.console import Console

        self.bar = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), Rate(), TimeRemainingColumn(),
                            TextColumn("{task.description}"), transient=False, console=Console(stderr=True))
        self.bar.start()
        self.task = self.bar.add_task("", total=self.total)
        return lambda item: self.bar.update(self.task, advance=1, description=item.label()[:40])

    def __exit__(self, *exc):
        if not self.quiet and self.total:
            self.bar.stop()
        return False
