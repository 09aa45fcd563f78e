"""Correct final-answer sections in the styles real models write: every one must be judged right.

Append-friendly: each block below adds ``(reference, final-answer section, choices)`` cases with ``CORRECT += [...]``
and says where its cases come from. Written for this project (issue 25); the sources of styles are named per block.
"""

from __future__ import annotations

CORRECT: list[tuple[str, str, dict[str, str] | None]] = []

# ---------------------------------------------------------------- reading: where the answer stands (claims)
# Styles seen in R1-VL / Mulberry, Qwen2-VL, InternVL and GPT-4o answers to MathVista/MMMU-like questions, and in
# math models' "Final Answer" lines; written here with our own values. Each style is filled with every kind of
# answer, so every kind is read wherever the style puts it.

_SUMMARY = (
    "We read the lengths from the figure, checked each angle against the marked right angle, and compared the "
    "result with the scale drawn beside the diagram; every measurement agrees with what the problem gives"
)
_KINDS = [
    ("7", "7", None),
    ("2.5", "2.5", None),
    ("\\frac{3}{4}", "\\frac{3}{4}", None),
    ("12", "12 cm", None),
    ("x^2 + 1", "x^2 + 1", None),
    ("B", "B", {"A": "3", "B": "5", "C": "7", "D": "9"}),
    ("yes", "Yes", None),
    ("no", "No", None),
    ("green", "green", None),
    ("Paris", "Paris", None),
]
_STYLES = [
    "{r}",
    "\\boxed{{{r}}}",
    "$\\boxed{{{r}}}$",
    "**{r}**",
    "`{r}`",
    "```\n{r}\n```",
    "The answer is {r}.",
    "The final answer is $\\boxed{{{r}}}$.",
    "Answer: {r}",
    "**Answer:** {r}",
    "Final Answer: The final answer is {r}. I hope it is correct.",
    _SUMMARY + ". Therefore, the answer is {r}.",
    _SUMMARY + ".\n\nThe answer is {r}.",
    "The answer is {r}.\n\n" + _SUMMARY + ".",
    "{r}\n\nThe answer is {r}.",
    "\\boxed{{{r}}}\n\nSo the answer is {r}.",
    "**Final Answer**\n\\boxed{{{r}}}",
    "Looking at the figure carefully.\n\nThus, the answer is {r}.",
    "I first thought of another value, but checking the figure again settles it.\n</think>\nThe answer is {r}.",
    "The answer is: {r}",
    "So, the final answer is **{r}**.",
    "Final answer: \\boxed{{{r}}}\n\nThis agrees with the diagram.",
    "The answer is {r}. This agrees with every measurement in the figure.",
    "Checking the figure again confirms it.\nA: {r}",
    "Putting it together.\nAns: {r}",
    "综上所述。\n答案：{r}",
]
CORRECT += [(reference, style.format(r=stated), choices) for reference, stated, choices in _KINDS for style in _STYLES]

# ---------------------------------------------------------------- reading: the second table of issue 25
CORRECT += [
    ("60", "There were 45 boys and 15 girls, so 60 students enrolled.\nA: 60", None),
    ("60", "There were 45 boys and 15 girls, so 60 students enrolled.\nAns: 60", None),
    ("60", "There were 45 boys and 15 girls, so 60 students enrolled.\n答案：60", None),
    ("50", "The gap between two adjacent grid lines is 50.", None),
    ("4", "The distance between two neighbouring posts is 4 m.", None),
    ("3", "items that are either red or rubber: 3", None),
    ("2", "Number of objects that are either cubes or cylinders: 2", None),
    ("no", "No, the series does not converge.", None),
    ("no", "No, the two lines are not parallel.", None),
    ("yes", "(A) Yes, X is less than Y.", None),
    ("yes", "Yes, the bar for 2019 is taller than the bar for 2018.", None),
    ("6", "the median is 6. That means 12 of the 24 cards are below it.", None),
    ("6", "The median is 6. This is because 12 of the 24 values lie below it.", None),
    ("24", "24 (4 × 6)", None),
    ("24", "24, since 4 × 6 = 24", None),
    ("24", "24, because there are 4 rows of 6.", None),
    ("13", "BC = 13 (a 5-12-13 triangle)", None),
    ("10", "AC = 10 (a 6-8-10 right triangle)", None),
    ("C", 'The right option is "C."', {"A": "2", "B": "4", "C": "6", "D": "8"}),
    ("D", "The leaf edge has small teeth pointing forward.\n\nThus, the answer is D (Dentate).", None),
    ("A", "The organism makes its own food from sunlight.\n\nTherefore, the answer is A (Producer).", None),
    ("Red Sox", "The pitcher plays for the Boston Red Sox.", None),
    ("Yankees", "The batter plays for the New York Yankees.", None),
    ("yield", "This is a yield sign.", None),
    ("stop", "It is a stop sign.", None),
    ("invalid", "The argument is invalid.", None),
    ("false", "The statement is false.", None),
    ("valid", "No one is neither tall nor short, so the argument is valid.", None),
    ("kite", "The girl is holding a kite.", None),
    ("umbrella", "The man is carrying an umbrella.", None),
    ("baseball", "They are playing baseball.", None),
    ("tennis", "The woman is playing tennis.", None),
    ("cloudy", "The sky looks cloudy.", None),
    ("happy", "The child seems happy.", None),
    ("exit", "The sign says EXIT.", None),
    ("open", "The sign on the door reads OPEN.", None),
    ("horse", "The woman is riding a horse.", None),
    ("pizza", "The boy is eating pizza.", None),
    ("hat", "The man is wearing a hat.", None),
]

# ---------------------------------------------------------------- reading: restating and explaining is not hedging
CORRECT += [
    ("5", "The length of AC is 5 units.\n\nTherefore, AC = 5.", None),
    ("5", "\\boxed{5}\n\nThe hypotenuse is 5 because 3^2 + 4^2 = 25.", None),
    ("5", "AC = 5\n\nThis follows from the Pythagorean theorem with legs 3 and 4.", None),
    ("12", "The area is 12 cm², so the answer is 12.", None),
    ("12", "**12**\n\nExplanation: the rectangle is 3 by 4, so its area is 3 × 4 = 12.", None),
    ("36", "Each box holds 12 pencils and there are 3 boxes, so 36 pencils in total.", None),
    ("B", "B\n\nExplanation: AC = 5, which is option B.", {"A": "3", "B": "5"}),
    ("B", "The answer is B.\n\nOption B is the only length that fits the figure.", {"A": "3", "B": "5"}),
    ("yes", "Yes.\n\nBoth triangles share two angles, so they are similar.", None),
    ("no", "No.\n\nThe slopes are 2 and 3, so the lines meet.", None),
    ("green", "Green\n\nThe ball in the picture is green.", None),
    ("7", "The answer is 7.\n\nWe could also check this by counting the dots one by one.", None),
    ("7", "$$\n7\n$$", None),
    ("7", "The final answer is $7$.\n\n" + _SUMMARY + ".", None),
    ("7", "Answer: 7\n\n" + _SUMMARY + ", and nothing else is needed.", None),
    ("1/2", "The probability is $\\frac{1}{2}$.\n\nSo the answer is 0.5.", None),
    ("\\{1, 2\\}", "x = 1 or x = 2", None),
    ("\\{1, 2\\}", "\\boxed{1} or \\boxed{2}", None),
    ("1 \\pm \\sqrt{19}", "By the quadratic formula, $x = \\boxed{1 \\pm \\sqrt{19}}$.", None),
    ("x \\le 7", "The solution is $x \\le 7$.", None),
    ("8", "If the figure were not to scale we could not say, but it is, so the answer is 8.", None),
    ("8", "The bars never exceed 10, so the maximum is 8.", None),
]
