"""Read a CSV file with DuckDB into a temp table, sending unreadable records to quarantine.

DuckDB's reader records each rejected record (wrong column count, invalid UTF-8, unterminated
quote) with its line; every readable record gets its line too, so later checks (a time that
does not parse, a missing id) can quarantine with the same line numbers. Records are numbered
as read (header = 1); before the staged quarantine rows leave, their record numbers become the
file's physical line numbers (a quoted field may span several lines).
"""

from __future__ import annotations

from collections.abc import Callable
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
    return [clean_column(c) for c in csv_header(con, path, delim)]


def csv_header(con: duckdb.DuckDBPyConnection, path: Path, delim: str = ",") -> list[str]:
    """The header of a CSV file as written."""
    try:
        rel = con.execute(
            "SELECT * FROM read_csv($path, header = true, all_varchar = true, delim = $delim, "
            "quote = '\"', escape = '\"', sample_size = 1, ignore_errors = true) LIMIT 0",
            {"path": str(path), "delim": delim},
        )
    except duckdb.Error as exc:
        raise FormatError(f"{path}: not a readable CSV file ({_first_line(exc)})") from exc
    return [d[0] for d in rel.description]


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
    _check_required(path, csv_columns(con, path, delim), required)
    _create_from_reader(con, path, delim, f"CREATE OR REPLACE TEMP TABLE _cw_raw AS {_reader('*')}")
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
    select = ", ".join(f"r.{_quote(c)} AS {_quote(clean_column(c))}" for c in raw_cols)
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
    # Line breaks inside rejected records, for physical line numbers (see _physical_lines).
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _cw_rejected_breaks AS
        SELECT DISTINCT ON (line) line,
               length(csv_line) - length(replace(csv_line, chr(10), '')) AS breaks
        FROM _cw_rejects ORDER BY line
    """)
    con.execute("DROP TABLE IF EXISTS _cw_rejects")
    con.execute("DROP TABLE IF EXISTS _cw_rejects_scan")
    return total


def read_csv_clean(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    query: Callable[[str], str],
    required: tuple[str, ...],
    delim: str = ",",
    header: list[str] | None = None,
) -> int | None:
    """Fast path for a file with no unreadable record: temp table `table` straight from the reader.

    `query(src)` is a SELECT over relation `src` (the file's records, trimmed header names,
    in file order); row i of `table` (rowid i) is the record on line i + 2. Nothing is copied
    twice: this skips read_csv_lines' raw copy of every column. Returns the number of records,
    or None, leaving nothing behind, when the reader rejected a record: the caller then takes
    read_csv_lines, which quarantines them. `header` is csv_header's answer, when known.
    """
    raw = header if header is not None else csv_header(con, path, delim)
    _check_required(path, [clean_column(c) for c in raw], required)
    renames = ", ".join(f"{_quote(c)} AS {_quote(clean_column(c))}" for c in raw)
    src = f"({_reader(renames)})"
    _create_from_reader(con, path, delim, f"CREATE OR REPLACE TEMP TABLE {table} AS {query(src)}")
    rejects = int(con.execute("SELECT count(*) FROM _cw_rejects").fetchall()[0][0])
    con.execute("DROP TABLE IF EXISTS _cw_rejects")
    con.execute("DROP TABLE IF EXISTS _cw_rejects_scan")
    if rejects:
        con.execute(f"DROP TABLE {table}")
        return None
    # Insertion order is kept (see read_csv_lines), so rowid is the record's ordinal.
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def _reader(columns: str) -> str:
    """SELECT `columns` from the file (parameters $path and $delim), rejects logged."""
    return f"SELECT {columns} FROM read_csv($path, {_READ_OPTS})"


def _create_from_reader(con: duckdb.DuckDBPyConnection, path: Path, delim: str, sql: str) -> None:
    """Run `sql` (which reads the file through `_reader`) keeping the file's record order;
    a file the reader cannot read at all fails with one line."""
    con.execute("SET preserve_insertion_order = true")
    try:
        con.execute(sql, {"path": str(path), "delim": delim})
    except duckdb.Error as exc:
        raise FormatError(f"{path}: cannot be read as CSV ({_first_line(exc)})") from exc


def _check_required(path: Path, columns: list[str], required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in columns]
    if missing:
        raise FormatError(
            f"{path}: missing column(s) {', '.join(missing)} (found: {', '.join(columns[:12])}"
            + (", ..." if len(columns) > 12 else "")
            + ")"
        )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def drop_csv_lines(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Drop what read_csv_lines made for `table`, first giving quarantined rows their lines."""
    _physical_lines(con, table)
    con.execute(f"DROP VIEW IF EXISTS {table}")
    for t in ("_cw_lines", "_cw_raw", "_cw_rejected_breaks"):
        con.execute(f"DROP TABLE IF EXISTS {t}")


def _physical_lines(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Turn the quarantined rows' record numbers into the file's line numbers.

    Records are numbered as they are read (the header is 1); a quoted field with line breaks
    (common in post text) makes later records start further down the file. Only files with
    quarantined rows pay for this pass: each record's breaks, summed over the records before.
    """
    if not con.execute("SELECT count(*) FROM stg_quarantine").fetchall()[0][0]:
        return
    if not con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND temporary", [table]
    ).fetchall()[0][0]:
        return
    cols = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description][1:]
    breaks = " + ".join(
        f"coalesce(length({c}) - length(replace({c}, chr(10), '')), 0)"
        for c in ('"' + name.replace('"', '""') + '"' for name in cols)
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cw_physical AS
        SELECT line, line + coalesce(sum(breaks) OVER (
                   ORDER BY line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS physical
        FROM (SELECT line, {breaks or "0"} AS breaks FROM {table}
              UNION ALL SELECT line, breaks FROM _cw_rejected_breaks)
    """)
    con.execute("""
        UPDATE stg_quarantine SET line = p.physical
        FROM _cw_physical p WHERE stg_quarantine.line = p.line AND p.physical <> p.line
    """)
    con.execute("DROP TABLE _cw_physical")


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
