"""Confidentiality for the public view: small counts suppressed so that none can be recovered.

domain.md (after § 16 BStatG practice and the Destatis rules): counts of 1 to 4 are suppressed
("< 5", *primary* suppression); further cells are suppressed (*secondary*) so that no suppressed
value can be worked out from what is shown with it: the cells that stay, and the totals of every
line (each row, column, year … and the grand total). The alternative is rounding every count to a
multiple of 5 (Destatis "5er-Rundung"). Rates need at least 300 young people, averages 10 cases.

A table is an n-dimensional array of counts (e.g. Sozialräume × help codes × years); the
published totals are the sums along each single dimension and, by implication, all higher ones.
:func:`sperren` suppresses, :func:`spielraum` is the attacker: for each suppressed cell the
smallest and largest value consistent with everything published (linear programming). A cell is
protected when that range is not a single value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KLEIN_BIS = 4  # counts 1..4 are "small"
MIN_JUNGE_MENSCHEN = 300  # no rate for smaller areas
MIN_FAELLE_MITTEL = 10  # no mean or median duration, no cost per case on fewer cases
GESPERRT = "< 5"


@dataclass(frozen=True)
class Sperrung:
    """Which cells of a table are suppressed: ``primaer`` (1–4) and ``sekundaer`` (to protect them)."""

    primaer: np.ndarray
    sekundaer: np.ndarray

    @property
    def gesperrt(self) -> np.ndarray:
        return self.primaer | self.sekundaer


def _lines(shape: tuple[int, ...]):  # noqa: ANN202
    """Every 1-D line of the table: (axis, index tuple of the other axes)."""
    for axis in range(len(shape)):
        others = [range(n) for i, n in enumerate(shape) if i != axis]
        for rest in np.ndindex(*[len(r) for r in others]):
            index = list(rest)
            index.insert(axis, slice(None))
            yield axis, tuple(index)


def _secondary_round(werte: np.ndarray, gesperrt: np.ndarray) -> bool:
    """In every line with exactly one suppressed cell, suppress the smallest other positive cell."""
    changed = False
    for _axis, index in _lines(werte.shape):
        line = gesperrt[index]
        if line.sum() != 1:
            continue
        values = np.where(line | (werte[index] <= 0), np.inf, werte[index])
        if np.isfinite(values).any():
            position = int(np.argmin(values))
        else:
            # Only zeros left: a suppressed zero still hides the suppressed cell's value.
            candidates = np.flatnonzero(~line)
            if not len(candidates):
                continue
            position = int(candidates[0])
        target = list(index)
        axis = next(i for i, part in enumerate(target) if isinstance(part, slice))
        target[axis] = position
        gesperrt[tuple(target)] = True
        changed = True
    return changed


def spielraum(werte: np.ndarray, gesperrt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What an attacker can know: for every suppressed cell the least and greatest value (NaN elsewhere)
    consistent with the shown cells, all line totals and counts ≥ 0."""
    from scipy.optimize import linprog

    werte = np.asarray(werte, dtype=float)
    hidden = np.flatnonzero(gesperrt.ravel())
    low = np.full(werte.shape, np.nan)
    high = np.full(werte.shape, np.nan)
    if not len(hidden):
        return low, high
    position = {cell: k for k, cell in enumerate(hidden)}
    flat_index = np.arange(werte.size).reshape(werte.shape)
    rows, rhs = [], []
    for _axis, index in _lines(werte.shape):
        cells = flat_index[index]
        secret = [c for c in cells if c in position]
        if not secret:
            continue
        row = np.zeros(len(hidden))
        for c in secret:
            row[position[c]] = 1
        rows.append(row)
        rhs.append(werte.ravel()[cells].sum() - sum(werte.ravel()[c] for c in cells if c not in position))
    a_eq, b_eq = np.array(rows), np.array(rhs)
    for k, cell in enumerate(hidden):
        objective = np.zeros(len(hidden))
        objective[k] = 1
        lo = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        hi = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        low.ravel()[cell] = lo.fun if lo.success else np.nan
        high.ravel()[cell] = -hi.fun if hi.success else np.inf
    return low, high


def sperren(werte: np.ndarray, max_runden: int = 50, angriff_pruefen: bool = True) -> Sperrung:
    """Suppress the counts 1–4 and as many others as needed so that no suppressed cell can be recovered.

    Secondary suppression first makes every line hold no or at least two suppressed cells (the
    smallest positive partners, to hide as little as possible); then the attacker of
    :func:`spielraum` is run, and a cell it can still pin down gets another partner, until none can
    (``angriff_pruefen=False`` stops after the first step; only to show why the second is needed).
    """
    werte = np.asarray(werte, dtype=float)
    primaer = (werte >= 1) & (werte <= KLEIN_BIS)
    gesperrt = primaer.copy()
    for _ in range(max_runden):
        while _secondary_round(werte, gesperrt):
            pass
        if not angriff_pruefen:
            return Sperrung(primaer, gesperrt & ~primaer)
        low, high = spielraum(werte, gesperrt)
        exposed = gesperrt & (high - low < 0.5)
        if not exposed.any():
            return Sperrung(primaer, gesperrt & ~primaer)
        # Break a determined cell free: give it a second partner in its first line.
        cell = np.unravel_index(int(np.flatnonzero(exposed.ravel())[0]), werte.shape)
        for axis in range(werte.ndim):
            index = list(cell)
            index[axis] = slice(None)
            candidates = np.where(gesperrt[tuple(index)] | (werte[tuple(index)] <= 0), np.inf, werte[tuple(index)])
            if np.isfinite(candidates).any():
                index[axis] = int(np.argmin(candidates))
                gesperrt[tuple(index)] = True
                break
        else:
            gesperrt[tuple(cell)] = True
    raise RuntimeError("Sekundärsperrung ohne Ergebnis: die Tabelle ist zu klein, um kleine Werte zu schützen.")


def runden_auf_fuenf(werte: np.ndarray) -> np.ndarray:
    """Destatis' 5er-Rundung: every count to the nearest multiple of 5 (halves up), totals rounded on their own."""
    werte = np.asarray(werte, dtype=float)
    return np.where(np.isnan(werte), np.nan, np.floor(werte / 5 + 0.5) * 5)


def rate_erlaubt(junge_menschen: float | None) -> bool:
    """A rate (Eckwert, Ausgaben je Einwohner) may be shown for at least 300 young people."""
    return junge_menschen is not None and not np.isnan(junge_menschen) and junge_menschen >= MIN_JUNGE_MENSCHEN


def mittel_erlaubt(faelle: float | None) -> bool:
    """An average (duration, cost per case) may be shown when it rests on at least 10 cases."""
    return faelle is not None and not np.isnan(faelle) and faelle >= MIN_FAELLE_MITTEL


# --- published figures that are sums of unknown atoms -------------------------------------
# The public view shows, per year, the count of every help group (a union of atomic kinds of
# help: code × setting) in every Sozialraum and in the Kreis. Unlike an n-dimensional table, these
# figures overlap (gesamt ⊃ HzE ⊃ ambulant ⊃ § 29 …), so the attacker works on the atoms: the
# unknown number of cases of each atomic kind in each area, ≥ 0; every published figure is a
# sum of atoms. A "< 5" tells the attacker that the figure lies in 1..4.


@dataclass(frozen=True)
class Zahlenwerk:
    """Published figures of one year as sums of atoms: ``matrix`` (figures × atoms, 0/1) and values.

    ``werte`` may hold NaN: such a figure is not published at all (no data), not even as a total.
    """

    matrix: object  # scipy.sparse CSR matrix, figures × atoms
    werte: np.ndarray

    @property
    def n(self) -> int:
        return len(self.werte)


def _bereich(werk: Zahlenwerk, gesperrt: np.ndarray, primaer: np.ndarray, figur: int,
             bindend: list | None = None) -> tuple[float, float]:
    """Least and greatest value of one figure consistent with everything published (LP, HiGHS).

    With ``bindend`` given, the shown figures whose equations bound the result (non-zero dual
    values) are appended to it: hiding one of them is what can widen the range.
    """
    from scipy.optimize import linprog
    from scipy.sparse import vstack

    shown = np.flatnonzero(~gesperrt & ~np.isnan(werk.werte))
    a_eq = werk.matrix[shown]
    b_eq = werk.werte[shown]
    small = np.flatnonzero(primaer & gesperrt)
    if len(small):
        rows = werk.matrix[small]
        a_ub = vstack([rows, -rows]).tocsr()
        b_ub = np.concatenate([np.full(len(small), float(KLEIN_BIS)), -np.ones(len(small))])
    else:
        a_ub, b_ub = None, None
    objective = werk.matrix[figur].toarray().ravel()
    extremes = []
    for sign in (1.0, -1.0):
        result = linprog(sign * objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq if len(shown) else None,
                         b_eq=b_eq if len(shown) else None, bounds=(0, None), method="highs")
        if result.status == 3:  # unbounded
            extremes.append(np.inf if sign < 0 else -np.inf)
        elif result.success:
            extremes.append(sign * result.fun)
            if bindend is not None and len(shown):
                bindend.extend(int(f) for f in shown[np.abs(result.eqlin.marginals) > 1e-9])
        else:
            raise RuntimeError(f"Geheimhaltungsprüfung: lineares Programm ohne Lösung ({result.message})")
    return extremes[0], extremes[1]


def bestimmbar(low: float, high: float) -> bool:
    """Whether an attacker knows the value: only one whole number lies in [low, high]."""
    return np.floor(high + 1e-6) - np.ceil(low - 1e-6) < 1


def bereiche(werk: Zahlenwerk, gesperrt: np.ndarray, primaer: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The attacker: least and greatest value of every suppressed figure (NaN for shown ones)."""
    primaer = (werk.werte >= 1) & (werk.werte <= KLEIN_BIS) if primaer is None else primaer
    low = np.full(werk.n, np.nan)
    high = np.full(werk.n, np.nan)
    for figur in np.flatnonzero(gesperrt & ~np.isnan(werk.werte)):
        low[figur], high[figur] = _bereich(werk, gesperrt, primaer, figur)
    return low, high


def sperren_summen(werk: Zahlenwerk, partner: object = None, zuletzt: np.ndarray | None = None) -> Sperrung:
    """Suppress the figures 1–4 and, while an attacker can still work one out, further figures.

    For a figure the attacker pins down, the shown figures whose equations bind its least or
    greatest value (the LP's dual values) are the ones that give it away; the smallest positive of
    them is hidden (among equals, one ``partner(figur)`` names: same area or same help group),
    and the figure is checked again. Figures marked in ``zuletzt`` (e.g. the Kreis totals) are hidden
    only when nothing else binds. Hiding more only takes equations from the attacker, so a
    protected figure stays protected: one pass over the small figures suffices.
    """
    werte = werk.werte
    primaer = (werte >= 1) & (werte <= KLEIN_BIS)
    gesperrt = primaer.copy()
    for figur in np.flatnonzero(primaer):
        nahe = {int(f) for f in partner(figur)} if partner is not None else set()
        while True:
            bindend: list[int] = []
            if not bestimmbar(*_bereich(werk, gesperrt, primaer, figur, bindend)):
                break
            candidates = [f for f in set(bindend) if not gesperrt[f]]
            if not candidates:
                raise RuntimeError("Sekundärsperrung ohne Ergebnis: kleine Werte lassen sich nicht schützen.")
            # Prefer positive figures (a hidden 0 says little), then small ones, then near ones.
            last = zuletzt if zuletzt is not None else np.zeros(werk.n, dtype=bool)
            gesperrt[min(candidates, key=lambda f: (bool(last[f]), werte[f] <= 0, werte[f], f not in nahe, f))] = True
    # A hidden partner whose value follows exactly from what is shown protects nothing: its
    # equation is already implied, so showing it again leaves the attacker's knowledge as it is.
    for figur in np.flatnonzero(gesperrt & ~primaer)[::-1]:
        low, high = _bereich(werk, gesperrt, primaer, figur)
        if high - low < 1e-7:
            gesperrt[figur] = False
    return Sperrung(primaer, gesperrt & ~primaer)
