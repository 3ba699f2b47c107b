"""Distinct values of an Arrow string column by a 64-bit hash of each value, on the column's bytes.

The reader (:mod:`readers`) parses every distinct value of a column once. A case number is different:
it has as many distinct values as rows, and the reader only needs to know whether one repeats.
:func:`verschiedene` hashes each value with numpy (eight bytes at a time) and looks for two equal hashes
(a compiled bucket sort); only where two hashes agree are the values themselves compared.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .zaehlen import kompiliert

_MASKEN = np.array([(1 << (8 * r)) - 1 for r in range(8)] + [(1 << 64) - 1], dtype=np.uint64)


def _puffer(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start and length of each value in the chunk's bytes, and the bytes with 16 zero bytes appended
    (so that 8 bytes can be read from any start)."""
    if pa.types.is_large_string(chunk.type):
        chunk = chunk.cast(pa.string())
    buffers = chunk.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32, count=len(chunk) + 1, offset=chunk.offset * 4)
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, dtype=np.uint8)
    end = int(offsets[-1]) if len(offsets) else 0
    padded = np.zeros(end + 16, dtype=np.uint8)
    padded[:end] = data[:end]
    starts = offsets[:-1].astype(np.int64)
    return starts, (offsets[1:] - offsets[:-1]).astype(np.int64), padded


def _worte(padded: np.ndarray) -> np.ndarray:
    """The bytes as overlapping little-endian 8-byte words: word ``i`` starts at byte ``i``."""
    return np.ndarray(shape=(len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))


def _chunks(values: pa.ChunkedArray | pa.Array) -> list[pa.Array]:
    return list(values.chunks) if isinstance(values, pa.ChunkedArray) else [values]


def hash64(values: pa.ChunkedArray | pa.Array) -> np.ndarray | None:
    """A 64-bit hash of each value (uint64); None for a column with missing values (not strings).

    >>> a, b = hash64(pa.array(["F-1", "F-2", "F-1", ""])), hash64(pa.array(["F-1"]))
    >>> bool(a[0] == a[2] == b[0]), bool(a[0] == a[1]), bool(a[3] == a[0])
    (True, False, False)
    """
    parts = []
    for chunk in _chunks(values):
        if chunk.null_count or not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            return None
        starts, lengths, padded = _puffer(chunk)
        worte = _worte(padded)
        h = lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        laenge = int(lengths[0]) if len(lengths) and (lengths == lengths[0]).all() else None
        for k in range(0, int(lengths.max()) if len(lengths) else 0, 8):
            if laenge:
                # All values equally long (as case numbers usually are): the words lie at a fixed step,
                # read as a view; the same bytes are masked in every row.
                wort = np.ndarray(shape=(len(starts),), dtype="<u8", buffer=padded, offset=int(starts[0]) + k,
                                  strides=(laenge,)) & _MASKEN[min(laenge - k, 8)]
            else:
                wort = worte[starts + k] & _MASKEN[np.clip(lengths - k, 0, 8)]
            h ^= wort
            h *= np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(31)
        parts.append(h)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def verschiedene(values: pa.ChunkedArray | pa.Array) -> int:
    """How many distinct values the column has (a missing value counting as one, as ``pc.unique``).

    By hash: where no two hashes agree, every value is distinct; otherwise (a case number twice, or a
    hash collision) the values are counted exactly.

    >>> verschiedene(pa.array(["a", "b", "a"])), verschiedene(pa.chunked_array([["x"], ["y", ""]]))
    (2, 3)
    """
    if not len(values):
        return 0
    hashes = hash64(values)
    if hashes is not None and not _doppelt(hashes):
        return len(hashes)
    return len(pc.unique(values))


def _doppelt(hashes: np.ndarray) -> bool:
    """Whether two of the hashes agree: put in buckets by their top 16 bits (a counting sort), then each
    bucket sorted on its own (a few values each, where the hashes are random); compiled
    (:func:`.zaehlen.kompiliert`).

    >>> _doppelt(np.array([5, 1 << 63, 7, 5], dtype=np.uint64)), _doppelt(np.array([5, 6], dtype=np.uint64))
    (True, False)
    """
    return bool(kompiliert(_doppelt_kern)(np.ascontiguousarray(hashes, dtype=np.uint64)))


def _doppelt_kern(hashes):  # noqa: ANN001, ANN202 - compiled
    start = np.zeros(65537, np.int64)
    for i in range(hashes.shape[0]):
        start[(hashes[i] >> 48) + 1] += 1
    for b in range(65536):
        start[b + 1] += start[b]
    fill = start[:-1].copy()
    buckets = np.empty_like(hashes)
    for i in range(hashes.shape[0]):
        b = hashes[i] >> 48
        buckets[fill[b]] = hashes[i]
        fill[b] += 1
    for b in range(65536):
        # Insertion sort in place (a bucket holds a few values; all of them where the hashes are alike).
        first, end = start[b], start[b + 1]
        if end - first > 64:
            buckets[first:end] = np.sort(buckets[first:end])
        else:
            for j in range(first + 1, end):
                value = buckets[j]
                k = j - 1
                while k >= first and buckets[k] > value:
                    buckets[k + 1] = buckets[k]
                    k -= 1
                buckets[k + 1] = value
        for j in range(first + 1, end):
            if buckets[j] == buckets[j - 1]:
                return True
    return False




def daten(values: pa.ChunkedArray | pa.Array, leer_erlaubt: bool) -> np.ndarray | None:
    """The dates of a column (datetime64[s], NaT for an empty cell) when every cell is a valid date written
    ``31.12.2023`` or ``2023-12-31`` from the year 1000 on, or empty where ``leer_erlaubt``; else None (the
    reader's general path parses and reports the column). One compiled pass over the column's bytes.

    >>> daten(pa.array(["31.12.2023", "2024-02-29", ""]), True).astype(str).tolist()
    ['2023-12-31T00:00:00', '2024-02-29T00:00:00', 'NaT']
    >>> daten(pa.array(["31.04.2023"]), True), daten(pa.array([""]), False), daten(pa.array([" 01.01.2023"]), True)
    (None, None, None)
    """
    chunks = _chunks(values)
    if any(chunk.null_count or not pa.types.is_string(chunk.type) for chunk in chunks):
        return None
    out = np.empty(sum(len(chunk) for chunk in chunks), dtype=np.int64)
    kern, kalender, position = kompiliert(_daten_kern), _kalender(), 0
    for chunk in chunks:
        buffers = chunk.buffers()
        offsets = np.frombuffer(buffers[1], dtype=np.int32, count=len(chunk) + 1, offset=chunk.offset * 4)
        data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, dtype=np.uint8)
        if not kern(offsets, data, out[position:position + len(chunk)], leer_erlaubt, *kalender):
            return None
        position += len(chunk)
    return out.view("datetime64[s]")


def _daten_kern(offsets, data, out, leer_erlaubt, jahr_tage, monat_tage, schaltjahr):  # noqa: ANN001, ANN202 - compiled
    """Seconds since 1970 of each cell into ``out`` (NaT's integer for an empty cell); False at the first
    cell that is no valid date in a usual form. Tables from the year 1000 on: days from 1970 to the 1st of
    January, whether it is a leap year; days before each month (of a year that is not)."""
    for i in range(offsets.shape[0] - 1):
        a = np.int64(offsets[i])
        n = np.int64(offsets[i + 1]) - a
        if n == 0:
            if not leer_erlaubt:
                return False
            out[i] = -9223372036854775808
            continue
        if n != 10:
            return False
        if data[a + 2] == 46 and data[a + 5] == 46:  # 31.12.2023
            t, m, j = a, a + 3, a + 6
        elif data[a + 4] == 45 and data[a + 7] == 45:  # 2023-12-31
            t, m, j = a + 8, a + 5, a
        else:
            return False
        ziffern = True
        for k in (t, t + 1, m, m + 1, j, j + 1, j + 2, j + 3):
            c = np.int64(data[k]) - 48
            ziffern &= (c >= 0) & (c <= 9)
        if not ziffern:
            return False
        tag = (np.int64(data[t]) - 48) * 10 + np.int64(data[t + 1]) - 48
        monat = (np.int64(data[m]) - 48) * 10 + np.int64(data[m + 1]) - 48
        jahr = ((np.int64(data[j]) - 48) * 1000 + (np.int64(data[j + 1]) - 48) * 100 + (np.int64(data[j + 2]) - 48) * 10
                + np.int64(data[j + 3]) - 48)
        if jahr < 1000 or monat < 1 or monat > 12 or tag < 1:
            return False
        schalt = schaltjahr[jahr - 1000]
        if tag > monat_tage[monat + 1] - monat_tage[monat] + (schalt if monat == 2 else 0):
            return False
        tage = jahr_tage[jahr - 1000] + monat_tage[monat] + (schalt if monat > 2 else 0) + tag - 1
        out[i] = tage * 86400
    return True


@cache
def _kalender() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tables of :func:`_daten_kern` (numpy's calendar, once)."""
    jahre = np.arange(1000, 10000)
    erster = np.array([f"{j}-01-01" for j in jahre], dtype="datetime64[D]")
    jahr_tage = erster.astype(np.int64)
    schaltjahr = ((jahre % 4 == 0) & (jahre % 100 != 0) | (jahre % 400 == 0)).astype(np.int64)
    monat_tage = np.array([0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365], dtype=np.int64)
    return jahr_tage, monat_tage, schaltjahr
