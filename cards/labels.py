"""Words that appear on cards: field labels, validation reasons and card captions, en + ko.

Kept apart from `strings.py` (what the bot says in chat) because these are short labels a
translator checks side by side with the card, and because the bot needs field labels and
reasons to build its own messages (`invalid_field`, the confirmation card).
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("en", "ko")

# Every editable property (contacts.model.EDITABLE_PROPERTIES), the read-only ones a card shows,
# and the search-only inputs.
FIELD_LABELS: dict[str, dict[str, str]] = {
    "firstname": {"en": "First name", "ko": "이름"},
    "lastname": {"en": "Last name", "ko": "성"},
    "email": {"en": "Email", "ko": "이메일"},
    "phone": {"en": "Phone", "ko": "전화번호"},
    "mobilephone": {"en": "Mobile phone", "ko": "휴대폰 번호"},
    "company": {"en": "Company", "ko": "회사"},
    "jobtitle": {"en": "Job title", "ko": "직함"},
    "website": {"en": "Website", "ko": "웹사이트"},
    "city": {"en": "City", "ko": "도시"},
    "country": {"en": "Country", "ko": "국가"},
    "lifecyclestage": {"en": "Lifecycle stage", "ko": "라이프사이클 단계"},
    "createdate": {"en": "Created", "ko": "생성일"},
    "lastmodifieddate": {"en": "Last modified", "ko": "최종 수정일"},
    "hs_object_id": {"en": "Record ID", "ko": "레코드 ID"},
    "hubspot_owner_id": {"en": "Owner", "ko": "담당자"},
    "owner_email": {
        "en": "Owner's email (empty: you)",
        "ko": "담당자 이메일 (비워 두면 본인)",
    },
    "name": {"en": "Name", "ko": "이름"},
    "text": {"en": "Anything else (free text)", "ko": "기타 검색어"},
    "query": {"en": "Email or name", "ko": "이메일 또는 이름"},
    "*": {"en": "Changes", "ko": "변경 내용"},
}

# InvalidContact.reason_code -> why, said after the field label ("Email: not a valid ...").
REASONS: dict[str, dict[str, str]] = {
    "invalid_email": {"en": "not a valid email address", "ko": "올바른 이메일 주소가 아니에요"},
    "invalid_phone": {
        "en": "not a valid phone number (include the country code, e.g. +82)",
        "ko": "올바른 전화번호가 아니에요 (국가 번호 포함, 예: +82)",
    },
    "too_long": {"en": "too long", "ko": "너무 길어요"},
    "unknown_property": {
        "en": "not a field this assistant can change",
        "ko": "이 도우미가 바꿀 수 없는 항목이에요",
    },
    "read_only": {"en": "read-only, it cannot be changed", "ko": "읽기 전용이라 바꿀 수 없어요"},
    "empty": {"en": "no value given", "ko": "값이 비어 있어요"},
    "invalid_value": {"en": "not an accepted value", "ko": "허용되지 않는 값이에요"},
    # A typed create's doubtful values (the parser's, not HubSpot's): the form asks to check.
    "doubt_name": {
        "en": "check that this is the name (a job title or a company may be in it)",
        "ko": "이름이 맞는지 확인해 주세요(직함이나 회사명이 섞였을 수 있어요)",
    },
    "doubt_phone": {
        "en": "two numbers were given; check which is the phone and which the mobile",
        "ko": "번호가 두 개예요. 전화번호와 휴대폰 번호가 맞는지 확인해 주세요",
    },
    "doubt_company": {
        "en": "check the company; some words could go in more than one field",
        "ko": "회사명을 확인해 주세요. 어느 항목인지 확실하지 않은 단어가 있어요",
    },
    "invalid_characters": {
        "en": "it contains characters that are not text; please type it again",
        "ko": "글자가 아닌 문자가 들어 있어요. 다시 입력해 주세요",
    },
    # The portal's own validation rules (contacts.portal_rules), before a save or in
    # HubSpot's VALIDATION_ERROR: what the portal asks for, in words.
    "required": {
        "en": "required in your HubSpot; please fill it in",
        "ko": "HubSpot에서 필수로 정한 항목이에요. 입력해 주세요",
    },
    "too_short": {"en": "too short for your HubSpot's rules", "ko": "HubSpot 규칙보다 짧아요"},
    "invalid_format": {
        "en": "not in the format your HubSpot requires",
        "ko": "HubSpot에서 요구하는 형식이 아니에요",
    },
    "invalid_url": {
        "en": "not a web address (start it with https://)",
        "ko": "웹 주소가 아니에요 (https://로 시작해 주세요)",
    },
    "phone_needs_country_code": {
        "en": "your HubSpot needs the country code (e.g. +1 415 555 0100)",
        "ko": "HubSpot에서 국가 번호가 필요해요 (예: +82 10-1234-5678)",
    },
}

# Card captions. `{...}` are filled with str.format.
UI: dict[str, dict[str, str]] = {
    "app_title": {"en": "HubSpot Contact Assistant", "ko": "HubSpot 연락처 도우미"},
    "welcome_intro": {
        "en": "I search, create and update your HubSpot contacts right here in the chat.",
        "ko": "채팅에서 바로 HubSpot 연락처를 검색하고, 만들고, 수정해 드려요.",
    },
    "btn_search": {"en": "Search contacts", "ko": "연락처 검색"},
    "btn_create": {"en": "Create contact", "ko": "연락처 만들기"},
    "btn_update": {"en": "Update contact", "ko": "연락처 수정"},
    "use_form": {"en": "Use a form", "ko": "양식으로 입력"},
    "search_title": {"en": "Search contacts", "ko": "연락처 검색"},
    "search_intro": {
        "en": "Fill in any fields; all of them must match.",
        "ko": "아무 항목이나 입력하세요. 입력한 조건을 모두 만족하는 연락처를 찾아요.",
    },
    "search_submit": {"en": "Search", "ko": "검색"},
    "my_contacts": {"en": "My contacts", "ko": "내 연락처"},
    "results_title": {"en": "Search results", "ko": "검색 결과"},
    "results_range": {
        "en": "Showing {first}–{last} of {total}",
        "ko": "전체 {total}개 중 {first}–{last}",
    },
    "results_one": {"en": "Showing {first} of {total}", "ko": "전체 {total}개 중 {first}번째"},
    "results_none": {"en": "No contacts matched.", "ko": "일치하는 연락처가 없어요."},
    "more": {"en": "More results", "ko": "결과 더 보기"},
    "open_hubspot": {"en": "Open in HubSpot", "ko": "HubSpot에서 열기"},
    "row_update": {"en": "Update", "ko": "수정"},
    "row_pick": {"en": "Choose", "ko": "선택"},
    "row_show": {"en": "Show", "ko": "보기"},
    "near_title": {"en": "Did you mean…?", "ko": "이 중에 찾으시는 분이 있나요?"},
    "near_intro": {
        "en": "No exact match, but these names are close. Choose one to see the contact.",
        "ko": "정확히 일치하는 연락처는 없지만 비슷한 이름이 있어요. 고르면 연락처를 보여 드려요.",
    },
    "new_search": {"en": "New search", "ko": "새로 검색"},
    "no_results_title": {
        "en": "Try other words, or create the contact?",
        "ko": "다른 검색어로 찾거나 새 연락처를 만들까요?",
    },
    "headline_created": {"en": "Contact created", "ko": "연락처를 만들었어요"},
    "headline_updated": {"en": "Contact updated", "ko": "연락처를 수정했어요"},
    "headline_existing": {"en": "This contact already exists", "ko": "이미 있는 연락처예요"},
    "headline_found": {"en": "Contact", "ko": "연락처"},
    "duplicate_title": {
        "en": "This email is already in HubSpot",
        "ko": "이미 HubSpot에 있는 이메일이에요",
    },
    "duplicate_intro": {
        "en": "Nothing new was created. You can update the existing contact.",
        "ko": "새로 만들지 않았어요. 기존 연락처를 수정할 수 있어요.",
    },
    "create_title": {"en": "Create contact", "ko": "연락처 만들기"},
    "create_intro": {
        "en": "Give at least a name or an email. I check first that the email "
        "is not in HubSpot yet.",
        "ko": "이름이나 이메일 중 하나 이상을 입력하세요. 이메일이 이미 HubSpot에 "
        "있는지 먼저 확인해요.",
    },
    "create_submit": {"en": "Create", "ko": "만들기"},
    "update_find_title": {"en": "Update contact", "ko": "연락처 수정"},
    "update_find_intro": {
        "en": "Which contact? Type an email address or a name.",
        "ko": "어떤 연락처인가요? 이메일 주소나 이름을 입력하세요.",
    },
    "update_find_submit": {"en": "Find", "ko": "찾기"},
    "required_query": {"en": "Enter an email or a name.", "ko": "이메일이나 이름을 입력하세요."},
    "pick_title": {"en": "Which contact?", "ko": "어떤 연락처인가요?"},
    "pick_intro": {
        "en": "Several contacts match. Choose the one to update.",
        "ko": "여러 연락처가 일치해요. 수정할 연락처를 고르세요.",
    },
    "update_title": {"en": "Update {name}", "ko": "연락처 수정: {name}"},
    "update_intro": {
        "en": "Change what you need; you will confirm before anything is saved.",
        "ko": "필요한 항목을 바꾸세요. 저장하기 전에 한 번 더 확인해요.",
    },
    "update_submit": {"en": "Review changes", "ko": "변경 내용 확인"},
    "confirm_title": {"en": "Confirm changes to {name}", "ko": "변경 확인: {name}"},
    "confirm_intro": {
        "en": "Nothing is saved until you press Confirm.",
        "ko": "확인을 눌러야 저장돼요.",
    },
    "confirm": {"en": "Confirm", "ko": "확인"},
    "cancel": {"en": "Cancel", "ko": "취소"},
    "empty_value": {"en": "(empty)", "ko": "(없음)"},
    "help_title": {"en": "What I can do", "ko": "사용 방법"},
    "help_intro": {
        "en": "Press a button, or type a command like these:",
        "ko": "버튼을 누르거나 이렇게 입력해 보세요:",
    },
    "help_no_model": {
        "en": "Free-form requests are not switched on here, so I understand short commands "
        "like the ones above. Answer a waiting change with yes or cancel.",
        "ko": "여기서는 자유로운 문장 요청이 켜져 있지 않아서, 위와 같은 짧은 명령을 이해해요. "
        "확인을 기다리는 변경에는 네 / 취소로 답할 수 있어요.",
    },
    "menu_title": {"en": "What would you like to do?", "ko": "무엇을 할까요?"},
    "history_title": {"en": "Change history", "ko": "변경 이력"},
    "history_empty": {
        "en": "No creates or changes of this contact are on record.",
        "ko": "이 연락처를 만들거나 바꾼 기록이 없어요.",
    },
    "history_more": {
        "en": "Showing the newest {count}. The full history: python -m store audit --contact {id}",
        "ko": "최근 {count}건만 보여요. 전체 이력: python -m store audit --contact {id}",
    },
    "history_create": {"en": "Created", "ko": "생성"},
    "history_update": {"en": "Updated", "ko": "수정"},
    "history_refused_create": {"en": "Create refused", "ko": "생성 거부"},
    "history_refused_update": {"en": "Change refused", "ko": "수정 거부"},
    "history_doubt_create": {"en": "Create may have been saved", "ko": "생성됐는지 확인 안 됨"},
    "history_doubt_update": {"en": "Change may have been saved", "ko": "수정됐는지 확인 안 됨"},
    "history_attempt_create": {"en": "Create being saved", "ko": "생성 저장 중"},
    "history_attempt_update": {"en": "Change being saved", "ko": "수정 저장 중"},
    "history_not_done_create": {"en": "Create not saved", "ko": "생성 안 됨"},
    "history_not_done_update": {"en": "Change not saved", "ko": "수정 안 됨"},
    "history_reason_read_only": {"en": "read-only user", "ko": "읽기 전용 사용자"},
    "history_reason_not_allowed": {"en": "user not allowed", "ko": "허용되지 않은 사용자"},
    "history_reason_invalid": {"en": "invalid value", "ko": "잘못된 값"},
    "history_reason_duplicate": {"en": "email already in HubSpot", "ko": "이미 있는 이메일"},
    "history_reason_changed": {
        "en": "changed by someone else first",
        "ko": "다른 사람이 먼저 수정함",
    },
}

HELP_EXAMPLES: dict[str, tuple[str, ...]] = {
    "en": (
        "find jane@acme.com",
        "who works at Acme?",
        "add Jane Doe jane@acme.com +1 415 555 0100 Acme",
        "change jane@acme.com phone to +1 415 555 0199",
        "Jane Doe's new company is Globex",
        "add + paste a signature, a business card's text, a vCard or a CSV list "
        "(one person a line): I show it prefilled before anything is saved",
        "help",
    ),
    "ko": (
        "김민수 찾아줘",
        "Acme 쪽 담당자 있어?",
        "연락처 추가 홍길동 hong@example.com 010-1111-2222",
        "jane@acme.com 전화번호 010-9876-5432로 변경",
        "김민수 회사 Globex로 수정",
        "새 연락처 + 이메일 서명, 명함 글, vCard, CSV 목록(한 줄에 한 명) 붙여 넣기: 저장 전에 "
        "미리 채워서 보여 드려요",
        "도움말",
    ),
}


def pick(lang: str, table: dict[str, str]) -> str:
    """The entry for `lang`, falling back to English (a missing translation is not a crash)."""
    return table.get(lang) or table["en"]


def field_label(lang: str, name: str) -> str:
    """The label of a contact property; an unknown property is shown by its own name."""
    entry = FIELD_LABELS.get(name)
    return pick(lang, entry) if entry else name


def reason_text(lang: str, reason_code: str) -> str:
    """Why a value was refused (InvalidContact.reason_code), for the user."""
    return pick(lang, REASONS.get(reason_code, REASONS["invalid_value"]))


def ui(lang: str, key: str, **values: Any) -> str:
    text = pick(lang, UI[key])
    return text.format(**values) if values else text
