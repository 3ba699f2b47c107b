"""The committee report: the tables, charts and texts that slides, PDF, XLSX and CSV are made of.

Built from an engine: from an engine with the public view's protection
(:class:`~sozialraum_analytics.oeffentlich.Schutz`) the report obeys the confidentiality rules
because every figure comes from its cubes; suppressed figures carry the one sign "•" (gesperrt).
Each part carries the :class:`Kopf`: source, date, data version, view and the denominator note.
No Streamlit here: usable from the CLI and a notebook.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .dataset import KREIS_ID
from .formatting import format_date, format_number
from .geheimhaltung import GESPERRT
from .hilfearten import HILFEGRUPPEN_BY_ID
from .kennzahlen import Engine
from .oeffentlich import OFFEN, VERFAHREN
from .registry import describe

# The help groups a committee sees in the overview table.
UEBERSICHT_GRUPPEN = ("gesamt", "hze", "ambulant", "teilstationaer", "stationaer", "§35a", "§41", "§42")
FARBE = "#1f5f8b"
UEBER_KREIS = "#d9822b"
KREIS_FARBE = "#3b3b3b"
SCHRIFT = "DejaVu Sans, Arial, sans-serif"


@dataclass(frozen=True)
class Kopf:
    """What every export states about itself."""

    kreis: str
    jahr: int
    quelle: str
    version: str
    ansicht: str
    nenner: str
    datum: dt.date
    geheimhaltung: str = ""
    datenstand: str = ""
    gesperrt: tuple[str, ...] = ()  # what the protection had to withhold beyond the usual, and why

    @property
    def oeffentlich(self) -> bool:
        return self.ansicht.startswith("Öffentlich")

    def zeilen(self) -> list[tuple[str, str]]:
        rows = [("Kreis", self.kreis), ("Berichtsjahr", str(self.jahr)), ("Quelle", self.quelle),
                ("Datenversion", self.version), ("Ansicht", self.ansicht), ("Stand des Exports", format_date(self.datum)),
                ("Bezugsgröße", self.nenner)]
        if self.datenstand:
            rows.append(("Datenstand", self.datenstand.removeprefix("Stand: ").removeprefix("Stand ")))
        if self.geheimhaltung:
            rows.append(("Geheimhaltung", self.geheimhaltung))
        for hinweis in self.gesperrt:
            rows.append(("Zusätzlich gesperrt", hinweis))
        return rows

    def fusszeile(self) -> str:
        return (f"Quelle: {self.quelle} · {self.version} · {self.ansicht} · Stand {format_date(self.datum)} · "
                f"{self.nenner}")


@dataclass(frozen=True)
class Tabelle:
    titel: str
    daten: pd.DataFrame  # numbers as numbers, suppressed figures as "•", missing as None
    hinweis: str = ""


@dataclass(frozen=True)
class Raumseite:
    raum_id: str
    name: str
    kennzahlen: list[tuple[str, str]]
    aussagen: list[str]


@dataclass
class Bericht:
    kopf: Kopf
    tabellen: list[Tabelle]
    figuren: dict[str, go.Figure]
    raeume: list[Raumseite] = field(default_factory=list)
    kreis_kennzahlen: list[tuple[str, str]] = field(default_factory=list)
    meilensteine: Tabelle | None = None

    @property
    def alle_tabellen(self) -> list[Tabelle]:
        """The tables of XLSX and CSV: the report's, then the milestones."""
        return self.tabellen + ([self.meilensteine] if self.meilensteine is not None else [])


def kopf(engine: Engine, jahr: int, datum: dt.date | None = None) -> Kopf:
    dataset = engine.dataset
    opt = engine.optionen
    eck = describe(opt.eckwert).label
    version = f"Datenversion {dataset.version}" if dataset.version is not None else "Daten aus Ordner"
    nenner = f"{eck}: Hilfen je {format_number(opt.skala)} junge Menschen am 31.12."
    if engine.oeffentlich:
        return Kopf(dataset.kreis_name, jahr, dataset.quelle, version, "Öffentliche Ansicht (Jugendhilfeausschuss)",
                    nenner, datum or dt.date.today(), f"{VERFAHREN[engine.schutz.verfahren]}. {engine.schutz.legende}",
                    dataset.stand_text(), tuple(engine.schutz.hinweise(engine)))
    return Kopf(dataset.kreis_name, jahr, dataset.quelle, version,
                "Planungsansicht: exakte Zahlen, nicht zur Veröffentlichung", nenner, datum or dt.date.today(),
                datenstand=dataset.stand_text())


def _vermerke(engine: Engine, ebene: str, kennzahl: str | None = None) -> pd.Series | None:
    return engine.sperrvermerk(ebene, kennzahl) if engine.oeffentlich else None


def _anzahl(wert: float, vermerk: int | None) -> object:
    if vermerk is not None and vermerk != OFFEN:
        return GESPERRT
    return None if wert is None or np.isnan(wert) else int(round(wert))


def _geld(wert: float, vermerk: int | None) -> object:
    if vermerk is not None and vermerk != OFFEN:
        return GESPERRT
    return _zahl(wert, 0)


def _zahl(wert: float, dezimalen: int = 1) -> float | None:
    return None if wert is None or np.isnan(wert) else round(float(wert), dezimalen)


def meilenstein_tabelle(meilensteine: pd.DataFrame, names: dict) -> Tabelle:
    """The steering group's milestones for the report (the internal notes stay out)."""
    daten = pd.DataFrame({
        "Meilenstein": meilensteine["titel"].astype(str),
        "Sozialraum": ["alle Sozialräume" if pd.isna(r) or not r else names.get(r, r) for r in meilensteine["raum_id"]],
        "Fällig": [format_date(f) for f in meilensteine["faellig"]],
        "Status": meilensteine["status"].astype(str),
        "Verantwortlich": ["" if pd.isna(v) else str(v) for v in meilensteine["verantwortlich"]],
    })
    return Tabelle("Meilensteine der Steuerungsgruppe", daten, "Stand der Datenbank beim Export.")


def bericht(engine: Engine, jahr: int | None = None, raeume: list[str] | None = None,
            datum: dt.date | None = None, mit_karte: bool = True,
            meilensteine: pd.DataFrame | None = None) -> Bericht:
    """The committee report of ``jahr`` (default: the last year) for the engine's view."""
    jahr = jahr if jahr is not None else engine.jahre[-1]
    k = kopf(engine, jahr, datum)
    opt = engine.optionen
    eck = opt.eckwert
    names = engine.dataset.area_names()
    gebiete = engine.table("sozialraum")
    kreis = engine.table("kreis")
    v_geb, v_kreis = _vermerke(engine, "sozialraum"), _vermerke(engine, "kreis")
    g_kreis = _vermerke(engine, "kreis", "ausgaben")

    def zeile(table: pd.DataFrame, vermerk: pd.Series | None, area: str, gruppe: str, spalte: str) -> tuple:
        key = (jahr, area, gruppe)
        wert = float(table.at[key, spalte]) if spalte in table.columns and key in table.index else np.nan
        return wert, (int(vermerk.at[key]) if vermerk is not None and key in vermerk.index else None)

    areas = engine.areas("sozialraum")
    # 1. Sozialräume: Hilfen gesamt
    rows = []
    for area in [*areas, KREIS_ID]:
        table, vermerk = (kreis, v_kreis) if area == KREIS_ID else (gebiete, v_geb)
        inan, mark = zeile(table, vermerk, area, "gesamt", "inanspruchnahme")
        eckwert, _ = zeile(table, vermerk, area, "gesamt", eck)
        abw, _ = zeile(table, vermerk, area, "gesamt", f"{eck}_abweichung_kreis_prozent")
        rows.append({"Sozialraum": names.get(area, area) if area != KREIS_ID else f"{k.kreis} (Kreis)",
                     "Inanspruchnahme": _anzahl(inan, mark), "Eckwert": _zahl(eckwert),
                     "Abweichung vom Kreis in %": _zahl(abw) if area != KREIS_ID else None})
    t1 = Tabelle(f"Hilfen gesamt je Sozialraum {jahr}", pd.DataFrame(rows),
                 f"Inanspruchnahme = am 31.12. andauernde plus im Jahr beendete Hilfen (HzE und § 35a). {k.nenner}")
    # 2. help groups × Sozialräume
    rows = []
    for gruppe in UEBERSICHT_GRUPPEN:
        row = {"Hilfeart": HILFEGRUPPEN_BY_ID[gruppe].label}
        for area in [*areas, KREIS_ID]:
            table, vermerk = (kreis, v_kreis) if area == KREIS_ID else (gebiete, v_geb)
            spalte = "inobhutnahmen" if gruppe == "§42" else "inanspruchnahme"
            wert, mark = zeile(table, vermerk, area, gruppe, spalte)
            row[names.get(area, area) if area != KREIS_ID else "Kreis"] = _anzahl(wert, mark)
        rows.append(row)
    t2 = Tabelle(f"Inanspruchnahme nach Hilfeart und Sozialraum {jahr}", pd.DataFrame(rows),
                 "§ 42: im Jahr beendete Inobhutnahmen." + (" " + k.geheimhaltung if k.geheimhaltung else ""))
    # 3. the Kreis over the years
    rows = []
    for j in engine.jahre:
        key = (j, KREIS_ID, "gesamt")

        def get(c: str, key: tuple = key) -> float:
            return float(kreis.at[key, c]) if c in kreis.columns else np.nan
        rows.append({"Jahr": j, "Inanspruchnahme": _anzahl(get("inanspruchnahme"),
                                                             int(v_kreis.at[key]) if v_kreis is not None else None),
                     "Eckwert": _zahl(get(eck)),
                     "Ausgaben in €": _geld(get("ausgaben"), int(g_kreis.at[key]) if g_kreis is not None else None)})
    t3 = Tabelle(f"Entwicklung {k.kreis}: Hilfen gesamt", pd.DataFrame(rows), k.nenner)
    tabellen = [t1, t2, t3]
    bedarf = engine.bedarfsindex("sozialraum", jahr)
    if bedarf is not None:
        frame = bedarf.set_index("area")
        rows = [{"Sozialraum": names.get(a, a), "Bedarfsindex": _zahl(frame["bedarfsindex"].get(a, np.nan), 2),
                 "Klasse": str(frame["klasse_label"].get(a, "")) if a in frame.index else "",
                 "Eckwert": _zahl(zeile(gebiete, v_geb, a, "gesamt", eck)[0])} for a in areas]
        tabellen.append(Tabelle(f"Bedarf und Inanspruchnahme {jahr}", pd.DataFrame(rows),
                                "Bedarfsindex: gewichteter Mittelwert der z-standardisierten Sozialindikatoren "
                                "(0 = Mittel der Sozialräume)."))
    figuren = {"eckwerte": _fig_ranking(t1.daten, k), "entwicklung": _fig_entwicklung(t3.daten, k)}
    if mit_karte and engine.dataset.gebiete is not None and engine.dataset.has("zuordnung"):
        figuren["karte"] = _fig_karte(engine, t1.daten, areas, k)
    if bedarf is not None:
        figuren["bedarf"] = _fig_bedarf(tabellen[-1].daten, k)
    kreis_kz = [("Inanspruchnahme gesamt", _text(t1.daten.iloc[-1]["Inanspruchnahme"])),
                (describe(eck).label, format_number(t1.daten.iloc[-1]["Eckwert"], 1))]
    seiten = [_raumseite(engine, area, jahr, names) for area in (raeume or [])]
    ms = meilenstein_tabelle(meilensteine, names) if meilensteine is not None and len(meilensteine) else None
    return Bericht(k, tabellen, figuren, seiten, kreis_kz, ms)


def _text(wert: object) -> str:
    if isinstance(wert, str):
        return wert
    return format_number(wert, 0)


def _raumseite(engine: Engine, area: str, jahr: int, names: dict) -> Raumseite:
    from .steckbrief import steckbrief

    profil = steckbrief(engine, area, jahr)
    hilfen = profil.hilfen.set_index("hilfeart")
    vermerk = _vermerke(engine, "sozialraum")
    kennzahlen = []
    for gruppe in ("gesamt", "hze", "§35a"):
        if gruppe not in hilfen.index:
            continue
        mark = int(vermerk.at[(jahr, area, gruppe)]) if vermerk is not None else None
        kennzahlen.append((f"{HILFEGRUPPEN_BY_ID[gruppe].label}: Inanspruchnahme",
                           _text(_anzahl(hilfen.at[gruppe, "inanspruchnahme"], mark))))
        kennzahlen.append((f"{HILFEGRUPPEN_BY_ID[gruppe].label}: Eckwert (Kreis)",
                           f"{format_number(hilfen.at[gruppe, 'eckwert'], 1)} "
                           f"({format_number(hilfen.at[gruppe, 'eckwert_kreis'], 1)})"))
    return Raumseite(area, names.get(area, area), kennzahlen, [a.text for a in profil.aussagen])


# --- charts (plotly; shown in the app, written as PNG/SVG, placed on slides) ------------
def _layout(fig: go.Figure, titel: str, k: Kopf, height: int = 620) -> go.Figure:
    fig.update_layout(template="plotly_white", height=height, width=1200, font=dict(family=SCHRIFT, size=18),
                      title=dict(text=titel, font=dict(size=26), x=0.01),
                      margin=dict(l=80, r=40, t=90, b=110), showlegend=False)
    fuss = html.escape(k.fusszeile()).replace(" · Eckwert", "<br>Eckwert")
    fig.add_annotation(text=fuss, xref="paper", yref="paper", x=0, y=0, yshift=-60,
                       showarrow=False, xanchor="left", yanchor="top", font=dict(size=11, color="#555"))
    return fig


def _fig_ranking(daten: pd.DataFrame, k: Kopf) -> go.Figure:
    kreiswert = daten.iloc[-1]["Eckwert"]
    teil = daten.iloc[:-1].dropna(subset=["Eckwert"]).sort_values("Eckwert")
    farben = [UEBER_KREIS if kreiswert is not None and v > kreiswert else FARBE for v in teil["Eckwert"]]
    fig = go.Figure(go.Bar(x=teil["Eckwert"], y=[html.escape(str(n)) for n in teil["Sozialraum"]], orientation="h",
                           marker_color=farben,
                           text=[format_number(v, 1) for v in teil["Eckwert"]], textposition="outside",
                           cliponaxis=False))
    if kreiswert is not None:
        fig.add_vline(x=kreiswert, line=dict(color=KREIS_FARBE, width=3, dash="dash"))
        fig.add_annotation(x=kreiswert, y=1.02, yref="paper", showarrow=False, yanchor="bottom",
                           text=f"Kreis: {format_number(kreiswert, 1)}")
    fig.update_layout(separators=",.")
    return _layout(fig, f"Eckwert Hilfen gesamt {k.jahr} je Sozialraum", k, height=max(520, 140 + 46 * len(teil)))


def _fig_entwicklung(daten: pd.DataFrame, k: Kopf) -> go.Figure:
    werte = pd.to_numeric(daten["Eckwert"], errors="coerce")
    fig = go.Figure(go.Scatter(x=daten["Jahr"], y=werte, mode="lines+markers+text", line=dict(color=FARBE, width=4),
                               marker=dict(size=12), text=[format_number(v, 1) for v in werte],
                               textposition="top center"))
    fig.update_xaxes(dtick=1)
    fig.update_layout(separators=",.")
    return _layout(fig, f"Eckwert Hilfen gesamt {k.kreis}, {daten['Jahr'].min()}–{daten['Jahr'].max()}", k)


def _fig_bedarf(daten: pd.DataFrame, k: Kopf) -> go.Figure:
    teil = daten.dropna(subset=["Bedarfsindex", "Eckwert"])
    fig = go.Figure(go.Scatter(x=teil["Bedarfsindex"], y=teil["Eckwert"], mode="markers+text",
                               text=[html.escape(str(n)) for n in teil["Sozialraum"]],
                               textposition="top center", marker=dict(size=16, color=FARBE)))
    fig.update_xaxes(title_text="Bedarfsindex (0 = Mittel der Sozialräume)")
    fig.update_yaxes(title_text="Eckwert Hilfen gesamt")
    fig.update_layout(separators=",.")
    return _layout(fig, f"Bedarf und Inanspruchnahme {k.jahr}", k)


def _fig_karte(engine: Engine, daten: pd.DataFrame, areas: list[str], k: Kopf) -> go.Figure:
    """The Eckwert map as a static figure: the same values, classes and colours as the Karte page."""
    from .karte import anzeige_geometrie, sozialraum_flaechen, statische_karte, wertekarte
    from .kartenwerte import _kennzahl_merkmal, gebietswerte

    flaechen = anzeige_geometrie(sozialraum_flaechen(engine.dataset.gebiete[["raum_id", "name", "geometry"]],
                                                     engine.dataset.planungsraeume()))
    merkmal = _kennzahl_merkmal("eckwert", engine.optionen.eckwert, "gesamt")
    werte = gebietswerte(engine, merkmal, "sozialraum", k.jahr)
    bild = wertekarte(flaechen, werte, "quantile", 5)
    return statische_karte(flaechen, bild, f"Eckwert Hilfen gesamt {k.jahr}: Sozialräume", k.fusszeile(),
                           merkmal.dezimalen)
