"""Resource library figures with 100 000 resources in one guild: `/resource search` handler time (FTS5 + bm25,
results formatted into pages) against a `LIKE '%…%'` scan of the same data in the same run, and sharing
(normalize, dedupe, insert, index). Prints figures; asserts nothing.

    python bench/resources.py [--resources 100000] [--queries 300] [--shares 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from bot.ui import paginate_lines
from cogs.resources.replies import result_line
from core.resources.library import RESULTS
from core.resources.urls import normalize_url
from storage.database import Database
from storage.fts import match_query
from storage.jobs import to_db_time
from storage.resources import STARTER_TAGS, NewResource, ResourceRepository, scope_tokens, tag_key

GUILD = 1
# Real titles and descriptions draw on a large vocabulary with a long tail (Zipf): a few words are
# everywhere, most are rare. Named topics first (the most frequent), then made-up words to fill the tail.
TOPICS = [
    "robotics",
    "bridge",
    "ecosystems",
    "photosynthesis",
    "fractions",
    "algebra",
    "geometry",
    "coding",
    "python",
    "scratch",
    "circuits",
    "electricity",
    "magnetism",
    "forces",
    "motion",
    "energy",
    "weather",
    "climate",
    "volcano",
    "earthquake",
    "rocks",
    "minerals",
    "cells",
    "genetics",
    "evolution",
    "chemistry",
    "reactions",
    "atoms",
    "molecules",
    "density",
    "buoyancy",
    "gravity",
    "astronomy",
    "planets",
    "moon",
    "stars",
    "telescopes",
    "microscopes",
    "data",
    "statistics",
    "probability",
    "graphing",
    "measurement",
    "engineering",
    "design",
    "prototype",
    "testing",
    "iteration",
    "sustainability",
    "recycling",
    "water",
    "pollution",
    "soil",
    "plants",
    "pollinators",
    "insects",
    "birds",
    "mammals",
    "oceans",
    "rivers",
    "wetlands",
    "forests",
    "deserts",
    "maps",
    "drones",
    "rockets",
    "aviation",
    "bicycles",
    "simple",
    "machines",
    "levers",
    "pulleys",
    "gears",
    "sound",
    "light",
    "waves",
    "optics",
    "lenses",
    "batteries",
    "solar",
    "wind",
    "turbines",
    "nutrition",
]
COMMON = [
    "lesson",
    "plan",
    "guide",
    "activity",
    "unit",
    "project",
    "students",
    "teachers",
    "classroom",
    "grant",
    "program",
]
FILLER = [
    "the",
    "a",
    "for",
    "with",
    "and",
    "of",
    "to",
    "in",
    "on",
    "by",
    "from",
    "about",
    "using",
    "hands-on",
    "inquiry",
    "based",
]
SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]
VOCABULARY_SIZE = 20_000


def vocabulary(rng: random.Random) -> list[str]:
    words = dict.fromkeys(TOPICS)
    while len(words) < VOCABULARY_SIZE:
        words["".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))] = None
    return list(words)


class Writer:
    """Text with the word mix of resource titles and descriptions."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = vocabulary(rng)
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(self.words))))

    def text(self, count: int) -> str:
        rng = self.rng
        topical = rng.choices(self.words, cum_weights=self.cumulative, k=count)
        out = []
        for word in topical:
            roll = rng.random()
            out.append(rng.choice(FILLER) if roll < 0.35 else rng.choice(COMMON) if roll < 0.45 else word)
        return " ".join(out)

    def queries(self, count: int) -> tuple[list[str], list[str]]:
        """Topical queries (one or two words, or a prefix being typed) and broad ones (common words)."""
        rng = self.rng
        topical_words = self.words[20:5000]
        topical, broad = [], []
        for _ in range(count):
            roll = rng.random()
            if roll < 0.5:
                topical.append(rng.choice(topical_words))
            elif roll < 0.7:
                topical.append(f"{rng.choice(topical_words)} {rng.choice(topical_words)}")
            elif roll < 0.85:
                topical.append(rng.choice(topical_words)[:4])
            else:
                broad.append(f"{rng.choice(COMMON)} {rng.choice(self.words[:20])}" if rng.random() < 0.5
                             else rng.choice(COMMON))  # fmt: skip
        return topical, broad


async def fill(db: Database, count: int, writer: Writer, guild_id: int = GUILD) -> None:
    """Write `count` resources with tags and search rows in bulk (what `count` shares would leave behind)."""
    rng = writer.rng
    repo = ResourceRepository(db)
    await repo.ensure_starter_tags(guild_id)
    tag_ids = [
        int(r["id"])
        for r in await db.fetchall(
            "SELECT id FROM resource_tag_names WHERE guild_id = ? ORDER BY id", (guild_id,)
        )
    ]
    stamp = to_db_time(datetime.now(UTC))
    rows: list[tuple[object, ...]] = []
    tags: list[tuple[int, int, int]] = []
    fts: list[tuple[object, ...]] = []
    for n in range(1, count + 1):
        title = writer.text(rng.randint(3, 8)).capitalize()
        description = writer.text(rng.randint(15, 45))
        url = f"https://example{n % 97}.org/resources/{n}"
        chosen = rng.sample(range(len(tag_ids)), rng.randint(0, 3))
        rows.append((n, guild_id, url, url, title, description, stamp, stamp, n % 500 + 1000))
        tags.extend((guild_id, n, tag_ids[i]) for i in chosen)
        scope = " ".join(scope_tokens(None, None, [tag_ids[i] for i in chosen]))
        fts.append((n, title, description, " ".join(STARTER_TAGS[i] for i in chosen), scope))
    async with db.transaction():
        await db.conn.executemany(
            "INSERT INTO resources (id, guild_id, url, url_key, title, description, created_at, updated_at,"
            " shared_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        await db.conn.executemany(
            "INSERT INTO resource_tags (guild_id, resource_id, tag_id) VALUES (?, ?, ?)", tags
        )
        await db.conn.executemany(
            "INSERT INTO resources_fts (rowid, title, description, tags, scope) VALUES (?, ?, ?, ?, ?)",
            fts,
        )
    await db.execute("INSERT INTO resources_fts (resources_fts) VALUES ('optimize')")
    await db.execute("ANALYZE")


async def timed(calls: list[Callable[[], Awaitable[object]]]) -> list[float]:
    """Seconds each call took, run one after the other."""
    times = []
    for call in calls:
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    return times


def summary(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(values) * 1000, p99 * 1000, max(values) * 1000


async def main(resources: int, query_count: int, shares: int) -> None:
    writer = Writer(random.Random(8))
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.db")
        repo = ResourceRepository(db)
        started = time.perf_counter()
        await fill(db, resources, writer)
        print(f"filled {resources:,} resources in {time.perf_counter() - started:.1f} s")
        topical, broad = writer.queries(query_count)
        asked = topical + broad
        writer.rng.shuffle(asked)

        async def handler(text: str) -> None:
            found = await repo.search(GUILD, text, limit=RESULTS)
            paginate_lines("Resources", [result_line(r) for r in found], per_page=10)

        async def matches(text: str) -> int:
            query = match_query(text)
            return int(
                await db.fetchval("SELECT COUNT(*) FROM resources_fts WHERE resources_fts MATCH ?", (query,))
            )

        for text in asked[:20]:  # warm the page cache, as a running bot's would be
            await handler(text)
        fts = dict(zip(asked, await timed([partial(handler, t) for t in asked]), strict=True))
        like_runs = asked[: max(20, query_count // 10)]
        like_times = await timed([partial(repo.search_like, GUILD, t, limit=RESULTS) for t in like_runs])
        counts = [await matches(t) for t in asked]

        tags = [tag_key(t) for t in STARTER_TAGS]

        async def share(n: int) -> None:
            link = normalize_url(f"HTTPS://Teachers{n % 50}.example.ORG/lesson/{n}/?utm_source=mail&id={n}")
            await repo.share(
                NewResource(
                    guild_id=GUILD,
                    url=link.display,
                    url_key=link.key,
                    title=f"Shared lesson {n}: {writer.text(5)}",
                    shared_by=42,
                    description=writer.text(25),
                    tags=[tags[n % len(tags)]],
                ),
                now=datetime.now(UTC),
            )

        share_times = await timed([partial(share, n) for n in range(shares)])
        dup_times = await timed([partial(share, n) for n in range(min(shares, 200))])
        await db.close()

    fts_med, fts_p99, fts_max = summary(list(fts.values()))
    topical_med, topical_p99, _ = summary([fts[t] for t in topical])
    broad_med, broad_p99, _ = summary([fts[t] for t in broad])
    like_med, like_p99, _ = summary(like_times)
    share_med, share_p99, _ = summary(share_times)
    dup_med, _, _ = summary(dup_times)
    print(
        f"queries: {len(asked)} ({len(topical)} topical, {len(broad)} broad); resources matching a query: "
        f"median {statistics.median(counts):,.0f}, max {max(counts):,}"
    )
    print(
        f"/resource search handler (FTS5 bm25 + result pages): median {fts_med:.2f} ms, p99 {fts_p99:.2f} ms, "
        f"max {fts_max:.2f} ms  [target: median < 10 ms, p99 < 30 ms]"
    )
    print(f"  topical queries: median {topical_med:.2f} ms, p99 {topical_p99:.2f} ms")
    print(
        f"  broad queries (common words, thousands of matches): median {broad_med:.2f} ms, p99 {broad_p99:.2f} ms"
    )
    print(
        f"LIKE '%…%' scan of the same data: median {like_med:.1f} ms, p99 {like_p99:.1f} ms ({len(like_runs)} runs)"
    )
    print(f"FTS is {like_med / fts_med:.0f}x faster at the median  [target: at least 50x]")
    print(
        f"share (normalize, dedupe, insert, index) into {resources:,}: median {share_med:.2f} ms, "
        f"p99 {share_p99:.2f} ms  [target: median < 5 ms]; a duplicate: median {dup_med:.2f} ms"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--shares", type=int, default=1000)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.resources, arguments.queries, arguments.shares))
