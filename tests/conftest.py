"""Shared fixtures. Every card any test's channel received is checked against the Adaptive Cards
1.5 schema when the session ends, so a flow that sends a broken card fails the run even when no
test looked at that card."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.support.cardschema import card_problems
from tests.support.channel import SESSION_CARDS, TestChannel


@pytest.fixture(scope="session", autouse=True)
def every_card_sent_is_valid() -> Iterator[None]:
    yield
    bad = []
    seen: set[str] = set()
    for where, card in SESSION_CARDS:
        problems = card_problems(card)
        key = repr(problems)
        if problems and key not in seen:
            seen.add(key)
            bad.append(f"{where}: {problems[:3]}")
    SESSION_CARDS.clear()
    assert not bad, "cards sent in this session are not valid Adaptive Cards 1.5:\n" + \
        "\n".join(bad[:20])


@pytest.fixture
async def channel() -> AsyncIterator[TestChannel]:
    async with TestChannel() as test_channel:
        yield test_channel
