"""What the public view withholds, on the page: "•" in counts and charts, notes on withheld values and years."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import streamlit as st

from sozialraum_analytics.diagramme import KREIS_FARBE
from sozialraum_analytics.geheimhaltung import GESPERRT
from sozialraum_analytics.kennzahlen import Optionen

from .daten import get_dataset, get_engine, get_oeffentliche_engine
from .text import INFO, zelle_anzahl
from .zugang import ist_oeffentlich


def geheimhaltungshinweise() -> list[str]:
    """German notes of the public view's protection: years withheld, Kreis totals and money hidden beyond the usual."""
    dataset = get_dataset()
    if not dataset.has_cases or not dataset.years():
        return []
    try:
        engine = get_oeffentliche_engine(Optionen())
        return engine.schutz.hinweise(engine)
    except (KeyError, ValueError, IndexError):
        return []


def anzahl_texte(optionen: Optionen, ebene: str, jahr: int, hilfeart: str | Sequence[str],
                 areas: Sequence[str], werte: Sequence[float], kennzahl: str | None = None) -> list:
    """Counts (or, with ``kennzahl``, that measure) as the active view writes them: in the public view
    "•" where suppressed (the whole column as text); in the planning view the numbers as they are.

    ``hilfeart`` is one group for all rows or one per row; ``areas`` one per row (the Kreis: KREIS_ID).
    """
    from sozialraum_analytics.dataset import KREIS_ID

    gruppen = [hilfeart] * len(areas) if isinstance(hilfeart, str) else list(hilfeart)
    if not ist_oeffentlich():
        return list(werte)
    engine = get_engine(optionen)
    vermerke = {e: engine.sperrvermerk(e, kennzahl) for e in ("sozialraum", "kreis")}
    texte = []
    for area, gruppe, wert in zip(areas, gruppen, werte):
        vermerk = vermerke["kreis" if area == KREIS_ID else ebene]
        code = int(vermerk.get((jahr, area, gruppe), 0))
        texte.append(zelle_anzahl(wert, code))  # all text: a table column holds one type
    return texte


def ist_gesperrt(optionen: Optionen, ebene: str, jahr: int | None, area: str, hilfeart: str, kennzahl: str) -> bool:
    """Whether the public view withholds this figure (then it shows "•", never "–")."""
    if not ist_oeffentlich() or jahr is None:
        return False
    try:
        vermerk = get_engine(optionen).sperrvermerk(ebene, kennzahl)
    except (KeyError, ValueError):
        return False
    return bool(vermerk.get((jahr, area, hilfeart), 0))


def gesperrte_jahre(optionen: Optionen, ebene: str, hilfeart: str, areas: Sequence[str] | None = None,
                    kennzahl: str | None = None) -> dict[str, list[int]]:
    """Per area the years whose figure the public view withholds (empty in the planning view)."""
    if not ist_oeffentlich():
        return {}
    try:
        vermerk = get_engine(optionen).sperrvermerk(ebene, kennzahl)
    except (KeyError, ValueError):
        return {}
    gesperrt = vermerk[(vermerk != 0) & (vermerk.index.get_level_values("hilfeart") == hilfeart)]
    out: dict[str, list[int]] = {}
    for jahr, area, _gruppe in gesperrt.index:
        if areas is None or area in areas:
            out.setdefault(area, []).append(int(jahr))
    return out


def keine_werte(text: str, gesperrt: dict[str, list[int]]) -> None:
    """The note for an empty chart: "gesperrt" when the public view withholds the values, else ``text``."""
    if gesperrt:
        st.info(f"Die Werte sind in der öffentlichen Ansicht gesperrt ({GESPERRT}): es sind so wenige Fälle, dass "
                "sie auf einzelne Familien schließen ließen.", icon=":material/lock:")
    else:
        st.info(text, icon=INFO)


def gesperrt_markieren(fig: go.Figure, jahre: Sequence[int]) -> None:
    """Mark withheld years of a bar chart on the axis with "• gesperrt", so a gap never reads as 0."""
    if not jahre:
        return
    fig.add_trace(go.Scatter(x=list(jahre), y=[0] * len(jahre), mode="text", text=[f"{GESPERRT} gesperrt"] * len(jahre),
                             textposition="top center", textfont=dict(size=15, color=KREIS_FARBE), showlegend=False,
                             hovertemplate="%{x}: gesperrt (Geheimhaltung)<extra></extra>"))
