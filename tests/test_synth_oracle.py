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


def test_a_driver_that_calls_the_stack_class_wrongly_is_the_environment():
    missing = {"ok": False, "type": "TypeError", "message": "TapStack.__init__() missing 1 required positional argument: 'props'"}
    assert classify({**missing, "where": "oracle_runner.py:104"}, set())[0] == "environment"
    assert classify({**missing, "where": "tap.py:12"}, set())[0] == "rejected"  # the answer's own entry point
    record = {"verdict": "rejected", "platform": "cdk", "where": "oracle_runner.py:104", "error": f"TypeError: {missing['message']}"}
    assert reclassify(record)["verdict"] == "environment"
