"""Direct Line tokens: HMAC-signed, bound to one conversation and one user, short-lived.

A token is `<payload>.<signature>`, both base64url; the payload is compact JSON
`{"k": kind, "c": conversation id, "u": user id, "e": expiry, "o": first issue, "n": nonce}`
(times in unix seconds), plus `"p": <PageUser compact form>` for a signed-in page user
(webchat/identity.py): the name, email and tenant the channel stamps on that user's activities,
which the browser cannot change. `o` is when the chain of refreshes began: a refreshed token
keeps it, and no token of the chain outlives `o + max_lifetime_seconds` (24 h by default), so a
token that leaked cannot be kept alive for ever by refreshing it. (A token without `o`, issued
before it existed, counts from its own issue.)
The key must be the same on every instance and across restarts, or every open chat breaks when
an instance restarts or a load balancer sends a poll elsewhere: `signing_key` derives it from
DIRECTLINE_SECRET when that is set, and otherwise keeps a random one in the shared store (made by
whichever instance asks first). A signer made without a key (tests) uses a random one. Two kinds:

  conversation  what a client sends as `Authorization: Bearer ...` (REST calls; refreshable)
  stream        the `t=` of a WebSocket `streamUrl`; opens that one socket, lives a minute

Nothing secret is inside a token (the user id and identity are the client's own), so it may
reach the browser.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from webchat.identity import PageUser

KEY_LABEL = b"contact-assistant direct line token key"
CONVERSATION = "conversation"
STREAM = "stream"


class TokenError(Exception):
    """A token that grants nothing. `code` is the Direct Line ErrorResponse code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Grant:
    """What a valid token allows: one conversation, as one user, until `expires_at`. `user` is
    who signed in (None for local mode's anonymous page and for secret-made tokens)."""

    kind: str
    conversation_id: str
    user_id: str
    expires_at: float
    user: PageUser | None = None
    issued_at: float = 0.0  # when the first token of its chain of refreshes was issued


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    """Issues and checks tokens. `clock` is injectable so expiry is testable without sleeping."""

    def __init__(
        self,
        *,
        key: bytes | None = None,
        ttl_seconds: int = 1800,
        stream_ttl_seconds: int = 60,
        max_lifetime_seconds: float = 24 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = key or secrets.token_bytes(32)
        self.ttl_seconds = ttl_seconds
        self.stream_ttl_seconds = stream_ttl_seconds
        self.max_lifetime_seconds = max_lifetime_seconds
        self._clock = clock

    def ttl_for(self, issued_at: float | None = None) -> int:
        """Seconds a conversation token issued now lives: its TTL, cut short by the chain's
        maximum lifetime when `issued_at` (the chain's first issue) is given."""
        now = self._clock()
        if issued_at is None:
            return self.ttl_seconds
        return max(0, min(self.ttl_seconds, int(issued_at + self.max_lifetime_seconds - now)))

    def issue(
        self,
        conversation_id: str,
        user_id: str,
        *,
        kind: str = CONVERSATION,
        ttl_seconds: float | None = None,
        user: PageUser | None = None,
        issued_at: float | None = None,
    ) -> str:
        """A new token; `issued_at` continues a chain (a refresh, a reconnect): the new token
        keeps its first issue time and expires no later than the chain's maximum lifetime."""
        now = self._clock()
        if ttl_seconds is None:
            ttl_seconds = (
                self.ttl_for(issued_at) if kind == CONVERSATION else self.stream_ttl_seconds
            )
        claims: dict[str, object] = {
            "k": kind,
            "c": conversation_id,
            "u": user_id,
            "e": int(now + ttl_seconds),
            "o": int(now if issued_at is None else issued_at),
            "n": secrets.token_urlsafe(6),
        }
        if user is not None:
            claims["p"] = user.compact()
        payload = json.dumps(claims, separators=(",", ":")).encode("utf-8")
        return f"{_b64(payload)}.{_b64(self._sign(payload))}"

    def verify(self, token: str, *, kind: str = CONVERSATION) -> Grant:
        """The grant of a genuine, unexpired token of `kind`; TokenError otherwise."""
        try:
            body, sig = token.split(".")
            payload = _unb64(body)
            given = _unb64(sig)
        except (ValueError, TypeError) as exc:
            raise TokenError("BadToken", "The token is not valid.") from exc
        if not hmac.compare_digest(given, self._sign(payload)):
            raise TokenError("BadToken", "The token is not valid.")
        try:
            claims = json.loads(payload)
            grant = Grant(
                kind=str(claims["k"]),
                conversation_id=str(claims["c"]),
                user_id=str(claims["u"]),
                expires_at=float(claims["e"]),
                user=PageUser.from_compact(claims["p"]) if "p" in claims else None,
                issued_at=float(claims["o"] if "o" in claims else claims["e"] - self.ttl_seconds),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise TokenError("BadToken", "The token is not valid.") from exc
        if grant.user is not None and grant.user.user_id != grant.user_id:
            raise TokenError("BadToken", "The token is not valid.")
        if grant.kind != kind:
            raise TokenError("BadToken", "This token cannot be used here.")
        if grant.expires_at <= self._clock():
            raise TokenError("TokenExpired", "The token has expired. Get a new one.")
        return grant

    def check_chain(self, issued_at: float) -> None:
        """TokenExpired once a chain of tokens begun at `issued_at` has lived its maximum
        lifetime: no refresh, no reconnect hands out another (the user starts a new chat,
        signing in again if need be)."""
        if self.ttl_for(issued_at) <= 0:
            raise TokenError(
                "TokenExpired",
                f"This chat's token cannot be refreshed any more (a chat's tokens last at most "
                f"{self.max_lifetime_seconds / 3600:g} hours). Start a new chat.",
            )

    def refresh(self, grant: Grant) -> str:
        """A fresh token of the same grant and chain (see check_chain)."""
        self.check_chain(grant.issued_at)
        return self.issue(
            grant.conversation_id, grant.user_id, user=grant.user, issued_at=grant.issued_at
        )

    def rekey(self, key: bytes) -> None:
        """Sign with `key` from now on (the app sets the shared key at start)."""
        self._key = key

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()


class SecretSource(Protocol):
    async def secret(self, name: str) -> str: ...


async def signing_key(directline_secret: str, store: SecretSource) -> bytes:
    """The token key every instance shares: from the Direct Line secret when one is set (never
    the secret itself, so a leaked token key does not open the secret's door), else from the
    store."""
    if directline_secret:
        return hmac.new(directline_secret.encode("utf-8"), KEY_LABEL, hashlib.sha256).digest()
    return hashlib.sha256(
        KEY_LABEL + (await store.secret("directline-token-key")).encode()
    ).digest()
