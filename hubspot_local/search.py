"""Turn a `POST /search` body into a checked `SearchPlan`, the way HubSpot reads it.

Groups are ORed, filters inside a group ANDed; a top-level `filters` list is one group. Every
check that HubSpot answers with 400 happens here, before the database is touched. What each
operator means for a stored value is decided by `properties.fold/numeric_key/tokens`; the SQL
that applies it lives in `index.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hubspot_local.errors import ApiError, bad_request
from hubspot_local.options import SearchLimits
from hubspot_local.properties import (
    PROPERTIES,
    TOKEN_RE,
    as_string,
    fold,
    numeric_key,
    requested,
)

OPERATORS = frozenset(
    {
        "EQ",
        "NEQ",
        "LT",
        "LTE",
        "GT",
        "GTE",
        "BETWEEN",
        "IN",
        "NOT_IN",
        "HAS_PROPERTY",
        "NOT_HAS_PROPERTY",
        "CONTAINS_TOKEN",
        "NOT_CONTAINS_TOKEN",
    }
)
NEGATIVE = {
    "NEQ": "EQ",
    "NOT_IN": "IN",
    "NOT_HAS_PROPERTY": "HAS_PROPERTY",
    "NOT_CONTAINS_TOKEN": "CONTAINS_TOKEN",
}
RANGE = frozenset({"LT", "LTE", "GT", "GTE", "BETWEEN"})


@dataclass(frozen=True)
class Condition:
    """One filter, resolved: `op` is always positive; `negated` flips the matching set.

    `mode` says which column compares: "text" (folded string), "num" (numeric key), "has"
    (property present) or "token" (a glob over tokens). `args` are ready for SQL.
    """

    prop: str
    op: str
    mode: str
    args: tuple[Any, ...]
    negated: bool = False


@dataclass(frozen=True)
class SearchPlan:
    groups: tuple[tuple[Condition, ...], ...] = ()
    query_tokens: tuple[str, ...] = ()
    sort: tuple[str, bool] | None = None  # (property, descending)
    limit: int = 10
    offset: int = 0
    properties: tuple[str, ...] = field(default_factory=tuple)


def _string(value: Any, what: str) -> str:
    out = as_string(value) if value is not None else None
    if out is None:
        raise bad_request(f"{what} must be a string")
    return out


def _number(prop: str, value: str) -> float:
    number = numeric_key(prop, value)
    if number is None:
        kind = "date" if PROPERTIES[prop].type == "datetime" else "number"
        raise bad_request(f'"{value}" is not a valid {kind} for property {prop}')
    return number


def _condition(raw: Any) -> Condition:
    if not isinstance(raw, dict):
        raise bad_request("each filter must be an object")
    prop, op = raw.get("propertyName"), raw.get("operator")
    if not isinstance(prop, str) or not prop:
        raise bad_request("filter propertyName is required")
    if not isinstance(op, str) or op not in OPERATORS:
        raise bad_request(f"operator {op} is not one of {sorted(OPERATORS)}")
    if prop not in PROPERTIES:
        # UNCONFIRMED: HubSpot's exact answer for a filter on an unknown property.
        raise ApiError(
            400,
            {
                "message": f'Property "{prop}" does not exist',
                "category": "VALIDATION_ERROR",
                "errors": [
                    {
                        "message": f'Property "{prop}" does not exist',
                        "code": "PROPERTY_DOESNT_EXIST",
                        "context": {"propertyName": [prop]},
                    }
                ],
            },
        )
    negated = op in NEGATIVE
    base = NEGATIVE.get(op, op)
    numeric_prop = PROPERTIES[prop].type in ("number", "datetime")
    if base == "HAS_PROPERTY":
        return Condition(prop, base, "has", (), negated)
    if base == "IN":
        values = raw.get("values")
        if not isinstance(values, list) or not values:
            raise bad_request(f"operator {op} requires values")
        strings = [_string(v, "filter values") for v in values]
        if numeric_prop:
            return Condition(prop, base, "num", tuple(_number(prop, v) for v in strings), negated)
        # HubSpot: IN/NOT_IN values for string properties must already be lower-case; they are
        # compared as given against the folded stored value (so "Jane" never matches).
        return Condition(prop, base, "text", tuple(strings), negated)
    if raw.get("value") is None:
        raise bad_request(f"operator {op} requires a value")
    value = _string(raw["value"], "filter value")
    if base == "CONTAINS_TOKEN":
        return Condition(prop, base, "token", (fold(prop, value),), negated)
    if base == "BETWEEN":
        if raw.get("highValue") is None:
            raise bad_request("operator BETWEEN requires a highValue")
        high = _string(raw["highValue"], "highValue")
        if numeric_prop or (
            numeric_key(prop, value) is not None and numeric_key(prop, high) is not None
        ):
            return Condition(prop, base, "num", (_number(prop, value), _number(prop, high)))
        return Condition(prop, base, "text", (fold(prop, value), fold(prop, high)))
    if numeric_prop:
        return Condition(prop, base, "num", (_number(prop, value),), negated)
    if base in RANGE and numeric_key(prop, value) is not None:
        return Condition(prop, base, "num", (_number(prop, value),), negated)
    return Condition(prop, base, "text", (fold(prop, value),), negated)


def _sort(raw: Any) -> tuple[str, bool] | None:
    if raw in (None, []):
        return None
    if not isinstance(raw, list):
        raise bad_request("sorts must be a list")
    if len(raw) > 1:
        raise bad_request("Only one sort is supported")
    item = raw[0]
    if isinstance(item, str):  # "-createdate" form (UNCONFIRMED that HubSpot honours it)
        prop, desc = item.lstrip("-+"), item.startswith("-")
    elif isinstance(item, dict):
        named = item.get("propertyName")
        prop = named if isinstance(named, str) else ""
        direction = str(item.get("direction") or "ASCENDING").upper()
        if direction not in ("ASCENDING", "DESCENDING"):
            raise bad_request(f"sort direction {direction} is not ASCENDING or DESCENDING")
        desc = direction == "DESCENDING"
    else:
        raise bad_request("each sort must be an object or a string")
    if prop not in PROPERTIES:
        raise bad_request(f'Property "{prop}" does not exist')
    return prop, desc


def _int(raw: Any, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        return int(str(raw))
    except ValueError as exc:
        raise bad_request(f"{name} must be an integer, not {raw!r}") from exc


def parse_search(body: Any, limits: SearchLimits) -> SearchPlan:
    """Validate a search body into a plan; raises `ApiError` (400) for what HubSpot rejects."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise bad_request("search body must be a JSON object")
    raw_groups = body.get("filterGroups") or []
    if not isinstance(raw_groups, list):
        raise bad_request("filterGroups must be a list")
    groups_raw: list[Any] = []
    for g in raw_groups:
        if not isinstance(g, dict) or not isinstance(g.get("filters", []), list):
            raise bad_request("each filterGroup must be an object with a filters list")
        groups_raw.append(g.get("filters") or [])
    if body.get("filters"):
        if not isinstance(body["filters"], list):
            raise bad_request("filters must be a list")
        groups_raw.append(body["filters"])
    # Wording UNCONFIRMED; the numbers are the 2026 documented limits.
    if len(groups_raw) > limits.max_groups:
        raise bad_request(
            f"Too many filter groups ({len(groups_raw)}). The maximum is {limits.max_groups}.",
            code="VALIDATION_ERROR",
        )
    for filters in groups_raw:
        if len(filters) > limits.max_filters_per_group:
            raise bad_request(
                f"Too many filters in a filter group ({len(filters)}). The maximum "
                f"is {limits.max_filters_per_group}.",
                code="VALIDATION_ERROR",
            )
    total = sum(len(f) for f in groups_raw)
    if total > limits.max_filters_total:
        raise bad_request(
            f"Too many filters ({total}). The maximum across all filter groups is "
            f"{limits.max_filters_total}.",
            code="VALIDATION_ERROR",
        )
    groups = tuple(tuple(_condition(f) for f in filters) for filters in groups_raw)

    query = body.get("query")
    query_tokens: tuple[str, ...] = ()
    if query is not None:
        if not isinstance(query, str):
            raise bad_request("query must be a string")
        if len(query) > limits.max_query_chars:
            raise bad_request(
                f"query is {len(query)} characters long; the maximum is {limits.max_query_chars}"
            )
        query_tokens = tuple(dict.fromkeys(TOKEN_RE.findall(query.lower())))

    limit = _int(body.get("limit"), "limit", 10)
    if limit < 0 or limit > limits.max_page:
        # UNCONFIRMED whether HubSpot clamps or rejects; rejecting shows the bug to the caller.
        raise bad_request(f"limit must be between 0 and {limits.max_page}, not {limit}")
    offset = _int(body.get("after"), "after", 0)
    if offset < 0:
        raise bad_request(f"after must not be negative, not {offset}")
    if offset >= limits.max_results or (offset + limit > limits.max_results and limit > 0):
        raise bad_request(
            f"Search results are limited to {limits.max_results} per query; "
            f"cannot page to after={offset} with limit={limit}. Narrow the "
            f"filters or sort by a property and filter on it."
        )
    props = body.get("properties")
    if props is not None and not (
        isinstance(props, list) and all(isinstance(p, str) for p in props)
    ):
        raise bad_request("properties must be a list of strings")
    return SearchPlan(
        groups=groups,
        query_tokens=query_tokens,
        sort=_sort(body.get("sorts")),
        limit=limit,
        offset=offset,
        properties=requested(props),
    )
