"""Survey steps: an organizer starting one, its post, members answering pages, what the database holds."""

from __future__ import annotations

import re
from typing import Any

from emulator.driver import Actor, Reply
from storage.surveys import SurveyRepository
from tests.e2e.community import Community

# The readiness template's pages (5 questions each).
PAGE_ONE = {"vision": ["4"], "partners": ["3"], "rhythm": ["5"], "roles": ["2"], "leaders": ["4"]}
PAGE_TWO = {
    "families": ["3"],
    "evidence": ["2"],
    "stage": ["2"],
    "support": ["1", "4"],
    "next": "Meet monthly",
}


async def start(community: Community, template: str = "readiness", **options: Any) -> int:
    """Run `/survey start`; the new survey's number."""
    options.setdefault("closes", "in 3 days")
    reply = await community.organizer.run("survey start", template=template, **options)
    match = re.search(r"Survey \*\*#(\d+)\*\*", reply.text)
    assert match, reply.text
    return int(match.group(1))


async def post(community: Community, survey_id: int, channel_id: str | None = None) -> dict[str, Any]:
    for message in await community.control.messages(channel_id or community.general_id):
        if f"(survey #{survey_id})" in message["content"]:
            return dict(message)
    raise AssertionError(f"no post of survey #{survey_id}")


async def open_page(community: Community, actor: Actor, survey_id: int) -> Reply:
    """Click Answer the survey on its post: the member's next page, as a form (or a refusal)."""
    return await actor.click(await post(community, survey_id), "Answer the survey")


def fields(modal: Reply) -> dict[str, dict[str, Any]]:
    """The form's inputs by custom id."""
    return {c["custom_id"]: c for c in modal.components}


async def answers(community: Community, survey_id: int, actor: Actor) -> dict[str, tuple[str, ...]]:
    return await SurveyRepository(community.bot.db).answers_of(survey_id, int(actor.user_id))


async def answer_all(community: Community, actor: Actor, survey_id: int, **changes: Any) -> Reply:
    """Answer both pages of the readiness survey (`changes` replace some answers of page 1)."""
    first = await actor.submit(await open_page(community, actor, survey_id), {**PAGE_ONE, **changes})
    assert "Next page" in first.buttons, first.text
    return await actor.submit(await actor.click(first, "Next page"), PAGE_TWO)


async def every_page(actor: Actor, shown: Reply) -> str:
    """The text of every page of a paginated reply, clicking Next through them."""
    texts = [shown.text]
    match = re.search(r"Page 1 of (\d+)", shown.text)
    for _ in range(int(match.group(1)) - 1 if match else 0):
        texts.append((await actor.click(shown, "Next")).text)
    return "\n".join(texts)
