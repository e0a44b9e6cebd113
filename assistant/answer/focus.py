"""Candidate short answers: the names, dates and numbers of a sentence that the question
does not already state. ``assistant.answer.short_answer`` chooses among them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from assistant.domain import Span
from assistant.question import Question

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_JOINERS = ("of", "de", "van", "von", "al", "bin", "the")  # lower-case words inside a name
_CONNECTORS = frozenset([*_JOINERS, "and"])  # never a sign that the question states a name
_NAME = re.compile(
    rf"[A-Z][\w'’.-]*\w(?:\s+(?:(?:{'|'.join(_JOINERS)})\s+){{0,2}}[A-Z][\w'’.-]*\w)*"
)
_DATE = re.compile(
    rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,\s*(?:19|20)\d\d)?|"
    rf"\d{{1,2}}\s+(?:{_MONTHS})(?:\s+(?:19|20)\d\d)?|(?:{_MONTHS})\s+(?:19|20)\d\d|"
    rf"(?:19|20)\d\d|(?:{_WEEKDAYS}))\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"(?:[$€£]\s?)?\b\d[\d,.]*(?:st|nd|rd|th|s)?(?:\s?(?:%|percent|million|billion|trillion|thousand))?"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?"
    r"|thousands?|millions?|billions?)\b",
    re.IGNORECASE,
)
_SKIP_NAMES = re.compile(
    rf"^(?:the|a|an|in|on|at|but|and|he|she|it|they|we|this|that|these|those|his|her|their"
    rf"|its|as|after|before|when|while|for|if|mr|mrs|ms|dr|{_MONTHS}|{_WEEKDAYS})$",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"['’]s$")
_COUNTED = re.compile(r"\bhow (?:many|much) (\w+)", re.IGNORECASE)
_TITLES = frozenset(
    [
        "president",
        "vice",
        "prime",
        "minister",
        "secretary",
        "senator",
        "sen",
        "rep",
        "representative",
        "gov",
        "governor",
        "mayor",
        "chancellor",
        "general",
        "gen",
        "director",
        "chief",
        "ceo",
        "chairman",
        "chairwoman",
        "chair",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "ambassador",
        "judge",
        "justice",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "coach",
        "captain",
        "commissioner",
        "leader",
        "premier",
        "officer",
        "adviser",
        "advisor",
        "envoy",
        "speaker",
        "dr",
        "mr",
        "mrs",
        "ms",
        "lord",
        "lady",
        "sir",
    ]
)


@dataclass(frozen=True)
class Phrase:
    """A candidate short answer: ``span`` is into the ``body`` of the ``sentence``-th best
    candidate sentence; ``key`` is how it is compared across sentences."""

    sentence: int
    span: Span
    text: str
    key: str
    kind: str  # "name", "date" or "number"
    possessive: bool


def phrase_key(phrase: str) -> str:
    """A phrase as compared across sentences: lower case, punctuation as single spaces."""
    words = re.findall(r"\w+", phrase.lower().replace("’s", "").replace("'s", ""))
    return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def phrases_in(question: Question, body: str, sentence: int = 0) -> list[Phrase]:
    """The names, dates and numbers of ``body`` that the question does not already state.
    A possessive name is offered without its "'s"; a number takes the unit the question
    counts ("how many years" → "600 years")."""
    found: list[tuple[int, int, str, bool]] = []
    for s, e in _names(body):
        possessive = bool(_POSSESSIVE.search(body[s:e]))
        found.append((s, e - 2 if possessive else e, "name", possessive))
    dates = [m.span() for m in _DATE.finditer(body)]
    found += [(s, e, "date", False) for s, e in dates]
    found += [
        (m.start(), m.end(), "number", False)
        for m in _NUMBER.finditer(body)
        if not any(s <= m.start() < e for s, e in dates)
    ]
    out: list[Phrase] = []
    seen: set[str] = set()
    for s, e, kind, possessive in sorted(found):
        text = body[s:e]
        s += len(text) - len(text.lstrip(" ,."))
        e -= len(text) - len(text.rstrip(" ,."))
        if e <= s or _asked(body[s:e], question):
            continue
        e = _with_unit(body, e, question.text) if kind == "number" else e
        key = phrase_key(body[s:e])
        if key and key not in seen:  # a phrase said twice is one candidate
            seen.add(key)
            out.append(Phrase(sentence, (s, e), body[s:e], key, kind, possessive))
    return out


def _names(text: str) -> list[Span]:
    """Capitalised names, without a leading pronoun, preposition or title; a leading "The"
    is kept inside a sentence ("The Simpsons"), where its capital says it is part of the
    name, and left out at the start, where every word has one."""
    spans = []
    for m in _NAME.finditer(text):
        words, start = m.group().split(), m.start()
        while words and _SKIP_NAMES.match(words[0]) and not _inner_the(text, start, words):
            start = text.index(words[1], start) if len(words) > 1 else m.end()
            words = words[1:]
        titles = [i for i, w in enumerate(words[:-1]) if w.lower().rstrip(".") in _TITLES]
        if titles:  # "Russian President Vladimir Putin": the name after the last title
            for w in words[: titles[-1] + 1]:
                start = text.index(w, start) + len(w)
            words = words[titles[-1] + 1 :]
            while len(words) > 1 and words[0] in _CONNECTORS:  # "President of the X"
                words = words[1:]
            start = text.index(words[0], start)
        if words:
            spans.append((start, m.end()))
    return spans


def _inner_the(text: str, start: int, words: list[str]) -> bool:
    """``words`` (found at ``start`` of ``text``) open with a "The" that is not the
    sentence's first word (quotes and brackets aside)."""
    return words[0] == "The" and len(words) > 1 and bool(text[:start].strip(" \"'“‘(["))


def _asked(phrase: str, question: Question) -> bool:
    """The question already states (part of) this phrase, or its adjective ("Chinese" for
    "China", "Russian" for "Russia")."""
    asked = _words_of(question.text)
    words = [
        w
        for w in re.findall(r"\w+", phrase.lower())
        if (len(w) > 2 or w.isdigit()) and w not in _CONNECTORS
    ]
    return not words or any(w in asked or _adjective_of(w, question.text) for w in words)


def _adjective_of(word: str, question: str) -> bool:
    if len(word) < 4 or not word.isalpha():
        return False
    stem = word[:-1]
    return any(
        len(q) > len(word) and q.lower().startswith(stem) and q[0].isupper()
        for q in re.findall(r"\w+", question)
    )


@functools.lru_cache(maxsize=64)
def _words_of(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


def _with_unit(sentence: str, end: int, question: str) -> int:
    """``end`` moved past the word after the number when it is what the question counts."""
    counted = _COUNTED.search(question)
    if not counted:
        return end
    unit = counted.group(1).lower().rstrip("s")
    after = re.match(r"\s+(\w+)", sentence[end:])
    if after and after.group(1).lower().rstrip("s") == unit:
        return end + after.end()
    return end
