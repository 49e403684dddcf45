"""Bot Framework `Storage` over the shared store (memory, SQLite or PostgreSQL: `store/`).

Why an adapter and not the SDK's stores: botbuilder ships MemoryStorage and cloud stores only,
and the same store also holds what the SDK has no notion of (write claims, processed activity
ids, the audit log), so state and those live side by side, chosen once (`store.open_store`).
eTags work as in the SDK's stores: a write that carries an eTag other than the stored one (and
not "*") raises, so two turns of one conversation on two instances cannot silently overwrite
each other; a write without an eTag is unconditional.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botbuilder.core import ConversationState, Storage, TurnContext

from ground.ids import conversation_key
from store import Store


def _as_dict(item: Any) -> dict[str, Any]:
    if isinstance(item, Mapping):
        return dict(item)
    if hasattr(item, "__dict__"):
        return {k: v for k, v in vars(item).items() if not k.startswith("_")}
    raise TypeError(f"cannot store a {type(item).__name__}; store a dict")


class StoreStorage(Storage):
    """Items are JSON dicts; each write gets a new eTag, which is also set on the item passed
    in, so a turn can save twice."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store

    async def read(self, keys: list[str]) -> dict[str, Any]:
        docs = await self._store.read(list(keys))
        return {key: {**doc.data, "e_tag": doc.etag} for key, doc in docs.items()}

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        items: dict[str, tuple[str | None, dict[str, Any]]] = {}
        for key, value in changes.items():
            data = _as_dict(value)
            items[key] = (data.pop("e_tag", None), data)
        etags = await self._store.write(items)
        for key, value in changes.items():  # the caller's copy now carries the stored eTag
            if isinstance(value, dict):
                value["e_tag"] = etags[key]
            elif hasattr(value, "__dict__"):
                value.e_tag = etags[key]

    async def delete(self, keys: list[str]) -> None:
        await self._store.delete(list(keys))


class ThreadedConversationState(ConversationState):
    """The SDK's ConversationState keyed by `channel_id` and the conversation as
    `ground.ids.conversation_key` names it: a Teams channel thread (`<channel>;messageid=<n>`)
    reads and writes its channel's state, so a card posted at the channel's root and a press
    on it that arrives from the thread find the same nonce and live cards."""

    def get_storage_key(self, turn_context: TurnContext) -> object:
        activity = turn_context.activity
        conversation = getattr(activity.conversation, "id", None)
        if not activity.channel_id or not conversation:
            return super().get_storage_key(turn_context)  # the SDK's own error
        return f"{activity.channel_id}/conversations/{conversation_key(str(conversation))}"
