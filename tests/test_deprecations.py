"""CON002 beyond Terraform arguments: deprecated aws-cdk-lib props, members and classes; pulumi-aws resource classes
superseded in the pinned major; Terraform attributes read that the pinned provider major deprecates. Advice unless the
prompt asks for current, non-deprecated code."""

from grader.checks.base import Context
from tests.conftest import run_check


def found(files: dict[str, str], prompt: str = "") -> dict[str, str]:
    return {f.found: f.status for f in run_check("CON002", files, Context(prompt=prompt))}


CDK = '''
from aws_cdk import Duration, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_dynamodb as dynamodb
class TapStack(Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        vpc = ec2.Vpc(self, "Vpc", cidr="10.0.0.0/16")
        table = dynamodb.Table(self, "T", partition_key=key, point_in_time_recovery=True)
        asg = autoscaling.AutoScalingGroup(self, "Asg", vpc=vpc, instance_type=t, machine_image=m,
                                           health_check=autoscaling.HealthCheck.elb(grace=Duration.minutes(5)))
'''
CDK_CURRENT = '''
from aws_cdk import Duration, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_dynamodb as dynamodb
class TapStack(Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        vpc = ec2.Vpc(self, "Vpc", ip_addresses=ec2.IpAddresses.cidr("10.0.0.0/16"))
        table = dynamodb.Table(self, "T", partition_key=key,
                               point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                                   point_in_time_recovery_enabled=True))
        asg = autoscaling.AutoScalingGroup(self, "Asg", vpc=vpc, instance_type=t, machine_image=m,
                                           health_checks=autoscaling.HealthChecks.with_additional_checks(
                                               grace_period=Duration.minutes(5), additional_types=[]))
'''


def test_cdk_deprecated_props_and_classes():
    assert found({"lib/tap_stack.py": CDK}) == {
        "aws_ec2.Vpc(cidr=...)": "n/a", "aws_dynamodb.Table(point_in_time_recovery=...)": "n/a",
        "aws_autoscaling.AutoScalingGroup(health_check=...)": "n/a", "aws_autoscaling.HealthCheck": "n/a"}
    assert set(found({"lib/tap_stack.py": CDK}, "Use current syntax, no deprecated APIs.").values()) == {"fail"}
    assert found({"lib/tap_stack.py": CDK_CURRENT}) == {}


def test_cdk_message_names_the_replacement():
    messages = [f.message for f in run_check("CON002", {"lib/tap_stack.py": CDK}, Context())]
    assert any("use `ip_addresses`" in m and m.startswith("Advice (not counted)") for m in messages)


PULUMI = '''
import pulumi_aws as aws
bucket = aws.s3.BucketV2("b")
aws.s3.BucketVersioningV2("v", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
'''


def test_pulumi_superseded_resource_classes_follow_the_pinned_major():
    assert found({"__main__.py": PULUMI}) == {"s3.BucketV2": "n/a", "s3.BucketVersioningV2": "n/a"}
    messages = [f.message for f in run_check("CON002", {"__main__.py": PULUMI}, Context())]
    assert any("use `s3.BucketVersioning`" in m for m in messages)
    current = PULUMI.replace("BucketV2(", "Bucket(").replace("BucketVersioningV2(", "BucketVersioning(")
    assert found({"__main__.py": current}) == {}
    # pulumi-aws 6 has not deprecated the V2 classes
    assert found({"__main__.py": PULUMI, "requirements.txt": "pulumi>=3\npulumi-aws>=6,<7\n"}) == {}


def _tf(version: str) -> str:
    return ('terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "' + version + '" }\n  }\n}\n'
            'data "aws_region" "current" {}\nresource "aws_api_gateway_deployment" "d" {\n  rest_api_id = "x"\n}\n'
            'output "r" {\n  value = data.aws_region.current.name\n}\noutput "u" {\n  value = aws_api_gateway_deployment.d.invoke_url\n}\n')


def test_terraform_deprecated_attributes_follow_the_pinned_provider_major():
    # hashicorp/aws 6 deprecates aws_region's `name` (use `region`); 5 deprecates the deployment's invoke_url
    assert found({"main.tf": _tf("~> 6.0")}) == {"data.aws_region.current.name": "n/a"}
    assert found({"main.tf": _tf("~> 5.0")}) == {"aws_api_gateway_deployment.d.invoke_url": "n/a"}
    assert found({"main.tf": _tf("~> 6.0").replace("current.name", "current.region")}) == {}
    assert found({"main.tf": _tf("~> 4.0")}) == {}  # a major not shipped: no claim
