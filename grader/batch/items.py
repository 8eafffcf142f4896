"""Batch inputs -> work items, each with a content key (inputs + rubric + grader version)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..ingest.files import Refused, contained, read_input, walk
from ..ingest.task import MAX_FILE_BYTES, InputError

TASK_MARKERS = ("PROMPT.md", "MODEL_RESPONSE.md", "IDEAL_RESPONSE.md", "metadata.json")
MAX_ANSWER_CHARS = 4 * 1024 * 1024  # larger answers become error rows


@dataclass(frozen=True)
class Item:
    """One unit of work: a task folder, or one model answer for a task."""

    key: str
    task: str  # task id
    path: str  # task folder ("" when the row carries everything)
    model: str | None = None
    sample: int | None = None
    response: str | None = None  # the answer text of a JSONL row
    oversize: bool = False
    error: str | None = None  # an input problem known before grading

    def label(self) -> str:
        return self.task if self.model is None else f"{self.task} [{self.model} #{self.sample}]"


@dataclass
class Inputs:
    items: list[Item] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _is_task(folder: Path) -> bool:
    return any((folder / m).is_file() or (folder / "lib" / m).is_file() for m in TASK_MARKERS)


def _task_folders(root: Path) -> list[Path]:
    """Task folders in a tree, without following links to folders (they may loop or lead out)."""
    if _is_task(root):
        return [root]
    found = set()
    for here, _, filenames in walk(root):
        if any(marker in filenames for marker in TASK_MARKERS):
            found.add(here.parent if here.name == "lib" else here)
    return sorted(found)


def _folder_digest(folder: Path) -> str:
    """A hash of every file the grader may read in a task folder (refused files count by their reason)."""
    digest = hashlib.sha256()
    root = folder.resolve()
    for here, _, filenames in walk(root, lambda name: name == ".git"):
        for filename in filenames:
            path = here / filename
            digest.update(path.relative_to(root).as_posix().encode("utf-8", errors="replace") + b"\0")
            try:
                digest.update(hashlib.sha256(read_input(path, root, MAX_FILE_BYTES)).digest())
            except Refused as exc:
                digest.update(str(exc).encode())
    return digest.hexdigest()


def _resolve_task(ref: str, folders: dict[str, Path], roots: list[Path]) -> Path | None:
    """The task folder a JSONL row names: a task id found in the inputs, or a path under a given root."""
    if ref in folders:
        return folders[ref]
    for base in [Path.cwd(), *roots]:
        candidate = base / ref
        if candidate.is_dir() and any(contained(candidate, root) for root in roots):
            return candidate.resolve()
    return None


def item_key(*parts: str) -> str:
    digest = hashlib.sha256(f"iac-grader {__version__}".encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", errors="replace"))
    return digest.hexdigest()[:32]


def collect(inputs: list[str], rubric_text: str = "", task_roots: list[str] = ()) -> Inputs:
    """Task folders, trees of task folders and JSONL answer files -> items, in a stable order.

    A JSONL row's `task` is a task id among the folders given, or a folder path that resolves under one of
    them or under a `task_roots` entry; anything else (an absolute path elsewhere, `../..`) is an error row.
    """
    out = Inputs()
    roots = [Path(r).resolve() for r in task_roots] + [Path(r).resolve() for r in inputs if Path(r).is_dir()]
    folders: dict[str, Path] = {}
    rows: list[tuple[dict, str, int]] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for folder in _task_folders(path):
                folders.setdefault(folder.name, folder)
        elif path.is_file() and path.suffix in (".jsonl", ".json"):
            with path.open(encoding="utf-8", errors="replace") as handle:
                for number, line in enumerate(handle, 1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError:
                        out.problems.append(f"{path}:{number}: not valid JSON; skipped")
                        continue
                    if not isinstance(row, dict) or "task" not in row or "response" not in row:
                        out.problems.append(f"{path}:{number}: needs 'task' and 'response'; skipped")
                        continue
                    rows.append((row, str(path), number))
        else:
            raise InputError(f"no such input (a task folder, a tree of them, or a .jsonl file): {raw}")
    if not rows:
        for name in sorted(folders):
            folder = folders[name]
            out.items.append(Item(item_key(name, _folder_digest(folder), rubric_text), name, str(folder)))
        return out
    for row, source, number in rows:
        task_ref = str(row["task"])
        folder = _resolve_task(task_ref, folders, roots)
        response = row["response"] if isinstance(row["response"], str) else json.dumps(row["response"])
        model = str(row.get("model", "unknown"))
        sample = int(row.get("sample", 0)) if str(row.get("sample", 0)).lstrip("-").isdigit() else 0
        task_id = folder.name if folder else Path(task_ref).name
        error = None if folder else f"{source}:{number}: task {task_ref!r} is not a task folder under the inputs or --task-root"
        prompt_digest = _folder_digest(folder) if folder else ""
        key = item_key(task_id, prompt_digest, rubric_text, model, str(sample), response)
        out.items.append(Item(key, task_id, str(folder or ""), model, sample, response,
                              oversize=len(response) > MAX_ANSWER_CHARS, error=error))
    return out
