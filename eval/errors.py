"""The exception tree of the evaluation. Messages are written for the user."""

from __future__ import annotations

from pathlib import Path

from index.errors import NewsqaError


class EvalError(NewsqaError):
    """Base of the evaluation's errors; the CLI turns them into exit code 2."""


class QAFormatError(EvalError):
    """A Q&A file line is not in the documented format."""

    def __init__(self, path: Path, line: int, field: str | None, reason: str) -> None:
        where = f"{path}, line {line}" + (f", field {field!r}" if field else "")
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.field = field
        self.reason = reason


class QAValidationError(EvalError):
    """A Q&A file does not match its corpus (a missing doc, evidence not in its doc, ...)."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{path} does not match its corpus:\n  {shown}{more}")
        self.problems = problems


class BaselineError(EvalError):
    """The baseline file is missing, unreadable or cannot be written."""
