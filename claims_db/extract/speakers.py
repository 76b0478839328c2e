"""Name mentions, canonical names, roles and the resolution of later references.

A mention is a run of capitalised words ("Secretary Kristi Noem"); its leading titles
become roles and the rest is the name. The canonical name of a person is the first
mention with two or more name words; later last names ("Noem"), honorifics
("Mr. Noem") and titles ("the president") resolve to it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from claims_db.models import ExtractedSpeaker, SpeakerKind


def _wordset(words: str) -> frozenset[str]:
    """Return the whitespace-separated words of ``words`` as a set."""
    return frozenset(words.split())


_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
_TOKEN = rf"(?:[{_UPPER}]\.(?:[{_UPPER}]\.)+|[{_UPPER}][\w\-]*(?:['\u2019](?![sS]\b)[\w\-]+)*\.?)"
_CONNECTOR = r"(?:of|and|for|the|de|del|della|da|di|dos|van|von|der|den|la|le|du|bin|ibn|al|el|&)"
_NAME_RE = re.compile(
    rf"(?<![\w'\u2019\-]){_TOKEN}(?:[ \u00a0](?:{_CONNECTOR}[ \u00a0])*{_TOKEN})*"
)
_SPACE_RE = re.compile("[ \u00a0]+")
_WORD_RE = re.compile(r"[\w\-]+(?:['\u2019][\w\-]+)*|[^\w\s]")

_PERSON_CONNECTORS = _wordset("de del della da di dos van von der den la le du bin ibn al el")
_NAME_CONNECTORS = _wordset("of and for the &") | _PERSON_CONNECTORS

TITLES = _wordset(
    """
    president vice secretary sen senator sens rep reps representative congressman
    congresswoman gov governor mayor judge justice dr mr mrs ms miss mx gen general lt col
    sgt capt adm admiral chief speaker leader whip minister premier chancellor king queen
    prince princess pope rev reverend sheriff commissioner chairman chairwoman chair
    director ambassador councilman councilwoman professor prof attorney officer detective
    agent candidate nominee sir dame lord lady deputy former acting majority minority
    """
)
# Titles of an office, which end a title phrase wherever they stand ("District Judge").
_OFFICE_TITLES = _wordset(
    """
    president secretary senator representative congressman congresswoman governor mayor judge
    justice minister chancellor sheriff commissioner chairman chairwoman director ambassador
    attorney strategist spokesman spokeswoman advocate comptroller treasurer auditor clerk
    administrator commander superintendent chief marshal councilman councilwoman councilmember
    councillor alderman alderwoman supervisor
    """
)
# Abbreviated titles, which are titles wherever they stand when written with their period.
_ABBREVIATED_TITLES = _wordset("sen sens rep reps gov lt gen col sgt capt adm")
# The role nouns that abbreviated titles stand for: "Gov. Amara Delacroix" is "the governor".
_TITLE_NOUNS = {
    "gov": "governor",
    "sen": "senator",
    "rep": "representative",
    "gen": "general",
    "lt": "lieutenant",
    "col": "colonel",
    "sgt": "sergeant",
    "capt": "captain",
    "adm": "admiral",
    "prof": "professor",
    "supt": "superintendent",
    "atty": "attorney",
}
# Honorifics that tell which pronoun refers to a person.
_HONORIFIC_PRONOUNS = {
    "mr": "he",
    "mrs": "she",
    "ms": "she",
    "miss": "she",
    "sir": "he",
    "dame": "she",
}
# Titles that say nothing about the role ("Mr. Trump").
HONORIFICS = _wordset("mr mrs ms miss mx dr sir dame")
_TITLE_MODIFIERS = _wordset(
    """
    vice deputy former acting majority minority house senate state us u.s democratic
    republican assistant associate chief executive first lieutenant attorney general prime
    foreign defense homeland security white press
    """
)

ORG_WORDS = _wordset(
    """
    department agency protection service services committee commission council party
    campaign bureau institute university college association foundation office court times
    post journal news network press inc corp corporation company co group center centre
    board union congress senate house administration ministry police project magazine
    tribune herald gazette reuters fund organization organisation coalition society
    federation league alliance authority command force forces army navy guard patrol
    enforcement customs security commission caucus club trust bank media television radio
    channel review telegraph guardian observer economist politico breitbart bloomberg
    university school hospital church republicans democrats
    """
)
_KNOWN_ORGS = _wordset(
    """
    reuters politico breitbart bloomberg univision fusion twitter facebook google congress
    realclearpolitics gallup pew quinnipiac nbc cbs abc cnn msnbc fox afp ap
    """
)
# Capitalised words that start sentences or headlines but never start a name.
STOP_CAPS = _wordset(
    """
    the a an but and or so yet if when while after before since because although though as
    whether others other whatever whoever
    at in on of for with without from to by during under over despite this that these those
    it he she they we i you his her its their our my your who what where why how which there
    here then now still also even just only last next early earlier later some many most
    more all every each any no not one two three asked says said told according do does did
    is are was were be been has have had will would can could should may might must monday
    tuesday wednesday thursday friday saturday sunday today yesterday tomorrow meanwhile
    however instead indeed already again perhaps maybe yes well oh mostly both either
    neither other another such much few several after then thus hence
    """
)
_MONTHS = _wordset(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """
)
# Places that look like two-word personal names.
_PLACE_NAMES = """
    united states|united kingdom|new york|new jersey|new hampshire|new mexico|new zealand|
    new orleans|north carolina|south carolina|north dakota|south dakota|west virginia|
    rhode island|los angeles|san francisco|san diego|san antonio|las vegas|puerto rico|
    saudi arabia|south africa|north korea|south korea|hong kong|costa rica|el salvador|
    sri lanka|el paso|st louis|salt lake|palm beach|long island|capitol hill|wall street|
    silicon valley|middle east|latin america|south america|north america|central america|
    great britain|soviet union|european union|united nations|white house|new delhi
    """
_PLACES = frozenset(name.strip() for name in _PLACE_NAMES.split("|"))
# Role nouns that can directly precede a name ("press secretary Karoline Leavitt").
ROLE_NOUNS = _wordset(
    """
    secretary spokesman spokeswoman spokesperson senator president director chairman
    chairwoman adviser advisor strategist candidate governor mayor anchor reporter
    correspondent host manager chief leader lawmaker official attorney judge justice
    congressman congresswoman representative ambassador minister nominee hopeful founder
    executive economist analyst professor commentator columnist pollster aide activist
    sheriff commissioner lawyer officer agent journalist writer editor author
    """
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A capitalised name in the text; ``text[start:end]`` is the name without titles."""

    start: int
    end: int
    name: str
    title: str  # leading titles as written ("Secretary", "Mr."), or ""
    full_start: int  # start of the title, or ``start``
    is_org: bool

    @property
    def words(self) -> int:
        """Return how many words the name has."""
        return len(self.name.split())


def find_mentions(text: str, start: int = 0, end: int | None = None) -> list[Mention]:
    """Return the name mentions of ``text[start:end]`` in text order."""
    stop = len(text) if end is None else end
    mentions: list[Mention] = []
    for match in _NAME_RE.finditer(text, start, stop):
        tokens = [
            (m.start() + match.start(), m.end() + match.start())
            for m in re.finditer(r"[^ \u00a0]+", match.group())
        ]
        for piece in _pieces(text, tokens):
            mentions.extend(_mentions_of_piece(text, piece))
    return mentions


def _pieces(text: str, tokens: list[tuple[int, int]]) -> Iterable[list[tuple[int, int]]]:
    """Split a capitalised run at words that cannot be part of a name."""
    piece: list[tuple[int, int]] = []
    for start, end in tokens:
        word = text[start:end]
        bare = word.rstrip(".").lower()
        if bare in STOP_CAPS and not (piece and bare in _NAME_CONNECTORS):
            if piece:
                yield piece
            piece = []
            continue
        if word.endswith(".") and len(bare) > 1 and bare not in TITLES and "." not in bare:
            # "Trump." ends a sentence: keep the word without the period, then stop.
            piece.append((start, end - 1))
            yield piece
            piece = []
            continue
        piece.append((start, end))
    if piece:
        yield piece


def _mentions_of_piece(text: str, piece: list[tuple[int, int]]) -> list[Mention]:
    words = [text[s:e] for s, e in piece]
    lows = [w.rstrip(".").lower() for w in words]
    while piece and (lows[0] in _NAME_CONNECTORS or lows[0] in _MONTHS):
        piece, words, lows = piece[1:], words[1:], lows[1:]
    while piece and (lows[-1] in _NAME_CONNECTORS or lows[-1] in _MONTHS):
        piece, words, lows = piece[:-1], words[:-1], lows[:-1]
    if len(piece) >= 2 and _opens_with_participle(text, piece[0][0], lows[0]):
        piece, words, lows = piece[1:], words[1:], lows[1:]
    if not piece:
        return []
    title_end = _title_length(lows, words)
    name_piece = piece[title_end:]
    if not name_piece:
        return []
    full_start = piece[0][0]
    title = text[full_start : piece[title_end - 1][1]] if title_end else ""
    name_lows = lows[title_end:]
    split = _person_of_body(name_lows)
    if split > 0 and not title_end:
        # "Irene Cho of Lakeshore College": a person, then the body they belong to.
        person = _mention(text, name_piece[:split], "", full_start, False)
        body = name_piece[split + 1 :]
        if name_lows[split + 1] == "the":
            body = body[1:]
        return [person, _mention(text, body, "", body[0][0], True)]
    if _is_org(text, name_piece, name_lows):
        return [_mention(text, name_piece, title, full_start, True)]
    # A person name: split at connectors that join two names ("Clinton and Sanders").
    out: list[Mention] = []
    run: list[tuple[int, int]] = []
    run_title, run_start = title, full_start
    for (s, e), low in zip(name_piece, name_lows, strict=True):
        if low in _NAME_CONNECTORS and low not in _PERSON_CONNECTORS:
            if run:
                out.append(_mention(text, run, run_title, run_start, False))
            run, run_title, run_start = [], "", -1
            continue
        if run_start < 0:
            run_start = s
        run.append((s, e))
    if run:
        out.append(_mention(text, run, run_title, run_start, False))
    return out


def _person_of_body(lows: Sequence[str]) -> int:
    """Return the index of "of" in "Irene Cho of Lakeshore College" (a full name, "of", a
    body), or -1."""
    if "of" not in lows:
        return -1
    k = lows.index("of")
    left, right = lows[:k], [w for w in lows[k + 1 :] if w != "the"]
    if len(left) < 2 or not right or any(w in ORG_WORDS or w in _NAME_CONNECTORS for w in left):
        return -1
    if " ".join(left) in _PLACES or not any(w in ORG_WORDS for w in right):
        return -1
    return k


def _opens_with_participle(text: str, start: int, low: str) -> bool:
    """Return True for "Knowing" in "Knowing Ortiz hated speeches": an -ing word with a
    capital only because it opens the sentence."""
    if not (low.endswith("ing") and len(low) > 5 and low.isalpha()):
        return False
    before = text[max(0, start - 3) : start].rstrip(' \u00a0"\u201c')
    return before == "" or before[-1] in ".!?\n"


def _title_length(lows: Sequence[str], words: Sequence[str]) -> int:
    """Return how many leading words of a capitalised run are titles."""
    last_title = -1
    for i, low in enumerate(lows[:-1]):
        if low in TITLES:
            last_title = i
        elif low not in _TITLE_MODIFIERS and low != "of":
            break
    for i, low in enumerate(lows[: min(6, len(lows) - 1)]):
        if i > last_title and (
            low in _OFFICE_TITLES or (low in _ABBREVIATED_TITLES and words[i].endswith("."))
        ):
            # "U.S. District Judge James C. Cacheris", "Montana Sen. Jon Tester": an office
            # title after other words.
            last_title = i
    if last_title < 0:
        # "Parent Delphine Farrow said": a common noun for a person opening the sentence;
        # "Democrat Elijah Cumming": a party member, unless a body follows ("Republican
        # National Committee").
        if len(lows) >= 3 and lows[0] in _PARTY_MEMBERS:
            return 0 if any(w in ORG_WORDS for w in lows[1:]) else 1
        return 1 if len(lows) >= 3 and lows[0] in _PERSON_TITLE_NOUNS else 0
    n = last_title + 1
    if n < len(lows) and lows[n] == "of":
        # "Secretary of Homeland Security Kristi Noem": the name is the last two words.
        return max(n, len(lows) - 2)
    return n


_PARTY_MEMBERS = _wordset("democrat republican independent libertarian")


def _is_org(text: str, piece: Sequence[tuple[int, int]], lows: Sequence[str]) -> bool:
    if any(low in ORG_WORDS for low in lows):
        return True
    if " ".join(lows) in _PLACES:
        return True  # a place is never a person; "the United States said" is a government
    if len(lows) == 1:
        word = text[piece[0][0] : piece[0][1]].rstrip(".")
        return lows[0] in _KNOWN_ORGS or (len(word) >= 2 and word.isupper() and word.isalpha())
    return False


def _mention(
    text: str, piece: Sequence[tuple[int, int]], title: str, full_start: int, is_org: bool
) -> Mention:
    start, end = piece[0][0], piece[-1][1]
    name = " ".join(text[s:e] for s, e in piece)
    return Mention(start, end, name, title, full_start, is_org)


# Nouns that head a role phrase ("member of the committee"), besides the role nouns.
_ROLE_HEADS = (
    ROLE_NOUNS
    | _OFFICE_TITLES
    | _wordset(
        """
        member head chair co-chair vice-chair ceo cfo coo partner fellow researcher scientist
        nurse teacher physician doctor surgeon pastor bishop priest rabbi imam coach
        organizer organiser consultant economist investor entrepreneur businessman
        businesswoman lobbyist negotiator prosecutor investigator inspector trustee
        councilmember delegate envoy diplomat historian scholar expert specialist
        spokesperson counsel chairperson president-elect treasurer owner co-owner
        planner librarian engineer architect accountant pharmacist firefighter paramedic
        farmer electrician plumber mechanic pilot soldier chef baker clerk cashier dentist
        therapist psychologist psychiatrist counselor counsellor epidemiologist biologist
        physicist chemist geologist meteorologist climatologist sociologist criminologist
        ecologist veterinarian technician contractor developer designer artist musician
        photographer filmmaker novelist poet student resident volunteer worker
        """
    )
)
ROLE_HEADS = _ROLE_HEADS  # for attribution.py: words that can stand in a role phrase
# Nouns for people that stand as a title before a full name ("Parent Jane Ortiz").
_PERSON_TITLE_NOUNS = _ROLE_HEADS | _wordset(
    """
    parent resident student voter neighbor neighbour mother father farmer worker volunteer
    survivor witness shopper driver customer patient retiree homeowner tenant landlord
    """
)
# Lower-case words that may modify a role noun ("senior adviser", "longtime aide").
_ROLE_MODIFIERS = _TITLE_MODIFIERS | _wordset(
    """
    senior top longtime veteran former chief deputy assistant executive press campaign
    communications political national state local party presidential federal city county
    district regional general interim managing founding
    """
)
# Prepositions that join a role noun to its complement ("member of the board").
_ROLE_PREPOSITIONS = _wordset("of for at from with on in")
# Lower-case words that can close such a complement just before a name.
_COMPLEMENT_ENDS = ORG_WORDS | _wordset(
    """
    panel subcommittee team firm staff district county city state delegation conference
    caucus cabinet committee board council agency department
    """
)
# Function words that may stand inside a role phrase.
_ROLE_FUNCTION_WORDS = _wordset("the a an and of for at from with on in &")
_POSSESSIVE = ("'s", "\u2019s")
_APPOSITIVE_ENDS = frozenset([",", ".", ";", ":", ")", "-", "\u2014", "\u2013"])


def _role_word(word: str) -> bool:
    """Return True for a word that can modify a role noun before it."""
    low = word.lower()
    if low in _ROLE_HEADS or low in _ROLE_MODIFIERS:
        return True
    return word[:1].isupper() and low not in STOP_CAPS and low not in _MONTHS


def _complement_word(word: str) -> bool:
    """Return True for a word of a noun phrase after a role's preposition."""
    low = word.lower()
    if low in ("the", "a", "an", "and", "&"):
        return True
    if not word[:1].isalnum() or low in STOP_CAPS:
        return False
    if word[:1].isupper():
        return low not in _MONTHS
    return not low.endswith("ed") and low not in _ROLE_PREPOSITIONS


def role_before(text: str, mention: Mention) -> str:
    """Return the role written just before a name, or "".

    The role is a noun phrase that ends right before the name: a role noun with its
    modifiers ("White House press secretary"), maybe with a complement ("member of the
    Senate's homeland security committee") and coordinated with another role ("Republican
    Senator and member of ..."). It stops at the sentence start, punctuation, a verb or a
    preposition that is not part of it.
    """
    window_start = max(0, mention.full_start - 200)
    i = mention.full_start
    while i > window_start and text[i - 1].isspace():
        i -= 1
    # "The city's utilities director, Priya Castellanos, said": a role set off by commas.
    set_off = i > window_start and text[i - 1] == "," and text[mention.end : mention.end + 1] == ","
    if set_off:
        i -= 1
    j = i
    while j > window_start and (text[j - 1].isalpha() or text[j - 1] == "-"):
        j -= 1
    last = text[j:i].lower()
    if last not in _ROLE_HEADS and last not in _COMPLEMENT_ENDS:
        return ""  # the common case, decided without tokenising
    line = text.rfind("\n", window_start, mention.full_start)
    if line >= 0:
        window_start = line + 1
    toks = [(m.start(), m.group()) for m in _WORD_RE.finditer(text, window_start, i)]
    head = _role_head(toks)
    if head < 0:
        return ""
    first = _noun_modifiers_start(toks, _role_start(toks, head))
    if set_off:
        first = _opening_role_start(toks, first)
        if first < 0:
            return ""
    while first >= 2 and toks[first - 1][1].lower() == "and":
        # "Republican Senator and member of ...": a second role before the first.
        if toks[first - 2][1].lower() not in _ROLE_HEADS:
            break
        first = _role_start(toks, first - 2)
    while first < len(toks) and toks[first][1].lower() in ("and", "&"):
        first += 1
    return text[toks[first][0] : toks[-1][0] + len(toks[-1][1])]


def _noun_modifiers_start(toks: Sequence[tuple[int, str]], first: int) -> int:
    """Take up to two plain nouns before a role ("university president") when a boundary
    (punctuation, an article, "said") comes before them: "praised deputy director" keeps
    "praised" out, since a verb is not a boundary.
    """
    for k in (first - 1, first - 2):
        if k < 0:
            break
        word = toks[k][1]
        before = toks[k - 1][1].lower() if k > 0 else ""
        # "County health officer Dr. Yusuf Lindqvist": capitalised for the sentence start.
        opening = before in ("", ".", "!", "?") and word[:1].isupper()
        if not (_plain_noun(word) or opening and _plain_noun(word.lower())):
            break
        if before == "" or before in _MODIFIER_BOUNDARIES or not before[:1].isalnum():
            return k
    return first


def _plain_noun(word: str) -> bool:
    """Return True for a lower-case word that may be a noun: not a function word or an
    -ed, -ing or -ly form."""
    return (
        word.isalpha()
        and word.islower()
        and word not in _ROLE_FUNCTION_WORDS
        and word not in STOP_CAPS
        and not word.endswith(("ed", "ing", "ly"))
    )


_MODIFIER_BOUNDARIES = _wordset("the a an said says told added wrote according")


def _opening_role_start(toks: Sequence[tuple[int, str]], first: int) -> int:
    """Return where a role set off by commas starts, or -1 unless it opens its sentence.

    "The city's utilities director, Jane Ortiz, said" gives "utilities director"; in "she
    met the mayor, Jane Ortiz, ..." the mayor may be someone else, so that gives -1.
    """
    k = first - 1
    while (
        k >= 0
        and first - k <= 3
        and toks[k][1].isalpha()
        and toks[k][1].islower()
        and toks[k][1] not in _ROLE_FUNCTION_WORDS
    ):
        k -= 1
    start = k + 1
    if k >= 0 and toks[k][1].lower().endswith(_POSSESSIVE):
        k -= 1
    if k >= 0 and toks[k][1].lower() in _OPENING_DETERMINERS:
        k -= 1
    if k >= 0 and toks[k][1] not in (".", "!", "?"):
        return -1
    return start


_OPENING_DETERMINERS = _wordset("the a an")


def _role_head(toks: Sequence[tuple[int, str]]) -> int:
    """Return the index of the role noun of a phrase ending with ``toks``, or -1."""
    last = len(toks) - 1
    if last < 0:
        return -1
    if toks[last][1].lower() in _ROLE_HEADS:
        return last
    if toks[last][1].lower() not in _COMPLEMENT_ENDS:
        return -1
    # "member of the Senate's homeland security committee": a role noun, a preposition
    # and a short noun phrase.
    k = last
    while k > 0 and last - k < 8 and _complement_word(toks[k][1]):
        k -= 1
    if k < 1 or toks[k][1].lower() not in _ROLE_PREPOSITIONS or k == last:
        return -1
    if toks[k - 1][1].lower() not in _ROLE_HEADS:
        return -1
    return k - 1


def _role_start(toks: Sequence[tuple[int, str]], head: int) -> int:
    """Return the index of the first modifier of the role noun at ``head``."""
    first = head
    while first > 0 and head - first < 5 and _role_word(toks[first - 1][1]):
        first -= 1
    return first


def role_after(text: str, mention: Mention) -> str:
    """Return an appositive role after a name ("Jane Ortiz, a city planner, said"), or ""."""
    end = mention.end
    if end >= len(text) or text[end] != ",":
        return ""
    toks = [(m.start(), m.group()) for m in _WORD_RE.finditer(text, end + 1, end + 160)]
    if len(toks) > 2 and toks[0][1].isdigit() and toks[1][1] == ",":
        toks = toks[2:]  # "Jane Ortiz, 45, a city planner": skip the age
    if not toks:
        return ""
    first = 1 if toks[0][1].lower() in ("a", "an", "the") else 0
    stop = first
    while (
        stop < len(toks)
        and stop - first < 14
        and (
            toks[stop][1][:1].isalnum()
            or toks[stop][1] in ("&", "'", "\u2019")
            or _abbreviation_period(toks, stop)
        )
    ):
        if stop > first and toks[stop][1].lower() in RELATIVE_PRONOUNS:
            break  # "an epidemiologist at Carrow University who led the study"
        stop += 1
    if stop == first:
        return ""
    if stop == len(toks):
        if end + 160 < len(text):
            return ""  # the phrase runs on past the window
    elif toks[stop][1] not in _APPOSITIVE_ENDS and toks[stop][1].lower() not in RELATIVE_PRONOUNS:
        return ""
    words = [w for _, w in toks[first:stop] if w != "."]
    # The phrase is modifiers, a role noun, and maybe a complement after a preposition.
    # An article or an owner ("Facebook's outreach director") lets plain words modify it.
    determined = first == 1 or any(w.endswith(_POSSESSIVE) for w in words[:3])
    head = -1
    occupation = _occupation_head(words) if first == 1 else -1
    for k, word in enumerate(words):
        low = word.lower()
        if low in _ROLE_HEADS or k == occupation:
            head = k
        elif head >= 0:
            break
        elif low == "and" and determined and k > 0:
            continue  # "a Democratic pollster and consultant"
        elif (low in STOP_CAPS and low not in _ROLE_MODIFIERS) or low in _MONTHS:
            return ""
        elif not determined and not _role_word(word):
            return ""  # without an article, only role words open the phrase
    if head < 0:
        return ""
    if [w.lower() for w in words[head + 1 : head + 3]] == ["in", "chief"]:
        head += 2  # "editor in chief of Mic.com"
    rest = words[head + 1 :]
    if rest and rest[0].lower() == "and":
        second = _coordinated_head(rest[1:])
        if second >= 0:
            rest = rest[second + 2 :]  # "a lawyer and longtime adviser to the mayor"
    if rest and (
        (rest[0].lower() not in _ROLE_PREPOSITIONS and rest[0].lower() != "to")
        or len(rest) < 2
        or not all(_complement_word(w) for w in rest[1:])
    ):
        return ""
    return text[toks[first][0] : toks[stop - 1][0] + len(toks[stop - 1][1])]


def _coordinated_head(words: Sequence[str]) -> int:
    """Return the index of the role noun of "(a) longtime adviser ..." after "and", or -1."""
    for k, word in enumerate(words[:5]):
        low = word.lower()
        if low in _ROLE_HEADS:
            return k
        if not word.isalpha() or (low in STOP_CAPS and not (k == 0 and low in ("a", "an"))):
            return -1
    return -1


RELATIVE_PRONOUNS = _wordset("who whose whom which that")
# Endings of nouns for what people do: an unlisted one still heads a role when an article
# opens the phrase and an organisation follows ("an epidemiologist at Carrow University").
_OCCUPATION_ENDINGS = ("ist", "er", "or", "ian", "ant", "ent", "ive", "ee")


def _occupation_head(words: Sequence[str]) -> int:
    """Return the index of "epidemiologist" in "epidemiologist at Carrow University", or -1."""
    for k, word in enumerate(words[:-2]):
        if not (word.isalpha() and word.islower()):
            return -1
        if word.endswith(_OCCUPATION_ENDINGS) and words[k + 1].lower() in _ROLE_PREPOSITIONS:
            named = words[k + 3] if words[k + 2] == "the" and k + 3 < len(words) else words[k + 2]
            return k if named[:1].isupper() else -1
    return -1


def _abbreviation_period(toks: Sequence[tuple[int, str]], i: int) -> bool:
    """Return True when token ``i`` is the period of "Mrs." or "Sen.", inside a phrase."""
    return (
        toks[i][1] == "."
        and i > 0
        and (toks[i - 1][1].lower() in HONORIFICS or toks[i - 1][1].lower() in _ABBREVIATED_TITLES)
        and i + 1 < len(toks)
        and toks[i + 1][1][:1].isupper()
    )


def role_of_possessor(text: str, mention: Mention, by_end: dict[int, Mention]) -> str:
    """Return the organisation of "CNN's Dana Bash" for a name after it, or ""."""
    i = mention.full_start - 1
    if i < 3 or not text[i].isspace() or text[i - 2 : i] not in _POSSESSIVE:
        return ""
    owner = by_end.get(i - 2)
    return owner.name if owner is not None and owner.is_org else ""


_MAX_ROLE_HOLDERS = 50  # people compared for "the president"; the latest ones matter


@dataclass(slots=True)
class _Entity:
    name: str
    kind: SpeakerKind
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)


class SpeakerIndex:
    """Every name of one article, and the resolution of references to canonical names."""

    def __init__(self, text: str, mentions: Sequence[Mention]) -> None:
        """Index the mentions of ``text`` (in text order)."""
        self._text = text
        self.mentions = list(mentions)
        self.by_end = {m.end: m for m in self.mentions}
        self._starts = [m.full_start for m in self.mentions]
        self.by_start: dict[int, Mention] = {}
        for m in self.mentions:
            self.by_start.setdefault(m.full_start, m)
            self.by_start.setdefault(m.start, m)
        self._entities: dict[str, _Entity] = {}
        # Person or organisation by the parser's NER, by a mention's start offset.
        self.entity_kinds: dict[int, SpeakerKind] = {}
        # "he" or "she" per canonical name, from honorifics and resolved pronouns.
        self.gender: dict[str, str] = {}
        self._full: dict[str, str] = {}
        self._pair: dict[tuple[str, str], str] = {}
        self._last: dict[str, list[tuple[int, str]]] = {}
        self._last_starts: dict[str, list[int]] = {}
        self._by_role: dict[str, list[_Entity]] = {}
        self._role_keys: set[tuple[str, str]] = set()
        # "the Post" after "The Washington Post": the last word of a longer organisation.
        self._org_short: dict[str, tuple[int, str]] = {}
        for m in self.mentions:
            if m.is_org and m.words >= 2:
                self._org_short.setdefault(m.name.lower().split()[-1], (m.start, m.name))
            if m.is_org or m.words < 2:
                continue
            words = m.name.lower().split()
            key = (words[0], words[-1])
            canonical = self._full.get(m.name.lower()) or self._pair.get(key) or m.name
            self._full.setdefault(m.name.lower(), canonical)
            self._pair.setdefault(key, canonical)
            self._last.setdefault(words[-1], []).append((m.start, canonical))
            entity = self._entity(canonical, SpeakerKind.PERSON)
            self._note(entity, m)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """Return the mentions that start inside ``[start, end)``."""
        i = bisect_right(self._starts, start - 1)
        out: list[Mention] = []
        while i < len(self.mentions) and self.mentions[i].full_start < end:
            out.append(self.mentions[i])
            i += 1
        return out

    def _entity(self, name: str, kind: SpeakerKind) -> _Entity:
        entity = self._entities.get(name)
        if entity is None:
            entity = _Entity(name, kind)
            self._entities[name] = entity
        return entity

    def _note(self, entity: _Entity, m: Mention) -> None:
        entity.positions.append(m.start)
        if m.title:
            bare = m.title.rstrip(".").lower()
            pronoun = _HONORIFIC_PRONOUNS.get(bare.split()[0])
            if pronoun is not None:
                self.gender.setdefault(entity.name, pronoun)
            if bare not in HONORIFICS and m.title not in entity.roles:
                self._add_role(entity, m.title)
        for role in (
            role_of_possessor(self._text, m, self.by_end),
            role_before(self._text, m),
            role_after(self._text, m),
        ):
            if role and role not in entity.roles:
                self._add_role(entity, role)

    def _add_role(self, entity: _Entity, role: str) -> None:
        entity.roles.append(role)
        # "the senator" refers back to the holder of a role with that noun: the last word,
        # or a role noun before a complement ("senator from Ohio", "member of the board").
        words = role.rstrip(".").lower().split()
        heads = [w for w in words[:-1] if w in _ROLE_HEADS] + words[-1:]
        heads += [_TITLE_NOUNS[w] for w in heads if w in _TITLE_NOUNS]
        for head in heads:
            if (head, entity.name) not in self._role_keys:
                self._role_keys.add((head, entity.name))
                self._by_role.setdefault(head, []).append(entity)

    def is_full_person(self, m: Mention) -> bool:
        """Return True when a mention names a person by a full name, directly or by last name."""
        if m.is_org:
            return False
        return m.words >= 2 or self._by_last_name(m.name.lower(), m.start) is not None

    def person_before(self, pos: int) -> Mention | None:
        """Return the last person mention that starts before ``pos``."""
        i = bisect_right(self._starts, pos - 1) - 1
        stop = max(-1, i - 30)
        while i > stop:
            m = self.mentions[i]
            if not m.name.isupper() and m.end <= pos and self.is_full_person(m):
                return m
            i -= 1
        return None

    def resolve(self, m: Mention) -> str:
        """Return the canonical name a mention refers to."""
        low = m.name.lower()
        if m.is_org:
            longer = self._org_short.get(low) if m.words == 1 else None
            return longer[1] if longer is not None and longer[0] < m.start else m.name
        canonical = self._full.get(low)
        if canonical is None:
            words = low.split()
            if len(words) >= 2:
                canonical = self._pair.get((words[0], words[-1]), m.name)
            else:
                canonical = self._by_last_name(low, m.start) or m.name
        return canonical

    def _by_last_name(self, low: str, pos: int) -> str | None:
        candidates = self._last.get(low)
        if not candidates:
            return None
        starts = self._last_starts.get(low)
        if starts is None:
            starts = [c[0] for c in candidates]
            self._last_starts[low] = starts
        i = bisect_right(starts, pos) - 1
        return candidates[i][1] if i >= 0 else candidates[0][1]

    def resolve_role(self, noun: str, pos: int) -> str | None:
        """Return the person most recently mentioned before ``pos`` whose role ends in ``noun``."""
        best: tuple[int, str] | None = None
        for entity in self._by_role.get(noun, ())[-_MAX_ROLE_HOLDERS:]:
            i = bisect_right(entity.positions, pos - 1) - 1
            if i >= 0 and (best is None or entity.positions[i] > best[0]):
                best = (entity.positions[i], entity.name)
        return best[1] if best else None

    def holds_other_office(self, name: str, noun: str) -> bool:
        """Return True when ``name`` is known by a role and ``noun`` names a different office:
        "the mayor" cannot be the city engineer named just before."""
        if noun not in _OFFICE_TITLES:
            return False
        heads = {head for head, holder in self._role_keys if holder == name}
        return bool(heads & _ROLE_HEADS) and noun not in heads

    def record(self, canonical: str, *, kind: SpeakerKind, alias: str, role: str = "") -> None:
        """Note that ``canonical`` speaks, under the surface form ``alias``."""
        entity = self._entity(canonical, kind)
        entity.kind = kind
        if alias and alias not in entity.aliases:
            entity.aliases.append(alias)
        if role and role not in entity.roles:
            self._add_role(entity, role)

    def speakers(self, names: Iterable[str]) -> tuple[ExtractedSpeaker, ...]:
        """Return the records of the given canonical names, in the order given."""
        out: list[ExtractedSpeaker] = []
        for name in names:
            entity = self._entity(name, SpeakerKind.PERSON)
            aliases = tuple(dict.fromkeys([name, *entity.aliases]))
            out.append(ExtractedSpeaker(name, aliases, tuple(entity.roles), self._kind(entity)))
        return tuple(out)

    def kind_of(self, name: str) -> SpeakerKind | None:
        """Return the kind of a canonical name noted so far, or None if it is unknown."""
        entity = self._entities.get(name)
        return self._kind(entity) if entity is not None else None

    def _kind(self, entity: _Entity) -> SpeakerKind:
        """Return a speaker's kind: the NER's majority over its mentions, else the rules'."""
        votes = [self.entity_kinds[p] for p in entity.positions if p in self.entity_kinds]
        if not votes:
            return entity.kind
        people = sum(1 for v in votes if v is SpeakerKind.PERSON)
        return SpeakerKind.PERSON if 2 * people >= len(votes) else SpeakerKind.ORGANISATION

    def agrees(self, name: str | None, pronoun: str) -> bool:
        """Return False when ``name`` is known to take the other of "he" and "she"."""
        if name is None or pronoun not in ("he", "she"):
            return True
        known = self.gender.get(name)
        return known is None or known == pronoun
