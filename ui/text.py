"""Text for the page: escaping data text, German numbers, KPI cards, tables and table cells, labels."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from sozialraum_analytics.diagramme import text as plot_text  # noqa: F401 - data text in charts
from sozialraum_analytics.formatting import format_euro, format_number, format_percent, format_signed
from sozialraum_analytics.geheimhaltung import GESPERRT
from sozialraum_analytics.hilfearten import HILFEGRUPPEN_BY_ID
from sozialraum_analytics.registry import describe

if TYPE_CHECKING:
    from sozialraum_analytics.dataset import Dataset

# Material icons ship with Streamlit; emoji would need a colour emoji font on the machine.
INFO = ":material/info:"
OK = ":material/check_circle:"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:])")


def escape_md(text: object) -> str:
    """Data text for Markdown: every formatting character escaped, no HTML."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def format_kennzahl(kennzahl_id: str, value: float | None) -> str:
    """A value in the unit and precision the registry declares."""
    if value is None or pd.isna(value):
        return "–"
    info = describe(kennzahl_id)
    if info.einheit.startswith("EUR"):
        return format_euro(value, info.dezimalen)
    if info.einheit == "%":
        return format_percent(value, info.dezimalen)
    return format_number(value, info.dezimalen)


def format_differenz(kennzahl_id: str, value: float | None) -> str:
    """A difference of two values of one Kennzahl, signed: ``+0,3``, ``−1.234 €``, for a share ``+2,1 %-Pkt.``
    (percentage points)."""
    if value is None or pd.isna(value):
        return "–"
    info = describe(kennzahl_id)
    if info.einheit.startswith("EUR"):
        return format_signed(value, info.dezimalen, " €")
    if info.einheit == "%":
        return format_signed(value, info.dezimalen, " %-Pkt.")
    return format_signed(value, info.dezimalen)


def delta_text(jetzt: float | None, vorher: float | None, decimals: int = 0, suffix: str = "",
               prozentpunkte: bool = False) -> str | None:
    """``+5 (+12,5 %) zum Vorjahr``; for shares ``+1,2 Prozentpunkte``; ``None`` without a previous year."""
    if jetzt is None or vorher is None:
        return None
    diff = jetzt - vorher
    if prozentpunkte:
        return f"{format_signed(diff, 1)} Prozentpunkte zum Vorjahr"
    text = format_signed(diff, decimals, suffix)
    if vorher:
        text += f" ({format_percent((jetzt / vorher - 1) * 100, 1, signed=True)})"
    return text + " zum Vorjahr"


def kpi(label: str, value: str, delta: str | None = None, help_text: str | None = None) -> None:
    """One KPI card; the delta is neutral grey (more help is not good or bad by itself)."""
    st.metric(label, value, delta=delta, delta_color="off" if delta else "normal", help=help_text, border=True)


def format_styler(frame: pd.DataFrame, formats: dict[str, callable]) -> pd.io.formats.style.Styler:
    """Numbers stay numbers (sortable), the user sees them German-formatted."""
    return frame.style.format({c: f for c, f in formats.items() if c in frame.columns})


# "+4,7 %", "+2,1 %-Pkt." are numbers for Excel, not formulas
_ZAHLTEXT = re.compile(r"[+\-−]?\s?[\d.,]+\s?(%|€| %| €| %-Pkt\.)?")


def tabelle(frame: pd.DataFrame, formats: dict[str, callable] | None = None, **kwargs) -> None:  # noqa: ANN003
    """``st.dataframe`` with German number formats, no index and "–" for missing values."""
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    # The table's own CSV download hands text cells to Excel: neutralise formulas (=, +, -, @) first.
    from sozialraum_analytics.formatting import neutralise_formula

    frame = frame.copy()
    # Streamlit sends a frame's attrs along with its rows (pyarrow writes them into the table's metadata): what
    # the reading kept about a file (every distinct text of its columns) never goes to the browser.
    frame.attrs = {}
    for column in frame.columns:
        werte = frame[column]
        if werte.dtype == object and werte.map(lambda v: isinstance(v, str)).any() \
                and werte.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).any():
            # Numbers beside "•" (gesperrt): one type per column, the numbers written as the format says.
            schreiben = (formats or {}).get(column) or (lambda v: format_number(v, 0))
            frame[column] = werte.map(lambda v, f=schreiben: v if isinstance(v, str) else f(v))
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(
                lambda v: v if not isinstance(v, str) or _ZAHLTEXT.fullmatch(v) else neutralise_formula(v))
    data = format_styler(frame, formats) if formats else frame
    st.dataframe(data, placeholder="–", **kwargs)


def kurznamen(names: Sequence[str]) -> dict[str, str]:
    """Names for legends and axes without a first word all of them share ("Sozialraum Nord" -> "Nord")."""
    from sozialraum_analytics.formatting import kurznamen as kurz

    return kurz(names)


def zelle_anzahl(wert: float | None, vermerk: int = 0) -> str:
    """A count as the public view writes it: the number, "•" (gesperrt) or "–" (no data)."""
    if vermerk:
        return GESPERRT
    return format_number(wert, 0)


def text_oder_zahl(dezimalen: int = 0):  # noqa: ANN201
    """A table formatter that leaves pre-formatted text ("•") as it is."""
    return lambda v: v if isinstance(v, str) else format_number(v, dezimalen)


def kreis_label(dataset: Dataset) -> str:
    """``Musterkreis (Kreis)``, or just ``Kreis`` when the data do not name it."""
    from sozialraum_analytics.formatting import kreis_label as label

    return label(dataset.kreis_name)


def hilfe_label(hilfeart: str) -> str:
    gruppe = HILFEGRUPPEN_BY_ID.get(hilfeart)
    return gruppe.label if gruppe else hilfeart
