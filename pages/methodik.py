"""Methodik: every Kennzahl from the registry, the help groups and the counting rules."""

import pandas as pd
import streamlit as st

import ui
from sozialraum_analytics import fallstruktur
from sozialraum_analytics.dataset import KREIS_ID
from sozialraum_analytics.formatting import format_number
from sozialraum_analytics.hilfearten import HILFEGRUPPEN
from sozialraum_analytics.registry import KENNZAHLEN, describe

auswahl = ui.auswahl()
dataset = ui.get_dataset()

st.title("Methodik")
st.markdown("Wie jede Kennzahl berechnet wird, woher die Zahlen kommen und welche Hilfen in welcher Summe stecken. "
            "Die Definitionen folgen der amtlichen Kinder- und Jugendhilfestatistik (AKJStat, Destatis) und der "
            "KVJS-Berichterstattung.")
ui.leerer_bestand(dataset)


def steckbrief(k) -> None:  # noqa: ANN001 - a registry Kennzahl
    """Label, formula, denominator, unit, source and description of one Kennzahl."""
    st.markdown(f"**Formel:** `{k.formel.replace('`', '')}`  \n"
                f"**Nenner:** {k.nenner}  \n"
                f"**Einheit:** {k.einheit}  \n"
                f"**Quelle:** {k.quelle}")
    st.markdown(k.beschreibung)


# --- the Eckwert as chosen ------------------------------------------------------------
st.header("Was ist ein Eckwert?")
eck = describe(auswahl.eckwert)
with st.container(border=True):
    st.markdown(f"### {eck.label}")
    st.markdown(f"Der Eckwert zeigt, wie viele Hilfen auf "
                f"{ui.SKALEN_AUSWAHL[auswahl.skala].removeprefix('je ')} junge Menschen "
                f"{auswahl.nenner_label} kommen. So lassen sich Gebiete unterschiedlicher Größe und Jahre mit "
                "unterschiedlich vielen Kindern und Jugendlichen vergleichen.")
    steckbrief(eck)
    if dataset.years() and auswahl.jahr is not None and dataset.has_cases and dataset.has("bevoelkerung"):
        kreis = ui.kennzahlen_tabelle(dataset, auswahl, "kreis")
        inan = ui.wert(kreis, auswahl.jahr, KREIS_ID, "gesamt", "inanspruchnahme")
        bev = ui.wert(kreis, auswahl.jahr, KREIS_ID, "gesamt", f"bevoelkerung_{auswahl.nenner}")
        wert = ui.wert(kreis, auswahl.jahr, KREIS_ID, "gesamt", auswahl.eckwert)
        if inan is not None and bev and wert is not None:
            st.markdown(f"**Beispiel {ui.escape_md(dataset.kreis_name)} {auswahl.jahr}:** "
                        f"{format_number(inan)} Hilfen gesamt ÷ {format_number(bev)} Einwohner "
                        f"{auswahl.nenner_label} × {format_number(auswahl.skala)} = **{format_number(wert, 1)}**")
    st.caption("Bezugsgröße und Skala wählen Sie links in der Seitenleiste.")

# --- counting rules ---------------------------------------------------------------------
st.header("Zählregeln")
st.markdown(
    "Gezählt wird je Kalenderjahr *j*, wie in der amtlichen Statistik:\n\n"
    "- **Begonnen:** Hilfen mit Beginn im Jahr *j*.\n"
    "- **Beendet:** Hilfen mit Ende im Jahr *j* (auch am 31.12.).\n"
    "- **Andauernd am 31.12.:** Beginn spätestens am 31.12. und Ende leer oder nach dem 31.12. "
    "Eine am 31.12. beendete Hilfe zählt als beendet, eine am 31.12. begonnene als andauernd.\n"
    "- **Inanspruchnahme (Hilfen insgesamt) = andauernd am 31.12. + im Jahr beendet.** "
    "Das ist die amtliche Zahl aller Hilfen, die im Jahr liefen – nicht „begonnen + andauernd“ und nicht die "
    "Zahl der Zeilen einer Datei.\n"
    "- Ein Wechsel der Hilfeart beendet eine Hilfe und beginnt eine neue.\n"
    "- **Inobhutnahmen (§ 42)** und **Gefährdungseinschätzungen (§ 8a)** sind keine Hilfen zur Erziehung: "
    "gezählt werden die im Jahr beendeten Maßnahmen; sie stecken in keiner Summe der Hilfen.\n"
    "- **Bevölkerung:** Einwohner am 31.12. des Jahres; wo amtliche Altersgruppen die Grenze nicht genau "
    "treffen (z. B. 20 bis unter 25), wird linear anteilig gerechnet."
)

# --- case structure ------------------------------------------------------------------
st.header("Fallstruktur")
st.markdown("Hat die Falldatei die Spalten, zeigt der Steckbrief, wen die Hilfen erreichen und wie sie enden – je "
            "Jahr, Gebiet und Hilfegruppe, als Anzahl und Anteil neben dem Kreis.")
with st.expander("Merkmale, Zählweise und öffentliche Ansicht"):
    st.markdown(
        f"- **{fallstruktur.MERKMALE['alter'].label}** in den Altersgruppen der AKJStat "
        f"({', '.join(a for a, _, _ in fallstruktur.ALTERSGRUPPEN)}). Nennt die Falldatei kein Alter, ist es Jahr des "
        "Beginns minus Geburtsjahr: das Alter, das der junge Mensch im Jahr des Beginns erreicht.\n"
        f"- **Geschlecht:** {', '.join(fallstruktur.GESCHLECHTER)}.\n"
        f"- **{fallstruktur.MERKMALE['hauptgrund'].label}** nach den Kategorien der Destatis-Statistik der "
        f"erzieherischen Hilfen: {'; '.join(fallstruktur.HAUPTGRUENDE)}. Ein anderer Text bleibt eine eigene Kategorie.\n"
        f"- **{fallstruktur.MERKMALE['beendigung'].label}**, wie Destatis gruppiert: "
        f"{'; '.join(fallstruktur.BEENDIGUNGEN)} (Adoption, Abgabe an ein anderes Jugendamt, sonstige).\n"
        "- **Fälle und junge Menschen:** mit einer Personen-ID die verschiedenen Personen unter den Hilfen; eine Person "
        "mit zwei Hilfen ist zwei Fälle und ein junger Mensch.\n\n"
        "Amtlich werden Alter und Hauptgrund der im Jahr **begonnenen**, die Beendigung der im Jahr **beendeten** Hilfen "
        "berichtet; die Planungsansicht rechnet so (wahlweise über die Hilfen insgesamt). Die öffentliche Ansicht zeigt "
        "die Verteilung der **Hilfen insgesamt** und darin die beendeten nach Grund, mit denselben Sperrregeln wie "
        "jede Fallzahl. Anteil = Hilfen der Kategorie je 100 Hilfen; „ohne Angabe“ zählt im Nenner mit.")

# --- help groups ---------------------------------------------------------------------
st.header("Hilfearten und Summen")
st.markdown("Welche Hilfen in welcher Summe stecken. „HzE“ = Hilfen zur Erziehung (§§ 27–35, 41 SGB VIII); "
            "die Eingliederungshilfe nach § 35a zählt in „Hilfen gesamt“, aber nicht in den HzE.")
st.table(pd.DataFrame({"Hilfeart / Summe": [g.label for g in HILFEGRUPPEN],
                       "Was dazu zählt": [g.description for g in HILFEGRUPPEN]}), hide_index=True)

# --- the registry ------------------------------------------------------------------------
st.header("Alle Kennzahlen")
suche = st.text_input("Kennzahl suchen", placeholder="z. B. Eckwert, Inanspruchnahme, Kosten …",
                      key="methodik_suche").strip().lower()
gruppen: dict[str, list] = {}
for kennzahl in KENNZAHLEN.values():
    gruppen.setdefault(kennzahl.gruppe, []).append(kennzahl)
treffer = 0
for gruppe, kennzahlen in gruppen.items():
    passend = [k for k in kennzahlen if not suche or suche in " ".join(
        (k.label, k.beschreibung, k.formel, k.gruppe)).lower()]
    if not passend:
        continue
    st.subheader(gruppe)
    for k in passend:
        treffer += 1
        with st.expander(f"{k.label} ({k.einheit})", expanded=bool(suche)):
            steckbrief(k)
if not treffer:
    st.info(f"Keine Kennzahl passt zu „{ui.escape_md(suche)}“.", icon=ui.INFO)

# --- Bedarfsindex ----------------------------------------------------------------------
st.header("Bedarfsindex")
einteilung = ui.get_engine(auswahl.optionen).einteilung
st.markdown(
    "Der Bedarfsindex fasst mehrere Sozialstrukturindikatoren (z. B. SGB-II-Quote der unter 15-Jährigen, Anteil "
    "Alleinerziehender, Arbeitslosenquote) zu einer Zahl je Gebiet zusammen – nach dem Vorbild des Berliner "
    "Monitorings Soziale Stadtentwicklung und des Hamburger RISE-Monitorings. Jeder Indikator wird über die "
    "Gebiete z-standardisiert (Vorzeichen umgekehrt, wo ein niedriger Wert mehr Bedarf bedeutet), die z-Werte "
    "werden gemittelt und erneut standardisiert. "
    f"**Klassen{'' if einteilung.ist_standard else ' (vom Kreis festgelegt)'}:** "
    f"{ui.escape_md(einteilung.beschreibung())}; Grenzen in Standardabweichungen, ein Wert genau auf einer Grenze "
    "gehört zur Klasse näher am Mittel. Gebiete mit weniger als 300 Einwohnern erhalten keinen "
    "Index. Der Index ist relativ: er vergleicht die Gebiete eines Kreises untereinander, nicht mit anderen "
    "Kreisen, und ersetzt nicht die fachliche Einschätzung vor Ort."
)

# --- Dynamik --------------------------------------------------------------------------------
st.header("Dynamik: Status und Entwicklung")
st.markdown("Neben dem Bedarfsindex (**Status**: wo ein Gebiet steht) zeigt die **Dynamik**, wie es sich in den "
            "letzten zwei Jahren verändert hat, und beides zusammen vier Gruppen – wie im Berliner Monitoring "
            "Soziale Stadtentwicklung.")
with st.expander("Berechnung, Klassen, Veränderungsindikatoren und Gruppen"):
    st.markdown(
        "Neben dem Bedarfsindex (**Status**: wo ein Gebiet steht) zeigt die **Dynamik**, wie es sich in den letzten "
        "zwei Jahren verändert hat – wie im Berliner Monitoring Soziale Stadtentwicklung. Die Veränderung jedes "
        "Indikators (bei Anteilen in Prozentpunkten) wird über die Gebiete z-standardisiert (Vorzeichen wie beim "
        "Bedarfsindex), gewichtet gemittelt und erneut standardisiert. **Klassen:** *negativ* über +1 "
        "Standardabweichung (der Bedarf ist deutlich gewachsen), *positiv* unter −1 (deutlich gesunken), sonst "
        "*stabil*. Ein Gebiet braucht in beiden Jahren mindestens 300 Einwohner, sonst: keine Angabe.  \n"
        "**Veränderungsindikatoren der Datei:** Veröffentlicht ein Monitoring die Veränderungen selbst, werden sie "
        "unverändert übernommen statt zwei Jahre zu vergleichen. Erkannt werden sie an der Einheit Prozentpunkte "
        "(„Prozentpunkte“, „%-Punkte“, „%-Pkt.“, „pp“) oder am Namen, der mit „Veränderung“, „Änderung“, „Verä.“ "
        "oder „Dynamik“ beginnt; in einer Datei mit den Berliner Spalten S1, S2 … sind D1, D2 … die Veränderungen. "
        "Sie gehen nicht in den Bedarfsindex ein. Der Zeitraum steht im Namen („2020–2022“, „vom 31.12.2020 zum "
        "31.12.2022“), sonst gelten zwei Jahre.  \n"
        "**Vier Gruppen:** 1 besonderer Aufmerksamkeitsbedarf (Bedarfsindex über dem Mittel und Entwicklung negativ), "
        "2 hoher Bedarf bei stabiler oder positiver Entwicklung, 3 Entwicklung negativ bei Bedarf bis zum Mittel "
        "(beobachten), 4 unauffällig. **Klassenwechsel:** der letzte Wechsel der Bedarfsklasse über die Jahre mit "
        "Indikatoren („von erhöht nach hoch seit 2022“). Zu sehen auf den Seiten Übersicht und Karte und im "
        "Foliensatz."
    )

# --- reference values -------------------------------------------------------------------------
st.header("Vergleichswerte anderer Gebiete")
st.markdown("Neben dem Kreiswert stehen, wo eingelesen, Werte anderer Gebiete (Land, Bund, ähnliche Kreise) mit "
            "ihrer Quelle: auf der Übersicht, in der Entwicklung und im Foliensatz.")
with st.expander("Welche Kennzahlen und wie verglichen wird"):
    st.markdown(
        "Verglichen werden nur Quoten und Durchschnitte (Eckwerte, Ausgaben je Jugendeinwohner, Kosten je Hilfe, "
        "Anteil stationär, Dauer), keine Anzahlen: die wachsen mit der Größe des Gebiets. Der Kreis wird auf der "
        "Bezugsgröße und Skala des Vergleichswerts gerechnet (ein „Eckwert“ ohne Angabe gilt als je 1.000 unter "
        "21 Jahre, wie beim KVJS). **Differenz** = Kreis minus Vergleichswert (bei Anteilen in Prozentpunkten), "
        "**Abweichung** = um wie viel Prozent der Kreis über oder unter dem Vergleichswert liegt. Die "
        "Vergleichswerte sind veröffentlichte Zahlen anderer Gebiete; der Kreiswert daneben folgt in der "
        "öffentlichen Ansicht den Sperrregeln.")

# --- confidentiality ------------------------------------------------------------------------
st.header("Geheimhaltung in der öffentlichen Ansicht")
st.markdown("Die öffentliche Ansicht (Jugendhilfeausschuss) zeigt nur Sozialräume und den Kreis: Fallzahlen von 1 "
            f"bis 4 und was sie verraten würde sind gesperrt („{ui.GESPERRT}“), Quoten erst ab 300 jungen Menschen, "
            "Durchschnitte erst ab 10 Fällen.")
with st.expander("Die Regeln im Einzelnen"):
    st.markdown(
        "Die öffentliche Ansicht (Jugendhilfeausschuss) zeigt nur Sozialräume und den Kreis und darf keine Familie "
        "erkennbar machen (§ 16 BStatG, Praxis der Statistischen Ämter):\n\n"
        "- **Fallzahlen von 1 bis 4 werden gesperrt**, dazu so viele weitere Zahlen, dass sich keine gesperrte Zahl "
        "zurückrechnen lässt – nicht aus Summen über Hilfearten, Sozialräume und Kreis, nicht aus "
        "Vorjahresveränderungen, Eckwerten mal Bevölkerung oder Anteilen. Gesperrt sieht überall gleich aus: "
        f"„{ui.GESPERRT}“ in Tabellen, Folien und Exporten; „–“ heißt dagegen: keine Daten.\n"
        "- **Prüfung wie ein Angreifer:** Für jede gesperrte Zahl sucht ein lineares Programm (HiGHS) die kleinsten "
        "und größten Werte, die zu allem Gezeigten passen. Sie müssen mindestens zwei ganze Zahlen umfassen; sonst "
        "werden die Zahlen gesperrt, die sich am wenigsten Information kosten (kleine zuerst, Kreiswerte zuletzt). "
        "Reicht nichts anderes, werden auch Kreiswerte oder ein ganzes Jahr gesperrt; die Seite sagt dann, was und "
        "warum.\n"
        "- **Ausgaben** einer gesperrten Fallzahl sind mit ihr gesperrt, ebenso Kosten je Hilfe, Ausgaben je "
        "Einwohner und Dauern. Die Ausgaben werden eigens geprüft: aus den gezeigten Summen darf sich keine "
        "gesperrte Ausgabe auf weniger als 10 % genau ergeben; wo nötig, sind weitere Ausgaben gesperrt.\n"
        "- **Quoten** (Eckwerte, Ausgaben je Einwohner) erst ab 300 jungen Menschen, **Durchschnitte** (Dauer, "
        "Kosten je Hilfe) erst ab 10 Fällen. Veränderungen und Trends nur aus gezeigten Werten.\n"
        "- **Alternative Rundung** (`SOZIALRAUM_GEHEIMHALTUNG=runden`): alle Fallzahlen auf Vielfache von 5; "
        "Ausgaben nur neben einer gerundeten Fallzahl ab 10, geprüft wie oben; keine Kosten je Hilfe.\n\n"
        "Das Sperrmuster hängt nur von den Daten ab: es wird beim Speichern einer Datenversion berechnet und mit ihr "
        "aufbewahrt."
    )

# --- maps ------------------------------------------------------------------------------
st.header("Karten: Klassen und räumliche Muster")
st.markdown("Wie die Klassen der Karten gebildet werden und was Hot Spots (LISA) bedeuten.")
with st.expander("Klassenbildung, Moran's I und LISA"):
    st.markdown(
        "**Klassenbildung.** *Quantile*: gleich viele Gebiete je Klasse. *Natürliche Brüche (Fisher-Jenks)*: "
        "die Grenzen, bei denen die Werte innerhalb der Klassen am wenigsten streuen (exakt berechnet). "
        "*Gleiche Intervalle*: gleich breite Klassen zwischen kleinstem und größtem Wert. *Standardabweichung*: "
        "Grenzen bei Vielfachen der Standardabweichung um den Mittelwert. Eine Klasse enthält ihre obere Grenze. "
        "Die Farben (ColorBrewer YlOrRd, für Abweichungen RdBu) sind für Farbenfehlsichtige unterscheidbar.  \n"
        "**Moran's I** misst, ob Nachbargebiete (gemeinsame Grenze oder Ecke, „Queen“) ähnliche Werte haben; "
        "die Nachbarn werden gleich gewichtet (zeilenstandardisiert). **LISA** (lokale Moran-Werte) zeigt, wo: "
        "Hot Spots (hoch neben hoch), Cold Spots (niedrig neben niedrig) und Ausreißer. Signifikanz über "
        "999 zufällige Vertauschungen der Werte mit festem Startwert (20241231), daher bei jedem Aufruf dasselbe "
        "Ergebnis; Schwelle p < 0,05 je Gebiet, ohne Korrektur für viele Tests – ein Hinweis, kein Beweis. "
        "Gebiete ohne Nachbarn (Inseln) und ohne Wert gehen nicht ein."
    )
