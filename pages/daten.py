"""Datenbestand: which tables are loaded, what is missing and what the checks found."""

import pandas as pd
import streamlit as st

import ui
from sozialraum_analytics.dataset import KIND_ORDER
from sozialraum_analytics.formatting import format_date, format_number
from sozialraum_analytics.tables import ERGAENZENDE_ARTEN, TABLES

ui.nur_planung()
dataset = ui.get_dataset()

# What each table makes possible, in the words of a planner.
ERMOEGLICHT = {
    "zuordnung": "Sozialräume: Planungsräume werden zu Sozialräumen zusammengefasst und verglichen.",
    "gebiete": "Karten der Planungs- und Sozialräume.",
    "bevoelkerung": "Eckwerte (Hilfen je 1.000 junge Menschen), Ausgaben je Jugendeinwohner, Berichtsjahre.",
    "bevoelkerungsprognose": "Prognose (Seite Steuerung) mit der amtlichen Bevölkerungsvorausberechnung statt der "
                             "linearen Fortschreibung der Bevölkerung.",
    "faelle": "Begonnene, beendete und andauernde Hilfen, Inanspruchnahme, Dauer der Hilfen, Inobhutnahmen.",
    "fallzahlen": "Wie Einzelfalldaten (ohne Dauer der Hilfen): Ersatz, wenn nur Fallzahlen vorliegen.",
    "kosten": "Ausgaben, Ausgaben je Jugendeinwohner, Kosten je Hilfe.",
    "indikatoren": "Sozialstrukturindikatoren und Bedarfsindex.",
    "angebote": "Bestand an Angeboten je Gebiet (Angebotsplanung).",
    "vergleichswerte": "Vergleich des Kreises mit Land, Bund oder ähnlichen Kreisen (Übersicht, Entwicklung, Präsentation).",
}

st.title("Datenbestand")
st.markdown((f"**Datenordner:** `{str(ui.data_dir()).replace('`', '')}`  \n" if dataset.version is None else "")
            + f"**Quelle:** {ui.escape_md(dataset.quelle)}"
            + (f"  \n**Datenstand:** {format_date(dataset.stand)}" if dataset.stand else "")
            + (f"  \n**Jahre:** {dataset.years()[0]}–{dataset.years()[-1]}" if dataset.years() else ""))

ui.leerer_bestand(dataset)

# --- tables ------------------------------------------------------------------------------
st.header("Tabellen")
# From the store: the file each table of this version was imported from.
importiert = ui.store().version(dataset.version).inhalt if dataset.version is not None else {}
zeilen = []
for kind in KIND_ORDER:
    spec = TABLES[kind]
    if kind == "gebiete":
        anzahl = len(dataset.gebiete) if dataset.gebiete is not None else None
    else:
        anzahl = len(dataset.tables[kind]) if dataset.has(kind) else None
    if kind == "faelle" and dataset.aus_einzelfaellen:
        status, anzahl = "✓ in der Datenbank (dort je Jahr gezählt)", importiert.get("faelle", {}).get("zeilen")
    elif kind == "fallzahlen" and dataset.aus_einzelfaellen:
        status = "✓ aus den Einzelfällen berechnet"
    elif anzahl is not None:
        status = "✓ geladen"
    elif kind == "fallzahlen" and dataset.has("faelle"):
        status = "– nicht nötig (Einzelfalldaten geladen)"
    elif kind == "faelle" and dataset.has("fallzahlen"):
        status = "– ersetzt durch Fallzahlen"
    elif kind in ERGAENZENDE_ARTEN:
        status = f"– optional ({ERGAENZENDE_ARTEN[kind]})"
    else:
        status = "✗ fehlt"
    datei = importiert[kind]["datei"] if kind in importiert else spec.file_pattern
    zeile = {"Tabelle": spec.label, "Status": status, "Zeilen": anzahl, "Datei": datei}
    if dataset.version is not None:
        # Who imported the file of this version and when (the planner's name, or a CLI's account marked as such).
        zeile["Importiert"] = (f"{format_date(importiert[kind]['zeit'])} {importiert[kind]['zeit']:%H:%M}, "
                               f"{importiert[kind]['benutzer']}" if kind in importiert else "–")
    zeilen.append({**zeile, "Ermöglicht": ERMOEGLICHT.get(kind, spec.description)})
tabellen = pd.DataFrame(zeilen)
# A static table: the long "Ermöglicht" texts wrap instead of being cut off.
st.table(tabellen.assign(Zeilen=[format_number(v, 0) if v is not None else "–" for v in tabellen["Zeilen"]]),
         hide_index=True)

fehlt = dataset.missing()
if fehlt:
    st.info("**Es fehlen:** " + ", ".join(fehlt) + ".  \n"
            + "  \n".join(f"Ohne „{TABLES[k].label}“ fehlt: {ERMOEGLICHT[k]}" for k in KIND_ORDER
                          if TABLES[k].label in fehlt), icon=ui.INFO)
else:
    st.success("Alle Tabellen sind geladen.", icon=ui.OK)

# --- validation reports ----------------------------------------------------------------
st.header("Prüfberichte")
if dataset.version is not None and not dataset.reports:
    st.info(f"Die Dateien von Datenversion {dataset.version} wurden beim Import geprüft; gespeichert wird nur, was "
            "fehlerfrei war. Wann welche Datei von wem importiert wurde, zeigt die Spalte „Importiert“ oben, alle "
            "Versionen die Seite **Daten importieren**.", icon=ui.INFO)
elif not dataset.reports:
    st.info("Keine Datei wurde geprüft: im Datenordner liegt keine erkannte Datei.", icon=ui.INFO)
else:
    n_fehler = sum(r.n_errors for r in dataset.reports)
    n_warnungen = sum(r.n_warnings for r in dataset.reports)
    spalten = st.columns(3)
    spalten[0].metric("Geprüfte Dateien", format_number(len(dataset.reports)), border=True)
    spalten[1].metric("Fehler", format_number(n_fehler), border=True,
                      help="Eine Datei mit Fehlern wird nicht verwendet.")
    spalten[2].metric("Warnungen", format_number(n_warnungen), border=True,
                      help="Die Datei wird verwendet; bitte prüfen, ob die Werte stimmen.")
    uebersicht = pd.DataFrame([{
        "Datei": r.datei, "Verwendet": "ja" if r.ok else "nein (Fehler)", "Fehler": r.n_errors,
        "Warnungen": r.n_warnings,
        "Hinweise": " · ".join(r.infos),
    } for r in dataset.reports])
    ui.tabelle(uebersicht, {"Fehler": lambda v: format_number(v, 0), "Warnungen": lambda v: format_number(v, 0)})
    probleme = pd.concat([r.as_frame() for r in dataset.reports], ignore_index=True)
    if len(probleme):
        st.subheader("Fehler und Warnungen")
        stufen = st.pills("Anzeigen", options=["Fehler", "Warnung"], default=["Fehler", "Warnung"],
                          selection_mode="multi", key="daten_stufen")
        probleme = probleme[probleme["Stufe"].isin(stufen or [])]
        ui.tabelle(probleme, column_config={"Zeile": st.column_config.NumberColumn(format="%d"),
                                    "Meldung": st.column_config.TextColumn(width="large")})
        st.caption("Zeilen wie in Excel gezählt (Kopfzeile = Zeile 1). Nicht einzeln aufgeführte Probleme sind "
                   "in den Summen oben enthalten.")
    else:
        st.success("Keine Fehler oder Warnungen in den geprüften Dateien.", icon=ui.OK)
