"""One way in for files: :func:`datei_lesen` (file → kind, table, report), the format readers beneath it.

Folder loading (:func:`dataset.load_folder`), the upload (:func:`hochladen.pruefe_datei`, the Import
page) and the command line (``pruefen``, ``importieren``) read every file here, so the three read it
alike: the same size limit, the same recognition of the kind, the same readers and messages.

The layers, top to bottom::

    pages/importieren.py, cli.py, dataset.load_folder
        hochladen            upload helpers of the page (header for the mapping, layers, preview)
    lesen                    this module: size, kind, format → reader; safe unpacking of zips
        readers              the contract's tables from CSV/TSV/XLSX (read_table)
        amtlich              official exports: GENESIS-Tabelle, flat export of the Regionaldatenbank
        geo                  geometries: GeoJSON, GeoPackage, Shapefile
    dialect, tables          encodings, CSV records, header folding, values; the contract and its column matcher

No module below imports :mod:`hochladen`.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from . import vorausberechnung
from .amtlich import KINDS as AMTLICHE_ARTEN
from .amtlich import amtliche_art, is_amtlich, read_amtlich
from .dialect import STROM_AB, FileFormatError, parse_number, utf16_als_utf8
from .formatting import format_number
from .pruefbericht import ValidationReport
from .readers import Grenzen, ReadResult, grenzen, groesse_pruefen, guess_kind, megabytes, read_raw, read_table
from .tables import FALLZAHLEN_VARIANTEN, TABLES, match_columns

GEO_ENDUNGEN = (".geojson", ".json", ".gpkg", ".zip")
TABELLEN_ENDUNGEN = (".csv", ".txt", ".tsv", ".xlsx")
# A Shapefile is read from disk only (a folder, the command line): it needs its .shx and .dbf beside it.
SHAPEFILE = ".shp"
MAX_DATEIEN_IM_ZIP = 50
# Shapefiles, GeoPackages and GeoJSON compress 2–20 times; a member packed more than this is a zip bomb.
MAX_KOMPRESSION = 100
# Below this size a member's ratio does not matter (a tiny .prj or .cpg may pack oddly well).
_KOMPRESSION_AB_BYTES = 1_000_000


# ``variante=ALLE_VARIANTEN``: a projection with all its variants, to offer them for a choice (not to store).
ALLE_VARIANTEN = "\x00alle"


class UnsichereDatei(ValueError):
    """A file refused before it is read (too big, a zip that escapes its folder …); German message."""


def endungen(art: str, *, auf_der_platte: bool = False) -> tuple[str, ...]:
    """The file endings a file of kind ``art`` may have; ``auf_der_platte``: read from a path (a Shapefile too).

    >>> endungen("faelle")
    ('.csv', '.txt', '.tsv', '.xlsx')
    >>> endungen("gebiete", auf_der_platte=True)
    ('.geojson', '.json', '.gpkg', '.zip', '.shp')
    """
    if art == "gebiete":
        return GEO_ENDUNGEN + ((SHAPEFILE,) if auf_der_platte else ())
    return TABELLEN_ENDUNGEN


def art_erkennen(quelle: Path | str, data: bytes | None = None, *, nach_spalten: bool = False) -> str | None:
    """The kind of a file: by its name (``faelle_2024.csv``), else as an official export by its statistics
    code (``12411-02-03-5.csv``: 12421 is ``bevoelkerungsprognose``, other 124xx ``bevoelkerung``, others
    ``indikatoren``), else, with
    ``nach_spalten``, the kind whose required columns its header has; ``None`` when none fits.

    ``quelle`` is the path or the file's name; ``data`` its bytes when they are at hand (an upload).
    """
    art = guess_kind(quelle)
    if art is None and is_amtlich(quelle, data):
        art = amtliche_art(quelle, data)
    if art is None and nach_spalten:
        art = _art_nach_spalten(quelle, data)
    return art


def _art_nach_spalten(quelle: Path | str, data: bytes | None) -> str | None:
    """The table kind whose required columns a file's header has (for odd file names)."""
    try:
        raw = read_raw(quelle, data)
    except (FileFormatError, OSError, UnicodeDecodeError, ValueError):
        return None
    best = None
    for kind, spec in TABLES.items():
        if kind == "gebiete":
            continue
        matched = set(match_columns(raw.columns, spec).values())
        required = {c.name for c in spec.columns if c.required}
        # Counts are the point of fallzahlen: the flow or the Hilfen insgesamt, not just a Betrag.
        if kind == "fallzahlen" and not any(set(variante) <= matched for variante in FALLZAHLEN_VARIANTEN):
            continue
        if required <= matched:
            score = len(matched)
            if best is None or score > best[0]:
                best = (score, kind)
    return best[1] if best else None


def datei_lesen(quelle: Path | str | bytes, art: str | None = None, *, name: str | None = None,
                kreis: str | None = None, mapping: dict[str, str] | None = None, fehlwerte: tuple[float, ...] = (),
                indikatoren: tuple[str, ...] | None = None, ebene_datei: str | None = None,
                variante: str | None = None) -> ReadResult:
    """Read one file as the kind ``art`` (recognised by :func:`art_erkennen` when ``None``); never raises for bad input.

    ``quelle``: a path (folder, command line; its size on disk is checked before anything is read) or the
    bytes of an upload with its ``name``. Tables (CSV, TSV, XLSX) go to :func:`lies_tabelle`, geometries
    (GeoJSON, GeoPackage, zipped Shapefile; from disk a Shapefile too) to :func:`geo.read_gebiete`.
    ``kreis`` keeps only areas whose key starts with it (``08317``); ``mapping`` {column of the file:
    canonical name}; ``fehlwerte`` numeric codes read as missing; ``indikatoren`` the indicator columns of
    a wide file; ``ebene_datei`` the layer of a geometry file with several; ``variante`` the variant of a
    population projection (:func:`vorausberechnung.pruefen`; :data:`ALLE_VARIANTEN` keeps them all, unchecked).

    Returns the kind, the table (``None`` on errors) and the German report.
    """
    pfad = None if isinstance(quelle, (bytes, bytearray)) else Path(quelle)
    data = bytes(quelle) if pfad is None else None
    name = name or (pfad.name if pfad is not None else "Datei")
    report = ValidationReport(name)
    if art is None:
        art = art_erkennen(pfad if pfad is not None else name, data)
    limits = grenzen()
    try:
        zu_gross = groesse_pruefen(name, pfad.stat().st_size if pfad is not None else len(data), limits)
    except OSError as error:
        report.error(f"Die Datei „{name}“ lässt sich nicht öffnen ({error.strerror or type(error).__name__}).")
        return ReadResult(art, None, report)
    if zu_gross:
        report.error(zu_gross)
        return ReadResult(art, None, report)
    if art is None:
        report.error(f"Die Dateiart ist nicht erkennbar (weder am Namen wie faelle*.csv noch als amtliche "
                     f"Statistikdatei); bitte angeben: {', '.join(TABLES)}.")
        return ReadResult(art, None, report)
    suffix = Path(name).suffix.lower()
    if art == "gebiete":
        return _gebiete_lesen(name, pfad, data, suffix, kreis, limits, report, ebene_datei)
    if suffix not in TABELLEN_ENDUNGEN:
        report.error(f"Die Endung „{suffix or '(keine)'}“ passt nicht: erwartet wird eine Tabelle "
                     f"({', '.join(TABELLEN_ENDUNGEN)}).")
        return ReadResult(art, None, report)
    quelle = name
    if data is None:
        try:
            if pfad.stat().st_size >= STROM_AB and suffix in (".csv", ".tsv", ".txt"):
                # A large text file: read from the disk by the reader itself (dialect.read_text_table).
                with open(pfad, "rb"):
                    quelle = pfad
            else:
                data = pfad.read_bytes()
        except OSError as error:
            report.error(f"Die Datei „{name}“ lässt sich nicht öffnen ({error.strerror or type(error).__name__}).")
            return ReadResult(art, None, report)
    return lies_tabelle(quelle, art, data=data, mapping=mapping, kreis=kreis, display_name=name,
                        max_rows=limits.max_zeilen, fehlwerte=fehlwerte, indikatoren=indikatoren, variante=variante)


def lies_tabelle(path: Path | str, art: str, *, data: bytes | None = None, mapping: dict[str, str] | None = None,
                 kreis: str | None = None, display_name: str | None = None, max_rows: int | None = None,
                 fehlwerte: tuple[float, ...] = (), indikatoren: tuple[str, ...] | None = None,
                 variante: str | None = None) -> ReadResult:
    """Read a table file of kind ``art``: the official GENESIS exports (classic or flat) directly,
    everything else by the data contract; ``kreis`` keeps the areas whose key starts with it. A population
    projection is checked alike from either reader, ``variante`` chooses its variant."""
    if data is not None:
        try:
            data, _ = utf16_als_utf8(data)  # Excel's "Unicode-Text": official exports saved so, too
        except FileFormatError:
            pass  # read_table reports it
    if art in AMTLICHE_ARTEN and is_amtlich(path, data):
        result = read_amtlich(path, art, kreis=kreis or None, data=data, display_name=display_name)
    else:
        result = read_table(path, art, data=data, mapping=mapping, display_name=display_name,
                            max_rows=max_rows or grenzen().max_zeilen, fehlwerte=tuple(fehlwerte), indikatoren=indikatoren)
        if result.frame is not None and kreis and "raum_id" in result.frame:
            frame = result.frame[result.frame["raum_id"].astype(str).str.startswith(kreis)].reset_index(drop=True)
            result.report.info(f"Behalten: {format_number(len(frame))} Zeilen mit Schlüssel {kreis}…")
            result = ReadResult(art, frame, result.report)
    if art == "bevoelkerungsprognose" and variante != ALLE_VARIANTEN and result.frame is not None and result.report.ok:
        return ReadResult(art, vorausberechnung.pruefen(result.frame, result.report, variante), result.report)
    return ReadResult(art, result.frame, result.report)


def _gebiete_lesen(name: str, pfad: Path | None, data: bytes | None, suffix: str, kreis: str | None,
                   limits: Grenzen, report: ValidationReport, ebene_datei: str | None = None) -> ReadResult:
    from .geo import read_gebiete

    if suffix not in endungen("gebiete", auf_der_platte=pfad is not None):
        report.error(f"Die Endung „{suffix or '(keine)'}“ passt nicht: erwartet wird GeoJSON, GeoPackage oder ein "
                     "gezipptes Shapefile (.geojson, .json, .gpkg, .zip).")
        return ReadResult("gebiete", None, report)
    if pfad is not None and suffix != ".zip":
        frame, own = read_gebiete(pfad, kreis_prefix=kreis, ebene=ebene_datei)  # a Shapefile with its sidecars
    else:
        try:
            data = data if data is not None else pfad.read_bytes()
        except OSError as error:
            report.error(f"Die Datei „{name}“ lässt sich nicht öffnen ({error.strerror or type(error).__name__}).")
            return ReadResult("gebiete", None, report)
        with tempfile.TemporaryDirectory(prefix="sozialraum-upload-") as folder:
            folder = Path(folder)
            if suffix == ".zip":
                try:
                    files = sicher_entpacken(data, folder, limits.max_entpackt, name)
                except UnsichereDatei as error:
                    report.error(str(error))
                    return ReadResult("gebiete", None, report)
                shapes = [f for f in files if f.suffix.lower() in (SHAPEFILE, ".gpkg", ".geojson", ".json")]
                if not shapes:
                    report.error(f"{name} enthält kein Shapefile (.shp), GeoPackage oder GeoJSON.")
                    return ReadResult("gebiete", None, report)
                if len(shapes) > 1:
                    # Several layers (Planungsräume, Bezirksregionen, …): never the first one silently.
                    gewaehlt = [f for f in shapes if ebene_datei in (f.stem, f.name)] if ebene_datei else []
                    if not gewaehlt:
                        namen = ", ".join(sorted(f.stem for f in shapes))
                        report.error(f"Die Ebene „{ebene_datei}“ gibt es in {name} nicht; vorhanden: {namen}."
                                     if ebene_datei else
                                     f"{name} enthält {len(shapes)} Ebenen: {namen}. Bitte die Ebene mit den "
                                     "Planungsräumen wählen (Seite Daten importieren) oder angeben: --ebene-datei NAME.")
                        return ReadResult("gebiete", None, report)
                    shapes = gewaehlt
                    ebene_datei = None  # the chosen file is the layer
                path = shapes[0]
            else:
                path = folder / f"gebiete{suffix}"
                path.write_bytes(data)
            frame, own = read_gebiete(path, kreis_prefix=kreis, ebene=ebene_datei)
    for problem in own.problems:
        report.problems.append(problem)
    for info in getattr(own, "infos", []):
        report.info(info)
    if frame is not None and len(frame) == 0:
        report.error(f"Keine Gebiete{' mit dem Schlüsselanfang ' + kreis if kreis else ''} in der Datei.")
    return ReadResult("gebiete", frame if report.ok else None, report)


def sicher_entpacken(data: bytes, ziel: Path, max_bytes: int | None = None, name: str = "Zip-Datei") -> list[Path]:
    """Unpack a zip into ``ziel``, refusing path traversal, links and absurd unpacked sizes.

    ``max_bytes``: what all members may unpack to together (default ``grenzen().max_entpackt``).
    Every member is checked (path, link, declared size, compression ratio) before the first byte is
    written; while unpacking, the bytes really written are counted too (a zip's directory can lie).
    Raises :class:`UnsichereDatei` with a German message naming the member.
    """
    if max_bytes is None:
        max_bytes = grenzen().max_entpackt
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise UnsichereDatei(f"{name} ist keine gültige Zip-Datei (beschädigt oder kein Zip-Archiv); bitte die "
                             "Datei neu packen oder unverändert noch einmal hochladen.") from error
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > MAX_DATEIEN_IM_ZIP:
        raise UnsichereDatei(f"{name} enthält {len(members)} Dateien; erlaubt sind höchstens {MAX_DATEIEN_IM_ZIP}.")
    total = sum(m.file_size for m in members)
    if total > max_bytes:
        groesste = max(members, key=lambda m: m.file_size)
        raise UnsichereDatei(f"{name} würde entpackt {megabytes(total)} groß; erlaubt sind höchstens "
                             f"{megabytes(max_bytes)} (größte Datei darin: „{groesste.filename}“ mit "
                             f"{megabytes(groesste.file_size)}; Einstellungen SOZIALRAUM_MAX_ENTPACKT_MB und "
                             "SOZIALRAUM_MAX_MB). Nichts wurde entpackt.")
    root = ziel.resolve()
    targets = []
    # Every member is checked before the first byte is written: nothing half-unpacked.
    for member in members:
        path = PurePosixPath(member.filename.replace("\\", "/"))
        # "C:/x" or "C:x" (a Windows drive) counts as absolute wherever the server runs.
        absolute = path.is_absolute() or any(":" in part for part in path.parts)
        if absolute or ".." in path.parts:
            raise UnsichereDatei(f"{name} enthält den unzulässigen Pfad „{member.filename}“ (außerhalb des Ordners: "
                                 f"{'absoluter Pfad' if absolute else '„..“ im Pfad'}). Nichts wurde entpackt.")
        target = (root / Path(*path.parts)).resolve()
        if not target.is_relative_to(root):
            raise UnsichereDatei(f"{name} enthält den unzulässigen Pfad „{member.filename}“ (außerhalb des Ordners). "
                                 "Nichts wurde entpackt.")
        faktor = member.file_size / max(member.compress_size, 1)
        if member.file_size > _KOMPRESSION_AB_BYTES and faktor > MAX_KOMPRESSION:
            raise UnsichereDatei(f"{name}: die Datei „{member.filename}“ ist {format_number(faktor)}-fach "
                                 f"gepackt ({megabytes(member.compress_size)} → {megabytes(member.file_size)}); "
                                 f"erlaubt ist höchstens {MAX_KOMPRESSION}-fach (Schutz vor Zip-Bomben). "
                                 "Nichts wurde entpackt.")
        if (member.external_attr >> 16) & 0o170000 == 0o120000:
            raise UnsichereDatei(f"{name} enthält eine Verknüpfung („{member.filename}“); das ist nicht erlaubt.")
        targets.append(target)
    written = 0
    for member, target in zip(members, targets):
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with archive.open(member) as source, open(target, "wb") as sink:
                # The sizes in the zip's directory can lie: count what really comes out.
                while chunk := source.read(1 << 20):
                    written += len(chunk)
                    if written > max_bytes:
                        raise UnsichereDatei(f"{name} entpackt sich größer als angegeben („{member.filename}“); "
                                             "abgebrochen.")
                    sink.write(chunk)
        except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError) as error:
            # A damaged member (wrong checksum or size), an unknown packing method, a password.
            grund = "verschlüsselt" if member.flag_bits & 0x1 else "beschädigt oder mit einem unbekannten Verfahren gepackt"
            raise UnsichereDatei(f"{name}: die Datei „{member.filename}“ lässt sich nicht entpacken ({grund}).") \
                from error
    return targets


def fehlwerte_aus_text(text: str) -> tuple[float, ...]:
    """Missing-value codes as a planner types them: ``"-9999; -999"`` or ``"-9999 99999"``.

    Separated by semicolon, comma or space (codes are whole numbers; a decimal point is allowed).
    Raises ``ValueError`` with a German message naming the part that is no number.

    >>> fehlwerte_aus_text("-9999; -999 -9999")
    (-9999.0, -999.0)
    """
    codes = []
    for teil in (t for t in re.split(r"[;,\s]+", text.strip()) if t):
        zahl = parse_number(teil, "en")
        if zahl is None:
            raise ValueError(f"„{teil}“ ist keine Zahl: erwartet werden Fehlwert-Codes wie -9999 oder 99999.")
        codes.append(zahl)
    return tuple(dict.fromkeys(codes))
