"""Benchmark the local HubSpot API's search at 100,000 contacts: HTTP through the official SDK
against the bare SQLite query the store runs, side by side in one run.

    .venv/bin/python -m bench.local_hubspot [--contacts 100000] [--iterations 200]

Seeds straight through the store (`ContactStore.bulk_insert` with `seed_demo` data, no HTTP),
then times three searches a user makes in the bot: by email (EQ), by a name word
(CONTAINS_TOKEN) and free text (`query`). "bare" is `search.parse_search` + `index.run_search` on
a connection of our own to the same SQLite file: exactly the SQL the server runs, minus HTTP,
JSON, the SDK and the thread hops. Aims: email p50 <= 5 ms, token p50 <= 50 ms, HTTP <= 3x bare.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hubspot
import urllib3

from hubspot_local import SearchLimits, create_app, seed_demo
from hubspot_local.index import run_search
from hubspot_local.search import parse_search
from hubspot_local.server import RunningHubSpot, serve

TOKEN = "pat-bench-local"


class ServerThread:
    """The API on its own event loop in a background thread, as a separate process would be:
    the synchronous SDK in the main thread then measures what a real client waits for."""

    def __init__(self, db_path: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._db_path = db_path
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.running: RunningHubSpot = self.run(self._start())

    async def _start(self) -> RunningHubSpot:
        return await serve(create_app(token=TOKEN, db_path=self._db_path, rate_limits=None))

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def close(self) -> None:
        self.run(self.running.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed(fn: Callable[[], Any], iterations: int, warmup: int = 10) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def bodies(
    contacts: list[dict[str, str]], kind: str, n: int, rng: random.Random
) -> list[dict[str, Any]]:
    picks = [rng.choice(contacts) for _ in range(n)]
    if kind == "email EQ":
        return [
            {
                "filterGroups": [
                    {
                        "filters": [
                            {"propertyName": "email", "operator": "EQ", "value": c["email"].upper()}
                        ]
                    }
                ],
                "limit": 10,
            }
            for c in picks
        ]
    if kind == "name CONTAINS_TOKEN":
        return [
            {
                "filterGroups": [
                    {
                        "filters": [
                            {
                                "propertyName": "lastname",
                                "operator": "CONTAINS_TOKEN",
                                "value": (c.get("lastname") or "smith").split()[0],
                            }
                        ]
                    }
                ],
                "limit": 10,
            }
            for c in picks
        ]
    return [
        {"query": f"{c.get('firstname', '')} {c.get('lastname', '')}".strip()[:40], "limit": 10}
        for c in picks
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contacts", type=int, default=100_000)
    ap.add_argument("--iterations", type=int, default=200)
    args = ap.parse_args(argv)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="bench_hubspot_") as tmp:
        db_path = str(Path(tmp) / "contacts.sqlite3")
        server = ServerThread(db_path)
        try:
            start = time.perf_counter()
            contacts = seed_demo(args.contacts)
            made = server.run(server.running.store.bulk_insert(contacts, backdate_days=365))
            seeded = time.perf_counter() - start
            print(f"seeded {made:,} contacts through the store in {seeded:.1f} s")
            client = hubspot.Client.create(access_token=TOKEN, host=server.running.url)
            search = client.crm.contacts.search_api.do_search
            pool = urllib3.PoolManager()
            url = server.running.url + "/crm/v3/objects/contacts/search"
            headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
            bare_conn = sqlite3.connect(db_path, check_same_thread=False)
            bare_conn.execute("PRAGMA cache_size=-65536")
            limits = SearchLimits()
            rows = []
            for kind in ("email EQ", "name CONTAINS_TOKEN", "free-text query"):
                cases = bodies(contacts, kind, args.iterations + 10, rng)
                it_http, it_raw, it_bare = iter(cases), iter(cases), iter(cases)
                totals: list[int] = []

                def http_once(it: Any = it_http, totals: list[int] = totals) -> None:
                    totals.append(search(next(it)).total)

                def raw_once(it: Any = it_raw) -> None:
                    resp = pool.request("POST", url, json=next(it), headers=headers)
                    assert resp.status == 200, resp.data

                def bare_once(it: Any = it_bare) -> None:
                    run_search(bare_conn, parse_search(next(it), limits))

                http = timed(http_once, args.iterations)
                raw = timed(raw_once, args.iterations)
                bare = timed(bare_once, args.iterations)
                rows.append((kind, http, raw, bare, statistics.median(totals)))
            bare_conn.close()
        finally:
            server.close()
    print(
        "\nSDK = official hubspot-api-client over HTTP; raw = urllib3 POST of the same JSON "
        "(no SDK models);\nbare = the store's SQL on its own connection. ratio = SDK / bare."
    )
    print(
        f"\n{'search':<20}{'hits':>6}{'SDK p50':>10}{'SDK p99':>10}{'raw p50':>10}"
        f"{'raw p99':>10}{'bare p50':>10}{'bare p99':>10}{'ratio p50':>10}{'ratio p99':>10}"
    )
    for kind, http, raw, bare, hits in rows:
        cells = [percentile(x, p) for x in (http, raw, bare) for p in (50, 99)]
        print(
            f"{kind:<20}{hits:>6.0f}"
            + "".join(f"{c:>8.2f}ms" for c in cells)
            + f"{cells[0] / cells[4]:>9.1f}x{cells[1] / cells[5]:>9.1f}x"
        )
    email_p50 = percentile(rows[0][1], 50)
    token_p50 = percentile(rows[1][1], 50)
    print(
        f"\naims: email p50 {email_p50:.2f} ms (<= 5: {'ok' if email_p50 <= 5 else 'MISSED'}), "
        f"token p50 {token_p50:.2f} ms (<= 50: {'ok' if token_p50 <= 50 else 'MISSED'}), "
        "HTTP within 3x of bare: "
        + ", ".join(
            f"{k} {'ok' if percentile(h, 50) <= 3 * percentile(b, 50) else 'MISSED'}"
            for k, h, _, b, _ in rows
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
