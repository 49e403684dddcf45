"""Which HubSpot owner the person in this turn is: their email, then the owner with it.

Where the email comes from, and why it is believed:
- Teams: `from` carries only ids, so the bot asks the connector for the member
  (`GET /v3/conversations/{conversationId}/members/{userId}`, `TeamsInfo.get_member`), which
  answers with `email` / `userPrincipalName` from Entra ID. Kept per user for `ttl_seconds`: a
  roster call per turn would double the bot's connector traffic.
- The Web Chat page: a signed-in user's `from.properties.email`, believed only on the built-in
  channel's own turns (`callerId` PAGE_CALLER_ID, see bots/access.py).
- The Emulator, an anonymous page, any other channel: no email, so no owner.

A user whose email names no HubSpot owner simply has none: their new contacts get no owner and
"my contacts" tells them why it cannot answer.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo

from bots.access import PAGE_CHANNEL, TEAMS_CHANNEL, page_identity_of, user_id_of
from contacts.owners import ActingOwner, OwnerDirectory

log = logging.getLogger(__name__)


class OwnerOfTurn:
    """`await owners.of(turn_context)`: the acting user's email and HubSpot owner."""

    def __init__(
        self,
        directory: OwnerDirectory | None,
        *,
        ttl_seconds: float = 3600.0,
        max_entries: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directory = directory
        self._ttl = ttl_seconds
        self._max = max_entries
        self._clock = clock
        self._emails: OrderedDict[str, tuple[float, str]] = OrderedDict()

    async def email_of(self, context: TurnContext) -> str:
        activity = context.activity
        channel = activity.channel_id
        if channel == PAGE_CHANNEL:  # believed only on the built-in channel's own turns
            email = page_identity_of(activity).email
            return email if "@" in email else ""
        if channel != TEAMS_CHANNEL:
            return ""
        sender = activity.from_property
        user_id = str(getattr(sender, "id", None) or "")
        if not user_id:
            return ""
        key = user_id_of(activity)
        cached = self._emails.get(key)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        try:
            member = await TeamsInfo.get_member(context, user_id)
        except Exception as exc:  # noqa: BLE001 - no email means no owner, not a failed turn
            log.info("Teams did not name the member: %s", type(exc).__name__)
            return ""
        found = getattr(member, "email", None) or getattr(member, "user_principal_name", None)
        email = found.strip().lower() if isinstance(found, str) and "@" in found else ""
        self._emails[key] = (self._clock() + self._ttl, email)
        self._emails.move_to_end(key)
        while len(self._emails) > self._max:
            self._emails.popitem(last=False)
        return email

    async def of(self, context: TurnContext) -> ActingOwner:
        """Raises ContactsError when HubSpot cannot answer the owner lookup."""
        email = await self.email_of(context)
        if not email or self.directory is None:
            return ActingOwner(email, None)
        return ActingOwner(email, await self.directory.by_email(email))
