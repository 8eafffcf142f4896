"""Value flow into the tag, name, AZ and region checks: each mechanism with a failing and a passing (or
not-judged) example. A value the analysis cannot follow is "unknown", never a failure."""

import pytest

from grader.ir import Expr
from grader.resolve import known_regions, resolve
from tests.conftest import program_of, run_check
from tests.test_features import judge

BAD = {"fail", "partial"}

PULUMI = "import pulumi_aws as aws\n"
CDK = "from aws_cdk import Stack, Tags, aws_s3 as s3\n"
CDKTF = "from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket\nfrom cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA\n"

TAGS = [
    # (name, failing files, passing files)
    ("hcl-merge-variable-default",
     {"main.tf": 'variable "t" {\n  default = { Owner = "o" }\n}\nlocals {\n  all = merge(var.t, { M = "x" })\n}\n'
                 'resource "aws_s3_bucket" "b" {\n  tags = merge(local.all, { Name = "b" })\n}\n'},
     {"main.tf": 'variable "t" {\n  default = { Environment = "p" }\n}\nlocals {\n  all = merge(var.t, { M = "x" })\n}\n'
                 'resource "aws_s3_bucket" "b" {\n  tags = merge(local.all, { Name = "b" })\n}\n'}),
    ("python-dict-spread",
     {"tap.py": PULUMI + 'common = {"Owner": "o"}\naws.s3.Bucket("b", tags={**common, "Name": "b"})\n'},
     {"tap.py": PULUMI + 'common = {"Environment": "p"}\naws.s3.Bucket("b", tags={**common, "Name": "b"})\n'}),
    ("python-dict-call-and-union",
     {"tap.py": PULUMI + 'common = {"Owner": "o"}\naws.s3.Bucket("b", tags=dict(common, Name="b"))\n'},
     {"tap.py": PULUMI + 'common = {"Environment": "p"}\naws.s3.Bucket("b", tags=common | {"Name": "b"})\n'}),
    ("cdk-stack-tags",
     {"tap.py": CDK + 'class TapStack(Stack):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, tags={"Owner": "o"}, **kw)\n'
                "        s3.CfnBucket(self, 'B')\n"},
     {"tap.py": CDK + 'class TapStack(Stack):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, tags={"Environment": "p"}, **kw)\n'
                "        s3.CfnBucket(self, 'B')\n"}),
    ("pulumi-provider-default-tags",
     {"tap.py": PULUMI + 'p = aws.Provider("p", default_tags=aws.ProviderDefaultTagsArgs(tags={"Owner": "o"}))\naws.s3.Bucket("b")\n'},
     {"tap.py": PULUMI + 'p = aws.Provider("p", default_tags=aws.ProviderDefaultTagsArgs(tags={"Environment": "p"}))\naws.s3.Bucket("b")\n'}),
]


@pytest.mark.parametrize("bad,good", [c[1:] for c in TAGS], ids=[c[0] for c in TAGS])
def test_tags_followed(bad, good):
    assert judge("REQ080", bad, keys=["Environment"]) & BAD
    assert judge("REQ080", good, keys=["Environment"]) == {"pass"}


@pytest.mark.parametrize("files", [
    {"tap.py": PULUMI + 'def make(tags):\n    aws.s3.Bucket("b", tags={**tags, "Name": "b"})\n'},  # a parameter
    {"tap.py": PULUMI + 'def make(**kwargs):\n    aws.s3.Bucket("b", **kwargs)\n'},  # **kwargs may carry tags
    {"main.tf": 'variable "t" {}\nresource "aws_s3_bucket" "b" {\n  tags = merge(var.t, { Name = "b" })\n}\n'},  # no default
    {"tap.py": CDK + "class S(Stack):\n    def f(self, tags):\n        s3.CfnBucket(self, 'B')\n        for k, v in tags.items():\n"
               "            Tags.of(self).add(k, v)\n"},
    {"main.py": "from cdktf_cdktf_provider_aws.provider import AwsProvider\nfrom cdktf_cdktf_provider_aws.s3_bucket import S3Bucket\n"
                "def make(scope, kwargs):\n    default_tags = kwargs.get('default_tags', {})\n"
                "    AwsProvider(scope, 'aws', default_tags=[default_tags])\n    S3Bucket(scope, 'b', bucket='b')\n"},  # unreadable default tags
], ids=["parameter", "kwargs", "variable-without-default", "tags-of-in-loop", "provider-default-tags-from-a-value"])
def test_unfollowed_tags_are_not_judged(files):
    assert judge("REQ080", files, keys=["Environment"]) == {"unknown"}


SUFFIX = [
    ("hcl-local-template",
     {"main.tf": 'variable "environment_suffix" {}\nlocals {\n  prefix = "app"\n}\nresource "aws_s3_bucket" "b" {\n  bucket = "${local.prefix}-logs"\n}\n'},
     {"main.tf": 'variable "environment_suffix" {}\nlocals {\n  prefix = "app-${var.environment_suffix}"\n}\n'
                 'resource "aws_s3_bucket" "b" {\n  bucket = "${local.prefix}-logs"\n}\n'}),
    ("python-fstring-over-bound-value",
     {"tap.py": PULUMI + 'environment_suffix = "dev"\nprefix = "app"\naws.s3.Bucket("b", bucket=f"{prefix}-logs")\n'},
     {"tap.py": PULUMI + 'environment_suffix = "dev"\nprefix = f"app-{environment_suffix}"\naws.s3.Bucket("b", bucket=f"{prefix}-logs")\n'}),
]


@pytest.mark.parametrize("bad,good", [c[1:] for c in SUFFIX], ids=[c[0] for c in SUFFIX])
def test_names_followed(bad, good):
    assert judge("REQ082", bad) & BAD
    assert judge("REQ082", good) == {"pass"}


def test_references_and_construct_ids_are_not_names():
    bad = {"cdk.py": CDKTF + "class S:\n    def f(self, environment_suffix):\n        b = S3Bucket(self, 'logs', bucket='logs')\n"}
    good = {"cdk.py": CDKTF + "class S:\n    def f(self, environment_suffix):\n        b = S3Bucket(self, 'logs', bucket=f'logs-{environment_suffix}')\n"
                      "        S3BucketVersioningA(self, 'logs-versioning', bucket=b.id)\n"}
    assert judge("REQ082", bad) & BAD
    assert judge("REQ082", good) == {"pass"}
    assert judge("REQ081", good, pattern="{name}-{environment}") == {"pass"}
    hcl = {"main.tf": 'variable "environment_suffix" {}\nresource "aws_s3_bucket" "b" {\n  bucket = "b-${var.environment_suffix}"\n}\n'
                      'resource "aws_s3_bucket_versioning" "v" {\n  bucket = aws_s3_bucket.b.id\n}\n'}
    assert judge("REQ082", hcl) == {"pass"}


def test_names_from_parameters_are_not_judged():
    files = {"tap.py": PULUMI + "environment_suffix = 'x'\ndef make(name):\n    aws.s3.Bucket('b', bucket=name)\n"}
    assert judge("REQ082", files) == {"unknown"}
    assert not judge("REQ081", files, pattern="{app}-{name}-{environment}") & BAD


def test_fstring_azs_of_one_region_are_distinct():
    def subnets(*zones):
        calls = "".join(f'    aws.ec2.Subnet("s{i}", vpc_id="v", cidr_block="10.0.{i}.0/24", availability_zone=f"{{region}}{z}")\n'
                        for i, z in enumerate(zones))
        return {"tap.py": PULUMI + "def make(region):\n" + calls}
    assert judge("REQ021", subnets("a", "a"), count=2) & BAD
    assert judge("REQ021", subnets("a", "b"), count=2) == {"pass"}


@pytest.mark.parametrize("text,region", [
    ("name: p\nruntime: python\nconfig:\n  aws:region:\n    description: where\n    default: us-east-1\n", "us-east-1"),
    ("config:\n  aws:region: eu-west-1\n", "eu-west-1"),
    ("config:\n  aws:region:\n    value: ap-south-1\n", "ap-south-1"),
    ("config:\n  aws:profile: default\n", None),
])
def test_pulumi_config_region(text, region):
    program = program_of({"tap.py": PULUMI + 'aws.s3.Bucket("b")\n', "Pulumi.yaml": text})
    assert known_regions(program) == ([region] if region else [])


def test_dead_branch_is_not_read():
    dead = "from aws_cdk import aws_lambda as lambda_\nx = lambda_.NoSuchDestination(queue=None) if False else None\n"
    live = "from aws_cdk import aws_lambda as lambda_\nx = lambda_.NoSuchDestination(queue=None) if True else None\n"
    calls = lambda src: [c for f in program_of({"app.py": src}).python for c, _ in f.calls]
    assert "aws_cdk.aws_lambda.NoSuchDestination" not in calls(dead)
    assert "aws_cdk.aws_lambda.NoSuchDestination" in calls(live)
    block = "from aws_cdk import aws_s3 as s3\nclass S:\n    def f(self):\n        if False:\n            s3.CfnBucket(self, 'A')\n        else:\n            s3.CfnBucket(self, 'B')\n"
    assert [r.name for r in program_of({"app.py": block}).resources] == ["B"]


def test_a_suffix_nothing_reads_reaches_no_name():
    hcl = ('variable "environment_suffix" {{\n  validation {{\n    condition     = length(var.environment_suffix) > 0\n'
           '    error_message = "empty"\n  }}\n}}\n# names use var.environment_suffix\nmodule "m" {{\n  source = "./m"\n{}}}\n'
           'resource "aws_s3_bucket" "b" {{\n  bucket = "${{module.m.prefix}}-logs"\n}}\n')
    assert judge("REQ082", {"main.tf": hcl.format("")}) & BAD  # only its own validation and a comment name it
    assert judge("REQ082", {"main.tf": hcl.format("  suffix = var.environment_suffix\n")}) == {"unknown"}
    python = (PULUMI + 'class Stack:\n    """Names are combined with environmentSuffix."""\n    def __init__(self, name):\n'
              '        # append environment_suffix later\n        aws.s3.Bucket("b", bucket=f"{name}-logs")\n')
    assert judge("REQ082", {"tap.py": python}) & BAD
    read = 'suffix = pulumi.Config().require("environmentSuffix")\nStack(f"app-{suffix}")\n'
    assert judge("REQ082", {"tap.py": python + read}) == {"unknown"}


def test_a_module_variable_takes_what_its_one_caller_passes():
    module = 'variable "version" {\n  default = "15"\n}\nresource "aws_db_instance" "d" {\n  engine = "postgres"\n  engine_version = var.version\n}\n'
    one = {"main.tf": 'module "db" {\n  source = "./modules/db"\n  version = "15.4"\n}\n', "modules/db/main.tf": module}
    program = program_of(one)
    assert resolve(Expr("var.version"), program, "modules/db") == "15.4"
    two = {**one, "main.tf": one["main.tf"] + 'module "db2" {\n  source = "./modules/db"\n  version = "16.8"\n}\n'}
    assert isinstance(resolve(Expr("var.version"), program_of(two), "modules/db"), Expr)  # callers differ: unknown
    silent = {**one, "main.tf": 'module "db" {\n  source = "./modules/db"\n}\n'}
    assert resolve(Expr("var.version"), program_of(silent), "modules/db") == "15"  # not passed: the default applies
    # a literal the caller writes is as sure as one in the resource
    assert [f.status for f in run_check("VAL009", one) if f.status != "pass"] == ["fail"]


@pytest.mark.parametrize("files", [
    {"main.tf": 'variable "env" {\n  default = "production"\n}\nprovider "aws" {\n  default_tags {\n    tags = { Environment = var.env }\n'
                '  }\n}\nresource "aws_s3_bucket" "b" {}\n'},  # provider default tags through a variable default
    {"tap.py": PULUMI + 'aws.s3.Bucket("b", tags={"Environment": "prod"})\n'},
    {"tap.py": CDK + "class S(Stack):\n    def __init__(self, scope, id):\n        super().__init__(scope, id)\n"
               "        s3.CfnBucket(self, 'B')\n        Tags.of(self).add('Environment', 'dev')\n"},
], ids=["hcl-default-tags-variable", "pulumi-resource-tags", "cdk-tags-of"])
def test_tag_values_the_prompt_states_are_judged(files):
    assert judge("REQ080", files, keys=["Environment"], values={"Environment": "Production"}) == {"partial"}
    right = {k: v.replace('"production"', '"Production"').replace('"prod"', '"Production"').replace("'dev'", "'Production'")
             for k, v in files.items()}
    assert judge("REQ080", right, keys=["Environment"], values={"Environment": "Production"}) == {"pass"}
    # a placeholder value ("dev / prod", "<env>") is not a literal the answer must copy
    assert judge("REQ080", files, keys=["Environment"], values={"Environment": "dev / prod"}) == {"pass"}
