"""Deployability against the pinned provider/SDK schema (grader/schema/schema.json.gz).

Terraform HCL and CDKTF are checked against the Terraform AWS provider schema, Pulumi against
pulumi-aws constructor signatures, CDK against aws-cdk-lib construct props. HCL that pins the
previous provider major (`~> 5.0`) is checked against that major's last release, which is shipped
too; when it pins a major that is not shipped, a mismatch is `unknown`, not `fail`, and the
message says which version was checked.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from .. import schema
from ..ir import Program, Resource, scope_of
from .base import Check, Context, Finding, register

_HCL_META = {"count", "for_each", "provider", "depends_on", "lifecycle", "connection", "provisioner"}


_CONSTRAINT = re.compile(r"(~>|>=|<=|!=|==|~=|=|>|<)?\s*v?(\d+)(?:\.(\d+))?(?:\.[\w*]+)*")


def _constraint_major(version: str) -> int | None:
    """The major a version constraint (`~> 5.0`, `<7.0.0`, `>=6,<7`, `==6.2.1`, `~=6.5`) installs; None for the newest."""
    constraints = [(op or "=", int(major), int(minor or 0)) for op, major, minor in _CONSTRAINT.findall(version)]
    for op, major, _ in constraints:
        if op in ("~>", "=", "==", "~="):
            return major
    uppers = [major - (1 if op == "<" and minor == 0 else 0) for op, major, minor in constraints if op in ("<", "<=")]
    return min(uppers) if uppers else None  # only lower bounds: the newest release is installed


def pinned_provider_major(program: Program) -> int | None:
    """The provider major `terraform init` would pick under the aws version constraint; None for the newest."""
    spec = program.required_providers.get("aws", {})
    version = spec.get("version") if isinstance(spec, dict) else None
    return _constraint_major(version) if isinstance(version, str) else None


# Pulumi resource options (pulumi.ResourceOptions fields): a keyword argument of that name is refused in every version.
PULUMI_RESOURCE_OPTIONS = frozenset({
    "depends_on", "parent", "provider", "providers", "protect", "ignore_changes", "delete_before_replace", "aliases",
    "custom_timeouts", "retain_on_delete", "replace_on_changes", "transformations", "transforms", "deleted_with",
    "additional_secret_outputs", "hooks", "replace_with", "hide_diffs",
})
_PY_PACKAGES = {"pulumi_aws": "pulumi-aws", "aws_cdk": "aws-cdk-lib", "cdktf_cdktf_provider_aws": "cdktf-cdktf-provider-aws"}
_REQUIREMENT_FILES = re.compile(r"(?:^|/)(?:requirements[\w.-]*\.txt|Pipfile|pyproject\.toml|setup\.py|setup\.cfg)$")


def sdk_pinned_major(program: Program, root: str) -> tuple[int, str] | None:
    """(major, constraint) the answer's requirements pin for the Python SDK `root` (pulumi_aws, aws_cdk), or None."""
    package = _PY_PACKAGES.get(root)
    if package is None:
        return None
    name = re.escape(package).replace("\\-", "[-_]")
    for source in program.files:
        if not _REQUIREMENT_FILES.search(source.path):
            continue
        m = re.search(rf"(?im)^[\s\"']*{name}\b[\"'\s=:]*([<>=~!][^\n\"';#]*)", source.text)
        pinned = _constraint_major(m.group(1)) if m else None
        if pinned is not None:
            return pinned, m.group(1).strip()
    return None


def sdk_pin_note(program: Program, root: str) -> str | None:
    """When the answer pins a major of the Python SDK `root` that no shipped schema has, why a signature mismatch is
    not judged; None when the code is checked against the major it pins (or pins none)."""
    pin = sdk_pinned_major(program, root)
    package = _PY_PACKAGES.get(root)
    if pin is None or package is None or pin[0] in schema.sdk_majors(package):
        return None
    shipped = schema.versions().get(package) or schema.cdktf_provider_version()
    return f"not judged: the answer pins {package} {pin[1]}, the shipped schema is {package} {shipped}"


def pulumi_major(program: Program) -> int | None:
    """The pulumi-aws major the answer's code is checked against: the pinned one when shipped, else the current."""
    pin = sdk_pinned_major(program, "pulumi_aws")
    return pin[0] if pin and pin[0] in schema.sdk_majors("pulumi-aws") else None


def _version_note(program: Program) -> tuple[str, bool, int | None]:
    """(note for messages, whether the code pins a provider major none of the shipped schemas has,
    the pinned major to check HCL against)."""
    pinned = pinned_provider_major(program)
    shipped = schema.terraform_version(pinned)
    if pinned is not None and pinned not in schema.terraform_majors():
        version = program.required_providers["aws"].get("version")
        return f" (checked against hashicorp/aws {shipped}; the code pins {version})", True, pinned
    return f" (hashicorp/aws {shipped})", False, pinned


def _tf_spec(resource: Resource, major: int | None) -> dict[str, Any] | None:
    if resource.dialect not in ("terraform", "cdktf") or not resource.type.startswith("aws_"):
        return None
    # CDKTF code gets the provider its package ships with; only HCL pins a version in the code.
    return schema.terraform_resource(resource.type, resource.mode, major if resource.dialect == "terraform" else None)


def _sdk_spec(r: Resource, pulumi: int | None = None) -> dict[str, Any] | None:
    """Keyword arguments a Pulumi class (of pulumi-aws major `pulumi`) or CDK construct accepts ("accepted") and
    requires, or None."""
    parts = r.source_type.split(".")
    if r.meta.get("kwargs") is None or len(parts) != 3:
        return None
    if r.dialect == "pulumi" and parts[0] == "pulumi_aws":
        spec = (schema.pulumi_module(parts[1], pulumi) or {}).get("resources", {}).get(parts[2])
        return {**spec, "accepted": spec["args"]} if spec else None
    if r.dialect == "cdk" and parts[0] == "aws_cdk":
        spec = (schema.cdk_module(parts[1]) or {}).get("constructs", {}).get(parts[2])
        return {**spec, "accepted": spec["props"]} if spec else None
    return None


def _names(spec: dict[str, Any]) -> set[str]:
    return set(spec.get("args", [])) | set(spec.get("blocks", {}))


def _folded(name: str) -> str:
    """jsii accepts a struct's keys in snake or camel case, and its snake case splits `MiB` oddly."""
    return name.replace("_", "").lower()


def _unknown_args(attrs: dict[str, Any], spec: dict[str, Any], prefix: str = "") -> list[str]:
    """Argument / block names the schema does not have, one nesting level deep."""
    names = {_folded(n): n for n in _names(spec)}
    unknown = []
    for key, value in attrs.items():
        if key in _HCL_META or key.startswith("__"):
            continue
        if _folded(key) not in names:
            unknown.append(prefix + key)
            continue
        block = spec.get("blocks", {}).get(names[_folded(key)])
        if block is None:
            continue
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict) and not prefix:
                unknown += _unknown_args({k: v for k, v in item.items() if k != "__dynamic__"}, block, f"{key}.")
    return unknown


@register
class UnknownResourceType(Check):
    id = "DEP008"
    name = "unknown-resource-type"
    area = "deployability"
    severity = "critical"
    description = "A resource or data source type that the AWS provider does not have (hallucinated or misspelled)."
    why = "terraform validate: 'The provider hashicorp/aws does not support resource type ...'."
    fix = "Use an existing type from the provider documentation."
    bad = 'data "aws_sagemaker_endpoint" "e" {\n  name = "x"\n}'
    good = 'resource "aws_sagemaker_endpoint" "e" {\n  endpoint_config_name = "x"\n}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        checked = problems = 0
        note, _, major = _version_note(program)
        for r in program.resources:
            if r.dialect not in ("terraform", "cdktf") or not r.type.startswith("aws_"):
                continue
            checked += 1
            if schema.terraform_resource(r.type, r.mode, major if r.dialect == "terraform" else None) is None:
                problems += 1
                kind = "data source" if r.mode == "data" else "resource type"
                yield self.finding("fail", f"`{r.type}` is not a {kind} of the AWS provider{note}.", [r.location], found=r.type)
        if checked and not problems:
            yield self.finding("pass", "Every resource type exists in the provider schema.")


@register
class UnknownArgument(Check):
    id = "DEP009"
    name = "unknown-argument"
    area = "deployability"
    severity = "critical"
    description = "An argument, nested block or keyword argument the resource/construct does not accept."
    why = "terraform validate: 'An argument named ... is not expected here'; Python: TypeError unexpected keyword argument."
    fix = "Use the argument names of the pinned provider/SDK; move settings that became separate resources there."
    bad = 'resource "aws_api_gateway_deployment" "d" {\n  rest_api_id = aws_api_gateway_rest_api.a.id\n  stage_name  = "prod"\n}'
    good = 'resource "aws_api_gateway_deployment" "d" {\n  rest_api_id = aws_api_gateway_rest_api.a.id\n}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        note, pinned_elsewhere, major = _version_note(program)
        checked = problems = 0
        for r in program.resources:
            if r.synthesized_from:
                continue
            unknown, where = self._unknown(r, major, pulumi_major(program))
            if unknown is None:
                continue
            checked += 1
            for name in unknown:
                problems += 1
                option = r.dialect == "pulumi" and name in PULUMI_RESOURCE_OPTIONS  # no pulumi-aws version takes it as an argument
                pin = sdk_pin_note(program, r.source_type.split(".")[0]) if r.dialect in ("pulumi", "cdk") and not option else None
                status = "unknown" if pinned_elsewhere and r.dialect == "terraform" or pin else "fail"
                yield self.finding(status, f"`{r.type}.{r.name}` has no argument `{name}`{where}{note if r.dialect in ('terraform', 'cdktf') else ''}"
                                   + (f" ({pin})" if pin else "") + (" (a resource option: pass it in opts=ResourceOptions(...))" if option else "")
                                   + ".", [r.line_of(name.split(".")[0])], found=name)
        if checked and not problems:
            yield self.finding("pass", f"All arguments of {checked} resources exist in the schema.")

    @staticmethod
    def _unknown(r: Resource, major: int | None, pulumi: int | None = None) -> tuple[list[str] | None, str]:
        tf = _tf_spec(r, major)
        if tf is not None:
            return _unknown_args(r.attributes, tf), ""
        spec = _sdk_spec(r, pulumi)
        if spec is None:
            return None, ""
        allowed = {_folded(a) for a in spec["accepted"]} | {"opts", "resourcename", "args"}
        version = f", pulumi-aws {schema.pulumi_version(pulumi)}" if r.dialect == "pulumi" and pulumi else ""
        return [k for k in r.meta["kwargs"] if _folded(k) not in allowed and k not in ("**", "*")], f" ({r.source_type}{version})"


@register
class MissingRequiredArgument(Check):
    id = "DEP010"
    name = "missing-required-argument"
    area = "deployability"
    severity = "critical"
    description = "A required argument (or required nested block) of the resource/construct is not set."
    why = "terraform validate: 'The argument ... is required'; Python: TypeError missing required argument."
    fix = "Set the argument; see the schema of the pinned provider/SDK."
    bad = 'resource "aws_lb_target_group_attachment" "a" {\n  target_id = aws_instance.web.id\n}'
    good = 'resource "aws_lb_target_group_attachment" "a" {\n  target_group_arn = aws_lb_target_group.web.arn\n  target_id = aws_instance.web.id\n}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        note, pinned_elsewhere, major = _version_note(program)
        checked = problems = 0
        for r in program.resources:
            if r.synthesized_from:
                continue
            required, present, where = self._required(r, major, pulumi_major(program))
            if required is None:
                continue
            checked += 1
            if "__dynamic__" in str(r.attributes):
                continue  # dynamic blocks may provide what is missing
            folded = {_folded(p) for p in present}
            missing = [name for name in required if _folded(name) not in folded]
            cut = program.elided_block(r.location) if missing else None
            for name in missing:
                problems += 1
                pin = sdk_pin_note(program, r.source_type.split(".")[0]) if r.dialect in ("pulumi", "cdk") else None
                status = "unknown" if (pinned_elsewhere and r.dialect == "terraform") or cut or pin else "fail"
                hint = f"; the block leaves code out ({cut[1]} at {cut[0]}), so it may be set there" if cut else ""
                hint += f" ({pin})" if pin else ""
                yield self.finding(status, f"`{r.type}.{r.name}` is missing the required argument `{name}`{where}"
                                   + (note if r.dialect in ("terraform", "cdktf") else "") + hint + ".", [r.location], found=name)
        if checked and not problems:
            yield self.finding("pass", f"Required arguments are set on all {checked} resources checked.")

    @staticmethod
    def _required(r: Resource, major: int | None, pulumi: int | None = None) -> tuple[list[str] | None, set[str], str]:
        tf = _tf_spec(r, major)
        if tf is not None:
            return [n for n in tf.get("required", []) if n != "id"], set(r.attributes), ""
        spec = _sdk_spec(r, pulumi)
        kwargs = r.meta.get("kwargs") or []
        if spec is None or "args" in kwargs or "**" in kwargs or "*" in kwargs:
            return None, set(), ""  # positional Args objects or an unknown **dict may supply anything
        return spec.get("required", []), set(kwargs), f" ({r.source_type})"


@register
class UnknownAttributeReference(Check):
    id = "DEP011"
    name = "unknown-attribute-reference"
    area = "deployability"
    severity = "critical"
    description = "An expression reads an attribute the referenced resource type does not export."
    why = "terraform validate: 'This object has no argument, nested block, or exported attribute named ...'."
    fix = "Read an attribute the type exports (e.g. aws_api_gateway_stage.x.invoke_url, not the deployment's)."
    bad = ('resource "aws_api_gateway_deployment" "main" {\n  rest_api_id = "abc"\n}\n'
           'output "url" {\n  value = aws_api_gateway_deployment.main.invoke_url\n}')
    good = ('resource "aws_api_gateway_stage" "main" {\n  rest_api_id = "abc"\n  deployment_id = "d"\n  stage_name = "prod"\n}\n'
            'output "url" {\n  value = aws_api_gateway_stage.main.invoke_url\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        note, pinned_elsewhere, major = _version_note(program)
        types = {(scope_of(r.location.file), r.address): r for r in program.resources if r.dialect == "terraform"}
        checked = problems = 0
        seen: set[tuple[str, str]] = set()
        for ref in program.references:
            target = types.get((scope_of(ref.location.file), ref.target))
            if target is None or not ref.attr or ref.attr == "*":
                continue
            spec = schema.terraform_resource(target.type, target.mode, major)
            if spec is None:
                continue
            checked += 1
            exported = _names(spec) | set(spec.get("attrs", [])) | {"id"}
            if ref.attr not in exported and (ref.target, ref.attr) not in seen:
                seen.add((ref.target, ref.attr))
                problems += 1
                yield self.finding("unknown" if pinned_elsewhere else "fail",
                                   f"`{ref.target}.{ref.attr}`: `{target.type}` exports no attribute `{ref.attr}`{note}.",
                                   [ref.location], found=f"{ref.target}.{ref.attr}")
        if checked and not problems:
            yield self.finding("pass", "Every attribute read exists on its resource type.")


_TYPE_NAMES = {"s": "a string", "n": "a number", "b": "a bool"}
# The literals each schema type refuses in CDKTF's Python binding (checked with cdktf 0.21 and provider 21.22):
# typeguard raises TypeError for a non-str where a string is typed and for a str where a number is; jsii itself
# rejects a bool where a number is ("Value is not a number") and anything but a bool where a bool is. A float is a number.
_REFUSED = {"s": (bool, int, float), "n": (str, bool), "b": (str, int, float)}


def _refused(code: str | None, value: Any) -> bool:
    return code in _REFUSED and isinstance(value, _REFUSED[code]) and not (code == "b" and isinstance(value, bool))


def _error(code: str, value: Any) -> str:
    """What refuses the value: typeguard's TypeError, or jsii's deserializer where typeguard lets it through."""
    if code == "b" or code == "n" and isinstance(value, bool):
        return f"jsii: Value is not a {'boolean' if code == 'b' else 'number'}"
    return "TypeError"


_WRITTEN = {bool: r"(?:True|False)\b", int: r"[-+]?\d[\d_]*(?![\d_.eExXjJ])", float: r"[-+]?(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][-+]?\d+)?(?![\w.])",
            str: r"[rRbBuU]?['\"]"}


def _wrong_types(attrs: dict[str, Any], spec: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str, Any]]:
    """(argument path, schema type code, value) for each literal the argument's schema type refuses, blocks included."""
    codes = {_folded(a): c for a, c in zip(spec.get("args", []), spec.get("t", ""))}
    blocks = {_folded(b): s for b, s in spec.get("blocks", {}).items()}
    for key, value in attrs.items():
        code = codes.get(_folded(key))
        if _refused(code, value):
            yield prefix + key, code, value
        elif _folded(key) in blocks and not key.startswith("__"):
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    yield from _wrong_types(item, blocks[_folded(key)], f"{prefix}{key}.")


@register
class WrongArgumentType(Check):
    id = "DEP036"
    example = "python"
    name = "wrong-argument-type"
    area = "deployability"
    severity = "critical"
    description = ("CDKTF: a literal of the wrong primitive type for a provider argument or nested-block field: a number or "
                   "bool where the provider's schema has a string (`LbTargetGroup(deregistration_delay=30)`), a string or "
                   "bool where it has a number, anything but a bool where it has a bool.")
    why = ("The provider's Python classes are typed from the Terraform schema and checked at call time: "
           "`TypeError: type of argument deregistration_delay must be one of (str, NoneType); got int instead` "
           "(or jsii's RuntimeError `Value is not a number` / `Value is not a boolean`) before anything is synthesized. "
           "HCL converts such values; the typed binding does not. Pulumi (untyped at run time) is not checked.")
    fix = "Write the value in the schema's type (`deregistration_delay=\"30\"`, `port=80`, `enabled=True`)."
    bad = ("from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup\n"
           "LbTargetGroup(self, \"tg\", port=80, protocol=\"HTTP\", deregistration_delay=30)")
    good = ("from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup\n"
            "LbTargetGroup(self, \"tg\", port=80, protocol=\"HTTP\", deregistration_delay=\"30\")")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        texts = {f.path: f.text.splitlines() for f in program.files}
        note = f" (hashicorp/aws {schema.terraform_version()}, cdktf-cdktf-provider-aws {schema.cdktf_provider_version()})"
        pin = sdk_pin_note(program, "cdktf_cdktf_provider_aws")  # types differ between provider majors
        checked = problems = 0
        for r in program.resources:
            spec = _tf_spec(r, None) if r.dialect == "cdktf" and not r.synthesized_from else None
            if spec is None or "t" not in spec:
                continue
            checked += 1
            lines = texts.get(r.location.file, [])
            span = "\n".join(lines[r.location.line - 1: program.spans.get(r.location, r.location.line)])
            for name, code, value in _wrong_types(r.attributes, spec):
                field = name.rsplit(".", 1)[-1]
                written = _WRITTEN[type(value)]
                if not re.search(rf"(?:\b{re.escape(field)}\s*=|[\"']{re.escape(field)}[\"']\s*:)\s*{written}", span):
                    continue  # the value reached the argument through a name: the binding may be another one
                problems += 1
                shown = repr(value) if not isinstance(value, str) else f'"{value[:40]}"'
                yield self.finding("unknown" if pin else "fail",
                                   f"`{r.type}.{r.name}`: `{name}` is {_TYPE_NAMES[code]} in the provider schema{note}, "
                                   f"so the {type(value).__name__} `{shown}` is refused at synth ({_error(code, value)})"
                                   + (f" ({pin})" if pin else "") + ".",
                                   [r.line_of(name.split(".")[0])], found=name)
        if checked and not problems:
            yield self.finding("pass", f"Literal argument values of {checked} CDKTF resources have their schema types.")
