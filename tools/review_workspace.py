"""Build a workspace for independent reviewers (../shared/eval/review-protocol.md).

    python tools/review_workspace.py OUT --corpus ../shared/corpus (--tasks NAME... | --sample N --seed S)
                                     [--exclude FILE] [--groups K]

OUT gets the protocol, one copy of each task (PROMPT.md, MODEL_RESPONSE.md, IDEAL_RESPONSE.md, lib/; the
reviewer's MODEL_FAILURES.md is given beside it as NAME.human.md), the grader's write-up NAME.grader.md,
groupK.txt lists that split the tasks evenly across reviewer sessions, commit.txt, and empty out/ and scratch/.
A task NAME is platform-PR (tf-hcl-Pr1184 is corpus/tf-hcl/Pr1184). A sample is drawn per platform in turn so
every platform is represented; --exclude names tasks (one per line) not to draw, such as the ones tuned on.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRADER = Path(sys.executable).parent / "grader"
TASK_FILES = ("PROMPT.md", "MODEL_RESPONSE.md", "IDEAL_RESPONSE.md", "metadata.json")


def task_dir(corpus: Path, name: str) -> Path:
    platform, _, pr = name.rpartition("-")
    return corpus / platform / pr


def all_tasks(corpus: Path) -> dict[str, list[str]]:
    return {p.name: sorted(f"{p.name}-{t.name}" for t in p.iterdir() if t.is_dir())
            for p in sorted(corpus.iterdir()) if p.is_dir()}


def draw(corpus: Path, n: int, seed: int, excluded: set[str]) -> list[str]:
    rng = random.Random(seed)
    pools = {platform: [t for t in names if t not in excluded] for platform, names in all_tasks(corpus).items()}
    for names in pools.values():
        rng.shuffle(names)
    chosen: list[str] = []
    while len(chosen) < n and any(pools.values()):
        for names in pools.values():
            if names and len(chosen) < n:
                chosen.append(names.pop())
    return chosen


def copy_task(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in TASK_FILES:
        if (source / name).is_file():
            shutil.copy2(source / name, target / name)
    if (source / "lib").is_dir():
        shutil.copytree(source / "lib", target / "lib", dirs_exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--tasks", nargs="*", default=[])
    parser.add_argument("--sample", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--exclude", type=Path)
    parser.add_argument("--groups", type=int, default=4)
    args = parser.parse_args(argv)
    excluded = set(args.exclude.read_text().split()) if args.exclude else set()
    names = list(args.tasks) + draw(args.corpus, args.sample, args.seed, excluded | set(args.tasks))
    if not names:
        parser.error("no tasks: give --tasks or --sample")
    protocol = args.corpus.parent / "eval" / "review-protocol.md"
    for sub in ("tasks", "out", "scratch"):
        (args.out / sub).mkdir(parents=True, exist_ok=True)
    shutil.copy2(protocol, args.out / "review-protocol.md")
    for name in names:
        source = task_dir(args.corpus, name)
        copy_task(source, args.out / "tasks" / name)
        shutil.copy2(source / "MODEL_FAILURES.md", args.out / f"{name}.human.md")
        report = subprocess.run([str(GRADER), "grade", str(source), "-f", "markdown"], capture_output=True, text=True)
        (args.out / f"{name}.grader.md").write_text(report.stdout or report.stderr)
    for k in range(args.groups):
        group = names[k::args.groups]
        if group:
            (args.out / f"group{k + 1}.txt").write_text("\n".join(group) + "\n")
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    (args.out / "commit.txt").write_text(commit.stdout)
    print(f"{len(names)} tasks in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
