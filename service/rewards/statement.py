"""Read the value a final-answer statement states, before any grading.

The extract stage of answer judging (Math-Verify's split: extract, then parse, then grade): a
final-answer block written the way models write it (``The largest $n$ is 34.``, ``Option D: 8 m``,
``No, the lines do not meet.``, ``\\boxed{3} \\boxed{4}``) becomes the value it states and the rule
that read it, or a hedge with its reason. Grading the value is :mod:`answers`' job; nothing here
knows the reference except which kind of answer it expects (an option letter, yes/no, a value).

Every pattern is linear: answers are untrusted text, and this runs on every completion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .latex import braced_arguments
from .number_words import FRACTION_GROUPS, NUMBER_WORD, SCALES, number_word_value
from .restatement import approximation, names_another, other_working, restated_value
from .text import unicode_normalised
from .vocabulary import (
    ANSWER_LABEL,
    ANSWER_LABEL_WORDS,
    ANSWER_PHRASE,
    APPROXIMATE,
    BOUND,
    CONJUNCTIONS,
    COPULA,
    EITHER,
    ENDORSING,
    JUSTIFYING,
    LIKELY,
    LIST_ALTERNATIVES,
    NEGATION,
    OPERATION,
    SENTENCE_TRIGGERS,
    UNCERTAIN,
    UNSURE_PHRASES,
    Rule,
    word_pattern,
)

MAX_BLOCK_CHARS = 16000
"""A longer final-answer block is not read as a statement (the grader's own guards judge it)."""


@dataclass(frozen=True, slots=True)
class Statement:
    value: str | None
    """The stated value as text for the grader; None for a hedge or when nothing was read."""
    rule: Rule
    """How it was read: plain, boxed, boxes, prose, option, yes_no, hedge, none; phrase when the grader found a
    text reference where the sentence states its answer (:mod:`.phrase`)."""
    detail: str = ""
    values: tuple[str, ...] = ()
    """Every value the sentence states (a hedge's alternatives too)."""

    @property
    def hedge(self) -> bool:
        return self.rule is Rule.HEDGE

    def shown(self) -> str:
        """``prose → 34`` or ``hedge: two values 5, 6``: the rule and what it read, for explanations."""
        if self.value is None:
            return f"{self.rule}: {self.detail}" if self.detail else self.rule
        return f"{self.rule} → {self.value}"


_DISPLAY = re.compile(r"\$\$((?:(?!\$\$).)+?)\$\$|\\\[((?:(?!\\\[).)+?)\\\]", re.DOTALL)
_INLINE = re.compile(r"\$([^$\n]+?)\$|\\\(((?:(?!\\\().)+?)\\\)")
"""A span ends at its closer or gives up at the next opener, so a run of openers costs linear time."""
_SPAN = "\x01{}\x02"
_SPAN_REF = re.compile(r"\x01(\d+)\x02")
_PROSE_WORD = re.compile(
    r"(?<![\\A-Za-z\x01{])[A-Za-z]{3,}\b|(?<![\\A-Za-z\x01{])(?:is|or|of|it|we|so)\b", re.IGNORECASE
)
_ANSWER_PHRASE = ANSWER_PHRASE
_LEAD = re.compile(
    r"^\s*(?:\*\*)?\s*(?:(?:the\s+)?final\s+answer|answer)\s*(?:is)?\s*[:.]?\s*(?:\*\*)?\s*", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n\s*\n|(?<=\x02)\s+(?=[A-Z])")
_COPULA = COPULA
_HEDGE_WORDS = word_pattern(UNCERTAIN, UNSURE_PHRASES)
_EITHER_WORDS = word_pattern(EITHER)
"""``either`` / ``neither`` hedge what a sentence states, not its subject (``items that are either red or
rubber: 3``)."""
_NEGATION = word_pattern(NEGATION | {r"\w+n't"})
_OPERATION = word_pattern(OPERATION)
_REMARK = re.compile(
    r"\(\s*(?:=|≈|\\approx\b)[^()]*\)|\([^()]*[A-Za-z]{2}[^()]*\)|,?\s*\b(?:i\.\s?e\.|e\.\s?g\.|that\s+is)(?:,|\s).*$",
    re.IGNORECASE,
)
_WORDS_IN_PARENTHESES = re.compile(r"(?<![\\\w])\(\s*[A-Za-z]{2,}(?:\s+[A-Za-z]+)*\.?\s*\)")
"""A remark after a bare value: ``10 (units)``, ``6 (approximately)``; maths in parentheses stays."""
_JUSTIFICATION = re.compile(
    r"(?:,\s*|\s+(?=because\b))(?:" + "|".join(JUSTIFYING) + r")\b"
    r"|[.!?]\s+(?=(?:that|this|it)\s+(?:means|implies|shows|is\s+because)\b|(?:because|since)\b)"
    r"|,\s*(?=(?:\S+\s+){1,2}of\s+(?:which|whom|them)\b|with\s+\S+\s+of\b)",
    re.IGNORECASE,
)
"""A clause after the value that justifies or describes it (``7, which is greater than 5``)."""
_REJECTION = re.compile(
    r"[*_`]*[,;]\s*(?:(?:and|but)\s+)?not\s+(?:(?:option|choice)\s*)?"
    r"(?P<value>(?:[^,;!?.]|\.(?=\d)){1,80}?)[\s*_`]*(?:[.!?]\s*)?$",
    re.IGNORECASE,
)
"""A clause that ends the sentence rejecting one other value: ``B, not D``, ``7, not 8``, ``\frac{3}{4}, not
\frac{4}{3}``, ``12 cm, not 13 cm``. The value runs over no sentence end (``7, not 8. 9.`` states 9); a point is
a decimal's only."""
_EITHER = word_pattern(CONJUNCTIONS)
_ALTERNATIVE = re.compile(word_pattern(LIST_ALTERNATIVES).pattern + r"|/|\\lor\b|\\pm\b|±", re.IGNORECASE)
_NUMBER = re.compile(
    r"(?<![\w.\\^_{])(?:[-+−]\s?)?(?:\\?\$\s?|[€£¥]\s?)?"
    r"(?:\d+\s\d+/\d+(?![\d.])|(?:\d{1,3}(?:(?:,|\{,\}|\s)\d{3})+(?![\d])|\d+)(?:\.\d+)?(?:/\d+(?![\d.]))?)"
    r"(?:\s(?:" + "|".join(SCALES) + r")\b)?"
    r"(?:\s?(?:%|\\%|percent\b|°|\^\{?\\circ\}?|degrees?\b))?"
    r"(?:\s?(?:\\pi\b|π|pi\b|\\sqrt\{?\d+\}?|√\d+|i\b|[a-z](?![A-Za-z])|\^\{?\d+\}?))*"
)
"""A value *found inside* a sentence, kept as written for the grader (``1,000``, ``$5``, ``3\\pi``, ``45°``, ``3 1/4``,
``4 thousand``: a scale word is part of the value).
:mod:`.answers`' ``_QUANTITY`` is a different job: it *parses* a whole answer into value, percent and shown
decimals, so the two grammars stay apart."""
_SIGN_WORD = re.compile(r"(?<![\d)])(?<![\d)] )\b(?:negative|minus)\s+(?=\d)", re.IGNORECASE)
"""``negative 3`` / ``minus 3`` is -3; ``10 minus 3`` stays an operation."""
_APPROXIMATELY = re.compile(r"^(?:" + "|".join(APPROXIMATE) + r"|≈|~)\s*(?=\S)", re.IGNORECASE)
_BOUND = BOUND
"""``at least 8``, ``more than 8``: a bound, not the value."""
_YES_NO_WORD = re.compile(r"\b(yes|no|true|false)\b", re.IGNORECASE)
_BOTH_ANSWERS = re.compile(r"(?:yes|no|true|false)\W*+(?:\b(?:or|and)\b\W*+)?(?:yes|no|true|false)\b", re.IGNORECASE)
"""``Yes / No``, ``No and yes``, ``yes, no``: both answers given at the start (one possessive run of
non-word characters on each side of the conjunction: two that could share it took seconds on ``yes!!!…``)."""
YES_NO = {"yes": "yes", "true": "yes", "correct": "yes", "no": "no", "false": "no", "incorrect": "no"}
"""Words that answer a yes/no question, as the answer they give (a sentence is read for the first four)."""
_OPTION_NAMED = re.compile(r"\b(?:option|choice)(?:\s+\(?|\s*\()([A-Z])\b\)?", re.IGNORECASE)
"""``option D``, ``choice (b)``; not the plural ``options`` read as option S."""
_OPTION_LETTER = re.compile(r"(?<![\w\\'’])\(?([A-Z])\)?(?=[\s.,;:)*]|$)")
_LABEL_SPAN = re.compile(
    r"^\s*(?:[A-Za-z](?:_\{?\w+\}?)?|[A-Z]{2,8}|m?\\angle\s*[A-Z]{1,3}|\\overline\{[A-Z]{2}\})\s*$"
)
_ASSIGNED = re.compile(r"^\s*(?:[A-Za-z](?:_\{?\w+\}?)?|[A-Z]{2,3})\s*=\s*")
_THIN_THOUSANDS = re.compile(r"(?<=\d),\\!\s*(?=\d{3})")
_BOX_LIST = re.compile(
    r"(?:\s*,)?(?:\s*\\q?quad)*\s*\\text\{\s*and\s*\}(?:\s*\\q?quad)*\s*|(?:\s*,)?(?:\s*\\q?quad)+\s*"
)
"""Inside one box, ``\\quad \\text{and} \\quad`` separates the members of a list."""
_BOX_GAP = re.compile(r"\\q?quad|\\text\{\s*(?:and|or)?\s*\}|\band\b|[\s,;.$]|\\[()\[\]]")
_BARE = re.compile(r"[-+.,/()=%$ 0-9]*[0-9][-+.,/()=%$ 0-9]*")
"""Digits and arithmetic only (``5``, ``-3.5``, ``1/2``): nothing to read, a plain value at once."""
LONG_STATEMENT = 200
"""A block longer than this is a worked solution: its answer is the last one it announces."""
_FINAL_SENTENCES = 3
"""A worked solution that announces no answer and boxes none: the last of its final sentences that
states a value is its answer."""
_BOXES = frozenset({"\\boxed", "\\fbox"})


def boxed_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of every ``\\boxed{...}`` in order, braces matched by the one LaTeX front end's
    tokens (:func:`.latex.braced_arguments`)."""
    return braced_arguments(text, _BOXES)


def _last_box_group(text: str, boxes: list[tuple[int, int, str]]) -> list[str]:
    """The last box and the boxes just before it with only separators between (``\\boxed{1}, \\boxed{2}``)."""
    group = [boxes[-1]]
    for box in reversed(boxes[:-1]):
        if _BOX_GAP.sub("", text[box[1] : group[0][0]]).strip():
            break
        group.insert(0, box)
    return [content for _, _, content in group]


def normalised_block(text: str) -> str:
    """Unicode, currency and separator spellings in one form: ``−`` -> ``-``, ``3{,}400`` and
    ``3,\\! 400`` -> ``3,400``; ``\\$`` and the ``\\!`` spacing are dropped."""
    s = unicode_normalised(text)
    s = s.replace("−", "-").replace("\r\n", "\n").replace("{,}", ",")
    s = _THIN_THOUSANDS.sub(",", s).replace("\\!", "").replace("\\,", " ")
    s = _SIGN_WORD.sub("-", s)
    return s.replace("\\$", "").replace("\\%", "%").strip()


def _distinct(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for v in values:
        seen.setdefault(" ".join(v.split()).rstrip(".,;"), v)
    return list(seen)


class _Masked:
    """The text with each LaTeX span replaced by a placeholder, so prose rules never look inside maths."""

    def __init__(self, text: str):
        self.spans: list[str] = []
        self.written: list[str] = []
        text = _DISPLAY.sub(self._keep, text.replace("\x01", " ").replace("\x02", " "))
        self.text = _INLINE.sub(self._keep, text)

    def _keep(self, m: re.Match) -> str:
        self.spans.append(next(g for g in m.groups() if g is not None).strip())
        self.written.append(m.group(0))
        return _SPAN.format(len(self.spans) - 1)

    def unmask(self, text: str) -> str:
        """The text as written, delimiters included."""
        return _SPAN_REF.sub(lambda m: self.written[int(m.group(1))], text)


def is_prose(text: str) -> bool:
    """Words outside the maths: a sentence, not a bare value (``5 cm`` and ``x = 5`` are values)."""
    masked = _Masked(text).text
    words = _PROSE_WORD.findall(masked)
    if len(words) >= 2 or any(w.lower() in SENTENCE_TRIGGERS for w in words):
        return True
    return bool(words) and bool(_HEDGE_WORDS.search(masked) or _EITHER_WORDS.search(masked) or _NEGATION.search(masked))


@lru_cache(maxsize=4096)
def read_statement(block: str, expect: str = "value") -> Statement:
    """The value a final-answer block states. ``expect`` is ``letter`` when the reference is an option,
    ``yes_no`` for a yes/no reference, else ``value``. Cached: a group's members often state the same."""
    if len(block) > MAX_BLOCK_CHARS:
        return Statement(None, Rule.NONE, f"final answer longer than {MAX_BLOCK_CHARS} characters")
    if _BARE.fullmatch(block):
        line = " ".join(block.split())
        if (other := other_working(line)) is not None:
            return Statement(None, Rule.HEDGE, f"another value in parentheses ({other})")
        return Statement(without_remark(line), Rule.PLAIN)
    s = normalised_block(block)
    if not s:
        return Statement(None, Rule.NONE, "empty final answer")
    boxes = boxed_spans(s)
    if len(s) > LONG_STATEMENT:
        return _read_solution(s, boxes, expect)
    if boxes:
        return _boxed([content for _, _, content in boxes])
    masked = _Masked(s)
    paragraph, *later = re.split(r"\n\s*\n", masked.text, maxsplit=1)
    labels = list((ANSWER_LABEL_WORDS if expect == "letter" else ANSWER_LABEL).finditer(paragraph))
    rest = paragraph[labels[-1].end() :].strip() if labels else ""
    if rest and (labels[-1].start() > 0 or not is_prose(masked.unmask(rest))):
        paragraph = paragraph[labels[-1].end() :]
    sentence = _LEAD.sub("", masked.unmask(" ".join(paragraph.split()))).strip()
    if not is_prose(sentence) and (other := other_working(sentence)) is not None:
        return Statement(None, Rule.HEDGE, f"another value in parentheses ({other})")
    if not is_prose(sentence):
        sentence = without_remark(_WORDS_IN_PARENTHESES.sub(" ", sentence).strip() or sentence)
        if expect == "yes_no" and len({YES_NO[w.lower()] for w in _YES_NO_WORD.findall(sentence)}) > 1:
            return Statement(None, Rule.HEDGE, "yes and no")
        statement = Statement(_plain_value(sentence), Rule.PLAIN)
    elif later and _REJECTION.search(_Masked(sentence).text.rstrip(" .!")) and _states(later[0], expect):
        return Statement(None, Rule.HEDGE, "a rejection with values after it")
    else:
        statement = _announced(sentence, expect) or _read_sentence(sentence, expect)
    return statement


_MARKED_LETTER = re.compile(r"(?<![\w\\'’])[(`*_]*([A-Z])[)`*_]*(?=[\s.,;:)]|$)")
"""An option letter, bare or in markup (``D``, ``**D**``, ```D```)."""


def _states(text: str, expect: str) -> bool:
    """Whether masked ``text`` names a value of the answer's kind: a rejection (``B, not D``) commits only when
    nothing after it does (``B, not D.  So C.``)."""
    if re.search(r"[\d\x01]", text) or NUMBER_WORD.search(text):
        return True
    if expect == "letter":
        return bool({m.group(1) for m in _MARKED_LETTER.finditer(text)} - {"I"})
    return expect == "yes_no" and _YES_NO_WORD.search(text) is not None


def without_remark(value: str) -> str:
    """A bare value without the parenthesis after it that shows its working or says what it is (``24 (4 × 6)``,
    ``BC = 13 (a 5-12-13 triangle)``), or restates it (``0.5 (50%)``, ``Seven (7)``, :mod:`.restatement`): found by
    one scan back from the end."""
    if (restated := restated_value(value)) != value:
        return restated
    text = value.rstrip(" .")
    opened = text.rfind("(")
    if not text.endswith(")") or opened <= 0 or not text[opened - 1].isspace():
        return value
    inner, before = text[opened + 1 : -1], text[:opened].rstrip()
    if "(" in inner or ")" in inner or not re.search(r"\d", before) or not _BARE.fullmatch(_ASSIGNED.sub("", before)):
        return value
    if approximation(inner) or names_another(before, inner):
        return value
    if re.search(r"(?<![\\A-Za-z])[A-Za-z]{3,}|[×*+/=·÷]|\\times|\\cdot|\d\s*-\s*\d", inner):
        return before
    return value


def _plain_value(text: str) -> str:
    """A bare value as digits: ``approximately 8`` -> ``8``, ``eight`` -> ``8`` (a sentence's number words are
    read by :func:`_values`)."""
    text = _APPROXIMATELY.sub("", text)
    word = NUMBER_WORD.fullmatch(text.strip().rstrip("."))
    return _number_words(word.group(0))[0][1] if word else text


def _announced(text: str, expect: str) -> Statement | None:
    """In a few sentences, the one with the last "answer is", when no sentence after it states another value
    (``… Final Answer: The final answer is 5. I hope it is correct.``, ``The answer is 7. We get 7 if we add 3 and
    4.``); a later value (``The answer is 5. Wait, it's 6.``) leaves the whole text to be read, where it states two
    values; so does a rejection with a value of the answer's kind after it (``The answer is B, not D. D.``)."""
    masked = _Masked(text)
    phrases = list(_ANSWER_PHRASE.finditer(masked.text))
    end = _SENTENCE_END.search(masked.text, phrases[-1].end()) if phrases else None
    if end is None:
        return None
    statement = _read_sentence(" ".join(masked.unmask(masked.text[phrases[-1].start() : end.start()]).split()), expect)
    later = masked.text[end.end() :]
    if statement.rule is Rule.NONE:
        return None
    if _REJECTION.search(masked.text[phrases[-1].start() : end.start()]) and _states(later, expect):
        return None
    if (re.search(r"[\d\x01]", later) or NUMBER_WORD.search(later)) and not _restated(masked, later, statement, expect):
        return None
    return statement


_WORKING_CONDITION = re.compile(r"\s(?:if|when|once|assuming|provided)\b", re.IGNORECASE)


def _restated(masked: _Masked, later: str, statement: Statement, expect: str) -> bool:
    """Every later sentence with a value in it states the announced one, the values of a condition after it being
    the working's (``We get 7 if we add 3 and 4``); a sentence that opens with its condition is read whole, and one
    whose value is not read (bare LaTeX in words) is no restatement."""
    if statement.value is None:
        return False
    for sentence in _SENTENCE_END.split(later):
        condition = _WORKING_CONDITION.search(sentence)
        if condition is not None and re.search(r"[\d\x01]", sentence[: condition.start()]):
            sentence = sentence[: condition.start()]
        if not re.search(r"[\d\x01]", sentence) and not NUMBER_WORD.search(sentence):
            continue
        if _read_sentence(" ".join(masked.unmask(sentence).split()), expect).value != statement.value:
            return False
    return True


def _boxed(contents: list[str]) -> Statement:
    distinct = _distinct([_BOX_LIST.sub(", ", c) for c in contents])
    if len(distinct) == 1:
        return Statement(distinct[0], Rule.BOXED, values=tuple(distinct))
    return Statement(", ".join(distinct), Rule.BOXES, f"{len(distinct)} boxed values, read as a set", tuple(distinct))


def _read_solution(s: str, boxes: list[tuple[int, int, str]], expect: str) -> Statement:
    """A long block: the sentence after its last "answer is", else its last group of boxes, else the
    last of its final sentences that states a value."""
    masked = _Masked(s)
    phrases = list(_ANSWER_PHRASE.finditer(masked.text))
    if phrases and (not boxes or len(masked.unmask(masked.text[: phrases[-1].start()])) > boxes[-1][0]):
        end = _SENTENCE_END.search(masked.text, phrases[-1].end())
        sentence = masked.unmask(masked.text[phrases[-1].start() : end.start() if end else len(masked.text)])
        statement = _read_sentence(" ".join(sentence.split()), expect)
        if statement.rule is not Rule.NONE:
            return statement
    if boxes:
        return _boxed(_last_box_group(s, boxes))
    sentences = [x for x in _SENTENCE_END.split(masked.text) if x and x.strip()]
    for sentence in reversed(sentences[-_FINAL_SENTENCES:]):
        statement = _read_sentence(" ".join(masked.unmask(sentence).split()), expect)
        if statement.rule is not Rule.NONE:
            return statement
    return Statement(None, Rule.NONE, "no value found in the text")


def _read_sentence(sentence: str, expect: str) -> Statement:
    """One sentence: hedges first (uncertainty, negation, alternatives), then the option, the bare maths
    after the copula, else the values it states (one is the answer, several a list)."""
    masked = _Masked(sentence)
    text = masked.text.rstrip(" .!")
    if expect == "yes_no":
        return _yes_no_after_rejection(text) or _read_yes_no(_without_rejection(text))
    text = _without_justification(_without_setting(text, expect), expect)
    hedge = _HEDGE_WORDS.search(text) or _EITHER_WORDS.search(_predicate(text))
    if hedge:
        return Statement(None, Rule.HEDGE, f"uncertain ({hedge.group(0).lower()})")
    if expect == "letter":
        letter = _read_letter(text)
        if letter is not None:
            return letter
    predicate = _predicate(text)
    negation = _NEGATION.search(predicate)
    if negation:
        return Statement(None, Rule.HEDGE, f"negation ({negation.group(0).lower()})")
    bound = _BOUND.search(predicate)
    if bound:
        return Statement(None, Rule.HEDGE, f"a bound, not a value ({' '.join(bound.group(0).lower().split())})")
    fractions = NUMBER_WORD.sub(lambda m: " " if any(map(m.group, FRACTION_GROUPS)) else m.group(0), predicate)
    operation = _OPERATION.search(fractions)
    if operation:
        return Statement(None, Rule.NONE, f"a word that changes the value ({operation.group(0).lower()})")
    either = _EITHER.search(text)
    subject_end = len(text) - len(predicate) if text.endswith(predicate) else 0
    if either and len(stated := _values(text, masked, labels=True, words_from=subject_end)) > 1:
        return Statement(None, Rule.HEDGE, f"{_count(stated)} values {', '.join(stated)}", tuple(stated))
    if (other := other_working(masked.unmask(predicate).strip(" .,;"))) is not None:
        return Statement(None, Rule.HEDGE, f"another value in parentheses ({other})")
    bare = restated_value(masked.unmask(predicate).strip(" .,;"))
    if bare and not _PROSE_WORD.search(_SPAN_REF.sub(" ", predicate)) and re.search(r"[\d\x01]", predicate):
        return Statement(bare, Rule.PROSE, values=(bare,))
    values = _values(predicate, masked, labels=False)
    if not values and predicate is not text:
        values = _values(text, masked, labels=True)
        predicate = text
    if not values:
        return Statement(None, Rule.NONE, "no value found in the sentence")
    if len(values) == 1:
        return Statement(values[0], Rule.PROSE, values=tuple(values))
    if _ALTERNATIVE.search(_SPAN_REF.sub(" ", predicate)):
        return Statement(None, Rule.HEDGE, f"{_count(values)} values {', '.join(values)}", tuple(values))
    return Statement(", ".join(values), Rule.PROSE, f"{_count(values)} values, read as a list", tuple(values))


def _without_justification(text: str, expect: str = "value") -> str:
    """The sentence up to a clause that justifies or describes a value already stated (``The value of x
    is 7, which is greater than 5.``, ``… is 7 because 3 + 4 = 7``, ``7 apples, 3 of which are red``,
    ``The answer is B, since A (3) is too small.``): that clause's values are not the answer. A leading
    ``Since 3 + 4 = 7, …`` is kept: nothing is stated before it. The clause is not discarded unread: the claims
    reader reads it for its stance, and one that calls another value right, a candidate or the answer (``B, since
    option D is also right``) offers a second value (:func:`.claims._justifying_claims`)."""
    text = _without_rejection(text)
    for clause in _JUSTIFICATION.finditer(text):
        before = text[: clause.start()]
        if re.search(r"[\d\x01]", before) or NUMBER_WORD.search(before):
            return before
        if expect == "letter" and (_OPTION_NAMED.search(before) or _OPTION_LETTER.search(_predicate(before))):
            return before
    return text


_SETTING = re.compile(
    r"^\s*(?:after|before|among|amongst|of|since|because|given|from|out\s+of|with|in|for|by|using|considering)\b"
    r"[^,;:]{0,200}?,\s*(?=\S)",
    re.IGNORECASE,
)
"""A phrase that opens a sentence and sets its scene (``After removing 3 of the 10 apples,``, ``Among the 12
students,``, ``Since 5 is neither 3 nor 7,``): its numbers and words are the working's, not what the sentence
states. Conditions (``if``, ``when``) are not settings: they make the answer conditional."""


_SCENE_OFFERS = re.compile(
    r"\b(?:both|satisf(?:y|ies|ied|ying)|match(?:es|ed|ing)?|in\s+case|(?:one|another|the\s+other|first|second)\s+"
    r"(?:count|case|part|reading|way|interpretation|convention))\b",
    re.IGNORECASE,
)
"""In an opening phrase, words that offer its value as an answer (``Since 8 satisfies the equation,``, ``Because
both 7 and 8 fit,``) or make the answer one of several cases (``In case it is 8,``, ``By one count 8,``)."""


def scene(text: str) -> re.Match[str] | None:
    """The opening phrase that sets the sentence's neutral scene (``After removing 3 of the 10 apples,``), whose
    values are the working's; None where there is none, or where the phrase endorses, doubts or offers a value or
    makes a case of it (``Since 8 is also right,``, ``Since 8 matches,``, ``In case it is 8,``)."""
    setting = _SETTING.match(text)
    if setting is None or ENDORSING.search(setting.group(0)) or _HEDGE_WORDS.search(setting.group(0)):
        return None
    if _SCENE_OFFERS.search(setting.group(0)) or LIKELY & {
        w.lower() for w in re.findall(r"[A-Za-z]+", setting.group(0))
    }:
        return None
    return setting


def _without_setting(text: str, expect: str) -> str:
    """The sentence after an opening phrase that sets its scene (:func:`scene`), when what follows states a value
    of the answer's kind (``…, 7 remain``, ``…, B``); else the sentence as it is, read whole."""
    setting = scene(text)
    if setting is None:
        return text
    rest = text[setting.end() :]
    if expect == "letter":
        found = _OPTION_NAMED.search(rest) or _OPTION_LETTER.search(rest)
    else:
        found = re.search(r"[\d\x01]", rest) or NUMBER_WORD.search(rest)
    return rest if found else text


def _without_rejection(text: str) -> str:
    """The sentence without a clause at its end that rejects one other value (``B, not D``, ``Yes, not no``): it
    commits to the value before it. Rejecting that same value (``7, not 7``) denies it: kept, read as a negation; a
    value that only ends with the rejected one (``12, not 2``, ``-2, not 2``) is another."""
    rejection = _REJECTION.search(text)
    if rejection is None or not _one_value(rejection.group("value")):
        return text
    if _ends_with(text[: rejection.start()], rejection.group("value")):
        return text
    return text[: rejection.start()]


def _ends_with(text: str, value: str) -> bool:
    """Whether ``text`` ends with the value ``value``, not just its last digits (``12`` does not end with ``2``)."""
    kept = re.sub(r"[*_`$()]", "", text).rstrip().casefold()
    bare, said = _bare(kept), _bare(value)
    if not bare.endswith(said):
        return False
    at, left = len(kept), len(said)
    while left:
        at -= 1
        left -= not kept[at].isspace()
    return at == 0 or kept[at - 1].isspace() or not re.match(r"[\w.^}\\-]", kept[at - 1])


def _bare(text: str) -> str:
    return re.sub(r"[\s*_`$()]", "", text).casefold()


def _one_value(text: str) -> bool:
    """One value and no words: a number, maths, an option letter, yes or no (``8``, ``13 cm``, ``x^2 - 1``, ``D``),
    not ``8 but 9``, ``8 or 9``, ``sure``."""
    text = text.strip(" ()*_`")
    if re.fullmatch(r"[A-Z]", text) or text.lower() in YES_NO:
        return True
    return re.search(r"[\d\\\x01]", text) is not None and _PROSE_WORD.search(text) is None


def _count(values: list[str]) -> str:
    return "two" if len(values) == 2 else str(len(values))


def _predicate(text: str) -> str:
    """What the sentence says after its last copula ("is", "=", ":", "so" ...) outside maths and remarks, else all
    of it; a remark in parentheses (``(12 per box × 3 boxes)``, ``(the other two sides are 6 and 8)``) or after
    "i.e." is not what it states."""
    outside = _REMARK.sub(lambda remark: " " * len(remark.group(0)), text)
    last = None
    for match in _COPULA.finditer(outside):
        last = match
    predicate = text if last is None or not outside[last.end() :].strip() else text[last.end() :]
    without_remarks = _REMARK.sub(" ", predicate)
    return without_remarks if without_remarks.strip() else predicate


def _values(text: str, masked: _Masked, labels: bool, words_from: int = 0) -> list[str]:
    """LaTeX spans and numbers in ``text``, in order and without repeats; with ``labels``, spans that
    only name something (``$n$``, ``$AB$``) are left out, as the subject of the sentence. Number words before
    ``words_from`` count things in the subject (``The gap between two adjacent grid lines is 50.``)."""
    found: list[tuple[int, str]] = []
    for m in _SPAN_REF.finditer(text):
        span = masked.spans[int(m.group(1))]
        if not (labels and _LABEL_SPAN.match(span)):
            found.append((m.start(), span))
    rest = _SPAN_REF.sub(lambda m: " " * len(m.group(0)), text)
    for m in _NUMBER.finditer(rest):
        found.append((m.start(), m.group(0).strip()))
    if _ALTERNATIVE.search(rest) or not found:
        found.extend((at, word) for at, word in _number_words(rest) if at >= words_from)
    found.sort()
    return _distinct([v for _, v in found])


def _number_words(text: str) -> list[tuple[int, str]]:
    """Number words with their offsets, as digits: ``four`` -> ``4``, ``seven hundred`` -> ``700``."""
    return [(m.start(), number_word_value(m)) for m in NUMBER_WORD.finditer(text)]


_YES_NO_REJECTED = re.compile(r"[,;]\s*(?:(?:and|but)\s+)?not\s+[*_`]*(?:yes|no|true|false)\b", re.IGNORECASE)


def _yes_no_after_rejection(text: str) -> Statement | None:
    """``Yes, not no. `No`.``: a rejection that does not end the text, with both answers said beside it, is a hedge
    (the first answer said is read only where nothing rejects one: ``Yes, there are no red balls``)."""
    rejected = _YES_NO_REJECTED.search(text)
    if rejected is None or _without_rejection(text) != text:
        return None
    rest = text[: rejected.start()] + text[rejected.end() :]
    if len({YES_NO[w.lower()] for w in _YES_NO_WORD.findall(rest)}) > 1:
        return Statement(None, Rule.HEDGE, "yes and no")
    return None


def _read_yes_no(text: str) -> Statement:
    said = [YES_NO[w.lower()] for w in _YES_NO_WORD.findall(text)]
    if not said:
        return Statement(None, Rule.NONE, "neither yes nor no")
    if len(set(said)) > 1:
        first = _YES_NO_WORD.match(text.lstrip(" *"))
        if first is None or _BOTH_ANSWERS.match(text.lstrip(" *")):
            return Statement(None, Rule.HEDGE, "yes and no")
        return Statement(YES_NO[first.group(1).lower()], Rule.YES_NO)
    return Statement(said[0], Rule.YES_NO)


def _read_letter(text: str) -> Statement | None:
    """The option a sentence names: ``Option D: 8 m``, ``The right choice is C.``, ``hence the answer is A``."""
    named = {m.group(1).upper() for m in _OPTION_NAMED.finditer(text)}
    predicate = _predicate(text)
    bare = {m.group(1) for m in _OPTION_LETTER.finditer(predicate)} - {"I"}
    letters = named | bare if named else bare
    if len(letters) > 1:
        return Statement(None, Rule.HEDGE, f"several options {', '.join(sorted(letters))}")
    if letters:
        return Statement(letters.pop(), Rule.OPTION)
    return None
