"""A write answered 429 may still have been taken (HubSpot, or a proxy in front of it, can
throttle the answer of a request it already applied): past the retries the user hears "may
have been saved", never "nothing was changed", and the settlement reads HubSpot for it."""

from __future__ import annotations

import pytest

from contacts import ContactsService, HubSpotUnavailable
from contacts.budget import RequestBudget
from contacts.hubspot import HubSpotAdapter
from contacts.retrying import RetryPolicy
from hubspot_local import Faults
from tests.support.processes import shared_hubspot

pytestmark = pytest.mark.timeout(60)

ANN = {"email": "ann@lee.io", "firstname": "Ann", "lastname": "Lee", "company": "Initech"}


async def test_an_update_answered_429_after_it_committed_may_have_been_saved() -> None:
    async with shared_hubspot() as hs:
        adapter = HubSpotAdapter(
            hs.token,
            host=hs.url,
            timeout_seconds=0.4,
            retry=RetryPolicy(rate_limit_retries=0),
            budget=RequestBudget.off(),
        )
        contacts = ContactsService(adapter)
        try:
            ann = str((await hs.store.create(dict(ANN))).id)
            pending = await contacts.plan_update(ann, {"company": "Globex"})
            hs.controls.faults = Faults(
                rate=1.0, statuses=(429,), after_commit_share=1.0, routes=frozenset({"update"})
            )
            with pytest.raises(HubSpotUnavailable) as lost:
                await contacts.apply_update(pending)
            hs.controls.faults = None
            assert lost.value.write_may_have_happened
            assert (await contacts.get(ann)).get("company") == "Globex"  # it was taken
        finally:
            await contacts.aclose()
