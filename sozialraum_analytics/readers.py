"""Read and validate the contract's tables from CSV or XLSX.

``read_table(path, kind)`` returns the table with canonical columns and types plus a
:class:`ValidationReport`. Every distinct value of a column is parsed once, problems are
reported with the row Excel shows. A table with errors is still returned for preview,
but ``ReadResult.ok`` is False and it must not be used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import altersgruppen, hilfearten
from .counting import calendar_year_of, combine_codes
from .dialect import (
    FileFormatError,
    RawTable,
    decimal_style,
    fold,
    normalise_header,
    pad_area_key,
    parse_date,
    parse_number,
    read_text_table,
    special_reason,
)
from .einstellungen import STANDARD_MAX_ENTPACKT_MB, STANDARD_MAX_MB, STANDARD_MAX_ZEILEN, einstellungen
from .formatting import format_number
from .pruefbericht import FEHLER, WARNUNG, ValidationReport
from .tables import (
    ALTERSARTEN,
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
from .textspalten import daten, verschiedene

# Defaults of the settings SOZIALRAUM_MAX_MB, SOZIALRAUM_MAX_ENTPACKT_MB and SOZIALRAUM_MAX_ZEILEN (einstellungen.py);
# :func:`grenzen` reads the settings at each call (page, CLI and folder loads use the same limits).
MAX_FILE_BYTES = STANDARD_MAX_MB * 1_000_000  # the default only: use grenzen().max_bytes
MAX_ROWS = STANDARD_MAX_ZEILEN


@dataclass(frozen=True)
class Grenzen:
    """The limits of one file: size on disk, rows, and unpacked size of a zip (never above the file limit)."""

    max_bytes: int
    max_zeilen: int
    max_entpackt: int = STANDARD_MAX_ENTPACKT_MB * 1_000_000

    @property
    def text(self) -> str:
        # 2,5 MB as set (not rounded to 3); below 1 MB (tests only) the whole number, the message adds the exact one.
        mb = megabytes(self.max_bytes) if self.max_bytes >= 1_000_000 else f"{format_number(self.max_bytes / 1e6)} MB"
        return f"höchstens {mb} und {format_number(self.max_zeilen)} Zeilen je Datei"


def grenzen() -> Grenzen:
    """The configured limits, read at each call (a changed setting applies at once).

    ``SOZIALRAUM_MAX_MB`` (default 200, fractions allowed: ``0,5``), ``SOZIALRAUM_MAX_ZEILEN``
    (default 5,000,000) and ``SOZIALRAUM_MAX_ENTPACKT_MB`` (default 100): what a zip may unpack
    to, in total; it is capped by the file limit, so unpacking never needs more than a file may have.
    """
    einstellung = einstellungen()
    max_bytes = int(einstellung.max_mb * 1e6)
    entpackt = int(einstellung.max_entpackt_mb * 1e6)
    return Grenzen(max_bytes, einstellung.max_zeilen, min(entpackt, max_bytes))


def megabytes(n_bytes: float) -> str:
    """``"305 MB"``, ``"1,5 MB"``, ``"0,001 MB"``: enough decimals that a small limit is not shown as 0."""
    mb = n_bytes / 1e6
    decimals = 0 if mb >= 10 or mb == 0 else 1 if mb >= 1 else min(6, max(1, 1 - int(np.floor(np.log10(mb)))))
    text = format_number(mb, decimals)
    if "," in text:
        text = text.rstrip("0").rstrip(",")  # 0,001 MB, not 0,0010 MB
    return f"{text} MB"


def groesse_pruefen(name: str, groesse: int, limits: Grenzen | None = None) -> str | None:
    """The German refusal of a file of ``groesse`` bytes if it exceeds ``SOZIALRAUM_MAX_MB``, else ``None``.

    The one size check of upload page, CLI and folder loads; the CLI passes the size on disk, so a
    file too big is never read into memory.
    """
    limits = limits or grenzen()
    if groesse <= limits.max_bytes:
        return None
    ist = megabytes(groesse)
    if ist == megabytes(limits.max_bytes):  # 2,5 MB and 2,5 MB: the bytes say which is more
        ist = f"{format_number(groesse)} Bytes"
    return (f"Die Datei „{name}“ ist {ist} groß; erlaubt sind {limits.text} "
            f"(Einstellung SOZIALRAUM_MAX_MB: {megabytes(limits.max_bytes)}). Bitte die Datei aufteilen, "
            "z. B. nach Jahren.")


@dataclass
class ReadResult:
    kind: str | None  # None: a file whose kind is not recognised
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


_ZEIGEN_BIS = 100  # characters of a cell a message shows


class _Context:
    def __init__(self, report: ValidationReport, rows: np.ndarray, german: bool, stichtag: dt.date,
                 fehlwerte: tuple[float, ...] = ()):
        self.report = report
        self.rows = rows
        self.german = german
        self.stichtag = stichtag
        self.fehlwerte = set(fehlwerte)  # numeric codes the planner declared "missing" (-9999 …)

    def flag(self, column: _Column, bad: dict[int, str], stufe: str = FEHLER) -> None:
        """Report every row holding one of the ``bad`` distinct values (code -> message)."""
        if not bad:
            return
        mask = np.isin(column.codes, np.fromiter(bad, dtype=column.codes.dtype))
        positions = np.nonzero(mask)[0]
        for position in positions:
            code = int(column.codes[position])
            text, wert = bad[code], column.values[code]
            if len(wert) > _ZEIGEN_BIS:
                # A free-text cell of 200,000 characters in the wrong column: the message shows its start.
                kurz = f"{wert[:_ZEIGEN_BIS]}… ({format_number(len(wert))} Zeichen)"
                text, wert = text.replace(wert, kurz), kurz
            self.report.add(stufe, text, int(self.rows[position]), column.name, wert)

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
    distinct = pa.array([v if v != "" else None for v in col.values], pa.string())
    if not len(col.codes):
        return pd.Series(pd.Series([], dtype=object), dtype="str")
    return pd.Series(distinct.take(pa.array(col.codes)).to_pandas(), dtype="str")  # Arrow strings, no objects


def _check_required(col: _Column, spec: ColumnSpec, ctx: _Context, empty: list[bool]) -> None:
    if spec.required and not spec.leer_erlaubt:
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
        if number is not None and number in ctx.fehlwerte:
            reasons[i] = f"Fehlwert {v}"
            continue
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


def _common_dates(values: np.ndarray) -> np.ndarray:
    """The distinct values in the two common forms (``31.12.2023``, ``2023-12-31``) as days, parsed by
    Arrow; NaT for every other value (left to :func:`parse_date`). A value counts only when the day
    written back in its form gives the same text, so no value is read otherwise than parse_date reads it.
    """
    days = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
    if not len(values):
        return days
    texts = pa.array(values, pa.string())
    for form, muster, stellen in (("%d.%m.%Y", r"^\d\d\.\d\d\.\d\d\d\d$", ((0, 2), (3, 5), (6, 10))),
                                  ("%Y-%m-%d", r"^\d\d\d\d-\d\d-\d\d$", ((8, 10), (5, 7), (0, 4)))):
        parsed = pc.strptime(texts, format=form, unit="s", error_is_null=True)
        year = pc.year(parsed)
        # From the year 1000 on, the text is what the day gives back exactly when it has the form's digits and
        # the day has the text's day, month and year (strptime carries 31.04. over to 01.05.); writing every
        # value back would be slow. Before the year 1000 it is written back.
        same = pc.and_(pc.match_substring_regex(texts, muster), pc.greater_equal(year, 1000))
        digits = [pc.cast(pc.if_else(same, pc.utf8_slice_codeunits(texts, a, b), "0"), pa.int64()) for a, b in stellen]
        for part, digit in zip((pc.day(parsed), pc.month(parsed), year), digits):
            same = pc.and_(same, pc.equal(part, digit))
        frueh = np.flatnonzero(pc.fill_null(pc.less(year, 1000), False).to_numpy(zero_copy_only=False))
        hit = pc.fill_null(same, False).to_numpy(zero_copy_only=False)
        if len(frueh):
            early = pc.take(parsed, pa.array(frueh))
            written = pc.and_(pc.equal(pc.strftime(early, format=form), pc.take(texts, pa.array(frueh))),
                              pc.greater_equal(pc.year(early), 1))
            hit[frueh] = pc.fill_null(written, False).to_numpy(zero_copy_only=False)
        days[hit] = parsed.to_numpy(zero_copy_only=False)[hit].astype("datetime64[D]")
    return days


def _parse_date(col: _Column, spec: ColumnSpec, ctx: _Context) -> pd.Series:
    days = _common_dates(col.values)
    bad: dict[int, str] = {}
    for i in np.flatnonzero(np.isnat(days)).tolist():
        v = col.values[i]
        if v == "" or special_reason(v) is not None:
            continue
        date = parse_date(v)
        if date is None:
            bad[i] = f'"{v}" ist kein gültiges Datum, erwartet wird {spec.label}'
        else:
            days[i] = np.datetime64(date, "D")
    ctx.flag(col, bad)
    _check_required(col, spec, ctx, [v == "" or special_reason(v) is not None for v in col.values])
    return pd.Series(days.astype("datetime64[s]")[col.codes])  # the distinct values converted, then spread


def _parse_year(col: _Column, spec: ColumnSpec, ctx: _Context) -> pd.Series:
    years = np.full(len(col.values), -1, dtype=np.int32)
    bad: dict[int, str] = {}
    for i, v in enumerate(col.values):
        if v == "" or special_reason(v) is not None:
            continue
        text = v[:-2] if v.endswith(".0") else v
        if text.isdigit() and len(text) == 6 and 1 <= int(text[4:]) <= 12:
            text = text[:4]  # YYYYMM, the official form of many exports (202012)
        date = parse_date(text) if not text.isdigit() else None
        year = int(text) if text.isdigit() else (date.year if date else None)
        if year is None or not 1900 <= year <= 2100:
            bad[i] = f'"{v}" ist keine gültige Jahreszahl, erwartet wird {spec.label}'
        else:
            years[i] = year
    ctx.flag(col, bad)
    _check_required(col, spec, ctx, [v == "" or special_reason(v) is not None for v in col.values])
    return pd.Series(pd.arrays.IntegerArray(np.where(years < 0, 0, years).astype(np.int32)[col.codes],
                                            (years < 0)[col.codes]))


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
    basis_cat = pd.Categorical(basis, categories=list(hilfearten.CODES))  # the help a §41 continues
    return (pd.Series(pd.Categorical.from_codes(code_cat.codes[col.codes], categories=code_cat.categories)),
            pd.Series(pd.Categorical.from_codes(basis_cat.codes[col.codes], categories=basis_cat.categories)))


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
        f = fold(v).replace(" ", "")
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
        with open(path, "rb") as handle:
            anfang = handle.read(4)
        if not name.endswith((".xlsx", ".xlsm")) and anfang != b"PK\x03\x04":
            return read_text_table(Path(path))  # a large file is read by Arrow from the disk
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


_EINWOHNER = {"ew", "einwohner", "einwohnerzahl", "bevoelkerung", "einwohnerinnen und einwohner", "ew gesamt"}


def _keine_indikatorspalte(header: str, column: pa.ChunkedArray) -> str | None:
    """Why a column beside the indicators of a wide file is none (ID, name, inhabitants, text, classes)."""
    key = normalise_header(header)
    upper = header.strip().upper()
    if key in ("name", "gemeinde", "gen", "einheit", "bezirk", "stadtteil", "ortsteil"):
        return "Name"
    if upper.endswith(("_ID", "-ID", " ID", "_NR", "-NR", "_KEY")) or upper.startswith(("ID_", "NR_")):
        return "Kennung"
    if upper.endswith(("_NAME", "-NAME", " NAME", "_BEZ", "_BEZEICHNUNG")):
        return "Name"
    if key in _EINWOHNER or upper.startswith("EW_"):
        return "Einwohner"
    werte = [v.strip() for v in column.to_pylist() if v is not None and v.strip() and special_reason(v.strip()) is None]
    if not werte:
        return None
    style = decimal_style(werte[:200], True)
    zahlen = [parse_number(v, style) for v in werte]
    if sum(z is None for z in zahlen) > len(zahlen) / 2:
        return "Text"
    gueltig = [z for z in zahlen if z is not None and z > -99]  # codes like -9999 aside
    ganz = all(float(z).is_integer() for z in gueltig)
    if gueltig and ganz and min(gueltig) >= 0 and max(gueltig) <= 9 and len(set(gueltig)) <= 9 and len(werte) >= 4:
        return "Klassen"
    return None


def _reshape_wide(raw: RawTable, spec: TableSpec, mapping: dict[str, str] | None,
                  report: ValidationReport, indikatoren: tuple[str, ...] | None = None) -> RawTable:
    matched = match_columns(raw.columns, spec, mapping)
    canonical = set(matched.values())
    unmatched = [h for h in raw.columns if h not in matched]
    if spec.kind == "indikatoren" and not {"indikator", "wert"} & canonical:
        ids = [h for h in raw.columns if matched.get(h) in ("jahr", "raum_id")]
        if indikatoren:
            fehlen = [n for n in indikatoren if n not in raw.columns]
            if fehlen:
                report.error(f"Diese Indikatorspalten gibt es in der Datei nicht: {', '.join(fehlen)}; "
                             f"vorhanden: {', '.join(raw.columns)}")
            others = [h for h in raw.columns if h in indikatoren]
            beiseite = [h for h in unmatched if h not in indikatoren]
        else:
            others, beiseite = [], []
            for h in unmatched:
                grund = _keine_indikatorspalte(h, raw.table.column(h))
                if grund is None:
                    others.append(h)
                else:
                    beiseite.append(f"{h} ({grund})")
        if ids and others:
            report.info(f"Breites Format erkannt: {len(others)} Indikatorspalten ({', '.join(others[:12])}"
                        f"{' …' if len(others) > 12 else ''}).")
            if beiseite:
                report.info(f"Keine Indikatoren (nicht verwendet): {', '.join(beiseite)}. Andere Auswahl: "
                            "--indikatoren SPALTE,SPALTE … oder auf der Seite Daten importieren.")
            return _melt_wide(raw, ids, others, "indikator", "wert")
    if spec.kind in ALTERSARTEN and not {"altersgruppe", "alter_von", "alter"} & canonical:
        age_headers = [h for h in raw.columns if matched.get(h) in (None, "anzahl")
                       and altersgruppen.parse_altersgruppe(h) is not None]
        if age_headers:
            ids = [h for h in raw.columns if matched.get(h) in ("jahr", "raum_id")]
            report.info(f"Breites Format erkannt: eine Spalte je Altersgruppe ({', '.join(age_headers[:8])}).")
            return _melt_wide(raw, ids, age_headers, "altersgruppe", "anzahl")
    return raw


def read_table(path: Path | str, kind: str, *, data: bytes | None = None, mapping: dict[str, str] | None = None,
               stichtag: dt.date | None = None, display_name: str | None = None,
               sheet: str | int | None = None, max_rows: int = MAX_ROWS, fehlwerte: tuple[float, ...] = (),
               indikatoren: tuple[str, ...] | None = None) -> ReadResult:
    """Read, parse and validate one file of table ``kind`` (see :mod:`tables`); at most ``max_rows`` rows.

    ``fehlwerte``: numeric codes that mean "missing" (-9999 …), read as missing with that reason;
    ``indikatoren``: in a wide indicator file, the columns that are indicators (else recognised).
    """
    spec = TABLES[kind]
    name = display_name or Path(path).name
    report = ValidationReport(name)
    try:
        if data is None:
            zu_gross = groesse_pruefen(name, Path(path).stat().st_size)
            if zu_gross:
                report.error(zu_gross)
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
    raw = _reshape_wide(raw, spec, mapping, report, indikatoren)
    frame = parse_table(raw, spec, report, mapping=mapping, stichtag=stichtag or dt.date.today(), fehlwerte=fehlwerte)
    if frame is not None and kind in POSTPROCESS:
        checked = POSTPROCESS[kind](frame, report, raw)
        frame = checked if checked is not None else frame
    return ReadResult(kind, frame, report)


def parse_table(raw: RawTable, spec: TableSpec, report: ValidationReport, *, mapping: dict[str, str] | None,
                stichtag: dt.date, fehlwerte: tuple[float, ...] = ()) -> pd.DataFrame | None:
    """Parse the columns of ``raw`` by ``spec``; ``None`` when required columns are missing."""
    matched = match_columns(raw.columns, spec, mapping)
    by_canonical = {canonical: header for header, canonical in matched.items()}
    missing = [c for c in spec.columns if c.required and c.name not in by_canonical]
    if spec.kind in ALTERSARTEN and not {"altersgruppe", "alter_von", "alter"} & set(by_canonical):
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
    ctx = _Context(report, raw.excel_rows, german, stichtag, fehlwerte)
    frame: dict[str, pd.Series] = {}
    present = [c for c in spec.columns if c.name in by_canonical]
    # Arrow's work per column (encoding; for ids the number of distinct values) runs in two threads
    # (it does not hold the GIL) while the distinct values are parsed here in turn.
    with ThreadPoolExecutor(2, thread_name_prefix="sozialraum-lesen") as pool:
        # The ids first: counting their distinct values is the longest task, it runs beside all the rest.
        distinct = {c.name: pool.submit(_count_distinct, raw.table.column(by_canonical[c.name]))
                    for c in present if c.type == ID}
        # Dates in the usual forms are read in one compiled pass (textspalten.daten); others are encoded.
        encoded = {c.name: (pool.submit(_daten_oder_kodiert, raw.table.column(by_canonical[c.name]), c) if c.type == DATE
                            else pool.submit(_encode, raw.table.column(by_canonical[c.name])))
                   for c in present if c.type != ID}
        for column in present:
            header = by_canonical[column.name]
            if column.type == ID:
                frame[column.name] = pd.Series(raw.table.column(header).to_pandas())
                continue
            result = encoded[column.name].result()
            if isinstance(result, pd.Series):
                frame[column.name] = result
                continue
            frame.update(_parse_column(column, header, result, ctx))
        verschieden = {name: future.result() for name, future in distinct.items()}
    result = pd.DataFrame(frame, copy=False)  # no consolidation: a million rows are not copied once more
    result["zeile"] = raw.excel_rows
    result.attrs["spalten"] = by_canonical  # canonical -> header as written, for messages
    result.attrs["gelesen"] = _Gelesen(
        len(result),
        # How many distinct values each id column has, for the check of duplicates.
        verschieden,
        # The distinct texts of each text column in the order they first appear (from the encoding, no hashing
        # of the rows again), for the checks of these rows (:func:`distinct_texts`).
        {c.name: list(dict.fromkeys(v for v in (t.strip() for t in encoded[c.name].result()[1].to_pylist()) if v))
         for c in present if c.type == TEXT})
    return result


@dataclass(frozen=True)
class _Gelesen:
    """What the reading counted in the rows it read (valid while the frame has ``zeilen`` rows).

    Kept in the frame's ``attrs``, which pandas deep-copies into the result of every operation (each
    ``frame[column]``): a list of a million case numbers copied each time. So it is never copied, only shared
    (it is not changed after the reading).
    """

    zeilen: int
    verschieden: dict[str, int]
    texte: dict[str, list]

    def __deepcopy__(self, memo: dict) -> _Gelesen:
        return self

    def __copy__(self) -> _Gelesen:
        return self


def _daten_oder_kodiert(values: pa.ChunkedArray, column: ColumnSpec) -> pd.Series | tuple[np.ndarray, pa.Array]:
    """The dates of a column where every cell is a valid date in a usual form (or empty, where that is allowed),
    read as :func:`_parse_date` reads them; else the column encoded for the general path."""
    leer_erlaubt = not column.required or column.leer_erlaubt
    tage = daten(values, leer_erlaubt)
    if tage is not None:
        return pd.Series(tage)
    return _encode(values)


def _encode(values: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Encode first, then strip the distinct values: far fewer strings to touch. Codes per row and the
    distinct values; the chunks are encoded as read (no copy of the text into one chunk)."""
    if not len(values):
        return np.zeros(0, dtype=np.int32), pa.array([], pa.string())
    encoded = pa.table({"spalte": values.dictionary_encode()}).unify_dictionaries().column("spalte")
    codes = [chunk.indices.to_numpy(zero_copy_only=False) for chunk in encoded.chunks]
    return (codes[0] if len(codes) == 1 else np.concatenate(codes)), encoded.chunks[0].dictionary


def _count_distinct(values: pa.ChunkedArray) -> int:
    """Distinct values, an empty cell counting as one value (as pandas' ``nunique(dropna=False)``);
    by a 64-bit hash of each value, exact where two hashes agree (:func:`textspalten.verschiedene`)."""
    return verschiedene(values)


def distinct_values(frame: pd.DataFrame, column: str) -> int:
    """How many distinct values ``column`` has (a missing value counts as one); counted while reading
    when the frame still has the rows read."""
    gelesen = frame.attrs.get("gelesen")
    if gelesen is not None and gelesen.zeilen == len(frame) and column in gelesen.verschieden:
        return gelesen.verschieden[column]
    return int(frame[column].nunique(dropna=False))


def distinct_texts(frame: pd.DataFrame, column: str) -> list:
    """The distinct values of a text column (missing ones left out) in the order they first appear; taken
    from the reading when the frame still has the rows read."""
    gelesen = frame.attrs.get("gelesen")
    if gelesen is not None and gelesen.zeilen == len(frame) and column in gelesen.texte:
        return gelesen.texte[column]
    return [v for v in frame[column].unique() if not pd.isna(v)]


def _parse_column(column: ColumnSpec, header: str, encoded: tuple[np.ndarray, pa.Array], ctx: _Context
                  ) -> dict[str, pd.Series]:
    """One column of the file parsed by its type: the frame's column(s) it gives."""
    frame: dict[str, pd.Series] = {}
    codes, dictionary = encoded
    col = _Column(header, codes, np.array([v.strip() for v in dictionary.to_pylist()], dtype=object))
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
    return frame


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
    if "fall_id" in frame and distinct_values(frame, "fall_id") < len(frame):
        keys = ["fall_id", "hilfeart", "beginn"]
        dup = frame.duplicated(keys, keep="first").to_numpy()
        for position in np.nonzero(dup)[0]:
            report.warning(f'Fall "{frame["fall_id"].iat[position]}" mit gleicher Hilfeart und gleichem Beginn '
                           "steht mehrfach in der Datei; er wird mehrfach gezählt", int(rows[position]),
                           header_of(frame, "fall_id"))
    _check_fallstruktur(frame, report)


def _check_fallstruktur(frame: pd.DataFrame, report: ValidationReport) -> None:
    """The columns of the case structure: texts the dashboard cannot place are named (with their first row),
    never silently dropped; a birth year after the start of the help gives no age."""
    from .fallstruktur import beendigung, geschlecht, hauptgrund

    regeln = (("beendigungsgrund", lambda t: beendigung(t)[1],
               "ist kein bekannter Grund der Beendigung; er zählt als „sonstige Gründe“"),
              ("geschlecht", lambda t: geschlecht(t) != "ohne Angabe",
               "ist kein bekanntes Geschlecht (m, w oder d); es zählt als „ohne Angabe“"))
    for spalte, erkannt, meldung in regeln:
        if spalte not in frame:
            continue
        werte = frame[spalte]
        # The distinct values in the order they first appear; the rows of a value only for the few that are
        # not recognised.
        fremd = [v for v in distinct_texts(frame, spalte) if str(v).strip() and not erkannt(v)]
        for wert in fremd[:20]:
            treffer = np.flatnonzero((werte == wert).to_numpy(dtype=bool, na_value=False))
            anzahl = f" ({format_number(len(treffer))} Zeilen)" if len(treffer) > 1 else ""
            report.warning(f'"{wert}" {meldung}{anzahl}', int(frame["zeile"].iat[treffer[0]]),
                           header_of(frame, spalte), str(wert))
    if "hauptgrund" in frame:
        distinct = pd.unique(frame["hauptgrund"].dropna().astype(object))
        eigene = sorted({hauptgrund(v)[0] for v in distinct if not hauptgrund(v)[1]})
        if eigene:
            gezeigt = ", ".join(f"„{t}“" for t in eigene[:5]) + (" …" if len(eigene) > 5 else "")
            report.info(f"{len(eigene)} Hauptgründe nennen keine amtliche Kategorie und werden als eigene Kategorie "
                        f"gezeigt: {gezeigt}.")
    if "geburtsjahr" in frame:
        geboren = frame["geburtsjahr"]
        if not pd.api.types.is_numeric_dtype(geboren):
            geboren = pd.to_numeric(geboren, errors="coerce")
        geboren = geboren.to_numpy(dtype=float, na_value=np.nan)
        start = calendar_year_of(frame["beginn"].to_numpy(dtype="datetime64[s]"))  # no start: 10,000
        for position in np.flatnonzero(geboren > start)[:20]:  # a missing birth year compares False
            report.warning(f"Das Geburtsjahr {int(geboren[position])} liegt nach dem Beginn der Hilfe; das Alter "
                           "zählt als „ohne Angabe“", int(frame["zeile"].iat[position]), header_of(frame, "geburtsjahr"))


def _altersgruppe_text(von: float, bis: float) -> str:
    return f"{int(von)} und älter" if np.isnan(bis) else (f"unter {int(bis)}" if von == 0 else
                                                         f"{int(von)} bis unter {int(bis)}")


def _feinste_altersgruppen(frame: pd.DataFrame, report: ValidationReport) -> pd.DataFrame:
    """Within each area and year, keep the finest age groups that tile the ages without overlap.

    A register table with "0 bis unter 7", "7 bis unter 18" and also "0 bis unter 18" (or "60 und
    älter" beside "60 bis unter 65", "65 und älter") would count people twice; the coarser groups
    are left out and the report names what was used. Groups that cannot tile (0–10 and 5–15) are
    an error.
    """
    if frame.empty or not {"jahr", "raum_id"} <= set(frame.columns):
        return frame
    von = frame["alter_von"].to_numpy(dtype=float)
    bis = np.where(np.isnan(frame["alter_bis"].to_numpy(dtype=float)), np.inf, frame["alter_bis"].to_numpy(dtype=float))
    if np.isnan(von).any():
        gruppe_code, gruppen = pd.factorize(pd.Series(list(zip(von, bis)), index=frame.index))
        schluessel = frame["jahr"].astype(str) + "\x00" + frame["raum_id"].astype(str)
        mengen = pd.Series(gruppe_code, index=frame.index).groupby(schluessel.to_numpy()).agg(
            lambda c: tuple(sorted(set(c))))
        nummer: dict[tuple, int] = {}
        menge_je_zeile = np.array([nummer.setdefault(menge, len(nummer)) for menge in mengen.reindex(schluessel.to_numpy())],
                                  dtype=np.int64)
        mengen_tupel = list(nummer)
    else:
        gruppe_code, gruppen, mengen, menge_je_zeile, mengen_tupel = _altersgruppen_je_gebiet(frame, von, bis)
    # The set of groups of each area and year; decided once per distinct set.
    entscheid: dict[tuple, set[int] | None] = {}
    for menge in set(mengen):
        bereiche = sorted(gruppen[i] for i in menge)
        if all(b[0] >= a[1] for a, b in zip(bereiche, bereiche[1:])):
            entscheid[menge] = set(menge)  # no overlap (a gap is no double count): all groups stay
            continue
        wahl = altersgruppen.feinste_zerlegung([gruppen[i] for i in menge])
        entscheid[menge] = None if wahl is None else {menge[i] for i in wahl}
    # Vectorised for register tables of millions of rows: one row of allowed groups per distinct set.
    reihen = {menge: i for i, menge in enumerate(entscheid)}
    erlaubt = np.zeros((len(reihen), len(gruppen)), dtype=bool)
    for menge, wahl in entscheid.items():
        erlaubt[reihen[menge], list(wahl or ())] = True
    menge_je_zeile = np.array([reihen[menge] for menge in mengen_tupel], dtype=np.int64)[menge_je_zeile]
    keep = erlaubt[menge_je_zeile, gruppe_code]
    fehler = {menge for menge, wahl in entscheid.items() if wahl is None}
    for menge in fehler:
        texte = ", ".join(_altersgruppe_text(*gruppen[i]) if np.isfinite(gruppen[i][1])
                          else _altersgruppe_text(gruppen[i][0], np.nan) for i in menge)
        report.error(f"Die Altersgruppen überschneiden sich so, dass keine Einteilung ohne Doppelzählung möglich ist: "
                     f"{texte}. Bitte nur überschneidungsfreie Altersgruppen liefern.")
    weg = sorted({int(c) for c in gruppe_code[~keep]})
    if weg and not fehler:
        def text(i: int) -> str:
            v, b = gruppen[i]
            return _altersgruppe_text(v, b if np.isfinite(b) else np.nan)

        genutzt = sorted({int(c) for c in gruppe_code[keep]}, key=lambda i: gruppen[i])
        report.warning(f"Altersgruppen überschneiden sich (Summen neben feineren Gruppen): nicht mitgezählt "
                       f"{', '.join(text(i) for i in weg)}; verwendet wird die feinste Einteilung "
                       f"{', '.join(text(i) for i in genutzt)}.")
    return frame[keep]


def _altersgruppen_je_gebiet(frame: pd.DataFrame, von: np.ndarray, bis: np.ndarray
                             ) -> tuple[np.ndarray, list[tuple[float, float]], pd.Series, np.ndarray, list[tuple]]:
    """The age groups (code per row, in order of appearance), the set of groups of each year and area
    (in order of the key ``"jahr\\x00raum_id"``), each row's set (a code into the distinct sets) and the
    distinct sets, with codes instead of a grouping per area: a register table has tens of thousands of
    areas and years."""
    von_code, von_werte = pd.factorize(von)
    bis_code, bis_werte = pd.factorize(bis)
    paar, _ = combine_codes([von_code, bis_code], [len(von_werte), len(bis_werte)])
    gruppe_code, erste = pd.factorize(paar)  # numbered in order of appearance, as the (von, bis) pairs
    zuerst = np.zeros(len(erste), dtype=np.int64)
    zuerst[gruppe_code[::-1]] = np.arange(len(gruppe_code))[::-1]
    gruppen = list(zip(von[zuerst], bis[zuerst]))
    jahr_code, _ = pd.factorize(frame["jahr"], use_na_sentinel=False)
    raum_code, _ = pd.factorize(frame["raum_id"], use_na_sentinel=False)
    schluessel, _ = combine_codes([jahr_code, raum_code], [int(jahr_code.max()) + 1, int(raum_code.max()) + 1])
    n_keys, n_gruppen = int(schluessel.max()) + 1, len(gruppen)
    # Each key's set of groups as bits, 52 to a word (exact in float64).
    paare = np.unique(schluessel * n_gruppen + gruppe_code)
    key_of, code_of = paare // n_gruppen, paare % n_gruppen
    worte = np.stack([np.bincount(key_of, weights=np.where(code_of // 52 == w, 2.0 ** (code_of % 52), 0.0),
                                  minlength=n_keys) for w in range((n_gruppen + 51) // 52)], axis=1).astype(np.int64)
    if worte.shape[1] == 1:
        verschieden, menge_je_key = np.unique(worte[:, 0], return_inverse=True)
        verschieden = verschieden[:, None]
    else:
        verschieden, menge_je_key = np.unique(worte, axis=0, return_inverse=True)
    menge_je_key = menge_je_key.reshape(-1)
    mengen_tupel = [tuple(w * 52 + b for w in range(verschieden.shape[1]) for b in range(52)
                          if int(verschieden[m, w]) >> b & 1) for m in range(len(verschieden))]
    # The keys in the order of their text, as a grouping by "jahr\x00raum_id" lists them.
    erste_zeile = np.zeros(n_keys, dtype=np.int64)
    erste_zeile[schluessel[::-1]] = np.arange(len(schluessel))[::-1]
    texte = (frame["jahr"].iloc[erste_zeile].astype(str).to_numpy().astype(object) + "\x00"
             + frame["raum_id"].iloc[erste_zeile].astype(str).to_numpy().astype(object))
    reihenfolge = np.argsort(texte, kind="stable")
    mengen = pd.Series([mengen_tupel[m] for m in menge_je_key[reihenfolge]], dtype=object)
    return gruppe_code, gruppen, mengen, menge_je_key[schluessel], mengen_tupel


def _check_bevoelkerung(frame: pd.DataFrame, report: ValidationReport, raw: RawTable) -> pd.DataFrame:
    """Derive alter_von / alter_bis from whichever age columns the file has; no negative counts; overlapping
    groups: the finest tiling (a warning names it)."""
    frame = _alter_ableiten(frame, report)
    if {"jahr", "raum_id", "alter_von"} <= set(frame.columns):
        _report_duplicates(frame, ["jahr", "raum_id", "alter_von", "alter_bis"], report,
                           "Jahr, Gebiet und Altersgruppe")
        if frame["alter_bis"].notna().any():
            frame = _feinste_altersgruppen(frame, report)
    if len(frame) == 0 and not report.errors:
        report.error("Nach dem Weglassen der Summenzeilen bleibt keine Zeile übrig: erwartet werden Einwohner "
                     "je Altersgruppe (oder nur eine Summe je Gebiet und Jahr).")
    return frame.reset_index(drop=True)


def _check_bevoelkerungsprognose(frame: pd.DataFrame, report: ValidationReport, raw: RawTable) -> pd.DataFrame:
    """Ages as for the population; variant, missing values, overlapping groups and duplicates are checked for
    every reader alike (:func:`vorausberechnung.pruefen`)."""
    frame = _alter_ableiten(frame, report)
    if len(frame) == 0 and not report.errors:
        report.error("Nach dem Weglassen der Summenzeilen bleibt keine Zeile übrig: erwartet werden vorausberechnete "
                     "Einwohner je Altersgruppe.")
    return frame.reset_index(drop=True)


def _alter_ableiten(frame: pd.DataFrame, report: ValidationReport) -> pd.DataFrame:
    """alter_von / alter_bis from whichever age columns the file has (totals left out); no negative counts."""
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
        von = np.array([parsed[label].von if parsed.get(label) else np.nan for label in distinct_labels], dtype=float)
        bis = np.array([parsed[label].bis if parsed.get(label) and parsed[label].bis is not None else np.nan
                        for label in distinct_labels], dtype=float)
        frame = frame.assign(alter_von=von[codes], alter_bis=bis[codes])
        if totals.all():
            # Only totals: the population of all ages (rates per inhabitant, the 300-inhabitant rule);
            # figures of the young then say that their age groups are missing.
            frame = frame.assign(alter_von=0.0, alter_bis=np.nan)
            report.info("Nur Summen über alle Altersgruppen (Insgesamt): gelesen als Bevölkerung aller Altersgruppen; "
                        "Eckwerte je junge Menschen brauchen Altersgruppen.")
        else:
            if totals.any():
                report.warning(f"{int(totals.sum())} Summenzeilen (Insgesamt) werden nicht mitgezählt, "
                               "damit nichts doppelt zählt")
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
    return frame


def _check_fallzahlen(frame: pd.DataFrame, report: ValidationReport, raw: RawTable) -> None:
    _report_duplicates(frame, ["jahr", "raum_id", "hilfeart", "setting", "basis"], report,
                       "Jahr, Gebiet und Hilfeart")
    _check_fallzahlen_spalten(frame, report, raw)


def _check_fallzahlen_spalten(frame: pd.DataFrame, report: ValidationReport, raw: RawTable) -> None:
    """Either the case flow (begonnen, beendet, andauernd) or only the Hilfen insgesamt; both must agree."""
    from .tables import FALLZAHLEN_VERLAUF, HINWEIS_NUR_INSGESAMT

    verlauf = [c for c in FALLZAHLEN_VERLAUF if c in frame]
    insgesamt = "inanspruchnahme" in frame
    spec = TABLES["fallzahlen"]

    def aliase(name: str) -> str:
        return ", ".join(f'"{a}"' for a in spec.column(name).aliases[:3])

    if not verlauf and not insgesamt:
        report.error(f"In {report.datei} fehlen die Fallzahlen: erwartet werden entweder die Spalten \"begonnen\", "
                     f"\"beendet\" und \"andauernd\" (auch {aliase('begonnen')} …) oder die Spalte \"inanspruchnahme\" "
                     f"(Hilfen insgesamt; auch {aliase('inanspruchnahme')}); gefundene Spalten: {', '.join(raw.columns)}")
        return
    if verlauf and len(verlauf) < len(FALLZAHLEN_VERLAUF):
        fehlen = [c for c in FALLZAHLEN_VERLAUF if c not in verlauf]
        spalten = ", ".join(f'"{c}"' for c in fehlen)
        report.error(f"In {report.datei} {'fehlt die Spalte' if len(fehlen) == 1 else 'fehlen die Spalten'} {spalten}: "
                     "begonnene, beendete und am 31.12. andauernde Hilfen gehören zusammen (gefunden nur "
                     f"{', '.join(f'„{header_of(frame, c)}“' for c in verlauf)}). Entweder alle drei Spalten liefern oder nur "
                     "die Hilfen insgesamt (Spalte \"inanspruchnahme\").")
        return
    for column in [*verlauf, "inanspruchnahme"] if insgesamt else verlauf:
        # The counts of the file's variant are required: an empty cell is an error (official signs
        # such as "." or "x" are missing values with their reason, as everywhere).
        header = header_of(frame, column)
        leer = np.array([v is None or not v.strip() for v in raw.table.column(header).to_pylist()], dtype=bool)
        for position in np.flatnonzero(leer):
            report.error(f"Pflichtangabe fehlt, erwartet wird {spec.column(column).label}",
                         int(frame["zeile"].iat[position]), header)
    if not verlauf:
        report.info(HINWEIS_NUR_INSGESAMT.format(jahre=""))
        return
    if insgesamt:
        summe = frame["andauernd"] + frame["beendet"]
        anders = (frame["inanspruchnahme"] != summe) & frame["inanspruchnahme"].notna() & summe.notna()
        for position in np.flatnonzero(anders.to_numpy()):
            wert, a, b = (int(frame[c].iat[position]) for c in ("inanspruchnahme", "andauernd", "beendet"))
            report.error(f"{wert} Hilfen insgesamt, aber {a} andauernde + {b} beendete Hilfen = {a + b}: Hilfen "
                         "insgesamt sind die am 31.12. andauernden plus die im Jahr beendeten Hilfen",
                         int(frame["zeile"].iat[position]), header_of(frame, "inanspruchnahme"), str(wert))


def _check_zuordnung(frame: pd.DataFrame, report: ValidationReport, raw: RawTable) -> None:
    _report_duplicates(frame, ["raum_id", "gueltig_ab"], report, "Planungsraum (mit gleichem gültig_ab)")


_CODES = {-1.0, -9.0, -99.0, -999.0, -9999.0, -99999.0, -999999.0, 999.0, 9999.0, 99999.0, 999999.0}


def verdaechtige_werte(werte: pd.Series, anteil: bool = False) -> list[tuple[float, str]]:
    """Values of one indicator that look like missing-value codes, with why: a repeated round negative
    number (-9999), a value far outside the others' range (99999 among shares), a share below 0.

    >>> verdaechtige_werte(pd.Series([12.5, 8.0, -9999.0, 15.0, -9999.0]))
    [(-9999.0, 'wiederholte runde negative Zahl')]
    """
    zahlen = werte.dropna().astype(float)
    if zahlen.empty:
        return []
    out: dict[float, str] = {}
    haeufig = zahlen.value_counts()
    for wert, n in haeufig.items():
        if wert < 0 and (wert in _CODES or (wert <= -99 and float(wert).is_integer() and wert % 10 == 0)) and n >= 2:
            out[float(wert)] = "wiederholte runde negative Zahl"
    uebrige = zahlen[~zahlen.isin(list(out))]
    if len(uebrige) >= 4:
        q1, q3 = np.percentile(uebrige, [25, 75])
        breite = max(q3 - q1, 1e-9)
        for wert in uebrige.unique():
            if abs(wert) >= 999 and (wert > q3 + 20 * breite or wert < q1 - 20 * breite) and wert in _CODES | {-wert}:
                out[float(wert)] = "weit außerhalb der übrigen Werte"
    if anteil:
        for wert in uebrige[uebrige < 0].unique():
            out.setdefault(float(wert), "ein Anteil unter 0")
    return sorted(out.items())


def _check_indikatoren(frame: pd.DataFrame, report: ValidationReport, raw: RawTable) -> None:
    _report_duplicates(frame, ["jahr", "raum_id", "indikator"], report, "Jahr, Gebiet und Indikator")
    if not {"indikator", "wert"} <= set(frame.columns):
        return
    einheit = frame["einheit"].astype(str) if "einheit" in frame else pd.Series("", index=frame.index)
    for indikator, rows in frame.groupby(frame["indikator"].astype(str), sort=True):
        name = fold(indikator)
        anteil = (einheit[rows.index] == "%").any() or any(w in name for w in ("anteil", "quote", "prozent"))
        for wert, grund in verdaechtige_werte(rows["wert"], anteil):
            zeilen = rows.loc[rows["wert"] == wert, "zeile"].astype(int).tolist()
            code = f"{wert:g}".replace(".", ",")  # as the file writes it: -9999, not -9.999
            wo = f"in Zeile {zeilen[0]}" if len(zeilen) == 1 else f"in {len(zeilen)} Zeilen, z. B. Zeile {zeilen[0]}"
            report.warning(f'Indikator "{indikator}": der Wert {code} ({grund}, {wo}'
                           f") sieht nach einem Fehlwert-Code aus. Als fehlend lesen: --fehlwert "
                           f"{wert:g} (Kommandozeile) oder „Fehlwert-Codes“ auf der Seite Daten importieren.",
                           zeilen[0], "wert", code)


def _check_angebote(frame: pd.DataFrame, report: ValidationReport, raw: RawTable) -> None:
    if {"alter_von", "alter_bis"} <= set(frame.columns):
        wrong = (frame["alter_von"] > frame["alter_bis"]).to_numpy()
        for position in np.nonzero(wrong)[0]:
            report.error("alter_von ist größer als alter_bis", int(frame["zeile"].iat[position]),
                         header_of(frame, "alter_von"))


def _check_vergleichswerte(frame: pd.DataFrame, report: ValidationReport, raw: RawTable) -> pd.DataFrame:
    """Reference values: each ``kennzahl`` a comparable registry id with denominator and scale, each ``hilfeart``
    a help group (empty: gesamt), each ``wert`` a number (never a missing-value sign), no value twice."""
    from . import registry
    from .hilfearten import parse_hilfegruppe
    from .vergleichswerte import hilfeart_pruefen, kennzahl_lesen, kennzahl_text, parameter, vergleichsschluessel

    if not {"jahr", "bezug", "kennzahl", "wert", "quelle"} <= set(frame.columns):
        return frame
    rows = frame["zeile"].to_numpy()
    lesungen = {text: kennzahl_lesen(text) for text in pd.unique(frame["kennzahl"].dropna().astype(str))}
    ids: list[str | None] = []
    for position, text in enumerate(frame["kennzahl"].astype(object)):
        lesung = lesungen.get(text) if isinstance(text, str) else None
        if lesung is not None and lesung.fehler:
            report.error(lesung.fehler, int(rows[position]), header_of(frame, "kennzahl"), text)
        ids.append(lesung.id if lesung is not None else None)
    for text, lesung in lesungen.items():
        if lesung.hinweis:
            report.info(f"Kennzahl „{text}“ gelesen als {lesung.id}: {lesung.hinweis}. Eine andere Bezugsgröße "
                        "ausdrücklich angeben, z. B. eckwert_je_10000_u18.")
    geschrieben = frame["hilfeart"].astype(object) if "hilfeart" in frame else pd.Series(None, index=frame.index)
    gruppen: list[str | None] = []
    for position, text in enumerate(geschrieben):
        gruppe = parse_hilfegruppe(text if isinstance(text, str) else None)
        if gruppe is None:
            report.error(f'"{text}" ist keine bekannte Hilfeart oder Hilfegruppe, erwartet wird z. B. Hilfen gesamt, '
                         "HzE, HzE ohne Erziehungsberatung, stationär, § 34 oder leer (Hilfen gesamt)",
                         int(rows[position]), header_of(frame, "hilfeart"), text)
        elif ids[position] is not None and (grund := hilfeart_pruefen(ids[position], gruppe)):
            report.error(grund, int(rows[position]), header_of(frame, "hilfeart"), text)
        gruppen.append(gruppe)
    wert = frame["wert"].to_numpy(dtype=float, na_value=np.nan)
    grund = frame["wert_grund"] if "wert_grund" in frame else pd.Series(None, index=frame.index)
    geschrieben_wert = raw.table.column(header_of(frame, "wert")).to_pylist()
    for position in np.flatnonzero(grund.notna().to_numpy()):
        zelle = (geschrieben_wert[position] or "").strip()
        report.error(f'"{zelle}" ist kein Wert ({grund.iat[position]}): ein Vergleichswert braucht eine Zahl; '
                     "die Zeile weglassen, wenn es für dieses Jahr keinen Wert gibt",
                     int(rows[position]), header_of(frame, "wert"), zelle)
    def geschrieben_als(position: int) -> str:
        return str(geschrieben_wert[position] or "").strip()

    for position in np.flatnonzero(wert < 0):
        report.error(f'"{geschrieben_als(position)}" ist negativ: Quoten, Anteile, Beträge und Dauern sind 0 oder mehr '
                     "(ein Fehlwert-Code?)", int(rows[position]), header_of(frame, "wert"), geschrieben_als(position))
    for position, kennzahl in enumerate(ids):
        if kennzahl is None or not wert[position] >= 0:
            continue
        base, skala, _nenner = parameter(kennzahl)
        obergrenze = 100 if base == "anteil_stationaer" else skala if base == "eckwert" else None
        if obergrenze is not None and wert[position] > obergrenze:
            report.error(f'"{geschrieben_als(position)}" ist zu groß für {registry.describe(kennzahl).label}: '
                         f"höchstens {format_number(obergrenze)} (ein Fehlwert-Code oder eine andere Skala?)",
                         int(rows[position]), header_of(frame, "wert"), geschrieben_als(position))
    frame = frame.assign(kennzahl=ids, hilfeart=gruppen)
    bezug = frame["bezug"].astype(object).map(lambda b: fold(b) if isinstance(b, str) else b)
    schluessel = pd.DataFrame({"jahr": frame["jahr"], "bezug": bezug, "hilfeart": frame["hilfeart"],
                               "kennzahl": [vergleichsschluessel(k) if k else None for k in ids]})
    gueltig = schluessel.notna().all(axis=1).to_numpy()
    doppelt = schluessel.duplicated(keep="first").to_numpy() & gueltig
    erste = schluessel.assign(zeile=rows).groupby(list(schluessel.columns), dropna=False, sort=False)["zeile"] \
        .transform("min").to_numpy()
    for position in np.flatnonzero(doppelt):
        andere = int(np.flatnonzero(rows == erste[position])[0])
        skalen = ("; je 1.000 und je 10.000 gelten als derselbe Wert" if ids[andere] != ids[position] else "")
        report.error(f"{int(frame['jahr'].iat[position])}, „{frame['bezug'].iat[position]}“, "
                     f"{kennzahl_text(ids[position], gruppen[position])} steht schon in Zeile {int(erste[position])}"
                     f"{skalen}: ein Vergleichswert je Jahr, Bezug, Kennzahl und Hilfeart (keiner wird stillschweigend "
                     "gewählt)", int(rows[position]), header_of(frame, "bezug"))
    return frame


# Each check reports problems; it may return a reshaped frame (bevoelkerung derives ages).
POSTPROCESS: dict[str, Callable[[pd.DataFrame, ValidationReport, RawTable], pd.DataFrame | None]] = {
    "faelle": _check_faelle,
    "bevoelkerung": _check_bevoelkerung,
    "bevoelkerungsprognose": _check_bevoelkerungsprognose,
    "fallzahlen": _check_fallzahlen,
    "zuordnung": _check_zuordnung,
    "indikatoren": _check_indikatoren,
    "angebote": _check_angebote,
    "vergleichswerte": _check_vergleichswerte,
}


def guess_kind(path: Path | str) -> str | None:
    """The table kind of a file by its name (``faelle_2024.csv`` -> ``faelle``)."""
    stem = normalise_header(Path(path).name)
    aliases = {"fallzahlen": ("fallzahl",), "faelle": ("fall", "falle"), "bevoelkerung": ("bevolkerung", "einwohner"),
               "bevoelkerungsprognose": ("bevolkerungsprognose", "bevoelkerungsvorausberechnung",
                                         "bevolkerungsvorausberechnung", "vorausberechnung"),
               "gebiete": ("gebiet", "geometrie"), "indikatoren": ("indikator", "sozialdaten"),
               "vergleichswerte": ("vergleichswert", "referenzwert")}
    # The longest name first: "bevoelkerungsprognose_2040.csv" is no "bevoelkerung*.csv".
    namen = sorted([(kind, kind) for kind in TABLES] + [(prefix, kind) for kind, prefixes in aliases.items()
                                                         for prefix in prefixes], key=lambda p: -len(p[0]))
    return next((kind for prefix, kind in namen if stem.startswith(prefix)), None)
