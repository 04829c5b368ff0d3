"""MinHash signatures and LSH band keys of many texts at once, vectorized with numpy.

Why our own implementation rather than `datasketch`: datasketch hashes the shingles of each
document in a Python loop (one `MinHash` object and one `update` call per shingle), which costs
minutes on a million posts. Here every step is numpy array arithmetic over all the characters
of a block of texts (blocks keep the temporaries in cache):

1. The UTF-8 buffer of the Arrow string array is decoded to code points in numpy, so that a
   shingle is k *characters* in Persian as in Latin script.
2. Cleaning, so that copy-paste variants collapse (texts are already normalized by
   cibwatch.text: ي/ك folded, ZWNJ turned into a space, ...): tokens that are URLs or @mentions
   are dropped; everything that is not a letter, combining mark or digit (emoji, punctuation,
   '#', '_', spaces) is dropped. Spaces go too: Persian writes compounds joined, with a ZWNJ
   or with a space interchangeably. Hashtags keep their letters but are shingled each on its
   own, apart from the body, so their order does not change the shingle set.
3. Every k-character window inside a segment (the body, or one hashtag; a segment shorter
   than k is one shingle) gets a polynomial hash and a 64-bit finalizer.
4. One-permutation MinHash (Li, Owen & Zhang 2012) with rotation densification (Shrivastava &
   Li 2014): each shingle hash falls in one of `num_perm` bins and each bin keeps its minimum,
   so the cost is one hash per shingle instead of `num_perm`, with the same collision
   probability: Pr[sig_a[i] == sig_b[i]] = Jaccard(a, b).
5. `band_keys` folds each band of `rows` signature values into one 64-bit key; two texts share
   a key in at least one band with probability 1 - (1 - J^rows)^bands.
"""

from __future__ import annotations

import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_EMPTY = np.uint32(0xFFFFFFFF)
_POLY = np.uint64(0x100000001B3)  # FNV prime: an odd multiplier for the band polynomial
_POLY32 = np.uint32(0x01000193)  # 32-bit FNV prime, for the rolling shingle polynomial
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_BLOCK_CHARS = 1 << 21  # characters per block: keeps the per-block temporaries in cache


def mix64(z: np.ndarray) -> np.ndarray:
    """SplitMix64 finalizer: a fast, well-distributed 64-bit hash of 64-bit integers."""
    z = z ^ (z >> np.uint64(30))
    z *= np.uint64(0xBF58476D1CE4E5B9)
    z ^= z >> np.uint64(27)
    z *= np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return z


# Right shift that turns a big-endian 4-byte word into the id of the character it starts with,
# by lead byte: 1-byte (ASCII) 24, 2-byte 16, 3-byte 8, 4-byte 0.
_SHIFT = np.array([24] * 0xC0 + [16] * 0x20 + [8] * 0x10 + [0] * 0x10, dtype=np.uint32)


@cache
def _word_chars() -> np.ndarray:
    """Lookup table by character id (see `_decode`): True for letters, marks and digits.

    Covers the Basic Multilingual Plane; 4-byte characters (emoji and rarer scripts) count as
    non-word characters.
    """
    table = np.zeros(1 << 24, dtype=bool)
    for c in range(0x10000):
        cat = unicodedata.category(chr(c))
        # Enclosing marks (keycaps) and variation selectors (the U+FE0F after ✌ or ❤) belong
        # to emoji, not to words.
        if 0xD800 <= c < 0xE000 or 0xFE00 <= c <= 0xFE0F or cat[0] not in "LMN" or cat == "Me":
            continue
        table[int.from_bytes(chr(c).encode("utf-8"), "big")] = True
    return table


@dataclass(frozen=True)
class Signatures:
    """MinHash signatures of the texts that were long enough to compare.

    `index` gives, for each signature row, the position of its text in the input; `values`
    holds `num_perm` 32-bit minima per row; `fingerprint` is a 64-bit hash of the cleaned
    text's shingle multiset (equal cleaned texts have equal fingerprints).
    """

    index: np.ndarray  # int64
    values: np.ndarray  # uint32, shape (len(index), num_perm)
    fingerprint: np.ndarray  # uint64


def signatures(
    texts: pa.Array | pa.ChunkedArray,
    *,
    shingle: int = 5,
    num_perm: int = 64,
    min_chars: int = 15,
    max_chars: int = 5000,
    seed: int = 1,
    threads: int = 2,
) -> Signatures:
    """One-permutation MinHash signatures of normalized texts (cibwatch.text.normalize).

    Texts with fewer than `min_chars` characters left after cleaning get no signature: a
    handful of shared characters is no evidence of copying. Only the first `max_chars`
    characters of a text are read, which bounds the cost of very long posts.

    >>> s = signatures(pa.array(["سلام دنیا، این یک متن آزمایشی است #الف #ب 😀",
    ...                          "@ali سلام دنیا! این یک متن آزمایشی است #ب #الف",
    ...                          "کوتاه"]))
    >>> s.index.tolist(), bool((s.values[0] == s.values[1]).all())
    ([0, 1], True)
    """
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    texts = pc.cast(texts, pa.string())
    if texts.null_count:
        texts = pc.fill_null(texts, "")
    n = len(texts)
    if n == 0:
        return Signatures(
            np.zeros(0, np.int64), np.zeros((0, num_perm), np.uint32), np.zeros(0, np.uint64)
        )
    _, off_buf, data_buf = texts.buffers()
    offs = np.frombuffer(off_buf, dtype=np.int32, count=n + 1, offset=texts.offset * 4).astype(
        np.int64
    )
    data = (
        np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    )

    # Blocks of texts holding about _BLOCK_CHARS bytes each (at least one text per block).
    cuts = [0]
    while cuts[-1] < n:
        lo = cuts[-1]
        hi = int(np.searchsorted(offs, offs[lo] + _BLOCK_CHARS, side="right")) - 1
        cuts.append(min(max(hi, lo + 1), n))

    def run(i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lo, hi = cuts[i], cuts[i + 1]
        keep, sig, fp = _block(
            data, offs[lo : hi + 1], shingle, num_perm, min_chars, max_chars, seed
        )
        return keep + lo, sig, fp

    # numpy releases the GIL inside its array loops, so threads share the blocks' work.
    if threads > 1 and len(cuts) > 2:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            parts = list(pool.map(run, range(len(cuts) - 1)))
    else:
        parts = [run(i) for i in range(len(cuts) - 1)]
    idx_parts = [p[0] for p in parts]
    sig_parts = [p[1] for p in parts]
    fp_parts = [p[2] for p in parts]
    if not idx_parts:
        return Signatures(
            np.zeros(0, np.int64), np.zeros((0, num_perm), np.uint32), np.zeros(0, np.uint64)
        )
    return Signatures(
        index=np.concatenate(idx_parts),
        values=np.concatenate(sig_parts),
        fingerprint=np.concatenate(fp_parts),
    )


def _decode(data: np.ndarray, offs: np.ndarray, max_chars: int) -> tuple[np.ndarray, np.ndarray]:
    """UTF-8 bytes of a block of texts -> (character ids uint32, doc index int32 per character).

    A character's id is its UTF-8 encoding read as a big-endian integer (one gather per
    character instead of a full decode): equal characters have equal ids, ASCII keeps its
    code, and `_word_chars` is indexed by the same ids.
    """
    start, stop = int(offs[0]), int(offs[-1])
    b = np.zeros(stop - start + 4, dtype=np.uint8)
    b[: stop - start] = data[start:stop]
    lead = np.flatnonzero((b[: stop - start] & 0xC0) != 0x80)
    # Big-endian 32-bit words starting at every byte (an unaligned, overlapping view).
    words = np.ndarray((stop - start + 1,), dtype=">u4", buffer=b, strides=(1,))
    g = words[lead].astype(np.uint32)
    cid = g >> _SHIFT[g >> 24]
    char_off = np.searchsorted(lead, offs - start)
    lens = np.diff(char_off)
    doc = np.repeat(np.arange(len(lens), dtype=np.int32), lens)
    if lens.max(initial=0) > max_chars:
        pos = np.arange(len(cid), dtype=np.int64) - char_off[:-1][doc]
        keep = pos < max_chars
        cid, doc = cid[keep], doc[keep]
    return cid, doc


def _clean(
    cp: np.ndarray, doc: np.ndarray
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Drop URLs, mentions and non-word characters of a block of texts.

    Returns the body as (code points, doc) and the hashtags as (code points, token, doc): each
    text's body is one segment, each hashtag a segment of its own.
    """
    m = len(cp)
    space = cp <= 32
    new_doc = np.ones(m, dtype=bool)
    new_doc[1:] = doc[1:] != doc[:-1]
    prev_space = np.ones(m, dtype=bool)
    prev_space[1:] = space[:-1]
    # A token starts at a non-space character after a space or at a text's start; spaces
    # are counted with the token before them, which is harmless since they are dropped.
    tok_start = ~space & (prev_space | new_doc)
    tok = np.cumsum(tok_start | new_doc)
    first = np.flatnonzero(tok_start)
    n_tok = int(tok[-1]) + 1 if m else 1
    lead = np.zeros(n_tok, dtype=np.uint32)
    lead[tok[first]] = cp[first]
    # URLs: a token containing "://" or starting with "www.".
    url = np.zeros(n_tok, dtype=bool)
    colon = np.flatnonzero((cp[:-2] == 0x3A) & (cp[1:-1] == 0x2F) & (cp[2:] == 0x2F))
    url[tok[colon]] = True
    www = first[first + 4 < m]
    www = www[
        (cp[www] == 0x77) & (cp[www + 1] == 0x77) & (cp[www + 2] == 0x77) & (cp[www + 3] == 0x2E)
    ]
    url[tok[www]] = True
    drop_tok = url | (lead == 0x40)  # '@'
    tag_tok = (lead == 0x23) & ~drop_tok  # '#'

    word = _word_chars()[np.minimum(cp, np.uint32((1 << 24) - 1))]
    tok_kind = tag_tok.astype(np.int8) - drop_tok.astype(np.int8)  # 1 tag, -1 drop, 0 body
    kind = tok_kind[tok]
    body = word & (kind == 0)
    tags = word & (kind == 1)
    return (cp[body], doc[body]), (cp[tags], tok[tags], doc[tags])


def _shingles(cp: np.ndarray, seg: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Hash every k-window inside a segment (short segments: one shingle); (start pos, hash).

    The rolling polynomial runs in 32-bit arithmetic (half the memory traffic of 64-bit) and
    is then mixed to 64 bits. Two different shingles of two given texts collide with
    probability ~|A|·|B| / 2^32 (about 1e-6 for tweets): no effect on the Jaccard estimates.
    """
    m = len(cp)
    if m == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    seg_start = np.ones(m, dtype=bool)
    seg_start[1:] = seg[1:] != seg[:-1]
    starts = np.flatnonzero(seg_start)
    ends = np.append(starts[1:], m)
    end = ends[np.cumsum(seg_start) - 1]
    pos = np.arange(m, dtype=np.int64)
    valid = pos + k <= end
    short = np.flatnonzero(seg_start & (end - pos < k))
    padded = np.zeros(m + k, dtype=np.uint32)
    padded[:m] = cp
    h = np.zeros(m, dtype=np.uint32)
    for j in range(k):
        h *= _POLY32
        h += padded[j : j + m]
    if len(short):
        # A segment shorter than k is one shingle: its characters, zero-padded to k.
        hs = np.zeros(len(short), dtype=np.uint32)
        for j in range(k):
            hs *= _POLY32
            hs += np.where(short + j < end[short], padded[short + j], np.uint32(0))
        h[short] = hs
        valid[short] = True
    return pos[valid], mix64(h[valid].astype(np.uint64) + np.uint64(seed) * _GOLDEN)


def _block(
    data: np.ndarray,
    offs: np.ndarray,
    k: int,
    num_perm: int,
    min_chars: int,
    max_chars: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(offs) - 1
    cp, doc = _decode(data, offs, max_chars)
    (body_cp, body_doc), (tag_cp, tag_tok, tag_doc) = _clean(cp, doc)
    nchars = np.bincount(body_doc, minlength=n) + np.bincount(tag_doc, minlength=n)
    keep = np.flatnonzero(nchars >= max(min_chars, 1))
    row = np.full(n, -1, dtype=np.int64)
    row[keep] = np.arange(len(keep))
    body_at, body_h = _shingles(body_cp, body_doc, k, seed)
    tag_at, tag_h = _shingles(tag_cp, tag_tok, k, seed)
    r = np.concatenate([row[body_doc[body_at]], row[tag_doc[tag_at]]])
    h = np.concatenate([body_h, tag_h])
    sel = r >= 0
    r, h = r[sel], h[sel]
    fp = np.zeros(len(keep), np.uint64)
    np.add.at(fp, r, h)  # uint64 addition wraps: an order-free hash of the shingle multiset
    return keep.astype(np.int64), set_signatures(r, h, len(keep), num_perm), fp


def set_signatures(row: np.ndarray, h: np.ndarray, n: int, num_perm: int) -> np.ndarray:
    """One-permutation MinHash of n sets given as (set row, 64-bit element hash) pairs.

    Every row in range(n) must hold at least one element. Returns uint32 (n, num_perm).
    """
    # One-permutation hashing: the high 32 bits pick the bin, the low 32 bits compete in it.
    bins = ((h >> np.uint64(32)) * np.uint64(num_perm)) >> np.uint64(32)
    vals = (h & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    flat = np.full(n * num_perm, _EMPTY, dtype=np.uint32)
    np.minimum.at(flat, row.astype(np.int64) * num_perm + bins.astype(np.int64), vals)
    sig = flat.reshape(n, num_perm)
    _densify(sig)
    return sig


def _densify(sig: np.ndarray) -> None:
    """Fill empty bins in place from the next non-empty bin to the right (circularly).

    The donor's value is offset by the distance travelled, so two texts agree on a filled bin
    only when they agree on its donor and on the distance (rotation densification). Work is
    proportional to the empty bins: each pass moves one bin further right for those still
    unfilled, and runs of t empty bins are rare (geometrically).
    """
    n, k = sig.shape
    flat = sig.reshape(-1)
    empty = flat == _EMPTY
    # int32 positions: blocks are far below 2**31 bins, and half the memory traffic of int64.
    todo = np.flatnonzero(empty).astype(np.int32)
    if len(todo) == 0:
        return
    col = todo % np.int32(k)
    base = todo - col
    step = 1
    # Only originally empty bins are written, and donors are originally non-empty bins, so
    # reading `flat` in place is safe: no copy of the original values is needed.
    while len(todo) and step < k:
        donor = base + (col + np.int32(step)) % np.int32(k)
        ok = ~empty[donor]
        flat[todo[ok]] = flat[donor[ok]] + np.uint32((step * 0x9E3779B1) & 0xFFFFFFFF)
        keep = ~ok
        todo, base, col = todo[keep], base[keep], col[keep]
        step += 1


def band_keys(
    sig: np.ndarray, bands: int, only: int | None = None, order: np.ndarray | None = None
) -> np.ndarray:
    """Fold each band of rows = num_perm // bands values into one int64 key: shape (n, bands).

    The band number is folded in, so equal keys mean that the same band agreed. With
    `only=j`, just band j is computed (shape (n,)), which keeps memory to one column; with
    `order` (row numbers), the keys of those rows in that order, without copying all of `sig`.
    """
    n, k = sig.shape
    rows = k // bands
    which = range(bands) if only is None else [only]
    if order is not None:
        sub = sig[:, which[0] * rows : (which[-1] + 1) * rows][order]
        n = len(order)
        view = sub.reshape(n, len(which), rows)
    else:
        view = sig[:, : bands * rows].reshape(n, bands, rows)[:, list(which), :]
    acc = np.empty((n, len(which)), dtype=np.uint64)
    acc[:] = mix64((np.asarray(which, dtype=np.uint64) + np.uint64(1)) * _GOLDEN)
    for j in range(rows):
        acc *= _POLY
        acc += view[:, :, j]
    out = mix64(acc).view(np.int64)
    return out[:, 0] if only is not None else out


def estimated_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Share of agreeing signature positions: an unbiased estimate of Jaccard similarity."""
    return (sig_a == sig_b).mean(axis=1)
