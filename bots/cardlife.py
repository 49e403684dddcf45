"""Which cards in a conversation are live, and ending them in place once used.

Why: a card that stays clickable acts long after its moment (a Confirm from ten messages back, a
Create pressed twice). So each card of a kind that ends when used (`cards.lifecycle.CardKind`:
confirm, create, pick, results) gets an id, and the conversation keeps, per kind, the one live
card: its id, the id of the activity that carries it, and the card as sent. A newer card of the
same kind replaces the older one, which is ended in the chat at once ("replaced"). A click on a
live card runs; the card then ends with its outcome (saved, cancelled, created...). A click on
an ended card, or on one this conversation does not know, is refused and does nothing.

How the chat learns the final state depends on the client: Teams (Universal Actions) gets it as
the answer to the `adaptiveCard/action` invoke; every other client (Web Chat, the Emulator)
gets an update of the card's activity (updateActivity with the id its send returned). In a
Teams group chat or channel the invoke's answer is the presser's own view only (Teams'
user-specific views): the others keep the card as sent, whose `refresh` reaches only the
`userIds` listed (at most 60) and only while they look at it. So there the card's activity is
edited too, as Teams documents for cards that stay up to date for everyone ("Up-to-date
cards": a message edit to all users): every member sees the end at once, however many.
Ended cards are kept (bots/endings.py: compact, in the state and in the store), so a second
Execute of any used card is answered with its final state and a refresh shows each viewer the
current one.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botbuilder.core import CardFactory, MessageFactory

from bots.endings import keep_in_state, packed, rebuilt
from cards.lifecycle import (
    ENDING_ACTIONS,
    INSTRUCTED,
    KINDS,
    REFRESH_VERB,
    CardKind,
    Outcome,
    acting_data,
    ended,
    status_text,
    track,
    universal,
)
from cards.times import local_time

if TYPE_CHECKING:
    from bots.turn import BotTurn

log = logging.getLogger(__name__)

MAX_VIEWERS = 60  # Teams refreshes a card automatically for at most 60 users
UNIVERSAL_CHANNELS = frozenset({"msteams"})  # clients that run Action.Execute
SHARED_CONVERSATIONS = frozenset({"groupChat", "channel"})  # Teams' types with many viewers


def universal_actions(channel_id: str | None) -> bool:
    """Whether the client runs Action.Execute (Teams); elsewhere cards keep Action.Submit."""
    return (channel_id or "") in UNIVERSAL_CHANNELS


@dataclass
class Acting:
    """The live card this turn's action was pressed on. `ends` when the action finishes the
    card's job; the flow sets `outcome` (what to say on the card), or `keep` when nothing
    happened and the card may be used again (HubSpot did not answer, nothing was written)."""

    card_id: str
    kind: str
    entry: dict[str, Any]
    ends: bool
    outcome: str = ""
    name: str = ""
    keep: bool = False
    final: dict[str, Any] | None = field(default=None, repr=False)
    replaced_by: dict[str, Any] | None = field(default=None, repr=False)  # took its place


@dataclass(frozen=True)
class Refused:
    """A click on a card that is not live: `final` is its last state when known."""

    outcome: str  # the ended card's outcome ("replaced", "saved"...), or "unknown"
    final: dict[str, Any] | None
    status: str = ""


def _book(data: Any) -> dict[str, Any]:
    book = data.cards
    book.setdefault("live", {})
    book.setdefault("ended", {})
    return book  # type: ignore[no-any-return]


def _ends(kind: str, action: str) -> bool:
    """Whether pressing `action` finishes the job of a card of `kind`."""
    return any(action in actions for k, actions in ENDING_ACTIONS.items() if k == kind)


class CardLife:
    """One turn's view of the conversation's cards (kept in `ConversationData.cards`)."""

    def __init__(self, turn: BotTurn) -> None:
        self._turn = turn
        self.acting: Acting | None = None

    @property
    def _book(self) -> dict[str, Any]:
        return _book(self._turn.data)

    # -- sending ------------------------------------------------------------------------------

    def prepare(self, card: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
        """A new card id and the card as this client should get it."""
        if kind not in KINDS:
            raise ValueError(f"not a card kind that ends: {kind}")
        card_id = secrets.token_urlsafe(9)
        card = track(card, card_id)
        activity = self._turn.context.activity
        if universal_actions(activity.channel_id):
            card = universal(
                card,
                refresh_data={"action": REFRESH_VERB, "nonce": self._turn.nonce, "card": card_id},
                user_ids=self._viewers(getattr(activity.from_property, "id", None)),
            )
        return card_id, card

    def _viewers(self, user: str | None) -> list[str]:
        """Who Teams should refresh the card for: the people who have talked to the bot in this
        conversation (a group chat's other members see a card end too), newest first, at most
        the MAX_VIEWERS Teams takes."""
        seen = [str(u) for u in self._book.get("viewers") or [] if isinstance(u, str) and u]
        if user:
            seen = [str(user)] + [u for u in seen if u != user]
        self._book["viewers"] = seen[:MAX_VIEWERS]
        return list(self._book["viewers"])

    async def sent(self, kind: str, card_id: str, card: dict[str, Any], activity_id: str) -> None:
        """The card went out as `activity_id`: it is the live one of its kind now, and the one
        it replaces ends in the chat (unless this turn acts on it: that one ends with its
        outcome when the turn is done)."""
        old = self._book["live"].get(kind)
        self._book["live"][kind] = {
            "id": card_id,
            "activity": activity_id,
            "card": card,
            "lang": self._turn.lang,  # its final state is said in the card's language
        }
        if old is None or (self.acting is not None and old.get("id") == self.acting.card_id):
            return
        await self._end(old, kind, Outcome.REPLACED, update=True)

    def can_replace(self, kind: str) -> bool:
        """Whether a new card of `kind` can take the place of the card this turn acts on."""
        acting = self.acting
        return bool(
            acting is not None
            and acting.kind == kind
            and acting.ends
            and acting.replaced_by is None
            and (self._invoked or acting.entry.get("activity"))
        )

    async def replace_acting(self, card_id: str, card: dict[str, Any], text: str) -> None:
        """Put the new card where the acted-on card is: the invoke's answer in Teams, an
        update of its activity elsewhere. It is the live card of its kind from now on."""
        acting = self.acting
        assert acting is not None
        activity_id = str(acting.entry.get("activity") or "")
        acting.replaced_by = {
            "id": card_id,
            "activity": activity_id,
            "card": card,
            "lang": self._turn.lang,
        }
        self._book["live"][acting.kind] = acting.replaced_by
        if self._invoked:
            if text:
                await self._turn.context.send_activity(MessageFactory.text(text))
        else:
            await self._replace(activity_id, card, text)

    @property
    def _invoked(self) -> bool:
        return bool(self._turn.context.activity.type == "invoke")

    # -- a click ------------------------------------------------------------------------------

    async def check(self, value: dict[str, Any], action: str) -> Refused | None:
        """None when the click may run (then `acting` says on which live card, if any); else
        why not. A click that ends a card must name a live card of this conversation."""
        activity = self._turn.context.activity
        if universal_actions(activity.channel_id):  # one who presses sees the cards' ends too
            self._viewers(getattr(activity.from_property, "id", None))
        card_id = value.get("card")
        if not isinstance(card_id, str) or not card_id:
            if any(_ends(kind, action) for kind in KINDS if kind is not CardKind.PICK):
                return Refused(Outcome.UNKNOWN, None)
            return None  # a button of a card that does not end (welcome, contact card...)
        for kind, entry in self._book["live"].items():
            if isinstance(entry, dict) and entry.get("id") == card_id:
                self.acting = Acting(card_id, kind, entry, ends=_ends(kind, action))
                return None
        gone = await self._ended(card_id)
        if gone is not None:
            return Refused(
                str(gone.get("outcome") or Outcome.DONE),
                rebuilt(gone) if self._universal else None,
                str(gone.get("status") or ""),
            )
        return Refused(Outcome.UNKNOWN, None)

    async def _ended(self, card_id: str) -> dict[str, Any] | None:
        """What is kept of an ended card: the state's copy, else the store's."""
        gone = self._book["ended"].get(card_id)
        if isinstance(gone, dict):
            return gone
        archive = self._turn.archive
        return await archive.get(card_id) if archive is not None else None

    @property
    def _shared(self) -> bool:
        """A conversation where others see the card too (a Teams group chat or channel)."""
        conversation = self._turn.context.activity.conversation
        return getattr(conversation, "conversation_type", None) in SHARED_CONVERSATIONS

    @property
    def _universal(self) -> bool:
        return universal_actions(self._turn.context.activity.channel_id)

    def act_on_live(self, kind: str) -> None:
        """A typed answer ("cancel", "yes") acts on the live card of `kind`, if there is one."""
        entry = self._book["live"].get(kind)
        if self.acting is None and isinstance(entry, dict):
            self.acting = Acting(str(entry.get("id")), kind, entry, ends=True)

    def outcome(self, outcome: Outcome, name: str = "") -> None:
        if self.acting is not None:
            self.acting.outcome, self.acting.name = outcome, name

    def keep(self) -> None:
        if self.acting is not None:
            self.acting.keep = True

    async def current(self, card_id: str) -> dict[str, Any] | None:
        """The card's state now, live or final (a refresh); None when unknown."""
        for entry in self._book["live"].values():
            if isinstance(entry, dict) and entry.get("id") == card_id:
                return entry.get("card")
        gone = await self._ended(card_id)
        return rebuilt(gone) if gone is not None else None

    async def finish(self, *, update: bool) -> dict[str, Any] | None:
        """End the card this turn acted on, when its action ended it; its state afterwards
        (the final card, or the card as it is when it stays live). `update`: send the final
        state as an update of the card's activity (clients without Universal Actions); a
        Teams group chat or channel gets that update as well as the invoke's answer."""
        acting = self.acting
        if acting is None:
            return None
        update = update or self._shared
        if acting.replaced_by is not None:  # a new card took its place: that one is live
            card = acting.replaced_by["card"]
            await self._remember(acting.card_id, acting.kind, Outcome.REPLACED, "", card)
            return acting.replaced_by["card"]  # type: ignore[no-any-return]
        live = self._book["live"].get(acting.kind)
        still_live = isinstance(live, dict) and live.get("id") == acting.card_id
        if not acting.ends or acting.keep:
            if still_live:
                return acting.entry.get("card")
            return await self.current(acting.card_id)
        if still_live:
            del self._book["live"][acting.kind]
        acting.final = await self._end(
            acting.entry,
            acting.kind,
            acting.outcome or Outcome.DONE,
            update=update,
            name=acting.name,
        )
        return acting.final

    async def _end(
        self, entry: dict[str, Any], kind: str, outcome: str, *, update: bool, name: str = ""
    ) -> dict[str, Any]:
        turn = self._turn
        lang = str(entry.get("lang") or turn.lang)
        when = local_time(lang, datetime.now(UTC), turn.zone)  # the user's clock (cards/times.py)
        status = status_text(lang, outcome, by=turn.actor.name, when=when, name=name)
        final = ended(entry.get("card") or {}, status, outcome, instructions=kind in INSTRUCTED)
        if kind == CardKind.CONFIRM:  # a confirmation ended without Confirm: its change is gone too
            for data in acting_data(entry.get("card") or {}):
                if isinstance(data.get("pending_id"), str):
                    turn.data.pending.pop(data["pending_id"], None)
        await self._remember(str(entry.get("id")), kind, outcome, status, final)
        activity_id = entry.get("activity")
        if update and isinstance(activity_id, str) and activity_id:
            await self._replace(activity_id, final)
        return final

    async def _remember(
        self, card_id: str, kind: str, outcome: str, status: str, card: dict[str, Any]
    ) -> None:
        """Keep what a later click on the ended card is told (bots/endings.py). Only Teams is
        answered with the final card itself (a repeat Execute, a refresh); elsewhere the
        status line is enough."""
        entry = packed(kind, outcome, status, card if self._universal else None)
        keep_in_state(self._book["ended"], card_id, entry)
        if self._turn.archive is not None:
            await self._turn.archive.put(card_id, entry)

    async def _replace(self, activity_id: str, card: dict[str, Any], text: str = "") -> None:
        """Update the card's activity in the chat; a client that cannot is only logged (the
        card is refused when clicked all the same)."""
        activity = MessageFactory.attachment(CardFactory.adaptive_card(card), text=text or None)
        activity.id = activity_id
        try:
            await self._turn.context.update_activity(activity)
        except Exception as exc:  # the channel's answer; the state is ended regardless
            log.warning("could not update a card in the chat: %s", type(exc).__name__)
