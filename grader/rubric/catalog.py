"""AWS concepts a prompt can ask for: synonyms in prose -> Terraform-style types in the IR.

One table serves all four dialects, because every front end maps its classes to these types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    area: str
    pattern: str  # regex over lower-cased prompt text
    types: tuple[str, ...]

    @property
    def regex(self) -> re.Pattern:
        return _compiled(self.pattern)


_CACHE: dict[str, re.Pattern] = {}


def _compiled(pattern: str) -> re.Pattern:
    if pattern not in _CACHE:
        _CACHE[pattern] = re.compile(pattern, re.I)
    return _CACHE[pattern]


CONCEPTS: tuple[Concept, ...] = (
    Concept("vpc", "VPC", "networking", r"\bvpcs?\b|virtual private cloud", ("aws_vpc", "aws_default_vpc")),
    Concept("public_subnet", "Public subnets", "networking", r"\bpublic\b[\w ,/-]{0,30}?\bsubnets?\b", ("aws_subnet",)),
    Concept("private_subnet", "Private subnets", "networking", r"\bprivate\b[\w ,/-]{0,20}?\bsubnets?\b", ("aws_subnet",)),
    Concept("internet_gateway", "Internet Gateway", "networking", r"\binternet gateways?\b|\bigw\b", ("aws_internet_gateway",)),
    Concept("nat_gateway", "NAT Gateway", "networking", r"\bnat gateways?\b|\bnat\b", ("aws_nat_gateway",)),
    Concept("route_table", "Route tables", "networking", r"\broute tables?\b", ("aws_route_table", "aws_route", "aws_default_route_table")),
    Concept("vpc_peering", "VPC Peering", "networking", r"\bvpc peering\b|\bpeering connection", ("aws_vpc_peering_connection",)),
    Concept("transit_gateway", "Transit Gateway", "networking", r"\btransit gateway", ("aws_ec2_transit_gateway",)),
    Concept("vpc_endpoint", "VPC endpoints", "networking", r"\bvpc endpoints?\b|(?<!api )\bgateway endpoints?\b|\binterface endpoints?\b|privatelink", ("aws_vpc_endpoint",)),
    Concept("flow_logs", "VPC Flow Logs", "monitoring", r"\bflow logs?\b", ("aws_flow_log",)),
    Concept("nacl", "Network ACLs", "networking", r"\bnetwork acls?\b|\bnacls?\b", ("aws_network_acl", "aws_network_acl_rule", "aws_default_network_acl")),
    Concept("security_group", "Security groups", "networking", r"\bsecurity groups?\b", ("aws_security_group", "aws_default_security_group")),
    Concept("alb", "ALB/Target Groups", "compute", r"\bapplication load balancers?\b|\balbs?\b|\bload balancers?\b|\belb\b", ("aws_lb", "aws_alb", "aws_elb")),
    Concept("asg", "Auto Scaling Group", "compute", r"\bauto ?scaling groups?\b|\basgs?\b|\bauto ?scaling\b(?=[^.]{0,30}\b(?:ec2|instances?)\b)"
            r"|(?:(?<=ec2 )|(?<=ec2 with )|(?<=instances )|(?<=instances with )|(?<=instance ))auto ?scaling\b", ("aws_autoscaling_group", "aws_eks_node_group")),
    Concept("ec2", "EC2 instances", "compute", r"\bec2\b", ("aws_instance", "aws_launch_template", "aws_autoscaling_group", "aws_launch_configuration", "aws_eks_node_group")),
    Concept("lambda", "Lambda", "compute", r"\blambda\b", ("aws_lambda_function",)),
    Concept("ecs", "ECS", "compute", r"\becs\b|(?<!eks )\bfargate\b(?! profiles?)", ("aws_ecs_cluster", "aws_ecs_service")),
    Concept("eks", "EKS", "compute", r"\beks\b|kubernetes cluster", ("aws_eks_cluster",)),
    Concept("api_gateway", "API Gateway", "compute", r"\bapi gateway\b|\bapigw\b", ("aws_api_gateway_rest_api", "aws_apigatewayv2_api")),
    Concept("step_functions", "Step Functions", "compute", r"\bstep functions?\b|state machine", ("aws_sfn_state_machine",)),
    Concept("s3", "S3 buckets", "storage", r"\bs3\b", ("aws_s3_bucket",)),
    Concept("s3_replication", "S3 Cross-Region Replication", "storage", r"(?:\bs3\b|buckets?)[^.]{0,60}(?:cross[- ]region replication|\bcrr\b|replicat)|(?:cross[- ]region replication|\bcrr\b)[^.]{0,40}(?:\bs3\b|buckets?)|s3 replication", ("aws_s3_bucket_replication_configuration",)),
    Concept("efs", "EFS", "storage", r"\befs\b|elastic file system", ("aws_efs_file_system",)),
    Concept("ebs", "EBS volumes", "storage", r"\bebs\b", ("aws_ebs_volume", "aws_instance", "aws_launch_template")),
    Concept("dynamodb", "DynamoDB", "database", r"\bdynamo ?db\b", ("aws_dynamodb_table", "aws_dynamodb_global_table")),
    Concept("rds", "RDS", "database", r"\brds\b|\bpostgres(?:ql)?\b|\bmysql\b|relational database|\baurora\b", ("aws_db_instance", "aws_rds_cluster")),
    Concept("read_replica", "RDS Read Replicas", "database", r"\bread replicas?\b", ("aws_db_instance", "aws_rds_cluster_instance")),
    Concept("elasticache", "ElastiCache", "database", r"\belasticache\b|\bredis\b|\bmemcached\b", ("aws_elasticache_replication_group", "aws_elasticache_cluster", "aws_elasticache_serverless_cache")),
    Concept("kms", "KMS keys", "encryption", r"\bkms\b|customer[- ]managed keys?|\bcmks?\b", ("aws_kms_key",)),
    Concept("secrets_manager", "Secrets Manager", "security", r"\bsecrets manager\b", ("aws_secretsmanager_secret",)),
    Concept("secret_rotation", "Secrets Rotation", "security", r"(?:secrets?|passwords?|credentials?)\b[^.]{0,40}(?<!key )(?<!keys )\brotat|(?<!key )(?<!keys )\brotat\w*\b(?:(?!\bkms\b|\bkeys?\b)[^.]){0,40}\b(?:secrets?|passwords?|credentials?)\b(?! encryption)", ("aws_secretsmanager_secret_rotation",)),
    Concept("iam_role", "IAM roles", "security", r"\biam roles?\b", ("aws_iam_role",)),
    Concept("waf", "WAF", "security", r"\bwaf\b|web application firewall", ("aws_wafv2_web_acl", "aws_waf_web_acl", "aws_wafregional_web_acl")),
    Concept("guardduty", "GuardDuty", "security", r"\bguard ?duty\b", ("aws_guardduty_detector",)),
    Concept("security_hub", "Security Hub", "security", r"\bsecurity hub\b", ("aws_securityhub_account",)),
    Concept("cloudtrail", "CloudTrail", "monitoring", r"\bcloud ?trail\b", ("aws_cloudtrail",)),
    Concept("config", "AWS Config Rules", "monitoring", r"\baws config\b|\bconfig rules?\b", ("aws_config_config_rule", "aws_config_configuration_recorder")),
    Concept("cloudwatch_alarm", "CloudWatch alarms", "monitoring", r"\balarms?\b", ("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm")),
    Concept("cloudwatch_logs", "CloudWatch Logs", "monitoring", r"\bcloudwatch logs?\b|\blog groups?\b", ("aws_cloudwatch_log_group",)),
    Concept("dashboard", "CloudWatch dashboard", "monitoring", r"\bdashboards?\b", ("aws_cloudwatch_dashboard",)),
    Concept("sns", "SNS Alerts", "monitoring", r"\bsns\b|\bnotifications? topic", ("aws_sns_topic",)),
    Concept("sqs", "SQS", "compute", r"\bsqs\b|(?<!job )(?<!batch )\b(?:message )?queues?\b", ("aws_sqs_queue",)),
    Concept("eventbridge", "EventBridge", "monitoring", r"\beventbridge\b|\bcloudwatch events?\b", ("aws_cloudwatch_event_rule", "aws_scheduler_schedule")),
    Concept("cloudfront", "CloudFront", "networking", r"\bcloudfront\b|\bcdn\b", ("aws_cloudfront_distribution",)),
    Concept("route53", "Route 53", "networking", r"\broute ?53\b", ("aws_route53_zone", "aws_route53_record", "aws_route53_resolver_endpoint",
                                                                 "aws_route53_resolver_rule", "aws_route53_health_check")),
    Concept("acm", "ACM certificates", "security", r"\bacm\b|certificate manager", ("aws_acm_certificate",)),
    Concept("backup", "AWS Backup", "storage", r"\baws backup\b|backup (?:plan|vault)", ("aws_backup_plan", "aws_backup_vault")),
    Concept("kinesis", "Kinesis", "compute", r"\bkinesis\b", ("aws_kinesis_stream", "aws_kinesis_firehose_delivery_stream")),
    Concept("ecr", "ECR", "compute", r"\becr\b|container registry", ("aws_ecr_repository",)),
    Concept("ssm_parameter", "SSM Parameter Store", "security", r"(?:systems manager )?parameter store|\bssm parameters?\b", ("aws_ssm_parameter",)),
    Concept("cognito", "Cognito", "security", r"\bcognito\b", ("aws_cognito_user_pool",)),
    Concept("change_management", "Change management enforcement", "security", r"change[- ]management|approval (?:for|before) (?:changes|deploy)|manual approval",
            ("aws_organizations_policy", "aws_codepipeline", "aws_config_remediation_configuration", "aws_iam_policy")),
    Concept("xray", "X-Ray tracing", "monitoring", r"\bx-?ray\b", ("aws_lambda_function", "aws_xray_sampling_rule", "aws_api_gateway_stage")),
)

BY_ID = {c.id: c for c in CONCEPTS}
