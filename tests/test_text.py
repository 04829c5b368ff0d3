"""Persian/Arabic normalization: the rules, and that the SQL paths agree."""

from __future__ import annotations

import duckdb
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from cibwatch.text import (
    normalize,
    normalize_arrow,
    normalize_select,
    normalize_sql,
    register_text_functions,
)


def test_arabic_letters_fold_to_persian():
    # Arabic yeh and kaf (as typed on Arabic keyboards) against Persian ی and ک
    assert normalize("كتاب علي") == normalize("کتاب علی") == "کتاب علی"
    assert normalize("مصطفى") == "مصطفی"  # alef maksura


def test_zwnj_and_spaces_unify():
    assert normalize("می\u200cروم") == normalize("می روم") == "می روم"
    assert normalize("  خبر\u00a0\u00a0فوری\n\tامروز ") == "خبر فوری امروز"


def test_diacritics_and_tatweel_removed():
    assert normalize("سَلامٌ") == "سلام"
    assert normalize("ایـــران") == "ایران"


def test_digits_fold_to_ascii():
    assert normalize("سال ۱۴۰۲ و ٢٠٢٣") == "سال 1402 و 2023"


def test_nfkc_presentation_forms_and_fullwidth():
    # U+FEFB is the LAM-ALEF ligature presentation form; full-width Latin letters
    assert normalize("\ufefb ＩＲＧＣ") == "لا irgc"
    # alef + combining hamza above composes to أ
    assert normalize("ا\u0654") == "أ"


def test_bidi_controls_cannot_hide_differences():
    assert normalize("مجاهدین\u202eخلق") == normalize("مجاهدین خلق")
    assert normalize("\ufeffhello\u200eworld") == "hello world"


def test_latin_lower_case_and_none():
    assert normalize("Breaking NEWS") == "breaking news"
    assert normalize(None) is None
    assert normalize_arrow(pa.array(["A", None], pa.string())).to_pylist() == ["a", None]


_alphabet = st.sampled_from(
    list("abcXYZ 019")
    + list("يكىۀیکهسلامبرد")
    + ["\u200c", "\u200d", "\u00a0", "\u064e", "\u0640"]
    + ["۱", "٣", "\ufefb", "\uff21", "\u202e", "\u0654", "\n", " ", "😀", "\u0627"]
    + ["\t", "\u2009", "\u3000", "É", "Ω", "\u200b"]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(_alphabet, max_size=30), min_size=1, max_size=20))
def test_fast_path_agrees_with_plain_expression(texts):
    """normalize_select skips steps on strings they would not change; it must not differ."""
    con = duckdb.connect()
    register_text_functions(con)
    con.register("t_in", pa.table({"i": list(range(len(texts))), "t": texts}))
    fast = dict(
        con.execute(f"SELECT i, norm FROM ({normalize_select('t_in', 'i', 't')})").fetchall()
    )
    plain = dict(con.execute(f"SELECT i, {normalize_sql('t')} FROM t_in").fetchall())
    assert fast == plain
    # the plain-Python scalar path agrees too
    assert [normalize(t) for t in texts] == [fast[i] for i in range(len(texts))]
    # idempotent: normalizing twice changes nothing
    once = [fast[i] for i in range(len(texts))]
    assert normalize_arrow(pa.array(once, pa.string())).to_pylist() == once
