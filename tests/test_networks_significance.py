"""The null model: Poisson tails, Simes and BH, a random world, a planted group."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest

from cibwatch.networks import NetworksParams, find_networks
from cibwatch.networks.significance import (
    assess_edges,
    benjamini_hochberg,
    poisson_logsf,
    simes,
)
from cibwatch.signals import run_signals
from network_worlds import T0, World


def _sf_bruteforce(x: int, lam: float) -> float:
    return 1.0 - sum(math.exp(-lam) * lam**j / math.factorial(j) for j in range(x))


@pytest.mark.parametrize("x", [1, 2, 3, 7, 20, 60])
@pytest.mark.parametrize("lam", [1e-4, 0.05, 0.9, 3.0, 15.0, 59.0])
def test_poisson_tail_matches_the_definition(x: int, lam: float) -> None:
    got = float(np.exp(poisson_logsf(np.array([x]), np.array([lam])))[0])
    want = _sf_bruteforce(x, lam)
    if want > 1e-12:
        assert got == pytest.approx(want, rel=1e-6)
    else:  # the brute force cancels out; bound by the leading term and a geometric series
        lead = math.exp(-lam + x * math.log(lam) - math.lgamma(x + 1))
        assert lead <= got <= lead / (1 - lam / (x + 1))


def test_poisson_tail_is_exact_far_in_the_tail() -> None:
    # 40 shared texts when 0.2 were expected: far below float's smallest normal via logs.
    log_p = float(poisson_logsf(np.array([400]), np.array([0.2]))[0])
    series = 1 + 0.2 / 401 + 0.2**2 / (401 * 402) + 0.2**3 / (401 * 402 * 403)
    want = -0.2 + 400 * math.log(0.2) - math.lgamma(401) + math.log(series)
    assert log_p == pytest.approx(want, rel=1e-12)


def test_simes_takes_the_best_adjusted_p_per_pair() -> None:
    codes = np.array([5, 5, 9])
    p = np.array([0.02, 0.001, 0.3])
    uniq, combined = simes(codes, p, n_tests=4)
    assert uniq.tolist() == [5, 9]
    # pair 5: sorted 0.001, 0.02 -> min(4*0.001/1, 4*0.02/2) = 0.004
    assert combined.tolist() == pytest.approx([0.004, 1.0])


def test_benjamini_hochberg_counts_untested_pairs() -> None:
    p = np.array([1e-9, 1e-3, 0.2])
    assert (benjamini_hochberg(p, 3) <= 0.01).tolist() == [True, True, False]
    # the same p-values among a million tested pairs: only the first survives
    assert (benjamini_hochberg(p, 1_000_000) <= 0.01).tolist() == [True, False, False]


def _random_world(tmp_path, seed: int, planted: int = 0):
    w = World(seed=seed)
    w.organic(160, posts=25)
    group = []
    for i in range(planted):
        group.append(w.account(f"op{i}", f"sara{4000 + i}", T0 - timedelta(days=40)))
    for k in range(10):
        start = T0 + timedelta(days=2 * k, hours=8)
        for j, who in enumerate(group):
            text = f"حمله به منافقین را محکوم می‌کنیم شماره {k}"
            w.post(
                who, start + timedelta(seconds=7 * j), text=text, url=f"https://rare.example/{k}"
            )
    return w.write(tmp_path / "w")


def test_a_random_world_yields_no_significant_networks(tmp_path) -> None:
    ws = _random_world(tmp_path, seed=3)
    run_signals(ws, signals="co-link,co-domain,identical-text")
    assert ws.con.execute("SELECT count(*) FROM edges").fetchall()[0][0] > 100  # chance meets
    sig = assess_edges(ws.con, NetworksParams())
    assert sig.kept == 0
    result = find_networks(ws.con, NetworksParams())
    assert result.clusters == []
    ws.close()


def test_a_planted_group_stands_out_of_the_same_world(tmp_path) -> None:
    ws = _random_world(tmp_path, seed=3, planted=6)
    run_signals(ws, signals="co-link,co-domain,identical-text")
    result = find_networks(ws.con, NetworksParams())
    groups = [{m["native_id"] for m in c["members"]} for c in result.clusters]
    assert {f"op{i}" for i in range(6)} in groups
    assert all(g <= {f"op{i}" for i in range(6)} for g in groups)
    ws.close()
