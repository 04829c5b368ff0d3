"""The synthetic world: deterministic, ingestible without quarantine, and labelled as planted."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cibwatch.cli import app
from cibwatch.synth import FORMATS, build, describe, generate
from cibwatch.synth.writers import TWEET_COLUMNS

SCALE = 0.1


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("world")
    return out, generate(out, seed=7, scale=SCALE)


@pytest.fixture(scope="module")
def ingested(world, tmp_path_factory):
    ingest = pytest.importorskip("cibwatch.ingest")
    from cibwatch.store import Workspace

    out, _ = world
    ws = Workspace(tmp_path_factory.mktemp("ws") / "w")
    results = {rel: ingest.ingest_file(ws, out / rel) for rel in FORMATS}
    yield ws, results
    ws.close()


def truth_rows(out: Path) -> list[dict]:
    with (out / "truth.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, seed=3, scale=0.05)
    generate(b, seed=3, scale=0.05)
    generate(c, seed=4, scale=0.05)
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert len(files) == len(FORMATS) + 4  # + truth, laundering_truth, authors_truth, manifest
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert (a / "truth.csv").read_bytes() != (c / "truth.csv").read_bytes()
    for world in (a, c):  # one row per asset: no two assets share a platform id
        keys = [(r["platform"], r["kind"], r["native_id"]) for r in truth_rows(world)]
        assert len(keys) == len(set(keys))


def test_every_file_ingests_with_zero_quarantined_rows(ingested):
    ws, results = ingested
    for rel, result in results.items():
        assert result.format == FORMATS[rel], rel
        assert result.rows_read > 0, rel
        assert result.quarantined == 0, rel
    assert ws.con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0


def test_truth_names_exactly_the_ingested_assets(world, ingested):
    out, summary = world
    ws, _ = ingested
    truth = {(r["platform"], r["kind"], r["native_id"]) for r in truth_rows(out)}
    got = set(ws.con.execute("SELECT platform, kind, native_id FROM assets").fetchall())
    assert truth == got
    assert len(truth) == summary["assets"]
    posts = ws.con.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert posts == summary["posts"]


def test_labels_match_what_was_planted(world):
    out, summary = world
    rows = truth_rows(out)
    assert {r["label"] for r in rows} == {"io", "organic", "authentic_coord"}
    assert all(r["operation"] == "" for r in rows if r["label"] == "organic")
    ops = {r["operation"] for r in rows if r["label"] == "io"}
    assert ops == {
        "op_amplifiers",
        "op_pages_groups",
        "op_patient",
        "op_crossplatform",
        "op_telegram",
        "op_small",
    }
    sizes = {op: sum(1 for r in rows if r["operation"] == op) for op in ops}
    assert min(sizes.values()) >= 5
    cross = {(r["platform"], r["kind"]) for r in rows if r["operation"] == "op_crossplatform"}
    assert cross == {
        ("facebook", "account"),
        ("instagram", "account"),
        ("facebook", "page"),
        ("facebook", "group"),
    }
    for p in summary["planted"]:
        if p["label"] != "chains" and p["group"].startswith(
            ("op_", "tweetstorm", "media", "community")
        ):
            assert summary["operations"][f"{p['label']}:{p['group']}"] == p["size"]
    assert "op_patient" in describe(summary)


def test_patient_operation_keeps_tehran_office_hours_and_claims_abroad(world):
    out, _ = world
    patient = [r["native_id"] for r in truth_rows(out) if r["operation"] == "op_patient"]
    con = duckdb.connect()
    tweets = str(out / "twitter" / "synth_2021_09_tweets_csv_hashed.csv")
    rows = con.execute(
        """
        SELECT userid, strptime(tweet_time, '%Y-%m-%d %H:%M') + INTERVAL 210 MINUTE AS tehran,
               any_value(user_reported_location) OVER (PARTITION BY userid) AS loc
        FROM read_csv(?, all_varchar = true) WHERE list_contains(?, userid)
        """,
        [tweets, patient],
    ).fetchall()
    assert len(rows) > 100
    for _, tehran, loc in rows:
        assert 9 <= tehran.hour < 17, tehran
        assert tehran.weekday() != 4  # no Friday
        assert "Iran" not in loc and "تهران" not in loc


def test_creation_dates_as_planted(world):
    """Amplifiers were registered in 2021 bursts; tweetstorm activists are long-lived accounts."""
    out, _ = world
    op = {r["native_id"]: r["operation"] for r in truth_rows(out) if r["platform"] == "twitter"}
    users = out / "twitter" / "synth_2021_09_users_csv_hashed.csv"
    with users.open(newline="", encoding="utf-8") as fh:
        created = {r["userid"]: r["account_creation_date"] for r in csv.DictReader(fh)}
    amps = [created[u] for u, o in op.items() if o == "op_amplifiers"]
    storm = [created[u] for u, o in op.items() if o.startswith("tweetstorm")]
    assert amps and all("2019-06" <= d <= "2021-08-31" for d in amps)
    assert sum(d.startswith("2021-0") for d in amps) >= 0.8 * len(amps)
    assert storm and all(d < "2019-01-01" for d in storm)


def test_twitter_io_layout_and_quirks(world):
    out, _ = world
    path = out / "twitter" / "synth_2021_09_tweets_csv_hashed.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == TWEET_COLUMNS
        rows = list(reader)
    ids = {r["userid"] for r in rows}
    assert any(len(u) == 64 and int(u, 16) >= 0 for u in ids)
    assert any(u.isdigit() for u in ids)
    rts = [r for r in rows if r["is_retweet"] == "True"]
    assert rts and all(r["tweet_text"].startswith("RT @") and r["retweet_tweetid"] for r in rts)
    assert all(r["latitude"] == "absent" and r["like_count"].endswith(".0") for r in rows)
    assert any(r["hashtags"].startswith("['") for r in rows)
    assert any(
        r["user_mentions"].startswith("[")
        and "'" not in r["user_mentions"]
        and r["user_mentions"] != "[]"
        for r in rows
    )
    assert all(len(r["tweet_time"]) == 16 and len(r["account_creation_date"]) == 10 for r in rows)
    text = " ".join(r["tweet_text"] for r in rows)
    assert "\u200c" in text and "ي" in text  # ZWNJ and Arabic yeh variants both occur


def test_crowdtangle_layouts_and_telegram_export(world):
    out, _ = world
    heads = {}
    for rel in FORMATS:
        if rel.startswith("crowdtangle/"):
            with (out / rel).open(newline="", encoding="utf-8") as fh:
                heads[rel] = next(csv.reader(fh))
    layouts = [h for h in heads.values() if "Created" in h and "Post Created" not in h]
    assert layouts and "Likes at Posting" in layouts[0]
    assert any({"Group Id", "Poster Id", "Poster Name"} <= set(h) for h in heads.values())
    assert any(h[0] == "Account" and "Description" in h for h in heads.values())
    full = json.loads(
        (out / "telegram/DataExport_2021-10-01/result.json").read_text(encoding="utf-8")
    )
    msgs = [m for chat in full["chats"]["list"] for m in chat["messages"]]
    assert any(isinstance(m["text"], list) for m in msgs)
    assert any("forwarded_from" in m for m in msgs)
    assert all(m["from_id"].startswith("channel") and m["date_unixtime"].isdigit() for m in msgs)


def test_organic_news_bursts_look_coordinated(ingested):
    """Hardness: ordinary accounts share one story within minutes, and it is not an operation."""
    ws, _ = ingested
    biggest = ws.con.execute(
        """
        SELECT u.url_norm, count(DISTINCT p.asset_id) AS n
        FROM posts p JOIN post_urls u USING (post_id)
        GROUP BY u.url_norm, time_bucket(INTERVAL 15 MINUTE, p.created_at)
        ORDER BY n DESC LIMIT 1
        """
    ).fetchone()
    assert biggest[1] >= 15


def test_laundering_truth_is_consistent_with_articles(world):
    out, summary = world
    arts = {}
    with (out / "articles" / "articles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            a = json.loads(line)
            arts[a["id"]] = a
    with (out / "laundering_truth.csv").open(newline="", encoding="utf-8") as fh:
        chains = list(csv.DictReader(fh))
    assert len(chains) == summary["chains"] >= 8
    roles = {}
    with (out / "authors_truth.csv").open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            roles[(r["outlet"], r["author"])] = r["author_role"]
    for c in chains:
        s, i, cb = arts[c["state_id"]], arts[c["intermediary_id"]], arts[c["citeback_id"]]
        assert s["published_at"] < i["published_at"] < cb["published_at"]
        assert (
            i["url"] in cb["links"] if c["citeback_links"] == "true" else i["outlet"] in cb["text"]
        )
        assert (s["url"] in i["links"]) == (c["credited"] == "true")
        assert (
            roles[(i["outlet"], i["author"])]
            == "intermediary"
            == roles[(c["intermediary_outlet"], c["intermediary_author"])]
        )
    assert {"intermediary", "independent", "state"} <= set(roles.values())


def test_build_rejects_a_non_positive_scale():
    from cibwatch.errors import CibwatchError

    with pytest.raises(CibwatchError, match="scale"):
        build(1, 0)


def test_cli_synth(tmp_path):
    res = CliRunner().invoke(
        app, ["synth", "--seed", "2", "--scale", "0.05", "--out", str(tmp_path / "w"), "--json"]
    )
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["seed"] == 2 and summary["assets"] > 100
    assert (tmp_path / "w" / "truth.csv").is_file()


def test_no_reshare_reply_or_quote_precedes_its_original():
    from cibwatch.synth.world import END, START

    posts = build(5, 0.1).posts()
    assert posts["t"].min() >= START and posts["t"].max() < END  # all inside the 30 days
    for col in ("shared", "reply", "quoted"):
        ref = posts[col]
        has = ref >= 0
        assert has.any(), col
        assert (posts["t"][has] >= posts["t"][ref[has]]).all(), col
