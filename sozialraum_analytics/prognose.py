"""Prognose of cases and costs per area: the Eckwert trend times the population, with a band.

The model is deliberately simple, so that a planner can redo it with a pocket calculator:

1. **Eckwert trend.** Eckwert = Fälle / Bevölkerung × 1.000 (Inanspruchnahme per 1.000 young people
   of the target age, KVJS style). An ordinary least-squares line over the calendar years with an
   Eckwert (Fälle and Bevölkerung > 0 present; gaps in the years are fine, the line uses the real year
   numbers) is carried forward: ``eckwert(j) = achsenabschnitt + steigung × j``.
2. **Population.** For each forecast year, in this order: the population observed in the series itself
   (population figures often arrive before the case statistics), the population projection (the
   Statistisches Landesamt's, imported as ``bevoelkerungsprognose`` and prepared per area by
   :mod:`.vorausberechnung`, or the caller's table), or else a linear OLS trend over all observed
   population years. ``Prognose.bevoelkerung`` says in one line which one was used, the column
   ``bevoelkerung_aus`` says it per year.
3. **Fälle** = forecast Eckwert × population / 1.000.
4. **Band.** The OLS prediction interval of the Eckwert at the chosen level (default 80 %), t distribution
   with n − 2 degrees of freedom: ``t × s × √(1 + 1/n + (j − j̄)² / Sxx)``, s² = residual sum of
   squares / (n − 2). It is multiplied by population / 1.000 like the point forecast, so it holds the
   uncertainty of the trend only, *not* that of the population projection. With exactly 2 years, or
   when the Eckwerte lie exactly on a line, s cannot be estimated or is 0: the band then has width 0,
   and a note says so (the forecast is not more certain for it).
5. **Kosten.** Kosten je Fall = Ausgaben / Fälle follows its own linear trend (years with Ausgaben and
   Fälle > 0, at least 2); forecast Ausgaben = Kosten je Fall × Fälle, the band = Kosten je Fall × the
   band of the Fälle (so the uncertainty of the Kosten je Fall is not included either).
6. Negative values (a falling trend run out far enough) are set to 0.

:func:`rueckblick` back-tests the same model: it holds out the last observed years, fits the earlier
ones and compares. It uses the *observed* population of the held-out years, so it measures the error
of the Eckwert trend alone; with a projected population the real error can be larger.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .dataset import KREIS_ID
from .formatting import format_number, format_percent, format_signed, jahre_text
from .vorausberechnung import Bevoelkerungsvorgabe

if TYPE_CHECKING:
    from .kennzahlen import Engine

SKALA = 1000
MIN_JAHRE = 2
MIN_JAHRE_RUECKBLICK = 3
MAX_HORIZONT = 10

BEOBACHTET = "beobachtet"
PROGNOSE = "prognose"
# Where the population of a year comes from (column bevoelkerung_aus).
AUS_DATEN = "Daten"
AUS_VORAUSBERECHNUNG = "amtliche Vorausberechnung"
AUS_VORGABE = "angegebene Bevölkerungsprognose"
AUS_LINEAR = "lineare Fortschreibung"

PFLICHTSPALTEN = ["jahr", "faelle", "bevoelkerung"]
PROGNOSE_SPALTEN = [
    "jahr", "art", "faelle", "faelle_unten", "faelle_oben", "eckwert", "eckwert_unten", "eckwert_oben",
    "bevoelkerung", "kosten_je_fall", "ausgaben", "ausgaben_unten", "ausgaben_oben", "bevoelkerung_aus",
]
_ZAHLENSPALTEN = PROGNOSE_SPALTEN[2:-1]
RUECKBLICK_SPALTEN = ["jahr", "faelle", "prognose", "unten", "oben", "fehler", "fehler_prozent", "im_band"]

# A residual this small relative to the Eckwerte is rounding noise of an exact line, not scatter.
_EXAKT = 1e-9


@dataclass(frozen=True)
class Prognose:
    """Observed years and forecast years of one area.

    ``werte`` has one row per year, columns :data:`PROGNOSE_SPALTEN`: ``art`` is "beobachtet" or
    "prognose"; ``bevoelkerung_aus`` where the year's population comes from (:data:`AUS_DATEN`,
    :data:`AUS_VORAUSBERECHNUNG`, :data:`AUS_VORGABE`, :data:`AUS_LINEAR`); ``faelle_unten``/``faelle_oben``,
    ``eckwert_unten``/``eckwert_oben`` and ``ausgaben_unten``/``ausgaben_oben`` are the band (NaN in observed
    years); ``eckwert`` is per 1.000; ``kosten_je_fall`` and ``ausgaben`` are NaN where there is no cost data or no cost forecast.
    ``steigung`` (Eckwert points per year) and ``achsenabschnitt`` (the Eckwert at year 0) give the
    fitted line ``eckwert(j) = achsenabschnitt + steigung × j``; ``standardfehler`` is the residual
    standard error s of the Eckwert (NaN with only 2 years); ``kosten_je_fall_steigung`` is euro per
    year (NaN without a cost forecast). ``hinweise`` are German notes for the page. ``bevoelkerung`` says in one
    line which population the forecast years use: ``"Bevölkerung: amtliche Vorausberechnung (Statistisches
    Landesamt …, Variante …)"`` or ``"Bevölkerung: lineare Fortschreibung (2019–2023)"`` (every output shows it).
    """

    werte: pd.DataFrame
    niveau: float
    hinweise: tuple[str, ...]
    steigung: float
    achsenabschnitt: float
    standardfehler: float
    jahre_angepasst: tuple[int, ...]
    kosten_je_fall_steigung: float
    bevoelkerung: str = ""


@dataclass(frozen=True)
class Rueckblick:
    """Back-test: the last observed years held out, forecast from the earlier ones and compared.

    ``werte`` has one row per held-out year, columns :data:`RUECKBLICK_SPALTEN`: the actual ``faelle``,
    the ``prognose`` with its band ``unten``/``oben``, ``fehler`` = prognose − faelle, ``fehler_prozent``
    = fehler / faelle × 100 (NaN where faelle is 0) and ``im_band`` (the actual lies inside the band).
    ``mae`` is the mean absolute error in cases, ``mape`` the mean absolute percentage error (years with
    0 actual cases skipped; NaN if none is left), ``abdeckung`` the share of held-out years inside the
    band (0 to 1; compare with ``niveau``).
    """

    werte: pd.DataFrame
    mae: float
    mape: float
    abdeckung: float
    niveau: float
    jahre_angepasst: tuple[int, ...]
    jahre_zurueckgehalten: tuple[int, ...]
    hinweise: tuple[str, ...]


@dataclass(frozen=True)
class GebietsPrognose:
    """:func:`prognose_je_gebiet`: ``werte`` = ``raum_id`` + :data:`PROGNOSE_SPALTEN` for every area with
    a Prognose; ``hinweise`` = ``raum_id, hinweis`` (the notes of each area, and the reason for areas
    without a Prognose)."""

    werte: pd.DataFrame
    hinweise: pd.DataFrame


@dataclass(frozen=True)
class _Trend:
    """An OLS line through (jahr, wert), kept centred on the mean year for numerical stability."""

    jahre: tuple[int, ...]
    mittel_jahr: float
    mittel_wert: float
    steigung: float
    sxx: float
    standardfehler: float  # NaN with 2 points, 0 for an exact line

    @classmethod
    def anpassen(cls, jahre: Iterable[int], werte: Iterable[float]) -> _Trend:
        x = np.asarray(list(jahre), dtype=float)
        y = np.asarray(list(werte), dtype=float)
        mittel_jahr, mittel_wert = x.mean(), y.mean()
        dx = x - mittel_jahr
        sxx = float((dx * dx).sum())
        steigung = float((dx * (y - mittel_wert)).sum() / sxx)
        residuen = y - (mittel_wert + steigung * dx)
        if len(x) < 3:
            standardfehler = np.nan
        elif np.abs(residuen).max() <= _EXAKT * max(1.0, np.abs(y).max()):
            standardfehler = 0.0
        else:
            standardfehler = float(np.sqrt((residuen**2).sum() / (len(x) - 2)))
        return cls(tuple(int(j) for j in x), float(mittel_jahr), float(mittel_wert), steigung, sxx, standardfehler)

    @property
    def achsenabschnitt(self) -> float:
        return self.mittel_wert - self.steigung * self.mittel_jahr

    def wert(self, jahre: np.ndarray) -> np.ndarray:
        return self.mittel_wert + self.steigung * (np.asarray(jahre, dtype=float) - self.mittel_jahr)

    def halbbreite(self, jahre: np.ndarray, niveau: float) -> np.ndarray:
        """Half width of the prediction interval; 0 where s is not estimable (2 points) or 0."""
        jahre = np.asarray(jahre, dtype=float)
        if np.isnan(self.standardfehler) or self.standardfehler == 0:
            return np.zeros(jahre.shape)
        # scipy.stats is slow to import and only needed here.
        from scipy import stats

        n = len(self.jahre)
        t = stats.t.ppf((1 + niveau) / 2, n - 2)
        return t * self.standardfehler * np.sqrt(1 + 1 / n + (jahre - self.mittel_jahr) ** 2 / self.sxx)


def prognostizieren(
    reihe: pd.DataFrame,
    horizont: int = 5,
    niveau: float = 0.8,
    bevoelkerung_prognose: pd.DataFrame | Bevoelkerungsvorgabe | None = None,
) -> Prognose:
    """Forecast Fälle (and Ausgaben) of one area for the ``horizont`` years after the last year with cases.

    ``reihe``: columns ``jahr``, ``faelle`` (Inanspruchnahme), ``bevoelkerung`` (target age at 31.12.),
    optional ``ausgaben`` (euro); NaN allowed, one row per year. ``bevoelkerung_prognose``: the population
    of the forecast years, the official projection of this area (a :class:`vorausberechnung.Bevoelkerungsvorgabe`
    from :meth:`Engine.bevoelkerungsvorausberechnung`, named in the notes) or a table ``jahr, bevoelkerung``;
    years it does not cover, and every year without it, are projected linearly.
    See the module docstring for the model.

    >>> reihe = pd.DataFrame({"jahr": [2021, 2022, 2023], "faelle": [50.0, 52.0, 54.0],
    ...                       "bevoelkerung": [1000.0, 1000.0, 1000.0]})
    >>> p = prognostizieren(reihe, horizont=2)
    >>> p.werte.loc[p.werte["art"] == "prognose", ["jahr", "faelle", "faelle_unten"]].values.tolist()
    [[2024.0, 56.0, 56.0], [2025.0, 58.0, 58.0]]
    """
    daten, hat_ausgaben = _pruefe_reihe(reihe)
    horizont = _pruefe_horizont(horizont)
    _pruefe_niveau(niveau)
    beobachtet = _beobachtete_jahre(daten, MIN_JAHRE, "eine Prognose")
    trend = _Trend.anpassen(beobachtet["jahr"], beobachtet["eckwert"])
    # The forecast starts after the last year with cases, even if its population is missing (it then only
    # stays out of the trend); years after it with a population only are forecast years.
    letztes_jahr = int(daten.loc[daten["faelle"].notna(), "jahr"].max())
    jahre = np.arange(letztes_jahr + 1, letztes_jahr + 1 + horizont)

    bevoelkerung, aus, quelle, kurz, vorgabe_hinweise = _bevoelkerung_fortschreiben(daten, jahre, bevoelkerung_prognose)
    eckwert, unten, oben = _eckwert_band(trend, jahre, niveau)
    faktor = bevoelkerung / SKALA
    hinweise = [_modell_hinweis(trend), quelle, *vorgabe_hinweise, _band_hinweis(trend, niveau),
                *_luecken_hinweise(daten.loc[daten["jahr"] <= letztes_jahr], beobachtet)]
    if (gekappt := jahre[trend.wert(jahre) < 0]).size:
        hinweise.append(f"Der Trend fällt unter 0; Prognose auf 0 gesetzt: {jahre_text(gekappt)}.")

    prognose = pd.DataFrame({
        "jahr": jahre,
        "art": PROGNOSE,
        "faelle": eckwert * faktor,
        "faelle_unten": unten * faktor,
        "faelle_oben": oben * faktor,
        "eckwert": eckwert,
        "eckwert_unten": unten,
        "eckwert_oben": oben,
        "bevoelkerung": bevoelkerung,
        "bevoelkerung_aus": aus,
    })
    kosten = _kosten_je_fall_trend(daten, hat_ausgaben, hinweise)
    if kosten is not None:
        kosten_je_fall = np.clip(kosten.wert(jahre), 0, None)
        prognose["kosten_je_fall"] = kosten_je_fall
        for ziel, quelle_spalte in (("ausgaben", "faelle"), ("ausgaben_unten", "faelle_unten"), ("ausgaben_oben", "faelle_oben")):
            prognose[ziel] = kosten_je_fall * prognose[quelle_spalte]

    vergangen = daten.loc[daten["jahr"] <= letztes_jahr].assign(art=BEOBACHTET, bevoelkerung_aus=AUS_DATEN)
    with np.errstate(invalid="ignore", divide="ignore"):
        vergangen["kosten_je_fall"] = np.where(vergangen["faelle"] > 0, vergangen["ausgaben"] / vergangen["faelle"], np.nan)
    werte = pd.concat([vergangen, prognose], ignore_index=True).reindex(columns=PROGNOSE_SPALTEN)
    werte = werte.astype({"jahr": int, "art": str, "bevoelkerung_aus": str} | {spalte: float for spalte in _ZAHLENSPALTEN})
    return Prognose(
        werte=werte,
        niveau=float(niveau),
        hinweise=tuple(hinweise),
        steigung=trend.steigung,
        achsenabschnitt=trend.achsenabschnitt,
        standardfehler=trend.standardfehler,
        jahre_angepasst=trend.jahre,
        kosten_je_fall_steigung=kosten.steigung if kosten is not None else np.nan,
        bevoelkerung=kurz,
    )


def rueckblick(reihe: pd.DataFrame, zurueck: int = 3, niveau: float = 0.8) -> Rueckblick:
    """Back-test: hold out the last ``zurueck`` years with cases, fit the earlier ones, compare.

    At least :data:`MIN_JAHRE_RUECKBLICK` years must remain to fit, so that the band can be estimated.
    The held-out years are forecast with their observed population (see the module docstring).
    """
    daten, _ = _pruefe_reihe(reihe)
    _pruefe_niveau(niveau)
    if isinstance(zurueck, bool) or not isinstance(zurueck, int | np.integer) or zurueck < 1:
        raise ValueError(f"Für den Rückblick muss mindestens 1 Jahr zurückgehalten werden (angegeben: {zurueck}).")
    wofuer = f"einen Rückblick über {zurueck} Jahre (dazu mindestens {MIN_JAHRE_RUECKBLICK} Jahre zum Anpassen)"
    beobachtet = _beobachtete_jahre(daten, MIN_JAHRE_RUECKBLICK + zurueck, wofuer)
    angepasst, zurueckgehalten = beobachtet.iloc[:-zurueck], beobachtet.iloc[-zurueck:]
    trend = _Trend.anpassen(angepasst["jahr"], angepasst["eckwert"])

    jahre = zurueckgehalten["jahr"].to_numpy()
    faktor = zurueckgehalten["bevoelkerung"].to_numpy() / SKALA
    eckwert, unten, oben = _eckwert_band(trend, jahre, niveau)
    faelle = zurueckgehalten["faelle"].to_numpy()
    werte = pd.DataFrame({"jahr": jahre, "faelle": faelle, "prognose": eckwert * faktor, "unten": unten * faktor,
                          "oben": oben * faktor})
    werte["fehler"] = werte["prognose"] - werte["faelle"]
    werte["fehler_prozent"] = (werte["fehler"] / werte["faelle"].where(werte["faelle"] != 0)) * 100
    # An exact line reproduces the actual value only up to floating-point rounding.
    toleranz = _EXAKT * np.maximum(1.0, np.abs(faelle))
    werte["im_band"] = (werte["unten"] - toleranz <= werte["faelle"]) & (werte["faelle"] <= werte["oben"] + toleranz)

    mae = float(werte["fehler"].abs().mean())
    prozent = werte["fehler_prozent"].abs().dropna()
    mape = float(prozent.mean()) if len(prozent) else np.nan
    abdeckung = float(werte["im_band"].mean())
    hinweise = [
        f"Angepasst auf {jahre_text(trend.jahre)}, zurückgehalten {jahre_text(jahre)}; für die zurückgehaltenen Jahre "
        "wurde die tatsächliche Bevölkerung verwendet. Der Fehler misst also nur den Eckwert-Trend; mit einer "
        "Bevölkerungsprognose kann er größer sein.",
        f"Mittlerer absoluter Fehler: {format_number(mae, 1)} Fälle; mittlerer prozentualer Fehler: {format_percent(mape)}; "
        f"im {_niveau_text(niveau)}-Band: {int(werte['im_band'].sum())} von {len(werte)} Jahren.",
        _band_hinweis(trend, niveau),
        *_luecken_hinweise(daten.loc[daten["jahr"] <= jahre[-1]], beobachtet),
    ]
    if (werte["faelle"] == 0).any():
        hinweise.append(f"Jahre mit 0 Fällen gehen nicht in den prozentualen Fehler ein: {jahre_text(jahre[faelle == 0])}.")
    return Rueckblick(
        werte=werte[RUECKBLICK_SPALTEN].astype({"jahr": int, "im_band": bool}),
        mae=mae,
        mape=mape,
        abdeckung=abdeckung,
        niveau=float(niveau),
        jahre_angepasst=trend.jahre,
        jahre_zurueckgehalten=tuple(int(j) for j in jahre),
        hinweise=tuple(hinweise),
    )


def prognose_je_gebiet(
    panel: pd.DataFrame,
    horizont: int = 5,
    niveau: float = 0.8,
    bevoelkerung_prognose: pd.DataFrame | None = None,
) -> GebietsPrognose:
    """:func:`prognostizieren` for every ``raum_id`` of a long panel (``raum_id`` + the columns of a reihe).

    ``bevoelkerung_prognose``, if given, is long too: ``raum_id, jahr, bevoelkerung`` (or the
    :class:`vorausberechnung.GebietsVorausberechnung` of the areas' level). An area that cannot
    be forecast (too few years, missing projection) gets no rows in ``werte``, only its reason in ``hinweise``;
    errors that concern every area (horizon, level, columns) are raised.
    """
    if "raum_id" not in panel.columns:
        raise ValueError("Es fehlt die Spalte raum_id.")
    _pruefe_reihe(panel.drop(columns="raum_id").iloc[:0])
    _pruefe_horizont(horizont)
    _pruefe_niveau(niveau)
    je_gebiet = hasattr(bevoelkerung_prognose, "fuer")
    if bevoelkerung_prognose is not None and not je_gebiet and "raum_id" not in bevoelkerung_prognose.columns:
        raise ValueError("Der Bevölkerungsprognose fehlt die Spalte raum_id.")

    tabellen, hinweise = [], []
    for raum_id, reihe in panel.groupby("raum_id", sort=True):
        eigene = None
        if je_gebiet:
            eigene = bevoelkerung_prognose.fuer(raum_id)
        elif bevoelkerung_prognose is not None:
            eigene = bevoelkerung_prognose.loc[bevoelkerung_prognose["raum_id"] == raum_id].drop(columns="raum_id")
        try:
            ergebnis = prognostizieren(reihe.drop(columns="raum_id"), horizont, niveau, eigene)
        except ValueError as fehler:
            hinweise.append((raum_id, f"Keine Prognose: {fehler}"))
            continue
        tabellen.append(ergebnis.werte.assign(raum_id=raum_id))
        hinweise.extend((raum_id, hinweis) for hinweis in ergebnis.hinweise)
    werte = pd.concat(tabellen, ignore_index=True) if tabellen else pd.DataFrame(columns=PROGNOSE_SPALTEN)
    return GebietsPrognose(
        werte=werte.reindex(columns=["raum_id", *PROGNOSE_SPALTEN]),
        hinweise=pd.DataFrame(hinweise, columns=["raum_id", "hinweis"]),
    )


def gebietsreihe(engine: Engine, gebiet: str, hilfeart: str, nenner: str = "u21",
                 ebene: str = "sozialraum") -> pd.DataFrame:
    """The series of :func:`prognostizieren` for one area from the engine, one row per year of the engine.

    ``gebiet``: an area of ``ebene``, or :data:`~sozialraum_analytics.dataset.KREIS_ID` for the whole Kreis;
    ``hilfeart``: a help group such as "hze". Columns jahr, faelle (the Inanspruchnahme), bevoelkerung (the
    ``nenner`` age group, e.g. "u21") and ausgaben (NaN without cost data). Raises ``ValueError`` when the
    engine has no Inanspruchnahme or no population of that age group.
    """
    quelle = engine.table("kreis" if gebiet == KREIS_ID else ebene)
    zeilen = quelle.xs((gebiet, hilfeart), level=("area", "hilfeart"))
    bev = f"bevoelkerung_{nenner}"
    if "inanspruchnahme" not in zeilen.columns or bev not in zeilen.columns:
        raise ValueError("Für die Prognose fehlen Fälle oder Bevölkerung.")
    return pd.DataFrame({"jahr": zeilen.index.to_numpy(dtype=int), "faelle": zeilen["inanspruchnahme"].to_numpy(),
                         "bevoelkerung": zeilen[bev].to_numpy(),
                         "ausgaben": zeilen["ausgaben"].to_numpy() if "ausgaben" in zeilen else float("nan")})


# --- validation -------------------------------------------------------------------------------------------


def _pruefe_reihe(reihe: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Clean copy sorted by year: jahr (int), faelle, bevoelkerung, ausgaben (float), eckwert (NaN if not computable)."""
    if not isinstance(reihe, pd.DataFrame):
        raise ValueError("Die Reihe muss eine Tabelle mit den Spalten jahr, faelle und bevoelkerung sein.")
    if fehlend := [spalte for spalte in PFLICHTSPALTEN if spalte not in reihe.columns]:
        raise ValueError(
            f"Es fehlen Spalten: {', '.join(fehlend)}. Erwartet: jahr, faelle, bevoelkerung (optional ausgaben)."
        )
    hat_ausgaben = "ausgaben" in reihe.columns
    daten = pd.DataFrame({"jahr": _zahlen(reihe, "jahr")})
    if daten["jahr"].isna().any() or (daten["jahr"] % 1 != 0).any():
        raise ValueError("Die Spalte jahr muss für jede Zeile eine ganze Jahreszahl enthalten.")
    daten["jahr"] = daten["jahr"].astype(int)
    if (doppelt := daten["jahr"][daten["jahr"].duplicated()]).size:
        raise ValueError(f"Jedes Jahr darf nur einmal vorkommen; mehrfach: {jahre_text(sorted(set(doppelt)))}.")
    for spalte in ("faelle", "bevoelkerung", "ausgaben"):
        daten[spalte] = _zahlen(reihe, spalte) if spalte in reihe.columns else np.nan
        if (negativ := daten["jahr"][daten[spalte] < 0]).size:
            raise ValueError(f"Negative Werte in der Spalte {spalte}: {jahre_text(sorted(negativ))}.")
    with np.errstate(invalid="ignore", divide="ignore"):
        daten["eckwert"] = (daten["faelle"] / daten["bevoelkerung"] * SKALA).where(daten["bevoelkerung"] > 0)
    return daten.sort_values("jahr", ignore_index=True), hat_ausgaben


def _zahlen(reihe: pd.DataFrame, spalte: str) -> pd.Series:
    werte = pd.to_numeric(reihe[spalte], errors="coerce").astype(float).reset_index(drop=True)
    original = reihe[spalte].reset_index(drop=True)
    if (falsch := original[werte.isna() & original.notna()]).size:
        raise ValueError(f"Die Spalte {spalte} enthält Werte, die keine Zahlen sind: {', '.join(map(repr, falsch.head(3)))}.")
    if np.isinf(werte).any():
        raise ValueError(f"Die Spalte {spalte} enthält unendliche Werte.")
    return werte


def _pruefe_horizont(horizont: int) -> int:
    if isinstance(horizont, bool) or not isinstance(horizont, int | np.integer) or not 1 <= horizont <= MAX_HORIZONT:
        raise ValueError(f"Der Prognosehorizont muss zwischen 1 und {MAX_HORIZONT} Jahren liegen (angegeben: {horizont}).")
    return int(horizont)


def _pruefe_niveau(niveau: float) -> None:
    if isinstance(niveau, bool) or not isinstance(niveau, int | float) or not 0 < niveau < 1:
        raise ValueError(f"Das Niveau des Unsicherheitsbands muss zwischen 0 und 1 liegen, z. B. 0,8 für 80 % (angegeben: {niveau}).")


def _beobachtete_jahre(daten: pd.DataFrame, mindestens: int, wofuer: str) -> pd.DataFrame:
    beobachtet = daten.loc[daten["eckwert"].notna()]
    if len(beobachtet) < mindestens:
        vorhanden = jahre_text(beobachtet["jahr"]) if len(beobachtet) else "keine"
        raise ValueError(
            f"Für {wofuer} braucht es mindestens {mindestens} Jahre mit Fällen und Bevölkerung; "
            f"vorhanden: {len(beobachtet)} ({vorhanden})."
        )
    return beobachtet


# --- model steps ------------------------------------------------------------------------------------------


def _eckwert_band(trend: _Trend, jahre: np.ndarray, niveau: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forecast Eckwert with the lower and upper end of its band, each clipped at 0."""
    wert, halbbreite = trend.wert(jahre), trend.halbbreite(jahre, niveau)
    return np.clip(wert, 0, None), np.clip(wert - halbbreite, 0, None), np.clip(wert + halbbreite, 0, None)


def _bevoelkerung_fortschreiben(
    daten: pd.DataFrame, jahre: np.ndarray, bevoelkerung_prognose: pd.DataFrame | Bevoelkerungsvorgabe | None
) -> tuple[np.ndarray, list[str], str, str, tuple[str, ...]]:
    """Population of the forecast years, where each year's comes from (:data:`AUS_DATEN` …), a German note on it,
    the one line of :attr:`Prognose.bevoelkerung` and the notes of the projection (estimated ages, shares)."""
    amtlich = isinstance(bevoelkerung_prognose, Bevoelkerungsvorgabe)
    tabelle = bevoelkerung_prognose.werte if amtlich else bevoelkerung_prognose
    vorgabe = _pruefe_bevoelkerung_prognose(tabelle) if tabelle is not None else None
    name = bevoelkerung_prognose.quelle if amtlich else "angegebene Bevölkerungsprognose"
    bekannt = daten.loc[daten["bevoelkerung"].notna()]
    bevoelkerung = bekannt.set_index("jahr")["bevoelkerung"].reindex(jahre).to_numpy(dtype=float, copy=True)
    aus = np.full(len(jahre), AUS_DATEN, dtype=object)
    teile, kurz = [], []
    if (gesehen := ~np.isnan(bevoelkerung)).any():
        teile.append(f"{jahre_text(jahre[gesehen])} aus den Daten")
    offen = np.isnan(bevoelkerung)
    if offen.any() and vorgabe is not None:
        bevoelkerung[offen] = vorgabe.reindex(jahre[offen]).to_numpy(dtype=float)
        genommen = offen & ~np.isnan(bevoelkerung)
        aus[genommen] = AUS_VORAUSBERECHNUNG if amtlich else AUS_VORGABE
        if genommen.any():
            teile.append(f"{jahre_text(jahre[genommen])} aus der amtlichen Vorausberechnung "
                         f"({bevoelkerung_prognose.herkunft})" if amtlich else
                         f"{jahre_text(jahre[genommen])} aus der angegebenen Bevölkerungsprognose")
            kurz.append(name)
        offen = np.isnan(bevoelkerung)
    if offen.any():
        trend = _Trend.anpassen(bekannt["jahr"], bekannt["bevoelkerung"])
        bevoelkerung[offen] = np.clip(trend.wert(jahre[offen]), 0, None)
        aus[offen] = AUS_LINEAR
        if bevoelkerung_prognose is None:
            grund = "keine Bevölkerungsprognose angegeben"
        elif vorgabe is None or not len(vorgabe):
            grund = "die Vorausberechnung lässt sich für dieses Gebiet nicht verwenden"
        else:
            grund = f"die {'Vorausberechnung' if amtlich else 'Bevölkerungsprognose'} enthält diese Jahre nicht"
        teile.append(f"{jahre_text(jahre[offen])} linear fortgeschrieben aus {jahre_text(trend.jahre)} ({grund})")
        kurz.append(f"{AUS_LINEAR} (aus {jahre_text(trend.jahre)})")
    if len(kurz) > 1:  # both: which years each
        kurz = [f"{name} für {jahre_text(jahre[(aus != AUS_LINEAR) & (aus != AUS_DATEN)])}",
                f"{AUS_LINEAR} für {jahre_text(jahre[aus == AUS_LINEAR])}"]
    if not kurz:
        kurz = ["aus den Daten (beobachtet)"]
    elif (aus == AUS_DATEN).any():
        kurz.append(f"{jahre_text(jahre[aus == AUS_DATEN])} aus den Daten")
    return (bevoelkerung, list(aus), "Bevölkerung der Prognosejahre: " + "; ".join(teile) + ".",
            "Bevölkerung: " + "; ".join(kurz), bevoelkerung_prognose.hinweise if amtlich else ())


def _pruefe_bevoelkerung_prognose(vorgabe: pd.DataFrame) -> pd.Series:
    if not isinstance(vorgabe, pd.DataFrame) or not {"jahr", "bevoelkerung"} <= set(vorgabe.columns):
        raise ValueError("Die Bevölkerungsprognose braucht die Spalten jahr und bevoelkerung.")
    jahre = _zahlen(vorgabe, "jahr")
    if jahre.isna().any() or (jahre % 1 != 0).any() or jahre.duplicated().any():
        raise ValueError("Die Bevölkerungsprognose braucht je Zeile ein eigenes, ganzzahliges Jahr.")
    werte = _zahlen(vorgabe, "bevoelkerung")
    if (werte < 0).any():
        raise ValueError("Die Bevölkerungsprognose enthält negative Werte.")
    return pd.Series(werte.to_numpy(), index=jahre.astype(int).to_numpy()).dropna()


def _kosten_je_fall_trend(daten: pd.DataFrame, hat_ausgaben: bool, hinweise: list[str]) -> _Trend | None:
    """Linear trend of Kosten je Fall, or None with a note why there is no cost forecast."""
    if not hat_ausgaben:
        hinweise.append("Keine Ausgabenprognose: die Daten enthalten keine Ausgaben.")
        return None
    mit_kosten = daten.loc[daten["ausgaben"].notna() & (daten["faelle"] > 0)]
    if len(mit_kosten) < 2:
        hinweise.append(
            "Keine Ausgabenprognose: Ausgaben und Fälle liegen für weniger als 2 Jahre vor "
            f"({jahre_text(mit_kosten['jahr']) if len(mit_kosten) else 'keine'})."
        )
        return None
    trend = _Trend.anpassen(mit_kosten["jahr"], mit_kosten["ausgaben"] / mit_kosten["faelle"])
    hinweise.append(
        f"Ausgaben = Kosten je Fall × Fälle; Kosten je Fall als lineare Trendgerade über {jahre_text(trend.jahre)} "
        f"(Veränderung {format_signed(trend.steigung, 0)} € je Jahr). Das Band der Ausgaben enthält nur die Unsicherheit der "
        "Fallzahl, nicht die der Kosten je Fall."
    )
    return trend


# --- German notes -----------------------------------------------------------------------------------------


def _modell_hinweis(trend: _Trend) -> str:
    return (
        f"Eckwert (Fälle je {format_number(SKALA)} der Bevölkerung) als lineare Trendgerade über {jahre_text(trend.jahre)} "
        f"({len(trend.jahre)} Jahre, Veränderung {format_signed(trend.steigung, 2)} je Jahr) fortgeschrieben; "
        f"Fälle = Eckwert × Bevölkerung / {format_number(SKALA)}."
    )


def _band_hinweis(trend: _Trend, niveau: float) -> str:
    if np.isnan(trend.standardfehler):
        return (
            "Mit nur 2 Jahren lässt sich die Unsicherheit nicht schätzen: das Band hat die Breite 0. "
            "Die Prognose ist dadurch nicht sicherer, sondern besonders unsicher."
        )
    if trend.standardfehler == 0:
        return "Die Eckwerte liegen exakt auf einer Geraden; das Band hat daher die Breite 0."
    return (
        f"Band: {_niveau_text(niveau)}-Vorhersageintervall des Eckwert-Trends (t-Verteilung, "
        f"{len(trend.jahre) - 2} Freiheitsgrade). Die Unsicherheit der Bevölkerungsentwicklung ist nicht enthalten."
    )


def _luecken_hinweise(daten: pd.DataFrame, beobachtet: pd.DataFrame) -> list[str]:
    ohne = daten.loc[~daten["jahr"].isin(beobachtet["jahr"]), "jahr"]
    if not len(ohne):
        return []
    return [f"Ohne Fälle oder Bevölkerung und daher nicht im Trend: {jahre_text(ohne)}."]


def _niveau_text(niveau: float) -> str:
    """``0.8`` -> ``"80-%"``, ``0.975`` -> ``"97,5-%"`` (German compound: "80-%-Band")."""
    prozent = niveau * 100
    return f"{format_number(prozent, 0 if round(prozent, 6) % 1 == 0 else 1)}-%"
