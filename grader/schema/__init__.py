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


def _terraform(major: int | None) -> dict[str, Any]:
    """The shipped provider schema for `major` (the current one when None or not shipped)."""
    data = load()
    previous = data.get("terraform_previous")
    if major is not None and previous and int(previous["version"].split(".")[0]) == major:
        return previous
    return data["terraform"]


def terraform_resource(tf_type: str, mode: str = "managed", major: int | None = None) -> dict[str, Any] | None:
    section = "data" if mode == "data" else "resources"
    return _terraform(major)[section].get(tf_type)


def terraform_version(major: int | None = None) -> str:
    """The version checked for code pinning `major`; the current version when that major is not shipped."""
    return _terraform(major)["version"]


def terraform_majors() -> frozenset[int]:
    data = load()
    return frozenset(int(data[k]["version"].split(".")[0]) for k in ("terraform", "terraform_previous") if k in data)


def _pulumi(major: int | None) -> dict[str, Any]:
    """The shipped pulumi-aws schema for `major` (the current one when None or not shipped)."""
    data = load()
    previous = data.get("pulumi_previous")
    if major is not None and previous and int(previous["version"].split(".")[0]) == major:
        return previous
    return data["pulumi"]


def pulumi_module(module: str, major: int | None = None) -> dict[str, Any] | None:
    return _pulumi(major)["modules"].get(module)


def pulumi_version(major: int | None = None) -> str:
    return _pulumi(major)["version"]


def cdktf_provider_version() -> str:
    """The cdktf-cdktf-provider-aws release the current Terraform schema (and its argument types) comes from."""
    return load()["terraform"]["source"].split("==")[-1]


def sdk_majors(package: str) -> frozenset[int]:
    """The majors of a Python SDK (pulumi-aws, aws-cdk-lib, cdktf-cdktf-provider-aws) the shipped schema can check code against."""
    if package == "cdktf-cdktf-provider-aws":
        return frozenset({int(cdktf_provider_version().split(".")[0])})
    data = load()
    keys = {"pulumi-aws": ("pulumi", "pulumi_previous"), "aws-cdk-lib": ("cdk",)}.get(package, ())
    return frozenset(int(data[k]["version"].split(".")[0]) for k in keys if k in data)


def cdk_module(module: str) -> dict[str, Any] | None:
    return load()["cdk"]["modules"].get(module)


def versions() -> dict[str, str]:
    data = load()
    return {
        "terraform-provider-aws": data["terraform"]["version"],
        **({"terraform-provider-aws (previous major)": data["terraform_previous"]["version"]}
           if "terraform_previous" in data else {}),
        "pulumi-aws": data["pulumi"]["version"],
        **({"pulumi-aws (previous major)": data["pulumi_previous"]["version"]} if "pulumi_previous" in data else {}),
        "aws-cdk-lib": data["cdk"]["version"],
    }
