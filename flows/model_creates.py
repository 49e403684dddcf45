"""A new contact prepared in model mode waits for the user's Create, as an update waits for Confirm.

Why: a model fills in what it should not (an invented email, a title taken from the wrong
words), and a create cannot be taken back by Cancel. So the contact the model prepares (and, in
model mode, the one a typed line gives with certainty) is shown as the prefilled create form,
after the same-name check of a typed create (`CreateFlow.ask_create`): one click on Create
writes it through the form's path (duplicate checks, the claim, the audit log). A typed "yes" /
"네" creates it too, "no" / "취소" drops it: the values wait in conversation state
(`ConversationData.hold`, kind `model_create`) until then, and are taken out on first use, so a
click and a "yes" cannot both write. Nothing is written before the user answers.

Which card a typed yes answers: the newest question. The held create remembers the updates that
were already waiting when it was shown (`after`); an update prepared later is newer.
"""

from __future__ import annotations

from collections.abc import Mapping

import cards
from agent import prompts
from cards import text
from cards.lifecycle import CardKind, Outcome
from contacts.errors import ContactsError
from contacts.service import ContactsService
from flows.create import CreateFlow
from flows.turn import Turn

HELD_MODEL_CREATE = "model_create"


class ModelCreates:
    def __init__(self, *, create: CreateFlow, contacts: ContactsService) -> None:
        self._create = create
        self._contacts = contacts

    async def preview(
        self,
        turn: Turn,
        properties: Mapping[str, str],
        intro: str = "",
        doubts: Mapping[str, str] | None = None,
    ) -> None:
        """Show the new contact with Create; nothing is written now. An email HubSpot already
        has is shown as that contact instead (a typed line's create; the model's own create
        tool checks it before). `doubts`: a typed line's doubtful values, named on the form."""
        values = {str(k): str(v) for k, v in properties.items() if v}
        self.forget(turn)  # one new contact waits at a time: the newest
        if await self._exists(turn, values.get("email", ""), intro):
            return
        turn.data.hold(HELD_MODEL_CREATE, {"properties": values, "after": list(turn.data.pending)})
        await turn.checkpoint()
        if intro:
            await turn.say(intro)
        await self._create.ask_create(turn, values, doubts)

    async def add_values(self, turn: Turn, values: Mapping[str, str]) -> bool:
        """More values for the new contact waiting for Create ("her email is ..."): shown again
        with them, still waiting. False when no new contact waits."""
        held_id = self.waiting(turn)
        item = turn.data.held.get(held_id) if held_id else None
        if item is None:
            return False
        properties = {str(k): str(v) for k, v in dict(item.get("properties") or {}).items()}
        await self.preview(turn, {**properties, **values})
        return True

    async def _exists(self, turn: Turn, email: str, intro: str) -> bool:
        """The contact with this email, shown with why nothing will be created (True), or
        False when there is none (or HubSpot cannot say now: the Create click checks again)."""
        if not email:
            return False
        try:
            existing = await self._contacts.find_by_email(email)
        except ContactsError:  # an unreadable email, HubSpot busy: the form checks again
            return False
        if existing is None:
            return False
        turn.data.remember_ids([existing.id])
        turn.data.focus_on([existing.id])
        said = text(turn.lang, "duplicate", email=existing.email or email)
        await turn.say(
            f"{intro}\n\n{said}" if intro else said,
            cards.duplicate_card(turn.lang, turn.nonce, existing),
        )
        return True

    @staticmethod
    def waiting(turn: Turn) -> str | None:
        """The held create a typed yes/no answers: None when there is none, or when an update
        shown after it waits (that one is the newest question)."""
        newest_update = next(reversed(turn.data.pending), None)
        for held_id in reversed(turn.data.held):
            item = turn.data.held[held_id]
            if item.get("kind") != HELD_MODEL_CREATE:
                continue
            before = item.get("after") or []
            if newest_update is None or newest_update in before:
                return held_id
            return None
        return None

    async def answer(self, turn: Turn, *, yes: bool) -> bool:
        """A typed yes / no for the waiting new contact: create it, or drop it. False when no
        new contact is the newest question (the caller answers the update, or says nothing
        waits)."""
        held_id = self.waiting(turn)
        item = turn.data.take_held(held_id, HELD_MODEL_CREATE) if held_id else None
        if item is None:
            return False
        turn.cards.act_on_live(CardKind.CREATE)  # the form ends in the chat as if pressed
        properties = {str(k): str(v) for k, v in dict(item.get("properties") or {}).items()}
        if yes:
            await self._create.create(turn, properties)
        else:
            turn.cards.outcome(Outcome.NOT_CREATED)
            await turn.say(prompts.message("create_cancelled", turn.lang))
        return True

    @staticmethod
    def forget(turn: Turn) -> None:
        """The form was sent (its Create pressed) or a newer contact is shown: the held values
        are used up, so a later "yes" writes nothing more."""
        for held_id, item in list(turn.data.held.items()):
            if item.get("kind") == HELD_MODEL_CREATE:
                turn.data.take_held(held_id, HELD_MODEL_CREATE)
