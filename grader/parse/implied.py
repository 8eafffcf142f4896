"""Resources the cloud creates on its own because of a setting on another resource, whatever the dialect.

An RDS instance or cluster that exports logs (`enabled_cloudwatch_logs_exports`, CDK `cloudwatch_logs_exports`)
makes RDS create one `/aws/rds/{instance|cluster}/<id>/<log>` log group per export. They are recorded as
`aws_cloudwatch_log_group` resources with `synthesized_from` set to the owner: requirement checks count them,
checks of what the author wrote (names, schema, deployability) pass them over, as they do CDK L2 expansions.
"""

from __future__ import annotations

from ..ir import Expr, Program, Resource, scope_of
from ..resolve import resolve
from .cdk_l2 import retention_days

_EXPORTS = "enabled_cloudwatch_logs_exports"
_LOG_OWNERS = ("aws_db_instance", "aws_rds_cluster")


def _rds_log_groups(program: Program, owner: Resource) -> Resource | None:
    exports = resolve(owner.attributes.get(_EXPORTS), program, scope_of(owner.location.file))
    if isinstance(exports, list):
        if not exports:
            return None
        count: int | None = len(exports) * owner.count if owner.count is not None else None
    elif isinstance(exports, Expr):
        count = None  # a list the analysis cannot read
    else:
        return None
    attrs: dict = {"parent": Expr(owner.name, refs=(owner.address,))}
    if owner.dialect == "cdk" and "cloudwatch_logs_retention" in owner.attributes:
        attrs["retention_in_days"] = retention_days(owner.attributes["cloudwatch_logs_retention"])
    return Resource(type="aws_cloudwatch_log_group", name=owner.name, dialect=owner.dialect, location=owner.location,
                    attributes=attrs, source_type=owner.source_type, count=count, synthesized_from=owner.address,
                    refs=(owner.address,), provider=owner.provider)


def add_implied(program: Program) -> None:
    """Append the resources implied by settings on declared ones (after every front end has run)."""
    implied = [g for r in program.of_type(*_LOG_OWNERS) if r.synthesized_from is None
               and (g := _rds_log_groups(program, r)) is not None]
    program.resources.extend(implied)
