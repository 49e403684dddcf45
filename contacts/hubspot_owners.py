"""The owners calls (`hubspot.crm.owners.OwnersApi`, the SDK's `client.crm.owners.owners_api`),
through the contacts adapter's call core (`contacts.hubspot_calls`: its threads, budget and
retries): `GET /crm/v3/owners?email=` and `GET /crm/v3/owners/{ownerId}`. SDK models stop here;
callers get `contacts.owners.Owner`."""

from __future__ import annotations

from typing import Any

from hubspot.crm.owners import ApiClient, Configuration, OwnersApi

from contacts.errors import ContactNotFound
from contacts.hubspot_calls import HubSpotCalls
from contacts.owners import Owner

PAGE = 100  # HubSpot's default page; an email names one owner, so one page is plenty


def owners_api(host: str | None, access_token: str, max_workers: int) -> OwnersApi:
    config = Configuration(host=host.rstrip("/") if host else None)
    config.access_token = access_token
    config.retries = False  # the call core retries, as for contacts
    config.connection_pool_maxsize = max_workers
    client = ApiClient(configuration=config)
    client.user_agent = "hubspot-contact-assistant (hubspot-api-client-python)"
    return OwnersApi(api_client=client)


def to_owner(obj: Any) -> Owner:
    return Owner(
        id=str(obj.id),
        email=str(getattr(obj, "email", None) or ""),
        first_name=str(getattr(obj, "first_name", None) or ""),
        last_name=str(getattr(obj, "last_name", None) or ""),
    )


class OwnerCalls:
    """Owners by email or id, sent through the contacts adapter's call core (`calls`), so they
    share its threads, request budget and retries."""

    def __init__(self, api: OwnersApi, *, calls: HubSpotCalls) -> None:
        self._api = api
        self._calls = calls

    async def owner_by_email(self, email: str) -> Owner | None:
        page = await self._calls.call(
            self._api.get_page, key=email, email=email, limit=PAGE, archived=False
        )
        for obj in getattr(page, "results", None) or []:
            if str(getattr(obj, "email", "") or "").strip().lower() == email.strip().lower():
                return to_owner(obj)
        return None

    async def owner_by_id(self, owner_id: str) -> Owner | None:
        try:
            obj = await self._calls.call(
                self._api.get_by_id, owner_id, key=owner_id, archived=False
            )
        except ContactNotFound:
            return None
        return to_owner(obj)

    def close(self) -> None:
        self._api.api_client.rest_client.pool_manager.clear()
