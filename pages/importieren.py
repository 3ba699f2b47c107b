"""Import: upload a file, check it, map unknown columns, store it as a new version; list, compare, roll back."""

import pandas as pd
import streamlit as st

import ui
from sozialraum_analytics.ablage import DEMO_DATEIEN, demo_importieren
from sozialraum_analytics.einstellungen import einstellungen
from sozialraum_analytics.formatting import format_number
from sozialraum_analytics.hochladen import (
    ebenen_der_datei,
    fehlende_pflichtspalten,
    kopfzeile,
    pruefe_datei,
    varianten_der_datei,
    vorschau,
)
from sozialraum_analytics.jahresstand import JAHRESARTEN, MODUS_TEXT, zusammenfuehren
from sozialraum_analytics.lesen import GEO_ENDUNGEN, TABELLEN_ENDUNGEN, fehlwerte_aus_text
from sozialraum_analytics.readers import grenzen
from sozialraum_analytics.store import KINDS, StoreError, Unveraendert
from sozialraum_analytics.tables import ERGAENZENDE_ARTEN, TABLES
from sozialraum_analytics.vorausberechnung import mit_der_bevoelkerung_pruefen

ui.nur_planung()
ui.auswahl()
st.title("Daten importieren")
ablage = ui.store()
if einstellungen().daten is not None:
    st.info(f"SOZIALRAUM_DATEN ist gesetzt: das Dashboard zeigt die Dateien im Ordner "
            f"`{str(ui.data_dir()).replace('`', '')}`, nicht die Datenablage. Importe werden trotzdem als Versionen "
            "gespeichert und erscheinen, sobald SOZIALRAUM_DATEN nicht mehr gesetzt ist.", icon=ui.INFO)
    ui.leerer_bestand(ui.get_dataset())
name_jetzt = ablage.kreisname() or ""
kreisname = st.text_input("Name des Kreises", value=name_jetzt, key="import_kreisname", max_chars=80,
                          placeholder="z. B. Ortenaukreis",
                          help="Steht auf jeder Seite, jeder Folie und jedem Export; wird mit den Daten gespeichert.")
if kreisname.strip() and kreisname.strip() != name_jetzt:
    ablage.einstellung_setzen("kreisname", kreisname.strip(), ui.angemeldet_als())
    st.success(f"Name des Kreises gespeichert: {ui.escape_md(kreisname.strip())}", icon=ui.OK)
with st.expander("Klassen des Bedarfsindex", expanded=False):
    from sozialraum_analytics.bedarfsindex import STANDARD_EINTEILUNG, Klasseneinteilung

    jetzt = ablage.klasseneinteilung() or STANDARD_EINTEILUNG
    st.caption(f"Jetzt: {jetzt.beschreibung()}. Die Grenzen sind Standardabweichungen des Index; Klasse 1 ist der "
               "niedrigste Bedarf. Gilt für Karte, Legende, Steckbrief, Methodik und Exporte.")
    spalte_grenzen, spalte_namen = st.columns([1, 2])
    text_grenzen = spalte_grenzen.text_input(
        "Grenzen", value="; ".join(f"{g:g}".replace(".", ",") for g in jetzt.grenzen), key="import_klassengrenzen",
        help="Aufsteigend, mit Semikolon getrennt, z. B. „-1; 1; 1,5“ wie das Berliner Monitoring Soziale "
             "Stadtentwicklung. Standard: -1; 0; 1.")
    text_namen = spalte_namen.text_input("Namen der Klassen (vom niedrigsten zum höchsten Bedarf)",
                                         value="; ".join(jetzt.namen), key="import_klassennamen",
                                         help="Eine Klasse mehr als Grenzen, mit Semikolon getrennt.")
    knopf_links, knopf_rechts = st.columns(2)
    if knopf_links.button("Klassen speichern", key="import_klassen_los"):
        try:
            neu = Klasseneinteilung.aus_text(text_grenzen, text_namen)
        except ValueError as error:
            st.error(ui.escape_md(error), icon=":material/block:")
        else:
            ablage.klasseneinteilung_setzen(neu, ui.angemeldet_als())
            st.success(f"Gespeichert: {ui.escape_md(neu.beschreibung())}.", icon=ui.OK)
    if not jetzt.ist_standard and knopf_rechts.button("Standard wiederherstellen (-1; 0; 1)", key="import_klassen_std"):
        ablage.klasseneinteilung_setzen(None, ui.angemeldet_als())
        st.success(f"Standard: {STANDARD_EINTEILUNG.beschreibung()}.", icon=ui.OK)

limits = grenzen()
st.caption(f"Jede angenommene Datei wird eine neue Datenversion; das Dashboard zeigt immer die neueste. Erlaubt sind "
           f"{limits.text}. Eine fehlerhafte Datei wird nicht gespeichert, auch nicht teilweise.")

# --- upload ------------------------------------------------------------------------------
links, rechts = st.columns([1, 1])
with links:
    art = st.selectbox("Art der Daten", list(KINDS), format_func=lambda k: TABLES[k].label, key="import_art")
with rechts:
    kreis = st.text_input("Nur Gebiete mit Schlüsselanfang (optional)", key="import_kreis", max_chars=8,
                          placeholder="z. B. 08317 für den Ortenaukreis",
                          help="Für bundes- oder landesweite Dateien (VG250, Regionaldatenbank): nur dieser Kreis.")
endungen = [e.lstrip(".") for e in (GEO_ENDUNGEN if art == "gebiete" else TABELLEN_ENDUNGEN)]
# After an import the uploader starts empty again: a new key.
runde = st.session_state.setdefault("import_runde", 0)
datei = st.file_uploader(f"Datei „{TABLES[art].label}“", type=endungen, key=f"import_datei_{art}_{runde}",
                         help="CSV (Trennzeichen ; , oder Tab), Excel (.xlsx); Gebiete als GeoJSON, GeoPackage oder "
                              "gezipptes Shapefile.")

if datei is not None:
    daten = datei.getvalue()
    mapping: dict[str, str] = {}
    if art != "gebiete":
        kopf = kopfzeile(datei.name, daten)
        gespeichert = ablage.zuordnungen(art)
        passende = {n: z for n, z in gespeichert.items() if set(z) <= set(kopf)}
        fehlt = fehlende_pflichtspalten(art, kopf)
        if passende:
            wahl = st.selectbox("Gespeicherte Spaltenzuordnung", ["(keine)", *passende], key=f"import_zuordnung_{art}")
            if wahl != "(keine)":
                mapping = dict(passende[wahl])
                fehlt = fehlende_pflichtspalten(art, kopf, mapping)
        if fehlt and kopf:
            with st.container(border=True):
                st.markdown("**Spalten zuordnen.** Diese Pflichtspalten wurden nicht erkannt; wählen Sie, welche Spalte "
                            "der Datei sie enthält:")
                spalten = st.columns(min(len(fehlt), 3))
                for i, kanonisch in enumerate(fehlt):
                    label = next(c.label for c in TABLES[art].columns if c.name == kanonisch)
                    gewaehlt = spalten[i % len(spalten)].selectbox(
                        f"„{kanonisch}“ ({label})", ["–", *kopf], key=f"import_map_{art}_{kanonisch}")
                    if gewaehlt != "–":
                        mapping[gewaehlt] = kanonisch
                name = st.text_input("Zuordnung speichern unter (optional)", key=f"import_map_name_{art}",
                                     placeholder="z. B. Export Fachverfahren")
                if name and mapping and st.button("Zuordnung speichern", key=f"import_map_save_{art}"):
                    ablage.zuordnung_speichern(art, name.strip(), mapping, benutzer=ui.angemeldet_als())
                    st.success(f"Zuordnung „{ui.escape_md(name.strip())}“ gespeichert; sie wird beim nächsten Mal "
                               "angeboten.", icon=ui.OK)

    fehlwerte: tuple[float, ...] = ()
    indikatoren: tuple[str, ...] | None = None
    ebene_datei = None
    if art == "gebiete":
        ebenen = ebenen_der_datei(datei.name, daten)
        if len(ebenen) > 1:
            # Several layers (Planungsräume, Bezirksregionen, …): the planner chooses, never the first silently.
            ebene_datei = st.selectbox(f"Die Datei enthält {len(ebenen)} Ebenen: welche sind die Gebiete?", ebenen,
                                       index=None, placeholder="Ebene wählen", key=f"import_ebene_{runde}")
            if ebene_datei is None:
                st.info("Bitte die Ebene wählen: " + ", ".join(ui.escape_md(e) for e in ebenen) + ".", icon=ui.INFO)
                st.stop()
    else:
        with st.expander("Fehlwert-Codes und Indikatorspalten", expanded=False):
            codes = st.text_input("Fehlwert-Codes (leer lassen, wenn es keine gibt)", key=f"import_fehlwerte_{art}",
                                  placeholder="z. B. -9999; -999",
                                  help="Zahlen, die in der Datei „kein Wert“ bedeuten (etwa -9999 für Gebiete unter 300 "
                                       "Einwohnern). Sie werden als fehlend gelesen, nicht als Zahl.")
            try:
                fehlwerte = fehlwerte_aus_text(codes)
            except ValueError as error:
                st.error(ui.escape_md(error), icon=":material/block:")
                st.stop()
            if art == "indikatoren" and kopf:
                gewaehlt = st.multiselect("Indikatorspalten (breite Datei; leer: automatisch erkennen)", kopf,
                                          key=f"import_indikatoren_{art}",
                                          help="Nur diese Spalten sind Indikatoren; Kennungen, Namen, Einwohner und "
                                               "Klassen daneben werden nicht als Indikator gelesen.")
                indikatoren = tuple(gewaehlt) or None

    variante = None
    if art == "bevoelkerungsprognose":
        varianten = varianten_der_datei(datei.name, daten, mapping or None, kreis.strip() or None)
        if len(varianten) > 1:
            # Hauptvariante, Nebenvarianten …: the planner chooses, never the first silently.
            variante = st.selectbox("Variante der Vorausberechnung", varianten, index=None, placeholder="Variante wählen",
                                    key=f"import_variante_{runde}",
                                    help="Die Prognose nimmt genau eine Variante; sie nennt sie in jedem Ergebnis.")
            if variante is None:
                st.info(f"Die Datei enthält {len(varianten)} Varianten der Vorausberechnung; bitte die wählen, mit der "
                        "die Prognose rechnen soll.", icon=ui.INFO)
                st.stop()

    with st.spinner("Datei wird geprüft …"):
        ergebnis = pruefe_datei(art, datei.name, daten, mapping=mapping or None, kreis=kreis.strip() or None,
                                fehlwerte=fehlwerte, indikatoren=indikatoren, ebene_datei=ebene_datei,
                                variante=variante)
        mit_der_bevoelkerung_pruefen(ergebnis, ui.get_dataset().table("bevoelkerung"))
    bericht = ergebnis.report
    st.subheader("Prüfung")
    if bericht.n_errors:
        st.error(f"{format_number(bericht.n_errors)} Fehler: die Datei kann so nicht importiert werden. Bitte in der "
                 "Quelldatei korrigieren und erneut hochladen.", icon=":material/block:")
    elif bericht.n_warnings:
        st.warning(f"{format_number(bericht.n_warnings)} Warnungen: bitte prüfen, ob die Werte stimmen.",
                   icon=":material/warning:")
    else:
        st.success("Keine Fehler und keine Warnungen.", icon=ui.OK)
    probleme = bericht.as_frame()
    if len(probleme):
        ui.tabelle(probleme, column_config={"Zeile": st.column_config.NumberColumn(format="%d"),
                                            "Meldung": st.column_config.TextColumn(width="large")})
    for info in bericht.infos:
        st.caption(ui.escape_md(info))
    if ergebnis.frame is not None:
        st.subheader(f"Vorschau ({format_number(len(ergebnis.frame))} Zeilen)")
        ui.tabelle(vorschau(ergebnis.frame))
    if ergebnis.frame is not None and bericht.ok:
        bestaetigt = True
        if bericht.n_warnings:
            bestaetigt = st.checkbox("Ich habe die Warnungen gelesen und möchte trotzdem importieren.",
                                     key=f"import_ok_{art}")
        # Before saving: what the dashboard will show afterwards.
        aktuell = ablage.aktuelle_version()
        mit_demo = False
        modus = "ergaenzen"
        if aktuell is None:
            st.warning("**Erster Import.** Bisher zeigt das Dashboard den Demo-Musterkreis. Nach dem Speichern zeigt "
                       "es nur, was in der Datenablage steht.", icon=":material/info:")
            start = st.radio("Ausgangspunkt", ["leer", "demo"], key="import_start", horizontal=True,
                             format_func={"leer": f"Nur diese Datei ({TABLES[art].label})",
                                          "demo": "Die Demo-Dateien, diese Datei ersetzt die Demo-Tabelle "
                                                  "ihrer Art"}.get)
            mit_demo = start == "demo"
            danach = [TABLES[k].label for k in KINDS if k == art or (mit_demo and k in DEMO_DATEIEN)]
        else:
            danach = [TABLES[k].label for k in KINDS if k == art or k in aktuell.inhalt]
            if art in aktuell.inhalt and art in JAHRESARTEN:
                modus = st.radio(f"{TABLES[art].label} gibt es schon („{ui.escape_md(aktuell.inhalt[art]['datei'])}“, "
                                 f"Version {aktuell.id}). Die neue Datei soll …", list(MODUS_TEXT),
                                 format_func=MODUS_TEXT.get, key=f"import_modus_{art}")
                folge = zusammenfuehren(art, ablage.tabelle(art, aktuell), ergebnis.frame, modus)
                st.caption(f"Jahre: {folge.text()}.")
            elif art in aktuell.inhalt:
                st.caption(f"Die Datei ersetzt „{ui.escape_md(aktuell.inhalt[art]['datei'])}“ aus Version "
                           f"{aktuell.id}; die übrigen Tabellen bleiben.")
        fehlen = [TABLES[k].label for k in KINDS if TABLES[k].label not in danach and k != "fallzahlen"
                  and k not in ERGAENZENDE_ARTEN]
        st.info("**Danach zeigt das Dashboard:** " + ", ".join(danach)
                + (f".  \n**Es fehlen dann:** {', '.join(fehlen)}." if fehlen else "."), icon=ui.INFO)
        if st.button("Als neue Version speichern", type="primary", disabled=not bestaetigt, key=f"import_los_{art}"):
            balken = st.progress(0.0, text="Wird gespeichert …")

            def fortschritt(fertig: int, gesamt: int) -> None:
                balken.progress(fertig / max(gesamt, 1),
                                text=f"{format_number(fertig)} von {format_number(gesamt)} Zeilen gespeichert …")

            def warten(meldung: str) -> None:
                # Another import holds the store: say so instead of a frozen progress bar.
                balken.progress(0.0, text=meldung)

            try:
                if mit_demo:
                    demo_importieren(ablage, ohne=art, benutzer=ui.angemeldet_als())
                version = ablage.importieren(art, ergebnis.frame, datei.name, daten, benutzer=ui.angemeldet_als(),
                                             fortschritt=fortschritt, modus=modus, beim_warten=warten)
            except Unveraendert as gleich:
                st.info(ui.escape_md(gleich), icon=ui.INFO)
            except (StoreError, ValueError) as error:
                st.error(f"Nichts gespeichert: {ui.escape_md(error)}", icon=":material/block:")
            else:
                balken.progress(1.0, text="Geheimhaltung der öffentlichen Ansicht wird berechnet …")
                ui.version_vorbereiten(version.id)
                st.session_state["import_meldung"] = (f"Gespeichert als **Version {version.id}**: "
                                                      f"{TABLES[art].label} aus „{ui.escape_md(datei.name)}“, "
                                                      f"{format_number(len(ergebnis.frame))} Zeilen."
                                                      + (f" Jahre: {version.aenderung}." if version.aenderung else ""))
                st.session_state["import_runde"] = runde + 1
                st.rerun()

if meldung := st.session_state.pop("import_meldung", None):
    st.success(meldung, icon=ui.OK)

# --- versions --------------------------------------------------------------------------------
st.header("Versionen")
liste = ablage.versionen()
if not liste:
    st.info("Noch keine Version gespeichert. Bis zum ersten Import zeigt das Dashboard den Demo-Musterkreis.",
            icon=ui.INFO)
    st.stop()
aktuell = liste[0].id
zeilen = [{"Version": v.id, "Zeit": v.zeit.strftime("%d.%m.%Y %H:%M"), "Benutzer": v.benutzer, "Aktion": v.aktion,
           "Inhalt": ", ".join(f"{TABLES[a].label} ({info['datei']}, {format_number(info['zeilen'])})"
                               for a, info in sorted(v.inhalt.items())),
           "Aktuell": "✓" if v.id == aktuell else ""} for v in liste]
ui.tabelle(pd.DataFrame(zeilen), {"Version": lambda v: str(v)},
           column_config={"Inhalt": st.column_config.TextColumn(width="large")})

if len(liste) > 1:
    st.subheader("Unterschied zwischen zwei Versionen")
    ids = [v.id for v in liste]
    a, b = st.columns(2)
    von = a.selectbox("Von Version", ids, index=1, key="diff_von")
    bis = b.selectbox("Bis Version", ids, index=0, key="diff_bis")
    diff = ablage.unterschied(von, bis)
    diff["art"] = diff["art"].map(lambda k: TABLES[k].label)
    diff.columns = ["Tabelle", "Datei vorher", "Datei nachher", "Zeilen vorher", "Zeilen nachher", "hinzugefügt",
                    "entfernt", "geändert", "Beispiele geänderter Werte"]
    ui.tabelle(diff, {c: lambda v: format_number(v, 0) for c in ("Zeilen vorher", "Zeilen nachher", "hinzugefügt",
                                                                   "entfernt", "geändert")},
               column_config={"Beispiele geänderter Werte": st.column_config.TextColumn(width="large")})
    st.caption("Zeilen werden über ihren Schlüssel verglichen (etwa Jahr, Gebiet und Altersgruppe): „geändert“ heißt "
               "derselbe Schlüssel mit anderen Werten; bis zu fünf Beispiele zeigen alten und neuen Wert.")

    st.subheader("Auf eine frühere Version zurücksetzen")
    ziel = st.selectbox("Version", ids[1:], key="rueck_ziel")
    sicher = st.checkbox(f"Ja, Version {ziel} wieder zur aktuellen machen (als neue Version {aktuell + 1}; nichts "
                         "wird gelöscht).", key="rueck_ok")
    if st.button("Zurücksetzen", disabled=not sicher, key="rueck_los"):
        version = ablage.zuruecknehmen(ziel, benutzer=ui.angemeldet_als(),
                                       beim_warten=lambda meldung: st.info(meldung, icon=ui.INFO))
        with st.spinner("Geheimhaltung der öffentlichen Ansicht wird berechnet …"):
            ui.version_vorbereiten(version.id)
        st.session_state["import_meldung"] = f"Version {version.id} zeigt wieder den Stand von Version {ziel}."
        st.rerun()
