"""The `newsqa` command: ask, chat, ingest, eval, serve. Errors become one line and exit code 2."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from cli.batch import cited, run_batch
from cli.ingest import cmd_ingest
from index.errors import NewsqaError
from index.offline import configure_offline
from index.settings import Settings, load_settings

PROG = "newsqa"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Cited answers from a folder of news articles."
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ask = sub.add_parser("ask", help="answer one question (or a batch) with citations")
    ask.add_argument("question", nargs="?", help="the question, in plain language")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument(
        "-k", type=int, default=None, metavar="N", help="passages to retrieve, 1-50 (default 5)"
    )
    ask.add_argument(
        "--batch",
        metavar="FILE",
        help='JSON Lines or plain lines of questions; - for stdin; "conversation": id '
        "groups lines into one conversation",
    )
    _filter_arguments(ask)
    chat = sub.add_parser("chat", help="ask questions in a terminal session (keeps context)")
    chat.add_argument("-k", type=int, default=None, metavar="N", help="passages, 1-50")
    _filter_arguments(chat)
    for command in (ask, chat):  # issue 9
        command.add_argument(
            "--answerer",
            choices=("extractive", "llm"),
            default=None,
            help="llm: an OpenAI-compatible server writes, verified (default when NEWSQA_LLM_URL "
            "is set); extractive: quoted sentences",
        )
    ingest = sub.add_parser("ingest", help="index a folder of .txt, .md and .html articles")
    ingest.add_argument(
        "dir", nargs="?", type=Path, help="default: the folder indexed last, else seeds/"
    )
    ingest.add_argument("--rebuild", action="store_true", help="start the index from scratch")
    ingest.add_argument(
        "--check",
        action="store_true",
        help="only check that Chroma, BM25 and the article table agree (exit 1 if not)",
    )
    serve = sub.add_parser("serve", help="start the chat UI (default http://127.0.0.1:7860)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    from eval.runner import add_arguments

    add_arguments(sub.add_parser("eval", help="run the Q&A regression set and its gate"))
    return parser


def _version() -> str:
    """The installed package's version (its metadata, from pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsqa")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The UI's filters: sources and a date range (partial dates match by month and day)."""
    parser.add_argument(
        "--source", action="append", default=[], metavar="NAME", help="only this source (repeat)"
    )
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="only articles from this date on")
    parser.add_argument("--until", metavar="YYYY-MM-DD", help="only articles up to this date")


def _allowed(args: argparse.Namespace, store: Any) -> set[str] | None:
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


def _assistant(settings: Settings) -> Any:
    from assistant.factory import assistant_for

    return assistant_for(_open_index(settings), settings)


def _answerer(args: argparse.Namespace, settings: Settings) -> str:
    """issue 9: --answerer, else the LLM when NEWSQA_LLM_URL is set."""
    chosen = args.answerer or ("llm" if settings.llm_url else "extractive")
    if chosen == "llm" and not settings.llm_url:
        raise NewsqaError("--answerer llm needs an LLM server: set NEWSQA_LLM_URL")
    return str(chosen)


def _notes(answer: Any) -> list[str]:
    """issue 9: the fallback notice and the sentences verification removed."""
    notes = [f"note: {answer.notice}"] if getattr(answer, "notice", None) else []
    v = getattr(answer, "verification", None)
    if v is not None and answer.answerer == "llm" and v.dropped:
        s = "" if len(v.dropped) == 1 else "s"
        notes.append(f"note: {len(v.dropped)} unsupported sentence{s} removed")
    return notes


def _bold(text: str, styled: bool) -> str:
    return f"\033[1m{text}\033[0m" if styled else f"**{text}**"


def _quote(c: Any, styled: bool) -> str:
    """The quote, with its short answer (``focus``) in bold."""
    if not c.focus:
        return c.quote
    s, e = c.focus[0] - c.start, c.focus[1] - c.start
    return c.quote[:s] + _bold(c.quote[s:e], styled) + c.quote[e:]


def _confidence(answer: Any) -> str:
    """ "(confidence: high, 0.93)"; a refusal's estimate alone."""
    from assistant.confidence_labels import shown

    label = shown(getattr(answer, "confidence_label", None))
    return (
        f"(confidence: {label}, {answer.confidence:.2f})"
        if label
        else (f"(confidence {answer.confidence:.2f})")
    )


def format_answer(answer: Any, styled: bool = False) -> str:
    """What was searched (for a follow-up), the short answer (when there is one), the answer
    with its markers and confidence, then the numbered sources (or, for a refusal, the
    closest passages)."""
    lines = [*_notes(answer)]
    if answer.interpreted and answer.interpreted != answer.question:
        lines.append(f"Searched for: {answer.interpreted}")
    if answer.short:
        lines.append(f"Answer: {_bold(answer.short, styled)}")
    lines += [answer.text, _confidence(answer), ""]
    if answer.refused:
        lines.append("Closest passages:")
        for p in answer.passages[:3]:
            snippet = " ".join(p.text.split())
            lines.append(f"  - {p.article} (score {p.score:.2f}): {snippet[:160]}")
        return "\n".join(lines)
    lines.append("Sources:")
    for c in answer.citations:
        head = " — ".join(x for x in (c.title or c.article, c.source, c.date or c.dateline) if x)
        lines.append(f"  [{c.n}] {head} — {c.article} [{c.start}:{c.end}]")
        resolved = f" ({c.resolved})" if c.resolved else ""
        lines.append(f"      “{_quote(c, styled)}”{resolved}")
    return "\n".join(lines)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.batch is not None:
        if args.question is not None:
            raise NewsqaError("give either a question or --batch FILE, not both")
        assistant = _assistant(settings)
        allowed = _allowed(args, assistant.store)
        return run_batch(assistant, args.batch, args.k, allowed, _answerer(args, settings))
    if args.question is None:
        raise NewsqaError('ask needs a question, e.g. newsqa ask "Where did Lavrov meet Wang Yi?"')
    from assistant.assistant import Assistant

    Assistant.check_question(args.question, settings.max_question_chars)
    answerer = _answerer(args, settings)
    assistant = _assistant(settings)
    answer = assistant.ask(
        args.question, k=args.k, articles=_allowed(args, assistant.store), answerer=answerer
    )
    if args.json:
        from assistant.serialization import answer_to_dict

        print(json.dumps(answer_to_dict(answer), ensure_ascii=False))
    else:
        print(format_answer(answer, styled=sys.stdout.isatty()))
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """A conversation: follow-ups use the earlier turns; /new starts afresh; Ctrl-D quits."""
    from assistant.conversation import Turn

    answerer = _answerer(args, settings)
    assistant = _assistant(settings)
    _allowed(args, assistant.store)  # a filter nothing passes is an error before the first "?"
    history: list[Turn] = []
    if hasattr(sys.stdin, "reconfigure"):  # a line that is not UTF-8 is asked with U+FFFD
        sys.stdin.reconfigure(errors="replace")
    print(
        "Ask about the articles; follow-up questions use the conversation. "
        "/new starts a new conversation; Ctrl-D (or /quit) quits.",
        file=sys.stderr,
    )
    while True:
        try:
            question = input("? ").strip()
        except EOFError:
            return 0
        if not question:
            continue
        if question.lower() in {"/quit", "/exit", "quit", "exit"}:
            return 0
        if question.lower() == "/new":
            history = []
            print("(new conversation)", file=sys.stderr)
            continue
        try:
            assistant.store.refresh()  # the filters see articles indexed since the last question
            allowed = _allowed(args, assistant.store)
            answer = assistant.ask(
                question, k=args.k, articles=allowed, history=history, answerer=answerer
            )
        except NewsqaError as exc:
            print(f"{PROG}: {exc}", file=sys.stderr)
            continue
        history.append(Turn(answer.question, answer.text, cited(answer)))
        print(format_answer(answer, styled=sys.stdout.isatty()) + "\n")


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import ui

    ui.serve(settings, host=args.host, port=args.port)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from eval.runner import run

    return run(args, settings)


def _check_k(args: argparse.Namespace) -> None:
    """-k outside 1-50 is an error, not a silent default."""
    from assistant.assistant import MAX_K

    k = getattr(args, "k", None)
    if k is not None and not 1 <= k <= MAX_K:
        raise NewsqaError(f"-k must be from 1 to {MAX_K}, not {k}")


COMMANDS = {
    "ask": cmd_ask,
    "chat": cmd_chat,
    "ingest": cmd_ingest,
    "serve": cmd_serve,
    "eval": cmd_eval,
}


def main(argv: list[str] | None = None) -> int:
    configure_offline()
    _configure_logging()
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # the usage error of the subcommand, not of the top level
        subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        subparsers.choices[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        settings = load_settings()
        _check_k(args)
        return COMMANDS[args.command](args, settings)
    except NewsqaError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `newsqa ask ... | head`
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file or folder we cannot read or write, named
        logging.getLogger(PROG).debug("failed", exc_info=True)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{PROG}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2


def _configure_logging() -> None:
    """Our warnings (skipped files, ...) as `newsqa: ...` lines; libraries only on errors."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(f"{PROG}: %(message)s"))
    ours = ("index", "assistant", "eval", "ui", "webui", PROG)
    handler.addFilter(lambda r: r.levelno >= logging.ERROR or r.name.split(".")[0] in ours)
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
