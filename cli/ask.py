"""`newsqa ask`, and what `ask` and `chat` share: the index (built first when there is none),
the assistant, the answerer chosen and the articles the filters let through."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cli.answer_text import format_answer
from cli.batch import run_batch
from cli.parser import PROG
from index.errors import NewsqaError
from index.settings import Settings


def allowed_articles(args: argparse.Namespace, store: Any) -> set[str] | None:
    """The ids the filters let through; None without filters; an error when none passes."""
    import datetime as dt

    from index.library import ArticleFilter

    bounds = []
    for option in ("since", "until"):
        value = (getattr(args, option, None) or "").strip()
        try:
            bounds.append(dt.date.fromisoformat(value).isoformat() if value else None)
        except ValueError as exc:
            raise NewsqaError(f"--{option} must look like 2024-05-31, not {value!r}") from exc
    flt = ArticleFilter(frozenset(getattr(args, "source", None) or ()), bounds[0], bounds[1])
    if not flt.active:
        return None
    allowed = flt.select(store.articles())
    if not allowed:
        raise NewsqaError("no article matches the source and date filters")
    return allowed


def _open_index(settings: Settings) -> Any:
    """The index, built from ``settings.corpus_dir`` first when there is none yet."""
    from index.errors import IndexMissingError
    from index.factory import open_store
    from index.ingest import ingest

    try:
        return open_store(settings)
    except IndexMissingError:
        print(f"{PROG}: no index yet; indexing {settings.corpus_dir} first", file=sys.stderr)
        store = open_store(settings, create=True)
        print(ingest(settings.corpus_dir, store).summary(), file=sys.stderr)
        return store


def open_assistant(settings: Settings) -> Any:
    from assistant.factory import assistant_for

    return assistant_for(_open_index(settings), settings)


def chosen_answerer(args: argparse.Namespace, settings: Settings) -> str:
    """issue 9: --answerer, else the LLM when NEWSQA_LLM_URL is set."""
    chosen = args.answerer or ("llm" if settings.llm_url else "extractive")
    if chosen == "llm" and not settings.llm_url:
        raise NewsqaError("--answerer llm needs an LLM server: set NEWSQA_LLM_URL")
    return str(chosen)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.batch is not None:
        if args.question is not None:
            raise NewsqaError("give either a question or --batch FILE, not both")
        assistant = open_assistant(settings)
        allowed = allowed_articles(args, assistant.store)
        return run_batch(assistant, args.batch, args.k, allowed, chosen_answerer(args, settings))
    if args.question is None:
        raise NewsqaError('ask needs a question, e.g. newsqa ask "Where did Lavrov meet Wang Yi?"')
    from assistant.assistant import Assistant

    Assistant.check_question(args.question, settings.max_question_chars)
    answerer = chosen_answerer(args, settings)
    assistant = open_assistant(settings)
    answer = assistant.ask(
        args.question, k=args.k, articles=allowed_articles(args, assistant.store), answerer=answerer
    )
    if args.json:
        from assistant.serialization import answer_to_dict

        print(json.dumps(answer_to_dict(answer), ensure_ascii=False))
    else:
        print(format_answer(answer, styled=sys.stdout.isatty()))
    return 0
