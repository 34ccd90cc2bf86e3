"""Links as the library keys them (`core.resources.urls` through `library.link_of`): the same page however it
is typed is one resource, different pages are not, and a link that is no web page is a member's refusal.
The normalization itself, case by case, is `tests/unit/test_urls.py`."""

from __future__ import annotations

import pytest

from core.resources.errors import Refused
from core.resources.files import FileRefused
from core.resources.library import link_of
from core.resources.urls import UrlError, find_urls

SAME_PAGE = [
    "https://www.NSTA.org/standards/?utm_source=news&b=2&a=1",
    "www.nsta.org/standards?a=1&b=2",
    "<https://www.nsta.org:443/standards?a=1&b=2&fbclid=x>",
    "HTTPS://www.nsta.org/standards/?b=2&a=1",
]


def test_the_same_page_typed_differently_is_one_link() -> None:
    keys = {link_of(typed).key for typed in SAME_PAGE}
    assert len(keys) == 1
    first = link_of(SAME_PAGE[0])
    assert first.url == "https://www.nsta.org/standards/?b=2&a=1"  # shown as typed, tracking removed


@pytest.mark.parametrize(
    "other",
    [
        "https://www.nsta.org/other?a=1&b=2",
        "http://www.nsta.org/standards?a=1&b=2",
        "https://www.nsta.org/standards?a=1&b=3",
        "https://www.nsta.org/standards?a=1&b=2#part-2",
        "https://nsta.org/standards?a=1&b=2",
    ],
)
def test_another_page_is_another_resource(other: str) -> None:
    assert link_of(other).key != link_of(SAME_PAGE[0]).key


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("javascript:alert(1)", "Only web links"),
        ("ftp://example.org/file", "Only web links"),
        ("https://user:secret@example.org/", "user name or password"),
        ("", "The link is empty"),
        ("https://localhost/", "doesn't name a website"),
    ],
)
def test_a_link_that_is_no_web_page_is_refused(typed: str, why: str) -> None:
    with pytest.raises(Refused, match=why):
        link_of(typed)


def test_every_refusal_of_a_share_is_one_kind() -> None:
    assert issubclass(UrlError, Refused)
    assert issubclass(FileRefused, Refused)


def test_the_link_saved_from_a_message_is_its_first() -> None:
    assert find_urls("See https://a.org/x, and (https://b.org/y).") == ["https://a.org/x", "https://b.org/y"]
