"""Is one sentence of an LLM's answer supported by the sentences it cites?

Two tests, both on the cited text only (never the rest of the article):

1. **Facts.** Every number (digits, or a number word up to twenty), every month
   and weekday, and every capitalised name in the sentence must occur in the
   cited text. Simple variants count as the same name: a possessive
   ("Lavrov's"), a plural, "Russian" for "Russia" or a hyphenated compound ("Russian-Chinese" holds
   "Chinese"); "1,000" is "1000" and "20th" is "20". The sentence's first word is
   held to the same test by its stem, case-insensitively, so "Officials" needs
   "official" but not a capital.
2. **Wording and meaning.** ``support = (coverage + similarity) / 2`` must reach
   ``Rule.threshold``, where coverage is the share of the sentence's content
   words (stemmed, stop words out) that the cited text uses and similarity is the
   cosine of the MiniLM vectors of the sentence and of the cited text.

The threshold was measured on the hand-written cases in
tests/verification_cases.jsonl (see eval/README.md, "LLM answers").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from index.terms import STOPWORDS, terms

Embed = Callable[[list[str]], np.ndarray]  # texts -> unit row vectors

_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        re.split(
            r"\s+",
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen twenty",
        )
    )
}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?(?:st|nd|rd|th)?", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
_CALENDAR = frozenset(
    re.split(
        r"\s+",
        "january february march april may june july august september october november december "
        "monday tuesday wednesday thursday friday saturday sunday",
    )
)


@dataclass(frozen=True)
class Rule:
    threshold: float = 0.52  # measured: see the module docstring and eval/README.md
    # A sentence may not be much longer than what it cites (a long sentence citing a short one
    # adds claims); its content words beyond this many uncovered ones fail it outright.
    max_uncovered: int = 4


@dataclass(frozen=True)
class Check:
    """The verdict on one sentence, with the figures it rests on."""

    supported: bool
    coverage: float
    similarity: float
    missing: tuple[str, ...]  # numbers and names the cited text lacks
    reason: str  # "" when supported


def numbers(text: str) -> set[str]:
    """Numbers written in digits or as words up to twenty, normalised ("1,000" -> "1000")."""
    found = set()
    for match in _NUMBER.finditer(text):
        value = re.sub(r"(st|nd|rd|th)$", "", match.group().lower()).replace(",", "")
        found.add(value.rstrip("."))
    for word in _TOKEN.findall(text.lower()):
        if word in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[word])
    return found


def _forms(word: str) -> set[str]:
    """A word and its simple variants: without a possessive or a plural ending."""
    w = word.lower().replace("’", "'")
    out = {w}
    for suffix in ("'s", "s'", "'", "es", "s", "n"):  # "n": Russian -> Russia
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            out.add(w[: -len(suffix)])
    return out


def _vocabulary(text: str) -> set[str]:
    """Every word of ``text`` in every simple variant, hyphenated parts included."""
    vocab: set[str] = set()
    for word in _TOKEN.findall(text):
        vocab |= _forms(word)
    return vocab


def names(sentence: str) -> list[str]:
    """Capitalised words after the first, plus a capitalised month or weekday anywhere."""
    found = []
    for i, match in enumerate(_TOKEN.finditer(sentence)):
        word = match.group()
        if word[0].isupper() and (i > 0 or word.lower() in _CALENDAR):
            found.append(word)
    return found


def missing_facts(sentence: str, cited: str) -> list[str]:
    """The numbers, dates and names of ``sentence`` that ``cited`` does not hold."""
    missing = sorted(numbers(sentence) - numbers(cited))
    vocab = _vocabulary(cited)
    for word in names(sentence):
        if not (_forms(word) & vocab) and word not in missing:
            missing.append(word)
    first = next(iter(_TOKEN.findall(sentence)), "")
    if first and first.lower() not in STOPWORDS and first.lower() not in _NUMBER_WORDS:
        stem = terms(first)
        if stem and stem[0] not in set(terms(cited)) and not (_forms(first) & vocab):
            missing.append(first)
    return missing


def coverage(sentence: str, cited: str) -> tuple[float, int]:
    """The share of the sentence's content words the cited text uses, and how many it lacks."""
    wanted = set(terms(sentence))
    if not wanted:
        return 1.0, 0
    lacking = wanted - set(terms(cited))
    return 1 - len(lacking) / len(wanted), len(lacking)


def check(sentence: str, cited: Sequence[str], embed: Embed, rule: Rule | None = None) -> Check:
    """Is ``sentence`` supported by the texts of the sentences it cites?"""
    rule = rule or Rule()
    if not cited:
        return Check(False, 0.0, 0.0, (), "cites no sentence that was given")
    source = " ".join(cited)
    missing = tuple(missing_facts(sentence, source))
    share, lacking = coverage(sentence, source)
    vectors = embed([sentence, source])
    similarity = float(np.dot(vectors[0], vectors[1]))
    support = (share + similarity) / 2
    reason = ""
    if missing:
        reason = "not in the cited text: " + ", ".join(missing)
    elif lacking > rule.max_uncovered:
        reason = f"{lacking} content words not in the cited text"
    elif support < rule.threshold:
        reason = f"support {support:.2f} below {rule.threshold:.2f}"
    return Check(not reason, round(share, 4), round(similarity, 4), missing, reason)


def support(check: Check) -> float:
    """The combined figure the threshold applies to."""
    return (check.coverage + check.similarity) / 2
