"""What the bot remembers about one conversation, kept as a plain dict in ConversationState.

Why a dataclass over a dict: the flows read and write a handful of well-known fields, and a
state written by an older version (or edited by hand) must load without breaking a turn, so
`from_dict` takes only what it recognises, with the right types, and drops the rest.

    nonce       random per conversation; every card carries it, so a forged card or one from
                another conversation is refused
    lang        "en" / "ko" once known ("" until the channel tells us)
    lang_source where `lang` came from: "installation" (Teams installationUpdate) or "message"
    zone        the user's time zone (IANA name) as last said by the channel, "" until then:
                times on cards are shown in it (bots/zones.py, cards/times.py)
    welcomed    the welcome card was sent (once per conversation, not per member or re-add)
    history     the memory window ({role, content}), kept in guided mode too
    known_ids   contact ids seen in results (the agent may update only these without a lookup)
    pending     pending_id -> PendingUpdate dict, waiting for Confirm; at most MAX_PENDING
    last_search criteria and offset of the last search shown
    seen_now    not stored: the contact ids this turn showed (the first few of each list), for
                the user's recently seen contacts (bots/recent.py, the compose-box search)
    cards       the live card of each kind that ends when used, and recent final states
                (bots/cardlife.py): {"live": {kind: {...}}, "ended": {card_id: {...}},
                "viewers": [user ids Teams refreshes cards for]}
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from contacts.model import PendingUpdate

MAX_KNOWN_IDS = 200
MAX_PENDING = 5
SEEN_PER_LIST = 3  # of a list of results, the ones a user counts as "seen"


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


@dataclass
class ConversationData:
    nonce: str = field(default_factory=new_nonce)
    lang: str = ""
    lang_source: str = ""
    zone: str = ""
    welcomed: bool = False
    history: list[dict[str, str]] = field(default_factory=list)
    known_ids: list[str] = field(default_factory=list)
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    last_search: dict[str, Any] | None = None
    cards: dict[str, Any] = field(default_factory=dict)
    seen_now: list[str] = field(default_factory=list, repr=False, compare=False)

    # -- known ids ----------------------------------------------------------------------------

    def remember_ids(self, ids: Any) -> None:
        """Add ids (most recent last), keeping at most MAX_KNOWN_IDS."""
        ids = [str(contact_id) for contact_id in ids]
        self.seen_now[:0] = ids[:SEEN_PER_LIST]  # newest first, each list in its order
        for cid in ids:
            if cid in self.known_ids:
                self.known_ids.remove(cid)
            self.known_ids.append(cid)
        del self.known_ids[:-MAX_KNOWN_IDS]

    # -- pending updates ----------------------------------------------------------------------

    def add_pending(self, pending: PendingUpdate) -> str:
        """Store an update awaiting Confirm; an older one for the same contact is replaced."""
        for pid, item in list(self.pending.items()):
            if str(item.get("contact_id")) == pending.contact_id:
                del self.pending[pid]
        pending_id = secrets.token_urlsafe(9)
        self.pending[pending_id] = pending.to_dict()
        while len(self.pending) > MAX_PENDING:
            del self.pending[next(iter(self.pending))]
        return pending_id

    def take_pending(self, pending_id: str) -> PendingUpdate | None:
        """Remove and return a pending update; None when it is unknown or already used."""
        item = self.pending.pop(pending_id, None)
        if item is None:
            return None
        try:
            return PendingUpdate.from_dict(item)
        except (KeyError, TypeError, ValueError):
            return None

    def restore_pending(self, pending_id: str, pending: PendingUpdate) -> None:
        """Put back an update whose Confirm failed before anything was written."""
        self.pending[pending_id] = pending.to_dict()

    # -- (de)serialisation --------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "nonce": self.nonce,
            "lang": self.lang,
            "lang_source": self.lang_source,
            "zone": self.zone,
            "welcomed": self.welcomed,
            "history": list(self.history),
            "known_ids": list(self.known_ids),
            "pending": dict(self.pending),
            "last_search": self.last_search,
            "cards": self.cards,
        }

    @classmethod
    def from_dict(cls, data: Any) -> ConversationData:
        if not isinstance(data, dict):
            return cls()
        out = cls()
        if isinstance(data.get("nonce"), str) and data["nonce"]:
            out.nonce = data["nonce"]
        if data.get("lang") in ("en", "ko"):
            out.lang = data["lang"]
        if isinstance(data.get("lang_source"), str):
            out.lang_source = data["lang_source"]
        if isinstance(data.get("zone"), str):
            out.zone = data["zone"][:64]
        out.welcomed = data.get("welcomed") is True
        history = data.get("history")
        if isinstance(history, list):
            out.history = [
                dict(m)
                for m in history
                if isinstance(m, dict)
                and isinstance(m.get("role"), str)
                and isinstance(m.get("content"), str)
            ]
        known = data.get("known_ids")
        if isinstance(known, list):
            out.known_ids = [str(i) for i in known if isinstance(i, str | int)][-MAX_KNOWN_IDS:]
        pending = data.get("pending")
        if isinstance(pending, dict):
            out.pending = {str(k): v for k, v in pending.items() if isinstance(v, dict)}
        if isinstance(data.get("last_search"), dict):
            out.last_search = data["last_search"]
        book = data.get("cards")
        if isinstance(book, dict):
            out.cards = {
                part: {str(k): v for k, v in book[part].items() if isinstance(v, dict)}
                for part in ("live", "ended")
                if isinstance(book.get(part), dict)
            }
            if isinstance(book.get("viewers"), list):
                out.cards["viewers"] = [u for u in book["viewers"] if isinstance(u, str)]
        return out
