"""Completions built to make their own scoring fail, through the real server with its default limits: each
comes back ``ok`` with the reward its content earns, never ``error`` or ``timeout`` (a failure would be a
shelter: see issue 28). A rebuilt reader is checked against the same shapes.
"""

from __future__ import annotations

import unicodedata

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.rewards.answers import AnswerJudge

from .conftest import start_server

HEADERS = (
    "### Image Description:\nA right triangle ABC.\n### Rationales:\nUse the Pythagorean theorem.\n"
    "### Let's think step by step.\n### Step 1:\n{step}\n### The final answer is:\n{answer}"
)
REFERENCE = {"answer": "5", "key_steps": [["AB = 3"], ["AC = 5"]]}
HUGE = "9" * 3400 + "e999"
"""A number Python will not write out (its value has 4,399 digits, past the 4,300-digit limit)."""


def completion(step: str = "AB = 3 and BC = 4, so AC = 5.", answer: str = "5") -> str:
    return HEADERS.format(step=step, answer=answer)


CONTENT_TWINS = {
    "placeholders around the answer": (completion(answer="\x015\x02"), completion(answer=" 5 ")),
    "placeholders in a sentence": (
        completion(answer="The answer is \x010\x02 \x015\x02."),
        completion(answer="The answer is 0 5."),
    ),
    "a forged placeholder index": (completion(answer="\x0199\x02 is it: 5"), completion(answer=" 99  is it: 5")),
    "a step break in a step": (completion(step="AB = 3 \x00 AC = 5"), completion(step="AB = 3   AC = 5")),
    "a huge number in a step": (
        completion(step=f"AB = 3, so AC = 5 and y = {HUGE}."),
        completion(step="AB = 3, so AC = 5 and y = 7."),
    ),
    "a huge number as the answer": (completion(answer=HUGE), completion(answer="7")),
    "a huge number in the answer's sentence": (
        completion(answer=f"The answer is {HUGE}."),
        completion(answer="The answer is 7."),
    ),
}


@pytest.fixture(scope="module")
def default_client():
    server = start_server("--workers", "2")
    try:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            yield client
    finally:
        server.stop()


def scored(client: httpx.Client, profile: str, completions: list[str], reference: dict = REFERENCE) -> list[dict]:
    body = {"profile": profile, "groups": [{"reference": reference, "completions": completions}]}
    response = client.post("/v1/score", json=body)
    assert response.status_code == 200, response.text[:2000]
    return response.json()["groups"][0]["results"]


@pytest.mark.parametrize("profile", ["stepgrpo", "r1vl-reference"])
@pytest.mark.parametrize("reference_answer", ["5", "yes", "red"])
def test_crafted_completions_earn_what_their_content_earns(default_client, profile, reference_answer):
    """Each completion scores ``ok``; under ``stepgrpo`` exactly as its twin without the crafted part
    (placeholders blanked, the huge number replaced by a small one). ``r1vl-reference`` reads the raw text
    as R1-VL's code does (math-verify over the whole completion), so only its status is compared there."""
    reference = {**REFERENCE, "answer": reference_answer}
    names = list(CONTENT_TWINS)
    crafted = scored(default_client, profile, [CONTENT_TWINS[n][0] for n in names], reference)
    twins = scored(default_client, profile, [CONTENT_TWINS[n][1] for n in names], reference)
    for name, got, twin in zip(names, crafted, twins, strict=True):
        assert got["status"] == twin["status"] == "ok", (name, got)
        if profile == "stepgrpo":
            assert (got["reward"], got["answer_correct"]) == (twin["reward"], twin["answer_correct"]), name


def test_placeholder_answer_is_read(default_client):
    """The placeholders do not hide the answer: ``\\x015\\x02`` states 5, and is paid as 5."""
    results = scored(default_client, "stepgrpo", [completion(answer="\x015\x02"), completion(answer="\x016\x02")])
    assert [r["answer_correct"] for r in results] == [True, False]


# ---------------------------------------------------------------- unicode: one spelling before numbers are read

DASHES = sorted(
    chr(c) for c in range(0x80, 0x20000) if unicodedata.category(chr(c)) == "Pd" and chr(c) not in "\u301c\u3030"
)
MARKS = [chr(c) for c in range(0x300, 0x20000) if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me")]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(MARKS), st.sampled_from(["{} ", "The answer is {}.", "${}$", "x = {}"]))
def test_a_marked_digit_is_never_the_plain_number(mark, frame):
    """``10`` with a combining mark (U+0338 reads "not 10") is not 10, wherever the mark sits on its digits."""
    for marked in ("10" + mark, "1" + mark + "0"):
        assert not AnswerJudge("10").judge(frame.format(marked)).correct, (mark, frame)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from([*DASHES, "\u2212", "\u2796", "\ufe63", "\uff0d"]))
def test_every_dash_reads_as_minus(dash):
    assert AnswerJudge("-5").judge(f"{dash}5").correct, hex(ord(dash))
    assert not AnswerJudge("5").judge(f"{dash}5").correct, hex(ord(dash))


@pytest.mark.parametrize(
    ("reference", "stated"),
    [
        ("10", "1\u200b0"),
        ("10", "1\u200d0"),
        ("10", "\ufeff10"),
        ("1000", "1\u066c000"),
        ("3.5", "\u0663\u066b\u0665"),
        ("-5", "\u20105"),
        ("-5", "\u20125"),
        ("-5", "The answer is \u20115."),
    ],
)
def test_format_characters_arabic_separators_and_dashes_read_as_written(reference, stated):
    assert AnswerJudge(reference).judge(stated).correct, stated


def test_unicode_through_the_server(default_client):
    """The same readings over the wire, under the default profile: the marked 10 is wrong, the others right."""
    answers = ["10\u0338", "1\u200b0", "1\u066c000", "\u201210"]
    references = ["10", "10", "1000", "-10"]
    got = [
        scored(default_client, "stepgrpo", [completion(answer=a)], {**REFERENCE, "answer": r})[0]
        for a, r in zip(answers, references, strict=True)
    ]
    assert [r["status"] for r in got] == ["ok"] * 4
    assert [r["answer_correct"] for r in got] == [False, True, True, True]
