"""The words the key-step stance reader (:mod:`.assertion`) reads, built from the answer reader's vocabulary
(:mod:`.vocabulary`) so the two agree on what a sentence states, and the word-level readings of a step's tokens
(its doubts said in words, its suppositions about an operation).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from .text import STEP_BREAK, is_number
from .vocabulary import (
    CONDITIONAL,
    DOUBT,
    INDIRECT_QUESTION,
    NEGATION,
    NEGATION_TEXT,
    QUESTION,
    SECOND_THOUGHTS,
    TRUTH,
    UNCERTAIN,
    UNCERTAIN_PHRASES,
    word_pattern,
)

STANCES = (
    "negated (not)",
    "refuted (wrong)",
    "doubted (maybe)",
    "asked (?)",
    "quoted, not stated",
    "a rejected hypothesis (suppose … false)",
    "a hypothesis never confirmed (if)",
    "answered no",
)
"""Every reason :meth:`Assertions.why_not` gives, each with an example of the words it quotes in parentheses."""

VERDICT_WORDS = frozenset({"wrong", "incorrect", "false", "invalid"})
VERDICTS = (NEGATION & VERDICT_WORDS) | frozenset(
    "untrue impossible absurd contradiction contradicts contradict contradictory rejected reject rejects mistake "
    "mistaken erroneous inconsistent fails".split()
)
"""Words that judge a statement false: the answer reader's verdicts (:data:`.vocabulary.NEGATION`) and more a
step uses on a statement (``leads to a contradiction``, ``is impossible``)."""
NEGATIONS = (
    (NEGATION - VERDICTS)
    | (NEGATION_TEXT - {"without"})
    | frozenset("isn aren wasn weren doesn don didn won wouldn couldn shouldn hasn haven hadn ain nope".split())
)
"""Words that negate what they stand before or after: the answer reader's (:mod:`.vocabulary`), and the ``n't``
words as :func:`.text.tokens` spells them (``isn't`` -> ``isn``, ``can't`` -> ``can`` ``t``)."""
SUPPOSITIONS = (CONDITIONAL - {"depending", "provided"}) | frozenset(
    "assume guess try trying say hypothetically imagine".split()
)
"""Words that offer a statement as a hypothesis rather than assert it (the answer reader's conditionals)."""
HYPOTHESES = SUPPOSITIONS - {"say", "guess"}
"""Suppositions that leave a statement open until the step confirms it (``say`` also reports: ``we can say that``;
``guess`` is a doubt)."""
DOUBT_PHRASES = frozenset(tuple(p.split()) for p in UNCERTAIN_PHRASES)
"""The answer reader's doubts of two words (``could be``, ``may be``, ``not sure``: a negation after a statement
refutes it only with a truth word, so ``AB = 6 (I'm not sure)`` is read as the doubt it is)."""
DOUBT_HEADS = frozenset(head for head, *_ in DOUBT_PHRASES)
QUOTE = '"'
"""Quotes of every kind, as :func:`.text.tokens` writes them."""
CONCLUSIONS = frozenset("so thus hence therefore but".split())
"""A question after one of these asks nothing about what comes before it (``AB = 6, so is BC = 8?``)."""
QUESTION_OPENERS = frozenset("= are does do did could can would should will has have must might may".split())
"""A clause opening with one of these asks its sentence as a whole (``Is AB = 6, BC = 8?``; ``is`` reads ``=``)."""
CLAUSE_STARTS = frozenset({",", ";", ":"})
TAG_WORDS = 4
TAGS = TRUTH | NEGATIONS | frozenset({"t", "=", "that", "this"})
"""A last clause of these words asks about what comes before it (``AB = 6, right?``, ``…, isn't it?``, ``…, is that
correct?``)."""
REFERRING = frozenset({"which", "this", "that", "it"})
"""A clause opening with one of these speaks of the clause before it (``AB = 6, which is wrong``)."""
CLAUSE_BREAKS = frozenset(
    {",", ";", ":", ".", "?", "!", STEP_BREAK}
    | set("so thus hence therefore then and but since because however while whereas".split())
)
SENTENCE_BREAKS = frozenset({".", ";", "?", "!", STEP_BREAK})
INNER_BREAKS = CLAUSE_BREAKS - SENTENCE_BREAKS
MODALS = frozenset({"might", "could", "may"})
CHECKABLE = frozenset({"wait"})
"""The second thought a check answered yes withdraws (``…, but wait, let me verify: … Yes.``)."""
VERIFYING = frozenset("verify verifying check checking recheck confirm confirming".split())
"""Words that open a check of what the step said (``let me verify: 36 + 64 = 100``)."""
BARE_VERDICT_WORDS = 2
"""A clause this short right after a statement that ends with a verdict or ``no`` rejects it (``AC = 10, no.``,
``AC = 10: totally wrong.``); a longer one says something else (``…, so the first guess was wrong``)."""
BARE_NO = frozenset({"no", "nope"})
CANCELLING = NEGATIONS | frozenset({"nothing", "nobody", "neither"})
"""A word before a verdict or a doubt in its clause that turns it into confidence (``no mistake``, ``nothing wrong``,
``which is not wrong``, ``This is not a guess.``, ``None of this is uncertain.``)."""
CANCELLABLE = VERDICTS | frozenset({"guess", "guessing", "unsure"})
"""The stances a negation before them turns (with the doubts of :data:`.vocabulary.DOUBT`): not a modal or an adverb
(``None of these may be right.``, ``Not all of this is probably right.`` doubt)."""
"""A sentence without numbers or symbols that ends with one of these, or holds a verdict, is a bare verdict on the
sentence before it (``No.``, ``That is wrong.``); words before it (``Hmm, no.``) change nothing."""


STEP_DOUBTS = (
    r"(?:none|nothing|neither)\s+(?:of\s+)?(?:\S+\s+){0,3}?(?:=|are|were|was)\s+(?:\S+\s+)?"
    r"(?:certain|sure|verified|proven|confirmed|checked|right|correct|true|valid)",
    "guesses",
)
"""Doubts a step says of what it stated besides the answer reader's (``None of this is certain.``, ``Nothing here is
right.``, ``Guesses:``)."""
DOUBTS_SAID = word_pattern((), DOUBT + STEP_DOUBTS)
"""The answer reader's doubts said in words (:data:`.vocabulary.DOUBT`: ``not confident``, ``may be wrong``, ``just a
guess``), read over the stream's words as :func:`words_of` spells them back (``can't``, ``double-check``)."""
DOUBT_SAID_WORDS = frozenset(
    "uncertain unverified double either possible guess guesses unsure might can t nothing".split()
)
DOUBT_GATE = NEGATIONS | DOUBT_HEADS | DOUBT_SAID_WORDS
"""A word every doubt of :data:`.vocabulary.DOUBT` holds: a stream without one is not searched for them."""
LIST_SEPARATORS = frozenset({",", ";", "and"})
"""What joins the items of a list of statements (line breaks and list markers read as ``;``)."""
NOT_CONTINUING = QUESTION_OPENERS | frozenset("what how why when who whom whose".split())
"""A clause opening with one of these asks a question of its own (``AB = 6; is BC = 8?``): it starts a list."""
CONSEQUENT_TAKING = frozenset({"if", "assuming", "supposing", "provided"})
"""Suppositions whose condition a comma may close (``If AB = 6, AC = 10``: the last item of a list with no ``and``
is the consequent); ``suppose``, ``assume`` govern all they open."""
PRONOUNS = frozenset({"we", "you", "i", "one"})
OPERATIONS = frozenset(
    "square squaring add adding multiply multiplying subtract subtracting divide dividing sum combine compare apply "
    "use cube double halve compute calculate substitute".split()
)
"""``If we square AB = 6 and BC = 8 …``: a condition on an operation the step then does, not a supposition about
what it operates on."""
REFERENTS = frozenset(
    "this these that those it them all any everything anything above previous preceding whole step steps work "
    "reasoning values value numbers results result calculations calculation computations statements".split()
)
DISOWNING = (
    REFERENTS
    | NEGATIONS
    | VERDICTS
    | TRUTH
    | UNCERTAIN
    | frozenset(
        "= i m am we me my our you are was be been being may might could would should can t of in on about with for "
        "at so far really very quite totally completely entirely fully honestly frankly still yet just but though "
        "however hmm well okay ok actually now indeed clearly to a need needs please check double checked mistaken "
        "off rough estimate did do does have has had nothing here".split()
    )
)
"""The only words a sentence that takes back the statements before it may hold (``I'm not confident in any of
this.``, ``These may be wrong.``, ``Not sure about all of it.``): one that names anything else (``I'm not sure this
generalises.``) doubts that, not them."""
DISOWNING_MARKS = frozenset({",", ":", "-", "=", '"', "…", "!"})
LABELLING = (
    DISOWNING
    | DISOWNING_MARKS
    | frozenset("; the answer answers here s following side sides length lengths leg legs hypotenuse".split())
    | frozenset({"measures", "measurements"})
)
"""The words a label before a list's ``:`` may hold for its doubt to be about the list (``Perhaps the answer is
these:``, ``Here's my guess:``, ``Maybe the lengths are:``); one that names anything else (a method, ``the key
facts``) is what it doubts."""
COLLECTIVE = frozenset("these those them all any everything above".split())
"""A verdict on these takes back all the step said before it (``All of the above is wrong.``); a bare verdict answers
only the sentence before it (``AB = 6? No.``)."""

TRIGGERS = (
    NEGATIONS | VERDICTS | UNCERTAIN | DOUBT_HEADS | HYPOTHESES | INDIRECT_QUESTION | DOUBT_SAID_WORDS | SECOND_THOUGHTS
) | {
    "t",
    QUESTION,
    QUOTE,
}
"""Without one of these a stream can deny nothing."""


def words_of(toks: list[str]) -> tuple[str, list[int]]:
    """The stream's words as text, with what :func:`.text.tokens` split put back (``can't``, ``double-check``,
    ``100%``), and where each token starts in it."""
    parts: list[str] = []
    offsets: list[int] = []
    at = 0
    for i, t in enumerate(toks):
        glue = " "
        if i and ((t == "t" and toks[i - 1][0].isalpha()) or t in {"-", "%"} or toks[i - 1] == "-"):
            glue = "'" if t == "t" else ""
        if i:
            parts.append(glue)
            at += len(glue)
        offsets.append(at)
        parts.append(t)
        at += len(t)
    return "".join(parts), offsets


INTENDING = re.compile(r"(?:\b(?:i|we)|\blet\s+(?:me|us))\s+$")
"""``I should double-check``, ``We need to double-check this``: the writer's intention to check (which the step may go
on to do), not a doubt of what it said; ``This should be double-checked`` is one."""
INTENTIONS = frozenset({"should", "need", "needs"})
CHECKED = re.compile(
    r"\b(?:i|we)\s+(?:have\s+|ve\s+|just\s+|already\s+|also\s+)*(?:double[-\s]?|re-?)?(?:checked|verified|confirmed)\b"
)
"""``…, but we double checked``: a check done, which answers a doubt before it in its sentence."""


def checks_done(toks: list[str]) -> list[int]:
    """Where each check the writer says was done (:data:`CHECKED`) starts in the stream."""
    if "checked" not in toks and "verified" not in toks and "confirmed" not in toks:
        return []
    text, offsets = words_of(toks)
    return [bisect_right(offsets, m.start()) - 1 for m in CHECKED.finditer(text)]


def doubts_said(toks: list[str]) -> dict[int, tuple[str, int]]:
    """Where each doubt of :data:`.vocabulary.DOUBT` starts in the stream: its words and its length in tokens; an
    intention to check (:data:`INTENDING`) is none."""
    if DOUBT_GATE.isdisjoint(toks):
        return {}
    text, offsets = words_of(toks)
    said: dict[int, tuple[str, int]] = {}
    for m in DOUBTS_SAID.finditer(text):
        if m.group(0).split()[0] in INTENTIONS and INTENDING.search(text, max(0, m.start() - 12), m.start()):
            continue
        first = bisect_right(offsets, m.start()) - 1
        last = bisect_left(offsets, m.end())
        said[first] = (m.group(0), last - first)
    return said


def verdict_stands(toks: list[str]) -> bool:
    """Whether a verdict in ``toks`` stands: no :data:`CANCELLING` word before it in its clause (``That is wrong.``,
    not ``None of the above is wrong.``)."""
    cancelled = False
    for t in toks:
        if t in CLAUSE_STARTS:
            cancelled = False
        elif t in CANCELLING:
            cancelled = True
        elif t in VERDICTS and not cancelled:
            return True
    return False


def operating(toks: list[str], i: int) -> bool:
    """``if we square …``: a supposition about an operation (:data:`OPERATIONS`), not about a statement."""
    return i + 2 < len(toks) and toks[i + 1] in PRONOUNS and toks[i + 2] in OPERATIONS


def doubt_phrase(toks: list[str], i: int) -> bool:
    """``could be``, ``may be``: the answer reader's doubts of two words, starting at ``i``."""
    return toks[i] in DOUBT_HEADS and i + 1 < len(toks) and (toks[i], toks[i + 1]) in DOUBT_PHRASES


def negates(toks: list[str], i: int) -> bool:
    """A negation that is not about the number right after it (``not 7``); ``can't`` is ``can`` ``t``."""
    tok = toks[i]
    if tok == "t":
        return i > 0 and toks[i - 1] == "can"
    if tok not in NEGATIONS:
        return False
    return not (i + 1 < len(toks) and is_number(toks[i + 1]))
