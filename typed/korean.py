"""Korean morphology for typed commands: particles, verb endings and typos, and words typed
without spaces ("이하늘회사를카카오로바꿔줘" -> 이하늘 / 회사를 / 카카오로 / 바꿔줘).

Why a table and not a morphological analyser: commands are short and use few verbs; a stem
table plus the syllables endings are made of covers what people type ("찾아줘", "찾아 주세요",
"검색해줘", "등록하고 싶어요", "바뀌었어요"), and a one-letter (jamo) slip in a verb's stem
("찿아줘", "수졍해줘", "검섹") is still read as that verb.
"""

from __future__ import annotations

import re

from contacts.korean import is_hangul
from contacts.korean_names import common_name_split
from typed.words import FIELD_WORDS, FILLERS, HELP_WORDS, INTENTS, UNSUPPORTED

# Particles, longest first. A word that is itself a keyword or filler is never cut (국가 ends in
# 가, but is "country"). 님 and 씨 are honorifics, cut like particles ("김민준님").
PARTICLES = (
    "에게서",
    "으로는",
    "한테서",
    "으로",
    "에서",
    "에게",
    "이랑",
    "한테",
    "께서",
    "로는",
    "에는",
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
    "님",
    "씨",
    "이에요",
    "예요",
    "입니다",
    "이야",
    "인가요",
    "야",
)
# After Hangul, only these endings are cut from a value: they mark "to / as" (`서울로`).
VALUE_PARTICLES = ("으로", "로", "을", "를", "인")
# Particles that never end a name (a name may end in 은, 이, 인...: 김지은, 정해인).
CLEAR_NAME_PARTICLES = frozenset(
    {"을", "를", "의", "에게", "한테", "님", "씨", "께", "에서", "으로", "로", "께서", "에게서"}
)
_KEEP = (
    frozenset(w for phrases in FIELD_WORDS.values() for p in phrases for w in p.split())
    | FILLERS
    | HELP_WORDS
)
_HANGUL_END = re.compile("[\uac00-\ud7a3]+$")

# Verb stems -> intent name (INTENTS and UNSUPPORTED share one namespace of names).
VERB_STEMS: dict[str, str] = {
    stem: name
    for table in (INTENTS, UNSUPPORTED)
    for name, intent in table.items()
    for stem in intent.ko
}
_STEMS_LONGEST_FIRST = sorted(VERB_STEMS, key=len, reverse=True)
# Stems whose one-letter slips are still read as them ("찿아줘", "검섹", "수졍").
TYPO_STEMS = ("찾", "검색", "조회", "추가", "등록", "변경", "수정", "바꿔", "업데이트", "삭제")
# Whole-syllable slips people make in verbs: written as heard, or a neighbouring key.
_SPELLINGS = (
    ("차자", "찾아"),
    ("차저", "찾아"),
    ("바꺼", "바꿔"),
    ("바까", "바꿔"),
    ("바궈", "바꿔"),
)
# What verb endings are made of: 해줘, 해 주세요, 하고 싶어요, 했어요, 아봐줘, 주실래요 ...
_ENDING = re.compile(
    "^[해하헤줘주조쥬져죠저세요기다고싶어아은데려는할래게봐라했됐되었습니까드실시겠음줄야지나"
    "임함돼서면든던냐예에용염볼수있을거같죵여요]{0,9}$"
)
_TRAILING = "?!.~,;:"


def split_particle(word: str, *, value: bool = False) -> tuple[str, str]:
    """(`word` without its Korean particle, the particle); ('', particle) when `word` is only
    a particle; (word, '') when there is none. A value keeps its Hangul unless the ending is
    one that marks "to/as" (`서울로` -> `서울`), while after Latin or digits any particle goes
    (`Globex로`, `CTO를`, `Acme의`)."""
    if word in PARTICLES:
        return "", word
    tail = _HANGUL_END.search(word)
    if not tail or word.lower() in _KEEP:
        return word, ""
    latin_before = tail.start() > 0
    for particle in PARTICLES if latin_before or not value else VALUE_PARTICLES:
        if word.endswith(particle) and len(word) > len(particle):
            stem = word[: -len(particle)]
            if latin_before and _HANGUL_END.search(stem) and not value:
                continue  # "Acme회사로": not a plain particle (as a value: "Acme회사")
            return stem, particle
    return word, ""


def name_stem(word: str) -> str:
    """`김민수를` -> `김민수`, `김민준님` -> `김민준`; 김지은 keeps its 은 (a two-syllable stem
    before an ending that names end in too is read as the whole name)."""
    stem, particle = split_particle(word)
    if not particle or not is_hangul(stem) or not 1 <= len(stem) <= 4:
        return word
    if common_name_split(word) and not common_name_split(stem):
        return word  # 남궁지은, 황보은: the 은 is the name's
    if len(stem) >= 3 or particle in CLEAR_NAME_PARTICLES:
        return stem
    return word


def is_common_name(word: str) -> bool:
    """`한지우`, `김수정님`, `이하늘을`: a common family name and a common given name (the
    particle or honorific off). Such a word is a name, even when its syllables spell a verb."""
    return (
        common_name_split(word) is not None
        or common_name_split(split_particle(word)[0]) is not None
    )


def _jamo(syllable: str) -> tuple[int, int, int]:
    code = ord(syllable) - 0xAC00
    return code // 588, (code % 588) // 28, code % 28


def _slips(a: str, b: str) -> int:
    """How many letters (jamo) differ between two Hangul strings of equal length."""
    if len(a) != len(b) or not (is_hangul(a) and is_hangul(b)):
        return 99
    pairs = zip(a, b, strict=True)
    return sum(x != y for p, q in pairs for x, y in zip(_jamo(p), _jamo(q), strict=True))


def verb(word: str) -> str | None:
    """The intent a Korean verb form names (`찾아줘` -> search, `등록하고` -> create,
    `삭제해` -> delete), or None."""
    word = word.rstrip(_TRAILING)
    if not word or not is_hangul(word[0]):
        return None
    for heard, meant in _SPELLINGS:
        if word.startswith(heard):
            word = meant + word[len(heard) :]
    for stem in _STEMS_LONGEST_FIRST:
        if word.startswith(stem) and _ENDING.match(word[len(stem) :]):
            return VERB_STEMS[stem]
    for stem in TYPO_STEMS:
        rest = word[len(stem) :]
        if (rest or len(stem) > 1) and _ENDING.match(rest) and _slips(word[: len(stem)], stem) == 1:
            return VERB_STEMS[stem]
    return None


# Field words and fillers found inside an unspaced run ("이하늘회사를카카오로").
_INNER_WORDS = sorted(
    {
        p
        for prop, phrases in FIELD_WORDS.items()
        if prop not in ("lastname", "firstname", "name")
        for p in phrases
        if " " not in p and is_hangul(p) and len(p) >= 2
    }
    | {"연락처", "이름"},
    key=len,
    reverse=True,
)


def segment(chunk: str) -> list[tuple[int, int]]:
    """Where the words of an unspaced Korean run are, as (start, end) offsets into `chunk`: a
    verb at its end is split off, then field words before it (`이하늘회사를카카오로바꿔줘`).
    A run with no verb at its end is one word."""
    core = chunk.rstrip(_TRAILING)
    if len(core) < 3 or verb(core) or core.lower() in _KEEP or is_common_name(core):
        return [(0, len(chunk))]
    for i in range(1, len(core) - 1):
        if is_hangul(core[i]) and verb(core[i:]):
            return _nouns(core, 0, i) + [(i, len(chunk))]
    return [(0, len(chunk))]


def _nouns(text: str, start: int, end: int) -> list[tuple[int, int]]:
    part = text[start:end]
    for word in _INNER_WORDS:
        at = part.find(word, 1)
        if at < 0:
            continue
        after = at + len(word)
        particle = next((p for p in PARTICLES if part.startswith(p, after)), "")
        rest = part[after + len(particle) :]
        if rest and len(rest) < 2:
            continue  # "서울도시가스": a company name, not 도시 + particle
        pieces = [(start, start + at), (start + at, start + after + len(particle))]
        return pieces + (_nouns(text, start + after + len(particle), end) if rest else [])
    return [(start, end)]
