"""Build grader/schema/schema.json.gz from the SDK packages on the package index.

Run at development time only (the grader never needs these packages at run time):

    python tools/build_schema.py            # downloads the pinned wheels with pip
    python tools/build_schema.py --wheels DIR   # or reads wheels already in DIR

Sources (names, required flags, nesting and deprecations; no prose is copied):
- cdktf-cdktf-provider-aws: its jsii assembly carries the Terraform AWS provider schema
  (resource and data-source types, arguments, nested blocks, required flags, exported
  attributes, and for the current major each argument's primitive type: "t" is a string of codes
  aligned with "args", s string / n number / b bool / - anything else). It serves HCL and CDKTF. The last release for the previous provider major is
  shipped as well, for code that pins it.
- pulumi-aws: module symbols, constructor keyword arguments, required arguments and
  deprecation notices, read with `ast` from the wheel's source (nothing is imported). The last 6.x release is
  shipped too (`pulumi_previous`), for programs whose requirements pin pulumi-aws 6.
- aws-cdk-lib: its jsii assembly gives the module symbols and construct props (L1 and L2).
- Signatures for the Python checks of nested values and method calls (`types` sections): from the
  jsii assemblies of aws-cdk-lib, constructs (the base of every construct) and the CDKTF provider,
  every struct's keyword arguments (inherited ones included), every class's and interface's members
  with its bases, the keyword arguments of its methods and initializer, and enum members; from
  pulumi-aws, the keyword arguments of every `...Args` class. Member names are jsii's Python names.
- CDK v1 feature flags that aws-cdk-lib refuses (`expired_flags`): evaluated from the package's own
  cx-api/lib/features.js with node, with the modules whose code reads each flag.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PINS = {
    "cdktf-cdktf-provider-aws": "21.22.1",
    "pulumi-aws": "7.51.1",
    "aws-cdk-lib": "2.275.0",
    "constructs": "10.4.2",
}
# Answers often pin the previous major (`version = "~> 5.0"`); its last release is shipped too, so
# they are checked against the provider they ask for. cdktf-cdktf-provider-aws 19.x is hashicorp/aws 5.x.
PREVIOUS = ("cdktf-cdktf-provider-aws", "19.65.1")
# The same for Pulumi programs that pin pulumi-aws 6 (`pulumi-aws>=6,<7` in requirements.txt): its last release.
PREVIOUS_PULUMI = ("pulumi-aws", "6.83.4")
OUT = Path(__file__).resolve().parent.parent / "grader" / "schema" / "schema.json.gz"
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_ANCHOR = re.compile(r"#([a-z0-9_]+)[ }]")
_DEPRECATED = re.compile(r'"""(\w+) is deprecated')
# `pulumi.log.warn("""BucketV2 is deprecated: s3.BucketV2 has been deprecated in favor of s3.Bucket""")` in a resource class
_CLASS_DEPRECATED = re.compile(r'pulumi\.log\.warn\("""([A-Z]\w*) is deprecated: ([^"]*)"""')
_IN_FAVOR = re.compile(r"in favor of (?:aws\.)?(\w+)/\w+\.(\w+)|in favor of (\w+)\.(\w+)")
# the name a deprecation notice points to: `Use ipAddresses instead`, `See {@link containerInsightsV2 }`, use `logGroup`
_USE = re.compile(r"\b(?:[Uu]se|[Ss]ee)\s+(?:\{@link\s+|`+|')?([A-Za-z_][\w.]*)(`+|'|\s*\})?")


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def wheel(directory: Path, package: str, version: str | None = None) -> Path:
    version = version or PINS[package]
    stem = package.replace("-", "_")
    found = sorted(directory.glob(f"{stem}-{version}-*.whl"))
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(directory), f"{package}=={version}"],
            check=True,
        )
        found = sorted(directory.glob(f"{stem}-{version}-*.whl"))
    return found[0]


def jsii_assembly(whl: Path) -> dict:
    with zipfile.ZipFile(whl) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".jsii.tgz"))
        with tarfile.open(fileobj=io.BytesIO(zf.read(name))) as tar:
            members = {m.name: m for m in tar.getmembers()}
            if "package/.jsii.gz" in members:
                return json.loads(gzip.decompress(tar.extractfile(members["package/.jsii.gz"]).read()))
            return json.loads(tar.extractfile(members["package/.jsii"]).read())


# ---- Terraform, from the CDKTF provider assembly ------------------------------------

def _struct_fqn(type_ref: dict) -> str | None:
    """The struct a property holds (directly, in a list, or in a union with IResolvable)."""
    if "fqn" in type_ref and not type_ref["fqn"].startswith("cdktf."):
        return type_ref["fqn"]
    if "collection" in type_ref:
        return _struct_fqn(type_ref["collection"]["elementtype"])
    if "union" in type_ref:
        for option in type_ref["union"]["types"]:
            fqn = _struct_fqn(option)
            if fqn:
                return fqn
    return None


def _tf_name(prop: dict) -> str:
    docs = prop.get("docs", {})
    for text in (docs.get("summary", ""), docs.get("remarks", "")):
        m = _ANCHOR.search(text)
        if m:
            return m.group(1)
    return snake(prop["name"])


def _primitive(type_ref: dict) -> str:
    """The type code of an argument: "s" string, "n" number, "b" bool (alone or with IResolvable), "-" other."""
    options = type_ref["union"]["types"] if "union" in type_ref else [type_ref]
    kinds = {o.get("primitive") for o in options if o.get("fqn") != "cdktf.IResolvable"}
    return {"string": "s", "number": "n", "boolean": "b"}.get(kinds.pop(), "-") if len(kinds) == 1 else "-"


def _type_codes(node: dict) -> None:
    """Turn a struct's {arg: code} map into "t", a string of codes aligned with its final "args" list."""
    codes = node.pop("types", {})
    node["t"] = "".join(codes.get(a, "-") for a in node["args"])
    for block in node.get("blocks", {}).values():
        _type_codes(block)


def _drop_types(node: dict) -> None:
    node.pop("t", None)
    for block in node.get("blocks", {}).values():
        _drop_types(block)


def _tf_struct(types: dict, fqn: str, depth: int = 0) -> dict:
    """{"args": [...], "required": [...], "blocks": {name: struct}, "types": {arg: code}} for one config struct."""
    node: dict = {"args": [], "required": [], "blocks": {}, "types": {}}
    struct = types.get(fqn, {})
    for prop in struct.get("properties", []):
        name = _tf_name(prop)
        nested = _struct_fqn(prop["type"])
        if nested and nested in types and types[nested].get("kind") == "interface" and depth < 6:
            node["blocks"][name] = _tf_struct(types, nested, depth + 1)
        else:
            node["args"].append(name)
            node["types"][name] = _primitive(prop["type"])
        if not prop.get("optional"):
            node["required"].append(name)
    if not node["blocks"]:
        del node["blocks"]
    if not node["required"]:
        del node["required"]
    return node


_META = {"connection", "count", "depends_on", "for_each", "lifecycle", "provider", "provisioners"}


def terraform_schema(assembly: dict) -> tuple[dict, str]:
    types = assembly["types"]
    resources: dict[str, dict] = {}
    data: dict[str, dict] = {}
    version = ""
    for cls in types.values():
        base = cls.get("base")
        if base not in ("cdktf.TerraformResource", "cdktf.TerraformDataSource"):
            continue
        m = re.search(r"hashicorp/aws/([\d.]+)/docs/(resources|data-sources)/(\w+) (aws_\w+)", cls.get("docs", {}).get("summary", ""))
        if not m:
            continue
        version = m.group(1)
        tf_type = m.group(4)
        config = next((p["type"]["fqn"] for p in cls["initializer"]["parameters"] if p["name"] == "config"), None)
        node = _tf_struct(types, config) if config else {"args": []}
        node["args"] = sorted(a for a in node["args"] if a not in _META)
        _type_codes(node)
        if "required" in node:
            node["required"] = sorted(r for r in node["required"] if r not in _META)
        args = set(node["args"]) | set(node.get("blocks", {}))
        exported = sorted(
            snake(p["name"]) for p in cls.get("properties", [])
            if not p.get("static") and not p["name"].endswith("Input") and snake(p["name"]) not in args
            and p["name"] not in ("tfResourceType",)
        )
        node["attrs"] = exported
        (resources if base.endswith("Resource") else data)[tf_type] = node
        node["cdktf"] = cls.get("namespace", "")
    return {"resources": dict(sorted(resources.items())), "data": dict(sorted(data.items()))}, version


# ---- Pulumi, from the wheel's source -------------------------------------------------

def _init_params(func: ast.FunctionDef) -> tuple[list[str], list[str]]:
    params, required = [], []
    args = func.args
    positional = args.args[1:]
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for arg, default in zip(positional, defaults):
        params.append(arg.arg)
        if default is None:
            required.append(arg.arg)
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        params.append(arg.arg)
        if default is None:
            required.append(arg.arg)
    return params, required


def _deprecated_getters(cls: ast.ClassDef) -> dict[str, str]:
    """The outputs a class marks `@_utilities.deprecated(...)`, each with the attribute its notice names instead
    (`name is deprecated. Use region instead.` -> region), or "" when it names no other output."""
    getters = {f.name: f for f in cls.body if isinstance(f, ast.FunctionDef)}
    out: dict[str, str] = {}
    for name, func in getters.items():
        for decorator in func.decorator_list:
            if isinstance(decorator, ast.Call) and ast.unparse(decorator.func).endswith("deprecated") and decorator.args \
                    and isinstance(decorator.args[0], ast.Constant):
                m = _USE.search(str(decorator.args[0].value))
                out[name] = m.group(1) if m and m.group(1) in getters and m.group(1) != name else ""
    return dict(sorted(out.items()))


def _pulumi_class_deprecations(cls: ast.ClassDef, text: str) -> dict:
    """A resource class's deprecation: {"superseded": "s3.Bucket"} when the class is deprecated (the replacement
    its notice names, "" when none), and {"deprecated_attrs": {output: replacement}} for its deprecated outputs."""
    out: dict = {}
    m = _CLASS_DEPRECATED.search(ast.get_source_segment(text, cls) or "")
    if m and m.group(1) == cls.name:
        favor = _IN_FAVOR.search(m.group(2))
        out["superseded"] = ".".join(g for g in favor.groups() if g) if favor else ""
    attrs = _deprecated_getters(cls)
    if attrs:
        out["deprecated_attrs"] = attrs
    return out


def pulumi_schema(whl: Path) -> dict:
    modules: dict[str, dict] = {}
    with zipfile.ZipFile(whl) as zf:
        for name in sorted(zf.namelist()):
            parts = name.split("/")
            if parts[0] != "pulumi_aws" or len(parts) not in (2, 3) or not name.endswith(".py"):
                continue
            module = parts[1] if len(parts) == 3 else ""  # "" holds the package's top-level symbols
            text = zf.read(name).decode("utf-8")
            tree = ast.parse(text)
            entry = modules.setdefault(module, {"symbols": [], "resources": {}})
            deprecated = sorted(set(_DEPRECATED.findall(text)))
            args_classes: dict[str, list[str]] = {}
            for node in tree.body:
                if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                    entry["symbols"].extend(e.value for e in node.value.elts if isinstance(e, ast.Constant))
                if isinstance(node, ast.ClassDef):
                    inits = [f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"]
                    if node.name.endswith("Args") and inits:
                        params, required = _init_params(inits[0])
                        args_classes[node.name] = required
                        if not (inits[0].args.vararg or inits[0].args.kwarg):  # `**kwargs`: no claim
                            entry.setdefault("args_classes", {})[node.name] = sorted(params)
                    bases = {ast.unparse(b) for b in node.bases}
                    if "pulumi.CustomResource" in bases:
                        overloads = [f for f in inits if f.args.args[1:2] and f.args.args[1].arg == "resource_name"]
                        params = []
                        if overloads:
                            params, _ = _init_params(overloads[0])
                        kwargs = sorted(p for p in params if p not in ("resource_name", "opts", "__props__"))
                        modules[module]["resources"][node.name] = {"args": kwargs, **_pulumi_class_deprecations(node, text)}
                    if node.name.startswith("Get") and node.name.endswith("Result"):
                        function = snake(node.name[:-len("Result")])
                        attrs = _deprecated_getters(node)
                        if attrs and any(isinstance(f, ast.FunctionDef) and f.name == function for f in tree.body):
                            entry.setdefault("data_sources", {})[function] = {"deprecated_attrs": attrs}
            for cls, spec in modules[module]["resources"].items():
                required = args_classes.get(f"{cls}Args")
                if required:
                    spec["required"] = sorted(required)
                if deprecated and cls in [n.name for n in tree.body if isinstance(n, ast.ClassDef)]:
                    spec["deprecated"] = [d for d in deprecated if d in spec["args"]]
                    if not spec["deprecated"]:
                        del spec["deprecated"]
    for entry in modules.values():
        entry["symbols"] = sorted(set(entry["symbols"]))
        if "args_classes" in entry:
            entry["args_classes"] = dict(sorted(entry["args_classes"].items()))
    return dict(sorted(modules.items()))


# ---- AWS CDK, from the aws-cdk-lib assembly -----------------------------------------

def _all_properties(types: dict, fqn: str, depth: int = 0) -> list[dict]:
    """A props struct's properties, including those of every interface it extends."""
    spec = types.get(fqn, {})
    properties = list(spec.get("properties", []))
    if depth < 10:
        for parent in spec.get("interfaces", []):
            properties += _all_properties(types, parent, depth + 1)
    return properties


def cdk_schema(assembly: dict) -> dict:
    types = assembly["types"]
    submodules = set(assembly.get("submodules", {}))
    modules: dict[str, dict] = {}
    for fqn, spec in types.items():
        parts = fqn.split(".")
        if parts[0] != "aws-cdk-lib":
            continue
        in_submodule = len(parts) > 2 and f"aws-cdk-lib.{parts[1]}" in submodules
        module = parts[1] if in_submodule else ""
        rest = parts[2:] if in_submodule else parts[1:]
        if len(rest) != 1:  # nested types (CfnBucket.VersioningConfigurationProperty)
            continue
        name = rest[0]
        entry = modules.setdefault(module, {"symbols": [], "constructs": {}})
        entry["symbols"].append(name)
        if spec.get("kind") != "class":
            continue
        params = spec.get("initializer", {}).get("parameters", [])
        if len(params) >= 2 and params[0]["name"] == "scope" and params[1]["name"] == "id":
            props_fqn = params[2]["type"].get("fqn") if len(params) > 2 else None
            properties = _all_properties(types, props_fqn) if props_fqn else []
            entry["constructs"][name] = {
                "props": sorted({snake(p["name"]) for p in properties}),
                "required": sorted({snake(p["name"]) for p in properties if not p.get("optional")}),
            }
            if not entry["constructs"][name]["required"]:
                del entry["constructs"][name]["required"]
    for entry in modules.values():
        entry["symbols"] = sorted(set(entry["symbols"]))
    return dict(sorted(modules.items()))


# ---- jsii signatures: structs, class members, method keyword arguments ----------------

def _type_key(fqn: str, assembly: str | None) -> str:
    """aws-cdk-lib.aws_s3.Bucket -> aws_s3.Bucket (the Python path after the package); types of other
    assemblies (constructs.Construct), and every type when `assembly` is None, keep their full name."""
    return fqn[len(assembly) + 1:] if assembly and fqn.startswith(assembly + ".") else fqn


def _keywords(parameters: list[dict], types: dict, key) -> list[str] | None:
    """A jsii callable's Python keyword arguments: its parameters, and a trailing struct's fields
    (jsii's Python binding turns them into keyword-only arguments, the required ones without a default even
    when the struct parameter is optional) as "@struct key". None when variadic."""
    if any(p.get("variadic") for p in parameters):
        return None
    names = [snake(p["name"]) for p in parameters]
    last = parameters[-1] if parameters else None
    fqn = last["type"].get("fqn") if last else None
    if fqn and types.get(fqn, {}).get("datatype"):
        names.append("@" + key(fqn))
    return names


def cdk_expired_flags(whl: Path) -> dict[str, list[str]]:
    """The CDK v1 feature flags aws-cdk-lib refuses when a context sets them, each with the aws-cdk-lib
    files that read it (`core/lib/stack`: every Stack; `aws-s3/lib/bucket-grants`: the grant methods). The list is computed by cx-api at load time, so node
    evaluates the package's own features.js; a flag no module reads never raises and is left out."""
    with zipfile.ZipFile(whl) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".jsii.tgz"))
        with tarfile.open(fileobj=io.BytesIO(zf.read(name))) as tar, tempfile.TemporaryDirectory() as tmp:
            sources = {m.name: m for m in tar.getmembers() if m.isfile() and m.name.endswith(".js")}
            tar.extractall(tmp, members=[m for n, m in sources.items() if n.startswith("package/cx-api/")], filter="data")
            features = Path(tmp) / "package" / "cx-api" / "lib" / "features.js"
            script = f"console.log(JSON.stringify(require({json.dumps(str(features))}).CURRENT_VERSION_EXPIRED_FLAGS))"
            expired = json.loads(subprocess.run(["node", "-e", script], check=True, capture_output=True, text=True).stdout)
            text = features.read_text()
            constants = {flag: re.search(rf'exports\.([A-Z0-9_]+)="{re.escape(flag)}"', text) for flag in expired}
            readers: dict[str, set[str]] = {flag: set() for flag in expired}
            for path, member in sources.items():
                module = path.split("/")[1]
                if module == "cx-api" or path.endswith(("/index.js", ".generated.js")):
                    continue
                code = tar.extractfile(member).read().decode("utf-8", "replace")
                for flag, constant in constants.items():
                    if constant and re.search(rf"\b{constant.group(1)}\b", code):
                        readers[flag].add(path[len("package/"):-len(".js")])
    return {flag: sorted(files) for flag, files in sorted(readers.items()) if files}


def cdktf_symbols(assembly: dict) -> dict[str, list[str]]:
    """The names each CDKTF provider module exports (`s3_bucket_versioning`: S3BucketVersioningA, ...)."""
    out: dict[str, set[str]] = {}
    for fqn in assembly["types"]:
        parts = fqn.split(".")
        if len(parts) == 3 and parts[0] == assembly["name"]:
            out.setdefault(snake(parts[1]), set()).add(parts[2])
    return {ns: sorted(names) for ns, names in sorted(out.items())}


def jsii_types(assembly: dict, strip: bool = True) -> dict:
    """Compact signatures of an assembly's types, keyed as `_type_key` says:
    struct {"s": [fields], "r": [required fields], "b": [parents]}; enum {"e": [members]}; class or interface {"b": [bases],
    "m": [properties and methods], "k": {method: keywords}, "i": initializer keywords}.
    A method or initializer left out of "k"/"i" (variadic) is not checked. Python paths follow the fqn (aws_cdk.aws_s3.CfnBucket.VersioningConfigurationProperty)."""
    types = assembly["types"]
    name = assembly["name"] if strip else None
    key = lambda fqn: _type_key(fqn, name)  # noqa: E731
    out: dict[str, dict] = {}
    for fqn, spec in types.items():
        entry: dict = {}
        kind = spec.get("kind")
        if kind == "enum":
            entry["e"] = sorted(m["name"] for m in spec.get("members", []))
        elif kind == "interface" and spec.get("datatype"):
            entry["s"] = sorted(snake(p["name"]) for p in spec.get("properties", []))
            required = sorted(snake(p["name"]) for p in spec.get("properties", []) if not p.get("optional"))
            if required:
                entry["r"] = required
            if spec.get("interfaces"):
                entry["b"] = sorted(key(i) for i in spec["interfaces"])
        else:
            bases = ([spec["base"]] if spec.get("base") else []) + spec.get("interfaces", [])
            if bases:
                entry["b"] = [key(b) for b in bases]
            entry["m"] = sorted({snake(p["name"]) for p in spec.get("properties", [])}
                                | {snake(m["name"]) for m in spec.get("methods", [])})
            methods = {snake(m["name"]): _keywords(m.get("parameters", []), types, key) for m in spec.get("methods", [])}
            methods = {m: k for m, k in methods.items() if k is not None}
            if methods:
                entry["k"] = dict(sorted(methods.items()))
            if "initializer" in spec:
                init = _keywords(spec["initializer"].get("parameters", []), types, key)
                entry["i"] = init if init is not None else None
        deprecated = {snake(m["name"]): _replacement(m["docs"]["deprecated"])
                      for m in spec.get("properties", []) + spec.get("methods", []) if "deprecated" in m.get("docs", {})}
        if deprecated:
            entry["d"] = dict(sorted(deprecated.items()))
        if "deprecated" in spec.get("docs", {}):
            entry["x"] = _replacement(spec["docs"]["deprecated"])
        out[key(fqn)] = entry
    return dict(sorted(out.items()))


def _replacement(notice: str) -> str:
    """The Python name a jsii deprecation notice points to (`Use ipAddresses instead` -> ip_addresses,
    `Use HealthChecks instead` -> HealthChecks); "" when it names none (`use latest version of the model`).
    Only a quoted name or one in camel case counts: an unquoted lower-case word is prose."""
    m = _USE.search(notice)
    if not m or not (m.group(2) or re.search(r"[A-Z0-9]", m.group(1))):
        return ""
    return ".".join(part if part[:1].isupper() else snake(part) for part in m.group(1).strip(".").split("."))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, help="folder holding (or receiving) the pinned wheels")
    args = parser.parse_args()
    directory = args.wheels or Path(tempfile.mkdtemp(prefix="grader-schema-"))
    directory.mkdir(parents=True, exist_ok=True)
    terraform, provider_version = terraform_schema(jsii_assembly(wheel(directory, "cdktf-cdktf-provider-aws")))
    previous, previous_version = terraform_schema(jsii_assembly(wheel(directory, *PREVIOUS)))
    for section in previous.values():
        for spec in section.values():
            spec.pop("cdktf", None)  # CDKTF code is checked against the current provider only
            _drop_types(spec)  # argument types matter to CDKTF's Python binding only
    cdk_assembly = jsii_assembly(wheel(directory, "aws-cdk-lib"))
    expired_flags = cdk_expired_flags(wheel(directory, "aws-cdk-lib"))
    cdk_types = {**jsii_types(jsii_assembly(wheel(directory, "constructs")), strip=False), **jsii_types(cdk_assembly)}
    terraform["cdktf_symbols"] = cdktf_symbols(jsii_assembly(wheel(directory, "cdktf-cdktf-provider-aws")))
    document = {
        "format": 2,  # 2: Terraform structs carry "t", their arguments' primitive types
        "terraform": {"provider": "hashicorp/aws", "version": provider_version,
                      "source": f"cdktf-cdktf-provider-aws=={PINS['cdktf-cdktf-provider-aws']}", **terraform},
        "terraform_previous": {"provider": "hashicorp/aws", "version": previous_version,
                               "source": f"{PREVIOUS[0]}=={PREVIOUS[1]}", **previous},
        "pulumi": {"version": PINS["pulumi-aws"], "source": f"pulumi-aws=={PINS['pulumi-aws']}",
                   "modules": pulumi_schema(wheel(directory, "pulumi-aws"))},
        "pulumi_previous": {"version": PREVIOUS_PULUMI[1], "source": f"{PREVIOUS_PULUMI[0]}=={PREVIOUS_PULUMI[1]}",
                            "modules": pulumi_schema(wheel(directory, *PREVIOUS_PULUMI))},
        "cdk": {"version": PINS["aws-cdk-lib"], "source": f"aws-cdk-lib=={PINS['aws-cdk-lib']}",
                "modules": cdk_schema(cdk_assembly), "types": cdk_types, "expired_flags": expired_flags,
                "types_source": f"aws-cdk-lib=={PINS['aws-cdk-lib']}, constructs=={PINS['constructs']}"},
    }
    raw = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB; terraform aws {provider_version} and {previous_version}: "
          f"{len(terraform['resources'])} resources, {len(terraform['data'])} data sources)")


if __name__ == "__main__":
    main()
