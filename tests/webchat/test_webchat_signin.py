"""Sign-in for the Web Chat page, below the browser: the id_token checks (with keys made here),
the session cookie, the trusted proxy header, the identity a token carries to the bot, and the
settings that go with them. The browser half, against a real provider, is
tests/processes/test_webchat_signin_browser.py.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bots.access import AccessPolicy, identity_of
from cards import text
from config import ConfigError, Settings
from ground.ids import PAGE_CALLER_ID
from tests.support import activities as act
from tests.support.botapp import running_app, test_settings
from tests.support.directline_client import DirectLineClient
from webchat import WEBCHAT_KEY
from webchat.identity import PageUser
from webchat.oidc import IdTokenError, IdTokenValidator
from webchat.sessions import LOGIN_COOKIE, SESSION_COOKIE, SessionCookies
from webchat.tokens import TokenError, TokenSigner

ISSUER = "https://login.example.com/tenant-a/v2.0"
CLIENT = "client-123"
NONCE = "nonce-abc"
OIDC: dict[str, Any] = {
    "webchat_oidc_issuer": "http://127.0.0.1:9/never-called",
    "webchat_oidc_client_id": CLIENT,
    "webchat_oidc_client_secret": "OIDC-SECRET-never-show",
}
PROXY = {"webchat_trusted_user_header": "X-Forwarded-Email"}
ALICE = PageUser(
    issuer=ISSUER, subject="alice", name="Alice Example", email="alice@example.com", tenant="t-a"
)


# -- the id_token -------------------------------------------------------------------------------
def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


PROVIDER_KEY = _key()
HS_KEY = "a-client-secret-used-as-an-hmac-key"  # what an HS256 forgery would be signed with
JWKS = {"keys": [{**RSAAlgorithm.to_jwk(PROVIDER_KEY.public_key(), as_dict=True), "kid": "k1"}]}


def _id_token(key=PROVIDER_KEY, alg="RS256", kid="k1", **changes):
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "alice",
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
        "email": "alice@example.com",
        "tid": "t-a",
    }
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def _validate(token: str, nonce: str = NONCE) -> dict:
    return IdTokenValidator(issuer=ISSUER, client_id=CLIENT).validate(token, jwks=JWKS, nonce=nonce)


def test_a_genuine_id_token_is_accepted():
    claims = _validate(_id_token())
    user = PageUser.from_claims(claims)
    assert (user.subject, user.email, user.tenant) == ("alice", "alice@example.com", "t-a")


@pytest.mark.parametrize(
    "token, nonce",
    [
        (_id_token(iss="https://evil.example.com/v2.0"), NONCE),  # wrong issuer
        (_id_token(aud="another-client"), NONCE),  # wrong audience
        (_id_token(key=_key()), NONCE),  # signed by a key the provider does not publish
        (_id_token(kid="k-unknown"), NONCE),
        (_id_token(), "the-nonce-this-sign-in-sent"),  # replayed from another sign-in
        (_id_token(nonce=None), NONCE),
        (_id_token(exp=int(time.time()) - 600, iat=int(time.time()) - 900), NONCE),  # expired
        (_id_token(sub=None), NONCE),
        (
            jwt.encode(
                {"iss": ISSUER, "aud": CLIENT, "sub": "x"},
                "OIDC-SECRET-never-show-but-32-bytes-long",
                "HS256",
            ),
            NONCE,
        ),
        (_id_token().rsplit(".", 1)[0] + ".", NONCE),  # signature cut off
    ],
    ids=[
        "issuer",
        "audience",
        "signature",
        "unknown-kid",
        "nonce",
        "no-nonce",
        "expired",
        "no-subject",
        "hs256",
        "unsigned",
    ],
)
def test_a_forged_id_token_is_refused(token, nonce):
    with pytest.raises(IdTokenError):
        _validate(token, nonce)


# -- the session cookie and the token endpoint --------------------------------------------------
async def _token(bot, cookie: str | None = None, headers: dict | None = None):
    cookies = {SESSION_COOKIE: cookie} if cookie is not None else None
    async with bot.session.post(
        f"{bot.url}/api/webchat/token", cookies=cookies, headers=headers
    ) as resp:
        return resp.status, await resp.json()


async def test_only_a_genuine_unexpired_session_gets_a_token(tmp_path):
    async with running_app(test_settings(tmp_path, **OIDC)) as bot:
        cookies = bot.app[WEBCHAT_KEY].signin.cookies
        async with bot.session.get(f"{bot.url}/", allow_redirects=False) as resp:
            assert resp.status == 302 and resp.headers["Location"] == "auth/login"
        status, body = await _token(bot)
        assert (status, body["error"]["code"]) == (401, "NotSignedIn")

        good = cookies.session_value(ALICE)
        status, body = await _token(bot, good)
        assert status == 200 and body["userId"] == ALICE.user_id
        assert TokenSigner.verify(bot.app[WEBCHAT_KEY].tokens, body["token"]).user == ALICE

        payload, sig = good.split(".")
        tampered = [
            f"{payload[:-2]}xx.{sig}",  # the identity changed
            f"{payload}.{sig[:-2]}xx",  # the signature changed
            cookies.seal("session", {"u": ALICE.compact()}, seconds=-5),  # expired
            cookies.seal("login", {"u": ALICE.compact()}, seconds=60),  # not a session cookie
            "garbage",
        ]
        for value in tampered:
            status, body = await _token(bot, value)
            assert status == 401, value
        # A cookie signed by another key (another app's, or the old random one) is nobody's.
        stranger = SessionCookies().session_value(ALICE)
        assert (await _token(bot, stranger))[0] == 401


async def test_the_session_key_is_the_stores_so_a_restart_keeps_the_session(tmp_path):
    settings = test_settings(tmp_path, state_storage="sqlite", **OIDC)
    async with running_app(settings) as first:
        cookie = first.app[WEBCHAT_KEY].signin.cookies.session_value(ALICE)
    async with running_app(settings) as second:
        assert (await _token(second, cookie))[0] == 200


async def test_the_callback_refuses_an_answer_no_sign_in_is_waiting_for(tmp_path):
    async with running_app(test_settings(tmp_path, **OIDC)) as bot:
        async with bot.session.get(f"{bot.url}/auth/callback?code=x&state=y") as resp:
            assert resp.status == 400
        cookies = bot.app[WEBCHAT_KEY].signin.cookies
        pending = cookies.seal("login", {"state": "s1", "nonce": "n", "verifier": "v"}, seconds=60)
        async with bot.session.get(
            f"{bot.url}/auth/callback?code=x&state=other", cookies={LOGIN_COOKIE: pending}
        ) as resp:
            assert resp.status == 400


# -- what the bot receives, and the trusted proxy header ---------------------------------------
async def _signed_in_chat(bot, headers):
    dl = DirectLineClient(bot.session, bot.url)
    conv = await dl.page_token(headers)
    await dl.start(conv)
    await dl.wait_for(conv, lambda a: a.get("attachments"))
    return dl, conv


async def test_a_proxy_user_speaks_as_themselves_whatever_the_client_sends(tmp_path):
    settings = test_settings(
        tmp_path, **PROXY, webchat_trusted_proxies=("127.0.0.1",), readonly_users=("ro@x.com",)
    )
    async with running_app(settings) as bot:
        dl, conv = await _signed_in_chat(bot, {"X-Forwarded-Email": "Ro@X.com"})
        assert conv.user_id == PageUser.from_header("Ro@X.com").user_id  # type: ignore[union-attr]
        await dl.post(
            conv,
            {
                "type": "message",
                "text": "add Ann Lee ann@globex.com",
                "from": {"id": "dl_someone-else", "name": "CEO", "properties": {"email": "a@b"}},
            },
        )
        await dl.wait_for(
            conv, lambda a: text("en", "read_only_user")[:30] in (a.get("text") or "")
        )
        echo = next(a for a in conv.seen if a["from"].get("role") == "user")
        assert echo["from"] == {
            "id": conv.user_id,
            "role": "user",
            "name": "Ro@X.com",
            "properties": {"email": "ro@x.com", "subject": "Ro@X.com", "issuer": "trusted-proxy"},
        }
        assert await bot.contacts.find_by_email("ann@globex.com") is None


async def test_the_header_from_an_unlisted_address_is_ignored(tmp_path):
    settings = test_settings(tmp_path, **PROXY, webchat_trusted_proxies=("10.9.9.9", "fd00::/8"))
    async with running_app(settings) as bot:
        status, body = await _token(bot, headers={"X-Forwarded-Email": "ops@example.com"})
        assert status == 401 and "signIn" not in body["error"]
        async with bot.session.get(
            f"{bot.url}/", headers={"X-Forwarded-Email": "ops@example.com"}
        ) as resp:
            assert resp.status == 401


def test_a_token_naming_one_user_cannot_carry_another():
    signer = TokenSigner()
    token = signer.issue("conv", ALICE.user_id, user=ALICE)
    assert signer.verify(token).user == ALICE
    forged = signer.issue("conv", "dl_bob", user=ALICE)  # even with the key: ids must agree
    with pytest.raises(TokenError):
        signer.verify(forged)


# -- the policy believes page identities from the built-in channel only ------------------------
def _page_activity(caller_id: str | None) -> dict:
    a = act.emulator_message("dl-conv", "http://127.0.0.1:9/", "hi")
    a["channelId"] = "directline"
    a["from"] = {"id": ALICE.user_id, "role": "user", "properties": ALICE.properties()}
    if caller_id:
        a["callerId"] = caller_id
    return a


def test_page_users_match_the_lists_by_email_subject_and_tenant():
    page = _page_activity(PAGE_CALLER_ID)
    assert identity_of(page).user_ids == {ALICE.user_id, "alice@example.com", "alice"}
    for settings, allowed, read_only in [
        (Settings(allowed_users=("ALICE@example.com",)), True, False),
        (Settings(allowed_users=("alice",)), True, False),
        (Settings(allowed_users=("bob@example.com",)), False, False),
        (Settings(allowed_tenants=("T-A",)), True, False),
        (Settings(allowed_tenants=("t-b",)), False, False),
        (Settings(readonly_users=("alice@example.com",)), True, True),
    ]:
        decision = AccessPolicy.from_settings(settings).check(page)
        assert (decision.allowed, decision.read_only) == (allowed, read_only), settings
    # The same fields from anyone else (no caller id, or one /api/messages would overwrite).
    for forged in (_page_activity(None), _page_activity("urn:botframework:azure")):
        assert identity_of(forged).user_ids == frozenset()


async def test_a_forged_page_identity_sent_to_api_messages_is_nobody(tmp_path, channel):
    settings = test_settings(tmp_path, allowed_users=("alice@example.com",))
    async with running_app(settings) as bot:
        forged = _page_activity(PAGE_CALLER_ID)
        forged["serviceUrl"] = channel.service_url
        forged["text"] = "find jane@acme.com"
        await bot.post(forged)
        (reply,) = channel.messages(forged["conversation"]["id"])
        assert reply.text == text("en", "not_allowed")


# -- settings -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "env, message",
    [
        ({"WEBCHAT_OIDC_ISSUER": "https://login.example.com"}, "WEBCHAT_OIDC_CLIENT_ID"),
        (
            {"WEBCHAT_OIDC_CLIENT_ID": "c", "WEBCHAT_OIDC_CLIENT_SECRET": "s"},
            "WEBCHAT_OIDC_ISSUER",
        ),
        (
            {
                "WEBCHAT_OIDC_ISSUER": "http://login.example.com",
                "WEBCHAT_OIDC_CLIENT_ID": "c",
                "WEBCHAT_OIDC_CLIENT_SECRET": "s",
            },
            "https://",
        ),
        ({"WEBCHAT_TRUSTED_USER_HEADER": "X-Forwarded-User"}, "WEBCHAT_TRUSTED_PROXIES"),
        ({"WEBCHAT_TRUSTED_PROXIES": "10.0.0.1, proxy.lan"}, "IP addresses or CIDR ranges"),
        ({"MicrosoftAppId": "app", "WEBCHAT_ENABLED": "true"}, "WEBCHAT_OIDC_ISSUER"),
    ],
)
def test_sign_in_settings_that_cannot_work_are_refused(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env, env_file=None)


def test_with_sign_in_the_page_is_on_even_with_an_app_id_and_its_secret_is_hidden():
    s = Settings.from_env(
        {
            "MicrosoftAppId": "app",
            "WEBCHAT_TRUSTED_USER_HEADER": "X-Forwarded-User",
            "WEBCHAT_TRUSTED_PROXIES": "10.0.0.0/8, ::1",
        },
        env_file=None,
    )
    assert s.webchat_page_open and s.webchat_signin == "proxy"
    oidc = replace(Settings(), **OIDC)
    assert oidc.webchat_signin == "oidc"
    assert "OIDC-SECRET" not in repr(oidc) + repr(oidc.redacted())
