"""Questions, told apart before a line is read as a search: how to use the bot (the help card)
and questions that are not about contacts (a short "I only manage contacts").

Why before the search: a question's nouns are not contacts. "what's the weather in Seoul?"
searched for contacts in Seoul; "연락처 어떻게 추가해?" opened a create form for a contact
named 어떻게. A how-to question gets the help card (or, for a job this bot does not do, the
answer saying so); a question with no contact in it gets one line, never a search.
"""

from __future__ import annotations

import re

from typed.korean import is_common_name
from typed.slots import FIELDS, phrase_at
from typed.tokens import Tok

# The words of questions, as data in the shape of typed/words.py. How to use the bot, English:
# the line starts with one of these (after "hi,", "so", ...) and gets the help card.
# fmt: off
HOW_TO_EN = (
    "how do i", "how can i", "how should i", "how would i", "how could i", "how do we",
    "how can we", "how do you", "how can you", "how to", "how does this", "how does it",
    "how does the bot", "how does this bot", "what can you", "what do you do", "what can i",
    "what do i type", "what should i type", "what commands", "what are the commands",
    "what are your commands", "who are you", "what are you", "can you help",
    "is there a way to", "where do i start", "how can you help", "how do you work",
    "what is this bot", "what's this bot", "what does this bot do", "what does this do",
)
# ... and Korean: one of these words ("연락처 어떻게 추가해?", "추가하는 방법", "뭘 할 수 있어요?")
HOW_TO_KO = ("어떻게", "어케", "어떡해", "방법", "사용법", "쓰는 법", "하는 법", "쓰는법", "하는법")
HOW_TO_KO_CAN = (
    "뭘 할 수", "뭐 할 수", "무엇을 할 수", "뭐를 할 수", "무슨 일을", "할 수 있는 게",
    "할 수 있는 것", "무슨 기능", "어떤 기능", "기능이 뭐", "넌 뭐", "너는 뭐", "너 누구",
    "넌 누구", "너는 누구", "당신은 누구",
)
# Words of questions that are not about contacts: "what's the weather in Seoul?", "점심 뭐
# 먹을까?", "who won the game last night?". English ones count in lower case only (a capital
# mid-line is a name: "Lunch Box Inc").
OFF_TOPIC_EN = frozenset(
    {
        "weather", "forecast", "rain", "raining", "snow", "snowing", "temperature", "lunch",
        "dinner", "breakfast", "eat", "eating", "food", "restaurant", "restaurants", "recipe",
        "coffee", "game", "games", "score", "won", "win", "movie", "movies", "film", "music",
        "song", "songs", "news", "stock", "stocks", "bitcoin", "crypto", "joke", "jokes",
        "traffic", "flight", "flights", "hotel", "vacation", "holiday", "holidays", "sports",
        "football", "soccer", "baseball", "basketball", "election", "tonight", "yesterday",
        "tomorrow", "weekend", "poem", "translate", "time", "sky", "meaning", "capital",
    }
)
OFF_TOPIC_KO = frozenset(
    {
        "날씨", "기온", "비", "눈", "점심", "저녁", "아침", "밥", "맛집", "커피", "경기", "야구",
        "축구", "농구", "영화", "노래", "음악", "뉴스", "주식", "코인", "비트코인", "환율", "농담",
        "여행", "휴가", "주말", "내일", "어제", "오늘", "몇시", "시간", "배고파", "배고프다",
        "심심해", "심심하다", "졸려", "피곤해", "이겼어", "이겼어요", "졌어",
    }
)
OFF_TOPIC_KO_STEMS = ("먹", "마시", "이겼", "추천")  # 먹을까, 마실래, 이겼어?, 맛집 추천
# Questions that open with these and name nothing a contact has are not about contacts.
OFF_TOPIC_OPENERS = (
    "what's", "whats", "what is", "what are", "when", "where", "why", "how's", "how is",
    "how are", "which", "will", "would", "is it", "are we", "do you", "did", "should",
)
# Nouns that put a question about contacts: it is never off-topic with one of them.
CONTACT_NOUNS = frozenset(
    {
        "contact", "contacts", "customer", "customers", "client", "clients", "lead", "leads",
        "crm", "hubspot", "record", "records", "person", "people", "someone", "somebody",
        "colleague", "coworker", "연락처", "고객", "고객사",
        "담당자", "거래처", "직원", "리드", "허브스팟",
    }
)
# fmt: on

_LEAD = r"^(?:(?:hi|hey|hello|so|ok|okay|um|hmm|quick question|sorry)[,!.]?\s+)*"
_HOW_TO_EN = re.compile(
    _LEAD + r"(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in HOW_TO_EN) + r")\b"
)
_OPENER_EN = re.compile(
    _LEAD
    + r"(?:"
    + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in OFF_TOPIC_OPENERS)
    + r")\b"
)
_KO_HOW = re.compile("(?:" + "|".join(map(re.escape, HOW_TO_KO)) + r")(?!\s*(?:돼|되))")
_KO_CAN = re.compile("|".join(re.escape(p).replace(r"\ ", r"\s*") for p in HOW_TO_KO_CAN))


def question(line: str, tokens: list[Tok]) -> str:
    """ "help" for a how-to question about the bot, "off_topic" for a question (or request)
    that is not about contacts, "" for anything else."""
    text = " ".join(line.lower().split())
    if _HOW_TO_EN.match(text.replace("’", "'")) or _KO_HOW.search(text) or _KO_CAN.search(text):
        return "help"
    if _about_contacts(tokens):
        return ""
    words = [t for t in tokens if t.kind == "word"]
    for k, tok in enumerate(words):
        lower = tok.text[:1].islower() or k == 0 or not tok.key.isascii()
        if lower and (tok.key in OFF_TOPIC_EN or tok.stem in OFF_TOPIC_KO):
            return "off_topic"
        if tok.stem.startswith(OFF_TOPIC_KO_STEMS) and not tok.key.isascii():
            return "off_topic"
    asks = text.endswith("?") or _OPENER_EN.match(text)
    if asks and _OPENER_EN.match(text) and not any(t.text[:1].isupper() for t in words[1:]):
        return "off_topic"  # "why is the sky blue?": no name, no company, no field
    return ""


def _about_contacts(tokens: list[Tok]) -> bool:
    """An email, a phone number, a record id, a field, a contact noun or a Korean name."""
    for i, tok in enumerate(tokens):
        if tok.kind != "word":
            if tok.kind != "quoted":
                return True
            continue
        if tok.key in CONTACT_NOUNS or phrase_at(tokens, i, FIELDS) or is_common_name(tok.text):
            return True
    return False
