"""Holes a security review found, each proven over HTTP before it was closed.

* A web page the user happens to visit can POST to the local bot's unauthenticated
  /api/messages with a "simple" (no-preflight) request: `Content-Type: text/plain;
  x=application/json` is one a browser sends cross-origin without asking, and the bot would
  then run the turn and send the CRM's answer to the `serviceUrl` the page chose.
* With a Microsoft App ID (a public Teams deployment) the Web Chat page's token endpoint handed
  anyone on the internet a working conversation with the CRM, around the JWT check on
  /api/messages; it is now off unless WEBCHAT_ENABLED says otherwise.
"""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import AsyncExitStack
from dataclasses import replace
from typing import Any

import pytest
from botframework.connector.auth import (
    MicrosoftAppCredentials,
    ServiceClientCredentialsFactory,
)

from agent.client import build_client
from app import bot_framework_auth
from config import ConfigError, Settings
from hubspot_local.options import Faults
from tests.support import activities as act
from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.directline_client import DirectLineClient
from tests.support.hubspot_server import hubspot_server
from tests.support.openid import OpenIdServer
from tests.support.scripted_openai import ScriptedOpenAI, text, tool_call
from webchat import WEBCHAT_KEY

APP_ID = "00000000-0000-0000-0000-00000000a11d"


async def test_a_cross_site_simple_request_cannot_drive_the_local_bot(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
        )
        activity = act.emulator_message("csrf-1", channel.service_url, "find jane@acme.com")
        for content_type in (
            "text/plain; x=application/json",
            "application/x-www-form-urlencoded; application/json",
            "multipart/form-data; boundary=application/json",
        ):
            async with bot.session.post(
                f"{bot.url}/api/messages",
                data=json.dumps(activity),
                headers={"Content-Type": content_type},
            ) as resp:
                assert resp.status == 415, content_type
        assert channel.activities("csrf-1", include_typing=True) == []
        # The real thing still works, with or without a charset.
        async with bot.session.post(
            f"{bot.url}/api/messages",
            data=json.dumps(activity),
            headers={"Content-Type": "application/json; charset=utf-8"},
        ) as resp:
            assert resp.status in (200, 201, 202)
        await bot.finished(activity)
        assert "Jane Doe" in json.dumps([r.activity for r in channel.messages("csrf-1")])


async def test_with_an_app_id_the_page_mints_no_tokens_without_sign_in(tmp_path):
    settings = test_settings(tmp_path, app_id=APP_ID, app_password="not-a-real-password")
    async with running_app(settings) as bot:
        async with bot.session.post(f"{bot.url}/api/webchat/token") as resp:
            assert resp.status == 403
            assert "WEBCHAT_OIDC_ISSUER" in (await resp.json())["error"]["message"]
        # Nothing else opens a conversation without the secret either.
        dl = DirectLineClient(bot.session, bot.url)
        answer = await dl.call("POST", "/conversations", json_body={})
        assert answer.status == 401
    # WEBCHAT_ENABLED=true alone would open it to anyone: the app refuses to start, saying what
    # to set.
    with pytest.raises(ConfigError, match="WEBCHAT_TRUSTED_USER_HEADER"):
        async with running_app(replace(settings, webchat_enabled=True)):
            pass
    with pytest.raises(ConfigError, match="WEBCHAT_OIDC_CLIENT_ID"):
        Settings.from_env(
            {"MicrosoftAppId": APP_ID, "WEBCHAT_ENABLED": "true", "MicrosoftAppPassword": "x"},
            env_file=None,
        )
    proxied = replace(settings, **PROXY)
    async with running_app(proxied) as bot:
        async with bot.session.post(f"{bot.url}/api/webchat/token") as resp:
            assert resp.status == 401  # signed in by nobody
        async with bot.session.post(f"{bot.url}/api/webchat/token", headers=SIGNED_IN) as resp:
            assert resp.status == 200


# -- secrets ------------------------------------------------------------------------------------
# Recognisable values for every secret; the test fails if any of them shows up anywhere a user,
# the model, a browser or an operator reading the log could see it.
APP_PASSWORD = "APPPW-7f3a9c-never-show"
OPENAI_KEY = "sk-OPENAIKEY-5d1e8b-never-show"
AZURE_KEY = "AZUREKEY-2c6f0a-never-show"
HUBSPOT_TOKEN = "pat-na1-HUBSPOTTOKEN-9b4d7e-never-show"
DIRECTLINE_SECRET = "DLSECRET-4a8c2f-never-show"


# A sign-in proxy on loopback: with an app id, the page needs one (or OpenID Connect).
PROXY: dict[str, Any] = {
    "webchat_trusted_user_header": "X-Forwarded-User",
    "webchat_trusted_proxies": ("127.0.0.1",),
}
SIGNED_IN = {"X-Forwarded-User": "ops@example.com"}


class _NoOutgoingToken(ServiceClientCredentialsFactory):
    """Accepts exactly APP_ID but signs nothing going out (a real reply would first fetch a
    token from login.microsoftonline.com; see test_auth_jwt.py)."""

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == APP_ID

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(self, app_id, oauth_scope, login_endpoint, validate_authority):
        return MicrosoftAppCredentials.empty()


@pytest.mark.parametrize("hubspot", ["private app token", "local"])
async def test_no_secret_reaches_logs_chat_model_or_browser(tmp_path, channel, caplog, hubspot):
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []  # everything the world saw: page bodies, Direct Line answers
    async with AsyncExitStack() as stack:
        oid = stack.enter_context(OpenIdServer())
        model = await stack.enter_async_context(ScriptedOpenAI())
        external = None
        if hubspot == "local":
            token_settings = {}
        else:
            external = await stack.enter_async_context(hubspot_server(token=HUBSPOT_TOKEN))
            token_settings = {
                "hubspot_access_token": HUBSPOT_TOKEN,
                "hubspot_base_url": external.url,
            }
        settings = test_settings(
            tmp_path,
            app_id=APP_ID,
            app_password=APP_PASSWORD,
            openai_api_key=OPENAI_KEY,
            openai_base_url=model.base_url,
            azure_openai_api_key=AZURE_KEY,
            directline_secret=DIRECTLINE_SECRET,
            **PROXY,
            **token_settings,
        )
        auth = bot_framework_auth(
            settings, credentials_factory=_NoOutgoingToken(), **oid.sdk_overrides()
        )
        # The app's own client, from the settings (built off the loop: httpx reads CA files).
        client = await asyncio.to_thread(build_client, settings)
        assert client is not None
        stack.push_async_callback(client.close)  # after the app stops (the stack unwinds LIFO)
        bot = await stack.enter_async_context(
            running_app(settings, auth=auth, openai_client=client)
        )
        hs = external or bot.hubspot_local
        secrets = [
            APP_PASSWORD,
            OPENAI_KEY,
            AZURE_KEY,
            HUBSPOT_TOKEN,
            DIRECTLINE_SECRET,
            hs.token,
            bot.app[WEBCHAT_KEY].bridge.connector_token,
        ]
        jane = (
            await bot.contacts.create(
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
        ).contact

        plain_post = bot.post

        async def signed_post(activity, *, headers=None, settle=True):
            token = oid.channel_token(app_id=APP_ID, service_url=channel.service_url)
            return await plain_post(
                activity, headers={"Authorization": f"Bearer {token}"}, settle=settle
            )

        bot.post = signed_post  # type: ignore[method-assign]  # every post signed, as Teams does
        chat = Conversation(bot, channel, kind="teams")
        await chat.start()  # welcome
        model.script(tool_call("SearchContact", {"query": "Jane"}), text("Found Jane."))
        await chat.say("who is Jane?")  # search
        model.script(
            tool_call(
                "CreateContact",
                {"properties": {"firstname": "Ann", "lastname": "Lee", "email": "ann@globex.com"}},
            ),
            text("Added Ann."),
        )
        await chat.say("Ann Lee from Globex should be in our contacts, ann@globex.com")  # create
        model.script(
            tool_call("UpdateContact", {"contact_id": jane.id, "properties": {"jobtitle": "CTO"}}),
            text("Please confirm."),
        )
        (reply,) = await chat.say("make Jane the CTO")  # update
        done, _ended = await chat.click(action_data(reply.cards[0], "Confirm"))  # confirm
        assert done.cards[0]["body"][0]["inlines"][0]["text"] == "Contact updated"
        hs.controls.faults = Faults(rate=1.0, statuses=(401, 503))
        model.script(tool_call("SearchContact", {"query": "Ann"}))
        (failed,) = await chat.say("find Ann")  # HubSpot fails
        assert "HubSpot" in failed.text and "Nothing was changed" in failed.text, failed.text
        hs.controls.faults = Faults()

        # Web Chat: the page, its scripts, a token, a conversation, the secret's own endpoint.
        for path in ("/", "/static/chat.js", "/static/chat.css", "/healthz"):
            async with bot.session.get(f"{bot.url}{path}") as resp:
                seen.append(await resp.text())
        dl = DirectLineClient(bot.session, bot.url)
        async with bot.session.post(f"{bot.url}/api/webchat/token", headers=SIGNED_IN) as resp:
            seen.append(await resp.text())
        conv = await dl.page_token(SIGNED_IN)
        seen.append(json.dumps((await dl.start(conv)).body))
        model.script(text("Hello from the model."))
        await dl.say(conv, "tell me something about yourself")  # the model answers
        await dl.wait_for(conv, lambda a: a.get("text") == "Hello from the model.")
        seen.append(json.dumps(conv.seen))
        for path, body in (
            ("/tokens/generate", {"user": {"id": "dl_someone"}}),
            ("/conversations", {}),
        ):
            answer = await dl.call("POST", path, token=DIRECTLINE_SECRET, json_body=body)
            assert answer.status in (200, 201, 202), answer
            seen.append(json.dumps(answer.body) + json.dumps(answer.headers))
        assert model.remaining == 0 and model.unexpected_calls == 0

    logs = "\n".join(
        f"{r.getMessage()} {r.exc_text or ''} {r.stack_info or ''}" for r in caplog.records
    )
    chat_seen = json.dumps([r.activity for rs in channel.sent.values() for r in rs])
    model_seen = json.dumps([r.body for r in model.requests])
    assert len(caplog.records) > 5 and "Jane" in chat_seen and "Jane" in model_seen
    for secret in secrets:
        assert secret not in logs, "a secret is in the log"
        assert secret not in chat_seen, "a secret is in what the bot sent"
        assert secret not in model_seen, "a secret is in what the model was sent"
        for page in seen:
            assert secret not in page, "a secret reached the browser"
