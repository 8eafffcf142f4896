"""Security baseline (BAS001-BAS005): every dialect through the IR, literals only, and the prompt wins."""

from grader.checks.base import Context
from tests.conftest import run_check


def fails(check_id, files, prompt=""):
    return [f for f in run_check(check_id, files, Context(prompt=prompt)) if f.status == "fail"]


SSH_HCL = {"main.tf": 'resource "aws_security_group" "b" {\n  ingress {\n    from_port = 22\n    to_port = 22\n'
                      '    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}'}
ALL_PULUMI = {"lib/tap_stack.py": 'import pulumi_aws as aws\naws.ec2.SecurityGroupRule("r", type="ingress", from_port=0, '
                                  'to_port=0, protocol="-1", cidr_blocks=["0.0.0.0/0"], security_group_id="sg")\n'}
CDK_SSH = {"lib/tap_stack.py": ('from aws_cdk import Stack, aws_ec2 as ec2\nclass S(Stack):\n    def __init__(self, scope, id):\n'
                                '        super().__init__(scope, id)\n        sg = ec2.SecurityGroup(self, "SG", vpc=None)\n'
                                '        sg.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(22), "ssh")\n'
                                '        sg.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "https")\n')}


def test_open_ingress_every_dialect():
    assert "tcp port 22" in fails("BAS001", SSH_HCL)[0].message
    assert "all traffic" in fails("BAS001", ALL_PULUMI)[0].message
    cdk = fails("BAS001", CDK_SSH)
    assert len(cdk) == 1 and "port 22" in cdk[0].message


def test_open_ingress_prompt_wins():
    assert not fails("BAS001", SSH_HCL, "Allow SSH from anywhere (0.0.0.0/0) for the bastion.")
    assert not fails("BAS001", SSH_HCL, "- Inbound SSH traffic on port 22")
    assert not fails("BAS001", ALL_PULUMI, "The security group must allow all inbound traffic from the internet.")
    # a prompt restricting the source does not excuse a world-open rule
    assert fails("BAS001", SSH_HCL, "- Allow HTTPS on 443 from anywhere\n- Allow SSH on port 22 only from CIDR 10.0.0.0/8")


def test_open_ingress_needs_literals():
    files = {"main.tf": SSH_HCL["main.tf"].replace("from_port = 22", "from_port = var.port")}
    assert not fails("BAS001", files)
    files = {"main.tf": SSH_HCL["main.tf"].replace('["0.0.0.0/0"]', "var.cidrs")}
    assert not fails("BAS001", files)


POLICY = 'resource "aws_iam_role_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = %s, Resource = "*" }] })\n}'


def test_wildcard_iam_hcl_and_python():
    assert fails("BAS002", {"main.tf": POLICY % '"*"'})
    assert fails("BAS002", {"main.tf": POLICY % '["dynamodb:*", "s3:GetObject"]'})[0].found == "dynamodb:*"
    assert not fails("BAS002", {"main.tf": POLICY % '["dynamodb:GetItem"]'})
    cdk = ('from aws_cdk import Stack, aws_iam as iam\nclass S(Stack):\n    def __init__(self, scope, id):\n'
           '        super().__init__(scope, id)\n        role = iam.Role(self, "R", assumed_by=iam.ServicePrincipal("x"))\n'
           '        role.add_to_policy(iam.PolicyStatement(actions=["ec2:*"], resources=["*"]))\n')
    assert fails("BAS002", {"lib/tap_stack.py": cdk})
    assert not fails("BAS002", {"lib/tap_stack.py": cdk.replace('"ec2:*"', '"ec2:DescribeInstances"')})


PULUMI_APPLY = ('import json\nimport pulumi\nimport pulumi_aws as aws\nbucket = aws.s3.Bucket("b")\n'
                'aws.iam.RolePolicy("p", role="r", policy=pulumi.Output.all(bucket.arn).apply(lambda args: json.dumps({\n'
                '    "Statement": [{"Effect": "Allow", "Action": %s, "Resource": "*"}]})))\n')
PULUMI_HELPER = ('import json\nimport pulumi_aws as aws\n\ndef role(name, documents):\n    for i, doc in enumerate(documents):\n'
                 '        aws.iam.Policy(f"{name}-{i}", policy=json.dumps(doc))\n\n'
                 'ops = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [%s], "Resource": "*"}]}\n'
                 'role("app", [ops])\n')


def test_wildcard_iam_in_python_literals_no_attribute_shows():
    # a document built inside Output.apply is the enclosing resource's
    found = fails("BAS002", {"__main__.py": PULUMI_APPLY % '"ecs:*"'})
    assert len(found) == 1 and "`aws_iam_role_policy.p`" in found[0].message
    assert not fails("BAS002", {"__main__.py": PULUMI_APPLY % '"ecs:DescribeServices"'})
    # one handed to a helper through a list: the variable that holds it
    found = fails("BAS002", {"__main__.py": PULUMI_HELPER % '"ssm:*"'})
    assert len(found) == 1 and "`policy_document.ops`" in found[0].message
    assert not fails("BAS002", {"__main__.py": PULUMI_HELPER % '"ssm:GetParameter"'})
    # a trust policy is no grant
    trust = PULUMI_HELPER.replace('"Resource": "*"', '"Principal": {"Service": "ec2.amazonaws.com"}') % '"sts:*"'
    assert not fails("BAS002", {"__main__.py": trust})


def test_kms_root_statement_and_resource_policies_are_exempt():
    key = ('resource "aws_kms_key" "k" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", '
           'Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.c.account_id}:root" }, Action = "kms:*", Resource = "*" }] })\n}')
    assert not fails("BAS002", {"main.tf": key})
    doc = ('data "aws_iam_policy_document" "k" {\n  statement {\n    actions = ["kms:*"]\n    resources = ["*"]\n'
           '    principals {\n      type = "AWS"\n      identifiers = ["arn:aws:iam::111122223333:root"]\n    }\n  }\n}')
    assert not fails("BAS002", {"main.tf": doc})
    deny = POLICY.replace('"Allow"', '"Deny"') % '"*"'
    assert not fails("BAS002", {"main.tf": deny})


def test_wildcard_iam_prompt_wins():
    attach = {"main.tf": 'resource "aws_iam_role_policy_attachment" "a" {\n  role = "r"\n'
                         '  policy_arn = "arn:aws:iam::aws:policy/AmazonEC2FullAccess"\n}'}
    assert fails("BAS002", attach)
    assert not fails("BAS002", attach, "Attach AmazonEC2FullAccess to the instance role.")
    assert not fails("BAS002", {"main.tf": POLICY % '"*"'}, "The break-glass role needs full access.")


def test_encryption_disabled():
    db = {"main.tf": 'resource "aws_rds_cluster" "c" {\n  storage_encrypted = false\n}'}
    assert fails("BAS003", db)
    assert not fails("BAS003", db, "This is a throwaway test database; leave it unencrypted.")
    assert not fails("BAS003", {"main.tf": 'resource "aws_rds_cluster" "c" {\n  storage_encrypted = var.encrypt\n}'})
    cache = {"lib/tap_stack.py": 'import pulumi_aws as aws\naws.elasticache.ReplicationGroup("r", description="d", '
                                 'transit_encryption_enabled=False)\n'}
    assert "transit_encryption_enabled" in fails("BAS003", cache)[0].message
    stream = {"main.tf": 'resource "aws_kinesis_stream" "s" {\n  encryption_type = "NONE"\n}'}
    assert fails("BAS003", stream) and not fails("BAS003", {"main.tf": stream["main.tf"].replace("NONE", "KMS")})


def test_public_access():
    policy = ('resource "aws_s3_bucket_policy" "p" {\n  bucket = "b"\n  policy = jsonencode({ Statement = [{ Effect = "Allow", '
              'Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*" }] })\n}')
    assert fails("BAS004", {"main.tf": policy})
    assert not fails("BAS004", {"main.tf": policy}, "Host a static website from the bucket with public read access.")
    with_condition = policy.replace('Resource = "arn:aws:s3:::b/*"', 'Resource = "arn:aws:s3:::b/*", Condition = { StringEquals = '
                                    '{ "aws:SourceVpce" = "vpce-1" } }')
    assert not fails("BAS004", {"main.tf": with_condition})
    cdk = ('from aws_cdk import Stack, aws_rds as rds\nclass S(Stack):\n    def __init__(self, scope, id):\n'
           '        super().__init__(scope, id)\n        rds.DatabaseInstance(self, "D", publicly_accessible=True)\n')
    assert fails("BAS004", {"lib/tap_stack.py": cdk})
    assert not fails("BAS004", {"lib/tap_stack.py": cdk}, "The database must be publicly accessible for the BI tool.")


def test_hardcoded_secret():
    via_var = {"main.tf": 'variable "pw" {\n  default = "Sup3rSecret!"\n}\nresource "aws_db_instance" "d" {\n  password = var.pw\n}'}
    assert "var.pw" in fails("BAS005", via_var)[0].message
    no_default = {"main.tf": 'variable "pw" {\n  sensitive = true\n}\nresource "aws_db_instance" "d" {\n  password = var.pw\n}'}
    assert not fails("BAS005", no_default)
    generated = {"main.tf": 'resource "aws_db_instance" "d" {\n  password = random_password.db.result\n}'}
    assert not fails("BAS005", generated)
    pulumi = {"lib/tap_stack.py": 'import pulumi_aws as aws\naws.rds.Cluster("c", master_password="ChangeMe123456!")\n'}
    assert fails("BAS005", pulumi)
    assert not fails("BAS005", pulumi, "Use the master password ChangeMe123456! for the demo.")
    cdk = ('from aws_cdk import Stack, SecretValue, aws_secretsmanager as sm\nclass S(Stack):\n    def __init__(self, scope, id):\n'
           '        super().__init__(scope, id)\n        sm.Secret(self, "S", secret_object_value={"a": SecretValue.unsafe_plain_text("x1"), '
           '"b": SecretValue.unsafe_plain_text("x2")})\n')
    found = fails("BAS005", {"lib/tap_stack.py": cdk})
    assert len(found) == 1 and "2 hard-coded secrets" in found[0].message


def test_wildcard_iam_in_heredoc_with_interpolations():
    heredoc = ('resource "aws_iam_role_policy" "p" {\n  policy = <<EOF\n{"Statement": [{"Effect": "Allow", "Action": "s3:*", '
               '"Resource": "*"}, {"Effect": "Allow", "Action": "sqs:*", "Resource": "${aws_sqs_queue.q.arn}"}]}\nEOF\n}')
    found = fails("BAS002", {"main.tf": heredoc})
    assert len(found) == 1 and found[0].found == "s3:*"


def test_a_literal_wrapped_as_a_pulumi_secret_is_hard_coded_and_a_prompt_forbidding_it_does_not_ask_for_it():
    wrapped = {"lib/tap_stack.py": 'import pulumi\nimport pulumi_aws as aws\n'
                                   'aws.rds.Cluster("c", master_password=pulumi.Output.secret("ChangeMe123!"))\n'}
    assert "Output.secret" in fails("BAS005", wrapped)[0].message
    assert fails("BAS005", wrapped, "No hardcoded credentials or secrets in code.")  # forbidding is no request
    assert not fails("BAS005", wrapped, "Hard-code the demo password ChangeMe123! for the workshop.")
    read = {"lib/tap_stack.py": 'import pulumi\nimport pulumi_aws as aws\n'
                                'aws.rds.Cluster("c", master_password=pulumi.Config().require_secret("dbPassword"))\n'}
    assert not fails("BAS005", read)


def test_a_password_each_environments_tfvars_writes_is_hard_coded_whichever_applies():
    code = {"main.tf": 'variable "pw" {}\nresource "aws_db_instance" "d" {\n  password = var.pw\n}\n',
            "dev.tfvars": 'pw = "DevPassw0rd!"\n', "prod.tfvars": 'pw = "ProdPassw0rd!"\n'}
    assert fails("BAS005", code)
    assert not fails("BAS005", {"main.tf": code["main.tf"]})


def test_a_tfvars_value_for_the_user_to_fill_in_is_no_hard_coded_secret():
    code = {"main.tf": 'variable "pw" {}\nresource "aws_db_instance" "d" {\n  password = var.pw\n}\n'}
    assert not fails("BAS005", {**code, "terraform.tfvars": 'pw = "your-secure-password"\n'})
    assert fails("BAS005", {**code, "terraform.tfvars": 'pw = "S3cure!Passw0rd"\n'})
