"""A local stand-in for the Bot Framework's token signing service, for offline JWT tests.

    with OpenIdServer() as oid:                       # 127.0.0.1, random port, fresh RSA key
        auth = bot_framework_auth(settings, **oid.sdk_overrides())
        token = oid.channel_token(app_id=APP_ID, service_url=channel.service_url)
        await bot.post(activity, headers={"Authorization": f"Bearer {token}"})

It serves what https://login.botframework.com/v1/.well-known/openidconfiguration serves: an
OpenID metadata document whose `jwks_uri` points at a JWKS holding the signing key, with the
`endorsements` list the real Bot Framework keys carry (the SDK refuses a token from a channel the
key is not endorsed for).

Why a thread and not an aiohttp app on the test's loop: the SDK fetches the metadata with the
blocking `requests.get` from inside the event loop (botframework-connector's `_OpenIdMetadata`),
so a server on that same loop could never answer. And why a random path prefix: the SDK caches
metadata per URL in a class-level dict for a day, so every server gets a URL no earlier test can
have cached, even if the OS hands out a port again.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CHANNEL_ISSUER = "https://api.botframework.com"  # what Teams/Web Chat tokens carry as `iss`
# One of the issuers the SDK treats as "the Emulator" (EmulatorValidation's list).
EMULATOR_ISSUER = "https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0"
ENDORSEMENTS = ("msteams", "emulator", "webchat", "directline")


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class OpenIdServer:
    """OpenID metadata + JWKS on 127.0.0.1 in a background thread; signs test tokens."""

    def __init__(self, *, endorsements: tuple[str, ...] = ENDORSEMENTS) -> None:
        self.key = new_key()
        self.kid = f"test-{uuid.uuid4().hex[:12]}"
        self.endorsements = list(endorsements)
        self.requests: list[str] = []  # paths fetched, to show the SDK really came here
        self._prefix = f"/{uuid.uuid4().hex}"
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # -- server ---------------------------------------------------------------------------
    def __enter__(self) -> OpenIdServer:
        server_self = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server_self.requests.append(self.path)
                if self.path == f"{server_self._prefix}/.well-known/openidconfiguration":
                    body = server_self.metadata()
                elif self.path == f"{server_self._prefix}/keys":
                    body = server_self.jwks()
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}{self._prefix}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True, name="openid-test-server"
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def metadata_url(self) -> str:
        return f"{self.base_url}/.well-known/openidconfiguration"

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": CHANNEL_ISSUER,
            "authorization_endpoint": "https://invalid.example/authorize",
            "jwks_uri": f"{self.base_url}/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(
            {"kid": self.kid, "use": "sig", "alg": "RS256", "endorsements": self.endorsements}
        )
        return {"keys": [jwk]}

    def sdk_overrides(self) -> dict[str, str]:
        """The settings `app.bot_framework_auth(settings, **overrides)` needs to trust this server
        instead of login.botframework.com (the issuer stays the real one)."""
        return {
            "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": self.metadata_url,
            "TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL": self.metadata_url,
            "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER": CHANNEL_ISSUER,
        }

    # -- tokens ---------------------------------------------------------------------------
    def channel_token(
        self,
        *,
        app_id: str,
        service_url: str,
        issuer: str = CHANNEL_ISSUER,
        lifetime: int = 3600,
        issued_ago: int = 0,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        **extra: Any,
    ) -> str:
        """A token shaped like the ones Teams and the Bot Framework channels send."""
        now = int(time.time()) - issued_ago
        claims = {
            "iss": issuer,
            "aud": app_id,
            "serviceurl": service_url,
            "nbf": now,
            "iat": now,
            "exp": now + lifetime,
            **extra,
        }
        return self.sign(claims, key=key, kid=kid)

    def emulator_token(
        self, *, app_id: str, lifetime: int = 3600, key: rsa.RSAPrivateKey | None = None
    ) -> str:
        """A v2.0 token shaped like the one the Bot Framework Emulator gets from Entra ID."""
        now = int(time.time())
        claims = {
            "iss": EMULATOR_ISSUER,
            "aud": app_id,
            "azp": app_id,
            "ver": "2.0",
            "nbf": now,
            "iat": now,
            "exp": now + lifetime,
        }
        return self.sign(claims, key=key)

    def sign(
        self,
        claims: dict[str, Any],
        *,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
    ) -> str:
        return jwt.encode(
            claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid}
        )
