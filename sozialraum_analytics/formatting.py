"""German number and date formats, and the German Excel CSV dialect for writing.

Users see numbers as ``1.234,5`` and dates as ``31.12.2024``; every page, export and
the CLI's CSV output go through these functions so there is one format in one place.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd

# Cells starting with one of these are run as formulas by Excel and LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def format_number(value: Any, decimals: int = 0, missing: str = "–") -> str:
    """Format a number the German way: ``1234.5`` -> ``"1.234,5"`` (decimals=1).

    >>> format_number(1234567.891, 2)
    '1.234.567,89'
    >>> format_number(None)
    '–'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return missing
    try:
        if pd.isna(value):
            return missing
    except (TypeError, ValueError):
        pass
    # German statistics round half up (2,25 -> 2,3), not to even; no "-0,0".
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def runden(value: Any, decimals: int) -> float:
    """Round half up as :func:`format_number` shows it (``2.25`` -> ``2.3``); missing stays NaN."""
    if value is None or value is pd.NA or (isinstance(value, float) and not math.isfinite(value)):
        return math.nan
    rounded = float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    return abs(rounded) if rounded == 0 else rounded


def format_percent(value: Any, decimals: int = 1, signed: bool = False) -> str:
    """``12.34`` (already in percent) -> ``"12,3 %"``; with ``signed`` -> ``"+12,3 %"``."""
    text = format_number(value, decimals)
    if text == "–":
        return text
    if signed and text.lstrip("-").strip("0,") != "" and float(value) > 0:
        text = "+" + text
    return f"{text} %"


def format_signed(value: Any, decimals: int = 0, suffix: str = "") -> str:
    """A difference with its sign: ``2.5`` -> ``"+2,5"``; ``0`` and missing stay unsigned (``"0"``, ``"–"``)."""
    text = format_number(value, decimals)
    if text == "–":
        return text
    if text.lstrip("-").strip("0,.") != "" and float(value) > 0:
        text = "+" + text
    return text + suffix


def format_euro(value: Any, decimals: int = 0) -> str:
    """``1234567`` -> ``"1.234.567 €"``."""
    text = format_number(value, decimals)
    return text if text == "–" else f"{text} €"


def format_date(value: dt.date | pd.Timestamp | None) -> str:
    """A date as ``31.12.2024``; missing -> ``""``."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value.strftime("%d.%m.%Y")


def neutralise_formula(text: str) -> str:
    """Prefix a cell that Excel would run as a formula with an apostrophe."""
    if text and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _cell(value: Any, decimals: int | None) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return format_date(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if decimals is None:
            if value.is_integer():
                return str(int(value))
            text = repr(value)
            return text.replace(".", ",")
        return f"{value:.{decimals}f}".replace(".", ",")
    # Numbers are written bare (no thousands point) so Excel reads them as numbers;
    # text is data and is protected against formula injection.
    return neutralise_formula(str(value))


def to_german_csv(frame: pd.DataFrame, decimals: dict[str, int] | None = None) -> str:
    """Render a table in the German Excel dialect: ``;``, decimal comma, dd.mm.yyyy.

    Text cells starting with ``=``, ``+``, ``-``, ``@`` are neutralised.
    """
    decimals = decimals or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise_formula(str(c)) for c in frame.columns])
    columns = list(frame.columns)
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([_cell(v, decimals.get(c)) for c, v in zip(columns, row)])
    return buffer.getvalue()


def write_german_csv(frame: pd.DataFrame, path: Path | str, decimals: dict[str, int] | None = None) -> None:
    """Write ``frame`` as UTF-8 with BOM (so Excel shows umlauts) in the German dialect."""
    Path(path).write_text(to_german_csv(frame, decimals), encoding="utf-8-sig", newline="")


def mit_ebene(name: str, ebene: str) -> str:
    """``Sozialraum Nord`` from ``Nord``; a name that already starts with the level word stays as it is.

    >>> mit_ebene("Nord", "Sozialraum")
    'Sozialraum Nord'
    >>> mit_ebene("Sozialraum Lindenbrück", "Sozialraum")
    'Sozialraum Lindenbrück'
    """
    name = str(name)
    return name if name.split(" ", 1)[0].lower() == ebene.lower() else f"{ebene} {name}"


def kreis_label(name: str) -> str:
    """``Musterkreis (Kreis)``; just ``Kreis`` when the data do not name it (never "Kreis (Kreis)").

    >>> kreis_label("Ortenaukreis")
    'Ortenaukreis (Kreis)'
    >>> kreis_label("Kreis")
    'Kreis'
    """
    return "Kreis" if str(name).strip().lower() in ("", "kreis") else f"{name} (Kreis)"


def kurznamen(names) -> dict[str, str]:  # noqa: ANN001 - any sequence of names
    """Names for legends and axes without a first word all of them share.

    A number alone names no area (and reads like a rank or a value): "Bezirksregion 076" stays whole.

    >>> kurznamen(["Sozialraum Nord", "Sozialraum Süd"])
    {'Sozialraum Nord': 'Nord', 'Sozialraum Süd': 'Süd'}
    >>> kurznamen(["Bezirksregion 076", "Bezirksregion 052"])
    {'Bezirksregion 076': 'Bezirksregion 076', 'Bezirksregion 052': 'Bezirksregion 052'}
    """
    names = [str(n) for n in names]
    firsts = {n.split(" ", 1)[0] for n in names}
    if len(names) < 2 or len(firsts) != 1 or not all(" " in n for n in names):
        return {n: n for n in names}
    kurz = {n: n.split(" ", 1)[1] for n in names}
    if any(k.replace(" ", "").replace(".", "").isdigit() for k in kurz.values()):
        return {n: n for n in names}
    return kurz


def jahre_text(jahre: Iterable[int]) -> str:
    """``[2019, 2020, 2021, 2023]`` -> ``"2019–2021, 2023"`` (runs of consecutive years joined by a dash)."""
    jahre = sorted(int(j) for j in jahre)
    laeufe: list[list[int]] = []
    for jahr in jahre:
        if laeufe and jahr == laeufe[-1][-1] + 1:
            laeufe[-1].append(jahr)
        else:
            laeufe.append([jahr])
    return ", ".join(f"{lauf[0]}–{lauf[-1]}" if len(lauf) > 1 else str(lauf[0]) for lauf in laeufe)
