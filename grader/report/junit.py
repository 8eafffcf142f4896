"""JUnit XML: per subject, one test case per rubric requirement and one per blocking (critical/high) check."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from ..checks.base import REGISTRY, all_checks

BAD = ("fail", "partial")
JUDGED = ("fail", "partial", "pass")
BLOCKING = ("critical", "high")


def _case(suite: ET.Element, classname: str, name: str, findings: list[dict[str, Any]]) -> tuple[int, int]:
    """Add one test case; returns (failures, skipped)."""
    case = ET.SubElement(suite, "testcase", classname=classname, name=name)
    bad = [f for f in findings if f["status"] in BAD]
    if bad:
        where = lambda f: "".join(f" [{loc['file']}{':' + str(loc['line']) if loc.get('line') else ''}]" for loc in f["locations"][:3])  # noqa: E731
        failure = ET.SubElement(case, "failure", message=bad[0]["message"][:500], type=bad[0]["severity"])
        failure.text = "\n".join(f"{f['status']}: {f['message']}{where(f)}" for f in bad)
        return 1, 0
    if not any(f["status"] in JUDGED for f in findings):
        reason = next((f["message"] for f in findings if f["status"] == "unknown"), "not judged")
        ET.SubElement(case, "skipped", message=reason[:500])
        return 0, 1
    return 0, 0


def render_junit(result: dict[str, Any]) -> str:
    all_checks()
    task_id = result["task"]["id"]
    root = ET.Element("testsuites", name="iac-grader")
    totals = [0, 0, 0]
    for subject in result["subjects"]:
        suite = ET.SubElement(root, "testsuite", name=f"{task_id}.{subject['name']}")
        ET.SubElement(ET.SubElement(suite, "properties"), "property", name="score", value=str(subject["score"]))
        counts = [0, 0, 0]
        by_requirement: dict[str, list[dict[str, Any]]] = {}
        by_check: dict[str, list[dict[str, Any]]] = {}
        for finding in subject["findings"]:
            if finding["requirement"]:
                by_requirement.setdefault(finding["requirement"], []).append(finding)
            elif finding["check"] in REGISTRY and REGISTRY[finding["check"]].severity in BLOCKING:
                by_check.setdefault(finding["check"], []).append(finding)
        for requirement in result.get("requirements", []):
            failures, skipped = _case(suite, f"{task_id}.{subject['name']}.requirements",
                                      f"{requirement['id']}: {requirement['label']}", by_requirement.get(requirement["id"], []))
            counts = [counts[0] + 1, counts[1] + failures, counts[2] + skipped]
        for check_id in sorted(by_check):
            failures, skipped = _case(suite, f"{task_id}.{subject['name']}.checks",
                                      f"{check_id}: {REGISTRY[check_id].name}", by_check[check_id])
            counts = [counts[0] + 1, counts[1] + failures, counts[2] + skipped]
        suite.set("tests", str(counts[0]))
        suite.set("failures", str(counts[1]))
        suite.set("errors", "0")
        suite.set("skipped", str(counts[2]))
        totals = [a + b for a, b in zip(totals, counts)]
    root.set("tests", str(totals[0]))
    root.set("failures", str(totals[1]))
    root.set("errors", "0")
    root.set("skipped", str(totals[2]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
