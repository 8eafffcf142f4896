#!/bin/sh
# Development-time only: the virtualenv tools/synth_oracle.py runs answers in (never a grader dependency).
#   sh tools/setup_oracle_env.sh [VENV]     (default /work/devtools/venv; needs node >= 20 on PATH)
# The pins are the SDK releases grader/schema/schema.json.gz was built from (tools/build_schema.py).
set -eu
VENV=${1:-/work/devtools/venv}
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q \
    "aws-cdk-lib==2.275.0" "constructs>=10,<11" \
    "pulumi>=3,<4" "pulumi-aws==7.51.1" "pulumi-random" "boto3" \
    "cdktf>=0.21,<0.22" "cdktf-cdktf-provider-aws==21.22.1"
"$VENV/bin/python" -c "import aws_cdk, pulumi, pulumi_aws, cdktf; print('oracle env ready:', '$VENV')"
