"""CrowdTangle exports: Pages (new and old layouts), Groups (with and without posters), Instagram."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cibwatch.errors import FormatError
from cibwatch.ingest import detect_format, ingest_file
from cibwatch.ingest.crowdtangle import TIME_ZONES, zoned_time_sql

FIX = Path(__file__).parent / "fixtures" / "ingest"


def q(ws, sql, *params):
    return ws.con.execute(sql, list(params)).fetchall()


def posts(ws):
    return {
        r[0]: r[1:]
        for r in q(
            ws,
            "SELECT p.native_id, a.platform, a.kind, a.native_id, p.created_at, v.kind, "
            "v.native_id, p.text, p.likes FROM posts p JOIN assets a USING (asset_id) "
            "LEFT JOIN assets v ON v.asset_id = p.venue_id",
        )
    }


@pytest.mark.parametrize(
    "name",
    [
        "crowdtangle_page.csv",
        "crowdtangle_page_old.csv",
        "crowdtangle_group.csv",
        "crowdtangle_group_posters.csv",
        "crowdtangle_instagram.csv",
        "crowdtangle_page_shares.csv",
    ],
)
def test_detected(ws, name):
    assert detect_format(ws, FIX / name) == "crowdtangle"


def test_page_export_times_zones_and_links(ws):
    res = ingest_file(ws, FIX / "crowdtangle_page.csv")
    assert (res.rows_read, res.posts, res.quarantined) == (4, 3, 1)
    p = posts(ws)
    first = p["https://www.facebook.com/sedaye.mardom/posts/4455667788"]
    assert first[:3] == ("facebook", "page", "100064812345678")
    assert first[3] == dt.datetime(2021, 9, 1, 18, 3, 22)  # 14:03:22 EDT
    assert first[4:6] == ("page", "100064812345678")  # the Page is the venue
    assert first[6].startswith("منافقین پشت اغتشاشات")
    assert first[7] == 900
    # IRDT (+04:30) and a numeric +0330 offset.
    assert p["https://www.facebook.com/sedaye.mardom/photos/a.123/4455667799/"][3] == dt.datetime(
        2021, 9, 2, 4, 45
    )
    assert p["https://www.facebook.com/voiceoftruth/posts/9988"][3] == dt.datetime(
        2021, 9, 2, 6, 30
    )
    page = q(
        ws,
        "SELECT handle, display_name, followers, created_at, bio, declared_location FROM assets "
        "WHERE native_id = '100064812345678'",
    )
    assert page == [
        (
            "sedaye.mardom",
            "صدای مردم",
            16010,
            dt.datetime(2019, 3, 5, 15, 22, 33),
            "صفحه خبری مستقل",
            "IR",
        )
    ]
    urls = q(
        ws,
        "SELECT DISTINCT u.url_norm, u.domain FROM post_urls u JOIN posts p USING (post_id) "
        "WHERE p.native_id = 'https://www.facebook.com/sedaye.mardom/posts/4455667788'",
    )
    assert urls == [("https://tasnimnews.com/fa/news/1400/06/10/2570001", "tasnimnews.com")]
    tags = q(ws, "SELECT hashtag FROM post_hashtags WHERE post_id = 1 ORDER BY position")
    assert tags == [("منافقین",), ("ایران",)]
    # A URL in the message (no Link column value) is found too.
    assert q(
        ws,
        "SELECT u.domain FROM post_urls u JOIN posts p USING (post_id) "
        "WHERE p.native_id = 'https://www.facebook.com/voiceoftruth/posts/9988'",
    ) == [("presstv.ir",)]
    assert q(ws, "SELECT line, reason FROM quarantine") == [
        (5, "unknown time zone: 'XYZ' in Post Created")
    ]


def test_old_layout(ws):
    res = ingest_file(ws, FIX / "crowdtangle_page_old.csv")
    assert (res.posts, res.quarantined) == (1, 1)
    p = posts(ws)["https://www.facebook.com/iranfront/posts/1001"]
    assert p[:4] == ("facebook", "page", "100050000000001", dt.datetime(2020, 11, 4, 7, 59, 10))
    assert q(ws, "SELECT display_name, followers FROM assets") == [("Iran Front", 8800)]
    line, reason, raw = q(ws, "SELECT line, reason, raw FROM quarantine")[0]
    assert line == 3 and reason.startswith("unparseable time: Created") and "not a time" in raw
    # fbclid is a tracking parameter: dropped from the normalized URL.
    assert q(ws, "SELECT url_norm FROM post_urls") == [("https://presstv.ir/Detail/2020/11/04/1",)]


def test_group_is_the_asset_without_posters(ws):
    ingest_file(ws, FIX / "crowdtangle_group.csv")
    p = posts(ws)
    assert len(p) == 2
    for row in p.values():
        assert row[:3] == ("facebook", "group", "300012345678901")
        assert row[4:6] == ("group", "300012345678901")
    assert q(ws, "SELECT kind, handle, display_name, followers FROM assets") == [
        ("group", "hamiyan.velayat", "حامیان ولایت", 4510)
    ]


def test_group_posters_are_accounts_with_the_group_as_venue(ws):
    ingest_file(ws, FIX / "crowdtangle_group_posters.csv")
    p = posts(ws)
    a = p["https://www.facebook.com/groups/300012345678901/permalink/601/"]
    assert a[:3] == ("facebook", "account", "100099000000011")
    assert a[4:6] == ("group", "300012345678901")
    # A row without a poster falls back to the Group itself.
    c = p["https://www.facebook.com/groups/300012345678901/permalink/603/"]
    assert c[:3] == ("facebook", "group", "300012345678901")
    names = q(ws, "SELECT native_id, display_name FROM assets WHERE kind = 'account' ORDER BY 1")
    assert names == [("100099000000011", "علی رضایی"), ("100099000000012", "مریم احمدی")]


def test_instagram_handle_is_the_native_id(ws):
    ingest_file(ws, FIX / "crowdtangle_instagram.csv")
    p = posts(ws)
    assert {r[:3] for r in p.values()} == {("instagram", "account", "iran.man_1400")}
    assert all(r[4] is None for r in p.values())  # no venue on Instagram
    first = p["https://www.instagram.com/p/CTaBcDeFgHi/"]
    assert first[3] == dt.datetime(2021, 9, 3, 16, 45) and first[6].startswith("مرگ بر منافقین")
    assert q(ws, "SELECT handle, display_name, followers FROM assets") == [
        ("Iran.Man_1400", "ایران من", 25410)
    ]
    # 'Link' repeats the post's own URL on Instagram: not a shared link.
    assert q(ws, "SELECT DISTINCT domain FROM post_urls") == [("presstv.ir",)]


def test_reshared_posts_share_a_key(ws):
    ingest_file(ws, FIX / "crowdtangle_page_shares.csv")
    rows = dict(
        (r[0], r[1:]) for r in q(ws, "SELECT native_id, shared_post_id, shared_user FROM posts")
    )
    key = "https://www.facebook.com/sedaye.mardom/photos/a.123/5550002"
    # Two other Pages reshared the photo: the same key whatever the query string.
    assert rows["https://www.facebook.com/voiceoftruth/posts/7770001"] == (key, "sedaye.mardom")
    assert rows["https://www.facebook.com/iranfront/posts/8880001"] == (key, "sedaye.mardom")
    # The Page's own photo and a plain article link are not reshares.
    assert rows["https://www.facebook.com/sedaye.mardom/posts/5550001"] == (None, None)
    assert rows["https://www.facebook.com/iranfront/posts/8880002"] == (None, None)


def test_bad_rows_go_to_quarantine(ws, tmp_path):
    good = (FIX / "crowdtangle_group.csv").read_bytes()
    bad = (
        good
        + b"too,few,columns\n"
        + "حامیان ولایت,hamiyan.velayat,300012345678901,4500,2021-09-01 18:00:00 CEST,2021-09-01,"
        "18:00:00,Link,30,20,5,5,0,0,0,0,0,0,https://www.facebook.com/groups/3/permalink/9/,"
        "bad \xff byte,,,,,\n".encode().replace(b"\xc3\xbf", b"\xff")
        + "حامیان ولایت,hamiyan.velayat,,4500,2021-09-01 18:00:00 CEST,2021-09-01,18:00:00,"
        "Link,1,1,0,0,0,0,0,0,0,0,https://www.facebook.com/groups/3/permalink/10/,no group id,,,,,\n".encode()
    )
    path = tmp_path / "group_bad.csv"
    path.write_bytes(bad)
    res = ingest_file(ws, path, "crowdtangle")
    assert (res.rows_read, res.posts, res.quarantined) == (5, 2, 3)
    got = {
        line: reason.split(":")[0] for line, reason in q(ws, "SELECT line, reason FROM quarantine")
    }
    assert got == {4: "wrong column count", 5: "invalid utf-8", 6: "missing id"}


def test_not_crowdtangle_names_missing_columns(ws, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Page Name,Facebook Id,Message\nx,1,hello\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"other.csv.*missing column\(s\) URL, Post Created"):
        ingest_file(ws, path, "crowdtangle")


def test_reingest_adds_nothing(ws):
    ingest_file(ws, FIX / "crowdtangle_page.csv")
    before = q(
        ws,
        "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM assets), "
        "(SELECT count(*) FROM post_urls), (SELECT count(*) FROM quarantine)",
    )
    assert ingest_file(ws, FIX / "crowdtangle_page.csv").skipped
    res = ingest_file(ws, FIX / "crowdtangle_page.csv", force=True)
    assert (res.posts, res.assets, res.duplicates) == (0, 0, 3)
    after = q(
        ws,
        "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM assets), "
        "(SELECT count(*) FROM post_urls), (SELECT count(*) FROM quarantine)",
    )
    assert before == after


_CON = duckdb.connect()  # one in-memory connection for the property test's examples


@settings(max_examples=60, deadline=None)
@given(
    when=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2030, 1, 1)),
    zone=st.one_of(
        st.sampled_from(sorted(TIME_ZONES)),
        st.tuples(
            st.sampled_from("+-"), st.integers(0, 14), st.sampled_from([0, 30, 45]), st.booleans()
        ),
    ),
)
def test_zoned_times_match_python(when, zone):
    when = when.replace(microsecond=0)
    if isinstance(zone, str):
        text, offset = zone, TIME_ZONES[zone]
    else:
        sign, hours, minutes, colon = zone
        text = f"{sign}{hours:02d}{':' if colon else ''}{minutes:02d}"
        offset = (1 if sign == "+" else -1) * (hours * 60 + minutes)
    utc, _, _ = zoned_time_sql("$t")
    got = _CON.execute(f"SELECT {utc}", {"t": f"{when:%Y-%m-%d %H:%M:%S} {text}"}).fetchall()[0][0]
    assert got == when - dt.timedelta(minutes=offset)
