"""A pasted list (or several vCards): a preview of every row, then Create all / Update existing.

Why a preview card and not a loop of forms: a list from a spreadsheet is dozens of people; the
user checks what will happen to each row (new, already in HubSpot, invalid and why) and says
yes once. The preview lives in conversation state under an id (`ConversationData.pastes`) and
is taken out by the button that uses it, so a second press (or a replayed card) writes nothing;
each row's write is also claimed under the list and row (`ground.ids.paste_claim_key`).

Every HubSpot call goes through ContactsService's coalescing layer (contacts/batching.py): the
rows' lookups by email are made at once and become batch reads, Create all's creates become
batch creates (at most 100 inputs a call), and Confirm's updates batch updates. Each row is
audited and reported on its own: one row HubSpot refuses does not lose the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import capture
import cards
from cards.lifecycle import CardKind, Outcome
from cards.paste import doubts_text, paste_list_card, paste_text, paste_updates_card
from contacts.errors import ContactsError, DuplicateContact, HubSpotUnavailable, InvalidContact
from contacts.model import Contact, PendingUpdate
from contacts.service import ContactsService
from flows.turn import Turn, creator_of
from flows.writes import WriteLedger
from ground.ids import paste_claim_key

FIELDS = ("firstname", "lastname", "email", "mobilephone", "phone", "company", "jobtitle")
MAX_FAILURES_SAID = 10


class PasteLists:
    def __init__(self, *, contacts: ContactsService, ledger: WriteLedger) -> None:
        self._contacts = contacts
        self._ledger = ledger

    # -- preview ------------------------------------------------------------------------------

    async def preview_table(self, turn: Turn, table: capture.TableRead) -> None:
        rows = [(r.line, r.draft, list(r.problems)) for r in table.rows]
        await self._preview(turn, rows, table.over_limit)

    async def preview_drafts(self, turn: Turn, drafts: Sequence[capture.ContactDraft]) -> None:
        rows = [
            (n, d, [x for x in d.doubts if x.reason == "unreadable"])
            for n, d in enumerate(drafts, 1)
        ]
        await self._preview(turn, [(n, d if not p else None, p) for n, d, p in rows], 0)

    async def _preview(
        self,
        turn: Turn,
        rows: list[tuple[int, capture.ContactDraft | None, list[capture.Doubt]]],
        over: int,
    ) -> None:
        lang = turn.lang
        shown: list[dict[str, Any]] = []
        for number, draft, problems in rows:
            values = {k: v for k, v in draft.properties().items() if k in FIELDS} if draft else {}
            row: dict[str, Any] = {
                "row": number,
                "name": draft.display_name if draft else "",
                "email": values.get("email", ""),
                "company": values.get("company", ""),
                "props": values,
                "status": "new",
                "why": "",
            }
            refused = self._contacts.problems(values, region=turn.region) if draft else []
            if draft is None or refused:
                row["status"] = "invalid"
                why = doubts_text(lang, [(p.field, p.reason, p.value) for p in problems])
                row["why"] = why or cards.errors_text(lang, refused)
            elif not (values.get("email") or values.get("firstname") or values.get("lastname")):
                row["status"], row["why"] = (
                    "invalid",
                    doubts_text(lang, [("*", "no_name_or_email", "")]),
                )
            shown.append(row)
        try:
            found = await asyncio.gather(
                *(self._existing(r["email"]) for r in shown if r["status"] == "new")
            )
        except ContactsError as exc:
            await turn.failed(exc)
            return
        for row, contact in zip([r for r in shown if r["status"] == "new"], found, strict=True):
            if contact is not None:
                row["status"], row["contact_id"] = "existing", contact.id
        await self._send_list(turn, shown, over)

    async def _existing(self, email: str) -> Contact | None:
        if not email:
            return None
        try:
            return await self._contacts.find_by_email(email)
        except InvalidContact:
            return None

    async def _send_list(self, turn: Turn, rows: list[dict[str, Any]], over: int) -> None:
        lang = turn.lang
        count = {
            s: sum(1 for r in rows if r["status"] == s) for s in ("new", "existing", "invalid")
        }
        intro = paste_text(lang, "list_intro", count=len(rows), **count)
        if over:
            intro += " " + paste_text(lang, "over_limit", limit=capture.MAX_ROWS, more=over)
        list_id = turn.data.add_paste({"rows": rows})
        await turn.checkpoint()
        card = paste_list_card(lang, turn.nonce, list_id, rows, intro=intro)
        await turn.say(intro, card, kind=CardKind.PASTE_LIST)

    # -- Create all new -----------------------------------------------------------------------

    async def create_all(self, turn: Turn, list_id: str) -> None:
        entry = turn.data.take_paste(list_id)
        if entry is None or entry.get("stage"):
            turn.cards.outcome(Outcome.EXPIRED)
            await turn.say(paste_text(turn.lang, "list_gone"))
            return
        rows: list[dict[str, Any]] = list(entry.get("rows") or [])
        new = [r for r in rows if r.get("status") == "new"]
        if not new:
            await turn.say(paste_text(turn.lang, "nothing_new"))
            return
        turn.cards.outcome(Outcome.DONE)
        actor = await turn.writer()
        owner = await creator_of(turn)
        owner_id = owner.owner.id if owner.owner is not None else None
        keys = [paste_claim_key(actor.channel, actor.conversation, list_id, r["row"]) for r in new]
        claims = [await self._ledger.claim(key, actor) for key in keys]
        todo = [(r, k) for r, k, c in zip(new, keys, claims, strict=True) if c.fresh]
        outcomes = await asyncio.gather(
            *(
                self._contacts.create(r["props"], region=turn.region, owner_id=owner_id)
                for r, _ in todo
            ),
            return_exceptions=True,
        )
        created, failed = [], []
        for (row, key), outcome in zip(todo, outcomes, strict=True):
            props = row["props"]
            if isinstance(outcome, BaseException):
                if not isinstance(outcome, ContactsError):
                    raise outcome
                await self._failed(actor, key, "create", "", props, outcome)
                failed.append(_failure(turn.lang, row, outcome))
                continue
            contact = outcome.contact
            await self._ledger.done(
                key, actor, action="create", contact_id=contact.id, properties=props
            )
            created.append(contact.id)
        turn.data.remember_ids(created)
        said = paste_text(turn.lang, "created_all", created=len(created), asked=len(new))
        await turn.say("\n".join([said, *failed[:MAX_FAILURES_SAID]]))
        existing = [r for r in rows if r.get("status") == "existing"]
        if existing:  # what is left to do with the list: its rows already in HubSpot
            await self._send_list(turn, existing, 0)

    async def _failed(
        self,
        actor: Any,
        key: str,
        action: str,
        contact_id: str,
        props: dict[str, str],
        exc: ContactsError,
    ) -> None:
        if isinstance(exc, HubSpotUnavailable) and exc.write_may_have_happened:
            await self._ledger.in_doubt(
                actor, action=action, contact_id=contact_id, properties=props
            )
            return
        await self._ledger.not_done(key)
        if isinstance(exc, InvalidContact | DuplicateContact):
            await self._ledger.refused(
                actor,
                action=action,
                reason="duplicate" if isinstance(exc, DuplicateContact) else "invalid",
                contact_id=contact_id,
                properties=props,
            )

    # -- Update existing ----------------------------------------------------------------------

    async def show_updates(self, turn: Turn, list_id: str) -> None:
        """Old -> new for each row already in HubSpot; written only on Confirm."""
        entry = turn.data.take_paste(list_id)
        if entry is None or entry.get("stage"):
            turn.cards.outcome(Outcome.EXPIRED)
            await turn.say(paste_text(turn.lang, "list_gone"))
            return
        turn.cards.outcome(Outcome.DONE)
        rows = [r for r in entry.get("rows") or [] if r.get("status") == "existing"]
        plans = await asyncio.gather(
            *(self._plan(r, turn.region) for r in rows), return_exceptions=True
        )
        pending: list[dict[str, Any]] = []
        for row, plan in zip(rows, plans, strict=True):
            if isinstance(plan, PendingUpdate):
                pending.append({"row": row["row"], "update": plan.to_dict()})
            elif isinstance(plan, BaseException) and not isinstance(plan, ContactsError):
                raise plan
        if not pending:
            await turn.say(paste_text(turn.lang, "nothing_changes"))
            return
        updates_id = turn.data.add_paste({"stage": "updates", "updates": pending})
        await turn.checkpoint()
        shown = [
            (
                PendingUpdate.from_dict(p["update"]).display_name,
                [(c.field, c.old, c.new) for c in PendingUpdate.from_dict(p["update"]).changes],
            )
            for p in pending
        ]
        await turn.card(
            paste_updates_card(turn.lang, turn.nonce, updates_id, shown),
            kind=CardKind.PASTE_CONFIRM,
        )

    async def _plan(self, row: dict[str, Any], region: str | None) -> PendingUpdate | None:
        props = {k: v for k, v in row["props"].items() if k != "email"}
        try:
            return await self._contacts.plan_update(row["contact_id"], props, region=region)
        except InvalidContact:
            return None  # nothing would change

    async def confirm_updates(self, turn: Turn, list_id: str) -> None:
        entry = turn.data.take_paste(list_id)
        if entry is None or entry.get("stage") != "updates":
            turn.cards.outcome(Outcome.EXPIRED)
            await turn.say(paste_text(turn.lang, "list_gone"))
            return
        turn.cards.outcome(Outcome.SAVED)
        actor = await turn.writer()
        items = [(p["row"], PendingUpdate.from_dict(p["update"])) for p in entry["updates"]]
        keys = [paste_claim_key(actor.channel, actor.conversation, list_id, n) for n, _ in items]
        claims = [await self._ledger.claim(key, actor) for key in keys]
        todo = [(n, u, k) for (n, u), k, c in zip(items, keys, claims, strict=True) if c.fresh]
        outcomes = await asyncio.gather(
            *(self._contacts.apply_update(u) for _, u, _ in todo), return_exceptions=True
        )
        updated, failed = 0, []
        for (number, update, key), outcome in zip(todo, outcomes, strict=True):
            props = dict(update.properties)
            old = {c.field: c.old for c in update.changes}
            if isinstance(outcome, BaseException):
                if not isinstance(outcome, ContactsError):
                    raise outcome
                await self._failed(actor, key, "update", update.contact_id, props, outcome)
                row = {"row": number, "name": update.display_name}
                failed.append(_failure(turn.lang, row, outcome))
                continue
            await self._ledger.done(
                key, actor, action="update", contact_id=update.contact_id, properties=props, old=old
            )
            updated += 1
        said = paste_text(turn.lang, "updated_all", updated=updated, asked=len(items))
        await turn.say("\n".join([said, *failed[:MAX_FAILURES_SAID]]))

    async def cancel_updates(self, turn: Turn, list_id: str) -> None:
        if turn.data.take_paste(list_id) is None:
            turn.cards.outcome(Outcome.EXPIRED)
            await turn.say(paste_text(turn.lang, "list_gone"))
            return
        turn.cards.outcome(Outcome.CANCELLED)


def _failure(lang: str, row: dict[str, Any], exc: ContactsError) -> str:
    who = row.get("name") or row.get("email") or "?"
    return paste_text(lang, "row_failed", row=row["row"], who=who, why=cards.error_text(lang, exc))
