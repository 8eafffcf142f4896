"""Attributes read on instances of the answer's own classes that the class never sets (DEP040).

Models wire components by attribute (`stack.outputs["vpc_id"]`, `network.private_subnet_ids`) and often
read a name the component never assigns, or one it assigns under another name. Python raises
AttributeError when the program runs, before anything deploys. Read with the standard library's `ast`
over the delivered Python files; nothing is imported or executed.

A class is judged only when everything it may have is known: its methods, class-level names and every
`self.x = ...` in its body, plus its bases when those are the answer's own classes, aws-cdk-lib classes
(members from the shipped schema) or Pulumi's ComponentResource. A class with `__getattr__`, `setattr`,
`__dict__` or `__slots__` tricks, or any other base, is not judged. An instance is followed only where its
name is bound once in its scope (`x = Cls(...)` in one function or at module level, or `self.x = Cls(...)` once
in a class, read as `self.x.attr` in its methods), with `Cls` defined in that file or imported from the file that
defines it; an attribute the code assigns on any object (`x.extra = ...`) counts as set.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

from ..ir import Location, Program
from .base import Check, Context, Finding, python_tree, register
from .signatures import _members

# pulumi.ComponentResource's public members (pulumi 3.x, pulumi/resource.py: Resource, CustomResource, ComponentResource)
_PULUMI_COMPONENT = frozenset({"urn", "get_provider", "register_outputs", "translate_output_property",
                               "translate_input_property"})
_CDK_BASES = {"Stack": "Stack", "NestedStack": "NestedStack", "Construct": "constructs.Construct"}
_DYNAMIC = ("__getattr__", "__getattribute__", "__slots__", "__dict__", "setattr", "vars")


@dataclass
class _Class:
    name: str
    path: str
    bases: list[str]
    names: set[str] = field(default_factory=set)
    dynamic: bool = False


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _read_class(node: ast.ClassDef, path: str) -> _Class:
    cls = _Class(node.name, path, [d for d in (_dotted(b) for b in node.bases) if d] if all(_dotted(b) for b in node.bases) else ["?"])
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            cls.names.add(item.name)
        elif isinstance(item, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            cls.names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "self" \
                and isinstance(sub.ctx, (ast.Store, ast.Del)):
            cls.names.add(sub.attr)
        elif isinstance(sub, ast.Name) and sub.id in _DYNAMIC or isinstance(sub, ast.Attribute) and sub.attr in _DYNAMIC:
            cls.dynamic = True
    cls.dynamic = cls.dynamic or bool(cls.names & {"__getattr__", "__getattribute__", "__slots__"})
    return cls


def _scopes(tree: ast.Module) -> Iterator[tuple[ast.AST, list[ast.AST]]]:
    """(scope, the nodes in it that are not inside a nested function or class): the module and each function."""
    stack: list[ast.AST] = [tree]
    while stack:
        scope = stack.pop()
        own: list[ast.AST] = []
        todo = list(ast.iter_child_nodes(scope))
        while todo:
            node = todo.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                stack.append(node)
                continue
            if isinstance(node, ast.ClassDef):
                stack.extend(n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
                continue
            own.append(node)
            todo.extend(ast.iter_child_nodes(node))
        yield scope, own


@register
class UnknownAnswerAttribute(Check):
    id = "DEP040"
    example = "python"
    name = "unknown-answer-attribute"
    area = "deployability"
    severity = "high"
    description = ("An attribute read on an instance of one of the answer's own classes (a Pulumi component, a CDK "
                   "construct or stack, a helper) that the class never sets, defines or inherits "
                   "(`stack.outputs[...]` after `self.register_outputs({...})`).")
    why = "Python: AttributeError `'TapStack' object has no attribute 'outputs'` when the program runs, before anything deploys."
    fix = "Read the attribute the class sets (`self.vpc_id = ...`), or set the one you read."
    bad = ("class Network(ComponentResource):\n    def __init__(self, name):\n        super().__init__('x:Network', name)\n"
           "        self.private_subnets = [...]\nnet = Network('n')\nnet.private_subnet_ids")
    good = bad.replace("net.private_subnet_ids", "net.private_subnets")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        trees = {f.path: t for f in program.files if f.language == "python" and f.parsed
                 and not program.elided_file(f.path) for t in [python_tree(f.text)] if t is not None}
        if not trees or program.deliverable.truncated:
            return
        defined: dict[str, list[_Class]] = {}
        for path, tree in trees.items():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    defined.setdefault(node.name, []).append(_read_class(node, path))
        classes = {name: found[0] for name, found in defined.items() if len(found) == 1}

        @lru_cache(maxsize=None)
        def members(name: str, depth: int = 0) -> frozenset[str] | None:
            cls = classes.get(name)
            if cls is None or cls.dynamic or depth > 8:
                return None
            names = set(cls.names)
            for base in cls.bases:
                short = base.rsplit(".", 1)[-1]
                if short == "object":
                    continue
                if short == "ComponentResource":
                    names |= _PULUMI_COMPONENT
                elif short in _CDK_BASES and _members(_CDK_BASES[short]) is not None:
                    names |= _members(_CDK_BASES[short])
                elif short in classes and short != name:
                    inherited = members(short, depth + 1)
                    if inherited is None:
                        return None
                    names |= inherited
                else:
                    return None  # a base whose members are not known
            return frozenset(names)

        stored = {n.attr for tree in trees.values() for n in ast.walk(tree)
                  if isinstance(n, ast.Attribute) and isinstance(n.ctx, (ast.Store, ast.Del))}
        checked = problems = 0
        reported: set[tuple[str, str]] = set()
        for path, tree in trees.items():
            for read, cls, line in self._reads(tree, self._visible(path, tree, classes)):
                known = members(cls)
                if known is None or read.startswith("__"):
                    continue
                checked += 1
                if read in known or read in stored or (cls, read) in reported:
                    continue
                reported.add((cls, read))
                problems += 1
                yield self.finding("fail", f"`.{read}` is read on a `{cls}` in {path}, but `{cls}` ({classes[cls].path}) never sets "
                                   f"or defines `{read}`; AttributeError when the program runs.",
                                   [Location(path, line)], found=f"{cls}.{read}")
        if checked and not problems:
            yield self.finding("pass", f"{checked} attributes read on the answer's own classes are all set by them.")

    @staticmethod
    def _visible(path: str, tree: ast.Module, classes: dict[str, _Class]) -> dict[str, str]:
        """Names in this file that are the answer's classes: defined here, or imported from the file defining them."""
        out = {name: name for name, cls in classes.items() if cls.path == path}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                module = node.module.replace(".", "/") + ".py"
                for a in node.names:
                    cls = classes.get(a.name)
                    if cls and (cls.path == module or cls.path.endswith("/" + module)):
                        out[a.asname or a.name] = a.name
        return out

    @staticmethod
    def _reads(tree: ast.Module, visible: dict[str, str]) -> Iterator[tuple[str, str, int]]:
        """(attribute, class, line) for each read of `x.attr` where x is bound once in its scope to `Cls(...)`."""
        for scope, nodes in _scopes(tree):
            bound: dict[str, list[str | None]] = {}
            params = {a.arg for a in ast.walk(scope.args) if isinstance(a, ast.arg)} if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) else set()
            for node in nodes:
                targets: list[ast.AST] = []
                if isinstance(node, ast.Assign):
                    targets = node.targets
                elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.comprehension)):
                    targets = [node.target]
                elif isinstance(node, (ast.With, ast.AsyncWith)):
                    targets = [i.optional_vars for i in node.items if i.optional_vars]
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    for a in node.names:
                        bound.setdefault(a.asname or a.name.split(".")[0], []).append(None)
                elif isinstance(node, ast.NamedExpr):
                    targets = [node.target]
                for target in targets:
                    value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) and len(targets) == 1 else None
                    if isinstance(target, ast.Name):
                        made = value.func.id if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) else None
                        bound.setdefault(target.id, []).append(visible.get(made) if made else None)
                    else:
                        for n in ast.walk(target):
                            if isinstance(n, ast.Name):
                                bound.setdefault(n.id, []).append(None)
            typed = {name: made[0] for name, made in bound.items() if len(made) == 1 and made[0] and name not in params}
            for node in nodes:
                if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and isinstance(node.value, ast.Name) \
                        and node.value.id in typed:
                    yield node.attr, typed[node.value.id], node.lineno
        # `self.network = Network(...)` set once in a class, read as `self.network.private_subnets` in its methods
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            made: dict[str, list[str | None]] = {}
            for node in ast.walk(cls):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self" \
                        and isinstance(node.ctx, (ast.Store, ast.Del)):
                    made.setdefault(node.attr, []).append(None)
            for node in ast.walk(cls):
                if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name):
                    for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self" \
                                and made.get(target.attr) == [None]:
                            made[target.attr] = [visible.get(node.value.func.id)]
            typed = {name: kinds[0] for name, kinds in made.items() if len(kinds) == 1 and kinds[0]}
            for node in ast.walk(cls):
                if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and isinstance(node.value, ast.Attribute) \
                        and isinstance(node.value.value, ast.Name) and node.value.value.id == "self" and node.value.attr in typed:
                    yield node.attr, typed[node.value.attr], node.lineno
