"""On-disk cache of parsed programs, derived rubrics and result rows, keyed by content hash.

The cache holds data, never code: entries are JSON, and decoding builds only the IR dataclasses and
the Rubric model named in `_CLASSES`, so whoever can write to the cache folder can at worst make the
grader re-parse. Each entry starts with a header line whose digest covers the grader version, the
shipped schema, the key and the payload; a torn, corrupt, foreign or stale entry is a miss and is
rebuilt. Safe under concurrent workers (temporary file, then an atomic rename) and bounded in size.

The cache owns its folder: it marks it with a CACHEDIR.TAG (https://bford.info/cachedir/) when it
creates it or finds it empty, refuses to use, clear or prune a folder without that mark, and only
ever deletes files named like its own entries.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Callable

import platformdirs

from .. import __version__, ir
from ..ingest.files import Refused, read_input
from ..rubric.model import Rubric

DEFAULT_DIR = Path(os.environ.get("GRADER_CACHE_DIR") or platformdirs.user_cache_path("iac-grader"))
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
TAG_NAME = "CACHEDIR.TAG"
TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
       "# This file is a cache directory tag created by iac-grader.\n"
       "# For information about cache directory tags see https://bford.info/cachedir/\n")
_SHARD = re.compile(r"[0-9a-f]{2}")
_ENTRY = re.compile(r"[0-9a-f]{64}\.json")
_TEMP = re.compile(r"[0-9a-f]{64}\.[A-Za-z0-9_]+\.tmp")


class NotACache(Exception):
    """The folder exists, holds other files and has no iac-grader CACHEDIR.TAG."""


class Cache:
    def __init__(self, directory: Path | str = DEFAULT_DIR, max_bytes: int = DEFAULT_MAX_BYTES):
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0
        self._usable: bool | None = None

    # ---- ownership ----------------------------------------------------------------
    def owned(self) -> bool:
        """Whether the folder carries this grader's cache tag."""
        tag = self.directory / TAG_NAME
        try:
            return not tag.is_symlink() and tag.is_file() and tag.read_text(encoding="utf-8", errors="replace").startswith(TAG)
        except OSError:
            return False

    def claim(self) -> None:
        """Create and tag the folder, or tag it if empty; raise NotACache for someone else's folder."""
        if self.owned():
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if any(self.directory.iterdir()):
                raise NotACache(f"{self.directory} holds other files and no {TAG_NAME}: not an iac-grader cache")
            (self.directory / TAG_NAME).write_text(TAG, encoding="utf-8")
        except OSError as exc:
            raise NotACache(f"cannot create the cache folder {self.directory}: {exc.strerror or exc}") from exc

    def _entries(self) -> list[Path]:
        """Files this cache wrote: shard folders of two hex digits holding `<key>.json` or its temporary files."""
        found: list[Path] = []
        if not self.owned():
            return found
        with os.scandir(self.directory) as top:
            for shard in top:
                if not (_SHARD.fullmatch(shard.name) and shard.is_dir(follow_symlinks=False)):
                    continue
                with os.scandir(shard.path) as files:
                    found.extend(Path(f.path) for f in files if f.is_file(follow_symlinks=False)
                                 and (_ENTRY.fullmatch(f.name) or _TEMP.fullmatch(f.name)))
        return sorted(found)

    def _root(self) -> Path:
        return self.directory.resolve()

    # ---- entries ------------------------------------------------------------------
    def key(self, kind: str, *parts: str) -> str:
        digest = hashlib.sha256(f"{kind}|{__version__}|{_schema_digest()}|{_code_digest()}".encode())
        for part in parts:
            digest.update(b"\0" + part.encode("utf-8", errors="replace"))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get_or_build(self, kind: str, parts: tuple[str, ...], build: Callable[[], Any]) -> Any:
        if self._usable is None:
            self._usable = self.owned()
        if not self._usable:
            return build()
        key = self.key(kind, *parts)
        path = self._path(key)
        try:
            value = _load(read_input(path, self._root(), self.max_bytes), key)
            self.hits += 1
            return value
        except (Refused, ValueError, TypeError, KeyError, AttributeError, RecursionError):
            pass  # absent, torn, corrupt, foreign or stale: rebuild
        self.misses += 1
        value = build()
        try:
            data = _dump(value, key)
            path.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{key}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except (OSError, TypeError, ValueError, RecursionError):
            pass  # a value the codec does not know, or a cache that cannot write, is only slower
        return value

    def size(self) -> tuple[int, int]:
        files = [f for f in self._entries() if f.suffix == ".json"]
        return len(files), sum(f.stat().st_size for f in files if f.exists())

    def prune(self) -> int:
        """Remove the least recently written entries until the cache fits in max_bytes (a tagged folder only)."""
        entries = sorted((f.stat().st_mtime, f.stat().st_size, f) for f in self._entries() if f.suffix == ".json")
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
        """Delete this cache's entries; raise NotACache for a folder without the tag."""
        if not self.directory.exists():
            return 0
        if not self.owned():
            raise NotACache(f"{self.directory} has no iac-grader {TAG_NAME}: not clearing a folder the grader did not create")
        entries = self._entries()
        for path in entries:
            path.unlink(missing_ok=True)
        for shard in {p.parent for p in entries}:
            if not any(shard.iterdir()):
                shard.rmdir()
        return sum(1 for p in entries if p.suffix == ".json")


# ---- the codec: JSON for the IR, tagged so decoding can build nothing else ------------
_CLASSES: dict[str, type] = {cls.__name__: cls for cls in (
    ir.Location, ir.Expr, ir.Resource, ir.Variable, ir.Output, ir.Module, ir.Provider, ir.Reference,
    ir.ParseError, ir.SourceFile, ir.Deliverable, ir.Program, ir.PythonFacts)}


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$t": [_encode(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"$s": sorted((_encode(v) for v in value), key=repr)}
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"$d": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, Rubric):
        return {"$rubric": _encode(value.model_dump())}
    cls = type(value)
    if _CLASSES.get(cls.__name__) is cls:
        return {"$c": cls.__name__, "f": {f.name: _encode(getattr(value, f.name))
                                          for f in dataclasses.fields(value) if not f.name.startswith("_")}}
    raise TypeError(f"not cacheable: {cls.__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$t" in value:
        return tuple(_decode(v) for v in value["$t"])
    if "$s" in value:
        return {_decode(v) for v in value["$s"]}
    if "$d" in value:
        return {_decode(k): _decode(v) for k, v in value["$d"]}
    if "$rubric" in value:
        return Rubric.model_validate(_decode(value["$rubric"]))
    if "$c" in value:
        return _CLASSES[value["$c"]](**{k: _decode(v) for k, v in value["f"].items()})  # KeyError: a foreign class
    return {k: _decode(v) for k, v in value.items()}


def _seal(key: str, payload: bytes) -> str:
    return hashlib.sha256(f"{__version__}|{_schema_digest()}|{key}\n".encode() + payload).hexdigest()


def _dump(value: Any, key: str) -> bytes:
    payload = json.dumps(_encode(value), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    header = json.dumps({"grader": __version__, "key": key, "sha256": _seal(key, payload)})
    return header.encode() + b"\n" + payload


def _load(data: bytes, key: str) -> Any:
    header, _, payload = data.partition(b"\n")
    meta = json.loads(header)
    if not isinstance(meta, dict) or meta.get("key") != key or meta.get("sha256") != _seal(key, payload):
        raise ValueError("foreign, stale or corrupt cache entry")
    return _decode(json.loads(payload))


_SCHEMA_DIGEST: str | None = None


def _schema_digest() -> str:
    global _SCHEMA_DIGEST
    if _SCHEMA_DIGEST is None:
        from importlib import resources

        _SCHEMA_DIGEST = hashlib.sha256(resources.files("grader.schema").joinpath("schema.json.gz").read_bytes()).hexdigest()[:16]
    return _SCHEMA_DIGEST


_CODE_DIGEST: str | None = None


def _code_digest() -> str:
    """The source of what builds a cached program (ingest, parse, the IR): a change there makes old entries stale,
    whatever the version number says."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        root = Path(__file__).resolve().parent.parent
        digest = hashlib.sha256()
        for path in sorted([*root.glob("ingest/*.py"), *root.glob("parse/*.py"), root / "ir.py"]):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _CODE_DIGEST = digest.hexdigest()[:16]
    return _CODE_DIGEST


ACTIVE: Cache | None = None  # set by `configure`; grading without it parses every time


def configure(directory: Path | str | None, max_bytes: int = DEFAULT_MAX_BYTES) -> Cache | None:
    global ACTIVE
    ACTIVE = Cache(directory, max_bytes) if directory else None
    return ACTIVE
