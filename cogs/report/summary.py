"""The report as Discord shows it: a summary embed (headline figures and their change since the last report,
what may still change, what was held back) and which of the rendered files fit in one reply."""

from __future__ import annotations

import io
from dataclasses import dataclass

import discord

from core.report.model import Files, Headline, Report
from core.text import fit_lines, plural, safe_text
from core.timeutil import discord_timestamp

MAX_FILES = 10  # attachments per message
COLOUR = 0x2E86AB
MAIN_FILES = ("report.html", "report.xlsx")


def _figure(headline: Headline) -> str:
    value = f"{headline.value:,}" if isinstance(headline.value, int) else safe_text(str(headline.value), 60)
    if headline.change is None:
        return f"**{safe_text(headline.label, 60)}:** {value}"
    sign = "+" if headline.change > 0 else ""
    change = "no change" if headline.change == 0 else f"{sign}{headline.change:,}"
    return f"**{safe_text(headline.label, 60)}:** {value} ({change})"


def summary_embed(report: Report, *, title: str = "Evidence report") -> discord.Embed:
    lines = [f"{safe_text(report.period.label, 200)} · for {safe_text(report.audience, 120)}"]
    if report.provisional:
        lines.append("⏳ **Provisional:** " + " ".join(safe_text(p, 200) for p in report.provisional[:3]))
    card = discord.Embed(
        title=f"{title} · {safe_text(report.community, 150)}"[:256],
        description="\n".join(lines),
        colour=COLOUR,
    )
    figures = [_figure(h) for h in report.headline]
    if report.previous is not None:
        figures.append(f"-# Changes since the last report, {discord_timestamp(report.previous, 'D')}.")
    card.add_field(name="Headline figures", value=fit_lines(figures) or "No figures yet.", inline=False)
    said = [f"**{safe_text(s.title, 80)}:** {safe_text(s.empty or s.summary, 160)}" for s in report.sections]
    card.add_field(name="What it shows", value=fit_lines(said) or "Nothing yet.", inline=False)
    if report.suppressed:
        card.add_field(
            name="Held back to protect people",
            value=fit_lines([safe_text(s, 200) for s in report.suppressed]),
            inline=False,
        )
    return card


@dataclass(frozen=True, slots=True)
class Attached:
    files: list[discord.File]
    left_out: list[str]  # file names that did not fit


def attachments(rendered: Files, *, limit_bytes: int) -> Attached:
    """The page and the workbook first, then charts, within Discord's 10 files and `limit_bytes` in all."""
    names = [n for n in MAIN_FILES if n in rendered.files]
    names += sorted(n for n in rendered.files if n not in MAIN_FILES)
    chosen: list[str] = []
    used = 0
    for name in names:
        size = len(rendered.files[name])
        if len(chosen) < MAX_FILES and used + size <= limit_bytes:
            chosen.append(name)
            used += size
    files = [discord.File(io.BytesIO(rendered.files[n]), filename=n) for n in chosen]
    return Attached(files, [n for n in names if n not in chosen])


def files_note(attached: Attached, *, guild_id: int) -> str:
    if not attached.left_out:
        return "The printable page (report.html: open it in a browser, print to PDF) and the workbook are attached."
    missing = [n for n in MAIN_FILES if n in attached.left_out]
    if missing:
        return (
            f"{plural(len(attached.left_out), 'file')} ({', '.join(missing)}…) are too big to attach here. "
            f"The bot's host can write them all with `copbot report {guild_id} --out reports`."
        )
    return (
        f"{plural(len(attached.left_out), 'chart')} did not fit in one reply; every chart is in report.html "
        f"(or `copbot report {guild_id} --out reports` on the bot's machine)."
    )
