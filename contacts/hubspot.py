"""The one place that talks to `hubspot-api-client` (the official, synchronous SDK).

Why it looks the way it does:
- The SDK blocks, so every call runs in a bounded thread pool, never on the event loop; the
  bound also caps how many sockets one bot opens to HubSpot.
- The SDK's own urllib3 retries are off: they would retry a POST whose answer was lost and
  could create a contact twice. Retries happen here, where we know what a call does.
- SDK exceptions and models stop here: callers get `contacts.errors` and `contacts.model`.
- A create is never repeated blindly. After a timeout or 5xx the contact may or may not exist,
  so we look its email up first; if it is there, that is the contact our request made.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

import urllib3
from hubspot.crm.contacts import ApiClient, BasicApi, Configuration, SearchApi
from hubspot.crm.contacts.exceptions import ApiException
from hubspot.crm.contacts.models import SimplePublicObjectInput, SimplePublicObjectInputForCreate

from contacts.budget import RequestBudget
from contacts.errors import (
    ContactNotFound,
    ContactsError,
    DuplicateContact,
    HubSpotRejectedToken,
    HubSpotUnavailable,
    InvalidContact,
    RateLimited,
)
from contacts.model import DISPLAY_PROPERTIES, Contact, SearchPage
from contacts.retrying import RetryPolicy

log = logging.getLogger(__name__)
T = TypeVar("T")
_EXISTING_ID = re.compile(r"Existing ID:\s*(\d+)")
_REASONS = {
    "PROPERTY_DOESNT_EXIST": "unknown_property",
    "INVALID_EMAIL": "invalid_email",
    "READ_ONLY_VALUE": "read_only",
    "INVALID_LENGTH": "too_long",
}


class _Transient(Exception):
    """A failure worth retrying; `maybe_done` when the request may have been carried out."""

    def __init__(self, what: str, *, maybe_done: bool) -> None:
        super().__init__(what)
        self.maybe_done = maybe_done


class _Throttled(Exception):
    def __init__(self, wait: float) -> None:
        super().__init__(f"rate limited, wait {wait:.2f}s")
        self.wait = wait


class HubSpotAdapter:
    """Contacts calls against HubSpot (or hubspot_local, via `host`), returning plain
    `Contact`s and raising only `ContactsError`s."""

    def __init__(
        self,
        access_token: str,
        *,
        host: str | None = None,
        max_workers: int = 8,
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
            if found := await self._last_look(email, uncertain, cause):
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

    async def _last_look(self, email: str, uncertain: bool, cause: BaseException) -> Contact | None:
        """Before giving up on a create: if the contact is there, our try made it; if it is
        not but a try may still write it (an answer lost in flight), the outcome is unknown."""
        found = await self._lookup_after_failure(email) if email else None
        if found is None and uncertain:
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
        """Spend from the budget, then run the SDK call in a worker thread. A free thread is
        taken first, so a call leaves as soon as it is counted (and counts stay honest)."""
        async with self._slots:
            await self._budget.spend(search=search)
            loop = asyncio.get_running_loop()
            call = functools.partial(fn, *args, _request_timeout=self._timeout, **kwargs)
            return await loop.run_in_executor(self._executor, call)

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
        asks, a 5xx / timeout retried with jittered backoff (when `can_retry`). Past the limits
        `give_up(error, maybe_written, cause)` decides what the caller hears: `maybe_written`
        when a `write` try may have been applied although its answer was lost."""
        failures = throttles = 0
        maybe_written = False
        while True:
            try:
                return await attempt(failures + throttles > 0)
            except Exception as exc:  # noqa: BLE001 - translated right here
                problem = _translate(exc, key=key, retry=self._retry)
                if isinstance(problem, HubSpotRejectedToken):
                    log.error(
                        "HubSpot rejected the token: check HUBSPOT_ACCESS_TOKEN and its scopes "
                        "(crm.objects.contacts.read and .write); %s",
                        problem,
                    )
                if isinstance(problem, ContactsError):
                    raise problem from exc
                final: ContactsError
                if isinstance(problem, _Throttled):
                    throttles += 1
                    if throttles <= self._retry.rate_limit_retries:
                        await asyncio.sleep(problem.wait)
                        continue
                    final = RateLimited(problem.wait)
                else:
                    failures += 1
                    maybe_written = maybe_written or (write and problem.maybe_done)
                    log.info("HubSpot %s failed (%s), attempt %d", what, problem, failures)
                    if can_retry and failures < self._retry.attempts:
                        await asyncio.sleep(self._retry.backoff(failures))
                        continue
                    final = HubSpotUnavailable()
                return await give_up(final, maybe_written, exc)


# -- translation at the edge ------------------------------------------------------------------


def _translate(
    exc: BaseException, *, key: str, retry: RetryPolicy
) -> ContactsError | _Transient | _Throttled:
    """An SDK / transport exception as one of ours, or as a reason to retry."""
    if isinstance(exc, ApiException):
        status = int(exc.status or 0)
        body = _body(exc)
        if status == 429:
            return _Throttled(retry.rate_limit_wait(exc.headers))
        if status == 404:
            return ContactNotFound(key)
        if status == 409:
            found = _EXISTING_ID.search(str(body.get("message") or ""))
            return DuplicateContact(None, existing_id=found.group(1) if found else None)
        if status == 400:
            return _invalid(body)
        if status in (401, 403):
            return HubSpotRejectedToken(status)
        if status == 0 or status >= 500 or status in (423, 477):
            return _Transient(f"HTTP {status}", maybe_done=True)
        return HubSpotUnavailable(
            f"HubSpot answered HTTP {status}: {body.get('message') or 'no details'}"
        )
    if isinstance(
        exc, urllib3.exceptions.NewConnectionError | urllib3.exceptions.ConnectTimeoutError
    ):
        return _Transient(type(exc).__name__, maybe_done=False)  # never reached HubSpot
    if isinstance(exc, urllib3.exceptions.HTTPError | OSError):
        return _Transient(type(exc).__name__, maybe_done=True)
    raise exc


def _body(exc: ApiException) -> dict[str, Any]:
    try:
        data = json.loads(exc.body or b"{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _invalid(body: Mapping[str, Any]) -> InvalidContact:
    """HubSpot's VALIDATION_ERROR, naming the first field it complains about."""
    for err in body.get("errors") or []:
        if not isinstance(err, dict):
            continue
        context = err.get("context") or {}
        names = context.get("propertyName") or [""]
        field = str(names[0]) if names else ""
        reason = _REASONS.get(str(err.get("code") or ""), "invalid_value")
        if field:
            return InvalidContact(
                field, reason, f"HubSpot did not accept the {field}: {err.get('message')}"
            )
    message = str(body.get("message") or "HubSpot did not accept the request.")
    return InvalidContact("*", "invalid_value", f"HubSpot did not accept that: {message}")


def _iso(value: datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    dt = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return dt.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_contact(obj: Any) -> Contact:
    """An SDK SimplePublicObject as our plain Contact."""
    return Contact(
        id=str(obj.id),
        properties=dict(obj.properties or {}),
        created_at=_iso(obj.created_at),
        updated_at=_iso(obj.updated_at),
    )
