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
    rubric: str | None = None  # digest of the --rubric file (None: derived from the prompt)

    @property
    def identity(self) -> tuple[str, str | None, int | None]:
        return self.task, self.model, self.sample

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


def _task_ids(root: Path) -> list[tuple[str, Path]]:
    """(id, folder) per task under `root`: the path relative to the root, or the folder's name for a task root."""
    return [(folder.name if folder == root else folder.relative_to(root).as_posix(), folder) for folder in _task_folders(root)]


def _answer_row(row: object, where: str) -> str | None:
    """Why a JSONL answer row is unusable, or None."""
    if not isinstance(row, dict):
        return f"{where}: a row must be a JSON object"
    missing = [name for name in ("task", "model", "response") if name not in row]
    if missing:
        return f"{where}: missing {', '.join(repr(m) for m in missing)} (each row needs task, model, sample and response)"
    if not isinstance(row["model"], str) or not row["model"].strip():
        return f"{where}: 'model' must be a non-empty string, got {row['model']!r}"
    sample = row.get("sample", 0)
    if not isinstance(sample, int) or isinstance(sample, bool):
        return f"{where}: 'sample' must be an integer, got {sample!r}"
    return None


def collect(inputs: list[str], rubric_text: str = "", task_roots: list[str] = ()) -> Inputs:
    """Task folders, trees of task folders and JSONL answer files -> items, in a stable order.

    A task is identified by its path relative to the input root given (a task folder given
    directly: its name); a JSONL answer by (task, model, sample). Two inputs giving the same
    identity, or an invalid answer row, are refused with an InputError naming where. A JSONL row's `task`
    is a task id among the folders given, or a folder path that resolves under one of them or under a
    `task_roots` entry; anything else (an absolute path elsewhere, `../..`) is an error row.
    """
    out = Inputs()
    roots = [Path(r).resolve() for r in task_roots] + [Path(r).resolve() for r in inputs if Path(r).is_dir()]
    folders: dict[str, Path] = {}
    rows: list[tuple[dict, str, int]] = []
    errors: list[str] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for task_id, folder in _task_ids(path):
                seen = folders.setdefault(task_id, folder)
                if seen.resolve() != folder.resolve():
                    errors.append(f"task {task_id!r} is both {seen} and {folder}; rename one or grade them in separate runs")
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
                    problem = _answer_row(row, f"{path}:{number}")
                    if problem:
                        errors.append(problem)
                    else:
                        rows.append((row, str(path), number))
        else:
            raise InputError(f"no such input (a task folder, a tree of them, or a .jsonl file): {raw}")
    rubric = hashlib.sha256(rubric_text.encode()).hexdigest()[:16] if rubric_text else None
    if not rows:
        _refuse(errors)
        for name in sorted(folders):
            folder = folders[name]
            out.items.append(Item(item_key(name, _folder_digest(folder), rubric_text), name, str(folder), rubric=rubric))
        return out
    seen_answers: dict[tuple[str, str, int], str] = {}
    ids_by_path = {folder.resolve(): task_id for task_id, folder in folders.items()}
    digests: dict[Path, str] = {}
    for row, source, number in rows:
        task_ref = str(row["task"])
        folder = _resolve_task(task_ref, folders, roots)
        response = row["response"] if isinstance(row["response"], str) else json.dumps(row["response"])
        model, sample = row["model"], row.get("sample", 0)
        task_id = task_ref if task_ref in folders else ids_by_path.get(folder.resolve(), folder.name) if folder else Path(task_ref).name
        where = f"{source}:{number}"
        first = seen_answers.setdefault((task_id, model, sample), where)
        if first != where:
            errors.append(f"{where}: task {task_id!r}, model {model!r}, sample {sample} repeats {first}")
            continue
        error = None if folder else f"{where}: task {task_ref!r} is not a task folder under the inputs or --task-root"
        if folder and folder not in digests:
            digests[folder] = _folder_digest(folder)
        prompt_digest = digests[folder] if folder else ""
        key = item_key(task_id, prompt_digest, rubric_text, model, str(sample), response)
        out.items.append(Item(key, task_id, str(folder or ""), model, sample, response,
                              oversize=len(response) > MAX_ANSWER_CHARS, error=error, rubric=rubric))
    _refuse(errors)
    return out


def _refuse(errors: list[str]) -> None:
    if errors:
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise InputError("; ".join(errors[:5]) + more)
