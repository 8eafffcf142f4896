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


def render(result: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result, indent=2, sort_keys=False) + "\n"
    if fmt == "markdown":
        from .report.markdown import render_markdown

        return render_markdown(result)
    fail(f"unknown format {fmt!r} (json or markdown)")
    return ""


@app.command()
def grade(
    path: Optional[Path] = typer.Argument(None, help="Task folder (PROMPT.md, MODEL_RESPONSE.md, IDEAL_RESPONSE.md, lib/...) or a response file."),
    prompt: Optional[Path] = typer.Option(None, "--prompt", help="PROMPT.md to derive the rubric from."),
    response: Optional[Path] = typer.Option(None, "--response", help="The model's markdown answer."),
    ideal: Optional[Path] = typer.Option(None, "--ideal", help="The corrected (ideal) markdown answer."),
    code: list[Path] = typer.Option([], "--code", help="Delivered code file or folder (repeatable)."),
    rubric: Optional[Path] = typer.Option(None, "--rubric", help="Rubric YAML to grade against (default: derived from the prompt)."),
    save_rubric: Optional[Path] = typer.Option(None, "--save-rubric", help="Write the rubric used to this YAML file."),
    fmt: str = typer.Option("json", "--format", "-f", help="json or markdown."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
    fail_under: Optional[float] = typer.Option(None, "--fail-under", help="Exit 1 when a subject scores below this."),
    timeout: float = typer.Option(DEFAULT_TIMEOUT, "--timeout", help="Seconds of wall-clock time before grading is stopped."),
    memory_limit: int = typer.Option(DEFAULT_MEMORY_MB, "--memory-limit", help="Address-space cap of the grading process, MiB (0: none)."),
) -> None:
    """Grade one task and print (or write) the result."""
    from .grade import grade_task
    from .isolation import Failed, grade_with_limits
    from .rubric import resolve_rubric

    try:
        task = load_task(str(path) if path else None, prompt=str(prompt) if prompt else None,
                         response=str(response) if response else None, code=[str(c) for c in code],
                         ideal=str(ideal) if ideal else None)
        used = resolve_rubric(task, str(rubric) if rubric else None)
    except InputError as exc:
        fail(str(exc))
        return
    if save_rubric is not None and used is not None:
        from .rubric.io import dump_rubric

        write_output(dump_rubric(used), save_rubric)
    try:
        result = grade_with_limits(lambda: grade_task(task, used), timeout, memory_limit)
    except Failed as exc:
        fail(f"grading {task.path or task.id} stopped: {exc.reason}")
        return
    write_output(render(result, fmt), output)
    if fail_under is not None and any(s["score"] < fail_under for s in result["subjects"]):
        raise typer.Exit(1)


@app.command()
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


@rubric_app.command("derive")
def rubric_derive(
    prompt: Path = typer.Argument(..., help="PROMPT.md"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the rubric YAML here."),
    platform: Optional[str] = typer.Option(None, help="terraform, pulumi, cdk or cdktf"),
    include: list[str] = typer.Option([], "--include", help="Rubric packs to include (e.g. aws-security-baseline)."),
) -> None:
    """Derive a rubric from a prompt (deterministic, offline)."""
    from .ingest.task import read_text
    from .rubric.derive import derive_rubric
    from .rubric.io import dump_rubric

    if not prompt.is_file():
        fail(f"no such prompt file: {prompt}")
    problems: list[str] = []
    text = read_text(prompt, problems, prompt.name)
    if text is None:
        fail(problems[0])
    rubric = derive_rubric(text, platform=platform)
    rubric = rubric.model_copy(update={"include": list(include)})
    write_output(dump_rubric(rubric), output)


@rubric_app.command("validate")
def rubric_validate(rubric: Path = typer.Argument(..., help="Rubric YAML to lint.")) -> None:
    """Validate a rubric file: schema, duplicate/unknown keys, unknown checks, empty requirements, weights."""
    from .rubric.io import load_rubric
    from .rubric.lint import lint

    try:
        loaded = load_rubric(rubric)
    except InputError as exc:
        fail(str(exc), code=1)
        return
    problems = lint(loaded)
    for problem in problems:
        typer.echo(f"{rubric}: {problem}")
    if problems:
        raise typer.Exit(1)
    typer.echo(f"{rubric}: ok ({len(loaded.requirements)} requirements)")


@rubric_app.command("schema")
def rubric_schema() -> None:
    """Print the rubric JSON Schema."""
    from .rubric.model import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, sort_keys=True))


@app.command()
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
) -> None:
    """Grade many tasks or answers in parallel into a JSONL results file (crash-safe, resumable)."""
    from .batch.items import collect
    from .batch.runner import run_batch

    if executor not in ("local", "ray"):
        fail("--executor is local or ray")
    try:
        rubric_text = rubric.read_text(encoding="utf-8") if rubric else ""
        collected = collect(inputs, rubric_text, [str(r) for r in task_root])
        if rubric:
            from .rubric.io import load_rubric

            load_rubric(rubric)  # fail early, once, on a bad rubric
    except (InputError, OSError) as exc:
        fail(str(exc))
        return
    for problem in collected.problems:
        typer.echo(f"grader: {problem}", err=True)
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


@app.command("leaderboard")
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


@cache_app.command("clear")
def cache_clear(cache_dir: Optional[Path] = typer.Option(None, "--cache-dir")) -> None:
    """Delete every cached entry."""
    from .batch.cache import Cache, NotACache

    try:
        removed = Cache(cache_dir or DEFAULT_CACHE).clear()
    except NotACache as exc:
        fail(str(exc))
        return
    typer.echo(f"removed {removed} cache entries from {cache_dir or DEFAULT_CACHE}")


@cache_app.command("info")
def cache_info(cache_dir: Optional[Path] = typer.Option(None, "--cache-dir")) -> None:
    """Show the cache's location and size."""
    from .batch.cache import Cache

    count, size = Cache(cache_dir or DEFAULT_CACHE).size()
    typer.echo(f"{cache_dir or DEFAULT_CACHE}: {count} entries, {size / 1e6:.1f} MB")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
