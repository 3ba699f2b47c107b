"""Steckbrief: one Sozialraum (or Planungsraum) at a glance, against the Kreis."""

import streamlit as st

import ui
from sozialraum_analytics.bericht import steckbrief_figuren
from sozialraum_analytics.formatting import format_euro, format_number
from sozialraum_analytics.steckbrief import steckbrief

dataset, auswahl = ui.seitenanfang("Steckbrief", "Steckbriefe")
jahr = auswahl.jahr
ebene = auswahl.ebene
engine = ui.get_engine(auswahl.optionen)
areas = engine.areas(ebene)
if not areas:
    st.info(f"Keine {auswahl.ebene_plural} in den Daten.", icon=ui.INFO)
    st.stop()
namen = dataset.area_names()

# The area chosen on the map or elsewhere; a Planungsraum leads to its Sozialraum here.
gewaehlt = ui.gewaehltes_gebiet()
if gewaehlt not in areas and ebene == "sozialraum":
    pr = dataset.planungsraeume().set_index("raum_id")["sozialraum_id"]
    gewaehlt = pr.get(gewaehlt)
if gewaehlt not in areas:
    gewaehlt = areas[0]
raum_id = ui.gebiet_auswahl(auswahl.ebene_label, areas, namen, gewaehlt, key="w_steckbrief_gebiet")

profil = steckbrief(engine, raum_id, jahr, ebene)
kreis = ui.kreis_label(dataset)
st.header(f"{ui.escape_md(profil.raum_name)} im Jahr {jahr}")
st.caption(f"Eckwert: {ui.escape_md(auswahl.eckwert_label)} · verglichen mit {ui.escape_md(kreis)} im selben Jahr")

# --- summary -------------------------------------------------------------------------
st.subheader("Das Wichtigste")
st.markdown("\n".join(f"- {ui.escape_md(a.text)}" for a in profil.aussagen))
st.caption("Jeder Satz beruht auf einer Zahl in den Tabellen unten; hervorgehoben wird, was um mindestens 20 % vom "
           "Kreiswert abweicht.")

# --- helps against the Kreis ----------------------------------------------------------
st.subheader("Hilfen im Vergleich zum Kreis")
hilfen = profil.hilfen
figuren = steckbrief_figuren(profil, dataset.kreis_name)
if "hilfen" in figuren:
    fig = figuren["hilfen"]
    fig.update_layout(template=ui.TEMPLATE, title=dict(text=fig.layout.title.text))
    fig.update_xaxes(title_text=None)
    ui.zeige(fig, key="steckbrief_hilfen")
tabelle = hilfen[["label", "inanspruchnahme", "eckwert", "eckwert_kreis", "eckwert_abweichung_prozent",
                  "ausgaben", "ausgaben_je_jugendeinwohner", "ausgaben_je_jugendeinwohner_kreis"]].copy()
tabelle.columns = ["Hilfegruppe", "Inanspruchnahme", "Eckwert", "Eckwert Kreis", "Abweichung Eckwert",
                   "Ausgaben", "Je Einwohner", "Je Einwohner Kreis"]
tabelle["Inanspruchnahme"] = ui.anzahl_texte(auswahl.optionen, ebene, profil.jahr, list(hilfen["hilfeart"]),
                                             [profil.raum_id] * len(hilfen), list(hilfen["inanspruchnahme"]))
ui.tabelle(tabelle, {"Inanspruchnahme": ui.text_oder_zahl(0), "Eckwert": lambda v: format_number(v, 1),
                     "Eckwert Kreis": lambda v: format_number(v, 1),
                     "Abweichung Eckwert": lambda v: ui.format_signed(v, 0, " %"),
                     "Ausgaben": lambda v: format_euro(v, 0), "Je Einwohner": lambda v: format_euro(v, 2),
                     "Je Einwohner Kreis": lambda v: format_euro(v, 2)})
st.caption(f"Eckwert {ui.SKALEN_AUSWAHL[auswahl.skala]} junge Menschen {auswahl.nenner_label}; Ausgaben je Einwohner "
           f"{auswahl.nenner_label}. Inanspruchnahme = am 31.12. andauernde plus im Jahr beendete Hilfen.")

# --- need -----------------------------------------------------------------------------
st.subheader("Sozialstruktur und Bedarfsindex")
ind = profil.indikatoren
if ind.empty:
    ui.pruefe_daten(dataset, ["indikatoren"], "die Sozialstruktur")
else:
    tabelle = ind[["label", "einheit", "wert", "kreiswert", "abweichung", "klasse", "hinweis"]].copy()
    tabelle.columns = ["Indikator", "Einheit", "Wert", "Kreis", "Differenz", "Klasse", "Hinweis"]
    ui.tabelle(tabelle, {"Wert": lambda v: format_number(v, 2 if v is not None and abs(v) < 10 else 1),
                         "Kreis": lambda v: format_number(v, 1), "Differenz": lambda v: ui.format_signed(v, 1)})
    st.caption("Bedarfsindex: gewichtetes Mittel der standardisierten Indikatoren (0 = Mittel der Gebiete); "
               "Gebiete unter 300 Einwohnern erhalten keinen Index.")

# --- population -------------------------------------------------------------------------
st.subheader("Bevölkerung nach Alter")
bev = profil.bevoelkerung
if bev.empty:
    ui.pruefe_daten(dataset, ["bevoelkerung"], "die Altersstruktur")
else:
    if "bevoelkerung" in figuren:
        fig = figuren["bevoelkerung"]
        fig.update_layout(template=ui.TEMPLATE, title=dict(text=fig.layout.title.text))
        ui.legende_platz(fig, "Altersgruppe")
        ui.zeige(fig, key="steckbrief_bevoelkerung")
    else:
        st.info("Für diese Altersgruppen gibt es keine Einwohnerzahlen je Gebiet.", icon=ui.INFO)
    gesamt = bev.groupby("jahr")["einwohner"].sum(min_count=1)
    if jahr in gesamt.index:
        st.caption(f"Einwohner insgesamt {jahr}: {format_number(gesamt[jahr], 0)}.")

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
    st.caption(f"{len(angebote)} Angebote, zusammen {format_number(angebote['plaetze'].sum(), 0)} Plätze."
               if "plaetze" in angebote else f"{len(angebote)} Angebote.")

st.subheader("Export")
st.caption("Der Steckbrief als PDF: Kennzahlen, Sätze, Diagramme und Tabellen dieser Seite, mit Quelle, Datum, "
           "Datenversion, Ansicht und Bezugsgröße.")
ui.steckbrief_download(auswahl.optionen, profil.jahr, profil.raum_id, ebene, key=f"steckbrief_{raum_id}_pdf")
