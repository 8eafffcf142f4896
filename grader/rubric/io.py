"""Reading and writing rubric YAML: duplicate and unknown keys are errors with line numbers.

Rubrics are data from anywhere (see docs/security.md): YAML aliases are refused (no "billion laughs"),
files are size-limited, `include:` reaches only the shipped packs or files under the including
rubric's own folder, and an error in an included file never quotes that file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..ingest.files import Refused, contained, read_input
from ..ingest.task import InputError
from .model import Rubric

PACKS = Path(__file__).resolve().parent / "packs"  # package data: present after a non-editable install
SCHEMA_FILE = Path(__file__).resolve().parent / "rubric.schema.json"  # package data, same text as docs/rubric.schema.json
SCHEMA_LINE = "# yaml-language-server: $schema={}\n"
MAX_RUBRIC_BYTES = 1024 * 1024


class RubricError(InputError):
    """A rubric that does not load: `problems` lists every problem (each with its YAML line where known);
    `line` is where the first one is, when known."""

    def __init__(self, message: str, line: int | None = None, problems: list[str] | None = None):
        super().__init__(message)
        self.line = line
        self.problems = problems or [message]

    @classmethod
    def listing(cls, name: str, problems: list[str]) -> "RubricError":
        """One error carrying several problems of the rubric `name`."""
        shown = [p if p.startswith(name) else f"{name}: {p}" for p in problems]
        return cls(f"{name}: {len(problems)} rubric problem{'s' if len(problems) > 1 else ''}: " + "; ".join(problems), None, shown)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and duplicate keys and remembers where every mapping key sits."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            line = self.peek_event().start_mark.line + 1
            raise RubricError(f"YAML aliases are not allowed in a rubric (line {line})", line)
        return super().compose_node(parent, index)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping: dict[Any, Any] = {}
    lines: dict[Any, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise RubricError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1} "
                              f"(first at line {lines[key]})", key_node.start_mark.line + 1)
        mapping[key] = loader.construct_object(value_node, deep=deep)
        lines[key] = key_node.start_mark.line + 1
    loader.key_lines[id(mapping)] = lines
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _parse(text: str, name: str) -> tuple[Any, dict[int, dict[Any, int]]]:
    loader = _LineLoader(text)
    loader.key_lines = {}
    try:
        data = loader.get_single_data()
    except RubricError as exc:
        raise RubricError(f"{name}: {exc}", exc.line) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise RubricError(f"{name}: not valid YAML{where}", mark.line + 1 if mark else None) from exc
    finally:
        loader.dispose()
    return data, loader.key_lines


def _line_of(data: Any, key_lines: dict[int, dict[Any, int]], loc: tuple) -> int | None:
    node, line = data, None
    for part in loc:
        if isinstance(node, dict):
            line = key_lines.get(id(node), {}).get(part, line)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            break
    return line


def parse_rubric(text: str, name: str = "rubric") -> Rubric:
    """A validated rubric; every schema error at once (RubricError), each with its YAML line."""
    data, key_lines = _parse(text, name)
    if not isinstance(data, dict):
        raise RubricError(f"{name}: a rubric is a YAML mapping with a 'requirements' list")
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            line = _line_of(data, key_lines, tuple(error["loc"]))
            path = ".".join(str(p) for p in error["loc"])
            problems.append(f"line {line}: {path}: {error['msg']}" if line else f"{path}: {error['msg']}")
        raise RubricError.listing(name, problems) from exc
    rubric._sources = {
        r.id: (name, _line_of(data, key_lines, ("requirements", i, "id"))) for i, r in enumerate(rubric.requirements)
    }
    return rubric


def load_rubric(path: str | Path, _seen: frozenset[str] = frozenset()) -> Rubric:
    """Load a rubric file and merge in the packs it includes (requirements of the file win on id)."""
    path = Path(path)
    try:
        text = read_input(path, None, MAX_RUBRIC_BYTES).decode("utf-8", errors="replace")
    except Refused as exc:
        raise RubricError(f"rubric {path}: {exc}") from exc
    rubric = parse_rubric(text, str(path))
    return merge_includes(rubric, path.parent, _seen | {str(path.resolve())})


def resolve_pack(name: str, base: Path) -> Path:
    """A shipped pack by name, or a file under `base` (the including rubric's folder); nothing else."""
    home = base.resolve()
    candidates = [] if Path(name).is_absolute() else [(base / name, home)]
    if "/" not in name and "\\" not in name and name not in ("..", "."):
        candidates += [(PACKS / name, PACKS), (PACKS / f"{name}.yaml", PACKS)]
    for candidate, root in candidates:
        if candidate.is_file() and contained(candidate, root):
            return candidate.resolve()
    raise RubricError(f"included rubric pack not found: {name} (a shipped pack, or a file under {base})")


def merge_includes(rubric: Rubric, base: Path, seen: frozenset[str] = frozenset()) -> Rubric:
    requirements = list(rubric.requirements)
    sources = dict(rubric._sources)
    ids = {r.id for r in requirements}
    for name in rubric.include:
        pack_path = resolve_pack(name, base)
        if str(pack_path) in seen:
            raise RubricError(f"rubric include cycle through {name}")
        try:
            pack = load_rubric(pack_path, seen)
        except RubricError as exc:  # the message would quote the included file: say only where
            where = f" (line {exc.line})" if exc.line else ""
            raise RubricError(f"included rubric {name} is not a valid rubric{where}") from None
        for requirement in pack.requirements:
            if requirement.id not in ids:
                requirements.append(requirement)
                ids.add(requirement.id)
                sources[requirement.id] = pack._sources.get(requirement.id, (pack_path.name, None))
    merged = rubric.model_copy(update={"requirements": requirements})
    merged._sources = sources
    return merged


class _NoAliasDumper(yaml.SafeDumper):
    """Never writes anchors, so every dumped rubric loads again."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_rubric(rubric: Rubric, schema_url: str | None = None) -> str:
    """Rubric YAML; with `schema_url`, a first line that points YAML editors at the rubric JSON Schema."""
    data = rubric.model_dump(mode="json", exclude_defaults=False)
    data["include"] = list(rubric.include)
    text = yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=120)
    return (SCHEMA_LINE.format(schema_url) if schema_url else "") + text


def rubric_hash(rubric: Rubric) -> str:
    """sha256 of the rubric as graded (after includes): two results with the same hash used the same rubric."""
    return hashlib.sha256(dump_rubric(rubric).encode("utf-8")).hexdigest()
