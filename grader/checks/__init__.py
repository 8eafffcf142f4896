"""Rule modules register themselves on import; `load_all` imports every one of them."""

from __future__ import annotations

import importlib

RULE_MODULES = ("structure", "references", "schema_checks", "conventions", "values", "features", "baseline", "wiring", "aws_values", "truncation", "kinds", "signatures")


def load_all() -> None:
    for name in RULE_MODULES:
        importlib.import_module(f"{__name__}.{name}")
