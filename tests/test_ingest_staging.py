"""The SQL helpers adapters share: list fields as archives write them."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cibwatch.ingest.staging import list_field_sql

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
        ("['']", []),
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
