"""Reading and writing rubric YAML: duplicate and unknown keys are errors with line numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..ingest.task import InputError
from .model import Rubric

PACKS = Path(__file__).resolve().parent.parent.parent / "rubrics"


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and remembers where every mapping key sits."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping: dict[Any, Any] = {}
    lines: dict[Any, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise InputError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1} "
                             f"(first at line {lines[key]})")
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
    except InputError as exc:
        raise InputError(f"{name}: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise InputError(f"{name}: not valid YAML{where}") from exc
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
    data, key_lines = _parse(text, name)
    if not isinstance(data, dict):
        raise InputError(f"{name}: a rubric is a YAML mapping with a 'requirements' list")
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        line = _line_of(data, key_lines, tuple(first["loc"]))
        where = f" (line {line})" if line else ""
        path = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{name}: {path}: {first['msg']}{where}") from exc


def load_rubric(path: str | Path, _seen: frozenset[str] = frozenset()) -> Rubric:
    """Load a rubric file and merge in the packs it includes (requirements of the file win on id)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read rubric {path}: {exc.strerror or exc}") from exc
    rubric = parse_rubric(text, str(path))
    return merge_includes(rubric, path.parent, _seen | {str(path.resolve())})


def resolve_pack(name: str, base: Path) -> Path:
    for candidate in (base / name, PACKS / name, PACKS / f"{name}.yaml"):
        if candidate.is_file():
            return candidate
    raise InputError(f"included rubric pack not found: {name}")


def merge_includes(rubric: Rubric, base: Path, seen: frozenset[str] = frozenset()) -> Rubric:
    requirements = list(rubric.requirements)
    ids = {r.id for r in requirements}
    for name in rubric.include:
        pack_path = resolve_pack(name, base)
        if str(pack_path.resolve()) in seen:
            raise InputError(f"rubric include cycle through {pack_path.name}")
        pack = load_rubric(pack_path, seen)
        for requirement in pack.requirements:
            if requirement.id not in ids:
                requirements.append(requirement)
                ids.add(requirement.id)
    return rubric.model_copy(update={"requirements": requirements})


def dump_rubric(rubric: Rubric) -> str:
    data = rubric.model_dump(mode="json", exclude_defaults=False)
    data["include"] = list(rubric.include)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
