"""vCards from phones and mail clients (3.0 and 4.0, with a photo, several emails and numbers,
Korean names in N or only in FN, several cards in one paste) become drafts with HubSpot's fields;
faxes, social profiles and photos are not fields."""

from __future__ import annotations

from capture import FIELDS, read, read_vcards
from tests.capture.cases import DATA

CARDS = (DATA / "cards.vcf").read_text(encoding="utf-8")


def fields(draft):
    return {name: draft.get(name) for name in FIELDS if draft.get(name)}


def doubts(draft):
    return {(d.field, d.reason, d.value) for d in draft.doubts}


def test_several_cards_in_one_paste_are_read_in_order():
    drafts = read_vcards(CARDS)
    assert len(drafts) == 4
    assert [d.display_name for d in drafts] == ["Jane A. Doe", "김민수", "이지은", "남궁민수"]


def test_a_3_0_card_with_a_photo_two_emails_and_a_fax():
    jane = read_vcards(CARDS)[0]
    assert fields(jane) == {
        "firstname": "Jane A.",
        "lastname": "Doe",
        "email": "jane.doe@gmail.com",  # the PREF one
        "mobilephone": "+14155550100",
        "phone": "+12125550199",
        "company": "Acme Inc.",
        "jobtitle": "Head of Sales",
        "website": "https://www.acme.com",
        "city": "San Francisco",
        "country": "USA",
    }
    assert jane.other_emails == ("jane.doe@acme.com",)
    assert doubts(jane) == {("email", "several_emails", "jane.doe@acme.com")}
    assert jane.fields["email"].source == "EMAIL:Jane.Doe@Gmail.com"


def test_a_4_0_card_with_a_korean_name_uri_numbers_and_an_address():
    minsu = read_vcards(CARDS)[1]
    assert fields(minsu) == {
        "firstname": "민수",
        "lastname": "김",
        "email": "minsu.kim@hanbit.co.kr",
        "mobilephone": "+821012345678",
        "phone": "+8225551234",
        "company": "(주)한빛소프트",
        "jobtitle": "과장",
        "city": "서울",
        "country": "대한민국",
    }
    assert minsu.other_emails == ("minsu.kim@naver.com",)


def test_a_korean_full_name_in_the_family_field_and_local_numbers():
    jieun = read_vcards(CARDS)[2]
    assert fields(jieun) == {
        "firstname": "지은",
        "lastname": "이",
        "email": "jieun@example.kr",
        "mobilephone": "+821098765432",
        "phone": "+8223334444",
    }
    assert jieun.doubts == ()


def test_a_card_with_only_fn_and_two_work_numbers():
    namgung = read_vcards(CARDS)[3]
    assert fields(namgung) == {
        "firstname": "민수",
        "lastname": "남궁",
        "email": "namgung@lge.com",
        "phone": "+82317778888",
        "website": "lge.com",
    }
    assert doubts(namgung) == {("phone", "several_phones", "+82317779999")}


def test_a_broken_card_keeps_its_place_among_the_others():
    broken = "BEGIN:VCARD\nVERSION:3.0\nthis line has no colon\nEND:VCARD\n"
    text = broken + CARDS
    drafts = read_vcards(text)
    assert len(drafts) == 5
    assert drafts[0].fields == {}
    assert doubts(drafts[0]) == {("*", "unreadable", "")}
    assert drafts[1].get("lastname") == "Doe"


def test_a_pasted_vcard_is_told_apart_from_a_signature():
    pasted = read(CARDS)
    assert pasted.kind == "vcards"
    assert len(pasted.drafts) == 4


def test_an_old_2_1_card_from_a_phone_with_a_quoted_printable_korean_name():
    card = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=EA=B9=80;=EB=AF=BC=EC=88=98;;;\r\n"
        "TEL;CELL:010-1234-5678\r\nTEL;WORK;VOICE:02-555-1234\r\nTEL;HOME:031-777-8888\r\n"
        "END:VCARD\r\n"
    )
    (minsu,) = read_vcards(card)
    assert fields(minsu) == {
        "firstname": "민수",
        "lastname": "김",
        "mobilephone": "+821012345678",
        "phone": "+8225551234",
    }
    assert doubts(minsu) == {
        ("phone", "several_phones", "+82317778888"),
        ("email", "not_found", ""),
    }
