"""The statement reader on its own: what it reads from a final-answer block, and by which rule."""

from __future__ import annotations

import pytest

from service.rewards.statement import MAX_BLOCK_CHARS, read_statement


@pytest.mark.parametrize(
    ("block", "expect", "shown"),
    [
        ("5", "value", "plain → 5"),
        ("The largest $n$ is 34.", "value", "prose → 34"),
        ("There are four cars.", "value", "prose → 4"),
        ("\\boxed{3} \\boxed{4}", "value", "boxes → 3, 4"),
        ("\\boxed{5} and again \\boxed{5}", "value", "boxed → 5"),
        ("The answer is 5 or 6.", "value", "hedge: two values 5, 6"),
        ("35, not 34", "value", "prose → 35"),
        ("35, not 35", "value", "hedge: negation (not)"),
        ("maybe 5", "value", "hedge: uncertain (maybe)"),
        ("No, the lines do not meet.", "yes_no", "yes_no → no"),
        ("Yes / No", "yes_no", "hedge: yes and no"),
        ("The right choice is C.", "letter", "option → C"),
        ("A or B", "letter", "hedge: several options A, B"),
        ("$$\n9\n$$", "value", "plain → $$\n9\n$$"),
        ("The town has 3,400 people.", "value", "prose → 3,400"),
        ("It costs \\$23{,}000.", "value", "prose → 23,000"),
    ],
)
def test_what_is_read_and_by_which_rule(block, expect, shown):
    assert read_statement(block, expect).shown() == shown


def test_a_worked_solution_is_read_at_its_last_announced_answer():
    text = "First compute the legs: 3 and 4 give 9 + 16 = 25. " * 6
    text += "Therefore, the final answer is 5. I hope it is correct."
    assert read_statement(text).shown() == "prose → 5"
    boxed = ("We try 2, then 3. " * 15) + "So the answer is $\\boxed{7}$."
    assert read_statement(boxed).value == "7"


def test_an_over_long_block_is_not_read():
    statement = read_statement("1 " * MAX_BLOCK_CHARS)
    assert statement.value is None and statement.rule == "none"
