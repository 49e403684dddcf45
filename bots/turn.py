"""`BotTurn`: the flows' `Turn` (flows/turn.py) over a Bot Framework TurnContext.

The flows take a `Turn` instead of a TurnContext so they only ever say a line, show a card,
remember something in the conversation's data and ask who is acting; this is the one place
that turns those into activities. Text replies are collected in `said`, so the bot can put its
own words into the memory window after a typed message.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity, ActivityTypes

from bots.access import identity_of, user_id_of
from bots.cardlife import CardLife
from bots.endings import EndedArchive
from bots.language import stamped
from bots.owners import OwnerOfTurn
from cards import error_text
from cards.lifecycle import CardKind
from cards.render import printable
from contacts.errors import (
    ContactChanged,
    ContactNotFound,
    ContactsError,
    DuplicateContact,
    HubSpotRejectedToken,
    HubSpotUnavailable,
    InvalidContact,
)
from contacts.owners import ActingOwner
from flows.state import ConversationData
from flows.writes import Actor
from ground.ids import activity_key

# What a user's own input leads to (a bad value, an email taken, an id that is not there, an
# edit someone else beat): answered in words and logged at INFO, not as a problem of the app.
_USER_CAUSED = (InvalidContact, DuplicateContact, ContactNotFound, ContactChanged)

log = logging.getLogger(__name__)


@dataclass
class BotTurn:
    context: TurnContext
    data: ConversationData
    lang: str
    read_only: bool = False
    admin: bool = False  # may read the audit log (ADMIN_USERS)
    said: list[str] = field(default_factory=list)
    save: Callable[[], Awaitable[None]] | None = None  # saves `data` now (the bot passes it)
    # The acting user's email and HubSpot owner (Teams: the roster, cached); asked only when a
    # write is recorded or an owner is needed, so a read costs no roster call.
    owners: OwnerOfTurn | None = None
    # Where every ended card is kept (bots/endings.py); None keeps them in the state only.
    archive: EndedArchive | None = None
    _roster_email: str | None = field(default=None, repr=False)
    cards: CardLife = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.cards = CardLife(self)

    async def checkpoint(self) -> None:
        """Save the conversation's data before a reply that depends on it goes out (a pending
        update must be stored before its Confirm button can reach any instance)."""
        if self.save is not None:
            await self.save()

    @property
    def nonce(self) -> str:
        return self.data.nonce

    @property
    def zone(self) -> str:
        """The user's time zone: the activity's, or the one the conversation remembers (the
        bot loads it at the start of the turn: bots/zones.py)."""
        return self.data.zone

    @property
    def region(self) -> str | None:
        """Phone numbers typed without a country code are read as Korean ones in Korean."""
        return "KR" if self.lang == "ko" else None

    @property
    def attachments(self) -> list[dict[str, Any]]:
        """The activity's attachments without SDK types; inline text content only (a
        `contentUrl` is not downloaded: a file the channel hosts is not read)."""
        found = []
        for item in self.context.activity.attachments or []:
            content = getattr(item, "content", None)
            found.append(
                {
                    "contentType": str(getattr(item, "content_type", None) or ""),
                    "name": str(getattr(item, "name", None) or ""),
                    "content": content if isinstance(content, str) else "",
                }
            )
        return found

    @property
    def actor(self) -> Actor:
        """Who this turn acts for (claims and the audit log name them)."""
        activity = self.context.activity
        sender = activity.from_property
        conversation = activity.conversation
        who = identity_of(activity)
        return Actor(
            id=user_id_of(activity),
            name=str(getattr(sender, "name", None) or ""),
            channel=str(activity.channel_id or ""),
            conversation=str(getattr(conversation, "id", None) or ""),
            email=who.email,
            tenant=who.tenant,
            zone=self.zone,
        )

    async def writer(self) -> Actor:
        """`actor`, with the email filled in from the roster when the activity lacks it: what
        claims and the audit log record."""
        actor = self.actor
        if actor.email or self.owners is None:
            return actor
        if self._roster_email is None:  # once a turn: a lookup that failed is not retried
            self._roster_email = await self.owners.email_of(self.context)
        return dataclasses.replace(actor, email=self._roster_email) if self._roster_email else actor

    async def owner(self) -> ActingOwner:
        """The acting user's email and HubSpot owner (raises ContactsError when HubSpot
        cannot answer the lookup)."""
        if self.owners is None:
            return ActingOwner("", None)
        return await self.owners.of(self.context)

    @property
    def activity_key(self) -> str | None:
        """This activity, unique across channels and conversations (claims and redeliveries);
        None when the channel gave it no id."""
        actor = self.actor
        return activity_key(actor.channel, actor.conversation, self.context.activity.id)

    async def say(
        self,
        text: str,
        card: dict[str, Any] | None = None,
        *,
        kind: CardKind | None = None,
        in_place: bool = False,
    ) -> None:
        """One message: a line of text, optionally with an Adaptive Card under it. `kind`
        names a card that ends when used (`cards.lifecycle.CardKind`): it becomes the live card
        of that kind, and the one before it ends (bots/cardlife.py). `in_place`: when this
        turn acts on a card of that kind, the new card takes its place in the chat instead of
        coming as a new message (a form shown again with what to fix)."""
        text, card = printable(text), printable(card)
        if card is not None:  # its buttons carry its language to what follows them
            card = stamped(card, self.lang)
        card_id = ""
        if card is not None and kind is not None:
            card_id, card = self.cards.prepare(card, kind)
            if in_place and self.cards.can_replace(kind):
                if text:
                    self.said.append(text)
                await self.cards.replace_acting(card_id, card, text)
                return
        if card is not None:
            activity = MessageFactory.attachment(CardFactory.adaptive_card(card), text=text or None)
        else:
            activity = MessageFactory.text(text)
        if text:
            self.said.append(text)
        response = await self.context.send_activity(activity)
        if card is not None and kind is not None:
            await self.cards.sent(kind, card_id, card, getattr(response, "id", None) or "")

    async def card(
        self, card: dict[str, Any], *, kind: CardKind | None = None, in_place: bool = False
    ) -> None:
        await self.say("", card, kind=kind, in_place=in_place)

    async def typing(self) -> None:
        await self.context.send_activity(Activity(type=ActivityTypes.typing))

    async def failed(self, exc: ContactsError, card: dict[str, Any] | None = None) -> None:
        """Tell the user what went wrong with HubSpot, in words; log the kind, never data."""
        if isinstance(exc, HubSpotRejectedToken):
            log.warning("HubSpot rejected the token (the operator was told in the log)")
        elif isinstance(exc, HubSpotUnavailable):
            log.warning(
                "HubSpot unavailable (write may have happened: %s)", exc.write_may_have_happened
            )
        elif isinstance(exc, _USER_CAUSED):
            log.info("answered a contacts error: %s", exc.code)
        else:
            log.warning("contacts error: %s", exc.code)
        await self.say(error_text(self.lang, exc), card)
