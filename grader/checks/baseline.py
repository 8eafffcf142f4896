"""Security baseline: what a scanner such as Checkov flags whatever the prompt says.

These rules run on every answer, not only when the prompt asks for security. They report at a
lower severity than prompt-driven requirements and stay silent when PROMPT.md asks for the very
thing (SSH from anywhere, full access, a public bucket, no encryption): the prompt wins. Only
literal values are judged; a variable, an unresolved reference or a spread is never claimed.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Iterator

from ..ir import Expr, Location, Program, Resource, scope_of, walk_values
from ..resolve import resolve
from .base import Check, Context, Finding, register
from .policy import Statement, statements

# Reported with no requirement id and below the prompt's own severities. A dedicated "baseline" area needs the
# output contract's Area list (grader/report/model.py) and a report title first; until then: security.
BASELINE_AREA = "security-baseline"
PUBLIC_PORTS = frozenset({80, 443})  # what a public entry point needs
_OPEN_CIDRS = ("0.0.0.0/0", "::/0")
_OPEN_WORDS = r"(?:anywhere|0\.0\.0\.0/0|::/0|the internet|internet|public(?:ly)?|any ip|all ips|any source|world|everyone|open)"
_SERVICE_PORTS = {22: "ssh", 3389: "rdp", 3306: "mysql", 5432: "postgres", 6379: "redis", 1433: "sql server",
                  27017: "mongo", 8080: "8080", 21: "ftp", 23: "telnet", 25: "smtp", 53: "dns"}


def _lines(prompt: str, term: str) -> list[str]:
    """The prompt's sentences (a line, or a sentence within one) that name `term`."""
    parts = re.split(r"\n|(?<=[.;!?])\s+", prompt)
    return [p for p in parts if re.search(term, p, re.I)]


_SOURCE_LIMIT = r"\b(?!0\.0\.0\.0/0)\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}|only from"  # a CIDR other than the world's
_RESTRICTED = (_SOURCE_LIMIT + r"|restrict|specific|bastion|vpn|office|trusted|"
               r"security group|within the vpc|internal|private|allowed (?:ip|cidr)|whitelist|allowlist|corporate")


def _asked_open(prompt: str, term: str) -> bool:
    """The prompt opens `term` (a port or service) to the world, or asks for it with no restriction on the source."""
    for line in _lines(prompt, term):
        if re.search(_OPEN_WORDS, line, re.I) and not re.search(_SOURCE_LIMIT, line, re.I):
            return True
        if re.search(r"inbound|ingress|allow|open|access", line, re.I) and not re.search(_RESTRICTED, line, re.I):
            return True
    return False


# ---- open ingress -------------------------------------------------------------------------------

def _port(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _ingress_rules(program: Program) -> Iterator[tuple[Resource, str, str, int | None, int | None, str]]:
    """(resource, attribute, protocol, from port, to port, open cidr) for each literal ingress rule open to the world."""
    for r in program.managed():
        rules: list[tuple[str, dict]] = []
        if r.type == "aws_security_group":
            key = "ingress"
            rules = [(key, b) for b in (r.attributes.get(key) or []) if isinstance(b, dict)] if isinstance(r.attributes.get(key), list) else []
        elif r.type == "aws_security_group_rule" and r.attributes.get("type") == "ingress":
            rules = [("cidr_blocks", r.attributes)]
        elif r.type == "aws_vpc_security_group_ingress_rule":
            a = r.attributes
            rules = [("cidr_ipv4", {"cidr_blocks": [a.get("cidr_ipv4"), a.get("cidr_ipv6")], "protocol": a.get("ip_protocol"),
                                    "from_port": a.get("from_port"), "to_port": a.get("to_port")})]
        for key, rule in rules:
            if "__dynamic__" in rule:
                continue
            cidrs = [c for c in walk_values([rule.get("cidr_blocks"), rule.get("ipv6_cidr_blocks")]) if isinstance(c, str)]
            cidr = next((c for c in cidrs if c.strip() in _OPEN_CIDRS), None)
            protocol = rule.get("protocol")
            if cidr is None or not isinstance(protocol, (str, int)):
                continue
            protocol = str(protocol).lower()
            if protocol in ("-1", "all"):
                yield r, key, "all", None, None, cidr
            elif protocol in ("tcp", "udp", "6", "17"):
                low, high = _port(rule.get("from_port")), _port(rule.get("to_port"))
                if low is not None and high is not None and high >= low and high > 0:
                    yield r, key, "udp" if protocol in ("udp", "17") else "tcp", low, high, cidr
        if r.dialect == "cdk":
            for text in r.meta.get("calls", []):
                yield from _cdk_ingress(r, text)


_CDK_PEERS = {"any_ipv4": "0.0.0.0/0", "any_ipv6": "::/0"}


def _cdk_ingress(r: Resource, text: str) -> Iterator[tuple[Resource, str, str, int | None, int | None, str]]:
    """`sg.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(22))`, `x.connections.allow_from_any_ipv4(ec2.Port.tcp(22))`."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
        return
    method, args = call.func.attr, list(call.args)
    if method == "add_ingress_rule" or method == "allow_from":
        if len(args) < 2:
            return
        peer, port = args[0], args[1]
        cidr = _cdk_peer(peer)
    elif method in ("allow_from_any_ipv4", "allow_from_any_ipv6"):
        if not args:
            return
        cidr, port = ("0.0.0.0/0" if method.endswith("ipv4") else "::/0"), args[0]
    else:
        return
    if cidr is None or not isinstance(port, ast.Call) or not isinstance(port.func, ast.Attribute):
        return
    kind = port.func.attr
    nums = [a.value for a in port.args if isinstance(a, ast.Constant) and isinstance(a.value, int)]
    if kind == "all_traffic":
        yield r, "calls", "all", None, None, cidr
    elif kind in ("all_tcp", "all_udp"):
        yield r, "calls", kind[4:], 0, 65535, cidr
    elif kind in ("tcp", "udp") and len(nums) == 1 == len(port.args):
        yield r, "calls", kind, nums[0], nums[0], cidr
    elif kind in ("tcp_range", "udp_range") and len(nums) == 2 == len(port.args):
        yield r, "calls", kind[:3], nums[0], nums[1], cidr


def _cdk_peer(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in _CDK_PEERS and not node.args:
            return _CDK_PEERS[node.func.attr]
        if node.func.attr in ("ipv4", "ipv6") and len(node.args) == 1 and isinstance(node.args[0], ast.Constant):
            value = str(node.args[0].value).strip()
            return value if value in _OPEN_CIDRS else None
    return None


@register
class OpenIngress(Check):
    id = "BAS001"
    name = "baseline-open-ingress"
    area = BASELINE_AREA
    severity = "medium"
    description = ("Security baseline: a security group admits 0.0.0.0/0 or ::/0 on ports other than 80/443 "
                   "(all traffic, SSH, RDP, database ports), unless the prompt asks for it.")
    why = "Anything on the internet can reach those ports; scanners (Checkov CKV_AWS_24/25/260/277) flag it whatever the task."
    fix = "Open only 80/443 to the world; admit admin and database ports from a CIDR or security group you control."
    bad = ('resource "aws_security_group" "web" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n'
           '    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}')
    good = bad.replace("22", "443")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        prompt = ctx.prompt or ""
        checked = flagged = 0
        seen: set[tuple[str, str]] = set()
        for r, key, protocol, low, high, cidr in _ingress_rules(program):
            checked += 1
            if protocol == "all":
                what = "all traffic (every protocol and port)"
                asked = any(re.search(_OPEN_WORDS + "|inbound|ingress", line, re.I)
                            for line in _lines(prompt, r"all (?:inbound |ingress )?(?:traffic|ports|protocols)|any port"))
            else:
                if low is not None and high is not None and all(p in PUBLIC_PORTS for p in range(low, high + 1)):
                    continue
                ports = [p for p in range(low, min(high, low + 70000) + 1) if p not in PUBLIC_PORTS] if low is not None else []
                what = f"{protocol} port {low}" if low == high else f"{protocol} ports {low}-{high}"
                terms = [rf"\b{p}\b" for p in ports[:20]] + [rf"\b{_SERVICE_PORTS[p]}\b" for p in ports if p in _SERVICE_PORTS]
                asked = any(_asked_open(prompt, t) for t in terms) or (high - low > 1000 and _asked_open(prompt, r"all ports|any port"))
            if asked or (r.address, what) in seen:
                continue
            seen.add((r.address, what))
            flagged += 1
            yield self.finding("fail", f"`{r.address}` admits {what} from {cidr}, and the prompt does not ask for it.",
                               [r.line_of(key)], found=f"{cidr} {what}"[:60])
        if checked and not flagged:
            yield self.finding("pass", "No security group opens ports other than 80/443 to the world beyond what the prompt asks.")


# ---- wildcard IAM -------------------------------------------------------------------------------

_KEY_POLICY_TYPES = ("aws_kms_key", "aws_kms_key_policy", "aws_kms_replica_key")
_MANAGED_ARN = re.compile(r"arn:(?:aws|\$?\{[^}]*\}):iam::aws:policy/((?:[\w+=,.@-]+/)*[\w+=,.@-]+)")  # the aws partition
_ATTACH_KEYS = ("policy_arn", "policy_arns", "managed_policy_arns", "managed_policies")
_BROAD_POLICY = re.compile(r"^(?:AdministratorAccess|PowerUserAccess|IAMFullAccess|\w+FullAccess)$")
_ASKS_BROAD = r"full[- ](?:access|control|permissions)|administrator|admin access|admin privileges|wildcard|all actions|unrestricted|\bpoweruser"


def _wildcards(st: Statement) -> list[str]:
    if st.effect != "Allow" or st.principal is not None or st.not_action or "*" not in st.resources:
        return []
    return [a for a in st.actions if a.strip() == "*" or re.fullmatch(r"[a-z0-9-]+:\*", a.strip())]


def managed_policy_names(program: Program) -> Iterator[tuple[Resource, str, str]]:
    """(resource, attribute, managed policy path/name) for each literal AWS managed policy the code attaches."""
    for r in program.resources:
        for key, value in r.attributes.items():
            attaches = key in _ATTACH_KEYS and ("policy_attachment" in r.type or r.type in ("aws_iam_role", "aws_iam_user", "aws_iam_group"))
            for leaf in walk_values(value):
                text = leaf.text if isinstance(leaf, Expr) else leaf if isinstance(leaf, str) else None
                if not text or "policy/" not in text and "managed_policy" not in text:
                    continue
                for m in _MANAGED_ARN.finditer(text) if attaches else ():
                    if "${" not in m.group(1) and "{" not in m.group(1):
                        yield r, key, m.group(1)
                for m in re.finditer(r"from_aws_managed_policy_name\(\s*['\"]([^'\"{}]+)['\"]\s*\)", text):
                    yield r, key, m.group(1)
        for text in r.meta.get("calls", []):
            for m in re.finditer(r"from_aws_managed_policy_name\(\s*['\"]([^'\"{}]+)['\"]\s*\)", text):
                yield r, "calls", m.group(1)


# a tfvars value written for the user to replace: "your-secure-password", "<db-password>", "CHANGE_ME"
_FILL_IN = re.compile(r"<[^>]*>|(?:your|my)[-_ ][\w -]*|(?:change|replace)[-_ ]?me\w*|placeholder\w*|x{4,}", re.I)


@register
class WildcardIam(Check):
    id = "BAS002"
    name = "baseline-wildcard-iam"
    area = BASELINE_AREA
    severity = "medium"
    description = ("Security baseline: an identity policy allows Action \"*\" or \"service:*\" on Resource \"*\", or attaches "
                   "AdministratorAccess / a *FullAccess managed policy, unless the prompt asks for it (key policies are exempt).")
    why = "Least privilege: a wildcard grants every action of the service on every resource (Checkov CKV_AWS_62/63/290/355)."
    fix = "List the actions the workload calls and scope Resource to the ARNs it uses."
    bad = ('resource "aws_iam_policy" "app" {\n  policy = jsonencode({\n    Version = "2012-10-17"\n'
           '    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }]\n  })\n}')
    good = bad.replace('Action = "s3:*", Resource = "*"', 'Action = ["s3:GetObject"], Resource = "arn:aws:s3:::logs/*"')

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        prompt = ctx.prompt or ""
        asked_broad = bool(re.search(_ASKS_BROAD, prompt, re.I))
        checked = flagged = 0
        seen: set[tuple[str, str]] = set()
        for st in statements(program, skip_types=_KEY_POLICY_TYPES):
            if st.principal is not None:
                continue  # a resource policy (bucket, key, topic): judged elsewhere
            checked += 1
            wide = [a for a in _wildcards(st) if a not in prompt and (st.resource.address, a) not in seen]
            if asked_broad or not wide:
                continue
            seen.update((st.resource.address, a) for a in wide)
            flagged += 1
            shown = ", ".join(f"`{a}`" for a in wide[:6]) + (f" and {len(wide) - 6} more" if len(wide) > 6 else "")
            yield self.finding("fail", f"`{st.resource.address}` allows {shown} on Resource `*`; the prompt does not ask "
                               "for that breadth.", [st.location], found=wide[0])
        for r, key, name in managed_policy_names(program):
            base = name.rsplit("/", 1)[-1]
            if not _BROAD_POLICY.match(base):
                continue
            checked += 1
            if asked_broad or re.search(re.escape(base), prompt, re.I) or (r.address, base) in seen:
                continue
            seen.add((r.address, base))
            flagged += 1
            yield self.finding("fail", f"`{r.address}` attaches the AWS managed policy `{base}`, which grants full access on every "
                               "resource; the prompt does not ask for it.", [r.line_of(key)], found=base)
        if checked and not flagged:
            yield self.finding("pass", "No wildcard IAM grants beyond what the prompt asks.")


# ---- encryption disabled ------------------------------------------------------------------------

# (resource type, path of nested blocks..., attribute): a literal false (or the value given) switches encryption off.
_ENCRYPTION_OFF: dict[str, list[tuple[tuple[str, ...], Any]]] = {
    "aws_db_instance": [(("storage_encrypted",), False)],
    "aws_rds_cluster": [(("storage_encrypted",), False)],
    "aws_docdb_cluster": [(("storage_encrypted",), False)],
    "aws_neptune_cluster": [(("storage_encrypted",), False)],
    "aws_ebs_volume": [(("encrypted",), False)],
    "aws_efs_file_system": [(("encrypted",), False)],
    "aws_redshift_cluster": [(("encrypted",), False)],
    "aws_elasticache_replication_group": [(("at_rest_encryption_enabled",), False), (("transit_encryption_enabled",), False)],
    "aws_instance": [(("root_block_device", "encrypted"), False), (("ebs_block_device", "encrypted"), False)],
    "aws_launch_template": [(("block_device_mappings", "ebs", "encrypted"), False)],
    "aws_opensearch_domain": [(("encrypt_at_rest", "enabled"), False), (("node_to_node_encryption", "enabled"), False)],
    "aws_elasticsearch_domain": [(("encrypt_at_rest", "enabled"), False), (("node_to_node_encryption", "enabled"), False)],
    "aws_kinesis_stream": [(("encryption_type",), "NONE")],
    "aws_msk_cluster": [(("encryption_info", "encryption_in_transit", "client_broker"), "PLAINTEXT")],
    "aws_dax_cluster": [(("server_side_encryption", "enabled"), False)],
}
_ASKS_PLAIN = (r"unencrypted|without encryption|no encryption|encryption (?:is )?(?:disabled|off|not required|optional)|"
               r"disable[sd]? (?:the )?encryption|plain ?text|encryption[^.]{0,40}\b(?:false|disabled)\b")


def _is_off(value: Any, off: Any) -> bool:
    if isinstance(value, Expr):
        return False
    if off is False:
        return value is False or (isinstance(value, str) and value.strip().lower() == "false")
    return isinstance(value, str) and value.strip().upper() == off


def _values_at(value: Any, path: tuple[str, ...]) -> Iterator[Any]:
    if not path:
        yield value
        return
    blocks = value if isinstance(value, list) else [value]
    for block in blocks:
        if isinstance(block, dict) and path[0] in block and "__dynamic__" not in block:
            yield from _values_at(block[path[0]], path[1:])


@register
class EncryptionDisabled(Check):
    id = "BAS003"
    name = "baseline-encryption-disabled"
    area = BASELINE_AREA
    severity = "low"
    description = ("Security baseline: encryption explicitly switched off (storage_encrypted = false, encrypted = false, "
                   "at-rest or in-transit encryption disabled), unless the prompt asks for it.")
    why = "Data at rest or in transit stays readable; scanners flag an explicit opt-out whatever the task."
    fix = "Remove the opt-out (or set it to true), with a customer key where the task calls for one."
    bad = 'resource "aws_db_instance" "db" {\n  engine            = "postgres"\n  storage_encrypted = false\n}'
    good = bad.replace("false", "true")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        asked = bool(re.search(_ASKS_PLAIN, ctx.prompt or "", re.I))
        checked = flagged = 0
        for r in program.managed():
            for path, off in _ENCRYPTION_OFF.get(r.type, []):
                for value in _values_at(r.attributes, path):
                    checked += 1
                    if not _is_off(value, off) or asked:
                        continue
                    flagged += 1
                    shown = "false" if off is False else off
                    yield self.finding("fail", f"`{r.address}` sets `{'.'.join(path)} = {shown}`: encryption is switched off, "
                                       "and the prompt does not ask for that.", [r.line_of(path[0])], found=".".join(path))
        if checked and not flagged:
            yield self.finding("pass", "No encryption setting is switched off.")


# ---- public buckets and databases ---------------------------------------------------------------

_PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")
_ASKS_PUBLIC = (r"public(?:ly)?[- ](?:read|readable|accessible|access|bucket|website|assets|content)|static (?:web ?)?site|"
                r"static (?:images|assets|content|files|media)|website hosting|host(?:ing)? a (?:static )?website|anonymous")


def _anyone(principal: Any) -> bool:
    if isinstance(principal, str):
        return principal.strip() == "*"
    if isinstance(principal, dict):
        aws = {str(k).lower(): v for k, v in principal.items()}.get("aws")
        return aws == "*" or (isinstance(aws, list) and "*" in aws)
    if isinstance(principal, list):
        return any(isinstance(p, dict) and p.get("type") in ("*", "AWS") and "*" in (p.get("identifiers") or []) for p in principal)
    if isinstance(principal, Expr):
        return bool(re.search(r"(?:AnyPrincipal|StarPrincipal)\(\)", principal.text))
    return False


@register
class PublicAccess(Check):
    id = "BAS004"
    name = "baseline-public-access"
    area = BASELINE_AREA
    severity = "medium"
    description = ("Security baseline: a public S3 ACL (public-read, public-read-write), a bucket policy allowing anyone "
                   "without a condition, CDK public_read_access, or a publicly accessible database, unless the prompt asks for it.")
    why = "The data is readable (or writable) from the internet (Checkov CKV_AWS_20/57/17)."
    fix = "Keep buckets private (serve through CloudFront with an origin access control) and databases in private subnets."
    bad = 'resource "aws_s3_bucket_acl" "site" {\n  bucket = aws_s3_bucket.site.id\n  acl    = "public-read"\n}'
    good = bad.replace("public-read", "private")

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        prompt = ctx.prompt or ""
        asked_bucket = bool(re.search(_ASKS_PUBLIC, prompt, re.I))
        asked_db = bool(re.search(r"publicly accessible|public(?:ly)? (?:reachable|available) database|public database", prompt, re.I))
        found: list[tuple[str, Location, str]] = []
        checked = 0
        for r in program.managed():
            if r.type in ("aws_s3_bucket", "aws_s3_bucket_acl"):
                checked += 1
                acl = r.attributes.get("acl")
                access = r.attributes.get("access_control")
                if isinstance(acl, str) and acl in _PUBLIC_ACLS and not asked_bucket:
                    found.append((f"`{r.address}` sets the canned ACL `{acl}`", r.line_of("acl"), acl))
                elif isinstance(access, Expr) and re.search(r"\.PUBLIC_READ(?:_WRITE)?$", access.text) and not asked_bucket:
                    found.append((f"`{r.address}` sets access_control {access.text.rsplit('.', 1)[-1]}", r.line_of("access_control"), "acl"))
                if r.attributes.get("public_read_access") is True and not asked_bucket:
                    found.append((f"`{r.address}` sets public_read_access=True", r.line_of("public_read_access"), "public_read_access"))
            if r.type in ("aws_db_instance", "aws_rds_cluster_instance", "aws_redshift_cluster"):
                checked += 1
                if r.attributes.get("publicly_accessible") is True and not asked_db:
                    found.append((f"`{r.address}` sets publicly_accessible = true", r.line_of("publicly_accessible"), "publicly_accessible"))
        for st in statements(program):
            if st.resource.type not in ("aws_s3_bucket_policy", "aws_s3_bucket") and not (
                    st.resource.type == "aws_iam_policy_document" and _feeds_bucket_policy(program, st.resource)):
                continue
            checked += 1
            if st.effect == "Allow" and _anyone(st.principal) and not st.condition and not asked_bucket:
                found.append((f"`{st.resource.address}` allows anyone (Principal \"*\") {', '.join(st.actions[:3]) or 'access'} "
                              "with no condition", st.location, "Principal *"))
        for message, location, what in found:
            yield self.finding("fail", f"{message}: the data is open to the internet, and the prompt does not ask for that.",
                               [location], found=what)
        if checked and not found:
            yield self.finding("pass", "No public bucket or database beyond what the prompt asks.")


def _feeds_bucket_policy(program: Program, document: Resource) -> bool:
    return any(document.address in r.refs or any(document.address in str(v) for v in walk_values(r.attributes.get("policy")))
               for r in program.of_type("aws_s3_bucket_policy"))


# ---- hard-coded secrets -------------------------------------------------------------------------

_SECRET_ATTRS: dict[str, tuple[str, ...]] = {
    "aws_db_instance": ("password",), "aws_rds_cluster": ("master_password",), "aws_docdb_cluster": ("master_password",),
    "aws_neptune_cluster": ("master_password",), "aws_redshift_cluster": ("master_password",),
    "aws_redshiftserverless_namespace": ("admin_user_password",), "aws_elasticache_replication_group": ("auth_token",),
    "aws_directory_service_directory": ("password",), "aws_mq_broker": ("user.password",),
    "aws_opensearch_domain": ("advanced_security_options.master_user_options.master_user_password",),
    "aws_dms_endpoint": ("password",),
}
_NEGATED_BEFORE = re.compile(r"\b(?:no|not|never|avoid(?:ing)?|without|don't|do not|must not|prohibit\w*|forbid\w*|instead of)\b[^.]{0,20}$", re.I)
# A literal wrapped as a secret (Pulumi Output.secret) is still a literal in the source.
_WRAPPED_LITERAL = re.compile(r"((?:pulumi\.)?Output\.(?:secret|from_input))\(\s*(['\"])([^'\"{}$]+)\2\s*\)")
_PLAINTEXT_SECRET = re.compile(r"SecretValue\.(?:unsafe_plain_text|plain_text)\(\s*(['\"])([^'\"]+)\1\s*\)")


def _secret_values(r: Resource, dotted: str) -> Iterator[Any]:
    yield from _values_at(r.attributes, tuple(dotted.split(".")))


@register
class HardcodedSecret(Check):
    id = "BAS005"
    name = "baseline-hardcoded-secret"
    area = BASELINE_AREA
    severity = "medium"
    description = ("Security baseline: a literal password or auth token (a database master password, a variable default "
                   "feeding one, CDK SecretValue.unsafe_plain_text), unless the prompt gives it.")
    why = "The secret sits in the repository and in state/templates in clear text (Checkov CKV_SECRET, CKV_AWS_41)."
    fix = "Generate it (random_password, manage_master_user_password, Secrets Manager) and pass it by reference."
    bad = 'resource "aws_db_instance" "db" {\n  username = "admin"\n  password = "ChangeMe123456!"\n}'
    good = 'resource "aws_db_instance" "db" {\n  username                    = "admin"\n  manage_master_user_password = true\n}'

    def run(self, program: Program, ctx: Context) -> Iterator[Finding]:
        prompt = ctx.prompt or ""
        asked = any(not _NEGATED_BEFORE.search(line[:m.start()]) for line in _lines(prompt, "hard[- ]?cod")
                    for m in re.finditer(r"hard[- ]?cod(?:e|ed|ing)[^.]{0,60}(?:password|secret|credential)", line, re.I))
        checked = flagged = 0
        for r in program.managed():
            for dotted in _SECRET_ATTRS.get(r.type, ()):
                for value in _secret_values(r, dotted):
                    checked += 1
                    text, how = self._literal(value, program, r)
                    if not text or asked or text in prompt:
                        continue
                    flagged += 1
                    yield self.finding("fail", f"`{r.address}.{dotted}` is a hard-coded secret{how}.",
                                       [r.line_of(dotted.split(".")[0])], found=dotted)
            if r.dialect == "cdk":
                texts = [leaf.text for leaf in walk_values(r.attributes) if isinstance(leaf, Expr)] + r.meta.get("calls", [])
                literals = sorted({m.group(2) for text in texts for m in _PLAINTEXT_SECRET.finditer(text)})
                checked += len(literals)
                literals = [v for v in literals if v not in prompt]
                if literals and not asked:
                    flagged += 1
                    count = f"{len(literals)} hard-coded secrets" if len(literals) > 1 else "a hard-coded secret"
                    yield self.finding("fail", f"`{r.address}` passes {count} with SecretValue.unsafe_plain_text/plain_text: "
                                       "the value sits in the template in clear text.", [r.location], found="SecretValue")
        if checked and not flagged:
            yield self.finding("pass", "No hard-coded passwords or tokens.")

    @staticmethod
    def _literal(value: Any, program: Program, r: Resource) -> tuple[str | None, str]:
        if isinstance(value, str):
            return (value, "") if value.strip() and "${" not in value else (None, "")
        if isinstance(value, Expr) and (wrapped := _WRAPPED_LITERAL.fullmatch(value.text.strip())):
            return wrapped.group(3), f" (`{wrapped.group(1)}` only hides it from logs)"
        if isinstance(value, Expr) and re.fullmatch(r"var\.[\w-]+", value.text.strip()):
            resolved = resolve(value, program, scope_of(r.location.file))
            name = value.text.strip()[4:]
            if name in program.tfvars_varying and isinstance(program.tfvars.get(name), str):
                resolved = program.tfvars[name]  # each environment's tfvars writes one: hard-coded whichever applies
            if name in program.tfvars and isinstance(resolved, str) and _FILL_IN.fullmatch(resolved.strip()):
                return None, ""  # "db_password = \"your-secure-password\"" in a tfvars: a value for the user to fill in
            if isinstance(resolved, str) and resolved.strip() and "${" not in resolved:
                return resolved, f" (`{value.text.strip()}` is given the literal in the code)"
        return None, ""

