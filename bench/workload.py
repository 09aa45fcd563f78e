"""A deterministic, realistic StepGRPO workload: groups of 4 R1-VL-format completions per prompt.

Group ``i`` of seed ``s`` depends only on ``(s, i)``, so any slice of the stream can be regenerated
on its own and never repeats (caches keyed on completion text get no free hits, as in training).

Each group comes from one of several problem templates with random values (geometry, circles,
angles, areas with decimals, probability fractions, bar-chart reading, linear equations, discounts,
trigonometry, yes/no checks); a quarter of the numeric ones are posed as multiple choice. The
reference carries ~8 key-step groups of 1-3 alternatives. The 4 completions are drawn from four
kinds: ``genuine`` (right reasoning and answer), ``wrong`` (a typical slip, wrong answer),
``partial`` (some steps skipped, answer right or wrong) and ``malformed`` (missing section,
misnumbered steps, truncated at the token limit, answer before the last step, no step headers).
Completions are padded with varied prose to 1.0-1.3 KB. Exponents stay at 2 or 3: nothing here can
send sympy into a power tower.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from fractions import Fraction

from .problems import Problem, num
from .problems_geometry import t_angles, t_circle, t_pythagoras, t_rectangle, t_trig, t_yes_no
from .problems_numbers import t_bar_chart, t_discount, t_linear, t_probability

KINDS = ("genuine", "wrong", "partial", "malformed")
KIND_WEIGHTS = (0.40, 0.25, 0.20, 0.15)
GROUP_SIZE = 4
LENGTH_RANGE = (1000, 1300)


@dataclass
class Group:
    index: int
    template: str
    answer_type: str
    reference: dict
    completions: list[str]
    kinds: list[str] = field(default_factory=list)

    def wire(self) -> dict:
        return {"group_id": f"g{self.index}", "reference": self.reference, "completions": self.completions}


# ---------------------------------------------------------------- the prose completions are padded with

GENERIC_DESCRIPTION = [
    "The figure is drawn with thin black lines on a white background.",
    "All labels are printed next to the corresponding parts of the figure.",
    "There is no grid or scale bar, so lengths must be read from the labels.",
    "The question text is printed below the figure.",
    "Nothing else in the image appears to be relevant to the question.",
    "The drawing is not necessarily to scale.",
    "Some labels are slightly rotated but still legible.",
    "A caption under the image restates the question in words.",
]
GENERIC_RATIONALE = [
    "I will extract the given quantities from the image first, then apply the relevant rule.",
    "Finally I will check that the result is consistent with the figure.",
    "The answer should be given in the form the question asks for.",
    "It is important not to rely on how the figure looks, only on the stated values.",
    "Each intermediate result will be written out so it can be verified.",
    "The problem tests whether the right relationship is chosen, not just arithmetic.",
]
GENERIC_STEP = [
    "This value will be used in the next step.",
    "Let me double-check the arithmetic before moving on.",
    "So far everything agrees with the information in the figure.",
    "This is consistent with the picture.",
    "Keeping the exact form avoids rounding errors.",
    "Nothing else needs to be computed here.",
]


TEMPLATES = (
    t_pythagoras,
    t_circle,
    t_angles,
    t_rectangle,
    t_probability,
    t_bar_chart,
    t_linear,
    t_discount,
    t_trig,
    t_yes_no,
)
MULTIPLE_CHOICE_TEMPLATES = {"pythagoras", "circle", "angles", "rectangle", "linear", "trig", "discount"}


def as_multiple_choice(r: random.Random, pb: Problem) -> Problem:
    """Pose the problem with options A-D; the reference answer becomes the letter."""
    options = [pb.value, pb.wrong_value]
    base = pb.value
    for delta in ("+2", "x2", "+5", "-1"):
        if len(options) == 4:
            break
        try:
            v = Fraction(base.replace("°", ""))
            cand = num(v + 2 if delta == "+2" else v * 2 if delta == "x2" else v + 5 if delta == "+5" else v - 1) + (
                "°" if "°" in base else ""
            )
        except (ValueError, ZeroDivisionError):
            cand = {"+2": f"2{base}", "x2": f"4{base}", "+5": f"{base}+1", "-1": f"\\frac{{{base}}}{{2}}"}[delta]
        if cand not in options:
            options.append(cand)
    r.shuffle(options)
    letters = "ABCD"
    choices = {letters[i]: o for i, o in enumerate(options)}
    right = letters[options.index(pb.value)]
    wrong = letters[options.index(pb.wrong_value)]
    pb.choices = choices
    pb.answer = right
    pb.answer_type = "choice"
    pb.said = [right, f"({right})", f"{right}. {pb.value}", f"{right}: {pb.value}"]
    pb.wrong_said = [wrong, f"({wrong})", f"{wrong}. {pb.wrong_value}"]
    pb.rationale = pb.rationale + ["The options are " + "; ".join(f"({k}) {v}" for k, v in choices.items()) + "."]
    return pb


# ---------------------------------------------------------------- rendering completions


def render(
    description,
    rationale,
    steps,
    final,
    *,
    numbers=None,
    rationales_header=True,
    step_headers=True,
    answer_before_last=False,
) -> str:
    numbers = numbers or list(range(1, len(steps) + 1))
    out = ["### Image Description:\n" + " ".join(description) + "\n"]
    if rationales_header:
        out.append("### Rationales:\n" + " ".join(rationale) + "\n")
    out.append("### Let's think step by step.\n")
    answer = f"### The final answer is: {final}" if final is not None else None
    for i, (n, s) in enumerate(zip(numbers, steps, strict=True)):
        if answer_before_last and answer is not None and i == len(steps) - 1:
            out.append(answer + "\n")
        out.append((f"### Step {n}:\n" if step_headers else "") + s + "\n")
    if answer is not None and not answer_before_last:
        out.append(answer)
    return "".join(out)


def pad(r: random.Random, description, rationale, steps, final, target: int, **kw) -> tuple[list, list, list]:
    """Add varied prose until the completion reaches ``target`` characters (without passing 1.3 KB)."""
    description, rationale, steps = list(description), list(rationale), list(steps)
    fillers = (
        [(0, s) for s in GENERIC_DESCRIPTION] + [(1, s) for s in GENERIC_RATIONALE] + [(2, s) for s in GENERIC_STEP]
    )
    r.shuffle(fillers)
    length = len(render(description, rationale, steps, final, **kw))
    for where, sentence in fillers:
        if length >= target:
            break
        if length + len(sentence) + 1 > LENGTH_RANGE[1]:
            continue
        if where == 0:
            description.append(sentence)
        elif where == 1:
            rationale.append(sentence)
        elif steps:
            i = r.randrange(len(steps))
            steps[i] = steps[i] + " " + sentence
        length += len(sentence) + 1
    return description, rationale, steps


def completion(r: random.Random, pb: Problem, kind: str) -> str:
    target = r.randint(*LENGTH_RANGE)
    if kind == "genuine":
        final = r.choice(pb.said)
        d, ra, st = pad(r, pb.description, pb.rationale, pb.steps, final, target)
        return render(d, ra, st, final)
    if kind == "wrong":
        final = r.choice(pb.wrong_said)
        d, ra, st = pad(r, pb.description, pb.rationale, pb.wrong_steps, final, target)
        return render(d, ra, st, final)
    if kind == "partial":
        steps = list(pb.steps)
        for _ in range(r.randint(1, max(1, len(steps) - 2))):
            if len(steps) > 1:
                steps.pop(r.randrange(len(steps)))
        final = r.choice(pb.said) if r.random() < 0.6 else r.choice(pb.wrong_said)
        d, ra, st = pad(r, pb.description, pb.rationale, steps, final, target)
        return render(d, ra, st, final)
    defect = r.choice(("no_rationales", "misnumbered", "truncated", "answer_before_last", "no_step_headers"))
    final = r.choice(pb.said) if r.random() < 0.7 else r.choice(pb.wrong_said)
    steps = pb.steps if r.random() < 0.7 else pb.wrong_steps
    if defect == "no_rationales":
        d, ra, st = pad(r, pb.description, pb.rationale, steps, final, target, rationales_header=False)
        return render(d, ra, st, final, rationales_header=False)
    if defect == "misnumbered":
        numbers = list(range(1, len(steps) + 1))
        if len(numbers) > 1:
            j = r.randrange(1, len(numbers))
            numbers[j:] = [n + 1 for n in numbers[j:]]
        else:
            numbers = [2]
        d, ra, st = pad(r, pb.description, pb.rationale, steps, final, target, numbers=numbers)
        return render(d, ra, st, final, numbers=numbers)
    if defect == "answer_before_last":
        d, ra, st = pad(r, pb.description, pb.rationale, steps, final, target, answer_before_last=True)
        return render(d, ra, st, final, answer_before_last=True)
    if defect == "no_step_headers":
        d, ra, st = pad(r, pb.description, pb.rationale, steps, final, target, step_headers=False)
        return render(d, ra, st, final, step_headers=False)
    # truncated: the completion hit the token limit in the middle of the reasoning
    d, ra, st = pad(r, pb.description, pb.rationale, steps, final, target)
    text = render(d, ra, st, final)
    steps_at = text.find("### Step 1:")
    cut = r.randint(steps_at + 20, max(steps_at + 21, text.find("### The final answer is:") - 1))
    return text[:cut]


def key_steps_wire(r: random.Random, groups: list[list[str]]):
    """Key steps in the forms data sets use: a list of groups, ``{"Steps": ...}``, or its JSON string."""
    u = r.random()
    if u < 0.7:
        return groups
    if u < 0.9:
        return {"Steps": groups}
    return json.dumps({"Steps": groups})


def make_group(seed: int, index: int) -> Group:
    r = random.Random(f"stepgrpo-bench/{seed}/{index}")
    template = TEMPLATES[r.randrange(len(TEMPLATES))]
    pb = template(r)
    if pb.template in MULTIPLE_CHOICE_TEMPLATES and r.random() < 0.25 and pb.wrong_value != pb.value:
        pb = as_multiple_choice(r, pb)
    groups = pb.key_steps
    if len(groups) > 8 and r.random() < 0.5:
        groups = [g for i, g in enumerate(groups) if i != r.randrange(len(groups))]
    reference = {"answer": pb.answer, "key_steps": key_steps_wire(r, groups)}
    if pb.choices:
        reference["choices"] = pb.choices
    kinds = r.choices(KINDS, weights=KIND_WEIGHTS, k=GROUP_SIZE)
    return Group(index, pb.template, pb.answer_type, reference, [completion(r, pb, k) for k in kinds], kinds)


class Workload:
    """An endless, deterministic stream of groups; :meth:`take` hands out fresh ones each call."""

    make = staticmethod(make_group)
    """Group ``i`` of a seed (subclasses swap in another workload's)."""

    def __init__(self, seed: int = 0, start: int = 0):
        self.seed = seed
        self.cursor = start

    def take(self, n_groups: int) -> list[Group]:
        out = [self.make(self.seed, i) for i in range(self.cursor, self.cursor + n_groups)]
        self.cursor += n_groups
        return out


def request_body(profile: str, groups: list[Group]) -> bytes:
    return json.dumps({"profile": profile, "groups": [g.wire() for g in groups]}, ensure_ascii=False).encode("utf-8")


def describe(groups: list[Group]) -> dict:
    """Summary statistics of a sample of the workload."""
    from collections import Counter

    lengths = [len(c.encode("utf-8")) for g in groups for c in g.completions]
    n_key = []
    for g in groups:
        ks = g.reference["key_steps"]
        ks = json.loads(ks) if isinstance(ks, str) else ks
        ks = ks["Steps"] if isinstance(ks, dict) else ks
        n_key.append(len(ks))
    return {
        "groups": len(groups),
        "trajectories": len(lengths),
        "bytes_mean": sum(lengths) / len(lengths),
        "bytes_min": min(lengths),
        "bytes_max": max(lengths),
        "in_range": sum(LENGTH_RANGE[0] <= x <= LENGTH_RANGE[1] for x in lengths) / len(lengths),
        "key_groups_mean": sum(n_key) / len(n_key),
        "kinds": Counter(k for g in groups for k in g.kinds),
        "templates": Counter(g.template for g in groups),
        "answer_types": Counter(g.answer_type for g in groups),
    }
