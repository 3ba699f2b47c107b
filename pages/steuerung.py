"""Steuerung: the steering group's tools, Bestand/Bedarf, Regionalbudget, Modellregionen, Prognose, Meilensteine.

Thin: every figure comes from the package (angebote, budget, modellregionen, prognose, meilensteine)
through the engine of the active view; the page only asks and draws.
"""

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import ui
from sozialraum_analytics.formatting import format_date, format_euro, format_number, format_percent
from sozialraum_analytics.rangliste import ALLE_BIS

auswahl = ui.auswahl()
dataset = ui.get_dataset()
jahr = auswahl.jahr
st.title("Steuerung")
st.caption("Werkzeuge der Steuerungsgruppe (AG 78): was es gibt und was gebraucht wird, Budgets, Modellregionen, "
           "Prognose und Meilensteine.")
if ui.leerer_bestand(dataset):
    st.stop()
if jahr is None:
    st.info("In den Daten ist kein Berichtsjahr zu erkennen: es fehlen Bevölkerung und Fälle.", icon=ui.INFO)
    st.stop()
if not dataset.has("zuordnung"):
    st.info("Die Werkzeuge arbeiten mit Sozialräumen: es fehlt die Zuordnung Planungsraum → Sozialraum.", icon=ui.INFO)
    st.stop()

engine = ui.get_engine(auswahl.optionen)
namen = dataset.area_names()
areas = engine.areas("sozialraum")
reiter = st.tabs(["Bestand und Bedarf", "Regionalbudget", "Modellregionen", "Prognose", "Meilensteine"])

# --- Bestand / Bedarf ------------------------------------------------------------------
with reiter[0]:
    from sozialraum_analytics.angebote import angebotsarten, angebotsbestand, bestand_bedarf

    if not dataset.has("angebote"):
        ui.pruefe_daten(dataset, ["angebote"], "Bestand und Bedarf")
    else:
        versorgung, doppelt = bestand_bedarf(engine, jahr)
        bedarfsjahr = versorgung.attrs.get("bedarfsjahr")
        if bedarfsjahr is not None and bedarfsjahr != jahr:
            st.info(f"Für {jahr} gibt es keinen Bedarfsindex: der Bedarf folgt dem Bedarfsindex {bedarfsjahr} "
                    "(dem letzten Jahr mit Sozialstrukturindikatoren).", icon=ui.INFO)
        # Types with places first (Kita, Jugendtreff …); counselling offices have none.
        typ = st.selectbox("Angebotsart", angebotsarten(versorgung), key="steuerung_typ")
        teil = versorgung[versorgung["typ"] == typ].copy()
        alter = teil[["alter_von", "alter_bis"]].iloc[0]
        zielgruppe = (f"{int(alter['alter_von'])} bis unter {int(alter['alter_bis'])} Jahre"
                      if alter.notna().all() else "ohne Altersangabe")
        teil["Sozialraum"] = [namen.get(a, a) for a in teil["area"]]
        kurz = ui.kurznamen(list(teil["Sozialraum"]))
        links, rechts = st.container(), st.container()
        with links:
            daten = teil.dropna(subset=["plaetze_je_1000", "bedarfsindex"])
            if len(daten):
                wann = str(jahr) if bedarfsjahr == jahr else f"{jahr}, Bedarf {bedarfsjahr}"
                fig = ui.figur(f"{ui.plot_text(typ)}: Plätze je 1.000 und Bedarf {wann}", "Plätze je 1.000", height=520)
                farben = [ui.UEBER_KREIS if lu else ui.PALETTE[0] for lu in daten["luecke"]]
                # Beyond a few dozen points names only cover each other: the pointer and the table name them.
                dicht = len(daten) > ALLE_BIS
                fig.add_trace(go.Scatter(
                    x=daten["bedarfsindex"], y=daten["plaetze_je_1000"], mode="markers" if dicht else "markers+text",
                    text=None if dicht else [ui.plot_text(kurz.get(n, n)) for n in daten["Sozialraum"]],
                    textposition="top center",
                    marker=dict(size=10 if dicht else 16, color=farben, opacity=0.75 if dicht else 1,
                                line=dict(color="#ffffff", width=1)), showlegend=False, cliponaxis=False,
                    customdata=[[ui.plot_text(n), format_number(p, 1), format_number(b, 2)]
                                for n, p, b in zip(daten["Sozialraum"], daten["plaetze_je_1000"], daten["bedarfsindex"])],
                    hovertemplate="<b>%{customdata[0]}</b><br>Plätze je 1.000: %{customdata[1]}<br>"
                                  "Bedarfsindex: %{customdata[2]}<extra></extra>"))
                kreiswert = float(daten["kreiswert"].iloc[0])
                fig.add_hline(y=kreiswert, line=dict(color=ui.KREIS_FARBE, dash="dash", width=2))
                fig.add_vline(x=0, line=dict(color="#8a8f96", dash="dot", width=1))
                fig.add_annotation(x=0, xref="paper", y=kreiswert, showarrow=False, yanchor="bottom", xanchor="left",
                                   text=f"Kreis: {format_number(kreiswert, 1)}", font=dict(size=14))
                spanne = max(abs(daten["bedarfsindex"]).max(), 1.0) * 1.25
                fig.update_xaxes(range=[-spanne, spanne])
                fig.update_layout(margin=dict(t=90, r=40))
                fig.update_xaxes(title_text="Bedarfsindex (0 = Mittel der Sozialräume)")
                ui.zeige(fig, key="steuerung_bestand")
                st.caption(f"Orange: mögliche Lücke, also Bedarf über dem Mittel der Sozialräume und weniger Plätze "
                           f"je 1.000 als im Kreis. Zielgruppe: junge Menschen {zielgruppe} am 31.12.{jahr}."
                           + (f" {format_number(len(daten), 0)} Sozialräume: den Namen eines Punktes zeigt der "
                              "Mauszeiger, die Tabelle nennt alle (mögliche Lücken zuerst)." if dicht else ""))
            else:
                fehlt = ("keine Platzzahlen" if teil["plaetze_je_1000"].isna().all() else
                         f"keinen Bedarfsindex bis {jahr} (es fehlen Sozialstrukturindikatoren)")
                st.info(f"Für „{ui.escape_md(typ)}“ gibt es {fehlt}: kein Vergleich von Plätzen und Bedarf.",
                        icon=ui.INFO)
        with rechts:
            tabelle = teil[["Sozialraum", "angebote", "plaetze", "zielgruppe", "plaetze_je_1000", "bedarfsklasse",
                            "luecke"]].rename(columns={
                                "angebote": "Angebote", "plaetze": "Plätze", "zielgruppe": "Zielgruppe",
                                "plaetze_je_1000": "Plätze je 1.000", "bedarfsklasse": "Bedarf", "luecke": "Lücke"})
            if len(tabelle) > ALLE_BIS:  # many areas: the possible gaps first, then by name
                tabelle = tabelle.sort_values(["Lücke", "Sozialraum"], ascending=[False, True], kind="mergesort")
            tabelle["Lücke"] = tabelle["Lücke"].map({True: "ja", False: ""})
            ui.tabelle(tabelle, {"Angebote": lambda v: format_number(v, 0), "Plätze": lambda v: format_number(v, 0),
                                 "Zielgruppe": lambda v: format_number(v, 0),
                                 "Plätze je 1.000": lambda v: format_number(v, 1)})
        with st.expander(f"Alle Angebote der Art „{typ}“ {jahr}"):
            ui.tabelle(angebotsbestand(dataset, jahr, typ), {"Plätze": lambda v: format_number(v, 0)})
        # An internal assessment with the names of Träger: for the steering group (planning view) only.
        if ui.ist_oeffentlich():
            pass
        elif doppelt.empty:
            st.subheader("Mögliche Doppelstrukturen")
            st.success("Keine Angebote gleicher Art mit überlappendem Zielalter im selben Planungsraum.", icon=ui.OK)
        else:
            st.subheader("Mögliche Doppelstrukturen")
            paare = doppelt.assign(Planungsraum=[namen.get(r, r) for r in doppelt["raum_id"]])[[
                "Planungsraum", "typ", "name_1", "traeger_1", "alter_1", "name_2", "traeger_2", "alter_2"]]
            paare.columns = ["Planungsraum", "Art", "Angebot 1", "Träger 1", "Alter 1", "Angebot 2", "Träger 2",
                             "Alter 2"]
            ui.tabelle(paare)
            st.caption("Gleiche Angebotsart im selben Planungsraum mit überlappendem Zielalter: ein Hinweis zum "
                       "Prüfen, kein Urteil (ein großer Ort braucht oft mehrere Kitas).")

# --- Regionalbudget --------------------------------------------------------------------
with reiter[1]:
    from sozialraum_analytics import budget
    from sozialraum_analytics.ausschussbericht import Bericht, Tabelle, kopf
    from sozialraum_analytics.export import csv as csv_export
    from sozialraum_analytics.export import xlsx as xlsx_export

    bedarfsjahr = engine.bedarfsindex_jahr("sozialraum", jahr)
    if bedarfsjahr is not None and bedarfsjahr != jahr:
        st.info(f"Für {jahr} gibt es keinen Bedarfsindex: die Bedarfsklassen sind die von {bedarfsjahr}.",
                icon=ui.INFO)
    # Class numbers 1 (lowest need) … 4: the budget's weights follow the rank, whatever the Kreis calls them.
    try:
        gebiete = budget.sozialraeume(engine, jahr, auswahl.nenner)
    except ValueError:
        gebiete = None
    einteilung = engine.einteilung
    if gebiete is None:
        ui.pruefe_daten(dataset, ["bevoelkerung"], "das Regionalbudget")
    elif einteilung.k != 4:
        st.info(f"Das Regionalbudget gewichtet vier Bedarfsklassen; der Kreis hat {einteilung.k} festgelegt "
                f"({ui.escape_md(einteilung.beschreibung())}). Bitte auf der Seite „Daten importieren“ vier Klassen "
                "einstellen.", icon=ui.INFO)
    else:
        # A text field: the number as a planner writes it ("1.000.000,00"), not Streamlit's "1000000.00".
        eingabe = st.text_input("Gesamtbudget in €", value="1.000.000,00", key="budget_gesamt",
                                help="Mit Tausenderpunkten und Dezimalkomma, z. B. 1.250.000,00")
        gesamt_cent = budget.gesamtbudget_cent(eingabe)
        if gesamt_cent is None:
            st.error(f"„{ui.escape_md(eingabe)}“ ist kein Betrag; erwartet wird z. B. 1.250.000,00.",
                     icon=":material/error:")
            gesamt_cent = 0
        gesamt = gesamt_cent / 100
        st.caption(f"Gesamtbudget: {format_euro(gesamt, 2)}")
        st.markdown(f"Verteilt wird nach **Sockel** (gleich je Sozialraum), **Einwohnern {auswahl.nenner_label}** "
                    f"und **Bedarf** (Einwohner × Gewicht der Bedarfsklasse {bedarfsjahr or jahr}: "
                    + " · ".join(f"{ui.escape_md(n)} {format_number(g, 1)}"
                                 for n, g in zip(einteilung.namen, budget.gewichte_je_klasse()))
                    + ", nach dem Hamburger Jugendeinwohnerwert).")
        vorgaben = [("Szenario A", 20, 50, 30), ("Szenario B", 10, 40, 50), ("Szenario C", 30, 70, 0)]
        formeln, fehler = [], []
        for spalte, (name, sockel, einw, bedarf) in zip(st.columns(3), vorgaben):
            with spalte.container(border=True):
                st.markdown(f"**{name}**")
                s_ = st.number_input("Sockel %", 0, 100, sockel, key=f"budget_{name}_s")
                e_ = st.number_input("Einwohner %", 0, 100, einw, key=f"budget_{name}_e")
                b_ = st.number_input("Bedarf %", 0, 100, bedarf, key=f"budget_{name}_b")
                try:
                    formeln.append(budget.Formel(name, s_ / 100, e_ / 100, b_ / 100))
                except ValueError as error:
                    fehler.append(str(error))
                    st.error(str(error), icon=":material/error:")
        if not fehler:
            try:
                vergleich = budget.szenarien(gesamt_cent, gebiete, formeln)
            except ValueError as error:
                st.error(str(error), icon=":material/error:")
            else:
                anzeige = budget.szenarien_in_euro(vergleich)
                ui.tabelle(anzeige, {label: (lambda v: format_percent(v, 1, signed=True)) if label.endswith("(%)") else
                                     (lambda v: format_euro(v, 2)) for label in anzeige.columns[1:]})
                hinweise = budget.verteilen(gesamt_cent, gebiete, formeln[0])["hinweis"]
                if (hinweise != "").any():
                    st.caption("Ohne Bedarfsklasse (Gewicht 1,0): " + ", ".join(
                        ui.escape_md(n) for n, h in zip(gebiete["name"], hinweise) if h))
                st.caption(f"Die Anteile ergeben in jedem Szenario genau {format_euro(gesamt, 2)}: auf den Cent verteilt "
                           "nach dem Verfahren der größten Reste.")
                fig = ui.figur(f"Regionalbudget je Sozialraum {jahr}", "€", height=460)
                for i, formel in enumerate(formeln):
                    fig.add_bar(x=[ui.plot_text(n) for n in anzeige["Sozialraum"]],
                                y=vergleich[f"{formel.name} (Cent)"] / 100, name=formel.name,
                                marker_color=ui.PALETTE[i])
                fig.update_layout(barmode="group")
                ui.zeige(fig, key="steuerung_budget")
                bericht_budget = Bericht(kopf(engine, jahr), [Tabelle(f"Regionalbudget {jahr}: Szenarien", anzeige,
                                                                      f"Gesamtbudget {format_euro(gesamt, 2)}.")], {})
                spalten = st.columns(4)
                spalten[0].download_button("XLSX", data=lambda: xlsx_export(bericht_budget),
                                           file_name=f"regionalbudget_{jahr}.xlsx", on_click="ignore",
                                           icon=":material/download:", key="budget_xlsx")
                spalten[1].download_button("CSV", data=lambda: csv_export(bericht_budget),
                                           file_name=f"regionalbudget_{jahr}.csv", on_click="ignore",
                                           icon=":material/download:", key="budget_csv")

# --- Modellregionen --------------------------------------------------------------------
with reiter[2]:
    from sozialraum_analytics.modellregionen import (
        MODELLREGION,
        differenz_von_differenzen,
        eckwert_panel,
        vergleich_moeglich,
    )

    jahre = engine.jahre
    if not vergleich_moeglich(engine, auswahl.eckwert):
        st.info("Für den Vergleich braucht es Eckwerte von mindestens zwei Sozialräumen und zwei Jahren.", icon=ui.INFO)
    else:
        kopf_ = st.columns([2, 2, 1, 2])
        modell = kopf_[0].multiselect("Modellregionen", areas, default=areas[:2], format_func=lambda a: namen.get(a, a),
                                      key="did_modell", placeholder="Sozialräume wählen")
        vergleich = kopf_[1].multiselect("Vergleichsregionen", [a for a in areas if a not in modell],
                                         default=[a for a in areas if a not in modell],
                                         format_func=lambda a: namen.get(a, a), key="did_vergleich",
                                         placeholder="Sozialräume wählen")
        start = kopf_[2].selectbox("Start", jahre[1:], index=len(jahre[1:]) // 2, key="did_start",
                                   help="Erstes Jahr des Modellprojekts")
        hilfeart = kopf_[3].selectbox("Hilfeart", ui.hilfegruppen_auswahl(), format_func=ui.hilfe_label,
                                      key="did_hilfeart")
        panel = eckwert_panel(engine, auswahl.eckwert, hilfeart)
        try:
            ergebnis = differenz_von_differenzen(panel, modell, vergleich, int(start),
                                                 einheit=f"Hilfen {ui.SKALEN_AUSWAHL[auswahl.skala]}")
        except ValueError as error:
            st.warning(str(error), icon=":material/warning:")
        else:
            fig = ui.figur(f"{auswahl.eckwert_label}: {ui.plot_text(ui.hilfe_label(hilfeart))}, Modell- und "
                           "Vergleichsregionen", auswahl.eckwert_label, height=480, x_jahre=jahre)
            for gruppe, daten in ergebnis.mittelwerte.groupby("gruppe", sort=False):
                ui.linie(fig, daten["jahr"], daten["eckwert_mittel"].to_numpy(), gruppe, 0 if gruppe == MODELLREGION
                         else 1, [format_number(v, 1) for v in daten["eckwert_mittel"]])
            fig.add_vline(x=int(start) - 0.5, line=dict(color=ui.KREIS_FARBE, dash="dash"))
            fig.add_annotation(x=int(start) - 0.5, y=1, yref="paper", showarrow=False, yanchor="bottom",
                               text=f"Start {start}")
            ui.legende_platz(fig, "Gruppe")
            ui.zeige(fig, key="steuerung_did")
            spalten = st.columns(3)
            spalten[0].metric("Differenz-von-Differenzen", ui.format_signed(ergebnis.effekt, 1), border=True,
                              help="Veränderung der Modellregionen minus Veränderung der Vergleichsregionen")
            spalten[1].metric(f"{format_number(ergebnis.konfidenz * 100, 0)}-%-Konfidenzintervall",
                              f"{format_number(ergebnis.ki_unten, 1)} bis {format_number(ergebnis.ki_oben, 1)}",
                              border=True)
            spalten[2].metric("p-Wert", format_number(ergebnis.p_wert, 3), border=True)
            st.markdown(ui.escape_md(ergebnis.lesart))
            st.caption(f"Verfahren: {ui.escape_md(ergebnis.verfahren)}. {ui.escape_md(ergebnis.hinweis)}")

# --- Prognose -----------------------------------------------------------------------------
with reiter[3]:
    from sozialraum_analytics.dataset import KREIS_ID
    from sozialraum_analytics.prognose import gebietsreihe, prognostizieren, rueckblick

    kopf_ = st.columns([2, 2, 1])
    gebiet = kopf_[0].selectbox("Gebiet", [KREIS_ID, *areas], format_func=lambda a: ui.kreis_label(dataset)
                                if a == KREIS_ID else namen.get(a, a), key="prognose_gebiet")
    hilfeart = kopf_[1].selectbox("Hilfeart", ui.hilfegruppen_auswahl(), format_func=ui.hilfe_label,
                                  key="prognose_hilfeart")
    horizont = kopf_[2].slider("Jahre voraus", 3, 5, 5, key="prognose_horizont")
    try:
        reihe = gebietsreihe(engine, gebiet, hilfeart, auswahl.nenner)
    except ValueError:
        ui.pruefe_daten(dataset, [ui.FAELLE, "bevoelkerung"], "die Prognose")
    else:
        # The Statistisches Landesamt's projection, if imported; else the population is carried forward linearly.
        vorausberechnung = engine.bevoelkerungsvorausberechnung("kreis" if gebiet == KREIS_ID else "sozialraum",
                                                                auswahl.nenner)
        try:
            prognose = prognostizieren(reihe, horizont=horizont, bevoelkerung_prognose=None if vorausberechnung is None
                                       else vorausberechnung.fuer(gebiet))
        except ValueError as error:
            st.warning(str(error), icon=":material/warning:")
        else:
            werte = prognose.werte
            st.markdown(f"**{ui.escape_md(prognose.bevoelkerung)}**")
            beob, prog = werte[werte["art"] == "beobachtet"], werte[werte["art"] == "prognose"]
            for spalte, titel, einheit, dez in (("faelle", "Hilfen (Inanspruchnahme)", "Hilfen im Jahr", 0),
                                                ("ausgaben", "Ausgaben", "€", 0)):
                if prog[spalte].isna().all():
                    continue
                # The population's source in the subtitle: it goes with the chart into its PNG and SVG.
                fig = ui.figur(f"Prognose {titel}: {ui.plot_text(ui.hilfe_label(hilfeart))}", einheit, height=460)
                fig.update_layout(title_subtitle=dict(text=ui.plot_text(prognose.bevoelkerung), font=dict(size=15)),
                                  margin=dict(t=110))
                x_band = list(prog["jahr"]) + list(prog["jahr"])[::-1]
                y_band = list(prog[f"{spalte}_oben"]) + list(prog[f"{spalte}_unten"])[::-1]
                fig.add_trace(go.Scatter(x=x_band, y=y_band, fill="toself", fillcolor="rgba(31,95,139,0.15)",
                                         mode="lines", line=dict(width=0), hoverinfo="skip",
                                         name=f"Band ({format_percent(prognose.niveau * 100, 0)})"))
                ui.linie(fig, beob["jahr"], beob[spalte].to_numpy(), "beobachtet", 0,
                         [format_number(v, dez) for v in beob[spalte]])
                ui.linie(fig, prog["jahr"], prog[spalte].to_numpy(), "Prognose", 1,
                         [format_number(v, dez) for v in prog[spalte]])
                fig.update_xaxes(dtick=1, tickformat="d", title_text="Jahr")  # 2025, not 2.025
                ui.legende_platz(fig)
                ui.zeige(fig, key=f"steuerung_prognose_{spalte}")
            tabelle = prog[["jahr", "eckwert", "bevoelkerung", "bevoelkerung_aus", "faelle", "faelle_unten",
                            "faelle_oben", "ausgaben"]]
            tabelle.columns = ["Jahr", "Eckwert", f"Bevölkerung {auswahl.nenner_label}", "Bevölkerung aus", "Hilfen",
                               "Band unten", "Band oben", "Ausgaben"]
            ui.tabelle(tabelle, {"Jahr": str, "Eckwert": lambda v: format_number(v, 1),
                                 f"Bevölkerung {auswahl.nenner_label}": lambda v: format_number(v, 0),
                                 "Hilfen": lambda v: format_number(v, 0), "Band unten": lambda v: format_number(v, 0),
                                 "Band oben": lambda v: format_number(v, 0), "Ausgaben": lambda v: format_euro(v, 0)})
            for hinweis in prognose.hinweise:
                st.caption(ui.escape_md(hinweis))
            st.subheader("Rückblick: wie gut hätte das Modell die letzten Jahre getroffen?")
            try:
                test = rueckblick(reihe, zurueck=3)
            except ValueError as error:
                st.info(str(error), icon=ui.INFO)
            else:
                spalten = st.columns(3)
                spalten[0].metric("Mittlerer absoluter Fehler", f"{format_number(test.mae, 0)} Hilfen", border=True)
                spalten[1].metric("Mittlerer Fehler in %", format_percent(test.mape, 1), border=True)
                spalten[2].metric("Im Band", format_percent(test.abdeckung * 100, 0), border=True)
                rueck = test.werte[["jahr", "faelle", "prognose", "fehler", "fehler_prozent", "im_band"]].copy()
                rueck["im_band"] = rueck["im_band"].map({True: "ja", False: "nein"})
                rueck.columns = ["Jahr", "Tatsächlich", "Prognose", "Fehler", "Fehler in %", "Im Band"]
                ui.tabelle(rueck, {"Jahr": str, "Tatsächlich": lambda v: format_number(v, 0),
                                   "Prognose": lambda v: format_number(v, 0),
                                   "Fehler": lambda v: ui.format_signed(v, 0),
                                   "Fehler in %": lambda v: format_percent(v, 1, signed=True)})
                st.caption(f"Angepasst an {min(test.jahre_angepasst)}–{max(test.jahre_angepasst)}, geprüft an "
                           f"{', '.join(map(str, test.jahre_zurueckgehalten))}. " + " ".join(test.hinweise))

# --- Meilensteine ----------------------------------------------------------------------
with reiter[4]:
    from sozialraum_analytics import meilensteine as ms

    ablage = ui.store()
    liste = ms.liste(ablage)
    heute = dt.date.today()
    if liste.empty:
        st.info("Noch keine Meilensteine gespeichert.", icon=ui.INFO)
    else:
        liste["Sozialraum"] = ["alle Sozialräume" if pd.isna(r) or not r else namen.get(r, r) for r in liste["raum_id"]]
        liste["überfällig"] = ms.ueberfaellig(liste, heute)
        fig = ui.figur("Meilensteine", "", height=max(320, 120 + 44 * len(liste)))
        farben = {"geplant": "#8a8f96", "in Arbeit": ui.PALETTE[0], "erledigt": ui.PALETTE[2],
                  "verschoben": ui.UEBER_KREIS, "entfallen": "#c9ccd1"}
        for status, gruppe in liste.groupby("status", sort=False):
            fig.add_trace(go.Scatter(
                x=pd.to_datetime(gruppe["faellig"]), y=[ui.plot_text(t) for t in gruppe["titel"]], mode="markers",
                name=status, marker=dict(size=18, symbol="diamond", color=farben.get(status, "#333")),
                customdata=[[ui.plot_text(t), format_date(f), ui.plot_text(s), status]
                            for t, f, s in zip(gruppe["titel"], gruppe["faellig"], gruppe["Sozialraum"])],
                hovertemplate="<b>%{customdata[0]}</b><br>fällig %{customdata[1]}<br>%{customdata[2]}<br>"
                              "%{customdata[3]}<extra></extra>"))
        fig.add_vline(x=pd.Timestamp(heute), line=dict(color=ui.KREIS_FARBE, dash="dash"))
        fig.update_yaxes(title_text=None, autorange="reversed", rangemode="normal")
        fig.update_xaxes(title_text=None, tickformat="%d.%m.%Y")
        ui.legende_platz(fig, "Status")
        ui.zeige(fig, key="steuerung_meilensteine")
        tabelle = liste[["titel", "Sozialraum", "faellig", "status", "verantwortlich", "überfällig"]].rename(columns={
            "titel": "Meilenstein", "faellig": "Fällig", "status": "Status", "verantwortlich": "Verantwortlich"})
        tabelle["Fällig"] = [format_date(f) for f in tabelle["Fällig"]]
        tabelle["überfällig"] = tabelle["überfällig"].map({True: "ja", False: ""})
        ui.tabelle(tabelle)
    if ui.angemeldet_als() is None:
        st.caption("Meilensteine anlegen und ändern können angemeldete Planerinnen und Planer.")
    else:
        benutzer = ui.angemeldet_als()
        with st.expander("Meilenstein anlegen oder ändern", expanded=liste.empty):
            optionen = [None, *liste["id"].tolist()]
            gewaehlt = st.selectbox("Meilenstein", optionen, key="ms_auswahl",
                                    format_func=lambda i: "– neuer Meilenstein –" if i is None else
                                    str(liste.set_index("id").at[i, "titel"]))
            alt = liste.set_index("id").loc[gewaehlt] if gewaehlt is not None else None
            k = f"ms_{gewaehlt}_"

            def speichern(gewaehlt=gewaehlt, alt=alt, k=k) -> None:  # noqa: ANN001
                """Form callback (runs before the page): store the milestone or remember the German error."""
                state = st.session_state
                eintrag = ms.Meilenstein(state[k + "titel"], state[k + "faellig"], state[k + "status"],
                                         state[k + "raum"], state[k + "verantwortlich"], state[k + "notiz"])
                try:
                    if gewaehlt is None:
                        ms.anlegen(ablage, eintrag, benutzer)
                    else:
                        ms.aendern(ablage, int(gewaehlt), eintrag, benutzer, stand=int(alt["stand"]))
                except ms.MeilensteinFehler as fehler:
                    state["_ms_fehler"] = str(fehler)

            with st.form(f"ms_form_{gewaehlt}"):
                st.text_input("Titel", value="" if alt is None else alt["titel"], key=k + "titel")
                st.selectbox("Sozialraum", [None, *areas], format_func=lambda a: "alle Sozialräume"
                             if a is None else namen.get(a, a), key=k + "raum",
                             index=0 if alt is None or not alt["raum_id"] else [None, *areas].index(alt["raum_id"]))
                st.date_input("Fällig am", value=heute if alt is None else alt["faellig"], format="DD.MM.YYYY",
                              key=k + "faellig")
                st.selectbox("Status", ms.STATUS, index=0 if alt is None else ms.STATUS.index(alt["status"]),
                             key=k + "status")
                st.text_input("Verantwortlich", value="" if alt is None else alt["verantwortlich"] or "",
                              key=k + "verantwortlich")
                st.text_area("Notiz", value="" if alt is None else alt["notiz"] or "", key=k + "notiz")
                st.form_submit_button("Speichern", type="primary", on_click=speichern)
            if "_ms_fehler" in st.session_state:
                st.error(st.session_state.pop("_ms_fehler"), icon=":material/error:")
        historie = ms.historie(ablage)
        if len(historie):
            with st.expander(f"Geschichte ({format_number(len(historie))} Einträge)"):
                verlauf = historie[["zeit", "benutzer", "aktion", "titel", "faellig", "status"]].copy()
                verlauf["zeit"] = [f"{z:%d.%m.%Y %H:%M}" for z in verlauf["zeit"]]
                verlauf["faellig"] = [format_date(f) for f in verlauf["faellig"]]
                verlauf.columns = ["Zeit", "Benutzer", "Aktion", "Titel", "Fällig", "Status"]
                ui.tabelle(verlauf)
