"""Who a page user is, once sign-in (OpenID Connect or a trusted proxy header) has said so.

A `PageUser` travels inside the user's Direct Line token (signed, so the browser cannot change
it), and the channel stamps it on every activity the bot receives from that user:

    from: {"id": "dl_<stable id>", "name": "Ada Lovelace", "role": "user",
           "properties": {"email": "ada@example.com", "tenant": "<tid>", "subject": "<sub>",
                          "issuer": "https://login.example.com", "objectId": "<oid>"}}

The id is derived from (issuer, subject), so the same person gets the same id on every sign-in
and every instance, and two people never share one. Only the built-in channel's own turns are
believed to carry such an identity (see bots/access.py): `from.properties` sent by anyone else
proves nothing.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

PROXY_ISSUER = "trusted-proxy"  # the issuer of a user named by WEBCHAT_TRUSTED_USER_HEADER
_MAX = 256  # the longest value kept from a claim or header; an identity is not a document

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _short(value: Any) -> str:
    return value.strip()[:_MAX] if isinstance(value, str) else ""


@dataclass(frozen=True)
class PageUser:
    issuer: str
    subject: str
    name: str = ""
    email: str = ""
    tenant: str = ""
    object_id: str = ""  # Entra ID's `oid`: the same value Teams sends as aadObjectId

    @property
    def user_id(self) -> str:
        digest = hashlib.sha256(f"{self.issuer}\0{self.subject}".encode()).hexdigest()
        return f"dl_{digest[:32]}"

    def properties(self) -> dict[str, str]:
        """What the bot sees in `from.properties` (empty values left out)."""
        out = {
            "email": self.email,
            "tenant": self.tenant,
            "subject": self.subject,
            "issuer": self.issuer,
            "objectId": self.object_id,
        }
        return {k: v for k, v in out.items() if v}

    def compact(self) -> dict[str, str]:
        """The short form kept in tokens and session cookies."""
        out = {
            "i": self.issuer,
            "s": self.subject,
            "n": self.name,
            "m": self.email,
            "t": self.tenant,
            "o": self.object_id,
        }
        return {k: v for k, v in out.items() if v}

    @classmethod
    def from_compact(cls, data: Any) -> PageUser:
        if not isinstance(data, dict) or not data.get("i") or not data.get("s"):
            raise ValueError("not a page user")
        return cls(
            issuer=str(data["i"]),
            subject=str(data["s"]),
            name=str(data.get("n", "")),
            email=str(data.get("m", "")),
            tenant=str(data.get("t", "")),
            object_id=str(data.get("o", "")),
        )

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> PageUser:
        """From a validated ID token. Entra ID puts the sign-in name in `preferred_username`
        and leaves `email` out unless the app asks for it as an optional claim."""
        email = _short(claims.get("email")) or (
            _short(claims.get("preferred_username"))
            if "@" in _short(claims.get("preferred_username"))
            else ""
        )
        return cls(
            issuer=_short(claims.get("iss")),
            subject=_short(claims.get("sub")),
            name=_short(claims.get("name")) or email,
            email=email.lower(),
            tenant=_short(claims.get("tid")),
            object_id=_short(claims.get("oid")),
        )

    @classmethod
    def from_header(cls, value: str) -> PageUser | None:
        """From the trusted proxy's header: a user name or an email address."""
        value = _short(value)
        if not value:
            return None
        email = value.lower() if "@" in value else ""
        return cls(issuer=PROXY_ISSUER, subject=value, name=value, email=email)


def parse_networks(values: Iterable[str]) -> tuple[IpNetwork, ...]:
    """`10.0.0.5`, `10.1.0.0/16`, `::1` -> networks; ValueError names a bad entry."""
    out = []
    for value in values:
        try:
            out.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"IP addresses or CIDR ranges, and {value!r} is neither") from None
    return tuple(out)


def address_in(address: str | None, networks: Iterable[IpNetwork]) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in net for net in networks)
