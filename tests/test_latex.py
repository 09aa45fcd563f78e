"""The one LaTeX front end (service/rewards/latex.py): the tree it builds, its bounds, and rendering."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.rewards.growth import unbounded_growth
from service.rewards.latex import (
    MAX_DEPTH,
    MAX_NESTING,
    UNICODE_SPELLINGS,
    Binom,
    Chain,
    Constant,
    Environment,
    Frac,
    Group,
    Missing,
    Number,
    Postfix,
    Power,
    Product,
    Scripted,
    Sequence,
    Signed,
    Sqrt,
    Stray,
    Symbol,
    TooDeep,
    braced_arguments,
    lex,
    parse,
    parse_tokens,
    render,
    tokenize,
)


def only(text: str):
    tree = parse(text)
    assert isinstance(tree, Sequence) and len(tree.items) == 1, tree
    return tree.items[0]


def brace(node):
    return Group("{", node, "}")


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("12", Number("12")),
        ("\\frac{3}{4}", Frac("\\frac", brace(Number("3")), brace(Number("4")))),
        ("\\dfrac12", Frac("\\dfrac", Number("1"), Number("2"))),
        ("\\frac1{2}", Frac("\\frac", Number("1"), brace(Number("2")))),
        ("\\tfrac{1}2", Frac("\\tfrac", brace(Number("1")), Number("2"))),
        ("\\frac 3 4", Frac("\\frac", Number("3"), Number("4"))),
        ("\\frac123", Product(Frac("\\frac", Number("1"), Number("2")), (("", Number("3")),))),
        ("\\binom52", Binom("\\binom", Number("5"), Number("2"))),
        ("\\frac{1}", Frac("\\frac", brace(Number("1")), Missing())),
        ("5\\sqrt{2}", Product(Number("5"), (("", Sqrt(None, brace(Number("2")))),))),
        ("\\sqrt[3]{8}", Sqrt(Group("[", Number("3"), "]"), brace(Number("8")))),
        ("\\sqrt8", Sqrt(None, Number("8"))),
        ("2^{10}", Power(Number("2"), brace(Number("10")))),
        ("2**10", Power(Number("2"), Number("10"))),
        ("-x^2", Signed(("-",), Power(Symbol("x"), Number("2")))),
        ("2^-1", Power(Number("2"), Signed(("-",), Number("1")))),
        ("5!", Postfix(Number("5"), "!")),
        ("a + b = c", Chain(Symbol("a"), (("+", Symbol("b")), ("=", Symbol("c"))))),
        ("6 \\div 2 \\cdot 3", Product(Number("6"), (("\\div", Number("2")), ("\\cdot", Number("3"))))),
        ("2 \\times", Product(Number("2"), (("\\times", Missing()),))),
        ("\\left(1\\right]", Group("(", Number("1"), "]")),
        ("{n \\choose k}", Group("{", Binom("\\choose", Symbol("n"), Symbol("k")), "}")),
        ("\\binom{5}{2}", Binom("\\binom", brace(Number("5")), brace(Number("2")))),
        ("\\pi", Constant("\\pi")),
        ("\\mathrm{e}", Constant("e", upright=True)),
        ("\\text{cm}", Symbol("cm")),
        ("\\operatorname{Gamma}(3)", Scripted("Gamma", (), (Group("(", Number("3"), ")"),))),
        ("C(10, 3)", Scripted("C", (), (Number("10"), Number("3")))),
        ("\\sin^2 x", Scripted("\\sin", (("^", Number("2")),), (Symbol("x"),))),
        (
            "\\sum_{k=1}^{n} k",
            Scripted(
                "\\sum",
                (("_", brace(Chain(Symbol("k"), (("=", Number("1")),)))), ("^", brace(Symbol("n")))),
                (Symbol("k"),),
            ),
        ),
        ("\\begin{vmatrix} a & b \\\\ c & d \\end{vmatrix}", None),
    ],
)
def test_the_tree(text, tree):
    node = only(text)
    if tree is None:
        assert node == Environment("vmatrix", ("a", "&", "b", "\\\\", "c", "&", "d"), False, True)
    else:
        assert node == tree


def test_spacing_sizing_and_dollars_are_not_tokens():
    assert tokenize("$\\left( 2 \\, x \\right)$ ** 2") == ["(", "2", "x", ")", "^", "2"]


def test_unicode_operators_are_read_as_the_commands_they_spell_when_asked():
    """Numeric evaluation asks (``2×π`` is ``2 \\cdot \\pi``); by default they stay unknown symbols, as the growth
    guard has always read them: an en dash read as a minus there would split a product of sums it refuses into a
    difference it allows."""
    assert tokenize("2×π ÷ √3 – 1·2∙3⋅4", unicode=True) == [
        "2", "\\cdot", "\\pi", "\\div", "sqrt", "3", "-", "1", "\\cdot", "2", "\\cdot", "3", "\\cdot", "4",
    ]  # fmt: skip
    assert tokenize("2×π – 1") == ["2", "×", "π", "–", "1"]
    assert parse("(a+b+c)^{10}–(a+b+c)^{10}", unicode=True) == parse("(a+b+c)^{10}-(a+b+c)^{10}")
    assert unbounded_growth("(a+b+c)^{10}–(a+b+c)^{10}") is not None


@given(st.lists(st.sampled_from([*map(chr, UNICODE_SPELLINGS), "2", "x", "{", "}", "^", " ", "\\frac"]), max_size=12))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_a_unicode_operator_parses_as_its_command(pieces):
    text = "".join(pieces)
    spelled = "".join(UNICODE_SPELLINGS.get(ord(p), p) if len(p) == 1 else p for p in pieces)
    assert parse(text, unicode=True) == parse(spelled)


def test_stray_closers_separate_expressions():
    assert parse("1 ) 2") == Sequence((Number("1"), Stray(")"), Number("2")))


@pytest.mark.parametrize(
    "text",
    [
        "{" * (MAX_NESTING + 1) + "1",
        "\\sqrt" * (MAX_DEPTH + 1) + " 2",
        "\\sin" * (MAX_DEPTH + 1) + " x",
        "\\Gamma" * (MAX_DEPTH + 1) + "(3)",
        "(" * 5000,
    ],
)
def test_deep_nesting_ends_the_parse_where_it_happens(text):
    assert TooDeep() in _nodes(parse(text))
    assert unbounded_growth(text) == "nested too deeply"


@pytest.mark.parametrize("text", ["{" * (MAX_NESTING - 1) + "1", "\\sqrt" * (MAX_DEPTH - 1) + " 2"])
def test_nesting_within_the_caps_is_read(text):
    assert TooDeep() not in _nodes(parse(text))


def test_long_runs_are_read_along_not_down():
    """A run of postfix operators or signs is one level, however long (once a RecursionError)."""
    assert unbounded_growth("3" + "!" * 5000) == "a factorial of about 10^1.75e+03"
    assert unbounded_growth("2^" + "-" * 5000 + "1") is None
    assert unbounded_growth("x" + "'" * 5000) is None


def test_the_parse_does_not_depend_on_the_callers_stack():
    text = "\\sqrt" * (MAX_DEPTH - 1) + " 2"

    def nested(levels: int):
        return parse(text) if levels == 0 else nested(levels - 1)

    assert nested(sys.getrecursionlimit() // 3) == parse(text)


def _nodes(tree) -> list:
    out, stack = [], [tree]
    while stack:
        node = stack.pop()
        out.append(node)
        for value in getattr(node, "__dataclass_fields__", {}):
            child = getattr(node, value)
            items = child if isinstance(child, tuple) else (child,)
            for item in items:
                for part in item if isinstance(item, tuple) else (item,):
                    if hasattr(part, "__dataclass_fields__"):
                        stack.append(part)
    return out


PIECES = [
    "\\frac", "\\dfrac", "\\sqrt", "{", "}", "(", ")", "[", "]", "^", "_", "!", "'", "%", "2", "10", "0.5", ".", "x",
    "+", "-", "*", "**", "/", "\\cdot", "\\times", "\\div", ",", "=", "|", "&", "\\\\", "\\binom", "\\choose", "\\sum",
    "\\prod", "\\int", "\\sin", "\\Gamma", "\\exp", "C", "factorial", "\\begin", "\\end", "{vmatrix}", "\\det",
    "\\text", "\\operatorname", "\\mathrm", "\\overline", "\\boxed", "\\left(", "\\right)", "\\{", "\\}", "\\pi", "e",
    " ", "$", "\\,", "999",
]  # fmt: skip
SOUP = st.lists(st.sampled_from(PIECES), max_size=400).map("".join)


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(text=SOUP)
def test_any_token_soup_parses_renders_and_sizes_without_raising(text):
    """Random LaTeX of any nesting: a tree, never an exception; the tree is at most a few nodes per token (the
    parse is linear), and rendering it never raises."""
    tree = parse(text)
    assert len(_nodes(tree)) <= 4 * len(tokenize(text)) + 2
    render(tree)
    unbounded_growth(text)


LEAVES = ["2", "10", "0.5", "x", "y", "\\pi", "e", "\\alpha", "\\mathrm{e}", "\\text{cm}"]
FORMS = [
    "{a} + {b}", "{a} - {b}", "{a} = {b}", "{a}, {b}", "{a} \\cdot {b}", "{a} \\times {b}", "{a} / {b}", "{a} {b}",
    "({a})", "-{{{a}}}", "\\frac{{{a}}}{{{b}}}", "\\binom{{{a}}}{{{b}}}", "\\sqrt{{{a}}}", "\\sqrt[{a}]{{{b}}}",
    "{{{a}}}^{{{b}}}", "{{{a}}}!", "\\sin({a})", "\\Gamma({a})", "C({a}, {b})", "\\sum_{{k={a}}}^{{{b}}} k",
    "{a} \\begin{{pmatrix}} x & 2 \\\\ 1 & 2 \\end{{pmatrix}} {b}",
]  # fmt: skip


def _built(steps: list[tuple[int, int]]) -> str:
    """Well-formed LaTeX built bottom-up: each step wraps the expression so far in a form, with a leaf as the
    form's second operand (or the expression so far on the other side). A matrix holds leaves only: its rows are
    read flat to the first ``\\end``."""
    text = LEAVES[0]
    for form, leaf in steps:
        other = LEAVES[leaf % len(LEAVES)]
        a, b = (text, other) if leaf % 2 else (other, text)
        text = FORMS[form].format(a=a, b=b)
    return text


WELL_FORMED = st.lists(st.tuples(st.integers(0, len(FORMS) - 1), st.integers(0, 2 * len(LEAVES) - 1)), max_size=25)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(steps=WELL_FORMED)
def test_rendering_then_reparsing_gives_the_same_tree(steps):
    text = _built(steps)
    tree = parse(text)
    assert parse(render(tree)) == tree
    assert unbounded_growth(render(tree)) == unbounded_growth(text)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(text=SOUP)
def test_a_rendered_tree_renders_to_itself(text):
    once = render(parse(render(parse(text))))
    assert render(parse(once)) == once


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(text=SOUP, unicode=st.booleans(), extra=st.lists(st.sampled_from(["−", "π", "×", "√", "–", "\\π", "\\−"])))
def test_lexed_tokens_are_the_tokens_with_where_they_stand(text, unicode, extra):
    """:func:`lex` gives :func:`tokenize`'s tokens, in order, each with the span of the source that reads as it:
    spans do not overlap, what lies between two is spacing or what the tokenizer drops, and a token written as
    itself is its span."""
    text = text + "".join(extra)
    tokens = lex(text, unicode)
    assert [t.text for t in tokens] == tokenize(text, unicode)
    end = 0
    for token in tokens:
        assert end <= token.start < token.end <= len(text)
        assert unicode or tokenize(text[end : token.start]) == []  # with unicode, "\\π" drops its "\\"
        end = token.end
        written = text[token.start : token.end].replace("−", "-").replace("**", "^")
        assert written == token.text or token.text == "\\ " or unicode, (token, written)
    assert unicode or tokenize(text[end:]) == []


def test_lexed_offsets_recover_the_source():
    text = "$\\left( 2 \\, x \\right)$ ** 2 − 1"
    assert [(t.text, text[t.start : t.end]) for t in lex(text)] == [
        ("(", "("), ("2", "2"), ("x", "x"), (")", ")"), ("^", "**"), ("2", "2"), ("-", "−"), ("1", "1"),
    ]  # fmt: skip
    assert [(t.text, "2×π"[t.start : t.end]) for t in lex("2×π", unicode=True)] == [
        ("2", "2"), ("\\cdot", "×"), ("\\pi", "π"),
    ]  # fmt: skip


def test_parsed_tokens_give_each_operand_its_token_range():
    """What a reader maps back onto the source: a split number is two tokens, each operand a range."""
    text = "\\frac12 + \\sqrt[3]{x}"
    tree, tokens, ranges = parse_tokens(lex(text))
    assert tree == parse(text)
    assert [(t.text, text[t.start : t.end]) for t in tokens][:3] == [("\\frac", "\\frac"), ("1", "1"), ("2", "2")]
    chain = tree.items[0]
    frac, root = chain.first, chain.rest[0][1]
    assert ranges[id(frac)] == (0, 3) and ranges[id(frac.denominator)] == (2, 3)
    assert [t.text for t in tokens[slice(*ranges[id(root.radicand)])]] == ["{", "x", "}"]


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(text=SOUP)
def test_parsing_lexed_tokens_gives_the_same_tree(text):
    assert parse_tokens(lex(text))[0] == parse(text)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("\\boxed{7} or \\boxed {8}", [(0, 9, "7"), (13, 23, "8")]),
        ("\\boxed{\\{1, 2\\}}", [(0, 16, "\\{1, 2\\}")]),
        ("\\boxed{\\frac{1}{2}}", [(0, 19, "\\frac{1}{2}")]),
        ("\\boxed{\\boxed{1}} \\fbox{2}", [(0, 17, "\\boxed{1}"), (18, 26, "2")]),
        ("\\\\boxed{004}", [(1, 12, "004")]),
        ("\\boxed{7} \\boxed{a{b}c", [(0, 9, "7")]),
        ("\\boxedx{7} \\textbf{7}", []),
    ],
)
def test_braced_arguments_match_braces_over_the_tokens(text, found):
    """The one bracket matcher of the core's LaTeX (boxes are found with it): an escaped brace is no brace, a
    command escaped twice is the command, an argument that never closes ends the reading."""
    assert braced_arguments(text, frozenset({"\\boxed", "\\fbox"})) == found
