"""Every line the bot says in chat, by key, in English and Korean: the table `text` reads.

Korean sentences are written so that no particle follows a placeholder (은/는, 을/를 depend on
the last syllable of the value). Kept apart from the functions (cards/strings.py) because it is
data a translator edits, and it grows with every flow.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "welcome": {
        "en": "Hi! I can search, create and update HubSpot contacts. Press a button or type a "
        "command (type **help** for examples).",
        "ko": "안녕하세요! HubSpot 연락처를 검색하고, 만들고, 수정할 수 있어요. 버튼을 누르거나 "
        "명령을 입력하세요(예시는 **도움말**).",
    },
    "chose_search": {
        "en": "Search contacts — tell me what to look for.",
        "ko": "연락처 검색 — 무엇을 찾을지 알려 주세요.",
    },
    "chose_create": {
        "en": "Create contact — fill in the form and I'll add it to HubSpot.",
        "ko": "연락처 만들기 — 양식을 채우면 HubSpot에 추가할게요.",
    },
    "chose_update": {
        "en": "Update contact — which contact? Type an email or a name.",
        "ko": "연락처 수정 — 어떤 연락처인가요? 이메일이나 이름을 입력하세요.",
    },
    "typing": {"en": "Working on it…", "ko": "처리하고 있어요…"},
    "no_results": {
        "en": "No contacts found for {query}.",
        "ko": "찾는 연락처가 없어요: {query}",
    },
    "near_matches": {
        "en": "No contacts found for {query}. Did you mean one of these?",
        "ko": "찾는 연락처가 없어요: {query}. 비슷한 이름을 찾았어요.",
    },
    "near_match": {
        "en": "No contacts found for {query}. Did you mean {name}?",
        "ko": "찾는 연락처가 없어요: {query}. 혹시 {name} 님을 찾으세요?",
    },
    "no_more_results": {"en": "There are no more results.", "ko": "더 이상 결과가 없어요."},
    # "my contacts": the user's HubSpot owner is found by their email.
    "owner_unknown": {
        "en": "Owner's email: no HubSpot user has the email {email}. Leave it empty to be the "
        "owner yourself. Nothing was saved.",
        "ko": "담당자 이메일: {email} 이메일을 쓰는 HubSpot 사용자가 없어요. 비워 두면 본인이 "
        "담당자가 돼요. 아무것도 저장하지 않았어요.",
    },
    "no_owner": {
        "en": "You have no HubSpot owner: no HubSpot user has your email ({email}), so no "
        "contacts are yours. Ask your HubSpot admin to add you as a user.",
        "ko": "HubSpot 담당자로 등록되어 있지 않아요. 사용하시는 이메일({email})로 된 HubSpot "
        "사용자가 없어서 담당하는 연락처도 없어요. HubSpot 관리자에게 사용자 추가를 요청해 주세요.",
    },
    "no_owner_unknown_user": {
        "en": "I can't tell which HubSpot owner you are: this chat doesn't tell me your email. "
        "Search by a name, an email or a company instead.",
        "ko": "이 채팅에서는 이메일을 알 수 없어서 어떤 HubSpot 담당자인지 알 수 없어요. "
        "이름, 이메일이나 회사로 검색해 주세요.",
    },
    "no_own_contacts": {
        "en": "No contacts are yours in HubSpot yet.",
        "ko": "HubSpot에서 담당하고 계신 연락처가 아직 없어요.",
    },
    "search_empty": {
        "en": "Tell me at least one thing to search for (an email, a name, a "
        "company or a phone number).",
        "ko": "검색할 내용(이메일, 이름, 회사, 전화번호 중 하나 이상)을 알려 주세요.",
    },
    "created_same_name_warning": {
        "en": "Note: {count} other contact(s) named {name} already exist. Check this is not the "
        "same person.",
        "ko": "참고: 이름이 같은 다른 연락처가 {count}개 있어요(이름: {name}). 같은 사람이 아닌지 "
        "확인해 주세요.",
    },
    "create_check": {
        "en": "Check the details and press Create; nothing is saved yet.",
        "ko": "내용을 확인하고 만들기를 눌러 주세요. 아직 저장하지 않았어요.",
    },
    "create_same_name_first": {
        "en": "{count} contact(s) named {name} are already in HubSpot (below). If this is "
        "someone else, check the details and press Create; nothing is saved yet.",
        "ko": "이름이 같은 연락처가 이미 {count}개 있어요(이름: {name}, 아래). 다른 사람이라면 "
        "내용을 확인하고 만들기를 눌러 주세요. 아직 저장하지 않았어요.",
    },
    "create_needs_something": {
        "en": "Give me at least a name or an email for the new contact.",
        "ko": "새 연락처의 이름이나 이메일을 하나 이상 알려 주세요.",
    },
    "duplicate": {
        "en": "A contact with the email {email} already exists, so I did not create another one.",
        "ko": "이메일이 {email}인 연락처가 이미 있어서 새로 만들지 않았어요.",
    },
    "duplicate_id": {
        "en": "A contact with that email already exists (record #{id}), so I did "
        "not create another one.",
        "ko": "이 이메일을 쓰는 연락처가 이미 있어서(레코드 #{id}) 새로 만들지 않았어요.",
    },
    "update_cancelled": {
        "en": "Update cancelled. Nothing was changed.",
        "ko": "수정을 취소했어요. 아무것도 바뀌지 않았어요.",
    },
    "update_changed": {
        "en": "Someone changed {name} after you saw the preview, so I wrote nothing. Here are "
        "the current values; review them and try again.",
        "ko": "미리보기 뒤에 누군가 연락처를 바꿔서 아무것도 저장하지 않았어요(연락처: {name}). "
        "현재 값을 확인하고 다시 시도해 주세요.",
    },
    "update_expired": {
        "en": "That change is no longer waiting for confirmation (it was already "
        "confirmed, cancelled or replaced). Nothing was written.",
        "ko": "이 변경은 더 이상 확인을 기다리고 있지 않아요(이미 확인, 취소 또는 "
        "교체됨). 아무것도 저장하지 않았어요.",
    },
    "update_first_waiting": {
        "en": "The change to {name} isn't saved yet. Confirm or cancel it first; then I'll "
        "show the change to {next}.",
        "ko": "{name} 님의 변경은 아직 저장하지 않았어요. 먼저 저장하거나 취소해 주세요. "
        "그다음 {next} 님의 변경을 보여 드릴게요.",
    },
    "update_which": {
        "en": "Which contact should I update? Type an email or a name.",
        "ko": "어떤 연락처를 수정할까요? 이메일이나 이름을 입력하세요.",
    },
    "nothing_to_change": {
        "en": "Those values are already set, so there is nothing to change.",
        "ko": "이미 같은 값이라 바꿀 내용이 없어요.",
    },
    "invalid_fields": {
        "en": "{problems} Nothing was saved.",
        "ko": "{problems} 아무것도 저장하지 않았어요.",
    },
    "invalid_field": {
        "en": "{field}: {reason}. Nothing was saved.",
        "ko": "{field}: {reason}. 아무것도 저장하지 않았어요.",
    },
    "read_only": {
        "en": "{field} cannot be changed here. Nothing was saved.",
        "ko": "이 항목은 여기서 바꿀 수 없어요: {field}. 아무것도 저장하지 않았어요.",
    },
    "not_found": {
        "en": "I couldn't find a contact matching {query}.",
        "ko": "일치하는 연락처를 찾지 못했어요: {query}",
    },
    "hubspot_unavailable": {
        "en": "HubSpot isn't answering right now. Nothing was changed; please try again in a "
        "minute.",
        "ko": "지금 HubSpot이 응답하지 않아요. 아무것도 바뀌지 않았어요. 잠시 후 다시 시도해 "
        "주세요.",
    },
    "hubspot_misconfigured": {
        "en": "I can't use HubSpot: this bot's HubSpot access is not set up correctly, so "
        "trying again will not help. Nothing was changed. Please tell whoever runs this bot.",
        "ko": "HubSpot을 사용할 수 없어요. 이 봇의 HubSpot 접근 설정이 올바르지 않아서 다시 "
        "시도해도 해결되지 않아요. 아무것도 바뀌지 않았어요. 봇 관리자에게 알려 주세요.",
    },
    "hubspot_rate_limited": {
        "en": "HubSpot is busy (its rate limit was reached). Please try again in a few seconds.",
        "ko": "HubSpot 요청 한도에 도달했어요. 몇 초 후에 다시 시도해 주세요.",
    },
    "write_unknown": {
        "en": "HubSpot did not confirm the save, so it may or may not have been saved. Search "
        "for the contact before trying again.",
        "ko": "HubSpot이 저장 여부를 알려 주지 않았어요. 저장되었을 수도, 아닐 수도 있어요. 다시 "
        "시도하기 전에 연락처를 검색해서 확인해 주세요.",
    },
    "stale_card": {
        "en": "That card is from an earlier conversation or has expired, so I ignored it. "
        "Here's a fresh start.",
        "ko": "이전 대화의 카드이거나 만료된 카드라서 처리하지 않았어요. 새로 시작해 주세요.",
    },
    # A click on a card that has ended (bots/cardlife.py): nothing is done.
    "card_replaced": {
        "en": "That card is no longer in use (a newer one replaced it, or it expired), so I "
        "did nothing. Use the newest card.",
        "ko": "더 이상 쓰지 않는 카드라서(새 카드로 바뀌었거나 만료됨) 아무것도 하지 않았어요. "
        "가장 최근 카드를 사용해 주세요.",
    },
    "card_used": {
        "en": "That card was already used ({status}), so I did nothing again.",
        "ko": "이미 사용한 카드라서 다시 처리하지 않았어요({status}).",
    },
    "bad_submit": {
        "en": "I couldn't understand that card submission. Nothing was written.",
        "ko": "카드에서 보낸 내용을 이해하지 못했어요. 아무것도 저장하지 않았어요.",
    },
    "message_too_long": {
        "en": "That message is too long ({length} characters; the limit is {limit}). Please "
        "shorten it.",
        "ko": "메시지가 너무 길어요({length}자, 최대 {limit}자). 줄여서 다시 보내 주세요.",
    },
    # A message with only a file or an image (bots/asides.py).
    "attachment_only": {
        "en": "I can only read typed text and my cards' buttons, not files or images. Type "
        "what you need, or **help** for examples.",
        "ko": "파일이나 이미지는 읽지 못해요. 입력한 글과 카드의 버튼만 처리할 수 있어요. "
        "원하는 작업을 입력하거나 **도움말**을 입력해 예시를 보세요.",
    },
    "not_understood": {
        "en": "I didn't get that. Press a button, or type **help** for examples.",
        "ko": "잘 모르겠어요. 버튼을 누르거나 **도움말**을 입력해 예시를 보세요.",
    },
    "nothing_waiting": {
        "en": "There is no change waiting for your confirmation.",
        "ko": "확인을 기다리는 변경이 없어요.",
    },
    # Jobs this bot does not do (typed.Command.topic): what it does instead.
    "unsupported_delete": {
        "en": "I can't delete contacts here; you can search, create and update them. To delete "
        "one, use HubSpot itself.",
        "ko": "여기서는 연락처를 삭제할 수 없어요. 검색, 만들기, 수정은 할 수 있어요. 삭제는 "
        "HubSpot에서 직접 해 주세요.",
    },
    "unsupported_merge": {
        "en": "I can't merge contacts here from a sentence. Type **find duplicates** (add **at** "
        "a company or **of** an email) and press Merge… on a pair: you see the result before "
        "anything changes.",
        "ko": "연락처를 합치려면 **중복 찾아줘**(회사 이름이나 이메일을 함께)라고 입력하고 쌍에서 "
        "합치기…를 누르세요. 바꾸기 전에 결과를 보여 드려요.",
    },
    # Duplicates and merges (flows/duplicates.py, flows/merges.py).
    "held_expired": {
        "en": "That choice is no longer waiting (it was already used, cancelled or replaced). "
        "Nothing was written.",
        "ko": "이 선택은 더 이상 기다리고 있지 않아요(이미 사용했거나 취소되었거나 바뀌었어요). "
        "아무것도 저장하지 않았어요.",
    },
    "duplicates_none": {
        "en": "I found no likely duplicates for {where}.",
        "ko": "중복일 가능성이 높은 연락처를 찾지 못했어요: {where}",
    },
    "duplicates_found": {
        "en": "Likely duplicates for {where}: {count} pair(s).",
        "ko": "중복일 가능성이 높은 연락처 ({where}): {count}쌍",
    },
    "duplicates_your_contacts": {"en": "your contacts", "ko": "내 연락처"},
    "duplicates_need_owner": {
        "en": "You are not a HubSpot owner, so I can't tell which contacts are yours. Try "
        "**find duplicates at** a company, or **of** an email.",
        "ko": "HubSpot 담당자로 등록되어 있지 않아서 내 연락처를 알 수 없어요. 회사 이름이나 "
        "이메일과 함께 **중복 찾아줘**라고 입력해 보세요.",
    },
    "update_possible_duplicate": {
        "en": "Possible duplicate: {who} ({why}). Check before you confirm.",
        "ko": "중복일 수 있는 연락처: {who} ({why}). 확인하기 전에 살펴보세요.",
    },
    "merge_already": {
        "en": "Those two are one contact already: {name}.",
        "ko": "두 연락처는 이미 하나예요: {name}",
    },
    "merged": {
        "en": "Merged. The old record #{other_id} now opens {keep}.",
        "ko": "합쳤어요. 예전 레코드(#{other_id})도 이제 이 연락처로 열려요: {keep}",
    },
    "unsupported_export": {
        "en": "I can't export contacts here; I can search and show them, ten at a time. For a "
        "file, use HubSpot's export.",
        "ko": "여기서는 연락처를 내보낼 수 없어요. 검색해서 10개씩 보여 드릴 수는 있어요. 파일이 "
        "필요하면 HubSpot의 내보내기를 써 주세요.",
    },
    "unsupported_email": {
        "en": "I can't send emails; I can find a contact's email address for you to write to.",
        "ko": "이메일은 보낼 수 없어요. 대신 연락처를 찾아 이메일 주소를 알려 드릴 수 있어요.",
    },
    "unsupported_deals": {
        "en": "I only work with contacts, not deals; you can search, create and update contacts.",
        "ko": "거래는 다루지 않고 연락처만 다뤄요. 연락처 검색, 만들기, 수정은 할 수 있어요.",
    },
    "unsupported_notes": {
        "en": "I can't add or read notes; I can search, create and update a contact's details.",
        "ko": "메모는 추가하거나 볼 수 없어요. 연락처 정보 검색, 만들기, 수정은 할 수 있어요.",
    },
    "hello": {"en": "Hi! Here is what I can do:", "ko": "안녕하세요! 이렇게 사용할 수 있어요:"},
    "thanks": {
        "en": "You're welcome! Type **help** whenever you need me.",
        "ko": "천만에요! 필요할 때 언제든 **도움말**을 입력하세요.",
    },
    "error": {
        "en": "Something went wrong on my side, so I couldn't finish that. If you asked for a "
        "change, check the contact before trying again.",
        "ko": "처리 중에 문제가 생겨서 끝내지 못했어요. 변경을 요청하셨다면 다시 시도하기 전에 "
        "연락처를 확인해 주세요.",
    },
    # A write claimed earlier (bots/writes.py): a repeat is told what happened, not written.
    "already_saved_by_you": {
        "en": "You already saved this at {when}. Nothing was written again.",
        "ko": "이미 저장한 내용이에요({when}). 다시 저장하지 않았어요.",
    },
    "already_saved_by_other": {
        "en": "Someone else in this conversation already saved this at {when}. Nothing was "
        "written again.",
        "ko": "이 대화의 다른 사용자가 이미 저장했어요({when}). 다시 저장하지 않았어요.",
    },
    # A takeover read HubSpot for a write whose writer was cut off (flows/settle.py).
    "settled_update_saved": {
        "en": "I was interrupted while saving this, so I checked HubSpot: the change was saved.",
        "ko": "저장하는 중에 중단되어 HubSpot을 확인했어요. 변경 내용이 저장되었어요.",
    },
    "settled_update_not_saved": {
        "en": "I was interrupted before HubSpot took this change, and it holds the old values: "
        "nothing was saved. Press Confirm to save it now.",
        "ko": "HubSpot이 변경 내용을 받기 전에 중단되었어요. 저장된 것은 없어요. 지금 저장하려면 "
        "확인을 누르세요.",
    },
    "settled_create_saved": {
        "en": "I was interrupted while creating this contact, so I checked HubSpot: it was "
        "created.",
        "ko": "연락처를 만드는 중에 중단되어 HubSpot을 확인했어요. 연락처가 만들어졌어요.",
    },
    "settled_create_not_saved": {
        "en": "I was interrupted before HubSpot took this contact: it was not created. Send the "
        "form to create it now.",
        "ko": "HubSpot이 연락처를 받기 전에 중단되었어요. 만들어지지 않았어요. 지금 만들려면 "
        "양식을 보내세요.",
    },
    "write_in_doubt": {
        "en": "I can't tell whether this was saved: I was interrupted while saving it. Check the "
        "contact before trying again.",
        "ko": "저장되었는지 확인할 수 없어요. 저장하는 중에 중단되었어요. 다시 시도하기 전에 "
        "연락처를 확인해 주세요.",
    },
    # Model mode: a welcome button is answered with the agent's question (and a "Use a form"
    # button, `use_form_card`); the model sees the question in its history.
    "ask_search": {
        "en": "Search contacts — who are you looking for? Tell me a name, an email, a company "
        "or a phone number.",
        "ko": "연락처 검색 — 누구를 찾을까요? 이름, 이메일, 회사 또는 전화번호를 알려 주세요.",
    },
    "ask_create": {
        "en": "Create contact — who should I add? Tell me at least a name and an email (phone, "
        "company and job title are optional).",
        "ko": "연락처 만들기 — 누구를 추가할까요? 이름과 이메일을 알려 주세요(전화번호, 회사, "
        "직함은 선택).",
    },
    "ask_update": {
        "en": "Update contact — which contact, and what should change? For example: "
        "“change jane@acme.com's phone to +1 415 555 0100”.",
        "ko": "연락처 수정 — 어떤 연락처의 무엇을 바꿀까요? 예: “jane@acme.com 전화번호 "
        "010-9876-5432로 변경”.",
    },
    # Access policy (bots/access.py): its refusal reason, and a read-only user's write.
    "not_allowed": {
        "en": "Sorry, you are not allowed to use this assistant. Ask your admin to add you.",
        "ko": "죄송해요, 이 도우미를 사용할 권한이 없어요. 관리자에게 추가해 달라고 요청해 주세요.",
    },
    "read_only_user": {
        "en": "You have read-only access: I can search contacts for you, but not create or "
        "change them. Nothing was changed.",
        "ko": "읽기 전용 권한이라 연락처를 검색할 수만 있고 만들거나 수정할 수는 없어요. "
        "아무것도 바뀌지 않았어요.",
    },
    "history_admins_only": {
        "en": "Only admins can see a contact's change history. Ask your bot's administrator "
        "if you need it.",
        "ko": "연락처의 변경 이력은 관리자만 볼 수 있어요. 필요하면 봇 관리자에게 문의하세요.",
    },
    "history_which": {
        "en": "Whose change history? Type e.g. **history jane@acme.com**.",
        "ko": "누구의 변경 이력인가요? 예: **변경 이력 jane@acme.com**",
    },
    "history_many": {
        "en": "{count} contacts match {query}. Type the email or the record ID instead.",
        "ko": "{count}명의 연락처가 일치해요: {query}. 이메일이나 레코드 ID로 입력하세요.",
    },
    "history_shown": {
        "en": "Change history of {name}.",
        "ko": "변경 이력: {name}",
    },
    "unsupported_off_topic": {
        "en": "I only manage HubSpot contacts, so I can't help with that. I can search, create "
        "and update contacts: type **help** for examples.",
        "ko": "저는 HubSpot 연락처만 관리해서 그건 도와드릴 수 없어요. 연락처 검색, 만들기, 수정은 "
        "할 수 있어요. 예시는 **도움말**을 입력해 보세요.",
    },
    "create_doubt": {
        "en": "{field} {value}: {reason}.",
        "ko": "입력한 {field}: {value} — {reason}.",
    },
    "create_pasted": {
        "en": "This looks like pasted text (a signature?), so I saved nothing: check every field.",
        "ko": "붙여 넣은 글(서명 등)처럼 보여서 아무것도 저장하지 않았어요. 모든 항목을 확인해 "
        "주세요.",
    },
}
