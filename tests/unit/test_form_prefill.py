"""Re-opened forms: every pre-filled value fits its input (Discord refuses the whole form otherwise).

The emulator checks only Discord's absolute 4000-character cap on a text input's value, not a value against
the input's own max_length, so these build the forms directly.
"""

from __future__ import annotations

from typing import Any

import discord

from cogs.introductions.cards import INTERESTS_LIMIT, check_intro
from cogs.introductions.flow import IntroModal, NeedsModal
from cogs.resources.forms import EditModal, ShareForm, ShareModal
from core.text import prefill, prefill_list
from storage.profiles import Profile
from storage.resources import Resource
from tests.clock import pinned_now

BOT: Any = None  # the forms only keep it for their submit handler


def text_inputs(modal: discord.ui.Modal) -> list[discord.ui.TextInput[Any]]:
    return [item for item in modal.walk_children() if isinstance(item, discord.ui.TextInput)]


def assert_defaults_fit(modal: discord.ui.Modal) -> None:
    for item in text_inputs(modal):
        assert item.max_length is not None
        assert len(item.default or "") <= item.max_length, (item.label, len(item.default or ""))


async def test_interests_typed_without_spaces_fit_the_form_again() -> None:
    typed = ",".join(f"interests-number-{n:02}" for n in range(15))  # 15 interests, 299 characters
    assert len(typed) <= INTERESTS_LIMIT
    fields = check_intro("Alice", "Lincoln", "Teacher", typed)
    assert len(", ".join(fields.interests)) > INTERESTS_LIMIT  # the old pre-fill was refused by Discord
    profile = Profile(1, 2, fields.name, fields.organization, title=fields.title, interests=fields.interests)
    modal = IntroModal(BOT, 1, [], profile)
    assert_defaults_fit(modal)
    interests = next(i for i in text_inputs(modal) if i.custom_id == "interests")
    assert interests.default is not None
    assert (
        check_intro("Alice", "Lincoln", "", interests.default).interests == fields.interests
    )  # nothing lost


async def test_every_prefilled_field_of_both_intro_forms_fits() -> None:
    long = Profile(
        1,
        2,
        "N" * 200,
        "O" * 200,
        title="T" * 200,
        interests=tuple("x" * 40 for _ in range(15)),
        offers="o" * 1500,
        seeks="s" * 1500,
    )
    assert_defaults_fit(IntroModal(BOT, 1, [], long))
    assert_defaults_fit(NeedsModal(BOT, 1, long))
    empty = Profile(1, 2, "Al")
    assert [i.default for i in text_inputs(NeedsModal(BOT, 1, empty))] == [None, None]


async def test_the_resource_forms_prefill_within_their_limits() -> None:
    now = pinned_now()
    resource = Resource(
        7, 1, "https://example.org", "example.org", "T" * 300, "D" * 2500, None, None, 2, None, None, None,
        None, None, None, None, 0, 0, now, now, tags=tuple(f"tag {n} " + "x" * 24 for n in range(20)),
    )  # fmt: skip
    edit = EditModal(resource, on_submit=_nothing)
    assert_defaults_fit(edit)
    assert all(i.default for i in text_inputs(edit))
    share = ShareModal(
        ShareForm("T" * 300, "https://example.org/" + "p" * 2100, "D" * 2500, "t," * 300), _nothing
    )
    assert_defaults_fit(share)


def test_prefill_keeps_whole_items_and_never_gives_an_empty_default() -> None:
    assert prefill("", 10) is None
    assert prefill("abcdef", 4) == "abcd"
    assert prefill_list(("ab", "cd"), 10) == "ab, cd"
    assert prefill_list(("ab", "cd", "ef"), 8) == "ab,cd,ef"  # ", " would not fit
    assert prefill_list(("abc", "def", "ghi"), 8) == "abc,def"  # only whole items
    assert prefill_list(("abcdefghij",), 4) == "abcd"
    assert prefill_list((), 10) is None


async def _nothing(*_: Any) -> None:
    return None
