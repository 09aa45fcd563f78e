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
    "{r}\n\nSo {r}.",
    "The answer is {r}.\n\nSo {r}.",
    "**{r}**\n\nThus, {r}.",
    "The answer is {r}.\n\nSo the answer is {r}.",
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


def _fits(style: str, choices: dict[str, str] | None) -> bool:
    """``A: B`` is ambiguous where the answer is an option (label, or option A?): that style is for other kinds."""
    return not (choices and "\nA: " in style)


CORRECT += [
    (reference, style.format(r=stated), choices)
    for reference, stated, choices in _KINDS
    for style in _STYLES
    if _fits(style, choices)
]

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

# ---------------------------------------------------------------- values: every kind of reference (issue 25, item 3)
# The blocks below are written section first: ``(section, reference, choices)``, and join CORRECT at the end.
# Written for this project, except PUBLIC: sections of published model outputs that their publishers labelled
# correct, each cited by repository, file and problem id. PENDING holds correct sections the default profile
# still misses; tests/test_corpus_correct.py requires that they stay missed, so whoever fixes one moves it into
# a block above.

Case = tuple[str, str, "dict[str, str] | None"]

ABCD = {"A": "4 m", "B": "6 m", "C": "8 m", "D": "10 m"}
ANGLES = {"A": "30°", "B": "45°", "C": "60°", "D": "90°"}
COLOURS = {"A": "red", "B": "green", "C": "blue", "D": "yellow"}
LETTER_LIKE = {"A": "(a)", "B": "(c)", "C": "(d)", "D": "(e)", "E": "(b)"}

WORKING = (
    "We place the figure on coordinates, write both conditions as equations, subtract them to remove the "
    "quadratic terms, and substitute back; both checks agree with the diagram. "
)
"""A neutral lead-in that makes a section a worked solution (over 200 characters)."""

QUANTITIES: list[Case] = [
    ("7", "7", None),
    ("\\boxed{7}", "7", None),
    ("$\\boxed{7}$", "7", None),
    ("**7**", "7", None),
    ("The answer is 7.", "7", None),
    ("The final answer is $\\boxed{7}$.", "7", None),
    ("Final Answer: The final answer is 7. I hope it is correct.", "7", None),
    ("Answer: 7", "7", None),
    ("**Answer:** 12 cm", "12", None),
    ("There are 7 birds on the wire.", "7", None),
    ("There are seven birds on the wire.", "7", None),
    ("The total is twenty-one.", "21", None),
    ("So the perimeter is 36 cm.", "36", None),
    ("Thus, $AB = 10$.", "10", None),
    ("Therefore, the length of BD is $6$.", "6", None),
    ("The area is 24 square units.", "24", None),
    ("The area is $24 \\text{ cm}^2$.", "24", None),
    ("$x = 5$", "5", None),
    ("x = 5", "5", None),
    ("Solving gives $x = 5$.", "5", None),
    ("The value of $x$ is $-3$.", "-3", None),
    ("−3", "-3", None),
    ("The slope is -2.", "-2", None),
    ("negative three", "-3", None),
    ("The measure of angle ABC is 45°.", "45", None),
    ("$\\angle ABC = 45^\\circ$", "45", None),
    ("45 degrees", "45", None),
    ("The probability is $\\frac{1}{2}$.", "1/2", None),
    ("The probability is 0.5.", "1/2", None),
    ("$\\dfrac{3}{4}$", "0.75", None),
    ("0.75", "\\frac{3}{4}", None),
    ("The ratio is 1/4.", "0.25", None),
    ("$\\frac{1}{3}$", "0.33", None),
    ("0.333", "1/3", None),
    ("3 1/4", "13/4", None),
    ("$3\\frac{1}{4}$", "3.25", None),
    ("one third", "1/3", None),
    ("two fifths", "2/5", None),
    ("three quarters", "0.75", None),
    ("The probability is one third.", "1/3", None),
    ("4 thousand", "4000", None),
    ("four thousand", "4000", None),
    ("seven hundred", "700", None),
    ("one half", "1/2", None),
    ("two thousand five hundred", "2500", None),
    ("The total is two thousand and forty.", "2040", None),
    ("The basket contains 7 apples, 3 of which are red.", "7", None),
    ("The answer is 7. We get 7 if we add 3 and 4.", "7", None),
    ("The answer is 21 (7 in each of 3 rows).", "21", None),
    ("7 (rounded to the nearest whole number)", "7", None),
    ("7 is the minimum number of coins needed.", "7", None),
    ("12 cm (120 mm in other units)", "12", None),
    ("The answer is 7. Double-checking: 3 + 4 = 7.", "7", None),
    ("The answer is 7, the least of the three.", "7", None),
    ("The population is about 4 thousand.", "4000", None),
    ("7k", "7000", None),
    ("2 dozen", "24", None),
    ("1.5 million", "1500000", None),
    ("3,400", "3400", None),
    ("3 400", "3400", None),
    ("$3{,}400$", "3400", None),
    ("1,000", "1000", None),
    ("\\$18.90", "18.90", None),
    ("The total cost is $\\$18.90$.", "18.9", None),
    ("It costs $5.", "5", None),
    ("€12", "12", None),
    ("50%", "50", None),
    ("50%", "0.5", None),
    ("70%", "0.7", None),
    ("The percentage is 12.5%.", "12.5", None),
    ("$25\\%$", "25%", None),
    ("0.25", "25%", None),
    ("1.5 \\times 10^{3}", "1500", None),
    ("1.5e3", "1500", None),
    ("$2.31 \\times 10^{-3}$", "\\frac{1}{432}", None),
    ("approximately 8", "8", None),
    ("about 3.14", "3.14", None),
    ("≈ 7.07", "5\\sqrt{2}", None),
    ("$5\\sqrt{2}$", "\\sqrt{50}", None),
    ("The side length is $2\\sqrt{3}$ units.", "2\\sqrt{3}", None),
    ("$\\sqrt{12}$", "2\\sqrt{3}", None),
    ("$\\frac{3}{4}\\pi$", "0.75\\pi", None),
    ("$2^{10}$", "1024", None),
    ("$(1+2)(3+4)$", "21", None),
    ("5 + 3 = 8", "8", None),
    ("The answer is 14 years old.", "14", None),
    ("He is 14 years old.", "14", None),
    ("PR = 10 (units).", "10", None),
    ("6 (approximately)", "6", None),
    ("The car reaches 120 km/h.", "120", None),
    ("The acceleration is $9.8 \\text{ m/s}^2$.", "9.8", None),
    ("The population peaked in 2010.", "2010", None),
    ("The difference is zero.", "0", None),
    ("$0$", "0", None),
    ("1000,99", "1000.99", None),
    ("2½", "2.5", None),
    ("2√3", "2\\sqrt{3}", None),
    ("$\\boxed{\\textbf{12}}$", "12", None),
    ("\\(\\boxed{12}\\)", "12", None),
    ("\\[\\boxed{12}\\]", "12", None),
    ("$$\n12\n$$", "12", None),
    ("`12`", "12", None),
    ("\\boxed{12} \\boxed{12}", "12", None),
    ("x = 3, so the answer is 3.", "3", None),
    ("The value of x is 7, which is greater than 5.", "7", None),
    ("The answer is 7 because 3 + 4 = 7.", "7", None),
    ("There are 36 pencils in total (12 per box × 3 boxes).", "36", None),
    ("It takes 1.5 hours, i.e. 90 minutes.", "1.5", None),
    ("The probability is 3/5 = 0.6.", "0.6", None),
    ("The number of cubes that are not visible is 3.", "3", None),
    ("The bars never exceed 40, so the maximum is 38.", "38", None),
    ("300 K", "300", None),
    ("$\\$1{,}250$", "1250", None),
    ("1.50", "1.5", None),
    ("The gap between two adjacent grid lines is 50.", "50", None),
    ("... so 60 students enrolled.\nA: 60", "60", None),
    ("$-\\frac{1}{2}$", "-0.5", None),
]

LONG: list[Case] = [
    (WORKING + "Therefore the answer is 12.", "12", None),
    (WORKING + "\n\nThe answer is B.", "B", ABCD),
    (WORKING + "The final answer is $\\boxed{12}$.", "12", None),
    (WORKING + "So $x = \\boxed{5}$.", "5", None),
    (WORKING + "Hence the area is $24$ square units.", "24", None),
    (WORKING + "So the correct option is C.", "C", ABCD),
    (WORKING + "Hence the answer is (D) 10 m.", "D", ABCD),
    (WORKING + "Therefore, the answer is yes.", "yes", None),
    (WORKING + "So the probability is $\\frac{1}{3}$.", "1/3", None),
    (WORKING + "Thus the solution set is $\\{1, 2\\}$.", "\\{1, 2\\}", None),
    (WORKING + "The roots are $x = 1$ and $x = 2$, so the solution set is $\\boxed{\\{1, 2\\}}$.", "\\{1, 2\\}", None),
    (WORKING + "So $\\boxed{m = 4, n = 1}$.", "m = 4, n = 1", None),
    (WORKING + "Solving the system gives $m = 4$ and $n = 1$.", "m = 4, n = 1", None),
    (WORKING + "Simplifying, the ratio of the areas is 3:5.", "3:5", None),
    (WORKING + "The intersection point is $Q(4, -1)$.", "(4, -1)", None),
    (WORKING + "So the answer is $\\boxed{(4, -1)}$.", "(4, -1)", None),
    (WORKING + "The solution is $\\boxed{[-2, 3)}$.", "[-2, 3)", None),
    (WORKING + "So the function is $\\boxed{y = t^2 - 1}$.", "y = t^2 - 1", None),
    (WORKING + "The final answer is $\\boxed{1 + 3i}$.", "1+3i", None),
    (WORKING + "So the answer is $\\frac{\\sqrt{3}}{2}$.", "\\frac{\\sqrt{3}}{2}", None),
    (WORKING + "The answer is $\\boxed{2x + 3}$.", "2x+3", None),
    (WORKING + "Therefore the total cost is \\$18.90.", "18.90", None),
    (WORKING + "The percentage is therefore 25%.", "25", None),
    (WORKING + "So, the height is about 4 thousand metres.", "4000", None),
]

OPTIONS: list[Case] = [
    ("B", "B", ABCD),
    ("(B)", "B", ABCD),
    ("B.", "B", ABCD),
    ("B) 6 m", "B", ABCD),
    ("Option B", "B", ABCD),
    ("\\boxed{B}", "B", ABCD),
    ("**B**", "B", ABCD),
    ("The answer is B.", "B", ABCD),
    ("The correct answer is (B) 6 m.", "B", ABCD),
    ("The right choice is C.", "C", ABCD),
    ("Option D: 10 m", "D", ABCD),
    ("6 m", "B", ABCD),
    ("The length is 6 m.", "B", ABCD),
    ("…, hence the answer is A.", "A", ABCD),
    ("Answer: C", "C", ABCD),
    ("C. 60°", "C", ANGLES),
    ("60°", "C", ANGLES),
    ("The angle is $60^\\circ$.", "C", ANGLES),
    ("(D) 90°", "D", ANGLES),
    ("D", "90°", ANGLES),
    ("The answer is B.", "green", COLOURS),
    ("green", "green", COLOURS),
    ("The ball is green.", "B", COLOURS),
    ("$\\boxed{\\text{(C)}}$", "C", ABCD),
    ("$\\boxed{C}$", "8 m", ABCD),
    ("The answer is option B.", "B", None),
    ("B", "B", None),
    ("(A)", "A", None),
    ("E", "(b)", LETTER_LIKE),
    ("(E) (b)", "(b)", LETTER_LIKE),
    ("The answer is E.", "(b)", LETTER_LIKE),
    ("A", "(a)", LETTER_LIKE),
    ("The answer is B.\n\nExplanation: the longer side is 6 m, which is option B.", "B", ABCD),
    ("The answer is B, since A (4 m) is too short.", "B", ABCD),
    ("The answer is C, since option A is too short.", "C", ABCD),
]

YES_NO: list[Case] = [
    ("Yes", "yes", None),
    ("yes", "Yes", None),
    ("**Yes**", "yes", None),
    ("\\boxed{Yes}", "yes", None),
    ("$\\boxed{\\text{No}}$", "no", None),
    ("No", "no", None),
    ("No.", "no", None),
    ("Yes.", "yes", None),
    ("Yes, the triangle is isosceles.", "yes", None),
    ("No, the lines do not meet.", "no", None),
    ("The answer is yes.", "yes", None),
    ("The answer is no.", "no", None),
    ("True", "yes", None),
    ("False", "no", None),
    ("Answer: Yes", "yes", None),
    ("Y", "yes", None),
    ("No, not necessarily.", "no", None),
    ("No, not always.", "no", None),
    ("Yes. I think the key step is the parallel lines.", "yes", None),
]

TEXT: list[Case] = [
    ("red", "red", None),
    ("Red", "red", None),
    ("\\boxed{red}", "red", None),
    ("**red**", "red", None),
    ("The ball is red.", "red", None),
    ("The answer is red.", "red", None),
    ("The arrow points to the left.", "left", None),
    ("This process is called photosynthesis.", "photosynthesis", None),
    ("The ball is dark red.", "red", None),
    ("Ben has the most votes.", "Ben", None),
    ("Looking at the chart, the tallest bar is Tuesday.", "Tuesday", None),
    ("The shape is a right triangle.", "right triangle", None),
    ("The color of the car is blue in the image.", "blue", None),
    ("The Eiffel Tower", "Eiffel Tower", None),
    ("Paris.", "paris", None),
    ("Best Short Stories 2011", "Best Short Stories 2011", None),
    ('"Best Short Stories 2011."', "Best Short Stories 2011", None),
    ("*Garfield 2019 Wall Calendar*", "Garfield 2019 Wall Calendar", None),
    ("Harry Potter and the Goblet of Fire", "Harry Potter and the Goblet of Fire", None),
    ("The animal is a giraffe.", "giraffe", None),
    ("The light is green.", "green", None),
    ("The weather is sunny.", "sunny", None),
]

EXPRESSIONS: list[Case] = [
    ("$2x + 3$", "2x+3", None),
    ("The equation of the line is y = 2x + 3.", "2x+3", None),
    ("$y = 2x + 3$", "y = 2x + 3", None),
    ("$g(t) = t^2 - 1$", "y = t^2 - 1", None),
    ("$f(x) = x^2 + 1$", "x^2 + 1", None),
    ("$x^2 + 1$", "f(x) = x^2 + 1", None),
    ("$I_{\\max} = \\frac{V}{R}$", "\\frac{V}{R}", None),
    ("$\\frac{x+1}{x-1}$", "\\frac{x+1}{x-1}", None),
    ("$(x+1)^2$", "x^2 + 2x + 1", None),
    ("$\\sin\\theta$", "\\cos(90^\\circ - \\theta)", None),
    ("$\\cos(90^\\circ - \\theta)$", "\\sin\\theta", None),
    ("$(3 - i)i$", "1 + 3i", None),
    ("$1 + 3i$", "(3 - i)i", None),
    ("$2i$", "i(1+i)(1-i)", None),
    ("$\\frac{\\pi}{3}$", "\\pi/3", None),
    ("$e^{2}$", "e^2", None),
    ("$\\ln 2$", "\\ln(2)", None),
    ("$\\frac{1}{2}ab\\sin C$", "\\frac{ab\\sin C}{2}", None),
    ("$\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}$", "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", None),
]

STRUCTURED: list[Case] = [
    ("m = 4 and n = 1", "m = 4, n = 1", None),
    ("$m = 4$, $n = 1$", "m = 4, n = 1", None),
    ("\\boxed{m = 4, n = 1}", "m = 4, n = 1", None),
    ("$(m, n) = (4, 1)$", "m = 4, n = 1", None),
    ("$x = 2$ and $y = -3$", "x = 2, y = -3", None),
    ("x = 2; y = -3", "x = 2, y = -3", None),
    ("We find $a = \\frac{1}{2}$ and $b = 3$.", "a = 1/2, b = 3", None),
    ("The ratio is 3:5.", "3:5", None),
    ("3:5", "3:5", None),
    ("$3 : 5$", "3:5", None),
    ("The ratio 6:10 simplifies to 3:5.", "3:5", None),
    ("1:2:3", "1:2:3", None),
    ("Q(4, -1)", "(4, -1)", None),
    ("$P = (4, -1)$", "(4, -1)", None),
    ("The coordinates are $(4, -1)$.", "(4, -1)", None),
    ("(0.5, 2)", "(1/2, 2)", None),
    ("$-2 \\le x < 3$", "[-2, 3)", None),
    ("$[-2, 3)$", "[-2, 3)", None),
    ("$x > 3$", "(3, \\infty)", None),
    ("$x \\leq 3$", "(-\\infty, 3]", None),
    ("$(3, \\infty)$", "(3, \\infty)", None),
    ("[1/3, 1/4]", "[0.333, 0.25]", None),
    ("[0.333, 0.25]", "[1/3, 1/4]", None),
    ("[1, 2, 3]", "[1, 2, 3]", None),
    ("$\\{1, 2\\}$", "\\{1, 2\\}", None),
    ("$x = 1$ or $x = 2$", "\\{1, 2\\}", None),
    ("The roots are 1 and 2.", "\\{1, 2\\}", None),
    ("\\boxed{1} \\boxed{2}", "\\{1, 2\\}", None),
]

PUBLIC: list[Case] = [
    # lupantech/MathVista, results/<model>/output_<model>.json: each problem's response with the publisher's
    # true_false label (all of these labelled correct). The section is the response's last paragraph; the
    # reference and choices are the problem's answer and choices (lettered A, B, ... in their order).
    # bard/output_bard.json pid 162
    (
        "So the answer is 4",
        "4",
        None,
    ),
    # bard/output_bard.json pid 739
    (
        "So the answer is 23",
        "23",
        None,
    ),
    # bard/output_bard.json pid 799
    (
        "So the answer is 13",
        "13",
        None,
    ),
    # bard/output_bard.json pid 544
    (
        "Therefore, the answer to your question is 44.",
        "44",
        None,
    ),
    # bard/output_bard.json pid 628
    (
        "Therefore, \\[\\frac{DE}{DF} = \\frac{EA}{FC} \\implies DE \\cdot FC = EA \\cdot "
        "DF.\\]Substituting $DE=EA$ and $DF=FC$, we get \\[EA^2 = EF^2.\\]Since $EA=3$, we have "
        "$EF=\\boxed{2}$.",
        "2",
        {"A": "1", "B": "2", "C": "2.5", "D": "3"},
    ),
    # bard/output_bard.json pid 692
    (
        "So the answer is (A). Grasshoppers will decrease.",
        "Grasshoppers will decrease.",
        {
            "A": "Grasshoppers will decrease.",
            "B": "shrews will become extinct",
            "C": "owls will increase.",
            "D": "None of the above",
        },
    ),
    # bard/output_bard.json pid 804
    (
        "Therefore, the correct choice is (B).",
        "4.29",
        {"A": "3.71", "B": "4.29", "C": "4.53", "D": "6.75"},
    ),
    # bard/output_bard.json pid 358
    (
        "Therefore, the only cube that can be formed by folding the unfolded cube is Option A.",
        "A",
        {"A": "A", "B": "B", "C": "C", "D": "D", "E": "E"},
    ),
    # bard/output_bard.json pid 401
    (
        "The bar graph shows the number of monkeys in different groups. The smallest bar is the "
        'one labeled "pine", which has a value of 1.',
        "1",
        None,
    ),
    # chatgpt/output_chatgpt.json pid 401
    (
        "The value of the smallest individual bar in the whole chart is 1.",
        "1",
        None,
    ),
    # chatgpt/output_chatgpt.json pid 21
    (
        "There are 2 dots in each group.",
        "2",
        None,
    ),
    # chatgpt/output_chatgpt.json pid 952
    (
        "The correct answer is (C) Fish.",
        "Fish",
        {"A": "Minnows", "B": "Ducks", "C": "Fish", "D": "Raccoons"},
    ),
    # chatgpt/output_chatgpt.json pid 238
    (
        "Therefore, the correct answer is (B) \\frac { 20 } { 3 }.",
        "\\frac { 20 } { 3 }",
        {"A": "6", "B": "\\frac { 20 } { 3 }", "C": "7", "D": "22 / 3"},
    ),
    # chatgpt/output_chatgpt.json pid 8
    (
        "(A) Yes",
        "Yes",
        {"A": "Yes", "B": "No"},
    ),
    # chatgpt/output_chatgpt.json pid 732
    (
        "(A) Grasshopper",
        "Grasshopper",
        {"A": "Grasshopper", "B": "Snake", "C": "Mouse", "D": "Hawk"},
    ),
    # chatgpt/output_chatgpt.json pid 576
    (
        "(D) frontal lobe",
        "frontal lobe",
        {"A": "motor cortex", "B": "occipital lobe", "C": "temporal lobe", "D": "frontal lobe"},
    ),
    # chatgpt/output_chatgpt.json pid 46
    (
        "(C) Adults spider population would decrease",
        "Adults spider population would decrease",
        {
            "A": "Adult spider population would remain the same",
            "B": "Adult spider population would double.",
            "C": "Adults spider population would decrease",
            "D": "Adult spider population would increase.",
        },
    ),
    # chatgpt/output_chatgpt.json pid 460
    (
        "(B) Crickets",
        "Crickets",
        {"A": "Frogs", "B": "Crickets", "C": "Snakes", "D": "Hawks"},
    ),
    # chatgpt/output_chatgpt.json pid 286
    (
        "(D) 2cm",
        "2cm",
        {"A": "6cm", "B": "5cm", "C": "4cm", "D": "2cm"},
    ),
    # chatgpt/output_chatgpt_2shot_solution.json pid 188
    (
        "Therefore, the answer is 3.",
        "3",
        None,
    ),
    # chatgpt/output_chatgpt_2shot_solution.json pid 906
    (
        "So, the answer is (B) No.",
        "No",
        {"A": "Yes", "B": "No"},
    ),
    # chatgpt/output_chatgpt_2shot_solution.json pid 154
    (
        "Therefore, the answer is (B) No.",
        "No",
        {"A": "Yes", "B": "No"},
    ),
    # chatgpt/output_chatgpt_2shot_solution.json pid 466
    (
        "Therefore, the answer is B (no).",
        "no",
        {"A": "yes", "B": "no"},
    ),
    # chatgpt/output_chatgpt_2shot_solution.json pid 182
    (
        "The question is asking if Web Green is greater than Yellow. Without any additional "
        "information or context, it is not possible to determine if Web Green is greater than "
        "Yellow. Therefore, the answer is (B) no.",
        "no",
        {"A": "yes", "B": "no"},
    ),
    # chatgpt/output_chatgpt_2shot_solution.json pid 776
    (
        "Therefore, the answer is $\\boxed{\\text{(B) 18.79}}$.",
        "18.79",
        {"A": "16.50", "B": "18.79", "C": "20.32", "D": "25.50"},
    ),
    # chatgpt/output_chatgpt_2shot_solution.json pid 467
    (
        "The correct option is $\\boxed{\\text{(C) } 110}$.",
        "110",
        {"A": "90", "B": "100", "C": "110", "D": "120"},
    ),
    # chatgpt/output_chatgpt_2shot_solution.json pid 768
    (
        "Therefore, the hottest month on average in Rome is (B) July and August.",
        "July and August",
        {"A": "December, January, and February", "B": "July and August", "C": "March and April"},
    ),
    # chatgpt/output_chatgpt_2shot_solution.json pid 220
    (
        "The correct option is (A) 125°.",
        "125°",
        {"A": "125°", "B": "120°", "C": "105°", "D": "90°"},
    ),
    # chatgpt/output_chatgpt_2shot_solution.json pid 853
    (
        "Therefore, the correct option is (D) 12.",
        "12",
        {"A": "3", "B": "6", "C": "9", "D": "12"},
    ),
    # chatgpt/output_chatgpt_2shot_solution.json pid 124
    (
        "The correct option is (A) Whorled.",
        "Whorled",
        {"A": "Whorled", "B": "Simple", "C": "Opposite", "D": "Alternate"},
    ),
    # chatgpt/output_chatgpt_2shot_solution.json pid 555
    (
        "Without any information or context about the nest, it is impossible to determine if it "
        "is larger than a fist. Therefore, the answer is (B) No.",
        "No",
        {"A": "Yes", "B": "No"},
    ),
    # chatgpt/output_chatgpt_2shot_solution.json pid 732
    (
        "The correct option letter is A.",
        "Grasshopper",
        {"A": "Grasshopper", "B": "Snake", "C": "Mouse", "D": "Hawk"},
    ),
    # chatgpt/output_chatgpt_2shot_solution.json pid 491
    (
        "To determine if Dark Blue is the high median, we need to compare it to the other colors "
        "in the data set. Without the actual data set, it is not possible to determine if Dark "
        "Blue is the high median. Therefore, the answer is (B) no.",
        "no",
        {"A": "yes", "B": "no"},
    ),
    # claude/output_claude_2shot_solution.json pid 722
    (
        "The answer is: \nA (yes)",
        "yes",
        {"A": "yes", "B": "no"},
    ),
    # claude/output_claude_2shot_solution.json pid 155
    (
        "A (yes)",
        "yes",
        {"A": "yes", "B": "no"},
    ),
    # claude/output_claude_2shot_solution.json pid 148
    (
        "D",
        "Decurrent",
        {"A": "Hastate", "B": "Cordate", "C": "Sagittate", "D": "Decurrent"},
    ),
    # claude/output_claude_2shot_solution.json pid 94
    (
        "C",
        "27°",
        {"A": "36°", "B": "44°", "C": "27°", "D": "54°"},
    ),
    # claude/output_claude_2shot_solution.json pid 678
    (
        "Therefore, the answer is C.",
        "58",
        {"A": "21", "B": "34", "C": "58", "D": "67"},
    ),
    # claude/output_claude_2shot_solution.json pid 688
    (
        "The answer is E.",
        "0-5",
        {"A": "11-15", "B": "21-25", "C": "6-10", "D": "16-20", "E": "0-5"},
    ),
    # claude/output_claude_2shot_solution.json pid 344
    (
        "Therefore, the answer is A (Yes).",
        "Yes",
        {"A": "Yes", "B": "No"},
    ),
    # claude/output_claude_2shot_solution.json pid 601
    (
        "Therefore, the ratio of the smallest segment to the second largest segment is 0.33.",
        "0.33",
        None,
    ),
    # claude/output_claude_2shot_solution.json pid 402
    (
        "Therefore, the answer is C (Frogs).",
        "Frogs",
        {"A": "Rabbit", "B": "Deer", "C": "Frogs", "D": "Wolf"},
    ),
    # claude/output_claude_2shot_solution.json pid 714
    (
        "The answer is: B",
        "No",
        {"A": "Yes", "B": "No"},
    ),
    # claude/output_claude_2shot_solution.json pid 909
    (
        "The value of AD/AB is (C) 1/3.",
        "\\frac{1}{3}",
        {"A": "\\frac{2}{3}", "B": "\\frac{1}{4}", "C": "\\frac{1}{3}", "D": "\\frac{1}{2}"},
    ),
    # claude/output_claude_2shot_solution.json pid 908
    (
        "Therefore, the organism that would most likely have a decrease in its population if the "
        "ant population decreases is C) lizard.",
        "lizard",
        {"A": "plant", "B": "human", "C": "lizard", "D": "snake"},
    ),
    # claude/output_claude_2shot_solution.json pid 34
    (
        "The answer is B.",
        "No",
        {"A": "Yes", "B": "No"},
    ),
    # gpt4/output_gpt4_2shot_solution.json pid 777
    (
        "Thus, the answer is B (40).",
        "40",
        {"A": "10", "B": "40", "C": "70", "D": "140"},
    ),
    # gpt4/output_gpt4_2shot_solution.json pid 674
    (
        "Thus, the answer is B (5).",
        "5",
        {"A": "4", "B": "5", "C": "6", "D": "7", "E": "8"},
    ),
    # gpt4/output_gpt4_2shot_solution.json pid 43
    (
        "Thus, the answer is C (May).",
        "May",
        {"A": "August", "B": "April", "C": "May"},
    ),
    # gpt4/output_gpt4_2shot_solution.json pid 30
    (
        "Thus, the answer is B (70°).",
        "70°",
        {"A": "60°", "B": "70°", "C": "80°", "D": "85°"},
    ),
    # gpt4/output_gpt4_2shot_solution.json pid 514
    (
        "Without specific numbers for the types of venation, the option with the least number of "
        "main veins is A (3 main veins).",
        "3 main veins",
        {"A": "3 main veins", "B": "pinnate", "C": "reticulate", "D": "palmate"},
    ),
    # gpt4/output_gpt4_2shot_solution.json pid 3
    (
        "Thus, the answer is C (145°).",
        "145°",
        {"A": "135°", "B": "140°", "C": "145°", "D": "150°"},
    ),
    # gpt4/output_gpt4_2shot_solution.json pid 256
    (
        "Thus, the answer is D (6).",
        "6",
        {"A": "3", "B": "4", "C": "5", "D": "6"},
    ),
    # gpt4/output_gpt4_2shot_solution.json pid 692
    (
        "Thus, the answer is A (Grasshoppers will decrease).",
        "Grasshoppers will decrease.",
        {
            "A": "Grasshoppers will decrease.",
            "B": "shrews will become extinct",
            "C": "owls will increase.",
            "D": "None of the above",
        },
    ),
    # gpt4/output_gpt4_2shot_solution.json pid 410
    (
        "Thus, the answer is A (20.25).",
        "20.25",
        {"A": "20.25", "B": "21", "C": "27", "D": "36"},
    ),
    # gpt4/output_gpt4_2shot_solution.json pid 785
    (
        "Thus, the answer is D (The number of aquatic crustaceans will decrease).",
        "The number of aquatic crustaceans will decrease",
        {
            "A": "The number of ducks will increase",
            "B": "The number of minnows will increase",
            "C": "There will be no effect on this ecosystem",
            "D": "The number of aquatic crustaceans will decrease",
        },
    ),
    # gpt4/output_gpt4_2shot_solution.json pid 280
    (
        "Thus, the answer is B (60).",
        "60",
        {"A": "80", "B": "60", "C": "40", "D": "30", "E": "20"},
    ),
    # gpt4/output_gpt4_2shot_solution.json pid 460
    (
        "Thus, the answer is B (Crickets).",
        "Crickets",
        {"A": "Frogs", "B": "Crickets", "C": "Snakes", "D": "Hawks"},
    ),
    # gpt4/output_gpt4_2shot_solution.json pid 450
    (
        "Thus, the answer is D (grasshoppers).",
        "grasshoppers",
        {"A": "garter snakes", "B": "hognose snakes", "C": "hawks", "D": "grasshoppers"},
    ),
    # idefics/output_idefics_9b_instruct.json pid 203
    (
        "The answer is (A) \\frac{4}{3}.",
        "\\frac{4}{3}",
        {"A": "\\frac{4}{3}", "B": "0.75", "C": "0.6", "D": "0.8"},
    ),
    # idefics/output_idefics_9b_instruct.json pid 224
    (
        "In this case, the function is not periodic. Therefore, the answer is (B) No.",
        "No",
        {"A": "Yes", "B": "No"},
    ),
    # idefics/output_idefics_9b_instruct.json pid 644
    (
        "The missing number in the picture is 6.",
        "6",
        {"A": "6", "B": "8", "C": "10", "D": "11"},
    ),
    # idefics/output_idefics_9b_instruct.json pid 681
    (
        "The answer is (D) Tokyo.",
        "tokyo",
        {"A": "hong kong", "B": "osaka", "C": "shanghai", "D": "tokyo"},
    ),
    # idefics/output_idefics_9b_instruct.json pid 286
    (
        "The answer is (D) 2cm.",
        "2cm",
        {"A": "6cm", "B": "5cm", "C": "4cm", "D": "2cm"},
    ),
    # idefics/output_idefics_9b_instruct.json pid 658
    (
        "The line is about 1 centimeter long.",
        "1",
        None,
    ),
    # idefics/output_idefics_9b_instruct.json pid 54
    (
        "The answer is (B)",
        "10",
        {"A": "8", "B": "10", "C": "15", "D": "18", "E": "20"},
    ),
    # idefics/output_idefics_9b_instruct.json pid 34
    (
        "(B) No.",
        "No",
        {"A": "Yes", "B": "No"},
    ),
    # idefics/output_idefics_9b_instruct.json pid 947
    (
        "The answer is (C) 115°.",
        "115°",
        {"A": "95°", "B": "105°", "C": "115°", "D": "125°"},
    ),
    # idefics/output_idefics_9b_instruct.json pid 687
    (
        "The answer is (A) increase in phytoplankton.",
        "increase in phytoplankton",
        {
            "A": "increase in phytoplankton",
            "B": "decrease in penguins",
            "C": "increase in fish",
            "D": "increase in birds",
        },
    ),
    # idefics/output_idefics_9b_instruct.json pid 998
    (
        "The answer is (A) 28°.",
        "28°",
        {"A": "28°", "B": "30°", "C": "32°", "D": "38°"},
    ),
    # instruct_blip2/output_instruct_blip2_vicuna_13b.json pid 151
    (
        "(A) (u1, u2) = (0, 0)",
        "(u1, u2) = (0, 0)",
        {
            "A": "(u1, u2) = (0, 0)",
            "B": "(u1, u2) = (1, 0)",
            "C": "(u1, u2) = (0, 1)",
            "D": "(u1, u2) = (1, 1)",
        },
    ),
    # instruct_blip2/output_instruct_blip2_vicuna_13b.json pid 621
    (
        "(E) 62.5",
        "62.5",
        {"A": "40", "B": "42.5", "C": "50", "D": "52.5", "E": "62.5"},
    ),
    # instruct_blip2/output_instruct_blip2_vicuna_13b.json pid 387
    (
        "100%",
        "100",
        None,
    ),
    # instruct_blip2/output_instruct_blip2_vicuna_13b.json pid 597
    (
        "10%",
        "10",
        None,
    ),
    # instruct_blip2/output_instruct_blip2_vicuna_13b.json pid 698
    (
        "Answer: (A) 2*\\sqrt{3}",
        "2*\\sqrt{3}",
        {"A": "2*\\sqrt{3}", "B": "6*\\sqrt{2}", "C": "6*\\sqrt{3}", "D": "6", "E": "12"},
    ),
    # instruct_blip2/output_instruct_blip2_vicuna_13b.json pid 219
    (
        "1",
        "1",
        None,
    ),
    # instruct_blip2/output_instruct_blip2_vicuna_13b.json pid 313
    (
        "10",
        "10",
        None,
    ),
    # llama_adapter_v2/output_llama_adapter_v2.json pid 777
    (
        "The perimeter of $LMPQ$ is 10 + 10 + 10 + 10 = 40.",
        "40",
        {"A": "10", "B": "40", "C": "70", "D": "140"},
    ),
    # llama_adapter_v2/output_llama_adapter_v2.json pid 117
    (
        "The range of this function is [0, 2].",
        "[0, 2]",
        {"A": "[0, 2]", "B": "[3, 2]", "C": "[2, 4]", "D": "[-3, 4]"},
    ),
    # llama_adapter_v2/output_llama_adapter_v2.json pid 390
    (
        "Yes, there are fewer jets that are left of the small brown suv than objects right of the big shiny car.",
        "Yes",
        {"A": "Yes", "B": "No"},
    ),
    # llama_adapter_v2/output_llama_adapter_v2.json pid 681
    (
        "The largest city in the nation where this plane is headquartered is Tokyo.",
        "tokyo",
        {"A": "hong kong", "B": "osaka", "C": "shanghai", "D": "tokyo"},
    ),
    # llama_adapter_v2/output_llama_adapter_v2.json pid 621
    (
        "The correct answer is (E) 62.5. The area of triangle AFK is 62.5.",
        "62.5",
        {"A": "40", "B": "42.5", "C": "50", "D": "52.5", "E": "62.5"},
    ),
    # llama_adapter_v2/output_llama_adapter_v2.json pid 600
    (
        "The correct answer is (A).",
        "A",
        {"A": "A", "B": "B", "C": "C", "D": "D", "E": "E"},
    ),
    # llama_adapter_v2/output_llama_adapter_v2.json pid 637
    (
        "The correct answer is (C) 120°.",
        "120°",
        {"A": "100°", "B": "110°", "C": "120°", "D": "130°"},
    ),
    # llama_adapter_v2/output_llama_adapter_v2.json pid 510
    (
        "The correct answer is (D) \\frac{4}{5}.",
        "\\frac{4}{5}",
        {"A": "\\frac{2}{3}", "B": "\\frac{3}{5}", "C": "\\frac{3}{4}", "D": "\\frac{4}{5}"},
    ),
    # llama_adapter_v2/output_llama_adapter_v2.json pid 351
    (
        "Yes, there are fewer purple rubber objects that are to the left of the red object than tiny matte bicycles.",
        "Yes",
        {"A": "Yes", "B": "No"},
    ),
    # llava/output_llava_llama_2_13b.json pid 821
    (
        "The correct answer is A, Yes. Most of the people in the image are young men.",
        "Yes",
        {"A": "Yes", "B": "No"},
    ),
    # llava/output_llava_llama_2_13b.json pid 706
    (
        "(C) C",
        "C",
        {"A": "A", "B": "B", "C": "C", "D": "D", "E": "E"},
    ),
    # llava/output_llava_llama_2_13b.json pid 906
    (
        "Based on the image, the sum of the smallest two values is not greater than the largest "
        "value. The largest value is 12, and the sum of the smallest two values is 8. Therefore, "
        "the answer is (B) No.",
        "No",
        {"A": "Yes", "B": "No"},
    ),
    # llava/output_llava_llama_2_13b.json pid 539
    (
        "The correct answer is (C) 12.",
        "12",
        {"A": "8", "B": "10", "C": "12", "D": "14"},
    ),
    # llava/output_llava_llama_2_13b.json pid 71
    (
        "The perimeter of the rectangle is 18 inches.",
        "18",
        None,
    ),
    # llava/output_llava_llama_2_13b.json pid 425
    (
        "Therefore, the correct answer is (A) 0.6.",
        "0.6",
        {"A": "0.6", "B": "0.8", "C": "0.75", "D": "\\frac{4}{3}"},
    ),
    # llava/output_llava_llama_2_13b.json pid 141
    (
        "Based on the information provided, the length of the ladder is 4.40 meters.",
        "4.40米",
        {"A": "3.85米", "B": "4.00米", "C": "4.40米", "D": "4.50米"},
    ),
    # llava/output_llava_llama_2_13b.json pid 561
    (
        "The correct answer is (B) No. The number of gray rubber double busses is not the same "
        "as the number of small objects left of the tiny gray matte bicycle.",
        "No",
        {"A": "Yes", "B": "No"},
    ),
    # llavar/output_llavar.json pid 567
    (
        "The slug is approximately 3 inches long.",
        "3",
        None,
    ),
    # llavar/output_llavar.json pid 478
    (
        "The edge length of the diamond ABCD is 10.",
        "10",
        {"A": "10", "B": "8", "C": "6", "D": "5"},
    ),
    # llavar/output_llavar.json pid 256
    (
        "The surface area of triangle ABC is (D) 6.",
        "6",
        {"A": "3", "B": "4", "C": "5", "D": "6"},
    ),
    # llavar/output_llavar.json pid 648
    (
        "The minimum value of this function is -1.",
        "-1",
        None,
    ),
    # llavar/output_llavar.json pid 95
    (
        "The correct option letter is (D) 80°.",
        "80°",
        {"A": "50°", "B": "60°", "C": "70°", "D": "80°"},
    ),
    # llavar/output_llavar.json pid 119
    (
        "The correct option letter is (D).",
        "20°",
        {"A": "45°", "B": "40°", "C": "25°", "D": "20°"},
    ),
    # llavar/output_llavar.json pid 59
    (
        "The degree of ∠CAB is 64°.",
        "64°",
        {"A": "26°", "B": "74°", "C": "64°", "D": "54°"},
    ),
    # llavar/output_llavar.json pid 390
    (
        "Yes, there are fewer jets left of the small brown SUV than objects right of the big shiny car.",
        "Yes",
        {"A": "Yes", "B": "No"},
    ),
    # mplugowl/output_mplugowl_7b_ft.json pid 110
    (
        "The sum of the two lowest bars is not greater than the largest bar. It is 42, while the "
        "largest bar is 144. So, the answer is (B) No.",
        "No",
        {"A": "Yes", "B": "No"},
    ),
    # mplugowl/output_mplugowl_7b_ft.json pid 308
    (
        "B) a trigonometric function",
        "a trigonometric function",
        {
            "A": "a polynomial",
            "B": "a trigonometric function",
            "C": "an exponential function",
            "D": "a logarithmic function",
        },
    ),
    # mplugowl/output_mplugowl_7b_ft.json pid 492
    (
        "The correct option is (D) 2√{3}.",
        "2√{3}",
        {"A": "1", "B": "√{3}", "C": "2", "D": "2√{3}"},
    ),
    # mplugowl/output_mplugowl_7b_ft.json pid 509
    (
        "Yes, Cadet Blue is the high median.",
        "yes",
        {"A": "yes", "B": "no"},
    ),
    # mplugowl/output_mplugowl_7b_ft.json pid 120
    (
        "The degree of a function is the highest exponent of the highest power of x that occurs "
        "in the function, which in this case is 3.",
        "3",
        None,
    ),
    # mplugowl/output_mplugowl_7b_ft.json pid 64
    (
        "(B) Sample A",
        "sample A",
        {"A": "neither; the samples have the same temperature", "B": "sample A", "C": "sample B"},
    ),
    # mplugowl/output_mplugowl_7b_ft.json pid 333
    (
        "A is the correct option for the given question: Find tan X.\ntan X = \\frac { 5 } { 12 }",
        "\\frac { 5 } { 12 }",
        {
            "A": "\\frac { 5 } { 12 }",
            "B": "\\frac { 12 } { 13 }",
            "C": "\\frac { 17 } { 12 }",
            "D": "\\frac { 12 } { 5 }",
        },
    ),
    # mplugowl/output_mplugowl_7b_ft.json pid 266
    (
        "The correct answer is: A) oblique.",
        "oblique",
        {"A": "oblique", "B": "obtuse", "C": "cordate", "D": "truncate"},
    ),
    # bard/output_bard.json pid 471
    (
        "The mode of the data set is the score that appears the most often. In this case, the "
        "mode is 8. This means that 18 out of the 36 people who played the board game got a "
        "score of 8.",
        "8",
        None,
    ),
    # llama_adapter_v2/output_llama_adapter_v2.json pid 738
    (
        "No, this function is not continuous.",
        "No",
        {"A": "Yes", "B": "No"},
    ),
    # llama_adapter_v2/output_llama_adapter_v2.json pid 112
    (
        "No, the number of big cyan airliners is not less than the number of gray shiny utility bikes.",
        "No",
        {"A": "Yes", "B": "No"},
    ),
    # llama_adapter_v2/output_llama_adapter_v2.json pid 844
    (
        "No, the larger window is not shaped like the smaller window.",
        "No",
        {"A": "Yes", "B": "No"},
    ),
    # llavar/output_llavar.json pid 677
    (
        "The correct option letter is (B) No. The number of dirtbikes is greater than the number "
        "of small green metallic cars.",
        "No",
        {"A": "Yes", "B": "No"},
    ),
    # llava/output_llava_llama_2_13b.json pid 448
    (
        "The highest share of Urban secondary schools with access to electricity in India was "
        "recorded in 2016, with 94% of schools having electricity.",
        "2016",
        None,
    ),
]

PENDING: list[Case] = [
    # Correct by the publisher's label and by issue 25, still missed by the default profile: reading them needs
    # the claims half of issue 25. From lupantech/MathVista, results/ as above.
    # llava/output_llava_llama_2_13b.json pid 856
    (
        "The picture with the least leaves is the simple leaf.",
        "Simple",
        {"A": "Both", "B": "Compound", "C": "Simple", "D": "Neither"},
    ),
    # llava/output_llava_llama_2_13b.json pid 131
    (
        "There are 3 bars with values below 40.",
        "3",
        None,
    ),
    # mplugowl/output_mplugowl_7b_ft.json pid 153
    (
        "The impact of an increase in owls would be a decrease in mice populations.",
        "mice",
        {"A": "sun", "B": "grasshoppers", "C": "grass", "D": "mice"},
    ),
    # llavar/output_llavar.json pid 682
    (
        "If all the grass dies in the ecosystem, the population of squirrels will decrease.",
        "decrease",
        {"A": "decrease", "B": "remains the same", "C": "increase", "D": "NA"},
    ),
    # llava/output_llava_llama_2_13b.json pid 349
    (
        "The highest proportion (%) of capability is Rec, which is 30% of the total capability.",
        "Rec",
        {"A": "Rec", "B": "OCR", "C": "Know", "D": "Gen", "E": "Spat", "F": "Math"},
    ),
    # a count word in the working read as a value (issue 25: "a count word in the subject is not an answer")
    (
        "We write the two conditions as equations, subtract them to remove the quadratic terms, and substitute back; "
        "the checks agree with the diagram.\n\nThe answer is B.",
        "B",
        ABCD,
    ),
    (
        "We write the two conditions as equations, subtract them to remove the quadratic terms, and substitute back; "
        "the checks agree with the diagram. Therefore, the ball is red.",
        "red",
        None,
    ),
    # the answer in a later paragraph, or a text answer, after a long block of working
    (WORKING + "Therefore, the ball is red.", "red", None),
    # issue 25's own rows
]

VALUES: list[Case] = [*QUANTITIES, *LONG, *OPTIONS, *YES_NO, *TEXT, *EXPRESSIONS, *STRUCTURED, *PUBLIC]
CORRECT += [(reference, section, choices) for section, reference, choices in VALUES]

# ---------------------------------------------------------------- restating under a condition is no second value
CORRECT += [
    ("7", "The answer is 7.\n\nIf we add the two legs again, it would be 7 once more.", None),
    ("7", "7\n\n(7 if we count the corner post as well)", None),
    ("7", "The answer is 7.\n\nWe get 7 if we add 3 and 4.", None),
    ("7", "The most likely sum is 7.", None),
    ("yes", "Yes. It would be no only if the lines met, and they do not.", None),
]

# ---------------------------------------------------------------- a justification that names no other answer
# The clause after the value supports it or rejects another value; it offers none (review of 2d25b32: a clause that
# calls another value right is a claim, so these must stay right while those become wrong).
_TWO_SEVEN = {"A": "3", "B": "7", "C": "8", "D": "9"}
CORRECT += [
    ("B", "The answer is B, since A (3) is too small.", _TWO_SEVEN),
    ("B", "B, because 3 + 4 = 7.", _TWO_SEVEN),
    ("B", "The answer is B, since option D is not correct.", _TWO_SEVEN),
    ("B", "B, which is option B.", _TWO_SEVEN),
    ("7", "7, since 8 is too large.", None),
    ("7", "x = 7, since x = 3 is not valid.", None),
    ("7", "The answer is 7, which is the only possible value.", None),
    ("7", "7, because 3 + 4 = 7 is correct.", None),
    ("0.75", "The answer is 3/4, which is 0.75.", None),
    ("yes", "Yes, since no counterexample is possible.", None),
    ("green", "The answer is green, which is a calming color.", None),
    ("60", "A: 60", None),
]
CORRECT += [
    ("12", "The answer is 12 cm, since the side is 3 cm and there are 4 sides.", None),
    ("7", "7, because 2 of the other options are too large", None),
    ("7", "The answer is 7, where 3 and 4 are the possible summands", None),
    ("7", "7, since 8 would give another triangle", None),
    ("7", "The answer is 7, since the other options (3, 8, 9) are not valid.", None),
    ("7", "There are 7 apples, which is 2 more than 5.", None),
    ("0.5", "0.5, which is 50%", None),
    ("green", "The light is green, which is correct.", None),
]
CORRECT += [
    ("21", "The answer is 21, since 7 is also a factor of 21.", None),
    ("7", "The answer is 7, since 3 is also a prime.", None),
    ("7", "The answer is 7.\n\nSince angle B is 90°, the triangle is right.", None),
]
CORRECT += [
    ("green", "The car is green, which is unusual.", None),
    ("paris", "Paris, which is French.", None),
    ("green", "The leaves are green, which is typical of healthy plants.", None),
]
CORRECT += [
    ("10", "The answer is 10 (the other two sides are 6 and 8).", None),
    ("7", "The total is 7 (the other parts are 3 and 4).", None),
]
CORRECT += [
    ("1/2", r"\cos\left(\frac{\pi}{3}\right)", None),
    ("1", r"\sin\left(\frac{\pi}{2}\right)", None),
    ("24", r"\left(4\right)!", None),
    ("6", r"3\left(2\right)", None),
]

# ---------------------------------------------------------------- the same value restated in parentheses
# A second writing of the value, or the working that gives it, in a parenthesis after it (issue 25 probes): not a
# product with it and not a second claim. Twins that name another number are in the hedge corpus.
CORRECT += [
    ("0.5", "0.5 (50%)", None),
    ("7", "7 (3 + 4)", None),
    ("1/2", "\\frac{1}{2} (0.5)", None),
    ("2\\sqrt{3}", "2\\sqrt{3} (about 3.46)", None),
    ("7", "Seven (7).", None),
    ("7", "**7** (3 + 4)", None),
    ("1/3", "\\boxed{\\frac{1}{3}} (0.333)", None),
    ("0.5", "The answer is 0.5 (50%).", None),
    ("6", "$3(2)$", None),
]

# ---------------------------------------------------------------- rejecting another value is commitment
# ``B, not D`` names one answer and rules out another (issue 25 probes); rejecting the value just stated or adding a
# third value after the rejection stays a hedge (hedge corpus, tests/test_rejection.py).
_ABCD = {"A": "3", "B": "5", "C": "7", "D": "9"}
CORRECT += [
    ("B", "B, not D", _ABCD),
    ("B", "The answer is B, not D.", _ABCD),
    ("B", "**B**, not option D.", _ABCD),
    ("7", "7, not 8", None),
    ("7", "The answer is 7, not 8.", None),
    ("yes", "Yes, not no.", None),
    ("3/4", "\\frac{3}{4}, not \\frac{4}{3}", None),
    ("12", "12 cm, not 13 cm", None),
]

# ---------------------------------------------------------------- fractions in words with an article or a whole part
# ``a half``, ``one and a half`` (issue 25 probes); their twins (``one and a half`` against 1) are in test_kinds.
CORRECT += [
    ("0.5", "a half", None),
    ("1.5", "one and a half", None),
    ("0.25", "The answer is a quarter.", None),
    ("2.75", "The answer is two and three quarters.", None),
    ("1/8", "an eighth", None),
]

# ---------------------------------------------------------------- the plural "options" is not option S
_ABC = {"A": "3", "B": "5", "C": "7"}
CORRECT += [
    ("B", "The answer is B (the other options are 3 and 7).", _ABC),
    ("B", "The answer is B (options A and C are too small).", _ABC),
    ("B", "Of the three options, B.", _ABC),
]

# ---------------------------------------------------------------- a phrase that sets the scene is the working's
# ``After removing 3 of the 10 apples, 7 remain.`` (issue 25 probes): the opening phrase's numbers and its
# ``neither … nor`` are not what the sentence states. Twins (an opening phrase that endorses another value, a
# hedge in the main clause) are in the hedge corpus.
CORRECT += [
    ("7", "After removing 3 of the 10 apples, 7 remain.", None),
    ("7", "Among the 12 students, 7 prefer tea.", None),
    ("B", "Since 5 is neither 3 nor 7, B.", _ABC),
    ("7", "Of the 12 students, 7 prefer tea.", None),
    ("5", "Since the triangle with sides 3 and 4 is right, 5.", None),
    ("12", "In 3 days, the machine makes 12 parts.", None),
]

# ---------------------------------------------------------------- ``which is also`` a noun phrase describes the answer
CORRECT += [
    ("green", "Green, which is also a calming colour.", None),
    ("paris", "Paris, which is also the capital.", None),
    ("green", "Green, which is also green.", None),
]

# ---------------------------------------------------------------- ``(= …)`` after the value in a sentence
CORRECT += [
    ("7", "The answer is 7 (= 3 + 4).", None),
    ("7", "The answer is 7 (≈ 7.0).", None),
    ("7", "7 (= 3 + 4)", None),
]

# ---------------------------------------------------------------- a rejection that ends the answer commits to it
# Twins of the hedge corpus's rejections of a box or with values after them.
CORRECT += [
    ("7", "7, not 8.", None),
    ("B", "B, not D.", _ABCD),
    ("7", "\\boxed{7}, not 8.", None),
    ("7", "The answer is 7, not 8.\n\nThe figure is drawn to scale.", None),
    ("2.5", "2.5, not 3.5.", None),
]

# ---------------------------------------------------------------- a scene that endorses nothing stays the working's
CORRECT += [
    ("7", "Since 8 is too large, 7.", None),
    ("7", "Since 3 + 4 = 7, 7.", None),
    ("5", "Since both legs are 3 and 4, the hypotenuse is 5.", None),
    ("7", "Since 3 + 4 = 7 matches the total, 7.", None),
]

# ---------------------------------------------------------------- working in parentheses that evaluates to the value
CORRECT += [
    ("7", "The answer is 7 (3 + 4).", None),
    ("7", "\\boxed{7} (3 + 4)", None),
    ("24", "24 (4 × 6)", None),
    ("0", "0 (about 0)", None),
    ("1/3", "\\frac{1}{3} (about 0.33)", None),
]

# ---------------------------------------------------------------- doubt about something else, then what commits
CORRECT += [
    ("7", "The answer is 7. We can't be sure the figure is to scale, but the labels give 7.", None),
    ("7", "7 (we can't be sure by eye, so we computed it).", None),
    ("7", "7. It cannot be certain from the picture alone, so we used the labels.", None),
]

# ---------------------------------------------------------------- a rejected value the answer only ends with
CORRECT += [
    ("12", "The answer is 12, not 2.", None),
    ("-2", "The answer is -2, not 2.", None),
    ("25", "25, not 5", None),
    ("0.5", "0.5, not 5", None),
]

CORRECT += [
    ("7", "7 (3 + 4 = 7)", None),
    ("24", "24 (4 × 6 = 24)", None),
    ("7", "Since 3 + 4 = 7 matches the total, the answer is 7.", None),
]

# ---------------------------------------------------------------- a later paragraph that concludes the same value
CORRECT += [
    ("7", "7\n\n= 7", None),
    ("7", "7\n\nHence x = 7.", None),
    ("7", "7.\n\nThis is because 3 + 4 = 7.", None),
    ("7", "7\n\nSo 3 + 4 = 7.", None),
    ("7", "The answer is 7.\n\nSo the total of the 3 and 4 apples is 7.", None),
    ("7", "The answer is 7.\n\nThen we add the 3 and 4 apples to get 7.", None),
    ("7", "7\n\nSo we needed 3 and 4 to make it.", None),
    ("yes", "Yes. So yes.", None),
    ("yes", "Yes. So the answer is yes.", None),
    ("7", "7. So 3 + 4 = 7.", None),
    ("green", "The car is green. So it is green.", None),
]
