"""Conventions: repository and hygiene rules that do not stop a deploy but reviewers flag."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from .. import schema
from ..ir import Location, Program
from ..parse.types import _PULUMI_MODULES, pulumi_type
from .base import CURRENT_CODE_ASKED, Check, Context, Finding, register
from .references import _hcl
from .schema_checks import _names, pinned_provider_major, pulumi_major
from .signatures import _folded, _split, _types

_PROVIDER_PREFIXES = {"random": "random", "archive": "archive", "tls": "tls", "null": "null", "time": "time", "local": "local", "http": "http"}


@register
class MissingProvider(Check):
    id = "CON001"
    name = "unpinned-provider"
    area = "conventions"
    severity = "low"
    description = ("Resources of a provider (random_, archive_, tls_, ...) that `required_providers` does not list: a failure when "
                   "the prompt asks for pinned providers, else advice that does not count.")
    why = ("Terraform infers hashicorp/<name> at init, so it deploys, but the version is unpinned and reviewers flag it; "
           "a non-hashicorp provider would fail init.")
    fix = "Add the provider (source and version) to terraform { required_providers { ... } }."
    bad = 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\ndata "archive_file" "zip" {}'
    good = ('terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n'
            '    archive = { source = "hashicorp/archive" }\n  }\n}\ndata "archive_file" "zip" {}')
    example_prompt = "Pin every provider version in required_providers."

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not _hcl(program) or not program.required_providers:
            return
        missing: dict[str, Location] = {}
        for r in program.resources:
            prefix = r.type.split("_", 1)[0]
            if r.dialect == "terraform" and prefix in _PROVIDER_PREFIXES and prefix not in program.required_providers:
                missing.setdefault(prefix, r.location)
        pin = _PIN_ASKED.search(ctx.prompt or "")
        for prefix, location in sorted(missing.items()):
            # valid code (init infers hashicorp/<name>): a failure only when the prompt asks for pinned providers, else advice
            yield self.finding("fail" if pin else "n/a", ("" if pin else "Advice (not counted): ") +
                               f"`{prefix}_*` resources are used but `{prefix}` is not in required_providers (unpinned).",
                               [location], found=prefix, severity=None if pin else "info")
        if not missing:
            yield self.finding("pass", "Every provider used is declared.")


_PIN_ASKED = re.compile(r"\bpin(?:ned|ning)?\b[^.]{0,40}\b(?:providers?|versions?)\b|required_providers|version constraints?", re.I)


@lru_cache(maxsize=1)
def _terraform_deprecations() -> dict[str, set[str]]:
    """Terraform arguments marked deprecated, read from pulumi-aws (which carries the upstream notices)."""
    out: dict[str, set[str]] = {}
    for module, entry in schema.load()["pulumi"]["modules"].items():
        for cls, spec in entry["resources"].items():
            if re.search(r"V\d+$", cls):
                continue  # the V2 aliases are deprecated wholesale; their notices are not per argument
            deprecated = spec.get("deprecated")
            tf_type = pulumi_type(module, cls) if deprecated else None
            if tf_type:
                tf = schema.terraform_resource(tf_type) or {}
                names = _names(tf)
                mapped = {d if d in names else d.rstrip("s") for d in deprecated}
                out.setdefault(tf_type, set()).update(m for m in mapped if m in names)
    return out


@register
class DeprecatedArgument(Check):
    id = "CON002"
    name = "deprecated-argument"
    area = "conventions"
    severity = "low"
    description = ("An argument, aws-cdk-lib prop, member or class, pulumi-aws resource class, or Terraform attribute read that the "
                   "pinned SDK or provider marks deprecated (inline S3 bucket versioning, `ec2.Vpc(cidr=...)`, `s3.BucketV2`, "
                   "`data.aws_region.current.name`): a failure when the prompt asks for current, non-deprecated code, "
                   "else advice that does not count.")
    why = "Deprecated arguments deploy with a warning today and break on the next major provider version."
    fix = "Use the replacement the deprecation names (aws_s3_bucket_versioning, ip_addresses, s3.Bucket, region, ...)."
    bad = 'resource "aws_s3_bucket" "b" {\n  versioning {\n    enabled = true\n  }\n}'
    good = ('resource "aws_s3_bucket" "b" {}\nresource "aws_s3_bucket_versioning" "b" {\n  bucket = aws_s3_bucket.b.id\n'
            '  versioning_configuration {\n    status = "Enabled"\n  }\n}')
    example_prompt = "Use current provider syntax; no deprecated arguments."

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        deprecated_asked = bool(CURRENT_CODE_ASKED.search(ctx.prompt or ""))
        for message, location, found in self._uses(program):
            # deploys today: a failure only when the prompt asks for current, non-deprecated code
            if deprecated_asked:
                yield self.finding("fail", message, [location], found=found)
            else:
                yield self.finding("n/a", f"Advice (not counted): {message}", [location], severity="info", found=found)

    def _uses(self, program: Program) -> Iterator[tuple[str, Location, str]]:
        deprecations = _terraform_deprecations()
        pulumi = pulumi_major(program)
        for r in program.resources:
            if r.synthesized_from:
                continue
            if r.dialect in ("terraform", "cdktf"):
                deprecated = deprecations.get(r.type, set())
                used = sorted(set(r.attributes) & deprecated)
            elif r.dialect == "pulumi" and len(r.source_type.split(".")) == 3:
                _, module, cls = r.source_type.split(".")
                spec = (schema.pulumi_module(module, pulumi) or {}).get("resources", {}).get(cls, {})
                used = sorted(set(r.meta.get("kwargs", [])) & set(spec.get("deprecated", [])))
                if "superseded" in spec:
                    instead = f"; use `{spec['superseded']}`" if spec["superseded"] else ""
                    yield (f"`{module}.{cls}` is deprecated in pulumi-aws {schema.pulumi_version(pulumi)}{instead}.",
                           r.location, f"{module}.{cls}")
            else:
                continue
            for name in used:
                yield f"`{r.type}.{r.name}` uses the deprecated argument `{name}`.", r.line_of(name), name
        yield from _cdk_uses(program)
        yield from _attribute_reads(program)


def _instead(replacement: str) -> str:
    return f"; use `{replacement}`" if replacement else ""


def _deprecated_member(key: str, member: str, depth: int = 0) -> tuple[str, str] | None:
    """(class defining it, replacement) when `member` of a CDK type, or of a base it inherits it from, is deprecated."""
    entry = _types().get(key)
    if entry is None or depth > 12:
        return None
    for name, replacement in entry.get("d", {}).items():
        if _folded(name) == _folded(member):
            return key, replacement
    for base in entry.get("b", []):
        found = _deprecated_member(base, member, depth + 1)
        if found:
            return found
    return None


def _cdk_uses(program: Program) -> Iterator[tuple[str, Location, str]]:
    """aws-cdk-lib: deprecated classes used, deprecated members read or called, and deprecated props or options
    passed to a construct, struct or method (`ec2.Vpc(cidr=...)`, `autoscaling.HealthCheck.elb(...)`)."""
    version = schema.versions()["aws-cdk-lib"]
    seen: set[tuple[str, int]] = set()
    for facts in program.python:
        for path, keywords, line in facts.sdk_uses:
            split = _split(path) if path.startswith("aws_cdk.") else None
            if split is None:
                continue
            key, member = split
            location = Location(facts.path, line)
            found: list[tuple[str, str]] = []  # (what, replacement)
            if "x" in _types()[key]:
                found.append((key, _types()[key]["x"]))
            if member:
                hit = _deprecated_member(key, member)
                if hit:
                    found.append((f"{key}.{member}", hit[1]))
            signature = _types()[key].get("i") if member is None else _method_keywords(key, member)
            struct = next((k[1:] for k in signature or [] if k.startswith("@")), None)
            for name in keywords or ():
                hit = _deprecated_member(struct, name) if struct else None
                if hit:
                    found.append((f"{key}{'.' + member if member else ''}({name}=...)", hit[1]))
            for what, replacement in found:
                if (what, line) not in seen:
                    seen.add((what, line))
                    yield f"`{what}` is deprecated in aws-cdk-lib {version}{_instead(replacement)}.", location, what


def _method_keywords(key: str, method: str, depth: int = 0) -> list[str] | None:
    entry = _types().get(key)
    if entry is None or depth > 12:
        return None
    if method in entry.get("k", {}):
        return entry["k"][method]
    for base in entry.get("b", []):
        found = _method_keywords(base, method, depth + 1)
        if found is not None:
            return found
    return None


@lru_cache(maxsize=4)
def _deprecated_attributes(major: int | None) -> dict[str, dict[str, str]]:
    """Terraform attributes (`data.aws_region` -> {name: region}) the provider major marks deprecated, read from the
    pulumi-aws major built on it (pulumi-aws 7 carries hashicorp/aws 6's notices, pulumi-aws 6 those of 5)."""
    current = int(schema.terraform_version().split(".")[0])
    pulumi = None if major is None or major == current else major + 1
    if pulumi is not None and pulumi not in schema.sdk_majors("pulumi-aws"):
        return {}
    data_types = schema.load()["terraform"]["data"]
    out: dict[str, dict[str, str]] = {}
    for module, entry in schema._pulumi(pulumi)["modules"].items():
        for cls, spec in entry["resources"].items():
            tf_type = pulumi_type(module, cls) if spec.get("deprecated_attrs") and not re.search(r"V\d+$", cls) else None
            if tf_type:
                out.setdefault(tf_type, {}).update(spec["deprecated_attrs"])
        mod = _PULUMI_MODULES.get(module, module.rstrip("_"))
        for function, spec in entry.get("data_sources", {}).items():
            name = function[len("get_"):]
            candidates = ([f"aws_{mod}_{name}"] if mod else []) + [f"aws_{name}"]
            tf_type = next((c for c in candidates if c in data_types), None)
            if tf_type:
                out.setdefault(f"data.{tf_type}", {}).update(spec["deprecated_attrs"])
    return out


def _attribute_reads(program: Program) -> Iterator[tuple[str, Location, str]]:
    """HCL references reading an attribute the pinned provider major marks deprecated (`data.aws_region.current.name`)."""
    major = pinned_provider_major(program)
    if major is not None and major not in schema.terraform_majors():
        return
    deprecated = _deprecated_attributes(major)
    version = schema.terraform_version(major)
    seen: set[tuple[str, str]] = set()
    for ref in program.references:
        kind = ".".join(ref.target.split(".")[:2]) if ref.target.startswith("data.") else ref.target.split(".")[0]
        replacement = deprecated.get(kind, {}).get(ref.attr)
        if replacement is None or (ref.target, ref.attr) in seen:
            continue
        seen.add((ref.target, ref.attr))
        yield (f"`{ref.target}.{ref.attr}` reads an attribute deprecated in hashicorp/aws {version}{_instead(replacement)}.",
               ref.location, f"{ref.target}.{ref.attr}")


_EXISTING_PROVIDER = re.compile(r"provider\.tf`?[^.]{0,60}(?:already exists|exists already|is provided|is already)"
                                r"|(?:already exists|already present|already have|is provided)[^.]{0,30}provider\.tf|existing `?provider\.tf", re.I)


@register
class ProviderRedefined(Check):
    id = "CON003"
    name = "provider-redefined"
    area = "conventions"
    severity = "medium"
    description = "The prompt says provider.tf already exists, yet the answer declares provider blocks elsewhere."
    why = "A second provider configuration conflicts with the harness's provider.tf (duplicate provider, or a region that ignores var.aws_region)."
    fix = "Use the existing provider.tf (var.aws_region); declare only the variables it needs, and aliases only if the prompt asks for them."
    bad = 'provider "aws" {\n  region = "us-west-2"\n}'
    good = 'variable "aws_region" {\n  default = "us-west-2"\n}'
    example_prompt = "The provider configuration already exists in provider.tf and uses var.aws_region."

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not _hcl(program) or not _EXISTING_PROVIDER.search(ctx.prompt or ""):
            return
        aliases_asked = bool(re.search(r"\balias(?:es|ed)?\b", ctx.prompt or "", re.I))  # the prompt wants extra providers
        extra = [p for p in program.providers if p.name == "aws" and not p.location.file.endswith("provider.tf")
                 and not (p.alias and aliases_asked)]
        for provider in extra:
            yield self.finding("fail", f"provider \"aws\"{f' (alias {provider.alias})' if provider.alias else ''} is declared in "
                               f"{provider.location.file}, but the prompt says provider.tf already exists.", [provider.location],
                               found=provider.address)
        if not extra:
            yield self.finding("pass", "The existing provider.tf is used; no provider is redeclared.")
