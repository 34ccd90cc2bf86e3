"""The resource library end to end: sharing, duplicates, the card's buttons, permissions, tags."""

from __future__ import annotations

import asyncio

import pytest

from emulator.driver import Reply
from tests.e2e.community import Community, eventually
from tests.e2e.steps.resources import cards, resource_number, share
from tests.e2e.steps.story import cast

NGSS = "https://www.nextgenscience.org/framework-k-12-science-education"


async def followup(community: Community, reply: Reply) -> str:
    """The private note sent after a button updated the card."""

    async def probe() -> str:
        found = await community.control.interaction(reply.interaction_id)
        return "\n".join(str(f.get("content")) for f in found.followups if f.get("ephemeral", True))

    return await eventually(probe, what="the private follow-up")


async def test_share_posts_a_card_with_buttons(library: Community) -> None:
    reply = await share(
        library,
        url="HTTPS://WWW.NextGenScience.org/framework-k-12-science-education/?utm_source=newsletter",
        title="K-12 Framework for Science Education",
        tags="Science Framework, @everyone!!, math",
        description="The framework behind NGSS. <@&123> @here",
        grades="All",
        kind="guide",
    )
    assert reply.ephemeral
    assert "Added **K-12 Framework for Science Education**" in reply.text
    assert "“@\u200beveryone!!” as “everyone”" in reply.text  # normalized, shown, and unable to ping
    posted = await eventually(lambda: cards(library), what="the card")
    assert len(posted) == 1
    card = posted[0]
    assert card["embeds"][0]["url"] == "https://www.nextgenscience.org/framework-k-12-science-education/"
    labels = [c.get("label") for row in card["components"] for c in row["components"]]
    assert labels == ["Helpful", "I used this", "Save"]
    text = str(card["embeds"][0])
    assert "Science Framework" in text
    assert "Math" in text
    stored = library.emulator.state.messages[int(card["id"])]
    assert not stored.mention_everyone
    assert stored.mentions == []
    assert stored.mention_roles == []
    assert "@\u200bhere" in card["embeds"][0]["description"]  # member-typed mention syntax is defused
    resource = await library.bot.get_cog("Resources").repo.get(int(library.guild_id), resource_number(reply))  # type: ignore[union-attr]
    assert resource is not None
    assert resource.grades == "All"
    assert resource.kind == "guide"
    assert resource.url_key == "https://www.nextgenscience.org/framework-k-12-science-education"


async def test_a_file_can_be_shared_instead_of_a_link(library: Community) -> None:
    _, alice, bob = cast(library)
    reply = await alice.shares(
        title="Engineering design rubric",
        file={"filename": "rubric.pdf", "content": "%PDF-1.4 rubric", "content_type": "application/pdf"},
        tags="Engineering",
    )
    assert "Added **Engineering design rubric**" in reply.text
    card = (await eventually(lambda: cards(library), what="the card"))[0]
    assert card["attachments"][0]["filename"] == "rubric.pdf"
    again = await bob.shares(
        title="Same rubric",
        file={"filename": "copy.pdf", "content": "%PDF-1.4 rubric", "content_type": "application/pdf"},
    )
    assert "already in the library" in again.text
    assert len(await cards(library)) == 1


async def test_link_and_file_together_or_neither_are_refused(library: Community) -> None:
    _, alice, _ = cast(library)
    both = await alice.runs(
        "/resource share", title="x", url="https://example.org", file={"filename": "a.txt", "content": "a"}
    )
    assert "either a link or a file" in both.text
    neither = await alice.runs("/resource share", title="x")
    assert "Give a link" in neither.text
    assert await cards(library) == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("javascript:alert(1)", "Only web links"),
        ("data:text/html,<b>hi</b>", "Only web links"),
        ("file:///C:/lesson.docx", "Only web links"),
        ("ftp://files.example.org/plan.pdf", "Only web links"),
        ("https://", "doesn't name a website"),
        ("https://exa mple.org", "can't contain spaces"),
        ("https://example.org/" + "a" * 2001, "I accept links up to 2,000"),
    ],
)
async def test_bad_links_are_refused_clearly(library: Community, url: str, expected: str) -> None:
    reply = await library.alice.run("resource share", title="A lesson", url=url)
    assert reply.ephemeral
    assert expected in reply.text
    assert await cards(library) == []


async def test_bad_titles_and_tags_are_refused(library: Community) -> None:
    empty = await library.alice.run("resource share", title="   ", url="https://example.org")
    assert "The title is empty" in empty.text
    long = await library.alice.run("resource share", title="t" * 257, url="https://example.org")
    assert "257 characters long" in long.text
    many = ", ".join(f"tag{i}" for i in range(11))
    too_many = await library.alice.run("resource share", title="ok", url="https://example.org", tags=many)
    assert "at most 10" in too_many.text
    junk = await library.alice.run("resource share", title="ok", url="https://example.org", tags="Math, @@##")
    assert "can't be a tag" in junk.text
    assert await cards(library) == []


async def test_an_internationalized_domain_is_accepted_and_deduplicated(library: Community) -> None:
    _, alice, bob = cast(library)
    first = await alice.shares(title="Bücher", url="https://bücher.de/Physik")
    assert "Added" in first.text
    again = await bob.shares(title="Same", url="https://XN--BCHER-KVA.de/Physik/")
    assert "already in the library" in again.text


async def test_duplicates_show_the_existing_card_and_offer_to_add_tags(library: Community) -> None:
    _, alice, bob = cast(library)
    first = await alice.shares(url=NGSS, title="K-12 Framework", tags="Science Framework")
    number = resource_number(first)
    dup = await bob.shares(
        url=NGSS.replace("https://www.", "https://WWW.") + "/?fbclid=abc&utm_medium=x#",
        title="The framework",
        tags="science framework, Engineering",
    )
    assert dup.ephemeral
    assert f"already in the library as #{number}" in dup.text
    assert "Add Engineering to it" in dup.buttons
    clicked = await bob.clicks("Add Engineering to it", on=dup)
    assert "Added **Engineering**" in clicked.text
    resource = await library.bot.get_cog("Resources").repo.get(int(library.guild_id), number)  # type: ignore[union-attr]
    assert resource is not None
    assert resource.tags == ("Engineering", "Science Framework")
    await eventually(lambda: _card_mentions(library, "Engineering"), what="the card to show the added tag")
    assert len(await cards(library)) == 1


async def _card_mentions(community: Community, text: str) -> bool:
    return any(text in str(c["embeds"]) for c in await cards(community))


async def test_two_members_sharing_the_same_link_at_once_make_one_resource(library: Community) -> None:
    replies = await asyncio.gather(
        share(library, url="https://www.pblworks.org/what-is-pbl", title="What is PBL"),
        share(
            library,
            actor=library.bob,
            url="https://pblworks.org/what-is-pbl".replace("//", "//www."),
            title="PBL",
        ),
    )
    texts = sorted(r.text for r in replies)
    assert sum("Added" in t for t in texts) == 1
    assert sum("already in the library" in t for t in texts) == 1
    await eventually(lambda: cards(library), what="the card")
    assert len(await cards(library)) == 1


async def test_buttons_count_each_member_once_and_work_after_a_restart(library: Community) -> None:
    _, alice, bob = cast(library)
    await alice.shares(url=NGSS, title="K-12 Framework")
    card = (await eventually(lambda: cards(library), what="the card"))[0]
    first = await alice.clicks("Helpful", on=card)
    assert "1 member found it helpful" in first.text  # the card itself is updated in the answer
    assert "You marked this helpful" in await followup(library, first)
    await bob.clicks("Helpful", on=card)
    await bob.clicks("I used this", on=card)
    assert "2 members found it helpful" in str((await cards(library))[0]["embeds"])
    undo = await bob.clicks("Helpful", on=card)  # a second click takes it back
    assert "took back" in await followup(library, undo)
    assert "1 member found it helpful" in str((await cards(library))[0]["embeds"])

    await library.restart()
    card = (await cards(library))[0]
    await alice.clicks("I used this", on=card)
    again = (await cards(library))[0]
    assert "1 member found it helpful" in str(again["embeds"])
    assert "2 members used it" in str(again["embeds"])
    labels = [c.get("label") for row in again["components"] for c in row["components"]]
    assert labels == ["Helpful", "I used this", "Save"]

    saved = await library.alice.click(card, "Save")
    assert saved.ephemeral
    assert "/resource saved" in saved.text
    mine = await library.alice.run("resource saved")
    assert "K-12 Framework" in mine.text
    assert "haven't saved anything" in (await library.bob.run("resource saved")).text
    unsaved = await library.alice.click(card, "Save")
    assert "Removed" in unsaved.text
    assert "haven't saved anything" in (await library.alice.run("resource saved")).text


async def test_edit_and_remove_belong_to_the_sharer_and_organizers(library: Community) -> None:
    number = resource_number(await share(library, url=NGSS, title="K-12 Framework", tags="Math"))
    stranger = await library.bob.run("resource edit", id=number)
    assert not stranger.is_modal
    assert "Only <@" in stranger.text
    assert "or an organizer" in stranger.text
    refused = await library.bob.run("resource remove", id=number)
    assert "or an organizer can remove it" in refused.text

    form = await library.alice.run("resource edit", id=number, grades="6-8")
    assert form.is_modal
    done = await library.alice.submit(
        form, {"title": "K-12 Science Framework", "description": "Updated", "tags": "Math, Engineering"}
    )
    assert "Updated #" in done.text
    await eventually(lambda: _card_mentions(library, "K-12 Science Framework"), what="the edited card")
    assert "6-8" in str((await cards(library))[0]["embeds"])

    organizer_form = await library.organizer.run("resource edit", id=number)
    assert organizer_form.is_modal
    ask = await library.organizer.run("resource remove", id=number)
    assert "Remove **K-12 Science Framework**" in ask.text
    removed = await library.organizer.click(ask, "Remove")
    assert "and its card from the library" in removed.text
    await eventually(lambda: _no_cards(library), what="the card deleted")
    assert "There is no resource" in (await library.alice.run("resource edit", id=number)).text


async def _no_cards(community: Community) -> bool:
    return await cards(community) == []


async def test_a_click_on_a_removed_resource_says_so(library: Community) -> None:
    number = resource_number(await share(library, url=NGSS, title="K-12 Framework"))
    card = (await eventually(lambda: cards(library), what="the card"))[0]
    await library.bot.get_cog("Resources").repo.remove(int(library.guild_id), number)  # type: ignore[union-attr]
    reply = await library.bob.click(card, "Helpful")
    assert reply.ephemeral
    assert "removed from the library" in reply.text


async def test_tags_autocomplete_starts_from_the_starter_set(library: Community) -> None:
    choices = await library.alice.autocomplete("resource share", "tags", tags="fund")
    assert [c["value"] for c in choices] == ["Funding & Grants"]
    later = await library.alice.autocomplete("resource share", "tags", tags="Math, eng")
    assert [c["value"] for c in later] == [
        "Math, Engineering",
        "Math, Family Engagement",
    ]  # starts-with first
    taken = await library.alice.autocomplete("resource share", "tags", tags="Math, ")
    assert "Math, Math" not in [c["value"] for c in taken]
    everything = await library.alice.autocomplete("resource share", "tags", tags="")
    assert len(everything) == 10


async def test_top_recent_and_tags(library: Community) -> None:
    first = resource_number(
        await share(library, url="https://a.example.org", title="Robotics grant", tags="Funding & Grants")
    )
    await share(
        library, url="https://b.example.org", title="Family math night", tags="Math, Family Engagement"
    )
    repo = library.bot.get_cog("Resources").repo  # type: ignore[union-attr]
    card = next(c for c in await cards(library) if "Robotics" in str(c["embeds"]))
    await library.bob.click(card, "Helpful")
    top = await library.alice.run("resource top", period="week")
    assert top.ephemeral
    helpful_field = next(f for f in top.embeds[0]["fields"] if f["name"] == "Most helpful")
    assert f"#{first}" in helpful_field["value"]
    assert "Family" not in helpful_field["value"]
    tagged = await library.alice.run("resource top", tag="Math")
    assert "No votes yet" in tagged.text
    recent = await library.alice.run("resource recent")
    assert recent.text.index("Family math night") < recent.text.index("Robotics grant")
    tags = await library.alice.run("resource tags")
    assert "**Math** — 1 resource" in tags.text
    assert "**Events** — 0 resources" in tags.text
    assert await repo.count(int(library.guild_id)) == 2


async def test_tag_rename_and_merge_are_for_organizers(library: Community) -> None:
    await share(library, url="https://a.example.org", title="Robotics grant", tags="Funding & Grants, grants")
    await share(library, url="https://b.example.org", title="STEM grant list", tags="Grants")
    assert (
        "Only organizers"
        in (await library.alice.run("resource tag-merge", a="Grants", b="Funding & Grants")).text
    )
    merged = await library.organizer.run("resource tag-merge", a="grants", b="Funding & Grants")
    assert "Merged **grants** into **Funding & Grants**: 2 resources" in merged.text  # first spelling kept
    found = await library.alice.run("resource search", query="robotics", tag="Funding & Grants")
    assert "Robotics grant" in found.text
    clash = await library.organizer.run("resource tag-rename", old="Math", new="Funding & Grants")
    assert "already exists" in clash.text
    renamed = await library.organizer.run(
        "resource tag-rename", old="Funding & Grants", new="Grants & Funding"
    )
    assert "on 2 resources" in renamed.text
    assert "Grants & Funding" in (await library.alice.run("resource search", query="grant")).text
    missing = await library.organizer.run("resource tag-rename", old="Nope", new="Whatever")
    assert "There is no tag" in missing.text
