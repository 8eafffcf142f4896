"""Deliverable structure: is there code, is it whole, does it parse, is it the right platform?"""

from __future__ import annotations

import re

from typing import Iterator

from ..ir import Location, Program
from .base import Check, Context, Finding, register

_PLATFORM_LANGUAGE = {"terraform": "hcl", "pulumi": "python", "cdk": "python", "cdktf": "python"}
_FOREIGN = {"go", "typescript", "javascript", "java", "csharp"}


def _code_files(program: Program):
    return [f for f in program.files if f.language in ("hcl", "python")]


@register
class NoCode(Check):
    id = "STR001"
    example = "markdown"
    name = "no-code"
    area = "structure"
    severity = "critical"
    description = "The answer holds no Terraform or Python code at all (prose only, or empty)."
    why = "Nothing can be validated or deployed; every other check is moot."
    fix = "Deliver the code as files (fenced blocks named with their paths), not a description of it."
    bad = "Here is an overview of the architecture: a VPC, two subnets and an ALB."
    good = '```hcl\n# main.tf\nresource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }\n```'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not _code_files(program):
            where = "the answer" if program.deliverable.source == "markdown" else "the delivered files"
            yield self.finding("fail", f"No Terraform or Python code was found in {where}.")
        else:
            yield self.finding("pass", f"{len(_code_files(program))} code file(s) found.")


@register
class CodeOnlyInTrace(Check):
    id = "STR002"
    example = "markdown"
    name = "code-only-in-reasoning-trace"
    area = "structure"
    severity = "high"
    description = "The final Answer section holds no code; the code exists only in the reasoning trace."
    why = "Readers and harnesses take the answer, not the trace; the deliverable is effectively missing."
    fix = "Put the complete files in the Answer section."
    bad = "### Reasoning Trace\n```hcl\nresource \"aws_vpc\" \"a\" {}\n```\n### Answer\nThe VPC is defined above."
    good = "### Reasoning Trace\nthinking...\n### Answer\n```hcl\nresource \"aws_vpc\" \"a\" {}\n```"

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if program.deliverable.used_trace:
            yield self.finding("fail", "The Answer section has no code; the code graded here was taken from the reasoning trace.")


@register
class Truncated(Check):
    id = "STR003"
    example = "markdown"
    name = "truncated-answer"
    area = "structure"
    severity = "high"
    description = "The answer ends inside an unclosed code block: it was cut off."
    why = "A cut-off file is missing its tail (resources, outputs) and usually does not parse."
    fix = "Regenerate the answer so every file is complete, or split it over several turns explicitly."
    bad = "```hcl\nresource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\""
    good = "```hcl\nresource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n```"

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if program.deliverable.truncated:
            last = max(program.deliverable.origins.items(), key=lambda kv: kv[1], default=None)
            locations = [Location(last[0], None)] if last else []
            yield self.finding("fail", "The answer stops inside an unclosed code block (truncated); the last file is incomplete.", locations)
        elif program.deliverable.source == "markdown":
            yield self.finding("pass", "Every code block is closed.")


@register
class SyntaxErrorCheck(Check):
    id = "STR004"
    name = "syntax-error"
    area = "structure"
    severity = "critical"
    description = "A file does not parse (HCL or Python syntax error)."
    why = "terraform validate, cdk synth and pulumi preview all stop at the first syntax error."
    fix = "Fix the syntax at the reported line; the rest of the files are still graded."
    bad = 'resource "aws_vpc" "main" {\n  cidr_block = \n}'
    good = 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        for error in program.errors:
            yield self.finding("fail", f"{error.file} does not parse: {error.message}", [Location(error.file, error.line)])
        code = _code_files(program)
        if not program.errors and code and all(f.parsed for f in code):
            yield self.finding("pass", "Every code file parses.")


@register
class WrongPlatform(Check):
    id = "STR005"
    example = "markdown"
    example_platform = "cdktf"
    name = "wrong-platform"
    area = "structure"
    severity = "critical"
    description = "Code is written for another tool or language than the task's (HCL in a CDKTF task, Go, TypeScript, aws_cdk in CDKTF)."
    why = "The task's harness runs one tool; code for another is not deployable there."
    fix = "Rewrite the code for the platform and language the task names."
    bad = "# task: CDKTF + Python\n```hcl\nresource \"aws_vpc\" \"main\" {}\n```"
    good = "# task: CDKTF + Python\n```python\nfrom cdktf_cdktf_provider_aws.vpc import Vpc\n```"

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if not ctx.platform or not program.files:
            return
        problems: list[tuple[str, Location]] = []
        expected_language = _PLATFORM_LANGUAGE.get(ctx.platform)
        for source in program.files:
            if source.language in _FOREIGN:
                if _LAMBDA_ASSET.search(source.path) or _HANDLER_CODE.search(source.text):
                    continue  # a Lambda function's own code (Node.js, Go...) shipped beside the IaC, not IaC in another tool
                problems.append((f"{source.path} is {source.language}", Location(source.path, None)))
            elif source.language in ("hcl", "python") and expected_language and source.language != expected_language:
                if source.language == "python" and not _IAC_IMPORT.search(source.text):
                    continue  # a Lambda handler, test or helper script beside the Terraform code, not IaC in another tool
                if not (source.path.endswith(".tfvars") and expected_language == "python"):
                    problems.append((f"{source.path} is {source.language}", Location(source.path, None)))
        if ctx.platform == "cdktf" and "cdk" in program.dialects and "cdktf" not in program.dialects:
            problems.append(("the code imports aws_cdk, not cdktf", Location(program.files[0].path, None)))
        if ctx.platform in ("cdk", "pulumi", "cdktf") and program.dialects - {ctx.platform, "terraform"} and ctx.platform not in program.dialects:
            other = ", ".join(sorted(program.dialects - {"terraform"}))
            problems.append((f"the code uses {other}", Location(program.files[0].path, None)))
        if problems:
            detail = "; ".join(p for p, _ in problems[:5])
            yield self.finding("fail", f"The task is {ctx.platform} ({expected_language}) but {detail}.", [loc for _, loc in problems[:5]])
        elif _code_files(program):
            yield self.finding("pass", f"All code is {expected_language} for {ctx.platform}.")


_LAMBDA_ASSET = re.compile(r"(?:^|/)(?:lambdas?|functions?|handlers?|lambda_src|lambda-src)/", re.I)
_HANDLER_CODE = re.compile(r"exports\.handler\s*=|export\s+(?:const|async function|function)\s+handler\b|func\s+(?:H|h)andle\w*\(|lambda\.Start\(")
_IAC_IMPORT = re.compile(r"^\s*(?:from|import)\s+(?:pulumi|aws_cdk|cdktf|constructs|troposphere)\b", re.M)


@register
class UnnamedBlocks(Check):
    id = "STR006"
    example = "markdown"
    name = "unnamed-code-blocks"
    area = "structure"
    severity = "low"
    description = ("Several code blocks with no file name: the reader cannot tell where the code goes. A fence that cannot be "
                   "code of its language (pseudo-config, commented-out lines: no declaration-like line and no parse) is not counted.")
    why = "Unnamed blocks must be guessed into files; harnesses expect exact paths."
    fix = "Put the path in a heading (`## File: lib/main.tf`) or a first-line comment before each block."
    bad = "```hcl\nresource \"aws_vpc\" \"main\" {}\n```\n\n```hcl\nresource \"aws_subnet\" \"a\" {}\n```"
    good = "## File: lib/main.tf\n```hcl\nresource \"aws_vpc\" \"main\" {}\n```"

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        unnamed = program.deliverable.unnamed_blocks
        if len(unnamed) > 1:  # one unnamed block is the file; only several leave the reader guessing
            lines = ", ".join(str(n) for n in unnamed[:8])
            yield self.finding("fail", f"{len(unnamed)} code block(s) have no file name (document lines {lines}).")


@register
class UnreadableInput(Check):
    id = "STR007"
    example = "files"  # needs real files on disk; tested in tests/test_cli.py
    name = "unreadable-input"
    area = "structure"
    severity = "high"
    description = ("An input file is binary, oversize, unreadable, not a regular file (a FIFO, a device), a symbolic "
                   "link leading out of the task folder, looping or dangling, or beyond the analysis limits (size, lines, "
                   "nesting depth, code fences), so it was not read or graded; a prompt over its limit is read in part (unknown).")
    why = "What cannot be read cannot be checked; the grade covers only the rest."
    fix = "Deliver readable text source files inside the task folder, within the limits of the user guide."
    bad = "lib/tap_stack.tf containing NUL bytes"
    good = "lib/tap_stack.tf as UTF-8 text"

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        for problem in program.deliverable.problems:
            yield self.finding("fail", problem)
        if ctx.prompt_problem:
            yield self.finding("unknown", ctx.prompt_problem, severity="info")


@register
class PartialFile(Check):
    id = "STR009"
    name = "partial-file"
    area = "structure"
    severity = "high"
    description = "A file says it leaves code out (`# ...`, `# rest unchanged`, \"(additional variables)\") or is a fragment of a block."
    why = ("What is not shown cannot be deployed or reviewed; reviewers file it as an incomplete answer. "
           "Declarations missing from such a file are reported as unknown, not as errors.")
    fix = "Deliver every file whole, without elisions or before/after fragments."
    bad = 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n  # ... rest of the configuration\n}'
    good = 'resource "aws_vpc" "main" {\n  cidr_block           = "10.0.0.0/16"\n  enable_dns_hostnames = true\n}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        code = _code_files(program)
        if not code:
            return
        shown: set[str] = set()
        for location, text in program.elisions:
            if location.file in shown:
                continue
            shown.add(location.file)
            more = sum(1 for loc, _ in program.elisions if loc.file == location.file) - 1
            extra = f" ({more} more place{'s' if more > 1 else ''} in the file)" if more else ""
            yield self.finding("fail", f"{location.file} is shown only in part: {text}{extra}.", [location])
        if not shown:
            yield self.finding("pass", f"All {len(code)} code file(s) are shown whole.")
