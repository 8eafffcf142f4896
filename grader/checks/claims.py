"""What a requirement finding may claim: the one gate between a check's verdict and the report.

A failing requirement finding is a claim a reviewer will check against the answer. Three rules
decide whether it stands, whatever check produced it:

1. The prompt's reading: an optional requirement that is not met is "n/a" (never a failure); a
   requirement read with low confidence that is not met is "unknown" (not judged), with the reason.
2. Evidence of absence: a claim that something is missing ("Lambda required; none found") stands
   only when every code file of the subject that could declare resources parsed and nothing in the subject's text shows the
   thing anyway (a resource type or class name the analysis did not turn into a resource, code
   written outside fences). Otherwise it is "unknown: could not be verified".
3. Everything else passes through unchanged.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from ..ingest.markdown import could_declare_resources, has_code_lines
from ..ir import Program
from .base import Finding

if TYPE_CHECKING:
    from ..rubric.model import Requirement

BAD = ("fail", "partial")


def judge(finding: Finding, requirement: "Requirement", program: Program, text: str) -> Finding:
    """The finding as it may be reported for this requirement and subject."""
    if finding.status not in BAD:
        return finding
    if requirement.polarity == "optional":
        finding.status = "n/a"
        finding.message = f"Optional in the prompt, so not counted: {finding.message}"
        return finding
    if requirement.confidence == "low":
        finding.status = "unknown"
        finding.message = f"{finding.message.rstrip('.')} (not judged: {requirement.reading or 'the prompt does not clearly ask for this'})."
        return finding
    if finding.absent is not None and requirement.polarity != "forbidden":
        reason = absence_doubt(program, text, finding.absent)
        if reason:
            finding.status = "unknown"
            finding.message = f"{finding.message.rstrip('.')}; could not be verified: {reason}."
    return finding


def absence_doubt(program: Program, text: str, types: tuple[str, ...]) -> str | None:
    """Why a "missing" claim cannot be trusted for this subject, or None when it can."""
    broken = [f for f in program.files if f.language in ("hcl", "python") and not f.parsed and could_declare_resources(f.language, f.text)]
    if broken:
        first = next((e for e in program.errors if e.file == broken[0].path), None)
        where = f"{broken[0].path}:{first.line}" if first and first.line else broken[0].path
        more = f" and {len(broken) - 1} more file(s)" if len(broken) > 1 else ""
        return f"{where}{more} did not parse"
    if program.deliverable.source == "markdown" and not any(f.parsed for f in program.files) and has_code_lines(text):
        return "the answer holds code the extraction could not take out"
    if types and not program.of_type(*types):
        inputs = _input_for(program, types)
        if inputs:
            return f"the answer takes `{inputs}` as an input instead of creating one"
        for token in _tokens(types):
            m = token.search(text)
            if m:
                return f"the answer names `{m.group(0).strip('.(')}`, which the analysis did not turn into a resource"
    return None


def _input_for(program: Program, types: tuple[str, ...]) -> str | None:
    """A declared input variable that names one of these things by its ARN, id or name (`var.kms_key_arn` for
    aws_kms_key, `var.certificate_arn` for aws_acm_certificate) and that the code reads."""
    words = {w for t in types for w in t.removeprefix("aws_").split("_")[:1] if len(w) > 2}
    read = {ref for r in program.resources for ref in r.refs if ref.startswith("var.")}
    for variable in sorted(program.variables.values(), key=lambda v: v.name):
        name = variable.name.lower()
        if f"var.{variable.name}" in read and re.search(r"(?:^|_)(?:arn|id|name)s?$", name) and \
                any(re.search(rf"(?:^|_){re.escape(w)}(?:_|$)", name) for w in words):
            return f"var.{variable.name}"
    return None


@lru_cache(maxsize=512)
def _tokens(types: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    """How each Terraform-style type is written in the four dialects: `aws_lambda_function`, `LambdaFunction(`,
    `lambda_.Function(`, `s3.Bucket(`, `CfnBucket(`."""
    out = []
    for t in types:
        rest = t[4:] if t.startswith("aws_") else t
        words = rest.split("_")
        camel = "".join(w[:1].upper() + w[1:] for w in words)
        out.append(re.compile(rf'"{re.escape(t)}"|\b{re.escape(t)}\b(?=\s*[."{{(])'))
        out.append(re.compile(rf"\b{camel}\("))
        # an existing one looked up: `ec2.Vpc.from_lookup(`, `aws.ec2.get_vpc(`
        out.append(re.compile(rf"\b{camel}\.from_\w+\(|\bget_{re.escape(rest)}(?:_output)?\("))
        if len(words) > 1:
            service, cls = words[0], "".join(w[:1].upper() + w[1:] for w in words[1:])
            out.append(re.compile(rf"\b_?{re.escape(service)}_?\.(?:Cfn)?{cls}\("))
    return tuple(out)
