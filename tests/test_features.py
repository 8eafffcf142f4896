"""Rubric-driven feature checks: a failing and a passing example per family, in HCL and a Python dialect."""

import pytest

from grader.checks.base import REGISTRY, Context, all_checks
from grader.rubric.model import Requirement
from tests.conftest import program_of

all_checks()


def test_a_deny_statements_wildcard_grants_nothing():
    stack = ("from aws_cdk import Stack, aws_iam as iam\nclass S(Stack):\n    def f(self):\n"
             "        role = iam.Role(self, 'R', assumed_by=iam.ServicePrincipal('lambda.amazonaws.com'))\n"
             "        role.add_to_policy(iam.PolicyStatement(effect=iam.Effect.{}, actions=['s3:*'], resources=['*']))\n")
    assert judge("REQ040", {"lib/tap_stack.py": stack.format("ALLOW")}) == {"fail"}
    assert "fail" not in judge("REQ040", {"lib/tap_stack.py": stack.format("DENY")})


def test_multi_az_from_per_environment_config_is_not_judged():
    files = {"__main__.py": 'import pulumi, pulumi_aws as aws\ncfg = pulumi.Config()\naws.rds.Instance("d", multi_az=cfg.get_bool("multi_az"))\n'}
    assert judge("REQ062", files) == {"unknown"}


def test_deliverable_files_evidence_is_the_missing_file_not_the_extras():
    files = {"backend.tf": "terraform {}\n", "versions.tf": "terraform {}\n", "main.tf": 'resource "aws_vpc" "a" {}\n'}
    cls = REGISTRY["REQ001"]
    req = Requirement(id="R", area=cls.area, text="t")
    [finding] = cls().evaluate(program_of(files), Context(), req, {"files": ["main.tf", "outputs.tf"]})
    assert finding.status == "partial" and "missing `outputs.tf`" in finding.message
    assert finding.found == "no outputs.tf" and [loc.file for loc in finding.locations] == ["main.tf"]
    assert "exactly" not in cls.fix


def judge(check_id: str, sources: dict[str, str], **params) -> set[str]:
    cls = REGISTRY[check_id]
    req = Requirement(id="R", area=cls.area, text="t")
    return {f.status for f in cls().evaluate(program_of(sources), Context(), req, params)}


CASES = [
    # (check, params, failing files, passing files)
    ("REQ010", {"regions": ["us-west-2"]},
     {"main.tf": 'provider "aws" {\n  region = "us-east-2"\n}\nresource "aws_vpc" "a" {}\n'},
     {"main.tf": 'provider "aws" {\n  region = "us-west-2"\n}\nresource "aws_vpc" "a" {}\n'}),
    ("REQ010", {"regions": ["us-east-1", "us-west-2"]},
     {"tap.py": 'import pulumi_aws as aws\nfor r in ["us-east-1", "us-east-2"]:\n    aws.Provider(r, region=r)\n'},
     {"tap.py": 'import pulumi_aws as aws\nfor r in ["us-east-1", "us-west-2"]:\n    aws.Provider(r, region=r)\n'}),
    ("REQ020", {"concept": "nat_gateway"},
     {"main.tf": 'resource "aws_vpc" "a" {}\n'},
     {"main.tf": 'resource "aws_nat_gateway" "n" {\n  count = 2\n}\n'}),
    ("REQ020", {"concept": "nat_gateway"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_ec2 as ec2\nclass S(Stack):\n    def f(self):\n        ec2.Vpc(self, 'V', nat_gateways=0)\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_ec2 as ec2\nclass S(Stack):\n    def f(self):\n        ec2.Vpc(self, 'V', max_azs=2)\n"}),
    # ec2.Vpc synthesizes route tables and, with a public subnet group, an internet gateway
    ("REQ020", {"concept": "route_table"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_ec2 as ec2\nclass S(Stack):\n    def f(self):\n        ec2.Vpc.from_lookup(self, 'V', vpc_id='vpc-1')\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_ec2 as ec2\nclass S(Stack):\n    def f(self):\n        ec2.Vpc(self, 'V', max_azs=2)\n"}),
    ("REQ020", {"concept": "internet_gateway"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_ec2 as ec2\nclass S(Stack):\n    def f(self):\n        ec2.Vpc(self, 'V', subnet_configuration=["
                          "ec2.SubnetConfiguration(name='i', subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)])\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_ec2 as ec2\nclass S(Stack):\n    def f(self):\n        ec2.Vpc(self, 'V')\n"}),
    # a lambda_.Function without `role=` gets its execution role from CDK
    ("REQ020", {"concept": "iam_role"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_s3 as s3\nclass S(Stack):\n    def f(self):\n        s3.Bucket(self, 'B')\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_lambda as lambda_\nclass S(Stack):\n    def f(self, code):\n"
                          "        lambda_.Function(self, 'F', runtime=lambda_.Runtime.PYTHON_3_12, handler='i.h', code=code)\n"}),
    # rds.DatabaseCluster readers are Aurora replicas
    ("REQ020", {"concept": "read_replica"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_rds as rds\nclass S(Stack):\n    def f(self, vpc, engine):\n"
                          "        rds.DatabaseCluster(self, 'C', engine=engine, vpc=vpc, writer=rds.ClusterInstance.provisioned('w'))\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_rds as rds\nclass S(Stack):\n    def f(self, vpc, engine):\n"
                          "        rds.DatabaseCluster(self, 'C', engine=engine, vpc=vpc, writer=rds.ClusterInstance.provisioned('w'),\n"
                          "                            readers=[rds.ClusterInstance.serverless_v2('r')])\n"}),
    ("REQ020", {"concept": "read_replica"},
     {"main.tf": 'resource "aws_db_instance" "db" {}\n'},
     {"main.tf": 'resource "aws_db_instance" "db" {}\nresource "aws_db_instance" "r" {\n  replicate_source_db = aws_db_instance.db.arn\n}\n'}),
    ("REQ030", {"kms": True},
     {"main.tf": 'resource "aws_db_instance" "db" {\n  storage_encrypted = false\n}\n'},
     {"main.tf": 'resource "aws_kms_key" "k" {}\nresource "aws_db_instance" "db" {\n  storage_encrypted = true\n  kms_key_id = aws_kms_key.k.arn\n}\n'}),
    ("REQ030", {"kms": True, "stores": ["sns"]},  # a topic is judged when the prompt names it
     {"__main__.py": 'import pulumi_aws as aws\naws.sns.Topic("t")\n'},
     {"__main__.py": 'import pulumi_aws as aws\nk = aws.kms.Key("k")\naws.sns.Topic("t", kms_master_key_id=k.id)\n'}),
    ("REQ031", {},
     {"main.tf": 'resource "aws_s3_bucket" "b" {}\n'},
     {"main.tf": 'resource "aws_s3_bucket" "b" {}\nresource "aws_s3_bucket_policy" "p" {\n  bucket = aws_s3_bucket.b.id\n'
                 '  policy = jsonencode({ Statement = [{ Effect = "Deny", Condition = { Bool = { "aws:SecureTransport" = "false" } } }] })\n}\n'}),
    ("REQ031", {},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_s3 as s3\nclass S(Stack):\n    def f(self):\n        s3.Bucket(self, 'B')\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_s3 as s3\nclass S(Stack):\n    def f(self):\n        s3.Bucket(self, 'B', enforce_ssl=True)\n"}),
    ("REQ040", {},
     {"main.tf": 'resource "aws_iam_role_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "logs:*", Resource = "*" }] })\n}\n'},
     {"main.tf": 'resource "aws_iam_role_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "logs:PutLogEvents", Resource = "arn:aws:logs:us-east-1:1:log-group:x" }] })\n}\n'}),
    ("REQ040", {},
     {"__main__.py": 'import json\nimport pulumi_aws as aws\naws.iam.RolePolicy("p", role="r", policy=json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))\n'},
     {"__main__.py": 'import json\nimport pulumi_aws as aws\naws.iam.RolePolicy("p", role="r", policy=json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}))\n'}),
    # actions with no resource-level permissions take Resource "*"; the KMS key policy's root statement is standard
    ("REQ040", {},
     {"main.tf": 'resource "aws_iam_role_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["cloudwatch:PutMetricData", "s3:GetObject"], Resource = "*" }] })\n}\n'},
     {"main.tf": 'resource "aws_iam_role_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["cloudwatch:PutMetricData", "ec2:DescribeInstances"], Resource = "*" }] })\n}\n'
                 'resource "aws_kms_key" "k" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }] })\n}\n'}),
    ("REQ020", {"concept": "secrets_manager", "any_of": ["secrets_manager", "ssm_parameter"]},
     {"main.tf": 'resource "aws_s3_bucket" "b" {}\n'},
     {"main.tf": 'resource "aws_ssm_parameter" "p" {\n  name = "x"\n  type = "SecureString"\n  value = "v"\n}\n'}),
    ("REQ031", {"scope": ["alb"]},
     {"main.tf": 'resource "aws_lb" "a" {}\nresource "aws_lb_listener" "l" {\n  load_balancer_arn = aws_lb.a.arn\n  protocol = "HTTP"\n}\n'},
     {"main.tf": 'resource "aws_s3_bucket" "b" {}\nresource "aws_lb" "a" {}\nresource "aws_lb_listener" "l" {\n  load_balancer_arn = aws_lb.a.arn\n  protocol = "HTTPS"\n}\n'}),
    ("REQ031", {"scope": ["rds"]},  # RDS for PostgreSQL 15+ defaults rds.force_ssl to 1; 14 does not
     {"main.tf": 'resource "aws_db_instance" "d" {\n  engine = "postgres"\n  engine_version = "14.9"\n}\n'},
     {"main.tf": 'resource "aws_db_instance" "d" {\n  engine = "postgres"\n  engine_version = "15.3"\n}\n'}),
    ("REQ031", {"scope": ["rds"]},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_rds as rds\nclass S(Stack):\n    def f(self, vpc):\n        rds.DatabaseInstance(self, 'D', vpc=vpc, "
                          "engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_14_9))\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_rds as rds\nclass S(Stack):\n    def f(self, vpc):\n        rds.DatabaseInstance(self, 'D', vpc=vpc, "
                          "engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_16_4))\n"}),
    ("REQ045", {},  # a parameter named like a secret is SecureString
     {"__main__.py": 'import pulumi_aws as aws\naws.ssm.Parameter("db-password", type="String", value="x")\n'},
     {"__main__.py": 'import pulumi_aws as aws\naws.ssm.Parameter("db-password", type="SecureString", value="x")\n'
                     'aws.ssm.Parameter("max-retries", type="String", value="3")\n'}),
    ("REQ060", {"all": False},
     {"main.tf": 'resource "aws_s3_bucket" "b" {}\n'},
     {"main.tf": 'resource "aws_s3_bucket" "b" {}\nresource "aws_s3_bucket" "logs" {}\nresource "aws_s3_bucket_versioning" "v" {\n  bucket = aws_s3_bucket.b.id\n  versioning_configuration {\n    status = "Enabled"\n  }\n}\n'}),
    ("REQ011", {"concept": "s3"},  # made per region in a loop: a templated name and a provider per item
     {"__main__.py": 'import pulumi_aws as aws\naws.s3.Bucket("b")\n'},
     {"__main__.py": 'import pulumi, pulumi_aws as aws\nfor r in ["us-east-1", "eu-west-1"]:\n    p = aws.Provider(f"p-{r}", region=r)\n'
                     '    aws.s3.Bucket(f"b-{r}", opts=pulumi.ResourceOptions(provider=p))\n'}),
    ("REQ030", {"kms": False},  # "encrypt data at rest" names no store: topics and queues are not judged
     {"main.tf": 'resource "aws_db_instance" "d" {\n  storage_encrypted = false\n}\nresource "aws_sns_topic" "t" {}\n'},
     {"main.tf": 'resource "aws_db_instance" "d" {\n  storage_encrypted = true\n}\nresource "aws_sns_topic" "t" {}\n'}),
    ("REQ002", {},  # module folders delivered, called by no root module: the answer is modular
     {"main.tf": 'resource "aws_vpc" "v" {}\n'},
     {"modules/vpc/main.tf": 'resource "aws_vpc" "v" {}\n', "main.tf": 'resource "aws_s3_bucket" "b" {}\n'}),
    ("REQ041", {"ports": [443]},  # CDK: an egress rule is not inbound
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_ec2 as ec2\nclass S(Stack):\n    def f(self, sg):\n"
                          "        sg.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(22))\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_ec2 as ec2\nclass S(Stack):\n    def f(self, sg):\n"
                          "        sg.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443))\n        sg.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(80))\n"}),
    ("REQ063", {},  # CDK TableV2 takes a flag
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_dynamodb as ddb\nclass S(Stack):\n    def f(self, key):\n        ddb.TableV2(self, 'T', partition_key=key)\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_dynamodb as ddb\nclass S(Stack):\n    def f(self, key):\n"
                          "        ddb.TableV2(self, 'T', partition_key=key, point_in_time_recovery=True)\n"}),
    ("REQ071", {"types": ["t3.medium"]},  # EC2 types are not judged on the database class
     {"main.tf": 'resource "aws_instance" "a" {\n  instance_type = "t3.large"\n}\n'},
     {"main.tf": 'resource "aws_instance" "a" {\n  instance_type = "t3.medium"\n}\nresource "aws_db_instance" "d" {\n  instance_class = "db.t3.micro"\n}\n'}),
    ("REQ020", {"concept": "ec2", "min_count": 3},  # instances an Auto Scaling group makes are not counted by blocks
     {"main.tf": 'resource "aws_instance" "a" {}\n'},
     {"main.tf": 'resource "aws_launch_template" "l" {}\nresource "aws_autoscaling_group" "g" {\n  desired_capacity = 3\n}\n'}),
    ("REQ020", {"concept": "eventbridge"},  # EventBridge Scheduler is EventBridge
     {"main.tf": 'resource "aws_lambda_function" "f" {}\n'},
     {"main.tf": 'resource "aws_scheduler_schedule" "s" {\n  schedule_expression = "rate(5 minutes)"\n}\n'}),
    ("REQ030", {"kms": True, "stores": ["s3"], "all": False},  # "the data bucket uses KMS": another bucket may differ
     {"main.tf": 'resource "aws_s3_bucket" "data" {}\n'},
     {"main.tf": 'resource "aws_kms_key" "k" {}\nresource "aws_s3_bucket" "data" {}\nresource "aws_s3_bucket" "config" {}\n'
                 'resource "aws_s3_bucket_server_side_encryption_configuration" "e" {\n  bucket = aws_s3_bucket.data.id\n'
                 '  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm = "aws:kms"\n      kms_master_key_id = aws_kms_key.k.arn\n    }\n  }\n}\n'}),
    ("REQ043", {"scope": ["s3"], "all": False},  # one bucket asked to block public access; a second one may not
     {"main.tf": 'resource "aws_s3_bucket" "data" {}\n'},
     {"main.tf": 'resource "aws_s3_bucket" "data" {}\nresource "aws_s3_bucket" "config" {}\n'
                 'resource "aws_s3_bucket_public_access_block" "d" {\n  bucket = aws_s3_bucket.data.id\n}\n'}),
    ("REQ041", {"ports": [443]},  # only what the internet may reach is judged against the allowlist
     {"main.tf": 'resource "aws_security_group" "s" {\n  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'},
     {"main.tf": 'resource "aws_security_group" "s" {\n  ingress {\n    from_port = 443\n    to_port = 443\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n'
                 '  ingress {\n    from_port = 5432\n    to_port = 5432\n    protocol = "tcp"\n    cidr_blocks = ["10.0.0.0/16"]\n  }\n}\n'}),
    ("REQ043", {"scope": ["db"]},
     {"main.tf": 'resource "aws_db_instance" "d" {\n  publicly_accessible = true\n}\n'},
     {"main.tf": 'resource "aws_s3_bucket" "b" {}\nresource "aws_db_instance" "d" {\n  publicly_accessible = false\n}\n'}),
    ("REQ010", {"regions": ["us-west-2"], "also": ["us-east-1"]},
     {"main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\nprovider "aws" {\n  alias = "w"\n  region = "us-west-2"\n}\n'},
     {"main.tf": 'provider "aws" {\n  region = "us-east-1"\n}\nprovider "aws" {\n  alias = "w"\n  region = "us-west-2"\n}\n'}),
    ("REQ042", {},
     {"main.tf": 'resource "aws_security_group" "s" {\n  egress {\n    from_port = 0\n    to_port = 0\n    protocol = "-1"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'},
     {"main.tf": 'resource "aws_security_group" "s" {\n  egress {\n    from_port = 443\n    to_port = 443\n    protocol = "tcp"\n    cidr_blocks = ["10.0.0.0/16"]\n  }\n}\n'}),
    ("REQ043", {},
     {"main.tf": 'resource "aws_s3_bucket" "b" {}\n'},
     {"main.tf": 'resource "aws_s3_bucket" "b" {}\nresource "aws_s3_bucket_public_access_block" "b" {\n  bucket = aws_s3_bucket.b.id\n}\n'}),
    ("REQ043", {},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_s3 as s3\nclass S(Stack):\n    def f(self):\n        s3.Bucket(self, 'B')\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_s3 as s3\nclass S(Stack):\n    def f(self):\n        s3.Bucket(self, 'B', block_public_access=s3.BlockPublicAccess.BLOCK_ALL)\n"}),
    ("REQ050", {},
     {"main.tf": 'resource "aws_sns_topic" "t" {}\nresource "aws_cloudwatch_metric_alarm" "a" {}\n'},
     {"main.tf": 'resource "aws_sns_topic" "t" {}\nresource "aws_cloudwatch_metric_alarm" "a" {\n  alarm_actions = [aws_sns_topic.t.arn]\n}\n'}),
    ("REQ051", {"source": "aws.guardduty"},
     {"main.tf": 'resource "aws_guardduty_detector" "d" {}\n'},
     {"main.tf": 'resource "aws_cloudwatch_event_rule" "r" {\n  event_pattern = jsonencode({ source = ["aws.guardduty"] })\n}\n'
                 'resource "aws_cloudwatch_event_target" "t" {\n  rule = aws_cloudwatch_event_rule.r.name\n  arn = aws_sns_topic.a.arn\n}\n'}),
    ("REQ052", {"days": 30},
     {"main.tf": 'resource "aws_cloudwatch_log_group" "g" {\n  retention_in_days = 7\n}\n'},
     {"main.tf": 'resource "aws_cloudwatch_log_group" "g" {\n  retention_in_days = 30\n}\n'}),
    ("REQ052", {"days": 30},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_logs as logs\nclass S(Stack):\n    def f(self):\n        logs.LogGroup(self, 'G', retention=logs.RetentionDays.ONE_WEEK)\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_logs as logs\nclass S(Stack):\n    def f(self):\n        logs.LogGroup(self, 'G', retention=logs.RetentionDays.ONE_MONTH)\n"}),
    ("REQ053", {},
     {"main.tf": 'resource "aws_cloudfront_distribution" "d" {}\n'},
     {"main.tf": 'resource "aws_cloudfront_distribution" "d" {\n  logging_config {\n    bucket = "logs.s3.amazonaws.com"\n  }\n}\n'}),
    ("REQ060", {},
     {"main.tf": 'resource "aws_s3_bucket" "b" {}\n'},
     {"main.tf": 'resource "aws_s3_bucket" "b" {}\nresource "aws_s3_bucket_versioning" "v" {\n  bucket = aws_s3_bucket.b.id\n  versioning_configuration {\n    status = "Enabled"\n  }\n}\n'}),
    ("REQ060", {},
     {"cdktf.py": "from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket\nclass S:\n    def f(self):\n        S3Bucket(self, 'b')\n"},
     {"cdktf.py": "from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket\nfrom cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA\n"
                  "class S:\n    def f(self):\n        b = S3Bucket(self, 'b')\n        S3BucketVersioningA(self, 'v', bucket=b.id, versioning_configuration={'status': 'Enabled'})\n"}),
    ("REQ061", {"days": 7},
     {"main.tf": 'resource "aws_db_instance" "d" {\n  backup_retention_period = 1\n}\n'},
     {"main.tf": 'resource "aws_db_instance" "d" {\n  backup_retention_period = 7\n}\n'}),
    ("REQ062", {},
     {"main.tf": 'resource "aws_db_instance" "d" {\n  multi_az = false\n}\n'},
     {"main.tf": 'resource "aws_db_instance" "d" {\n  multi_az = true\n}\n'}),
    ("REQ063", {},
     {"main.tf": 'resource "aws_dynamodb_table" "t" {}\n'},
     {"main.tf": 'resource "aws_dynamodb_table" "t" {\n  point_in_time_recovery {\n    enabled = true\n  }\n}\n'}),
    ("REQ063", {},
     {"__main__.py": 'import pulumi_aws as aws\naws.dynamodb.Table("t")\n'},
     {"__main__.py": 'import pulumi_aws as aws\naws.dynamodb.Table("t", point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True))\n'}),
    ("REQ070", {"latest": True},
     {"main.tf": 'resource "aws_lambda_function" "f" {\n  runtime = "nodejs18.x"\n}\n'},
     {"main.tf": 'resource "aws_lambda_function" "f" {\n  runtime = "nodejs24.x"\n}\n'}),
    ("REQ070", {"runtime": "python3.12"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_lambda as l\nclass S(Stack):\n    def f(self):\n        l.Function(self, 'F', runtime=l.Runtime.PYTHON_3_9)\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_lambda as l\nclass S(Stack):\n    def f(self):\n        l.Function(self, 'F', runtime=l.Runtime.PYTHON_3_12)\n"}),
    ("REQ071", {"types": ["t3.micro"]},
     {"main.tf": 'resource "aws_instance" "i" {\n  instance_type = "m5.large"\n}\n'},
     {"main.tf": 'resource "aws_instance" "i" {\n  instance_type = "t3.micro"\n}\n'}),
    ("REQ080", {"keys": ["Environment", "Owner"]},
     {"main.tf": 'resource "aws_s3_bucket" "b" {\n  tags = { Name = "x" }\n}\n'},
     {"main.tf": 'provider "aws" {\n  default_tags {\n    tags = { Environment = "p", Owner = "o" }\n  }\n}\nresource "aws_s3_bucket" "b" {}\n'}),
    ("REQ080", {"keys": ["Environment"]},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_s3 as s3\nclass S(Stack):\n    def f(self):\n        s3.Bucket(self, 'B')\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, Tags, aws_s3 as s3\nclass S(Stack):\n    def f(self):\n        s3.Bucket(self, 'B')\n        Tags.of(self).add('Environment', 'prod')\n"}),
    ("REQ081", {"pattern": "PROD-{service}-{identifier}-{region}"},
     {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n}\n'},
     {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "PROD-s3-logs-${var.region}"\n}\n'}),
    ("REQ082", {},
     {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n}\n'},
     {"main.tf": 'variable "environment_suffix" {}\nresource "aws_s3_bucket" "b" {\n  bucket = "logs-${var.environment_suffix}"\n}\n'}),
    ("REQ082", {},  # a stage name is unique only within its API: it needs no suffix; the API's own name does
     {"main.tf": 'variable "environment_suffix" {}\nresource "aws_apigatewayv2_api" "a" {\n  name = "payments"\n}\n'
                 'resource "aws_apigatewayv2_stage" "s" {\n  api_id = aws_apigatewayv2_api.a.id\n  name = "prod"\n}\n'},
     {"main.tf": 'variable "environment_suffix" {}\nresource "aws_apigatewayv2_api" "a" {\n  name = "payments-${var.environment_suffix}"\n}\n'
                 'resource "aws_apigatewayv2_stage" "s" {\n  api_id = aws_apigatewayv2_api.a.id\n  name = "prod"\n}\n'}),
    ("REQ090", {"names": ["vpc id", "bucket name"]},
     {"main.tf": 'output "vpc_id" {\n  value = 1\n}\n'},
     {"main.tf": 'output "vpc_id" {\n  value = 1\n}\noutput "logs_bucket_name" {\n  value = 2\n}\n'}),
    ("REQ090", {"names": ["vpc id"]},
     {"__main__.py": "import pulumi\n"},
     {"__main__.py": "import pulumi\npulumi.export('vpc_id', 1)\n"}),
    ("REQ100", {},
     {"main.tf": 'variable "env" {}\n'},
     {"main.tf": 'variable "env" {\n  validation {\n    condition = true\n    error_message = "x"\n  }\n}\n'}),
    ("REQ110", {"class_name": "TapStack"},
     {"lib/tap_stack.py": "class MyStack:\n    pass\n"},
     {"lib/tap_stack.py": "class TapStack:\n    pass\n"}),
    ("REQ001", {"files": ["tap_stack.tf"], "single_file": True},
     {"network.tf": 'resource "aws_vpc" "a" {}\n', "storage.tf": 'resource "aws_s3_bucket" "b" {}\n'},
     {"tap_stack.tf": 'resource "aws_vpc" "a" {}\nresource "aws_s3_bucket" "b" {}\n'}),
    # names the prompt capitalises match whatever the case and folder of the delivered file
    ("REQ001", {"files": ["Variables.tf", "Main.tf"], "single_file": False},
     {"network.tf": 'resource "aws_vpc" "a" {}\n'},
     {"variables.tf": 'variable "env" {}\n', "lib/main.tf": 'resource "aws_vpc" "a" {}\n'}),
    # files beside the named ones (backend, versions, providers) are no failure
    ("REQ001", {"files": ["main.tf", "variables.tf"], "single_file": False},
     {"main.tf": 'resource "aws_vpc" "a" {}\n', "network.tf": 'resource "aws_subnet" "b" {}\n'},
     {"main.tf": 'resource "aws_vpc" "a" {}\n', "variables.tf": 'variable "env" {}\n', "backend.tf": 'terraform {}\n',
      "versions.tf": 'terraform {}\n', "providers.tf": 'provider "aws" {}\n', "network.tf": 'resource "aws_subnet" "b" {}\n'}),
    ("REQ002", {},
     {"main.tf": 'resource "aws_vpc" "a" {}\n'},
     {"main.tf": 'module "net" {\n  source = "./modules/net"\n}\n'}),
    ("REQ011", {"concept": "guardduty"},
     {"main.tf": 'resource "aws_guardduty_detector" "d" {}\n'},
     {"main.tf": 'data "aws_regions" "all" {}\nresource "aws_guardduty_detector" "d" {\n  for_each = toset(data.aws_regions.all.names)\n}\n'}),
    ("REQ021", {"count": 3},
     {"main.tf": 'resource "aws_subnet" "a" {\n  count = 2\n}\n'},
     {"main.tf": 'resource "aws_subnet" "a" {\n  count = 3\n}\n'}),
    ("REQ044", {},
     {"main.tf": 'resource "aws_s3_bucket" "b" {}\n'},
     {"main.tf": 'resource "aws_s3_bucket_policy" "p" {\n  policy = jsonencode({ Statement = [{ Principal = { AWS = aws_iam_role.app.arn } }] })\n}\n'}),
    # a pattern for buckets judges bucket names only, not the table's
    ("REQ081", {"pattern": "s3-docs-{region}-ACCOUNT_ID", "types": ["aws_s3_bucket"]},
     {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n}\nresource "aws_dynamodb_table" "t" {\n  name = "transactions"\n}\n'},
     {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "s3-docs-${var.region}-ACCOUNT_ID-${var.account}"\n}\n'
                 'resource "aws_dynamodb_table" "t" {\n  name = "transactions"\n}\n'}),
    # "KMS encryption" without "customer-managed": the engine's AWS-managed KMS key meets it, S3's own SSE-S3 does not
    ("REQ030", {"kms": True, "kms_managed_ok": True, "stores": ["rds", "s3"]},
     {"main.tf": 'resource "aws_db_instance" "d" {\n  storage_encrypted = true\n}\nresource "aws_s3_bucket" "b" {}\n'},
     {"main.tf": 'resource "aws_db_instance" "d" {\n  storage_encrypted = true\n}\nresource "aws_s3_bucket" "b" {}\n'
                 'resource "aws_s3_bucket_server_side_encryption_configuration" "e" {\n  bucket = aws_s3_bucket.b.id\n'
                 '  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm = "aws:kms"\n    }\n  }\n}\n'}),
    ("REQ044", {"principal": "cloudfront"},
     {"main.tf": 'resource "aws_s3_bucket_policy" "p" {\n  policy = jsonencode({ Statement = [{ Principal = { AWS = aws_iam_role.app.arn } }] })\n}\n'},
     {"main.tf": 'resource "aws_s3_bucket_policy" "p" {\n  policy = jsonencode({ Statement = [{ Principal = { Service = "cloudfront.amazonaws.com" } }] })\n}\n'}),
    ("REQ044", {"principal": "cloudtrail"},
     {"main.tf": 'resource "aws_s3_bucket_policy" "p" {\n  policy = jsonencode({ Statement = [{ Principal = { AWS = aws_iam_role.app.arn } }] })\n}\n'},
     {"main.tf": 'resource "aws_s3_bucket_policy" "p" {\n  policy = jsonencode({ Statement = [{ Principal = { Service = "cloudtrail.amazonaws.com" } }] })\n}\n'}),
    # a read replica takes its source's encryption
    ("REQ030", {"kms": True, "stores": ["rds"]},
     {"main.tf": 'resource "aws_db_instance" "p" {\n  kms_key_id = aws_kms_key.k.arn\n}\nresource "aws_db_instance" "r" {\n  storage_encrypted = false\n}\n'},
     {"main.tf": 'resource "aws_db_instance" "p" {\n  kms_key_id = aws_kms_key.k.arn\n}\nresource "aws_db_instance" "r" {\n  replicate_source_db = aws_db_instance.p.identifier\n}\n'}),
    ("REQ072", {"memory": 256, "timeout": 300},
     {"main.tf": 'resource "aws_lambda_function" "f" {\n  memory_size = 128\n}\n'},
     {"main.tf": 'resource "aws_lambda_function" "f" {\n  memory_size = 256\n  timeout = 300\n}\n'}),
    ("REQ054", {"metrics": ["cpu", "free-storage"]},
     {"main.tf": 'resource "aws_cloudwatch_metric_alarm" "lag" {\n  metric_name = "ReplicaLag"\n}\n'},
     {"main.tf": 'resource "aws_cloudwatch_metric_alarm" "cpu" {\n  metric_name = "CPUUtilization"\n}\n'
                 'resource "aws_cloudwatch_metric_alarm" "disk" {\n  metric_name = "FreeStorageSpace"\n}\n'}),
    # Python variants of the families tested above in HCL only
    ("REQ041", {"ports": [443]},
     {"__main__.py": 'import pulumi_aws as aws\naws.ec2.SecurityGroup("s", ingress=[aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=22, to_port=22, cidr_blocks=["0.0.0.0/0"])])\n'},
     {"__main__.py": 'import pulumi_aws as aws\naws.ec2.SecurityGroup("s", ingress=[aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=443, to_port=443, cidr_blocks=["0.0.0.0/0"])])\n'}),
    ("REQ042", {},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_ec2 as ec2\nclass S(Stack):\n    def f(self, vpc):\n        ec2.SecurityGroup(self, 'G', vpc=vpc, allow_all_outbound=True)\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_ec2 as ec2\nclass S(Stack):\n    def f(self, vpc):\n        ec2.SecurityGroup(self, 'G', vpc=vpc, allow_all_outbound=False)\n"}),
    ("REQ050", {},
     {"__main__.py": 'import pulumi_aws as aws\nt = aws.sns.Topic("t")\naws.cloudwatch.MetricAlarm("a", threshold=80)\n'},
     {"__main__.py": 'import pulumi_aws as aws\nt = aws.sns.Topic("t")\naws.cloudwatch.MetricAlarm("a", threshold=80, alarm_actions=[t.arn])\n'}),
    ("REQ050", {},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_sns as sns, aws_cloudwatch as cw\nclass S(Stack):\n    def f(self, m):\n        sns.Topic(self, 'T')\n        alarm = cw.Alarm(self, 'A', metric=m, threshold=1, evaluation_periods=1)\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_sns as sns, aws_cloudwatch as cw, aws_cloudwatch_actions as actions\nclass S(Stack):\n    def f(self, m):\n        topic = sns.Topic(self, 'T')\n        alarm = cw.Alarm(self, 'A', metric=m, threshold=1, evaluation_periods=1)\n        alarm.add_alarm_action(actions.SnsAction(topic))\n"}),
    ("REQ051", {"source": "aws.guardduty"},
     {"cdktf.py": "from cdktf_cdktf_provider_aws.guardduty_detector import GuarddutyDetector\nclass S:\n    def f(self):\n        GuarddutyDetector(self, 'd', enable=True)\n"},
     {"cdktf.py": "import json\nfrom cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule\nclass S:\n    def f(self):\n"
                  "        CloudwatchEventRule(self, 'r', event_pattern=json.dumps({'source': ['aws.guardduty']}), description='to sns')\n"}),
    ("REQ061", {"days": 7},
     {"lib/tap_stack.py": "from aws_cdk import Stack, Duration, aws_rds as rds\nclass S(Stack):\n    def f(self, vpc, engine):\n        rds.DatabaseInstance(self, 'D', engine=engine, vpc=vpc, backup_retention=Duration.days(1))\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, Duration, aws_rds as rds\nclass S(Stack):\n    def f(self, vpc, engine):\n        rds.DatabaseInstance(self, 'D', engine=engine, vpc=vpc, backup_retention=Duration.days(7))\n"}),
    ("REQ062", {},
     {"__main__.py": 'import pulumi_aws as aws\naws.rds.Instance("d", instance_class="db.t3.micro", multi_az=False)\n'},
     {"__main__.py": 'import pulumi_aws as aws\naws.rds.Instance("d", instance_class="db.t3.micro", multi_az=True)\n'}),
    ("REQ082", {},
     {"__main__.py": 'import pulumi_aws as aws\naws.s3.Bucket("b", bucket="logs")\n'},
     {"__main__.py": 'import pulumi\nimport pulumi_aws as aws\nenvironment_suffix = pulumi.Config().get("environmentSuffix")\naws.s3.Bucket("b", bucket=f"logs-{environment_suffix}")\n'}),
    ("REQ100", {},
     {"lib/tap_stack.py": "class TapStack:\n    def __init__(self, suffix):\n        self.suffix = suffix\n"},
     {"lib/tap_stack.py": "class TapStack:\n    def __init__(self, suffix):\n        if not suffix:\n            raise ValueError('suffix')\n        if len(suffix) > 8:\n            raise ValueError('too long')\n"}),
    ("REQ130", {},
     {"main.tf": 'resource "aws_db_instance" "d" {\n  engine = "postgres"\n}\n'},
     {"main.tf": 'resource "aws_db_instance" "d" {\n  engine = "postgres"\n  skip_final_snapshot = true\n}\n'}),
    ("REQ130", {},
     {"main.tf": 'resource "aws_s3_bucket" "b" {\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n'},
     {"main.tf": 'resource "aws_s3_bucket" "b" {\n  force_destroy = true\n}\n'}),
    ("REQ130", {},  # CDK buckets are RETAINed unless told otherwise
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_s3 as s3\nclass S(Stack):\n    def f(self):\n        s3.Bucket(self, 'B')\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, RemovalPolicy, aws_s3 as s3\nclass S(Stack):\n    def f(self):\n"
                          "        s3.Bucket(self, 'B', removal_policy=RemovalPolicy.DESTROY, auto_delete_objects=True)\n"}),
    ("REQ130", {},
     {"__main__.py": 'import pulumi, pulumi_aws as aws\naws.dynamodb.Table("t", opts=pulumi.ResourceOptions(protect=True))\n'},
     {"__main__.py": 'import pulumi, pulumi_aws as aws\naws.dynamodb.Table("t", deletion_protection_enabled=False)\n'}),
    ("REQ032", {},  # an asymmetric key cannot rotate and is left out
     {"main.tf": 'resource "aws_kms_key" "k" {}\nresource "aws_kms_key" "r" {\n  enable_key_rotation = true\n}\n'},
     {"main.tf": 'resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n}\n'
                 'resource "aws_kms_key" "sign" {\n  customer_master_key_spec = "RSA_2048"\n  key_usage = "SIGN_VERIFY"\n}\n'}),
    ("REQ032", {"days": 90},
     {"lib/tap_stack.py": "from aws_cdk import Stack, aws_kms as kms\nclass S(Stack):\n    def f(self):\n"
                          "        kms.Key(self, 'K', enable_key_rotation=True)\n"},
     {"lib/tap_stack.py": "from aws_cdk import Stack, Duration, aws_kms as kms\nclass S(Stack):\n    def f(self):\n"
                          "        kms.Key(self, 'K', enable_key_rotation=True, rotation_period=Duration.days(90))\n"}),
    ("REQ032", {},
     {"__main__.py": 'import pulumi_aws as aws\naws.kms.Key("k", description="data")\n'},
     {"__main__.py": 'import pulumi_aws as aws\naws.kms.Key("k", enable_key_rotation=True)\n'}),
]


@pytest.mark.parametrize("check_id,params,bad,good", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_feature_check_fails_then_passes(check_id, params, bad, good):
    assert judge(check_id, bad, **params) & {"fail", "partial"}, "the failing example must fail"
    assert judge(check_id, good, **params) == {"pass"}, "the passing example must pass"


def test_key_rotation_from_a_variable_is_not_judged():
    assert judge("REQ032", {"main.tf": 'resource "aws_kms_key" "k" {\n  enable_key_rotation = var.rotate\n}\n'}) == {"unknown"}
    assert judge("REQ032", {"main.tf": 'resource "aws_s3_bucket" "b" {}\n'}) == {"unknown"}  # no key: REQ020 judges absence


def test_a_cdk_read_replica_is_a_replica():
    # round 23 (cdk-py-Pr6990): Multi-AZ and backup retention asked of the primary are not claimed on its replica
    code = ("from aws_cdk import Stack, Duration, aws_rds as rds\nclass S(Stack):\n    def f(self, vpc, engine):\n"
            "        db = rds.DatabaseInstance(self, 'Db', engine=engine, vpc=vpc, multi_az=True, backup_retention=Duration.days(7))\n"
            "        rds.DatabaseInstanceReadReplica(self, 'Rep', source_database_instance=db, instance_type=None, vpc=vpc{extra})\n")
    assert judge("REQ062", {"lib/tap_stack.py": code.format(extra="")}) == {"pass"}
    assert judge("REQ061", {"lib/tap_stack.py": code.format(extra="")}, days=7) == {"pass"}
    primary_single = code.replace("multi_az=True", "multi_az=False")
    assert judge("REQ062", {"lib/tap_stack.py": primary_single.format(extra="")}) == {"fail"}


def test_destroyable_is_not_judged_on_an_answer_without_code():
    # no code protects nothing: "not destroyable" would be a false claim (round 23, tf-hcl-Pr7024)
    assert judge("REQ130", {"main.tf": "resource {{{ broken"}) == {"unknown"}
    assert judge("REQ130", {"main.tf": 'resource "aws_db_instance" "d" {\n  deletion_protection = true\n}\n'}) == {"fail"}


def test_every_rubric_check_has_a_case():
    covered = {c[0] for c in CASES} | {"REQ120"}  # judged on an answer document: test_tests_the_prompt_asks_for_...
    rubric_checks = {cid for cid, cls in REGISTRY.items() if cls.rubric_driven}
    assert rubric_checks <= covered, rubric_checks - covered


_CDK_HEAD = ("from aws_cdk import Stack, aws_lambda as lambda_, aws_sqs as sqs, aws_cloudwatch as cloudwatch, aws_rds as rds, "
             "aws_logs as logs\nclass S(Stack):\n    def f(self, code, engine):\n"
             "        fn = lambda_.Function(self, 'F', runtime=lambda_.Runtime.PYTHON_3_12, handler='i.h', code=code)\n"
             "        q = sqs.Queue(self, 'Q')\n")


@pytest.mark.parametrize("alarm", [
    "fn.metric_errors().create_alarm(self, 'Errors', threshold=1, evaluation_periods=1)",
    "cloudwatch.Metric(namespace='App', metric_name='Jobs').create_alarm(self, 'Jobs', threshold=1, evaluation_periods=1)",
    "q.metric_approximate_number_of_messages_visible().create_alarm(self, 'Depth', threshold=9, evaluation_periods=1)",
])
def test_an_alarm_created_from_a_metric_is_an_alarm(alarm):
    assert judge("REQ020", {"lib/tap_stack.py": _CDK_HEAD + "        fn.metric_errors()\n"}, concept="cloudwatch_alarm") == {"fail"}
    files = {"lib/tap_stack.py": _CDK_HEAD + "        " + alarm + "\n"}
    assert judge("REQ020", files, concept="cloudwatch_alarm") == {"pass"}
    alarm_resource = next(r for r in program_of(files).resources if r.type == "aws_cloudwatch_metric_alarm")
    assert alarm_resource.name in ("Errors", "Jobs", "Depth")  # the construct id, not the scope `self`


@pytest.mark.parametrize("bad,good", [
    (_CDK_HEAD + "        rds.DatabaseInstance(self, 'Db', engine=engine)\n",
     _CDK_HEAD + "        rds.DatabaseInstance(self, 'Db', engine=engine, cloudwatch_logs_exports=['postgresql'])\n"),
    (_CDK_HEAD + "        rds.DatabaseCluster(self, 'Db', engine=engine, cloudwatch_logs_exports=[])\n",
     _CDK_HEAD + "        rds.DatabaseCluster(self, 'Db', engine=engine, cloudwatch_logs_exports=['audit', 'error'])\n"),
    ('resource "aws_db_instance" "db" {\n  engine = "mysql"\n}\n',
     'resource "aws_db_instance" "db" {\n  engine = "mysql"\n  enabled_cloudwatch_logs_exports = ["error", "slowquery"]\n}\n'),
    ('import pulumi_aws as aws\naws.rds.Cluster("c", engine="aurora-postgresql")\n',
     'import pulumi_aws as aws\naws.rds.Cluster("c", engine="aurora-postgresql", enabled_cloudwatch_logs_exports=["postgresql"])\n'),
    ("from cdktf import TerraformStack\nfrom cdktf_cdktf_provider_aws.db_instance import DbInstance\nclass S(TerraformStack):\n"
     "    def f(self):\n        DbInstance(self, 'db', engine='postgres')\n",
     "from cdktf import TerraformStack\nfrom cdktf_cdktf_provider_aws.db_instance import DbInstance\nclass S(TerraformStack):\n"
     "    def f(self):\n        DbInstance(self, 'db', engine='postgres', enabled_cloudwatch_logs_exports=['postgresql'])\n"),
])
def test_rds_log_exports_are_log_groups(bad, good):
    path = "main.tf" if bad.startswith("resource") else "__main__.py" if "pulumi" in bad else "lib/tap_stack.py"
    assert judge("REQ020", {path: bad}, concept="cloudwatch_logs") == {"fail"}
    assert judge("REQ020", {path: good}, concept="cloudwatch_logs") == {"pass"}
    groups = program_of({path: good}).of_type("aws_cloudwatch_log_group")
    assert [g.synthesized_from for g in groups] == [r.address for r in program_of({path: good}).of_type("aws_db_instance", "aws_rds_cluster")]
    assert groups[0].count == 2 if "error" in good else groups[0].count == 1  # one group per exported log


def test_retention_of_rds_log_groups_is_judged_only_when_the_code_sets_it():
    db = _CDK_HEAD + "        rds.DatabaseInstance(self, 'Db', engine=engine, cloudwatch_logs_exports=['postgresql']{})\n"
    assert judge("REQ052", {"lib/tap_stack.py": db.format(", cloudwatch_logs_retention=logs.RetentionDays.ONE_WEEK")}, days=30) == {"fail"}
    assert judge("REQ052", {"lib/tap_stack.py": db.format(", cloudwatch_logs_retention=logs.RetentionDays.ONE_MONTH")}, days=30) == {"pass"}
    assert judge("REQ052", {"lib/tap_stack.py": db.format("")}, days=30) == {"unknown"}  # never "unset": not written by the author


def test_a_cdk_lambda_log_retention_is_a_log_group():
    fn = "from aws_cdk import Stack, aws_lambda as lambda_, aws_logs as logs\nclass S(Stack):\n    def f(self, code):\n" \
         "        lambda_.Function(self, 'F', runtime=lambda_.Runtime.PYTHON_3_12, handler='i.h', code=code{})\n"
    assert judge("REQ020", {"lib/tap_stack.py": fn.format("")}, concept="cloudwatch_logs") == {"fail"}
    assert judge("REQ020", {"lib/tap_stack.py": fn.format(", log_retention=logs.RetentionDays.ONE_WEEK")}, concept="cloudwatch_logs") == {"pass"}


_PULUMI_FN = ('import pulumi\nimport pulumi_aws as aws\nenvironment_suffix = pulumi.Config().require("environment_suffix")\n'
              'fn = aws.lambda_.Function("fn", name={}, runtime="python3.12", handler="i.h", role="r")\nfn_name = fn.name\n')


@pytest.mark.parametrize("log_name", [
    'fn.name.apply(lambda n: f"/aws/lambda/{n}")',
    'pulumi.Output.concat("/aws/lambda/", fn.name)',
    'f"/aws/lambda/{fn_name}"',
])
def test_a_name_built_from_another_resources_name_inherits_its_suffix(log_name):
    def run(fn_name: str) -> set[str]:
        return judge("REQ082", {"__main__.py": _PULUMI_FN.format(fn_name) + f'aws.cloudwatch.LogGroup("g", name={log_name})\n'})
    assert run('f"proc-{environment_suffix}"') == {"pass"}
    assert run('"proc"') & {"fail", "partial"}  # the function's own name lacks the suffix: so does the group's


def test_a_name_built_from_an_auto_named_resource_is_not_judged():
    files = {"__main__.py": _PULUMI_FN.replace("name={}, ", "") + 'aws.cloudwatch.LogGroup("g", name=fn.name.apply(lambda n: f"/aws/lambda/{n}"))\n'}
    assert judge("REQ082", files) == {"unknown"}


def test_an_hcl_name_interpolating_another_resources_name_inherits_its_suffix():
    tf = ('variable "environment_suffix" {{}}\nresource "aws_lambda_function" "f" {{\n  function_name = {}\n}}\n'
          'resource "aws_cloudwatch_log_group" "g" {{\n  name = "/aws/lambda/${{aws_lambda_function.f.function_name}}"\n}}\n')
    assert judge("REQ082", {"main.tf": tf.format('"proc-${var.environment_suffix}"')}) == {"pass"}
    assert judge("REQ082", {"main.tf": tf.format('"proc"')}) & {"fail", "partial"}


def test_an_action_chained_on_a_created_alarm_is_its_action():
    stack = ("from aws_cdk import Stack, aws_sns as sns, aws_cloudwatch_actions as actions\nclass S(Stack):\n    def f(self, metric):\n"
             "        topic = sns.Topic(self, 'T')\n        metric.create_alarm(self, 'A', threshold=1, evaluation_periods=1){}\n")
    assert judge("REQ050", {"lib/tap_stack.py": stack.format("")}) == {"partial"}
    assert judge("REQ050", {"lib/tap_stack.py": stack.format(".add_alarm_action(actions.SnsAction(topic))")}) == {"pass"}


def test_versioning_set_from_an_unreadable_value_is_not_judged_off():
    code = ("import pulumi_aws as aws\nflag = pulumi_config_flag()\n"
            "cfg = aws.s3.BucketVersioningArgs(enabled=True) if flag else None\naws.s3.Bucket('b', versioning=cfg)\n")
    assert judge("REQ060", {"__main__.py": code}) == {"unknown"}
    off = "import pulumi_aws as aws\naws.s3.Bucket('b')\n"
    assert judge("REQ060", {"__main__.py": off}) & {"fail"}


def test_a_pulumi_config_env_suffix_is_an_environment_suffix_input():
    code = ("import pulumi\nimport pulumi_aws as aws\nsuffix = pulumi.Config().require('envSuffix')\n"
            "aws.s3.Bucket('b', bucket=f'logs-{suffix}')\n")
    assert judge("REQ082", {"__main__.py": code}) == {"pass"}


def test_subnets_at_distinct_positions_of_the_az_list_count_as_distinct_azs():
    code = ("import pulumi_aws as aws\nazs = aws.get_availability_zones(state='available')\n"
            "aws.ec2.Subnet('a', vpc_id='v', cidr_block='10.0.1.0/24', availability_zone=azs.names[0])\n"
            "aws.ec2.Subnet('b', vpc_id='v', cidr_block='10.0.2.0/24', availability_zone=azs.names[1])\n")
    assert judge("REQ021", {"__main__.py": code}, count=2) == {"pass"}
    assert judge("REQ021", {"__main__.py": code}, count=3) == {"fail"}


@pytest.mark.parametrize("params,code,expected", [
    ({"memory": 256, "timeout": 300}, 'resource "aws_lambda_function" "f" {\n  memory_size = 128\n  timeout = 300\n}\n', {"fail"}),
    ({"memory": 256, "timeout": 300}, 'resource "aws_lambda_function" "f" {\n  memory_size = 256\n  timeout = 300\n}\n', {"pass"}),
    ({"timeout": 30}, 'resource "aws_lambda_function" "f" {\n  memory_size = 256\n}\n', {"fail"}),  # unset: the 3 s default
    ({"memory": 256}, 'resource "aws_lambda_function" "f" {\n  memory_size = var.memory\n}\n', {"unknown"}),  # unset variable
    # not "all": one function with the values is enough; with "all" the other one fails
    ({"memory": 256}, 'resource "aws_lambda_function" "a" {\n  memory_size = 256\n}\nresource "aws_lambda_function" "b" {\n  memory_size = 512\n}\n', {"pass"}),
    ({"memory": 256, "all": True}, 'resource "aws_lambda_function" "a" {\n  memory_size = 256\n}\nresource "aws_lambda_function" "b" {\n  memory_size = 512\n}\n', {"partial"}),
])
def test_lambda_memory_and_timeout(params, code, expected):
    assert judge("REQ072", {"main.tf": code}, **params) == expected


def test_lambda_timeout_from_a_cdk_duration():
    code = ("from aws_cdk import Stack, Duration, aws_lambda as _lambda\nclass S(Stack):\n    def f(self):\n"
            "        _lambda.Function(self, 'F', runtime=_lambda.Runtime.PYTHON_3_11, handler='i.h', code=_lambda.Code.from_inline('x'),"
            " memory_size=256, timeout=Duration.seconds(300))\n")
    assert judge("REQ072", {"lib/tap_stack.py": code}, memory=256, timeout=300) == {"pass"}
    assert judge("REQ072", {"lib/tap_stack.py": code.replace("seconds(300)", "minutes(1)")}, memory=256, timeout=300) == {"fail"}


def test_alarm_metrics_in_cdk_and_unreadable_metrics():
    code = ("from aws_cdk import Stack, aws_cloudwatch as cw\nclass S(Stack):\n    def f(self, fn, db):\n"
            "        fn.metric_errors().create_alarm(self, 'Errors', threshold=1, evaluation_periods=1)\n"
            "        db.metric_cpu_utilization().create_alarm(self, 'Cpu', threshold=80, evaluation_periods=1)\n")
    assert judge("REQ054", {"lib/tap_stack.py": code}, metrics=["errors", "cpu"]) == {"pass"}
    assert judge("REQ054", {"lib/tap_stack.py": code}, metrics=["errors", "throttles"]) == {"partial"}
    looped = ('variable "alarms" {}\nresource "aws_cloudwatch_metric_alarm" "a" {\n  for_each = var.alarms\n'
              '  metric_name = each.value.metric\n}\n')
    assert judge("REQ054", {"main.tf": looped}, metrics=["cpu"]) == {"unknown"}


def test_every_rubric_check_has_a_report_label():
    from grader.report.labels import CHECK_LABELS
    rubric_checks = {cid for cid, cls in REGISTRY.items() if cls.rubric_driven and cid.startswith("REQ") and cid != "REQ020"}
    assert rubric_checks <= set(CHECK_LABELS), rubric_checks - set(CHECK_LABELS)


def test_a_region_only_as_a_value_with_no_provider_block_is_not_judged_met():
    code = {"main.tf": 'variable "region" {\n  default = "us-east-1"\n}\nresource "aws_s3_bucket" "b" {}\n'}
    assert judge("REQ010", code, regions=["us-east-1"]) == {"unknown"}  # a provider.tf outside the answer may read it
    tags_only = {"main.tf": 'resource "aws_s3_bucket" "b" {\n  tags = { Region = "us-east-1" }\n}\n'}
    assert judge("REQ010", tags_only, regions=["us-east-1"]) == {"unknown"}  # never a false "met" either
    with_provider = {**code, "provider.tf": 'provider "aws" {\n  region = var.region\n}\n'}
    assert judge("REQ010", with_provider, regions=["us-east-1"]) == {"pass"}


def test_no_provider_block_is_fine_when_the_prompt_supplies_provider_tf():
    code = {"main.tf": 'variable "region" {\n  default = "us-east-1"\n}\nresource "aws_s3_bucket" "b" {}\n'}
    req = Requirement(id="R", area="region", text="t")
    ctx = Context(prompt="The provider configuration is already present in provider.tf.")
    found = list(REGISTRY["REQ010"]().evaluate(program_of(code), ctx, req, {"regions": ["us-east-1"]}))
    assert {f.status for f in found} == {"pass"}


def test_wildcard_resources_aws_requires_or_a_condition_scopes_are_not_least_privilege_failures():
    role = ('resource "aws_iam_role" "fn" {\n  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", '
            'Principal = { Service = "lambda.amazonaws.com" } }] })\n}\n')
    eni = ('resource "aws_iam_role_policy" "p" {\n  role = aws_iam_role.fn.id\n  policy = jsonencode({ Statement = [{ Effect = "Allow", '
           'Action = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"], Resource = "*" }] })\n}\n')
    assert judge("REQ040", {"main.tf": role + eni}) == {"pass"}  # a VPC Lambda's role, as AWSLambdaVPCAccessExecutionRole
    ec2_role = role.replace("lambda.amazonaws.com", "ec2.amazonaws.com")
    assert judge("REQ040", {"main.tf": ec2_role + eni}) & {"fail", "partial"}  # an instance role can scope them
    tagged = ('resource "aws_iam_role_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["ec2:StopInstances"], '
              'Resource = "*", Condition = { StringEquals = { "aws:ResourceTag/AutoStop" = "true" } } }] })\n}\n')
    assert judge("REQ040", {"main.tf": tagged}) == {"pass"}
    open_ = tagged.replace(', Condition = { StringEquals = { "aws:ResourceTag/AutoStop" = "true" } }', "")
    assert judge("REQ040", {"main.tf": open_}) & {"fail", "partial"}


def test_lambda_settings_from_an_unknown_dict_are_not_judged():
    code = ("from aws_cdk import Stack, aws_lambda as _lambda\nclass S(Stack):\n    def f(self, props):\n"
            "        _lambda.Function(self, 'F', handler='i.h', **props)\n")
    assert judge("REQ072", {"lib/tap_stack.py": code}, memory=256) == {"unknown"}
    assert judge("REQ072", {"lib/tap_stack.py": code.replace("**props", "memory_size=128")}, memory=256) == {"fail"}


def test_zones_pin_the_region_when_the_answer_has_no_provider_block():
    tf = ('variable "region" {{\n  default = "{r}"\n}}\nvariable "azs" {{\n  default = ["{r}a", "{r}c"]\n}}\n'
          'resource "aws_subnet" "s" {{\n  count = 2\n  vpc_id = "v"\n  cidr_block = "10.0.1.0/24"\n'
          '  availability_zone = var.azs[count.index]\n}}\n')
    assert judge("REQ010", {"main.tf": tf.format(r="us-west-1")}, regions=["us-west-2"]) == {"fail"}
    assert judge("REQ010", {"main.tf": tf.format(r="us-west-2")}, regions=["us-west-2"]) == {"unknown"}  # a harness may set it
    unused = tf.format(r="us-west-1").replace("var.azs[count.index]", "data.aws_availability_zones.a.names[0]")
    assert judge("REQ010", {"main.tf": unused}, regions=["us-west-2"]) == {"unknown"}  # zones nothing reads pin nothing


def test_cdk_string_parameters_are_never_secure_strings():
    code = ("from aws_cdk import Stack, aws_ssm as ssm\nclass S(Stack):\n    def f(self, arn):\n"
            "        ssm.StringParameter(self, 'P', parameter_name='/app/NAME', string_value=arn)\n")
    assert judge("REQ045", {"lib/tap_stack.py": code.replace("NAME", "api-token")}) == {"fail"}
    assert judge("REQ045", {"lib/tap_stack.py": code.replace("NAME", "api-token-arn")}) == {"unknown"}  # it points at a secret


def test_a_region_set_only_in_the_answers_instructions_is_not_judged():
    cls = REGISTRY["REQ010"]
    req = Requirement(id="R", area=cls.area, text="t")
    code = {"__main__.py": 'import pulumi_aws as aws\naws.s3.Bucket("b")\n'}
    told = Context(answer_text="```bash\npulumi config set aws:region us-east-1\n```\n")
    other = Context(answer_text="```bash\npulumi config set aws:region eu-west-1\n```\n")
    assert {f.status for f in cls().evaluate(program_of(code), told, req, {"regions": ["us-east-1"]})} == {"unknown"}
    assert {f.status for f in cls().evaluate(program_of(code), other, req, {"regions": ["us-east-1"]})} == {"fail"}


def test_the_cdk_key_policy_root_statement_is_no_least_privilege_failure():
    code = ("from aws_cdk import Stack, aws_iam as iam, aws_kms as kms\nclass S(Stack):\n    def f(self):\n"
            "        kms.Key(self, 'K', policy=iam.PolicyDocument(statements=[iam.PolicyStatement(\n"
            "            principals=[iam.PRINCIPAL], actions=['kms:*'], resources=['*'])]))\n")
    assert judge("REQ040", {"lib/tap_stack.py": code.replace("PRINCIPAL", "AccountRootPrincipal()")}) != {"fail"}
    assert judge("REQ040", {"lib/tap_stack.py": code.replace("PRINCIPAL", "AnyPrincipal()")}) == {"fail"}


@pytest.mark.parametrize("arn,wide", [
    ("arn:aws:s3:::*-data-bucket/*", True), ("arn:aws:dynamodb:*:*:table/*-orders", True), ("arn:aws:logs:*:*:*", True),
    ("arn:aws:dynamodb:us-east-1:1:table/*", True),
    ("arn:aws:s3:::data-bucket/*", False), ("arn:aws:s3:::app-*", False), ("arn:aws:ssm:us-east-1:1:parameter/app/*", False),
    ("arn:aws:logs:us-east-1:1:log-group:/aws/lambda/fn:*", False),  # the streams of one named log group
])
def test_a_resource_arn_whose_name_is_a_wildcard_names_no_particular_resource(arn, wide):
    policy = ('resource "aws_iam_role_policy" "p" {{\n  policy = jsonencode({{ Statement = [{{ Effect = "Allow", '
              'Action = "s3:GetObject", Resource = "{}" }}] }})\n}}\n').format(arn)
    assert judge("REQ040", {"main.tf": policy}) == ({"fail"} if wide else {"pass"})


def test_pulumi_get_policy_document_statements_are_read():
    code = ('import pulumi_aws as aws\ndoc = aws.iam.get_policy_document(statements=[{{"actions": ["dynamodb:PutItem"], "resources": ["{}"]}}])\n'
            'aws.iam.Policy("p", policy=doc.json)\n')
    assert judge("REQ040", {"__main__.py": code.format("*")}) == {"fail"}
    assert judge("REQ040", {"__main__.py": code.format("arn:aws:dynamodb:us-east-1:1:table/orders")}) == {"pass"}


def test_a_runtime_floor_judges_only_its_own_family():
    fn = 'resource "aws_lambda_function" "f" {{\n  runtime = "{}"\n}}\n'
    floor = {"runtime": "nodejs20.x", "minimum": True}
    assert judge("REQ070", {"main.tf": fn.format("nodejs18.x")}, **floor) == {"fail"}
    assert judge("REQ070", {"main.tf": fn.format("nodejs22.x")}, **floor) == {"pass"}
    assert judge("REQ070", {"main.tf": fn.format("python3.12")}, **floor) == {"n/a"}
    assert judge("REQ070", {"main.tf": fn.format("python3.12")}, runtime="nodejs20.x") == {"fail"}  # an exact demand


@pytest.mark.parametrize("text,minimum", [
    ("- For Lambda functions, use Node.js 20+ runtimes.\n", True),
    ("- Lambda functions run Python 3.11 or newer.\n", True),
    ("- Lambda functions use at least Python 3.10.\n", True),
    ("- Lambda functions use the Python 3.12 runtime.\n", False),
])
def test_a_runtime_version_with_a_plus_or_newer_is_a_floor(text, minimum):
    from grader.rubric.derive import derive_rubric
    [check] = [c for r in derive_rubric(text).requirements for c in r.checks if c.id == "REQ070"]
    assert bool(check.params.get("minimum")) is minimum


def test_a_deliverable_one_letter_off_is_the_file_delivered():
    code = {"provider.tf": 'provider "aws" {}\n', "tap_stack.tf": 'resource "aws_vpc" "a" {}\n'}
    assert judge("REQ001", code, files=["provide.tf", "tap_stack.tf"]) == {"pass"}  # a typo in the prompt
    assert judge("REQ001", code, files=["tap-stack.tf"]) == {"fail"}  # another name, not a typo


def test_no_region_in_the_code_is_not_judged_when_the_prompt_supplies_the_provider():
    code = {"main.tf": 'resource "aws_s3_bucket" "b" {}\n'}
    req = Requirement(id="R", area="region", text="t")
    for prompt, status in (("Do not redefine the provider; assume it is already set to us-east-1.", "unknown"), ("Deploy in us-east-1.", "fail")):
        found = list(REGISTRY["REQ010"]().evaluate(program_of(code), Context(prompt=prompt), req, {"regions": ["us-east-1"]}))
        assert {f.status for f in found} == {status}


def test_lambda_eni_actions_in_a_standalone_policy_attached_to_the_lambda_role():
    role = ('resource "aws_iam_role" "fn" {\n  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", '
            'Principal = { Service = "lambda.amazonaws.com" } }] })\n}\n')
    policy = ('resource "aws_iam_policy" "vpc" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", '
              'Action = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses"], Resource = "*" }] })\n}\n')
    attach = 'resource "aws_iam_role_policy_attachment" "a" {\n  role = aws_iam_role.fn.name\n  policy_arn = aws_iam_policy.vpc.arn\n}\n'
    assert judge("REQ040", {"main.tf": role + policy + attach}) == {"pass"}
    assert judge("REQ040", {"main.tf": role.replace("lambda.amazonaws", "ec2.amazonaws") + policy + attach}) == {"fail"}


def test_a_value_each_environments_tfvars_sets_differently_is_not_judged():
    code = {"main.tf": 'variable "size" {\n  default = "t3.micro"\n}\nresource "aws_instance" "a" {\n  instance_type = var.size\n}\n',
            "dev.tfvars": 'size = "t3.micro"\n', "prod.tfvars": 'size = "t3.large"\n'}
    assert judge("REQ071", code, types=["t3.micro"]) == {"unknown"}
    one = {**code, "prod.tfvars": 'size = "t3.large"\n', "dev.tfvars": 'size = "t3.large"\n'}
    assert judge("REQ071", one, types=["t3.micro"]) == {"fail"}  # every environment agrees: that is the value


def test_a_heredoc_json_policy_is_read():
    heredoc = ('resource "aws_iam_policy" "p" {\n  policy = <<EOF\n{\n  "Statement": [\n    {\n      "Effect": "Allow",\n'
               '      "Action": ["dynamodb:PutItem"],\n      "Resource": "%s"\n    }\n  ]\n}\nEOF\n}\n')
    assert judge("REQ040", {"main.tf": heredoc % "*"}) == {"fail"}
    assert judge("REQ040", {"main.tf": heredoc % "${aws_dynamodb_table.t.arn}"}) == {"pass"}


def test_actions_that_take_no_resource_type_are_judged_from_the_iam_data():
    policy = ('resource "aws_iam_role_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", '
              'Action = ["%s"], Resource = "*" }] })\n}\n')
    assert judge("REQ040", {"main.tf": policy % "config:GetResourceConfigHistory"}) == {"pass"}  # no resource type in IAM
    assert judge("REQ040", {"main.tf": policy % "config:PutConfigRule"}) == {"fail"}  # scoped to a ConfigRule ARN


def test_helm_releases_need_no_environment_suffix():
    code = {"main.tf": 'variable "environment_suffix" {}\nresource "helm_release" "alb" {\n  name = "alb-controller"\n}\n'
                       'resource "aws_s3_bucket" "b" {\n  bucket = "data-${var.environment_suffix}"\n}\n'}
    assert judge("REQ082", code) == {"pass"}
    code["main.tf"] = code["main.tf"].replace('"data-${var.environment_suffix}"', '"data"')
    assert judge("REQ082", code) & {"fail", "partial"}


def test_outputs_the_answer_writes_outside_the_graded_code_are_not_claimed_missing():
    cls = REGISTRY["REQ090"]
    req = Requirement(id="R", area=cls.area, text="t")
    code = {"main.tf": 'resource "aws_vpc" "v" {}\n'}
    assert [f.status for f in cls().evaluate(program_of(code), Context(answer_text="no outputs here"), req, {})] == ["fail"]
    for text in ('        self.register_outputs({"vpc_id": vpc.id})\n# __main__.py\npulumi.export("vpc_id", stack.vpc_id)\n',
                 'output "vpc_id" {\n  value = aws_vpc.v.id\n}\n'):
        found = list(cls().evaluate(program_of(code), Context(answer_text=text), req, {}))
        assert [f.status for f in found] == ["unknown"], text
    # a component's outputs alone are no stack outputs
    found = list(cls().evaluate(program_of(code), Context(answer_text='        self.register_outputs({"vpc_id": vpc.id})\n'), req, {}))
    assert [f.status for f in found] == ["partial"] and "pulumi.export" in found[0].message
    with_output = {"main.tf": code["main.tf"] + 'output "vpc_id" {\n  value = aws_vpc.v.id\n}\n'}
    assert [f.status for f in cls().evaluate(program_of(with_output), Context(), req, {})] == ["pass"]


def test_outputs_only_in_a_reasoning_trace_are_still_missing():
    cls = REGISTRY["REQ090"]
    req = Requirement(id="R", area=cls.area, text="t")
    text = ('### Reasoning Trace\n\n```hcl\noutput "vpc_id" {\n  value = 1\n}\n```\n\n### Answer\n\n'
            '```hcl\nresource "aws_vpc" "v" {}\n```\n')
    found = list(cls().evaluate(program_of({"main.tf": 'resource "aws_vpc" "v" {}\n'}), Context(answer_text=text), req, {}))
    assert [f.status for f in found] == ["fail"]


def test_least_privilege_judges_the_literal_fields_of_arn_templates():
    policy = ('resource "aws_iam_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["logs:PutLogEvents"],'
              ' Resource = "%s" }] })\n}\n')
    wide = policy % "arn:aws:logs:${var.region}:${data.aws_caller_identity.current.account_id}:*"
    assert judge("REQ040", {"main.tf": wide}) == {"fail"}
    scoped = policy % "arn:aws:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/app:*"
    assert judge("REQ040", {"main.tf": scoped}) == {"pass"}
    named = policy % "arn:aws:s3:::${var.bucket}/*"  # the interpolation names the bucket
    assert judge("REQ040", {"main.tf": named}) == {"pass"}
    pulumi = ('import json\nimport pulumi_aws as aws\naws.iam.Policy("p", policy=json.dumps({"Statement": [{"Effect": "Allow", '
              '"Action": ["logs:PutLogEvents"], "Resource": f"arn:aws:logs:{region}:{account}:*"}]}))\n')
    assert judge("REQ040", {"__main__.py": pulumi}) == {"fail"}
    assert judge("REQ040", {"__main__.py": pulumi.replace(":*\"", ":log-group:/app:*\"")}) == {"pass"}


def test_pitr_set_from_per_environment_config_is_not_judged():
    files = {"__main__.py": 'import pulumi, pulumi_aws as aws\ncfg = pulumi.Config()\naws.dynamodb.Table("t", point_in_time_recovery='
                            'aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=cfg.get_bool("pitr")))\n'}
    assert judge("REQ063", files) == {"unknown"}


def _tests_finding(response: str, prompt: str = "# Task\n\n## Deliverables\n\n- lib/tap_stack.py\n- Unit tests for all components\n"):
    import grader
    from grader.api import make_task

    result = grader.grade(make_task(response=response, prompt=prompt, metadata={"platform": "pulumi", "language": "py"}))
    return [f for f in result.subject("response")["findings"] if f["check"] == "REQ120"]


STACK = "```python\n# lib/tap_stack.py\nimport pulumi_aws as aws\nclass TapStack:\n    pass\n```\n"


def test_tests_the_prompt_asks_for_must_be_delivered_with_an_assertion():
    [missing] = _tests_finding(STACK + "\nUnit tests should be added in `tests/`.\n")
    assert missing["status"] == "fail" and "no test file" in missing["message"]
    [placeholder] = _tests_finding(STACK + "```python\n# tests/test_tap_stack.py\ndef test_stack():\n    pass\n```\n")
    assert placeholder["status"] == "partial" and "no assertion" in placeholder["message"]
    [delivered] = _tests_finding(STACK + "```python\n# tests/test_tap_stack.py\ndef test_stack():\n    assert TapStack\n```\n")
    assert delivered["status"] == "pass" and "tests/test_tap_stack.py" in delivered["message"]
    assert delivered["locations"][0]["file"] == "MODEL_RESPONSE.md"


def test_tests_named_in_passing_are_not_demanded():
    prompt = "# Task\n\nDon't use random names since that causes integration test failures.\n"
    [finding] = _tests_finding(STACK, prompt)
    assert finding["status"] == "unknown"
    assert _tests_finding(STACK, "# Task\n\nBuild a VPC.\n") == []


def test_deletion_protection_the_prompt_asks_for_is_not_a_destroy_blocker():
    files = {"main.tf": 'resource "aws_db_instance" "d" {\n  deletion_protection = true\n  skip_final_snapshot = true\n}\n'}
    assert judge("REQ130", files) == {"fail"}
    assert judge("REQ130", files, keep_protection=True) == {"pass"}
    kept = {"main.tf": 'resource "aws_db_instance" "d" {\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n'}
    assert judge("REQ130", kept) == {"fail"} and judge("REQ130", kept, keep_protection=True) == {"pass"}


def test_a_bucket_without_force_destroy_is_no_destroyability_claim():
    assert judge("REQ130", {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n}\n'}) == {"pass"}
