"""Completions and references shared by the tests: genuine, wrong, malformed and stuffed."""

RIGHT_TRIANGLE_KEY_STEPS = {
    "Steps": [["AB = 3", "AB=3"], ["BC = 4"], ["pythagorean theorem", "pythagoras"], ["AC = 5"]]
}

GENUINE = """### Image Description:
The image shows a right triangle ABC with the right angle at B; side AB is labelled 3 and side BC is labelled 4.
### Rationales:
The question asks for the length of the hypotenuse AC, so the Pythagorean theorem applies.
### Let's think step by step.
### Step 1:
From the figure, the legs are AB = 3 and BC = 4, and the angle at B is a right angle.
### Step 2:
By the Pythagorean theorem, $AC = \\sqrt{AB^2 + BC^2} = \\sqrt{9 + 16} = \\sqrt{25} = 5$.
### The final answer is: 5"""

WRONG_ANSWER = GENUINE.replace("= \\sqrt{25} = 5$", "= \\sqrt{25} = 6$").replace("answer is: 5", "answer is: 6")

NO_STEPS = "### Image Description:\nA triangle.\n### Rationales:\nPythagoras.\n### The final answer is: 5"

STUFFED = """### Image Description:
A triangle.
### Rationales:
Key terms.
### Step 1:
AB = 3, BC = 4, pythagorean theorem, AC = 5, AB = 3, BC = 4, pythagorean theorem
### The final answer is: 5"""

POWER_TOWER = (
    "### Image Description:\nx\n### Rationales:\ny\n### Step 1:\nCompute it.\n### The final answer is: 5^(5^(5^5))"
)


def group(completions, answer="5", key_steps=RIGHT_TRIANGLE_KEY_STEPS, group_id=None, **reference):
    g = {"reference": {"answer": answer, "key_steps": key_steps, **reference}, "completions": list(completions)}
    if group_id is not None:
        g["group_id"] = group_id
    return g
