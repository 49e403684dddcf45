"""Common Korean family and given names, as data: so that a name wins where a name stands.

Why a list: many Korean given names are also words, some of them verbs the typed-command parser
knows (지우 "erase", 수정 "edit", 하늘 "sky", 보람 "worth"). "새 연락처 추가 한지우 ..." must
create 한지우, not read 지우 as "delete". A word that is a common family name followed by a
common given name is a name, whatever else its syllables spell. The lists were written for
this project from general knowledge of Korean naming (census rankings of family names, the
given names popular across the last decades); they are a heuristic, not a register: a name
missing here is still a name when nothing else reads it as a command.

Used by the parser (typed/) and the pasted-text reader; `contacts.korean` splits names.
"""

from __future__ import annotations

# The family names of most Koreans (roughly census order), then the two-syllable ones, and the
# spellings some families use (류, 라, 림, 리).
# fmt: off
FAMILY_NAMES: frozenset[str] = frozenset({
    "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권",
    "황", "안", "송", "전", "홍", "유", "고", "문", "양", "손", "배", "백", "허", "남", "심",
    "노", "하", "곽", "성", "차", "주", "우", "구", "나", "민", "진", "지", "엄", "채", "원",
    "천", "방", "공", "현", "함", "변", "염", "여", "추", "도", "소", "석", "선", "설", "마",
    "길", "연", "위", "표", "명", "기", "반", "왕", "금", "옥", "육", "인", "맹", "제", "모",
    "탁", "국", "어", "은", "편", "용", "예", "경", "봉", "사", "부", "가", "복", "태", "목",
    "형", "피", "두", "감", "호", "음", "빈", "동", "온", "시", "범", "좌", "팽", "승", "상",
    "간", "견", "류", "라", "림", "리", "란", "묵", "판", "뇌", "담", "당",
    "남궁", "제갈", "선우", "황보", "독고", "사공", "서문", "동방", "망절", "어금", "황목",
})

# Given names, the most common first: the ones given most across the last decades (births of
# the 1960s-2020s), boys' and girls' interleaved, then names that are also ordinary words.
GIVEN_NAMES: tuple[str, ...] = (
    "민준", "서연", "서준", "지우", "도윤", "서윤", "예준", "민서", "시우", "하은",
    "하준", "지유", "주원", "서현", "지호", "하윤", "지후", "윤서", "준우", "지민",
    "준서", "채원", "건우", "지윤", "도현", "은서", "현우", "수아", "지훈", "다은",
    "우진", "예은", "선우", "지아", "서진", "수빈", "민재", "소율", "현준", "예린",
    "연우", "지원", "유준", "소윤", "정우", "하린", "승우", "시은", "승현", "유진",
    "시윤", "채은", "준혁", "윤아", "은우", "유나", "지환", "가은", "승민", "서영",
    "유찬", "민지", "윤우", "예서", "민성", "수민", "준영", "다인", "시후", "수연",
    "진우", "예나", "수현", "서아", "재윤", "아린", "시현", "하연", "동현", "소연",
    "수호", "주아", "태윤", "지현", "민규", "다현", "재원", "유주", "한결", "나은",
    "민우", "은채", "재민", "시아", "은찬", "채윤", "윤호", "가윤", "시원", "지수",
    "이준", "세아", "민찬", "나윤", "지안", "서율", "시온", "아윤", "성민", "하율",
    "준호", "예원", "승준", "다온", "성현", "채아", "이안", "지율", "현서", "서우",
    "재현", "혜원", "지성", "민정", "태민", "수정", "민호", "지은", "태현", "지영",
    "민혁", "은지", "성준", "수진", "은호", "지혜", "규민", "혜진", "정민", "은정",
    "민수", "미정", "영수", "은영", "영호", "현정", "영철", "미영", "상훈", "미경",
    "성호", "영희", "성훈", "정희", "동훈", "경희", "정훈", "미숙", "재훈", "정숙",
    "상민", "순자", "동욱", "영자", "준석", "경숙", "민석", "현숙", "성진", "선영",
    "상우", "소영", "재영", "주희", "재성", "은주", "준수", "은경", "철수", "정은",
    "영민", "혜린", "광수", "다혜", "종수", "미란", "진호", "혜수", "진혁", "수경",
    "태호", "윤희", "태준", "지연", "현석", "유리", "형준", "은희", "경민", "경아",
    "기현", "미진", "대현", "영미", "대호", "세영", "병철", "민경", "상철", "은별",
    "승호", "하나", "용준", "주연", "우현", "은비", "원준", "보람", "은석", "하늘",
    "정호", "슬기", "종현", "아름", "창민", "나래", "성수", "다솜", "태웅", "한별",
    "동민", "새롬", "한솔", "가람", "바다", "누리", "이슬", "진주", "초롱", "소망",
    "사랑", "고은", "보배", "마루", "다운", "하람", "별하", "이룸", "단비", "예슬",
)
# fmt: on

_GIVEN = frozenset(GIVEN_NAMES)


def common_name_split(word: str) -> tuple[str, str] | None:
    """(family name, given name) when `word` is a common family name followed by a common
    given name ("한지우" -> 한 + 지우, "남궁민수" -> 남궁 + 민수); None otherwise."""
    for cut in (2, 1):
        family, given = word[:cut], word[cut:]
        if family in FAMILY_NAMES and given in _GIVEN:
            return family, given
    return None


def is_common_given_name(word: str) -> bool:
    return word in _GIVEN
