"""The names things are known by across the app, written in one place.

Why one home: a redelivered activity is recognized by its key in the inbox, in the processed
ids and in the write claims; a key spelled differently in one of them would let a write happen
twice. So every key is built here, from plain strings (no Bot Framework type), and the
built-in Web Chat channel's caller id (what the bot believes its page users by) sits beside them.
"""

from __future__ import annotations

# Set by the built-in Web Chat channel (webchat/bridge.py) on its own turns; bots/access.py
# believes a page user's identity only on turns that carry it.
PAGE_CALLER_ID = "urn:contact-assistant:webchat"


def activity_key(channel: str, conversation: str, activity_id: str | None) -> str | None:
    """An activity, unique across channels and conversations: what a delivery, a redelivery
    and a claim of the same activity share. None when the channel gave it no id."""
    return f"{channel}/{conversation}/{activity_id}" if activity_id else None


def conversation_key(conversation: str) -> str:
    """The conversation a turn belongs to, as its state, turn lock and claims know it.

    Teams writes a channel thread as `<channel id>;messageid=<root message id>`: a press on a
    card posted at the channel's root arrives with the thread's id, a reply in a thread with
    its own. A channel and its threads share one conversation (one state, one nonce, one set
    of live cards), because a card and the clicks on it must meet in the same state whichever
    of the two ids each arrives with; replies still go to the thread the activity came from.
    """
    return conversation.split(";messageid=", 1)[0]


def turn_lock_key(channel: str, conversation: str) -> str:
    """The lock that runs one conversation's turns one at a time, across instances."""
    return f"turn/{channel}/{conversation_key(conversation)}"


def create_claim_key(activity: str) -> str:
    """A create from a form or a typed line: one per activity."""
    return f"create/{activity}"


def model_create_claim_key(activity: str, who: str) -> str:
    """A create the model asked for: one per activity and contact (`who`: email or name)."""
    return f"create/{activity}/model/{who}"


def new_email_claim_key(email: str) -> str:
    """The claim on a new contact's email while one create of it runs, across instances (a
    lease in the store: `contacts.claims`). `email` as ContactsService normalises it."""
    return f"new-email/{email.strip().lower()}"


def update_claim_key(channel: str, conversation: str, pending_id: str) -> str:
    """A Confirm of one pending update, whichever turn or instance presses it."""
    return f"update/{channel}/{conversation_key(conversation)}/{pending_id}"


def paste_claim_key(channel: str, conversation: str, list_id: str, row: int) -> str:
    """One row of a pasted list, written by Create all or by the Confirm of its updates."""
    return f"paste/{channel}/{conversation_key(conversation)}/{list_id}/{row}"


def held_create_claim_key(channel: str, conversation: str, held_id: str) -> str:
    """A "Create anyway" of one create held for possible duplicates, whichever turn presses it."""
    return f"create/{channel}/{conversation_key(conversation)}/held/{held_id}"


def merge_claim_key(channel: str, conversation: str, held_id: str) -> str:
    """A Confirm of one merge preview, whichever turn or instance presses it."""
    return f"merge/{channel}/{conversation_key(conversation)}/{held_id}"


def ended_card_key(channel: str, conversation: str, card_id: str) -> str:
    """A used card's final state, kept to answer a refresh or a repeated press of it."""
    return f"ended-card/{channel}/{conversation_key(conversation)}/{card_id}"
