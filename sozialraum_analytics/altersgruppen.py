"""Age groups as statistics offices and planners write them, and population denominators.

An age group is a half-open interval [von, bis) in completed years: "18 bis unter 21" is
[18, 21); "75 Jahre und mehr" is [75, None). Denominators such as "under 21" are sums
over these intervals; where a group straddles the limit the share is interpolated
linearly and the result is marked as approximate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .dialect import fold

TOTAL_WORDS = ("insgesamt", "gesamt", "zusammen", "summe", "alle")


@dataclass(frozen=True)
class Altersgruppe:
    von: int
    bis: int | None  # exclusive; None = open ("und älter")


_UNTER = re.compile(r"^unter (\d+)(?: jahr(?:e|en)?| j\.?)?$")
_BIS_UNTER = re.compile(r"^(\d+) (?:bis|-) ?unter (\d+)(?: jahr(?:e|en)?| j\.?)?$")
_RANGE = re.compile(r"^(\d+) ?(?:-|–|bis) ?(\d+)(?: jahr(?:e|en)?| j\.?)?$")
_OPEN = re.compile(r"^(\d+)(?: jahr(?:e|en)?| j\.?)? ?(?:und (?:aelter|mehr|ueber)|u\.? ?m\.?|\+|und alter|oder aelter)$")
_SINGLE = re.compile(r"^(\d+)(?: jahr(?:e|en)?| j\.?)?$")


def is_total(text: str) -> bool:
    return fold(text).strip(" .") in TOTAL_WORDS


def parse_altersgruppe(text: str, ranges_inclusive: bool = True) -> Altersgruppe | None:
    """Read an age group; ``None`` if it is not one.

    ``ranges_inclusive`` decides what "6-9" means: 6 to 9 years inclusive, i.e. [6, 10)
    (the usual reading in municipal tables), or [6, 9) when the file's groups tile as
    "3-6", "6-9" (see :func:`ranges_are_inclusive`).

    >>> parse_altersgruppe("3 bis unter 6 Jahre")
    Altersgruppe(von=3, bis=6)
    >>> parse_altersgruppe("unter 3")
    Altersgruppe(von=0, bis=3)
    >>> parse_altersgruppe("75 Jahre und mehr")
    Altersgruppe(von=75, bis=None)
    >>> parse_altersgruppe("6-9")
    Altersgruppe(von=6, bis=10)
    """
    t = fold(text).replace("_", " ").strip(" .")
    t = re.sub(r"\s+", " ", t)
    if m := _UNTER.match(t):
        return Altersgruppe(0, int(m[1]))
    if m := _BIS_UNTER.match(t):
        return Altersgruppe(int(m[1]), int(m[2]))
    if m := _RANGE.match(t):
        von, bis = int(m[1]), int(m[2])
        return Altersgruppe(von, bis + 1 if ranges_inclusive else bis) if bis >= von else None
    if m := _OPEN.match(t):
        return Altersgruppe(int(m[1]), None)
    if m := _SINGLE.match(t):
        return Altersgruppe(int(m[1]), int(m[1]) + 1)
    return None


def ranges_are_inclusive(labels: list[str]) -> bool:
    """Whether "a-b" labels mean a to b inclusive: false when they tile as "3-6", "6-9"."""
    pairs = []
    for label in labels:
        m = _RANGE.match(re.sub(r"\s+", " ", fold(label).strip(" .")))
        if m:
            pairs.append((int(m[1]), int(m[2])))
    starts = {a for a, _ in pairs}
    return not any(b in starts for _, b in pairs)


@dataclass(frozen=True)
class Altersbereich:
    """A denominator's age range [von, bis)."""

    id: str
    label: str
    von: int
    bis: int | None


DENOMINATORS = {
    "u21": Altersbereich("u21", "0 bis unter 21 Jahre", 0, 21),
    "u18": Altersbereich("u18", "0 bis unter 18 Jahre", 0, 18),
    "18_21": Altersbereich("18_21", "18 bis unter 21 Jahre", 18, 21),
    "gesamt": Altersbereich("gesamt", "alle Altersgruppen", 0, None),
}


def share_in_range(von: np.ndarray, bis: np.ndarray, lo: int, hi: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Share of each group [von, bis) inside [lo, hi), and whether that share is exact.

    Open groups (``bis`` NaN) count fully when they start inside an open range, and
    not at all when they start at or above ``hi``; otherwise they cannot be split.
    """
    von = von.astype(float)
    bis = bis.astype(float)
    hi_f = np.inf if hi is None else float(hi)
    open_group = np.isnan(bis)
    upper = np.where(open_group, np.inf, bis)
    overlap = np.clip(np.minimum(upper, hi_f) - np.maximum(von, lo), 0, None)
    width = upper - von
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(np.isinf(width), np.where(overlap > 0, 1.0, 0.0), overlap / width)
    share = np.where(open_group & (von < hi_f) & (hi_f < np.inf), np.nan, share)
    exact = (share == 0) | (share == 1)
    return share, exact


def population_in_range(bevoelkerung: pd.DataFrame, bereich: Altersbereich,
                        keys: tuple[str, ...] = ("jahr", "raum_id")) -> pd.DataFrame:
    """Population in ``bereich`` per key: columns ``*keys, anzahl, exakt``.

    ``exakt`` is False where an age group straddles the range and its share was
    interpolated (e.g. 20 to under 25 for "under 21").
    """
    out = populations_in_ranges(bevoelkerung, {"anzahl": bereich}, keys)
    return out.rename(columns={"anzahl_exakt": "exakt"})


def populations_in_ranges(bevoelkerung: pd.DataFrame, bereiche: dict[str, Altersbereich],
                          keys: tuple[str, ...] = ("jahr", "raum_id")) -> pd.DataFrame:
    """:func:`population_in_range` for several ranges at once (one grouping): columns ``*keys`` and per
    range ``name`` and ``name_exakt``."""
    von = bevoelkerung["alter_von"].to_numpy()
    bis = bevoelkerung["alter_bis"].to_numpy(dtype=float, na_value=np.nan)
    anzahl = bevoelkerung["anzahl"].to_numpy(dtype=float, na_value=np.nan)
    frame = bevoelkerung[list(keys)].copy()
    aggregations = {}
    for name, bereich in bereiche.items():
        share, exact = share_in_range(von, bis, bereich.von, bereich.bis)
        frame[name] = np.nan_to_num(anzahl) * np.nan_to_num(share)
        frame[f"{name}_exakt"] = exact
        # A group that cannot be split, or a missing count inside the range, leaves no total.
        frame[f"_{name}_unmoeglich"] = np.isnan(share) | (np.isnan(anzahl) & (np.nan_to_num(share) > 0))
        aggregations.update({name: (name, "sum"), f"{name}_exakt": (f"{name}_exakt", "all"),
                             f"_{name}_unmoeglich": (f"_{name}_unmoeglich", "any")})
    out = frame.groupby(list(keys), observed=True, sort=True).agg(**aggregations)
    for name in bereiche:
        out.loc[out[f"_{name}_unmoeglich"], name] = np.nan
    return out.drop(columns=[f"_{name}_unmoeglich" for name in bereiche]).reset_index()


def feinste_zerlegung(gruppen: list[tuple[float, float]]) -> list[int] | None:
    """The finest age groups among ``gruppen`` that tile the ages without overlap.

    ``gruppen`` are [von, bis) with ``bis = inf`` for an open group. Returns the indices of the
    groups of a chain from the youngest start to the oldest end with as many groups as possible
    (the finest), so that totals ("0 bis unter 18") and coarse groups ("60 und älter") beside finer
    ones are left out; ``None`` when the groups cannot tile that range at all.

    >>> feinste_zerlegung([(0, 7), (7, 18), (0, 18), (18, float("inf"))])
    [0, 1, 3]
    >>> feinste_zerlegung([(0, 10), (5, 15)]) is None
    True
    """
    if not gruppen:
        return []
    start = min(v for v, _ in gruppen)
    ende = max(b for _, b in gruppen)
    # Longest path (most groups) from start to ende over the boundaries, groups as edges.
    punkte = sorted({start, ende, *(v for v, _ in gruppen), *(b for _, b in gruppen)})
    best: dict[float, tuple[int, list[int]]] = {start: (0, [])}
    for punkt in punkte:
        if punkt not in best:
            continue
        anzahl, pfad = best[punkt]
        for i, (von, bis) in enumerate(gruppen):
            if von == punkt and bis > von:
                kandidat = (anzahl + 1, [*pfad, i])
                if bis not in best or kandidat[0] > best[bis][0]:
                    best[bis] = kandidat
    return best[ende][1] if ende in best else None
