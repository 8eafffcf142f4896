"""The shipped provider/SDK schema (built by tools/build_schema.py), loaded once per process."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    raw = resources.files(__package__).joinpath("schema.json.gz").read_bytes()
    return json.loads(gzip.decompress(raw))


@lru_cache(maxsize=1)
def terraform_types() -> frozenset[str]:
    return frozenset(load()["terraform"]["resources"])


def terraform_resource(tf_type: str, mode: str = "managed") -> dict[str, Any] | None:
    section = "data" if mode == "data" else "resources"
    return load()["terraform"][section].get(tf_type)


def terraform_version() -> str:
    return load()["terraform"]["version"]


def pulumi_module(module: str) -> dict[str, Any] | None:
    return load()["pulumi"]["modules"].get(module)


def cdk_module(module: str) -> dict[str, Any] | None:
    return load()["cdk"]["modules"].get(module)


def versions() -> dict[str, str]:
    data = load()
    return {
        "terraform-provider-aws": data["terraform"]["version"],
        "pulumi-aws": data["pulumi"]["version"],
        "aws-cdk-lib": data["cdk"]["version"],
    }
