"""Regenerate the generated docs: JSON Schemas and the check catalogue.

    python tools/gen_docs.py          # writes docs/output.schema.json, docs/rubric.schema.json, docs/checks.md
    python tools/gen_docs.py --check  # exits 1 when a generated file is stale
"""

from __future__ import annotations

import sys
from pathlib import Path

from grader.report.docs import generated

DOCS = Path(__file__).resolve().parent.parent / "docs"


def main() -> int:
    files = generated(DOCS)
    stale = [path for path, text in files.items() if not path.exists() or path.read_text() != text]
    if "--check" in sys.argv:
        for path in stale:
            print(f"stale: {path}")
        return 1 if stale else 0
    for path, text in files.items():
        path.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
