"""Channel, thread, role and audit-log-reason refusals, each beside the nearest request Discord accepts."""

from __future__ import annotations

from typing import Any

import pytest
from refusals import Json, Rest, assert_accepted, assert_refused


async def make(rest: Rest, guild: Json, **body: Any) -> Json:
    status, data = await rest("POST", f"/guilds/{guild['id']}/channels", {"name": "made", **body})
    assert_accepted(status, data)
    return dict(data)


def tags(count: int, length: int = 4) -> list[Json]:
    return [{"name": f"{n}".rjust(length, "t")} for n in range(count)]


async def test_a_category_cannot_have_a_parent(rest: Rest, guild: Json) -> None:
    parent = await make(rest, guild, type=4)
    url = f"/guilds/{guild['id']}/channels"
    refused = {"name": "inner", "type": 4, "parent_id": parent["id"]}
    assert_refused(*await rest("POST", url, refused), "parent_id")
    assert_accepted(*await rest("POST", url, {"name": "inner", "type": 4}))
    assert_accepted(*await rest("POST", url, {"name": "inner", "type": 4, "parent_id": None}))
    assert_accepted(*await rest("POST", url, {"name": "text", "type": 0, "parent_id": parent["id"]}))
    other = await make(rest, guild, type=4)
    assert_refused(*await rest("PATCH", f"/channels/{other['id']}", {"parent_id": parent["id"]}), "parent_id")
    assert_accepted(*await rest("PATCH", f"/channels/{other['id']}", {"parent_id": None}))


CREATE_CASES = [
    pytest.param(
        {"type": 15, "available_tags": tags(21)},
        "available_tags",
        {"type": 15, "available_tags": tags(20)},
        id="over-20-forum-tags",
    ),
    pytest.param(
        {"type": 15, "available_tags": tags(1, 21)},
        "available_tags.0.name",
        {"type": 15, "available_tags": [*tags(1, 20), {"name": ""}]},
        id="tag-name-over-20",
    ),
    pytest.param(
        {"type": 15, "available_tags": [{"emoji_name": "x"}]},
        "available_tags.0.name",
        {"type": 15, "available_tags": [{"name": "x", "emoji_name": "x"}]},
        id="tag-without-name",
    ),
    pytest.param({"topic": "t" * 1025}, "topic", {"topic": "t" * 1024}, id="topic-over-1024"),
    pytest.param(
        {"type": 15, "topic": "t" * 4097}, "topic", {"type": 15, "topic": "t" * 4096}, id="forum-topic-4096"
    ),
    pytest.param({"name": ""}, "name", {"name": "n"}, id="empty-name"),
    pytest.param({"name": "n" * 101}, "name", {"name": "n" * 100}, id="name-over-100"),
    pytest.param(
        {"rate_limit_per_user": 21601},
        "rate_limit_per_user",
        {"rate_limit_per_user": 21600},
        id="slowmode-over-6-hours",
    ),
    pytest.param(
        {"default_auto_archive_duration": 30},
        "default_auto_archive_duration",
        {"default_auto_archive_duration": 4320},
        id="default-archive-duration",
    ),
    pytest.param({"position": -1}, "position", {"position": 0}, id="negative-position"),
]


@pytest.mark.parametrize(("refused", "path", "accepted"), CREATE_CASES)
async def test_channel_create_and_edit(
    rest: Rest, guild: Json, refused: Json, path: str, accepted: Json
) -> None:
    url = f"/guilds/{guild['id']}/channels"
    assert_refused(*await rest("POST", url, {"name": "c", **refused}), path)
    created = await make(rest, guild, **accepted)
    # An edit applies the same rules as a create (the type in the body, else the channel's own).
    edit = {k: v for k, v in refused.items() if k != "type"}
    assert_refused(*await rest("PATCH", f"/channels/{created['id']}", edit), path)
    assert_accepted(*await rest("PATCH", f"/channels/{created['id']}", accepted))


@pytest.mark.parametrize("kind", [2, -1, "member"])
async def test_overwrite_types(rest: Rest, guild: Json, member: Json, kind: Any) -> None:
    role, user = guild["id"], member["user"]["id"]
    refused = {"permission_overwrites": [{"id": role, "type": kind, "allow": "0", "deny": "2048"}]}
    url = f"/guilds/{guild['id']}/channels"
    assert_refused(*await rest("POST", url, {"name": "c", **refused}), "permission_overwrites.0.type")
    accepted = [
        {"id": role, "type": 0, "allow": "0", "deny": "2048"},
        {"id": user, "type": 1, "allow": "1024", "deny": "0"},
    ]
    channel = await make(rest, guild, permission_overwrites=accepted)
    path = f"/channels/{channel['id']}"
    assert_refused(*await rest("PATCH", path, refused), "permission_overwrites.0.type")
    assert_accepted(*await rest("PATCH", path, {"permission_overwrites": accepted}))
    put = f"{path}/permissions/{user}"
    assert_refused(*await rest("PUT", put, {"type": kind, "allow": "1024"}), "type")
    assert_accepted(*await rest("PUT", put, {"type": 1, "allow": "1024"}))


async def test_at_most_100_overwrites(rest: Rest, guild: Json) -> None:
    many = [{"id": guild["id"], "type": 0, "allow": "0", "deny": "0"}] * 101
    refused = {"name": "c", "permission_overwrites": many}
    assert_refused(*await rest("POST", f"/guilds/{guild['id']}/channels", refused), "permission_overwrites")
    await make(rest, guild, permission_overwrites=many[:1])


ROLE_CASES = [
    pytest.param({"color": 0x1000000}, "color", {"color": 0xFFFFFF}, id="colour-over-ffffff"),
    pytest.param({"color": -1}, "color", {"color": 0}, id="negative-colour"),
    pytest.param(
        {"colors": {"primary_color": 0x1000000}},
        "colors.primary_color",
        {"colors": {"primary_color": 0xFFFFFF}},
        id="primary-colour",
    ),
    pytest.param(
        {"colors": {"primary_color": 1, "secondary_color": -5}},
        "colors.secondary_color",
        {"colors": {"primary_color": 1, "secondary_color": 5}},
        id="secondary-colour",
    ),
    pytest.param({"name": "r" * 101}, "name", {"name": "r" * 100}, id="name-over-100"),
]


@pytest.mark.parametrize(("refused", "path", "accepted"), ROLE_CASES)
async def test_role_create_and_edit(
    rest: Rest, guild: Json, refused: Json, path: str, accepted: Json
) -> None:
    url = f"/guilds/{guild['id']}/roles"
    assert_refused(*await rest("POST", url, {"name": "r", **refused}), path)
    status, role = await rest("POST", url, {"name": "r", **accepted})
    assert_accepted(status, role)
    assert_refused(*await rest("PATCH", f"{url}/{role['id']}", refused), path)
    assert_accepted(*await rest("PATCH", f"{url}/{role['id']}", accepted))


async def threads(rest: Rest, guild: Json) -> dict[str, str]:
    """The three thread-creating routes, ready to post to."""
    text = guild["channels"][0]["id"]
    status, message = await rest("POST", f"/channels/{text}/messages", {"content": "start"})
    assert_accepted(status, message)
    forum = await make(rest, guild, type=15)
    return {
        "from-message": f"/channels/{text}/messages/{message['id']}/threads",
        "without-message": f"/channels/{text}/threads",
        "forum": f"/channels/{forum['id']}/threads",
    }


THREAD_BODIES = {
    "from-message": {},
    "without-message": {"type": 11},
    "forum": {"message": {"content": "first post"}},
}


@pytest.mark.parametrize("route", sorted(THREAD_BODIES))
@pytest.mark.parametrize("duration", [0, 120, 1441, "week"])
async def test_thread_archive_durations(rest: Rest, guild: Json, route: str, duration: Any) -> None:
    url = (await threads(rest, guild))[route]
    body = {"name": "t", **THREAD_BODIES[route]}
    assert_refused(
        *await rest("POST", url, {**body, "auto_archive_duration": duration}), "auto_archive_duration"
    )
    for accepted in (60, 1440, 4320, 10080):
        status, thread = await rest("POST", url, {**body, "auto_archive_duration": accepted})
        assert_accepted(status, thread)
        if route == "from-message":
            break  # one thread per message
    edit = f"/channels/{thread['id']}"
    assert_refused(*await rest("PATCH", edit, {"auto_archive_duration": duration}), "auto_archive_duration")
    assert_accepted(*await rest("PATCH", edit, {"auto_archive_duration": 60}))


THREAD_CASES = [
    pytest.param("from-message", {"name": ""}, "name", {"name": "n"}, id="from-message-empty-name"),
    pytest.param("from-message", {"name": None}, "name", {"name": "n" * 100}, id="from-message-no-name"),
    pytest.param("without-message", {"name": "n" * 101}, "name", {"name": "n" * 100}, id="name-over-100"),
    pytest.param("without-message", {"type": 0}, "type", {"type": 12}, id="thread-type"),
    pytest.param(
        "without-message",
        {"rate_limit_per_user": 21601},
        "rate_limit_per_user",
        {"rate_limit_per_user": 0},
        id="thread-slowmode",
    ),
    pytest.param(
        "forum",
        {"applied_tags": [str(n + 1) for n in range(6)]},
        "applied_tags",
        {"applied_tags": []},
        id="over-5-applied-tags",
    ),
]


@pytest.mark.parametrize(("route", "refused", "path", "accepted"), THREAD_CASES)
async def test_thread_bodies(
    rest: Rest, guild: Json, route: str, refused: Json, path: str, accepted: Json
) -> None:
    url = (await threads(rest, guild))[route]
    base = {"name": "t", **THREAD_BODIES[route]}
    assert_refused(*await rest("POST", url, {**base, **refused}), path)
    assert_accepted(*await rest("POST", url, {**base, **accepted}))


async def test_thread_edit_name(rest: Rest, guild: Json) -> None:
    url = (await threads(rest, guild))["without-message"]
    status, thread = await rest("POST", url, {"name": "t", "type": 11})
    assert_accepted(status, thread)
    assert_refused(*await rest("PATCH", f"/channels/{thread['id']}", {"name": "n" * 101}), "name")
    assert_accepted(*await rest("PATCH", f"/channels/{thread['id']}", {"name": "n" * 100}))


@pytest.mark.parametrize(
    ("reason", "ok"),
    [
        ("r" * 513, False),
        ("r" * 512, True),
        ("%C3%A9" * 513, False),  # URL-encoded, as discord.py sends it: 513 characters once decoded
        ("%C3%A9" * 512, True),
        ("", True),
    ],
    ids=["513", "512", "encoded-513", "encoded-512", "empty"],
)
async def test_audit_log_reason(rest: Rest, guild: Json, reason: str, ok: bool) -> None:
    channel = guild["channels"][0]["id"]
    status, data = await rest("PATCH", f"/channels/{channel}", {"topic": "t"}, {"X-Audit-Log-Reason": reason})
    if ok:
        assert_accepted(status, data)
    else:
        assert_refused(status, data, "reason", "BASE_TYPE_MAX_LENGTH")
