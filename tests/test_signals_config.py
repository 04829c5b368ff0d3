"""The detection config: defaults, validation of every problem with its path, dump and reload."""

from __future__ import annotations

import tomllib

import pytest

from cibwatch.config import default_config, dump_toml, load_config, parse_config
from cibwatch.errors import ConfigError
from cibwatch.signals.base import SIGNAL_NAMES, available_signals, describe_params


def test_defaults_cover_every_available_signal():
    cfg = default_config()
    assert set(cfg.signals) == set(available_signals())
    assert cfg.enabled == tuple(available_signals())
    assert cfg.params("co-link").window == 60.0
    assert set(available_signals()) <= set(SIGNAL_NAMES)


def test_every_parameter_is_documented():
    for name, cls in available_signals().items():
        for p in describe_params(cls.Params):
            assert p["doc"], f"{name}.{p['name']} has no doc"


def test_values_are_read_and_ints_widen_to_floats():
    cfg = parse_config(
        {"signals": {"enabled": ["co-share"], "co-share": {"window": 10, "min_participation": 2}}}
    )
    assert cfg.enabled == ("co-share",)
    assert cfg.params("co-share").window == 10.0
    assert isinstance(cfg.params("co-share").window, float)
    assert cfg.params("co-share").min_participation == 2
    assert cfg.params("co-link").window == 60.0  # untouched sections keep their defaults


def test_every_problem_is_reported_with_its_path():
    data = {
        "signals": {
            "enabled": ["co-link", "co-lnk"],
            "co-link": {"window": "ten", "min_events": 0, "popularity": "loud", "colour": 1},
            "co-lnk": {},
            "co-share": {"min_participation": 1.5},
        },
        "nonsense": {},
    }
    with pytest.raises(ConfigError) as err:
        parse_config(data, source="detect.toml")
    msg = str(err.value)
    assert "detect.toml" in msg
    expected_paths = [
        ".signals.enabled",
        ".signals.co-link.window",
        ".signals.co-link.min_events",
        ".signals.co-link.popularity",
        ".signals.co-link.colour",
        ".signals.co-lnk",
        ".signals.co-share.min_participation",
        ".nonsense",
    ]
    for path in expected_paths:
        assert f"at path {path}:" in msg
    for i in range(1, len(expected_paths) + 1):
        assert f"Error n°{i} " in msg
    assert f"Error n°{len(expected_paths) + 1} " not in msg


def test_booleans_are_not_numbers():
    with pytest.raises(ConfigError, match=r"\.signals\.co-link\.window"):
        parse_config({"signals": {"co-link": {"window": True}}})


def test_dump_reloads_to_the_same_config(tmp_path):
    cfg = parse_config(
        {"signals": {"co-link": {"window": 30.5, "popularity": "inverse"}, "enabled": ["co-link"]}}
    )
    text = dump_toml(cfg)
    assert "Δt" in text  # docs and units travel with the values
    path = tmp_path / "effective.toml"
    path.write_text(text, encoding="utf-8")
    again = load_config(path)
    assert again.to_dict() == cfg.to_dict()
    assert tomllib.loads(text)["signals"]["co-link"]["window"] == 30.5


def test_bad_files_are_one_readable_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[signals\nwindow = ", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)
