"""Analysis limits, checked with cheap linear scans before any parser sees the input.

python-hcl2 (lark), libcst (a native parser) and markdown-it are not built for hostile input:
10,000 nested `not` overflow libcst's native stack (SIGSEGV), 3,000 chained conditionals take
gigabytes, 100,000 fences take minutes. Real answers are far inside these limits (the
development corpus peaks are in docs/user-guide.md); an input beyond one is not parsed and
becomes a finding instead (STR007).

The depth `scan` measures is an upper bound on the depth of the syntax tree a parser would build:
bracket nesting plus, at each bracket level, the length of the current operator chain
(`a.b.c`, `not not x`, `x if c else y if d else z`, `f()()`, `a[0][0]`, `a + b + c`); a comma,
an assignment or the end of a statement ends a chain. Strings and comments are skipped.
"""

from __future__ import annotations

import re

MAX_CODE_BYTES = 1_000_000  # one code file (a fenced block or a delivered file)
MAX_CODE_LINES = 20_000
MAX_DEPTH = 200  # syntax-tree depth bound of any code file (see scan)
MAX_TOKENS = 100_000  # tokens of one code file: the parsers' time and memory grow with them
MAX_ANSWER_BYTES = 4_000_000  # one markdown answer
MAX_FENCES = 2_000  # fence lines (opening + closing) in one markdown answer
MAX_PROMPT_BYTES = 200_000  # the rubric is derived from at most this much of PROMPT.md

_PY_TOKEN = re.compile(
    r"""[rRbBuUfF]{0,2}(?:'''(?:[^'\\]|\\[\s\S]|'(?!''))*(?:'''|\Z)|\"\"\"(?:[^"\\]|\\[\s\S]|"(?!""))*(?:\"\"\"|\Z)"""
    r"""|'(?:[^'\\\n]|\\.)*'?|"(?:[^"\\\n]|\\.)*"?)"""  # strings (an unterminated one ends at its line)
    r"|(?P<comment>\#[^\n]*)"
    r"|(?P<word>[A-Za-z_]\w*)|(?P<number>\d[\w.]*)"
    r"|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<reset>,|;|:?=(?!=))|(?P<newline>\n)"
    r"|(?P<op>\*\*|//|<<|>>|->|==|!=|<=|>=|[-+*/%@&|^~<>.])"
)
_PY_CHAIN_WORDS = frozenset({"not", "and", "or", "if", "else", "lambda", "in", "is", "await"})

_HCL_TOKEN = re.compile(
    r"<<-?(?P<tag>[A-Za-z_]\w*)[^\n]*\n(?:.*\n)*?(?:[ \t]*(?P=tag)[ \t]*\n|\Z)"  # heredoc (to the end if unclosed)
    r"""|"(?:[^"\\\n]|\\.)*"?"""
    r"|(?P<comment>\#[^\n]*|//[^\n]*|/\*[\s\S]*?(?:\*/|\Z))"
    r"|(?P<word>[A-Za-z_][\w-]*)|(?P<number>\d[\w.]*)"
    r"|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<reset>,|=(?![=>]))|(?P<newline>\n)"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||=>|\.\.\.|[-+*/%!?<>.])"
)
_FENCE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})", re.M)


def scan(text: str, language: str) -> tuple[int, int]:
    """(depth, tokens) of `text` (python or hcl), in one linear pass.

    The depth is an upper bound on the depth of the syntax tree; the token count (names, numbers,
    strings, operators, brackets) drives the parsers' time and memory."""
    pattern = _PY_TOKEN if language == "python" else _HCL_TOKEN
    chain_words = _PY_CHAIN_WORDS if language == "python" else frozenset()
    chains = [0]  # operator-chain length at each open bracket level
    total = deepest = 0  # total = sum(chains)
    operand = False  # the previous token ends an operand: a following ( or [ is a call or subscript
    tokens = 0
    for m in pattern.finditer(text if text.endswith("\n") else text + "\n"):
        tokens += 1
        kind = m.lastgroup
        if kind == "comment" or kind == "tag":
            if kind == "tag":
                operand = True
            continue
        if kind == "open":
            if operand and m.group() != "{":
                chains[-1] += 1
                total += 1
            chains.append(0)
            operand = False
        elif kind == "close":
            if len(chains) > 1:
                total -= chains.pop()
            operand = True
        elif kind == "reset" or (kind == "newline" and len(chains) == 1):
            total -= chains[-1]
            chains[-1] = 0
            operand = False
        elif kind == "newline":
            continue
        elif kind == "op" or (kind == "word" and m.group() in chain_words):
            chains[-1] += 1
            total += 1
            operand = False
        else:  # a name, number or string
            operand = True
        depth = len(chains) - 1 + total
        if depth > deepest:
            deepest = depth
    return deepest, tokens


def code_problem(text: str, language: str) -> str | None:
    """Why a code file is beyond the analysis limits, or None when it is within them."""
    if len(text) > MAX_CODE_BYTES:
        return f"file too large to analyse: {len(text):,} characters > {MAX_CODE_BYTES:,}"
    lines = text.count("\n") + 1
    if lines > MAX_CODE_LINES:
        return f"file too long to analyse: {lines:,} lines > {MAX_CODE_LINES:,}"
    depth, tokens = scan(text, language)
    if depth > MAX_DEPTH:
        return f"file too deeply nested to analyse: depth {depth:,} > {MAX_DEPTH:,}"
    if tokens > MAX_TOKENS:
        return f"file too large to analyse: {tokens:,} tokens > {MAX_TOKENS:,}"
    return None


def answer_problem(markdown: str) -> str | None:
    """Why a markdown answer is beyond the analysis limits, or None."""
    if len(markdown) > MAX_ANSWER_BYTES:
        return f"answer too large to analyse: {len(markdown):,} characters > {MAX_ANSWER_BYTES:,}"
    fences = len(_FENCE.findall(markdown))
    if fences > MAX_FENCES:
        return f"answer has too many code fences to analyse: {fences:,} fence lines > {MAX_FENCES:,}"
    return None


def prompt_within(prompt: str) -> tuple[str, str]:
    """The part of PROMPT.md that is read (its first MAX_PROMPT_BYTES characters) and why it was cut, if it was."""
    if len(prompt) <= MAX_PROMPT_BYTES:
        return prompt, ""
    return prompt[:MAX_PROMPT_BYTES], (f"PROMPT.md: prompt too large to read whole: {len(prompt):,} characters > "
                                       f"{MAX_PROMPT_BYTES:,}; the rubric and checks used its first {MAX_PROMPT_BYTES:,}")
