"""The library's use cases without Discord: sharing (one source, link or file, duplicates, tags), changing,
tags, marks (helpful, I used this, saved) and what a search finds. Plain data in and out; a refusal is
`Refused` with the member's text."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from core.clock import Clock
from storage.fts import terms
from storage.resources import (
    Mark,
    NewResource,
    Ranked,
    Resource,
    ResourceRepository,
    TagError,
    tag_key,
)

from .errors import Refused
from .inputs import TagInput, clean_description, clean_title, parse_tags
from .urls import normalize_url

RESULTS = 30  # search results shown (three pages of ten)
MAX_FILE_BYTES = 25 * 1024 * 1024
PERIODS = {"week": timedelta(days=7), "month": timedelta(days=30), "year": timedelta(days=365), "all": None}
MARK_OF = {"helpful": Mark.HELPFUL, "used": Mark.USED, "save": Mark.SAVED}  # a card button's mark
GONE = "That resource was removed from the library in the meantime."


@dataclass(frozen=True, slots=True)
class Link:
    """Where a shared resource opens, and the key duplicates are found by."""

    url: str
    key: str


@dataclass(frozen=True, slots=True)
class Shared:
    resource: Resource  # the new one, or the one already holding the link
    created: bool
    new_tags: list[str]  # a duplicate: the member's tags it lacks (as the guild spells them)


@dataclass(frozen=True, slots=True)
class Toggled:
    mark: Mark
    on: bool  # the member's mark is now set
    resource: Resource


def one_source(url: str | None, has_file: bool) -> None:
    """A share is of a link or of a file: exactly one."""
    if url and has_file:
        raise Refused("Share either a link or a file, not both: run the command once for each.")
    if not url and not has_file:
        raise Refused(
            "Give a link in `url`, or attach a document in `file`, so people can open the resource."
        )


def link_of(url: str) -> Link:
    """A link a member typed, checked and cleaned (`urls.normalize_url`); Refused (a `UrlError`) if not."""
    found = normalize_url(url)
    return Link(found.display, found.key)


def check_size(size: int) -> None:
    """Files the library keeps are at most MAX_FILE_BYTES."""
    if size > MAX_FILE_BYTES:
        raise Refused(f"That file is too large to keep; files up to {MAX_FILE_BYTES // 2**20} MB work.")


def file_link(url: str, data: bytes) -> Link:
    """A shared file: the same bytes are the same resource, whatever the file is called."""
    return Link(url, "file:" + hashlib.sha256(data).hexdigest())


def missing_tags(existing: Resource, tags: Sequence[str]) -> list[str]:
    """Of the tags a member gave with a duplicate, those the resource in the library lacks."""
    have = {tag_key(t) for t in existing.tags}
    return [t for t in tags if tag_key(t) not in have]


def may_change(resource: Resource, user_id: int, *, organizer: bool) -> bool:
    """The sharer may change or remove a resource, and so may an organizer."""
    return organizer or resource.shared_by == user_id


async def find(repo: ResourceRepository, guild_id: int, resource_id: int) -> Resource:
    """The guild's resource numbered `resource_id`; a number no resource of the guild has is refused."""
    found = await repo.get(guild_id, resource_id)
    if found is None:
        raise Refused(f"There is no resource #{resource_id}. `/resource search` shows each one's number.")
    return found


async def check_may_change(
    resource: Resource, user_id: int, doing: str, *, organizer: Callable[[], Awaitable[bool]]
) -> None:
    """Refused unless the member may `doing` the resource (`may_change`); `organizer` is asked only when the
    member is not its sharer."""
    if not may_change(resource, user_id, organizer=resource.shared_by != user_id and await organizer()):
        raise Refused(
            f"Only <@{resource.shared_by}>, who shared #{resource.id}, or an organizer can {doing} it. "
            "If something about it is wrong, let them know."
        )


def period_start(period: str, now: datetime) -> datetime | None:
    """Where `/resource top`'s period begins (None: all time)."""
    span = PERIODS.get(period)
    return now - span if span else None


class Library:
    """The library's use cases for one database; every call names its guild."""

    def __init__(self, repo: ResourceRepository, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock

    # -- sharing -------------------------------------------------------------------------------------------

    async def share(self, new: NewResource, link: Link, tags: Sequence[str]) -> Shared:
        """Add the resource with its tags as the guild spells them, or find the one holding its link (and
        which of the member's tags it lacks)."""
        await self.repo.ensure_starter_tags(new.guild_id)
        canonical = await self.repo.canonical_tags(new.guild_id, tags)
        new = replace(new, url=link.url, url_key=link.key, tags=canonical)
        outcome = await self.repo.share(new, now=self.clock.now())
        if outcome.created:
            return Shared(outcome.resource, True, [])
        return Shared(outcome.resource, False, missing_tags(outcome.resource, canonical))

    async def add_tags(self, guild_id: int, resource_id: int, tags: Sequence[str]) -> Resource:
        """Add a duplicate's new tags to the resource already in the library."""
        try:
            updated = await self.repo.add_tags(guild_id, resource_id, tags, now=self.clock.now())
        except TagError as exc:
            raise Refused(str(exc)) from None
        if updated is None:
            raise Refused(GONE)
        return updated

    # -- changing ------------------------------------------------------------------------------------------

    async def editable(
        self,
        guild_id: int,
        resource_id: int,
        user_id: int,
        doing: str,
        *,
        organizer: Callable[[], Awaitable[bool]],
    ) -> Resource:
        """The resource, if it is still there and this member may `doing` it (`check_may_change`)."""
        found = await find(self.repo, guild_id, resource_id)
        await check_may_change(found, user_id, doing, organizer=organizer)
        return found

    async def edit(
        self,
        guild_id: int,
        resource_id: int,
        *,
        title: str,
        description: str,
        tags: str,
        grades: str | None,
        kind: str | None,
    ) -> tuple[Resource, TagInput]:
        """Change a resource as the edit form gave it; the resource now, and how its tags were read."""
        tag_input = parse_tags(tags)
        canonical = await self.repo.canonical_tags(guild_id, tag_input.tags)
        updated = await self.repo.update(
            guild_id,
            resource_id,
            now=self.clock.now(),
            title=clean_title(title),
            description=clean_description(description),
            tags=canonical,
            grades=grades,
            kind=kind,
        )
        if updated is None:
            raise Refused(GONE)
        return updated, tag_input

    async def rename_tag(self, guild_id: int, old: str, new: str) -> tuple[int, TagInput]:
        """Rename a tag everywhere; how many resources carry it, and how the new name was read."""
        tag_input = parse_tags(new)
        if len(tag_input.tags) != 1:
            raise Refused("Give exactly one new name (no commas).")
        try:
            count = await self.repo.rename_tag(guild_id, old, tag_input.tags[0], now=self.clock.now())
        except TagError as exc:
            raise Refused(str(exc)) from None
        return count, tag_input

    async def merge_tags(self, guild_id: int, a: str, b: str) -> tuple[str, str, int]:
        """Fold tag `a` into `b`: their spellings and how many resources now carry `b`."""
        try:
            return await self.repo.merge_tags(guild_id, a, b, now=self.clock.now())
        except TagError as exc:
            raise Refused(str(exc)) from None

    # -- marks ---------------------------------------------------------------------------------------------

    async def toggle(self, guild_id: int, resource_id: int, user_id: int, action: str) -> Toggled:
        """A card button: set the member's mark, or take it back; a member counts once."""
        mark = MARK_OF[action]
        toggled = await self.repo.toggle(guild_id, resource_id, user_id, mark, now=self.clock.now())
        if toggled is None:
            raise Refused("This resource was removed from the library.")
        on, resource = toggled
        return Toggled(mark, on, resource)

    # -- finding -------------------------------------------------------------------------------------------

    async def search(
        self, guild_id: int, query: str, *, tag: str | None, grades: str | None, kind: str | None
    ) -> list[Resource]:
        """The best RESULTS matches of the guild's resources; a search without words is refused."""
        if not terms(query):
            raise Refused(
                "There are no words in that search to look for. Type a word or two, like `robotics` or "
                "`grant` — the start of a word is enough."
            )
        return await self.repo.search(guild_id, query, tag=tag, grades=grades, kind=kind, limit=RESULTS)

    async def top(self, guild_id: int, period: str, tag: str | None) -> dict[Mark, list[Ranked]]:
        """The ten most helpful and the ten most used, by the marks of `period`."""
        since = period_start(period, self.clock.now())
        return {
            mark: await self.repo.top(guild_id, mark, since=since, tag=tag, limit=10)
            for mark in (Mark.HELPFUL, Mark.USED)
        }

    async def candidates(self, guild_id: int, text: str, typed: int | None) -> list[Resource]:
        """Resources for an id's autocomplete: the one numbered `typed`, else matches of the text, else the
        most recent."""
        text = text.strip()
        if typed is not None:
            found = await self.repo.get(guild_id, typed)
            return [found] if found else []
        if text.isdigit():
            return []  # a number no resource can have
        if text:
            return await self.repo.search(guild_id, text, limit=25)
        return await self.repo.recent(guild_id, limit=25)
