"""The public view (Jugendhilfeausschuss): the engine's figures with the confidentiality rules applied.

domain.md, Confidentiality: counts 1–4 are suppressed ("< 5") with secondary suppression so that no
suppressed count can be recovered; rates need 300 young people, averages 10 cases; alternatively
every count is rounded to a multiple of 5. :class:`OeffentlicheEngine` is an :class:`Engine` whose
cubes already obey these rules, so every table, map, chart, text and export built on it does too.

What the public view publishes (and the attacker of :mod:`geheimhaltung` is given):

- per year, Sozialraum and Kreis the Inanspruchnahme of every help group, the Inobhutnahmen (§ 42)
  and Gefährdungseinschätzungen (§ 8a); begonnen, beendet and andauernd are left out (with them,
  the counts of different years would be tied together by andauernd(j) = andauernd(j−1) +
  begonnen(j) − beendet(j));
- rates, money and averages only where the count they rest on is shown, the area has at least 300
  young people (rates) or the average rests on at least 10 cases;
- changes, indices and trends computed from the shown values only, so no difference between years
  reveals a suppressed one.

There is no Planungsraum level: Gemeinden are too small to publish help counts.
Measures not named here are dropped (safe by default).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from . import geheimhaltung, hilfearten, registry
from .dataset import Dataset
from .kennzahlen import GROUPS, Engine, Optionen, _anteil_stationaer, _rate

SPERREN = "sperren"
RUNDEN = "runden"
VERFAHREN = {SPERREN: "Sperrung kleiner Zahlen (1 bis 4) mit Sekundärsperrung",
             RUNDEN: "Rundung aller Fallzahlen auf ein Vielfaches von 5"}
EBENEN = ("sozialraum", "kreis")
# Codes of :meth:`OeffentlicheEngine.sperrvermerk`.
OFFEN, PRIMAER, SEKUNDAER = 0, 1, 2
ZEICHEN = {PRIMAER: geheimhaltung.GESPERRT, SEKUNDAER: "•"}
LEGENDE = ("„< 5“: 1 bis 4 Fälle, zum Schutz der Familien nicht genannt. „•“: gesperrt, damit sich kleine "
           "Zahlen nicht aus Summen zurückrechnen lassen. Quoten erst ab 300 jungen Menschen, Durchschnitte "
           "erst ab 10 Fällen.")
LEGENDE_RUNDEN = ("Alle Fallzahlen auf ein Vielfaches von 5 gerundet (Summen für sich gerundet); Eckwerte aus "
                  "den gerundeten Zahlen. Quoten erst ab 300 jungen Menschen, Durchschnitte erst ab 10 Fällen.")
COUNTS = ("inanspruchnahme", "inobhutnahmen", "gefaehrdungseinschaetzungen")


class NichtOeffentlich(ValueError):
    """Asked for something the public view does not show."""


# --- the atoms: kinds of help that no published group splits further ---------------------
def _atome() -> pd.DataFrame:
    rows = []
    for h in hilfearten.CATALOGUE:
        bereiche = [h.bereich] + ([hilfearten.EINGLIEDERUNGSHILFE] if h.code == "§41" else [])
        if h.default_setting is None:
            settings = [None]
        elif h.code == "§35":
            settings = [hilfearten.AMBULANT, hilfearten.STATIONAER]
        elif h.setting_from_field:
            settings = [*hilfearten.SETTINGS] + ([None] if h.code in ("§35a", "§41") else [])
        else:
            settings = [h.default_setting]
        rows += [(h.code, b, s) for b in bereiche for s in settings]
    return pd.DataFrame(rows, columns=["code", "bereich", "setting"])


ATOME = _atome()


def gruppen_matrix() -> np.ndarray:
    """Help groups (rows, in the engine's order) × atoms: 1 where the atom counts in the group."""
    code, bereich, setting = ATOME["code"], ATOME["bereich"], ATOME["setting"]
    return np.array([hilfearten.HILFEGRUPPEN_BY_ID[g].mask(code, bereich, setting).to_numpy(dtype=float)
                     for g in GROUPS])


def zahlenwerk(gebiete: np.ndarray, kreis: np.ndarray) -> tuple[geheimhaltung.Zahlenwerk, int]:
    """The published counts of one year as sums of atoms: areas × groups, then the Kreis row.

    When the Kreis is more than the sum of its areas (cases or Gemeinden without a Sozialraum), the
    difference is one more unknown area whose figures are not published.
    """
    n_areas, n_groups = gebiete.shape
    g = sparse.csr_matrix(gruppen_matrix())
    with np.errstate(invalid="ignore"):
        rest = np.nan_to_num(kreis) - np.nansum(gebiete, axis=0)
    blocks = n_areas + (1 if np.any(np.abs(rest) > 1e-9) else 0)
    area_rows = sparse.kron(sparse.eye(n_areas, blocks, format="csr"), g)
    kreis_rows = sparse.kron(sparse.csr_matrix(np.ones((1, blocks))), g)
    matrix = sparse.vstack([area_rows, kreis_rows]).tocsr()
    werte = np.concatenate([gebiete.ravel(), kreis.ravel()]).astype(float)
    return geheimhaltung.Zahlenwerk(matrix, werte), n_groups


def schuetzen_jahr(gebiete: np.ndarray, kreis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Suppression codes (areas × groups, groups) for the counts of one year."""
    werk, n_groups = zahlenwerk(gebiete, kreis)
    n_areas = gebiete.shape[0]

    def partner(figur: int) -> list[int]:
        area, group = divmod(figur, n_groups)
        same_area = [area * n_groups + k for k in range(n_groups)]
        same_group = [a * n_groups + group for a in range(n_areas + 1)]
        return same_area + same_group

    kreis = np.zeros(werk.n, dtype=bool)
    kreis[n_areas * n_groups:] = True  # the Kreis totals stay visible wherever possible
    sperrung = geheimhaltung.sperren_summen(werk, partner, zuletzt=kreis)
    codes = np.where(sperrung.primaer, PRIMAER, np.where(sperrung.sekundaer, SEKUNDAER, OFFEN))
    return codes[:n_areas * n_groups].reshape(n_areas, n_groups), codes[n_areas * n_groups:]


def zaehlwuerfel(cubes: dict[str, np.ndarray]) -> np.ndarray | None:
    """The published counts as one cube: Inanspruchnahme, for § 42 and § 8a the ended measures."""
    if "inanspruchnahme" not in cubes:
        return None
    counts = cubes["inanspruchnahme"].copy()
    for column in ("inobhutnahmen", "gefaehrdungseinschaetzungen"):
        counts = np.where(np.isnan(counts), cubes[column], counts)
    return counts


@dataclass(frozen=True)
class Schutz:
    """Suppression codes per level: years × areas × groups (OFFEN, PRIMAER, SEKUNDAER)."""

    verfahren: str
    codes: dict[str, np.ndarray]


class OeffentlicheEngine(Engine):
    """The engine of the public view: same interface, every figure obeys the confidentiality rules."""

    ansicht = "oeffentlich"

    def __init__(self, dataset: Dataset, optionen: Optionen | None = None, jahre: list[int] | None = None,
                 verfahren: str = SPERREN):
        if verfahren not in VERFAHREN:
            raise ValueError(f"Unbekanntes Geheimhaltungsverfahren {verfahren!r}; erlaubt: {', '.join(VERFAHREN)}")
        super().__init__(dataset, optionen, jahre)
        self.verfahren = verfahren
        self._basis_cache: dict[str, dict[str, np.ndarray]] = {}
        self._schutz: Schutz | None = None

    def areas(self, ebene: str) -> list[str]:
        self._pruefe_ebene(ebene)
        return super().areas(ebene)

    @staticmethod
    def _pruefe_ebene(ebene: str) -> None:
        if ebene not in EBENEN:
            raise NichtOeffentlich("Die öffentliche Ansicht zeigt nur Sozialräume und den Kreis, keine Planungsräume.")

    def _basis_von(self, ebene: str) -> dict[str, np.ndarray]:
        if ebene not in self._basis_cache:
            self._basis_cache[ebene] = self._basis(ebene)
        return self._basis_cache[ebene]

    def schutz(self) -> Schutz:
        """Which counts are suppressed, worked out once for Sozialräume and Kreis together."""
        if self._schutz is None:
            codes: dict[str, np.ndarray] = {}
            gebiete = zaehlwuerfel(self._basis_von("sozialraum"))
            kreis = zaehlwuerfel(self._basis_von("kreis"))
            if gebiete is not None and kreis is not None and self.verfahren == SPERREN:
                codes["sozialraum"] = np.zeros(gebiete.shape, dtype=np.int8)
                codes["kreis"] = np.zeros(kreis.shape, dtype=np.int8)
                for j in range(len(self.jahre)):
                    codes["sozialraum"][j], codes["kreis"][j, 0] = schuetzen_jahr(gebiete[j], kreis[j, 0])
            self._schutz = Schutz(self.verfahren, codes)
        return self._schutz

    def setze_schutz(self, schutz: Schutz) -> None:
        """Reuse the suppression worked out by another engine on the same data (it does not depend
        on denominator or scale)."""
        if schutz.verfahren != self.verfahren:
            raise ValueError("Geheimhaltungsverfahren passt nicht")
        self._schutz = schutz
        self._cubes.clear()
        self._wide.clear()

    def sperrvermerk(self, ebene: str) -> pd.Series:
        """Per (jahr, area, hilfeart) of :meth:`table`: OFFEN, PRIMAER ("< 5") or SEKUNDAER ("•")."""
        self._pruefe_ebene(ebene)
        codes = self.schutz().codes.get(ebene)
        index = self.table(ebene).index
        if codes is None:
            return pd.Series(OFFEN, index=index, dtype=np.int8)
        return pd.Series(codes.ravel(), index=index)

    def _compute(self, ebene: str) -> dict[str, np.ndarray]:
        self._pruefe_ebene(ebene)
        cubes = schuetzen(self._basis_von(ebene), self.schutz().codes.get(ebene), self.optionen, self.verfahren)
        self._add_trends(cubes)
        self._add_comparison(cubes, ebene)
        return cubes

    def long(self, ebene: str, jahre: list[int] | None = None) -> pd.DataFrame:
        self._pruefe_ebene(ebene)
        return super().long(ebene, jahre)


def schuetzen(basis: dict[str, np.ndarray], codes: np.ndarray | None, optionen: Optionen,
              verfahren: str = SPERREN) -> dict[str, np.ndarray]:
    """The public measures of one level from the exact ones (see the module docstring)."""
    opt = optionen
    out: dict[str, np.ndarray] = {}
    for name, cube in basis.items():
        if name.startswith("bevoelkerung_"):
            out[name] = cube.copy()
    counts = zaehlwuerfel(basis)
    if counts is not None:
        if verfahren == RUNDEN:
            shown = geheimhaltung.runden_auf_fuenf(counts)
            hidden = np.zeros(counts.shape, dtype=bool)
        else:
            hidden = codes != OFFEN if codes is not None else np.zeros(counts.shape, dtype=bool)
            shown = np.where(hidden, np.nan, counts)
        for column in COUNTS:
            out[column] = np.where(np.isnan(basis[column]), np.nan, shown)
        exact = basis["inanspruchnahme"]

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
        if "ausgaben" in basis:
            out["ausgaben"] = np.where(hidden, np.nan, basis["ausgaben"])
            if opt.ausgaben_je in basis:
                out[opt.ausgaben_je] = np.where(hidden, np.nan,
                                                with_people(basis[opt.ausgaben_je], opt.ausgaben_nenner))
            if "kosten_je_hilfe" in basis and verfahren == SPERREN:
                # With rounded counts, exact costs per case and exact money would give the exact count.
                enough = ~hidden & (exact >= geheimhaltung.MIN_FAELLE_MITTEL)
                out["kosten_je_hilfe"] = np.where(enough, basis["kosten_je_hilfe"], np.nan)
        out["anteil_stationaer"] = _anteil_stationaer(out["inanspruchnahme"])
    if "dauer_anzahl" in basis:
        enough = basis["dauer_anzahl"] >= geheimhaltung.MIN_FAELLE_MITTEL
        for column in ("dauer_mittel_monate", "dauer_median_monate"):
            if column in basis:
                out[column] = np.where(enough, basis[column], np.nan)
    return out


def engine_fuer(dataset: Dataset, optionen: Optionen | None = None, ansicht: str = "planung",
                verfahren: str = SPERREN) -> Engine:
    """The engine of a view: exact for ``planung``, protected for ``oeffentlich``."""
    if ansicht == "oeffentlich":
        return OeffentlicheEngine(dataset, optionen, verfahren=verfahren)
    if ansicht != "planung":
        raise ValueError(f"Unbekannte Ansicht {ansicht!r}; erlaubt: oeffentlich, planung")
    return Engine(dataset, optionen)
