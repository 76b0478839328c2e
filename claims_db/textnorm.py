"""Text normalisation for search: cleaning, tokenising, stop words, stemming, negation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import Stemmer

_STEMMER = Stemmer.Stemmer("english")


def _split(text: str) -> list[str]:
    return text.split()


# Folded before tokenising so that curly and straight apostrophes/quotes look alike.
_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": " ",
        "\u2014": " ",
        "\u2026": " ",
        "\u00a0": " ",
    }
)

_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*", re.IGNORECASE)
_HANDLE = re.compile(r"@(\w+)")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)")
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")  # a word, with its inner apostrophes

NEGATIONS = frozenset(
    {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "cannot", "without"}
)

# Contractions whose first part is not recoverable by cutting "n't".
_IRREGULAR_NEGATIVES = {"won't": "will", "can't": "can", "shan't": "shall", "ain't": "is"}

STOP_WORDS = (
    frozenset(
        _split(
            """
    a about above after again against all am an and any anything are as at be because been before
    being below between both but by could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself of off on once only or other our ours ourselves out over own same
    she should so some such than that the their theirs them themselves then there these they this
    those through to too under until up very was we were what when where which while who whom why
    will with would you your yours yourself yourselves also s t d ll m re ve y us via amp rt
    can may might must shall
    """
        )
    )
    | NEGATIONS
)

# Words that frame a question rather than carry its topic.
QUESTION_WORDS = frozenset(
    _split(
        """
    say says said saying tell tells told telling think thinks thought claim claims claimed
    anything something everything ever really whether please know get gets got getting
    find finds found report reports reported
    """
    )
)

# Adjectives whose prefix negates them: "unqualified" says "not qualified". Listed rather
# than guessed from the spelling, which would take "united" for "not ited" and "unless"
# for "not less"; and only where the prefix negates, not where it reverses ("uncover").
_NEGATIVE_PREFIXES = {
    "un": """
    qualified fit fair able likely clear known constitutional armed popular prepared
    vaccinated insured willing happy aware lawful ethical reliable sustainable affordable
    reasonable necessary true founded verified confirmed proven supported authorized safe
    acceptable employed successful available healthy equal democratic american patriotic
    """,
    "in": """
    accurate correct competent effective sufficient appropriate adequate capable
    consistent credible eligible famous decent humane secure sincere tolerable valid
    """,
    "im": "possible proper practical moral partial mature plausible patient",
    "il": "legal legitimate logical literate",
    "ir": "responsible relevant rational reversible",
    "dis": "honest loyal agree approve respectful credited proven",
}
NEGATIVE_FORMS: dict[str, str] = {
    prefix + base: base for prefix, bases in _NEGATIVE_PREFIXES.items() for base in bases.split()
}
# Each such adjective and its base, with the words they stand against ("unqualified" and
# "qualified" for each other; "possible" for "impossible").
NEGATION_PARTNERS: dict[str, tuple[str, ...]] = {}
for _form, _base in NEGATIVE_FORMS.items():
    NEGATION_PARTNERS[_form] = (_base,)
    NEGATION_PARTNERS[_base] = (*NEGATION_PARTNERS.get(_base, ()), _form)


def polar_words(word_list: Iterable[str]) -> list[str]:
    """Return ``word_list`` with each prefix-negated adjective spelt out: "not qualified"."""
    out: list[str] = []
    for word in word_list:
        base = NEGATIVE_FORMS.get(word)
        if base is None:
            out.append(word)
        else:
            out.extend(("not", base))
    return out


# Irregular past forms, which stemming cannot join to their verb ("win" and "won").
_IRREGULAR_PAST_TEXT = """
win won lose lost buy bought bring brought teach taught catch caught fight fought sell sold
meet met pay paid build built send sent spend spent lead led hold held keep kept
give gave take took rise rose fall fell grow grew know knew run ran begin began choose chose
drive drove break broke speak spoke steal stole freeze froze sink sank swim swam fly flew
hide hid shoot shot bite bit strike struck seek sought flee fled forbid forbade
"""
_IRREGULAR_PAIRS = _split(_IRREGULAR_PAST_TEXT)
IRREGULAR_FORMS: dict[str, str] = {}
for _verb, _past in zip(_IRREGULAR_PAIRS[::2], _IRREGULAR_PAIRS[1::2], strict=True):
    IRREGULAR_FORMS[_verb] = _past
    IRREGULAR_FORMS[_past] = _verb

# Pairs of words that flip the meaning of an otherwise similar statement.
_OPPOSITES: tuple[tuple[str, str], ...] = (
    ("support", "oppos"),
    ("increas", "decreas"),
    ("rise", "fall"),
    ("rais", "lower"),
    ("approv", "reject"),
    ("allow", "ban"),
    ("allow", "prohibit"),
    ("win", "lose"),
    ("won", "lost"),
    ("true", "fals"),
    ("legal", "illeg"),
    ("agre", "disagre"),
    ("accept", "refus"),
    ("pass", "fail"),
    ("more", "less"),
    ("requir", "optional"),
    ("expand", "cut"),
    ("start", "stop"),
    ("open", "close"),
    ("up", "down"),
    ("alive", "dead"),
    ("guilti", "innoc"),
    ("good", "bad"),
    ("better", "wors"),
    ("safe", "danger"),
    ("help", "hurt"),
    ("benefit", "harm"),
)
OPPOSITE_OF: dict[str, frozenset[str]] = {}
for _a, _b in _OPPOSITES:
    OPPOSITE_OF[_a] = OPPOSITE_OF.get(_a, frozenset()) | {_b}
    OPPOSITE_OF[_b] = OPPOSITE_OF.get(_b, frozenset()) | {_a}


def _split_camel(match: re.Match[str]) -> str:
    return " " + _CAMEL.sub(" ", match.group(1)).replace("_", " ") + " "


def clean(text: str) -> str:
    """Return ``text`` with URLs and emojis removed and tags split into words.

    ``#BodyCams`` becomes ``Body Cams`` and ``@IlhanMN`` becomes ``Ilhan MN``: hashtags and
    handles often carry the topic or the speaker of a tweet. The signature of an embedded
    tweet ("— Name (@handle) January 6, 2020") is kept: on retrieval-dev its name and date
    match the claims better than its removal does (MAP@5 0.828 vs 0.818 unthresholded).
    """
    # The cheap membership tests keep plain article text off the slower regex paths.
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP)
    if "http" in text or "www." in text or "pic.twitter" in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _HANDLE.sub(_split_camel, text)
    if "#" in text:
        text = _HASHTAG.sub(_split_camel, text)
    return text


def words(text: str) -> list[str]:
    """Return the lower-cased words of cleaned ``text``, contractions expanded.

    ``wasn't`` gives ``was``, ``not``; ``Noem's`` gives ``noem``.
    """
    found = WORD.findall(clean(text).lower())
    if "'" not in text and "\u2019" not in text:
        return found
    out: list[str] = []
    for word in found:
        if "'" in word:
            if word in _IRREGULAR_NEGATIVES:
                out.extend((_IRREGULAR_NEGATIVES[word], "not"))
                continue
            if word.endswith("n't"):
                out.extend((word[:-3], "not"))
                continue
            word = word.split("'", 1)[0]
        out.append(word)
    return out


_STEMS: dict[str, str] = {}
_MAX_CACHED_WORD = 40  # real words are shorter; caching hostile ones would only hold memory
_MAX_CACHED_STEMS = 500_000


def stem(word: str) -> str:
    """Return the Snowball (Porter 2) stem of a lower-cased word."""
    found = _STEMS.get(word)
    if found is None:
        found = str(_STEMMER.stemWord(word))
        if len(word) <= _MAX_CACHED_WORD:
            if len(_STEMS) >= _MAX_CACHED_STEMS:
                _STEMS.clear()
            _STEMS[word] = found
    return found


def terms(text: str) -> list[str]:
    """Return the index terms of ``text``: stemmed words without stop words, in order."""
    stems = _STEMS
    out = []
    for word in words(text):
        if word in STOP_WORDS:
            continue
        found = stems.get(word)
        out.append(found if found is not None else stem(word))
    return out
