"""A meeting card posted by an older copbot: its buttons carry only literal custom ids (`mtg:rsvp:<id>:going`),
not anything the current code built, and they must still work, also after a restart."""

from __future__ import annotations

from typing import Any

from discord.http import Route

from emulator.driver import Actor
from storage.meetings import MeetingRepository, RsvpStatus
from tests.e2e.conftest import Community, eventually
from tests.e2e.test_meetings import card_says, schedule


async def answer_of(community: Community, meeting_id: int, actor: Actor) -> RsvpStatus | None:
    return await MeetingRepository(community.bot.db).rsvp_of(meeting_id, int(actor.user_id))


def _old_card(meeting_id: int) -> dict[str, Any]:
    """The message body an older copbot sent: plain text and one row of buttons, made by hand."""

    def button(label: str, style: int, custom_id: str) -> dict[str, Any]:
        return {"type": 2, "style": style, "label": label, "custom_id": custom_id}

    return {
        "content": "📅 Resource fair — answer below",
        "components": [
            {
                "type": 1,
                "components": [
                    button("Going", 3, f"mtg:rsvp:{meeting_id}:going"),
                    button("Maybe", 1, f"mtg:rsvp:{meeting_id}:maybe"),
                    button("Can't go", 2, f"mtg:rsvp:{meeting_id}:no"),
                    button("Add to calendar", 2, f"mtg:ics:{meeting_id}"),
                ],
            }
        ],
    }


async def test_buttons_of_a_card_an_older_copbot_posted_still_answer(community: Community) -> None:
    _, meeting_id = await schedule(community)
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=int(community.general_id))
    old = await community.bot.http.request(route, json=_old_card(meeting_id))
    assert "Going" in str(old["components"])

    going = await community.alice.click(old, f"mtg:rsvp:{meeting_id}:going")
    assert going.ephemeral
    assert "You're **going**" in going.text
    assert await answer_of(community, meeting_id, community.alice) is RsvpStatus.GOING
    # The answer shows on the meeting's current card.
    await eventually(lambda: card_says(community, meeting_id, "Going (1 person)"), what="the card's count")

    await community.restart()
    maybe = await community.bob.click(old, "Maybe")
    assert "You **might** come" in maybe.text
    assert await answer_of(community, meeting_id, community.bob) is RsvpStatus.MAYBE
    calendar = await community.bob.click(old, "Add to calendar")
    assert calendar.ephemeral
    assert "for your calendar" in calendar.text
    assert "Resource fair" in calendar.text
