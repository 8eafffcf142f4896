"""Python front end for Pulumi, AWS CDK and CDKTF, with libcst. Graded code is never imported.

One pass over each module: imports are resolved to full dotted paths; every call of a cloud
class becomes a Resource (wherever it sits: helpers and loops included, a loop making the
count unknown); assignments bind names (`vpc = ...`, `self.vpc = ...`) so that later
arguments such as `vpc_id=vpc.id` become references. A second, scope-aware pass
(the standard library's `symtable`, a compile-time analysis that runs nothing) records names
used but never bound.
"""

from __future__ import annotations

import ast
import builtins
import symtable
import re
from typing import Any

import libcst as cst
import yaml
from libcst.metadata import MetadataWrapper, PositionProvider

from .. import schema
from ..ir import Expr, Location, Output, scoped, ParseError, Program, Provider, PythonFacts, Resource, SourceFile, Variable, expr_refs
from . import cdk_l2
from .types import CFN_TO_TF, cdktf_type, cfn_type, pulumi_type, snake

SDK_ROOTS = {"pulumi_aws": "pulumi", "aws_cdk": "cdk", "cdktf_cdktf_provider_aws": "cdktf", "cdktf": "cdktf", "pulumi": "pulumi"}
_BUILTINS = set(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__path__", "__builtins__", "__package__",
                                  "__loader__", "__annotations__", "__dict__", "__module__", "__qualname__", "__class__"}
_ENV_INPUT = re.compile(r"env|suffix|stage", re.I)  # environment_suffix, self.env, stage
_STACK = re.compile(r"(?:^|\.)\w*Stack$")  # aws_cdk.Stack or a class named like one (TapStack)
_CHECKED_ROOTS = frozenset({"aws_cdk", "pulumi_aws", "cdktf_cdktf_provider_aws"})  # roots the shipped signatures cover
_LOOPS = frozenset({cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp})  # exact types: fast


def _dotted(node: cst.BaseExpression) -> str | None:
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def _constant(node: cst.BaseExpression) -> bool | None:
    """The truth of a condition written as a constant (`False`, `0`, `None`, `True`), else None."""
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return node.value == "True"
    if isinstance(node, cst.Integer) and node.value in ("0", "1"):
        return node.value == "1"
    return None


def _import_path(node: cst.BaseExpression) -> str:
    return _dotted(node) or ""


class _RefFinder(cst.CSTVisitor):
    """Addresses of the resources a sub-expression mentions (`vpc.id`, `self.bucket.arn`)."""

    def __init__(self, lookup):
        super().__init__()
        self.lookup = lookup
        self.found: list[str] = []

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        dotted = _dotted(node)
        if dotted:
            bound, _ = self.lookup(dotted)
            if isinstance(bound, Resource):
                self.found.append(bound.address)
                return False
        return True

    def visit_Name(self, node: cst.Name) -> None:
        bound, _ = self.lookup(node.value)
        if isinstance(bound, Resource):
            self.found.append(bound.address)


_UNBOUND = object()


class _Collector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, program: Program, source: SourceFile, module: cst.Module, facts: PythonFacts):
        self.program = program
        self.path = source.path
        self.module = module
        self.facts = facts
        self.aliases: dict[str, str] = {}
        self.bindings: list[dict[str, Any]] = [{}]  # function scopes; [0] is the module
        self.shadowed: list[set[str]] = [set()]  # imported names rebound in each function scope
        self.typed: list[dict[str, str]] = [{}]  # per function scope: parameters annotated with an aws-cdk-lib class
        self.self_bindings: dict[str, Any] = {}
        self.loop_depth = 0
        self.names_seen: dict[str, list[tuple[Location, dict[int, str]]]] = {}
        self.results: dict[int, Resource] = {}  # id(call node) -> the resource it declared
        self.functions: list[str] = []  # enclosing classes and functions: construct ids are unique per scope
        self.branches: list[tuple[int, str]] = []  # (if statement, "body" | "orelse") around the current node
        self.call_kwargs: dict[int, list[str]] = {}  # keyword names as written, for schema checks
        self.stack_class: list[bool] = []  # per enclosing class: does it subclass a Stack
        self.self_types: dict[str, set[str]] = {}  # `self.x` -> the classes bound to it anywhere in the file
        self.defs: list[str] = []  # enclosing function definitions, innermost last
        self.made_in: dict[str, list[Resource]] = {}  # function name -> the resources its body declares
        self.called: dict[str, list[bool]] = {}  # function name -> per call site `name(...)` / `self.name(...)`: inside a loop?

    # ---- helpers -------------------------------------------------------------------
    def line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node).strip()

    def qualify(self, node: cst.BaseExpression) -> str | None:
        dotted = _dotted(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head in self.aliases and not any(head in names for names in self.shadowed):
            return self.aliases[head] + ("." + rest if rest else "")
        return dotted

    def lookup(self, dotted: str) -> Any:
        if dotted.startswith("self."):
            key = ".".join(dotted.split(".")[:2])
            return self.self_bindings.get(key), dotted[len(key) + 1:]
        head, _, rest = dotted.partition(".")
        for scope in reversed(self.bindings):
            if head in scope:
                return scope[head], rest
        return None, rest

    def bind(self, target: cst.BaseExpression, value: Any) -> None:
        """Bind a name (or `self.x`) to a value; a rebinding inside one arm of an `if` leaves it unknown."""
        dotted = _dotted(target)
        if dotted is None:
            return
        if dotted.startswith("self.") and dotted.count(".") == 1:
            self.self_bindings[dotted] = value
            self.self_types.setdefault(dotted, set()).add(value.source_type if isinstance(value, Resource) else "")
        elif "." not in dotted:
            before = self.bindings[-1].get(dotted, _UNBOUND)
            if self.branches and before is not _UNBOUND and before is not value and not isinstance(value, Resource):
                # `x = None` then `if flag: x = Args(...)`: either may hold when x is read
                value = Expr(f"{dotted} (set in a branch)")
            self.bindings[-1][dotted] = value
            if dotted in self.aliases:  # `dynamodb = boto3.resource(...)` hides the SDK module
                self.shadowed[-1].add(dotted)

    # ---- imports -------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = _import_path(alias.name)
            bound = alias.asname.name.value if alias.asname else full.split(".")[0]
            self.aliases[bound] = full if alias.asname else bound
            self.shadowed[-1].discard(bound)
            self.facts.imports.append((bound, full, self.line(node)))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            base = "." * len(node.relative) + (_import_path(node.module) if node.module else "")
        else:
            base = _import_path(node.module)
        if isinstance(node.names, cst.ImportStar):
            self.facts.imports.append(("*", base, self.line(node)))
            return
        for alias in node.names:
            name = _import_path(alias.name)
            bound = alias.asname.name.value if alias.asname else name
            self.aliases[bound] = f"{base}.{name}"
            self.shadowed[-1].discard(bound)
            self.facts.imports.append((bound, f"{base}.{name}", self.line(node)))

    # ---- scopes and loops -----------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.bindings.append({})
        self.shadowed.append(set())
        params = [*node.params.params, *node.params.kwonly_params, *node.params.posonly_params]
        self.typed.append({p.name.value: path for p in params if p.annotation
                           for path in [self.qualify(p.annotation.annotation)] if path and path.startswith("aws_cdk.")})
        self.functions.append(node.name.value)
        self.defs.append(node.name.value)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.bindings.pop()
        self.shadowed.pop()
        self.typed.pop()
        self.functions.pop()
        self.defs.pop()

    def leave_Module(self, node: cst.Module) -> None:
        """A helper called three times makes its resources three times; called in a loop, an unknown number of times."""
        for name, made in self.made_in.items():
            sites = self.called.get(name, [])
            if len(sites) < 2 and not any(sites):
                continue
            for resource in made:
                resource.count = None if any(sites) or resource.count is None else resource.count * len(sites)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.facts.classes.append(node.name.value)
        self.functions.append(node.name.value)
        self.stack_class.append(any(_STACK.search(self.qualify(b.value) or "") for b in node.bases))

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.functions.pop()
        self.stack_class.pop()

    def stack_tags(self, node: cst.Call, path: str) -> None:
        """`TapStack(app, "T", tags={...})`, `super().__init__(scope, id, tags=tags)` in a Stack subclass: the
        stack's tags, which AWS CDK applies to every resource in it."""
        if not (_STACK.search(path) or path == "super.__init__" and self.stack_class and self.stack_class[-1]):
            return
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "tags":
                self.facts.stack_tags.append(self.value(arg.value))

    # The two arms of an `if` never both run: the same id declared in each is one declaration.
    def visit_If_body(self, node: cst.If) -> None:
        self.branches.append((id(node), "body"))

    def leave_If_body(self, node: cst.If) -> None:
        self.branches.pop()

    def visit_If_orelse(self, node: cst.If) -> None:
        self.branches.append((id(node), "orelse"))

    def leave_If_orelse(self, node: cst.If) -> None:
        self.branches.pop()

    def on_visit(self, node: cst.CSTNode) -> bool:
        if type(node) in _LOOPS:
            self.loop_depth += 1
        if isinstance(node, (cst.If, cst.IfExp)):
            test = _constant(node.test)
            if test is not None:  # `x if False else None`, `if False:`: only the arm that runs is read
                live = node.body if test else node.orelse
                if live is not None:
                    live.visit(self)
                super().on_visit(node)
                return False
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if type(original_node) in _LOOPS:
            self.loop_depth -= 1
        super().on_leave(original_node)

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._declares(node.value):
            return  # visit_Call makes the Resource; leave_Assign binds it
        value = self.value(node.value)
        for target in node.targets:
            self.bind(target.target, value)

    def _declares(self, node: cst.BaseExpression) -> bool:
        if not isinstance(node, cst.Call):
            return False
        path = self.qualify(node.func) or ""
        return path.split(".")[0] in SDK_ROOTS and path.rsplit(".", 1)[-1][:1].isupper()

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self.bind(node.target, self.value(node.value))

    # ---- values --------------------------------------------------------------------
    def value(self, node: cst.BaseExpression) -> Any:
        """Reduce an expression to a plain value, a Resource binding or an Expr."""
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            try:
                evaluated = node.evaluated_value
            except Exception:
                evaluated = None
            if isinstance(evaluated, str):
                return evaluated
            return Expr(self.code(node))
        if isinstance(node, cst.Integer):
            try:
                return int(node.value.replace("_", ""), 0)
            except ValueError:
                return Expr(node.value)
        if isinstance(node, cst.Float):
            return float(node.value.replace("_", ""))
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
            inner = self.value(node.expression)
            if isinstance(inner, (int, float)) and not isinstance(inner, bool):
                return -inner
        if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.value]
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            return [self.value(e.value) for e in node.elements if not isinstance(e, (cst.StarredElement,))]
        if isinstance(node, cst.Dict):
            out: dict[str, Any] = {}
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    key = self.value(element.key)
                    out[key if isinstance(key, str) else self.code(element.key)] = self.value(element.value)
                else:  # `{**common_tags, "Name": n}`: the spread dict's entries, when it is known
                    spread = self.value(element.value)
                    if not isinstance(spread, dict):
                        return Expr(self.code(node), refs=self.refs_in(node))
                    out.update(spread)
            return out
        if isinstance(node, cst.Call):
            return self.call_value(node)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            left, right = self.value(node.left), self.value(node.right)  # `common_tags | {"Name": n}`
            if isinstance(left, dict) and isinstance(right, dict):
                return {**left, **right}
        if isinstance(node, (cst.Name, cst.Attribute)):
            dotted = _dotted(node)
            if dotted is not None:
                bound, rest = self.lookup(dotted)
                if isinstance(bound, Resource):
                    return Expr(dotted, refs=(bound.address,), attrs=(rest.split(".")[0] if rest else "",))
                if bound is not None and not rest and not isinstance(bound, Expr):
                    return bound
                resolved = self.qualify(node)
                # `name = fn.name` then `f"/aws/lambda/{name}"`: the name still comes from `fn`
                carried = bound.refs if isinstance(bound, Expr) and not rest else ()
                return Expr(resolved or dotted, refs=tuple(dict.fromkeys(carried + self.refs_in(node))))
        if isinstance(node, cst.FormattedString):
            return self.formatted(node)
        return Expr(self.code(node), refs=self.refs_in(node))

    def formatted(self, node: cst.FormattedString) -> Any:
        """f"logs-{suffix}" with `suffix = "dev"` bound -> "logs-dev"; an Expr when a part is not known."""
        parts = []
        symbolic = False
        values = {id(p): self.value(p.expression) for p in node.parts if isinstance(p, cst.FormattedStringExpression)}
        carried = tuple(ref for v in values.values() if isinstance(v, Expr) for ref in v.refs)
        refs = tuple(dict.fromkeys(self.refs_in(node) + carried))  # refs of the names it is built from, too
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value.replace("{{", "{").replace("}}", "}"))
                continue
            code = self.code(part.expression)
            value = values[id(part)]
            bound, rest = self.lookup(_dotted(part.expression) or "")
            if isinstance(bound, Expr) and bound.is_template and not rest and bound.text.startswith('f"'):
                value = Expr(bound.text[2:-1])  # a name bound to a partly known f-string: inline it
            elif _ENV_INPUT.search(code) and not part.format_spec and not part.conversion:
                value = Expr("{" + code + "}")
            if part.format_spec or part.conversion or not isinstance(value, (str, int, Expr)) or isinstance(value, bool) or (
                    isinstance(value, Expr) and not value.text.startswith("{") and value.text == code):
                return Expr(self.code(node), refs=refs, is_template=True)
            if isinstance(value, Expr):
                parts.append(value.text)  # the environment input stays visible: names are checked for it
                symbolic = True
            else:
                parts.append(value.text if isinstance(value, Expr) else str(value))
        text = "".join(parts)
        return Expr(f'f"{text}"', refs=refs, is_template=True) if symbolic else text

    def pulumi_refs(self, refs: list[str] | tuple[str, ...]) -> bool:
        """Whether any of these addresses is a Pulumi resource (its attributes are Outputs, whatever the file imports)."""
        wanted = set(refs)
        return bool(wanted) and any(r.dialect == "pulumi" and r.address in wanted for r in self.program.resources)

    def refs_in(self, node: cst.CSTNode) -> tuple[str, ...]:
        finder = _RefFinder(self.lookup)
        node.visit(finder)
        return tuple(dict.fromkeys(finder.found))

    def kwargs(self, node: cst.Call) -> tuple[dict[str, Any], dict[str, int]]:
        values: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for arg in node.args:
            if arg.keyword is not None:
                values[arg.keyword.value] = self.value(arg.value)
                lines[arg.keyword.value] = self.line(arg)
            elif arg.star == "**":
                inner = self.value(arg.value)
                if isinstance(inner, dict):
                    values.update(inner)
        return values, lines

    def keyword_names(self, node: cst.Call) -> list[str]:
        """Keywords as written, plus the keys of `**dict` arguments; "**" when such a dict is unknown."""
        names = []
        for arg in node.args:
            if arg.keyword is not None:
                names.append(arg.keyword.value)
            elif arg.star == "**":
                inner = self.value(arg.value)
                names.extend(inner) if isinstance(inner, dict) else names.append("**")
            elif arg.star == "*":
                names.append("*")  # `*args` may supply anything positional
        return names

    def call_value(self, node: cst.Call) -> Any:
        path = self.qualify(node.func) or ""
        if path in ("json.dumps", "dict") or path.endswith(".jsonencode"):
            if path == "dict":
                positional = [a for a in node.args if a.keyword is None and not a.star]
                base = self.value(positional[0].value) if positional else {}
                if not isinstance(base, dict) or len(positional) > 1:  # `dict(common_tags, Name=n)`
                    return Expr(self.code(node), refs=self.refs_in(node))
                return {**base, **self.kwargs(node)[0]}
            if not node.args:
                return Expr(self.code(node))
            inner = self.value(node.args[0].value)
            if path == "json.dumps" and self.pulumi_refs(expr_refs(inner)):
                self.facts.lazy_values.append((self.code(node), self.line(node)))
            return inner
        head = path.split(".")[0]
        cls = path.split(".")[-1]
        positional = [a for a in node.args if a.keyword is None and not a.star]
        if head in SDK_ROOTS and cls[:1].isupper() and not positional and head != "pulumi" and not cls.endswith("Principal"):
            return self.kwargs(node)[0]  # a struct / Args class: keep its fields (a principal is no struct: it keeps its name)
        return Expr(self.code(node), refs=self.refs_in(node))

    # ---- SDK paths and members, for the signature checks ----------------------------
    def sdk_path(self, node: cst.Attribute) -> str | None:
        """`elbv2.HealthCheck` -> its SDK path; `fn.metric_x` on a CDK construct -> the class path + member."""
        path = self.qualify(node)
        if path and path.split(".")[0] in _CHECKED_ROOTS:
            return path
        owner = _dotted(node.value)
        bound = self.lookup(owner)[0] if owner else None
        if bound is None and owner in self.typed[-1]:  # `asg: autoscaling.AutoScalingGroup` passed in: its class is declared
            return f"{self.typed[-1][owner]}.{node.attr.value}"
        if not isinstance(bound, Resource) or bound.synthesized_from or not bound.source_type.startswith("aws_cdk."):
            return None
        key = ".".join(owner.split(".")[:2]) if owner.startswith("self.") else None
        if key and len(self.self_types.get(key, ())) > 1 or owner.count(".") > (1 if key else 0):
            return None  # `self.x` holds different classes in this file; `a.b.c` is not the construct itself
        return f"{bound.source_type}.{node.attr.value}"

    def visit_Attribute(self, node: cst.Attribute) -> None:
        path = self.sdk_path(node)
        if path:
            self.facts.sdk_uses.append((path, None, self.line(node)))
        # `logs.ComparisonOperator.GREATER_THAN`: an SDK class or enum read without a call is checked like a call
        full = self.qualify(node)
        if full and full.split(".")[0] in _CHECKED_ROOTS and full.count(".") == 2 and full.rsplit(".", 1)[1][:1].isupper():
            self.facts.calls.append((full, self.line(node)))

    # ---- calls that declare things -------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        path = self.qualify(node.func)
        callee = node.func.value if isinstance(node.func, cst.Name) else node.func.attr.value \
            if isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Name) and node.func.value.value == "self" else None
        if callee is not None:
            self.called.setdefault(callee, []).append(self.loop_depth > 0)
        uses_cdk = any(full.startswith("aws_cdk") for full in self.aliases.values())
        if isinstance(node.func, (cst.Attribute, cst.Name)):
            called = self.sdk_path(node.func) if isinstance(node.func, cst.Attribute) else path
            if called and called.split(".")[0] in _CHECKED_ROOTS:
                self.facts.sdk_uses.append((called, tuple(self.keyword_names(node)), self.line(node)))
                if len(node.args) == 1 and node.args[0].keyword is None and not node.args[0].star:
                    given = self.value(node.args[0].value)
                    arg = node.args[0].value
                    if isinstance(given, (int, float, str)) and not isinstance(given, bool):
                        self.facts.literal_calls.append((called, repr(given), self.line(node)))
                    elif isinstance(arg, cst.Subscript) and len(arg.slice) == 1 and isinstance(arg.slice[0].slice, cst.Index) \
                            and isinstance(arg.slice[0].slice.value, cst.SimpleString):
                        # `RetentionDays(config["days"])`: the check reads the values that key takes in the file
                        self.facts.literal_calls.append((called, f"[{arg.slice[0].slice.value.value}]", self.line(node)))
        if isinstance(node.func, cst.Attribute):
            owner = _dotted(node.func.value)
            bound = self.lookup(owner)[0] if owner else None
            if isinstance(bound, Resource):  # `key.grant_encrypt_decrypt(...)`, `alarm.add_alarm_action(...)`
                bound.meta.setdefault("calls", []).append(self.code(node)[:2000])
        if not path:
            method = node.func.attr.value if isinstance(node.func, cst.Attribute) else None
            if method == "__init__" and uses_cdk and self.code(node.func.value) == "super()":
                self.stack_tags(node, "super.__init__")
            if method in cdk_l2.METHODS and uses_cdk:
                self.method_resource(node, method)
            return
        self.facts.calls.append((path, self.line(node)))
        if uses_cdk:
            self.stack_tags(node, path)
        parts = path.split(".")
        root = parts[0]
        if root not in SDK_ROOTS:
            method = parts[-1]
            if method in cdk_l2.METHODS and len(parts) > 1 and uses_cdk:
                self.call_kwargs[id(node)] = self.keyword_names(node)
                self.method_resource(node, method)
            return
        dialect = SDK_ROOTS[root]
        self.program.dialects.add(dialect)
        self.call_kwargs[id(node)] = self.keyword_names(node)
        positional = [a for a in node.args if a.keyword is None and not a.star]
        if len(positional) > (1 if root.startswith("pulumi") else 2):
            # `Role("r", RoleArgs(...))`, `Bucket(self, "B", props)`: an arguments object passed by position
            # may supply any argument, like an unknown `**dict`.
            self.call_kwargs[id(node)].append("**")
        if root == "pulumi":
            self.pulumi_core(node, parts, positional)
        elif root == "pulumi_aws":
            self.pulumi_resource(node, parts, positional)
        elif root == "cdktf":
            self.cdktf_core(node, parts, positional)
        elif root == "cdktf_cdktf_provider_aws":
            self.cdktf_resource(node, parts, positional)
        elif root == "aws_cdk":
            self.cdk_construct(node, parts, positional)

    def leave_Call(self, original_node: cst.Call) -> None:
        """`metric.create_alarm(self, "A", ...).add_alarm_action(action)`: a call on the resource a call just declared."""
        func = original_node.func
        made = self.results.get(id(func.value)) if isinstance(func, cst.Attribute) else None
        if made is not None:
            made.meta.setdefault("calls", []).append(self.code(original_node)[:2000])

    def template(self, node: cst.FormattedString) -> str:
        """f"vpc-{self.env}" -> "vpc-{self.env}": readable, and keeps what the name is built from."""
        parts = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value)
            else:
                parts.append("{" + self.code(part.expression) + "}")
        return "".join(parts)

    def logical_name(self, arg: cst.Arg | None, fallback: str) -> str:
        if arg is None:
            return fallback
        if isinstance(arg.value, cst.FormattedString):
            return self.template(arg.value)[:120] or fallback
        value = self.value(arg.value)
        if isinstance(value, str):
            return value
        text = value.text if isinstance(value, Expr) else str(value)
        return re.sub(r"[^\w-]+", "_", text).strip("_")[:80] or fallback

    @staticmethod
    def is_literal(arg: cst.Arg | None) -> bool:
        """An id written as a string or f-string: two of them can be compared; a variable cannot."""
        return arg is not None and isinstance(arg.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))

    def add(self, node: cst.Call, tf_type: str, name: str, dialect: str, source_type: str,
            attrs: dict[str, Any], lines: dict[str, int], mode: str = "managed", synthesized_from: str | None = None,
            unique_in: str | None = None) -> Resource:
        """Record a resource. `unique_in` names the namespace its literal id must be unique in (None: not comparable)."""
        count = attrs.pop("__count__", 1)
        meta = {k: attrs.pop(k) for k in ("opts", "provider", "depends_on") if k in attrs}
        if synthesized_from is None:
            meta["kwargs"] = self.call_kwargs.get(id(node), [])
        resource = Resource(
            type=tf_type, name=name, dialect=dialect, location=Location(self.path, self.line(node)),
            attributes=attrs, attr_lines=lines, mode=mode, source_type=source_type,
            count=None if self.loop_depth else count, synthesized_from=synthesized_from, meta=meta,
        )
        resource.refs = tuple(dict.fromkeys(expr_refs(attrs) + expr_refs(meta)))
        if self.defs and synthesized_from is None:
            self.made_in.setdefault(self.defs[-1], []).append(resource)
        self.program.spans.setdefault(resource.location, self.get_metadata(PositionProvider, node).end.line)
        provider = meta.get("provider") or meta.get("opts")
        if provider is not None:
            resource.provider = str(provider)
        if unique_in is not None and not self.loop_depth and synthesized_from is None:
            key = f"{'.'.join(self.functions)}:{unique_in}:{name}"
            here = dict(self.branches)
            seen = self.names_seen.setdefault(key, [])
            first = next((loc for loc, arms in seen if all(here.get(k, v) == v for k, v in arms.items())), None)
            if first is not None:
                self.program.duplicates.append((resource.address, first, resource.location))
            else:
                seen.append((resource.location, here))
        self.program.resources.append(resource)
        self.results.setdefault(id(node), resource)  # the first (primary) resource of a call
        return resource

    # ---- Pulumi --------------------------------------------------------------------
    def pulumi_core(self, node: cst.Call, parts: list[str], positional: list[cst.Arg]) -> None:
        if parts[-1] == "export" and positional:
            name = self.value(positional[0].value)
            value = self.value(positional[1].value) if len(positional) > 1 else None
            self.program.outputs.append(Output(str(name), Location(self.path, self.line(node)), value))

    def pulumi_resource(self, node: cst.Call, parts: list[str], positional: list[cst.Arg]) -> None:
        if len(parts) == 2 and parts[1] == "Provider":
            attrs, _ = self.kwargs(node)
            name = self.logical_name(positional[0] if positional else None, "aws")
            provider = Provider("aws", Location(self.path, self.line(node)), alias=name, region=attrs.get("region"), attributes=attrs)
            self.program.providers.append(provider)
            return
        if len(parts) != 3:
            return
        module, cls = parts[1], parts[2]
        if cls.startswith("get_") or cls.startswith("Get"):
            data_name = snake(cls[4:] if cls.startswith("get_") else cls[3:])
            for candidate in (f"aws_{data_name}", f"aws_{module}_{data_name}"):
                if schema.terraform_resource(candidate, "data"):
                    attrs, lines = self.kwargs(node)
                    self.add(node, candidate, f"{data_name}_{self.line(node)}", "pulumi", ".".join(parts), attrs, lines, mode="data")
                    return
            return
        if not cls[:1].isupper() or cls.endswith("Args") or not (positional or any(a.keyword and a.keyword.value == "resource_name" for a in node.args)):
            return
        tf_type = pulumi_type(module, cls) or f"pulumi_aws.{module}.{cls}"
        attrs, lines = self.kwargs(node)
        name_arg = positional[0] if positional else next(a for a in node.args if a.keyword and a.keyword.value == "resource_name")
        self.add(node, tf_type, self.logical_name(name_arg, cls), "pulumi", ".".join(parts), attrs, lines,
                 unique_in=tf_type if self.is_literal(name_arg) else None)  # a URN is type and name

    # ---- CDKTF ---------------------------------------------------------------------
    def cdktf_core(self, node: cst.Call, parts: list[str], positional: list[cst.Arg]) -> None:
        cls = parts[-1]
        attrs, lines = self.kwargs(node)
        location = Location(self.path, self.line(node))
        if cls == "TerraformOutput" and len(positional) >= 2:
            self.program.outputs.append(Output(self.logical_name(positional[1], "output"), location, attrs.get("value")))
        elif cls == "TerraformVariable" and len(positional) >= 2:
            name = self.logical_name(positional[1], "variable")
            self.program.variables[scoped("", name)] = Variable(name, location, attrs.get("default"), "default" in attrs)
        elif cls.endswith("Backend"):
            self.program.backends.append((snake(cls[: -len("Backend")]), attrs, location))

    def cdktf_resource(self, node: cst.Call, parts: list[str], positional: list[cst.Arg]) -> None:
        if len(parts) != 3 or len(positional) < 2:
            return
        module, cls = parts[1], parts[2]
        attrs, lines = self.kwargs(node)
        if module == "provider":
            alias = attrs.get("alias")
            self.program.providers.append(Provider("aws", Location(self.path, self.line(node)),
                                                   alias=alias if isinstance(alias, str) else None,
                                                   region=attrs.get("region"), attributes=attrs))
            return
        mode, tf_type = cdktf_type(module)
        self.add(node, tf_type, self.logical_name(positional[1], cls), "cdktf", ".".join(parts), attrs, lines, mode=mode,
                 unique_in=self.scope_of(positional))

    # ---- AWS CDK -------------------------------------------------------------------
    def cdk_construct(self, node: cst.Call, parts: list[str], positional: list[cst.Arg]) -> None:
        cls = parts[-1]
        module = parts[1] if len(parts) == 3 else ""
        attrs, lines = self.kwargs(node)
        location = Location(self.path, self.line(node))
        if cls == "Environment":
            if "region" in attrs:
                self.program.providers.append(Provider("aws", location, region=attrs["region"], attributes=attrs))
            return
        if len(positional) < 2:
            return
        name = self.logical_name(positional[1], cls)
        if cls == "CfnOutput":
            self.program.outputs.append(Output(name, location, attrs.get("value")))
            return
        if cls == "CfnParameter":
            self.program.variables[scoped("", name)] = Variable(name, location, attrs.get("default"), "default" in attrs)
            return
        source = ".".join(parts)
        if cls.startswith("Cfn"):
            cfn = cfn_type(module, cls)
            self.add(node, CFN_TO_TF.get(cfn, cfn), name, "cdk", source, attrs, lines, unique_in=self.scope_of(positional))
            return
        expansion = cdk_l2.expand(module, cls, dict(attrs))
        if expansion is None:
            if module and (schema.cdk_module(module) or {}).get("constructs", {}).get(cls):
                self.add(node, source, name, "cdk", source, attrs, lines, unique_in=self.scope_of(positional))
            return
        primary_type, primary_attrs = expansion[0]
        primary = self.add(node, primary_type, name, "cdk", source, primary_attrs, lines, unique_in=self.scope_of(positional))
        for tf_type, extra in expansion[1:]:
            extra = dict(extra)
            extra.setdefault("bucket" if tf_type.startswith("aws_s3_bucket_") else "parent",
                             Expr(name, refs=(primary.address,)))
            self.add(node, tf_type, name, "cdk", source, extra, {}, synthesized_from=primary.address)

    def method_resource(self, node: cst.Call, method: str) -> None:
        """`alb.add_listener("L", port=443)` declares a resource on the construct it is called on."""
        receiver = node.func.value if isinstance(node.func, cst.Attribute) else None
        while isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Attribute):
            receiver = receiver.func.value  # `fn.metric_errors().create_alarm(...)`: the metric of `fn`
        owner = _dotted(receiver) if receiver is not None else None
        bound, _ = self.lookup(owner) if owner else (None, "")
        attrs, lines = self.kwargs(node)
        positional = [a for a in node.args if a.keyword is None and not a.star]
        if isinstance(bound, Resource):
            attrs.setdefault("parent", Expr(owner or "", refs=(bound.address,)))
        elif bound is None and owner is None:
            return
        scoped = method in cdk_l2.SCOPED_METHODS  # `create_alarm(scope, id, ...)`: a construct of `scope`
        id_arg = positional[1] if scoped and len(positional) > 1 else None if scoped else positional[0] if positional else None
        name = self.logical_name(id_arg, method)
        tf_type = cdk_l2.METHODS[method]
        if method == "add_to_resource_policy" and isinstance(bound, Resource):
            tf_type = cdk_l2.RESOURCE_POLICIES.get(bound.type, tf_type)
        # `alb.add_listener("Http")` makes a child construct of `alb` with that id; statements, indexes and
        # subscriptions added without an id (`add_to_resource_policy(stmt)`) are not constructs of their own.
        unique = self.scope_of(positional) if scoped else f"{owner}." if positional and self.is_literal(positional[0]) else None
        self.add(node, tf_type, name, "cdk", method, attrs, lines, unique_in=unique)

    def scope_of(self, positional: list[cst.Arg]) -> str | None:
        """Construct ids are unique among the children of one scope (the first argument), whatever their class."""
        if len(positional) < 2 or not self.is_literal(positional[1]):
            return None
        return self.code(positional[0].value)

    # ---- binding the result of a declaring call -----------------------------------
    def leave_Assign(self, node: cst.Assign) -> None:
        resource = self.results.get(id(node.value))
        if resource is None and self._declares(node.value):
            resource = self.value(node.value)  # an SDK call that makes no resource (`BucketVersioningArgs(enabled=True)`)
        if resource is not None:
            for target in node.targets:
                self.bind(target.target, resource)

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        resource = self.results.get(id(node.value)) if node.value is not None else None
        if resource is not None:
            self.bind(node.target, resource)


def _string_names(text: str) -> dict[str, Any]:
    """Names bound exactly once in the file (any scope, parameters and imports included), by an assignment of a string
    literal or an f-string: their value (an f-string as an Expr template of its source). Parsed with `ast`, not run."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return {}
    bindings: dict[str, int] = {}
    values: dict[str, Any] = {}
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names = [node.id]
        elif isinstance(node, ast.arg):
            names = [node.arg]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [(a.asname or a.name).split(".")[0] for a in node.names]
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names = list(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names = [node.name]
        for name in names:
            bindings[name] = bindings.get(name, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                values[node.targets[0].id] = value.value
            elif isinstance(value, ast.JoinedStr) and (source := ast.get_source_segment(text, value)):
                values[node.targets[0].id] = Expr(source, is_template=True)
    return {name: value for name, value in values.items() if bindings.get(name) == 1}


def _undefined_names(text: str) -> list[tuple[str, int]]:
    """Names read but bound nowhere they could be found (module, enclosing functions, builtins).

    `symtable` is CPython's own compile-time scope analysis: nothing is executed. Class bodies
    are not searched from methods, as in Python itself. Lines come from the first load in `ast`.
    """
    try:
        top = symtable.symtable(text, "<graded>", "exec")
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    module_names = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported() or s.is_namespace()
                    or s.is_global() and s.is_declared_global()}
    missing: set[str] = set()

    def walk(table: symtable.SymbolTable) -> None:
        for symbol in table.get_symbols():
            name = symbol.get_name()
            if not symbol.is_referenced() or name in _BUILTINS:
                continue
            if table.get_type() == "module":
                if name not in module_names:
                    missing.add(name)
            elif symbol.is_global() and not symbol.is_assigned() and name not in module_names:
                missing.add(name)
        for child in table.get_children():
            walk(child)

    walk(top)
    if not missing:
        return []
    lines: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in missing:
            if node.id not in lines or node.lineno < lines[node.id]:
                lines[node.id] = node.lineno
    return sorted(((name, line) for name, line in lines.items()), key=lambda item: (item[1], item[0]))


def _syntax_error(source: SourceFile, exc: cst.ParserSyntaxError) -> ParseError:
    """CPython's own parser names the line and problem the way a user expects; libcst's is the fallback."""
    try:
        ast.parse(source.text)
    except SyntaxError as err:
        return ParseError(source.path, err.lineno, f"Python syntax error: {err.msg}")
    except (ValueError, RecursionError, MemoryError):
        pass
    return ParseError(source.path, exc.raw_line, f"Python syntax error: {exc.message}")


def parse_python_files(program: Program, files: list[SourceFile]) -> None:
    for source in files:
        if source.language != "python":
            continue
        try:
            module = cst.parse_module(source.text)
        except cst.ParserSyntaxError as exc:
            program.errors.append(_syntax_error(source, exc))
            continue
        except RecursionError:
            program.errors.append(ParseError(source.path, None, "nesting too deep to parse"))
            continue
        except Exception as exc:  # libcst raises a few other types on odd input
            program.errors.append(ParseError(source.path, None, f"Python does not parse: {str(exc)[:160]}"))
            continue
        facts = PythonFacts(path=source.path)
        try:
            wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
            collector = _Collector(program, source, wrapper.module, facts)
            wrapper.visit(collector)
            if not any(bound == "*" for bound, _, _ in facts.imports):
                facts.undefined = _undefined_names(source.text)
                facts.strings = _string_names(source.text)
        except RecursionError:
            program.errors.append(ParseError(source.path, None, "nesting too deep to analyse"))
            continue
        source.parsed = True
        program.python.append(facts)
    _read_pulumi_config(program, files)


def _read_pulumi_config(program: Program, files: list[SourceFile]) -> None:
    """`aws:region` in Pulumi.yaml (`config:`, a value or `default:`/`value:`) or Pulumi.<stack>.yaml sets the
    default provider's region."""
    for source in files:
        name = source.path.rsplit("/", 1)[-1]
        if not (name.startswith("Pulumi") and name.endswith((".yaml", ".yml"))):
            continue
        try:
            document = yaml.safe_load(source.text)
        except yaml.YAMLError:
            continue  # not YAML: left unparsed
        source.parsed = True
        config = document.get("config") if isinstance(document, dict) else None
        region = config.get("aws:region") if isinstance(config, dict) else None
        if isinstance(region, dict):
            region = region.get("value", region.get("default"))
        if isinstance(region, str) and re.fullmatch(r"[a-z]{2}(?:-gov)?-[a-z]+-\d", region.strip()):
            program.providers.append(Provider("aws", Location(source.path, None), region=region.strip()))
