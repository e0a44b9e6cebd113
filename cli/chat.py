"""`newsqa chat`: questions in a terminal session; follow-ups use the conversation."""

from __future__ import annotations

import argparse
import sys

from cli.answer_text import format_answer
from cli.ask import allowed_articles, chosen_answerer, open_assistant
from cli.batch import cited
from cli.parser import PROG
from index.errors import NewsqaError
from index.settings import Settings

GREETING = (
    "Ask about the articles; follow-up questions use the conversation. "
    "/new starts a new conversation; Ctrl-D (or /quit) quits."
)


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """A conversation: follow-ups use the earlier turns; /new starts afresh; Ctrl-D quits."""
    from assistant.conversation import Turn

    answerer = chosen_answerer(args, settings)
    assistant = open_assistant(settings)
    allowed_articles(args, assistant.store)  # a filter nothing passes: an error before "?"
    history: list[Turn] = []
    if hasattr(sys.stdin, "reconfigure"):  # a line that is not UTF-8 is asked with U+FFFD
        sys.stdin.reconfigure(errors="replace")
    print(GREETING, file=sys.stderr)
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
            allowed = allowed_articles(args, assistant.store)
            answer = assistant.ask(
                question, k=args.k, articles=allowed, history=history, answerer=answerer
            )
        except NewsqaError as exc:
            print(f"{PROG}: {exc}", file=sys.stderr)
            continue
        history.append(Turn(answer.question, answer.text, cited(answer)))
        print(format_answer(answer, styled=sys.stdout.isatty()) + "\n")
