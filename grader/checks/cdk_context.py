"""CDK context that aws-cdk-lib refuses: feature flags of CDK v1 set in cdk.json or by `node.set_context`.

aws-cdk-lib 2 removed the v1 feature flags; when a construct reads one that a context sets (to any value),
synth stops with `Unsupported feature flag '...'`. The flags, and the aws-cdk-lib files that read each
one, come from the package itself (grader/schema/schema.json.gz `cdk.expired_flags`, tools/build_schema.py).
"""

from __future__ import annotations

import json
import re
from typing import Iterator

from .. import schema
from ..ir import Location, Program
from .base import Check, Context, Finding, register


def _expired_flags() -> dict[str, list[str]]:
    return schema.load()["cdk"].get("expired_flags", {})


def _context_flags(program: Program) -> Iterator[tuple[str, Location]]:
    """Every context key a cdk.json or a Python `set_context` / `context=` sets, with where."""
    flags = _expired_flags()
    for source in program.files:
        if source.path.rsplit("/", 1)[-1] == "cdk.json":
            try:
                context = json.loads(source.text).get("context", {})
            except (ValueError, AttributeError):
                continue
            for key in context if isinstance(context, dict) else ():
                if key in flags:
                    line = next((n for n, text in enumerate(source.text.splitlines(), 1) if f'"{key}"' in text), None)
                    yield key, Location(source.path, line)
        elif source.language == "python" and "context" in source.text:
            for n, text in enumerate(source.text.splitlines(), 1):
                for m in re.finditer(r"""(set_context\(\s*)?["']([@\w/:.-]+)["'](\s*:)?""", text):
                    if m.group(2) in flags and (m.group(1) or m.group(3)):
                        yield m.group(2), Location(source.path, n)


def _reads(program: Program, readers: list[str]) -> bool:
    """Does the answer reach code that reads the flag? `core/lib/stack`: every app; a module's grants file
    (`aws-s3/lib/bucket-grants`): a `grant_*` call on a construct of that module; any other file: an import of it."""
    imported = {".".join(full.split(".")[:2]) for facts in program.python for _, full, _ in facts.imports}
    for reader in readers:
        module, stem = reader.split("/")[0], reader.rsplit("/", 1)[-1]
        if module == "core" and stem == "stack":
            return True
        if f"aws_cdk.{module.replace('-', '_')}" not in imported:
            continue
        # a grants file is read by a grant on that module's own constructs (`bucket.grant_write`), not `secret.grant_write`
        prefix = module.replace("-", "_") + "_"
        if "grant" not in stem or any(r.type.startswith(prefix) and any(".grant" in c for c in r.meta.get("calls", []))
                                      for r in program.resources if r.dialect == "cdk"):
            return True
    return False


@register
class ExpiredFeatureFlag(Check):
    id = "DEP017"
    example = "files"
    name = "cdk-v1-feature-flag"
    area = "deployability"
    severity = "critical"
    description = "cdk.json (or `node.set_context`) sets a CDK v1 feature flag that aws-cdk-lib 2 no longer accepts."
    why = ("Synth stops with `Unsupported feature flag '@aws-cdk/core:enableStackNameDuplicates'. This flag existed on "
           "CDKv1 but has been removed in CDKv2.` as soon as a construct reads the flag.")
    fix = "Delete the v1 flags from the context (CDK v2 behaves as if they were enabled); keep only flags `cdk init` writes."
    bad = 'cdk.json: {"app": "python3 app.py", "context": {"@aws-cdk/core:enableStackNameDuplicates": true}}'
    good = 'cdk.json: {"app": "python3 app.py", "context": {"@aws-cdk/aws-lambda:recognizeLayerVersion": true}}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        if "cdk" not in program.dialects:
            return
        flags = _expired_flags()
        problems = 0
        reported: set[str] = set()
        for flag, where in _context_flags(program):
            if flag in reported or not _reads(program, flags[flag]):
                continue
            reported.add(flag)
            problems += 1
            yield self.finding("fail", f"`{flag}` is a CDK v1 feature flag; aws-cdk-lib {schema.versions()['aws-cdk-lib']} refuses it "
                               "(synth fails with 'Unsupported feature flag').", [where], found=flag)
        if not problems and any(f.path.rsplit("/", 1)[-1] == "cdk.json" for f in program.files):
            yield self.finding("pass", "The CDK context sets no CDK v1 feature flag.")
