"""Terraform HCL front end: python-hcl2's rule tree -> Program.

We walk hcl2's rule tree (not its dict output) so every block and attribute keeps its
line. Expression values come from hcl2's serializer (`${...}` for expressions, quoted
strings for literals) and are turned into plain values or `Expr` with parsed references.
"""

from __future__ import annotations

import re
from typing import Any

import hcl2
from hcl2.rules.base import AttributeRule, BlockRule
from hcl2.utils import SerializationOptions

from ..ir import (
    PROVIDER_PREFIXES,
    REF_RE,
    Expr,
    Location,
    Module,
    Output,
    ParseError,
    Program,
    Provider,
    Reference,
    Resource,
    SourceFile,
    Variable,
    expr_refs,
    scope_of,
    scoped,
)

_OPTS = SerializationOptions(with_comments=False, preserve_heredocs=False)
_META_ARGS = ("count", "for_each", "provider", "depends_on", "lifecycle")
_HEREDOC = re.compile(r"^<<-?([A-Za-z_]\w*)\r?\n(.*?)\r?\n?\s*\1\s*$", re.S)


def _unquote(label: str) -> str:
    if len(label) >= 2 and label[0] == '"' and label[-1] == '"':
        return label[1:-1]
    return label


_STRING_OR_INTERP = re.compile(r'"(?:[^"\\]|\\.)*"')
_INTERPOLATION = re.compile(r"[$%]\{(.*?)\}")


def _code_only(text: str, template: bool) -> str:
    """The parts of an expression that are code: string literals dropped, their interpolations kept."""
    if template:
        return " ".join(_INTERPOLATION.findall(text))
    return _STRING_OR_INTERP.sub(lambda m: " " + " ".join(_INTERPOLATION.findall(m.group(0))) + " ", text)


def _refs_in(text: str, template: bool = False) -> list[tuple[str, str, bool, bool]]:
    """(address, attribute, indexed, splat) for every reference in an expression's text."""
    found = []
    for m in REF_RE.finditer(_code_only(text, template)):
        if m.group(1):
            address = f"data.{m.group(2)}.{m.group(3)}"
        elif m.group(4):
            address = f"{m.group(4)}.{m.group(5)}"
        elif m.group(6).split("_", 1)[0] in PROVIDER_PREFIXES:
            address = f"{m.group(6)}.{m.group(7)}"
        else:
            continue  # a dynamic-block iterator or for-expression variable, not a resource
        index, attr = m.group(8), m.group(9).lstrip(".")
        found.append((address, attr, bool(index), index == "[*]"))
    return found


def _expr(text: str, template: bool) -> Expr | Any:
    found = _refs_in(text, template)
    refs = tuple(dict.fromkeys(a for a, _, _, _ in found))
    attrs = tuple(attr for _, attr, _, _ in found)
    return Expr(text=text, refs=refs, attrs=attrs, is_template=template)


def convert(value: Any) -> Any:
    """hcl2 serialized value -> plain value or Expr."""
    if isinstance(value, str):
        if value.startswith("${") and value.endswith("}"):
            inner = value[2:-1].strip()
            if inner in ("true", "false"):
                return inner == "true"
            if inner == "null":
                return None
            return _expr(inner, template=False)
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            inner = value[1:-1]
            if "${" in inner:
                return _expr(inner, template=True)
            return inner.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
        heredoc = _HEREDOC.match(value)
        if heredoc:
            body = heredoc.group(2)
            return _expr(body, template=True) if "${" in body else body
        return value
    if isinstance(value, dict):
        return {_unquote(str(k)): convert(v) for k, v in value.items() if not str(k).startswith("__")}
    if isinstance(value, list):
        return [convert(v) for v in value]
    return value


def object_literal(text: str) -> dict[str, Any] | None:
    """An HCL object expression written as text (`{ Name = "x" }`) as a dict, or None when it does not parse."""
    try:
        value = convert(hcl2.loads(f"x = {text}\n").get("x"))
    except Exception:  # lark raises many types; all mean "not an object literal"
        return None
    return value if isinstance(value, dict) else None


_ROOT_BLOCKS = frozenset({"terraform", "provider", "resource", "data", "variable", "output", "locals", "module",
                          "moved", "import", "removed", "check", "ephemeral"})


class _FileReader:
    """Reads one .tf file into the program."""

    def __init__(self, program: Program, path: str, seen: dict[str, Location]):
        self.program = program
        self.path = path
        self.scope = scope_of(path)
        self.seen = seen

    def loc(self, node) -> Location:
        return Location(self.path, getattr(node._meta, "line", None))

    def body(self, body) -> tuple[dict[str, Any], dict[str, int]]:
        """A block body as attributes (nested blocks become lists of dicts) and their lines."""
        attrs: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for child in body.children:
            if isinstance(child, AttributeRule):
                name = child.identifier.serialize(_OPTS)
                attrs[name] = convert(child.expression.serialize(_OPTS))
                lines[name] = getattr(child._meta, "line", None)
            elif isinstance(child, BlockRule):
                labels = [_unquote(str(lbl.serialize(_OPTS))) for lbl in child.labels]
                inner, _ = self.body(child.body)
                if labels[0] == "dynamic" and len(labels) > 1:
                    content = inner.get("content", [{}])
                    block = dict(content[0] if content else {})
                    block["__dynamic__"] = {"for_each": inner.get("for_each")}
                    name = labels[1]
                else:
                    name = labels[0]
                    block = inner
                attrs.setdefault(name, []).append(block)
                lines.setdefault(name, getattr(child._meta, "line", None))
        return attrs, lines

    def declare(self, address: str, location: Location) -> None:
        key = scoped(self.scope, address)  # each directory is its own namespace
        first = self.seen.get(key)
        if first is not None:
            self.program.duplicates.append((address, first, location))
        else:
            self.seen[key] = location

    def read(self, tree) -> None:
        # A .tf file holds blocks; arguments at its top level were cut from a block body (reported once).
        report_arguments = self.path.endswith(".tf")
        for child in tree.body.children:
            if isinstance(child, AttributeRule):
                # Top-level attributes are only legal in .tfvars files.
                name = child.identifier.serialize(_OPTS)
                if report_arguments:
                    self.program.elisions.append((self.loc(child), f"`{name} = ...` outside any block (a fragment of a block body)"))
                    report_arguments = False
                value = convert(child.expression.serialize(_OPTS))
                if self.path.endswith(".tfvars") and name in self.program.tfvars and self.program.tfvars[name] != value:
                    self.program.tfvars_varying.add(name)
                self.program.tfvars[name] = value
                continue
            if not isinstance(child, BlockRule):
                continue
            labels = [_unquote(str(lbl.serialize(_OPTS))) for lbl in child.labels]
            kind = labels[0]
            self.program.spans[self.loc(child)] = getattr(child._meta, "end_line", None) or self.loc(child).line
            if kind not in _ROOT_BLOCKS and self.path.endswith(".tf"):
                self.program.elisions.append((self.loc(child), f"a `{kind}` block outside its parent block (a fragment)"))
            handler = getattr(self, f"block_{kind}", None)
            if handler is not None:
                handler(child, labels)

    def _resource(self, node, labels, mode: str) -> None:
        if len(labels) < 3:
            self.program.errors.append(ParseError(self.path, self.loc(node).line, f"{labels[0]} block needs a type and a name"))
            return
        attrs, lines = self.body(node.body)
        meta = {k: attrs.pop(k) for k in _META_ARGS if k in attrs}
        count: int | None = 1
        if "count" in meta:
            count = meta["count"] if isinstance(meta["count"], int) else None
        elif "for_each" in meta:
            count = len(meta["for_each"]) if isinstance(meta["for_each"], (list, dict)) else None
        provider = meta.get("provider")
        resource = Resource(
            type=labels[1],
            name=labels[2],
            dialect="terraform",
            location=self.loc(node),
            attributes=attrs,
            attr_lines=lines,
            mode=mode,
            source_type=labels[1],
            count=count,
            meta=meta,
            provider=str(provider) if provider is not None else None,
        )
        resource.refs = tuple(dict.fromkeys(expr_refs(attrs) + expr_refs(meta)))
        self.program.resources.append(resource)
        self.declare(resource.address, resource.location)
        self._record_refs(resource.address, {**attrs, **meta}, lines)

    def block_resource(self, node, labels):
        self._resource(node, labels, "managed")

    def block_data(self, node, labels):
        self._resource(node, labels, "data")

    def block_variable(self, node, labels):
        attrs, _ = self.body(node.body)
        name = labels[1] if len(labels) > 1 else ""
        var = Variable(
            name=name,
            location=self.loc(node),
            default=attrs.get("default"),
            has_default="default" in attrs,
            type=str(attrs.get("type")) if "type" in attrs else None,
            validation="validation" in attrs,
        )
        self.declare(f"var.{name}", var.location)
        self.program.variables[scoped(self.scope, name)] = var

    def block_locals(self, node, labels):
        attrs, lines = self.body(node.body)
        for key, value in attrs.items():
            location = Location(self.path, lines.get(key))
            self.declare(f"local.{key}", location)
            self.program.locals[scoped(self.scope, key)] = (value, location)
            self._record_refs(f"local.{key}", {key: value}, lines)

    def block_output(self, node, labels):
        attrs, lines = self.body(node.body)
        name = labels[1] if len(labels) > 1 else ""
        out = Output(name=name, location=self.loc(node), value=attrs.get("value"))
        self.declare(f"output.{name}", out.location)
        self.program.outputs.append(out)
        self._record_refs(f"output.{name}", attrs, lines)

    def block_module(self, node, labels):
        attrs, lines = self.body(node.body)
        name = labels[1] if len(labels) > 1 else ""
        source = attrs.get("source")
        module = Module(name=name, source=source if isinstance(source, str) else str(source), location=self.loc(node), attributes=attrs)
        self.declare(f"module.{name}", module.location)
        self.program.modules.append(module)
        self._record_refs(f"module.{name}", attrs, lines)

    def block_provider(self, node, labels):
        attrs, lines = self.body(node.body)
        name = labels[1] if len(labels) > 1 else ""
        alias = attrs.get("alias")
        provider = Provider(name=name, location=self.loc(node), alias=alias if isinstance(alias, str) else None,
                            region=attrs.get("region"), attributes=attrs)
        self.declare(f"provider.{provider.address}", provider.location)
        self.program.providers.append(provider)
        self._record_refs(f"provider.{provider.address}", attrs, lines)

    def block_terraform(self, node, labels):
        attrs, _ = self.body(node.body)
        for block in attrs.get("required_providers", []):
            for name, spec in block.items():
                self.program.required_providers[name] = spec if isinstance(spec, dict) else {"version": spec}
        # body() drops nested block labels, so backends are read from the tree itself.
        for child in node.body.children:
            if isinstance(child, BlockRule):
                inner = [_unquote(str(lbl.serialize(_OPTS))) for lbl in child.labels]
                if inner[0] == "backend":
                    config, _ = self.body(child.body)
                    self.program.backends.append((inner[1] if len(inner) > 1 else "", config, self.loc(child)))

    def _record_refs(self, source: str, attrs: dict[str, Any], lines: dict[str, int]) -> None:
        for key, value in attrs.items():
            location = Location(self.path, lines.get(key))
            for text, template in _expr_texts(value):
                for address, attr, indexed, splat in _refs_in(text, template):
                    self.program.references.append(Reference(source, address, location, attr, indexed, splat))


def _expr_texts(value: Any):
    if isinstance(value, Expr):
        yield value.text, value.is_template
    elif isinstance(value, dict):
        for v in value.values():
            yield from _expr_texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _expr_texts(v)


def error_line(exc: Exception) -> int | None:
    line = getattr(exc, "line", None)
    if isinstance(line, int) and line > 0:
        return line
    m = re.search(r"line (\d+)", str(exc))
    return int(m.group(1)) if m else None


def _salvage(text: str, line: int | None):
    """The blocks before a syntax error (a cut-off answer keeps what it did say), or None."""
    lines = text.splitlines()
    stop = (line or len(lines)) - 1
    ends = [i for i in range(min(stop, len(lines)) - 1, -1, -1) if lines[i].rstrip() == "}"]
    if not ends:
        return None
    try:
        return hcl2.parses("\n".join(lines[: ends[0] + 1]) + "\n")
    except Exception:  # the prefix does not parse either: nothing to keep
        return None


def parse_hcl_files(program: Program, files: list[SourceFile]) -> None:
    """Parse every HCL file into `program`; a file that does not parse becomes a ParseError."""
    seen: dict[str, Location] = {}
    for source in files:
        try:
            tree = hcl2.parses(source.text if source.text.endswith("\n") else source.text + "\n")
        except RecursionError:
            program.errors.append(ParseError(source.path, None, "nesting too deep to parse"))
            continue
        except Exception as exc:  # lark raises many types; all mean "does not parse"
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            program.errors.append(ParseError(source.path, error_line(exc), first[:200]))
            tree = _salvage(source.text, error_line(exc))
            if tree is None:
                continue
        reader = _FileReader(program, source.path, seen)
        try:
            reader.read(tree)
        except Exception as exc:  # a structurally odd file: keep what was read
            program.errors.append(ParseError(source.path, error_line(exc), f"could not read: {str(exc)[:160]}"))
            continue
        source.parsed = True
    program.dialects.add("terraform")
