"""Durations of ended help per cell and help group: number, sum of days and the exact median.

The input is one row per ended case: its cell (year × area of one level), its help combination
(code × setting group × bereich, see :class:`~sozialraum_analytics.kennzahlen.Engine`) and its
duration in whole days. A help group is a union of combinations (``member``: combinations × groups,
1 where a combination counts in a group), so a case counts in several groups at once.

Number and sum come from one ``bincount`` per (cell, combination), summed into groups with the
membership matrix. The exact median needs each group's durations per cell in order:

- few cells (the Kreis): a histogram of days per (cell, combination), summed into groups; the median
  is where the cumulative count passes the middle;
- else one integer sort per level by (cell, days, combination) packed into one number; the groups are
  split into layers of mutually exclusive groups (:func:`schichten`), and per layer one stable radix
  sort by the small group number brings every group's durations per cell together, still sorted.

The median of ``n`` sorted values is the mean of the values at ranks ``(n - 1) // 2`` and ``n // 2``,
so it is exact (whole days, halves where ``n`` is even).
"""

from __future__ import annotations

import numpy as np

# Above this many (cell, combination, day) bins the histogram gives way to the sort.
HISTOGRAMM_GRENZE = 1 << 22


def schichten(member: np.ndarray) -> list[np.ndarray]:
    """Help groups split into layers of mutually exclusive groups.

    Each layer is an array combination -> group position (−1: in none of this layer's groups),
    so one sort serves all groups of a layer (the single codes form one layer).

    >>> [s.tolist() for s in schichten(np.array([[1, 1, 0], [1, 0, 1]]))]
    [[0, 0], [1, 2]]
    """
    member = np.asarray(member).astype(bool)
    layers: list[np.ndarray] = []
    for g in range(member.shape[1]):
        for layer in layers:
            if not (member[:, g] & (layer >= 0)).any():
                layer[member[:, g]] = g
                break
        else:
            layer = np.full(member.shape[0], -1, dtype=np.int64)
            layer[member[:, g]] = g
            layers.append(layer)
    return layers


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


def je_zelle(cell: np.ndarray, combo: np.ndarray, days: np.ndarray, n_cells: int, member: np.ndarray,
             verfahren: str | None = None, nach_tagen: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Number, sum of days and median days of the rows per cell and help group.

    ``cell`` in ``0 … n_cells − 1``, ``combo`` in ``0 … len(member) − 1``, ``days`` ≥ 0 (whole days);
    ``verfahren`` forces ``"histogramm"`` or ``"sortieren"`` (tests), else the cheaper one is chosen;
    ``nach_tagen``: the rows' order by days (:func:`nach_tagen`), when several levels share it.
    Returns three arrays cells × groups: the number (float, whole), the sum of days and the median
    (NaN where a group has no row in a cell).

    >>> member = np.array([[1.0, 1.0], [1.0, 0.0]])  # combination 0 in groups 0 and 1, combination 1 in group 0
    >>> n, summe, median = je_zelle(np.array([0, 0, 0]), np.array([0, 1, 0]), np.array([4, 1, 10]), 1, member)
    >>> n.tolist(), summe.tolist(), median.tolist()
    ([[3.0, 2.0]], [[15.0, 14.0]], [[4.0, 7.0]])
    """
    member = np.asarray(member).astype(bool)
    n_combos, n_groups = member.shape
    cell = np.asarray(cell, dtype=np.int64)
    combo = np.asarray(combo, dtype=np.int64)
    days = np.asarray(days, dtype=np.int64)
    slot = cell * n_combos + combo
    # Whole numbers in float64: every sum is exact (below 2**53), in whatever order.
    per_combo = np.bincount(slot, minlength=n_cells * n_combos).reshape(n_cells, n_combos).astype(np.float64)
    days_per_combo = np.bincount(slot, weights=days, minlength=n_cells * n_combos).reshape(n_cells, n_combos)
    count = in_gruppen(per_combo, member, axis=1)
    total = in_gruppen(days_per_combo, member, axis=1)
    median = np.full((n_cells, n_groups), np.nan)
    if not len(days) or n_cells == 0:
        return count, total, median
    span = int(days.max()) + 1
    if verfahren is None:
        verfahren = "histogramm" if n_cells * n_combos * span <= HISTOGRAMM_GRENZE else "sortieren"
    if verfahren == "histogramm":
        _median_histogramm(slot, days, span, n_cells, member, count, median)
    else:
        _median_sortiert(cell, combo, days, span, n_cells, member, count, median, nach_tagen)
    return count, total, median


def _median_histogramm(slot: np.ndarray, days: np.ndarray, span: int, n_cells: int, member: np.ndarray,
                       count: np.ndarray, median: np.ndarray) -> None:
    """Medians from the number of rows per (cell, combination, day), summed into groups."""
    n_combos, n_groups = member.shape
    hist = np.bincount(slot * span + days, minlength=n_cells * n_combos * span).astype(np.float64)
    # cells × groups × days: the rows of each group with that duration, then counted up to each day.
    per_group = in_gruppen(hist.reshape(n_cells, n_combos, span), member, axis=1)
    cumulative = np.cumsum(per_group.reshape(n_cells * n_groups, span), axis=1)
    # Each row of ``cumulative`` rises from 0 to at most the rows' number: shifted by that, one search serves all.
    shift = np.arange(n_cells * n_groups) * float(len(days) + 1)
    cumulative += shift[:, None]
    n = count.reshape(-1).astype(np.int64)
    has = n > 0
    values = []
    for rank in ((n - 1) // 2, n // 2):
        # The value at 0-based rank r is the first day whose cumulative count exceeds r.
        position = np.searchsorted(cumulative.ravel(), np.where(has, rank, 0) + shift, side="right")
        values.append(position - np.arange(n_cells * n_groups) * span)
    median.reshape(-1)[has] = ((values[0] + values[1]) / 2)[has]


def _median_sortiert(cell: np.ndarray, combo: np.ndarray, days: np.ndarray, span: int, n_cells: int,
                     member: np.ndarray, count: np.ndarray, median: np.ndarray,
                     by_days: np.ndarray | None = None) -> None:
    """Medians from one sort by (cell, days); per group its rows in that order."""
    n_combos, n_groups = member.shape
    order = _nach_zelle_und_tagen(cell, days, span, n_cells, by_days)
    combo_sorted = combo.astype(np.int8 if n_combos <= 127 else np.int64)[order]
    # Small numbers where they fit: the medians pick their values all over this array.
    days_sorted = days.astype(np.uint16 if span <= 1 << 16 else np.int64)[order]
    del order
    layers = schichten(member)
    # Each row's group in every layer: one row per layer, taken in one call.
    group_of_row = np.take(np.array(layers, dtype=np.int8 if n_groups <= 127 else np.int64), combo_sorted, axis=1)
    # Cell by cell the group's slots follow each other in the order of (cell, days): the ranks of the
    # middle rows among the group's rows, for all groups at once.
    n_per_group = count.astype(np.int64)  # cells × groups
    start = np.cumsum(n_per_group, axis=0) - n_per_group
    has = n_per_group > 0
    lower = start + (n_per_group - 1) // 2
    upper = start + n_per_group // 2
    total = n_per_group.sum(axis=0)
    for j, layer in enumerate(layers):
        column = group_of_row[j]
        for g in np.unique(layer[layer >= 0]).tolist():
            slots = has[:, g]
            ranks = (lower[slots, g], upper[slots, g])
            if 2 * int(total[g]) <= len(days):
                rows = np.flatnonzero(column == g)  # the group's rows
                lower[slots, g], upper[slots, g] = (rows[rank] for rank in ranks)
            else:
                # A large group: its k-th row is at k plus the number of rows outside it before that row.
                outside = np.flatnonzero(column != g)
                group_rows_before = outside - np.arange(len(outside))
                lower[slots, g], upper[slots, g] = (rank + np.searchsorted(group_rows_before, rank, side="right")
                                                    for rank in ranks)
    median[has] = (days_sorted[lower[has]].astype(np.int64) + days_sorted[upper[has]]) / 2


def nach_tagen(days: np.ndarray) -> np.ndarray | None:
    """The order of the rows by days (stable; a radix sort), to share among levels; None above 65,535 days."""
    days = np.asarray(days)
    if not len(days) or int(days.max()) >= 1 << 16:
        return None
    return np.argsort(days.astype(np.uint16), kind="stable")


def _nach_zelle_und_tagen(cell: np.ndarray, days: np.ndarray, span: int, n_cells: int,
                          by_days: np.ndarray | None = None) -> np.ndarray:
    """The order of the rows by (cell, days).

    Two stable radix sorts of 16-bit keys (days, then cell) where both fit, as numpy sorts those in
    linear time; else one sort of the packed key.
    """
    if span <= 1 << 16 and n_cells <= 1 << 16:
        if by_days is None:
            by_days = nach_tagen(days)
        return by_days[np.argsort(cell.astype(np.uint16)[by_days], kind="stable")]
    dtype = np.int32 if n_cells * span < 2**31 else np.int64
    return np.argsort(cell.astype(dtype) * span + days.astype(dtype), kind="stable")
