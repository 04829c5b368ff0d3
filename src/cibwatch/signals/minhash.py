"""MinHash signatures and LSH band keys of many texts at once, vectorized with numpy and Arrow.

Why our own implementation rather than `datasketch`: datasketch hashes every shingle of every
document in a Python loop (`MinHash.update` per shingle, one object per document), which costs
minutes on a million posts. Here one pass of numpy array arithmetic handles all documents:

1. `shingle_text` cleans each (already `cibwatch.text`-normalized) text so that copy-paste
   variants collapse: URLs, @mentions, emoji, punctuation and spaces are dropped, hashtags lose
   their '#' and move, sorted, to the end (hashtag order does not matter, the tags do).
2. `signatures` decodes the UTF-8 buffer of the Arrow array to code points in numpy (so a
   shingle is k *characters* in Persian as in Latin script), hashes every k-character window
   with a polynomial hash plus a 64-bit finalizer, and builds a one-permutation MinHash
   (Li, Owen & Zhang 2012) with rotation densification (Shrivastava & Li 2014): each shingle
   hash goes to one of `num_perm` bins and each bin keeps its minimum, so the cost is one
   hash per shingle instead of `num_perm` hashes per shingle, with the same LSH behaviour.
3. `band_keys` folds each band of `rows` signature values into one 64-bit key; two documents
   share a key in some band with probability 1 - (1 - J^rows)^bands for Jaccard similarity J.

The same arithmetic runs on any engine's output because it only touches Arrow arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_EMPTY = np.uint32(0xFFFFFFFF)
_POLY = np.uint64(0x100000001B3)  # FNV prime: an odd multiplier for the rolling polynomial
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)

# Tokens dropped before shingling: URLs and @mentions (mentions vary between copies by design).
_URL_OR_MENTION = r"(?:[a-z][a-z0-9+.-]*://|www\.)\S*|@[\p{L}\p{M}\p{N}_.]+"
_HASHTAG = r"#[\p{L}\p{M}\p{N}_]+"
# Everything that is not a letter, combining mark or digit: emoji, punctuation, '#', spaces.
# Spaces go too: Persian writes compounds joined, with ZWNJ or with a space interchangeably.
_NOT_WORD = r"[^\p{L}\p{M}\p{N}]+"


def mix64(z: np.ndarray) -> np.ndarray:
    """SplitMix64 finalizer: a fast, well-distributed 64-bit hash of 64-bit integers."""
    z = z ^ (z >> np.uint64(30))
    z = z * np.uint64(0xBF58476D1CE4E5B9)
    z = z ^ (z >> np.uint64(27))
    z = z * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def shingle_text(texts: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Reduce normalized texts to the characters that make a copy recognisable.

    >>> shingle_text(pa.array(["#b سلام، @ali دنیا! #a https://t.co/x 😀"])).to_pylist()
    ['سلامدنیاab']
    """
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    texts = pc.cast(texts, pa.string())
    texts = pc.fill_null(texts, "")
    stripped = pc.replace_substring_regex(texts, _URL_OR_MENTION, " ")
    body = pc.replace_substring_regex(stripped, _HASHTAG, " ")
    body = pc.replace_substring_regex(body, _NOT_WORD, "")

    # Hashtags: only rows that have one are split into tokens; tags are sorted within the row.
    has_tag = pc.match_substring(stripped, "#")
    rows = np.flatnonzero(has_tag.to_numpy(zero_copy_only=False))
    if len(rows) == 0:
        return body
    tokens = pc.split_pattern_regex(stripped.take(pa.array(rows)), r"\s+")
    flat = pc.list_flatten(tokens)
    parent = pc.list_parent_indices(tokens)
    is_tag = pc.match_substring_regex(flat, "^" + _HASHTAG)
    tags = pc.replace_substring_regex(pc.filter(flat, is_tag), _NOT_WORD, "")
    tag_parent = pc.filter(parent, is_tag)
    order = pc.sort_indices(
        pa.table({"p": tag_parent, "t": tags}), sort_keys=[("p", "ascending"), ("t", "ascending")]
    )
    tags = tags.take(order)
    counts = np.bincount(tag_parent.to_numpy(), minlength=len(rows))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), tags), "")
    # Scatter the joined tags back to their rows (rows without tags get "").
    index = np.full(len(texts), len(rows), dtype=np.int64)
    index[rows] = np.arange(len(rows))
    tail_arr = pa.concat_arrays([joined, pa.array([""], pa.string())]).take(pa.array(index))
    return pc.binary_join_element_wise(body, tail_arr, "")


def codepoints(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Decode a UTF-8 string array to (code points uint32, per-text char offsets int64)."""
    texts = pc.cast(texts, pa.string())
    if texts.null_count:
        texts = pc.fill_null(texts, "")
    n = len(texts)
    _, off_buf, data_buf = texts.buffers()
    offs = np.frombuffer(off_buf, dtype=np.int32, count=n + 1, offset=texts.offset * 4)
    start, stop = int(offs[0]), int(offs[-1])
    if data_buf is None or stop == start:
        return np.zeros(0, np.uint32), np.zeros(n + 1, np.int64)
    b = np.frombuffer(data_buf, dtype=np.uint8)[start:stop]
    lead = np.flatnonzero((b & 0xC0) != 0x80)
    bp = np.concatenate([b, np.zeros(3, np.uint8)]).astype(np.uint32)
    b0, b1, b2, b3 = bp[lead], bp[lead + 1] & 0x3F, bp[lead + 2] & 0x3F, bp[lead + 3] & 0x3F
    cp = np.where(
        b0 < 0x80,
        b0,
        np.where(
            b0 < 0xE0,
            ((b0 & 0x1F) << 6) | b1,
            np.where(
                b0 < 0xF0,
                ((b0 & 0x0F) << 12) | (b1 << 6) | b2,
                ((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3,
            ),
        ),
    ).astype(np.uint32)
    char_off = np.searchsorted(lead, offs.astype(np.int64) - start).astype(np.int64)
    return cp, char_off


@dataclass(frozen=True)
class Signatures:
    """MinHash signatures of the texts that were long enough to shingle.

    `index` maps each signature row to the position of its text in the input; `values` holds
    `num_perm` 32-bit minima per row (full precision, for banding); `fingerprint` is a 64-bit
    hash of the text's shingle multiset (equal for equal cleaned texts).
    """

    index: np.ndarray  # int64, rows of the input
    values: np.ndarray  # uint32, shape (len(index), num_perm)
    fingerprint: np.ndarray  # uint64


def shingle_hashes(
    cp: np.ndarray, char_off: np.ndarray, k: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Hash every k-character window that lies inside one text: (doc index int32, hash uint64)."""
    n = len(char_off) - 1
    total = len(cp)
    if total < k:
        return np.zeros(0, np.int32), np.zeros(0, np.uint64)
    lens = np.diff(char_off)
    doc = np.repeat(np.arange(n, dtype=np.int32), lens)
    m = total - k + 1
    h = np.full(m, np.uint64(seed) * _GOLDEN + np.uint64(k), dtype=np.uint64)
    cp64 = cp.astype(np.uint64)
    for j in range(k):
        h *= _POLY
        h += cp64[j : j + m]
    valid = np.arange(m, dtype=np.int64) + k <= char_off[1:][doc[:m]]
    return doc[:m][valid], mix64(h[valid])


def signatures(
    texts: pa.Array, *, shingle: int = 5, num_perm: int = 64, min_chars: int = 12, seed: int = 1
) -> Signatures:
    """One-permutation MinHash signatures of already-cleaned texts (see `shingle_text`).

    Texts shorter than `min_chars` characters (after cleaning) get no signature: a few
    characters in common are no evidence of copying.
    """
    cp, char_off = codepoints(texts)
    lens = np.diff(char_off)
    keep = np.flatnonzero(lens >= max(min_chars, shingle))
    if len(keep) < len(lens):
        # Re-pack only the kept texts so the shingle arrays hold nothing we throw away.
        starts, kept_lens = char_off[:-1][keep], lens[keep]
        new_off = np.concatenate([[0], np.cumsum(kept_lens)])
        pos = np.repeat(starts - new_off[:-1], kept_lens) + np.arange(new_off[-1])
        cp, char_off = cp[pos], new_off
    n = len(keep)
    doc, h = shingle_hashes(cp, char_off, shingle, seed)
    fingerprint = np.zeros(n, np.uint64)
    np.add.at(fingerprint, doc, h)  # uint64 addition wraps: an order-free multiset hash

    # One-permutation hashing: the high 32 bits pick the bin, the low 32 bits compete in it.
    bins = ((h >> np.uint64(32)) * np.uint64(num_perm)) >> np.uint64(32)
    vals = (h & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    sig = np.full(n * num_perm, _EMPTY, dtype=np.uint32)
    np.minimum.at(sig, doc.astype(np.int64) * num_perm + bins.astype(np.int64), vals)
    sig = sig.reshape(n, num_perm)
    _densify(sig)
    return Signatures(index=keep.astype(np.int64), values=sig, fingerprint=fingerprint)


def _densify(sig: np.ndarray, chunk: int = 65536) -> None:
    """Fill empty bins in place from the next non-empty bin to the right (circularly).

    The donor's value is offset by the distance travelled, so two texts agree on a filled bin
    only when they agree on its donor and on the distance (rotation densification).
    """
    n, k = sig.shape
    cols = np.arange(k, dtype=np.int32)
    for lo in range(0, n, chunk):
        block = sig[lo : lo + chunk]
        empty = block == _EMPTY
        if not empty.any():
            continue
        pos = np.where(empty, np.int32(4 * k), cols[None, :])
        pos2 = np.concatenate([pos, pos + k], axis=1)
        nxt = np.minimum.accumulate(pos2[:, ::-1], axis=1)[:, ::-1][:, :k]
        dist = (nxt - cols[None, :]).astype(np.uint32)
        donor = np.take_along_axis(block, nxt % k, axis=1)
        filled = donor + dist * np.uint32(0x9E3779B1)
        block[empty] = filled[empty]


def band_keys(sig: np.ndarray, bands: int) -> np.ndarray:
    """Fold each band of rows = num_perm // bands values into one int64 key, shape (n, bands).

    The band number is folded in, so equal keys mean the same band agreed.
    """
    n, k = sig.shape
    rows = k // bands
    acc = np.broadcast_to(
        mix64(np.arange(1, bands + 1, dtype=np.uint64) * _GOLDEN), (n, bands)
    ).copy()
    view = sig[:, : bands * rows].reshape(n, bands, rows).astype(np.uint64)
    for j in range(rows):
        acc = mix64(acc * _POLY + view[:, :, j])
    return acc.view(np.int64)


def estimated_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Share of agreeing signature positions: an unbiased estimate of the Jaccard similarity."""
    return (sig_a == sig_b).mean(axis=1)
