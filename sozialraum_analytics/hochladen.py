"""Checking an uploaded file before it is stored: limits, safe unpacking, reading, column mapping.

Used by the Import page and the CLI (``pruefen``, ``importieren``), usable from a notebook; nothing
here writes to the store. Limits are configurable (see :func:`readers.grenzen`): ``SOZIALRAUM_MAX_MB``
(file size, default 200), ``SOZIALRAUM_MAX_ZEILEN`` (rows, default 5,000,000) and
``SOZIALRAUM_MAX_ENTPACKT_MB`` (what a zip may unpack to, default 100, never more than the file limit).
"""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

import pandas as pd

from .formatting import format_date, format_number
from .pruefbericht import ValidationReport
from .readers import Grenzen, ReadResult, grenzen, groesse_pruefen, megabytes, read_raw, read_table
from .tables import TABLES, match_columns

GEO_ENDUNGEN = (".geojson", ".json", ".gpkg", ".zip")
TABELLEN_ENDUNGEN = (".csv", ".txt", ".tsv", ".xlsx")
MAX_DATEIEN_IM_ZIP = 50
# Shapefiles, GeoPackages and GeoJSON compress 2–20 times; a member packed more than this is a zip bomb.
MAX_KOMPRESSION = 100
# Below this size a member's ratio does not matter (a tiny .prj or .cpg may pack oddly well).
_KOMPRESSION_AB_BYTES = 1_000_000


class UnsichereDatei(ValueError):
    """A file refused before it is read (too big, a zip that escapes its folder …); German message."""


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
        archive = zipfile.ZipFile(_bytes_io(data))
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


def _bytes_io(data: bytes):  # noqa: ANN202
    import io

    return io.BytesIO(data)


def pruefe_datei(art: str, name: str, data: bytes, mapping: dict[str, str] | None = None,
                 kreis: str | None = None, fehlwerte: tuple[float, ...] = (),
                 indikatoren: tuple[str, ...] | None = None, ebene_datei: str | None = None) -> ReadResult:
    """Read and validate an uploaded file of kind ``art``; never raises for bad input.

    Geometries (GeoJSON, GeoPackage, zipped Shapefile) go through :func:`geo.read_gebiete`;
    ``kreis`` keeps only areas whose key starts with it (``08317``).
    """
    limits = grenzen()
    report = ValidationReport(name)
    zu_gross = groesse_pruefen(name, len(data), limits)
    if zu_gross:
        report.error(zu_gross)
        return ReadResult(art, None, report)
    suffix = Path(name).suffix.lower()
    if art == "gebiete":
        return _pruefe_gebiete(name, data, suffix, kreis, limits, report, ebene_datei)
    if suffix not in TABELLEN_ENDUNGEN:
        report.error(f"Die Endung „{suffix or '(keine)'}“ passt nicht: erwartet wird eine Tabelle "
                     f"({', '.join(TABELLEN_ENDUNGEN)}).")
        return ReadResult(art, None, report)
    return lies_tabelle(name, art, data=data, mapping=mapping, kreis=kreis, display_name=name,
                        max_rows=limits.max_zeilen, fehlwerte=fehlwerte, indikatoren=indikatoren)


def pruefe_pfad(art: str, path: Path | str, **optionen) -> ReadResult:  # noqa: ANN003 - as pruefe_datei
    """:func:`pruefe_datei` for a file on disk (the CLI): the size on disk is checked first, so a file
    over ``SOZIALRAUM_MAX_MB`` is refused without being read into memory."""
    path = Path(path)
    report = ValidationReport(path.name)
    try:
        zu_gross = groesse_pruefen(path.name, path.stat().st_size)
        if zu_gross:
            report.error(zu_gross)
            return ReadResult(art, None, report)
        data = path.read_bytes()
    except OSError as error:
        report.error(f"Die Datei „{path.name}“ lässt sich nicht öffnen ({error.strerror or type(error).__name__}).")
        return ReadResult(art, None, report)
    return pruefe_datei(art, path.name, data, **optionen)


def lies_tabelle(path: Path | str, art: str, *, data: bytes | None = None, mapping: dict[str, str] | None = None,
                 kreis: str | None = None, display_name: str | None = None, max_rows: int | None = None,
                 fehlwerte: tuple[float, ...] = (), indikatoren: tuple[str, ...] | None = None) -> ReadResult:
    """Read a table file of kind ``art``: the official GENESIS exports (classic or flat) directly,
    everything else by the data contract; ``kreis`` keeps the areas whose key starts with it."""
    from .amtlich import is_amtlich, read_amtlich
    from .dialect import FileFormatError, utf16_als_utf8
    if data is not None:
        try:
            data, _ = utf16_als_utf8(data)  # Excel's "Unicode-Text": official exports saved so, too
        except FileFormatError:
            pass  # read_table reports it
    if art in ("bevoelkerung", "indikatoren") and is_amtlich(path, data):
        return read_amtlich(path, art, kreis=kreis or None, data=data, display_name=display_name)
    result = read_table(path, art, data=data, mapping=mapping, display_name=display_name,
                        max_rows=max_rows or grenzen().max_zeilen, fehlwerte=tuple(fehlwerte), indikatoren=indikatoren)
    frame = result.frame
    if frame is not None and kreis and "raum_id" in frame:
        frame = frame[frame["raum_id"].astype(str).str.startswith(kreis)].reset_index(drop=True)
        result.report.info(f"Behalten: {format_number(len(frame))} Zeilen mit Schlüssel {kreis}…")
    return ReadResult(art, frame, result.report)


def _pruefe_gebiete(name: str, data: bytes, suffix: str, kreis: str | None, limits: Grenzen,
                    report: ValidationReport, ebene_datei: str | None = None) -> ReadResult:
    from .geo import read_gebiete

    if suffix not in GEO_ENDUNGEN:
        report.error(f"Die Endung „{suffix or '(keine)'}“ passt nicht: erwartet wird GeoJSON, GeoPackage oder ein "
                     "gezipptes Shapefile (.geojson, .json, .gpkg, .zip).")
        return ReadResult("gebiete", None, report)
    with tempfile.TemporaryDirectory(prefix="sozialraum-upload-") as folder:
        folder = Path(folder)
        if suffix == ".zip":
            try:
                files = sicher_entpacken(data, folder, limits.max_entpackt, name)
            except UnsichereDatei as error:
                report.error(str(error))
                return ReadResult("gebiete", None, report)
            shapes = [f for f in files if f.suffix.lower() in (".shp", ".gpkg", ".geojson", ".json")]
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


def ebenen_der_datei(name: str, data: bytes) -> list[str]:
    """The layers a geometry upload offers (shapefiles of a zip, layers of a GeoPackage), for a choice."""
    from .geo import ebenen

    if groesse_pruefen(name, len(data)):
        return []  # pruefe_datei says why
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="sozialraum-upload-") as folder:
        folder = Path(folder)
        if suffix == ".zip":
            try:
                files = sicher_entpacken(data, folder, grenzen().max_entpackt, name)
            except UnsichereDatei:
                return []
            shapes = [f for f in files if f.suffix.lower() in (".shp", ".gpkg", ".geojson", ".json")]
            return sorted(f.stem for f in shapes) if len(shapes) > 1 else (ebenen(shapes[0]) if shapes else [])
        path = folder / f"gebiete{suffix}"
        path.write_bytes(data)
        return ebenen(path)


def fehlwerte_aus_text(text: str) -> tuple[float, ...]:
    """Missing-value codes as a planner types them: ``"-9999; -999"`` or ``"-9999 99999"``.

    Separated by semicolon, comma or space (codes are whole numbers; a decimal point is allowed).
    Raises ``ValueError`` with a German message naming the part that is no number.
    """
    import re

    from .dialect import parse_number

    codes = []
    for teil in (t for t in re.split(r"[;,\s]+", text.strip()) if t):
        zahl = parse_number(teil, "en")
        if zahl is None:
            raise ValueError(f"„{teil}“ ist keine Zahl: erwartet werden Fehlwert-Codes wie -9999 oder 99999.")
        codes.append(zahl)
    return tuple(dict.fromkeys(codes))


def kopfzeile(name: str, data: bytes) -> list[str]:
    """The headers of a table file (for the column mapping); empty when unreadable or too big."""
    if groesse_pruefen(name, len(data)):
        return []  # pruefe_datei says why
    try:
        return list(read_raw(name, data).columns)
    except Exception:  # noqa: BLE001 - any unreadable file simply has no headers to map
        return []


def fehlende_pflichtspalten(art: str, headers: list[str], mapping: dict[str, str] | None = None) -> list[str]:
    """Required canonical columns of ``art`` that no header (nor the mapping) provides."""
    spec = TABLES[art]
    matched = set(match_columns(headers, spec, mapping).values())
    wide = art in ("bevoelkerung", "indikatoren")  # wide files carry values in many columns
    required = [c.name for c in spec.columns if c.required and not (wide and c.name in ("anzahl", "wert", "indikator",
                                                                                         "altersgruppe"))]
    if art == "fallzahlen":
        from .tables import FALLZAHLEN_VARIANTEN

        # The counts: the case flow (begonnen, beendet, andauernd) or only the Hilfen insgesamt.
        if not any(set(variante) <= matched for variante in FALLZAHLEN_VARIANTEN):
            teilweise = [v for v in FALLZAHLEN_VARIANTEN if set(v) & matched]
            required += list(teilweise[0] if teilweise else FALLZAHLEN_VARIANTEN[-1])
    return [c for c in required if c not in matched]


def vorschau(frame: pd.DataFrame | None, zeilen: int = 20) -> pd.DataFrame:
    """The first rows as the planner will see them stored (without the internal row number)."""
    if frame is None:
        return pd.DataFrame()
    head = frame.head(zeilen)
    if "geometry" in head:
        head = pd.DataFrame({"raum_id": head["raum_id"], "name": head["name"],
                             "Geometrie": head.geometry.geom_type.to_numpy()})
    head = head.drop(columns=["zeile"], errors="ignore")
    # As the planner reads them: dates 31.12.2024, numbers 1.234,5; text stays text.
    out = pd.DataFrame(index=head.index)
    for column in head.columns:
        values = head[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[column] = [format_date(v.date()) if pd.notna(v) else "" for v in values]
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            zahlen = pd.to_numeric(values, errors="coerce")
            ganz = bool(((zahlen.dropna() % 1) == 0).all())
            if "jahr" in str(column) and ganz:  # 2024, not 2.024
                out[column] = ["" if pd.isna(v) else str(int(v)) for v in zahlen]
            else:
                out[column] = [format_number(v, 0 if ganz else 2, missing="") for v in zahlen]
        else:
            out[column] = ["" if pd.isna(v) else str(v) for v in values.astype(object)]
    return out
