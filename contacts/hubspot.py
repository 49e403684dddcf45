"""The one place that talks to `hubspot-api-client` (the official, synchronous SDK).

Why it looks the way it does:
- The SDK blocks, so every call runs in a bounded thread pool, never on the event loop; the
  bound also caps how many sockets one bot opens to HubSpot. A call takes its budget slot
  first and a thread only once it may leave, so callers waiting out the budget hold no thread.
- The SDK's own urllib3 retries are off: they would retry a POST whose answer was lost and
  could create a contact twice. Retries happen here, where we know what a call does, and
  within the running action's deadline (`contacts.deadline`), not per attempt.
- SDK exceptions and models stop here (`contacts.translate`): callers get `contacts.errors`
  and `contacts.model`.
- A create is never repeated blindly. After a timeout or 5xx the contact may or may not exist,
  so we look its email up first; if it is there, that is the contact our request made. The
  batch calls (`contacts.hubspot_batch`) keep the same rule per input.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from hubspot.crm.contacts import ApiClient, BasicApi, BatchApi, Configuration, SearchApi
from hubspot.crm.contacts.exceptions import ApiException
from hubspot.crm.contacts.models import SimplePublicObjectInput, SimplePublicObjectInputForCreate

from contacts import deadline
from contacts.budget import RequestBudget
from contacts.errors import (
    ContactNotFound,
    ContactsError,
    HubSpotRejectedToken,
    HubSpotUnavailable,
    RateLimited,
)
from contacts.hubspot_batch import BatchCalls
from contacts.hubspot_owners import OwnerCalls, owners_api
from contacts.links import Account
from contacts.model import DISPLAY_PROPERTIES, Contact, SearchPage
from contacts.retrying import RetryPolicy
from contacts.translate import Throttled, to_contact, translate

log = logging.getLogger(__name__)
T = TypeVar("T")
MIN_ATTEMPT_SECONDS = 0.05  # less time than this left in the action: not worth a try


class OutOfTime(Exception):
    """The action's deadline came before the call could be sent (or sent again)."""

    def __init__(self, what: str, *, budget: bool = False) -> None:
        super().__init__(what)
        self.budget = budget


class HubSpotAdapter:
    """Contacts calls against HubSpot (or hubspot_local, via `host`), returning plain
    `Contact`s and raising only `ContactsError`s."""

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
    ) -> None:
        config = Configuration(host=host.rstrip("/") if host else None)
        config.access_token = access_token
        config.retries = False  # we retry, knowing which calls are safe to repeat
        config.connection_pool_maxsize = max_workers
        client = ApiClient(configuration=config)
        client.user_agent = "hubspot-contact-assistant (hubspot-api-client-python)"
        self._client = client
        self._basic = BasicApi(api_client=client)
        self._search = SearchApi(api_client=client)
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="hubspot")
        self._slots = asyncio.Semaphore(max_workers)
        self._timeout = timeout_seconds
        self._retry = retry or RetryPolicy()
        self._budget = budget or RequestBudget()
        self._properties = list(properties)
        self._batches = BatchCalls(self, BatchApi(api_client=client))
        # Owners (contacts.owners.OwnerDirectory reads them through this): the same threads,
        # budget and retries; the token needs crm.objects.owners.read for them.
        self.owners = OwnerCalls(self, owners_api(host, access_token, max_workers))

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
        obj = await self._call(self._basic.get_by_id, id_or_email, key=id_or_email, **kwargs)
        return to_contact(obj)

    async def update(self, contact_id: str, properties: Mapping[str, str]) -> Contact:
        """PATCH; repeating it is harmless (same values), so it is retried like a read."""
        body = SimplePublicObjectInput(properties=dict(properties))
        obj = await self._call(self._basic.update, contact_id, body, key=contact_id, write=True)
        return to_contact(obj)

    async def search(self, body: Mapping[str, Any]) -> SearchPage:
        """POST /search with a HubSpot search body (filterGroups, sorts, query, limit, after)."""
        request = {"properties": self._properties, **body}
        page = await self._call(self._search.do_search, request, key="search", search=True)
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
        self, items: Sequence[tuple[str, Mapping[str, str]]]
    ) -> list[Contact | ContactsError]:
        """Up to 100 updates of distinct ids in one batch/update; each input's own outcome."""
        return await self._batches.update(items)

    async def account_info(self) -> Account:
        """`GET /account-info/v3/details` (portalId, uiDomain). The SDK has no typed API for
        it, so this goes through its generic `ApiClient.call_api`, with the contacts client's
        token, threads, budget and retries like every other call."""

        def details(_request_timeout: float | None = None) -> Any:
            return self._client.call_api(
                "/account-info/v3/details",
                "GET",
                header_params={"Accept": "application/json"},
                response_types_map={200: "object"},
                auth_settings=["oauth2"],
                _return_http_data_only=True,
                _request_timeout=_request_timeout,
            )

        body = await self._call(details, key="account-info")
        if not isinstance(body, dict):
            raise HubSpotUnavailable("HubSpot's account-info answer was not an object.")
        return Account(
            portal_id=str(body.get("portalId") or ""), ui_domain=str(body.get("uiDomain") or "")
        )

    async def get_json(self, path: str, *, key: str) -> Any:
        """`GET path` through the SDK's generic `ApiClient.call_api`, for HubSpot APIs the SDK
        has no typed client for (e.g. property validations); the JSON body as Python values,
        with the contacts client's token, threads, budget and retries."""

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

        return await self._call(get, key=key)

    def search_is_free(self) -> bool:
        """Would a search leave at once (the search budget has room and nobody queues)?"""
        return self._budget.search_room()

    async def create(self, properties: Mapping[str, str]) -> Contact:
        """Create once. One call makes at most one contact: after any failed try the email is
        looked up before posting again (and before giving up); if the outcome cannot be known,
        HubSpotUnavailable says `write_may_have_happened=True`. A 409 is DuplicateContact
        (with `existing_id`) unless an earlier try of ours may have made that contact.

        Two callers creating the same email at once must be serialised by the caller
        (ContactsService does): "the contact exists now" is read as "our try made it"."""
        email = properties.get("email") or ""
        body = SimplePublicObjectInputForCreate(properties=dict(properties))

        async def attempt(retrying: bool) -> Contact:
            if retrying and email:
                found = await self._lookup_after_failure(email)
                if found is not None:
                    return found  # an earlier try of ours made it
            try:
                return to_contact(await self._send(self._basic.create, body))
            except ApiException as exc:
                if retrying and email and exc.status == 409:
                    return await self._find_created(email, exc)  # our lost try made it
                raise

        async def give_up(final: ContactsError, uncertain: bool, cause: BaseException) -> Contact:
            if uncertain and (found := await self._last_look(email, cause)):
                return found
            raise final from cause

        # Without an email there is nothing to look up, so nothing proves a retry safe.
        return await self._retrying(
            attempt, key=email, what="create", write=True, give_up=give_up, can_retry=bool(email)
        )

    async def aclose(self) -> None:
        self.close()

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._client.rest_client.pool_manager.clear()
        self.owners.close()

    # -- internals ----------------------------------------------------------------------------

    @staticmethod
    def _unknown_outcome() -> HubSpotUnavailable:
        return HubSpotUnavailable(
            "HubSpot did not confirm the new contact; it may or may not have been created.",
            write_may_have_happened=True,
        )

    @staticmethod
    def _unconfirmed_change() -> HubSpotUnavailable:
        return HubSpotUnavailable(
            "HubSpot did not confirm the change; it may or may not have been saved.",
            write_may_have_happened=True,
        )

    async def _last_look(self, email: str, cause: BaseException) -> Contact | None:
        """Before giving up on a create a try of ours may have written: if the contact is
        there, our try made it; if it is not, a try may still write it: the outcome is unknown."""
        found = await self._lookup_after_failure(email) if email else None
        if found is None:
            raise self._unknown_outcome() from cause
        return found

    async def _lookup_after_failure(self, email: str) -> Contact | None:
        try:
            return await self.get(email, id_property="email")
        except ContactNotFound:
            return None
        except ContactsError as exc:
            raise self._unknown_outcome() from exc

    async def _find_created(self, email: str, cause: BaseException) -> Contact:
        found = await self._lookup_after_failure(email)
        if found is None:  # 409 said it exists; a read that disagrees leaves us unsure
            raise self._unknown_outcome() from cause
        return found

    async def _send(
        self, fn: Callable[..., T], *args: Any, search: bool = False, **kwargs: Any
    ) -> T:
        """Spend from the budget, then take a thread and run the SDK call. Both waits end at
        the action's deadline; the call itself gets what is left, at most the timeout."""
        try:
            async with asyncio.timeout(deadline.remaining()):
                await self._budget.spend(search=search)
        except TimeoutError:
            raise OutOfTime("the request budget", budget=True) from None
        try:
            async with asyncio.timeout(deadline.remaining()):
                await self._slots.acquire()
        except TimeoutError:
            raise OutOfTime("a free HubSpot thread") from None
        try:
            timeout = self._timeout
            left = deadline.remaining()
            if left is not None:
                if left < MIN_ATTEMPT_SECONDS:
                    raise OutOfTime("the call")
                timeout = min(timeout, left)
            loop = asyncio.get_running_loop()
            call = functools.partial(fn, *args, _request_timeout=timeout, **kwargs)
            return await loop.run_in_executor(self._executor, call)
        finally:
            self._slots.release()

    async def _call(
        self,
        fn: Callable[..., T],
        *args: Any,
        key: str,
        search: bool = False,
        write: bool = False,
        **kwargs: Any,
    ) -> T:
        """A call that is safe to repeat (reads, and PATCHes of the same values)."""

        async def attempt(retrying: bool) -> T:
            return await self._send(fn, *args, search=search, **kwargs)

        async def give_up(final: ContactsError, maybe_written: bool, cause: BaseException) -> T:
            raise (self._unconfirmed_change() if maybe_written else final) from cause

        what = getattr(fn, "__name__", "call")
        return await self._retrying(attempt, key=key, what=what, write=write, give_up=give_up)

    async def _retrying(
        self,
        attempt: Callable[[bool], Awaitable[T]],
        *,
        key: str,
        what: str,
        write: bool,
        give_up: Callable[[ContactsError, bool, BaseException], Awaitable[T]],
        can_retry: bool = True,
    ) -> T:
        """The one retry loop. `attempt(retrying)` makes one try; a 429 is waited out as HubSpot
        asks, a 5xx / timeout retried with jittered backoff (when `can_retry`), never past the
        action's deadline. Past the limits `give_up(error, maybe_written, cause)` decides what
        the caller hears: `maybe_written` when a `write` try may have been applied although its
        answer was lost."""
        failures = throttles = 0
        maybe_written = False
        while True:
            try:
                return await attempt(failures + throttles > 0)
            except OutOfTime as exc:
                log.info("HubSpot %s: out of time waiting for %s", what, exc)
                late: ContactsError = RateLimited() if exc.budget else HubSpotUnavailable()
                return await give_up(late, maybe_written, exc)
            except Exception as exc:  # noqa: BLE001 - translated right here
                problem = translate(exc, key=key, retry=self._retry)
                if isinstance(problem, HubSpotRejectedToken):
                    log.error(
                        "HubSpot rejected the token: check HUBSPOT_ACCESS_TOKEN and its scopes "
                        "(crm.objects.contacts.read and .write); %s",
                        problem,
                    )
                if isinstance(problem, ContactsError):
                    raise problem from exc
                left = deadline.remaining()
                final: ContactsError
                if isinstance(problem, Throttled):
                    throttles += 1
                    in_time = left is None or problem.wait + MIN_ATTEMPT_SECONDS < left
                    if throttles <= self._retry.rate_limit_retries and in_time:
                        await asyncio.sleep(problem.wait)
                        continue
                    final = RateLimited(problem.wait)
                else:
                    failures += 1
                    maybe_written = maybe_written or (write and problem.maybe_done)
                    log.info("HubSpot %s failed (%s), attempt %d", what, problem, failures)
                    pause = self._retry.backoff(failures)
                    in_time = left is None or pause + MIN_ATTEMPT_SECONDS < left
                    if can_retry and failures < self._retry.attempts and in_time:
                        await asyncio.sleep(pause)
                        continue
                    final = HubSpotUnavailable()
                return await give_up(final, maybe_written, exc)
