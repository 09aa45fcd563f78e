"""The words that decide how a final answer is read, in one place for every stage.

The statement reader (:mod:`.statement`), the claims reader (:mod:`.claims`), the text grader (:mod:`.phrase`) and
the grader's prose check (:mod:`.answers`) all read these sets, so a word that hedges in one stage hedges in every
stage. Each stage may add words it alone needs, and says why where it does.
"""

from __future__ import annotations

import re
from enum import StrEnum

UNCERTAIN = frozenset({"maybe", "perhaps", "probably", "possibly", "might", "guess", "guessing", "unsure"})
"""A value said with one of these is left open, wherever it stands (``maybe 5``, ``\\boxed{7} (perhaps 8)``)."""
UNSURE_PHRASES = ("not sure", "roughly between")
"""Doubt in two words, read by every stage."""
UNCERTAIN_PHRASES = (*UNSURE_PHRASES, "could be", "could also", "may be", "may also")
"""Doubt as the claims reader reads it beside a value (``7 could also be the answer``); the statement reader leaves
the modal ones to it (``the number of points that could be in the domain is 19``)."""
UNCERTAIN_TEXT = frozenset({"likely", "unlikely", "could"})
"""Uncertain in a sentence that answers in words (``The ball is likely red``); a number may be "the most likely
sum", so the value readers leave these out."""
EITHER = frozenset({"either", "neither"})
"""Uncertain after the copula (``The value is either 6 or 7``); before it they restate the question (``items that
are either red or rubber: 3``)."""
NEGATION = frozenset({"not", "never", "cannot", "nor", "wrong", "incorrect", "false", "invalid"})
"""A value under one of these is denied or judged, not stated (``not 5``, ``5 is wrong``); words ending ``n't``
too. A word that is itself the answer (``The argument is invalid.``) is not a negation of it."""
NEGATION_TEXT = frozenset({"no", "neither", "none", "without"})
"""Negations in a sentence that answers in words; a value reader keeps ``no`` and ``none`` as answers."""
ALTERNATIVE = frozenset({"or", "either", "versus", "vs", "alternatively", "otherwise", "unless"})
"""Offers another value beside the one stated (``7 or 8``, ``It is green, unless it is gray``)."""
ALTERNATIVE_MATH = ("\\pm", "±", "\\mp", "\\vee", "\\lor", "∨", "|")
"""Inside maths they join alternatives (``7 \\vee 8``, ``\\boxed{7|8}``, ``7 \\pm 2``)."""
_FITTING = r"(?:fits?|works?|is\s+possible|possible|valid|correct|acceptable|defensible|plausible|reasonable|satisf\w+)"
ALSO = re.compile(
    r"\b(?:(?:also|too|as\s+well)\s+(?:be\s+)?(?:an?\s+)?" + _FITTING + r"|(?:equally|just\s+as)\s+(?:an?\s+)?"
    r"(?:valid|correct|good|likely|plausible|possible|acceptable|reasonable|well)|(?:is|are)\s+(?:also\s+)?"
    r"(?:close|a\s+close\s+second|defensible|arguable)|(?:some(?:\s+\w+)?|others?)\s+(?:would\s+|might\s+|may\s+|could\s+)?"
    r"(?:say|argue|give|claim|suggest|prefer|answer))\b",
    re.I,
)
"""``Eight also fits.``, ``8 is also a valid interpretation``, ``8 would also be acceptable``, ``D is equally valid``,
``though gray is close``, ``Some would say D``, ``some sources give 8``: a second value offered beside the answer."""
DOUBT = (
    "not sure",
    "unsure",
    r"not\s+(?:entirely\s+|completely\s+|100%\s+)?(?:certain|confident|sure)",
    "uncertain",
    "unverified",
    r"(?:but|please|should|needs?\s+to)\s+(?:be\s+)?double[-\s]check(?:ed)?",
    r"(?:could|might|may)\s+be\s+(?:wrong|mistaken|off)",
    r"(?:cannot|can't|can\s+not)\s+be\s+(?:ruled\s+out|excluded|dismissed|certain|sure)",
    r"(?:just\s+)?a\s+guess",
    r"either\s+way",
    r"could\s+go",
    r"(?:one|a|another)\s+possible\s+(?:answer|value|solution|option|choice)",
)
"""Regex fragments: doubt about the answer said in a sentence of its own (``The answer is 7. I'm not sure.``,
``Though 8 cannot be ruled out.``, ``I can't be sure.``); the key-step reader
(:mod:`.assertion`) reads the same list over a step's words."""
QUALIFIERS = (
    "mostly",
    "partly",
    "partially",
    "usually",
    "generally",
    "sometimes",
    "somewhat",
    r"sort\s+of",
    r"kind\s+of",
    r"in\s+(?:some|most|many)\s+cases",
    r"not\s+(?:always|necessarily)",
    r"i\s+(?:think|believe|suppose)",
)
"""Regex fragments: a value said to hold only in part (``Mostly yes.``, ``Yes, in some cases.``, ``7, usually``)."""
CORRECTIONS = (r"scratch\s+that", r"never\s*mind", "correction", r"i\s+mean", "sorry")
"""Regex fragments: a sentence opened by one of these takes the answer back (``Green. Scratch that: gray.``)."""
BOUND = re.compile(
    r"\bat\s+(?:the\s+)?(?:very\s+)?(?:least|most|minimum|maximum)\b|\b(?:no\s+)?(?:more|less|fewer|greater|smaller)\s+than\b|\bup\s+to\b",
    re.IGNORECASE,
)
"""A bound, not a value (``at most \\boxed{7}``, ``more than 8``)."""
CONDITIONAL = frozenset({"if", "assuming", "depending", "depends", "provided", "suppose", "supposing"})
"""A value under a condition is not committed to (``7 if the angle is acute``)."""
QUESTION = "?"
"""A value asked about is not stated (``7?``, ``Is AB = 6?``); the claims reader reads a section that is one question
as uncertain."""
INDIRECT_QUESTION = frozenset({"whether"})
"""Asks without a question mark (``We need to check whether AB = 6``)."""
CONFIRMATION = frozenset({"yes", "true", "correct", "checks", "holds", "works", "confirmed", "verified", "✓", "✔"})
"""Answers a question or a supposition in the affirmative (``Is AB = 6? Yes.``, ``Try x = 3: 2·3 + 1 = 7 ✓``)."""
TRUTH = CONFIRMATION | frozenset(
    "right hold work valid possible be case so it certain sure confident known proven established guaranteed "
    "accurate likely".split()
)
"""What a negation after a statement denies when it denies the statement itself (``AB = 6 is not true``, ``… does
not hold``, ``… cannot be``); a negation of anything else leaves it stated (``AB = 6 is not given``)."""
JUSTIFYING = ("which", "because", "since", "as", "where", r"given\s+that")
"""Words that open a clause justifying or describing a value already stated (``7, which is greater than 5``)."""
JUSTIFICATION = re.compile(
    r"\b(?:because|since|as|which|where|given\s+that|due\s+to|i\.\s?e\.|e\.\s?g\.|that\s+is|"
    r"(?:that|this|it)\s+(?:means|implies|shows|gives|is\s+because)|explanation|by\s+the)\b",
    re.IGNORECASE,
)
"""Introduces the working behind a value (``24, since 4 × 6 = 24``, ``That means 12 of the 24 cards …``): its
numbers support the answer, they are not answers."""
ENDORSING = re.compile(
    r"\b(?:right|correct|valid|also|too(?=\s*(?:[.,;:!?)]|$))|as\s+well(?!\s+as)|another|"
    r"candidates?|possible|plausible|fallback|alternatives?|fits?|works?|acceptable|equally|extra|additional|"
    r"otherwise|else)\b",
    re.IGNORECASE,
)
"""In a clause that justifies the answer, a word that says another value named there is right too (``B, since option D
is also right``, ``7, 8 of which are candidates``, ``7 (with 8 as a fallback)``): the clause offers a second answer,
it does not justify the first. ``too small`` is a comparison, not an endorsement; a word before a noun other than
:data:`ANSWER_NOUNS` describes that noun (``3 and 4 are the possible summands``, ``another triangle``)."""
ANSWER_NOUNS = frozenset(
    "answer answers value values option options choice choices solution solutions candidate candidates result".split()
)
"""What an endorsing word may stand before and still endorse a value as an answer (``8 is another answer``)."""
OTHERWISE = ("otherwise", "else")
"""A value said with these is offered for the other case (``7 if we add, or 8 otherwise``, ``…, else 8``)."""
RESTRICTING = re.compile(r"\bonly\s+(?:if|when|provided|assuming)\b", re.IGNORECASE)
"""A condition the answer holds under only (``It is 7 only if the figure is to scale``): the answer is left open."""
SECOND_THOUGHTS = frozenset({"alternatively", "unless", "otherwise", "wait"})
"""A second thought: what follows reopens the answer (``Alternatively, 8.``, ``It is green, unless it is gray``)."""
SECOND_THOUGHT_PHRASES = (
    r"or\s+(?:rather|maybe|perhaps|possibly)",
    r"on\s+second\s+thought",
    r"alternative\s+(?:answer|solution|value|option)",
)
LIKELY = frozenset({"likely", "unlikely"})
"""Doubt about the value beside it (``7 is likely the answer``); before the copula it describes the subject (``The
most likely sum is 7``)."""
APPROXIMATE = ("approximately", r"approx\.?", "about", "around", "roughly")
"""Regex fragments: the value after one of these is the value (``approximately 8``), but a structured answer (named
unknowns, a ratio) said with one is no answer."""
NOT_EQUAL = ("\\neq", "\\ne", "≠")
"""Signs that deny a value inside maths (``x \\neq 5``)."""
CONJUNCTIONS = ("or", "either", "between")
"""Words that join values a sentence offers together (``either 6 or 7``, ``between 6 and 7``)."""
LIST_ALTERNATIVES = ("or", "between", "to", "versus", "vs")
"""Words that make a list of values in one sentence a set of alternatives, not a list (``6 to 7``)."""
SENTENCE_TRIGGERS = frozenset(
    {"is", "or", "not", "and", "are", "equals", "so", "thus", "hence", "therefore", "since", "because"}
)
"""One of these makes even a short line a sentence to read (``AB = 6, so BD = 3`` states 3)."""
COPULA_WORDS = frozenset({"is", "are", "was", "were", "be", "been", "being", "equals", "becomes"})
"""The copula as a word (:mod:`.phrase` reads words); :data:`COPULA` is the same idea as a pattern over a sentence."""
COPULA = re.compile(
    r"\b(?:is|are|was|were|equals?|equalled|measures|reaches|becomes|gives|totals|makes|has|have|"
    r"so|thus|hence|therefore|giving|yielding|"
    r"(?:comes|amounts|simplifies|reduces|rounds|equal|is\s+equal|evaluates)\s+to|"
    r"would\s+be|will\s+be|should\s+be|must\s+be)\b|=|:|：|≈|\\approx\b",
    re.IGNORECASE,
)
"""What a sentence states comes after the last of these (``The largest $n$ is 34``)."""
ANSWER_VERBS = frozenset(
    "holding holds wearing wears playing plays riding rides eating eats carrying carries drinking drinks reading "
    "reads using uses looks look seems seem appears appear says say said shows show depicts depict contains contain "
    "displays display sells sell flying flies driving drives pulling pulls feels feel tastes smells sounds".split()
)
"""Verbs whose object or complement is what a question about a picture asks for (``The girl is holding a kite.``,
``The sky looks cloudy.``, ``The sign says EXIT.``, ``They are playing baseball.``, ``plays for the Red Sox``);
``chases`` is not among them: in ``The dog chases the cat`` the cat is not what is asked."""
_LABEL = (
    r"(?:^|(?<=[\n.!?。]))\s*(?:\*\*)?(?:(?:the\s+)?final\s+answer|answer|ans\.?|答案|答{})"
    r"\s*(?:\*\*)?\s*[:：]\s*(?:\*\*)?"
)
ANSWER_LABEL = re.compile(_LABEL.format("|a"), re.IGNORECASE)
"""A label before the value at the start of a line (``Answer: 60``, ``A: 60``, ``Ans: 60``, ``答案：60``)."""
ANSWER_LABEL_WORDS = re.compile(_LABEL.format(""), re.IGNORECASE)
"""The same labels without ``A:``, which names option A where the answer is an option."""
ANSWER_PHRASE = re.compile(
    r"(?:final\s+answer|answer|solution|result|choice|option)(?:\s+letter)?\s*"
    r"(?:is|would\s+be|will\s+be|should\s+be|=|:|：)\s*:?",
    re.IGNORECASE,
)
"""Announces the answer (``the answer is``, ``Final Answer:``, ``the right option is``, ``The correct option letter
is``)."""
GENERIC_NOUNS = frozenset({"sign", "one", "color", "colour", "type", "kind", "shape", "symbol", "logo", "pattern"})
"""A noun after a text answer that only says what kind of thing it is (``This is a yield sign.``)."""


ARTICLES = frozenset({"a", "an", "the"})
COORDINATORS = frozenset({"and", "or", "/", "&", "+", "plus", "with", "then"})
"""A text answer joined to another word by one of these is listed with it (``red and blue``, ``red/blue``, ``green,
then gray``)."""
COMPARISONS = frozenset({"than", "instead", "except", "unlike", "rather", "besides", "compared"})
"""A text answer after one of these is compared against, not stated (``bigger than the cat``)."""
LEADS = frozenset({"so", "thus", "hence", "therefore", "then", "finally", "overall", "clearly", "answer", "final"})
"""Words that open a concluding clause and say nothing of its value."""
JUSTIFYING_TEXT = ("because", "since", "which", "who", "whose", r"given\s+that", r"due\s+to")
"""Regex fragments opening a clause that explains a text answer rather than stating it."""
CONTRASTS = ("but", "however", "while", "whereas")
"""Words that end one clause of a text answer and open another."""
NAMING_WORDS = frozenset({"called", "named"})
ANCHOR_WORDS = frozenset(
    "in on at of to for from by as into onto towards toward answer will would can should must does did do "
    "known labeled labelled shows".split()
)
"""Prepositions and auxiliaries after which a clause states its answer (``… points to the left``, ``… will
increase``), with the copula and :data:`ANSWER_VERBS`."""
SUBJECT_VERBS = frozenset(
    "is are was were has have had wins won will would can does did gets got receives received scores scored leads "
    "led holds shows appears comes takes owns occurs represents describes matches corresponds".split()
)
"""Verbs after a subject that is the answer (``Ben has the most votes``)."""
PREPOSITIONS = frozenset({"for", "from", "by", "in", "at", "on", "of", "to"})
"""Before a name of up to three words (``plays for the New York Yankees``)."""
PRONOUNS = frozenset({"he", "she", "it", "they", "this", "that", "these", "those", "which", "who", "we", "i", "you"})
PLACES = frozenset(
    {"image", "picture", "figure", "diagram", "graph", "chart", "photo", "scene", "table", "plot", "color", "colour"}
)
"""``… in the image``: where the answer is seen, not a second answer."""
FILLER = frozenset({"yes", "its", "it's", "shown", "seen", "obviously", "indeed", "correct", "true", "here"})
"""Words that say nothing of which value a sentence states."""


OPERATION = frozenset(
    "twice double doubled doubles triple tripled triples squared cubed half halved minus plus times over divided "
    "less more than".split()
)
"""Words that change a value (``twice 5``, ``10 minus 4``): what follows them is an operation, not the value."""
PROSE = UNCERTAIN | EITHER | NEGATION | ALTERNATIVE | OPERATION | {"is", "and", "no", "but", "if", "else", "correct"}
PROSE |= {"could", "least", "most", "minimum", "maximum"}
"""Words that hedge, comment on or change a value: never unit words after a number, and a bare answer holding
one of them (and not its reference) is no plain value (:mod:`.answers`)."""


HEDGED_STRUCTURE = re.compile(
    r"\b(?:"
    + "|".join(sorted(UNCERTAIN | EITHER | NEGATION | {"or", "could"}) + [r"\w+n't", *APPROXIMATE])
    + r")(?![\w'])|"
    + "|".join(re.escape(sign) + r"(?![A-Za-z])" for sign in (*ALTERNATIVE_MATH, *NOT_EQUAL) if sign != "|"),
    re.IGNORECASE,
)
"""A hedge in a structured answer (named unknowns, a ratio: ``m = 4 or 5``, ``about 3:5``): it is then no answer."""


class Stance(StrEnum):
    """What a claim does with its value."""

    ASSERTED = "asserted"
    NEGATED = "negated"
    UNCERTAIN = "uncertain"
    BOUNDED = "bounded"
    CONDITIONAL = "conditional"
    ALTERNATIVE = "alternative"
    JUSTIFICATION = "justification"


class Rule(StrEnum):
    """How the stated value was read (shown in explanations as ``rule → value``)."""

    PLAIN = "plain"
    BOXED = "boxed"
    BOXES = "boxes"
    PROSE = "prose"
    OPTION = "option"
    YES_NO = "yes_no"
    PHRASE = "phrase"
    HEDGE = "hedge"
    NONE = "none"
    RATIO = "ratio"
    NAMED = "named"
    CLAIM = "claim"
    """Read from a claim outside the first paragraph (``Thus, the answer is D.`` after a description)."""


class Method(StrEnum):
    """Which grader judged the value (shown in explanations as ``method``, counted by telemetry)."""

    EXACT = "exact"
    """The answer is the reference as written."""
    CHOICE = "choice"
    YES_NO = "yes_no"
    NUMERIC = "numeric"
    TEXT = "text"
    RATIO = "ratio"
    NAMED = "named"
    SET = "set"
    POINT = "point"
    LIST = "list"
    INTERVAL = "interval"
    MATH_VERIFY = "math_verify"
    MATH_VERIFY_TEXT = "math_verify_text"
    """math-verify's own extraction over a long text that states no value."""
    GUARD = "guard"
    """An expression too large to evaluate: not graded."""
    HEDGE = "hedge"
    NONE = "none"
    """No final answer was read."""


class Decision(StrEnum):
    """The rule that decided a verdict (shown in explanations as ``decided_by``)."""

    COMMITTED = "committed"
    """One value asserted and nothing left open: the value was graded."""
    OPEN_CLAIM = "open claim"
    """A claim denied, uncertain, bounded, conditional or offered as an alternative: a hedge."""
    SECOND_VALUE = "second value"
    """Two different values asserted: a hedge."""
    HEDGED_SENTENCE = "hedged sentence"
    """The sentence that states the answer hedges it (``5 or 6``, ``not 5``, ``at least 8``)."""
    SET = "set"
    """Each value stated is a member of the reference's set, all of them (``x = 1 or x = 2``)."""
    SECTIONS = "sections"
    """Several final-answer sections state different values."""
    NO_ANSWER = "no answer"


def word_pattern(words, phrases=()) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of ``words`` or ``phrases`` (regex fragments) as whole words."""
    alternatives = sorted(words) + [phrase.replace(" ", r"\s+") for phrase in phrases]
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)
