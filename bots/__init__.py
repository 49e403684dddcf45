"""The Bot Framework edge: the activity handler, the inbox of accepted turns, token checks,
failures, storage adapter, typing, the message extension and the SDK side of card lifecycle.
May import flows/ and everything below it; the only package besides app.py and webchat/ that
may import the SDK. A port to the Microsoft 365 Agents SDK rewrites this, app.py and the Web
Chat bridge, nothing else (docs/architecture.md).
"""

from bots.contact_bot import ContactBot
from bots.storage import StoreStorage

__all__ = ["ContactBot", "StoreStorage"]
