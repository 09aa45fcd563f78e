"""Hostile input through the real server on 127.0.0.1: nothing is executed, nothing backtracks, and
every trajectory ends ``ok``, ``timeout`` or ``error`` with the server alive and scoring afterwards."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from service.client import RewardClient
from service.rewards.answers import MAX_ANSWER_CHARS
from service.rewards.growth import unbounded_growth

from .conftest import start_server

PROFILES = ["stepgrpo", "r1vl-reference"]
ENDED = {"ok", "timeout", "error"}
HEADERS = (
    "### Image Description:\n{d}\n### Rationales:\n{d}\n### Let's think step by step.\n"
    "### Step 1:\n{s}\n### The final answer is: {a}"
)
GOOD = {
    "group_id": "good",
    "reference": {"answer": "5", "key_steps": [["AB = 3"], ["BC = 4"]]},
    "completions": [
        HEADERS.format(d="A right triangle.", s="From the figure, AB = 3 and BC = 4, so AC = 5.", a="5"),
        "### The final answer is: 4",
    ],
}


def completion(step: str = "From the figure, AB = 3.", answer: str = "5", description: str = "A figure.") -> str:
    return HEADERS.format(d=description, s=step, a=answer)


def score(client: httpx.Client, profile: str, groups: list, explain: bool = False) -> dict:
    response = client.post("/v1/score", json={"profile": profile, "groups": groups, "options": {"explain": explain}})
    assert response.status_code == 200, response.text[:2000]
    return response.json()


def statuses(body: dict) -> list[str]:
    return [r["status"] for g in body["groups"] for r in g["results"]]


def assert_alive_and_scoring(client: httpx.Client, profile: str) -> None:
    """Liveness at once; then, within a bounded wait for replaced workers, a normal group scores as usual."""
    assert client.get("/healthz").status_code == 200
    for _ in range(300):
        if client.get("/readyz").status_code == 200:
            break
        time.sleep(0.1)
    results = score(client, profile, [GOOD])["groups"][0]["results"]
    assert [r["status"] for r in results] == ["ok", "ok"]
    assert results[0]["answer_correct"] is True and results[1]["answer_correct"] is False


# -- nothing a completion or reference says is ever executed -------------------------------------------------


def _payloads(directory) -> dict:
    """Python that creates a marker file when evaluated; each has its own marker."""
    markers = {
        name: directory / f"pwned_{name}_{uuid.uuid4().hex}"
        for name in ("import", "open", "exec", "eval", "subclasses")
    }
    return {
        markers["import"]: f"__import__('os').system('touch {markers['import']}')",
        markers["open"]: f"open('{markers['open']}', 'w').write('x')",
        markers["exec"]: f"exec(\"open('{markers['exec']}', 'w').write('x')\")",
        markers["eval"]: f"eval(\"__import__('os').system('touch {markers['eval']}')\")",
        markers["subclasses"]: (
            "().__class__.__base__.__subclasses__()[-1].__init__.__globals__['__builtins__']"
            f"['open']('{markers['subclasses']}', 'w').write('x')"
        ),
    }


def test_the_payloads_are_live_code_for_sympy(tmp_path):
    """The control: ``sympy.sympify`` (what an unsafe path would call) runs every payload."""
    payloads = _payloads(tmp_path)
    script = (
        "import sys, sympy\n"
        "for p in sys.argv[1:]:\n"
        "    try:\n"
        "        sympy.sympify(p)\n"
        "    except Exception:\n"
        "        pass\n"
    )
    subprocess.run([sys.executable, "-c", script, *payloads.values()], check=True, timeout=120)
    assert all(marker.exists() for marker in payloads)


@pytest.mark.parametrize("profile", PROFILES)
def test_no_text_is_ever_executed(client, profile, tmp_path):
    payloads = _payloads(tmp_path)
    methods = set()
    for p in payloads.values():
        completions = [
            completion(step=p, answer=p, description=p),
            completion(answer=f"${p}$"),
            completion(answer=f"\\boxed{{{p}}}"),
            completion(answer=f"\\({p}\\)"),
            f"The final answer is {p}. Answer: 1+{p}",
        ]
        groups = [
            {
                "group_id": p,
                "reference": {"answer": p, "key_steps": [[p], [f"x = {p}"]], "solution": p},
                "completions": completions,
            },
            {"reference": {"answer": f"$1+{p}$", "key_steps": {"Steps": [[p]]}}, "completions": completions},
            {"reference": {"answer": "A", "choices": {"A": p, "B": "5"}}, "completions": completions},
        ]
        body = score(client, profile, groups, explain=True)
        assert set(statuses(body)) == {"ok"}, body
        methods |= {r["explanation"]["answer"]["method"] for g in body["groups"] for r in g["results"]}
        labels = [json.dumps({"answer": p, "key_steps": [[p]]})]
        assert (
            client.post(
                f"/v1/openrlhf?profile={profile}", json={"query": [f"Q {p} {p}"], "prompts": ["Q"], "labels": labels}
            ).status_code
            == 200
        )
    if profile == "stepgrpo":
        assert "math_verify" in methods  # the payloads reached the symbolic judge, not only the cheap checks
    assert [m.name for m in payloads if m.exists()] == []


def test_only_digit_arithmetic_reaches_sympys_string_parser(monkeypatch, tmp_path):
    """sympy's ``parse_expr`` (behind ``sympify``) evals its input. In-process, record every string that
    reaches it, under every name it is imported by, while both profiles score the payloads: only
    math-verify's digit-and-operator expressions may arrive (the last completion makes sure some do)."""
    import latex2sympy2_extended.latex2sympy2 as l2s
    import math_verify.parser as mv_parser
    import sympy.parsing.sympy_parser as sympy_parser

    from service.rewards import PROFILES as CORE_PROFILES
    from service.rewards import CoreReference, PreparedGroup, Settings

    real, seen = sympy_parser.parse_expr, []

    def recording(text, *args, **kwargs):
        seen.append(text)
        return real(text, *args, **kwargs)

    for module in (sympy_parser, mv_parser, l2s):
        monkeypatch.setattr(module, "parse_expr", recording)
    mv_parser.parse_expr_cached.cache_clear()
    payloads = _payloads(tmp_path)
    for profile in PROFILES:
        for p in payloads.values():
            group = PreparedGroup(CoreReference(p, [[p]], None), CORE_PROFILES[profile], Settings())
            for text in (
                completion(step=p, answer=p),
                completion(answer=f"${p}$"),
                f"The final answer is {p}",
                f"Answer: 1+{p}",
                "Answer: 12345+678*9",
            ):
                assert group.score(text, explain=True)["status"] == "ok"
    assert "12345+678*9" in seen  # the recorder sees what reaches sympy
    assert [text for text in seen if not re.fullmatch(r"[\d.\s+\-*/()×÷]*", text)] == []
    assert [m.name for m in payloads if m.exists()] == []


# -- sizes, nesting and characters ----------------------------------------------------------------------------

HUGE_ANSWERS = [
    "9" * 19000,
    "1e999999999",
    "10^{10^{10^{10}}}",
    "2^{99999999}",
    "99999999999999!",
    "1" + "0" * 5000 + "/3",
    "-" * 3000 + "5",
    "0." + "3" * 9000,
    "9" * 400 + "^" + "9" * 400,
]
NESTED = [
    "\\frac{" * 1500 + "1" + "}{2}" * 1500,
    "{" * 9000 + "5" + "}" * 9000,
    "(" * 9000 + "5" + ")" * 9000,
    "\\sqrt{" * 2000 + "2" + "}" * 2000,
    "\\left(" * 1500 + "x" + "\\right)" * 1500,
    "$" * 19000,
    "\\boxed{" * 2000 + "5" + "}" * 2000,
]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(("name", "texts"), [("huge numbers", HUGE_ANSWERS), ("deep nesting", NESTED)])
def test_huge_numbers_and_deep_nesting(client, profile, name, texts):
    ended, refused = [], []
    for i, text in enumerate(texts):  # one group a request: the test server takes 300 kB a request
        group = {
            "group_id": f"{name} {i}",
            "reference": {"answer": text, "key_steps": [[text[:5000]], ["AB = 3"]]},
            "completions": [
                completion(answer=text),
                completion(step=text, answer="5"),
                completion(answer=texts[(i + 1) % len(texts)]),
            ],
        }
        body = score(client, profile, [group])
        if unbounded_growth(text) is not None and len(text) <= MAX_ANSWER_CHARS:  # the growth guard refuses it
            assert body["groups"][0]["status"] == "error", body
            assert "bounded time" in body["groups"][0]["results"][0]["detail"], body
            refused.append(text)
            continue
        ended += statuses(body)
    assert set(ended) <= ENDED and len(ended) == 3 * (len(texts) - len(refused))
    if profile == "stepgrpo":  # guarded or cheap in the stepgrpo core: no timeouts
        assert set(ended) == {"ok"}, ended
    assert len(refused) == (3 if name == "huge numbers" else 0)
    assert_alive_and_scoring(client, profile)


CONTROL = (
    "".join(map(chr, range(0, 32)))
    + "\x7f"
    + "".join(map(chr, range(0x80, 0xA0)))
    + "\ufeff\u200b\u202e\ufffe\uffff\U0010ffff"
)


@pytest.mark.parametrize("profile", PROFILES)
def test_control_characters_everywhere(client, server, profile):
    group = {
        "group_id": CONTROL,
        "reference": {"answer": f"5{CONTROL}", "key_steps": [[f"AB{CONTROL} = 3"], [CONTROL]]},
        "completions": [
            completion(step=f"From the figure,{CONTROL} AB = 3.{CONTROL}", answer=f"5{CONTROL}", description=CONTROL),
            CONTROL * 100,
            completion(answer=CONTROL),
            f"### The final answer is:{CONTROL}5",
        ],
    }
    body = score(client, profile, [group], explain=True)
    assert statuses(body) == ["ok"] * 4 and body["groups"][0]["group_id"] == CONTROL
    with RewardClient("grpc://" + server.grpc_target, retries=0) as grpc_client:
        assert [r.status for r in grpc_client.score([group], profile=profile).groups[0].results] == ["ok"] * 4


@pytest.mark.parametrize("profile", PROFILES)
def test_lone_surrogates_are_rejected_or_scored(client, profile):
    """JSON may escape a lone surrogate (``"\\ud800"``); it is never valid UTF-8, so it is a 422 naming
    the field or a scored trajectory — never a 500 or a dead worker. Raw surrogate bytes are invalid UTF-8: 422."""
    template = (
        '{"profile": "%s", "groups": [{"group_id": %s, "reference": {"answer": %s, "key_steps": [[%s]]}, '
        '"completions": [%s, "### The final answer is: 5"]}]}'
    )
    fields = ['"g"', '"5"', '"AB = 3"', '"### The final answer is: 5"']
    for i, lone in enumerate(["\\ud800", "\\udfff", "\\udfff\\ud800", "5\\ud83d"]):
        values = list(fields)
        values[i] = values[i][:-1] + lone + '"'
        response = client.post(
            "/v1/score", content=(template % (profile, *values)).encode(), headers={"content-type": "application/json"}
        )
        assert response.status_code in (200, 422), response.text
        if response.status_code == 422:
            assert response.json()["detail"][0]["loc"]
        else:
            assert set(statuses(response.json())) <= ENDED
    raw = (template % (profile, *fields)).encode().replace(b"AB = 3", b"AB \xed\xa0\x80 3")
    assert client.post("/v1/score", content=raw, headers={"content-type": "application/json"}).status_code == 422
    paired = (template % (profile, *fields)).replace("AB = 3", "AB \\ud83d\\ude00 = 3").encode()
    assert client.post("/v1/score", content=paired, headers={"content-type": "application/json"}).status_code == 200
    assert_alive_and_scoring(client, profile)


# -- answers built to blow up symbolic simplification ---------------------------------------------------------

BLOWUPS = [
    ("(x+1)^{100}", "(x+1)^{999}"),
    ("(x+y+z)^{60}", "(x+y+z)^{59}(x+y+z)"),
    ("x^{x^{x^{x}}}", "x^{x^{x^{x^{x}}}}"),
    ("5^(5^(5^5))", "5^(5^(5^5))+1"),
    ("e", "\\sin(" * 60 + "x" + ")" * 60),
    ("1", "\\frac{1}{x-1}" + "+\\frac{1}{x-%d}" * 40 % tuple(range(2, 42))),
    ("(x+1)^{998}(x+1)", "(x+1)^{999}"),
    ("10^{10^{10}}", "10^{10^{10}}-1"),
]


@pytest.mark.parametrize("profile", PROFILES)
def test_answers_that_blow_up_simplification_end_and_the_server_lives(client, profile):
    groups = [
        {
            "group_id": ref,
            "reference": {"answer": ref},
            "completions": [completion(answer=pred), completion(answer=ref)],
        }
        for ref, pred in BLOWUPS
    ]
    ended = statuses(score(client, profile, groups))
    assert set(ended) <= ENDED and len(ended) == 2 * len(BLOWUPS)
    assert_alive_and_scoring(client, profile)


# -- 1 MB single lines: the stepgrpo core stays linear (a backtracking regex would run into the deadline) ------

MB = 1_000_000
LINES = {
    "letters": "a" * MB,
    "digit runs": "1 " * (MB // 2),
    "display openers": "\\[" * (MB // 2),
    "dollars": "$" * MB,
    "headers on one line": "### Step 1:" * (MB // 11),
    "parens": "(" * MB,
    "exponents": "^{" * (MB // 2),
    "separators": "1," * (MB // 2),
    "spaces": " " * MB + "x",
    "tabs": "\t" * MB + "x",
    "bold": "**" * (MB // 2),
    "step words": "step " * (MB // 5),
    "unit-like words": "1 aa" * (MB // 4),
    "equations": "AB = " * (MB // 5),
    "fractions": "\\frac{1}{" * (MB // 9),
    "words": "pythagorean " * (MB // 12),
}


@pytest.fixture(scope="module")
def big_server():
    """Limits raised to take 1 MB lines; a deadline generous enough for a loaded machine, far below what
    backtracking costs."""
    s = start_server(
        "--workers",
        "2",
        "--deadline",
        "30",
        "--max-completion-bytes",
        str(2 * MB),
        "--max-reference-bytes",
        str(2 * MB),
        "--max-request-bytes",
        str(64 * MB),
    )
    yield s
    s.stop()


@pytest.mark.parametrize("where", ["step", "answer"])
def test_one_megabyte_lines_score_ok(big_server, where):
    with httpx.Client(base_url=big_server.url, timeout=600) as client:
        for name, line in LINES.items():
            text = completion(step=line) if where == "step" else completion(answer=line)
            group = {
                "group_id": name,
                "reference": {
                    "answer": "\\frac{x}{2}",
                    "key_steps": [["AB = 3"], ["pythagorean theorem"], [line[:200]]],
                },
                "completions": [text],
            }
            assert statuses(score(client, "stepgrpo", [group])) == ["ok"], name
        assert_alive_and_scoring(client, "stepgrpo")


def test_reference_profile_quadratic_extraction_ends_in_timeout_at_worst(client):
    """math-verify's extraction regexes (run over the whole completion by the r1vl-reference rules) are
    quadratic on runs of ``\\[``: the deadline bounds them."""
    groups = [
        {"reference": {"answer": "5"}, "completions": [completion(step="\\[" * 9000), completion(answer="(1)" * 6000)]}
    ]
    assert set(statuses(score(client, "r1vl-reference", groups))) <= {"ok", "timeout"}
    assert_alive_and_scoring(client, "r1vl-reference")
