"""Command line: `grader grade`, `grader report`, `grader rubric ...`, `grader batch`, `grader leaderboard`, `grader view`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from .batch.cache import DEFAULT_DIR as DEFAULT_CACHE
from .ingest.task import InputError, load_task
from .isolation import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Grade infrastructure-as-code written by language models.")
rubric_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Derive, validate and inspect rubrics.")
app.add_typer(rubric_app, name="rubric")
cache_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Inspect or clear the parse cache.")
app.add_typer(cache_app, name="cache")
checks_app = typer.Typer(add_completion=False, no_args_is_help=True, help="List the checks or explain one.")
app.add_typer(checks_app, name="checks")


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"iac-grader {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit.")) -> None:
    """Grade infrastructure-as-code written by language models."""


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"grader: {message}", err=True)
    raise typer.Exit(code)


def write_output(text: str, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")


FORMATS = ("json", "markdown", "sarif", "junit", "csv")


def render(result: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result, indent=2, sort_keys=False) + "\n"
    if fmt == "markdown":
        from .report.markdown import render_markdown

        return render_markdown(result)
    if fmt == "sarif":
        from .report.sarif import render_sarif

        return render_sarif(result)
    if fmt == "junit":
        from .report.junit import render_junit

        return render_junit(result)
    if fmt == "csv":
        from .report.findings_csv import render_csv

        return render_csv(result)
    fail(f"unknown format {fmt!r} ({', '.join(FORMATS)})")
    return ""


def output_pairs(formats: list[str], outputs: list[Path]) -> list[tuple[str, Optional[Path]]]:
    """--format/--output pairs in the order given; one format may go to standard output."""
    formats = formats or ["json"]
    for fmt in formats:
        if fmt not in FORMATS:
            fail(f"unknown format {fmt!r} ({', '.join(FORMATS)})")
    if not outputs:
        if len(formats) > 1:
            fail(f"{len(formats)} formats need as many --output files (one --format may go to standard output)")
        return [(formats[0], None)]
    if len(outputs) == 1 and len(formats) == 1:
        return [(formats[0], outputs[0])]
    if len(outputs) != len(formats):
        fail(f"{len(formats)} --format and {len(outputs)} --output: give them in pairs")
    return list(zip(formats, outputs))


GRADE_EXAMPLES = """Examples:

  grader grade samples/seed-terraform

  grader grade TASK -f sarif -o grader.sarif -f junit -o junit.xml --fail-under 70

  grader grade --prompt PROMPT.md --response answer.md --rubric rubric.yaml --fail-on high --skip-check REQ082
"""


@app.command(epilog=GRADE_EXAMPLES)
def grade(
    path: Optional[Path] = typer.Argument(None, help="Task folder (PROMPT.md, MODEL_RESPONSE.md, IDEAL_RESPONSE.md, lib/...) or a response file."),
    prompt: Optional[Path] = typer.Option(None, "--prompt", help="PROMPT.md to derive the rubric from."),
    response: Optional[Path] = typer.Option(None, "--response", help="The model's markdown answer."),
    ideal: Optional[Path] = typer.Option(None, "--ideal", help="The corrected (ideal) markdown answer."),
    code: list[Path] = typer.Option([], "--code", help="Delivered code file or folder (repeatable)."),
    rubric: Optional[Path] = typer.Option(None, "--rubric", help="Rubric YAML to grade against (default: derived from the prompt)."),
    save_rubric: Optional[Path] = typer.Option(None, "--save-rubric", help="Write the rubric used to this YAML file."),
    fmt: list[str] = typer.Option([], "--format", "-f", help=f"{', '.join(FORMATS)} (repeatable, paired with --output; default json)."),
    output: list[Path] = typer.Option([], "--output", "-o", help="Write the matching --format here instead of standard output (repeatable)."),
    only_failed: bool = typer.Option(False, "--only-failed", help="Outputs list only failing and partial findings (scores unchanged)."),
    check: list[str] = typer.Option([], "--check", help="Keep only findings of these check ids, areas or severities (repeatable, comma-separated)."),
    skip_check: list[str] = typer.Option([], "--skip-check", help="Drop findings of these check ids, areas or severities (repeatable)."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="Hide the known findings listed in this baseline file."),
    create_baseline: Optional[Path] = typer.Option(None, "--create-baseline", help="Write the failing findings of this run as a baseline file."),
    config: Optional[Path] = typer.Option(None, "--config", help="Project config (default: ./.iac-grader.yaml when present)."),
    fail_under: Optional[float] = typer.Option(None, "--fail-under", help="Exit 1 when the --subject scores below this."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Exit 1 when the --subject has a failing finding of this severity or worse."),
    subject: Optional[str] = typer.Option(None, "--subject", help="Subject the gates judge: response, ideal or code (default: response, else the first graded)."),
    timestamp: bool = typer.Option(False, "--timestamp", help="Add generated_at (UTC) to the JSON (off by default: output stays byte-identical)."),
    timeout: float = typer.Option(DEFAULT_TIMEOUT, "--timeout", help="Seconds of wall-clock time before grading is stopped."),
    memory_limit: int = typer.Option(DEFAULT_MEMORY_MB, "--memory-limit", help="Address-space cap of the grading process, MiB (0: none)."),
) -> None:
    """Grade one task and print (or write) the result; --fail-under / --fail-on make it a CI gate."""
    from .api import Result, keep_failed, load_rubric_for, selection_for
    from .ingest.task import nothing_to_grade
    from .checks.base import SEVERITIES
    from .checks.select import SelectorError
    from .config import load_config
    from .grade import grade_task
    from .isolation import Failed, grade_with_limits

    pairs = output_pairs(fmt, output)
    if subject is not None and subject not in ("response", "ideal", "code"):
        fail(f"--subject is response, ideal or code, not {subject!r}")
    if fail_on is not None and fail_on not in SEVERITIES:
        fail(f"--fail-on is one of {', '.join(SEVERITIES)}, not {fail_on!r}")
    try:
        settings = load_config(config)
        task = load_task(str(path) if path else None, prompt=str(prompt) if prompt else None,
                         response=str(response) if response else None, code=[str(c) for c in code],
                         ideal=str(ideal) if ideal else None)
        used = load_rubric_for(task, str(rubric) if rubric else None)
        selection = selection_for(check or settings.check, [*skip_check, *settings.skip_check],
                                  str(baseline) if baseline else settings.baseline)
    except (InputError, SelectorError) as exc:
        fail(str(exc))
        return
    if save_rubric is not None and used is not None:
        from .rubric.io import SCHEMA_FILE, dump_rubric

        write_output(dump_rubric(used, SCHEMA_FILE.as_uri()), save_rubric)
    try:
        data = grade_with_limits(lambda: grade_task(task, used, selection=selection), timeout, memory_limit)
    except Failed as exc:
        fail(f"grading {task.path or task.id} stopped: {exc.reason}")
        return
    if not data["subjects"]:
        fail(nothing_to_grade(task))
    if timestamp:
        from datetime import datetime, timezone

        data["generated_at"] = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    if create_baseline is not None:
        from .baseline import create_baseline as baseline_text

        write_output(baseline_text(data), create_baseline)
    shown = keep_failed(data) if only_failed else data
    for fmt_name, target in pairs:
        write_output(render(shown, fmt_name), target)
    gate(Result(data, used), subject, fail_under, fail_on)


def gate(result, subject: Optional[str], fail_under: Optional[float], fail_on: Optional[str]) -> None:
    """Exit 1 with a one-line reason when the gated subject is under the bar."""
    from .checks.base import SEVERITIES

    if fail_under is None and fail_on is None:
        return
    chosen = result.subject(subject)
    if chosen is None:
        graded = ", ".join(s["name"] for s in result.subjects)
        fail(f"--subject {subject}: not graded in this task (graded: {graded})")
        return
    if fail_under is not None and chosen["score"] < fail_under:
        fail(f"{chosen['name']} scored {chosen['score']}, under --fail-under {fail_under:g}", code=1)
    if fail_on is not None:
        worst = SEVERITIES[: SEVERITIES.index(fail_on) + 1]
        bad = [f for f in chosen["findings"] if f["status"] == "fail" and f["severity"] in worst]
        if bad:
            fail(f"{chosen['name']} has {len(bad)} failing finding{'s' if len(bad) > 1 else ''} at {fail_on} or worse "
                 f"(first: {bad[0]['check']} {bad[0]['message'][:100]})", code=1)


@app.command(epilog="Examples:\n\n  grader report result.json -o report.md\n\n  grader report results.jsonl -o reports/")
def report(
    result: Path = typer.Argument(..., help="A saved JSON result of `grader grade`, or a batch results .jsonl."),
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
) -> None:
    """Render a saved JSON result as a reviewer-style markdown write-up."""
    if result.suffix == ".jsonl":
        _report_many(result, output)
        return
    try:
        data = json.loads(result.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        fail(f"cannot read result {result}: {exc}")
        return
    write_output(render(data, "markdown"), output)


def _report_many(results: Path, folder: Optional[Path]) -> None:
    """One write-up per graded row of a batch results file, named safely inside `folder`."""
    from .batch.runner import read_rows
    from .report.files import write_inside

    if folder is None:
        fail("a .jsonl results file needs --output FOLDER for its write-ups")
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot create {folder}: {exc.strerror or exc}")
    written = 0
    for number, row in enumerate(read_rows(results), 1):
        if row.get("status") != "ok":
            continue
        try:
            text = render(row["result"], "markdown")
            write_inside(folder, (row.get("task"), row.get("model"), row.get("sample")), row.get("key"), text)
        except Exception as exc:  # noqa: BLE001 - the results file is untrusted: one bad row is one warning
            typer.echo(f"grader: {results}: row {number} skipped: {type(exc).__name__}: {str(exc)[:120]}", err=True)
            continue
        written += 1
    typer.echo(f"wrote {written} write-ups to {folder}", err=True)


@rubric_app.command("derive", epilog="Example:\n\n  grader rubric derive PROMPT.md --include aws-security-baseline -o rubric.yaml")
def rubric_derive(
    prompt: Path = typer.Argument(..., help="PROMPT.md"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the rubric YAML here."),
    platform: Optional[str] = typer.Option(None, help="terraform, pulumi, cdk or cdktf"),
    include: list[str] = typer.Option([], "--include", help="Rubric packs to include (e.g. aws-security-baseline)."),
    schema_url: Optional[str] = typer.Option(None, "--schema-url", help="URL of the rubric JSON Schema for the `# yaml-language-server` line (default: the installed schema file)."),
) -> None:
    """Derive a rubric from a prompt (deterministic, offline)."""
    from .ingest.task import read_text
    from .rubric.derive import derive_rubric
    from .rubric.io import SCHEMA_FILE, dump_rubric, merge_includes

    if not prompt.is_file():
        fail(f"no such prompt file: {prompt}")
    problems: list[str] = []
    text = read_text(prompt, problems, prompt.name)
    if text is None:
        fail(problems[0])
    rubric = derive_rubric(text, platform=platform)
    rubric = rubric.model_copy(update={"include": list(include)})
    try:
        merge_includes(rubric, output.parent if output else Path.cwd())  # a bad include fails before anything is written
    except InputError as exc:
        fail(str(exc))
    write_output(dump_rubric(rubric, schema_url or SCHEMA_FILE.as_uri()), output)


@rubric_app.command("validate", epilog="Example:\n\n  grader rubric validate rubric.yaml")
def rubric_validate(rubric: Path = typer.Argument(..., help="Rubric YAML to lint.")) -> None:
    """Validate a rubric file: schema, duplicate/unknown keys, unknown checks, empty requirements, weights."""
    from .rubric.io import load_rubric
    from .rubric.lint import lint

    from .rubric.io import RubricError

    try:
        loaded = load_rubric(rubric)
    except RubricError as exc:
        for problem in exc.problems:
            typer.echo(problem)
        raise typer.Exit(1)
    except InputError as exc:
        fail(str(exc), code=1)
        return
    problems = lint(loaded)
    for problem in problems:
        typer.echo(problem if problem.startswith(str(rubric)) else f"{rubric}: {problem}")
    if problems:
        raise typer.Exit(1)
    typer.echo(f"{rubric}: ok ({len(loaded.requirements)} requirements)")


@rubric_app.command("schema", epilog="Example:\n\n  grader rubric schema > rubric.schema.json")
def rubric_schema() -> None:
    """Print the rubric JSON Schema."""
    from .rubric.model import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, sort_keys=True))


@app.command(epilog="Examples:\n\n  grader batch tasks/ answers.jsonl -o results.jsonl --jobs 2\n\n  grader batch tasks/ -o results.jsonl --resume --allow-errors")
def batch(
    inputs: list[str] = typer.Argument(..., help="Task folders, trees of task folders, and/or JSONL answer files."),
    output: Path = typer.Option(..., "--output", "-o", help="Results file (JSON lines)."),
    jobs: int = typer.Option(os.cpu_count() or 1, "--jobs", "-j", help="Parallel workers (default: cores)."),
    task_timeout: float = typer.Option(DEFAULT_TIMEOUT, "--task-timeout", help="Seconds before an item becomes an error row."),
    memory_limit: int = typer.Option(DEFAULT_MEMORY_MB, "--memory-limit", help="Address-space cap of each worker, MiB (0: none)."),
    rubric: Optional[Path] = typer.Option(None, "--rubric", help="One rubric for every task (default: derived per prompt)."),
    task_root: list[Path] = typer.Option([], "--task-root", help="A folder JSONL `task` paths may resolve under (repeatable; folders given as inputs count too)."),
    resume: bool = typer.Option(False, "--resume", help="Skip items already in the results file."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help=f"Parse cache (default {DEFAULT_CACHE})."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Parse everything afresh."),
    executor: str = typer.Option("local", "--executor", help="local (processes) or ray (RAY_ADDRESS or a local Ray)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    allow_errors: bool = typer.Option(False, "--allow-errors", help="Exit 0 even when some items are error rows."),
) -> None:
    """Grade many tasks or answers in parallel into a JSONL results file (crash-safe, resumable).

    Exits 1 when any item of this run is an error row (unless --allow-errors), 2 when nothing is gradable.
    """
    from .batch.items import collect
    from .batch.runner import run_batch

    if executor not in ("local", "ray"):
        fail("--executor is local or ray")
    try:
        rubric_text = rubric.read_text(encoding="utf-8") if rubric else ""
        collected = collect(inputs, rubric_text, [str(r) for r in task_root])
        if rubric:
            from .api import load_rubric_for
            from .ingest.task import Task

            load_rubric_for(Task(id="", path=""), str(rubric))  # fail early, once, on a bad rubric (linted)
    except (InputError, OSError) as exc:
        fail(str(exc))
        return
    for problem in collected.problems:
        typer.echo(f"grader: {problem}", err=True)
    if not collected.items:
        fail(f"nothing to grade in {' '.join(inputs)}: no task folders or answers found")
    directory = None if no_cache else str(cache_dir or DEFAULT_CACHE)
    if directory:
        from .batch.cache import Cache, NotACache

        try:
            Cache(directory).claim()
        except NotACache as exc:
            typer.echo(f"grader: {exc}; grading without a cache (empty the folder or choose another --cache-dir)", err=True)
            directory = None
    try:
        summary = run_batch(collected.items, output, jobs, task_timeout, str(rubric) if rubric else None,
                            resume=resume, cache_dir=directory, executor=executor, quiet=quiet, memory_mb=memory_limit)
    except InputError as exc:
        fail(str(exc))
        return
    stale = f" ({summary.stale} stale rows regraded: rubric or grader changed)" if summary.stale else ""
    typer.echo(f"{summary.graded} graded, {summary.skipped} already done, {summary.errors} errors{stale}, "
               f"{summary.seconds:.1f} s -> {output}", err=True)
    if summary.interrupted:
        import shlex
        import signal

        again = ["grader", "batch", *inputs, "-o", str(output), *(["--rubric", str(rubric)] if rubric else []), "--resume"]
        typer.echo(f"grader: interrupted by {summary.interrupted}; finished rows are kept in {output}; "
                   f"to finish, run: {shlex.join(again)}", err=True)
        raise typer.Exit(128 + signal.Signals[summary.interrupted].value)
    if summary.errors and not allow_errors:
        fail(f"{summary.errors} of {summary.graded} items are error rows (their reasons are in {output}); "
             "--allow-errors accepts them", code=1)


@app.command("leaderboard", epilog="Example:\n\n  grader leaderboard results.jsonl -f markdown -k 5")
def leaderboard_command(
    results: Path = typer.Argument(..., help="Results file from `grader batch`."),
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv, markdown or json"),
    per_task: bool = typer.Option(False, "--per-task", help="One row per task x model instead of per model."),
    paired: bool = typer.Option(False, "--paired", help="Paired score differences between models on shared tasks."),
    k: int = typer.Option(1, "-k", help="k of pass@k (when several samples per task exist)."),
    criterion: str = typer.Option("fully-meets", "--pass-criterion", help="fully-meets, deployable or score>=X."),
    by: Optional[str] = typer.Option(None, "--by", help="Group rows by a metadata field (platform, complexity, ...)."),
) -> None:
    """Compare models: mean score with a task-bootstrap 95% CI, n per mean, pass rate, pass@k, paired differences."""
    from .batch import leaderboard as board

    if not results.is_file():
        fail(f"no such results file: {results}")
    if fmt not in ("csv", "markdown", "json"):
        fail(f"unknown format {fmt!r} (csv, markdown or json)")
    if k < 1:
        fail("-k must be at least 1")
    try:
        if per_task:
            headers, rows = board.per_task(results, criterion)
        elif paired:
            headers, rows = board.paired(results, by)
        else:
            headers, rows = board.leaderboard(results, k, criterion, by)
    except ValueError as exc:
        fail(str(exc))
        return
    write_output(board.render(headers, rows, fmt), output)


@app.command("view")
def view_command(
    results: Path = typer.Argument(..., help="Results file from `grader batch`."),
    output: Path = typer.Option(..., "--output", "-o", help="Folder for the static site."),
    k: int = typer.Option(1, "-k", help="k of pass@k."),
    criterion: str = typer.Option("fully-meets", "--pass-criterion", help="fully-meets, deployable or score>=X."),
) -> None:
    """Write an offline static site: leaderboard with intervals, model x task heat map, areas, write-ups."""
    from .batch.view import build_site

    if not results.is_file():
        fail(f"no such results file: {results}")
    try:
        pages = build_site(results, output, k, criterion)
    except ValueError as exc:
        fail(str(exc))
        return
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
        return
    typer.echo(f"wrote {pages} pages to {output} (open {output / 'index.html'})", err=True)


@cache_app.command("clear", epilog="Example:\n\n  grader cache clear --cache-dir .grader-cache")
def cache_clear(cache_dir: Optional[Path] = typer.Option(None, "--cache-dir")) -> None:
    """Delete every cached entry."""
    from .batch.cache import Cache, NotACache

    try:
        removed = Cache(cache_dir or DEFAULT_CACHE).clear()
    except NotACache as exc:
        fail(str(exc))
        return
    typer.echo(f"removed {removed} cache entries from {cache_dir or DEFAULT_CACHE}")


@cache_app.command("info", epilog="Example:\n\n  grader cache info")
def cache_info(cache_dir: Optional[Path] = typer.Option(None, "--cache-dir")) -> None:
    """Show the cache's location and size."""
    from .batch.cache import Cache

    count, size = Cache(cache_dir or DEFAULT_CACHE).size()
    typer.echo(f"{cache_dir or DEFAULT_CACHE}: {count} entries, {size / 1e6:.1f} MB")


@checks_app.command("list", epilog="Example:\n\n  grader checks list --area security")
def checks_list(
    area: Optional[str] = typer.Option(None, "--area", help="Only checks of this area."),
    severity: Optional[str] = typer.Option(None, "--severity", help="Only checks of this severity."),
) -> None:
    """Every registered check (built-in and from installed plugins): id, area, severity, name."""
    from tabulate import tabulate

    from .checks.base import all_checks

    rows = [(c.id, c.area, c.severity, "rubric" if c.rubric_driven else "always", c.name) for c in all_checks()
            if (area is None or c.area == area) and (severity is None or c.severity == severity)]
    if not rows:
        fail("no check matches")
    typer.echo(tabulate(rows, headers=("id", "area", "severity", "runs", "name"), tablefmt="plain"))


@checks_app.command("explain", epilog="Example:\n\n  grader checks explain REQ043")
def checks_explain(check_id: str = typer.Argument(..., help="A check id, e.g. REQ043.")) -> None:
    """What a check looks for, why, its parameters, a failing and a passing example, and the fix."""
    from .checks.base import REGISTRY, all_checks

    all_checks()
    cls = REGISTRY.get(check_id.upper())
    if cls is None:
        fail(f"no check {check_id} (see `grader checks list`)")
        return
    lines = [f"{cls.id}: {cls.name}", f"area {cls.area}, severity {cls.severity}"
             + (", rubric-driven" if cls.rubric_driven else ", runs on every answer"), "", cls.description]
    if cls.why:
        lines += ["", f"Why: {cls.why}"]
    if cls.params:
        lines += ["", "Parameters:"] + [f"  {k}: {v}" for k, v in cls.params.items()]
    lines += ["", "Failing example:", cls.bad.rstrip(), "", "Passing example:", cls.good.rstrip()]
    if cls.fix:
        lines += ["", f"Fix: {cls.fix}"]
    typer.echo("\n".join(lines))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
