"""Short, deterministic labels for requirements: the row names and "PROMPT required" cells of write-ups."""

from __future__ import annotations

from typing import Any

from ..rubric.catalog import BY_ID

CHECK_LABELS = {
    "REQ001": "Deliverable files", "REQ002": "Modules", "REQ010": "Regions", "REQ011": "Enabled in all regions",
    "REQ021": "Availability Zones", "REQ030": "Encryption at rest", "REQ031": "TLS in transit", "REQ040": "Least-privilege IAM",
    "REQ041": "Allowed inbound ports", "REQ042": "Restricted egress", "REQ043": "No public access",
    "REQ044": "S3 Bucket Policy Restriction", "REQ045": "SecureString parameters", "REQ050": "Alarm notifications", "REQ051": "Findings routed to SNS", "REQ054": "Alarm metrics",
    "REQ052": "Log retention", "REQ053": "Access logging", "REQ060": "S3 Versioning", "REQ061": "Backup retention",
    "REQ062": "Multi-AZ", "REQ063": "DynamoDB PITR", "REQ070": "Lambda runtime", "REQ071": "Instance types", "REQ072": "Lambda memory and timeout",
    "REQ080": "Required tags", "REQ081": "Naming Compliance", "REQ082": "Environment suffix", "REQ090": "Outputs",
    "REQ100": "Error Handling", "REQ110": "Stack entry point", "REQ120": "Tests", "REQ130": "Destroyable", "REQ032": "KMS key rotation",
}


def _required(check: str, params: dict[str, Any]) -> str:
    if check == "REQ010":
        return ", ".join(params.get("regions", [])) or "Yes"
    if check in ("REQ052", "REQ061"):
        return f"{params.get('days')} days"
    if check == "REQ080":
        return ", ".join(params.get("keys", [])) or "Yes"
    if check == "REQ081":
        return params.get("pattern", "Yes")
    if check == "REQ070":
        return params.get("runtime") or ("latest" if params.get("latest") else "Yes")
    if check == "REQ041":
        return ", ".join(str(p) for p in params.get("ports", [])) or "Yes"
    if check == "REQ001":
        return ", ".join(params.get("files", [])) or ("single file" if params.get("single_file") else "Yes")
    if check == "REQ071":
        return ", ".join(params.get("types", [])) or "Yes"
    if check == "REQ021":
        return f"{params.get('count')} AZs"
    if check == "REQ020" and params.get("min_count"):
        return f"at least {params['min_count']}"
    if check == "REQ030" and params.get("kms"):
        return "KMS" if params.get("kms_managed_ok") else "KMS (CMK)"
    return "Yes"


def requirement_summary(requirement) -> dict[str, Any]:
    spec = requirement.checks[0] if requirement.checks else None
    check, params = (spec.id, spec.params) if spec else ("", {})
    if check == "REQ020" and params.get("any_of"):
        label = " or ".join(BY_ID[c].label for c in params["any_of"] if c in BY_ID)
    elif check == "REQ020" and params.get("concept") in BY_ID:
        label = BY_ID[params["concept"]].label
    else:
        label = CHECK_LABELS.get(check, requirement.id)
    required = {"forbidden": "Excluded", "optional": "Optional", "alternatives": "One of them"}.get(requirement.polarity) \
        or _required(check, params)
    if requirement.confidence == "low":
        required += " (unclear)"
    return {"id": requirement.id, "area": requirement.area, "label": label, "required": required,
            "text": requirement.text, "line": requirement.line, "weight": requirement.weight,
            "polarity": requirement.polarity, "confidence": requirement.confidence}
