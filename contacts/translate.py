"""HubSpot's answers as ours: SDK exceptions, batch errors and SDK models stop here.

`translate` turns one SDK / transport exception into a `ContactsError`, or into a reason to
retry (`Transient`, `Throttled`); `batch_error` does the same for one item of a batch's 207
multi-status `errors`; `to_contact` turns an SDK object into our plain `Contact`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import urllib3
from hubspot.crm.contacts.exceptions import ApiException
from hubspot.crm.owners.exceptions import ApiException as OwnersApiException

from contacts.errors import (
    ContactNotFound,
    ContactsError,
    DuplicateContact,
    HubSpotRejectedToken,
    HubSpotUnavailable,
    InvalidContact,
)
from contacts.model import Contact
from contacts.portal_rules import RULE_REASONS
from contacts.retrying import RetryPolicy

_EXISTING_ID = re.compile(r"Existing ID:\s*(\d+)")
_REASONS = {
    "PROPERTY_DOESNT_EXIST": "unknown_property",
    "INVALID_EMAIL": "invalid_email",
    "READ_ONLY_VALUE": "read_only",
    "INVALID_LENGTH": "too_long",
}


class Transient(Exception):
    """A failure worth retrying; `maybe_done` when the request may have been carried out."""

    def __init__(self, what: str, *, maybe_done: bool) -> None:
        super().__init__(what)
        self.maybe_done = maybe_done


class Throttled(Exception):
    def __init__(self, wait: float) -> None:
        super().__init__(f"rate limited, wait {wait:.2f}s")
        self.wait = wait


def translate(
    exc: BaseException, *, key: str, retry: RetryPolicy
) -> ContactsError | Transient | Throttled:
    """An SDK / transport exception as one of ours, or as a reason to retry (one raised as
    such by a caller's attempt passes through as it is)."""
    if isinstance(exc, Transient | Throttled):
        return exc
    if isinstance(exc, ApiException | OwnersApiException):
        status = int(exc.status or 0)
        body = _body(exc)
        if status == 429:
            return Throttled(retry.rate_limit_wait(exc.headers))
        if status in (401, 403):
            return HubSpotRejectedToken(status)
        if status == 0 or status >= 500 or status in (423, 477):
            return Transient(f"HTTP {status}", maybe_done=True)
        return _client_error(status, body, key)
    if isinstance(
        exc, urllib3.exceptions.NewConnectionError | urllib3.exceptions.ConnectTimeoutError
    ):
        return Transient(type(exc).__name__, maybe_done=False)  # never reached HubSpot
    if isinstance(exc, urllib3.exceptions.HTTPError | OSError):
        return Transient(type(exc).__name__, maybe_done=True)
    raise exc


def batch_error(error: Any, *, key: str) -> ContactsError:
    """One `StandardError` of a batch's 207 answer, as the error its own caller gets."""
    body = {
        "message": getattr(error, "message", None) or "",
        "category": getattr(error, "category", None) or "",
        "errors": [_detail(d) for d in getattr(error, "errors", None) or []],
    }
    status = {
        "CONFLICT": 409,
        "VALIDATION_ERROR": 400,
        "OBJECT_NOT_FOUND": 404,
    }.get(str(body["category"]), 0)
    if status == 0 and _EXISTING_ID.search(str(body["message"])):
        status = 409
    return _client_error(status, body, key)


def _client_error(status: int, body: Mapping[str, Any], key: str) -> ContactsError:
    if status == 404:
        return ContactNotFound(key)
    if status == 409:
        found = _EXISTING_ID.search(str(body.get("message") or ""))
        return DuplicateContact(None, existing_id=found.group(1) if found else None)
    if status == 400:
        return invalid(body)
    return HubSpotUnavailable(
        f"HubSpot answered HTTP {status}: {body.get('message') or 'no details'}"
    )


def _detail(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return detail
    return {
        "message": getattr(detail, "message", None),
        "code": getattr(detail, "code", None),
        "context": getattr(detail, "context", None) or {},
    }


def _body(exc: ApiException | OwnersApiException) -> dict[str, Any]:
    try:
        data = json.loads(exc.body or b"{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def invalid(body: Mapping[str, Any]) -> InvalidContact:
    """HubSpot's VALIDATION_ERROR, naming the first field it complains about."""
    for err in body.get("errors") or []:
        if not isinstance(err, dict):
            continue
        context = err.get("context") or {}
        names = context.get("propertyName") or [""]
        field = str(names[0]) if names else ""
        code = str(err.get("code") or "")
        # A portal validation rule broken: its rule type is the code (UNCONFIRMED: what the
        # local HubSpot sends; see hubspot_local/validations.py).
        reason = _REASONS.get(code) or RULE_REASONS.get(code, "invalid_value")
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
