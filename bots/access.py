"""Who may use the bot, and who may only search: the optional allow-lists from Settings.

    ALLOWED_TENANTS   Entra tenant ids whose Teams users may use the bot
    ALLOWED_USERS     Teams users (aadObjectId, or a UPN where the channel sends one)
    READONLY_USERS    users who may search but not create or update (they need not also be
                      listed in ALLOWED_USERS: being read-only is a way of being allowed)

Every list is optional; with none set everyone who can reach the bot may do everything, which
is what local mode (no app id, loopback only) and a first Teams trial want.

Why identity is read only from Teams activities: `/api/messages` demands a Bot Framework token
once an app id is set, so a `msteams` activity's tenant and `aadObjectId` come from Teams. The
local Web Chat channel and the Emulator send no such identity (and the Web Chat page passes
`channelData` through from the browser), so a tenant or user found there proves nothing: those
users count as unidentified, allowed only while no list that would need an identity is set.

Why no UPN lookup: Teams puts only `aadObjectId` in `from`; the UPN would cost a roster call per
turn. A UPN entry matches only where the activity carries one; use object ids for Teams.

The decision's `reason` is a text key the bot turns into words (`not_allowed`, see
`cards.refusal_text`); a read-only user is allowed, and the bot refuses their writes with
its own line.

The people come second; the transport comes first. `StrictTokenAuthentication` wraps the SDK's
token check so that every token it cannot validate is a 401: the SDK itself turns only some
failures into `PermissionError` (a missing header on its parameterized path, an expired token, a
bad signature, an unknown key id or an unendorsed channel escape as other exceptions, which
aiohttp would answer with a 500 and a traceback in the log).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import requests
from aiohttp import web
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from botframework.connector.skills import BotFrameworkClient

from config import Settings

log = logging.getLogger(__name__)

TEAMS_CHANNEL = "msteams"
NOT_ALLOWED = "not_allowed"  # the text key the bot answers a refusal with
_UPN_FIELDS = ("userPrincipalName", "upn", "email")


@dataclass(frozen=True)
class AccessDecision:
    allowed: bool
    read_only: bool = False
    reason: str = ""  # a text key when refused; "" when allowed


@dataclass(frozen=True)
class Identity:
    """What the activity says about who is speaking (only trusted for Teams, see above)."""

    tenant: str = ""
    user_ids: frozenset[str] = frozenset()  # aadObjectId and any UPN, lower-cased


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


def identity_of(activity: Any) -> Identity:
    """The tenant and user ids of a Teams activity; empty for any other channel."""
    if _get(activity, "channel_id", "channelId") != TEAMS_CHANNEL:
        return Identity()
    channel_data = _get(activity, "channel_data", "channelData") or {}
    tenant = channel_data.get("tenant") if isinstance(channel_data, dict) else None
    tenant_id = tenant.get("id") if isinstance(tenant, dict) else None
    if not tenant_id:
        conversation = _get(activity, "conversation", "conversation")
        tenant_id = _get(conversation, "tenant_id", "tenantId")
    sender = _get(activity, "from_property", "from")
    ids = [str(_get(sender, "aad_object_id", "aadObjectId") or "")]
    for field in _UPN_FIELDS:
        value = _get(sender, field, field)
        if isinstance(value, str):
            ids.append(value)
    return Identity(tenant=str(tenant_id or "").strip().lower(), user_ids=_normalise(ids))


class AccessPolicy:
    """Decides per activity; holds only the three lists, so it is cheap to check every turn."""

    def __init__(self, *, allowed_tenants: Iterable[str] = (), allowed_users: Iterable[str] = (),
                 readonly_users: Iterable[str] = ()) -> None:
        self.allowed_tenants = _normalise(allowed_tenants)
        self.allowed_users = _normalise(allowed_users)
        self.readonly_users = _normalise(readonly_users)

    @classmethod
    def from_settings(cls, settings: Settings) -> AccessPolicy:
        return cls(allowed_tenants=settings.allowed_tenants,
                   allowed_users=settings.allowed_users,
                   readonly_users=settings.readonly_users)

    @property
    def open(self) -> bool:
        """No list set: everyone may do everything."""
        return not (self.allowed_tenants or self.allowed_users or self.readonly_users)

    def check(self, activity: Any) -> AccessDecision:
        """May the sender of `activity` use the bot, and may they write?"""
        if self.open:
            return AccessDecision(allowed=True)
        who = identity_of(activity)
        if self.allowed_tenants and who.tenant not in self.allowed_tenants:
            log.info("refused: tenant not allowed (%s)", who.tenant or "none given")
            return AccessDecision(allowed=False, reason=NOT_ALLOWED)
        read_only = bool(who.user_ids & self.readonly_users)
        if self.allowed_users and not (who.user_ids & self.allowed_users) and not read_only:
            # Object ids are pseudonymous (UPNs are not, so they stay out of the log); logging
            # one lets an admin add the right person.
            object_ids = sorted(i for i in who.user_ids if "@" not in i)
            log.info("refused: user not allowed (%s)", ", ".join(object_ids) or "no Teams id")
            return AccessDecision(allowed=False, reason=NOT_ALLOWED)
        return AccessDecision(allowed=True, read_only=read_only)


class StrictTokenAuthentication(BotFrameworkAuthentication):
    """The SDK's Bot Framework authentication, with every invalid token answered by a 401.

    `CloudAdapter.process` maps only `PermissionError` to 401; this turns any other failure of
    the token check into one (logging the kind, never the token). The one exception: when the
    signing keys cannot be fetched, the request may be fine, so it is a 503 and the channel
    retries.
    """

    def __init__(self, inner: BotFrameworkAuthentication) -> None:
        self._inner = inner

    async def _checked(self, check: Any) -> AuthenticateRequestResult:
        try:
            result = await check
        except PermissionError as exc:
            log.warning("refused a request: %s", exc)
            raise
        except requests.RequestException as exc:
            log.error("could not fetch the Bot Framework signing keys: %s", type(exc).__name__)
            raise web.HTTPServiceUnavailable(text="Cannot validate tokens right now.") from exc
        except Exception as exc:  # the SDK's other token failures (see the module docstring)
            log.warning("refused a request: invalid token (%s)", type(exc).__name__)
            raise PermissionError("invalid token") from exc
        if result is None or result.claims_identity is None:
            raise PermissionError("no identity")
        return result

    async def authenticate_request(self, activity: Activity,
                                   auth_header: str) -> AuthenticateRequestResult:
        return await self._checked(self._inner.authenticate_request(activity, auth_header))

    async def authenticate_streaming_request(self, auth_header: str,
                                             channel_id_header: str) -> AuthenticateRequestResult:
        return await self._checked(
            self._inner.authenticate_streaming_request(auth_header, channel_id_header))

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        try:
            return await self._inner.authenticate_channel_request(auth_header)
        except PermissionError:
            raise
        except Exception as exc:
            raise PermissionError("invalid token") from exc

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self._inner.create_connector_factory(claims_identity)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        return await self._inner.create_user_token_client(claims_identity)

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()
