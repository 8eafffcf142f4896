"""Example team rule: every S3 bucket carries an `owner` tag. Registered when the grader loads its plugins."""

from grader.checks.base import Check, register


@register
class BucketOwnerTag(Check):
    id = "ORG001"
    name = "bucket-owner-tag"
    area = "tagging"
    severity = "medium"
    description = "Every S3 bucket has an `owner` tag (team rule)."
    fix = "Add tags = { owner = \"team-name\" } to the bucket."
    bad = 'resource "aws_s3_bucket" "b" {}'
    good = 'resource "aws_s3_bucket" "b" {\n  tags = { owner = "data" }\n}'

    def run(self, program, ctx):
        for r in program.resources:
            if r.type != "aws_s3_bucket":
                continue
            tags = r.attributes.get("tags")
            ok = isinstance(tags, dict) and "owner" in tags
            yield self.finding("pass" if ok else "fail",
                               f"{r.address} " + ("has an owner tag." if ok else "has no owner tag."), [r.location])
