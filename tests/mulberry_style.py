"""Reference solutions written in Mulberry's style, each with a wrong-answer sibling, for measuring
``extract``: the layout of CoMCTS responses (HJYao00/Mulberry ``comcts/README.md`` output examples:
``### Image Description:``, ``### Rationales:``, ``### Let's think step by step.``, ``### Step N:``,
``### The final answer is:``) and of its GeoQA-style worked explanations ending ``Answer:X``.
Written for these tests; the problems are ordinary textbook ones.

A sibling is what a policy model writes when it goes wrong: the same figure and plan, then a wrong
relation or a slip, and the wrong option.
"""

from __future__ import annotations


def mulberry(description: str, rationale: str, steps: list[str], answer: str) -> str:
    parts = ["### Image Description:\n" + description, "### Rationales:\n" + rationale, "### Let's think step by step."]
    parts += [f"### Step {i}:\n{step}" for i, step in enumerate(steps, 1)]
    parts.append("### The final answer is: " + answer)
    return "\n\n".join(parts)


def _item(question, description, rationale, steps, answer, wrong_steps, wrong_answer):
    genuine = mulberry(description, rationale, steps, answer)
    return question, genuine, mulberry(description, rationale, wrong_steps, wrong_answer)


_PARALLEL = (
    "Two parallel lines a and b are cut by a transversal c. Angles 1 to 8 are numbered at the intersections; "
    "angle 4 is marked 57 degrees."
)
_RIGHT = "A right triangle ABC with the right angle at C. Side AC is labelled 6 and side BC is labelled 8."
_BARS = "A bar chart of fruit sales: apples 45, bananas 30, cherries 25 and dates 50 boxes."

ITEMS = [
    _item(
        "Find the measure of angle 5.\nChoices:\nA: 57\nB: 113\nC: 123\nD: 133",
        _PARALLEL,
        "Angles formed by parallel lines and a transversal are related; we need the relation between angles 4 and 5.",
        [
            "Angles 4 and 5 are consecutive interior angles, since lines a and b are parallel.",
            "Consecutive interior angles are supplementary, so m∠4 + m∠5 = 180°.",
            "Substitute m∠4 = 57°: 57° + m∠5 = 180°.",
            "Therefore m∠5 = 180° - 57° = 123°.",
        ],
        "C",
        [
            "Angles 4 and 5 are corresponding angles, since lines a and b are parallel.",
            "Corresponding angles are congruent, so angle 5 equals angle 4.",
            "Therefore the measure of angle 5 is 57 degrees.",
        ],
        "A",
    ),
    _item(
        "Find AB.\nChoices:\nA: 10\nB: 12\nC: 14\nD: 100",
        _RIGHT,
        "AB is the hypotenuse of a right triangle, so the Pythagorean theorem gives it from the legs.",
        [
            "The legs are AC = 6 and BC = 8.",
            "By the Pythagorean theorem, AB^2 = AC^2 + BC^2 = 36 + 64 = 100.",
            "So AB = \\sqrt{100} = 10.",
        ],
        "A",
        ["The legs are AC = 6 and BC = 8.", "Adding the two legs gives the third side: AB = 6 + 8 = 14."],
        "C",
    ),
    _item(
        "What is the area of triangle ABC?\nChoices:\nA: 14\nB: 24\nC: 48\nD: 96",
        _RIGHT,
        "The area of a right triangle is half the product of its legs.",
        ["The legs AC = 6 and BC = 8 are perpendicular.", "Area = \\frac{1}{2} \\times 6 \\times 8 = 24."],
        "B",
        ["The legs AC = 6 and BC = 8 are perpendicular.", "Area = 6 \\times 8 = 48."],
        "C",
    ),
    _item(
        "How many more boxes of dates than cherries were sold?",
        _BARS,
        "Read both bars and subtract.",
        [
            "The bar for dates reaches 50 boxes.",
            "The bar for cherries reaches 25 boxes.",
            "The difference is 50 - 25 = 25 boxes.",
        ],
        "25",
        [
            "The bar for dates reaches 45 boxes.",
            "The bar for cherries reaches 30 boxes.",
            "The difference is 45 - 30 = 15 boxes.",
        ],
        "15",
    ),
    _item(
        "Which fruit sold the most?\nChoices:\nA: apples\nB: bananas\nC: cherries\nD: dates",
        _BARS,
        "Compare the heights of the bars.",
        [
            "Apples sold 45 boxes, bananas 30 boxes, cherries 25 boxes and dates 50 boxes.",
            "The tallest bar is dates with 50 boxes.",
        ],
        "D",
        ["Apples sold 45 boxes and bananas 30 boxes.", "The tallest bar appears to be apples."],
        "A",
    ),
    _item(
        "What is the total number of boxes sold?",
        _BARS,
        "Add the four bars.",
        ["The four bars show 45, 30, 25 and 50 boxes.", "The total is 45 + 30 + 25 + 50 = 150 boxes."],
        "150",
        ["The four bars show 45, 30, 25 and 50 boxes.", "The total is 45 + 30 + 50 = 125 boxes."],
        "125",
    ),
    _item(
        "Find the circumference of the circle with radius 7 cm. Use \\pi = 22/7.",
        "A circle with centre O; a radius OA is drawn and labelled 7 cm.",
        "The circumference of a circle is 2\\pi r.",
        ["The radius is r = 7 cm.", "The circumference is C = 2 \\times \\frac{22}{7} \\times 7 = 44 cm."],
        "44 cm",
        ["The radius is r = 7 cm.", "The circumference is C = \\frac{22}{7} \\times 7 = 22 cm."],
        "22 cm",
    ),
    _item(
        "Find the area of the circle.\nChoices:\nA: 9\\pi\nB: 18\\pi\nC: 36\\pi\nD: 6\\pi",
        "A circle with diameter AB labelled 12.",
        "The area of a circle is \\pi r^2 with r half the diameter.",
        ["The diameter is 12, so the radius is r = 6.", "The area is \\pi r^2 = 36\\pi."],
        "C",
        ["The diameter is 12.", "Using the diameter as the radius, the area is 144\\pi, closest to option C."],
        "C: 36\\pi",
    ),
    _item(
        "Find x.\nChoices:\nA: 30\nB: 40\nC: 50\nD: 60",
        "A triangle with interior angles labelled x, 2x and 90 degrees.",
        "The interior angles of a triangle add up to 180 degrees.",
        ["By the triangle angle sum, x + 2x + 90 = 180.", "So 3x = 90, and x = 30."],
        "A",
        ["The two unknown angles are equal, so x + x = 90.", "So x = 45, which is closest to option B."],
        "B",
    ),
    _item(
        "Find m∠ABC.\nChoices:\nA: 35\nB: 55\nC: 70\nD: 110",
        "An isosceles triangle ABC with AB = AC; the vertex angle at A is labelled 70 degrees.",
        "The base angles of an isosceles triangle are equal.",
        [
            "Since AB = AC, the base angles ∠ABC and ∠ACB are equal.",
            "Their sum is 180° - 70° = 110°.",
            "So m∠ABC = 110° / 2 = 55°.",
        ],
        "B",
        ["The base angle equals the vertex angle in this triangle.", "So m∠ABC = 70°."],
        "C",
    ),
    _item(
        "Find the perimeter of rectangle ABCD.\nChoices:\nA: 24\nB: 28\nC: 35\nD: 48",
        "A rectangle ABCD with AB labelled 9 and BC labelled 5.",
        "The perimeter of a rectangle is twice the sum of two sides.",
        ["The sides are AB = 9 and BC = 5.", "The perimeter is 2 \\times (9 + 5) = 28."],
        "B",
        ["The sides are AB = 9 and BC = 5.", "The perimeter is 9 \\times 5 = 45, so the nearest option is D."],
        "D",
    ),
    _item(
        "A car travels 150 km in 2.5 hours. What is its average speed?",
        "A road sign showing 150 km and a clock showing 2.5 hours.",
        "Average speed is distance divided by time.",
        ["The distance is 150 km and the time is 2.5 hours.", "The speed is 150 / 2.5 = 60 km/h."],
        "60 km/h",
        ["The distance is 150 km and the time is 2.5 hours.", "The speed is 150 \\times 2.5 = 375 km/h."],
        "375 km/h",
    ),
    _item(
        "What percentage of the students chose basketball?",
        "A pie chart of 40 students' favourite sports: basketball 14, football 16, tennis 10.",
        "The share of one group is its count over the total, as a percentage.",
        ["Basketball was chosen by 14 students out of 40 students.", "The share is 14 / 40 = 0.35, that is 35%."],
        "35%",
        ["Basketball was chosen by 16 students.", "The share is 16 / 40 = 40%."],
        "40%",
    ),
    _item(
        "Solve for x: 3x + 7 = 22.",
        "An equation written on a whiteboard.",
        "Isolate x with inverse operations.",
        ["Subtract 7 from both sides: 3x = 15.", "Divide both sides by 3: x = 5."],
        "5",
        ["Add 7 to both sides: 3x = 29.", "Divide by 3: x = 9.67."],
        "9.67",
    ),
    _item(
        "Find the length of the arc AB.\nChoices:\nA: 2\\pi\nB: 3\\pi\nC: 4\\pi\nD: 6\\pi",
        "A circle with centre O and radius 9; the central angle AOB is labelled 60 degrees.",
        "Arc length is the circumference times the fraction of the full turn.",
        [
            "The central angle is 60°, which is \\frac{60}{360} = \\frac{1}{6} of the circle.",
            "The circumference is 2\\pi \\times 9 = 18\\pi.",
            "So the arc length is \\frac{1}{6} \\times 18\\pi = 3\\pi.",
        ],
        "B",
        ["The central angle is 60°.", "The arc length is 60 / 9 \\pi, about 2\\pi."],
        "A",
    ),
    _item(
        "Find y.\nChoices:\nA: 4\nB: 6\nC: 8\nD: 12",
        "Two similar triangles; the small one has sides 3 and 4, the large one has sides 6 and y.",
        "Corresponding sides of similar triangles are proportional.",
        ["The scale factor is 6 / 3 = 2.", "So y = 2 \\times 4 = 8."],
        "C",
        ["The difference of the sides is 6 - 3 = 3.", "So y = 4 + 3 = 7, closest to option C."],
        "C: 8",
    ),
    _item(
        "What is the probability of drawing a red marble?",
        "A bag with 3 red, 5 blue and 2 green marbles.",
        "Probability is favourable outcomes over all outcomes.",
        ["There are 3 + 5 + 2 = 10 marbles in total.", "The probability of red is \\frac{3}{10} = 0.3."],
        "0.3",
        ["There are 3 red marbles and 5 blue marbles.", "The probability of red is \\frac{3}{5} = 0.6."],
        "0.6",
    ),
    _item(
        "Find the volume of the cylinder.\nChoices:\nA: 45\\pi\nB: 75\\pi\nC: 90\\pi\nD: 150\\pi",
        "A cylinder with radius 5 and height 3.",
        "The volume of a cylinder is \\pi r^2 h.",
        ["The radius is r = 5 and the height is h = 3.", "The volume is V = \\pi \\times 5^2 \\times 3 = 75\\pi."],
        "B",
        ["The radius is r = 5 and the height is h = 3.", "V = 2\\pi \\times 5 \\times 3 = 30\\pi, closest to A."],
        "A",
    ),
    _item(
        "In which year were sales highest?",
        "A line graph of yearly sales from 2015 to 2019, peaking at 820 units in 2018.",
        "Find the highest point of the line.",
        ["The line rises from 2015 to 2018 and falls in 2019.", "The peak is 820 units in 2018."],
        "2018",
        ["The line rises steadily.", "The last point, 2019, is the highest."],
        "2019",
    ),
    _item(
        "Find the measure of the exterior angle at D.\nChoices:\nA: 40\nB: 80\nC: 100\nD: 140",
        "Triangle DEF with angles E = 60 degrees and F = 40 degrees; side FD is extended past D.",
        "An exterior angle equals the sum of the two remote interior angles.",
        [
            "The remote interior angles are ∠E = 60° and ∠F = 40°.",
            "By the exterior angle theorem, the exterior angle is 60° + 40° = 100°.",
        ],
        "C",
        ["The interior angle at D is 180° - 60° - 40° = 80°.", "The exterior angle equals the interior angle at D."],
        "B",
    ),
    _item(
        "How much does the shirt cost after the discount?",
        "A price tag reading $40 with a 25% off sticker.",
        "Subtract the discount from the original price.",
        [
            "The discount is 25% of $40, which is 0.25 \\times 40 = 10 dollars.",
            "The sale price is 40 - 10 = 30 dollars.",
        ],
        "$30",
        ["The discount is 25 dollars.", "The sale price is 40 - 25 = 15 dollars."],
        "$15",
    ),
    _item(
        "Find the slope of the line through the two marked points.",
        "A coordinate plane with points P(1, 2) and Q(4, 11) marked and joined by a line.",
        "The slope is the change in y over the change in x.",
        ["The change in y is 11 - 2 = 9 and the change in x is 4 - 1 = 3.", "The slope is m = 9 / 3 = 3."],
        "3",
        ["The change in x is 4 - 1 = 3 and the change in y is 11.", "The slope is m = 3 / 11."],
        "3/11",
    ),
    _item(
        "Find the area of the trapezoid.\nChoices:\nA: 40\nB: 52\nC: 65\nD: 104",
        "A trapezoid with parallel sides 10 and 16 and height 4.",
        "The area of a trapezoid is the average of the bases times the height.",
        ["The bases are 10 and 16 and the height is 4.", "Area = \\frac{10 + 16}{2} \\times 4 = 52."],
        "B",
        ["The bases are 10 and 16 and the height is 4.", "Area = 10 \\times 16 / 4 = 40."],
        "A",
    ),
    _item(
        "Find x in the figure.\nChoices:\nA: 3\nB: 4\nC: 5\nD: 6",
        "Two chords AB and CD intersect at E inside a circle; AE = 4, EB = 6, CE = 3 and ED = x.",
        "The intersecting chords theorem: the products of the segments are equal.",
        [
            "By the intersecting chords theorem, AE \\times EB = CE \\times ED.",
            "So 4 \\times 6 = 3x, that is 24 = 3x.",
            "Therefore x = 8, and the nearest option is D.",
        ],
        "D",
        ["The segments add up: AE + EB = CE + ED.", "So 4 + 6 = 3 + x, and x = 7."],
        "D: 6",
    ),
    _item(
        "How many cubes are in the stack?",
        "A stack of unit cubes: 3 layers, each a 2 by 3 rectangle of cubes.",
        "Count the cubes in one layer and multiply by the number of layers.",
        ["Each layer has 2 \\times 3 = 6 cubes.", "With 3 layers there are 6 \\times 3 = 18 cubes."],
        "18",
        ["Each layer has 2 + 3 = 5 cubes.", "With 3 layers there are 15 cubes."],
        "15",
    ),
    _item(
        "What is the mean of the data shown?",
        "A table of five test scores: 72, 85, 90, 64 and 89.",
        "The mean is the sum divided by the number of values.",
        ["The sum is 72 + 85 + 90 + 64 + 89 = 400.", "The mean is 400 / 5 = 80."],
        "80",
        ["The middle value of the scores is 85.", "So the mean is 85."],
        "85",
    ),
    _item(
        "Find the height of the tree.\nChoices:\nA: 9\nB: 12\nC: 15\nD: 18",
        "A 2 m pole casts a 3 m shadow while a tree casts an 18 m shadow.",
        "Similar triangles: heights are proportional to shadows.",
        ["The ratio of height to shadow is 2 / 3.", "The tree's height is 18 \\times \\frac{2}{3} = 12 m."],
        "B",
        [
            "The ratio of shadow to height is 3 / 2.",
            "The tree's height is 18 \\times \\frac{3}{2} = 27 m, closest to D.",
        ],
        "D",
    ),
    _item(
        "Find the sum of the interior angles of the hexagon.",
        "A regular hexagon ABCDEF.",
        "The interior angle sum of an n-gon is (n - 2) \\times 180°.",
        ["A hexagon has n = 6 sides.", "The sum is (6 - 2) \\times 180° = 720°."],
        "720°",
        ["A hexagon has n = 6 sides.", "The sum is 6 \\times 180° = 1080°."],
        "1080°",
    ),
    _item(
        "How many degrees is each interior angle of a regular pentagon?",
        "A regular pentagon with all sides equal.",
        "The interior angle sum of a pentagon divided among its five equal angles.",
        [
            "The interior angle sum of a pentagon is (5 - 2) \\times 180° = 540°.",
            "Each of the five equal angles measures 540° / 5 = 108°.",
        ],
        "108°",
        ["A pentagon has five angles around a full turn of 360°.", "Each angle measures 360° / 5 = 72°."],
        "72°",
    ),
    _item(
        "How many minutes does the bus take from Elm Street to Park Road?",
        "A bus timetable: Elm Street 08:10, Oak Avenue 08:25, Park Road 08:47.",
        "Subtract the departure time from the arrival time.",
        [
            "The bus leaves Elm Street at 08:10 and reaches Park Road at 08:47.",
            "The journey takes 47 - 10 = 37 minutes.",
        ],
        "37",
        [
            "The bus leaves Elm Street at 08:10 and reaches Oak Avenue at 08:25.",
            "The journey takes 25 - 10 = 15 minutes.",
        ],
        "15",
    ),
    _item(
        "Find the value of x.\nChoices:\nA: 25\nB: 29\nC: 31\nD: 35",
        "A straight line with two adjacent angles labelled (3x + 12)° and (2x + 13)°.",
        "Angles on a straight line form a linear pair and add up to 180°.",
        [
            "The two angles form a linear pair, so (3x + 12) + (2x + 13) = 180.",
            "Combining like terms gives 5x + 25 = 180, so 5x = 155.",
            "Hence x = 31, which is option C.",
        ],
        "C",
        ["The two angles are vertical angles, so 3x + 12 = 2x + 13.", "Hence x = 1, closest to option A."],
        "A",
    ),
    # GeoQA-style worked explanations (CoMCTS ground truths), read sentence by sentence
    (
        "Find angle 2.\nChoices:\nA: 32°\nB: 68°\nC: 58°\nD: 34°",
        "Since line a is parallel to line b, angle 2 + angle BAC + angle 1 = 180°. Since AC is perpendicular to BA, "
        "angle BAC = "
        "90°. Therefore, angle 2 = 180° - angle 1 - angle BAC = 180° - 90° - 32° = 58°. Therefore, the answer is: "
        "C.\nAnswer:C",
        "Since line a is parallel to line b, angle 2 = angle 1. Therefore, angle 2 = 32°. Therefore, the answer is: "
        "A.\nAnswer:A",
    ),
    (
        "Find the length of BC.\nChoices:\nA: 4\nB: 6\nC: 8\nD: 10",
        "Since D and E are the midpoints of AB and AC, DE is the midline of triangle ABC. Therefore BC = 2DE. Since DE "
        "= 4, "
        "BC = 2 \\times 4 = 8. Therefore, the answer is: C.\nAnswer:C",
        "Since D and E lie on AB and AC, BC = DE + 2. Since DE = 4, BC = 6. Therefore, the answer is: B.\nAnswer:B",
    ),
    (
        "Find the degree of angle AOC.\nChoices:\nA: 40°\nB: 80°\nC: 100°\nD: 160°",
        "Since angle ABC is an inscribed angle subtending arc AC, angle AOC = 2 angle ABC. Since angle ABC = 40°, "
        "angle AOC = 2 \\times 40° = 80°. Therefore, the answer is: B.\nAnswer:B",
        "Since angle AOC and angle ABC subtend the same arc, they are equal. Since angle ABC = 40°, angle AOC = 40°. "
        "Therefore, the answer is: A.\nAnswer:A",
    ),
    (
        "If the perimeter of rhombus ABCD is 20, find the length of side AB.\nChoices:\nA: 4\nB: 5\nC: 10\nD: 20",
        "Since all four sides of a rhombus are equal, AB = \\frac{20}{4} = 5. Therefore, the answer is: B.\nAnswer:B",
        "Since the perimeter is 20 and a rhombus has two pairs of sides, AB = \\frac{20}{2} = 10. Therefore, the "
        "answer is: C.\nAnswer:C",
    ),
]
