"""Canonical Terraform-style types for the classes of Pulumi, CDKTF and CDK.

Every check asks for `aws_vpc`, never for `pulumi_aws.ec2.Vpc` or `aws_cdk.aws_ec2.CfnVPC`.
CDKTF modules map 1:1; Pulumi classes map by name, checked against the shipped Terraform
schema, with a table for the names Pulumi changed; CDK L1 classes map through their
CloudFormation type; CDK L2 constructs are expanded in `cdk_l2.py`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..schema import terraform_types

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


# Pulumi module names that differ from Terraform's resource prefix.
_PULUMI_MODULES = {
    "apigateway": "api_gateway",
    "cfg": "config",
    "lambda_": "lambda",
    "ec2transitgateway": "ec2_transit_gateway",
    "ec2clientvpn": "ec2_client_vpn",
    "elasticloadbalancing": "elb",
    "elasticloadbalancingv2": "lb",
    "cloudwatch": "cloudwatch",
    "servicediscovery": "service_discovery",
    "directoryservice": "directory_service",
    "secretsmanager": "secretsmanager",
}

# Pulumi classes whose Terraform name cannot be guessed from module + class.
_PULUMI_EXACT = {
    "rds.Instance": "aws_db_instance",
    "rds.SubnetGroup": "aws_db_subnet_group",
    "rds.ParameterGroup": "aws_db_parameter_group",
    "rds.OptionGroup": "aws_db_option_group",
    "rds.Snapshot": "aws_db_snapshot",
    "rds.EventSubscription": "aws_db_event_subscription",
    "rds.Proxy": "aws_db_proxy",
    "rds.ProxyTarget": "aws_db_proxy_target",
    "rds.ProxyDefaultTargetGroup": "aws_db_proxy_default_target_group",
    "rds.InstanceAutomatedBackupsReplication": "aws_db_instance_automated_backups_replication",
    "lb.LoadBalancer": "aws_lb",
    "alb.LoadBalancer": "aws_alb",
    "elb.LoadBalancer": "aws_elb",
    "cloudtrail.Trail": "aws_cloudtrail",
    "cfg.Recorder": "aws_config_configuration_recorder",
    "cfg.RecorderStatus": "aws_config_configuration_recorder_status",
    "cfg.Rule": "aws_config_config_rule",
    "cfg.ConformancePack": "aws_config_conformance_pack",
    "cfg.AggregateAuthorization": "aws_config_aggregate_authorization",
    "cfg.ConfigurationAggregator": "aws_config_configuration_aggregator",
    "ec2.Instance": "aws_instance",
    "ec2.Eip": "aws_eip",
    "ec2.EipAssociation": "aws_eip_association",
    "ec2.SecurityGroup": "aws_security_group",
    "ec2.SecurityGroupRule": "aws_security_group_rule",
    "ec2.KeyPair": "aws_key_pair",
    "ec2.Ami": "aws_ami",
    "ec2.LaunchTemplate": "aws_launch_template",
    "ec2.LaunchConfiguration": "aws_launch_configuration",
    "ec2.PlacementGroup": "aws_placement_group",
    "ec2.Volume": "aws_ebs_volume",
    "ebs.Volume": "aws_ebs_volume",
    "ec2.VolumeAttachment": "aws_volume_attachment",
    "ec2.NetworkInterface": "aws_network_interface",
    "ec2.DefaultSecurityGroup": "aws_default_security_group",
    "ec2.DefaultNetworkAcl": "aws_default_network_acl",
    "ec2.DefaultRouteTable": "aws_default_route_table",
    "ec2.DefaultVpc": "aws_default_vpc",
    "ec2.MainRouteTableAssociation": "aws_main_route_table_association",
    "ec2.ProxyProtocolPolicy": "aws_proxy_protocol_policy",
    "ec2transitgateway.TransitGateway": "aws_ec2_transit_gateway",
    "iam.getPolicyDocument": "aws_iam_policy_document",
    "kms.Key": "aws_kms_key",
    "s3.BucketV2": "aws_s3_bucket",
    "s3.BucketReplicationConfig": "aws_s3_bucket_replication_configuration",
    "s3.BucketLifecycleConfiguration": "aws_s3_bucket_lifecycle_configuration",
    "s3.BucketLoggingV2": "aws_s3_bucket_logging",
    "s3.BucketLogging": "aws_s3_bucket_logging",
    "s3.BucketObject": "aws_s3_object",
    "s3.BucketObjectv2": "aws_s3_object",
    "wafv2.WebAcl": "aws_wafv2_web_acl",
    "wafv2.WebAclAssociation": "aws_wafv2_web_acl_association",
    "wafv2.WebAclLoggingConfiguration": "aws_wafv2_web_acl_logging_configuration",
    "route53.Record": "aws_route53_record",
    "route53.Zone": "aws_route53_zone",
    "acm.Certificate": "aws_acm_certificate",
    "acm.CertificateValidation": "aws_acm_certificate_validation",
    "cloudfront.Distribution": "aws_cloudfront_distribution",
    "ecs.Cluster": "aws_ecs_cluster",
    "ecs.Service": "aws_ecs_service",
    "ecs.TaskDefinition": "aws_ecs_task_definition",
    "ecr.Repository": "aws_ecr_repository",
    "efs.FileSystem": "aws_efs_file_system",
    "efs.MountTarget": "aws_efs_mount_target",
}


@lru_cache(maxsize=4096)
def pulumi_type(module: str, cls: str) -> str | None:
    """`pulumi_aws.<module>.<Class>` -> Terraform type, or None when nothing matches."""
    exact = _PULUMI_EXACT.get(f"{module}.{cls}")
    if exact:
        return exact
    known = terraform_types()
    base = re.sub(r"V\d+$", "", cls)
    mod = _PULUMI_MODULES.get(module, module.rstrip("_"))
    name = snake(base)
    for candidate in (f"aws_{mod}_{name}", f"aws_{name}", f"aws_{mod}{name}", f"aws_{module.rstrip('_')}_{name}"):
        if candidate in known:
            return candidate
    if name.startswith(mod + "_") and f"aws_{name}" in known:
        return f"aws_{name}"
    return None


def cdktf_type(module: str) -> tuple[str, str]:
    """CDKTF provider module -> (mode, Terraform type): `vpc` -> aws_vpc, `data_aws_ami` -> data aws_ami."""
    if module.startswith("data_aws_"):
        return "data", module[len("data_"):]
    return "managed", f"aws_{module}"


# CloudFormation types of CDK L1 constructs that have a direct Terraform counterpart.
CFN_TO_TF = {
    "AWS::EC2::VPC": "aws_vpc",
    "AWS::EC2::Subnet": "aws_subnet",
    "AWS::EC2::InternetGateway": "aws_internet_gateway",
    "AWS::EC2::NatGateway": "aws_nat_gateway",
    "AWS::EC2::EIP": "aws_eip",
    "AWS::EC2::RouteTable": "aws_route_table",
    "AWS::EC2::Route": "aws_route",
    "AWS::EC2::SecurityGroup": "aws_security_group",
    "AWS::EC2::Instance": "aws_instance",
    "AWS::EC2::LaunchTemplate": "aws_launch_template",
    "AWS::EC2::FlowLog": "aws_flow_log",
    "AWS::EC2::VPCPeeringConnection": "aws_vpc_peering_connection",
    "AWS::EC2::VPCEndpoint": "aws_vpc_endpoint",
    "AWS::EC2::NetworkAcl": "aws_network_acl",
    "AWS::S3::Bucket": "aws_s3_bucket",
    "AWS::S3::BucketPolicy": "aws_s3_bucket_policy",
    "AWS::IAM::Role": "aws_iam_role",
    "AWS::IAM::Policy": "aws_iam_policy",
    "AWS::IAM::ManagedPolicy": "aws_iam_policy",
    "AWS::IAM::InstanceProfile": "aws_iam_instance_profile",
    "AWS::KMS::Key": "aws_kms_key",
    "AWS::KMS::Alias": "aws_kms_alias",
    "AWS::Lambda::Function": "aws_lambda_function",
    "AWS::Lambda::Permission": "aws_lambda_permission",
    "AWS::RDS::DBInstance": "aws_db_instance",
    "AWS::RDS::DBCluster": "aws_rds_cluster",
    "AWS::RDS::DBSubnetGroup": "aws_db_subnet_group",
    "AWS::RDS::DBParameterGroup": "aws_db_parameter_group",
    "AWS::DynamoDB::Table": "aws_dynamodb_table",
    "AWS::DynamoDB::GlobalTable": "aws_dynamodb_global_table",
    "AWS::SNS::Topic": "aws_sns_topic",
    "AWS::SNS::Subscription": "aws_sns_topic_subscription",
    "AWS::SQS::Queue": "aws_sqs_queue",
    "AWS::Logs::LogGroup": "aws_cloudwatch_log_group",
    "AWS::CloudWatch::Alarm": "aws_cloudwatch_metric_alarm",
    "AWS::CloudWatch::Dashboard": "aws_cloudwatch_dashboard",
    "AWS::Events::Rule": "aws_cloudwatch_event_rule",
    "AWS::CloudTrail::Trail": "aws_cloudtrail",
    "AWS::Config::ConfigRule": "aws_config_config_rule",
    "AWS::Config::ConfigurationRecorder": "aws_config_configuration_recorder",
    "AWS::Config::DeliveryChannel": "aws_config_delivery_channel",
    "AWS::GuardDuty::Detector": "aws_guardduty_detector",
    "AWS::WAFv2::WebACL": "aws_wafv2_web_acl",
    "AWS::WAFv2::WebACLAssociation": "aws_wafv2_web_acl_association",
    "AWS::SecretsManager::Secret": "aws_secretsmanager_secret",
    "AWS::SecretsManager::RotationSchedule": "aws_secretsmanager_secret_rotation",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "aws_lb",
    "AWS::ElasticLoadBalancingV2::Listener": "aws_lb_listener",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "aws_lb_target_group",
    "AWS::AutoScaling::AutoScalingGroup": "aws_autoscaling_group",
    "AWS::ApiGateway::RestApi": "aws_api_gateway_rest_api",
    "AWS::ApiGateway::Stage": "aws_api_gateway_stage",
    "AWS::CloudFront::Distribution": "aws_cloudfront_distribution",
    "AWS::ECS::Cluster": "aws_ecs_cluster",
    "AWS::ECS::Service": "aws_ecs_service",
    "AWS::Backup::BackupPlan": "aws_backup_plan",
    "AWS::Backup::BackupVault": "aws_backup_vault",
    "AWS::ElastiCache::ReplicationGroup": "aws_elasticache_replication_group",
    "AWS::Kinesis::Stream": "aws_kinesis_stream",
    "AWS::StepFunctions::StateMachine": "aws_sfn_state_machine",
}

def cfn_type(module: str, cls: str) -> str:
    """aws_cdk.aws_ec2.CfnVPC -> AWS::EC2::VPC (best effort from the module's service name)."""
    service = module.replace("aws_", "", 1)
    known = {t.split("::")[1].lower(): t.split("::")[1] for t in CFN_TO_TF}
    service_name = known.get(service, service.upper() if len(service) <= 3 else service.capitalize())
    name = cls[3:]  # CfnVPC -> VPC
    return f"AWS::{service_name}::{name}"
