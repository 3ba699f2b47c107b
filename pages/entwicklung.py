"""Entwicklung: Inanspruchnahme and Eckwert over the years, per area and for the Kreis."""

import pandas as pd
import streamlit as st

import ui
from sozialraum_analytics.bedarfsindex import MIN_EINWOHNER
from sozialraum_analytics.dataset import KREIS_ID
from sozialraum_analytics.formatting import format_number, format_percent
from sozialraum_analytics.vergleichswerte import quellen_zeile, vergleich

dataset = ui.get_dataset()
auswahl = ui.auswahl()
jahr = auswahl.jahr

st.title("Entwicklung")
if ui.leerer_bestand(dataset) or not ui.pruefe_daten(dataset, [ui.FAELLE], "die Entwicklung der Hilfen"):
    st.stop()

gruppen = ui.hilfegruppen_auswahl()
kopf = st.columns([2, 3])
with kopf[0]:
    hilfeart = st.selectbox("Hilfeart", options=gruppen, format_func=ui.hilfe_label, key="entwicklung_hilfeart",
                            help="Gesamt, Hilfen zur Erziehung, Settings, § 35a, § 41 oder einzelne Hilfearten.")
gruppe_label = ui.hilfe_label(hilfeart)
with kopf[1]:
    st.caption(ui.HILFEGRUPPEN_BY_ID[hilfeart].description)

gebiete = ui.kennzahlen_tabelle(dataset, auswahl, auswahl.ebene)
kreis = ui.kennzahlen_tabelle(dataset, auswahl, "kreis")
if gebiete is None or kreis is None or "inanspruchnahme" not in gebiete.columns:
    st.stop()

namen = dataset.area_names()
eck = auswahl.eckwert
hat_eckwert = eck in gebiete.columns
if not hat_eckwert:
    ui.pruefe_daten(dataset, ["bevoelkerung"], "den Eckwert")

# Which areas: all when they fit in one chart, else a choice (default: highest Eckwert in the year).
areas = sorted(set(gebiete.index.get_level_values("area")), key=lambda a: (namen.get(a, a), a))
sortier = ui.zeitreihe(gebiete, hilfeart, eck if hat_eckwert else "inanspruchnahme")
if len(areas) > 10:
    letzte = sortier.loc[jahr] if jahr in sortier.index else pd.Series(dtype=float)
    # Tiny areas (a forest with a few children) swing wildly; they are not preselected.
    einwohner = ui.zeitreihe(gebiete, "gesamt", "bevoelkerung_gesamt")
    if jahr in einwohner.index:
        gross = einwohner.loc[jahr]
        letzte = letzte[letzte.index.isin(gross[gross >= MIN_EINWOHNER].index)]
    vorwahl = list(letzte.dropna().sort_values(ascending=False).index[:6]) or areas[:6]
    gewaehlt = st.multiselect(f"{auswahl.ebene_plural} im Diagramm", options=areas,
                              default=[a for a in areas if a in vorwahl], format_func=lambda a: namen.get(a, a),
                              key=f"entwicklung_gebiete_{auswahl.ebene}", placeholder="Gebiete wählen",
                              help=f"Vorauswahl: die 6 {auswahl.ebene_plural} mit dem höchsten Wert {jahr} "
                                   f"(ab {format_number(MIN_EINWOHNER)} Einwohnern).")
else:
    gewaehlt = areas
kurz = ui.kurznamen([namen.get(a, a) for a in areas])
jahre = dataset.years()
zeitraum = f"{jahre[0]}–{jahre[-1]}" if len(jahre) > 1 else str(jahre[0])


def linien(fig, frame: pd.DataFrame, dezimalen: int) -> int:  # noqa: ANN001
    """A line per chosen area with values in at least two years; colour and marker by its place among the
    drawn lines, so no two drawn lines share a colour (the palette has 12); returns how many. A single
    value is no trend: it is not drawn but named below the chart (:func:`einzelwerte`)."""
    drawn = 0
    for area in gewaehlt:
        if area not in frame.columns or frame[area].notna().sum() < 2:
            continue
        werte = frame[area]
        name = namen.get(area, area)
        ui.linie(fig, werte.index, werte.to_numpy(), kurz.get(name, name), drawn,
                 [format_number(v, dezimalen) for v in werte], hover_name=name)
        drawn += 1
    return drawn


def einzelwerte(frame: pd.DataFrame, dezimalen: int) -> None:
    """Names the chosen areas with a value in one year only, which :func:`linien` leaves out."""
    einzeln = [(area, frame[area].dropna()) for area in gewaehlt
               if area in frame.columns and frame[area].notna().sum() == 1]
    if einzeln:
        st.caption("Nur ein Jahr mit Wert, daher ohne Linie: " + "; ".join(
            f"{ui.escape_md(namen.get(a, a))} ({int(w.index[0])}: {format_number(w.iloc[0], dezimalen)})"
            for a, w in einzeln) + ".")


# --- Eckwert -------------------------------------------------------------------------
if hat_eckwert:
    eck_gebiete = ui.zeitreihe(gebiete, hilfeart, eck)
    eck_kreis = ui.zeitreihe(kreis, hilfeart, eck)
    fig = ui.figur(f"{auswahl.eckwert_label}: {ui.plot_text(gruppe_label)}, {auswahl.ebene_plural} {zeitraum}",
                   auswahl.eckwert_label, height=540, x_jahre=jahre)
    n = linien(fig, eck_gebiete, 1)
    if KREIS_ID in eck_kreis.columns and eck_kreis[KREIS_ID].notna().sum() >= 2:
        ui.linie(fig, eck_kreis.index, eck_kreis[KREIS_ID].to_numpy(), "Kreis", 0,
                 [format_number(v, 1) for v in eck_kreis[KREIS_ID]], kreis=True,
                 hover_name=ui.kreis_label(dataset))
        n += 1
    # References of other regions (imported Vergleichswerte) of this Kennzahl, denominator and help group.
    referenzen = vergleich(ui.get_engine(auswahl.optionen), kennzahl=eck, hilfeart=hilfeart, jahre=jahre,
                           engine_fuer=ui.get_engine) if dataset.has("vergleichswerte") else None
    reihen = referenzen.reihen() if referenzen is not None else []
    gezeichnet = [r for r in reihen if len(r.jahre) >= 2]
    for i, reihe in enumerate(gezeichnet):
        ui.vergleichslinie(fig, reihe.jahre, reihe.werte, reihe.bezug, i, [format_number(v, 1) for v in reihe.werte],
                           quelle=", ".join(reihe.quellen))
    if gezeichnet:
        ui.quellenzeile(fig, quellen_zeile(gezeichnet))
    if n:
        ui.legende_platz(fig, auswahl.ebene_label)
        ui.zeige(fig, key="entwicklung_eckwert")
        st.caption(f"{auswahl.eckwert_label}: Inanspruchnahme ({gruppe_label}) je "
                   f"{ui.SKALEN_AUSWAHL[auswahl.skala].removeprefix('je ')} Einwohner {auswahl.nenner_label} "
                   "am 31.12. Gestrichelt: der Kreis. Gebiete mit sehr wenigen Einwohnern schwanken stark."
                   + (" Grau gepunktet oder strichpunktiert: Vergleichswerte anderer Gebiete (veröffentlichte Werte, "
                      "Quelle unter dem Diagramm)." if gezeichnet else ""))
        einzelwerte(eck_gebiete, 1)
        einzeln = [r for r in reihen if len(r.jahre) == 1]
        if einzeln:
            st.caption("Vergleichswerte nur eines Jahres, daher ohne Linie: " + "; ".join(
                f"{ui.escape_md(r.bezug)} ({r.jahre[0]}: {format_number(r.werte[0], 1)}, Quelle: "
                f"{ui.escape_md(', '.join(r.quellen))})" for r in einzeln) + ".")
        if referenzen is not None and referenzen.ausgelassen:
            st.caption("Nicht gezeigt: " + "; ".join(ui.escape_md(a) for a in referenzen.ausgelassen) + ".")
    elif eck_gebiete.notna().any().any():
        st.info("Eckwerte gibt es nur für ein Jahr: eine Entwicklung lässt sich nicht zeichnen. Die Werte stehen "
                "in der Tabelle „Veränderungen“ unten.", icon=ui.INFO)
    else:
        ui.keine_werte(f"Für „{gruppe_label}“ gibt es keine Eckwerte in diesen Daten.",
                       ui.gesperrte_jahre(auswahl.optionen, auswahl.ebene, hilfeart))

# --- Inanspruchnahme per area ---------------------------------------------------------
inan_gebiete = ui.zeitreihe(gebiete, hilfeart, "inanspruchnahme")
inan_kreis = ui.zeitreihe(kreis, hilfeart, "inanspruchnahme")
fig = ui.figur(f"Inanspruchnahme: {ui.plot_text(gruppe_label)}, {auswahl.ebene_plural} {zeitraum}",
               "Hilfen im Jahr", height=480, x_jahre=jahre)
gesperrt_gebiete = ui.gesperrte_jahre(auswahl.optionen, auswahl.ebene, hilfeart, gewaehlt)
if linien(fig, inan_gebiete, 0):
    ui.legende_platz(fig, auswahl.ebene_label)
    ui.zeige(fig, key="entwicklung_inanspruchnahme")
    st.caption(f"Inanspruchnahme ({gruppe_label}) = am 31.12. andauernde plus im Jahr beendete Hilfen. "
               "Der Kreis ist die Summe aller Gebiete und steht deshalb unten in einem eigenen Diagramm."
               + (" Lücken in den Linien: gesperrt (Geheimhaltung), nicht null." if gesperrt_gebiete else ""))
    einzelwerte(inan_gebiete, 0)
elif inan_gebiete[[a for a in gewaehlt if a in inan_gebiete.columns]].notna().any().any():
    st.info("Fallzahlen der gewählten Gebiete gibt es nur für ein Jahr: eine Entwicklung lässt sich nicht zeichnen. "
            "Die Werte stehen in der Tabelle „Veränderungen“ unten.", icon=ui.INFO)
else:
    ui.keine_werte(f"Für „{gruppe_label}“ gibt es keine Fälle je {auswahl.ebene_label}.", gesperrt_gebiete)

# --- the Kreis: the chosen group and HzE by setting ------------------------------------
st.subheader(f"{ui.escape_md(dataset.kreis_name)} insgesamt")
links, rechts = st.columns([2, 3], gap="large")
with links:
    if KREIS_ID in inan_kreis.columns and inan_kreis[KREIS_ID].notna().any():
        fig = ui.figur(f"Inanspruchnahme {zeitraum}", "Hilfen im Jahr", height=460, x_jahre=jahre)
        fig.update_layout(title=dict(subtitle=dict(text=f"{ui.plot_text(gruppe_label)}, Kreis",
                                                   font=dict(size=15))), margin=dict(r=20))
        werte = inan_kreis[KREIS_ID]
        fig.add_bar(x=list(werte.index), y=werte.to_numpy(), marker_color=ui.KREIS_FARBE, showlegend=False,
                    customdata=[[str(j), format_number(v, 0)] for j, v in werte.items()],
                    hovertemplate="%{customdata[0]}: %{customdata[1]} Hilfen<extra></extra>")
        ui.gesperrt_markieren(fig, ui.gesperrte_jahre(auswahl.optionen, "kreis", hilfeart).get(KREIS_ID, []))
        if len(jahre) > 6:
            fig.update_xaxes(tickvals=jahre[::2], ticktext=[str(j) for j in jahre[::2]], tickangle=0)
        ui.zeige(fig, key="entwicklung_inanspruchnahme_kreis")
        st.caption(f"Inanspruchnahme des ganzen Kreises: {gruppe_label}.")
    else:
        ui.keine_werte(f"Für „{gruppe_label}“ gibt es im Kreis keine Fälle.",
                       ui.gesperrte_jahre(auswahl.optionen, "kreis", hilfeart))
with rechts:
    fig = ui.figur(f"HzE nach Setting {zeitraum}", "Hilfen im Jahr", height=460, x_jahre=jahre)
    fig.update_layout(title=dict(subtitle=dict(text="Inanspruchnahme Hilfen zur Erziehung, Kreis",
                                               font=dict(size=15))))
    gezeichnet = False
    gesperrt_setting = {}
    for setting, label in (("ambulant", "ambulant"), ("teilstationaer", "teilstationär"),
                           ("stationaer", "stationär")):
        gesperrt_setting |= ui.gesperrte_jahre(auswahl.optionen, "kreis", setting)
        reihe = ui.zeitreihe(kreis, setting, "inanspruchnahme")
        if KREIS_ID not in reihe.columns or reihe[KREIS_ID].isna().all():
            continue
        werte = reihe[KREIS_ID]
        fig.add_bar(x=list(werte.index), y=werte.to_numpy(), name=label, marker_color=ui.SETTING_FARBEN[setting],
                    customdata=[[label, str(j), format_number(v, 0)] for j, v in werte.items()],
                    hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]} Hilfen"
                                  "<extra></extra>")
        gezeichnet = True
    if gezeichnet:
        fig.update_layout(barmode="stack", legend=dict(traceorder="reversed", title_text="Setting"))
        ui.zeige(fig, key="entwicklung_setting")
        st.caption("Ambulant: §§ 27.2, 28–31, 35 und 41 ambulant; teilstationär: § 32; stationär: §§ 33, 34, 35 "
                   "und 41 stationär. § 41 ohne bekanntes Setting zählt nur in den Summen."
                   + (" Fehlende Teile: gesperrt (Geheimhaltung), nicht null." if gesperrt_setting else ""))
    else:
        ui.keine_werte("Keine Hilfen zur Erziehung mit Setting in den Daten.", gesperrt_setting)

# --- Trend figures of the year -------------------------------------------------------
st.subheader(f"Veränderungen {jahr}: {gruppe_label}")
basis = jahre[0]


def spalte(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series(float("nan"), index=frame.index)


zeilen = pd.concat([ui.auszug(gebiete, jahr, hilfeart), ui.auszug(kreis, jahr, hilfeart)])
trend = pd.DataFrame({
    auswahl.ebene_label: [namen.get(a, a) if a != KREIS_ID else ui.kreis_label(dataset)
                          for a in zeilen.index],
    "Inanspruchnahme": ui.anzahl_texte(auswahl.optionen, auswahl.ebene, jahr, hilfeart, list(zeilen.index),
                                       list(spalte(zeilen, "inanspruchnahme"))),
    "Veränderung zum Vorjahr": spalte(zeilen, "inanspruchnahme_vorjahr_abs").to_numpy(),
    "Veränderung in %": spalte(zeilen, "inanspruchnahme_vorjahr_prozent").to_numpy(),
    f"Index ({basis} = 100)": spalte(zeilen, "inanspruchnahme_index").to_numpy(),
    "Eckwert": spalte(zeilen, eck).to_numpy(),
    "Eckwert: Veränderung in %": spalte(zeilen, f"{eck}_vorjahr_prozent").to_numpy(),
    f"Eckwert: Index ({basis} = 100)": spalte(zeilen, f"{eck}_index").to_numpy(),
})
ui.tabelle(
    trend, {
        "Inanspruchnahme": ui.text_oder_zahl(0),
        "Veränderung zum Vorjahr": lambda v: ui.format_signed(v, 0),
        "Veränderung in %": lambda v: format_percent(v, 1, signed=True),
        f"Index ({basis} = 100)": lambda v: format_number(v, 1),
        "Eckwert": lambda v: format_number(v, 1),
        "Eckwert: Veränderung in %": lambda v: format_percent(v, 1, signed=True),
        f"Eckwert: Index ({basis} = 100)": lambda v: format_number(v, 1),
    },
    height=min(40 + 35 * len(trend), 720),
)
st.caption(f"Eckwert = {auswahl.eckwert_label}. Veränderung: gegenüber {jahr - 1}; Index: {basis} = 100. "
           "„–“: kein Vorjahr, Vorjahreswert 0 oder keine Bevölkerung.")
