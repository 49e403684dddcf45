"""Paste to capture over HTTP: a signature, a business card's text or a vCard comes back as the
create form prefilled (what was read named, nothing written), Create writes exactly those
values; a paste whose email HubSpot has is that contact's update, written only on Confirm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.botapp import Conversation, action_data, card_nodes, running_app, test_settings
from tests.support.cardread import heading, texts

SIGNATURE = """add
Jane Doe
VP of Sales | Acme Inc.
M: +1 415 555 0100
jane.doe@acme.com

Best regards"""
KOREAN_CARD = """새 연락처
한빛소프트
김민수 과장
휴대폰 010-1234-5678
minsu.kim@hanbit.co.kr"""
VCARD = """BEGIN:VCARD
VERSION:3.0
N:Park;Kevin;;;
FN:Kevin Park
ORG:Globex Corporation
TITLE:CTO
TEL;TYPE=CELL:+1 212 555 0142
EMAIL;TYPE=INTERNET:kevin.park@globex.com
END:VCARD
"""


def prefilled(card: dict[str, Any]) -> dict[str, str]:
    return {
        n["id"]: n.get("value", "")
        for n in card_nodes(card)
        if n.get("type", "").startswith("Input.") and n.get("value")
    }


async def _paste(bot, channel, text: str, locale: str = "en-US"):
    chat = Conversation(bot, channel, locale=locale)
    await chat.start()
    return chat, await chat.say(text)


async def test_a_pasted_signature_is_the_prefilled_form_and_create_writes_it(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat, replies = await _paste(bot, channel, SIGNATURE)
        (reply,) = replies
        assert reply.text == "Check the details and press Create; nothing is saved yet."
        form = reply.cards[0]
        assert (
            "Read from your paste: First name, Last name, Email, Mobile phone, Company, Job title."
            in texts(form)
        )
        assert heading(form) == "Create contact"
        values = prefilled(form)
        assert values == {
            "firstname": "Jane",
            "lastname": "Doe",
            "email": "jane.doe@acme.com",
            "mobilephone": "+14155550100",
            "company": "Acme Inc.",
            "jobtitle": "VP of Sales",
        }
        assert await bot.contacts.find_by_email("jane.doe@acme.com") is None  # nothing yet
        created, _ended = await chat.click({**action_data(form, "Create"), **values})
        assert heading(created.cards[0]) == "Contact created"
        stored = await bot.contacts.find_by_email("jane.doe@acme.com")
        assert stored is not None
        assert {k: stored.get(k) for k in values} == values


async def test_a_korean_business_card_after_the_korean_command(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat, (reply,) = await _paste(bot, channel, KOREAN_CARD)
        assert reply.text == "내용을 확인하고 만들기를 눌러 주세요. 아직 저장하지 않았어요."
        assert "붙여 넣은 글에서 읽은 항목: 성, 이름, 이메일, 휴대폰 번호, 회사, 직함." in texts(
            reply.cards[0]
        )
        values = prefilled(reply.cards[0])
        assert values == {
            "lastname": "김",
            "firstname": "민수",
            "email": "minsu.kim@hanbit.co.kr",
            "mobilephone": "+821012345678",
            "company": "한빛소프트",
            "jobtitle": "과장",
        }
        assert await bot.contacts.find_by_email("minsu.kim@hanbit.co.kr") is None
        created, _ = await chat.click({**action_data(reply.cards[0], "만들기"), **values})
        stored = await bot.contacts.find_by_email("minsu.kim@hanbit.co.kr")
        assert stored is not None and {k: stored.get(k) for k in values} == values


async def test_a_signature_whose_email_exists_is_an_update_written_on_confirm(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane.doe@acme.com", "company": "Old"}
        )
        chat, (reply,) = await _paste(bot, channel, SIGNATURE)
        assert reply.text.startswith("jane.doe@acme.com is already in HubSpot (Jane Doe)")
        card = reply.cards[0]
        assert "Old" in str(card) and "Acme Inc." in str(card)
        stored = await bot.contacts.find_by_email("jane.doe@acme.com")
        assert stored.get("company") == "Old"  # not before Confirm
        await chat.click(action_data(card, "Confirm"))
        stored = await bot.contacts.find_by_email("jane.doe@acme.com")
        assert (stored.get("company"), stored.get("jobtitle")) == ("Acme Inc.", "VP of Sales")


async def test_a_pasted_vcard_is_the_prefilled_form(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        _chat, (reply,) = await _paste(bot, channel, VCARD)
        assert prefilled(reply.cards[0]) == {
            "firstname": "Kevin",
            "lastname": "Park",
            "email": "kevin.park@globex.com",
            "mobilephone": "+12125550142",
            "company": "Globex Corporation",
            "jobtitle": "CTO",
        }
        assert await bot.contacts.find_by_email("kevin.park@globex.com") is None


async def test_a_vcf_attachment_is_the_prefilled_form(tmp_path, channel):
    from tests.support import activities as act

    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel)
        await chat.start()
        message = act.emulator_message(chat.conversation_id, channel.service_url, "", "en-US")
        message["attachments"] = [
            {"contentType": "text/vcard", "name": "kevin.vcf", "content": VCARD}
        ]
        (reply,) = await chat._exchange(message)
        assert prefilled(reply.cards[0])["email"] == "kevin.park@globex.com"
        assert await bot.contacts.find_by_email("kevin.park@globex.com") is None


async def test_several_vcards_are_a_list_preview(tmp_path, channel):
    cards_vcf = (Path(__file__).parents[1] / "capture" / "data" / "cards.vcf").read_text()
    async with running_app(test_settings(tmp_path)) as bot:
        _chat, (reply,) = await _paste(bot, channel, cards_vcf)
        assert heading(reply.cards[0]) == "Contacts from your paste"
        assert reply.text.startswith("Read ")


async def test_a_signature_pasted_alone_names_what_the_reader_doubted(tmp_path, channel):
    pasted = "Tom Baker\nGlobex\ntom.baker@globex.com, tom@baker.net\n+1 415 555 0100"
    async with running_app(test_settings(tmp_path)) as bot:
        _chat, (reply,) = await _paste(bot, channel, pasted)
        form = reply.cards[0]
        assert heading(form) == "Create contact"
        assert prefilled(form)["email"] == "tom.baker@globex.com"
        assert "several emails; the others: tom@baker.net" in str(form)
        assert await bot.contacts.find_by_email("tom.baker@globex.com") is None


async def test_the_help_card_shows_the_paste_feature(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        _chat, (reply,) = await _paste(bot, channel, "help")
        assert "paste a signature" in str(reply.cards[0])
        _chat, (reply,) = await _paste(bot, channel, "도움말", locale="ko-KR")
        assert "명함" in str(reply.cards[0])


async def test_a_vcf_sent_only_as_a_link_is_not_downloaded_and_the_user_is_told(tmp_path, channel):
    from tests.support import activities as act

    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel)
        await chat.start()
        message = act.emulator_message(chat.conversation_id, channel.service_url, "", "en-US")
        message["attachments"] = [
            {"contentType": "text/x-vcard", "name": "k.vcf", "contentUrl": "http://x.test/k.vcf"}
        ]
        (reply,) = await chat._exchange(message)
        assert reply.text.startswith("That vCard came as a link to a file, which I don't download")
