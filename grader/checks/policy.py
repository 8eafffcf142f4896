"""IAM policy statements as the checks read them, from every dialect, literals only.

A statement is normalised to a `Statement`: effect, literal actions and resources, whether it has a
principal, a condition or NotAction. Sources: JSON strings, HCL `jsonencode({...})` (re-read with
python-hcl2), dicts from Python (`json.dumps({...})`, CDK struct kwargs), `aws_iam_policy_document`
statement blocks, CDK `iam.PolicyStatement(...)` calls (read with the standard library's `ast`), and Python dict
literals shaped like a policy document that no attribute shows (inside `Output.apply(lambda ...)`, or handed to a
helper in a variable).
Values that are not literals are left out, so a rule never claims on them.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from typing import Any, Iterator

import hcl2

from ..ir import Expr, Location, Program, Resource, walk_values


@dataclass(frozen=True)
class Statement:
    resource: Resource
    key: str  # the attribute it sits in (or "calls" for a CDK method call)
    effect: str  # Allow | Deny | "" (not a literal)
    actions: tuple[str, ...]  # literal actions only
    resources: tuple[str, ...]  # literal resources, and ARN templates as written
    principal: Any  # None when the statement has no principal (an identity policy)
    condition: bool
    not_action: bool

    @property
    def location(self) -> Location:
        return self.resource.line_of(self.key) if self.key != "calls" else self.resource.location


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(v for v in value if isinstance(v, str))
    return ()


# An ARN written as a template whose interpolations fill only some fields ("arn:aws:logs:${var.region}:${acct}:*",
# f"arn:aws:logs:{region}:{account}:*"): the literal fields can still be judged.
_ARN_TEMPLATE = re.compile(r"""(?:f(?=["']))?["']?(arn:[^"']*)["']?""")


def _resources(value: Any) -> tuple[str, ...]:
    """Literal resources, and ARN templates as written (their interpolations unevaluated)."""
    found = list(_strings(value))
    for leaf in value if isinstance(value, (list, tuple)) else [value]:
        if isinstance(leaf, Expr) and (m := _ARN_TEMPLATE.fullmatch(leaf.text.strip())) and "{" in m.group(1):
            found.append(m.group(1))
    return tuple(found)


def _get(d: dict, *names: str) -> Any:
    lowered = {str(k).lower(): v for k, v in d.items()}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def _statement(resource: Resource, key: str, d: dict, default_effect: str = "Allow") -> Statement | None:
    actions = _get(d, "action", "actions")
    not_actions = _get(d, "notaction", "not_actions", "notactions")
    if actions is None and not_actions is None:
        return None
    effect = _get(d, "effect")
    if effect is None:
        effect = default_effect
    text = effect.text if isinstance(effect, Expr) else effect if isinstance(effect, str) else ""
    effect = text.split(".")[-1].capitalize()
    effect = effect if effect in ("Allow", "Deny") else ""
    principal = _get(d, "principal", "principals", "notprincipal", "not_principals")
    condition = _get(d, "condition", "conditions")
    return Statement(resource, key, effect, _strings(actions), _resources(_get(d, "resource", "resources")),
                     principal, bool(condition), not_actions is not None)


def _unquote_hcl(value: Any) -> Any:
    """python-hcl2 keeps the quotes of strings inside an expression it re-reads: strip them; keep `${}` unknown."""
    if isinstance(value, str):
        if len(value) >= 2 and value[0] == value[-1] == '"':
            inner = value[1:-1]
            return Expr(inner, is_template=True) if "${" in inner else inner
        return Expr(value)
    if isinstance(value, list):
        return [_unquote_hcl(v) for v in value]
    if isinstance(value, dict):
        return {k: _unquote_hcl(v) for k, v in value.items()}
    return value


_JSONENCODE = re.compile(r"^\s*jsonencode\((.*)\)\s*$", re.S)
_HCL_ESCAPE = re.compile(r'\\(["\\nrt])')
_HCL_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


def document(value: Any) -> Any:
    """A policy document as plain values, from a JSON string or an HCL jsonencode(...) expression."""
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            return json.loads(value)
        except ValueError:
            return None
    if isinstance(value, Expr) and value.text.strip().startswith("{"):
        try:  # a heredoc JSON policy with interpolations: the interpolated strings stay `${...}`, never a literal "*"
            return json.loads(_HCL_ESCAPE.sub(lambda m: _HCL_ESCAPES[m.group(1)], value.text))  # python-hcl2 keeps escapes
        except ValueError:
            return None
    if isinstance(value, Expr):
        m = _JSONENCODE.match(value.text)
        if m:
            try:
                return _unquote_hcl(hcl2.loads(f"x = {m.group(1)}\n").get("x"))
            except Exception:  # noqa: BLE001 - an expression python-hcl2 cannot read is simply unknown
                return None
    return value if isinstance(value, dict) else None


def _dicts(value: Any) -> Iterator[dict]:
    for leaf in walk_values(value):
        if isinstance(leaf, dict):
            yield leaf


def _literal(node: ast.AST) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        if isinstance(node, ast.List):
            return [v for v in (_literal(e) for e in node.elts) if v is not None]
        if isinstance(node, ast.Attribute):
            return Expr(ast.unparse(node))
        if isinstance(node, ast.Call):
            return Expr(ast.unparse(node))
        return None


def _cdk_statements(resource: Resource, text: str) -> Iterator[Statement]:
    """`iam.PolicyStatement(actions=[...], resources=[...])` calls in a CDK method call's source text."""
    if "PolicyStatement" not in text:
        return
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("PolicyStatement"):
            kwargs = {k.arg: _literal(k.value) for k in node.keywords if k.arg}
            if any(k.arg is None for k in node.keywords):
                continue  # **spread: unknown
            st = _statement(resource, "calls", kwargs)
            if st:
                yield st


def _lenient(node: ast.AST) -> Any:
    """A Python literal as plain values, keeping what is not a literal (an f-string ARN, a name) as an Expr."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Dict):
        keys = [_lenient(k) if k is not None else None for k in node.keys]
        return {k: _lenient(v) for k, v in zip(keys, node.values) if isinstance(k, str)}
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_lenient(e) for e in node.elts]
    return Expr(ast.unparse(node))


def _free_documents(program: Program) -> Iterator[tuple[Resource, str, dict]]:
    """Identity-policy documents written as Python dict literals (`{"Statement": [...]}`) that no resource attribute
    shows: built inside `Output.apply(lambda ...: json.dumps({...}))`, or held in a variable that a helper's parameter
    or a loop hands to `json.dumps`. Each comes with the resource whose call encloses it (and the keyword it is passed
    as), else a stand-in `policy_document` named after the variable. Trust and resource policies (a statement with a
    principal) are left out."""
    from .base import python_tree

    at = {(r.location.file, r.location.line): r for r in program.resources if r.dialect in ("cdk", "cdktf", "pulumi")}
    for f in program.files:
        tree = python_tree(f.text) if f.language == "python" and f.parsed else None
        if tree is None:
            continue
        parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "Statement" for k in node.keys)):
                continue
            doc = _lenient(node)
            body = doc.get("Statement")
            blocks = [body] if isinstance(body, dict) else [b for b in body if isinstance(b, dict)] if isinstance(body, list) else []
            if not blocks or any(_get(b, "principal", "notprincipal") is not None for b in blocks):
                continue
            holder, key, name, up = None, "policy", "", parents.get(id(node))
            while up is not None and holder is None:
                if isinstance(up, ast.keyword) and up.arg:
                    key = up.arg
                if isinstance(up, ast.Call) and (f.path, up.lineno) in at:
                    holder = at[(f.path, up.lineno)]
                if not name and isinstance(up, ast.Assign) and len(up.targets) == 1 and isinstance(up.targets[0], ast.Name):
                    name = up.targets[0].id  # `lambda_policy = Output.all(...).apply(lambda a: json.dumps({...}))`
                up = parents.get(id(up))
            if holder is None:
                holder = Resource(type="policy_document", name=name or f"document_at_line_{node.lineno}",
                                  dialect="python", location=Location(f.path, node.lineno))
                key = "policy"
            yield holder, key, doc


def statements(program: Program, skip_types: tuple[str, ...] = ()) -> Iterator[Statement]:
    """Every IAM statement the code writes literally, with the resource that holds it (a stand-in `policy_document`
    for a Python dict literal no resource attribute shows)."""
    seen: set[tuple] = set()
    for st in _resource_statements(program, skip_types):
        seen.add((st.effect, st.actions, st.resources, st.not_action))
        yield st
    for holder, key, doc in _free_documents(program):
        if holder.type in skip_types:
            continue
        for d in _dicts(doc):
            st = _statement(holder, key, d)
            if st and (st.effect, st.actions, st.resources, st.not_action) not in seen:
                seen.add((st.effect, st.actions, st.resources, st.not_action))
                yield st


def _resource_statements(program: Program, skip_types: tuple[str, ...]) -> Iterator[Statement]:
    for r in program.resources:
        if r.type in skip_types:
            continue
        if r.type == "aws_iam_policy_document" and r.mode == "data":
            for block in _dicts(r.attributes.get("statement", r.attributes.get("statements"))):  # HCL blocks, Pulumi Args
                st = _statement(r, "statement", block)
                if st:
                    yield st
            continue
        for key, value in r.attributes.items():
            if key in ("assume_role_policy", "assumed_by", "__dynamic__"):
                continue
            for leaf in walk_values(value):
                doc = document(leaf) if isinstance(leaf, (str, Expr)) else None
                for d in _dicts(doc) if doc is not None else ():
                    st = _statement(r, key, d)
                    if st:
                        yield st
                if isinstance(leaf, dict) and doc is None:
                    st = _statement(r, key, leaf) if _get(leaf, "resource", "resources") is not None else None
                    if st:
                        yield st
                if isinstance(leaf, Expr) and r.dialect == "cdk":
                    yield from _cdk_statements(r, leaf.text)
        if r.dialect == "cdk":
            for text in r.meta.get("calls", []):
                yield from _cdk_statements(r, text)
