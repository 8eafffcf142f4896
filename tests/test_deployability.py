"""Deployability rules in the Python dialects, and unknowns that must stay unknown."""

from grader.checks.base import REGISTRY, Context, all_checks
from tests.conftest import run_check, statuses

PULUMI_BAD_KWARG = '''
import pulumi_aws as aws
aws.elasticache.ReplicationGroup("r", description="d", auth_token_enabled=True)
'''
PULUMI_GOOD_KWARG = '''
import pulumi_aws as aws
aws.elasticache.ReplicationGroup("r", description="d", transit_encryption_enabled=True)
'''


def test_pulumi_unknown_keyword_argument():
    assert "fail" in statuses(run_check("DEP009", {"__main__.py": PULUMI_BAD_KWARG}))
    assert "fail" not in statuses(run_check("DEP009", {"__main__.py": PULUMI_GOOD_KWARG}))


def test_cdk_unknown_prop_and_missing_required_prop():
    bad = '''
from aws_cdk import Stack, aws_lambda as _lambda
class S(Stack):
    def f(self):
        _lambda.Function(self, "F", handler="index.handler", code=_lambda.Code.from_inline("x"), memory=128)
'''
    good = bad.replace(", memory=128", ", runtime=_lambda.Runtime.PYTHON_3_12")
    assert {f.found for f in run_check("DEP009", {"lib/tap_stack.py": bad}) if f.status == "fail"} == {"memory"}
    assert {f.found for f in run_check("DEP010", {"lib/tap_stack.py": bad}) if f.status == "fail"} == {"runtime"}
    assert "fail" not in statuses(run_check("DEP009", {"lib/tap_stack.py": good}))
    assert "fail" not in statuses(run_check("DEP010", {"lib/tap_stack.py": good}))


def test_cdktf_uses_the_terraform_schema():
    bad = '''
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
class S:
    def f(self):
        S3Bucket(self, "b", bucket="x", versioning_enabled=True)
'''
    good = bad.replace("versioning_enabled=True", "force_destroy=True")
    assert "fail" in statuses(run_check("DEP009", {"lib/tap_stack.py": bad}))
    assert "fail" not in statuses(run_check("DEP009", {"lib/tap_stack.py": good}))


def test_unknown_sdk_symbols_in_all_three_sdks():
    for bad in ("from pulumi_aws import aws\n", "import pulumi_aws as aws\naws.secretsmanager.GetSecretOutput('s')\n",
                "from aws_cdk import aws_nonexistent\n", "from cdktf_cdktf_provider_aws.not_a_resource import X\n"):
        assert "fail" in statuses(run_check("DEP006", {"x.py": bad})), bad
    for good in ("import pulumi_aws as aws\naws.secretsmanager.get_secret(name='s')\n", "from aws_cdk import aws_s3\n",
                 "from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket\n"):
        assert "fail" not in statuses(run_check("DEP006", {"x.py": good})), good


def test_duplicate_construct_ids_in_one_scope_but_not_across_classes():
    dup = '''
from aws_cdk import Stack, aws_s3 as s3
class A(Stack):
    def __init__(self, scope, id):
        s3.Bucket(self, "Data")
        s3.Bucket(self, "Data")
'''
    separate = '''
from aws_cdk import Stack, aws_s3 as s3
class A(Stack):
    def __init__(self, scope, id):
        s3.Bucket(self, "Data")
class B(Stack):
    def build(self):
        s3.Bucket(self, "Data")
'''
    assert "fail" in statuses(run_check("DEP002", {"lib/tap_stack.py": dup}))
    assert "fail" not in statuses(run_check("DEP002", {"lib/tap_stack.py": separate}))


def test_python_placeholder_and_prompt_literal_exemption():
    code = 'import pulumi_aws as aws\naws.sns.TopicSubscription("s", topic_arn="arn:aws:sns:us-east-1:123456789012:t", protocol="sqs", endpoint="e")\n'
    assert "fail" in statuses(run_check("DEP020", {"__main__.py": code}))
    ctx = Context(prompt="Use account 123456789012 for everything.")
    assert "fail" not in statuses(run_check("DEP020", {"__main__.py": code}, ctx))


def test_values_from_variables_are_judged_as_delivered():
    code = 'variable "name" {}\nresource "aws_security_group" "a" {\n  name = var.name\n}\n'
    assert statuses(run_check("DEP023", {"main.tf": code})) == {"pass"}  # no default: nothing to judge
    with_default = 'variable "name" {\n  default = "sg-web"\n}\nresource "aws_security_group" "a" {\n  name = var.name\n}\n'
    assert statuses(run_check("DEP023", {"main.tf": with_default})) == {"fail"}
    overridden = {"main.tf": with_default, "terraform.tfvars": 'name = "web"\n'}
    assert statuses(run_check("DEP023", overridden)) == {"pass"}  # the shipped tfvars is what deploys


def test_tfvars_resolve_variables():
    code = {"main.tf": 'variable "region" {}\nprovider "aws" {\n  region = var.region\n}\n'
                       'resource "aws_subnet" "a" {\n  availability_zone = "eu-west-1a"\n}\n',
            "terraform.tfvars": 'region = "us-east-1"\n'}
    assert "fail" in statuses(run_check("DEP022", code))


def test_pinned_provider_version_makes_schema_mismatch_unknown_and_says_which_version():
    code = ('terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "~> 4.0" }\n  }\n}\n'
            'resource "aws_api_gateway_deployment" "d" {\n  rest_api_id = "x"\n  stage_name = "prod"\n}\n')
    (finding,) = [f for f in run_check("DEP009", {"main.tf": code}) if f.status != "pass"]
    assert finding.status == "unknown" and "6.25.0" in finding.message and "~> 4.0" in finding.message


def test_missing_module_and_lambda_asset_in_python():
    code = 'from aws_cdk import Stack, aws_lambda as _lambda\nclass S(Stack):\n    def f(self):\n' \
           '        _lambda.Function(self, "F", code=_lambda.Code.from_asset("lambda"), handler="h", runtime=_lambda.Runtime.PYTHON_3_12)\n'
    assert "fail" in statuses(run_check("STR008", {"lib/tap_stack.py": code}))
    assert "fail" not in statuses(run_check("STR008", {"lib/tap_stack.py": code, "lambda/index.py": "def h(e, c): pass\n"}))


def test_many_undeclared_blocks_in_a_markdown_answer_mean_omitted_files():
    from grader.grade import program_for
    from grader.ingest.task import Task
    from grader.checks.base import REGISTRY

    one = '## outputs.tf\n```hcl\noutput "a" {\n  value = aws_vpc.main.id\n}\n```\n'
    many = '## outputs.tf\n```hcl\n' + "".join(f'output "o{i}" {{\n  value = aws_vpc.v{i}.id\n}}\n' for i in range(3)) + "```\n"
    check = REGISTRY["DEP001"]()
    assert "fail" in {f.status for f in check.run(program_for("response", Task("t", "", response=one)), Context())}
    statuses = {f.status for f in check.run(program_for("response", Task("t", "", response=many)), Context())}
    assert statuses == {"unknown"}
    # delivered files are never given that benefit of the doubt
    assert "fail" in statuses_of_files(many)


def statuses_of_files(doc: str) -> set[str]:
    body = doc.split("```hcl\n", 1)[1].rsplit("```", 1)[0]
    return statuses(run_check("DEP001", {"outputs.tf": body}))


# ---- files that say they leave code out ------------------------------------------------

def test_elision_comments_are_found_and_ordinary_comments_are_not():
    from grader.ir import SourceFile
    from grader.parse.elision import elisions

    cut = ("# ...\n# ... rest of the module implementation\n# [IAM policies remain the same as before]\n"
           "// Additional variables omitted for brevity\n  # PayPal Lambda follows same pattern\n")
    kept = ("# Allow bastion to connect to RDS (similar to app_sg)\n# Egress: HTTPS for package updates, API calls, etc.\n"
            "# Try to get existing Config service linked role\n# certificates=[acm.Certificate.from_certificate_arn(...)],\n"
            "x = 1  # not a comment line ...\n")
    assert [loc.line for loc, _ in elisions(SourceFile("a.tf", "hcl", cut))] == [1, 2, 3, 4, 5]
    assert elisions(SourceFile("a.py", "python", kept)) == []


def test_comments_inside_python_strings_and_simplified_code_are_not_elisions():
    from grader.ir import SourceFile
    from grader.parse.elision import elisions

    inline = ('import aws_cdk.aws_lambda as lambda_\ncode = lambda_.Code.from_inline("""\ndef handler(event, context):\n'
              '    # ... rest of the handler\n    return {}\n""")\n# Lambda code (simplified for brevity)\n')
    cut = 'import aws_cdk\n# ... rest of the stack omitted\nx = "# not this one"\n'
    assert elisions(SourceFile("a.py", "python", inline)) == []
    assert [loc.line for loc, _ in elisions(SourceFile("a.py", "python", cut))] == [2]


def test_undeclared_reference_in_a_directory_that_leaves_code_out_is_unknown():
    uses = 'resource "aws_s3_bucket" "b" {\n  bucket = "b-${var.environment_suffix}"\n}\n'
    assert "fail" in statuses(run_check("DEP001", {"main.tf": uses}))
    elided = {"main.tf": uses, "variables.tf": 'variable "region" {}\n# ... other variables\n'}
    (finding,) = [f for f in run_check("DEP001", elided) if f.status != "pass"]
    assert finding.status == "unknown" and "variables.tf:2" in finding.message
    # an elision in another directory says nothing about this one
    assert "fail" in statuses(run_check("DEP001", {"main.tf": uses, "modules/x/main.tf": "# ...\n"}))


def test_missing_required_argument_in_a_block_that_leaves_code_out_is_unknown():
    whole = 'resource "aws_rds_cluster_instance" "i" {\n  cluster_identifier = "c"\n  instance_class = "db.r6g.large"\n}\n'
    cut = whole.replace('  instance_class', '  # ...\n  instance_class')
    assert "fail" in statuses(run_check("DEP010", {"main.tf": whole}))
    assert statuses(run_check("DEP010", {"main.tf": cut})) == {"unknown"}
    # an elision in a neighbouring block does not excuse this one
    assert "fail" in statuses(run_check("DEP010", {"main.tf": 'resource "aws_vpc" "v" {\n  # ...\n}\n' + whole}))


def test_block_shown_again_in_part_is_not_a_duplicate():
    full = 'provider "aws" {\n  region = var.aws_region\n  default_tags {\n    tags = {}\n  }\n}\n'
    again = 'provider "aws" {\n  region = var.aws_region\n  # ... default tags ...\n}\n'
    assert "fail" in statuses(run_check("DEP002", {"main.tf": full + full}))
    assert statuses(run_check("DEP002", {"main.tf": full + again})) == {"unknown"}


def test_undefined_python_name_in_a_file_that_leaves_code_out_is_unknown():
    code = ("import pulumi\nimport pulumi_aws as aws\n\n"
            "fn = aws.lambda_.Function('f', role=role.arn, runtime='python3.12', handler='h')\n")
    assert "fail" in statuses(run_check("DEP005", {"__main__.py": code}))
    cut = code.replace("\nfn =", "\n# [IAM roles remain the same as above]\nfn =")
    (finding,) = [f for f in run_check("DEP005", {"__main__.py": cut}) if f.status != "pass"]
    assert finding.status == "unknown" and "__main__.py:4" in finding.message


def test_partial_file_label_and_hcl_fragments_are_reported():
    all_checks()
    from grader.grade import program_for
    from grader.ingest.task import Task

    doc = ('## File: lib/main.tf\n```hcl\nresource "aws_s3_bucket" "b" {\n  bucket = "b-${var.environment_suffix}"\n}\n```\n'
           '## File: lib/variables.tf (additional variables)\n```hcl\nvariable "region" {}\n```\n')
    program = program_for("response", Task("t", "", response=doc))
    assert program.deliverable.partial == {"lib/variables.tf": 'its label says "(additional variables)"'}
    assert statuses(REGISTRY["STR009"]().run(program, Context())) == {"fail"}
    assert statuses(REGISTRY["DEP001"]().run(program, Context())) == {"unknown"}
    whole = program_for("response", Task("t", "", response=doc.replace(" (additional variables)", "")))
    assert statuses(REGISTRY["DEP001"]().run(whole, Context())) == {"fail"}
    assert statuses(REGISTRY["STR009"]().run(whole, Context())) == {"pass"}

    fragment = '```hcl\nmulti_az = local.current_env.multi_az\n```\n'
    findings = list(REGISTRY["STR009"]().run(program_for("response", Task("t", "", response=fragment)), Context()))
    assert [f.status for f in findings] == ["fail"] and "outside any block" in findings[0].message
    assert statuses(run_check("STR009", {"terraform.tfvars": 'region = "us-east-1"\n'})) == {"pass"}


def test_stored_free_form_values_may_hold_placeholders_but_identifiers_may_not():
    stored = 'resource "aws_ssm_parameter" "k" {\n  name = "/app/key"\n  type = "SecureString"\n  value = "change-me"\n}\n'
    ident = 'resource "aws_elasticache_subnet_group" "r" {\n  name = "r"\n  subnet_ids = ["subnet-xxxxxx"]\n}\n'
    assert statuses(run_check("DEP020", {"main.tf": stored})) == {"pass"}
    assert statuses(run_check("DEP020", {"main.tf": ident})) == {"fail"}


def test_code_pinning_the_previous_provider_major_is_checked_against_it():
    def code(pin: str) -> str:
        return ('terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n'
                f'      version = "{pin}"\n    }}\n  }}\n}}\n'
                'resource "aws_api_gateway_deployment" "d" {\n  rest_api_id = "x"\n  stage_name = "prod"\n}\n')
    # `stage_name` on a deployment was removed in 6.0: fine under ~> 5.0, an error under 6.x
    assert statuses(run_check("DEP009", {"main.tf": code("~> 5.0")})) == {"pass"}
    (finding,) = [f for f in run_check("DEP009", {"main.tf": code("~> 6.0")}) if f.status != "pass"]
    assert finding.status == "fail" and "6.25.0" in finding.message
    # a lower bound alone installs the newest provider
    assert "fail" in statuses(run_check("DEP009", {"main.tf": code(">= 5.0")}))
    # an argument that 5.x does not have either fails under ~> 5.0, and says which version was checked
    removed = code("~> 5.0").replace('resource "aws_api_gateway_deployment" "d" {\n  rest_api_id = "x"\n  stage_name = "prod"\n}\n',
                                     'resource "aws_flow_log" "f" {\n  vpc_id = "x"\n  traffic_type = "ALL"\n  log_destination_arn = "y"\n}\n')
    (finding,) = [f for f in run_check("DEP009", {"main.tf": removed}) if f.status != "pass"]
    assert finding.status == "fail" and "5.99.1" in finding.message


def test_python_duplicates_are_construct_ids_of_one_scope_not_repeated_method_calls():
    added = '''
from aws_cdk import Stack, aws_s3 as s3, aws_iam as iam, aws_dynamodb as ddb, aws_sns as sns, aws_sns_subscriptions as subs
class A(Stack):
    def __init__(self, scope, id):
        bucket = s3.Bucket(self, "Data")
        bucket.add_to_resource_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"]))
        bucket.add_to_resource_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"]))
        table = ddb.Table(self, "T", partition_key=ddb.Attribute(name="pk", type=ddb.AttributeType.STRING))
        table.add_global_secondary_index(index_name="a", partition_key=ddb.Attribute(name="a", type=ddb.AttributeType.STRING))
        table.add_global_secondary_index(index_name="b", partition_key=ddb.Attribute(name="b", type=ddb.AttributeType.STRING))
        for_alarms = sns.Topic(self, "Alarms")
        for_reports = sns.Topic(self, "Reports")
        for_alarms.add_subscription(subs.EmailSubscription("ops@example.com"))
        for_reports.add_subscription(subs.EmailSubscription("ops@example.com"))
        if self.node.try_get_context("prod"):
            s3.Bucket(self, "Logs", versioned=True)
        else:
            s3.Bucket(self, "Logs")
        s3.Bucket(bucket, "Data")  # another scope
'''
    same_scope = '''
from aws_cdk import Stack, aws_s3 as s3, aws_sqs as sqs, aws_elasticloadbalancingv2 as elbv2
class A(Stack):
    def __init__(self, scope, id):
        s3.Bucket(self, "Data")
        sqs.Queue(self, "Data")  # ids are unique per scope whatever the class
        if True:
            alb = elbv2.ApplicationLoadBalancer(self, "Alb", vpc=None)
            alb.add_listener("Http", port=80)
            alb.add_listener("Http", port=8080)
'''
    assert "fail" not in statuses(run_check("DEP002", {"lib/tap_stack.py": added}))
    found = [f for f in run_check("DEP002", {"lib/tap_stack.py": same_scope}) if f.status == "fail"]
    assert len(found) == 2, [f.message for f in found]


def test_pulumi_duplicate_urns_need_literal_names_of_one_type():
    dup = 'import pulumi_aws as aws\naws.s3.Bucket("logs")\naws.s3.Bucket("logs")\n'
    fine = ('import pulumi_aws as aws\naws.s3.Bucket("logs")\naws.sqs.Queue("logs")\n'
            'def make(name):\n    aws.s3.Bucket(name)\n    aws.s3.Bucket(name + "-b")\n')
    assert "fail" in statuses(run_check("DEP002", {"__main__.py": dup}))
    assert "fail" not in statuses(run_check("DEP002", {"__main__.py": fine}))


def test_required_arguments_may_come_in_a_positional_args_object():
    positional = ('import json\nimport pulumi_aws as aws\n'
                  'aws.iam.Role("r", aws.iam.RoleArgs(assume_role_policy=json.dumps({"Version": "2012-10-17"})))\n')
    missing = 'import pulumi_aws as aws\naws.iam.Role("r", description="no trust policy")\n'
    assert "fail" not in statuses(run_check("DEP010", {"__main__.py": positional}))
    assert "fail" not in statuses(run_check("DEP009", {"__main__.py": positional}))
    assert "fail" in statuses(run_check("DEP010", {"__main__.py": missing}))


def test_three_part_version_constraints_pick_their_major():
    from grader.checks.schema_checks import _constraint_major
    assert _constraint_major(">= 5.0.0, < 6.0.0") == 5  # the patch number is not a second constraint
    assert _constraint_major(">=7.0.0") is None  # a lower bound only: the newest release
    assert _constraint_major("~> 5.0") == 5

USER_DATA = ('resource "aws_launch_template" "web" {\n'
             '  user_data = base64encode(templatefile("${path.module}/user_data.sh", { port = 80 }))\n}\n')


def test_missing_file_in_nested_function_under_path_module():
    (finding,) = [f for f in run_check("STR008", {"modules/compute/main.tf": USER_DATA}) if f.status == "fail"]
    assert finding.found == "${path.module}/user_data.sh" and finding.locations[0].line == 2
    # Delivered in the module's directory, or under another directory: not missing.
    assert "fail" not in statuses(run_check("STR008", {"modules/compute/main.tf": USER_DATA, "modules/compute/user_data.sh": "#!/bin/bash\n"}))
    assert "fail" not in statuses(run_check("STR008", {"modules/compute/main.tf": USER_DATA, "scripts/user_data.sh": "#!/bin/bash\n"}))
    moved = USER_DATA.replace("/user_data.sh", "/templates/user_data.sh.tpl")
    assert "fail" not in statuses(run_check("STR008", {"modules/compute/main.tf": moved, "user_data.sh": "#!/bin/bash\n"}))
    assert "fail" in statuses(run_check("STR008", {"modules/compute/main.tf": USER_DATA, "README.md": "Create user_data.sh\n"}))


def test_missing_file_read_in_locals_and_outputs():
    code = 'locals {\n  init = file("scripts/init.sh")\n}\noutput "o" {\n  value = filemd5("${path.root}/policy.json")\n}\n'
    assert {f.found for f in run_check("STR008", {"main.tf": code}) if f.status == "fail"} == {"scripts/init.sh", "${path.root}/policy.json"}
    delivered = {"main.tf": code, "scripts/init.sh": "echo\n", "policy.json": "{}\n"}
    assert "fail" not in statuses(run_check("STR008", delivered))


def test_lambda_zip_under_path_module_missing_unless_produced():
    lam = 'resource "aws_lambda_function" "f" {\n  filename = "${path.module}/failover.zip"\n' \
          '  source_code_hash = filebase64sha256("${path.module}/failover.zip")\n}\n'
    fails = [f for f in run_check("STR008", {"modules/dr/main.tf": lam}) if f.status == "fail"]
    assert [f.found for f in fails] == ["${path.module}/failover.zip"]  # reported once
    archive = 'data "archive_file" "z" {\n  type = "zip"\n  source_dir = "${path.module}/src"\n  output_path = "${path.module}/failover.zip"\n}\n'
    assert "fail" not in statuses(run_check("STR008", {"modules/dr/main.tf": lam + archive, "modules/dr/src/index.py": "x = 1\n"}))
    local = 'resource "local_file" "z" {\n  filename = "${path.module}/failover.zip"\n  content = "x"\n}\n'
    assert "fail" not in statuses(run_check("STR008", {"modules/dr/main.tf": lam + local}))
    # An unknown path (another interpolation) is no claim.
    unknown = lam.replace("${path.module}/failover.zip", "${path.module}/${var.name}.zip")
    assert "fail" not in statuses(run_check("STR008", {"modules/dr/main.tf": unknown}))


def test_backend_with_interpolation_variable_or_function_fails():
    good = 'terraform {\n  backend "s3" {\n    bucket = "state"\n    key = "app/terraform.tfstate"\n    region = "us-east-1"\n  }\n}\n'
    assert statuses(run_check("DEP018", {"backend.tf": good})) == {"pass"}
    for value in ('"${terraform.workspace}/state"', "var.state_key", 'format("%s/state", "x")', "local.key"):
        bad = good.replace('"app/terraform.tfstate"', value)
        (finding,) = [f for f in run_check("DEP018", {"backend.tf": bad}) if f.status == "fail"]
        assert finding.found == "key", value


def test_backend_with_a_block_it_does_not_take_fails():
    base = 'terraform {\n  backend "s3" {\n    bucket = "state"\n    key = "k"\n    region = "us-east-1"\n%s  }\n}\n'
    bad = base % "    lifecycle {\n      prevent_destroy = true\n    }\n"
    assert [f.found for f in run_check("DEP018", {"backend.tf": bad}) if f.status == "fail"] == ["lifecycle"]
    good = base % '    assume_role {\n      role_arn = "arn:aws:iam::111111111111:role/state"\n    }\n'
    assert statuses(run_check("DEP018", {"backend.tf": good})) == {"pass"}


LIFECYCLE = ('resource "aws_s3_bucket_lifecycle_configuration" "l" {\n  bucket = "b"\n  rule {\n    id = "expire"\n'
             '    status = "Enabled"\n%s    expiration {\n      days = 30\n    }\n  }\n}\n')


NO_WARNINGS = Context(prompt="Deploy without provider warnings.")


def test_s3_lifecycle_rule_without_filter_is_advice_unless_the_prompt_asks_for_warning_free_code():
    # hashicorp/aws only warns today (round 23, tf-hcl-Pr7590: "a provider warning treated as a defect")
    (advice,) = run_check("DEP019", {"main.tf": LIFECYCLE % ""})
    assert advice.status == "n/a" and advice.severity == "info" and advice.message.startswith("Advice (not counted)")
    assert [f.status for f in run_check("DEP019", {"main.tf": LIFECYCLE % ""}, NO_WARNINGS)] == ["fail"]


def test_s3_lifecycle_rule_without_filter_or_prefix_is_low_and_not_a_blocker():
    (finding,) = [f for f in run_check("DEP019", {"main.tf": LIFECYCLE % ""}, NO_WARNINGS) if f.status == "fail"]
    assert finding.found == "expire" and finding.severity == "low" and finding.area == "deployability"
    for scope in ("    filter {}\n", '    filter {\n      prefix = "logs/"\n    }\n', '    prefix = "logs/"\n'):
        assert statuses(run_check("DEP019", {"main.tf": LIFECYCLE % scope})) == {"pass"}
    from grader.grade import BLOCKING_AREAS
    assert finding.area in BLOCKING_AREAS and finding.severity not in ("critical", "high")


def test_s3_lifecycle_rule_without_filter_in_cdktf():
    code = ('from cdktf import TerraformStack\n'
            'from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import S3BucketLifecycleConfiguration, '
            'S3BucketLifecycleConfigurationRule, S3BucketLifecycleConfigurationRuleFilter\n'
            'class S(TerraformStack):\n    def __init__(self, scope, id):\n        super().__init__(scope, id)\n'
            '        S3BucketLifecycleConfiguration(self, "l", bucket="b", rule=[S3BucketLifecycleConfigurationRule(id="r", status="Enabled"%s)])\n')
    assert "fail" in statuses(run_check("DEP019", {"main.py": code % ""}, NO_WARNINGS))
    assert statuses(run_check("DEP019", {"main.py": code % ', filter=S3BucketLifecycleConfigurationRuleFilter(prefix="")'})) == {"pass"}


def test_two_required_providers_blocks_in_one_module():
    tf = 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
    both = {"main.tf": tf + 'resource "aws_s3_bucket" "b" {}\n', "provider.tf": tf + 'provider "aws" {\n  region = "us-east-1"\n}\n'}
    assert [f.status for f in run_check("DEP031", both)] == ["fail"]
    modules = {"main.tf": tf, "modules/net/versions.tf": tf}  # one per module directory is fine
    assert [f.status for f in run_check("DEP031", modules)] == ["pass"]


def test_a_lifecycle_rule_without_filter_is_not_claimed_under_provider_4():
    rule = ('resource "aws_s3_bucket_lifecycle_configuration" "l" {\n  bucket = "b"\n  rule {\n    id = "x"\n    status = "Enabled"\n'
            '    expiration {\n      days = 30\n    }\n  }\n}\n')
    assert [f.status for f in run_check("DEP019", {"main.tf": rule}, NO_WARNINGS)] == ["fail"]
    pinned = 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "~> 4.0" }\n  }\n}\n'
    assert not run_check("DEP019", {"main.tf": pinned + rule}, NO_WARNINGS)


def test_provider_aliases_the_prompt_asks_for_are_not_a_redefinition():
    from grader.checks.base import Context
    code = {"main.tf": 'provider "aws" {\n  alias = "secondary"\n  region = "us-west-2"\n}\nresource "aws_s3_bucket" "b" {}\n'}
    check = next(cid for cid, cls in REGISTRY.items() if cls.name == "provider-redefined")
    plain = Context(prompt="The provider configuration already exists in provider.tf and uses var.aws_region.")
    asked = Context(prompt=plain.prompt + " Define primary and secondary provider aliases for the two regions.")
    assert [f.status for f in run_check(check, code, plain)] == ["fail"]
    assert [f.status for f in run_check(check, code, asked)] == ["pass"]


def test_an_arn_with_a_word_for_its_account_is_a_placeholder():
    policy = ('resource "aws_s3_bucket_policy" "p" {{\n  bucket = "b"\n  policy = jsonencode({{ Statement = [{{ Effect = "Allow", '
              'Principal = {{ AWS = "{}" }}, Action = "s3:PutObject", Resource = "arn:aws:s3:::b/*" }}] }})\n}}\n')
    assert statuses(run_check("DEP020", {"main.tf": policy.format("arn:aws:iam::elb-account-id:root")})) == {"fail"}
    for real in ("arn:aws:iam::127311923021:root", "arn:aws:iam::aws:policy/ReadOnlyAccess",
                 "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1"):
        assert statuses(run_check("DEP020", {"main.tf": policy.format(real)})) == {"pass"}, real
    integration = ('resource "aws_api_gateway_integration" "i" {\n  type = "AWS"\n'
                   '  uri  = "arn:aws:apigateway:us-east-1:states:action/StartExecution"\n}\n')
    assert statuses(run_check("DEP020", {"main.tf": integration})) == {"pass"}


def test_placeholders_in_the_part_of_a_file_the_parser_could_not_read():
    head = 'variable "cert_arn" {\n  default = "arn:aws:acm:us-east-1:123456789012:certificate/abc"\n}\n'
    cut = head + 'resource "aws_lb_listener" "https" {\n  certificate_arn = var.cert_arn\n  port = '
    found = [f for f in run_check("DEP020", {"main.tf": cut}) if f.status == "fail"]
    assert found and "var.cert_arn" in found[0].message  # what read the default was cut off
    assert statuses(run_check("DEP020", {"main.tf": head})) == {"pass"} or not run_check("DEP020", {"main.tf": head})
    tail = 'resource "aws_s3_bucket" "b" {\n  bucket = "b-1"\n}\nresource "aws_instance" "i" {\n  ami = "ami-xxxxxxxx"\n  subnet_id = "'
    found = [f for f in run_check("DEP020", {"main.tf": tail}) if f.status == "fail"]
    assert found and found[0].locations[0].line == 5
    assert not [f for f in run_check("DEP020", {"main.tf": tail.replace("ami-xxxxxxxx", "ami-0abc1234def567890")}) if f.status == "fail"]


def test_a_variable_the_prompt_says_exists_needs_no_declaration():
    uses = {"tap_stack.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x-${var.aws_region}"\n}\n'}
    told = Context(prompt='The region is passed using an existing variable:\n```\nvariable "aws_region" {\n  type = string\n}\n```\n')
    assert "fail" not in statuses(run_check("DEP001", uses, told))
    shown = Context(prompt='Declare the region:\n```\nvariable "aws_region" {\n  type = string\n}\n```\n')
    assert "fail" in statuses(run_check("DEP001", uses, shown))


def test_a_function_terraform_does_not_have_fails_validate():
    for_each = ('resource "aws_iam_role_policy_attachment" "a" {\n  for_each = { for p in var.arns : "${FN(p, "[^a-z]", "-")}" => p }\n'
                '  role = "r"\n  policy_arn = each.value\n}\n')
    assert [f.found for f in run_check("DEP038", {"main.tf": for_each.replace("FN", "regexreplace")}) if f.status == "fail"] == ["regexreplace"]
    assert statuses(run_check("DEP038", {"main.tf": for_each.replace("FN", "replace")})) == {"pass"}
    # `$${topic()}` is literal text (IoT SQL), and a provider function is namespaced
    literal = ('resource "aws_iot_topic_rule" "r" {\n  sql = "SELECT * FROM \'t\'"\n  partition_key = "$${topic()}"\n'
               '  name = provider::aws::arn_parse(var.arn).resource\n}\n')
    assert statuses(run_check("DEP038", {"main.tf": literal})) == {"pass"}


def test_an_asset_the_answer_builds_itself_is_not_judged_missing():
    code = {"__main__.py": 'import pulumi, pulumi_aws as aws\naws.lambda_.Function("f", role="r", code=pulumi.FileArchive("./lambda_code.zip"))\n'}
    assert statuses(run_check("STR008", code, Context(answer_text="Deploy with `pulumi up`.\n"))) == {"fail"}
    built = "```bash\nmkdir -p build && zip -r lambda_code.zip handler.py\n```\n"
    assert statuses(run_check("STR008", code, Context(answer_text=built))) == {"unknown"}
    script = "```python\nzip_file = 'lambda_code.zip'\nwith zipfile.ZipFile(zip_file, 'w') as zf:\n    zf.write('h.py')\n```\n"
    assert statuses(run_check("STR008", code, Context(answer_text=script))) == {"unknown"}


def test_a_variable_declared_in_another_folder_with_no_module_between_is_not_judged():
    provider = 'provider "aws" {\n  region = var.aws_region\n}\n'
    stack = 'variable "aws_region" {\n  default = "us-east-1"\n}\nresource "aws_s3_bucket" "b" {}\n'
    [finding] = [f for f in run_check("DEP001", {"provider.tf": provider, "lib/tap_stack.tf": stack}) if f.status != "pass"]
    assert finding.status == "unknown" and "`lib/` declares it" in finding.message
    # a folder the root calls as a module sees only what it declares
    called = {"main.tf": 'variable "aws_region" {}\nmodule "net" {\n  source = "./modules/net"\n}\n',
              "modules/net/main.tf": 'resource "aws_vpc" "v" {\n  tags = { Region = var.aws_region }\n}\n'}
    assert "fail" in statuses(run_check("DEP001", called))


def test_a_module_folder_missing_while_unnamed_blocks_hold_module_code_is_not_judged():
    root = 'module "vpc" {\n  source = "./modules/vpc"\n}\n'
    snippet = 'variable "cidr" {}\nresource "aws_vpc" "v" {\n  cidr_block = var.cidr\n}\n'
    assert statuses(run_check("STR008", {"main.tf": root, "unnamed-2/main.tf": snippet})) == {"unknown"}
    assert statuses(run_check("STR008", {"main.tf": root})) == {"fail"}


def test_bare_interpolation_in_cdktf_source_strings_hcl_heredocs_and_what_is_no_claim():
    head = "from cdktf_cdktf_provider_aws.instance import Instance\nclass S:\n    def f(self, port):\n"
    fstring = head + '        Instance(self, "i", user_data=f"""echo ${{port}}""")\n'
    assert [f.status for f in run_check("DEP037", {"lib/tap_stack.py": fstring})] == ["fail"]
    escaped = head + '        Instance(self, "i", user_data=f"""echo $${{port}} ${port}""")\n'  # `${port}` in an f-string is Python's
    assert [f.status for f in run_check("DEP037", {"lib/tap_stack.py": escaped})] == ["pass"]
    plain = head + '        Instance(self, "i", tags={"Env": "${ENVIRONMENT_SUFFIX}"})\n'
    assert [f.status for f in run_check("DEP037", {"lib/tap_stack.py": plain})] == ["fail"]
    bound = 'locals {\n  names = [for s in var.list : "${s}-x"]\n}\n/*\necho ${HOME}\n*/\n'
    assert [f.status for f in run_check("DEP037", {"main.tf": bound})] == ["pass"]
    heredoc = 'resource "aws_instance" "a" {\n  user_data = <<-EOT\n    echo "port ${PORT:-80}"\n  EOT\n}\n'
    [finding] = run_check("DEP037", {"main.tf": heredoc})
    assert finding.status == "fail" and finding.locations[0].line == 3
    assert [f.status for f in run_check("DEP037", {"main.tf": heredoc.replace("${PORT", "$${PORT")})] == ["pass"]


def test_cdk_replica_backup_retention_depends_on_the_source_engine():
    all_checks()
    bad = REGISTRY["DEP041"].bad
    assert "postgres" in [f for f in run_check("DEP041", {"lib/tap_stack.py": bad}) if f.status == "fail"][0].message
    mysql = bad.replace("postgres(\n            version=rds.PostgresEngineVersion.VER_16)", "mysql(version=rds.MysqlEngineVersion.VER_8_0)")
    assert not run_check("DEP041", {"lib/tap_stack.py": mysql})  # CDK backs up MySQL and MariaDB replicas
    unknown = bad.replace("engine=rds.DatabaseInstanceEngine.postgres(\n            version=rds.PostgresEngineVersion.VER_16)", "engine=engine")
    assert not run_check("DEP041", {"lib/tap_stack.py": unknown.replace("def f(self, vpc)", "def f(self, vpc, engine)")})
