"""The sourced state-media list, analyst additions, and which articles it marks."""

from __future__ import annotations

import pytest

from cibwatch.errors import ConfigError
from cibwatch.laundering.outlets import classify, load_outlets
from laundering_world import STATE_EN, article, workspace


def test_every_bundled_outlet_has_domains_and_a_public_source():
    outlets = load_outlets()
    names = {o.name for o in outlets}
    for expected in ("Press TV", "IRNA", "Tasnim News Agency", "RT", "Sputnik", "CGTN", "Xinhua News Agency"):  # fmt: skip
        assert expected in names
    for o in outlets:
        assert o.domains, o.name
        assert o.sources, o.name
        assert all(s.get("url", "").startswith("https://") for s in o.sources), o.name
    domains = [d for o in outlets for d in o.domains]
    assert len(domains) == len(set(domains)), "a domain is listed under two outlets"


def test_analyst_additions(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text(
        """
[[outlet]]
name = "Nour News"
country = "IR"
domains = ["https://www.NourNews.ir/fa"]
aliases = ["نورنیوز"]
sources = ["https://example.org/why-nournews-is-state-affiliated"]
""",
        encoding="utf-8",
    )
    outlets = load_outlets(extra)
    [nour] = [o for o in outlets if o.name == "Nour News"]
    assert nour.domains == ("nournews.ir",)
    assert nour.origin == "mine.toml"
    assert nour.sources == ({"url": "https://example.org/why-nournews-is-state-affiliated"},)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[outlet]]\nname = "X"\ndomains = ["x.ir"]\n', "needs `sources`"),
        ('[[outlet]]\nname = "X"\nsources = ["why"]\n', "`domains`"),
        ('[[outlet]]\ndomains = ["x.ir"]\nsources = ["why"]\n', "`name`"),
        ("outlet = 3\n", "expected [[outlet]]"),
        ("[[outlet]\n", "not valid TOML"),
    ],
)
def test_bad_analyst_file_is_one_readable_error(tmp_path, body, message):
    extra = tmp_path / "bad.toml"
    extra.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.toml") as exc:
        load_outlets(extra)
    assert message in str(exc.value)


def test_missing_analyst_file(tmp_path):
    with pytest.raises(ConfigError, match="no such outlets file"):
        load_outlets(tmp_path / "nope.toml")


def test_classify_by_registered_domain_and_subdomain(tmp_path):
    rows = [
        article("a", "presstv.ir", "Press TV", 0, STATE_EN),
        article("b", "news.cn", "Xinhua", 1, STATE_EN),
        article("c", "atlaswire.com", "Atlas Wire", 2, STATE_EN),
        # Domain field empty: the URL's host (a subdomain of a listed domain) decides.
        {**article("d", "", "RT", 3, STATE_EN), "domain": None, "url": "https://arabic.rt.com/x/1"},
        # A look-alike is not the outlet.
        article("e", "notpresstv.ir", "Not Press TV", 4, STATE_EN),
    ]
    ws = workspace(tmp_path / "w", rows)
    assert classify(ws.con, load_outlets()) == 3
    marked = {
        r[0]
        for r in ws.con.execute(
            "SELECT native_id FROM articles JOIN _cw_state_articles USING (article_id)"
        ).fetchall()
    }
    assert marked == {"a", "b", "d"}
