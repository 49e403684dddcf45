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
    focus       the contacts the conversation is talking about (ids, in the order shown) and
                when they were shown (`focus_at`): the single result of a search, the contact
                just created, picked, updated or shown in a confirmation; "her", "그분", "the
                first one" and a change with no contact named refer to it (flows/focus.py)
    waiting     what the user asked for and the bot still needs a contact for ("change the
                company to Acme" with nothing in focus): {"properties": {...}, "at": time}
    queued      an update prepared for another contact while a confirmation waited: shown
                once that one is confirmed or cancelled, never dropped unsaid
    pastes      list_id -> a pasted list waiting for Create all / Update existing (its rows as
                previewed, flows/paste_list.py); taken out when used, so a second press writes
                nothing; at most MAX_PASTES
    held        held_id -> a write waiting for the user's choice (flows/duplicates.py): a create
                held for possible duplicates ({"kind": "create", "properties", "owner_id"}),
                a merge waiting for Confirm ({"kind": "merge", "keep", "other", ...});
                taken out on first use, so a second click writes nothing; at most MAX_HELD
    cards       the live card of each kind that ends when used, and recent final states
                (bots/cardlife.py): {"live": {kind: {...}}, "ended": {card_id: {...}},
                "viewers": [user ids Teams refreshes cards for]}
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from contacts.model import PendingUpdate

MAX_KNOWN_IDS = 200
MAX_PENDING = 5
MAX_PASTES = 2  # pasted lists kept (each up to 200 rows)
MAX_HELD = 5
SEEN_PER_LIST = 3  # of a list of results, the ones a user counts as "seen"
MAX_FOCUS = 10  # a page of results
FOCUS_SECONDS = 30 * 60  # after half an hour "her" no longer means the contact shown then
WAITING_SECONDS = 10 * 60


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
    focus: list[str] = field(default_factory=list)
    focus_at: float = 0.0
    waiting: dict[str, Any] | None = None
    queued: dict[str, Any] | None = None
    pastes: dict[str, dict[str, Any]] = field(default_factory=dict)
    held: dict[str, dict[str, Any]] = field(default_factory=dict)
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

    # -- focus: who "her" is -------------------------------------------------------------------

    def focus_on(self, ids: Any, *, now: float | None = None) -> None:
        """The contacts just shown become the ones the conversation talks about."""
        self.focus = [str(i) for i in ids][:MAX_FOCUS]
        self.focus_at = time.time() if now is None else now

    def focused(self, *, now: float | None = None) -> list[str]:
        """The contacts in focus; none once FOCUS_SECONDS have passed since they were shown."""
        now = time.time() if now is None else now
        return list(self.focus) if now - self.focus_at <= FOCUS_SECONDS else []

    def wait_for_contact(self, properties: dict[str, str], *, now: float | None = None) -> None:
        """Keep a change the user asked for until they say which contact it is for."""
        at = time.time() if now is None else now
        self.waiting = {"properties": dict(properties), "at": at}

    def take_waiting(self, *, now: float | None = None) -> dict[str, str]:
        """The change waiting for its contact (and it stops waiting); {} when none or stale."""
        waiting, self.waiting = self.waiting, None
        now = time.time() if now is None else now
        if not waiting or now - float(waiting.get("at") or 0) > WAITING_SECONDS:
            return {}
        props = waiting.get("properties")
        return {str(k): str(v) for k, v in props.items()} if isinstance(props, dict) else {}

    # -- pending updates ----------------------------------------------------------------------

    def add_pending(self, pending: PendingUpdate) -> str:
        """Store an update awaiting Confirm; an older one for the same contact is replaced
        (flows/updates.py merges their changes first, so nothing asked for is lost)."""
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

    def waiting_update(self, contact_id: str | None = None) -> tuple[str, PendingUpdate] | None:
        """The newest update waiting for Confirm (for `contact_id` only, when given)."""
        for pending_id in reversed(self.pending):
            item = self.pending[pending_id]
            if contact_id is None or str(item.get("contact_id")) == contact_id:
                try:
                    return pending_id, PendingUpdate.from_dict(item)
                except (KeyError, TypeError, ValueError):
                    continue
        return None

    def queue(self, pending: PendingUpdate) -> None:
        self.queued = pending.to_dict()

    def take_queued(self) -> PendingUpdate | None:
        item, self.queued = self.queued, None
        if not item:
            return None
        try:
            return PendingUpdate.from_dict(item)
        except (KeyError, TypeError, ValueError):
            return None

    # -- pasted lists ---------------------------------------------------------------------------

    def add_paste(self, entry: dict[str, Any]) -> str:
        """Keep a pasted list's preview until a button uses it; the oldest goes past MAX_PASTES."""
        list_id = secrets.token_urlsafe(9)
        self.pastes[list_id] = entry
        while len(self.pastes) > MAX_PASTES:
            del self.pastes[next(iter(self.pastes))]
        return list_id

    def take_paste(self, list_id: str) -> dict[str, Any] | None:
        """Remove and return a pasted list; None when unknown or already used."""
        return self.pastes.pop(list_id, None)

    # -- held creates and merges ---------------------------------------------------------------

    def hold(self, kind: str, item: dict[str, Any]) -> str:
        """Keep a write until the user chooses (`kind`: "create" or "merge"); its id."""
        held_id = secrets.token_urlsafe(9)
        self.held[held_id] = {**item, "kind": kind}
        while len(self.held) > MAX_HELD:
            del self.held[next(iter(self.held))]
        return held_id

    def take_held(self, held_id: str, kind: str) -> dict[str, Any] | None:
        """Remove and return a held write of `kind`; None when unknown or already used."""
        item = self.held.get(held_id)
        if item is None or item.get("kind") != kind:
            return None
        return self.held.pop(held_id)

    def restore_held(self, held_id: str, item: dict[str, Any]) -> None:
        """Put back a held write whose use failed before anything was written."""
        self.held[held_id] = item

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
            "focus": list(self.focus),
            "focus_at": self.focus_at,
            "waiting": self.waiting,
            "queued": self.queued,
            "pastes": dict(self.pastes),
            "held": dict(self.held),
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
        focus = data.get("focus")
        if isinstance(focus, list):
            out.focus = [str(i) for i in focus if isinstance(i, str | int)][:MAX_FOCUS]
        if isinstance(data.get("focus_at"), int | float):
            out.focus_at = float(data["focus_at"])
        held = data.get("held")
        if isinstance(held, dict):
            out.held = {str(k): v for k, v in held.items() if isinstance(v, dict)}
        for name in ("waiting", "queued"):
            if isinstance(data.get(name), dict):
                setattr(out, name, data[name])
        pastes = data.get("pastes")
        if isinstance(pastes, dict):
            out.pastes = {str(k): v for k, v in pastes.items() if isinstance(v, dict)}
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
