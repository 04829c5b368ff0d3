"""near-duplicate-text: Persian copy-paste variants match, unrelated posts don't, boilerplate stays bounded."""

from __future__ import annotations

import itertools
import random
import shutil
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

from cibwatch.config import parse_config
from cibwatch.signals import minhash, run_signals
from cibwatch.store import Workspace
from cibwatch.text import normalize, normalize_arrow

T0 = datetime(2024, 3, 1, 12, 0, 0)

BASE = (
    "هموطنان عزیز، امروز ساعت پنج عصر در میدان آزادی جمع می‌شویم تا صدای مردم را به گوش "
    "دنیا برسانیم #ایران #آزادی #اعتراضات"
)
# Copy-paste variants of BASE, each with a different cosmetic change.
VARIANTS = [
    BASE + " 😡🔥✌️",  # emoji added
    BASE.replace("#ایران #آزادی #اعتراضات", "#اعتراضات #ایران #آزادی"),  # hashtags reordered
    "@bbcpersian @iranintl " + BASE,  # mentions added
    "@manoto " + BASE.replace("،", " ,") + "!!!",  # other mention, punctuation
    BASE.replace("می\u200cشویم", "می شویم"),  # ZWNJ written as a space
    BASE.replace("ی", "ي").replace("ک", "ك"),  # Arabic yeh and kaf
    BASE + " https://t.co/AbC123xyz",  # a link appended
]
UNRELATED = [
    "قیمت دلار در بازار آزاد تهران امروز دوباره افزایش یافت و به رکورد تازه‌ای رسید #اقتصاد",
    "تیم ملی فوتبال ایران در بازی دوستانه مقابل روسیه با نتیجه دو بر یک پیروز شد #فوتبال",
    "The central bank raised interest rates again today as inflation stays high #economy",
    "امروز در میدان آزادی هوا بسیار آلوده بود و مدارس تهران تعطیل شدند #آلودگی_هوا",
]


def make_posts(path, posts) -> Workspace:
    """A workspace with posts (asset, t seconds, text[, shared]); texts normalized in one go."""
    ws = Workspace(path)
    assets = sorted({p[0] for p in posts})
    ws.con.register(
        "_a",
        pa.table(
            {
                "asset_id": pa.array(assets, pa.int64()),
                "platform": ["twitter"] * len(assets),
                "kind": ["account"] * len(assets),
                "native_id": [f"u{a}" for a in assets],
            }
        ),
    )
    ws.con.execute("INSERT INTO assets BY NAME SELECT * FROM _a")
    texts = pa.array([p[2] for p in posts], pa.string())
    table = pa.table(
        {
            "post_id": pa.array(range(1, len(posts) + 1), pa.int64()),
            "platform": ["twitter"] * len(posts),
            "native_id": [f"p{i}" for i in range(1, len(posts) + 1)],
            "asset_id": pa.array([p[0] for p in posts], pa.int64()),
            "created_at": [T0 + timedelta(seconds=p[1]) for p in posts],
            "text": texts,
            "text_norm": normalize_arrow(texts),
            "shared_post_id": pa.array([p[3] if len(p) > 3 else None for p in posts], pa.string()),
        }
    )
    ws.con.register("_p", table)
    ws.con.execute("INSERT INTO posts BY NAME SELECT * FROM _p")
    ws.con.unregister("_a")
    ws.con.unregister("_p")
    return ws


def run(ws: Workspace, **params) -> dict[tuple[int, int], dict]:
    cfg = parse_config({"signals": {"near-duplicate-text": params}})
    run_signals(ws, config=cfg, signals="near-duplicate-text")
    cur = ws.con.execute("SELECT * FROM edges ORDER BY asset_a, asset_b")
    cols = [d[0] for d in cur.description]
    return {(r[0], r[1]): dict(zip(cols, r, strict=True)) for r in cur.fetchall()}


@pytest.fixture
def ws(tmp_path):
    opened: list[Workspace] = []

    def build(posts):
        w = make_posts(tmp_path / f"w{len(opened)}", posts)
        opened.append(w)
        return w

    yield build
    for w in opened:
        w.close()


def test_persian_copy_paste_variants_all_match(ws):
    posts = [(1, 0, BASE)] + [(i + 2, 600 * (i + 1), v) for i, v in enumerate(VARIANTS)]
    edges = run(ws(posts))
    members = range(1, len(VARIANTS) + 2)
    assert set(edges) == set(itertools.combinations(members, 2))
    for e in edges.values():
        assert e["signal"] == "near-duplicate-text"
        assert e["events"] == 1 and e["keys"] == 1 and e["weight"] > 0
        example = e["examples"][0]["key"]
        # Names both posts, the Jaccard estimate and the text fingerprint.
        assert "~" in example and "J=" in example and "fp=" in example
        jaccard = float(example.split("J=")[1].split()[0])
        assert jaccard >= 0.6


def test_unrelated_posts_do_not_match(ws):
    posts = [(1, 0, BASE)] + [(i + 2, 60 * (i + 1), t) for i, t in enumerate(UNRELATED)]
    assert run(ws(posts)) == {}


def test_window_reshares_and_same_asset(ws):
    posts = [
        (1, 0, BASE),
        (2, 3 * 86400, VARIANTS[0]),  # three days later: outside the 6 h default window
        (3, 60, VARIANTS[1], "999"),  # a reshare: left to co-share
        (1, 120, VARIANTS[2]),  # the same asset again: no self-edge
    ]
    assert run(ws(posts)) == {}
    # A wider window brings the late copy in.
    assert set(run(ws(posts), window=4 * 86400.0)) == {(1, 2)}


def test_edited_copy_above_threshold_but_rewrite_below(ws):
    edited = BASE.replace("پنج عصر", "شش عصر")  # one word changed
    rewrite = "فردا عصر همه به خیابان بیایید، صدای ما باید به گوش جهانیان برسد #ایران"
    edges = run(ws([(1, 0, BASE), (2, 30, edited), (3, 60, rewrite)]))
    assert set(edges) == {(1, 2)}


def test_boilerplate_posted_by_thousands_stays_bounded(ws):
    n = 3000
    rng = random.Random(5)
    greeting = "جمعه همگی بخیر، روزتون پر از شادی و آرامش باشه دوستان عزیز 🌹"
    posts = [(a, rng.randint(0, 3600), greeting) for a in range(1, n + 1)]
    # Plus a real copy-paste pair hidden in the crowd.
    posts += [(n + 1, 100, BASE), (n + 2, 200, VARIANTS[3])]
    edges = run(ws(posts), neighbours=5)
    crowd = [e for k, e in edges.items() if k[1] <= n]
    # Each post pairs with at most its next 5 in time order (x2 for the shifted block join).
    assert len(crowd) <= n * 5
    assert (n + 1, n + 2) in edges
    # A text shared by 3000 assets weighs far less than a private copy.
    assert max(e["weight"] for e in crowd) < 0.25 * edges[(n + 1, n + 2)]["weight"]


def test_latin_script_copies_match(ws):
    a = "BREAKING: the regime is lying again about the protests, share before it gets deleted!"
    b = "@someone Breaking - the regime is lying AGAIN about the protests... share before it gets deleted 🙏"
    assert set(run(ws([(1, 0, a), (2, 50, b)]))) == {(1, 2)}


def _shingles(text: str, k: int = 5) -> set[str]:
    body = "".join(ch for ch in text if ch.isalnum())
    return {body[i : i + k] for i in range(len(body) - k + 1)}


def test_signature_estimates_jaccard_and_ignores_batch_boundaries():
    rng = random.Random(11)
    words = BASE.split() + UNRELATED[0].split()
    texts = []
    for _ in range(200):
        w = rng.sample(words, 12)
        texts.append(" ".join(w))
        texts.append(" ".join(w[:10] + rng.sample(words, 2)))
    arr = normalize_arrow(pa.array(texts, pa.string()))
    sig = minhash.signatures(arr, num_perm=256)
    assert sig.index.tolist() == list(range(len(texts)))
    errors = []
    for i in range(0, len(texts), 2):
        s1, s2 = _shingles(arr[i].as_py()), _shingles(arr[i + 1].as_py())
        true = len(s1 & s2) / len(s1 | s2)
        est = minhash.estimated_jaccard(sig.values[i : i + 1], sig.values[i + 1 : i + 2])[0]
        errors.append(est - true)
    assert abs(np.mean(errors)) < 0.03  # unbiased
    assert np.sqrt(np.mean(np.square(errors))) < 0.08  # ~ sqrt(J(1-J)/256) plus noise
    # A text's signature does not depend on the texts around it.
    alone = minhash.signatures(arr.slice(7, 1), num_perm=256)
    assert (alone.values[0] == sig.values[7]).all()
    assert alone.fingerprint[0] == sig.fingerprint[7]


def test_cleaning_makes_cosmetic_variants_identical():
    arr = pa.array([normalize(BASE)] + [normalize(v) for v in VARIANTS], pa.string())
    sig = minhash.signatures(arr)
    assert len(sig.index) == len(VARIANTS) + 1
    assert len(set(sig.fingerprint.tolist())) == 1
    short = minhash.signatures(pa.array(["سلام 😀", None, ""], pa.string()))
    assert len(short.index) == 0


@pytest.mark.spark
def test_spark_gives_the_same_edges_for_near_duplicate_sync_and_profile(tmp_path):
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no Java on this machine")
    from cibwatch.engine.spark import SparkEngine, spark_session

    rng = random.Random(7)
    posts = [(1, 0, BASE)] + [(i + 2, 600 * (i + 1), v) for i, v in enumerate(VARIANTS)]
    posts += [(20 + i, 60 * i, t) for i, t in enumerate(UNRELATED)]
    for day in range(10):  # two bots in lockstep among ordinary accounts
        for _ in range(15):
            t = day * 86400 + rng.randint(20000, 48000)
            posts += [(31, t, None), (32, t + 3, None)]
        for a in range(33, 40):
            posts += [(a, day * 86400 + rng.randint(20000, 48000), None) for _ in range(9)]
    w = make_posts(tmp_path / "w", posts)
    # Profiles: assets 1-8 were created in one burst with name+digit handles.
    w.con.execute(
        "UPDATE assets SET handle = CASE WHEN asset_id <= 8 THEN 'sara_ahmadi' || (1000 + asset_id)"
        " ELSE 'user.' || asset_id END, created_at = CASE WHEN asset_id <= 8 THEN"
        " TIMESTAMP '2024-01-15 10:00:00' + to_seconds(asset_id * 60) ELSE"
        " TIMESTAMP '2023-06-01' + to_days(CAST(asset_id * 7 AS INTEGER)) END"
    )
    names = ["near-duplicate-text", "sync-activity", "profile-similarity"]
    run_signals(w, engine="duckdb", signals=names)
    on_duckdb = w.con.execute("SELECT * FROM edges ORDER BY ALL").fetchall()
    assert {r[2] for r in on_duckdb} == set(names)  # the world exercises each one
    session = spark_session({"spark.sql.shuffle.partitions": "2"})
    try:
        eng = SparkEngine(w, session=session)
        run_signals(w, engine=eng, signals=names)
        eng.close()
    finally:
        session.stop()
    assert w.con.execute("SELECT * FROM edges ORDER BY ALL").fetchall() == on_duckdb
    w.close()


def test_empty_workspace_gives_no_edges(tmp_path):
    with Workspace(tmp_path / "w") as w:
        report = run_signals(w, signals="near-duplicate-text,sync-activity,profile-similarity")
        assert [r.edges for r in report.runs] == [0, 0, 0]


def test_edges_do_not_depend_on_input_order(ws):
    rng = random.Random(4)
    posts = [(1, 0, BASE)] + [(i + 2, 300 * (i + 1), v) for i, v in enumerate(VARIANTS)]
    posts += [(20 + i, 90 * i, t) for i, t in enumerate(UNRELATED)]
    first = run(ws(posts))
    shuffled = posts[:]
    rng.shuffle(shuffled)
    again = run(ws(shuffled))
    strip = {k: {c: v for c, v in e.items() if c != "examples"} for k, e in first.items()}
    assert strip == {k: {c: v for c, v in e.items() if c != "examples"} for k, e in again.items()}
    for (a, b), e in first.items():
        assert a < b and e["weight"] >= 0 and e["events"] >= 1 and e["keys"] >= 1


def test_edges_do_not_depend_on_slices(ws, monkeypatch):
    from cibwatch.signals import near_duplicate_text

    rng = random.Random(6)
    greeting = "جمعه همگی بخیر، روزتون پر از شادی و آرامش باشه دوستان عزیز 🌹"
    posts = [(a, rng.randint(0, 3600), greeting) for a in range(1, 300)]
    posts += [(400 + i, 300 * i, v) for i, v in enumerate([BASE, *VARIANTS])]
    whole = run(ws(posts))
    # Slices of a few band rows each: every key boundary becomes a cut, and long keys
    # (the greeting's) run past the last multiple of the slice size.
    monkeypatch.setattr(near_duplicate_text, "_PAIR_ROWS", 7)
    # Signatures a few texts at a time, and the verified pairs folded in several slices of
    # asset pairs (each slice leaves as finished edges).
    monkeypatch.setattr(near_duplicate_text, "_SIG_ROWS", 5)
    monkeypatch.setattr(near_duplicate_text, "_FOLD_ROWS", 50)
    sliced = run(ws(posts))
    assert sliced == whole and len(whole) > 300


def test_boilerplate_pairs_exact_copies_in_every_case_and_near_copies_in_the_first_bands(ws):
    # 150 assets post one greeting within the hour (a boilerplate bucket of more than
    # max_bucket_posts = 100), and 150 others a variant with two words changed (a near-copy:
    # another cleaned text, J >= threshold, sharing band keys with the greeting).
    from cibwatch.signals.near_duplicate_text import NearDuplicateParams, band_signatures

    rng = random.Random(8)
    greeting = "جمعه همگی بخیر، روزتون پر از شادی و آرامش باشه دوستان عزیز و مهربان من"
    variant = greeting.replace("مهربان", "نازنین")
    _, keys, sig, _ = band_signatures(
        pa.array([normalize(greeting), normalize(variant)]), NearDuplicateParams()
    )
    assert (sig[0] == sig[1]).mean() >= 0.6
    first = int(np.flatnonzero(keys[0] == keys[1])[0])  # the first band the two share
    posts = [(a, rng.randint(0, 3600), greeting) for a in range(1, 151)]
    posts += [(a, rng.randint(0, 3600), variant) for a in range(151, 301)]

    def mixed(edges):  # edges between a greeting's poster and a variant's poster
        return [k for k in edges if k[0] <= 150 < k[1]]

    # Exact copies are paired text by text (once, not per band), so even without any band
    # pairing boilerplate, each text's posters are linked, with their next 3 copies in time.
    none = run(ws(posts), neighbours=3, boilerplate_bands=0)
    assert not mixed(none)
    assert {a for k in none for a in k} == set(range(1, 301))
    assert len(none) <= 300 * 3
    # Near copies of a boilerplate text are paired in the first bands only.
    before = run(ws(posts), neighbours=3, boilerplate_bands=first)
    within = run(ws(posts), neighbours=3, boilerplate_bands=first + 1)
    every = run(ws(posts), neighbours=3, boilerplate_bands=16)
    assert not mixed(before) and mixed(within)
    assert set(none) <= set(within) <= set(every)


def test_band_signatures_of_repeated_texts_are_their_originals():
    from cibwatch.signals.near_duplicate_text import NearDuplicateParams, band_signatures

    texts = [normalize(t) for t in [BASE, *VARIANTS, *UNRELATED, "کوتاه"]]
    rng = random.Random(3)
    picks = [rng.randrange(len(texts)) for _ in range(60)]
    p = NearDuplicateParams()
    idx_u, keys_u, sig_u, fp_u = band_signatures(pa.array(texts), p)
    idx, keys, sig, fp = band_signatures(
        pa.chunked_array(
            [pa.array([texts[i] for i in picks[:25]]), pa.array([texts[i] for i in picks[25:]])]
        ),
        p,
    )
    row = {int(t): r for r, t in enumerate(idx_u)}  # row of each unique text, if long enough
    assert idx.tolist() == [i for i, t in enumerate(picks) if t in row]
    at = [row[picks[i]] for i in idx]
    assert (keys == keys_u[at]).all() and (sig == sig_u[at]).all() and (fp == fp_u[at]).all()


def _reference_fold(d1, d2, n_k, jac, asset, fp, native, created, params):
    """The fold as it was written first, with Arrow's group-by and sort over the example
    strings of every post pair: the oracle for the integer fold (near_duplicate_text)."""
    import pyarrow.compute as pc

    from cibwatch.signals.base import MAX_EXAMPLES
    from cibwatch.signals.near_duplicate_text import _hex16, _popularity_weight

    a1, a2 = asset[d1], asset[d2]
    swap = a1 > a2
    x, y = np.where(swap, d2, d1), np.where(swap, d1, d2)
    a, b = np.where(swap, a2, a1), np.where(swap, a1, a2)
    weight = jac * _popularity_weight(n_k, params.popularity)
    fp_hex = _hex16(np.minimum(fp[x], fp[y]))
    width = params.num_perm
    jac_txt = pa.array([f"{k / width:.2f}" for k in range(width + 1)], pa.string()).take(
        pa.array(np.rint(jac * width).astype(np.int64))
    )
    example = pc.binary_join_element_wise(
        native.take(pa.array(x)), "~", native.take(pa.array(y)), " J=", jac_txt, " fp=", fp_hex, ""
    )
    at_x, at_y = created.take(pa.array(x)), created.take(pa.array(y))
    pairs = pa.table(
        {
            "a": pa.array(a, pa.int64()),
            "b": pa.array(b, pa.int64()),
            "text": fp_hex,
            "example": example,
            "first": pc.min_element_wise(at_x, at_y),
            "last": pc.max_element_wise(at_x, at_y),
            "w": pa.array(weight, pa.float64()),
        }
    )
    per_text = pairs.group_by(["a", "b", "text"]).aggregate(
        [("example", "min"), ("first", "min"), ("last", "max"), ("w", "max"), ("a", "count")]
    )
    per_text = per_text.take(
        pc.sort_indices(
            per_text,
            sort_keys=[
                ("a", "ascending"),
                ("b", "ascending"),
                ("first_min", "ascending"),
                ("example_min", "ascending"),
            ],
        )
    )
    a = per_text.column("a").to_numpy()
    b = per_text.column("b").to_numpy()
    starts = np.flatnonzero(np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])])
    texts = np.diff(np.r_[starts, len(a)])
    events = np.add.reduceat(per_text.column("a_count").to_numpy().astype(np.int64), starts)
    weight = np.add.reduceat(per_text.column("w_max").to_numpy(), starts) * params.scale
    first = per_text.column("first_min").combine_chunks()
    last = per_text.column("last_max").combine_chunks()
    last_at = np.maximum.reduceat(last.to_numpy(zero_copy_only=False), starts)
    rank = np.arange(len(a)) - np.repeat(starts, texts)
    shown = np.flatnonzero(rank < MAX_EXAMPLES)
    examples = pa.StructArray.from_arrays(
        [
            per_text.column("example_min").combine_chunks().take(pa.array(shown)),
            first.take(pa.array(shown)),
        ],
        names=["key", "at"],
    )
    offsets = np.r_[0, np.cumsum(np.minimum(texts, MAX_EXAMPLES))].astype(np.int32)
    edges = pa.table(
        {
            "asset_a": pa.array(a[starts], pa.int64()),
            "asset_b": pa.array(b[starts], pa.int64()),
            "weight": pa.array(weight, pa.float64()),
            "events": pa.array(events, pa.int64()),
            "keys": pa.array(texts.astype(np.int64), pa.int64()),
            "first_at": first.take(pa.array(starts)),
            "last_at": pa.array(last_at, last.type),
            "examples": pa.ListArray.from_arrays(pa.array(offsets), examples),
        }
    )
    keep = (events >= params.min_events) & (texts >= params.min_keys)
    return edges if keep.all() else edges.filter(pa.array(keep))


@pytest.mark.parametrize("seed", range(40))
def test_integer_fold_equals_the_string_fold(seed):
    """Few assets, texts, ids and instants: many texts per pair, many pairs per text, and ties
    in time that only the example strings break. Every column must come out the same."""
    from cibwatch.signals.near_duplicate_text import NearDuplicateParams, _fold_edges

    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(2, 60)), int(rng.integers(1, 300))
    asset = rng.integers(0, int(rng.integers(2, 8)), n).astype(np.int64)
    if seed % 4 == 0:
        asset += 1 << 40  # ids too large to pack two into one int64
    fp = rng.integers(0, 4, n).astype(np.uint64) * np.uint64(2**61)
    native = pa.array([f"{v}{'۱' * (v % 3)}" for v in rng.integers(0, 30, n)])
    micros = (1_700_000_000 + rng.integers(0, 4, n)) * 1_000_000 + rng.integers(0, 2, n)
    created = pa.array(micros, pa.timestamp("us"))
    asset[rng.integers(0, n)] = asset.max() + 1  # at least two assets
    d1, d2 = rng.integers(0, n, p), rng.integers(0, n, p)
    d2[0] = np.flatnonzero(asset != asset[d1[0]])[0]
    d1, d2 = d1[asset[d1] != asset[d2]], d2[asset[d1] != asset[d2]]
    n_k = rng.integers(2, 300, len(d1)).astype(np.int32)
    jac = rng.integers(38, 65, len(d1)) / 64
    params = NearDuplicateParams(min_keys=1 + seed % 2)
    expected = _reference_fold(d1, d2, n_k, jac, asset, fp, native, created, params)
    got = _fold_edges(d1, d2, n_k, jac, asset, fp, native, created, params)
    assert got.num_rows > 0 or seed % 2
    assert got.to_pylist() == expected.to_pylist()
