"""A GRPO-shaped workload: groups of 8 and 16 completions whose answers repeat, as a partially trained policy's do.

GRPO samples 8-16 completions of one prompt. A policy part way through training mostly agrees with itself:
each group has a favourite answer (right in 70% of the groups, a typical slip otherwise), stated in the
same words by most completions; a few state something else (another form of the right answer, or a wrong
one), and some are word for word a completion sampled earlier in the group (low-temperature decoding
repeats itself). Half the prompts are the typical workload's problems (:mod:`bench.workload`), half the
symbolic ones (:mod:`bench.symbolic`), where every distinct answer needs sympy. Group ``i`` depends only
on ``(seed, i)``; even groups have 8 completions, odd ones 16.
"""

from __future__ import annotations

import random
from dataclasses import replace

from .problems import Problem
from .symbolic import t_symbolic
from .workload import (
    MULTIPLE_CHOICE_TEMPLATES,
    TEMPLATES,
    Group,
    Workload,
    as_multiple_choice,
    completion,
    key_steps_wire,
)

KINDS = ("agree", "differ", "duplicate")
KIND_WEIGHTS = (0.70, 0.15, 0.15)
GROUP_SIZES = (8, 16)
RIGHT_FAVOURITE = 0.7


def _problem(r: random.Random) -> Problem:
    if r.random() < 0.5:
        return t_symbolic(r)
    pb = TEMPLATES[r.randrange(len(TEMPLATES))](r)
    if pb.template in MULTIPLE_CHOICE_TEMPLATES and r.random() < 0.25 and pb.wrong_value != pb.value:
        pb = as_multiple_choice(r, pb)
    return pb


def _stating(r: random.Random, pb: Problem, final: str, right: bool) -> str:
    """A completion that states ``final``, with the right working (some steps skipped a fifth of the time) or
    the slip's."""
    kind = "wrong" if not right else "partial" if r.random() < 0.2 else "genuine"
    return completion(r, replace(pb, said=[final], wrong_said=[final]), kind)


def make_group(seed: int, index: int) -> Group:
    r = random.Random(f"stepgrpo-bench-grpo/{seed}/{index}")
    pb = _problem(r)
    right = r.random() < RIGHT_FAVOURITE
    favourite = r.choice(pb.said if right else pb.wrong_said)
    kinds = r.choices(KINDS, weights=KIND_WEIGHTS, k=GROUP_SIZES[index % 2])
    texts: list[str] = []
    for i, kind in enumerate(kinds):
        if kind == "duplicate" and texts:
            texts.append(r.choice(texts))
        elif kind == "differ":
            other_right = r.random() < 0.5
            texts.append(_stating(r, pb, r.choice(pb.said if other_right else pb.wrong_said), other_right))
        else:
            kinds[i] = "agree"
            texts.append(_stating(r, pb, favourite, right))
    reference = {"answer": pb.answer, "key_steps": key_steps_wire(r, pb.key_steps)}
    if pb.choices:
        reference["choices"] = pb.choices
    return Group(index, pb.template, pb.answer_type, reference, texts, kinds)


class GrpoWorkload(Workload):
    """:class:`bench.workload.Workload` for GRPO-shaped groups of 8 and 16."""

    make = staticmethod(make_group)
