"""Typed lines: the model when one is configured, else the parser's `Command`, routed through one
exhaustive table (`match` over `typed.command.Kind` + `assert_never`: an intent added to the
parser is a mypy error here until it is routed).

    typed line -> text (a paste? too long? empty? the model?) -> command: Kind -> flow

A change still waiting for its contact ("which contact should I update?") takes the next line
that names one; "her", "the first one" or no name at all go to the conversation's focus.
"""

from __future__ import annotations

from typing import assert_never

import cards
from agent.memory import Encoding
from cards import text
from contacts.model import SearchCriteria
from flows.bundle import Flows
from flows.model_mode import remember
from flows.paste import MAX_PASTE_CHARS, is_paste
from flows.refusals import refuse_read_only
from flows.turn import Turn
from typed import Command, parse_command
from typed.references import reference

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


class TypedLines:
    """`encoding` sizes the memory window a typed line and its answer are kept in."""

    def __init__(self, *, flows: Flows, encoding: Encoding, max_message_chars: int) -> None:
        self._flows = flows
        self._encoding = encoding
        self._max_chars = max_message_chars

    async def text(self, turn: Turn, message: str) -> None:
        """A typed line (mentions already taken out): the model when one is configured, else
        the parser's command; a line and its answer go into the memory window."""
        if turn.attachments and not turn.read_only and await self._flows.paste.attached(turn):
            return  # vCard files: previewed (a read-only user gets the help below)
        if (
            is_paste(message)
            and len(message) <= MAX_PASTE_CHARS
            and not turn.read_only
            and self._pasted(message)
        ):
            await self._flows.paste.paste(turn, message)  # previewed, in model mode too
            return
        if len(message) > self._max_chars:
            await turn.say(
                text(turn.lang, "message_too_long", length=len(message), limit=self._max_chars)
            )
            return
        if not message:
            await turn.card(cards.help_card(turn.lang, turn.nonce, self._flows.model is not None))
            return
        if self._flows.model is not None and not self._typed_answer(turn, message):
            await self._flows.model.run(turn, message)  # read-only users get a search-only agent
            return
        await self.command(turn, parse_command(message), message)
        remember(turn, "user", message, self._encoding)
        if turn.said:
            remember(turn, "assistant", "\n".join(turn.said), self._encoding)

    @staticmethod
    def _pasted(message: str) -> bool:
        """Several lines are a paste unless they parse as a command that is not a create."""
        kind = parse_command(message).kind
        return kind in ("create", "search", "unknown")

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
            await refuse_read_only(
                self._flows.ledger, self._flows.confirmations, turn, command=command
            )
            return
        if waiting and _names_a_contact(command):
            await self._flows.updates.find(turn, _named(command) or message.strip(), waiting)
            return
        match kind:
            case "thanks":
                await turn.say(text(turn.lang, "thanks"))
            case "help" | "hello":
                intro = text(turn.lang, "hello") if kind == "hello" else ""
                help_card = cards.help_card(turn.lang, turn.nonce, self._flows.model is not None)
                await turn.say(intro, help_card)
            case "unknown":
                menu = cards.menu_card(turn.lang, turn.nonce)
                await turn.say(text(turn.lang, "not_understood"), menu)
            case "unsupported":
                await turn.say(text(turn.lang, _UNSUPPORTED.get(command.topic, "not_understood")))
            case "search":
                await self._find(turn, command)
            case "history":
                await self._flows.history.show(turn, command.target)
            case "duplicates":
                target = command.target
                await self._flows.duplicates.find(
                    turn,
                    email=target if "@" in target else "",
                    company="" if "@" in target else target,
                    mine=command.mine,
                )
            case "yes" | "no":
                await self._flows.confirmations.answer(turn, yes=kind == "yes")
            case "create":
                await self._create(turn, command)
            case "update":
                await self._update(turn, command)
            case _:
                assert_never(kind)

    async def _find(self, turn: Turn, command: Command) -> None:
        criteria = command.criteria or SearchCriteria()
        if command.mine:
            await self._flows.search.search(turn, criteria, mine=True)
        elif criteria.is_empty():
            await self._flows.search.show_search_form(turn)
        else:
            await self._flows.search.search(turn, criteria)

    async def _update(self, turn: Turn, command: Command) -> None:
        """A change to a contact named, or to the one in focus ("her", "그분", "the first one",
        or none named at all); with nothing in focus, ask which, keeping the change."""
        pointer = reference(command.target)
        if pointer is None:
            await self._flows.updates.find(turn, command.target, command.properties)
            return
        ids = turn.data.focused()
        if pointer.index is not None:
            ids = [ids[pointer.index]] if -len(ids) <= pointer.index < len(ids) else []
        if ids:
            await self._flows.updates.for_focus(turn, ids, command.properties)
            return
        if command.properties:
            turn.data.wait_for_contact(command.properties)
        await self._flows.updates.show_find_form(turn, "update_which")

    async def _create(self, turn: Turn, command: Command) -> None:
        if not command.properties:
            await self._flows.create.show_create_form(turn)
        elif command.certain:
            await self._flows.create.create(turn, command.properties)
        else:
            await self._flows.create.ask_create(turn, command.properties, command.doubts)


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
