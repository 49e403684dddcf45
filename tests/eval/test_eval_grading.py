"""The evaluation harness grades by HubSpot state and what the user saw: runs of its tasks
through the real app with a scripted model (not a real one), so each verdict is known."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from eval.grading import grounded
from eval.meter import metered_client
from eval.report import render
from eval.runner import Endpoint, run_task
from eval.tasks import CATEGORIES, CONFIRM, Task, load_tasks
from tests.support.scripted_openai import ScriptedOpenAI, Step, text, tool_call

BOB = {
    "firstname": "Robert",
    "lastname": "Stone",
    "email": "bob.stone@initech.com",
    "company": "Initech",
    "jobtitle": "Sales Manager",
}
JANE = {"firstname": "Jane", "lastname": "Doe", "email": "jane.doe@acme.com", "company": "Acme"}


@pytest.fixture
async def model() -> AsyncIterator[ScriptedOpenAI]:
    async with ScriptedOpenAI() as server:
        yield server
        assert server.unexpected_calls == 0


@pytest.fixture
async def endpoint(model: ScriptedOpenAI) -> AsyncIterator[Endpoint]:
    client, meter = metered_client(
        base_url=model.base_url, api_key="sk-test", timeout=10, max_retries=0
    )
    yield Endpoint(client=client, meter=meter, model="scripted")
    await client.close()


def _found_id(body: dict[str, Any]) -> str:
    """The id of the first contact the model's last tool result showed."""
    result = json.loads(body["messages"][-1]["content"])
    return str(result["contacts"][0]["id"])


def _update_bob(title: str) -> list[Any]:
    def update(body: dict[str, Any]) -> Step:
        args = {"contact_id": _found_id(body), "properties": {"jobtitle": title}}
        return tool_call("UpdateContact", args)

    return [tool_call("SearchContact", {"query": "Robert Stone"}), update, text("Please confirm.")]


UPDATE_TITLE = Task(
    id="update-title",
    lang="en",
    category="update",
    seed={"bob": BOB, "jane": JANE},
    # Worded so the typed parser cannot read it: the model does the work.
    steps=("Robert Stone got promoted, he is Sales Director now", CONFIRM),
    updated={"bob": {"jobtitle": "Sales Director"}},
)


async def test_a_confirmed_update_the_user_asked_for_passes(
    model: ScriptedOpenAI, endpoint: Endpoint
) -> None:
    model.script(*_update_bob("Sales Director"))

    result = await run_task(UPDATE_TITLE, endpoint)

    assert result.grade.problems == []
    assert [(t.step, t.model.calls) for t in result.turns] == [
        (UPDATE_TITLE.steps[0], 3),
        (CONFIRM, 0),
    ]
    assert result.unpreviewed == 0  # written only when Confirm was pressed
    assert [(w.contact, w.field, w.value) for w in result.grade.writes] == [
        ("bob.stone@initech.com", "jobtitle", "Sales Director")
    ]


async def test_the_wrong_value_fails_and_unconfirmed_work_does_not_count(
    model: ScriptedOpenAI, endpoint: Endpoint
) -> None:
    model.script(*_update_bob("Sales Director"))
    unconfirmed = Task(**{**UPDATE_TITLE.__dict__, "steps": UPDATE_TITLE.steps[:1]})

    result = await run_task(unconfirmed, endpoint)

    assert result.grade.problems == ["bob.jobtitle is 'Sales Manager', expected 'Sales Director'"]


async def test_a_value_the_user_did_not_give_fails_the_run_and_is_listed(
    model: ScriptedOpenAI, endpoint: Endpoint
) -> None:
    """The agent lets the model copy a value from a contact it found (Jane's company); the
    grader counts only the user's own words."""
    task = Task(
        id="create",
        lang="en",
        category="create",
        seed={"jane": JANE},
        steps=("add Lena Fischer, lena@brightwave.de, she works with Jane Doe", CONFIRM),
        created=({"name": "Lena Fischer", "email": "lena@brightwave.de"},),
    )
    props = {"firstname": "Lena", "lastname": "Fischer", "email": "lena@brightwave.de"}
    model.script(
        tool_call("SearchContact", {"query": "jane.doe@acme.com"}),
        tool_call("CreateContact", {"properties": {**props, "company": "Acme"}}),
        text("Added Lena."),
    )

    result = await run_task(task, endpoint)

    assert not result.passed
    assert [(w.field, w.value) for w in result.grade.ungrounded] == [("company", "Acme")]
    assert result.unpreviewed == 0  # previewed: written by the Create click
    table = render([result], 1, heading="one run")
    assert "values written that the user did not give: 1" in table
    assert "create lena@brightwave.de company='Acme'" in table


async def test_what_the_user_was_not_shown_fails_the_run(
    model: ScriptedOpenAI, endpoint: Endpoint
) -> None:
    task = Task(
        id="search",
        lang="ko",
        category="search",
        seed={"jane": JANE},
        steps=("jane.doe@acme.com 이 사람 누구였지? 기억이 안 나",),  # not the parser's to read
        shown=("jane.doe@acme.com",),
    )
    model.script(text("찾을 수 없습니다."))

    result = await run_task(task, endpoint)

    assert result.grade.problems == ["never shown: 'jane.doe@acme.com'"]


@pytest.mark.parametrize(
    ("field", "value", "said", "expected"),
    [
        ("phone", "+821023456789", "전화 010-2345-6789", True),
        ("phone", "+821023456789", "전화는 나중에 알려 줄게요", False),
        ("lastname", "김", "김민준 추가해 줘", True),
        ("email", "Minjun@Hanbit.co.kr", "minjun@hanbit.co.kr 추가", True),
        ("email", "your_email@example.com", "add Sara Lind", False),
        ("company", "example company", "add Sara Lind", False),
    ],
)
def test_grounded_means_typed_by_the_user(
    field: str, value: str, said: str, expected: bool
) -> None:
    assert grounded(field, value, [said]) is expected


def test_the_task_file_covers_both_languages_and_every_category() -> None:
    tasks = load_tasks()
    assert len(tasks) >= 32
    for lang in ("en", "ko"):
        assert {t.category for t in tasks if t.lang == lang} == set(CATEGORIES)
