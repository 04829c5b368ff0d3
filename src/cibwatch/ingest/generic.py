"""The generic adapter: any CSV, JSON-lines or Parquet file, with a TOML column mapping.

For exports that match no built-in format: `cibwatch ingest FILE --format generic --map M.toml`.
The mapping (cibwatch.ingest.mapping) names, for each normalized column, an input column, a
constant or a derived value. Input column names and constants reach the SQL as quoted
identifiers or parameters, never as SQL text. Rows without an id or with an unreadable time go
to quarantine like in every adapter; CSV and JSON-lines errors too (bad UTF-8, wrong column
count, broken JSON line). The generic adapter is never detected: it needs its mapping.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import duckdb

from cibwatch.errors import FormatError, MappingError
from cibwatch.ingest.base import Adapter, Sniff, StageContext, register
from cibwatch.ingest.csvread import csv_columns, drop_csv_lines, read_csv_lines
from cibwatch.ingest.jsonlines import json_keys, read_json_lines
from cibwatch.ingest.mapping import (
    INT_FIELDS,
    LIST_FIELDS,
    TIME_FIELDS,
    Field,
    Mapping,
    load_mapping,
    problems_error,
)
from cibwatch.ingest.staging import int_sql, list_field_sql, parse_time_sql


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def input_format(path: Path, declared: str | None) -> str:
    if declared:
        return declared
    name = path.name.lower()
    for suffix in (".gz", ".zst"):
        name = name.removesuffix(suffix)
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    return "csv"


def csv_delimiter(path: Path, declared: str | None) -> str:
    """The mapping's delimiter, else tab for .tsv / .tab files, else comma."""
    if declared:
        return declared
    name = path.name.lower().removesuffix(".gz").removesuffix(".zst")
    return "\t" if name.endswith((".tsv", ".tab")) else ","


class _Sql:
    """Builds the SQL expression of each mapped field, collecting its parameters."""

    def __init__(self, mapping: Mapping):
        self.mapping = mapping
        self.params: dict[str, Any] = {}

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    def raw(self, f: Field) -> str:
        if f.column is not None:
            expr = _ident(f.column)
        elif f.value is not None:
            expr = f"CAST({self.param(f.value)} AS VARCHAR)"
        else:
            parts = " || chr(31) || ".join(f"coalesce({_ident(c)}, '')" for c in f.hash or [])
            expr = f"md5({parts})"
        if f.lower:
            expr = f"lower({expr})"
        if f.prefix:
            expr = f"({self.param(f.prefix)} || {expr})"
        if f.when:
            col = _ident(f.when["column"])
            if "equals" in f.when:
                test = f"coalesce({col}, '') = {self.param(f.when['equals'])}"
            elif "in" in f.when:
                test = f"list_contains({self.param(f.when['in'])}::VARCHAR[], coalesce({col}, ''))"
            else:
                test = f"NOT list_contains({self.param(f.when['not_in'])}::VARCHAR[], coalesce({col}, ''))"
            expr = f"(CASE WHEN {test} THEN {expr} END)"
        return expr

    def typed(self, name: str, f: Field | None) -> str:
        if f is None:
            return "NULL"
        expr = self.raw(f)
        if name in TIME_FIELDS:
            layout = f.format or self.mapping.time_format
            if not layout:
                return parse_time_sql(expr)
            parsed = f"try_strptime(trim({expr}), {self.param(layout)})"
            if "%z" in layout or "%Z" in layout:
                return f"CAST(timezone('UTC', {parsed}) AS TIMESTAMP)"
            return parsed
        if name in INT_FIELDS:
            return int_sql(expr)
        if name in LIST_FIELDS:
            if f.split:
                return (
                    f"list_filter(list_transform(string_split(coalesce({expr}, ''), "
                    f"{self.param(f.split)}), lambda s: trim(s)), lambda s: s <> '')"
                )
            return list_field_sql(expr)
        return f"nullif(trim({expr}), '')" if name.endswith("id") else expr


@register
class Generic(Adapter):
    """Any CSV / JSON lines / Parquet file with a TOML column mapping (--map)."""

    name: ClassVar[str] = "generic"
    description: ClassVar[str] = "any CSV, JSON lines or Parquet file with a TOML mapping (--map)"
    priority: ClassVar[int] = 100

    def sniff(self, sniff: Sniff) -> bool:
        return False  # needs a mapping; chosen with --format generic / --map

    def stage(self, ctx: StageContext) -> None:
        if not ctx.options.get("mapping"):
            raise MappingError(
                f"{ctx.path}: the generic format needs a column mapping: --map FILE.toml "
                "(see examples/mappings/)"
            )
        mapping = load_mapping(ctx.options["mapping"])
        fmt = input_format(ctx.path, mapping.input_format)
        available = self._read(ctx, fmt, csv_delimiter(ctx.path, mapping.delimiter))
        found = (
            f"found: {', '.join(sorted(available)[:12])}"
            if available
            else f"no columns found reading it as {fmt}; set [input] format"
        )
        problems = [
            f"{paths[0]}: column {col!r} is not in {ctx.path.name} ({found})"
            for col, paths in mapping.columns().items()
            if col not in available
        ]
        if problems:
            self._drop(ctx.con)
            raise problems_error(f"{mapping.source} (for {ctx.path})", problems)
        if mapping.posts is not None:
            self._stage_posts(ctx, mapping)
        else:
            self._stage_assets(ctx, mapping)
        self._drop(ctx.con)

    @staticmethod
    def _drop(con: duckdb.DuckDBPyConnection) -> None:
        kind = con.execute(
            "SELECT 'view' FROM duckdb_views() WHERE view_name = '_cw_gen' "
            "UNION ALL SELECT 'table' FROM duckdb_tables() WHERE table_name = '_cw_gen'"
        ).fetchall()
        if kind and kind[0][0] == "view":
            drop_csv_lines(con, "_cw_gen")
        else:
            con.execute("DROP TABLE IF EXISTS _cw_gen")

    def _read(self, ctx: StageContext, fmt: str, delim: str) -> set[str]:
        """Load the file into temp table _cw_gen(line, raw?, <columns as VARCHAR>)."""
        con = ctx.con
        if fmt == "csv":
            cols = csv_columns(con, ctx.path, delim)
            ctx.rows_read = read_csv_lines(con, ctx.path, "_cw_gen", (), delim)
            return set(cols)
        if fmt == "jsonl":
            ctx.rows_read = read_json_lines(con, ctx.path, "_cw_genj")
            keys = sorted(json_keys(con, "_cw_genj"))
            # NOTE: a key containing '"' cannot be written as a JSON path; it is not mappable.
            params = [f'$."{k}"' if '"' not in k else None for k in keys]
            usable = [(k, p) for k, p in zip(keys, params, strict=True) if p]
            select = "".join(
                f", json_extract_string(doc, ${i}) AS {_ident(k)}"
                for i, (k, _) in enumerate(usable, 1)
            )
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE _cw_gen AS SELECT line, raw{select} "
                "FROM _cw_genj WHERE doc IS NOT NULL",
                [p for _, p in usable] or None,
            )
            con.execute("DROP TABLE _cw_genj")
            return {k for k, _ in usable}
        try:
            desc = con.execute("SELECT * FROM read_parquet(?) LIMIT 0", [str(ctx.path)]).description
        except duckdb.Error as exc:
            raise FormatError(
                f"{ctx.path}: not a readable Parquet file ({exc})".splitlines()[0]
            ) from exc
        names = [d[0] for d in desc]
        types = {
            r[0]: str(r[1])
            for r in con.execute(
                "DESCRIBE SELECT * FROM read_parquet(?)", [str(ctx.path)]
            ).fetchall()
        }
        cast = lambda n: (  # noqa: E731
            f"CAST(timezone('UTC', {_ident(n)}) AS VARCHAR)"
            if types.get(n, "").startswith("TIMESTAMP WITH TIME ZONE")
            else f"CAST({_ident(n)} AS VARCHAR)"
        )
        select = ", ".join(f"{cast(n)} AS {_ident(n)}" for n in names)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _cw_gen AS SELECT row_number() OVER () AS line, "
            f"{select} FROM read_parquet(?)",
            [str(ctx.path)],
        )
        ctx.rows_read = int(con.execute("SELECT count(*) FROM _cw_gen").fetchall()[0][0])
        return set(names)

    @staticmethod
    def _raw_sql(con: duckdb.DuckDBPyConnection) -> str:
        cols = [d[0] for d in con.execute("SELECT * FROM _cw_gen LIMIT 0").description]
        return "t.raw" if "raw" in cols else "CAST(to_json(t) AS VARCHAR)"

    def _stage_posts(self, ctx: StageContext, mapping: Mapping) -> None:
        con, sql = ctx.con, _Sql(mapping)
        posts = mapping.posts or {}
        c = mapping.constants
        fields = {name: sql.typed(name, posts.get(name)) for name in posts}
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _cw_gen2 AS
            SELECT line,
                   {", ".join(f"{expr} AS {_ident('_f_' + name)}" for name, expr in fields.items())}
                   {"".join(f", {sql.typed(n, f)} AS {_ident('_a_' + n)}" for n, f in mapping.post_asset.items())}
            FROM _cw_gen t
            """,
            sql.params,
        )
        # The raw row is rebuilt only for the rows that go to quarantine.
        con.execute(f"""
            INSERT INTO stg_quarantine
            SELECT g.line,
                   CASE WHEN _f_native_id IS NULL THEN 'missing id: posts.native_id is empty'
                        WHEN _f_asset_native_id IS NULL THEN 'missing id: posts.asset_native_id is empty'
                        ELSE 'unparseable time: posts.created_at' END, {self._raw_sql(con)}
            FROM _cw_gen2 g JOIN _cw_gen t ON t.line = g.line
            WHERE _f_native_id IS NULL OR _f_asset_native_id IS NULL OR _f_created_at IS NULL
        """)
        good = "_f_native_id IS NOT NULL AND _f_asset_native_id IS NOT NULL AND _f_created_at IS NOT NULL"
        params = {
            "platform": c["platform"],
            "akind": c.get("asset_kind") or "account",
            "vkind": c.get("venue_kind") or None,
        }
        asset_cols = "".join(f", {_ident('_a_' + n)} AS {n}" for n in mapping.post_asset)
        con.execute(
            f"""
            INSERT INTO stg_assets BY NAME
            SELECT line, $platform AS platform, $akind AS kind, _f_asset_native_id AS native_id
                   {asset_cols}
            FROM _cw_gen2 WHERE {good}
            """,
            {k: params[k] for k in ("platform", "akind")},
        )
        post_cols = "".join(
            f", {_ident('_f_' + n)} AS {n}"
            for n in posts
            if n not in ("native_id", "asset_native_id")
        )
        venue = (
            ", $platform AS venue_platform, $vkind AS venue_kind"
            if "venue_native_id" in posts
            else ""
        )
        con.execute(
            f"""
            INSERT INTO stg_posts BY NAME
            SELECT line, $platform AS platform, _f_native_id AS native_id,
                   $platform AS asset_platform, $akind AS asset_kind,
                   _f_asset_native_id AS asset_native_id {post_cols} {venue}
            FROM _cw_gen2 WHERE {good}
            """,
            params if venue else {k: v for k, v in params.items() if k != "vkind"},
        )
        con.execute("DROP TABLE _cw_gen2")

    def _stage_assets(self, ctx: StageContext, mapping: Mapping) -> None:
        con, sql = ctx.con, _Sql(mapping)
        assets = mapping.assets or {}
        fields = {name: sql.typed(name, assets.get(name)) for name in assets}
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _cw_gen2 AS
            SELECT line,
                   {", ".join(f"{expr} AS {_ident('_f_' + name)}" for name, expr in fields.items())}
            FROM _cw_gen t
            """,
            sql.params,
        )
        con.execute(f"""
            INSERT INTO stg_quarantine
            SELECT g.line, 'missing id: assets.native_id is empty', {self._raw_sql(con)}
            FROM _cw_gen2 g JOIN _cw_gen t ON t.line = g.line WHERE _f_native_id IS NULL
        """)
        cols = "".join(f", {_ident('_f_' + n)} AS {n}" for n in assets if n != "native_id")
        con.execute(
            f"""
            INSERT INTO stg_assets BY NAME
            SELECT line, $platform AS platform, $kind AS kind, _f_native_id AS native_id {cols}
            FROM _cw_gen2 WHERE _f_native_id IS NOT NULL
            """,
            {
                "platform": mapping.constants["platform"],
                "kind": mapping.constants.get("kind") or "account",
            },
        )
        con.execute("DROP TABLE _cw_gen2")
