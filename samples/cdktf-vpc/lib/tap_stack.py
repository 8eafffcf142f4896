from cdktf import TerraformStack, TerraformOutput
from constructs import Construct
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.security_group import SecurityGroup, SecurityGroupIngress


class TapStack(TerraformStack):
    def __init__(self, scope: Construct, construct_id: str, environment_suffix: str = "dev"):
        super().__init__(scope, construct_id)
        tags = {"Environment": environment_suffix}
        AwsProvider(self, "aws", region="us-east-2", default_tags=[{"tags": tags}])
        vpc = Vpc(self, "vpc", cidr_block="10.0.0.0/16", tags=tags)
        for index in range(2):
            Subnet(self, f"private-{index}", vpc_id=vpc.id, cidr_block=f"10.0.{index}.0/24")
        SecurityGroup(
            self,
            "web",
            vpc_id=vpc.id,
            ingress=[SecurityGroupIngress(from_port=443, to_port=443, protocol="tcp", cidr_blocks=["10.0.0.0/8"])],
        )
        TerraformOutput(self, "vpc_id", value=vpc.id)
