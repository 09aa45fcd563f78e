"""The batch rates every adapter reports, read from a response's ``stats.rates`` (docs/contract.md).

Standard library only: the server reads it too (OpenRLHF's ``extra_logs``), and the server does not install the
client's httpx.
"""

from __future__ import annotations

HEDGES = (
    "negated",
    "uncertain",
    "bounded",
    "conditional",
    "alternative",
    "second_value",
    "hedged_sentence",
    "sections",
)
CHECKS = (
    "complete",
    "no_repeated_sections",
    "section_order",
    "step_numbering",
    "answer_after_steps",
    "reference_headers",
    "reference_answer_after_steps",
    "reference_step_numbering",
)
REASONS = ("repeated", "enumerated", "contradicted", "named_without_use", "negated")
RATES = (
    "hedge_rate",
    "unread_rate",
    *(f"hedge_{k}" for k in HEDGES),
    *(f"invalid_{c}" for c in CHECKS),
    *(f"uncredited_{r}" for r in REASONS),
    "zero_std_groups",
)
"""The batch rates every adapter reports, always all of them (trainers log a fixed set of columns): shares of the
scored completions (``uncredited_*``: key steps per scored completion; ``zero_std_groups``: share of groups)."""


def batch_rates(response: dict) -> dict[str, float]:
    """The response's ``stats.rates`` (docs/contract.md) as :data:`RATES`, 0.0 where nothing was counted."""
    rates = (response.get("stats") or {}).get("rates") or {}
    flat = {"hedge_rate": rates.get("hedge", 0.0), "unread_rate": rates.get("unread", 0.0)}
    for prefix, key, names in (("hedge", "hedges", HEDGES), ("invalid", "validity_failures", CHECKS)):
        flat.update({f"{prefix}_{n}": float((rates.get(key) or {}).get(n, 0.0)) for n in names})
    flat.update({f"uncredited_{r}": float((rates.get("key_steps_uncredited") or {}).get(r, 0.0)) for r in REASONS})
    flat["zero_std_groups"] = float(rates.get("zero_std_groups", 0.0))
    return {k: float(flat[k]) for k in RATES}
