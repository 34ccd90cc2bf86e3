"""An organizer by role can make the bot ping only what they could ping themselves: @everyone and roles that
aren't mentionable take Mention Everyone, for the member asking as well as for the bot."""

from __future__ import annotations

from tests.e2e.community import Community
from tests.e2e.steps.groups import group, setup_groups
from tests.e2e.steps.server import make_role, organizer_by_role

LABEL = "Mention @everyone, @here and All Roles"


async def test_an_organizer_by_role_cannot_make_the_bot_ping_everyone_or_a_closed_role(
    community: Community,
) -> None:
    carol = await organizer_by_role(community)
    quiet = await make_role(community, "Quiet", mentionable=False)
    open_role = await make_role(community, "Volunteers", mentionable=True)
    for role, what in ((community.guild_id, "notify @everyone"), (str(quiet), f"notify <@&{quiet}>")):
        refused = await carol.run(
            "announce create", channel=community.general_id, when="tomorrow 9am", ping=role
        )
        assert not refused.is_modal
        assert refused.ephemeral
        assert f"You can't {what}" in refused.text
        assert f"**{LABEL}**" in refused.text
    allowed = await carol.run(
        "announce create", channel=community.general_id, when="tomorrow 9am", ping=open_role
    )
    assert allowed.is_modal, allowed.text
    admin = await community.organizer.run(
        "announce create", channel=community.general_id, when="tomorrow 9am", ping=community.guild_id
    )
    # The admin may; then it is the bot's own permission that is missing here, and it says so.
    assert "You can't" not in admin.text
    assert f"I can't notify @everyone: I need the **{LABEL}** permission" in admin.text


async def test_an_organizer_by_role_cannot_make_meeting_reminders_ping_a_closed_group_role(
    community: Community,
) -> None:
    await setup_groups(community)
    carol = await organizer_by_role(community)
    teachers = await group(community, "Teachers")
    refused = await carol.run(
        "meeting schedule", title="Lab night", when="in 3 days", audience="Teachers", ping_audience=True
    )
    assert f"You can't mention <@&{teachers.role_id}> in reminders" in refused.text
    assert "Scheduled" not in refused.text
    assert not await community.bot.db.fetchall("SELECT id FROM meetings")
    fine = await carol.run("meeting schedule", title="Lab night", when="in 3 days", audience="Teachers")
    assert "Scheduled" in (await community.control.settled(fine, "Scheduled")).text
