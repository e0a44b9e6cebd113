"""The `newsqa` command: ask, chat, ingest, eval, serve. Errors become one line and exit code 2.

The subcommands live beside this module (``cli.ask``, ``cli.chat``, ``cli.ingest``; the
options in ``cli.parser``, the answer's text in ``cli.answer_text``); ``main`` runs one.
"""

from __future__ import annotations

import argparse
import logging
import sys

from cli.ask import cmd_ask
from cli.chat import cmd_chat
from cli.ingest import cmd_ingest
from cli.parser import PROG, build_parser
from index.errors import NewsqaError
from index.offline import configure_offline
from index.settings import Settings, load_settings


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
    parser = build_parser()
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
