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
from collections.abc import Iterator
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


# A cell may be as long as a file may be (SOZIALRAUM_MAX_MB bounds both): the csv module's default
# of 131,072 characters refused long free-text cells with an English ``_csv.Error``. 2**31 - 1 is the
# largest value a C long holds on every platform (Windows included).
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


class FileFormatError(Exception):
    """A file that cannot be read as a table at all (empty, binary, no header)."""


def utf16_encoding(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` if ``data`` is UTF-16 text, else ``None``.

    Excel's "Unicode-Text (*.txt)" writes tab-separated UTF-16LE with a BOM; without a BOM, text
    in UTF-16 shows a zero in every other byte (Latin letters, digits and separators).

    >>> utf16_encoding("\ufeffraum_id\tname".encode("utf-16-le"))
    'utf-16-le'
    >>> utf16_encoding(b"raum_id;name") is None
    True
    """
    if data.startswith(b"\xff\xfe") and not data.startswith(b"\xff\xfe\x00\x00"):
        return "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be"
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def utf16_als_utf8(data: bytes) -> tuple[bytes, bool]:
    """UTF-16 text (with or without BOM) as UTF-8 bytes and ``True``; any other ``data`` unchanged, ``False``.

    Raises :class:`FileFormatError` (German) when the file starts as UTF-16 but does not decode.
    """
    encoding = utf16_encoding(data)
    if encoding is None:
        return data, False
    bom = 2 if data[:2] in (b"\xff\xfe", b"\xfe\xff") else 0
    try:
        text = data[bom:].decode(encoding)
    except UnicodeDecodeError as error:
        raise FileFormatError(
            "Die Datei ist als Unicode-Text (UTF-16) gespeichert, enthält aber ab Byte "
            f"{format(error.start + bom, ',').replace(',', '.')} ungültige Zeichen – ist sie beschädigt? Bitte in "
            "Excel erneut speichern, am besten als „CSV UTF-8 (durch Trennzeichen getrennt)“.") from error
    return text.encode("utf-8"), True


def _csv_fehler(error: csv.Error, zeile: int) -> FileFormatError:
    """A German message for a record the csv module cannot read, naming the row Excel shows."""
    grund = str(error)
    if "field larger than field limit" in grund:
        grund = f"ein Feld ist länger als {format(csv.field_size_limit(), ',').replace(',', '.')} Zeichen"
    else:
        grund = "ungültiges CSV (z. B. ein Anführungszeichen, das nicht geschlossen wird)"
    return FileFormatError(f"Zeile {zeile}: die Datei lässt sich dort nicht als Tabelle lesen: {grund}.")


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


def decode_text(data: bytes) -> tuple[str, str]:
    r"""The text of ``data`` and its encoding as a message names it: the one decoder of whole files.

    UTF-16 (Excel's "Unicode-Text", with or without BOM), UTF-8 with or without BOM (a character cut
    at the end of a sample is no error), else Windows-1252 as German Excel and the statistics offices
    write it, ISO-8859-1 for the few bytes Windows-1252 leaves undefined.

    >>> decode_text("Größe;Wert".encode("cp1252"))
    ('Größe;Wert', 'Windows-1252')
    >>> decode_text(b"\xef\xbb\xbfraum_id")
    ('raum_id', 'UTF-8 mit BOM')
    """
    utf16 = utf16_encoding(data)
    if utf16 is not None:
        return data[2 if data[:2] in (b"\xff\xfe", b"\xfe\xff") else 0:].decode(utf16, errors="replace"), "UTF-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 mit BOM"
    if decode_sample(data)[0] == "utf-8":
        return data.decode("utf-8", errors="ignore"), "UTF-8"  # valid, or cut in the last character only
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "ISO-8859-1"


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


# A file on disk from this size on is read by Arrow itself, in blocks beside the parsing (as the floor of
# the benchmark reads it); Python reads only its first megabyte (encoding, separator, header).
STROM_AB = 8_000_000
_KOPF = 1 << 20


def _anfang(path: Path) -> tuple[bytes, Path | None]:
    """The bytes of a file, or for a large UTF-8 or Windows-1252 file its first megabyte and the file itself."""
    if path.stat().st_size < STROM_AB:
        return path.read_bytes(), None
    with open(path, "rb") as handle:
        kopf = handle.read(_KOPF)
    if utf16_encoding(kopf) is not None or not kopf.strip(b"\xef\xbb\xbf \r\n\t"):
        return path.read_bytes(), None  # converted as a whole, or a start of blanks: read all as before
    return kopf, path


def read_text_table(path: Path, data: bytes | None = None) -> RawTable:
    """Read a CSV/TSV file into string columns, whatever its encoding and separator."""
    datei = None  # the file, where Arrow reads it itself (data is then its first megabyte)
    if data is None:
        data, datei = _anfang(Path(path))
    data, utf16 = utf16_als_utf8(data)  # Excel's "Unicode-Text"
    if not data[:65536].strip(b"\xef\xbb\xbf \r\n\t") and not data[65536:].strip():
        raise FileFormatError("Die Datei ist leer.")
    if _looks_binary(data):
        raise FileFormatError("Die Datei ist keine Textdatei (CSV) – ist sie vielleicht beschädigt oder eine andere Dateiart?")
    encoding, bom = decode_sample(data[:1 << 20])
    if encoding != "utf-8" and datei is not None:
        data, datei = datei.read_bytes(), None
    body = memoryview(data)[bom:]

    def ganz() -> memoryview:
        """The whole body (the file read where Arrow read it so far)."""
        return memoryview(datei.read_bytes())[bom:] if datei is not None else body

    if encoding != "utf-8":
        body = memoryview(bytes(body).decode(encoding).encode("utf-8"))
    first_newline = bytes(body[:65536]).find(b"\n")
    header_bytes = bytes(body[: first_newline if first_newline >= 0 else len(body)])
    header_line = header_bytes.decode("utf-8").rstrip("\r")
    delimiter = sniff_delimiter(header_line)
    try:
        header = next(csv.reader([header_line], delimiter=delimiter))
    except csv.Error as error:
        raise _csv_fehler(error, 1) from error
    header = [h.strip() for h in header]
    while header and header[-1] == "":
        header.pop()  # trailing separators written by Excel
    if not header or all(h == "" for h in header):
        raise FileFormatError("Die erste Zeile enthält keine Spaltenüberschriften.")
    names = _unique_names(header)
    # Read with extra columns allowed: rows with trailing separators get empty cells.
    width = max(len(names), _max_width(body, delimiter))
    all_names = names + [f"__extra_{i}" for i in range(width - len(names))]
    # 4 MB blocks: both cores parse from the start (a longer row is read again as one block, _arrow_csv).
    read_options = pacsv.ReadOptions(column_names=all_names, skip_rows=1, block_size=1 << 22)
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
        table = _arrow_csv(datei if datei is not None else body, read_options, parse_options, convert_options, bad_rows)
    except pa.ArrowInvalid as error:
        if "UTF8" not in str(error) or encoding != "utf-8":
            raise
        # Not UTF-8 after all (the sample was): Windows-1252, as German Excel writes it.
        encoding, bad_rows[:] = "cp1252", []
        body, datei = memoryview(bytes(ganz()).decode("cp1252", errors="replace").encode("utf-8")), None
        table = _arrow_csv(body, read_options, parse_options, convert_options, bad_rows)
    if bad_rows:
        # Rare: rows with the wrong number of cells or values spanning lines. Read again
        # record by record so every problem row is reported with its Excel row number.
        table, bad_rows = _read_records(bytes(ganz()), delimiter, len(names), all_names)
    table = table.select(names)
    excel_rows = np.arange(2, table.num_rows + 2, dtype=np.int64)
    # Drop blank lines but keep Excel's numbering for the rest.
    if table.num_rows:
        non_empty = None
        for column in table.columns:
            filled = pc.greater(pc.binary_length(column), 0)
            non_empty = filled if non_empty is None else pc.or_(non_empty, filled)
            if pc.all(non_empty).as_py():
                break  # no row is blank (the usual case: seen in the first column)
        mask = non_empty.to_numpy(zero_copy_only=False)
        if not mask.all():
            table = table.filter(pa.array(mask))
            excel_rows = excel_rows[mask]
    return RawTable(names, table, excel_rows, "utf-16" if utf16 else encoding, delimiter, tuple(bad_rows))


def _arrow_csv(body: memoryview | Path, read_options: pacsv.ReadOptions, parse_options: pacsv.ParseOptions,
               convert_options: pacsv.ConvertOptions, bad_rows: list) -> pa.Table:
    """pyarrow's reader of the body, or of the file itself (its first line is the header, with a BOM if any);
    a row longer than a block (a huge free-text cell) is read again as one block."""
    def source():  # noqa: ANN202 - a pyarrow input
        return pa.OSFile(str(body)) if isinstance(body, Path) else pa.BufferReader(pa.py_buffer(body))

    size = body.stat().st_size if isinstance(body, Path) else len(body)
    try:
        return pacsv.read_csv(source(), read_options, parse_options, convert_options)
    except pa.ArrowInvalid as error:
        if "straddl" not in str(error) or read_options.block_size > size:
            raise
        bad_rows.clear()  # noted by the first attempt; the second notes them again
        whole = pacsv.ReadOptions(column_names=read_options.column_names, skip_rows=read_options.skip_rows,
                                  block_size=min(size + 1, 2**31 - 1))
        return pacsv.read_csv(source(), whole, parse_options, convert_options)


def _read_records(body: bytes, delimiter: str, n_header: int, names: list[str]) -> tuple[pa.Table, list]:
    """Read record by record: rows of the wrong width are padded and reported."""
    records = datensaetze(body.decode("utf-8"), delimiter)
    next(records, None)
    width = len(names)
    columns: list[list[str]] = [[] for _ in names]
    bad_rows = []
    for index, record in enumerate(records):
        cells = len(record)
        if cells and cells != n_header and any(c.strip() for c in record[n_header:]) or 0 < cells < n_header:
            bad_rows.append((index + 2, n_header, cells))
        record = (record + [""] * width)[:width]
        for column, cell in zip(columns, record):
            column.append(cell)
    return pa.table({name: pa.array(col, pa.string()) for name, col in zip(names, columns)}), bad_rows


def datensaetze(text: str, delimiter: str) -> Iterator[list[str]]:
    r"""The records of CSV ``text``, one list of cells each: the one CSV record reader of the package.

    A record the csv module cannot read (a quote never closed, a cell over the field limit) raises
    :class:`FileFormatError` in German, naming the row Excel shows (the first line is row 1).

    >>> list(datensaetze('a;b\n1;"x\ny"', ";"))
    [['a', 'b'], ['1', 'x\ny']]
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _csv_fehler(error, reader.line_num) from error
        yield record


def _max_width(body: memoryview, delimiter: str) -> int:
    """Widest row among the first lines (rows with more cells than the header)."""
    sample = bytes(body[:262144]).decode("utf-8", errors="replace")
    lines = sample.splitlines()[1:200]
    try:
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)] if lines else [0]
    except csv.Error:
        return 0  # only a hint: the reader below reports the row it cannot read
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


def fold(text: str) -> str:
    """Text as a key: lower case, umlauts and ß folded, whitespace collapsed (the one folding of the package).

    >>> fold(" Sozialpädagogische  Familienhilfe")
    'sozialpaedagogische familienhilfe'
    """
    text = text.strip().lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text)


def normalise_header(name: str) -> str:
    """Header as a key: :func:`fold`, then ``§`` dropped and separators as ``_`` (a BOM too).

    >>> normalise_header("Gemeindeschlüssel")
    'gemeindeschluessel'
    >>> normalise_header(" Sozialraum-ID ")
    'sozialraum_id'
    """
    return re.sub(r"[^a-z0-9]+", "_", fold(name).replace("§", "")).strip("_")


# --- values -------------------------------------------------------------------------

_INT_DE = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_INT_EN = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")
_PLAIN = re.compile(r"^[+-]?\d+$")
_DEC_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)?,\d+$")
_DEC_POINT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?\.\d+$")


def special_reason(text: str) -> str | None:
    """The reason for an official special value (``-``, ``.``, ``x`` …), else ``None``."""
    stripped = text.strip()
    return SPECIAL_VALUES.get("x" if stripped == "X" else stripped)


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
