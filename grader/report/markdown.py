"""Reviewer-style failure write-ups, rendered from a result's findings alone.

Shape (after the reports in ../shared/seeds): a short verdict; one section per feature area
with what the prompt required, what each subject did, and a plain "Failure:" line; a summary
table comparing subjects per requirement; deployability and structure issues; a numbered
list of fixes, most severe first; what could not be judged. Every sentence comes from a
finding's message or from a fixed template filled with values found.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from tabulate import tabulate

from ..checks.base import AREAS, REGISTRY, SEVERITIES, all_checks
from .inert import md_cell, md_text

AREA_TITLES = {
    "structure": "Deliverable and Structure", "deployability": "Deployability", "region": "Region and Deployment Scope",
    "networking": "Networking", "compute": "Compute Resources", "storage": "Storage", "database": "Database",
    "security": "Security Implementation", "encryption": "Encryption (at rest and in transit)",
    "monitoring": "Monitoring and Compliance", "tagging": "Tagging", "outputs": "Outputs",
    "error-handling": "Error Handling and Validation", "conventions": "Naming and Conventions",
    "security-baseline": "Security Baseline (not asked by the prompt)",
}
SUBJECT_TITLES = {"response": "MODEL_RESPONSE.md", "ideal": "IDEAL_RESPONSE.md"}
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
BAD = ("fail", "partial")


def subject_title(subject: dict[str, Any]) -> str:
    if subject["name"] in SUBJECT_TITLES:
        return SUBJECT_TITLES[subject["name"]]
    code = [f["path"] for f in subject["files"] if f["language"] in ("hcl", "python")]
    main = next((p for p in code if p.rsplit("/", 1)[-1].startswith("tap_stack")), code[0] if code else "delivered code")
    return main.rsplit("/", 1)[-1] if len(code) == 1 or main.rsplit("/", 1)[-1].startswith("tap_stack") else "delivered code"


def _where(finding: dict[str, Any]) -> str:
    locs = [f"{loc['file']}:{loc['line']}" if loc.get("line") else loc["file"] for loc in finding["locations"][:3]]
    return f" ({', '.join(locs)})" if locs else ""


def _cell(findings: list[dict[str, Any]]) -> str:
    """A summary-table cell for one requirement in one subject."""
    if not findings:
        return "—"
    statuses = {f["status"] for f in findings}
    if "fail" in statuses:
        found = next((f.get("found") for f in findings if f["status"] == "fail" and f.get("found")), None)
        return f"Incorrect (`{found.strip('`')}`)" if found and found not in ("No", "none") and "`" in found else "No"
    if "partial" in statuses:
        return "Partial"
    if "pass" in statuses:
        return "Yes"
    if "unknown" in statuses:
        return "Not judged"
    return "n/a (optional)" if "n/a" in statuses else "—"


def render_markdown(result: dict[str, Any]) -> str:
    all_checks()
    task = result["task"]
    subjects = result["subjects"]
    requirements = OrderedDict((r["id"], r) for r in result.get("requirements", []))
    titles = {s["name"]: subject_title(s) for s in subjects}
    by_req: dict[str, dict[str, list[dict]]] = {}
    for s in subjects:
        for f in s["findings"]:
            if f["requirement"]:
                by_req.setdefault(f["requirement"], {}).setdefault(s["name"], []).append(f)

    out: list[str] = [f"# Failure report: {md_text(task['id'])}", ""]
    out += _purpose(task, subjects, titles)
    out += _verdict(subjects, titles, requirements, by_req)
    out += _area_sections(subjects, titles, requirements, by_req)
    out += _summary_table(subjects, titles, requirements, by_req)
    out += _issues(subjects, titles, "deployability", "Deployability issues and placeholders")
    out += _issues(subjects, titles, "structure", "Deliverable structure", requirement_free=True)
    out += _issues(subjects, titles, None, "Other findings (not tied to a prompt requirement)", requirement_free=True)
    out += _fixes(subjects, titles, requirements)
    out += _unknowns(subjects, titles, requirements, by_req)
    out += _advice(subjects, titles)
    out += _scoring(subjects, titles)
    return "\n".join(out).rstrip() + "\n"


def _purpose(task, subjects, titles) -> list[str]:
    compared = ", ".join(f"{titles[s['name']]} ({'the model-generated answer' if s['name'] == 'response' else 'the corrected answer' if s['name'] == 'ideal' else 'the delivered code'})" for s in subjects)
    platform = f"{task['platform'] or 'unknown platform'} / {task['language'] or 'unknown language'}"
    return ["## Purpose", "", f"Discrepancies between PROMPT.md (the required specifications) and {compared}. Platform: {platform}.", ""]


def _verdict(subjects, titles, requirements, by_req) -> list[str]:
    lines = ["## Verdict", ""]
    for s in subjects:
        blockers = [f for f in s["findings"] if f["area"] in ("deployability", "structure") and f["status"] == "fail"
                    and f["severity"] in ("critical", "high")]
        counts = s.get("requirements") or {}
        met = s.get("requirements_met")
        parts = [f"score {s['score']:.1f}/100"]
        if requirements:
            judged = counts.get("met", 0) + counts.get("partial", 0) + counts.get("failed", 0)
            parts.append(f"requirements met {met:.0f}% ({counts.get('met', 0)} met, {counts.get('partial', 0)} partly, "
                         f"{counts.get('failed', 0)} not met of {judged} judged; {counts.get('not_judged', 0)} not judged)"
                         if met is not None else f"no requirement could be judged ({counts.get('not_judged', 0)} not judged)")
        parts.append(f"not deployable as delivered ({len(blockers)} blocker{'s' if len(blockers) != 1 else ''})" if blockers
                     else "no deployability blockers found")
        lines.append(f"- **{titles[s['name']]}**: " + "; ".join(parts) + ".")
    return lines + [""]


def _area_sections(subjects, titles, requirements, by_req) -> list[str]:
    lines: list[str] = []
    passing: list[str] = []
    number = 0
    for area in AREAS:
        if area in ("deployability",):
            continue
        reqs = [r for r, spec in requirements.items() if spec["area"] == area and r in by_req]
        if not reqs:
            continue
        failing = [r for r in reqs if any(f["status"] in BAD for fs in by_req[r].values() for f in fs)]
        if not failing:
            if all(f["status"] == "pass" for r in reqs for fs in by_req[r].values() for f in fs):
                passing.append(AREA_TITLES[area])
            continue
        number += 1
        lines += [f"## {number}. {AREA_TITLES[area]}", "", "PROMPT.md requirement:", ""]
        for text, line in dict.fromkeys((requirements[r]["text"], requirements[r].get("line")) for r in reqs):
            lines.append(f"- {text}" + (f" (line {line})" if line else ""))
        lines.append("")
        failures = []
        for s in subjects:
            lines += [f"{titles[s['name']]}:", ""]
            for r in reqs:
                for f in by_req[r].get(s["name"], []):
                    prefix = {"pass": "", "fail": "Missing: " if f["message"].endswith("found in the code.") else "", "partial": "Partial: ",
                              "unknown": "Not judged: "}.get(f["status"], "")
                    lines.append(f"- {prefix}{f['message']}{_where(f)}")
            lines.append("")
            bad = [requirements[r]["label"] for r in reqs if any(f["status"] in BAD for f in by_req[r].get(s["name"], []))]
            if bad:
                failures.append(f"{titles[s['name']]} does not meet: {', '.join(bad)}.")
        lines += ["Failure:", ""] + [f"- {f}" for f in failures] + [""]
    if passing:
        lines += [f"Areas with every requirement met in every subject: {', '.join(passing)}.", ""]
    return lines


def _summary_table(subjects, titles, requirements, by_req) -> list[str]:
    if not requirements:
        return []
    headers = ["Feature Area", "PROMPT Required"] + [titles[s["name"]] for s in subjects]
    rows = []
    for r, spec in requirements.items():
        rows.append([md_cell(spec["label"]), md_cell(spec["required"])] + [_cell(by_req.get(r, {}).get(s["name"], [])) for s in subjects])
    return ["## Summary Table", "", tabulate(rows, headers=headers, tablefmt="github"), ""]


def _issues(subjects, titles, area, title, requirement_free=False) -> list[str]:
    lines: list[str] = []
    for s in subjects:
        in_area = (lambda a: a == area) if area else (lambda a: a not in ("deployability", "structure"))
        bad = [f for f in s["findings"] if in_area(f["area"]) and f["status"] in BAD and (not requirement_free or not f["requirement"])]
        if not bad:
            continue
        lines += [f"{titles[s['name']]}:", ""]
        lines += [f"- {f['message']}{_where(f)} [{f['check']}, {f['severity']}]" for f in bad[:25]]
        if len(bad) > 25:
            lines.append(f"- … and {len(bad) - 25} more.")
        lines.append("")
    return [f"## {title}", ""] + lines if lines else []


def _fixes(subjects, titles, requirements) -> list[str]:
    """One numbered fix per failing check (and requirement), most severe first."""
    seen: OrderedDict[tuple[str, str], dict] = OrderedDict()
    for s in subjects:
        for f in s["findings"]:
            if f["status"] in BAD:
                seen.setdefault((f["check"], f["requirement"] or ""), {**f, "subjects": []})["subjects"].append(titles[s["name"]])
    if not seen:
        return []
    ordered = sorted(seen.values(), key=lambda f: (SEVERITY_RANK[f["severity"]], AREAS.index(f["area"]), f["check"], f["requirement"] or ""))
    lines = ["## Actionable fixes required to comply", ""]
    for i, f in enumerate(ordered, 1):
        check = REGISTRY.get(f["check"])
        what = requirements[f["requirement"]]["label"] if f["requirement"] in requirements else (check.name if check else f["check"])
        if f["check"] == "REQ020":
            fix = f"Add {what}" + (f" ({requirements[f['requirement']]['required']})." if f["requirement"] in requirements
                                   and requirements[f["requirement"]]["required"] != "Yes" else ".")
        else:
            fix = check.fix if check and check.fix else f["message"]
            if f.get("found") and f["area"] in ("deployability", "structure", "conventions"):
                fix += f" First found: `{f['found'].strip('`')}`{_where(f)}."
        lines.append(f"{i}. **{what}** ({f['severity']}; {', '.join(dict.fromkeys(f['subjects']))}): {fix}")
    return lines + [""]


def _unknowns(subjects, titles, requirements, by_req) -> list[str]:
    lines = []
    for s in subjects:
        unknown = [f for f in s["findings"] if f["status"] == "unknown"]
        if unknown:
            lines += [f"{titles[s['name']]}:", ""]
            for f in unknown[:15]:
                label = requirements[f["requirement"]]["label"] if f["requirement"] in requirements else f["check"]
                lines.append(f"- {label}: {f['message']}")
            if len(unknown) > 15:
                lines.append(f"- … and {len(unknown) - 15} more.")
            lines.append("")
    if not lines:
        return []
    return ["## Not judged", "", "Not counted as failures: the evidence is not there (code that did not parse, a requirement the "
            "prompt does not clearly make, values known only at deploy time).", ""] + lines


def _advice(subjects, titles) -> list[str]:
    """Facts worth fixing that the prompt does not make failures (deprecated arguments, unpinned providers)."""
    lines = []
    for s in subjects:
        advice = [f for f in s["findings"] if f["status"] == "n/a" and f["severity"] == "info"]
        if advice:
            lines += [f"{titles[s['name']]}:", ""]
            lines += [f"- {f['message'].removeprefix('Advice (not counted): ')}{_where(f)} [{f['check']}]" for f in advice[:15]]
            if len(advice) > 15:
                lines.append(f"- … and {len(advice) - 15} more.")
            lines.append("")
    return ["## Advice (not counted)", "", "Worth fixing, but not failures: the prompt does not ask for it.", ""] + lines if lines else []


def _scoring(subjects, titles) -> list[str]:
    rows = [f"{titles[s['name']]}: {s['score']:.1f} = " + (f"0.6 × {s['requirements_met']:.1f} + 0.4 × {s['soundness']:.1f}"
                                                       if s.get("requirements_met") is not None else f"min({s['soundness']:.1f}, 50)")
            for s in subjects if "soundness" in s]
    if not rows:
        return []
    return ["## How the score is computed", "",
            "Score = 0.6 × requirements met + 0.4 × soundness. Requirements met is the severity-weighted share of the prompt's "
            "judged requirements (partly met counts half; not judged and optional ones do not count; prose without code meets none). "
            "Soundness is the same share over the always-on structure, deployability and convention checks. When no requirement "
            "can be judged, the score is soundness capped at 50.", ""] + [f"- {r}" for r in rows] + [""]
