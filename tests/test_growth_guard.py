"""Answers whose value grows without bound are judged wrong by the growth guard, never by a timeout.

Each form below ran until the worker was killed (or for seconds) before the guard: sympy computes
factorials, binomials, sums and powers exactly and expands powers of sums. Through the real server
with the default 5 s deadline, every one is answered ``ok`` and wrong, as a stated answer and as the
reference (then the group's reference is unusable, with the reason); the legitimate forms next to
them still score as before.
"""

from __future__ import annotations

import time

import httpx
import pytest

from service.rewards.answers import AnswerJudge
from service.rewards.growth import unbounded_growth
from service.rewards.numeric import numeric_value
from service.rewards.text import tokens

from .conftest import start_server

UNBOUNDED = [
    r"(10^{10})!",
    r"(10^{6})!",
    r"1000!",
    r"99999999999999!",
    r"{10^{6}}!",
    r"\left(10^{10}\right)!",
    r"(2^{100})!",
    r"(10^{6})!!",
    r"factorial(10^{8})",
    r"\frac{(10^{10})!}{2}",
    r"1+(10^{7})!",
    r"\Gamma(10^{10})",
    r"\Gamma(100000)",
    r"\Gamma\left(10^{10}\right)",
    r"\operatorname{Gamma}(10^{7})",
    r"\binom{10^{9}}{10^{5}}",
    r"{10^9 \choose 10^5}",
    r"\binom{10^{12}}{10^{6}}",
    r"\dbinom{2^{40}}{2^{20}}",
    r"\tbinom{10^{9}}{500000}",
    r"C(10^{9}, 10^{5})",
    r"(a+b+c)^{500}",
    r"(a+b+c+d+e+f)^{300}",
    r"(x+1)^{999}",
    r"(x+y+z)^{60}",
    r"(1+x)^{10^{4}}",
    r"(a+b)(c+d)(e+f)(g+h)(i+j)(k+l)(m+n)(o+p)",
    r"2^{\frac{1}{2^{1000}}}",
    r"2^{-\frac{1}{10^{60}}}",
    r"\sqrt[10^{100}]{2}",
    r"10^{10^{10}}",
    r"9^{9^{9}}",
    r"3^{3^{3^{3}}}",
    r"x^{x^{x^{x}}}",
    r"5^(5^(5^5))",
    r"5**(5**(5**5))",
    r"e^{e^{e^{10}}}",
    r"\exp(\exp(\exp(10)))",
    r"e^{10^{6}}",
    r"2^{99999999}",
    r"10^{100000}",
    r"3 \times 10^{100000}",
    r"x^{100000}",
    r"\sum_{k=1}^{10^{9}} k",
    r"\sum_{k=1}^{10^{9}} \frac{1}{k}",
    r"\sum_{n=0}^{10^{20}} \frac{1}{n!}",
    r"\prod_{k=1}^{10^{6}} k",
    # issue 28: forms the guard missed (the binomial's lgamma estimate cancelled to 0 in floating point)
    r"\binom{10^{100}}{10^{50}}",
    r"\binom{10^{30}}{10^{20}}",
    r"\sum_{k=1}^{n} k^{999}",
    r"\prod_{k=1}^{n} k^{100}",
    r"\int_0^1 x^{9999} e^x dx",
    r"\int x^{500} \sin x \, dx",
    r"(1+\sqrt{2})^{99999}",
    r"(\pi+1)^{5000}",
    r"\frac{x^{99999}-1}{x-1}",
    r"\frac{x^{1000}+x+1}{x^{2}+1}",
    r"\begin{vmatrix} a & b & c & d & e & f & g & h \\ i & j & k & l & m & n & o & p \\ q & r & s & t & u & v & w & x"
    r" \\ y & z & A & B & C & D & E & F \\ G & H & I & J & K & L & M & N \\ O & P & Q & R & S & T & U & V"
    r" \\ W & X & Y & Z & a^2 & b^2 & c^2 & d^2 \\ e^2 & f^2 & g^2 & h^2 & i^2 & j^2 & k^2 & l^2 \end{vmatrix}",
    r"\det\begin{pmatrix} a & b & c & d & e & f \\ g & h & i & j & k & l \\ m & n & o & p & q & r \\ s & t & u & v & w"
    r" & y \\ z & A & B & C & D & E \\ F & G & H & I & J & K \end{pmatrix}",
    r"\sin(10^{99999})",
    r"\cos\left(10^{500}\right)",
]
"""Factorials, gamma, binomials, powers of sums, tiny and huge exponents, towers, sums and products."""

LEGITIMATE = [  # (reference, an equal answer written another way)
    ("120", r"5!"),
    ("120", r"\binom{10}{3}"),
    ("x^2+2x+1", r"(x+1)^2"),
    ("1024", r"2^{10}"),
    ("0.001", r"10^{-3}"),
    ("120000", r"1.2 \times 10^{5}"),
    ("9900", r"\frac{100!}{98!}"),
    ("24", r"\Gamma(5)"),
    ("3628800", r"\prod_{k=1}^{10} k"),
    ("55", r"\sum_{k=1}^{10} k"),
    ("n(n+1)/2", r"\frac{n(n+1)}{2}"),
    ("a^3+3a^2b+3ab^2+b^3", r"(a+b)^{3}"),
    ("602000000000000000000000", r"6.02 \times 10^{23}"),
    ("5\\sqrt{2}", r"\sqrt{50}"),
    ("\\frac{1}{8}", r"2^{-3}"),
    ("x+1", r"\frac{x^2-1}{x-1}"),
    ("3+2\\sqrt{2}", r"(1+\sqrt{2})^{2}"),
    ("1000", r"1\,000"),
    (r"1\,000", "1000"),
    ("0", r"3 \cdot 0"),
    (r"0 \times 10^{5}", "0"),
]
"""The last four are zero products (``1\\,000`` is ``1 \\cdot 000`` to the tree): zero has no digits to count, yet
they were refused as "a product with about -inf digits", and such a reference made its group unusable."""


@pytest.mark.parametrize("form", UNBOUNDED)
def test_the_guard_names_why(form):
    assert unbounded_growth(form), form


@pytest.mark.parametrize(("reference", "answer"), LEGITIMATE)
def test_legitimate_forms_pass_the_guard(reference, answer):
    assert unbounded_growth(answer) is None and unbounded_growth(reference) is None


def test_the_guard_judges_in_process_without_sympy():
    judge = AnswerJudge("5")
    verdicts = [judge.judge(form) for form in UNBOUNDED]
    assert {(v.correct, v.method) for v in verdicts} == {(False, "guard")}


def test_the_other_evaluators_leave_them_alone():
    """The closed-form walker (its own digit and exponent caps) and the key-step tokenizer (exponents of
    at most three digits) never build these values: None, and plain tokens."""
    assert [form for form in UNBOUNDED if numeric_value(form) is not None] == []
    assert all(tokens(f"so AB = {form}") for form in UNBOUNDED)


def test_at_least_forty_forms():
    assert len(set(UNBOUNDED)) >= 40


HEADERS = (
    "### Image Description:\nA figure.\n### Rationales:\nCompute.\n### Let's think step by step.\n"
    "### Step 1:\nCompute it.\n"
)


def completion(answer: str) -> str:
    return HEADERS + f"### The final answer is: ${answer}$"


@pytest.fixture(scope="module")
def default_server():
    """The default 5 s deadline, as the issue measured."""
    s = start_server("--workers", "2")
    yield s
    s.stop()


def _deadline(client: httpx.Client) -> float:
    return client.get("/v1/info").json()["deadline_seconds"]


def test_each_unbounded_answer_is_wrong_and_never_reaches_the_deadline(default_server):
    with httpx.Client(base_url=default_server.url, timeout=120) as client:
        deadline = _deadline(client)
        assert deadline == 5.0
        slow = []
        for form in UNBOUNDED:
            group = {"reference": {"answer": "5"}, "completions": [completion(form)]}
            started = time.perf_counter()
            body = client.post("/v1/score", json={"groups": [group], "options": {"explain": True}}).json()
            seconds = time.perf_counter() - started
            result = body["groups"][0]["results"][0]
            assert result["status"] == "ok", (form, result)
            assert result["answer_correct"] is False, (form, result)
            assert result["explanation"]["answer"]["method"] == "guard", (form, result)
            if seconds >= deadline:
                slow.append((form, seconds))
        assert slow == []


def test_all_unbounded_answers_in_one_request_end_before_one_deadline(default_server):
    """The issue's 16-in-one-request cost 40 s of worker time; now the whole group is one quick request."""
    with httpx.Client(base_url=default_server.url, timeout=120) as client:
        deadline = _deadline(client)
        completions = [completion(form) for form in UNBOUNDED] + [completion("5")]
        group = {"reference": {"answer": "5"}, "completions": completions}
        started = time.perf_counter()
        body = client.post("/v1/score", json={"groups": [group]}).json()
        seconds = time.perf_counter() - started
        results = body["groups"][0]["results"]
        assert [r["status"] for r in results] == ["ok"] * len(results)
        assert [r["answer_correct"] for r in results] == [False] * len(UNBOUNDED) + [True]
        assert seconds < deadline, seconds


def test_an_unbounded_reference_makes_its_group_unusable_and_only_its_group(default_server):
    with httpx.Client(base_url=default_server.url, timeout=120) as client:
        deadline = _deadline(client)
        groups = [
            {"group_id": form, "reference": {"answer": f"${form}$"}, "completions": [completion(form), completion("5")]}
            for form in UNBOUNDED
        ]
        groups.append({"group_id": "fine", "reference": {"answer": "5"}, "completions": [completion("5")]})
        for profile in ("stepgrpo", "r1vl-reference"):
            started = time.perf_counter()
            body = client.post("/v1/score", json={"profile": profile, "groups": groups}).json()
            assert time.perf_counter() - started < deadline
            for group in body["groups"][:-1]:
                assert group["status"] == "error", group
                details = {r["detail"] for r in group["results"]}
                assert len(details) == 1 and "reference unusable" in details.pop(), group
            assert body["groups"][-1]["status"] == "ok" and body["groups"][-1]["results"][0]["answer_correct"] is True


def test_unbounded_forms_in_steps_and_key_steps_score_ok(default_server):
    """Key-step matching reads numbers in steps and key steps: the same forms there end ``ok`` too."""
    with httpx.Client(base_url=default_server.url, timeout=120) as client:
        deadline = _deadline(client)
        steps = "\n".join(f"### Step {i + 1}:\nWe get {form}." for i, form in enumerate(UNBOUNDED))
        text = HEADERS.replace("### Step 1:\nCompute it.\n", steps + "\n") + "### The final answer is: 5"
        key_steps = [[form] for form in UNBOUNDED[:20]]
        group = {"reference": {"answer": "5", "key_steps": key_steps}, "completions": [text, completion("5")]}
        started = time.perf_counter()
        body = client.post("/v1/score", json={"groups": [group]}).json()
        assert time.perf_counter() - started < deadline
        first, second = body["groups"][0]["results"]
        assert first["status"] == second["status"] == "ok"
        assert first["key_step_ratio"] > second["key_step_ratio"]


def test_legitimate_counterparts_still_score_right_through_the_server(default_server):
    with httpx.Client(base_url=default_server.url, timeout=120) as client:
        groups = [
            {
                "group_id": answer,
                "reference": {"answer": reference},
                "completions": [completion(answer), completion("7")],
            }
            for reference, answer in LEGITIMATE
        ]
        body = client.post("/v1/score", json={"groups": groups, "options": {"explain": True}}).json()
        for group in body["groups"]:
            right, wrong = group["results"]
            assert right["status"] == "ok", group
            assert right["answer_correct"] is True, (group["group_id"], right["explanation"]["answer"])
            assert wrong["answer_correct"] is False
