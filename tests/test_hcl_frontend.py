from grader.ir import Expr
from tests.conftest import program_of

HCL = '''
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
  backend "s3" {}
}

provider "aws" {
  region = var.aws_region
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

variable "aws_region" {
  default = "us-east-1"
}

locals {
  tags = { Project = "x" }
}

data "aws_ami" "al2" {
  most_recent = true
  owners      = ["amazon"]
}

resource "aws_kms_key" "logs" {
  enable_key_rotation = true
}

resource "aws_subnet" "private" {
  count      = 3
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index)
}

resource "aws_instance" "web" {
  for_each      = toset(["a", "b"])
  ami           = data.aws_ami.al2.id
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.private[0].id
  provider      = aws.west
  tags          = merge(local.tags, { Name = "web-${each.key}" })
}

resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = [80, 443]
    content {
      from_port = ingress.value
      to_port   = ingress.value
      protocol  = "tcp"
    }
  }
}

module "vpc" {
  source = "./modules/vpc"
  cidr   = "10.0.0.0/16"
}

output "ids" {
  value = aws_subnet.private[*].id
}
'''


def test_every_block_kind_lands_in_the_program():
    p = program_of({"main.tf": HCL})
    assert not p.errors
    assert {r.address for r in p.resources} == {
        "data.aws_ami.al2", "aws_kms_key.logs", "aws_subnet.private", "aws_instance.web", "aws_security_group.sg"}
    assert p.variable("aws_region").default == "us-east-1"
    assert p.local("tags") == {"Project": "x"}
    assert [o.name for o in p.outputs] == ["ids"]
    assert [(m.name, m.source) for m in p.modules] == [("vpc", "./modules/vpc")]
    assert [(pr.address, pr.region) for pr in p.providers][1] == ("aws.west", "us-west-2")
    assert p.required_providers["aws"]["source"] == "hashicorp/aws"
    assert p.backends[0][0] == "s3"


def test_count_for_each_and_dynamic_are_kept_not_expanded():
    p = program_of({"main.tf": HCL})
    by = p.by_address()
    assert by["aws_subnet.private"].count == 3
    assert by["aws_instance.web"].count is None  # for_each over a function call: unknown
    ingress = by["aws_security_group.sg"].attributes["ingress"]
    assert len(ingress) == 1 and "__dynamic__" in ingress[0]


def test_references_are_parsed_with_indexes_and_attributes():
    p = program_of({"main.tf": HCL})
    refs = {(r.source, r.target, r.attr, r.indexed, r.splat) for r in p.references}
    assert ("aws_instance.web", "data.aws_ami.al2", "id", False, False) in refs
    assert ("aws_instance.web", "aws_subnet.private", "id", True, False) in refs
    assert ("aws_instance.web", "local.tags", "", False, False) in refs
    assert ("output.ids", "aws_subnet.private", "id", True, True) in refs
    web = p.by_address()["aws_instance.web"]
    assert web.meta["provider"] == Expr("aws.west", refs=(), attrs=())
    assert web.location.line == 41 and web.line_of("instance_type").line == 44


def test_syntax_error_is_reported_with_line_and_other_files_survive():
    p = program_of({"bad.tf": 'resource "aws_vpc" "a" {\n  cidr_block = \n}\n', "good.tf": 'resource "aws_vpc" "b" {}\n'})
    assert [r.address for r in p.resources] == ["aws_vpc.b"]
    assert p.errors[0].file == "bad.tf" and p.errors[0].line == 2


def test_duplicate_declarations_across_files_are_recorded():
    p = program_of({"a.tf": 'variable "x" {}\n', "b.tf": 'variable "x" {}\n'})
    assert p.duplicates[0][0] == "var.x"


def test_deeply_nested_braces_do_not_crash():
    deep = "locals {\n  x = " + "{ a = " * 400 + "1" + " }" * 400 + "\n}\n"
    p = program_of({"deep.tf": deep})
    assert p.deliverable.problems == ["deep.tf: file too deeply nested to analyse: depth 401 > 200; not graded"]
    assert not p.locals and not p.files[0].parsed
