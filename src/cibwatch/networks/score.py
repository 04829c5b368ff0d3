"""Score a cluster: coordination strength times inauthenticity, in [0, 1], with the reasons.

    score = coordination · inauthenticity

coordination = √density · (0.5 + 0.5 · (1 - exp(-w̄ / 0.5))), where density is the share of
member pairs linked by a significant edge and w̄ the mean fused weight of those edges. Every
edge already passed the null-model test, so a clique of significant pairs starts at 0.5 and
strong multi-signal links push it to 1; a loose cluster (one hub, many spokes) stays low.

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
keeps Tehran office hours while claiming to be abroad). A missing indicator counts as 0: with no
account metadata (Telegram channels) only behaviour can raise the score.

A cluster is a suspected network when score >= threshold (0.5 by default); its tier is "high"
from `high_tier` (0.75), else "medium"; clusters below the threshold are "low". A suspected
network with fewer than three indicators measured drops one tier (little evidence either way).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

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


def coordination(density: float, mean_weight: float) -> float:
    """Coordination strength in [0, 1] from density and mean fused weight of the edges."""
    return math.sqrt(max(0.0, min(1.0, density))) * (
        0.5 + 0.5 * (1.0 - math.exp(-max(0.0, mean_weight) / WEIGHT_SCALE))
    )


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
    measured = sum(1 for k in (*ACCOUNT_WEIGHTS, *BEHAVIOUR_WEIGHTS) if ind.get(k) is not None)
    if not suspected:
        tier = "low"
    elif score >= params.high_tier and measured >= 3:
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
    return Scored(
        score=score,
        tier=tier,
        suspected=suspected,
        coordination=round(coord, 6),
        inauthenticity=round(inauth, 6),
        authentic=round(authentic, 6),
        drivers=drivers,
        why=why,
    )
