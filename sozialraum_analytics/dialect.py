"""The file dialect planners bring: encodings, separators, German numbers and dates.

Files are read as text first (every cell a string) and parsed column by column. Each
column is dictionary-encoded so that every *distinct* value is parsed once: a million
case rows hold only a few thousand distinct dates, which keeps reading fast.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

# Official special values of the statistics offices: read as missing, reason kept.
SPECIAL_VALUES = {
    "-": "nichts vorhanden",
    ".": "unbekannt oder geheim",
    "•": "unbekannt oder geheim",
    "...": "noch nicht verfügbar",
    "…": "noch nicht verfügbar",
    "x": "gesperrt",
    "/": "nicht sicher genug",
}


class FileFormatError(Exception):
    """A file that cannot be read as a table at all (empty, binary, no header)."""


@dataclass(frozen=True)
class RawTable:
    """A file read as text: the header as written and one string column per header."""

    columns: list[str]
    table: pa.Table  # all columns string, "" for empty cells
    excel_rows: np.ndarray  # the row number Excel shows for each data row (header = 1)
    encoding: str
    delimiter: str
    bad_rows: tuple[tuple[int, int, int], ...] = ()  # (Excel row, expected cells, found cells)


def decode_sample(data: bytes) -> tuple[str, int]:
    """The encoding of ``data`` and the length of its BOM: UTF-8 if it decodes, else cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8", 3
    try:
        data.decode("utf-8")
        return "utf-8", 0
    except UnicodeDecodeError as error:
        # A cut at the sample's end is not an encoding error.
        if error.start >= len(data) - 3 and error.reason == "unexpected end of data":
            return "utf-8", 0
        return "cp1252", 0


def sniff_delimiter(header_line: str) -> str:
    """``;`` (German Excel), ``,`` or tab, whichever splits the header line most."""
    counts = {}
    for delimiter in (";", "\t", ","):
        try:
            counts[delimiter] = len(next(csv.reader([header_line], delimiter=delimiter))) - 1
        except (csv.Error, StopIteration):
            counts[delimiter] = 0
    best = max(counts.values())
    if best == 0:
        return ";"
    return next(d for d in (";", "\t", ",") if counts[d] == best)


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bool(sample) and control / len(sample) > 0.05


def read_text_table(path: Path, data: bytes | None = None) -> RawTable:
    """Read a CSV/TSV file into string columns, whatever its encoding and separator."""
    if data is None:
        data = Path(path).read_bytes()
    if not data[:65536].strip(b"\xef\xbb\xbf \r\n\t") and not data[65536:].strip():
        raise FileFormatError("Die Datei ist leer.")
    if _looks_binary(data):
        raise FileFormatError("Die Datei ist keine Textdatei (CSV) – ist sie vielleicht beschädigt oder eine andere Dateiart?")
    encoding, bom = decode_sample(data[:1 << 20])
    body = memoryview(data)[bom:]
    if encoding != "utf-8":
        body = memoryview(bytes(body).decode(encoding).encode("utf-8"))
    first_newline = bytes(body[:65536]).find(b"\n")
    header_bytes = bytes(body[: first_newline if first_newline >= 0 else len(body)])
    header_line = header_bytes.decode("utf-8").rstrip("\r")
    delimiter = sniff_delimiter(header_line)
    header = next(csv.reader([header_line], delimiter=delimiter))
    header = [h.strip() for h in header]
    while header and header[-1] == "":
        header.pop()  # trailing separators written by Excel
    if not header or all(h == "" for h in header):
        raise FileFormatError("Die erste Zeile enthält keine Spaltenüberschriften.")
    names = _unique_names(header)
    # Read with extra columns allowed: rows with trailing separators get empty cells.
    width = max(len(names), _max_width(body, delimiter))
    all_names = names + [f"__extra_{i}" for i in range(width - len(names))]
    read_options = pacsv.ReadOptions(column_names=all_names, skip_rows=1, block_size=1 << 24)
    bad_rows: list[tuple[int, int, int]] = []

    def note_bad_row(row: pacsv.InvalidRow) -> str:
        bad_rows.append((0, row.expected_columns, row.actual_columns))
        return "skip"

    parse_options = pacsv.ParseOptions(
        delimiter=delimiter, newlines_in_values=False, ignore_empty_lines=False,
        invalid_row_handler=note_bad_row,
    )
    convert_options = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in all_names}, strings_can_be_null=False,
        quoted_strings_can_be_null=False, null_values=[],
    )
    try:
        table = pacsv.read_csv(pa.BufferReader(pa.py_buffer(body)), read_options, parse_options, convert_options)
    except pa.ArrowInvalid as error:
        if "UTF8" not in str(error) or encoding != "utf-8":
            raise
        # Not UTF-8 after all (the sample was): Windows-1252, as German Excel writes it.
        encoding, bad_rows[:] = "cp1252", []
        body = memoryview(bytes(body).decode("cp1252", errors="replace").encode("utf-8"))
        table = pacsv.read_csv(pa.BufferReader(pa.py_buffer(body)), read_options, parse_options, convert_options)
    if bad_rows:
        # Rare: rows with the wrong number of cells or values spanning lines. Read again
        # record by record so every problem row is reported with its Excel row number.
        table, bad_rows = _read_records(bytes(body), delimiter, len(names), all_names)
    table = table.select(names)
    excel_rows = np.arange(2, table.num_rows + 2, dtype=np.int64)
    # Drop blank lines but keep Excel's numbering for the rest.
    if table.num_rows:
        non_empty = None
        for column in table.columns:
            filled = pc.greater(pc.binary_length(column), 0)
            non_empty = filled if non_empty is None else pc.or_(non_empty, filled)
        mask = non_empty.to_numpy(zero_copy_only=False)
        if not mask.all():
            table = table.filter(pa.array(mask))
            excel_rows = excel_rows[mask]
    return RawTable(names, table, excel_rows, encoding, delimiter, tuple(bad_rows))


def _read_records(body: bytes, delimiter: str, n_header: int, names: list[str]) -> tuple[pa.Table, list]:
    """Read record by record: rows of the wrong width are padded and reported."""
    reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""), delimiter=delimiter)
    next(reader, None)
    width = len(names)
    columns: list[list[str]] = [[] for _ in names]
    bad_rows = []
    for index, record in enumerate(reader):
        cells = len(record)
        if cells and cells != n_header and any(c.strip() for c in record[n_header:]) or 0 < cells < n_header:
            bad_rows.append((index + 2, n_header, cells))
        record = (record + [""] * width)[:width]
        for column, cell in zip(columns, record):
            column.append(cell)
    return pa.table({name: pa.array(col, pa.string()) for name, col in zip(names, columns)}), bad_rows


def _max_width(body: memoryview, delimiter: str) -> int:
    """Widest row among the first lines (rows with more cells than the header)."""
    sample = bytes(body[:262144]).decode("utf-8", errors="replace")
    lines = sample.splitlines()[1:200]
    widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)] if lines else [0]
    return max(widths or [0])


def _unique_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for i, name in enumerate(header):
        name = name or f"Spalte {i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        names.append(name)
    return names


def normalise_header(name: str) -> str:
    """Header as a key: lower case, umlauts and ß folded, separators as ``_``.

    >>> normalise_header("Gemeindeschlüssel")
    'gemeindeschluessel'
    >>> normalise_header(" Sozialraum-ID ")
    'sozialraum_id'
    """
    text = name.strip().lower().lstrip("\ufeff")
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("§", "")):
        text = text.replace(a, b)
    text = re.sub(r"[^a-z0-9]+", "_", text)
    return text.strip("_")


# --- values -------------------------------------------------------------------------

_INT_DE = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_INT_EN = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")
_PLAIN = re.compile(r"^[+-]?\d+$")
_DEC_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)?,\d+$")
_DEC_POINT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?\.\d+$")


def special_reason(text: str) -> str | None:
    """The reason for an official special value (``-``, ``.``, ``x`` …), else ``None``."""
    return SPECIAL_VALUES.get(text.strip().lower() if text.strip().lower() == "x" else text.strip())


def decimal_style(values: list[str], german_default: bool) -> str:
    """Decide a column's decimal separator from all its distinct values: ``"de"`` or ``"en"``."""
    comma_values = [v for v in values if _DEC_COMMA.match(v)]
    # "1,234" alone may be English thousands: only a comma that cannot be one decides.
    comma = any(not _INT_EN.match(v) for v in comma_values) or (bool(comma_values) and german_default)
    point = any(_DEC_POINT.match(v) and not _INT_DE.match(v) for v in values)
    if comma and not point:
        return "de"
    if point and not comma:
        return "en"
    if any(_INT_EN.match(v) for v in values) and not any(_INT_DE.match(v) for v in values):
        return "en"
    return "de" if german_default or any(_INT_DE.match(v) for v in values) else "en"


def parse_number(text: str, style: str) -> float | None:
    """``"1.234,5"`` -> 1234.5 (style ``de``); ``None`` when it is not a number."""
    t = text.strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    if t.endswith("%"):
        t = t[:-1]
    if style == "de":
        t = t.replace(".", "").replace(",", ".")
    else:
        t = t.replace(",", "")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M:%S",
                 "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y")


_MONAT = (re.compile(r"^(?P<jahr>\d{4})(?P<monat>\d{2})$"), re.compile(r"^(?P<jahr>\d{4})-(?P<monat>\d{1,2})$"),
          re.compile(r"^(?P<monat>\d{1,2})/(?P<jahr>\d{4})$"), re.compile(r"^(?P<monat>\d{1,2})\.(?P<jahr>\d{4})$"))


def parse_date(text: str) -> dt.date | None:
    """``31.12.2023``, ``2023-12-31`` or ``31.12.23``; a month (``202012``, ``2020-12``, ``12/2020``)
    stands for its last day, the Stichtag of monthly statistics; ``None`` if not a valid date.

    >>> parse_date("202012")
    datetime.date(2020, 12, 31)
    >>> parse_date("02/2024")
    datetime.date(2024, 2, 29)
    """
    t = text.strip()
    for muster in _MONAT:
        if m := muster.match(t):
            jahr, monat = int(m["jahr"]), int(m["monat"])
            if not 1 <= monat <= 12:
                return None
            naechster = dt.date(jahr + (monat == 12), monat % 12 + 1, 1)
            return naechster - dt.timedelta(days=1)
    try:
        # Fast paths for the two common forms; strptime below handles the rest.
        if len(t) == 10 and t[2] == "." and t[5] == "." and t[6:].isdigit():
            return dt.date(int(t[6:]), int(t[3:5]), int(t[:2]))
        if len(t) == 10 and t[4] == "-" and t[7] == "-" and t[:4].isdigit():
            return dt.date(int(t[:4]), int(t[5:7]), int(t[8:]))
    except ValueError:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    return None


def pad_area_key(text: str) -> str:
    """An area key as text, with the leading zero Excel dropped put back.

    AGS have 2 (Land), 5 (Kreis), 8 (Gemeinde) digits, the Regionalschlüssel 12: a
    number one digit short is one whose leading zero was lost (Länder 01–09).

    >>> pad_area_key("8317001")
    '08317001'
    >>> pad_area_key("8317001.0")
    '08317001'
    >>> pad_area_key("SR-Nord")
    'SR-Nord'
    """
    t = text.strip()
    if re.fullmatch(r"\d+\.0+", t):
        t = t.split(".")[0]
    if t.isdigit() and len(t) in (1, 4, 7, 11):
        return "0" + t
    return t


def read_string_column(table: pa.Table, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A column as (codes, distinct stripped values): codes index into the values."""
    column = pc.utf8_trim_whitespace(table.column(name))
    encoded = column.dictionary_encode().combine_chunks()
    return encoded.indices.to_numpy(zero_copy_only=False), np.array(encoded.dictionary.to_pylist(), dtype=object)


def decode_bytes_for_preview(data: bytes) -> str:
    """Text of a file for a preview, whatever its encoding."""
    encoding, bom = decode_sample(data)
    return data[bom:].decode(encoding, errors="replace")


def text_io(data: bytes) -> io.StringIO:
    return io.StringIO(decode_bytes_for_preview(data))
