"""JSON from the network, parsed with a depth limit.

`json.loads` raises RecursionError (not ValueError) on a body nested a few thousand levels
deep, and a body nested just under Python's limit parses but then breaks whatever walks it
next (the SDK's deserializer, a json.dumps on the way out). No activity, card submit or Direct
Line request is deeper than a handful of levels, so anything deeper than MAX_DEPTH is refused
here, as the same ValueError a malformed body gets: every caller already answers that clearly.

A lone UTF-16 surrogate (`"\\ud800"`) is valid JSON too, parsed into a str that is not Unicode:
no UTF-8 encoder, so no store column and no channel, can take it, and it used to fail deep in a
turn with a traceback, on every redelivery. What a person typed (an activity's text, a card's
values) may hold one: the flows name the field and the stores keep it escaped (`storable_json`).
Anywhere else (ids, names, a Direct Line request) nothing can use it: `check_unicode` refuses
it as `InvalidUnicode`, so the caller can answer a clear 400.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32  # an activity with a card submit inside is about 6 deep


class UnreadableJson(ValueError):
    """Not JSON, or JSON nested deeper than MAX_DEPTH."""


class NestedTooDeeply(UnreadableJson):
    """JSON, but nested deeper than MAX_DEPTH: no activity or submit is built like that."""


class InvalidUnicode(UnreadableJson):
    """JSON whose strings hold a lone UTF-16 surrogate: not text anything downstream can keep."""


def loads_limited(raw: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    try:
        value = json.loads(raw)
    except RecursionError:
        raise NestedTooDeeply("JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, and bytes that are not UTF-8
        raise UnreadableJson(f"not JSON: {type(exc).__name__}") from None
    if depth_exceeds(value, max_depth):
        raise NestedTooDeeply("JSON nested too deeply")
    return value


def check_unicode(value: Any, *, free_text: frozenset[str] = frozenset()) -> None:
    """InvalidUnicode if any string in `value` (parsed JSON, keys included) holds a lone
    surrogate, except under the top-level keys in `free_text` (what a person typed, which the
    flows check and answer themselves)."""
    if isinstance(value, dict) and free_text:
        value = {k: v for k, v in value.items() if k not in free_text}
    if not is_unicode(value):
        raise InvalidUnicode("JSON text holds a lone UTF-16 surrogate")


def storable_json(value: Any) -> str:
    """`value` as JSON text any store can keep: UTF-8 as it is, or, when a string in it holds a
    lone surrogate, with non-ASCII escaped (`\\ud800` survives as the same escape)."""
    text = json.dumps(value, ensure_ascii=False)
    if text.isascii() or is_unicode(text):
        return text
    return json.dumps(value)


def is_unicode(value: Any) -> bool:
    """Does every string in `value` (parsed JSON, keys included) encode as UTF-8?"""
    stack: list[Any] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and not node.isascii():
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def depth_exceeds(value: Any, max_depth: int = MAX_DEPTH) -> bool:
    """Is `value` (parsed JSON) nested deeper than `max_depth`? Iterative: no recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
