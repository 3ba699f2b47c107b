"""Übersicht: the Kreis at a glance for the selected year, its areas, their needs and social indicators.

Every kind of Kreis gets its page: with case data the Kreis figures and the areas' Eckwerte, with
social indicators the Bedarfsindex and the indicators. What the data cannot give is left out and
named once, at the top. Each block shows the chosen year or, where that has no values, its latest
year with values (and says so). Areas are keyed by id; a table of all areas scrolls in a fixed
height and a chart of many areas shows the highest ones, so that 1,100 Planungsräume fit on a page.
"""

from dataclasses import dataclass

import pandas as pd
import streamlit as st

import ui
from sozialraum_analytics import diagramme
from sozialraum_analytics.dataset import KREIS_ID
from sozialraum_analytics.formatting import format_number, format_percent, format_signed, neutralise_formula
from sozialraum_analytics.geheimhaltung import MIN_JUNGE_MENSCHEN
from sozialraum_analytics.kartenwerte import jahr_mit_werten, merkmale
from sozialraum_analytics.kennzahlen import EBENE_LABELS
from sozialraum_analytics.registry import describe
from sozialraum_analytics.tables import TABLES
from sozialraum_analytics.uebersicht import (
    bedarfsuebersicht,
    dynamik_uebersicht,
    indikatoren_uebersicht,
    jahr_fuer_wert,
    jahre_mit_wert,
    nenner_schaetzung,
)
from sozialraum_analytics.vergleichswerte import kennzahl_text, vergleich_im_jahr

ALLE_BIS = 30  # a ranking chart shows every area up to this many, else the highest RANGLISTE
RANGLISTE = 15
SPITZE = 10  # areas in the table of the highest Bedarfsindex
TABELLE_HOEHE = 420  # px, about eleven rows: a table of more areas scrolls


def gebiets_index(raum_ids: list[str]) -> pd.Index:
    """The area ids as a table's first column (the key of every row); formulas neutralised for the CSV download."""
    return pd.Index([neutralise_formula(str(r)) for r in raum_ids], name="ID")


def hoehe(zeilen: int) -> int:
    return min(40 + 35 * zeilen, TABELLE_HOEHE)


dataset = ui.get_dataset()
auswahl = ui.auswahl()
jahr = auswahl.jahr
skala = ui.SKALEN_AUSWAHL[auswahl.skala]
oeffentlich = ui.ist_oeffentlich()

st.title(f"Übersicht: {ui.escape_md(dataset.kreis_name)}")
if ui.leerer_bestand(dataset):
    st.stop()

jahre = dataset.years()
kopf = []
if jahre:
    kopf.append(f"**Jahre der Daten:** {jahre[0]}–{jahre[-1]}" if len(jahre) > 1 else f"**Jahr der Daten:** {jahre[0]}")
if dataset.stand_text():
    kopf.append(f"**Datenstand:** {ui.escape_md(dataset.stand_text().removeprefix('Stand: ').removeprefix('Stand '))}")
kopf.append(f"**Quelle:** {ui.escape_md(dataset.quelle)}")
st.markdown(" · ".join(kopf))

engine = ui.get_engine(auswahl.optionen) if jahr is not None else None
# Without the assignment there are no Sozialräume: the planning view shows the Planungsräume instead,
# the public view has no other level (Gemeinden are too small to publish).
ebene: str | None = auswahl.ebene
if ebene == "sozialraum" and not dataset.has("zuordnung"):
    ebene = None if oeffentlich else "planungsraum"
plural = ui.EBENEN_PLURAL[ebene] if ebene else auswahl.ebene_plural

# --- what the data allow: tiles of the Kreis ------------------------------------------------------
kreis = ui.kennzahlen_tabelle(dataset, auswahl, "kreis") \
    if jahr is not None and (dataset.has_cases or dataset.has("bevoelkerung")) else None


@dataclass(frozen=True)
class Kachel:
    """One Kreis figure: the engine's column, its help group, card label and help, the tables it needs."""

    spalte: str
    hilfeart: str
    label: str
    hilfe: str
    gruppe: str  # the set it belongs to, named when all of the set is missing
    benoetigt: tuple[str, ...]
    prozentpunkte: bool = False
    mit_nenner: bool = False  # rests on the population denominator (estimated with it)


KACHELN = [
    Kachel("inanspruchnahme", "gesamt", "Inanspruchnahme gesamt",
           "Hilfen insgesamt (HzE und § 35a): am 31.12. andauernde plus im Jahr beendete Hilfen.", "hilfen", (ui.FAELLE,)),
    Kachel(auswahl.eckwert, "gesamt", auswahl.eckwert_label,
           f"Eckwert gesamt: Hilfen gesamt (HzE und § 35a) {skala} junge Menschen {auswahl.nenner_label} "
           "(Bevölkerung am 31.12.).", "hilfen", (ui.FAELLE, "bevoelkerung"), mit_nenner=True),
    Kachel("anteil_stationaer", "hze", "Anteil stationär (HzE)",
           "Stationäre Hilfen zur Erziehung in % aller HzE (ambulant + teilstationär + stationär).", "hilfen",
           (ui.FAELLE,), prozentpunkte=True),
    Kachel("inobhutnahmen", "§42", "Inobhutnahmen (§ 42)", "Im Jahr beendete Inobhutnahmen; keine Hilfe zur Erziehung.",
           "hilfen", (ui.FAELLE,)),
    Kachel("ausgaben", "gesamt", "Ausgaben gesamt", "Ausgaben für HzE und § 35a im Kalenderjahr.", "ausgaben",
           ("kosten",)),
    Kachel(auswahl.ausgaben_je, "gesamt", auswahl.ausgaben_je_label,
           f"Ausgaben gesamt je jungem Menschen {auswahl.nenner_label} (Bevölkerung am 31.12.).", "ausgaben",
           ("kosten", "bevoelkerung"), mit_nenner=True),
    Kachel("kosten_je_hilfe", "gesamt", "Kosten je Hilfe", "Ausgaben gesamt geteilt durch die Inanspruchnahme.",
           "ausgaben", ("kosten", ui.FAELLE)),
    Kachel(f"bevoelkerung_{auswahl.nenner}", "gesamt", f"Bevölkerung {auswahl.nenner_label}",
           f"Junge Menschen {auswahl.nenner_label} am 31.12. (Nenner des Eckwerts).", "bevoelkerung",
           ("bevoelkerung",), mit_nenner=True),
]
GRUPPEN = {"hilfen": "die Kennzahlen der Hilfen (Inanspruchnahme, Eckwert, Anteil stationär, Inobhutnahmen)",
           "ausgaben": "die Ausgaben (gesamt, je Einwohner, je Hilfe)", "bevoelkerung": "die Bevölkerung"}


def kachel_jahr(kachel: Kachel) -> tuple[int | None, bool]:
    """The year a tile shows and whether its figure is withheld there (public view: "•", never a gap)."""
    if jahr is None or kreis is None:
        return None, False
    if ui.ist_gesperrt(auswahl.optionen, "kreis", jahr, KREIS_ID, kachel.hilfeart, kachel.spalte):
        return jahr, True
    gezeigt_jahr = jahr_fuer_wert(jahre_mit_wert(kreis, KREIS_ID, kachel.hilfeart, kachel.spalte), jahr)
    if gezeigt_jahr is None and oeffentlich and not ui.fehlende_tabellen(dataset, kachel.benoetigt):
        # The data are there, the public view gives no value in any year: a rate on fewer than 300 young
        # people or an average on fewer than 10 cases. Withheld, so "•", never a gap.
        return jahr, True
    return gezeigt_jahr, False


kacheln = [(k, *kachel_jahr(k)) for k in KACHELN]
gezeigt = [(k, j, g) for k, j, g in kacheln if j is not None]
weg = [k for k, j, _ in kacheln if j is None]

# --- what is left out, said once -------------------------------------------------------------------
ausgelassen: list[str] = []  # for want of a table
ohne_werte: list[str] = []  # the tables are there, no year has a value
benoetigt: list[str] = []
for gruppe, text in GRUPPEN.items():
    fehlend = [k for k in weg if k.gruppe == gruppe]
    if not fehlend:
        continue
    alle = len(fehlend) == sum(k.gruppe == gruppe for k in KACHELN)
    tabellen_fehlen = [k for k in fehlend if ui.fehlende_tabellen(dataset, k.benoetigt)]
    ausgelassen += [text] if alle and len(tabellen_fehlen) == len(fehlend) else [k.label for k in tabellen_fehlen]
    ohne_werte += [k.label for k in fehlend if k not in tabellen_fehlen]
    benoetigt += [b for k in tabellen_fehlen for b in k.benoetigt]
faelle_vergleich = dataset.has_cases and dataset.has("bevoelkerung")
if jahr is not None and ebene is None:
    ausgelassen.append("alles je Sozialraum (Vergleich, Bedarfsindex, Indikatoren)")
    benoetigt.append("zuordnung")
else:
    if jahr is not None and not faelle_vergleich:
        ausgelassen.append(f"der Vergleich der {plural} nach Hilfen")
        benoetigt += [ui.FAELLE, "bevoelkerung"]
    if jahr is not None and not dataset.has("indikatoren"):
        ausgelassen.append("Bedarfsindex und Sozialstrukturindikatoren")
        benoetigt.append("indikatoren")
fehlt = ui.fehlende_tabellen(dataset, list(dict.fromkeys(benoetigt)))
if jahr is not None and (ausgelassen or ohne_werte):
    teile = []
    if ausgelassen:
        teile.append(f"**Nicht geladen:** {', '.join(fehlt)}. Deshalb fehlen hier {', '.join(ausgelassen)}.")
    if ohne_werte:
        teile.append(f"In keinem Jahr Werte und deshalb nicht gezeigt: {', '.join(ohne_werte)}.")
    st.info(" ".join([*teile, "Die Seite **Datenbestand** zeigt, was jede Tabelle ermöglicht."]), icon=ui.INFO)
if ebene != auswahl.ebene and ebene is not None:
    st.caption("Ohne die Tabelle „Zuordnung Planungsraum → Sozialraum“ gibt es keine Sozialräume: "
               "gezeigt werden die Planungsräume.")


# --- KPI cards of the Kreis ---------------------------------------------------------------------
def karte(kachel: Kachel, gezeigt_jahr: int, gesperrt: bool) -> None:
    """One Kreis figure with its change to the previous year; the year in the label when it is not the chosen one."""
    label = kachel.label if gezeigt_jahr == jahr else f"{kachel.label} ({gezeigt_jahr})"
    if gesperrt:
        ui.kpi(label, ui.GESPERRT, None, f"{kachel.hilfe} Gesperrt (Geheimhaltung): die Zahl könnte auf einzelne "
                                         "Familien schließen lassen, oder ihre Basis ist zu klein (Quoten erst ab "
                                         "300 jungen Menschen, Durchschnitte erst ab 10 Fällen).")
        return
    geschaetzt = kachel.mit_nenner and nenner_schaetzung(dataset, auswahl.nenner, gezeigt_jahr) is not None
    hilfe = kachel.hilfe
    if geschaetzt:
        label += " (geschätzt)" if kachel.spalte.startswith("bevoelkerung") else " (Näherung)"
        hilfe += " Der Nenner ist aus amtlichen Altersgruppen anteilig geschätzt (siehe unten)."
    jetzt = ui.wert(kreis, gezeigt_jahr, KREIS_ID, kachel.hilfeart, kachel.spalte)
    vorher = ui.wert(kreis, gezeigt_jahr - 1, KREIS_ID, kachel.hilfeart, kachel.spalte)
    suffix = " €" if kachel.spalte.startswith("ausgaben") or kachel.spalte == "kosten_je_hilfe" else ""
    ui.kpi(label, ui.format_kennzahl(kachel.spalte, jetzt),
           ui.delta_text(jetzt, vorher, describe(kachel.spalte).dezimalen, suffix, prozentpunkte=kachel.prozentpunkte),
           hilfe)


if jahr is None:
    st.info("In den Daten ist kein Berichtsjahr zu erkennen: es fehlen Bevölkerung und Fälle.", icon=ui.INFO)
elif gezeigt:
    st.subheader(f"{ui.escape_md(dataset.kreis_name)} im Jahr {jahr}")
    for start in range(0, len(gezeigt), 4):
        reihe = st.columns(4)
        for spalte, (kachel, gezeigt_jahr, gesperrt) in zip(reihe, gezeigt[start:start + 4]):
            with spalte:
                karte(kachel, gezeigt_jahr, gesperrt)
    hinweise = ["Veränderung zum Vorjahr in Grau: ein Anstieg ist für sich genommen weder gut noch schlecht."]
    if any(j != jahr for _, j, _ in gezeigt):
        hinweise.append(f"Eine Jahreszahl in Klammern: für {jahr} gibt es dazu keine Werte, gezeigt wird das letzte Jahr "
                        "mit Werten.")
    schaetzungen = {nenner_schaetzung(dataset, auswahl.nenner, j) for k, j, g in gezeigt if k.mit_nenner and not g}
    hinweise += [s.text + " Eckwert und Ausgaben je Einwohner sind damit Näherungen." for s in schaetzungen if s]
    st.caption(" ".join(hinweise))

# --- the Kreis against other regions (imported Vergleichswerte) ---------------------------------------
vergleich = vergleich_im_jahr(engine, jahr, engine_fuer=ui.get_engine) \
    if engine is not None and dataset.has("vergleichswerte") else None
if vergleich is not None and len(vergleich):
    werte = vergleich.werte
    spalten = ["Kennzahl", "Vergleich mit", "Jahr", "Vergleichswert", "Differenz", "Abweichung", "Quelle"]
    kreis_spalte = dataset.kreis_name if dataset.kreis_name and dataset.kreis_name not in spalten else "Kreiswert"
    st.subheader(f"{ui.escape_md(dataset.kreis_name)} im Vergleich mit anderen Gebieten")
    ui.tabelle(pd.DataFrame({
        "Kennzahl": [kennzahl_text(k, h) for k, h in zip(werte["kennzahl"], werte["hilfeart"])],
        "Vergleich mit": werte["bezug"].to_numpy(),
        "Jahr": [str(int(j)) for j in werte["jahr"]],
        "Vergleichswert": [ui.format_kennzahl(k, v) for k, v in zip(werte["kennzahl"], werte["vergleichswert"])],
        kreis_spalte: [ui.GESPERRT if g else ui.format_kennzahl(k, v)
                       for k, v, g in zip(werte["kennzahl"], werte["kreiswert"], werte["gesperrt"])],
        "Differenz": [ui.GESPERRT if g else ui.format_differenz(k, v)
                      for k, v, g in zip(werte["kennzahl"], werte["differenz"], werte["gesperrt"])],
        "Abweichung": [ui.GESPERRT if g else format_percent(v, 1, signed=True)
                       for v, g in zip(werte["abweichung_prozent"], werte["gesperrt"])],
        "Quelle": werte["quelle"].to_numpy(),
    }), height=hoehe(len(werte)), column_config={
        "Kennzahl": st.column_config.TextColumn(width="large"),
        **{c: st.column_config.TextColumn(alignment="right") for c in ("Vergleichswert", kreis_spalte)},
        "Differenz": st.column_config.TextColumn(alignment="right",
                                                 help=f"{kreis_spalte} minus Vergleichswert (Anteile in Prozentpunkten)"),
        "Abweichung": st.column_config.TextColumn(
            alignment="right", help="Um wie viel Prozent der Kreiswert über (+) oder unter (−) dem Vergleichswert liegt"),
    })
    frueher = sorted({int(j) for j in werte["jahr"] if int(j) != jahr})
    st.caption("Vergleichswerte: veröffentlichte Werte anderer Gebiete aus der Tabelle „Vergleichswerte“. Der Kreis ist "
               "jeweils auf dieselbe Bezugsgröße gerechnet wie der Vergleichswert (Spalte Kennzahl). Differenz: Kreis "
               "minus Vergleichswert; Abweichung: um wie viel Prozent der Kreis über (+) oder unter (−) dem "
               "Vergleichswert liegt."
               + (f" Für {jahr} gibt es nicht zu jedem Vergleich einen Wert: gezeigt wird das letzte Jahr davor "
                  "(Spalte Jahr)." if frueher else "")
               + (f" {ui.GESPERRT} = gesperrt (Geheimhaltung)." if werte["gesperrt"].any() else "")
               + f"  \n**Quellen:** {ui.escape_md(vergleich.quellen_text())}")

# --- the areas of the year: help ------------------------------------------------------------------
if jahr is not None and ebene is not None and faelle_vergleich:
    gebiete = ui.kennzahlen_tabelle(dataset, auswahl, ebene)
    jahr_faelle, hinweis = jahr, ""
    eckwert_merkmal = merkmale(engine).get("eckwert:gesamt")
    if not oeffentlich and eckwert_merkmal is not None:
        # The public view keeps the chosen year: there a missing Eckwert may be a withheld one ("•").
        jahr_faelle, hinweis = jahr_mit_werten(engine, eckwert_merkmal, ebene, jahr)
    st.subheader(f"{plural} im Jahr {jahr_faelle}: Hilfen gesamt")
    if jahr_faelle != jahr:
        st.info(ui.escape_md(hinweis), icon=ui.INFO)
    if gebiete is not None and {"inanspruchnahme", auswahl.eckwert} <= set(gebiete.columns):
        teil = ui.auszug(gebiete, jahr_faelle, "gesamt")
        namen = dataset.area_names()
        ebene_label = EBENE_LABELS[ebene]
        abweichung = f"{auswahl.eckwert}_abweichung_kreis_prozent"
        tabelle = pd.DataFrame({
            "raum_id": list(teil.index),
            ebene_label: [namen.get(a, a) for a in teil.index],
            "Inanspruchnahme": teil["inanspruchnahme"].to_numpy(),
            "Eckwert": teil[auswahl.eckwert].to_numpy(),
            "Abweichung vom Kreis": teil[abweichung].to_numpy() if abweichung in teil else float("nan"),
        }).assign(Inanspruchnahme=ui.anzahl_texte(auswahl.optionen, ebene, jahr_faelle, "gesamt", list(teil.index),
                                                  list(teil["inanspruchnahme"])))
        # An Eckwert on fewer than 300 young people is shown, marked and not compared (planning view).
        klein = (teil[f"bevoelkerung_{auswahl.nenner}"] < MIN_JUNGE_MENSCHEN).to_numpy() & tabelle["Eckwert"].notna()
        if klein.any():
            tabelle["Hinweis"] = ["kleine Basis: unter 300 junge Menschen" if k else "" for k in klein]
        tabelle = tabelle.assign(_klein=klein).sort_values(["_klein", "Eckwert", "raum_id"],
                                                           ascending=[True, False, True], na_position="last",
                                                           kind="mergesort").drop(columns="_klein")
        tabelle = tabelle.reset_index(drop=True)
        links, rechts = st.columns([1, 1], gap="large")
        with links:
            ui.tabelle(tabelle.drop(columns="raum_id").set_index(gebiets_index(list(tabelle["raum_id"]))), {
                "Inanspruchnahme": ui.text_oder_zahl(0),
                "Eckwert": lambda v: format_number(v, 1),
                "Abweichung vom Kreis": lambda v: format_percent(v, 1, signed=True),
            }, hide_index=False, height=hoehe(len(tabelle)), column_config={
                "Inanspruchnahme": st.column_config.NumberColumn(
                    help="Hilfen gesamt: am 31.12. andauernde plus im Jahr beendete Hilfen"),
                "Eckwert": st.column_config.NumberColumn(help=auswahl.eckwert_label),
                "Abweichung vom Kreis": st.column_config.NumberColumn(
                    help="Abweichung des Eckwerts vom Kreiswert in %"),
            })
            st.caption(f"Alle {format_number(len(tabelle), 0)} {plural}, Eckwert = {auswahl.eckwert_label}, sortiert "
                       "vom höchsten zum niedrigsten. Abweichung vom Kreis: wie viel Prozent der Eckwert über (+) oder "
                       "unter (−) dem Kreiswert liegt. „–“: keine Bevölkerung oder keine Daten.")
        with rechts:
            kreiswert = ui.wert(kreis, jahr_faelle, KREIS_ID, "gesamt", auswahl.eckwert)
            daten = tabelle.dropna(subset=["Eckwert"])
            if "Hinweis" in daten:  # the ranking chart leaves small bases out (the table names them)
                daten = daten[daten["Hinweis"] == ""]
            gekuerzt = len(daten) > ALLE_BIS
            daten = daten.head(RANGLISTE if gekuerzt else len(daten))  # the highest on top
            if len(daten):
                kurz = ui.kurznamen(list(tabelle[ebene_label]))
                titel = f"{auswahl.eckwert_label}, Hilfen gesamt {jahr_faelle}"
                if gekuerzt:
                    titel += f"<br><sup>die {len(daten)} {plural} mit dem höchsten Eckwert</sup>"
                werte_text = [format_number(v, 1) for v in daten["Eckwert"]]
                # Keyed by id (two areas may share a name), labelled by the unique name.
                fig = diagramme.rangliste(
                    list(daten["raum_id"]), list(daten["Eckwert"]), kreiswert, titel=titel,
                    namen=[kurz[n] for n in daten[ebene_label]],
                    customdata=[[ui.plot_text(n), w, ui.plot_text(r)]
                                for n, w, r in zip(daten[ebene_label], werte_text, daten["raum_id"])],
                    hovertemplate="<b>%{customdata[0]}</b> (%{customdata[2]})<br>Eckwert: %{customdata[1]}<extra></extra>")
                ui.zeige(fig, key="uebersicht_eckwerte")
                st.caption("Orange: über dem Kreiswert, blau: darunter. Gestrichelt: der Kreis."
                           + (" Alle übrigen stehen in der Tabelle." if gekuerzt else ""))
    elif gebiete is not None:
        st.info(f"Für den Vergleich der {plural} fehlen Fallzahlen oder Bevölkerung je Gebiet.", icon=ui.INFO)

if jahr is not None and dataset.has_cases and dataset.has("zuordnung") and dataset.has("bevoelkerung"):
    st.subheader("Export")
    st.caption("Die Tabellen dieser Ansicht für die Sitzungsunterlagen: Sozialräume, Hilfearten, Entwicklung und "
               "Bedarf, mit Quelle, Datum, Datenversion, Ansicht und Bezugsgröße.")
    ui.bericht_downloads(auswahl.optionen, jahr, key="bericht")

# --- needs: the Bedarfsindex and the social indicators -------------------------------------------------
if jahr is not None and ebene is not None and dataset.has("indikatoren") and engine.areas(ebene):
    from sozialraum_analytics import karte as kb

    katalog = merkmale(engine)
    jahr_index, hinweis = jahr_mit_werten(engine, katalog["bedarfsindex"], ebene, jahr)
    bedarf = bedarfsuebersicht(engine, ebene, jahr_index)
    st.subheader(f"Bedarfsindex der {plural}" + (f" im Jahr {bedarf.jahr}" if bedarf else ""))
    if hinweis and bedarf is not None:
        st.info(ui.escape_md(hinweis), icon=ui.INFO)
    if bedarf is None:
        st.info(f"Für einen Bedarfsindex der {plural} fehlen vollständige Indikatorwerte: jedes Gebiet braucht "
                "jeden Indikator desselben Jahres und mindestens 300 Einwohner.", icon=ui.INFO)
    else:
        einteilung = engine.einteilung
        links, rechts = st.columns([1, 1], gap="large")
        with links:
            klassen = bedarf.klassen
            farben = kb.palette(len(klassen))
            fig = ui.figur(f"{plural} je Bedarfsklasse {bedarf.jahr}", "Anzahl Gebiete", height=400)
            beschriftung = [f"{ui.plot_text(n)}<br>({ui.plot_text(b)})" if b else ui.plot_text(n)
                            for n, b in zip(klassen["name"], klassen["bereich"])]
            fig.add_bar(x=list(klassen["klasse"].astype(str)), y=klassen["anzahl"], marker_color=farben,
                        marker_line=dict(color="#8a8f96", width=1), showlegend=False,
                        text=[format_number(a, 0) for a in klassen["anzahl"]], textposition="outside",
                        cliponaxis=False,
                        customdata=[[ui.plot_text(n), format_number(a, 0)] for n, a in zip(klassen["name"], klassen["anzahl"])],
                        hovertemplate="<b>%{customdata[0]}</b><br>Gebiete: %{customdata[1]}<extra></extra>")
            fig.update_xaxes(type="category", tickmode="array", tickvals=list(klassen["klasse"].astype(str)),
                             ticktext=beschriftung, title_text="Bedarf: von niedrig (links) bis hoch (rechts)")
            fig.update_yaxes(showgrid=True)
            ui.zeige(fig, key="uebersicht_bedarfsklassen")
            ohne = (f" Ohne Index: {format_number(bedarf.ohne_index, 0)} "
                    f"{EBENE_LABELS[ebene] if bedarf.ohne_index == 1 else plural} (unter 300 Einwohnern oder ein "
                    "Indikator fehlt)." if bedarf.ohne_index else "")
            st.caption(f"Klassen des Kreises in Standardabweichungen: {ui.escape_md(einteilung.beschreibung())}."
                       f"{ohne}")
        with rechts:
            spitze = bedarf.spitze(SPITZE)
            ebene_label = EBENE_LABELS[ebene]

            def index_tabelle(frame: pd.DataFrame) -> pd.DataFrame:
                return pd.DataFrame({ebene_label: frame["name"].to_numpy(),
                                     "Bedarfsindex": frame["bedarfsindex"].to_numpy(),
                                     "Bedarfsklasse": frame["klasse_label"].to_numpy()},
                                    index=gebiets_index(list(frame["raum_id"])))

            formate = {"Bedarfsindex": lambda v: format_signed(v, 2)}
            if len(bedarf.gebiete) <= SPITZE:  # few areas: all of them in one table
                st.markdown(f"**Bedarfsindex je {ebene_label} {bedarf.jahr}**, der höchste zuerst")
                ui.tabelle(index_tabelle(bedarf.gebiete), formate, hide_index=False, height=hoehe(len(bedarf.gebiete)))
            else:
                st.markdown(f"**Die {len(spitze)} {plural} mit dem höchsten Bedarfsindex {bedarf.jahr}**")
                ui.tabelle(index_tabelle(spitze), formate, hide_index=False, height=hoehe(len(spitze)))
            st.caption("Bedarfsindex: gewichtetes Mittel der standardisierten Indikatoren, in Standardabweichungen "
                       "vom Mittel der Gebiete (0); höher heißt mehr Bedarf. „–“: kein Index.")
            if len(bedarf.gebiete) > SPITZE:
                with st.expander(f"Alle {format_number(len(bedarf.gebiete), 0)} {plural} mit Bedarfsindex"):
                    ui.tabelle(index_tabelle(bedarf.gebiete), formate, hide_index=False,
                               height=hoehe(len(bedarf.gebiete)))

    uebersicht = dynamik_uebersicht(engine, ebene, bedarf.jahr) if bedarf is not None else None
    if uebersicht is not None:
        dynamik = uebersicht.gebiete
        st.subheader(f"Dynamik der {plural}: {uebersicht.basisjahr} bis {uebersicht.jahr}")
        ebene_label = EBENE_LABELS[ebene]
        aufmerksam = int((dynamik["gruppe"] == 1).sum())
        st.markdown(f"**{format_number(aufmerksam, 0)} {ebene_label if aufmerksam == 1 else plural} mit besonderem "
                    "Aufmerksamkeitsbedarf** (Bedarf über dem Mittel und negative Entwicklung)" if aufmerksam else
                    f"Kein {ebene_label} mit besonderem Aufmerksamkeitsbedarf (Bedarf über dem Mittel und negative "
                    "Entwicklung).")

        def dynamik_tabelle(frame: pd.DataFrame) -> pd.DataFrame:
            return pd.DataFrame({ebene_label: frame["name"].to_numpy(),
                                 "Bedarfsindex": frame["bedarfsindex"].to_numpy(),
                                 "Bedarfsklasse": frame["klasse_label"].to_numpy(),
                                 "Dynamik": frame["dynamikindex"].to_numpy(),
                                 "Entwicklung": frame["dynamik"].to_numpy(),
                                 "Gruppe": frame["gruppe_text"].to_numpy(),
                                 "Klassenwechsel": frame["wechsel"].replace("", "unverändert").to_numpy()},
                                index=gebiets_index(list(frame["raum_id"])))

        formate = {"Bedarfsindex": lambda v: format_signed(v, 2), "Dynamik": lambda v: format_signed(v, 2)}
        gezeigt = dynamik.head(SPITZE)
        ui.tabelle(dynamik_tabelle(gezeigt), formate, hide_index=False, height=hoehe(len(gezeigt)))
        if len(dynamik) > SPITZE:
            with st.expander(f"Alle {format_number(len(dynamik), 0)} {plural} mit Status und Dynamik"):
                ui.tabelle(dynamik_tabelle(dynamik), formate, hide_index=False, height=hoehe(len(dynamik)))
        grundlage = (f"Veränderung jedes Indikators von {uebersicht.basisjahr} bis {uebersicht.jahr} (bei Anteilen in "
                     "Prozentpunkten)" if not uebersicht.gegeben else
                     "die Veränderungsindikatoren der Datei (" + ", ".join(uebersicht.gegeben) + ")")
        st.caption(ui.escape_md(
            f"Dynamik: {grundlage}, standardisiert und gemittelt wie der Bedarfsindex; positiv unter −1, negativ über "
            "+1 Standardabweichung (mehr Bedarf), sonst stabil. Gruppen: Bedarf über dem Mittel und negative "
            "Entwicklung = besonderer Aufmerksamkeitsbedarf; über dem Mittel sonst = hoher Bedarf; sonst "
            "negative Entwicklung = beobachten, die übrigen unauffällig. Klassenwechsel: der letzte Wechsel der "
            "Bedarfsklasse über die Jahre mit Indikatoren. Nach dem Berliner Monitoring Soziale Stadtentwicklung.")
            + (f" Ohne Dynamik: {format_number(len(uebersicht.ohne), 0)} "
               f"{ebene_label if len(uebersicht.ohne) == 1 else plural} (zu wenige Einwohner oder Daten)."
               if uebersicht.ohne else ""))

    indikatoren = indikatoren_uebersicht(engine, ebene, jahr)
    indikatoren = indikatoren[indikatoren["jahr"].notna()]
    if len(indikatoren):
        st.subheader("Sozialstrukturindikatoren")
        namen = dataset.area_names()
        ui.tabelle(pd.DataFrame({
            "Indikator": indikatoren["label"].to_numpy(),
            "Jahr": [str(int(j)) for j in indikatoren["jahr"]],
            "Einheit": indikatoren["einheit"].to_numpy(),
            "Kreis": [format_number(v, 1) for v in indikatoren["kreiswert"]],
            "Minimum": [format_number(v, 1) for v in indikatoren["minimum"]],
            "Median": [format_number(v, 1) for v in indikatoren["median"]],
            "Maximum": [format_number(v, 1) for v in indikatoren["maximum"]],
            "Höchster Wert in": [f"{namen.get(r, r)} ({r})" if namen.get(r, r) != r else str(r)
                                 for r in indikatoren["hoechster_raum_id"]],
            "Mehr Bedarf bei": ["niedrigem Wert" if r == "niedrig" else "hohem Wert" for r in indikatoren["richtung"]],
            "Gebiete mit Wert": [format_number(n, 0) for n in indikatoren["gebiete"]],
        }), height=hoehe(len(indikatoren)), column_config={
            c: st.column_config.TextColumn(alignment="right") for c in ("Kreis", "Minimum", "Median", "Maximum",
                                                                       "Gebiete mit Wert")})
        anders = sorted({int(j) for j in indikatoren["jahr"] if int(j) != jahr})
        st.caption(f"Minimum, Median und Maximum über die {plural}; Kreis: ihr Mittel, gewichtet mit der Einwohnerzahl, "
                   "wo sie bekannt ist."
                   + (f" Für {jahr} gibt es bei einigen Indikatoren keine Werte: gezeigt wird je Indikator das letzte "
                      "Jahr mit Werten (Spalte Jahr)." if anders else ""))

# --- loaded tables -------------------------------------------------------------------
st.subheader("Geladene Tabellen")
zeilen = [{"Tabelle": TABLES[kind].label if kind in TABLES else kind, "Zeilen": len(frame)}
          for kind, frame in dataset.tables.items()]
# The public view names the case tables it has, not their size.
zeilen += [{"Tabelle": TABLES[kind].label, "Zeilen": None} for kind in sorted(dataset.zurueckgehalten)]
if dataset.gebiete is not None:
    zeilen.append({"Tabelle": TABLES["gebiete"].label, "Zeilen": len(dataset.gebiete)})
ui.tabelle(pd.DataFrame({"Tabelle": [z["Tabelle"] for z in zeilen],
                         "Zeilen": ["vorhanden" if z["Zeilen"] is None else format_number(z["Zeilen"], 0)
                                    for z in zeilen]}), width=560,
           column_config={"Zeilen": st.column_config.TextColumn(alignment="right")})
