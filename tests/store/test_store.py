"""The store's rules, the same for memory, SQLite and a real PostgreSQL server: eTags, processed
activities, claims taken once, the audit log, shared secrets, and one turn at a time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from store import AuditEntry, EtagConflict, Store
from store.memory import MemoryStore
from store.postgres import PostgresStore
from store.sqlite import SqliteStore
from tests.support.postgres import PostgresServer

KINDS = ["memory", "sqlite", "postgres"]


@pytest.fixture(params=KINDS)
async def store(request, tmp_path) -> AsyncIterator[Store]:
    made: Store
    if request.param == "memory":
        made = MemoryStore()
    elif request.param == "sqlite":
        made = SqliteStore(tmp_path / "state.sqlite3")
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        made = PostgresStore(await asyncio.to_thread(server.new_database))
    await made.open()
    try:
        yield made
    finally:
        await made.close()


async def test_etags_refuse_a_stale_write_and_write_nothing(store):
    (etag,) = (await store.write({"a": (None, {"n": 1})})).values()
    await store.write({"a": (etag, {"n": 2})})
    with pytest.raises(EtagConflict):
        await store.write({"b": (None, {"n": 9}), "a": (etag, {"n": 3})})
    docs = await store.read(["a", "b"])
    assert docs["a"].data == {"n": 2} and "b" not in docs
    await store.write({"a": ("*", {"n": 4, "name": "김민수"})})
    assert (await store.read(["a"]))["a"].data == {"n": 4, "name": "김민수"}
    await store.delete(["a"])
    assert await store.read(["a"]) == {}


async def test_a_claim_is_taken_once_even_by_racing_callers(store):
    claims = await asyncio.gather(*(store.claim("update/x", by=f"u{i}") for i in range(20)))
    fresh = [c for c in claims if c.fresh]
    assert len(fresh) == 1
    assert all(c.by == fresh[0].by and c.state == "claimed" for c in claims)
    await store.finish("update/x", {"contact_id": "7"})
    later = await store.claim("update/x", by="someone")
    assert not later.fresh and later.state == "done" and later.result == {"contact_id": "7"}
    assert await store.lookup_claim("update/x") == later
    assert await store.lookup_claim("update/never") is None
    await store.claim("update/y", by="u1")
    await store.release("update/y")  # nothing was written: the write may be tried again
    assert (await store.claim("update/y", by="u2")).fresh


async def test_processed_activities_are_remembered(store):
    assert not await store.processed("msteams/c/1")
    await store.mark_processed("msteams/c/1")
    assert await store.processed("msteams/c/1")
    assert not await store.processed("msteams/c/2")


async def test_the_audit_log_keeps_who_wrote_what_newest_first(store):
    for i, action in enumerate(["create", "update"]):
        await store.record(
            AuditEntry(
                at=1000.0 + i,
                actor_id="aad-1",
                actor_name="김민수",
                channel="msteams",
                conversation="c1",
                action=action,
                contact_id="42",
                properties={"company": "Globex"},
            )
        )
    newest, oldest = await store.audit_log()
    assert (newest.action, oldest.action) == ("update", "create")
    assert newest.actor_name == "김민수" and newest.properties == {"company": "Globex"}


async def test_a_finished_claim_and_its_audit_row_are_written_together(store):
    entry = AuditEntry(1.0, "aad-1", "Ann", "msteams", "c1", "update", "42", {"jobtitle": "CTO"})
    await store.claim("update/z", by="aad-1")
    await store.finish("update/z", {"contact_id": "42"}, audit=entry)
    assert (await store.lookup_claim("update/z")).state == "done"
    assert await store.audit_log() == [entry]
    await store.finish("update/none", {"contact_id": "1"})  # no such claim: nothing happens
    assert await store.lookup_claim("update/none") is None and await store.audit_log() == [entry]


async def test_a_secret_is_made_once_and_shared(store):
    first = await store.secret("directline")
    assert len(first) >= 32 and await store.secret("directline") == first
    assert await store.secret("other") != first


async def test_turns_of_one_conversation_run_one_at_a_time(store):
    inside: list[str] = []
    overlaps: list[str] = []

    async def turn(key: str, n: int) -> None:
        async with store.turn(key):
            if key in inside:
                overlaps.append(key)
            inside.append(key)
            await asyncio.sleep(0.01)
            inside.remove(key)

    await asyncio.gather(*(turn(f"conv{n % 2}", n) for n in range(10)))
    assert overlaps == []


async def test_postgres_turn_locks_hold_across_instances_and_die_with_them(postgres):
    url = await asyncio.to_thread(postgres.new_database)
    a, b = PostgresStore(url), PostgresStore(url)
    await asyncio.gather(a.open(), b.open())  # two instances migrating at once
    try:
        order: list[str] = []
        async with a.turn("conv"):
            waiting = asyncio.ensure_future(_hold(b, "conv", order))
            await asyncio.sleep(0.3)
            order.append("a done")
        await asyncio.wait_for(waiting, 10)
        assert order == ["a done", "b in"]
        # An instance that dies mid-turn (PostgreSQL sees its connection drop: here the
        # server ends that backend, as it does for a killed process) leaves nothing locked.
        crashed = PostgresStore(url)
        await crashed.open()
        holder = asyncio.ensure_future(_hold(crashed, "conv2", [], forever=True))
        await asyncio.sleep(0.3)
        killed = await asyncio.to_thread(_end_advisory_lock_holders, postgres)
        assert killed == 1
        await asyncio.wait_for(_hold(b, "conv2", order), 10)
        assert order[-1] == "b in"
        holder.cancel()
        await asyncio.gather(holder, return_exceptions=True)
        await crashed.close()
    finally:
        await a.close()
        await b.close()


async def _hold(store: Store, key: str, order: list[str], forever: bool = False) -> None:
    async with store.turn(key):
        order.append("b in")
        if forever:
            await asyncio.Event().wait()


def _end_advisory_lock_holders(server: PostgresServer) -> int:
    import psycopg

    with psycopg.connect(server.admin_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        ).fetchall()
    return len(rows)


# -- the Direct Line channel's conversations --------------------------------------------------
async def test_channel_conversations_number_their_activities_and_keep_the_newest(store):
    from store.base import ChannelConversation

    heard: list[tuple[str, dict]] = []
    store.channel_listen(lambda conv, message: heard.append((conv, message)))
    conv = ChannelConversation("c1", "dl_me", "ko-KR")
    assert await store.channel_start(conv, keep=10, active_seconds=600) is True
    assert (
        await store.channel_start(
            ChannelConversation("c1", "dl_other"), keep=10, active_seconds=600
        )
        is False
    )
    got = await store.channel_get("c1")
    assert (got.user_id, got.locale, got.seq) == ("dl_me", "ko-KR", 0)
    assert await store.channel_since("c1", None, 100) == ([], 0)
    ids = [
        await store.channel_append("c1", {"text": f"m{n}", "id": "x"}, keep_id=False, history=3)
        for n in range(5)
    ]
    assert ids == [f"c1|{n:07d}" for n in range(1, 6)]
    activities, mark = await store.channel_since("c1", None, 100)
    assert [a["text"] for a in activities] == ["m2", "m3", "m4"] and mark == 5
    assert [a["id"] for a in activities] == ids[2:]
    activities, mark = await store.channel_since("c1", 3, 1)
    assert [a["text"] for a in activities] == ["m3"] and mark == 4
    assert await store.channel_since("c1", 5, 100) == ([], 5)
    # An update of an earlier activity keeps its id under the next watermark.
    again = await store.channel_append(
        "c1", {"text": "m4 edited", "id": ids[3]}, keep_id=True, history=3
    )
    assert again == ids[3]
    activities, mark = await store.channel_since("c1", 5, 100)
    assert activities == [{"text": "m4 edited", "id": ids[3]}] and mark == 6
    assert (await store.channel_get("c1")).seq == 6
    assert await store.channel_append("nope", {"text": "x"}, keep_id=False, history=3) is None
    await store.channel_signal("c1", {"frame": {"activities": [{"type": "typing"}]}})
    for _ in range(200):  # PostgreSQL's notifications arrive on their own connection
        if len(heard) >= 7:
            break
        await asyncio.sleep(0.01)
    assert heard == [("c1", {"seq": n}) for n in range(1, 7)] + [
        ("c1", {"frame": {"activities": [{"type": "typing"}]}})
    ]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=KINDS)
async def clocked(request, tmp_path) -> AsyncIterator[tuple[Store, Clock]]:
    """A store of each kind on a clock the test moves."""
    clock = Clock()
    made: Store
    if request.param == "memory":
        made = MemoryStore(clock)
    elif request.param == "sqlite":
        made = SqliteStore(tmp_path / "state.sqlite3", clock)
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        made = PostgresStore(await asyncio.to_thread(server.new_database), clock=clock)
    await made.open()
    try:
        yield made, clock
    finally:
        await made.close()


async def test_channel_keeps_at_most_so_many_conversations_dropping_the_idlest(clocked):
    from store.base import ChannelConversation

    store, clock = clocked
    heard: list[tuple[str, dict]] = []
    store.channel_listen(lambda conv, message: heard.append((conv, message)))
    for name in ("a", "b", "c"):
        await store.channel_start(ChannelConversation(name, "dl_u"), keep=3, active_seconds=600)
        clock.now += 1
    await store.channel_append("a", {"text": "still here"}, keep_id=False, history=10)
    clock.now += 601  # a spoke 601 s ago, b and c started before that: all idle
    await store.channel_start(ChannelConversation("d", "dl_u"), keep=3, active_seconds=600)
    assert await store.channel_get("b") is None
    assert await store.channel_since("b", None, 100) == ([], 0)
    for kept in ("a", "c", "d"):
        assert await store.channel_get(kept) is not None
    assert [x["text"] for x in (await store.channel_since("a", None, 10))[0]] == ["still here"]
    for _ in range(100):  # PostgreSQL's NOTIFY arrives on its own connection
        if ("b", {"ended": True}) in heard:
            break
        await asyncio.sleep(0.01)
    assert ("b", {"ended": True}) in heard


async def test_channel_never_drops_an_active_conversation_and_refuses_instead(clocked):
    from store.base import ChannelConversation, ChannelFull

    store, clock = clocked
    for name in ("idle1", "idle2", "live"):
        await store.channel_start(ChannelConversation(name, "dl_u"), keep=3, active_seconds=600)
    clock.now += 3600
    await store.channel_append("live", {"text": "hi"}, keep_id=False, history=10)
    clock.now += 60  # live spoke a minute ago; the idle ones an hour ago
    await store.channel_start(ChannelConversation("new1", "dl_u"), keep=3, active_seconds=600)
    await store.channel_start(ChannelConversation("new2", "dl_u"), keep=3, active_seconds=600)
    assert await store.channel_get("idle1") is None and await store.channel_get("idle2") is None
    for _ in range(3):  # every one kept is active now: refused, and nothing is dropped
        with pytest.raises(ChannelFull):
            await store.channel_start(
                ChannelConversation("new3", "dl_u"), keep=3, active_seconds=600
            )
    assert await store.channel_get("new3") is None
    for kept in ("live", "new1", "new2"):
        assert await store.channel_get(kept) is not None
    # An existing conversation "starts" again as before, full or not.
    assert (
        await store.channel_start(ChannelConversation("live", "dl_u"), keep=3, active_seconds=600)
        is False
    )
    clock.now += 541  # live's activity is now 601 s old, new1's and new2's 541 s
    await store.channel_start(ChannelConversation("new3", "dl_u"), keep=3, active_seconds=600)
    assert await store.channel_get("live") is None  # the idlest, and idle now
    assert await store.channel_get("new1") is not None


FULL = AuditEntry(
    at=2000.0,
    actor_id="dl_abc",
    actor_name="Ann",
    channel="directline",
    conversation="c2",
    action="update",
    contact_id="42",
    properties={"company": "Globex"},
    old={"company": "Acme"},
    outcome="may-have-been-written",
    actor_email="ann@acme.com",
    actor_tenant="t-1",
)
REFUSED = AuditEntry(
    at=3000.0,
    actor_id="aad-2",
    actor_name="Bob",
    channel="msteams",
    conversation="c3",
    action="update",
    contact_id="",
    properties={"phone": "+1 415 555 0199"},
    outcome="refused",
    reason="read_only",
    actor_email="bob@acme.com",
    target="jane@acme.com",
)


async def test_the_audit_log_keeps_old_and_new_the_outcome_and_whom_and_filters(store):
    await store.record(FULL)
    await store.claim("update/f", by="aad-2")
    await store.finish("update/f", {"contact_id": "42"}, audit=REFUSED)
    assert await store.audit_log() == [REFUSED, FULL]
    assert await store.audit_log(contacts=("42",)) == [FULL]
    assert await store.audit_log(contacts=("42", "JANE@acme.com")) == [REFUSED, FULL]
    assert await store.audit_log(user="ANN@acme.com") == [FULL]
    assert await store.audit_log(user="aad-2") == [REFUSED]
    assert await store.audit_log(since=2500.0) == [REFUSED]
    assert await store.audit_log(1, since=0.0) == [REFUSED]


OLD_AUDIT_LOG = (
    "CREATE TABLE audit_log (id {serial} PRIMARY KEY, at {real} NOT NULL, "
    "actor_id TEXT NOT NULL, actor_name TEXT NOT NULL, channel TEXT NOT NULL, "
    "conversation TEXT NOT NULL, action TEXT NOT NULL, contact_id TEXT NOT NULL, "
    "properties TEXT NOT NULL)"
)
OLD_ROW = (
    "INSERT INTO audit_log(at, actor_id, actor_name, channel, conversation, action, "
    "contact_id, properties) VALUES (5.0, 'aad-1', 'Ann', 'msteams', 'c1', 'create', '7', "
    """'{"email": "a@b.co"}')"""
)
OLD_ENTRY = AuditEntry(5.0, "aad-1", "Ann", "msteams", "c1", "create", "7", {"email": "a@b.co"})


async def test_an_old_sqlite_audit_log_is_migrated_at_open_keeping_its_rows(tmp_path):
    import sqlite3

    path = tmp_path / "state.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(OLD_AUDIT_LOG.format(serial="INTEGER", real="REAL"))
        conn.execute(OLD_ROW)
    for _ in range(2):  # and again: the migration is idempotent
        store = SqliteStore(path)
        await store.open()
        try:
            assert (await store.audit_log())[-1] == OLD_ENTRY
            await store.record(FULL)
        finally:
            await store.close()
    store = SqliteStore(path)
    await store.open()
    try:
        assert await store.audit_log() == [FULL, FULL, OLD_ENTRY]
    finally:
        await store.close()


async def test_an_old_postgres_audit_log_is_migrated_at_open_keeping_its_rows(postgres):
    import psycopg

    url = await asyncio.to_thread(postgres.new_database)

    def old_schema() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(OLD_AUDIT_LOG.format(serial="BIGSERIAL", real="DOUBLE PRECISION"))
            conn.execute(OLD_ROW)

    await asyncio.to_thread(old_schema)
    a, b = PostgresStore(url), PostgresStore(url)
    await asyncio.gather(a.open(), b.open())  # two instances migrating at once
    try:
        assert await a.audit_log() == [OLD_ENTRY]
        await b.record(FULL)
        assert await a.audit_log() == [FULL, OLD_ENTRY]
    finally:
        await a.close()
        await b.close()


# -- the inbox: activities answered at once, handled in the background -----------------------
async def test_the_inbox_keeps_an_accepted_activity_until_done_and_hands_it_over_on_expiry(
    clocked,
):
    store, clock = clocked
    record = {"activity": {"type": "message", "text": "안녕 find jane"}, "auth": {"claims": {}}}
    assert await store.inbox_accept("k1", record, owner="a", lease_seconds=10) is True
    # A redelivery while the first is still in hand is not kept twice.
    assert await store.inbox_accept("k1", {"other": True}, owner="b", lease_seconds=10) is False
    clock.now += 1
    assert await store.inbox_accept("k2", {"n": 2}, owner="a", lease_seconds=10) is True
    # Leased: nobody else takes them.
    assert await store.inbox_take(owner="b", lease_seconds=10, limit=10) == []
    # The owner is alive and renews k1 only; k2's lease runs out (its owner stalled or died).
    clock.now += 8
    await store.inbox_renew(["k1"], owner="a", lease_seconds=10)
    await store.inbox_renew(["k1"], owner="b", lease_seconds=100)  # not b's: no effect
    clock.now += 5
    taken = await store.inbox_take(owner="b", lease_seconds=10, limit=10)
    assert [(i.key, i.record, i.attempts) for i in taken] == [("k2", {"n": 2}, 2)]
    # Taken once: another instance asking at the same moment gets nothing.
    assert await store.inbox_take(owner="c", lease_seconds=10, limit=10) == []
    clock.now += 20  # now every lease ran out: oldest first, the record as it was kept
    taken = await store.inbox_take(owner="c", lease_seconds=10, limit=1)
    assert [(i.key, i.record, i.attempts) for i in taken] == [("k1", record, 2)]
    await store.inbox_done("k1")
    clock.now += 20
    taken = await store.inbox_take(owner="d", lease_seconds=10, limit=10)
    assert [(i.key, i.attempts) for i in taken] == [("k2", 3)]
    await store.inbox_done("k2")
    clock.now += 20
    assert await store.inbox_take(owner="d", lease_seconds=10, limit=10) == []
    # Done means gone: the same key may be accepted again (the processed-ids check, not the
    # inbox, is what stops a redelivery after its turn ended).
    assert await store.inbox_accept("k1", record, owner="a", lease_seconds=10) is True


async def test_a_process_that_is_the_stores_only_user_takes_its_previous_runs_items(clocked):
    store, _ = clocked
    await store.inbox_accept("left", {"n": 1}, owner="run-1", lease_seconds=60)
    await store.inbox_accept("mine", {"n": 2}, owner="run-2", lease_seconds=60)
    assert await store.inbox_take(owner="run-2", lease_seconds=60, limit=10) == []
    taken = await store.inbox_take(owner="run-2", lease_seconds=60, limit=10, orphaned=True)
    assert [(i.key, i.attempts) for i in taken] == [("left", 2)]
