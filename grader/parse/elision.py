"""Where a file says it leaves code out.

Answers often show a file with parts cut: `# ... rest of the module`, `# [IAM policies remain
the same]`, `// ... default tags ...`. What is missing from such a file may be in the part not
shown, so a missing declaration there is `unknown`, not `fail`; the cut itself is a structure
finding (STR009). Labels such as "variables.tf (additional variables)" are read by
ingest.markdown, HCL fragments by the HCL front end.
"""

from __future__ import annotations

import io
import re
import tokenize

from ..ir import Location, SourceFile

_COMMENT = re.compile(r"^\s*(?:#|//|/\*)\s?(.*?)\s*(?:\*/)?\s*$")
# A comment that starts with an ellipsis: `# ...`, `# ... other parameters`, `// ...rules...`.
_LEADING_ELLIPSIS = re.compile(r"^(?:\.\.\.|…|\[\s*\.\.\.)")
# Prose that says code is not shown in full.
_ELISION_PHRASE = re.compile(
    r"\bomitted\b|\bfor (?:the sake of )?brevity\b|\bremains? (?:the )?same\b|\bfollows? (?:the )?same pattern\b"
    r"|\bsame as (?:above|before|previous|earlier|in )|\bas (?:shown )?(?:before|above)\b"
    r"|\brest of (?:the )?(?:code|file|module|implementation|configuration|resources|stack)\b|\bnot shown\b"
    r"|\bcontinues? (?:following|with) the same\b|\bunchanged\b|\band so on\b"
    r"|\bsimilar(?:ly)? for (?:the )?(?:other|remaining)\b|\bremaining \w+ (?:follow|are similar)"
    r"|\b(?:add|insert) (?:the )?(?:remaining|other|more)\b",
    re.I,
)


# Code that is there, only kept simple ("Lambda code (simplified for brevity)"), is not code left out.
_SIMPLIFIED = re.compile(r"\bsimplified\b|\bsimple\b|\bminimal\b|\bplaceholder\b", re.I)


def _python_comment_lines(text: str) -> set[int] | None:
    """Lines holding a real Python comment; `# ...` inside a string (inline Lambda code, user data) is not one."""
    try:
        return {tok.start[0] for tok in tokenize.generate_tokens(io.StringIO(text).readline) if tok.type == tokenize.COMMENT}
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None  # unbalanced file: judge every line


def elisions(source: SourceFile) -> list[tuple[Location, str]]:
    """Comment lines in an HCL or Python file that say code was left out, with their text."""
    if source.language not in ("hcl", "python"):
        return []
    comments = _python_comment_lines(source.text) if source.language == "python" else None
    found: list[tuple[Location, str]] = []
    for number, line in enumerate(source.text.splitlines(), start=1):
        if "#" not in line and "//" not in line and "/*" not in line or comments is not None and number not in comments:
            continue
        m = _COMMENT.match(line)
        if m and (_LEADING_ELLIPSIS.match(m.group(1)) or _ELISION_PHRASE.search(m.group(1))) and not _SIMPLIFIED.search(m.group(1)):
            found.append((Location(source.path, number), f"`{line.strip()[:80]}`"))
    return found
