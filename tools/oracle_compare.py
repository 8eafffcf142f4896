"""Compare the grader's deployability verdict with the synth oracle's (tools/synth_oracle.py).

    python tools/oracle_compare.py ORACLE.jsonl CORPUS [--list]

An answer is undeployable for the grader when it has a blocker, as the report's verdict counts them
(grader/report/markdown.py): a failing deployability or structure finding of critical or high severity.
Prints the confusion matrix (environment-only and timed-out oracle runs excluded) and, with --list, every
disagreement with the grader's blockers and the toolchain's error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from tabulate import tabulate

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]
from grader.checks.base import Context  # noqa: E402
from grader.grade import program_for, run_checks, subject_text  # noqa: E402
from grader.ingest.task import load_task  # noqa: E402
from synth_oracle import reclassify  # noqa: E402


def blockers(task_dir: Path, subject: str) -> list:
    task = load_task(str(task_dir))
    program = program_for(subject, task)
    if program is None:
        return []
    ctx = Context(platform=task.platform, language=task.language, prompt=task.prompt or "", subject=subject,
                  answer_text=subject_text(subject, task))
    return [f for f in run_checks(program, ctx) if f.area in ("deployability", "structure") and f.status == "fail"
            and f.severity in ("critical", "high")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("oracle")
    parser.add_argument("corpus")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args(argv)
    records = [reclassify(json.loads(line)) for line in Path(args.oracle).read_text().splitlines() if line.strip()]
    matrix: Counter = Counter()
    excluded: Counter = Counter()
    disagreements = []
    for r in records:
        if r["verdict"] not in ("accepted", "rejected"):
            excluded[r["verdict"]] += 1
            continue
        found = blockers(Path(args.corpus) / r["task"], r["subject"])
        grader = "undeployable" if found else "deployable"
        matrix[(r["verdict"], grader)] += 1
        if (r["verdict"] == "rejected") != bool(found):
            first = f"{found[0].check} {found[0].message}" if found else ""
            disagreements.append([r["task"], r["subject"], r["verdict"], r.get("error", "")[:110], first[:130]])
    rejected = matrix[("rejected", "undeployable")] + matrix[("rejected", "deployable")]
    accepted = matrix[("accepted", "undeployable")] + matrix[("accepted", "deployable")]
    rows = [["toolchain rejects", matrix[("rejected", "undeployable")], matrix[("rejected", "deployable")], rejected],
            ["toolchain accepts", matrix[("accepted", "undeployable")], matrix[("accepted", "deployable")], accepted]]
    print(tabulate(rows, headers=["", "grader: undeployable", "grader: deployable", "answers"], tablefmt="github"))
    print()
    print(f"- the grader finds {100 * matrix[('rejected', 'undeployable')] / max(rejected, 1):.0f}% of the answers the toolchain "
          f"rejects ({matrix[('rejected', 'undeployable')]} of {rejected})")
    print(f"- it flags {100 * matrix[('accepted', 'undeployable')] / max(accepted, 1):.0f}% of the answers the toolchain "
          f"accepts as undeployable ({matrix[('accepted', 'undeployable')]} of {accepted})")
    print(f"- excluded: {', '.join(f'{n} {k}' for k, n in sorted(excluded.items())) or 'none'}")
    if args.list:
        print()
        print(tabulate(sorted(disagreements), headers=["task", "subject", "toolchain", "toolchain's error", "grader's first blocker"],
                       tablefmt="github"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
