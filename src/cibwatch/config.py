"""The detection config: one TOML file, one section per signal, validated in full, dumpable.

Layout (every key optional; defaults come from each signal's `Params` dataclass):

    [signals]
    enabled = ["co-link", "co-share"]      # which signals `run_signals` computes by default

    [signals.co-link]
    window = 60.0                          # Δt in seconds

    [networks]                             # sections registered by later stages
    resolution = 1.0

Validation reports EVERY problem at once, numbered, each with its path:

    Error n°1 at path .signals.co-link.window: expected a number >= 0, got "ten"
    Error n°2 at path .signals.co-lnk: unknown signal (known: co-link, co-domain, ...)

`Config.to_dict()` / `dump_toml()` give the effective values (defaults filled in) so every
output can echo the parameters it used and be reproduced.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cibwatch.errors import ConfigError
from cibwatch.signals.base import SIGNAL_NAMES, available_signals

# Sections other than [signals], registered by the stages that own them (networks, ...).
_SECTIONS: dict[str, type] = {}


def register_section(name: str, params_cls: type) -> None:
    """Let a stage own a top-level config section `[name]`, validated against `params_cls`.

    `params_cls` is a dataclass whose fields are declared with cibwatch.signals.base.param.
    """
    if name == "signals":
        raise ValueError("[signals] is reserved")
    if not dataclasses.is_dataclass(params_cls):
        raise TypeError("a config section is described by a dataclass")
    _SECTIONS[name] = params_cls


@dataclass(frozen=True)
class Config:
    """Effective parameters: one Params instance per available signal, plus other sections."""

    signals: Mapping[str, Any]
    enabled: tuple[str, ...]
    sections: Mapping[str, Any] = field(default_factory=dict)
    source: str | None = None

    def params(self, signal: str) -> Any:
        return self.signals[signal]

    def section(self, name: str) -> Any:
        if name in self.sections:
            return self.sections[name]
        if name in _SECTIONS:
            return _SECTIONS[name]()
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (TOML/JSON-ready) with every value, defaults included."""
        sig: dict[str, Any] = {"enabled": list(self.enabled)}
        for name, params in self.signals.items():
            sig[name] = _params_dict(params)
        out: dict[str, Any] = {"signals": sig}
        for name in sorted(set(_SECTIONS) | set(self.sections)):
            out[name] = _params_dict(self.section(name))
        return out


def _params_dict(params: Any) -> dict[str, Any]:
    return {
        f.name: list(v) if isinstance(v := getattr(params, f.name), tuple) else v
        for f in dataclasses.fields(params)
    }


def default_config() -> Config:
    """Every available signal with its default parameters, all enabled."""
    return parse_config({})


def load_config(path: str | Path | None) -> Config:
    """Read and validate a TOML config file; None gives the defaults."""
    if path is None:
        return default_config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    return parse_config(data, source=str(path))


def parse_config(data: Mapping[str, Any], source: str | None = None) -> Config:
    """Validate parsed TOML data in full; raise ConfigError listing every problem."""
    problems: list[tuple[str, str]] = []
    signals = available_signals()
    params: dict[str, Any] = {}
    enabled: tuple[str, ...] = tuple(signals)

    sig_data = data.get("signals", {})
    if not isinstance(sig_data, Mapping):
        problems.append((".signals", "expected a table of signal sections"))
        sig_data = {}
    for key, value in sig_data.items():
        path = f".signals.{key}"
        if key == "enabled":
            enabled = _check_enabled(value, signals, path, problems)
        elif key not in signals:
            why = "not available in this build" if key in SIGNAL_NAMES else "unknown signal"
            problems.append((path, f"{why} (known: {', '.join(signals)})"))
        elif not isinstance(value, Mapping):
            problems.append((path, "expected a table of parameters"))
    for name, cls in signals.items():
        section = sig_data.get(name, {})
        params[name] = _build(
            cls.Params,
            section if isinstance(section, Mapping) else {},
            f".signals.{name}",
            problems,
        )

    sections: dict[str, Any] = {}
    for key, value in data.items():
        if key == "signals":
            continue
        if key not in _SECTIONS:
            known = ", ".join(["signals", *sorted(_SECTIONS)])
            problems.append((f".{key}", f"unknown section (known: {known})"))
        elif not isinstance(value, Mapping):
            problems.append((f".{key}", "expected a table of parameters"))
        else:
            sections[key] = _build(_SECTIONS[key], value, f".{key}", problems)

    if problems:
        where = f" in {source}" if source else ""
        lines = [f"Error n°{i} at path {p}: {msg}" for i, (p, msg) in enumerate(problems, 1)]
        raise ConfigError(
            f"invalid config{where} ({len(problems)} problem(s)):\n" + "\n".join(lines)
        )
    return Config(signals=params, enabled=enabled, sections=sections, source=source)


def _check_enabled(value: Any, signals: Mapping[str, Any], path: str, problems: list) -> tuple:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append((path, f"expected a list of signal names, got {value!r}"))
        return tuple(signals)
    bad = [v for v in value if v not in signals]
    for v in bad:
        problems.append((path, f"unknown or unavailable signal {v!r}"))
    return tuple(v for v in signals if v in value)


def _build(params_cls: type, values: Mapping[str, Any], path: str, problems: list) -> Any:
    hints = typing.get_type_hints(params_cls)
    fields = {f.name: f for f in dataclasses.fields(params_cls)}
    kwargs = {}
    for key, value in values.items():
        if key not in fields:
            problems.append((f"{path}.{key}", f"unknown parameter (known: {', '.join(fields)})"))
            continue
        error, coerced = _check_value(value, hints[key], fields[key].metadata)
        if error:
            problems.append((f"{path}.{key}", error))
        else:
            kwargs[key] = coerced
    return params_cls(**kwargs)


def _type_name(tp: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    if tp in names:
        return names[tp]
    if typing.get_origin(tp) is tuple:
        return f"a list of {_type_name(typing.get_args(tp)[0]).split(' ', 1)[1]}s"
    return str(tp)


def _check_scalar(value: Any, tp: Any) -> tuple[bool, Any]:
    if tp is bool:
        return isinstance(value, bool), value
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool), value
    if tp is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return ok, float(value) if ok else value
    if tp is str:
        return isinstance(value, str), value
    raise TypeError(f"unsupported parameter type {tp}")


def _check_value(value: Any, tp: Any, meta: Mapping[str, Any]) -> tuple[str | None, Any]:
    expected = _type_name(tp)
    origin = typing.get_origin(tp)
    if origin is tuple:
        item_tp = typing.get_args(tp)[0]
        if not isinstance(value, list):
            return f"expected {expected}, got {value!r}", None
        items = []
        for item in value:
            ok, coerced = _check_scalar(item, item_tp)
            if not ok:
                return f"expected {expected}, got item {item!r}", None
            err = _check_bounds(coerced, meta)
            if err:
                return err, None
            items.append(coerced)
        return None, tuple(items)
    if origin in (typing.Union, types.UnionType):
        raise TypeError("optional parameters are not supported: TOML has no null")
    ok, coerced = _check_scalar(value, tp)
    if not ok:
        return f"expected {expected}{_bounds_text(meta)}, got {value!r}", None
    return _check_bounds(coerced, meta), coerced


def _bounds_text(meta: Mapping[str, Any]) -> str:
    parts = []
    if meta.get("min") is not None:
        parts.append(f">= {meta['min']}")
    if meta.get("max") is not None:
        parts.append(f"<= {meta['max']}")
    unit = f" {meta['unit']}" if meta.get("unit") else ""
    return (" " + " and ".join(parts) + unit) if parts else unit


def _check_bounds(value: Any, meta: Mapping[str, Any]) -> str | None:
    lo, hi, choices = meta.get("min"), meta.get("max"), meta.get("choices")
    if choices is not None and value not in choices:
        return f"expected one of {', '.join(map(repr, choices))}, got {value!r}"
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return f"expected a value{_bounds_text(meta)}, got {value!r}"
    return None


def dump_toml(config: Config) -> str:
    """The effective config as TOML, with each parameter's doc and unit as a comment."""
    lines = [f"# cibwatch effective config{f' (from {config.source})' if config.source else ''}"]
    data = config.to_dict()
    sig = data.pop("signals")
    lines += ["", "[signals]", f"enabled = {_toml_value(sig.pop('enabled'))}"]
    for name, values in sig.items():
        lines += _toml_section(f"signals.{name}", values, config.params(name))
    for name, values in data.items():
        lines += _toml_section(name, values, config.section(name))
    return "\n".join(lines) + "\n"


def _toml_section(header: str, values: Mapping[str, Any], params: Any) -> list[str]:
    meta = {f.name: f.metadata for f in dataclasses.fields(params)}
    lines = ["", f"[{header}]"]
    for key, value in values.items():
        doc = meta[key].get("doc", "")
        unit = meta[key].get("unit")
        comment = f"{doc} [{unit}]" if unit else doc
        lines.append(f"{key} = {_toml_value(value)}  # {comment}")
    return lines


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        import json

        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")
