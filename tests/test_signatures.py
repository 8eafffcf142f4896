"""What the real toolchains reject in Python and construct-level checks miss: keyword arguments of nested
structs, Args classes and methods (DEP012), members a class does not have (DEP013; DEP040 for the answer's own classes), CDKTF names a
provider module does not export (DEP006), an SDK alias bound only in another file (DEP005), CDKTF literals of
the wrong primitive type (DEP036) and strings interpolating a bare name (DEP037)."""

import json

import pytest

from grader.checks.base import REGISTRY, Context
from grader.grade import program_for
from grader.ingest.task import Task
from tests.conftest import run_check, statuses


def failed(check_id: str, text: str, path: str = "lib/tap_stack.py") -> set[str]:
    return {f.found for f in run_check(check_id, {path: text}) if f.status == "fail"}


CDK_STACK = '''
from aws_cdk import Duration, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2
class TapStack(Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        asg = autoscaling.AutoScalingGroup(self, "Asg", vpc=vpc, instance_type=t, machine_image=m,
                                           health_check=autoscaling.HealthCheck.elb(grace=Duration.minutes(5)))
        asg.scale_on_cpu_utilization("Cpu", target_utilization_percent=60, cooldown_seconds=300)
        tg = elbv2.ApplicationTargetGroup(self, "Tg", port=80, vpc=vpc,
                                          health_check=elbv2.HealthCheck(path="/", interval_seconds=30))
'''
CDK_STACK_FIXED = (CDK_STACK.replace("grace=", "grace=").replace("cooldown_seconds=300", "cooldown=Duration.seconds(300)")
                   .replace("interval_seconds=30", "interval=Duration.seconds(30)"))


def test_unknown_keywords_of_structs_and_methods_in_cdk():
    assert failed("DEP012", CDK_STACK) == {"cooldown_seconds", "interval_seconds"}
    assert failed("DEP012", CDK_STACK_FIXED) == set()
    # a static factory's keywords: HealthCheck.elb takes `grace`, not `grace_period`
    assert failed("DEP012", CDK_STACK_FIXED.replace("grace=", "grace_period=")) == {"grace_period"}


def test_method_keywords_follow_the_base_classes_and_props_of_constructs_are_left_to_dep009():
    text = '''
from aws_cdk import Stack, aws_s3 as s3, aws_iam as iam
class TapStack(Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        self.bucket = s3.Bucket(self, "B", versioned=True, not_a_prop=1)
        self.bucket.add_lifecycle_rule(expiration_days=30)
        iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"], principal=iam.AnyPrincipal())
'''
    assert failed("DEP012", text) == {"expiration_days", "principal"}
    fixed = text.replace("expiration_days=30", "expiration=Duration.days(30)").replace("principal=", "principals=[") \
        .replace("AnyPrincipal())", "AnyPrincipal()])")
    assert failed("DEP012", fixed) == set()
    assert failed("DEP009", text) == {"not_a_prop"}  # the construct's own props stay with DEP009


def test_pulumi_args_classes():
    bad = '''
import pulumi_aws as aws
aws.apigateway.MethodSettings("s", rest_api=api.id, stage_name="prod", method_path="*/*",
    settings=aws.apigateway.MethodSettingsSettingsArgs(metrics_enabled=True, require_ssl_certificate=True))
'''
    assert failed("DEP012", bad, "__main__.py") == {"require_ssl_certificate"}
    assert failed("DEP012", bad.replace(", require_ssl_certificate=True", ""), "__main__.py") == set()


def test_no_claim_without_a_known_signature():
    unknown = '''
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
import pulumi_aws as aws
opts = load_options()
elbv2.HealthCheck(path="/", **opts)
elbv2.NotAClass(whatever=1)
aws.apigateway.NotAnArgsClass(whatever=1)
thing = make_thing()
thing.scale_on_cpu_utilization(cooldown_seconds=1)
'''
    assert failed("DEP012", unknown) == set()
    assert failed("DEP013", unknown) == set()


def test_unknown_members_of_classes_instances_and_enums():
    text = '''
from aws_cdk import RemovalPolicy, Stack, aws_lambda as _lambda
class TapStack(Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        fn = _lambda.Function(self, "F", runtime=_lambda.Runtime.PYTHON_3_12, handler="i.h", code=c)
        _lambda.Function.metric_concurrent_executions()
        fn.metric_throttles()
        fn.metric_cold_starts()
        fn.apply_removal_policy(RemovalPolicy.DESTORY)
        fn.node.add_dependency(fn)
'''
    assert failed("DEP013", text) == {"aws_lambda.Function.metric_concurrent_executions",
                                      "aws_lambda.Function.metric_cold_starts", "RemovalPolicy.DESTORY"}
    fixed = (text.replace("metric_concurrent_executions", "metric_all_concurrent_executions")
             .replace("metric_cold_starts", "metric_duration").replace("DESTORY", "DESTROY"))
    assert failed("DEP013", fixed) == set()


def test_a_parameter_annotated_with_a_cdk_class_has_that_class_members():
    text = '''
from aws_cdk import Stack, aws_autoscaling as autoscaling, aws_cloudwatch as cw
class Monitoring(Stack):
    def __init__(self, scope, id, asg: autoscaling.AutoScalingGroup, other):
        super().__init__(scope, id)
        cw.GraphWidget(left=[asg.metric_cpu_utilization(), other.metric_cpu_utilization()])
        asg.scale_on_cpu_utilization("Cpu", target_utilization_percent=70)
'''
    assert failed("DEP013", text) == {"aws_autoscaling.AutoScalingGroup.metric_cpu_utilization"}
    rebound = text.replace("super().__init__(scope, id)", "super().__init__(scope, id)\n        asg = make_group()")
    assert failed("DEP013", rebound) == set()  # rebound in the body: its class is no longer known


def test_self_attribute_holding_different_classes_is_not_checked():
    text = '''
from aws_cdk import Stack, aws_s3 as s3, aws_sqs as sqs
class A(Stack):
    def __init__(self, scope, id):
        self.store = s3.Bucket(self, "B")
class B(Stack):
    def __init__(self, scope, id):
        self.store = sqs.Queue(self, "Q")
        self.store.grant_send_messages(role)
'''
    assert failed("DEP013", text) == set()
    assert failed("DEP013", text.replace("sqs.Queue(self, \"Q\")", "s3.Bucket(self, \"C\")")) == {"aws_s3.Bucket.grant_send_messages"}


def test_cdktf_names_a_provider_module_does_not_export():
    bad = "from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioning\n"
    assert failed("DEP006", bad, "main.py") == {"cdktf_cdktf_provider_aws.s3_bucket_versioning.S3BucketVersioning"}
    good = "from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA, S3BucketVersioningVersioningConfiguration\n"
    assert failed("DEP006", good, "main.py") == set()


def test_sdk_alias_bound_only_in_another_file_fails_in_a_whole_file():
    app = "import aws_cdk as cdk\nfrom lib.tap_stack import TapStack\napp = cdk.App()\nTapStack(app, 'T')\napp.synth()\n"
    stack = ("from aws_cdk import Stack, aws_s3 as s3\nclass TapStack(Stack):\n    def build(self):\n"
             "        s3.Bucket(self, 'B', removal_policy=cdk.RemovalPolicy.DESTROY)\n")

    def dep005(stack_text: str, name: str = "cdk", app_text: str = app) -> set[str]:
        answer = f"## app.py\n```python\n{app_text}```\n\n## lib/tap_stack.py\n```python\n{stack_text}```\n"
        program = program_for("response", Task(id="t", path="", response=answer))
        return {f.status for f in REGISTRY["DEP005"]().run(program, Context()) if f.found == name}

    assert dep005(stack) == {"fail"}
    assert dep005(stack.replace("from aws_cdk import Stack", "import aws_cdk as cdk\nfrom aws_cdk import Stack")) == set()
    # an SDK class imported in another file only: a NameError too
    app_with_class = app.replace("import aws_cdk as cdk", "from aws_cdk import RemovalPolicy\nimport aws_cdk as cdk")
    assert dep005(stack.replace("cdk.RemovalPolicy", "RemovalPolicy"), "RemovalPolicy", app_with_class) == {"fail"}
    # a file that imports nothing from that SDK may be an excerpt: no claim
    assert dep005("class TapStack:\n    policy = cdk.RemovalPolicy.DESTROY\n") == {"unknown"}


def test_json_dumps_over_pulumi_outputs_whatever_the_file_imports():
    bad = ('import json\nimport pulumi_aws as aws\nbucket = aws.s3.Bucket("b")\n'
           'aws.iam.Policy("p", policy=json.dumps({"Statement": [{"Effect": "Allow", "Resource": bucket.arn}]}))\n')
    assert "fail" in {f.status for f in run_check("DEP025", {"lib/storage.py": bad})}
    good = bad.replace('json.dumps({"Statement": [{"Effect": "Allow", "Resource": bucket.arn}]})',
                       'bucket.arn.apply(lambda arn: json.dumps({"Statement": [{"Effect": "Allow", "Resource": arn}]}))')
    assert "fail" not in {f.status for f in run_check("DEP025", {"lib/storage.py": good})}
    # CDK attributes are tokens that json.dumps renders: no claim
    cdk = 'import json\nfrom aws_cdk import aws_s3 as s3\nb = s3.Bucket(self, "B")\ndoc = json.dumps({"r": b.bucket_arn})\n'
    assert "fail" not in {f.status for f in run_check("DEP025", {"lib/tap_stack.py": cdk})}


def test_missing_required_fields_of_structs_and_method_options():
    text = '''
from aws_cdk import aws_apigateway as apigw, aws_ec2 as ec2
fmt = apigw.AccessLogFormat.json_with_standard_fields()
subnets = [ec2.SubnetConfiguration(name="app", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24)]
'''
    findings = [f for f in run_check("DEP014", {"lib/tap_stack.py": text}) if f.status == "fail"]
    assert len(findings) == 1 and "caller" in findings[0].found and "http_method" in findings[0].found
    flags = ", ".join(f"{name}=True" for name in ("caller", "http_method", "ip", "protocol", "request_time",
                                                   "resource_path", "response_length", "status", "user"))
    assert failed("DEP014", text.replace("json_with_standard_fields()", f"json_with_standard_fields({flags})")) == set()
    # `**dict` and `*args` make no claim, nor do options without required fields
    for call in ("apigw.AccessLogFormat.json_with_standard_fields(**flags)", "apigw.AccessLogFormat.json_with_standard_fields(*flags)",
                 "ec2.Vpc.from_lookup(self, 'V', vpc_id='vpc-1')"):
        assert failed("DEP014", f"from aws_cdk import aws_apigateway as apigw, aws_ec2 as ec2\n{call}\n") == set(), call


def test_star_args_are_not_an_unknown_argument_of_a_construct():
    text = "from aws_cdk import aws_s3 as s3\ns3.Bucket(self, 'B', *extra)\n"
    assert failed("DEP009", text) == set()
    assert failed("DEP010", text) == set()


def test_import_of_an_answer_module_that_is_not_delivered():
    stack = "from lib.vpc_stack import VpcStack\nfrom lib import helpers\nfrom aws_cdk import Stack\nimport yaml.constructor\n\n\nclass TapStack(Stack):\n    pass\n"
    files = {"tap.py": "from lib.tap_stack import TapStack\n", "lib/tap_stack.py": stack}
    findings = [f for f in run_check("DEP015", files) if f.status == "fail"]
    assert [f.found for f in findings] == ["lib.vpc_stack"]  # `from lib import helpers` may name what lib/__init__.py defines
    delivered = {**files, "lib/vpc_stack.py": "class VpcStack: pass\n"}
    assert not [f for f in run_check("DEP015", delivered) if f.status == "fail"]
    relative = {"lib/tap_stack.py": "from .vpc_stack import VpcStack\nfrom . import helpers\n", "tap.py": "import lib.tap_stack\n"}
    assert [f.found for f in run_check("DEP015", relative) if f.status == "fail"] == [".vpc_stack"]
    assert not [f for f in run_check("DEP015", {**relative, "lib/vpc_stack.py": "try:\n    from x import VpcStack\nexcept ImportError:\n    VpcStack = None\n"}) if f.status == "fail"]
    # the module is delivered but does not define the name: ImportError
    assert [f.found for f in run_check("DEP015", {**relative, "lib/vpc_stack.py": "class NetworkStack: pass\n"}) if f.status == "fail"] == [".vpc_stack.VpcStack"]
    assert not [f for f in run_check("DEP015", {**relative, "lib/vpc_stack.py": "from lib.base import *\n"}) if f.status == "fail"]
    # a package the answer does not have is a library: no claim
    assert not [f for f in run_check("DEP015", {"main.py": "from common.utils import x\n"}) if f.status == "fail"]


def test_enum_built_from_a_value_or_from_a_config_key_holding_numbers():
    stack = '''
from aws_cdk import Stack, aws_logs as logs
class S(Stack):
    def __init__(self, scope, id, **kw):
        super().__init__(scope, id, **kw)
        self.cfg = {"dev": {"days": 7}, "prod": {"days": 30}}[kw.get("stage", "dev")]
        logs.LogGroup(self, "A", retention=logs.RetentionDays(self.cfg["days"]))
        logs.LogGroup(self, "B", retention=logs.RetentionDays("ONE_WEEK"))
        logs.LogGroup(self, "C", retention=logs.RetentionDays(self.cfg["name"]))
'''
    found = [f for f in run_check("DEP016", {"lib/tap_stack.py": stack}) if f.status == "fail"]
    assert [f.found for f in found] == ['["days"]']
    fine = stack.replace('logs.RetentionDays(self.cfg["days"])', 'logs.RetentionDays.ONE_WEEK')
    assert not [f for f in run_check("DEP016", {"lib/tap_stack.py": fine}) if f.status == "fail"]


APP = "import aws_cdk as cdk\nfrom aws_cdk import Stack, aws_s3 as s3\napp = cdk.App()\nStack(app, 'S')\napp.synth()\n"


@pytest.mark.parametrize("flag,code,fails", [
    ("@aws-cdk/core:enableStackNameDuplicates", APP, True),  # read by every stack
    ("@aws-cdk/aws-kms:defaultKeyPolicies", APP, False),  # read only by aws_kms, which the app does not use
    ("@aws-cdk/aws-s3:grantWriteWithoutAcl", APP, False),  # read only by the grant methods
    ("@aws-cdk/aws-s3:grantWriteWithoutAcl", APP + "s3.Bucket(app, 'B').grant_write(None)\n", True),
    ("@aws-cdk/aws-s3:grantWriteWithoutAcl", APP + "s3.Bucket(app, 'B')\nsecret.grant_write(None)\n", False),  # not a bucket's grant
    ("aws-cdk:enableDiffNoFail", APP, False),  # a CLI setting no construct reads
    ("@aws-cdk/aws-lambda:recognizeLayerVersion", APP, False),  # a current v2 flag
])
def test_cdk_v1_feature_flags_in_cdk_json(flag, code, fails):
    files = {"app.py": code, "cdk.json": json.dumps({"app": "python3 app.py", "context": {flag: True}}, indent=2)}
    found = [f for f in run_check("DEP017", files) if f.status == "fail"]
    assert bool(found) == fails, found
    if fails:
        assert found[0].locations[0].file == "cdk.json" and found[0].locations[0].line == 4


def test_cdk_v1_feature_flag_set_from_python():
    code = APP.replace("app = cdk.App()", "app = cdk.App()\napp.node.set_context('@aws-cdk/core:enableStackNameDuplicates', True)")
    assert [f.found for f in run_check("DEP017", {"app.py": code}) if f.status == "fail"] == ["@aws-cdk/core:enableStackNameDuplicates"]


def test_an_answer_pinning_another_sdk_major_is_checked_against_it_or_not_judged():
    code = "import pulumi_aws as aws\naws.apigateway.Deployment('d', rest_api='r', stage_name='prod')\n"
    fails = [f for f in run_check("DEP009", {"__main__.py": code}) if f.status == "fail"]
    assert [f.found for f in fails] == ["stage_name"]  # removed in pulumi-aws 7
    v6 = {"__main__.py": code, "requirements.txt": "pulumi>=3.0.0,<4.0.0\npulumi-aws>=6.0.0,<7.0.0\n"}
    assert not [f for f in run_check("DEP009", v6) if f.found == "stage_name"]  # 6.x, shipped too, still has it
    v5 = {"__main__.py": code, "requirements.txt": "pulumi-aws>=5.0.0,<6.0.0\n"}  # a major not shipped: not judged
    found = [f for f in run_check("DEP009", v5) if f.found == "stage_name"]
    assert [f.status for f in found] == ["unknown"] and "pins pulumi-aws" in found[0].message
    same = {"__main__.py": code, "requirements.txt": "pulumi-aws>=7.0.0\n"}
    assert [f.status for f in run_check("DEP009", same) if f.found == "stage_name"] == ["fail"]


def test_a_resource_option_passed_as_an_argument_fails_whatever_the_pin():
    code = "import pulumi_aws as aws\nq = aws.sqs.Queue('q')\naws.sqs.Queue('r', depends_on=[q])\n"
    pinned = {"__main__.py": code, "requirements.txt": "pulumi-aws>=6.0.0,<7.0.0\n"}
    found = [f for f in run_check("DEP009", pinned) if f.found == "depends_on"]
    assert [f.status for f in found] == ["fail"] and "ResourceOptions" in found[0].message


CDKTF_TYPES = '''
from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup, LbTargetGroupHealthCheck
from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup
DELAY = 30
class TapStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        LbTargetGroup(self, "tg", port="80", protocol="HTTP", deregistration_delay=30, proxy_protocol_v2=1,
                      health_check=LbTargetGroupHealthCheck(matcher=200, interval=30, enabled=True, timeout=5.0))
        LbTargetGroup(self, "tg2", port=80, deregistration_delay=DELAY, health_check={"matcher": 200, "interval": "30"})
        ElasticacheReplicationGroup(self, "r", description="d", replication_group_id="x", at_rest_encryption_enabled=True,
                                    transit_encryption_enabled=True, num_cache_clusters=2)
'''


def test_cdktf_literals_of_the_wrong_primitive_type():
    # each direction checked with cdktf 0.21 + provider 21.22: typeguard TypeError or jsii "Value is not a boolean"
    findings = run_check("DEP036", {"lib/tap_stack.py": CDKTF_TYPES})
    assert sorted((f.found, f.locations[0].line) for f in findings if f.status == "fail") == [
        ("at_rest_encryption_enabled", 12), ("deregistration_delay", 9), ("health_check.interval", 11),
        ("health_check.matcher", 10), ("health_check.matcher", 11), ("port", 9), ("proxy_protocol_v2", 9)]
    fixed = (CDKTF_TYPES.replace('port="80"', "port=80").replace("delay=30", 'delay="30"').replace("v2=1", "v2=True")
             .replace("matcher=200", 'matcher="200"').replace('"matcher": 200', '"matcher": "200"')
             .replace('"interval": "30"', '"interval": 30').replace("encryption_enabled=True,\n", 'encryption_enabled="true",\n'))
    assert statuses(run_check("DEP036", {"lib/tap_stack.py": fixed})) == {"pass"}
    # a value reaching the argument through a name is not judged (DEP036 passes `deregistration_delay=DELAY`)
    assert "deregistration_delay" not in {f.found for f in findings if "tg2" in f.message}
    # a pinned provider major that is not shipped: its types may differ (AWS provider 5.x had this one as a bool)
    pinned = run_check("DEP036", {"lib/tap_stack.py": CDKTF_TYPES, "requirements.txt": "cdktf-cdktf-provider-aws==19.20.0\n"})
    assert {f.status for f in pinned} == {"unknown"}


def test_cdktf_strings_interpolating_a_bare_name():
    text = '''
from cdktf_cdktf_provider_aws.instance import Instance
Instance(self, "web", ami="ami-1", instance_type="t3.micro",
         user_data="#!/bin/bash\\nPORT=8080\\necho ${PORT} ${PORT:-80}", tags={"Name": "${var.name}"})
'''
    findings = run_check("DEP037", {"lib/tap_stack.py": text})
    assert [(f.status, f.found, f.locations[0].line) for f in findings] == [("fail", "${PORT}", 4)]
    # escaped, references, function calls, literals and names bound by a template `for` are what Terraform accepts
    for fixed in ("echo $${PORT} $${PORT:-80} ${var.port} ${upper(local.x)} ${true}", "%{ for p in var.ports }${p}%{ endfor }"):
        assert statuses(run_check("DEP037", {"lib/tap_stack.py": text.replace("echo ${PORT} ${PORT:-80}", fixed)})) == {"pass"}


def test_an_sdk_enum_or_class_read_without_a_call_is_checked():
    code = ("from aws_cdk import Stack, aws_logs as logs, aws_cloudwatch as cw\n\n\nclass S(Stack):\n"
            "    def f(self):\n        op = {mod}.ComparisonOperator.GREATER_THAN_THRESHOLD\n")
    found = [f.found for f in run_check("DEP006", {"lib/tap_stack.py": code.format(mod="logs")}) if f.status == "fail"]
    assert found == ["aws_cdk.aws_logs.ComparisonOperator"]
    assert not [f for f in run_check("DEP006", {"lib/tap_stack.py": code.format(mod="cw")}) if f.status == "fail"]
    # a module that does not exist is one finding, not one per class read from it
    bad_module = "from aws_cdk import aws_elbv2 as elbv2\nelbv2.ApplicationLoadBalancer(None, 'A')\nx = elbv2.TargetType.IP\n"
    assert [f.found for f in run_check("DEP006", {"app.py": bad_module}) if f.status == "fail"] == ["aws_cdk.aws_elbv2"]


COMPONENT = '''import pulumi
from pulumi import ComponentResource
class Network(ComponentResource):
    def __init__(self, name):
        super().__init__("x:Network", name)
        self.private_subnets = []
        self.register_outputs({"vpc_id": "v"})
'''


def test_an_attribute_the_answer_class_never_sets():
    main = "from lib.network import Network\nnet = Network('n')\npulumi.export('s', net.private_subnet_ids)\npulumi.export('u', net.urn)\n"
    found = [f for f in run_check("DEP040", {"lib/network.py": COMPONENT, "__main__.py": main}) if f.status == "fail"]
    assert [f.found for f in found] == ["Network.private_subnet_ids"]
    fixed = main.replace("private_subnet_ids", "private_subnets")
    assert {f.status for f in run_check("DEP040", {"lib/network.py": COMPONENT, "__main__.py": fixed})} == {"pass"}
    # set from outside, a dynamic class, or a class of the same name from a library: not judged
    outside = main.replace("net = Network('n')\n", "net = Network('n')\nnet.private_subnet_ids = []\n")
    assert not [f for f in run_check("DEP040", {"lib/network.py": COMPONENT, "__main__.py": outside}) if f.status == "fail"]
    dynamic = COMPONENT + "    def __getattr__(self, name):\n        return None\n"
    assert not [f for f in run_check("DEP040", {"lib/network.py": dynamic, "__main__.py": main}) if f.status == "fail"]
    library = main.replace("from lib.network import Network", "from vendor.network import Network")
    assert not [f for f in run_check("DEP040", {"lib/network.py": COMPONENT, "__main__.py": library}) if f.status == "fail"]


def test_an_attribute_of_a_component_held_on_self():
    stack = ("from lib.network import Network\nclass Tap(ComponentResource):\n    def __init__(self, name):\n"
             "        self.network = Network('n')\n        self.ids = self.network.subnet_ids\n")
    found = [f for f in run_check("DEP040", {"lib/network.py": COMPONENT, "lib/tap.py": stack}) if f.status == "fail"]
    assert [f.found for f in found] == ["Network.subnet_ids"]
    assert not [f for f in run_check("DEP040", {"lib/network.py": COMPONENT, "lib/tap.py": stack.replace(".subnet_ids", ".private_subnets")})
                if f.status == "fail"]
