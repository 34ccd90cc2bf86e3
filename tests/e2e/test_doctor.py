"""`/cop doctor` and `copbot doctor` end to end, each fault staged on the emulator: what is found, in words an
organizer acts on, and the exit status."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from emulator import permissions as P
from storage.database import Database
from storage.groups import GroupRepository
from storage.guilds import Purpose
from storage.jobs import to_db_time
from tests.e2e.community import Community, eventually
from tests.e2e.process import CopbotProcess
from tests.e2e.steps.groups import setup_groups


async def doctor(community: Community) -> str:
    reply = await community.organizer.run("cop doctor")
    reply = await community.control.settled(reply, "copbot doctor")
    assert reply.ephemeral
    return reply.text


async def test_a_set_up_community_checks_out(community: Community) -> None:
    await setup_groups(community)
    text = await doctor(community)
    assert "everything checks out" in text
    assert "✓ Arizona STEM Network: copbot has every permission it needs server-wide" in text
    assert "copbot can post in all 10 configured channels" in text
    assert "copbot's role is above the 10 roles it gives" in text
    assert "commands are registered and up to date" in text
    assert "the database is intact" in text
    assert "✗" not in text


async def test_each_fault_is_named_with_the_one_thing_to_do(community: Community) -> None:
    await setup_groups(community)
    guild = await community.control.guild(community.guild_id)
    groups = {g.name: g for g in await GroupRepository(community.bot.db).all(int(community.guild_id))}
    # The announcements channel deleted (while copbot was away), a role moved above copbot's, Manage Events
    # taken away.
    made = await community.control.call(
        "POST", f"/guilds/{community.guild_id}/channels", {"name": "announcements", "type": 0}
    )
    await community.bot.guild_settings.set_channel(
        int(community.guild_id), Purpose.ANNOUNCEMENTS, int(made["id"])
    )
    await community.control.call("DELETE", f"/channels/{made['id']}")
    assert community.bot.user is not None
    denied = {"id": str(community.bot.user.id), "type": 1, "allow": "0", "deny": str(P.ATTACH_FILES)}
    meetings = await community.control.call(
        "POST",
        f"/guilds/{community.guild_id}/channels",
        {"name": "meetings", "permission_overwrites": [denied]},
    )
    await community.bot.guild_settings.set_channel(
        int(community.guild_id), Purpose.MEETINGS, int(meetings["id"])
    )
    await community.control.call(
        "PATCH", f"/guilds/{community.guild_id}/roles/{groups['Teachers'].role_id}", {"position": 250}
    )
    bot_role = f"/guilds/{community.guild_id}/roles/{guild['bot_role_id']}"
    await community.control.call("PATCH", bot_role, {"permissions": str(P.DEFAULT_BOT & ~P.MANAGE_EVENTS)})

    async def seen() -> bool:
        cached = community.bot.get_guild(int(community.guild_id))
        return cached is not None and not cached.me.guild_permissions.manage_events

    await eventually(seen, what="the change in the bot's cache")
    text = await doctor(community)
    assert "4 things to fix" in text
    assert (
        "in #meetings (the meetings channel) copbot lacks Attach Files — allow them for copbot in #meetings"
        in text
    )
    assert (
        "✗ Arizona STEM Network: copbot lacks Manage Events server-wide — grant them to copbot's role" in text
    )
    assert "the announcements channel no longer exists — choose another with /cop setup" in text
    assert (
        "copbot's role is not above Teachers, so it cannot give them — in Server Settings → Roles, drag"
        in text
    )


async def test_members_cannot_run_the_doctor(community: Community) -> None:
    reply = await community.alice.run("cop doctor")
    assert reply.ephemeral
    assert "copbot doctor" not in reply.text


async def test_copbot_doctor_prints_the_checklist_and_exits_by_it(copbot_process: CopbotProcess) -> None:
    control = copbot_process.control
    guild = await control.create_guild("Doctor Network")
    await copbot_process.sync()
    code, out, err = await copbot_process.run_once("doctor")
    assert code == 0, out + err
    assert "✓ connected, with the Server Members intent" in out
    assert "✓ Doctor Network: copbot has every permission it needs server-wide" in out
    assert out.strip().endswith("Everything checks out.")

    # Another database, whose record says nothing was registered from it: the doctor says to sync.
    fresh = copbot_process.database.with_name("fresh.db")
    copbot_process.extra_env = {"COPBOT_DATABASE": str(fresh)}
    code, out, err = await copbot_process.run_once("doctor")
    assert code == 1, out + err
    assert "✗ the commands members see are not this version's — run `copbot sync`" in out
    copbot_process.extra_env = {}

    bot_role = f"/guilds/{guild['id']}/roles/{guild['bot_role_id']}"
    # A bot with no permissions at all: neither its role nor @everyone grants anything.
    await control.call("PATCH", bot_role, {"permissions": "0"})
    await control.call("PATCH", f"/guilds/{guild['id']}/roles/{guild['id']}", {"permissions": "0"})
    code, out, err = await copbot_process.run_once("doctor")
    assert code == 1, out + err
    assert (
        "✗ Doctor Network: copbot lacks View Channels, Send Messages, Embed Links, Attach Files, Read Message"
        " History, Manage Roles, Manage Channels and Manage Events server-wide — grant them" in out
    )
    assert out.strip().endswith("1 to fix.")


async def test_copbot_doctor_explains_the_members_intent(copbot_process: CopbotProcess) -> None:
    await copbot_process.control.call("POST", "/gateway", {"action": "privileged_intents", "enabled": []})
    code, out, err = await copbot_process.run_once("doctor")
    assert code == 1, out + err
    assert "✗ Discord refused the Server Members intent (close code 4014)" in out
    assert "Privileged Gateway Intents, turn on Server Members Intent" in out
    assert "Traceback" not in err


async def test_copbot_doctor_finds_overdue_posts_and_a_damaged_database(
    copbot_process: CopbotProcess,
) -> None:
    await copbot_process.control.create_guild("Doctor Network")
    await copbot_process.sync()
    db = await Database.open(copbot_process.database)
    try:
        long_ago = datetime(
            2020, 1, 6, 16, 0, tzinfo=UTC
        )  # overdue whenever the test runs (the process's clock is real)
        await db.execute(
            "INSERT INTO jobs (guild_id, kind, owner, due_at, scheduled_for, payload, state, attempts, created_at,"
            " updated_at) VALUES (1, 'message.post', 'test', ?, ?, '{}', 'pending', 0, ?, ?)",
            (to_db_time(long_ago),) * 4,
        )
    finally:
        await db.close()
    code, out, err = await copbot_process.run_once("doctor")
    assert code == 1, out + err
    assert "✗ scheduled posts are overdue (the oldest was due" in out
    assert "— start copbot: it catches up" in out

    await asyncio.to_thread(copbot_process.database.write_bytes, b"not a database at all" * 300)
    for side in ("-wal", "-shm"):
        await asyncio.to_thread(
            copbot_process.database.with_name(copbot_process.database.name + side).unlink, True
        )
    code, out, err = await copbot_process.run_once("doctor")
    assert code == 1, out + err
    [line] = out.strip().splitlines()
    assert (
        "is not a database (SQLite cannot read it) — stop copbot, then `copbot backups` and `copbot restore`"
        in line
    )
