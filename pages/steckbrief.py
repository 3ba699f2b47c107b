"""Steckbrief: one Sozialraum (or Planungsraum) at a glance, against the Kreis."""

import re

import pandas as pd
import streamlit as st

import ui
from sozialraum_analytics import diagramme, fallstruktur
from sozialraum_analytics.ausschussbericht import personen_tabelle, steckbrief_figuren, struktur_tabelle
from sozialraum_analytics.formatting import format_euro, format_number
from sozialraum_analytics.steckbrief import format_indikator, steckbrief

dataset, auswahl = ui.seitenanfang("Steckbrief", "Steckbriefe")
jahr = auswahl.jahr
ebene = auswahl.ebene
engine = ui.get_engine(auswahl.optionen)
areas = engine.areas(ebene)
if not areas:
    st.info(f"Keine {auswahl.ebene_plural} in den Daten.", icon=ui.INFO)
    st.stop()
namen = dataset.area_names()
zuordnung = dataset.planungsraeume()

# The area chosen on the map or elsewhere, by its id (names may repeat): a Planungsraum leads to its
# Sozialraum here, a Sozialraum to its first Planungsraum.
gewaehlt = ui.gewaehltes_gebiet()
if gewaehlt not in areas and ebene == "sozialraum":
    gewaehlt = zuordnung.set_index("raum_id")["sozialraum_id"].get(gewaehlt)
elif gewaehlt not in areas and ebene == "planungsraum":
    gewaehlt = next(iter(zuordnung.loc[zuordnung["sozialraum_id"] == gewaehlt, "raum_id"]), None)
if gewaehlt not in areas:
    gewaehlt = areas[0]


def _natuerlich(raum: str) -> list:
    """Sort key of a label: "Planungsraum 2" before "Planungsraum 10"."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", namen.get(raum, raum).casefold())]


# By their labels, unique per level ("Heerstraße (Bezirksregion 002)"): a long list is searched by typing.
raum_id = ui.gebiet_auswahl(auswahl.ebene_label, sorted(areas, key=_natuerlich), namen, gewaehlt,
                            key="w_steckbrief_gebiet")
if len(areas) > 30:
    st.caption(f"{format_number(len(areas), 0)} {auswahl.ebene_plural}: zum Suchen den Namen in das Feld tippen.")

profil = steckbrief(engine, raum_id, jahr, ebene)
jahr_hilfen, jahr_ind, jahr_bev = (profil.jahre[t] for t in ("hilfen", "indikatoren", "bevoelkerung"))
kreis = ui.kreis_label(dataset)
st.header(f"{ui.escape_md(profil.raum_name)} im Jahr {jahr}")
teil_von = zuordnung.set_index("raum_id")["sozialraum_name"].get(raum_id) if ebene == "planungsraum" else None
st.caption((f"Sozialraum: {ui.escape_md(teil_von)} · " if isinstance(teil_von, str) and teil_von else "")
           + f"Eckwert: {ui.escape_md(auswahl.eckwert_label)} · verglichen mit {ui.escape_md(kreis)} im selben Jahr")

# --- summary -------------------------------------------------------------------------
st.subheader("Das Wichtigste")
st.markdown("\n".join(f"- {ui.escape_md(a.text)}" for a in profil.alle_aussagen))
st.caption("Jeder Satz beruht auf einer Zahl in den Tabellen unten; genannt wird, was um mindestens 20 % vom "
           "Kreiswert abweicht (Hilfen und Sozialstrukturindikatoren).")

# --- helps against the Kreis ----------------------------------------------------------
st.subheader("Hilfen im Vergleich zum Kreis")
if profil.hinweis("hilfen"):
    st.info(ui.escape_md(profil.hinweis("hilfen")), icon=ui.INFO)
hilfen = profil.hilfen
figuren = steckbrief_figuren(profil, dataset.kreis_name)
if "hilfen" in figuren:
    fig = figuren["hilfen"]
    fig.update_xaxes(title_text=None)
    ui.zeige(fig, key="steckbrief_hilfen")
elif profil.hinweis("hilfen_diagramm"):
    st.info(ui.escape_md(profil.hinweis("hilfen_diagramm")), icon=ui.INFO)
tabelle = hilfen[["label", "inanspruchnahme", "eckwert", "eckwert_kreis", "eckwert_abweichung_prozent",
                  "ausgaben", "ausgaben_je_jugendeinwohner", "ausgaben_je_jugendeinwohner_kreis"]].copy()
tabelle.columns = ["Hilfegruppe", "Inanspruchnahme", "Eckwert", "Eckwert Kreis", "Abweichung Eckwert",
                   "Ausgaben", "Je Einwohner", "Je Einwohner Kreis"]
tabelle["Inanspruchnahme"] = ui.anzahl_texte(auswahl.optionen, ebene, jahr_hilfen, list(hilfen["hilfeart"]),
                                             [profil.raum_id] * len(hilfen), list(hilfen["inanspruchnahme"]))
ui.tabelle(tabelle, {"Inanspruchnahme": ui.text_oder_zahl(0), "Eckwert": lambda v: format_number(v, 1),
                     "Eckwert Kreis": lambda v: format_number(v, 1),
                     "Abweichung Eckwert": lambda v: ui.format_signed(v, 0, " %"),
                     "Ausgaben": lambda v: format_euro(v, 0), "Je Einwohner": lambda v: format_euro(v, 2),
                     "Je Einwohner Kreis": lambda v: format_euro(v, 2)})
st.caption(f"Jahr {jahr_hilfen}. Eckwert {ui.SKALEN_AUSWAHL[auswahl.skala]} junge Menschen {auswahl.nenner_label}; "
           f"Ausgaben je Einwohner {auswahl.nenner_label}. Inanspruchnahme = am 31.12. andauernde plus im Jahr "
           "beendete Hilfen.")

# --- case structure ---------------------------------------------------------------------
st.subheader("Fallstruktur")
# Only a case file has a structure; aggregated Fallzahlen get their note in each tab (never a 0).
if (dataset.has_cases or ui.pruefe_daten(dataset, ["faelle"], "die Fallstruktur")) and jahr_hilfen in engine.jahre:
    spalten = st.columns(2)
    gruppen = fallstruktur.gruppen_von(engine)
    hilfeart = spalten[0].selectbox("Hilfegruppe", gruppen, format_func=ui.hilfe_label,
                                    key="w_steckbrief_fallstruktur_hilfeart")
    basis = None
    if not engine.oeffentlich:
        basis = spalten[1].radio("Gezählte Hilfen (Alter, Geschlecht, Hauptgrund)",
                                 [fallstruktur.BEGONNEN, fallstruktur.INANSPRUCHNAHME], horizontal=True,
                                 format_func={fallstruktur.BEGONNEN: "im Jahr begonnene (amtlich)",
                                              fallstruktur.INANSPRUCHNAHME: "Hilfen insgesamt"}.get,
                                 key="w_steckbrief_fallstruktur_basis")
    reiter = st.tabs([m.label for m in fallstruktur.MERKMALE.values()] + ["Fälle und junge Menschen"])
    for tab, merkmal in zip(reiter, fallstruktur.MERKMALE):
        with tab:
            vergleich = fallstruktur.vergleich(engine, ebene, raum_id, jahr_hilfen, merkmal, hilfeart, basis)
            if vergleich.hinweis:
                st.info(ui.escape_md(vergleich.hinweis), icon=ui.INFO)
                continue
            daten = vergleich.daten
            ui.zeige(diagramme.anteile_im_vergleich(
                daten["kategorie"], daten["anteil"], daten["kreis_anteil"], daten["gesperrt"], daten["kreis_gesperrt"],
                raum_name=profil.raum_name, kreis_name=kreis,
                titel=f"{vergleich.label}: Anteile in %, {ui.hilfe_label(hilfeart)} {jahr_hilfen}"),
                key=f"steckbrief_fallstruktur_{merkmal}")
            tabelle = struktur_tabelle(vergleich, profil.raum_name, dataset.kreis_name, jahr_hilfen, hilfeart)
            ui.tabelle(tabelle.daten, {c: ui.text_oder_zahl(1 if c.startswith("Anteil") else 0)
                                       for c in tabelle.daten.columns[1:]})
            st.caption(ui.escape_md(tabelle.hinweis))
    with reiter[-1]:
        personen, hinweis = fallstruktur.personen_vergleich(engine, ebene, raum_id, jahr_hilfen, hilfeart, basis)
        if hinweis:
            st.info(ui.escape_md(hinweis), icon=ui.INFO)
        else:
            tabelle = personen_tabelle(personen, profil.raum_name, dataset.kreis_name, jahr_hilfen, basis)
            ui.tabelle(tabelle.daten, {"Fälle (Hilfen)": ui.text_oder_zahl(0), "Junge Menschen": ui.text_oder_zahl(0),
                                       "Hilfen je jungem Menschen": ui.text_oder_zahl(2)})
            st.caption(ui.escape_md(tabelle.hinweis))
    st.caption(ui.escape_md(fallstruktur.erlaeuterung(engine)))

# --- need -----------------------------------------------------------------------------
st.subheader("Sozialstruktur und Bedarfsindex")
ind = profil.indikatoren
if ui.pruefe_daten(dataset, ["indikatoren"], "die Sozialstruktur"):
    if profil.hinweis("indikatoren"):
        st.info(ui.escape_md(profil.hinweis("indikatoren")), icon=ui.INFO)
    if len(ind):
        tabelle = ind[["label", "einheit", "wert", "kreiswert", "abweichung", "abweichung_prozent", "klasse",
                       "hinweis"]].copy()
        tabelle.columns = ["Indikator", "Einheit", "Wert", "Kreis", "Differenz", "Abweichung", "Klasse", "Hinweis"]
        ui.tabelle(tabelle, {"Wert": format_indikator, "Kreis": format_indikator,
                             "Differenz": lambda v: ui.format_signed(v, 1),
                             "Abweichung": lambda v: ui.format_signed(v, 0, " %")})
        st.caption(f"Jahr {jahr_ind}. Differenz in der Einheit des Indikators, Abweichung in % des Kreiswerts. "
                   "Bedarfsindex: gewichtetes Mittel der standardisierten Indikatoren (0 = Mittel der Gebiete); "
                   "Gebiete unter 300 Einwohnern erhalten keinen Index.")

# --- population -------------------------------------------------------------------------
st.subheader("Bevölkerung nach Alter")
bev = profil.bevoelkerung
if ui.pruefe_daten(dataset, ["bevoelkerung"], "die Altersstruktur"):
    # A chart without values is never drawn: the note says what is missing.
    if profil.hinweis("bevoelkerung"):
        st.info(ui.escape_md(profil.hinweis("bevoelkerung")), icon=ui.INFO)
    if "bevoelkerung" in figuren:
        fig = figuren["bevoelkerung"]
        ui.legende_platz(fig, "Altersgruppe")
        ui.zeige(fig, key="steckbrief_bevoelkerung")
    gesamt = bev.groupby("jahr")["einwohner"].sum(min_count=1) if len(bev) else pd.Series(dtype=float)
    if jahr_bev in gesamt.index and pd.notna(gesamt[jahr_bev]):
        st.caption(f"Einwohner insgesamt {jahr_bev}: {format_number(gesamt[jahr_bev], 0)}.")

# --- offers -----------------------------------------------------------------------------
st.subheader(f"Angebote im Gebiet ({jahr})")
angebote = profil.angebote
if not dataset.has("angebote"):
    ui.pruefe_daten(dataset, ["angebote"], "die Angebote")
elif angebote.empty:
    st.caption("Im Angebotsverzeichnis ist für dieses Gebiet kein Angebot eingetragen.")
else:
    spalten = {"name": "Angebot", "typ": "Art", "traeger": "Träger", "raum_name": "Planungsraum", "plaetze": "Plätze",
               "alter_von": "Alter von", "alter_bis": "Alter bis"}
    zeigen = angebote[[c for c in spalten if c in angebote.columns]].rename(columns=spalten)
    ui.tabelle(zeigen, {"Plätze": lambda v: format_number(v, 0), "Alter von": lambda v: format_number(v, 0),
                        "Alter bis": lambda v: format_number(v, 0)})
    anzahl = "1 Angebot" if len(angebote) == 1 else f"{format_number(len(angebote), 0)} Angebote"
    st.caption(f"{anzahl}, zusammen {format_number(angebote['plaetze'].sum(), 0)} Plätze."
               if "plaetze" in angebote else f"{anzahl}.")

st.subheader("Export")
st.caption("Der Steckbrief als PDF: Kennzahlen, Sätze, Diagramme und Tabellen dieser Seite, mit Quelle, Datum, "
           "Datenversion, Ansicht und Bezugsgröße.")
ui.steckbrief_download(auswahl.optionen, profil.jahr, profil.raum_id, ebene, key=f"steckbrief_{raum_id}_pdf")
