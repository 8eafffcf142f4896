"""Rule modules register themselves on import; `load_all` imports every one of them.

Third-party checks: a package declares modules in the `iac_grader.checks` entry-point group; each
module registers its `Check` subclasses with `grader.checks.base.register` when imported (see
docs/user-guide.md and tests/plugin_example/).
"""

from __future__ import annotations

import importlib
import sys
from importlib.metadata import entry_points

RULE_MODULES = ("structure", "references", "answer_classes", "schema_checks", "conventions", "values", "features", "baseline", "wiring", "aws_values", "truncation", "kinds", "signatures", "cdk_context")
ENTRY_POINT_GROUP = "iac_grader.checks"
_loaded = False


def load_all() -> None:
    global _loaded
    for name in RULE_MODULES:
        importlib.import_module(f"{__name__}.{name}")
    if _loaded:
        return
    _loaded = True
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            entry.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin is reported, never fatal
            print(f"grader: check plugin {entry.name} ({entry.value}) not loaded: {type(exc).__name__}: {exc}", file=sys.stderr)
