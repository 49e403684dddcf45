"""The app as an OpenID Connect client (authorization code + PKCE, confidential): discovery,
the token exchange, and the checks an `id_token` must pass before anyone is signed in.

Every call to the provider is async (aiohttp) with a timeout. The discovery document and the
JWKS are cached; an id_token signed with a key id the cache does not know fetches the JWKS once
more (the provider rotated its keys), at most once a minute.

    SignInError          what the user is told: sign-in failed, try again
     +-- ProviderError   the provider did not answer, or answered nonsense
     +-- IdTokenError    the id_token fails a check (issuer, audience, expiry, nonce, signature)

The client secret is sent only to the provider's token endpoint and is never logged.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp
import jwt
from yarl import URL

log = logging.getLogger(__name__)

# Asymmetric only: an HS256 token "signed" with the client secret, or `none`, is refused.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
LEEWAY_SECONDS = 60
CACHE_SECONDS = 3600
SCOPES = "openid profile email"


class SignInError(Exception):
    """Sign-in did not complete; the message is for the log, never with a secret in it."""


class ProviderError(SignInError):
    pass


class IdTokenError(SignInError):
    pass


@dataclass(frozen=True)
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


class IdTokenValidator:
    """Checks an id_token against one issuer and one client, with the keys of a JWKS."""

    def __init__(
        self, *, issuer: str, client_id: str, clock: Callable[[], float] = time.time
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self._clock = clock

    def validate(self, id_token: str, *, jwks: dict[str, Any], nonce: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.PyJWTError as exc:
            raise IdTokenError(f"not a JWT: {exc}") from exc
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise IdTokenError(f"algorithm {alg!r} is not accepted")
        key = _key_for(jwks, header.get("kid"), alg)
        if key is None:
            raise IdTokenError("signed with a key the provider does not publish")
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key,
                algorithms=[alg],
                audience=self.client_id,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise IdTokenError(f"{type(exc).__name__}: {exc}") from exc
        aud = claims.get("aud")
        if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != self.client_id:
            raise IdTokenError("several audiences and this client is not the authorized party")
        if not nonce or not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise IdTokenError("the nonce is not the one this sign-in sent")
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise IdTokenError("no subject")
        return claims


def _key_for(jwks: dict[str, Any], kid: Any, alg: str) -> Any:
    for jwk in jwks.get("keys") or []:
        if not isinstance(jwk, dict) or jwk.get("use", "sig") != "sig":
            continue
        if kid is not None and jwk.get("kid") != kid:
            continue
        try:
            found = jwt.PyJWK(jwk, algorithm=alg)
        except jwt.PyJWTError:
            continue
        return found.key
    return None


class OidcClient:
    """One provider, one client registration. `session` is made on first use, closed by
    `aclose`."""

    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str,
        timeout_seconds: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer  # compared exactly, as OpenID Connect says
        self.client_id = client_id
        self._client_secret = client_secret
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._clock = clock
        self.validator = IdTokenValidator(issuer=self.issuer, client_id=client_id, clock=clock)
        self._session: aiohttp.ClientSession | None = None
        self._metadata: tuple[float, dict[str, Any]] | None = None
        self._jwks: tuple[float, dict[str, Any]] | None = None

    def __repr__(self) -> str:  # never the secret
        return f"OidcClient(issuer={self.issuer!r}, client_id={self.client_id!r})"

    async def _get_json(self, url: str) -> dict[str, Any]:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        try:
            async with self._session.get(url, headers={"Accept": "application/json"}) as resp:
                if resp.status != 200:
                    raise ProviderError(f"GET {url} answered HTTP {resp.status}")
                body = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise ProviderError(f"GET {url} failed: {type(exc).__name__}") from exc
        if not isinstance(body, dict):
            raise ProviderError(f"GET {url} did not answer a JSON object")
        return body

    async def metadata(self) -> dict[str, Any]:
        now = self._clock()
        if self._metadata and now - self._metadata[0] < CACHE_SECONDS:
            return self._metadata[1]
        doc = await self._get_json(f"{self.issuer.rstrip('/')}/.well-known/openid-configuration")
        if doc.get("issuer") != self.issuer:
            raise ProviderError(
                f"the discovery document names issuer {doc.get('issuer')!r}, "
                f"not WEBCHAT_OIDC_ISSUER {self.issuer!r}"
            )
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(doc.get(name), str):
                raise ProviderError(f"the discovery document has no {name}")
        self._metadata = (now, doc)
        return doc

    async def jwks(self, *, fresh: bool = False) -> dict[str, Any]:
        now = self._clock()
        if self._jwks and (now - self._jwks[0] < (60 if fresh else CACHE_SECONDS)):
            return self._jwks[1]
        keys = await self._get_json((await self.metadata())["jwks_uri"])
        self._jwks = (now, keys)
        return keys

    async def authorization_url(
        self, *, redirect_uri: str, state: str, nonce: str, pkce: Pkce
    ) -> str:
        endpoint = (await self.metadata())["authorization_endpoint"]
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPES,
            "state": state,
            "nonce": nonce,
            "code_challenge": pkce.challenge,
            "code_challenge_method": "S256",
        }
        return str(URL(endpoint).update_query(query))

    async def exchange(
        self, *, code: str, redirect_uri: str, verifier: str, nonce: str
    ) -> dict[str, Any]:
        """The code for tokens; the validated id_token's claims."""
        meta = await self.metadata()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        }
        methods = meta.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        headers = {"Accept": "application/json"}
        if "client_secret_basic" in methods:
            pair = f"{_form_escape(self.client_id)}:{_form_escape(self._client_secret)}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            form.update(client_id=self.client_id, client_secret=self._client_secret)
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        try:
            async with self._session.post(
                meta["token_endpoint"], data=form, headers=headers
            ) as resp:
                body = await resp.json(content_type=None)
                status = resp.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise ProviderError(f"the token endpoint failed: {type(exc).__name__}") from exc
        if status != 200 or not isinstance(body, dict) or not isinstance(body.get("id_token"), str):
            error = body.get("error") if isinstance(body, dict) else None
            raise ProviderError(f"the token endpoint answered HTTP {status} ({error})")
        id_token = body["id_token"]
        try:
            return self.validator.validate(id_token, jwks=await self.jwks(), nonce=nonce)
        except IdTokenError as first:
            if "key the provider does not publish" not in str(first):
                raise
            return self.validator.validate(id_token, jwks=await self.jwks(fresh=True), nonce=nonce)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _form_escape(value: str) -> str:
    """RFC 6749 2.3.1: the client id and secret are form-urlencoded before Basic auth."""
    return quote(value, safe="")
