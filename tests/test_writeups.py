"""Write-ups: golden reports for every sample, and coverage of every failure the two seed reports name."""

import json
import re

import pytest
from typer.testing import CliRunner

from grader.cli import app
from tests.conftest import ROOT, SAMPLES, validate

GOLDEN = ROOT / "tests" / "golden"
runner = CliRunner()


def report(sample: str) -> str:
    result = runner.invoke(app, ["grade", str(SAMPLES / sample), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()))
def test_golden_writeup(sample, update_golden):
    text = report(sample)
    golden = GOLDEN / f"{sample}.md"
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text)
    assert golden.exists(), "run pytest --update-golden and review the diff"
    assert text == golden.read_text(), f"{sample}: write-up changed; rerun with --update-golden and review the diff"


def test_report_command_renders_a_saved_result(tmp_path, output_schema):
    saved = tmp_path / "result.json"
    assert runner.invoke(app, ["grade", str(SAMPLES / "seed-python"), "-o", str(saved)]).exit_code == 0
    validate(json.loads(saved.read_text()), output_schema)
    rendered = runner.invoke(app, ["report", str(saved)])
    assert rendered.exit_code == 0 and rendered.stdout == report("seed-python")


# (failure named in ../shared/seeds/seed-python-tap_stack-failures.md, what the write-up must say)
PYTHON_SEED = [
    ("region mismatch us-east-2", r"\| Regions .*\| Incorrect \(`us-east-2`\)"),
    ("missing NAT gateways", r"\| NAT Gateway .*\| No +\|$"),
    ("missing VPC peering", r"\| VPC Peering .*\| No +\|$"),
    ("no ASG", r"\| Auto Scaling Group .*\| No +\|$"),
    ("no ALB / target groups", r"\| ALB/Target Groups .*\| No +\|$"),
    ("no ALB HTTPS listener / TLS everywhere partial", r"\| TLS in transit .*\| Partial +\|$"),
    ("no S3 cross-region replication", r"\| S3 Cross-Region Replication .*\| No +\|$"),
    ("no DynamoDB", r"\| DynamoDB .*\| No +\|$"),
    ("no RDS read replicas", r"\| RDS Read Replicas .*\| No +\|$"),
    ("no secret rotation", r"\| Secrets Rotation .*\| No +\|$"),
    ("no bucket policy restricted to roles", r"\| S3 Bucket Policy Restriction .*\| No +\|$"),
    ("no SNS alerts", r"\| SNS Alerts .*\| No +\|$"),
    ("naming deviations", r"\| Naming Compliance .*\| Partial +\|$"),
    ("missing validation / error handling", r"\| Error Handling .*\| No +\|$"),
]

# (failure named in ../shared/seeds/seed-terraform-tap_stack-failures.md, what the write-up must say)
TERRAFORM_SEED = [
    ("not one file named tap_stack.tf", r"\| Deliverable files .*\| Partial"),
    ("truncated answer", r"truncated\)"),
    # "create all resources from scratch as new modules": independent reviewers judged a module demand read
    # from "from scratch" false on three corpus tasks, so it is reported as not judged, not as a failure
    ("no modules", r"\| Modules .*\| Not judged .*\| Not judged"),
    ("GuardDuty not in all active regions", r"\| Enabled in all regions .*\| No .*\| Partial"),
    ("open egress", r"\| Restricted egress .*\| No .*\| No"),
    ("no HTTPS entry point (ALB)", r"\| ALB/Target Groups .*\| No .*\| No"),
    ("wildcard log permissions", r"Least privilege required; found Resource `arn:aws:logs:\*:\*:\*`"),
    ("no CloudTrail", r"\| CloudTrail .*\| No .*\| No"),
    ("no change-management enforcement", r"\| Change management enforcement .*\| No .*\| No"),
    ("no TLS bucket policy", r"do not enforce aws:SecureTransport"),
    ("no RDS SSL parameter", r"no RDS parameter forcing SSL"),
    ("undefined aws_kms_key.logs", r"`aws_kms_key\.logs` is referenced but no such resource is declared"),
    ("hard-coded AMI", r"hard-codes the AMI `ami-0c55b159cbfafe1f0`"),
    # the answer is cut off inside its Lambda function: the claim is not judged there, only in the delivered code
    ("runtime not latest", r"\| Lambda runtime .*\| latest .*\| Not judged .*\| No"),
    ("WAF REGIONAL on an EDGE API", r"REGIONAL web ACL .* EDGE API"),
    ("no CloudFront / S3 access logs", r"\| Access logging .*\| No .*\| No"),
    ("no EventBridge route to SNS", r"\| Findings routed to SNS .*\| No .*\| No"),
    ("missing tags", r"\| Required tags .*\| Partial .*\| Partial"),
    ("missing outputs in the answer", r"\| Outputs .*\| No "),
    ("invalid invoke_url", r"exports no attribute `invoke_url`"),
    ("placeholder key pair", r"truncated or example public key"),
    ("placeholder lambda zip", r"`function\.zip` is referenced but the deliverable contains no such file"),
    ("provider redefined", r"prompt says provider\.tf already exists"),
]


@pytest.mark.parametrize("sample,failures", [("seed-python", PYTHON_SEED), ("seed-terraform", TERRAFORM_SEED)])
def test_every_seed_failure_is_named(sample, failures):
    text = report(sample)
    missing = [name for name, pattern in failures if not re.search(pattern, text, re.M)]
    assert not missing, f"the {sample} write-up does not name: {missing}"


def test_writeup_reads_like_the_seeds():
    text = report("seed-python")
    for heading in ("## Verdict", "PROMPT.md requirement:", "MODEL_RESPONSE.md:", "tap_stack.py:", "Failure:",
                    "## Summary Table", "## Actionable fixes required to comply"):
        assert heading in text, heading
    assert re.search(r"^1\. \*\*", text, re.M), "numbered fixes"


def test_advice_is_shown_apart_from_failures(tmp_path):
    task = tmp_path / "task"
    task.mkdir()
    (task / "PROMPT.md").write_text("Create an S3 bucket for logs in us-east-1.\n")
    bucket = 'resource "aws_s3_bucket" "logs" {{\n  bucket = "logs-1234"\n{}}}\n'
    (task / "MODEL_RESPONSE.md").write_text("```hcl\n# main.tf\n" + bucket.format("  versioning {\n    enabled = true\n  }\n") + "```\n")
    text = runner.invoke(app, ["grade", str(task), "--format", "markdown"]).stdout
    advice = text.split("## Advice (not counted)", 1)
    assert len(advice) == 2 and "deprecated argument `versioning`" in advice[1].split("\n## ", 1)[0]
    assert "deprecated argument" not in advice[0]  # not among the failures
    (task / "MODEL_RESPONSE.md").write_text("```hcl\n# main.tf\n" + bucket.format("") + "```\n")
    assert "## Advice" not in runner.invoke(app, ["grade", str(task), "--format", "markdown"]).stdout
