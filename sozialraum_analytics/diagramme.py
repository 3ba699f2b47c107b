"""The charts of the dashboard and of the exports, built once: palette, named colours, template, figures.

The dashboard's pages, the committee report (slides, PDF) and the Steckbrief PDF draw their charts
with these builders, so a chart looks the same on screen and on paper. What differs is a parameter:
the size (:class:`Groesse`: the page's width on screen, a slide, a PDF page), the footer that names
source, version, view and denominator in an exported image (``fuss``), and the title.
No Streamlit here.

Colours: Okabe-Ito (without yellow) followed by Paul Tol's muted colours, colour-blind safe; every
line also gets its own marker symbol. Below the Kreis value a bar is blue, above it orange; the
Kreis itself is a dark dashed line.

>>> balkenfarben([40.0, 70.0, 66.3], 66.3) == [UNTER_KREIS, UEBER_KREIS, UNTER_KREIS]
True
>>> mit_fuss(figur("Titel", ""), "Quelle: A · Stand 1.1.2026").layout.annotations[0].text
'Quelle: A · Stand 1.1.2026'
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

from .formatting import format_number, kurznamen
from .geheimhaltung import GESPERRT

# --- colours -----------------------------------------------------------------------------------
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
           "#882255", "#44AA99", "#999933", "#332288", "#AA4499", "#6A6A6A"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "triangle-down", "x", "star", "hexagon",
           "pentagon", "cross", "triangle-left", "triangle-right"]
SETTING_FARBEN = {"ambulant": PALETTE[4], "teilstationaer": PALETTE[1], "stationaer": PALETTE[0]}
TEXT_FARBE = "#1b1f24"
KREIS_FARBE = TEXT_FARBE  # the Kreis: a dark dashed line (or dark bars)
UNTER_KREIS = PALETTE[0]  # bars at or below the Kreis value
UEBER_KREIS = PALETTE[1]  # bars above the Kreis value (orange against blue: colour-blind safe)
KLEINE_BASIS_FARBE = "#b8bec6"  # a rate or average on a small base: shown apart, not ranked
GRAU = "#8a8f96"  # axis lines; the Kreis beside an area (Steckbrief bars, small multiples)
GITTER_FARBE = "#e2e5e9"
FUSS_FARBE = "#555555"  # the source footer of an exported image
SCHRIFT = "Source Sans, Source Sans Pro, Arial, DejaVu Sans, sans-serif"
# References of other regions (Vergleichswerte): grey lines, each with its own dash and open marker, so they
# read apart from the areas (palette) and from the Kreis (dark, dashed).
VERGLEICH_STRICHE = ("dot", "dashdot", "longdash", "longdashdot")
VERGLEICH_SYMBOLE = ("diamond-open", "square-open", "triangle-up-open", "circle-open")

# --- the template ----------------------------------------------------------------------------------
pio.templates["sozialraum"] = go.layout.Template(layout=go.Layout(
    font=dict(family=SCHRIFT, size=16, color=TEXT_FARBE),
    title=dict(font=dict(size=21), x=0, xanchor="left", y=0.97, yanchor="top"),
    colorway=PALETTE,
    separators=",.",
    paper_bgcolor="#ffffff",
    plot_bgcolor="#ffffff",
    hoverlabel=dict(font=dict(size=16), namelength=-1),
    legend=dict(font=dict(size=15), title=dict(font=dict(size=15))),
    # Whole numbers with German thousands separators on the axes, never "150k" or "50M".
    xaxis=dict(showgrid=False, linecolor=GRAU, ticks="outside", tickfont=dict(size=15),
               title=dict(font=dict(size=16)), automargin=True, separatethousands=True, exponentformat="none"),
    yaxis=dict(gridcolor=GITTER_FARBE, zeroline=True, zerolinecolor=GRAU, tickfont=dict(size=15),
               title=dict(font=dict(size=16)), automargin=True, separatethousands=True, exponentformat="none"),
    margin=dict(l=10, r=10, t=80, b=10),
))
# Plotly's white template with ours on top, merged once here: a "plotly_white+sozialraum" string is merged anew
# for every figure (two thirds of the time an empty figure takes).
pio.templates["sozialraum_weiss"] = pio.templates.merge_templates("plotly_white", "sozialraum")
TEMPLATE = "sozialraum_weiss"


@dataclass(frozen=True)
class Groesse:
    """How large a chart is drawn: fonts, width and the heights of its parts in pixels."""

    breite: int | None = None  # None: the page's width (the dashboard)
    hoehe: int = 480
    schrift: int = 16
    titel: int = 21
    zeile: int = 34  # a ranking's pixels per bar
    min_hoehe: int = 360  # a ranking's least height


BILDSCHIRM = Groesse()
FOLIE = Groesse(breite=1200, hoehe=620, schrift=18, titel=26, zeile=46, min_hoehe=520)  # a 16:9 slide
SEITE = Groesse(breite=1100, hoehe=480)  # a chart across an A4 page (the Steckbrief PDF)


def text(wert: object) -> str:
    """Data text for plotly labels: its pseudo-HTML is escaped."""
    return html.escape(str(wert), quote=False)


def _groesse(fig: go.Figure, groesse: Groesse) -> None:
    if groesse == BILDSCHIRM:
        return  # the template's sizes
    fig.update_layout(width=groesse.breite, font=dict(size=groesse.schrift), title=dict(font=dict(size=groesse.titel)),
                      legend=dict(font=dict(size=groesse.schrift - 1), title=dict(font=dict(size=groesse.schrift - 1))))
    fig.update_xaxes(tickfont=dict(size=groesse.schrift - 1), title=dict(font=dict(size=groesse.schrift)))
    fig.update_yaxes(tickfont=dict(size=groesse.schrift - 1), title=dict(font=dict(size=groesse.schrift)))


def figur(title: str, y_title: str, height: int | None = None, x_jahre: Sequence[int] | None = None,
          groesse: Groesse = BILDSCHIRM) -> go.Figure:
    """An empty figure in house style: large fonts, German separators; years as whole years on x."""
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE, separators=",.", title=dict(text=title), height=height or groesse.hoehe,
                      hovermode="closest", legend=dict(orientation="v", yanchor="top", y=1, x=1.01, xanchor="left"))
    fig.update_yaxes(title_text=y_title, rangemode="tozero")
    if x_jahre:
        fig.update_xaxes(tickmode="array", tickvals=list(x_jahre), ticktext=[str(j) for j in x_jahre],
                         title_text="Jahr")
    _groesse(fig, groesse)
    return fig


def _fusszeilen(fuss: str, zeichen: int) -> list[str]:
    """The footer in lines of at most ``zeichen`` characters, broken only between its " · " parts."""
    zeilen: list[str] = []
    for teil in fuss.split(" · "):
        if zeilen and len(zeilen[-1]) + 3 + len(teil) <= zeichen:
            zeilen[-1] += " · " + teil
        else:
            zeilen.append(teil)
    return zeilen


def mit_fuss(fig: go.Figure, fuss: str, breite: int = 1400) -> go.Figure:
    """A copy of ``fig`` with ``fuss`` (source, version, view, date, denominator) at the bottom of the image.

    Drawn ``breite`` pixels wide unless the figure has a width; the footer is broken between its parts
    where a line would be cut, and the image grows by its lines (the chart keeps its height). The title
    keeps a little distance from the image's left edge."""
    copy = go.Figure(fig)
    breite = copy.layout.width or breite
    zeilen = _fusszeilen(fuss, int(breite / (11 * 0.6)))
    dazu = 16 * len(zeilen) + 40
    unten = (copy.layout.margin.b or 80) + dazu
    copy.update_layout(width=breite, height=(copy.layout.height or 450) + dazu, margin=dict(b=unten),
                       title=dict(pad=dict(l=12)))
    copy.add_annotation(text="<br>".join(html.escape(z) for z in zeilen), xref="paper", yref="paper", x=0, y=0,
                        yshift=-unten + 16, xanchor="left", yanchor="bottom", align="left", showarrow=False,
                        font=dict(size=11, color=FUSS_FARBE))
    return copy


def legende_platz(fig: go.Figure, title: str | None = None) -> None:
    """Room on the right for the legend, so that long names are not cut off."""
    names = [str(t.name or "") for t in fig.data if t.showlegend is not False]
    longest = max([len(n) for n in names] + [len(title or "")], default=0)
    fig.update_layout(margin=dict(r=min(70 + 9 * longest, 380)),
                      legend=dict(title=dict(text=text(title) if title else None)))


def linie(fig: go.Figure, x: Sequence[int], y: Sequence[float], name: str, index: int, wert_text: Sequence[str],
          kreis: bool = False, hover_name: str | None = None, werte_zeigen: bool = False) -> None:
    """One area's line (the Kreis: dark and dashed); hover shows the full name and pre-formatted values.

    ``werte_zeigen`` writes the values above the points (a single line on a slide)."""
    name_text = text(name)
    custom = [[text(hover_name or name), str(j), w] for j, w in zip(x, wert_text)]
    if kreis:
        line = dict(color=KREIS_FARBE, width=5, dash="dash")
        marker = dict(size=9, color=KREIS_FARBE, symbol="circle")
    else:
        line = dict(color=PALETTE[index % len(PALETTE)], width=2.5)
        marker = dict(size=8, symbol=SYMBOLS[index % len(SYMBOLS)], color=PALETTE[index % len(PALETTE)])
    extra = dict(mode="lines+markers+text", text=list(wert_text), textposition="top center",
                 cliponaxis=False) if werte_zeigen else dict(mode="lines+markers")
    fig.add_trace(go.Scatter(x=list(x), y=list(y), name=name_text, line=line, marker=marker,
                             customdata=custom, connectgaps=False,
                             hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]}"
                                           "<extra></extra>", **extra))


def vergleichslinie(fig: go.Figure, x: Sequence[int], y: Sequence[float], name: str, index: int,
                    wert_text: Sequence[str], quelle: str = "", werte_zeigen: bool = False) -> None:
    """A reference of another region (Vergleichswert) over the years: grey, dotted or dash-dotted, named by its
    ``bezug``; the hover names the ``quelle``."""
    custom = [[text(name), str(j), w, text(quelle)] for j, w in zip(x, wert_text)]
    extra = dict(mode="lines+markers+text", text=list(wert_text), textposition="bottom center",
                 textfont=dict(color=GRAU), cliponaxis=False) if werte_zeigen else dict(mode="lines+markers")
    fig.add_trace(go.Scatter(
        x=list(x), y=list(y), name=text(name), customdata=custom, connectgaps=False,
        legendgroup="vergleichswerte", legendgrouptitle=dict(text="Vergleichswerte", font=dict(size=15)),
        line=dict(color=GRAU, width=3.5, dash=VERGLEICH_STRICHE[index % len(VERGLEICH_STRICHE)]),
        marker=dict(size=10, color=GRAU, symbol=VERGLEICH_SYMBOLE[index % len(VERGLEICH_SYMBOLE)],
                    line=dict(width=2, color=GRAU)),
        hovertemplate="<b>%{customdata[0]}</b> (Vergleichswert)<br>%{customdata[1]}: %{customdata[2]}"
                      "<br>Quelle: %{customdata[3]}<extra></extra>", **extra))
    # The group's title stands over the references; no gap between the other lines (each is a group of its own).
    fig.update_layout(legend=dict(tracegroupgap=0))


def quellenzeile(fig: go.Figure, zeile: str, zeichen: int = 150, wachsen: bool = True) -> None:
    """The sources of a chart's reference lines under its x axis, in the image itself (screen, slide, PNG):
    ``zeile`` is broken between its " · " parts (and words, where a part is longer than ``zeichen``); the
    margin grows by its lines, and with ``wachsen`` the image too (else the chart gives the room: a slide's
    image keeps its size)."""
    zeilen = [teil for z in _fusszeilen(zeile, zeichen) for teil in (textwrap.wrap(z, zeichen) or [z])]
    dazu = 70 + 18 * len(zeilen)
    fig.update_layout(margin=dict(b=(fig.layout.margin.b or 10) + dazu))
    if wachsen:
        fig.update_layout(height=(fig.layout.height or 450) + dazu)
    fig.add_annotation(text="<br>".join(html.escape(z) for z in zeilen), xref="paper", yref="paper", x=0, y=0,
                       yshift=-62, xanchor="left", yanchor="top", align="left", showarrow=False,
                       font=dict(size=13, color=FUSS_FARBE))


# --- ranking ----------------------------------------------------------------------------------------
def balkenfarben(werte: Sequence[float], kreiswert: float | None,
                 klein: Sequence[bool] | None = None) -> list[str]:
    """A ranking's bar colours: grey on a small base, orange above the Kreis value, else blue."""
    klein = list(klein) if klein is not None else [False] * len(werte)
    return [KLEINE_BASIS_FARBE if k else UEBER_KREIS if kreiswert is not None and w > kreiswert else UNTER_KREIS
            for w, k in zip(werte, klein)]


def rangliste(ids: Sequence[str], werte: Sequence[float], kreiswert: float | None, *,
              namen: Sequence[str] | None = None, titel: str = "", achse: str = "", dezimalen: int = 1,
              klein: Sequence[bool] | None = None, gesperrt: Sequence[str] = (), kreis_text: str = "Kreis",
              customdata: list | None = None, hovertemplate: str | None = None, hoehe: int | None = None,
              groesse: Groesse = BILDSCHIRM, fuss: str | None = None) -> go.Figure:
    """Horizontal bars of areas, top to bottom in the given order, with the Kreis value as a dashed line.

    Bars are keyed by ``ids`` (two areas may share a name) and labelled with ``namen`` (text, escaped
    here); above the Kreis orange, below blue, on a small base (``klein``) grey and marked. Areas in
    ``gesperrt`` (their names) keep a row at the bottom with "• gesperrt": a missing bar must not read
    as "none". ``customdata``/``hovertemplate`` replace the hover (name: value).
    """
    ids = [str(i) for i in ids]
    werte = [float(w) for w in werte]
    namen = [str(n) for n in namen] if namen is not None else ids
    klein = list(klein) if klein is not None else [False] * len(ids)
    wert_text = [format_number(w, dezimalen) for w in werte]
    zeilen_n = len(ids) + len(gesperrt)
    fig = figur(titel, "", height=hoehe or max(groesse.min_hoehe, 150 + groesse.zeile * zeilen_n), groesse=groesse)
    fig.add_trace(go.Bar(
        x=werte, y=ids, orientation="h", marker_color=balkenfarben(werte, kreiswert, klein),
        text=[t + (" (kleine Basis)" if k else "") for t, k in zip(wert_text, klein)], textposition="outside",
        cliponaxis=False, showlegend=False,
        customdata=customdata if customdata is not None else [[text(n), t] for n, t in zip(namen, wert_text)],
        hovertemplate=hovertemplate or "<b>%{customdata[0]}</b>: %{customdata[1]}<extra></extra>"))
    kategorien, beschriftung = list(ids), [text(name) for name in namen]
    if gesperrt:
        zeilen = [f"gesperrt:{g}" for g in gesperrt]
        fig.add_trace(go.Scatter(x=[0] * len(zeilen), y=zeilen, mode="text", text=[f"{GESPERRT} gesperrt"] * len(zeilen),
                                 textposition="middle right", cliponaxis=False, showlegend=False, hoverinfo="skip"))
        kategorien += zeilen
        beschriftung += [text(g) for g in gesperrt]
    if kreiswert is not None and not math.isnan(kreiswert):
        fig.add_vline(x=kreiswert, line=dict(color=KREIS_FARBE, width=3, dash="dash"), layer="below")
        fig.add_annotation(x=kreiswert, y=1, yref="paper", yanchor="bottom", yshift=4, showarrow=False,
                           text=f"<b>{text(kreis_text)}: {format_number(kreiswert, dezimalen)}</b>",
                           font=dict(size=groesse.schrift))
    fig.update_yaxes(title_text=None, rangemode="normal", showgrid=False, type="category", categoryorder="array",
                     categoryarray=kategorien, autorange="reversed", tickmode="array", tickvals=kategorien,
                     ticktext=beschriftung)
    fig.update_xaxes(title_text=achse or None, showgrid=True, gridcolor=GITTER_FARBE)
    fig.update_layout(margin=dict(r=60, t=(100 + 10 * titel.count("<br>")) if titel else 40))
    return mit_fuss(fig, fuss) if fuss else fig


# --- need against help -----------------------------------------------------------------------------
def streuung_beschriften(fig: go.Figure, x, y, namen, breite_px: float, hoehe_px: float,  # noqa: ANN001
                         schrift_px: int = 15) -> None:
    """Labels of the scatter's points without overlaps and inside the chart (:mod:`beschriftung`); where
    names collide, numbers and a legend beside the chart."""
    from .beschriftung import platzieren

    kurz = kurznamen(namen)
    platz = platzieren(x, y, [kurz[str(n)] for n in namen], breite_px, hoehe_px, schrift_px)
    fig.update_traces(text=[html.escape(t) for t in platz.texte], textposition=platz.orte,
                      textfont=dict(size=schrift_px), cliponaxis=False, selector=dict(type="scatter"))
    fig.update_xaxes(range=list(platz.x_bereich))
    fig.update_yaxes(range=list(platz.y_bereich))
    if platz.legende:
        fig.add_annotation(text="<br>".join(f"{nr}  {html.escape(name)}" for nr, name in platz.legende),
                           xref="paper", yref="paper", x=1.02, y=1, xanchor="left", yanchor="top", align="left",
                           showarrow=False, font=dict(size=schrift_px - 1))
        fig.update_layout(margin=dict(r=40 + int(max(len(n) for _, n in platz.legende) * schrift_px * 0.6)))


def bedarf_streuung(ids: Sequence[str], namen: Sequence[str], bedarfsindex: Sequence[float],
                    eckwert: Sequence[float], *, titel: str, y_titel: str, kreiswert: float | None = None,
                    klassen: Sequence[str] | None = None,
                    x_titel: str = "Bedarfsindex (Standardabweichungen vom Mittel der Gebiete)",
                    gewaehlt: str | None = None, hervor: Sequence[str] = (), hoehe: int | None = None,
                    groesse: Groesse = BILDSCHIRM, fuss: str | None = None) -> go.Figure:
    """Need (Bedarfsindex) against help (Eckwert), one point per area, with the mean need and the Kreis.

    Up to :data:`~sozialraum_analytics.rangliste.ALLE_BIS` areas every point is named without overlaps;
    more cannot be read: then only the areas in ``hervor`` are named (orange), ``gewaehlt`` is larger.
    """
    from .rangliste import ALLE_BIS

    ids, namen = [str(i) for i in ids], [str(n) for n in namen]
    bedarfsindex, eckwert = [float(v) for v in bedarfsindex], [float(v) for v in eckwert]
    dicht = len(ids) > ALLE_BIS
    hoehe = hoehe or groesse.hoehe
    fig = figur(titel, y_titel, height=hoehe, groesse=groesse)
    klassen_text = [text(k or "–") for k in klassen] if klassen is not None else None
    fig.add_trace(go.Scatter(
        x=bedarfsindex, y=eckwert, mode="markers" if dicht else "markers+text",
        marker=dict(size=[18 if r == gewaehlt else 8 if dicht else 13 for r in ids],
                    color=UNTER_KREIS, opacity=0.6 if dicht else 1, line=dict(color="#ffffff", width=1)),
        customdata=[[text(n), format_number(b, 2), format_number(e, 1), k, r]
                    for n, b, e, k, r in zip(namen, bedarfsindex, eckwert, klassen_text or [""] * len(ids), ids)],
        hovertemplate="<b>%{customdata[0]}</b><br>Bedarfsindex %{customdata[1]}"
                      + (" (%{customdata[3]})" if klassen_text is not None else "")
                      + "<br>Eckwert %{customdata[2]}<extra></extra>", showlegend=False))
    fig.add_vline(x=0, line=dict(color=KREIS_FARBE, width=2, dash="dash"),
                  annotation_text="Mittel Bedarf", annotation_position="bottom right")
    if kreiswert is not None and not math.isnan(kreiswert):
        fig.add_hline(y=kreiswert, line=dict(color=KREIS_FARBE, width=2, dash="dash"),
                      annotation_text=f"Kreiswert {format_number(kreiswert, 1)}", annotation_position="top left")
    fig.update_xaxes(title_text=x_titel, zeroline=False, showgrid=True, gridcolor=GITTER_FARBE)
    if dicht:
        benannt = [(r, n, b, e) for r, n, b, e in zip(ids, namen, bedarfsindex, eckwert) if r in set(hervor)]
        if benannt:
            fig.add_trace(go.Scatter(
                x=[b for _, _, b, _ in benannt], y=[e for _, _, _, e in benannt], mode="markers+text",
                textposition="top center", text=[text(n) for _, n, _, _ in benannt],
                marker=dict(size=12, color=UEBER_KREIS, line=dict(color=KREIS_FARBE, width=2)),
                hoverinfo="skip", showlegend=False))
    else:
        # Labels that neither overlap nor leave the chart (numbers and a legend where names would collide).
        streuung_beschriften(fig, bedarfsindex, eckwert, namen, (groesse.breite or 1100) - 150,
                             hoehe - 160 - (90 if fuss else 0), groesse.schrift - 1)
    return mit_fuss(fig, fuss) if fuss else fig


# --- the Steckbrief ---------------------------------------------------------------------------------
def hilfen_im_vergleich(labels: Sequence[str], werte: Sequence[float], kreiswerte: Sequence[float], *,
                        raum_name: str, kreis_name: str, titel: str, y_titel: str, hoehe: int = 430,
                        groesse: Groesse = BILDSCHIRM, fuss: str | None = None) -> go.Figure:
    """The Steckbrief's bars: an area's value per help group (blue) beside the Kreis's (grey)."""
    fig = figur(titel, y_titel, height=hoehe, groesse=groesse)
    labels = [text(lbl) for lbl in labels]
    for name, ys, farbe in ((raum_name, werte, UNTER_KREIS), (kreis_name, kreiswerte, GRAU)):
        fig.add_trace(go.Bar(x=labels, y=list(ys), name=text(name), marker_color=farbe,
                             text=[format_number(v, 1) for v in ys], textposition="outside", cliponaxis=False,
                             hovertemplate="%{x}: %{text}<extra></extra>"))
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0, xanchor="left"))
    return mit_fuss(fig, fuss) if fuss else fig


def gestapelt(jahre: Sequence[int], reihen: Sequence[tuple[str, Sequence[int], Sequence[float]]], *, titel: str,
              y_titel: str, legende: str, hoehe: int = 430, groesse: Groesse = BILDSCHIRM,
              fuss: str | None = None) -> go.Figure:
    """Stacked bars over the years, one colour of the palette per series (``name, years, values``)."""
    fig = figur(titel, y_titel, height=hoehe, x_jahre=jahre, groesse=groesse)
    for i, (name, x, ys) in enumerate(reihen):
        fig.add_trace(go.Bar(x=list(x), y=list(ys), name=text(name), marker_color=PALETTE[i % len(PALETTE)],
                             customdata=[format_number(v, 0) for v in ys],
                             hovertemplate=f"{text(name)}, %{{x}}: %{{customdata}}<extra></extra>"))
    fig.update_layout(barmode="stack", legend=dict(title=dict(text=text(legende))))
    return mit_fuss(fig, fuss) if fuss else fig


def anteile_im_vergleich(kategorien: Sequence[str], anteile: Sequence[float], kreisanteile: Sequence[float],
                         gesperrt: Sequence[bool], kreis_gesperrt: Sequence[bool], *, raum_name: str,
                         kreis_name: str, titel: str, groesse: Groesse = BILDSCHIRM,
                         fuss: str | None = None) -> go.Figure:
    """The case structure: an area's shares per category (blue) beside the Kreis's (grey), as horizontal bars
    (the categories read left to right, first at the top); a withheld share is marked "• gesperrt", never 0."""
    hoehe = max(groesse.min_hoehe, 140 + 2 * groesse.zeile * len(kategorien))
    fig = figur(titel, "", height=hoehe, groesse=groesse)
    namen = [text(k) for k in kategorien]
    for name, werte, aus, farbe in ((raum_name, anteile, gesperrt, UNTER_KREIS),
                                    (kreis_name, kreisanteile, kreis_gesperrt, GRAU)):
        werte = [None if a or v is None or math.isnan(v) else v for v, a in zip(werte, aus)]
        beschriftung = [f"{GESPERRT} gesperrt" if a else ("–" if v is None else f"{format_number(v, 1)} %")
                        for v, a in zip(werte, aus)]
        fig.add_trace(go.Bar(y=namen, x=[0 if v is None else v for v in werte], name=text(name), orientation="h",
                             marker_color=farbe, text=beschriftung, textposition="outside", cliponaxis=False,
                             hovertemplate="%{y}: %{text}<extra>" + text(name) + "</extra>"))
    # The legend in its own line under the title (a long title would run into it).
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, xanchor="left"),
                      margin=dict(t=110))
    fig.update_yaxes(autorange="reversed", rangemode="normal", title_text=None)
    fig.update_xaxes(title_text="Anteil in %", rangemode="tozero", ticksuffix=" %")
    return mit_fuss(fig, fuss) if fuss else fig
