"""The words typed commands are made of, English and Korean, as one declarative table: intents
and the words that name them, slots (contact fields) and theirs, and the filler around them.
Adding a synonym is a one-line change here that the case table in
tests/typed/test_typed_commands.py then checks. Korean verbs are stems; `typed.korean` adds
their endings and common typos.
"""

from __future__ import annotations

from dataclasses import dataclass

# The word tables read best as running text (each entry one phrase): not reformatted.
# fmt: off


@dataclass(frozen=True)
class Intent:
    en: tuple[str, ...] = ()  # phrases that open a line ("look up"), lower-case
    ko: tuple[str, ...] = ()  # verb stems that close one ("찾", "변경"), any ending after them
    anywhere: tuple[str, ...] = ()  # English words that name the intent wherever they stand
    nouns: tuple[str, ...] = ()  # words naming the thing asked for, anywhere (EN or KO)
    slot: str = ""  # the field a verb itself names ("moved to" -> company)


INTENTS: dict[str, Intent] = {
    "search": Intent(
        en=(
            "find", "find me", "search", "search for", "look up", "lookup", "look for",
            "looking for", "show", "show me", "list", "get", "get me", "pull up", "who", "who is",
            "who's", "who are", "whose", "who has", "who owns", "contacts", "anyone", "anybody",
            "everyone", "any", "is there", "are there", "do we have", "what", "what is", "which",
        ),
        ko=(
            "찾", "검색", "조회", "보여", "알려", "있어", "있나", "있니", "누구", "뭐예", "뭐야",
            "뭐지", "부탁",
        ),
    ),
    "create": Intent(
        en=("add", "create", "new", "make", "register", "insert"),
        ko=("추가", "등록", "생성", "만들", "넣어"),
    ),
    "update": Intent(
        en=("update", "change", "set", "edit", "modify", "fix", "correct"),
        ko=(
            "변경", "수정", "바꿔", "바꾸", "바꿨", "바뀌", "바뀜", "업데이트", "업뎃", "고쳐",
            "고치", "승진",
        ),
        anywhere=("update", "change", "fix", "edit", "correct"),
    ),
    # "moved to Initech", "강하늘 네이버로 이직했어요": an update that names its own field.
    "moved": Intent(
        en=("moved to", "now works at", "works at", "joined", "is now at"),
        ko=("이직", "옮겼"),
        slot="company",
    ),
}

# Korean lines that open a create without a verb: "새 연락처 홍길동 hong@example.com ...".
KO_NEW_CONTACT = (("새", "연락처"), ("새로운", "연락처"), ("신규", "연락처"), ("신규", "고객"),
                  ("새", "고객"), ("신규고객",))

# Jobs this bot does not do: each gets its own answer (what it can do instead).
UNSUPPORTED: dict[str, Intent] = {
    "delete": Intent(en=("delete", "remove", "erase"), ko=("삭제", "지워", "지우", "제거")),
    "merge": Intent(
        en=("merge", "combine", "dedupe"),
        ko=("병합", "합쳐", "합치", "통합"),
        anywhere=("merge", "dedupe"),
    ),
    "export": Intent(
        en=("export", "download"),
        ko=("내보내", "추출", "다운로드"),
        anywhere=("export", "download", "csv", "excel", "spreadsheet"),
        nouns=("엑셀", "csv"),
    ),
    "email": Intent(en=("send", "send an email", "write to"), ko=("보내", "발송")),
    "deals": Intent(nouns=("deal", "deals", "pipeline", "거래", "딜")),
    "notes": Intent(nouns=("note", "notes", "메모", "노트")),
}
# "send" is the email intent only when an email or a message is what is sent.
EMAIL_NOUNS = frozenset({"email", "e-mail", "mail", "message", "메일", "이메일", "메시지", "문자"})

# A contact's change history (admins only): "history jane@acme.com", "jane@acme.com 변경 이력".
# English phrases open the line; Korean ones stand before or after the contact, optionally
# followed by a request ending.
HISTORY_EN = ("change history", "edit history", "history", "audit log", "audit")
HISTORY_KO = ("변경 이력", "변경이력", "수정 이력", "수정이력", "변경 내역", "변경내역", "이력")
HISTORY_KO_ENDINGS = ("보여줘", "보여 줘", "보여주세요", "보여 주세요", "알려줘", "알려 줘",
                      "알려주세요", "알려 주세요", "조회", "확인")

# Answers to the waiting confirmation card, matched on the whole line.
ANSWERS: dict[str, tuple[str, ...]] = {
    "yes": (
        "yes", "y", "yep", "yeah", "yup", "ok", "okay", "k", "sure", "confirm", "confirmed",
        "go ahead", "do it", "save", "save it", "apply", "looks good", "correct", "right", "네",
        "예", "응", "어", "그래", "그래요", "좋아", "좋아요", "확인", "저장", "맞아", "맞아요",
        "맞습니다", "오케이", "ㅇㅇ", "ㅇㅋ", "넵", "넹", "웅", "진행", "적용",
    ),
    "no": (
        "no", "n", "nope", "nah", "cancel", "stop", "never mind", "nevermind", "don't", "dont",
        "abort", "forget it", "not now", "아니", "아니요", "아뇨", "아니오", "취소", "그만",
        "됐어", "됐어요", "안 해", "안해", "ㄴㄴ", "싫어", "중지", "하지 마", "하지마",
    ),
}
# Words that may go with an answer ("yes please", "네 저장해 주세요").
ANSWER_EXTRAS = frozenset(
    {
        "please", "thanks", "thank", "you", "it", "that", "go", "ahead", "do", "the", "change",
        "changes", "update", "mind", "never", "and", "pls", "now", "주세요", "해", "해줘", "해요",
        "해주세요", "할게요", "할게", "합니다", "할래요", "저장해", "저장", "진행해", "좀", "요",
        "그냥", "부탁해요", "변경", "수정",
    }
)

# Small talk, matched on the whole line (lower-case, end punctuation removed).
SMALL_TALK: dict[str, frozenset[str]] = {
    "hello": frozenset(
        {
            "hi", "hello", "hey", "hi there", "hello there", "hey there", "good morning",
            "good afternoon", "good evening", "yo", "hiya", "howdy", "안녕", "안녕하세요",
            "안녕하십니까", "하이", "반가워요", "반갑습니다", "좋은 아침", "how are you",
            "how are you doing", "how's it going", "how is it going", "잘 지내", "잘 지내요",
            "잘 지냈어", "잘 지냈어요",
        }
    ),
    "thanks": frozenset(
        {
            "thanks", "thank you", "thx", "ty", "thanks a lot", "thank you so much",
            "great thanks", "ok thanks", "cheers", "perfect thanks", "many thanks", "감사합니다",
            "고마워", "고마워요", "고맙습니다", "감사해요", "땡큐", "감사", "ㄳ", "ㄱㅅ",
            "수고하세요", "수고했어요",
        }
    ),
    "help": frozenset(
        {
            "what can you do", "what do you do", "how does this work", "how do i use this",
            "how do i use you", "what are the commands", "show me what you can do", "options",
            "뭐 할 수 있어", "뭘 할 수 있어", "뭐 할 수 있어요", "뭘 할 수 있어요",
            "무엇을 할 수 있어요", "어떻게 써", "어떻게 사용해", "어떻게 사용하나요",
            "사용법 알려줘", "도와줘", "도와주세요",
        }
    ),
}
HELP_WORDS = frozenset(
    {"help", "?", "menu", "commands", "도움말", "도움", "사용법", "명령어", "메뉴", "헬프"}
)

# Openers before the verb ("could you please find ...").
POLITE = frozenset(
    {
        "please", "pls", "plz", "can", "could", "would", "you", "kindly", "hey", "hi", "hello",
        "i", "want", "to", "need", "i'd", "i'm", "im", "like", "just", "quickly", "also", "ok",
        "okay", "so", "and", "now", "let's", "lets", "help",
    }
)

# English verbs as people mistype them: a first word this close to one of these is read as it
# (difflib ratio; "updat", "serch", "chnage"). Short verbs are left out: too many near words.
TYPO_VERBS = ("find", "search", "update", "change", "create", "lookup", "modify", "register")

# Word sequences that carry no meaning in a command, removed before the slots are read.
FILLER_PHRASES: tuple[tuple[str, ...], ...] = (
    ("in", "our", "crm"),
    ("in", "the", "crm"),
    ("in", "crm"),
    ("in", "hubspot"),
    ("in", "our", "hubspot"),
    ("in", "the", "system"),
    ("in", "our", "system"),
    ("in", "our", "database"),
    ("in", "the", "database"),
    ("do", "we", "know"),
    ("we", "know"),
    ("for", "me"),
    ("over",),
    ("우리", "crm"),
    ("crm",), ("hubspot",), ("허브스팟",),
)

# "my contacts", "내 연락처", "제 고객", "내가 담당하는 연락처": the contacts the user owns in
# HubSpot. A MINE word followed by an OWNED word (or a word starting with 담당) asks for them.
MINE = frozenset({"my", "내", "제", "나의", "저의"})
OWNED = frozenset(
    {
        "contacts", "contact", "leads", "customers", "clients", "accounts", "people",
        "연락처", "연락처들", "고객", "고객들", "리드", "거래처", "담당", "담당자들",
    }
)

# Words that carry no meaning in a command (matched after Korean particles are removed).
FILLERS = frozenset(
    {
        "contact", "contacts", "a", "an", "the", "me", "named", "called", "person", "people",
        "someone", "somebody", "with", "all", "my", "our", "details", "info", "please", "new",
        "whose", "everyone", "everybody", "anyone", "anybody", "customer", "client", "lead",
        "record", "his", "her", "their", "its", "him", "them", "for", "entry", "profile", "pls",
        "thanks", "again", "now", "also", "there", "has", "have", "owns", "do", "we", "know",
        "emails", "just", "are", "work", "customers", "clients",
        "연락처", "좀", "사람", "정보", "해줘", "해", "줘", "주세요", "해주세요",
        "새", "새로", "새로운", "고객", "신규", "신규고객", "고객님", "부탁해", "부탁해요", "모든",
        "전부", "다", "것", "거", "거야", "거예요", "건가요", "사람들", "분", "분들", "목록",
        "리스트", "씨", "님", "이", "그", "저", "혹시", "아는", "쓰는", "사용하는", "한번", "한",
        "번", "싶어", "싶어요", "싶은데", "싶은데요", "싶습니다", "싶다", "줄래", "줄래요",
        "주실래요", "주시겠어요", "주실", "수", "있을까요", "드려요", "드립니다", "요", "정보를",
        "데이터", "현황", "내용", "전체", "것좀", "빨리", "지금", "바로", "제", "내", "우리",
        "쪽의", "있는", "누구", "누가", "어떻게", "돼", "돼요", "되나요", "되세요", "되죠",
    }
)
# A capitalised word alone that is not a name ("Taylor" is searched for; "Why" is not).
NOT_ONE_NAME = frozenset(
    {
        "why", "what", "when", "where", "how", "who", "which", "hmm", "lol", "test", "testing",
        "nothing", "sorry", "wait", "maybe", "great", "cool", "nice", "awesome", "good", "bye",
        "goodbye", "hmmm", "oops", "huh", "wow", "done", "again", "next", "back", "more",
        "really", "what's", "whatever", "anything", "something", "nope", "ok", "okay",
    }
)
# "X 쪽", "X 담당자", "X 다니는 사람", "X에서 일하는": X is a company (search).
KO_COMPANY_MARKERS = frozenset({"쪽", "담당자", "직원", "직원들", "다니는", "일하는", "소속"})
# Korean cities: "서울에 있는 고객" is a city, "네이버에 아는 사람" a company.
KO_CITIES = frozenset(
    {
        "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "수원", "성남", "판교",
        "제주", "창원", "고양", "용인", "청주", "전주", "포항", "천안",
    }
)

# Between a field and its value: "title to CTO", "email is x", "title should be CTO".
CONNECTORS = frozenset(
    {
        "to", "=", ":", "as", "is", "->", "→", "into", "now", "should", "be", "will", "it's",
        "its", "it", "becomes", "was", "changed", "changes",
    }
)
# Connectors that make a verbless line an update: "Tom's phone is ...", "email: ...".
UPDATE_CONNECTORS = frozenset({"is", "=", ":", "->", "→", "should", "becomes", "now"})
# "Tom Lee's new phone", "정민호 새 번호": a new value follows.
NEW_MARKERS = frozenset({"new", "updated", "correct", "새", "새로운", "바뀐", "변경된", "새로"})

# Korean job titles typed after a company in `추가` lines ("한빛소프트 과장"): the title, not
# part of the company name.
KO_TITLES = frozenset(
    {
        "사원", "주임", "대리", "과장", "차장", "부장", "팀장", "실장", "이사", "상무", "전무",
        "부사장", "사장", "대표", "대표이사", "본부장", "매니저", "책임", "선임", "수석", "연구원",
        "팀원", "인턴", "센터장", "파트장", "그룹장",
    }
)
# Words that may be a title or a role rather than a name: a create with one is not certain.
NOT_NAMES = frozenset(
    {
        "new", "customer", "client", "lead", "manager", "sales", "vip", "prospect", "partner",
        "vendor", "supplier", "contact", "team", "office", "admin", "support", "ceo", "cto", "cfo",
        "director", "head", "mr", "ms", "mrs", "dr", "신규", "고객", "담당자", "거래처", "파트너",
        "업체", "협력사",
    }
    | KO_TITLES
)

# Words that make a group of a create a job title ("VP Sales", "Head of R&D", "영업 이사").
TITLE_WORDS = frozenset(
    {
        "vp", "svp", "evp", "avp", "president", "ceo", "cto", "cfo", "coo", "cmo", "cio", "cso",
        "chief", "head", "director", "manager", "lead", "engineer", "founder", "co-founder",
        "cofounder", "partner", "owner", "consultant", "analyst", "designer", "developer",
        "officer", "coordinator", "specialist", "associate", "representative", "rep",
        "executive", "senior", "junior", "principal", "intern", "architect", "administrator",
        "assistant", "advisor", "adviser", "recruiter", "accountant", "buyer", "sales",
        "marketing", "gm", "md",
    }
    | KO_TITLES
)
# The lines a pasted signature starts with ("Best regards,"): dropped, never a name.
SIGN_OFFS = frozenset(
    {
        "best", "best regards", "regards", "kind regards", "warm regards", "best wishes",
        "all the best", "thanks", "thank you", "many thanks", "cheers", "sincerely",
        "yours sincerely", "thanks and regards", "감사합니다", "고맙습니다", "드림", "올림",
    }
)

# Field keyword phrases (lower-case) -> HubSpot property. "name" is split into first and last
# name for create/update and is the name criterion for search.
FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "phone": (
        "phone", "phone number", "number", "tel", "telephone", "office phone", "work phone",
        "landline", "전화", "전화번호", "연락처 번호", "번호", "회사 전화", "회사 전화번호",
        "사무실 전화", "유선전화", "연락 번호",
    ),
    "mobilephone": (
        "mobile", "mobile phone", "mobile number", "cell", "cell phone", "cellphone", "휴대폰",
        "휴대폰 번호", "핸드폰", "핸드폰 번호", "휴대전화", "휴대전화 번호", "폰 번호",
    ),
    "email": (
        "email", "e-mail", "email address", "mail", "이메일", "메일", "이메일 주소", "메일 주소",
    ),
    "firstname": ("first name", "firstname", "given name", "이름"),
    "lastname": ("last name", "lastname", "surname", "family name", "성"),
    "name": ("name", "full name", "성명", "성함"),
    "company": (
        "company", "company name", "organization", "organisation", "employer", "회사", "회사명",
        "소속", "직장", "회사 이름",
    ),
    "jobtitle": (
        "title", "job title", "jobtitle", "position", "role", "직함", "직책", "직위", "직급",
    ),
    "website": ("website", "web site", "site", "url", "homepage", "웹사이트", "홈페이지", "사이트"),
    "city": ("city", "town", "도시"),
    "country": ("country", "nation", "국가", "나라"),
    "lifecyclestage": ("lifecycle stage", "lifecycle", "stage", "라이프사이클 단계", "단계"),
}
# In a search, "at Acme" / "from Acme" / "in Seoul" name a field too (in an update value they
# are ordinary words: "Made in Korea").
SEARCH_ONLY_FIELDS: dict[str, tuple[str, ...]] = {
    "company": ("at", "from", "works at", "working at", "over at", "with the company"),
    "city": ("in", "based in", "located in"),
}

# Field -> SearchCriteria slot; other fields search through raw HubSpot filters.
SEARCH_SLOT = {
    "email": "email",
    "mobilephone": "phone",
    "phone": "phone",
    "company": "company",
    "name": "name",
    "firstname": "name",
    "lastname": "name",
}

# "Acme, Inc.": a comma before one of these is part of the company name, not a separator.
COMPANY_SUFFIXES = frozenset(
    {"inc", "ltd", "llc", "corp", "co", "gmbh", "plc", "sa", "ag", "llp", "limited", "bv", "nv"}
)
# A dot after these is part of the word ("Inc.", "Jr."), not the end of the sentence.
ABBREVIATIONS = COMPANY_SUFFIXES | frozenset({"jr", "sr", "st", "dr", "mr", "ms", "mrs", "co"})
# fmt: on
