"""The guard in tests/conftest.py: every test runs under blockbuster, so a blocking call that the
app's own code makes on the event loop fails the test that reached it."""

from __future__ import annotations

import pytest
from blockbuster import BlockingError

from hubspot_local.db import Database


async def test_sqlite_on_the_event_loop_fails_the_test() -> None:
    db = Database()
    try:
        with pytest.raises(BlockingError):
            db.write_sync(lambda conn: None)  # the writer thread's own path, called on the loop
        assert await db.write(lambda conn: 1) == 1  # the same work on the writer thread is fine
    finally:
        await db.close()
