"""The TOML column mapping of the generic adapter: loading and full validation.

A mapping says, for one file layout, which input column (or constant, or derived value) fills
each normalized column. Sections: [input] (format, time_format, delimiter), [posts] with an
optional [posts.asset] (attributes of the posting asset read from the same row), or [assets]
for a file of accounts. A field is written as

    text = "content"                          # a column
    text = { column = "content" }             # the same
    lang = { value = "fa" }                   # a constant
    native_id = { hash = ["a", "b", "c"] }    # md5 of the columns (joined by U+001F): a stable id
    shared_post_id = { hash = ["content"], prefix = "rt:", when = { column = "post_type", equals = "R" } }
    created_at = { column = "date", format = "%d/%m/%Y %H:%M" }   # strptime layout
    hashtags = { column = "tags", split = " " }                    # list fields

and platform / kind fields are constants (`platform = "twitter"`). Every problem is reported at
once, numbered, with its path (MappingError). See examples/mappings/README.md.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cibwatch.errors import MappingError
from cibwatch.ingest.load import ASSET_FIELDS as LOAD_ASSET_FIELDS
from cibwatch.store import KINDS, PLATFORMS

INPUT_FORMATS = ("csv", "jsonl", "parquet")
TIME_FIELDS = {"created_at"}
INT_FIELDS = {"likes", "shares", "comments", "followers", "following"}
LIST_FIELDS = {"urls", "hashtags", "mentions"}
POST_FIELDS = (
    "native_id",
    "asset_native_id",
    "created_at",
    "text",
    "lang",
    "reply_to",
    "reply_to_user",
    "shared_post_id",
    "shared_user",
    "quoted_post_id",
    "venue_native_id",
    "client",
    "likes",
    "shares",
    "comments",
    "urls",
    "hashtags",
    "mentions",
)
POST_REQUIRED = ("native_id", "asset_native_id", "created_at")
ASSET_FIELDS = ("native_id", *LOAD_ASSET_FIELDS)
# Constant (enum) fields per section, with their allowed values and defaults (None: required).
POST_CONSTANTS = {
    "platform": (PLATFORMS, None),
    "asset_kind": (KINDS, "account"),
    "venue_kind": (KINDS, ""),
}
ASSET_CONSTANTS = {"platform": (PLATFORMS, None), "kind": (KINDS, "account")}
_SPEC_KEYS = {"column", "value", "hash", "prefix", "when", "format", "split", "lower"}
_WHEN_KEYS = {"column", "equals", "in", "not_in"}


@dataclass
class Field:
    """How one normalized column is filled."""

    column: str | None = None
    value: str | None = None
    hash: list[str] | None = None
    prefix: str | None = None
    when: dict[str, Any] | None = None
    format: str | None = None
    split: str | None = None
    lower: bool = False

    def columns(self) -> list[str]:
        cols = [self.column] if self.column else []
        cols += self.hash or []
        if self.when:
            cols.append(self.when["column"])
        return cols


@dataclass
class Mapping:
    """A validated mapping."""

    source: str
    input_format: str | None = None
    time_format: str | None = None
    delimiter: str | None = None  # CSV field separator; None: ',' (tab for .tsv files)
    posts: dict[str, Field] | None = None
    post_asset: dict[str, Field] = field(default_factory=dict)
    assets: dict[str, Field] | None = None
    constants: dict[str, str] = field(default_factory=dict)

    def columns(self) -> dict[str, list[str]]:
        """Every input column referenced, with the mapping paths that reference it."""
        out: dict[str, list[str]] = {}
        for section, fields in (
            ("posts", self.posts or {}),
            ("posts.asset", self.post_asset),
            ("assets", self.assets or {}),
        ):
            for name, f in fields.items():
                for col in f.columns():
                    out.setdefault(col, []).append(f"{section}.{name}")
        return out


def problems_error(source: str, problems: list[str]) -> MappingError:
    lines = [f"Error n°{i} at {p}" for i, p in enumerate(problems, 1)]
    return MappingError(
        f"{source}: {len(problems)} problem(s) in the mapping:\n  " + "\n  ".join(lines)
    )


def load_mapping(mapping: str | Path | dict[str, Any] | Mapping) -> Mapping:
    """Read (from a TOML file) and validate a mapping; MappingError lists every problem."""
    if isinstance(mapping, Mapping):
        return mapping
    if isinstance(mapping, dict):
        return validate(mapping, "mapping")
    path = Path(mapping)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(f"{path}: cannot read the mapping ({exc.strerror or exc})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: not valid TOML ({exc})") from exc
    return validate(data, str(path))


def validate(data: dict[str, Any], source: str) -> Mapping:
    problems: list[str] = []
    m = Mapping(source=source)
    unknown = set(data) - {"input", "posts", "assets"}
    for key in sorted(unknown):
        problems.append(f"{key}: unknown section (expected input, posts or assets)")
    inp = data.get("input", {})
    if not isinstance(inp, dict):
        problems.append("input: must be a table")
        inp = {}
    for key in sorted(set(inp) - {"format", "time_format", "delimiter"}):
        problems.append(f"input.{key}: unknown key (expected format, time_format, delimiter)")
    fmt = inp.get("format")
    if fmt is not None and fmt not in INPUT_FORMATS:
        problems.append(f"input.format: {fmt!r} is not one of {', '.join(INPUT_FORMATS)}")
    m.input_format = fmt if fmt in INPUT_FORMATS else None
    delim = inp.get("delimiter")
    if delim is not None and (not isinstance(delim, str) or len(delim) != 1 or delim in '"\r\n'):
        problems.append(
            "input.delimiter: must be one character other than a quote or a line break, "
            'such as "," ";" "|" or "\\t"'
        )
    else:
        m.delimiter = delim
    tf = inp.get("time_format")
    if tf is not None and (not isinstance(tf, str) or "%" not in tf):
        problems.append("input.time_format: must be a strptime layout such as '%Y-%m-%d %H:%M'")
    m.time_format = tf if isinstance(tf, str) else None
    if "posts" not in data and "assets" not in data:
        problems.append("(top): needs a [posts] or an [assets] section")
    if "posts" in data and "assets" in data:
        problems.append("(top): one mapping describes one file: use [posts] or [assets], not both")
    if isinstance(data.get("posts"), dict):
        posts = dict(data["posts"])
        asset = posts.pop("asset", {})
        m.posts = _section(posts, "posts", POST_FIELDS, POST_REQUIRED, POST_CONSTANTS, m, problems)
        if not isinstance(asset, dict):
            problems.append("posts.asset: must be a table")
        else:
            fields = tuple(f for f in ASSET_FIELDS if f != "native_id")
            m.post_asset = _section(asset, "posts.asset", fields, (), {}, m, problems)
        if "venue_native_id" in m.posts and not m.constants.get("venue_kind"):
            problems.append(
                "posts.venue_kind: required with posts.venue_native_id (page, group or channel)"
            )
    elif "posts" in data:
        problems.append("posts: must be a table")
    if isinstance(data.get("assets"), dict):
        m.assets = _section(
            data["assets"], "assets", ASSET_FIELDS, ("native_id",), ASSET_CONSTANTS, m, problems
        )
    elif "assets" in data:
        problems.append("assets: must be a table")
    if problems:
        raise problems_error(source, problems)
    return m


def _section(
    data: dict[str, Any],
    path: str,
    fields: tuple[str, ...],
    required: tuple[str, ...],
    constants: dict[str, tuple[tuple[str, ...], str | None]],
    m: Mapping,
    problems: list[str],
) -> dict[str, Field]:
    out: dict[str, Field] = {}
    for name, (allowed, default) in constants.items():
        value = data.get(name, default)
        if value is None:
            problems.append(f"{path}.{name}: required (one of {', '.join(allowed)})")
        elif value != "" and value not in allowed:
            problems.append(f"{path}.{name}: {value!r} is not one of {', '.join(allowed)}")
        else:
            m.constants[name] = value
    for name in required:
        if name not in data:
            problems.append(f"{path}.{name}: required")
    for name, raw in data.items():
        if name in constants:
            continue
        if name not in fields:
            problems.append(f"{path}.{name}: unknown field (expected one of {', '.join(fields)})")
            continue
        spec = _field(raw, f"{path}.{name}", name, problems)
        if spec is not None:
            out[name] = spec
    return out


def _field(raw: Any, path: str, name: str, problems: list[str]) -> Field | None:
    if isinstance(raw, str):
        if not raw:
            problems.append(f"{path}: empty column name")
            return None
        return Field(column=raw)
    if not isinstance(raw, dict):
        problems.append(f'{path}: must be a column name or a table such as {{ column = "c" }}')
        return None
    n = len(problems)
    for key in sorted(set(raw) - _SPEC_KEYS):
        problems.append(
            f"{path}.{key}: unknown key (expected one of {', '.join(sorted(_SPEC_KEYS))})"
        )
    sources = [k for k in ("column", "value", "hash") if k in raw]
    if len(sources) != 1:
        problems.append(f"{path}: give exactly one of column, value or hash")
    for key in ("column", "value", "prefix", "format", "split"):
        if key in raw and not (isinstance(raw[key], str) and (raw[key] or key == "prefix")):
            problems.append(f"{path}.{key}: must be a non-empty string")
    if "hash" in raw and not (
        isinstance(raw["hash"], list)
        and raw["hash"]
        and all(isinstance(c, str) and c for c in raw["hash"])
    ):
        problems.append(f"{path}.hash: must be a non-empty list of column names")
    if "lower" in raw and not isinstance(raw["lower"], bool):
        problems.append(f"{path}.lower: must be true or false")
    if "format" in raw and name not in TIME_FIELDS:
        problems.append(f"{path}.format: only time fields take a format")
    if "format" in raw and isinstance(raw["format"], str) and "%" not in raw["format"]:
        problems.append(f"{path}.format: must be a strptime layout such as '%Y-%m-%d %H:%M'")
    if "split" in raw and name not in LIST_FIELDS:
        problems.append(f"{path}.split: only list fields (urls, hashtags, mentions) take split")
    when = raw.get("when")
    if when is not None:
        if not isinstance(when, dict):
            problems.append(
                f'{path}.when: must be a table such as {{ column = "c", equals = "x" }}'
            )
        else:
            for key in sorted(set(when) - _WHEN_KEYS):
                problems.append(
                    f"{path}.when.{key}: unknown key (expected column, equals, in, not_in)"
                )
            if not isinstance(when.get("column"), str) or not when.get("column"):
                problems.append(f"{path}.when.column: required, a column name")
            tests = [k for k in ("equals", "in", "not_in") if k in when]
            if len(tests) != 1:
                problems.append(f"{path}.when: give exactly one of equals, in, not_in")
            for key in ("in", "not_in"):
                if key in when and not (
                    isinstance(when[key], list) and all(isinstance(v, str) for v in when[key])
                ):
                    problems.append(f"{path}.when.{key}: must be a list of strings")
            if "equals" in when and not isinstance(when["equals"], str):
                problems.append(f"{path}.when.equals: must be a string")
    if len(problems) > n:
        return None
    return Field(
        column=raw.get("column"),
        value=raw.get("value"),
        hash=raw.get("hash"),
        prefix=raw.get("prefix"),
        when=when,
        format=raw.get("format"),
        split=raw.get("split"),
        lower=bool(raw.get("lower", False)),
    )
