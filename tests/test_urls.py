"""URL normalization and registered domains."""

from __future__ import annotations

import pytest

from cibwatch.urls import normalize_url, registered_domain


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "HTTP://WWW.Example.COM/a/b?utm_source=x&id=3&fbclid=abc#top",
            "https://example.com/a/b?id=3",
        ),
        ("example.com", "https://example.com"),
        (
            "www.presstv.ir/Detail/2023/01/01/123?igshid=z",
            "https://presstv.ir/Detail/2023/01/01/123",
        ),
        ("https://user:pw@News.BBC.co.uk:443/", "https://news.bbc.co.uk"),
        ("http://x.com:8080/a?b=1&utm_x=2&c=3", "https://x.com:8080/a?b=1&c=3"),
        (
            "https://www.tasnimnews.com/fa/news/1402/خبر-فارسی",
            "https://tasnimnews.com/fa/news/1402/خبر-فارسی",
        ),
        ("https://t.co/AbC", "https://t.co/AbC"),  # the path keeps its case
        ("", None),
        (None, None),
    ],
)
def test_normalize_url(raw, expected):
    assert normalize_url(raw) == expected


def test_hostile_url_is_data_not_sql():
    assert (
        normalize_url("http://x.com/'; DROP TABLE posts; --")
        == "https://x.com/'; DROP TABLE posts; --"
    )


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("presstv.ir", "presstv.ir"),
        ("fa.alalam.ir", "alalam.ir"),
        ("someone.blogspot.com", "someone.blogspot.com"),  # private suffixes count
        ("127.0.0.1", "127.0.0.1"),
        ("", None),
    ],
)
def test_registered_domain(host, domain):
    assert registered_domain(host) == domain
