"""Web links members share: checked, cleaned and reduced to one key per resource (no Discord here).

`normalize_url` accepts only http and https links and returns two forms:

* `display` — the link the card opens: host lower-cased (in ASCII, so every client opens it), default port
  and tracking parameters removed, path and query otherwise as typed;
* `key` — what duplicates are found by: also the host in its ASCII (punycode) form, an empty path as `/`,
  no trailing slash, percent-escapes in one case, query parameters sorted.

Anything else raises `UrlError`, whose text can be shown to a member as it is.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import idna

from .errors import Refused

__all__ = [
    "MAX_URL_LENGTH",
    "NormalizedUrl",
    "UrlError",
    "find_urls",
    "is_tracking_parameter",
    "normalize_url",
]

MAX_URL_LENGTH = 2000
DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "si",
    }
)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_LINK = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}*_~'\""
# Characters that may stay as they are in a path or query (RFC 3986 reserved plus unreserved, and `%`).
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = "/:@!$'()*+,;-._~"
_UNRESERVED = re.compile(r"%([0-9A-Fa-f]{2})")
_EXAMPLE = (
    "Share a web address that starts with https://, for example https://www.nsta.org/science-standards."
)


class UrlError(Refused):
    """The text is not a web link we accept; the message says why, for a member."""


@dataclass(frozen=True, slots=True)
class NormalizedUrl:
    display: str  # cleaned, for the card
    key: str  # canonical, for duplicates
    host: str  # as members read it (Unicode for internationalized domains)


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in TRACKING_PARAMETERS


def find_urls(text: str) -> list[str]:
    """The http(s) links in a message, in order, without punctuation that ends a sentence."""
    found = []
    for match in _LINK.finditer(text):
        link = match[0]
        while link and link[-1] in _TRAILING_PUNCTUATION:
            # Keep a closing parenthesis that belongs to the link, as in Wikipedia's `Foo_(bar)`.
            if link[-1] == ")" and link.count("(") >= link.count(")"):
                break
            link = link[:-1]
        found.append(link)
    return found


def normalize_url(text: str) -> NormalizedUrl:
    """Check and clean a link a member typed; raise UrlError with a friendly reason."""
    raw = text.strip()
    if raw.startswith("<") and raw.endswith(">"):  # Discord's "no preview" form <https://…>
        raw = raw[1:-1].strip()
    if not raw:
        raise UrlError(f"The link is empty. {_EXAMPLE}")
    if len(raw) > MAX_URL_LENGTH:
        raise UrlError(
            f"That link is {len(raw):,} characters long; I accept links up to {MAX_URL_LENGTH:,}. "
            "Links this long usually carry tracking or session data: open it, and copy the address "
            "of the page itself."
        )
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        raise UrlError(f"A link can't contain spaces or line breaks. {_EXAMPLE}")
    scheme = _SCHEME.match(raw)
    rest = raw[scheme.end() :] if scheme else ""
    # `javascript:…`, `data:…`, `mailto:…` — but not `localhost:8080/x` or `example.org:8080/x`.
    if scheme and not rest.startswith("//") and "." not in scheme[1] and not rest.split("/", 1)[0].isdigit():
        raise _not_web(scheme[1])
    if "://" not in raw:
        raw = "https://" + raw  # `www.nsta.org/standards` means the web page
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise UrlError(f"I couldn't read “{_short(raw)}” as a web address. {_EXAMPLE}") from None
    scheme_name = parts.scheme.lower()
    if scheme_name not in DEFAULT_PORTS:
        raise _not_web(parts.scheme)
    if parts.username is not None or parts.password is not None:
        raise UrlError(
            "That link has a user name or password in it. Please share the address without them, "
            "so nobody's login ends up in the library."
        )
    host, ascii_host = _host(parts.hostname or "", raw)
    path = _path(parts.path)
    pairs = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_parameter(k)
    ]
    fragment = _escape(parts.fragment)
    display = _join(scheme_name, _with_port(ascii_host, port, scheme_name), path, _query(pairs), fragment)
    key_path = path.rstrip("/") or "/"
    key = _join(
        scheme_name, _with_port(ascii_host, port, scheme_name), key_path, _query(sorted(pairs)), fragment
    )
    return NormalizedUrl(display=display, key=key, host=host)


def _join(scheme: str, netloc: str, path: str, query: str, fragment: str) -> str:
    return (
        f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")
    )


def _query(pairs: list[tuple[str, str]]) -> str:
    return urlencode(pairs, quote_via=quote, safe=_QUERY_SAFE)


def _not_web(scheme: str) -> UrlError:
    shown = _short(scheme, 20)
    return UrlError(
        f"Only web links (http:// or https://) can be shared; “{shown}:” links can't, because they "
        f"don't open a web page for everyone (and some can run code). {_EXAMPLE}"
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _host(hostname: str, raw: str) -> tuple[str, str]:
    """The host as members read it and its ASCII form; UrlError if it is not a valid host name."""
    bad = UrlError(f"“{_short(raw)}” doesn't name a website I can recognise. {_EXAMPLE}")
    hostname = hostname.rstrip(".")
    if not hostname:
        raise bad
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        pass
    else:
        shown = f"[{address.compressed}]" if address.version == 6 else address.compressed
        return shown, shown
    if "." not in hostname:
        raise bad
    try:
        ascii_host = idna.encode(hostname, uts46=True).decode("ascii").lower()
        unicode_host = idna.decode(ascii_host)
    except (idna.IDNAError, UnicodeError, ValueError):
        raise bad from None
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or any(not 0 < len(label) <= 63 for label in labels) or labels[-1].isdigit():
        raise bad
    return unicode_host, ascii_host


def _with_port(host: str, port: int | None, scheme: str) -> str:
    return host if port is None or port == DEFAULT_PORTS[scheme] else f"{host}:{port}"


def _path(path: str) -> str:
    """Percent-escapes in one form: unreserved characters decoded, the rest upper-case; non-ASCII escaped."""

    def one(match: re.Match[str]) -> str:
        char = chr(int(match[1], 16))
        return char if (char.isalnum() and char.isascii()) or char in "-._~" else f"%{match[1].upper()}"

    return _escape(_UNRESERVED.sub(one, path)) or "/"


def _escape(text: str) -> str:
    return quote(text, safe=_PATH_SAFE)
