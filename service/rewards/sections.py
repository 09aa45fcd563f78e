"""Split a completion in the R1-VL structured format into its sections.

A header starts a line and is marked as a header (``#`` .. ``######`` and/or ``**bold**``), so that
prose which merely mentions "step 2" never opens a section. Spellings real models emit are
accepted: ``Step 1:`` / ``Step 1.``, ``## Step 1:``, bold headers (``**Final Answer:**``), the final answer as
``The final answer is`` or ``Final Answer``, CRLF, extra blank lines, trailing text. A section is present only
when it holds content (:func:`has_content`): markup, punctuation and invisible characters are not content.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

DESCRIPTION, RATIONALES, THINK, STEP, ANSWER = "description", "rationales", "think", "step", "answer"

_HEADER = re.compile(
    r"^[ \t]*+(?:(?P<hashes>\#{1,6})[ \t]*+)?(?:(?P<bold>\*\*|__)[ \t]*+)?"
    r"(?:(?P<description>image[ \t]+description)"
    r"|(?P<rationales>rationales?)"
    r"|(?P<think>let['’]?s[ \t]+think[ \t]+step[ \t]+by[ \t]+step)"
    r"|step[ \t]*(?P<number>\d{1,6})"
    r"|(?P<answer>(?:the[ \t]+)?final[ \t]+answer(?:[ \t]+is)?))"
    r"[ \t]*(?(bold)(?P<closed>\*\*|__)?)[ \t]*[:.]?[ \t]*(?(closed)|(?(bold)(?:\*\*|__)?))[ \t]*",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Section:
    kind: str
    number: int | None
    start: int
    """Offset of the header in the completion."""
    body_start: int
    body_end: int


@dataclass(frozen=True, slots=True)
class Parsed:
    text: str
    sections: tuple[Section, ...]

    def body(self, section: Section) -> str:
        return self.text[section.body_start : section.body_end]

    def of_kind(self, kind: str) -> list[Section]:
        return [s for s in self.sections if s.kind == kind]

    @property
    def steps(self) -> list[Section]:
        return self.of_kind(STEP)

    @property
    def answer_section(self) -> Section | None:
        """The last final-answer section: where the answer must come after the last step."""
        answers = self.of_kind(ANSWER)
        return answers[-1] if answers else None


def parse_completion(text: str) -> Parsed:
    """Sections of ``text`` in order of appearance; CRLF is read as LF (offsets refer to the result)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    heads = []
    for m in _HEADER.finditer(text):
        if not (m.group("hashes") or m.group("bold")):
            continue
        kind = (
            next(k for k in (DESCRIPTION, RATIONALES, THINK, ANSWER) if m.group(k))
            if m.group("number") is None
            else STEP
        )
        number = int(m.group("number")) if kind == STEP else None
        heads.append((kind, number, m.start(), m.end()))
    sections = tuple(
        Section(kind, number, start, body_start, heads[i + 1][2] if i + 1 < len(heads) else len(text))
        for i, (kind, number, start, body_start) in enumerate(heads)
    )
    return Parsed(text, sections)


_DISPLAY_OPENERS = ("$$", "\\[", "\\begin{align*}", "\\begin{align}", "\\begin{equation*}", "\\begin{equation}")


def _opens_display(line: str) -> bool:
    if line.endswith("$$"):
        return line.count("$$") % 2 == 1
    return line.endswith(_DISPLAY_OPENERS)


def answer_text(parsed: Parsed) -> str | None:
    """The stated final answer: the first non-empty line of the last final-answer section, or the
    lines of a display (``$$`` ... ``$$``) that this line opens, joined by spaces."""
    block = answer_block(parsed)
    if block is None:
        return None
    lines = [line.strip() for line in block.split("\n") if line.strip()]
    if not lines:
        return None
    if not _opens_display(lines[0]):
        return lines[0]
    closing = next((i for i, line in enumerate(lines[1:], 1) if line.startswith(("$$", "\\]", "\\end"))), None)
    return " ".join(lines[: closing + 1]) if closing is not None else lines[0]


def answer_block(parsed: Parsed) -> str | None:
    """The whole body of the last final-answer section, stripped: the statement reader decides
    which part of it states the answer (a box, an "answer is" sentence, the first paragraph)."""
    section = parsed.answer_section
    if section is None:
        return None
    return parsed.body(section).strip()


def answer_blocks(parsed: Parsed) -> list[str]:
    """The body of every final-answer section that holds content, in order: each is read, so a section
    stating another value is not taken back by a later one."""
    bodies = (parsed.body(s).strip() for s in parsed.of_kind(ANSWER))
    return [body for body in bodies if has_content(body)]


_HTML_COMMENT = "<!--"
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>|&(?:[A-Za-z]{2,8}|#\d{1,7}|#x[0-9A-Fa-f]{1,6});")
"""``<br>``, ``<span style=...>``, ``&nbsp;``: markup that renders as nothing or as a space."""
_LATEX_BLANK = re.compile(
    r"\\(?:[hv]space\*?\s*\{[^{}]{0,40}\}|[hv]?phantom\s*\{[^{}]{0,200}\}|q?quad|[,;:! ]|newline|linebreak|"
    r"displaystyle|textstyle|left|right|[lc]?dots|ldots|cdots|vdots|ddots|\\)(?![A-Za-z])"
)
"""LaTeX that only spaces, sizes or elides: ``\\quad``, ``\\,``, ``\\hspace{1cm}``, ``\\phantom{x}``, ``\\dots``."""
_LATEX_FORMATTING = re.compile(
    r"\\(?:begin|end)\s*\{[A-Za-z*]{0,20}\}|\\(?:text(?:bf|it|tt|sf|rm|up|normal)?|math(?:rm|bf|it|sf|tt|cal|bb|frak)|"
    r"emph|mbox|fbox|boxed|underline|overline|bm|boldsymbol|operatorname|hline|noindent|par|hfill|vfill|centering|"
    r"(?:small|med|big)skip|strut|mathstrut|relax|null|item|nonumber|notag)(?![A-Za-z])"
)
"""LaTeX that only wraps, styles or lays out what it holds (``\\text{}``, ``\\textbf{ }``, ``\\begin{center}``): its
name is no content, what it holds may be (``\\text{7}``)."""
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Letters (and the blank braille pattern) that draw nothing: Hangul fillers."""
_CONTENT_CATEGORIES = ("L", "N")
_ASCII_CONTENT = re.compile(r"[A-Za-z0-9]")
_PLAIN_ALNUM = re.compile(r"(?<![\\&#{A-Za-z0-9_])[A-Za-z0-9]")
"""A letter or digit not inside a command, an entity or a braced argument: content at once, when the text holds
no tag, comment, phantom or spacing argument that could hide it (the common case, found in the first few
characters)."""


def has_content(text: str) -> bool:
    """At least one word or formula character (a letter or digit) once markup (``**``, ``<br>``, ``<!-- -->``,
    ``-``, ``.``), spacing LaTeX, punctuation and every space, format and zero-width character are set aside.
    Linear: each comment is closed by one search, tags and entities are bounded."""
    if not text:
        return False
    if "<" not in text and "phantom" not in text and "space" not in text and _PLAIN_ALNUM.search(text):
        return True
    text = _without_comments(text)
    if "<" in text or "&" in text:
        text = _HTML_TAG.sub(" ", text)
    if "\\" in text:
        text = _LATEX_FORMATTING.sub(" ", _LATEX_BLANK.sub(" ", text))
    if _ASCII_CONTENT.search(text):
        return True
    return not text.isascii() and any(_is_content(ch) for ch in text if not ch.isascii())


def _without_comments(text: str) -> str:
    """The text without ``<!-- ... -->`` comments; an unclosed one runs to the end, as it renders."""
    pieces, pos = [], 0
    while (start := text.find(_HTML_COMMENT, pos)) != -1:
        pieces.append(text[pos:start])
        end = text.find("-->", start + len(_HTML_COMMENT))
        if end == -1:
            return "".join(pieces)
        pos = end + 3
    pieces.append(text[pos:])
    return "".join(pieces)


def _is_content(ch: str) -> bool:
    """A letter or digit that draws something (a non-ASCII character: ASCII ones are searched for at once)."""
    return unicodedata.category(ch)[0] in _CONTENT_CATEGORIES and ch not in _INVISIBLE_LETTERS
