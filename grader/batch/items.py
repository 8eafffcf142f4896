"""Batch inputs -> work items, each with a content key (inputs + rubric + grader version)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..ingest.task import InputError

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
    if _is_task(root):
        return [root]
    return sorted({p.parent if p.parent.name != "lib" else p.parent.parent
                   for marker in TASK_MARKERS for p in root.rglob(marker)})


def _folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts):
        rel = path.relative_to(folder).as_posix()
        digest.update(rel.encode() + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"unreadable")
    return digest.hexdigest()


def item_key(*parts: str) -> str:
    digest = hashlib.sha256(f"iac-grader {__version__}".encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", errors="replace"))
    return digest.hexdigest()[:32]


def collect(inputs: list[str], rubric_text: str = "") -> Inputs:
    """Task folders, trees of task folders and JSONL answer files -> items, in a stable order."""
    out = Inputs()
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
        folder = Path(task_ref) if Path(task_ref).is_dir() else folders.get(task_ref)
        response = row["response"] if isinstance(row["response"], str) else json.dumps(row["response"])
        model = str(row.get("model", "unknown"))
        sample = int(row.get("sample", 0)) if str(row.get("sample", 0)).lstrip("-").isdigit() else 0
        task_id = folder.name if folder else Path(task_ref).name
        error = None if folder else f"{source}:{number}: task {task_ref!r} is not a task folder given as input"
        prompt_digest = _folder_digest(folder) if folder else ""
        key = item_key(task_id, prompt_digest, rubric_text, model, str(sample), response)
        out.items.append(Item(key, task_id, str(folder or ""), model, sample, response,
                              oversize=len(response) > MAX_ANSWER_CHARS, error=error))
    return out
