"""Vergleich: ranking of the areas, need against help, and the trends side by side.

A city of 1,100 Planungsräume does not fit in one chart: the ranking then shows the top, the bottom and
the areas searched for, the table below it every area; the trends show a chosen few in one chart.
Charts, tables and choices are keyed by ``raum_id`` (two areas may share a name) and labelled with the
level's unique names.
"""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

import ui
from sozialraum_analytics import diagramme, rangliste
from sozialraum_analytics.formatting import format_number, jahre_text
from sozialraum_analytics.kartenwerte import KARTEN_HILFEGRUPPEN, KLEINE_BASIS, basis_art, jahre_mit_werten

KLEINE_FELDER_BIS = 10  # up to so many areas the trends are one small chart per area (as on Entwicklung)
VERLAUF_VORAUSWAHL = 3  # otherwise one chart: the Kreis and the areas with the highest values
TREFFER_IM_DIAGRAMM = 20  # found areas added to the ranking chart; all of them stand in the table
NAMEN_IM_TEXT = 10  # names a caption lists before "und … weitere"


def namen_text(ids: list[str], namen: dict[str, str]) -> str:
    """``A, B, C und 4 weitere``: a caption's list of areas, escaped."""
    text = ", ".join(ui.escape_md(namen.get(r, r)) for r in ids[:NAMEN_IM_TEXT])
    return text + (f" und {format_number(len(ids) - NAMEN_IM_TEXT)} weitere" if len(ids) > NAMEN_IM_TEXT else "")


dataset, auswahl = ui.seitenanfang("Vergleich", "den Vergleich")
engine = ui.get_engine(auswahl.optionen)
katalog = ui.kennzahlen_katalog(engine, "den Vergleich", kategorien=False)  # groups are no ranking

kennzahl = ui.kennzahl_auswahl(katalog, help="Gilt auch auf den Seiten Karte und Steckbrief.")
merkmal = katalog[kennzahl]
dez = merkmal.dezimalen
jahr = ui.jahr_fuer(engine, merkmal, auswahl.ebene, auswahl.jahr)  # the latest year with values if the chosen has none
werte = ui.gebietswerte_gecacht(engine, merkmal, auswahl.ebene, jahr)
namen = dict(zip(werte.werte["raum_id"], werte.werte["name"]))  # unique labels of this level
kurz = ui.kurznamen(list(namen.values()))
gewaehlt = ui.gewaehltes_gebiet()
einheit = f"{merkmal.label} ({merkmal.einheit_text})" if merkmal.einheit_text else merkmal.label
hervor: set[str] = {gewaehlt} if gewaehlt in namen else set()  # outlined in the charts: selected or searched for

# --- ranking -------------------------------------------------------------------------
st.subheader(f"Rangfolge {jahr}: {ui.escape_md(merkmal.label)}")
gesperrt = werte.werte[werte.werte["gesperrt"]]
mit_wert = int(werte.werte["wert"].notna().sum())
viele = mit_wert > rangliste.ALLE_BIS
if not mit_wert:
    ui.keine_werte(f"Für {jahr} gibt es keine Werte dieser Kennzahl auf der Ebene {auswahl.ebene_label}.",
                   {a: [jahr] for a in gesperrt["raum_id"]})
else:
    kreiswert = werte.kreiswert
    n = rangliste.OBEN_UNTEN
    if viele:
        links, rechts = st.columns([1, 2])
        n = int(links.number_input("Im Diagramm oben und unten je", min_value=3, max_value=50,
                                   value=rangliste.OBEN_UNTEN, step=1, key="vergleich_anzahl",
                                   help=f"So viele {auswahl.ebene_plural} mit den höchsten und so viele mit den "
                                        "niedrigsten Werten zeigt das Diagramm; alle stehen in der Tabelle darunter."))
        suche = rechts.text_input(f"{auswahl.ebene_label} suchen (Name oder Schlüssel)", key="vergleich_suche",
                                  max_chars=80, placeholder="z. B. Heerstraße",
                                  help="Gefundene Gebiete kommen an ihrem Rangplatz ins Diagramm, schwarz umrandet.")
        gefunden = rangliste.suche(werte.werte, suche)
        hervor |= set(gefunden[:TREFFER_IM_DIAGRAMM])
        if suche.strip() and not gefunden:
            st.caption(f"Kein {auswahl.ebene_label} enthält „{ui.escape_md(suche.strip())}“.")
        elif len(gefunden) > TREFFER_IM_DIAGRAMM:
            st.caption(f"{format_number(len(gefunden))} gefunden; die ersten {TREFFER_IM_DIAGRAMM} (nach Namen) "
                       "stehen im Diagramm, alle in der Tabelle.")
    # A small base is shown apart (grey, at the bottom, without rank): its value swings too much to rank.
    aus = rangliste.ausschnitt(werte.werte, n, hervor, alle_bis=rangliste.ALLE_BIS)
    zeilen = aus.zeilen
    # One category per area id (names may repeat), top to bottom; a gap row where ranks are left out.
    kategorien, beschriftung, luecken = [], [], []
    for raum_id, rang, luecke in zip(zeilen["raum_id"], zeilen["rang"], zeilen["luecke_davor"]):
        if luecke:
            kategorien.append(f"luecke:{raum_id}")
            beschriftung.append("⋯")
            luecken.append((f"luecke:{raum_id}", int(luecke)))
        kategorien.append(raum_id)
        name = ui.plot_text(kurz.get(namen[raum_id], namen[raum_id]))
        beschriftung.append(f"{int(rang)}. {name}" if viele and not pd.isna(rang) else name)
    linien = [ui.KREIS_FARBE if r in hervor else "rgba(0,0,0,0)" for r in zeilen["raum_id"]]
    fig = diagramme.rangliste(
        list(zeilen["raum_id"]), list(zeilen["wert"]), kreiswert, achse=einheit, dezimalen=dez,
        klein=list(zeilen["kleine_basis"]), kreis_text=werte.kreis_text, hoehe=max(360, 30 * len(kategorien) + 130),
        customdata=[[ui.plot_text(namen[r]), "ohne Rang, kleine Basis" if pd.isna(rang) else f"Rang {int(rang)}",
                     format_number(w, dez), r] for r, rang, w in zip(zeilen["raum_id"], zeilen["rang"], zeilen["wert"])],
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]}<extra></extra>")
    fig.update_traces(marker_line=dict(color=linien, width=3), selector=dict(type="bar"))
    for kategorie, anzahl in luecken:
        # The gap row says how many are left out, on white so that the Kreis line does not cross the words.
        fig.add_annotation(x=0, y=kategorie, xref="x", yref="y", xanchor="left", showarrow=False,
                           bgcolor="rgba(255,255,255,0.9)", font=dict(color="#5f6670", size=15),
                           text=f"<i>{format_number(anzahl)} weitere "
                                f"{auswahl.ebene_plural if anzahl > 1 else auswahl.ebene_label} (in der Tabelle)</i>")
    if luecken:
        # An invisible point per gap row: a category axis only shows categories that hold data.
        fig.add_trace(go.Scatter(x=[0] * len(luecken), y=[k for k, _ in luecken], mode="markers",
                                 marker=dict(opacity=0), hoverinfo="skip", showlegend=False))
    # The rows with their ranks and the gap rows between them, top to bottom.
    fig.update_yaxes(categoryarray=kategorien, tickvals=kategorien, ticktext=beschriftung)
    ui.zeige(fig, key="vergleich_rang")
    text = f"Orange: über dem {werte.kreis_text}, blau: darunter. Bezug: {ui.escape_md(merkmal.nenner.rstrip('.'))}."
    if not aus.alle:
        gerankt = int(werte.werte["rang"].notna().sum())
        text += (f" Gezeigt: die {min(n, gerankt)} höchsten und die {min(n, gerankt)} niedrigsten von "
                 f"{format_number(gerankt)} {auswahl.ebene_plural} mit Rang"
                 + (", dazu die gesuchten oder gewählten (schwarz umrandet)" if hervor else "")
                 + "; alle stehen in der Tabelle.")
    if zeilen["kleine_basis"].any() or aus.klein_ausgelassen:
        text += (f" Grau, unten und ohne Rang: kleine Basis ({ui.escape_md(KLEINE_BASIS[basis_art(merkmal)][1])}); "
                 "der Wert schwankt zu stark, um ihn einzureihen.")
        if aus.klein_ausgelassen:
            text += f" {format_number(aus.klein_ausgelassen)} davon stehen nur in der Tabelle."
    if len(gesperrt):
        text += f" {ui.GESPERRT} Gesperrt (Geheimhaltung), daher ohne Rang: {namen_text(list(gesperrt['raum_id']), namen)}."
    st.caption(text)

    if viele:
        # Every area, since the chart shows a selection: sortable, "•" where the public view withholds the value.
        tabelle = pd.concat([rangliste.rangfolge(werte.werte), werte.werte[werte.werte["wert"].isna()]])
        spalten = {"rang": "Rang", "name": auswahl.ebene_label, "raum_id": "Schlüssel"}
        frame = tabelle[list(spalten)].rename(columns=spalten)
        if auswahl.ebene == "planungsraum":
            frame["Sozialraum"] = tabelle["raum_id"].map(ui.sozialraum_je_planungsraum(dataset)).to_numpy()
        frame[merkmal.label] = ([ui.GESPERRT if g else w for w, g in zip(tabelle["wert"], tabelle["gesperrt"])]
                                if tabelle["gesperrt"].any() else tabelle["wert"].to_numpy())
        abweichung = f"Abweichung vom {werte.kreis_text} in %"
        if werte.kreiswert:
            frame[abweichung] = tabelle["differenz_prozent"].to_numpy()
        frame["Hinweis"] = ["gesperrt (Geheimhaltung)" if g else "kleine Basis, ohne Rang" if k
                            else "kein Wert" if pd.isna(w) else ""
                            for w, g, k in zip(tabelle["wert"], tabelle["gesperrt"], tabelle["kleine_basis"])]
        st.markdown(f"**Alle {format_number(len(frame))} {auswahl.ebene_plural}:** zum Sortieren auf einen "
                    "Spaltenkopf klicken, zum Suchen auf die Lupe über der Tabelle.")
        ui.tabelle(frame, {"Rang": lambda v: format_number(v, 0), merkmal.label: ui.text_oder_zahl(dez),
                           abweichung: lambda v: format_number(v, 1)}, height=420)

# --- need against help ---------------------------------------------------------------
st.subheader("Bedarf und Inanspruchnahme")
if not (dataset.has("indikatoren") and dataset.has_cases and dataset.has("bevoelkerung")):
    ui.pruefe_daten(dataset, ["indikatoren", ui.FAELLE, "bevoelkerung"], "den Vergleich von Bedarf und Hilfen")
else:
    hilfeart = st.selectbox("Hilfegruppe des Eckwerts", list(KARTEN_HILFEGRUPPEN), format_func=ui.hilfe_label,
                            key="vergleich_gruppe")
    eck_merkmal = katalog.get(f"eckwert:{hilfeart}")
    # Need and help side by side only in a year that has both (indicators often end before the cases).
    jahre_index = jahre_mit_werten(engine, katalog["bedarfsindex"], auswahl.ebene) if "bedarfsindex" in katalog else []
    jahre_eck = jahre_mit_werten(engine, eck_merkmal, auswahl.ebene) if eck_merkmal else []
    gemeinsam = sorted(set(jahre_index) & set(jahre_eck))
    if not gemeinsam:
        st.info(f"Kein Jahr hat zugleich Bedarfsindex und Eckwert: den Bedarfsindex gibt es für "
                f"{jahre_text(jahre_index) or 'kein Jahr'}, den Eckwert für {jahre_text(jahre_eck) or 'kein Jahr'}.",
                icon=ui.INFO)
    else:
        b_jahr = auswahl.jahr if auswahl.jahr in gemeinsam else ([j for j in gemeinsam if j <= auswahl.jahr]
                                                                 or gemeinsam)[-1]
        if b_jahr != auswahl.jahr:
            st.info(f"Für {auswahl.jahr} fehlen Bedarfsindex oder Eckwert; gezeigt wird {b_jahr}, das letzte Jahr "
                    f"mit beiden (Bedarfsindex: {jahre_text(jahre_index)}, Eckwert: {jahre_text(jahre_eck)}).",
                    icon=ui.INFO)
        punkte = ui.bedarf_und_hilfe_gecacht(engine, auswahl.ebene, b_jahr, hilfeart)
        kreis_eckwert = ui.gebietswerte_gecacht(engine, eck_merkmal, auswahl.ebene, b_jahr).kreiswert
        gezeigt = punkte.dropna(subset=["bedarfsindex", "eckwert"])
        if gezeigt.empty:
            st.info(f"Für {b_jahr} fehlt der Bedarfsindex oder der Eckwert.", icon=ui.INFO)
        else:
            dicht = len(gezeigt) > rangliste.ALLE_BIS
            fig = diagramme.bedarf_streuung(
                list(gezeigt["raum_id"]), [namen.get(r, n) for r, n in zip(gezeigt["raum_id"], gezeigt["name"])],
                gezeigt["bedarfsindex"], gezeigt["eckwert"], klassen=list(gezeigt["klasse_label"]),
                titel=f"Bedarfsindex und {ui.plot_text(auswahl.eckwert_label)} "
                      f"({ui.plot_text(ui.hilfe_label(hilfeart))}), {b_jahr}",
                y_titel=auswahl.eckwert_label, kreiswert=kreis_eckwert, gewaehlt=gewaehlt, hervor=sorted(hervor),
                hoehe=560)
            ui.zeige(fig, key="vergleich_streuung")
            korrelation = np.corrcoef(gezeigt["bedarfsindex"], gezeigt["eckwert"])[0, 1] if len(gezeigt) > 2 else np.nan
            text = ("Rechts oben: hoher Bedarf und viele Hilfen; rechts unten: hoher Bedarf, wenige Hilfen (mögliche "
                    "Unterversorgung oder gute Prävention); links oben: viele Hilfen trotz geringem Bedarf.")
            if dicht:
                text += " Den Namen eines Punktes zeigt der Mauszeiger; gesuchte Gebiete sind orange und beschriftet."
            if not math.isnan(korrelation):
                text += f" Korrelation (Pearson) über {len(gezeigt)} Gebiete: {format_number(korrelation, 2)}."
            st.caption(text)
            ohne = list(punkte[punkte["bedarfsindex"].isna()]["raum_id"])
            if ohne:
                st.caption(f"Ohne Bedarfsindex (unter 300 Einwohnern oder ohne Indikatoren): {namen_text(ohne, namen)}.")

# --- trends: small multiples for few areas, else one chart of a chosen few -----------
st.subheader(f"Entwicklung je {auswahl.ebene_label}: {ui.escape_md(merkmal.label)}")
jahre = jahre_mit_werten(engine, merkmal, auswahl.ebene)
if len(jahre) < 2:
    st.info(f"„{merkmal.label}“ hat nur ein Jahr mit Werten ({jahre_text(jahre)}): eine Entwicklung lässt sich nicht "
            "zeigen." if jahre else f"Zu „{merkmal.label}“ gibt es keine Werte.", icon=ui.INFO)
else:
    verlauf = rangliste.verlauf({j: ui.gebietswerte_gecacht(engine, merkmal, auswahl.ebene, j) for j in jahre})
    nach_name = sorted(namen, key=lambda r: (namen[r], r))
    wenige = len(namen) <= KLEINE_FELDER_BIS
    if wenige:
        ids = nach_name
    else:
        vorwahl = rangliste.vorauswahl(werte.werte, VERLAUF_VORAUSWAHL)
        if gewaehlt in namen and gewaehlt not in vorwahl:
            vorwahl.append(gewaehlt)
        ids = st.multiselect(f"{auswahl.ebene_plural} im Diagramm", nach_name, default=vorwahl, format_func=namen.get,
                             key=f"vergleich_verlauf_{auswahl.ebene}", max_selections=len(ui.PALETTE),
                             placeholder=f"{auswahl.ebene_plural} wählen",
                             help=f"Vorauswahl: die {VERLAUF_VORAUSWAHL} {auswahl.ebene_plural} mit dem höchsten Wert "
                                  f"{jahr}. Der {werte.kreis_text} ist immer eingezeichnet.")
    # A series of one point is no trend: it is named below, not drawn.
    linien_ids, einzeln = rangliste.nach_jahren(verlauf, ids)
    if wenige and linien_ids:
        spalten = 4 if len(linien_ids) > 6 else 3
        zeilen_n = math.ceil(len(linien_ids) / spalten)
        fig = make_subplots(rows=zeilen_n, cols=spalten, subplot_titles=[ui.plot_text(namen[r]) for r in linien_ids],
                            shared_yaxes=True, horizontal_spacing=0.03,
                            vertical_spacing=0.5 / zeilen_n if zeilen_n > 1 else 0.1)
        for i, raum_id in enumerate(linien_ids):
            r, c = divmod(i, spalten)
            fig.add_trace(go.Scatter(x=jahre, y=verlauf.kreis, mode="lines", name=werte.kreis_text,
                                     line=dict(color=diagramme.GRAU, width=2, dash="dash"), showlegend=i == 0,
                                     hoverinfo="skip"), row=r + 1, col=c + 1)
            fig.add_trace(go.Scatter(x=jahre, y=verlauf.werte[raum_id], mode="lines+markers",
                                     name=ui.plot_text(namen[raum_id]),
                                     line=dict(color=ui.PALETTE[0], width=3 if raum_id == gewaehlt else 2.5),
                                     marker=dict(size=5), showlegend=False,
                                     customdata=[[ui.plot_text(namen[raum_id]), format_number(v, dez), raum_id]
                                                 for v in verlauf.werte[raum_id]],
                                     hovertemplate="<b>%{customdata[0]}</b><br>%{x}: %{customdata[1]}<extra></extra>"),
                          row=r + 1, col=c + 1)
        fig.update_layout(template=ui.TEMPLATE, separators=",.", height=230 * zeilen_n + 80, hovermode="closest",
                          margin=dict(l=10, r=10, t=60, b=10),
                          legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
        fig.update_annotations(font_size=15)
        fig.update_xaxes(tickvals=[jahre[0], jahre[-1]], ticktext=[str(jahre[0]), str(jahre[-1])], showgrid=False)
        alle = np.concatenate([verlauf.werte[linien_ids].to_numpy(dtype=float).ravel(),
                               verlauf.kreis.to_numpy(dtype=float)])
        oben, unten = float(np.nanmax(alle)), min(0.0, float(np.nanmin(alle)))
        fig.update_yaxes(range=[unten, oben * 1.08 if oben > 0 else 1], gridcolor=diagramme.GITTER_FARBE)
        ui.zeige(fig, key="vergleich_trends")
        st.caption(f"Gestrichelt: {werte.kreis_text}. Alle Felder mit gleicher Skala. "
                   f"Bezug: {ui.escape_md(merkmal.nenner.rstrip('.'))}.")
    elif not wenige:
        fig = ui.figur(f"{ui.plot_text(merkmal.label)} je {auswahl.ebene_label}, {jahre[0]}–{jahre[-1]}", einheit,
                       height=480, x_jahre=jahre)
        ui.linie(fig, jahre, verlauf.kreis.to_numpy(), werte.kreis_text, 0,
                 [format_number(v, dez) for v in verlauf.kreis], kreis=True)
        for i, raum_id in enumerate(linien_ids):
            name = namen[raum_id]
            ui.linie(fig, jahre, verlauf.werte[raum_id].to_numpy(), kurz.get(name, name), i,
                     [format_number(v, dez) for v in verlauf.werte[raum_id]], hover_name=name)
        ui.legende_platz(fig)
        ui.zeige(fig, key="vergleich_verlauf")
        st.caption(f"Gestrichelt: {werte.kreis_text}. Bezug: {ui.escape_md(merkmal.nenner.rstrip('.'))}."
                   + ("" if ids else f" Wählen Sie oben {auswahl.ebene_plural}, um ihre Linien zu sehen."))
    if einzeln:
        st.caption("Nur ein Jahr mit Werten, daher ohne Linie: " + "; ".join(
            f"{ui.escape_md(namen[r])} ({j}: {format_number(verlauf.werte.at[j, r], dez)})"
            for r in einzeln for j in verlauf.jahre_mit_wert(r)) + ".")
    gesperrte = {r: verlauf.gesperrte_jahre(r) for r in ids}
    if any(gesperrte.values()):
        st.caption(f"{ui.GESPERRT} Gesperrt (Geheimhaltung), daher Lücken in den Linien: " + "; ".join(
            f"{ui.escape_md(namen[r])} {jahre_text(j)}" for r, j in gesperrte.items() if j) + ".")
