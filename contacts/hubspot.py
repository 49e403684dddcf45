"""The one place that talks to `hubspot-api-client` (the official, synchronous SDK).

Why it looks the way it does:
- How a call leaves and ends (threads off the event loop, the request budget, the one retry
  loop, the action's deadline, SDK exceptions as `contacts.errors`) is the call core's
  (`contacts.hubspot_calls`), shared with the batch and owners calls; this module says which
  calls exist and what a repeat of each one means.
- SDK models stop here (`contacts.translate`): callers get `contacts.model`.
- No write is repeated blindly, and its outcome is settled by evidence (`contacts.evidence`),
  not inferred. After a failed create the contact may or may not exist, so its email is looked
  up first: a contact carrying every value the attempt sent is ours; one that does not was
  made by someone else (DuplicateContact, with that contact). After a failed update the
  contact is read first: only the fields not yet holding their new values are sent again, and
  only while they still hold what the preview showed (else ContactChanged). The batch calls
  (`contacts.hubspot_batch`) keep the same rules per input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hubspot.crm.contacts import ApiClient, BasicApi, BatchApi, Configuration, SearchApi
from hubspot.crm.contacts.exceptions import ApiException
from hubspot.crm.contacts.models import (
    PublicMergeInput,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)

from contacts.budget import RequestBudget
from contacts.errors import ContactNotFound, ContactsError, DuplicateContact, HubSpotUnavailable
from contacts.evidence import carries, resend
from contacts.hubspot_batch import BatchCalls
from contacts.hubspot_calls import HubSpotCalls, unconfirmed_change, unknown_outcome
from contacts.hubspot_owners import OwnerCalls, owners_api
from contacts.links import Account
from contacts.model import DISPLAY_PROPERTIES, Contact, SearchPage
from contacts.retrying import RetryPolicy
from contacts.translate import to_contact


class HubSpotAdapter:
    """Contacts calls against HubSpot (or hubspot_local, via `host`), returning plain
    `Contact`s and raising only `ContactsError`s.

    `calls` is the call core every call goes through; without one, it is built from
    `max_workers`, `timeout_seconds`, `retry` and `budget`. The adapter owns it: `close` closes
    it."""

    def __init__(
        self,
        access_token: str,
        *,
        host: str | None = None,
        max_workers: int = 16,
        timeout_seconds: float = 10,
        retry: RetryPolicy | None = None,
        budget: RequestBudget | None = None,
        properties: Sequence[str] = DISPLAY_PROPERTIES,
        calls: HubSpotCalls | None = None,
    ) -> None:
        config = Configuration(host=host.rstrip("/") if host else None)
        config.access_token = access_token
        config.retries = False  # the call core retries, knowing which calls are safe to repeat
        config.connection_pool_maxsize = max_workers
        client = ApiClient(configuration=config)
        client.user_agent = "hubspot-contact-assistant (hubspot-api-client-python)"
        self._client = client
        self._basic = BasicApi(api_client=client)
        self._search = SearchApi(api_client=client)
        self._properties = list(properties)
        self._calls = calls or HubSpotCalls(
            max_workers=max_workers, timeout_seconds=timeout_seconds, retry=retry, budget=budget
        )
        self._batches = BatchCalls(
            BatchApi(api_client=client),
            calls=self._calls,
            properties=self._properties,
            create_one=self.create,
            update_one=self.update,
        )
        # Owners (contacts.owners.OwnerDirectory reads them through this): the same threads,
        # budget and retries; the token needs crm.objects.owners.read for them.
        self.owners = OwnerCalls(owners_api(host, access_token, max_workers), calls=self._calls)

    @property
    def calls(self) -> HubSpotCalls:
        """The call core this adapter sends through (shared with its batch and owners calls)."""
        return self._calls

    def __repr__(self) -> str:  # never show the token
        return f"HubSpotAdapter(host={self._client.configuration.host!r})"

    # -- public calls -------------------------------------------------------------------------

    async def get(
        self,
        id_or_email: str,
        id_property: str | None = None,
        properties: Sequence[str] | None = None,
    ) -> Contact:
        """One contact by id, or by a unique property such as `email`. Raises ContactNotFound."""
        kwargs: dict[str, Any] = {
            "properties": list(properties or self._properties),
            "archived": False,
        }
        if id_property:
            kwargs["id_property"] = id_property
        obj = await self._calls.call(self._basic.get_by_id, id_or_email, key=id_or_email, **kwargs)
        return to_contact(obj)

    async def update(
        self,
        contact_id: str,
        properties: Mapping[str, str],
        *,
        expected: Mapping[str, str] | None = None,
    ) -> Contact:
        """PATCH. Never re-sent blindly: after a failed try the contact is read, and only the
        fields not yet holding their new values are sent again (none: the update is done, the
        contact as read is the answer). `expected` are the values the preview showed: a field
        that holds neither them nor the new value was changed by someone else since, and
        raises ContactChanged instead of being overwritten (contacts.evidence.resend). A lost
        answer past the retries is `unconfirmed_change` (it may be saved)."""
        todo = dict(properties)

        async def attempt(retrying: bool) -> Contact:
            nonlocal todo
            if retrying:
                current = to_contact(
                    await self._calls.look(
                        self._basic.get_by_id,
                        contact_id,
                        key=contact_id,
                        properties=self._with(properties),
                        archived=False,
                    )
                )
                todo = resend(current, properties, expected)
                if not todo:
                    return current  # an earlier try of ours wrote it all
            body = SimplePublicObjectInput(properties=todo)
            return to_contact(await self._calls.send(self._basic.update, contact_id, body))

        async def give_up(final: ContactsError, written: bool, cause: BaseException) -> Contact:
            raise (unconfirmed_change() if written else final) from cause

        return await self._calls.retrying(
            attempt, key=contact_id, what="update", write=True, give_up=give_up
        )

    async def merge(self, primary_id: str, secondary_id: str) -> Contact:
        """`POST /merge`: `secondary_id` merged into `primary_id` (irreversible); the merged
        contact. A lost answer is `unconfirmed_change` (it may be merged), never retried
        blindly as a fresh write would be: a repeat of a done merge is refused by HubSpot."""
        body = PublicMergeInput(primary_object_id=primary_id, object_id_to_merge=secondary_id)
        obj = await self._calls.call(self._basic.merge, body, key=secondary_id, write=True)
        return to_contact(obj)

    async def search(self, body: Mapping[str, Any]) -> SearchPage:
        """POST /search with a HubSpot search body (filterGroups, sorts, query, limit, after)."""
        request = {"properties": self._properties, **body}
        page = await self._calls.call(self._search.do_search, request, key="search", search=True)
        after = page.paging.next.after if page.paging and page.paging.next else None
        return SearchPage(
            total=int(page.total or 0),
            results=[to_contact(o) for o in page.results or []],
            next_after=str(after) if after is not None else None,
        )

    async def get_many(
        self, keys: Sequence[str], id_property: str | None = None
    ) -> dict[str, Contact]:
        """Up to 100 contacts in one batch/read, by id or by email; the ones found, by key."""
        return await self._batches.read(keys, id_property)

    async def create_many(
        self, items: Sequence[Mapping[str, str]]
    ) -> list[Contact | ContactsError]:
        """Up to 100 creates of distinct emails in one batch/create; each input's own outcome."""
        return await self._batches.create(items)

    async def update_many(
        self,
        items: Sequence[tuple[str, Mapping[str, str]]],
        *,
        expected: Sequence[Mapping[str, str] | None] | None = None,
    ) -> list[Contact | ContactsError]:
        """Up to 100 updates of distinct ids in one batch/update; each input's own outcome.
        `expected[i]`: the values item i's preview showed (the re-send rule of `update`)."""
        return await self._batches.update(items, expected)

    async def account_info(self) -> Account:
        """`GET /account-info/v3/details` (portalId, uiDomain), through `get_json`."""
        body = await self.get_json("/account-info/v3/details", key="account-info")
        if not isinstance(body, dict):
            raise HubSpotUnavailable("HubSpot's account-info answer was not an object.")
        return Account(
            portal_id=str(body.get("portalId") or ""), ui_domain=str(body.get("uiDomain") or "")
        )

    async def get_json(self, path: str, *, key: str) -> Any:
        """`GET path` through the SDK's generic `ApiClient.call_api`, for HubSpot APIs the SDK
        has no typed client for (account-info, property validations); the JSON body as Python
        values, with the contacts client's token, threads, budget and retries."""

        def get(_request_timeout: float | None = None) -> Any:
            return self._client.call_api(
                path,
                "GET",
                header_params={"Accept": "application/json"},
                response_types_map={200: "object"},
                auth_settings=["oauth2"],
                _return_http_data_only=True,
                _request_timeout=_request_timeout,
            )

        return await self._calls.call(get, key=key)

    def search_is_free(self) -> bool:
        """Would a search leave at once (the search budget has room and nobody queues)?"""
        return self._calls.search_is_free()

    async def create(self, properties: Mapping[str, str]) -> Contact:
        """Create once. One call makes at most one contact: after any failed try the email is
        looked up before posting again (and before giving up). The contact found is ours only
        if it carries every value this call sent (contacts.evidence.carries); any other is
        someone else's, and the answer is DuplicateContact with it. If the outcome cannot be
        known, HubSpotUnavailable says `write_may_have_happened=True`. A 409 on the first try
        is DuplicateContact (with `existing_id`).

        Callers still serialise creates of one email (ContactsService's claim, across
        instances): the evidence is the second line, for a create made outside the claim."""
        email = properties.get("email") or ""
        body = SimplePublicObjectInputForCreate(properties=dict(properties))

        async def attempt(retrying: bool) -> Contact:
            if retrying and email:
                found = await self._lookup_after_failure(email, properties)
                if found is not None:
                    return _ours(found, properties)
            try:
                return to_contact(await self._calls.send(self._basic.create, body))
            except ApiException as exc:
                if retrying and email and exc.status == 409:
                    return _ours(await self._find_created(email, properties, exc), properties)
                raise

        async def give_up(final: ContactsError, uncertain: bool, cause: BaseException) -> Contact:
            if uncertain and (found := await self._last_look(email, properties, cause)):
                return _ours(found, properties)
            raise final from cause

        # Without an email there is nothing to look up, so nothing proves a retry safe.
        return await self._calls.retrying(
            attempt, key=email, what="create", write=True, give_up=give_up, can_retry=bool(email)
        )

    async def aclose(self) -> None:
        self.close()

    def close(self) -> None:
        self._calls.close()
        self._client.rest_client.pool_manager.clear()
        self.owners.close()

    # -- internals ----------------------------------------------------------------------------

    def _with(self, sent: Mapping[str, str]) -> list[str]:
        """The properties a read for evidence asks for: the shown ones and every one sent."""
        return list(dict.fromkeys([*self._properties, *sent]))

    async def _last_look(
        self, email: str, sent: Mapping[str, str], cause: BaseException
    ) -> Contact | None:
        """Before giving up on a create a try of ours may have written: the contact there (the
        caller judges whose it is); if none is, a try may still write it: the outcome is
        unknown."""
        found = await self._lookup_after_failure(email, sent) if email else None
        if found is None:
            raise unknown_outcome() from cause
        return found

    async def _lookup_after_failure(self, email: str, sent: Mapping[str, str]) -> Contact | None:
        try:
            return await self.get(email, id_property="email", properties=self._with(sent))
        except ContactNotFound:
            return None
        except ContactsError as exc:
            raise unknown_outcome() from exc

    async def _find_created(
        self, email: str, sent: Mapping[str, str], cause: BaseException
    ) -> Contact:
        found = await self._lookup_after_failure(email, sent)
        if found is None:  # 409 said it exists; a read that disagrees leaves us unsure
            raise unknown_outcome() from cause
        return found


def _ours(found: Contact, sent: Mapping[str, str]) -> Contact:
    """The contact found after a failed create: ours if it carries what we sent, else the
    email was taken by someone else meanwhile (the user is told so and shown it)."""
    if carries(found, sent):
        return found
    raise DuplicateContact(found)
