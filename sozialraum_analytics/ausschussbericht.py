"""The Ausschussbericht (committee report): the tables, charts and texts that slides, PDF, XLSX and CSV are made of.

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

from . import diagramme
from .dataset import KREIS_ID
from .formatting import format_date, format_number, format_percent, format_signed, jahre_text, kreis_label, mit_ebene
from .geheimhaltung import GESPERRT
from .hilfearten import HILFEGRUPPEN_BY_ID
from .kennzahlen import Engine
from .oeffentlich import OFFEN, VERFAHREN
from .registry import anzeige_dezimalen, describe
from .vergleichswerte import Vergleich, kennzahl_text, quellen_zeile, vergleich, vergleich_im_jahr

# The help groups a committee sees in the overview table, and their short names as column titles.
UEBERSICHT_GRUPPEN = ("gesamt", "hze", "ambulant", "teilstationaer", "stationaer", "§35a", "§41", "§42")
KURZ = {"gesamt": "gesamt", "hze": "HzE", "ambulant": "ambulant", "teilstationaer": "teilstat.",
        "stationaer": "stationär", "§35a": "§ 35a", "§41": "§ 41", "§42": "§ 42"}
# A table slide at 14 pt: at most this many rows under the header, and this many characters across
# (the table area of a 16:9 slide, 12.3 inches); a longer table is split, a wider one turned or split.
FOLIE_ZEILEN = 12
FOLIE_ZEICHEN = 96
# The comparison with other regions: its long Kennzahl names take two or three lines, and its note (the sources)
# must stay on the slide.
VERGLEICH_FOLIE_ZEILEN = 5
# A column of differences (Kreis minus reference, area minus Kreis): written with its sign.
DIFFERENZ = "Differenz"


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

    def kurzfuss(self) -> str:
        """The footer of a slide (14 pt, one line): version, view, date; the source is on the title slide."""
        ansicht = "Öffentliche Ansicht" if self.oeffentlich else "Planungsansicht, nicht zur Veröffentlichung"
        return f"{self.kreis} · {self.version} · {ansicht} · Stand {format_date(self.datum)}"


@dataclass(frozen=True)
class Tabelle:
    titel: str
    daten: pd.DataFrame  # numbers as numbers, suppressed figures as "•", missing as None
    hinweis: str = ""
    # A table whose columns are areas (help groups × Sozialräume) may be turned on slides when there
    # are many Sozialräume: its rows become the columns, under these short names.
    kurz: dict[str, str] = field(default_factory=dict)
    quer_titel: str = ""  # the first column's title when turned ("Sozialraum")


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
    # Status and dynamics of the Sozialräume (:mod:`.dynamik`): the four groups, each Sozialraum, the class changes,
    # and their period ("2022–2024").
    dynamik: list[Tabelle] = field(default_factory=list)
    dynamik_zeitraum: str = ""
    vergleich: Tabelle | None = None  # the Kreis beside the imported reference values of other regions
    struktur: list[Tabelle] = field(default_factory=list)  # the case structure per Sozialraum (fallstruktur.py)

    @property
    def alle_tabellen(self) -> list[Tabelle]:
        """The tables of XLSX and CSV: the report's, the comparison with other regions, the case structure's, the
        dynamics', then the milestones."""
        return (self.tabellen + ([self.vergleich] if self.vergleich is not None else []) + self.struktur
                + self.dynamik + ([self.meilensteine] if self.meilensteine is not None else []))


# --- the slides: one list for the presentation, PPTX and PDF ---------------------------------
@dataclass(frozen=True)
class Folie:
    """One slide of the committee deck, the same on screen, in PPTX and in PDF."""

    art: str  # titel, kreis, bild, tabelle, raum
    titel: str
    kurz: str  # its name in the slide navigation
    bild: str | None = None  # the figure's key in Bericht.figuren
    tabelle: Tabelle | None = None
    raum: Raumseite | None = None


def folien(b: Bericht) -> list[Folie]:
    """The slides in the order the committee sees them; long and wide tables split to fit at 14 pt."""
    k = b.kopf
    out = [Folie("titel", f"Hilfen zur Erziehung im {k.kreis}", "Titel")]
    teile = folientabellen(b.tabellen[0])
    out += [Folie("kreis" if i == 0 else "tabelle", t.titel, "Kreis", tabelle=t) for i, t in enumerate(teile)]
    for name, titel, kurz in (("karte", f"Karte: Eckwert je Sozialraum {k.jahr}", "Karte"),
                              ("eckwerte", f"Eckwerte der Sozialräume {k.jahr}", "Eckwerte"),
                              ("entwicklung", f"Entwicklung im {k.kreis}", "Entwicklung")):
        if name in b.figuren:
            out.append(Folie("bild", titel, kurz, bild=name))
    if b.vergleich is not None:
        out += [Folie("tabelle", t.titel, "Vergleich", tabelle=t)
                for t in folientabellen(b.vergleich, zeilen=VERGLEICH_FOLIE_ZEILEN)]
    out += [Folie("tabelle", t.titel, "Hilfearten", tabelle=t) for t in folientabellen(b.tabellen[1])]
    for t in b.struktur:
        out += [Folie("tabelle", teil.titel, "Fallstruktur", tabelle=teil) for teil in folientabellen(t)]
    out += [Folie("raum", mit_ebene(s.name, "Sozialraum"), s.name, raum=s) for s in b.raeume]
    if "bedarf" in b.figuren:
        out.append(Folie("bild", f"Bedarf und Inanspruchnahme {k.jahr}", "Bedarf", bild="bedarf"))
    if b.dynamik:
        if "karte_dynamik" in b.figuren:
            out.append(Folie("bild", f"Karte: Status und Dynamik {b.dynamik_zeitraum}", "Dynamik", bild="karte_dynamik"))
        out += [Folie("tabelle", t.titel, "Dynamik", tabelle=t) for d in b.dynamik for t in folientabellen(d)]
    if b.meilensteine is not None:
        out += [Folie("tabelle", t.titel, "Meilensteine", tabelle=t) for t in folientabellen(b.meilensteine)]
    return out


def _zelltext(wert: object, spalte: str) -> str:
    if wert is None or (isinstance(wert, float) and pd.isna(wert)):
        return "–"
    if isinstance(wert, str):
        return wert
    if spalte == "Jahr":
        return str(int(wert))
    if spalte.startswith("Abweichung"):
        return format_percent(wert, 1, signed=True)  # "+33,6 %", "−8,5 %": sign and unit kept
    if spalte == DIFFERENZ:
        return format_signed(wert, 0 if isinstance(wert, int) else 1)
    dezimalen = 0 if isinstance(wert, int) or spalte.startswith(("Inanspruchnahme", "Ausgaben", "Plätze")) else 1
    if spalte in ("Bedarfsindex", "Dynamik"):
        dezimalen = 2
    return format_number(wert, dezimalen)


def tabellen_text(tabelle: Tabelle) -> list[list[str]]:
    """A table as German text cells (header first), for slides and PDF."""
    columns = [str(c) for c in tabelle.daten.columns]
    return [columns] + [[_zelltext(v, c) for v, c in zip(row, columns)]
                        for row in tabelle.daten.itertuples(index=False, name=None)]


def spaltenbreiten(zellen: list[list[str]]) -> list[int]:
    """Characters each column needs: its longest word (a word is never broken) or, up to 18, its text."""
    out = []
    for j in range(len(zellen[0])):
        texte = [row[j] for row in zellen]
        wort = max((len(w) for t in texte for w in t.split()), default=1)
        out.append(max(wort, min(max(len(t) for t in texte), 18)) + 2)
    return out


def ist_zahl(text: str) -> bool:
    """Whether a cell is a number (or the sign of one): right-aligned in tables."""
    return bool(text) and (text in ("–", GESPERRT) or text.lstrip("+−-").replace(".", "").replace(",", "")
                           .replace(" %", "").replace(" €", "").isdigit())


def _teilen(titel: str, teile: list[pd.DataFrame], t: Tabelle) -> list[Tabelle]:
    if len(teile) == 1:
        return [Tabelle(titel, teile[0], t.hinweis, t.kurz, t.quer_titel)]
    return [Tabelle(f"{titel} ({i}/{len(teile)})", teil, t.hinweis, t.kurz, t.quer_titel)
            for i, teil in enumerate(teile, start=1)]


def folientabellen(t: Tabelle, zeilen: int = FOLIE_ZEILEN, zeichen: int = FOLIE_ZEICHEN) -> list[Tabelle]:
    """A table as one or more slide tables that fit at 14 pt.

    Too wide: a table whose columns are areas (``t.kurz``) is turned (Sozialräume as rows, help
    groups under their short names as columns); what is still too wide is split by columns, the
    first column repeated. Too long: split by rows, the header repeated. Parts are numbered (1/2).
    """
    daten = t.daten
    if sum(spaltenbreiten(tabellen_text(t))) > zeichen and t.kurz:
        erste = daten.columns[0]
        quer = daten.set_index(erste).T
        quer.columns = [t.kurz.get(str(c), str(c)) for c in quer.columns]
        daten = quer.rename_axis(t.quer_titel or "Gebiet").reset_index()
        t = Tabelle(t.titel, daten, t.hinweis)
    breiten = spaltenbreiten(tabellen_text(t))
    gruppen: list[list[int]] = [[]]
    for j in range(1, len(breiten)):
        if gruppen[-1] and breiten[0] + sum(breiten[i] for i in gruppen[-1]) + breiten[j] > zeichen:
            gruppen.append([])
        gruppen[-1].append(j)
    spaltenteile = [daten.iloc[:, [0, *g]] for g in gruppen] if len(breiten) > 1 else [daten]
    teile = [teil.iloc[start:start + zeilen].reset_index(drop=True) for teil in spaltenteile
             for start in range(0, max(len(daten), 1), zeilen)]
    return _teilen(t.titel, teile, t)


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
        rows.append({"Sozialraum": names.get(area, area) if area != KREIS_ID else kreis_label(k.kreis),
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
                 "§ 42: im Jahr beendete Inobhutnahmen." + (f" {GESPERRT} = gesperrt (Geheimhaltung)."
                                                            if k.oeffentlich else ""),
                 kurz={HILFEGRUPPEN_BY_ID[g].label: KURZ[g] for g in UEBERSICHT_GRUPPEN}, quer_titel="Sozialraum")
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
    referenzen = vergleich(engine, kennzahl=eck, hilfeart="gesamt", jahre=engine.jahre)
    figuren = {"eckwerte": _fig_ranking(t1.daten, k), "entwicklung": _fig_entwicklung(t3.daten, k, referenzen)}
    if mit_karte and engine.dataset.gebiete is not None and engine.dataset.has("zuordnung"):
        figuren["karte"] = _fig_karte(engine, t1.daten, areas, k)
    if bedarf is not None:
        figuren["bedarf"] = _fig_bedarf(tabellen[-1].daten, t1.daten.iloc[-1]["Eckwert"], k)
    kreis_kz = [("Inanspruchnahme gesamt", _text(t1.daten.iloc[-1]["Inanspruchnahme"])),
                (describe(eck).label, format_number(t1.daten.iloc[-1]["Eckwert"], 1))]
    seiten = [_raumseite(engine, area, jahr, names) for area in (raeume or [])]
    ms = meilenstein_tabelle(meilensteine, names) if meilensteine is not None and len(meilensteine) else None
    uebersicht, dynamik = _dynamik(engine, jahr, areas, names)
    zeitraum = f"{uebersicht.basisjahr}–{uebersicht.jahr}" if uebersicht is not None else ""
    if uebersicht is not None and mit_karte and engine.dataset.gebiete is not None and engine.dataset.has("zuordnung"):
        figuren["karte_dynamik"] = _fig_karte_dynamik(engine, uebersicht, k)
    return Bericht(k, tabellen, figuren, seiten, kreis_kz, ms, dynamik, zeitraum,
                   vergleich_tabelle(vergleich_im_jahr(engine, jahr), k), fallstruktur_tabellen(engine, jahr))


def _dynamik(engine: Engine, jahr: int, areas: list[str], names: dict):  # noqa: ANN202
    """Status and dynamics of the Sozialräume for the committee: the four groups with their Sozialräume
    (attention first), each Sozialraum, and how its Bedarfsklasse last changed. Of the latest year up to ``jahr``
    with a Bedarfsindex; nothing without dynamics. In the public view the engine's rules hold: a Sozialraum under
    300 inhabitants has neither index (it reads "keine Angabe")."""
    from .dynamik import GRUPPEN, GRUPPEN_KURZ
    from .uebersicht import dynamik_uebersicht

    index_jahr = engine.bedarfsindex_jahr("sozialraum", jahr)
    uebersicht = dynamik_uebersicht(engine, "sozialraum", index_jahr) if index_jahr is not None else None
    if uebersicht is None:
        return None, []
    zeitraum = f"{uebersicht.basisjahr}–{uebersicht.jahr}"
    gebiete = uebersicht.gebiete
    grundlage = ("Veränderung jedes Sozialstrukturindikators über zwei Jahre (Anteile in Prozentpunkten)"
                 if not uebersicht.gegeben else "die Veränderungsindikatoren der Datei (" + ", ".join(uebersicht.gegeben)
                 + ")")
    methode = (f"Dynamik: {grundlage}, standardisiert und gemittelt wie der Bedarfsindex; negativ über +1, positiv "
               "unter −1 Standardabweichung, sonst stabil. Besonderer Aufmerksamkeitsbedarf: Bedarfsindex über dem "
               "Mittel (> 0) und negative Entwicklung. Nach dem Berliner Monitoring Soziale Stadtentwicklung.")
    ohne = [names.get(a, a) for a in uebersicht.ohne]
    ohne_text = (f" Keine Angabe (zu wenige Einwohner oder Daten): {', '.join(ohne)}." if ohne else "")
    gruppen = uebersicht.gruppen()
    t_gruppen = Tabelle(f"Vier Gruppen aus Status und Dynamik {zeitraum}", pd.DataFrame({
        "Gruppe": [f"{g} {GRUPPEN[g]}" for g in gruppen["gruppe"]],
        "Sozialräume": [", ".join(n) if n else "–" for n in gruppen["namen"]],
        # Areas, not cases: said in words, so that no one reads "1" as a small case count.
        "Anzahl": ["keiner" if n == 0 else f"{n} Sozialr{'aum' if n == 1 else 'äume'}" for n in gruppen["anzahl"]]}),
        methode + ohne_text)
    zeilen = [{"Sozialraum": r.name, "Bedarfsindex": _zahl(r.bedarfsindex, 2), "Bedarfsklasse": str(r.klasse_label),
               "Dynamik": _zahl(r.dynamikindex, 2), "Entwicklung": r.dynamik, "Gruppe": GRUPPEN_KURZ[int(r.gruppe)]}
              for r in gebiete.itertuples(index=False)]
    zeilen += [{"Sozialraum": names.get(a, a), "Bedarfsindex": None, "Bedarfsklasse": "–", "Dynamik": None,
                "Entwicklung": "keine Angabe", "Gruppe": "–"} for a in uebersicht.ohne]
    t_raeume = Tabelle(f"Status und Dynamik je Sozialraum {zeitraum}", pd.DataFrame(zeilen),
                       "Besondere Aufmerksamkeit (Bedarf über dem Mittel, Entwicklung negativ) zuerst, dann hoher "
                       "Bedarf, beobachten (Entwicklung negativ), unauffällig; je Gruppe nach dem Bedarfsindex. "
                       "Bedarfsindex und Dynamik in Standardabweichungen vom Mittel der Sozialräume (0)." + ohne_text)
    jahre = sorted(int(j) for j in set(engine.indikatoren("sozialraum")["jahr"]) if j <= uebersicht.jahr)
    t_wechsel = Tabelle(f"Wechsel der Bedarfsklasse bis {uebersicht.jahr}", pd.DataFrame({
        "Sozialraum": gebiete["name"].to_numpy(),
        f"Bedarfsklasse {uebersicht.jahr}": gebiete["klasse_label"].astype(str).to_numpy(),
        "Klassenwechsel": gebiete["wechsel"].replace("", "unverändert").to_numpy()}),
        f"Der letzte Wechsel der Bedarfsklasse über die Jahre mit Indikatoren ({jahre[0]}–{jahre[-1]}); "
        "„unverändert“: dieselbe Klasse in jedem Jahr mit Index.")
    return uebersicht, [t_gruppen, t_raeume, t_wechsel]


def vergleich_tabelle(v: Vergleich, k: Kopf) -> Tabelle | None:
    """The Kreis beside the reference values of other regions (:mod:`.vergleichswerte`), with their sources;
    ``None`` without reference values. A value the public view withholds is "•", its difference too."""
    if not len(v):
        return None
    w = v.werte
    rows = []
    for row in w.itertuples(index=False):
        dezimalen = anzeige_dezimalen(row.kennzahl)

        def zahl(wert: float, dezimalen: int = dezimalen) -> object:
            if wert is None or np.isnan(wert):
                return None
            return int(round(wert)) if dezimalen == 0 else round(float(wert), dezimalen)

        rows.append({"Kennzahl": kennzahl_text(row.kennzahl, row.hilfeart), "Vergleich mit": row.bezug,
                     "Jahr": int(row.jahr), "Vergleichswert": zahl(row.vergleichswert),
                     "Kreis": GESPERRT if row.gesperrt else zahl(row.kreiswert),
                     DIFFERENZ: GESPERRT if row.gesperrt else zahl(row.differenz),
                     "Abweichung": GESPERRT if row.gesperrt else _zahl(row.abweichung_prozent)})
    hinweis = (f"Vergleichswerte: veröffentlichte Werte anderer Gebiete; der Kreis auf derselben Bezugsgröße gerechnet. "
               "Differenz: Kreis minus Vergleichswert (Anteile in Prozentpunkten); Abweichung: um wie viel Prozent der "
               f"Kreis über (+) oder unter (−) dem Vergleichswert liegt. Quellen: {v.quellen_text()}."
               + (f" {GESPERRT} = gesperrt (Geheimhaltung)." if bool(w["gesperrt"].any()) else ""))
    return Tabelle(f"{k.kreis} im Vergleich mit anderen Gebieten {jahre_text(set(w['jahr'].astype(int)))}",
                   pd.DataFrame(rows), hinweis)


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
        eckwert = GESPERRT if mark else format_number(hilfen.at[gruppe, "eckwert"], 1)
        kennzahlen.append((f"{HILFEGRUPPEN_BY_ID[gruppe].label}: Eckwert (Kreis)",
                           f"{eckwert} ({format_number(hilfen.at[gruppe, 'eckwert_kreis'], 1)})"))
    return Raumseite(area, names.get(area, area), kennzahlen, [a.text for a in profil.aussagen])


# --- charts (the dashboard's builders in slide size, with the source footer) -----------------
def _fig_ranking(daten: pd.DataFrame, k: Kopf) -> go.Figure:
    kreiswert = daten.iloc[-1]["Eckwert"]
    teil = daten.iloc[:-1].dropna(subset=["Eckwert"]).sort_values("Eckwert", ascending=False, kind="mergesort")
    # Withheld areas keep their row, marked: a missing bar must not read as "none".
    gesperrt = daten.iloc[:-1][daten.iloc[:-1]["Inanspruchnahme"].astype(str) == GESPERRT]
    return diagramme.rangliste(list(teil["Sozialraum"]), list(teil["Eckwert"]), kreiswert,
                               titel=f"Eckwert Hilfen gesamt {k.jahr} je Sozialraum",
                               gesperrt=[str(n) for n in gesperrt["Sozialraum"]], groesse=diagramme.FOLIE,
                               fuss=k.fusszeile())


def _fig_entwicklung(daten: pd.DataFrame, k: Kopf, referenzen: Vergleich | None = None) -> go.Figure:
    """The Kreis's Eckwert over the years, with the reference values of other regions (grey) and their sources."""
    jahre = [int(j) for j in daten["Jahr"]]
    werte = pd.to_numeric(daten["Eckwert"], errors="coerce")
    fig = diagramme.figur(f"Eckwert Hilfen gesamt {k.kreis}, {min(jahre)}–{max(jahre)}", "", x_jahre=jahre,
                          groesse=diagramme.FOLIE)
    diagramme.linie(fig, jahre, werte, kreis_label(k.kreis), 0, [format_number(v, 1) for v in werte], kreis=True,
                    werte_zeigen=True)
    reihen = [r for r in (referenzen.reihen() if referenzen is not None else []) if len(r.jahre) >= 2]
    for i, reihe in enumerate(reihen):
        diagramme.vergleichslinie(fig, reihe.jahre, reihe.werte, reihe.bezug, i,
                                  [format_number(v, 1) for v in reihe.werte], quelle=", ".join(reihe.quellen))
    if reihen:
        diagramme.legende_platz(fig)
        diagramme.quellenzeile(fig, quellen_zeile(reihen), zeichen=120, wachsen=False)
    return diagramme.mit_fuss(fig, k.fusszeile())


def _fig_bedarf(daten: pd.DataFrame, kreiswert: float | None, k: Kopf) -> go.Figure:
    teil = daten.dropna(subset=["Bedarfsindex", "Eckwert"])
    return diagramme.bedarf_streuung(list(teil["Sozialraum"]), list(teil["Sozialraum"]), teil["Bedarfsindex"],
                                     teil["Eckwert"], titel=f"Bedarfsindex und Eckwert Hilfen gesamt je Sozialraum, {k.jahr}",
                                     y_titel="Eckwert Hilfen gesamt", kreiswert=kreiswert, klassen=list(teil["Klasse"]),
                                     x_titel="Bedarfsindex (0 = Mittel der Sozialräume)", groesse=diagramme.FOLIE,
                                     fuss=k.fusszeile())


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


def _fig_karte_dynamik(engine: Engine, uebersicht, k: Kopf) -> go.Figure:  # noqa: ANN001 - Dynamikuebersicht
    """The four groups of status and dynamics as a static map: the same classes and colours as the Karte page."""
    from .karte import anzeige_geometrie, kategorienkarte, sozialraum_flaechen, statische_karte
    from .kartenwerte import gebietswerte, merkmale

    flaechen = anzeige_geometrie(sozialraum_flaechen(engine.dataset.gebiete[["raum_id", "name", "geometry"]],
                                                     engine.dataset.planungsraeume()))
    werte = gebietswerte(engine, merkmale(engine)["status_dynamik"], "sozialraum", uebersicht.jahr)
    bild = kategorienkarte(flaechen, werte)
    return statische_karte(flaechen, bild, f"Status und Dynamik der Sozialräume {uebersicht.basisjahr}–"
                                           f"{uebersicht.jahr} (Zahl = Gruppe)", k.fusszeile())


# --- the Steckbrief of one area: its tables and charts, for the page and the PDF --------------
@dataclass
class Steckbriefbericht:
    """What the Steckbrief page shows of one area, ready for the PDF: figures, sentences, tables, charts."""

    kopf: Kopf
    raum: Raumseite
    tabellen: list[Tabelle]
    figuren: dict[str, go.Figure]
    ebene: str = "sozialraum"


def steckbrief_figuren(profil, kreis_name: str, groesse: diagramme.Groesse = diagramme.BILDSCHIRM,  # noqa: ANN001
                       fuss: str | None = None) -> dict[str, go.Figure]:
    """The Steckbrief's charts: Eckwerte of the area against the Kreis, young people by age group.

    The same on the page and in the PDF (``groesse``, ``fuss``: the source footer of an image).
    A chart without values is left out (``profil.hinweise`` says what is missing instead)."""
    from .steckbrief import junge_altersgruppen

    out: dict[str, go.Figure] = {}
    hilfen = profil.hilfen
    eck = describe(profil.optionen.eckwert).label
    if hilfen["eckwert"].notna().any():
        # Short axis labels (the table has the full names): "§ 35a Eingliederungshilfe …" -> "§ 35a".
        labels = [lbl if len(lbl) <= 18 else lbl.split(" Eingliederungshilfe")[0] for lbl in hilfen["label"]]
        out["hilfen"] = diagramme.hilfen_im_vergleich(
            labels, hilfen["eckwert"], hilfen["eckwert_kreis"], raum_name=profil.raum_name,
            kreis_name=kreis_label(kreis_name),
            titel=f"{html.escape(eck)} nach Hilfegruppe, {profil.jahre.get('hilfen', profil.jahr)}",
            y_titel=html.escape(eck), groesse=groesse, fuss=fuss)
    junge = junge_altersgruppen(profil.bevoelkerung)
    if len(junge):
        jahre = sorted(int(j) for j in junge["jahr"].unique())
        reihen = [(str(gruppe), rows["jahr"], rows["einwohner"])
                  for gruppe, rows in junge.groupby("altersgruppe", observed=True, sort=True)]
        out["bevoelkerung"] = diagramme.gestapelt(
            jahre, reihen, titel=f"Junge Menschen nach Altersgruppe, {jahre[0]}–{jahre[-1]}", y_titel="Einwohner",
            legende="Altersgruppe", groesse=groesse, fuss=fuss)
    return out


def steckbrief_tabellen(engine: Engine, profil) -> list[Tabelle]:  # noqa: ANN001 - steckbrief.Steckbrief
    """The Steckbrief's tables as the page shows them; in the public view withheld counts are "•".

    Each table is of its part's year (``profil.jahre``) and carries the part's note; where the age
    chart is left out, a table of the population with the note takes its place."""
    from .steckbrief import format_indikator, junge_altersgruppen

    hilfen = profil.hilfen
    jahre = {teil: profil.jahre.get(teil, profil.jahr) for teil in ("hilfen", "indikatoren", "bevoelkerung")}
    marken = [None] * len(hilfen)
    if engine.oeffentlich:
        vermerk = engine.sperrvermerk(profil.ebene)
        marken = [int(vermerk.get((jahre["hilfen"], profil.raum_id, h), 0)) for h in hilfen["hilfeart"]]
    daten = pd.DataFrame({
        "Hilfegruppe": hilfen["label"],
        "Inanspruchnahme": [_anzahl(w, m) for w, m in zip(hilfen["inanspruchnahme"], marken)],
        "Eckwert": [_zahl(v) for v in hilfen["eckwert"]], "Eckwert Kreis": [_zahl(v) for v in hilfen["eckwert_kreis"]],
        "Abweichung in %": [_zahl(v) for v in hilfen["eckwert_abweichung_prozent"]],
        "Ausgaben in €": [_zahl(v, 0) for v in hilfen["ausgaben"]],
    })
    opt = profil.optionen
    tabellen = [Tabelle(f"Hilfen im Vergleich zum Kreis {jahre['hilfen']}", daten, _hinweise(
        profil.hinweis("hilfen"), profil.hinweis("hilfen_diagramm"),
        f"{describe(opt.eckwert).label}. Inanspruchnahme = am 31.12. andauernde plus im Jahr beendete Hilfen.",
        f"{GESPERRT} = gesperrt (Geheimhaltung)." if engine.oeffentlich else ""))]
    ind = profil.indikatoren
    if len(ind):
        # Values as the page and the sentences write them (0,17 and 7,30, not 0,2 and 7,3).
        wert = [format_indikator(v) if i != "bedarfsindex" or pd.isna(v) else format_number(v, 2)
                for i, v in zip(ind["indikator"], ind["wert"])]
        tabellen.append(Tabelle(f"Sozialstruktur und Bedarfsindex {jahre['indikatoren']}", pd.DataFrame({
            "Indikator": ind["label"], "Einheit": ind["einheit"], "Wert": wert,
            "Kreis": [format_indikator(v) for v in ind["kreiswert"]], "Differenz": [_zahl(v) for v in ind["abweichung"]],
            "Abweichung in %": [_zahl(v) for v in ind["abweichung_prozent"]],
            "Klasse": ind["klasse"].fillna("").astype(str)}), _hinweise(
            profil.hinweis("indikatoren"),
            "Bedarfsindex: gewichtetes Mittel der standardisierten Indikatoren (0 = Mittel der Gebiete).")))
    if profil.hinweis("bevoelkerung") and not len(junge_altersgruppen(profil.bevoelkerung)):
        bev = profil.bevoelkerung
        bev = bev[bev["jahr"] == jahre["bevoelkerung"]] if len(bev) else bev
        daten = pd.DataFrame({"Altersgruppe": bev["altersgruppe"].astype(str).tolist() or ["insgesamt"],
                              "Einwohner": [_anzahl(v, None) for v in bev["einwohner"]] or [None]})
        tabellen.append(Tabelle(f"Bevölkerung {jahre['bevoelkerung']}", daten, profil.hinweis("bevoelkerung")))
    tabellen += steckbrief_struktur(engine, profil)
    angebote = profil.angebote
    if len(angebote):
        tabellen.append(Tabelle(f"Angebote im Gebiet {profil.jahr}", pd.DataFrame({
            "Angebot": angebote["name"].astype(str), "Art": angebote["typ"].astype(str),
            "Träger": angebote["traeger"].fillna("").astype(str) if "traeger" in angebote else "",
            "Plätze": [_zahl(v, 0) for v in pd.to_numeric(angebote["plaetze"], errors="coerce")]})))
    return tabellen


def _hinweise(*teile: str) -> str:
    return " ".join(t for t in teile if t)


# --- the case structure (fallstruktur.py) ---------------------------------------------------------------
def _gesperrt_oder(wert: float, gesperrt: bool, dezimalen: int) -> object:
    return GESPERRT if gesperrt else _zahl(wert, dezimalen)


def struktur_tabelle(v, raum_name: str, kreis_name: str, jahr: int, hilfeart: str = "gesamt") -> Tabelle:  # noqa: ANN001
    """One feature of an area's case structure beside the Kreis (:class:`fallstruktur.Vergleich`): counts and
    shares, "•" where the public view withholds them. The page, the Steckbrief PDF and its tests read this."""
    d = v.daten
    kreis = kreis_label(kreis_name)
    daten = pd.DataFrame({
        v.label: d["kategorie"].astype(str),
        "Anzahl": [_gesperrt_oder(a, g, 0) for a, g in zip(d["anzahl"], d["gesperrt"])],
        "Anteil in %": [_gesperrt_oder(a, g, 1) for a, g in zip(d["anteil"], d["gesperrt"])],
        f"Anzahl {kreis}": [_gesperrt_oder(a, g, 0) for a, g in zip(d["kreis_anzahl"], d["kreis_gesperrt"])],
        f"Anteil {kreis} in %": [_gesperrt_oder(a, g, 1) for a, g in zip(d["kreis_anteil"], d["kreis_gesperrt"])],
    })

    def hilfen(n: float, gesperrt: bool) -> str:
        return GESPERRT if gesperrt else format_number(n, 0)

    gruppe = HILFEGRUPPEN_BY_ID[hilfeart].label
    hinweis = _hinweise(f"{gruppe}, {v.basis_text}: {hilfen(v.nenner, v.nenner_gesperrt)} in {raum_name}, "
                        f"{hilfen(v.kreis_nenner, v.kreis_nenner_gesperrt)} im Kreis. Anteil = Hilfen der Kategorie je "
                        "100 Hilfen (mit „ohne Angabe“).", v.schutzhinweis)
    return Tabelle(f"{v.label} {jahr}: {raum_name}", daten, hinweis)


def personen_tabelle(personen: pd.DataFrame, raum_name: str, kreis_name: str, jahr: int,
                     basis: str | None = None) -> Tabelle:
    """Fälle and junge Menschen of an area and the Kreis (:func:`fallstruktur.personen_vergleich`) among the
    helps of ``basis`` (default the Hilfen insgesamt)."""
    from .fallstruktur import BASEN, INANSPRUCHNAHME

    namen = [raum_name, kreis_label(kreis_name)]
    daten = pd.DataFrame({
        "Gebiet": namen[:len(personen)],
        "Fälle (Hilfen)": [_gesperrt_oder(v, g, 0) for v, g in zip(personen["faelle"], personen["gesperrt"])],
        "Junge Menschen": [_gesperrt_oder(v, g, 0) for v, g in zip(personen["junge_menschen"], personen["gesperrt"])],
        "Hilfen je jungem Menschen": [_gesperrt_oder(v, g, 2)
                                      for v, g in zip(personen["hilfen_je_person"], personen["gesperrt"])],
    })
    return Tabelle(f"Fälle und junge Menschen {jahr}", daten,
                   f"{BASEN[basis or INANSPRUCHNAHME]}. Junge Menschen: verschiedene Personen-IDs; eine Person mit "
                   "zwei Hilfen ist zwei Fälle.")


def steckbrief_struktur(engine: Engine, profil, hilfeart: str = "gesamt") -> list[Tabelle]:  # noqa: ANN001
    """The Steckbrief's case structure of Hilfen gesamt (the page's default view) for the PDF: a table per
    feature the case file has, Fälle and junge Menschen; what is missing is said under the last one."""
    from . import fallstruktur as fs

    jahr = profil.jahre.get("hilfen", profil.jahr)
    if jahr not in engine.jahre:
        return []
    out, fehlt = [], []
    for merkmal in fs.MERKMALE:
        v = fs.vergleich(engine, profil.ebene, profil.raum_id, jahr, merkmal, hilfeart)
        if v.hinweis:
            fehlt.append(v.hinweis)
        else:
            out.append(struktur_tabelle(v, profil.raum_name, engine.dataset.kreis_name, jahr, hilfeart))
    personen, hinweis = fs.personen_vergleich(engine, profil.ebene, profil.raum_id, jahr, hilfeart)
    if hinweis:
        fehlt.append(hinweis)
    else:
        out.append(personen_tabelle(personen, profil.raum_name, engine.dataset.kreis_name, jahr))
    if not out:  # nothing to show: what is missing, as the page says it
        return [Tabelle(f"Fallstruktur {jahr}", pd.DataFrame({"Hinweis": list(dict.fromkeys(fehlt))}))]
    letzte = out[-1]
    out[-1] = Tabelle(letzte.titel, letzte.daten, _hinweise(letzte.hinweis, fs.erlaeuterung(engine),
                                                             *dict.fromkeys(fehlt)))
    return out


def fallstruktur_tabellen(engine: Engine, jahr: int, hilfeart: str = "gesamt") -> list[Tabelle]:
    """The committee's view of the case structure: per feature the shares of every category (rows) in each
    Sozialraum and the Kreis (columns, turned on slides when there are many), with the number of helps they
    are shares of; "•" where withheld. A feature the case file lacks is left out (its note is on the
    Steckbrief)."""
    from . import fallstruktur as fs

    faelle = engine.strukturfaelle()
    if faelle is None:
        return []
    names = engine.dataset.area_names()
    kreis = kreis_label(engine.dataset.kreis_name)
    out = []
    for merkmal, m in fs.MERKMALE.items():
        if merkmal not in faelle.kategorien:
            continue
        basis = fs.basis_von(engine, merkmal)
        teile = pd.concat([fs.tabelle(engine, e, jahr, merkmal, basis) for e in ("sozialraum", "kreis")])
        teile = teile[teile["hilfeart"] == hilfeart]
        spalten = {a: names.get(a, a) if a != KREIS_ID else kreis for a in dict.fromkeys(teile["area"])}
        kopf_ = teile.drop_duplicates("area").set_index("area")
        rows = [{m.label: "Hilfen", **{spalten[a]: GESPERRT if kopf_.at[a, "nenner_gesperrt"] else _anzahl(
            kopf_.at[a, "nenner"], None) for a in spalten}}]
        for kategorie, zeilen in teile.groupby("kategorie", sort=False):
            zeilen = zeilen.set_index("area")
            werte = {spalten[a]: GESPERRT if zeilen.at[a, "gesperrt"] or zeilen.at[a, "nenner_gesperrt"]
                     else _zahl(zeilen.at[a, "anteil"], 1) for a in spalten}
            # Categories nobody has this year (own texts of other years) say nothing.
            if kategorie in m.amtlich or any(w not in (0, 0.0, None) for w in werte.values()):
                rows.append({m.label: f"{kategorie} in %", **werte})
        schutz = engine.schutz.fallstruktur(engine, jahr, merkmal).hinweis if engine.oeffentlich else ""
        kurz = {f"{k} in %": fs.KURZNAMEN.get(k, k) for k in dict.fromkeys(teile["kategorie"])}
        out.append(Tabelle(f"{m.label} {jahr}: Anteile je Sozialraum",
                           pd.DataFrame(rows, dtype=object),
                           _hinweise(f"{HILFEGRUPPEN_BY_ID[hilfeart].label}: Anteile in % der {fs.BASEN[basis]}; "
                                     "„Hilfen“ = ihre Zahl; o. A. = ohne Angabe.",
                                     f"{GESPERRT} = gesperrt (Geheimhaltung)." if engine.oeffentlich else "", schutz),
                           kurz=kurz, quer_titel="Sozialraum"))
    return out


def steckbrief_bericht(engine: Engine, raum_id: str, jahr: int, ebene: str = "sozialraum",
                       datum: dt.date | None = None) -> Steckbriefbericht:
    """The Steckbrief of one area for the PDF: the page's figures, sentences, tables and charts."""
    from .steckbrief import steckbrief

    profil = steckbrief(engine, raum_id, jahr, ebene)
    names = engine.dataset.area_names()
    saetze = [a.text for a in profil.alle_aussagen]
    # The key figures of a Sozialraum as on the committee's slides, of the year the helps are shown for.
    kennzahlen = _raumseite(engine, raum_id, profil.jahre["hilfen"], names).kennzahlen if ebene == "sozialraum" else []
    raum = Raumseite(raum_id, profil.raum_name, kennzahlen, saetze)
    k = kopf(engine, jahr, datum)
    return Steckbriefbericht(k, raum, steckbrief_tabellen(engine, profil),
                             steckbrief_figuren(profil, engine.dataset.kreis_name, diagramme.SEITE, k.fusszeile()), ebene)
