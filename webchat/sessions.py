"""The page's cookies: the signed-in session, and the few minutes between "sign in" and the
provider's answer.

    webchat_session  {"p": "session", "u": <PageUser compact>, "e": expiry}   8 hours
    webchat_login    {"p": "login", "state", "nonce", "verifier", "e"}        10 minutes

Each value is `<payload>.<HMAC-SHA256>`, both base64url, signed with a key every instance
shares (`store.secret("webchat-session-key")`), so any instance behind the balancer reads a
cookie another set. The purpose is inside the signed payload: a login cookie is never a session.
The cookies are HttpOnly, SameSite=Lax (the provider's redirect back is a top-level GET, which
Lax lets through; a cross-site POST to the token endpoint carries no cookie), and Secure when
the page was reached over HTTPS (directly or, per X-Forwarded-Proto, through a proxy).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from webchat.identity import PageUser

SESSION_COOKIE = "webchat_session"
LOGIN_COOKIE = "webchat_login"
SESSION_KEY_NAME = "webchat-session-key"
KEY_LABEL = b"contact-assistant web chat session"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def is_https(request: web.Request) -> bool:
    proto = request.headers.get("X-Forwarded-Proto", request.scheme).split(",")[0].strip()
    return proto.lower() == "https"


class SessionCookies:
    def __init__(
        self,
        *,
        key: bytes | None = None,
        session_seconds: int = 8 * 3600,
        login_seconds: int = 600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = key or secrets.token_bytes(32)
        self.session_seconds = session_seconds
        self.login_seconds = login_seconds
        self._clock = clock

    def rekey(self, secret: str) -> None:
        """Sign with the store's shared secret from now on (the app sets it at start)."""
        self._key = hmac.new(secret.encode(), KEY_LABEL, hashlib.sha256).digest()

    # -- values ---------------------------------------------------------------------------------
    def seal(self, purpose: str, data: dict[str, Any], *, seconds: float) -> str:
        payload = json.dumps(
            {**data, "p": purpose, "e": int(self._clock() + seconds)}, separators=(",", ":")
        ).encode()
        return f"{_b64(payload)}.{_b64(self._sign(payload))}"

    def open(self, purpose: str, value: str | None) -> dict[str, Any] | None:
        """The payload of a genuine, unexpired value made for `purpose`; None otherwise."""
        if not value:
            return None
        try:
            body, sig = value.split(".")
            payload = _unb64(body)
            if not hmac.compare_digest(_unb64(sig), self._sign(payload)):
                return None
            data = json.loads(payload)
        except (ValueError, TypeError):
            return None
        if not isinstance(data, dict) or data.get("p") != purpose:
            return None
        expires = data.get("e")
        if not isinstance(expires, int) or expires <= self._clock():
            return None
        return data

    def session_value(self, user: PageUser) -> str:
        return self.seal("session", {"u": user.compact()}, seconds=self.session_seconds)

    def user(self, request: web.Request) -> PageUser | None:
        data = self.open("session", request.cookies.get(SESSION_COOKIE))
        if data is None:
            return None
        try:
            return PageUser.from_compact(data.get("u"))
        except ValueError:
            return None

    # -- cookies on responses -------------------------------------------------------------------
    def set(
        self, response: web.StreamResponse, request: web.Request, name: str, value: str, age: int
    ) -> None:
        response.set_cookie(
            name,
            value,
            max_age=age,
            path="/",
            httponly=True,
            secure=is_https(request),
            samesite="Lax",
        )

    def clear(self, response: web.StreamResponse, name: str) -> None:
        response.del_cookie(name, path="/")

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()
