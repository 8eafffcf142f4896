import pytest
from typer.testing import CliRunner

from grader.cli import app
from grader.ingest.task import InputError
from grader.rubric.derive import derive_rubric
from grader.rubric.io import dump_rubric, load_rubric, parse_rubric
from grader.rubric.lint import lint
from tests.conftest import ROOT

PROMPT = """# Multi-region web platform

Deploy in **us-east-1**, **us-west-2** and **ap-south-1**.

## Requirements
1. VPCs with public and private subnets across 3 Availability Zones, NAT Gateways and VPC peering.
2. EC2 in Auto Scaling Groups behind an Application Load Balancer with HTTPS.
3. RDS PostgreSQL with read replicas, Multi-AZ, and 7 days backup retention.
4. Enable GuardDuty in all active regions and send findings to SNS.
5. All resources must be encrypted at rest with customer-managed KMS keys; enforce TLS 1.2 in transit.
6. IAM roles must follow least privilege.
7. Tags: `Environment`, `Owner`, `CostCenter`.
8. Naming must follow `PROD-{service}-{identifier}-{region}`.
9. Do not create any NAT instances and no public access to S3 buckets.
10. Optionally add a CloudFront distribution.
11. Output the ALB DNS name and the VPC IDs.

Everything goes in a single file `tap_stack.tf`. The file `provider.tf` already exists.
"""


def keys(rubric):
    return {r.id.split("-", 1)[1] for r in rubric.requirements}


def test_derive_finds_the_requirement_families():
    rubric = derive_rubric(PROMPT)
    found = keys(rubric)
    for expected in ("regions", "concept-nat-gateway", "concept-vpc-peering", "concept-asg", "concept-alb", "concept-read-replica",
                     "az-count", "multi-az", "backup-retention", "all-regions-guardduty", "guardduty-routing", "encryption-at-rest",
                     "tls-in-transit", "least-privilege", "tags", "naming-pattern", "no-public-access", "outputs", "deliverable-files"):
        assert expected in found, expected
    by = {r.id.split("-", 1)[1]: r for r in rubric.requirements}
    assert by["regions"].checks[0].params == {"regions": ["us-east-1", "us-west-2", "ap-south-1"]}
    assert by["tags"].checks[0].params["keys"] == ["Environment", "Owner", "CostCenter"]
    assert by["deliverable-files"].checks[0].params == {"files": ["tap_stack.tf"], "single_file": True}
    assert by["encryption-at-rest"].checks[0].params == {"kms": True}
    assert by["az-count"].checks[0].params == {"count": 3}
    assert by["regions"].line == 3


def test_negations_and_existing_files_do_not_become_requirements():
    rubric = derive_rubric(PROMPT)
    files = next(r for r in rubric.requirements if r.id.endswith("deliverable-files")).checks[0].params["files"]
    assert "provider.tf" not in files  # "already exists"
    only_negated = derive_rubric("Do not use DynamoDB. The app needs no NAT gateway.\n")
    by = {r.id.split("-", 1)[1]: r for r in only_negated.requirements}
    assert by["concept-dynamodb"].polarity == "forbidden"  # excluded: checked for absence
    assert not any("nat" in k for k in by)  # not needed: no requirement at all


def test_conditional_requirements_are_low_weight():
    rubric = derive_rubric(PROMPT)
    cloudfront = next(r for r in rubric.requirements if r.id.endswith("concept-cloudfront"))
    assert cloudfront.weight < 1 and cloudfront.severity == "low"


def test_derive_is_deterministic_and_round_trips_through_yaml():
    first = dump_rubric(derive_rubric(PROMPT))
    assert first == dump_rubric(derive_rubric(PROMPT))
    assert dump_rubric(parse_rubric(first)) == first
    assert lint(parse_rubric(first)) == []


def test_yaml_errors_name_the_line():
    with pytest.raises(InputError, match="duplicate key 'text' at line 6"):
        parse_rubric("version: 1\nrequirements:\n  - id: a\n    area: security\n    text: x\n    text: y\n")
    with pytest.raises(InputError, match=r"line 6: requirements.0.bogus"):
        parse_rubric("version: 1\nrequirements:\n  - id: a\n    area: security\n    text: x\n    bogus: 1\n")
    with pytest.raises(InputError, match="area"):
        parse_rubric("version: 1\nrequirements:\n  - id: a\n    area: nowhere\n    text: x\n")


def test_lint_flags_missing_checks_unknown_params_and_weights():
    rubric = parse_rubric("version: 1\nrequirements:\n  - id: a\n    area: security\n    text: x\n"
                          "  - id: b\n    area: security\n    text: y\n    weight: 0\n    checks: [{id: REQ010, params: {zones: 1}}]\n"
                          "  - id: c\n    area: security\n    text: z\n    checks: [{id: DEP001}]\n")
    problems = "\n".join(lint(rubric))
    assert "a: has no check" in problems
    assert "REQ010 has no parameter zones" in problems
    assert "DEP001 always runs" in problems


def test_packs_are_included_and_valid(tmp_path):
    packs = sorted((ROOT / "grader" / "rubric" / "packs").glob("*.yaml"))
    assert len(packs) >= 2
    for pack in packs:
        assert lint(load_rubric(pack)) == [], pack
    mine = tmp_path / "r.yaml"
    mine.write_text("version: 1\ninclude: [aws-security-baseline]\nrequirements:\n  - id: own\n    area: region\n    text: x\n"
                    "    checks: [{id: REQ010, params: {regions: [us-east-1]}}]\n")
    ids = [r.id for r in load_rubric(mine).requirements]
    assert ids[0] == "own" and "SEC-least-privilege" in ids


def test_cli_derive_validate_and_grade_with_rubric(tmp_path):
    runner = CliRunner()
    prompt = tmp_path / "PROMPT.md"
    prompt.write_text(PROMPT)
    out = tmp_path / "rubric.yaml"
    assert runner.invoke(app, ["rubric", "derive", str(prompt), "-o", str(out)]).exit_code == 0
    result = runner.invoke(app, ["rubric", "validate", str(out)])
    assert result.exit_code == 0 and "ok" in result.stdout
    graded = runner.invoke(app, ["grade", str(ROOT / "samples" / "terraform-web"), "--rubric", str(out), "--save-rubric", str(tmp_path / "used.yaml")])
    assert graded.exit_code == 0 and (tmp_path / "used.yaml").read_text() == out.read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nrequirements: [{id: a, area: security, text: x, checks: [{id: NOPE}]}]\n")
    assert runner.invoke(app, ["rubric", "validate", str(bad)]).exit_code == 1
