"""SARIF 2.1.0: one result per failing or partial finding, with the rule catalogue and file:line regions.

Paths of the delivered code (`code` subject) are given under the task folder; files of a markdown
answer (`response`, `ideal`) are the names the answer gave them, and `properties.subject` says which.
"""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..checks.base import all_checks
from ..checks.select import fingerprint

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
BAD = ("fail", "partial")


def _rule(check) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": check.id,
        "name": "".join(w[:1].upper() + w[1:] for w in check.name.replace("-", " ").split()) or check.id,
        "shortDescription": {"text": check.name},
        "fullDescription": {"text": check.description},
        "defaultConfiguration": {"level": LEVEL[check.severity]},
        "properties": {"area": check.area, "severity": check.severity, "tags": [check.area]},
    }
    help_text = " ".join(t for t in (check.why, f"Fix: {check.fix}" if check.fix else "") if t)
    if help_text:
        rule["help"] = {"text": help_text}
    return rule


def _uri(task_path: str, subject: str, file: str) -> str:
    if subject == "code" and task_path:
        return f"{task_path.rstrip('/')}/{file}"
    return file


def render_sarif(result: dict[str, Any]) -> str:
    checks = all_checks()
    rules = [_rule(c) for c in checks]
    index = {c.id: i for i, c in enumerate(checks)}
    task_path = result["task"]["path"]
    results = []
    for subject in result["subjects"]:
        for finding in subject["findings"]:
            if finding["status"] not in BAD:
                continue
            item: dict[str, Any] = {
                "ruleId": finding["check"],
                "level": LEVEL[finding["severity"]],
                "message": {"text": finding["message"]},
                "partialFingerprints": {"iacGraderFinding/v1": fingerprint(finding)},
                "properties": {"subject": subject["name"], "status": finding["status"], "area": finding["area"],
                               "severity": finding["severity"], "requirement": finding["requirement"]},
            }
            if finding["check"] in index:
                item["ruleIndex"] = index[finding["check"]]
            locations = []
            for loc in finding["locations"]:
                physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(task_path, subject["name"], loc["file"])}}
                if loc.get("line"):
                    physical["region"] = {"startLine": int(loc["line"])}
                locations.append({"physicalLocation": physical})
            if locations:
                item["locations"] = locations
            results.append(item)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "iac-grader", "version": __version__, "semanticVersion": __version__, "rules": rules}},
            "automationDetails": {"id": f"iac-grader/{result['task']['id']}/"},
            "results": results,
            "properties": {"task": result["task"], "scores": {s["name"]: s["score"] for s in result["subjects"]}},
        }],
    }
    return json.dumps(log, indent=2) + "\n"
