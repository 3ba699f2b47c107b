"""The public view (Jugendhilfeausschuss): the confidentiality rules as a policy the engine is given.

``Engine(dataset, schutz=Schutz())`` computes every figure of the public view; every table, map,
chart, text and export built on that engine obeys domain.md's rules:

- per year, Sozialraum and Kreis the Inanspruchnahme of every help group, the Inobhutnahmen (§ 42)
  and Gefährdungseinschätzungen (§ 8a); begonnen, beendet and andauernd are left out (with them,
  the counts of different years would be tied together by andauernd(j) = andauernd(j−1) +
  begonnen(j) − beendet(j));
- counts of 1 to 4 are suppressed, and further counts so that none can be worked out from what is
  shown (:mod:`geheimhaltung`); Ausgaben, Kosten je Hilfe, Ausgaben je Einwohner and durations of
  a suppressed count are suppressed with it, and the Ausgaben get their own check: hidden money must
  not follow from sums over help groups, areas and the Kreis either;
- rates only from 300 young people, averages (durations, cost per case) only from 10 cases; trends,
  indices and comparisons are computed from the shown values only;
- or, instead of suppression, every count rounded to a multiple of 5 (Destatis); then the money of
  a cell whose rounded count is below 10 is hidden and checked the same way.

There is no Planungsraum level: Gemeinden are too small to publish help counts. Measures not named
here are dropped (safe by default). The pattern (:class:`Sperrmuster`) depends on the data only:
it is worked out once per data version (kept with the version in the store) and shared by every
denominator and scale.
"""

from __future__ import annotations

import io
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from . import geheimhaltung, registry
from .formatting import format_number
from .hilfearten import HILFEGRUPPEN_BY_ID
from .kennzahlen import GROUPS, Engine, _anteil_stationaer, _rate

SPERREN = "sperren"
RUNDEN = "runden"
VERFAHREN = {SPERREN: "Sperrung kleiner Zahlen (1 bis 4) mit Sekundärsperrung",
             RUNDEN: "Rundung aller Fallzahlen auf ein Vielfaches von 5"}
EBENEN = ("sozialraum", "kreis")
# Codes of :meth:`Engine.sperrvermerk`; shown alike (one sign), kept apart for tests and notes.
OFFEN, PRIMAER, SEKUNDAER = 0, 1, 2
LEGENDE = (f"„{geheimhaltung.GESPERRT}“ = gesperrt: Fallzahlen von 1 bis 4 und die Zahlen, aus denen sie sich "
           "zurückrechnen ließen, werden zum Schutz der Familien nicht genannt, mit ihnen Ausgaben, Quoten und "
           "Dauern. Quoten erst ab 300 jungen Menschen, Durchschnitte erst ab 10 Fällen.")
LEGENDE_RUNDEN = ("Alle Fallzahlen auf ein Vielfaches von 5 gerundet (Summen für sich gerundet); Eckwerte aus den "
                  f"gerundeten Zahlen. „{geheimhaltung.GESPERRT}“ = gesperrt: Ausgaben bei weniger als 10 Fällen und "
                  "die Summen, aus denen sie sich zurückrechnen ließen. Quoten erst ab 300 jungen Menschen, "
                  "Durchschnitte erst ab 10 Fällen.")
COUNTS = ("inanspruchnahme", "inobhutnahmen", "gefaehrdungseinschaetzungen")
GELD = ("ausgaben", "kosten_je_hilfe")  # and ausgaben_je_* (see :func:`ist_geld`)
GERUNDET_AB = 10  # rounding mode: money is shown only beside a rounded count of at least 10
GELD_MARKE = "geld:"  # a pattern's note on money hidden beyond the counts: "geld:<number of figures>"


class NichtOeffentlich(ValueError):
    """Asked for something the public view does not show."""


def ist_geld(kennzahl: str) -> bool:
    """Whether a measure is money (its suppression follows the money check, not the count's)."""
    return kennzahl.startswith(("ausgaben", "kosten_je_hilfe"))


def zaehlwuerfel(cubes: dict[str, np.ndarray]) -> np.ndarray | None:
    """The published counts as one cube: Inanspruchnahme, for § 42 and § 8a the ended measures."""
    if "inanspruchnahme" not in cubes:
        return None
    counts = cubes["inanspruchnahme"].copy()
    for column in ("inobhutnahmen", "gefaehrdungseinschaetzungen"):
        counts = np.where(np.isnan(counts), cubes[column], counts)
    return counts


# --- one year: the published figures as sums of atoms ------------------------------------------
def zahlenwerk(gebiete: np.ndarray, kreis: np.ndarray, atome: np.ndarray) -> geheimhaltung.Zahlenwerk:
    """The published figures of one year (areas × groups, then the Kreis row) as sums of atoms.

    ``atome`` is combinations × groups (:meth:`Engine.atome`): the kinds of help that occur. When the
    Kreis is more than the sum of its areas (cases or Gemeinden without a Sozialraum), the difference
    is one more unknown area whose figures are not published.
    """
    n_areas = gebiete.shape[0]
    g = sparse.csr_matrix(np.asarray(atome, dtype=float).T)  # groups × atoms
    with np.errstate(invalid="ignore"):
        rest = np.nan_to_num(kreis) - np.nansum(gebiete, axis=0)
    blocks = n_areas + (1 if np.any(np.abs(rest) > 1e-6) else 0)
    area_rows = sparse.kron(sparse.eye(n_areas, blocks, format="csr"), g)
    kreis_rows = sparse.kron(sparse.csr_matrix(np.ones((1, blocks))), g)
    matrix = sparse.vstack([area_rows, kreis_rows]).tocsr()
    werte = np.concatenate([gebiete.ravel(), kreis.ravel()]).astype(float)
    return geheimhaltung.Zahlenwerk(matrix, werte)


def schuetzen_jahr(gebiete: np.ndarray, kreis: np.ndarray, atome: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Suppression codes (areas × groups, groups) for the counts of one year."""
    werk = zahlenwerk(gebiete, kreis, atome)
    n_areas, n_groups = gebiete.shape
    zuletzt = np.zeros(werk.n, dtype=bool)
    zuletzt[n_areas * n_groups:] = True  # the Kreis totals stay visible wherever possible
    sperrung = geheimhaltung.sperren_summen(werk, geheimhaltung.klein(werk.werte), zuletzt=zuletzt)
    codes = np.where(sperrung.primaer, PRIMAER, np.where(sperrung.sekundaer, SEKUNDAER, OFFEN)).astype(np.int8)
    return codes[:n_areas * n_groups].reshape(n_areas, n_groups), codes[n_areas * n_groups:]


def geld_jahr(gebiete: np.ndarray, kreis: np.ndarray, atome: np.ndarray, start_gebiete: np.ndarray,
              start_kreis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which Ausgaben of one year are hidden: those of hidden counts (``start_*``) and what protects them."""
    werk = zahlenwerk(gebiete, kreis, atome)
    n_areas, n_groups = gebiete.shape
    zuletzt = np.zeros(werk.n, dtype=bool)
    zuletzt[n_areas * n_groups:] = True
    start = np.concatenate([start_gebiete.ravel(), start_kreis.ravel()])
    with np.errstate(invalid="ignore"):
        positiv = werk.werte > 0
    sperrung = geheimhaltung.sperren_summen(werk, start, schuetzen=positiv, spanne=geheimhaltung.spanne_geld, zuletzt=zuletzt)
    hidden = sperrung.gesperrt
    return hidden[:n_areas * n_groups].reshape(n_areas, n_groups), hidden[n_areas * n_groups:]


# --- the pattern of a dataset ------------------------------------------------------------------
@dataclass(frozen=True)
class Sperrmuster:
    """What the public view hides: per level (``sozialraum``, ``kreis``) years × areas × groups.

    ``anzahl``: codes OFFEN / PRIMAER / SEKUNDAER of the counts (and everything derived from them);
    ``geld``: True where the Ausgaben are hidden; ``hinweise``: (year, German note) on what had to be
    withheld beyond the usual.
    """

    verfahren: str
    jahre: tuple[int, ...]
    gebiete: tuple[str, ...]
    anzahl: dict[str, np.ndarray]
    geld: dict[str, np.ndarray]
    hinweise: tuple[tuple[int, str], ...] = ()
    gruppen: tuple[str, ...] = field(default=tuple(GROUPS))

    def passt(self, engine: Engine) -> bool:
        """Whether this pattern belongs to the engine's areas, groups and (a subset of) years."""
        return (self.gruppen == tuple(GROUPS) and set(engine.jahre) <= set(self.jahre)
                and self.gebiete == tuple(engine._areas("sozialraum")))

    def fuer_jahre(self, jahre: list[int]) -> Sperrmuster:
        if list(jahre) == list(self.jahre):
            return self
        position = [self.jahre.index(j) for j in jahre]
        return Sperrmuster(self.verfahren, tuple(jahre), self.gebiete,
                           {e: c[position] for e, c in self.anzahl.items()},
                           {e: c[position] for e, c in self.geld.items()},
                           tuple(h for h in self.hinweise if h[0] in jahre), self.gruppen)

    def als_bytes(self) -> bytes:
        """For the store: arrays as npz, the rest as JSON."""
        buffer = io.BytesIO()
        meta = {"verfahren": self.verfahren, "jahre": list(self.jahre), "gebiete": list(self.gebiete),
                "gruppen": list(self.gruppen), "hinweise": [list(h) for h in self.hinweise],
                "ebenen": sorted(set(self.anzahl) | set(self.geld))}
        arrays = {f"anzahl_{e}": c for e, c in self.anzahl.items()} | {f"geld_{e}": c for e, c in self.geld.items()}
        np.savez_compressed(buffer, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), **arrays)
        return buffer.getvalue()

    @classmethod
    def aus_bytes(cls, data: bytes) -> Sperrmuster:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            meta = json.loads(arrays["meta"].tobytes().decode())
            anzahl = {e: arrays[f"anzahl_{e}"] for e in meta["ebenen"] if f"anzahl_{e}" in arrays}
            geld = {e: arrays[f"geld_{e}"] for e in meta["ebenen"] if f"geld_{e}" in arrays}
        return cls(meta["verfahren"], tuple(meta["jahre"]), tuple(meta["gebiete"]), anzahl, geld,
                   tuple((int(j), str(t)) for j, t in meta["hinweise"]), tuple(meta["gruppen"]))


def _label(gruppe: str) -> str:
    return HILFEGRUPPEN_BY_ID[gruppe].label


def _hinweise(jahr: int, kreis_codes: np.ndarray, gebiete_codes: np.ndarray, counts_kreis: np.ndarray,
              geld_extra: int) -> list[tuple[int, str]]:
    out = []
    published = ~np.isnan(counts_kreis)
    kreis_hidden = (kreis_codes != OFFEN) & published

    def namen(codes: np.ndarray) -> str:
        gruppen = [_label(GROUPS[g]) for g in np.flatnonzero(codes)]
        return ", ".join(gruppen[:4]) + (" …" if len(gruppen) > 4 else "")

    if published.any() and kreis_hidden.sum() == published.sum() and (gebiete_codes != OFFEN).all():
        out.append((jahr, f"{jahr}: keine Fallzahlen veröffentlicht: bei so wenigen Fällen ließe sich jede Zahl "
                          "auf einzelne Familien zurückführen."))
        return out
    if (kreis_hidden & (kreis_codes == PRIMAER)).any():
        out.append((jahr, f"{jahr}: Kreiswerte mit 1 bis 4 Fällen gesperrt ({namen(kreis_hidden & (kreis_codes == PRIMAER))})."))
    if (kreis_hidden & (kreis_codes == SEKUNDAER)).any():
        out.append((jahr, f"{jahr}: auch Kreiswerte gesperrt ({namen(kreis_hidden & (kreis_codes == SEKUNDAER))}), weil "
                          "sich sonst kleine Zahlen der Sozialräume zurückrechnen ließen."))
    if geld_extra:
        out.append((jahr, f"{GELD_MARKE}{geld_extra}"))  # worded for all years together (Schutz.hinweise)
    return out


def sperrmuster_berechnen(engine: Engine, verfahren: str = SPERREN) -> Sperrmuster:
    """Work out the pattern from the engine's exact figures of Sozialräume and Kreis, year by year."""
    if verfahren not in VERFAHREN:
        raise ValueError(f"Unbekanntes Geheimhaltungsverfahren {verfahren!r}; erlaubt: {', '.join(VERFAHREN)}")
    gebiete = engine.basis("sozialraum")
    kreis = engine.basis("kreis")
    n_years, n_areas, n_groups = len(engine.jahre), len(engine._areas("sozialraum")), len(GROUPS)
    anzahl = {"sozialraum": np.zeros((n_years, n_areas, n_groups), dtype=np.int8),
              "kreis": np.zeros((n_years, 1, n_groups), dtype=np.int8)}
    geld = {"sozialraum": np.zeros((n_years, n_areas, n_groups), dtype=bool),
            "kreis": np.zeros((n_years, 1, n_groups), dtype=bool)}
    hinweise: list[tuple[int, str]] = []
    counts_g, counts_k = zaehlwuerfel(gebiete), zaehlwuerfel(kreis)
    hat_faelle = counts_g is not None and counts_k is not None
    hat_geld = "ausgaben" in gebiete and "ausgaben" in kreis
    atome_faelle = engine.atome("faelle") if hat_faelle else None
    atome_geld = engine.atome("ausgaben") if hat_geld else None

    def jahr(j: int) -> int:
        """One year's counts, then its money (the years do not depend on each other)."""
        # What hides the money of a cell: its hidden count, or (rounding) a rounded count below 10.
        verdeckt_g = np.zeros((n_areas, n_groups), dtype=bool)
        verdeckt_k = np.zeros(n_groups, dtype=bool)
        if hat_faelle and verfahren == SPERREN:
            anzahl["sozialraum"][j], anzahl["kreis"][j, 0] = schuetzen_jahr(counts_g[j], counts_k[j, 0], atome_faelle)
            verdeckt_g, verdeckt_k = anzahl["sozialraum"][j] != OFFEN, anzahl["kreis"][j, 0] != OFFEN
        elif hat_faelle:
            with np.errstate(invalid="ignore"):
                verdeckt_g = geheimhaltung.runden_auf_fuenf(counts_g[j]) < GERUNDET_AB
                verdeckt_k = geheimhaltung.runden_auf_fuenf(counts_k[j, 0]) < GERUNDET_AB
        if not hat_geld:
            return 0
        geld["sozialraum"][j], geld["kreis"][j, 0] = geld_jahr(gebiete["ausgaben"][j], kreis["ausgaben"][j, 0],
                                                                atome_geld, verdeckt_g, verdeckt_k)
        return int((geld["sozialraum"][j] & ~verdeckt_g).sum() + (geld["kreis"][j, 0] & ~verdeckt_k).sum())

    # HiGHS releases the GIL while it solves: the years run on every core the process may use.
    kerne = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, n_years)
    if kerne > 1:
        with ThreadPoolExecutor(kerne) as pool:
            extra = list(pool.map(jahr, range(n_years)))
    else:
        extra = [jahr(j) for j in range(n_years)]
    for j, jahr_ in enumerate(engine.jahre):
        counts_kreis = counts_k[j, 0] if counts_k is not None else np.full(n_groups, np.nan)
        hinweise += _hinweise(jahr_, anzahl["kreis"][j, 0], anzahl["sozialraum"][j], counts_kreis, extra[j])
    return Sperrmuster(verfahren, tuple(engine.jahre), tuple(engine._areas("sozialraum")), anzahl, geld,
                       tuple(hinweise))


# --- the case structure (fallstruktur): partitions of the published Hilfen insgesamt -------------
@dataclass(frozen=True)
class Strukturmuster:
    """The public view's figures of one feature of the case structure in one year.

    Per level (``sozialraum``, ``kreis``): ``anzahl`` areas × public help groups × categories and
    ``nenner`` areas × groups (the Hilfen insgesamt, for the ending the ended helps), NaN where withheld;
    ``gesperrt`` marks what is withheld (shown as "•"). ``hinweis``: a German note when more had to go.
    """

    kategorien: tuple[str, ...]
    gruppen: tuple[str, ...]
    anzahl: dict[str, np.ndarray]
    nenner: dict[str, np.ndarray]
    gesperrt: dict[str, np.ndarray]
    nenner_gesperrt: dict[str, np.ndarray]
    hinweis: str = ""
    gerundet: bool = False  # counts rounded to multiples of 5 (shares only from 10 helps on)


# The suppression of a case structure is one linear programme over areas × kinds of help × categories;
# beyond this many unknowns (some 15 Sozialräume with 8 categories) it would keep a visitor waiting for
# minutes: the structure is then rounded to multiples of 5 instead (Destatis' other procedure), with a note.
STRUKTUR_HOECHSTENS_ATOME = 2500


def fallstruktur_zahlenwerk(atome_g: np.ndarray, atome_k: np.ndarray, alle: np.ndarray, oeffentlich_: np.ndarray,
                            teilsumme: np.ndarray | None) -> geheimhaltung.Zahlenwerk:
    """The figures of one feature and year as sums of atoms (area × combination × category).

    Per area and for the Kreis: the Hilfen insgesamt of every help group (``alle``: combinations × groups,
    the main table's figures), the count of every category in the public groups (``oeffentlich_``) and,
    with ``teilsumme``, the sum of those categories per public group. A Kreis beyond its Sozialräume is one
    more unknown area, as in :func:`zahlenwerk`.
    """
    n_areas, n_combos, n_cats = atome_g.shape
    rest = atome_k[0] - atome_g.sum(axis=0)
    blocks = n_areas + (1 if np.any(np.abs(rest) > 1e-9) else 0)
    teile = [sparse.kron(sparse.csr_matrix(alle.T), sparse.csr_matrix(np.ones((1, n_cats)))),
             sparse.kron(sparse.csr_matrix(oeffentlich_.T), sparse.eye(n_cats))]
    if teilsumme is not None:
        teile.append(sparse.kron(sparse.csr_matrix(oeffentlich_.T), sparse.csr_matrix(teilsumme[None, :].astype(float))))
    block = sparse.vstack(teile).tocsr()
    matrix = sparse.vstack([sparse.kron(sparse.eye(n_areas, blocks), block),
                            sparse.kron(sparse.csr_matrix(np.ones((1, blocks))), block)]).tocsr()
    teile_x = [atome_g.reshape(n_areas, -1)] + ([rest.reshape(1, -1)] if blocks > n_areas else [])
    x = np.concatenate(teile_x).ravel()
    return geheimhaltung.Zahlenwerk(matrix, matrix @ x)


def fallstruktur_sperren(atome_g: np.ndarray, atome_k: np.ndarray, alle: np.ndarray, oeffentlich_: np.ndarray,
                         codes_g: np.ndarray, codes_k: np.ndarray, pub_in_alle: list[int], nie: np.ndarray,
                         teilsumme: np.ndarray | None, sensibel_g: np.ndarray, sensibel_k: np.ndarray,
                         ) -> tuple[np.ndarray, np.ndarray, bool]:
    """Which figures of a feature's table the public view withholds in one year.

    The main table's Hilfen insgesamt keep their pattern (``codes_*``: hidden ones stay hidden and protected,
    shown ones may not be hidden). Withheld from the start: every category and sum of a hidden total,
    counts of 1 to 4, and the never published categories (``nie``; protected only where ``sensibel_*``
    or small). Then further figures so that none of the hidden totals, the counts of 1 to 4 and the figures
    hidden to protect them can be worked out (:func:`geheimhaltung.sperren_summen`).
    Returns hidden flags per (areas + Kreis) × public group × (categories [+ sum]) and whether a shown
    total would have had to go (then everything of the year is withheld).
    """
    n_areas = atome_g.shape[0]
    n_alle, n_pub, n_cats = alle.shape[1], oeffentlich_.shape[1], len(nie)
    n_s = n_pub if teilsumme is not None else 0
    je_zeile = n_alle + n_pub * n_cats + n_s
    werk = fallstruktur_zahlenwerk(atome_g, atome_k, alle, oeffentlich_, teilsumme)
    werte = werk.werte.reshape(n_areas + 1, je_zeile)
    codes = np.vstack([codes_g, codes_k[None, :]])
    sensibel = np.vstack([sensibel_g, sensibel_k[None, :]])
    summe_hidden = codes[:, pub_in_alle] != OFFEN  # rows × public groups
    start = np.zeros_like(werte, dtype=bool)
    start[:, :n_alle] = codes != OFFEN
    kat = werte[:, n_alle:n_alle + n_pub * n_cats].reshape(-1, n_pub, n_cats)
    klein_kat = geheimhaltung.klein(kat)
    start[:, n_alle:n_alle + n_pub * n_cats] = (klein_kat | summe_hidden[:, :, None] | nie[None, None, :]).reshape(
        n_areas + 1, -1)
    # What must not be worked out: every hidden total, every count of 1 to 4 and whatever is hidden to protect
    # them. A category of a hidden total is hidden with it, but a 0 or a count of 5 and more there may follow
    # from the rest (it gives no small count away; protecting it would withhold Kreis zeros for nothing).
    schutz = np.ones_like(start)
    in_gesperrter_zeile = summe_hidden[:, :, None]
    # The running helps are at most the Hilfen insgesamt (none ended): they are protected by a value below
    # (more ended helps), and one of 0 needs none (next year's begun helps are then next year's total).
    laufend_null = nie[None, None, :] & (kat == 0)
    schutz[:, n_alle:n_alle + n_pub * n_cats] = (
        klein_kat | (~in_gesperrter_zeile & ~nie[None, None, :])
        | (nie[None, None, :] & sensibel[:, :, None] & ~laufend_null)
    ).reshape(n_areas + 1, -1)
    richtung = np.ones_like(werte)
    richtung[:, n_alle:n_alle + n_pub * n_cats] = np.tile(np.where(nie, -1.0, 1.0), n_pub)
    richtung = richtung.ravel()
    if n_s:
        klein_s = geheimhaltung.klein(werte[:, n_alle + n_pub * n_cats:])
        start[:, n_alle + n_pub * n_cats:] = klein_s | summe_hidden
        schutz[:, n_alle + n_pub * n_cats:] = klein_s | ~summe_hidden
    fest = np.zeros_like(start)
    fest[:, :n_alle] = codes == OFFEN
    zuletzt = np.zeros_like(start)
    zuletzt[-1, n_alle:] = True  # the Kreis's structure stays visible wherever possible
    sperrung = geheimhaltung.sperren_summen(werk, start.ravel(), schuetzen=schutz.ravel(), zuletzt=zuletzt.ravel(),
                                            fest=fest.ravel(), spanne=lambda w: richtung * geheimhaltung.spanne_anzahl(w))
    hidden = sperrung.gesperrt.reshape(n_areas + 1, je_zeile)
    ueberlauf = bool((hidden & fest).any())
    if ueberlauf:  # pragma: no cover - the categories can always carry the protection
        hidden[:, n_alle:] = True
    kategorien = hidden[:, n_alle:n_alle + n_pub * n_cats].reshape(n_areas + 1, n_pub, n_cats)
    summen = hidden[:, n_alle + n_pub * n_cats:] if n_s else summe_hidden
    return kategorien, summen, ueberlauf


# --- the policy ---------------------------------------------------------------------------------
class Schutz:
    """The protection of the public view, given to an :class:`Engine`.

    Holds the procedure (``sperren`` or ``runden``) and the pattern once it is worked out: from the
    store's copy of the data version when there is one, else from the engine's exact figures.
    """

    ansicht = "oeffentlich"

    def __init__(self, verfahren: str = SPERREN, muster: Sperrmuster | None = None):
        if verfahren not in VERFAHREN:
            raise ValueError(f"Unbekanntes Geheimhaltungsverfahren {verfahren!r}; erlaubt: {', '.join(VERFAHREN)}")
        if muster is not None and muster.verfahren != verfahren:
            raise ValueError("Das Sperrmuster gehört zu einem anderen Geheimhaltungsverfahren.")
        self.verfahren = verfahren
        self._muster = muster
        self._lock = threading.Lock()
        self._struktur: dict[tuple, Strukturmuster] = {}
        self._struktur_lock = threading.Lock()

    @property
    def legende(self) -> str:
        return LEGENDE_RUNDEN if self.verfahren == RUNDEN else LEGENDE

    @staticmethod
    def pruefe_ebene(ebene: str) -> None:
        if ebene not in EBENEN:
            raise NichtOeffentlich("Die öffentliche Ansicht zeigt nur Sozialräume und den Kreis, keine Planungsräume.")

    def muster(self, engine: Engine) -> Sperrmuster:
        """The pattern for the engine's data and years (worked out at most once per data)."""
        with self._lock:
            if self._muster is None or not self._muster.passt(engine):
                gespeichert = engine._dataset.sperrmuster.get(self.verfahren)
                if gespeichert is not None and gespeichert.passt(engine):
                    self._muster = gespeichert
                else:
                    self._muster = sperrmuster_berechnen(engine, self.verfahren)
            return self._muster.fuer_jahre(engine.jahre)

    def hinweise(self, engine: Engine) -> list[str]:
        """German notes on what had to be withheld beyond the usual (whole years, Kreis totals, money)."""
        muster = self.muster(engine)
        out = [text for _jahr, text in muster.hinweise if not text.startswith(GELD_MARKE)]
        geld = [(jahr, int(text.removeprefix(GELD_MARKE))) for jahr, text in muster.hinweise
                if text.startswith(GELD_MARKE)]
        if geld:
            n = sum(k for _j, k in geld)
            jahre = sorted(j for j, _k in geld)
            wann = f"{jahre[0]}" if len(jahre) == 1 else f"{jahre[0]}–{jahre[-1]}"
            felder = "einem weiteren Feld" if n == 1 else f"{format_number(n)} weiteren Feldern"
            out.append(f"{wann}: Ausgaben in {felder} gesperrt, obwohl die Fallzahl genannt ist: sonst ließen sich "
                       "gesperrte Ausgaben aus Summen über Hilfearten, Sozialräume und Kreis zurückrechnen.")
        return out

    def fallstruktur(self, engine: Engine, jahr: int, merkmal: str) -> Strukturmuster:
        """The public figures of one feature of the case structure (:mod:`fallstruktur`) in ``jahr``, worked out
        once per data and year: Hilfen insgesamt by age, sex or reason, or by how they ended, in the public
        help groups, with the same protection as every count (or rounded to 5)."""
        key = (merkmal, jahr, tuple(engine.jahre))
        with self._struktur_lock:
            if key not in self._struktur:
                self._struktur[key] = self._fallstruktur(engine, jahr, merkmal)
            return self._struktur[key]

    def _fallstruktur(self, engine: Engine, jahr: int, merkmal: str) -> Strukturmuster:
        from . import fallstruktur as fs
        from .hilfearten import RATE_GROUPS

        faelle = engine.strukturfaelle()
        pub, alle = list(fs.OEFFENTLICHE_GRUPPEN), list(RATE_GROUPS)
        gi = {g: i for i, g in enumerate(GROUPS)}
        y = engine.jahre.index(jahr)
        oa = {e: fs.oeffentliche_atome(engine, faelle, e, jahr, merkmal) for e in EBENEN}
        m_alle, m_pub = faelle.mitglieder(alle), faelle.mitglieder(pub)
        exakt = {e: fs.nach_gruppen(oa[e].atome, m_pub) for e in EBENEN}  # areas × pub × categories
        summe = {e: engine.basis(e)["inanspruchnahme"][y][:, [gi[g] for g in pub]] for e in EBENEN}
        if oa["kreis"].teilsumme is not None:
            summe = {e: exakt[e][:, :, oa[e].teilsumme].sum(axis=2) for e in EBENEN}
        zeigen = ~oa["kreis"].nie
        kategorien = tuple(k for k, z in zip(oa["kreis"].kategorien, zeigen) if z)
        if self.verfahren == RUNDEN:
            anzahl = {e: geheimhaltung.runden_auf_fuenf(exakt[e][:, :, zeigen]) for e in EBENEN}
            nenner = {e: geheimhaltung.runden_auf_fuenf(summe[e]) for e in EBENEN}
            return Strukturmuster(kategorien, tuple(pub), anzahl, nenner,
                                  {e: np.zeros(anzahl[e].shape, dtype=bool) for e in EBENEN},
                                  {e: np.zeros(nenner[e].shape, dtype=bool) for e in EBENEN}, gerundet=True)
        muster = self.muster(engine)

        def gerundet(hinweis: str) -> Strukturmuster:
            """Rounded beside the exact Hilfen insgesamt; where those are withheld, the whole cell is."""
            verdeckt = {e: muster.anzahl[e][y][:, [gi[g] for g in pub]] != OFFEN for e in EBENEN}
            anzahl = {e: np.where(verdeckt[e][:, :, None], np.nan, geheimhaltung.runden_auf_fuenf(exakt[e][:, :, zeigen]))
                      for e in EBENEN}
            teil = oa["kreis"].teilsumme is not None
            nenner = {e: np.where(verdeckt[e], np.nan, geheimhaltung.runden_auf_fuenf(summe[e]) if teil else summe[e])
                      for e in EBENEN}
            return Strukturmuster(kategorien, tuple(pub), anzahl, nenner,
                                  {e: np.broadcast_to(verdeckt[e][:, :, None], anzahl[e].shape).copy() for e in EBENEN},
                                  verdeckt, hinweis, gerundet=True)

        if oa["sozialraum"].atome.size > STRUKTUR_HOECHSTENS_ATOME:
            return gerundet(f"Bei {len(engine._areas('sozialraum'))} Sozialräumen ist die Fallstruktur auf Vielfache "
                            "von 5 gerundet statt gesperrt (die Prüfung jeder einzelnen Zahl dauerte zu lange); "
                            "Anteile erst ab 10 Hilfen.")
        codes = {e: muster.anzahl[e][y][:, [gi[g] for g in alle]] for e in EBENEN}
        sensibel = {e: np.zeros((len(engine._areas(e)), len(pub)), dtype=bool) for e in EBENEN}
        if oa["kreis"].nie.any() and jahr + 1 in engine.jahre:
            # What runs on 31.12. of this year, with next year's Hilfen insgesamt, gives next year's begun
            # helps: protected where those are few or next year's total is withheld.
            y1 = engine.jahre.index(jahr + 1)
            for e in EBENEN:
                begonnen = fs.anzahl(engine, faelle, e, jahr + 1, fs.BEGONNEN, pub)
                sensibel[e] = (muster.anzahl[e][y1][:, [gi[g] for g in pub]] != OFFEN) | geheimhaltung.klein(begonnen)
        pub_in_alle = [alle.index(g) for g in pub]
        try:
            hidden, summen, ueberlauf = fallstruktur_sperren(
                oa["sozialraum"].atome, oa["kreis"].atome, m_alle, m_pub, codes["sozialraum"], codes["kreis"][0],
                pub_in_alle, oa["kreis"].nie, oa["kreis"].teilsumme, sensibel["sozialraum"], sensibel["kreis"][0])
        except RuntimeError:  # the solver undecided: the public view never fails, it rounds instead
            import logging

            logging.getLogger(__name__).exception("Fallstruktur %s %s: Sperrung nicht berechnet", merkmal, jahr)
            return gerundet(f"{jahr}: die Fallstruktur ist auf Vielfache von 5 gerundet statt gesperrt (die Prüfung "
                            "der gesperrten Zahlen kam zu keinem Ergebnis); Anteile erst ab 10 Hilfen.")
        teile = {"sozialraum": slice(0, -1), "kreis": slice(-1, None)}
        gesperrt = {e: hidden[t][:, :, zeigen] for e, t in teile.items()}
        nenner_gesperrt = {e: summen[t] for e, t in teile.items()}
        anzahl = {e: np.where(gesperrt[e], np.nan, exakt[e][:, :, zeigen]) for e in EBENEN}
        nenner = {e: np.where(nenner_gesperrt[e], np.nan, summe[e]) for e in EBENEN}
        hinweis = (f"{jahr}: keine Fallstruktur veröffentlicht, weil sich sonst gesperrte Zahlen zurückrechnen "
                   "ließen." if ueberlauf else "")
        return Strukturmuster(kategorien, tuple(pub), anzahl, nenner, gesperrt, nenner_gesperrt, hinweis)

    def vermerke(self, engine: Engine, ebene: str, kennzahl: str | None = None) -> np.ndarray:
        """Codes per year × area × group; for money the money's own pattern (SEKUNDAER where only it is hidden)."""
        self.pruefe_ebene(ebene)
        muster = self.muster(engine)
        codes = muster.anzahl[ebene].copy()
        if self.verfahren == RUNDEN:
            codes[:] = OFFEN
        if kennzahl is not None and ist_geld(kennzahl):
            codes = np.where(muster.geld[ebene] & (codes == OFFEN), SEKUNDAER, codes).astype(np.int8)
            codes = np.where(~muster.geld[ebene], OFFEN, codes).astype(np.int8)
        return codes

    def anwenden(self, engine: Engine, ebene: str) -> dict[str, np.ndarray]:
        """The public measures of one level from the engine's exact ones (see the module docstring)."""
        basis = engine.basis(ebene)
        muster = self.muster(engine)
        opt = engine.optionen
        out: dict[str, np.ndarray] = {name: cube.copy() for name, cube in basis.items()
                                      if name.startswith("bevoelkerung_")}
        counts = zaehlwuerfel(basis)
        geld = muster.geld[ebene]
        sichtbar = None  # where a cell's count is published (money and durations need it)
        if counts is not None:
            if self.verfahren == RUNDEN:
                shown = geheimhaltung.runden_auf_fuenf(counts)
                with np.errstate(invalid="ignore"):
                    sichtbar = shown >= GERUNDET_AB
            else:
                hidden = muster.anzahl[ebene] != OFFEN
                shown = np.where(hidden, np.nan, counts)
                sichtbar = ~hidden
            for column in COUNTS:
                out[column] = np.where(np.isnan(basis[column]), np.nan, shown)

            def with_people(values: np.ndarray, nenner: str) -> np.ndarray:
                people = basis.get(f"bevoelkerung_{nenner}")
                if people is None:
                    return np.full(values.shape, np.nan)
                return np.where(people >= geheimhaltung.MIN_JUNGE_MENSCHEN, values, np.nan)

            if opt.eckwert in basis:
                out[opt.eckwert] = with_people(_rate(out["inanspruchnahme"], basis[f"bevoelkerung_{opt.nenner}"],
                                                     opt.skala), opt.nenner)
            eck41 = registry.eckwert_id(opt.skala, "18_21")
            if eck41 in basis and eck41 != opt.eckwert:
                group = np.array(GROUPS, dtype=object)
                rate = _rate(out["inanspruchnahme"], basis["bevoelkerung_18_21"], opt.skala)
                out[eck41] = with_people(np.where(group == "§41", rate, np.nan), "18_21")
            out["anteil_stationaer"] = _anteil_stationaer(out["inanspruchnahme"])
        if "ausgaben" in basis:
            out["ausgaben"] = np.where(geld, np.nan, basis["ausgaben"])
            if opt.ausgaben_je in basis:
                people = basis.get(f"bevoelkerung_{opt.ausgaben_nenner}")
                ok = ~geld & (people >= geheimhaltung.MIN_JUNGE_MENSCHEN if people is not None else False)
                out[opt.ausgaben_je] = np.where(ok, basis[opt.ausgaben_je], np.nan)
            if "kosten_je_hilfe" in basis and self.verfahren == SPERREN and counts is not None:
                # With rounded counts, exact costs per case and exact money would give the exact count.
                enough = ~geld & sichtbar & (basis["inanspruchnahme"] >= geheimhaltung.MIN_FAELLE_MITTEL)
                out["kosten_je_hilfe"] = np.where(enough, basis["kosten_je_hilfe"], np.nan)
        if "dauer_anzahl" in basis:
            enough = basis["dauer_anzahl"] >= geheimhaltung.MIN_FAELLE_MITTEL
            if sichtbar is not None:
                enough &= sichtbar
            for column in ("dauer_mittel_monate", "dauer_median_monate"):
                if column in basis:
                    out[column] = np.where(enough, basis[column], np.nan)
        return out


def engine_fuer(dataset, optionen=None, ansicht: str = "planung", verfahren: str = SPERREN) -> Engine:  # noqa: ANN001
    """The engine of a view: exact for ``planung``, protected for ``oeffentlich``."""
    if ansicht == "oeffentlich":
        return Engine(dataset, optionen, schutz=Schutz(verfahren))
    if ansicht != "planung":
        raise ValueError(f"Unbekannte Ansicht {ansicht!r}; erlaubt: oeffentlich, planung")
    return Engine(dataset, optionen)


def version_vorbereiten(store, version_id: int) -> list[Sperrmuster]:  # noqa: ANN001 - store.Store
    """Work out the public view's patterns (both procedures) of a stored version and keep them with it.

    Called when a version is saved (import, rollback), so that no visitor of the public view waits
    for the protection; a version saved before this existed gets its patterns on first use instead.
    """
    from .dataset import load_store

    dataset = load_store(store, version_id)
    engine = Engine(dataset)
    out = []
    for verfahren in VERFAHREN:
        muster = sperrmuster_berechnen(engine, verfahren)
        store.sperrmuster_speichern(version_id, muster)
        out.append(muster)
    return out
