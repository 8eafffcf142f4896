"""JSON Schema of every rubric check parameter: typed params in docs/rubric.schema.json, for editors and lint."""

from __future__ import annotations

_STRINGS = {"type": "array", "items": {"type": "string"}}

PARAM_SCHEMAS: dict[str, dict] = {
    "files": _STRINGS,
    "single_file": {"type": "boolean"},
    "keep_protection": {"type": "boolean"},
    "regions": _STRINGS,
    "concept": {"type": "string"},
    "min_count": {"type": "integer", "minimum": 0},
    "per_az": {"type": "boolean"},
    "count": {"type": "integer", "minimum": 1},
    "kms": {"type": "boolean"},
    "kms_managed_ok": {"type": "boolean"},
    "principal": {"type": "string"},
    "ports": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 65535}},
    "min_tls": {"type": "string"},
    "source": {"type": "string"},
    "days": {"type": "integer", "minimum": 0},
    "metrics": _STRINGS,
    "memory": {"type": "integer", "minimum": 128},
    "timeout": {"type": "integer", "minimum": 1},
    "runtime": {"type": ["string", "null"]},
    "latest": {"type": "boolean"},
    "minimum": {"type": "boolean"},
    "types": _STRINGS,
    "keys": _STRINGS,
    "values": {"type": "object", "additionalProperties": {"type": "string"}},
    "pattern": {"type": "string"},
    "names": _STRINGS,
    "class_name": {"type": "string"},
    "any_of": _STRINGS,
    "stores": _STRINGS,
    "all": {"type": "boolean"},
    "scope": {"type": "array", "items": {"enum": ["s3", "alb", "rds", "db"]}},
    "also": _STRINGS,
}


def check_params_schema(check_id: str, params: dict[str, str]) -> dict:
    """`if id is CHECK then params has exactly these typed keys` (one clause of the CheckSpec schema)."""
    properties = {name: {**PARAM_SCHEMAS[name], "description": text} for name, text in sorted(params.items())}
    return {
        "if": {"properties": {"id": {"const": check_id}}, "required": ["id"]},
        "then": {"properties": {"params": {"type": "object", "properties": properties, "additionalProperties": False}}},
    }
