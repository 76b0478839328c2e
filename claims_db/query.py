"""Question parsing: intent, the words that may name a speaker, and the topic words."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from claims_db.textnorm import words


def _split(text: str) -> list[str]:
    return text.split()


_QUESTION_OPENERS = frozenset(
    _split(
        """
    what who whom whose which when where why how did does do is are was were has have had will
    would can could should shall may might
    """
    )
)
SAY_VERBS = frozenset(
    _split(
        """
    say says said saying tell tells told think thinks thought claim claims claimed tweet tweets
    tweeted write wrote writes announce announced announces state stated states argue argued
    believe believes believed feel feels felt
    """
    )
)
_WHO_SAID_VERBS = SAY_VERBS | frozenset({"called", "promised", "warned", "insisted", "suggested"})
# Words just before a name that make the question about what that person said or did.
_DIRECTING_BEFORE = frozenset({"did", "does", "do", "has", "have", "had", "would", "will", "to"})
# Words just after a name that do the same ("Leavitt on the decision", "Noem's view").
_DIRECTING_AFTER = frozenset({"on", "about", "regarding", "re", "view", "views", "position"})
# "<name> on <topic>" at the start of a question: the words after a name that open the topic.
_TOPIC_AFTER_NAME = frozenset({"on", "about", "regarding"})
# Questions that ask for a number, so an answer without one does not answer them.
_NUMBER_QUESTIONS = (("how", "many"), ("how", "much"), ("what", "percentage"), ("population",))


class Intent(StrEnum):
    """What a question asks for."""

    SPEAKER = "speaker"  # what did X say (about Y)
    WHO_SAID = "who_said"  # who said Y
    CLAIM = "claim"  # a pasted assertion to check
    TOPIC = "topic"  # anything else: find statements about the words


@dataclass(frozen=True, slots=True)
class Mention:
    """Words ``words[start:end]`` of a question that name indexed speakers."""

    start: int
    end: int
    speakers: dict[str, float]  # speaker id -> how well the words match that speaker


@dataclass(frozen=True, slots=True)
class Question:
    """A parsed question."""

    text: str
    words: tuple[str, ...]
    intent: Intent
    mention: Mention | None  # the speaker the question is directed at, when there is one
    topic: tuple[str, ...]  # words left once the speaker and the framing are removed
    # words[start:end] that the question asks the statements of ("what did <X> say"),
    # found from the phrasing alone, whether or not the library knows them as a speaker.
    subject: tuple[int, int] | None = None
    asks_number: bool = False  # "how many people live in Brackwater?"
    # The question asks what its speaker said ("what did X say", "X on Y"), rather than
    # about them ("did X win the runoff?"), which statements by others may answer as well.
    asks_statements: bool = False


def is_question(text: str, word_list: list[str]) -> bool:
    """Return whether ``text`` is phrased as a question rather than as an assertion."""
    return text.rstrip().endswith("?") or bool(word_list and word_list[0] in _QUESTION_OPENERS)


def is_directed(word_list: list[str], mention: Mention, *, has_say_verb: bool) -> bool:
    """Return whether a question asks what the mentioned speaker said, rather than about them.

    ``has_say_verb`` tells whether any word of the question is a verb of saying; the
    caller works it out once, since a question can hold thousands of mentions.
    """
    before = word_list[mention.start - 1] if mention.start > 0 else ""
    after = word_list[mention.end] if mention.end < len(word_list) else ""
    if mention.start == 0 and not after:
        return True  # the question is just a name
    return (
        has_say_verb
        or before in _DIRECTING_BEFORE
        or after in _DIRECTING_AFTER
        or after in SAY_VERBS
    )


def directed_subject(word_list: list[str]) -> tuple[int, int] | None:
    """Return the span of the words whose statements a question asks for, if its phrasing says.

    "what did <Obama> say about cameras", "did <the premier> claim ...", "what has <Ana
    Ruiz> said", and "<Obama> on climate" (the span then opens the question). "what did
    the reporter ask" names no span: asking is not a verb of saying.
    """
    for i in range(min(3, len(word_list))):
        if word_list[i] in _DIRECTING_BEFORE and word_list[i] != "to":
            for j in range(i + 2, min(i + 7, len(word_list))):
                if word_list[j] in SAY_VERBS:
                    return (i + 1, j)
            break
    for k in range(1, min(4, len(word_list))):
        if word_list[k] in _TOPIC_AFTER_NAME:
            return (0, k) if word_list[0] not in _QUESTION_OPENERS else None
    return None


def asks_number(word_list: list[str]) -> bool:
    """Return whether a question asks for a number ("how many", "how much", "population")."""
    for phrase in _NUMBER_QUESTIONS:
        size = len(phrase)
        if any(tuple(word_list[i : i + size]) == phrase for i in range(len(word_list))):
            return True
    return False


def parse(text: str, mentions: list[Mention]) -> Question:
    """Parse ``text`` given the speaker mentions the index found in its words.

    ``mentions`` come from :meth:`SearchIndex` name lookup over ``words(text)``; the first
    mention that the phrasing directs the question at becomes the question's speaker.
    """
    word_list = words(text)
    if len(word_list) >= 2 and word_list[0] == "who" and word_list[1] in _WHO_SAID_VERBS:
        return Question(text, tuple(word_list), Intent.WHO_SAID, None, tuple(word_list[2:]))
    question = is_question(text, word_list)
    subject = directed_subject(word_list) if question or len(word_list) <= 12 else None
    number = question and asks_number(word_list)
    has_say_verb = any(w in SAY_VERBS for w in word_list)
    for mention in mentions:
        if is_directed(word_list, mention, has_say_verb=has_say_verb):
            after = mention.end
            if after < len(word_list) and word_list[after] in SAY_VERBS:
                after += 1  # "what did the judge write?": the question's verb, not its topic
            topic = word_list[: mention.start] + word_list[after:]
            after_word = word_list[mention.end] if mention.end < len(word_list) else ""
            # "Delacroix on evacuation" is a question without the question mark.
            headline = mention.start == 0 and after_word in _TOPIC_AFTER_NAME
            intent = Intent.SPEAKER if question or headline else Intent.CLAIM
            asks = (
                has_say_verb
                or after_word in _DIRECTING_AFTER
                or (mention.start == 0 and not after_word)
            )
            return Question(
                text, tuple(word_list), intent, mention, tuple(topic), subject, number, asks
            )
    intent = Intent.TOPIC if question else Intent.CLAIM
    return Question(text, tuple(word_list), intent, None, tuple(word_list), subject, number)
