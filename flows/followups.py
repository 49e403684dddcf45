"""A line that gives one more value for the contact being talked about, read without a model.

After "add a contact named Sara Lind" the next line is often just "her email is
sara.lind@fjord.no", "his job title is Head Chef", "이메일은 haneul.song@gureum.kr 이에요" or
"직함은 영업팀장이에요". The typed parser reads whole commands, not such follow-ups, and a model
is slow for them (and on a busy machine may not answer at all). So this reads the one shape:

    (his | her | their | its | the) <field> is <value>        English
    <field>(은 | 는 | 이 | 가) <value>(이에요 | 예요 | 입니다 | 요)   Korean

and flows/commands.py adds the value to the new contact waiting for Create (shown again, still
waiting), or prepares it as an update of the one contact in focus (its Confirm card). Anything
else (no field it knows, a value that reads as a sentence, several contacts in focus) goes on to
the model as before.
"""

from __future__ import annotations

import re

from flows.certainty import clean_value

_EN = re.compile(
    r"^(?:and\s+|also\s+)?(?:his|her|their|its|the)\s+(?P<label>[a-z][a-z\- ]*?)\s+"
    r"(?:is|are|will be|should be)\s+(?:now\s+)?(?P<value>.+?)(?:\s+now)?\s*[.!]?$",
    re.IGNORECASE,
)
_KO = re.compile(
    r"^(?:그분|그 사람|그분의|그 사람의)?\s*(?P<label>[가-힣]+?)(?:은|는|이|가)\s+"
    r"(?P<value>.+?)\s*(?:이에요|예요|입니다|이고요|이요|요)?\s*[.!]?$"
)
_KO_TIGHT = re.compile(
    r"^(?P<label>[가-힣]+?)(?:은|는)\s*(?P<value>[^\s].*?)(?:이에요|예요|입니다)\s*[.!]?$"
)
_FIELDS = {
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "phone": "phone",
    "phone number": "phone",
    "number": "phone",
    "mobile": "mobilephone",
    "mobile number": "mobilephone",
    "cell": "mobilephone",
    "job title": "jobtitle",
    "title": "jobtitle",
    "position": "jobtitle",
    "role": "jobtitle",
    "company": "company",
    "employer": "company",
    "city": "city",
    "website": "website",
    "이메일": "email",
    "메일": "email",
    "이메일 주소": "email",
    "전화": "phone",
    "전화번호": "phone",
    "번호": "phone",
    "휴대폰": "mobilephone",
    "휴대전화": "mobilephone",
    "직함": "jobtitle",
    "직책": "jobtitle",
    "회사": "company",
    "소속": "company",
    "도시": "city",
    "웹사이트": "website",
}


def follow_up(message: str) -> dict[str, str]:
    """{field: value} when the line only gives one value of a known field; {} otherwise."""
    line = " ".join(message.split())
    for pattern in (_EN, _KO_TIGHT, _KO):
        match = pattern.match(line)
        if match is None:
            continue
        field = _FIELDS.get(match["label"].strip().lower())
        value = match["value"].strip().strip(".,!")
        if field is not None and _plausible(field, value):
            return {field: value}
    return {}


def _plausible(field: str, value: str) -> bool:
    if not value or len(value) > 100:
        return False
    if field == "email":
        return bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value))
    if field in ("phone", "mobilephone"):
        return len(re.sub(r"\D", "", value)) >= 7 and not re.search(r"[A-Za-z가-힣]", value)
    return len(value.split()) <= 5 and clean_value(value)
