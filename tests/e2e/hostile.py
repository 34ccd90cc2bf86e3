"""Hostile option values for the command fuzz (tests/e2e/test_fuzz.py).

Everything here is something a member can really send: the Discord client enforces an option's type,
min/max_length, min/max_value (within ±2^53) and choices, so values it would refuse never reach a bot and
are not generated. Within those rules the values are as unkind as can be: lengths at the option's limit and
past the limits of what the bot echoes (embed titles, fields, messages), mention syntax, SQLite FTS5 query
syntax, format strings, markdown, control, bidirectional and zero-width characters, case-changing letters,
huge and negative numbers, impossible and extreme dates, durations and time zones, odd URLs and files.

Option schemas are the JSON Discord stores for the registered commands (the emulator's copy). Every list is
built in a fixed order and shuffled only by the caller's seeded `random.Random`, so a run is repeatable.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

SUB_COMMAND, SUB_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
DISCORD_NUMBER_MAX = 2**53  # integer and number options lie within ±2^53
STRING_OPTION_MAX = 6000  # the longest string option value Discord accepts (max_length's own ceiling)

JSON = dict[str, Any]


@dataclass(frozen=True)
class Targets:
    """What exists in the guild, for mention syntax and for user, role and channel options."""

    guild_id: str
    bot_id: str
    user_ids: list[str]  # members the client offers in a user picker, the acting ones included
    role_ids: list[str]  # @everyone (the guild's id) first
    channels: list[tuple[str, int]]  # (id, type)


@dataclass(frozen=True)
class Leaf:
    """A slash command (or subcommand) a member can run, with its options' schemas."""

    path: str  # "meeting schedule"
    options: list[JSON] = field(default_factory=list)


def leaves(commands: list[JSON]) -> list[Leaf]:
    """Every runnable chat-input command path in Discord's stored command JSON, in registration order."""
    found: list[Leaf] = []

    def walk(path: str, options: list[JSON]) -> None:
        nested = [o for o in options if o["type"] in (SUB_COMMAND, SUB_GROUP)]
        if not nested:
            found.append(Leaf(path, [o for o in options]))
        for sub in nested:
            walk(f"{path} {sub['name']}", list(sub.get("options") or []))

    for command in commands:
        if command.get("type", 1) == 1:
            walk(str(command["name"]), list(command.get("options") or []))
    return found


# -- strings --------------------------------------------------------------------------------------------

MENTIONS = [
    "@everyone",
    "@here",
    "@everyone @here",
    "hi @everyone, look",
    "@\u200beveryone",
    "＠everyone",
    "||@everyone||",
    "`@everyone`",
    "> @here",
    "[@everyone](https://example.com)",
    "<@{user}>",
    "<@!{user}>",
    "<@{bot}>",
    "<@&{role}>",
    "<@&{guild}>",
    "<#{channel}>",
    "<@{user}> <@&{role}> @everyone <#{channel}>",
    "<@0>",
    "<@-1>",
    "<@99999999999999999999999>",
    "<@&9223372036854775808>",
    "<#0>",
    "<@",
    "<@&",
    "<@!>",
    "<@{user}",
    "<:blobcat:1>",
    "<a:dance:9007199254740993>",
    ":smile: :+1:",
    "<t:0:R>",
    "<t:99999999999999:F>",
    "<t:-62135596800>",
    "</cop settings:1>",
    "<id:customize>",
]

FTS = [
    '"',
    '""',
    '"unterminated phrase',
    "*",
    "a*",
    "*a",
    "NEAR(a b)",
    "NEAR(a b, -1)",
    "NEAR(",
    "a OR",
    "OR",
    "AND",
    "NOT",
    "a NOT",
    "NOT a",
    "a AND (b OR",
    "(",
    ")",
    "()",
    "-a",
    "a -",
    "^a",
    "^",
    "title:robotics",
    "tags:robotics",
    "{title tags}: a",
    "{",
    "}",
    "a + b",
    "a:b:c",
    ":",
    "'",
    "''",
    "a'b",
    "\\",
    '\\"',
    "%",
    "_",
    "%_%",
    "*:*",
    "bm25(resources_fts)",
    "MATCH",
    "'; DROP TABLE meetings; --",
    '" OR 1=1 --',
    "1); SELECT * FROM profiles; --",
    "NULL",
    "None",
    "undefined",
    '"a" "b"',
    'a"b',
    "NEAR/3",
    "a ~ b",
    "[a]",
    "?",
    ".",
    "...",
    ",",
    "robotics robotics robotics robotics robotics robotics robotics robotics robotics robotics",
]

FORMAT = [
    "{}",
    "{0}",
    "{name}",
    "{0.__class__.__mro__}",
    "{guild.owner}",
    "{{}}",
    "{",
    "%s",
    "%d",
    "%(name)s",
    "%n",
    "%x%x%x%x",
    "%%",
    "$x",
    "${x}",
    "$(whoami)",
    "`whoami`",
    "{{7*7}}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{!r}",
    "{:>99999999}",
    "{0:{1}}",
    "\\N{DIGIT ONE}",
    "\\x00\\n",
]

MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "**bold",
    "__",
    "~~",
    "||",
    "```",
    "```py\nprint(1)\n",
    "`",
    "# Heading",
    "-# small",
    "> quote",
    ">>> ",
    "* ",
    "1. ",
    "[link](https://example.com)",
    "[](javascript:alert(1))",
    "\\*",
    "<<<>>>",
    "&amp; &lt;@everyone&gt;",
]

CONTROL = [
    "\x00",
    "a\x00b",
    "\x01\x02\x03",
    "\x07",
    "\x08",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "a\nb\nc",
    "\n" * 50,
    "\x1b[31mred\x1b[0m",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\x0b\x0c",
    "",  # empty: only where the option allows min_length 0
    " ",
    "   ",
    "\u3000",
    "\u00a0",
    "\t \n",
    "\u2800",
    "\u3164",
]

UNICODE = [
    "\u202e",
    "\u202egnp.exe",
    "abc\u202edef",
    "\u202a\u202b\u202c\u202d\u202e",
    "\u2066\u2067\u2068\u2069",
    "\u200e\u200f",
    "\u061c",
    "\u200b",
    "\u200b" * 10,
    "\ufeff",
    "\u2060",
    "\u200d",
    "\u00ad",
    "\u034f",
    "Z\u0337\u0327\u031b\u031b\u0316\u034e\u032ea\u0338l\u0336g\u0335o\u0334",
    "e\u0301" * 5,
    "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",
    "\U0001f3f3\ufe0f\u200d\U0001f308",
    "\U0001f1fa\U0001f1f8",
    "\U0001f600",
    "\ufdfd",
    "\U0001242b",
    "\u01c5",
    "\u0130",  # İ: lower() is two characters
    "\u00df",  # ß: upper() is two characters
    "\ufb01",
    "\u03a3\u03c3\u03c2",
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "\u05e2\u05d1\u05e8\u05d9\u05ea",
    "\u4e2d\u6587",
    "\ufffd",
    "\ufffe",
    "\U000e0001",
]

NUMBERS = [
    "0",
    "-0",
    "-1",
    "1e309",
    "1e-309",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "9" * 30,
    "-" + "9" * 30,
    "2**63",
    "9223372036854775808",
    "9007199254740993",
    "-9007199254740993",
    "0x7fffffff",
    "1_000",
    "\u0661\u0662\u0663",
    "\uff11\uff12\uff13",
    "\u00bd",
    "\u216b",
    "0.1",
    "1,000",
    ".5",
    "+5",
    "--5",
    "1e5",
]

DATES = [
    "2026-02-30",
    "2026-02-29",
    "2028-02-29 10:00",
    "2026-13-01",
    "2026-00-10",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31 23:59",
    "10000-01-01",
    "1970-01-01",
    "1969-12-31 23:59:59",
    "2038-01-19 03:14:08",
    "2026-10-14",
    "2026-10-14 17:00",
    "now",
    "today",
    "yesterday",
    "tomorrow",
    "tomorrow 25:00",
    "tomorrow 24:00",
    "tomorrow 23:60",
    "tomorrow 12:00 pm pm",
    "in 0 minutes",
    "in -5 minutes",
    "in 99999999999 years",
    "in 1e9 days",
    "in 10000 years",
    "5000 years ago",
    "next tuesday",
    "last friday",
    "every tuesday",
    "never",
    "2026-10-14T10:00:00+99:00",
    "2026-10-14T10:00:00Z",
    "2026-10-14T25:61:61",
    "2027-03-14 02:30 America/New_York",
    "2026-11-01 01:30 America/New_York",
    "2027-03-28 01:30 Europe/London",
    "Feb 30",
    "31/31/2031",
    "13/13/13",
    "32 Jan",
    "Jan 1 -1",
    "T",
    "P1D",
    "PT-1H",
    "@1700000000",
    "1700000000",
    "-1700000000",
    "99999999999999999",
    "week 53",
    "noon",
    "midnight",
    "12:00",
    "0:00",
    "24:00",
    "-1:00",
    "12:00 UTC+25",
    "12:00 GMT-13",
    "12:00 XYZ",
    "12:00 Mars/Olympus_Mons",
]

DURATIONS = [
    "0",
    "0m",
    "-5m",
    "1s",
    "0.5h",
    "1.5h",
    "99999999h",
    "9999999999999 minutes",
    "1e9m",
    "forever",
    "1 hour 1 hour",
    "24h",
    "25h",
    "1w",
    "52w",
    "1000w",
    "-1 days",
    "PT1H",
    "1:30",
    "99:99",
    "1h,2h,3h,4h,5h,6h,7h,8h,9h,10h,11h,12h,13h,14h,15h,16h,17h,18h,19h,20h,21h,22h,23h,24h",
    "1d, 1d, 1d, 1d",
    "10m," * 30,
    ",",
    ",,,",
    "weekly",
    "every 0 weeks",
    "every -1 weeks",
    "every 999999 weeks",
    "daily",
    "monthly on the 31st",
    "every feb 29",
]

ZONES = [
    "UTC",
    "utc",
    "Etc/GMT+14",
    "Etc/GMT-14",
    "Etc/GMT+15",
    "America/Nowhere",
    "../../etc/passwd",
    "/etc/localtime",
    "America/Phoenix\x00",
    "EST5EDT",
    "localtime",
    "Factory",
    "posixrules",
    "right/UTC",
    "America",
    "America/",
    "UTC+25",
    "+05:30",
    "GMT+5:30",
    "Asia/Kolkata ",
    " asia/kolkata",
    "ASIA/KOLKATA",
    "\u202eUTC",
]

URLS = [
    "http://",
    "https://",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "ftp://example.com/x",
    "http://localhost",
    "http://127.0.0.1:8080/admin",
    "http://[::1]/",
    "http://169.254.169.254/latest/meta-data",
    "https://discord.gg/invite",
    "https://xn--80ak6aa92e.com",
    "https://\u0430pple.com",
    "https://exa mple.com",
    "https://example.com/<@{user}>",
    "https://example.com/@everyone",
    "https://user:pass@example.com",
    "<https://example.com>",
    "[x](https://evil.example)",
    "www.example.com",
    "example",
    "https://" + "a" * 300 + ".com",
    "https://example.com:99999",
    "https://example.com:-1",
    "http://%00",
    "https://\u4f8b\u3048.\u30c6\u30b9\u30c8",
    "https://example.com/\u202e",
    "mailto:someone@example.com",
    "//example.com",
    "https://example.com/" + "x" * 2100,
]

NAMES = [
    "Robotics",
    "robotics",
    "ROBOTICS",
    " Robotics ",
    "Robotics\u200b",
    "group:1",
    "group:0",
    "group:-1",
    "group:" + "9" * 25,
    "group:abc",
    "group:",
    "group:{role}",
    "school:1",
    "role:1",
    "everyone",
    "all",
    "members",
    "organizers",
    "@organizers",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(1)",
    '=HYPERLINK("http://example.com")',
    "a,b,c",
    '"a","b"',
    "a;b",
    "con",
    "NUL",
    "../..",
]


def base_strings(targets: Targets) -> list[str]:
    """The corpus, with mention syntax pointing at things that exist."""
    fill = {
        "user": targets.user_ids[-1],
        "bot": targets.bot_id,
        "role": targets.role_ids[-1],
        "guild": targets.guild_id,
        "channel": targets.channels[0][0],
    }
    out = []
    for group in (
        MENTIONS,
        FTS,
        FORMAT,
        MARKUP,
        CONTROL,
        UNICODE,
        NUMBERS,
        DATES,
        DURATIONS,
        ZONES,
        URLS,
        NAMES,
    ):
        for template in group:
            out.append(_fill(template, fill))
    return out


def _fill(template: str, fill: dict[str, str]) -> str:
    for key, value in fill.items():
        template = template.replace("{" + key + "}", value)
    return template


def long_strings(limit: int, targets: Targets) -> list[str]:
    """Strings of exactly `limit` characters (and of the lengths Discord's message parts end at, below it)."""
    units = [
        "x",
        "*",
        "_",
        "\\",
        "`",
        "|",
        "<",
        '"',
        "'",
        "\n",
        "\U0001f600",
        "e\u0301",
        "\ufdfd",
        "\u0130",
        "\u00df",
        "\u202e",
        f"<@{targets.user_ids[-1]}> ",
        "@everyone ",
        "a OR ",
        "a ",
        "{} ",
    ]
    out = [_repeat(unit, limit) for unit in units]
    for length in (101, 256, 257, 1024, 1025, 2000, 2001, 4000, 4096, 4097):
        if length < limit:
            out.append(_repeat("y", length))
    return out


def _repeat(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def string_pool(spec: JSON, targets: Targets) -> list[str]:
    """Every hostile string the client lets a member put in this option."""
    choices = spec.get("choices")
    if choices:
        return [str(c["value"]) for c in choices]
    low = int(spec.get("min_length") or 0)
    high = int(spec.get("max_length") if spec.get("max_length") is not None else STRING_OPTION_MAX)
    explicit_empty = spec.get("min_length") == 0
    pool: list[str] = []
    for text in [*base_strings(targets), *long_strings(high, targets)]:
        if text == "" and not explicit_empty:
            continue
        text = text[:high]
        if len(text) < low:
            text = _repeat(text or "x", low)
        pool.append(text)
    return list(dict.fromkeys(pool))


# -- numbers ----------------------------------------------------------------------------------------------

INTERESTING_INTEGERS = [
    0,
    1,
    -1,
    2,
    7,
    23,
    24,
    52,
    53,
    59,
    60,
    99,
    100,
    255,
    256,
    365,
    366,
    999,
    1000,
    9999,
    10**5,
    10**5 + 1,
    2**15,
    2**16,
    2**31 - 1,
    2**31,
    2**32,
    2**32 + 1,
    10**15,
    1_700_000_000,
    2**53 - 1,
    2**53,
    -(2**31),
    -(2**53),
]


def integer_pool(spec: JSON, rng: random.Random, size: int = 200) -> list[int]:
    """Edges, classic overflow points and log-spread random integers within the option's bounds."""
    if spec.get("choices"):
        return [int(c["value"]) for c in spec["choices"]]
    low = max(int(spec.get("min_value", -DISCORD_NUMBER_MAX)), -DISCORD_NUMBER_MAX)
    high = min(int(spec.get("max_value", DISCORD_NUMBER_MAX)), DISCORD_NUMBER_MAX)
    if high - low + 1 <= size:
        values = list(range(low, high + 1))
        rng.shuffle(values)
        return values
    pool = [low, low + 1, high, high - 1, *INTERESTING_INTEGERS]
    pool = [v for v in dict.fromkeys(pool) if low <= v <= high]
    seen = set(pool)
    while len(pool) < size:
        magnitude = rng.uniform(0, math.log2(max(abs(low), abs(high), 2)))
        value = int(2**magnitude) * rng.choice((1, -1))
        if low <= value <= high and value not in seen:
            seen.add(value)
            pool.append(value)
    return pool


def number_pool(spec: JSON, rng: random.Random) -> list[float]:
    low = max(float(spec.get("min_value", -DISCORD_NUMBER_MAX)), -DISCORD_NUMBER_MAX)
    high = min(float(spec.get("max_value", DISCORD_NUMBER_MAX)), DISCORD_NUMBER_MAX)
    values = [low, high, 0.0, -0.0, 0.1, 1e-300, 5e-324, 0.5, 1.5, 2.0**53 - 0.5, -1.0, 1e15 + 0.3]
    values += [rng.uniform(low, high) for _ in range(40)]
    return [v for v in values if low <= v <= high]


# -- entities and files -------------------------------------------------------------------------------------

FILES: list[tuple[str, bytes]] = [
    ("lesson.pdf", b"%PDF-1.4\n%%EOF\n"),
    ("empty.txt", b""),
    ("run.exe", b"MZ\x90\x00" + b"\x00" * 60),
    ("lesson.pdf.exe", b"MZ\x90\x00"),
    ("setup.bat", b"@echo off\r\ndel /q *\r\n"),
    ("install.sh", b"#!/bin/sh\nrm -rf /\n"),
    ("notes.txt", b"#!/bin/sh\nrm -rf /\n"),
    ("photo.png", b"MZ\x90\x00 pretending"),
    ("macro.docm", b"PK\x03\x04"),
    ("page.html", b"<script>alert(1)</script>"),
    ("image.svg", b"<svg onload=alert(1)></svg>"),
    ("\u202egnp.exe", b"MZ"),
    ("lesson\u202efdp.js", b"alert(1)"),
    ("<@{user}> @everyone.txt", b"hi @everyone"),
    ("../../etc/passwd", b"root:x:0:0"),
    ("con.txt", b"x"),
    ("a" * 250 + ".pdf", b"%PDF"),
    ("no_extension", b"\x00\x01\x02"),
    (".hidden", b"x"),
    ("file.", b"x"),
    ("\u0000.txt", b"x"),
    ("\U0001f600.pdf", b"%PDF"),
    ("schools.csv", b"name,district\nDesert View High,Tucson Unified\n"),
    ("schools.csv", b"name,district\n=cmd|' /C calc'!A0,+1+1\n@SUM(1),-2+3\n"),
    ("schools.csv", "name,district\n<@{user}>,@everyone\n\u202eloohcs,x\n".encode()),
    ("schools.csv", b""),
    ("schools.csv", b"\xff\xfe\x00n\x00a\x00m\x00e"),
    ("schools.csv", b"\xef\xbb\xbfname\nBOM High\n"),
    ("schools.csv", b'name\n"unterminated\n'),
    ("schools.csv", b"name\n" + b"x" * 5000 + b"\n"),
    ("schools.csv", b"\x00\x00\x00\x00"),
    ("schools.csv", b"district\nno name column\n"),
    ("schools.csv", b"name,name,name\na,b,c\n"),
    ("schools.csv", b"name\n" + b"".join(b"School %d\n" % n for n in range(600))),
    ("schools.csv", b"name\r\nWindows Line High\r\n\r\n\r\n"),
    ("schools.xlsx", b"PK\x03\x04 not really"),
    ("schools.csv.exe", b"MZ"),
]


def file_pool(targets: Targets) -> list[JSON]:
    """Attachments as the driver takes them: {filename, content (bytes as latin-1 text is not used)}."""
    out: list[JSON] = []
    for name, data in FILES:
        name = name.replace("{user}", targets.user_ids[-1])
        data = data.replace(b"{user}", targets.user_ids[-1].encode())
        out.append({"filename": name, "content": list(data)})
    return out


def entity_pool(spec: JSON, targets: Targets) -> list[str]:
    kind = spec["type"]
    if kind == USER:
        return [*targets.user_ids, targets.bot_id]
    if kind == ROLE:
        return list(targets.role_ids)
    if kind == MENTIONABLE:
        return [*targets.user_ids, *targets.role_ids]
    allowed = spec.get("channel_types")
    return [cid for cid, ctype in targets.channels if allowed is None or ctype in allowed]


def pool(spec: JSON, targets: Targets, rng: random.Random) -> list[Any]:
    """Every value to try in one option, in a seeded order."""
    kind = spec["type"]
    values: list[Any]
    if kind == STRING:
        values = string_pool(spec, targets)
    elif kind == INTEGER:
        values = integer_pool(spec, rng)
    elif kind == NUMBER:
        values = number_pool(spec, rng)
    elif kind == BOOLEAN:
        values = [True, False]
    elif kind == ATTACHMENT:
        values = file_pool(targets)
    else:
        values = entity_pool(spec, targets)
    rng.shuffle(values)
    return values


# -- cases --------------------------------------------------------------------------------------------------

# An ordinary value per option name, so that one hostile value is tried with the others sane (a command that
# refuses its first bad option would otherwise never look at the rest).
BENIGN: dict[str, Any] = {
    "title": "Robotics meetup",
    "when": "tomorrow 3pm",
    "name": "Robotics",
    "query": "robotics",
    "zone": "America/Phoenix",
    "topic": "robotics",
    "group": "Robotics",
    "school": "Desert View High",
    "old": "robotics",
    "new": "stem",
    "a": "robotics",
    "b": "stem",
    "id": 1,
    "enabled": True,
}
# Optional options that most runs need to get anywhere (a share needs a link, an announcement a time): a
# run not focused on them gives them their ordinary value half the time.
BENIGN_OPTIONAL: dict[str, Any] = {"url": "https://example.com/lesson", "when": "tomorrow 9am"}


@dataclass
class Case:
    """One run of one command: its options and how many of them carry a hostile value."""

    path: str
    options: JSON
    hostile: int

    def describe(self) -> str:
        shown = {
            k: (v if not isinstance(v, str) or len(v) <= 60 else f"{v[:60]!r}… ({len(v)} chars)")
            for k, v in self.options.items()
        }
        return f"/{self.path} {shown}"


def _benign(spec: JSON, values: list[Any]) -> Any:
    if spec.get("choices"):
        return spec["choices"][0]["value"]
    value = BENIGN.get(spec["name"])
    if value is not None and isinstance(value, str) == (spec["type"] == STRING):
        return value
    return values[0]


def cases(leaf: Leaf, targets: Targets, rng: random.Random, want: int = 200) -> list[Case]:
    """At least `want` hostile values spread over the command's options (fewer only when the options allow
    fewer distinct runs): each option in turn takes its next hostile value with the required others benign,
    and now and then other options are hostile too."""
    if not leaf.options:
        return [Case(leaf.path, {}, 0)]
    pools = {o["name"]: pool(o, targets, rng) for o in leaf.options}
    cursors = {name: _cycle(values) for name, values in pools.items()}
    specs = {o["name"]: o for o in leaf.options}
    domain = math.prod(len(v) + (0 if specs[n].get("required") else 1) for n, v in pools.items())
    out: list[Case] = []
    seen: set[str] = set()
    hostile = 0
    attempts = 0
    while hostile < want and len(out) < domain and attempts < want * 20:
        for focus in specs:
            attempts += 1
            options: JSON = {}
            count = 0
            for name, spec in specs.items():
                if name == focus or rng.random() < 0.15:
                    options[name] = next(cursors[name])
                    count += 1
                elif spec.get("required"):
                    options[name] = _benign(spec, pools[name])
                elif name in BENIGN_OPTIONAL and not spec.get("choices") and rng.random() < 0.5:
                    options[name] = BENIGN_OPTIONAL[name]
            key = repr(sorted(options.items(), key=lambda kv: kv[0]))
            if key in seen:
                continue
            seen.add(key)
            out.append(Case(leaf.path, options, count))
            hostile += count
            if hostile >= want:
                break
    return out


def _cycle(values: list[Any]) -> Iterator[Any]:
    while True:
        yield from values
