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


def parse(text: str, mentions: list[Mention]) -> Question:
    """Parse ``text`` given the speaker mentions the index found in its words.

    ``mentions`` come from :meth:`SearchIndex` name lookup over ``words(text)``; the first
    mention that the phrasing directs the question at becomes the question's speaker.
    """
    word_list = words(text)
    if len(word_list) >= 2 and word_list[0] == "who" and word_list[1] in _WHO_SAID_VERBS:
        return Question(text, tuple(word_list), Intent.WHO_SAID, None, tuple(word_list[2:]))
    question = is_question(text, word_list)
    has_say_verb = any(w in SAY_VERBS for w in word_list)
    for mention in mentions:
        if is_directed(word_list, mention, has_say_verb=has_say_verb):
            after = mention.end
            if after < len(word_list) and word_list[after] in SAY_VERBS:
                after += 1  # "what did the judge write?": the question's verb, not its topic
            topic = word_list[: mention.start] + word_list[after:]
            intent = Intent.SPEAKER if question else Intent.CLAIM
            return Question(text, tuple(word_list), intent, mention, tuple(topic))
    intent = Intent.TOPIC if question else Intent.CLAIM
    return Question(text, tuple(word_list), intent, None, tuple(word_list))
