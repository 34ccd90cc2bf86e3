"""`/report` end to end on a seeded statewide year: the summary and the files an evaluator gets (figures in the
workbook checked against the database, charts that open, a page with every section, a group of 4 never shown);
bad periods refused; two organizers at once; the monthly digest exactly once across a restart; personal data."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import UTC, timedelta
from typing import Any

from openpyxl import load_workbook
from PIL import Image

from emulator.driver import Reply
from tests.e2e.community import Community, eventually
from tests.e2e.steps.server import download
from tests.report_year import SMALL_GROUP_NAME, Size, seed_year

YEAR = {"period": "between dates", "start": "2025-08-01", "end": "2026-06-30"}
SECTIONS = (
    "Who takes part",
    "Where the gaps are",
    "Connections across groups and schools",
    "Meetings and agendas",
    "Resources shared and used",
    "Readiness and interest: survey results",
    "Value members say they got",
    "Goals and agreements",
)


async def _seed(community: Community, size: Size | None = None) -> Any:
    return await seed_year(community.bot.db, size or Size.small(), guild_id=int(community.guild_id))


async def _report(community: Community, **options: Any) -> Reply:
    reply = await community.organizer.run("report", **options)
    return await community.control.settled(reply, "report", within=60)


def _files(reply: Reply) -> dict[str, dict[str, Any]]:
    message = reply.raw.get("message") or {}
    return {a["filename"]: a for a in message.get("attachments") or []}


async def test_the_report_of_a_statewide_year_with_its_files(community: Community) -> None:
    year = await _seed(community, Size())  # 61 school teams, 1 000 members, 40 meetings, 500 resources, …
    reply = await _report(community, **YEAR)
    assert reply.ephemeral
    [card] = reply.embeds
    assert "Evidence report" in card["title"]
    assert "1 Aug 2025 to 30 Jun 2026" in card["description"]
    text = str(card)
    assert "Headline figures" in text
    files = _files(reply)
    assert "report.html" in files
    assert "report.xlsx" in files
    charts = [n for n in files if n.endswith(".png")]
    assert charts

    page = (await download(community, files["report.html"])).decode()
    for title in SECTIONS:
        assert title in page, title
    assert SMALL_GROUP_NAME in page  # the group is named, its figures are not
    image = Image.open(io.BytesIO(await download(community, files[charts[0]])))
    assert image.size[0] > 300
    assert image.size[1] > 200

    book = load_workbook(io.BytesIO(await download(community, files["report.xlsx"])))
    assert book.sheetnames[0] == "About"
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value]
    assert any("fewer than 5" in c for c in cells)
    # The members at the period's end (midnight in Phoenix after 30 June) are the database's, in the summary
    # and in the workbook.
    end = "2026-07-01T07:00:00.000000Z"
    profiles = await community.bot.db.fetchval(
        "SELECT COUNT(*) FROM profiles WHERE guild_id = ? AND created_at < ? AND (left_at IS NULL OR left_at >= ?)",
        (year.guild_id, end, end),
    )
    assert f"**Members:** {profiles:,}" in text
    assert str(profiles) in cells
    # The group of 4 is never given a count of its own.
    small = [
        [str(c.value) for c in row]
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        if any(c.value == SMALL_GROUP_NAME for c in row)
    ]
    assert small
    for row in small:
        numbers = [v for v in row[1:] if v.isdigit() and 0 < int(v) < 5]
        assert numbers == [], row

    again = await _report(community, period="since the last report")
    assert "since the last report" in again.embeds[0]["description"]
    made = await community.bot.db.fetchall("SELECT audience, made_by FROM reports ORDER BY id")
    assert [(r["audience"], r["made_by"]) for r in made] == [
        ("everyone", int(community.organizer.user_id))
    ] * 2


async def test_bad_periods_and_options_are_refused_and_nothing_is_made(community: Community) -> None:
    later = await community.organizer.run("report", period="between dates", start="in 3 days")
    assert later.ephemeral
    assert "hasn't come yet" in later.text
    reversed_ = await community.organizer.run("report", start="2026-09-01", end="2026-08-01")
    assert "before it starts" in reversed_.text
    assert "give the first day" in (await community.organizer.run("report", period="between dates")).text
    assert "couldn't read" in (await community.organizer.run("report", start="someday")).text
    assert "Only organizers" in (await community.alice.run("report")).text
    assert await community.bot.db.fetchval("SELECT COUNT(*) FROM reports") == 0


async def test_an_empty_period_says_so_and_two_organizers_can_ask_at_once(community: Community) -> None:
    second = await community.control.add_member(community.guild_id, "oscar_organizer", admin=True)
    second.channel_id = community.general_id
    first, other = await asyncio.gather(
        community.organizer.run("report"), second.run("report", period="since the last report")
    )
    for reply in (first, other):
        done = await community.control.settled(reply, "report", within=60)
        assert "Headline figures" in str(done.embeds[0])
        assert "report.html" in _files(done)
    page = (await download(community, _files(done)["report.html"])).decode()
    assert "No " in page  # every section says plainly that the period has nothing yet


async def test_the_monthly_summary_is_posted_once_across_a_restart(community: Community) -> None:
    await _seed(community)
    set_ = await community.organizer.run("report-digest", every="monthly")
    assert set_.ephemeral
    assert "Each month's report summary will be posted in" in set_.text
    assert "Only organizers" in (await community.alice.run("report-digest", every="off")).text
    start = community.clock.now()
    first_of_next = (start.replace(day=1) + timedelta(days=32)).replace(day=1, hour=16, minute=1)

    async def summaries() -> list[dict[str, Any]]:
        return [
            m
            for m in await community.control.messages(community.general_id)
            if any("Monthly report summary" in str(e.get("title")) for e in m.get("embeds") or [])
        ]

    await community.runner.stop()
    community.clock.set(first_of_next.astimezone(UTC))  # due while the bot was down
    await community.runner.start(sync=False)
    [posted] = await eventually(summaries, within=30, what="the monthly summary")
    await community.bot.scheduler.idle()
    await community.restart()
    await community.bot.scheduler.idle()
    assert len(await summaries()) == 1
    assert "Headline figures" in str(posted["embeds"][0])
    stopped = await community.organizer.run("report-digest", every="off")
    assert "is off" in stopped.text
    assert await community.bot.db.fetchval("SELECT COUNT(*) FROM report_digests") == 0


async def test_reports_made_are_in_the_organizers_data_and_forgotten_with_it(community: Community) -> None:
    await _report(community)
    exported = await community.organizer.run("profile export")
    attachment = exported.raw["message"]["attachments"][0]
    document = json.loads(community.emulator.state.attachment_data[int(attachment["id"])])
    assert document["data"]["reports"]["reports made"][0]["audience"] == "everyone"
    asked = await community.organizer.run("profile delete")
    await community.organizer.click(asked, "Delete my data")
    await eventually(
        lambda: _made_by_nobody(community), what="the organizer's name taken off the reports they made"
    )


async def _made_by_nobody(community: Community) -> bool:
    return await community.bot.db.fetchval("SELECT made_by FROM reports") is None
