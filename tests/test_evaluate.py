"""Metrics of `cibwatch evaluate` on hand-made truths and networks with known answers."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cibwatch.cli import app
from cibwatch.errors import FormatError
from cibwatch.evaluate import adjusted_rand, evaluate

TRUTH = [
    # platform, kind, native_id, label, operation
    *(("twitter", "account", f"a{i}", "io", "op_a") for i in range(1, 5)),
    ("facebook", "page", "b1", "io", "op_b"),
    ("instagram", "account", "b2", "io", "op_b"),
    *(("twitter", "account", f"o{i}", "organic", "") for i in range(1, 5)),
    ("twitter", "account", "c1", "authentic_coord", "tweetstorm"),
    ("twitter", "account", "c2", "authentic_coord", "tweetstorm"),
]


def member(platform: str, kind: str, native_id: str) -> dict:
    return {"platform": platform, "kind": kind, "native_id": native_id, "role": "member"}


def tw(x: str) -> dict:
    return member("twitter", "account", x)


NETWORKS = [
    {"id": "n2", "score": 0.5, "tier": "low", "members": [member("facebook", "page", "b1"),
     member("instagram", "account", "b2"), tw("c1")], "signals": {}, "indicators": {}},
    {"id": "n1", "score": 0.9, "tier": "high", "members": [tw("a1"), tw("a2"), tw("a3"), tw("o1")],
     "signals": {}, "indicators": {}},
]  # fmt: skip


def write_world(
    tmp_path: Path, networks: list[dict], chains: list[dict] | None = None
) -> tuple[Path, Path]:
    truth = tmp_path / "truth.csv"
    with truth.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["platform", "kind", "native_id", "label", "operation", "tactic"])
        for row in TRUTH:
            w.writerow([*row, "t"])
    ws = tmp_path / "ws"
    (ws / "out").mkdir(parents=True)
    (ws / "out" / "networks.json").write_text(json.dumps(networks))
    if chains is not None:
        (ws / "out" / "laundering.json").write_text(
            json.dumps({"chains": chains, "intermediaries": []})
        )
    return truth, ws


def brute_ari(a: list, b: list) -> float:
    """Reference ARI by counting every pair (None = singleton)."""
    a = [x if x is not None else f"_a{i}" for i, x in enumerate(a)]
    b = [x if x is not None else f"_b{i}" for i, x in enumerate(b)]
    pairs = list(itertools.combinations(range(len(a)), 2))
    both = sum(1 for i, j in pairs if a[i] == a[j] and b[i] == b[j])
    sa = sum(1 for i, j in pairs if a[i] == a[j])
    sb = sum(1 for i, j in pairs if b[i] == b[j])
    expected = sa * sb / len(pairs)
    return (both - expected) / ((sa + sb) / 2 - expected)


def test_account_metrics_on_a_hand_made_case(tmp_path):
    truth, ws = write_world(tmp_path, NETWORKS)
    r = evaluate(truth, ws)
    # predicted: a1 a2 a3 o1 b1 b2 c1 -> tp 5, fp 2 (o1, c1), fn 1 (a4)
    assert (r["tp"], r["fp"], r["fn"]) == (5, 2, 1)
    assert r["precision"] == pytest.approx(5 / 7)
    assert r["recall"] == pytest.approx(5 / 6)
    assert r["f1"] == pytest.approx(10 / 13)
    assert r["fpr_authentic_coord"] == pytest.approx(1 / 2)
    assert r["fpr_organic"] == pytest.approx(1 / 4)
    assert r["operations"]["op_a"]["recall"] == pytest.approx(3 / 4)
    assert r["operations"]["op_a"]["purity"] == pytest.approx(3 / 4)
    assert r["operations"]["op_b"]["recall"] == pytest.approx(1.0)
    assert r["operations"]["op_b"]["purity"] == pytest.approx(2 / 3)
    # per-network view is ordered by score
    assert [n["id"] for n in r["per_network"]] == ["n1", "n2"]
    assert r["per_network"][0]["majority"] == "op_a"


def test_ari_matches_pair_counting(tmp_path):
    truth, ws = write_world(tmp_path, NETWORKS)
    r = evaluate(truth, ws)
    keys = sorted((p, k, n) for p, k, n, *_ in TRUTH)
    label = {(p, k, n): (lab, op) for p, k, n, lab, op in TRUTH}
    net = {("twitter", "account", x): "n1" for x in ("a1", "a2", "a3", "o1")}
    net.update({("facebook", "page", "b1"): "n2", ("instagram", "account", "b2"): "n2",
                ("twitter", "account", "c1"): "n2"})  # fmt: skip
    a = [label[k][1] if label[k][0] == "io" else None for k in keys]
    b = [net.get(k) for k in keys]
    assert r["ari"] == pytest.approx(brute_ari(a, b))


def test_ari_known_values():
    assert adjusted_rand(["0", "0", "1", "1"], ["0", "0", "1", "2"]) == pytest.approx(4 / 7)
    assert adjusted_rand(["0", "0", "1", "1"], ["1", "1", "0", "0"]) == pytest.approx(1.0)
    assert adjusted_rand(["x", "x", None, None], ["p", "p", None, None]) == pytest.approx(1.0)
    assert adjusted_rand(["0", "0", "0", "0"], ["0", "1", "2", "3"]) == pytest.approx(0.0)


def test_perfect_detection(tmp_path):
    nets = [
        {"id": "A", "score": 0.8, "members": [tw(f"a{i}") for i in range(1, 5)]},
        {
            "id": "B",
            "score": 0.7,
            "members": [member("facebook", "page", "b1"), member("instagram", "account", "b2")],
        },
    ]
    truth, ws = write_world(tmp_path, nets)
    r = evaluate(truth, ws)
    assert (r["f1"], r["ari"], r["fpr_organic"], r["fpr_authentic_coord"]) == (1.0, 1.0, 0.0, 0.0)
    assert all(op["purity"] == 1.0 for op in r["operations"].values())


def test_top_k_uses_only_the_highest_scored_networks(tmp_path):
    truth, ws = write_world(tmp_path, NETWORKS)
    r = evaluate(truth, ws, top=1)["top_k"]
    assert (r["tp"], r["fp"], r["fn"], r["networks"]) == (3, 1, 3, 1)
    assert r["fpr_authentic_coord"] == 0.0


def test_no_networks_and_unknown_members(tmp_path):
    truth, ws = write_world(tmp_path, [{"id": "x", "score": 1, "members": [tw("zzz")]}])
    r = evaluate(truth, ws)
    assert (r["tp"], r["fp"], r["f1"], r["unknown_members"]) == (0, 0, 0.0, 1)


def test_laundering_chains_scored(tmp_path):
    def art(i: str) -> dict:
        return {
            "id": i,
            "url": f"https://x/{i}",
            "outlet": "o",
            "published_at": "2021-09-01T00:00:00Z",
        }

    found = [
        {"state": art("s1"), "intermediary": art("i1"), "citeback": art("c1"), "credited": False},
        {"state": art("s9"), "intermediary": art("i9"), "citeback": art("c9"), "credited": True},
    ]
    truth, ws = write_world(tmp_path, NETWORKS, chains=found)
    with (tmp_path / "laundering_truth.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["chain_id", "state_id", "intermediary_id", "citeback_id", "credited"])
        w.writerow(["c-1", "s1", "i1", "c1", "false"])
        w.writerow(["c-2", "s2", "i2", "c2", "true"])
    la = evaluate(truth, ws)["laundering"]
    assert (la["tp"], la["precision"], la["recall"]) == (1, 0.5, 0.5)


def test_cli_json_has_f1(tmp_path):
    truth, ws = write_world(tmp_path, NETWORKS)
    res = CliRunner().invoke(
        app, ["evaluate", "--truth", str(truth), "--workspace", str(ws), "--json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["f1"] == pytest.approx(10 / 13)
    assert data["top_k"]["k"] == 10


def test_cli_table_and_missing_networks(tmp_path):
    truth, ws = write_world(tmp_path, NETWORKS)
    res = CliRunner().invoke(app, ["evaluate", "--truth", str(truth), "--workspace", str(ws)])
    assert res.exit_code == 0 and "op_a" in res.stdout
    (ws / "out" / "networks.json").unlink()
    with pytest.raises(FormatError, match="cibwatch detect"):
        evaluate(truth, ws)


def test_laundering_only_when_detect_has_not_run(tmp_path):
    art = {"url": "u", "outlet": "o", "published_at": "2021-09-01T00:00:00Z"}
    chain = {
        "state": {**art, "id": "s1"},
        "intermediary": {**art, "id": "i1"},
        "citeback": {**art, "id": "c1"},
    }
    truth, ws = write_world(tmp_path, [], chains=[chain])
    (ws / "out" / "networks.json").unlink()
    (tmp_path / "laundering_truth.csv").write_text(
        "chain_id,state_id,intermediary_id,citeback_id,credited\nc,s1,i1,c1,false\n"
    )
    r = evaluate(truth, ws)
    assert r["f1"] is None and r["laundering"]["recall"] == 1.0
    res = CliRunner().invoke(app, ["evaluate", "--truth", str(truth), "-w", str(ws)])
    assert res.exit_code == 0 and "1 found, 1 planted" in res.stdout


labelings = st.lists(st.one_of(st.none(), st.sampled_from("abcd")), min_size=2, max_size=12)


@settings(max_examples=60, deadline=None)
@given(labelings, st.data())
def test_ari_equals_pair_counting_on_random_labelings(a, data):
    b = data.draw(
        st.lists(st.one_of(st.none(), st.sampled_from("pqr")), min_size=len(a), max_size=len(a))
    )
    pairs = list(itertools.combinations(range(len(a)), 2))
    same_a = sum(1 for i, j in pairs if a[i] is not None and a[i] == a[j])
    same_b = sum(1 for i, j in pairs if b[i] is not None and b[i] == b[j])
    if (same_a + same_b) / 2 == same_a * same_b / len(pairs):
        return  # degenerate (e.g. all singletons on both sides): ARI is defined by convention
    assert adjusted_rand(a, b) == pytest.approx(brute_ari(a, b))
    assert adjusted_rand(a, b) == pytest.approx(adjusted_rand(b, a))
