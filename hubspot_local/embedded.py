"""The local HubSpot the bot starts when it has no HUBSPOT_ACCESS_TOKEN.

It gets its own loopback-only listener (even when the bot listens publicly) and a fresh random
bearer token each start, so nothing else on the network can read or change the contacts. Rate
limits are off: one person chatting never approaches them, and tests drive the bot fast.
"""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any

from hubspot_local.app import create_app
from hubspot_local.demo import seed_demo
from hubspot_local.owners import assign_demo_owners, seed_demo_owners
from hubspot_local.server import RunningHubSpot, serve


async def start_embedded(settings: Any) -> RunningHubSpot:
    """Start on 127.0.0.1 with the contacts in `settings.local_hubspot_db_path`; seed
        `settings.hubspot_seed_demo` demo contacts, and the demo owners they belong to, on first
    start (empty database only)."""
    db_path = Path(settings.local_hubspot_db_path)
    await asyncio.to_thread(db_path.parent.mkdir, parents=True, exist_ok=True)
    app = create_app(token=secrets.token_urlsafe(32), db_path=str(db_path), rate_limits=None)
    running = await serve(app)
    demo = int(getattr(settings, "hubspot_seed_demo", 0) or 0)
    if demo > 0 and await running.store.count() == 0:
        owners = await seed_demo_owners(running.controls.owners)
        await running.store.bulk_insert(
            assign_demo_owners(seed_demo(demo), owners), backdate_days=365
        )
    return running
