"""The local HubSpot-compatible contacts API (aiohttp + SQLite): the embedded default and the
test double. Imports nothing of the app; only app.py (and tests, bench) start it.

    app = create_app(token="...", db_path="contacts.sqlite3")   # aiohttp Application
    app[CONTROLS_KEY].faults = Faults(rate=0.3, seed=1)          # change knobs at runtime

The official `hubspot-api-client` talks to it through its `host` setting. Must not import
botbuilder: the bot depends on this package, never the other way round.
"""

from hubspot_local.app import create_app
from hubspot_local.controls import CONTROLS_KEY, Controls
from hubspot_local.demo import seed_demo
from hubspot_local.options import Faults, RateLimits, RouteCounter, SearchLimits

__all__ = [
    "CONTROLS_KEY",
    "Controls",
    "Faults",
    "RateLimits",
    "RouteCounter",
    "SearchLimits",
    "create_app",
    "seed_demo",
]
