"""Turn a model's markdown answer into named source files, with markdown-it-py.

Naming rules, in order (first that yields a path wins):
1. the nearest heading before the fence that names a path (`## File: lib/main.tf`, `### 2. variables.tf`);
2. a comment on the block's first line that names a path (`# main.tf`, `// file: versions.tf`), or a Python
   docstring that starts with one (`'''lib/tap_stack.py - the stack.'''`);
3. the last text line before the fence that names a path (`**main.tf**`, "Create `lib/tap_stack.py`:"), if
   at most two paragraphs without one come between (a file named further back is what that prose was about);
4. the fence info string (```` ```hcl title="main.tf" ````, ```` ```hcl variables.tf ````).
Unnamed blocks are assigned by language and content (see `_default_name`) and counted, unless they cannot be
code of their language (see `could_be_code`: pseudo-config, commented-out lines); when
the document also has named files of the same language, an unnamed block is taken for an
illustrative snippet and not delivered (a before/after fragment must not break the real files).

A name with a sample suffix (`terraform.tfvars.example`, `.sample`, `.template`, `.dist`) is documentation
and not delivered.

Merge rule for a file named twice: the later block replaces the earlier one, unless the
earlier block was cut off (unclosed fence) or the later block's label says it continues
("continued", "cont.", "part 2"), in which case it is appended; a later block under half the
size that declares nothing new is an excerpt (a fix shown again) and the file stays whole.
Unnamed HCL blocks pile up in `tap_stack.tf`. Whatever the earlier block, a later one that declares
again at least half of what the file declares so far, at no less than half its size, is the author's
next attempt at the whole file and replaces it (a draft revised, an attempt cut off and started over).

A fence its author plainly abandoned is closed where they started over: at an `Answer` heading inside it
(a trace cut off mid-code runs on into the answer) or at a fresh opening fence of its own language. Such a
block is cut off but does not make the answer truncated: only a fence open at the end of the document does.

When the document has an `Answer` heading (after a reasoning trace), only the text after
the last such heading is graded, unless that part holds no code: then the whole document
is used and the fallback is recorded.
"""

from __future__ import annotations

import ast
import keyword
import posixpath
import re
import warnings
from dataclasses import dataclass, field

import hcl2
from markdown_it import MarkdownIt

from ..ir import SourceFile

_MD = MarkdownIt("commonmark")
_EXT = r"(?:tf|tfvars|hcl|py|json|ya?ml|sh|txt|cfg|toml|ini|js|ts|go|java|cs|md)"
# A name may end in a documentation suffix (`terraform.tfvars.example`): that is a sample of the file, not the file.
_DOC_SUFFIX = r"(?:\.(?:example|sample|template|tmpl|dist|orig|bak))"
_PATH = re.compile(rf"(?<![\w/.-])((?:\.{{0,2}}/)?[\w.@-]+(?:/[\w.@-]+)*\.{_EXT}{_DOC_SUFFIX}?)(?![\w-])")
_DOCUMENTATION = re.compile(rf"{_DOC_SUFFIX}$")
_COMMENT = re.compile(r"^\s*(?:#|//|/\*|--|<!--)\s*(?:file(?:name)?\s*[:=]\s*|=+\s*file:\s*)?(.*)$", re.I)
# A Python module docstring that opens with the file's name: `"""lib/tap_stack.py - the main stack."""`.
_DOCSTRING = re.compile(r"""^\s*[rRuU]?(?:'{3}|"{3})\s*(?:file(?:name)?\s*[:=]\s*)?([\w./@-]+?)[\s:,;.-]*(?:\s|'{3}|"{3}|$)""", re.I)
_DECLARATION = re.compile(r'^\s*((?:resource|data)\s+"[\w-]+"\s+"[\w-]+"|(?:variable|output|module|locals)\b\s*"?[\w-]*"?)', re.M)
_LOCAL_MODULE = re.compile(r'^\s*source\s*=\s*"\./modules/', re.M)
_CONTINUED = re.compile(r"\b(continued|continuation|cont\.|part\s*[2-9])\b", re.I)
# A label (heading, comment or text) that names a file and says it shows only part of it.
_PARTIAL = re.compile(
    r"\((?:[^)]*\b(?:additional|additions?|partial|excerpt|snippet|relevant (?:parts?|sections?)|key (?:parts?|sections?)"
    r"|changes? only|updated sections?|abridged|truncated))\b[^)]*\)",
    re.I,
)
_ANSWER = re.compile(r"^\s*answer\s*:?\s*$", re.I)
LANG_BY_INFO = {
    "hcl": "hcl", "terraform": "hcl", "tf": "hcl", "tfvars": "hcl",
    "python": "python", "py": "python", "python3": "python",
    "json": "json", "yaml": "yaml", "yml": "yaml",
    "bash": "shell", "sh": "shell", "shell": "shell", "console": "shell", "zsh": "shell",
    "typescript": "typescript", "ts": "typescript", "javascript": "javascript", "js": "javascript",
    "go": "go", "golang": "go", "java": "java", "csharp": "csharp", "cs": "csharp",
    "text": "text", "txt": "text", "plaintext": "text", "markdown": "markdown", "md": "markdown", "ini": "text",
    "toml": "text", "dockerfile": "text", "sql": "text",
}
LANG_BY_EXT = {
    ".tf": "hcl", ".tfvars": "hcl", ".hcl": "hcl", ".py": "python", ".json": "json", ".yaml": "yaml",
    ".yml": "yaml", ".sh": "shell", ".ts": "typescript", ".js": "javascript", ".go": "go", ".java": "java",
    ".cs": "csharp", ".md": "markdown", ".txt": "text", ".toml": "text", ".cfg": "text", ".ini": "text",
}
CODE_LANGUAGES = ("hcl", "python")


@dataclass
class Block:
    info: str
    language: str
    content: str
    line: int  # 1-based line of the opening fence in the document
    name: str | None
    named_by: str  # heading | comment | text | info | default
    closed: bool
    continued: bool = False
    partial: str = ""  # its label says it shows part of the file: "(additional variables)"
    cut: bool = False  # not closed: its author started over (a new fence of its language, an Answer heading)


@dataclass
class Extraction:
    """What was pulled out of one markdown document."""

    files: list[SourceFile] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    unnamed: list[int] = field(default_factory=list)  # document lines of code blocks with no file name
    truncated: bool = False  # the last fence is never closed
    prose_only: bool = False
    code_share: float = 0.0
    used_trace: bool = False  # the Answer section had no code, so the reasoning trace was graded
    has_answer_section: bool = False
    origins: dict[str, int] = field(default_factory=dict)  # file -> document line of its (first) block
    mentioned: list[str] = field(default_factory=list)  # code files the text names but no block delivers
    partial: dict[str, str] = field(default_factory=dict)  # file -> the label saying only part of it is shown
    unfenced: list[str] = field(default_factory=list)  # files recovered from code written outside any fence
    tests: dict[str, tuple[int, str]] = field(default_factory=dict)  # test file -> (document line, text): not graded as code


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def clean_path(raw: str) -> str:
    """A safe, relative, normalised path: never absolute, never climbing out with `..`, no control characters."""
    path = _CONTROL.sub("_", _MARKDOWN_ESCAPE.sub(r"\1", raw.strip()).strip("`'\"*")).replace("\\", "/")
    path = posixpath.normpath(path).lstrip("/")
    parts = [p for p in path.split("/") if p not in ("..", ".", "")]
    return "/".join(parts) or "unnamed"


_MARKDOWN_ESCAPE = re.compile(r"\\([_*.\-])")  # `tap\_stack.tf` in a heading is tap_stack.tf


def _path_in(text: str) -> str | None:
    found = _PATH.findall(_MARKDOWN_ESCAPE.sub(r"\1", text))
    return clean_path(found[-1]) if found else None


def _language(info: str, name: str | None, content: str) -> str:
    word = info.split()[0].lower() if info.split() else ""
    if word in LANG_BY_INFO:
        return LANG_BY_INFO[word]
    if name:
        ext = posixpath.splitext(name)[1].lower()
        if ext in LANG_BY_EXT:
            return LANG_BY_EXT[ext]
    if re.search(r'^\s*(resource|variable|provider|terraform|module|output|data|locals)\s+("|\{)', content, re.M):
        return "hcl"
    if re.search(r"^\s*(import \w|from [\w.]+ import |def \w+\(|class \w+)", content, re.M):
        return "python"
    return word or "text"


def _fits(name: str, info_language: str | None) -> bool:
    """A name whose extension contradicts the fence language (`terraform.tfvars` on a bash block) is not the block's."""
    ext_language = LANG_BY_EXT.get(posixpath.splitext(name)[1].lower())
    if info_language is None or ext_language is None or ext_language in ("text", "markdown"):
        return True
    return ext_language == info_language


def _comment_name(content: str) -> str | None:
    lines = [line for line in content.splitlines() if line.strip()]
    if lines and lines[0].startswith("#!"):
        lines = lines[1:]  # a script's name is the comment under its shebang: `#!/bin/bash` / `# scripts/user_data.sh`
    first = lines[0] if lines else ""
    doc = _DOCSTRING.match(first)
    if doc:  # only a name the docstring starts with: a path further on is prose about another file
        return _path_in(doc.group(1)) if _PATH.fullmatch(doc.group(1)) else None
    m = _COMMENT.match(first)
    if not m:
        return None
    return _path_in(m.group(1).split(" - ")[0].split(" — ")[0])


def _info_name(info: str) -> str | None:
    m = re.search(r"""(?:title|file|filename)\s*=\s*["']?([^"'\s]+)""", info)
    if m:
        return clean_path(m.group(1))
    words = info.split()
    return _path_in(" ".join(words[1:])) if len(words) > 1 else None


def _default_name(language: str, content: str, index: int) -> str:
    if language == "hcl":
        return "tap_stack.tf"
    if language == "python":
        if re.search(r"^class TapStack\b", content, re.M):
            return "lib/tap_stack.py"
        if re.search(r"\bApp\(\)", content) and ".synth()" in content:
            return "tap.py"
        if re.search(r"^import pulumi\b|^from pulumi\b", content, re.M) and "class " not in content:
            return "__main__.py"
    ext = {"python": "py", "json": "json", "yaml": "yaml", "shell": "sh"}.get(language, "txt")
    return f"unnamed-{index}.{ext}"


def answer_part(text: str) -> str:
    """The text after the last `Answer` heading (a reasoning trace before it is not the answer); all of it when none."""
    tokens = _MD.parse(text)
    start = _answer_start(tokens)
    heading = tokens[start - 3] if start is not None else None
    if heading is None or not heading.map:
        return text
    return "\n".join(text.splitlines()[heading.map[1]:])


def _answer_start(tokens) -> int | None:
    """Token index just after the last `Answer` heading, if any."""
    start = None
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and i + 1 < len(tokens):
            text = re.sub(r"[#*_`:]", " ", tokens[i + 1].content)
            if _ANSWER.match(text):
                start = i + 3
    return start


_TEXT_REACH = 2  # paragraphs (or list items) without a file name between a text line naming one and the fence


def _blocks(tokens, lines: list[str], inserted: list[int], unfenced: set[int]) -> list[Block]:
    blocks: list[Block] = []
    heading = None
    text_path, since = None, 0
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            heading = tokens[i + 1].content
            text_path = None
        elif tok.type == "html_block" and (named := re.fullmatch(r"\s*<!--\s*(?:file:\s*)?([\w./-]+\.\w+)\s*-->\s*", tok.content, re.I)):
            text_path, since = (clean_path(named.group(1)), tok.content), 0  # `<!-- app.py -->` just above a fence names it
        elif tok.type == "inline" and tokens[i - 1].type != "heading_open":
            found = _path_in(tok.content) if not re.search(r"[├└│]──|│", tok.content) else None  # a directory tree names no block
            if found:
                text_path, since = (found, tok.content), 0
            elif text_path and (since := since + 1) > _TEXT_REACH:
                text_path = None  # a file named paragraphs back is what the prose was about, not this block's name
        elif tok.type == "code_block" and tok.map and tok.map[0] in unfenced:
            continue  # indented lines inside code written without fences: part of that code, not a block
        elif tok.type in ("fence", "code_block") and tok.map:
            info = tok.info.strip() if tok.type == "fence" else ""
            content = tok.content
            start, end = tok.map
            closing = lines[end - 1].strip() if 0 < end <= len(lines) else ""
            cut = end - 1 in inserted
            closed = not cut and (tok.type == "code_block" or (end - 1 > start and closing.startswith(("```", "~~~"))))
            label = ""
            name, how = None, "default"
            heading_name = _path_in(heading) if heading else None
            comment_name = _comment_name(content)
            info_name = _info_name(info)
            info_language = LANG_BY_INFO.get(info.split()[0].lower()) if info.split() else None
            for candidate, source, raw in (
                (heading_name, "heading", heading or ""),
                (comment_name, "comment", content.split("\n", 1)[0]),
                (text_path[0] if text_path else None, "text", text_path[1] if text_path else ""),
                (info_name, "info", info),
            ):
                # a script under a wrong fence language (```hcl - modules/compute/user_data.sh holding #!/bin/bash) keeps its name
                script = content.lstrip().startswith("#!") and bool(candidate) and candidate.endswith((".sh", ".bash", ".py"))
                if candidate and (_fits(candidate, info_language) or script):
                    name, how, label = candidate, source, raw
                    break
            language = _language(info, name, content)
            if name is None and blocks and blocks[-1].cut and blocks[-1].name and blocks[-1].language == language:
                name, how = blocks[-1].name, blocks[-1].named_by  # the next attempt at the file just cut off
            partial = _PARTIAL.search(label) if name else None
            blocks.append(Block(info, language, content, _written(start, inserted), name, how, closed, bool(_CONTINUED.search(label)),
                                partial.group(0) if partial else "", cut))
            heading = None  # a heading names the first block under it only
            text_path = None
    return blocks


_FENCE_LINE = re.compile(r"^(\s{0,3})(`{3,}|~{3,})\s*([\w+-]*)(.*)$")


def _widen_nested_fences(markdown: str) -> str:
    """Give ```markdown blocks that contain fenced code a longer outer fence.

    Models often nest ```hcl blocks inside a ```markdown README; CommonMark then closes the
    README at the first inner fence. Lengthening the outer fence (same line count, so line
    numbers hold) lets markdown-it see the nesting as the author meant it.
    """
    lines = markdown.split("\n")
    i = 0
    while i < len(lines):
        m = _FENCE_LINE.match(lines[i])
        if m and m.group(3).lower() in ("markdown", "md") and m.group(2)[0] == "`":
            j = _readme_end(lines, i)
            if j < len(lines) and j > i + 1:
                ticks = "`" * (max(len(x) for x in re.findall(r"`{3,}", "\n".join(lines[i + 1:j])) or ["``"]) + 1)
                ticks = ticks if len(ticks) > 3 else "````"
                lines[i] = m.group(1) + ticks + lines[i].strip()[len(m.group(2)):]
                lines[j] = lines[j].replace(lines[j].strip(), ticks)
            i = j + 1
            continue
        i += 1
    return "\n".join(lines)


def _readme_end(lines: list[str], start: int) -> int:
    """Line of the fence that closes the ```markdown block opened at `start` (len(lines) if none).

    Inside a README a fence with an info string opens an inner block and a bare fence closes it. A bare
    fence at the README's own level is ambiguous: it closes the README, or it opens an untagged inner block
    (a directory tree). It closes when it ends the document or is followed by a blank line or a heading;
    followed by content, it opens. That reading is kept only if it leaves every later fence paired;
    otherwise the first bare fence closes the README, as CommonMark would read it.
    """
    first, depth, j = None, 0, start + 1
    while j < len(lines):
        inner = _FENCE_LINE.match(lines[j])
        if inner and inner.group(2)[0] == "`":
            if inner.group(3) or inner.group(4).strip():
                depth += 1
            elif depth:
                depth -= 1
            else:
                first = j if first is None else first
                after = lines[j + 1].strip() if j + 1 < len(lines) else ""
                if not after or after.startswith("#"):
                    return j if _fences_pair(lines, j + 1) else first
                depth += 1
        j += 1
    return len(lines) if first is None else first


def _fences_pair(lines: list[str], start: int) -> bool:
    """True when the backtick fences from `start` on open and close in pairs (no block left open)."""
    open_fence = None
    for line in lines[start:]:
        m = _FENCE_LINE.match(line)
        if not m or m.group(2)[0] != "`":
            continue
        if open_fence is None:
            open_fence = m.group(2)
        elif m.group(2).startswith(open_fence) and not (m.group(3) or m.group(4).strip()):
            open_fence = None
    return open_fence is None


_ANSWER_HEADING = re.compile(r"^#{1,6}\s*\**answer\**\s*:?\s*$", re.I)
_MAX_RESTARTS = 8  # each costs a parse of the rest of the document; real answers start over once or twice
_RESTART_LINE = re.compile(r"^(?:#{1,6}\s*\**answer\**\s*:?\s*|(?:`{3,}|~{3,})\s*\w[\w+-]*\s*|[\w./-]+\.(?:py|tf)\s*)$", re.I | re.M)
_BARE_PATH = re.compile(r"^\s*([\w.-]+/)*[\w.-]+\.(py|tf)\s*$")


def _restart(tok, lines: list[str]) -> tuple[int, bool] | None:
    """Document line (0-based) inside a fence where the author plainly started over, and whether the fence goes on
    after the next line (a file name), or None.

    A trace whose code fence was cut off runs on into the `### Answer` heading (CommonMark then reads
    the whole answer as part of the cut fence); an attempt cut off before its closing fence is
    followed by a fresh opening fence of the same language (```` ```hcl ```` inside ```` ```hcl ````).
    A fence never closed that runs on over several files starts over where a prose line ("2. VPC Stack") is
    followed by a bare file name of its language ("infrastructure/vpc_stack.py"): the fence ends before the prose and
    opens again after the name.
    None of these lines can be code of the fence's own language.
    """
    info = tok.info.strip().split()
    language = LANG_BY_INFO.get(info[0].lower()) if info else None
    if language == "markdown":
        return None  # a README legitimately holds fences and headings
    fence = tok.markup
    last = min(tok.map[1], len(lines)) - 1
    unclosed = last <= tok.map[0] or not lines[last].strip().startswith(fence)
    for k in range(tok.map[0] + 1, min(tok.map[1], len(lines))):
        if _ANSWER_HEADING.match(lines[k]):
            return k, False
        path = _BARE_PATH.match(lines[k]) if unclosed else None
        if path and LANG_BY_EXT.get("." + path.group(2)) == language \
                and (_prose_words(lines[k - 1]) or _PROSE.match(lines[k - 1]) and not lines[k - 1].startswith("#")) \
                and not could_be_code(language, lines[k - 1]):
            return k - 1, True
        again = _FENCE_LINE.match(lines[k])
        if again and language in CODE_LANGUAGES and not again.group(1) and again.group(2).startswith(fence) \
                and LANG_BY_INFO.get(again.group(3).lower()) == language:
            return k, False
    return None


def _written(index: int, inserted: list[int]) -> int:
    """The 1-based line, in the document as written, of line `index` (0-based) after `_close_restarts`."""
    return index + 1 - sum(k < index for k in inserted)


def _close_restarts(markdown: str) -> tuple[str, list[int], list | None]:
    """Close a fence where its author started over (see `_restart`): the text, the inserted lines
    (0-based) and, when nothing was inserted, the tokens of the parse that found no cut.

    After each cut only the text from the inserted line on is parsed again (fences before it are settled).
    """
    if not _RESTART_LINE.search(markdown):
        return markdown, [], None
    lines = re.split(r"\r\n|\r|\n", markdown)  # markdown-it's line breaks, so its line numbers index this list
    inserted: list[int] = []
    offset = 0
    for _ in range(_MAX_RESTARTS):
        rest = lines[offset:]
        cut = None
        tokens = _MD.parse("\n".join(rest))
        for tok in tokens:
            if tok.type == "fence" and tok.map and (found := _restart(tok, rest)) is not None:
                cut = (offset + found[0], tok.markup, tok.markup + tok.info.strip() if found[1] else None)
                break
        if cut is None:
            return markdown, inserted, (None if inserted else tokens)
        lines.insert(cut[0], cut[1])
        inserted.append(cut[0])
        offset = cut[0] + 1
        if cut[2]:  # the prose line and the file name stay outside; the fence opens again after them
            lines.insert(cut[0] + 3, cut[2])
            inserted.append(cut[0] + 3)
            offset = cut[0] + 3
        markdown = "\n".join(lines)
    return markdown, inserted, None


_PY_DECLARATION = re.compile(r"^(?:class|def)\s+(\w+)", re.M)


def _declarations(text: str) -> set[str]:
    return set(_DECLARATION.findall(text)) | set(_PY_DECLARATION.findall(text))


def _rewrite_of(later: set[str], later_size: int, earlier: set[str], earlier_size: int) -> bool:
    """A later block that declares again at least half of what the file so far declares, at no less than
    half its size: the author's next attempt at the whole file (after a draft, or one cut off), which replaces it."""
    return bool(earlier) and len(later & earlier) * 2 >= len(earlier) and later_size * 2 >= earlier_size


def _excerpt_of(later: str, earlier: str) -> bool:
    """A later block for a file that is much shorter and declares nothing the earlier one does not.

    A Python block with its own imports is a whole (rewritten) file, however short.
    """
    if re.search(r"^(?:import|from)\s+\w", later, re.M):
        return False
    declared = _declarations(later)
    return bool(declared) and declared <= _declarations(earlier) and len(later) * 2 < len(earlier)


_HCL_START = re.compile(r'^(?:resource|data)\s+"[\w-]+"\s+"[\w-]+"\s*\{|^(?:variable|output|module|provider)\s+"[\w-]+"\s*\{|^(?:terraform|locals)\s*\{')
_PY_START = re.compile(r"^(?:import\s+\w[\w.]*(?:\s+as\s+\w+)?\s*$|from\s+[\w.]+\s+import\s)")


# A line only code of the language starts: an HCL top-level block; a Python import, class, def or call `name(`.
_HCL_DECLARES = re.compile(r"^\s*(?:(?:resource|data|module|variable|output|provider)\s+\"|(?:terraform|locals)\s*\{)", re.M)
_HCL_RESOURCES = re.compile(r'^\s*(?:resource|data|module)\s+"', re.M)
_PY_DECLARES = re.compile(r"^\s*(?:import|from|class|def)\s|\b[A-Za-z_][\w.]*\(", re.M)


def could_declare_resources(language: str, text: str) -> bool:
    """Could this text (a file that did not parse) hold resources? A fence of pseudo-config (`Ingress: 10.0.0.0/16 -
    All Traffic`) or a list of output names cannot, so it leaves a claim that something is missing standing."""
    return bool((_HCL_RESOURCES if language == "hcl" else _PY_DECLARES).search(text))
_LINE_COMMENT = re.compile(r"^\s*(?:#|//).*$", re.M)


def could_be_code(language: str, text: str) -> bool:
    """Could this fence's text be code of its language? Not when it has no declaration-like line and does not parse
    to anything but comments: pseudo-config in a ```python fence (`Ingress: 10.0.0.0/16 - All Traffic`), a line of
    `...`, commented-out code. Parsed here, never run."""
    bare = _LINE_COMMENT.sub("", text)
    if (_HCL_DECLARES if language == "hcl" else _PY_DECLARES).search(bare):
        return True
    try:
        if language == "hcl":
            return any(not key.startswith("__") for key in hcl2.loads(text if text.endswith("\n") else text + "\n"))
        with warnings.catch_warnings():  # `"\d"` in the text: a SyntaxWarning on stderr, not a finding
            warnings.simplefilter("ignore")
            return bool(ast.parse(text).body)
    except Exception:  # any parser error (syntax, recursion depth, NUL bytes) means "not code"
        return False


def has_code_lines(text: str) -> bool:
    """Does the text hold a line that starts HCL or Python code, fenced or not?"""
    return any(_HCL_START.match(line.strip()) or _PY_START.match(line.strip()) for line in text.splitlines())
_PROSE = re.compile(r"^(?:[A-Z][\w'’,-]*(?:\s+[\w'’,./()-]+){3,}[.:!?]|[-*]\s+\S.*|\d+\.\s+\S.*|\*\*.*|#{2,}\s.*)$")


_WORDS = re.compile(r"^([A-Za-z][\w'’-]*)(?:[ \t]+[\w'’-]+)+[ \t]*[.:!?]?$")


def _prose_words(line: str) -> bool:
    """An unindented line of plain words (`Security Improvements`), which no Python statement is."""
    m = _WORDS.match(line)
    return bool(m) and not keyword.iskeyword(m.group(1)) and not keyword.issoftkeyword(m.group(1))


def _unfenced_code(lines: list[str], tokens) -> tuple[list[tuple[str, str, str, int]], set[int]]:
    """Code written outside any fence: HCL blocks (brace-balanced) and Python modules (from their first import).

    Models sometimes drop the fences and write `# main.tf` and the code as plain text. Each run
    of code takes the file name of the nearest line before it that names one. Returns the files
    and the (0-based) lines the runs cover.
    """
    fenced = set()
    for tok in tokens:  # not `code_block`: CommonMark reads a blank line then indented code as one
        if tok.type == "fence" and tok.map:
            fenced.update(range(tok.map[0], tok.map[1]))
    runs: list[tuple[str, str, list[str], int]] = []  # (name, language, lines, first line)
    name_hint: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if i in fenced:
            i += 1
            continue
        named = _path_in(line) if len(line) < 120 and not _HCL_START.match(line) else None
        if named:
            name_hint = named
        if _HCL_START.match(line):
            depth, j = 0, i
            while j < len(lines) and j not in fenced:
                depth += lines[j].count("{") - lines[j].count("}")
                j += 1
                if depth <= 0:
                    break
            chunk = lines[i:j]
            if runs and runs[-1][1] == "hcl" and runs[-1][0] == (name_hint or "main.tf") and runs[-1][3] + len(runs[-1][2]) >= i - 40:
                runs[-1][2].extend([""] + chunk)
            else:
                runs.append((name_hint or "main.tf", "hcl", chunk, i + 1))
            i = j
            continue
        if _PY_START.match(line):
            j = i
            while j < len(lines) and j not in fenced and not (_PROSE.match(lines[j]) and not lines[j].startswith("#")) \
                    and not _prose_words(lines[j]):
                j += 1
            runs.append((name_hint if name_hint and name_hint.endswith(".py") else "tap_stack.py", "python", lines[i:j], i + 1))
            i = j
            continue
        i += 1
    out: dict[str, tuple[str, str, str, int]] = {}
    covered = {first - 1 + k for _, _, chunk, first in runs for k in range(len(chunk))}
    for name, language, chunk, first in runs:
        if not name.endswith((".tf", ".py")) or LANG_BY_EXT.get(posixpath.splitext(name)[1]) != language:
            name = "main.tf" if language == "hcl" else "tap_stack.py"
        name = clean_path(name)
        if name in out:
            out[name] = (name, language, out[name][2] + "\n" + "\n".join(chunk), out[name][3])
        else:
            out[name] = (name, language, "\n".join(chunk), first)
    return list(out.values()), covered


# A test written in an unnamed block: pytest / unittest functions and classes, Go's `func TestX(t *testing.T)`,
# Jest's `describe(`/`test(`, Terraform's native `run "..." {` blocks.
_TEST_CODE = re.compile(r"^\s*(?:def test_\w*\(|class Test\w*\s*[(:]|func Test\w*\(|describe\(\s*['\"]|run\s+\"[^\"]+\"\s*\{)", re.M)
_TEST_SUFFIX = re.compile(r"[._]test\.(?:ts|js|go|py)$|\.tftest\.hcl$")  # terraform.int.test.ts, main_test.go


_MODULE_SOURCE = re.compile(r'^\s*source\s*=\s*"\./([\w.-]+)/?"', re.M)


def _module_home(content: str, files: dict[str, SourceFile]) -> str | None:
    """The folder of the one local module a root file calls (`source = "./terraform-vpc"`) when the files shown so far
    sit at the top and none calls it: they are that module's files, and this block is the root beside them."""
    homes = set(_MODULE_SOURCE.findall(content))
    if len(homes) != 1:
        return None
    home = homes.pop()
    if any(p.startswith(f"{home}/") for p in files) or any(_MODULE_SOURCE.search(f.text) for f in files.values()):
        return None
    return home


def _is_test(path: str) -> bool:
    name = posixpath.basename(path)
    parts = path.split("/")
    return name.startswith("test_") or bool(_TEST_SUFFIX.search(name)) or "tests" in parts[:-1] or "test" in parts[:-1]


_CONSOLE_OUTPUT = re.compile(r"(?:Traceback \(most recent call last\):|[A-Z]\w*(?:Error|Exception|Warning): |\$ (?:cdk|pulumi|terraform|python)\b)")


def _uncovered(unnamed: list[int], blocks: list[Block], named_texts: list[str]) -> list[int]:
    """The unnamed blocks whose code is not in a named file: a step-by-step walk through pieces of a file the answer
    then delivers whole leaves nothing without a name. A piece counts as delivered when most of its lines (three in
    five) are in a named file: drafts are revised before the final file (an engine version, an added argument)."""
    delivered = {line.strip() for text in named_texts for line in text.splitlines() if line.strip()}
    by_line = {b.line: b for b in blocks}
    out = []
    for line in unnamed:
        code = [x.strip() for x in by_line[line].content.splitlines() if x.strip() and not x.strip().startswith(("#", "//"))]
        if not code or sum(x in delivered for x in code) < 0.6 * len(code):
            out.append(line)
    return out


def extract(markdown: str) -> Extraction:
    """Pull named source files out of a markdown document."""
    result = Extraction()
    markdown, inserted, tokens = _close_restarts(_widen_nested_fences(markdown))
    tokens = tokens or _MD.parse(markdown)
    lines = markdown.splitlines()
    start = _answer_start(tokens)
    code_fence = any(tok.type == "fence" and LANG_BY_INFO.get((tok.info.split() or [""])[0].lower()) in CODE_LANGUAGES
                     for tok in tokens)
    unfenced, covered = ([], set()) if code_fence else _unfenced_code(lines, tokens)  # runs without any fenced code
    all_blocks = _blocks(tokens, lines, inserted, covered)
    blocks = all_blocks
    if start is not None:
        result.has_answer_section = True
        answer_line = _written(tokens[start - 3].map[0], inserted) if tokens[start - 3].map else 0
        answer_blocks = [b for b in all_blocks if b.line > answer_line]
        if any(b.language in CODE_LANGUAGES for b in answer_blocks):
            blocks = answer_blocks
        elif any(b.language in CODE_LANGUAGES for b in all_blocks):
            result.used_trace = True
    result.blocks = blocks
    # Cut off at the end of the answer; a fence left open where its author started over is not.
    result.truncated = bool(all_blocks) and not all_blocks[-1].closed and not all_blocks[-1].cut

    files: dict[str, SourceFile] = {}
    last_closed: dict[str, bool] = {}
    # Languages with a named block that can hold declarations: named .tfvars files (values only) do not make the
    # answer's one unnamed Terraform block a snippet.
    named_languages = {b.language: True for b in blocks if b.name and b.language in CODE_LANGUAGES and not b.name.endswith(".tfvars")}
    named_lines = {b.line for b in blocks if b.name}
    # Declarations of the default HCL file as far as read: unnamed blocks are checked against it one by one
    # without rescanning the whole file each time (linear in the number of blocks).
    default_text: str | None = None
    default_declared: set[str] = set()
    default_modules = False
    code_chars = 0
    for index, block in enumerate(blocks, start=1):
        rewrite = False
        is_code = block.language in CODE_LANGUAGES
        wanted = is_code or (block.name is not None and block.language in ("json", "yaml", "shell", "text", "javascript", "typescript", "go"))
        if is_code and _CONSOLE_OUTPUT.match(block.content.lstrip()):
            continue  # an error printed by a run (`ImportError: ...`, a traceback) is output shown, not a file
        if block.name and _is_test(block.name) or is_code and not block.name and _TEST_CODE.search(block.content):
            key = block.name or f"unnamed-test-{index}"
            line, text = result.tests.get(key, (block.line, ""))
            result.tests[key] = (line, text + ("\n" if text else "") + block.content)
        if not wanted or "├──" in block.content or "└──" in block.content or \
                (block.name and (_is_test(block.name) or _DOCUMENTATION.search(block.name))):
            continue  # directory trees, test files and samples (`terraform.tfvars.example`) are not the deliverable
        code_chars += len(block.content)
        name = block.name
        if name and block.named_by == "comment" and "/" not in name and \
                posixpath.basename(default := _default_name(block.language, block.content, index)) == name:
            name = default  # `"""tap_stack.py ..."""` on the TapStack class: the file where it lives, lib/tap_stack.py
        if name is None:
            if could_be_code(block.language, block.content):  # an illustration in a code fence is no unnamed file
                result.unnamed.append(block.line)
            elif is_code and sum(1 for x in block.content.splitlines() if x.strip()) <= 3:
                continue  # a fragment shown in prose (`"image": "registry/app:latest"`) is no file that fails to parse
            name = _default_name(block.language, block.content, index)
            if named_languages.get(block.language) and (block.language == "hcl" or name.startswith("unnamed-")):
                continue  # a snippet beside named files of its language: shown, not delivered
        if block.name is None and name == "tap_stack.tf" and name in files:
            declared = set(_DECLARATION.findall(block.content))
            so_far = files[name].text
            if so_far is not default_text:  # a named block replaced it since: scan it again
                default_text, default_declared = so_far, set(_DECLARATION.findall(so_far))
                default_modules = bool(_LOCAL_MODULE.search(so_far))
            rewrite = not default_modules and _rewrite_of(declared, len(block.content), default_declared, len(so_far))
            if not rewrite and (declared & default_declared or default_modules):
                # Some blocks declared again, or the first block calls local modules it does not define:
                # this block is another module's file, not a continuation.
                name = f"unnamed-{index}/main.tf"
        elif name in files and block.language == "hcl" and "/" not in name and \
                (home := _module_home(block.content, files)) is not None:
            for path in [p for p in files if "/" not in p]:  # the module's files, shown before the root that calls it
                files[f"{home}/{path}"] = files.pop(path)
                files[f"{home}/{path}"].path = f"{home}/{path}"
                result.origins[f"{home}/{path}"] = result.origins.pop(path)
                last_closed[f"{home}/{path}"] = last_closed.pop(path, True)
                if path in result.partial:
                    result.partial[f"{home}/{path}"] = result.partial.pop(path)
        elif name in files:
            rewrite = _rewrite_of(_declarations(block.content), len(block.content),
                                  _declarations(files[name].text), len(files[name].text))
        language = LANG_BY_EXT.get(posixpath.splitext(name)[1].lower(), block.language)
        if name in files:
            if block.continued or (not rewrite and (not last_closed.get(name, True) or (name == "tap_stack.tf" and block.name is None))):
                files[name].text += "\n" + block.content
                if name == "tap_stack.tf" and block.name is None:  # unnamed HCL blocks pile up here
                    default_text = files[name].text
                    default_declared |= declared
                    default_modules = default_modules or bool(_LOCAL_MODULE.search(block.content))
            elif _excerpt_of(block.content, files[name].text):
                continue  # a fix shown again in part ("### RDS fix" + 5 lines of rds.tf): the file stays whole
            else:
                files[name].text = block.content
        else:
            files[name] = SourceFile(path=name, language=language, text=block.content)
            result.origins[name] = block.line
        last_closed[name] = block.closed
        if block.partial:
            result.partial[name] = f'its label says "{block.partial}"'
    if not any(f.language in CODE_LANGUAGES for f in files.values()):
        for name, language, text, line in (_unfenced_code(lines, tokens)[0] if code_fence else unfenced):
            if name not in files:
                files[name] = SourceFile(path=name, language=language, text=text)
                result.origins[name] = _written(line - 1, inserted)
                result.unfenced.append(name)
                code_chars += len(text)
    result.files = list(files.values())
    result.unnamed = _uncovered(result.unnamed, blocks, [f.text for p, f in files.items() if result.origins.get(p) in named_lines])
    result.code_share = round(code_chars / max(len(markdown), 1), 3)
    result.prose_only = not any(f.language in CODE_LANGUAGES for f in result.files)
    delivered = {f.path for f in result.files} | {posixpath.basename(f.path) for f in result.files}
    named = {clean_path(p) for p in _PATH.findall(markdown) if p.endswith((".tf", ".py"))}
    result.mentioned = sorted(p for p in named if p not in delivered and posixpath.basename(p) not in delivered)
    return result
