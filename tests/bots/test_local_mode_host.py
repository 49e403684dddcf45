"""Local mode answers only requests addressed to localhost: a DNS-rebinding page that points its
own name at 127.0.0.1 is refused before it reaches the bot or the Web Chat token."""

from __future__ import annotations

import pytest

from tests.support import activities as act
from tests.support.botapp import running_app, test_settings
from tests.support.channel import TestChannel


@pytest.mark.parametrize("host", ["evil.example:3978", "evil.example", "10.0.0.5:3978"])
async def test_a_foreign_host_is_refused_in_local_mode(tmp_path, host):
    async with running_app(test_settings(tmp_path)) as bot, TestChannel() as channel:
        update = act.emulator_conversation_update("c1|livechat", channel.service_url)
        resp = await bot.post(update, headers={"Host": host})
        assert resp.status == 421
        async with bot.session.post(
            f"{bot.url}/api/webchat/token", headers={"Host": host}
        ) as token:
            assert token.status == 421
        assert channel.activities("c1|livechat") == []


@pytest.mark.parametrize("host", ["localhost:3978", "127.0.0.1:3978", "[::1]:3978", "localhost"])
async def test_loopback_names_work(tmp_path, host):
    async with running_app(test_settings(tmp_path)) as bot, TestChannel() as channel:
        update = act.emulator_conversation_update("c2|livechat", channel.service_url)
        resp = await bot.post(update, headers={"Host": host})
        assert resp.status in (200, 201, 202)
        assert len(channel.activities("c2|livechat")) == 1  # the welcome card


async def test_with_allow_remote_any_host_is_answered(tmp_path):
    async with (
        running_app(test_settings(tmp_path, allow_remote=True)) as bot,
        TestChannel() as channel,
    ):
        update = act.emulator_conversation_update("c3|livechat", channel.service_url)
        resp = await bot.post(update, headers={"Host": "crm-bot.intranet.example"})
        assert resp.status in (200, 201, 202)
