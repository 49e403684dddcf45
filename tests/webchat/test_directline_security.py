"""What the channel refuses: other conversations, expired or forged tokens, the secret outside
the server, oversize messages, floods, and anyone but the bot posting as the bot. And that an
app id for Teams leaves the page working while /api/messages demands a JWT."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from tests.support.botapp import running_app
from tests.support.botapp import test_settings as make_settings
from tests.support.directline_client import DirectLineClient, cards
from webchat import WEBCHAT_KEY

SECRET = "s3cret-directline-value-for-tests"


def _is_card(activity: dict) -> bool:
    return bool(cards(activity))


async def _started(bot, headers=None, **start):
    dl = DirectLineClient(bot.session, bot.url)
    conv = await dl.page_token(headers)
    await dl.start(conv, **start)
    await dl.wait_for(conv, _is_card)
    return dl, conv


async def test_a_token_cannot_touch_another_conversation(tmp_path):
    async with running_app(make_settings(tmp_path)) as bot:
        dl, mine = await _started(bot)
        _, theirs = await _started(bot)
        path = f"/conversations/{theirs.conversation_id}"
        for method, sub, body in (
            ("GET", "/activities", None),
            ("POST", "/activities", {"type": "message", "text": "hi"}),
            ("GET", "", None),
        ):
            answer = await dl.call(method, path + sub, token=mine.token, json_body=body)
            assert answer.status == 403 and answer.code == "Forbidden", answer
        untouched = await dl.call("GET", f"{path}/activities", token=theirs.token)
        assert [a["from"]["role"] for a in untouched.body["activities"]] == ["bot"]
        # Its socket cannot be opened with my stream URL either.
        forged = mine.stream_url.replace(mine.conversation_id, theirs.conversation_id)
        with pytest.raises(aiohttp.WSServerHandshakeError) as err:
            await bot.session.ws_connect(forged)
        assert err.value.status == 403


async def test_expired_tampered_and_missing_tokens_are_refused(tmp_path):
    async with running_app(make_settings(tmp_path)) as bot:
        dl, conv = await _started(bot)
        tokens = bot.app[WEBCHAT_KEY].tokens
        expired = tokens.issue(conv.conversation_id, conv.user_id, ttl_seconds=-1)
        path = f"/conversations/{conv.conversation_id}/activities"
        answer = await dl.call("GET", path, token=expired)
        assert answer.status == 403 and answer.code == "TokenExpired"
        answer = await dl.call("POST", "/tokens/refresh", token=expired)
        assert answer.status == 403 and answer.code == "TokenExpired"

        payload, sig = conv.token.split(".")
        tampered = f"{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{sig}"
        assert (await dl.call("GET", path, token=tampered)).status == 403
        assert (await dl.call("GET", path, token="not-a-token")).status == 403
        missing = await dl.call("GET", path)
        assert missing.status == 401 and missing.body["error"]["message"]
        # A stream token is not a REST token.
        stream_token = conv.stream_url.split("t=", 1)[1].split("&")[0]
        assert (await dl.call("GET", path, token=stream_token)).status == 403


async def test_refresh_gives_a_working_token_for_the_same_conversation(tmp_path):
    async with running_app(make_settings(tmp_path)) as bot:
        dl, conv = await _started(bot)
        answer = await dl.call("POST", "/tokens/refresh", token=conv.token)
        assert answer.status == 200
        assert answer.body["conversationId"] == conv.conversation_id
        assert answer.body["expires_in"] > 0 and answer.body["token"] != conv.token
        conv.token = answer.body["token"]
        await dl.say(conv, "help")
        await dl.wait_for(conv, lambda a: True)


async def test_secret_generates_tokens_and_never_reaches_the_browser(tmp_path):
    settings = make_settings(tmp_path, directline_secret=SECRET)
    async with running_app(settings) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        generated = await dl.call(
            "POST",
            "/tokens/generate",
            token=SECRET,
            json_body={"user": {"id": "dl_alice", "name": "Alice"}},
        )
        assert generated.status == 200
        assert set(generated.body) == {"conversationId", "token", "expires_in"}
        wrong = await dl.call("POST", "/tokens/generate", token="guess")
        assert wrong.status == 403
        # A token cannot mint more tokens.
        again = await dl.call("POST", "/tokens/generate", token=generated.body["token"])
        assert again.status == 403
        # The secret starts conversations and reads any of them.
        started = await dl.call("POST", "/conversations", token=SECRET, json_body={})
        assert started.status == 201 and started.body["streamUrl"]
        reads = await dl.call(
            "GET", f"/conversations/{started.body['conversationId']}/activities", token=SECRET
        )
        assert reads.status == 200

        seen = ""
        for path in ("/", "/static/chat.js"):
            async with bot.session.get(f"{bot.url}{path}") as resp:
                seen += await resp.text()
        async with bot.session.post(f"{bot.url}/api/webchat/token") as resp:
            seen += await resp.text()
        assert SECRET not in seen


async def test_without_a_secret_generate_is_closed(tmp_path):
    async with running_app(make_settings(tmp_path)) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        answer = await dl.call("POST", "/tokens/generate", token="anything")
        assert answer.status == 403
        assert (await dl.call("POST", "/tokens/generate")).status == 401


async def test_oversize_text_is_refused_with_a_message_in_the_chat(tmp_path):
    async with running_app(make_settings(tmp_path, max_message_chars=50)) as bot:
        dl, conv = await _started(bot)
        answer = await dl.post(conv, {"type": "message", "text": "x" * 51})
        assert answer.status == 413 and answer.code == "MessageTooLong"
        notice = await dl.wait_for(conv, lambda a: "too long" in (a.get("text") or ""))
        assert "51" in notice["text"] and "50" in notice["text"]
        assert not [a for a in conv.seen if a.get("text") == "x" * 51]  # never echoed
        ok = await dl.post(conv, {"type": "message", "text": "help"})
        assert ok.status == 200

        huge = await dl.post(conv, {"type": "message", "value": {"blob": "y" * 300_000}})
        assert huge.status == 413 and huge.code == "MessageSizeTooBig"
        bad = await dl.call(
            "POST",
            f"/conversations/{conv.conversation_id}/activities",
            token=conv.token,
            data="{not json",
        )
        assert bad.status == 400 and bad.code == "BadArgument"


async def test_korean_notice_for_a_korean_conversation(tmp_path):
    async with running_app(make_settings(tmp_path, max_message_chars=10)) as bot:
        dl, conv = await _started(bot, locale="ko-KR")
        answer = await dl.post(conv, {"type": "message", "text": "가" * 11})
        assert answer.status == 413
        await dl.wait_for(conv, lambda a: "메시지가 너무 길어요" in (a.get("text") or ""))


async def test_messages_per_minute_are_limited_per_conversation(tmp_path):
    async with running_app(make_settings(tmp_path, messages_per_minute=3)) as bot:
        dl, conv = await _started(bot)
        for _ in range(3):
            await dl.say(conv, "help")
        answer = await dl.post(conv, {"type": "message", "text": "help"})
        assert answer.status == 429 and answer.code == "TooManyRequests"
        assert 0 < int(answer.headers["Retry-After"]) <= 60
        await dl.wait_for(conv, lambda a: "too quickly" in (a.get("text") or ""))
        # Refused posts count too (even oversize ones), and the notice is said once, not per post.
        again = await dl.post(conv, {"type": "message", "text": "x" * 100_000})
        assert again.status == 429
        await dl.poll(conv)
        assert sum("too quickly" in (a.get("text") or "") for a in conv.seen) == 1
        _, other = await _started(bot)  # another conversation is not affected
        assert (await dl.say(other, "help")).status == 200


async def test_only_the_bot_can_post_to_the_connector_routes(tmp_path):
    async with running_app(make_settings(tmp_path)) as bot:
        dl, conv = await _started(bot)
        url = f"{bot.url}/webchat-connector/v3/conversations/{conv.conversation_id}/activities"
        for headers in ({}, {"Authorization": "Bearer guess"}, {"Authorization": conv.token}):
            async with bot.session.post(
                url, json={"type": "message", "text": "I am the bot"}, headers=headers
            ) as resp:
                assert resp.status == 401
        all_ = await dl.call(
            "GET", f"/conversations/{conv.conversation_id}/activities", token=conv.token
        )
        assert "I am the bot" not in [a.get("text") for a in all_.body["activities"]]


async def test_teams_app_id_keeps_the_page_working_and_api_messages_closed(tmp_path):
    # With an app id the page is off unless sign-in is configured (test_security_review); here
    # a sign-in proxy on loopback names the user.
    settings = make_settings(
        tmp_path,
        app_id="00000000-0000-0000-0000-00000000a11d",
        app_password="not-a-real-password",
        webchat_trusted_user_header="X-Forwarded-Email",
        webchat_trusted_proxies=("127.0.0.1",),
    )
    async with running_app(settings) as bot:
        async with bot.session.post(
            f"{bot.url}/api/messages", json={"type": "message", "text": "hi"}
        ) as resp:
            assert resp.status == 401
        # The page's path needs nothing from Azure: a welcome card, and an answer to a message.
        dl, conv = await _started(bot, {"X-Forwarded-Email": "ops@example.com"})
        await dl.say(conv, "help")
        reply = await dl.wait_for(
            conv, lambda a: a.get("replyToId") or a.get("text") or _is_card(a)
        )
        assert reply["from"]["id"] == settings.app_id


@pytest.mark.parametrize(
    "path_kind, body",
    [
        ("activities", "[" * 200_000),
        ("activities", '{"type": "message", "value": ' + '{"a":' * 40 + "1" + "}" * 40 + "}"),
        ("conversations", "[" * 60_000),
    ],
    ids=["post-200k-unclosed", "post-40-deep-value", "start-60k"],
)
async def test_deeply_nested_json_is_a_clear_400(tmp_path, caplog, path_kind, body):
    async with running_app(make_settings(tmp_path)) as bot:
        dl, conv = await _started(bot)
        path = (
            f"/conversations/{conv.conversation_id}/activities"
            if path_kind == "activities"
            else "/conversations"
        )
        with caplog.at_level(logging.INFO):
            bad = await dl.call("POST", path, token=conv.token, data=body)
        assert bad.status == 400 and bad.code == "BadArgument", bad
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
        ok = await dl.post(conv, {"type": "message", "text": "help"})  # the chat still works
        assert ok.status == 200
