"""Confidentiality for the public view: small counts suppressed so that none can be worked out.

domain.md (after § 16 BStatG practice and the Destatis rules): counts of 1 to 4 are suppressed
(*primary* suppression); further figures are suppressed (*secondary*) so that no suppressed figure
can be worked out from what is published with it. Every suppressed figure carries the same sign
(:data:`GESPERRT`): a reader cannot tell a small count from a partner hidden to protect it, so all
an attacker knows of a suppressed figure is that it is not negative. (Two signs, "< 5" and "•",
would tell the attacker 1 ≤ x ≤ 4 for the first kind; four suppressed helps of one case each
under a suppressed total of 4 are then pinned at 1 whatever else is hidden.)

The published figures overlap (gesamt ⊃ HzE ⊃ ambulant ⊃ § 29 …), so the attacker works on
*atoms*: the unknown number of cases (or euros) of each atomic kind of help in each area, ≥ 0;
every published figure is a sum of atoms (:class:`Zahlenwerk`). A suppressed figure is protected
when the attacker's least and greatest value consistent with everything shown lie far enough
apart: two whole numbers for counts, 10 % of the value for money (:func:`spanne_anzahl`,
:func:`spanne_geld`).

The attacker is one linear programme per table, solved with HiGHS and kept between questions:
only the objective and the bounds of a newly hidden figure change, so every solve starts from the
last basis. Every solution the attacker finds is a set of values consistent with what is shown;
each suppressed figure it moves far enough is protected for good, because hiding more only takes
equations away. So most figures are shown safe by solutions found for others, and the number of
programmes grows with the figures that are hard to protect, not with the table.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

KLEIN_BIS = 4  # counts 1..4 are "small"
MIN_JUNGE_MENSCHEN = 300  # no rate for smaller areas
MIN_FAELLE_MITTEL = 10  # no mean or median duration, no cost per case on fewer cases
GESPERRT = "•"  # the one sign of a suppressed figure, everywhere (tables, map, slides, exports)
GESPERRT_WORT = "gesperrt"
GELD_ANTEIL = 0.10  # hidden money must stay uncertain by at least 10 % of its value (and 1 €)
_EPS = 1e-7


@dataclass(frozen=True)
class Zahlenwerk:
    """Published figures of one table as sums of atoms: ``matrix`` (figures × atoms, 0/1) and values.

    ``werte`` may hold NaN: such a figure is not published at all (no data), not even as a total.
    """

    matrix: sparse.csr_matrix
    werte: np.ndarray

    @property
    def n(self) -> int:
        return len(self.werte)


@dataclass(frozen=True)
class Sperrung:
    """Which figures are suppressed: ``primaer`` (the sensitive ones) and ``sekundaer`` (to protect them)."""

    primaer: np.ndarray
    sekundaer: np.ndarray

    @property
    def gesperrt(self) -> np.ndarray:
        return self.primaer | self.sekundaer


def klein(werte: np.ndarray) -> np.ndarray:
    """The counts that must not be shown: 1 to 4."""
    werte = np.asarray(werte, dtype=float)
    with np.errstate(invalid="ignore"):
        return (werte >= 1) & (werte <= KLEIN_BIS)


def spanne_anzahl(werte: np.ndarray) -> np.ndarray:
    """A hidden count is protected when a value at least 1 away is consistent with what is shown:
    then the attacker's range holds two whole numbers."""
    return np.ones(len(werte))


def spanne_geld(werte: np.ndarray) -> np.ndarray:
    """Hidden money is protected when a value 10 % (at least 1 €) away is consistent with what is shown."""
    return np.maximum(1.0, GELD_ANTEIL * np.abs(np.nan_to_num(np.asarray(werte, dtype=float))))


def bestimmbar(low: float, high: float) -> bool:
    """Whether an attacker knows a count: only one whole number lies in [low, high]."""
    return np.floor(high + 1e-6) - np.ceil(low - 1e-6) < 1


def _highs():  # noqa: ANN202
    """A silent HiGHS instance (highspy's core class: the wrapper prints a banner to stdout)."""
    from highspy import _core

    solver = _core._Highs()
    solver.setOptionValue("output_flag", False)
    # Presolve would rebuild the model for every solve; without it each solve starts from the last basis.
    solver.setOptionValue("presolve", "off")
    return solver


class Angreifer:
    """The attacker's linear programme on one :class:`Zahlenwerk`, kept between questions.

    Columns: the atoms (≥ 0) and, for every figure, two slacks that let a shown figure deviate from
    its value at a price. Rows: the figures; a shown one is fixed at its value, a hidden one is free.
    :meth:`loesen` asks for values consistent with what is shown in which one figure lies at least a
    given distance above (or below) its true value, at the least price of deviating shown figures:
    price 0 means the attacker cannot rule such values out (the figure is protected in that
    direction); otherwise the deviating figures are exactly the ones to hide. Only row bounds change
    between questions, so every solve starts from the last basis.

    The atoms are boxed at twice the largest figure (plus the largest distance asked for): a vertex of
    the attacker's polyhedron lies below the largest shown figure, and an atom that no shown figure
    holds can grow alone, so the box changes no answer.
    """

    def __init__(self, werk: Zahlenwerk, gesperrt: np.ndarray, preis: np.ndarray, spanne: np.ndarray):
        from highspy import _core

        self.werk = werk
        self._inf = _core.kHighsInf
        self._optimal = _core.HighsModelStatus.kOptimal
        matrix = sparse.csr_matrix(werk.matrix, dtype=float)
        has_atoms = np.diff(matrix.indptr) > 0
        # A figure without atoms is 0 by structure: it tells the attacker nothing.
        self.figuren = np.flatnonzero(~np.isnan(werk.werte) & has_atoms)
        self.zeile = np.full(werk.n, -1, dtype=np.int64)
        self.zeile[self.figuren] = np.arange(len(self.figuren))
        self.matrix = matrix[self.figuren]
        # Money in euros spans many orders of magnitude: the LP sees it scaled to at most 1,000
        # (the answers scale back; the attacker's polyhedron is a cone over the values).
        werte = np.nan_to_num(werk.werte[self.figuren])
        self.skala = max(1.0, float(np.max(np.abs(werte), initial=0.0)) / 1000.0)
        self.werte = werte / self.skala
        spanne = np.asarray(spanne, dtype=float) / self.skala
        self.gesperrt = np.asarray(gesperrt, dtype=bool)[self.figuren].copy()
        m, n_atoms = self.matrix.shape
        self.n_atoms = n_atoms
        box = 2 * (float(np.max(np.abs(self.werte), initial=0.0)) + float(np.max(spanne, initial=1.0))) + 2
        costs = np.concatenate([np.zeros(n_atoms), preis[self.figuren], preis[self.figuren]])
        lower = np.zeros(n_atoms + 2 * m)
        # Only a shown figure can deviate at a price; a hidden one has no slack (it is free anyway).
        slack_upper = np.where(self.gesperrt, 0.0, self._inf)
        upper = np.concatenate([np.full(n_atoms, box), slack_upper, slack_upper])
        # Row k: atoms + s⁺_k − s⁻_k; the slack columns follow the atoms.
        coo = self.matrix.tocoo()
        rows = np.concatenate([coo.row, np.arange(m), np.arange(m)])
        cols = np.concatenate([coo.col, n_atoms + np.arange(m), n_atoms + m + np.arange(m)])
        data = np.concatenate([coo.data, np.ones(m), -np.ones(m)])
        full = sparse.csc_matrix((data, (rows, cols)), shape=(m, n_atoms + 2 * m))
        self.loeser = _highs()
        self.loeser.addVars(n_atoms + 2 * m, lower, upper)
        self.loeser.changeColsCost(n_atoms + 2 * m, np.arange(n_atoms + 2 * m, dtype=np.int32), costs)
        self._costs = costs
        row_lower, row_upper = self._grenzen(self.gesperrt, self.werte)
        csr = full.tocsr()
        self.loeser.addRows(m, row_lower, row_upper, csr.nnz, csr.indptr[:-1].astype(np.int32),
                            csr.indices.astype(np.int32), csr.data)
        self.loesungen = 0

    def _grenzen(self, gesperrt: np.ndarray, werte: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.where(gesperrt, -self._inf, werte), np.where(gesperrt, self._inf, werte)

    def _zeilengrenzen(self, k: int, lower: float, upper: float) -> None:
        self.loeser.changeRowsBounds(1, np.array([k], dtype=np.int32), np.array([lower]), np.array([upper]))

    def setze(self, figur: int, gesperrt: bool) -> None:
        """Hide (free row) or show (row fixed at its value) one figure."""
        k = int(self.zeile[figur])
        if k < 0:
            return
        self.gesperrt[k] = gesperrt
        lower, upper = self._grenzen(np.array([gesperrt]), self.werte[k:k + 1])
        self._zeilengrenzen(k, float(lower[0]), float(upper[0]))
        m = len(self.figuren)
        slacks = np.array([self.n_atoms + k, self.n_atoms + m + k], dtype=np.int32)
        self.loeser.changeColsBounds(2, slacks, np.zeros(2), np.full(2, 0.0 if gesperrt else self._inf))

    def loesen(self, figur: int, abstand: float) -> tuple[float, np.ndarray, np.ndarray]:
        """Values with ``figur`` at least ``abstand`` above its value (below for a negative ``abstand``).

        Returns the price (0: no shown figure needs to deviate), the values of every figure of the
        LP at that solution (atoms only, unscaled) and the shown figures that deviate.
        """
        abstand = abstand / self.skala
        k = int(self.zeile[figur])
        value = self.werte[k]
        if abstand > 0:
            self._zeilengrenzen(k, value + abstand, self._inf)
        else:
            self._zeilengrenzen(k, -self._inf, value + abstand)
        self.loeser.run()
        self.loesungen += 1
        status = self.loeser.getModelStatus()
        if status != self._optimal:
            raise RuntimeError(f"Geheimhaltungsprüfung: lineares Programm ohne Lösung ({status})")
        x = np.asarray(self.loeser.getSolution().col_value)
        preis = float(self.loeser.getInfo().objective_function_value)
        lower, upper = self._grenzen(self.gesperrt[k:k + 1], self.werte[k:k + 1])
        self._zeilengrenzen(k, float(lower[0]), float(upper[0]))
        m = len(self.figuren)
        slack = x[self.n_atoms:self.n_atoms + m] + x[self.n_atoms + m:]
        zeilen = self.matrix @ x[:self.n_atoms] * self.skala
        abweichend = self.figuren[(slack > 1e-7) & ~self.gesperrt]
        return preis, zeilen, abweichend

    def bereich(self, figur: int) -> tuple[float, float]:
        """Least and greatest value of one figure consistent with everything shown (for tests and notes)."""
        k = int(self.zeile[figur])
        if k < 0:
            value = self.werk.werte[figur]
            return (0.0, 0.0) if np.isnan(value) else (float(value), float(value))
        out = []
        for richtung in (1.0, -1.0):
            saved = self._costs
            costs = saved.copy()
            costs[self.matrix[k].indices] = -richtung * self.matrix[k].data  # slacks keep their prices
            self.loeser.changeColsCost(len(costs), np.arange(len(costs), dtype=np.int32), costs)
            self.loeser.run()
            out.append(richtung * -float(self.loeser.getInfo().objective_function_value) * self.skala
                       if self.loeser.getModelStatus() == self._optimal else richtung * np.inf)
            self.loeser.changeColsCost(len(costs), np.arange(len(costs), dtype=np.int32), saved)
        return out[1], out[0]


def bereiche(werk: Zahlenwerk, gesperrt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least and greatest value of every suppressed figure (NaN for shown ones)."""
    low = np.full(werk.n, np.nan)
    high = np.full(werk.n, np.nan)
    werte = np.nan_to_num(werk.werte)
    # Slack columns priced out of reach: a pure attacker. The box is far above every figure.
    angreifer = Angreifer(werk, gesperrt, np.full(werk.n, 1e9), np.full(werk.n, 10 * (np.abs(werte).max(initial=1) + 1)))
    for figur in np.flatnonzero(gesperrt & ~np.isnan(werk.werte)):
        low[figur], high[figur] = angreifer.bereich(int(figur))
    return low, high


# A figure published elsewhere: hidden only when nothing else can protect (never in practice). Far above
# what hiding other figures costs, not so far that the solver's tolerances suffer (1e7 left it undecided).
FEST_PREIS = 1e5


def preise(werte: np.ndarray, zuletzt: np.ndarray | None = None, fest: np.ndarray | None = None) -> np.ndarray:
    """What hiding a figure costs: 1 to 11 by its size (information lost), a Kreis total a hundredfold,
    a figure ``fest`` (shown in another table already) beyond any other choice."""
    betrag = np.abs(np.nan_to_num(np.asarray(werte, dtype=float)))
    preis = 1.0 + 10.0 * betrag / max(float(betrag.max(initial=0.0)), 1.0)
    if zuletzt is not None:
        preis = np.where(zuletzt, 100.0 * preis, preis)
    if fest is not None:
        preis = np.where(fest, FEST_PREIS, preis)
    return preis


def sperren_summen(werk: Zahlenwerk, start: np.ndarray, *, schuetzen: np.ndarray | None = None,
                   spanne: Callable[[np.ndarray], np.ndarray] = spanne_anzahl,
                   zuletzt: np.ndarray | None = None, fest: np.ndarray | None = None) -> Sperrung:
    """Hide ``start`` and, while the attacker can still work out a hidden figure, further figures.

    Every hidden figure in ``schuetzen`` (default: every hidden figure) must be protected: values
    consistent with everything shown exist that lie at least ``spanne`` away from the true one.
    For each such figure the attacker is asked for values at least ``spanne`` above it (below, where
    ``spanne`` gives a negative distance), at the least
    price of shown figures that would have to deviate (:meth:`Angreifer.loesen`): price 0 protects
    it, else the deviating figures are hidden (small ones first, the Kreis totals in ``zuletzt``
    last, figures ``fest`` that another table shows already only if nothing else would do: the caller
    checks), and that solution then protects it. (Asking below too finds a cheaper pattern now and
    then, 7 % less hidden money on the demo, at twice the time.) Every solution also protects the
    other hidden figures it moves far enough, and hiding more never takes a protection away, so
    each figure is settled once. Never fails: with every shown figure free to deviate, values far
    enough away always exist.
    """
    werte = np.asarray(werk.werte, dtype=float)
    start = np.asarray(start, dtype=bool) & ~np.isnan(werte)
    gesperrt = start.copy()
    schutz = np.ones(werk.n, dtype=bool) if schuetzen is None else np.asarray(schuetzen, dtype=bool)
    if not (gesperrt & schutz).any():
        return Sperrung(start, np.zeros(werk.n, dtype=bool))
    mindest = spanne(werte)
    angreifer = Angreifer(werk, gesperrt, preise(werte, zuletzt, fest), mindest)
    figuren = angreifer.figuren
    sicher = np.ones(werk.n, dtype=bool)
    sicher[figuren] = False  # figures outside the LP are 0 by structure or not published

    def belege(zeilen: np.ndarray) -> None:
        weit = np.abs(zeilen - werte[figuren]) >= np.abs(mindest[figuren]) * (1 - 1e-9) - _EPS
        sicher[figuren[weit & angreifer.gesperrt]] = True

    queue = deque(int(f) for f in np.flatnonzero(gesperrt & schutz))
    while queue:
        figur = queue.popleft()
        if sicher[figur]:
            continue
        preis, zeilen, abweichend = angreifer.loesen(figur, mindest[figur])
        for partner in abweichend:
            gesperrt[partner] = True
            angreifer.setze(int(partner), True)
            if schutz[partner]:
                queue.append(int(partner))
        # With the deviating figures hidden (none when the price is 0), that solution is consistent
        # with what is shown, and it moves the figure far enough.
        belege(zeilen)
        if not sicher[figur]:  # pragma: no cover - the LP's row bound moves the figure
            raise RuntimeError("Geheimhaltung: Sperrung ohne Wirkung")
    return Sperrung(start, gesperrt & ~start)


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
