"""AWS CDK L2 constructs -> the Terraform-style resources they synthesize.

An L2 construct hides several resources behind friendly props (`s3.Bucket(versioned=True)`
is a bucket plus a versioning configuration). Checks are written once against Terraform
shapes, so each L2 construct is expanded here into the resources and attributes that
`cdk synth` would produce. Props not listed are kept under their CDK names.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from ..ir import as_text, truthy

Expansion = list[tuple[str, dict[str, Any]]]  # (terraform type, attributes); first is primary

# (module, class) -> (terraform type, {cdk prop: terraform attribute})
SIMPLE: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("aws_ec2", "SecurityGroup"): ("aws_security_group", {"security_group_name": "name"}),
    ("aws_ec2", "Instance"): ("aws_instance", {}),
    ("aws_ec2", "LaunchTemplate"): ("aws_launch_template", {}),
    ("aws_ec2", "FlowLog"): ("aws_flow_log", {}),
    ("aws_ec2", "NetworkAcl"): ("aws_network_acl", {}),
    ("aws_ec2", "GatewayVpcEndpoint"): ("aws_vpc_endpoint", {}),
    ("aws_ec2", "InterfaceVpcEndpoint"): ("aws_vpc_endpoint", {}),
    ("aws_ec2", "BastionHostLinux"): ("aws_instance", {}),
    ("aws_iam", "Role"): ("aws_iam_role", {"role_name": "name"}),
    ("aws_iam", "Policy"): ("aws_iam_policy", {"policy_name": "name"}),
    ("aws_iam", "ManagedPolicy"): ("aws_iam_policy", {"managed_policy_name": "name"}),
    ("aws_iam", "User"): ("aws_iam_user", {}),
    ("aws_iam", "Group"): ("aws_iam_group", {}),
    ("aws_iam", "InstanceProfile"): ("aws_iam_instance_profile", {}),
    ("aws_kms", "Key"): ("aws_kms_key", {}),
    ("aws_kms", "Alias"): ("aws_kms_alias", {"alias_name": "name"}),
    ("aws_sns", "Topic"): ("aws_sns_topic", {"topic_name": "name", "master_key": "kms_master_key_id"}),
    ("aws_sns", "Subscription"): ("aws_sns_topic_subscription", {}),
    ("aws_sqs", "Queue"): ("aws_sqs_queue", {"queue_name": "name", "encryption_master_key": "kms_master_key_id",
                                            "dead_letter_queue": "redrive_policy"}),
    ("aws_secretsmanager", "Secret"): ("aws_secretsmanager_secret", {"secret_name": "name", "encryption_key": "kms_key_id"}),
    ("aws_secretsmanager", "RotationSchedule"): ("aws_secretsmanager_secret_rotation", {}),
    ("aws_elasticloadbalancingv2", "ApplicationLoadBalancer"): ("aws_lb", {"load_balancer_name": "name"}),
    ("aws_elasticloadbalancingv2", "NetworkLoadBalancer"): ("aws_lb", {"load_balancer_name": "name"}),
    ("aws_elasticloadbalancingv2", "ApplicationListener"): ("aws_lb_listener", {}),
    ("aws_elasticloadbalancingv2", "ApplicationTargetGroup"): ("aws_lb_target_group", {"target_group_name": "name"}),
    ("aws_elasticloadbalancingv2", "NetworkTargetGroup"): ("aws_lb_target_group", {"target_group_name": "name"}),
    ("aws_autoscaling", "AutoScalingGroup"): ("aws_autoscaling_group", {"min_capacity": "min_size", "max_capacity": "max_size",
                                                                        "auto_scaling_group_name": "name"}),
    ("aws_cloudtrail", "Trail"): ("aws_cloudtrail", {"trail_name": "name", "enable_file_validation": "enable_log_file_validation",
                                                     "encryption_key": "kms_key_id"}),
    ("aws_cloudwatch", "Alarm"): ("aws_cloudwatch_metric_alarm", {"alarm_name": "alarm_name"}),
    ("aws_cloudwatch", "CompositeAlarm"): ("aws_cloudwatch_composite_alarm", {}),
    ("aws_cloudwatch", "Dashboard"): ("aws_cloudwatch_dashboard", {"dashboard_name": "dashboard_name"}),
    ("aws_logs", "MetricFilter"): ("aws_cloudwatch_log_metric_filter", {}),
    ("aws_events", "Rule"): ("aws_cloudwatch_event_rule", {"rule_name": "name"}),
    ("aws_events", "EventBus"): ("aws_cloudwatch_event_bus", {}),
    ("aws_apigateway", "RestApi"): ("aws_api_gateway_rest_api", {"rest_api_name": "name"}),
    ("aws_apigateway", "LambdaRestApi"): ("aws_api_gateway_rest_api", {"rest_api_name": "name"}),
    ("aws_apigateway", "SpecRestApi"): ("aws_api_gateway_rest_api", {"rest_api_name": "name"}),
    ("aws_apigatewayv2", "HttpApi"): ("aws_apigatewayv2_api", {"api_name": "name"}),
    ("aws_rds", "ServerlessCluster"): ("aws_rds_cluster", {}),
    ("aws_rds", "SubnetGroup"): ("aws_db_subnet_group", {}),
    ("aws_rds", "ParameterGroup"): ("aws_db_parameter_group", {}),
    ("aws_dynamodb", "TableV2"): ("aws_dynamodb_table", {"table_name": "name"}),
    ("aws_ecs", "Cluster"): ("aws_ecs_cluster", {"cluster_name": "name"}),
    ("aws_ecs", "FargateService"): ("aws_ecs_service", {}),
    ("aws_ecs", "Ec2Service"): ("aws_ecs_service", {}),
    ("aws_ecs", "FargateTaskDefinition"): ("aws_ecs_task_definition", {}),
    ("aws_ecs", "Ec2TaskDefinition"): ("aws_ecs_task_definition", {}),
    ("aws_ecr", "Repository"): ("aws_ecr_repository", {"repository_name": "name"}),
    ("aws_efs", "FileSystem"): ("aws_efs_file_system", {}),
    ("aws_kinesis", "Stream"): ("aws_kinesis_stream", {"stream_name": "name"}),
    ("aws_stepfunctions", "StateMachine"): ("aws_sfn_state_machine", {}),
    ("aws_ssm", "StringParameter"): ("aws_ssm_parameter", {"parameter_name": "name"}),
    ("aws_route53", "HostedZone"): ("aws_route53_zone", {"zone_name": "name"}),
    ("aws_route53", "PublicHostedZone"): ("aws_route53_zone", {"zone_name": "name"}),
    ("aws_route53", "PrivateHostedZone"): ("aws_route53_zone", {"zone_name": "name"}),
    ("aws_route53", "ARecord"): ("aws_route53_record", {}),
    ("aws_certificatemanager", "Certificate"): ("aws_acm_certificate", {"domain_name": "domain_name"}),
    ("aws_cloudfront", "Distribution"): ("aws_cloudfront_distribution", {}),
    ("aws_backup", "BackupPlan"): ("aws_backup_plan", {}),
    ("aws_backup", "BackupVault"): ("aws_backup_vault", {}),
    ("aws_config", "ManagedRule"): ("aws_config_config_rule", {"config_rule_name": "name"}),
    ("aws_config", "CustomRule"): ("aws_config_config_rule", {"config_rule_name": "name"}),
    ("aws_sns_subscriptions", "EmailSubscription"): ("aws_sns_topic_subscription", {}),
    ("aws_lambda", "Alias"): ("aws_lambda_alias", {}),
    ("aws_lambda", "LayerVersion"): ("aws_lambda_layer_version", {}),
    ("aws_lambda", "EventSourceMapping"): ("aws_lambda_event_source_mapping", {}),
}

_RETENTION_WORDS = {
    "ONE_DAY": 1, "THREE_DAYS": 3, "FIVE_DAYS": 5, "ONE_WEEK": 7, "TWO_WEEKS": 14, "ONE_MONTH": 30,
    "TWO_MONTHS": 60, "THREE_MONTHS": 90, "FOUR_MONTHS": 120, "FIVE_MONTHS": 150, "SIX_MONTHS": 180,
    "ONE_YEAR": 365, "THIRTEEN_MONTHS": 400, "EIGHTEEN_MONTHS": 545, "TWO_YEARS": 731, "FIVE_YEARS": 1827,
    "TEN_YEARS": 3653, "INFINITE": 0,
}


def retention_days(value: Any) -> Any:
    """`logs.RetentionDays.ONE_MONTH` -> 30; other values unchanged."""
    text = as_text(value)
    m = re.search(r"RetentionDays\.(\w+)", text)
    return _RETENTION_WORDS.get(m.group(1), value) if m else value


def duration_days(value: Any) -> Any:
    """`Duration.days(7)` -> 7; other values unchanged."""
    m = re.search(r"Duration\.days\((\d+)\)", as_text(value))
    return int(m.group(1)) if m else value


def runtime_name(value: Any) -> Any:
    """`lambda_.Runtime.PYTHON_3_12` -> "python3.12"; `NODEJS_20_X` -> "nodejs20.x"."""
    m = re.search(r"Runtime\.([A-Z]+)_(\w+)", as_text(value))
    if not m:
        return value
    family, version = m.group(1).lower(), m.group(2).lower()
    if family == "python":
        return "python" + version.replace("_", ".")
    if family == "nodejs":
        return "nodejs" + version.replace("_", ".")
    if family == "java":
        return "java" + version.replace("_", ".")
    if family == "provided":
        return "provided." + version.replace("_", ".")
    return f"{family}{version.replace('_', '.')}"


def _rename(props: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {names.get(k, k): v for k, v in props.items()}


def _bucket(props: dict[str, Any]) -> Expansion:
    attrs = _rename(props, {"bucket_name": "bucket"})
    out: Expansion = [("aws_s3_bucket", attrs)]
    if truthy(props.get("versioned")):
        out.append(("aws_s3_bucket_versioning", {"versioning_configuration": [{"status": "Enabled"}]}))
    encryption = as_text(props.get("encryption", ""))
    if "encryption_key" in props or "KMS" in encryption:
        rule = {"sse_algorithm": "aws:kms"}
        if "encryption_key" in props:
            rule["kms_master_key_id"] = props["encryption_key"]
        out.append(("aws_s3_bucket_server_side_encryption_configuration",
                    {"rule": [{"apply_server_side_encryption_by_default": [rule]}]}))
    else:  # S3 encrypts every bucket with SSE-S3 by default
        out.append(("aws_s3_bucket_server_side_encryption_configuration",
                    {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}]}))
    if "BLOCK_ALL" in as_text(props.get("block_public_access", "")):
        out.append(("aws_s3_bucket_public_access_block", {k: True for k in (
            "block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")}))
    if truthy(props.get("enforce_ssl")):
        out.append(("aws_s3_bucket_policy", {"policy": {"Statement": [{
            "Effect": "Deny", "Action": "s3:*", "Principal": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}))
    if "server_access_logs_bucket" in props or "server_access_logs_prefix" in props:
        out.append(("aws_s3_bucket_logging", {"target_bucket": props.get("server_access_logs_bucket")}))
    if "replication_rules" in props:
        out.append(("aws_s3_bucket_replication_configuration", {"rule": props["replication_rules"]}))
    if "lifecycle_rules" in props:
        out.append(("aws_s3_bucket_lifecycle_configuration", {"rule": props["lifecycle_rules"]}))
    return out


_EGRESS = ("PRIVATE_WITH_EGRESS", "PRIVATE_WITH_NAT", "PRIVATE")


def _subnet_groups(props: dict[str, Any]) -> list[str] | None:
    """The subnet type of each subnet group (`SubnetType.PUBLIC`, ...); None when not known statically.

    Without `subnet_configuration` CDK makes one public and one private (egress) group.
    """
    config = props.get("subnet_configuration")
    if config is None:
        return ["PUBLIC", "PRIVATE_WITH_EGRESS"]
    if not isinstance(config, list):
        return None
    kinds = []
    for group in config:
        m = re.search(r"SubnetType\.(\w+)", as_text(group.get("subnet_type") if isinstance(group, dict) else group))
        if not m:
            return None
        kinds.append(m.group(1))
    return kinds


def _vpc(props: dict[str, Any]) -> Expansion:
    """`ec2.Vpc` synthesizes, per AZ and subnet group, a subnet with its own route table and association,
    a default route for public (to the internet gateway) and private-with-egress subnets (to a NAT
    gateway), and one NAT gateway with an Elastic IP per AZ unless `nat_gateways` says otherwise."""
    attrs = _rename(props, {"cidr": "cidr_block", "ip_addresses": "cidr_block"})
    listed = props.get("availability_zones")
    azs = len(listed) if isinstance(listed, list) else props.get("max_azs", 3)
    azs = azs if isinstance(azs, int) else None
    groups = _subnet_groups(props)
    public = groups is None or "PUBLIC" in groups
    egress = groups is None or any(g in _EGRESS for g in groups)
    nat = props.get("nat_gateways", azs if public and egress else 0)
    nat = nat if isinstance(nat, int) or nat is None else None
    known = azs is not None and groups is not None
    subnets = azs * len(groups) if known else None
    routed = azs * sum(g == "PUBLIC" or (g in _EGRESS and nat != 0) for g in groups) if known else None
    out: Expansion = [("aws_vpc", attrs)]
    if public:
        out.append(("aws_internet_gateway", {}))
    out += [("aws_subnet", {"__count__": subnets}), ("aws_route_table", {"__count__": subnets}),
            ("aws_route_table_association", {"__count__": subnets})]
    if routed != 0:
        out.append(("aws_route", {"destination_cidr_block": "0.0.0.0/0", "__count__": routed}))
    if nat != 0:
        out += [("aws_eip", {"domain": "vpc", "__count__": nat}), ("aws_nat_gateway", {"__count__": nat})]
    if "flow_logs" in props:
        out.append(("aws_flow_log", {}))
    return out


def _cluster(props: dict[str, Any]) -> Expansion:
    """`rds.DatabaseCluster`: the cluster (its writer folded in) and its reader instances, which CDK
    spreads over the VPC's AZs: each reader is an Aurora replica (`instances=n` is a writer and n-1 readers)."""
    attrs = _rename(props, {"cluster_identifier": "cluster_identifier", "cloudwatch_logs_exports": "enabled_cloudwatch_logs_exports"})
    if isinstance(props.get("backup"), dict) and "retention" in props["backup"]:  # backup=rds.BackupProps(retention=...)
        attrs["backup_retention_period"] = duration_days(props["backup"]["retention"])
    readers: int | None = 0
    if isinstance(props.get("readers"), list):
        readers = len(props["readers"])
    elif "readers" in props:
        readers = None
    elif "writer" not in props and ("instances" in props or "instance_props" in props):
        instances = props.get("instances", 2)  # the legacy API's default is two instances
        readers = instances - 1 if isinstance(instances, int) else None
    out: Expansion = [("aws_rds_cluster", attrs)]
    if readers != 0:
        out.append(("aws_rds_cluster_instance", {"__count__": readers}))
    return out


def _function(props: dict[str, Any]) -> Expansion:
    attrs = _rename(props, {"function_name": "function_name", "memory_size": "memory_size"})
    if "runtime" in attrs:
        attrs["runtime"] = runtime_name(attrs["runtime"])
    if "tracing" in attrs and "ACTIVE" in as_text(attrs["tracing"]).upper():
        attrs["tracing_config"] = [{"mode": "Active"}]
    if "vpc" in attrs:
        attrs["vpc_config"] = [{"vpc": attrs["vpc"]}]
    out: Expansion = [("aws_lambda_function", attrs)]
    if "role" not in props:  # CDK creates the execution role (AWSLambdaBasicExecutionRole attached)
        out.append(("aws_iam_role", {"assume_role_policy": {"Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}]}}))
    if "log_retention" in props:
        out.append(("aws_cloudwatch_log_group", {"retention_in_days": retention_days(props["log_retention"])}))
    return out


def _log_group(props: dict[str, Any]) -> Expansion:
    attrs = _rename(props, {"log_group_name": "name", "encryption_key": "kms_key_id"})
    attrs["retention_in_days"] = retention_days(props.get("retention", "RetentionDays.TWO_YEARS"))
    attrs.pop("retention", None)
    return [("aws_cloudwatch_log_group", attrs)]


def _db_instance(props: dict[str, Any]) -> Expansion:
    attrs = _rename(props, {"instance_type": "instance_class", "database_name": "db_name",
                            "instance_identifier": "identifier", "storage_encryption_key": "kms_key_id",
                            "cloudwatch_logs_exports": "enabled_cloudwatch_logs_exports",
                            "source_database_instance": "replicate_source_db"})  # DatabaseInstanceReadReplica
    if "backup_retention" in props:
        attrs["backup_retention_period"] = duration_days(props["backup_retention"])
        attrs.pop("backup_retention", None)
    return [("aws_db_instance", attrs)]


def _table(props: dict[str, Any]) -> Expansion:
    attrs = _rename(props, {"table_name": "name"})
    pitr = props.get("point_in_time_recovery")
    spec = props.get("point_in_time_recovery_specification")
    if truthy(pitr) or (isinstance(spec, dict) and truthy(spec.get("point_in_time_recovery_enabled"))):
        attrs["point_in_time_recovery"] = [{"enabled": True}]
    if "encryption_key" in props or "CUSTOMER_MANAGED" in as_text(props.get("encryption", "")):
        attrs["server_side_encryption"] = [{"enabled": True, "kms_key_arn": props.get("encryption_key")}]
    if "replication_regions" in props:
        attrs["replica"] = props["replication_regions"]
    return [("aws_dynamodb_table", attrs)]


def _balanced_service(balancer: str) -> Callable[[dict[str, Any]], Expansion]:
    """aws_ecs_patterns' load-balanced services make the service, its load balancer, listener and target group."""
    def expand(props: dict[str, Any]) -> Expansion:
        return [("aws_ecs_service", dict(props)), ("aws_lb", {"load_balancer_type": balancer}), ("aws_lb_listener", {}),
                ("aws_lb_target_group", {})]
    return expand


def _key(props: dict[str, Any]) -> Expansion:
    out: Expansion = [("aws_kms_key", dict(props))]
    if "alias" in props:
        out.append(("aws_kms_alias", {"name": props["alias"]}))
    return out


EXPANDERS: dict[tuple[str, str], Callable[[dict[str, Any]], Expansion]] = {
    ("aws_s3", "Bucket"): _bucket,
    ("aws_ec2", "Vpc"): _vpc,
    ("aws_rds", "DatabaseCluster"): _cluster,
    ("aws_lambda", "Function"): _function,
    ("aws_lambda_python_alpha", "PythonFunction"): _function,
    ("aws_lambda_nodejs", "NodejsFunction"): _function,
    ("aws_logs", "LogGroup"): _log_group,
    ("aws_rds", "DatabaseInstance"): _db_instance,
    ("aws_rds", "DatabaseInstanceReadReplica"): _db_instance,
    ("aws_dynamodb", "Table"): _table,
    ("aws_kms", "Key"): _key,
    ("aws_ecs_patterns", "ApplicationLoadBalancedFargateService"): _balanced_service("application"),
    ("aws_ecs_patterns", "ApplicationLoadBalancedEc2Service"): _balanced_service("application"),
    ("aws_ecs_patterns", "NetworkLoadBalancedFargateService"): _balanced_service("network"),
    ("aws_ecs_patterns", "NetworkLoadBalancedEc2Service"): _balanced_service("network"),
}

# Methods on constructs that create resources: `alb.add_listener(...)`, `vpc.add_flow_log(...)`.
METHODS = {
    "add_listener": "aws_lb_listener",
    "add_targets": "aws_lb_target_group",
    "add_rotation_schedule": "aws_secretsmanager_secret_rotation",
    "add_rotation_single_user": "aws_secretsmanager_secret_rotation",
    "add_flow_log": "aws_flow_log",
    "add_subscription": "aws_sns_topic_subscription",
    "add_to_resource_policy": "aws_s3_bucket_policy",
    "add_gateway_endpoint": "aws_vpc_endpoint",
    "add_interface_endpoint": "aws_vpc_endpoint",
    "add_event_notification": "aws_s3_bucket_notification",
    "create_alarm": "aws_cloudwatch_metric_alarm",
    "add_alias": "aws_kms_alias",
    "scale_on_cpu_utilization": "aws_autoscaling_policy",
    "add_global_secondary_index": "aws_dynamodb_table_gsi",
}

# Methods whose first arguments are a scope and a construct id (`metric.create_alarm(self, "Errors", ...)`).
SCOPED_METHODS = frozenset({"create_alarm"})

# `x.add_to_resource_policy(...)` makes the policy resource of x's type.
RESOURCE_POLICIES = {
    "aws_s3_bucket": "aws_s3_bucket_policy",
    "aws_kms_key": "aws_kms_key_policy",
    "aws_sns_topic": "aws_sns_topic_policy",
    "aws_sqs_queue": "aws_sqs_queue_policy",
    "aws_secretsmanager_secret": "aws_secretsmanager_secret_policy",
}


def expand(module: str, cls: str, props: dict[str, Any]) -> Expansion | None:
    """The resources an L2 construct synthesizes, or None when the class is not known here."""
    expander = EXPANDERS.get((module, cls))
    if expander is not None:
        return expander(props)
    simple = SIMPLE.get((module, cls))
    if simple is not None:
        tf_type, names = simple
        return [(tf_type, _rename(props, names))]
    return None
