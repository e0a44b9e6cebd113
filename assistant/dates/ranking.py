"""Re-ranking retrieved passages: two retrieval legs fused, then the question's dates.

Pure functions over ``Passage`` / ``Citation`` values, so the assistant's call sites stay
one line each. Weights measured on the dev dialogues (eval/dev.jsonl, see eval/README.md).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from assistant.dates.article_dates import date_match, mentions, sort_key
from assistant.dates.constraint import DateConstraint
from assistant.dates.datewords import resolve_relative
from assistant.domain import Citation, Passage

LITERAL_WEIGHT = 0.4  # of the user's own words, against the interpreted follow-up
DATE_BOOST = 0.35  # added to a passage whose article's date fits the question
ORDER_BOOST = 0.3  # added, scaled by recency rank, for "latest" / "first" questions
CANDIDATES = 20  # passages re-ranked by date before the top k are kept


def fuse_legs(literal: Sequence[Passage], expanded: Sequence[Passage]) -> list[Passage]:
    """One ranking from the literal and the interpreted question's passages (weighted sum)."""
    by_id = {p.chunk_id or f"{p.article}:{p.start}": p for p in [*expanded, *literal]}
    lit = {p.chunk_id or f"{p.article}:{p.start}": p.score for p in literal}
    exp = {p.chunk_id or f"{p.article}:{p.start}": p.score for p in expanded}
    fused = {
        key: LITERAL_WEIGHT * lit.get(key, 0.0) + (1 - LITERAL_WEIGHT) * exp.get(key, 0.0)
        for key in by_id
    }
    order = sorted(by_id, key=lambda key: (-fused[key], key))
    return [replace(by_id[key], score=round(fused[key], 4)) for key in order]


def by_date(passages: Sequence[Passage], constraint: DateConstraint) -> list[Passage]:
    """Passages re-scored by how their article's date fits ``constraint``, best first.

    A date named in the question boosts the articles of that date (a month and day match
    a partial date); "latest"/"first" boosts by the article's place in time. Passages
    keep their order when the question says nothing about dates.
    """
    if not constraint:
        return list(passages)
    scores = {id(p): p.score for p in passages}
    if constraint.filters:
        for p in passages:
            scores[id(p)] += DATE_BOOST * date_match(constraint, p.date, p.month_day)
    if constraint.order:
        dated = sorted({sort_key(p.date, p.month_day) for p in passages if p.date or p.month_day})
        for p in passages:
            key = sort_key(p.date, p.month_day)
            if key in dated and len(dated) > 1:
                rank = dated.index(key) / (len(dated) - 1)  # 0 oldest .. 1 newest
                scores[id(p)] += ORDER_BOOST * (rank if constraint.order == "latest" else 1 - rank)
    ranked = sorted(passages, key=lambda p: -scores[id(p)])
    return [replace(p, score=round(scores[id(p)], 4)) for p in ranked]


def within(passages: Sequence[Passage], constraint: DateConstraint) -> list[Passage]:
    """Only passages whose article's date fits the question's own dates, or whose text
    names them ("in July"); all of them when none does or the question names no calendar
    date (a date relative to now only boosts, in ``by_date``)."""
    if not constraint.strict:
        return list(passages)
    kept = [
        p
        for p in passages
        if date_match(constraint, p.date, p.month_day) > 0 or mentions(p.text, constraint)
    ]
    return kept or list(passages)


def dates_supported(
    citations: Sequence[Citation],
    constraint: DateConstraint,
    names: Collection[str],
    context: Mapping[str, list[str]] | None = None,
) -> bool:
    """Do the quotes answer for the date the question names?

    Yes when a cited article's date fits it, or when a quoted sentence names that date
    together with every name the question asks about (a sentence that names only the
    month of something else does not answer "Where did X and Y meet in March?"). Always
    yes for a date relative to now ("this week"), which only boosts.

    ``context``: the retrieved sentences of each article. With it (a standalone question,
    whose date is one of its terms), an undated cited article answers for the date too
    when one of its sentences names it with a name asked about (any). Without it (a
    follow-up that changes only the date, "And in February?"), a quote or the article's
    date must.
    """
    if not constraint.strict or not citations:
        return True
    for c in citations:
        if date_match(constraint, c.date, c.month_day) > 0 or _names(c.quote, constraint, names):
            return True
        others = context.get(c.article, ()) if context is not None and c.date is None else ()
        if any(mentions(s, constraint) and _any_name(s, names) for s in others):
            return True
    return False


def _any_name(sentence: str, names: Collection[str]) -> bool:
    text = _folded(sentence)
    return not names or any(_folded(n, True) in text for n in names)


def _names(sentence: str, constraint: DateConstraint, names: Collection[str]) -> bool:
    """``sentence`` names the date together with every name asked about."""
    text = _folded(sentence)
    return mentions(sentence, constraint) and all(_folded(n, True) in text for n in names)


def _folded(text: str, name: bool = False) -> str:
    """Lower case with one kind of apostrophe, without spaces and full stops ("U.S. Army"
    for "US Army"); a name without its possessive ("People’s" is found in "People's")."""
    text = text.lower().replace("’", "'")
    text = text.removesuffix("'s") if name else text
    return text.replace(" ", "").replace(".", "")


def article_sentences(passages: Sequence[Passage]) -> dict[str, list[str]]:
    """The retrieved sentences of each article."""
    found: dict[str, list[str]] = {}
    for p in passages:
        texts = (p.text[s - p.start : e - p.start] for s, e in p.sentences)
        found.setdefault(p.article, []).extend(texts)
    return found


def without_quoted(passages: Sequence[Passage], earlier: Sequence[str]) -> list[Passage]:
    """Passages whose sentences already quoted in ``earlier`` answers are left out of reach
    of the answerer ("What else ...?" asks for something not said yet)."""

    def fresh(p: Passage) -> Passage:
        keep = [
            i
            for i, span in enumerate(p.sentences)
            if not any(p.text[span[0] - p.start : span[1] - p.start] in a for a in earlier)
        ]
        vectors = p.sentence_vectors
        if len(vectors) == len(p.sentences):
            vectors = vectors[keep]
        return replace(p, sentences=tuple(p.sentences[i] for i in keep), sentence_vectors=vectors)

    return [fresh(p) for p in passages]


def lead_citation(passages: Sequence[Passage], constraint: DateConstraint) -> Citation | None:
    """For "What happened most recently?" (an order and nothing else to match): the first
    sentence of the top passage once ordered by date, as citation [1]."""
    if not constraint.order or not passages:
        return None
    dated = [p for p in passages if (p.date or p.month_day) and p.sentences]
    if not dated:
        return None
    top = max(dated, key=lambda p: (sort_key(p.date, p.month_day), -p.start))
    if constraint.order == "earliest":
        top = min(dated, key=lambda p: (sort_key(p.date, p.month_day), p.start))
    start, end = top.sentences[0]
    return top.cite(1, start, end, top.text[start - top.start : end - top.start], top.score)


def with_resolved(citations: Sequence[Citation]) -> tuple[Citation, ...]:
    """Each citation with the date its "today"/"on Monday"/"this week" stands for, if any."""
    return tuple(
        replace(c, resolved=resolve_relative(c.quote, c.date, c.month_day)) for c in citations
    )
