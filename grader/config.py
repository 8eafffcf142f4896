"""Project configuration: `.iac-grader.yaml` in the directory the grader runs from (never the graded folder).

    check: [security, critical]     # like --check (ids, areas or severities)
    skip-check: [REQ082]            # like --skip-check
    baseline: grader-baseline.json  # like --baseline (relative to the config file)

Options given on the command line win over the file (`check`), or add to it (`skip-check`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .ingest.task import InputError

CONFIG_NAME = ".iac-grader.yaml"
KEYS = {"check", "skip-check", "baseline"}


@dataclass
class Config:
    check: list[str] = field(default_factory=list)
    skip_check: list[str] = field(default_factory=list)
    baseline: str | None = None


def _strings(value, key: str, path: Path) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise InputError(f"{path}: {key} is a list of check ids, areas or severities")


def load_config(path: Path | None = None) -> Config:
    """The given config file, else ./.iac-grader.yaml when present, else defaults."""
    if path is None:
        path = Path(CONFIG_NAME)
        if not path.is_file():
            return Config()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise InputError(f"cannot read config {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: a mapping with keys {', '.join(sorted(KEYS))}")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise InputError(f"{path}: unknown key {', '.join(map(str, unknown))} (known: {', '.join(sorted(KEYS))})")
    baseline = data.get("baseline")
    if baseline is not None and not isinstance(baseline, str):
        raise InputError(f"{path}: baseline is a file name")
    return Config(check=_strings(data.get("check", []), "check", path),
                  skip_check=_strings(data.get("skip-check", []), "skip-check", path),
                  baseline=str(path.parent / baseline) if baseline else None)
