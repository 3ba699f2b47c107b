"""Charts on the page: drawing a figure and its image downloads.

The chart style (palette, symbols, named colours, the plotly template "sozialraum") and the figure
builders are the package's (:mod:`sozialraum_analytics.diagramme`), shared with the exports; pages
reach them as ``ui.<name>`` (re-exported by ``ui/__init__``). Here only what needs Streamlit.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from sozialraum_analytics.diagramme import mit_fuss
from sozialraum_analytics.formatting import format_date

from .auswahlzustand import _CURRENT
from .daten import get_dataset, versionshinweis
from .text import escape_md
from .zugang import ist_oeffentlich


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


def bild_downloads(fig: go.Figure, name: str) -> None:
    """PNG and SVG of a chart with the export footer; drawn on the server (kaleido) only when clicked."""
    from sozialraum_analytics.export import bild

    fuss = exportfuss()  # now, in the page's session: names the view the figure was made in
    spalten = st.columns([1, 1, 8])
    for spalte, fmt, mime in ((spalten[0], "png", "image/png"), (spalten[1], "svg", "image/svg+xml")):
        spalte.download_button(fmt.upper(), data=lambda fmt=fmt: bild(mit_fuss(fig, fuss), fmt),
                               file_name=f"{name}.{fmt}", mime=mime, on_click="ignore", icon=":material/download:",
                               key=f"{name}_{fmt}", type="tertiary",
                               help=f"Diagramm als {fmt.upper()} mit Quelle, Datenversion, Ansicht und Bezugsgröße")
