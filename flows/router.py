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
from flows.confirm import Confirmations
from flows.create import CreateFlow
from flows.duplicates import DuplicateFlow
from flows.history import HistoryFlow
from flows.merges import MergeFlow
from flows.model_mode import ModelMode, remember
from flows.refusals import record_refused
from flows.search import SearchFlow
from flows.submits import BadSubmit, Submit, parse_submit
from flows.turn import Turn
from flows.updates import UpdateFlow
from flows.writes import WriteLedger
from typed import Command, parse_command
from typed.references import reference

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
        Action.CREATE_ANYWAY,
        Action.DUPLICATE_UPDATE,
        Action.MERGE_PREVIEW,
        Action.MERGE_SWAP,
        Action.MERGE_CONFIRM,
    }
)
# Typed intents that write (or answer a write); refused for read-only users.
_TYPED_WRITES = frozenset({"yes", "no", "create", "update"})
# What to say to a job this bot does not do (typed.Command.topic).
_UNSUPPORTED = {
    "delete": "unsupported_delete",
    "merge": "unsupported_merge",
    "export": "unsupported_export",
    "email": "unsupported_email",
    "deals": "unsupported_deals",
    "notes": "unsupported_notes",
    "off_topic": "unsupported_off_topic",  # a question not about contacts
}


class Router:
    """`model` is None in guided mode (no model configured); `encoding` sizes the memory
    window a typed line and its answer are kept in."""

    def __init__(
        self,
        *,
        search: SearchFlow,
        create: CreateFlow,
        updates: UpdateFlow,
        confirmations: Confirmations,
        history: HistoryFlow,
        duplicates: DuplicateFlow,
        merges: MergeFlow,
        ledger: WriteLedger,
        encoding: Encoding,
        max_message_chars: int,
        model: ModelMode | None = None,
    ) -> None:
        self._search = search
        self._create_flow = create
        self._updates = updates
        self._confirmations = confirmations
        self._history = history
        self._duplicates = duplicates
        self._merges = merges
        self._ledger = ledger
        self._encoding = encoding
        self._max_chars = max_message_chars
        self._model = model

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
            await self._refuse_read_only(turn, submit=submit)
            return None
        return submit

    async def dispatch(self, turn: Turn, submit: Submit) -> None:
        action = submit.action
        match action:
            case Action.START_CREATE if submit.inputs:  # the no-results card: what was searched
                await self._create_flow.show_create_form(turn, "chose_create", submit.inputs)
            case Action.START_SEARCH | Action.START_CREATE | Action.START_UPDATE:
                kind = action.value.removeprefix("start_")
                if self._model is not None:  # writes were refused above for read-only users
                    await self._model.ask(turn, kind)
                else:
                    await self._open_form(turn, kind, intro=True)
            case Action.OPEN_FORM:
                await self._open_form(turn, submit.form, intro=False)
            case Action.SEARCH_SUBMIT:
                await self._search.search(
                    turn, SearchCriteria.from_dict(submit.inputs), mine=submit.mine
                )
            case Action.SEARCH_MORE:
                turn.cards.outcome(Outcome.MORE)
                await self._search.search(
                    turn,
                    SearchCriteria.from_dict(submit.criteria),
                    after=submit.after,
                    offset=submit.offset,
                )
            case Action.CREATE_SUBMIT:
                await self._create_flow.create(turn, submit.inputs)
            case Action.UPDATE_FIND:  # a change asked for before ("which contact?") goes on
                waiting = turn.data.take_waiting()
                await self._updates.find(turn, submit.inputs["query"], waiting)
            case Action.SHOW_CONTACT:
                await self._search.show_contact(turn, submit.contact_id)
            case Action.UPDATE_PICK:
                await self._updates.pick(turn, submit.contact_id)
            case Action.UPDATE_SUBMIT:
                await self._updates.submit(turn, submit.contact_id, submit.inputs)
            case Action.UPDATE_CONFIRM:
                await self._confirmations.confirm(turn, submit.pending_id)
            case Action.UPDATE_CANCEL:
                await self._confirmations.cancel(turn, submit.pending_id)
            case Action.CREATE_ANYWAY:
                await self._create_flow.create_anyway(turn, submit.pending_id)
            case Action.DUPLICATE_UPDATE:
                await self._duplicates.update_instead(turn, submit.pending_id, submit.contact_id)
            case Action.FIND_DUPLICATES:
                await self._duplicates.find(
                    turn,
                    email=submit.inputs.get("email", ""),
                    company=submit.inputs.get("company", ""),
                )
            case Action.MERGE_PREVIEW:
                await self._merges.preview(turn, submit.contact_id, submit.other_id)
            case Action.MERGE_SWAP:
                await self._merges.swap(turn, submit.pending_id)
            case Action.MERGE_CONFIRM:
                await self._merges.confirm(turn, submit.pending_id)
            case Action.MERGE_CANCEL:
                await self._merges.cancel(turn, submit.pending_id)
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
            await self._search.show_search_form(turn, "chose_search" if intro else None)
        elif kind == "create":
            await self._create_flow.show_create_form(turn, "chose_create" if intro else None)
        elif intro:
            await self._updates.show_find_form(turn, "chose_update")
        else:
            await turn.card(cards.update_find_form(turn.lang, turn.nonce))

    # -- typed lines --------------------------------------------------------------------------

    async def text(self, turn: Turn, message: str) -> None:
        """A typed line (mentions already taken out): the model when one is configured, else
        the parser's command; a line and its answer go into the memory window."""
        if len(message) > self._max_chars:
            await turn.say(
                text(turn.lang, "message_too_long", length=len(message), limit=self._max_chars)
            )
            return
        if not message:
            await turn.card(cards.help_card(turn.lang, turn.nonce, self._model is not None))
            return
        if self._model is not None and not self._typed_answer(turn, message):
            await self._model.run(turn, message)  # read-only users get a search-only agent
            return
        await self.command(turn, parse_command(message), message)
        remember(turn, "user", message, self._encoding)
        if turn.said:
            remember(turn, "assistant", "\n".join(turn.said), self._encoding)

    @staticmethod
    def _typed_answer(turn: Turn, message: str) -> bool:
        """A typed "yes" / "취소" while a confirmation card waits is that card's answer, with a
        model too: the model never writes an update, the user's Confirm does. A history request
        is answered from the audit log, not by the model."""
        kind = parse_command(message).kind
        return kind == "history" or bool(turn.data.pending) and kind in ("yes", "no")

    async def command(self, turn: Turn, command: Command, message: str = "") -> None:
        """Typed commands without a model; the same flows as the buttons. What to answer is
        the parser's decision (`Command.kind`); this only routes it. A change still waiting
        for its contact ("which contact?") takes the next line that names one."""
        if command.language == "ko":
            turn.lang = "ko"  # a Korean command gets a Korean answer, whatever the locale
        kind = command.kind
        waiting = turn.data.take_waiting()
        if turn.read_only and kind in _TYPED_WRITES:
            await self._refuse_read_only(turn, command=command)
            return
        if waiting and _names_a_contact(command):
            await self._updates.find(turn, _named(command) or message.strip(), waiting)
            return
        match kind:
            case "thanks":
                await turn.say(text(turn.lang, "thanks"))
            case "help" | "hello":
                intro = text(turn.lang, "hello") if kind == "hello" else ""
                help_card = cards.help_card(turn.lang, turn.nonce, self._model is not None)
                await turn.say(intro, help_card)
            case "unknown":
                menu = cards.menu_card(turn.lang, turn.nonce)
                await turn.say(text(turn.lang, "not_understood"), menu)
            case "unsupported":
                await turn.say(text(turn.lang, _UNSUPPORTED.get(command.topic, "not_understood")))
            case "search":
                await self._find(turn, command)
            case "history":
                await self._history.show(turn, command.target)
            case "duplicates":
                target = command.target
                await self._duplicates.find(
                    turn,
                    email=target if "@" in target else "",
                    company="" if "@" in target else target,
                    mine=command.mine,
                )
            case "yes" | "no":
                await self._confirmations.answer(turn, yes=kind == "yes")
            case "create":
                await self._create(turn, command)
            case "update":
                await self._update(turn, command)
            case _:
                assert_never(kind)

    async def _find(self, turn: Turn, command: Command) -> None:
        criteria = command.criteria or SearchCriteria()
        if command.mine:
            await self._search.search(turn, criteria, mine=True)
        elif criteria.is_empty():
            await self._search.show_search_form(turn)
        else:
            await self._search.search(turn, criteria)

    async def _update(self, turn: Turn, command: Command) -> None:
        """A change to a contact named, or to the one in focus ("her", "그분", "the first one",
        or none named at all); with nothing in focus, ask which, keeping the change."""
        pointer = reference(command.target)
        if pointer is None:
            await self._updates.find(turn, command.target, command.properties)
            return
        ids = turn.data.focused()
        if pointer.index is not None:
            ids = [ids[pointer.index]] if -len(ids) <= pointer.index < len(ids) else []
        if ids:
            await self._updates.for_focus(turn, ids, command.properties)
            return
        if command.properties:
            turn.data.wait_for_contact(command.properties)
        await self._updates.show_find_form(turn, "update_which")

    async def _create(self, turn: Turn, command: Command) -> None:
        if not command.properties:
            await self._create_flow.show_create_form(turn)
        elif command.certain:
            await self._create_flow.create(turn, command.properties)
        else:
            await self._create_flow.ask_create(turn, command.properties, command.doubts)

    # -- refusals -----------------------------------------------------------------------------

    async def _refuse_read_only(
        self, turn: Turn, *, submit: Submit | None = None, command: Command | None = None
    ) -> None:
        await record_refused(
            self._ledger, self._confirmations, turn, "read_only", submit=submit, command=command
        )
        await turn.say(text(turn.lang, "read_only_user"))

    async def refused(
        self, turn: Turn, reason: str, *, value: dict[str, Any] | None, message: str
    ) -> None:
        """A user the access lists keep out: their attempted write goes into the audit log.
        `value` is the card submit (None for a typed line); `message` the typed text."""
        if value is not None:
            try:
                submit = parse_submit(value)
            except BadSubmit:
                return
            await record_refused(self._ledger, self._confirmations, turn, reason, submit=submit)
            return
        command = parse_command(message)
        await record_refused(self._ledger, self._confirmations, turn, reason, command=command)


def _names_a_contact(command: Command) -> bool:
    """A line that only names a contact (an email, a phone, a name): the answer to "which
    contact?"."""
    criteria = command.criteria
    if command.kind != "search" or criteria is None or command.mine or criteria.filters:
        return False
    return bool(criteria.email or criteria.phone or criteria.name or criteria.text) and not (
        criteria.company
    )


def _named(command: Command) -> str:
    criteria = command.criteria
    if criteria is None:
        return ""
    return criteria.email or criteria.phone or criteria.name or criteria.text
