"""The Direct Line 3.0 channel as botframework-directlinejs uses it, against the real app:
start, the welcome card over the WebSocket, post and poll with watermarks, reconnect, CORS."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from cards import ui
from tests.support.botapp import find_nonce, running_app
from tests.support.botapp import test_settings as make_settings
from tests.support.directline_client import DirectLineClient, card_text, cards
from webchat import WEBCHAT_KEY


def _is_card(activity: dict) -> bool:
    return bool(cards(activity))


async def _frames(
    ws: aiohttp.ClientWebSocketResponse, count: int, seconds: float = 10.0, *, typing: bool = True
) -> list[dict]:
    """The next `count` non-empty ActivitySet frames (typing ones left out unless `typing`)."""
    out: list[dict] = []
    while len(out) < count:
        msg = await asyncio.wait_for(ws.receive(), seconds)
        assert msg.type == aiohttp.WSMsgType.TEXT, msg
        if not msg.data:
            continue  # keep-alive
        frame = json.loads(msg.data)
        if typing or any(a["type"] != "typing" for a in frame["activities"]):
            out.append(frame)
    return out


async def test_welcome_card_arrives_over_the_websocket(tmp_path):
    async with running_app(make_settings(tmp_path)) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        conv = await dl.page_token()
        answer = await dl.start(conv, locale="en-US")
        assert answer.body["conversationId"] == conv.conversation_id
        assert answer.body["expires_in"] > 0
        assert conv.stream_url.startswith("ws://")
        async with bot.session.ws_connect(conv.stream_url) as ws:
            (frame,) = await _frames(ws, 1)
        activity = frame["activities"][0]
        assert frame["watermark"]
        assert activity["from"]["role"] == "bot"
        assert activity["id"].startswith(f"{conv.conversation_id}|")
        text = card_text(cards(activity)[0])
        assert ui("en", "btn_create") in text and ui("en", "btn_search") in text


async def test_post_then_poll_with_watermarks_echoes_the_user(tmp_path):
    async with running_app(make_settings(tmp_path)) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        conv = await dl.page_token()
        await dl.start(conv)
        assert conv.watermark == ""  # the first poll is literally `?watermark=`
        welcome = await dl.wait_for(conv, _is_card)
        mark = conv.watermark
        assert mark

        posted = await dl.say(conv, "help")
        activity_id = posted.body["id"]
        assert activity_id.startswith(f"{conv.conversation_id}|")
        reply = await dl.wait_for(conv, lambda a: a.get("text") or _is_card(a))
        new = [a for a in conv.seen if a["id"] not in (welcome["id"],)]
        echo = new[0]
        assert echo["id"] == activity_id
        assert echo["text"] == "help" and echo["from"]["role"] == "user"
        assert echo["from"]["id"] == conv.user_id  # forced to the token's user, not "ignored"
        assert echo["channelId"] == "directline"
        assert reply["from"]["role"] == "bot"
        assert int(conv.watermark) > int(mark)

        # Nothing new: an empty set, and the watermark stays where it was.
        before = conv.watermark
        answer = await dl.call(
            "GET",
            f"/conversations/{conv.conversation_id}/activities?watermark={before}",
            token=conv.token,
        )
        assert answer.body == {"activities": [], "watermark": before}
        # conversationUpdate is never delivered to clients.
        everything = await dl.call(
            "GET", f"/conversations/{conv.conversation_id}/activities", token=conv.token
        )
        assert {a["type"] for a in everything.body["activities"]} == {"message"}


async def test_card_button_reaches_the_bot(tmp_path):
    async with running_app(make_settings(tmp_path)) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        conv = await dl.page_token()
        await dl.start(conv)
        welcome = await dl.wait_for(conv, _is_card)
        nonce = find_nonce(cards(welcome)[0])
        answer = await dl.post(
            conv,
            {
                "type": "message",
                "from": {"id": "x"},
                "value": {"action": "start_create", "nonce": nonce},
            },
        )
        assert answer.status == 200, answer
        form = await dl.wait_for(conv, lambda a: _is_card(a) and a["id"] != welcome["id"])
        text = card_text(cards(form)[0])
        assert "First name" in text and "Email" in text


async def test_start_locale_reaches_the_bot(tmp_path):
    async with running_app(make_settings(tmp_path)) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        conv = await dl.page_token()
        await dl.start(conv, locale="ko-KR")
        welcome = await dl.wait_for(conv, _is_card)
        assert ui("ko", "btn_create") in card_text(cards(welcome)[0])


async def test_reconnect_gives_a_new_stream_that_replays_after_the_watermark(tmp_path):
    async with running_app(make_settings(tmp_path)) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        conv = await dl.page_token()
        await dl.start(conv)
        await dl.wait_for(conv, _is_card)
        mark = conv.watermark
        await dl.say(conv, "help")
        answer = await dl.call(
            "GET", f"/conversations/{conv.conversation_id}?watermark={mark}", token=conv.token
        )
        assert answer.status == 200
        assert answer.body["conversationId"] == conv.conversation_id
        assert answer.body["token"] and answer.body["streamUrl"] != conv.stream_url
        async with bot.session.ws_connect(answer.body["streamUrl"]) as ws:
            (frame,) = await _frames(ws, 1)
        ids = [int(a["id"].rsplit("|", 1)[1]) for a in frame["activities"]]
        assert ids and min(ids) == int(mark) + 1  # nothing at or before the watermark
        assert frame["activities"][0]["text"] == "help"

        again = await dl.start(conv, expect=200)  # starting twice: same conversation, 200
        assert again.body["conversationId"] == conv.conversation_id


async def test_socket_gets_live_replies_and_typing_that_get_never_returns(tmp_path):
    async with running_app(make_settings(tmp_path)) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        conv = await dl.page_token()
        await dl.start(conv)
        await dl.wait_for(conv, _is_card)
        async with bot.session.ws_connect(conv.stream_url) as ws:
            await _frames(ws, 1)  # the replay: the welcome card
            # The bot's typing goes through the connector like any reply (here as the bot would).
            service = f"{bot.url}/webchat-connector/v3/conversations/{conv.conversation_id}"
            token = bot.app[WEBCHAT_KEY].bridge.connector_token
            async with bot.session.post(
                f"{service}/activities",
                json={"type": "typing"},
                headers={"Authorization": f"Bearer {token}"},
            ) as resp:
                assert resp.status == 200
            (typing,) = await _frames(ws, 1)
            assert typing["activities"][0]["type"] == "typing"
            await dl.say(conv, "help")
            frames = await _frames(ws, 2, typing=False)
        assert frames[0]["activities"][0]["text"] == "help"  # the echo first, then the reply
        assert frames[1]["activities"][0]["from"]["role"] == "bot"
        got = await dl.call(
            "GET", f"/conversations/{conv.conversation_id}/activities", token=conv.token
        )
        assert "typing" not in {a["type"] for a in got.body["activities"]}


async def test_cors_preflight_allows_what_directlinejs_sends(tmp_path):
    async with running_app(make_settings(tmp_path)) as bot:
        for path in (
            "/v3/directline/conversations",
            "/v3/directline/conversations/abc/activities",
            "/v3/directline/tokens/refresh",
        ):
            async with bot.session.options(
                f"{bot.url}{path}",
                headers={
                    "Origin": "https://intranet.example.com",
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": (
                        "authorization,content-type,x-ms-bot-agent,x-requested-with"
                    ),
                },
            ) as resp:
                assert resp.status in (200, 204)
                allowed = resp.headers["Access-Control-Allow-Headers"].lower()
                assert resp.headers["Access-Control-Allow-Origin"] in (
                    "*",
                    "https://intranet.example.com",
                )
                assert "POST" in resp.headers["Access-Control-Allow-Methods"]
            for header in ("authorization", "content-type", "x-ms-bot-agent", "x-requested-with"):
                assert header in allowed


@pytest.mark.parametrize("prefix", ["/crm-bot"])
async def test_page_and_channel_work_under_a_path_prefix(tmp_path, prefix):
    async with running_app(make_settings(tmp_path, public_base_path=prefix)) as bot:
        async with bot.session.get(f"{bot.url}{prefix}", allow_redirects=False) as resp:
            assert resp.status == 302 and resp.headers["Location"] == f"{prefix}/"
        async with bot.session.get(f"{bot.url}{prefix}/") as resp:
            html = await resp.text()
        assert resp.status == 200 and 'src="static/chat.js"' in html
        assert "Content-Security-Policy" in resp.headers
        dl = DirectLineClient(bot.session, bot.url, prefix=prefix)
        conv = await dl.page_token()
        await dl.start(conv)
        assert f"{prefix}/v3/directline/conversations/" in conv.stream_url
        async with bot.session.ws_connect(conv.stream_url) as ws:
            (frame,) = await _frames(ws, 1)
        assert cards(frame["activities"][0])


async def test_upload_is_refused_clearly(tmp_path):
    async with running_app(make_settings(tmp_path)) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        conv = await dl.page_token()
        await dl.start(conv)
        answer = await dl.call(
            "POST",
            f"/conversations/{conv.conversation_id}/upload?userId=x",
            token=conv.token,
            data="file",
        )
        assert answer.status == 501 and answer.code == "NotSupported"
