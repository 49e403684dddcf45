"""Records as HubSpot sends them, and the calculated properties HubSpot keeps on each write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubspot_local.properties import iso_ms


@dataclass
class Record:
    """One contact as stored: every property value is a string (absent = no value)."""

    id: int
    created_ms: int
    updated_ms: int
    props: dict[str, str]
    archived_ms: int | None = None

    def doc(self) -> dict[str, Any]:
        """What the search index keeps for this record."""
        return {
            "id": self.id,
            "created_ms": self.created_ms,
            "updated_ms": self.updated_ms,
            "props": self.props,
        }

    def emails(self) -> list[str]:
        """Every email that identifies this record (primary first): the uniqueness keys."""
        out = [self.props["email"]] if self.props.get("email") else []
        extra = self.props.get("hs_additional_emails") or ""
        out += [e for e in extra.split(";") if e and e not in out]
        return out


def calculated(
    props: dict[str, str],
    *,
    cid: int,
    created_ms: int,
    updated_ms: int,
    merged_ids: list[int] | None = None,
) -> dict[str, str]:
    """Set the properties HubSpot computes itself; returns a new dict."""
    out = {k: v for k, v in props.items() if v is not None and v != ""}
    out["hs_object_id"] = str(cid)
    out["createdate"] = iso_ms(created_ms)
    out["lastmodifieddate"] = iso_ms(updated_ms)
    if out.get("email") and "@" in out["email"]:
        out["hs_email_domain"] = out["email"].rsplit("@", 1)[1]
    else:
        out.pop("hs_email_domain", None)
    merged = (
        merged_ids
        if merged_ids is not None
        else [int(x) for x in (out.get("hs_merged_object_ids") or "").split(";") if x]
    )
    if merged:
        out["hs_merged_object_ids"] = ";".join(str(m) for m in merged)
    out["hs_all_contact_vids"] = ";".join(str(v) for v in [cid, *merged])
    return out


def to_json(rec: Record, names: tuple[str, ...]) -> dict[str, Any]:
    """The `SimplePublicObject` body: id == hs_object_id, values strings or null, ISO ms."""
    body: dict[str, Any] = {
        "id": str(rec.id),
        "properties": {n: rec.props.get(n) for n in names},
        "createdAt": iso_ms(rec.created_ms),
        "updatedAt": iso_ms(rec.updated_ms),
        "archived": rec.archived_ms is not None,
    }
    if rec.archived_ms is not None:
        body["archivedAt"] = iso_ms(rec.archived_ms)
    return body
