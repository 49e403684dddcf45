"""Who may use the bot, and who may only search: the optional allow-lists from Settings.

    ALLOWED_TENANTS   Entra tenant ids whose users may use the bot (Teams: the activity's
                      tenant; the Web Chat page: the signed-in user's `tid` claim)
    ALLOWED_USERS     Teams users (aadObjectId, or a UPN where the channel sends one) and
                      signed-in page users (email, OIDC subject, Entra object id, or dl_ id)
    READONLY_USERS    users who may search but not create or update, matched the same way
                      (they need not also be listed in ALLOWED_USERS: being read-only is a way
                      of being allowed)
    ADMIN_USERS       users who may also read a contact's change history (the audit log) in
                      chat, matched the same way; like READONLY_USERS a way of being allowed,
                      but it restricts nobody else (with only this list set, all may use the bot)

Every list is optional; with none set everyone who can reach the bot may do everything, which
is what local mode (no app id, loopback only) and a first Teams trial want.

Where an identity is believed: `/api/messages` demands a Bot Framework token once an app id is
set, so a `msteams` activity's tenant and `aadObjectId` come from Teams. The built-in Web Chat
channel's users are identified by sign-in (webchat/signin.py); the channel stamps who they are
in `from.properties` and delivers the turn in-process with `callerId` PAGE_CALLER_ID, a value
the SDK never leaves on an activity that came to /api/messages (it overwrites it), so
`from.properties` from anyone else proves nothing. The Emulator, an anonymous page (local mode)
and any other channel send no identity (and `channelData` is the browser's own): those users
count as unidentified, allowed only while no list that would need an identity is set.

Why no UPN lookup: Teams puts only `aadObjectId` in `from`; the UPN would cost a roster call per
turn. A UPN entry matches only where the activity carries one; use object ids for Teams.

The decision's `reason` is a text key the bot turns into words (`not_allowed`, see
`cards.refusal_text`); a read-only user is allowed, and the bot refuses their writes with
its own line.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from config import Settings
from ground.ids import PAGE_CALLER_ID

log = logging.getLogger(__name__)

TEAMS_CHANNEL = "msteams"
PAGE_CHANNEL = "directline"
_PAGE_FIELDS = ("email", "subject", "objectId")
NOT_ALLOWED = "not_allowed"  # the text key the bot answers a refusal with
_UPN_FIELDS = ("userPrincipalName", "upn", "email")


@dataclass(frozen=True)
class AccessDecision:
    allowed: bool
    read_only: bool = False
    reason: str = ""  # a text key when refused; "" when allowed
    admin: bool = False


@dataclass(frozen=True)
class Identity:
    """Who is speaking, where the channel vouches for it (Teams, signed-in page users)."""

    tenant: str = ""
    user_ids: frozenset[str] = frozenset()  # aadObjectId and any UPN, lower-cased
    email: str = ""  # as the channel vouches for it ("" when it does not), lower-cased


def _normalise(values: Iterable[str]) -> frozenset[str]:
    return frozenset(v.strip().lower() for v in values if v and v.strip())


def _get(obj: Any, attr: str, key: str) -> Any:
    """A field of a botbuilder model or of a plain dict (tests and fixtures use both)."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(key)
    value = getattr(obj, attr, None)
    if value is None:
        value = (getattr(obj, "additional_properties", None) or {}).get(key)
    return value


def page_identity_of(activity: Any) -> Identity:
    """A signed-in page user's tenant and ids, from the built-in channel's own turns only."""
    if _get(activity, "caller_id", "callerId") != PAGE_CALLER_ID:
        return Identity()
    sender = _get(activity, "from_property", "from")
    props = _get(sender, "properties", "properties")
    if not isinstance(props, dict) or not props.get("issuer"):
        return Identity()  # an anonymous page user (local mode)
    ids = [str(_get(sender, "id", "id") or "")]
    ids += [props[f] for f in _PAGE_FIELDS if isinstance(props.get(f), str)]
    tenant = props.get("tenant")
    tenant = tenant.strip().lower() if isinstance(tenant, str) else ""
    email = props.get("email")
    email = email.strip().lower() if isinstance(email, str) else ""
    return Identity(tenant=tenant, user_ids=_normalise(ids), email=email)


def user_id_of(activity: Any) -> str:
    """The id the app knows the sender by (claims, the audit log, recent contacts, the roster
    cache): Teams' AAD object id, the same in every chat and app; else the channel's own id
    (a page user's `dl_` id, the Emulator's user). '' when the activity names nobody."""
    sender = _get(activity, "from_property", "from")
    return str(_get(sender, "aad_object_id", "aadObjectId") or _get(sender, "id", "id") or "")


def identity_of(activity: Any) -> Identity:
    """The tenant and user ids of a Teams activity or a signed-in page user's; empty for any
    other channel."""
    channel = _get(activity, "channel_id", "channelId")
    if channel == PAGE_CHANNEL:
        return page_identity_of(activity)
    if channel != TEAMS_CHANNEL:
        return Identity()
    channel_data = _get(activity, "channel_data", "channelData") or {}
    tenant = channel_data.get("tenant") if isinstance(channel_data, dict) else None
    tenant_id = tenant.get("id") if isinstance(tenant, dict) else None
    if not tenant_id:
        conversation = _get(activity, "conversation", "conversation")
        tenant_id = _get(conversation, "tenant_id", "tenantId")
    sender = _get(activity, "from_property", "from")
    ids = [str(_get(sender, "aad_object_id", "aadObjectId") or "")]
    email = ""
    for field in _UPN_FIELDS:
        value = _get(sender, field, field)
        if isinstance(value, str):
            ids.append(value)
            email = email or (value.strip().lower() if "@" in value else "")
    return Identity(
        tenant=str(tenant_id or "").strip().lower(), user_ids=_normalise(ids), email=email
    )


class AccessPolicy:
    """Decides per activity; holds only the three lists, so it is cheap to check every turn."""

    def __init__(
        self,
        *,
        allowed_tenants: Iterable[str] = (),
        allowed_users: Iterable[str] = (),
        readonly_users: Iterable[str] = (),
        admin_users: Iterable[str] = (),
    ) -> None:
        self.allowed_tenants = _normalise(allowed_tenants)
        self.allowed_users = _normalise(allowed_users)
        self.readonly_users = _normalise(readonly_users)
        self.admin_users = _normalise(admin_users)

    @classmethod
    def from_settings(cls, settings: Settings) -> AccessPolicy:
        return cls(
            allowed_tenants=settings.allowed_tenants,
            allowed_users=settings.allowed_users,
            readonly_users=settings.readonly_users,
            admin_users=settings.admin_users,
        )

    @property
    def open(self) -> bool:
        """No list set: everyone may do everything."""
        return not (self.allowed_tenants or self.allowed_users or self.readonly_users)

    def check(self, activity: Any) -> AccessDecision:
        """May the sender of `activity` use the bot, and may they write?"""
        if self.open and not self.admin_users:
            return AccessDecision(allowed=True)
        who = identity_of(activity)
        admin = bool(who.user_ids & self.admin_users)
        if self.open:
            return AccessDecision(allowed=True, admin=admin)
        if self.allowed_tenants and who.tenant not in self.allowed_tenants:
            log.info("refused: tenant not allowed (%s)", who.tenant or "none given")
            return AccessDecision(allowed=False, reason=NOT_ALLOWED)
        read_only = bool(who.user_ids & self.readonly_users)
        listed = bool(who.user_ids & self.allowed_users) or read_only or admin
        if self.allowed_users and not listed:
            # Object ids are pseudonymous (UPNs are not, so they stay out of the log); logging
            # one lets an admin add the right person.
            object_ids = sorted(i for i in who.user_ids if "@" not in i)
            log.info("refused: user not allowed (%s)", ", ".join(object_ids) or "no Teams id")
            return AccessDecision(allowed=False, reason=NOT_ALLOWED)
        return AccessDecision(allowed=True, read_only=read_only, admin=admin)
