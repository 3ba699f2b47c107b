"""Modellregion evaluation: difference-in-differences (DiD) on Eckwerte.

A model project starts in some Sozialräume (the Modellregionen) in the year ``start``; other
Sozialräume without it serve as Vergleichsregionen. The question is whether the Eckwert (Hilfen je
1.000 junge Menschen) developed differently in the model areas from ``start`` on than the comparison
areas' development would lead one to expect. Rates, not raw counts: areas differ in size and
population changes over the years, and the strategy's aim is fewer Hilfen per young person.

Estimation: the two-way fixed-effects regression

    eckwert_it = α_i + λ_t + δ·D_it + ε_it,   D_it = 1 for a model area i in a year t ≥ start,

fitted by least squares on dummy variables (one per area, one per year but the first, and D).
α_i absorbs lasting differences between areas, λ_t what happened everywhere in year t (a new law, a
pandemic year), so δ is what is left of the model areas' change beyond the common one. With a
balanced panel δ equals the classic 2×2 DiD of the group means::

    (Modell nach − Modell vor) − (Vergleich nach − Vergleich vor).

Uncertainty: the years of one area are not independent (a Sozialraum with a high Eckwert stays
high), so the standard error is cluster-robust by area: the sandwich
``(X'X)⁻¹ [Σ_g X_g'e_g e_g'X_g] (X'X)⁻¹`` with the CR1 small-sample factor
``G/(G−1) · (N−1)/(N−K)`` (as Stata's ``regress, vce(cluster)``), and a t distribution with G − 1
degrees of freedom (G = number of areas, N = observations, K = rank of the design). With fewer than
3 areas, or when the cluster-robust variance is zero although the residuals are not, the ordinary
OLS standard error (t distribution with N − K degrees of freedom) is used instead and the result's
``hinweis`` says so.

Cells without an Eckwert (NaN, e.g. suppressed in the public view) are dropped before the
estimation; ``hinweis`` lists them.

The reading (``DidErgebnis.lesart``) rests on the parallel-trends assumption: without the model
project both groups would have developed in parallel. The chart of ``mittelwerte`` before ``start``
is the way to judge it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from .formatting import format_number

if TYPE_CHECKING:
    from .kennzahlen import Engine

MODELLREGION = "Modellregion"
VERGLEICHSREGION = "Vergleichsregion"
EINHEIT = "Hilfen je 1.000"

MIN_CLUSTER = 3
MITTELWERT_SPALTEN = ["jahr", "gruppe", "eckwert_mittel"]
PANEL_SPALTEN = ["jahr", "raum_id", "eckwert"]

# Residuals (and effects) this small relative to the Eckwerte are rounding noise of the least-squares
# solver: data that fit the model exactly get a standard error of exactly 0, not 1e-16, and a
# non-effect of exactly 0, which a point interval [0, 0] then rightly does not call significant.
_RESIDUAL_TOLERANZ = 1e-10
# A cluster-robust variance this small against the OLS one means the area scores cancel exactly.
_VARIANZ_TOLERANZ = 1e-12
# Listing every dropped cell would bury the note; the count is always given in full.
_MAX_AUFGEZAEHLT = 10


@dataclass(frozen=True)
class DidErgebnis:
    """The DiD estimate δ with its uncertainty, and the group means per year for a chart.

    ``effekt`` is in the Eckwert's unit (``einheit``); negative = the Eckwert developed lower in
    the Modellregionen than the Vergleichsregionen' development leads one to expect.
    ``standardfehler``, ``ki_unten``, ``ki_oben`` and ``p_wert`` are NaN when the data leave no
    degrees of freedom for a standard error (``hinweis`` says why).
    ``mittelwerte``: columns jahr, gruppe ("Modellregion"/"Vergleichsregion"), eckwert_mittel (the
    unweighted mean over the group's areas with an Eckwert in that year), sorted by jahr, gruppe.
    """

    effekt: float
    standardfehler: float
    ki_unten: float
    ki_oben: float
    konfidenz: float
    p_wert: float
    freiheitsgrade: int
    n_beobachtungen: int
    n_modell: int
    n_vergleich: int
    start: int
    verfahren: str
    hinweis: str
    mittelwerte: pd.DataFrame = field(repr=False, compare=False)
    einheit: str = EINHEIT

    @property
    def gesichert(self) -> bool:
        """True when the confidence interval excludes 0 (the difference is statistically significant)."""
        if math.isnan(self.ki_unten) or math.isnan(self.ki_oben):
            return False
        return not (self.ki_unten <= 0 <= self.ki_oben)

    @property
    def lesart(self) -> str:
        """A plain-German reading of the result for the Steuerungsgruppe and the committee."""
        modell_vor, modell_nach = _periodenmittel(self.mittelwerte, MODELLREGION, self.start)
        vergleich_vor, vergleich_nach = _periodenmittel(self.mittelwerte, VERGLEICHSREGION, self.start)
        saetze = [_satz_effekt(self.effekt, self.start, self.einheit, modell_nach - modell_vor, vergleich_nach - vergleich_vor)]
        if math.isnan(self.ki_unten) or math.isnan(self.ki_oben):
            saetze[0] += "."
            saetze.append("Ein Konfidenzintervall lässt sich aus so wenigen Daten nicht berechnen; "
                          "ob der Unterschied Zufall ist, bleibt offen.")
        else:
            saetze[0] += (f" ({_konfidenz_text(self.konfidenz)}-%-Konfidenzintervall: "
                          f"{_zahl(self.ki_unten)} bis {_zahl(self.ki_oben)}).")
            if self.gesichert:
                saetze.append("Der Unterschied ist statistisch gesichert.")
            else:
                saetze.append("Das Konfidenzintervall schließt 0 ein: der Unterschied kann Zufall sein; "
                              "die Daten belegen keine Wirkung.")
        saetze.append(
            f"Mittelwerte vor und ab {self.start}: Modellregionen {_zahl(modell_vor)} und {_zahl(modell_nach)}, "
            f"Vergleichsregionen {_zahl(vergleich_vor)} und {_zahl(vergleich_nach)} {self.einheit}."
        )
        saetze.append(
            "Annahme: ohne Modellprojekt hätten sich beide Gruppen parallel entwickelt; "
            f"ob das vor {self.start} so war, zeigt der Verlauf der Mittelwerte."
        )
        return " ".join(saetze)


def differenz_von_differenzen(panel: pd.DataFrame, modell: list[str], vergleich: list[str], start: int,
                              konfidenz: float = 0.95, *, einheit: str = EINHEIT) -> DidErgebnis:
    """Estimate the Modellregion effect δ by two-way fixed effects on the Eckwerte.

    ``panel``: long rows jahr (int), raum_id (str), eckwert (float, NaN = not available).
    ``modell`` / ``vergleich``: the raum_ids of the model and comparison Sozialräume (disjoint).
    ``start``: first year of the intervention; years ≥ start are "nach", earlier ones "vor".
    ``konfidenz``: level of the confidence interval, between 0 and 1.
    ``einheit``: the Eckwert's unit as the reading names it (e.g. "Hilfen je 10.000").

    Raises ``ValueError`` with a German message for unusable input.
    """
    if not 0 < konfidenz < 1:
        raise ValueError(f"Das Konfidenzniveau muss zwischen 0 und 1 liegen (z. B. 0,95), nicht {konfidenz}.")
    modell_ids, vergleich_ids = _gruppen_pruefen(modell, vergleich)
    zellen = _zellen(panel, modell_ids + vergleich_ids)
    unbekannt = sorted(set(modell_ids + vergleich_ids) - set(zellen["raum_id"]))
    if unbekannt:
        raise ValueError(f"Unbekannte Sozialräume (nicht in den Daten): {', '.join(unbekannt)}.")

    fehlend = zellen[zellen["eckwert"].isna()]
    zellen = zellen[zellen["eckwert"].notna()].reset_index(drop=True)
    hinweise = [_hinweis_fehlend(fehlend, set(zellen["raum_id"]))] if len(fehlend) else []
    zellen["gruppe"] = np.where(zellen["raum_id"].isin(modell_ids), MODELLREGION, VERGLEICHSREGION)
    _jahre_pruefen(zellen, start)

    schaetzung = _schaetzen(zellen, set(modell_ids), start, konfidenz)
    hinweise += schaetzung.pop("hinweise")
    gruppen = zellen.drop_duplicates("raum_id")["gruppe"]
    return DidErgebnis(
        konfidenz=konfidenz,
        n_beobachtungen=len(zellen),
        n_modell=int((gruppen == MODELLREGION).sum()),
        n_vergleich=int((gruppen == VERGLEICHSREGION).sum()),
        start=start,
        hinweis=" ".join(hinweise),
        mittelwerte=gruppenmittelwerte(zellen),
        einheit=einheit,
        **schaetzung,
    )


def vergleich_moeglich(engine: Engine, eckwert: str, ebene: str = "sozialraum") -> bool:
    """Whether the engine can give a panel to compare at all: the Eckwert ``eckwert`` (a column such as
    "eckwert_je_1000_u21") is computed, and there are at least two years and two areas of ``ebene``."""
    return eckwert in engine.table(ebene).columns and len(engine.jahre) >= 2 and len(engine.areas(ebene)) >= 2


def eckwert_panel(engine: Engine, eckwert: str, hilfeart: str, ebene: str = "sozialraum") -> pd.DataFrame:
    """The panel of :func:`differenz_von_differenzen` from the engine: columns jahr, raum_id, eckwert, one row
    per year and area of ``ebene`` (NaN where the engine has no Eckwert, e.g. suppressed in the public view).

    ``eckwert``: the Eckwert's column, e.g. "eckwert_je_1000_u21"; ``hilfeart``: a help group such as "hze".
    """
    tabelle = engine.table(ebene)
    if eckwert not in tabelle.columns:
        raise ValueError(f"Für den Vergleich fehlt der Eckwert „{eckwert}“ (es fehlen Fälle oder Bevölkerung).")
    teil = tabelle.xs(hilfeart, level="hilfeart")[eckwert].reset_index()
    return teil.rename(columns={"area": "raum_id", eckwert: "eckwert"})[PANEL_SPALTEN]


def gruppenmittelwerte(zellen: pd.DataFrame) -> pd.DataFrame:
    """Unweighted mean Eckwert of each group's areas per year: columns jahr, gruppe, eckwert_mittel.

    Unweighted because the estimate weights every area equally, too (each area one α_i, each
    area-year one observation); a population-weighted Kreis mean would tell a different story.
    """
    mittel = zellen.groupby(["jahr", "gruppe"], as_index=False)["eckwert"].mean()
    mittel = mittel.rename(columns={"eckwert": "eckwert_mittel"})
    reihenfolge = {MODELLREGION: 0, VERGLEICHSREGION: 1}
    mittel = mittel.sort_values(["jahr", "gruppe"], key=lambda s: s.map(reihenfolge) if s.name == "gruppe" else s)
    return mittel[MITTELWERT_SPALTEN].reset_index(drop=True)


def _gruppen_pruefen(modell: list[str], vergleich: list[str]) -> tuple[list[str], list[str]]:
    modell_ids = list(dict.fromkeys(str(r) for r in modell))
    vergleich_ids = list(dict.fromkeys(str(r) for r in vergleich))
    if not modell_ids:
        raise ValueError("Keine Modellregion gewählt: bitte mindestens einen Sozialraum als Modellregion angeben.")
    if not vergleich_ids:
        raise ValueError("Keine Vergleichsregion gewählt: bitte mindestens einen Sozialraum als Vergleichsregion angeben.")
    doppelt = sorted(set(modell_ids) & set(vergleich_ids))
    if doppelt:
        raise ValueError(f"Sozialräume können nicht zugleich Modell- und Vergleichsregion sein: {', '.join(doppelt)}.")
    return modell_ids, vergleich_ids


def _zellen(panel: pd.DataFrame, raum_ids: list[str]) -> pd.DataFrame:
    """The chosen areas' rows with clean types; one row per area and year."""
    fehlende_spalten = [s for s in PANEL_SPALTEN if s not in panel.columns]
    if fehlende_spalten:
        raise ValueError(f"Im Panel fehlen die Spalten: {', '.join(fehlende_spalten)} (erwartet: jahr, raum_id, eckwert).")
    zellen = panel[PANEL_SPALTEN].copy()
    zellen["raum_id"] = zellen["raum_id"].astype(str)
    zellen = zellen[zellen["raum_id"].isin(raum_ids)]
    try:
        zellen["jahr"] = pd.to_numeric(zellen["jahr"]).astype(int)
        zellen["eckwert"] = pd.to_numeric(zellen["eckwert"]).astype(float)
    except (TypeError, ValueError) as fehler:
        raise ValueError(f"Jahr und Eckwert müssen Zahlen sein: {fehler}") from fehler
    zellen.loc[~np.isfinite(zellen["eckwert"]), "eckwert"] = np.nan
    doppelt = zellen[zellen.duplicated(["raum_id", "jahr"], keep=False)].drop_duplicates(["raum_id", "jahr"])
    if len(doppelt):
        liste = ", ".join(f"{r.raum_id} {r.jahr}" for r in doppelt.itertuples())
        raise ValueError(f"Mehrere Eckwerte für denselben Sozialraum im selben Jahr: {liste}.")
    return zellen.sort_values(["raum_id", "jahr"]).reset_index(drop=True)


def _hinweis_fehlend(fehlend: pd.DataFrame, verbleibend: set[str]) -> str:
    zellen = [f"{r.raum_id} {r.jahr}" for r in fehlend.itertuples()]
    liste = ", ".join(zellen[:_MAX_AUFGEZAEHLT]) + (", …" if len(zellen) > _MAX_AUFGEZAEHLT else "")
    anzahl = "1 Wert" if len(zellen) == 1 else f"{format_number(len(zellen))} Werte"
    text = f"{anzahl} ohne Eckwert (z. B. in der öffentlichen Ansicht geheimgehalten) weggelassen: {liste}."
    ganz_weg = sorted(set(fehlend["raum_id"]) - verbleibend)
    if ganz_weg:
        text += f" Ohne einen einzigen Eckwert fallen ganz heraus: {', '.join(ganz_weg)}."
    return text


def _jahre_pruefen(zellen: pd.DataFrame, start: int) -> None:
    jahre = sorted(set(zellen["jahr"]))
    if len(jahre) < 2:
        enthalten = f"nur {jahre[0]}" if jahre else "kein Jahr mit Eckwert"
        raise ValueError(f"Für einen Vorher-Nachher-Vergleich braucht es mindestens zwei Jahre; die Daten enthalten {enthalten}.")
    spanne = f"{jahre[0]}–{jahre[-1]}"
    if jahre[0] >= start:
        raise ValueError(f"Kein Jahr vor dem Start {start} in den Daten (Jahre {spanne}): "
                         "ohne Vorher-Werte ist kein Vergleich möglich.")
    if jahre[-1] < start:
        raise ValueError(f"Kein Jahr ab dem Start {start} in den Daten (Jahre {spanne}): "
                         "ohne Nachher-Werte ist kein Vergleich möglich.")
    for gruppe, name in ((MODELLREGION, "die Modellregionen"), (VERGLEICHSREGION, "die Vergleichsregionen")):
        jahre_gruppe = zellen.loc[zellen["gruppe"] == gruppe, "jahr"]
        if jahre_gruppe.empty:
            raise ValueError(f"Für {name} gibt es keinen einzigen Eckwert.")
        if not (jahre_gruppe < start).any():
            raise ValueError(f"Für {name} gibt es keinen Eckwert vor {start}.")
        if not (jahre_gruppe >= start).any():
            raise ValueError(f"Für {name} gibt es keinen Eckwert ab {start}.")


def _schaetzen(zellen: pd.DataFrame, modell_ids: set[str], start: int, konfidenz: float) -> dict:
    """δ, its standard error and interval from the dummy regression; keys as in DidErgebnis."""
    raeume = sorted(set(zellen["raum_id"]))
    jahre = sorted(set(zellen["jahr"]))
    behandelt = (zellen["raum_id"].isin(modell_ids) & (zellen["jahr"] >= start)).to_numpy(dtype=float)
    # One dummy per area and per year except the first (the area dummies carry the constant).
    x_ohne_d = np.column_stack([
        (zellen["raum_id"].to_numpy()[:, None] == np.array(raeume)[None, :]).astype(float),
        (zellen["jahr"].to_numpy()[:, None] == np.array(jahre[1:])[None, :]).astype(float),
    ])
    x = np.column_stack([x_ohne_d, behandelt])
    y = zellen["eckwert"].to_numpy(dtype=float)
    rang = int(np.linalg.matrix_rank(x))
    if rang != np.linalg.matrix_rank(x_ohne_d) + 1:
        raise ValueError(f"Der Effekt ist mit diesen Daten nicht schätzbar: der Beginn des Modellprojekts {start} "
                         "fällt mit den Sozialraum- oder Jahreseffekten zusammen (fehlen Eckwerte vor oder nach dem Start?).")
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    effekt = float(beta[-1])
    residuen = y - x @ beta
    toleranz = _RESIDUAL_TOLERANZ * max(1.0, float(np.max(np.abs(y))))
    if np.max(np.abs(residuen)) <= toleranz:
        residuen = np.zeros_like(residuen)
    if abs(effekt) <= toleranz:
        effekt = 0.0

    n, g = len(y), len(raeume)
    rest_fg = n - rang
    brot = np.linalg.pinv(x.T @ x)
    hinweise: list[str] = []
    if rest_fg <= 0:
        hinweise.append(f"Mit {n} Werten und {rang} geschätzten Größen bleibt kein Freiheitsgrad: "
                        "kein Standardfehler, kein Konfidenzintervall.")
        return _ergebnisfelder(effekt, math.nan, 0, konfidenz, "kein Standardfehler (keine Freiheitsgrade)", hinweise)

    var_ols = float(residuen @ residuen) / rest_fg * brot[-1, -1]
    verfahren_ols = f"Gewöhnlicher OLS-Standardfehler, t-Verteilung mit {rest_fg} Freiheitsgraden (N − K)"
    if g < MIN_CLUSTER:
        hinweise.append(f"Nur {g} Sozialräume: zu wenige für einen cluster-robusten Standardfehler. "
                        "Verwendet wird der gewöhnliche OLS-Standardfehler; er nimmt die Jahre eines Sozialraums "
                        "als unabhängig an und unterschätzt die Unsicherheit eher.")
        return _ergebnisfelder(effekt, math.sqrt(var_ols), rest_fg, konfidenz, verfahren_ols, hinweise)

    gruppe = pd.factorize(zellen["raum_id"])[0]
    scores = np.zeros((g, x.shape[1]))
    np.add.at(scores, gruppe, x * residuen[:, None])
    fleisch = scores.T @ scores
    korrektur = g / (g - 1) * (n - 1) / rest_fg
    var_cluster = float(korrektur * (brot @ fleisch @ brot)[-1, -1])
    # Relative, not exactly 0: the solver leaves rounding noise of ~1e-27 where the scores cancel.
    if var_ols > 0 and var_cluster <= _VARIANZ_TOLERANZ * var_ols:
        hinweise.append("Der cluster-robuste Standardfehler ist mit diesen Daten 0 (keine Streuung zwischen den Sozialräumen). "
                        "Verwendet wird der gewöhnliche OLS-Standardfehler; er unterschätzt die Unsicherheit eher.")
        return _ergebnisfelder(effekt, math.sqrt(var_ols), rest_fg, konfidenz, verfahren_ols, hinweise)
    if var_cluster <= 0:
        hinweise.append("Die Eckwerte folgen dem Modell exakt, ohne jede Streuung: der Standardfehler ist 0.")
    verfahren = f"Cluster-robuster Standardfehler nach Sozialraum (CR1), t-Verteilung mit {g - 1} Freiheitsgraden (G − 1)"
    return _ergebnisfelder(effekt, math.sqrt(max(var_cluster, 0.0)), g - 1, konfidenz, verfahren, hinweise)


def _ergebnisfelder(effekt: float, se: float, fg: int, konfidenz: float, verfahren: str, hinweise: list[str]) -> dict:
    if math.isnan(se):
        ki_unten = ki_oben = p_wert = math.nan
    elif se == 0:
        # No scatter at all: the estimate is exact; an effect of 0 is no evidence of anything.
        ki_unten = ki_oben = effekt
        p_wert = 1.0 if effekt == 0 else 0.0
    else:
        halbe_breite = float(stats.t.ppf(0.5 + konfidenz / 2, fg)) * se
        ki_unten, ki_oben = effekt - halbe_breite, effekt + halbe_breite
        p_wert = float(2 * stats.t.sf(abs(effekt / se), fg))
    return {"effekt": effekt, "standardfehler": se, "ki_unten": ki_unten, "ki_oben": ki_oben, "p_wert": p_wert,
            "freiheitsgrade": fg, "verfahren": verfahren, "hinweise": hinweise}


def _periodenmittel(mittelwerte: pd.DataFrame, gruppe: str, start: int) -> tuple[float, float]:
    """Mean of the group's yearly means before and from ``start`` (the chart's two levels)."""
    reihe = mittelwerte[mittelwerte["gruppe"] == gruppe]
    vor = reihe.loc[reihe["jahr"] < start, "eckwert_mittel"].mean()
    nach = reihe.loc[reihe["jahr"] >= start, "eckwert_mittel"].mean()
    return float(vor), float(nach)


def _satz_effekt(effekt: float, start: int, einheit: str, aenderung_modell: float, aenderung_vergleich: float) -> str:
    """The first sentence, without its closing period.

    "stärker gesunken" only where both groups' means fell (or both rose: "weniger stark gestiegen"): when
    one group rose and the other fell, "stärker gesunken" would be wrong, and the reading falls back to
    what DiD means: the difference to the development the Vergleichsregionen lead one to expect.
    """
    betrag = f"{_zahl(abs(effekt))} {einheit}"
    if _zahl(abs(effekt)) == _zahl(0.0):
        return f"In den Modellregionen hat sich der Eckwert seit {start} praktisch genauso entwickelt wie in den Vergleichsregionen"
    niedriger = effekt < 0
    # With gaps in the panel the plain means can disagree with the regression; then no comparative.
    passend = (aenderung_modell - aenderung_vergleich < 0) == niedriger and aenderung_modell != aenderung_vergleich
    beide_gesunken = passend and aenderung_modell <= 0 and aenderung_vergleich <= 0
    beide_gestiegen = passend and aenderung_modell >= 0 and aenderung_vergleich >= 0
    if beide_gesunken:
        vergleich = "stärker gesunken" if niedriger else "weniger stark gesunken"
    elif beide_gestiegen:
        vergleich = "weniger stark gestiegen" if niedriger else "stärker gestiegen"
    else:
        richtung = "niedriger" if niedriger else "höher"
        return (f"In den Modellregionen liegt der Eckwert seit {start} um {betrag} {richtung}, "
                "als nach der Entwicklung in den Vergleichsregionen zu erwarten wäre")
    return f"In den Modellregionen ist der Eckwert seit {start} um {betrag} {vergleich} als in den Vergleichsregionen"


def _zahl(value: float) -> str:
    """An Eckwert with one decimal, German format, with a typographic minus sign."""
    return format_number(value, 1).replace("-", "−")


def _konfidenz_text(konfidenz: float) -> str:
    prozent = konfidenz * 100
    return format_number(prozent, 0 if abs(prozent - round(prozent)) < 1e-9 else 1)
