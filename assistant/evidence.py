"""What a question asks for and whether a sentence holds it: terms, entities, answer types."""

from __future__ import annotations

import re

from index.terms import terms

# Words that shape a question but are not evidence the articles must contain.
_ASKING = frozenset(
    [
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "many",
        "much",
        "did",
        "does",
        "do",
        "tell",
        "name",
        "give",
        "mention",
        "mentioned",
        "article",
        "articles",
        "report",
        "reports",
        "reported",
        "news",
        "story",
        "happen",
        "happened",
        "describe",
        "explain",
        "kind",
        "type",
        "sort",
        "please",
    ]
)
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_TYPE_PATTERNS = {
    "date": re.compile(
        rf"\b(?:{_MONTH}(?:\s+\d{{1,2}})?|{_WEEKDAY}|(?:19|20)\d\d|today|yesterday|"
        r"(?:last|next|this) (?:week|month|year))\b"
    ),
    "number": re.compile(
        r"\b(?:\d[\d,.]*(?:st|nd|rd|th)?|one|two|three|four|five|six|seven|eight|nine|ten|"
        r"dozen|hundred|thousand|million|billion)\b",
        re.IGNORECASE,
    ),
    "person": re.compile(r"\b[A-Z][a-z]+(?:[- ][A-Z][a-z]+)+\b"),
    "place": re.compile(
        rf"\b(?:in|at|to|from)\s+(?:the\s+)?(?!{_MONTH}\b|{_WEEKDAY}\b)[A-Z][a-z]+"
    ),
    "entity": re.compile(r"\b[A-Z][\w'’.-]*\w(?:\s+(?:of\s+)?[A-Z][\w'’.-]*\w)*"),
}
TYPE_KINDS = tuple(_TYPE_PATTERNS)


_CLAUSE_START = r"(?:^|[.?!:;,]\s+)(?:\w+\s+)?"  # "Who ...", "... . And where ...", "In when"


def answer_type(question: str) -> str | None:
    """The kind of thing the question asks for, when its wording says so.

    "who", "when" and "where" ask only at the start of a clause: inside one they are
    usually relative ("... this week when it announced it would part ways with which
    host?" asks for an entity, not a date).
    """
    q = question.lower().strip()
    if re.search(r"\bhow (?:many|much|long|old)\b|\bwhat (?:number|percentage)\b", q):
        return "number"
    if re.search(r"\b(?:what|which) (?:date|day|month|year)\b", q):
        return "date"
    if re.search(r"\bwhich (?:city|country|capital|place)\b|\bin what (?:city|country)\b", q):
        return "place"
    lead = re.search(_CLAUSE_START + r"(who(?:m|se)?|when|where)\b", q)
    if lead:
        return _wh_kind(lead.group(1))
    if re.search(r"\b(?:which|what)\s+(?!is\b|are\b|was\b|were\b|did\b|does\b|do\b)\w+", q):
        return "entity"
    inside = [w for w in ("when", "who", "whom", "whose", "where") if re.search(rf"\b{w}\b", q)]
    return _wh_kind(inside[0]) if inside else None


def _wh_kind(word: str) -> str:
    return {"when": "date", "where": "place"}.get(word, "person")


def has_type(sentence: str, kind: str | None, question: str) -> bool:
    """True when ``sentence`` holds a thing of ``kind`` that the question does not already name."""
    if kind is None:
        return False
    asked = question.lower()
    return any(m.group().lower() not in asked for m in _TYPE_PATTERNS[kind].finditer(sentence))


def type_match(sentence: str, kind: str, question: str) -> re.Match[str] | None:
    """The first thing of ``kind`` in ``sentence`` that the question does not already name."""
    asked = question.lower()
    found = (m for m in _TYPE_PATTERNS[kind].finditer(sentence) if m.group().lower() not in asked)
    return next(found, None)


def question_terms(question: str) -> set[str]:
    """The stemmed content words a supporting text should contain."""
    asking = set(terms(" ".join(_ASKING)))
    return {t for t in terms(question) if t not in asking}


_TIME_WORDS = re.compile(rf"{_MONTH}|{_WEEKDAY}")


def question_entities(question: str) -> set[str]:
    """Stemmed names in the question: capitalised words past the first, and numbers.

    Months and weekdays are left out (a dateline or a "last week" may carry them), and
    so are acronyms of two letters ("US" is written "U.S." or "United States").
    """
    found: set[str] = set()
    tokens = re.findall(r"[^\W_]+(?:[-'’][^\W_]+)*", question)
    for token in tokens[1:]:
        if _TIME_WORDS.fullmatch(token) or len(token) <= 2:
            continue
        if token[:1].isupper() or token.isdigit():
            found.update(terms(token))
    return found
