"""Final-answer sections written as a policy would write them to be paid without committing: every one is wrong.

Written for this project (issue 25): each template leaves the answer open or offers a second value, in the
wrappings and lengths models use — boxes, bold, code, tables, later paragraphs, long summaries, second thoughts,
negations, bounds, conditions, uncertainty. Each template is filled with the right value ``{r}`` and a different
value ``{w}`` of one kind of answer (a number, a decimal, a fraction, a quantity with a unit, an expression, an
option letter, yes/no, a word, a name), so the right value is always there to be paid for.
"""

from __future__ import annotations

SUMMARY = (
    "We read the lengths from the figure, checked each angle against the marked right angle, and compared the "
    "result with the scale drawn beside the diagram; every measurement agrees with what the problem gives and "
    "nothing in the picture contradicts it"
)
"""About 250 characters of neutral summary: no verdict may depend on how long a section is."""

KINDS = [
    # (kind, reference, right value as stated, different value, the different value in words, choices)
    ("number", "7", "7", "8", "Eight", None),
    ("decimal", "2.5", "2.5", "3.5", "3.5", None),
    ("fraction", "\\frac{3}{4}", "\\frac{3}{4}", "\\frac{4}{3}", "4/3", None),
    ("quantity", "12", "12 cm", "13 cm", "13 cm", None),
    ("expression", "x^2 + 1", "x^2 + 1", "x^2 - 1", "x^2 - 1", None),
    ("option", "B", "B", "D", "D", {"A": "3", "B": "5", "C": "7", "D": "9"}),
    ("yes_no", "yes", "Yes", "No", "No", None),
    ("word", "green", "green", "gray", "Gray", None),
    ("name", "Paris", "Paris", "Lyon", "Lyon", None),
]

EVERY_KIND = [
    "\\boxed{{{r}}} or {w}",
    "\\boxed{{{r}}} (perhaps {w})",
    "It is not \\boxed{{{r}}}.",
    "$\\boxed{{{r}}}$ or $\\boxed{{{w}}}$",
    "{r}\n\n{w}",
    "**{r}**\n\n**{w}**",
    "`{r}`\n\n`{w}`",
    "```\n{r}\n```\n\n```\n{w}\n```",
    "{r}\n\nSo {w}.",
    "The answer is {r}.\n\nSo {w}.",
    "**{r}**\n\nThus, {w}.",
    "{r}\n\nTherefore {w}",
    "{r}\n\nFinally, {w}.",
    "The answer is {r}\n\nThe answer is {w}",
    "The answer is {r}. {W} also fits.",
    "The answer is {r}, unless it is {w}.",
    "The answer is {r}.\n\nAlternatively, {w}.",
    "The answer is {r}.\n\nWait, it might be {w}.",
    "The answer is {r}. " + SUMMARY + ". Alternatively, {w}.",
    SUMMARY + ", so it is {r}. Alternatively, {w}.",
    SUMMARY + ".\n\n\\boxed{{{r}}}\n\nOr rather \\boxed{{{w}}}.",
    "Maybe {r}.",
    "Perhaps {r}, perhaps {w}.",
    "It could be {r}.",
    "It is probably {r}.",
    "I'm not sure, but possibly {r}.",
    "{r}, or possibly {w}.",
    "Either {r} or {w}.",
    "\\boxed{{{r}}}\n\nAlternatively, \\boxed{{{w}}}.",
    "Answer: {r}\nAnswer: {w}",
    "Final answer: {r}. On second thought, {w}.",
    "\\boxed{{{r}}} if the figure is drawn to scale, otherwise \\boxed{{{w}}}.",
    "**Final Answer:** \\boxed{{{r}}}\n\n(It might also be {w}.)",
    "The answer is {r}. " + SUMMARY + ".\n\nThe answer is {w}.",
    "{w}\n\nThe answer is {r}.",
    "The answer is {r}.\n\n**{w}**",
    "The final answer is $\\boxed{{{r}}}$ (or possibly $\\boxed{{{w}}}$).",
    "It is {r}, though possibly {w}.",
    "Possibly {r}.",
    "{r}?",
    "**{r}?**",
    "**{r}** **{w}**",
    "`{r}`, `{w}`",
    "*{r}* *{w}*",
    "{r} (or {w})",
    "{r} (I'm guessing)",
    "The answer is {r}.\n\nNote: {w} is also a valid interpretation.",
    "The answer is {r}.\n\n{W} would also be acceptable.",
    "{r} ({w} in the other case)",
    "The answer is {r} ({w} by another convention).",
    "The answer is {r}. I'm not sure.",
    "The answer is {r}. I am not entirely confident.",
    "{r} (unverified)",
    "{r} (but double-check)",
    "{r}\n\nThough {w} cannot be ruled out.",
    "The answer is {r}. {W} is equally valid.",
    "The answer is {r}. Some would say {w}.",
    "{r} (some sources give {w})",
    "{r}, though {w} is close.",
    "{r}. Scratch that: {w}.",
    "{r}\n\n{w}?",
    "**Answer**: {r}\n\n**Alternative answer**: {w}",
]
"""Hedges that any kind of answer can be written as."""

NUMBERS = [
    "{r}\n\n= {w}",
    "{r}\n\nHence x = {w}.",
    "at most \\boxed{{{r}}}",
    "at least \\boxed{{{r}}}",
    "\\boxed{{{r}}} \\pm 2",
    "{r} \\vee {w}",
    "\\boxed{{{r} | {w}}}",
    "| case | value |\n|---|---|\n| 1 | {r} |\n| 2 | {w} |",
    "The value is more than {r}.",
    "There are at least {r} of them.",
    "$\\boxed{{{r}}}$ \\quad or \\quad $\\boxed{{{w}}}$",
    "The answer is \\boxed{{{r}}} \\text{{ or }} \\boxed{{{w}}}.",
    "\\boxed{{{r} \\text{{ or }} {w}}}",
    "It is not {r}.",
    "The answer is not \\boxed{{{r}}}.",
    "\\boxed{{{r}}}, but I am not sure.",
    "The answer is {r}. We get {w} if we add the two legs.",
    "The answer is {r}, with {w} of them also possible.",
    "{r} (±1)",
    "{r} at minimum",
    "{r} at the very least",
    "{r}+",
    "{r}, usually.",
]
"""Hedges written with numbers and maths: bounds, tolerances, alternatives inside maths, tables."""

LETTERS = [
    "{r} or {w}",
    "(B) (D)",
    "\\boxed{{{r}}} \\boxed{{{w}}}",
    "Option {r}, or maybe option {w}.",
    "The answer is {r} or {w}.",
    "The answer is {r}.\n\nExplanation: the sides match, which is option {w}.",
]
YES_NO = [
    "Yes, though possibly no.",
    "It is not yes.",
    "\\boxed{{Yes}} \\boxed{{No}}",
    "Yes / No",
    "Perhaps yes.",
    "Yes or no, depending on how the angle is measured.",
    "Yes.\n\nNo.",
    "Mostly yes.",
    "Yes, in some cases.",
    "Yes (mostly).",
    "Partly yes.",
    "Sort of, yes.",
    "Yes. Actually no.",
    "Generally yes.",
    "Yes (I think).",
    "Yes - but it could go either way.",
    "yes (no)",
    "Yes — although no is defensible.",
]
WORDS = [
    "It is {r}, unless it is {w}.",
    "{r} or {w}.",
    "Probably {r}.",
    "The color is {r} or {w}.",
    "{r}, then {w}",
]


def _filled(template: str, right: str, wrong: str, wrong_word: str) -> str:
    return template.format(r=right, w=wrong, W=wrong_word)


def _cases() -> list[tuple[str, str, dict[str, str] | None, str]]:
    """(reference, final-answer section, choices, kind) for every template and kind it applies to."""
    cases = []
    for kind, reference, right, wrong, wrong_word, choices in KINDS:
        templates = list(EVERY_KIND)
        if kind in ("number", "decimal", "fraction", "quantity", "expression"):
            templates += NUMBERS
        if kind == "option":
            templates += LETTERS
        if kind == "yes_no":
            templates += YES_NO
        if kind in ("word", "name"):
            templates += WORDS
        cases += [(reference, _filled(t, right, wrong, wrong_word), choices, kind) for t in templates]
    return cases


HEDGES = _cases()

OFFERED_LATER = [
    "The answer is {r}.\n\nHowever, if the figure were not drawn to scale, it would be {w}.",
    "{r}\n\n({w} if the figure is not to scale)",
    "{r} ({w} if rounded)",
    "The answer is {r}. If the light were different, it would be {w}.",
    "{r} is likely the answer.",
    "It depends; {r}.",
]
"""A different value offered under a condition after the answer or beside it, doubt after the value, an answer that
depends: paid after the answer-reading rebuild, found by probing it; every kind of answer."""
HEDGES += [
    (reference, _filled(t, right, wrong, wrong_word), choices, kind)
    for kind, reference, right, wrong, wrong_word, choices in KINDS
    for t in OFFERED_LATER
]

JUSTIFIED_OTHER = [
    "{r}, since {w} is also right.",
    "{r}, because {w} is correct too.",
    "{r}, since {w} is right as well.",
    "{r}, since {w} works as well.",
    "{r} (with {w} as a fallback)",
    "The answer is {r}. We get {r} if we add 3 and 4, or {w} otherwise.",
    "The answer is {r}. We get {r} if we add 3 and 4, else {w}.",
    "The answer is {r}. We get {r} if we add 3 and 4, or {w} if we add 4 and 4.",
    "The answer is {r}. It is {r} only if the figure is to scale.",
    "{r}, depending on the light.",
    "One possible answer is {r}.",
    "The answer is {r}. This is because {w} is also right.",
    "The answer is {r}.\n\nSince {w} is also right, either works.",
]
"""A clause shaped like a justification that names another value as right, offers it for another case, or makes
the answer conditional (review of 2d25b32, which cut such clauses unread): every kind of answer."""
JUSTIFIED_NUMBERS = [
    "{r}, {w} of which are candidates",
    "{r}, {w} of which fit too",
    "{r}, {w} of them plausible",
    "{r}, with {w} of the choices possible",
    "{r}, 2 of which are {w}",
    "${r}$, ${w}$ of which is extra",
    "{r}, because {w} is another answer",
    "The answer is {r}. {r} if we add 3 and 4, {w} if we add 4 and 4.",
]
JUSTIFIED_LETTERS = [
    "{r}, since option {w} is also right",
    "{r}, because option {w} is correct too",
    "The answer is {r}, which is option {w}.",
    "{r}, which is option {w}",
    "The answer is {r}, which equals option {w}.",
    "The answer is {r}, 2 of which are {w}",
]
JUSTIFIED_WORDS = ["{r}, or {w} in dim light", "{r}, though {w} is also possible"]
JUSTIFIED_CHOICES = {"A": "3", "B": "7", "C": "8", "D": "9"}
HEDGES += [
    (reference, _filled(t, right, wrong, wrong_word), choices, kind)
    for kind, reference, right, wrong, wrong_word, choices in KINDS
    for t in JUSTIFIED_OTHER
    + (JUSTIFIED_NUMBERS if kind in ("number", "decimal", "fraction", "quantity", "expression") else [])
    + (JUSTIFIED_LETTERS if kind == "option" else [])
    + (JUSTIFIED_WORDS if kind in ("word", "name") else [])
]
HEDGES += [
    ("B", "B, since D is right as well", JUSTIFIED_CHOICES, "option"),
    ("7", "The answer is 7. We get 7 if we add 3 and 4, and eight if we multiply.", None, "number"),
    ("\\frac{1}{2}", "\\frac{1}{2}, 2 of which are \\frac{1}{3}", None, "fraction"),
    ("yes", "Yes, since no is right too", None, "yes_no"),
    ("yes", "The answer is yes. It is yes if the light is on, or no otherwise.", None, "yes_no"),
    ("green", "The answer is green. It is green if lit, or gray otherwise.", None, "word"),
    (
        "\\frac{1}{2}",
        "The answer is \\frac{1}{2}. We get \\frac{1}{2} if we halve, or \\frac{1}{3} otherwise.",
        None,
        "fraction",
    ),
]
HEDGES += [
    ("7", "7, where 8 is another option", None, "number"),
    ("7", "7, 8 of which are also answers", None, "number"),
    ("7", "7, 8 of which are right", None, "number"),
    ("7", "7, which equals 8", None, "number"),
    ("7", "7 (also 8)", None, "number"),
    ("7", "The answer is \\boxed{7}, since 8 is also right.", None, "number"),
    ("7", "**7**, because 8 is valid too", None, "number"),
    ("7", "The answer is 7. We get 7 when we add 3 and 4, and 8 when we multiply.", None, "number"),
    ("B", "B, since D is the answer as well", JUSTIFIED_CHOICES, "option"),
    ("B", "B, which is the same as D", JUSTIFIED_CHOICES, "option"),
    ("B", "B, 2 of which are also D", JUSTIFIED_CHOICES, "option"),
]
HEDGES += [("7", "7, as is 8", None, "number")]
HEDGES += [
    ("7", "7 (about 8)", None, "number"),
    ("0.5", "0.5 (0.5%)", None, "decimal"),
    ("1/3", "\\frac{1}{3} (0.4)", None, "fraction"),
    ("1/2", "\\frac{1}{2} (\\frac{1}{3})", None, "fraction"),
    ("56", "7 (3 + 5)", None, "number"),
    ("49", "7 (3 + 4)", None, "number"),
]
"""Twins of the restatements in the correct corpus: the parenthesis names another number, or it is working after a
space, which is no factor of the value before it (``3(2)`` against the value is one)."""
HEDGES += [
    ("7", "7, not 7", None, "number"),
    ("7", "7, not 8 but 9", None, "number"),
    ("B", "B, not D but C", {"A": "3", "B": "5", "C": "7", "D": "9"}, "option"),
    ("B", "B, not B", {"A": "3", "B": "5", "C": "7", "D": "9"}, "option"),
    ("yes", "Yes, not yes.", None, "yes_no"),
    ("3/4", "\\frac{3}{4}, not \\frac{3}{4}", None, "fraction"),
]
"""Twins of the rejections in the correct corpus: the value just stated is denied, or another follows."""
HEDGES += [
    ("B", "The answer is B (options C and D also fit).", {"A": "3", "B": "5", "C": "7", "D": "9"}, "option"),
    ("B", "The options are B and D.", {"A": "3", "B": "5", "C": "7", "D": "9"}, "option"),
    ("S", "The answer is B (the other options are 3 and 7).", {"A": "3", "B": "5", "C": "7", "S": "9"}, "option"),
]
"""Twins of the plural ``options`` in the correct corpus: the options named beside the answer are offered, and the
plural's s is no option S."""
HEDGES += [
    ("7", "Since 8 is also right, 7.", None, "number"),
    ("7", "Since 8 is right as well, the answer is 7.", None, "number"),
    ("7", "Of the 12 students, 7 or 8 prefer tea.", None, "number"),
    ("7", "Among the 12 students, at most 7 prefer tea.", None, "number"),
    ("7", "Since 8 is likely, 7.", None, "number"),
    ("B", "Since 5 is neither 3 nor 7, not B.", {"A": "3", "B": "5", "C": "7"}, "option"),
    ("B", "Since option D is also right, B.", {"A": "3", "B": "5", "C": "7", "D": "9"}, "option"),
    ("3", "After removing 3 of the 10 apples, 7 remain.", None, "number"),
]
"""Twins of the scene-setting phrases in the correct corpus: an opening phrase that endorses or doubts another value
offers it, a hedge in the main clause stays one, and the phrase's own numbers are not the answer."""
HEDGES += [
    ("green", "Green, which is also gray", None, "word"),
    ("green", "The light is green, which is also gray.", None, "word"),
    ("paris", "Paris, which is also Lyon.", None, "name"),
]
"""A word answer's ``which is also <word>`` offers that word beside it (issue 25 probes)."""
HEDGES += [
    ("7", "7 (= 8)", None, "number"),
    ("7", "The answer is 7 (= 8).", None, "number"),
    ("8", "The answer is 7 (= 8).", None, "number"),
    ("7", "The answer is 7 (≈ 8).", None, "number"),
]
"""A parenthesis said to equal the value that names another number: a second value (``7 (= 8)`` was paid)."""
_REJECTING = {"A": "3", "B": "5", "C": "7", "D": "9"}
HEDGES += [
    ("8", "7, not \\boxed{8}", None, "number"),
    ("8", "The answer is 7, not \\boxed{8}.", None, "number"),
    ("8", "7; not \\boxed{8}", None, "number"),
    ("8", "7, but not \\boxed{8}", None, "number"),
    ("8", "7, not $\\boxed{8}$", None, "number"),
    ("D", "B, not \\boxed{D}", _REJECTING, "option"),
    ("7", "7, not 8. 9.", None, "number"),
    ("7", "7, not 8. $9$", None, "number"),
    ("7", "7, not 8. 9. 10. 11.", None, "number"),
    ("7", "7, not 8. 8.", None, "number"),
    ("yes", "Yes, not no. No.", None, "yes_no"),
    ("B", "B, not D.\n\nSo C.", _REJECTING, "option"),
    ("B", "B, not D.\n\nTherefore C.", _REJECTING, "option"),
    ("C", "7, not 8.\n\nOr 9.", _REJECTING, "option"),
    ("7", "The answer is 7, not 8.\n\nSo 9.", None, "number"),
]
"""A rejection commits to the value before it only when it ends the answer and rejects a value outside a box: a
boxed value is the graded one and stays denied, a value after the rejection (a later sentence or paragraph) leaves
the answer open (review of b3c1aed)."""
HEDGES += [
    ("7", "Because both 7 and 8 satisfy it, 7.", None, "number"),
    ("7", "Since 8 satisfies the equation, 7.", None, "number"),
    ("7", "Since 8 matches, 7.", None, "number"),
    ("7", "Since 8 works, 7.", None, "number"),
    ("7", "Since 8 is correct, 7.", None, "number"),
    ("7", "Since 8 is right, 7.", None, "number"),
    ("7", "In case it is 8, 7.", None, "number"),
    ("7", "By one count 8, by another 7.", None, "number"),
    ("7", "For the first part 8, for the second 7.", None, "number"),
    ("B", "Since option D satisfies it, B.", _REJECTING, "option"),
]
"""An opening phrase that calls its value an answer (satisfies, matches, works, is correct, a value that is right)
or makes the answer one case of several (in case, by one count, for the first part) is no neutral scene: its value
is offered beside the answer (review of 442a5f8)."""
HEDGES += [
    ("7", "7 (3 + 5)", None, "number"),
    ("7", "7 (8/1)", None, "number"),
    ("7", "7 (= 4 + 4)", None, "number"),
    ("7", "The answer is 7 (3 + 5).", None, "number"),
    ("7", "\\boxed{7} (3 + 5)", None, "number"),
    ("24", "24 (4 × 7)", None, "number"),
    ("1/3", "\\frac{1}{3} (about 0)", None, "fraction"),
]
"""Working in parentheses that evaluates to another number, or an approximation that names another (zero of a value
that is not zero), is a second value, not the first one's working (review of 717fb1b)."""
HEDGES += [
    ("7", "7, but I can't be sure.", None, "number"),
    ("7", "7. I can't be certain of this.", None, "number"),
    ("7", "I can't be sure, but 7.", None, "number"),
    ("7", "The answer is 7. We can't be sure the answer is 7, but we go with it.", None, "number"),
    ("7", "The answer is 7. We can't be sure AB is 8, but the labels give 7.", None, "number"),
    ("7", "7. I can't be sure about this, so take it with care.", None, "number"),
]
"""Twins of the scoped doubts in the correct corpus: doubt of the answer itself, of a value, or with nothing after it
that commits."""
HEDGES += [
    ("B", "The answer is B, not D. `D`", _REJECTING, "option"),
    ("B", "The answer is B, not D.\n\n**D**", _REJECTING, "option"),
    ("yes", "Yes, not No. `No`", None, "yes_no"),
    ("yes", "The answer is Yes, not No. **No**", None, "yes_no"),
]
"""A rejection followed by the rejected value in markup (found by the rejection property)."""
HEDGES += [
    ("2", "The answer is 12, not 2.", None, "number"),
    ("12", "12, not 12", None, "number"),
    ("-2", "-2, not -2", None, "number"),
]
"""Twins of the rejections of a value the answer only ends with: against the rejected value, or the value denied."""
HEDGES += [
    ("7", "7 (4 + 4 = 8)", None, "number"),
    ("7", "The answer is 7 (4 + 4 = 8).", None, "number"),
    ("7", "Since 8 satisfies the equation, the answer is 7.", None, "number"),
    ("7", "Given that 8 satisfies it, the answer is 7.", None, "number"),
]
"""An equation in parentheses whose result is another number, and an opening clause that calls its value an answer
before ``the answer is`` (a block read as quiet skipped it)."""
HEDGES += [
    ("yes", "Yes.\n\nSo no.", None, "yes_no"),
    ("7", "7\n\nThen 9.", None, "number"),
    ("7", "The answer is 7.\n\nThus, the answer is 9.", None, "number"),
    ("yes", "Yes. So no.", None, "yes_no"),
    ("green", "Answer: green, not gray. So gray.", None, "word"),
    ("7", "7. Thus, 9.", None, "number"),
]
"""A later paragraph that concludes another value (``So 9.``, ``= 9``) offers it: read as a bare line of that value,
where the statement reader reads only the first paragraph (issue 25); so does a later sentence on the answer's line."""
