"""The SQL helpers adapters share: list fields as archives write them, trims, counts."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cibwatch.ingest.staging import int_sql, list_field_sql, nullif_blank_sql, trim_sql

_CON = duckdb.connect()


def parse(value: str | None) -> list[str]:
    return _CON.execute(
        f"SELECT {list_field_sql('x')} FROM (SELECT ?::VARCHAR AS x)", [value]
    ).fetchall()[0][0]


@pytest.mark.parametrize(
    ("written", "items"),
    [
        ("['ایران', 'مذاکرات']", ["ایران", "مذاکرات"]),
        ("['https://t.co/a?x=1,2']", ["https://t.co/a?x=1,2"]),
        ("['a', \"it's\"]", ["a", "it's"]),
        ("['x', \"a', 'b\", 'y']", ["x", "a', 'b", "y"]),
        ("['\u0301a', 'b\u0301']", ["\u0301a", "b\u0301"]),  # combining marks at the ends
        ("['']", []),
        ("[']", []),
        ("[iran, ایران]", ["iran", "ایران"]),
        ("a,b", ["a", "b"]),
        ("[]", []),
        ("", []),
        (None, []),
    ],
)
def test_list_fields_written_each_way(written, items):
    assert parse(written) == items


# Items as Python writes them with repr(): single quotes, or double quotes around an item that
# holds a single quote. (An item holding both quote kinds is written with backslashes, which no
# archive we know does.)
_ITEM = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\').filter(
        str.isprintable  # repr() escapes the rest
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ITEM, max_size=5))
def test_python_written_lists_round_trip(items):
    assert parse(repr(items)) == [i for i in items if i != ""]


def test_trim_sql_agrees_with_trim_on_every_code_point():
    """trim_sql skips trim() on strings its regexes say have no space at either end."""
    rows = _CON.execute(f"""
        WITH s AS (
            SELECT chr(CAST(range AS INTEGER)) AS c FROM range(1, 1114112)
            WHERE range < 55296 OR range > 57343
        ), x AS (
            SELECT unnest([c || 'ا' || c, c || 'ب', 'پ' || c, c]) AS x FROM s
        )
        SELECT count(*), count(*) FILTER (WHERE trim(x) <> x),
               count(*) FILTER (WHERE {trim_sql("x")} IS DISTINCT FROM trim(x))
        FROM x
    """).fetchall()[0]
    total, trimmed, differ = rows
    assert total > 4_000_000 and trimmed > 0  # the spaces trim() removes are in the sample
    assert differ == 0


@pytest.mark.parametrize(
    ("written", "value"),
    [
        (" 12", 12),
        ("12.0", 12),
        ("1,234", 1234),
        ("\u00a01,234 ", 1234),
        ("1e3", 1000),
        ("12.7", 13),
        ("nan", None),
        ("", None),
        ("۱۲", None),
        ("1 000", None),
        (None, None),
    ],
)
def test_counts_read_with_the_plain_cast_first(written, value):
    got, plain = _CON.execute(
        f"SELECT {int_sql('x')}, "
        "TRY_CAST(TRY_CAST(replace(trim(x), ',', '') AS DOUBLE) AS BIGINT) "
        "FROM (SELECT ?::VARCHAR AS x)",
        [written],
    ).fetchall()[0]
    assert got == plain == value


def test_blank_is_null_after_any_unicode_space():
    got = _CON.execute(
        f"SELECT list({nullif_blank_sql('x')} ORDER BY i) FROM "
        "(SELECT unnest(['  تهران ', '\u3000', 'a\u00a0', '', NULL]) AS x, "
        "unnest(range(5)) AS i)"
    ).fetchall()[0][0]
    assert got == ["تهران", None, "a", None, None]


def test_times_with_spaces_around_parse_as_trimmed():
    # The common layouts are tried untrimmed first; a value with any Unicode space around it
    # must still parse to the time its trimmed value gives.
    from cibwatch.ingest.staging import parse_time_sql

    layouts = [
        "2021-09-01 12:34",
        "2021-09-01 12:34:56",
        "2021-09-01T12:34:56+03:30",
        "1630499640",
        "09/01/2021 12:34",
        "۲۰۲۱-۰۹-۰۱ ۱۲:۳۴",  # Persian digits: not a time
    ]
    pads = ["", " ", "\u00a0", "\u3000", "\t", "\u00a0\t"]
    values = [p + v + s for v in layouts for p in pads for s in pads]
    rows = _CON.execute(
        f"SELECT x, {parse_time_sql('x')}, {parse_time_sql('trim(x)')} "
        "FROM (SELECT unnest(?::VARCHAR[]) AS x)",
        [values],
    ).fetchall()
    assert [(x, got) for x, got, want in rows if got != want] == []
    # Unicode spaces around a time are trimmed (a tab is not a space separator).
    spaced = {x for x, got, _ in rows if got is not None}
    for v in layouts[:-1]:
        assert {p + v + s for p in pads[:4] for s in pads[:4]} <= spaced
    assert not any(x.strip().startswith("۲") for x in spaced)
