"""The one way the grader opens task inputs: contained, regular files only, bounded in size.

A task folder is untrusted (see docs/security.md). Every read goes through `read_input`, which
refuses, with a reason that becomes a finding, a symbolic link that leaves the task root (or
loops, or dangles), anything that is not a regular file (a FIFO would block the grader, a device
would never end), files over the byte limit and files the operating system will not open.
`walk` lists a tree without following links to directories.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Iterator

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class Refused(Exception):
    """The file was not read; the message says why (one line, no file content)."""


def contained(path: Path, root: Path) -> bool:
    """Whether `path`, with every link resolved, lies inside `root` (itself resolved)."""
    try:
        path.resolve(strict=True).relative_to(root)
    except (OSError, RuntimeError, ValueError):
        return False
    return True


def _target(path: Path, root: Path | None) -> Path:
    """The real file to open: where `path` leads once every link is followed, if that stays in `root`."""
    try:
        is_link = stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError as exc:
        raise Refused(f"cannot be read ({exc.strerror or exc})") from exc
    if root is None and not is_link:
        return path
    try:
        real = path.resolve(strict=True)
    except RuntimeError as exc:  # Python < 3.13 reports a loop this way
        raise Refused("is a symbolic link loop; not read") from exc
    except OSError as exc:
        reason = "a symbolic link loop" if exc.errno == errno.ELOOP else "a dangling symbolic link"
        raise Refused(f"is {reason}; not read") from exc
    if root is not None:
        try:
            real.relative_to(root)
        except ValueError as exc:
            raise Refused("is a symbolic link to a file outside the task folder; not read") from exc
    return real


def read_input(path: Path, root: Path | None, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. Raises Refused otherwise.

    `root` (already resolved) is the folder the file must stay in once links are followed; None for
    a file named on the command line, which is trusted to be where the user meant.
    """
    real = _target(path, root)
    try:
        fd = os.open(real, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)  # a FIFO opened non-blocking returns at once
    except OSError as exc:
        raise Refused(f"cannot be read ({exc.strerror or exc})") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"is not a regular file ({_kind(info.st_mode)}); not read")
        if info.st_size > limit:
            raise Refused(f"{info.st_size} bytes is over the {limit}-byte limit; not graded")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # grew while being read
            raise Refused(f"over the {limit}-byte limit; not graded")
        return b"".join(chunks)
    except OSError as exc:
        raise Refused(f"cannot be read ({exc.strerror or exc})") from exc
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory")):
        if test(mode):
            return name
    return "not a file"


def walk(root: Path, skip_dir=lambda name: False) -> Iterator[tuple[Path, list[str], list[str]]]:
    """os.walk in sorted order, never descending into a linked directory.

    Yields (directory, linked directory names, file names); a linked directory is reported so the
    caller can say it was not followed.
    """
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        linked = sorted(d for d in dirnames if (here / d).is_symlink())
        dirnames[:] = sorted(d for d in dirnames if d not in linked and not skip_dir(d))
        yield here, [d for d in linked if not skip_dir(d)], sorted(filenames)
