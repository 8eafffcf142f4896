"""Read a task folder (or explicit files) into a Task: prompt, answers and delivered code."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..ir import SourceFile
from .files import Refused, contained, read_input, walk
from .markdown import LANG_BY_EXT, clean_path

MAX_FILE_BYTES = 8 * 1024 * 1024  # larger inputs are refused per file (a finding), never read whole
SKIP_DIRS = {"test", "tests", "node_modules", "cdk.out", "cdktf.out", ".terraform", ".git", "__pycache__", ".venv", "venv"}
CODE_SUFFIXES = {".tf", ".tfvars", ".py"}
CONFIG_NAMES = {"Pulumi.yaml", "cdk.json", "cdktf.json"}
DOCUMENTS = {"prompt": "PROMPT.md", "response": "MODEL_RESPONSE.md", "ideal": "IDEAL_RESPONSE.md"}
PLATFORMS = {"tf": "terraform", "terraform": "terraform", "pulumi": "pulumi", "cdk": "cdk", "cdktf": "cdktf"}


class InputError(Exception):
    """Unusable input: the CLI prints it on one line and exits 2."""


@dataclass
class Task:
    id: str
    path: str
    prompt: str | None = None
    response: str | None = None
    ideal: str | None = None
    code: list[SourceFile] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    platform: str | None = None
    language: str | None = None
    problems: list[str] = field(default_factory=list)  # refused or binary code files
    document_problems: dict[str, str] = field(default_factory=dict)  # PROMPT.md, answers, metadata.json -> why refused
    other_files: list[str] = field(default_factory=list)  # every other file under the task (assets: zips, scripts)

    def subject_problems(self, subject: str) -> list[str]:
        """What a subject's report says was not read: its own input, the shared PROMPT.md and metadata.json."""
        answers = {DOCUMENTS["response"], DOCUMENTS["ideal"]} - {DOCUMENTS.get(subject)}
        shared = [p for name, p in sorted(self.document_problems.items()) if name not in answers]
        return shared + (self.problems if subject == "code" else [])


def read_text(path: Path, problems: list[str], label: str, root: Path | None = None) -> str | None:
    """A file's text, or None with a recorded problem when it is refused (see ingest/files.py) or binary.

    `root` is the resolved task folder the file must stay in; None for a file named on the command line.
    """
    try:
        data = read_input(path, root, MAX_FILE_BYTES)
    except Refused as exc:
        problems.append(f"{label}: {exc}")
        return None
    if b"\x00" in data[:8192]:
        problems.append(f"{label}: binary content; not graded")
        return None
    return data.decode("utf-8", errors="replace")


def _find(root: Path, name: str) -> Path | None:
    for candidate in (root / name, root / "lib" / name):
        if candidate.is_symlink() or candidate.exists():
            return candidate
    return None


MAX_LISTED_FILES = 5000


def _code_files(root: Path, problems: list[str], others: list[str] | None = None) -> list[SourceFile]:
    files: list[SourceFile] = []
    for here, linked, filenames in walk(root, lambda d: d in SKIP_DIRS or d.startswith(".")):
        for name in linked:  # a link inside the task is reached by its real path; one leading out is reported
            if not contained(here / name, root):
                problems.append(f"{clean_path((here / name).relative_to(root).as_posix())}: "
                                "is a symbolic link to a folder outside the task folder; not read")
        for filename in filenames:
            suffix = Path(filename).suffix
            if suffix not in CODE_SUFFIXES and filename not in CONFIG_NAMES and not filename.startswith("Pulumi."):
                if others is not None and len(others) < MAX_LISTED_FILES and not filename.endswith(".md"):
                    others.append(clean_path((here / filename).relative_to(root).as_posix()))
                continue
            if filename.startswith("test_") or filename.endswith("_test.py"):
                continue
            path = here / filename
            rel = clean_path(path.relative_to(root).as_posix())
            text = read_text(path, problems, rel, root)
            if text is None:
                continue
            files.append(SourceFile(rel, LANG_BY_EXT.get(suffix, "yaml" if filename.endswith((".yaml", ".yml")) else "json"), text))
    return files


def infer_platform(files: list[SourceFile], texts: list[str]) -> tuple[str | None, str | None]:
    """Platform and language from the code itself when metadata.json does not say."""
    blob = "\n".join([f.text for f in files] + texts)
    if "cdktf" in blob and ("cdktf_cdktf_provider_aws" in blob or "TerraformStack" in blob):
        return "cdktf", "python"
    if "aws_cdk" in blob:
        return "cdk", "python"
    if "pulumi_aws" in blob or "import pulumi" in blob:
        return "pulumi", "python"
    if any(f.language == "hcl" for f in files) or 'resource "aws_' in blob:
        return "terraform", "hcl"
    return None, None


def load_task(path: str | None, prompt: str | None = None, response: str | None = None,
              code: list[str] | None = None, ideal: str | None = None) -> Task:
    """Build a Task from a folder and/or explicit files. Raises InputError for unusable input."""
    problems: list[str] = []
    root = Path(path).resolve() if path else None
    if root is not None and not root.exists():
        raise InputError(f"no such task folder or file: {path}")
    if root is not None and root.is_file():
        response = response or str(root)
        root = None
    task = Task(id=root.name if root else Path(response or prompt or "task").stem, path=str(Path(path)) if root else str(response or ""))

    def explicit(value: str | None, label: str) -> str | None:
        if value is None:
            return None
        p = Path(value)
        if not p.exists():
            raise InputError(f"no such file for {label}: {value}")
        found: list[str] = []
        text = read_text(p, found, f"{label} {value}")
        if text is None:
            raise InputError(found[0])
        return text

    def document(name: str) -> str | None:
        """A document of the task folder; a refused one is recorded and reads as empty."""
        found = _find(root, name)
        if found is None:
            return None
        refused: list[str] = []
        text = read_text(found, refused, name, root)
        if refused:
            task.document_problems[name] = refused[0]
        return text

    if root is not None:
        for attr, name in DOCUMENTS.items():
            text = document(name)
            setattr(task, attr, "" if text is None and name in task.document_problems and attr != "prompt" else text)
        meta_text = document("metadata.json")
        try:
            task.metadata = json.loads(meta_text) if meta_text else {}
        except json.JSONDecodeError:
            task.document_problems["metadata.json"] = "metadata.json: not valid JSON; ignored"
        task.code = _code_files(root, problems, task.other_files)
    task.prompt = explicit(prompt, "prompt") if prompt else task.prompt
    task.response = explicit(response, "response") if response else task.response
    task.ideal = explicit(ideal, "ideal") if ideal else task.ideal
    for item in code or []:
        p = Path(item)
        if p.is_dir():
            task.code.extend(_code_files(p.resolve(), problems))
        elif p.is_file():
            text = read_text(p, problems, p.name)
            if text is not None:
                task.code.append(SourceFile(clean_path(p.name), LANG_BY_EXT.get(p.suffix, "text"), text))
        else:
            raise InputError(f"no such code file: {item}")
    task.problems = problems
    settle_platform(task)
    if root is None and not any((task.prompt, task.response, task.ideal, task.code)):
        raise InputError("nothing to grade: give a task folder or --prompt/--response/--code")
    return task


def settle_platform(task: Task) -> Task:
    """Platform and language from metadata.json, else inferred from the code (a Task built in memory too)."""
    if not isinstance(task.metadata, dict):
        task.metadata = {}
    platform = PLATFORMS.get(str(task.metadata.get("platform", "")).lower())
    language = str(task.metadata.get("language", "")).lower() or None
    if platform is None:
        platform, guessed_language = infer_platform(task.code, [t for t in (task.ideal, task.response) if t])
        language = language or guessed_language
    task.platform, task.language = platform, language
    return task


def nothing_to_grade(task: Task) -> str:
    """The one-line reason a task has no gradable subject."""
    where = f" in {task.path}" if task.path else ""
    why = "; ".join(task.problems) if task.problems else "no MODEL_RESPONSE.md, IDEAL_RESPONSE.md or code files"
    return f"nothing to grade{where}: {why}"
