"""Read a CSV file with DuckDB into a temp table, sending unreadable records to quarantine.

DuckDB's reader records each rejected record (wrong column count, invalid UTF-8, unterminated
quote) with its line; every readable record gets its line too, so later checks (a time that
does not parse, a missing id) can quarantine with the same line numbers. Lines count records,
the header being line 1 (a record with a quoted line break counts once).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from cibwatch.errors import FormatError

_READ_OPTS = (
    "header = true, all_varchar = true, delim = $delim, quote = '\"', escape = '\"', "
    "store_rejects = true, rejects_table = '_cw_rejects', rejects_scan = '_cw_rejects_scan', "
    "max_line_size = 16777216, null_padding = false, normalize_names = false"
)


def csv_columns(con: duckdb.DuckDBPyConnection, path: Path, delim: str = ",") -> list[str]:
    """The header of a CSV file, names trimmed (exports put stray spaces and BOMs there)."""
    try:
        rel = con.execute(
            "SELECT * FROM read_csv($path, header = true, all_varchar = true, delim = $delim, "
            "quote = '\"', escape = '\"', sample_size = 1, ignore_errors = true) LIMIT 0",
            {"path": str(path), "delim": delim},
        )
    except duckdb.Error as exc:
        raise FormatError(f"{path}: not a readable CSV file ({_first_line(exc)})") from exc
    return [clean_column(d[0]) for d in rel.description]


def clean_column(name: str) -> str:
    return name.replace("\ufeff", "").strip()


def read_csv_lines(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    required: tuple[str, ...],
    delim: str = ",",
) -> int:
    """Load `path` into temp view `table` (all VARCHAR, trimmed header names, plus `line`).

    Drop it with `drop_csv_lines` when done.

    Rejected records go to stg_quarantine. Raises FormatError naming the missing columns when
    `required` columns are absent. Returns the number of records read (loaded + rejected).
    """
    columns = csv_columns(con, path, delim)
    missing = [c for c in required if c not in columns]
    if missing:
        raise FormatError(
            f"{path}: missing column(s) {', '.join(missing)} (found: {', '.join(columns[:12])}"
            + (", ..." if len(columns) > 12 else "")
            + ")"
        )
    con.execute("SET preserve_insertion_order = true")
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _cw_raw AS SELECT * FROM read_csv($path, {_READ_OPTS})",
            {"path": str(path), "delim": delim},
        )
    except duckdb.Error as exc:
        raise FormatError(f"{path}: cannot be read as CSV ({_first_line(exc)})") from exc
    # DuckDB keeps insertion order (preserve_insertion_order, on by default), so the table's
    # rowid is the record's place among the readable records, with the reader still parallel
    # (WITH ORDINALITY would hold it to one thread).
    raw_cols = [d[0] for d in con.execute("SELECT * FROM _cw_raw LIMIT 0").description]
    rejects = int(con.execute("SELECT count(*) FROM _cw_rejects").fetchall()[0][0])
    con.execute(
        """
        INSERT INTO stg_quarantine
        SELECT line,
               CASE error_type
                 WHEN 'INVALID ENCODING' THEN 'invalid utf-8'
                 WHEN 'MISSING COLUMNS' THEN 'wrong column count'
                 WHEN 'TOO MANY COLUMNS' THEN 'wrong column count'
                 WHEN 'UNQUOTED VALUE' THEN 'malformed csv'
                 WHEN 'LINE SIZE OVER MAXIMUM' THEN 'line too long'
                 ELSE 'malformed csv'
               END || ': ' || error_message,
               csv_line
        FROM (SELECT DISTINCT ON (line) * FROM _cw_rejects ORDER BY line, column_idx)
        """
    )
    loaded = int(con.execute("SELECT count(*) FROM _cw_raw").fetchall()[0][0])
    total = loaded + int(
        con.execute("SELECT count(DISTINCT line) FROM _cw_rejects").fetchall()[0][0]
    )
    select = ", ".join(
        f'r."{c.replace(chr(34), chr(34) * 2)}" AS "{clean_column(c).replace(chr(34), chr(34) * 2)}"'
        for c in raw_cols
    )
    # `table` is a view over the one materialized copy; the line of each readable record is
    # its ordinal plus the header plus the rejected records before it.
    if rejects == 0:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT r.rowid + 2 AS line, {select} "
            "FROM _cw_raw r"
        )
    else:
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _cw_lines AS
            SELECT l.range AS line, row_number() OVER (ORDER BY l.range) AS ord
            FROM range(2, ? + 2) l
            WHERE l.range NOT IN (SELECT line FROM _cw_rejects)
            """,
            [total],
        )
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT g.line, {select} "
            "FROM _cw_raw r JOIN _cw_lines g ON r.rowid + 1 = g.ord"
        )
    con.execute("DROP TABLE IF EXISTS _cw_rejects")
    con.execute("DROP TABLE IF EXISTS _cw_rejects_scan")
    return total


def drop_csv_lines(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Drop what read_csv_lines made for `table`."""
    con.execute(f"DROP VIEW IF EXISTS {table}")
    con.execute("DROP TABLE IF EXISTS _cw_lines")
    con.execute("DROP TABLE IF EXISTS _cw_raw")


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
