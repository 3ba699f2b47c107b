"""Read and validate the contract's tables from CSV or XLSX.

``read_table(path, kind)`` returns the table with canonical columns and types plus a
:class:`ValidationReport`. Every distinct value of a column is parsed once, problems are
reported with the row Excel shows. A table with errors is still returned for preview,
but ``ReadResult.ok`` is False and it must not be used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from . import altersgruppen, hilfearten
from .dialect import (
    FileFormatError,
    RawTable,
    decimal_style,
    normalise_header,
    pad_area_key,
    parse_date,
    parse_number,
    read_text_table,
    special_reason,
)
from .formatting import format_number
from .report import FEHLER, WARNUNG, ValidationReport
from .tables import (
    DATE,
    HILFEART,
    ID,
    INT,
    KEY,
    NUMBER,
    RICHTUNG,
    SETTING,
    TABLES,
    TEXT,
    YEAR,
    ColumnSpec,
    TableSpec,
    match_columns,
)

MAX_FILE_BYTES = 500 * 1024 * 1024
MAX_ROWS = 5_000_000


@dataclass
class ReadResult:
    kind: str
    frame: pd.DataFrame | None
    report: ValidationReport

    @property
    def ok(self) -> bool:
        return self.frame is not None and self.report.ok


@dataclass
class _Column:
    """A raw column: codes into distinct stripped values, aligned with ``rows``."""

    name: str  # header as written
    codes: np.ndarray
    values: np.ndarray  # object array of str


class _Context:
    def __init__(self, report: ValidationReport, rows: np.ndarray, german: bool, stichtag: dt.date):
        self.report = report
        self.rows = rows
        self.german = german
        self.stichtag = stichtag

    def flag(self, column: _Column, bad: dict[int, str], stufe: str = FEHLER) -> None:
        """Report every row holding one of the ``bad`` distinct values (code -> message)."""
        if not bad:
            return
        mask = np.isin(column.codes, np.fromiter(bad, dtype=column.codes.dtype))
        positions = np.nonzero(mask)[0]
        for position in positions:
            code = int(column.codes[position])
            self.report.add(stufe, bad[code], int(self.rows[position]), column.name, column.values[code])

    def flag_rows(self, mask: np.ndarray, column: str, message: Callable[[int], str],
                  value: Callable[[int], str] | None = None, stufe: str = FEHLER) -> None:
        for position in np.nonzero(mask)[0]:
            self.report.add(stufe, message(position), int(self.rows[position]), column,
                            value(position) if value else None)


# --- one parser per column type ------------------------------------------------------

def _take(values: list, codes: np.ndarray, dtype: str | None = None) -> pd.Series:
    array = np.array(values, dtype=object) if dtype is None else np.array(values, dtype=dtype)
    return pd.Series(array[codes] if len(codes) else array[:0])


def _parse_key(col: _Column, spec: ColumnSpec, ctx: _Context) -> pd.Series:
    padded = [pad_area_key(v) if special_reason(v) is None else "" for v in col.values]
    _check_required(col, spec, ctx, [p == "" for p in padded])
    categories = pd.unique(pd.Series([p for p in padded if p], dtype=object))
    lookup = {c: i for i, c in enumerate(categories)}
    new_codes = np.array([lookup.get(p, -1) for p in padded], dtype=np.int32)
    return pd.Series(pd.Categorical.from_codes(new_codes[col.codes] if len(col.codes) else new_codes[:0],
                                               categories=pd.Index(categories, dtype=object)))


def _parse_text(col: _Column, spec: ColumnSpec, ctx: _Context) -> pd.Series:
    _check_required(col, spec, ctx, [v == "" for v in col.values])
    values = np.array([v if v != "" else None for v in col.values], dtype=object)
    return pd.Series(values[col.codes] if len(col.codes) else values[:0], dtype="str")


def _check_required(col: _Column, spec: ColumnSpec, ctx: _Context, empty: list[bool]) -> None:
    if spec.required:
        ctx.flag(col, {i: f"Pflichtangabe fehlt, erwartet wird {spec.label}" for i, e in enumerate(empty) if e})


def _parse_number(col: _Column, spec: ColumnSpec, ctx: _Context, integer: bool) -> tuple[pd.Series, pd.Series]:
    plain = [v for v in col.values if v and special_reason(v) is None]
    style = decimal_style(plain, ctx.german or integer)
    parsed = np.full(len(col.values), np.nan)
    reasons: list[str | None] = [None] * len(col.values)
    bad: dict[int, str] = {}
    for i, v in enumerate(col.values):
        if v == "":
            continue
        reason = special_reason(v)
        if reason is not None:
            reasons[i] = reason
            continue
        number = parse_number(v, style)
        if number is None:
            bad[i] = f'"{v}" ist keine Zahl, erwartet wird {spec.label}'
        elif integer and not float(number).is_integer():
            bad[i] = f'"{v}" ist keine ganze Zahl, erwartet wird {spec.label}'
        elif integer and number < 0:
            bad[i] = f'"{v}" ist negativ, erwartet wird {spec.label}'
        else:
            parsed[i] = number
    ctx.flag(col, bad)
    _check_required(col, spec, ctx, [v == "" for v in col.values])
    values = pd.Series(parsed[col.codes])
    reason_series = _take(reasons, col.codes)
    return values, reason_series


def _parse_date(col: _Column, spec: ColumnSpec, ctx: _Context) -> pd.Series:
    days = np.full(len(col.values), np.datetime64("NaT"), dtype="datetime64[D]")
    bad: dict[int, str] = {}
    for i, v in enumerate(col.values):
        if v == "" or special_reason(v) is not None:
            continue
        date = parse_date(v)
        if date is None:
            bad[i] = f'"{v}" ist kein gültiges Datum, erwartet wird {spec.label}'
        else:
            days[i] = np.datetime64(date, "D")
    ctx.flag(col, bad)
    _check_required(col, spec, ctx, [v == "" or special_reason(v) is not None for v in col.values])
    return pd.Series(days[col.codes].astype("datetime64[s]"))


def _parse_year(col: _Column, spec: ColumnSpec, ctx: _Context) -> pd.Series:
    years = np.full(len(col.values), -1, dtype=np.int32)
    bad: dict[int, str] = {}
    for i, v in enumerate(col.values):
        if v == "" or special_reason(v) is not None:
            continue
        text = v[:-2] if v.endswith(".0") else v
        date = parse_date(text) if not text.isdigit() else None
        year = int(text) if text.isdigit() else (date.year if date else None)
        if year is None or not 1900 <= year <= 2100:
            bad[i] = f'"{v}" ist keine gültige Jahreszahl, erwartet wird {spec.label}'
        else:
            years[i] = year
    ctx.flag(col, bad)
    _check_required(col, spec, ctx, [v == "" or special_reason(v) is not None for v in col.values])
    per_row = years[col.codes]
    return pd.Series(pd.arrays.IntegerArray(np.where(per_row < 0, 0, per_row).astype(np.int32), per_row < 0))


def _parse_hilfeart(col: _Column, spec: ColumnSpec, ctx: _Context) -> tuple[pd.Series, pd.Series]:
    codes_: list[str | None] = []
    basis: list[str | None] = []
    bad: dict[int, str] = {}
    for i, v in enumerate(col.values):
        parsed = hilfearten.parse_hilfeart(v) if v else None
        if v and parsed is None:
            bad[i] = (f'"{v}" ist keine bekannte Hilfeart, erwartet wird z. B. § 34, 34, '
                      "§34 SGB VIII oder Heimerziehung")
        codes_.append(parsed.code if parsed else None)
        basis.append(parsed.basis if parsed else None)
    ctx.flag(col, bad)
    _check_required(col, spec, ctx, [v == "" for v in col.values])
    code_cat = pd.Categorical(codes_, categories=list(hilfearten.CODES))
    return (pd.Series(pd.Categorical.from_codes(code_cat.codes[col.codes], categories=code_cat.categories)),
            _take(basis, col.codes))


def _parse_setting(col: _Column, spec: ColumnSpec, ctx: _Context) -> pd.Series:
    settings = [hilfearten.parse_setting(v) if v else None for v in col.values]
    unknown = {i: f'"{v}" ist kein bekanntes Setting (ambulant, teilstationär, stationär); es wird ignoriert'
               for i, (v, s) in enumerate(zip(col.values, settings)) if v and s is None}
    ctx.flag(col, unknown, WARNUNG)
    cat = pd.Categorical(settings, categories=list(hilfearten.SETTINGS))
    return pd.Series(pd.Categorical.from_codes(cat.codes[col.codes], categories=cat.categories))


def _parse_richtung(col: _Column, spec: ColumnSpec, ctx: _Context) -> pd.Series:
    out: list[str | None] = []
    bad: dict[int, str] = {}
    for i, v in enumerate(col.values):
        f = hilfearten.fold(v).replace(" ", "")
        if not f:
            out.append(None)
        elif f.startswith(("hoch", "+", "positiv", "hoher")):
            out.append("hoch")
        elif f.startswith(("niedrig", "negativ", "gering")):
            out.append("niedrig")
        else:
            out.append(None)
            bad[i] = f'"{v}" ist keine Richtung, erwartet wird hoch=bedarf oder niedrig=bedarf'
    ctx.flag(col, bad)
    return _take(out, col.codes)


# --- reading a file --------------------------------------------------------------------

def read_raw(path: Path | str, data: bytes | None = None, sheet: str | int | None = None) -> RawTable:
    """A CSV, TSV or XLSX file as string columns."""
    name = str(path).lower()
    if data is None:
        data = Path(path).read_bytes()
    if name.endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, sheet)
    return read_text_table(Path(path), data)


def _excel_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes, sheet: str | int | None) -> RawTable:
    import io

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for broken files
        raise FileFormatError(f"Die Excel-Datei lässt sich nicht öffnen ({type(error).__name__}).") from error
    if sheet is None:
        worksheet = workbook.worksheets[0]
    elif isinstance(sheet, int):
        worksheet = workbook.worksheets[sheet]
    else:
        if sheet not in workbook.sheetnames:
            raise FileFormatError(f'Das Tabellenblatt "{sheet}" gibt es nicht; vorhanden: {", ".join(workbook.sheetnames)}.')
        worksheet = workbook[sheet]
    rows = worksheet.iter_rows(values_only=True)
    header: list[str] | None = None
    header_row = 0
    cells: list[list[str]] = []
    excel_rows: list[int] = []
    for number, row in enumerate(rows, start=1):
        texts = [_excel_cell(v).strip() for v in row]
        if header is None:
            if any(texts):
                header, header_row = texts, number
            continue
        if any(texts):
            cells.append(texts)
            excel_rows.append(number)
    workbook.close()
    if header is None:
        raise FileFormatError("Das Tabellenblatt ist leer.")
    while header and header[-1] == "":
        header.pop()
    names = [h or f"Spalte {i + 1}" for i, h in enumerate(header)]
    columns = {name: pa.array([(r + [""] * len(names))[i] for r in cells], pa.string()) for i, name in enumerate(names)}
    del header_row
    return RawTable(names, pa.table(columns), np.array(excel_rows, dtype=np.int64), "xlsx", "xlsx")


def _melt_wide(raw: RawTable, id_headers: list[str], value_headers: list[str], name_column: str,
               value_column: str) -> RawTable:
    """One column per indicator or age group -> long rows (name, value), rows repeated."""
    parts = []
    n = raw.table.num_rows
    for header in value_headers:
        part = {h: raw.table.column(h) for h in id_headers}
        part[name_column] = pa.array([header] * n, pa.string())
        part[value_column] = raw.table.column(header)
        parts.append(pa.table(part))
    table = pa.concat_tables(parts) if parts else raw.table.select(id_headers)
    rows = np.tile(raw.excel_rows, len(value_headers)) if value_headers else raw.excel_rows
    return RawTable(id_headers + [name_column, value_column], table, rows, raw.encoding, raw.delimiter, raw.bad_rows)


def _reshape_wide(raw: RawTable, spec: TableSpec, mapping: dict[str, str] | None,
                  report: ValidationReport) -> RawTable:
    matched = match_columns(raw.columns, spec, mapping)
    canonical = set(matched.values())
    unmatched = [h for h in raw.columns if h not in matched]
    if spec.kind == "indikatoren" and not {"indikator", "wert"} & canonical:
        ids = [h for h in raw.columns if matched.get(h) in ("jahr", "raum_id")]
        others = [h for h in unmatched if normalise_header(h) not in ("name", "gemeinde", "gen", "einheit")]
        if ids and others:
            report.info(f"Breites Format erkannt: {len(others)} Indikatorspalten ({', '.join(others[:8])}).")
            return _melt_wide(raw, ids, others, "indikator", "wert")
    if spec.kind == "bevoelkerung" and not {"altersgruppe", "alter_von", "alter"} & canonical:
        age_headers = [h for h in raw.columns if matched.get(h) in (None, "anzahl")
                       and altersgruppen.parse_altersgruppe(h) is not None]
        if age_headers:
            ids = [h for h in raw.columns if matched.get(h) in ("jahr", "raum_id")]
            report.info(f"Breites Format erkannt: eine Spalte je Altersgruppe ({', '.join(age_headers[:8])}).")
            return _melt_wide(raw, ids, age_headers, "altersgruppe", "anzahl")
    return raw


def read_table(path: Path | str, kind: str, *, data: bytes | None = None, mapping: dict[str, str] | None = None,
               stichtag: dt.date | None = None, display_name: str | None = None,
               sheet: str | int | None = None, max_rows: int = MAX_ROWS) -> ReadResult:
    """Read, parse and validate one file of table ``kind`` (see :mod:`tables`); at most ``max_rows`` rows."""
    spec = TABLES[kind]
    name = display_name or Path(path).name
    report = ValidationReport(name)
    try:
        if data is None:
            size = Path(path).stat().st_size
            if size > MAX_FILE_BYTES:
                report.error(f"Die Datei ist {size / 1e6:,.0f} MB groß; erlaubt sind höchstens "
                             f"{MAX_FILE_BYTES / 1e6:,.0f} MB.".replace(",", "."))
                return ReadResult(kind, None, report)
        raw = read_raw(path, data, sheet)
    except FileFormatError as error:
        report.error(str(error))
        return ReadResult(kind, None, report)
    except (UnicodeDecodeError, pa.ArrowInvalid, OSError) as error:
        report.error(f"Die Datei lässt sich nicht als Tabelle lesen: {error}")
        return ReadResult(kind, None, report)
    if raw.table.num_rows > max_rows:
        report.error(f"Die Datei hat {raw.table.num_rows:,} Zeilen; erlaubt sind höchstens {max_rows:,} Zeilen "
                     "(einstellbar mit SOZIALRAUM_MAX_ZEILEN).".replace(",", "."))
        return ReadResult(kind, None, report)
    for row, expected, found in raw.bad_rows:
        report.error(f"Die Zeile hat {found} statt {expected} Zellen (Trennzeichen „{raw.delimiter}“)", row)
    raw = _reshape_wide(raw, spec, mapping, report)
    frame = parse_table(raw, spec, report, mapping=mapping, stichtag=stichtag or dt.date.today())
    if frame is not None and kind in POSTPROCESS:
        checked = POSTPROCESS[kind](frame, report, raw)
        frame = checked if checked is not None else frame
    return ReadResult(kind, frame, report)


def parse_table(raw: RawTable, spec: TableSpec, report: ValidationReport, *, mapping: dict[str, str] | None,
                stichtag: dt.date) -> pd.DataFrame | None:
    """Parse the columns of ``raw`` by ``spec``; ``None`` when required columns are missing."""
    matched = match_columns(raw.columns, spec, mapping)
    by_canonical = {canonical: header for header, canonical in matched.items()}
    missing = [c for c in spec.columns if c.required and c.name not in by_canonical]
    if spec.kind == "bevoelkerung" and not {"altersgruppe", "alter_von", "alter"} & set(by_canonical):
        report.error('Es fehlt eine Altersangabe: Spalte "altersgruppe", "alter_von"/"alter_bis" oder "alter", '
                     "oder eine Spalte je Altersgruppe.")
    for column in missing:
        aliases = ", ".join(f'"{a}"' for a in column.aliases[:5])
        report.error(f'Die Pflichtspalte "{column.name}" fehlt (erkannt werden auch {aliases}); '
                     f"gefundene Spalten: {', '.join(raw.columns)}")
    ignored = [h for h in raw.columns if h not in matched]
    if ignored:
        report.info(f"Nicht verwendete Spalten: {', '.join(ignored)}")
    if missing or not report.ok:
        if missing:
            return None
    german = raw.delimiter in (";", "xlsx")
    ctx = _Context(report, raw.excel_rows, german, stichtag)
    frame: dict[str, pd.Series] = {}
    for column in spec.columns:
        header = by_canonical.get(column.name)
        if header is None:
            continue
        if column.type == ID:
            frame[column.name] = pd.Series(raw.table.column(header).to_pandas())
            continue
        # Encode first, then strip the distinct values: far fewer strings to touch.
        values = raw.table.column(header).combine_chunks() if raw.table.num_rows else pa.array([], pa.string())
        encoded = values.dictionary_encode()
        col = _Column(header, encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64),
                      np.array([v.strip() for v in encoded.dictionary.to_pylist()], dtype=object))
        if column.type == KEY:
            frame[column.name] = _parse_key(col, column, ctx)
        elif column.type == TEXT:
            frame[column.name] = _parse_text(col, column, ctx)
        elif column.type in (INT, NUMBER):
            values, reasons = _parse_number(col, column, ctx, integer=column.type == INT)
            frame[column.name] = values
            if reasons.notna().any():
                frame[f"{column.name}_grund"] = reasons
        elif column.type == DATE:
            frame[column.name] = _parse_date(col, column, ctx)
        elif column.type == YEAR:
            frame[column.name] = _parse_year(col, column, ctx)
        elif column.type == HILFEART:
            frame[column.name], frame["basis"] = _parse_hilfeart(col, column, ctx)
        elif column.type == SETTING:
            frame[column.name] = _parse_setting(col, column, ctx)
        elif column.type == RICHTUNG:
            frame[column.name] = _parse_richtung(col, column, ctx)
    result = pd.DataFrame(frame)
    result["zeile"] = raw.excel_rows
    result.attrs["spalten"] = by_canonical  # canonical -> header as written, for messages
    return result


def header_of(frame: pd.DataFrame, canonical: str) -> str:
    """The column's header as the user wrote it."""
    return frame.attrs.get("spalten", {}).get(canonical, canonical)


# --- per-table checks -----------------------------------------------------------------

def _rows_of(frame: pd.DataFrame, mask: pd.Series | np.ndarray) -> np.ndarray:
    return frame["zeile"].to_numpy()[np.asarray(mask)]


def _report_duplicates(frame: pd.DataFrame, keys: list[str], report: ValidationReport, what: str,
                       stufe: str = FEHLER) -> None:
    present = [k for k in keys if k in frame.columns]
    duplicated = frame.duplicated(present, keep="first").to_numpy()
    if not duplicated.any():
        return
    first_row = frame.groupby(present, dropna=False, observed=True, sort=False)["zeile"].transform("min").to_numpy()
    for position in np.nonzero(duplicated)[0]:
        report.add(stufe, f"{what} doppelt (schon in Zeile {int(first_row[position])})",
                   int(frame["zeile"].iat[position]))


def _check_faelle(frame: pd.DataFrame, report: ValidationReport, raw: RawTable) -> None:
    beginn = frame["beginn"].to_numpy()
    rows = frame["zeile"].to_numpy()
    if "ende" in frame:
        ende = frame["ende"].to_numpy()
        before = ende < beginn  # NaT compares False
        for position in np.nonzero(before)[0]:
            report.error(f"Das Ende {pd.Timestamp(ende[position]):%d.%m.%Y} liegt vor dem Beginn "
                         f"{pd.Timestamp(beginn[position]):%d.%m.%Y}", int(rows[position]), header_of(frame, "ende"))
    today = np.datetime64(dt.date.today(), "s")
    future = beginn > today
    for position in np.nonzero(future)[0]:
        report.error(f"Der Beginn {pd.Timestamp(beginn[position]):%d.%m.%Y} liegt in der Zukunft",
                     int(rows[position]), header_of(frame, "beginn"))
    if "ende" in frame:
        later = frame["ende"].to_numpy() > today
        for position in np.nonzero(later)[0][:20]:
            report.warning("Das Ende liegt in der Zukunft (geplantes Ende?); die Hilfe zählt bis dahin als andauernd",
                           int(rows[position]), header_of(frame, "ende"))
    if "fall_id" in frame and frame["fall_id"].nunique(dropna=False) < len(frame):
        keys = ["fall_id", "hilfeart", "beginn"]
        dup = frame.duplicated(keys, keep="first").to_numpy()
        for position in np.nonzero(dup)[0]:
            report.warning(f'Fall "{frame["fall_id"].iat[position]}" mit gleicher Hilfeart und gleichem Beginn '
                           "steht mehrfach in der Datei; er wird mehrfach gezählt", int(rows[position]),
                           header_of(frame, "fall_id"))


def _check_bevoelkerung(frame: pd.DataFrame, report: ValidationReport, raw: RawTable) -> pd.DataFrame:
    """Derive alter_von / alter_bis from whichever age columns the file has; no negative counts."""
    rows = frame["zeile"].to_numpy()
    for position in np.flatnonzero((frame["anzahl"] < 0).to_numpy(dtype=bool, na_value=False)):
        report.error(f'"{format_number(frame["anzahl"].iat[position])}" ist negativ, erwartet wird eine Anzahl '
                     "Einwohner (0 oder mehr)", int(rows[position]), header_of(frame, "anzahl"))
    if "altersgruppe" in frame and "alter_von" not in frame:
        labels = frame["altersgruppe"].fillna("").astype(str)
        distinct = list(pd.unique(labels))
        inclusive = altersgruppen.ranges_are_inclusive(distinct)
        parsed = {label: altersgruppen.parse_altersgruppe(label, inclusive) for label in distinct}
        for label in distinct:
            if parsed[label] is None and label and not altersgruppen.is_total(label):
                for position in np.nonzero((labels == label).to_numpy())[0]:
                    report.error(f'"{label}" ist keine erkennbare Altersgruppe, erwartet z. B. "unter 3", '
                                 '"6 bis unter 10", "6-9" oder "75 und älter"', int(rows[position]), header_of(frame, "altersgruppe"))
            elif parsed[label] is not None and "-" in label and "unter" not in label:
                group = parsed[label]
                report.info(f'Altersgruppe "{label}" gelesen als {group.von} bis unter {group.bis} Jahre.')
        # Map the distinct labels once, then spread by code (a file has few distinct age groups).
        codes, distinct_labels = pd.factorize(labels)
        totals = np.array([altersgruppen.is_total(label) for label in distinct_labels], dtype=bool)[codes]
        if totals.any():
            report.warning(f"{int(totals.sum())} Summenzeilen (Insgesamt) werden nicht mitgezählt, "
                           "damit nichts doppelt zählt")
        von = np.array([parsed[label].von if parsed.get(label) else np.nan for label in distinct_labels], dtype=float)
        bis = np.array([parsed[label].bis if parsed.get(label) and parsed[label].bis is not None else np.nan
                        for label in distinct_labels], dtype=float)
        frame = frame.assign(alter_von=von[codes], alter_bis=bis[codes])
        frame = frame[~totals]
    elif "alter" in frame and "alter_von" not in frame:
        frame["alter_von"] = frame["alter"]
        frame["alter_bis"] = frame["alter"] + 1
    elif "alter_von" in frame:
        if "alter_bis" not in frame:
            frame["alter_bis"] = frame["alter_von"] + 1
        # alter_bis is exclusive when groups tile (0-3, 3-6); else it is the last year included.
        starts = set(frame["alter_von"].dropna())
        if not any(b in starts for b in frame["alter_bis"].dropna()):
            frame["alter_bis"] = frame["alter_bis"] + 1
            report.info("alter_bis wird als letztes enthaltenes Lebensjahr gelesen (z. B. 6–9 = 6 bis unter 10).")
    if {"jahr", "raum_id", "alter_von"} <= set(frame.columns):
        _report_duplicates(frame, ["jahr", "raum_id", "alter_von", "alter_bis"], report,
                           "Jahr, Gebiet und Altersgruppe")
    return frame.reset_index(drop=True)


def _check_fallzahlen(frame: pd.DataFrame, report: ValidationReport, raw: RawTable) -> None:
    _report_duplicates(frame, ["jahr", "raum_id", "hilfeart", "setting", "basis"], report,
                       "Jahr, Gebiet und Hilfeart")


def _check_zuordnung(frame: pd.DataFrame, report: ValidationReport, raw: RawTable) -> None:
    _report_duplicates(frame, ["raum_id", "gueltig_ab"], report, "Planungsraum (mit gleichem gültig_ab)")


def _check_indikatoren(frame: pd.DataFrame, report: ValidationReport, raw: RawTable) -> None:
    _report_duplicates(frame, ["jahr", "raum_id", "indikator"], report, "Jahr, Gebiet und Indikator")


def _check_angebote(frame: pd.DataFrame, report: ValidationReport, raw: RawTable) -> None:
    if {"alter_von", "alter_bis"} <= set(frame.columns):
        wrong = (frame["alter_von"] > frame["alter_bis"]).to_numpy()
        for position in np.nonzero(wrong)[0]:
            report.error("alter_von ist größer als alter_bis", int(frame["zeile"].iat[position]),
                         header_of(frame, "alter_von"))


# Each check reports problems; it may return a reshaped frame (bevoelkerung derives ages).
POSTPROCESS: dict[str, Callable[[pd.DataFrame, ValidationReport, RawTable], pd.DataFrame | None]] = {
    "faelle": _check_faelle,
    "bevoelkerung": _check_bevoelkerung,
    "fallzahlen": _check_fallzahlen,
    "zuordnung": _check_zuordnung,
    "indikatoren": _check_indikatoren,
    "angebote": _check_angebote,
}


def guess_kind(path: Path | str) -> str | None:
    """The table kind of a file by its name (``faelle_2024.csv`` -> ``faelle``)."""
    stem = normalise_header(Path(path).name)
    for kind in TABLES:
        if stem.startswith(kind):
            return kind
    aliases = {"fallzahlen": ("fallzahl",), "faelle": ("fall", "falle"), "bevoelkerung": ("bevolkerung", "einwohner"),
               "gebiete": ("gebiet", "geometrie"), "indikatoren": ("indikator", "sozialdaten")}
    for kind, prefixes in aliases.items():
        if stem.startswith(prefixes):
            return kind
    return None
