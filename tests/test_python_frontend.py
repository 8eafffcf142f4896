from tests.conftest import program_of

PULUMI = '''
import pulumi
import pulumi_aws as aws

vpc = aws.ec2.Vpc("main", cidr_block="10.0.0.0/16", tags={"Project": "x"})
subnets = [aws.ec2.Subnet(f"s-{i}", vpc_id=vpc.id, cidr_block=f"10.0.{i}.0/24") for i in range(3)]
bucket = aws.s3.BucketV2("logs", bucket="logs-bucket")
aws.s3.BucketVersioningV2(
    "logs-versioning",
    bucket=bucket.id,
    versioning_configuration=aws.s3.BucketVersioningV2VersioningConfigurationArgs(status="Enabled"),
)
ami = aws.ec2.get_ami(most_recent=True, owners=["amazon"])
east = aws.Provider("east", region="us-east-1")
pulumi.export("vpc_id", vpc.id)
'''

CDK = '''
from aws_cdk import Stack, CfnOutput, Duration
from aws_cdk import aws_ec2 as ec2, aws_s3 as s3, aws_rds as rds
from constructs import Construct


class TapStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.vpc = ec2.Vpc(self, "Vpc", max_azs=2, nat_gateways=2)
        self.bucket = s3.Bucket(self, "Data", versioned=True, encryption=s3.BucketEncryption.S3_MANAGED)
        self._database()
        ec2.CfnVPCPeeringConnection(self, "Peer", vpc_id=self.vpc.vpc_id, peer_vpc_id="vpc-123")
        CfnOutput(self, "BucketName", value=self.bucket.bucket_name)

    def _database(self):
        rds.DatabaseInstance(self, "Db", vpc=self.vpc, backup_retention=Duration.days(7), multi_az=True)
'''

CDKTF = '''
from cdktf import TerraformStack, TerraformOutput, S3Backend
from constructs import Construct
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA, S3BucketVersioningVersioningConfiguration
from cdktf_cdktf_provider_aws.data_aws_availability_zones import DataAwsAvailabilityZones


class TapStack(TerraformStack):
    def __init__(self, scope: Construct, ns: str):
        super().__init__(scope, ns)
        AwsProvider(self, "aws", region="eu-central-1")
        S3Backend(self, bucket="state", key="k", region="us-east-1")
        azs = DataAwsAvailabilityZones(self, "azs", state="available")
        vpc = Vpc(self, "vpc", cidr_block="10.0.0.0/16")
        bucket = S3Bucket(self, "bucket", bucket_prefix="data-")
        S3BucketVersioningA(self, "versioning", bucket=bucket.id,
                            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"))
        TerraformOutput(self, "vpc_id", value=vpc.id)
'''


def test_pulumi_resources_types_loops_and_references():
    p = program_of({"__main__.py": PULUMI})
    by = p.by_address()
    assert by["aws_vpc.main"].attributes["cidr_block"] == "10.0.0.0/16"
    subnet = by["aws_subnet.s-{i}"]
    assert subnet.count is None  # created in a comprehension
    assert subnet.refs == ("aws_vpc.main",)
    versioning = by["aws_s3_bucket_versioning.logs-versioning"]
    assert versioning.attributes["versioning_configuration"] == {"status": "Enabled"}
    assert versioning.refs == ("aws_s3_bucket.logs",)
    assert [r.type for r in p.data_sources()] == ["aws_ami"]
    assert [(pr.alias, pr.region) for pr in p.providers] == [("east", "us-east-1")]
    assert [o.name for o in p.outputs] == ["vpc_id"]
    assert p.dialects == {"pulumi"}


def test_cdk_l2_constructs_expand_to_what_they_synthesize():
    p = program_of({"lib/tap_stack.py": CDK})
    types = [r.type for r in p.resources]
    assert "aws_vpc" in types and "aws_nat_gateway" in types and "aws_internet_gateway" in types
    nat = next(r for r in p.resources if r.type == "aws_nat_gateway")
    assert nat.count == 2 and nat.synthesized_from == "aws_vpc.Vpc"
    assert "aws_s3_bucket_versioning" in types
    sse = next(r for r in p.resources if r.type == "aws_s3_bucket_server_side_encryption_configuration")
    assert sse.attributes["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "AES256"
    db = p.by_address()["aws_db_instance.Db"]  # created inside a helper method
    assert db.attributes["backup_retention_period"] == 7 and db.attributes["multi_az"] is True
    assert db.refs == ("aws_vpc.Vpc",)  # self.vpc bound in __init__
    peer = p.by_address()["aws_vpc_peering_connection.Peer"]  # L1 via its CloudFormation type
    assert peer.source_type == "aws_cdk.aws_ec2.CfnVPCPeeringConnection"
    assert [o.name for o in p.outputs] == ["BucketName"]


def _synthesized(body: str) -> dict[str, int | None]:
    p = program_of({"lib/tap_stack.py": "from aws_cdk import Stack, Duration, aws_ec2 as ec2, aws_rds as rds\n"
                    "class S(Stack):\n    def f(self, vpc, engine):\n        " + body + "\n"})
    return {r.type: r.count for r in p.resources}


def test_cdk_vpc_expands_subnets_route_tables_routes_and_nat_per_az():
    default = _synthesized("ec2.Vpc(self, 'V', max_azs=2)")  # a public and a private (egress) group
    assert default == {"aws_vpc": 1, "aws_internet_gateway": 1, "aws_subnet": 4, "aws_route_table": 4,
                       "aws_route_table_association": 4, "aws_route": 4, "aws_eip": 2, "aws_nat_gateway": 2}
    isolated = _synthesized("ec2.Vpc(self, 'V', max_azs=3, subnet_configuration=["
                            "ec2.SubnetConfiguration(name='p', subnet_type=ec2.SubnetType.PUBLIC),"
                            "ec2.SubnetConfiguration(name='i', subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)])")
    assert isolated == {"aws_vpc": 1, "aws_internet_gateway": 1, "aws_subnet": 6, "aws_route_table": 6,
                        "aws_route_table_association": 6, "aws_route": 3}  # no NAT without egress subnets
    one_nat = _synthesized("ec2.Vpc(self, 'V', max_azs=3, nat_gateways=1)")
    assert one_nat["aws_nat_gateway"] == 1 and one_nat["aws_eip"] == 1 and one_nat["aws_route"] == 6


def test_cdk_database_cluster_readers_are_cluster_instances():
    readers = _synthesized("rds.DatabaseCluster(self, 'C', engine=engine, writer=rds.ClusterInstance.provisioned('w'), "
                           "readers=[rds.ClusterInstance.provisioned('r1'), rds.ClusterInstance.serverless_v2('r2')], "
                           "backup=rds.BackupProps(retention=Duration.days(7)))")
    assert readers == {"aws_rds_cluster": 1, "aws_rds_cluster_instance": 2}
    assert _synthesized("rds.DatabaseCluster(self, 'C', engine=engine, instances=3, instance_props=None)")["aws_rds_cluster_instance"] == 2
    assert _synthesized("rds.DatabaseCluster(self, 'C', engine=engine, writer=rds.ClusterInstance.provisioned('w'))") == {"aws_rds_cluster": 1}
    p = program_of({"lib/tap_stack.py": "from aws_cdk import Stack, Duration, aws_rds as rds\nclass S(Stack):\n    def f(self):\n"
                    "        rds.DatabaseCluster(self, 'C', backup=rds.BackupProps(retention=Duration.days(7)))\n"})
    assert p.by_address()["aws_rds_cluster.C"].attributes["backup_retention_period"] == 7


def test_cdktf_classes_map_one_to_one():
    p = program_of({"lib/tap_stack.py": CDKTF})
    by = p.by_address()
    assert by["aws_s3_bucket_versioning.versioning"].refs == ("aws_s3_bucket.bucket",)
    assert by["data.aws_availability_zones.azs"].mode == "data"
    assert by["aws_vpc.vpc"].attributes == {"cidr_block": "10.0.0.0/16"}
    assert p.providers[0].region == "eu-central-1"
    assert p.backends[0][0] == "s3"
    assert [o.name for o in p.outputs] == ["vpc_id"]


def test_undefined_names_are_scope_aware():
    code = '''
import os
from aws_cdk import Duration

def f(a, *args, **kw):
    b = [x for x in a]
    return b + args + kw + Duration + missing_name + os.sep

class A:
    attr = 1
    def m(self):
        return self.attr + attr
'''
    facts = program_of({"x.py": code}).python[0]
    assert facts.undefined == [("missing_name", 7), ("attr", 12)]


def test_python_syntax_error_is_a_parse_error_with_line():
    p = program_of({"x.py": "def broken(:\n    pass\n", "y.py": "import pulumi_aws as aws\naws.s3.Bucket('b')\n"})
    assert p.errors[0].file == "x.py" and p.errors[0].line == 1
    assert [r.type for r in p.resources] == ["aws_s3_bucket"]


def test_graded_python_is_never_imported():
    marker = "/tmp/grader-import-marker"
    code = f"open({marker!r}, 'w').write('ran')\nimport pulumi_aws as aws\naws.s3.Bucket('b')\n"
    import os

    if os.path.exists(marker):
        os.remove(marker)
    program_of({"__main__.py": code})
    assert not os.path.exists(marker)


def test_a_rebound_sdk_module_name_no_longer_declares_resources():
    code = (
        "import boto3\nfrom pulumi_aws import dynamodb\n\n"
        "table = dynamodb.Table('meta', hash_key='id', attributes=[])\n\n"
        "def handler(event, context):\n"
        "    dynamodb = boto3.resource('dynamodb')\n"
        "    return dynamodb.Table('meta').get_item(Key={})\n\n"
        "dynamodb.Table('other', hash_key='id', attributes=[])\n"
        "dynamodb = boto3.resource('dynamodb')\n"
        "dynamodb.Table('runtime-only')\n"
    )
    program = program_of({"__main__.py": code})
    # the Pulumi table before the rebinding and the one after the function's own local binding are
    # resources; the boto3 calls (inside the function, and after the module-level rebinding) are not
    assert sorted(r.name for r in program.resources) == ["meta", "other"]


def test_cdk_load_balanced_service_patterns_make_their_load_balancer():
    code = ("from aws_cdk import Stack, aws_ecs_patterns as patterns\nclass S(Stack):\n    def f(self, cluster):\n"
            "        patterns.ApplicationLoadBalancedFargateService(self, 'Web', cluster=cluster, cpu=256)\n")
    p = program_of({"lib/tap_stack.py": code})
    made = {r.type: r.synthesized_from for r in p.resources}
    assert made["aws_ecs_service"] is None
    assert made["aws_lb"] == made["aws_lb_listener"] == made["aws_lb_target_group"] == "aws_ecs_service.Web"
    plain = code.replace("patterns.ApplicationLoadBalancedFargateService", "patterns.QueueProcessingFargateService")
    assert "aws_lb" not in {r.type for r in program_of({"lib/tap_stack.py": plain}).resources}


def test_a_helper_called_three_times_makes_its_resources_three_times():
    helper = ("from aws_cdk import Stack, aws_s3 as s3\n\n\nclass S(Stack):\n    def __init__(self, scope, id):\n"
              "        super().__init__(scope, id)\n        for_each = None\n{calls}\n\n"
              "    def _bucket(self, name):\n        return s3.Bucket(self, name)\n")
    three = program_of({"lib/tap_stack.py": helper.format(calls="        self._bucket('a')\n        self._bucket('b')\n        self._bucket('c')")})
    assert [r.count for r in three.of_type("aws_s3_bucket")] == [3]
    once = program_of({"lib/tap_stack.py": helper.format(calls="        self._bucket('a')")})
    assert [r.count for r in once.of_type("aws_s3_bucket")] == [1]
    looped = program_of({"lib/tap_stack.py": helper.format(calls="        for n in 'abc':\n            self._bucket(n)")})
    assert [r.count for r in looped.of_type("aws_s3_bucket")] == [None]
