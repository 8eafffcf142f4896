"""`grader view`: a self-contained static site from a results file (no network, no external assets).

Pages, rendered from the jinja2 templates in grader/batch/templates/: index.html (the leaderboard
with interval bars, sortable), heatmap.html (model x task mean score), areas.html (per-area bars),
and writeups/<name>.html (one reviewer write-up per graded row). Heat-map cells link to write-ups;
each write-up links back to its heat-map cell and its model's leaderboard row. CSS and the small
sorting script are inline in base.html.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..checks.base import AREAS
from ..report.markdown import render_markdown
from .leaderboard import answers, leaderboard, writeup_name
from .runner import read_rows


def _env() -> Environment:
    env = Environment(loader=PackageLoader("grader.batch", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["colour"] = lambda score: "#ddd" if score is None else f"hsl({round(1.2 * score)}, 65%, 72%)"
    return env


def build_site(results: Path, folder: Path, k: int = 1, criterion: str = "fully-meets") -> int:
    """Write the site into `folder`; returns the number of pages written."""
    env = _env()
    headers, rows = leaderboard(results, k, criterion)
    board = [dict(zip(headers, row)) for row in rows]
    models = [r["model"] for r in board]
    anchors = {m: f"model-{i}" for i, m in enumerate(models)}
    rows_by_key = {row["key"]: row for row in read_rows(results)}
    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")

    cells: dict[tuple[str, str], dict[str, Any]] = {}
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    writeups: list[dict[str, Any]] = []
    for answer in answers(rows_by_key.values()):
        cell = cells.setdefault((answer.model, answer.task), {"id": f"cell-{len(cells)}", "links": [], "errors": 0})
        if answer.subject is None:
            cell["errors"] += 1
            continue
        scores[(answer.model, answer.task)].append(answer.subject["score"])
        page = "writeups/" + writeup_name(answer.row)[:-3] + ".html"
        if page not in {link for link, _ in cell["links"]}:
            cell["links"].append((page, f"#{answer.sample}" if answer.row.get("model") is not None else "write-up"))
        writeups.append({"page": page, "row": answer.row, "model": answer.model, "cell": cell["id"]})
    for key, cell in cells.items():
        values = scores.get(key)
        cell["score"] = round(sum(values) / len(values), 1) if values else None
    tasks = sorted({task for _, task in cells})

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "writeups").mkdir(exist_ok=True)
    common = {"title": results.name, "criterion": criterion, "k": k}
    pages = {
        "index.html": env.get_template("index.html").render(**common, board=board, anchors=anchors, areas=AREAS),
        "heatmap.html": env.get_template("heatmap.html").render(**common, models=models, tasks=tasks, cells=cells, anchors=anchors),
        "areas.html": env.get_template("areas.html").render(**common, board=board, areas=AREAS, anchors=anchors),
    }
    by_page: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for writeup in writeups:
        by_page[writeup["page"]].append(writeup)
    for page, group in by_page.items():
        row = group[0]["row"]
        body = Markup(markdown.render(render_markdown(row["result"])))
        pages[page] = env.get_template("writeup.html").render(
            **common, root="../", row=row, body=body,
            subjects=[(w["model"], anchors[w["model"]], w["cell"]) for w in group])
    for name, html in pages.items():
        (folder / name).write_text(html, encoding="utf-8")
    return len(pages)
