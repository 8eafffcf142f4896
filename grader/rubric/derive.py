"""Derive a rubric from PROMPT.md: deterministic, offline, read from the prompt's structure.

The prompt is split with markdown-it into statements (list items, paragraphs, table rows,
headings), each with its line and section. Extractors read the statements; a mention that is
negated ("no public access", "must not use NAT") never becomes a presence requirement, and a
conditional or optional one ("optionally", "if needed", an "Optional Enhancements" section)
becomes a low-weight requirement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from ..resolve import REGION
from .catalog import CONCEPTS
from .model import CheckSpec, Requirement, Rubric

_MD = MarkdownIt("commonmark").enable("table")
_NEGATION = re.compile(r"\b(?:no|not|never|without|avoid|don'?t|do not|must not|shouldn'?t|should not|cannot|exclud\w*|instead of|rather than|except)\b[^.;:]*$", re.I)
_CONDITIONAL = re.compile(r"\b(?:optional(?:ly)?|if (?:needed|required|applicable|desired)|where (?:applicable|needed)|may|could|nice to have|consider)\b", re.I)
_EXISTING = re.compile(r"\b(?:already (?:exists?|have|has|configured|defined|in place|present)|existing|is provided|are provided|pre-?existing)\b", re.I)
_SKIP_SECTIONS = re.compile(r"optional|nice to have|background|context|out of scope|non-goals|example output|expected output", re.I)
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
            "single": 1, "a pair of": 2, "multiple": 2, "both": 2}
_COUNT_BEFORE = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|single)\s+(?:[\w-]+\s+){0,2}$", re.I)
_FILE = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.(?:tf|py|tfvars|json|ya?ml))\b")
_TAG_STOP = {"The", "All", "Resources", "Resource", "Tag", "Tags", "Tagging", "Must", "Should", "Include", "Including", "Required",
             "And", "AWS", "Every", "Each", "Apply", "Use", "With", "For", "Key", "Keys", "Value", "Values", "Consistent", "Standard",
             "Proper", "Appropriate", "Following", "Like", "Such", "As", "E", "G", "Cost", "Allocation", "Mandatory", "These", "Add"}


@dataclass
class Statement:
    text: str
    line: int
    section: str
    negated_spans: list[tuple[int, int]]
    conditional: bool


def statements(prompt: str) -> list[Statement]:
    """Prompt text split into statements with their line and enclosing heading."""
    out: list[Statement] = []
    section = ""
    tokens = _MD.parse(prompt)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            section = tokens[i + 1].content
        if tok.type != "inline" or not tok.map:
            continue
        line = tok.map[0] + 1
        for offset, raw in enumerate(tok.content.split("\n")):
            for sentence in _pieces(raw):
                text = sentence.strip()
                if text:
                    out.append(Statement(text, line + offset, section, [], bool(_CONDITIONAL.search(text)) or bool(_SKIP_SECTIONS.search(section))))
    return out


_MAX_STATEMENT = 2_000  # characters; the longest sentence of the development corpus has 888


def _pieces(line: str) -> list[str]:
    """A line's sentences; one longer than _MAX_STATEMENT is cut at spaces (the rules' regexes are linear per statement)."""
    out: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line):
        while len(sentence) > _MAX_STATEMENT:
            cut = sentence.rfind(" ", _MAX_STATEMENT // 2, _MAX_STATEMENT)
            cut = cut if cut > 0 else _MAX_STATEMENT
            out.append(sentence[:cut])
            sentence = sentence[cut:]
        out.append(sentence)
    return out


def _negated(text: str, start: int) -> bool:
    """Is the mention at `start` governed by a negation earlier in its clause?"""
    clause = re.split(r"[.;:,]|\band\b|\bbut\b", text[:start])[-1]
    return bool(_NEGATION.search(clause))


def _count(text: str, start: int) -> int | None:
    m = _COUNT_BEFORE.search(text[:start])
    if not m:
        return None
    word = m.group(1).lower()
    return int(word) if word.isdigit() else _NUMBERS.get(word)


class _Builder:
    def __init__(self) -> None:
        self.requirements: list[Requirement] = []
        self.keys: set[str] = set()

    def add(self, key: str, area: str, text: str, line: int, check: str, params: dict | None = None,
            severity: str = "medium", weight: float = 1.0) -> None:
        if key in self.keys:
            return
        self.keys.add(key)
        rid = f"R{len(self.requirements) + 1:02d}-{re.sub(r'[^a-z0-9]+', '-', key.lower()).strip('-')[:40]}"
        self.requirements.append(Requirement(id=rid, area=area, text=text[:300], line=line, severity=severity, weight=weight,
                                             checks=[CheckSpec(id=check, params=params or {})]))


def derive_rubric(prompt: str, platform: str | None = None, language: str | None = None) -> Rubric:
    """A rubric of what PROMPT.md requires, ready to write out as YAML and edit."""
    b = _Builder()
    stmts = statements(prompt)
    _files(stmts, b)
    _regions(stmts, b)
    _concepts(stmts, b)
    _security(stmts, b)
    _monitoring(stmts, b)
    _data(stmts, b)
    _tags_and_names(stmts, b)
    _outputs(stmts, b)
    _error_handling(stmts, b)
    title = next((s.text for s in stmts if s.line == 1), "")[:120]
    return Rubric(title=title, platform=platform, language=language, requirements=b.requirements)


def _files(stmts: list[Statement], b: _Builder) -> None:
    wanted: dict[str, Statement] = {}
    for s in stmts:
        if _EXISTING.search(s.text):
            continue
        for m in _FILE.finditer(s.text):
            name = m.group(1).lstrip("/")
            if not _negated(s.text, m.start()) and not name.startswith(("test", "tests/")):
                wanted.setdefault(name, s)
    single = next((s for s in stmts if re.search(r"\b(?:single|one)\s+(?:terraform\s+|python\s+|hcl\s+)?(?:file|script)\b|all (?:the )?code (?:must be |should be )?in (?:a |one )", s.text, re.I)), None)
    code = [n for n in wanted if n.endswith((".tf", ".py"))]
    if code:
        first = wanted[code[0]]
        b.add("deliverable-files", "structure", f"Deliver {', '.join(code[:6])}" + (" in a single file" if single else ""),
              first.line, "REQ001", {"files": code[:10], "single_file": bool(single)}, severity="high")
    elif single:
        b.add("deliverable-files", "structure", single.text, single.line, "REQ001", {"files": [], "single_file": True}, severity="high")
    modules = next((s for s in stmts if re.search(r"\b(?:as|into|use|using|with|create)\s+(?:\w+\s+){0,3}modules?\b|\bmodular\b", s.text, re.I)
                    and not _negated(s.text, re.search(r"modul", s.text, re.I).start())), None)
    if modules:
        b.add("modules", "structure", modules.text, modules.line, "REQ002", {}, severity="medium")


def _regions(stmts: list[Statement], b: _Builder) -> None:
    regions: list[str] = []
    first: Statement | None = None
    for s in stmts:
        for m in REGION.finditer(s.text):
            if _negated(s.text, m.start()) or m.group(0) in regions:
                continue
            regions.append(m.group(0))
            first = first or s
        if re.search(r"\ball (?:active |enabled |available )?regions\b", s.text, re.I):
            concept = next((c for c in CONCEPTS if c.regex.search(s.text)), None)
            b.add(f"all-regions-{concept.id if concept else 'any'}", "region", s.text, s.line, "REQ011",
                  {"concept": concept.id if concept else None}, severity="high")
    if regions and first is not None:
        b.add("regions", "region", f"Deploy in {', '.join(regions)}", first.line, "REQ010", {"regions": regions}, severity="high")


def _concepts(stmts: list[Statement], b: _Builder) -> None:
    for s in stmts:
        for concept in CONCEPTS:
            for m in concept.regex.finditer(s.text):
                if _negated(s.text, m.start()) or _EXISTING.search(s.text):
                    continue
                count = _count(s.text, m.start())
                per_az = bool(re.search(r"\b(?:per|each|every)\s+(?:availability zone|az)\b|in each az", s.text[m.start():m.start() + 80], re.I))
                params = {"concept": concept.id}
                if count and count > 1:
                    params["min_count"] = count
                if per_az:
                    params["per_az"] = True
                b.add(f"concept-{concept.id}", concept.area, s.text, s.line, "REQ020", params,
                      severity="low" if s.conditional else "medium", weight=0.5 if s.conditional else 1.0)
                break
        m = re.search(r"(\d+|two|three|four|five|six)\s+(?:availability zones|azs)\b", s.text, re.I)
        if m:
            word = m.group(1).lower()
            b.add("az-count", "networking", s.text, s.line, "REQ021", {"count": int(word) if word.isdigit() else _NUMBERS[word]})


def _security(stmts: list[Statement], b: _Builder) -> None:
    for s in stmts:
        t = s.text
        low = t.lower()
        if re.search(r"at rest", low) or (re.search(r"encrypt|\bkms\b|customer[- ]managed key|\bcmk", low) and not re.search(r"in[- ]transit", low)):
            kms = bool(re.search(r"\bkms\b|customer[- ]managed|\bcmk", low))
            b.add("encryption-at-rest", "encryption", t, s.line, "REQ030", {"kms": kms}, severity="high")
        if re.search(r"\btls\b|in[- ]transit|\bssl\b|securetransport|secure transport|https[- ]only|enforce[sd]? https|https everywhere|redirect[^.]*https", low):
            m = re.search(r"tls\s*(?:v(?:ersion)?\s*)?(1\.[0-3])", low)
            b.add("tls-in-transit", "encryption", t, s.line, "REQ031", {"min_tls": m.group(1) if m else "1.2"}, severity="high")
        if re.search(r"least[- ]privilege|minimal permissions|minimum (?:required )?permissions|no wildcard", low):
            b.add("least-privilege", "security", t, s.line, "REQ040", {}, severity="high")
        ports = [int(p) for p in re.findall(r"\bports?\s+(\d{2,5})|\((\d{2,5})\)|\b(\d{2,5})\s*\(https?\)", low) for p in p if p] if "port" in low or "inbound" in low else []
        if ports and re.search(r"\bonly\b|\brestrict|\ballow", low) and re.search(r"inbound|ingress|security group|allow", low):
            b.add("allowed-ports", "networking", t, s.line, "REQ041", {"ports": sorted(set(ports))}, severity="high")
        if re.search(r"(?:outbound|egress)[^.]*(?:least[- ]privilege|restrict|deny|limited)|(?:deny|restrict)[^.]*(?:outbound|egress)", low):
            b.add("egress-restricted", "networking", t, s.line, "REQ042", {}, severity="medium")
        if re.search(r"block (?:all )?public access|not (?:be )?publicly accessible|no public access|private(?:ly)? access only|public access (?:must be |should be )?blocked", low):
            b.add("no-public-access", "security", t, s.line, "REQ043", {}, severity="high")
        if re.search(r"bucket polic(?:y|ies)[^.]*(?:role|principal|restrict|limit)", low):
            b.add("bucket-policy-restricted", "security", t, s.line, "REQ044", {}, severity="medium")


def _monitoring(stmts: list[Statement], b: _Builder) -> None:
    for s in stmts:
        low = s.text.lower()
        if re.search(r"alarms?\b[^.]*(?:sns|notif|alert|email)|(?:sns|notif|alert)[^.]*alarms?", low):
            b.add("alarm-notifications", "monitoring", s.text, s.line, "REQ050", {}, severity="medium")
        if re.search(r"guard ?duty[^.]*(?:sns|eventbridge|notif|alert|route)|(?:sns|notif|alert)[^.]*guard ?duty", low):
            b.add("guardduty-routing", "monitoring", s.text, s.line, "REQ051", {"source": "aws.guardduty"}, severity="medium")
        m = re.search(r"(\d+)[- ]?days?", low) if re.search(r"\blogs?\b|log groups?", low) and re.search(r"retention|retain", low) else None
        if m and not re.search(r"backup", low):
            b.add("log-retention", "monitoring", s.text, s.line, "REQ052", {"days": int(m.group(1))}, severity="medium")
        if re.search(r"access log|server access logging|logging (?:for|on) (?:the )?(?:s3|bucket|cloudfront|alb|load balancer)", low):
            b.add("access-logging", "monitoring", s.text, s.line, "REQ053", {}, severity="low")


def _data(stmts: list[Statement], b: _Builder) -> None:
    for s in stmts:
        low = s.text.lower()
        if re.search(r"\bversioning\b", low) and not _negated(s.text, low.index("versioning")):
            b.add("s3-versioning", "storage", s.text, s.line, "REQ060", {}, severity="medium")
        m = re.search(r"backup[^.]{0,40}?(\d+)[- ]days?|(\d+)[- ]days?[^.]{0,30}backup", low)
        if m:
            b.add("backup-retention", "database", s.text, s.line, "REQ061", {"days": int(m.group(1) or m.group(2))}, severity="medium")
        if re.search(r"multi[- ]az\b", low) and not _negated(s.text, re.search(r"multi[- ]az", low).start()):
            b.add("multi-az", "database", s.text, s.line, "REQ062", {}, severity="medium")
        if re.search(r"point[- ]in[- ]time recovery|\bpitr\b", low):
            b.add("dynamodb-pitr", "database", s.text, s.line, "REQ063", {}, severity="medium")
        m = re.search(r"(python\s*3\.\d+|node(?:\.?js)?\s*\d+|latest (?:lambda )?runtime|runtime[^.]{0,20}latest)", low)
        if m and "lambda" in " ".join(x.text.lower() for x in stmts):
            found = m.group(1)
            if "latest" in found:
                params = {"latest": True}
            elif found.startswith("python"):
                params = {"runtime": "python" + re.sub(r"[^\d.]", "", found)}
            else:
                params = {"runtime": f"nodejs{re.sub(r'[^0-9]', '', found)}.x"}
            b.add("lambda-runtime", "compute", s.text, s.line, "REQ070", params, severity="medium")
        types = re.findall(r"\b((?:db\.)?[tmcr][3-8][a-z]?g?\.(?:nano|micro|small|medium|large|\d*xlarge))\b", low)
        if types:
            b.add("instance-types", "compute", s.text, s.line, "REQ071", {"types": sorted(set(types))}, severity="low")


def _tags_and_names(stmts: list[Statement], b: _Builder) -> None:
    for s in stmts:
        t = s.text
        idx = re.search(r"\btag(?:s|ged|ging)?\b", t, re.I)
        if idx and not _negated(t, idx.start()):
            segment = t[idx.start():]
            keys = re.findall(r"`([A-Za-z][\w:-]*)`", segment)
            pairs = dict(re.findall(r"\b([A-Z][\w-]*)\s*[:=]\s*[`'\"]?([\w.-]+)", segment))
            keys += list(pairs)
            keys += [w for w in re.findall(r"\b([A-Z][a-zA-Z]+)\b", segment.split(":", 1)[-1]) if w not in _TAG_STOP]
            keys = [k for k in dict.fromkeys(keys) if k not in _TAG_STOP and len(k) > 1]
            if keys:
                b.add("tags", "tagging", t, s.line, "REQ080", {"keys": keys[:8], "values": {k: v for k, v in pairs.items() if k in keys}},
                      severity="medium")
        m = re.search(r"`?((?:[A-Za-z0-9]+[-_./])?\{[a-z_-]+\}(?:[-_./][A-Za-z0-9]*\{?[a-z_-]*\}?)+)`?", t)
        if m and re.search(r"nam(?:e|ing)|pattern|convention|format", t, re.I):
            b.add("naming-pattern", "conventions", t, s.line, "REQ081", {"pattern": m.group(1)}, severity="low")
        if re.search(r"environment[_ ]?suffix|environmentsuffix", t, re.I):
            b.add("environment-suffix", "conventions", t, s.line, "REQ082", {}, severity="medium")


def _outputs(stmts: list[Statement], b: _Builder) -> None:
    for s in stmts:
        m = re.search(r"\boutputs?\b", s.text, re.I)
        if not m or _negated(s.text, m.start()) or re.search(r"expected output|example output", s.section, re.I):
            continue
        if re.search(r"\b(?:expected |the |final )?output (?:should|must|will|is|everything|to (?:a|the|one)|format|as a|a |an )|expected output",
                     s.text, re.I):
            continue  # "output" as the deliverable ("The output should be a valid CDK app"), not stack outputs
        tail = s.text[m.end():]
        items = re.findall(r"`([\w-]+)`", tail) or [w.strip() for w in re.split(r",|\band\b", re.sub(r"^[^a-zA-Z]*(?:for|of|the|:)?", "", tail)) if 0 < len(w.strip()) < 40]
        items = [re.sub(r"^(?:the|a|an)\s+", "", i.lower()).strip(" .") for i in items][:10]
        b.add("outputs", "outputs", s.text, s.line, "REQ090", {"names": [i for i in items if i]}, severity="medium")


def _error_handling(stmts: list[Statement], b: _Builder) -> None:
    for s in stmts:
        if re.search(r"input validation|validat(?:e|ion) (?:of )?(?:the )?(?:configuration )?(?:inputs?|variables?|parameters?)"
                     r"|validate the configuration|error handling|handle (?:\w+ )?(?:errors|failures)", s.text, re.I):
            b.add("validation", "error-handling", s.text, s.line, "REQ100", {}, severity="low")

