"""Karte: a choropleth of any indicator per Planungsraum or Sozialraum, with hot and cold spots."""

import pandas as pd
import streamlit as st

import ui
from sozialraum_analytics import karte as kb
from sozialraum_analytics.dynamik import KEINE_ANGABE
from sozialraum_analytics.formatting import format_number
from sozialraum_analytics.kartenwerte import gebietswerte, status_dynamik_tabelle
from sozialraum_analytics.klassen import SCHEMATA
from sozialraum_analytics.raumstatistik import erklaerung, moran

dataset, auswahl = ui.seitenanfang("Karte", "die Karte")
jahr = auswahl.jahr
if not ui.pruefe_daten(dataset, ["gebiete"], "die Karte"):
    st.stop()
flaechen = ui.flaechen(dataset, auswahl.ebene)
engine = ui.get_engine(auswahl.optionen)
katalog = ui.kennzahlen_katalog(engine, "eine Karte")

oben = st.columns([3, 2, 2, 1])
with oben[0]:
    kennzahl = ui.kennzahl_auswahl(katalog, help="Welche Kennzahl die Farben zeigen; gilt auch auf den Seiten "
                                                 "Vergleich und Steckbrief.")
merkmal = katalog[kennzahl]
gruppen = merkmal.art == "gruppe"  # the four groups of status and dynamics: categories, drawn only as such
with oben[1]:
    darstellung = st.radio("Darstellung", list(kb.DARSTELLUNGEN), format_func=kb.DARSTELLUNGEN.get,
                           key="karte_darstellung", disabled=gruppen,
                           help="Abweichung: Unterschied zum Kreiswert desselben Jahres in Prozent. "
                                "Hot Spots: Gebiete, deren Nachbarn ähnlich hohe (oder niedrige) Werte haben.")
    darstellung = "wert" if gruppen else darstellung
# The Bedarfsindex and the dynamics have their own classes; other schemes stay possible. The groups are the groups.
klassenwahl = {"bedarfsindex": {kb.BEDARFSKLASSEN: "Bedarfsklassen des Kreises", **SCHEMATA},
               "dynamik": {kb.DYNAMIKKLASSEN: "Dynamikklassen", **SCHEMATA},
               "gruppe": {kb.GRUPPEN: "Vier Gruppen aus Status und Dynamik"}}.get(merkmal.art, SCHEMATA)
eigene_klassen = (kb.BEDARFSKLASSEN, kb.DYNAMIKKLASSEN, kb.GRUPPEN)
with oben[2]:
    schema = st.selectbox("Klassenbildung", list(klassenwahl), format_func=klassenwahl.get,
                          key=f"karte_schema_{merkmal.art == 'bedarfsindex'}"
                              + ("" if merkmal.art not in ("dynamik", "gruppe") else f"_{merkmal.art}"),
                          disabled=darstellung == "lisa" or gruppen,
                          help="Quantile: gleich viele Gebiete je Klasse. Natürliche Brüche: Grenzen an den größten "
                               "Lücken. Gleiche Intervalle: gleich breite Klassen. Standardabweichung: um den Mittelwert."
                               + (" Bedarfsklassen: die Klassen des Bedarfsindex, wie auf der Seite „Daten importieren“ "
                                  "festgelegt." if merkmal.art == "bedarfsindex" else "")
                               + (" Dynamikklassen: negativ über +1, positiv unter −1 Standardabweichung, sonst stabil."
                                  if merkmal.art == "dynamik" else ""))
with oben[3]:
    k = st.number_input("Klassen", min_value=3, max_value=7, value=5, step=1, key="karte_k",
                        disabled=darstellung == "lisa" or schema in eigene_klassen)

jahr = ui.jahr_fuer(engine, merkmal, auswahl.ebene, jahr)  # the latest year with values, if the chosen has none
werte = gebietswerte(engine, merkmal, auswahl.ebene, jahr)
# The Bedarfsindex is standardised (mean 0): its "Bezug" already says so.
kreis = (f" · {werte.kreis_text}: {format_number(werte.kreiswert, merkmal.dezimalen)}"
         if werte.kreiswert is not None and merkmal.art not in ("bedarfsindex", "dynamik") else "")
st.caption(f"{ui.escape_md(merkmal.label)} · {jahr} · {auswahl.ebene_plural} · "
           f"Bezug: {ui.escape_md(merkmal.nenner)}{kreis}")
if werte.werte["wert"].notna().sum() == 0:
    st.info(f"Für {jahr} gibt es keine Werte dieser Kennzahl auf der Ebene {auswahl.ebene_label}.", icon=ui.INFO)
    st.stop()

grenzen = ui.flaechen(dataset, "sozialraum") if auswahl.ebene == "planungsraum" and dataset.has("zuordnung") else None
kacheln = kb.kacheln_aus_umgebung()
ergebnis = None
if darstellung == "lisa":
    ergebnis = moran(ui.flaechen(dataset, auswahl.ebene, anzeige=False), werte.werte.set_index("raum_id")["wert"])
    if ergebnis.global_ is None:
        st.info(f"Keine Hot Spots: {ui.escape_md(ergebnis.grund)}", icon=ui.INFO)
        st.stop()
    bild = kb.lisakarte(flaechen, werte, ergebnis, grenzen, kacheln)
elif darstellung == "abweichung" and werte.werte["differenz_prozent"].notna().sum() == 0:
    st.info(f"Zu dieser Kennzahl gibt es keinen {werte.kreis_text} ungleich 0: eine Abweichung in Prozent ist "
            "nicht bestimmt. Wählen Sie die Darstellung „Wert“.", icon=ui.INFO)
    st.stop()
else:
    bild = kb.wertekarte(flaechen, werte, schema, int(k), darstellung == "abweichung", grenzen, kacheln,
                         einteilung=engine.einteilung)

if st.checkbox("Namen der Gebiete auf der Karte", value=len(flaechen) <= 60, key=f"karte_namen_{auswahl.ebene}",
               help="Bei vielen kleinen Gebieten lieber aus: die Namen stehen dann im Tooltip."):
    kb.namen_ebene(flaechen).add_to(bild.karte)

angebote_farben: dict[str, str] = {}
if dataset.has("angebote") and st.checkbox("Angebote (Bestand) auf der Karte zeigen", key="karte_angebote",
                                           help="Jedes Angebot mit Koordinaten als Punkt, Farbe nach Angebotsart."):
    from sozialraum_analytics.angebote import im_jahr

    layer, angebote_farben = kb.angebote_layer(im_jahr(dataset.tables["angebote"], jahr))
    layer.add_to(bild.karte)

gewaehlt = ui.gewaehltes_gebiet()
links, rechts = st.columns([3, 1])
with links:
    geklickt = ui.zeige_karte(bild.karte, kb.auswahl_ebene(flaechen, gewaehlt))
    hinweise = ["Ohne Internet fehlt höchstens der optionale Kartenhintergrund."]
    if grenzen is not None:
        hinweise.insert(0, "Dicke Linien: Grenzen der Sozialräume.")
    if dataset.version is not None:
        hinweise.append(f"Quelle: {ui.escape_md(dataset.quelle)}.")
    st.caption(" ".join(hinweise))
with rechts:
    st.html(f"<style>{kb.LEGENDE_CSS}</style>{kb.legende_html(bild.legende)}")
    if angebote_farben:
        st.html(f"<style>{kb.LEGENDE_CSS}</style>{kb.angebote_legende_html(angebote_farben)}")
    # Hot spots print as the values in the chosen classes.
    ui.druckkarte_downloads(auswahl.optionen, auswahl.ebene, jahr, kennzahl, schema, int(k), darstellung == "abweichung")
if geklickt:
    ui.setze_gebiet(geklickt)
    st.rerun()

daten = bild.daten.set_index("raum_id")
with rechts:
    st.divider()
    if gewaehlt in daten.index:
        wert_text = (ui.GESPERRT + " gesperrt" if daten.at[gewaehlt, "gesperrt"]
                     else format_number(daten.at[gewaehlt, "wert"], merkmal.dezimalen))
        if "kategorie" in daten:  # the dynamics' class or the group, by name
            kategorie = daten.at[gewaehlt, "kategorie"]
            wert_text = kategorie if gruppen and isinstance(kategorie, str) else (
                f"{wert_text} ({kategorie})" if isinstance(kategorie, str) else KEINE_ANGABE)
        st.markdown(f"**Ausgewählt:** {ui.escape_md(daten.at[gewaehlt, 'name'])}  \n"
                    f"{ui.escape_md(merkmal.label)}: {ui.escape_md(wert_text)}")
        st.page_link("pages/steckbrief.py", label="Steckbrief öffnen", icon=":material/description:")
    else:
        st.caption("Klicken Sie auf ein Gebiet: es wird ausgewählt, und sein Steckbrief lässt sich öffnen.")

if ergebnis is not None:
    st.subheader("Räumliche Muster")
    st.markdown(ui.escape_md(erklaerung(ergebnis, merkmal.label)))
    with st.expander("Was bedeuten Hot Spots und Moran's I?"):
        st.markdown(
            "**Moran's I** misst, ob benachbarte Gebiete (mit gemeinsamer Grenze oder Ecke) ähnliche Werte haben: "
            "nahe +1 liegt Ähnliches beieinander, nahe 0 gibt es kein Muster, negativ unterscheiden sich Nachbarn. "
            "Ob ein Muster Zufall sein kann, prüft ein Vergleich mit zufällig neu verteilten Werten "
            "(Permutationstest mit festem Startwert, daher bei jedem Aufruf gleich).  \n"
            "**Hot Spot:** hoher Wert, umgeben von hohen Werten. **Cold Spot:** niedriger Wert unter niedrigen. "
            "**Ausreißer:** ein Gebiet, das sich deutlich von seinen Nachbarn unterscheidet. Gebiete ohne Nachbarn "
            "(Inseln) und ohne Wert gehen nicht in die Rechnung ein.")

st.subheader(f"Werte je {auswahl.ebene_label}")
if merkmal.art in ("dynamik", "gruppe"):
    # Status, dynamics and group side by side: the groups attention first, the dynamics by rank.
    zeilen = status_dynamik_tabelle(werte)
    tabelle = pd.DataFrame({"Gebiet": zeilen["name"], "Gruppe": zeilen["gruppe_text"],
                            "Bedarfsindex": zeilen["bedarfsindex"], "Bedarfsklasse": zeilen["bedarfsklasse"],
                            "Dynamikindex": zeilen["dynamikindex"], "Entwicklung": zeilen["dynamik"].fillna(KEINE_ANGABE)})
    if merkmal.art == "dynamik":
        tabelle.insert(1, "Rang", zeilen["rang"])
    ui.tabelle(tabelle, {"Bedarfsindex": lambda v: ui.format_signed(v, 2),
                         "Dynamikindex": lambda v: ui.format_signed(v, 2)})
    st.caption(f"Dynamik: Veränderung der Sozialstrukturindikatoren über zwei Jahre (oder die Veränderungsindikatoren "
               "der Datei), standardisiert und gemittelt wie der Bedarfsindex; negativ über +1, positiv unter −1 "
               f"Standardabweichung. „–“ beim Bedarfsindex: kein Index; {KEINE_ANGABE}: keine Dynamik. Mehr auf der "
               "Seite Übersicht.")
    st.stop()
spalten = ["Gebiet", merkmal.label, "Rang", f"Differenz zum {werte.kreis_text}", "Differenz in %"]
tabelle = bild.daten[["name", "wert", "rang", "differenz", "differenz_prozent"]].copy()
if merkmal.art == "bedarfsindex" and (index := engine.bedarfsindex(auswahl.ebene, jahr)) is not None:
    # The index's own classes (the Kreis's names), beside its value.
    klassen = index.set_index("area")["klasse_label"]
    tabelle.insert(2, "klasse", bild.daten["raum_id"].map(klassen).to_numpy())
    spalten.insert(2, "Bedarfsklasse")
if bild.daten["gesperrt"].any():
    # Withheld is not missing: the one sign of the public view, never "–".
    tabelle["wert"] = [ui.GESPERRT if g else w for w, g in zip(bild.daten["wert"], bild.daten["gesperrt"])]
if ergebnis is not None:
    tabelle = tabelle.assign(muster=bild.daten["klasse"])
    spalten.append("Muster (LISA)")
if bild.daten["kleine_basis"].any():
    from sozialraum_analytics.kartenwerte import KLEINE_BASIS, basis_art

    tabelle = tabelle.assign(hinweis=[KLEINE_BASIS[basis_art(merkmal)][1] if k else ""
                                      for k in bild.daten["kleine_basis"]])
    spalten.append("Hinweis")
tabelle = tabelle.sort_values("rang")
if tabelle["differenz_prozent"].isna().all():
    # No Kreis value other than 0 (the Bedarfsindex): a column of dashes says nothing.
    tabelle = tabelle.drop(columns="differenz_prozent")
    spalten.remove("Differenz in %")
tabelle.columns = spalten
dez = merkmal.dezimalen
ui.tabelle(tabelle, {merkmal.label: ui.text_oder_zahl(dez),
                     f"Differenz zum {werte.kreis_text}": lambda v: ui.format_signed(v, dez),
                     "Differenz in %": lambda v: ui.format_signed(v, 0, " %")})
