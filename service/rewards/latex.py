"""The one LaTeX front end of the reward core: a tokenizer and a forgiving recursive-descent parser into a small
typed tree of frozen dataclasses, read by the growth guard (:mod:`.growth`, sizes in log space), by numeric
evaluation (:mod:`.numeric`, exact values) and by key-step normalisation and the data tools (:mod:`.latex_plain`,
plain spelling); boxes are found over its tokens (:func:`braced_arguments`). Tokens keep their source offsets
(:func:`lex`), so a reader can map what it reads back onto the text as written.

The parser never fails: what it does not understand becomes a :class:`Symbol` (or :class:`Missing` where an
operand is absent), so every text has a tree. It is bounded: every step consumes a token or returns, so it runs
in linear time, and nesting past ``MAX_NESTING`` expressions or ``MAX_DEPTH`` operands (however it is spelled:
braces, ``\\sqrt\\sqrt...``, ``\\sin\\sin...``) ends the parse with a :class:`TooDeep` node where it happened, so
adversarial nesting cannot exhaust the stack. The tree keeps the order of the source: a reader that folds it
children first, left to right, meets things in the order they were written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

MAX_NESTING = 60
"""Most nested expressions (a bracket, a braced argument) read."""
MAX_DEPTH = 128
"""Most nested operands (``\\sqrt\\sqrt...2``, ``\\sin\\sin...x``, ``{{...}}``) read."""

_TOKEN = re.compile(r"\d+(?:\.\d*)?|\.\d+|\\[A-Za-z]+|\\.|[A-Za-z]+|\S")
_DROP = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg|displaystyle|limits|nolimits|[,;:! ])(?![A-Za-z])|\$")
DROPPED = _DROP
"""What the tokenizer drops: sizing and spacing commands and ``$``."""
OPEN = {"(": ")", "{": "}", "[": "]", "\\{": "\\}", "\\lbrace": "\\rbrace", "\\langle": "\\rangle"}
CLOSE = frozenset(OPEN.values())
ADDITIVE = frozenset(
    {
        "+",
        "-",
        "\\pm",
        "\\mp",
        ",",
        ";",
        "=",
        "<",
        ">",
        "\\le",
        "\\ge",
        "\\leq",
        "\\geq",
        "\\neq",
        "\\approx",
        "\\to",
        "\\cup",
        "\\cap",
        "\\setminus",
        "&",
        "\\\\",
        "|",
        "\\mid",
        "\\in",
        ":",
    }
)
"""Operators joining terms: signs, separators and relations."""
MULTIPLY = frozenset({"*", "\\cdot", "\\times", "/", "\\div"})
DIVIDE = frozenset({"/", "\\div"})
_POSTFIX = frozenset({"^", "_", "!", "'", "\\%", "%"})
_ENDS = CLOSE | ADDITIVE | {None}
_NOT_ATOMS = _ENDS | MULTIPLY | _POSTFIX | {"\\choose"}
_SIGNS = frozenset({"-", "+", "\\pm", "\\mp"})
_COMMA = frozenset({","})
FRACTIONS = frozenset({"\\frac", "\\dfrac", "\\tfrac", "\\cfrac"})
_BINOMIALS = frozenset({"\\binom", "\\dbinom", "\\tbinom"})
GAMMA_NAMES = frozenset({"\\Gamma", "gamma", "Gamma", "\\gamma"})
FACTORIAL_NAMES = frozenset({"factorial", "\\factorial"})
EXP_NAMES = frozenset({"\\exp", "exp"})
BINOMIAL_NAMES = frozenset({"binom", "C", "binomial"})
_CALLS = GAMMA_NAMES | FACTORIAL_NAMES | EXP_NAMES | BINOMIAL_NAMES
SERIES = {"\\sum": "sum", "\\prod": "prod"}
CONSTANTS = frozenset({"\\pi", "pi", "e"})
_ONE_ARGUMENT = frozenset(
    {
        "\\text",
        "\\textbf",
        "\\mathrm",
        "\\mathbf",
        "\\mathit",
        "\\operatorname",
        "\\overline",
        "\\hat",
        "\\vec",
        "\\bar",
        "\\tilde",
        "\\underline",
        "\\widehat",
        "\\overrightarrow",
        "\\boxed",
        "\\mathbb",
    }
)
_WORDISH = frozenset({"\\text", "\\textbf", "\\operatorname", "\\mathrm", "\\mathit", "\\mathbb"})
INTEGRALS = frozenset({"\\int", "\\iint", "\\iiint", "\\oint", "\\intop"})
PERIODIC = frozenset({"\\sin", "\\cos", "\\tan", "\\cot", "\\sec", "\\csc", "sin", "cos", "tan", "cot", "sec", "csc"})
_DET_NAMES = frozenset({"\\det", "det"})


class Node:
    """A node of the tree."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Number(Node):
    literal: str
    """As written: ``12``, ``0.5``, ``.5``, ``3.``."""


@dataclass(frozen=True, slots=True)
class Symbol(Node):
    name: str
    """A letter run, a command, or any token read as a quantity of unknown value."""


@dataclass(frozen=True, slots=True)
class Missing(Node):
    """An operand that is not there (``2^``, ``x + ``, ``\\frac{1}``)."""


@dataclass(frozen=True, slots=True)
class TooDeep(Node):
    """Where the parse stopped: the text nests past ``MAX_NESTING`` or ``MAX_DEPTH``."""


@dataclass(frozen=True, slots=True)
class Constant(Node):
    name: str
    """``\\pi``, ``pi`` or ``e``."""
    upright: bool = False
    """Written as a word (``\\mathrm{e}``, ``\\operatorname{pi}``)."""


@dataclass(frozen=True, slots=True)
class Group(Node):
    open: str
    body: Node
    close: str
    """The closing bracket that ended it (any closer: ``[0, 1)``), or ``""``."""


@dataclass(frozen=True, slots=True)
class Chain(Node):
    """Terms joined by signs, separators or relations: ``a + b = c``. An operand may be :class:`Missing`."""

    first: Node
    rest: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Product(Node):
    """Factors joined by ``*``, ``\\cdot``, ``\\times``, ``/``, ``\\div`` or side by side (operator ``""``); a
    trailing operator's factor is :class:`Missing`."""

    first: Node
    rest: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Signed(Node):
    signs: tuple[str, ...]
    operand: Node


@dataclass(frozen=True, slots=True)
class Power(Node):
    base: Node
    exponent: Node


@dataclass(frozen=True, slots=True)
class Subscript(Node):
    base: Node
    index: Node


@dataclass(frozen=True, slots=True)
class Postfix(Node):
    """``!`` (factorial), ``'`` (prime), ``%`` or ``\\%`` after an operand."""

    base: Node
    operator: str


@dataclass(frozen=True, slots=True)
class Frac(Node):
    command: str
    numerator: Node
    denominator: Node


@dataclass(frozen=True, slots=True)
class Binom(Node):
    """``\\binom{n}{k}`` or ``{n \\choose k}`` (command ``\\choose``)."""

    command: str
    n: Node
    k: Node


@dataclass(frozen=True, slots=True)
class Sqrt(Node):
    index: Node | None
    """The bracketed group of ``\\sqrt[3]{x}``."""
    radicand: Node


@dataclass(frozen=True, slots=True)
class Scripted(Node):
    """A big operator or function with its scripts in source order (``\\sum_{k=1}^{n} body``, ``\\int_0^1 f``,
    ``\\sin^2 x``, ``\\Gamma(n)``, ``C(n, k)``); ``arguments`` is empty when it takes none."""

    name: str
    scripts: tuple[tuple[str, Node], ...]
    arguments: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Decorated(Node):
    """A one-argument command read as an unknown quantity: ``\\overline{AB}``, ``\\vec{v}``, ``\\boxed{7}``."""

    command: str
    argument: Node


@dataclass(frozen=True, slots=True)
class Environment(Node):
    """``\\begin{name} ... \\end{name}``: a matrix's tokens as written (``&`` between columns, ``\\\\`` between
    rows); for any other environment only ``\\begin{name}`` is consumed and ``tokens`` is empty."""

    name: str
    tokens: tuple[str, ...]
    determinant: bool
    """Written as ``\\det`` of a matrix."""
    ended: bool = False
    """Closed by ``\\end``."""


MATRICES = frozenset({"matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "array"})


@dataclass(frozen=True, slots=True)
class Stray(Node):
    """A closing bracket that closes nothing, between the expressions of the text."""

    token: str


@dataclass(frozen=True, slots=True)
class Sequence(Node):
    """The whole text: expressions one after another, and any stray closers between them."""

    items: tuple[Node, ...]


UNICODE_SPELLINGS = str.maketrans(
    {
        "π": " \\pi ",
        "×": " \\cdot ",
        "·": " \\cdot ",
        "∙": " \\cdot ",
        "⋅": " \\cdot ",
        "÷": " \\div ",
        "√": " sqrt ",
        "–": "-",
    }
)
"""Unicode operators as the commands the parser reads (``2×π`` is ``2 \\cdot \\pi``, ``√2`` is ``sqrt 2``, the en
dash a minus). Only numeric evaluation asks for them: the growth guard reads a unicode operator as an unknown
symbol, as it always has (``–`` as a minus would split a product it refuses into a difference it allows)."""


def tokenize(text: str, unicode: bool = False) -> list[str]:
    """Numbers, commands, letter runs and single characters, with sizing commands, spacing and ``$`` dropped,
    ``**`` read as ``^`` and ``−`` as ``-``; with ``unicode``, the operators of ``UNICODE_SPELLINGS`` too."""
    text = text.replace("−", "-").replace("**", "^")
    if unicode:
        text = text.translate(UNICODE_SPELLINGS)
    return _TOKEN.findall(_DROP.sub(" ", text))


class Token(NamedTuple):
    """A token of :func:`tokenize` and where it stands in the source: ``source[start:end]`` is what was written
    (``**`` for ``^``), and the text between two tokens is spacing or what the tokenizer drops (``\\left``,
    ``\\,``, ``$``)."""

    text: str
    start: int
    end: int


_UNICODE_OPERATORS = re.compile("[" + "".join(chr(code) for code in UNICODE_SPELLINGS) + "]")


def lex(text: str, unicode: bool = False, offset: int = 0) -> list[Token]:
    """The tokens of :func:`tokenize` (the same strings, in the same order) with their offsets in ``text`` (plus
    ``offset``, for a piece cut from a longer text)."""
    stages: list[list[tuple[int, int, int, int]]] = []
    text = _tracked(_STARRED, "^", text.replace("−", "-"), stages)
    if unicode:
        text = _tracked(_UNICODE_OPERATORS, lambda m: UNICODE_SPELLINGS[ord(m.group())], text, stages)
    text = _tracked(_DROP, " ", text, stages)
    if not any(stages):
        return [Token(m.group(), m.start() + offset, m.end() + offset) for m in _TOKEN.finditer(text)]
    spans = [m.span() for m in _TOKEN.finditer(text)]
    for edits in reversed(stages):
        if edits:
            spans = _origins(edits, spans)
    return [Token(t, a + offset, b + offset) for t, (a, b) in zip(_TOKEN.findall(text), spans, strict=True)]


def _origins(edits: list[tuple[int, int, int, int]], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where each span of a stage's output stood in its input, in one pass (spans and edits are in order): a
    token's start (end) inside a replacement stands at the replaced text's start (end)."""
    out: list[tuple[int, int]] = []
    k = shift = 0
    for start, end in spans:
        k, shift = _passed(edits, k, shift, start)
        begin = edits[k][2] if k < len(edits) and edits[k][0] <= start else start + shift
        j, tail = _passed(edits, k, shift, end - 1)
        finish = edits[j][3] if j < len(edits) and edits[j][0] <= end - 1 else end + tail
        out.append((begin, finish))
    return out


def _passed(edits: list[tuple[int, int, int, int]], k: int, shift: int, position: int) -> tuple[int, int]:
    """From edit ``k`` on, the first edit that does not end at or before ``position``, and the shift the edits
    before it add to a position of the stage's output."""
    while k < len(edits) and edits[k][1] <= position:
        shift = edits[k][3] - edits[k][1]
        k += 1
    return k, shift


_STARRED = re.compile(r"\*\*")


def _tracked(pattern: re.Pattern[str], repl, text: str, stages: list[list[tuple[int, int, int, int]]]) -> str:
    """``pattern.sub(repl, text)``, recording each replacement as (out start, out end, in start, in end)."""
    edits: list[tuple[int, int, int, int]] = []
    pieces: list[str] = []
    last = shift = 0
    for m in pattern.finditer(text):
        written = repl if isinstance(repl, str) else repl(m)
        pieces += [text[last : m.start()], written]
        start = m.start() + shift
        edits.append((start, start + len(written), m.start(), m.end()))
        shift += len(written) - (m.end() - m.start())
        last = m.end()
    stages.append(edits)
    return "".join(pieces) + text[last:] if edits else text


def braced_arguments(text: str, commands: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, content) of each of ``commands`` and its braced argument, in order (``\\boxed{\\frac{1}{2}}``),
    braces matched over the tokens, lexed from each command on (an escaped ``\\{`` is no brace; ``\\\\boxed``, text
    that went through JSON twice, holds the command): an argument inside another's is not read apart, and reading
    stops at an argument that never closes."""
    found: list[tuple[int, int, str]] = []
    position = 0
    while starts := [i for i in (text.find(command, position) for command in commands) if i >= 0]:
        start = min(starts)
        size = 64
        while True:
            stop = min(len(text), start + size)
            tokens = lex(text[start:stop], offset=start)
            close = _closing(tokens) if len(tokens) > 1 and tokens[0].text in commands else -1
            if close is not None or stop == len(text):
                break
            size *= 4
        if close is None:
            break
        if close < 0:
            position = start + 1
            continue
        found.append((start, tokens[close].end, text[tokens[1].end : tokens[close].start].strip()))
        position = tokens[close].end
    return found


def _closing(tokens: list[Token]) -> int | None:
    """The index of the brace that closes ``tokens[1]`` (-1 when that is no opening brace), None when none does
    among ``tokens`` (a window cut from the text, but the last token, which may be cut)."""
    if tokens[1].text != "{":
        return -1
    depth = 0
    for k in range(1, len(tokens)):
        depth += (tokens[k].text == "{") - (tokens[k].text == "}")
        if depth == 0:
            return k
    return None


def parse(text: str, unicode: bool = False) -> Sequence:
    """The tree of ``text`` (LaTeX or plain; ``unicode`` as for :func:`tokenize`); never raises."""
    return _parsed(_Parser(tokenize(text, unicode)))


def parse_tokens(tokens: list[Token]) -> tuple[Sequence, list[Token], dict[int, tuple[int, int]]]:
    """The tree of :func:`lex`'s ``tokens``, the tokens it read (a number that LaTeX reads digit by digit, as in
    ``\\frac12``, is split), and the token range ``[first, end)`` of each operand read, keyed by ``id`` of its node:
    what a reader needs to map the tree back onto the source."""
    parser = _Parser([t.text for t in tokens], list(tokens))
    return _parsed(parser), parser.spans or [], parser.ranges


def parse_operand(
    tokens: list[Token], argument: bool = False, nesting: int = MAX_NESTING
) -> tuple[Node, list[Token], dict[int, tuple[int, int]], int]:
    """The one operand :func:`lex`'s ``tokens`` start with (an atom: ``\\frac{1}{2}``, ``\\sqrt[3]{x}``; or, with
    ``argument``, what ``^`` takes: ``{\\circ}``, ``10``), as :func:`parse_tokens` gives it, and the index of the
    first token after it: how a reader of LaTeX inside prose reads each piece of maths where it stands. ``nesting``
    lowers the caps (nested operands: twice as many), for a reader that takes what lies deeper as a piece of its own."""
    parser = _Parser([t.text for t in tokens], list(tokens), nesting)
    try:
        node = parser.argument() if argument else parser.atom()
    except RecursionError:  # as in parse: not reached within the caps from a shallow caller
        node = TooDeep()
    return node, parser.spans or [], parser.ranges, min(parser.i, parser.n)


def _parsed(parser: _Parser) -> Sequence:
    try:
        return parser.sequence()
    except RecursionError:  # not reached within the caps from a shallow caller; a deep caller still gets a tree
        return Sequence((TooDeep(),))


def is_atom_start(token: str | None) -> bool:
    return token not in _NOT_ATOMS


class _Parser:
    """Recursive descent; every step consumes a token or returns, so it stays linear."""

    def __init__(self, tokens: list[str], spans: list[Token] | None = None, nesting: int = MAX_NESTING):
        self.tokens = tokens
        self.max_nesting = nesting
        self.max_depth = MAX_DEPTH if nesting == MAX_NESTING else 2 * nesting
        self.spans = spans
        """The tokens with their offsets, when the caller wants token ranges (:func:`parse_tokens`)."""
        self.ranges: dict[int, tuple[int, int]] = {}
        self.n = len(tokens)
        self.i = 0
        self.nesting = 0
        self.depth = 0
        self.stopped = False

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < self.n and not self.stopped else None

    def take(self) -> str | None:
        token = self.peek()
        self.i += 1
        return token

    def too_deep(self) -> TooDeep:
        self.stopped = True
        return TooDeep()

    def sequence(self) -> Sequence:
        items: list[Node] = []
        while self.i < self.n and not self.stopped:
            items.append(self.expression())
            if (token := self.peek()) in CLOSE:
                assert token is not None
                items.append(Stray(token))
                self.i += 1
        return Sequence(tuple(items))

    def expression(self, stop: frozenset[str] = frozenset()) -> Node:
        """Terms joined by ``+``, ``-``, commas or relations."""
        self.nesting += 1
        if self.nesting > self.max_nesting:
            return self.too_deep()
        first = self.term()
        rest: list[tuple[str, Node]] = []
        while (token := self.peek()) is not None and token in ADDITIVE and token not in stop:
            self.i += 1
            rest.append((token, Missing() if self.peek() in _ENDS else self.term()))
        self.nesting -= 1
        return Chain(first, tuple(rest)) if rest else first

    def term(self) -> Node:
        first = self.signed()
        rest: list[tuple[str, Node]] = []
        while (token := self.peek()) is not None:
            if token in MULTIPLY:
                self.i += 1
                if self.peek() in _ENDS:
                    rest.append((token, Missing()))
                    break
                rest.append((token, self.signed()))
            elif is_atom_start(token):
                rest.append(("", self.signed()))
            else:
                break
        return Product(first, tuple(rest)) if rest else first

    def signed(self) -> Node:
        signs: list[str] = []
        while (token := self.peek()) in _SIGNS:
            assert token is not None
            signs.append(token)
            self.i += 1
        operand = self.postfix(self.atom())
        return Signed(tuple(signs), operand) if signs else operand

    def postfix(self, node: Node) -> Node:
        while (token := self.peek()) in _POSTFIX:
            self.i += 1
            if token == "^":
                node = Power(node, self.argument())
            elif token == "_":
                node = Subscript(node, self.argument())
            else:
                assert token is not None
                node = Postfix(node, token)
        return node

    def argument(self) -> Node:
        """A braced group, or the single token LaTeX reads (``^10`` and ``^(..)`` from plain text too)."""
        start = self.i
        node = self._argument()
        if self.spans is not None:
            self.ranges[id(node)] = (start, self.i)
        return node

    def digit_argument(self) -> Node:
        """An argument as LaTeX reads it after ``\\frac`` or ``\\binom``: a number is read one digit at a time
        (``\\frac12`` is a half, ``\\frac1{2}`` too)."""
        token = self.peek()
        if token is not None and len(token) > 1 and token[0].isdigit():
            self.tokens[self.i : self.i + 1] = [token[0], token[1:]]
            if self.spans is not None:
                text, start, end = self.spans[self.i]
                self.spans[self.i : self.i + 1] = [Token(text[0], start, start + 1), Token(text[1:], start + 1, end)]
            self.n += 1
        return self.argument()

    def _argument(self) -> Node:
        signs: list[str] = []
        while self.peek() == "-":
            signs.append("-")
            self.i += 1
        token = self.peek()
        if token is None:
            operand: Node = Missing()
        elif token in OPEN:
            operand = self.atom()
        else:
            operand = self.atom() if token not in _ENDS else Missing()
        return Signed(tuple(signs), operand) if signs else operand

    def group(self) -> Node:
        """A bracketed expression; ``{n \\choose k}`` is a binomial."""
        open_ = self.take()
        assert open_ is not None
        body = self.expression()
        if self.peek() == "\\choose":
            self.i += 1
            body = Binom("\\choose", body, self.expression())
        close = self.peek()
        if close in CLOSE:
            self.i += 1
        return Group(open_, body, close if close in CLOSE and close is not None else "")

    def atom(self) -> Node:
        self.depth += 1
        start = self.i
        try:
            node = self.too_deep() if self.depth > self.max_depth else self._atom()
            if self.spans is not None:
                self.ranges[id(node)] = (start, self.i)
            return node
        finally:
            self.depth -= 1

    def _atom(self) -> Node:
        token = self.take()
        if token is None:
            return Missing()
        if token[0].isdigit() or token[0] == ".":
            return Number(token)
        if token in OPEN:
            self.i -= 1
            return self.group()
        if token in CONSTANTS:
            return Constant(token)
        if token in FRACTIONS:
            return Frac(token, self.digit_argument(), self.digit_argument())
        if token in _BINOMIALS:
            return Binom(token, self.digit_argument(), self.digit_argument())
        if token == "\\sqrt":
            index = self.group() if self.peek() == "[" else None
            return Sqrt(index, self.argument())
        if token in SERIES or token in INTEGRALS:
            return self.big_operator(token)
        if token == "\\begin":
            return self.environment(determinant=False)
        if token in _WORDISH:
            return self.word_group(token)
        if token in _ONE_ARGUMENT:
            return Decorated(token, self.argument())
        return self.function(token)

    def word_group(self, command: str) -> Node:
        """``\\operatorname{Gamma}(..)``, ``\\mathrm{e}``, ``\\text{cm}``: the group read as one name."""
        if self.peek() != "{":
            return Symbol(command)
        start = self.i
        depth = 0
        while self.i < self.n:
            token = self.take()
            depth += (token == "{") - (token == "}")
            if depth == 0:
                break
        name = "".join(self.tokens[start + 1 : self.i - 1])
        if name in CONSTANTS:
            return Constant(name, upright=True)
        return self.function(name)

    def scripts(self, count: int | None = None) -> tuple[tuple[str, Node], ...]:
        """``^`` and ``_`` arguments in source order: all of them, or at most ``count`` tries."""
        out: list[tuple[str, Node]] = []
        tries = 0
        while (count is None or tries < count) and (token := self.peek()) in {"^", "_"}:
            assert token is not None
            self.i += 1
            out.append((token, self.argument()))
            tries += 1
        return tuple(out)

    def function(self, name: str) -> Node:
        """A named function and its argument (``\\Gamma(10^{10})``, ``\\exp x``, ``\\sin^2 x``)."""
        if name in _DET_NAMES and self.peek() == "\\begin":
            self.i += 1
            return self.environment(determinant=True)
        if name in PERIODIC:
            scripts = self.scripts()
            if (token := self.peek()) is None or not is_atom_start(token):
                return Scripted(name, scripts, ())
            return Scripted(name, scripts, (self.argument() if token in OPEN else self.signed(),))
        if name not in _CALLS:
            return Symbol(name)
        scripts = self.scripts()
        if name in BINOMIAL_NAMES:
            if self.peek() != "(":
                return Scripted(name, scripts, ())
            self.i += 1
            n = self.expression(stop=_COMMA)
            k: Node = self.expression(stop=_COMMA) if self.take() == "," else Missing()
            if self.peek() in CLOSE:
                self.i += 1
            return Scripted(name, scripts, (n, k))
        token = self.peek()
        argument = self.argument() if token in OPEN else (self.signed() if token is not None else Missing())
        return Scripted(name, scripts, (argument,))

    def big_operator(self, name: str) -> Node:
        """``\\sum_{k=1}^{N} body``, ``\\int_a^b f dx``: two script tries, then a term when one starts."""
        scripts = self.scripts(count=2)
        if (token := self.peek()) is not None and is_atom_start(token):
            return Scripted(name, scripts, (self.term(),))
        return Scripted(name, scripts, ())

    def environment(self, determinant: bool) -> Node:
        """``\\begin{vmatrix} .. \\end{vmatrix}``: a matrix's tokens to its ``\\end`` and the name after it."""
        name = self.word_name()
        if name not in MATRICES:
            return Environment(name, (), determinant)
        start = self.i
        while (token := self.take()) is not None and token != "\\end":
            pass
        ended = token == "\\end"
        body = tuple(self.tokens[start : min(self.i, self.n) - ended])
        if ended:
            self.word_name()
        return Environment(name, body, determinant, ended)

    def word_name(self) -> str:
        """The name in a ``{...}`` group of words (``{vmatrix}``), consumed; empty when none follows."""
        if self.peek() != "{":
            return ""
        start = self.i
        while (token := self.take()) is not None and token != "}":
            pass
        return "".join(self.tokens[start + 1 : self.i - 1])


def children(node: Node) -> list[Node]:
    """The nodes ``node`` is written with, in source order."""
    return [part for part in _parts(node) if isinstance(part, Node)]


def render(node: Node) -> str:
    """LaTeX that parses back to ``node``: its tokens separated by spaces (a line break after ``\\\\``, where a
    space would read as the spacing command ``\\ ``)."""
    return "".join(_SPELLED.get(t, t) + ("\n" if t.endswith("\\") else " ") for t in _rendered(node) if t).rstrip()


_SPELLED = {"\\ ": "\\\\ "}
"""Tokens that only come from another spelling: ``\\ `` is what ``\\\\ `` (a row break, then a space) reads as."""


def _rendered(node: Node) -> list[str]:
    out: list[str] = []
    stack: list[Node | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        else:
            stack.extend(reversed(_parts(item)))
    return out


def _parts(node: Node) -> list[Node | str]:
    """What ``node`` is written as: tokens and child nodes, in order."""
    if isinstance(node, Number):
        return [node.literal]
    if isinstance(node, Stray):
        return [node.token]
    if isinstance(node, Symbol):
        return [node.name]
    if isinstance(node, Constant):
        return ["\\mathrm", "{", node.name, "}"] if node.upright else [node.name]
    if isinstance(node, (Missing, TooDeep)):
        return []
    if isinstance(node, Sequence):
        return list(node.items)
    if isinstance(node, Group):
        return [node.open, node.body, node.close]
    if isinstance(node, (Chain, Product)):
        parts: list[Node | str] = [node.first]
        for operator, operand in node.rest:
            parts += [operator, operand]
        return parts
    if isinstance(node, Signed):
        return [*node.signs, node.operand]
    if isinstance(node, Power):
        return [node.base, "^", node.exponent]
    if isinstance(node, Subscript):
        return [node.base, "_", node.index]
    if isinstance(node, Postfix):
        return [node.base, node.operator]
    if isinstance(node, Frac):
        return [node.command, node.numerator, node.denominator]
    if isinstance(node, Binom):
        if node.command == "\\choose":
            return [node.n, "\\choose", node.k]
        return [node.command, node.n, node.k]
    if isinstance(node, Sqrt):
        return ["\\sqrt", node.index or "", node.radicand]
    if isinstance(node, Decorated):
        return [node.command, node.argument]
    if isinstance(node, Environment):
        begin: list[Node | str] = ["\\begin", "{", node.name, "}"] if node.name else ["\\begin"]
        if node.determinant:
            begin.insert(0, "\\det")
        if node.name not in MATRICES:
            return begin
        return [*begin, *node.tokens, *(["\\end", "{", node.name, "}"] if node.ended else [])]
    if isinstance(node, Scripted):
        written: list[Node | str] = [node.name]
        for script, argument in node.scripts:
            written += [script, argument]
        if node.name in BINOMIAL_NAMES and node.arguments:
            n, k = node.arguments
            second: list[Node | str] = [] if isinstance(k, Missing) else [",", k]
            return [*written, "(", n, *second, ")"]
        return [*written, *node.arguments]
    raise TypeError(f"cannot render {type(node).__name__}")
