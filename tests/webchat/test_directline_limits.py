"""Abuse limits, over HTTP against the running app: tokens and new conversations a minute per
user and per client address (429, Retry-After, a Direct Line ErrorResponse), a cap on kept
conversations that never drops an active one, and a longest life for a chain of refreshed
tokens. Time is stopped or shifted where it matters (the limits' clock, the store's clock),
never raced."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import aiohttp
import pytest

from store.memory import MemoryStore
from tests.support.botapp import RunningApp, running_app
from tests.support.botapp import test_settings as make_settings
from tests.support.directline_client import DirectLineClient, card_text, cards
from webchat import WEBCHAT_KEY
from webchat.channel import GONE

SECRET = "s3cret-directline-value-for-tests"
UNLIMITED = {
    "webchat_tokens_per_minute": 100_000,
    "webchat_conversations_per_minute": 100_000,
    "webchat_address_per_minute": 1_000_000,
}


class Shifted:
    """The store's clock: real time plus a shift the test moves forward."""

    def __init__(self) -> None:
        self.shift = 0.0

    def __call__(self) -> float:
        return time.time() + self.shift


def _stop_time(bot: RunningApp) -> list[float]:
    """Stop the limits' clock; the test moves it by setting now[0]."""
    now = [1000.0]
    bot.app[WEBCHAT_KEY].limits.clock = lambda: now[0]
    return now


async def _many(count: int, call: Any, *, at_once: int = 200) -> list[Any]:
    gate = asyncio.Semaphore(at_once)

    async def one(i: int) -> Any:
        async with gate:
            return await call(i)

    return await asyncio.gather(*(one(i) for i in range(count)))


async def _page_token(bot: RunningApp, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    async with bot.session.post(f"{bot.url}/api/webchat/token", headers=headers) as resp:
        return resp.status, (await resp.json(), dict(resp.headers))


def _refused(answer: tuple[int, Any], whom: str = "") -> None:
    status, (body, headers) = answer
    assert status == 429, answer
    assert body["error"]["code"] == "TooManyRequests" and whom in body["error"]["message"]
    assert 1 <= int(headers["Retry-After"]) <= 60


@pytest.mark.timeout(120)
async def test_a_flood_of_20000_token_requests_gets_429_after_the_limit(tmp_path):
    settings = make_settings(tmp_path)
    async with running_app(settings) as bot:
        now = _stop_time(bot)
        started = time.perf_counter()
        # Half of them claim to be someone else: no proxy is trusted, so that header is nothing.
        answers = await _many(
            20_000,
            lambda i: _page_token(
                bot, {"X-Forwarded-For": f"10.9.{i % 250}.{i % 7}"} if i % 2 else None
            ),
        )
        elapsed = time.perf_counter() - started
        statuses = Counter(status for status, _ in answers)
        print(f"\n20,000 token requests in {elapsed:.1f} s: {dict(statuses)}")
        limit = settings.webchat_address_per_minute
        assert statuses == {200: limit, 429: 20_000 - limit}
        _refused(next(a for a in answers if a[0] == 429), "client address")
        # The bucket refills evenly over the minute: 30 s later, half a minute's worth.
        now[0] += 30
        later = [await _page_token(bot) for _ in range(limit // 2 + 1)]
        assert [s for s, _ in later] == [200] * (limit // 2) + [429]
        assert bot.app[WEBCHAT_KEY].limits.tracked() <= 2  # one client: one bucket


async def test_a_signed_in_user_and_an_address_behind_a_trusted_proxy_have_their_own_limits(
    tmp_path,
):
    settings = make_settings(
        tmp_path,
        webchat_trusted_user_header="X-Forwarded-Email",
        webchat_trusted_proxies=("127.0.0.1",),
        webchat_tokens_per_minute=2,
        webchat_address_per_minute=4,
    )

    def who(email: str, client: str) -> dict[str, str]:
        return {"X-Forwarded-Email": email, "X-Forwarded-For": client}

    async with running_app(settings) as bot:
        _stop_time(bot)
        for _ in range(2):
            assert (await _page_token(bot, who("ada@example.com", "10.0.0.1")))[0] == 200
        _refused(await _page_token(bot, who("ada@example.com", "10.0.0.2")), "user")
        assert (await _page_token(bot, who("bob@example.com", "10.0.0.1")))[0] == 200
        # 10.0.0.1 has had 3 of its 4; what a client writes left of the proxy's hop is ignored.
        forged = who("cy@example.com", "1.2.3.4, 10.0.0.1")
        assert (await _page_token(bot, forged))[0] == 200
        _refused(await _page_token(bot, who("di@example.com", "5.6.7.8, 10.0.0.1")), "address")
        assert (await _page_token(bot, who("di@example.com", "10.0.0.3")))[0] == 200


async def test_generate_refresh_and_new_conversations_are_limited_too(tmp_path):
    settings = make_settings(
        tmp_path,
        directline_secret=SECRET,
        webchat_tokens_per_minute=3,
        webchat_conversations_per_minute=2,
        webchat_address_per_minute=1000,
    )
    async with running_app(settings) as bot:
        _stop_time(bot)
        dl = DirectLineClient(bot.session, bot.url)

        async def generate(user: str) -> Any:
            return await dl.call(
                "POST", "/tokens/generate", token=SECRET, json_body={"user": {"id": user}}
            )

        tokens = [await generate("dl_alice") for _ in range(3)]
        assert [a.status for a in tokens] == [200] * 3
        refused = await generate("dl_alice")
        assert refused.status == 429 and refused.code == "TooManyRequests", refused
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert (await generate("dl_bob")).status == 200
        # Refreshing counts against the same user's tokens.
        again = await dl.call("POST", "/tokens/refresh", token=tokens[0].body["token"])
        assert again.status == 429 and again.code == "TooManyRequests"

        for n in range(2):
            started = await dl.call(
                "POST", "/conversations", token=SECRET, json_body={"user": {"id": "dl_carol"}}
            )
            assert started.status == 201, (n, started)
        third = await dl.call(
            "POST", "/conversations", token=SECRET, json_body={"user": {"id": "dl_carol"}}
        )
        assert third.status == 429 and third.code == "TooManyRequests"
        assert "conversations" in third.body["error"]["message"]
        # Starting one that exists already is no new conversation: not counted, not refused.
        token = tokens[1].body["token"]
        assert (await dl.call("POST", "/conversations", token=token, json_body={})).status == 201
        assert (await dl.call("POST", "/conversations", token=token, json_body={})).status == 200


async def _flood_conversations(bot: RunningApp, dl: DirectLineClient, count: int) -> Counter:
    async def start(_: int) -> int:
        answer = await dl.call("POST", "/conversations", token=SECRET, json_body={})
        if answer.status == 503:
            assert answer.code == "ServiceUnavailable" and answer.headers["Retry-After"]
            assert "full" in answer.body["error"]["message"]
        return answer.status

    return Counter(await _many(count, start, at_once=100))


async def _live_user(dl: DirectLineClient) -> Any:
    conv = await dl.page_token()
    await dl.start(conv)
    await dl.wait_for(conv, lambda a: bool(cards(a)))
    await dl.say(conv, "help")
    await dl.wait_for(conv, lambda a: "What I can do" in card_text(cards(a)))
    return conv


@pytest.mark.timeout(120)
async def test_6000_new_conversations_never_evict_one_active_in_the_last_minute(tmp_path):
    clock = Shifted()
    settings = make_settings(
        tmp_path, directline_secret=SECRET, webchat_max_conversations=100, **UNLIMITED
    )
    async with running_app(settings, store=MemoryStore(clock)) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        idle = [
            await dl.call("POST", "/conversations", token=SECRET, json_body={}) for _ in range(60)
        ]
        await bot.app[WEBCHAT_KEY].channel.settle()  # their welcomes are in
        clock.shift += 20 * 60  # nobody spoke in them for 20 minutes
        live = await _live_user(dl)
        clock.shift += 50  # the live user last spoke 50 s ago

        started = time.perf_counter()
        statuses = await _flood_conversations(bot, dl, 6000)
        elapsed = time.perf_counter() - started
        print(f"\n6,000 new conversations (cap 100) in {elapsed:.1f} s: {dict(statuses)}")
        # 39 places were free, the 60 idle ones made room for 60 more, then it was full.
        assert statuses == {201: 99, 503: 6000 - 99}
        await dl.say(live, "help")  # the live user carries on
        assert (await dl.poll(live)) is not None
        gone = await dl.call(
            "GET",
            f"/conversations/{idle[0].body['conversationId']}/activities",
            token=idle[0].body["token"],
        )
        assert gone.status == 404 and gone.code == "NotFound"
        assert gone.body["error"]["message"] == GONE and "expired" in GONE


@pytest.mark.timeout(300)
async def test_at_the_default_cap_a_flood_still_leaves_a_live_conversation(tmp_path):
    """The same with the default cap (5,000): what the issue's 5,100 starts did to a user."""
    settings = make_settings(tmp_path, directline_secret=SECRET, **UNLIMITED)
    async with running_app(settings) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        live = await _live_user(dl)
        started = time.perf_counter()
        statuses = await _flood_conversations(bot, dl, 6000)
        elapsed = time.perf_counter() - started
        print(f"\n6,000 new conversations (cap 5,000) in {elapsed:.1f} s: {dict(statuses)}")
        cap = settings.webchat_max_conversations
        assert statuses == {201: cap - 1, 503: 6000 - cap + 1}
        await dl.say(live, "help")


async def test_an_evicted_conversation_loses_its_socket_and_says_it_expired(tmp_path):
    clock = Shifted()
    settings = make_settings(tmp_path, webchat_max_conversations=2, **UNLIMITED)
    async with running_app(settings, store=MemoryStore(clock)) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        old = await _live_user(dl)
        ws = await bot.session.ws_connect(old.stream_url)
        clock.shift += 11 * 60  # the default: idle after 10 minutes without an activity
        await _live_user(dl)
        await _live_user(dl)  # no room: the idle one is dropped
        async with asyncio.timeout(10):
            while (msg := await ws.receive()).type == aiohttp.WSMsgType.TEXT:
                pass
        # The page's cue to say the chat expired (static/chat.js).
        assert (msg.type, msg.data, msg.extra) == (
            aiohttp.WSMsgType.CLOSE,
            4404,
            "conversation ended",
        )
        # What DirectLineJS does next: reconnect, hear 404 (status Ended); a post fails too.
        reconnect = await dl.call("GET", f"/conversations/{old.conversation_id}", token=old.token)
        assert reconnect.status == 404 and reconnect.body["error"]["message"] == GONE
        post = await dl.post(old, {"type": "message", "text": "hello?"})
        assert post.status == 404 and post.body["error"]["message"] == GONE


async def test_refresh_past_the_longest_token_life_is_refused(tmp_path):
    settings = make_settings(tmp_path, webchat_token_max_lifetime_hours=24)
    async with running_app(settings) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        conv = await _live_user(dl)
        refreshed = await dl.call("POST", "/tokens/refresh", token=conv.token)
        assert refreshed.status == 200
        tokens = bot.app[WEBCHAT_KEY].tokens
        # A token still valid, of a chain that began 24 h and a minute ago.
        old = tokens.issue(
            conv.conversation_id, conv.user_id, ttl_seconds=600, issued_at=time.time() - 86_460
        )
        for method, path in (
            ("POST", "/tokens/refresh"),
            ("GET", f"/conversations/{conv.conversation_id}"),  # a reconnect's token too
        ):
            answer = await dl.call(method, path, token=old)
            assert answer.status == 403 and answer.code == "TokenExpired", answer
            assert "24 hours" in answer.body["error"]["message"]
        # One of 23 hours is refreshed, but only up to the 24th hour.
        young = tokens.issue(
            conv.conversation_id, conv.user_id, issued_at=time.time() - 23 * 3600 - 3000
        )
        answer = await dl.call("POST", "/tokens/refresh", token=young)
        assert answer.status == 200 and 0 < answer.body["expires_in"] <= 600
