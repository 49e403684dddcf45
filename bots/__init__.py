"""The Bot Framework side: the activity handler, its flows, conversation state and storage."""

from bots.contact_bot import ContactBot
from bots.storage import StoreStorage

__all__ = ["ContactBot", "StoreStorage"]
