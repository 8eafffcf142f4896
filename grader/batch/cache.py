"""On-disk cache of parsed programs and derived rubrics, keyed by content hash.

Safe under concurrent workers (write to a temporary file, then an atomic rename; a torn or
foreign file is just a miss), bounded in size (oldest entries pruned), and versioned: the key
includes the grader version and the shipped schema, so an upgrade never reads stale entries.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, Callable

from .. import __version__

DEFAULT_DIR = Path(os.environ.get("GRADER_CACHE_DIR", Path.home() / ".cache" / "iac-grader"))
DEFAULT_MAX_BYTES = 512 * 1024 * 1024


class Cache:
    def __init__(self, directory: Path | str = DEFAULT_DIR, max_bytes: int = DEFAULT_MAX_BYTES):
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0

    def key(self, kind: str, *parts: str) -> str:
        digest = hashlib.sha256(f"{kind}|{__version__}|{_schema_digest()}".encode())
        for part in parts:
            digest.update(b"\0" + part.encode("utf-8", errors="replace"))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pkl"

    def get_or_build(self, kind: str, parts: tuple[str, ...], build: Callable[[], Any]) -> Any:
        key = self.key(kind, *parts)
        path = self._path(key)
        try:
            with path.open("rb") as handle:
                value = pickle.load(handle)
            self.hits += 1
            return value
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError, ValueError):
            pass
        self.misses += 1
        value = build()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except (OSError, pickle.PicklingError, RecursionError, TypeError):
            pass  # a cache that cannot write is only slower
        return value

    def size(self) -> tuple[int, int]:
        files = list(self.directory.rglob("*.pkl")) if self.directory.exists() else []
        return len(files), sum(f.stat().st_size for f in files if f.exists())

    def prune(self) -> int:
        """Remove the least recently written entries until the cache fits in max_bytes."""
        if not self.directory.exists():
            return 0
        entries = sorted((f.stat().st_mtime, f.stat().st_size, f) for f in self.directory.rglob("*.pkl"))
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in entries:
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed

    def clear(self) -> int:
        count = 0
        if self.directory.exists():
            for path in self.directory.rglob("*"):
                if path.is_file() and path.suffix in (".pkl", ".tmp"):
                    path.unlink(missing_ok=True)
                    count += 1
        return count


_SCHEMA_DIGEST: str | None = None


def _schema_digest() -> str:
    global _SCHEMA_DIGEST
    if _SCHEMA_DIGEST is None:
        from importlib import resources

        _SCHEMA_DIGEST = hashlib.sha256(resources.files("grader.schema").joinpath("schema.json.gz").read_bytes()).hexdigest()[:16]
    return _SCHEMA_DIGEST


ACTIVE: Cache | None = None  # set by `configure`; grading without it parses every time


def configure(directory: Path | str | None, max_bytes: int = DEFAULT_MAX_BYTES) -> Cache | None:
    global ACTIVE
    ACTIVE = Cache(directory, max_bytes) if directory else None
    return ACTIVE
