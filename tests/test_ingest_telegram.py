"""Telegram Desktop exports: channels, groups, the full export, entities, forwards, bad files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cibwatch.errors import FormatError
from cibwatch.ingest import detect_format, ingest_file

FIX = Path(__file__).parent / "fixtures" / "ingest"


def q(ws, sql, *params):
    return ws.con.execute(sql, list(params)).fetchall()


def post(ws, native_id):
    rows = q(
        ws,
        "SELECT a.kind, a.native_id, p.created_at, v.kind, v.native_id, p.text, p.reply_to, "
        "p.shared_post_id, p.shared_user, p.post_id FROM posts p JOIN assets a USING (asset_id) "
        "LEFT JOIN assets v ON v.asset_id = p.venue_id WHERE p.native_id = ?",
        native_id,
    )
    assert len(rows) == 1, native_id
    return rows[0]


@pytest.mark.parametrize(
    "name", ["telegram_channel.json", "telegram_group.json", "telegram_full.json"]
)
def test_detected(ws, name):
    assert detect_format(ws, FIX / name) == "telegram"


def test_channel(ws):
    res = ingest_file(ws, FIX / "telegram_channel.json")
    # 5 messages: 1 service (skipped), 3 posts, 1 with an unreadable date.
    assert (res.rows_read, res.posts, res.quarantined) == (4, 3, 1)
    assert q(ws, "SELECT platform, kind, native_id, display_name FROM assets") == [
        ("telegram", "channel", "1306540000", "خبر فوری")
    ]
    kind, nid, created, vkind, vid, text, *_ = post(ws, "1306540000/2")
    assert (kind, nid, vkind, vid) == ("channel", "1306540000", "channel", "1306540000")
    assert created == dt.datetime(2021, 9, 1, 9, 25)  # date_unixtime, not the local `date`
    assert text.startswith("منافقین پشت اغتشاشات هستند #منافقین https://www.tasnimnews.com")
    pid = post(ws, "1306540000/2")[-1]
    assert q(ws, "SELECT url_norm FROM post_urls WHERE post_id = ?", pid) == [
        ("https://tasnimnews.com/fa/news/1400/06/10/2570001",)
    ]
    assert q(ws, "SELECT hashtag FROM post_hashtags WHERE post_id = ?", pid) == [("منافقین",)]
    # A forward with a text_link (href) and a mention.
    fwd = post(ws, "1306540000/3")
    assert fwd[5] == "گزارش کامل را اینجا بخوانید @Tasnimnews"
    assert fwd[8] == "Tasnim News" and fwd[7].startswith("fwd:Tasnim News:")
    assert q(ws, "SELECT url_norm FROM post_urls WHERE post_id = ?", fwd[-1]) == [
        ("https://presstv.ir/Detail/2021/09/01/1",)
    ]
    assert q(ws, "SELECT mention FROM post_mentions WHERE post_id = ?", fwd[-1]) == [
        ("tasnimnews",)
    ]
    # An older export's message without date_unixtime, replying to message 2.
    reply = post(ws, "1306540000/4")
    assert reply[2] == dt.datetime(2021, 9, 2, 8, 10) and reply[6] == "1306540000/2"
    line, reason, raw = q(ws, "SELECT line, reason, raw FROM quarantine")[0]
    assert line == 4  # the message's index in `messages`
    assert reason == "unparseable time: date 'yesterday'"
    assert json.loads(raw)["text"] == "تاریخ خراب"


def test_group_senders_and_venue(ws):
    res = ingest_file(ws, FIX / "telegram_group.json")
    assert (res.rows_read, res.posts, res.quarantined) == (3, 3, 0)
    a = post(ws, "1500012345/11")
    assert a[:2] == ("account", "5551001") and a[3:5] == ("group", "1500012345")
    b = post(ws, "1500012345/12")
    assert b[:2] == ("account", "5551002") and b[6] == "1500012345/11"
    assert q(ws, "SELECT mention FROM post_mentions WHERE post_id = ?", b[-1]) == [("5551001",)]
    # A channel posting in the group is the channel asset (joins the channel's own export).
    c = post(ws, "1500012345/13")
    assert c[:2] == ("channel", "1306540000")
    # A plain-string text without entities: links and hashtags extracted from the text.
    assert q(ws, "SELECT domain FROM post_urls WHERE post_id = ?", c[-1]) == [("presstv.ir",)]
    assert q(ws, "SELECT hashtag FROM post_hashtags WHERE post_id = ?", c[-1]) == [("iran",)]
    names = dict(q(ws, "SELECT native_id, display_name FROM assets WHERE kind = 'account'"))
    assert names == {"5551001": "علی", "5551002": "مریم"}


def test_same_forward_in_two_chats_shares_a_key(ws, tmp_path):
    doc = json.loads((FIX / "telegram_group.json").read_text(encoding="utf-8"))
    doc["id"], doc["name"] = 1500099999, "گروه دیگر"
    other = tmp_path / "other_group.json"
    other.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    ingest_file(ws, FIX / "telegram_group.json")
    ingest_file(ws, other)
    a, b = post(ws, "1500012345/12"), post(ws, "1500099999/12")
    assert a[7] is not None and a[7] == b[7] and a[8] == "خبر فوری"
    # Messages that are not forwards have no shared post.
    assert post(ws, "1500012345/11")[7] is None


def test_full_export(ws):
    res = ingest_file(ws, FIX / "telegram_full.json")
    assert (res.rows_read, res.posts) == (2, 2)
    assert post(ws, "1600000001/1")[:2] == ("channel", "1600000001")
    assert post(ws, "1700000002/1")[:5] == (
        "account",
        "888",
        dt.datetime(2021, 9, 4, 12, 5),
        "group",
        "1700000002",
    )


def test_broken_json_fails_with_one_line(ws, tmp_path):
    path = tmp_path / "result.json"
    path.write_text(
        '{"name": "x", "type": "public_channel", "messages": [{"id": 1,', encoding="utf-8"
    )
    with pytest.raises(FormatError) as err:
        ingest_file(ws, path, "telegram")
    assert "result.json" in str(err.value) and "\n" not in str(err.value)


def test_invalid_utf8_quarantines_only_that_message(ws, tmp_path):
    raw = (FIX / "telegram_group.json").read_bytes()
    path = tmp_path / "result.json"
    path.write_bytes(raw.replace("مرگ بر منافقین".encode(), "مرگ بر".encode() + b" \xff\xfe"))
    res = ingest_file(ws, path)
    assert (res.rows_read, res.posts, res.quarantined) == (3, 2, 1)
    line, reason = q(ws, "SELECT line, reason FROM quarantine")[0]
    assert line == 1 and reason.startswith("invalid utf-8")
    assert {r[0] for r in q(ws, "SELECT native_id FROM posts")} == {
        "1500012345/12",
        "1500012345/13",
    }


def test_json_that_is_not_telegram(ws, tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"data": [1, 2, 3]}', encoding="utf-8")
    with pytest.raises(FormatError, match="missing field.*messages"):
        ingest_file(ws, path, "telegram")


def test_reingest_adds_nothing(ws):
    ingest_file(ws, FIX / "telegram_group.json")
    counts = q(ws, "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM assets)")
    res = ingest_file(ws, FIX / "telegram_group.json", force=True)
    assert (res.posts, res.assets, res.duplicates) == (0, 0, 3)
    assert q(ws, "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM assets)") == counts


def test_full_export_with_chats_of_the_wrong_shape_fails_with_one_line(ws, tmp_path):
    path = tmp_path / "result.json"
    path.write_text('{"personal_information": {"user_id": 1}, "chats": []}', encoding="utf-8")
    with pytest.raises(FormatError, match="not a Telegram Desktop export") as err:
        ingest_file(ws, path, "telegram")
    assert "result.json" in str(err.value) and "\n" not in str(err.value)


def big_full_export(path: Path, chats: int, messages: int) -> None:
    """A full export (chats.list) of Persian messages, written without holding it as objects."""
    text = "خبر فوری: تجمع امروز در میدان آزادی لغو شد #ایران https://example.ir/a "
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"personal_information": {"user_id": 42}, "chats": {"about": "x", "list": [')
        for c in range(chats):
            msgs = ",".join(
                json.dumps(
                    {
                        "id": m,
                        "type": "message",
                        "date": "2021-09-01T10:00:00",
                        "date_unixtime": str(1630490400 + m),
                        "from": f"کاربر {c}",
                        "from_id": f"user{c}",
                        "text": [text * 3, {"type": "hashtag", "text": "#ایران"}],
                        "text_entities": [{"type": "plain", "text": text * 3}],
                    },
                    ensure_ascii=False,
                )
                for m in range(messages)
            )
            sep = "," if c else ""
            fh.write(f'{sep}{{"name": "گروه {c}", "type": "private_group", "id": {c + 1}, ')
            fh.write(f'"messages": [{msgs}]}}')
        fh.write("]}}")


def test_full_export_is_read_within_a_small_memory_limit(tmp_path, monkeypatch):
    # A full export is one JSON document; casting its `chats` after reading needed 24x the
    # file's size (a 240 MB export failed under 5.8 GB). Typed in the reader it fits.
    from cibwatch.store import Workspace

    path = tmp_path / "result.json"
    big_full_export(path, chats=40, messages=1000)
    assert path.stat().st_size > 30_000_000
    monkeypatch.setenv("CIBWATCH_MEMORY_LIMIT", "400MB")
    with Workspace(tmp_path / "w") as small:
        res = ingest_file(small, path, "telegram")
        assert (res.rows_read, res.posts, res.quarantined) == (40_000, 40_000, 0)
        assert q(small, "SELECT count(DISTINCT venue_id) FROM posts") == [(40,)]
