"""Issue 23: a write's outcome is settled by what HubSpot holds, never inferred, and an update
is never re-sent blindly. ContactsService over the official SDK against the local HubSpot, with
its faults aimed at one route (tests/support/aimed_faults.py); "another user" writes straight
into the local HubSpot's store while our request is held. Each test checks what the user is told
and what HubSpot holds, and how many writes it received (its route counters, and the bodies of
the writes it answered: tests/support/processes.py `shared_hubspot`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from contacts import ContactChanged, ContactsService, DuplicateContact
from contacts.budget import RequestBudget
from contacts.hubspot import HubSpotAdapter
from contacts.model import Contact
from contacts.retrying import RetryPolicy
from tests.support.aimed_faults import held, held_now, lost_answer, refused_first
from tests.support.hubspot_server import LocalHubSpot
from tests.support.processes import SharedHubSpot, shared_hubspot

pytestmark = pytest.mark.timeout(60)

FAST = RetryPolicy(attempts=4, backoff_base_seconds=0.01, backoff_cap_seconds=0.05)
OURS = {"email": "ann@lee.io", "firstname": "Ann", "lastname": "Lee", "company": "Initech"}
THEIRS = {"email": "ann@lee.io", "firstname": "Anna", "lastname": "Leigh", "company": "Globex"}


@asynccontextmanager
async def hubspot() -> AsyncIterator[tuple[ContactsService, SharedHubSpot]]:
    async with shared_hubspot() as hs:
        adapter = HubSpotAdapter(
            hs.token, host=hs.url, timeout_seconds=0.4, retry=FAST, budget=RequestBudget.off()
        )
        contacts = ContactsService(adapter)
        try:
            yield contacts, hs
        finally:
            await contacts.aclose()


async def held_contacts(hs: LocalHubSpot) -> list[dict[str, str]]:
    records, _ = await hs.store.page(0, 10_000)
    return [r.props for r in records]


def names(props: dict[str, Any]) -> tuple[str, str, str]:
    return props.get("firstname", ""), props.get("lastname", ""), props.get("company", "")


async def another_user_adds(hs: LocalHubSpot, props: dict[str, str]) -> str:
    """Another user (another instance, or HubSpot's own UI) adds a contact: straight into
    HubSpot, past every fault and every claim of ours."""
    return str((await hs.store.create(dict(props))).id)


# -- creates ---------------------------------------------------------------------------------


async def test_a_refused_create_is_not_ours_when_another_user_added_the_email_meanwhile() -> None:
    """Finding 1's shape: our create is refused before anything is written, another user adds
    the same email with their values, our retry finds that contact. Before: "Contact created"
    with the other user's values. Now: the email is taken, and the user is shown that contact."""
    async with hubspot() as (contacts, hs):
        hs.controls.faults = held("create", after_commit=False)
        ours = asyncio.ensure_future(contacts.create(OURS))
        await held_now(hs, "create")
        theirs = await another_user_adds(hs, THEIRS)
        hs.controls.faults = None
        with pytest.raises(DuplicateContact) as told:
            await ours
        assert told.value.existing is not None
        assert told.value.existing.id == theirs
        assert names(dict(told.value.existing.properties)) == ("Anna", "Leigh", "Globex")
        assert [names(p) for p in await held_contacts(hs)] == [("Anna", "Leigh", "Globex")]
        assert hs.counters["create"].committed == 0


async def test_a_create_whose_answer_was_lost_is_ours_and_not_posted_again() -> None:
    async with hubspot() as (contacts, hs):
        hs.controls.faults = lost_answer("create")
        result = await contacts.create(OURS)
        assert names(dict(result.contact.properties)) == ("Ann", "Lee", "Initech")
        assert [names(p) for p in await held_contacts(hs)] == [("Ann", "Lee", "Initech")]
        assert hs.counters["create"].total == hs.counters["create"].committed == 1


async def test_a_create_refused_once_is_sent_again_and_made_once() -> None:
    async with hubspot() as (contacts, hs):
        hs.controls.faults = refused_first("create")
        result = await contacts.create(OURS)
        assert result.contact.get("company") == "Initech"
        assert hs.counters["create"].total == 2 and hs.counters["create"].committed == 1
        assert len(await held_contacts(hs)) == 1


async def test_batch_creates_settle_each_input_by_its_own_values() -> None:
    """Two users' creates coalesced into one batch/create that HubSpot holds and refuses;
    meanwhile another user adds the second email. The first input is created on the retry,
    the second is told the email is taken, with the other user's contact."""
    second = {**OURS, "email": "bo@lee.io", "firstname": "Bo"}
    async with hubspot() as (contacts, hs):
        hs.controls.faults = held("batch_create", after_commit=False)
        outcomes = asyncio.gather(
            contacts.create(OURS), contacts.create(second), return_exceptions=True
        )
        await held_now(hs, "batch_create")
        theirs = await another_user_adds(hs, {**THEIRS, "email": "bo@lee.io"})
        hs.controls.faults = None
        first_told, second_told = await outcomes
        assert not isinstance(first_told, BaseException)
        assert names(dict(first_told.contact.properties)) == ("Ann", "Lee", "Initech")
        assert isinstance(second_told, DuplicateContact), second_told
        assert second_told.existing is not None and second_told.existing.id == theirs
        stored = sorted((p["email"], *names(p)) for p in await held_contacts(hs))
        assert stored == [("ann@lee.io", "Ann", "Lee", "Initech"), ("bo@lee.io", *names(THEIRS))]
        assert hs.counters["batch_create"].committed == 1


async def test_batch_creates_whose_answer_was_lost_are_ours() -> None:
    second = {**OURS, "email": "bo@lee.io", "firstname": "Bo"}
    async with hubspot() as (contacts, hs):
        hs.controls.faults = lost_answer("batch_create")
        made = await asyncio.gather(contacts.create(OURS), contacts.create(second))
        assert [r.contact.get("firstname") for r in made] == ["Ann", "Bo"]
        assert hs.counters["batch_create"].total == hs.counters["batch_create"].committed == 1
        assert len(await held_contacts(hs)) == 2


# -- updates ---------------------------------------------------------------------------------


async def made(hs: LocalHubSpot, **props: str) -> str:
    return str((await hs.store.create({**OURS, **props})).id)


async def test_an_update_whose_answer_was_lost_is_not_sent_again() -> None:
    """Finding 4: the PATCH committed, its answer was lost. Before: sent again blindly (up to
    10 s later, over anyone's change). Now: the contact is read, holds the new value: done."""
    async with hubspot() as (contacts, hs):
        ann = await made(hs)
        pending = await contacts.plan_update(ann, {"company": "Globex"})
        hs.controls.faults = lost_answer("update")
        updated = await contacts.apply_update(pending)
        assert updated.get("company") == "Globex"
        assert hs.counters["update"].total == hs.counters["update"].committed == 1
        # HubSpot's only PATCH committed (and was answered with a 503); nothing was sent again.
        assert hs.updates_of(ann) == [{"company": "Globex"}]


async def test_an_update_held_while_another_user_changes_the_field_is_not_sent_again() -> None:
    """Our PATCH is refused; meanwhile another user changes the same field. The re-send would
    overwrite them: the user is told the contact changed since the preview, and shown it."""
    async with hubspot() as (contacts, hs):
        ann = await made(hs)
        pending = await contacts.plan_update(ann, {"company": "Globex"})
        hs.controls.faults = held("update", after_commit=False)
        ours = asyncio.ensure_future(contacts.apply_update(pending))
        await held_now(hs, "update")
        await hs.store.update(ann, {"company": "Umbrella"})
        hs.controls.faults = None
        with pytest.raises(ContactChanged) as told:
            await ours
        assert told.value.current.get("company") == "Umbrella"
        assert [p["company"] for p in await held_contacts(hs)] == ["Umbrella"]
        assert hs.counters["update"].committed == 0


async def test_an_update_held_after_it_committed_is_done_when_read() -> None:
    async with hubspot() as (contacts, hs):
        ann = await made(hs)
        pending = await contacts.plan_update(ann, {"company": "Globex", "jobtitle": "CTO"})
        hs.controls.faults = held("update", after_commit=True)
        updated = await contacts.apply_update(pending)
        assert (updated.get("company"), updated.get("jobtitle")) == ("Globex", "CTO")
        assert hs.counters["update"].total == hs.counters["update"].committed == 1


async def test_a_re_send_carries_only_the_fields_not_yet_written() -> None:
    """Another user set one of our two fields to our new value while our PATCH was held: the
    re-send carries the other field alone."""
    async with hubspot() as (contacts, hs):
        ann = await made(hs)
        pending = await contacts.plan_update(ann, {"company": "Globex", "jobtitle": "CTO"})
        hs.controls.faults = held("update", after_commit=False)
        ours = asyncio.ensure_future(contacts.apply_update(pending))
        await held_now(hs, "update")
        await hs.store.update(ann, {"jobtitle": "CTO"})
        hs.controls.faults = None
        updated = await ours
        assert (updated.get("company"), updated.get("jobtitle")) == ("Globex", "CTO")
        assert hs.updates_of(ann) == [{"company": "Globex"}]


async def test_an_update_refused_before_writing_is_sent_again_once() -> None:
    async with hubspot() as (contacts, hs):
        ann = await made(hs)
        pending = await contacts.plan_update(ann, {"company": "Globex"})
        hs.controls.faults = refused_first("update")
        updated = await contacts.apply_update(pending)
        assert updated.get("company") == "Globex"
        assert hs.counters["update"].total == 2 and hs.counters["update"].committed == 1
        assert hs.updates_of(ann) == [{"company": "Globex"}]


async def test_batch_updates_follow_the_same_rules_per_input() -> None:
    """Two users' Confirms coalesced into one batch/update, held; meanwhile another user
    changes the second contact's company. The first is re-sent alone; the second is told the
    contact changed since the preview and is not overwritten."""
    async with hubspot() as (contacts, hs):
        ann, bo = await made(hs), await made(hs, email="bo@lee.io", firstname="Bo")
        first = await contacts.plan_update(ann, {"company": "Globex"})
        second = await contacts.plan_update(bo, {"company": "Globex"})
        hs.controls.faults = held("batch_update", after_commit=False)
        outcomes = asyncio.gather(
            contacts.apply_update(first), contacts.apply_update(second), return_exceptions=True
        )
        await held_now(hs, "batch_update")
        await hs.store.update(bo, {"company": "Umbrella"})
        hs.controls.faults = None
        first_told, second_told = await outcomes
        assert isinstance(first_told, Contact) and first_told.get("company") == "Globex"
        assert isinstance(second_told, ContactChanged), second_told
        assert second_told.current.get("company") == "Umbrella"
        stored = {p["email"]: p["company"] for p in await held_contacts(hs)}
        assert stored == {"ann@lee.io": "Globex", "bo@lee.io": "Umbrella"}
        assert hs.counters["batch_update"].total == 2  # the held one, and the re-send
        assert hs.counters["batch_update"].committed == 1


async def test_batch_updates_whose_answer_was_lost_are_not_sent_again() -> None:
    async with hubspot() as (contacts, hs):
        ann, bo = await made(hs), await made(hs, email="bo@lee.io", firstname="Bo")
        pendings = [await contacts.plan_update(c, {"company": "Globex"}) for c in (ann, bo)]
        hs.controls.faults = lost_answer("batch_update")
        updated = await asyncio.gather(*(contacts.apply_update(p) for p in pendings))
        assert [c.get("company") for c in updated] == ["Globex", "Globex"]
        assert hs.counters["batch_update"].total == hs.counters["batch_update"].committed == 1
