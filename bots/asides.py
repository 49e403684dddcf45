"""Messages that are not a request: what they are, so the bot answers them fittingly or not
at all instead of "I didn't get that".

- a card inserted from the compose box (the message extension's search result, sent into the
  bot's own chat): Teams sends it as a message whose text is only
  `<span class="inline-compose-card" ...>` with the card attached. The user shared a contact;
  the card already shows it, so the bot says nothing.
- attachments without words (a file, an image): the bot reads typed text and its own cards'
  buttons only, and says so once for that message. A vCard (text/vcard, or a file named
  .vcf) is a request: the paste flow (flows/paste.py) previews it.

Reactions, edits and deletions of messages (messageReaction, messageUpdate, messageDelete) are
never requests either: the activity handler leaves them unanswered.
"""

from __future__ import annotations

import re
from typing import Any, Literal

INSERTED_CARD = re.compile(r"<span[^>]{0,500}class=\"inline-compose-card\"", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]{0,2000}>")
_SAMPLE_CHARS = 4000
VCARD_TYPES = frozenset({"text/vcard", "text/x-vcard", "text/directory"})

Aside = Literal["", "inserted_card", "attachment"]


def aside(activity: Any) -> Aside:
    """What a message without a card press is, when it is not a request ('' when it is)."""
    if activity.value is not None:
        return ""
    message = str(activity.text or "")[:_SAMPLE_CHARS]
    if INSERTED_CARD.search(message):
        return "inserted_card"
    words = _TAGS.sub(" ", message).replace("&nbsp;", " ").strip()
    if not words and _shared(activity.attachments) and not _vcards(activity.attachments):
        return "attachment"
    return ""


def _vcards(attachments: Any) -> bool:
    """Whether one of the attachments is a vCard, by its type or its file name."""
    for attachment in attachments or ():
        content_type = str(getattr(attachment, "content_type", None) or "").lower()
        name = str(getattr(attachment, "name", None) or "").lower()
        if content_type in VCARD_TYPES or name.endswith(".vcf"):
            return True
    return False


def _shared(attachments: Any) -> bool:
    """Attachments other than Teams' own HTML copy of the typed text."""
    for attachment in attachments or ():
        content_type = str(getattr(attachment, "content_type", None) or "")
        if content_type and content_type != "text/html":
            return True
        if content_type == "text/html" and "<img" in str(getattr(attachment, "content", "")):
            return True
    return False
