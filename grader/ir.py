"""The one intermediate representation every front end produces and every check reads.

Plain dataclasses (not pydantic): a corpus run builds hundreds of thousands of these.
Attribute values are plain Python values (str, int, float, bool, None, list, dict) or
`Expr` for anything the front end could not reduce to a literal (an interpolation, a
reference to another resource, a function call).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

DIALECTS = ("terraform", "pulumi", "cdk", "cdktf")


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Expr:
    """A value known only symbolically: its source text and the addresses it references.

    `refs` holds canonical addresses: `aws_kms_key.logs`, `var.region`, `local.tags`,
    `data.aws_ami.al2`, `module.vpc`; for Python, the address of the bound resource.
    `unknown` is True when the value depends on something the analysis cannot evaluate.
    """

    text: str
    refs: tuple[str, ...] = ()
    attrs: tuple[str, ...] = ()  # `aws_kms_key.logs.arn` -> attribute path ("arn",) per ref
    is_template: bool = False

    def __str__(self) -> str:
        return self.text


@dataclass
class Resource:
    """One declared cloud resource (or data source, when `mode == "data"`)."""

    type: str  # canonical Terraform-style type where known (aws_vpc), else the class path
    name: str  # logical name (HCL label, construct id, Pulumi name or the variable bound to it)
    dialect: str
    location: Location
    attributes: dict[str, Any] = field(default_factory=dict)
    attr_lines: dict[str, int] = field(default_factory=dict)
    mode: str = "managed"  # managed | data
    source_type: str = ""  # the type as written (pulumi_aws.ec2.Vpc, aws_cdk.aws_s3.Bucket)
    count: int | None = 1  # None: created a number of times the analysis cannot tell
    meta: dict[str, Any] = field(default_factory=dict)  # count/for_each/provider/depends_on
    refs: tuple[str, ...] = ()  # addresses referenced anywhere in the attributes
    synthesized_from: str | None = None  # CDK L2 expansion: the construct that implies it
    provider: str | None = None  # provider address (aws.west) the resource is bound to
    region: str | None = None  # resolved deployment region, when known

    @property
    def address(self) -> str:
        prefix = "data." if self.mode == "data" else ""
        return f"{prefix}{self.type}.{self.name}"

    def line_of(self, attr: str) -> Location:
        line = self.attr_lines.get(attr)
        return Location(self.location.file, line or self.location.line)


def scope_of(path: str) -> str:
    """Terraform's namespace is the directory: `modules/vpc/main.tf` -> `modules/vpc`."""
    return path.rsplit("/", 1)[0] if "/" in path else ""


def scoped(scope: str, name: str) -> str:
    return f"{scope}:{name}"


@dataclass
class Variable:
    name: str
    location: Location
    default: Any = None
    has_default: bool = False
    type: str | None = None
    validation: bool = False


@dataclass
class Output:
    name: str
    location: Location
    value: Any = None


@dataclass
class Module:
    name: str
    source: str
    location: Location
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Provider:
    name: str  # aws, random, ...
    location: Location
    alias: str | None = None
    region: Any = None
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"{self.name}.{self.alias}" if self.alias else self.name


@dataclass
class Reference:
    """A use of a symbol somewhere in the code: `source` uses `target` at `location`."""

    source: str
    target: str
    location: Location
    attr: str = ""  # the attribute read on the target (`arn`, `invoke_url`), if any
    indexed: bool = False  # `aws_x.y[0]` / `aws_x.y["k"]`
    splat: bool = False  # `aws_x.y[*]`


@dataclass
class ParseError:
    file: str
    line: int | None
    message: str


@dataclass
class SourceFile:
    path: str
    language: str  # hcl, python, yaml, json, other
    text: str
    parsed: bool = False


@dataclass
class Deliverable:
    """How the code reached us: facts about the answer document, not about the cloud."""

    source: str = "files"  # files | markdown
    unnamed_blocks: list[int] = field(default_factory=list)  # document lines of unnamed code blocks
    truncated: bool = False
    prose_only: bool = False
    code_share: float = 1.0
    used_trace: bool = False
    origins: dict[str, int] = field(default_factory=dict)  # file -> document line it came from
    mentioned: list[str] = field(default_factory=list)  # code files the answer names but does not show
    problems: list[str] = field(default_factory=list)  # unreadable, binary or oversize inputs
    other_files: list[str] = field(default_factory=list)  # non-code files delivered beside the code (assets)
    partial: dict[str, str] = field(default_factory=dict)  # file -> the label saying only part of it is shown
    tests: dict[str, tuple[int, str]] = field(default_factory=dict)  # test file -> (document line, text); never parsed


@dataclass
class Program:
    """Everything one subject (response, ideal or delivered code) declares."""

    deliverable: Deliverable = field(default_factory=Deliverable)
    files: list[SourceFile] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    variables: dict[str, Variable] = field(default_factory=dict)  # keyed by scoped(directory, name)
    locals: dict[str, tuple[Any, Location]] = field(default_factory=dict)  # keyed by scoped(directory, name)
    outputs: list[Output] = field(default_factory=list)
    modules: list[Module] = field(default_factory=list)
    providers: list[Provider] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    duplicates: list[tuple[str, Location, Location]] = field(default_factory=list)
    required_providers: dict[str, dict[str, Any]] = field(default_factory=dict)
    backends: list[tuple[str, dict[str, Any], Location]] = field(default_factory=list)
    tfvars: dict[str, Any] = field(default_factory=dict)
    # names that several .tfvars files (dev/staging/prod) set to different values: the value depends on the environment
    tfvars_varying: set[str] = field(default_factory=set)
    python: list["PythonFacts"] = field(default_factory=list)
    dialects: set[str] = field(default_factory=set)
    elisions: list[tuple[Location, str]] = field(default_factory=list)  # where a file says code is left out
    spans: dict[Location, int] = field(default_factory=dict)  # start of a block or call -> its last line
    _by_address: tuple[int, dict[str, Resource]] | None = field(default=None, repr=False, compare=False)

    # ---- queries every check uses -------------------------------------------------
    def managed(self) -> Iterator[Resource]:
        return (r for r in self.resources if r.mode == "managed")

    def of_type(self, *types: str) -> list[Resource]:
        wanted = set(types)
        return [r for r in self.resources if r.mode == "managed" and r.type in wanted]

    def data_sources(self) -> list[Resource]:
        return [r for r in self.resources if r.mode == "data"]

    def variable(self, name: str, scope: str | None = None) -> Variable | None:
        """The variable `name` declared in `scope` (any directory when scope is None)."""
        if scope is not None:
            return self.variables.get(scoped(scope, name))
        return next((v for key, v in sorted(self.variables.items()) if v.name == name), None)

    def local(self, name: str, scope: str | None = None) -> Any:
        if scope is not None:
            entry = self.locals.get(scoped(scope, name))
        else:
            entry = next((v for key, v in sorted(self.locals.items()) if key.split(":", 1)[1] == name), None)
        return entry[0] if entry else None

    def elided_file(self, path: str) -> tuple[Location, str] | None:
        """The first sign that `path` is shown only in part, if any."""
        return next(((loc, text) for loc, text in self.elisions if loc.file == path), None)

    def elided_scope(self, scope: str) -> tuple[Location, str] | None:
        """The first sign that a file of directory `scope` is shown only in part, if any."""
        return next(((loc, text) for loc, text in self.elisions if scope_of(loc.file) == scope), None)

    def elided_block(self, start: Location) -> tuple[Location, str] | None:
        """An elision inside the block (or call) that starts at `start`, if any."""
        end = self.spans.get(start)
        if end is None or start.line is None:
            return None
        return next(((loc, text) for loc, text in self.elisions
                     if loc.file == start.file and loc.line is not None and start.line <= loc.line <= end), None)

    def by_address(self) -> dict[str, Resource]:
        """Address -> resource; built once per program (checks ask for it many times)."""
        cached = self._by_address
        if cached is None or cached[0] != len(self.resources):
            self._by_address = cached = (len(self.resources), {r.address: r for r in self.resources})
        return cached[1]



@dataclass
class PythonFacts:
    """What the Python front end learned about one file, for scope and import checks."""

    path: str
    imports: list[tuple[str, str, int]] = field(default_factory=list)  # (bound name, module path, line)
    undefined: list[tuple[str, int]] = field(default_factory=list)  # names used but never bound
    unknown_symbols: list[tuple[str, int]] = field(default_factory=list)  # SDK paths that do not exist
    classes: list[str] = field(default_factory=list)
    calls: list[tuple[str, int]] = field(default_factory=list)  # resolved dotted call targets
    lazy_values: list[tuple[str, int]] = field(default_factory=list)  # json.dumps over deploy-time values
    stack_tags: list[Any] = field(default_factory=list)  # `tags=` given to an AWS CDK stack: tags every resource in it
    # SDK paths read or called (`aws_cdk.aws_elasticloadbalancingv2.HealthCheck`, an instance's member as
    # `aws_cdk.aws_autoscaling.AutoScalingGroup.scale_on_cpu_utilization`), with the keywords of a call
    # (None when only read; "**" for an unknown dict), for the signature checks.
    sdk_uses: list[tuple[str, tuple[str, ...] | None, int]] = field(default_factory=list)
    # SDK calls with one literal argument (`logs.RetentionDays(7)`; `["days"]` for a subscript `cfg["days"]`):
    # an enum built from a value.
    literal_calls: list[tuple[str, str, int]] = field(default_factory=list)
    # Names bound once in the whole file, by `name = "literal"` or `name = f"..."`: the string, or for an f-string an
    # Expr template of its source (`user_data = f"""#!/bin/bash ..."""` passed on as `user_data=user_data`).
    strings: dict[str, Any] = field(default_factory=dict)


REF_RE = re.compile(
    r"(?<![\w.\"])(?:(data)\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)|(var|local|module)\.([A-Za-z_][\w-]*)"
    r"|([a-z][a-z0-9]*_[\w]+)\.([A-Za-z_][\w-]*))"
    r"((?:\[[^\]]*\])?)((?:\.[A-Za-z_][\w]*)?)"
)

# A resource type starts with its provider's name; `ip_address.value` (a dynamic block's
# iterator) or `role_config.name` (a for-expression variable) do not.
PROVIDER_PREFIXES = frozenset({
    "aws", "random", "archive", "tls", "null", "time", "local", "http", "external", "template", "cloudinit",
    "google", "azurerm", "azuread", "kubernetes", "helm", "tfe", "github", "datadog", "vault", "awscc",
})


def walk_values(value: Any) -> Iterator[Any]:
    """Yield every leaf (and nested container) of an attribute value."""
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from walk_values(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from walk_values(v)


def expr_refs(value: Any) -> list[str]:
    out: list[str] = []
    for v in walk_values(value):
        if isinstance(v, Expr):
            out.extend(v.refs)
    return out


def literal(value: Any) -> Any:
    """The plain value if it is fully known, else None."""
    if isinstance(value, Expr):
        return None
    return value


def truthy(value: Any) -> bool | None:
    """True/False for a known boolean-ish value, None when unknown."""
    if isinstance(value, Expr):
        return None
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "enabled", "yes", "1"):
            return True
        if low in ("false", "disabled", "no", "0", ""):
            return False
        return None
    if value is None:
        return None
    return bool(value)


def as_text(value: Any) -> str:
    """A string rendering of any value, used for pattern matching over attributes."""
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={as_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(as_text(v) for v in value) + "]"
    return str(value)


def first_block(value: Any) -> dict | None:
    """HCL nested blocks are lists of dicts; Python structs are dicts. Return the first."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else None
