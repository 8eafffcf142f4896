"""Evaluate what can be evaluated statically: variable defaults, tfvars, what module blocks pass, locals, simple templates.

Anything depending on a variable without default, a data source or a computed attribute stays
an Expr, so checks report `unknown` rather than guess.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from .ir import Expr, Location, Program, scope_of

_VAR = re.compile(r"^(var|local)\.([A-Za-z_][\w-]*)$")
_INTERP = re.compile(r"\$\{\s*((?:var|local)\.[A-Za-z_][\w-]*)\s*\}")
REGION = re.compile(r"\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d\b")


NOT_PASSED = object()


def module_input(program: Program, scope: str, name: str, depth: int = 0, written: bool = False) -> Any:
    """What the module blocks calling the folder `scope` pass as `name`: the value when every call passes the same
    one, the variable itself (unknown) when calls differ, NOT_PASSED when no call passes it (its default applies).
    With `written`, only values the calls write as literals count (not the callers' own variable defaults)."""
    calls = [m for m in program.modules if isinstance(m.source, str) and m.source.startswith(".")
             and posixpath.normpath(posixpath.join(scope_of(m.location.file), m.source)) == scope]
    if not calls or any(name not in m.attributes for m in calls):
        return NOT_PASSED if not any(name in m.attributes for m in calls) else Expr(f"var.{name}")
    values = [m.attributes[name] if written else resolve(m.attributes[name], program, scope_of(m.location.file), depth + 1)
              for m in calls]
    if all(v == values[0] for v in values) and not isinstance(values[0], Expr):
        return values[0]
    return Expr(f"var.{name}")


def resolve(value: Any, program: Program, scope: str = "", depth: int = 0) -> Any:
    """The literal a value evaluates to, or the value itself when it cannot be known."""
    if not isinstance(value, Expr) or depth > 5:
        return value
    m = _VAR.match(value.text.strip())
    if m:
        kind, name = m.groups()
        if kind == "var":
            if name in program.tfvars_varying:
                return value  # dev.tfvars and prod.tfvars set it differently: which applies is the deploy's choice
            if name in program.tfvars and not isinstance(program.tfvars[name], Expr):
                return program.tfvars[name]
            if scope and (passed := module_input(program, scope, name, depth)) is not NOT_PASSED:
                return passed
            var = program.variable(name, scope) or program.variable(name)
            if var is not None and var.has_default:
                return resolve(var.default, program, scope, depth + 1)
            return value
        local = program.local(name, scope)
        return resolve(local, program, scope, depth + 1) if local is not None else value
    if not value.is_template and value.text.strip().startswith("merge("):
        return _merge(value, program, scope, depth)
    if value.is_template and "${" in value.text:  # an HCL template (Python f-strings stay unknown)
        parts: list[str] = []
        last = 0
        for match in _INTERP.finditer(value.text):
            resolved = resolve(Expr(match.group(1)), program, scope, depth + 1)
            between = value.text[last:match.start()]
            if isinstance(resolved, Expr) or isinstance(resolved, (dict, list)) or "${" in between:
                return value  # an interpolation it cannot evaluate (`${lower(local.x)}`) before this one
            parts.append(between)
            parts.append(str(resolved))
            last = match.end()
        rest = value.text[last:]
        if "${" in rest:
            return value
        return "".join(parts) + rest
    return value


def _arguments(text: str) -> list[str] | None:
    """The top-level arguments of a call written `f(a, {b = 1}, c)`, or None when it is more than one call."""
    start = text.index("(")
    args: list[str] = []
    depth, quote, last = 0, False, start + 1
    for i, ch in enumerate(text[start:], start):
        if quote:
            quote = ch != '"' or text[i - 1] == "\\"
        elif ch == '"':
            quote = True
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                args.append(text[last:i])
                return [a.strip() for a in args if a.strip()] if not text[i + 1:].strip() else None
        elif ch == "," and depth == 1:
            args.append(text[last:i])
            last = i + 1
    return None


def _merge(value: Expr, program: Program, scope: str, depth: int) -> Any:
    """`merge(var.tags, local.extra, { Name = "x" })`: the merged map when every argument is known."""
    from .parse.hcl import object_literal  # the HCL front end reads the `{ ... }` arguments

    args = _arguments(value.text.strip())
    if not args:
        return value
    merged: dict[str, Any] = {}
    for arg in args:
        part = object_literal(arg) if arg.startswith("{") else resolve(Expr(arg), program, scope, depth + 1)
        if not isinstance(part, dict):
            return value
        merged.update(part)
    return merged


def provider_regions(program: Program) -> list[tuple[str | None, Location, str]]:
    """(region or None when unknown, where, provider address) for each AWS provider configuration."""
    out = []
    for provider in program.providers:
        if provider.name not in ("aws", ""):
            continue
        region = resolve(provider.region, program, scope_of(provider.location.file))
        if isinstance(region, str) and REGION.fullmatch(region.strip()):
            out.append((region.strip(), provider.location, provider.address))
        else:
            out.append((None, provider.location, provider.address))
    return out


def known_regions(program: Program) -> list[str]:
    return sorted({r for r, _, _ in provider_regions(program) if r})
