"""Links to a contact's record in HubSpot's own UI, and reading such a link back.

A record lives at `https://{uiDomain}/contacts/{portalId}/record/0-1/{id}` (0-1 is the contact
object type). `uiDomain` differs by data centre (app.hubspot.com, app-eu1.hubspot.com, ...) and
`portalId` by account, so both come from HubSpot's account-info API (`GET
/account-info/v3/details`), read once per process, never hard-coded. Until it has answered, or
when it cannot, contacts simply carry no link: a card without "Open in HubSpot" still helps,
an error about a link would not.

The scheme follows the API's: the real API is https, the local HubSpot (whose uiDomain is its
own loopback host:port, serving a small record page) is http.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from contacts import deadline
from contacts.errors import ContactsError

log = logging.getLogger(__name__)

# The app domains of HubSpot's data centres (NA1, EU1, NA2, AP1): a pasted link on any of them
# names a record of the account whose uiDomain that is; the portal id decides whose.
HUBSPOT_APP_DOMAINS = (
    "app.hubspot.com",
    "app-eu1.hubspot.com",
    "app-na2.hubspot.com",
    "app-ap1.hubspot.com",
)
RETRY_SECONDS = 60.0  # after a failed account-info read, links stay off this long
WAIT_SECONDS = 2.0  # the most an action waits for a read in flight (a link is not worth more)
_RECORD_PATH = re.compile(
    r"^/contacts/(?P<portal>\d{1,15})/(?:record/0-1|contact)/(?P<id>\d{1,20})/?$"
)


@dataclass(frozen=True)
class Account:
    """What account-info says: whose portal this is and where its UI lives."""

    portal_id: str
    ui_domain: str


@dataclass(frozen=True)
class RecordRef:
    """A contact record named by a pasted URL."""

    portal_id: str
    contact_id: str


def record_ref(url: str, ui_domains: tuple[str, ...] = HUBSPOT_APP_DOMAINS) -> RecordRef | None:
    """The portal and contact a record URL names; None for any other URL (another host, another
    object type, a list page). `ui_domains` are the hosts accepted, with ports when they have."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.netloc.lower() not in ui_domains:
        return None
    match = _RECORD_PATH.match(parts.path)
    if match is None:
        return None
    return RecordRef(portal_id=match["portal"], contact_id=match["id"])


class RecordLinks:
    """The account's record URLs. `fetch` reads account-info (the adapter's `account_info`);
    `start()` begins that read in a task this object owns, so the first card waits at most
    what is left of its own action for it, and `aclose()` ends it."""

    def __init__(
        self,
        fetch: Callable[[], Awaitable[Account]],
        *,
        api_scheme: str = "https",
        seconds: float = 10.0,
        wait_seconds: float = WAIT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._wait = wait_seconds
        self._scheme = api_scheme if api_scheme in ("http", "https") else "https"
        self._seconds = seconds
        self._clock = clock
        self._account: Account | None = None
        self._failed_at: float | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def account(self) -> Account | None:
        return self._account

    def start(self) -> None:
        """Read account-info unless it is known, being read, or failed a moment ago."""
        if self._account is not None or (self._task is not None and not self._task.done()):
            return
        if self._failed_at is not None and self._clock() - self._failed_at < RETRY_SECONDS:
            return
        self._task = asyncio.create_task(self._read(), name="hubspot-account-info")

    async def ready(self) -> Account | None:
        """The account, waiting for a read in flight no longer than the running action allows
        (without one: not at all), and at most `wait_seconds`. None when it is not known (yet)."""
        self.start()
        task = self._task
        if self._account is None and task is not None and not task.done():
            left = min(deadline.remaining() or 0.0, self._wait)
            if left > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(task), timeout=left)
        return self._account

    def url(self, contact_id: str) -> str:
        """The record URL of a contact, '' while the account is unknown."""
        account = self._account
        if account is None or not str(contact_id).strip().isdigit():
            return ""
        return (
            f"{self._scheme}://{account.ui_domain}/contacts/{account.portal_id}"
            f"/record/0-1/{str(contact_id).strip()}"
        )

    def ours(self, url: str) -> str | None:
        """The contact id a pasted record URL names when it is a record of this account (its
        portal id, on its uiDomain or any HubSpot app domain); None otherwise."""
        account = self._account
        if account is None:
            return None
        ref = record_ref(url, (*HUBSPOT_APP_DOMAINS, account.ui_domain.lower()))
        if ref is None or ref.portal_id != account.portal_id:
            return None
        return ref.contact_id

    async def aclose(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _read(self) -> None:
        try:
            # Its own deadline, not the one of the action that happened to start it.
            with deadline.until(None), deadline.action(self._seconds):
                account = await self._fetch()
        except ContactsError as exc:
            self._failed_at = self._clock()
            log.warning("HubSpot account-info not read (%s): cards have no HubSpot link", exc.code)
            return
        except Exception as exc:  # noqa: BLE001 - a link is a nicety: never a failed task
            self._failed_at = self._clock()
            log.warning("HubSpot account-info not read (%s): no HubSpot links", type(exc).__name__)
            return
        if not account.portal_id.isdigit() or not account.ui_domain:
            self._failed_at = self._clock()
            log.warning("HubSpot account-info had no portalId / uiDomain: no HubSpot links")
            return
        self._account = account
        log.info("HubSpot links: portal %s on %s", account.portal_id, account.ui_domain)
