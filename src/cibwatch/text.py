"""Text normalization for comparing posts, with Persian and Arabic as the common case.

The normalized form is stored beside the original (`text_norm`), never instead of it. Steps:
Unicode NFKC (folds Arabic presentation forms and full-width Latin); Arabic yeh / alef maksura
and kaf to Persian ی and ک; Arabic diacritics (harakat, superscript alef, Quranic marks) and
tatweel removed; ZWNJ, ZWJ and every other space or invisible format character (RTL overrides,
marks, BOM) turned into one space; Persian and Arabic-Indic digits folded to ASCII; lower-case.

It runs vectorized on Arrow arrays (pyarrow.compute, no Python loop over rows), and the scalar
`normalize` uses the very same code path so the two can never disagree.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

# Literal substitutions applied after NFKC, in order.
_SUBSTITUTIONS: tuple[tuple[str, str], ...] = (
    ("\u064a", "\u06cc"),  # ARABIC LETTER YEH -> FARSI YEH
    ("\u0649", "\u06cc"),  # ARABIC LETTER ALEF MAKSURA -> FARSI YEH
    ("\u0643", "\u06a9"),  # ARABIC LETTER KAF -> KEHEH
    ("\u06c0", "\u0647"),  # HEH WITH YEH ABOVE -> HEH (ezafe written two ways)
    *((chr(0x06F0 + d), str(d)) for d in range(10)),  # EXTENDED ARABIC-INDIC (Persian) digits
    *((chr(0x0660 + d), str(d)) for d in range(10)),  # ARABIC-INDIC digits
)

# Harakat, superscript alef, Quranic annotation marks, tatweel: removed.
_STRIP = "[\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]"
# Spaces, ZWNJ/ZWJ, bidi controls and other invisible format characters: one space.
_SPACE = "[\\s\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u206f\u3000\ufeff]+"


def normalize_arrow(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Normalize a string array; nulls stay null."""
    if pa.types.is_large_string(values.type) or pa.types.is_string_view(values.type):
        values = pc.cast(values, pa.string())
    out = pc.utf8_normalize(values, form="NFKC")
    for old, new in _SUBSTITUTIONS:
        out = pc.replace_substring(out, old, new)
    out = pc.replace_substring_regex(out, _STRIP, "")
    out = pc.replace_substring_regex(out, _SPACE, " ")
    out = pc.utf8_lower(out)
    return pc.utf8_trim_whitespace(out)


def normalize(text: str | None) -> str | None:
    """Normalize one string the same way as `normalize_arrow`.

    >>> normalize("  مي\u200cروم  ٣ كتاب ")
    'می روم 3 کتاب'
    """
    if text is None:
        return None
    return normalize_arrow(pa.array([text], pa.string()))[0].as_py()
