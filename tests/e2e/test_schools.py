"""`/schools` end to end: add, CSV import with bad rows, join/leave, the gaps grid, removal, limits."""

from __future__ import annotations

import csv
import io

from emulator.driver import Reply
from storage.schools import SchoolRepository
from tests.e2e.community import Community, eventually
from tests.e2e.steps.groups import join, setup_groups
from tests.e2e.steps.server import can_view, download, member_roles, snapshot

CSV = """name,district
Lincoln Elementary,Phoenix Unified
Roosevelt Middle School,Tucson Unified
lincoln elementary,Phoenix Unified
,Nowhere
Desert View High School!,Mesa Public Schools
???,Somewhere
"""


async def import_csv(community: Community, content: str, filename: str = "schools.csv") -> Reply:
    reply = await community.organizer.run("schools import", file={"filename": filename, "content": content})
    return await community.control.settled(reply, "Imported", within=15)


async def school(community: Community, name: str):  # type: ignore[no-untyped-def]
    found = await SchoolRepository(community.bot.db).by_name(int(community.guild_id), name)
    assert found is not None
    return found


async def test_add_creates_team_role_and_private_channel(community: Community) -> None:
    reply = await community.organizer.run(
        "schools add", name="Lincoln Elementary", district="Phoenix Unified"
    )
    done = await community.control.settled(reply, "Added")
    assert "#lincoln-elementary" not in done.text  # the slug is shown only when characters were dropped
    roles, channels = await snapshot(community)
    assert "Lincoln Elementary" in roles
    assert {"School teams", "lincoln-elementary"} <= set(channels)
    lincoln = await school(community, "lincoln elementary")
    assert lincoln.district == "Phoenix Unified"
    duplicate = await community.organizer.run("schools add", name="LINCOLN ELEMENTARY")
    assert "already a school" in duplicate.text
    for name, expected in [("  ", "name is empty"), ("y" * 101, "at most 100"), ("***", "letter or digit")]:
        assert expected in (await community.organizer.run("schools add", name=name)).text
    assert "Only organizers" in (await community.alice.run("schools add", name="Sneaky High")).text


async def test_csv_import_reports_created_duplicate_and_invalid_rows(community: Community) -> None:
    await community.organizer.run("schools add", name="Roosevelt Middle School")
    await eventually(lambda: _has_channel(community, "roosevelt-middle-school"), what="the first school")
    done = await import_csv(community, CSV)
    assert done.ephemeral
    assert "Imported 2 schools" in done.text
    assert "2 duplicates" in done.text
    assert "line 4: lincoln elementary (twice in the file)" in done.text
    assert "line 3: Roosevelt Middle School (already here)" in done.text
    assert "2 invalid rows" in done.text
    assert "line 5: the name is empty" in done.text
    assert "line 7: the name has no letters or digits" in done.text
    names = [s.name for s in await SchoolRepository(community.bot.db).all(int(community.guild_id))]
    assert names == ["Desert View High School!", "Lincoln Elementary", "Roosevelt Middle School"]
    _, channels = await snapshot(community)
    assert "desert-view-high-school" in channels
    assert "#desert-view-high-school" not in done.text  # import reports rows, not slugs
    assert "lincoln-elementary" in channels

    wrong = await community.organizer.run("schools import", file={"filename": "schools.pdf", "content": "x"})
    assert "Attach a .csv file" in wrong.text


async def _has_channel(community: Community, name: str) -> bool:
    return name in (await snapshot(community))[1]


async def test_join_with_autocomplete_suggestions_and_leave(community: Community) -> None:
    await import_csv(community, "Lincoln Elementary,Phoenix\nRoosevelt Middle School,Tucson\n")
    choices = await community.alice.autocomplete("schools join", "school", school="linc")
    assert [c["value"] for c in choices] == ["Lincoln Elementary"]
    assert choices[0]["name"] == "Lincoln Elementary — Phoenix"
    typo = await community.alice.run("schools join", school="Lincon Elementary")
    assert "Did you mean **Lincoln Elementary**?" in typo.text

    joined = await community.alice.run("schools join", school="Lincoln Elementary")
    assert "You joined **Lincoln Elementary**" in joined.text
    lincoln = await school(community, "Lincoln Elementary")
    assert str(lincoln.role_id) in await member_roles(community, community.alice)
    assert can_view(community, community.alice, str(lincoln.channel_id))
    assert not can_view(community, community.bob, str(lincoln.channel_id))

    await community.alice.run("schools join", school="Roosevelt Middle School")
    ambiguous = await community.alice.run("schools leave")
    assert "say which one to leave" in ambiguous.text
    left = await community.alice.run("schools leave", school="Lincoln Elementary")
    assert "You left **Lincoln Elementary**" in left.text
    assert str(lincoln.role_id) not in await member_roles(community, community.alice)
    nothing = await community.bob.run("schools leave")
    assert "aren't in any school team" in nothing.text


async def test_gaps_grid_and_list(community: Community) -> None:
    await setup_groups(community)
    await import_csv(community, "Lincoln Elementary,Phoenix\nRoosevelt Middle School,Tucson\n")
    await community.alice.run("schools join", school="Lincoln Elementary")
    await join(community.alice, "Teachers")
    await community.bob.run("schools join", school="Lincoln Elementary")
    await join(community.bob, "Business & Industry")

    gaps = await community.organizer.run("schools gaps")
    assert gaps.ephemeral
    assert "**No Students**: 2 schools" in gaps.text
    assert "**No Business & Industry**: 1 school — Roosevelt Middle School" in gaps.text
    attachments = gaps.data.get("attachments") or []
    assert [a["filename"] for a in attachments] == ["school-gaps.csv"]
    grid = gaps.embeds[0]["description"]
    lincoln_row = next(line for line in grid.splitlines() if line.startswith("Lincoln Elementary"))
    assert lincoln_row.split()[2:5] == ["2", "1", "·"]  # team size, Teachers, Instructional Coaches
    assert "BI Business & Industry" in grid
    assert "Only organizers" in (await community.alice.run("schools gaps")).text

    listing = await community.alice.run("schools list")
    assert "**Lincoln Elementary** (Phoenix) — 2 members" in listing.text
    assert "Has: Teachers, Business & Industry" in listing.text
    assert "Has: nobody yet" in listing.text  # Roosevelt


async def test_remove_archives_the_team_channel(community: Community) -> None:
    await import_csv(community, "Lincoln Elementary,Phoenix\n")
    await community.alice.run("schools join", school="Lincoln Elementary")
    lincoln = await school(community, "Lincoln Elementary")
    asked = await community.organizer.run("schools remove", name="Lincoln Elementary")
    assert "1 team member" in asked.text
    await community.organizer.click(asked, "Remove school")
    await eventually(lambda: _has_channel(community, "archived-lincoln-elementary"), what="the archive")
    roles, _ = await snapshot(community)
    assert "Lincoln Elementary" not in roles
    assert str(lincoln.role_id) not in await member_roles(community, community.alice)
    assert await SchoolRepository(community.bot.db).all(int(community.guild_id)) == []


async def test_repair_and_channel_limit(community: Community) -> None:
    await import_csv(community, "Lincoln Elementary,Phoenix\n")
    lincoln = await school(community, "Lincoln Elementary")
    await community.control.call("DELETE", f"/channels/{lincoln.channel_id}")
    repaired = await community.control.settled(await community.organizer.run("schools setup"), "ready")
    assert "Created <#" in repaired.text
    assert (await school(community, "Lincoln Elementary")).channel_id != lincoln.channel_id

    many = "\n".join(f"School {n},District" for n in range(260))
    refused = await community.organizer.run("schools import", file={"filename": "many.csv", "content": many})
    refused = await community.control.settled(refused, "Discord's 250")
    assert "needs 260 new roles" in refused.text
    assert len(await SchoolRepository(community.bot.db).all(int(community.guild_id))) == 1


async def test_import_reads_mac_line_endings_and_refuses_binary_files(community: Community) -> None:
    # Excel for Mac's "CSV (Macintosh)" ends lines with a bare carriage return.
    done = await import_csv(community, "name,district\rLincoln Elementary,Phoenix\rRoosevelt Middle,Tucson\r")
    assert "Imported 2 schools" in done.text
    assert "isn't readable" not in done.text

    xlsx = list(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00Sheet1\nLincoln,\x00\x01\x02\n")
    refused = await community.organizer.run(
        "schools import", file={"filename": "schools.csv", "content": xlsx}
    )
    refused = await community.control.settled(refused, "CSV")
    assert "isn't a plain CSV text file" in refused.text
    assert "Something went wrong" not in refused.text
    names = [s.name for s in await SchoolRepository(community.bot.db).all(int(community.guild_id))]
    assert names == ["Lincoln Elementary", "Roosevelt Middle"]


async def test_a_huge_number_as_a_school_or_group_name_is_a_friendly_answer(community: Community) -> None:
    await import_csv(community, "Lincoln Elementary,Phoenix\n")
    huge = "9" * 25
    joined = await community.alice.run("schools join", school=huge)
    assert f"I don't know a school called “{huge}”" in joined.text
    members = await community.alice.run("groups members", group=huge)
    assert f"There's no group called “{huge}”" in members.text


async def test_gaps_csv_writes_formula_looking_names_as_text(community: Community) -> None:
    await setup_groups(community)
    await community.organizer.run("groups add", name="@Volunteers")
    await import_csv(community, 'name,district\n"=HYPERLINK(""http://evil.example"",""Click"")",+Tucson\n')
    gaps = await community.organizer.run("schools gaps")
    [attachment] = (gaps.raw.get("message") or {}).get("attachments") or []  # as stored, with its URL
    rows = list(csv.reader(io.StringIO((await download(community, attachment)).decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))], cells
    assert "'@Volunteers" in rows[0]
    assert rows[1][:2] == ['\'=HYPERLINK("http://evil.example","Click")', "'+Tucson"]
