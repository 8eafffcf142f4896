"""Generated documentation: the JSON Schemas and the check catalogue (kept in sync by a test)."""

from __future__ import annotations

import json
from pathlib import Path

from ..checks.base import all_checks
from ..rubric.model import json_schema as rubric_schema
from .model import json_schema as output_schema


def catalogue() -> str:
    checks = all_checks()
    lines = [
        "# Check catalogue",
        "",
        "Generated from the check registry by `python tools/gen_docs.py`; a test keeps it in sync.",
        "Rubric-driven checks run once per rubric requirement that names them, with that requirement's `params`.",
        "",
        "| id | name | area | severity | looks for |",
        "|---|---|---|---|---|",
    ]
    for check in checks:
        lines.append(f"| [{check.id}](#{check.id.lower()}) | {check.name} | {check.area} | {check.severity} | {check.description} |")
    for check in checks:
        lines += ["", f"## {check.id}", "", f"**{check.name}** · area `{check.area}` · severity `{check.severity}`"
                  + (" · rubric-driven" if check.rubric_driven else ""), "", f"What: {check.description}", ""]
        if check.why:
            lines += [f"Why: {check.why}", ""]
        if check.params:
            lines += ["Parameters:", ""] + [f"- `{k}`: {v}" for k, v in check.params.items()] + [""]
        lines += ["Failing example:", "", "```", check.bad.rstrip(), "```", "", "Passing example:", "", "```", check.good.rstrip(), "```"]
        if check.fix:
            lines += ["", f"Fix: {check.fix}"]
    return "\n".join(lines) + "\n"


def generated(docs: Path) -> dict[Path, str]:
    from ..rubric.io import SCHEMA_FILE

    rubric = json.dumps(rubric_schema(), indent=2, sort_keys=True) + "\n"
    return {
        docs / "output.schema.json": json.dumps(output_schema(), indent=2, sort_keys=True) + "\n",
        docs / "rubric.schema.json": rubric,
        SCHEMA_FILE: rubric,  # shipped in the package, for the `$schema` line of derived rubrics
        docs / "checks.md": catalogue(),
    }
