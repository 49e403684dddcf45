"""Tokens: bound to one conversation and user, of one kind, unforgeable, and they expire."""

from __future__ import annotations

import pytest

from webchat.tokens import CONVERSATION, STREAM, TokenError, TokenSigner


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_token_carries_its_grant_until_it_expires():
    clock = Clock()
    signer = TokenSigner(ttl_seconds=1800, clock=clock)
    token = signer.issue("conv1", "dl_user")
    grant = signer.verify(token)
    assert (grant.conversation_id, grant.user_id, grant.kind) == ("conv1", "dl_user", CONVERSATION)
    clock.now += 1799
    signer.verify(token)
    clock.now += 1
    with pytest.raises(TokenError) as err:
        signer.verify(token)
    assert err.value.code == "TokenExpired"


def test_tokens_of_another_process_or_kind_grant_nothing():
    a, b = TokenSigner(), TokenSigner()
    token = a.issue("conv1", "dl_user")
    with pytest.raises(TokenError, match="not valid"):
        b.verify(token)  # another process's key
    stream = a.issue("conv1", "dl_user", kind=STREAM)
    with pytest.raises(TokenError, match="cannot be used"):
        a.verify(stream)
    with pytest.raises(TokenError):
        a.verify(token, kind=STREAM)
    assert a.issue("conv1", "dl_user") != token  # never the same twice
    for junk in ("", ".", "a.b.c", "%%%.%%%", token + "x"):
        with pytest.raises(TokenError):
            a.verify(junk)


def test_a_chain_of_refreshes_ends_at_its_longest_life():
    clock = Clock()
    signer = TokenSigner(ttl_seconds=1800, max_lifetime_seconds=24 * 3600, clock=clock)
    start = clock.now
    token = signer.issue("conv1", "dl_user")
    while clock.now + 900 < start + 24 * 3600:  # DirectLineJS refreshes every 15 minutes
        clock.now += 900
        token = signer.refresh(signer.verify(token))
        grant = signer.verify(token)
        assert grant.issued_at == start and grant.expires_at <= start + 24 * 3600
    clock.now = start + 24 * 3600 - 1
    last = signer.verify(token)
    with pytest.raises(TokenError) as err:
        clock.now += 1
        signer.refresh(last)
    assert err.value.code == "TokenExpired" and "24 hours" in err.value.message
    with pytest.raises(TokenError):
        signer.verify(token)  # and the last token of the chain has died with it
