"""Follow-up questions, without an LLM: detect them and spell out what they leave out.

A question depends on earlier turns when it opens elliptically ("And in May?", "What
about Wang?"), uses a pronoun or demonstrative with nothing to refer to in the question
itself ("What did they discuss there?", "What happened that day?"), or is too short to
stand alone ("Why?"). Such a follow-up is *interpreted*: an elliptical one takes the
previous question's frame with the new part put in (a new date replaces the old one);
any other one gets the earlier turns' names, key words and date added, most recent turn
first, plus the topic of the conversation's first turn. A question that stands alone
starts a new conversation: nothing earlier is carried into it or past it.

The assistant retrieves with both the user's words and the interpretation (two legs,
fused), so the interpretation never replaces what the user typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.dates.constraint import MONTHS, WEEKDAYS

DEPTH = 2  # earlier turns whose names and words a follow-up carries (measured on dev)

_OPENER = re.compile(
    r"^\s*(?:(?:and|but|also|so)\b[\s,]*(?:what|how)\s+about\b|(?:and|but|also|so)\b|"
    r"(?:what|how)\s+about\b|what\s+of\b|same\s+(?:for|with|question)\b)[\s,]*",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"\b(?:he|she|they|them|their|theirs|him|his|her|hers|it|its|"
    r"(?<!is )(?<!are )(?<!was )(?<!were )there(?! (?:is|are|was|were|been|be)\b)|"
    r"th(?:at|is|ese|ose) (?:day|time|week|month|year|meeting|visit|talks?|trip|"
    r"statement|conference|event|city|place|country)s?|the two(?: men| ministers| sides)?|"
    r"both(?= (?:men|ministers|sides|of them)\b)|then|"
    r"that(?=\s*[?.!]*\s*$)|that(?= (?:happen|take place|occur)))\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:of\s+)?[A-Z][\w'’-]*)*")
_DATE_PHRASE = re.compile(
    r"\b(?:(?:in|on|during|before|after|since|until|by)\s+)?(?:(?:"
    + "|".join(m.capitalize() for m in MONTHS)
    + r")(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+(?:19|20)\d\d)?|(?:19|20)\d\d|"
    r"(?:last|this|next) (?:week|month|year))\b"
)
_PLACE = re.compile(r"\b(?:in|at)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)")
_STOP = frozenset(
    (  # noqa: SIM905
        "a an the and or but of to in on at by for with about from into as is are was were be "
        "been being did do does done what which who whom whose when where why how many much "
        "that this these those there it its they them their he she his her him also else "
        "any some more most other than then so not no yes can could would should will may "
        "might must has have had say said tell told according"
    ).split()
)
_CALENDAR_WORDS = frozenset(m.capitalize() for m in MONTHS + WEEKDAYS)
_QUESTION_WORDS = frozenset(
    (  # noqa: SIM905
        "What Which Who Whom Whose When Where Why How Did Does Do Is Are Was Were And But "
        "Also So Tell Name Give Has Have Had Can Could Would Should Will I"
    ).split()
)


@dataclass(frozen=True)
class Turn:
    """An earlier turn: the question as asked, and the answer text when known."""

    question: str
    answer: str = ""
    articles: tuple[str, ...] = ()  # the articles the answer cited


@dataclass(frozen=True)
class Interpretation:
    question: str
    interpreted: str  # equal to ``question`` when it stands alone
    followup: bool
    focus: str = ""  # what the answer must be about: the question with its referents
    story: tuple[str, ...] = ()  # articles a referring follow-up is answered from first
    topic: tuple[str, ...] = ()  # the earlier turns' names: what an answer elsewhere must name

    @property
    def answering(self) -> str:
        """The question the answerer reads (the interpretation without carried key words)."""
        return self.focus or self.interpreted


def names(text: str) -> list[str]:
    """Capitalised names in a question, in order, without question words or dates."""
    found = []
    for match in _NAME.finditer(text):
        words = [w for w in match.group().split() if w not in _QUESTION_WORDS]
        if match.start() == len(text) - len(text.lstrip()) and words and words[0].lower() in _STOP:
            words = words[1:]  # "On which day ...": a capital that only starts the sentence
        while words and words[0] in _CALENDAR_WORDS | {"of"}:
            words = words[1:]
        name = " ".join(w for w in words if w not in _CALENDAR_WORDS)
        if name and name not in found:
            found.append(name)
    return found


def key_words(text: str) -> list[str]:
    """Content words of a question (lower-case, not names, not dates), in order."""
    out = []
    for word in re.findall(r"[A-Za-z][\w'’-]*", _DATE_PHRASE.sub(" ", text)):
        low = word.lower()
        if word[0].isupper() and word not in _QUESTION_WORDS:
            continue
        if low not in _STOP and len(low) > 2 and low not in out:
            out.append(low)
    return out


def date_phrase(text: str) -> str | None:
    match = _DATE_PHRASE.search(text)
    return match.group() if match else None


_MORE = re.compile(r"\b(?:else|other|another|besides|apart from|in addition)\b", re.IGNORECASE)


def wants_more(question: str) -> bool:
    """ "What else did they discuss?": an answer other than the ones already given."""
    return _MORE.search(question) is not None


def is_followup(question: str) -> bool:
    """Does the question lean on earlier turns (opener, dangling pronoun, too short)?"""
    if _OPENER.match(question):
        return True
    pronoun = _PRONOUN.search(question)
    if pronoun and not names(question[: pronoun.start()]):
        return True
    words = len(re.findall(r"[\w'’-]+", question))
    short = words <= 3  # "Why?", "Which power station?"
    definite = words <= 6 and re.search(r"\bthe\b", question, re.IGNORECASE)  # "the referee"
    return not names(question) and bool(short or definite or not key_words(question))


def _elliptical(question: str, previous: str) -> str:
    """ "And in May?" after "Where did they meet in July?" -> "Where did they meet in May?"."""
    rest = _OPENER.sub("", question, count=1).strip().rstrip("?.! ").strip()
    if not rest:
        return previous
    new_date, old_date = date_phrase(rest), date_phrase(previous)
    frame = previous.rstrip("?.! ")
    if not new_date:  # "What about Shoigu?": the same question, about something else too
        return re.sub(r"\s+", " ", f"{frame}? ({rest})").strip()
    if old_date:
        frame = frame.replace(old_date, "").strip()
    if not rest.lower().startswith(("in ", "on ", "during ", "before ", "after ", "since ")):
        rest = f"on {rest}" if re.search(r"\d", rest) and not rest.isdigit() else f"in {rest}"
    return re.sub(r"\s+", " ", f"{frame} {rest}?").strip()


def _carried(question: str, context: Sequence[Turn], depth: int, words: bool = True) -> list[str]:
    """Names, a date and (with ``words``) key words from earlier turns, most recent first,
    plus the conversation's first turn (its topic)."""
    recent = list(reversed(context))[:depth]
    if context[0] not in recent:
        recent.append(context[0])
    have = {w.lower() for w in re.findall(r"[\w'’-]+", question)}
    carried: list[str] = []
    if words and re.search(r"\bthere\b", question, re.IGNORECASE) and context[-1].answer:
        carried += [p for p in _PLACE.findall(context[-1].answer)[:1]]
    for turn in recent:
        carried += names(turn.question)
    if not date_phrase(question):
        carried += [d for d in (date_phrase(t.question) for t in recent) if d][:1]
    for turn in recent if words else ():
        carried += key_words(turn.question)
    out: list[str] = []
    for item in carried:
        if item.lower() not in have and item not in out:
            out.append(item)
    return out


def interpret(
    question: str, history: Sequence[Turn | str] = (), depth: int = DEPTH
) -> Interpretation:
    """What to search for: the question itself, or its expansion when it is a follow-up.

    Earlier questions are interpreted in turn (a follow-up of a follow-up carries the
    whole thread); a question that stands alone resets the thread.
    """
    context: list[Turn] = []
    for earlier in history:
        turn = earlier if isinstance(earlier, Turn) else Turn(earlier)
        step = _step(turn.question, context, depth)
        done = Turn(step.interpreted, turn.answer, turn.articles)
        context = [*context, done] if step.followup else [turn]
    return _step(question, context, depth)


def _step(question: str, context: Sequence[Turn], depth: int) -> Interpretation:
    question = question.strip()
    if not context or not is_followup(question):
        return Interpretation(question, question, False)
    if _OPENER.match(question) and date_phrase(question):  # "And in May?": same frame
        base = _elliptical(question, context[-1].question)
        extra = [n for n in names(context[0].question) if n not in base][:2]
        text = base if not extra else f"{base} ({', '.join(extra)})"
        return Interpretation(question, text, True)
    core = _OPENER.sub("", question, count=1).strip() or question
    everything = _carried(core, context, depth)
    referents = _carried(core, context, depth, words=False)
    text = f"{question} ({', '.join(everything)})" if everything else question
    focus = f"{core} ({', '.join(referents)})" if referents else core
    story = () if _OPENER.match(question) else context[-1].articles  # "they", "there": same story
    topic = tuple(dict.fromkeys(n for t in context[-depth:] for n in names(t.question)))
    return Interpretation(question, text, True, focus, story, topic)
