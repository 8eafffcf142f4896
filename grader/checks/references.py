"""Deployability: references, declarations and symbols (what `terraform validate` and Python catch first)."""

from __future__ import annotations

import ast
import io
import posixpath
import re
import tokenize
from functools import lru_cache
from collections import defaultdict
from typing import Any, Iterator

from .. import schema
from ..ir import Expr, Location, Program, scope_of, scoped, walk_values
from .base import Check, Context, Finding, python_tree, register


OMITTED_FILES_THRESHOLD = 3  # distinct undeclared blocks from which a markdown answer is taken to omit files


def _hcl(program: Program) -> bool:
    return any(f.language == "hcl" and f.parsed for f in program.files)


def _declared(program: Program) -> dict[str, set[str]]:
    """Every address declared in each directory (Terraform's namespace)."""
    declared: dict[str, set[str]] = defaultdict(set)
    for r in program.resources:
        if r.dialect == "terraform":
            declared[scope_of(r.location.file)].add(r.address)
    for key in program.variables:
        scope, name = key.split(":", 1)
        declared[scope].add(f"var.{name}")
    for key in program.locals:
        scope, name = key.split(":", 1)
        declared[scope].add(f"local.{name}")
    for m in program.modules:
        declared[scope_of(m.location.file)].add(f"module.{m.name}")
    return declared


# "The region is passed using an existing variable: variable "aws_region" {...}", "provider.tf already declares var.aws_region":
# the harness's files declare it, so the answer may use it without declaring it.
_EXISTING = re.compile(r"\bexisting variables?\b|\balready (?:exists?|defined|declared|provided|present)\b", re.I)


def _supplied_variables(prompt: str) -> set[str]:
    if not _EXISTING.search(prompt or ""):
        return set()
    return {a or b for a, b in re.findall(r"\bvar\.(\w+)|\bvariable\s+\"(\w+)\"", prompt)}


@register
class UndeclaredReference(Check):
    id = "DEP001"
    name = "undeclared-reference"
    area = "deployability"
    severity = "critical"
    description = "An HCL expression references a resource, data source, variable, local or module that is never declared."
    why = "terraform validate fails with 'Reference to undeclared resource' before anything is planned."
    fix = "Declare the missing block (or fix the name), in the same directory as the reference."
    bad = 'resource "aws_cloudwatch_log_group" "app" {\n  kms_key_id = aws_kms_key.logs.arn\n}'
    good = 'resource "aws_kms_key" "logs" {}\n\nresource "aws_cloudwatch_log_group" "app" {\n  kms_key_id = aws_kms_key.logs.arn\n}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not _hcl(program):
            return
        declared = _declared(program)
        supplied = _supplied_variables(ctx.prompt)
        reported: set[tuple[str, str]] = set()
        unseen = [m for m in program.deliverable.mentioned if m.endswith(".tf")]
        missing = {(scope_of(r.location.file), r.target) for r in program.references
                   if r.target not in declared[scope_of(r.location.file)]}
        # A markdown answer with many undeclared blocks has left files out; one or two is a real slip.
        omitted = program.deliverable.source == "markdown" and len({t for _, t in missing}) >= OMITTED_FILES_THRESHOLD
        for ref in program.references:
            scope = scope_of(ref.location.file)
            if ref.target in declared[scope] or (scope, ref.target) in reported:
                continue
            if ref.target.startswith("var.") and (ref.target[4:] in program.tfvars or ref.target[4:] in supplied):
                continue
            reported.add((scope, ref.target))
            kind = ref.target.split(".")[0] if ref.target.split(".")[0] in ("var", "local", "module", "data") else "resource"
            where = f" in {scope}" if scope else ""
            if scope.startswith("unnamed-"):
                yield self.finding("unknown", f"`{ref.target}` is not declared in the unnamed block at {ref.location.file}; "
                                   "without a file name the module it belongs to cannot be told.", [ref.location], found=ref.target)
            elif unseen:
                yield self.finding("unknown", f"`{ref.target}` is referenced but not declared{where}; it may be in "
                                   f"{', '.join(unseen[:3])}, which the answer names but does not show.", [ref.location], found=ref.target)
            elif cut := program.elided_scope(scope):
                yield self.finding("unknown", f"`{ref.target}` is referenced but not declared{where}; the answer leaves code "
                                   f"out there ({cut[1]} at {cut[0]}), so it may be declared in the part not shown.",
                                   [ref.location], found=ref.target)
            elif other := _sibling_declaring(program, declared, scope, ref.target):
                yield self.finding("unknown", f"`{ref.target}` is referenced but not declared{where}; `{other}/` declares it, and "
                                   "with no module block between the two folders the files may be meant as one module.",
                                   [ref.location], found=ref.target)
            elif omitted:
                yield self.finding("unknown", f"`{ref.target}` is referenced but not declared{where}; with "
                                   f"{len({t for _, t in missing})} undeclared blocks the answer seems to leave files out.",
                                   [ref.location], found=ref.target)
            else:
                yield self.finding("fail", f"`{ref.target}` is referenced but no such {kind} is declared{where}.",
                                   [ref.location], found=ref.target)
        if not reported and program.references:
            yield self.finding("pass", "Every reference resolves to a declaration.")


def _sibling_declaring(program: Program, declared, scope: str, target: str) -> str | None:
    """The root and one top-level folder (`provider.tf` beside `lib/tap_stack.tf`), one of which declares the name
    and neither called as a module: a layout the answer's labels left ambiguous, not two modules."""
    called = {m.source.strip("./").rstrip("/") for m in program.modules}

    def is_called(folder: str) -> bool:
        return any(folder == c or folder.endswith("/" + c) for c in called)

    def top_folder(folder: str) -> bool:  # `lib`, `infra`: where a harness keeps the root module; not `modules/x`
        return bool(folder) and "/" not in folder and not folder.startswith(("unnamed-", "module"))

    if is_called(scope):
        return None  # a module of the answer: it sees only what it declares
    return next((other for other in sorted(declared) if other != scope and target in declared[other] and not is_called(other)
                 and (scope == "" and top_folder(other) or other == "" and top_folder(scope))), None)


@register
class DuplicateDeclaration(Check):
    id = "DEP002"
    name = "duplicate-declaration"
    area = "deployability"
    severity = "critical"
    description = "The same address (resource, variable, output, provider, construct id) is declared twice in one namespace."
    why = "Terraform rejects duplicate blocks across the files of a directory; CDK rejects duplicate construct ids in a scope."
    fix = "Keep one declaration; move shared provider/terraform blocks to provider.tf only."
    bad = '# main.tf\nvariable "aws_region" {}\n# variables.tf\nvariable "aws_region" {}'
    good = '# variables.tf\nvariable "aws_region" {}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        for address, first, again in program.duplicates:
            if address.startswith("provider.") and "." in address[len("provider."):]:
                continue  # aliased providers are distinct
            cut = program.elided_block(again) or program.elided_block(first)
            if cut:
                # A block shown again with `# ...` in it is the same block re-shown in part, not a second one.
                yield self.finding("unknown", f"`{address}` is shown twice, at {first} and {again}; one of them leaves code out "
                                   f"({cut[1]} at {cut[0]}), so it reads as the same block shown again.", [again, first], found=address)
                continue
            yield self.finding("fail", f"`{address}` is declared twice: at {first} and again at {again}.", [again, first], found=address)
        if not program.duplicates and (program.resources or program.variables):
            yield self.finding("pass", "No duplicate declarations.")


@register
class CountIndexMisuse(Check):
    id = "DEP003"
    name = "count-index-misuse"
    area = "deployability"
    severity = "high"
    description = "A resource with count/for_each is used without an index, or a single resource is indexed."
    why = "`aws_subnet.private.id` on a counted resource, or `aws_vpc.main[0]` on a single one, fails validation."
    fix = "Index counted resources (`aws_subnet.private[0].id`, `[*]`, a for expression) and drop indexes on single ones."
    bad = 'resource "aws_subnet" "private" {\n  count = 2\n}\noutput "id" { value = aws_subnet.private.id }'
    good = 'resource "aws_subnet" "private" {\n  count = 2\n}\noutput "ids" { value = aws_subnet.private[*].id }'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not _hcl(program):
            return
        by_address = {(scope_of(r.location.file), r.address): r for r in program.resources if r.dialect == "terraform"}
        bad = 0
        for ref in program.references:
            target = by_address.get((scope_of(ref.location.file), ref.target))
            if target is None:
                continue
            repeated = "count" in target.meta or "for_each" in target.meta
            if repeated and not ref.indexed and ref.attr and ref.attr not in ("*",):
                bad += 1
                yield self.finding("fail", f"`{ref.target}` has count/for_each but `{ref.target}.{ref.attr}` is used without an index.", [ref.location])
            elif not repeated and ref.indexed and not ref.splat:
                bad += 1
                yield self.finding("fail", f"`{ref.target}` is a single resource but is indexed at {ref.location}.", [ref.location])
        if not bad and program.references:
            yield self.finding("pass", "Counted resources are indexed consistently.")


@register
class ReferenceCycle(Check):
    id = "DEP004"
    name = "reference-cycle"
    area = "deployability"
    severity = "critical"
    description = "Resources reference each other in a cycle (typically two security groups' inline rules)."
    why = "Terraform cannot order a cycle: plan fails with 'Cycle: ...'."
    fix = "Break the cycle, e.g. move the rules into separate aws_security_group_rule resources."
    bad = ('resource "aws_security_group" "a" {\n  ingress { security_groups = [aws_security_group.b.id] }\n}\n'
           'resource "aws_security_group" "b" {\n  ingress { security_groups = [aws_security_group.a.id] }\n}')
    good = ('resource "aws_security_group" "a" {}\nresource "aws_security_group" "b" {}\n'
            'resource "aws_security_group_rule" "a_from_b" {\n  security_group_id = aws_security_group.a.id\n'
            '  source_security_group_id = aws_security_group.b.id\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not _hcl(program):
            return
        graph: dict[str, set[str]] = defaultdict(set)
        where: dict[str, Location] = {}
        for ref in program.references:
            scope = scope_of(ref.location.file)
            if ref.source.startswith(("output.", "provider.", "module.")):
                continue
            src, dst = scoped(scope, ref.source), scoped(scope, ref.target)
            if src != dst:
                graph[src].add(dst)
                where.setdefault(src, ref.location)
        cycles = _cycles(graph)
        for cycle in cycles:
            names = [c.split(":", 1)[1] for c in cycle]
            yield self.finding("fail", "Reference cycle: " + " -> ".join(names + names[:1]) + ".",
                               [where[c] for c in cycle if c in where][:4])
        if not cycles and program.references:
            yield self.finding("pass", "The reference graph has no cycles.")


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    item = stack.pop()
                    on_stack.discard(item)
                    component.append(item)
                    if item == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return sorted(out)


_SDK_MODULE_ROOTS = frozenset({"aws_cdk", "pulumi", "pulumi_aws", "cdktf", "cdktf_cdktf_provider_aws"})


@register
class UndefinedPythonName(Check):
    id = "DEP005"
    example = "python"
    name = "undefined-python-name"
    area = "deployability"
    severity = "critical"
    description = "A Python name is used but never imported, assigned or defined (NameError at synth/preview)."
    why = "`cdk synth`, `pulumi preview` and `cdktf synth` run the program; an undefined name stops them."
    fix = "Import the name (e.g. `from aws_cdk import Duration`) or define it."
    bad = ("from aws_cdk import Stack, aws_lambda as _lambda\n\nclass TapStack(Stack):\n    def build(self):\n"
           "        _lambda.Function(self, 'F', timeout=Duration.seconds(30))")
    good = ("from aws_cdk import Duration, Stack, aws_lambda as _lambda\n\nclass TapStack(Stack):\n    def build(self):\n"
            "        _lambda.Function(self, 'F', timeout=Duration.seconds(30))")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not program.python:
            return
        defined_anywhere = {bound for facts in program.python for bound, _, _ in facts.imports}
        defined_anywhere |= {c for facts in program.python for c in facts.classes}
        # `import aws_cdk as cdk` or `from aws_cdk import Duration` in one file binds nothing in another: a file
        # that imports from the same SDK itself is a whole file, and using the name there is a NameError.
        sdk_aliases = {bound: full.split(".")[0] for facts in program.python for bound, full, _ in facts.imports
                       if full.split(".")[0] in _SDK_MODULE_ROOTS}
        count = 0
        for facts in program.python:
            # No imports at all, or `self` used outside any class: code lifted out of a file, not the file.
            excerpt = program.deliverable.source == "markdown" and (not facts.imports or any(n == "self" for n, _ in facts.undefined))
            cut = program.elided_file(facts.path)
            own_roots = {full.split(".")[0] for _, full, _ in facts.imports}
            for name, line in facts.undefined:
                count += 1
                elsewhere = name in defined_anywhere and sdk_aliases.get(name) not in own_roots
                # In a markdown answer, a file with no imports at all, or using names another file
                # imports, is usually an excerpt of a file, not the file: unknown, not fail. So is a
                # file that says it leaves code out.
                status = "unknown" if cut or ((elsewhere or excerpt) and program.deliverable.source == "markdown") else "fail"
                hint = (f" (the file leaves code out: {cut[1]} at {cut[0]})" if cut else
                        " (it is imported in another file: is this file an excerpt?)" if elsewhere else
                        " (the file looks like an excerpt)" if excerpt else "")
                yield self.finding(status, f"`{name}` is used in {facts.path} but never defined or imported{hint}.",
                                   [Location(facts.path, line)], found=name)
        if not count:
            yield self.finding("pass", "Every Python name used is bound.")


def _known_symbol(path: str) -> bool | None:
    """True/False when the shipped schema can tell whether an SDK path exists, None when it cannot."""
    parts = path.split(".")
    root = parts[0]
    if root == "pulumi_aws":
        modules = schema.load()["pulumi"]["modules"]
        if len(parts) == 1:
            return True
        top = modules.get("", {}).get("symbols", [])
        if parts[1] in modules:
            if len(parts) == 2:
                return True
            return parts[2] in modules[parts[1]]["symbols"] or parts[2][:1].islower()
        return parts[1] in top or parts[1] in ("config", "get_caller_identity", "get_region", "get_availability_zones")
    if root == "aws_cdk":
        modules = schema.load()["cdk"]["modules"]
        if len(parts) == 1:
            return True
        if parts[1] in modules:
            return len(parts) == 2 or parts[2] in modules[parts[1]]["symbols"]
        return parts[1] in modules[""]["symbols"] or parts[1].startswith("aws_") and parts[1].endswith("_alpha")
    if root == "cdktf_cdktf_provider_aws":
        if len(parts) == 1:
            return True
        namespaces = {v.get("cdktf", "") for section in ("resources", "data") for v in schema.load()["terraform"][section].values()}
        known = {_snake_ns(ns) for ns in namespaces} | {"provider"}
        if parts[1] not in known:
            return False
        exported = schema.load()["terraform"].get("cdktf_symbols", {}).get(parts[1])
        # `S3BucketVersioning` where provider 21.x names the class `S3BucketVersioningA`
        return len(parts) == 2 or exported is None or parts[2] in exported
    return None


def _snake_ns(namespace: str) -> str:
    out = []
    for char in namespace:
        if char.isupper():
            out.append("_" + char.lower())
        else:
            out.append(char)
    return "".join(out)


@register
class UnknownSdkSymbol(Check):
    id = "DEP006"
    example = "python"
    name = "unknown-sdk-symbol"
    area = "deployability"
    severity = "critical"
    description = "An import or call names a module or class the pinned SDK (pulumi-aws, aws-cdk-lib, CDKTF AWS provider) does not have."
    why = "ImportError / AttributeError at synth: `from pulumi_aws import aws`, `aws.secretsmanager.GetSecretOutput`."
    fix = "Use the SDK's real module and class names (see the provider docs for the pinned version)."
    bad = "import pulumi_aws as aws\nsecret = aws.secretsmanager.GetSecretOutput('s')"
    good = "import pulumi_aws as aws\nsecret = aws.secretsmanager.get_secret_output(name='s')"

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not program.python:
            return
        seen: set[str] = set()
        for facts in program.python:
            candidates = [(full, line) for bound, full, line in facts.imports if bound != "*"]
            candidates += facts.calls
            for path, line in candidates:
                key = ".".join(path.split(".")[:3])
                if key in seen or key.rsplit(".", 1)[0] in seen or _known_symbol(key) is not False:
                    continue  # one finding per unknown module, not one per class read from it
                seen.add(key)
                yield self.finding("fail", f"`{key}` does not exist in the pinned SDK ({_sdk_version(key)}).",
                                   [Location(facts.path, line)], found=key)
        if not seen and any(f.imports for f in program.python):
            yield self.finding("pass", "Every SDK import and class exists in the pinned SDKs.")


def _sdk_version(path: str) -> str:
    versions = schema.versions()
    root = path.split(".")[0]
    return {"pulumi_aws": f"pulumi-aws {versions['pulumi-aws']}", "aws_cdk": f"aws-cdk-lib {versions['aws-cdk-lib']}",
            "cdktf_cdktf_provider_aws": schema.load()["terraform"]["source"]}.get(root, root)


@register
class MissingAnswerModule(Check):
    id = "DEP015"
    example = "files"
    name = "missing-answer-module"
    area = "deployability"
    severity = "critical"
    description = ("An import of a module of the answer's own package (`from lib.vpc_stack import VpcStack`, with "
                   "other files under `lib/`) that the deliverable does not contain, or that does not define the name imported.")
    why = ("Python: ModuleNotFoundError `No module named 'lib.vpc_stack'`, or ImportError `cannot import name 'VpcStack' from "
           "'lib.vpc_stack'`, when the entry point runs, before anything deploys.")
    fix = "Deliver the module (lib/vpc_stack.py) with the class, or import the class from the file that defines it."
    bad = "lib/tap_stack.py: from lib.vpc_stack import VpcStack  (and no lib/vpc_stack.py)"
    good = "lib/tap_stack.py: from lib.vpc_stack import VpcStack  (and lib/vpc_stack.py delivered)"

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not program.python:
            return
        paths = {f.path for f in program.files} | set(program.deliverable.other_files)
        texts = {f.path: f.text for f in program.files if f.language == "python" and f.parsed}
        dirs = {"/".join(p.split("/")[:i]) for p in paths for i in range(1, p.count("/") + 1)}
        checked = problems = 0
        reported: set[tuple[str, str]] = set()
        for facts in program.python:
            for _, full, line in facts.imports:
                dots = len(full) - len(full.lstrip("."))
                parts = full.lstrip(".").split(".")
                # `from pkg.mod import Name` / `from .mod import Name`: pkg/mod must be a file or folder. Shorter paths
                # (`from pkg import mod`, `from . import mod`) may name something an __init__.py defines: no claim.
                if dots:
                    here = posixpath.dirname(facts.path)
                    for _ in range(dots - 1):
                        here = posixpath.dirname(here)
                    if len(parts) < 2 or not here:
                        continue
                    bases, module = [here], "/".join(parts[:-1])
                else:
                    if len(parts) < 3 or parts[0] in _SDK_MODULE_ROOTS:
                        continue
                    bases = [d for d in dirs if d == parts[0] or d.endswith("/" + parts[0])]
                    module = "/".join(parts[1:-1])
                if not bases:
                    continue  # not a package of the answer (a library, or the answer's layout is not known)
                checked += 1
                name = full[:dots] + ".".join(parts[:-1])
                files = [f"{b}/{module}.py" for b in bases if f"{b}/{module}.py" in paths]
                if files and (facts.path, full) not in reported and not program.deliverable.truncated \
                        and all(f in texts and not program.elided_file(f) for f in files) \
                        and not any(parts[-1] in _top_level_names(texts[f]) or "*" in _top_level_names(texts[f]) for f in files):
                    reported.add((facts.path, full))
                    problems += 1
                    yield self.finding("fail", f"`{parts[-1]}` is imported from `{name}` in {facts.path}, but {files[0]} does not "
                                       f"define it: ImportError when the program runs.", [Location(facts.path, line)], found=full)
                    continue
                if any(f"{b}/{module}.py" in paths or f"{b}/{module}" in dirs for b in bases) or (facts.path, name) in reported:
                    continue
                reported.add((facts.path, name))
                problems += 1
                cut = program.deliverable.truncated or program.elided_file(facts.path)
                yield self.finding("unknown" if cut else "fail",
                                   f"`{name}` is imported in {facts.path} but the answer delivers no `{bases[0]}/{module}.py`"
                                   + (" (the answer is cut or leaves code out)" if cut else "") + ".",
                                   [Location(facts.path, line)], found=name)
        if checked and not problems:
            yield self.finding("pass", f"The {checked} imports of the answer's own modules name delivered files.")


@lru_cache(maxsize=256)  # one parse per module, however many imports name it
def _top_level_names(text: str) -> frozenset[str]:
    """Names a module binds at its top level (also inside top-level if/try/with); "*" when it may bind any name."""
    tree = python_tree(text)
    if tree is None:
        return frozenset({"*"})
    names: set[str] = set()
    body = list(tree.body)
    while body:
        node = body.pop()
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {"*" if a.name == "*" else (a.asname or a.name.split(".")[0]) for a in node.names}
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            body += node.body + getattr(node, "orelse", []) + getattr(node, "finalbody", []) \
                + [h for handler in getattr(node, "handlers", []) for h in handler.body]
    if "__getattr__" in names:
        names.add("*")
    return frozenset(names)


_REQUIRED_PROVIDERS = re.compile(r"^\s*required_providers\s*\{", re.M)


@register
class DuplicateRequiredProviders(Check):
    id = "DEP031"
    name = "duplicate-required-providers"
    area = "deployability"
    severity = "critical"
    description = "Two `required_providers` blocks in one Terraform module (often main.tf and provider.tf / versions.tf)."
    why = "terraform init: 'Duplicate required providers configuration: A module may have only one required providers configuration.'"
    fix = "Keep one terraform { required_providers { ... } } block per module directory (versions.tf or provider.tf)."
    bad = ('terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
           'terraform {\n  required_providers {\n    random = { source = "hashicorp/random" }\n  }\n}')
    good = 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n    random = { source = "hashicorp/random" }\n  }\n}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        blocks: dict[str, list[Location]] = {}
        for source in program.files:
            if source.language != "hcl" or source.path.endswith(".tfvars") or not source.parsed:
                continue
            for m in _REQUIRED_PROVIDERS.finditer(source.text):
                line = source.text.count("\n", 0, m.start()) + 1
                blocks.setdefault(posixpath.dirname(source.path), []).append(Location(source.path, line))
        for directory, found in sorted(blocks.items()):
            if len(found) > 1:
                where = ", ".join(f"{loc.file}:{loc.line}" for loc in found[:3])
                yield self.finding("fail", f"The module `{directory or '.'}` has {len(found)} required_providers blocks ({where}); "
                                   "terraform init refuses a second one.", found[:3], found=where)
        if blocks and all(len(v) == 1 for v in blocks.values()):
            yield self.finding("pass", "Each module has one required_providers block.")


_STATIC_PROVIDER = re.compile(r"[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)?")


@register
class DynamicProviderReference(Check):
    id = "DEP030"
    name = "dynamic-provider-reference"
    area = "deployability"
    severity = "critical"
    description = "A Terraform resource or data source picks its `provider` with an expression (a conditional, a map lookup, each.value)."
    why = "Terraform resolves providers before evaluating expressions: `provider` must name one configuration (`aws.west`); plan fails."
    fix = "Write one resource block per provider alias (or one module call per region, passing `providers = { aws = aws.west }`)."
    bad = ('provider "aws" {\n  alias = "a"\n  region = "us-east-1"\n}\nprovider "aws" {\n  alias = "b"\n  region = "us-west-2"\n}\n'
           'resource "aws_s3_bucket" "b" {\n  for_each = toset(["a", "b"])\n  provider = each.key == "a" ? aws.a : aws.b\n}')
    good = ('provider "aws" {\n  alias = "a"\n  region = "us-east-1"\n}\n'
            'resource "aws_s3_bucket" "b" {\n  provider = aws.a\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        checked = flagged = 0
        for r in program.resources:
            given = r.meta.get("provider")
            if r.dialect != "terraform" or given is None:
                continue
            checked += 1
            text = given.text if isinstance(given, Expr) else str(given)
            if _STATIC_PROVIDER.fullmatch(text.strip()):
                continue
            flagged += 1
            yield self.finding("fail", f"`{r.address}` chooses its provider with an expression (`{text[:60]}`); Terraform needs a "
                               "static provider reference, so plan fails.", [r.line_of("provider")], found=text[:60])
        if checked and not flagged:
            yield self.finding("pass", "Every provider reference is static.")


# `${NAME}` or a shell expansion `${NAME:-x}` not escaped as `$${`: in a Terraform template a bare name is no
# reference (`true`, `false`, `null` are literals). A `%{ for x in ... }` directive or a for expression binds names.
_BARE_INTERPOLATION = re.compile(r"(?<!\$)\$\{\s*([A-Za-z_][\w-]*)\s*(?:\}|:|##?|%%?|//?|\^)")
_FSTRING_BARE_INTERPOLATION = re.compile(r"(?<!\$)\$\{\{\s*([A-Za-z_]\w*)\s*(?:\}\}|:|##?|%%?|//?|\^)")  # f"${{port}}"
_BINDS_NAMES = re.compile(r"%\{|[\[{]\s*for\s")
_FOR_BOUND = re.compile(r"\bfor\s+([A-Za-z_]\w*)(?:\s*,\s*([A-Za-z_]\w*))?\s+in\b")
_LITERALS = frozenset({"true", "false", "null"})
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CDKTF_IMPORT = re.compile(r"^\s*(?:from|import)\s+cdktf", re.M)


def _strings(value, path: str) -> Iterator[tuple[str, str]]:
    """(argument path, string) for each plain string in an attribute value, nested blocks and lists included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, path)


def _python_strings(text: str) -> Iterator[tuple[int, str, bool]]:
    """(line, literal, is an f-string) of each string literal in Python source; nothing once it stops tokenizing."""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.STRING:
                prefix = tok.string[:len(tok.string) - len(tok.string.lstrip("rRbBfFuU"))]
                yield tok.start[0], tok.string, "f" in prefix.lower()
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return


def _bare_in_source(f) -> list[tuple[int, str]]:
    """(line, name) of each bare-name interpolation in the source text: HCL strings and heredocs outside comments, or
    CDKTF Python string literals (`${{x}}` in an f-string) wherever they then flow."""
    found: list[tuple[int, str]] = []
    if f.language == "hcl" and f.path.endswith(".tf"):
        text = _BLOCK_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), f.text)
        bound = {n for m in _FOR_BOUND.finditer(text) for n in m.groups() if n} | _LITERALS
        depth = 0  # a line outside every block (`name = "${resource-type}-..."`) is a snippet shown, not configuration
        for number, line in enumerate(text.splitlines(), 1):
            if depth > 0 and not line.lstrip().startswith(("#", "//")):
                found += [(number, m.group(1)) for m in _BARE_INTERPOLATION.finditer(line) if m.group(1) not in bound]
            depth = max(0, depth + line.count("{") - line.count("}"))
    elif f.language == "python" and _CDKTF_IMPORT.search(f.text):
        for line, literal, is_f in _python_strings(f.text):
            if not is_f and _BINDS_NAMES.search(literal):
                continue
            for m in (_FSTRING_BARE_INTERPOLATION if is_f else _BARE_INTERPOLATION).finditer(literal):
                if m.group(1) not in _LITERALS:
                    found.append((line + literal.count("\n", 0, m.start()), m.group(1)))
    return found


@register
class BareInterpolation(Check):
    id = "DEP037"
    example = "python"
    name = "bare-interpolation"
    area = "deployability"
    severity = "critical"
    description = ("A string Terraform reads holds an interpolation of a bare name (`${PORT}`, `${PORT:-8080}` from a shell "
                   "script or a JS template in `user_data`) instead of the escape `$${PORT}`: an HCL string or heredoc, or "
                   "a CDKTF string (an f-string's `${{port}}` included), wherever it then flows.")
    why = ("Terraform reads every string of a .tf file, and of the cdk.tf.json CDKTF writes unchanged, as a template: "
           "`terraform plan` stops with 'Invalid reference' (a bare name is no reference) or 'Extra characters after "
           "interpolation expression' (checked with Terraform 1.x on a .tf.json file).")
    fix = "Escape the dollar for the shell (`$${PORT}`) or write `$PORT`; reference Terraform values as `${var.port}`."
    bad = ("from cdktf_cdktf_provider_aws.instance import Instance\n"
           "Instance(self, \"web\", ami=\"ami-123\", instance_type=\"t3.micro\",\n"
           "         user_data=\"#!/bin/bash\\nPORT=8080\\necho listening on ${PORT}\\n\")")
    good = ("from cdktf_cdktf_provider_aws.instance import Instance\n"
            "Instance(self, \"web\", ami=\"ami-123\", instance_type=\"t3.micro\",\n"
            "         user_data=\"#!/bin/bash\\nPORT=8080\\necho listening on $${PORT}\\n\")")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        checked = problems = 0
        reported: set[tuple[str, str]] = set()
        for r in program.resources:
            if r.dialect != "cdktf" or r.synthesized_from:
                continue
            checked += 1
            for key, value in r.attributes.items():
                for path, text in _strings(value, key):
                    names = [m.group(1) for m in _BARE_INTERPOLATION.finditer(text) if m.group(1) not in _LITERALS]
                    if not names or _BINDS_NAMES.search(text):
                        continue
                    problems += 1
                    where = r.line_of(key)
                    reported.add((where.file, names[0]))
                    yield self.finding("fail", f"`{r.type}.{r.name}`: `{path}` holds `${{{names[0]}}}`, which Terraform "
                                       f"reads as an interpolation of the bare name `{names[0]}` (Invalid reference); "
                                       f"escape it as `$${{{names[0]}}}`.", [where], found=f"${{{names[0]}}}")
        for f in program.files:
            if not f.parsed or not (f.language == "hcl" or _CDKTF_IMPORT.search(f.text)):
                continue  # a file that does not parse has its own finding; its text may be prose
            checked += 1
            found = [(n, name) for n, name in _bare_in_source(f) if (f.path, name) not in reported]
            if found:
                problems += 1
                number, name = found[0]
                more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
                yield self.finding("fail", f"{f.path}:{number} writes `${{{name}}}` in a string Terraform reads{more}: it is taken "
                                   f"as an interpolation of the bare name `{name}` (Invalid reference); escape it as `$${{{name}}}`.",
                                   [Location(f.path, n) for n, _ in found[:3]], found=f"${{{name}}}")
        if checked and not problems:
            yield self.finding("pass", "Every `${` in strings Terraform reads interpolates a reference.")


# Terraform's built-in functions (developer.hashicorp.com/terraform/language/functions, Terraform 1.10). A call of any
# other name, outside a provider namespace (`provider::aws::arn_parse`), fails `terraform validate`.
TERRAFORM_FUNCTIONS = frozenset("""
abs ceil floor log max min parseint pow signum chomp endswith format formatlist indent join lower regex regexall replace
split startswith strcontains strrev substr templatestring title trim trimprefix trimsuffix trimspace upper alltrue anytrue
chunklist coalesce coalescelist compact concat contains distinct element flatten index keys length lookup matchkeys merge
one range reverse setintersection setproduct setsubtract setunion slice sort sum transpose values zipmap base64decode
base64encode base64gzip csvdecode jsondecode jsonencode textdecodebase64 textencodebase64 urlencode yamldecode yamlencode
abspath dirname pathexpand basename file fileexists fileset filebase64 templatefile formatdate plantimestamp timeadd
timecmp timestamp base64sha256 base64sha512 bcrypt filebase64sha256 filebase64sha512 filemd5 filesha1 filesha256
filesha512 md5 rsadecrypt sha1 sha256 sha512 uuid uuidv5 cidrhost cidrnetmask cidrsubnet cidrsubnets can issensitive
nonsensitive sensitive tobool tolist tomap tonumber toset tostring try type ephemeralasnull
""".split())
_CALL = re.compile(r"(?<![\w.:$])([a-z_][a-z0-9_]*)\s*\(")
_HCL_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _interpolations(text: str) -> list[str]:
    """The expressions inside a template's `${...}` (balanced braces)."""
    out, i = [], text.find("${")
    while i != -1:
        if i and text[i - 1] == "$":  # `$${topic()}` is the literal text ${topic()}, as in IoT rule SQL
            i = text.find("${", i + 2)
            continue
        depth, j = 0, i + 1
        while j < len(text):
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            if depth == 0:
                break
            j += 1
        out.append(text[i + 2:j])
        i = text.find("${", j)
    return out


def _called(text: str, template: bool, depth: int = 0) -> set[str]:
    """Function names an expression (or a template's interpolations) calls, strings within included."""
    names: set[str] = set()
    for part in (_interpolations(text) if template else [text]):
        names |= {m.group(1) for m in _CALL.finditer(_HCL_STRING.sub('""', part))}
        if depth < 3:
            for literal in _HCL_STRING.findall(part):
                names |= _called(literal[1:-1], True, depth + 1)
    return names


@register
class UnknownTerraformFunction(Check):
    id = "DEP038"
    name = "unknown-terraform-function"
    area = "deployability"
    severity = "critical"
    description = "An HCL expression calls a function Terraform does not have (`regexreplace`, `to_lower`, `strjoin`)."
    why = "terraform validate fails with 'Call to unknown function: There is no function named \"regexreplace\"'."
    fix = "Use Terraform's built-in functions (replace() takes a /regex/ pattern; lower(), join(), ...)."
    bad = 'locals {\n  name = regexreplace(var.name, "[^a-z]", "")\n}'
    good = 'locals {\n  name = replace(var.name, "/[^a-z]/", "")\n}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not _hcl(program):
            return
        values: list[tuple[Any, Location]] = [((r.attributes, r.meta), r.location) for r in program.resources if r.dialect == "terraform"]
        values += [(v, loc) for v, loc in program.locals.values()]
        values += [(o.value, o.location) for o in program.outputs]
        values += [(m.attributes, m.location) for m in program.modules]
        values += [(v.default, v.location) for v in program.variables.values()]
        reported: set[str] = set()
        checked = 0
        for value, location in values:
            if not location.file.endswith(".tf"):
                continue
            for leaf in walk_values(value):
                if not isinstance(leaf, Expr):
                    continue
                checked += 1
                for name in sorted(_called(leaf.text, leaf.is_template) - TERRAFORM_FUNCTIONS - reported):
                    reported.add(name)
                    yield self.finding("fail", f"`{name}()` is not a Terraform function: terraform validate fails with "
                                       f"'Call to unknown function'.", [location], found=name)
        if checked and not reported:
            yield self.finding("pass", "Every function called is one of Terraform's built-in functions.")
