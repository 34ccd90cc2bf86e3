"""`/survey new` and `/survey edit` end to end: an organizer's own questions, one per line; a mistake is
explained and the form comes back with what was typed; once members answered, only what keeps every answer
with its question and choice can change (wording, and new questions or choices at the end)."""

from __future__ import annotations

import re

from tests.e2e.community import Community
from tests.e2e.steps.surveys import answers, fields, open_page, post

QUESTIONS = "\n".join(
    [
        "Our family talks about science at home [1-5]",
        "Which grades are your children in? [several: K-5, 6-8, 9-12]",
        "Would you come to a STEM night? [choice: Yes, Maybe, No]",
        "What would make it easier to come? [optional text]",
    ]
)


async def _new(community: Community, questions: str = QUESTIONS) -> int:
    form = await community.organizer.run("survey new", closes="in 5 days")
    assert form.is_modal, form.text
    done = await community.organizer.submit(
        form, {"title": "Family STEM night", "intro": "Help us plan", "questions": questions}
    )
    match = re.search(r"Survey \*\*#(\d+)\*\*", done.text)
    assert match, done.text
    return int(match.group(1))


async def test_own_questions_are_posted_and_answered(community: Community) -> None:
    survey_id = await _new(community)
    message = await post(community, survey_id)
    assert "Family STEM night" in message["content"]
    assert "4 questions" in message["content"]
    page = await open_page(community, community.alice, survey_id)
    assert page.data["title"] == f"Survey #{survey_id}"  # one page
    inputs = fields(page)
    assert [o["label"] for o in inputs["q3"]["options"]] == ["Yes", "Maybe", "No"]
    assert inputs["q2"]["max_values"] == 3
    done = await community.alice.submit(page, {"q1": ["5"], "q2": ["1", "2"], "q3": ["2"], "q4": ""})
    assert "Thank you" in done.text
    assert await answers(community, survey_id, community.alice) == {
        "q1": ("5",),
        "q2": ("1", "2"),
        "q3": ("2",),
    }


async def test_a_mistake_is_explained_and_the_form_comes_back_with_what_was_typed(
    community: Community,
) -> None:
    form = await community.organizer.run("survey new", closes="in 5 days")
    typo = QUESTIONS.replace("[choice: Yes, Maybe, No]", "[choise: Yes, Maybe, No]")
    refused = await community.organizer.submit(
        form, {"title": "Family STEM night", "intro": "", "questions": typo}
    )
    assert refused.ephemeral
    assert "Line 3: I don't know the kind “[choise]”" in refused.text
    assert "Fix it" in refused.buttons
    again = await community.organizer.click(refused, "Fix it")
    assert again.is_modal
    assert fields(again)["questions"]["value"] == typo
    done = await community.organizer.submit(
        again, {"title": "Family STEM night", "intro": "", "questions": QUESTIONS}
    )
    assert "is posted" in done.text
    none_yet = await community.organizer.run("survey list")
    assert "Family STEM night" in none_yet.text


async def test_after_answers_only_wording_can_change(community: Community) -> None:
    survey_id = await _new(community)
    page = await open_page(community, community.alice, survey_id)
    await community.alice.submit(page, {"q1": ["4"], "q2": ["1"], "q3": ["1"], "q4": ""})

    form = await community.organizer.run("survey edit", id=survey_id)
    assert form.is_modal
    assert fields(form)["questions"]["value"] == QUESTIONS
    as_text = QUESTIONS.replace("[choice: Yes, Maybe, No]", "[text]")
    refused = await community.organizer.submit(
        form, {"title": "Family STEM night", "intro": "", "questions": as_text}
    )
    assert "its type can't change now" in refused.text
    assert "Fix it" in refused.buttons

    form = await community.organizer.run("survey edit", id=survey_id)
    fixed = QUESTIONS.replace("Would you come to a STEM night?", "Would you come to our STEM night?")
    done = await community.organizer.submit(
        form, {"title": "Family STEM night", "intro": "", "questions": fixed}
    )
    assert (
        "Wording changed (question 3: “Would you come to a STEM night?” → “Would you come to our" in done.text
    )
    assert "stays with its question and choice" in done.text
    assert (await answers(community, survey_id, community.alice))["q3"] == ("1",)
    page = await open_page(community, community.alice, survey_id)
    assert any(c.get("label") == "Would you come to our STEM night?" for c in page.data["components"])


async def test_after_answers_moving_questions_or_choices_is_refused_and_adding_at_the_end_is_explained(
    community: Community,
) -> None:
    survey_id = await _new(community)
    page = await open_page(community, community.alice, survey_id)
    await community.alice.submit(page, {"q1": ["4"], "q2": ["1"], "q3": ["1"], "q4": ""})
    lines = QUESTIONS.splitlines()

    # Two questions swapped: alice's answers would sit under the other question.
    form = await community.organizer.run("survey edit", id=survey_id)
    swapped = "\n".join([lines[0], lines[2], lines[1], lines[3]])
    refused = await community.organizer.submit(
        form, {"title": "Family STEM night", "intro": "", "questions": swapped}
    )
    assert refused.ephemeral
    assert "can't be moved, inserted or removed now" in refused.text
    assert "was question 3 and is now question 2" in refused.text
    assert "start a new survey with `/survey new`" in refused.text
    again = await community.organizer.click(refused, "Fix it")
    assert fields(again)["questions"]["value"] == swapped  # nothing typed is lost

    # Choices reordered: her "Yes" (choice 1) would read as "No".
    reordered = QUESTIONS.replace("[choice: Yes, Maybe, No]", "[choice: No, Maybe, Yes]")
    refused = await community.organizer.submit(
        again, {"title": "Family STEM night", "intro": "", "questions": reordered}
    )
    assert "the choice “No” was number 3 and is now number 1" in refused.text
    assert "Fix it" in refused.buttons
    assert await answers(community, survey_id, community.alice) == {"q1": ("4",), "q2": ("1",), "q3": ("1",)}

    # A question and a choice added at the end: accepted, and the reply says what that means.
    form = await community.organizer.run("survey edit", id=survey_id)
    longer = QUESTIONS.replace("[choice: Yes, Maybe, No]", "[choice: Yes, Maybe, No, Online only]")
    longer += "\nWhich evening suits you? [choice: Tuesday, Thursday]"
    done = await community.organizer.submit(
        form, {"title": "Family STEM night", "intro": "", "questions": longer}
    )
    assert done.ephemeral
    assert "New at the end: question 5" in done.text
    assert "New choices at the end of question 3" in done.text
    page = await open_page(community, community.alice, survey_id)
    inputs = fields(page)
    assert [o["label"] for o in inputs["q3"]["options"]] == ["Yes", "Maybe", "No", "Online only"]
    assert [o["value"] for o in inputs["q3"]["options"] if o.get("default")] == ["1"]  # still her "Yes"
    assert "q5" in inputs


async def test_a_page_open_while_its_questions_are_swapped_is_not_saved(community: Community) -> None:
    survey_id = await _new(community)
    page = await open_page(community, community.alice, survey_id)  # nobody answered yet: she has it open
    lines = QUESTIONS.splitlines()
    form = await community.organizer.run("survey edit", id=survey_id)
    swapped = "\n".join([lines[0], lines[2], lines[1], lines[3]])  # allowed: no answers yet
    done = await community.organizer.submit(
        form, {"title": "Family STEM night", "intro": "", "questions": swapped}
    )
    assert "is updated" in done.text
    late = await community.alice.submit(page, {"q1": ["4"], "q2": ["1"], "q3": ["1"], "q4": ""})
    assert late.ephemeral
    assert "questions changed while you had this page open" in late.text
    assert await answers(community, survey_id, community.alice) == {}
    fresh = await open_page(community, community.alice, survey_id)
    assert [o["label"] for o in fields(fresh)["q2"]["options"]] == ["Yes", "Maybe", "No"]


async def test_template_surveys_keep_their_wording(community: Community) -> None:
    reply = await community.organizer.run("survey start", template="pulse", closes="in 3 days")
    survey_id = int(re.search(r"#(\d+)", reply.text).group(1))  # type: ignore[union-attr]
    refused = await community.organizer.run("survey edit", id=survey_id)
    assert refused.ephemeral
    assert "keep the template's wording" in refused.text
