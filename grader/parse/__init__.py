"""Front ends: source files -> one Program, whatever the dialect."""

from __future__ import annotations

from ..ir import Deliverable, Location, Program, SourceFile
from .elision import elisions
from .hcl import parse_hcl_files
from .python import parse_python_files


def build_program(files: list[SourceFile], deliverable: Deliverable | None = None) -> Program:
    """Parse every file with its front end; what does not parse is kept as a ParseError."""
    program = Program(deliverable=deliverable or Deliverable(), files=files)
    hcl = [f for f in files if f.language == "hcl"]
    python = [f for f in files if f.language == "python" or f.path.rsplit("/", 1)[-1].startswith("Pulumi.")]
    # Pulumi.<stack>.yaml files ride along with the Python files: they set the default region.
    if hcl:
        parse_hcl_files(program, hcl)
    if python:
        parse_python_files(program, python)
    for source in files:
        if source.language in ("json", "yaml") and not source.parsed:
            source.parsed = _parses_as_data(source)
        program.elisions.extend(elisions(source))
    for path, label in sorted(program.deliverable.partial.items()):
        program.elisions.append((Location(path), label))
    program.elisions.sort(key=lambda e: (e[0].file, e[0].line or 0))
    return program


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
