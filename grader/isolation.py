"""Process limits: grading runs in a child with a memory cap and a wall-clock timeout.

The native parsers can die by a signal on input the budgets (grader.budgets) did not foresee
(libcst's parser overflowing its stack, a Rust allocation failure aborting under the memory
cap). A signal can only be caught from outside, so a grade runs in a forked child; when that
child dies, the task is graded again with every code file first parsed alone in a throw-away
child (`probe`), so the file that kills the parser is named in a finding and the rest is graded.
Where fork is not available (Windows), grading runs in-process without limits.
"""

from __future__ import annotations

import faulthandler
import json
import os
import resource
import select
import signal
import time
from typing import Any, Callable

DEFAULT_MEMORY_MB = 2048  # address space (RLIMIT_AS) of one grading process
DEFAULT_TIMEOUT = 120.0  # seconds of wall-clock time per task
_OUT_OF_MEMORY = 86  # exit code of a child that raised MemoryError

CAN_FORK = hasattr(os, "fork")


class Failed(Exception):
    """A child did not return a result: `reason` says why, in a few words."""

    def __init__(self, reason: str, signalled: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.signalled = signalled


def _quiet_child() -> None:
    """In a child: no crash dump or native-library message on stderr (the parent reports the failure in one line)."""
    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def cap_memory(memory_mb: int) -> None:
    """Limit this process's address space; 0 means no cap. Allocations beyond it fail (MemoryError)."""
    if memory_mb <= 0:
        return
    limit = memory_mb << 20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _describe(status: int, memory_mb: int) -> Failed:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return Failed(f"killed by {name}", signalled=True)
    code = os.WEXITSTATUS(status)
    if code == _OUT_OF_MEMORY:
        return Failed(f"out of memory (cap {memory_mb} MiB)")
    return Failed(f"exited with code {code}")


def run_limited(fn: Callable[[], Any], timeout: float, memory_mb: int) -> Any:
    """fn() run in a forked child under the limits; its JSON-serialisable result, or Failed."""
    if not CAN_FORK:
        return fn()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        _quiet_child()
        os.close(reader)
        code = 0
        try:
            cap_memory(memory_mb)
            data = json.dumps({"ok": fn()}).encode()
        except MemoryError:
            data, code = b"", _OUT_OF_MEMORY
        except BaseException as exc:  # noqa: BLE001 - reported by the parent
            data = json.dumps({"error": f"{type(exc).__name__}: {str(exc)[:300]}"}).encode()
        try:
            with os.fdopen(writer, "wb") as out:
                out.write(data)
        finally:
            os._exit(code)
    os.close(writer)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    timed_out = False
    with os.fdopen(reader, "rb", buffering=0) as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([pipe], [], [], left)
            if ready:
                chunk = pipe.read(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise Failed(f"timed out after {timeout:g} s")
    _, status = os.waitpid(pid, 0)
    if status != 0:
        raise _describe(status, memory_mb)
    message = json.loads(b"".join(chunks))
    if "error" in message:
        raise Failed(message["error"])
    return message["ok"]


def probe(fn: Callable[[], None], timeout: float) -> str | None:
    """Run fn() in a throw-away child (inheriting this process's limits): None when it returns, else why not."""
    pid = os.fork()
    if pid == 0:
        _quiet_child()
        code = 0
        try:
            fn()
        except MemoryError:
            code = _OUT_OF_MEMORY
        except BaseException:  # noqa: BLE001 - an ordinary error is the caller's to report
            code = 0
        os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return f"timed out after {timeout:g} s"
        time.sleep(0.005)
    if status == 0:
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return _describe(status, -1 if soft == resource.RLIM_INFINITY else soft >> 20).reason


ISOLATE_FILES = False  # set in a retry after a crash: every code file is probed before it is parsed
PROBE_TIMEOUT = 60.0


def grade_with_limits(grade: Callable[[], Any], timeout: float, memory_mb: int) -> Any:
    """grade() under the limits; after a death by signal, once more with every file probed alone."""
    try:
        return run_limited(grade, timeout, memory_mb)
    except Failed as first:
        if not first.signalled:
            raise

    def isolated() -> Any:
        global ISOLATE_FILES
        ISOLATE_FILES = True
        return grade()

    return run_limited(isolated, timeout, memory_mb)
