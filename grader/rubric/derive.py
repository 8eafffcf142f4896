"""Derive a rubric from PROMPT.md: deterministic, offline, read from the prompt's structure.

The prompt is split with markdown-it into statements (list items, paragraphs, table rows,
headings), each with its line, section and lead-in. Extractors read the statements, and
`reading.read_mention` says how each mention is meant: excluded mentions become forbidden
requirements (checked for absence), not-needed ones none, optional ones never fail, alternatives
one requirement with `any_of`, and mentions that ask for nothing sure get low confidence (reported
as not judged when unmet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from ..resolve import REGION
from .catalog import CONCEPTS
from .model import CheckSpec, Requirement, Rubric
from .reading import CONSTRAINT, PERMISSION_TARGET, PLACEHOLDER, REQUIRED, SUPPLIED, WORKAROUND, Reading, alternatives, read_mention

_MD = MarkdownIt("commonmark").enable("table")
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
            "single": 1, "a pair of": 2, "multiple": 2, "both": 2}
_COUNT_BEFORE = re.compile(r"(?<![\d.])\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|single)\s+(?:[\w-]+\s+){0,2}$", re.I)
_FILE = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.(?:tf|py|tfvars|json|ya?ml))\b")
_TAG_STOP = {"The", "All", "Resources", "Resource", "Tag", "Tags", "Tagging", "Must", "Should", "Include", "Including", "Required",
             "And", "AWS", "Every", "Each", "Apply", "Use", "With", "For", "Key", "Keys", "Value", "Values", "Consistent", "Standard",
             "Proper", "Appropriate", "Following", "Like", "Such", "As", "E", "G", "Cost", "Allocation", "Mandatory", "These", "Add"}


_TESTING_SECTION = re.compile(r"^(?:\d+[.)]\s*)?(?:testing|tests?|test plan|verification|validation)\b(?! (?:and|&) )", re.I)
_NUMBERED_HEADING = re.compile(r"^(?:step\s+)?\d+[.):]\s", re.I)
_HEADING_ASIDE = re.compile(r"\b(?:notes?|caveats?|warnings?|background|context|optional|examples?|tips?|testing|tests?|verification|validation|outputs?)\b", re.I)


@dataclass
class Statement:
    text: str
    line: int
    section: str
    lead: str = ""  # the parent list item or lead-in line ("Do NOT create:") the statement sits under
    heading: bool = False  # a heading names a topic; it asks for nothing by itself

    def reading(self, start: int, end: int) -> Reading:
        r = read_mention(self.text, start, end, self.section, self.lead)
        # a heading names a topic; a numbered one under the requirements ("### 4. Route 53 Configuration") is one of them
        if self.heading and r.polarity == "required" and not (_NUMBERED_HEADING.match(self.text) and not _HEADING_ASIDE.search(self.text)):
            return Reading("required", "low", "named in a heading only")
        return r


def statements(prompt: str) -> list[Statement]:
    """Prompt text split into statements with their line, enclosing heading and lead-in."""
    out: list[Statement] = []
    section = ""
    items: list[str | None] = []  # text of each open list item (None until its first paragraph)
    intro = ""  # a paragraph ending in ":" just before a list
    tokens = _MD.parse(prompt)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            section = tokens[i + 1].content
            intro = ""
        elif tok.type == "list_item_open":
            items.append(None)
        elif tok.type == "list_item_close":
            items.pop()
        if tok.type != "inline" or not tok.map:
            continue
        lead = next((t for t in reversed(items[:-1]) if t), intro) if items else ""
        if items and items[-1] is None:
            items[-1] = tok.content
        elif not items and tokens[i - 1].type != "heading_open":
            intro = tok.content if tok.content.rstrip().endswith(":") else ""
        line = tok.map[0] + 1
        inline_intro = ""  # pasted text lists with "•" inside one paragraph: a line ending in ":" leads the bullets after it
        for offset, raw in enumerate(tok.content.split("\n")):
            bullet = _TEXT_BULLET.match(raw)
            for sentence in _pieces(raw):
                text = re.sub(r"\*\*|__", "", sentence)  # bold marks would hide "ECS service-linked roles"
                text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", text).strip()  # markdown escapes: "tap\_stack.tf"
                if text:
                    out.append(Statement(text, line + offset, section, inline_intro if bullet and inline_intro else lead,
                                         tokens[i - 1].type == "heading_open"))
            if not bullet:
                inline_intro = raw.strip() if raw.rstrip().endswith(":") else ""
    return out


_TEXT_BULLET = re.compile(r"\s*[•●▪◦‣]\s*")
_MAX_STATEMENT = 2_000  # characters; the longest sentence of the development corpus has 888


def _pieces(line: str) -> list[str]:
    """A line's sentences; one longer than _MAX_STATEMENT is cut at spaces (the rules' regexes are linear per statement)."""
    out: list[str] = []
    for sentence in re.split(r"(?<=[.!?])(?<!^\d\.)(?<!^\d\d\.)\s+(?=[A-Z])", line):  # "4. Route 53" is one sentence
        while len(sentence) > _MAX_STATEMENT:
            cut = sentence.rfind(" ", _MAX_STATEMENT // 2, _MAX_STATEMENT)
            cut = cut if cut > 0 else _MAX_STATEMENT
            out.append(sentence[:cut])
            sentence = sentence[cut:]
        out.append(sentence)
    return out


def _reading(s: Statement, pattern: str) -> Reading | None:
    """The reading of the first match of `pattern` in the statement (None when it does not occur)."""
    m = re.search(pattern, s.text, re.I)
    return s.reading(m.start(), m.end()) if m else None


_UNIT_AFTER = re.compile(r"^\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|gb|gib|mb|tb|%|percent|times|x)\b", re.I)


def _count(text: str, start: int) -> int | None:
    """A count written before a mention ("three private subnets"); never a duration or size ("every 5 minutes")."""
    m = _COUNT_BEFORE.search(text[:start])
    if not m or _UNIT_AFTER.match(text[m.end(1):start]) or re.search(
            r"\b(?:every|each|per|after|within|for|over|than|maximum|max|minimum|min|up to|at most|between|desired|port)\s*$", text[:m.start()], re.I):
        return None
    word = m.group(1).lower()
    return int(word) if word.isdigit() else _NUMBERS.get(word)


_JUDGES_ABSENCE = frozenset({"REQ020"})  # checks that implement the forbidden polarity


class _Builder:
    """Collects requirements; a statement that asks more surely for the same thing replaces a weaker reading."""

    def __init__(self) -> None:
        self.requirements: list[Requirement] = []
        self.index: dict[str, int] = {}

    def add(self, key: str, area: str, text: str, line: int, check: str, params: dict | None = None,
            severity: str = "medium", weight: float = 1.0, reading: Reading = REQUIRED) -> None:
        if reading.polarity == "none" or reading.polarity == "forbidden" and check not in _JUDGES_ABSENCE:
            return  # an exclusion of a value ("must not use Node.js 18") is no demand; only REQ020 checks that a thing is absent
        polarity = reading.polarity
        new = dict(area=area, text=text[:300], line=line, severity="low" if polarity == "optional" else severity,
                   weight=0.5 if polarity == "optional" else weight, polarity=polarity, confidence=reading.confidence,
                   reading=reading.reason, checks=[CheckSpec(id=check, params=params or {})])
        if key in self.index:
            old = self.requirements[self.index[key]]
            if _rank(old) >= _rank_of(polarity, reading.confidence):
                if old.polarity == "forbidden" and polarity == "required" and reading.confidence == "high":
                    self.requirements[self.index[key]] = old.model_copy(update={"confidence": "low", "reading": "the prompt both asks for and excludes it"})
                return
            self.requirements[self.index[key]] = Requirement(id=old.id, **new)
            return
        self.index[key] = len(self.requirements)
        rid = f"R{len(self.requirements) + 1:02d}-{re.sub(r'[^a-z0-9]+', '-', key.lower()).strip('-')[:40]}"
        self.requirements.append(Requirement(id=rid, **new))


    def refine(self, key: str, params: dict, drop: tuple[str, ...] = (), source: Statement | None = None) -> None:
        """Set (or `drop`) parameters of a requirement's check that other sentences of the prompt make precise; `source`
        is the sentence that now says most of what is asked, quoted as the requirement's evidence."""
        if key in self.index:
            i = self.index[key]
            spec = self.requirements[i].checks[0]
            merged = {k: v for k, v in spec.params.items() if k != "all" and k not in drop} | params
            update: dict = {"checks": [spec.model_copy(update={"params": merged})]}
            if source is not None:
                update |= {"text": source.text[:300], "line": source.line}
            self.requirements[i] = self.requirements[i].model_copy(update=update)

    def weaken(self, key: str, reading: Reading) -> None:
        """Make a required thing low confidence whatever else the prompt says of it (a placeholder is allowed)."""
        if key in self.index and self.requirements[self.index[key]].polarity == "required":
            i = self.index[key]
            self.requirements[i] = self.requirements[i].model_copy(update={"confidence": "low", "reading": reading.reason})


def _rank_of(polarity: str, confidence: str) -> int:
    """Which reading wins when several statements speak of one thing: a sure demand or exclusion beats the rest."""
    return {("forbidden", "high"): 4, ("required", "high"): 3, ("alternatives", "high"): 2, ("optional", "high"): 1}.get((polarity, confidence), 0)


def _rank(r: Requirement) -> int:
    return _rank_of(r.polarity, r.confidence)


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
    _tests(stmts, b)
    _destroyable(stmts, b)
    _key_rotation(stmts, b)
    title = next((s.text for s in stmts if s.line == 1), "")[:120]
    return Rubric(title=title, platform=platform, language=language, requirements=b.requirements)


_MODULES = r"\b(?:terraform|reusable|custom|local|child|separate|own)\s+modules?\b|\bmodules?\s+(?:for|per)\b|\b(?:as|into|use|using|with|create|build|write)\s+(?:\w+\s+){0,2}modules\b|\bmodule blocks?\b"


def _files(stmts: list[Statement], b: _Builder) -> None:
    wanted: dict[str, Statement] = {}
    existing: set[str] = set()  # files the prompt says are already there: never asked for, wherever else they are named
    for s in stmts:
        for m in _FILE.finditer(s.text):
            name = m.group(1).lstrip("/")
            r = s.reading(m.start(), m.end())
            sure = r.polarity == "required" and r.confidence == "high"
            # "`provider.tf` already contains the provider": said to exist, even where the mention reads as a demand
            if re.search(r"already|existing|provided|present", r.reason or "") \
                    or re.search(r"^[`'\"*]*\s*(?:\w+\s+){0,2}?(?:already|exists?|provided)\b" if sure else r"\balready\b|\bexists?\b|\bprovided\b",
                                 s.text[m.end():m.end() + 40], re.I) \
                    or re.search(r"\b(?:already|existing|pre-?existing|provided|present|exclud\w*)\b[^.;]{0,40}$", s.text[:m.start()], re.I):
                existing.add(name)
            elif sure and not name.startswith(("test", "tests/")):
                if not any(w.lower() == name.lower() for w in wanted):  # `Main.tf` and later `main.tf` are one file
                    wanted[name] = s
    for name in existing:
        for w in [w for w in wanted if w.lower() == name.lower()]:
            wanted.pop(w)
    single = next((s for s in stmts if re.search(r"\b(?:single|one)\s+(?:terraform\s+|python\s+|hcl\s+)?(?:file|script)\b|all (?:the )?code (?:must be |should be )?in (?:a |one )", s.text, re.I)
                   and (_reading(s, r"\b(?:single|one)\b|all (?:the )?code") or REQUIRED).polarity == "required"), None)
    code = [n for n in wanted if n.endswith((".tf", ".py"))]
    if code:
        first = wanted[code[0]]
        # several files named beside "a single file": either the phrase scopes one of them ("all resources in a single
        # file called tap_stack.tf") or the prompt contradicts itself; neither is a sure demand
        mixed = bool(single) and len(code) > 1
        b.add("deliverable-files", "structure", f"Deliver {', '.join(code[:6])}" + (" in a single file" if single and not mixed else ""),
              first.line, "REQ001", {"files": code[:10], "single_file": bool(single) and not mixed}, severity="high",
              reading=Reading("required", "low", "the prompt names several files and also a single file") if mixed else REQUIRED)
    elif single:
        b.add("deliverable-files", "structure", single.text, single.line, "REQ001", {"files": [], "single_file": True}, severity="high")
    for s in stmts:
        r = _reading(s, _MODULES)
        if r is not None and re.search(r"from scratch", s.text, re.I):  # "create all resources from scratch": not a module demand
            r = Reading(r.polarity, "low", "'from scratch' asks for new resources, not for module blocks")
        if r is not None:
            b.add("modules", "structure", s.text, s.line, "REQ002", {}, severity="medium", reading=r)
        elif re.search(r"\bmodul(?:ar|arity|arized|e)\b", s.text, re.I):
            r = _reading(s, r"\bmodul") or REQUIRED
            b.add("modules", "structure", s.text, s.line, "REQ002", {}, severity="medium",
                  reading=Reading(r.polarity, "low", "modular code can be files or classes, not only module blocks"))


_REGION_LIST = re.compile(r"^\s*(?:,|or|and|/|\\|and/or)?\s*(?:`)?\s*$", re.I)


def _regions(stmts: list[Statement], b: _Builder) -> None:
    sure: list[str] = []  # regions the prompt plainly asks for
    loose: list[str] = []  # regions offered as alternatives or only mentioned
    first: Statement | None = None
    for s in stmts:
        found = [m for m in REGION.finditer(s.text)]
        for group in alternatives(s.text, [(m.start(), m.end()) for m in found]):
            ms = [found[i] for i in group]
            r = s.reading(ms[0].start(), ms[0].end())
            if r.polarity != "required":
                continue
            either = len(ms) > 1 and re.search(r"\bor\b|[/\\]", s.text[ms[0].end():ms[-1].start()])
            target = sure if r.confidence == "high" and not either else loose
            for m in ms:
                if m.group(0) not in target:
                    target.append(m.group(0))
                    first = first or s
        every = re.search(r"\ball (?:active |enabled |available )?regions\b", s.text, re.I)
        if every:  # the service the sentence is about, named first ("CloudTrail ... to an S3 bucket in all regions")
            named = [(m.start(), c) for c in CONCEPTS for m in c.regex.finditer(s.text[:every.start()])]
            concept = min(named, key=lambda x: x[0])[1] if named else next((c for c in CONCEPTS if c.regex.search(s.text)), None)
            b.add(f"all-regions-{concept.id if concept else 'any'}", "region", s.text, s.line, "REQ011",
                  {"concept": concept.id if concept else None}, severity="high", reading=_reading(s, r"\ball\b[^.]*regions") or REQUIRED)
    regions = sure or loose
    also = [r for r in loose if r not in sure] if sure else []  # named in headings or asides: allowed, not demanded
    if regions and first is not None:
        b.add("regions", "region", f"Deploy in {', '.join(regions)}", first.line, "REQ010",
              {"regions": regions, **({"also": also} if also else {})}, severity="high",
              reading=REQUIRED if sure else Reading("required", "low", "regions offered as alternatives or only mentioned"))


# After a service, "or <something that is not a service>" offers another way ("Secrets Manager or sensitive Terraform
# variables"): the service is one choice. Not "or more" / "or higher" / "or later".
_OTHER_OPTION = re.compile(r"^(?:\s+[\w-]+){0,3}?\s*,?\s+(?:or|and/or)\s+(?!more\b|higher\b|later\b|newer\b|greater\b|above\b|equivalent\b)"
                           r"(?:an?\s+|the\s+|use\s+|via\s+)?(?:[\w-]+\s+){0,4}?(?:variables?|inputs?|parameters?|files?|environment|"
                           r"config(?:uration)?|values?|tfvars|defaults?|locals?|hard-?coded|manual(?:ly)?|scripts?)\b", re.I)
# The last of a list of options whose others are inputs: "environment variables, variables marked sensitive, or Secrets Manager"
_OTHER_OPTION_BEFORE = re.compile(r"(?:variables?|inputs?|parameters?|environment|config(?:uration)?|values?|tfvars|sensitive)\b[^.;:]{0,40}?"
                                  r",?\s+(?:or|and/or)\s+(?:an?\s+|the\s+|aws\s+|use\s+)?$", re.I)
# A concept named by a generic word ("processing queue") is that service only if the prompt names the service somewhere.
_GENERIC_NAMES = {"sqs": r"queues?"}
# "SSE-S3 or SSE-KMS", "AES-256 or KMS": a KMS key is one choice, not a demand.
# "SSE-KMS encryption using AWS-managed keys (aws/s3)": KMS encryption with a key AWS owns, no key for the answer to create
_AWS_MANAGED_KEY = re.compile(r"\baws[- ]managed (?:kms )?keys?\b|\baws/(?:s3|rds|ebs|lambda|sns|sqs|dynamodb|secretsmanager)\b", re.I)
_OWN_KEY = re.compile(r"customer[- ]managed|\bcmks?\b|(?:own|our|your|dedicated|custom|separate) (?:kms )?keys?|(?:create|provision)\w* (?:a |an |the )?(?:new )?kms keys?", re.I)
_KEY_ROTATION = re.compile(r"\bkms\b|\bkeys?\b[^.]{0,25}\brotat", re.I)
_S3_MANAGED_ALTERNATIVE = re.compile(r"\b(?:sse-s3|aes-?256|s3[- ]managed(?: keys?)?)\s*(?:,|or|/)\s*(?:sse-)?kms|\bkms\s*(?:,|or|/)\s*(?:sse-s3|aes-?256|s3[- ]managed)", re.I)


# people's passwords: "require MFA for all users and rotate passwords every 90 days" is an IAM password policy
_USER_PASSWORDS = re.compile(r"\b(?:users?|console|iam password|password polic(?:y|ies)|mfa)\b", re.I)
# a note that says not to make something: "avoid or handle gracefully", "do not create", "skip if it exists"
_AVOID_NOTE = re.compile(r"\bavoid\b|\b(?:do not|don't|never|must not|should not)\s+(?:\w+\s+){0,2}(?:create|deploy|provision|enable|add)\b"
                         r"|\bskip\b[^.]*\bif\b", re.I)


def _concepts(stmts: list[Statement], b: _Builder) -> None:
    placeholders: set[tuple[str, Reading]] = set()  # concepts the prompt lets the answer stand in for or receive: no sure demand anywhere
    kubernetes = any(re.search(r"\beks\b|kubernetes", s.text, re.I) for s in stmts)  # then "Fargate" means EKS Fargate, not ECS
    sqs_named = any(re.search(r"\bsqs\b|simple queue service", s.text, re.I) for s in stmts)
    topic: tuple[int, list[str]] = (0, [])  # the line of the current list item or paragraph, and what its first sentence names
    for s in stmts:
        mentions: list[tuple[object, re.Match]] = []
        if s.line == topic[0] and WORKAROUND.search(s.text):
            # "ACM certificate caveat: custom domains require validation. ... document the manual validation steps"
            placeholders.update((concept_id, PLACEHOLDER) for concept_id in topic[1])
        for concept in CONCEPTS:
            m = concept.regex.search(s.text)
            if m and concept.id == "s3" and s.text[max(m.start() - 4, 0):m.start()].lower() == "sse-":
                m = next((o for o in concept.regex.finditer(s.text) if s.text[max(o.start() - 4, 0):o.start()].lower() != "sse-"), None)
            if m and not (kubernetes and concept.id == "ecs" and m.group(0).lower() == "fargate"):
                mentions.append((concept, m))
        mentions.sort(key=lambda cm: cm[1].start())
        # a mention inside another one is part of it: "S3 replication" is not also "S3"
        mentions = [(c, m) for c, m in mentions if not any(o is not m and o.start() <= m.start() and m.end() <= o.end()
                                                         and (o.end() - o.start()) > (m.end() - m.start()) for _, o in mentions)]
        spans = [(m.start(), m.end()) for _, m in mentions]
        if s.line != topic[0]:
            topic = (s.line, [c.id for c, _ in mentions])
        coordinated = _coordinated(s, spans)
        if _TESTING_SECTION.search(s.section):  # "## Testing: deploy a test app through the ALB ingress" builds nothing
            coordinated = [Reading("required", "low", "named in how the result is tested, not as something to create")
                           if r.polarity == "required" else r for r in coordinated]
        code = [(c.start(), c.end()) for c in re.finditer(r"`[^`]*`", s.text)]
        for i, (concept, m) in enumerate(mentions):
            if coordinated[i].polarity == "required" and concept.id in _GENERIC_NAMES and not sqs_named \
                    and re.fullmatch(_GENERIC_NAMES[concept.id], m.group(0), re.I):
                coordinated[i] = Reading("required", "low", f"a generic word, not the service: the prompt never names {concept.label}")
            if concept.id == "kms" and coordinated[i].polarity == "required" and _S3_MANAGED_ALTERNATIVE.search(s.text):
                coordinated[i] = Reading("optional", "high", "the prompt allows S3-managed encryption (SSE-S3) instead")
            elif concept.id == "secret_rotation" and coordinated[i].polarity == "required" and _KEY_ROTATION.search(s.text) \
                    and not re.search(r"secrets manager|passwords?|credentials?", s.text, re.I):
                coordinated[i] = Reading("required", "low", "the rotation of a KMS key, not of secrets")
            elif concept.id == "secret_rotation" and coordinated[i].polarity == "required" and _USER_PASSWORDS.search(s.text) \
                    and not re.search(r"secrets manager|database|\bdb\b|\brds\b|api keys?|tokens?", s.text, re.I):
                coordinated[i] = Reading("required", "low", "users' password rotation (an IAM password policy), not of stored secrets")
            elif concept.id == "kms" and coordinated[i].polarity == "required" and not _OWN_KEY.search(s.text) \
                    and _AWS_MANAGED_KEY.search(s.text):
                coordinated[i] = Reading("required", "low", "KMS encryption with an AWS-managed key asks for no key of the answer's own")
        for i, (a, z) in enumerate(spans):  # "GuardDuty: DO NOT create a detector": a label names the topic, its note decides
            if coordinated[i].polarity != "required" or not (re.fullmatch(r"[\s*_`#-]*", s.text[:a]) and re.match(r"[\s*_`]*:", s.text[z:])):
                continue
            later = mentions[i][0].regex.search(s.text, z)
            if later:
                coordinated[i] = s.reading(later.start(), later.end())
            elif _AVOID_NOTE.search(s.text[z:]):
                coordinated[i] = Reading("optional", "high", "the prompt's note on it says to avoid it or handle it")
        grouped = {i for g in alternatives(s.text, spans) if len(g) > 1 for i in g}
        for i, (a, z) in enumerate(spans):  # "Secrets Manager or sensitive variables": one option of several
            if coordinated[i].polarity == "required" and coordinated[i].confidence == "high" and i not in grouped \
                    and (_OTHER_OPTION.match(s.text[z:]) or _OTHER_OPTION_BEFORE.search(s.text[:a])):
                coordinated[i] = Reading("required", "low", "offered beside another option the prompt allows")
        for i, (a, z) in enumerate(spans):  # a name inside a code span or a naming section is an example, not a demand
            if coordinated[i].polarity == "required" and (any(x <= a and z <= y for x, y in code) or re.search(r"\bnaming\b", s.section, re.I)):
                coordinated[i] = Reading("required", "low", "named in a naming example or code span, not asked for")
        for i in range(len(spans) - 1):  # "VPC security group": the first names which one, it is not asked for itself
            if coordinated[i].polarity == "required" and re.fullmatch(r"[\s-]?", s.text[spans[i][1]:spans[i + 1][0]]):
                coordinated[i] = Reading("required", "low", f"a qualifier of the {mentions[i + 1][0].label} that follows it")
        for group in alternatives(s.text, spans):
            readings = [coordinated[i] for i in group]
            concepts = [mentions[i][0] for i in group]
            if len(group) > 1 and all(r.polarity == "required" for r in readings):
                ids = [c.id for c in concepts]
                sure = all(r.confidence == "high" for r in readings)
                b.add("any-" + "-".join(ids), concepts[0].area, s.text, s.line, "REQ020", {"concept": ids[0], "any_of": ids},
                      reading=Reading("alternatives", "high" if sure else "low", "the prompt offers these as alternatives"))
                continue
            for i, r in zip(group, readings):
                concept, m = mentions[i]
                if r is PLACEHOLDER or r is SUPPLIED:
                    placeholders.add((concept.id, r))
                params: dict = {"concept": concept.id}
                count = _count(s.text, m.start())
                if count and count > 1:
                    params["min_count"] = count
                upto = min([a for a, _ in spans if a > m.start()] + [m.start() + 80])  # not the next thing's "(one per AZ)"
                if re.search(r"\b(?:per|each|every)\s+(?:availability zone|az)\b|in each az", s.text[m.start():upto], re.I):
                    params["per_az"] = True
                b.add(f"concept-{concept.id}", concept.area, s.text, s.line, "REQ020", params, reading=r)
        m = re.search(r"(\d+|two|three|four|five|six)\s+(?:availability zones|azs)\b", s.text, re.I)
        if m:
            word = m.group(1).lower()
            b.add("az-count", "networking", s.text, s.line, "REQ021", {"count": int(word) if word.isdigit() else _NUMBERS[word]},
                  reading=s.reading(m.start(), m.end()))
    for concept_id, r in sorted(placeholders, key=lambda p: (p[0], p[1].reason)):
        b.weaken(f"concept-{concept_id}", r)
    # "SSE-KMS with AWS-managed keys (aws/s3)" said once makes every bare "SSE-KMS" of the prompt that key, unless it asks for its own
    if any(_AWS_MANAGED_KEY.search(s.text) for s in stmts) and not any(_OWN_KEY.search(s.text) for s in stmts):
        b.weaken("concept-kms", Reading("required", "low", "the prompt asks for KMS encryption with AWS-managed keys, no key of the answer's own"))


def _coordinated(s: Statement, spans: list[tuple[int, int]]) -> list[Reading]:
    """Readings of mentions joined by "and" / "," share what the list says of them ("ECS and RDS service-linked roles")."""
    readings = [s.reading(a, b) for a, b in spans]
    for _ in range(2):  # both directions along each list
        for i in range(1, len(spans)):
            gap = s.text[spans[i - 1][1]:spans[i][0]]
            if re.fullmatch(r"\s*(?:[\w-]+\s+){0,2}?(?:,\s*(?:and\s+)?|and\s+|&\s+)(?:the\s+)?|\s*", gap):
                if readings[i] is REQUIRED and readings[i - 1] is not REQUIRED:
                    readings[i] = readings[i - 1]
                elif readings[i - 1] is REQUIRED and readings[i] is not REQUIRED:
                    readings[i - 1] = readings[i]
    return readings


# one store the sentence is about ("the data bucket", "an S3 bucket"), and wording that makes a rule for every store
_ONE_STORE = re.compile(r"\b(?:the|an?)\s+(?:[\w-]+\s+){0,2}?(bucket|table|database|volume|stream|queue|topic)\b")
_EVERY_STORE = re.compile(r"\b(?:all|every|each|any)\s+(?:[\w-]+\s+){0,2}?(?:buckets?|stores?|databases?|tables?|volumes?|resources|data)\b"
                          r"|\b(?:buckets|data stores|databases|tables|volumes)\b|data at rest")
# "All data at rest must be encrypted", "encrypt everything": every data store, not the tables or buckets a sentence names
_ALL_DATA = re.compile(r"\b(?:all|every|each|any)\s+(?:[\w-]+\s+){0,2}?(?:data|data stores?|stores|storage|resources|services)\b"
                       r"|\bdata at rest\b|\beverything\b")
# "SSE-S3 or SSE-KMS": S3-managed keys will do
_S3_KEYS_OFFERED = re.compile(r"(?:sse-s3|aes-?256|s3[- ]managed)[^.]{0,30}\bor\b[^.]{0,30}kms|kms[^.]{0,30}\bor\b[^.]{0,30}(?:sse-s3|aes-?256|s3[- ]managed)")
# Secrets Manager encrypts every secret; it is a store to encrypt with a given key only when its own clause says so
# ("secrets encrypted with the CMK"), not when a sentence about encryption also says where credentials live
# ("Encryption at rest with KMS, credentials in Secrets Manager").
_ENCRYPTED_ANYWAY = ("secrets_manager",)
_ENCRYPTION_WORD = re.compile(r"encrypt|\bkms\b|\bcmk|customer[- ]managed|at rest", re.I)
_NOT_A_STORE = re.compile(r"\benvironment variables?\b|\benv vars?\b|\bparameters?\b|\bsecrets?\b|\bstate files?\b|\bterraform state\b")
_TLS_SCOPES = (("s3", r"\bs3\b|bucket|securetransport|secure transport"), ("alb", r"listener|load balancer|\balb\b|https"),
               ("rds", r"\brds\b|database|postgres|mysql|aurora|force_ssl"))
_STORE_CONCEPTS = ("s3", "rds", "dynamodb", "ebs", "efs", "sns", "sqs", "elasticache", "kinesis", "cloudwatch_logs", "secrets_manager")


def _security(stmts: list[Statement], b: _Builder) -> None:
    allow_all_egress = any(re.search(r"\ballow(?:s|ing)? all (?:outbound|egress)|\ball (?:outbound|egress) (?:traffic )?(?:is )?allowed", s.text, re.I)
                           for s in stmts)
    item: list[str] = []  # the sentences so far of the current list item or paragraph line
    encryption: list[tuple[list[str], bool, bool, bool, bool]] = []  # (stores named, about one store, about every store, KMS, AWS-managed KMS will do)
    every_store: list[Statement] = []  # "all data at rest must be encrypted"
    s3_keys_allowed = any(_S3_KEYS_OFFERED.search(s.text.lower()) or re.search(r"sse-s3|aes-?256|s3[- ]managed keys", s.text.lower())
                          and not re.search(r"\bkms\b", s.text.lower()) for s in stmts)  # "Buckets use SSE-S3"
    for i, s in enumerate(stmts):
        t = s.text
        low = t.lower()
        item = item + [low] if i and stmts[i - 1].line == s.line else [low]
        # "We need an S3 bucket. ... It must be encrypted with KMS": a sentence led by a pronoun speaks of what came before
        about = " ".join(item) if re.match(r"(?:it|this|that)\b", low) else low
        m = re.search(r"at rest|encrypt\w*|\bkms\b|customer[- ]managed key|\bcmk", low)
        if m and ("at rest" in low or not re.search(r"in[- ]transit", low)):
            kms = bool(re.search(r"\bkms\b|customer[- ]managed|\bcmk", low))
            # "KMS encryption" is met by AWS-managed KMS keys (aws/rds, aws/ebs); only "customer-managed"/"CMK" asks for a key of one's own
            managed_ok = kms and not re.search(r"customer[- ]managed|\bcmks?\b|(?:own|our|your|dedicated|custom|separate) (?:kms )?keys?|(?:create|provision)\w* (?:a |an |the )?(?:new )?kms keys?", low)
            stores = [c.id for c in CONCEPTS if c.id in _STORE_CONCEPTS and c.regex.search(t)
                      and (c.id not in _ENCRYPTED_ANYWAY or any(c.regex.search(part) and _ENCRYPTION_WORD.search(part)
                                                               for part in re.split(r"[,;]", t)))]
            r = s.reading(m.start(), m.end())
            if not re.search(r"encrypt|at rest", low):
                r = Reading(r.polarity, "low", "KMS is mentioned, but encryption of data stores is not asked for")
            elif not stores and not _EVERY_STORE.search(low) and _NOT_A_STORE.search(low):
                r = Reading(r.polarity, "low", "encryption is asked for something other than the data stores (environment variables, secrets, logs)")
            single = _ONE_STORE.search(about)
            one = bool(single) and len(stores) <= 1 and not _EVERY_STORE.search(about)
            if one and not stores:  # "the data bucket": the store the sentence is about
                stores = [{"bucket": "s3", "table": "dynamodb", "database": "rds", "volume": "ebs", "stream": "kinesis",
                           "queue": "sqs", "topic": "sns"}[single.group(1)]]
            b.add("encryption-at-rest", "encryption", t, s.line, "REQ030",
                  {"kms": kms, **({"kms_managed_ok": True} if managed_ok else {}), **({"stores": stores} if stores else {}),
                   **({"all": False} if one else {})}, severity="high", reading=r)
            if re.search(r"encrypt|at rest", low):
                sure = r.polarity == "required" and (r.confidence == "high" or r == CONSTRAINT)
                at = re.search(r"encrypt\w*|at rest", low)
                # "encrypt all data at rest", not "for all resources like kms-dr-encryption-west"
                # ("... all data at rest for:" leads in a list of the stores meant)
                every = sure and not stores and bool(_ALL_DATA.search(low[max(at.start() - 60, 0):at.end() + 60])) \
                    and not low.rstrip().endswith(":")
                encryption.append((stores, one, every, kms, managed_ok))
                every_store += [s] if every else []
        m = re.search(r"\btls\b|in[- ]transit|\bssl\b|securetransport|secure transport|https[- ]only|enforce[sd]? https|https everywhere|redirect[^.]*https", low)
        if m and not re.search(r"(?:ssl|tls)(?:/(?:ssl|tls))?\s+certificates?", low):  # "an SSL/TLS certificate from ACM" asks for a certificate
            v = re.search(r"tls\s*(?:v(?:ersion)?\s*)?(1\.[0-3])", low)
            # "encryption at rest in S3 and in transit through Kinesis": when transit names its own place, the stores before
            # it are the at-rest part; "RDS with encryption at rest and in transit" is about RDS for both
            own_place = re.match(r"\W*(?:\w+\s+){0,2}?(?:through|via|over|between|across|for|to)\s+\w", low[m.end():])
            about = low[m.start():] if own_place and re.search(r"\bat[- ]rest\b", low[:m.start()]) else low
            scope = [name for name, pattern in _TLS_SCOPES if re.search(pattern, about)]
            r = s.reading(m.start(), m.end())
            if re.search(r"\bcloudfront\b|\bdistribution\b|\bviewer\b", about) and not re.search(r"listener|load balancer|\balb\b|\brds\b|database", about):
                # "a distribution with the S3 origin, viewer protocol policy redirect-to-https, minimum TLS 1.2": the
                # viewer side of CloudFront, not the bucket policy or a load balancer listener the check judges
                scope, r = [], Reading(r.polarity, "low", "TLS asked for CloudFront viewers, which this requirement does not judge")
            if not scope and not re.search(r"\ball (?:services|endpoints|connections|traffic|data stores)\b|\beverywhere\b", low):
                r = Reading(r.polarity, "low", "encryption in transit asked in general terms, without saying where it must be enforced")
            b.add("tls-in-transit", "encryption", t, s.line, "REQ031", {"min_tls": v.group(1) if v else "1.2", **({"scope": scope} if scope else {})},
                  severity="high", reading=r)
        m = re.search(r"least[- ]privilege|\bminimal (?:\w+ )?permissions|minimum (?:required |necessary )?permissions|no wildcard|tightly scoped"
                      r"|permissions (?:\w+ ){1,3}minimal\b|keep (?:the )?permissions minimal|strict iam (?:role )?polic|no overly permissive"
                      r"|only the (?:necessary |required )?permissions (?:it|they|each \w+) (?:really |actually )?needs?", low)
        network = re.search(r"security groups?|\bnacls?\b|network acls?|ingress|egress|firewall|segmentation", low)
        if m and network and not re.search(r"\biam\b|\broles?\b|polic(?:y|ies)|permissions?|\bactions?\b", low):
            m = None  # "security groups following least privilege" speaks of network rules, not IAM (REQ040)
        if m:
            r = REQUIRED if m.group(0) == "no wildcard" else s.reading(m.start(), m.end())
            # the phrase is itself about permissions: "least privilege permissions" is the demand, not a permission's target
            b.add("least-privilege", "security", t, s.line, "REQ040", {}, severity="high", reading=REQUIRED if r == PERMISSION_TARGET else r)
        listed = [n for group in re.findall(r"\bports?\s+((?:\d{2,5}(?:\s*(?:,|and|or|/|&)\s*)?)+)", low) for n in re.findall(r"\d{2,5}", group)]
        ports = [int(p) for p in listed + [p for g in re.findall(r"\((\d{2,5})\)|\b(\d{2,5})\s*\(https?\)", low) for p in g if p]] \
            if "port" in low or "inbound" in low else []
        if ports and re.search(r"\bonly\b|\brestrict|\ballow", low) and re.search(r"inbound|ingress|security group|allow", low):
            # a port rule names the ports one entry point needs; it is an allowlist for all groups only when it says so
            sure = re.search(r"\bonly\b[^.]*\b(?:inbound|ingress|ports?)\b|\b(?:inbound|ingress)\b[^.]*\bonly\b|\ball (?:other )?(?:inbound|ingress|ports)[^.]*(?:blocked|denied|closed)", low)
            internal = re.search(r"\b(?:rds|database|db|mysql|postgres\w*|aurora|redis|elasticache)\b|from (?:the )?(?:app|application|web|ec2|ecs|alb|"
                                 r"load balancer|private)|within the vpc|internal", low)
            b.add("allowed-ports", "networking", t, s.line, "REQ041", {"ports": sorted(set(ports))}, severity="high",
                  reading=Reading("required", "low", "a rule for traffic inside the network, not for what the internet reaches") if internal
                  else REQUIRED if sure else Reading("required", "low", "ports named for one entry point, not an allowlist for every group"))
        m = re.search(r"(?:outbound|egress)[^.;]*(?:least[- ]privilege|restrict|deny|limited)|(?:deny|restrict)[^.;]*(?:outbound|egress)", low)
        if m and not allow_all_egress:
            b.add("egress-restricted", "networking", t, s.line, "REQ042", {}, severity="medium", reading=s.reading(m.start(), m.end()))
        m = re.search(r"parameter store|ssm parameters?|securestring", low)
        if m and re.search(r"securestring|secure(?:ly)?\b|sensitive|secrets?\b|encrypt|tokens?\b|passwords?|credentials?", low):
            r = s.reading(m.start(), m.end())
            if re.search(r"\binsecure string|\bplain(?:text)? string|\bstring type\b|type:? string\b", low):
                r = Reading(r.polarity, "low", "the prompt names a plain String parameter type")
            b.add("secure-parameters", "security", t, s.line, "REQ045", {}, severity="high", reading=r)
        m = re.search(r"block (?:all )?public access|not (?:be )?publicly accessible|no public access|private(?:ly)? access only|public access (?:must be |should be )?blocked", low)
        if m:
            scope = [name for name, pattern in (("s3", r"\bs3\b|bucket"), ("db", r"\brds\b|database|aurora|postgres|mysql|\bdb\b")) if re.search(pattern, about)]
            one = bool(_ONE_STORE.search(about)) and len(scope) == 1 and not _EVERY_STORE.search(about)
            b.add("no-public-access", "security", t, s.line, "REQ043", {**({"scope": scope} if scope else {}), **({"all": False} if one else {})},
                  severity="high")
        if re.search(r"bucket polic(?:y|ies)[^.]*(?:role|principal|restrict|limit|only)", low) and not re.search(r"public(?:ly)? read|public access to", low):
            service = re.search(r"cloudfront|origin access (?:identity|control)|\boa[ic]\b|cloudtrail|aws config|\bconfig\b|load balancer|\belb\b|\balb\b", low)
            principal = {"origin access identity": "cloudfront", "origin access control": "cloudfront", "oai": "cloudfront", "oac": "cloudfront",
                         "aws config": "config", "load balancer": "elasticloadbalancing", "elb": "elasticloadbalancing",
                         "alb": "elasticloadbalancing"}.get(service.group(0), service.group(0)) if service else None
            b.add("bucket-policy-restricted", "security", t, s.line, "REQ044", {"principal": principal} if principal else {},
                  severity="medium", reading=_reading(s, r"bucket polic") or REQUIRED)
    named = [(stores, one) for stores, one, *_ in encryption if stores]
    if every_store:
        # "all data at rest must be encrypted" anywhere keeps every store in scope, and only what such sentences ask (KMS
        # or not) is asked of every store: "RDS encrypted via KMS" is no demand on the buckets; "SSE-S3" anywhere allows it
        kms_every = [managed_ok for _, _, every, kms, managed_ok in encryption if every and kms]
        kms = bool(kms_every) and not s3_keys_allowed
        b.refine("encryption-at-rest", {"kms": kms, **({"kms_managed_ok": True} if kms and all(kms_every) else {})},
                 drop=("stores", "kms_managed_ok"), source=every_store[0])
    elif named:  # where the prompt says which stores to encrypt, that is the scope, whichever sentence the requirement came from
        union = sorted({c for stores, _ in named for c in stores})
        b.refine("encryption-at-rest", {"stores": union, **({"all": False} if all(one for _, one in named) and len(union) == 1 else {})})


# What an alarm sentence asks to watch: key, how the prompt says it (the check knows how code names each metric).
ALARM_METRICS_IN_PROMPT = (
    ("cpu", r"\bcpu\b"), ("memory", r"\bmemory (?:utili[sz]ation|usage|pressure)|\bmemory\b(?= (?:above|over|exceeds?|>))"),
    ("free-storage", r"free (?:storage|disk)|storage space|disk space"), ("errors", r"\berrors?\b(?! handling)"),
    ("throttles", r"throttl"), ("latency", r"\blatency\b|response time"), ("5xx", r"\b5xx\b|\b5\d\d (?:errors|responses)"),
    ("connections", r"\b(?:database |db )?connections?\b(?= (?:count|above|over|exceed))|connection count"),
    ("replica-lag", r"replica(?:tion)? lag"), ("queue-depth", r"queue depth|messages? visible|age of (?:the )?oldest message|message age"),
    ("unhealthy-hosts", r"unhealthy (?:hosts?|targets?|instances?)"),
)


def _monitoring(stmts: list[Statement], b: _Builder) -> None:
    alarm_asks: list[tuple[Statement, list[str]]] = []  # "alarms for CPU", "alert when free storage is low": one requirement
    for s in stmts:
        low = s.text.lower()
        if re.search(r"alarms?\b[^.]*(?:sns|notif|alert|email)|(?:sns|notif|alert)[^.]*alarms?", low):
            b.add("alarm-notifications", "monitoring", s.text, s.line, "REQ050", {}, severity="medium", reading=_reading(s, r"alarm") or REQUIRED)
        if re.search(r"\balarms?\b|\balert(?:s|ing)? (?:on|when|if)\b", low):
            found = [(m.start(), key) for key, pattern in ALARM_METRICS_IN_PROMPT for m in [re.search(pattern, low)] if m]
            metrics = [key for _, key in sorted(found)]
            alarm = re.search(r"\balarms?\b|\balert", low).start()
            # asked for when the prompt speaks surely of the alarm ("Create alarms for CPU") or of the metric it watches
            # ("Monitor free storage space (alert when below 10 GB)")
            readings = [s.reading(alarm, alarm + 5)] + ([s.reading(min(found)[0], min(found)[0] + 3)] if found else [])
            if metrics and any(r.polarity == "required" and r.confidence == "high" for r in readings) \
                    and not any(r.polarity in ("forbidden", "none", "optional") for r in readings):
                alarm_asks.append((s, metrics))
        if re.search(r"guard ?duty[^.]*(?:sns|eventbridge|notif|alert|route)|(?:sns|notif|alert)[^.]*guard ?duty", low):
            b.add("guardduty-routing", "monitoring", s.text, s.line, "REQ051", {"source": "aws.guardduty"}, severity="medium",
                  reading=_reading(s, r"(?:sns|eventbridge|notif|alert|route)") or REQUIRED)
        m = re.search(r"(\d+)[- ]?days?", low) if re.search(r"\blogs?\b|log groups?", low) and re.search(r"retention|retain", low) else None
        if m and not re.search(r"backup", low):
            r = _reading(s, r"retention|retain") or REQUIRED
            if re.search(r"\d+\s*(?:-|–|to)\s*\d+[- ]?days?", low):  # a range ("7-14 days"): not one required value
                r = Reading(r.polarity, "low", "retention given as a range")
            b.add("log-retention", "monitoring", s.text, s.line, "REQ052", {"days": int(m.group(1))}, severity="medium", reading=r)
        m = re.search(r"access log|server access logging|logging (?:for|on) (?:the )?(?:s3|bucket|cloudfront|alb|load balancer)", low)
        if m and re.search(r"api gateway|\bapi\b|\bstage\b|lambda|vpc|flow", low[max(m.start() - 30, 0):m.start()]) \
                and not re.search(r"\bs3\b|bucket|cloudfront|load balancer|\balb\b", low):
            m = None  # "API Gateway access logs" are the API's, not S3/CloudFront/ALB access logging (REQ053)
        if m:
            b.add("access-logging", "monitoring", s.text, s.line, "REQ053", {"all": bool(re.search(r"\ball\b|\bevery\b|\beach\b", low))},
                  severity="low", reading=s.reading(m.start(), m.end()))
    # "Set up alarms to watch EC2 CPU usage" and, in the same section, "Send notifications through SNS": the alarms notify
    sections: dict[str, list[Statement]] = {}
    for s in stmts:
        sections.setdefault(s.section, []).append(s)
    for section, members in sections.items():
        alarm = next((s for s in members if (r := _reading(s, r"\balarms?\b")) and r.polarity == "required" and r.confidence == "high"), None)
        notify = next((s for s in members if re.search(r"\bsns\b", s.text, re.I) and re.search(r"notif|alert", s.text, re.I)), None)
        if section and alarm is not None and notify is not None and notify is not alarm:
            r = _reading(notify, r"\bsns\b") or REQUIRED
            b.add("alarm-notifications", "monitoring", notify.text, notify.line, "REQ050", {}, severity="medium",
                  reading=r if r.polarity == "required" else Reading(r.polarity, r.confidence, r.reason))
    if alarm_asks:
        first = alarm_asks[0][0]
        metrics = list(dict.fromkeys(m for _, ms in alarm_asks for m in ms))
        b.add("alarm-metrics", "monitoring", first.text, first.line, "REQ054", {"metrics": metrics}, severity="medium")


def _data(stmts: list[Statement], b: _Builder) -> None:
    dynamo_named = any(re.search(r"\bdynamo ?db\b", x.text, re.I) for x in stmts)
    for i, s in enumerate(stmts):
        low = s.text.lower()
        m = re.search(r"(?<!module )(?<!provider )(?<!api )(?<!schema )(?<!semantic )(?<!code )\bversioning\b", low)
        if m:
            r = s.reading(m.start(), m.end())
            if r.polarity == "required" and re.search(r"\bstore (?:the )?(?:terraform )?state\b[^.]{0,20}\bs3\b|\b(?:state|terraform|s3|remote) backend\b",
                                                      f"{low} {s.lead}".lower()) \
                    and not re.search(r"\b(?:create|provision|bootstrap|set up|make)\b", low):
                # "State backend: store state in S3 with versioning": the state bucket's, which the backend names, not the code's
                r = Reading("required", "low", "versioning of the Terraform state bucket, not of the buckets the code makes")
            b.add("s3-versioning", "storage", s.text, s.line, "REQ060", {"all": bool(re.search(r"\ball\b|\bevery\b|\beach\b", low))},
                  severity="medium", reading=r)
        m = re.search(r"backup[^.]{0,40}?(\d+)[- ]days?|(\d+)[- ]days?[^.]{0,30}backup", low)
        if m and not re.search(r"aws backup|backup (?:plan|vault|rule)", low):  # an AWS Backup plan's retention, not a database's
            b.add("backup-retention", "database", s.text, s.line, "REQ061", {"days": int(m.group(1) or m.group(2))}, severity="medium",
                  reading=s.reading(m.start(), m.end()))
        m = re.search(r"multi[- ]az\b", low)
        if m:  # REQ062 judges databases: a Multi-AZ bullet about instances or subnets is another tier's
            context = f"{s.lead} {s.section} {low}".lower()
            r = s.reading(m.start(), m.end())
            if not re.search(r"\brds\b|aurora|postgres|mysql|mariadb|\bdatabases?\b|\bdb\b", context):
                r = None if re.search(r"\binstances?\b|\bec2\b|auto ?scaling|\bsubnets?\b|web servers?|\bnodes?\b|\btasks?\b|load balancer|\balb\b|nat", context) \
                    else Reading(r.polarity, "low", "the prompt does not say Multi-AZ is for the database")
            if r:
                b.add("multi-az", "database", s.text, s.line, "REQ062", {}, severity="medium", reading=r)
        m = re.search(r"point[- ]in[- ]time recovery|\bpitr\b", low)
        # "- RDS PostgreSQL:\n  - point-in-time recovery" is about RDS, and so is a PITR bullet whose neighbours in its list
        # name Aurora; REQ063 judges DynamoDB tables, so a prompt that never names DynamoDB asks nothing of them
        near = " ".join(x.text for x in stmts[max(i - 3, 0):i] if x.section == s.section)
        context = f"{s.lead} {s.section} {near} {low}".lower()
        if m and dynamo_named and ("dynamo" in context or not re.search(r"\brds\b|aurora|postgres|mysql|\bdatabase\b", context)):
            b.add("dynamodb-pitr", "database", s.text, s.line, "REQ063", {}, severity="medium", reading=s.reading(m.start(), m.end()))
        runtimes = list(re.finditer(r"(python\s*3\.\d+|node(?:\.?js)?\s*\d+|latest (?:lambda )?runtime|runtime[^.]{0,20}latest)", low))
        # "must not use Node.js 18+ (use Python 3.11 instead)": the runtime asked for is the one not excluded
        m = next((x for x in runtimes if s.reading(x.start(), x.end()).polarity not in ("forbidden", "none")), runtimes[0] if runtimes else None)
        if m and re.search(r"\blambda\b|\bruntime\b|\bfunctions?\b", low):  # "Python 3.9+ and CDK 2.x" is tooling, not a runtime
            found = m.group(1)
            if "latest" in found:
                params = {"latest": True}
            elif found.startswith("python"):
                params = {"runtime": "python" + re.sub(r"[^\d.]", "", found)}
            else:
                params = {"runtime": f"nodejs{re.sub(r'[^0-9]', '', found)}.x"}
            # "Node.js 18+", "Python 3.11 or newer", "at least Python 3.10": a floor for that family's functions, not a demand for it
            if "runtime" in params and (re.match(r"(?:\.x)?\s*(?:\+|or (?:newer|later|above|higher|greater))", low[m.end():])
                                        or re.search(r"(?:at least|minimum(?: of)?|>=)\s*$", low[:m.start()])):
                params["minimum"] = True
            b.add("lambda-runtime", "compute", s.text, s.line, "REQ070", params, severity="medium", reading=s.reading(m.start(), m.end()))
        memory = re.search(r"\b(\d{3,5})\s*(?:mb|mib)\b(?:\s+(?:of\s+)?(?:memory|ram))?", low)
        timeout = re.search(r"\b(\d{1,3})[- ]?(?:seconds?|secs?|s)\b[- ](?:timeout)|\btimeout (?:of |to |at |is )?(\d{1,3})[- ]?(?:seconds?|secs?|s)\b"
                            r"|\b(\d{1,2})[- ]?minutes?[- ]timeout|\btimeout (?:of |to |at |is )?(\d{1,2})[- ]?minutes?\b", low)
        if (memory and re.search(r"memory|\bram\b", low) or timeout) and re.search(r"\blambda\b|\bfunctions?\b", low):
            params = {}
            if memory and re.search(r"memory|\bram\b", low):
                params["memory"] = int(memory.group(1))
            if timeout:
                seconds, minutes = timeout.group(1) or timeout.group(2), timeout.group(3) or timeout.group(4)
                params["timeout"] = int(seconds) if seconds else int(minutes) * 60
            at = (memory or timeout).start()
            b.add("lambda-settings", "compute", s.text, s.line, "REQ072",
                  # "each Lambda" speaks of the functions of its paragraph; only "all Lambda functions" is every one
                  {**params, "all": bool(re.search(r"\b(?:all|every)\s+(?:the\s+|of the\s+)?(?:lambda\s+functions?|lambdas|functions)\b", low))},
                  severity="medium", reading=s.reading(at, at + 1))
        types = list(re.finditer(r"\b((?:db\.)?[tmcr][3-8][a-z]?g?\.(?:nano|micro|small|medium|large|\d*xlarge))\b", low))
        if types:
            b.add("instance-types", "compute", s.text, s.line, "REQ071", {"types": sorted({t.group(1) for t in types})}, severity="low",
                  reading=s.reading(types[0].start(), types[0].end()))


_TAG_LIST = re.compile(r"(?:\bwith|\bkeys?|\bincluding|:)\s+((?:[A-Z][\w-]*)(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)[A-Z][\w-]*)+)(?![\w:=/-])")
_TAG_PAIR = re.compile(r"`?\b([A-Z][\w-]*)`?\s*[:=]\s*[`'\"]?([\w.${}/|-]+)")  # "Region=primary/secondary": alternatives


# A statement that is one tag, nothing else: "Project = SecureApp", "- `Owner`: platform-team"
_TAG_ITEM = re.compile(r"\W*`?([A-Z][\w-]*)`?\s*[:=]\s*[`'\"]?([\w.${}/-]+(?: [\w.${}/-]+)*)[`'\"]?[\s.,;]*")


def _listed_tags(stmts: list[Statement], i: int) -> dict[str, str]:
    """The tags a lead-in ("Apply consistent tagging for all resources:") introduces: the one-tag statements right after
    it (list items or paragraphs), in order."""
    found: dict[str, str] = {}
    for s in stmts[i + 1:]:
        m = _TAG_ITEM.fullmatch(s.text)
        if not m or m.group(1) in _TAG_STOP or s.heading:
            break
        found[m.group(1)] = m.group(2)
    return found


def _tags_and_names(stmts: list[Statement], b: _Builder) -> None:
    for i, s in enumerate(stmts):
        t = s.text
        idx = re.search(r"\btag(?:s|ged|ging)?\b", t, re.I)
        if idx:
            r = s.reading(idx.start(), idx.end())
            segment = t[idx.start():]
            label = re.match(r"tag\w*(?:\s+[A-Za-z]+){0,3}\s*:\s+", segment, re.I)  # "Tagging Strategy: Tag all ..." is a label
            segment = segment[label.end():] if label else segment
            pair_matches = [m for m in _TAG_PAIR.finditer(segment) if m.group(1) not in _TAG_STOP]
            pairs = {m.group(1): m.group(2) for m in pair_matches}
            # a prefix ("use the `secureApp-` prefix") is how names begin, not a tag key
            spans = [m for m in re.finditer(r"`([A-Za-z][\w:-]*)`", segment) if ":" not in m.group(1) and m.group(1) not in pairs.values()
                     and not m.group(1).endswith(("-", "_")) and not re.match(r"\s*(?:name\s+)?prefix", segment[m.end():], re.I)]
            ordered = sorted([(m.start(), m.group(1)) for m in spans] + [(m.start(), m.group(1)) for m in pair_matches])
            keys = [k for k in dict.fromkeys(k for _, k in ordered) if k not in _TAG_STOP and len(k) > 1]
            # "ManagedBy: terraform." ends a sentence; `Owner = "..."` gives no value
            values = {k: value for k, v in pairs.items() if k in keys and (value := v.rstrip("."))}
            if not keys and t.rstrip().endswith(":") and (listed := _listed_tags(stmts, i)):
                keys, values = list(listed), listed
            if not keys:
                prose = re.sub(r"\([^)]*\)", " ", segment)  # "(MANDATORY)", "(e.g. Production/Finance)"
                listed = _TAG_LIST.search(prose)
                if listed:  # "tag all resources with Owner, Environment, and CostCenter"
                    keys = [k for k in re.findall(r"[A-Z][\w-]*", listed.group(1)) if k not in _TAG_STOP]
                else:  # single words in prose: a guess, never a failure
                    keys = list(dict.fromkeys(w for w in re.findall(r"(?<![/\w-])([A-Z][a-z][\w-]*)(?![/\w:/-])", prose.split(":", 1)[-1])
                                              if w not in _TAG_STOP))
                    r = Reading(r.polarity, "low", "tag keys read from prose, not from code or key=value pairs")
            if any(re.fullmatch(r"[a-z0-9_]+", k) for k in keys):  # `aws_regions`, `locals`: names from code, not tag keys
                r = Reading(r.polarity, "low", "a name in code spans that looks like a variable, not a tag key")
            if keys:
                b.add("tags", "tagging", t, s.line, "REQ080", {"keys": keys[:8], "values": values}, severity="medium", reading=r)
        m = re.search(r"`?((?:[A-Za-z0-9]+[-_./])*\{[a-z_-]+\}(?:[-_./](?:[A-Za-z0-9]+|\{[a-z_-]+\})+)+)`?", t)
        if m and re.search(r"nam(?:e|ing)|pattern|convention|format", t, re.I):
            kind, types = _naming_scope(t, m.start())
            r = s.reading(m.start(), m.end())
            if kind is None:
                r = Reading(r.polarity, "low", "the prompt does not say which resources the pattern is for")
            params = {"pattern": m.group(1), **({"types": list(types)} if types else {})}
            b.add("naming-pattern" + (f"-{kind}" if types else ""), "conventions", t, s.line, "REQ081", params, severity="low", reading=r)
        m = re.search(r"environment[_ ]?suffix|environmentsuffix", t, re.I)
        if m:
            r = s.reading(m.start(), m.end())
            if r.polarity == "required" and re.match(r"\s*(?:is|=|of|:)\s*[\"'`][\w-]+[\"'`]", t[m.end():]):
                r = Reading("required", "low", "the prompt fixes the suffix's value; names may carry it literally")  # suffix is "prd"
            b.add("environment-suffix", "conventions", t, s.line, "REQ082", {}, severity="medium", reading=r)


def _naming_scope(text: str, at: int) -> tuple[str | None, tuple[str, ...]]:
    """Which resources a naming pattern at text[at:] is for: the kind its own clause names ("Create two S3
    buckets following the pattern ..." -> ("s3", its types)), ("all", ()) for all resources, (None, ()) unclear."""
    clause = re.split(r"[.;:!?]\s|\n", text[:at])[-1]
    named = sorted((m.start(), c) for c in CONCEPTS for m in c.regex.finditer(clause))
    kinds = list(dict.fromkeys(c for _, c in named))
    if kinds and not re.search(r"\b(?:all|every|each|any)\s+(?:\w+\s+)?(?:resources?|components?)\b", clause, re.I):
        return kinds[0].id, tuple(dict.fromkeys(t for c in kinds for t in c.types))
    if re.search(r"\b(?:all|every|each|any)\s+(?:\w+\s+)?(?:resources?|components?)\b|\bresources?\b|naming (?:convention|pattern|scheme)"
                 r"|\bnames?\s+(?:should|must|shall|will|follow|use|are|have to)\b", text, re.I):
        return "all", ()
    return None, ()


# A plain demand for stack outputs, even without names: "Include outputs showing:", "give us some useful outputs",
# "Stack outputs: ...", "Export the ALB DNS name as output" (not "load test outputs from ...", "use module outputs").
_OUTPUT_DEMAND = re.compile(
    r"\b(?:include|export|expose|provide|add|define|create|give(?: us)?)\s+(?:(?!in\b|from\b|using\b|with\b)\w+\s+){0,3}"
    r"(?:stack |terraform |pulumi |cloudformation |cfn )?outputs?\b(?!\s+(?:files?|folders?|directory|from)\b)"
    r"|\b(?:stack|cloudformation|infrastructure) outputs?\b\s*(?::|for\b|of\b|showing\b|including\b|to export\b)"
    r"|\bas (?:an? )?(?:stack )?outputs?\b", re.I)


def _outputs(stmts: list[Statement], b: _Builder) -> None:
    for s in stmts:
        m = re.search(r"\boutputs?\b", s.text, re.I)
        if not m or s.heading or re.search(r"expected output|example output|output (?:requirements|instructions|format)", s.section, re.I):
            continue  # a heading, or the section that says how to format the answer, asks for no stack outputs
        if re.search(r"\b(?:expected |the |final )?output (?:should|must|will|is|everything|to (?:a|the|one)|format|as a|a |an )|expected output",
                     s.text, re.I):
            continue  # "output" as the deliverable ("The output should be a valid CDK app"), not stack outputs
        r = s.reading(m.start(), m.end())
        if r.reason.startswith("named as a value to output"):  # that rule is for the things output, not the outputs themselves
            r = Reading(r.polarity, "high", "")
        tail = s.text[m.end():]
        names = re.findall(r"`([\w-]+)`", tail)
        if not names and re.match(r"^\W*(?:outputs?\s*:|(?:outputs?|export)\s+(?:the|all)\b)", s.text, re.I) and not s.heading:
            # an imperative list: "Output the VPC ID, the ALB DNS name and the API URL."
            listed = re.sub(r"\([^)]*\)", " ", re.sub(r"^\W*(?:outputs?|export)\b\s*:?", "", s.text, flags=re.I))
            names = [re.sub(r"^(?:the|a|an|all)\s+", "", w.strip(" .:").lower()) for w in re.split(r",|\band\b", listed)]
            names = [n for n in names if 0 < len(n) < 40]
        if not names and not _OUTPUT_DEMAND.search(s.text):  # names read from other prose: a guess, judged only when the code has none
            r = Reading(r.polarity, "low", "output names read from prose")
        b.add("outputs", "outputs", s.text, s.line, "REQ090", {"names": [n.lower() for n in names][:10]}, severity="medium", reading=r)


def _error_handling(stmts: list[Statement], b: _Builder) -> None:
    for s in stmts:
        m = re.search(r"input validation|validat(?:e|ion) (?:of )?(?:the )?(?:configuration )?(?:inputs?|variables?|parameters?)"
                      r"|validate the configuration|error handling|handle (?:\w+ )?(?:errors|failures)", s.text, re.I)
        if m:
            r = s.reading(m.start(), m.end())
            if not re.search(r"validat", m.group(0), re.I):  # the check sees validation and raised errors, not retries or runtime handling
                r = Reading(r.polarity, "low", "error handling at run time is not visible in the code's structure")
            b.add("validation", "error-handling", s.text, s.line, "REQ100", {}, severity="low", reading=r)


# Tests the answer itself is to deliver: "Unit tests for all components", "Write unit tests with good coverage",
# "- **Testing**: Integration tests verifying the deployment" (not "deployed and tested for real-world integration
# tests", "the code must pass the existing unit tests", "integration tests read cfn-outputs/ at run time" as context).
_TESTS = re.compile(r"\b(?:unit|integration|end-to-end|e2e)(?:\s+(?:and|&|/)\s+(?:unit|integration|end-to-end|e2e))?[ -]tests?\b"
                    r"|\b(?:test suites?|terratest)\b", re.I)
_TESTS_DEMAND_BEFORE = re.compile(r"(?:^|\b(?:write|writes|include|includes|provide|provides|add|adds|create|creates|implement|"
                                  r"implements|deliver|delivers|plus|comprehensive|complete|with)\b)\W*(?:[\w*-]+\W+){0,3}$", re.I)
_TESTS_NOT_DEMANDED = re.compile(r"\b(?:existing|provided|given|our|their|current)\s+(?:[\w-]+\s+)?tests?\b|\bpass(?:es|ing)?\s+(?:the\s+|all\s+)?"
                                 r"(?:[\w-]+\s+)?tests\b|\b(?:for|by|from|during|in|of)\s+(?:[\w-]+\s+)?$", re.I)

# "Integration tests require these outputs", "Unit tests live under test/": what tests do or where they are, said of
# tests the prompt's own pipeline may hold, not an order to write them.
_TESTS_CONTEXT_AFTER = re.compile(r"^\W*(?:\([^)]*\)\s*)?(?:require|requires|need|needs|use|uses|will|would|should (?:load|read|use)|"
                                  r"read|reads|load|loads|rel(?:y|ies)|depend|depends|live|lives|are (?:located|stored|run)|exist|run|runs)\b", re.I)


def _tests(stmts: list[Statement], b: _Builder) -> None:
    for s in stmts:
        m = _TESTS.search(s.text)
        if not m or s.heading or re.search("[\u2502\u251c\u2514]", s.text):
            continue  # a heading names a topic; a directory tree shows where files go
        before = re.sub(r"^\W*(?:\*\*)?(?:testing|tests?|quality|code quality)(?:\*\*)?\s*:\s*(?:\*\*)?", "", s.text[:m.start()], flags=re.I)
        if _TESTS_NOT_DEMANDED.search(s.text[:m.end() + 40]) and not _TESTS_DEMAND_BEFORE.search(before):
            continue
        r = s.reading(m.start(), m.end())
        if r.polarity == "required" and (not _TESTS_DEMAND_BEFORE.search(before) or _TESTS_CONTEXT_AFTER.match(s.text[m.end():])):
            r = Reading("required", "low", "tests named in passing, not as something to deliver")
        b.add("tests", "structure", s.text, s.line, "REQ120", {}, severity="medium", reading=r)


# "All resources must be destroyable (no Retain policies)", "**Destroyability**: ...", "no deletion protection anywhere",
# "everything must be destroyable without any Retain policies so we can tear down test environments". The demand is
# written as a negation of Retain, so the reading of the words alone would call it "not needed".
_DESTROYABLE = re.compile(r"\bdestroyab(?:le|ility)\b|\b(?:cleanly|fully|completely|easily)\s+(?:destroyed|torn down|deleted|removed)\b"
                          r"|\bno\s+(?:retain|retention)\s+(?:deletion\s+|removal\s+)?polic|\bwithout\s+(?:any\s+)?retain\b"
                          r"|\b(?:no|don'?t enable|do not enable|disable|without)\s+(?:any\s+)?deletion[ _-]?protection\b"
                          r"|\bdeletion[ _-]?protection\s+(?:disabled|turned off|off|is (?:disabled|off)|must be disabled|set to false)\b"
                          r"|\bdeletion[ _-]?protection\s*[=:]\s*false\b", re.I)
# The prompt itself asks for protection ("multi-AZ, automated backups, and deletion protection", "lifecycle blocks with
# prevent_destroy = true for RDS instances", "RemovalPolicy.RETAIN for the audit bucket"): it wins.
_PROTECTION_DEMANDED = re.compile(r"(?:\benable[sd]?|\bturn on|\bwith|\band|,)\s+(?:\w+\s+){0,2}deletion[ _-]?protection\b"
                                  r"|\bdeletion[ _-]?protection\s*(?:enabled|on\b|=\s*true|:\s*true)"
                                  r"|\bprevent_destroy\s*=\s*true\b|\bRemovalPolicy\.RETAIN\b|\bprotect\s*=\s*True\b", re.I)
_PROTECTION_REFUSED = re.compile(r"\b(?:false|off|disabled?|no|not|never|don'?t|avoid|without|except)\b|\u2192", re.I)


def _destroyable(stmts: list[Statement], b: _Builder) -> None:
    keep_protection = any(_PROTECTION_DEMANDED.search(s.text) and not _PROTECTION_REFUSED.search(s.text) and not s.heading
                          for s in stmts)
    for s in stmts:
        m = _DESTROYABLE.search(s.text)
        if not m or s.heading:
            continue
        r = s.reading(m.start(), m.end())
        if r.polarity == "optional" or (r.polarity == "required" and r.confidence == "low" and not r.reason.startswith("a constraint")):
            pass  # conditional, or background: as read
        else:
            r = REQUIRED  # "no Retain policies" reads as a negation; it is the demand itself
        b.add("destroyable", "conventions", s.text, s.line, "REQ130", {"keep_protection": True} if keep_protection else {},
              severity="medium", reading=r)


# "KMS keys with automatic rotation", "Enable automatic key rotation", "keys rotate automatically every 90 days"
_KEY_ROTATION = re.compile(r"\b(?:keys?|kms|cmks?)\b[^.;:]{0,60}?\b(?:auto[- ]?)?rotat\w*|\b(?:auto[- ]?)?rotat\w*\b[^.;:]{0,40}?\b(?:kms|cmks?|keys?)\b", re.I)
# the rotation of something else: secrets, credentials, passwords, access or API keys, certificates, logs
_OTHER_ROTATION = re.compile(r"(?:secrets?|credentials?|passwords?|access[- ]keys?|api[- ]keys?|ssh[- ]keys?|certificates?|tokens?|logs?)\s+"
                             r"(?:\w+\s+){0,2}?(?:(?:auto[- ]?)?rotat|must rotat|should rotat)|rotat\w*\s+(?:of\s+)?(?:the\s+)?(?:db\s+|database\s+)?"
                             r"(?:secrets?|credentials?|passwords?|access[- ]keys?|api[- ]keys?|certificates?)", re.I)
_ROTATION_DAYS = re.compile(r"\b(\d{2,4})[- ]days?\b|\b(annual(?:ly)?|yearly|every year)\b", re.I)
_ABOUT_TESTS = re.compile(r"^\W*(?:tests?|verify|validate|check|assert)\b|\b(?:write|add|unit|integration)\s+tests?\b|\btests?\s+(?:that|for|to)\b", re.I)


def _key_rotation(stmts: list[Statement], b: _Builder) -> None:
    periods: set[int] = set()
    for s in stmts:
        m = _KEY_ROTATION.search(s.text)
        if not m or s.heading or _ABOUT_TESTS.search(s.text) or _OTHER_ROTATION.search(m.group(0)):
            continue
        if not re.search(r"\bkms\b|\bcmks?\b|customer[- ]managed|encryption keys?|\bkey rotation\b", f"{s.text} {s.lead} {s.section}", re.I):
            continue  # "keys rotate" with no KMS near: access keys, SSH keys
        days = _ROTATION_DAYS.search(s.text[m.start():m.end() + 60]) or _ROTATION_DAYS.search(s.text[max(m.start() - 30, 0):m.start()])
        period = (int(days.group(1)) if days.group(1) else 365) if days else None
        r = s.reading(m.start(), m.end())
        b.add("kms-key-rotation", "encryption", s.text, s.line, "REQ032",
              {"days": period} if period and period != 365 else {}, severity="medium", reading=r)
        if period and r.polarity == "required":
            periods.add(period)
    if len(periods) == 1 and periods != {365}:  # "keys with rotation", then "keys rotate every 90 days"
        b.refine("kms-key-rotation", {"days": periods.pop()})
