"""A text reference (``red``, ``Ben``, ``right triangle``) stated inside a sentence.

Models answer open questions in sentences: ``The ball is red.``, ``Ben has the most votes.``, ``This process is
called photosynthesis.`` Exact text comparison calls all of them wrong, which teaches a policy to drop the sentence
rather than to be right. Finding the reference anywhere in the sentence would pay hedges and lists instead, so the
reference must sit where a sentence states its answer, with nothing taking it back:

- position: alone, or at the end of a clause right after a copula, preposition or modal (``… is red``, ``… points
  to the left``, ``… is on Tuesday``, ``… will increase``; one modifier after a copula: ``is dark red``), allowing a
  trailing ``in the image``; or at the start of a clause followed by a verb (``Ben has …``, ``Red is …``). Only
  these places count, so an object (``The dog chases the cat``) is not an answer and stacking candidates
  (``red blue green``) pays at most the last one;
- refused: negated in its clause (``not red``, ``a dog, not a cat``), alternatives (``or``, ``either``, ``vs``),
  coordinated with another word (``red and blue``, ``red/blue``), compared against (``bigger than the cat``),
  listed (``red, blue``), restated with another value (``The ball is red. The ball is blue.``), one of several
  subjects described (``Ben has 3 votes and Anna has 5``), or any uncertainty (``probably``, ``might``).

The rules are written for English; they err towards wrong (``Paris, France`` reads as a list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .vocabulary import (
    ALTERNATIVE,
    ANCHOR_WORDS,
    ANSWER_VERBS,
    ARTICLES,
    COMPARISONS,
    CONTRASTS,
    COORDINATORS,
    COPULA_WORDS,
    FILLER,
    GENERIC_NOUNS,
    JUSTIFYING_TEXT,
    LEADS,
    NAMING_WORDS,
    NEGATION,
    NEGATION_TEXT,
    PLACES,
    PREPOSITIONS,
    PRONOUNS,
    SUBJECT_VERBS,
    UNCERTAIN,
    UNCERTAIN_TEXT,
)

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[/&+]")
_BREAK = r"[;!?]|\.(?!\d)|,|\s[-–—]\s|\n|\b(?:" + "|".join(CONTRASTS) + r")\b"
_JUSTIFY = r"\b(?:" + "|".join(JUSTIFYING_TEXT) + r")\b"
_SPLIT = re.compile(f"({_BREAK}|{_JUSTIFY})", re.IGNORECASE)
_SPLIT_AND = re.compile(f"({_BREAK}|{_JUSTIFY}|\\band\\b)", re.IGNORECASE)
_JUSTIFIES = re.compile(_JUSTIFY, re.IGNORECASE)
_UNCERTAIN = UNCERTAIN | UNCERTAIN_TEXT | {"either"}
_NEGATIONS = NEGATION | NEGATION_TEXT
_ALTERNATIVES = ALTERNATIVE | {"nor"}
_ANCHORS = COPULA_WORDS | NAMING_WORDS | ANCHOR_WORDS | ANSWER_VERBS
_FUNCTION_WORDS = ARTICLES | _NEGATIONS | LEADS | _ANCHORS | SUBJECT_VERBS | PRONOUNS | FILLER


@dataclass(frozen=True)
class _Clause:
    words: list[str]
    justifies: bool
    """Introduced by ``because``, ``since``, ``which`` …: it explains a value, it does not state the answer."""


def phrase_verdict(stated: str, reference: str) -> tuple[bool, str]:
    """Whether ``stated`` states the text ``reference`` in a sentence, and why (for the explanation)."""
    wanted = _words(reference)
    if not any(len(word) > 1 for word in wanted):
        return False, "a one-letter reference must be stated alone"
    named = " ".join(wanted)
    sentences = _clauses(stated, _SPLIT)
    uncertain = sorted({word for clause in sentences for word in clause.words} & _UNCERTAIN - set(wanted))
    if uncertain:
        return False, f"uncertain ({uncertain[0]})"
    for clause in sentences:
        for start in _occurrences(clause.words, wanted):
            refusal = _refusal(clause.words, start, len(wanted), set(wanted))
            if refusal:
                return False, refusal
    clauses = _clauses(stated, _SPLIT if "and" in wanted else _SPLIT_AND)
    answer = next((clause for clause in clauses if not clause.justifies and _states(clause.words, set(wanted))), None)
    if answer is None:
        return False, "no clause states a value"
    frames = (_answer_frame(answer.words, start, len(wanted)) for start in _occurrences(answer.words, wanted))
    frame = next((found for found in frames if found is not None), None)
    if frame is None:
        return False, f"{named!r} is not what the sentence states"
    others = [clause.words for clause in clauses if clause is not answer]
    if any(bare and _is_bare_value(bare) and bare != wanted for bare in map(_without_leads, others)):
        return False, "a list of values"
    if any(_restates(other, frame, len(wanted)) for other in others):
        return False, "another sentence states a different value in the same place"
    if frame[1] and any(_subject(other) not in (None, wanted) for other in others):
        return False, "the sentence describes several subjects"
    return True, f"{named!r} stated in a sentence"


def _clauses(stated: str, split: re.Pattern[str]) -> list[_Clause]:
    parts = split.split(stated)
    clauses = []
    for index in range(0, len(parts), 2):
        words = _words(parts[index])
        breaker = parts[index - 1] if index else ""
        if words:
            clauses.append(_Clause(words, bool(_JUSTIFIES.fullmatch(breaker.strip()))))
    return clauses


def _words(text: str) -> list[str]:
    tokens = _TOKEN.findall(text.casefold().replace("’", "'"))
    return [token for token in tokens if token not in ARTICLES]


def _occurrences(clause: list[str], wanted: list[str]) -> list[int]:
    width = len(wanted)
    return [i for i in range(len(clause) - width + 1) if clause[i : i + width] == wanted]


def _refusal(clause: list[str], start: int, width: int, own: set[str]) -> str | None:
    """Why this occurrence of the reference is not stated as the answer, if something takes it back; the
    reference's own words (``invalid``, ``neither``) do not take it back."""
    words = set(clause) - own
    if words & _NEGATIONS or any(word.endswith("n't") for word in clause):
        return "the sentence negates it"
    alternatives = sorted(words & _ALTERNATIVES)
    if alternatives:
        return f"alternatives ({alternatives[0]})"
    before = clause[start - 1] if start > 0 else None
    after = clause[start + width] if start + width < len(clause) else None
    if before in COORDINATORS or after in COORDINATORS:
        return f"listed with another value ({before if before in COORDINATORS else after})"
    compared = sorted(set(clause[:start]) & COMPARISONS)
    if compared:
        return f"compared against ({compared[0]})"
    return None


def _answer_frame(clause: list[str], start: int, width: int) -> tuple[list[str], list[str]] | None:
    """The words around the reference when it stands where a sentence states its answer: (what comes before,
    empty) at the end of a clause, (empty, what comes after) at its start before a verb; None elsewhere."""
    tail = _without_place(_without_contrast(clause[start + width :]))
    head = _without_leads(clause[:start])
    if tail and len(tail) == 1 and tail[0] in GENERIC_NOUNS and head:
        tail = []
    if not tail:
        return (head, []) if _anchored(head) else None
    return ([], tail) if not head and tail[0] in SUBJECT_VERBS else None


def _without_place(words: list[str]) -> list[str]:
    """Without a trailing ``in the image`` / ``in color``: where the value is seen, not another value."""
    for size in (2, 3):
        if len(words) >= size and words[-size] in ("in", "on") and words[-1] in PLACES:
            return words[:-size]
    return words


def _without_contrast(words: list[str]) -> list[str]:
    """Without a trailing ``rather than …`` / ``instead of …``: what the value is set against."""
    for index in range(len(words) - 1):
        if (words[index], words[index + 1]) in (("rather", "than"), ("instead", "of")):
            return words[:index]
    return words


def _states(clause: list[str], own: set[str]) -> bool:
    """Whether a clause states some value (ends in one after a copula or preposition, or a name of up to three
    words right after one: ``plays for the Boston Red Sox``; or names a subject that does something), as opposed
    to a lead-in such as ``Looking at the chart`` or ``Therefore``."""
    words = _without_place(_without_contrast(_without_leads(clause)))
    if not words or words[-1] in PLACES or words[-1] in _FUNCTION_WORDS - own:
        return False
    if _anchored(words[:-1]) or _subject(words) is not None:
        return True
    return any(len(words) > size and words[-size - 1] in _ANCHORS for size in (2, 3))


def _anchored(head: list[str]) -> bool:
    """Nothing, a copula, preposition or modal right before the value, or a copula and one modifier (``is dark
    red``) that is not a verb form (``is chasing the cat`` states what is chased, not the answer)."""
    if not head or head[-1] in _ANCHORS or head[-1].endswith("'s"):
        return True
    modifier_after_copula = len(head) >= 2 and (head[-2] in _ANCHORS or head[-2].endswith("'s"))
    name_after_preposition = len(head) >= 3 and head[-3] in PREPOSITIONS and head[-2] not in _FUNCTION_WORDS
    verb_form = head[-1].endswith(("ing", "ed")) or (name_after_preposition and head[-2].endswith(("ing", "ed")))
    return (modifier_after_copula or name_after_preposition) and not verb_form


def _without_leads(words: list[str]) -> list[str]:
    while words and words[0] in LEADS:
        words = words[1:]
    return words


def _subject(clause: list[str]) -> list[str] | None:
    """The named subject of a clause that starts ``<one or two words> <verb>`` (``Anna has 5 votes``)."""
    words = _without_leads(clause)
    for size in (1, 2):
        if len(words) > size and words[size] in SUBJECT_VERBS:
            subject = words[:size]
            return None if set(subject) & _FUNCTION_WORDS else subject
    return None


def _restates(clause: list[str], frame: tuple[list[str], list[str]], width: int) -> bool:
    """``The ball is red. The ball is blue.``: the same frame around another short value."""
    head, tail = frame
    rest = len(clause) - len(head or tail)
    if not 0 < rest <= width + 1:
        return False
    return clause[: len(head)] == head if head else clause[-len(tail) :] == tail


def _is_bare_value(clause: list[str]) -> bool:
    """A clause that is a value of its own (``blue`` in ``red, blue``): a second answer."""
    return len(clause) <= 3 and not set(clause) & _FUNCTION_WORDS
