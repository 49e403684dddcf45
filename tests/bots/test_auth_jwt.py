"""With an app id, /api/messages takes only activities carrying a valid Bot Framework token.

The SDK's real validators run against a local OpenID metadata + JWKS server
(tests/support/openid.py) instead of login.botframework.com, so everything here is offline.

What is proven, and what is not: inbound validation is the SDK's own, with the app's own
configuration except the metadata URLs. For the accepted-token cases the bot's *outgoing*
credentials are replaced by empty ones (`NoOutgoingToken`), because a real reply would first
fetch a token from login.microsoftonline.com; that outgoing half is not tested here.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from typing import Any

import pytest
from botframework.connector.auth import (
    MicrosoftAppCredentials,
    ServiceClientCredentialsFactory,
)

from app import bot_framework_auth, create_app
from config import ConfigError, Settings
from store.memory import MemoryStore
from tests.support import activities as act
from tests.support.botapp import running_app, test_settings
from tests.support.channel import TestChannel
from tests.support.openid import OpenIdServer, new_key

APP_ID = "22222222-2222-2222-2222-222222222222"
OTHER_APP = "99999999-9999-9999-9999-999999999999"
TENANT = "11111111-1111-1111-1111-111111111111"


class NoOutgoingToken(ServiceClientCredentialsFactory):
    """Accepts exactly APP_ID (like the real factory) but signs nothing going out."""

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == APP_ID

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(self, app_id, oauth_scope, login_endpoint, validate_authority):
        return MicrosoftAppCredentials.empty()


@pytest.fixture(scope="module")
def oid():
    with OpenIdServer() as server:
        yield server


def authed(tmp_path) -> Settings:
    return test_settings(tmp_path, app_id=APP_ID, app_password="not-a-real-password")


async def test_a_valid_teams_token_reaches_the_bot(tmp_path, oid):
    settings = authed(tmp_path)
    store = MemoryStore()
    auth = bot_framework_auth(
        settings, credentials_factory=NoOutgoingToken(), **oid.sdk_overrides()
    )
    async with running_app(settings, auth=auth, store=store) as bot, TestChannel() as channel:
        activity = act.teams_message("a:jwt-valid", channel.service_url, "help")
        token = oid.channel_token(app_id=APP_ID, service_url=channel.service_url)
        resp = await bot.post(activity, headers={"Authorization": f"Bearer {token}"})
        assert resp.status in (200, 201, 202)
        assert channel.messages("a:jwt-valid"), "the bot did not answer"
        assert store.doc_keys(), "the turn saved no conversation state"
    assert any(path.endswith("/keys") for path in oid.requests)  # keys came from our server


async def test_a_valid_emulator_token_reaches_the_bot(tmp_path, oid):
    settings = authed(tmp_path)
    auth = bot_framework_auth(
        settings, credentials_factory=NoOutgoingToken(), **oid.sdk_overrides()
    )
    async with running_app(settings, auth=auth) as bot, TestChannel() as channel:
        activity = act.emulator_message("emu-jwt|livechat", channel.service_url, "help")
        token = oid.emulator_token(app_id=APP_ID)
        resp = await bot.post(activity, headers={"Authorization": f"Bearer {token}"})
        assert resp.status in (200, 201, 202)
        assert channel.messages("emu-jwt|livechat")


def _bad_headers(oid: OpenIdServer, service_url: str) -> dict[str, dict[str, str]]:
    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    good: dict[str, Any] = {"app_id": APP_ID, "service_url": service_url}
    return {
        "missing": {},
        "empty bearer": {"Authorization": "Bearer "},
        "not a jwt": bearer("not.a.jwt"),
        "basic scheme": {"Authorization": "Basic dXNlcjpwYXNz"},
        "expired": bearer(oid.channel_token(**good, lifetime=600, issued_ago=7200)),
        "wrong audience": bearer(oid.channel_token(app_id=OTHER_APP, service_url=service_url)),
        "wrong issuer": bearer(oid.channel_token(**good, issuer="https://evil.example.com")),
        "wrong signature": bearer(oid.channel_token(**good, key=new_key())),
        "unknown key id": bearer(oid.channel_token(**good, kid="not-a-known-key")),
        "other serviceUrl": bearer(
            oid.channel_token(app_id=APP_ID, service_url="https://evil.example.com/")
        ),
        "emulator, wrong app": bearer(oid.emulator_token(app_id=OTHER_APP)),
        "emulator, wrong signature": bearer(oid.emulator_token(app_id=APP_ID, key=new_key())),
    }


CASES = [
    "missing",
    "empty bearer",
    "not a jwt",
    "basic scheme",
    "expired",
    "wrong audience",
    "wrong issuer",
    "wrong signature",
    "unknown key id",
    "other serviceUrl",
    "emulator, wrong app",
    "emulator, wrong signature",
]


@pytest.mark.parametrize("case", CASES)
async def test_a_bad_token_gets_401_and_nothing_reaches_the_bot(tmp_path, oid, case, caplog):
    settings = authed(tmp_path)
    store = MemoryStore()
    # The app's own credentials factory: the audience check is the production one.
    auth = bot_framework_auth(settings, **oid.sdk_overrides())
    async with running_app(settings, auth=auth, store=store) as bot, TestChannel() as channel:
        cid = "a:jwt-bad"
        activity = act.teams_message(cid, channel.service_url, "find jane@acme.com")
        headers = _bad_headers(oid, channel.service_url)[case]
        with caplog.at_level(logging.INFO):
            resp = await bot.post(activity, headers=headers)
        assert resp.status == 401
        assert channel.activities(cid, include_typing=True) == []
        assert store.doc_keys() == []
    token = headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if len(token) > 20:
        assert token not in caplog.text  # a refused token is never logged


async def test_a_channel_the_signing_key_is_not_endorsed_for_is_refused(tmp_path, oid):
    """Real Bot Framework keys list the channels they sign for; a token for Teams' key
    cannot speak for another channel."""
    settings = authed(tmp_path)
    auth = bot_framework_auth(
        settings, credentials_factory=NoOutgoingToken(), **oid.sdk_overrides()
    )
    async with running_app(settings, auth=auth) as bot, TestChannel() as channel:
        activity = act.teams_message("a:jwt-slack", channel.service_url, "help")
        activity["channelId"] = "slack"
        token = oid.channel_token(app_id=APP_ID, service_url=channel.service_url)
        resp = await bot.post(activity, headers={"Authorization": f"Bearer {token}"})
        assert resp.status == 401
        assert channel.activities("a:jwt-slack", include_typing=True) == []


async def test_unreachable_signing_keys_are_a_503_not_a_401(tmp_path, oid):
    """The token may be fine: the channel should retry, and the log should say why."""
    settings = authed(tmp_path)
    closed = f"http://127.0.0.1:9/{uuid.uuid4().hex}/.well-known/openidconfiguration"
    overrides = {**oid.sdk_overrides(), "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": closed}
    async with (
        running_app(settings, auth=bot_framework_auth(settings, **overrides)) as bot,
        TestChannel() as channel,
    ):
        activity = act.teams_message("a:jwt-503", channel.service_url, "help")
        token = oid.channel_token(app_id=APP_ID, service_url=channel.service_url)
        resp = await bot.post(activity, headers={"Authorization": f"Bearer {token}"})
        assert resp.status == 503
        assert channel.activities("a:jwt-503", include_typing=True) == []


@pytest.mark.parametrize("case", ["missing", "wrong issuer", "not a jwt"])
async def test_the_production_configuration_refuses_without_fetching_keys(tmp_path, oid, case):
    """No overrides at all: the app as deployed. These refusals need no signing keys, so they
    run offline against the real configuration."""
    settings = authed(tmp_path)
    async with running_app(settings) as bot, TestChannel() as channel:
        activity = act.teams_message("a:prod", channel.service_url, "help")
        resp = await bot.post(activity, headers=_bad_headers(oid, channel.service_url)[case])
        assert resp.status == 401
        assert channel.activities("a:prod", include_typing=True) == []


# -- app types ---------------------------------------------------------------------------------

APP_TYPES = {
    "MultiTenant": {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "pw"},
    "SingleTenant": {
        "MicrosoftAppId": APP_ID,
        "MicrosoftAppPassword": "pw",
        "MicrosoftAppTenantId": TENANT,
    },
    "UserAssignedMSI": {"MicrosoftAppId": APP_ID, "MicrosoftAppTenantId": TENANT},
}


@pytest.mark.parametrize("app_type", sorted(APP_TYPES))
async def test_each_app_type_builds_an_app_that_demands_tokens(tmp_path, oid, app_type):
    settings = replace(
        Settings.from_env({"MicrosoftAppType": app_type, **APP_TYPES[app_type]}, env_file=None),
        data_dir=str(tmp_path),
        state_storage="memory",
    )
    assert settings.app_type == app_type
    auth = bot_framework_auth(settings, **oid.sdk_overrides())
    async with running_app(settings, auth=auth) as bot, TestChannel() as channel:
        activity = act.teams_message("a:types", channel.service_url, "help")
        assert (await bot.post(activity)).status == 401
        wrong = oid.channel_token(app_id=OTHER_APP, service_url=channel.service_url)
        resp = await bot.post(activity, headers={"Authorization": f"Bearer {wrong}"})
        assert resp.status == 401
        assert channel.activities("a:types", include_typing=True) == []


@pytest.mark.parametrize(
    "env,message",
    [
        (
            {
                "MicrosoftAppType": "SingleTenant",
                "MicrosoftAppId": APP_ID,
                "MicrosoftAppPassword": "pw",
            },
            "SingleTenant needs MicrosoftAppTenantId",
        ),
        (
            {"MicrosoftAppType": "UserAssignedMSI", "MicrosoftAppId": APP_ID},
            "UserAssignedMSI needs MicrosoftAppTenantId",
        ),
        (
            {
                "MicrosoftAppType": "SingleTenant",
                "MicrosoftAppId": APP_ID,
                "MicrosoftAppTenantId": TENANT,
            },
            "SingleTenant needs MicrosoftAppPassword",
        ),
        ({"MicrosoftAppType": "Multitenant"}, "must be MultiTenant, SingleTenant or"),
    ],
)
def test_an_incomplete_app_type_is_a_clear_config_error(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env, env_file=None)


def test_single_tenant_without_tenant_would_otherwise_fail_inside_the_sdk(tmp_path):
    """Why the config check exists: the SDK's own message names none of our settings."""
    settings = Settings(
        app_id=APP_ID,
        app_password="pw",
        app_type="SingleTenant",
        data_dir=str(tmp_path),
        state_storage="memory",
    )
    with pytest.raises(Exception, match="APP_TENANTID"):
        create_app(settings)


# -- where the app listens ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "env,host",
    [
        ({}, "127.0.0.1"),
        ({"HOST": "0.0.0.0"}, "127.0.0.1"),  # local mode ignores HOST without ALLOW_REMOTE
        ({"HOST": "0.0.0.0", "ALLOW_REMOTE": "true"}, "0.0.0.0"),
        ({"HOST": "0.0.0.0", "MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "pw"}, "0.0.0.0"),
    ],
)
def test_local_mode_binds_to_loopback_unless_allowed(env, host):
    assert Settings.from_env(env, env_file=None).bind_host == host
