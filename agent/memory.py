"""The conversation's memory window: the last 5 user/assistant messages, at most 800 tokens by
`o200k_base` (bpe-openai), oldest dropped first. Stored as plain dicts in conversation state.

Why a window at all: every model call re-sends the history, so an unbounded one makes each turn
slower and dearer than the last. Tool calls and tool results never enter the window; they live
only inside the turn that made them (the bot keeps contacts it must remember, such as the ids
seen, in its own state).

The tokenizer takes about a second to import and load, so nothing happens at import time:
`load_encoding()` loads it on first use and keeps that one immutable encoding for the process.
Callers that count a lot (the window, the benchmark) may pass the encoding explicitly.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

ROLES = frozenset({"user", "assistant"})
ENCODING_NAME = "o200k_base"


class Encoding(Protocol):
    def encode_ordinary(self, text: str) -> list[int]: ...

    def decode(self, tokens: list[int]) -> str: ...


@functools.cache
def load_encoding() -> Encoding:
    """The `o200k_base` encoding, loaded once on first use (read-only, safe to share)."""
    with warnings.catch_warnings():
        # bpe-openai 0.1.4 reads its data with importlib.resources' deprecated open_binary;
        # harmless, and not ours to fix (pytest turns warnings into errors).
        warnings.filterwarnings("ignore", "open_binary is deprecated", DeprecationWarning)
        import bpe_openai  # deferred: importing it costs about a second

        encoding: Encoding = bpe_openai.get_encoding(ENCODING_NAME)
        return encoding


class Utf8Bytes:
    """A stand-in tokenizer for guided mode, where no model reads the history: one "token" per
    UTF-8 byte. Every o200k_base token is at least one byte, so a window cut to 800 of these holds
    at most 800 real tokens, and the second of loading and the memory of the real one are saved
    until a model is configured (the agent trims the window again with the real tokenizer)."""

    def encode_ordinary(self, text: str) -> list[int]:
        # surrogatepass: a lone surrogate (valid JSON, not text) counts instead of crashing
        return list(text.encode("utf-8", errors="surrogatepass"))

    def decode(self, tokens: list[int]) -> str:
        return bytes(tokens).decode("utf-8", errors="ignore")


def count_tokens(text: str, *, encoding: Encoding | None = None) -> int:
    """Tokens of `text` by `o200k_base`. Special-token text such as `<|endoftext|>` is counted as
    ordinary text, since that is what a user typing it sends."""
    if not text:
        return 0
    return len((encoding or load_encoding()).encode_ordinary(text))


def _clean(messages: Iterable[Any]) -> list[dict[str, str]]:
    """Keep only well-formed user/assistant messages: state written by an older version, or
    edited by hand, must not break a turn."""
    out: list[dict[str, str]] = []
    for m in messages or ():
        if isinstance(m, Mapping) and m.get("role") in ROLES and isinstance(m.get("content"), str):
            if m["content"]:
                out.append({"role": m["role"], "content": m["content"]})
    return out


class HistoryWindow:
    """The last `max_messages` user/assistant messages whose contents total at most `max_tokens`
    tokens. A single message longer than the whole budget is cut to fit rather than dropped, so
    the newest message always survives."""

    def __init__(
        self,
        messages: list[dict[str, str]] | None = None,
        *,
        max_messages: int = 5,
        max_tokens: int = 800,
        encoding: Encoding | None = None,
    ) -> None:
        if max_messages < 1 or max_tokens < 1:
            raise ValueError("a history window needs room for at least one message and token")
        self.max_messages = max_messages
        self.max_tokens = max_tokens
        self._encoding = encoding
        self._items: list[tuple[dict[str, str], int]] = []
        for m in _clean(messages or []):
            self._items.append((m, self._count(m["content"])))
        self._trim()

    @property
    def encoding(self) -> Encoding:
        if self._encoding is None:
            self._encoding = load_encoding()
        return self._encoding

    def _count(self, text: str) -> int:
        return count_tokens(text, encoding=self.encoding)

    def add(self, role: str, content: str) -> None:
        """Append a 'user' or 'assistant' message, then drop the oldest until both limits hold."""
        if role not in ROLES:
            raise ValueError(f"history holds only user and assistant messages, not {role!r}")
        if not content:
            return
        self._items.append(({"role": role, "content": content}, self._count(content)))
        self._trim()

    def _trim(self) -> None:
        while len(self._items) > self.max_messages:
            self._items.pop(0)
        while len(self._items) > 1 and self.tokens() > self.max_tokens:
            self._items.pop(0)
        if self._items and self.tokens() > self.max_tokens:
            message, _ = self._items[0]
            tokens = self.encoding.encode_ordinary(message["content"])
            # Keep the start (where people state what they want) and mark the cut; the marker
            # costs a token or two, so leave room for it.
            cut = self.encoding.decode(tokens[: max(self.max_tokens - 2, 0)]) + "…"
            while self._count(cut) > self.max_tokens and len(cut) > 1:
                cut = cut[:-2] + "…"
            self._items[0] = ({"role": message["role"], "content": cut}, self._count(cut))

    def tokens(self) -> int:
        """Total content tokens of the messages in the window."""
        return sum(n for _, n in self._items)

    def messages(self) -> list[dict[str, str]]:
        """[{role, content}, ...] oldest first: what goes to the model and into state."""
        return [dict(m) for m, _ in self._items]

    def __len__(self) -> int:
        return len(self._items)
