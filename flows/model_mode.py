"""Typed text when a model is configured: the agent answers, the bot shows what it did.

Why the bot and not the agent shows results: the agent returns what happened (`AgentTurn`:
contacts found, a contact or an update prepared, several contacts to choose from), and the bot
turns that into the same cards the guided flows use. Every model-made write is previewed: a
prepared update goes through `Confirmations.ask_confirm`, a prepared contact through
flows/model_creates.py (the prefilled form with Create), so the model never writes: the user's
click (or typed yes) does, through the same path as a form. Several contacts an update could be
for are shown as a choice (the pick card), the values asked for waiting for the pick.
A read-only user's text goes to the agent too, with `read_only=True`: it can only search.

When the model cannot finish (timeouts, errors, a muddle of steps) and nothing came of the turn,
`fallback` (the typed parser) gets the message before the user is told.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

import cards
from agent.loop import ContactAgent
from agent.memory import Encoding, HistoryWindow
from cards import text
from cards.lifecycle import CardKind
from contacts.model import Contact, SearchPage
from flows.confirm import Confirmations
from flows.model_creates import ModelCreates
from flows.turn import Turn, creator_of
from flows.writes import WriteLedger, earlier_write_text
from ground.ids import model_create_claim_key

log = logging.getLogger(__name__)

_QUESTIONS = {"search": "ask_search", "create": "ask_create", "update": "ask_update"}


def remember(turn: Turn, role: str, content: str, encoding: Encoding) -> None:
    """Append to the conversation's memory window (trimmed to its size and token limits)."""
    window = HistoryWindow(turn.data.history, encoding=encoding)
    window.add(role, content)
    turn.data.history = window.messages()


class ClaimedCreates:
    """The agent's CreateGuard for one turn: each create the model asks for is claimed under
    this activity and the contact's email (or name) before HubSpot is called, and recorded after.
    A turn redelivered after a crash mid-write meets its own claim instead of creating twice."""

    def __init__(self, turn: Turn, ledger: WriteLedger) -> None:
        self._turn = turn
        self._ledger = ledger
        self._key: str | None = None
        self._asked: dict[str, str] = {}

    async def before(self, properties: Mapping[str, str]) -> str | None:
        self._asked = {k: str(v) for k, v in properties.items() if v}
        activity = self._turn.activity_key
        if activity is None:  # nothing to recognize a redelivery by: audit only
            self._key = None
            return None
        who = (properties.get("email") or "").strip().lower() or " ".join(
            (properties.get(k) or "").strip().lower() for k in ("firstname", "lastname")
        )
        self._key = model_create_claim_key(activity, who)
        claim = await self._ledger.claim(self._key, await self._turn.writer())
        if claim.fresh:
            return None
        self._key = None
        return earlier_write_text(self._turn.lang, claim, self._turn.actor)

    async def owner_id(self) -> str | None:
        """New contacts are their creator's, as from a form."""
        me = await creator_of(self._turn)
        return me.owner.id if me.owner is not None else None

    async def after(self, contact: Contact | None, *, maybe_written: bool = False) -> None:
        key, self._key = self._key, None
        if contact is not None:
            await self._ledger.done(
                key,
                await self._turn.writer(),
                action="create",
                contact_id=contact.id,
                properties={k: str(v) for k, v in contact.properties.items() if v},
            )
        elif maybe_written:
            await self._ledger.in_doubt(
                await self._turn.writer(), action="create", contact_id="", properties=self._asked
            )
        elif key is not None:
            await self._ledger.not_done(key)


class ModelMode:
    def __init__(
        self,
        *,
        agent: ContactAgent,
        confirmations: Confirmations,
        ledger: WriteLedger,
        encoding: Encoding,
        creates: ModelCreates,
    ) -> None:
        self._agent = agent
        self.creates = creates
        self._confirmations = confirmations
        self._ledger = ledger
        self._encoding = encoding

    async def ask(self, turn: Turn, kind: str) -> None:
        """A welcome button in model mode: confirm the choice and ask the agent's question,
        with a small "Use a form" button; the model sees both in the history."""
        question = text(turn.lang, _QUESTIONS[kind])
        card = cards.use_form_card(turn.lang, turn.nonce, kind)
        await turn.say(question, card)
        remember(
            turn,
            "user",
            cards.labels.ui(turn.lang, f"btn_{kind}"),  # "Create contact"
            self._encoding,
        )
        remember(turn, "assistant", question, self._encoding)

    async def run(
        self,
        turn: Turn,
        message: str,
        *,
        fallback: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        """Answer a typed line with the agent. `fallback`: the typed parser, tried when the model
        could not finish and nothing came of the turn (True: it answered)."""
        await turn.typing()
        result = await self._agent.run(
            message,
            history=list(turn.data.history),
            lang=turn.lang,
            known_ids=tuple(turn.data.known_ids),
            read_only=turn.read_only,
            create_guard=ClaimedCreates(turn, self._ledger),
            focus=tuple(turn.data.focused()),
        )
        turn.data.remember_ids(sorted(result.seen_ids))
        if result.model_failed and not result.did_something and fallback is not None:
            log.info("the model could not finish: the typed parser reads the message")
            if await fallback():
                return
        remember(turn, "user", message, self._encoding)
        remember(turn, "assistant", result.reply, self._encoding)
        if result.failed:
            await turn.say(result.reply, cards.welcome_card(turn.lang, turn.nonce))
        elif result.choice:
            await self._choose(turn, result.reply, result.choice, result.choice_properties)
        elif result.pending_create is not None and not result.created:
            await self.creates.preview(turn, result.pending_create, intro=result.reply)
        elif result.found and not result.created and not result.pending_update:
            page = SearchPage(total=len(result.found), results=list(result.found))
            turn.data.remember_ids(c.id for c in result.found)
            turn.data.focus_on(c.id for c in result.found)
            await turn.say(
                result.reply,
                cards.results_card(turn.lang, turn.nonce, page, {}),
                kind=CardKind.RESULTS,
            )
        elif not (result.created or result.pending_update):
            await turn.say(result.reply)
        if result.created is not None:
            created = result.created  # claimed and recorded by ClaimedCreates
            turn.data.focus_on([created.id])
            owner = await self._confirmations.owner_name(created)
            card = cards.contact_card(turn.lang, turn.nonce, created, "created", owner=owner)
            if result.failed:
                await turn.card(card)
            else:
                await turn.say(result.reply, card)
        if result.failed and result.pending_create is not None:
            await self.creates.preview(turn, result.pending_create)
        if result.pending_update is not None:
            turn.data.take_waiting()  # a change waiting for its contact has found it
            # The reply (when not already said) goes above the confirmation card.
            said = result.failed or result.created is not None
            await self._confirmations.ask_confirm(
                turn,
                result.pending_update,
                intro="" if said else result.reply,  # the card itself says to confirm
            )

    @staticmethod
    async def _choose(
        turn: Turn, reply: str, choice: list[Contact], properties: Mapping[str, str]
    ) -> None:
        """Several contacts an update could be for: the user picks (the values wait)."""
        turn.data.remember_ids(c.id for c in choice)
        turn.data.focus_on(c.id for c in choice)
        if properties:
            turn.data.wait_for_contact(dict(properties))
        await turn.say(
            reply, cards.pick_contact_card(turn.lang, turn.nonce, choice), kind=CardKind.PICK
        )
