"""Durations of ended help per cell and help group: number, sum of days and the exact median.

The input is one row per ended case: its cell (year × area of one level; −1 where the row does not count
at that level), its help combination (code × setting group × bereich, see
:class:`~sozialraum_analytics.kennzahlen.Engine`) and its duration in whole days. A help group is a
union of combinations (``member``: combinations × groups, 1 where a combination counts in a group), so
a case counts in several groups at once.

The rows are put in order of their days once (:func:`ordnen`, a radix sort; the levels share it).
Per level one compiled pass (:func:`_je_zelle_kern`, numba, without the GIL, :mod:`.zaehlen`: the levels run in threads
side by side) counts the rows and sums their days per (cell, combination), puts the rows cell by cell
keeping their order (a counting sort) and counts them per group as they come: the rows of a cell and
group arrive in ascending days, so the row at which the count passes a middle rank holds that rank's
value. Number and sum per group are the sums over the group's combinations.

The median of ``n`` sorted values is the mean of the values at ranks ``(n - 1) // 2`` and ``n // 2``,
so it is exact (whole days, halves where ``n`` is even); sums of whole days are exact in float64.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .zaehlen import kompiliert


def in_gruppen(values: np.ndarray, member: np.ndarray, axis: int) -> np.ndarray:
    """``values`` summed from combinations (along ``axis``) into help groups: the group axis in its place.

    Sums column by column without BLAS (small products from several threads at once would wait for
    BLAS's own threads); exact for whole numbers.

    >>> in_gruppen(np.array([[1.0, 2.0, 4.0]]), np.array([[1, 0], [1, 1], [0, 1]], dtype=bool), axis=1).tolist()
    [[3.0, 6.0]]
    """
    by_combo = np.ascontiguousarray(np.moveaxis(values, axis, 0))  # combinations first: whole rows are summed
    out = np.zeros((member.shape[1], *by_combo.shape[1:]))
    for g in range(member.shape[1]):
        combos = np.flatnonzero(member[:, g])
        if len(combos):
            np.sum(by_combo[combos], axis=0, out=out[g])
    return np.moveaxis(out, 0, axis)


@dataclass(frozen=True)
class Geordnet:
    """The rows in order of their days (shared by the levels): that order, and each row's days and
    combination in that order as one number (``days << bits | combination``)."""

    reihenfolge: np.ndarray
    schluessel: np.ndarray
    bits: int


def ordnen(combo: np.ndarray, days: np.ndarray, n_combos: int) -> Geordnet:
    """The rows' order by days (stable; a radix sort below 65,536 days) and their keys in that order;
    ``combo`` below ``n_combos``."""
    combo = np.asarray(combo, dtype=np.int64)
    days = np.asarray(days, dtype=np.int64)
    if len(days) and int(days.max()) < 1 << 16:
        order = np.argsort(days.astype(np.uint16), kind="stable")
    else:
        order = np.argsort(days, kind="stable")
    bits = max(1, (n_combos - 1).bit_length())
    return Geordnet(order, ((days << bits) | combo)[order], bits)


def je_zelle(cell: np.ndarray, combo: np.ndarray, days: np.ndarray, n_cells: int, member: np.ndarray,
             geordnet: Geordnet | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Number, sum of days and median days of the rows per cell and help group.

    ``cell`` in ``0 … n_cells − 1`` (−1: the row does not count), ``combo`` in ``0 … len(member) − 1``,
    ``days`` ≥ 0 (whole days); ``geordnet``: :func:`ordnen` of ``combo`` and ``days``, when several levels
    share it. Returns three arrays cells × groups: the number (float, whole), the sum of days and the
    median (NaN where a group has no row in a cell).

    >>> member = np.array([[1.0, 1.0], [1.0, 0.0]])  # combination 0 in groups 0 and 1, combination 1 in group 0
    >>> n, summe, median = je_zelle(np.array([0, 0, 0, -1]), np.array([0, 1, 0, 0]), np.array([4, 1, 10, 7]), 1, member)
    >>> n.tolist(), summe.tolist(), median.tolist()
    ([[3.0, 2.0]], [[15.0, 14.0]], [[4.0, 7.0]])
    """
    member = np.asarray(member).astype(bool)
    n_combos, n_groups = member.shape
    if geordnet is None:
        geordnet = ordnen(combo, days, n_combos)
    # Each combination's groups: groups[start[k]:start[k + 1]].
    combos, groups = np.nonzero(member)
    start = np.searchsorted(combos, np.arange(n_combos + 1)).astype(np.int64)
    per_combo = np.zeros(n_cells * n_combos, dtype=np.int64)
    days_per_combo = np.zeros(n_cells * n_combos, dtype=np.float64)
    median = np.full(n_cells * n_groups, np.nan)
    if len(geordnet.reihenfolge) and n_cells:
        cell_in_order = np.asarray(cell, dtype=np.int64)[geordnet.reihenfolge]
        kern = kompiliert(_je_zelle_kern)
        kern(cell_in_order, geordnet.schluessel, geordnet.bits, n_cells, n_combos, start, groups.astype(np.int64),
             n_groups, per_combo, days_per_combo, median)
    count = in_gruppen(per_combo.reshape(n_cells, n_combos).astype(np.float64), member, axis=1)  # whole numbers
    total = in_gruppen(days_per_combo.reshape(n_cells, n_combos), member, axis=1)
    return count, total, median.reshape(n_cells, n_groups)


def _je_zelle_kern(cell, key, bits, n_cells, n_combos, start, groups, n_groups, per_combo, days_per_combo,
                   median):  # noqa: ANN001, ANN202 - compiled (zaehlen.kompiliert)
    """The rows in order of their days: ``cell`` (−1: not counted) and ``key`` (``days << bits | combination``).
    Fills ``per_combo`` and ``days_per_combo`` (flat cells × combinations, zero on entry) and ``median`` (flat
    cells × groups, NaN on entry); the groups of combination ``k`` are ``groups[start[k]:start[k + 1]]``."""
    mask = (1 << bits) - 1
    cell_start = np.zeros(n_cells + 1, np.int64)
    for i in range(cell.shape[0]):
        if cell[i] >= 0:
            cell_start[cell[i] + 1] += 1
    for c in range(n_cells):
        cell_start[c + 1] += cell_start[c]
    # The rows cell by cell, each cell's in order of days (a stable counting sort).
    fill = cell_start[:-1].copy()
    by_cell = np.empty(cell_start[n_cells], np.int64)
    for i in range(cell.shape[0]):
        c = cell[i]
        if c >= 0:
            by_cell[fill[c]] = key[i]
            fill[c] += 1
    # Cell by cell (its figures stay in the cache): number and days per combination, then per group the
    # rows as they come.
    count = np.zeros(n_groups, np.int64)
    seen = np.zeros(n_groups, np.int64)
    lower = np.zeros(n_groups, np.int64)
    for c in range(n_cells):
        first, end = cell_start[c], cell_start[c + 1]
        if first == end:
            continue
        combos = c * n_combos
        for row in range(first, end):
            slot = combos + (by_cell[row] & mask)
            per_combo[slot] += 1
            days_per_combo[slot] += by_cell[row] >> bits
        count[:] = 0
        seen[:] = 0
        for k in range(n_combos):
            n = per_combo[combos + k]
            for j in range(start[k], start[k + 1]):
                count[groups[j]] += n
        base = c * n_groups
        for row in range(first, end):
            d = by_cell[row] >> bits
            k = by_cell[row] & mask
            for j in range(start[k], start[k + 1]):
                g = groups[j]
                s = seen[g]
                n = count[g]
                if s == (n - 1) >> 1:  # shifts: n > 0 here, and numba's // checks the sign
                    lower[g] = d
                if s == n >> 1:
                    median[base + g] = (lower[g] + d) / 2.0
                seen[g] = s + 1
