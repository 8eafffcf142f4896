"""Runs inside the oracle virtualenv (tools/setup_oracle_env.sh), never inside the grader.

    python oracle_runner.py PLATFORM          (cwd: a scratch copy of one answer's files)

Runs the answer's program with the real toolchain -- CDK `app.synth()`, a Pulumi program under
`pulumi.runtime.set_mocks`, CDKTF `app.synth()` -- and prints one JSON line as its last output:
{"ok": bool, "type": exception class, "message": first lines, "entry": what was run}.
tools/synth_oracle.py starts it (with a timeout, no network and a throwaway HOME) and classifies the result.
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import json
import os
import re
import runpy
import sys
import traceback
from pathlib import Path

ROOT = Path.cwd()
PLATFORM = sys.argv[1]
ENTRY_NAMES = ("app.py", "tap.py", "main.py", "__main__.py", "bin/app.py", "bin/tap.py")
BASES = {"cdk": ("Stack",), "cdktf": ("TerraformStack",), "pulumi": ("ComponentResource",)}


def _sources() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if p.name != "oracle_runner.py" and "cdk.out" not in p.parts)


def _entry() -> Path | None:
    """The program the tool would run: cdk.json / cdktf.json "app", Pulumi.yaml "main", or a usual name."""
    for config in ("cdk.json", "cdktf.json"):
        path = ROOT / config
        if path.exists():
            try:
                app = json.loads(path.read_text()).get("app", "")
            except (ValueError, AttributeError):
                app = ""
            for word in str(app).split():
                if word.endswith(".py") and (ROOT / word).exists():
                    return ROOT / word
    for name in ENTRY_NAMES:
        if (ROOT / name).exists() and _runs_app((ROOT / name).read_text(errors="replace")):
            return ROOT / name
    for path in _sources():
        text = path.read_text(errors="replace")
        if path.name == "__main__.py" or (_runs_app(text) and ("__main__" in text or PLATFORM == "pulumi")):
            return path
    return None


def _runs_app(text: str) -> bool:
    """CDK and CDKTF programs make an App; a Pulumi program calls something at module level."""
    if PLATFORM != "pulumi":
        return bool(re.search(r"\bApp\s*\(", text))
    if "pulumi" not in text:
        return False  # a Lambda handler or a helper script
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return True  # let the toolchain report it
    for node in tree.body:
        call = getattr(node, "value", None) if isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign)) else None
        if isinstance(call, ast.Call):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            if name == "export" or (name[:1].isupper() and name not in ("Config", "Output")) or name == "main":
                return True
    return False


def _default_for(param: inspect.Parameter, module) -> object:
    """A value for a required constructor argument of a stack the answer never instantiates."""
    annotation = param.annotation
    if isinstance(annotation, str):
        annotation = getattr(module, annotation.split("[")[0].strip("'\" "), annotation)
    if inspect.isclass(annotation) and annotation.__module__ == module.__name__:
        return _build(annotation, module, skip=0)
    name = param.name.lower()
    if annotation is str or any(w in name for w in ("suffix", "env", "name", "region", "stage", "prefix")):
        return "us-east-1" if "region" in name else "dev"
    if annotation is int:
        return 1
    if annotation is bool:
        return False
    if annotation in (dict,) or name.endswith("tags"):
        return {}
    if annotation is list:
        return []
    return None


def _build(cls, module, skip: int, *lead):
    params = list(inspect.signature(cls).parameters.values())[skip:]
    kwargs = {}
    for p in params:
        if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            kwargs[p.name] = _default_for(p, module)
    return cls(*lead, **kwargs)


def _driver() -> str:
    """No entry point delivered: instantiate the stack classes no other answer class builds."""
    classes: list[tuple[Path, str]] = []
    used: set[str] = set()
    for path in _sources():
        try:
            tree = ast.parse(path.read_text(errors="replace"))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                    (b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "")) in BASES[PLATFORM] for b in node.bases):
                classes.append((path, node.name))
            elif isinstance(node, ast.Call):
                func = node.func
                used.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    roots = [c for c in classes if c[1] not in used] or classes[:1]
    if not roots:
        raise LookupError("no entry point and no stack class in the answer")
    if PLATFORM == "cdk":
        import aws_cdk as cdk
        app = cdk.App()
    elif PLATFORM == "cdktf":
        import cdktf
        app = cdktf.App()
    for index, (path, name) in enumerate(roots):
        module_name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module = importlib.import_module(module_name)
        cls = getattr(module, name)
        if PLATFORM == "pulumi":
            _build(cls, module, 1, f"oracle{index}")
        else:
            _build(cls, module, 2, app, f"Oracle{index}{name}")
    if PLATFORM != "pulumi":
        app.synth()
    return "driver: " + ", ".join(f"{p.relative_to(ROOT)}:{n}" for p, n in roots)


def _track(cls) -> list:
    made: list = []
    original = cls.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)
    cls.__init__ = init
    return made


def _pulumi_mocks() -> None:
    import pulumi

    calls = {
        "getAvailabilityZones": {"names": ["us-east-1a", "us-east-1b", "us-east-1c"],
                                 "zoneIds": ["use1-az1", "use1-az2", "use1-az3"], "id": "us-east-1"},
        "getCallerIdentity": {"accountId": "123456789012", "arn": "arn:aws:iam::123456789012:user/oracle",
                              "userId": "AIDAORACLE", "id": "123456789012"},
        "getRegion": {"name": "us-east-1", "region": "us-east-1", "id": "us-east-1", "endpoint": "ec2.us-east-1.amazonaws.com"},
        "getPartition": {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"},
        "getAmi": {"id": "ami-0123456789abcdef0", "imageId": "ami-0123456789abcdef0", "architecture": "x86_64"},
        "getVpc": {"id": "vpc-0123456789abcdef0", "cidrBlock": "10.0.0.0/16"},
        "getSubnets": {"ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], "id": "subnets"},
    }

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args):
            outputs = dict(args.inputs)
            outputs.setdefault("arn", f"arn:aws:mock:us-east-1:123456789012:{args.name}")
            outputs.setdefault("name", args.name)
            outputs.setdefault("id", f"{args.name}-id")
            return [f"{args.name}-id", outputs]

        def call(self, args):
            return calls.get(args.token.split(":")[-1], {})

    pulumi.runtime.set_mocks(Mocks(), project="oracle", stack="dev", preview=False)
    pulumi.runtime.set_all_config({"aws:region": "us-east-1", "oracle:environment": "dev",
                                   "oracle:environmentSuffix": "dev", "oracle:environment_suffix": "dev"})


def _pulumi_wait() -> None:
    """Let outstanding registrations finish so their errors surface (what `pulumi preview` would report)."""
    import asyncio

    from pulumi.runtime import settings, stack
    loop = asyncio.get_event_loop()
    loop.run_until_complete(stack.wait_for_rpcs())
    error = getattr(settings.SETTINGS, "rpc_manager", None)
    if error is not None and getattr(error, "unhandled_exception", None) is not None:
        raise error.unhandled_exception


class _LostDirectories(importlib.abc.MetaPathFinder):
    """`from infrastructure.vpc import ...` when the answer's vpc.py reached us without its directory."""

    def __init__(self) -> None:
        stems: dict[str, Path] = {}
        for path in _sources():
            stems.setdefault(path.stem, path)
        self.modules: dict[str, Path | None] = {}
        for path in _sources():
            try:
                tree = ast.parse(path.read_text(errors="replace"))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                names = [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else \
                    [a.name for a in node.names] if isinstance(node, ast.Import) else []
                for name in names:
                    parts = name.split(".")
                    if len(parts) > 1 and parts[-1] in stems:
                        self.modules.setdefault(name, stems[parts[-1]])
                        for i in range(1, len(parts)):
                            self.modules.setdefault(".".join(parts[:i]), None)

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.modules:
            return None
        file = self.modules[fullname]
        if file is None:
            spec = importlib.machinery.ModuleSpec(fullname, None, is_package=True)
            spec.submodule_search_locations = [str(ROOT)]
            return spec
        return importlib.util.spec_from_file_location(fullname, file)


def main() -> None:
    sys.path[:0] = [str(ROOT)]
    sys.meta_path.append(_LostDirectories())
    entry = _entry()
    apps: list = []
    result = {"ok": True, "type": "", "message": "", "entry": ""}
    try:
        if PLATFORM == "pulumi":
            _pulumi_mocks()
        elif PLATFORM == "cdk":
            import aws_cdk
            apps = _track(aws_cdk.App)
        elif PLATFORM == "cdktf":
            import cdktf
            apps = _track(cdktf.App)
        if entry is None:
            result["entry"] = "driver"
            result["entry"] = _driver()
        else:
            result["entry"] = str(entry.relative_to(ROOT))
            sys.path.insert(1, str(entry.parent))
            runpy.run_path(str(entry), run_name="__main__")
            for app in apps:  # an app that never calls synth() is synthesized as the CLI would
                app.synth()
        if PLATFORM == "pulumi":
            _pulumi_wait()
    except SystemExit as exc:
        if exc.code not in (0, None):
            result.update(ok=False, type="SystemExit", message=f"exit status {exc.code}")
    except BaseException as exc:  # the verdict is the exception, whatever it is
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(str(ROOT))]
        where = f"{Path(frames[-1].filename).relative_to(ROOT)}:{frames[-1].lineno}" if frames else ""
        stack = traceback.extract_tb(exc.__traceback__)
        users = [i for i, f in enumerate(stack) if f.filename.startswith(str(ROOT))]
        applies = [i for i, f in enumerate(stack) if f.filename.endswith(os.path.join("pulumi", "output.py"))]
        in_apply = bool(users and applies) and min(applies) < max(users)  # raised by a callback given a mock value
        result.update(ok=False, type=type(exc).__name__, message=str(exc).strip()[:600], where=where, in_apply=in_apply)
    sys.stdout.flush()
    print("\n@@ORACLE@@" + json.dumps(result), flush=True)
    os._exit(0)  # jsii's node child and pulumi's loop need no orderly shutdown


if __name__ == "__main__":
    main()
