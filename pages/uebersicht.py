"""Übersicht: the Kreis at a glance for the selected year, and its Sozialräume."""

import pandas as pd
import streamlit as st

import ui
from sozialraum_analytics.dataset import KREIS_ID
from sozialraum_analytics.formatting import format_number, format_percent
from sozialraum_analytics.geheimhaltung import MIN_JUNGE_MENSCHEN
from sozialraum_analytics.registry import describe
from sozialraum_analytics.tables import TABLES

dataset = ui.get_dataset()
auswahl = ui.auswahl()
jahr = auswahl.jahr
skala = ui.SKALEN_AUSWAHL[auswahl.skala]

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

fehlt = ui.fehlende_tabellen(dataset, [ui.FAELLE, "bevoelkerung", "kosten"])
if fehlt:
    st.info(f"**Nicht geladen:** {', '.join(fehlt)}. Die davon abhängigen Kennzahlen werden als „–“ gezeigt; "
            "die Seite **Datenbestand** zeigt, was jede Tabelle ermöglicht.", icon=ui.INFO)

# --- KPI cards of the Kreis ---------------------------------------------------------
kreis = ui.kennzahlen_tabelle(dataset, auswahl, "kreis") if jahr is not None else None


def karte(spalte: str, hilfeart: str, label: str, help_text: str, *, prozentpunkte: bool = False) -> None:
    """One Kreis figure of the year with its change to the previous year."""
    jetzt = ui.wert(kreis, jahr, KREIS_ID, hilfeart, spalte)
    vorher = ui.wert(kreis, jahr - 1, KREIS_ID, hilfeart, spalte)
    if jetzt is None:
        if ui.ist_gesperrt(auswahl.optionen, "kreis", jahr, KREIS_ID, hilfeart, spalte):
            ui.kpi(label, ui.GESPERRT, None, f"{help_text} Gesperrt (Geheimhaltung): die Zahl könnte auf einzelne "
                                            "Familien schließen lassen.")
        else:
            ui.kpi(label, "–", None, f"{help_text} Für {jahr} liegen dazu keine Daten vor.")
        return
    dezimalen = describe(spalte).dezimalen
    suffix = " €" if spalte.startswith("ausgaben") or spalte == "kosten_je_hilfe" else ""
    ui.kpi(label, ui.format_kennzahl(spalte, jetzt),
           ui.delta_text(jetzt, vorher, dezimalen, suffix, prozentpunkte=prozentpunkte), help_text)


if jahr is None:
    st.info("In den Daten ist kein Berichtsjahr zu erkennen: es fehlen Bevölkerung und Fälle.", icon=ui.INFO)
else:
    st.subheader(f"{ui.escape_md(dataset.kreis_name)} im Jahr {jahr}")
    reihe = st.columns(4)
    with reihe[0]:
        karte("inanspruchnahme", "gesamt", "Inanspruchnahme gesamt",
              "Hilfen insgesamt (HzE und § 35a): am 31.12. andauernde plus im Jahr beendete Hilfen.")
    with reihe[1]:
        karte(auswahl.eckwert, "gesamt", auswahl.eckwert_label,
              f"Eckwert gesamt: Hilfen gesamt (HzE und § 35a) {skala} junge Menschen {auswahl.nenner_label} "
              "(Bevölkerung am 31.12.).")
    with reihe[2]:
        karte("anteil_stationaer", "hze", "Anteil stationär (HzE)",
              "Stationäre Hilfen zur Erziehung in % aller HzE (ambulant + teilstationär + stationär).",
              prozentpunkte=True)
    with reihe[3]:
        karte("inobhutnahmen", "§42", "Inobhutnahmen (§ 42)",
              "Im Jahr beendete Inobhutnahmen; keine Hilfe zur Erziehung.")
    reihe = st.columns(4)
    with reihe[0]:
        karte("ausgaben", "gesamt", "Ausgaben gesamt", "Ausgaben für HzE und § 35a im Kalenderjahr.")
    with reihe[1]:
        karte(auswahl.ausgaben_je, "gesamt", auswahl.ausgaben_je_label,
              f"Ausgaben gesamt je jungem Menschen {auswahl.nenner_label} (Bevölkerung am 31.12.).")
    with reihe[2]:
        karte("kosten_je_hilfe", "gesamt", "Kosten je Hilfe", "Ausgaben gesamt geteilt durch die Inanspruchnahme.")
    with reihe[3]:
        karte(f"bevoelkerung_{auswahl.nenner}", "gesamt", f"Bevölkerung {auswahl.nenner_label}",
              f"Junge Menschen {auswahl.nenner_label} am 31.12. (Nenner des Eckwerts).")
    st.caption("Veränderung zum Vorjahr in Grau: ein Anstieg ist für sich genommen weder gut noch schlecht.")

# --- the areas of the year -----------------------------------------------------------
if jahr is not None:
    st.subheader(f"{auswahl.ebene_plural} im Jahr {jahr}: Hilfen gesamt")
    gebiete = None
    if ui.pruefe_daten(dataset, [ui.FAELLE, "bevoelkerung"], f"den Vergleich der {auswahl.ebene_plural}"):
        gebiete = ui.kennzahlen_tabelle(dataset, auswahl, auswahl.ebene)
    if gebiete is not None and {"inanspruchnahme", auswahl.eckwert} <= set(gebiete.columns):
        teil = ui.auszug(gebiete, jahr, "gesamt")
        namen = dataset.area_names()
        abweichung = f"{auswahl.eckwert}_abweichung_kreis_prozent"
        tabelle = pd.DataFrame({
            auswahl.ebene_label: [namen.get(a, a) for a in teil.index],
            "Inanspruchnahme": teil["inanspruchnahme"].to_numpy(),
            "Eckwert": teil[auswahl.eckwert].to_numpy(),
            "Abweichung vom Kreis": teil[abweichung].to_numpy() if abweichung in teil else float("nan"),
        }).assign(Inanspruchnahme=ui.anzahl_texte(auswahl.optionen, auswahl.ebene, jahr, "gesamt", list(teil.index),
                                                  list(teil["inanspruchnahme"])))
        # An Eckwert on fewer than 300 young people is shown, marked and not compared (planning view).
        klein = (teil[f"bevoelkerung_{auswahl.nenner}"] < MIN_JUNGE_MENSCHEN).to_numpy() & tabelle["Eckwert"].notna()
        if klein.any():
            tabelle["Hinweis"] = ["kleine Basis: unter 300 junge Menschen" if k else "" for k in klein]
        tabelle = tabelle.assign(_klein=klein).sort_values(["_klein", "Eckwert"], ascending=[True, False],
                                                           na_position="last").drop(columns="_klein")
        tabelle = tabelle.reset_index(drop=True)
        links, rechts = st.columns([1, 1], gap="large")
        with links:
            ui.tabelle(tabelle, {
                "Inanspruchnahme": ui.text_oder_zahl(0),
                "Eckwert": lambda v: format_number(v, 1),
                "Abweichung vom Kreis": lambda v: format_percent(v, 1, signed=True),
            }, height=min(40 + 35 * len(tabelle), 640), column_config={
                "Inanspruchnahme": st.column_config.NumberColumn(
                    help="Hilfen gesamt: am 31.12. andauernde plus im Jahr beendete Hilfen"),
                "Eckwert": st.column_config.NumberColumn(help=auswahl.eckwert_label),
                "Abweichung vom Kreis": st.column_config.NumberColumn(
                    help="Abweichung des Eckwerts vom Kreiswert in %"),
            })
            st.caption(f"Eckwert = {auswahl.eckwert_label}, sortiert vom höchsten zum niedrigsten. Abweichung vom "
                       "Kreis: wie viel Prozent der Eckwert über (+) oder unter (−) dem Kreiswert liegt. "
                       "„–“: keine Bevölkerung oder keine Daten.")
        with rechts:
            kreiswert = ui.wert(kreis, jahr, KREIS_ID, "gesamt", auswahl.eckwert)
            daten = tabelle.dropna(subset=["Eckwert"])
            if "Hinweis" in daten:  # the ranking chart leaves small bases out (the table names them)
                daten = daten[daten["Hinweis"] == ""]
            daten = daten.sort_values("Eckwert")
            if len(daten):
                kurz = ui.kurznamen(list(daten[auswahl.ebene_label]))
                fig = ui.figur(f"{auswahl.eckwert_label}, Hilfen gesamt {jahr}", "",
                               height=max(360, 150 + 34 * len(daten)))
                werte_text = [format_number(v, 1) for v in daten["Eckwert"]]
                ueber = [kreiswert is not None and v > kreiswert for v in daten["Eckwert"]]
                fig.add_bar(x=daten["Eckwert"], y=[ui.plot_text(kurz[n]) for n in daten[auswahl.ebene_label]],
                            orientation="h", marker_color=[ui.UEBER_KREIS if u else ui.PALETTE[0] for u in ueber],
                            text=werte_text, textposition="outside", cliponaxis=False, showlegend=False,
                            customdata=[[ui.plot_text(n), w] for n, w in zip(daten[auswahl.ebene_label], werte_text)],
                            hovertemplate="<b>%{customdata[0]}</b><br>Eckwert: %{customdata[1]}<extra></extra>")
                if kreiswert is not None:
                    fig.add_vline(x=kreiswert, line=dict(color=ui.KREIS_FARBE, width=3, dash="dash"), layer="below")
                    fig.add_annotation(x=kreiswert, y=1, yref="paper", yanchor="bottom", showarrow=False,
                                       text=f"<b>Kreis: {format_number(kreiswert, 1)}</b>", font=dict(size=16),
                                       yshift=4)
                fig.update_yaxes(title_text=None, rangemode="normal", showgrid=False)
                fig.update_xaxes(title_text=None, showgrid=True, gridcolor="#e2e5e9")
                fig.update_layout(margin=dict(r=60, t=100))
                ui.zeige(fig, key="uebersicht_eckwerte")
                st.caption("Orange: über dem Kreiswert, blau: darunter. Gestrichelt: der Kreis.")
    elif gebiete is not None:
        st.info(f"Für den Vergleich der {auswahl.ebene_plural} fehlen Fallzahlen oder Bevölkerung je Gebiet.",
                icon=ui.INFO)

if jahr is not None and dataset.has_cases and dataset.has("zuordnung") and dataset.has("bevoelkerung"):
    st.subheader("Export")
    st.caption("Die Tabellen dieser Ansicht für die Sitzungsunterlagen: Sozialräume, Hilfearten, Entwicklung und "
               "Bedarf, mit Quelle, Datum, Datenversion, Ansicht und Bezugsgröße.")
    ui.bericht_downloads(auswahl.optionen, jahr, key="bericht")

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
