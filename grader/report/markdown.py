"""Markdown rendering of a result: a per-subject findings list."""

from __future__ import annotations

from typing import Any


def _where(finding: dict[str, Any]) -> str:
    locs = [f"{loc['file']}:{loc['line']}" if loc.get("line") else loc["file"] for loc in finding["locations"]]
    return f" ({', '.join(locs)})" if locs else ""


def render_markdown(result: dict[str, Any]) -> str:
    task = result["task"]
    lines = [f"# Grading report: {task['id']}", "", f"Platform: {task['platform'] or 'unknown'} / {task['language'] or 'unknown'}", ""]
    for subject in result["subjects"]:
        lines += [f"## {subject['name']}: {subject['score']:.1f}/100", ""]
        for f in subject["findings"]:
            if f["status"] in ("fail", "partial", "unknown"):
                lines.append(f"- **{f['status']}** [{f['check']}, {f['severity']}] {f['message']}{_where(f)}")
        lines.append("")
    return "\n".join(lines)
