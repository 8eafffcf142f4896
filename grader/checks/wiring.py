"""Wiring: two resources meant to work together, with the piece that lets them missing.

A Lambda invoked by S3, SNS, EventBridge, CloudWatch Logs or Secrets Manager rotation with no
`lambda permission` for that service; an SNS subscription to an SQS queue with no queue policy; an
HTTPS/TLS listener without a certificate; an ACM certificate validated by DNS with no validation
record. These read Terraform-typed resources, so they hold for HCL, Pulumi and CDKTF; CDK's L2
constructs add the permissions and records themselves, so CDK is not judged. A rule stays silent
when the piece could be somewhere it cannot see: code left out, a module, a name it cannot resolve.
WIR010 (a policy or parameter group nothing attaches) also judges CDK, by following the variable it is bound to. WIR011 is
WIR001's counterpart for CloudTrail: a trail's customer-managed key whose key policy leaves CloudTrail out.
"""

from __future__ import annotations

import ast
import posixpath
import re
import sys
from typing import Iterator

from ..ir import Expr, Location, Program, Resource, as_text, first_block, scope_of, walk_values
from ..resolve import resolve
from .base import Check, Context, Finding, python_tree, register, resource_list
from .values import key_policy_allows

_LAMBDA_TYPES = ("aws_lambda_function", "aws_lambda_alias")
_JUDGED = ("terraform", "pulumi", "cdktf")


# Files an answer may name without delivering that never hold resources: tests, and the harness's provider/backend files.
_HOLDS_NO_RESOURCES = re.compile(r"(?:^|/)(?:tests?/|test_[^/]*$|[^/]*_test\.\w+$|[^/]*\.test\.\w+$|(?:provider|providers|backend|versions)\.tf$)")


def _complete(program: Program) -> bool:
    """Nothing the answer leaves out could hold the missing piece (a test or provider file it names but does not
    deliver holds no resource)."""
    d = program.deliverable
    return not (program.elisions or d.truncated or d.partial or any(not _HOLDS_NO_RESOURCES.search(m) for m in d.mentioned))


def _refs(value) -> set[str]:
    return {a for leaf in walk_values(value) if isinstance(leaf, Expr) for a in leaf.refs}


def _module_refs(program: Program) -> set[str]:
    return {a for m in program.modules for a in _refs(m.attributes)}


# (resource type, attribute path, principal, what) of each way a service invokes a Lambda
_INVOKERS = (
    ("aws_s3_bucket_notification", ("lambda_function", "lambda_function_arn"), "s3.amazonaws.com", "S3"),
    ("aws_s3_bucket_notification", ("lambda_functions", "lambda_function_arn"), "s3.amazonaws.com", "S3"),
    ("aws_sns_topic_subscription", ("endpoint",), "sns.amazonaws.com", "SNS"),
    ("aws_cloudwatch_event_target", ("arn",), "events.amazonaws.com", "EventBridge"),
    ("aws_secretsmanager_secret_rotation", ("rotation_lambda_arn",), "secretsmanager.amazonaws.com", "Secrets Manager"),
    ("aws_cloudwatch_log_subscription_filter", ("destination_arn",), "logs.amazonaws.com", "CloudWatch Logs"),
)


def _at(value, path: tuple[str, ...]):
    if not path:
        yield value
        return
    for block in value if isinstance(value, list) else [value]:
        if isinstance(block, dict) and path[0] in block:
            yield from _at(block[path[0]], path[1:])


@register
class LambdaPermissionMissing(Check):
    id = "WIR003"
    name = "lambda-permission-missing"
    area = "deployability"
    severity = "high"
    description = ("S3, SNS, EventBridge, CloudWatch Logs or Secrets Manager rotation invokes a Lambda function, "
                   "but no lambda permission lets that service invoke it.")
    why = ("A function's resource policy must allow the calling service: S3 rejects the notification at apply, "
           "the others are refused at every invocation, so events are dropped.")
    fix = "Add an aws_lambda_permission (action lambda:InvokeFunction, principal <service>.amazonaws.com, source_arn the caller)."
    bad = ('resource "aws_lambda_function" "f" {}\nresource "aws_sns_topic" "t" {}\n'
           'resource "aws_sns_topic_subscription" "s" {\n  topic_arn = aws_sns_topic.t.arn\n  protocol  = "lambda"\n'
           '  endpoint  = aws_lambda_function.f.arn\n}')
    good = bad + ('\nresource "aws_lambda_permission" "sns" {\n  action        = "lambda:InvokeFunction"\n'
                  '  function_name = aws_lambda_function.f.function_name\n  principal     = "sns.amazonaws.com"\n'
                  '  source_arn    = aws_sns_topic.t.arn\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not _complete(program):
            return
        by = program.by_address()
        granted = self._granted(program, by)
        if granted is None:
            return
        unseen = _module_refs(program)
        checked = flagged = 0
        for tf_type, path, principal, what in _INVOKERS:
            for r in program.of_type(tf_type):
                if r.dialect not in _JUDGED:
                    continue
                if tf_type == "aws_sns_topic_subscription" and r.attributes.get("protocol") != "lambda":
                    continue
                for value in _at(r.attributes, path):
                    for fn in sorted(a for a in _refs(value) if a in by and by[a].type in _LAMBDA_TYPES):
                        checked += 1
                        family = self._family(by[fn], by)
                        if any(principal in p or p == "*" for f in family for p in granted.get(f, ())) or family & unseen:
                            continue
                        flagged += 1
                        effect = ("S3 validates the destination and rejects the notification configuration at apply"
                                  if what == "S3" else f"{what} is refused at every invocation, so its events are dropped")
                        yield self.finding("fail", f"`{r.address}` invokes `{fn}`, but no lambda permission allows {principal} to "
                                           f"invoke it: {effect}.", [r.line_of(path[0]), by[fn].location], found=fn)
        if checked and not flagged:
            yield self.finding("pass", "Every Lambda invoked by a service has a permission for that service.")

    @staticmethod
    def _family(fn: Resource, by: dict[str, Resource]) -> set[str]:
        """A function with its aliases (or an alias with its function): a permission on either is taken to cover both."""
        family = {fn.address} | {a for a in _refs(fn.attributes.get("function_name")) if a in by}
        return family | {r.address for r in by.values() if r.type == "aws_lambda_alias" and family & _refs(r.attributes)}

    @staticmethod
    def _granted(program: Program, by: dict[str, Resource]) -> dict[str, list[str]] | None:
        """Function address -> principals its permissions allow; None when a permission names a function it cannot resolve."""
        granted: dict[str, list[str]] = {}
        for perm in program.of_type("aws_lambda_permission"):
            target = perm.attributes.get("function_name", perm.attributes.get("function"))
            functions = [a for a in _refs(target) if a in by and by[a].type in _LAMBDA_TYPES]
            if not functions:
                return None  # a name, a variable or a loop value: it may be any function
            principal = perm.attributes.get("principal")
            for f in functions:
                granted.setdefault(f, []).append(principal if isinstance(principal, str) else "*")
        return granted


@register
class SnsToSqsWithoutPolicy(Check):
    id = "WIR004"
    name = "sns-to-sqs-without-queue-policy"
    area = "deployability"
    severity = "high"
    description = "An SNS topic is subscribed to an SQS queue that has no queue policy letting SNS send to it."
    why = "Without a queue policy allowing sns.amazonaws.com sqs:SendMessage, every delivery is refused and messages are lost."
    fix = "Add an aws_sqs_queue_policy allowing sns.amazonaws.com sqs:SendMessage with aws:SourceArn the topic."
    bad = ('resource "aws_sns_topic" "t" {}\nresource "aws_sqs_queue" "q" {}\n'
           'resource "aws_sns_topic_subscription" "s" {\n  topic_arn = aws_sns_topic.t.arn\n  protocol  = "sqs"\n'
           '  endpoint  = aws_sqs_queue.q.arn\n}')
    good = bad + ('\nresource "aws_sqs_queue_policy" "q" {\n  queue_url = aws_sqs_queue.q.id\n  policy = jsonencode({ Statement = [{\n'
                  '    Effect = "Allow", Principal = { Service = "sns.amazonaws.com" }, Action = "sqs:SendMessage",\n'
                  '    Resource = aws_sqs_queue.q.arn }] })\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not _complete(program):
            return
        by = program.by_address()
        with_policy: set[str] = set()
        for policy in program.of_type("aws_sqs_queue_policy"):
            queues = {a for a in _refs(policy.attributes.get("queue_url")) if a in by}
            if not queues:
                return  # a URL it cannot resolve: it may be this queue's
            with_policy |= queues
        unseen = _module_refs(program)
        checked = flagged = 0
        for sub in program.of_type("aws_sns_topic_subscription"):
            if sub.dialect not in _JUDGED or sub.attributes.get("protocol") != "sqs":
                continue
            for q in sorted(a for a in _refs(sub.attributes.get("endpoint")) if a in by and by[a].type == "aws_sqs_queue"):
                checked += 1
                if q in with_policy or q in unseen or by[q].attributes.get("policy") is not None:
                    continue
                flagged += 1
                yield self.finding("fail", f"`{sub.address}` subscribes `{q}` to SNS, but the queue has no queue policy allowing "
                                   "sns.amazonaws.com to send to it: every message is refused.", [sub.location, by[q].location], found=q)
        if checked and not flagged:
            yield self.finding("pass", "Every queue subscribed to SNS has a queue policy.")


@register
class StandardTopicToFifoQueue(Check):
    id = "WIR013"
    name = "standard-topic-to-fifo-queue"
    area = "deployability"
    severity = "high"
    description = "A standard SNS topic is subscribed to an SQS FIFO queue (`fifo_queue = true`), which only a FIFO topic can deliver to."
    why = "SNS refuses the subscription: a standard topic cannot deliver to a FIFO queue (\"Invalid parameter: Invalid SQS FIFO endpoint\")."
    fix = "Make the topic FIFO (`fifo_topic = true`, a name ending in .fifo), or subscribe a standard queue."
    bad = ('resource "aws_sns_topic" "t" {}\nresource "aws_sqs_queue" "q" {\n  name = "q.fifo"\n  fifo_queue = true\n}\n'
           'resource "aws_sns_topic_subscription" "s" {\n  topic_arn = aws_sns_topic.t.arn\n  protocol  = "sqs"\n'
           '  endpoint  = aws_sqs_queue.q.arn\n}')
    good = bad.replace('resource "aws_sns_topic" "t" {}', 'resource "aws_sns_topic" "t" {\n  name = "t.fifo"\n  fifo_topic = true\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        by = program.by_address()
        checked = flagged = 0
        for sub in program.of_type("aws_sns_topic_subscription"):
            if sub.dialect not in _JUDGED or sub.attributes.get("protocol") != "sqs":
                continue
            queues = [by[a] for a in sorted(_refs(sub.attributes.get("endpoint"))) if a in by and by[a].type == "aws_sqs_queue"]
            topics = [by[a] for a in sorted(_refs(sub.attributes.get("topic_arn", sub.attributes.get("topic")))) if a in by
                      and by[a].type == "aws_sns_topic"]
            if len(queues) != 1 or len(topics) != 1:
                continue
            queue, topic = queues[0], topics[0]
            fifo_queue, fifo_topic = resolve(queue.attributes.get("fifo_queue"), program), resolve(topic.attributes.get("fifo_topic"), program)
            if fifo_queue is not True or isinstance(fifo_topic, Expr):
                continue
            checked += 1
            if fifo_topic is not True:
                flagged += 1
                yield self.finding("fail", f"`{sub.address}` subscribes the FIFO queue `{queue.address}` to the standard topic "
                                   f"`{topic.address}`; SNS delivers to FIFO queues only from FIFO topics.",
                                   [sub.location, topic.location], found=queue.address)
        if checked and not flagged:
            yield self.finding("pass", "FIFO queues are subscribed to FIFO topics.")


@register
class BucketAclWithoutOwnership(Check):
    id = "WIR014"
    name = "bucket-acl-without-object-ownership"
    area = "deployability"
    severity = "high"
    description = ("An `aws_s3_bucket_acl` on a bucket with no `aws_s3_bucket_ownership_controls` that enables ACLs "
                   "(ObjectWriter or BucketOwnerPreferred).")
    why = ("Since April 2023 new buckets have ACLs disabled (Object Ownership BucketOwnerEnforced): PutBucketAcl fails with "
           "AccessControlListNotSupported \"The bucket does not allow ACLs\", even for `private`.")
    fix = ("Drop the ACL (bucket policies grant access), or add aws_s3_bucket_ownership_controls with object_ownership = "
           "\"BucketOwnerPreferred\" and make the ACL depend on it.")
    bad = 'resource "aws_s3_bucket" "logs" {}\nresource "aws_s3_bucket_acl" "logs" {\n  bucket = aws_s3_bucket.logs.id\n  acl = "log-delivery-write"\n}'
    good = bad + ('\nresource "aws_s3_bucket_ownership_controls" "logs" {\n  bucket = aws_s3_bucket.logs.id\n  rule {\n'
                  '    object_ownership = "BucketOwnerPreferred"\n  }\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not _complete(program):
            return
        by = program.by_address()
        enabled: set[str] = set()
        for oc in program.of_type("aws_s3_bucket_ownership_controls"):
            buckets = {a for a in _refs(oc.attributes.get("bucket")) if a in by}
            if not buckets:
                return  # a bucket it cannot resolve: it may be any of them
            rules = oc.attributes.get("rule")
            owners = [resolve(rule.get("object_ownership"), program) for rule in (rules if isinstance(rules, list) else [rules])
                      if isinstance(rule, dict)]
            if not owners or any(not isinstance(o, str) or o != "BucketOwnerEnforced" for o in owners):
                enabled |= buckets
        unseen = _module_refs(program)
        checked = flagged = 0
        for acl in program.of_type("aws_s3_bucket_acl"):
            if acl.dialect not in _JUDGED:
                continue
            buckets = [a for a in sorted(_refs(acl.attributes.get("bucket"))) if a in by and by[a].type == "aws_s3_bucket"]
            if len(buckets) != 1 or buckets[0] in unseen:
                continue
            checked += 1
            if buckets[0] not in enabled:
                flagged += 1
                shown = as_text(resolve(acl.attributes.get("acl"), program)) or "an ACL"
                yield self.finding("fail", f"`{acl.address}` sets `{shown}` on `{buckets[0]}`, which has no ownership controls enabling "
                                   "ACLs; new buckets refuse ACLs (AccessControlListNotSupported).", [acl.location], found=buckets[0])
        if checked and not flagged:
            yield self.finding("pass", "Every bucket given an ACL has ownership controls that enable ACLs.")


@register
class HttpsListenerWithoutCertificate(Check):
    id = "WIR005"
    name = "https-listener-without-certificate"
    area = "deployability"
    severity = "high"
    description = "A load balancer listener uses protocol HTTPS or TLS but sets no certificate_arn."
    why = "ELB requires a default certificate for HTTPS and TLS listeners; creating the listener fails."
    fix = "Set certificate_arn (an ACM certificate, validated), or serve HTTP only."
    bad = ('resource "aws_lb_listener" "https" {\n  load_balancer_arn = aws_lb.app.arn\n  port     = 443\n'
           '  protocol = "HTTPS"\n}\nresource "aws_lb" "app" {}')
    good = bad.replace('  protocol = "HTTPS"\n', '  protocol = "HTTPS"\n  certificate_arn = aws_acm_certificate.c.arn\n') + \
        '\nresource "aws_acm_certificate" "c" {}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        checked = flagged = 0
        for r in program.of_type("aws_lb_listener", "aws_alb_listener"):
            protocol = r.attributes.get("protocol")
            if r.dialect not in _JUDGED or not isinstance(protocol, str) or protocol.upper() not in ("HTTPS", "TLS"):
                continue
            checked += 1
            if "certificate_arn" in r.attributes or "kwargs" in r.attributes or program.elided_block(r.location):
                continue
            flagged += 1
            yield self.finding("fail", f"`{r.address}` is a {protocol.upper()} listener without certificate_arn: ELB refuses to "
                               "create it.", [r.line_of("protocol")], found=protocol)
        if checked and not flagged:
            yield self.finding("pass", "Every HTTPS/TLS listener has a certificate.")


@register
class AcmDnsValidationWithoutRecords(Check):
    id = "WIR006"
    name = "acm-dns-validation-without-records"
    area = "deployability"
    severity = "medium"
    description = "An ACM certificate asks for DNS validation, but the code never reads domain_validation_options to create the records."
    why = "Without the CNAME records the certificate stays Pending validation: listeners or distributions using it fail."
    fix = ("Create aws_route53_record entries from domain_validation_options (for_each) and an "
           "aws_acm_certificate_validation with their FQDNs.")
    bad = ('resource "aws_acm_certificate" "c" {\n  domain_name       = "app.example.com"\n  validation_method = "DNS"\n}')
    good = bad + ('\nresource "aws_route53_record" "v" {\n  for_each = { for o in aws_acm_certificate.c.domain_validation_options :'
                  ' o.domain_name => o }\n  zone_id = "Z1"\n  name    = each.value.resource_record_name\n'
                  '  type    = each.value.resource_record_type\n  records = [each.value.resource_record_value]\n  ttl = 60\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not _complete(program):
            return
        # Records (or a validation) made anywhere, perhaps in a loop it cannot follow, count for every certificate.
        validated = any("domain_validation_options" in f.text or "validation_record_fqdns" in f.text for f in program.files)
        checked = flagged = 0
        for cert in program.of_type("aws_acm_certificate"):
            method = cert.attributes.get("validation_method")
            if cert.dialect not in _JUDGED or not isinstance(method, str) or method.upper() != "DNS" or cert.count != 1:
                continue
            checked += 1
            if validated:
                continue
            flagged += 1
            yield self.finding("fail", f"`{cert.address}` asks for DNS validation, but no record is created from its "
                               "domain_validation_options: the certificate stays Pending validation.",
                               [cert.line_of("validation_method")], found=cert.address)
        if checked and not flagged:
            yield self.finding("pass", "Every DNS-validated certificate has its validation records.")


# (resource type, attribute, service, characters the service refuses in it)
_SECRET_SINKS = (
    ("aws_db_instance", "password", "RDS", '/@" '),
    ("aws_rds_cluster", "master_password", "RDS/Aurora", '/@" '),
    ("aws_docdb_cluster", "master_password", "DocumentDB", '/@" '),
)
_RANDOM_DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?"  # the random provider's special characters when override_special is unset


@register
class RandomPasswordRejected(Check):
    id = "WIR007"
    name = "random-password-rejected-by-service"
    area = "deployability"
    severity = "medium"  # fails only when a refused character is drawn: a defect, but not a certain blocker
    description = ("A random_password with special characters the database refuses (`/`, `@`, `\"`, space) feeds an RDS, "
                   "Aurora or DocumentDB master password.")
    why = "The random provider's default special characters include `@`; the create call fails whenever one is drawn."
    fix = "Set override_special to characters the service accepts (for example \"!#$%&*()-_=+[]{}<>:?\") or special = false."
    bad = ('resource "random_password" "db" {\n  length = 16\n}\n'
           'resource "aws_db_instance" "d" {\n  password = random_password.db.result\n}')
    good = ('resource "random_password" "db" {\n  length = 16\n  override_special = "!#$%&*()-_=+[]{}<>:?"\n}\n'
            'resource "aws_db_instance" "d" {\n  password = random_password.db.result\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        by = program.by_address()
        checked = flagged = 0
        for kind, attr, service, refused in _SECRET_SINKS:
            for r in program.of_type(kind):
                for address in sorted(a for a in _refs(r.attributes.get(attr)) if a in by and by[a].type == "random_password"):
                    bad = _refused_characters(by[address], refused)
                    if bad is None:
                        continue  # a value the analysis cannot read: no claim
                    checked += 1
                    if bad:
                        flagged += 1
                        yield self.finding("fail", f"`{r.address}.{attr}` comes from `{address}`, which may draw "
                                           f"{', '.join(repr(c) for c in bad)}; {service} refuses those characters.",
                                           [r.line_of(attr), by[address].location], found=address)
        if checked and not flagged:
            yield self.finding("pass", "Random database passwords use only characters the service accepts.")


def _refused_characters(password: Resource, refused: str) -> str | None:
    """The refused characters the generated password may contain ("" when none), or None when it cannot be told."""
    special, override = password.attributes.get("special", True), password.attributes.get("override_special")
    if not isinstance(special, bool) or (override is not None and not isinstance(override, str)):
        return None
    if not special:
        return ""
    return "".join(c for c in refused if c in (override if override is not None else _RANDOM_DEFAULT_SPECIAL))


@register
class ConfigChannelWithoutRecorder(Check):
    id = "WIR008"
    name = "config-delivery-channel-without-recorder"
    area = "deployability"
    severity = "high"
    description = "An AWS Config delivery channel is created with no configuration recorder in the code."
    why = "AWS Config refuses a delivery channel until a configuration recorder exists (NoAvailableConfigurationRecorderException)."
    fix = "Add aws_config_configuration_recorder (and make the channel depend on it), then its recorder status."
    bad = 'resource "aws_config_delivery_channel" "c" {\n  s3_bucket_name = "config-bucket"\n}'
    good = ('resource "aws_config_configuration_recorder" "r" {\n  role_arn = "arn:aws:iam::111122223333:role/config"\n}\n'
            'resource "aws_config_delivery_channel" "c" {\n  s3_bucket_name = "config-bucket"\n  depends_on = [aws_config_configuration_recorder.r]\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        channels = [c for c in program.of_type("aws_config_delivery_channel") if c.dialect in _JUDGED]
        if not channels or not _complete(program) or program.modules:
            return  # a recorder may sit in code the answer leaves out or in a module
        if any(not f.parsed for f in program.files if f.language in ("hcl", "python")):
            return  # the recorder may be in the file that did not parse
        if program.of_type("aws_config_configuration_recorder"):
            yield self.finding("pass", "The delivery channel has a configuration recorder.")
            return
        yield self.finding("fail", f"`{channels[0].address}` is an AWS Config delivery channel, but no configuration recorder "
                           "is created: AWS Config refuses the channel.", [channels[0].location], found=channels[0].address)


# "AWS Config is already enabled in the account", "use the existing configuration recorder"
_RECORDER_EXISTS = re.compile(r"(?:\baws config\b|\bconfig(?:uration)? recorders?\b)[^.\n]{0,60}\b(?:already|existing|pre-?existing|"
                              r"is enabled|are enabled)\b|\b(?:already|existing|pre-?existing)\b[^.\n]{0,40}(?:\baws config\b|\brecorders?\b)", re.I)
_RECORDER_TYPES = ("aws_config_configuration_recorder", "aws_config_configuration_recorder_status", "aws_config_delivery_channel")


@register
class ConfigRuleBeforeRecorder(Check):
    id = "WIR016"
    name = "config-rule-without-recorder"
    area = "deployability"
    severity = "high"
    description = ("An AWS Config rule is created with no configuration recorder in the code, or beside one it does not depend on "
                   "(no depends_on / add_dependency / ResourceOptions(depends_on=...)).")
    why = ("AWS Config refuses a rule while the region has no configuration recorder (NoAvailableConfigurationRecorderException). "
           "A recorder in the same deployment does not help unless the rule waits for it: Terraform and CloudFormation create "
           "both at once. When the prompt says Config is already enabled in the account, no recorder is expected.")
    fix = "Create the recorder (and its status) and make every rule depend on it: depends_on in HCL, CDKTF and Pulumi; rule.node.add_dependency(recorder) in CDK."
    bad = ('resource "aws_config_configuration_recorder" "r" {\n  role_arn = "arn:aws:iam::111122223333:role/config"\n}\n'
           'resource "aws_config_config_rule" "s3" {\n  name = "s3-encryption"\n  source {\n    owner = "AWS"\n'
           '    source_identifier = "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"\n  }\n}')
    good = bad.replace('  name = "s3-encryption"\n', '  name = "s3-encryption"\n  depends_on = [aws_config_configuration_recorder.r]\n')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        rules = [r for r in program.of_type("aws_config_config_rule") if r.mode == "managed" and r.synthesized_from is None]
        if not rules or not _complete(program) or program.modules:
            return  # a recorder may sit in code the answer leaves out or in a module
        if any(not f.parsed for f in program.files if f.language in ("hcl", "python")):
            return
        recorders = [r for r in program.of_type(*_RECORDER_TYPES)]
        if not recorders:
            if _RECORDER_EXISTS.search(ctx.prompt or ""):
                return
            yield self.finding("fail", f"{resource_list(rules)} {'is an AWS Config rule' if len(rules) == 1 else 'are AWS Config rules'}, but no "
                               "configuration recorder is created: AWS Config refuses rules in a region without one.",
                               [r.location for r in rules[:3]], found=rules[0].address)
            return
        addresses = {r.address for r in recorders}
        states = {rule.address: _waits_for(rule, addresses) for rule in rules}
        alone = [r for r in rules if states[r.address] is False]
        if alone:
            yield self.finding("fail", f"{resource_list(alone)} {'does' if len(alone) == 1 else 'do'} not depend on the configuration recorder "
                               f"`{recorders[0].address}`: both are created at once, and AWS Config refuses a rule while no recorder "
                               "exists.", [r.location for r in alone[:3]], found=alone[0].address)
        elif all(states.values()):
            yield self.finding("pass", "Every Config rule waits for the configuration recorder.")


def _waits_for(rule: Resource, recorders: set[str]) -> bool | None:
    """Whether a rule depends on the recorder (or its status or channel); None when its options are not readable."""
    depends = rule.meta.get("depends_on")
    if depends is not None:
        targets = _refs(depends)
        if targets & recorders:
            return True
        if not targets or any(isinstance(leaf, Expr) and not leaf.refs for leaf in walk_values(depends)):
            return None  # a list held in a variable, a name the analysis cannot follow
    if set(rule.refs) & recorders:
        return True
    if any(re.search(r"\.add_depends?_?on\w*\(|\.add_dependency\(", c) for c in rule.meta.get("calls", [])):
        return True  # CDK: rule.node.add_dependency(recorder)
    opts = rule.meta.get("opts")
    if opts is not None:
        text = opts.text if isinstance(opts, Expr) else str(opts)
        if "depends_on" in text:
            return True if _refs(opts) & recorders or not _refs(opts) else None
        if not re.search(r"ResourceOptions\(", text):
            return None  # options built elsewhere
    if "kwargs" in rule.attributes or any(k.startswith("**") for k in rule.meta.get("kwargs", []) if isinstance(k, str)):
        return None
    return False


# What a Python Lambda runtime holds besides the standard library.
_RUNTIME_MODULES = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six", "awslambdaric"})
_REQUIREMENTS = re.compile(r"^(?:[\w.-]*requirements[\w.-]*\.txt|Pipfile|pyproject\.toml|setup\.py|poetry\.lock)$", re.I)
_PIP_TARGET = re.compile(r"\bpip3?\s+install\b[^\n]*(?:\s-t\b|--target\b|--prefix\b)|\bsam\s+build\b")
_INLINE_CALLS = ("from_inline", "InlineCode", "StringAsset")


def _delivered(program: Program) -> dict[str, str]:
    """Delivered file path (normalised) -> its text ("" for a file only named as delivered)."""
    out = {posixpath.normpath(f.path): f.text for f in program.files}
    for path in program.deliverable.other_files:
        out.setdefault(posixpath.normpath(path), "")
    return out


def _path_value(value) -> str | None:
    """A literal path, or a template whose only interpolation is the module's own directory."""
    if isinstance(value, Expr) and value.is_template and not re.sub(r"\$\{path\.(?:module|root|cwd)\}", "", value.text).count("${"):
        return value.text
    return value if isinstance(value, str) else None


def _clean_path(value: str) -> str:
    value = re.sub(r"^\$\{path\.(?:module|root|cwd)\}/?", "", value.strip().replace("\\", "/"))
    return posixpath.normpath(value) if value not in ("", ".") else ""


def _call_literals(text: str) -> Iterator[tuple[str, str, str | None]]:
    """(called name, first literal string argument or None, the text of a dict key it sits under) of each call in `text`."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return
    keys: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str):
                    keys[id(v)] = k.value
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in ("code", "path", "text")), None)
            given = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
            yield name, given, keys.get(id(node))


@register
class LambdaDependencyNotPackaged(Check):
    id = "WIR009"
    name = "lambda-dependency-not-packaged"
    area = "deployability"
    severity = "medium"  # the function deploys; every invocation then fails on the import
    example = "markdown"
    description = ("A Python Lambda handler imports, at module level, a package the Lambda runtime does not provide "
                   "(only the standard library and boto3/botocore are there), and nothing packages it.")
    why = ("The function deploys, but every invocation fails with Runtime.ImportModuleError "
           "(\"No module named 'aws_xray_sdk'\") before the handler runs.")
    fix = ("Package the dependency: a layer on the function, a requirements.txt built into the asset (CDK PythonFunction or "
           "bundling, `pip install -t`), or a container image; or drop the import.")
    bad = ('```hcl\ndata "archive_file" "fn" {\n  type        = "zip"\n  source_file = "handler.py"\n'
           '  output_path = "fn.zip"\n}\nresource "aws_lambda_function" "fn" {\n  filename = data.archive_file.fn.output_path\n'
           '  handler  = "handler.lambda_handler"\n  runtime  = "python3.12"\n  role     = "arn:aws:iam::111122223333:role/fn"\n}\n```\n\n'
           '### handler.py\n\n```python\nimport json\nfrom aws_xray_sdk.core import patch_all\n\npatch_all()\n\n'
           'def lambda_handler(event, context):\n    return {"statusCode": 200, "body": json.dumps(event)}\n```\n')
    good = bad.replace('  runtime  = "python3.12"\n', '  runtime  = "python3.12"\n  layers   = [aws_lambda_layer_version.xray.arn]\n') + \
        '\n```hcl\nresource "aws_lambda_layer_version" "xray" {\n  layer_name = "xray"\n  filename   = "xray.zip"\n}\n```\n'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        delivered = _delivered(program)
        if any(_PIP_TARGET.search(text) for text in delivered.values()):
            return  # a build script installs dependencies somewhere: the zip it makes may be the one deployed
        by = program.by_address()
        checked = flagged = 0
        for fn in program.of_type("aws_lambda_function"):
            if not self._judged(fn, program):
                continue
            handler = self._handler(fn, program, by, delivered)
            if handler is None:
                continue
            path, code = handler
            missing = self._third_party(code, path, delivered)
            if missing is None:
                continue
            checked += 1
            if not missing:
                continue
            flagged += 1
            names = ", ".join(f"`{m}`" for m, _ in missing)
            where = path or "its inline code"
            locations = [fn.location] + ([Location(path, missing[0][1])] if path else [])
            yield self.finding("fail", f"`{fn.address}` runs {where}, which imports {names} at module level; the Python "
                               "Lambda runtime has only the standard library and boto3, and no layer, requirements file, "
                               "bundling or image packages it: every invocation fails with Runtime.ImportModuleError.",
                               locations, found=missing[0][0])
        if checked and not flagged:
            yield self.finding("pass", "Every module a Python Lambda handler imports is in the runtime or packaged.")

    @staticmethod
    def _judged(fn: Resource, program: Program) -> bool:
        a = fn.attributes
        if "kwargs" in a or program.elided_block(fn.location) or fn.synthesized_from:
            return False
        if "python" not in as_text(a.get("runtime")).lower():
            return False
        if any(k in a for k in ("layers", "image_uri", "image_config", "bundling")):
            return False
        if "image" in as_text(a.get("package_type")).lower() or "bundling" in as_text(a.get("code")).lower():
            return False
        return not any(w in fn.source_type for w in ("Python", "Docker", "Image"))

    @staticmethod
    def _handler(fn: Resource, program: Program, by: dict[str, Resource], delivered: dict[str, str]) -> tuple[str, str] | None:
        """(delivered path or "" for inline code, the handler's source), when certain."""
        handler = fn.attributes.get("handler")
        if not isinstance(handler, str) or handler.count(".") < 1:
            return None
        module = handler.rsplit(".", 1)[0].replace(".", "/")
        code = fn.attributes.get("code")
        if isinstance(code, Expr):
            calls = list(_call_literals(code.text))
            inline = [(given, key) for name, given, key in calls if name in _INLINE_CALLS]
            if inline:
                given, key = inline[0]
                if len(inline) == 1 and given is not None and (key is None or key == module + ".py"):
                    return "", given
                return None
            for name, given, key in calls:
                if name in ("from_asset", "AssetCode", "FileArchive") and given:
                    return _in_dir(_clean_path(given), module, delivered)
                if name == "FileAsset" and key == module + ".py":
                    return _file(module + ".py" if given is None else _clean_path(given), delivered)
            return None
        archives = [by[a] for a in _refs({k: fn.attributes.get(k) for k in ("filename", "source_code_hash")})
                    if a in by and by[a].type == "archive_file"]
        if len(archives) != 1 or isinstance(code, (str, dict, list)):
            return None
        archive = archives[0].attributes
        source = archive.get("source")
        if source is not None:
            blocks = [b for b in (source if isinstance(source, list) else [source]) if isinstance(b, dict)]
            match = [b for b in blocks if b.get("filename") == module + ".py"]
            if len(match) == 1 and isinstance(match[0].get("content"), str):
                return "", match[0]["content"]
            return None
        resolved = {k: _path_value(resolve(archive.get(k), program, scope_of(archives[0].location.file)))
                    for k in ("source_file", "source_dir")}
        if isinstance(resolved["source_file"], str):
            found = _file(_clean_path(resolved["source_file"]), delivered)
            return found if found and posixpath.basename(found[0]) == posixpath.basename(module) + ".py" else None
        if isinstance(resolved["source_dir"], str):
            return _in_dir(_clean_path(resolved["source_dir"]), module, delivered)
        return None

    @staticmethod
    def _third_party(code: str, path: str, delivered: dict[str, str]) -> list[tuple[str, int]] | None:
        """Top-level imports of modules neither the runtime nor the package holds; None when it cannot tell."""
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError):
            return None
        folder = posixpath.dirname(path)
        if path and any(_REQUIREMENTS.match(posixpath.basename(p)) and posixpath.dirname(p) == folder for p in delivered):
            return None  # a requirements file beside the handler: a build step may install it
        local = {posixpath.splitext(part)[0] for p in delivered for part in p.split("/")}
        missing: list[tuple[str, int]] = []
        for node in tree.body:
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                root = name.split(".")[0]
                if root in sys.stdlib_module_names or root in _RUNTIME_MODULES or root in local or root == "__future__":
                    continue
                if root not in {m for m, _ in missing}:
                    missing.append((root, node.lineno))
        return missing


def _file(path: str, delivered: dict[str, str]) -> tuple[str, str] | None:
    """The delivered file at `path` (or ending in it), when exactly one matches."""
    found = [p for p in delivered if path and (p == path or p.endswith("/" + path)) and delivered[p]]
    return (found[0], delivered[found[0]]) if len(found) == 1 else None


def _in_dir(folder: str, module: str, delivered: dict[str, str]) -> tuple[str, str] | None:
    return _file(posixpath.join(folder, module + ".py") if folder else module + ".py", delivered)


# Resources whose only purpose is to be attached: type -> (what it is, the slots of other resources that attach it,
# what is lost when nothing does).
_ATTACHABLE: dict[str, tuple[str, dict[str, tuple[str, ...]], str]] = {}
_POLICY_SLOTS = {
    "aws_iam_role_policy_attachment": ("policy_arn",), "aws_iam_policy_attachment": ("policy_arn",),
    "aws_iam_user_policy_attachment": ("policy_arn",), "aws_iam_group_policy_attachment": ("policy_arn",),
    "aws_iam_role_policy_attachments_exclusive": ("policy_arns",),
    "aws_iam_user_policy_attachments_exclusive": ("policy_arns",),
    "aws_iam_group_policy_attachments_exclusive": ("policy_arns",),
    "aws_iam_role": ("managed_policy_arns", "permissions_boundary"), "aws_iam_user": ("permissions_boundary",),
}
_ATTACHABLE["aws_iam_policy"] = ("IAM policy", _POLICY_SLOTS, "the permissions it grants reach no role, user or group")
_ATTACHABLE["aws_db_parameter_group"] = ("DB parameter group", {
    "aws_db_instance": ("parameter_group_name",), "aws_rds_cluster_instance": ("db_parameter_group_name",),
    "aws_rds_cluster": ("db_instance_parameter_group_name",)},
    "its settings are never applied: the database runs with the default parameter group")
_ATTACHABLE["aws_rds_cluster_parameter_group"] = ("cluster parameter group", {
    "aws_rds_cluster": ("db_cluster_parameter_group_name",)},
    "its settings are never applied: the cluster runs with the default parameter group")
_ATTACHABLE["aws_elasticache_parameter_group"] = ("ElastiCache parameter group", {
    "aws_elasticache_cluster": ("parameter_group_name",), "aws_elasticache_replication_group": ("parameter_group_name",),
    "aws_elasticache_global_replication_group": ("parameter_group_name",)},
    "its settings are never applied: the cache runs with the default parameter group")
_ATTACHABLE["aws_db_option_group"] = ("DB option group", {"aws_db_instance": ("option_group_name",)},
                                      "its options are never applied: the database runs with the default option group")
_AWS_MANAGED_ARN = re.compile(r"^arn:aws[\w-]*:iam::aws:policy/")
# An AWS managed policy written as an expression: a partition in an f-string, Pulumi's `iam.ManagedPolicy.X` constants.
_AWS_MANAGED_EXPR = re.compile(r":iam::aws:policy/|\bManagedPolicy\.[A-Z][A-Z0-9_]+\b")
_CDK_ATTACH_KWARGS = ("roles", "users", "groups")  # iam.Policy / iam.ManagedPolicy attached where they are made


@register
class AttachableNeverAttached(Check):
    id = "WIR010"
    name = "attachable-never-attached"
    area = "deployability"
    severity = "medium"  # everything deploys; what the resource was for never takes effect
    description = ("A resource whose only purpose is to be attached is never attached: an IAM managed policy no role, user "
                   "or group gets (no attachment, managed_policy_arns or other use), or a DB/cluster/ElastiCache parameter "
                   "group or option group no database uses.")
    why = ("The resource is created and does nothing: the role lacks the permissions the policy was written for, or the "
           "database runs with the default parameters (no TLS enforcement, no audit logging) the group was meant to change.")
    fix = ("Attach it: an aws_iam_role_policy_attachment (or managed_policy_arns; in CDK roles=[...] or "
           "role.add_managed_policy), or set the database's parameter_group_name / db_cluster_parameter_group_name / "
           "option_group_name to it; or delete it.")
    bad = ('resource "aws_rds_cluster_parameter_group" "aurora" {\n  name   = "aurora-params"\n  family = "aurora-mysql8.0"\n}\n'
           'resource "aws_rds_cluster" "db" {\n  engine = "aurora-mysql"\n}')
    good = bad.replace('  engine = "aurora-mysql"\n', '  engine = "aurora-mysql"\n'
                       '  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.aurora.name\n')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not _complete(program) or any(not f.parsed for f in program.files if f.language in ("hcl", "python")):
            return  # the attachment may be in code left out or in a file that did not parse
        if any(not _module_delivered(m, program) for m in program.modules):
            return  # a module whose code is not shown may use the resource by name
        texts = {f.path: f.text.splitlines() for f in program.files}
        statements = _python_statements(program)
        checked = flagged = unsure = 0
        for kind, (what, slots, lost) in _ATTACHABLE.items():
            slot_values = self._slots(program, kind, slots)
            if slot_values == "unreadable":
                continue  # an attachment whose target it cannot read may be any of them
            for r in program.of_type(kind):
                if r.synthesized_from or _opaque(r) or program.elided_block(r.location):
                    continue
                use = self._use(r, program, texts, statements, slot_values == "named")
                if use == "used":
                    checked += 1
                elif use == "exported":
                    unsure += 1
                    yield self.finding("unknown", f"`{r.address}` ({what}) is attached to nothing in the code, but it is "
                                       "exported as an output, perhaps for use elsewhere: not judged.", [r.location],
                                       found=r.address)
                elif use == "unused" and kind == "aws_iam_policy" and _deny_only(r):
                    unsure += 1
                    yield self.finding("unknown", f"`{r.address}` ({what}) is attached to nothing in the code, but it only "
                                       "denies: a guardrail like this is often meant for users or groups managed "
                                       "elsewhere: not judged.", [r.location], found=r.address)
                elif use == "unused":
                    checked += 1
                    flagged += 1
                    yield self.finding("fail", f"`{r.address}` ({what}) is created but nothing uses it: {lost}.",
                                       [r.location], found=r.address)
        if checked and not flagged and not unsure:
            yield self.finding("pass", "Every IAM policy, parameter group and option group is attached to something.")

    @staticmethod
    def _slots(program: Program, kind: str, slots: dict[str, tuple[str, ...]]) -> str:
        """"unreadable" when some attachment slot holds a value it cannot rule out (a variable, a loop value, a name
        built from them, **kwargs); "named" when one names a resource by a literal name or ARN; else "refs"."""
        by = program.by_address()
        named = False
        for consumer in program.of_type(*slots):
            if _opaque(consumer):
                return "unreadable"
            for attr in slots[consumer.type]:
                for leaf in walk_values(consumer.attributes.get(attr)):
                    if isinstance(leaf, Expr) and not _AWS_MANAGED_EXPR.search(leaf.text) and \
                            not any(a in by and by[a].type == kind for a in leaf.refs):
                        return "unreadable"
                    if isinstance(leaf, str) and not _AWS_MANAGED_ARN.match(leaf) and not leaf.startswith("default."):
                        named = True
        return "named" if named else "refs"

    @staticmethod
    def _use(r: Resource, program: Program, texts: dict[str, list[str]], statements, named: bool) -> str | None:
        """used | exported (only an output names it) | unused | None (cannot tell)."""
        name = r.attributes.get("name", r.attributes.get("name_prefix"))
        if name is not None and not isinstance(name, str) and named:
            return None  # a computed name: the literal name an attachment gives may be its value
        end = program.spans.get(r.location, r.location.line)
        if isinstance(name, str) and name.strip() and any(
                name in line for path, lines in texts.items() for i, line in enumerate(lines, 1)
                if not (path == r.location.file and r.location.line <= i <= (end or 0))):
            return None  # named elsewhere (a literal ARN or name, a data source): it may be attached that way
        if r.dialect == "terraform":
            users = {ref.source for ref in program.references if ref.target == r.address and ref.source != r.address}
            if any(not u.startswith(("output.", "local.", "module.", "var.")) for u in users):
                return "used"
            if any(u.startswith(("local.", "module.", "var.")) for u in users):
                return None  # carried through a local or a module input: it may be attached there
            return "exported" if users else "unused"
        if any(k in r.attributes for k in _CDK_ATTACH_KWARGS):
            return "used"
        bound = statements.get((r.location, r.source_type.rsplit(".", 1)[-1]))
        if bound is None:
            return None  # made inside another expression (an argument, a list, a return): it may be attached there
        if bound == "":
            return "unused"  # a bare statement: nothing can name it
        pattern = re.compile(rf"\.{re.escape(bound[1:])}\b" if bound.startswith(".") else
                             rf"(?<![\w.]){re.escape(bound)}\b(?!\s*=[^=])")
        outputs = [(o.location.file, o.location.line, program.spans.get(o.location, o.location.line)) for o in program.outputs]
        uses = [(path, i) for path, lines in texts.items() if path.endswith(".py") for i, line in enumerate(lines, 1)
                if pattern.search(line) and not (path == r.location.file and r.location.line <= i <= (end or 0))]
        if not uses:
            return "unused"
        if all(any(path == f and (s or 0) <= i <= (e or s or 0) for f, s, e in outputs) for path, i in uses):
            return "exported"
        return "used"


def _deny_only(policy: Resource) -> bool:
    """Every statement the policy document shows denies (an MFA or root-key guardrail)."""
    text = as_text(policy.attributes.get("policy"))
    return bool(re.search(r"\bDeny\b", text)) and not re.search(r"\bAllow\b", text)


def _opaque(r: Resource) -> bool:
    """Its arguments come in part from a `**dict`, `*args` or an Args object it cannot read."""
    return "kwargs" in r.attributes or any(k in ("**", "*") for k in r.meta.get("kwargs", ()))


def _module_delivered(module, program: Program) -> bool:
    source = module.source if isinstance(module.source, str) else ""
    if not source.startswith(("./", "../")):
        return False
    folder = posixpath.normpath(posixpath.join(scope_of(module.location.file), source))
    return any(scope_of(posixpath.normpath(f.path)) == folder for f in program.files if f.language == "hcl")


def _python_statements(program: Program) -> dict[tuple[Location, str], str]:
    """(location, called name) of each call that is a whole statement -> the name it is bound to ("" for a bare
    call, ".attr" for `self.attr = ...`). Calls inside other expressions are left out."""
    out: dict[tuple[Location, str], str] = {}
    for f in program.files:
        if f.language != "python":
            continue
        tree = python_tree(f.text)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if not isinstance(getattr(node, "value", None), ast.Call):
                continue
            call = node.value
            func = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            where = (Location(f.path, call.lineno), func)
            if isinstance(node, ast.Expr):
                out[where] = ""
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if len(targets) == 1 and isinstance(targets[0], ast.Name):
                    out[where] = targets[0].id
                elif len(targets) == 1 and isinstance(targets[0], ast.Attribute):
                    out[where] = "." + targets[0].attr
    return out


_CLOUDTRAIL_PRINCIPAL = re.compile(r"cloudtrail\.amazonaws\.com")
_PY_STRING = re.compile(r"[rfbu]*(?:\"\"\"[\s\S]*?\"\"\"|'[^'\n]*'|\"[^\"\n]*\")", re.I)


@register
class KeyPolicyWithoutService(Check):
    id = "WIR011"
    name = "trail-key-policy-without-cloudtrail"
    area = "deployability"
    severity = "high"
    description = "A CloudTrail trail is encrypted with a customer-managed KMS key whose key policy does not let CloudTrail use it."
    why = ("CloudTrail encrypts log files with a customer-managed key only when its key policy grants cloudtrail.amazonaws.com "
           "kms:GenerateDataKey*; the default key policy grants only the account, so creating the trail fails "
           "(InsufficientEncryptionPolicyException). The CDK Trail construct adds the statement itself, so CDK is not judged. "
           "WIR001 is the same rule for log groups and the CloudWatch Logs service.")
    fix = "Add a key policy statement allowing cloudtrail.amazonaws.com kms:GenerateDataKey* and kms:DescribeKey."
    bad = ('resource "aws_kms_key" "trail" {\n  enable_key_rotation = true\n}\n'
           'resource "aws_cloudtrail" "main" {\n  name           = "main"\n  s3_bucket_name = "trail-logs"\n'
           '  kms_key_id     = aws_kms_key.trail.arn\n}')
    good = ('resource "aws_kms_key" "trail" {\n  enable_key_rotation = true\n  policy = jsonencode({ Statement = [\n'
            '    { Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" },\n'
            '    { Effect = "Allow", Principal = { Service = "cloudtrail.amazonaws.com" },\n'
            '      Action = ["kms:GenerateDataKey*", "kms:DescribeKey"], Resource = "*" }] })\n}\n'
            'resource "aws_cloudtrail" "main" {\n  name           = "main"\n  s3_bucket_name = "trail-logs"\n'
            '  kms_key_id     = aws_kms_key.trail.arn\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not _complete(program) or program.modules or any(not f.parsed for f in program.files if f.language in ("hcl", "python")):
            return  # a key policy may sit in code the answer leaves out, in a module or in a file that did not parse
        by = program.by_address()
        checked = flagged = 0
        for trail in program.of_type("aws_cloudtrail"):
            if trail.dialect == "cdk":
                continue
            for address in sorted(a for a in _refs(trail.attributes.get("kms_key_id")) if a in by and by[a].type == "aws_kms_key"):
                key = by[address]
                allowed = key_policy_allows(key, program, by, _CLOUDTRAIL_PRINCIPAL)
                if allowed is None:
                    continue
                checked += 1
                if allowed:
                    continue
                flagged += 1
                own = key.attributes.get("policy") is not None or any(address in r.refs for r in program.of_type("aws_kms_key_policy"))
                how = "has a key policy that does not grant CloudTrail" if own else \
                    "has no key policy of its own (the default grants only the account)"
                yield self.finding("fail", f"`{trail.address}` is encrypted with `{address}`, which {how}: CloudTrail cannot use "
                                   "the key and creating the trail fails.", [trail.location, key.location], found=address)
        if checked and not flagged:
            yield self.finding("pass", "Every customer-managed key a trail uses lets CloudTrail use it.")


@register
class ProviderNeverUsed(Check):
    id = "WIR012"
    example = "python"
    name = "provider-never-used"
    area = "region"
    severity = "medium"
    description = ("A Pulumi `aws.Provider` for a region is created but no resource is given it: every resource goes to the "
                   "default provider, whose region is the stack's `aws:region`.")
    why = ("A Pulumi resource uses an explicit provider only when given `opts=ResourceOptions(provider=...)` (or a component "
           "passes it on): otherwise the region the provider names is never deployed to.")
    fix = "Pass the provider to the resources meant for that region: opts=pulumi.ResourceOptions(provider=west)."
    bad = 'import pulumi_aws as aws\nwest = aws.Provider("west", region="us-west-2")\naws.s3.Bucket("b")'
    good = ('import pulumi, pulumi_aws as aws\nwest = aws.Provider("west", region="us-west-2")\n'
            'aws.s3.Bucket("b", opts=pulumi.ResourceOptions(provider=west))')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if "pulumi" not in program.dialects or not _complete(program) \
                or any(not f.parsed for f in program.files if f.language == "python"):
            return  # the provider may be used in code the answer leaves out or in a file that did not parse
        texts = {f.path: f.text for f in program.files if f.language == "python"}
        checked = flagged = 0
        for provider in program.providers:
            text = texts.get(provider.location.file)
            if provider.name != "aws" or text is None or not provider.location.line:
                continue
            lines = text.split("\n")
            line = lines[provider.location.line - 1] if provider.location.line <= len(lines) else ""
            bound = re.match(r"\s*((?:self\.)?[A-Za-z_]\w*)\s*(?::[^=]+)?=\s*(?:\w+\.)*Provider\(", line)
            if not bound:
                continue  # created inline (`provider=aws.Provider(...)`) or bound in a way not followed
            name = bound.group(1)
            uses = re.compile(rf"(?<![\w.]){re.escape(name)}\b" if "." not in name else rf"\b{re.escape(name)}\b")
            checked += 1
            if sum(len(uses.findall(_PY_STRING.sub('""', t))) for t in texts.values()) > 1:
                continue
            flagged += 1
            region = f" ({provider.region})" if isinstance(provider.region, str) else ""
            yield self.finding("fail", f"The AWS provider `{name}`{region} is created but no resource is given it: every "
                               "resource goes to the default provider (the stack's aws:region).", [provider.location], found=name)
        if checked and not flagged:
            yield self.finding("pass", "Every Pulumi AWS provider created is given to resources.")


# Step Functions checks at create time that the state machine's role may deliver logs (CreateLogDelivery and the
# other log-delivery actions, as the Step Functions developer guide lists them).
_LOG_DELIVERY = re.compile(r"logs:(?:\*|\*?CreateLogDelivery|Create\*|\*Delivery\*?)|['\"]Action['\"]?\s*[:=]\s*['\"]\*['\"]"
                           r"|\bactions?['\"]?\s*[:=]\s*\[\s*['\"]\*['\"]", re.I)
_UNREADABLE_POLICY = re.compile(r"\b(?:file|templatefile)\(|arn:aws:iam::aws:policy/|managed_policy|from_managed_policy")
_POLICY_FROM_INPUT = re.compile(r"(?:var|module|local)\.[\w.\[\]\"-]+")  # a whole policy passed in: its statements are unseen


def _role_policy_texts(role: Resource, program: Program) -> list[str]:
    """The text of every policy the program gives a role: inline, attached, and the documents those read."""
    by = program.by_address()
    texts = [as_text(role.attributes.get(k)) for k in ("inline_policy", "managed_policy_arns", "policy") if k in role.attributes]
    holders = [p for p in program.of_type("aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_policy_attachment")
               if role.address in p.refs]
    for holder in holders:
        policy = holder.attributes.get("policy")
        if isinstance(policy, Expr) and _POLICY_FROM_INPUT.fullmatch(policy.text.strip()):
            texts.append("file(")  # unreadable, like a policy read from a file
        texts.append(as_text(holder.attributes))
        for a in holder.refs:
            doc = by.get(a)
            if doc is not None and doc is not role and doc.type in ("aws_iam_policy", "aws_iam_policy_document"):
                texts.append(as_text(doc.attributes))
                texts += [as_text(by[b].attributes) for b in doc.refs if b in by and by[b].type == "aws_iam_policy_document"]
    return texts


@register
class StateMachineLogsWithoutDelivery(Check):
    id = "WIR015"
    name = "state-machine-logging-without-permission"
    area = "deployability"
    severity = "high"
    description = ("A Step Functions state machine sends its execution logs to CloudWatch Logs (`logging_configuration`), "
                   "but none of the policies the code gives its role allows the log-delivery actions "
                   "(logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, "
                   "PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups).")
    why = ("Step Functions checks the role when it creates the state machine: AccessDeniedException, 'The state machine "
           "IAM Role is not authorized to access the Log Destination'.")
    fix = "Add a statement with the log-delivery actions on Resource \"*\" (they take no resource type) to the role's policy."
    bad = ('resource "aws_iam_role" "sfn" {\n  assume_role_policy = "{}"\n}\n'
           'resource "aws_iam_role_policy" "p" {\n  role   = aws_iam_role.sfn.id\n'
           '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["lambda:InvokeFunction"], Resource = "*" }] })\n}\n'
           'resource "aws_sfn_state_machine" "m" {\n  role_arn   = aws_iam_role.sfn.arn\n  definition = "{}"\n'
           '  logging_configuration {\n    log_destination = "${aws_cloudwatch_log_group.l.arn}:*"\n    level = "ALL"\n  }\n}')
    good = bad.replace('["lambda:InvokeFunction"]', '["lambda:InvokeFunction", "logs:CreateLogDelivery", "logs:GetLogDelivery"]')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not _complete(program):
            return
        by = program.by_address()
        checked = flagged = 0
        for machine in program.of_type("aws_sfn_state_machine"):
            logging = first_block(machine.attributes.get("logging_configuration"))
            level = logging.get("level") if logging else None
            if machine.dialect not in _JUDGED or not logging or not logging.get("log_destination") or \
                    not isinstance(level, str) or level.upper() == "OFF":
                continue
            roles = sorted({a for a in _refs(machine.attributes.get("role_arn")) if a in by and by[a].type == "aws_iam_role"})
            if len(roles) != 1:
                continue
            role = by[roles[0]]
            texts = _role_policy_texts(role, program)
            joined = " ".join(texts)
            if not texts or _UNREADABLE_POLICY.search(joined) or "kwargs" in role.attributes:
                continue  # a policy it cannot read (a variable, a file, an AWS managed policy) may allow it
            checked += 1
            if _LOG_DELIVERY.search(joined):
                continue
            flagged += 1
            yield self.finding("fail", f"`{machine.address}` logs to CloudWatch Logs, but no policy of its role `{role.address}` "
                               "allows logs:CreateLogDelivery and the other log-delivery actions: Step Functions refuses to "
                               "create it (AccessDeniedException: not authorized to access the Log Destination).",
                               [machine.line_of("logging_configuration"), role.location], found=role.address)
        if checked and not flagged:
            yield self.finding("pass", "Every logging state machine's role may deliver logs.")
