"""The contacts layer's one exception tree. Nothing else escapes `ContactsService`.

    ContactsError
    ├── ContactNotFound      no contact with that id / email
    ├── DuplicateContact     a contact with that email exists (carries it)
    ├── InvalidContact       a value a user typed is not acceptable (names the field, says why)
    ├── ContactChanged       an update's contact changed between preview and Confirm
    ├── HubSpotUnavailable   HubSpot down / 5xx / timeouts past retries; write state unknown is
    │   │                    reported via `write_may_have_happened`
    │   ├── CreateInProgress  another create of the email held its claim past the deadline
    │   └── HubSpotRejectedToken  401/403: the token is wrong or lacks the contacts scopes (an
    │                        operator's problem, not a busy HubSpot; nothing was written)
    └── RateLimited          HubSpot still says 429 after waiting as it asked

`code` is a stable, language-neutral key (cards translate it); `str(exc)` is English for logs
and for the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contacts.model import Contact


class ContactsError(Exception):
    code = "contacts_error"


class ContactNotFound(ContactsError):
    code = "not_found"

    def __init__(self, key: str):
        super().__init__(f"No contact with id or email {key!r}.")
        self.key = key


class DuplicateContact(ContactsError):
    code = "duplicate"

    def __init__(self, existing: Contact | None, existing_id: str | None = None):
        self.existing = existing
        self.existing_id = existing.id if existing is not None else existing_id
        super().__init__(f"A contact with that email already exists (id {self.existing_id}).")


class InvalidContact(ContactsError):
    """`reason_code` is one of: invalid_email, invalid_phone, too_long, unknown_property,
    read_only, empty, invalid_value, invalid_characters, invalid_url; and for the portal's own
    validation rules (contacts.portal_rules): required, too_short, invalid_format,
    phone_needs_country_code."""

    code = "invalid"

    def __init__(self, field: str, reason_code: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason_code = reason_code
        self.message = message


class ContactChanged(ContactsError):
    code = "changed"

    def __init__(self, current: Contact):
        super().__init__(f"Contact {current.id} changed since the update was prepared.")
        self.current = current


class HubSpotUnavailable(ContactsError):
    code = "unavailable"

    def __init__(
        self,
        message: str = "HubSpot is not answering right now.",
        *,
        write_may_have_happened: bool = False,
    ):
        super().__init__(message)
        self.write_may_have_happened = write_may_have_happened


class CreateInProgress(HubSpotUnavailable):
    """Another create of the same email held its claim past this one's deadline: this attempt
    wrote nothing, but that one (perhaps the same user's earlier message, cut off) may have
    made the contact, so the user hears "may have been saved" (flows/create.py)."""


class HubSpotRejectedToken(HubSpotUnavailable):
    """A subclass, so every place that stops a turn for an unreachable HubSpot stops it for
    this too; its own code, so the user hears "misconfigured", not "try again in a minute"."""

    code = "misconfigured"

    def __init__(self, status: int):
        super().__init__(f"HubSpot refused the access token (HTTP {status}).")
        self.status = status


class RateLimited(ContactsError):
    code = "rate_limited"

    def __init__(self, retry_after_seconds: float | None = None):
        super().__init__("HubSpot's rate limit was reached; try again in a few seconds.")
        self.retry_after_seconds = retry_after_seconds
