"""Links members share: what is accepted, how it is cleaned, and which links count as the same resource."""

from __future__ import annotations

import pytest

from core.resources.urls import MAX_URL_LENGTH, UrlError, find_urls, normalize_url


@pytest.mark.parametrize(
    ("typed", "display", "key"),
    [
        # scheme and host case, default ports, the empty path
        ("HTTPS://Example.ORG", "https://example.org/", "https://example.org/"),
        ("http://example.org:80/a", "http://example.org/a", "http://example.org/a"),
        ("https://example.org:443/a", "https://example.org/a", "https://example.org/a"),
        ("https://example.org:8443/a", "https://example.org:8443/a", "https://example.org:8443/a"),
        # a trailing slash is shown as typed but is the same resource
        ("https://example.org/lessons/", "https://example.org/lessons/", "https://example.org/lessons"),
        # tracking parameters go; the others stay (sorted in the key)
        (
            "https://example.org/p?utm_source=mail&b=2&UTM_Campaign=x&a=1&fbclid=F&gclid=G",
            "https://example.org/p?b=2&a=1",
            "https://example.org/p?a=1&b=2",
        ),
        ("https://example.org/?fbclid=abc", "https://example.org/", "https://example.org/"),
        # no scheme typed: the web page is meant
        ("www.nsta.org/standards", "https://www.nsta.org/standards", "https://www.nsta.org/standards"),
        ("example.org:8080/x", "https://example.org:8080/x", "https://example.org:8080/x"),
        # Discord's no-preview form
        ("<https://example.org/p>", "https://example.org/p", "https://example.org/p"),
        # percent-escapes in one form
        ("https://example.org/%7euser/%2f", "https://example.org/~user/%2F", "https://example.org/~user/%2F"),
        (
            "https://example.org/a b".replace(" ", "%20"),
            "https://example.org/a%20b",
            "https://example.org/a%20b",
        ),
        # internationalized domains: linked and keyed in punycode, whichever form is typed
        (
            "https://Bücher.de/Straße",
            "https://xn--bcher-kva.de/Stra%C3%9Fe",
            "https://xn--bcher-kva.de/Stra%C3%9Fe",
        ),
        (
            "https://xn--bcher-kva.de/Stra%C3%9Fe",
            "https://xn--bcher-kva.de/Stra%C3%9Fe",
            "https://xn--bcher-kva.de/Stra%C3%9Fe",
        ),
        ("https://例え.jp/", "https://xn--r8jz45g.jp/", "https://xn--r8jz45g.jp/"),
        # IP addresses
        ("http://192.168.1.10:8080/x", "http://192.168.1.10:8080/x", "http://192.168.1.10:8080/x"),
        ("http://[::1]:80/", "http://[::1]/", "http://[::1]/"),
        # a fragment is kept (single-page sites route with it)
        ("https://example.org/#/unit-3", "https://example.org/#/unit-3", "https://example.org/#/unit-3"),
    ],
)
def test_normalization(typed: str, display: str, key: str) -> None:
    found = normalize_url(typed)
    assert (found.display, found.key) == (display, key)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("javascript:alert(1)", "Only web links"),
        ("JavaScript:alert(1)", "Only web links"),
        ("data:text/html;base64,PHNjcmlwdD4=", "Only web links"),
        ("file:///C:/Users/me/lesson.docx", "Only web links"),
        ("ftp://files.example.org/plan.pdf", "Only web links"),
        ("mailto:someone@example.org", "Only web links"),
        ("vbscript:msgbox", "Only web links"),
        ("", "empty"),
        ("   ", "empty"),
        ("https://", "doesn't name a website"),
        ("https://localhost/x", "doesn't name a website"),
        ("https://.org", "doesn't name a website"),
        ("https://-bad-.org", "doesn't name a website"),
        ("https://exa_mple..org", "doesn't name a website"),
        ("https://example.org:99999/", "couldn't read"),
        ("https://[::1/", "couldn't read"),
        ("https://exa mple.org", "spaces"),
        ("https://example.org/a\nb", "spaces"),
        ("https://user:secret@example.org/", "user name or password"),
        ("https://example.org/" + "a" * MAX_URL_LENGTH, "up to 2,000"),
    ],
)
def test_refusals_say_why(typed: str, reason: str) -> None:
    with pytest.raises(UrlError, match=reason):
        normalize_url(typed)


def test_an_internationalized_host_is_kept_readable() -> None:
    assert normalize_url("https://XN--BCHER-KVA.de/x").host == "bücher.de"
    with pytest.raises(UrlError):
        normalize_url("https://bü cher.de/")  # a space is never part of a host


def test_the_longest_accepted_link() -> None:
    prefix = "https://example.org/"
    longest = prefix + "a" * (MAX_URL_LENGTH - len(prefix))
    assert normalize_url(longest).display == longest


def test_same_resource_however_it_is_typed() -> None:
    forms = [
        "https://www.pblworks.org/what-is-pbl",
        "HTTPS://WWW.PBLWORKS.ORG/what-is-pbl/",
        "https://www.pblworks.org:443/what-is-pbl?utm_source=twitter&utm_medium=social",
        "www.pblworks.org/what-is-pbl?fbclid=IwAR0",
        "<https://www.pblworks.org/what-is-pbl>",
    ]
    assert len({normalize_url(f).key for f in forms}) == 1
    assert (
        normalize_url("https://www.pblworks.org/What-Is-PBL").key != normalize_url(forms[0]).key
    )  # paths keep case


def test_find_urls_in_a_message() -> None:
    text = (
        "Try https://example.org/a, and (https://en.wikipedia.org/wiki/Bridge_(structure)). Or http://x.org!"
    )
    assert find_urls(text) == [
        "https://example.org/a",
        "https://en.wikipedia.org/wiki/Bridge_(structure)",
        "http://x.org",
    ]
    assert find_urls("no links here") == []
