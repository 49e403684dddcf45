"""The Bot Framework side: the activity handler, its flows, conversation state and storage."""

from bots.contact_bot import ContactBot
from bots.storage import SqliteStorage, create_storage

__all__ = ["ContactBot", "SqliteStorage", "create_storage"]
