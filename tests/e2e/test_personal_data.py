"""`/profile delete` end to end: no byte of what the member typed stays in the database file, and what the bot
posted about them on Discord is deleted or redrawn without them — or the member is told what remains."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emulator import permissions as P
from emulator.driver import Actor, Reply, message_text
from storage.meetings import MeetingRepository
from storage.resources import ResourceRepository
from tests.e2e.community import Community, eventually
from tests.e2e.steps.introductions import introduce, ready
from tests.e2e.steps.meetings import card, schedule
from tests.e2e.steps.resources import share
from tests.e2e.steps.server import deny_bot, message_saying, person

TOKEN = "Zqxj7token"  # what the leaving member types, everywhere
# FTS5 stores terms lower-cased and prefix-compressed against the term before them, so a leftover of the
# token may appear without its first letters: scan for an inner piece as well as the whole.
NEEDLES = (TOKEN.lower().encode(), b"qxj7")
KEPT = "Keep5alice"  # what another member typed: it must survive


def database_files(community: Community) -> list[Path]:
    path = community.bot.db.path
    return [
        p
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))
        if p.exists()
    ]


def occurrences(community: Community, needles: tuple[bytes, ...] = NEEDLES) -> dict[str, int]:
    """How often each needle occurs (any case) in the database file, its write-ahead log and its index."""
    found: dict[str, int] = {}
    for path in database_files(community):
        data = path.read_bytes().lower()
        for needle in needles:
            if count := data.count(needle):
                found[f"{path.name}: {needle.decode()}"] = count
    return found


async def checkpoint(community: Community) -> None:
    """What an attacker with the file would wait for: every page written back into the database file."""
    await community.bot.db.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")


async def delete_my_data(community: Community, actor: Actor) -> str:
    asked = await actor.run("profile delete")
    await actor.click(asked, "Delete my data")
    return await eventually(
        lambda: message_saying(community, actor, asked, "Deleted"), within=10, what="the confirmation"
    )


async def library_channel(community: Community) -> str:
    channel = await community.control.call(
        "POST", f"/guilds/{community.guild_id}/channels", {"name": "resources"}
    )
    reply = await community.organizer.run("resource channel", channel=channel["id"])
    assert "Resource cards will be posted" in reply.text, reply.text
    return str(channel["id"])


async def everything_posted(community: Community, channels: list[str]) -> str:
    return json.dumps([await community.control.messages(c) for c in channels])


async def test_deleting_your_data_leaves_no_byte_of_it_in_the_database_file_nor_on_discord(
    community: Community,
) -> None:
    intros = await ready(community)
    resources = await library_channel(community)
    zed = await person(community, "zed_leaving")
    welcome = await eventually(
        lambda: _mentioning(community, intros, zed), what="the welcome that mentions the newcomer"
    )
    await introduce(
        community,
        zed,
        name=f"Zed {TOKEN}",
        organization=f"{TOKEN} Academy",
        title=f"{TOKEN} teacher",
        interests=f"{TOKEN}robots, coding",
        offers=f"{TOKEN} mentoring",
        seeks=f"help with {TOKEN}",
    )
    await introduce(community, community.alice, name="Alice Adams", offers=f"{KEPT} kits")
    mine = await share(
        community,
        zed,
        title=f"{TOKEN} robot kit",
        url=f"https://example.org/{TOKEN}",
        tags=f"{TOKEN}tag, Math",
        description=f"How the {TOKEN} works",
    )
    assert "Added" in mine.text, mine.text
    theirs = await share(
        community,
        community.alice,
        title=f"{KEPT} lesson",
        url="https://example.org/lesson",
        tags=f"{KEPT}tag, Math",
        description="A lesson",
    )
    assert "Added" in theirs.text, theirs.text
    _, meeting_id = await schedule(community, title="Mid-year meeting", channel=community.general_id)
    await zed.run("meeting agenda-suggest", id=meeting_id, topic=f"{TOKEN} topic")
    await community.alice.run("meeting agenda-suggest", id=meeting_id, topic=f"{KEPT} topic")
    items = {item.topic: item for item in await MeetingRepository(community.bot.db).agenda(meeting_id)}
    pinned = await community.organizer.run(
        "meeting agenda-pin", id=meeting_id, topic=items[f"{TOKEN} topic"].id
    )
    assert "is now on the agenda" in pinned.text
    await eventually(
        lambda: _card_says(community, meeting_id, TOKEN), what="the member's topic on the meeting card"
    )
    agenda = await community.bob.run("meeting agenda", id=meeting_id)
    assert TOKEN in agenda.text
    assert KEPT in agenda.text
    channels = [intros, resources, community.general_id]
    assert TOKEN in await everything_posted(community, channels)
    await checkpoint(community)
    assert occurrences(community), "the scan must find the member's words before the deletion"

    done = await delete_my_data(community, zed)
    assert "your intro card" in done
    assert "your welcome message" in done
    assert "remain" not in done, done

    assert occurrences(community) == {}, "before a checkpoint"
    await checkpoint(community)
    assert occurrences(community) == {}, "after a checkpoint"

    async def gone_from_discord() -> bool:
        posted = await everything_posted(community, channels)
        return TOKEN not in posted and f"<@{zed.user_id}>" not in posted

    await eventually(gone_from_discord, what="every message about the member deleted or redrawn")
    assert int(welcome["id"]) not in community.emulator.state.messages
    shown = message_text(await _message(community, community.general_id, agenda))
    assert f"{KEPT} topic" in shown
    assert TOKEN not in shown
    # The other members' data is intact, in the file and in every feature.
    assert occurrences(community, (KEPT.lower().encode(),))
    assert "Alice Adams" in (await community.bob.run("directory", text=KEPT)).text
    repo = ResourceRepository(community.bot.db)
    tags = dict(await repo.tag_counts(int(community.guild_id)))
    assert tags[f"{KEPT}tag"] == 1
    assert tags["Math"] == 1
    assert "Engineering" in tags  # unused starter tags stay
    assert f"{KEPT} lesson" in (await community.bob.run("resource search", query=KEPT)).text
    topics = [item.topic for item in await MeetingRepository(community.bot.db).agenda(meeting_id)]
    assert topics == [f"{KEPT} topic"]


async def test_what_the_bot_could_not_take_off_discord_is_named_to_the_member(community: Community) -> None:
    intros = await ready(community)
    zed = await person(community, "zed_leaving")
    await eventually(lambda: _mentioning(community, intros, zed), what="the welcome")
    await introduce(community, zed, name=f"Zed {TOKEN}")
    await deny_bot(community, intros, P.VIEW_CHANNEL)

    done = await delete_my_data(community, zed)
    assert "couldn't remove" in done, done
    assert "your intro card" in done.split("couldn't remove")[1]
    assert "your welcome message" in done.split("couldn't remove")[1]
    assert f"/channels/{community.guild_id}/{intros}/" in done  # a link to each, to report or delete it
    assert "profile (" in done  # the rows went all the same
    await checkpoint(community)
    assert occurrences(community) == {}


async def _mentioning(community: Community, channel: str, actor: Actor) -> dict[str, Any] | None:
    return next(
        (m for m in await community.control.messages(channel) if f"<@{actor.user_id}>" in m["content"]), None
    )


async def _card_says(community: Community, meeting_id: int, text: str) -> bool:
    return text in message_text(await card(community, meeting_id))


async def _message(community: Community, channel: str, reply: Reply) -> dict[str, Any]:
    return next(m for m in await community.control.messages(channel) if m["id"] == reply.message_id)
