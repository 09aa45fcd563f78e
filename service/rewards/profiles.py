"""Profiles are data: each names the rule it uses for every part of the reward.

The scorer has two whole rule sets, not one rule per part to mix: the structured rules (sections, the extracted
answer judged softly, key steps matched softly, the stuffing guard) and the R1-VL reference code's (header
checks, the whole text against the answer, substring key steps, neither guard nor fuzzy matching). A profile
names one of them part by part, as /v1/info publishes it; any other combination is refused when the profile
is made, naming the fields, instead of failing on the first completion scored.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

STRUCTURED_RULES = ("structured", "extracted_soft", "soft")
REFERENCE_RULES = ("reference_headers", "reference_whole_text", "reference_substring")
"""(validity_rule, answer_rule, key_step_rule) of each rule set the scorer has."""


class Profile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str
    validity_rule: Literal["structured", "reference_headers"]
    answer_rule: Literal["extracted_soft", "reference_whole_text"]
    key_step_rule: Literal["soft", "reference_substring"]
    bonus_without_answer: bool = Field(description="Pay alpha*k even when no final answer is stated.")
    stuffing_guard: bool
    fuzzy_threshold: float | None = Field(
        None, description="Per-word rapidfuzz ratio for fuzzy phrases; None turns fuzzy matching off."
    )

    @model_validator(mode="after")
    def _one_rule_set(self) -> Self:
        rules = (self.validity_rule, self.answer_rule, self.key_step_rule)
        if rules not in (STRUCTURED_RULES, REFERENCE_RULES):
            raise ValueError(
                f"validity_rule, answer_rule, key_step_rule {rules} mix two rule sets: the scorer has "
                f"{STRUCTURED_RULES} and {REFERENCE_RULES}"
            )
        if self.reference_rules and (self.stuffing_guard or self.fuzzy_threshold is not None):
            raise ValueError("stuffing_guard, fuzzy_threshold: the reference rules have no guard and no fuzzy matching")
        return self

    @property
    def reference_rules(self) -> bool:
        """Whether the R1-VL reference code's rules score (else the structured ones)."""
        return self.validity_rule == REFERENCE_RULES[0]


STEPGRPO = Profile(
    name="stepgrpo",
    description=(
        "The paper's StepGRPO with true soft matching: structured validity, the extracted final answer "
        "judged by cheap checks then math-verify, key steps matched up to normalisation, numeric and "
        "equation equivalence and fuzzy phrases, with a guard against key-step stuffing."
    ),
    validity_rule="structured",
    answer_rule="extracted_soft",
    key_step_rule="soft",
    bonus_without_answer=False,
    stuffing_guard=True,
    fuzzy_threshold=85.0,
)

R1VL_REFERENCE = Profile(
    name="r1vl-reference",
    description=(
        "Reproduces the R1-VL reference code: literal header checks, math-verify over the whole "
        "completion with an exact-string fallback, lower-case substring key steps, bonus paid "
        "without an answer."
    ),
    validity_rule="reference_headers",
    answer_rule="reference_whole_text",
    key_step_rule="reference_substring",
    bonus_without_answer=True,
    stuffing_guard=False,
    fuzzy_threshold=None,
)

PROFILES: dict[str, Profile] = {p.name: p for p in (STEPGRPO, R1VL_REFERENCE)}
DEFAULT_PROFILE = STEPGRPO.name
