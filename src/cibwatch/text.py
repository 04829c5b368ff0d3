"""Text normalization for comparing posts, with Persian and Arabic as the common case.

The normalized form is stored beside the original (`text_norm`), never instead of it. Steps:
Unicode NFKC (folds Arabic presentation forms, ligatures and full-width Latin); Arabic yeh,
alef maksura and kaf to Persian ی and ک, heh-with-yeh to heh; Persian and Arabic-Indic digits
to ASCII; Arabic diacritics (harakat, superscript alef, Quranic marks) and tatweel removed;
ZWNJ, ZWJ and every other space or invisible format character (bidi overrides, marks, BOM)
turned into one space; lower-case; trimmed.

It is one SQL expression (`normalize_sql`) run by DuckDB, vectorized and multi-threaded, with
NFKC from pyarrow (utf8proc) registered as the Arrow function `cw_nfkc` because DuckDB has only
NFC. `normalize` and `normalize_arrow` run that same expression, so they can never disagree.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    import pyarrow as pa

# pyarrow is imported where it is used: loading it costs about 0.3 s of every `cibwatch ingest`
# start, and ingesting text that needs no NFKC never calls it.

# translate(): each character of _FROM becomes the character at the same place in _TO.
_FROM = (
    "\u064a\u0649\u0643\u06c0"
    + "".join(chr(0x06F0 + d) for d in range(10))
    + "".join(chr(0x0660 + d) for d in range(10))
)
_TO = "\u06cc\u06cc\u06a9\u0647" + "0123456789" * 2

# Harakat, superscript alef, Quranic annotation marks, tatweel: removed.
STRIP_RE = "[\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]"
# Spaces (RE2's \s is ASCII-only, so Unicode spaces are listed), ZWNJ/ZWJ, bidi controls and
# other invisible format characters: one space.
SPACE_RE = (
    "[\\s\u0085\u00a0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u206f\u3000\ufeff]+"
)


# Strings made only of these characters are their own NFKC form: ASCII and the Arabic block
# except the combining hamza/madda marks (which compose with the letter before them) and the
# high-hamza letters (which decompose). Anything else (presentation forms, full-width Latin,
# ligatures, emoji...) goes through NFKC.
NEEDS_NFKC_RE = (
    "[^\\x00-\\x7F\\x{0600}-\\x{0652}\\x{0656}-\\x{0674}\\x{0679}-\\x{06FF}\\x{200C}\\x{200D}]"
)
# A string needs the space step when it holds any space other than a single ASCII space.
SPACE_CHECK_RE = "  |^ | $|[\\t\\n\\r\\f\\v" + SPACE_RE[3:-2] + "]"


def _nfkc(values: Any) -> Any:
    # Typed Any: DuckDB evaluates a UDF's annotations when it is registered, and pyarrow is
    # not imported yet then.
    import pyarrow.compute as pc

    return pc.utf8_normalize(values, form="NFKC")


def register_text_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Register `cw_nfkc(text)` on a connection (idempotent)."""
    registered = con.execute(
        "SELECT count(*) FROM duckdb_functions() WHERE function_name = 'cw_nfkc'"
    ).fetchall()[0][0]
    if not registered:
        # The type stubs do not describe Arrow UDFs.
        con.create_function(  # type: ignore[call-overload]
            "cw_nfkc",
            _nfkc,
            [duckdb.sqltype("VARCHAR")],
            duckdb.sqltype("VARCHAR"),
            type="arrow",
            null_handling="special",
            side_effects=False,
        )


def normalize_sql(expr: str) -> str:
    """A SQL expression normalizing `expr` (a column written by cibwatch, never data).

    Needs `register_text_functions` on the connection. For many rows prefer
    `normalize_select`, which skips the costly steps on strings they would not change. The
    constants are plain characters with no quote in them, so splicing them is safe.
    """
    x = f"translate(cw_nfkc({expr}), '{_FROM}', '{_TO}')"
    x = f"regexp_replace({x}, '{STRIP_RE}', '', 'g')"
    x = f"regexp_replace(replace({x}, '\u200c', ' '), '{SPACE_RE}', ' ', 'g')"
    return f"trim(lower({x}))"


def normalize_select(relation: str, key: str, column: str) -> str:
    """SQL selecting (`key`, `norm`) for every row of `relation`, `norm` = normalized `column`.

    Same result as `normalize_sql`; see `normalize_columns`.
    """
    return f"SELECT {key}, norm FROM ({normalize_columns(f'(SELECT {key}, {column} AS _cw_in FROM {relation})', '_cw_in')})"


def normalize_columns(relation: str, column: str, out: str = "norm") -> str:
    """SQL selecting every column of `relation` plus `out`, the normalized `column`.

    Each costly step runs only on strings a cheap test says it would change; most posts need
    none or one of them. Carrying the other columns through (rather than joining a (key, norm)
    table back) saves a join of every row. Same result as `normalize_sql`.
    """

    def step(check: str, then: str) -> str:
        return (
            f"SELECT * REPLACE (CASE WHEN _cw_r AND NOT _cw_a AND regexp_matches(_cw_x, '{check}') "
            f"THEN {then} ELSE _cw_x END AS _cw_x) FROM"
        )

    # ZWNJ (most Persian text has it) becomes a space first, with no regex: it is a space to
    # the space step, and a starter no other step reads. Then ONE regex pass tells whether any
    # step can change the string (plain Persian text: none); `_cw_a` (pure ASCII, from the
    # byte and character counts) skips the four non-ASCII steps on Latin text.
    rare = f"{NEEDS_NFKC_RE}|[{_FROM}]|{STRIP_RE}"
    zwnj = f"replace({column}, '\u200c', ' ')"
    any_step = f"{rare}|[A-Z]|{SPACE_CHECK_RE}"
    # lower() costs as much as a regex on Persian text. A string the one regex passes holds
    # only ASCII without A-Z, Arabic letters and ZWJ: lower() and trim() cannot change it. On
    # a flagged string lower() runs unless it is ASCII without A-Z; after the space step only
    # ' ' is left to trim.
    lower = (
        "CASE WHEN _cw_r AND (NOT _cw_a OR regexp_matches(_cw_x, '[A-Z]')) "
        "THEN lower(_cw_x) ELSE _cw_x END"
    )
    return f"""
    SELECT * EXCLUDE (_cw_x, _cw_r, _cw_a), CASE WHEN _cw_r AND (prefix(_cw_x, ' ') OR suffix(_cw_x, ' '))
                                     THEN trim(_cw_x) ELSE _cw_x END AS {out} FROM (
     SELECT * REPLACE ({lower} AS _cw_x) FROM (
     SELECT * REPLACE (CASE WHEN _cw_r AND regexp_matches(_cw_x, '{SPACE_CHECK_RE}')
                       THEN regexp_replace(_cw_x, '{SPACE_RE}', ' ', 'g') ELSE _cw_x END AS _cw_x) FROM (
       {step(STRIP_RE, f"regexp_replace(_cw_x, '{STRIP_RE}', '', 'g')")} (
        {step(f"[{_FROM}]", f"translate(_cw_x, '{_FROM}', '{_TO}')")} (
         {step(NEEDS_NFKC_RE, "cw_nfkc(_cw_x)")} (
          SELECT *, coalesce(regexp_matches(_cw_x, '{any_step}'), false) AS _cw_r,
                 strlen(_cw_x) = length(_cw_x) AS _cw_a FROM (
           SELECT *, CASE WHEN contains({column}, '\u200c') THEN {zwnj} ELSE {column} END AS _cw_x
           FROM {relation}
    )))))))"""


_lock = threading.Lock()
_con: duckdb.DuckDBPyConnection | None = None


def _connection() -> duckdb.DuckDBPyConnection:
    global _con
    if _con is None:
        _con = duckdb.connect()
        register_text_functions(_con)
    return _con


def normalize_arrow(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Normalize a string array; nulls stay null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pc.cast(values, pa.string())
    table = pa.table({"i": pa.array(range(len(values)), pa.int64()), "t": values})
    with _lock:
        con = _connection()
        con.register("_cw_text_in", table)
        try:
            out = con.sql(
                f"SELECT norm FROM ({normalize_select('_cw_text_in', 'i', 't')}) ORDER BY i"
            ).to_arrow_table()
        finally:
            con.unregister("_cw_text_in")
    return out.column("norm").combine_chunks()


_PY_TRANSLATE = str.maketrans(_FROM, _TO)
_PY_STRIP = re.compile(STRIP_RE)
# RE2's \s is [\t\n\f\r ]; Python's is wider, so the class is spelled out to match.
_PY_SPACE = re.compile("[\t\n\f\r " + SPACE_RE[3:-2] + "]+")


def normalize(text: str | None) -> str | None:
    """Normalize one string the same way the ingest does, in plain Python (microseconds).

    The same steps as `normalize_sql`; a property test checks the two agree on Persian, Arabic
    and Latin text. For columns, use `normalize_arrow` or `normalize_select`.

    >>> normalize("  مي\u200cروم  ٣ كتاب ")
    'می روم 3 کتاب'
    """
    if text is None:
        return None
    out = unicodedata.normalize("NFKC", text).translate(_PY_TRANSLATE)
    out = _PY_SPACE.sub(" ", _PY_STRIP.sub("", out))
    return out.lower().strip(" ")
