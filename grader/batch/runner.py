"""Run many items in parallel; every finished item becomes one JSON line at once.

Crash-proof by construction: workers are plain processes the runner can kill; an item that
raises, times out, kills its worker or is oversize becomes an error row; each row is written
and fsync'd when it completes, so kill -9 loses nothing finished, and `--resume` skips rows
already present (by content key: inputs, rubric and grader version; a row of the same task,
model and sample under another key is stale and graded again). When a run completes, the file is
rewritten sorted by (task, model, sample), so the same inputs give byte-identical output whatever
the workers. SIGINT and SIGTERM stop the workers and keep every finished row (`Summary.interrupted`).
"""

from __future__ import annotations

import fcntl
import json
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .. import __version__, isolation
from ..ingest.task import InputError, load_task, nothing_to_grade
from . import cache
from .items import Item


@dataclass
class Summary:
    total: int = 0
    skipped: int = 0
    graded: int = 0
    errors: int = 0
    stale: int = 0  # rows of the same identity under an old key (rubric or grader changed), regraded
    interrupted: str | None = None  # the signal's name when a run was stopped
    seconds: float = 0.0


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived during a run."""


def _interrupt(signum, frame) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not break the clean stop
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signal.Signals(signum).name)


def base_row(item: Item) -> dict[str, Any]:
    """The fields every row of an item carries, whatever its outcome."""
    return {"key": item.key, "task": item.task, "model": item.model, "sample": item.sample,
            "grader_version": __version__, "rubric": item.rubric}


def error_row(item: Item, error: str) -> dict[str, Any]:
    return {**base_row(item), "status": "error", "error": error, "result": None}


def grade_item(item: Item, rubric_path: str | None) -> dict[str, Any]:
    """The result row for one item; never raises."""
    row = base_row(item)
    if item.error or item.oversize:
        return error_row(item, item.error or "answer is over the size limit; not graded")
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
            task.document_problems.pop("MODEL_RESPONSE.md", None)  # the row's answer replaces the folder's
            subjects: tuple[str, ...] = ("response",)
        else:
            subjects = ("response", "ideal", "code")
        rubric = resolve_rubric(task, rubric_path)
        result = grade_task(task, rubric, subjects=subjects)
        if not result["subjects"]:
            return {**row, "status": "error", "error": nothing_to_grade(task), "result": None}
        meta = {k: v for k, v in task.metadata.items() if isinstance(v, (str, int, float, bool))}  # for --by
        return {**row, "status": "ok", "error": None, "result": result, "meta": meta}
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

    def __init__(self, path: Path, resume: bool, drop: frozenset[str] = frozenset()):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        if resume and path.exists():
            self._drop_torn_tail()
            if drop:
                self._rewrite([row for row in read_rows(path) if row["key"] not in drop])
        else:
            path.write_text("")
        self.handle = path.open("a", encoding="utf-8")
        self.written = self.errors = 0

    def _drop_torn_tail(self) -> None:
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            with self.path.open("r+b") as handle:
                handle.truncate(data.rfind(b"\n") + 1)

    def write(self, row: dict[str, Any]) -> None:
        self.handle.write(json.dumps(row, sort_keys=True, separators=(",", ":")) + "\n")
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.written += 1
        self.errors += row["status"] != "ok"

    def finish(self) -> None:
        """Rewrite sorted (atomically), so output does not depend on completion order."""
        self.handle.close()
        rows = {row["key"]: row for row in read_rows(self.path)}
        self._rewrite(sorted(rows.values(), key=lambda r: (r.get("task") or "", r.get("model") or "", r.get("sample") or 0, r["key"])))

    def _rewrite(self, ordered: list[dict[str, Any]]) -> None:
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            for row in ordered:
                handle.write(json.dumps(row, sort_keys=True, separators=(",", ":")) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)


def _worker(inbox, outbox, rubric_path: str | None, cache_dir: str | None, memory_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the runner stops workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    cache.configure(cache_dir)
    isolation.cap_memory(memory_mb)
    while True:
        message = inbox.get()
        if message is None:
            return
        index, item, isolate = message
        isolation.ISOLATE_FILES = isolate  # a retry after this item killed a worker: probe each file alone
        outbox.put((index, grade_item(item, rubric_path)))


class _Slot:
    def __init__(self, ctx, outbox, rubric_path, cache_dir, memory_mb):
        self.inbox = ctx.Queue()
        self.process = ctx.Process(target=_worker, args=(self.inbox, outbox, rubric_path, cache_dir, memory_mb), daemon=True)
        self.process.start()
        self.index: int | None = None
        self.started = 0.0

    def stop(self) -> None:
        self.inbox.cancel_join_thread()  # an unread message must not block the runner's exit
        self.process.kill()
        self.process.join()


def run_local(items: list[Item], results: ResultsFile, jobs: int, timeout: float, rubric_path: str | None,
              cache_dir: str | None, progress, memory_mb: int = isolation.DEFAULT_MEMORY_MB) -> None:
    """Grade items on `jobs` worker processes, each under the memory cap.

    An item whose worker dies by a signal is graded once more with every code file probed alone
    (grader.isolation), so the file that crashes the parser becomes a finding.
    """
    ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context("spawn")
    outbox = ctx.Queue()
    slots = [_Slot(ctx, outbox, rubric_path, cache_dir, memory_mb) for _ in range(max(1, min(jobs, len(items))))]
    pending = list(enumerate(items))
    pending.reverse()
    retried: set[int] = set()
    done = 0
    try:
        while done < len(items):
            for slot in slots:
                if slot.index is None and pending:
                    index, item = pending.pop()
                    slot.index, slot.started = index, time.monotonic()
                    slot.inbox.put((index, item, index in retried))
            try:
                index, row = outbox.get(timeout=0.1)
            except queue.Empty:
                index, row = None, None
            if row is not None:
                for slot in slots:
                    if slot.index == index:
                        slot.index = None
                results.write(row)
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
                    slot.stop()
                    slots[i] = _Slot(ctx, outbox, rubric_path, cache_dir, memory_mb)
                    if dead and (slot.process.exitcode or 0) < 0 and slot.index not in retried:
                        retried.add(slot.index)
                        pending.append((slot.index, item))
                        continue
                    results.write(error_row(item, reason))
                    done += 1
                    progress(item)
    except BaseException:  # interrupted: stop at once, the finished rows are written
        for slot in slots:
            slot.stop()
        raise
    finally:
        for slot in slots:
            if slot.process.is_alive():
                slot.inbox.put(None)
        for slot in slots:
            slot.process.join(timeout=2)
            if slot.process.is_alive():
                slot.process.kill()


def run_ray(items: list[Item], results: ResultsFile, jobs: int, timeout: float, rubric_path: str | None,
            cache_dir: str | None, progress) -> None:
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

    running: dict[Any, tuple[Item, float]] = {}
    try:
        _ray_loop(ray, remote_grade, items, results, jobs, timeout, progress, running)
    except BaseException:  # interrupted: cancel what is still running; finished rows are written
        for ref in running:
            ray.cancel(ref, force=True)
        raise


def _ray_loop(ray, remote_grade, items, results, jobs, timeout, progress, running) -> None:
    pending = list(items)
    pending.reverse()
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
                row = error_row(item, f"worker failed: {type(exc).__name__}")
            results.write(row)
            progress(item)
        now = time.monotonic()
        for ref, (item, started) in list(running.items()):
            if now - started > timeout:
                ray.cancel(ref, force=True)
                running.pop(ref)
                results.write(error_row(item, f"timed out after {timeout:g} s"))
                progress(item)


def run_batch(items: list[Item], output: Path, jobs: int, timeout: float, rubric_path: str | None = None,
              resume: bool = False, cache_dir: str | None = None, executor: str = "local", quiet: bool = True,
              memory_mb: int = isolation.DEFAULT_MEMORY_MB) -> Summary:
    """Grade `items` into `output`; a second batch on the same results file fails at once (InputError)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    # A POSIX record lock: held by this process only (forked workers do not inherit it), gone when it dies.
    lock = os.open(f"{output}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise InputError(f"another batch is writing {output} (it holds {output}.lock)") from exc
        return _run_batch(items, output, jobs, timeout, rubric_path, resume, cache_dir, executor, quiet, memory_mb)
    finally:
        os.close(lock)


def _run_batch(items, output, jobs, timeout, rubric_path, resume, cache_dir, executor, quiet, memory_mb) -> Summary:
    started = time.monotonic()
    existing = {row["key"]: (row.get("task"), row.get("model"), row.get("sample")) for row in read_rows(output)} if resume else {}
    current = {item.identity: item.key for item in items}
    stale = frozenset(key for key, identity in existing.items() if current.get(identity, key) != key)
    todo = [item for item in items if item.key not in existing]
    summary = Summary(total=len(items), skipped=len(items) - len(todo), stale=len(stale))
    results = ResultsFile(output, resume, drop=stale)
    on_main_thread = threading.current_thread() is threading.main_thread()  # only there can handlers be set
    handlers = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)} if on_main_thread else {}
    try:
        with _progress(len(todo), quiet) as progress:
            if todo:
                if executor == "ray":
                    run_ray(todo, results, jobs, timeout, rubric_path, cache_dir, progress)
                else:
                    run_local(todo, results, jobs, timeout, rubric_path, cache_dir, progress, memory_mb)
    except Interrupted as exc:
        summary.interrupted = str(exc)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    results.finish()
    if cache_dir:
        cache.Cache(cache_dir).prune()
    summary.graded, summary.errors = results.written, results.errors
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
