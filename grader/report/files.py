"""Writing report files whose names come from untrusted results: derived, sanitised, kept inside."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_HEX_KEY = re.compile(r"[0-9a-f]{8,64}")


def safe_name(parts: tuple[Any, ...], key: Any) -> str:
    """`task-model-sample-<8 hex>.md` from a row: only [A-Za-z0-9._-], no leading dot, never empty.

    The suffix is the key's first 8 characters when it is the hex key the batch writes, else a hash of
    it, so a key of any other type or content never becomes part of a path.
    """
    stem = "-".join(str(p) for p in parts if p is not None)
    safe = _UNSAFE.sub("_", stem).strip("._-")[:120] or "row"
    if isinstance(key, str) and _HEX_KEY.fullmatch(key):
        return f"{safe}-{key[:8]}.md"
    return f"{safe}-{hashlib.sha256(repr(key).encode('utf-8', errors='replace')).hexdigest()[:8]}.md"


def write_inside(folder: Path, parts: tuple[Any, ...], key: Any, text: str) -> Path:
    """Write `text` under `folder` with a name derived from `parts`; never outside it, never through a link."""
    root = folder.resolve()
    target = root / safe_name(parts, key)
    if target.parent != root:
        raise ValueError(f"refused file name {target.name!r}")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return target
