"""LaTeX read as plain text, from the tree of :mod:`.latex` (the one LaTeX front end), for key-step matching
(:func:`.text.latex_to_plain`) and the data tools' plain forms.

The written text is kept as it stands, spacing included, but for what the tree says is LaTeX: a fraction
``\\frac{a}{b}`` (however its arguments are written: ``\\frac12``, ``\\frac{\\sqrt{3}}{2}``, ``\\dfrac1{2}``) reads
``(a)/(b)``, a root ``sqrt``, a root with an index ``\\sqrt[3]{8}`` ``root 3 of (8)``, ``^{\\circ}`` ``degrees``, a
text wrapper (``\\text{cm}``) its content, an operator command its plain operator (``\\cdot`` ``*``, ``\\le``
``<=``), any other command its name (``\\alpha`` ``alpha``), and what the tokenizer drops (``$``, ``\\left``,
``\\,``) a space. Each piece of maths is lexed and parsed where it stands (:func:`.latex.parse_operand`), and the
token offsets of :func:`.latex.lex` map its reading back onto the source, so the rewriting is one linear pass of
splices whose cost is the maths', not the prose's.
"""

from __future__ import annotations

import re

from .latex import (
    DROPPED,
    FRACTIONS,
    Frac,
    Group,
    Missing,
    Node,
    Number,
    Power,
    Signed,
    Sqrt,
    Symbol,
    Token,
    children,
    lex,
    parse_operand,
)

PLAIN_SYMBOLS = {
    **dict.fromkeys(("\\cdot", "\\times", "\\ast", "×", "·", "∙", "⋅"), " * "),
    **dict.fromkeys(("\\div", "÷"), " / "),
    **dict.fromkeys(("\\approx", "\\simeq", "\\cong", "\\equiv", "≈", "≅", "≡"), " = "),
    **dict.fromkeys(("\\le", "\\leq", "\\leqslant", "≤"), " <= "),
    **dict.fromkeys(("\\ge", "\\geq", "\\geqslant", "≥"), " >= "),
    **dict.fromkeys(("\\ne", "\\neq", "≠"), " != "),
    **dict.fromkeys(("−", "–", "—"), "-"),
    **dict.fromkeys(("\\quad", "\\qquad", "\\(", "\\)", "\\[", "\\]"), " "),
    **dict.fromkeys(("\\degree", "°"), " degrees "),
    "\\%": "%",
    "\\$": " ",
    "\\ ": " ",
    "\\\\": " ; ",
    "√": " sqrt ",
    "\\sqrt": " sqrt ",
    "π": " pi ",
    "∠": " angle ",
    "△": " triangle ",
}
"""Operators, spacing and symbols (commands and their unicode spellings) in their plain spelling."""
WRAPPERS = frozenset(
    {"\\text", "\\mathrm", "\\mathbf", "\\textbf", "\\mathit", "\\textit", "\\operatorname", "\\mbox", "\\boldsymbol"}
)
"""Commands whose braced argument is read as written: ``\\text{cm}`` is ``cm``."""
_OPERANDS = FRACTIONS | WRAPPERS | {"\\sqrt", "^"}
"""Where a piece of maths starts that is read as a whole, from its tree: a fraction, a root, an exponent, a wrapper's
argument."""
_DEGREES = (Symbol("\\circ"), Group("{", Symbol("\\circ"), "}"))
_POINTS = re.compile(
    f"(?P<dropped>{DROPPED.pattern})|\\\\[A-Za-z]+|\\\\.|\\^|["
    + "".join(re.escape(symbol) for symbol in PLAIN_SYMBOLS if len(symbol) == 1)
    + "]"
)
"""Where the text holds LaTeX or a symbol (tokens as :func:`.latex.lex` cuts them): prose between is kept as written,
so the cost is the maths', not the text's."""
_WINDOW = 32
"""Characters lexed for a piece of maths at first; four times as many while its operand runs on past them."""
_NESTING = 8
"""Nested expressions read as one piece (a key step nests fractions a few levels deep); what lies deeper is read
as pieces of its own, so hostile nesting costs a linear pass, not a deep parse per piece."""
_DOUBLED_ESCAPE = re.compile(r"\\\\(?=[A-Za-z])")
"""``\\\\frac``: LaTeX escaped twice (text that went through JSON twice) reads as the command it escapes."""

Splice = tuple[int, int, str]


def plain_latex(text: str) -> str:
    """``text`` with its LaTeX read as plain text (case kept)."""
    if "\\\\" in text:
        text = _DOUBLED_ESCAPE.sub(r"\\", text)
    pieces: list[str] = []
    last = position = 0
    for point in _POINTS.finditer(text):
        if point.start() < position:
            continue
        found = point.group()
        if point.lastgroup == "dropped":
            splices: list[Splice] = [(point.start(), point.end(), " ")]
            position = point.end()
        elif found in _OPERANDS:
            splices, position = _operand(text, point.start(), found)
        else:
            plain = _plain_token(found)
            splices = [] if plain is None else [(point.start(), point.end(), _spaced(plain, text, *point.span()))]
            position = point.end()
        for start, end, written in splices:
            pieces += [text[last:start], written]
            last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _operand(text: str, start: int, first: str) -> tuple[list[Splice], int]:
    """The splices of the piece of maths at ``start`` (a fraction, root, exponent or wrapper and its argument, read
    from its tree) and where it ends."""
    if first == "^" and text[start + 1 : start + 2].lstrip()[:1] not in ("{", "\\", ""):
        return [], start + 1  # an exponent written without braces or commands reads as written
    size = _WINDOW
    while True:
        stop = min(len(text), start + size)
        window = lex(text[start:stop], offset=start)
        if first in FRACTIONS or first == "\\sqrt":
            tree, tokens, ranges, end = parse_operand(window, nesting=_NESTING)
        elif len(window) > 1 and (first == "^" or window[1].text == "{"):
            argument, tokens, shifted, end = parse_operand(window[1:], argument=True, nesting=_NESTING)
            tokens, end = [window[0], *tokens], end + 1
            ranges = {key: (a + 1, b + 1) for key, (a, b) in shifted.items()}
            tree = Power(Missing(), argument) if first == "^" else argument
        else:
            tree, tokens, ranges, end = Missing(), window, {}, 1
        if end < len(tokens) - 1 or stop == len(text):
            break
        size *= 4
    end = max(end, 1)
    reading = _Reading()
    reading.read(tree, tokens, ranges)
    if any(t.text in WRAPPERS for t in tokens[:end]):
        reading.unwrap(tokens[:end])
    return _splices(text, tokens[:end], reading), tokens[end - 1].end


def _splices(text: str, tokens: list[Token], reading: _Reading) -> list[Splice]:
    """The source spans to rewrite, in order: each token read as the tree and :data:`PLAIN_SYMBOLS` say, and what
    lies between tokens when it is more than spacing."""
    splices: list[Splice] = []
    previous = tokens[0].start
    for i, token in enumerate(tokens):
        if i in reading.before:
            splices.append((previous, token.start, reading.before[i]))
        elif token.start > previous and not text[previous : token.start].isspace():
            splices.append((previous, token.start, " "))
        plain = reading.written.get(i)
        if plain is None:
            plain = _plain_token(token.text)
        if i in reading.after:
            plain = (text[token.start : token.end] if plain is None else plain) + reading.after[i]
        if plain is not None:
            splices.append((token.start, token.end, _spaced(plain, text, token.start, token.end)))
        previous = token.end
    return splices


def _plain_token(token: str) -> str | None:
    """A token's plain spelling, or None where it reads as written."""
    if (symbol := PLAIN_SYMBOLS.get(token)) is not None:
        return symbol
    if token[0] == "\\" and token[1:].isalpha():
        return token[1:]
    return None


def _spaced(plain: str, text: str, start: int, end: int) -> str:
    """A word written in place of ``text[start:end]``, with a space where it would run into a letter
    (``\\alpha\\beta`` is ``alpha beta``, ``2\\pi r`` is ``2pi r``)."""
    if plain[:1].isalpha() and start and text[start - 1].isalpha():
        plain = " " + plain
    if plain[-1:].isalpha() and end < len(text) and text[end].isalpha():
        plain += " "
    return plain


class _Reading:
    """How tokens read, by token index, where the tree or a wrapper says: a token ``written`` otherwise, text
    ``before`` it in place of the spacing, and text ``after`` it."""

    def __init__(self) -> None:
        self.written: dict[int, str] = {}
        self.before: dict[int, str] = {}
        self.after: dict[int, str] = {}

    def read(self, tree: Node, tokens: list[Token], ranges: dict[int, tuple[int, int]]) -> None:
        """The tree's fractions, roots, exponents and degrees."""
        stack = [tree]
        while stack:
            node = stack.pop()
            stack.extend(children(node))
            if isinstance(node, Power) and (exponent := ranges.get(id(node.exponent))):
                if node.exponent in _DEGREES:
                    self.written[exponent[0] - 1] = " degrees "
                    self.written.update(dict.fromkeys(range(*exponent), ""))
                else:
                    self.argument(node.exponent, ranges, "")
            span = ranges.get(id(node))
            if span is None:
                continue
            if isinstance(node, Frac):
                self.written[span[0]] = " "
                self.argument(node.numerator, ranges, "")
                self.argument(node.denominator, ranges, "/")
                self.after[span[1] - 1] = self.after.get(span[1] - 1, "") + " "
            elif isinstance(node, Sqrt):
                self.root(node, span, tokens, ranges)

    def root(self, node: Sqrt, span: tuple[int, int], tokens: list[Token], ranges: dict[int, tuple[int, int]]) -> None:
        """``sqrt(x)``; with an index, ``root 3 of (x)``."""
        radicand = ranges.get(id(node.radicand))
        if radicand is None or radicand[0] >= radicand[1]:
            self.written[span[0]] = "sqrt" if node.index is None else "root "
            return
        group = node.radicand if isinstance(node.radicand, Group) and node.radicand.open == "{" else None
        if node.index is None:
            self.written[span[0]] = "sqrt"
            self.before[radicand[0]] = "" if group else " "
        else:
            self.written[span[0]] = "root"
            self.written[span[0] + 1] = " "
            if tokens[radicand[0] - 1].text == "]":
                self.written[radicand[0] - 1] = ""
            self.before[radicand[0]] = " of "
        if group:
            self.written[radicand[0]] = "("
            if group.close == "}":
                self.written[radicand[1] - 1] = ")"

    def argument(self, node: Node, ranges: dict[int, tuple[int, int]], lead: str) -> None:
        """A fraction's argument or an exponent: ``lead`` in place of the spacing before it, its braces dropped
        round a number or a name and parentheses round anything else (``\\frac{1}{x+1}`` is ``1/(x+1)``)."""
        span = ranges.get(id(node))
        if isinstance(node, Missing) or span is None or span[0] >= span[1]:
            return
        self.before[span[0]] = lead
        if isinstance(node, Group) and node.open == "{":
            simple = _simple(node.body)
            self.written[span[0]] = "" if simple else "("
            if node.close == "}":
                self.written[span[1] - 1] = "" if simple else ")"

    def unwrap(self, tokens: list[Token]) -> None:
        """A wrapper command and the braces of its argument read as spaces: ``\\text{ cm}`` is `` cm``."""
        partner: dict[int, int] = {}
        open_braces: list[int] = []
        for k, token in enumerate(tokens):
            if token.text == "{":
                open_braces.append(k)
            elif token.text == "}" and open_braces:
                partner[open_braces.pop()] = k
        for k, token in enumerate(tokens[:-1]):
            if token.text in WRAPPERS and tokens[k + 1].text == "{":
                self.written[k] = self.written[k + 1] = " "
                if (close := partner.get(k + 1)) is not None:
                    self.written[close] = " "


def _simple(node: Node) -> bool:
    """A number or a name, signed or not: written without parentheses."""
    if isinstance(node, Signed) and len(node.signs) == 1:
        node = node.operand
    return isinstance(node, Number) or (isinstance(node, Symbol) and node.name.isalpha())
