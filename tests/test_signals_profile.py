"""profile-similarity: a creation burst of name+digits handles matches, ordinary accounts don't."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pyarrow as pa
import pytest

from cibwatch.config import parse_config
from cibwatch.signals import run_signals
from cibwatch.store import Workspace

FIRST = [
    "ali",
    "reza",
    "maryam",
    "zahra",
    "hossein",
    "narges",
    "mehdi",
    "parisa",
    "amir",
    "nazanin",
]
LAST = ["rezaei", "mohammadi", "hosseini", "karimi", "moradi", "jafari", "ahmadi", "kazemi"]
# Words ordinary people put in bios; each ordinary bio is a random handful of them.
BIO_WORDS = [
    "دانشجو",
    "مهندس",
    "کامپیوتر",
    "دانشگاه",
    "شریف",
    "تهران",
    "عکاس",
    "عاشق",
    "طبیعت",
    "سفر",
    "کوهنوردی",
    "روزنامه\u200cنگار",
    "اقتصاد",
    "نظرات",
    "شخصی",
    "موسیقی",
    "کتاب",
    "فوتبال",
    "پرسپولیس",
    "استقلال",
    "معلم",
    "پزشک",
    "مادر",
    "پدر",
    "برنامه\u200cنویس",
    "هنر",
    "سینما",
    "تئاتر",
    "شعر",
    "حافظ",
    "مولانا",
    "ورزش",
    "دویدن",
    "آشپزی",
    "کافه",
]


def ordinary(rng: random.Random, n: int, start: datetime, days: int) -> list[dict]:
    """Accounts created at random times over `days`, with varied handles, bios and avatars."""
    out = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        handle = rng.choice(
            [f"{first}.{last}", f"{first}{i}_{last[:3]}", f"real{first}{i % 7}", f"{last}{first}"]
        )
        out.append(
            {
                "handle": handle,
                "created_at": start + timedelta(seconds=rng.randint(0, days * 86400)),
                "bio": " ".join(rng.sample(BIO_WORDS, 6)) if i % 3 else None,
                "avatar_hash": f"{rng.getrandbits(64):016x}",
            }
        )
    return out


def make_assets(path, rows: list[dict], platform: str = "twitter") -> Workspace:
    ws = Workspace(path)
    n = len(rows)
    ws.con.register(
        "_a",
        pa.table(
            {
                "asset_id": pa.array(range(1, n + 1), pa.int64()),
                "platform": [platform] * n,
                "kind": ["account"] * n,
                "native_id": [str(1000 + i) for i in range(n)],
                "handle": [r.get("handle") for r in rows],
                "created_at": pa.array([r.get("created_at") for r in rows], pa.timestamp("us")),
                "bio": pa.array([r.get("bio") for r in rows], pa.string()),
                "avatar_hash": pa.array([r.get("avatar_hash") for r in rows], pa.string()),
            }
        ),
    )
    ws.con.execute("INSERT INTO assets BY NAME SELECT * FROM _a")
    ws.con.unregister("_a")
    return ws


def run(ws: Workspace, **params) -> dict[tuple[int, int], dict]:
    cfg = parse_config({"signals": {"profile-similarity": params}})
    run_signals(ws, config=cfg, signals="profile-similarity")
    cur = ws.con.execute("SELECT * FROM edges ORDER BY asset_a, asset_b")
    cols = [d[0] for d in cur.description]
    return {(r[0], r[1]): dict(zip(cols, r, strict=True)) for r in cur.fetchall()}


def traces(edge: dict) -> set[str]:
    return {e["key"].split(":")[0] for e in edge["examples"]}


@pytest.fixture
def world(tmp_path):
    opened = []

    def build(rows, **kw):
        ws = make_assets(tmp_path / f"w{len(opened)}", rows, **kw)
        opened.append(ws)
        return ws

    yield build
    for ws in opened:
        ws.close()


def test_creation_burst_of_name_digit_handles_matches(world):
    rng = random.Random(1)
    rows = ordinary(rng, 400, datetime(2024, 1, 1), 31)
    burst_at = datetime(2024, 1, 15, 10, 0)
    farm = [
        {
            "handle": f"sara_ahmadi{rng.randint(1000, 9999)}",
            "created_at": burst_at + timedelta(seconds=rng.randint(0, 1500)),
            "avatar_hash": f"{rng.getrandbits(64):016x}",
        }
        for _ in range(10)
    ]
    ws = world(rows + farm)
    edges = run(ws)
    farm_ids = set(range(len(rows) + 1, len(rows) + len(farm) + 1))
    farm_pairs = {k for k in edges if set(k) <= farm_ids}
    assert len(farm_pairs) == len(farm) * (len(farm) - 1) // 2
    for k in farm_pairs:
        assert traces(edges[k]) == {"burst", "handle"}
        assert edges[k]["keys"] == 2
    # The ordinary accounts, created over the same month, are linked to nobody.
    assert all(set(k) <= farm_ids for k in edges)


def test_ordinary_accounts_created_the_same_month_do_not_match(world):
    rng = random.Random(2)
    assert run(world(ordinary(rng, 600, datetime(2024, 3, 1), 30))) == {}


def test_date_only_creation_dates_use_day_bins(world):
    rng = random.Random(3)
    # A platform that records creation dates only: ~3 accounts a day over two months ...
    rows = [
        {
            "handle": f"user{rng.getrandbits(40):x}",
            "created_at": datetime(2016, 1, 1) + timedelta(days=rng.randint(0, 60)),
        }
        for _ in range(180)
    ]
    # ... and 15 created on one day.
    rows += [
        {"handle": f"patriot{rng.getrandbits(40):x}", "created_at": datetime(2016, 3, 3)}
        for _ in range(15)
    ]
    edges = run(world(rows))
    late = set(range(181, 196))
    burst_pairs = [k for k in edges if set(k) <= late]
    assert len(burst_pairs) == 15 * 14 // 2
    key = edges[burst_pairs[0]]["examples"][0]["key"]
    assert key.startswith("burst:twitter 2016-03-03T00:00:00Z/86400s n=")
    # Accounts created on an ordinary day alongside the burst's are not pulled in beyond it.
    assert all(set(k) <= late for k in edges if traces(edges[k]) == {"burst"})


def test_bio_near_duplicates_and_shared_avatar(world):
    bio = "مدافع حرم و عاشق ولایت، پیرو خط امام و شهدا 🇮🇷 #لبیک_یا_خامنه‌ای"
    rows = [
        {"handle": "a.one", "bio": bio},
        {"handle": "b.two", "bio": bio.replace("ی", "ي").replace("ک", "ك") + " ✌️"},
        {"handle": "c.three", "bio": "@khamenei_ir " + bio.replace("، ", " - ")},
        {"handle": "d.four", "bio": "عکاس و عاشق طبیعت، سفر و کوهنوردی", "avatar_hash": "ab12"},
        {
            "handle": "e.five",
            "bio": "مهندس نرم‌افزار و علاقه‌مند به موسیقی سنتی",
            "avatar_hash": "ab12",
        },
        {"handle": "f.six", "bio": "Father, engineer, Persepolis fan, proud Tabrizi"},
    ]
    edges = run(world(rows))
    assert set(edges) == {(1, 2), (1, 3), (2, 3), (4, 5)}
    assert traces(edges[(1, 2)]) == {"bio"}
    assert traces(edges[(4, 5)]) == {"avatar"}


def test_default_avatar_shared_by_thousands_is_skipped(world):
    rows = [{"handle": f"x{i}", "avatar_hash": "default_egg"} for i in range(1500)]
    assert run(world(rows)) == {}
    # Below max_key_assets it counts, and is down-weighted by its audience.
    edges = run(world(rows[:30]))
    assert len(edges) == 30 * 29 // 2
    assert max(e["weight"] for e in edges.values()) < 0.35
