"""Who is opening the page: signed in with OpenID Connect, or named by a trusted proxy.

    GET {base}/auth/login      -> the provider's sign-in (state, nonce and PKCE verifier kept in
                                  a signed 10-minute cookie)
    GET {base}/auth/callback   <- the provider's answer: the code is exchanged (server side, with
                                  the client secret), the id_token checked, the session cookie set
    GET {base}/auth/logout     ends the session here (not at the provider)

The redirect URI the provider must know is `https://<host>{PUBLIC_BASE_PATH}/auth/callback`.

With WEBCHAT_TRUSTED_USER_HEADER instead, the sign-in is the proxy's: the header names the user
(a user name or an email) on every request, and it is believed only when the request comes
from an address in WEBCHAT_TRUSTED_PROXIES. From anywhere else it is ignored, so a visitor who
goes around the proxy is simply not signed in.
"""

from __future__ import annotations

import logging
import secrets

from aiohttp import web

from config import Settings
from webchat.identity import PageUser, address_in, parse_networks
from webchat.oidc import OidcClient, Pkce, SignInError
from webchat.sessions import LOGIN_COOKIE, SESSION_COOKIE, SessionCookies, is_https

log = logging.getLogger(__name__)

OIDC = "oidc"
PROXY = "proxy"
FAILED_PAGE = (
    "<!DOCTYPE html><meta charset=utf-8><title>Sign-in failed</title>"
    "<p>Sign-in did not complete. <a href='../'>Try again</a>.</p>"
)
SIGNED_OUT_PAGE = (
    "<!DOCTYPE html><meta charset=utf-8><title>Signed out</title>"
    "<p>You are signed out of the Contact Assistant. <a href='../'>Sign in again</a>.</p>"
)
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'",
    "Referrer-Policy": "no-referrer",
}


class SignIn:
    """`mode` is "oidc", "proxy" or "" (nobody is identified: local mode's anonymous page)."""

    def __init__(
        self,
        settings: Settings,
        *,
        cookies: SessionCookies | None = None,
        oidc: OidcClient | None = None,
    ) -> None:
        self.cookies = cookies or SessionCookies()
        self.public_base_path = settings.public_base_path
        self.header = settings.webchat_trusted_user_header
        self.proxies = parse_networks(settings.webchat_trusted_proxies)
        self.oidc = oidc
        if self.oidc is None and settings.webchat_oidc_issuer:
            self.oidc = OidcClient(
                issuer=settings.webchat_oidc_issuer,
                client_id=settings.webchat_oidc_client_id,
                client_secret=settings.webchat_oidc_client_secret,
            )
        self.mode = OIDC if self.oidc else PROXY if self.header else ""

    def identify(self, request: web.Request) -> PageUser | None:
        if self.mode == OIDC:
            return self.cookies.user(request)
        if self.mode == PROXY:
            value = request.headers.get(self.header)
            if value is None:
                return None
            if not address_in(request.remote, self.proxies):
                log.warning("ignored %s from %s (not a trusted proxy)", self.header, request.remote)
                return None
            return PageUser.from_header(value)
        return None

    def routes(self, base: str) -> list[web.RouteDef]:
        if self.mode != OIDC:
            return []
        return [
            web.get(f"{base}/auth/login", self.login),
            web.get(f"{base}/auth/callback", self.callback),
            web.get(f"{base}/auth/logout", self.logout),
        ]

    def redirect_uri(self, request: web.Request) -> str:
        host = request.headers.get("X-Forwarded-Host", request.host).split(",")[0].strip()
        scheme = "https" if is_https(request) else "http"
        return f"{scheme}://{host}{self.public_base_path}/auth/callback"

    async def login(self, request: web.Request) -> web.StreamResponse:
        assert self.oidc is not None
        state, nonce, pkce = secrets.token_urlsafe(24), secrets.token_urlsafe(24), Pkce.new()
        try:
            url = await self.oidc.authorization_url(
                redirect_uri=self.redirect_uri(request), state=state, nonce=nonce, pkce=pkce
            )
        except SignInError as exc:
            log.error("sign-in could not start: %s", exc)
            return _page(FAILED_PAGE, 502)
        response = _redirect(url)
        value = self.cookies.seal(
            "login",
            {"state": state, "nonce": nonce, "verifier": pkce.verifier},
            seconds=self.cookies.login_seconds,
        )
        self.cookies.set(response, request, LOGIN_COOKIE, value, self.cookies.login_seconds)
        return response

    async def callback(self, request: web.Request) -> web.StreamResponse:
        assert self.oidc is not None
        pending = self.cookies.open("login", request.cookies.get(LOGIN_COOKIE))
        state = request.query.get("state", "")
        if pending is None or not secrets.compare_digest(str(pending.get("state")), state):
            log.warning("sign-in refused: no sign-in of this browser is waiting for this answer")
            return _page(FAILED_PAGE, 400)
        if "error" in request.query or not request.query.get("code"):
            log.info("sign-in refused by the provider: %s", request.query.get("error", "no code"))
            return _page(FAILED_PAGE, 401)
        try:
            claims = await self.oidc.exchange(
                code=request.query["code"],
                redirect_uri=self.redirect_uri(request),
                verifier=str(pending.get("verifier")),
                nonce=str(pending.get("nonce")),
            )
        except SignInError as exc:
            log.warning("sign-in refused: %s", exc)
            return _page(FAILED_PAGE, 401)
        user = PageUser.from_claims(claims)
        log.info("signed in: %s", user.user_id)
        response = _redirect("../")  # the page, wherever the proxy put it
        self.cookies.clear(response, LOGIN_COOKIE)
        value = self.cookies.session_value(user)
        self.cookies.set(response, request, SESSION_COOKIE, value, self.cookies.session_seconds)
        return response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        response = _page(SIGNED_OUT_PAGE, 200)
        self.cookies.clear(response, SESSION_COOKIE)
        return response

    async def close(self) -> None:
        if self.oidc is not None:
            await self.oidc.aclose()


def _page(html: str, status: int) -> web.Response:
    return web.Response(
        text=html, status=status, content_type="text/html", charset="utf-8", headers=PAGE_HEADERS
    )


def _redirect(location: str) -> web.Response:
    return web.Response(status=302, headers={"Location": location, "Cache-Control": "no-store"})
