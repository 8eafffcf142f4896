"""Deployability of values: placeholders, missing assets, hard-coded environment ids, service rules,
incompatible combinations, and deploy-time values misused in Python.

Values are resolved first (variable defaults, tfvars, locals); what stays unknown is skipped, never
failed. Literals that PROMPT.md itself gives are never called placeholders.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
from typing import Any, Iterator

from ..ir import Expr, Location, Program, Resource, as_text, first_block, scope_of, walk_values
from ..resolve import known_regions, provider_regions, resolve
from ..rubric.reading import ALLOWS_PLACEHOLDER
from .base import CURRENT_CODE_ASKED, Check, Context, Finding, register, value_claim
from .schema_checks import pinned_provider_major

_PLACEHOLDERS = [
    (re.compile(r"<\s*(?:your|insert|replace|enter|add|put)[\w\s-]*>", re.I), "an angle-bracket placeholder"),
    (re.compile(r"\b(?:REPLACE[_-]?ME|CHANGE[_-]?ME)\b", re.I), "a placeholder word"),
    (re.compile(r"\byour[-_](?:account|bucket|domain|key|email|vpc|subnet|cert|certificate|hosted|zone|org|company|ip)\w*", re.I), "a 'your-...' placeholder"),
    (re.compile(r"(?<![.\w{$])(?:ACCOUNT[_-]?ID|AWS_ACCOUNT_ID|ACCOUNT_NUMBER)\b"), "an ACCOUNT_ID placeholder"),
    (re.compile(r"\b123456789012\b"), "the documentation account id 123456789012"),
    # an ARN whose account field is a word, not 12 digits (`arn:aws:iam::elb-account-id:root`); `aws` and `cloudfront`
    # are real account fields of AWS-owned ARNs, and API Gateway integration ARNs name a service there
    (re.compile(r"\barn:aws[\w-]*:(?!apigateway:)[\w-]+:[\w-]*:(?!(?:aws|cloudfront)\b)[A-Za-z][\w-]*:"), "an ARN with a placeholder account"),
    (re.compile(r"\b(?:vpc|subnet|sg|igw|rtb|acm|ami)-x{3,}\b", re.I), "a placeholder resource id"),
    (re.compile(r"x{4,}", re.I), "an 'xxxx' placeholder"),
    (re.compile(r"\bssh-rsa\s+AAAA[\w+/]{0,40}(?:\.\.\.|\s|$)"), "a truncated or example public key"),
]
_EXTERNAL_ID = re.compile(r"^(?:vpc|subnet|sg|igw|rtb|nat|eni|vol|snap|i|lt|tgw|pcx|eipalloc)-[0-9a-f]{8,17}$")
_AMI = re.compile(r"\bami-[0-9a-f]{8,17}\b")
_AZ = re.compile(r"\b((?:us|eu|ap|sa|ca|me|af|il|mx)-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d)([a-f])\b")
_SKIP_KEYS = {"description", "comment", "__dynamic__", "kwargs", "user_data", "source", "content", "code"}
_SECRET_KEY = re.compile(r"password|secret|token", re.I)  # literal secrets are a security finding, not a placeholder
# Free-form data AWS stores without reading it (a parameter's value, tags, environment variables):
# a placeholder there deploys, and is a value to fill in later, not a failed apply.
_STORED_KEYS = {"value", "insecure_value", "tags", "tags_all", "variables", "environment", "environment_variables"}
_QUOTED = re.compile(r"""(["'])((?:(?!\1)[^\\\n]|\\.)*)\1""")
_INTERPOLATIONS = re.compile(r"\$\{[^}]*\}|\{[^}]*\}")


def _prompt_literals(ctx: Context) -> str:
    return ctx.prompt or ""


def _strings(program: Program):
    """(resource, attribute key, resolved string value) for every string in resource attributes."""
    for r in program.resources:
        scope = scope_of(r.location.file)
        for key, value in r.attributes.items():
            if key in _SKIP_KEYS:
                continue
            for leaf in walk_values(value):
                resolved = resolve(leaf, program, scope) if isinstance(leaf, Expr) else leaf
                if isinstance(resolved, str):
                    yield r, key, resolved
                elif isinstance(leaf, Expr) and leaf.is_template:
                    yield r, key, _INTERPOLATIONS.sub("", leaf.text)  # only the literal parts of a template
                elif isinstance(leaf, Expr):  # string literals inside a call (`jsonencode({...})`), their literal parts
                    for m in _QUOTED.finditer(leaf.text):
                        yield r, key, _INTERPOLATIONS.sub("", m.group(2))


@register
class PlaceholderValue(Check):
    id = "DEP020"
    name = "placeholder-value"
    area = "deployability"
    severity = "high"
    description = "A placeholder literal (`<your-...>`, REPLACE_ME, xxxx, 123456789012, ACCOUNT_ID, vpc-xxxx, an example key)."
    why = "Apply fails, or worse succeeds against something that is not yours; the answer is not deployable as delivered."
    fix = "Derive the value (data sources, variables without fake defaults, generated keys) or make the feature optional."
    bad = 'resource "aws_key_pair" "deployer" {\n  public_key = "ssh-rsa AAAAB3NzaC1yc2E... user@example.com"\n}'
    good = 'resource "tls_private_key" "k" {\n  algorithm = "RSA"\n}\nresource "aws_key_pair" "deployer" {\n  public_key = tls_private_key.k.public_key_openssh\n}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        prompt = _prompt_literals(ctx)
        allowed = _placeholders_allowed(prompt)
        seen: set[tuple[str, str]] = set()
        checked = 0
        for r, key, text in _strings(program):
            checked += 1
            if _SECRET_KEY.search(key) or key in _STORED_KEYS or allowed & set(re.findall(r"[a-z]+", f"{r.type} {key}".lower())):
                continue
            for pattern, label in _PLACEHOLDERS:
                m = pattern.search(text)
                if not m or m.group(0) in prompt or (r.address, key) in seen:
                    continue
                if label == "an 'xxxx' placeholder" and re.search(r"x{4,}", prompt, re.I):
                    continue
                seen.add((r.address, key))
                yield self.finding("fail", f"`{r.address}.{key}` holds {label}: `{m.group(0)[:40]}`.", [r.line_of(key)], found=m.group(0)[:40])
                break
            if _EXTERNAL_ID.match(text.strip()) and text.strip() not in prompt and (r.address, key) not in seen:
                seen.add((r.address, key))
                yield self.finding("fail", f"`{r.address}.{key}` hard-codes the id of a resource outside the deliverable: `{text.strip()}`.",
                                   [r.line_of(key)], found=text.strip())
        for path, line, key, text, holder in _unparsed_strings(program):
            if _SECRET_KEY.search(key) or key in _STORED_KEYS or key in _SKIP_KEYS:
                continue
            for pattern, label in _PLACEHOLDERS[:-1]:  # 'xxxx' alone is too weak without the parsed value's context
                m = pattern.search(text)
                if m and m.group(0) not in prompt and not allowed & set(re.findall(r"[a-z]+", key.lower())):
                    seen.add((path, str(line)))
                    yield self.finding("fail", f"{holder} holds {label}: `{m.group(0)[:40]}`.", [Location(path, line)],
                                       found=m.group(0)[:40])
                    break
        if checked and not seen:
            yield self.finding("pass", "No placeholder values.")


_ASSIGNED_STRING = re.compile(r"""^\s*["']?([A-Za-z_][\w-]*)["']?\s*[=:]\s*(?:\[\s*)?(?:f|r)?(["'])(.*?)(?<!\\)\2""")


def _unparsed_strings(program: Program) -> Iterator[tuple[str, int, str, str, str]]:
    """(file, line, key, string, what holds it) for `key = "..."` lines the parser did not read: a code file that did not parse, or
    the part after the blocks salvaged from one (a truncated file is valid up to where it stops), and defaults nothing
    parsed reads in such a file. Their placeholders are as certain as a parsed file's."""
    broken = {e.file for e in program.errors}
    used = {ref.target for ref in program.references}
    for v in sorted(program.variables.values(), key=lambda v: (v.location.file, v.location.line)):
        # a default nothing parsed reads, in a file cut short: what read it may be in the lost part
        if v.location.file in broken and f"var.{v.name}" not in used and isinstance(v.default, str):
            yield v.location.file, v.location.line, "default", v.default, f"The default of `var.{v.name}` (its file is cut short)"
    for f in program.files:
        if f.language not in ("hcl", "python") or (f.parsed and f.path not in broken):
            continue
        read = [end for loc, end in program.spans.items() if loc.file == f.path] if f.parsed else []
        start = max(read, default=0) + 1 if f.parsed else 1
        for number, line in enumerate(f.text.splitlines()[start - 1:], start):
            if (m := _ASSIGNED_STRING.match(line)) is not None:
                yield f.path, number, m.group(1), m.group(3), f"`{m.group(1)}` in the part of {f.path} that does not parse"


_GENERIC_WORDS = {"aws", "arn", "id", "ids", "name", "the", "a", "an", "for", "use", "and", "or", "with", "value", "values", "resource"}


def _placeholders_allowed(prompt: str) -> set[str]:
    """Words of the things the prompt lets the answer fill with a placeholder ("use a placeholder ACM certificate ARN")."""
    words: set[str] = set()
    for sentence in re.split(r"(?<=[.!?\n])\s+", prompt):
        if ALLOWS_PLACEHOLDER.search(sentence):
            words |= {w.rstrip("s") for w in re.findall(r"[a-z]{3,}", sentence.lower())} - _GENERIC_WORDS
    return words | {w + "s" for w in words}


def _available_paths(program: Program) -> tuple[set[str], set[str]]:
    files = set(program.deliverable.other_files) | {f.path for f in program.files}
    dirs = set()
    for path in files:
        parts = path.split("/")
        for i in range(1, len(parts)):
            dirs.add("/".join(parts[:i]))
    return files, dirs


_TEMPLATE_SUFFIX = re.compile(r"\.(?:tpl|tftpl|tmpl|j2)$")


def _exists(path: str, files: set[str], dirs: set[str]) -> bool:
    path = path.strip().replace("\\", "/")
    path = re.sub(r"^\$\{path\.(?:module|root|cwd)\}/?", "", path)
    path = posixpath.normpath(path).lstrip("./") if path not in ("", ".") else path
    if path in ("", "."):
        return True
    candidates = files | dirs
    if any(c == path or c.endswith("/" + path) for c in candidates):
        return True
    # A file delivered under another directory than the code says is a layout slip, not a missing file; a template
    # shown under its plain name (`user_data.sh` for `user_data.sh.tpl`) is delivered too.
    base = posixpath.basename(path)
    names = {base, _TEMPLATE_SUFFIX.sub("", base)}
    return "." in base and any(posixpath.basename(f) in names for f in files)


_ASSET_ARGS = {"filename", "source_file", "source_dir", "source", "template_file"}
_PATH_PREFIX = r"(?:\$\{path\.(?:module|root|cwd)\}/)?"
# A file function's first argument: a literal path, optionally under `${path.module}/`; any other interpolation is unknown.
_ASSET_CALLS = re.compile(r"\b(?:file|filebase64|filebase64sha256|filemd5|filesha256|filesha512|templatefile|fileset)\(\s*\"("
                          + _PATH_PREFIX + r"[^\"$]+?)\"")
_PATH_ONLY = re.compile(r"^\$\{path\.(?:module|root|cwd)\}/")
_TEMPLATE_PATH = re.compile(_PATH_PREFIX + r"[^\"$]+")
_PY_ASSET_CALLS = re.compile(r"(?:from_asset|FileArchive|AssetArchive|FileAsset|from_docker_image_asset|DockerImageAsset)\(\s*['\"]([^'\"]+)['\"]")
# Resources that write a local file at plan/apply time: what they write is produced, not missing.
_PRODUCERS = {"archive_file": "output_path", "local_file": "filename", "local_sensitive_file": "filename"}


def _path_value(value: Any, dialect: str) -> str | None:
    """A path argument's value when it is certain: a string, or (HCL) `${path.module}/literal`; else None."""
    if isinstance(value, str):
        return value
    if dialect == "terraform" and isinstance(value, Expr) and value.is_template and _TEMPLATE_PATH.fullmatch(value.text):
        return value.text
    return None


def _produced(program: Program) -> tuple[set[str], str]:
    """Paths (and their base names) the code itself writes (archive_file, local_file), and its provisioners' text
    (a local-exec command that builds a zip)."""
    produced = set()
    for r in program.resources:
        key = _PRODUCERS.get(r.type)
        if key and r.attributes.get(key) is not None:
            produced.add(str(resolve(r.attributes[key], program, scope_of(r.location.file))))
    produced |= {posixpath.basename(p) for p in produced}
    commands = " ".join(as_text(p) for r in program.resources for p in r.attributes.get("provisioner", []) or []
                        if isinstance(p, dict))
    return produced, commands


_BUILD_COMMAND = r"(?:mkdir|zip|pip3?\s+install|cp|mv|touch|tar|unzip|npm|yarn|docker\s+build|sam\s+build)\b[^\n]*"


def _built_by_answer(path: str, text: str) -> str | None:
    """How the answer's own instructions or scripts make the asset (`mkdir -p lambda_layer/python`, a zipfile.ZipFile
    writing lambda_code.zip), or None."""
    base = re.escape(posixpath.basename(path.rstrip("/")))
    if not base or not text:
        return None
    command = re.search(rf"^\s*(?:\$\s*)?{_BUILD_COMMAND}(?<![\w.-]){base}(?![\w-])", text, re.M)
    if command:
        return f"`{command.group(0).strip()[:60]}`"
    script = re.search(rf"(?:ZipFile|make_archive|shutil\.copytree|os\.makedirs)\([^)\n]*{base}|\b\w+\s*=\s*['\"][^'\"]*{base}['\"]\s*\n"
                       rf"[^\n]*(?:ZipFile|make_archive)\(", text)
    return "a build script in the answer" if script else None


def _is_produced(path: str, produced: tuple[set[str], str]) -> bool:
    paths, commands = produced
    base = posixpath.basename(path)
    return path in paths or base in paths or base in commands


def _asset_texts(program: Program) -> Iterator[tuple[str, Location]]:
    """The text of every HCL expression that may read a file: resource and module arguments, locals, outputs."""
    for r in program.resources:
        if r.dialect == "terraform":
            yield from ((as_text(value), r.line_of(key)) for key, value in r.attributes.items())
    hcl = [(as_text(m.attributes), m.location) for m in program.modules] + [(as_text(v), loc) for v, loc in program.locals.values()]
    hcl += [(as_text(o.value), o.location) for o in program.outputs]
    yield from ((text, loc) for text, loc in hcl if loc.file.endswith(".tf"))


@register
class MissingLocalAsset(Check):
    id = "STR008"
    name = "missing-local-asset"
    area = "structure"
    severity = "high"
    description = ("The code points at a local file or folder (lambda zip, user data script, template, module, asset) that the "
                   "deliverable does not contain, also through locals, nested calls (`base64encode(templatefile(...))`) "
                   "and `${path.module}` paths.")
    why = "Plan/synth fails with 'no file exists at ...' or 'module not found'."
    fix = "Deliver the file (e.g. lambda/index.py with an archive_file), or build the artefact in the code."
    bad = ('resource "aws_launch_template" "web" {\n'
           '  user_data = base64encode(templatefile("${path.module}/user_data.sh", { port = 80 }))\n}')
    good = ('data "archive_file" "f" {\n  type = "zip"\n  output_path = "${path.module}/function.zip"\n  source {\n'
            '    filename = "index.py"\n    content  = "def handler(event, context):\\n    return {}\\n"\n  }\n}\n'
            'resource "aws_lambda_function" "f" {\n  filename = data.archive_file.f.output_path\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not program.files:
            return
        files, dirs = _available_paths(program)
        produced = _produced(program)
        missing: list[tuple[str, Location]] = []
        for r in program.resources:
            for key in _ASSET_ARGS & set(r.attributes):
                if _PRODUCERS.get(r.type) == key:
                    continue
                value = _path_value(resolve(r.attributes[key], program, scope_of(r.location.file)), r.dialect)
                if isinstance(value, str) and key != "source" and "/" not in value and "." not in value:
                    continue
                if isinstance(value, str) and value and not value.startswith(("s3://", "http", "arn:")):
                    if key == "source" and r.dialect != "terraform":
                        continue
                    if not _is_produced(value, produced) and not _exists(value, files, dirs):
                        missing.append((value, r.line_of(key)))
            if r.dialect != "terraform":
                for m in _PY_ASSET_CALLS.finditer(as_text(r.attributes)):
                    if not _exists(m.group(1), files, dirs) and not _is_produced(m.group(1), produced):
                        missing.append((m.group(1), r.location))
        for text, location in _asset_texts(program):
            for m in _ASSET_CALLS.finditer(text):
                if not _exists(m.group(1), files, dirs) and not _is_produced(m.group(1), produced):
                    missing.append((m.group(1), location))
        for module in program.modules:
            if isinstance(module.source, str) and module.source.startswith((".", "/")):
                local = posixpath.normpath(posixpath.join(scope_of(module.location.file), module.source))
                if not _exists(local, files, dirs) and not _exists(module.source, files, dirs):
                    missing.append((module.source, module.location))
        # module code shown in blocks without a file name may be the missing module: which block is which cannot be told
        unnamed = sorted({scope_of(f.path) for f in program.files if f.path.startswith("unnamed-") and f.language == "hcl"
                          and re.search(r"^\s*variable\s+\"", f.text, re.M) and not re.search(r"^\s*module\s+\"", f.text, re.M)})
        module_sources = {m.source for m in program.modules if isinstance(m.source, str)}
        reported = set()
        for path, location in missing:
            shown = _PATH_ONLY.sub("", path)
            if shown in reported:
                continue
            reported.add(shown)
            if path in module_sources and unnamed:
                yield self.finding("unknown", f"Module `{path}` is not delivered under that name, but {len(unnamed)} code block(s) "
                                   "without a file name hold Terraform blocks; it may be among them.", [location], found=path)
                continue
            if (how := _built_by_answer(shown, ctx.answer_text)) is not None:
                yield self.finding("unknown", f"`{path}` is not delivered, but the answer builds it ({how}); whether the build "
                                   "runs before deployment is not judged.", [location], found=path)
                continue
            yield self.finding("fail", f"`{path}` is referenced but the deliverable contains no such file or folder.", [location], found=path)
        if not missing:
            yield self.finding("pass", "Every local file the code references is delivered.")


# Nested blocks a backend takes (Terraform 1.6+); a backend type not listed here is not judged on its blocks.
_BACKEND_BLOCKS = {"s3": {"assume_role", "assume_role_with_web_identity", "endpoints"}, "oss": {"assume_role"},
                   "cos": {"assume_role"}, "remote": {"workspaces"}, "gcs": set(), "azurerm": set(), "local": set(),
                   "http": set(), "consul": set(), "pg": set(), "kubernetes": set()}


@register
class InvalidBackendConfig(Check):
    id = "DEP018"
    name = "invalid-backend-config"
    area = "deployability"
    severity = "high"
    description = ("A `backend` block in `terraform {}` whose arguments use variables, locals, `${...}` interpolation or "
                   "function calls, or that holds a nested block the backend does not take (e.g. `lifecycle` in `backend \"s3\"`).")
    why = ("terraform init reads the backend before anything is evaluated: it stops with 'Variables may not be used here' "
           "or 'Blocks of type \"lifecycle\" are not expected here'.")
    fix = ("Write literal values, or leave the argument out and pass it with `terraform init -backend-config=...`; "
           "protect the state bucket with its own resource's lifecycle block.")
    bad = 'terraform {\n  backend "s3" {\n    bucket = "state"\n    key    = "${terraform.workspace}/terraform.tfstate"\n    region = "us-east-1"\n  }\n}'
    good = 'terraform {\n  backend "s3" {\n    bucket = "state"\n    key    = "app/terraform.tfstate"\n    region = "us-east-1"\n  }\n}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        backends = [b for b in program.backends if b[2].file.endswith(".tf")]  # CDKTF backends are built by Python
        problems = 0
        for kind, config, location in backends:
            for key, value in config.items():
                blocks = isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
                if blocks and kind in _BACKEND_BLOCKS and key not in _BACKEND_BLOCKS[kind]:
                    problems += 1
                    yield self.finding("fail", f'`backend "{kind}"` holds a `{key}` block, which this backend does not take; '
                                       "terraform init rejects it.", [location], found=key)
                    continue
                expr = next((leaf for leaf in walk_values(value) if isinstance(leaf, Expr)), None)
                if expr is not None:
                    problems += 1
                    yield self.finding("fail", f'`backend "{kind}"` argument `{key}` is an expression (`{expr.text[:60]}`); a backend '
                                       "takes literal values only (terraform init: 'Variables may not be used here').",
                                       [location], found=key)
        if backends and not problems:
            yield self.finding("pass", "Backend configuration is literal.")


_LIFECYCLE_TYPES = ("aws_s3_bucket_lifecycle_configuration",)


def rule_blocks(r: Resource) -> list[tuple[dict, str]]:
    """(rule, its id or "?") for each literal `rule` block of an S3 lifecycle or replication configuration (Pulumi's
    `rules`); a rule built elsewhere (a dynamic block, a variable) is left out: unknown."""
    rules = r.attributes.get("rule", r.attributes.get("rules"))
    return [(rule, rule["id"] if isinstance(rule.get("id"), str) else "?") for rule in (rules if isinstance(rules, list) else [])
            if isinstance(rule, dict) and "__dynamic__" not in rule]


@register
class LifecycleRuleWithoutFilter(Check):
    id = "DEP019"
    name = "lifecycle-rule-without-filter"
    area = "deployability"
    severity = "low"  # a provider warning today, not a failed plan
    description = ("An `aws_s3_bucket_lifecycle_configuration` rule with neither a `filter` block nor a `prefix` (Terraform and CDKTF): "
                   "advice, not counted, unless the prompt asks for current, warning-free code.")
    why = ("hashicorp/aws 5.x warns that a rule needs exactly one of filter or prefix and that this will be an error in "
           "a future version; the rule's scope is left to the provider's default.")
    fix = "Add `filter {}` (the whole bucket) or `filter { prefix = \"logs/\" }` to every rule."
    bad = ('resource "aws_s3_bucket_lifecycle_configuration" "l" {\n  bucket = "b"\n  rule {\n    id     = "expire"\n'
           '    status = "Enabled"\n    expiration { days = 30 }\n  }\n}')
    good = bad.replace('status = "Enabled"\n', 'status = "Enabled"\n    filter {}\n')
    example_prompt = "Deploy without provider warnings."

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        checked = problems = 0
        pinned = pinned_provider_major(program)
        for r in program.of_type(*_LIFECYCLE_TYPES):
            if r.dialect not in ("terraform", "cdktf") or r.dialect == "terraform" and pinned is not None and pinned < 5:
                continue  # hashicorp/aws 4.x does not warn
            for rule, name in rule_blocks(r):
                checked += 1
                if "filter" not in rule and "prefix" not in rule:
                    problems += 1
                    message = (f"`{r.address}` rule `{name}` has neither `filter` nor `prefix`; hashicorp/aws 5.x warns that this "
                               "will be an error.")
                    if CURRENT_CODE_ASKED.search(ctx.prompt or ""):  # deploys today with a warning: a failure only when asked
                        yield self.finding("fail", message, [r.line_of("rule")], found=name)
                    else:
                        yield self.finding("n/a", f"Advice (not counted): {message}", [r.line_of("rule")], severity="info", found=name)
        if checked and not problems:
            yield self.finding("pass", "Every S3 lifecycle rule has a filter or prefix.")


@register
class HardcodedEnvironmentId(Check):
    id = "DEP022"
    name = "hardcoded-environment-id"
    area = "deployability"
    severity = "high"
    description = ("AZ names from another region than the deployment region (fail); hard-coded AMI ids, which work in "
                   "one region only (partial).")
    why = "AMI ids and AZ names are region-specific: the code fails (or launches the wrong image) in the region it targets."
    fix = "Look them up: data \"aws_ami\" with filters, data \"aws_availability_zones\"."
    bad = 'provider "aws" {\n  region = "us-west-2"\n}\nresource "aws_subnet" "a" {\n  availability_zone = "us-east-1a"\n}'
    good = ('provider "aws" {\n  region = "us-west-2"\n}\ndata "aws_availability_zones" "az" {}\n'
            'resource "aws_subnet" "a" {\n  availability_zone = data.aws_availability_zones.az.names[0]\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        prompt = ctx.prompt or ""
        regions = set(known_regions(program))
        found = checked = 0
        reported: set[str] = set()
        for r, key, text in _strings(program):
            checked += 1
            ami = _AMI.search(text)
            if ami and ami.group(0) not in prompt and ami.group(0) not in reported:
                reported.add(ami.group(0))
                found += 1
                # It deploys in the AMI's home region only, which the code cannot show: partial, not fail.
                yield self.finding("partial", f"`{r.address}.{key}` hard-codes the AMI `{ami.group(0)}`, which exists in one "
                                   "region only; look it up with a data source.", [r.line_of(key)], found=ami.group(0))
            for az in _AZ.finditer(text):
                if regions and az.group(1) not in regions and az.group(0) not in prompt and az.group(0) not in reported:
                    reported.add(az.group(0))
                    found += 1
                    yield self.finding("fail", f"`{r.address}.{key}` uses the AZ `{az.group(0)}`, but the code deploys to "
                                       f"{', '.join(sorted(regions))}.", [r.line_of(key)], found=az.group(0))
        if checked and not found:
            yield self.finding("pass", "No hard-coded AMI ids or foreign AZ names.")


_RUNTIMES = re.compile(r"^(python3\.(?:[0-9]|1[0-9])|python2\.7|nodejs(?:[0-9]{1,2}\.x)?|java(?:8|8\.al2|11|17|21|25)|"
                       r"dotnet(?:core[123]\.[01]|[5-9]|10)|ruby(?:2\.[57]|3\.[0-9])|go1\.x|provided(?:\.al2|\.al2023)?)$")
_INSTANCE_TYPE = re.compile(r"^(?:db\.|cache\.|search\.|kafka\.|mq\.|dax\.|ml\.)?[a-z][a-z0-9-]*\.(?:nano|micro|small|medium|large|xlarge|[0-9]+xlarge|metal(?:-[0-9]+xl)?)$")
_NAME_LIMITS = {
    ("aws_lb", "name"): 32, ("aws_alb", "name"): 32, ("aws_lb_target_group", "name"): 32, ("aws_alb_target_group", "name"): 32,
    ("aws_iam_role", "name"): 64, ("aws_iam_policy", "name"): 128, ("aws_s3_bucket", "bucket"): 63,
    ("aws_elasticache_replication_group", "replication_group_id"): 40, ("aws_db_instance", "identifier"): 63,
    ("aws_rds_cluster", "cluster_identifier"): 63, ("aws_lambda_function", "function_name"): 64,
    ("aws_sqs_queue", "name"): 80, ("aws_sns_topic", "name"): 256, ("aws_cloudwatch_log_group", "name"): 512,
    ("aws_iam_instance_profile", "name"): 128,
    # a name_prefix gets a 26-character unique suffix; load balancers and target groups allow only 6 characters
    ("aws_lb", "name_prefix"): 6, ("aws_alb", "name_prefix"): 6, ("aws_lb_target_group", "name_prefix"): 6,
    ("aws_alb_target_group", "name_prefix"): 6, ("aws_iam_role", "name_prefix"): 38, ("aws_s3_bucket", "bucket_prefix"): 37,
}
_PY_STRING = re.compile(r"^[rRfFbBuU]*(\"\"\"|\'\'\'|\"|\')(.*)\1$", re.S)


def _template_parts(value: Any) -> list[str] | None:
    """The literal segments of a template, in order, around its interpolations (HCL `${...}`, Python f-string `{...}`,
    nested braces included): `"sg-${var.env}-web"` -> `["sg-", "-web"]`. None when the value is not a template or
    holds HCL template directives (`%{ if }`), whose literal text may not be rendered."""
    if not isinstance(value, Expr) or not value.is_template:
        return None
    m = _PY_STRING.match(value.text.strip())
    python = m is not None
    text = m.group(2) if m else value.text
    if not python and "%{" in text:
        return None
    opener = "{" if python else "${"
    escapes = {"{{": "{", "}}": "}"} if python else {"$${": "${"}
    parts, literal, i = [], "", 0
    while i < len(text):
        escape = next((e for e in escapes if text.startswith(e, i)), None)
        if escape:
            literal, i = literal + escapes[escape], i + len(escape)
        elif text.startswith(opener, i):
            parts.append(literal)
            literal, depth, i = "", 0, i + len(opener) - 1
            while i < len(text):
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
                if depth == 0:
                    break
        else:
            literal, i = literal + text[i], i + 1
    return parts + [literal]


def _python_string(r: Resource, value: Any, program: Program) -> Any:
    """A Python argument naming a string bound once in its file (`user_data=user_data`): that string; else the value."""
    if r.dialect == "terraform" or not isinstance(value, Expr) or value.refs or not value.text.isidentifier():
        return value
    facts = next((f for f in program.python if f.path == r.location.file), None)
    return facts.strings.get(value.text, value) if facts else value


def _literal_part(value: Any) -> str | None:
    """The literal text of a template whose interpolations are unknown (`"${var.env}-alb"` -> `-alb`)."""
    parts = _template_parts(value)
    return None if parts is None else "".join(parts)


# Names and identifiers the AWS provider validates against lowercase patterns (internal/service/rds/validate.go:
# validIdentifier, validSubnetGroupName, validParamGroupName, validOptionGroupName and their *Prefix forms):
# (allowed characters, must start with a letter). CloudFormation lowercases these itself, so CDK is not judged.
_IDENTIFIER = ("[0-9a-z-]", True)
_LOWERCASE_NAMES = {
    ("aws_db_instance", "identifier"): _IDENTIFIER, ("aws_db_instance", "identifier_prefix"): _IDENTIFIER,
    ("aws_rds_cluster", "cluster_identifier"): _IDENTIFIER, ("aws_rds_cluster", "cluster_identifier_prefix"): _IDENTIFIER,
    ("aws_rds_cluster_instance", "identifier"): _IDENTIFIER, ("aws_rds_cluster_instance", "identifier_prefix"): _IDENTIFIER,
    ("aws_db_subnet_group", "name"): ("[0-9a-z_ .-]", False), ("aws_db_subnet_group", "name_prefix"): ("[0-9a-z_ .-]", False),
    ("aws_db_parameter_group", "name"): ("[0-9a-z.-]", True), ("aws_db_parameter_group", "name_prefix"): _IDENTIFIER,
    ("aws_rds_cluster_parameter_group", "name"): ("[0-9a-z.-]", True),
    ("aws_rds_cluster_parameter_group", "name_prefix"): _IDENTIFIER,
    ("aws_db_option_group", "name"): _IDENTIFIER, ("aws_db_option_group", "name_prefix"): _IDENTIFIER,
}


@register
class InvalidValue(Check):
    id = "DEP023"
    name = "invalid-value"
    area = "deployability"
    severity = "high"
    description = ("A value the service or the AWS provider rejects: security group names (or name prefixes) starting "
                   "with `sg-`, also when only a template's leading text is known (`\"sg-web-${var.env}\"`); names and "
                   "name prefixes over length limits (load balancers and target groups 32, prefixes 6; IAM roles 64, "
                   "prefixes 38); RDS identifiers and subnet/parameter/option group names with uppercase or other "
                   "characters the provider's lowercase patterns refuse (not for CDK: CloudFormation lowercases them); "
                   "launch template `user_data` that is plainly not base64 (a script, a bare file()/templatefile()); "
                   "invalid S3 bucket names, unknown Lambda runtimes or malformed instance types. A value that breaks a "
                   "rule only through variable defaults fails too, named as the value the answer deploys with.")
    why = ("These fail at plan (provider validation) or at apply with an API error (InvalidParameterValue, 'Invalid "
           "BASE64 encoding of user data').")
    fix = ("Follow the service's naming rules and enums (see the message): lowercase RDS names (`lower(...)`), no `sg-` "
           "prefix, base64encode(...)/filebase64(...) for launch template user data.")
    bad = 'resource "aws_security_group" "web" {\n  name = "sg-web"\n}'
    good = 'resource "aws_security_group" "web" {\n  name = "web"\n}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        problems = checked = 0
        for r in program.resources:
            scope = scope_of(r.location.file)

            def value(key: str) -> Any:
                v = resolve(_python_string(r, r.attributes.get(key), program), program, scope)
                return v if isinstance(v, str) else None

            def parts(key: str) -> list[str] | None:
                return _template_parts(resolve(_python_string(r, r.attributes.get(key), program), program, scope))

            checked += 1
            for message, key in self._problems(r, value, parts):
                problems += 1
                # a template's literal part alone is sure; a value resolved through variables is sure as delivered
                literal = not isinstance(r.attributes.get(key), Expr) or value(key) is None or r.dialect != "terraform"
                status, suffix = value_claim(literal)
                shown = (value(key) or _literal_part(r.attributes.get(key)) or "").strip().splitlines()  # a script: its first line
                yield self.finding(status, f"`{r.address}`: {message}{suffix}.", [r.line_of(key)],
                                   found=shown[0][:80] if shown else None)
        if checked and not problems:
            yield self.finding("pass", "No values break service rules.")

    @staticmethod
    def _problems(r: Resource, value, parts) -> Iterator[tuple[str, str]]:
        for key in ("name", "name_prefix"):
            # a template's leading literal text is the start of the name, whatever its interpolations give
            start = value(key) or (parts(key) or [""])[0]
            if r.type == "aws_security_group" and start.lower().startswith("sg-"):
                shown = value(key) or f"{start}..."
                yield f"security group {key.replace('_', ' ')} `{shown}` starts with `sg-`, which AWS reserves", key
        if r.dialect != "cdk":
            yield from InvalidValue._lowercase_names(r, value, parts)
            if r.type == "aws_launch_template" and InvalidValue._plainly_not_base64(r, value, parts):
                yield ("`user_data` is not base64-encoded, and a launch template takes base64 user data (EC2: 'Invalid "
                       "BASE64 encoding of user data'); wrap it in base64encode(...) or use filebase64(...)"), "user_data"
        for (tf_type, key), limit in _NAME_LIMITS.items():
            if r.type != tf_type:
                continue
            v = value(key)
            if v and "${" not in v and len(v) > limit:
                yield f"`{key}` is {len(v)} characters, over the limit of {limit}", key
            elif v is None and len(part := _literal_part(r.attributes.get(key)) or "") > limit:
                yield f"`{key}` has {len(part)} literal characters besides its interpolations, over the limit of {limit}", key
        bucket = value("bucket") if r.type == "aws_s3_bucket" else None
        if bucket and "${" not in bucket and not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", bucket):
            yield f"bucket name `{bucket}` breaks S3 naming rules (lowercase letters, digits, dots, hyphens; 3-63)", "bucket"
        runtime = value("runtime") if r.type in ("aws_lambda_function", "aws_lambda_layer_version") else None
        if runtime and not _RUNTIMES.match(runtime):
            yield f"`{runtime}` is not a Lambda runtime", "runtime"
        for key in ("instance_type", "instance_class", "node_type"):
            v = value(key)
            if v and "${" not in v and not _INSTANCE_TYPE.match(v) and not v.startswith("db.serverless"):
                yield f"`{v}` is not a valid {key.replace('_', ' ')}", key


    @staticmethod
    def _plainly_not_base64(r: Resource, value, parts) -> bool:
        """A launch template's user data that cannot be base64: a known string that does not decode, a template whose
        literal text holds characters outside the base64 alphabet, or (HCL) a bare file()/templatefile() of a script."""
        known = value("user_data")
        if known is not None:
            try:
                base64.b64decode(re.sub(r"[\r\n]", "", known), validate=True)
                return False
            except binascii.Error:
                return True
        segments = parts("user_data")
        if segments is not None:
            return bool(re.search(r"[^A-Za-z0-9+/=\r\n]", "".join(segments)))
        raw = r.attributes.get("user_data")
        call = _FILE_CALL.fullmatch(raw.text.strip()) if r.dialect == "terraform" and isinstance(raw, Expr) else None
        return bool(call and _SCRIPT_FILE.search(call.group(1)))

    @staticmethod
    def _lowercase_names(r: Resource, value, parts) -> Iterator[tuple[str, str]]:
        """RDS names and identifiers with characters (uppercase, `_`) or a first character the provider rejects, in the
        resolved value or in the literal text of a template."""
        for (tf_type, key), (allowed, letter_first) in _LOWERCASE_NAMES.items():
            if r.type != tf_type:
                continue
            full = value(key)
            segments = [full] if full is not None else parts(key)
            if not segments:
                continue
            bad = sorted(set(re.sub(allowed, "", "".join(segments))))
            shown = full if full is not None else "".join(s if i == len(segments) - 1 else s + "${...}"
                                                          for i, s in enumerate(segments))
            if bad:
                chars = ", ".join(f"`{c}`" for c in bad)
                yield (f"`{key} = \"{shown}\"` holds {chars}, which the AWS provider rejects (only "
                       f"{_ALLOWED_WORDS[allowed]} are allowed)"), key
            elif letter_first and segments[0] and not segments[0][0].isalpha():
                yield f"`{key} = \"{shown}\"` must start with a letter (AWS provider validation)", key


# `file("...")` / `templatefile("...", {...})` as the whole expression (arguments nested one call deep), of a file
# whose name says it holds a script or a template, which is text, not base64.
_FILE_CALL = re.compile(r'(?:file|templatefile)\(\s*"([^"]+)"(?:[^()]|\([^()]*\))*\)')
_SCRIPT_FILE = re.compile(r"\.(?:sh|bash|ps1|tpl|tftpl|tmpl|j2|ya?ml|cfg|conf|py)$")
_ALLOWED_WORDS = {"[0-9a-z-]": "lowercase letters, digits and hyphens",
                  "[0-9a-z.-]": "lowercase letters, digits, periods and hyphens",
                  "[0-9a-z_ .-]": "lowercase letters, digits, hyphens, underscores, periods and spaces"}


def _referenced(resource: Resource, key: str, program: Program) -> list[Resource]:
    """The resources an attribute's value references."""
    by = program.by_address()
    value = resource.attributes.get(key)
    refs = []
    for leaf in walk_values(value):
        if isinstance(leaf, Expr):
            refs += [by[a] for a in leaf.refs if a in by]
    return refs


@register
class IncompatibleConfiguration(Check):
    id = "DEP024"
    name = "incompatible-configuration"
    area = "deployability"
    severity = "high"
    description = ("Settings that cannot work together: a REGIONAL WAFv2 web ACL on an EDGE API, a CloudFront certificate "
                   "or a CLOUDFRONT-scoped WAFv2 web ACL outside us-east-1, RDS enhanced monitoring (`monitoring_interval` "
                   "above 0) without `monitoring_role_arn` (Terraform, CDKTF, Pulumi; CDK creates the role itself).")
    why = ("Each combination fails at apply (RDS: InvalidParameterCombination, a MonitoringRoleARN value is required; WAF: "
           "CLOUDFRONT web ACLs exist only in us-east-1).")
    fix = ("Use a REGIONAL API with a REGIONAL web ACL (or attach WAF at CloudFront); create CloudFront certificates and web "
           "ACLs with a us-east-1 provider; give enhanced monitoring a role trusting monitoring.rds.amazonaws.com.")
    bad = ('resource "aws_api_gateway_rest_api" "api" {\n  endpoint_configuration { types = ["EDGE"] }\n}\n'
           'resource "aws_wafv2_web_acl" "acl" { scope = "REGIONAL" }\n'
           'resource "aws_wafv2_web_acl_association" "a" {\n  resource_arn = aws_api_gateway_stage.prod.arn\n'
           '  web_acl_arn = aws_wafv2_web_acl.acl.arn\n}\n'
           'resource "aws_api_gateway_stage" "prod" { rest_api_id = aws_api_gateway_rest_api.api.id }')
    good = bad.replace('"EDGE"', '"REGIONAL"')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        yield from self._waf_on_edge(program)
        regions = _provider_regions(program)
        yield from self._cloudfront_certificate(program, regions)
        yield from self._cloudfront_web_acl(program, regions)
        yield from self._monitoring_without_role(program)

    def _waf_on_edge(self, program: Program) -> Iterator[Finding]:
        for assoc in program.of_type("aws_wafv2_web_acl_association"):
            acls = [a for a in _referenced(assoc, "web_acl_arn", program) if a.type == "aws_wafv2_web_acl"]
            stages = [s for s in _referenced(assoc, "resource_arn", program) if s.type == "aws_api_gateway_stage"]
            if not acls or not stages or as_text(acls[0].attributes.get("scope")).upper() != "REGIONAL":
                continue
            apis = [a for a in _referenced(stages[0], "rest_api_id", program) if a.type == "aws_api_gateway_rest_api"]
            config = first_block(apis[0].attributes.get("endpoint_configuration")) if apis else None
            if config and "EDGE" in as_text(config.get("types")).upper():
                yield self.finding("fail", f"The REGIONAL web ACL `{acls[0].address}` is associated with a stage of the EDGE API "
                                   f"`{apis[0].address}`; a REGIONAL ACL cannot protect an edge-optimized API.",
                                   [assoc.location, apis[0].location], found="REGIONAL on EDGE")

    def _cloudfront_certificate(self, program: Program, regions: dict[tuple[str, str], tuple[str, bool]]) -> Iterator[Finding]:
        for dist in program.of_type("aws_cloudfront_distribution"):
            viewer = first_block(dist.attributes.get("viewer_certificate")) or {}
            for leaf in walk_values(viewer.get("acm_certificate_arn")):
                if not isinstance(leaf, Expr):
                    continue
                for cert in (program.by_address().get(a) for a in leaf.refs):
                    if cert is None or cert.type != "aws_acm_certificate":
                        continue
                    region, literal = regions.get(_provider_of(cert), (None, False))
                    if region and region != "us-east-1":
                        status, qualifier = value_claim(literal, cert.count is not None)
                        yield self.finding(status, f"CloudFront `{dist.address}` uses the certificate "
                                           f"`{cert.address}`, created in {region}{qualifier}; CloudFront only "
                                           "accepts ACM certificates from us-east-1.",
                                           [dist.location, cert.location], found=region)

    def _cloudfront_web_acl(self, program: Program, regions: dict[tuple[str, str], tuple[str, bool]]) -> Iterator[Finding]:
        for acl in program.of_type("aws_wafv2_web_acl"):
            scope = resolve(acl.attributes.get("scope"), program, scope_of(acl.location.file))
            region, literal = regions.get(_provider_of(acl), (None, False))
            if scope != "CLOUDFRONT" or not region or region == "us-east-1" or acl.dialect == "cdk":
                continue
            status, qualifier = value_claim(literal, acl.count is not None)
            yield self.finding(status,
                               f"The CLOUDFRONT-scoped web ACL `{acl.address}` is created in {region}{qualifier}; "
                               "WAF creates CLOUDFRONT web ACLs only in us-east-1.",
                               [acl.line_of("scope")], found=region)

    def _monitoring_without_role(self, program: Program) -> Iterator[Finding]:
        for db in program.of_type("aws_db_instance", "aws_rds_cluster_instance", "aws_rds_cluster"):
            if db.dialect == "cdk" or "kwargs" in db.attributes or db.attributes.get("monitoring_role_arn") is not None:
                continue
            raw = db.attributes.get("monitoring_interval")
            interval = resolve(raw, program, scope_of(db.location.file))
            if isinstance(interval, str) and interval.strip().isdigit():
                interval = int(interval)
            if isinstance(interval, bool) or not isinstance(interval, int) or interval <= 0:
                continue
            status, qualifier = value_claim(not isinstance(raw, Expr), db.count is not None)
            yield self.finding(status,
                               f"`{db.address}` turns on enhanced monitoring (`monitoring_interval = {interval}`) without "
                               f"`monitoring_role_arn`; RDS rejects it (InvalidParameterCombination){qualifier}.",
                               [db.line_of("monitoring_interval")], found=str(interval))


def _provider_regions(program: Program) -> dict[tuple[str, str], tuple[str, bool]]:
    """(HCL directory, provider address) -> (region, whether it is written literally) for the AWS providers whose
    region is known; an address configured with several regions (two stacks) is left out."""
    aws = [p for p in program.providers if p.name in ("aws", "")]  # the providers provider_regions reads, in order
    seen: dict[tuple[str, str], set[tuple[str, bool]]] = {}
    for provider, (region, location, address) in zip(aws, provider_regions(program)):
        if region:
            scope = scope_of(location.file) if location.file.endswith(".tf") else ""
            seen.setdefault((scope, address), set()).add((region, not isinstance(provider.region, Expr)))
    return {key: next(iter(values)) for key, values in seen.items() if len(values) == 1}



def _provider_of(r: Resource) -> tuple[str, str] | None:
    """The (HCL directory, address) of the provider configuration a resource uses: a module's resources use the
    configuration of their own directory (one passed in by `providers = {...}` is not looked up). None when it is set
    in a way not read (a Python object, Pulumi `opts=ResourceOptions(provider=...)`)."""
    provider, opts = r.meta.get("provider"), r.meta.get("opts")
    if provider is not None and r.dialect != "terraform" or "provider" in as_text(opts):
        return None
    scope = scope_of(r.location.file) if r.dialect == "terraform" else ""
    return scope, as_text(provider).strip() if provider else "aws"


# The CloudWatch Logs service principal, literal or built from the region (f-string, ${...}, Fn::Sub).
_LOGS_PRINCIPAL = re.compile(r"(?<![\w.-])logs\.(?:[\w.-]*amazonaws\.com|\$?\{)")  # not vpc-flow-logs. or delivery.logs.
# Where a CDK key object may come from besides a `kms.Key(...)` the program declares.
# A bare `Alias(` may be a KMS alias imported by name; `lambda_.Alias(` is not.
_OTHER_KEY_SOURCES = re.compile(r"\b(?:from_key_arn|from_key_id|from_lookup|from_cfn_key|from_alias_name|CfnKey|kms\.Alias"
                                r"|DataAwsKmsKey|DataAwsKmsAlias|get_key|get_alias|KmsReplicaKey|ReplicaKey)\(|(?<![\w.])Alias\("
                                r"|arn:aws:kms:|\balias/aws/")


def key_policy_allows(key: Resource, program: Program, by: dict[str, Resource], principal: re.Pattern) -> bool | None:
    """Whether the key's policy (its `policy`, aws_kms_key_policy, grants and statements added by calls) names the service
    `principal`; None when the policy cannot be read (a helper's result, a variable, a file)."""
    if "kwargs" in key.attributes or program.elided_block(key.location):
        return None
    policy = key.attributes.get("policy")
    texts = [as_text(policy) if policy is not None else ""] + key.meta.get("calls", [])
    texts += [as_text(r.attributes) for r in program.of_type("aws_kms_key_policy") if key.address in r.refs]
    for leaf in walk_values(policy):
        if isinstance(leaf, Expr):
            texts += [as_text(by[a].attributes) for a in leaf.refs if a in by]
    if any(principal.search(t) for t in texts):
        return True
    # A policy whose statements it cannot see (a helper's result, a variable) may allow the service.
    if policy is not None and not re.search(r"statement", " ".join([texts[0]] + texts[1 + len(key.meta.get("calls", [])):]), re.I):
        return None
    names = {leaf.text for leaf in walk_values(policy) if isinstance(leaf, Expr) and not leaf.refs
             and re.fullmatch(r"(?:self\.)?[a-z_]\w*", leaf.text)}
    for call in key.meta.get("calls", []):
        names |= set(re.findall(r"\.grant\w*\(\s*((?:self\.)?[a-z_]\w*)\s*[,)]", call))
        for principals in re.findall(r"principals\s*=\s*\[([^\]]*)\]", call):
            names |= set(re.findall(r"(?<![\w.\"'])((?:self\.)?[a-z_]\w*)\s*(?=,|$)", principals.strip()))
    for name in sorted(names):
        assigned = [m.group(1) for f in program.files if f.language == "python"
                    for m in re.finditer(rf"(?<![\w.]){re.escape(name)}\s*(?::[^=\n]+)?=(?!=)\s*([^\n]*(?:\n[^\n]*){{0,2}})", f.text)]
        if not assigned or any(principal.search(a) or "Principal(" in a for a in assigned):
            return None  # a principal held in a variable it cannot rule out
    return False


@register
class LogsKeyPolicy(Check):
    id = "WIR001"
    name = "kms-key-policy-for-logs"
    area = "security"
    severity = "high"
    description = ("A CloudWatch log group is encrypted with a KMS key whose key policy does not allow the CloudWatch Logs "
                   "service: a policy without it, or no policy at all (the default policy trusts only the account).")
    why = ("CloudWatch Logs must be allowed in the key policy to use a customer key; otherwise creating the log group fails "
           "(\"The specified KMS key does not exist or is not allowed to be used with LogGroup\").")
    fix = ("Add a key policy statement for logs.<region>.amazonaws.com (kms:Encrypt*, Decrypt*, ReEncrypt*, GenerateDataKey*, "
           "Describe*); in CDK, key.add_to_resource_policy(...) or key.grant_encrypt_decrypt(ServicePrincipal(...)).")
    bad = ('resource "aws_kms_key" "logs" {}\n'
           'resource "aws_cloudwatch_log_group" "app" {\n  kms_key_id = aws_kms_key.logs.arn\n}')
    good = ('resource "aws_kms_key" "logs" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow",\n'
            '    Principal = { Service = "logs.us-east-1.amazonaws.com" }, Action = "kms:*", Resource = "*" }] })\n}\n'
            'resource "aws_cloudwatch_log_group" "app" {\n  kms_key_id = aws_kms_key.logs.arn\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        by = program.by_address()
        for group in program.of_type("aws_cloudwatch_log_group"):
            if group.synthesized_from:
                continue
            for key in self._keys(group, program):
                allowed = key_policy_allows(key, program, by, _LOGS_PRINCIPAL)
                if allowed is False:
                    policy = ("keeps the default key policy: it trusts only the account, not the CloudWatch Logs service"
                              if key.attributes.get("policy") is None
                              else "has a key policy that does not allow the CloudWatch Logs service")
                    yield self.finding("fail", f"Log group `{group.address}` is encrypted with `{key.address}`, which {policy} "
                                       "(logs.<region>.amazonaws.com); creating the log group fails.",
                                       [group.line_of("kms_key_id"), key.location], found=key.address)

    @staticmethod
    def _keys(group: Resource, program: Program) -> list[Resource]:
        keys = [k for k in _referenced(group, "kms_key_id", program) if k.type == "aws_kms_key"]
        value = group.attributes.get("kms_key_id")
        if keys or group.dialect not in ("cdk", "cdktf", "pulumi") or not isinstance(value, Expr) or value.refs \
                or not re.fullmatch(r"[\w.]+", value.text):
            return keys
        # `encryption_key=self.kms_key` or `kms_key_id=kms_key_arn` set from a helper's return or a parameter: with one key
        # declared and no other way to get a key (a lookup, an alias, a literal ARN) in the code, it is that key.
        declared = [k for k in program.of_type("aws_kms_key") if k.dialect == group.dialect and k.mode == "managed"]
        unseen = [m for m in program.deliverable.mentioned if not re.match(r"(?:.*/)?(?:tests?/|test_)", m)]  # tests make no keys
        if len(declared) != 1 or program.elisions or unseen or program.deliverable.truncated:
            return []
        # Another name for the key (a parameter) may be granted to Logs where calls on it are not recorded.
        if any(_OTHER_KEY_SOURCES.search(f.text) or _LOGS_PRINCIPAL.search(f.text) for f in program.files if f.language == "python"):
            return []
        return declared


@register
class GuardDutyRouting(Check):
    id = "WIR002"
    name = "guardduty-findings-routing"
    area = "monitoring"
    severity = "medium"
    description = "An SNS topic is prepared for GuardDuty findings, but no EventBridge rule routes `aws.guardduty` findings to it."
    why = "GuardDuty does not publish to SNS directly; without the rule nobody is alerted."
    fix = "Add an aws_cloudwatch_event_rule with event_pattern source aws.guardduty and a target on the topic."
    bad = ('resource "aws_guardduty_detector" "main" { enable = true }\n'
           'resource "aws_sns_topic_policy" "alerts" {\n  policy = jsonencode({ Statement = [{ Principal = { Service = "guardduty.amazonaws.com" } }] })\n}')
    good = bad + ('\nresource "aws_cloudwatch_event_rule" "gd" {\n  event_pattern = jsonencode({ source = ["aws.guardduty"] })\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        yield from self._guardduty_to_sns(program)

    def _guardduty_to_sns(self, program: Program) -> Iterator[Finding]:
        detectors = program.of_type("aws_guardduty_detector")
        if not detectors:
            return
        topics_for_guardduty = [r for r in program.of_type("aws_sns_topic", "aws_sns_topic_policy")
                                if "guardduty" in as_text(r.attributes).lower()]
        rules = [r for r in program.of_type("aws_cloudwatch_event_rule") if "aws.guardduty" in as_text(r.attributes)]
        if topics_for_guardduty and not rules:
            yield self.finding("fail", "An SNS topic is set up for GuardDuty findings, but GuardDuty does not publish to SNS itself "
                               "and no EventBridge rule routes `aws.guardduty` findings to it.",
                               [topics_for_guardduty[0].location, detectors[0].location], found="no EventBridge rule")


@register
class LazyValueMisuse(Check):
    id = "DEP025"
    example = "python"
    name = "deploy-time-value-misuse"
    area = "deployability"
    severity = "high"
    description = "A Pulumi Output (a resource attribute) used in an f-string or json.dumps outside `.apply`/`Output.concat`."
    why = "The f-string renders 'Calling __str__ on an Output[T] is not supported', producing a broken name or policy."
    fix = "Use pulumi.Output.concat / Output.format, or build the string inside .apply(lambda v: ...)."
    bad = ('import pulumi_aws as aws\nbucket = aws.s3.Bucket("b")\n'
           'aws.s3.BucketPolicy("p", bucket=bucket.id, policy=f"arn:aws:s3:::{bucket.id}/*")')
    good = ('import pulumi_aws as aws\nbucket = aws.s3.Bucket("b")\n'
            'aws.s3.BucketPolicy("p", bucket=bucket.id, policy=bucket.arn.apply(lambda arn: f"{arn}/*"))')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if "pulumi" not in program.dialects:
            return
        count = 0
        for r in program.resources:
            if r.dialect != "pulumi":
                continue
            for key, value in r.attributes.items():
                bad = next((leaf for leaf in walk_values(value) if isinstance(leaf, Expr) and leaf.is_template and leaf.refs), None)
                if bad is not None:
                    count += 1
                    yield self.finding("fail", f"`{r.address}.{key}` builds a string from a Pulumi Output in an f-string: `{bad.text[:60]}`.",
                                       [r.line_of(key)], found=bad.text[:60])
        for facts in program.python:
            for text, line in facts.lazy_values:
                count += 1
                yield self.finding("fail", f"json.dumps over Pulumi Outputs in {facts.path}: `{text[:60]}`; use Output.json_dumps or .apply.",
                                   [Location(facts.path, line)], found=text[:60])
        if not count:
            yield self.finding("pass", "Pulumi Outputs are not used as plain strings.")



@register
class CdkReplicaBackupRetention(Check):
    id = "DEP041"
    name = "cdk-replica-backup-retention"
    area = "deployability"
    severity = "high"
    description = ("A CDK `DatabaseInstanceReadReplica` sets `backup_retention` while its source runs an engine that CDK says has "
                   "no automatic backups of read replicas (anything but MySQL and MariaDB: PostgreSQL, Oracle, SQL Server).")
    why = ("aws-cdk-lib refuses the replica at synth: \"Cannot set 'backupRetention', as engine ... does not support automatic "
           "backups for read replicas\" (`supportsReadReplicaBackups` is true only for the MySQL and MariaDB instance engines).")
    fix = "Drop backup_retention from the replica (the source's backups cover it), or promote it and set retention then."
    bad = ("from aws_cdk import Stack, Duration, aws_rds as rds\nclass S(Stack):\n    def f(self, vpc):\n"
           "        db = rds.DatabaseInstance(self, 'Db', vpc=vpc, engine=rds.DatabaseInstanceEngine.postgres(\n"
           "            version=rds.PostgresEngineVersion.VER_16))\n"
           "        rds.DatabaseInstanceReadReplica(self, 'Rep', source_database_instance=db, instance_type=None, vpc=vpc,\n"
           "            backup_retention=Duration.days(7))\n")
    good = bad.replace(",\n            backup_retention=Duration.days(7))", ")")
    example = "python"

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        for replica in program.of_type("aws_db_instance"):
            if replica.dialect != "cdk" or not replica.source_type.endswith("DatabaseInstanceReadReplica"):
                continue
            days = replica.attributes.get("backup_retention_period")
            if days is None or days == 0:
                continue
            for source in _referenced(replica, "replicate_source_db", program):
                engine = as_text(source.attributes.get("engine", ""))
                m = re.search(r"DatabaseInstanceEngine\.(\w+)", engine)
                if m and not re.match(r"mysql|maria_?db", m.group(1), re.I):
                    yield self.finding("fail", f"`{replica.address}` sets backup_retention, but its source `{source.address}` runs "
                                       f"{m.group(1)}, whose read replicas CDK gives no automatic backups: synth fails (Cannot "
                                       "set 'backupRetention').", [replica.line_of("backup_retention_period"), source.location],
                                       found=m.group(1))
