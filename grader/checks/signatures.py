"""Python calls and members against the shipped SDK signatures (grader/schema/schema.json.gz `types`).

What `cdk synth`, `pulumi preview` and `cdktf synth` reject and construct-level checks do not see:
keyword arguments of nested structs and Args classes (`elbv2.HealthCheck(interval_seconds=...)`,
`MethodSettingsSettingsArgs(require_ssl_certificate=...)`), of methods called on classes or on
constructs (`asg.scale_on_cpu_utilization(cooldown_seconds=...)`, `HealthCheck.elb(grace=...)`), and
members a class does not have (`Function.metric_concurrent_executions`). Precision first: a claim is
made only when the schema knows the class (its whole base chain) and the name is absent from it;
an unknown class, a variadic signature or a `**dict` argument means no claim.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from .. import schema
from ..ir import Location, Program
from .base import Check, Context, Finding, register
from .schema_checks import pulumi_major, sdk_pin_note


def _folded(name: str) -> str:
    """jsii's snake case splits `MiB` oddly and escapes keywords (`lambda_`): compare without underscores."""
    return name.replace("_", "").lower()


def _types() -> dict:
    return schema.load()["cdk"].get("types", {})


@lru_cache(maxsize=4096)
def _struct_fields(key: str, depth: int = 0) -> frozenset[str] | None:
    entry = _types().get(key)
    if entry is None or "s" not in entry or depth > 12:
        return None
    fields = set(entry["s"])
    for parent in entry.get("b", []):
        inherited = _struct_fields(parent, depth + 1)
        if inherited is None:
            return None
        fields |= inherited
    return frozenset(fields)


@lru_cache(maxsize=4096)
def _members(key: str, depth: int = 0) -> frozenset[str] | None:
    """Every member name of a class, interface, struct or enum (inherited ones included); None if unknown."""
    entry = _types().get(key)
    if entry is None or depth > 12:
        return None
    if "e" in entry:
        return frozenset(entry["e"])
    if "s" in entry:
        return _struct_fields(key)
    if "m" not in entry:
        return None
    names = set(entry["m"])
    for base in entry.get("b", []):
        inherited = _members(base, depth + 1)
        if inherited is None:
            return None
        names |= inherited
    return frozenset(names)


def _expand(keywords: list[str] | None) -> frozenset[str] | None:
    """A signature's keyword names, a trailing struct (`@aws_autoscaling.CpuUtilizationScalingProps`) expanded."""
    if keywords is None:
        return None
    names = set()
    for name in keywords:
        if name.startswith("@"):
            fields = _struct_fields(name[1:])
            if fields is None:
                return None
            names |= fields
        else:
            names.add(name)
    return frozenset(names)


@lru_cache(maxsize=4096)
def _struct_required(key: str, depth: int = 0) -> frozenset[str] | None:
    entry = _types().get(key)
    if entry is None or "s" not in entry or depth > 12:
        return None
    required = set(entry.get("r", []))
    for parent in entry.get("b", []):
        inherited = _struct_required(parent, depth + 1)
        if inherited is None:
            return None
        required |= inherited
    return frozenset(required)


def _required(keywords: list[str] | None) -> frozenset[str]:
    """The required fields of a signature's trailing struct: jsii's Python binding makes them keyword-only
    arguments without a default, even when the struct parameter itself is optional."""
    struct = next((k for k in keywords or [] if k.startswith("@")), None)
    return (_struct_required(struct[1:]) or frozenset()) if struct else frozenset()


def _method_signature(key: str, method: str, depth: int = 0) -> list[str] | None:
    """The raw signature of `method` where the class or its nearest base defines it."""
    entry = _types().get(key)
    if entry is None or depth > 12:
        return None
    if method in entry.get("k", {}):
        return entry["k"][method]
    if method in entry.get("m", []):
        return None  # a property, or a variadic method
    for base in entry.get("b", []):
        found = _method_signature(base, method, depth + 1)
        if found is not None:
            return found
    return None


def _split(path: str) -> tuple[str, str | None] | None:
    """`aws_cdk.aws_lambda.Function.metric_x` -> ("aws_lambda.Function", "metric_x"); None when no known type."""
    parts = path.split(".")[1:]
    types = _types()
    for end in range(len(parts), 0, -1):
        key = ".".join(parts[:end])
        if key in types:
            if end < len(parts) - 1:
                return None  # `Cls.member.more`: the member's own type is not followed
            return key, parts[end] if end < len(parts) else None
    return None


def _is_construct(key: str) -> bool:
    init = _types().get(key, {}).get("i") or []
    return init[:2] == ["scope", "id"]  # constructs' props are checked by unknown-argument (DEP009)


def _unknown_keywords(keywords: tuple[str, ...], accepted: frozenset[str] | None) -> list[str]:
    if accepted is None or "**" in keywords:
        return []
    allowed = {_folded(a) for a in accepted}
    return [k for k in keywords if _folded(k) not in allowed and k != "*"]


def _signature(path: str, pulumi: int | None = None) -> tuple[str, frozenset[str] | None, frozenset[str]] | None:
    """(what is called, its accepted keywords, its required keywords) for an SDK call path the schema
    knows; None otherwise. Required keywords are those of CDK structs (Pulumi's are left to DEP010)."""
    root = path.split(".")[0]
    if root == "pulumi_aws":
        parts = path.split(".")
        if len(parts) != 3 or not parts[2].endswith("Args"):
            return None  # resource constructors: unknown-argument (DEP009)
        params = (schema.pulumi_module(parts[1], pulumi) or {}).get("args_classes", {}).get(parts[2])
        return (path, frozenset(params), frozenset()) if params is not None else None
    if root != "aws_cdk":
        return None
    split = _split(path)
    if split is None:
        return None
    key, member = split
    entry = _types()[key]
    if member is None:
        if "s" in entry:
            return key, _struct_fields(key), _struct_required(key) or frozenset()
        if "i" in entry and not _is_construct(key):
            return key, _expand(entry["i"]), _required(entry["i"])
        return None
    signature = _method_signature(key, member)
    return f"{key}.{member}", _expand(signature), _required(signature)


def _shown(called: str) -> str:
    return called.split(".", 1)[-1] if called.startswith("pulumi_aws.") else called


def _claim(program: Program, path: str) -> tuple[str, str]:
    """(status, version note) of a signature mismatch: "unknown" when the answer pins an SDK major not shipped."""
    pin = sdk_pin_note(program, path.split(".")[0])
    version = _version(path, pulumi_major(program))
    return ("unknown", f"{version}; {pin}") if pin else ("fail", version)


def _version(path: str, pulumi: int | None = None) -> str:
    return f"pulumi-aws {schema.pulumi_version(pulumi)}" if path.startswith("pulumi_aws") else f"aws-cdk-lib {schema.versions()['aws-cdk-lib']}"


@register
class UnknownKeywordArgument(Check):
    id = "DEP012"
    example = "python"
    name = "unknown-keyword-argument"
    area = "deployability"
    severity = "critical"
    description = ("A keyword argument that a nested struct, an Args class or a method of the SDK does not take "
                   "(`elbv2.HealthCheck(interval_seconds=...)`, `asg.scale_on_cpu_utilization(cooldown_seconds=...)`).")
    why = "Python: TypeError `__init__() got an unexpected keyword argument` at synth or preview, before anything deploys."
    fix = "Use the argument names of the pinned SDK (aws-cdk-lib: `interval=Duration.seconds(30)`, `cooldown=...`)."
    bad = ("from aws_cdk import Duration, aws_elasticloadbalancingv2 as elbv2\n"
           "check = elbv2.HealthCheck(path='/health', interval_seconds=30)")
    good = ("from aws_cdk import Duration, aws_elasticloadbalancingv2 as elbv2\n"
            "check = elbv2.HealthCheck(path='/health', interval=Duration.seconds(30))")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        pulumi = pulumi_major(program)  # the pulumi-aws major the answer pins, when shipped
        checked = problems = 0
        seen: set[tuple[str, str, int]] = set()
        for facts in program.python:
            for path, keywords, line in facts.sdk_uses:
                if not keywords:
                    continue
                signature = _signature(path, pulumi)
                if signature is None or signature[1] is None:
                    continue
                checked += 1
                for name in _unknown_keywords(keywords, signature[1]):
                    if (path, name, line) in seen:
                        continue
                    seen.add((path, name, line))
                    problems += 1
                    status, version = _claim(program, path)
                    yield self.finding(status, f"`{_shown(signature[0])}` takes no keyword argument `{name}` ({version}).",
                                       [Location(facts.path, line)], found=name)
        if checked and not problems:
            yield self.finding("pass", f"The keyword arguments of {checked} struct, Args and method calls exist in the SDK.")


@register
class UnknownMember(Check):
    id = "DEP013"
    example = "python"
    name = "unknown-member"
    area = "deployability"
    severity = "critical"
    description = "A member (method, property, enum value) that an aws-cdk-lib class or construct does not have."
    why = "Python: AttributeError at synth (`type object 'Function' has no attribute 'metric_concurrent_executions'`)."
    fix = "Use a member the pinned aws-cdk-lib has (`Function.metric_all_concurrent_executions()`, `fn.metric_invocations()`)."
    bad = "from aws_cdk import aws_lambda as _lambda\nmetric = _lambda.Function.metric_concurrent_executions()"
    good = "from aws_cdk import aws_lambda as _lambda\nmetric = _lambda.Function.metric_all_concurrent_executions()"

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        checked = problems = 0
        seen: set[str] = set()
        for facts in program.python:
            for path, _, line in facts.sdk_uses:
                if not path.startswith("aws_cdk.") or path in seen:
                    continue
                split = _split(path)
                if split is None or split[1] is None or split[1].startswith("_"):
                    continue
                key, member = split
                members = _members(key)
                if members is None:
                    continue
                seen.add(path)
                checked += 1
                if _folded(member) not in {_folded(m) for m in members}:
                    problems += 1
                    status, version = _claim(program, path)
                    yield self.finding(status, f"`{key}` has no member `{member}` ({version}).",
                                       [Location(facts.path, line)], found=f"{key}.{member}")
        if checked and not problems:
            yield self.finding("pass", f"All {checked} members used exist on their aws-cdk-lib classes.")


@register
class MissingKeywordArgument(Check):
    id = "DEP014"
    example = "python"
    name = "missing-keyword-argument"
    area = "deployability"
    severity = "critical"
    description = ("A required field of an aws-cdk-lib struct or of a method's options is not passed "
                   "(`apigw.AccessLogFormat.json_with_standard_fields()` without its nine flags).")
    why = "Python: TypeError `missing N required keyword-only arguments` at synth."
    fix = "Pass every required field (see the struct in the aws-cdk-lib reference for the pinned version)."
    bad = "from aws_cdk import aws_ec2 as ec2\nsubnet = ec2.SubnetConfiguration(name='app', cidr_mask=24)"
    good = ("from aws_cdk import aws_ec2 as ec2\n"
            "subnet = ec2.SubnetConfiguration(name='app', cidr_mask=24, subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        pulumi = pulumi_major(program)  # the pulumi-aws major the answer pins, when shipped
        checked = problems = 0
        for facts in program.python:
            for path, keywords, line in facts.sdk_uses:
                if keywords is None or "**" in keywords or "*" in keywords:
                    continue
                signature = _signature(path, pulumi)
                if signature is None or signature[1] is None or not signature[2]:
                    continue
                checked += 1
                given = {_folded(k) for k in keywords}
                missing = sorted(name for name in signature[2] if _folded(name) not in given)
                if missing:
                    problems += 1
                    status, version = _claim(program, path)
                    yield self.finding(status, f"`{_shown(signature[0])}` is missing the required keyword argument"
                                       f"{'s' if len(missing) > 1 else ''} {', '.join(f'`{m}`' for m in missing)} ({version}).",
                                       [Location(facts.path, line)], found=", ".join(missing))
        if checked and not problems:
            yield self.finding("pass", f"Required fields are passed in all {checked} struct and method calls checked.")


@register
class EnumFromValue(Check):
    id = "DEP016"
    example = "python"
    name = "enum-from-value"
    area = "deployability"
    severity = "critical"
    description = "An aws-cdk-lib enum built from a value (`logs.RetentionDays(7)`) that is not one of its member names."
    why = ("jsii's Python enums hold their member names as values (`RetentionDays.ONE_WEEK == 'ONE_WEEK'`): "
           "`RetentionDays(7)` raises ValueError `7 is not a valid RetentionDays` at synth.")
    fix = "Name the member (`logs.RetentionDays.ONE_WEEK`)."
    bad = "from aws_cdk import aws_logs as logs\nretention = logs.RetentionDays(7)"
    good = "from aws_cdk import aws_logs as logs\nretention = logs.RetentionDays.ONE_WEEK"

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        checked = problems = 0
        texts = {f.path: f.text for f in program.files}
        reported: set[tuple[str, str]] = set()
        for facts in program.python:
            for path, literal, line in facts.literal_calls:
                split = _split(path) if path.startswith("aws_cdk.") else None
                if split is None or split[1] is not None or "e" not in _types()[split[0]]:
                    continue
                members = _types()[split[0]]["e"]
                if literal.startswith("["):
                    values = _key_values(texts.get(facts.path, ""), literal[1:-1])
                    if not values or not all(re.fullmatch(r"-?\d+(?:\.\d+)?", v) for v in values):
                        continue  # a key that may hold a member name: no claim
                    shown = f"{split[0]}(...{literal})"
                    detail = f"every value the file gives {literal[1:-1]} is a number ({', '.join(values[:4])})"
                else:
                    if literal[:1] in "'\"" and literal.strip("'\"") in members:
                        checked += 1
                        continue
                    shown, detail = f"{split[0]}({literal})", f"{literal} is not a member name of the enum"
                checked += 1
                if (facts.path, shown) in reported:
                    continue
                reported.add((facts.path, shown))
                problems += 1
                status, version = _claim(program, path)
                yield self.finding(status, f"`{shown}`: {detail}, so synth raises ValueError ({version}).",
                                   [Location(facts.path, line)], found=literal)
        if checked and not problems:
            yield self.finding("pass", f"The {checked} enums built from a value name one of their members.")


def _key_values(text: str, key: str) -> list[str]:
    """The literal values a dict key is given in a file (`"days": 7` -> "7"), as written."""
    return [m.group(1) for m in re.finditer(rf"{re.escape(key)}\s*:\s*([^\s,}}\]#]+)", text)]
