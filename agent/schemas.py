"""The agent's three tools as the model sees them: SearchContact, CreateContact, UpdateContact.

Each tool is a pydantic model (its arguments) whose docstring is the description the model reads.
`tool_specs()` turns them into compact JSON schemas: titles, defaults and `$ref`s are stripped or
inlined because every model call re-sends them (`bench/tokens.py` holds all three under 300
tokens). They are the same for every call of a conversation (only the read-only list differs,
by user), so servers can reuse the prompt prefix. agent/tools.py runs them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contacts.model import EDITABLE_PROPERTIES

MAX_RESULTS = 10
_PROPERTIES_HELP = "Only these keys: " + ",".join(EDITABLE_PROPERTIES)


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Filter(_Args):
    propertyName: str  # noqa: N815  (HubSpot's own name for it)
    operator: Literal["EQ", "CONTAINS_TOKEN", "HAS_PROPERTY", "NOT_HAS_PROPERTY"] = "EQ"
    value: str = ""


class SearchContact(_Args):
    """Find contacts by free text (name, email, phone, company) or ANDed filters."""

    query: str = ""
    filters: list[Filter] = Field(default_factory=list)
    limit: int = 5  # clamped to 1..MAX_RESULTS below, so the schema need not say it

    @field_validator("limit", mode="before")
    @classmethod
    def _clamp(cls, v: Any) -> Any:
        return max(1, min(MAX_RESULTS, v)) if isinstance(v, int) else v


class CreateContact(_Args):
    """Prepare a new contact, saved when the user presses Create; a taken email returns it."""

    properties: dict[str, str] = Field(description=_PROPERTIES_HELP)


class UpdateContact(_Args):
    """Prepare a change to a contact found by SearchContact; saved only when the user presses
    Confirm."""

    contact_id: str
    properties: dict[str, str] = Field(
        description="Only the changed fields, keys as in CreateContact"
    )


# Adding a tool: its arguments model above, a member of this union, a case in
# `ContactTools.call` (mypy's assert_never names the place) and its tests.
ToolArgs = SearchContact | CreateContact | UpdateContact
TOOLS: dict[str, type[ToolArgs]] = {
    m.__name__: m for m in (SearchContact, CreateContact, UpdateContact)
}
READ_ONLY_TOOLS = ("SearchContact",)


def _compact(node: Any, defs: Mapping[str, Any]) -> Any:
    """Inline `$ref`s and drop what the model does not need (titles, defaults, the
    `additionalProperties: false` that only our own validation needs)."""
    if isinstance(node, list):
        return [_compact(n, defs) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _compact(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in {"title", "default", "$defs"} or (
            key == "additionalProperties" and value is False
        ):
            continue
        if key == "properties" and isinstance(value, dict):  # field names, not keywords
            out[key] = {name: _compact(v, defs) for name, v in value.items()}
        else:
            out[key] = _compact(value, defs)
    return out


def tool_specs(*, read_only: bool = False) -> list[dict[str, Any]]:
    """The `tools` parameter of a Chat Completions request (SearchContact only, read-only)."""
    specs = []
    for name, model in TOOLS.items():
        if read_only and name not in READ_ONLY_TOOLS:
            continue
        schema = model.model_json_schema()
        description = " ".join((schema.pop("description", "") or "").split())
        params = _compact(schema, schema.get("$defs", {}))
        specs.append(
            {
                "type": "function",
                "function": {"name": name, "description": description, "parameters": params},
            }
        )
    return specs
