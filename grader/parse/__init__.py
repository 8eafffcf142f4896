"""Front ends: source files -> one Program, whatever the dialect."""

from __future__ import annotations

from .. import isolation
from ..budgets import code_problem
from ..ir import Deliverable, Location, Program, SourceFile
from .elision import elisions
from .hcl import parse_hcl_files
from .implied import add_implied
from .python import parse_python_files


def build_program(files: list[SourceFile], deliverable: Deliverable | None = None) -> Program:
    """Parse every file with its front end; what does not parse is kept as a ParseError.

    A code file beyond the analysis limits (grader.budgets) is not given to any parser: it stays
    unparsed and becomes a problem of the deliverable (STR007).
    """
    program = Program(deliverable=deliverable or Deliverable(), files=files)
    within = []
    for source in files:
        problem = code_problem(source.text, source.language) if source.language in ("hcl", "python") else None
        if problem is None and isolation.ISOLATE_FILES and source.language in ("hcl", "python"):
            failed = isolation.probe(lambda s=source: _parse_alone(s), isolation.PROBE_TIMEOUT)
            problem = f"the parser failed on this file ({failed})" if failed else None
        if problem:
            program.deliverable.problems.append(f"{source.path}: {problem}; not graded")
        else:
            within.append(source)
    hcl = [f for f in within if f.language == "hcl"]
    python = [f for f in within if f.language == "python" or f.path.rsplit("/", 1)[-1].startswith("Pulumi.")]
    # Pulumi.<stack>.yaml files ride along with the Python files: they set the default region.
    if hcl:
        parse_hcl_files(program, hcl)
    if python:
        parse_python_files(program, python)
    add_implied(program)
    for source in files:
        if source.language in ("json", "yaml") and not source.parsed:
            source.parsed = _parses_as_data(source)
        program.elisions.extend(elisions(source))
    for path, label in sorted(program.deliverable.partial.items()):
        program.elisions.append((Location(path), label))
    program.elisions.sort(key=lambda e: (e[0].file, e[0].line or 0))
    return program


def _parse_alone(source: SourceFile) -> None:
    """Parse one file into a scratch Program (run in a probe child after a crash)."""
    scratch = Program(files=[source])
    if source.language == "hcl":
        parse_hcl_files(scratch, [source])
    else:
        parse_python_files(scratch, [source])


def _parses_as_data(source: SourceFile) -> bool:
    import json

    import yaml

    try:
        if source.language == "json":
            json.loads(source.text)
        else:
            yaml.safe_load(source.text)
    except Exception:
        return False
    return True
