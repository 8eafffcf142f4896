"""References of the wrong kind: an attribute that references a resource of a type it cannot take.

A Lambda dead-letter target that is a DynamoDB table, a REST API VPC link to an Application Load
Balancer (it takes Network Load Balancers), a WAFv2 association with a CloudFront distribution, a
REST API (not its stage) or an HTTP API, a Route 53 record holding an ARN. Only plain references to
resources the code declares are judged (HCL, Pulumi, CDKTF).
"""

from __future__ import annotations

from typing import Iterator

from ..ir import Expr, Program, Resource, walk_values
from .base import Check, Context, Finding, register

_JUDGED = ("terraform", "pulumi", "cdktf")

# (resource type, attribute path): (types it takes, what it needs)
_TAKES = {
    ("aws_lambda_function", ("dead_letter_config", "target_arn")): (("aws_sqs_queue", "aws_sns_topic"), "an SQS queue or SNS topic"),
    ("aws_api_gateway_vpc_link", ("target_arns",)): (("aws_lb:network",), "a Network Load Balancer"),
    ("aws_wafv2_web_acl_association", ("resource_arn",)): (
        ("aws_lb:application", "aws_alb", "aws_api_gateway_stage", "aws_appsync_graphql_api", "aws_cognito_user_pool",
         "aws_apprunner_service", "aws_verifiedaccess_instance", "aws_amplify_app"),
        "an Application Load Balancer, a REST API stage, an AppSync API, a Cognito user pool, an App Runner service "
        "or a Verified Access instance (CloudFront takes its web ACL through web_acl_id)"),
}


def _kind(r: Resource) -> str:
    """A resource's type, with the load balancer type for aws_lb (application unless set); '' when unknown."""
    if r.type != "aws_lb":
        return r.type
    lb_type = r.attributes.get("load_balancer_type", "application")
    return f"aws_lb:{lb_type}" if isinstance(lb_type, str) else ""


def _at(value, path):
    if not path:
        yield value
        return
    for block in value if isinstance(value, list) else [value]:
        if isinstance(block, dict) and path[0] in block and "__dynamic__" not in block:
            yield from _at(block[path[0]], path[1:])


@register
class WrongKindReference(Check):
    id = "REF001"
    name = "wrong-kind-reference"
    area = "deployability"
    severity = "high"
    description = ("An attribute references a resource of a kind it cannot take: a Lambda dead-letter target that is not a "
                   "queue or topic, a REST API VPC link to an ALB, WAF associated with CloudFront or a REST API, "
                   "a Route 53 record holding an ARN.")
    why = "The API rejects the value at apply (or, for a DNS record, publishes a name that resolves to nothing useful)."
    fix = "Reference a resource of the kind the attribute takes (see the message)."
    bad = ('resource "aws_dynamodb_table" "failed" {}\nresource "aws_lambda_function" "f" {\n'
           '  dead_letter_config {\n    target_arn = aws_dynamodb_table.failed.arn\n  }\n}')
    good = ('resource "aws_sqs_queue" "failed" {}\nresource "aws_lambda_function" "f" {\n'
            '  dead_letter_config {\n    target_arn = aws_sqs_queue.failed.arn\n  }\n}')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        by = program.by_address()
        checked = flagged = 0
        for r in program.managed():
            if r.dialect not in _JUDGED:
                continue
            for (tf_type, path), (takes, needs) in _TAKES.items():
                if r.type != tf_type:
                    continue
                for value in _at(r.attributes, path):
                    for leaf in walk_values(value):
                        if not isinstance(leaf, Expr) or len(leaf.refs) != 1 or leaf.refs[0] not in by or leaf.is_template:
                            continue
                        target = by[leaf.refs[0]]
                        kind = _kind(target)
                        checked += 1
                        if not kind or kind in takes:
                            continue
                        flagged += 1
                        shown = kind.replace("aws_lb:", "aws_lb of type ")
                        yield self.finding("fail", f"`{r.address}.{'.'.join(path)}` references `{target.address}` ({shown}); "
                                           f"it takes {needs}.", [r.line_of(path[0])], found=target.address)
            if r.type == "aws_route53_record":
                for leaf in walk_values(r.attributes.get("records")):
                    if isinstance(leaf, Expr) and not leaf.is_template and len(leaf.refs) == 1 and leaf.refs[0] in by \
                            and leaf.attrs and leaf.attrs[0] == "arn":
                        checked += 1
                        flagged += 1
                        yield self.finding("fail", f"`{r.address}.records` holds the ARN of `{leaf.refs[0]}`; DNS records take "
                                           "addresses or host names (use an alias block for AWS targets).",
                                           [r.line_of("records")], found=leaf.text[:60])
        if checked and not flagged:
            yield self.finding("pass", "References point at resources of the kind each attribute takes.")
