"""Values AWS rejects: managed policies that do not exist, values outside a service's enum, S3 transitions
before a storage class's minimum, duplicate NACL rule numbers, HCL's non-escape `\\${`, hosted zones for
reserved documentation domains, Lambda environment variables with reserved keys, RDS engine versions
RDS no longer offers, Lambda runtimes AWS no longer creates and filtered replication rules without delete-marker
replication.

The managed policy names and enums come from grader/schema/aws_values.json (built by
tools/build_aws_values.py from iam-floyd and cfn-lint; the file says which versions). Only literal
values are judged, and values reached through variable defaults, the shipped tfvars and locals (the values
the answer deploys with, named as such in the message); a reference or a loop value is never claimed.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

from ..ir import Expr, Location, Program, Resource, as_text, scope_of
from ..resolve import NOT_PASSED, module_input, resolve
from .base import Check, Context, Finding, register, value_claim
from .baseline import managed_policy_names
from .values import rule_blocks


@lru_cache(maxsize=1)
def aws_values() -> dict[str, Any]:
    return json.loads(resources.files("grader.schema").joinpath("aws_values.json").read_text())


def _at(value: Any, path: tuple[str, ...]) -> Iterator[Any]:
    """Values at a nested path; HCL blocks are lists of dicts, Python structs dicts (Pulumi pluralises lists)."""
    if not path:
        yield value
        return
    for block in value if isinstance(value, list) else [value]:
        if not isinstance(block, dict) or "__dynamic__" in block:
            continue
        for key in (path[0], path[0] + "s"):
            if key in block:
                yield from _at(block[key], path[1:])


_JUDGED = ("terraform", "pulumi", "cdktf")  # Terraform-typed attributes; CDK's L2 enums are typed classes


@register
class UnknownManagedPolicy(Check):
    id = "VAL001"
    name = "unknown-managed-policy"
    area = "deployability"
    severity = "high"
    description = "An AWS managed policy ARN (or CDK from_aws_managed_policy_name) names a policy AWS does not publish."
    why = "Attaching it fails with NoSuchEntity; a wrong path (`AWSLambdaBasicExecutionRole` without `service-role/`) fails the same way."
    fix = "Use the exact name and path AWS publishes (the message suggests one when only the path is wrong)."
    bad = ('resource "aws_iam_role_policy_attachment" "config" {\n  role       = "config"\n'
           '  policy_arn = "arn:aws:iam::aws:policy/service-role/ConfigRole"\n}')
    good = bad.replace("service-role/ConfigRole", "service-role/AWS_ConfigRole")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        known = set(aws_values()["managed_policies"])
        by_base: dict[str, list[str]] = defaultdict(list)
        for name in known:
            by_base[name.rsplit("/", 1)[-1].lower()].append(name)
        checked = flagged = 0
        seen: set[tuple[str, str]] = set()
        for r, key, name in managed_policy_names(program):
            checked += 1
            if name in known or (r.address, name) in seen:
                continue
            seen.add((r.address, name))
            flagged += 1
            near = by_base.get(name.rsplit("/", 1)[-1].lower(), [])
            hint = f"; the policy is `{near[0]}`" if near else ""
            yield self.finding("fail", f"`{r.address}` attaches the AWS managed policy `{name}`, which AWS does not publish "
                               f"(no such policy, or one deprecated for new attachments){hint}.",
                               [r.line_of(key) if key != "calls" else r.location], found=name)
        if checked and not flagged:
            yield self.finding("pass", "Every AWS managed policy named exists.")


@register
class ValueOutsideEnum(Check):
    id = "VAL002"
    name = "value-outside-enum"
    area = "deployability"
    severity = "high"
    description = ("A value outside the service's allowed set: log retention days, Config delivery frequency, alarm "
                   "comparison operator / statistic / missing-data treatment, lifecycle storage class, flow log "
                   "aggregation interval (60 or 600 seconds), RDS log exports (`enabled_cloudwatch_logs_exports` / CDK "
                   "`cloudwatch_logs_exports`) that are no log type, or that the engine written does not export "
                   "(`postgresql` on MySQL, `slowquery` on PostgreSQL).")
    why = "The provider or the API rejects it at plan or apply."
    fix = "Use one of the allowed values the message lists."
    bad = ('resource "aws_config_delivery_channel" "main" {\n  s3_bucket_name = "config"\n'
           '  snapshot_delivery_properties {\n    delivery_frequency = "Daily"\n  }\n}')
    good = bad.replace('"Daily"', '"TwentyFour_Hours"')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        enums = aws_values()["enums"]
        checked = flagged = 0
        for checked_here, finding in self._log_exports(program):
            checked += checked_here
            if finding is not None:
                flagged += 1
                yield finding
        for r in program.managed():
            if r.dialect not in _JUDGED or r.type not in enums:
                continue
            for dotted, allowed in enums[r.type].items():
                for value in _at(r.attributes, tuple(dotted.split("."))):
                    if isinstance(value, (Expr, dict, list)) or value is None or isinstance(value, bool):
                        continue
                    checked += 1
                    if value in allowed or (isinstance(value, str) and value.strip().lstrip("-").isdigit() and int(value) in allowed):
                        continue
                    flagged += 1
                    shown = ", ".join(str(a) for a in allowed[:12]) + (", ..." if len(allowed) > 12 else "")
                    yield self.finding("fail", f"`{r.address}`: `{dotted.rsplit('.', 1)[-1]} = {value}` is not an allowed value "
                                       f"({shown}).", [r.line_of(dotted.split(".")[0])], found=str(value))
        if checked and not flagged:
            yield self.finding("pass", "Enumerated values are all allowed.")


    def _log_exports(self, program: Program) -> Iterator[tuple[int, Finding | None]]:
        """(items checked, a finding or None) for the RDS log types a database exports to CloudWatch Logs."""
        for r in program.of_type(*LOG_EXPORTS):
            exports, literal = _resolved(r, r.attributes.get("enabled_cloudwatch_logs_exports"), program)
            if not isinstance(exports, list):
                continue
            engine = _engine_family(r, program)
            items = [i for i in exports if isinstance(i, str)]
            invalid = [i for i in items if i not in LOG_EXPORTS[r.type]]
            unsupported = [i for i in items if i not in invalid and engine and i not in ENGINE_LOG_EXPORTS[engine]]
            yield len(items), None
            if not invalid and not unsupported:
                continue
            status, qualifier = _claim(r, literal)
            if invalid:
                message = (f"`{r.address}` exports the log type{'s' if len(invalid) > 1 else ''} "
                           f"{', '.join(f'`{i}`' for i in invalid)}, which RDS does not know (allowed: "
                           f"{', '.join(LOG_EXPORTS[r.type])}){qualifier}.")
            else:
                message = (f"`{r.address}` exports {', '.join(f'`{i}`' for i in unsupported)}, which the {engine} engine does "
                           f"not produce (it exports {', '.join(sorted(ENGINE_LOG_EXPORTS[engine]))}); RDS rejects the "
                           f"combination{qualifier}.")
            yield 0, self.finding(status, message, [r.line_of("enabled_cloudwatch_logs_exports")], found=(invalid or unsupported)[0])


# Log types the AWS provider accepts (internal/service/rds/consts.go, instance/clusterExportableLogType_Values).
LOG_EXPORTS = {
    "aws_db_instance": ("agent", "alert", "audit", "diag.log", "error", "general", "iam-db-auth-error", "listener",
                        "notify.log", "oemagent", "postgresql", "slowquery", "trace", "upgrade"),
    "aws_rds_cluster": ("audit", "error", "general", "iam-db-auth-error", "instance", "postgresql", "slowquery", "upgrade"),
}
# The log types each engine family publishes (RDS and Aurora user guides, "Publishing database logs to CloudWatch
# Logs"); generous where unsure, since an engine outside this table, or one not written literally, is not judged.
_MYSQL_LOGS = frozenset({"audit", "error", "general", "slowquery", "iam-db-auth-error"})
ENGINE_LOG_EXPORTS = {
    "mysql": _MYSQL_LOGS, "mariadb": _MYSQL_LOGS,
    "postgres": frozenset({"postgresql", "upgrade", "iam-db-auth-error"}),
    "aurora-mysql": _MYSQL_LOGS | {"instance"},
    "aurora-postgresql": frozenset({"postgresql", "upgrade", "iam-db-auth-error", "instance"}),
    "oracle": frozenset({"alert", "audit", "listener", "trace", "oemagent"}),
    "sqlserver": frozenset({"agent", "error"}),
    "db2": frozenset({"diag.log", "notify.log"}),
}
# CDK engines are objects: `rds.DatabaseInstanceEngine.postgres(...)`, `rds.DatabaseClusterEngine.aurora_mysql(...)`.
_CDK_ENGINE = re.compile(r"\b(?:DatabaseInstanceEngine|DatabaseClusterEngine)\.(\w+)")
_CDK_ENGINES = (("aurora_postgres", "aurora-postgresql"), ("aurora_mysql", "aurora-mysql"), ("aurora", "aurora-mysql"),
                ("mysql", "mysql"), ("mariadb", "mariadb"), ("postgres", "postgres"), ("oracle", "oracle"),
                ("sql_server", "sqlserver"))


def _engine_family(r: Resource, program: Program) -> str | None:
    """The engine family of a database when it is written literally (for Terraform types, resolved), else None."""
    engine = r.attributes.get("engine")
    if r.dialect == "cdk":
        m = _CDK_ENGINE.search(engine.text) if isinstance(engine, Expr) else None
        name = m.group(1).lower() if m else ""
        return next((family for prefix, family in _CDK_ENGINES if name == prefix or name.startswith(prefix + "_")), None)
    engine, literal = _resolved(r, engine, program)
    if not literal or not isinstance(engine, str):
        return None
    engine = engine.strip().lower()
    if engine in ENGINE_LOG_EXPORTS or engine == "aurora":
        return "aurora-mysql" if engine == "aurora" else engine
    return next((f for f in ("oracle", "sqlserver", "db2") if engine.startswith(f + "-")), None)


# CDK engine versions are typed constants: `rds.PostgresEngineVersion.VER_15_4`, `AuroraMysqlEngineVersion.VER_3_04_0`.
_CDK_VERSION = re.compile(r"\b(Postgres|Mysql|MariaDb|AuroraPostgres|AuroraMysql)EngineVersion\.(?:VER_([0-9_]+)\b|of\(\s*['\"]([^'\"]+))")
_CDK_VERSION_ENGINE = {"Postgres": "postgres", "Mysql": "mysql", "MariaDb": "mariadb",
                       "AuroraPostgres": "aurora-postgresql", "AuroraMysql": "aurora-mysql"}
_AURORA_MYSQL_MAJOR = {"2": "5.7", "3": "8.0"}  # Aurora MySQL 2.x is MySQL 5.7 compatible, 3.x MySQL 8.0


def _engine_version(r: Resource, program: Program) -> tuple[str, str, bool] | None:
    """(engine, version, written as a literal) for a database whose engine and version are both known."""
    if r.dialect == "cdk":
        m = _CDK_VERSION.search(as_text(r.attributes.get("engine")))
        if not m:
            return None
        engine = _CDK_VERSION_ENGINE[m.group(1)]
        version = m.group(3) or m.group(2).replace("_", ".")
        if engine == "aurora-mysql" and m.group(2) and version.split(".")[0] in _AURORA_MYSQL_MAJOR:
            version = f"{_AURORA_MYSQL_MAJOR[version.split('.')[0]]}.mysql_aurora.{version}"
        return engine, version, True
    engine, engine_literal = _resolved(r, r.attributes.get("engine"), program)
    version, version_literal = _resolved(r, r.attributes.get("engine_version"), program)
    if isinstance(engine, Expr) and re.search(r"EngineType\.\w+$", engine.text):  # Pulumi's aws.rds.EngineType.AURORA_POSTGRESQL
        engine, engine_literal = engine.text.rsplit(".", 1)[1].lower().replace("_", "-"), True
    if not isinstance(engine, str) or not isinstance(version, (str, int, float)) or isinstance(version, bool):
        return None
    return engine.strip().lower(), str(version).strip(), engine_literal and version_literal


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.]", version))


@register
class UnavailableEngineVersion(Check):
    id = "VAL009"
    name = "unavailable-engine-version"
    area = "deployability"
    severity = "high"
    description = ("An RDS or Aurora database asks for an engine version RDS no longer uses to create databases "
                   "(deprecated), or one it never offered (a minor version between those it lists).")
    why = ("Creating the database fails (\"Cannot find version 15.4 for postgres\"); RDS retires minor versions, and "
           "models often write the ones current in their training data. A deprecated version is reported at medium "
           "severity, not as a blocker: the list is a snapshot (cfn-lint's, see grader/schema/aws_values.json), so an answer "
           "graded after it was written may have named a version that was current then. A version RDS never offered is high.")
    fix = "Name a supported minor version, or only the major version (`15`, `8.0`) and let RDS choose the default minor."
    bad = 'resource "aws_db_instance" "db" {\n  engine         = "postgres"\n  engine_version = "15.4"\n}'
    good = bad.replace('"15.4"', '"15"')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        data = aws_values().get("engine_versions", {})
        source = aws_values()["sources"].get("cfn-lint", "?")
        checked = flagged = 0
        for r in program.managed():
            table = data.get(r.type)
            found = _engine_version(r, program) if table else None
            if not found or found[0] not in table:
                continue
            engine, version, literal = found
            known, deprecated = table[engine].get("known", []), set(table[engine].get("deprecated", []))
            if any(k.startswith(version + ".") for k in known):
                continue  # a major version ("15", "8.0"): RDS picks its default minor
            checked += 1
            line = [r.line_of("engine_version" if "engine_version" in r.attributes else "engine")]
            status, qualifier = _claim(r, literal)
            if version in deprecated:
                flagged += 1
                yield self.finding(status, f"`{r.address}`: {engine} `{version}` is deprecated (cfn-lint {source}'s RDS data); "
                                   f"RDS no longer creates databases with it{qualifier}.", line, severity="medium", found=version)
            elif version not in known:
                major = [k for k in known if k.split(".")[0] == version.split(".")[0] and re.fullmatch(r"[\d.]+", k)]
                if re.fullmatch(r"[\d.]+", version) and major and _version_key(version) < max(map(_version_key, major)):
                    flagged += 1
                    yield self.finding(status, f"`{r.address}`: {engine} `{version}` is not a version RDS offers (it lists "
                                       f"{', '.join(sorted(major, key=_version_key)[-4:])}, ...){qualifier}.", line, found=version)
        if checked and not flagged:
            yield self.finding("pass", "Database engine versions are ones RDS offers.")


# CDK runtimes are constants: `lambda_.Runtime.NODEJS_14_X`, `Runtime.PYTHON_3_7`, `Runtime.GO_1_X`, `Runtime.DOTNET_CORE_3_1`.
_CDK_RUNTIME = re.compile(r"\bRuntime\.([A-Z][A-Z0-9_]*)\b")


def _runtime_name(r: Resource, program: Program) -> str | None:
    value = r.attributes.get("runtime")
    if r.dialect == "cdk" and not isinstance(value, str):  # the front end maps the runtimes it knows to their names
        m = _CDK_RUNTIME.search(as_text(value))
        if not m:
            return None
        const = m.group(1).lower()
        for prefix, name in (("nodejs_", "nodejs"), ("python_", "python"), ("ruby_", "ruby"), ("java_", "java"),
                             ("dotnet_core_", "dotnetcore"), ("dotnet_", "dotnet"), ("go_", "go")):
            if const.startswith(prefix):
                return name + const[len(prefix):].replace("_", ".")
        return const.replace("_", ".")
    value, literal = _resolved(r, value, program)
    return value.strip() if literal and isinstance(value, str) else None


@register
class RuntimeCreateBlocked(Check):
    id = "VAL010"
    name = "lambda-runtime-create-blocked"
    area = "deployability"
    severity = "high"
    description = ("A Lambda function uses a runtime AWS no longer lets anyone create functions with (nodejs14.x, python3.7, "
                   "go1.x, ...), by the dates in cfn-lint's runtime lifecycle data, judged as of the data file's date.")
    why = ("CreateFunction fails (\"The runtime parameter of nodejs14.x is no longer supported for creating or updating AWS "
           "Lambda functions\"). The date compared is the one in grader/schema/aws_values.json, never the clock, so a grade does "
           "not change by itself; rebuilding the data moves it.")
    fix = "Use a supported runtime (the message names the successor AWS recommends)."
    bad = 'resource "aws_lambda_function" "f" {\n  runtime = "nodejs14.x"\n}'
    good = bad.replace("nodejs14.x", "nodejs20.x")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        lifecycle, as_of = aws_values().get("lambda_runtimes", {}), aws_values().get("as_of", "")
        checked = flagged = 0
        for r in program.of_type("aws_lambda_function"):
            runtime = _runtime_name(r, program)
            if runtime is None or runtime not in lifecycle:
                continue
            checked += 1
            dates = lifecycle[runtime]
            if dates.get("create_block") and dates["create_block"] <= as_of:
                flagged += 1
                instead = f"; AWS names {dates['successor']} as its successor" if dates.get("successor") else ""
                yield self.finding("fail", f"`{r.address}` uses `{runtime}`: deprecated {dates['deprecated']}, and AWS blocks creating "
                                   f"functions with it since {dates['create_block']} (as of {as_of}){instead}.",
                                   [r.line_of("runtime")], found=runtime)
        if checked and not flagged:
            yield self.finding("pass", f"Lambda runtimes can be created (as of {as_of}).")


# S3 rejects a replication rule with a `filter` (the V2 schema) that leaves out `delete_marker_replication`.
@register
class ReplicationFilterWithoutDeleteMarker(Check):
    id = "VAL011"
    name = "replication-filter-without-delete-marker"
    area = "deployability"
    severity = "high"
    description = ("An S3 replication rule with a `filter` block and no `delete_marker_replication` "
                   "(`aws_s3_bucket_replication_configuration`, Terraform, CDKTF and Pulumi).")
    why = ("A rule with a filter uses the V2 replication schema, where S3 requires DeleteMarkerReplication: PutBucketReplication "
           "fails with \"DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema\".")
    fix = "Add `delete_marker_replication { status = \"Enabled\" }` (or \"Disabled\") to every rule that has a filter."
    bad = ('resource "aws_s3_bucket_replication_configuration" "r" {\n  role = "r"\n  bucket = "b"\n  rule {\n    status = "Enabled"\n'
           '    filter {}\n    destination {\n      bucket = "arn:aws:s3:::d"\n    }\n  }\n}')
    good = bad.replace("    filter {}\n", "    filter {}\n    delete_marker_replication {\n      status = \"Enabled\"\n    }\n")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        checked = flagged = 0
        for r in program.of_type("aws_s3_bucket_replication_configuration"):
            if r.dialect not in _JUDGED:
                continue
            for rule, name in rule_blocks(r):
                if "filter" not in rule:
                    continue
                checked += 1
                if "delete_marker_replication" not in rule:
                    flagged += 1
                    yield self.finding("fail", f"`{r.address}` rule `{name}` has a `filter` but no `delete_marker_replication`; S3 "
                                       "rejects the replication configuration.", [r.line_of("rule" if "rule" in r.attributes else "rules")],
                                       found=name)
        if checked and not flagged:
            yield self.finding("pass", "Every filtered replication rule says how delete markers replicate.")


# S3 refuses transitions to these classes before an object (or noncurrent version) is this many days old.
TRANSITION_MINIMUM_DAYS = {"STANDARD_IA": 30, "ONEZONE_IA": 30}
_LIFECYCLE = {
    "aws_s3_bucket_lifecycle_configuration": ("rule",),
    "aws_s3_bucket": ("lifecycle_rule",),
}


@register
class TransitionTooEarly(Check):
    id = "VAL003"
    name = "transition-before-minimum"
    area = "deployability"
    severity = "high"
    description = "An S3 lifecycle transition to STANDARD_IA or ONEZONE_IA after fewer than 30 days."
    why = "S3 rejects the lifecycle configuration: 'Days' in Transition action must be greater than or equal to 30 for that class."
    fix = "Transition to STANDARD_IA/ONEZONE_IA at 30 days or later (or use INTELLIGENT_TIERING/GLACIER_IR, which have no minimum)."
    bad = ('resource "aws_s3_bucket_lifecycle_configuration" "l" {\n  bucket = "b"\n  rule {\n    id     = "tier"\n'
           '    status = "Enabled"\n    transition {\n      days          = 7\n      storage_class = "STANDARD_IA"\n    }\n  }\n}')
    good = bad.replace("days          = 7", "days          = 30")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        checked = flagged = 0
        for r in program.managed():
            if r.dialect not in _JUDGED or r.type not in _LIFECYCLE:
                continue
            for rule in _at(r.attributes, _LIFECYCLE[r.type]):
                for kind, days_key in (("transition", "days"), ("noncurrent_version_transition", "noncurrent_days")):
                    for block in _at(rule, (kind,)):
                        for t in block if isinstance(block, list) else [block]:
                            if not isinstance(t, dict):
                                continue
                            cls, days = t.get("storage_class"), t.get(days_key, t.get("days"))
                            if not isinstance(cls, str) or isinstance(days, bool) or not isinstance(days, int):
                                continue
                            checked += 1
                            minimum = TRANSITION_MINIMUM_DAYS.get(cls)
                            if minimum is None or days >= minimum:
                                continue
                            flagged += 1
                            yield self.finding("fail", f"`{r.address}` moves objects to {cls} after {days} days "
                                               f"({kind.replace('_', ' ')}); S3 requires at least {minimum} and rejects the "
                                               "lifecycle configuration.", [r.line_of(_LIFECYCLE[r.type][0])], found=f"{cls} {days}")
        if checked and not flagged:
            yield self.finding("pass", "Lifecycle transitions respect the storage classes' minimum days.")


@register
class DuplicateNaclRule(Check):
    id = "VAL004"
    name = "duplicate-nacl-rule-number"
    area = "deployability"
    severity = "high"
    description = "Two entries of one network ACL, in the same direction, share a rule number."
    why = "Rule numbers are unique per direction: the second entry fails with NetworkAclEntryAlreadyExists."
    fix = "Give every ingress (and every egress) entry its own rule number."
    bad = ('resource "aws_network_acl" "a" {\n  vpc_id = "v"\n  ingress {\n    rule_no = 100\n    protocol = "tcp"\n'
           '    action = "allow"\n    cidr_block = "10.0.0.0/16"\n    from_port = 443\n    to_port = 443\n  }\n'
           '  ingress {\n    rule_no = 100\n    protocol = "tcp"\n    action = "allow"\n    cidr_block = "10.0.0.0/16"\n'
           '    from_port = 80\n    to_port = 80\n  }\n}')
    good = bad.replace("rule_no = 100\n    protocol = \"tcp\"\n    action = \"allow\"\n    cidr_block = \"10.0.0.0/16\"\n"
                       "    from_port = 80", "rule_no = 110\n    protocol = \"tcp\"\n    action = \"allow\"\n"
                       "    cidr_block = \"10.0.0.0/16\"\n    from_port = 80")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        entries: dict[tuple[str, str, int], list[Location]] = defaultdict(list)
        for r in program.managed():
            if r.type == "aws_network_acl" and r.dialect in _JUDGED:
                for direction in ("ingress", "egress"):
                    blocks = r.attributes.get(direction)
                    for b in blocks if isinstance(blocks, list) else []:
                        number = b.get("rule_no") if isinstance(b, dict) and "__dynamic__" not in b else None
                        if isinstance(number, int) and not isinstance(number, bool):
                            entries[(r.address, direction, number)].append(r.line_of(direction))
            acl, egress, number = self._entry(r)
            if acl and number is not None and egress is not None and r.count == 1 and not r.meta.get("for_each"):
                entries[(acl, "egress" if egress else "ingress", number)].append(r.location)
        # Python names resources after variables: two ACLs bound to one variable name share an address, so skip those.
        shared = {a for a, n in Counter(r.address for r in program.resources).items() if n > 1}
        checked = flagged = 0
        for (acl, direction, number), where in sorted(entries.items(), key=lambda e: (e[0][0], e[0][1], e[0][2])):
            checked += 1
            if len(where) > 1 and acl not in shared:
                flagged += 1
                yield self.finding("fail", f"Network ACL `{acl}` has {len(where)} {direction} entries numbered {number}: "
                                   "the second is refused (NetworkAclEntryAlreadyExists).", where[:3], found=str(number))
        if checked and not flagged:
            yield self.finding("pass", "Network ACL rule numbers are unique per direction.")

    @staticmethod
    def _entry(r: Resource) -> tuple[str | None, bool | None, int | None]:
        """(the ACL it belongs to, egress?, rule number) of a standalone entry, when all are literal or plain references."""
        a = r.attributes
        if r.type == "aws_network_acl_rule" and r.dialect in _JUDGED:
            acl = a.get("network_acl_id")
            refs = acl.refs if isinstance(acl, Expr) else ()
            egress = a.get("egress", False)
            number = a.get("rule_number")
            if len(refs) == 1 and isinstance(egress, bool) and isinstance(number, int) and not isinstance(number, bool):
                return refs[0], egress, number
        if r.dialect == "cdk" and r.source_type.endswith("ec2.NetworkAclEntry"):
            acl, number, direction = a.get("network_acl"), a.get("rule_number"), a.get("direction")
            if isinstance(acl, Expr) and isinstance(number, int) and not isinstance(number, bool) and (
                    direction is None or isinstance(direction, Expr)):
                egress = direction is not None and direction.text.endswith("EGRESS")
                return acl.text, egress, number
        return None, None, None


_ESCAPED_INTERP = re.compile(r"\\\$\{")
_HEREDOC = re.compile(r"<<-?\s*([A-Za-z_]\w*)\s*$")


@register
class EscapedInterpolation(Check):
    id = "VAL005"
    name = "invalid-escape-dollar"
    area = "deployability"
    severity = "high"
    description = "An HCL quoted string writes `\\${...}`: `\\$` is not an HCL escape sequence."
    why = "terraform rejects the file (Invalid escape sequence); `\\${` was meant either as an interpolation or as a literal `$${`."
    fix = "Write `${var.x}` to interpolate, or `$${` for a literal `${`."
    bad = 'resource "aws_s3_bucket" "b" {\n  bucket = "logs-\\${var.environment}"\n}'
    good = 'resource "aws_s3_bucket" "b" {\n  bucket = "logs-${var.environment}"\n}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        checked = flagged = 0
        for f in program.files:
            if f.language != "hcl" or not f.path.endswith(".tf"):
                continue
            checked += 1
            heredoc: str | None = None
            for number, line in enumerate(f.text.splitlines(), 1):
                if heredoc is not None:
                    if line.strip() == heredoc:
                        heredoc = None
                    continue  # heredocs do not process backslash escapes
                code = line.lstrip()
                if code.startswith(("#", "//")):
                    continue
                m = _ESCAPED_INTERP.search(line)
                if m and line[:m.start()].count('"') % 2 == 1:
                    flagged += 1
                    yield self.finding("fail", f"{f.path}:{number} writes `\\${{` inside a quoted string; `\\$` is not an HCL "
                                       "escape, so terraform rejects the file (Invalid escape sequence).",
                                       [Location(f.path, number)], found=line.strip()[:60])
                h = _HEREDOC.search(line)
                if h:
                    heredoc = h.group(1)
        if checked and not flagged:
            yield self.finding("pass", "No `\\${` escapes in HCL strings.")


def _resolved(r: Resource, value: Any, program: Program) -> tuple[Any, bool]:
    """(the value, resolved where it can be; whether it was written as a literal, here or as the literal every module
    block calling this folder passes for the variable)."""
    if not isinstance(value, Expr):
        return value, True
    scope = scope_of(r.location.file)
    m = re.fullmatch(r"var\.([\w-]+)", value.text.strip())
    if m and scope and m.group(1) not in program.tfvars:
        passed = module_input(program, scope, m.group(1), written=True)
        if passed is not NOT_PASSED and not isinstance(passed, Expr):
            return passed, True
    return resolve(value, program, scope), False


def _claim(r: Resource, literal: bool) -> tuple[str, str]:
    """(status, qualifier) for a value on `r` (see value_claim)."""
    return value_claim(literal, r.count is not None)


# Route 53 refuses to create hosted zones for the IANA documentation domains (RFC 2606) and their subdomains.
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")


@register
class ReservedDomainZone(Check):
    id = "VAL006"
    name = "reserved-domain-hosted-zone"
    area = "deployability"
    severity = "high"
    description = "A public Route 53 hosted zone for example.com, example.net, example.org or a subdomain of them."
    why = "Route 53 refuses the zone: InvalidDomainName (the domain is reserved by AWS)."
    fix = "Take the domain name from a variable with no placeholder default, or use a domain you own."
    bad = 'resource "aws_route53_zone" "main" {\n  name = "app.example.com"\n}'
    good = 'variable "domain_name" {\n  type = string\n}\nresource "aws_route53_zone" "main" {\n  name = var.domain_name\n}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        checked = flagged = 0
        for r in program.of_type("aws_route53_zone"):
            if "vpc" in r.attributes or "vpcs" in r.attributes or r.count == 0:
                continue  # a private zone: not judged
            name, literal = _resolved(r, r.attributes.get("name"), program)
            if not isinstance(name, str) or "${" in name:
                continue
            checked += 1
            domain = name.strip().rstrip(".").lower()
            reserved = next((d for d in RESERVED_DOMAINS if domain == d or domain.endswith("." + d)), None)
            if reserved is None:
                continue
            flagged += 1
            status, qualifier = _claim(r, literal)
            if domain in (ctx.prompt or "").lower():  # the prompt wins: it gave this domain
                status, qualifier = "unknown", " (not judged: the prompt gives this domain)"
            yield self.finding(status, f"`{r.address}` creates a hosted zone for `{name}`; {reserved} is reserved, so "
                               f"Route 53 refuses it (InvalidDomainName){qualifier}.", [r.line_of("name")], found=name)
        if checked and not flagged:
            yield self.finding("pass", "No hosted zone is for a reserved documentation domain.")


# Keys Lambda sets itself and refuses in a function's configuration ("Reserved keys used in this request"),
# from the Lambda developer guide's list of reserved environment variables.
RESERVED_LAMBDA_KEYS = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
})


@register
class ReservedLambdaEnvironment(Check):
    id = "VAL007"
    name = "reserved-lambda-environment-key"
    area = "deployability"
    severity = "high"
    description = "A Lambda function sets an environment variable whose key Lambda reserves (AWS_REGION, AWS_LAMBDA_*, _HANDLER, ...)."
    why = "Lambda rejects the function: InvalidParameterValueException, reserved keys used in this request."
    fix = "Drop the key (the runtime already sets it) or use another name, such as APP_REGION."
    bad = ('resource "aws_lambda_function" "f" {\n  function_name = "f"\n  role = "arn:aws:iam::111122223333:role/r"\n'
           '  environment {\n    variables = {\n      AWS_REGION = "us-east-1"\n    }\n  }\n}')
    good = bad.replace("AWS_REGION =", "APP_REGION =")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        checked = flagged = 0
        for r in program.of_type("aws_lambda_function"):
            if r.count == 0:
                continue
            path = ("environment",) if r.dialect == "cdk" else ("environment", "variables")
            for variables in _at(r.attributes, path):
                variables, literal = _resolved(r, variables, program)
                if not isinstance(variables, dict):
                    continue
                checked += 1
                reserved = sorted(k for k in variables if isinstance(k, str) and k in RESERVED_LAMBDA_KEYS)
                if not reserved:
                    continue
                flagged += 1
                keys = ", ".join(f"`{k}`" for k in reserved)
                status, qualifier = _claim(r, literal)
                yield self.finding(status, f"`{r.address}` sets the environment variable{'s' if len(reserved) > 1 else ''} "
                                   f"{keys}, which Lambda reserves: the function is rejected (reserved keys used){qualifier}.",
                                   [r.line_of("environment")], found=reserved[0])
        if checked and not flagged:
            yield self.finding("pass", "No Lambda environment variable uses a reserved key.")


@register
class DuplicateWafPriority(Check):
    id = "VAL008"
    name = "duplicate-waf-rule-priority"
    area = "deployability"
    severity = "high"
    description = "Two rules of one WAFv2 web ACL (or rule group) share a priority."
    why = "WAF evaluates rules by priority and requires each to be unique: creating the web ACL fails (WAFInvalidParameterException)."
    fix = "Give every rule of the web ACL its own priority (0, 1, 2, ...)."
    bad = ('resource "aws_wafv2_web_acl" "w" {\n  scope = "REGIONAL"\n  rule {\n    name = "rate"\n    priority = 1\n  }\n'
           '  rule {\n    name = "sqli"\n    priority = 1\n  }\n}')
    good = bad.replace('name = "sqli"\n    priority = 1', 'name = "sqli"\n    priority = 2')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        checked = flagged = 0
        for r in program.of_type("aws_wafv2_web_acl", "aws_wafv2_rule_group"):
            rules = r.attributes.get("rule", r.attributes.get("rules"))
            if not isinstance(rules, list) or not all(isinstance(b, dict) and "__dynamic__" not in b for b in rules):
                continue  # rules built in a loop or a dynamic block: priorities not known
            priorities = [b.get("priority") for b in rules]
            if not all(isinstance(p, int) and not isinstance(p, bool) for p in priorities):
                continue
            checked += 1
            repeated = sorted(p for p, n in Counter(priorities).items() if n > 1)
            if repeated and r.count == 1:
                flagged += 1
                names = [str(b.get("name")) for b in rules if b.get("priority") == repeated[0]]
                yield self.finding("fail", f"`{r.address}` gives priority {repeated[0]} to {len(names)} rules ({', '.join(names[:3])}): "
                                   "WAF refuses a web ACL whose rule priorities repeat.", [r.line_of("rule" if "rule" in r.attributes else "rules")],
                                   found=str(repeated[0]))
        if checked and not flagged:
            yield self.finding("pass", "WAF rule priorities are unique within each web ACL.")


# Resources whose `id` is a name, URL or generated id, not an ARN: passing `X.id` where an argument takes an ARN
# (`web_acl_arn = aws_wafv2_web_acl.w.id`, `role_arn = aws_iam_role.r.id`) hands AWS something it cannot parse as one.
ID_IS_NOT_ARN = frozenset({
    "aws_wafv2_web_acl", "aws_wafv2_ip_set", "aws_wafv2_rule_group", "aws_iam_role", "aws_iam_user", "aws_iam_group",
    "aws_iam_instance_profile", "aws_s3_bucket", "aws_dynamodb_table", "aws_lambda_function", "aws_cloudwatch_log_group",
    "aws_sqs_queue", "aws_kinesis_stream", "aws_kms_key", "aws_vpc", "aws_subnet", "aws_security_group", "aws_instance",
    "aws_api_gateway_rest_api", "aws_apigatewayv2_api", "aws_cognito_user_pool", "aws_ecr_repository", "aws_efs_file_system",
    "aws_elasticache_replication_group", "aws_db_instance", "aws_rds_cluster", "aws_cloudfront_distribution",
    "aws_route53_zone", "aws_codebuild_project", "aws_glue_job", "aws_athena_workgroup", "aws_cloudwatch_event_bus",
})
_ARN_ARGUMENT = re.compile(r"(?:^|_)arns?$")


@register
class IdWhereArnExpected(Check):
    id = "DEP039"
    name = "id-where-arn-expected"
    area = "deployability"
    severity = "high"
    description = "An argument that takes an ARN (`*_arn`) is given the `id` of a resource whose id is a name or generated id."
    why = ("AWS validates ARNs: `web_acl_arn = aws_wafv2_web_acl.w.id` (a UUID) or `role_arn = aws_iam_role.r.id` (the role name) "
           "fails at apply with a ValidationException or 'is not a valid ARN'.")
    fix = "Pass the resource's `arn` attribute (aws_wafv2_web_acl.w.arn, aws_iam_role.r.arn)."
    bad = ('resource "aws_wafv2_web_acl" "w" {\n  scope = "REGIONAL"\n}\n'
           'resource "aws_wafv2_web_acl_association" "a" {\n  resource_arn = aws_lb.main.arn\n  web_acl_arn  = aws_wafv2_web_acl.w.id\n}')
    good = bad.replace("aws_wafv2_web_acl.w.id", "aws_wafv2_web_acl.w.arn")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        by = program.by_address()
        checked = flagged = 0
        for r in program.managed():
            if r.dialect == "cdk":
                continue  # CDK passes construct attributes (attr_arn, role_arn), not ids
            for key, value in r.attributes.items():
                if not _ARN_ARGUMENT.search(key) or not isinstance(value, Expr) or value.is_template or len(value.refs) != 1:
                    continue
                target = by.get(value.refs[0])
                if target is None or target.type not in ID_IS_NOT_ARN or target.mode != "managed":
                    continue
                checked += 1
                if value.attrs == ("id",) and re.fullmatch(r"[\w.\[\]\"'-]+\.id", value.text.strip()):
                    flagged += 1
                    yield self.finding("fail", f"`{r.address}.{key}` takes an ARN but is given `{value.text.strip()}`, the "
                                       f"{target.type} id, which is not an ARN: AWS refuses it.", [r.line_of(key)], found=key)
        if checked and not flagged:
            yield self.finding("pass", "Every ARN argument that references a resource passes its ARN.")
