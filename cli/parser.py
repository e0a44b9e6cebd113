"""The `newsqa` command line: its subcommands, options and help."""

from __future__ import annotations

import argparse
from pathlib import Path

PROG = "newsqa"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Cited answers from a folder of news articles."
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_question_commands(sub)
    _add_index_commands(sub)
    from eval.runner import add_arguments

    add_arguments(sub.add_parser("eval", help="run the Q&A regression set and its gate"))
    return parser


def _add_question_commands(sub: argparse._SubParsersAction) -> None:
    """``ask`` and ``chat``."""
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


def _add_index_commands(sub: argparse._SubParsersAction) -> None:
    """``ingest`` and ``serve``."""
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
