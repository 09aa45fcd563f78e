"""Rule-based key-step extraction from a reference solution, following the paper's instructions.

The paper asks a strong LLM for the essential elements of each step — values, equations, named
concepts, phrases of at most three words, each once. Without an LLM, the same kinds of element are
found by rules, over the ``### Step k`` texts (the only text key steps are matched against; a
solution without step headers is read sentence by sentence):

1. equations, as written (``AB = 3``, ``AC = \\sqrt{9 + 16} = 5``), their sides cut at prose words;
2. named theorems, laws and concepts (``Pythagorean theorem``, ``law of cosines``, ``hypotenuse``);
3. numbers with their quantity (``30 degrees``, ``12 cm``, ``25%``) that no equation already holds;
4. short noun phrases (runs of up to three content words between stop words and punctuation).

At most :data:`MAX_PER_STEP` elements per step, the kinds in that order, none repeated (up to the
scorer's normalisation), no concept or phrase that the question itself names. Finally the reference
solution is scored against its own key steps with the core's matcher and stuffing guard, and the
lowest-ranked elements are dropped until every group is credited: a key step the genuine solution
cannot earn would only lower every honest score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.rewards.gaming import FUNCTION_NAMES, METHOD_HEADS
from service.rewards.keysteps import CLAUSE_WORDS, StepStream, credit_matches, find_matches, prepare_alternative
from service.rewards.profiles import STEPGRPO
from service.rewards.sections import ANSWER, parse_completion
from service.rewards.text import joined, tokens

from .layouts import Record

MAX_PER_STEP = 3
MAX_PHRASE_WORDS = 3
MAX_CHAIN = 3
"""Equation chains with more members keep only their last link."""

_RAW = re.compile(r"\\[A-Za-z]+|\d+(?:[.,]\d+)*|[A-Za-z]+(?:['’]s)?|\S")
_MATH_CHARS = set("+-*/^_()[]{}|'√π°²³×·÷−–%<>!∠△$")
_FUNCTIONS = FUNCTION_NAMES | frozenset("max min lim mod pi theta alpha beta gamma cm mm km kg m g s".split())
"""Words read as maths: the core's function names, constants, Greek letters and units."""
_BREAK_WORDS = CLAUSE_WORDS | frozenset("but while when that is are was be means implies".split())
"""Words that end an equation's clause: the key-step matcher's (:data:`service.rewards.keysteps.CLAUSE_WORDS`), and
the copula and contrasts it reads as ``=`` or leaves to its stance reader."""
STOPWORDS = frozenset(
    """
a an the this that these those it its it's of in on at to for from by with without as into onto over under about between
through during before after above below up down out off than then so thus hence therefore because since if when while
where which who whom whose what how why is are was were be been being am do does did has have had can could will would
shall should may might must not no nor and or but also both either neither each every all any some such only own same
other another more most less least very just too we our us you your i me my he she they them their his her there here
let lets let's now first second third next finally step steps given find found calculate calculated compute computed
determine determined using use used get gets got gives give giving know known need needs needed shown show shows see
seen note look looking identify identified answer answers question value values figure image diagram picture problem
solution result results following follows follow therefore total equal equals equation one two three four five six seven
eight nine ten times plus minus divided multiplied per out like ask asks asked say says said based according means mean
meaning thing things way
""".split()
)
_NAMED_HEADS = "|".join(sorted(METHOD_HEADS | {"inequality", "criterion", "axiom", "equation"}))
"""The core's method nouns (:data:`service.rewards.gaming.METHOD_HEADS`) and those a reference names."""
_NAMED = re.compile(rf"\b((?:[A-Za-z]+(?:['’]s)?\s+){{0,2}}(?:{_NAMED_HEADS})s?)\b(?!\s+of\b)", re.IGNORECASE)
_NAMED_OF = re.compile(
    rf"\b((?:{_NAMED_HEADS}|sum|area|volume|perimeter|circumference) of (?:the )?[A-Za-z]+)\b", re.IGNORECASE
)
_CONCEPTS = frozenset(
    """
hypotenuse perimeter area volume circumference radius diameter chord arc tangent secant slope intercept midpoint
bisector median altitude perpendicular parallel congruent similar isosceles equilateral scalene supplementary
complementary vertical adjacent alternate corresponding inscribed central exterior interior acute obtuse right triangle
rectangle square circle trapezoid parallelogram rhombus polygon hexagon pentagon cylinder cone sphere cube prism pyramid
probability percentage ratio proportion average mean mode range sum difference product quotient derivative integral
velocity acceleration force mass density pressure energy momentum photosynthesis
""".split()
)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z\\$(])|\n+")
_VERBS = frozenset(
    "belongs belong lies lie forms form makes make represents represent shows reads read means contains contain "
    "reaches reach equals equal has have measures "
    "gets becomes become remains remain stands stand holds hold yields yield".split()
)
_QUANTITY_SUFFIX = re.compile(r"\s*(%|°|\^\s*\{?\\circ\}?|[A-Za-z]+)")


@dataclass(frozen=True)
class Element:
    text: str
    rank: int
    """0 equation, 1 named concept, 2 quantity, 3 phrase: the lower, the more essential."""
    step: int
    start: int
    order: int
    """Position among the step's candidates, best first."""


def step_texts(solution: str) -> list[str]:
    """The solution's step bodies; without step headers, the sentences before any final-answer header."""
    parsed = parse_completion(solution)
    steps = [parsed.body(s) for s in parsed.steps]
    if steps:
        return steps
    answer = next((s for s in parsed.sections if s.kind == ANSWER), None)
    prose = parsed.text[: answer.start] if answer else parsed.text
    return [s for s in _SENTENCE_BREAK.split(prose) if s.strip()]


def _is_math(tok: str) -> bool:
    if tok[0].isdigit() or tok[0] == "\\" or tok in _MATH_CHARS:
        return True
    if not tok.isalpha():
        return False
    return (len(tok) == 1 and tok not in "aI") or (tok.isupper() and len(tok) <= 5) or tok.lower() in _FUNCTIONS


def _math_at(clause: list[re.Match], i: int, neighbour: int) -> bool:
    """A maths token, or a short word glued to the maths beside it (``2ab``, ``x_{max}``)."""
    tok = clause[i].group()
    if _is_math(tok):
        return True
    a, b = sorted((clause[i], clause[neighbour]), key=lambda m: m.start())
    return tok.isalpha() and len(tok) <= 3 and a.end() == b.start() and _is_math(clause[neighbour].group())


def _clauses(text: str) -> list[list[re.Match]]:
    """Raw tokens of ``text`` cut into clauses at punctuation, line breaks and connective words."""
    clauses: list[list[re.Match]] = []
    current: list[re.Match] = []
    for m in _RAW.finditer(text):
        tok = m.group()
        ends_sentence = tok == "." and (m.end() == len(text) or text[m.end()].isspace())
        line_break = current and "\n" in text[current[-1].end() : m.start()]
        if line_break:
            clauses.append(current)
            current = []
        if (
            tok in ";:?"
            or (tok == "," and (m.end() == len(text) or text[m.end()].isspace()))
            or ends_sentence
            or tok.lower() in _BREAK_WORDS
        ):
            clauses.append(current)
            current = []
        else:
            current.append(m)
    clauses.append(current)
    return [c for c in clauses if c]


_LABEL_WORDS = frozenset("angle side segment line arc chord triangle point length measure".split())
"""Words that name a labelled object inside an expression (``angle 2 + angle BAC``)."""
_OPERATORS = frozenset("+-*/^=×÷·−")


def _member(clause: list[re.Match], i: int, inward: int) -> bool:
    """Whether token ``i`` belongs to the expression beside it (``inward`` is its neighbour on the
    equation's side): maths, or a label word whose label is that neighbour (``angle`` in ``angle 1``)."""
    if _math_at(clause, i, inward):
        return True
    return clause[i].group().lower() in _LABEL_WORDS and inward > i and _is_math(clause[inward].group())


def _equations(text: str) -> list[tuple[int, int]]:
    """Spans of equations: the expression before the first ``=`` (or one word) to the expression
    after the last. An equation cut inside an expression (an operator just outside it, or a side
    that starts or ends with one) is no equation the text states, and is left out."""
    spans = []
    for clause in _clauses(text):
        eq = [i for i, m in enumerate(clause) if m.group() == "="]
        if not eq:
            continue
        first, last = eq[0], eq[-1]
        start = first
        while start > 0 and _member(clause, start - 1, start):
            start -= 1
        if start == first:
            word = clause[first - 1].group() if first else ""
            if not word.isalpha() or (len(word) > 1 and word.lower() in STOPWORDS):
                continue
            start = first - 1
        end = last + 1
        while end < len(clause) and (_math_at(clause, end, end - 1) or _labels_next(clause, end)):
            end += 1
        if end == last + 1 or _cut(clause, start, end):
            continue
        if len(eq) > MAX_CHAIN - 1:  # a long chain: its last link, as written (``49 + 576 = 625``)
            start = eq[-2] + 1
        spans.append((clause[start].start(), clause[end - 1].end()))
    return spans


def _labels_next(clause: list[re.Match], i: int) -> bool:
    return i + 1 < len(clause) and _member(clause, i, i + 1)


def _cut(clause: list[re.Match], start: int, end: int) -> bool:
    """Whether the span ``[start, end)`` begins or ends on an operator, or one sits just outside it."""

    def operator(i: int) -> bool:
        return 0 <= i < len(clause) and clause[i].group() in _OPERATORS

    leading = clause[start].group() in _OPERATORS and clause[start].group() not in "-−"
    return leading or operator(end - 1) or operator(start - 1) or operator(end)


def _named(text: str) -> list[tuple[int, int]]:
    """``law of cosines``, ``sum of angles``; ``Pythagorean theorem`` (a head alone is no name)."""
    spans = [m.span(1) for m in _NAMED_OF.finditer(text)]
    heads = set(_NAMED_HEADS.split("|"))
    for m in _NAMED.finditer(text):
        words = [w for w in re.finditer(r"\S+", m.group(1))]
        while words and words[0].group().lower() in STOPWORDS:
            words.pop(0)
        if len(words) >= 2 or (words and words[0].group().lower().rstrip("s") not in heads):
            spans.append((m.start(1) + words[0].start(), m.end(1)))
    return spans


def _quantities(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in re.finditer(r"(?<![\w^_.\\])\$?\d+(?:[.,]\d+)*", text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if not text[line_start : m.start()].strip() and re.match(r"[.)]\s", text[m.end() : m.end() + 2]):
            continue  # a list marker
        end = m.end()
        suffix = _QUANTITY_SUFFIX.match(text, end)
        if suffix and (not suffix.group(1).isalpha() or suffix.group(1).lower() not in STOPWORDS | _BREAK_WORDS):
            spans.append((m.start(), suffix.end()))
        elif m.group().startswith("$"):
            spans.append((m.start(), end))
        # a bare number (``4`` of "angles 4 and 5", ``2`` of "Step 2") names nothing a wrong answer lacks
    return spans


def _verb_like(word: str) -> bool:
    """``marked``, ``reading``, ``belongs``: words that end a noun phrase's run rather than belong to it."""
    w = word.lower()
    return w in _VERBS or (len(w) > 4 and w.endswith(("ed", "ing")) and not _is_concept(w))


def _phrases(text: str) -> list[tuple[int, int]]:
    """Runs of one to three content words (alphabetic, 3+ letters, not stop words), as RAKE cuts them,
    with verb-like words trimmed from either end."""
    spans: list[tuple[int, int]] = []
    run: list[re.Match] = []
    for m in [*_RAW.finditer(text), None]:
        tok = m.group() if m else ""
        content = m is not None and (
            tok.isalpha() and len(tok) >= 3 and tok.lower() not in STOPWORDS and not (tok.isupper() and len(tok) <= 5)
        )
        if m is not None and content and (not run or text[run[-1].end() : m.start()].isspace()):
            run.append(m)
            continue
        while run and _verb_like(run[0].group()):
            run.pop(0)
        while run and _verb_like(run[-1].group()):
            run.pop()
        if 0 < len(run) <= MAX_PHRASE_WORDS:
            spans.append((run[0].start(), run[-1].end()))
        run = [m] if m is not None and content else []
    return spans


def _is_concept(word: str) -> bool:
    w = word.lower()
    return w in _CONCEPTS or w.rstrip("s") in _CONCEPTS


def _telling_phrases(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Phrases worth a key step — two or more words, a concept word, or a name written mid-sentence
    (``tallest bar``, ``hypotenuse``, ``Paris``) — concepts first, then longer ones, then by position."""

    def telling(span):
        words = text[span[0] : span[1]].split()
        before = text[: span[0]].rstrip(" \t")
        mid_sentence = bool(before) and not before.endswith(("\n", ".", "!", "?", ":"))
        return len(words) >= 2 or _is_concept(words[0]) or (words[0][0].isupper() and mid_sentence)

    def key(span):
        words = text[span[0] : span[1]].split()
        return (not any(map(_is_concept, words)), -len(words), span[0])

    return sorted(filter(telling, spans), key=key)


def candidates(steps: list[str]) -> list[Element]:
    """Every candidate element of every step, best first within a step."""
    found: list[Element] = []
    for s, text in enumerate(steps):
        taken: list[tuple[int, int]] = []
        per_step: list[Element] = []
        finders = (
            (0, _equations(text)),
            (1, _named(text)),
            (2, _quantities(text)),
            (3, _telling_phrases(_phrases(text), text)),
        )
        for rank, spans in finders:
            for a, b in spans:
                if any(a < y and x < b for x, y in taken):
                    continue
                taken.append((a, b))
                per_step.append(Element(" ".join(text[a:b].split()).strip(" .,;:"), rank, s, a, len(per_step)))
        found.extend(e for e in per_step if e.text)
    return found


def _canonical(text: str) -> str:
    return joined(tokens(text))


def select(elements: list[Element], question: str = "") -> list[Element]:
    """At most :data:`MAX_PER_STEP` per step, none repeating an element already taken (a number or
    phrase already inside a taken equation counts as taken), no concept or phrase the question names."""
    chosen: list[Element] = []
    keys: list[str] = []
    asked = _canonical(question)
    per_step: dict[int, int] = {}
    for e in sorted(elements, key=lambda e: (e.step, e.order)):
        key = _canonical(e.text)
        restated = e.rank in (1, 3) and key in asked  # a concept or phrase the question already names
        if not key.strip() or restated or any(key in k for k in keys) or per_step.get(e.step, 0) >= MAX_PER_STEP:
            continue
        chosen.append(e)
        keys.append(key)
        per_step[e.step] = per_step.get(e.step, 0) + 1
    return sorted(chosen, key=lambda e: (e.step, e.start))


def self_credited(steps: list[str], elements: list[Element]) -> list[Element]:
    """Drop the lowest-ranked elements until the solution's own steps earn every one (core matcher,
    ``stepgrpo`` fuzzy threshold, stuffing guard on)."""
    stream = StepStream.of(steps)
    prepared = {e.text: alt for e in elements if (alt := prepare_alternative(e.text)) is not None}
    kept = [e for e in elements if e.text in prepared]
    while kept:
        matches = find_matches([[prepared[e.text]] for e in kept], stream, STEPGRPO.fuzzy_threshold)
        credited = credit_matches(matches, stream).credited
        if all(credited):
            break
        unmatched = [e for e, m in zip(kept, matches, strict=True) if not m]
        # Not found at all: drop it. Found but not credited (part of a gaming shape): give up the least
        # essential element.
        kept.remove(max(unmatched or kept, key=lambda e: (e.rank, e.step, e.start)))
    return kept


def extract_key_steps(solution: str, question: str | None = None) -> list[list[str]]:
    """Key-step groups (one element each; ``augment`` adds equivalent forms) for a reference solution."""
    if not solution or not solution.strip():
        raise ValueError("no reference solution to extract key steps from")
    steps = step_texts(solution)
    groups = [[e.text] for e in self_credited(steps, select(candidates(steps), question or ""))]
    if not groups:
        raise ValueError(
            "no key steps found in the solution (no equation, named concept, quantity or phrase its steps "
            "earn): a bad row; write its key steps by hand or extract with --llm-url"
        )
    return groups


def _has_key_steps(record: Record) -> bool:
    return record.key_steps is not None and bool(record.clean_key_step_groups())


def rule_extract(keep_existing: bool, record: Record) -> Record:
    """The record with rule-extracted key steps (unless it has some and ``keep_existing``)."""
    if not (keep_existing and _has_key_steps(record)):
        record.key_steps = extract_key_steps(record.solution or "", record.question)
    return record


def llm_extract(endpoint, keep_existing: bool, record: Record) -> Record:
    """The record with key steps from the LLM ``endpoint`` (see :mod:`.llm`)."""
    from .llm import llm_key_steps

    if not (keep_existing and _has_key_steps(record)):
        record.key_steps = llm_key_steps(endpoint, record.solution or "")
    return record
