"""The few lines only the bot side says, in English and Korean (the rest is in `cards.strings`).

Kept here until `cards` has them (see .notes/bots-needs.md): the model-mode questions a button
click answers with, the "Use a form" button, and the read-only refusal.
"""

from __future__ import annotations

from typing import Any

from cards.render import render

_TEXTS: dict[str, dict[str, str]] = {
    "ask_search": {
        "en": "Search contacts — who are you looking for? Tell me a name, an email, a company "
              "or a phone number.",
        "ko": "연락처 검색 — 누구를 찾을까요? 이름, 이메일, 회사 또는 전화번호를 알려 주세요."},
    "ask_create": {
        "en": "Create contact — who should I add? Tell me at least a name and an email (phone, "
              "company and job title are optional).",
        "ko": "연락처 만들기 — 누구를 추가할까요? 이름과 이메일을 알려 주세요(전화번호, 회사, "
              "직함은 선택)."},
    "ask_update": {
        "en": "Update contact — which contact, and what should change? For example: "
              "“change jane@acme.com's phone to +1 415 555 0100”.",
        "ko": "연락처 수정 — 어떤 연락처의 무엇을 바꿀까요? 예: “jane@acme.com 전화번호 "
              "010-9876-5432로 변경”."},
    "not_allowed": {
        "en": "Sorry, you are not allowed to use this assistant. Ask your admin to add you.",
        "ko": "죄송해요, 이 도우미를 사용할 권한이 없어요. 관리자에게 추가해 달라고 요청해 주세요."},
    "use_form": {"en": "Use a form", "ko": "양식으로 입력"},
    "read_only_user": {
        "en": "You have read-only access: I can search contacts for you, but not create or "
              "change them. Nothing was changed.",
        "ko": "읽기 전용 권한이라 연락처를 검색할 수만 있고 만들거나 수정할 수는 없어요. "
              "아무것도 바뀌지 않았어요."},
}


def bot_text(lang: str, key: str) -> str:
    texts = _TEXTS[key]
    return texts.get(lang, texts["en"])


def refusal_text(lang: str, reason: str) -> str:
    """What to say to someone the access policy refuses: its reason when that is a known text
    key (cards first, then ours), else the generic refusal. Never the raw key."""
    from cards.strings import MESSAGES, text

    if reason in MESSAGES:
        return text(lang, reason)
    return bot_text(lang, reason if reason in _TEXTS else "not_allowed")


def use_form_card(lang: str, nonce: str, form: str, title: str) -> dict[str, Any]:
    """A small card with one button that opens the guided form (model mode)."""
    return render("menu", {
        "title": title, "intro": None, "examples": [], "note": None,
        "actions": [{"title": bot_text(lang, "use_form"),
                     "data": {"action": "open_form", "nonce": nonce, "form": form},
                     "style": None, "inputs": "none"}]})
