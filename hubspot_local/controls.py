"""Everything a running local HubSpot exposes to tests: the store and the runtime knobs.

`app[CONTROLS_KEY]` is one `Controls`; a test may swap `faults`, `rate_limits` or
`search_lag_ms` while the server runs, read `counters` afterwards, add HubSpot users as
owners (`await controls.owners.add("ann@acme.com", "Ann", "Lee")`) and set the portal's
property validation rules (`controls.validations.set("jobtitle", "MIN_LENGTH", ["1"])`).
"""

from __future__ import annotations

from aiohttp import web

from hubspot_local.faults import Counters, FaultInjector, Hangs
from hubspot_local.options import Faults, RateLimits, SearchLimits
from hubspot_local.owners import OwnerStore
from hubspot_local.ratelimit import RateLimiter
from hubspot_local.store import ContactStore
from hubspot_local.validations import PortalValidations

READ_SCOPE = "crm.objects.contacts.read"
WRITE_SCOPE = "crm.objects.contacts.write"
OWNERS_SCOPE = "crm.objects.owners.read"
LOCAL_PORTAL_ID = 24681357


class Controls:
    def __init__(
        self,
        *,
        token: str,
        store: ContactStore,
        rate_limits: RateLimits | None,
        faults: Faults | None,
        search_limits: SearchLimits | None = None,
    ) -> None:
        self.token = token
        # What the token was granted; a test narrows it to see the 403 a real token would get.
        self.scopes: frozenset[str] = frozenset({READ_SCOPE, WRITE_SCOPE, OWNERS_SCOPE})
        self.store = store
        self.owners = OwnerStore(store.db, store.now_ms)
        self.limiter = RateLimiter(rate_limits)
        self.injector = FaultInjector(faults)
        self.counters = Counters()
        self.hangs = Hangs()
        self.search_limits = search_limits or SearchLimits()
        # The account-info portal id: the bot's record links name it, a pasted link of any
        # other portal is not this account's.
        self.portal_id = LOCAL_PORTAL_ID

    @property
    def faults(self) -> Faults | None:
        return self.injector.faults

    @faults.setter
    def faults(self, value: Faults | None) -> None:
        self.injector.faults = value  # also restarts the seeded sequence

    @property
    def rate_limits(self) -> RateLimits | None:
        return self.limiter.limits

    @rate_limits.setter
    def rate_limits(self, value: RateLimits | None) -> None:
        self.limiter.limits = value

    @property
    def validations(self) -> PortalValidations:
        """The portal's property validation rules (served and enforced on every write)."""
        return self.store.validations

    @property
    def search_lag_ms(self) -> int:
        return self.store.search_lag_ms

    @search_lag_ms.setter
    def search_lag_ms(self, value: int) -> None:
        self.store.search_lag_ms = value


CONTROLS_KEY = web.AppKey("hubspot_local_controls", Controls)
