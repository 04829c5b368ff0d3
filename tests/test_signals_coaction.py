"""The co-action operator against a brute-force reference, its weighting, and its bounds."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta

import ibis
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cibwatch.signals.coaction import CoActionParams, co_actions

T0 = datetime(2024, 3, 1, 12, 0, 0)


@pytest.fixture(scope="module")
def con():
    backend = ibis.duckdb.connect()
    yield backend
    backend.disconnect()


class TopN:
    """An engine stand-in that offers DuckDB's top-N aggregate (the fold's cheaper path)."""

    name = "duckdb"

    def has(self, capability: str) -> bool:
        return capability == "top_n_aggregate"

    def require(self, capability: str) -> None:
        assert self.has(capability)


def run(con, actions, engine=None, **params):
    """Edges for (asset, key, t_seconds[, item]) tuples as {(a, b): row}."""
    table = pa.table(
        {
            "asset_id": [a[0] for a in actions],
            "key": [a[1] for a in actions],
            "at": [T0 + timedelta(seconds=a[2]) for a in actions],
            "item": [a[3] if len(a) > 3 else f"i{n}" for n, a in enumerate(actions)],
        },
        schema=pa.schema(
            [
                ("asset_id", pa.int64()),
                ("key", pa.string()),
                ("at", pa.timestamp("us")),
                ("item", pa.string()),
            ]
        ),
    )
    name = f"t{next(_n)}"
    con.con.register(name, table)
    out = co_actions(con.table(name), CoActionParams(**params), engine)
    rows = con.con.sql(ibis.to_sql(out, dialect="duckdb")).to_arrow_table().to_pylist()
    return {(r["asset_a"], r["asset_b"]): r for r in rows}


_n = iter(range(10**9))


def brute_force(actions, window):
    """Every pair of actions on the same key within the window, by asset pair."""
    audience = defaultdict(set)
    for asset, key, _t, *_ in actions:
        audience[key].add(asset)
    out: dict = {}
    acts = [(a[0], a[1], a[2], a[3] if len(a) > 3 else f"i{n}") for n, a in enumerate(actions)]
    acts = list(dict.fromkeys(acts))
    for i, (a1, k1, t1, i1) in enumerate(acts):
        for a2, k2, t2, i2 in acts[i + 1 :]:
            if k1 != k2 or a1 == a2 or i1 == i2 or abs(int(t1) - int(t2)) > window:
                continue
            pair = (min(a1, a2), max(a1, a2))
            rec = out.setdefault(pair, {"events": 0, "keys": set(), "times": [], "first": {}})
            rec["events"] += 1
            rec["keys"].add(k1)
            rec["times"] += [t1, t2]
            # A key's example time is its earliest co-action's earlier action.
            rec["first"][k1] = min(rec["first"].get(k1, t1), t1, t2)
    return out, audience


action_lists = st.lists(
    st.tuples(
        st.integers(1, 6),  # asset
        st.sampled_from(["u1", "u2", "u3", "https://example.com/ا"]),  # key
        st.integers(0, 400),  # seconds
    ),
    max_size=40,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    actions=action_lists,
    window=st.sampled_from([0, 1, 10, 60]),
    seed=st.randoms(),
    engine=st.sampled_from([None, TopN()]),
)
def test_matches_brute_force_and_ignores_row_order(con, actions, window, seed, engine):
    expected, audience = brute_force(actions, window)
    # The items must follow their rows when shuffled, so give them fixed names first.
    named = [(*a, f"i{n}") for n, a in enumerate(actions)]
    shuffled = list(named)
    seed.shuffle(shuffled)
    got = run(con, named, engine, window=window)
    got_shuffled = run(con, shuffled, engine, window=window)
    assert got == got_shuffled
    assert set(got) == set(expected)
    for pair, rec in expected.items():
        edge = got[pair]
        assert pair[0] < pair[1]
        assert edge["events"] == rec["events"]
        assert edge["keys"] == len(rec["keys"])
        assert edge["first_at"] == T0 + timedelta(seconds=min(rec["times"]))
        assert edge["last_at"] == T0 + timedelta(seconds=max(rec["times"]))
        want = sum(math.log(3) / math.log(1 + len(audience[k])) for k in rec["keys"])
        assert edge["weight"] == pytest.approx(want, abs=1e-8)
        assert edge["weight"] >= 0
        # The earliest three keys, ties by key, each with its first co-action's time.
        firsts = sorted((t, k) for k, t in rec["first"].items())[:3]
        assert edge["examples"] == [{"key": k, "at": T0 + timedelta(seconds=t)} for t, k in firsts]


def test_window_is_inclusive_and_in_seconds(con):
    got = run(con, [(1, "k", 0), (2, "k", 10), (3, "k", 21)], window=10)
    assert set(got) == {(1, 2)}  # 10 s apart is in, 11 s is out
    half = run(con, [(1, "k", 0), (2, "k", 0), (3, "k", 1)], window=0.5)
    assert set(half) == {(1, 2)}  # a fractional window is not rounded up


def test_each_repeat_is_an_event_but_a_key_weighs_once(con):
    actions = [(1, "k", 0), (2, "k", 5), (1, "k", 100), (2, "k", 101)]
    edge = run(con, actions, window=10)[(1, 2)]
    assert edge["events"] == 2
    assert edge["keys"] == 1
    assert edge["weight"] == pytest.approx(1.0)


def test_popularity_formulas(con):
    # Key "p" is acted on by 5 assets, but only 1 and 2 act within the window.
    actions = [(1, "p", 0), (2, "p", 1), (3, "p", 500), (4, "p", 1000), (5, "p", 1500)]
    log = run(con, actions, window=10)[(1, 2)]["weight"]
    inverse = run(con, actions, window=10, popularity="inverse")[(1, 2)]["weight"]
    none = run(con, actions, window=10, popularity="none")[(1, 2)]["weight"]
    assert log == pytest.approx(math.log(3) / math.log(6))
    assert inverse == pytest.approx(1 / 4)
    assert none == 1.0
    scaled = run(con, actions, window=10, scale=0.5)[(1, 2)]["weight"]
    assert scaled == pytest.approx(log / 2)


def test_thresholds(con):
    actions = [(1, "a", 0), (2, "a", 1), (1, "b", 0), (2, "b", 2), (3, "a", 50), (4, "a", 51)]
    assert set(run(con, actions, window=5, min_keys=2)) == {(1, 2)}
    assert set(run(con, actions, window=5, min_events=2)) == {(1, 2)}
    assert set(run(con, actions, window=5)) == {(1, 2), (3, 4)}


def test_same_item_or_same_asset_never_pairs(con):
    assert run(con, [(1, "k", 0, "x"), (2, "k", 1, "x")], window=5) == {}
    assert run(con, [(1, "k", 0, "x"), (1, "k", 1, "y")], window=5) == {}


def test_viral_key_spread_over_a_day_makes_no_clique_and_stays_light(con):
    # 2,000 accounts share one URL, one every ~43 s across a day; a planted pair shares five
    # rare URLs within seconds of each other.
    viral = [(1000 + i, "viral", i * 43) for i in range(2000)]
    planted = [(a, f"rare{j}", j * 3600 + (a - 1) * 5) for a in (1, 2) for j in range(5)]
    got = run(con, viral + planted, window=60)
    viral_edges = [e for p, e in got.items() if p != (1, 2)]
    n = 2000
    assert len(viral_edges) <= 2 * n  # pairs inside Δt only, far from n(n-1)/2 = 1,999,000
    assert max(e["weight"] for e in viral_edges) < 0.2
    assert got[(1, 2)]["weight"] == pytest.approx(5.0)
    assert got[(1, 2)]["keys"] == 5


def test_max_neighbours_bounds_bursts(con):
    burst = [(i, "k", 0) for i in range(1, 41)]  # 40 assets at the same second
    exact = run(con, burst, window=10)
    capped = run(con, burst, window=10, max_neighbours=3)
    assert len(exact) == 40 * 39 // 2
    assert len(capped) == 37 * 3 + 2 + 1  # each action meets at most the next 3
    assert set(capped) <= set(exact)


def test_min_participation_follows_coortweet(con):
    actions = [
        (1, "a", 0, "c1"), (2, "a", 3, "c2"),  # 1 and 2 co-share once
        (1, "b", 100, "c3"), (3, "b", 101, "c4"),  # 1 co-shares again, with 3
        (2, "x", 700, "c10"), (3, "y", 800, "c11"),  # 2 and 3 act a second time, alone
        (4, "z", 0, "c5"),  # 4 acts once only: removed by the prefilter
        (5, "q", 0, "c6"), (6, "q", 1, "c7"), (5, "r", 500, "c8"), (6, "s", 900, "c9"),
    ]  # fmt: skip
    got = run(con, actions, window=10, min_participation=2)
    # Asset 1 has two actions in co-actions, so both of its pairs stay; 5 and 6 each have
    # only one action in a co-action, so their pair goes.
    assert set(got) == {(1, 2), (1, 3)}
    assert set(run(con, actions, window=10)) == {(1, 2), (1, 3), (5, 6)}


def test_params_are_frozen():
    p = CoActionParams()
    with pytest.raises(AttributeError):
        p.window = 1  # type: ignore[misc]
    assert replace(p, window=5).window == 5
