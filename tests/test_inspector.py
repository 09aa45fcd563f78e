"""The reward inspector: the explanation's match spans over the API, the page's files, and the page
itself in a real headless browser (Debian's chromium driven by Playwright) against the real server.

The browser comes from tests/browser.py: the tests skip when no chromium is installed, unless
``INSPECTOR_BROWSER_REQUIRED=1`` (set by ``.ci/run``), which turns a missing browser into a failure.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from importlib.resources import files

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.rewards.spans import PIECE_CHARS, TextOffsets
from service.rewards.text import tokens

from .browser import browser as browser
from .samples import GENUINE, RIGHT_TRIANGLE_KEY_STEPS, STUFFED, group

EXAMPLES = json.loads((files("service.ui") / "examples.json").read_text())
LAPTOP = {"width": 1366, "height": 900}


def lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def explained(client, groups, profile="stepgrpo", **options) -> dict:
    response = client.post(
        "/v1/score", json={"profile": profile, "groups": groups, "options": {"explain": True, **options}}
    )
    assert response.status_code == 200, response.text
    return response.json()


# ---------------------------------------------------------------- locating tokens in the text

FRAGMENTS = [
    "AB",
    "=",
    "3",
    "and",
    "the",
    "a",
    "an",
    "cat",
    "equal",
    "to",
    "1",
    "/",
    "2",
    "\\frac{1}{2}",
    "$",
    "x",
    "theorem",
    ",",
    ".",
    "\n",
    "1.",
    "(2)",
    "-",
    "°",
    "1,234",
    "'s",
    "is",
    "(",
    ")",
    "\\sqrt{9}",
    "0.50",
    "e3",
    "𝑥",
    "\\text{cm}",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=400), st.sampled_from([" ", "  ", "\n"]))
def test_every_token_is_located_where_it_is_read(parts, separator):
    """Whatever normalisation folds (fractions, articles, ``equal to``, LaTeX, list markers), the text
    found for a token reads as that token, also across the pieces long lines are cut into. (The clause
    breaks that line ends and list markers become are not located: no text is theirs alone.)"""
    text = separator.join(parts)
    offsets = TextOffsets(text)
    full = tokens(text)
    assert [t for *_, toks in offsets.pieces for t in toks] == full
    for i in (i for i, token in enumerate(full) if token != ";"):
        start, end = offsets.span(i, i + 1)
        assert tokens(text[start:end]) == [full[i]], (text[start:end], full[i])


def test_long_steps_are_searched_in_short_pieces():
    text = "We reason about the triangle here, with some words and x equal to 5 values. " * 100 + "So AB = 3."
    offsets = TextOffsets(text)
    assert len(offsets.pieces) > 10 and max(b - a for a, b, _ in offsets.pieces) < 3 * PIECE_CHARS
    n = len(tokens(text))
    assert text[slice(*offsets.span(n - 4, n - 1))] == "AB = 3"


# ---------------------------------------------------------------- the explanation over the API


def test_every_shown_match_is_located_where_its_text_is(client):
    """stepgrpo: the located text reads as the matched tokens; reference: it is the alternative, lower-cased."""
    for profile in ("stepgrpo", "r1vl-reference"):
        body = explained(
            client, [{"reference": EXAMPLES["reference"], "completions": EXAMPLES["completions"]}], profile
        )
        located = 0
        for text, result in zip(EXAMPLES["completions"], body["groups"][0]["results"], strict=True):
            for k in result["explanation"]["key_steps"]:
                if not k["matched"]:
                    assert k["start"] is None and k["end"] is None
                    continue
                shown = lf(text)[k["start"] : k["end"]]
                if profile == "stepgrpo":
                    assert " ".join(tokens(shown)) == k["matched_text"], (shown, k)
                else:
                    assert shown.lower() == k["alternative"].lower()
                located += 1
        assert located >= 8


def test_spans_count_code_points_with_crlf_read_as_lf(client):
    text = GENUINE.replace("From the figure", "From the 𝑓igure 🙂").replace("\n", "\r\n")
    for profile in ("stepgrpo", "r1vl-reference"):
        result = explained(client, [group([text])], profile)["groups"][0]["results"][0]["explanation"]
        spans = {k["group"]: lf(text)[k["start"] : k["end"]] for k in result["key_steps"] if k["matched"]}
        assert spans[0] == "AB = 3" and spans[1] == "BC = 4"
        assert [lf(text)[s["start"] : s["start"] + 11] for s in result["sections"] if s["kind"] == "step"] == [
            "### Step 1:",
            "### Step 2:",
        ]


def test_an_equation_chain_is_shown_whole_and_a_fuzzy_match_with_its_score(client):
    steps = "### Step 1:\nBy the pythagorean theorm, $AC = \\sqrt{3^2 + 4^2} = \\sqrt{25} = 5$ here.\n"
    text = "### Image Description:\nA triangle.\n### Rationales:\nWe need AC.\n" + steps + "### The final answer is: 5"
    keys = explained(client, [group([text])])["groups"][0]["results"][0]["explanation"]["key_steps"]
    chain, fuzzy = keys[3], keys[2]
    assert (
        chain["how"] == "equation_chain"
        and text[chain["start"] : chain["end"]] == "AC = \\sqrt{3^2 + 4^2} = \\sqrt{25} = 5"
    )
    assert (
        fuzzy["how"] == "fuzzy"
        and 85 <= fuzzy["score"] < 100
        and text[fuzzy["start"] : fuzzy["end"]] == "pythagorean theorm"
    )


def test_the_credited_match_is_the_one_shown(client):
    """Names listed without use earn nothing; the explanation points at the step that earned the credit."""
    text = (
        "### Image Description:\nA triangle.\n### Rationales:\nWe need AC.\n### Step 1:\n"
        "Pythagorean theorem, law of cosines, similar triangles.\n### Step 2:\n"
        "By the Pythagorean theorem, AB = 3 and BC = 4 give AC = 5.\n### The final answer is: 5"
    )
    keys = explained(client, [group([text])])["groups"][0]["results"][0]["explanation"]["key_steps"]
    credited = [k for k in keys if k["credited"]]
    assert len(credited) == 4 and all(k["step"] == 2 and k["start"] > text.index("### Step 2:") for k in credited)


def test_reference_profile_explains_the_step_bodies_it_reads(client):
    result = explained(client, [group([GENUINE])], "r1vl-reference")["groups"][0]["results"][0]["explanation"]
    kinds = [(s["kind"], s["number"]) for s in result["sections"]]
    assert kinds == [("step", 1), ("step", 2), ("answer", None)]
    assert GENUINE[result["sections"][-1]["start"] :].startswith("### The final answer is: 5")


# ---------------------------------------------------------------- the page's files


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


def test_page_and_assets_are_served_with_a_strict_policy(client):
    assert client.get("/", follow_redirects=False).headers["location"] == "/ui"
    page = client.get("/ui")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    links = _Links()
    links.feed(page.text)
    assert set(links.urls) == {"/ui/style.css", "/ui/app.js", "data:,", "#results"}
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css"), ("examples.json", "application/json")):
        asset = client.get(f"/ui/{name}")
        assert asset.status_code == 200 and asset.headers["content-type"].startswith(kind)
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", asset.text, re.IGNORECASE), (
            f"{name} names an external address"
        )
    assert client.get("/ui/../app.py").status_code == 404 and client.get("/ui/nothing.js").status_code == 404
    assert not any(path in client.get("/openapi.json").json()["paths"] for path in ("/", "/ui"))


def test_page_never_writes_markup_from_data():
    script = (files("service.ui") / "app.js").read_text()
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", script)


# ---------------------------------------------------------------- the page in a real browser


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.on(
        "request",
        lambda r: (
            r.url.startswith(server.url) or r.url.startswith("data:") or errors.append(f"external request: {r.url}")
        ),
    )
    page.goto(server.url + "/")
    page.wait_for_selector("body[data-state=ready]")
    yield page
    context.close()
    assert errors == []


def _scored(page) -> None:
    page.wait_for_selector("body[data-state=scored]", timeout=30_000)


def _values(page, selector: str) -> list[float | bool | None]:
    def value(shown: str):
        return {"": None, "true": True, "false": False}[shown] if shown in ("", "true", "false") else float(shown)

    return [value(v) for v in page.eval_on_selector_all(selector, "els => els.map(e => e.dataset.value)")]


def _marks(page, profile: str, index: int) -> list[dict]:
    card = f'.card[data-profile="{profile}"][data-index="{index}"]'
    return page.eval_on_selector_all(
        f"{card} .text mark",
        "els => els.map(e => ({text: e.textContent, groups: e.dataset.groups.split(' ').map(Number), "
        "hows: e.dataset.hows.split(' '), title: e.title}))",
    )


def _check_card(page, profile: str, index: int, text: str, result: dict, advantage: float) -> None:
    card = f'.card[data-profile="{profile}"][data-index="{index}"]'
    for field in ("reward", "step_rar", "step_rvr", "answer_correct", "key_step_ratio"):
        assert _values(page, f'{card} [data-field="{field}"]') == [result[field]], (profile, index, field)
    assert _values(page, f'{card} [data-field="advantage"]') == [pytest.approx(advantage)]
    explanation = result["explanation"]
    marks = _marks(page, profile, index)
    chars = list(lf(text))
    for k in explanation["key_steps"]:
        rows = page.eval_on_selector_all(
            f'{card} table.keysteps tr[data-group="{k["group"]}"]',
            "els => els.map(e => [e.dataset.matched, e.dataset.credited, e.textContent])",
        )
        assert rows and rows[0][:2] == [str(k["matched"]).lower(), str(k["credited"]).lower()]
        covering = [m for m in marks if k["group"] in m["groups"]]
        if k["start"] is None:
            assert covering == []
            continue
        assert "".join(m["text"] for m in covering) == "".join(chars[k["start"] : k["end"]])
        assert {m["hows"][m["groups"].index(k["group"])] for m in covering} == {k["how"]}
        if k["how"] == "fuzzy":
            assert f"{k['score']}" in rows[0][2] and all(f"score {k['score']}" in m["title"] for m in covering)
    unmatched = page.eval_on_selector_all(f"{card} .unmatched li", "els => els.map(e => Number(e.dataset.group))")
    assert unmatched == [k["group"] for k in explanation["key_steps"] if not k["matched"]]
    checks = page.eval_on_selector_all(
        f"{card} .checks-list li", "els => els.map(e => [e.dataset.check, e.dataset.passed === 'true', e.textContent])"
    )
    assert [(name, passed) for name, passed, _ in checks] == [
        (c["check"], c["passed"]) for c in explanation["validity"]
    ]
    assert all(
        c["detail"] in shown
        for (_, _, shown), c in zip(checks, explanation["validity"], strict=True)
        if not c["passed"]
    )
    answer = page.eval_on_selector(
        f"{card} .answer", "e => [e.dataset.method, e.dataset.correct, e.querySelector('.stated').textContent]"
    )
    stated = explanation["answer"]["stated"]
    assert answer == [
        explanation["answer"]["method"],
        str(explanation["answer"]["correct"]).lower(),
        "(none)" if stated is None else stated,
    ]
    read = page.eval_on_selector(f"{card} .answer .read", "e => e.textContent")
    assert read == (explanation["answer"]["rule"] or explanation["answer"]["method"]) and read
    if explanation["answer"]["decided_by"]:
        decided = page.eval_on_selector(f"{card} .answer .decided-by", "e => e.textContent")
        assert decided == explanation["answer"]["decided_by"]
    stances = page.eval_on_selector_all(f"{card} .answer .claims li", "es => es.map(e => e.dataset.stance)")
    assert stances == [claim["stance"] for claim in explanation["answer"]["claims"]]


def test_examples_show_what_the_api_returns_for_both_profiles(page, client):
    page.click("#load-examples")
    _scored(page)
    reference_group = {"reference": EXAMPLES["reference"], "completions": EXAMPLES["completions"]}
    for profile in ("stepgrpo", "r1vl-reference"):
        body = explained(client, [reference_group], profile)
        g = body["groups"][0]
        assert body["version"] in page.text_content(".versions")
        assert _values(page, f'table.summary td[data-profile="{profile}"] [data-field="reward"]') == [
            r["reward"] for r in g["results"]
        ]
        assert _values(page, f'table.summary td[data-profile="{profile}"] [data-field="advantage"]') == pytest.approx(
            g["advantages"]
        )
        for i, (text, result) in enumerate(zip(EXAMPLES["completions"], g["results"], strict=True)):
            _check_card(page, profile, i, text, result, g["advantages"][i])
    stuffed = EXAMPLES["labels"].index("key-step stuffing")
    assert (
        page.eval_on_selector_all(
            f'.card[data-profile="stepgrpo"][data-index="{stuffed}"] mark.uncredited', "els => els.length"
        )
        > 0
    )
    differs = page.eval_on_selector_all("table.summary tr.differs", "els => els.map(e => Number(e.dataset.index))")
    assert stuffed in differs


def test_uncredited_key_steps_say_why_in_plain_words(page, client):
    page.click("#load-examples")
    _scored(page)
    stuffed = EXAMPLES["labels"].index("key-step stuffing")
    card = f'.card[data-profile="stepgrpo"][data-index="{stuffed}"]'
    body = explained(client, [{"reference": EXAMPLES["reference"], "completions": EXAMPLES["completions"]}])
    keys = body["groups"][0]["results"][stuffed]["explanation"]["key_steps"]
    uncredited = [k["group"] for k in keys if k["matched"] and not k["credited"]]
    assert uncredited
    rows = f"{card} table.keysteps tr[data-credited=false] .why"
    whys = page.eval_on_selector_all(rows, "els => els.map(e => e.textContent)")
    assert whys == ["the same key-step text is repeated, so it does not count"] * len(uncredited)
    titles = page.eval_on_selector_all(f"{card} mark.uncredited", "els => els.map(e => e.title)")
    assert titles and all("not credited: the same key-step text is repeated" in t for t in titles)
    text = page.text_content("#results")
    assert "own word" not in text and "stuffing" not in text.lower().replace("key-step stuffing", "")


NOT_ASSERTED = {
    "It is not true that AC = 5.": 'the step says "not" about it, so it is not stated as true',
    "AC = 5 is wrong.": 'the step says "wrong" about it, so it is not stated as true',
    "Suppose AC = 5. This leads to a contradiction.": "it is only supposed, and the step then rejects the supposition",
    "AC = 5? No.": 'the next sentence rejects it ("No.", "That is wrong.")',
    "Law of sines 1, Pythagorean theorem 2, angle bisector theorem 3.": "a method only named",
    "AC = 5, Pythagorean theorem.": "a method only named",
    "Maybe AC = 5.": 'the step says "maybe" about it, so it is only a guess',
    "Is AC = 5?": "the step only asks it as a question",
    "Could the Pythagorean theorem apply?": "the step only asks it as a question",
    "We need to check whether AC = 5.": "the step only asks whether it holds",
    "The key step is 'AC = 5'.": "it is only quoted",
    "If AC = 5, then the figure closes.": 'it is only supposed ("if", "suppose"), and the steps never confirm it',
}


@pytest.mark.parametrize("step", sorted(NOT_ASSERTED))
def test_a_negated_or_unused_key_step_says_why_in_plain_words(page, client, step):
    """Issue 26: a statement the step does not assert (refuted, doubted, asked, quoted, only supposed) or a method only
    named is struck through, with why in plain words."""
    text = GENUINE.split("### Step 2:")[0] + f"### Step 2:\n{step}\n### The final answer is: 5"
    page.fill("#answer", "5")
    page.fill("#key-steps", "\n".join(" | ".join(g) for g in RIGHT_TRIANGLE_KEY_STEPS["Steps"]))
    page.fill("#completion-list textarea", text)
    page.click("#score")
    _scored(page)
    keys = explained(client, [group([text])])["groups"][0]["results"][0]["explanation"]["key_steps"]
    refused = [k for k in keys if k["matched"] and not k["credited"]]
    assert refused and all(k["reason"].startswith(("not asserted", "named without use")) for k in refused)
    whys = page.eval_on_selector_all(
        '.card[data-profile="stepgrpo"] table.keysteps tr[data-credited=false] .why',
        "els => els.map(e => e.textContent)",
    )
    assert len(whys) == len(refused) and all(w.startswith(NOT_ASSERTED[step]) for w in whys), whys


def _tab_to(page, element_id: str) -> None:
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with Tab")


def test_main_controls_work_from_the_keyboard(page, client):
    _tab_to(page, "load-examples")
    page.keyboard.press("Space")
    _scored(page)
    page.evaluate("document.body.dataset.state = 'edited'")
    page.focus("#answer")
    page.keyboard.press("Control+A")
    page.keyboard.type("6")
    page.keyboard.press("Enter")  # submits the form: the Score button is its default action
    _scored(page)
    wrong = explained(
        client, [{"reference": {**EXAMPLES["reference"], "answer": "6"}, "completions": EXAMPLES["completions"]}]
    )
    assert _values(page, 'table.summary td[data-profile="stepgrpo"] [data-field="reward"]') == [
        r["reward"] for r in wrong["groups"][0]["results"]
    ]
    _tab_to(page, "add-completion")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    assert page.eval_on_selector_all("#completion-list > li", "els => els.length") == len(EXAMPLES["completions"]) + 1
    _tab_to(page, "score")


def test_a_loaded_file_scores_and_highlights_stay_aligned_after_astral_characters(page, client):
    """Offsets count code points (JavaScript strings count UTF-16 units); CRLF is read as LF."""
    text = GENUINE.replace("From the figure", "From the 𝑓igure 🙂🙂").replace("\n", "\r\n")
    loaded = {"groups": [group([text, STUFFED])], "options": {}}
    page.set_input_files(
        "#load-file",
        files=[{"name": "group.json", "mimeType": "application/json", "buffer": json.dumps(loaded).encode()}],
    )
    page.wait_for_selector("#completion-list li:nth-child(2) textarea")
    page.click("#score")
    _scored(page)
    for profile in ("stepgrpo", "r1vl-reference"):
        g = explained(client, [group([text, STUFFED])], profile)["groups"][0]
        for i, completion in enumerate([text, STUFFED]):
            _check_card(page, profile, i, completion, g["results"][i], g["advantages"][i])


def test_user_text_is_shown_as_text_never_run(page):
    hostile = GENUINE.replace(
        "right angle at B;", 'right angle at B; <img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
    )
    page.fill("#answer", "5 <b>")
    page.fill("#key-steps", "AB = 3\n<i>x</i> | BC = 4")
    page.fill("#completion-list textarea", hostile)
    page.click("#score")
    _scored(page)
    assert page.evaluate("window.pwned") is None
    assert page.eval_on_selector_all("#results img, #results script, #results b, #results i", "els => els.length") == 0
    assert '<img src=x onerror="window.pwned=1">' in page.text_content('.card[data-profile="stepgrpo"] .text')


def test_an_invalid_option_names_the_field(page):
    page.click("#load-examples")
    _scored(page)
    page.fill("#alpha", "50")
    page.click("#score")
    page.wait_for_selector("body[data-state=error]")
    assert "options.alpha" in page.text_content("#error")


def test_an_unusable_reference_is_reported_on_every_card(page):
    page.fill("#answer", "5")
    page.fill("#key-steps", '{"Steps": [["AB = 3"]')
    page.fill("#completion-list textarea", GENUINE)
    page.click("#score")
    _scored(page)
    for profile in ("stepgrpo", "r1vl-reference"):
        detail = page.text_content(f'.card[data-profile="{profile}"] .detail')
        assert detail.startswith("error: ") and "reference.key_steps" in detail
    assert _values(page, '[data-field="reward"]') == [None] * 4


@pytest.mark.parametrize("width", [1024, 1280])
def test_fits_laptop_widths(browser, server, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(server.url + "/ui")
    page.click("#load-examples")
    _scored(page)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    two_columns = page.eval_on_selector(
        ".completion-result .profiles", "e => getComputedStyle(e).gridTemplateColumns.split(' ').length"
    )
    assert two_columns == 2
    target = os.environ.get("INSPECTOR_SCREENSHOT")
    if target and width == 1280:
        top = page.eval_on_selector("#results", "e => e.getBoundingClientRect().top + window.scrollY")
        page.set_viewport_size({"width": width, "height": 1500})
        page.screenshot(path=target, clip={"x": 0, "y": top, "width": width, "height": 1500}, full_page=True)
    page.close()


def test_fits_a_390_px_phone_and_brings_the_examples_results_into_view(browser, server):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server.url + "/ui")
    page.wait_for_selector("body[data-state=ready]")
    page.click("#load-examples")
    _scored(page)
    results_top = page.eval_on_selector("#results", "e => e.getBoundingClientRect().top")
    assert abs(results_top) < 2 and page.evaluate("document.activeElement.id") == "results", results_top
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert page.eval_on_selector("table.summary", "e => e.getBoundingClientRect().right <= innerWidth")
    overflowing = page.eval_on_selector_all(
        ".card, .card *",
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX"
        " === 'visible').map(e => e.tagName + '.' + e.className)",
    )
    assert overflowing == []
    outside = page.eval_on_selector_all(
        "#results *", "els => els.filter(e => e.getBoundingClientRect().right > innerWidth + 0.5).map(e => e.tagName)"
    )
    assert outside == []
    page.close()


def test_with_a_token_the_page_loads_asks_for_it_and_scores_with_it(browser, tmp_path):
    """On a server started with a token, the page's files stay open (they hold no data); scoring without
    the token shows the 401's reason, and with it typed in the page scores as usual."""
    import httpx

    from .conftest import start_server

    token = "tok-inspector-" + os.urandom(8).hex()
    (tmp_path / "token").write_text(token)
    server = start_server("--workers", "1", "--auth-token-file", str(tmp_path / "token"))
    context = browser.new_context(viewport=LAPTOP)
    try:
        for path in ("/ui", "/ui/app.js", "/ui/style.css", "/ui/examples.json"):
            assert httpx.get(server.url + path).status_code == 200, path
        assert httpx.post(server.url + "/v1/score", json={"groups": [group([GENUINE])]}).status_code == 401
        page = context.new_page()
        page.goto(server.url + "/")
        page.wait_for_selector("body[data-state=ready]")
        page.click("#load-examples")
        page.wait_for_selector("#error:not([hidden])", timeout=30_000)
        assert "missing bearer token" in page.text_content("#error")
        page.fill("#token", token)
        page.click("#score")
        _scored(page)
        assert page.is_hidden("#error")
        assert _values(page, 'table.summary td[data-profile="stepgrpo"] [data-field="reward"]')[0] is not None
    finally:
        context.close()
        server.stop()


WORDS_SPLIT_ACROSS_LINES = """els => els.flatMap(cell => {
  const split = [];
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const word of node.data.matchAll(/[^\\s-]+/g)) {  // a line may end after a hyphen
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1) split.push(word[0]);
    }
  }
  return split;
})"""


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}])
def test_completions_come_before_score_which_is_on_the_first_screen_and_brings_the_results(browser, server, viewport):
    """In reading order (a phone's order) the completions come before Score; Score is on the first screen;
    after Score the results are at the top of the screen, and no header of theirs breaks inside a word."""
    page = browser.new_page(viewport=viewport)
    page.goto(server.url + "/ui")
    page.wait_for_selector("body[data-state=ready]")
    order = "document.querySelector('fieldset.completions').compareDocumentPosition(document.getElementById('score'))"
    assert page.evaluate(order + " & Node.DOCUMENT_POSITION_FOLLOWING")
    completions = page.eval_on_selector("fieldset.completions", "e => e.getBoundingClientRect().top")
    score = page.eval_on_selector("#score", "e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; }")
    assert completions < score[0] and 0 <= score[0] and score[1] <= viewport["height"], (completions, score)
    page.fill("#answer", "5")
    page.fill("#key-steps", "AB = 3\nBC = 4\nPythagorean theorem | Pythagoras\nAC = 5")
    page.fill("#completion-list textarea", GENUINE)
    page.click("#add-completion")
    page.fill("#completion-list li:nth-child(2) textarea", STUFFED)
    page.click("#score")
    _scored(page)
    results_top = page.eval_on_selector("#results", "e => e.getBoundingClientRect().top")
    assert abs(results_top) < 2 and page.evaluate("document.activeElement.id") == "results", results_top
    assert page.eval_on_selector_all("#results th", WORDS_SPLIT_ACROSS_LINES) == []
    target = os.environ.get("INSPECTOR_SCREENSHOTS")
    if target:
        page.screenshot(path=f"{target}/scored-{viewport['width']}.png")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=f"{target}/first-screen-{viewport['width']}.png")
    page.close()
