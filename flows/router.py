"""The router: which flow answers a card's button or a typed line. Two exhaustive tables.

Why tables and not a ladder: an action added to `cards.actions.Action` or an intent added to
`typed.command.Kind` is a mypy error here (`assert_never`) until it is routed, so nothing a
card or the parser can produce falls through to a default by accident. Everything here is
conversation logic; the Bot Framework side (bots/contact_bot.py) decides only whether an
activity is a card submit or a typed line, and hands it over with a `Turn`.

    card submit   -> accept (nonce, strict fields, read-only) -> dispatch: Action -> flow
    typed line    -> text (length, empty, model or parser)     -> command: Kind -> flow
"""

from __future__ import annotations

import logging
from typing import Any, assert_never

import cards
from agent.memory import Encoding
from cards import text
from cards.actions import Action
from cards.lifecycle import Outcome
from contacts.model import SearchCriteria
from flows.bundle import Flows
from flows.commands import TypedLines
from flows.model_creates import ModelCreates
from flows.refusals import record_refused, refuse_read_only
from flows.submits import BadSubmit, Submit, parse_submit
from flows.turn import Turn
from typed import parse_command

log = logging.getLogger(__name__)

# Actions that write (or lead only to a write); refused for read-only users.
_WRITES = frozenset(
    {
        Action.START_CREATE,
        Action.START_UPDATE,
        Action.CREATE_SUBMIT,
        Action.UPDATE_FIND,
        Action.UPDATE_PICK,
        Action.UPDATE_SUBMIT,
        Action.UPDATE_CONFIRM,
        Action.PASTE_CREATE_ALL,
        Action.PASTE_UPDATE_EXISTING,
        Action.PASTE_UPDATE_CONFIRM,
        Action.CREATE_ANYWAY,
        Action.DUPLICATE_UPDATE,
        Action.MERGE_PREVIEW,
        Action.MERGE_SWAP,
        Action.MERGE_CONFIRM,
    }
)


class Router:
    """The card table here; typed lines go to `TypedLines` (flows/commands.py)."""

    def __init__(self, *, flows: Flows, encoding: Encoding, max_message_chars: int) -> None:
        self._flows = flows
        self._lines = TypedLines(
            flows=flows, encoding=encoding, max_message_chars=max_message_chars
        )

    # -- welcome ------------------------------------------------------------------------------

    async def welcome(self, turn: Turn) -> None:
        """The welcome card, once per conversation, in the language the turn has settled on."""
        if turn.data.welcomed:
            return
        turn.data.welcomed = True
        if not turn.data.lang:
            turn.data.lang = turn.lang
        await turn.say(text(turn.lang, "welcome"), cards.welcome_card(turn.lang, turn.nonce))

    # -- card submits -------------------------------------------------------------------------

    async def accept(self, turn: Turn, value: dict[str, Any]) -> Submit | None:
        """The submit as the flows take it, or None when it was answered here: a card from an
        earlier conversation (stale nonce), fields that are not the card's, or a write a
        read-only user may not make."""
        if value.get("nonce") != turn.nonce:
            log.info("refused a card submit with a stale or missing nonce")
            await turn.say(text(turn.lang, "stale_card"), cards.welcome_card(turn.lang, turn.nonce))
            return None
        try:
            submit = parse_submit(value)
        except BadSubmit as exc:
            await self.bad_submit(turn, exc)
            return None
        if turn.read_only and (
            submit.action in _WRITES
            or submit.action is Action.OPEN_FORM
            and submit.form != "search"
        ):
            await refuse_read_only(
                self._flows.ledger, self._flows.confirmations, turn, submit=submit
            )
            return None
        return submit

    async def dispatch(self, turn: Turn, submit: Submit) -> None:
        action = submit.action
        match action:
            case Action.START_CREATE if submit.inputs:  # the no-results card: what was searched
                await self._flows.create.show_create_form(turn, "chose_create", submit.inputs)
            case Action.START_SEARCH | Action.START_CREATE | Action.START_UPDATE:
                kind = action.value.removeprefix("start_")
                if self._flows.model is not None:  # writes were refused above for read-only users
                    await self._flows.model.ask(turn, kind)
                else:
                    await self._open_form(turn, kind, intro=True)
            case Action.OPEN_FORM:
                await self._open_form(turn, submit.form, intro=False)
            case Action.SEARCH_SUBMIT:
                await self._flows.search.search(
                    turn, SearchCriteria.from_dict(submit.inputs), mine=submit.mine
                )
            case Action.SEARCH_MORE:
                turn.cards.outcome(Outcome.MORE)
                await self._flows.search.search(
                    turn,
                    SearchCriteria.from_dict(submit.criteria),
                    after=submit.after,
                    offset=submit.offset,
                )
            case Action.CREATE_SUBMIT:
                ModelCreates.forget(turn)  # a new contact held for a typed yes: this is its use
                await self._flows.create.create(turn, submit.inputs)
            case Action.UPDATE_FIND:  # a change asked for before ("which contact?") goes on
                waiting = turn.data.take_waiting()
                await self._flows.updates.find(turn, submit.inputs["query"], waiting)
            case Action.SHOW_CONTACT:
                await self._flows.search.show_contact(turn, submit.contact_id)
            case Action.UPDATE_PICK:
                await self._flows.updates.pick(turn, submit.contact_id)
            case Action.UPDATE_SUBMIT:
                await self._flows.updates.submit(turn, submit.contact_id, submit.inputs)
            case Action.UPDATE_CONFIRM:
                await self._flows.confirmations.confirm(turn, submit.pending_id)
            case Action.UPDATE_CANCEL:
                await self._flows.confirmations.cancel(turn, submit.pending_id)
            case Action.PASTE_CREATE_ALL:  # a pasted list's id travels as pending_id
                await self._flows.paste.lists.create_all(turn, submit.pending_id)
            case Action.PASTE_UPDATE_EXISTING:
                await self._flows.paste.lists.show_updates(turn, submit.pending_id)
            case Action.PASTE_UPDATE_CONFIRM:
                await self._flows.paste.lists.confirm_updates(turn, submit.pending_id)
            case Action.PASTE_UPDATE_CANCEL:
                await self._flows.paste.lists.cancel_updates(turn, submit.pending_id)
            case Action.CREATE_ANYWAY:
                await self._flows.create.create_anyway(turn, submit.pending_id)
            case Action.DUPLICATE_UPDATE:
                await self._flows.duplicates.update_instead(
                    turn, submit.pending_id, submit.contact_id
                )
            case Action.FIND_DUPLICATES:
                await self._flows.duplicates.find(
                    turn,
                    email=submit.inputs.get("email", ""),
                    company=submit.inputs.get("company", ""),
                )
            case Action.MERGE_PREVIEW:
                await self._flows.merges.preview(turn, submit.contact_id, submit.other_id)
            case Action.MERGE_SWAP:
                await self._flows.merges.swap(turn, submit.pending_id)
            case Action.MERGE_CONFIRM:
                await self._flows.merges.confirm(turn, submit.pending_id)
            case Action.MERGE_CANCEL:
                await self._flows.merges.cancel(turn, submit.pending_id)
            case _:
                assert_never(action)

    async def bad_submit(self, turn: Turn, exc: BadSubmit) -> None:
        log.info("refused a card submit: %s", exc)
        if exc.reason == "too_long":
            label = cards.field_label(turn.lang, exc.field) if exc.field else "?"
            reason = cards.reason_text(turn.lang, "too_long")
            await turn.say(text(turn.lang, "invalid_field", field=label, reason=reason))
        else:
            await turn.say(text(turn.lang, "bad_submit"))

    async def _open_form(self, turn: Turn, kind: str, *, intro: bool) -> None:
        if kind == "search":
            await self._flows.search.show_search_form(turn, "chose_search" if intro else None)
        elif kind == "create":
            await self._flows.create.show_create_form(turn, "chose_create" if intro else None)
        elif intro:
            await self._flows.updates.show_find_form(turn, "chose_update")
        else:
            await turn.card(cards.update_find_form(turn.lang, turn.nonce))

    # -- typed lines and refusals -------------------------------------------------------------

    async def text(self, turn: Turn, message: str) -> None:
        """A typed line (mentions already taken out): flows/commands.py."""
        await self._lines.text(turn, message)

    async def refused(
        self, turn: Turn, reason: str, *, value: dict[str, Any] | None, message: str
    ) -> None:
        """A user the access lists keep out: their attempted write goes into the audit log.
        `value` is the card submit (None for a typed line); `message` the typed text."""
        ledger, confirmations = self._flows.ledger, self._flows.confirmations
        if value is not None:
            try:
                submit = parse_submit(value)
            except BadSubmit:
                return
            await record_refused(ledger, confirmations, turn, reason, submit=submit)
            return
        command = parse_command(message)
        await record_refused(ledger, confirmations, turn, reason, command=command)
