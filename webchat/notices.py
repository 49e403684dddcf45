"""What the channel itself says in the chat when it refuses a message, in English and Korean.

The HTTP error tells the client; Web Chat only shows "Send failed", so the channel also puts a
short explanation into the conversation, in the conversation's language.
"""

from __future__ import annotations

NOTICES: dict[str, dict[str, str]] = {
    "too_long": {
        "en": "That message is too long ({length} characters; the limit is {limit}). "
        "Please shorten it and send it again.",
        "ko": "메시지가 너무 길어요({length}자, 최대 {limit}자). 줄여서 다시 보내 주세요.",
    },
    "too_large": {
        "en": "That message is too large to send. Please send less at once.",
        "ko": "메시지가 너무 커서 보낼 수 없어요. 한 번에 조금씩 보내 주세요.",
    },
    "bad_unicode": {
        "en": "That message holds characters that are not valid text (a broken emoji or a "
        "lone surrogate), so it was not sent. Please type it again.",
        "ko": "메시지에 올바르지 않은 문자(깨진 이모지 등)가 있어 보내지 못했어요. "
        "다시 입력해 주세요.",
    },
    "rate_limited": {
        "en": "You are sending messages too quickly (at most {limit} a minute). "
        "Please wait {seconds} seconds and try again.",
        "ko": "메시지를 너무 빨리 보내고 있어요(1분에 최대 {limit}개). "
        "{seconds}초 후에 다시 시도해 주세요.",
    },
}


def language(locale: str | None) -> str:
    return "ko" if (locale or "").lower().startswith("ko") else "en"


def notice(key: str, locale: str | None, **values: object) -> str:
    return NOTICES[key][language(locale)].format(**values)
