"""Vergleich: ranking of the areas, need against help, and the trends side by side."""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

import ui
from sozialraum_analytics.bericht import streuung_beschriften
from sozialraum_analytics.formatting import format_number
from sozialraum_analytics.kartenwerte import (
    KARTEN_HILFEGRUPPEN,
    KLEINE_BASIS,
    basis_art,
    bedarf_und_hilfe,
    gebietswerte,
    zeitreihen,
)

dataset, auswahl = ui.seitenanfang("Vergleich", "den Vergleich")
jahr = auswahl.jahr
engine = ui.get_engine(auswahl.optionen)
katalog = ui.kennzahlen_katalog(engine, "den Vergleich")

kennzahl = ui.kennzahl_auswahl(katalog, help="Gilt auch auf den Seiten Karte und Steckbrief.")
merkmal = katalog[kennzahl]
dez = merkmal.dezimalen
werte = gebietswerte(engine, merkmal, auswahl.ebene, jahr)
gewaehlt = ui.gewaehltes_gebiet()

# --- ranking -------------------------------------------------------------------------
st.subheader(f"Rangfolge {jahr}: {ui.escape_md(merkmal.label)}")
rang = werte.werte.dropna(subset=["wert"]).sort_values("wert")
gesperrt = werte.werte[werte.werte["gesperrt"]]
if rang.empty:
    ui.keine_werte(f"Für {jahr} gibt es keine Werte dieser Kennzahl auf der Ebene {auswahl.ebene_label}.",
                   {a: [jahr] for a in gesperrt["raum_id"]})
else:
    kreiswert = werte.kreiswert
    # A small base is shown apart (grey, at the bottom, without rank): its value swings too much to rank.
    rang = rang.sort_values(["kleine_basis", "wert"], ascending=[False, True])
    farben = [ui.KLEINE_BASIS_FARBE if klein else ui.UEBER_KREIS if kreiswert is not None and w > kreiswert
              else ui.PALETTE[0] for w, klein in zip(rang["wert"], rang["kleine_basis"])]
    linien = ["#1b1f24" if r == gewaehlt else "rgba(0,0,0,0)" for r in rang["raum_id"]]
    fig = ui.figur("", merkmal.einheit_text or merkmal.label, height=max(360, 32 * len(rang) + 120))
    kurz_rang = ui.kurznamen(list(rang["name"]))
    fig.add_trace(go.Bar(
        x=rang["wert"], y=[ui.plot_text(kurz_rang[n]) for n in rang["name"]], orientation="h",
        marker=dict(color=farben, line=dict(color=linien, width=3)),
        text=[format_number(w, dez) + (" (kleine Basis)" if klein else "") for w, klein in
              zip(rang["wert"], rang["kleine_basis"])], textposition="outside", cliponaxis=False,
        customdata=[[ui.plot_text(n), "ohne Rang, kleine Basis" if pd.isna(r) else f"Rang {int(r)}",
                     format_number(w, dez)] for n, r, w in zip(rang["name"], rang["rang"], rang["wert"])],
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]}<extra></extra>",
        showlegend=False))
    if kreiswert is not None:
        fig.add_vline(x=kreiswert, line=dict(color=ui.KREIS_FARBE, width=3, dash="dash"),
                      annotation_text=f"{werte.kreis_text} {format_number(kreiswert, dez)}",
                      annotation_position="top", annotation_font_size=15)
    fig.update_yaxes(title_text=None, rangemode=None, automargin=True)
    fig.update_xaxes(title_text=f"{merkmal.label} ({merkmal.einheit_text})" if merkmal.einheit_text else merkmal.label,
                     showgrid=True, gridcolor="#e2e5e9")
    fig.update_layout(margin=dict(t=40, r=60))
    ui.zeige(fig, key="vergleich_rang")
    klein = rang["kleine_basis"].any()
    st.caption(f"Orange: über dem {werte.kreis_text}, blau: darunter. Bezug: {ui.escape_md(merkmal.nenner.rstrip('.'))}."
               + (f" Grau, unten und ohne Rang: kleine Basis ({ui.escape_md(KLEINE_BASIS[basis_art(merkmal)][1])}); "
                  "der Wert schwankt zu stark, um ihn einzureihen." if klein else "")
               + (f" {ui.GESPERRT} Gesperrt (Geheimhaltung), daher ohne Rang: "
                  + ", ".join(ui.escape_md(n) for n in gesperrt["name"]) + "." if len(gesperrt) else ""))

# --- need against help ---------------------------------------------------------------
st.subheader("Bedarf und Inanspruchnahme")
if not (dataset.has("indikatoren") and dataset.has_cases and dataset.has("bevoelkerung")):
    ui.pruefe_daten(dataset, ["indikatoren", ui.FAELLE, "bevoelkerung"], "den Vergleich von Bedarf und Hilfen")
else:
    gruppen = [g for g in KARTEN_HILFEGRUPPEN]
    hilfeart = st.selectbox("Hilfegruppe des Eckwerts", gruppen, format_func=ui.hilfe_label, key="vergleich_gruppe")
    punkte = bedarf_und_hilfe(engine, auswahl.ebene, jahr, hilfeart)
    kreis_eckwert = gebietswerte(engine, katalog[f"eckwert:{hilfeart}"], auswahl.ebene, jahr).kreiswert \
        if f"eckwert:{hilfeart}" in katalog else None
    gezeigt = punkte.dropna(subset=["bedarfsindex", "eckwert"])
    if gezeigt.empty:
        st.info(f"Für {jahr} fehlt der Bedarfsindex oder der Eckwert.", icon=ui.INFO)
    else:
        fig = ui.figur(f"Bedarfsindex und {ui.plot_text(auswahl.eckwert_label)} ({ui.plot_text(ui.hilfe_label(hilfeart))}), "
                       f"{jahr}", auswahl.eckwert_label, height=560)
        fig.add_trace(go.Scatter(
            x=gezeigt["bedarfsindex"], y=gezeigt["eckwert"], mode="markers+text",
            marker=dict(size=[18 if r == gewaehlt else 13 for r in gezeigt["raum_id"]], color=ui.PALETTE[0],
                        line=dict(color="#ffffff", width=1.5)),
            customdata=[[ui.plot_text(n), format_number(b, 2), format_number(e, 1), ui.plot_text(k or "–")]
                        for n, b, e, k in zip(gezeigt["name"], gezeigt["bedarfsindex"], gezeigt["eckwert"],
                                              gezeigt["klasse_label"])],
            hovertemplate="<b>%{customdata[0]}</b><br>Bedarfsindex %{customdata[1]} (%{customdata[3]})"
                          "<br>Eckwert %{customdata[2]}<extra></extra>", showlegend=False))
        fig.add_vline(x=0, line=dict(color=ui.KREIS_FARBE, width=2, dash="dash"),
                      annotation_text="Mittel Bedarf", annotation_position="bottom right")
        if kreis_eckwert is not None:
            fig.add_hline(y=kreis_eckwert, line=dict(color=ui.KREIS_FARBE, width=2, dash="dash"),
                          annotation_text=f"Kreiswert {format_number(kreis_eckwert, 1)}", annotation_position="top left")
        fig.update_xaxes(title_text="Bedarfsindex (Standardabweichungen vom Mittel der Gebiete)", zeroline=False,
                         showgrid=True, gridcolor="#e2e5e9")
        # Labels that neither overlap nor leave the chart (numbers and a legend where names would collide).
        streuung_beschriften(fig, gezeigt["bedarfsindex"], gezeigt["eckwert"], list(gezeigt["name"]), 950, 400)
        ui.zeige(fig, key="vergleich_streuung")
        korrelation = np.corrcoef(gezeigt["bedarfsindex"], gezeigt["eckwert"])[0, 1] if len(gezeigt) > 2 else np.nan
        text = ("Rechts oben: hoher Bedarf und viele Hilfen; rechts unten: hoher Bedarf, wenige Hilfen (mögliche "
                "Unterversorgung oder gute Prävention); links oben: viele Hilfen trotz geringem Bedarf.")
        if not math.isnan(korrelation):
            text += f" Korrelation (Pearson) über {len(gezeigt)} Gebiete: {format_number(korrelation, 2)}."
        st.caption(text)
        ohne = punkte[punkte["bedarfsindex"].isna()]["name"].tolist()
        if ohne:
            st.caption("Ohne Bedarfsindex (unter 300 Einwohnern oder ohne Indikatoren): "
                       + ", ".join(ui.escape_md(n) for n in ohne))

# --- small multiples of trends -------------------------------------------------------
st.subheader(f"Entwicklung je {auswahl.ebene_label}: {ui.escape_md(merkmal.label)}")
reihen, kreisreihe = zeitreihen(engine, merkmal, auswahl.ebene)
reihen = reihen.dropna(axis=1, how="all")
if reihen.empty or len(reihen.index) < 2:
    st.info("Für Zeitreihen braucht es mindestens zwei Jahre mit Werten.", icon=ui.INFO)
else:
    namen = dataset.area_names()
    spalten = 4 if len(reihen.columns) > 6 else 3
    zeilen = math.ceil(len(reihen.columns) / spalten)
    titel = [ui.plot_text(namen.get(a, a)) for a in reihen.columns]
    fig = make_subplots(rows=zeilen, cols=spalten, subplot_titles=titel, shared_yaxes=True,
                        vertical_spacing=0.5 / max(zeilen, 1) if zeilen > 1 else 0.1, horizontal_spacing=0.03)
    jahre = list(reihen.index)
    for i, area in enumerate(reihen.columns):
        r, c = divmod(i, spalten)
        fig.add_trace(go.Scatter(x=jahre, y=kreisreihe.reindex(jahre), mode="lines", name="Kreis",
                                 line=dict(color="#8a8f96", width=2, dash="dash"), showlegend=i == 0,
                                 hoverinfo="skip"), row=r + 1, col=c + 1)
        fig.add_trace(go.Scatter(x=jahre, y=reihen[area], mode="lines+markers", name=ui.plot_text(namen.get(area, area)),
                                 line=dict(color=ui.PALETTE[0], width=3 if area == gewaehlt else 2.5),
                                 marker=dict(size=5), showlegend=False,
                                 customdata=[[ui.plot_text(namen.get(area, area)), format_number(v, dez)]
                                             for v in reihen[area]],
                                 hovertemplate="<b>%{customdata[0]}</b><br>%{x}: %{customdata[1]}<extra></extra>"),
                      row=r + 1, col=c + 1)
    fig.update_layout(template=ui.TEMPLATE, separators=",.", height=230 * zeilen + 80, hovermode="closest",
                      margin=dict(l=10, r=10, t=60, b=10),
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    fig.update_annotations(font_size=15)
    fig.update_xaxes(tickvals=[jahre[0], jahre[-1]], ticktext=[str(jahre[0]), str(jahre[-1])], showgrid=False)
    alle = np.concatenate([reihen.to_numpy(dtype=float).ravel(), kreisreihe.to_numpy(dtype=float)])
    oben, unten = float(np.nanmax(alle)), min(0.0, float(np.nanmin(alle)))
    fig.update_yaxes(range=[unten, oben * 1.08 if oben > 0 else 1], gridcolor="#e2e5e9")
    ui.zeige(fig, key="vergleich_trends")
    st.caption(f"Gestrichelt: {werte.kreis_text}. Alle Felder mit gleicher Skala. "
               f"Bezug: {ui.escape_md(merkmal.nenner.rstrip('.'))}.")
