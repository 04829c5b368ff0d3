"""The [networks] config section: fusion weights, the null model's FDR, Leiden and scoring knobs."""

from __future__ import annotations

from dataclasses import dataclass

from cibwatch.signals.base import param

# Signal name -> the NetworksParams field holding its fusion weight.
WEIGHT_FIELDS: dict[str, str] = {
    "co-link": "weight_co_link",
    "co-domain": "weight_co_domain",
    "co-share": "weight_co_share",
    "identical-text": "weight_identical_text",
    "near-duplicate-text": "weight_near_duplicate_text",
    "hashtag-sequence": "weight_hashtag_sequence",
    "co-mention": "weight_co_mention",
    "co-reply": "weight_co_reply",
    "sync-activity": "weight_sync_activity",
    "profile-similarity": "weight_profile_similarity",
}


@dataclass(frozen=True)
class NetworksParams:
    """Parameters of fusion, significance, clustering and scoring (`[networks]` in the config).

    The fusion weight of a signal scales its normalized contribution (each signal's edge weight
    divided by that signal's `norm_quantile` quantile, capped at 1) to a pair's fused weight.
    Weights reflect how hard the trace is to produce by chance or by ordinary behaviour: copying
    text and fast resharing inside a group are strong; sharing a domain is weak.
    """

    weight_co_link: float = param(1.0, "fusion weight of co-link", min=0)
    weight_co_domain: float = param(0.25, "fusion weight of co-domain", min=0)
    weight_co_share: float = param(1.0, "fusion weight of co-share", min=0)
    weight_identical_text: float = param(1.0, "fusion weight of identical-text", min=0)
    weight_near_duplicate_text: float = param(1.0, "fusion weight of near-duplicate-text", min=0)
    weight_hashtag_sequence: float = param(0.5, "fusion weight of hashtag-sequence", min=0)
    weight_co_mention: float = param(0.5, "fusion weight of co-mention", min=0)
    weight_co_reply: float = param(0.5, "fusion weight of co-reply", min=0)
    weight_sync_activity: float = param(0.75, "fusion weight of sync-activity", min=0)
    weight_profile_similarity: float = param(0.5, "fusion weight of profile-similarity", min=0)
    norm_quantile: float = param(
        0.9,
        "each signal's weights are divided by this quantile of its significant edges' weights "
        "(capped at 1), so signals on different scales contribute comparably",
        min=0.01,
        max=1.0,
    )
    null_model: str = param(
        "poisson",
        "poisson: keep a pair when its shared keys are unlikely given both assets' activity "
        "and the signal's overall co-action rate (BH-controlled); none: keep every edge",
        choices=("poisson", "none"),
    )
    fdr: float = param(
        0.01,
        "false discovery rate of the kept pairs (Benjamini-Hochberg over every possible pair)",
        min=0,
        max=1,
    )
    null_passes: int = param(
        3,
        "passes of the null model: after each, the signals' chance co-action rates are "
        "re-estimated without the pairs found coordinated (1 = a single pass)",
        min=1,
        max=10,
    )
    untested_signals: tuple[str, ...] = param(
        (),
        "signals whose edges are kept without the null-model test (their own thresholds apply)",
    )
    objective: str = param(
        "cpm",
        "Leiden quality function: cpm (constant Potts: a cluster is denser than `resolution` in "
        "fused weight per pair, independent of the rest of the graph) or modularity",
        choices=("cpm", "modularity"),
    )
    resolution: float = param(
        0.3,
        "Leiden resolution: for cpm the fused weight per member pair a cluster must exceed; "
        "for modularity the usual γ. Higher gives smaller, denser clusters",
        min=0,
    )
    seed: int = param(42, "seed of the Leiden optimiser (results are reproducible)", min=0)
    min_size: int = param(3, "smallest cluster reported", unit="assets", min=2)
    min_density: float = param(
        0.3,
        "clusters of fewer than 10 assets are kept only when at least this share of their pairs "
        "are significant edges",
        min=0,
        max=1,
    )
    merge: bool = param(
        True,
        "merge Leiden communities whose co-actions with each other are unlikely by chance and "
        "as broad and intense as inside them (see cibwatch.networks.merge)",
    )
    merge_share: float = param(
        0.3,
        "merging two communities needs at least this share of their cross pairs of members "
        "linked by some co-action edge",
        min=0,
        max=1,
    )
    merge_ratio: float = param(
        0.2,
        "merging two communities needs their shared keys per cross pair of members to reach "
        "this multiple of the higher of the two communities' own keys per member pair",
        min=0,
    )
    recruit: bool = param(
        True,
        "grow suspected networks with assets whose links into the network as a whole are "
        "unlikely by chance (see cibwatch.networks.recruit)",
    )
    threshold: float = param(
        0.5, "a cluster is a suspected CIB network when its score reaches this", min=0, max=1
    )
    high_tier: float = param(
        0.75, "score from which a suspected network is tier 'high'", min=0, max=1
    )
    min_coverage: float = param(
        0.5,
        "a suspected network is tier 'high' only when indicators holding at least this share "
        "of the indicators' total weight were measured (the rest: no data in the source)",
        min=0,
        max=1,
    )
    creation_window: float = param(
        14.0,
        "creation burst: members created within this many days of each other",
        unit="days",
        min=1,
    )
    young_age: float = param(
        180.0,
        "an account younger than this at its first post has a short history",
        unit="days",
        min=1,
    )
    tz_mismatch_hours: float = param(
        4.0,
        "declared location and inferred operating timezone disagree beyond this",
        unit="hours",
        min=0,
    )
    tz_background_max: float = param(
        1 / 3,
        "the timezone indicator counts the mismatches above the workspace's own rate, taken "
        "as the rate of ordinary accounts; above this the workspace is no ordinary population "
        "(a platform's takedown archive, all of it operation accounts) and this rate is used",
        min=0,
        max=1,
    )

    def signal_weight(self, signal: str) -> float:
        """Fusion weight of `signal` (1.0 for a signal this build does not name)."""
        field = WEIGHT_FIELDS.get(signal)
        return float(getattr(self, field)) if field else 1.0
