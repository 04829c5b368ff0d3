"""Score a cluster: coordination strength times inauthenticity, in [0, 1], with the reasons.

    score = coordination · inauthenticity

coordination = √density · (0.5 + 0.5 · (1 - exp(-w̄ / 0.5))), where density is the share of
member pairs linked by a significant edge and w̄ the mean fused weight of those edges. Every
edge already passed the null-model test, so a clique of significant pairs starts at 0.5 and
strong multi-signal links push it to 1; a loose cluster (one hub, many spokes) stays low.

A cluster merged from Leiden fragments (cibwatch.networks.merge) has links established at two
levels, and its density counts each at its own level (`group_density`): inside a fragment a
pair is linked when the pair test kept it; across two fragments, when the two are linked as
groups — both have 2+ members (the communities the merge tests) and at least `merge_share` of
their cross pairs co-acted, the breadth the merge asks of fragments of one group — and
otherwise only the cross pairs that co-acted (a lone account's links count one by one).
Raw pair density penalizes exactly the large operations: pair by pair the test keeps a tenth
of a big operation's links, and no large group is a clique of co-actions (scale-10 seed 104:
the 967-asset cross-platform operation co-acted on 54 % of its member pairs).

inauthenticity combines two groups of indicators (cibwatch.networks.indicators) by noisy-OR,
each indicator x_i in [0, 1] with weight β_i (ACCOUNT_WEIGHTS, BEHAVIOUR_WEIGHTS):

    accounts  = 1 - Π (1 - β_i x_i)   how the assets were made and run: creation bursts, young
                                      accounts, name+digits handles, activity in a timezone that
                                      contradicts the declared location, shift-work hours, an
                                      idle weekday
    behaviour = 1 - Π (1 - β_i x_i)   what they do together: single-purpose posting, duplicate
                                      text, automation clients, persistence across days
    authentic = long_lived · (1 - 0.5 · persistence)
    inauthenticity = 1 - (1 - accounts) · (1 - behaviour · (1 - authentic))

Behaviour alone is what newsrooms and activists share with operations, so it is discounted when
the members are long-lived accounts (fully for a one-off burst, by half for a persistent
family); account anomalies are never discounted (a patient operation runs aged personas but
keeps Tehran office hours while claiming to be abroad).

An indicator the data cannot measure (None: no creation dates in an export, no clients on
Facebook, no declared locations) is unmeasured, not 0: it is left out of the noisy-OR, so it
neither raises nor lowers the score (a measured 0 does not lower it either: the noisy-OR only
accumulates evidence). What absence of evidence lowers is the confidence: `coverage` is the
share of the indicators' total weight that was measured, and a suspected network measured on
less than `min_coverage` of it is at most "medium", whatever its score.

A cluster is a suspected network when score >= threshold (0.5 by default); its tier is "high"
from `high_tier` (0.75) with coverage >= `min_coverage`, else "medium"; clusters below the
threshold are "low".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cibwatch.networks.params import NetworksParams

ACCOUNT_WEIGHTS: dict[str, float] = {
    "creation_burst": 0.8,
    "young_accounts": 0.8,
    "handle_pattern": 0.6,
    "tz_mismatch": 0.5,
    "office_hours": 0.6,
    "working_week": 0.5,
}
BEHAVIOUR_WEIGHTS: dict[str, float] = {
    "single_purpose": 0.5,
    "duplicate_content": 0.2,
    "automation": 0.3,
    "persistence": 0.3,
}
WEIGHT_SCALE = 0.5  # fused edge weight at which coordination reaches 1 - 1/e of its range


@dataclass
class Scored:
    """A cluster's score, tier, coordination and inauthenticity parts and its drivers."""

    score: float
    tier: str
    suspected: bool
    coordination: float
    inauthenticity: float
    authentic: float
    drivers: list[str]
    why: str
    coverage: float = 1.0
    unmeasured: list[str] = field(default_factory=list)


def coordination(density: float, mean_weight: float) -> float:
    """Coordination strength in [0, 1] from density and mean fused weight of the edges."""
    return math.sqrt(max(0.0, min(1.0, density))) * (
        0.5 + 0.5 * (1.0 - math.exp(-max(0.0, mean_weight) / WEIGHT_SCALE))
    )


def group_density(
    membership: np.ndarray,
    fragment: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    share: float,
    min_group: int = 2,
) -> np.ndarray:
    """Density per community of `membership`, counting links at the level they were found.

    `fragment` is each vertex's Leiden community (nested in `membership`), (lo, hi) the vertex
    pairs that count as links (significant pairs and, across fragments, pairs that co-acted).
    A pair inside one fragment counts when linked; the cross pairs of two fragments of one
    community, both of at least `min_group` members (the merge step tests communities of 2+
    assets as groups), all count when at least `share` of them are linked (the two fragments
    are linked as groups), else only those linked. A lone account is no group: its few links
    into a fragment count one by one. For an unmerged community this is its pair density.
    """
    n_comm = int(membership.max()) + 1 if len(membership) else 0
    size = np.bincount(membership, minlength=n_comm).astype(np.float64)
    pairs = size * (size - 1) / 2.0
    inside = membership[lo] == membership[hi]
    lo, hi = lo[inside], hi[inside]
    same = fragment[lo] == fragment[hi]
    links = np.bincount(membership[lo][same], minlength=n_comm).astype(np.float64)
    if (~same).any():
        f_size = np.bincount(fragment).astype(np.float64)
        fa = np.minimum(fragment[lo][~same], fragment[hi][~same])
        fb = np.maximum(fragment[lo][~same], fragment[hi][~same])
        code = fa * (int(fragment.max()) + 1) + fb
        uniq, count = np.unique(code, return_counts=True)
        f1, f2 = uniq // (int(fragment.max()) + 1), uniq % (int(fragment.max()) + 1)
        cross = f_size[f1] * f_size[f2]
        host = np.zeros(int(fragment.max()) + 1, dtype=np.int64)
        host[fragment] = membership
        groups = (f_size[f1] >= min_group) & (f_size[f2] >= min_group)
        counted = np.where(groups & (count >= share * cross), cross, count)
        links += np.bincount(host[f1], weights=counted, minlength=n_comm)
    return np.divide(links, pairs, out=np.zeros(n_comm), where=pairs > 0)


def may_join(before: Scored, after: Scored, likeness: float) -> bool:
    """Whether assets may join a suspected network (scored `before` and `after` they join):
    with them it must stay suspected and keep `likeness` of its inauthenticity. Joiners may
    strengthen what is found, never hide it or lend it ordinary accounts."""
    return after.suspected and after.inauthenticity >= likeness * before.inauthenticity


def coverage(ind: dict[str, Any]) -> float:
    """Share of the indicators' total weight (β) that was measured for this cluster."""
    weights = {**ACCOUNT_WEIGHTS, **BEHAVIOUR_WEIGHTS}
    measured = sum(beta for name, beta in weights.items() if ind.get(name) is not None)
    return measured / sum(weights.values())


def unmeasured(ind: dict[str, Any]) -> list[str]:
    """The scored indicators the data could not measure for this cluster."""
    return [k for k in (*ACCOUNT_WEIGHTS, *BEHAVIOUR_WEIGHTS) if ind.get(k) is None]


def _noisy_or(ind: dict[str, Any], weights: dict[str, float]) -> tuple[float, list[tuple]]:
    keep = 1.0
    parts = []
    for name, beta in weights.items():
        x = ind.get(name)
        if x is None:
            continue
        keep *= 1.0 - beta * float(x)
        parts.append((beta * float(x), name))
    return 1.0 - keep, parts


def score_cluster(
    density: float, mean_weight: float, ind: dict[str, Any], params: NetworksParams
) -> Scored:
    """Score one cluster from its graph statistics and indicators (see the module docstring)."""
    coord = coordination(density, mean_weight)
    accounts, a_parts = _noisy_or(ind, ACCOUNT_WEIGHTS)
    behaviour, b_parts = _noisy_or(ind, BEHAVIOUR_WEIGHTS)
    long_lived = float(ind.get("long_lived") or 0.0)
    persistence = float(ind.get("persistence") or 0.0)
    authentic = long_lived * (1.0 - 0.5 * persistence)
    inauth = 1.0 - (1.0 - accounts) * (1.0 - behaviour * (1.0 - authentic))
    score = round(coord * inauth, 6)
    suspected = score >= params.threshold
    cover = coverage(ind)
    if not suspected:
        tier = "low"
    elif score >= params.high_tier and cover >= params.min_coverage:
        tier = "high"
    else:
        tier = "medium"
    scale = 1.0 - authentic
    ranked = sorted(
        [(v, n) for v, n in a_parts] + [(v * scale, n) for v, n in b_parts], reverse=True
    )
    drivers = [n for v, n in ranked if v >= 0.2][:4]
    if suspected:
        why = "coordinated, with " + (", ".join(drivers) if drivers else "weak indicators")
    elif coord < 0.35:
        why = "loosely coordinated (sparse or weak links)"
    elif authentic >= 0.5 and accounts < 0.5:
        burst = "a one-off burst" if persistence < 0.5 else "a persistent family"
        why = (
            f"coordinated but authentic-looking: long-lived accounts, {burst}, no account anomalies"
        )
    else:
        why = "coordinated, but few inauthenticity indicators"
        missing = unmeasured(ind)
        if missing:
            why += " (no data for " + ", ".join(missing) + ")"
    return Scored(
        coverage=round(cover, 6),
        unmeasured=unmeasured(ind),
        score=score,
        tier=tier,
        suspected=suspected,
        coordination=round(coord, 6),
        inauthenticity=round(inauth, 6),
        authentic=round(authentic, 6),
        drivers=drivers,
        why=why,
    )
