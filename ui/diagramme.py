"""Charts: the colour-blind safe palette, the plotly template, empty figures, lines, drawing and image downloads."""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from sozialraum_analytics.formatting import format_date

from .auswahlzustand import _CURRENT
from .daten import get_dataset, versionshinweis
from .text import escape_md, plot_text
from .zugang import ist_oeffentlich

# --- charts --------------------------------------------------------------------------
# Okabe-Ito (without yellow) followed by Paul Tol's muted colours: colour-blind safe,
# and every line also gets its own marker symbol.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
           "#882255", "#44AA99", "#999933", "#332288", "#AA4499", "#6A6A6A"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "triangle-down", "x", "star", "hexagon",
           "pentagon", "cross", "triangle-left", "triangle-right"]
SETTING_FARBEN = {"ambulant": "#56B4E9", "teilstationaer": "#E69F00", "stationaer": "#0072B2"}
KREIS_FARBE = "#1b1f24"
UEBER_KREIS = "#E69F00"  # bars above the Kreis value (orange against blue: colour-blind safe)
KLEINE_BASIS_FARBE = "#b8bec6"  # a rate or average on a small base: shown apart, not ranked

pio.templates["sozialraum"] = go.layout.Template(layout=go.Layout(
    font=dict(family="Source Sans, Source Sans Pro, Arial, sans-serif", size=16, color="#1b1f24"),
    title=dict(font=dict(size=21), x=0, xanchor="left", y=0.97, yanchor="top"),
    colorway=PALETTE,
    separators=",.",
    paper_bgcolor="#ffffff",
    plot_bgcolor="#ffffff",
    hoverlabel=dict(font=dict(size=16), namelength=-1),
    legend=dict(font=dict(size=15), title=dict(font=dict(size=15))),
    # Whole numbers with German thousands separators on the axes, never "150k" or "50M".
    xaxis=dict(showgrid=False, linecolor="#8a8f96", ticks="outside", tickfont=dict(size=15),
               title=dict(font=dict(size=16)), automargin=True, separatethousands=True, exponentformat="none"),
    yaxis=dict(gridcolor="#e2e5e9", zeroline=True, zerolinecolor="#8a8f96", tickfont=dict(size=15),
               title=dict(font=dict(size=16)), automargin=True, separatethousands=True, exponentformat="none"),
    margin=dict(l=10, r=10, t=80, b=10),
))
TEMPLATE = "plotly_white+sozialraum"


def figur(title: str, y_title: str, height: int = 480, x_jahre: Sequence[int] | None = None) -> go.Figure:
    """An empty figure in the dashboard's style: large fonts, German separators."""
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE, separators=",.", title=dict(text=title), height=height, hovermode="closest",
                      legend=dict(orientation="v", yanchor="top", y=1, x=1.01, xanchor="left"))
    fig.update_yaxes(title_text=y_title, rangemode="tozero")
    if x_jahre:
        fig.update_xaxes(tickmode="array", tickvals=list(x_jahre), ticktext=[str(j) for j in x_jahre],
                         title_text="Jahr")
    return fig


def zeige(fig: go.Figure, key: str | None = None) -> None:
    """Draw a figure with our template (not Streamlit's theme) and a German-free, lean toolbar."""
    st.plotly_chart(fig, theme=None, key=key, config={"displaylogo": False, "locale": "de",
                                                      "modeBarButtonsToRemove": ["lasso2d", "select2d"]})
    dataset = get_dataset()
    if dataset.version is not None:
        st.caption(f"Quelle: {escape_md(dataset.quelle)}")
    bild_downloads(fig, key or "diagramm")


def exportfuss() -> str:
    """Source, version, view, date and denominator: the footer of every exported image.

    Worked out while the page runs: a download's data are drawn later, outside the session, where the
    view could no longer be told.
    """
    import datetime as dt

    dataset = get_dataset()
    auswahl_ = st.session_state.get(_CURRENT)
    nenner = f" · Bezugsgröße: {auswahl_.eckwert_label}, Hilfen je junge Menschen am 31.12." if auswahl_ else ""
    return (f"Quelle: {dataset.quelle} · {versionshinweis(dataset)} · "
            f"{'Öffentliche Ansicht' if ist_oeffentlich() else 'Planungsansicht (nicht zur Veröffentlichung)'} · "
            f"Stand {format_date(dt.date.today())}{nenner}")


def _mit_fuss(fig: go.Figure, fuss: str) -> go.Figure:
    copy = go.Figure(fig)
    bottom = (copy.layout.margin.b or 80) + 70
    copy.update_layout(margin=dict(b=bottom), width=copy.layout.width or 1400)
    copy.add_annotation(text=html.escape(fuss).replace(" · Bezugsgröße", "<br>Bezugsgröße"), xref="paper",
                        yref="paper", x=0, y=0, yshift=-bottom + 20, xanchor="left", yanchor="bottom",
                        showarrow=False, font=dict(size=11, color="#555"))
    return copy


def bild_downloads(fig: go.Figure, name: str) -> None:
    """PNG and SVG of a chart with the export footer; drawn on the server (kaleido) only when clicked."""
    from sozialraum_analytics.export import bild

    fuss = exportfuss()  # now, in the page's session: names the view the figure was made in
    spalten = st.columns([1, 1, 8])
    for spalte, fmt, mime in ((spalten[0], "png", "image/png"), (spalten[1], "svg", "image/svg+xml")):
        spalte.download_button(fmt.upper(), data=lambda fmt=fmt: bild(_mit_fuss(fig, fuss), fmt),
                               file_name=f"{name}.{fmt}", mime=mime, on_click="ignore", icon=":material/download:",
                               key=f"{name}_{fmt}", type="tertiary",
                               help=f"Diagramm als {fmt.upper()} mit Quelle, Datenversion, Ansicht und Bezugsgröße")


def legende_platz(fig: go.Figure, title: str | None = None) -> None:
    """Room on the right for the legend, so that long names are not cut off."""
    names = [str(t.name or "") for t in fig.data if t.showlegend is not False]
    longest = max([len(n) for n in names] + [len(title or "")], default=0)
    fig.update_layout(margin=dict(r=min(70 + 9 * longest, 380)),
                      legend=dict(title=dict(text=plot_text(title) if title else None)))


def linie(fig: go.Figure, x: Sequence[int], y: Sequence[float], name: str, index: int, wert_text: Sequence[str],
          kreis: bool = False, hover_name: str | None = None) -> None:
    """One area's line; hover shows the full name and pre-formatted German values."""
    name_text = plot_text(name)
    custom = [[plot_text(hover_name or name), str(j), w] for j, w in zip(x, wert_text)]
    if kreis:
        line = dict(color=KREIS_FARBE, width=5, dash="dash")
        marker = dict(size=9, color=KREIS_FARBE, symbol="circle")
    else:
        line = dict(color=PALETTE[index % len(PALETTE)], width=2.5)
        marker = dict(size=8, symbol=SYMBOLS[index % len(SYMBOLS)], color=PALETTE[index % len(PALETTE)])
    fig.add_trace(go.Scatter(x=list(x), y=list(y), name=name_text, mode="lines+markers", line=line, marker=marker,
                             customdata=custom, connectgaps=False,
                             hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]}"
                                           "<extra></extra>"))
