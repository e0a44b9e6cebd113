"""The login wall: the binding checks that refuse to serve beyond this machine without a
password, and the middleware that puts every route behind the login when one is set."""

from __future__ import annotations

import ipaddress
from typing import Any

from index.settings import Settings
from webui.errors import BindingError


def check_binding(host: str, auth: str | None) -> None:
    """Refuse a non-loopback address unless ``NEWSQA_UI_AUTH=user:password`` is set."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not auth:
        raise BindingError(
            f"refusing to listen on {host}: other machines could reach the app there. "
            "Set NEWSQA_UI_AUTH=user:password to require a login, or bind to 127.0.0.1."
        )


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    if auth is None:
        return None
    user, sep, password = auth.partition(":")
    if not (sep and user and password):
        raise BindingError("NEWSQA_UI_AUTH must look like user:password")
    return user, password


class LoginWall:
    """ASGI middleware: with a login set, a request without a valid session reaches only the
    login page and the static files that draw it; every other route (the API, ``/ask``,
    uploaded and served files, queue, config, run history) answers 401."""

    PUBLIC = frozenset({"/", "/login", "/login/", "/favicon.ico", "/theme.css"})
    STARTUP = "/gradio_api/startup-events"  # polled by launch() itself; says only "started"
    PUBLIC_PREFIXES = ("/assets/", "/static/", "/svelte/")

    def __init__(self, app: Any) -> None:
        self.app = app

    def _allowed(self, server: Any, scope: dict[str, Any]) -> bool:
        from starlette.requests import HTTPConnection

        path = scope.get("path", "")
        if path in self.PUBLIC or path == self.STARTUP or path.startswith(self.PUBLIC_PREFIXES):
            return True
        cookies = HTTPConnection(scope).cookies
        cookie_id = getattr(server, "cookie_id", "")
        token = cookies.get(f"access-token-{cookie_id}") or cookies.get(
            f"access-token-unsecure-{cookie_id}"
        )
        return token is not None and token in getattr(server, "tokens", {})

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        server = scope.get("app")
        guarded = scope["type"] in ("http", "websocket") and getattr(server, "auth", None)
        if not guarded or self._allowed(server, scope):
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            from starlette.responses import JSONResponse

            body = {"detail": {"error": "Not authenticated", "auth_message": None}}
            await JSONResponse(body, status_code=401)(scope, receive, send)


def wall(settings: Settings) -> dict[str, Any]:
    """With a login set, the middleware that puts every route behind it."""
    from starlette.middleware import Middleware

    return {"middleware": [Middleware(LoginWall)]} if settings.ui_auth else {}
