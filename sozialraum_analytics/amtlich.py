"""Official statistics exports read straight into the contract's tables.

The Regionaldatenbank Deutschland (GENESIS) gives two kinds of CSV file:

* the classic **GENESIS-Tabelle**: ``;``-separated, 5–10 title lines, 1–4 stacked header rows
  (e.g. sex over age group), one row per region (long layouts: per region and age group or
  year), region codes as text (``DG``, ``08``, ``083``, ``08317``, ``08317001``), indented names,
  German numbers, the official special values and a footer that starts with ``__________``;
* the **flat export** (ffcsv) of its API: one value per row, the classifying variables in
  numbered column groups (``1_variable_code`` …), totals with an empty attribute code.

Both are first turned into the same intermediate, one row per value cell (:func:`zellen`), and
from there into ``bevoelkerung`` or ``indikatoren`` with the columns and types that
:func:`readers.read_table` gives. The layout of a classic table is detected (title, header block,
data block, footer), never taken from fixed row numbers.

Public API: :func:`is_amtlich` and :func:`amtliche_art` (routing in upload and CLI),
:func:`read_amtlich` (-> :class:`readers.ReadResult`), :func:`zellen` (the intermediate) and
:func:`altersgrenzen_hinweise` (the "unter 21" note for any ``bevoelkerung`` table).

Decisions:

* Regions: ``kreis="08317"`` keeps the Gemeinden (8 digits) below that prefix, or whatever
  level the table states ("regionale Tiefe: Kreise …", variable KREISE); higher levels are
  dropped, but each one's row checks the sum of its members (a cut-off or altered export
  shows up as a warning). A table of Kreise with ``kreis="08317"`` keeps that one row.
* Population uses "Insgesamt" of every other classification (sex, nationality).
* Special values stay missing with their reason, never 0. An area whose every count is ``-``
  (nichts vorhanden: gemeindefreie Gebiete such as "Rheinau, gemeindefreies Gebiet" 08317971)
  is left out of ``bevoelkerung`` with a warning, because a missing count would make every
  total it belongs to (Sozialraum, Kreis) unknown; ``leere_gebiete=True`` keeps it.
* The official age groups are kept as they are (17 groups: …, 18–<20, 20–<25, …), so the
  engine's interpolation in :func:`altersgruppen.population_in_range` applies; the report
  says in a warning how "unter 21" is estimated from them (:func:`altersgrenzen_hinweise`).
* A table without age groups gives the total population as the one group
  "0 Jahre und mehr" (``alter_von`` 0, ``alter_bis`` open): it serves the denominator
  "alle Altersgruppen", while "unter 21" stays unknown instead of being guessed.
* ``indikatoren`` take the value variable's label (flat) or the column's header labels
  (classic) as ``indikator``, with non-total classifications appended (``Bevölkerungsstand –
  weiblich``), and ``einheit`` from ``value_unit`` or the header's unit row.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from .altersgruppen import DENOMINATORS, Altersgruppe, is_total, parse_altersgruppe, population_in_range, ranges_are_inclusive
from .dialect import FileFormatError, datensaetze, decode_text, fold, pad_area_key, parse_date, parse_number, special_reason
from .formatting import format_number
from .pruefbericht import ValidationReport
from .readers import ReadResult, groesse_pruefen

KINDS = ("bevoelkerung", "bevoelkerungsprognose", "indikatoren")
FLAT_COLUMNS = ("statistics_code", "time", "value", "value_unit", "value_variable_code", "value_variable_label")
NICHTS = "nichts vorhanden"  # the reason of "-": exactly nothing, so 0 in sums used for checks
TOTAL_AGE_LABEL = "0 Jahre und mehr"
# Region levels by code length (finest first: ties between levels go to the finer one).
_LEVELS = {8: "Gemeinden", 12: "Gemeinden (Regionalschlüssel)", 5: "Kreise", 9: "Gemeindeverbände",
           3: "Regierungsbezirke", 2: "Länder"}
# Region variables of the flat export and the code length of their level.
_REGION_VARIABLES = {"DINSG": None, "DLAND": 2, "REGBEZ": 3, "KREISE": 5, "GEMEIN": 8, "GEMVB": 9, "GVB": 9}
# "regionale Tiefe: …" in a classic table's title, first match wins.
_DEPTH_WORDS = (("gemeinden", 8), ("gemeindeverb", 9), ("kreise", 5), ("regierungsbezirk", 3), ("laender", 2))
_CONNECTORS = {"davon", "darunter", "dav.", "dar.", "und zwar", "davon:", "darunter:"}
_UNIT = re.compile(r"^(anzahl|prozent|%|promille|‰|eur|euro|tsd\.?( eur)?|1000( eur)?|mill?\.?( eur)?|ha|km2|km²|qm|"
                   r"je \d+.*|pro \d+.*|jahre|personen|einwohner)$")
_DATE_IN_TEXT = re.compile(r"(?<![\d.])(\d{1,2}\.\d{1,2}\.\d{4})(?![\d])")
_YEAR = re.compile(r"^(19|20)\d\d$")
# Variants of a population projection: BEV-VARIANTE-02 (variable BEVPR1 of statistic 12421), BEV-MODELL-01.
_VARIANTE_CODE = re.compile(r"^(bev-?)?(variante|modell)[-_ ]?\d+$")
_VARIANTEN_VARIABLEN = {"BEVPR1"}


# --- recognising the formats --------------------------------------------------------------

def amtliches_format(data: bytes) -> str | None:
    """``"genesis"`` (classic GENESIS-Tabelle), ``"flat"`` (ffcsv) or ``None``.

    Looks at the first and last 64 KB only, so it is cheap for large uploads.
    """
    head = decode_text(data[:65536])[0].lstrip("\ufeff")
    first_line = head.split("\n", 1)[0].strip().lower()
    if first_line.startswith("statistics_code;") and "value" in first_line.split(";"):
        return "flat"
    if first_line.startswith("genesis-tabelle"):
        return "genesis"
    tail = decode_text(data[-65536:])[0]
    has_footer = any(line.startswith("__________") for line in tail.splitlines())
    has_region_rows = any(_is_data_row(line.split(";")) for line in head.splitlines()[:80])
    return "genesis" if has_footer and has_region_rows else None


def is_amtlich(path: Path | str, data: bytes | None = None) -> bool:
    """Whether a file is an official export that :func:`read_amtlich` reads (for upload and CLI routing)."""
    if str(path).lower().endswith((".xlsx", ".xlsm", ".geojson", ".gpkg", ".zip", ".shp")):
        return False
    if data is None:
        try:
            with open(path, "rb") as handle:
                head = handle.read(65536)
                handle.seek(0, io.SEEK_END)
                size = handle.tell()
                handle.seek(max(size - 65536, 0))
                tail = handle.read()
        except OSError:
            return False
        data = head if size <= 65536 else head + b"\n" + tail
    return amtliches_format(data) is not None


def amtliche_art(path: Path | str, data: bytes | None = None) -> str | None:
    """The table kind of an official file by its statistics code: 12421 (Bevölkerungsvorausberechnungen,
    or "Vorausberechnung" in the title) is ``bevoelkerungsprognose``, other 124xx (Bevölkerungsstand)
    ``bevoelkerung``, every other table ``indikatoren``; ``None`` if the file is not official."""
    if data is None:
        try:
            with open(path, "rb") as handle:
                data = handle.read(65536)
        except OSError:
            return None
    fmt = amtliches_format(data)
    if fmt is None:
        return None
    lines = decode_text(data[:65536])[0].lstrip("\ufeff").splitlines()
    if fmt == "flat":
        code = lines[1].split(";", 1)[0] if len(lines) > 1 else ""
    else:
        code = lines[0].split(":", 1)[1].strip() if lines and ":" in lines[0] else ""
    if code.startswith("12421") or "vorausberech" in fold(" ".join(lines[:10])):
        return "bevoelkerungsprognose"
    return "bevoelkerung" if code.startswith("124") else "indikatoren"


# --- reading --------------------------------------------------------------------------------

def read_amtlich(path: Path | str, kind: str, kreis: str | None = None, *, data: bytes | None = None,
                 display_name: str | None = None, leere_gebiete: bool = False) -> ReadResult:
    """Read an official export (classic GENESIS-Tabelle or flat ffcsv) as ``kind``.

    Parameters
    ----------
    kind
        ``"bevoelkerung"``, ``"bevoelkerungsprognose"`` or ``"indikatoren"``.
    kreis
        AGS prefix such as ``"08317"``: keep the finest regions below it (see module docs).
    leere_gebiete
        Keep areas whose every population count is ``-`` (left out by default, with a warning).

    Returns
    -------
    ReadResult
        ``frame`` with the columns of :func:`readers.read_table` for ``kind`` (``zeile`` is the
        row Excel shows, the file's first line = row 1); ``report`` in German.
    """
    name = display_name or Path(path).name
    report = ValidationReport(name)
    if kind not in KINDS:
        report.error(f"Aus amtlichen Statistikdateien lassen sich nur {', '.join(KINDS[:-1])} und {KINDS[-1]} lesen, "
                     f"nicht „{kind}“.")
        return ReadResult(kind, None, report)
    try:
        if data is None:
            zu_gross = groesse_pruefen(name, Path(path).stat().st_size)  # SOZIALRAUM_MAX_MB, as everywhere
            if zu_gross:
                report.error(zu_gross)
                return ReadResult(kind, None, report)
            data = Path(path).read_bytes()
    except OSError as error:
        report.error(f"Die Datei lässt sich nicht öffnen: {error}")
        return ReadResult(kind, None, report)
    if kreis is not None:
        kreis = pad_area_key(str(kreis))
        if not re.fullmatch(r"\d{2,12}", kreis):
            report.error(f"„{kreis}“ ist kein Gebietsschlüssel-Anfang, erwartet wird z. B. 08317 (Ortenaukreis).")
            return ReadResult(kind, None, report)
    cells = zellen(data, report)
    if cells is None:
        return ReadResult(kind, None, report)
    build = {"bevoelkerung": _bevoelkerung, "bevoelkerungsprognose": _bevoelkerungsprognose,
             "indikatoren": _indikatoren}[kind]
    frame = build(cells, report, kreis, leere_gebiete)
    return ReadResult(kind, frame, report)


@dataclass(frozen=True)
class Zellen:
    """An official table as one row per value cell, whatever its layout.

    ``frame`` columns: ``zeile`` (Excel row), ``spalte`` (column as named in messages),
    ``stichtag`` (text as written), ``jahr``, ``raum_id``, ``raum_name``, ``alter`` (age label;
    ``""`` when the table has no age classification), ``summe`` (every other classification is
    "Insgesamt"), ``merkmal`` (the non-total labels of those), ``messgroesse``, ``einheit``,
    ``text`` (the cell as written), ``variante`` and ``variante_code`` (the variant of a population
    projection, BEVPR1 ``BEV-VARIANTE-02`` with its label; ``""`` in other tables: a variant is no
    classification with a total); flat exports add ``messcode`` (value_variable_code) and, with a
    ``value_q`` column, ``eingeschraenkt`` (quality flag "()": limited reliability).
    """

    frame: pd.DataFrame
    format: str  # "genesis" or "flat"
    tabelle: str  # e.g. "12411-02-03-5"
    titel: str
    hat_alter: bool
    tiefe: int | None = None  # code length of the table's regional depth (8 = Gemeinden), if it says


def zellen(data: bytes, report: ValidationReport) -> Zellen | None:
    """The value cells of an official export; ``None`` (errors in ``report``) if it is none."""
    fmt = amtliches_format(data) if b"\x00" not in data[:8192] else None
    text, encoding = decode_text(data)
    if fmt is None:
        report.error("Die Datei ist keine amtliche Statistikdatei: erwartet wird eine GENESIS-Tabelle (erste Zeile "
                     "„GENESIS-Tabelle: …“, Fußzeile „__________“) oder ein flacher Export der Regionaldatenbank "
                     "(erste Zeile „statistics_code;statistics_label;time_code;…“).")
        return None
    report.info(f"Amtliche Statistikdatei erkannt ({'GENESIS-Tabelle' if fmt == 'genesis' else 'flacher Export (ffcsv)'}, "
                f"Zeichensatz {encoding}).")
    try:
        return _classic(text, report) if fmt == "genesis" else _flat(text, report)
    except FileFormatError as error:  # e.g. a quote that is never closed
        report.error(str(error))
        return None


# --- small helpers ----------------------------------------------------------------------------

def _region_code(text: str) -> str | None:
    """A region code with its leading zero (Excel may have dropped it), or ``None``."""
    t = pad_area_key(text.strip())
    if t == "DG" or (t.isdigit() and len(t) in _LEVELS):
        return t
    return None


def _is_data_row(cells: list[str]) -> bool:
    """A row with a region code in front: first cell, or after filled key cells (date, year)."""
    for cell in cells[:4]:
        if not cell.strip():
            return False
        if _region_code(cell) is not None:
            return sum(1 for c in cells if c.strip()) >= 3
    return False


def _is_total(label: str) -> bool:
    f = fold(label).strip(" .:")
    return is_total(label) or f.startswith("insgesamt") or f in ("gesamt", "zusammen")


def _alter(label: str, inclusive: bool = True) -> Altersgruppe | None:
    """An official age label (``unter 1 Jahr``, ``3 bis unter 6 Jahre``, ``75 Jahre und mehr``)."""
    f = fold(label)
    if not any(word in f for word in ("jahr", "unter", "mehr", "aelter", "ueber")):
        return None  # bare numbers are years or codes, not ages
    return parse_altersgruppe(re.sub(r"\bjahr\b", "jahre", f), inclusive)


def _stichtag(text: str) -> tuple[str, int] | None:
    """``31.12.2015``, ``2024-12-31`` or ``2015`` -> (as written, year)."""
    t = text.strip()
    if _YEAR.match(t):
        return t, int(t)
    date = parse_date(t)
    return (t, date.year) if date else None


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _ist_variantencode(text: str) -> bool:
    return bool(_VARIANTE_CODE.match(fold(text).strip()))


def _ist_variante(text: str) -> bool:
    """A variant of a projection by its code (BEV-VARIANTE-02) or its name (Hauptvariante, Variante 1)."""
    return _ist_variantencode(text) or "variante" in fold(text)


def _join(parts: list[str]) -> str:
    out: list[str] = []
    for part in parts:
        part = re.sub(r"\s+", " ", part).strip()
        if part and fold(part) not in _CONNECTORS and part not in out:
            out.append(part)
    return " – ".join(out)


# --- classic GENESIS-Tabelle ---------------------------------------------------------------------

@dataclass
class _Column:
    index: int
    labels: list[str]  # one per header row
    stichtag: str = ""
    einheit: str = ""
    alter: str = ""
    summe: bool = True
    messgroesse: str = ""
    variante: str = ""


@dataclass
class _Blocks:
    """A classic table cut into its parts (rows as Excel numbers them, first line = 1)."""

    title: list[str]
    header: list[list[str]]  # the stacked header rows, padded to ``width``
    header_row: int  # Excel row of the first header row
    data: list[tuple[int, list[str]]]
    width: int


def _blocks(text: str, report: ValidationReport) -> _Blocks | None:
    """Title lines (text in column A only), header rows (labels right of the key columns), data, footer."""
    records = list(datensaetze(text, ";"))
    footer = next((i for i, r in enumerate(records) if r and r[0].strip().startswith("_____")), None)
    body = records if footer is None else records[:footer]
    if footer is None:
        report.info("Kein Fußbereich („__________“) gefunden; gelesen bis zum Dateiende.")
    first_data = next((i for i, r in enumerate(body) if _is_data_row(r)), None)
    if first_data is None:
        report.error("Keine Datenzeilen gefunden: erwartet werden Zeilen, die mit einem Regionalschlüssel wie DG, 08, "
                     "08317 oder 08317001 beginnen (bei langen Tabellen nach dem Stichtag).")
        return None
    head = body[:first_data]
    header = [(i, r) for i, r in enumerate(head) if any(c.strip() for c in r[1:])]
    title = [r[0].strip() for r in head if r and r[0].strip() and not any(c.strip() for c in r[1:])]
    if not header:
        report.error("Keine Kopfzeilen über den Daten gefunden: erwartet werden 1 bis 4 Zeilen mit den Spaltenbeschriftungen "
                     f"(z. B. Altersgruppen) direkt über Zeile {first_data + 1}.", first_data + 1)
        return None
    width = max(len(r) for _, r in header)
    data: list[tuple[int, list[str]]] = []
    for i in range(first_data, len(body)):
        record = body[i]
        if not any(c.strip() for c in record):
            continue
        filled = max(j for j, c in enumerate(record) if c.strip()) + 1
        if filled > width or len(record) < width:
            # A cut or shifted row: its values would land in the wrong age group.
            report.error(f"Die Zeile hat {filled if filled > width else len(record)} statt {width} Zellen "
                         "(Trennzeichen „;“) wie die Kopfzeilen", i + 1)
            continue
        data.append((i + 1, record[:width]))
    if not data:
        return None
    return _Blocks(title, [r + [""] * (width - len(r)) for _, r in header], header[0][0] + 1, data, width)


def _classic(text: str, report: ValidationReport) -> Zellen | None:
    blocks = _blocks(text, report)
    if blocks is None:
        return None
    title, data = blocks.title, blocks.data
    n_key = next((j for j in range(blocks.width) if any(r[j].strip() for r in blocks.header)), blocks.width)
    if n_key == 0 or n_key == blocks.width:
        report.error("Die Kopfzeilen lassen keine Schlüsselspalten (Regionalschlüssel, Name) links der Werte erkennen.",
                     blocks.header_row)
        return None
    tabelle = title[0].split(":", 1)[1].strip() if title and ":" in title[0] and "genesis" in fold(title[0]) else ""
    title_date = next((m.group(1) for line in title[1:] for m in [_DATE_IN_TEXT.search(line)] if m), None)
    title_date = title_date or next((line for line in title[1:] if _YEAR.match(line)), None)
    title_unit = next((m.group(1) for line in reversed(title) for m in [re.search(r"\(([^()]+)\)\s*$", line)]
                       if m and _UNIT.match(fold(m.group(1)))), "")
    keys = _key_roles(data, n_key, report)
    if keys is None:
        return None
    code_col, name_col, date_col, age_col, other_cols, (var_code_col, var_name_col) = keys
    columns = _value_columns(blocks.header, n_key, blocks.width, title_unit)
    if date_col is None and not any(c.stichtag for c in columns) and title_date is None:
        report.error("Kein Stichtag gefunden: erwartet wird ein Datum wie 31.12.2015 (oder ein Jahr) in den Titelzeilen, "
                     "in einer Kopfzeile oder in der ersten Spalte.")
        return None

    out: dict[str, list] = {k: [] for k in ("zeile", "spalte", "stichtag", "raum_id", "raum_name", "alter", "summe",
                                            "messgroesse", "einheit", "text", "variante", "variante_code")}
    spalte = [f"{_column_letter(c.index)}: {_join(c.labels) or 'Wert'}" for c in columns]
    for excel_row, cells in data:
        code = _region_code(cells[code_col])
        if code is None:
            report.error(f"„{cells[code_col].strip()}“ ist kein Regionalschlüssel, erwartet wird z. B. DG, 08, 08317 oder "
                         "08317001", excel_row, _column_letter(code_col), cells[code_col].strip())
            continue
        row_total = all(_is_total(cells[j]) or not cells[j].strip() for j in other_cols)
        row_merkmal = _join([cells[j] for j in other_cols if not _is_total(cells[j])])
        var_code = cells[var_code_col].strip() if var_code_col is not None else ""
        var_name = cells[var_name_col].strip() if var_name_col is not None else ""
        for position, column in enumerate(columns):
            out["zeile"].append(excel_row)
            out["spalte"].append(spalte[position])
            out["stichtag"].append(column.stichtag or (cells[date_col].strip() if date_col is not None else title_date or ""))
            out["raum_id"].append(code)
            out["raum_name"].append(cells[name_col].strip() if name_col is not None else "")
            out["alter"].append(column.alter or (cells[age_col].strip() if age_col is not None else ""))
            out["summe"].append(column.summe and row_total)
            out["messgroesse"].append(_join([column.messgroesse, row_merkmal]))
            out["einheit"].append(column.einheit)
            out["text"].append(cells[column.index].strip())
            out["variante"].append(var_name or column.variante or var_code)
            out["variante_code"].append(var_code)
    frame = pd.DataFrame(out).assign(merkmal="")
    if not _years(frame, report, lambda position: _column_letter(date_col) if date_col is not None else "Stichtag"):
        return None
    report.info(f"GENESIS-Tabelle {tabelle or '(ohne Nummer)'}: {len(title)} Titelzeilen, {len(blocks.header)} Kopfzeilen "
                f"ab Zeile {blocks.header_row}, {len(data)} Datenzeilen (Zeile {data[0][0]} bis {data[-1][0]}), "
                f"{len(columns)} Wertespalten.")
    depth = next((fold(line).split("regionale tiefe:", 1)[1] for line in title if "regionale tiefe:" in fold(line)), "")
    tiefe = next((length for word, length in _DEPTH_WORDS if word in depth), None)
    hat_alter = age_col is not None or any(c.alter for c in columns)
    return Zellen(frame, "genesis", tabelle, " ".join(title[1:]), hat_alter, tiefe)


def _key_roles(data_rows: list[tuple[int, list[str]]], n_key: int, report: ValidationReport):
    """Which key column holds the region code, name, Stichtag, age group; the rest classify."""
    distinct = [list(dict.fromkeys(cells[j].strip() for _, cells in data_rows)) for j in range(n_key)]

    def share(j: int, test) -> float:
        values = [v for v in distinct[j] if v]
        return sum(1 for v in values if test(v)) / len(values) if values else 0.0

    code_col = next((j for j in range(n_key) if share(j, lambda v: _region_code(v) is not None) >= 0.9), None)
    if code_col is None:
        report.error("Keine Spalte mit Regionalschlüsseln (DG, 08, 08317, 08317001 …) links der Werte gefunden.",
                     data_rows[0][0])
        return None
    date_col = next((j for j in range(n_key) if j != code_col and share(j, lambda v: _stichtag(v) is not None) >= 0.9), None)
    age_col = next((j for j in range(n_key) if j not in (code_col, date_col)
                    and sum(1 for v in distinct[j] if _alter(v)) >= 2
                    and share(j, lambda v: _alter(v) is not None or _is_total(v)) >= 0.9), None)
    name_col = code_col + 1 if code_col + 1 < n_key and code_col + 1 not in (date_col, age_col) else None
    others = [j for j in range(n_key) if j not in (code_col, date_col, age_col, name_col)]
    # The variant of a projection (BEVPR1): its code column (BEV-VARIANTE-02), the label right of it, or a
    # column of names with "Variante"; no classification with a total, so it stays out of ``others``.
    var_code = next((j for j in others if share(j, _ist_variantencode) >= 0.9), None)
    var_name = next((j for j in others if j != var_code and (var_code is not None and j == var_code + 1
                                                              or share(j, _ist_variante) >= 0.9)), None)
    others = [j for j in others if j not in (var_code, var_name)]
    return code_col, name_col, date_col, age_col, others, (var_code, var_name)


def _value_columns(rows: list[list[str]], n_key: int, width: int, title_unit: str) -> list[_Column]:
    """Label each value column from the stacked header rows: Stichtag, unit, age, totals."""
    columns = [_Column(j, [r[j].strip() for r in rows]) for j in range(n_key, width)]
    columns = [c for c in columns if any(c.labels)]
    kinds = []
    for level in range(len(rows)):
        values = [c.labels[level] for c in columns if c.labels[level]]
        if values and all(_stichtag(v) for v in values):
            kinds.append("stichtag")
        elif values and all(_UNIT.match(fold(v)) for v in values):
            kinds.append("einheit")
        elif len({v for v in values if _alter(v)}) >= 2 and all(_alter(v) or _is_total(v) for v in values):
            kinds.append("alter")
        elif values and all(_ist_variante(v) for v in values):
            kinds.append("variante")
        else:
            kinds.append("merkmal" if len(set(values)) > 1 else "konstant")
    for column in columns:
        parts = []
        for level, kind in enumerate(kinds):
            label = column.labels[level]
            if kind == "stichtag":
                column.stichtag = label
            elif kind == "einheit":
                column.einheit = label
            elif kind == "alter":
                column.alter = label
            elif kind == "variante":
                column.variante = label
            elif kind == "merkmal":
                column.summe &= (not label) or _is_total(label)
                parts.append(label)
            elif kind == "konstant" and len(columns) == 1:
                parts.append(label)
        column.einheit = column.einheit or title_unit
        column.messgroesse = _join(parts) or _join([c for c, k in zip(column.labels, kinds) if k == "konstant"])
    return columns


def _years(frame: pd.DataFrame, report: ValidationReport, column_of) -> bool:
    """``jahr`` from ``stichtag``; errors name the cell. A Stichtag other than 31.12. is a warning."""
    parsed = {text: _stichtag(text) for text in frame["stichtag"].unique()}
    bad = [t for t, p in parsed.items() if p is None]
    for text in bad:
        positions = np.nonzero((frame["stichtag"] == text).to_numpy())[0]
        for position in positions[:20]:
            report.error(f"„{text}“ ist kein Stichtag, erwartet wird ein Datum wie 31.12.2015 oder ein Jahr",
                         int(frame["zeile"].iat[position]), column_of(position), text)
    frame["jahr"] = frame["stichtag"].map(lambda t: parsed[t][1] if parsed[t] else -1).astype(np.int64)
    other = sorted(t for t, p in parsed.items() if p and not _YEAR.match(t) and not re.match(r"^(31\.12\.|\d{4}-12-31)", t))
    if other:
        report.warning(f"Stichtag {', '.join(other)} ist nicht der 31.12.; die Werte werden dem Jahr "
                       f"{', '.join(str(parsed[t][1]) for t in other)} zugeordnet.")
    return not bad


# --- flat export (ffcsv) ----------------------------------------------------------------------------

def _flat(text: str, report: ValidationReport) -> Zellen | None:
    records = datensaetze(text.lstrip("\ufeff"), ";")
    header = [h.strip() for h in next(records, [])]
    columns: list[list[str]] = [[] for _ in header]
    rows: list[int] = []
    for number, record in enumerate(records, start=2):
        if not any(c.strip() for c in record):
            continue
        if len(record) != len(header):
            report.error(f"Die Zeile hat {len(record)} statt {len(header)} Zellen (Trennzeichen „;“)", number)
            continue
        rows.append(number)
        for column, cell in zip(columns, record):
            column.append(cell.strip())
    raw = pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in zip(header, columns)})
    missing = [c for c in FLAT_COLUMNS if c not in raw.columns]
    groups = sorted(int(m.group(1)) for c in raw.columns for m in [re.fullmatch(r"(\d+)_variable_code", c)] if m)
    if missing:
        report.error(f"Im flachen Export fehlen die Spalten {', '.join(missing)}; gefunden: {', '.join(raw.columns)}.", 1)
        return None
    for g in groups:
        absent = [f"{g}_variable_{p}" for p in ("label", "attribute_code", "attribute_label") if f"{g}_variable_{p}" not in raw]
        if absent:
            report.error(f"Im flachen Export fehlen die Spalten {', '.join(absent)}.", 1)
            return None
    if not report.ok:
        return None
    zeile = np.array(rows, dtype=np.int64)
    n = len(raw)
    region = age = variante = None
    others: list[int] = []
    for g in groups:
        variables = set(raw[f"{g}_variable_code"].unique()) - {""}
        attributes = [a for a in raw[f"{g}_variable_attribute_code"].unique() if a]
        labels = raw[f"{g}_variable_attribute_label"].unique()
        if region is None and (variables & set(_REGION_VARIABLES)
                               or (attributes and all(_region_code(a) for a in attributes))):
            region = g
        elif variante is None and (variables & _VARIANTEN_VARIABLEN
                                   or any("variante" in fold(v) for v in raw[f"{g}_variable_label"].unique())
                                   or (attributes and all(_ist_variantencode(a) for a in attributes))):
            variante = g
        elif age is None and sum(1 for v in labels if _alter(v)) >= 2 and all(_alter(v) or _is_total(v) for v in labels):
            age = g
        else:
            others.append(g)
    if region is None:
        report.error("Der flache Export hat keine Regionalvariable (KREISE, GEMEIN, DLAND … mit Schlüsseln wie 08317): "
                     "erwartet wird eine Tabelle nach Gebieten.", 1)
        return None
    codes = raw[f"{region}_variable_attribute_code"]
    summe = np.ones(n, dtype=bool)
    merkmal_parts = []
    for g in others:
        code, label = raw[f"{g}_variable_attribute_code"], raw[f"{g}_variable_attribute_label"]
        total = (code == "").to_numpy() | label.map(_is_total).to_numpy(dtype=bool)
        summe &= total
        merkmal_parts.append(label.where(~total, ""))
    alter = raw[f"{age}_variable_attribute_label"].where(raw[f"{age}_variable_attribute_code"] != "", "Insgesamt") \
        if age is not None else pd.Series([""] * n)
    merkmal = [_join(list(parts)) for parts in zip(*merkmal_parts)] if merkmal_parts else [""] * n
    frame = pd.DataFrame({
        "zeile": zeile,
        "spalte": "value",
        "stichtag": raw["time"].str.strip().to_numpy(),
        "raum_id": [(_region_code(c) or c.strip()) for c in codes],
        "raum_name": raw[f"{region}_variable_attribute_label"].str.strip().to_numpy(),
        "alter": alter.to_numpy(),
        "summe": summe,
        "merkmal": merkmal,
        "messgroesse": raw["value_variable_label"].str.strip().to_numpy(),
        "messcode": raw["value_variable_code"].str.strip().to_numpy(),
        "einheit": raw["value_unit"].str.strip().to_numpy(),
        "text": raw["value"].str.strip().to_numpy(),
        "variante": (raw[f"{variante}_variable_attribute_label"].str.strip().to_numpy() if variante is not None
                     else ""),
        "variante_code": (raw[f"{variante}_variable_attribute_code"].str.strip().to_numpy() if variante is not None
                          else ""),
    })
    bad_codes = ~frame["raum_id"].map(lambda c: _region_code(c) is not None).to_numpy(dtype=bool)
    for position in np.nonzero(bad_codes)[0][:50]:
        report.error(f"„{frame['raum_id'].iat[position]}“ ist kein Regionalschlüssel, erwartet wird z. B. 08317 oder 08317001",
                     int(zeile[position]), f"{region}_variable_attribute_code", frame["raum_id"].iat[position])
    if "value_q" in raw:
        limited = (raw["value_q"].str.strip() == "()").to_numpy()
        frame["eingeschraenkt"] = limited
    if not _years(frame, report, lambda position: "time") or bad_codes.any():
        return None
    variables = ", ".join(f"{raw[f'{g}_variable_code'].iat[0]} ({raw[f'{g}_variable_label'].iat[0]})" for g in groups) if n else ""
    report.info(f"Flacher Export {raw['statistics_code'].iat[0] if n else ''}: {format_number(n)} Werte, Variablen {variables}.")
    statistik = raw["statistics_code"].iat[0] if n else ""
    titel = raw["statistics_label"].iat[0] if n and "statistics_label" in raw else ""
    tiefe = next((_REGION_VARIABLES[v] for v in raw[f"{region}_variable_code"].unique() if _REGION_VARIABLES.get(v)), None)
    return Zellen(frame, "flat", statistik, titel, age is not None, tiefe)


# --- regions ---------------------------------------------------------------------------------------

# Berlin and Hamburg are Land, Kreis and Gemeinde at once: tables of Kreise often list them only as
# their Land row (11, 02), sometimes as 11000 / 02000, tables of Gemeinden as 11000000 / 02000000.
_STADTSTAATEN = {"11": "Berlin", "02": "Hamburg"}
_STADTSTAAT_EBENEN = {5: "Kreise", 8: "Gemeinden", 12: "Gemeinden"}


def _stadtstaat(kreis: str | None) -> str | None:
    """The Land code of a city-state key in any form (``11``, ``11000``, ``11000000``), else ``None``."""
    if kreis and kreis[:2] in _STADTSTAATEN and not kreis[2:].strip("0"):
        return kreis[:2]
    return None


def stadtstaat_schluessel(kreis: str | None) -> tuple[str, tuple[str, ...]] | None:
    """Berlin or Hamburg for a city-state key in any form (``11``, ``11000``, ``11000000``, ``2000``
    with Excel's lost zero): its name and the keys of its whole-state rows in official tables, the
    Kreis row first (``11000``, ``11000000``, ``11``); ``None`` for any other key."""
    land = _stadtstaat(pad_area_key(str(kreis))) if kreis else None
    if land is None:
        return None
    return _STADTSTAATEN[land], (land + "000", land + "000000", land)


def _stadtstaat_bezirke(kept: set[str], parents: dict[str, str]) -> dict[str, list[str]]:
    """A city-state's whole-state row (``11000000``) kept beside rows below it (its Bezirke
    ``11001001`` … in the Regionalatlas): the whole state stays, its parts are taken out of ``kept``
    (and ``parents``), so that Berlin is not counted twice in a sum. Returns {whole row: parts left out}.
    A Bezirk key (``11001``) does not select the whole-state row, so its Bezirke stay then."""
    out: dict[str, list[str]] = {}
    for land in _STADTSTAATEN:
        ganz = [c for c in kept if c[:2] == land and not c[2:].strip("0")]
        teile = sorted(c for c in kept if c[:2] == land and c[2:].strip("0"))
        if ganz and teile:
            out[max(ganz, key=len)] = teile
            kept.difference_update(teile)
            for code in teile:
                parents.pop(code, None)
    return out


def _stadtstaat_zeilen(codes: list[str], land: str) -> list[str]:
    """The rows of a city-state as a whole (``11``, ``11000``, ``11000000`` …), coarsest first;
    not its parts (Berlin's Bezirke 11001001 … in the Regionalatlas)."""
    return sorted((c for c in set(codes) if c[:2] == land and not c[2:].strip("0")), key=len)


def _stadtstaat_zeile(code: str, names: dict[str, str]) -> str:
    """``Schlüssel 11`` or ``Schlüssel 11000, Berlin, kreisfreie Stadt`` for messages."""
    name = names.get(code, "")
    return f"Schlüssel {code}" if not name or name == _STADTSTAATEN.get(code[:2]) else f"Schlüssel {code}, {name}"


def _stadtstaat_als_kreis(codes: list[str], land: str) -> tuple[set[str], int | None, dict[str, str], dict[str, str]]:
    """``kreis`` names a city-state that the prefix alone does not find (or finds as the Land row only).

    Takes its finest whole-state row: ``11000`` or ``11000000`` as it appears, else the Land row
    ``11`` as the Kreis ``11000``; a coarser row of the same state only checks it. Returns what
    :func:`_select_regions` returns plus the renaming (old code -> new code).
    """
    rows = _stadtstaat_zeilen(codes, land)
    if not rows:
        return set(), None, {}, {}
    chosen = rows[-1]
    parents = {chosen: rows[-2]} if len(rows) > 1 else {}
    umbenannt = {chosen: land + "000"} if chosen == land else {}
    return {chosen}, len(chosen), parents, umbenannt


def _stadtstaaten_landesweit(codes: list[str], kept: set[str], level: int | None,
                             parents: dict[str, str]) -> dict[str, str]:
    """A table of all Kreise (or Gemeinden) without a row of that level for Berlin/Hamburg: their
    finest whole-state row (the Land row ``11``, or ``11000`` in a table of Gemeinden) is added to
    ``kept`` and becomes ``11000`` (``11000000``); a coarser row of the same state only checks it.

    Updates ``kept`` and ``parents`` in place; returns the renaming (old code -> new code).
    """
    if level not in _STADTSTAAT_EBENEN:
        return {}
    out: dict[str, str] = {}
    for land in _STADTSTAATEN:
        if any(c.startswith(land) for c in kept):
            continue
        rows = [c for c in _stadtstaat_zeilen(codes, land) if len(c) < level]
        if not rows:
            continue
        chosen = rows[-1]
        kept.add(chosen)
        if len(rows) > 1:
            parents[chosen] = rows[-2]
        out[chosen] = land.ljust(level, "0")
    return out


def _select_regions(codes: list[str], kreis: str | None, tiefe: int | None) -> tuple[set[str], int | None, dict[str, str]]:
    """Codes kept, their level (code length) and each kept code's nearest coarser row inside the prefix.

    ``tiefe`` is the table's regional depth as it states it ("regionale Tiefe: Kreise …",
    variable KREISE): a table of Kreise also lists a few kreisangehörige Städte (Hannover,
    Aachen, Saarbrücken) with 8-digit codes, which must not be taken for its level.
    """
    present = set(codes) - {"DG"}
    prefix = kreis or ""
    inside = {c for c in present if c.startswith(prefix)}
    if tiefe is not None and any(len(c) == tiefe for c in inside):
        level = tiefe
    else:
        below = [c for c in inside if len(c) > len(prefix)]
        counts = {length: sum(1 for c in below if len(c) == length) for length in _LEVELS}
        level = max(counts, key=lambda length: counts[length]) if below else (len(prefix) if prefix in present else None)
    kept = {c for c in inside if len(c) == level}
    # Check against coarser rows inside the selection only: the Kreis for its Gemeinden, not the
    # Regierungsbezirk for the one Kreis chosen.
    coarser = sorted((c for c in inside if level is not None and len(prefix) <= len(c) < level), key=len, reverse=True)
    parents: dict[str, str] = {}
    for code in kept:
        parent = next((p for p in coarser if code.startswith(p)), None)
        if parent is not None:
            parents[code] = parent
    return kept, level, parents


def _values(cells: pd.DataFrame, report: ValidationReport, expected: str, integer: bool) -> tuple[np.ndarray, list]:
    """Numbers (German style as the offices write) and the reasons of special values; errors per cell."""
    parsed: dict[str, tuple[float, str | None, str | None]] = {}
    for text in cells["text"].unique():
        reason = special_reason(text) if text else None
        if text == "":
            parsed[text] = (np.nan, None, f"Die Zelle ist leer, erwartet wird {expected} oder ein amtliches Zeichen "
                                          "(-, ., ..., /, x)")
        elif reason is not None:
            parsed[text] = (np.nan, reason, None)
        else:
            number = parse_number(text, "de")
            if number is None:
                problem = f"„{text}“ ist keine Zahl, erwartet wird {expected} oder ein amtliches Zeichen (-, ., ..., /, x)"
            elif integer and (number < 0 or not float(number).is_integer()):
                problem = f"„{text}“ ist keine ganze Zahl ≥ 0, erwartet wird {expected}"
            else:
                problem = None
            parsed[text] = (np.nan if problem else number, None, problem)
    values = np.array([parsed[t][0] for t in cells["text"]], dtype=float)
    reasons = [parsed[t][1] for t in cells["text"]]
    for position, text in enumerate(cells["text"]):
        problem = parsed[text][2]
        if problem:
            report.error(problem, int(cells["zeile"].iat[position]), cells["spalte"].iat[position], text)
    return values, reasons


def _filter_regions(cells: pd.DataFrame, report: ValidationReport, kreis: str | None,
                    tiefe: int | None) -> tuple[pd.DataFrame, dict[str, str]] | None:
    codes = list(dict.fromkeys(cells["raum_id"]))
    kept, level, parents = _select_regions(codes, kreis, tiefe)
    bezirke = _stadtstaat_bezirke(kept, parents)
    land = _stadtstaat(kreis)
    umbenannt: dict[str, str] = {}
    ersatz = land is not None and (not kept or kept == {land})
    if ersatz:
        kept, level, parents, umbenannt = _stadtstaat_als_kreis(codes, land)
    elif kreis is None:
        umbenannt = _stadtstaaten_landesweit(codes, kept, level, parents)
    names = dict(zip(cells["raum_id"], cells["raum_name"]))
    if not kept:
        sample = ", ".join(c for c in codes if c != "DG")[:120]
        auch = f" (auch nicht als Stadtstaat {_STADTSTAATEN[land]}, {land})" if land else ""
        report.error(f"Kein Gebiet mit dem Schlüssel {kreis}…{auch} in der Datei; enthalten sind: {sample}.")
        return None
    if ersatz:
        (code,) = kept
        if code in umbenannt:
            report.info(f"{_STADTSTAATEN[land]} ist ein Stadtstaat (Land, Kreis und Gemeinde zugleich); die Datei führt "
                        f"es nur als Land ({_stadtstaat_zeile(code, names)}): diese Landeszeile wurde als Kreis "
                        f"{umbenannt[code]} übernommen.")
        else:
            kontrolle = f"; die Zeile {parents[code]} dient nur zur Kontrolle" if code in parents else ""
            report.info(f"{_STADTSTAATEN[land]} ist ein Stadtstaat (Land, Kreis und Gemeinde zugleich): für den "
                        f"Schlüssel {kreis} wurde die Zeile {code} ({names.get(code, '')}) übernommen{kontrolle}."
                        .replace(" ()", ""))
    elif kreis and level == len(kreis):
        report.info(f"Übernommen: nur die Zeile {kreis} ({names.get(kreis, '')}) selbst; die Datei enthält keine "
                    "feineren Gebiete darunter.")
    else:
        where = f" unter {kreis} ({names.get(kreis, '')})".replace(" ()", "") if kreis else ""
        report.info(f"Übernommen: {len(kept)} {_LEVELS.get(level, 'Gebiete')}{where}"
                    f"{'; höhere Ebenen dienen nur zur Kontrolle' if parents else ''}.")
    for ganz, teile in bezirke.items():
        stadt = _STADTSTAATEN[ganz[:2]]
        beispiele = " … ".join(f"{c} {names.get(c, '')}".strip() for c in dict.fromkeys([teile[0], teile[-1]]))
        report.info(f"{stadt} ist ein Stadtstaat: die Datei führt die ganze Stadt ({_stadtstaat_zeile(ganz, names)}) "
                    f"und darunter {len(teile)} {'Bezirk' if len(teile) == 1 else 'Bezirke'} ({beispiele}). Übernommen "
                    f"wurde nur die ganze Stadt als ein Gebiet; die Bezirke sind ausgelassen, sonst zählte {stadt} in "
                    f"Summen doppelt. Für einen einzelnen Bezirk dessen Schlüssel als Kreis angeben (z. B. {teile[0][:5]}).")
    if umbenannt and kreis is None:
        ebene = _STADTSTAAT_EBENEN[level]
        listed = ", ".join(f"{_STADTSTAATEN[old[:2]]} ({_stadtstaat_zeile(old, names)}) als {new}"
                           for old, new in sorted(umbenannt.items(), key=lambda item: item[1]))
        report.info(f"Stadtstaaten als {ebene} übernommen: {listed}. Berlin und Hamburg sind Land, Kreis und Gemeinde "
                    f"zugleich, die Datei führt sie nicht eigens als {ebene}; die übrigen Länderzeilen bleiben als "
                    "Summen außen vor.")
    keep = cells["raum_id"].isin(kept | set(parents.values())).to_numpy()
    out = cells[keep].reset_index(drop=True)
    if umbenannt:
        out["raum_id"] = out["raum_id"].map(lambda code: umbenannt.get(code, code))
        parents = {umbenannt.get(code, code): parent for code, parent in parents.items()}
    return out, parents


# --- bevoelkerung --------------------------------------------------------------------------------------

def _bevoelkerungsprognose(cells: Zellen, report: ValidationReport, kreis: str | None,
                           leere_gebiete: bool) -> pd.DataFrame | None:
    """A population projection (12421): as the population, with its variant and source; the variant is
    chosen, and the remaining checks made, by :func:`vorausberechnung.pruefen` (for every reader alike)."""
    if not cells.hat_alter:
        report.error("Die Vorausberechnung hat keine Altersgruppen: die Prognose braucht die Bevölkerung unter 21 "
                     "(oder unter 18, 18 bis unter 21). Bitte die Tabelle mit Altersgruppen exportieren (z. B. "
                     "Merkmal ALTX20, „unter 3 Jahre“ bis „20 bis unter 25 Jahre“).")
        return None
    out = _bevoelkerung(cells, report, kreis, leere_gebiete, prognose=True)
    if out is None:
        return None
    wo = f"GENESIS-Tabelle {cells.tabelle}" if cells.format == "genesis" else \
        f"GENESIS-Statistik {cells.tabelle} {cells.titel}".strip()
    out["quelle"] = pd.Series([f"Statistische Ämter des Bundes und der Länder, {wo}"] * len(out), dtype="str")
    return out


def _bevoelkerung(cells: Zellen, report: ValidationReport, kreis: str | None, leere_gebiete: bool,
                  prognose: bool = False) -> pd.DataFrame | None:
    totals = _population_cells(cells, report)
    filtered = _filter_regions(totals, report, kreis, cells.tiefe) if totals is not None else None
    if filtered is None:
        return None
    kept, parents = filtered
    thousands = kept["einheit"].map(lambda u: fold(u) in ("1000", "tsd", "tsd.", "1 000")).to_numpy(dtype=bool)
    values, reasons = _values(kept, report, "eine Anzahl Einwohner", integer=not thousands.any())
    if thousands.any():
        values = np.where(thousands, values * 1000, values)
        report.warning("Die Werte sind in Tausend angegeben (Einheit 1000) und werden mit 1.000 multipliziert; "
                       "sie sind gerundete Hochrechnungen.")
    kept = kept.assign(anzahl=values, grund=reasons, alter=kept["alter"] if cells.hat_alter else TOTAL_AGE_LABEL)
    groups = _age_groups(kept, report) if cells.hat_alter else {TOTAL_AGE_LABEL: Altersgruppe(0, None)}
    if not report.ok or groups is None:
        return None
    _check_members(kept, parents, report)
    members = kept[~kept["raum_id"].isin(set(parents.values()))]
    age_total = ~members["alter"].isin(groups.keys()).to_numpy()
    _check_age_totals(members, age_total, report)
    rows = _drop_empty_areas(members[~age_total], report, leere_gebiete)
    if rows.empty:
        report.error("Nach der Auswahl bleiben keine Bevölkerungszahlen übrig.")
        return None
    out = _population_frame(rows, groups, mit_variante=prognose)
    if prognose:
        return out  # duplicates, the "unter 21" note: after the variant is chosen (vorausberechnung.pruefen)
    _report_duplicates(out, ["jahr", "raum_id", "alter_von", "alter_bis"], "Jahr, Gebiet und Altersgruppe", report)
    if cells.hat_alter:
        for message in altersgrenzen_hinweise(out):
            report.warning(message)
    else:
        report.warning(f"Die Tabelle hat keine Altersgruppen: übernommen wird die Gesamtbevölkerung als Altersgruppe "
                       f"„{TOTAL_AGE_LABEL}“. Eckwerte je Einwohner unter 21 (oder unter 18) lassen sich daraus nicht "
                       "berechnen, nur Werte je Einwohner insgesamt.")
    return out


def _population_cells(cells: Zellen, report: ValidationReport) -> pd.DataFrame | None:
    """The cells that count everybody: one value variable, "Insgesamt" of sex, nationality …"""
    frame = cells.frame
    if not re.match(r"^124\d\d", cells.tabelle) and "bev" not in fold(cells.titel + " ".join(frame["messgroesse"].unique()[:20])):
        report.warning(f"Die Tabelle {cells.tabelle or cells.titel} scheint keine Bevölkerungstabelle zu sein "
                       "(erwartet z. B. 12411-… Bevölkerungsstand); bitte prüfen.")
    if "messcode" in frame and frame["messcode"].nunique() > 1:
        codes = list(frame["messcode"].unique())
        if "BEVSTD" not in codes:
            report.error(f"Der Export enthält mehrere Wertvariablen ({', '.join(codes)}); für die Bevölkerung wird genau "
                         "eine erwartet (z. B. BEVSTD Bevölkerungsstand).")
            return None
        frame = frame[frame["messcode"] == "BEVSTD"]
    totals = frame[frame["summe"].to_numpy(dtype=bool)]
    if totals.empty:
        found = ", ".join(dict.fromkeys(frame["spalte"] if cells.format == "genesis" else frame["merkmal"]))[:200]
        report.error("Keine Spalte bzw. Zeile „Insgesamt“ gefunden: die Bevölkerung wird über alle Geschlechter und "
                     f"Nationalitäten gebraucht; gefunden: {found}.")
        return None
    return totals


def _age_groups(cells: pd.DataFrame, report: ValidationReport) -> dict[str, Altersgruppe] | None:
    """The file's age labels as intervals; totals ("Insgesamt") are not groups."""
    labels = [a for a in dict.fromkeys(cells["alter"]) if a and not _is_total(a)]
    inclusive = ranges_are_inclusive(labels)
    groups = {label: _alter(label, inclusive) for label in labels}
    for label, group in groups.items():
        if group is None:
            position = int(np.argmax((cells["alter"] == label).to_numpy()))
            report.error(f"„{label}“ ist keine erkennbare Altersgruppe, erwartet z. B. „unter 3 Jahre“, "
                         "„3 bis unter 6 Jahre“ oder „75 Jahre und mehr“", int(cells["zeile"].iat[position]),
                         cells["spalte"].iat[position], label)
    return None if any(g is None for g in groups.values()) else groups


def _population_frame(rows: pd.DataFrame, groups: dict[str, Altersgruppe], mit_variante: bool = False) -> pd.DataFrame:
    """The columns and dtypes read_table gives for bevoelkerung, sorted by area, year, age; ``mit_variante``:
    the variant of a projection too (``variante``, and its code ``variante_code`` for choosing it)."""
    von = rows["alter"].map(lambda a: groups[a].von).to_numpy(dtype=float)
    bis = rows["alter"].map(lambda a: np.nan if groups[a].bis is None else groups[a].bis).to_numpy(dtype=float)
    order = ["raum_id", "variante", "jahr", "alter_von"] if mit_variante else ["raum_id", "jahr", "alter_von"]
    rows = rows.assign(alter_von=von, alter_bis=bis).sort_values(order, kind="stable")
    out = pd.DataFrame({
        "jahr": pd.array(rows["jahr"].to_numpy(), dtype="Int32"),
        "raum_id": _category(rows["raum_id"]),
        "altersgruppe": pd.Series(rows["alter"].to_numpy(dtype=object), dtype="str"),
        "anzahl": rows["anzahl"].to_numpy(dtype=float),
    })
    if rows["grund"].notna().any():
        out["anzahl_grund"] = pd.Series(rows["grund"].to_numpy(dtype=object), dtype="str")
    out["zeile"] = rows["zeile"].to_numpy(dtype=np.int64)
    out["alter_von"] = rows["alter_von"].to_numpy()
    out["alter_bis"] = rows["alter_bis"].to_numpy()
    out.attrs["spalten"] = {"jahr": "Stichtag", "raum_id": "Regionalschlüssel", "altersgruppe": "Altersgruppe", "anzahl": "Wert"}
    if mit_variante:
        for spalte in ("variante", "variante_code"):
            out[spalte] = pd.Series(rows[spalte].to_numpy(dtype=object), dtype="str")
        out.attrs["spalten"]["variante"] = "Variante"
    return out


def _category(values: pd.Series) -> pd.Series:
    """The area key as read_table gives it: categorical over object strings, in order of appearance."""
    categories = pd.Index(list(dict.fromkeys(values)), dtype=object)
    return pd.Series(pd.Categorical(values.to_numpy(dtype=object), categories=categories))


def _check_members(cells: pd.DataFrame, parents: dict[str, str], report: ValidationReport) -> None:
    """Each coarser row (e.g. the Kreis) against the sum of its kept members, per year and age group.

    ``-`` counts as 0 (it means nothing); other special values make a sum uncheckable.
    """
    if not parents:
        return
    names = dict(zip(cells["raum_id"], cells["raum_name"]))
    keys = ["eltern", "jahr", "alter", "messgroesse", "variante"]
    members = cells[cells["raum_id"].isin(parents.keys())]
    members = members.assign(eltern=members["raum_id"].map(parents), beitrag=_contribution(members))
    grouped = members.groupby(keys, sort=False)
    sums = pd.DataFrame({"summe": grouped["beitrag"].sum(), "unbekannt": grouped["beitrag"].apply(lambda s: s.isna().any()),
                         "n": grouped["raum_id"].nunique()}).reset_index()
    rows = cells[cells["raum_id"].isin(set(parents.values()))]
    rows = rows.assign(eltern=rows["raum_id"], erwartet=_contribution(rows))
    merged = sums.merge(rows[keys + ["erwartet", "zeile", "spalte", "text"]], on=keys, how="inner", sort=False)
    known = ~merged["unbekannt"] & merged["erwartet"].notna()
    if (~known).any():
        report.info(f"{int((~known).sum())} Summen ließen sich nicht prüfen (geheime oder unbekannte Werte).")
    merged = merged[known]
    counts = merged.groupby("eltern", sort=False)["n"].max()
    if len(counts):
        listed = "; ".join(f"{p} ({names.get(p, '')}): {n} Gebiete" for p, n in list(counts.items())[:10])
        report.info(f"Kontrolle der Summen gegen die übergeordneten Zeilen: {listed}{' …' if len(counts) > 10 else ''}.")
    wrong = merged[(merged["summe"] - merged["erwartet"]).abs() > 0.5]
    for (eltern, jahr), found in wrong.groupby(["eltern", "jahr"], sort=False):
        details = "; ".join(f"{f'Altersgruppe „{r.alter}“' if r.alter else 'Wert'}: Summe {format_number(r.summe)} statt "
                            f"{format_number(r.erwartet)} (Differenz {format_number(r.summe - r.erwartet)})"
                            for r in found.head(5).itertuples())
        more = f" und {len(found) - 5} weitere" if len(found) > 5 else ""
        first = found.iloc[0]
        report.warning(f"Die Summe der {int(counts[eltern])} Gebiete unter {eltern} ({names.get(eltern, '')}) weicht "
                       f"{jahr} von dieser Zeile ab: {details}{more}. Fehlt ein Gebiet oder wurde die Datei verändert?",
                       int(first["zeile"]), first["spalte"], first["text"])


def _contribution(cells: pd.DataFrame) -> np.ndarray:
    """Counts for sums: ``-`` (nichts vorhanden) is 0, other special values unknown."""
    return np.where(cells["grund"].to_numpy(dtype=object) == NICHTS, 0.0, cells["anzahl"].to_numpy(dtype=float))


def _check_age_totals(cells: pd.DataFrame, age_total: np.ndarray, report: ValidationReport) -> None:
    """The age groups of each area and year against its "Insgesamt" cell."""
    if not age_total.any():
        return
    frame = cells.assign(wert=_contribution(cells))
    keys = ["raum_id", "jahr", "messgroesse", "variante"]
    grouped = frame[~age_total].groupby(keys, sort=False)["wert"]
    sums = pd.DataFrame({"summe": grouped.sum(), "unbekannt": grouped.apply(lambda s: s.isna().any())}).reset_index()
    totals = frame[age_total][keys + ["wert", "raum_name", "zeile", "spalte", "text"]]
    merged = sums.merge(totals, on=keys, how="inner", sort=False)
    wrong = merged[~merged["unbekannt"] & merged["wert"].notna() & ((merged["summe"] - merged["wert"]).abs() > 0.5)]
    for r in wrong.itertuples():
        report.warning(f"Die Altersgruppen von {r.raum_id} ({r.raum_name}) ergeben {r.jahr} zusammen {format_number(r.summe)}, "
                       f"die Angabe „Insgesamt“ nennt {format_number(r.wert)}", int(r.zeile), r.spalte, r.text)


def _drop_empty_areas(rows: pd.DataFrame, report: ValidationReport, keep: bool) -> pd.DataFrame:
    """Areas whose every count is ``-`` (gemeindefreie Gebiete, defunct Kreise): left out unless ``keep``."""
    flags = rows.groupby("raum_id", sort=False)["grund"].agg(lambda s: bool((s == NICHTS).all()))
    empty = [code for code, flag in flags.items() if flag]
    if not empty:
        return rows
    first = rows[rows["raum_id"].isin(empty)].drop_duplicates("raum_id")
    what = ("übernommen ohne Anzahl; Summen, zu denen sie gehören, werden dadurch unbekannt" if keep else "ausgelassen")
    if len(empty) <= 5:
        for r in first.itertuples():
            report.warning(f"{r.raum_id} ({r.raum_name}) hat keine Einwohner (alle Werte „-“, nichts vorhanden) und wird "
                           f"{what}", int(r.zeile))
    else:
        listed = ", ".join(f"{r.raum_id} {r.raum_name} (Zeile {r.zeile})" for r in first.head(10).itertuples())
        report.warning(f"{len(empty)} Gebiete haben keine Einwohner (alle Werte „-“, nichts vorhanden: gemeindefreie Gebiete "
                       f"oder aufgelöste Kreise) und werden {what}: {listed}{' …' if len(empty) > 10 else ''}")
    return rows if keep else rows[~rows["raum_id"].isin(empty)]


def _report_duplicates(frame: pd.DataFrame, keys: list[str], what: str, report: ValidationReport) -> None:
    duplicated = frame.duplicated(keys, keep="first").to_numpy()
    if not duplicated.any():
        return
    first = frame.groupby(keys, dropna=False, observed=True, sort=False)["zeile"].transform("min").to_numpy()
    for position in np.nonzero(duplicated)[0][:50]:
        report.error(f"{what} doppelt (schon in Zeile {int(first[position])})", int(frame["zeile"].iat[position]))


# --- under 21 from official age groups ------------------------------------------------------------------

def altersgrenzen_hinweise(bevoelkerung: pd.DataFrame) -> list[str]:
    """German warnings saying how "unter 21" (and 18 bis unter 21, unter 18) are estimated from the file's groups.

    The engine (:func:`altersgruppen.population_in_range`) spreads a group that straddles a limit
    evenly over its years: with the official 17 groups, "unter 21" = 0 bis unter 20 plus 1/5 of
    20 bis unter 25. The warning names the groups, the fraction and the figure for the latest
    year, summed over the areas with complete counts, exactly as the engine computes it.
    """
    frame = bevoelkerung.dropna(subset=["alter_von"])
    if frame.empty:
        return []
    jahr = int(frame["jahr"].max())
    latest = frame[frame["jahr"] == jahr].assign(raum_id=lambda f: f["raum_id"].astype(str))
    parts = []
    for key in ("u21", "u18", "18_21"):
        bereich = DENOMINATORS[key]
        von = latest["alter_von"].to_numpy(dtype=float)
        upper = np.nan_to_num(latest["alter_bis"].to_numpy(dtype=float, na_value=np.nan), nan=np.inf)
        straddle = (von < bereich.bis) & (upper > bereich.bis)
        if not straddle.any():
            continue
        cut_von, cut_bis = float(von[straddle][0]), float(upper[straddle][0])
        name = "unter 21 Jahre" if key == "u21" else bereich.label
        if np.isinf(cut_bis):
            parts.append(f"{name} lässt sich nicht bilden: die Gruppe ab {int(cut_von)} Jahren ist nach oben offen")
            continue
        share = Fraction(int(bereich.bis - cut_von), int(cut_bis - cut_von))
        per_area = population_in_range(latest, bereich)
        complete = set(per_area.loc[per_area["anzahl"].notna(), "raum_id"])
        inside = latest["raum_id"].isin(complete).to_numpy()
        exact = (von >= bereich.von) & (upper <= bereich.bis) & inside
        figure = (f"{jahr}, Summe {_gebiete(len(complete))}: {format_number(latest.loc[exact, 'anzahl'].sum())} + {share} × "
                  f"{format_number(latest.loc[straddle & inside, 'anzahl'].sum())} = "
                  f"{format_number(per_area['anzahl'].sum(min_count=1), 1)}")
        missing = sorted(set(latest["raum_id"]) - complete)
        if missing:
            figure += f" (ohne {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}: dort fehlen Werte)"
        parts.append(f"{name} wird aus den amtlichen Altersgruppen geschätzt: {bereich.von} bis unter {int(cut_von)} Jahre "
                     f"vollständig plus {share} der Gruppe „{int(cut_von)} bis unter {int(cut_bis)} Jahre“ (die "
                     f"{int(cut_bis - cut_von)} Altersjahre der Gruppe gelten als gleich stark besetzt; lineare "
                     f"Interpolation); {figure}")
    if not parts:
        return []
    return ["; ".join(parts) + ". Eckwerte mit diesem Nenner sind Näherungen."]


def _gebiete(n: int) -> str:
    return "des einen Gebiets" if n == 1 else f"der {n} Gebiete"


# --- indikatoren -------------------------------------------------------------------------------------------

def _indikatoren(cells: Zellen, report: ValidationReport, kreis: str | None, leere_gebiete: bool) -> pd.DataFrame | None:
    frame = cells.frame
    filtered = _filter_regions(frame, report, kreis, cells.tiefe)
    if filtered is None:
        return None
    cells_kept, parents = filtered
    cells_kept = cells_kept[~cells_kept["raum_id"].isin(set(parents.values()))]
    cells_kept = cells_kept.sort_values(["raum_id", "jahr"], kind="stable").reset_index(drop=True)
    values, reasons = _values(cells_kept, report, "eine Zahl", integer=False)
    if not report.ok:
        return None
    age = cells_kept["alter"].map(lambda a: "" if not a or _is_total(a) else a)
    indikator = [_join([m, x, a]) for m, x, a in zip(cells_kept["messgroesse"], cells_kept["merkmal"], age)]
    out = pd.DataFrame({
        "jahr": pd.array(cells_kept["jahr"].to_numpy(), dtype="Int32"),
        "raum_id": _category(cells_kept["raum_id"]),
        "indikator": pd.Series(indikator, dtype="str"),
        "wert": values,
    })
    if any(r is not None for r in reasons):
        out["wert_grund"] = pd.Series(reasons, dtype="str")
    out["einheit"] = pd.Series([u or None for u in cells_kept["einheit"]], dtype="str")
    out["zeile"] = cells_kept["zeile"].to_numpy(dtype=np.int64)
    out.attrs["spalten"] = {"jahr": "Stichtag", "raum_id": "Regionalschlüssel", "indikator": "Merkmal", "wert": "Wert",
                            "einheit": "Einheit"}
    if "eingeschraenkt" in cells_kept and cells_kept["eingeschraenkt"].any():
        rows = cells_kept.loc[cells_kept["eingeschraenkt"].to_numpy(dtype=bool), "zeile"].tolist()
        report.warning(f"{len(rows)} {'Wert ist' if len(rows) == 1 else 'Werte sind'} als „Aussagewert eingeschränkt“ "
                       "gekennzeichnet (value_q „()“), "
                       f"z. B. Zeile {', '.join(str(r) for r in rows[:5])}.")
    _report_duplicates(out, ["jahr", "raum_id", "indikator"], "Jahr, Gebiet und Indikator", report)
    names = list(dict.fromkeys(out["indikator"]))
    report.info(f"{len(names)} Indikatoren: {', '.join(names[:8])}{' …' if len(names) > 8 else ''}.")
    return out
