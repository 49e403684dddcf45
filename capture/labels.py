"""The words a signature or a business card is written with, English and Korean, in one place.

Everything the readers recognise by vocabulary is here: phone labels (which number is a mobile,
which the office, which a fax to leave out), field labels, closings, honorifics, job titles,
company forms, departments, places. The readers (block.py, names.py, table.py) hold rules only.
Words are lower-case; Korean words are matched as written.
"""

from __future__ import annotations

import re

# Phone labels -> the property the number goes to; None: a fax, never stored. The rank orders
# office numbers: a direct line beats the office's, which beats the company's main number.
MOBILE = "mobilephone"
OFFICE = "phone"
PHONE_LABELS: dict[str, tuple[str | None, int]] = {
    **dict.fromkeys(
        ("mobile", "mob", "m", "cell", "cellphone", "cell phone", "c", "hp", "h.p", "handphone")
        + ("mobile phone", "휴대폰", "핸드폰", "휴대전화", "휴대", "모바일", "hand phone"),
        (MOBILE, 0),
    ),
    **dict.fromkeys(("direct", "d", "dir", "direct line", "dl", "직통", "직통전화"), (OFFICE, 0)),
    **dict.fromkeys(
        ("tel", "t", "phone", "p", "ph", "office", "o", "work", "w", "off", "telephone")
        + ("전화", "전화번호", "사무실", "유선", "office phone"),
        (OFFICE, 1),
    ),
    **dict.fromkeys(("main", "대표", "대표전화", "대표번호", "switchboard"), (OFFICE, 2)),
    **dict.fromkeys(("fax", "f", "팩스", "fax no", "facsimile"), (None, 0)),
}
_LABEL_WORDS = sorted(PHONE_LABELS, key=len, reverse=True)
PHONE_LABEL = re.compile(
    r"(?<![a-z가-힣])(" + "|".join(re.escape(w) for w in _LABEL_WORDS) + r")(?:\s*번호)?"
    r"\s*(?:no\.?|#)?\s*[:.)\-]?\s*$",
    re.IGNORECASE,
)

# Labels of the other fields, as "Label: value" at a line's start.
FIELD_LABELS: dict[str, str] = {
    **dict.fromkeys(("name", "full name", "이름", "성명"), "name"),
    **dict.fromkeys(
        ("company", "organization", "organisation", "회사", "회사명", "소속"), "company"
    ),
    **dict.fromkeys(("title", "job title", "position", "role", "직함", "직책", "직위"), "jobtitle"),
    **dict.fromkeys(("address", "addr", "a", "주소", "소재지", "location"), "address"),
    **dict.fromkeys(("email", "e-mail", "e", "mail", "이메일", "메일", "전자우편"), "email"),
    **dict.fromkeys(("web", "website", "url", "site", "homepage", "홈페이지", "웹"), "website"),
    **dict.fromkeys(("city", "도시"), "city"),
    **dict.fromkeys(("country", "국가"), "country"),
}
FIELD_LABEL = re.compile(
    r"^\s*(" + "|".join(re.escape(w) for w in sorted(FIELD_LABELS, key=len, reverse=True)) + r")"
    r"\s*(?::|\.(?=\s)|\s(?=\S))\s*",
    re.IGNORECASE,
)

CLOSINGS = frozenset(
    "best regards|kind regards|warm regards|warmest regards|best wishes|regards|best|thanks|"
    "thank you|many thanks|thanks again|cheers|sincerely|yours sincerely|sincerely yours|"
    "yours truly|respectfully|all the best|br|with thanks|talk soon|"
    "감사합니다|고맙습니다|감사드립니다|수고하세요|좋은 하루 되세요|좋은 하루 보내세요".split("|")
)
KO_SIGN_OFFS = ("드림", "올림", "배상", "拜上")  # after the name: "김민수 드림"
GREETINGS = re.compile(r"^(hi|hello|hey|dear|good (morning|afternoon)|안녕하세요)\b", re.I)
HONORIFICS = frozenset("mr mrs ms miss mx dr prof sir madam 님 씨 귀하 선생님".split())
NAME_SUFFIXES = frozenset("phd ph.d md mba cpa esq jr sr ii iii iv pe cfa".split())

# Job titles. A piece with one of these words is a title, unless a company form ends it.
TITLE_WORDS = frozenset(
    "manager director engineer developer designer president vp svp evp avp ceo cto cfo coo "
    "cmo cio cpo ciso cro founder co-founder cofounder head lead officer specialist analyst "
    "consultant executive representative rep coordinator architect partner associate counsel "
    "attorney lawyer professor researcher scientist owner chair chairman chairwoman assistant "
    "administrator advisor adviser strategist editor producer recruiter principal intern "
    "accountant controller treasurer secretary supervisor technician agent broker planner "
    "buyer marketer writer evangelist chief programmer physician fellow geschäftsführer "
    "leiter leiterin vorstand directeur directrice gerente responsable".split()
)
KO_TITLES = tuple(
    sorted(
        (
            "사원 주임 대리 과장 차장 부장 팀장 실장 본부장 이사 상무 전무 부사장 사장 회장 "
            "부회장 대표 대표이사 전무이사 상무이사 연구원 선임연구원 책임연구원 수석연구원 "
            "주임연구원 전임연구원 매니저 프로 선임 책임 수석 파트장 그룹장 센터장 소장 원장 "
            "지점장 점장 교수 부교수 조교수 변호사 변리사 회계사 세무사 노무사 디자이너 개발자 "
            "엔지니어 컨설턴트 위원 연구위원 팀원 담당 과장대우 차장대우 프리랜서 번역가 통역사 "
            "작가 기자 강사 의사 약사 간호사 건축가 세무사 감정평가사 대표원장 마케터 기획자 "
            "디렉터 리더 어드바이저 에반젤리스트 애널리스트 스페셜리스트 코디네이터 프로듀서 PD "
            "CEO CTO CFO COO"
        ).split(),
        key=len,
        reverse=True,
    )
)
DEPARTMENT_WORDS = frozenset(
    "sales marketing engineering operations finance hr human resources product research "
    "development r&d partnerships business solutions strategy support customer success legal "
    "it communications procurement purchasing design data security growth people talent global "
    "international emea apac americas north south east west america asia pacific europe team "
    "department dept division unit platform infrastructure cloud enterprise accounts account "
    "services digital innovation corporate affairs public relations quality supply chain "
    "logistics manufacturing brand content media events field inside channel regional "
    "national experience acquisition revenue analytics insights transformation compliance risk "
    "training education learning of and & the for".split()
)
# What a Korean department is called without its 팀 / 부 (also: never a person's name).
KO_DEPARTMENT_WORDS = frozenset(
    "마케팅 영업 기획 개발 전략 경영 인사 재무 회계 총무 구매 생산 품질 연구 디자인 홍보 기술 "
    "사업 해외 국내 글로벌 고객 서비스 운영 지원 관리 교육 법무 감사 물류 제품 콘텐츠 데이터 "
    "보안 인프라 플랫폼 커머스 경영지원 신사업 사업개발".split()
)
# Endings no Korean name has: "인사팀" is a team, though 인 is a family name.
KO_TEAM_ENDINGS = ("팀", "본부", "사업부", "센터", "연구소", "부문", "파트")
KO_DEPARTMENT_ENDINGS = tuple("팀 본부 사업부 센터 연구소 실 부 부문 파트".split())

# Company forms: a strong one ends a company's name whatever comes before it.
STRONG_COMPANY = frozenset(
    "inc inc. incorporated llc l.l.c. ltd ltd. limited corp corp. corporation co. co.,ltd. "
    "co.,ltd co.ltd gmbh ag s.a. sas sa se bv b.v. n.v. nv pty plc llp lp k.k. oy ab".split()
)
WEAK_COMPANY = frozenset(
    "group holdings partners labs technologies technology systems bank university institute "
    "hospital foundation agency studio studios consulting capital ventures software networks "
    "company industries electronics motors pharma biotech media".split()
)
KO_COMPANY_MARKERS = (
    "주식회사",
    "(주)",
    "㈜",
    "유한회사",
    "(유)",
    "재단법인",
    "사단법인",
    "(재)",
    "법무법인",
    "회계법인",
)
KO_COMPANY_ENDINGS = tuple(
    "소프트 테크 랩스 컴퍼니 코리아 네트웍스 시스템즈 시스템 솔루션 바이오 에너지 물산 상사 "
    "통신 화학 자동차 중공업 카드 생명 화재 홀딩스 엔터테인먼트 미디어 전자 은행 증권 보험 건설 "
    "산업 제약 병원 대학교 그룹 디자인 파트너스 벤처스 캐피탈 로지스틱스 게임즈 푸드 모빌리티 "
    "연구원 재단 텔레콤 스튜디오 랩 공사 공단".split()
)

# Places: countries as people write them, and the cities a signature most often names.
COUNTRIES = frozenset(
    "korea|south korea|republic of korea|rep. of korea|대한민국|한국|usa|u.s.a.|us|united states|"
    "united states of america|canada|mexico|uk|u.k.|united kingdom|england|germany|france|spain|"
    "italy|netherlands|the netherlands|switzerland|sweden|norway|denmark|finland|ireland|"
    "belgium|austria|poland|japan|china|taiwan|hong kong|singapore|vietnam|thailand|india|"
    "indonesia|malaysia|philippines|australia|new zealand|brazil|israel|uae|"
    "united arab emirates|미국|일본|중국|독일|영국|프랑스|싱가포르|캐나다|호주".split("|")
)
CITIES = frozenset(
    "seoul|busan|incheon|daegu|daejeon|gwangju|ulsan|suwon|seongnam|pangyo|jeju|new york|"
    "san francisco|los angeles|seattle|boston|chicago|austin|san jose|palo alto|mountain view|"
    "london|berlin|munich|paris|amsterdam|dublin|zurich|stockholm|tokyo|osaka|singapore|"
    "hong kong|shanghai|beijing|sydney|melbourne|toronto|vancouver".split("|")
)
KO_METROS = {
    "서울특별시": "서울",
    "서울시": "서울",
    "서울": "서울",
    "부산광역시": "부산",
    "부산": "부산",
    "대구광역시": "대구",
    "대구": "대구",
    "인천광역시": "인천",
    "인천": "인천",
    "광주광역시": "광주",
    "대전광역시": "대전",
    "대전": "대전",
    "울산광역시": "울산",
    "울산": "울산",
    "세종특별자치시": "세종",
    "세종시": "세종",
}
KO_PROVINCES = frozenset(
    "경기도 경기 강원도 강원특별자치도 강원 충청북도 충북 충청남도 충남 전라북도 전북특별자치도 "
    "전북 전라남도 전남 경상북도 경북 경상남도 경남 제주특별자치도 제주도 제주".split()
)
STREET_WORDS = re.compile(
    r"\b(street|st\.|avenue|ave\.?|road|rd\.|boulevard|blvd\.?|suite|ste\.?|floor|fl\.|"
    r"building|bldg\.?|tower|drive|dr\.|lane|way|plaza|square|[a-z]{1,30}-(?:ro|gil|daero|gu|dong))\b"
    r"|\d{1,6}\s*(?:층|호|번지)|[가-힣]{1,20}(?:로|길|대로)\s*\d",
    re.IGNORECASE,
)
# "CA 94105", "ON M5X 1A9": a state or province and its postal code; the city comes before.
STATE_POSTAL = re.compile(r"^[A-Z]{2}\s+(?:\d{5}(?:-\d{4})?|[A-Z]\d[A-Z]\s?\d[A-Z]\d)$")

SOCIAL_DOMAINS = (
    "linkedin.com twitter.com x.com facebook.com fb.com instagram.com youtube.com youtu.be "
    "github.com t.me tiktok.com open.kakao.com pf.kakao.com blog.naver.com medium.com "
    "threads.net calendly.com".split()
)
SOCIAL_WORDS = re.compile(
    r"^(follow us|connect with me|find us on|linkedin|twitter|facebook|instagram|kakaotalk)\b",
    re.IGNORECASE,
)
WEB_TLDS = frozenset(
    "com net org io co kr ai dev app biz info us uk de jp eu me tech cloud xyz so gg tv fr "
    "nl ch se sg hk au ca cn tw in".split()
)
LABEL_WORDS = frozenset(PHONE_LABELS) | frozenset(FIELD_LABELS) | {"tel/fax", "t/f", "www"}


def is_label(word: str) -> bool:
    """A label word on its own ("E:", "Tel.", "휴대폰"), whatever it labels."""
    return word.lower().rstrip(":.)") in LABEL_WORDS


# The command a paste may follow ("add" + a signature, "새 연락처" + a card): not a field.
COMMAND = re.compile(
    r"^\s*(?:(?:add|create)\b(?:\s+(?:a\s+)?(?:new\s+)?contacts?\b)?|new\s+contacts?\b)"
    r"\s*[:\-]?\s*"
    r"|^\s*(?:새\s*연락처|연락처\s*(?:추가|등록)|추가|등록)(?![가-힣])\s*[:\-]?\s*",
    re.IGNORECASE,
)


# Lines a reader never reads a field from: mail clients' tags, registration numbers.
NOISE_LINE = re.compile(
    r"^(sent from my|get outlook for|please consider the environment|사업자\s*등록\s*번호|"
    r"business registration)",
    re.IGNORECASE,
)
DISCLAIMER = re.compile(
    r"confidential|intended recipient|privileged|disclaimer|this e-?mail and any|"
    r"기밀|비밀 정보|수신인|수신자|무단|법적 (?:책임|제재)|잘못 (?:전달|수신)",
    re.IGNORECASE,
)
QUOTE_START = re.compile(
    r"^\s*(?:on\s.+\bwrote:\s*$|-{2,}\s*(?:original message|forwarded message|원본 메시지|"
    r"전달된 메시지)\s*-{2,}|_{10,}\s*$|(?:from|보낸 사람)\s*:\s.+|.*님이 작성:\s*$)",
    re.IGNORECASE,
)
