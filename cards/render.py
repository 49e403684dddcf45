"""The one render function: JSON templates in `cards/templates/` filled from plain data.

The templates use a small, strict subset of the Adaptive Cards Templating language, so they
open in the Adaptive Cards Designer and a designer can restyle them without reading Python:

  "${path}"            a whole string that is one placeholder takes the value as it is (a string,
                       a number, a dict for Action.Submit data...); `None` drops the key, so a
                       template can say `"style": "${style}"` and leave it out when not wanted.
  "a ${path} b"        placeholders inside a longer string are replaced by `str(value)`.
  "$data": "${path}"   on an element of an array: repeat the element once per item of the list,
                       with the item as the data of that element (`$root.x` still reaches the top).
  "$when": "${path}"   keep the element only when the value is truthy (`${!path}`: when falsy).

Why a template engine and not f-strings or JSON text substitution: values are inserted into the
parsed tree and never re-read as template or JSON, so a contact named `"}]` or `${nonce}` is
shown as text and cannot add card structure. A missing name raises `TemplateError` instead of
rendering a half-empty card, so the schema tests catch template mistakes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"

_WHOLE = re.compile(r"^\$\{(!?)(\$?[\w.]+)\}$")
_INLINE = re.compile(r"\$\{(\$?[\w.]+)\}")
DISPLAY_LIMIT = 120


class TemplateError(KeyError):
    """A template names data the card function did not give (a bug, never user input)."""


def render(template: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Fill the template `cards/templates/<template>.json` from `data` and return the card.

    The template holds `body`, `actions` and `fallbackText`; `render` adds the envelope
    (`$schema`, `type`, `version` 1.5), so every card is an Adaptive Card 1.5 the same way."""
    tree = _fill(_load(template), _Scope(data, data))
    return {"$schema": SCHEMA_URL, "type": "AdaptiveCard", "version": CARD_VERSION, **tree}


def shown(value: Any, limit: int = DISPLAY_LIMIT) -> str:
    """A user-data value for display: one line, at most `limit` characters (with an ellipsis).
    Only for display, never for an input's `value` (a truncated prefill would silently cut the
    contact's data on submit).

    The templates put such values only into RichTextBlock TextRuns, which no host reads as
    markdown: `**x**` stays two stars and an x, a bare URL stays text, not a link. TextBlocks
    and FactSets (markdown in Teams and Web Chat) hold only the bot's own words."""
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def printable(value: Any) -> Any:
    """`value` (text, or a card) with any lone UTF-16 surrogate replaced by U+FFFD: such a
    character can arrive in a JSON escape and be shown back (a prefilled form, "no contact
    matched x"), but cannot be encoded to send, and one bad character must not lose the reply."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        return value
    if isinstance(value, dict):
        return {key: printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [printable(item) for item in value]
    return value


def _read_templates() -> dict[str, dict[str, Any]]:
    """Every template, parsed once when this module is imported: before any event loop runs,
    so rendering a card in a turn never reads a file on the loop."""
    folder = resources.files("cards").joinpath("templates")
    return {
        entry.name.removesuffix(".json"): json.loads(entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    }


_TEMPLATES = _read_templates()


def _load(template: str) -> dict[str, Any]:
    try:
        return _TEMPLATES[template]
    except KeyError:
        raise TemplateError(f"no template named {template!r}") from None


class _Scope:
    def __init__(self, root: Mapping[str, Any], current: Any) -> None:
        self.root = root
        self.current = current

    def lookup(self, path: str) -> Any:
        parts = path.split(".")
        value: Any = self.current
        if parts[0] == "$root":
            value, parts = self.root, parts[1:]
        for part in parts:
            if not isinstance(value, Mapping) or part not in value:
                raise TemplateError(f"template names {path!r}, which the data does not have")
            value = value[part]
        return value


_DROP = object()


def _fill(node: Any, scope: _Scope) -> Any:
    if isinstance(node, str):
        return _fill_string(node, scope)
    if isinstance(node, list):
        out: list[Any] = []
        for item in node:
            out.extend(_fill_element(item, scope))
        return out
    if isinstance(node, dict):
        if "$when" in node or "$data" in node:
            raise TemplateError("$when/$data are only allowed on elements of an array")
        filled = {}
        for key, value in node.items():
            result = _fill(value, scope)
            if result is not _DROP:
                filled[key] = result
        return filled
    return node


def _fill_element(item: Any, scope: _Scope) -> list[Any]:
    """An array element may repeat (`$data`) and may be conditional (`$when`)."""
    if not isinstance(item, dict) or not ("$data" in item or "$when" in item):
        filled = _fill(item, scope)
        return [] if filled is _DROP else [filled]
    body = {k: v for k, v in item.items() if k not in ("$data", "$when")}
    scopes = [scope]
    if "$data" in item:
        items = _fill_string(item["$data"], scope)
        if not isinstance(items, list):
            raise TemplateError(f"$data {item['$data']!r} is not a list")
        scopes = [_Scope(scope.root, each) for each in items]
    out = []
    for each in scopes:
        if "$when" in item and not _condition(item["$when"], each):
            continue
        out.append(_fill(body, each))
    return out


def _condition(text: str, scope: _Scope) -> bool:
    whole = _WHOLE.match(text)
    if not whole:
        raise TemplateError(f"$when {text!r} must be one placeholder")
    negate, path = whole.groups()
    return not scope.lookup(path) if negate else bool(scope.lookup(path))


def _fill_string(text: str, scope: _Scope) -> Any:
    whole = _WHOLE.match(text)
    if whole:
        negate, path = whole.groups()
        value = scope.lookup(path)
        if negate:
            return not value
        return _DROP if value is None else value
    # One pass: replacement text is never scanned again, so data cannot smuggle placeholders.
    return _INLINE.sub(lambda m: str(scope.lookup(m.group(1))), text)
