"""`python -m hubspot_local --port 8123 [--token T] [--seed-demo N] [--db PATH]`

Runs the local HubSpot contacts API alone, on 127.0.0.1 only. Without `--token` it makes one
up and prints it once, with a curl line to try, so the API is never open without a token.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import signal
import sys
from pathlib import Path

from hubspot_local.app import create_app
from hubspot_local.demo import seed_demo
from hubspot_local.options import RateLimits
from hubspot_local.owners import assign_demo_owners, seed_demo_owners
from hubspot_local.server import serve
from hubspot_local.validations import PortalValidations


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m hubspot_local", description="Local HubSpot CRM v3 contacts API over SQLite."
    )
    p.add_argument("--port", type=int, default=8123)
    p.add_argument("--token", default="", help="bearer token to require (default: a new one)")
    p.add_argument(
        "--seed-demo",
        type=int,
        default=0,
        metavar="N",
        help="add N demo contacts when the database is empty",
    )
    p.add_argument(
        "--db",
        default=":memory:",
        metavar="PATH",
        help="SQLite file to keep contacts in (default: memory only)",
    )
    p.add_argument(
        "--no-rate-limits",
        action="store_true",
        help="turn off HubSpot's budgets (100 or 190 per 10 s by --tier, search 5 per s)",
    )
    p.add_argument(
        "--tier",
        choices=("free", "pro", "enterprise"),
        default="free",
        help="whose limits to enforce: free (100 per 10 s) or pro / enterprise (190 per 10 s)",
    )
    p.add_argument(
        "--search-lag-ms", type=int, default=0, help="delay before a write shows up in search"
    )
    p.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="PROPERTY:RULE_TYPE[:ARG...]",
        help="a portal property validation rule, enforced on writes; repeatable "
        "(e.g. jobtitle:MIN_LENGTH:1, phone:PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE)",
    )
    args = p.parse_args(argv)
    try:
        args.validation_rules = validation_rules(args.rule)
    except ValueError as exc:
        p.error(str(exc))
    return args


def validation_rules(specs: list[str]) -> dict[str, dict[str, list[str]]]:
    """`--rule` values as {property: {ruleType: [arguments]}}; a bad one raises ValueError."""
    out: dict[str, dict[str, list[str]]] = {}
    for spec in specs:
        name, _, rest = spec.partition(":")
        rule_type, *arguments = rest.split(":") if rest else [""]
        if not name or not rule_type:
            raise ValueError(f"--rule {spec!r}: expected PROPERTY:RULE_TYPE[:ARG...]")
        out.setdefault(name, {})[rule_type] = arguments
    PortalValidations(out)  # the same checks as at runtime: known property and rule type
    return out


def _limits(tier: str) -> RateLimits:
    if tier == "free":
        return RateLimits()
    if tier == "pro":
        return RateLimits.professional()
    return RateLimits(per_ten_seconds=190, daily=1_000_000)


async def run(args: argparse.Namespace) -> None:
    token = args.token or f"pat-local-{secrets.token_urlsafe(24)}"
    if args.db != ":memory:":  # `--db data/contacts.sqlite3` on a fresh clone: make `data/`
        await asyncio.to_thread(Path(args.db).parent.mkdir, parents=True, exist_ok=True)
    app = create_app(
        token=token,
        db_path=args.db,
        rate_limits=None if args.no_rate_limits else _limits(args.tier),
        search_lag_ms=args.search_lag_ms,
        validation_rules=args.validation_rules,
    )
    running = await serve(app, port=args.port)
    try:
        if args.seed_demo > 0 and await running.store.count() == 0:
            owners = await seed_demo_owners(running.controls.owners)
            await running.store.bulk_insert(
                assign_demo_owners(seed_demo(args.seed_demo), owners), backdate_days=365
            )
        base = running.url  # the real port, also when --port 0 asked for any free one
        lines = [f"Local HubSpot contacts API on {base} (SDK host: {base})"]
        if not args.token:
            lines.append(f"Bearer token (made up for this run): {token}")
        shown = token if not args.token else "$HUBSPOT_TOKEN"
        lines += [
            "Try:",
            f"  curl -s -X POST {base}/crm/v3/objects/contacts/search \\",
            f"    -H 'Authorization: Bearer {shown}' -H 'Content-Type: application/json' \\",
            '    -d \'{"query": "smith", "limit": 3}\'',
        ]
        print("\n".join(lines), flush=True)
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):  # close the database cleanly on either
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        await running.close()


def main(argv: list[str] | None = None) -> None:
    try:
        asyncio.run(run(parse_args(argv)))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main(sys.argv[1:])
