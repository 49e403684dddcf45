"""The contacts domain: model, validation, duplicate checks, near matches for a misspelt name,
owners and the HubSpot adapter (one call core: threads, budget, the retry loop). May import
store/, config/ and ground/ only.

Free of Bot Framework types on purpose, so a port to the Microsoft 365 Agents SDK leaves it be.
"""

from contacts.errors import (
    ContactChanged,
    ContactNotFound,
    ContactsError,
    DuplicateContact,
    HubSpotRejectedToken,
    HubSpotUnavailable,
    InvalidContact,
    RateLimited,
)
from contacts.model import (
    DISPLAY_PROPERTIES,
    EDITABLE_PROPERTIES,
    Change,
    Contact,
    CreateResult,
    PendingUpdate,
    SearchCriteria,
    SearchPage,
)
from contacts.service import ContactsService

__all__ = [
    "DISPLAY_PROPERTIES",
    "EDITABLE_PROPERTIES",
    "Change",
    "Contact",
    "ContactChanged",
    "ContactNotFound",
    "ContactsError",
    "ContactsService",
    "CreateResult",
    "DuplicateContact",
    "HubSpotRejectedToken",
    "HubSpotUnavailable",
    "InvalidContact",
    "PendingUpdate",
    "RateLimited",
    "SearchCriteria",
    "SearchPage",
]
