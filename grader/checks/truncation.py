"""Truncation inside a block: a file whose code stops inside an unclosed block, string or bracket.

STR003 catches an answer whose last code fence is never closed. An answer can also be cut off with
its fence closed (or a delivered file can be), the file ending inside a resource: the parser then
reaches the end of the file while a block is still open.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..ir import Location, Program
from .base import Check, Context, Finding, register

_HCL_EOF = re.compile(r"Unexpected token Token\('\$END'")
_PY_OPEN = re.compile(r"'([(\[{])' was never closed")
_NEAR_END = 30  # an unclosed Python bracket opened this close to the end is a cut, not a slip mid-file


@register
class TruncatedInsideBlock(Check):
    id = "TRN001"
    name = "truncated-inside-block"
    area = "structure"
    severity = "high"
    description = "A file stops inside an unclosed block, string or bracket (cut off inside a resource), though its code fence is closed."
    why = "The block it stops in, and everything after it, is missing: the file does not parse and the stack is incomplete."
    fix = "Regenerate the file so every block is complete."
    bad = 'resource "aws_lb" "app" {\n  name               = "app"\n  load_balancer_type = ""\n'
    good = bad + "}\n"

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        d = program.deliverable
        last = max(d.origins.items(), key=lambda kv: kv[1])[0] if d.truncated and d.origins else None
        checked = flagged = 0
        for f in program.files:
            if f.language not in ("hcl", "python") or f.path == last:
                continue  # the last file of an answer cut inside its fence is STR003's
            lines = f.text.rstrip().splitlines()
            if f.path.rsplit("/", 1)[-1].startswith("unnamed-") or program.elided_file(f.path) or \
                    (lines and lines[-1].strip() in ("...", "…")):
                continue  # an illustrative snippet, or a file that says it leaves code out: not a cut
            checked += 1
            for error in (e for e in program.errors if e.file == f.path):
                opened = _PY_OPEN.search(error.message) if f.language == "python" else None
                if f.language == "hcl" and _HCL_EOF.search(error.message):
                    what = "an unclosed block or string"
                elif opened and error.line and error.line > len(lines) - _NEAR_END:
                    what = f"the `{opened.group(1)}` opened at line {error.line}"
                else:
                    continue
                flagged += 1
                yield self.finding("fail", f"{f.path} stops inside {what}: the file is cut off (last line "
                                   f"`{lines[-1].strip()[:60] if lines else ''}`).", [Location(f.path, len(lines) or None)],
                                   found=lines[-1].strip()[:60] if lines else None)
                break
        if checked and not flagged:
            yield self.finding("pass", "No file stops inside an open block.")
