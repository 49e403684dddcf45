"""What a flow may do in one turn: the `Turn` protocol, free of any Bot Framework type.

Why a protocol: the flows are the product's conversation logic; the Bot Framework (archived,
succeeded by the Microsoft 365 Agents SDK) is only how activities arrive and replies leave.
`bots/turn.py` implements this over a TurnContext; a port to another SDK implements it again
and leaves every flow as it is. A flow only ever says a line, shows a card, marks the card it
acted on, remembers something in the conversation's data and asks who is acting.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from cards.lifecycle import CardKind, Outcome
from contacts.errors import ContactsError
from contacts.owners import ActingOwner
from flows.state import ConversationData
from flows.writes import Actor

log = logging.getLogger(__name__)


class CardMarks(Protocol):
    """How a flow says what became of the card this turn acted on (it ends in the chat with
    that outcome when the turn is over; bots/cardlife.py)."""

    def outcome(self, outcome: Outcome, name: str = "") -> None:
        """The acted-on card ends with this outcome (`name`: the contact it names)."""

    def keep(self) -> None:
        """The acted-on card stays live: nothing was done, it may be pressed again."""

    def act_on_live(self, kind: CardKind) -> None:
        """A typed answer acts on the live card of `kind` as if it had been pressed."""


class Turn(Protocol):
    """One turn's view of the conversation: where replies go, in which language, with which
    nonce, and who is acting. Text replies are collected in `said` (the memory window)."""

    data: ConversationData
    lang: str
    read_only: bool
    admin: bool  # may read the audit log (ADMIN_USERS)
    said: list[str]

    @property
    def cards(self) -> CardMarks: ...

    @property
    def nonce(self) -> str: ...

    @property
    def zone(self) -> str:
        """The user's time zone (an IANA name, loaded: cards/times.py), "" when none is known:
        the times shown on cards are in it."""

    @property
    def region(self) -> str | None:
        """The phone region for numbers typed without a country code (KR in Korean)."""

    @property
    def attachments(self) -> list[dict[str, Any]]:
        """The files sent with this message, as plain dicts: `contentType`, `name` and
        `content` (the inline text, "" when the channel gave only a URL, which is not fetched)."""

    @property
    def actor(self) -> Actor:
        """Who this turn acts for, as the channel names them (claims and the audit log)."""

    @property
    def activity_key(self) -> str | None:
        """This activity, unique across channels and conversations; None without an id."""

    async def writer(self) -> Actor:
        """`actor` with the email filled in where the channel has to be asked for it."""

    async def owner(self) -> ActingOwner:
        """The acting user's email and HubSpot owner; raises ContactsError when HubSpot
        cannot answer the owner lookup."""

    async def checkpoint(self) -> None:
        """Save the conversation's data now (before a reply that depends on it goes out)."""

    async def say(
        self,
        text: str,
        card: dict[str, Any] | None = None,
        *,
        kind: CardKind | None = None,
        in_place: bool = False,
    ) -> None:
        """One message: a line, optionally with a card. `kind` names a card that ends when
        used; `in_place` puts it where the acted-on card of that kind was."""

    async def card(
        self, card: dict[str, Any], *, kind: CardKind | None = None, in_place: bool = False
    ) -> None: ...

    async def typing(self) -> None: ...

    async def failed(self, exc: ContactsError, card: dict[str, Any] | None = None) -> None:
        """Tell the user in words what went wrong with HubSpot."""


async def creator_of(turn: Turn) -> ActingOwner:
    """Who is creating, as a HubSpot owner; a lookup that fails costs only the owner (the
    contact is created without one, never not created)."""
    try:
        return await turn.owner()
    except ContactsError as exc:
        log.warning("creating without an owner: the owner lookup failed (%s)", exc.code)
        return ActingOwner("", None)
