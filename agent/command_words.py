"""The words typed commands are made of, English and Korean: verbs, field keywords, filler and
Korean particles. Kept as data, apart from the parser, so adding a synonym is a one-line change
that the case table in tests/test_typed_commands.py then checks."""

from __future__ import annotations

import re

# Verbs that open an English command (after optional politeness), longest phrase first.
EN_VERBS: list[tuple[tuple[str, ...], str]] = sorted(
    [
        (("find",), "search"),
        (("search",), "search"),
        (("search", "for"), "search"),
        (("look", "up"), "search"),
        (("lookup",), "search"),
        (("look", "for"), "search"),
        (("show",), "search"),
        (("show", "me"), "search"),
        (("list",), "search"),
        (("get",), "search"),
        (("who", "is"), "search"),
        (("find", "me"), "search"),
        (("who",), "search"),
        (("who", "are"), "search"),
        (("contacts",), "search"),
        (("anyone",), "search"),
        (("everyone",), "search"),
        (("add",), "create"),
        (("create",), "create"),
        (("new",), "create"),
        (("make",), "create"),
        (("register",), "create"),
        (("insert",), "create"),
        (("update",), "update"),
        (("change",), "update"),
        (("set",), "update"),
        (("edit",), "update"),
        (("modify",), "update"),
        (("fix",), "update"),
    ],
    key=lambda entry: -len(entry[0]),
)

POLITE = frozenset(
    {
        "please",
        "pls",
        "plz",
        "can",
        "could",
        "would",
        "you",
        "kindly",
        "hey",
        "hi",
        "hello",
        "i",
        "want",
        "to",
        "need",
        "i'd",
        "like",
    }
)

# Verbs as people mistype them: a first word this close to one of these is read as it
# (difflib ratio; "updat", "serch", "chnage"). Short verbs are left out: too many near words.
TYPO_VERBS = ("find", "search", "update", "change", "create", "lookup", "modify", "register")

# Small talk, answered in kind instead of "I didn't understand" (matched on the whole line,
# lower-cased, end punctuation removed).
GREETINGS = frozenset(
    {
        "hi",
        "hello",
        "hey",
        "hi there",
        "hello there",
        "hey there",
        "good morning",
        "good afternoon",
        "good evening",
        "yo",
        "hiya",
        "howdy",
        "안녕",
        "안녕하세요",
        "안녕하십니까",
        "하이",
        "반가워요",
        "반갑습니다",
        "좋은 아침",
    }
)
THANKS = frozenset(
    {
        "thanks",
        "thank you",
        "thx",
        "ty",
        "thanks a lot",
        "thank you so much",
        "thanks!",
        "great thanks",
        "ok thanks",
        "cheers",
        "perfect thanks",
        "many thanks",
        "감사합니다",
        "고마워",
        "고마워요",
        "고맙습니다",
        "감사해요",
        "땡큐",
        "감사",
        "ㄳ",
        "ㄱㅅ",
        "수고하세요",
        "수고했어요",
    }
)

# Questions about the bot itself: answered with the help card, without "I didn't understand".
HELP_QUESTIONS = frozenset(
    {
        "what can you do",
        "what do you do",
        "how does this work",
        "how do i use this",
        "how do i use you",
        "what are the commands",
        "show me what you can do",
        "options",
        "뭐 할 수 있어",
        "뭘 할 수 있어",
        "뭐 할 수 있어요",
        "뭘 할 수 있어요",
        "무엇을 할 수 있어요",
        "어떻게 써",
        "어떻게 사용해",
        "어떻게 사용하나요",
        "사용법 알려줘",
        "도와줘",
        "도와주세요",
    }
)

# Korean job titles typed after a company in `추가` lines ("한빛소프트 과장"): the title, not
# part of the company name.
KO_TITLES = frozenset(
    {
        "사원",
        "주임",
        "대리",
        "과장",
        "차장",
        "부장",
        "팀장",
        "실장",
        "이사",
        "상무",
        "전무",
        "부사장",
        "사장",
        "대표",
        "대표이사",
        "본부장",
        "매니저",
        "책임",
        "선임",
        "수석",
        "연구원",
        "팀원",
    }
)

# Korean verbs close the sentence: a stem and an optional polite / request ending.
KO_VERB_KINDS = {
    "찾": "search",
    "검색": "search",
    "조회": "search",
    "보여": "search",
    "알려": "search",
    "추가": "create",
    "등록": "create",
    "생성": "create",
    "만들": "create",
    "변경": "update",
    "수정": "update",
    "바꿔": "update",
    "바꾸": "update",
    "업데이트": "update",
    "고쳐": "update",
}
KO_VERB = re.compile(
    "^(?P<stem>" + "|".join(sorted(KO_VERB_KINDS, key=len, reverse=True)) + ")"
    "(?:해|하기|하다|해요|해줘|해주세요|해줄래|해봐|줘|주세요|줄래|아|아줘|아주세요|아봐|아봐줘"
    "|기|어|어줘|어주세요|봐|해주라|해줘요)?[.!?~]*$"
)

HELP_WORDS = frozenset(
    {"help", "?", "menu", "commands", "도움말", "도움", "사용법", "명령어", "메뉴", "헬프"}
)

# Words that carry no meaning in a command (matched after Korean particles are removed).
FILLERS = frozenset(
    {
        "contact",
        "contacts",
        "a",
        "an",
        "the",
        "me",
        "named",
        "called",
        "person",
        "people",
        "someone",
        "with",
        "all",
        "my",
        "our",
        "details",
        "info",
        "please",
        "new",
        "whose",
        "연락처",
        "좀",
        "사람",
        "정보",
        "해줘",
        "해",
        "줘",
        "주세요",
        "해주세요",
        "새",
        "새로",
        "고객",
        "부탁해",
        "부탁해요",
        "모든",
        "전부",
        "일하는",
        "다니는",
        "다",
        "것",
        "everyone",
        "everybody",
        "anyone",
        "anybody",
        "사람들",
        "직원",
        "직원들",
        "분",
        "분들",
        "목록",
        "리스트",
    }
)

CONNECTORS = frozenset({"to", "=", ":", "as", "is", "->", "→", "into"})

# Field keyword phrases (lower-case tokens) -> HubSpot property. "name" is split into first and
# last name for create/update and is the name criterion for search.
_FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "phone": (
        "phone",
        "phone number",
        "tel",
        "telephone",
        "office phone",
        "work phone",
        "landline",
        "전화",
        "전화번호",
        "연락처 번호",
        "번호",
        "회사 전화",
        "회사 전화번호",
        "사무실 전화",
        "유선전화",
    ),
    "mobilephone": (
        "mobile",
        "mobile phone",
        "mobile number",
        "cell",
        "cell phone",
        "휴대폰",
        "휴대폰 번호",
        "핸드폰",
        "휴대전화",
    ),
    "email": ("email", "e-mail", "email address", "mail", "이메일", "메일", "이메일 주소"),
    "firstname": ("first name", "firstname", "given name", "이름"),
    "lastname": ("last name", "lastname", "surname", "family name", "성"),
    "name": ("name", "full name", "성명", "성함"),
    "company": (
        "company",
        "company name",
        "organization",
        "organisation",
        "employer",
        "회사",
        "회사명",
        "소속",
        "직장",
    ),
    "jobtitle": (
        "title",
        "job title",
        "jobtitle",
        "position",
        "role",
        "직함",
        "직책",
        "직위",
        "직급",
    ),
    "website": ("website", "web site", "site", "url", "homepage", "웹사이트", "홈페이지", "사이트"),
    "city": ("city", "town", "도시"),
    "country": ("country", "nation", "국가", "나라"),
    "lifecyclestage": ("lifecycle stage", "lifecycle", "stage", "라이프사이클 단계", "단계"),
}
FIELDS: list[tuple[tuple[str, ...], str]] = sorted(
    ((tuple(words.split()), prop) for prop, phrases in _FIELD_WORDS.items() for words in phrases),
    key=lambda entry: -len(entry[0]),
)
# In a search, "at Acme" / "from Acme" / "in Seoul" name a field too (in an update value they
# are ordinary words: "Made in Korea").
SEARCH_FIELDS: list[tuple[tuple[str, ...], str]] = sorted(
    [
        *FIELDS,
        (("at",), "company"),
        (("from",), "company"),
        (("works", "at"), "company"),
        (("working", "at"), "company"),
        (("in",), "city"),
    ],
    key=lambda entry: -len(entry[0]),
)

# Field -> SearchCriteria slot; other fields search through raw HubSpot filters.
SEARCH_FIELD = {
    "email": "email",
    "mobilephone": "phone",
    "phone": "phone",
    "company": "company",
    "name": "name",
    "firstname": "name",
    "lastname": "name",
}

TWO_SYLLABLE_SURNAMES = frozenset(
    {"남궁", "제갈", "선우", "황보", "독고", "사공", "서문", "동방", "어금", "망절"}
)

# Korean particles, longest first. A word that is itself a keyword or filler is never cut
# (국가 ends in 가, but is "country").
_PARTICLES = (
    "으로",
    "에서",
    "에게",
    "이랑",
    "한테",
    "로",
    "을",
    "를",
    "은",
    "는",
    "의",
    "이",
    "가",
    "와",
    "과",
    "도",
    "에",
    "인",
    "랑",
    "께",
    "만",
)
_VALUE_PARTICLES = ("으로", "로", "을", "를", "인")
_KEEP = (
    frozenset(w for phrases in _FIELD_WORDS.values() for p in phrases for w in p.split())
    | FILLERS
    | HELP_WORDS
)
_HANGUL_END = re.compile("[\uac00-\ud7a3]+$")


def split_particle(word: str, *, value: bool = False) -> tuple[str, str]:
    """(`word` without its Korean particle, the particle); ('', particle) when `word` is only
    a particle; (word, '') when there is none. A value keeps its Hangul unless the ending is
    one that marks "to/as" (`서울로` -> `서울`), while after Latin or digits any particle goes
    (`Globex로`, `CTO를`, `Acme의`)."""
    if word in _PARTICLES:
        return "", word
    tail = _HANGUL_END.search(word)
    if not tail or word.lower() in _KEEP:
        return word, ""
    latin_before = tail.start() > 0
    for particle in _PARTICLES if latin_before or not value else _VALUE_PARTICLES:
        if word.endswith(particle) and len(word) > len(particle):
            stem = word[: -len(particle)]
            if latin_before and _HANGUL_END.search(stem):
                continue  # "Acme회사로": not a plain particle
            return stem, particle
    return word, ""
