"""The audit trail, end to end: a scripted chat of creates, updates, a read-only user's refused
write and a write HubSpot may have made without saying so; then `python -m store audit` (a real
subprocess on the test's SQLite file) prints exactly those events, with the right users and
old -> new values. In chat, an admin sees a contact's history as a card; others are refused."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hubspot_local.options import Faults
from tests.support.aimed_faults import in_order
from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import heading

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "33333333-3333-3333-3333-333333333333"  # the fixtures' Teams user
READER = "44444444-4444-4444-4444-444444444444"
TENANT = "11111111-1111-1111-1111-111111111111"


@dataclass
class TeamsUser(Conversation):
    """A Teams chat of a user other than the fixtures' own (their aadObjectId, name, and the
    email the roster gives for them)."""

    aad: str = ADMIN
    name: str = "Ann Admin"
    upn: str = "ann@acme.com"

    def __post_init__(self) -> None:
        # As in Teams, the activity names the user by ids only; the email comes from the
        # roster (`GET .../members/{id}`), which the test channel serves.
        self.channel.members[f"29:{self.aad}"] = {
            "id": f"29:{self.aad}",
            "name": self.name,
            "aadObjectId": self.aad,
            "email": self.upn,
            "userPrincipalName": self.upn,
        }

    def _builders(self) -> dict[str, Any]:
        def as_me(build: Any) -> Any:
            def built(*args: Any) -> dict[str, Any]:
                activity = build(*args)
                activity["from"] = {
                    "id": f"29:{self.aad}",
                    "name": self.name,
                    "aadObjectId": self.aad,
                }
                return activity

            return built

        return {k: as_me(v) for k, v in super()._builders().items()}


def _settings(tmp_path: Path, **more: Any) -> Any:
    return test_settings(
        tmp_path, state_storage="sqlite", readonly_users=(READER,), admin_users=(ADMIN,), **more
    )


def audit_command(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m store audit ...` as an operator runs it, settings from the environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "STATE_STORAGE")}
    env |= {"DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "store", "audit", *args],
        cwd=tmp_path,  # no .env of the repository's
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


async def _session(bot: Any, channel: Any) -> dict[str, str]:
    """The scripted session; returns Jane's and Ann Lee's record ids."""
    ann = TeamsUser(bot, channel, kind="teams")
    await ann.start()
    (reply, *_) = await ann.say("add Jane Doe jane@acme.com Acme")
    assert heading(reply.cards[0]) == "Contact created", reply.text
    jane = await bot.contacts.find_by_email("jane@acme.com")
    (reply,) = await ann.say("change company of jane@acme.com to Globex")
    reply, _ended = await ann.click(action_data(reply.cards[0], "Confirm"))
    assert heading(reply.cards[0]) == "Contact updated"

    bob = TeamsUser(bot, channel, kind="teams", aad=READER, name="Bob Reader", upn="bob@acme.com")
    await bob.start()
    (reply,) = await bob.say("change phone of jane@acme.com to +1 415 555 0199")
    assert reply.text.startswith("You have read-only access")

    # HubSpot applies the change and the answer is lost, and the contact cannot be read
    # afterwards (the evidence a re-send is decided by): the bot cannot know it was written.
    (reply,) = await ann.say("change job title of jane@acme.com to CTO")
    confirm = action_data(reply.cards[0], "Confirm")
    controls = bot.hubspot_local.controls
    controls.faults = in_order([("read", False), ("update", True)] + [("read", True)] * 6)
    reply, _ended = await ann.click(confirm)
    controls.faults = Faults()
    assert reply.text.startswith("HubSpot did not confirm"), reply.text
    assert (await bot.contacts.get(jane.id)).get("jobtitle") == "CTO"  # it was, in fact
    return {"jane": jane.id}


async def test_the_audit_command_prints_exactly_the_sessions_writes(tmp_path, channel):
    async with running_app(_settings(tmp_path)) as bot:
        ids = await _session(bot, channel)
    jane = ids["jane"]

    done = await asyncio.to_thread(audit_command, tmp_path, "--json")
    assert done.returncode == 0, done.stderr
    entries = [json.loads(line) for line in done.stdout.splitlines()]
    got = [
        (
            e["outcome"],
            e["reason"],
            e["action"],
            e["contact_id"] or e["target"],
            e["actor_id"],
            e["actor_name"],
            e["actor_email"],
            e["old"],
            e["properties"],
        )
        for e in entries
    ]
    assert got == [
        (
            "applied",
            "",
            "create",
            jane,
            ADMIN,
            "Ann Admin",
            "ann@acme.com",
            {},
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com", "company": "Acme"},
        ),
        (
            "applied",
            "",
            "update",
            jane,
            ADMIN,
            "Ann Admin",
            "ann@acme.com",
            {"company": "Acme"},
            {"company": "Globex"},
        ),
        (
            "refused",
            "read_only",
            "update",
            "jane@acme.com",
            READER,
            "Bob Reader",
            "bob@acme.com",
            {},
            {"phone": "+1 415 555 0199"},
        ),
        (
            "may-have-been-written",
            "",
            "update",
            jane,
            ADMIN,
            "Ann Admin",
            "ann@acme.com",
            {"jobtitle": ""},
            {"jobtitle": "CTO"},
        ),
    ]
    assert {(e["channel"], e["actor_tenant"]) for e in entries} == {("msteams", TENANT)}

    # The filters, and the table.
    by_bob = await asyncio.to_thread(audit_command, tmp_path, "--user", "BOB@acme.com", "--json")
    assert [json.loads(x)["actor_name"] for x in by_bob.stdout.splitlines()] == ["Bob Reader"]
    of_jane = await asyncio.to_thread(audit_command, tmp_path, "--contact", jane, "--json")
    assert len(of_jane.stdout.splitlines()) == 3  # the refused one named her by email
    later = await asyncio.to_thread(audit_command, tmp_path, "--since", "2999-01-01", "--json")
    assert later.returncode == 0 and later.stdout == ""
    table = await asyncio.to_thread(audit_command, tmp_path)
    lines = table.stdout.splitlines()
    assert lines[0].split() == [
        "when",
        "outcome",
        "action",
        "contact",
        "user",
        "channel",
        "changes",
    ]
    assert len(lines) == 5
    assert "company: 'Acme' -> 'Globex'" in lines[2] and "Ann Admin <ann@acme.com>" in lines[2]
    assert "refused (read_only)" in lines[3] and "jane@acme.com" in lines[3]
    assert "may-have-been-written" in lines[4] and "jobtitle: '' -> 'CTO'" in lines[4]


async def test_the_audit_command_never_prints_a_secret(tmp_path):
    env_url = "postgresql://bot:s3cret-pw@127.0.0.1:1/crm"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "STATE_STORAGE")} | {
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": env_url,
        "HUBSPOT_ACCESS_TOKEN": "pat-secret",
    }
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "store", "audit"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1
    assert "s3cret" not in done.stdout + done.stderr and "pat-secret" not in done.stderr
    assert "could not read the PostgreSQL store" in done.stderr


def _texts(card: dict[str, Any]) -> list[str]:
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("TextRun", "TextBlock") and isinstance(node.get("text"), str):
                out.append(node["text"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(card)
    return out


@pytest.mark.parametrize(
    ("locale", "ask", "shown", "title", "refusal"),
    [
        (
            "en-US",
            "history jane@acme.com",
            "Change history of Jane Doe.",
            "Change history",
            "Only admins",
        ),
        (
            "ko-KR",
            "변경 이력 jane@acme.com",
            "변경 이력: Jane Doe",
            "변경 이력",
            "연락처의 변경 이력은 관리자만",
        ),
    ],
)
async def test_an_admin_sees_a_contacts_history_as_a_card_others_are_refused(
    tmp_path, channel, locale, ask, shown, title, refusal
):
    async with running_app(_settings(tmp_path)) as bot:
        await _session(bot, channel)
        ann = TeamsUser(bot, channel, kind="teams", locale=locale)
        await ann.start()
        (reply,) = await ann.say(ask)
        assert reply.text == shown
        (card,) = reply.cards
        assert heading(card) == title
        texts = _texts(card)
        assert any("Ann Admin, ann@acme.com" in t for t in texts), texts
        assert any("Bob Reader, bob@acme.com" in t for t in texts), texts
        assert any("Globex" in t and "Acme" in t and "→" in t for t in texts), texts
        assert any("CTO" in t for t in texts), texts

        bob = TeamsUser(bot, channel, kind="teams", aad=READER, name="Bob", locale=locale)
        await bob.start()
        (reply,) = await bob.say(ask)
        assert reply.text.startswith(refusal) and reply.cards == []
        carl = TeamsUser(bot, channel, kind="teams", aad="5" * 8, name="Carl", locale=locale)
        await carl.start()
        (reply,) = await carl.say(ask)
        assert reply.text.startswith(refusal) and reply.cards == []


async def test_refused_writes_of_users_the_lists_keep_out_and_of_bad_values_are_recorded(
    tmp_path, channel
):
    settings = _settings(tmp_path, allowed_users=(ADMIN,))
    async with running_app(settings) as bot:
        ann = TeamsUser(bot, channel, kind="teams")
        (welcome,) = await ann.start()
        (form,) = await ann.click(action_data(welcome.cards[0], "Create contact"))
        create = action_data(form.cards[0], "Create")
        (reply,) = await ann.click({**create, "firstname": "X", "email": "nope"})
        assert reply.cards and reply.updated, "the form again, in its place, naming the field"
        eve = TeamsUser(bot, channel, kind="teams", aad="6" * 8, name="Eve", upn="eve@x.com")
        await eve.start()
        (reply,) = await eve.say("add Ann Lee ann@globex.com")
        assert reply.text.startswith("Sorry, you are not allowed")
        (reply,) = await eve.say("find ann@globex.com")  # not a write: not recorded
    done = await asyncio.to_thread(audit_command, tmp_path, "--json")
    got = [
        (e["outcome"], e["reason"], e["action"], e["actor_name"], e["properties"])
        for e in map(json.loads, done.stdout.splitlines())
    ]
    assert got == [
        ("refused", "invalid:email", "create", "Ann Admin", {"firstname": "X", "email": "nope"}),
        (
            "refused",
            "not_allowed",
            "create",
            "Eve",
            {"firstname": "Ann", "lastname": "Lee", "email": "ann@globex.com"},
        ),
    ]
