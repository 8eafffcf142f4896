"""The development-time synth oracle's verdicts (tools/synth_oracle.py); the toolchains themselves are not needed."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from synth_oracle import classify, reclassify  # noqa: E402


def test_toolchain_errors_are_rejections_and_setting_failures_are_environment_only():
    rejected = classify({"ok": False, "type": "TypeError", "message": "Bucket._internal_init() got an unexpected keyword argument 'acl2'"}, set())
    assert rejected == ("rejected", "TypeError: Bucket._internal_init() got an unexpected keyword argument 'acl2'")
    assert classify({"ok": True}, set())[0] == "accepted"
    for kind, message in (("RuntimeError", "Cannot find asset at /tmp/x/lambda"), ("ModuleNotFoundError", "No module named 'requests'"),
                          ("ConfigMissingError", "Missing required configuration variable 'proj:dbPassword'"),
                          ("FileNotFoundError", "[Errno 2] No such file or directory: 'lambda/handler.py'")):
        assert classify({"ok": False, "type": kind, "message": message}, set())[0] == "environment", message
    # a module of the answer's own that is missing is the answer's defect, and the toolchain's own modules too
    assert classify({"ok": False, "type": "ModuleNotFoundError", "message": "No module named 'lib.vpc'"}, {"lib"})[0] == "rejected"
    assert classify({"ok": False, "type": "ModuleNotFoundError", "message": "No module named 'aws_cdk.aws_foo'"}, set())[0] == "rejected"
    # None values under Pulumi mocks are the mocks' doing
    none = {"ok": False, "type": "TypeError", "message": "'NoneType' object is not subscriptable"}
    assert classify(none, set(), "pulumi")[0] == "environment"
    assert classify(none, set(), "cdk")[0] == "rejected"
    assert reclassify({"verdict": "rejected", "platform": "pulumi", "error": "TypeError: 'NoneType' object is not subscriptable"})["verdict"] == "environment"
