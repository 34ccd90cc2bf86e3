"""Needs/offers matching for `/connect`: who can help with what a member is looking for.

The scoring is pure logic. A candidate scores for each word of the need found in what they can offer
(strongest) or among their interests; cross-sector and cross-school matches are favoured, because
connections across stakeholder groups and schools are what a community of practice is for. `suggest` and
`record` are the use cases: candidates come from storage (`connect_candidates`: visible, unprotected
profiles sharing a word with the need), and an introduction is recorded with its reasons.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from storage.profiles import Profile, ProfileRepository

TOPIC_LIMIT = 200  # characters of a need kept (the `/connect topic` option's bound and the record's)
SHOWN = 5  # matches offered at once

OFFER_WEIGHT = 3.0
INTEREST_WEIGHT = 2.0
OTHER_GROUP_BONUS = 1.5
OTHER_SCHOOL_BONUS = 1.25

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "for",
        "from",
        "get",
        "have",
        "help",
        "how",
        "i",
        "in",
        "into",
        "is",
        "it",
        "looking",
        "me",
        "my",
        "need",
        "of",
        "on",
        "or",
        "our",
        "some",
        "someone",
        "something",
        "that",
        "the",
        "their",
        "them",
        "this",
        "to",
        "want",
        "we",
        "who",
        "with",
        "would",
        "you",
        "your",
    ]
)
_WORD = re.compile(r"[^\W_]+")


def stem(word: str) -> str:
    """A light stem so 'grants' meets 'grant' and 'coding' meets 'code'; good enough for short profile text."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + keep
    return word


def keywords(text: str) -> dict[str, str]:
    """Stem → the word as first written, for the meaningful words of `text`."""
    return dict(_keywords(text))


# /connect scores the same profiles' text again and again (7 of its 8 ms went to reading words).
@functools.lru_cache(maxsize=4096)
def _keywords(text: str) -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    for match in _WORD.finditer(text.lower()):
        word = match[0]
        if len(word) < 3 or word in STOPWORDS:
            continue
        found.setdefault(stem(word), word)
    return tuple(found.items())


def _matches(need: dict[str, str], offered: dict[str, str]) -> list[str]:
    """Need words present in `offered` (exact stem, or one a prefix of the other: 'robot'/'robotics')."""
    hits = []
    for need_stem, word in need.items():
        if need_stem in offered or any(
            len(need_stem) >= 4 and (o.startswith(need_stem) or need_stem.startswith(o)) and len(o) >= 4
            for o in offered
        ):
            hits.append(word)
    return hits


@dataclass(frozen=True, slots=True)
class Seeker:
    user_id: int
    need: str  # what they are looking for (or the typed topic)
    group_id: int | None = None
    school_key: str | None = None  # linked school id or organization, compared for "another school"


@dataclass(frozen=True, slots=True)
class Candidate:
    user_id: int
    offers: str
    interests: Sequence[str]
    group_id: int | None = None
    school_key: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    user_id: int
    score: float
    offered: tuple[str, ...]  # need words found in what they can offer
    shared: tuple[str, ...]  # need words found among their interests
    other_group: bool
    other_school: bool

    def reasons(self, group_name: str | None = None) -> list[str]:
        out = []
        if self.offered:
            out.append("can offer " + ", ".join(self.offered))
        if self.shared:
            out.append("interested in " + ", ".join(self.shared))
        if self.other_group:
            out.append(f"another sector ({group_name})" if group_name else "another sector")
        if self.other_school:
            out.append("another school or organization")
        return out


def score(seeker: Seeker, candidate: Candidate, need: dict[str, str] | None = None) -> Match | None:
    """How well `candidate` answers the seeker's need; None when nothing they offer or like matches."""
    need = keywords(seeker.need) if need is None else need
    offered = _matches(need, keywords(candidate.offers))
    shared = [w for w in _matches(need, keywords(" ".join(candidate.interests))) if w not in offered]
    if not offered and not shared:
        return None
    value = OFFER_WEIGHT * len(offered) + INTEREST_WEIGHT * len(shared)
    other_group = (
        seeker.group_id is not None
        and candidate.group_id is not None
        and seeker.group_id != candidate.group_id
    )
    other_school = bool(
        seeker.school_key and candidate.school_key and seeker.school_key != candidate.school_key
    )
    if other_group:
        value *= OTHER_GROUP_BONUS
    if other_school:
        value *= OTHER_SCHOOL_BONUS
    return Match(candidate.user_id, value, tuple(offered), tuple(shared), other_group, other_school)


def rank(seeker: Seeker, candidates: Iterable[Candidate], *, limit: int = 10) -> list[Match]:
    """The best matches first (ties: more offered words, then lower user id for a stable order)."""
    need = keywords(seeker.need)
    if not need:
        return []
    found = [
        m for c in candidates if c.user_id != seeker.user_id and (m := score(seeker, c, need)) is not None
    ]
    found.sort(key=lambda m: (-m.score, -len(m.offered), m.user_id))
    return found[:limit]


def school_key(profile: Profile) -> str | None:
    """What "the same school" means: the linked school, else the organization as typed (case and spaces aside)."""
    if profile.school_id is not None:
        return f"school:{profile.school_id}"
    return " ".join(profile.organization.casefold().split()) or None


def candidate_of(profile: Profile) -> Candidate:
    return Candidate(
        profile.user_id, profile.offers, profile.interests, profile.group_id, school_key(profile)
    )


def need_of(topic: str | None, mine: Profile | None) -> str:
    """What the member is looking for: the typed topic, else their profile's “I'm looking for”, else their
    interests; "" when there is nothing to go on."""
    return (topic or "").strip() or ((mine.seeks or ", ".join(mine.interests)) if mine else "")


@dataclass(frozen=True, slots=True)
class Suggestions:
    """`/connect`'s answer: the need understood, the best matches first, and each match's profile."""

    need: str
    matches: list[Match] = field(default_factory=list)
    profiles: dict[int, Profile] = field(default_factory=dict)


async def suggest(
    profiles: ProfileRepository, guild_id: int, user_id: int, topic: str | None, *, limit: int = SHOWN
) -> Suggestions:
    """Who can help `user_id` with `topic` (or what their profile says they look for)."""
    mine = await profiles.get(guild_id, user_id)
    need = need_of(topic, mine)
    if not need:
        return Suggestions("")
    seeker = Seeker(user_id, need, mine.group_id if mine else None, school_key(mine) if mine else None)
    # Only the words that can score (`keywords`: no "a", "and", "the"): "a"* alone matches most profiles.
    words = " ".join(keywords(need).values())
    found = await profiles.connect_candidates(guild_id, words, exclude=user_id) if words else []
    candidates = {p.user_id: p for p in found}
    matches = rank(seeker, (candidate_of(p) for p in candidates.values()), limit=limit)
    return Suggestions(need, matches, {m.user_id: candidates[m.user_id] for m in matches})


async def record(
    profiles: ProfileRepository,
    guild_id: int,
    seeker_id: int,
    need: str,
    match: Match,
    *,
    group_name: str | None,
    now: datetime,
) -> int:
    """An introduction asked for through `/connect`, kept with why they were matched (for `/cop stats`)."""
    return await profiles.record_connection(
        guild_id,
        seeker_id,
        match.user_id,
        need[:TOPIC_LIMIT],
        "; ".join(match.reasons(group_name)),
        now=now,
    )
