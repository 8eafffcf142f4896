"""How the prompt's words become polarity and confidence, and how the claims gate treats findings.

Each rule has a prompt that triggers it and one that does not; the prompts are synthetic.
"""

import pytest

from grader.grade import grade_task
from grader.ingest.task import load_task
from grader.rubric.derive import derive_rubric


def by_key(prompt: str) -> dict:
    return {r.id.split("-", 1)[1]: r for r in derive_rubric(prompt).requirements}


@pytest.mark.parametrize("prompt,key,polarity,confidence", [
    # exclusions and things not needed
    ("- CloudTrail must be excluded - use CloudWatch Logs instead.\n", "concept-cloudtrail", "forbidden", "high"),
    ("- Do NOT create GuardDuty detectors in code.\n", "concept-guardduty", "forbidden", "high"),
    # a label names the topic; the note after it decides: "GuardDuty: DO NOT create ..." / "- avoid or handle gracefully"
    ("- **GuardDuty**: DO NOT create GuardDuty detector (account-level resource, one per account)\n", "concept-guardduty", "forbidden", "high"),
    ("- GuardDuty: Account-level service (one detector per account) - avoid or handle gracefully\n", "concept-guardduty", "optional", "high"),
    ("- GuardDuty: enable a detector with S3 protection\n", "concept-guardduty", "required", "high"),
    ("- Compute: Auto Scaling Groups (or managed node groups if you pick EKS).\n", "concept-eks", "optional", "high"),
    ("- Create a VPC. GuardDuty and Security Hub are not needed.\n", "concept-guardduty", None, None),
    ("- Create a VPC. GuardDuty and Security Hub are not needed.\n", "concept-security-hub", None, None),
    ("- Deploy a Lambda function without X-Ray.\n", "concept-xray", None, None),
    # optional and conditional
    ("- X-Ray tracing (optional).\n", "concept-xray", "optional", "high"),
    ("- If you use RDS, enable Multi-AZ.\n", "concept-rds", "optional", "high"),
    ("## Optional enhancements\n- Add a CloudFront distribution.\n", "concept-cloudfront", "optional", "high"),
    # only mentioned: permission targets, endpoint services, service-linked roles, event sources, constraints
    ("- Create an IAM role with S3 read-only access.\n", "concept-s3", "required", "low"),
    ("- Create an IAM role for EC2 to assume.\n", "concept-ec2", "required", "low"),
    ("- Add VPC endpoints for S3 and DynamoDB.\n", "concept-dynamodb", "required", "low"),
    ("- Use ECS and RDS service-linked roles with boundaries.\n", "concept-rds", "required", "low"),
    ("- Route GuardDuty findings to SNS with an EventBridge rule.\n", "concept-guardduty", "required", "low"),
    ("- EC2 instances must not have public IPs.\n", "concept-ec2", "required", "low"),
    ("- Install the EBS CSI driver add-on on the cluster.\n", "concept-ebs", "required", "low"),
    ("## Requirements\n- Create a GuardDuty detector.\n", "concept-guardduty", "required", "high"),
    ("## Requirements\n- Deploy an RDS PostgreSQL database in private subnets.\n", "concept-rds", "required", "high"),
    ("- Create an S3 bucket for logs.\n", "concept-s3", "required", "high"),
])
def test_mentions_read_with_their_polarity(prompt, key, polarity, confidence):
    found = by_key(prompt)
    if polarity is None:
        assert key not in found
    else:
        assert (found[key].polarity, found[key].confidence) == (polarity, confidence), found[key]


def test_alternatives_become_one_requirement():
    found = by_key("- Store the password in Secrets Manager or SSM Parameter Store.\n")
    alt = next(r for r in found.values() if r.polarity == "alternatives")
    assert alt.checks[0].params["any_of"] == ["secrets_manager", "ssm_parameter"]
    assert "concept-secrets-manager" not in found
    assert by_key("- Store the password in Secrets Manager.\n")["concept-secrets-manager"].polarity == "required"


def test_region_lists_under_a_negation_and_alternatives():
    assert "regions" not in by_key("- DO NOT hardcode:\n  - Regions: `us-east-1` or `us-west-2` in names\n")
    assert by_key("- Deploy in us-east-1 or us-west-2.\n")["regions"].confidence == "low"
    assert by_key("- Deploy in us-east-1 and us-west-2.\n")["regions"].confidence == "high"


def test_durations_are_not_counts():
    assert "min_count" not in by_key("- Evaluate the config rules every 5 minutes.\n")["concept-config"].checks[0].params
    assert by_key("- Create three private subnets.\n")["concept-private-subnet"].checks[0].params["min_count"] == 3


def test_tag_keys_from_code_pairs_and_lists_not_values_or_headings():
    assert by_key("- Tag everything with `Environment: Production` and `Team`.\n")["tags"].checks[0].params["keys"] == ["Environment", "Team"]
    assert by_key("- Tag all resources with Owner, Environment, and CostCenter.\n")["tags"].confidence == "high"
    loose = by_key("- Tags (MANDATORY) must show the cost center, e.g. Production/Finance.\n")
    assert all(r.confidence == "low" for k, r in loose.items() if k == "tags")


def test_modular_is_not_a_module_block_demand():
    assert by_key("- Write modular code with separate files.\n")["modules"].confidence == "low"
    assert by_key("- Create reusable Terraform modules for the network.\n")["modules"].confidence == "high"


def test_allow_all_egress_is_not_restricted():
    assert "egress-restricted" not in by_key("- Security groups: restrict everything else; allow all egress.\n")
    assert "egress-restricted" in by_key("- Egress must be restricted to the VPC.\n")


def test_headings_and_notes_ask_for_nothing_by_themselves():
    assert by_key("#### NAT Gateways\n\n- Cost warning: each costs money.\n")["concept-nat-gateway"].confidence == "low"


def _grade(tmp_path, prompt: str, response: str) -> dict:
    (tmp_path / "PROMPT.md").write_text(prompt)
    (tmp_path / "MODEL_RESPONSE.md").write_text(response)
    (tmp_path / "metadata.json").write_text('{"platform": "tf", "language": "hcl"}')
    task = load_task(str(tmp_path))
    result = grade_task(task, derive_rubric(task.prompt, task.platform, task.language))
    return result["subjects"][0]


def _status(subject: dict, label_part: str) -> str:
    return next(f["status"] for f in subject["findings"] if f["check"] == "REQ020" and label_part in f["message"])


PROMPT = "## Requirements\n- Create an S3 bucket.\n- Create a Lambda function.\n"
BUCKET = '```hcl\n# main.tf\nresource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n```\n'


def test_missing_claim_stands_when_everything_parsed(tmp_path):
    assert _status(_grade(tmp_path, PROMPT, BUCKET), "Lambda") == "fail"


def test_missing_claim_is_not_judged_when_a_file_did_not_parse(tmp_path):
    broken = BUCKET + '```hcl\n# lambda.tf\nresource "aws_lambda_function" "f" {\n  runtime = \n```\n'
    subject = _grade(tmp_path, PROMPT, broken)
    finding = next(f for f in subject["findings"] if "Lambda" in f["message"] and f["check"] == "REQ020")
    assert finding["status"] == "unknown" and "did not parse" in finding["message"]


def test_missing_claim_is_not_judged_when_the_text_names_the_type(tmp_path):
    answer = BUCKET + 'Then add `resource "aws_lambda_function" "f"` with your handler.\n'
    assert _status(_grade(tmp_path, PROMPT, answer), "Lambda") == "unknown"


def test_code_outside_fences_is_extracted_and_graded(tmp_path):
    answer = 'Here is the code.\n\n# main.tf\n\nresource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n\nresource "aws_lambda_function" "f" {\n  function_name = "f"\n}\n'
    subject = _grade(tmp_path, PROMPT, answer)
    assert _status(subject, "S3") == "pass" and _status(subject, "Lambda") == "pass"


def test_forbidden_thing_present_fails_and_absent_passes(tmp_path):
    prompt = "## Requirements\n- Create an S3 bucket.\n- CloudTrail must be excluded.\n"
    trail = BUCKET + '```hcl\n# trail.tf\nresource "aws_cloudtrail" "t" {\n  name = "t"\n}\n```\n'
    assert any(f["status"] == "fail" and "excluded" in f["message"] for f in _grade(tmp_path, prompt, trail)["findings"])
    assert not any(f["status"] == "fail" and "excluded" in f["message"] for f in _grade(tmp_path, prompt, BUCKET)["findings"])


def test_low_confidence_and_optional_requirements_never_fail(tmp_path):
    prompt = "## Requirements\n- Create an S3 bucket.\n- Give the role EC2 read-only access.\n- X-Ray tracing (optional).\n"
    subject = _grade(tmp_path, prompt, BUCKET)
    bad = [f for f in subject["findings"] if f["requirement"] and f["status"] in ("fail", "partial")]
    assert bad == []
    assert any(f["status"] == "unknown" and "not judged" in f["message"] for f in subject["findings"])


def test_prose_only_meets_no_requirement_and_scores_under_half(tmp_path):
    subject = _grade(tmp_path, PROMPT, "I would create an S3 bucket and a Lambda function.\n")
    assert subject["requirements_met"] == 0.0 and subject["score"] <= 40


def test_meeting_no_requirement_caps_the_score(tmp_path):
    subject = _grade(tmp_path, "## Requirements\n- Create a Lambda function.\n- Create a DynamoDB table.\n", BUCKET)
    assert subject["requirements_met"] == 0.0 and subject["score"] <= 50
    assert subject["requirements"]["failed"] == 2


def test_answer_format_sections_tooling_versions_and_ranges_ask_for_nothing_sure():
    assert "outputs" not in by_key("## Output Instructions\n- Output only the code, with no commentary.\n")
    assert "outputs" in by_key("## Requirements\n- Output the VPC ID and the ALB DNS name.\n")
    assert "lambda-runtime" not in by_key("- Create a Lambda function.\n- Requires Python 3.9+ and CDK 2.x installed.\n")
    assert by_key("- Create a Lambda function on Python 3.12.\n")["lambda-runtime"].checks[0].params == {"runtime": "python3.12"}
    assert by_key("- Keep log group retention at 7-14 days.\n")["log-retention"].confidence == "low"
    assert by_key("- Keep log group retention at 14 days.\n")["log-retention"].confidence == "high"
    assert by_key("- Create all resources from scratch as new modules.\n")["modules"].confidence == "low"


@pytest.mark.parametrize("prompt,key,confidence", [
    ("- Create VPC endpoints for ECR, S3, and EC2.\n", "concept-ecr", "low"),
    ("- EC2 - for node groups and VPC endpoints\n", "concept-ec2", "low"),
    ("- Run the DMS replication instance in the same VPC.\n", "concept-vpc", "low"),
    ("- Set retention on any Lambda functions' log groups.\n", "concept-lambda", "low"),
    ("- Use a placeholder ACM certificate ARN for the listener.\n", "concept-acm", "low"),
    ("- Create an ECR repository for the images.\n", "concept-ecr", "high"),
])
def test_more_mentions_that_ask_for_nothing(prompt, key, confidence):
    assert by_key(prompt)[key].confidence == confidence


def test_rotation_counts_and_queues_read_narrowly():
    assert "concept-secret-rotation" not in by_key("- Create a KMS key with automatic rotation enabled for EKS secrets encryption.\n")
    assert "concept-secret-rotation" not in by_key("- Store credentials in Secrets Manager with automatic rotation disabled initially.\n")
    assert "concept-secret-rotation" in by_key("- Enable automatic rotation of the database secret every 30 days.\n")
    assert "concept-sqs" not in by_key("- Job queues with retry strategies.\n")
    assert "min_count" not in by_key("- Build a Python 3.12 Lambda function.\n")["concept-lambda"].checks[0].params
    assert "min_count" not in by_key("- An Auto Scaling group with minimum 2 and maximum 6 EC2 instances.\n")["concept-ec2"].checks[0].params
    assert by_key("- RDS PostgreSQL (if used) must be encrypted.\n")["concept-rds"].polarity == "optional"


def test_tls_is_scoped_to_what_the_prompt_names():
    assert "tls-in-transit" not in by_key("- Set up an SSL/TLS certificate through ACM.\n")
    alb = by_key("- HTTPS-only listener on port 443.\n")["tls-in-transit"]
    assert alb.checks[0].params["scope"] == ["alb"] and alb.confidence == "high"
    assert by_key("- Encrypt data at rest and in transit.\n")["tls-in-transit"].confidence == "low"


def test_tls_on_all_services_is_sure():
    assert by_key("- TLS 1.2+ on all services.\n")["tls-in-transit"].confidence == "high"


@pytest.mark.parametrize("prompt,key", [
    ("- Each region has private subnets for databases and public subnets for load balancers.\n", "concept-alb"),
    ("- Allow EC2 instances and Lambda functions to retrieve secrets via IAM roles only.\n", "concept-lambda"),
    ("- Use AWS EC2 for subnets, NAT Gateways and route tables.\n", "concept-ec2"),
])
def test_purpose_grantee_and_namespace_mentions_are_low(prompt, key):
    assert by_key(prompt)[key].confidence == "low"


def test_the_same_services_asked_for_directly_are_sure():
    assert by_key("- Create an Application Load Balancer in the public subnets.\n")["concept-alb"].confidence == "high"
    assert by_key("- Deploy Lambda functions to process the events.\n")["concept-lambda"].confidence == "high"


def test_several_files_beside_a_single_file_phrase_are_not_sure():
    mixed = by_key("1) tap_stack.tf (all resources in single file called tap_stack.tf)\n2) variables.tf\n")["deliverable-files"]
    assert mixed.confidence == "low" and mixed.checks[0].params["single_file"] is False
    plain = by_key("- Put everything in a single file `tap_stack.tf`.\n")["deliverable-files"]
    assert plain.confidence == "high" and plain.checks[0].params == {"files": ["tap_stack.tf"], "single_file": True}


def test_port_lists_public_access_scope_and_regions_named_aside():
    assert by_key("- Allows inbound traffic on ports 80 and 443 only.\n")["allowed-ports"].checks[0].params["ports"] == [80, 443]
    assert by_key("- Aurora must be in private subnets only (not publicly accessible).\n")["no-public-access"].checks[0].params == {"scope": ["db"]}
    assert by_key("- S3 buckets must block all public access.\n")["no-public-access"].checks[0].params == {"scope": ["s3"]}
    regions = by_key("## Transit Gateway Hub (us-east-1)\n\n- Peer the hub with us-west-2 and eu-west-1.\n")["regions"]
    assert regions.checks[0].params == {"regions": ["us-west-2", "eu-west-1"], "also": ["us-east-1"]}


def test_pitr_under_an_rds_item_is_not_a_dynamodb_requirement():
    assert "dynamodb-pitr" not in by_key("- RDS PostgreSQL database:\n  - Automated backups and point-in-time recovery\n")
    assert "dynamodb-pitr" in by_key("- DynamoDB table for sessions:\n  - Enable point-in-time recovery\n")


def test_output_lists_capacity_and_runtime_error_handling():
    assert "outputs" in by_key("- Output the VPC ID and the bucket name.\n")
    assert by_key("- Output reports (versioning enabled, encrypted).\n")["outputs"].confidence == "low"
    assert by_key("- Compute environments configured with EC2 or Fargate.\n")["any-ec2-ecs"].confidence == "low"
    assert by_key("- Must handle failures gracefully.\n")["validation"].confidence == "low"
    assert by_key("- Validate the input variables.\n")["validation"].confidence == "high"


def test_a_placeholder_allowed_anywhere_weakens_every_demand_for_it():
    prompt = "- HTTPS listener using an ACM certificate.\n\n### Note\n- Use a placeholder ACM certificate ARN in variables.\n"
    assert by_key(prompt)["concept-acm"].confidence == "low"
    assert by_key("- HTTPS listener using an ACM certificate.\n")["concept-acm"].confidence == "high"


def test_auto_scaling_of_other_services_is_not_an_auto_scaling_group():
    assert "concept-asg" not in by_key("- Enable DynamoDB auto scaling for read and write capacity.\n")
    assert "concept-asg" not in by_key("- Configure ECS service auto scaling on CPU.\n")
    assert "concept-asg" in by_key("- Run EC2 instances with auto scaling behind the ALB.\n")


def test_code_the_extraction_could_not_take_out_is_not_taken_as_absence(tmp_path):
    answer = 'Here it is:\n\n```text\nresource "aws_lambda_function" "f" {\n  function_name = "f"\n}\n```\n'
    subject = _grade(tmp_path, PROMPT, answer)
    lam = next(f for f in subject["findings"] if f["requirement"] and "Lambda" in f["message"] or "No code parsed" in f["message"])
    assert lam["status"] == "unknown" and "could not be verified" in lam["message"]


@pytest.mark.parametrize("prompt,key,expected", [
    ("- Use existing credentials instead of custom Lambda rotation.\n", "concept-lambda", None),
    ("- Continuously scan EC2, RDS, S3 and IAM resources for compliance.\n", "concept-rds", "low"),
    ("- Attach the function to a VPC security group.\n", "concept-vpc", "low"),
    ("- Integrate with AWS Secrets Manager or Systems Manager Parameter Store.\n", "any-secrets-manager-ssm-parameter", "alternatives"),
    ("- Implement proper module versioning and documentation.\n", "s3-versioning", None),
    ("- Run pods on EKS Fargate profiles.\n", "concept-ecs", None),
    ("- Tag resources with `aws_regions` and `environment_name`.\n", "tags", "low"),
    ("- The database should have automated backups and point-in-time recovery.\n", "dynamodb-pitr", None),
])
def test_fresh_review_causes(prompt, key, expected):
    found = by_key(prompt)
    if expected is None:
        assert key not in found
    elif expected == "alternatives":
        assert found[key].polarity == "alternatives"
    else:
        assert found[key].confidence == expected


def test_files_said_to_exist_are_never_asked_for():
    files = by_key("- The provider lives in `provider.tf` (already present).\n- Use `provider.tf` and write `tap_stack.tf`.\n")
    assert files["deliverable-files"].checks[0].params["files"] == ["tap_stack.tf"]


def test_lambda_code_in_another_language_is_not_the_wrong_platform(tmp_path):
    prompt = "## Requirements\n- Create an S3 bucket.\n"
    handler = BUCKET + "```javascript\n// lib/lambda/index.js\nexports.handler = async (event) => ({ statusCode: 200 });\n```\n"
    assert not any(f["check"] == "STR005" and f["status"] == "fail" for f in _grade(tmp_path, prompt, handler)["findings"])
    app = BUCKET + "```javascript\n// lib/app.js\nconst cdk = require('aws-cdk-lib');\nnew cdk.App();\n```\n"
    assert any(f["check"] == "STR005" and f["status"] == "fail" for f in _grade(tmp_path, prompt, app)["findings"])


def test_round_three_causes():
    assert "concept-lambda" not in by_key("- Secrets Manager should use managed rotation instead of custom Lambda\n")
    assert "concept-ecs" not in by_key("- Build an EKS cluster.\n- Use only Fargate compute profiles.\n")
    assert "concept-ecs" in by_key("- Run the service on Fargate behind an ALB.\n")
    assert by_key("- Deliver everything in `tap\\_stack.tf`.\n")["deliverable-files"].checks[0].params["files"] == ["tap_stack.tf"]
    assert by_key("- Enable CloudTrail logging to an S3 bucket in all regions.\n")["all-regions-cloudtrail"].checks[0].params == {"concept": "cloudtrail"}
    assert "backup-retention" not in by_key("- Create an AWS Backup plan with 30 days retention.\n")
    assert by_key("- AWS Backup plan covering backups of RDS and EBS.\n")["concept-rds"].confidence == "low"
    assert by_key("- Tag every resource with `locals`.\n")["tags"].confidence == "low"


def test_round_four_causes():
    assert by_key("- Use an S3 backend for remote state.\n")["concept-s3"].confidence == "low"
    assert by_key("- Outputs: the VPC ID, the RDS endpoint and the ALB DNS name.\n")["concept-rds"].confidence == "low"
    assert by_key("- Create an RDS PostgreSQL instance.\n")["concept-rds"].confidence == "high"


def test_encryption_of_one_named_store_is_not_a_rule_for_all():
    assert by_key("- The data bucket must be encrypted with a KMS key.\n")["encryption-at-rest"].checks[0].params["all"] is False
    assert "all" not in by_key("- All S3 buckets must be encrypted with KMS.\n")["encryption-at-rest"].checks[0].params


def test_a_sentence_led_by_it_speaks_of_the_store_before():
    found = by_key("- We need an S3 bucket in each region. It has to be encrypted with our KMS key and have all public access blocked.\n")
    assert found["encryption-at-rest"].checks[0].params == {"kms": True, "stores": ["s3"], "all": False}
    assert found["no-public-access"].checks[0].params == {"scope": ["s3"], "all": False}
    assert "all" not in by_key("- All S3 buckets must block public access.\n")["no-public-access"].checks[0].params


def test_the_stores_a_prompt_names_scope_encryption_asked_elsewhere():
    found = by_key("- Encryption is key: create a customer-managed KMS key.\n- The data bucket must be encrypted with that key.\n")
    assert found["encryption-at-rest"].checks[0].params == {"kms": True, "stores": ["s3"], "all": False}
    generic = by_key("- Encrypt all data at rest with customer-managed KMS keys.\n")
    assert generic["encryption-at-rest"].checks[0].params == {"kms": True}


def test_a_port_rule_for_the_database_is_not_an_internet_allowlist():
    assert by_key("- The RDS security group allows only port 3306 inbound from the app tier.\n")["allowed-ports"].confidence == "low"
    assert by_key("- Allow only HTTPS (443) inbound.\n")["allowed-ports"].confidence == "high"


def test_conventions_the_prompt_does_not_ask_for_are_advice_not_failures(tmp_path):
    answer = ('```hcl\n# main.tf\nterraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
              'resource "random_password" "p" {\n  length = 16\n}\nresource "aws_s3_bucket" "b" {\n  versioning {\n    enabled = true\n  }\n}\n```\n')
    plain = _grade(tmp_path, "## Requirements\n- Create an S3 bucket.\n", answer)["findings"]
    assert {f["status"] for f in plain if f["check"] in ("CON001", "CON002")} == {"n/a"}
    asked = _grade(tmp_path, "## Requirements\n- Create an S3 bucket.\n- Pin provider versions; avoid deprecated arguments.\n", answer)["findings"]
    assert {f["status"] for f in asked if f["check"] in ("CON001", "CON002")} == {"fail"}


@pytest.mark.parametrize("prompt,key", [
    ("## Environment Setup\n\nInfrastructure includes API Gateway, Lambda functions and an ALB.\n", "concept-alb"),
    ("### Resource Naming\n- Lambda Function: `my-function-${environmentSuffix}`\n", "concept-lambda"),
    ("- Names follow `{env}-dynamodb-{region}`.\n", "concept-dynamodb"),
])
def test_environment_descriptions_and_naming_examples_ask_for_nothing_sure(prompt, key):
    assert by_key(prompt)[key].confidence == "low"


def test_an_unparsed_fence_that_cannot_declare_resources_leaves_the_missing_claim_standing(tmp_path):
    pseudo = BUCKET + '```hcl\noutput "vpc_id"        # VPC identifier\noutput "alb_dns_name"  # load balancer\n```\n'
    assert _status(_grade(tmp_path, PROMPT, pseudo), "Lambda") == "fail"
    broken = BUCKET + '```hcl\n# lambda.tf\nresource "aws_lambda_function" "f" {\n  runtime = \n```\n'
    assert _status(_grade(tmp_path, PROMPT, broken), "Lambda") == "unknown"


@pytest.mark.parametrize("prompt,key,expected", [
    # a negated list: every item is excluded, the last one too
    ("- Don't create public subnets, internet gateways, or NAT gateways since nothing needs the internet.\n", "concept-nat-gateway", "forbidden"),
    ("- Create NAT gateways in each public subnet.\n", "concept-nat-gateway", "high"),
    # a Multi-AZ bullet about instances is not a database requirement; one about RDS is
    ("- Multi-AZ Deployment: Spread instances across multiple availability zones.\n", "multi-az", None),
    ("- RDS PostgreSQL with Multi-AZ enabled.\n", "multi-az", "high"),
    # a certificate the answer receives (an existing one, its ARN as a variable) is not one to create
    ("- HTTPS listener using an existing ACM certificate ARN provided via variable.\n- The ALB must use HTTPS with ACM certificate.\n",
     "concept-acm", "low"),
    ("- Create an ACM certificate for the domain and use it on the HTTPS listener.\n", "concept-acm", "high"),
    # "queue" is SQS only when the prompt names SQS somewhere
    ("- Auto-scaling based on processing queue depth.\n- ElastiCache Redis cluster for the processing queue.\n", "concept-sqs", "low"),
    ("- Auto-scaling based on processing queue depth.\n- Use SQS for the jobs.\n", "concept-sqs", "high"),
    # SSE-S3 offered beside SSE-KMS: a KMS key is a choice
    ("- Enable encryption using SSE-S3 or SSE-KMS.\n", "concept-kms", "optional"),
    ("- Encrypt the bucket with SSE-KMS.\n", "concept-kms", "high"),
    # who a role is for, across a dash
    ("- **RDS access role** - for Lambda or ECS tasks that connect to the database\n", "any-lambda-ecs", "low"),
])
def test_round6_review_causes(prompt, key, expected):
    found = by_key(prompt)
    if expected is None:
        assert key not in found
    elif expected in ("forbidden", "optional"):
        assert found[key].polarity == expected
    else:
        assert found[key].confidence == expected and found[key].polarity in ("required", "alternatives")


def test_a_tagging_label_is_not_a_tag_key():
    found = by_key("- **Tagging Strategy**: Tag all resources with `Project:WebApp` and `Environment:Production`\n")
    assert found["tags"].checks[0].params["keys"] == ["Project", "Environment"]


def test_permissions_a_role_needs_are_not_a_least_privilege_demand():
    assert "least-privilege" not in by_key("- IAM instance profile with necessary permissions\n")
    assert "least-privilege" in by_key("- IAM instance profile with only the permissions it really needs\n")


def test_least_privilege_of_security_groups_is_not_an_iam_requirement():
    assert "least-privilege" not in by_key("- Security Groups following least privilege principle\n")
    assert "least-privilege" in by_key("- IAM roles following least privilege principle\n")


def test_all_data_at_rest_keeps_every_store_in_scope_and_asks_only_what_it_says():
    # "RDS with encryption" first named one store; "all data at rest ... KMS" later asks KMS of every store
    found = by_key("- RDS database with encryption enabled.\n- All data at rest must be encrypted using AWS KMS.\n")
    req = found["encryption-at-rest"]
    assert req.checks[0].params == {"kms": True, "kms_managed_ok": True} and req.line == 2
    # KMS said of the database only is no demand on every store; "SSE-S3" allows S3-managed keys
    found = by_key("- Aurora encrypted at rest via KMS.\n- All data must be encrypted at rest.\n")
    assert found["encryption-at-rest"].checks[0].params == {"kms": False}
    found = by_key("- Buckets use SSE-S3.\n- Use KMS encryption for all data at rest.\n")
    assert found["encryption-at-rest"].checks[0].params["kms"] is False
    # a naming rule "for all resources" that mentions encryption in a name, and a lead-in to a list, are no such sentence
    found = by_key("- S3 buckets must be encrypted.\n- Follow the naming pattern for all resources like "
                   "kms-dr-encryption-west and lambda-health-monitor-east.\n")
    assert found["encryption-at-rest"].checks[0].params["stores"] == ["s3"]
    found = by_key("- S3 buckets must be encrypted.\n- Use AWS KMS (CMK) to encrypt all data at rest for:\n- RDS\n")
    assert "stores" in found["encryption-at-rest"].checks[0].params


def test_where_credentials_live_is_no_store_to_encrypt():
    # round 24 (pulumi-py-Pr5773): a CMK asked for RDS was claimed on the Secrets Manager secret
    found = by_key("- RDS encrypted at rest with a new KMS customer-managed key.\n"
                   "- Security: Encryption at rest with KMS, credentials in Secrets Manager\n")
    assert found["encryption-at-rest"].checks[0].params["stores"] == ["rds"]
    found = by_key("- Secrets Manager secrets encrypted with the customer-managed KMS key.\n")
    assert found["encryption-at-rest"].checks[0].params["stores"] == ["secrets_manager"]


def test_a_polite_request_is_no_condition():
    # round 23 (pulumi-py-Pr5458): "could you please develop ..." made every listed requirement optional
    found = by_key("Hey mate, could you please develop a serverless stack for us?\n\n- Store results in a DynamoDB table.\n")
    assert found["concept-dynamodb"].polarity == "required"
    assert by_key("- You could add a DynamoDB table for caching.\n")["concept-dynamodb"].polarity == "optional"


def test_key_rotation_is_read_for_kms_keys_not_secrets():
    assert by_key("- KMS keys with automatic rotation for encryption\n")["kms-key-rotation"].checks[0].params == {}
    found = by_key("- Use AWS KMS for customer-managed encryption keys with rotation\n- Key Rotation: KMS keys rotate automatically every 90 days\n")
    assert found["kms-key-rotation"].checks[0].params == {"days": 90}
    assert by_key("- Set up KMS keys that rotate annually.\n")["kms-key-rotation"].checks[0].params == {}
    for other in ("- Database credentials must rotate every 30 days automatically\n", "- Secrets Manager secret with 30-day rotation\n",
                  "- Rotate IAM access keys every 90 days\n", "- Write tests that check the KMS key rotation\n"):
        assert "kms-key-rotation" not in by_key(other), other


def test_a_naming_pattern_is_for_the_kind_its_sentence_names():
    found = by_key('- Create two S3 buckets following the pattern "s3-docs-{region}-ACCOUNT_ID".\n')
    assert found["naming-pattern-s3"].checks[0].params == {"pattern": "s3-docs-{region}-ACCOUNT_ID", "types": ["aws_s3_bucket"]}
    assert "types" not in by_key("- Names follow `PROD-{service}-{identifier}-{region}`.\n")["naming-pattern"].checks[0].params
    assert by_key('- Name the parameters following the pattern "/app/{environment}/{key}".\n')["naming-pattern"].confidence == "low"


def test_kms_without_customer_managed_is_met_by_aws_managed_keys():
    assert by_key("- RDS with KMS encryption at rest.\n")["encryption-at-rest"].checks[0].params.get("kms_managed_ok") is True
    assert "kms_managed_ok" not in by_key("- RDS encrypted at rest with a customer-managed KMS key.\n")["encryption-at-rest"].checks[0].params


def test_a_file_named_twice_in_different_case_is_asked_for_once():
    files = by_key("- Deliver Variables.tf, Outputs.tf and Main.tf.\n- Keep main.tf short and outputs.tf tidy.\n")
    assert files["deliverable-files"].checks[0].params["files"] == ["Variables.tf", "Outputs.tf", "Main.tf"]
    distinct = by_key("- Deliver main.tf and network.tf.\n")
    assert distinct["deliverable-files"].checks[0].params["files"] == ["main.tf", "network.tf"]


@pytest.mark.parametrize("prompt,key", [
    ("- Node group IAM role with EC2, ECR, and CNI policies\n", "concept-ecr"),  # a list ending in "policies"
    ("- We need an IAM role that EC2 instances can assume to upload objects.\n", "concept-ec2"),  # who assumes the role
    ("- Security groups allowing ingress from load balancers\n", "concept-alb"),  # where traffic comes from
    ("- Output the bucket name so our deployment pipeline can configure our CDN.\n", "concept-cloudfront"),  # someone else's job
    ("- Multi-region networking using VPC, EC2 networking components, and NAT gateways.\n", "concept-ec2"),  # a qualifier
    ("- S3 backend configuration with bucket, key, DynamoDB table for locking\n", "concept-dynamodb"),  # the backend's lock table
])
def test_round7_mentions_that_ask_for_nothing(prompt, key):
    assert by_key(prompt)[key].confidence == "low"


@pytest.mark.parametrize("prompt,key", [
    ("- Create an ECR repository with scan on push.\n", "concept-ecr"),
    ("- Launch EC2 instances in the private subnets.\n", "concept-ec2"),
    ("- Put an application load balancer in front of the service.\n", "concept-alb"),
    ("- Create a DynamoDB table for orders.\n", "concept-dynamodb"),
])
def test_round7_plain_demands_stay_sure(prompt, key):
    assert by_key(prompt)[key].confidence == "high"


def test_a_file_the_prompt_says_is_already_present_is_not_asked_for():
    prompt = ("- Deliver `main.tf` with all resources.\n"
              "- The provider configuration is already present in `provider.tf` and uses `aws_region`.\n")
    assert by_key(prompt)["deliverable-files"].checks[0].params["files"] == ["main.tf"]


def test_services_offered_as_examples_are_alternatives_not_demands():
    found = by_key("- Route 53 for DNS failover or CloudFront for a CDN would be perfect examples.\n")
    assert found["any-route53-cloudfront"].polarity == "alternatives" and found["any-route53-cloudfront"].confidence == "low"


@pytest.mark.parametrize("prompt,key,expected", [
    ("- Configure remote state backend with S3 and DynamoDB locking\n", "concept-dynamodb", "low"),
    ("- Each environment must have its own state file with workspace-specific paths in S3\n", "concept-s3", "low"),
    ("- Track every configuration change on EC2, RDS, and S3 resources.\n", "concept-rds", "low"),
    ("- Supports both MySQL (3306) and PostgreSQL (5432)\n", "concept-rds", "low"),
    ("- Metrics sent to CloudWatch for dashboards and trending\n", "concept-dashboard", "low"),
    ("- Log groups with 90-day retention for Lambda functions and API Gateway access logs.\n", "concept-api-gateway", "low"),
    ("- Alarms on security group modifications and Network ACL changes\n", "concept-nacl", "low"),
    ("- Create a CloudWatch dashboard for the API.\n", "concept-dashboard", "high"),
    ("- Deploy an RDS PostgreSQL database.\n", "concept-rds", "high"),
])
def test_round8_review_causes(prompt, key, expected):
    assert by_key(prompt)[key].confidence == expected


def test_background_regions_of_what_the_team_manages_are_not_deployment_regions():
    prompt = ("Our team manages workspaces spanning us-east-1, us-west-2, and eu-central-1 regions.\n\n"
              "## Requirements\n- Deploy to **us-east-1** region\n")
    assert by_key(prompt)["regions"].checks[0].params["regions"] == ["us-east-1"]


def test_an_excluded_runtime_is_no_demand_and_the_one_offered_instead_is():
    found = by_key("- Lambda functions must not use Node.js 18+ (use Python 3.11 instead)\n")
    assert found["lambda-runtime"].checks[0].params == {"runtime": "python3.11"}
    assert "lambda-runtime" not in by_key("- Lambda functions must not use Node.js 18.\n")


def test_bucket_policy_demands_follow_the_prompt():
    assert "bucket-policy-restricted" not in by_key("- Implement a bucket policy that allows public read access to objects\n")
    found = by_key("- Apply least-privilege bucket policies to ensure only CloudTrail can write logs.\n")
    assert found["bucket-policy-restricted"].checks[0].params == {"principal": "cloudtrail"}


def test_api_gateway_access_logs_are_not_s3_access_logging():
    assert "access-logging" not in by_key("- CloudWatch Log Groups for Lambda functions and API Gateway access logs.\n")
    assert "access-logging" in by_key("- Enable S3 server access logging on the data bucket.\n")


def test_lambda_memory_and_timeout_are_read_from_the_prompt():
    found = by_key("- Configure each Lambda with 256 MB memory and a 300-second timeout.\n")
    assert found["lambda-settings"].checks[0].params == {"memory": 256, "timeout": 300, "all": False}
    found = by_key("- All Lambda functions use a timeout of 5 minutes.\n")
    assert found["lambda-settings"].checks[0].params == {"timeout": 300, "all": True}
    assert "lambda-settings" not in by_key("- Store up to 500 MB of logs in the bucket.\n")


def test_alarm_metrics_are_gathered_from_every_sentence_that_asks_for_them():
    prompt = ("### Monitoring\n- Create CloudWatch alarms for CPU utilization (threshold: 80%)\n"
              "- Monitor free storage space (alert when below 10 GB)\n- Optionally alarm on replica lag\n")
    assert by_key(prompt)["alarm-metrics"].checks[0].params == {"metrics": ["cpu", "free-storage"]}
    assert "alarm-metrics" not in by_key("- Send alarm notifications to the ops email.\n")


@pytest.mark.parametrize("prompt,key,expected", [
    ("- Manage credentials through AWS Secrets Manager or sensitive Terraform variables.\n", "concept-secrets-manager", "low"),
    ("- Store credentials in AWS Secrets Manager.\n", "concept-secrets-manager", "high"),
    ("- Use two or more subnets with a NAT gateway or more.\n", "concept-nat-gateway", "high"),
])
def test_round10_a_service_beside_another_option(prompt, key, expected):
    assert by_key(prompt)[key].confidence == expected


def test_nothing_fancy_with_a_service_asks_for_none():
    assert "concept-kms" not in by_key("- Encrypt the buckets with SSE-S3. Nothing fancy with KMS.\n")
    assert "concept-kms" in by_key("- Encrypt the buckets with a KMS key.\n")


def test_point_in_time_recovery_beside_an_aurora_database_is_not_a_dynamodb_requirement():
    aurora = "### Data\n- Database using RDS Aurora Serverless v2\n- Automated backups with point-in-time recovery\n"
    assert "dynamodb-pitr" not in by_key(aurora)  # the prompt never names DynamoDB
    both = aurora + "### Sessions\n- DynamoDB table for sessions with point-in-time recovery\n"
    assert "dynamodb-pitr" in by_key(both)


def test_guardduty_protection_features_are_not_the_services():
    found = by_key("- Enable GuardDuty with S3 Protection, EKS Audit Logging, and Malware Protection.\n")
    assert found["concept-eks"].confidence == "low" and found["concept-s3"].confidence == "low"
    assert by_key("- Create an EKS cluster for the workloads.\n")["concept-eks"].confidence == "high"


@pytest.mark.parametrize("prompt,key,confidence", [
    # what a role may act on is the permission's target; the same service asked for plainly is a demand
    ("- A deployer role will write to S3 buckets and invoke Lambda functions.\n", "concept-lambda", "low"),
    ("- An operator role will have elevated access to EC2 and RDS.\n", "concept-rds", "low"),
    ("Build three IAM roles:\n\n- app-reader: reads objects from S3, queries DynamoDB tables\n", "concept-dynamodb", "low"),
    ("- Deploy Lambda functions that write to S3 buckets.\n", "concept-lambda", "high"),
    ("- Apply IAM roles to EC2 instances to strictly control access to necessary services with least privilege.\n", "least-privilege", "high"),
    # the last of options whose others are inputs; a service a role reads for; one branch of the answer's choice
    ("- No hardcoded secrets. Use environment variables, Terraform variables marked sensitive, or Secrets Manager.\n",
     "concept-secrets-manager", "low"),
    ("- Secrets must come from a secrets manager or be provided via secure inputs.\n", "concept-secrets-manager", "low"),
    ("- Store the database password in Secrets Manager.\n", "concept-secrets-manager", "high"),
    ("- EC2 gets an IAM role with S3 read for the 'assets' bucket\n", "concept-s3", "low"),
    ("- Compute: Auto Scaling Groups (or managed node groups if you pick EKS).\n", "concept-asg", "high"),
    # a concession names what the prompt replaces; the target of an access path is not a resource to make
    ("- Cost: While the Auto Scaling Groups requirement mentions spot, for ECS Fargate we'll use Fargate Spot.\n", "concept-asg", "low"),
    ("- Use Auto Scaling Groups with 20% spot instances.\n", "concept-asg", "high"),
    ("- Session Manager is the only interactive access path for EC2.\n", "concept-ec2", "low"),
    # users' password rotation is an IAM password policy; the state backend's versioning is not the code's buckets'
    ("- Access Control: Require MFA for all users and rotate passwords every 90 days\n", "concept-secret-rotation", "low"),
    ("- Rotate the database password every 30 days with Secrets Manager.\n", "concept-secret-rotation", "high"),
    ("- State backend: Store state in S3 with versioning enabled.\n", "s3-versioning", "low"),
    ("- Enable versioning on the S3 data bucket.\n", "s3-versioning", "high"),
    ("- Security group rules must use specific port ranges, no allow-all rules\n", "concept-security-group", "low"),
    ("- Create security groups for the web and database tiers.\n", "concept-security-group", "high"),
    ("- No allow-all security group rules\n", "concept-security-group", "low"),
    # what a backup plan covers; what another team is already doing; a suffix whose value the prompt fixes
    ("- Include EC2 volumes and RDS databases (arn:aws:rds:*:*:db:*) in the backup scope.\n", "concept-rds", "low"),
    ("- The application team is already preparing container deployments on ECS Fargate, so the network must be ready.\n",
     "concept-ecs", "low"),
    ("- Deploy the application on ECS Fargate.\n", "concept-ecs", "high"),
    ('- The project prefix is "nova" and the environment suffix is "prd".\n', "environment-suffix", "low"),
    ("- Every name ends with the environment suffix.\n", "environment-suffix", "high"),
    # pasted text lists: a line ending in ":" leads the "•" bullets after it
    ("1. Code.\n2. README.md with:\n\u2022 How to rotate secrets and avoid state leaks.\n", "concept-secret-rotation", "low"),
    ("1. Code with:\n\u2022 Secrets rotation for the database password.\n", "concept-secret-rotation", "high"),
    # the least-privilege phrase is itself about permissions: it is the demand, not what a permission is for
    ("- Follow AWS best practices with proper IAM roles and least privilege permissions\n", "least-privilege", "high"),
    ("- Store results in DynamoDB with IAM roles granting minimal necessary permissions.\n", "least-privilege", "high"),
    ("- IAM permissions should be super minimal - just what each service needs.\n", "least-privilege", "high"),
    ("- Include strict IAM role policies and API Gateway endpoint policies.\n", "least-privilege", "high"),
    # who uses a role
    ("- Create an IAM Role that AWS Lambda connects to and assumes.\n", "concept-lambda", "low"),
    ("- Lambda functions will use this role for S3.\n", "concept-lambda", "low"),
    ("- The policy limits which S3 paths Lambda can read from.\n", "concept-lambda", "low"),
    ("- Create a Lambda function that reads from the queue.\n", "concept-lambda", "high"),
    # what tests do, guidance, a use
    ("- Unit tests for all Terraform modules\n", "modules", "low"),
    ("- Write reusable Terraform modules for the network.\n", "modules", "high"),
    ("## Testing approach\n- Deploy a test application that connects through the ALB.\n", "concept-alb", "low"),
    ("## Load balancing\n- Deploy an ALB in the public subnets.\n", "concept-alb", "high"),
    ("- Guidance for operations teams to plug metrics into dashboards\n", "concept-dashboard", "low"),
    ("- Publish metrics for dashboard consumption\n", "concept-dashboard", "low"),
    ("- Create a CloudWatch dashboard for the API.\n", "concept-dashboard", "high"),
    # the team's setting; a rule for every such resource in a section of rules; a controller qualifies the ALB
    ("We're serving these assets through CloudFront, so the bucket needs a policy.\n", "concept-cloudfront", "low"),
    ("Serve these assets through CloudFront.\n", "concept-cloudfront", "high"),
    ("### Destroyability requirements\n- S3 buckets must be configured to allow deletion\n", "concept-s3", "low"),
    ("### Data layer\n- S3 buckets must be private with versioning enabled.\n", "concept-s3", "high"),
    ("- Deploy the ALB ingress controller with Helm.\n", "concept-alb", "low"),
    # a numbered heading is one of the requirements; a plain one names a topic
    ("## Requirements\n### 4. Route 53 Configuration\n- Health checks for both endpoints\n", "concept-route53", "high"),
    ("## Requirements\n### Route 53 Configuration\n- Health checks for both endpoints\n", "concept-route53", "low"),
    ("### 4. Route 53 notes\n- Health checks for both endpoints\n", "concept-route53", "low"),
    # KMS with an AWS-managed key asks for no key resource; encryption of environment variables is not of the data stores
    ("- Create S3 buckets with SSE-KMS encryption using AWS-managed keys (aws/s3)\n", "concept-kms", "low"),
    ("- Create S3 buckets with SSE-KMS encryption using a customer-managed KMS key\n", "concept-kms", "high"),
    ("- Lambda environment variables must be encrypted using KMS\n", "encryption-at-rest", "low"),
    ("- Encrypt all data at rest with KMS.\n", "encryption-at-rest", "high"),
    # where such things may not sit; a setting for a kind in a lifecycle section; a KMS key's rotation is not secrets'
    ("We can't have our public-facing load balancers sitting in the backend network.\n", "concept-alb", "low"),
    ("Put the load balancers in the public subnets.\n", "concept-alb", "high"),
    ("### Resource Lifecycle\n- RDS: Use `skip_final_snapshot=True`\n", "concept-rds", "low"),
    ("### Database\n- RDS: Use PostgreSQL 15 with Multi-AZ\n", "concept-rds", "high"),
    ("- Implement a KMS key with automatic rotation for envelope encryption of Kubernetes secrets\n", "concept-secret-rotation", "low"),
    ("- Rotate the database secrets every 30 days\n", "concept-secret-rotation", "high"),
    # what a recorder or check looks at, who an endpoint lets talk, a comparison, endpoint services across a dash, a possible use
    ("- Configure AWS Config with recording enabled for EC2, RDS, and S3 resources\n", "concept-rds", "low"),
    ("- Deploy a Lambda function to check EC2 instances for required tags\n", "concept-ec2", "low"),
    ("- Deploy EC2 instances for the web tier\n", "concept-ec2", "high"),
    ("- We want to manage EC2 instances using Systems Manager\n", "concept-ec2", "low"),
    ("- This lets EC2 instances communicate with Systems Manager\n", "concept-ec2", "low"),
    ("- Flow Logs to S3 are cheaper than CloudWatch Logs\n", "concept-cloudwatch-logs", "low"),
    ("- VPC Endpoints - for ECR, S3, and EC2 services\n", "concept-ecr", "low"),
    ("- GuardDuty running across all accounts to catch potential security issues\n", "concept-guardduty", "high"),
    ("- EC2 tag checker: ec2:DescribeInstances, ec2:DescribeTags\n", "concept-ec2", "low"),
    # an input passed in is supplied, not created
    ("- The code must be parameterized so I can pass in values for VPC ID and subnet IDs.\n", "concept-vpc", "low"),
    ("- Create a VPC with three subnets.\n", "concept-vpc", "high"),
    # a parameter store for sensitive values asks for SecureString, unless the prompt names a plain String type
    ("- Store the API token securely in Parameter Store.\n", "secure-parameters", "high"),
    ("- Store the username in parameter store insecure string.\n", "secure-parameters", "low"),
])
def test_what_only_relates_to_a_thing_is_no_sure_demand(prompt, key, confidence):
    found = by_key(prompt)
    assert found[key].polarity == "required" and found[key].confidence == confidence, found[key]


def test_a_placeholder_under_a_conditional_lead_and_a_workaround_later_in_the_item_weaken_the_demand():
    base = "- Deploy an ALB with an HTTPS listener using an ACM certificate.\n"
    assert by_key(base)["concept-acm"].confidence == "high"
    lead = base + "\nFor this task, you may need to:\n\n- Use a placeholder ACM certificate ARN in variables\n"
    assert by_key(lead)["concept-acm"].confidence == "low"
    item = ("- Custom domain names with ACM certificates. Automatic validation may not be possible. "
            "Consider default endpoints, or document the manual validation steps.\n")
    assert by_key(item)["concept-acm"].confidence == "low"
    other = "- Custom domain names with ACM certificates. Use a placeholder like your office IP for the SSH CIDR.\n"
    assert by_key(other)["concept-acm"].confidence == "high"


def test_alarms_and_sns_notifications_in_one_section_ask_for_alarm_actions():
    same = "## Monitoring\n- Set up alarms to watch EC2 CPU usage\n- Send notifications through SNS\n"
    assert by_key(same)["alarm-notifications"].confidence == "high"
    apart = "## Monitoring\n- Set up alarms to watch EC2 CPU usage\n\n## Messaging\n- Send order notifications through SNS\n"
    assert "alarm-notifications" not in by_key(apart)


def test_aws_managed_keys_said_once_make_every_bare_kms_mention_that_key():
    assert by_key("- SSE-KMS encryption on all S3 buckets\n")["concept-kms"].confidence == "high"
    managed = "- Create S3 buckets with SSE-KMS using AWS-managed keys (aws/s3)\n- SSE-KMS encryption on all S3 buckets\n"
    assert by_key(managed)["concept-kms"].confidence == "low"
    own = managed + "- Create a customer-managed KMS key for the database\n"
    assert by_key(own)["concept-kms"].confidence == "high"


def test_a_possible_use_is_optional():
    assert by_key("- Public subnets for potential ALBs\n")["concept-alb"].polarity == "optional"
    assert by_key("- Public subnets for the ALBs\n")["concept-alb"].polarity == "required"


def test_an_existing_one_looked_up_leaves_a_missing_claim_unverified(tmp_path):
    lookup = ("```python\n# lib/tap_stack.py\nfrom aws_cdk import Stack, aws_ec2 as ec2\n\n\nclass TapStack(Stack):\n"
              "    def __init__(self, scope, id):\n        super().__init__(scope, id)\n"
              "        vpc = ec2.Vpc.from_lookup(self, 'V', vpc_id='vpc-1')\n```\n")
    prompt = "- Create a VPC for the application.\n"

    def graded(folder, response):
        folder.mkdir()
        (folder / "PROMPT.md").write_text(prompt)
        (folder / "MODEL_RESPONSE.md").write_text(response)
        (folder / "metadata.json").write_text('{"platform": "cdk", "language": "py"}')
        task = load_task(str(folder))
        return grade_task(task, derive_rubric(task.prompt, task.platform, task.language))["subjects"][0]

    assert _status(graded(tmp_path / "a", lookup), "VPC") == "unknown"
    nothing = lookup.replace("vpc = ec2.Vpc.from_lookup(self, 'V', vpc_id='vpc-1')", "pass")
    assert _status(graded(tmp_path / "b", nothing), "VPC") == "fail"


def test_a_file_the_prompt_already_has_is_no_deliverable():
    have = by_key("Put everything in ./lib/main.tf since I've already got the provider config sorted in provider.tf.\n")
    assert "provider.tf" not in (have["deliverable-files"].checks[0].params["files"] if "deliverable-files" in have else [])
    assert "provider.tf" in by_key("Put the code in main.tf and the provider config in provider.tf.\n")["deliverable-files"].checks[0].params["files"]


def test_a_thing_taken_as_an_input_variable_is_not_claimed_missing(tmp_path):
    prompt = "- Encrypt the bucket with a specific KMS key.\n"
    body = ('variable "kms_key_arn" {}\nresource "aws_s3_bucket_server_side_encryption_configuration" "e" {\n  bucket = "b"\n'
            '  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm = "aws:kms"\n'
            '      kms_master_key_id = var.kms_key_arn\n    }\n  }\n}\n')
    assert _status(_grade(tmp_path, prompt, f"```hcl\n# main.tf\n{body}```\n"), "KMS") == "unknown"
    unread = body.replace("var.kms_key_arn", '"alias/aws/s3"')
    (tmp_path / "b").mkdir()
    assert _status(_grade(tmp_path / "b", prompt, f"```hcl\n# main.tf\n{unread}```\n"), "KMS") == "fail"


def test_a_file_said_to_exist_is_not_a_deliverable_even_where_it_reads_as_a_demand():
    files = by_key("- Write `tap_stack.tf`.\n- `provider.tf` already contains provider and backend configuration.\n")["deliverable-files"]
    assert files.checks[0].params["files"] == ["tap_stack.tf"]


def test_a_prefix_in_a_code_span_is_not_a_tag_key():
    assert "tags" not in by_key("- Logical names and tags should use the `secureApp-` prefix.\n")
    assert by_key("- Tag every resource with `Owner` and `Project`.\n")["tags"].checks[0].params["keys"] == ["Owner", "Project"]


def test_the_stores_of_an_at_rest_clause_are_not_the_scope_of_in_transit():
    found = by_key("- Configure KMS encryption for all data at rest in S3 and in-transit through Kinesis.\n")["tls-in-transit"]
    assert "scope" not in found.checks[0].params and found.confidence == "low"
    assert by_key("- Enforce TLS in transit for the S3 buckets.\n")["tls-in-transit"].checks[0].params["scope"] == ["s3"]
    both = by_key("- RDS instances in private subnets with encryption at rest and in transit\n")["tls-in-transit"]
    assert both.checks[0].params["scope"] == ["rds"]


def test_per_az_belongs_to_the_thing_it_follows():
    found = by_key("- Create an Internet Gateway, and deploy two NAT Gateways (one per AZ).\n")
    assert "per_az" not in found["concept-internet-gateway"].checks[0].params
    assert found["concept-nat-gateway"].checks[0].params.get("per_az") is True


def test_tags_listed_after_a_lead_in_are_keys_with_values():
    paragraphs = by_key("Apply consistent tagging for all resources:\n\nProject = SecureApp\n\nEnvironment = Production\n\nOther.\n")
    assert paragraphs["tags"].checks[0].params == {"keys": ["Project", "Environment"],
                                                   "values": {"Project": "SecureApp", "Environment": "Production"}}
    assert paragraphs["tags"].confidence == "high"
    bullets = by_key("Every resource needs these tags:\n- Environment: Production\n- Owner: DevOps Team\n")["tags"].checks[0].params
    assert bullets["values"] == {"Environment": "Production", "Owner": "DevOps Team"}
    # a lead-in followed by prose names no tags: nothing read as a key
    assert "tags" not in by_key("Apply consistent tagging for all resources:\n\nUse the provider's default tags.\n")


def test_a_plain_demand_for_outputs_is_read_without_names():
    for prompt in ("- Include outputs showing:\n  - the VPC\n", "- Stack outputs: cluster name, ALB DNS\n",
                   "The configuration should work, and give us some useful outputs.\n", "- Export the ALB DNS name as output.\n"):
        assert by_key(prompt)["outputs"].confidence == "high", prompt
    # outputs read by tests, module outputs used inside the code, a note in the outputs: no demand read surely
    for prompt in ("- Load test outputs from `cfn-outputs/flat-outputs.json`.\n", "- Use module outputs for cross-module references.\n",
                   "- Just add a note about that in the outputs.\n"):
        assert by_key(prompt)["outputs"].confidence == "low", prompt


def test_the_workload_that_will_run_later_is_background():
    assert by_key("The trading platform will have load balancers in public subnets.\n")["concept-alb"].confidence == "low"
    assert by_key("- Deploy load balancers in public subnets.\n")["concept-alb"].confidence == "high"


@pytest.mark.parametrize("prompt,confidence", [
    ("## Deliverables\n\n- Unit tests for all components\n", "high"),
    ("- Write unit tests with good coverage\n", "high"),
    ("- **Testing**: Integration tests verifying the deployment\n", "high"),
    ("Integration tests should load stack outputs from `cfn-outputs/flat-outputs.json`.\n", "low"),
    ("Also include a demo app that will be deployed and tested for real-world integration tests.\n", "low"),
])
def test_tests_to_deliver_and_tests_named_in_passing(prompt, confidence):
    assert by_key(prompt)["tests"].confidence == confidence


def test_tests_the_prompt_runs_itself_are_no_demand():
    assert "tests" not in by_key("- The code must pass the existing unit tests.\n")


@pytest.mark.parametrize("prompt,keep", [
    ("- All resources must be destroyable (no Retain policies)\n", False),
    ("- All resources must be destroyable (no Retain policies)\n- RDS with multi-AZ, automated backups, and deletion protection\n", True),
    ("- Make sure deletion protection is off.\n", False),
    ("- All resources must be fully destroyable\n- Add lifecycle blocks with prevent_destroy = true for RDS instances\n", True),
])
def test_destroyability_is_a_demand_and_the_prompt_keeps_deletion_protection_it_asks_for(prompt, keep):
    r = by_key(prompt)["destroyable"]
    assert (r.polarity, r.confidence) == ("required", "high")
    assert bool(r.checks[0].params.get("keep_protection")) is keep


def test_a_service_named_as_the_purpose_of_traffic_is_not_asked_for():
    r = by_key("- ECS tasks allow outbound 443 to 0.0.0.0/0 for ECR image pulls.\n")["concept-ecr"]
    assert r.confidence == "low"
    assert by_key("- Create an ECR repository for the images.\n")["concept-ecr"].confidence == "high"


def test_tls_for_cloudfront_viewers_is_not_a_bucket_or_listener_demand():
    prompt = ('- Deploy a CloudFront distribution with the S3 origin, viewer protocol policy "redirect-to-https", '
              "and minimum TLS 1.2.\n")
    r = by_key(prompt)["tls-in-transit"]
    assert r.confidence == "low" and not r.checks[0].params.get("scope")
    assert by_key("- Enforce TLS 1.2 on the ALB listener.\n")["tls-in-transit"].confidence == "high"
