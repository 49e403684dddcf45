"""How many tokens and conversations one user, or one client address, may get a minute.

Minting a token or starting a conversation costs the server little, but each conversation is a
welcome turn for the bot and a row in the store, and the store keeps a bounded number of them:
left unlimited, one client could crowd everyone else out. So each of

    POST api/webchat/token, POST tokens/generate, POST tokens/refresh    (tokens)
    POST conversations                                                   (conversations)

takes one from two buckets, the caller's user's (a signed-in user, a token's user, or the user id
a secret holder names: WEBCHAT_TOKENS_PER_MINUTE, WEBCHAT_CONVERSATIONS_PER_MINUTE) and the
caller's client address's (WEBCHAT_ADDRESS_PER_MINUTE, larger: many users may share an office's
address), and is refused with 429, Retry-After and a Direct Line ErrorResponse
(`TooManyRequests`) when either is empty. An anonymous page user (local mode) is a new user on
every page load, so there only the address's bucket binds. A bucket holds a
minute's allowance and refills evenly over the minute: a burst of `per_minute` requests, then
`per_minute` a minute. A refused request takes nothing, so a client that keeps hammering still
gets its allowance, never more.

The client address is the peer's, or, when the peer is one of WEBCHAT_TRUSTED_PROXIES, the
nearest X-Forwarded-For hop that is not one of them (the hops further left are what the client
itself claimed, so they prove nothing). IPv6 addresses count by their /64, which one client
usually has whole.

With one process (memory or SQLite store) the buckets are in this process. Memory is bounded:
at most `max_tracked` buckets of each kind, the least recently used forgotten first (a
forgotten bucket is a full one, which an idle client's is anyway). With PostgreSQL
(`DATABASE_URL`, several instances) the same buckets are kept in the store (`shared`,
store/postgres_rates.py), so one limit holds for the whole deployment, not one per instance.
"""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aiohttp import web

from store.base import SharedRates
from webchat.channel import ChannelError
from webchat.identity import IpNetwork, address_in, parse_networks


@dataclass
class _Bucket:
    level: float
    at: float


class Buckets:
    """Token buckets by key: `per_minute` deep, refilled at `per_minute` a minute."""

    def __init__(self, per_minute: int, *, max_tracked: int = 20_000) -> None:
        self.per_minute = per_minute
        self.max_tracked = max_tracked
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def wait(self, key: str, now: float) -> float:
        """Seconds until `key` may take one (0: now). Takes nothing."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return 0.0 if self.per_minute > 0 else 60.0
        level = self._level(bucket, now)
        return 0.0 if level >= 1.0 else (1.0 - level) * 60.0 / self.per_minute

    def take(self, key: str, now: float) -> None:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.per_minute), now)
            while len(self._buckets) > self.max_tracked:
                self._buckets.popitem(last=False)
        bucket.level = self._level(bucket, now) - 1.0
        bucket.at = now
        self._buckets.move_to_end(key)

    def _level(self, bucket: _Bucket, now: float) -> float:
        refill = max(0.0, now - bucket.at) * self.per_minute / 60.0
        return min(float(self.per_minute), bucket.level + refill)

    def __len__(self) -> int:
        return len(self._buckets)


def client_address(request: web.Request, trusted_proxies: Iterable[IpNetwork]) -> str:
    """Who is calling, as far as the network says: see the module docstring."""
    proxies = tuple(trusted_proxies)
    peer = request.remote or ""
    if proxies and address_in(peer, proxies):
        hops = [
            hop.strip()
            for header in request.headers.getall("X-Forwarded-For", [])
            for hop in header.split(",")
            if hop.strip()
        ]
        for hop in reversed(hops):
            if not address_in(hop, proxies):
                peer = hop
                break
        else:
            peer = hops[0] if hops else peer
    return _address_key(peer)


def _address_key(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address[:64]  # not an address (a unix socket, a proxy's junk): kept as given
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class StartLimits:
    """The per-minute limits on tokens and conversations, per user and per client address.
    `clock` is public so tests can stop time instead of racing it."""

    def __init__(
        self,
        *,
        tokens_per_minute: int,
        conversations_per_minute: int,
        address_per_minute: int,
        trusted_proxies: Iterable[str] = (),
        max_tracked: int = 20_000,
        clock: Callable[[], float] = time.monotonic,
        shared: SharedRates | None = None,
    ) -> None:
        self.proxies = parse_networks(trusted_proxies)
        self.clock = clock
        self.shared = shared
        self._tokens = (
            Buckets(tokens_per_minute, max_tracked=max_tracked),
            Buckets(address_per_minute, max_tracked=max_tracked),
        )
        self._conversations = (
            Buckets(conversations_per_minute, max_tracked=max_tracked),
            Buckets(address_per_minute, max_tracked=max_tracked),
        )

    async def token(self, request: web.Request, user_id: str | None) -> None:
        """Count one token for the caller; ChannelError 429 when over either limit."""
        await self._take(self._tokens, "tokens", request, user_id)

    async def conversation(self, request: web.Request, user_id: str | None) -> None:
        """Count one new conversation for the caller; ChannelError 429 when over a limit."""
        await self._take(self._conversations, "new conversations", request, user_id)

    def tracked(self) -> int:
        """How many buckets are held (tests check the memory stays bounded)."""
        return sum(len(b) for b in (*self._tokens, *self._conversations))

    async def _take(
        self, buckets: tuple[Buckets, Buckets], what: str, request: web.Request, user: str | None
    ) -> None:
        per_user, per_address = buckets
        address = client_address(request, self.proxies)
        checks = [(per_address, address, "client address")]
        if user:
            checks.insert(0, (per_user, user, "user"))
        if self.shared is not None:
            waits = await self.shared.rate_take(
                [(f"{what}|{whom}|{key}", bucket.per_minute) for bucket, key, whom in checks],
                now=time.time(),  # every instance's clock: not this process's monotonic one
            )
        else:
            now = self.clock()
            waits = [bucket.wait(key, now) for bucket, key, _ in checks]
            if not any(waits):
                for bucket, key, _ in checks:
                    bucket.take(key, now)
        for (bucket, _, whom), wait in zip(checks, waits, strict=True):
            if wait > 0:
                seconds = max(1, int(wait + 0.999))
                raise ChannelError(
                    429,
                    "TooManyRequests",
                    f"Too many {what} for one {whom}: at most {bucket.per_minute} a minute. "
                    f"Try again in {seconds} s.",
                    {"Retry-After": str(seconds)},
                )
