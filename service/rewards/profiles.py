"""Profiles are data: each names the rule it uses for every part of the reward."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
