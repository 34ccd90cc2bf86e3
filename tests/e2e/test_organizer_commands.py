"""What members see of organizer commands: every command is in their list (none registers
`default_member_permissions`, which would hide it from organizers by role too), and running one tells them
it is for organizers, without doing anything."""

from __future__ import annotations

import discord

from tests.e2e.community import Community
from tests.e2e.steps.server import organizer_by_role

NOT_FOR_MEMBERS = "Only organizers can do this"
# Organizer commands without required options, one or more of each feature.
ORGANIZER_COMMANDS = (
    "announce list",
    "cop jobs",
    "cop stats",
    "groups setup",
    "schools gaps",
    "intro remind",
)


async def test_no_command_is_hidden_by_default_member_permissions(community: Community) -> None:
    registered = list(community.emulator.state.global_commands.values())
    assert {c["name"] for c in registered} >= {"cop", "announce", "groups", "schools", "meeting", "resource"}
    assert [c["name"] for c in registered if c.get("default_member_permissions") is not None] == []


async def test_a_member_who_runs_an_organizer_command_is_told_it_is_for_organizers(
    community: Community,
) -> None:
    for command in ORGANIZER_COMMANDS:
        reply = await community.alice.run(command)
        assert reply.ephemeral, command
        assert NOT_FOR_MEMBERS in reply.text, (command, reply.text)
    assert await community.control.messages(community.general_id) == []


async def test_an_organizer_by_role_reaches_the_wholly_organizer_command(community: Community) -> None:
    # The emulator refuses a command whose default_member_permissions the member lacks, as Discord hides it:
    # an organizer by role without Manage Server still reaches /announce.
    carol = await organizer_by_role(community)
    guild = community.bot.get_guild(int(community.guild_id))
    assert guild is not None
    member = guild.get_member(int(carol.user_id))
    assert member is not None
    assert not member.guild_permissions.manage_guild
    reply = await carol.run("announce list")
    assert NOT_FOR_MEMBERS not in reply.text
    assert "announcement" in reply.text.lower()


def test_organizer_only_adds_no_default_permissions() -> None:
    from bot.checks import organizer_only

    @organizer_only()
    async def callback(interaction: discord.Interaction) -> None: ...

    command = discord.app_commands.Command(name="x", description="x", callback=callback)
    assert command.default_permissions is None
    assert command.guild_only
    assert command.checks
