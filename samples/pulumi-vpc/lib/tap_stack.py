"""Network and table for the TAP stack."""
import pulumi
import pulumi_aws as aws

config = pulumi.Config()
environment_suffix = config.get("environmentSuffix") or "dev"
tags = {"Project": "tap"}

provider = aws.Provider("east", region="us-east-1")

vpc = aws.ec2.Vpc(
    f"vpc-{environment_suffix}",
    cidr_block="10.0.0.0/16",
    tags=tags,
    opts=pulumi.ResourceOptions(provider=provider),
)

azs = ["us-east-1a", "us-east-1b"]
subnets = []
for index, az in enumerate(azs):
    subnets.append(
        aws.ec2.Subnet(
            f"private-{index}-{environment_suffix}",
            vpc_id=vpc.id,
            cidr_block=f"10.0.{index}.0/24",
            availability_zone=az,
            tags=tags,
        )
    )

table = aws.dynamodb.Table(
    f"sessions-{environment_suffix}",
    attributes=[aws.dynamodb.TableAttributeArgs(name="id", type="S")],
    hash_key="id",
    billing_mode="PAY_PER_REQUEST",
    point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
    tags=tags,
)

pulumi.export("vpc_id", vpc.id)
