"""Operating timezone and working week from activity: known offices must come out."""

from __future__ import annotations

import numpy as np
import pytest

from cibwatch.characterize.origin import fit_timezone, format_offset, working_week


def office_histogram(offset_h: float, workdays: list[int], n: int = 900, noise: int = 40,
                     start_h: int = 9, end_h: int = 17, seed: int = 5) -> np.ndarray:  # fmt: skip
    """UTC quarter-hour-of-week counts for an office at `offset_h` working `workdays` (0=Mon)."""
    rng = np.random.default_rng(seed)
    hist = np.zeros(672)
    for _ in range(n):
        day = int(rng.choice(workdays))
        minute = int(rng.integers(start_h * 60, end_h * 60))
        utc = (day * 1440 + minute - int(offset_h * 60)) % (7 * 1440)
        hist[utc // 15] += 1
    for _ in range(noise):
        hist[rng.integers(672)] += 1
    return hist


def test_tehran_office_hours_give_utc_plus_3_30_and_saturday_to_thursday():
    tz = fit_timezone(office_histogram(3.5, [5, 6, 0, 1, 2, 3]))
    assert tz["utc_offset"] == "UTC+3:30"
    assert tz["offset_hours"] == 3.5
    assert tz["working_week"] == "Saturday–Thursday"
    assert tz["rest_days"] == ["Friday"]
    assert tz["confidence"] == "high"
    assert "09:00–17:00" in tz["assumption"]
    assert tz["regions_at_offset"] == ["Iran"]
    assert "standard offset of Iran" in tz["statement"]


@pytest.mark.parametrize(
    ("offset", "workdays", "week", "label"),
    [
        (-5, [0, 1, 2, 3, 4], "Monday–Friday", "UTC−5"),
        (3, [6, 0, 1, 2, 3], "Sunday–Thursday", "UTC+3"),
        (8, [0, 1, 2, 3, 4, 5], "Monday–Saturday", "UTC+8"),
        (5.75, [0, 1, 2, 3, 4], "Monday–Friday", "UTC+5:45"),
    ],
)
def test_other_offices(offset, workdays, week, label):
    tz = fit_timezone(office_histogram(offset, workdays, seed=int(offset * 4) + 100))
    assert tz["utc_offset"] == label
    assert tz["working_week"] == week


def test_round_the_clock_activity_is_not_given_a_timezone():
    rng = np.random.default_rng(2)
    tz = fit_timezone(rng.poisson(3, 672).astype(float))
    assert tz["confidence"] in ("none", "low")
    assert tz["confidence"] != "high"


def test_too_few_posts():
    hist = office_histogram(3.5, [5, 6, 0, 1, 2, 3], n=10, noise=0)
    tz = fit_timezone(hist)
    assert tz["offset_hours"] is None and tz["confidence"] == "none"


def test_helpers():
    assert format_offset(-3.5) == "UTC−3:30"
    assert format_offset(0) == "UTC+0"
    assert working_week((4, 5)) == "Sunday–Thursday"
    assert working_week(()) == "seven-day"
