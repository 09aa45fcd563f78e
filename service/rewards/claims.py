"""Every claim a final-answer section makes, each with its stance, and the one commitment rule.

:mod:`.statement` reads *the* value a section states; this module reads *every* value it offers, wherever it
stands — boxes, sentences, bare values on their own line, code blocks, tables, every paragraph, at any length — and
what the section does with each (:class:`~.vocabulary.Stance`): asserts it, denies it, leaves it open, bounds it,
makes it conditional, offers it as an alternative, or uses it to justify the answer. The rule
(:func:`commitment`): a section is committed only if no claim is denied, uncertain, bounded, conditional or an
alternative, and its asserted claims name one value (:mod:`.answers` compares asserted values that are written
differently against the reference). Justifications are not answers. Wrapping (box, bold, quotes, code) and length
never change the reading.

Working that comes before the answer is not read for stances: the claims are read from the first sentence that
holds an answer (a box, an "answer is" sentence, a labelled or bare value) to the end; a section with none of those
is read over its last three sentences. Text before a closing ``</think>`` is the model's private reasoning and is
not read. Every pattern is linear in the section's length, and so is the reading: each value's stance is read by
binary search over where its sentence's clauses, parentheses and conditions stand (:class:`_Layout`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from .number_words import NUMBER_WORD
from .restatement import names_another, restates
from .statement import (
    _DISPLAY,
    _INLINE,
    _JUSTIFICATION,
    _LABEL_SPAN,
    _NUMBER,
    MAX_BLOCK_CHARS,
    YES_NO,
    _read_sentence,
    boxed_spans,
    is_prose,
    normalised_block,
    read_statement,
    scene,
    without_remark,
)
from .vocabulary import (
    ALSO,
    ALTERNATIVE,
    ALTERNATIVE_MATH,
    ANSWER_LABEL,
    ANSWER_LABEL_WORDS,
    ANSWER_NOUNS,
    ANSWER_PHRASE,
    CONDITIONAL,
    COPULA,
    CORRECTIONS,
    DOUBT,
    EITHER,
    ENDORSING,
    JUSTIFICATION,
    LIKELY,
    NEGATION,
    OTHERWISE,
    QUALIFIERS,
    RESTRICTING,
    SECOND_THOUGHT_PHRASES,
    SECOND_THOUGHTS,
    UNCERTAIN,
    UNCERTAIN_PHRASES,
    Rule,
    Stance,
    word_pattern,
)

_BOX_MARK = "\x03{}\x04"
_BOX_REF = re.compile(r"\x03(\d+)\x04")
_SPAN_MARK = "\x05{}\x06"
_SPAN_REF = re.compile(r"\x05(\d+)\x06")
_PLACEHOLDER = re.compile(r"\x03\d+\x04|\x05\d+\x06")
_SENTENCE = re.compile(r"(?:[^\n.!?]|[.!?](?!\s|$))+(?:[.!?]+|\n|$)|[.!?\n]")
"""A sentence ends at ``.``/``!``/``?`` before a space, or at a line end."""
_CLAUSE_BREAK = re.compile(r"[,;(]")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|n't\b", re.IGNORECASE)
_YES_NO_SITE = re.compile(
    r"\b(yes|no|true|false)\b(?=\s*(?:[,.;:!?()\]*]|$|\\|\x04)|\s+(?:is|was|seems|appears)\b)", re.IGNORECASE
)
_LETTER_SITE = re.compile(
    r"\b(?:option|choice)\s*\(?([A-Z])\b\)?|(?<![\w\\'’])\(([A-Z])\)|(?<![\w\\'’])([A-Z])(?=\s*(?:[.,;:!)\]*]|$))"
)
THINK_END = "</think>"
"""Text before it is the model's private reasoning, not its answer."""
_FENCE = re.compile(r"^\s*```")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")
_BARE_LINE = re.compile(r"[-+.,/()%$€£ 0-9]*[0-9][-+.,/()%$€£ 0-9]*")
_ASSIGNED = re.compile(r"^\s*(?:[A-Za-z](?:_\{?\w+\}?)?|[A-Z]{2,3})\s*=\s*(?=\S)")
_DECORATION = re.compile(r"^[\s*_#>`\"“”'‘’]+|[\s*_`\"“”'‘’.]+$")
_TEXT_LINE = re.compile(r"[A-Za-z][A-Za-z'-]*(?:\s+[A-Za-z][A-Za-z'-]*){0,2}")
_HEADING_WORDS = frozenset(
    "answer final solution explanation reasoning summary conclusion note step steps therefore thus so hence "
    "result check verification done qed end".split()
)
_SENTENCE_WORDS = frozenset("it is are was the this that these we i to of and let us now here there".split())
"""Words that make a short line a sentence (``Putting it together.``), not a value in words."""
_BOUND_WORDS = re.compile(
    r"\bat\s+(?:least|most)\s*$|\b(?:no\s+)?(?:more|less|fewer|greater|smaller|larger|bigger)\s+than\s*$"
    r"|\bup\s+to\s*$|(?:^|[,:(])\s*(?:≤|≥|<|>|\\le(?:q)?|\\ge(?:q)?)\s*$",
    re.IGNORECASE,
)
_LAST_SENTENCES = 3
_TEXT_ANSWER_WORDS = 4
"""An announced answer in words (``The answer is dark green``) is read as it is up to this many words."""
_OFFERED = re.compile(
    r"(?P<marker>\b(?:"
    + "|".join((*sorted(SECOND_THOUGHTS), *SECOND_THOUGHT_PHRASES))
    + r"|(?P<uncertain>perhaps|possibly|maybe|probably|(?:might|may|could)\s+(?:also\s+)?be)))\b[\s,:]*"
    r"(?:(?:it|that|this)\s+(?:is|was)\s+|it's\s+)?(?P<value>[^\s].*)",
    re.IGNORECASE,
)
"""A value offered after a second thought or said with doubt (``unless it is gray``, ``On second thought, 8``,
``might also be 4/3``): read as text, whatever kind of value it is."""
_ASIDE = re.compile(
    r"\(\s*(?:(?P<alternative>or|alternatively)\b(?![\s,]*(?:equivalently|in\s+other\s+words)\b)|"
    r"(?P<doubt>(?:i'?m\s+|i\s+am\s+)?(?:guessing|not\s+(?:sure|certain)|unsure)))[\s,:]*(?P<value>[^()]{0,200})\)",
    re.IGNORECASE,
)
"""A remark in parentheses that offers another value or doubts the answer (``B (or C)``, ``\\frac{3}{4} (or
\\frac{4}{3})``, ``Yes (I'm guessing)``), whatever kind of value stands beside it."""
_CORRECTION = re.compile(
    r"^\s*(?P<marker>no|nope|actually|" + "|".join(CORRECTIONS) + r")\s*[,:!]\s*(?P<value>\S.*)", re.IGNORECASE
)
"""``The answer is red? No, blue.``: a sentence that takes the answer back and offers another."""
_FUNCTION_WORDS = frozenset("too as also here for in and or to if of otherwise else here now by under with".split())
"""Words after an endorsing word that leave it said of the value (``8 works as well``, ``8 is valid too``)."""
_PRONOUNS = frozenset("we you they he she one".split())
_RELATIVE = frozenset({"that", "which", "who", "what", "whatever"})
"""``the number of points that could be in the domain is 19``: a doubt inside the subject is not about the answer."""
_QUIET = re.compile(r"[\w\s().,:;$€£¥*`'\"{}^_/+=°%\\-]{0,60}")
_QUIET_SIGNS = re.compile(
    r"\\(?:pm|mp|vee|lor|le|ge|leq|geq|neq|lt|gt|text|mathrm)(?![A-Za-z])|(?<=[\w}])\+(?=\s*(?:$|[.,;:!?)]))"
)
_MARKERS = word_pattern(
    UNCERTAIN
    | EITHER
    | NEGATION
    | ALTERNATIVE
    | CONDITIONAL
    | frozenset(p.split()[0] for p in UNCERTAIN_PHRASES)
    | {
        "also",
        "too",
        "well",
        "wait",
        "second",
        "rather",
        "though",
        "least",
        "most",
        "than",
        "up",
        "likely",
        "unlikely",
        "equally",
        "close",
        "some",
        "others",
        "minimum",
        "maximum",
        "alternative",
        "actually",
        "else",
        r"\w+n't",
    },
    (*DOUBT, *QUALIFIERS, *CORRECTIONS),
)
"""Words that could give a claim a stance: a block without them (and short, see :func:`_quiet`) is read at once."""
_ESCAPED_BREAK = re.compile(r"\\n(?![A-Za-z])")
"""A line break written out as ``\\n`` (text escaped twice on its way to the trainer) still ends a line."""
_FUNCTION = re.compile(r"^\s*\\?[A-Za-z]\w*\s*\([^()]*\)\s*$")
"""``f(x)``, ``P(A)``: a function named in the sentence, not a value."""
_RELATION = re.compile(r"=|<|>|\\(?:equiv|le|ge|leq|geq|neq|approx|cong|sim)\b|≤|≥|≠|≈")
_CONCLUSION = re.compile(r"\b(?:so|thus|hence|therefore|which\s+means)\b", re.IGNORECASE)
_CONCLUDING = re.compile(r"^\s*(?:(?:so|thus|hence|therefore|then|finally)\b,?|=)\s*(?=\S)", re.IGNORECASE)
"""A line that concludes a value (``So 9.``, ``Thus, x = 9``, ``= 9``) states it as a bare line would: after the
answer, a different one is a second value, the same one a restatement."""
_LATER_CONCLUSION = re.compile(r"[.!?]\s+(?:so|thus|hence|therefore|then|finally)\b", re.IGNORECASE)
_FULL = frozenset({Stance.UNCERTAIN, Stance.ALTERNATIVE})
"""The stances read in every sentence of the answer zone; negations, bounds and conditions are read only in the
sentences that hold an answer (a box, an announcement, a labelled or bare value) or, without one, the last three:
elsewhere they are the working's own ``not``, ``if`` and ``at most``."""
_WOULD_BE = re.compile(r"\bwould\s+(?:be|have\s+been|give|equal|get|make)\s*$", re.IGNORECASE)
_MAY_OFFER = frozenset({Stance.CONDITIONAL, Stance.ASSERTED, Stance.NEGATED})
"""Stances a value offered under a condition may be read with (the ``not`` may be the condition's own)."""
_ASKED = re.compile(r"[\s*_`\"“”'‘’(]*(?P<value>(?:[^\n.!?]|\.(?=\d)){1,80}?)[\s*_`\"“”'‘’)]*\?+[\s*_`\"“”'‘’)]*")
"""A section that is one question (``7?``, ``**green?**``, ``Is it 12 cm?``): it asks, it does not commit."""
_IDENTIFIED = re.compile(r"\b(?:is|was|are|be|matches|corresponds\s+to)\s*$", re.IGNORECASE)
"""``…, which is option A``: an explanation that names an option as what the answer is names an answer, whatever
clause it stands in (``since option A is too small`` rejects one)."""
_CONDITIONS = r"(?:if|when|assuming|provided|depending)\b"
_CONDITIONAL_ASIDE = re.compile(r"\(\s*(?P<value>[^()\s][^()]{0,80}?)\s+" + _CONDITIONS + r"[^()]*\)", re.IGNORECASE)
"""``(\\frac{1}{3} if rounded)``, ``(gray if the light is dim)``: a value offered under a condition in parentheses."""
_WOULD_BE_VALUE = re.compile(
    r"\bwould\s+(?:be|have\s+been|give|equal|get|make)\s+(?P<value>[^,;:!?()]+?)\s*(?:[,;:!?()]|\.(?!\d)|"
    + _CONDITIONS
    + r"|$)",
    re.IGNORECASE,
)
"""``it would be gray``: the value a sentence with a condition offers."""
_DEPENDS = re.compile(
    r"\b(?:it|that|this|the\s+answer)\s+(?:all\s+)?depends\b|,\s*depending\s+(?:on|upon)\b", re.IGNORECASE
)
"""``It depends; green.``: the answer is left to a condition, whatever kind of value follows."""
_ACTUALLY = re.compile(r"^\s*(?P<marker>actually)\s+(?P<value>(?:yes|no|true|false)\b.*)", re.IGNORECASE)
"""``Yes. Actually no.``: a yes/no taken back without a comma."""
_UNIT = r"(?:\s*(?!(?:is|are|was|were|be|the|an?|of|in|at)\b)[A-Za-z]{1,6}\.?(?:\^\{?[23]\}?)?){0,2}?"
"""Up to two unit words between a value and what is said of it (``12 cm (±1)``, ``12 cm at minimum``)."""
_TOLERANCE = re.compile(_UNIT + r"\s*\(\s*(?:±|∓|\\pm|\\mp|\+\s*/\s*-|-\s*/\s*\+)")
"""``7 (±1)``: a tolerance in parentheses after the value."""
_LINE_QUESTION = re.compile(r"(.*?\S)\s*\?+[\s*_`]*")
"""A line that is a value asked (``D?``, ``No?``): left open."""
_PAREN_VALUE = re.compile(
    r"\(\s*(?P<value>[^()\s]+(?:\s+[^()\s]+){0,3}?)\s+(?:in|by|for|under|with|using|according\s+to)\s+"
    r"(?:the\s+|an?\s+)?(?:other|another|different|alternative|second|some)\b"
    r"(?!\s+(?:units?|terms|words|forms?|notation|scientific|decimal|format))[^()]*\)",
    re.IGNORECASE,
)
"""``(8 in the other case)``, ``(\\frac{4}{3} by another convention)``, ``(D under a different reading)``: a
parenthesis that opens with another value said of another reading."""
_PAREN_AFTER_VALUE = re.compile(r"[\w}$*%]\s*\(\s*[-+±=≈\\\w]")
_PAREN_OFFER = re.compile(r"^\s*\(\s*(?:=|≈|\\approx)?\s*$")
"""A parenthesis that opens right after a value, with what it holds said to equal it (``7 (= 3 + 4)``) or not."""
_NOT_OFFERED = re.compile(
    r"[×*+=/^·÷]|\\times|\\cdot|\\frac|\d\s*-\s*\d|\b(?:s\.?\s?f|d\.?\s?p|sig\w*|significant|decimal|step|eq)\b",
    re.IGNORECASE,
)
"""What makes a parenthesis after a value its working or its precision (``24 (4 × 6)``, ``7 (3 s.f.)``), not
another value offered."""
_YES_NO_OPENERS = frozenset({"no", "nope", "actually"})
"""A yes/no answer opens with these (``No, the lines do not meet.``, ``Actually, yes.``): no correction there."""
_DOUBT = word_pattern((), DOUBT)
_DOUBT_OF_ANOTHER = re.compile(
    r"(?:cannot|can't|can\s+not)\s+be\s+(?:certain|sure)\s+"
    r"(?!(?:of|about)\s+(?:this|that|it|the\s+(?:answer|result|value))\b|(?:that|it|this|whether|if)\b|the\s+answer\b)"
    r"[A-Za-z][^,.;:!?()\d\x00-\x1f]{0,80}[,;]?\s+(?:so|but|therefore|hence|thus)\s+\w",
    re.IGNORECASE,
)
"""``We can't be sure the figure is to scale, but the labels give 7.``, ``(we can't be sure by eye, so we computed
it)``: doubt about something other than the answer (no value in it), followed by what commits; ``7, but I can't be
sure.``, ``I can't be certain of this.`` and ``I can't be sure, but 7.`` stay doubts of the answer."""
_QUALIFIED = word_pattern((), QUALIFIERS)
_BOUND_AFTER = re.compile(
    _UNIT + r"(?:\+(?=\s*(?:$|[.,;:!?)]))|\s*(?:(?:at\s+(?:the\s+)?(?:very\s+)?)?(?:least|minimum|maximum)\b|"
    r"or\s+(?:more|less|fewer|greater|higher|lower|above|below|over|under)\b))",
    re.IGNORECASE,
)
"""``7+``, ``7 at minimum``, ``7 at the very least``, ``7 or more``: a bound written after the value."""
_THEN_IF = re.compile(r"(?:\s+[A-Za-z°%]+){0,2}?\s*(?:if|when|assuming|provided)\b", re.IGNORECASE)
_CONDITION_OPENS = re.compile(r"\b(?:if|when|once|assuming|provided)\b", re.IGNORECASE)
_OTHERWISE = "|".join(OTHERWISE)
_OTHER_CASE = re.compile(
    r"\bor\s+(?P<value>[^\s,;()]+(?:\s+[^\s,;()]+){0,2}?)\s+(?:" + _OTHERWISE + r")\b"
    r"|(?:[,;]|\bor\b)\s*(?:" + _OTHERWISE + r")\b[\s,:]*(?P<after>[^\s,;()]+(?:\s+[^\s,;()]+){0,2}?)\s*(?:[.;!?)]|$)"
    r"|(?:[,;]\s*(?:(?:or|and)\s+)?|\b(?:or|and)\s+)(?P<then>[^\s,;()]+)\s+(?:if|when|assuming|provided)\b",
    re.IGNORECASE,
)
"""A value offered for another case after the answer: ``…, or 8 otherwise``, ``…, else 8``, ``…, and eight if we
multiply``: graded like a second value (the same value is a restatement)."""
_JUSTIFYING_OPEN = re.compile(
    _JUSTIFICATION.pattern + r"|(?<=[\w\x04\x06}$*`'\"])\s+\(|(?<=[\x04\x06$*`'\"])\(", re.IGNORECASE
)
"""Where a clause that justifies the value before it opens (``, since``, ``, which``, ``, 3 of which``, `` (``). A
parenthesis against a word or a brace is maths (``f(x)``, ``3(2)``, ``\\frac{1}{2}(x)``), as is one after a LaTeX
command (``\\cos\\left(\\frac{\\pi}{3}\\right)``): see :data:`_LATEX_COMMAND_BEFORE`."""
_LATEX_COMMAND_BEFORE = re.compile(r"\\[A-Za-z]+\s*$")
_CLAUSE_END = re.compile(r"[;)]|[.!?](?=\s|$)")
_IDENTIFYING = re.compile(
    r"\b(?:which|that|of\s+(?:which|whom|them)|as)\s+(?:is|are|was|were|equals?|means|matches|corresponds\s+to)"
    r"(?:\s+(?:the\s+same\s+as|equal\s+to|identical\s+to))?\s*(?:(?:the\s+)?(?:option|choice)\s*)?$",
    re.IGNORECASE,
)
"""``…, which is option D``, ``…, 2 of which are D``: the clause says what the answer is, naming a value."""
_TEXT_SAID = re.compile(
    r"\s*(?:(?:which|that)\s+)?(?:is|was|equals|means)\s+(?:(?P<also>also|too)\s+)?"
    r"(?P<value>(?!(?:an?|the|not|also|too|very|more|less|so)\b)"
    r"[A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*)?)\s*(?=[.,;!?)]|$)",
    re.IGNORECASE,
)
"""``Green, which is gray``, ``Green, which is also gray``: a text answer said to be another word (with ``also`` it
offers that word beside the answer)."""
_ALSO_SAID = re.compile(r"also|too")
_TEXT_OR = re.compile(
    r",\s*or\s+(?!(?:rather|equivalently|simply|just|more|in|so|put|to|at|it|that|this|the)\b)"
    r"(?P<value>[A-Za-z][\w'-]*)\b",
    re.IGNORECASE,
)
"""``Green, or gray in dim light``: a text answer offered beside another word."""
_TEXT_SUBJECT = re.compile(
    r"\s*(?:with\s+)?(?P<value>[A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*)??)\s+(?:is|was|would|works?|fits?|also|too|as)\b"
)
"""``green, since gray is also right``, ``(with gray as a fallback)``: the word a justifying clause speaks of."""
_VALUE_SAID = re.compile(
    r"(?:\b(?:is|are|was|were|equals?|means)\b|=)\s*(?P<value>[^\s,;()][^,;()]*?)\s*(?=[,;!?)]|\.(?!\d)|$)",
    re.IGNORECASE,
)
"""``…, 2 of which are x^2 - 1``: a value in maths said to be what the answer is, to the end of the clause."""
_CLAUSE_YES_NO = re.compile(
    r"\b(yes|no|true|false)\b(?=\s*(?:[,.;:!?)]|$)|\s+(?:is|was|would|also|too|works?|fits?|as|could|may|might|"
    r"seems|appears)\b)",
    re.IGNORECASE,
)
_WORKING_BESIDE = re.compile(r"[-+*/×÷^=<>·]|\\(?:times|cdot|div)\b")
_CLAUSE_LETTER = re.compile(r"(?<![\w\\'’])(?P<named>(?i:option|choice)\s*)?\(?(?P<letter>[A-Z])\)?(?![\w'’])")
_LATEX_VALUE = re.compile(r"\\(?:d?frac|sqrt)\s*(?:\{[^{}]*\}){1,2}")


@dataclass(frozen=True, slots=True)
class Claim:
    value: str
    stance: Stance
    where: str
    """``box``, ``sentence``, ``line``, ``table``, ``alternative`` or ``offered`` (a value under a condition after the
    answer: a second value when it differs from the answer, a restatement when it does not): how it was found."""
    marker: str = ""
    """The word or sign that gave the stance (``perhaps``, ``not``, ``\\pm``); empty when asserted."""

    def shown(self) -> str:
        marker = f" ({self.marker})" if self.marker else ""
        return f"{self.value}: {self.stance.value}{marker}"


OPEN = frozenset({Stance.NEGATED, Stance.UNCERTAIN, Stance.BOUNDED, Stance.CONDITIONAL, Stance.ALTERNATIVE})
"""Stances that leave the answer open: one such claim makes the section a hedge."""


class _Marked:
    """The section with each box and each LaTeX span replaced by a placeholder; spans holding a box are opened so
    that what stands beside the box inside them (``$\\boxed{7} \\pm 2$``) is read."""

    def __init__(self, text: str):
        self.boxes: list[str] = []
        self.spans: list[str] = []
        out, pos = [], 0
        for start, end, content in boxed_spans(text):
            out.append(text[pos:start])
            out.append(_BOX_MARK.format(len(self.boxes)))
            self.boxes.append(content)
            pos = end
        out.append(text[pos:])
        text = "".join(out)
        text = _DISPLAY.sub(self._span, text)
        self.text = _INLINE.sub(self._span, text)

    def _span(self, m: re.Match) -> str:
        content = next(g for g in m.groups() if g is not None)
        if "\x03" in content:
            return f" {content} "
        self.spans.append(content.strip().rstrip(".,;"))
        end = content.rstrip()[-1:] if content.rstrip()[-1:] in ".!?" else ""
        return _SPAN_MARK.format(len(self.spans) - 1) + end

    def value(self, placeholder: str) -> str:
        if (box := _BOX_REF.fullmatch(placeholder)) is not None:
            return self.boxes[int(box.group(1))]
        if (span := _SPAN_REF.fullmatch(placeholder)) is not None:
            return self.spans[int(span.group(1))]
        return placeholder

    def unmask(self, text: str) -> str:
        text = _BOX_REF.sub(lambda m: "\\boxed{" + self.boxes[int(m.group(1))] + "}", text)
        return _SPAN_REF.sub(lambda m: "$" + self.spans[int(m.group(1))] + "$", text)


@dataclass(frozen=True, slots=True)
class _Site:
    start: int
    end: int
    value: str
    where: str


def _sites(sentence: str, marked: _Marked, expect: str) -> list[_Site]:
    """Where values stand in one sentence: boxes, spans, numbers, and the yes/no words or option letters the
    reference's kind answers with."""
    found = []
    for m in _PLACEHOLDER.finditer(sentence):
        value = marked.value(m.group(0))
        if m.group(0).startswith("\x05") and (_LABEL_SPAN.match(value) or _FUNCTION.match(value) or _working(value)):
            continue
        found.append(_Site(m.start(), m.end(), value, "box" if m.group(0).startswith("\x03") else "span"))
    rest = _PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), sentence)
    if expect == "yes_no":
        found += [
            _Site(m.start(), m.end(), YES_NO[m.group(1).lower()], "sentence") for m in _YES_NO_SITE.finditer(rest)
        ]
    elif expect == "letter":
        for m in _LETTER_SITE.finditer(rest):
            letter = next(g for g in m.groups() if g)
            if letter not in ("I", "A") or m.group(0) != letter:
                found.append(_Site(m.start(), m.end(), letter, "named" if m.group(1) else "sentence"))
    else:
        found += [_Site(m.start(), m.end(), m.group(0).strip(), "sentence") for m in _NUMBER.finditer(rest)]
    return sorted(found, key=lambda site: site.start)


def _working(span: str) -> bool:
    """A span that relates expressions (``x^2 - 2x - 48 = -30``, ``a \\equiv b``) is working, not a value; a
    labelled value (``x = 5``) is a value."""
    relation = _RELATION.search(span)
    return relation is not None and not _ASSIGNED.match(span)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text.replace("’", "'"))]


def _allowed(marker: str, allow: str) -> bool:
    """A marker the reference itself carries (``1 \\pm \\sqrt{19}``, ``x \\le 7``) is part of the value."""
    return bool(allow) and marker.lower() in allow.lower()


_CLAUSE_SPAN = 400
"""Once a sentence's clauses overlap beyond :data:`_CLAUSE_BUDGET` times its length (thousands of clauses opened
and none closed), each further clause is read up to this many characters: linear time, however many values."""
_CLAUSE_BUDGET = 4
_COMMAND_SPAN = 80
_WOULD_BE_SPAN = 60
_VALUE_MARK = re.compile(r"[\d\x03\x05]")
_MEANS = ("that means", "this means", "this is because")


class _Layout:
    """Where a sentence's clause breaks, parentheses, conclusions and conditions stand, found once, so that the
    stance of each of its values is read by binary search instead of a scan of the sentence per value: linear in
    the number of values, however many the section holds."""

    def __init__(self, sentence: str):
        self.sentence = sentence
        self.breaks = [m.end() for m in _CLAUSE_BREAK.finditer(sentence)]
        self.opens = [i for i, c in enumerate(sentence) if c == "("]
        self.closes = [i for i, c in enumerate(sentence) if c == ")"]
        self.conclusions = [(m.start(), m.end()) for m in _CONCLUSION.finditer(sentence)]
        self.conditions = [(m.start(), m.end()) for m in _CONDITION_OPENS.finditer(sentence)]
        self.clause_ends = [m.start() for m in _CLAUSE_END.finditer(sentence)]
        self.last_value = max((m.start() for m in _VALUE_MARK.finditer(sentence)), default=-1)
        self.scene = scene(sentence)
        lead = sentence.lstrip().lower()
        self.means_from = next(
            (len(sentence) - len(lead) + len(p) for p in _MEANS if lead.startswith(p)), len(sentence) + 1
        )
        self.first_text = len(sentence) - len(sentence.lstrip())
        words = set(_words(sentence))
        self.conditional = bool(CONDITIONAL & words) or "when" in words
        self._justified: dict[int, int | None] = {}
        self._starts: list[int] = []

    def clause_start(self, position: int) -> int:
        """The end of the last clause break before ``position`` (0 if none)."""
        at = bisect_right(self.breaks, position) - 1
        while at >= 0 and self.breaks[at] > position:
            at -= 1
        return self.breaks[at] if at >= 0 else 0

    def justified(self, clause_start: int, position: int) -> bool:
        """A justifying word (``since``, ``because``, ``which`` …) among the words from ``clause_start`` to
        ``position``, read over the clause's words once."""
        if clause_start not in self._justified:
            after = bisect_right(self.breaks, clause_start)
            stop = self.breaks[after] - 1 if after < len(self.breaks) else len(self.sentence)
            spans = [
                (m.end(), m.group(0).lower())
                for m in _WORD.finditer(self.sentence.replace("’", "'"), clause_start, stop)
            ]
            joined, ends = "", []
            for end, word in spans:
                joined += (" " if joined else "") + word
                ends.append((len(joined), end))
            found = JUSTIFICATION.search(joined)
            self._justified[clause_start] = (
                next(end for length, end in ends if length >= found.end()) if found is not None else None
            )
        until = self._justified[clause_start]
        return until is not None and until <= position

    def in_parentheses(self, position: int) -> bool:
        """Inside a parenthesis opened after a value (``24 (4 × 6)``, ``13 (a 5-12-13 triangle)``): working."""
        at = bisect_left(self.opens, position) - 1
        if at < 0 or self.opens[at] <= 0:
            return False
        opened = self.opens[at]
        closed = bisect_left(self.closes, opened)
        if closed < len(self.closes) and self.closes[closed] < position:
            return False
        before = self.sentence[max(0, opened - 40) : opened].rstrip()
        return bool(before) and bool(re.match(r"[\w\x04\x06]", before[-1]))

    def concluded_after(self, position: int) -> bool:
        """A conclusion word (``so``, ``thus`` …) after ``position`` with a value after it: the value at
        ``position`` is working towards another."""
        at = bisect_left(self.conclusions, (position, -1))
        return at < len(self.conclusions) and self.last_value >= self.conclusions[at][1]

    def condition_between(self, start: int, end: int) -> bool:
        at = bisect_left(self.conditions, (start, -1))
        return at < len(self.conditions) and self.conditions[at][1] <= end

    def next_close(self, position: int) -> int:
        at = bisect_left(self.closes, position)
        return self.closes[at] if at < len(self.closes) else -1

    def site_starts(self, sites: list[_Site]) -> list[int]:
        if len(self._starts) != len(sites):
            self._starts = [site.start for site in sites]
        return self._starts

    def clause_end(self, position: int) -> int:
        at = bisect_left(self.clause_ends, position)
        return self.clause_ends[at] if at < len(self.clause_ends) else len(self.sentence)


def _stance(
    sentence: str, sites: list[_Site], index: int, allow: str, layout: _Layout | None = None
) -> tuple[Stance, str]:
    """The stance of ``sites[index]`` in its sentence: from the words between it and the value or copula before
    it, the words after it in its clause, and the clause it stands in."""
    layout = layout or _Layout(sentence)
    site = sites[index]
    previous_end = sites[index - 1].end if index else 0
    copula_end = max((m.end() for m in COPULA.finditer(sentence, previous_end, site.start)), default=previous_end)
    before = sentence[max(previous_end, copula_end) : site.start]
    before_words = _words(before)
    scene = layout.scene
    if scene is not None and scene.end() <= site.start:
        before = sentence[max(previous_end, copula_end, scene.end()) : site.start]
    stated_words = _words(before)
    """Words that may deny, bound or offer the value: not those of a phrase that sets the sentence's scene (``Since
    5 is neither 3 nor 7, B.``), which are the working's."""
    clause_start = layout.clause_start(site.start)
    next_start = sites[index + 1].start if index + 1 < len(sites) else len(sentence)
    after = sentence[site.end : next_start]
    after_clause = _CLAUSE_BREAK.split(after, maxsplit=1)[0]
    after_words = _words(after)
    near = f" {' '.join(before_words + after_words)} "
    for phrase in UNCERTAIN_PHRASES:
        if f" {phrase} " in near and not _allowed(phrase, allow):
            return Stance.UNCERTAIN, phrase
    doubt = UNCERTAIN | LIKELY
    uncertain = [w for w in before_words + after_words if (w in doubt or w == "wait") and not _allowed(w, allow)]
    if uncertain:
        return Stance.UNCERTAIN, uncertain[0]
    qualified = _QUALIFIED.search(near)
    denied = qualified is not None and site.value == "no" and qualified.group(0).lower().startswith("not")
    if qualified is not None and not denied and not _allowed(qualified.group(0), allow):
        return Stance.UNCERTAIN, qualified.group(0)
    bound_after = _BOUND_AFTER.match(sentence, site.end)
    if bound_after is not None and not _allowed(bound_after.group(0).strip(), allow):
        return Stance.BOUNDED, " ".join(bound_after.group(0).split())
    offered = next((w for w in before_words if w == "or" or w in SECOND_THOUGHTS), None)
    parenthesised = layout.in_parentheses(site.start)
    if offered is not None and parenthesised and not _allowed(offered, allow):
        return Stance.ALTERNATIVE, offered
    if site.where != "box" and parenthesised or layout.justified(clause_start, site.start):
        return Stance.JUSTIFICATION, ""
    if site.start >= layout.means_from:
        return Stance.JUSTIFICATION, ""
    if layout.concluded_after(site.end):
        return Stance.JUSTIFICATION, ""
    for word in stated_words + _words(after_clause):
        if (word in NEGATION or word.endswith("n't")) and not _allowed(word, allow):
            return Stance.NEGATED, word
    bound = _BOUND_WORDS.search(before)
    if bound and not _allowed(bound.group(0).strip(), allow):
        return Stance.BOUNDED, " ".join(bound.group(0).split())
    for word in stated_words + after_words:
        if word in ALTERNATIVE and not (word in EITHER and copula_end == previous_end and index == 0):
            if not _allowed(word, allow):
                return Stance.ALTERNATIVE, word
        if word in CONDITIONAL and not _allowed(word, allow):
            return Stance.CONDITIONAL, word
    for sign in ALTERNATIVE_MATH:
        if sign != "|" and (_has_sign(before, sign) or _has_sign(after_clause, sign)) and not _allowed(sign, allow):
            return Stance.ALTERNATIVE, sign
    return Stance.ASSERTED, ""


def _has_sign(text: str, sign: str) -> bool:
    """``\\pm`` as a command, not the start of ``\\pmod``."""
    if not sign.startswith("\\"):
        return sign in text
    return re.search(re.escape(sign) + r"(?![A-Za-z])", text) is not None


def _inside(value: str, allow: str) -> tuple[Stance, str] | None:
    """Alternatives written inside one box or span: ``\\boxed{7|8}``, ``7 \\vee 8``, ``7 \\text{ or } 8``."""
    for sign in ALTERNATIVE_MATH:
        if _has_sign(value, sign) and not _allowed(sign, allow):
            if sign == "|" and (value.count("|") != 1 or "\\" in value.replace("\\text", "")):
                continue
            return Stance.ALTERNATIVE, sign
    word = re.search(r"\\text\s*\{\s*(or|maybe|perhaps)\s*\}|\b(or)\b", value)
    if word and not _allowed(word.group(0), allow):
        return Stance.ALTERNATIVE, next(g for g in word.groups() if g)
    return None


def _line_value(line: str, marked: _Marked, expect: str, alone: bool) -> str | None:
    """A line that is only a value (``8``, ``**D**``, ``$x = 5$``, ``\\boxed{7}``, ``Gray``): an asserted claim.
    A paragraph of its own that is maths without words (``\\frac{4}{3}``, ``13 cm``, ``x^2 - 1``) is one too."""
    bare = _DECORATION.sub("", line).strip()
    if not bare or bare.endswith(":"):
        return None
    if _PLACEHOLDER.fullmatch(bare):
        value = marked.value(bare)
        return None if _working(value) else value
    assigned = _ASSIGNED.match(bare)
    if assigned and _BARE_LINE.fullmatch(bare[assigned.end() :].strip()):
        return bare[assigned.end() :].strip()
    if "=" not in bare and _BARE_LINE.fullmatch(bare):
        return without_remark(bare)
    if expect == "letter" and re.fullmatch(r"\(?[A-Z]\)?", bare):
        return bare.strip("()")
    if expect == "yes_no" and bare.lower() in YES_NO:
        return YES_NO[bare.lower()]
    if expect == "text" and _TEXT_LINE.fullmatch(bare) and not set(_words(bare)) & (_HEADING_WORDS | _SENTENCE_WORDS):
        return bare
    if alone and expect == "value" and re.search(r"[\d\\^]", bare) and not _PLACEHOLDER.search(bare):
        reading = read_statement(bare, expect)
        return reading.value if reading.rule is Rule.PLAIN and not _working(reading.value or "=") else None
    return None


def _table_values(line: str, expect: str) -> list[str]:
    """Numbers standing alone in the cells of a table row (``| b | 8 |``)."""
    if expect == "text" or not line.strip().startswith("|") or _TABLE_RULE.match(line):
        return []
    cells = [cell.strip().strip("*$ ") for cell in line.strip().strip("|").split("|")]
    return [cell for cell in cells if cell and _BARE_LINE.fullmatch(cell) and "=" not in cell]


def _announced(sentence: str, marked: _Marked, expect: str) -> str | None:
    """The value of a sentence that announces the answer (``Thus, the answer is D (Dentate).``, ``A: 60``)."""
    label = (ANSWER_LABEL_WORDS if expect == "letter" else ANSWER_LABEL).search(sentence)
    phrase = ANSWER_PHRASE.search(sentence)
    if label is None and phrase is None:
        return None
    start = label.end() if label is not None else phrase.start() if phrase is not None else 0
    text = " ".join(marked.unmask(sentence[start:]).split()).strip()
    if not text or "\\boxed" in text:
        return None
    reading = _read_sentence(text, "value" if expect == "text" else expect) if is_prose(text) else None
    if reading is not None and (reading.value is not None or expect != "text"):
        return reading.value
    if reading is not None:
        openers = [m for m in (label, *ANSWER_PHRASE.finditer(sentence)) if m is not None]
        opener = max(openers, key=lambda m: m.end()) if openers else None
        said = _DECORATION.sub("", sentence[opener.end() :] if opener is not None else "").strip()
        return said if said and len(said.split()) <= _TEXT_ANSWER_WORDS and not _PLACEHOLDER.search(said) else None
    return text.rstrip(".").strip() or None


def _quiet(block: str) -> bool:
    """A short one-line block of words and values only, with at most one box and no word or sign that could give a
    stance (``(C)``, ``Yes``, ``42 cm``, ``\\frac{2}{3}``): it claims only what the statement reader reads."""
    return (
        "\n" not in block
        and block.count("\\boxed") <= 1
        and _QUIET.fullmatch(block) is not None
        and not _QUIET_SIGNS.search(block)
        and not _MARKERS.search(block)
        and not _JUSTIFICATION.search(block)
        and not ENDORSING.search(block)
        and not _SCENE_ENDORSING.search(block)
        and not _CORRECTION.match(block)
        and not _PAREN_AFTER_VALUE.search(block)
        and not _LATER_CONCLUSION.search(block)
    )


def _sentences(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in _SENTENCE.finditer(text) if m.group(0).strip()]


@lru_cache(maxsize=4096)
def read_claims(block: str, expect: str = "value", allow: str = "") -> tuple[Claim, ...]:
    """Every claim the section makes, in order. ``expect`` is the reference's kind (``letter``, ``yes_no``,
    ``text`` or ``value``); ``allow`` is the reference's own text, whose signs and words are part of its value."""
    if len(block) > MAX_BLOCK_CHARS:
        return ()
    if THINK_END in block:
        block = block.rsplit(THINK_END, 1)[1]
    if (asked := _ASKED.fullmatch(block)) is not None:
        return (Claim(asked.group("value").strip(), Stance.UNCERTAIN, "sentence", "?"),)
    if _quiet(block):
        return ()
    marked = _Marked(_ESCAPED_BREAK.sub("\n", normalised_block(block)))
    lines, in_code = [], False
    for line in marked.text.split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
            continue
        lines.append(line)
    text = "\n".join(lines)
    sentences = _sentences(text)
    anchored: list[tuple[int, Claim]] = []
    for offset, sentence in sentences:
        value = _announced(sentence, marked, expect)
        if value is not None:
            anchored.append((offset, Claim(value, Stance.ASSERTED, "sentence")))
        if "\x03" in sentence:
            anchored.append((offset, Claim("", Stance.ASSERTED, "box")))
    anchored += _concluded(sentences, text, marked, expect)
    position = 0
    lines = text.split("\n")
    for index, line in enumerate(lines):
        alone = all(not lines[i].strip() for i in (index - 1, index + 1) if 0 <= i < len(lines))
        value = _line_value(_CONCLUDING.sub("", line, count=1), marked, expect, alone)
        if value is not None:
            anchored.append((position, Claim(value, Stance.ASSERTED, "line")))
        elif (asked := _LINE_QUESTION.fullmatch(line)) and (
            value := _line_value(asked.group(1), marked, expect, alone)
        ):
            anchored.append((position, Claim(value, Stance.UNCERTAIN, "line", "?")))
        anchored += [(position, Claim(cell, Stance.ASSERTED, "table")) for cell in _table_values(line, expect)]
        position += len(line) + 1
    zone = min((offset for offset, _ in anchored), default=None)
    answering = sorted({offset for offset, _ in anchored})
    if zone is None:
        zone = sentences[-_LAST_SENTENCES][0] if len(sentences) >= _LAST_SENTENCES else 0
        answering = [offset for offset, _ in sentences if offset >= zone]
    claims = [claim for _, claim in sorted(anchored, key=lambda item: item[0]) if claim.where != "box"]
    last = _last_stating(sentences, marked, expect)
    for offset, sentence in sentences:
        if offset >= zone:
            at = bisect_left(answering, offset)
            full = at < len(answering) and answering[at] < offset + max(len(sentence), 1)
            claims += _sentence_claims(sentence, marked, expect, allow, full, offset >= last)
        else:
            claims += _offered(sentence, marked, expect, allow, short=True)
    return tuple(claims)


def _concluded(sentences: list[tuple[int, str]], text: str, marked: _Marked, expect: str) -> list[tuple[int, Claim]]:
    """Sentences after another on their line that conclude a value (``Yes. So no.``): claims as a line of that value
    would be (a line that opens with the conclusion is read with the lines)."""
    claims = []
    for offset, sentence in sentences:
        if offset == 0 or text[offset - 1] == "\n" or not _CONCLUDING.match(sentence):
            continue
        if (value := _line_value(_CONCLUDING.sub("", sentence, count=1), marked, expect, False)) is not None:
            claims.append((offset, Claim(value, Stance.ASSERTED, "line")))
    return claims


def _last_stating(sentences: list[tuple[int, str]], marked: _Marked, expect: str) -> int:
    """The offset of the last sentence that states a value (found by a scan back from the end)."""
    for offset, sentence in reversed(sentences):
        if _sites(sentence, marked, expect):
            return offset
    return 0


def _sentence_claims(
    sentence: str, marked: _Marked, expect: str, allow: str, full: bool, last: bool = True
) -> list[Claim]:
    """The claims of one sentence in the answer zone: every box, and every value said with a stance other than
    asserted (an asserted value in a sentence is the statement reader's to read). Only the ``last`` sentence that
    states a value may reject another one (``7, not 8``): a rejection with values after it leaves the answer open."""
    sites = _sites(sentence, marked, expect)
    layout = _Layout(sentence)
    claims = []
    offered = _offered_in_parentheses(sentence, sites, layout)
    written = sum(site.where != "box" for site in sites)
    for index, site in enumerate(sites):
        if index in offered:
            claims.append(Claim(site.value, Stance.ALTERNATIVE, "offered", "("))
            continue
        stance, marker = _stance(sentence, sites, index, allow, layout)
        if stance is Stance.ASSERTED and _TOLERANCE.match(sentence, site.end) and not _allowed("\\pm", allow):
            stance, marker = Stance.ALTERNATIVE, "±"
        if not full and stance in _MAY_OFFER and _offered_if(sentence, site, layout):
            claims.append(Claim(site.value, Stance.CONDITIONAL, "offered", marker or "if"))
            continue
        if not full and stance not in _FULL and stance is not Stance.ASSERTED:
            stance, marker = Stance.JUSTIFICATION, ""
        if not full and stance is Stance.ALTERNATIVE and marker not in SECOND_THOUGHTS:
            stance, marker = Stance.JUSTIFICATION, ""
        named = stance is Stance.JUSTIFICATION and site.where == "named"
        if named and _IDENTIFIED.search(sentence, max(0, site.start - _WOULD_BE_SPAN), site.start):
            claims.append(Claim(site.value, Stance.ASSERTED, "sentence"))
            continue
        if stance is Stance.ASSERTED and site.where in ("box", "span"):
            stance, marker = _inside(site.value, allow) or (stance, marker)
        rejection = _rejected(sentence, sites, index) if stance is Stance.NEGATED else None
        if rejection and last:
            stance, marker = Stance.JUSTIFICATION, ""
        corrected = stance is Stance.NEGATED and site.where != "box" and expect in ("value", "text")
        corrected = corrected and rejection is None
        if corrected and written - (site.where != "box") > 0:
            stance, marker = Stance.JUSTIFICATION, ""
        if site.where == "box" or stance is not Stance.ASSERTED:
            claims.append(Claim(site.value, stance, "box" if site.where == "box" else "sentence", marker))
    if full and (aside := _aside(sentence, marked, allow)) is not None:
        claims.append(aside)
    doubt = next((d for d in _DOUBT.finditer(sentence) if not _DOUBT_OF_ANOTHER.match(sentence, d.start())), None)
    if doubt is not None and not _allowed(doubt.group(0), allow):
        claims.append(Claim(marked.unmask(sentence).strip(), Stance.UNCERTAIN, "sentence", doubt.group(0).lower()))
    claims += _justifying_claims(sentence, marked, expect, sites, full, layout)
    if full and expect == "text" and (other := _TEXT_OR.search(sentence)) is not None:
        claims.append(Claim(other.group("value"), Stance.ALTERNATIVE, "offered", "or"))
    claims += _other_case(sentence, marked, expect)
    if not any(claim.where == "offered" for claim in claims):
        claims += _offered_words(sentence, marked, full, expect)
    claims += _parenthesised_values(sentence, marked, expect, {claim.value for claim in claims})
    only = RESTRICTING.search(sentence)
    if only is not None and "would" not in _words(sentence[: only.start()]):
        claims.append(Claim(marked.unmask(sentence).strip(), Stance.CONDITIONAL, "sentence", "only if"))
    if (depends := _DEPENDS.search(sentence)) is not None and not _allowed(depends.group(0), allow):
        claims.append(Claim(marked.unmask(sentence).strip(), Stance.CONDITIONAL, "sentence", "depends"))
    return claims + _offered(sentence, marked, expect, allow, short=False)


_REJECTS = re.compile(
    r"(?:\s*[A-Za-z]{1,3}\.?(?:\^\{?[23]\}?)?)?[*_`]*\s*[,;]\s*(?:(?:and|but)\s+)?not\s+(?:(?:option|choice)\s*)?\(?\s*",
    re.IGNORECASE,
)
_REJECTION_ENDS = re.compile(r"\)?(?:\s*[A-Za-z]{1,3}\.?(?:\^\{?[23]\}?)?)?[\s*_`\"”’]*[.!?]?[\s*_`\"”’]*")
"""A rejection names one value and ends its sentence: ``7, not 8 but 9`` asserts 9 too."""


def _rejected(sentence: str, sites: list[_Site], index: int) -> bool | None:
    """``B, not D``, ``7, not 8``, ``Yes, not no``: a value rejected right after another one is asserted commits to
    that one (a justification of it); rejecting the value just asserted (``7, not 7``) leaves it denied (False).
    None when the value does not stand so. A boxed value is never rejected: ``7, not \\boxed{8}`` denies its box."""
    if index == 0 or sites[index].where == "box" or "\\boxed" in sites[index].value:
        return None
    if _REJECTS.fullmatch(sentence, sites[index - 1].end, sites[index].start) is None:
        return None
    if not _REJECTION_ENDS.fullmatch(sentence, sites[index].end):
        return None
    return value_key(sites[index - 1].value) != value_key(sites[index].value)


def _justifying_claims(
    sentence: str, marked: _Marked, expect: str, sites: list[_Site], full: bool = True, layout: _Layout | None = None
) -> list[Claim]:
    """What a clause justifying the value before it says about another value of the answer's kind. A justification
    names values to support the answer (``B, since A (3) is too small``, ``7 apples, 3 of which are red``); a clause
    that calls another value right, possible, a candidate or a fallback (``B, since option D is also right``, ``7, 8
    of which are candidates``, ``7 (with 8 as a fallback)``) offers it, and one that says what the answer is names it
    (``B, which is option D``, ``7, which is 0.7 · 10``): graded like a second value either way, so restating the
    answer costs nothing. A word answer's ``which is`` describes it (``The car is green, which is unusual.``): only
    an endorsing word makes it offer a word. A clause that rejects a value (``since D is not right``) and working
    (``3 + 4 = 7``) offer nothing. A clause may open the sentence (``Since 8 is also right, 7.``, ``This is
    because 8 is also right.``) and then offers a value only with a word that adds it (``also``, ``too``,
    ``another``, ``a fallback``), as any clause in a sentence after the answer (not ``full``): there ``right`` alone
    may be the working's right angle."""
    layout = layout or _Layout(sentence)
    claims = []
    keys = [value_key(site.value) for site in sites]
    ends = [site.end for site in sites]
    stated: set[str] = set()
    seen = 0
    budget = _CLAUSE_BUDGET * len(sentence) + _CLAUSE_SPAN
    leading = _LEADING_JUSTIFICATION.match(sentence)
    for opened in [*([leading] if leading is not None else []), *_JUSTIFYING_OPEN.finditer(sentence)]:
        if opened is not leading and opened.start() <= layout.first_text:
            continue
        command_from = max(0, opened.start() - _COMMAND_SPAN)
        if opened.group(0).lstrip().startswith("(") and _LATEX_COMMAND_BEFORE.search(
            sentence, command_from, opened.start()
        ):
            continue
        stop = layout.clause_end(opened.end())
        if stop - opened.start() > budget:
            stop = min(stop, opened.end() + _CLAUSE_SPAN)
        budget -= stop - opened.start()
        clause = sentence[opened.start() : stop]
        if {w for w in _words(clause) if w in NEGATION or w.endswith("n't")}:
            continue
        while seen < len(sites) and ends[seen] <= opened.start():
            stated.add(keys[seen])
            seen += 1
        endorsed = _clause_endorsing(clause, full, opened.end() - opened.start() if opened is leading else None)
        if endorsed is None and expect == "text" and (said := _TEXT_SAID.match(sentence, opened.end(), stop)):
            endorsed = _ALSO_SAID.search(said.group(0)) if said.group("also") else None
        for at, until, value in _clause_values(sentence, opened.end(), stop, marked, expect, sites, layout):
            if value_key(value) in stated or value_key(marked.unmask(value)) in stated:
                continue
            if _WORKING_BESIDE.search(sentence[max(opened.end(), at - 2) : at]) or _WORKING_BESIDE.match(
                sentence[until : until + _CLAUSE_SPAN].lstrip()
            ):
                continue
            if endorsed is not None:
                claims.append(Claim(value, Stance.ALTERNATIVE, "offered", endorsed.group(0).lower()))
            elif (
                expect != "text"
                and _IDENTIFYING.search(sentence, max(opened.start(), at - _COMMAND_SPAN), at)
                and re.match(_UNIT + r"\s*(?:[.,;!?)]|$)", sentence[until:])
            ):
                claims.append(Claim(value, Stance.ASSERTED, "offered", "is"))
    return claims


_LEADING_JUSTIFICATION = re.compile(
    r"\s*(?:(?:since|because|as|given\s+that)\b|(?:this|that|it)\s+is\s+because\b)", re.IGNORECASE
)
_SCENE_ENDORSING = re.compile(
    r"\b(?:correct|valid|acceptable|satisf(?:y|ies|ied|ying)|match(?:es|ed|ing)?|fits?|works?)\b", re.IGNORECASE
)
"""In a clause that opens the sentence, a word that calls a value in it an answer even without adding it (``Since 8
satisfies the equation, 7.``, ``Since 8 is correct, 7.``)."""
_VALUE_RIGHT = re.compile(r"\s*[^\s,;]*[\d\x01-\x05][^\s,;]*\s+(?:is|are)\s+(?:also\s+)?right\b", re.IGNORECASE)
"""``Since 8 is right, 7.``: ``right`` said of a value; of a noun it may be the working's right angle (``Since the
triangle with sides 3 and 4 is right, 5.``)."""
_ADDING = re.compile(
    r"also|too|as\s+well|another|equally|fallback|candidates?|alternatives?|extra|additional|otherwise|else",
    re.IGNORECASE,
)
"""Endorsing words that add a value beside the answer rather than judge it."""


def _clause_endorsing(clause: str, full: bool, leading: int | None) -> re.Match[str] | None:
    """The word a justifying clause endorses a value with; a clause that opens the sentence (its words from
    ``leading``) with a word that adds a value or calls one an answer (``Since 8 is correct, 7.``)."""
    endorsed = _endorsing(clause, adding=not full or leading is not None)
    if endorsed is None and leading is not None:
        return _SCENE_ENDORSING.search(clause) or _VALUE_RIGHT.match(clause, leading)
    return endorsed


def _endorsing(clause: str, adding: bool) -> re.Match[str] | None:
    """The first word in the clause that endorses a value as an answer: said of the value (``8 is also right``, ``8
    of which are candidates``, ``with 8 as a fallback``, ``8 is also a valid answer``), not of another noun (``the
    possible summands``, ``3 is also a factor``). With ``adding``, only a word that adds a value."""
    for m in ENDORSING.finditer(clause):
        if adding and not _ADDING.fullmatch(m.group(0)):
            continue
        following = re.match(r"\s+(?:(?:an?|the)\s+)?([a-z]+)", clause[m.end() :])
        if following is None or following.group(1) in ANSWER_NOUNS | _FUNCTION_WORDS:
            return m
        if ENDORSING.fullmatch(following.group(1)) and (endorsed := _endorsing(clause[m.end() :], False)):
            return m if adding else endorsed
    return None


def _clause_values(
    sentence: str, start: int, stop: int, marked: _Marked, expect: str, sites: list[_Site], layout: _Layout
) -> list[tuple[int, int, str]]:
    """Values of the answer's kind in ``sentence[start:stop]``: option letters (``D is right``), yes/no words,
    numbers, maths (a span, a box, a bare ``\\frac{1}{3}``)."""
    first, last = bisect_left(layout.site_starts(sites), start), bisect_left(layout.site_starts(sites), stop)
    found = [(site.start, site.end, site.value) for site in sites[first:last]]
    if expect == "letter":
        found = [
            (m.start(), m.end(), m.group("letter"))
            for m in _CLAUSE_LETTER.finditer(sentence, start, stop)
            if m.group("letter") != "I" and (m.group("letter") != "A" or m.group("named") or "(" in m.group(0))
        ]
    elif expect == "yes_no":
        found = [
            (m.start(), m.end(), YES_NO[m.group(1).lower()]) for m in _CLAUSE_YES_NO.finditer(sentence, start, stop)
        ]
    elif expect == "text":
        said = _TEXT_SAID.match(sentence, start, stop) or _TEXT_SUBJECT.match(sentence, start, stop)
        found = []
        words = set(_words(said.group("value"))) if said is not None else set()
        judged = ENDORSING.search(said.group("value")) if said is not None else None
        if said is not None and judged is None and not words & (_SENTENCE_WORDS | _PRONOUNS | NEGATION):
            found = [(said.start("value"), said.end("value"), said.group("value"))]
    else:
        found += [(m.start(), m.end(), m.group(0)) for m in _LATEX_VALUE.finditer(sentence, start, stop)]
        said = _VALUE_SAID.search(sentence, start, stop)
        if said is not None and _maths(said.group("value")):
            found = [f for f in found if not said.start("value") <= f[0] < said.end("value")]
            found.append((said.start("value"), said.end("value"), marked.unmask(said.group("value")).strip("$ ")))
    return sorted(set(found))


def _maths(value: str) -> bool:
    """Digits or maths and no words outside it (``x^2 - 1``, ``0.75``; not ``greater than 5``)."""
    words = re.search(r"(?<![\\\w])[A-Za-z]{2,}", _PLACEHOLDER.sub(" ", value))
    return re.search(r"[\d\\\x05]", value) is not None and words is None


def _other_case(sentence: str, marked: _Marked, expect: str) -> list[Claim]:
    """Values offered for another case after the answer (``or 8 otherwise``, ``else 8``, ``and eight if we
    multiply``, ``or gray otherwise``), graded like a second value; only what looks like a value of the answer's
    kind counts (``, otherwise it fails``, ``, but if x = 2`` offer nothing)."""
    claims = []
    for m in _OTHER_CASE.finditer(sentence):
        value = _DECORATION.sub("", marked.unmask(m.group("value") or m.group("after") or m.group("then"))).strip(" .,")
        if value and _value_like(value, expect, words=not m.group("then")):
            claims.append(Claim(value, Stance.CONDITIONAL, "offered", "if" if m.group("then") else "otherwise"))
    return claims


def _value_like(value: str, expect: str, words: bool) -> bool:
    """A value of the answer's kind: a letter, yes/no, digits or maths, a number word; for a text answer, a few words
    that are not a clause of their own (``gray``, not ``it fails``)."""
    if expect == "letter":
        return re.fullmatch(r"(?:(?i:option|choice)\s*)?\(?[A-Z]\)?", value) is not None
    if expect == "yes_no":
        return value.lower() in YES_NO
    if re.search(r"[\d\\$]", value) or NUMBER_WORD.fullmatch(value):
        return True
    return words and expect == "text" and not set(_words(value)) & (_SENTENCE_WORDS | _PRONOUNS)


def _offered_words(sentence: str, marked: _Marked, full: bool, expect: str) -> list[Claim]:
    """A word or bare LaTeX offered under a condition, where no value was found to read (``If the light were
    different, it would be gray.``, ``\\frac{1}{2} (\\frac{1}{3} if rounded)``): read as text, up to the clause's end
    or its condition, and graded like a number offered that way. An option or a yes/no is read only in parentheses
    (``B (D if rounded)``): after ``would be`` its letter or word is found as a value already."""
    if not CONDITIONAL & set(_words(sentence)):
        return []
    offers = not full and expect in ("text", "value")
    found = _CONDITIONAL_ASIDE.search(sentence) or (_WOULD_BE_VALUE.search(sentence) if offers else None)
    if found is None:
        return []
    value = _DECORATION.sub("", marked.unmask(found.group("value"))).strip()
    if not value or len(value.split()) > _TEXT_ANSWER_WORDS:
        return []
    return [Claim(value, Stance.CONDITIONAL, "offered", "if")]


def _parenthesised_values(sentence: str, marked: _Marked, expect: str, read: set[str]) -> list[Claim]:
    """Values that open a parenthesis said of another reading (``12 cm (13 cm in the other case)``, ``B (D by another
    convention)``): offered, graded like a second value. Only what looks like a value of the reference's kind (digits,
    maths, a capital letter, yes/no); working and precision (``(4 × 6 by the area formula)``) are not offers."""
    claims = []
    for m in _PAREN_VALUE.finditer(sentence):
        value = marked.unmask(m.group("value")).strip(" ,")
        if value in read:
            continue
        looks = (
            re.fullmatch(r"[A-Z]", value)
            if expect == "letter"
            else value.lower() in YES_NO
            if expect == "yes_no"
            else re.search(r"[\d\\]", value)
        )
        if looks:
            claims.append(Claim(value, Stance.ALTERNATIVE, "offered", "("))
    return claims


def _offered_in_parentheses(sentence: str, sites: list[_Site], layout: _Layout) -> set[int]:
    """Sites that open a parenthesis right after another value (``7 (8 in the other case)``, ``yes (no)``): offered
    beside it and graded. The same number restated (``0.5 (50%)``, ``7 (about 7.0)``, :mod:`.restatement`), working
    and precision are not offers; working after a space that evaluates to another
    number is (``\\boxed{7} (3 + 5)``; ``2(3 + 4)`` is a product)."""
    offered = set()
    for index in range(1, len(sites)):
        site, before = sites[index], sites[index - 1]
        if not _PAREN_OFFER.match(sentence[before.end : site.start]):
            continue
        close = layout.next_close(site.end)
        inside = sentence[site.start : close if close >= 0 else min(len(sentence), site.start + _CLAUSE_SPAN)]
        spaced = sentence[before.end : site.start][:1].isspace()
        if spaced and names_another(before.value, inside.strip(" (")):
            offered.add(index)
            continue
        if before.where == "box" or restates(before.value, inside.strip(" (")):
            continue
        beside = index + 1 < len(sites) and site.end < sites[index + 1].start < close
        if not _NOT_OFFERED.search(inside) and not beside:
            offered.add(index)
    return offered


def _aside(sentence: str, marked: _Marked, allow: str) -> Claim | None:
    """A parenthetical remark in a sentence that holds the answer: ``B (or C)``, ``Yes (I'm guessing)``. Elsewhere a
    parenthesis is the working's (``the area (or the shaded part) is``)."""
    aside = _ASIDE.search(sentence)
    if aside is None:
        return None
    marker = " ".join((aside.group("alternative") or aside.group("doubt")).split())
    if _allowed(marker, allow):
        return None
    stance = Stance.ALTERNATIVE if aside.group("alternative") else Stance.UNCERTAIN
    return Claim(marked.unmask(aside.group("value")).strip(" .,;:"), stance, "alternative", marker)


def _offered_if(sentence: str, site: _Site, layout: _Layout) -> bool:
    """A value offered under a condition after the answer (``However, if it were obtuse, it would be 8.``, ``(8 if
    the units are inches)``, ``7 if we add 3 and 4, 8 if we add 4 and 4``): the value right after ``would be``, or a
    value right before ``if`` that does not stand inside a condition itself. Working's own conditions (``we get 7 if
    we add 3 and 4``: 3 and 4) stay justifications."""
    if not layout.conditional:
        return False
    if _WOULD_BE.search(sentence, max(0, site.start - _WOULD_BE_SPAN), site.start):
        return True
    inside = layout.condition_between(layout.clause_start(site.start), site.start)
    return not inside and _THEN_IF.match(sentence, site.end) is not None


def _offered(sentence: str, marked: _Marked, expect: str, allow: str, short: bool) -> list[Claim]:
    """Values offered beside the answer: ``Eight also fits``, ``No, blue``, ``Alternatively, 8``, ``maybe 8``. Before
    the answer (``short``) only a short value counts: ``Alternatively, we can use the formula`` is working."""
    claims = []
    also = ALSO.search(sentence)
    if also is not None:
        before = sentence[: also.start()].split()
        offered = before[-1] if before else next(iter(sentence[also.end() :].split()), "")
        if offered and not _allowed(also.group(0), allow):
            claims.append(Claim(marked.unmask(offered).strip(".,"), Stance.ALTERNATIVE, "alternative", "also"))
    correction = _CORRECTION.match(sentence) or (_ACTUALLY.match(sentence) if expect == "yes_no" else None)
    taken_back = correction is not None and (correction.re is _ACTUALLY or expect != "yes_no")
    if correction is not None and (taken_back or correction.group("marker").lower() not in _YES_NO_OPENERS):
        claims.append(
            Claim(marked.unmask(correction.group("value")).strip(" ."), Stance.ALTERNATIVE, "alternative", "no")
        )
    for m in _OFFERED.finditer(sentence):
        offered = m.group("value").strip(" .,;:)")
        relative = _words(sentence[: m.start()])[-2:]
        if set(relative) & _RELATIVE:
            continue
        if offered and not _allowed(m.group("marker"), allow) and not JUSTIFICATION.match(offered):
            stance = Stance.UNCERTAIN if m.group("uncertain") else Stance.ALTERNATIVE
            claims.append(Claim(marked.unmask(offered), stance, "alternative", " ".join(m.group("marker").split())))
            break
    if short:
        return [claim for claim in claims if len(claim.value.split()) <= _TEXT_ANSWER_WORDS]
    return claims


@dataclass(frozen=True, slots=True)
class Commitment:
    open: Claim | None
    """The first claim that leaves the answer open (denied, uncertain, bounded, conditional, an alternative)."""
    asserted: tuple[str, ...]
    """The values asserted by sentences and lines, each once (as written; :mod:`.answers` decides which are the
    same value); boxes in sentences are read together by :mod:`.statement`, several boxes as one set of values."""
    boxed: tuple[str, ...] = ()
    """The values asserted in boxes inside sentences, each once (``… = \\boxed{200}`` in working); a box on a line
    of its own is also asserted on that line."""

    @property
    def detail(self) -> str:
        if self.open is None:
            return ""
        return f"{self.open.stance.value} ({self.open.marker}): {self.open.value}"


def commitment(claims: tuple[Claim, ...]) -> Commitment:
    """The commitment rule: the first open claim, if any, and the distinct values asserted."""
    open_claim = next((claim for claim in claims if claim.stance in OPEN and claim.where != "offered"), None)
    asserted: dict[str, str] = {}
    boxed: dict[str, str] = {}
    for claim in claims:
        if (claim.stance is Stance.ASSERTED or claim.where == "offered") and claim.value:
            (boxed if claim.where == "box" else asserted).setdefault(value_key(claim.value), claim.value)
    return Commitment(open_claim, tuple(asserted.values()), tuple(boxed.values()))


@lru_cache(maxsize=4096)
def value_key(value: str) -> str:
    """A value without its wrapping (``**7**``, ``$7$``, ``\\text{7}``, a final period), for spotting restatements."""
    s = re.sub(r"\\(?:text|mathrm|textbf|mathbf)\s*\{([^{}]*)\}", r"\1", value)
    s = re.sub(r"[\s*$`\"“”]|\\[,;!]", "", s).rstrip(".").casefold()
    return s
