"""What the core decided for one completion, as a few codes from fixed sets: the front end counts them.

Telemetry (``/metrics``, a response's ``stats``) needs why a reward was paid for every completion, not only those
scored with ``explain``; the codes come from what scoring already decided, so they cost a tuple per completion.
Every code is one of the sets below, so a Prometheus label built from them has a bounded set of values. The hedge
kinds (the stance that left the answer open, :data:`.claims.OPEN`, a second value, a hedged sentence, or final-answer
sections that disagree) and the reasons a matched key step earned nothing are the adapters' ``HEDGES`` and
``REASONS`` (:mod:`stepgrpo_reward.rates`, standard library only): one list for the core and the trainers.
"""

from __future__ import annotations

from typing import NamedTuple

from .answers import Verdict
from .claims import OPEN
from .vocabulary import Decision, Method, Rule

OUTCOMES = ("right", "wrong", "unread", "hedge")
"""How the final answer was judged: read and right, read and wrong, nothing read, or left open (a hedge)."""
RULES = tuple(r.value for r in Rule if r is not Rule.HEDGE) + ("set", "whole_text", "exact_string", "other")
"""How a right, wrong or unread answer was read (:class:`.vocabulary.Rule`, a set of the reference's members, and
the ``r1vl-reference`` profile's two rules)."""
_REASON_CODES = {
    "repeated": "repeated",
    "enumerated": "enumerated",
    "contradicted": "contradicted",
    "unused": "named_without_use",
    "not asserted": "negated",
}
_METHOD_RULES = {
    Method.CHOICE: "option",
    Method.YES_NO: "yes_no",
    Method.RATIO: "ratio",
    Method.NAMED: "named",
    Method.SET: "set",
}
_DECISION_HEDGES = {
    Decision.SECOND_VALUE: "second_value",
    Decision.HEDGED_SENTENCE: "hedged_sentence",
    Decision.SECTIONS: "sections",
}


class Summary(NamedTuple):
    """One completion's verdict (outcome and rule), failed validity checks and uncredited key steps' reasons."""

    outcome: str
    rule: str
    failed_checks: tuple[str, ...]
    reasons: tuple[str, ...]


def verdict_codes(verdict: Verdict) -> tuple[str, str]:
    """(outcome, rule) of an answer verdict: a hedge's rule is its kind (:data:`HEDGES`)."""
    statement = verdict.statement
    if verdict.method is Method.HEDGE or (statement is not None and statement.hedge and not verdict.correct):
        if verdict.decided_by is Decision.OPEN_CLAIM:
            stance = next((c.stance for c in verdict.claims if c.stance in OPEN), None)
            return "hedge", stance.value if stance is not None else "hedged_sentence"
        return "hedge", _DECISION_HEDGES.get(verdict.decided_by, "hedged_sentence")
    if verdict.method is Method.NONE:
        return "unread", statement.rule.value if statement is not None and statement.rule.value in RULES else "none"
    rule = statement.rule.value if statement is not None else _METHOD_RULES.get(verdict.method, "other")
    return ("right" if verdict.correct else "wrong"), rule if rule in RULES else "other"


def reason_codes(reasons: list[tuple | None]) -> tuple[str, ...]:
    """The code of each uncredited key step's gaming shape, in group order."""
    return tuple(_REASON_CODES.get(why[0], "repeated") for why in reasons if why)


def failed_checks(checks) -> tuple[str, ...]:
    """The names of the validity checks that failed."""
    return tuple(c.name for c in checks if not c.passed)


def reference_codes(correct: bool, how: str, stated: str | None) -> tuple[str, str]:
    """(outcome, rule) under the ``r1vl-reference`` profile: math-verify over the whole text, or the exact header."""
    rule = "whole_text" if how == "math_verify_whole_text" else "exact_string"
    if correct:
        return "right", rule
    return ("wrong" if stated else "unread"), rule
