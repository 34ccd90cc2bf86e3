"""Steps about the server itself: members, roles, channel permissions, what was posted where."""

from __future__ import annotations

import asyncio
from typing import Any

from emulator.driver import Actor, Reply
from tests.e2e.community import Community, eventually

VIEW_CHANNEL = 1 << 10
MENTION_EVERYONE = 1 << 17


async def person(community: Community, username: str) -> Actor:
    actor = await community.control.add_member(community.guild_id, username)
    actor.channel_id = community.general_id
    return actor


async def download(community: Community, attachment: dict[str, Any]) -> bytes:
    async with community.control.session.get(attachment["url"]) as response:
        assert response.status == 200
        return await response.read()


async def deny_bot(community: Community, channel_id: str, permissions: int) -> None:
    """An admin takes `permissions` away from the bot's role in one channel (other overwrites kept)."""
    guild = await community.control.guild(community.guild_id)
    channel = next(c for c in guild["channels"] if c["id"] == channel_id)
    overwrites = [o for o in channel["permission_overwrites"] if o["id"] != guild["bot_role_id"]]
    overwrites.append({"id": guild["bot_role_id"], "type": 0, "allow": "0", "deny": str(permissions)})
    await community.control.call("PATCH", f"/channels/{channel_id}", {"permission_overwrites": overwrites})


async def said_in(community: Community, channel: str, text: str) -> str | None:
    return next(
        (m["content"] for m in await community.control.messages(channel) if text in m["content"]), None
    )


async def message_saying(community: Community, actor: Actor, reply: Reply, text: str) -> str | None:
    """The current content of the (ephemeral) message a reply created, once it contains `text`."""
    messages = await community.control.call(
        "GET", f"/channels/{actor.channel_id}/messages?as_user={actor.user_id}&include_ephemeral=1"
    )
    content = next((m["content"] for m in messages if m["id"] == reply.message_id), "")
    return content if text in content else None


async def snapshot(community: Community) -> tuple[dict[str, str], dict[str, str]]:
    """Role name → id and channel name → id, as Discord (the emulator) holds them."""
    guild = await community.control.guild(community.guild_id)
    return (
        {r["name"]: r["id"] for r in guild["roles"]},
        {c["name"]: c["id"] for c in guild["channels"]},
    )


def can_view(community: Community, actor: Actor, channel_id: str) -> bool:
    bits = community.emulator.state.permissions_for(
        int(community.guild_id), int(actor.user_id), int(channel_id)
    )
    return bool(bits & VIEW_CHANNEL)


async def member_roles(community: Community, actor: Actor) -> set[str]:
    guild = await community.control.guild(community.guild_id)
    member = next(m for m in guild["members"] if m["user"]["id"] == actor.user_id)
    return set(member["roles"])


async def make_role(community: Community, name: str, *, mentionable: bool) -> int:
    role = await community.control.call(
        "POST",
        f"/guilds/{community.guild_id}/roles",
        {"name": name, "permissions": "0", "mentionable": mentionable},
    )
    role_id = int(role["id"])
    await eventually(lambda: _has_role(community, role_id), what=f"the role {name} in the bot's cache")
    return role_id


async def _has_role(community: Community, role_id: int) -> bool:
    guild = community.bot.get_guild(int(community.guild_id))
    return guild is not None and guild.get_role(role_id) is not None


async def organizer_by_role(community: Community) -> Actor:
    """carol: an organizer through the organizer role, in a server where @everyone can't mention everyone."""
    guild = await community.control.guild(community.guild_id)
    everyone = next(r for r in guild["roles"] if str(r["id"]) == community.guild_id)
    await community.control.call(
        "PATCH",
        f"/guilds/{community.guild_id}/roles/{community.guild_id}",
        {"permissions": str(int(everyone["permissions"]) & ~MENTION_EVERYONE)},
    )
    organizers = await make_role(community, "Organizers", mentionable=False)
    await community.organizer.run("cop organizer-role", role=str(organizers))
    carol = await community.control.add_member(
        community.guild_id, "carol_coordinator", roles=[str(organizers)]
    )
    carol.channel_id = community.general_id

    async def settled() -> bool:
        guild = community.bot.get_guild(int(community.guild_id))
        member = guild.get_member(int(carol.user_id)) if guild else None
        return member is not None and not member.guild_permissions.mention_everyone

    await eventually(settled, what="carol in the bot's cache, without Mention Everyone")
    return carol


async def posts(community: Community, text: str, channel_id: str | None = None) -> list[dict[str, Any]]:
    return [
        m
        for m in await community.control.messages(channel_id or community.general_id)
        if text in m["content"]
    ]


async def start_before_the_guild_arrives(community: Community, kind: str) -> None:
    """Start the stopped bot with Discord holding the gateway until a job of `kind` that fell due during
    the downtime has started: it runs before the server has been sent, as after a real outage."""
    await community.control.call("POST", "/gateway", {"action": "drop", "hold": True})
    starting = asyncio.create_task(community.runner.start(sync=False))

    async def started() -> bool:
        bot = community.runner.bot
        if bot is None or not hasattr(bot, "scheduler") or not bot.scheduler.running:
            return False
        return bool(
            await bot.db.fetchval(
                "SELECT COUNT(*) FROM jobs WHERE kind = ? AND state IN ('running', 'done')", (kind,)
            )
        )

    await eventually(started, within=10, what=f"the overdue {kind} job to start")
    assert community.bot.get_guild(int(community.guild_id)) is None  # nothing of the server known yet
    await community.control.call("POST", "/gateway", {"action": "release"})
    await starting
