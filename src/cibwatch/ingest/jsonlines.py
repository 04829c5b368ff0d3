"""Read a JSON-lines file with DuckDB, one record per line, keeping each line's number and text.

DuckDB's own `read_json(format='newline_delimited', ignore_errors=true)` drops a broken line
without saying which one. Reading the file as single-column CSV (a delimiter and no quote that
valid JSON never contains raw) instead gives every line its number and raw text; `json_valid`
then tells the broken lines apart, and invalid UTF-8 is rejected by the CSV reader with its line.
Blank lines are counted (for line numbers) but are not records. NOTE: a file that mixes
CRLF and LF line ends is split on both characters by the reader, so its line numbers can drift
after the first CRLF (files with one kind of line end are exact).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from cibwatch.errors import FormatError

# \x1f (unit separator) never occurs raw in valid JSON: control characters must be escaped.
_READ_OPTS = (
    "header = false, columns = {'raw': 'VARCHAR'}, delim = '\x1f', quote = '', escape = '', "
    "auto_detect = false, strict_mode = false, max_line_size = 67108864, "
    "store_rejects = true, rejects_table = '_cw_jl_rejects', rejects_scan = '_cw_jl_scan'"
)


def read_json_lines(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> int:
    """Load `path` into temp table `table(line, raw, doc)`: one row per non-blank line.

    `doc` is the line as JSON when it is a JSON object, else NULL. Lines that are not valid
    UTF-8, not JSON, or JSON but not an object go to stg_quarantine with their line number and
    raw text; the rows stay in `table` with `doc` NULL so callers can ignore them. Returns the
    number of records (non-blank lines) read.
    """
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _cw_jl AS "
            f"SELECT * FROM read_csv(?, {_READ_OPTS}) WITH ORDINALITY",
            [str(path)],
        )
    except duckdb.Error as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FormatError(f"{path}: cannot be read as JSON lines ({msg})") from exc
    ord_col = [d[0] for d in con.execute("SELECT * FROM _cw_jl LIMIT 0").description][-1]
    con.execute("""
        INSERT INTO stg_quarantine
        SELECT line, CASE WHEN error_type = 'INVALID ENCODING' THEN 'invalid utf-8'
                          ELSE 'malformed line' END || ': ' || error_message, csv_line
        FROM (SELECT DISTINCT ON (line) * FROM _cw_jl_rejects ORDER BY line)
    """)
    read = int(con.execute("SELECT count(*) FROM _cw_jl").fetchall()[0][0])
    rejected = int(con.execute("SELECT count(DISTINCT line) FROM _cw_jl_rejects").fetchall()[0][0])
    # Lines the reader kept are numbered in order around the rejected ones.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _cw_jl2 AS
        WITH good AS (
            SELECT l.range AS line, row_number() OVER (ORDER BY l.range) AS ord
            FROM range(1, ? + 1) l
            WHERE l.range NOT IN (SELECT line FROM _cw_jl_rejects)
        )
        SELECT g.line, rtrim(r.raw, chr(13)) AS raw
        FROM _cw_jl r JOIN good g ON r."{ord_col}" = g.ord
        WHERE trim(coalesce(r.raw, ''), ' \t' || chr(13)) <> ''
        """,
        [read + rejected],
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT line, raw,
               CASE WHEN json_type(TRY_CAST(raw AS JSON)) = 'OBJECT'
                    THEN TRY_CAST(raw AS JSON) END AS doc
        FROM _cw_jl2
    """)
    con.execute("""
        INSERT INTO stg_quarantine
        SELECT line, CASE WHEN json_valid(raw) THEN 'not a JSON object' ELSE 'broken json' END,
               raw
        FROM _cw_jl2
        WHERE json_type(TRY_CAST(raw AS JSON)) IS DISTINCT FROM 'OBJECT'
    """)
    records = int(con.execute("SELECT count(*) FROM _cw_jl2").fetchall()[0][0]) + rejected
    for t in ("_cw_jl", "_cw_jl2", "_cw_jl_rejects", "_cw_jl_scan"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return records


def json_keys(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The top-level keys seen in the JSON objects of `table.doc`."""
    rows = con.execute(
        f"SELECT DISTINCT unnest(json_keys(doc)) FROM {table} WHERE doc IS NOT NULL"
    ).fetchall()
    return {r[0] for r in rows}


def head_text(head: bytes) -> str:
    """The first bytes of a file as text, gunzipped when the file is gzip (for sniffing)."""
    if head[:2] == b"\x1f\x8b":
        import zlib

        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 1 << 16)
        except zlib.error:
            return ""
    return head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
