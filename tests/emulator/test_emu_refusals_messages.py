"""Message bodies Discord refuses (allowed_mentions, embeds, stickers), each beside the nearest one it accepts."""

from __future__ import annotations

from typing import Any

import pytest
from refusals import Json, Rest, assert_accepted, assert_refused

IDS = [str(10**17 + n) for n in range(101)]


def embed(**fields: Any) -> Json:
    return {"content": "x", "embeds": [{"title": "t", **fields}]}


def mentions(**fields: Any) -> Json:
    return {"content": "hello", "allowed_mentions": fields}


CASES = [
    pytest.param(
        mentions(parse=["users"], users=IDS[:1]),
        "allowed_mentions",
        mentions(parse=["roles"], users=IDS[:1]),
        id="parse-users-with-user-ids",
    ),
    pytest.param(
        mentions(parse=["roles"], roles=IDS[:1]),
        "allowed_mentions",
        mentions(parse=["users"], roles=IDS[:1]),
        id="parse-roles-with-role-ids",
    ),
    pytest.param(
        mentions(users=IDS), "allowed_mentions.users", mentions(users=IDS[:100]), id="over-100-user-ids"
    ),
    pytest.param(
        mentions(roles=IDS), "allowed_mentions.roles", mentions(roles=IDS[:100]), id="over-100-role-ids"
    ),
    pytest.param(
        mentions(parse=["everyone", "here"]),
        "allowed_mentions.parse.1",
        mentions(parse=["everyone", "users", "roles"]),
        id="unknown-parse-value",
    ),
    pytest.param(embed(color=0x1000000), "embeds.0.color", embed(color=0xFFFFFF), id="colour-over-ffffff"),
    pytest.param(embed(color=-1), "embeds.0.color", embed(color=0), id="negative-colour"),
    pytest.param(
        embed(url="ftp://example.com/x"), "embeds.0.url", embed(url="https://example.com/x"), id="url-scheme"
    ),
    pytest.param(embed(url="not a url"), "embeds.0.url", embed(url="http://example.com"), id="url-malformed"),
    pytest.param(
        embed(image={"url": "javascript:alert(1)"}),
        "embeds.0.image.url",
        embed(image={"url": "https://example.com/a.png"}),
        id="image-url",
    ),
    pytest.param(
        embed(author={"name": "a", "url": "attachment://a.png"}),
        "embeds.0.author.url",
        embed(author={"name": "a", "url": "https://example.com"}),
        id="author-url-not-media",
    ),
    pytest.param(
        embed(timestamp="next Tuesday"),
        "embeds.0.timestamp",
        embed(timestamp="2026-03-03T14:30:00.000Z"),
        id="timestamp-not-iso8601",
    ),
    pytest.param(
        {"content": "x", "sticker_ids": IDS[:4]},
        "sticker_ids",
        {"content": "x", "sticker_ids": IDS[:3]},
        id="over-3-stickers",
    ),
    pytest.param(
        {"content": "x", "nonce": "n" * 26},
        "nonce",
        {"content": "x", "nonce": "n" * 25},
        id="nonce-over-25",
    ),
    pytest.param(
        {"content": "x", "nonce": 1.5},
        "nonce",
        {"content": "x", "nonce": 2**63 - 1},
        id="nonce-not-string-or-integer",
    ),
]


@pytest.mark.parametrize(("refused", "path", "accepted"), CASES)
async def test_message_refusals(rest: Rest, guild: Json, refused: Json, path: str, accepted: Json) -> None:
    url = f"/channels/{guild['channels'][0]['id']}/messages"
    assert_refused(*await rest("POST", url, refused), path)
    assert_accepted(*await rest("POST", url, accepted))


async def test_an_edit_is_checked_like_a_create(rest: Rest, guild: Json) -> None:
    url = f"/channels/{guild['channels'][0]['id']}/messages"
    status, message = await rest("POST", url, {"content": "x"})
    assert_accepted(status, message)
    edit = f"{url}/{message['id']}"
    assert_refused(*await rest("PATCH", edit, embed(color=0x1000000)), "embeds.0.color")
    assert_accepted(*await rest("PATCH", edit, embed(color=0x123456)))
