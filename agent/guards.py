"""Guards that hold whatever the model does: grounded writes and lenient reading of a tool call
written as text.

**Grounded writes.** A small model fills every field a tool schema offers: invented emails
(`yoon@seoul.com`), placeholders (`your_email@example.com`, company "example company", city
"city"). So a value the model passes to CreateContact or UpdateContact must come from the user's
own messages in this conversation, or from a contact the tools returned (copying a company from
a search result is fine). Anything else is refused back to the model as a tool error naming the
field, and never written; the model can leave the field out or ask the user.

How "comes from" is judged, forgiving what the app normalizes anyway:
    email            the address appears in the user's words (case aside)
    phone, mobile    its last 7-9 digits appear in a number the user typed ("010-1234-5678"
                     grounds "+821012345678")
    website          without scheme and "www." ("https://acme.com" from "acme.com")
    lifecyclestage   not checked: its values are a fixed list the service validates, and the
                     user names them in their own words ("고객" for "customer")
    anything else    contained in the user's words, case, spaces and punctuation aside
                     ("김" and "민준" from "김민준", "Sales Director" from "sales director")

**Truthful replies.** A model says "The title has been updated" with no tool call at all, or
"saved" when it only prepared a change that waits for Confirm. `claims_write` spots a reply that
says something was saved, created, updated or deleted; the loop then sends the agent's own
words instead (nothing was changed / the change waits for Confirm).

**Tool calls written as text.** Some models (Qwen2.5 1.5B among them) write the call as a bare or
fenced JSON object `{"name": ..., "arguments": {...}}` instead of using the tool-call channel.
`text_tool_call` reads such an answer as the call it is, when the name is one of the offered
tools, so a formatting slip does not end up shown to the user as JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_PHONE_RUN = re.compile(r"\+?\d[\d\s().\-]{5,}\d")
_PHONE_FIELDS = frozenset({"phone", "mobilephone"})
_UNCHECKED = frozenset({"lifecyclestage"})
_FENCE = re.compile(r"```[a-zA-Z]*\s*(.*?)\s*```", re.DOTALL)
_TAGS = re.compile(r"</?tool_call>")


def _compact(text: str) -> str:
    return _NOT_WORD.sub("", text.casefold())


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _site(value: str) -> str:
    value = re.sub(r"^[a-z]+://", "", value.strip().casefold())
    return _compact(value.removeprefix("www.").rstrip("/"))


class Grounding:
    """What the user said in this conversation, and what the tools have shown this turn: the
    only sources a written value may come from."""

    def __init__(self, user_messages: Iterable[str]) -> None:
        said = [m for m in user_messages if m]
        self._raw = " ".join(said).casefold()
        self._compact = _compact(self._raw)
        self._numbers = [_digits(m.group()) for s in said for m in _PHONE_RUN.finditer(s)]
        self._shown: set[str] = set()
        self._shown_compact: set[str] = set()

    def add_shown(self, values: Iterable[str]) -> None:
        """Values of a contact the tools returned (the model may copy them)."""
        for value in values:
            if value:
                self._shown.add(value.casefold().strip())
                self._shown_compact.add(_compact(value))

    def grounded(self, field: str, value: str) -> bool:
        value = value.strip()
        if not value or field in _UNCHECKED:
            return True
        if value.casefold() in self._shown or _compact(value) in self._shown_compact:
            return True
        if field in _PHONE_FIELDS:
            tail = _digits(value)[-9:]
            return len(tail) >= 7 and any(tail in n for n in self._numbers)
        if field == "email":
            return value.casefold() in self._raw
        needle = _site(value) if field == "website" else _compact(value)
        return bool(needle) and needle in self._compact

    def first_ungrounded(self, properties: Mapping[str, Any]) -> str | None:
        """The first field whose value did not come from the user or the tools, or None."""
        for field, value in properties.items():
            if isinstance(value, str) and not self.grounded(field, value):
                return field
        return None


def text_tool_call(content: str | None, tool_names: Collection[str]) -> tuple[str, str] | None:
    """(name, arguments JSON) when an answer's text is a tool call written out: the whole text
    a JSON object with a known "name" and "arguments" (or "parameters") object, optionally in
    a code fence or <tool_call> tags. None for anything else, which stays a text answer."""
    if not content:
        return None
    text = _TAGS.sub("", content).strip()
    fenced = _FENCE.findall(text)
    candidates = [text, *fenced] if len(fenced) <= 1 else [text]
    for candidate in candidates:
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        if not isinstance(data, dict) or data.get("name") not in tool_names:
            continue
        args = data.get("arguments", data.get("parameters", {}))
        if isinstance(args, str):
            try:
                args = json.loads(args or "{}")
            except ValueError:
                return None
        if isinstance(args, dict):
            return str(data["name"]), json.dumps(args, ensure_ascii=False)
    return None


_CLAIM_EN = re.compile(
    r"\b(?:has|have|had|was|were|is|are)\s+(?:now\s+|already\s+)?(?:been\s+)?"
    r"(?:successfully\s+)?"
    r"(?:updated|saved|created|added|changed|deleted|removed|confirmed)\b"
    r"|\bI(?:'ve|\s+have)?\s+(?:successfully\s+)?"
    r"(?:updated|saved|created|added|changed|deleted|removed|confirmed)\b",
    re.IGNORECASE,
)
_CLAIM_KO = re.compile(
    r"(?:업데이트|저장|생성|추가|변경|수정|삭제|등록|확인)(?:했|하였|되었|됐|완료)"
)


def claims_write(reply: str) -> bool:
    """Does the reply say a change was made ("has been updated", "I've added", "저장했습니다")?"""
    return bool(_CLAIM_EN.search(reply) or _CLAIM_KO.search(reply))
