"""Typed lines: the parser's `Command` when it reads the line with certainty (flows/certainty.py),
else the model when one is configured, routed through one exhaustive table (`match` over
`typed.command.Kind` + `assert_never`: an intent added to the parser is a mypy error here until
it is routed).

    typed line -> text (a paste? too long? empty? certain? the model?) -> command: Kind -> flow

The parser first, in model mode too: a line it reads with certainty runs without the model (a
typed yes/no is always the bot's to answer, "nothing waits" included); the model gets the rest,
and when the model cannot finish, the parser gets the line before the user is told. In model
mode every create is previewed (flows/model_creates.py), a certain typed one included; without
a model a certain typed create is written at once, as before.

A change still waiting for its contact ("which contact should I update?") takes the next line
that names one; "her", "the first one" or no name at all go to the conversation's focus.
"""

from __future__ import annotations

from dataclasses import replace
from typing import assert_never

import cards
from agent.memory import Encoding
from cards import text
from contacts.model import SearchCriteria
from flows.bundle import Flows
from flows.certainty import parser_reads
from flows.followups import follow_up
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
        command = parse_command(message)
        if self._flows.model is not None and not parser_reads(command, message):
            if await self._named_among_focus(turn, message):
                return  # "the one at Globex": the contact a waiting change was for
            if not turn.read_only and await self._follow_up(turn, message):
                return  # "her email is ...": one more value for the contact in question
            await self._flows.model.run(  # read-only users get a search-only agent
                turn, message, fallback=lambda: self._parser_fallback(turn, message)
            )
            return
        await self._by_parser(turn, command, message)

    async def _by_parser(self, turn: Turn, command: Command, message: str) -> None:
        await self.command(turn, command, message)
        remember(turn, "user", message, self._encoding)
        if turn.said:
            remember(turn, "assistant", "\n".join(turn.said), self._encoding)

    async def _parser_fallback(self, turn: Turn, message: str) -> bool:
        """The model could not finish: the parser answers, unless it understands nothing. Values
        of an update it is not sure of are left out: the contact's edit form comes instead of a
        preview of what may be a misreading ("has moved to Denver" read as a company)."""
        command = parse_command(message)
        if command.kind == "unknown":
            return False
        if command.kind == "update" and not parser_reads(command, message):
            command = replace(command, properties={})
        await self._by_parser(turn, command, message)
        return True

    async def _follow_up(self, turn: Turn, message: str) -> bool:
        """A line that only gives one value (flows/followups.py): it joins the new contact
        waiting for Create, or becomes an update of the one contact in focus (its preview)."""
        values = follow_up(message)
        model = self._flows.model
        if not values or model is None:
            return False
        if not await model.creates.add_values(turn, values):
            ids = turn.data.focused()
            if len(ids) != 1:
                return False  # none or several: the model asks
            await self._flows.updates.for_focus(turn, ids, values)
        remember(turn, "user", message, self._encoding)
        if turn.said:
            remember(turn, "assistant", "\n".join(turn.said), self._encoding)
        return True

    async def _named_among_focus(self, turn: Turn, message: str) -> bool:
        """A change waits for its contact among several shown ("which Omar?") and the line names
        something only one of them has ("the one at Globex", "누리상사 박지호요"): that one is
        picked, as a click on it would, and the change goes on to its preview."""
        ids = turn.data.focused()
        if not turn.data.waiting or len(ids) < 2 or turn.read_only:
            return False
        if not await self._flows.updates.pick_named(turn, ids, message):
            return False
        remember(turn, "user", message, self._encoding)
        return True

    @staticmethod
    def _pasted(message: str) -> bool:
        """Several lines are a paste unless they parse as a command that is not a create."""
        kind = parse_command(message).kind
        return kind in ("create", "search", "unknown")

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
                model = self._flows.model
                if model is None or not await model.creates.answer(turn, yes=kind == "yes"):
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
        elif self._flows.model is not None:  # every create waits for Create in model mode
            await self._flows.model.creates.preview(turn, command.properties, doubts=command.doubts)
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
