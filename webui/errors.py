"""The app's errors."""

from __future__ import annotations

from index.errors import NewsqaError


class BindingError(NewsqaError):
    """The app would listen beyond this machine without a password."""
