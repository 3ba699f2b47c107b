"""Command line: ``python -m sozialraum_analytics pruefen|kennzahlen|demo …``.

Exit codes: 0 success, 1 bad input (the German report says why), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

from .dataset import datenbestand, datenquelle
from .formatting import format_number
from .jahresstand import MODI
from .kennzahlen import EBENEN
from .oeffentlich import VERFAHREN
from .pruefbericht import ValidationReport
from .tables import KINDS, TABLES


def _unreadable(path: Path) -> str | None:
    """Why a file cannot be read as a table at all, or None."""
    from .dialect import FileFormatError
    from .readers import read_raw

    try:
        read_raw(path)
    except FileFormatError as error:
        return str(error)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return f"Die Datei lässt sich nicht als Tabelle lesen: {error}"
    return None


def _vorab_abgelehnt(path: Path) -> str | None:
    """Why a file is refused before anything reads it (the page's size check, SOZIALRAUM_MAX_MB, on the
    size on disk), or None."""
    from .readers import groesse_pruefen

    try:
        return groesse_pruefen(path.name, path.stat().st_size)
    except OSError as error:
        return f"Die Datei „{path.name}“ lässt sich nicht öffnen ({error.strerror or type(error).__name__})."


@dataclass(frozen=True)
class Leseoptionen:
    """How to read a file, as the upload page offers it: Kreis, column mapping, missing-value codes,
    indicator columns of a wide file, layer of a geometry file, variant of a population projection."""

    kreis: str | None = None
    mapping: dict | None = None
    fehlwerte: tuple[float, ...] = ()
    indikatoren: tuple[str, ...] | None = None
    ebene_datei: str | None = None
    variante: str | None = None


def _leseoptionen(args: argparse.Namespace, art: str | None) -> Leseoptionen | str:
    """The options of ``pruefen``/``importieren``; a German message (str) when one is wrong."""
    mapping: dict[str, str] = {}
    if getattr(args, "profil", None):
        from .store import Store

        store = Store()
        try:
            profile = store.zuordnungen(art) if art else {}
        finally:
            store.dispose()
        if args.profil not in profile:
            vorhanden = ", ".join(profile) or "keine"
            return f"Die Spaltenzuordnung „{args.profil}“ gibt es nicht (für {art or 'diese Art'}: {vorhanden})."
        mapping.update(profile[args.profil])
    for eintrag in getattr(args, "spalte", None) or []:
        if "=" not in eintrag:
            return f"„{eintrag}“: erwartet wird --spalte ZIEL=QUELLE, z. B. --spalte raum_id=PLR_ID."
        ziel, quelle = (t.strip() for t in eintrag.split("=", 1))
        if art and ziel not in {c.name for c in TABLES[art].columns}:
            return f"„{ziel}“ ist keine Spalte von {TABLES[art].label}; möglich: " + \
                ", ".join(c.name for c in TABLES[art].columns)
        mapping[quelle] = ziel
    from .lesen import fehlwerte_aus_text

    try:
        fehlwerte = fehlwerte_aus_text(" ".join(getattr(args, "fehlwert", None) or []))
    except ValueError as error:
        return str(error)
    indikatoren = tuple(t.strip() for t in args.indikatoren.split(",") if t.strip()) \
        if getattr(args, "indikatoren", None) else None
    return Leseoptionen(getattr(args, "kreis", None), mapping or None, tuple(fehlwerte), indikatoren,
                        getattr(args, "ebene_datei", None), getattr(args, "variante", None))


def pruefen(files: list[str], art: str | None, args: argparse.Namespace | None = None) -> int:
    """Print the validation report of each file; 1 if any has errors."""
    from .lesen import art_erkennen, datei_lesen

    failed = False
    for name in files:
        path = Path(name)
        if not path.is_file():
            print(f"Datei {name}: nicht gefunden.")
            failed = True
            continue
        abgelehnt = _vorab_abgelehnt(path)
        if abgelehnt:
            print(f"Datei {path.name}: 0 Zeilen gelesen\n  Fehler: {abgelehnt}")
            failed = True
            continue
        kind = art or art_erkennen(path, nach_spalten=True)
        if kind is None:
            unreadable = _unreadable(path)
            if unreadable:
                print(f"Datei {path.name}: 0 Zeilen gelesen\n  Fehler: {unreadable}")
                failed = True
                continue
            print(f"Datei {path.name}: Die Dateiart ist nicht erkennbar (weder am Namen wie faelle*.csv noch an den "
                  f"Spalten). Bitte mit --art angeben: {', '.join(TABLES)}.")
            failed = True
            continue
        optionen = _leseoptionen(args, kind) if args is not None else Leseoptionen()
        if isinstance(optionen, str):
            print(optionen)
            return 2
        gelesen = datei_lesen(path, kind, kreis=optionen.kreis, mapping=optionen.mapping, fehlwerte=optionen.fehlwerte,
                              indikatoren=optionen.indikatoren, ebene_datei=optionen.ebene_datei,
                              variante=optionen.variante)
        frame, report = gelesen.frame, gelesen.report
        if frame is not None and report.ok:
            report.info(f"Gelesen als {TABLES[kind].label}: {len(frame):,} Zeilen.".replace(",", "."))
        print("\n".join(report.lines()))
        failed |= not report.ok
    return 1 if failed else 0


def _json_value(value: float) -> float | int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    value = float(value)
    return int(value) if value.is_integer() else round(value, 10)


def kennzahlen(daten: str | None, jahr: int | None, ebene: str, fmt: str, nenner: str, skala: int,
               out: str | None, ansicht: str = "planung", verfahren: str = "sperren", ungerundet: bool = False,
               einteilung=None) -> int:  # noqa: ANN001 - bedarfsindex.Klasseneinteilung
    from .formatting import to_german_csv
    from .kennzahlen import Optionen
    from .oeffentlich import EBENEN, engine_fuer

    if ansicht == "oeffentlich" and ebene not in EBENEN:
        print("Die öffentliche Ansicht zeigt nur Sozialräume und den Kreis, keine Planungsräume "
              "(--ebene sozialraum oder kreis).", file=sys.stderr)
        return 1

    try:
        quelle, dataset = _dataset_for(daten)
    except FileNotFoundError as error:
        print(str(error), file=sys.stderr)
        return 1
    if _fehlerhaft(dataset, "Kennzahlen werden nicht berechnet"):
        return 1
    if not dataset.has_cases and not dataset.has("bevoelkerung") and not dataset.has("indikatoren"):
        wo = f"Im Ordner {quelle.ordner}" if quelle.ordner else f"In den Daten ({dataset.quelle})"
        print(f"{wo} wurden keine auswertbaren Dateien gefunden (erwartet z. B. faelle*.csv, "
              f"bevoelkerung*.csv). Es fehlen: {', '.join(dataset.missing())}.", file=sys.stderr)
        return 1
    missing = dataset.missing()
    if missing:
        print(f"Hinweis: nicht vorhanden: {', '.join(missing)}.", file=sys.stderr)
    for report in dataset.reports:
        for problem in report.warnings:
            print(f"Hinweis: {problem.text()}", file=sys.stderr)
    engine = engine_fuer(dataset, Optionen(nenner=nenner, skala=skala, einteilung=einteilung), ansicht, verfahren)
    for hinweis in engine.hinweise():
        print(f"Hinweis: {hinweis}", file=sys.stderr)
    if jahr is not None and jahr not in engine.jahre:
        print(f"Für {jahr} gibt es keine Daten; vorhanden: {engine.jahre[0]}–{engine.jahre[-1]}."
              if engine.jahre else "Die Daten enthalten keine Jahre.", file=sys.stderr)
        return 1
    long = engine.long(ebene, [jahr] if jahr is not None else None)
    if fmt == "json":
        records = [{"jahr": int(r.jahr), "ebene": r.ebene, "raum_id": str(r.raum_id), "raum_name": str(r.raum_name),
                    "hilfeart": r.hilfeart, "kennzahl": r.kennzahl, "wert": _json_value(r.wert)}
                   for r in long.itertuples(index=False)]
        text = json.dumps(records, ensure_ascii=False, indent=None)
    else:
        if not ungerundet:
            # As the dashboard shows them: the Kennzahl's decimals, rounded half up (2,26628… -> 2,3).
            from .formatting import runden
            from .registry import anzeige_dezimalen

            stellen = {k: anzeige_dezimalen(str(k)) for k in long["kennzahl"].astype(str).unique()}
            long = long.assign(wert=[runden(w, stellen[str(k)]) for k, w in zip(long["kennzahl"], long["wert"])])
        text = to_german_csv(long)
    if out:
        Path(out).write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")
    else:
        sys.stdout.write(text)
        if fmt == "json":
            sys.stdout.write("\n")
    return 0


def importieren(datei: str, art: str, kreis: str | None, kreisname: str | None = None,
                args: argparse.Namespace | None = None) -> int:
    """Validate one file and store it as a new version; nothing is stored on any error (exit 1)."""
    from .ablage import kreisname_aus_amtlich
    from .lesen import datei_lesen
    from .store import Store, StoreError, Unveraendert

    path = Path(datei)
    if not path.is_file():
        print(f"Die Datei {path} gibt es nicht.", file=sys.stderr)
        return 1
    abgelehnt = _vorab_abgelehnt(path)
    if abgelehnt:
        print(f"{abgelehnt}\nNichts gespeichert.", file=sys.stderr)
        return 1
    optionen = _leseoptionen(args, art) if args is not None else Leseoptionen(kreis)
    if isinstance(optionen, str):
        print(optionen, file=sys.stderr)
        return 2
    modus = getattr(args, "modus", None) or "ergaenzen"
    benutzer = (getattr(args, "benutzer", None) or "").strip() or None  # None: the OS account, marked as such
    gelesen = datei_lesen(path, art, kreis=optionen.kreis, mapping=optionen.mapping, fehlwerte=optionen.fehlwerte,
                          indikatoren=optionen.indikatoren, ebene_datei=optionen.ebene_datei, variante=optionen.variante)
    frame, report = gelesen.frame, gelesen.report
    if art == "bevoelkerungsprognose" and gelesen.ok:
        _mit_der_bevoelkerung_pruefen(gelesen)
    if report.problems:
        print("\n".join(report.lines()), file=sys.stderr)
    if not report.ok or frame is None:
        print("Nichts gespeichert: die Datei enthält Fehler.", file=sys.stderr)
        return 1
    if len(frame) == 0:
        print(f"Nichts gespeichert: keine Zeilen{' mit dem Kreisschlüssel ' + kreis if kreis else ''}.", file=sys.stderr)
        return 1
    store = Store()
    try:
        # The Kreis keeps its name with the data: given, or read from an official table of that Kreis.
        name = kreisname or (kreisname_aus_amtlich(path, kreis) if kreis and not store.kreisname() else None)
        if name:
            store.einstellung_setzen("kreisname", name.strip(), benutzer)
            print(f"Name des Kreises: {name.strip()}", file=sys.stderr)
        try:
            version = store.importieren(art, frame, path.name, path.read_bytes(), benutzer=benutzer, modus=modus,
                                        beim_warten=lambda meldung: print(meldung, file=sys.stderr, flush=True))
        except Unveraendert as gleich:
            print(str(gleich))
            return 0
        except StoreError as error:
            print(f"Nichts gespeichert: {error}", file=sys.stderr)
            return 1
        print(f"Gespeichert als Version {version.id}: {art} aus {path.name}, {format_number(len(frame))} Zeilen."
              + (f" Jahre: {version.aenderung}." if version.aenderung else ""))
        _version_vorbereiten(store, version.id)
    finally:
        store.dispose()
    return 0


def _mit_der_bevoelkerung_pruefen(gelesen) -> None:  # noqa: ANN001 - readers.ReadResult
    """A projection that ends where the stored population ends: a warning (the import goes on)."""
    from .store import Store
    from .vorausberechnung import mit_der_bevoelkerung_pruefen

    store = Store()
    try:
        mit_der_bevoelkerung_pruefen(gelesen, store.tabelle("bevoelkerung"))
    finally:
        store.dispose()


def sicherung(befehl: str, datei: Path, ueberschreiben: bool) -> int:
    """``sichern`` / ``wiederherstellen``: the store and the accounts into one file and back (exit 1 when refused)."""
    from . import sicherung as s

    try:
        bericht = (s.sichern if befehl == "sichern" else s.wiederherstellen)(datei, ueberschreiben=ueberschreiben)
    except s.SicherungFehler as error:
        print(str(error), file=sys.stderr)
        return 1
    print(bericht.text)
    return 0


def _version_vorbereiten(store, version_id: int) -> None:  # noqa: ANN001
    """The public view's protection of a new version, kept with it; a failure here loses no data."""
    import time

    from .oeffentlich import version_vorbereiten

    start = time.perf_counter()
    try:
        version_vorbereiten(store, version_id)
    except Exception as error:  # noqa: BLE001 - the version is saved; the dashboard works the pattern out itself
        _fehlerprotokoll(error)
        print("Hinweis: die Geheimhaltung der öffentlichen Ansicht wird beim ersten Aufruf berechnet.", file=sys.stderr)
        return
    print(f"Geheimhaltung der öffentlichen Ansicht berechnet und gespeichert "
          f"({format_number(time.perf_counter() - start, 1)} s).", file=sys.stderr)


def versionen() -> int:
    """List the store's versions, newest first."""
    from .store import Store

    store = Store()
    try:
        liste = store.versionen()
    finally:
        store.dispose()
    if not liste:
        print("Noch keine Version: importieren Sie Dateien mit „importieren --art … DATEI“.")
        return 0
    for v in liste:
        inhalt = ", ".join(f"{art} ({info['datei']}, {format_number(info['zeilen'])} Zeilen)"
                           for art, info in sorted(v.inhalt.items()))
        print(f"Version {v.id} · {v.zeit:%d.%m.%Y %H:%M} · {v.benutzer} · {v.aktion}: {inhalt}")
    return 0


def demo(out: str, seed: int) -> int:
    from .demo import write_demo

    for path in write_demo(Path(out), seed=seed):
        print(f"geschrieben: {path}")
    return 0


def _dataset_for(daten: str | None):  # noqa: ANN202
    """The source of :func:`dataset.datenquelle` (``--daten``, SOZIALRAUM_DATEN, the store, the demo) and its data."""
    quelle = datenquelle(daten)
    dataset = datenbestand(quelle)
    if quelle.ist_datenbank:
        print(f"Daten: {dataset.quelle}", file=sys.stderr)
    return quelle, dataset


def _fehlerhaft(dataset, was: str) -> bool:  # noqa: ANN001
    """Print the reports of files with errors (German, with row and column); True if there are any."""
    broken = [r for r in dataset.reports if not r.ok]
    for report in broken:
        print("\n".join(report.lines()), file=sys.stderr)
    if broken:
        print(f"{was}, solange Dateien Fehler enthalten.", file=sys.stderr)
    return bool(broken)


def export(ansicht: str, fmt: str, out: str, daten: str | None, jahr: int | None, raeume: list[str] | None,
           verfahren: str) -> int:
    """The committee report as XLSX, CSV, PPTX or PDF, in the public or the planning view."""
    from .ausschussbericht import bericht
    from .export import schreiben
    from .oeffentlich import engine_fuer

    try:
        _, dataset = _dataset_for(daten)
    except FileNotFoundError as error:
        print(str(error), file=sys.stderr)
        return 1
    if _fehlerhaft(dataset, "Kein Export"):
        return 1
    engine = engine_fuer(dataset, ansicht=ansicht, verfahren=verfahren)
    if not engine.jahre:
        print("Die Daten enthalten keine Jahre.", file=sys.stderr)
        return 1
    if jahr is not None and jahr not in engine.jahre:
        print(f"Für {jahr} gibt es keine Daten; vorhanden: {engine.jahre[0]}–{engine.jahre[-1]}.", file=sys.stderr)
        return 1
    areas = engine.areas("sozialraum")
    unknown = [r for r in raeume or [] if r not in areas]
    if unknown:
        print(f"Unbekannte Sozialräume: {', '.join(unknown)}; vorhanden: {', '.join(areas)}.", file=sys.stderr)
        return 1
    from .meilensteine import liste
    from .store import Store

    store = Store()
    try:
        meilensteine = liste(store)
    finally:
        store.dispose()
    Path(out).write_bytes(schreiben(bericht(engine, jahr, raeume, meilensteine=meilensteine), fmt))
    print(f"Geschrieben: {out} ({'öffentliche Ansicht' if ansicht == 'oeffentlich' else 'Planungsansicht'})",
          file=sys.stderr)
    return 0


def karte(args: argparse.Namespace) -> int:
    """The print map of one measure per area (A4 landscape) as PDF or PNG, in the public or the planning view."""
    from .druckkarte import druckkarte
    from .karte import BEDARFSKLASSEN
    from .kartenwerte import jahr_mit_werten, merkmale
    from .kennzahlen import Optionen
    from .klassen import SCHEMATA
    from .oeffentlich import EBENEN, engine_fuer

    fmt = args.format or ("png" if args.out.lower().endswith(".png") else "pdf")
    if args.klassierung is not None and args.klassierung not in (*SCHEMATA, BEDARFSKLASSEN):
        print(f"--klassierung {args.klassierung}: möglich sind {', '.join((*SCHEMATA, BEDARFSKLASSEN))}.",
              file=sys.stderr)
        return 2
    if args.ansicht == "oeffentlich" and args.ebene not in EBENEN:
        print("Die öffentliche Ansicht zeigt nur Sozialräume, keine Planungsräume (--ebene sozialraum oder "
              "--ansicht planung).", file=sys.stderr)
        return 1
    try:
        _, dataset = _dataset_for(args.daten)
    except FileNotFoundError as error:
        print(str(error), file=sys.stderr)
        return 1
    if _fehlerhaft(dataset, "Keine Karte"):
        return 1
    engine = engine_fuer(dataset, Optionen(nenner=args.nenner, skala=args.skala), args.ansicht, args.geheimhaltung)
    katalog = merkmale(engine)
    if args.kennzahl not in katalog:
        print(f"Die Kennzahl „{args.kennzahl}“ gibt es für diese Daten nicht; möglich: "
              f"{', '.join(katalog) or 'keine (es fehlen Daten)'}.", file=sys.stderr)
        return 1
    jahr = args.jahr
    if jahr is None:
        jahr, _ = jahr_mit_werten(engine, katalog[args.kennzahl], args.ebene, None)
    try:
        daten = druckkarte(engine, args.ebene, jahr, args.kennzahl, fmt, schema=args.klassierung, k=args.klassen,
                           abweichung=args.abweichung)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 1
    Path(args.out).write_bytes(daten)
    print(f"Geschrieben: {args.out} ({fmt.upper()}, A4 quer, {jahr}, "
          f"{'öffentliche Ansicht' if args.ansicht == 'oeffentlich' else 'Planungsansicht'})", file=sys.stderr)
    return 0


def konto(aktion: str, name: str | None, passwort_stdin: bool, ersetzen: bool) -> int:
    """Local accounts of the planning view (file: SOZIALRAUM_KONTEN or konten.txt beside the database)."""
    import getpass

    from . import konten

    try:
        if aktion == "liste":
            for eintrag in sorted(konten.lesen()):
                print(eintrag)
            return 0
        if not name:
            print("Bitte einen Kontonamen angeben.", file=sys.stderr)
            return 2
        if aktion == "entfernen":
            konten.entfernen(name)
            print(f"Konto „{name}“ entfernt.", file=sys.stderr)
            return 0
        if passwort_stdin:
            passwort = sys.stdin.readline().rstrip("\n")
        else:
            passwort = getpass.getpass("Passwort: ")
            if getpass.getpass("Passwort wiederholen: ") != passwort:
                print("Die Passwörter stimmen nicht überein.", file=sys.stderr)
                return 1
        konten.anlegen(name, passwort, ersetzen=ersetzen)
        print(f"Konto „{name}“ gespeichert in {konten.kontendatei()}.", file=sys.stderr)
        return 0
    except konten.KontoFehler as error:
        print(str(error), file=sys.stderr)
        return 1


def _leseargumente(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spalte", action="append", metavar="ZIEL=QUELLE",
                        help="Spalte der Datei einer Spalte des Datenvertrags zuordnen, z. B. raum_id=PLR_ID "
                             "(mehrfach möglich)")
    parser.add_argument("--profil", metavar="NAME", help="eine auf der Seite Daten importieren gespeicherte Zuordnung")
    parser.add_argument("--fehlwert", action="append", metavar="CODE",
                        help="Zahl, die „fehlend“ bedeutet, z. B. -9999 (mehrfach möglich)")
    parser.add_argument("--indikatoren", metavar="S1,S3,S4", help="breite Indikatordatei: diese Spalten sind Indikatoren")
    parser.add_argument("--ebene-datei", dest="ebene_datei", metavar="EBENE",
                        help="Geometrie mit mehreren Ebenen (Zip, GeoPackage): diese Ebene lesen")
    parser.add_argument("--variante", metavar="NAME",
                        help="Bevölkerungsvorausberechnung mit mehreren Varianten: diese (Code, Name oder ein "
                             "eindeutiger Teil, z. B. BEV-VARIANTE-02 oder Hauptvariante)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sozialraum_analytics",
                                     description="Sozialraum-Analytics: Prüfen von Dateien und Kennzahlen je Sozialraum.")
    sub = parser.add_subparsers(dest="befehl", required=True)
    p = sub.add_parser("pruefen", help="Dateien prüfen und den Prüfbericht ausgeben")
    p.add_argument("dateien", nargs="+", metavar="DATEI")
    p.add_argument("--art", choices=KINDS, help="Dateiart, falls nicht am Namen erkennbar")
    p.add_argument("--kreis", metavar="AGS", help="nur Gebiete mit diesem Schlüsselanfang, z. B. 08317 (Berlin: 11000)")
    _leseargumente(p)
    k = sub.add_parser("kennzahlen", help="Kennzahlen berechnen (CSV oder JSON)")
    k.add_argument("--daten", metavar="ORDNER",
                   help="Ordner mit den Dateien (Standard: SOZIALRAUM_DATEN, sonst die Datenbank, sonst Demo)")
    k.add_argument("--jahr", type=int)
    k.add_argument("--ebene", choices=EBENEN, default="sozialraum")
    k.add_argument("--format", choices=["csv", "json"], default="csv")
    k.add_argument("--nenner", choices=["u21", "u18", "18_21"], default="u21",
                   help="Bezugsgröße des Eckwerts (Standard: unter 21)")
    k.add_argument("--skala", type=int, choices=[1000, 10000], default=1000)
    k.add_argument("--out", metavar="DATEI")
    k.add_argument("--ansicht", choices=["planung", "oeffentlich"], default="planung",
                   help="planung: exakte Zahlen (Standard); oeffentlich: die Zahlen des Jugendhilfeausschusses "
                        "mit Geheimhaltung")
    k.add_argument("--geheimhaltung", choices=tuple(VERFAHREN), default="sperren",
                   help="öffentliche Ansicht: kleine Zahlen sperren (Standard) oder auf 5 runden")
    k.add_argument("--klassengrenzen", metavar="-1,1,1.5",
                   help="Grenzen der Bedarfsklassen in Standardabweichungen (Standard: die des Kreises, sonst -1,0,1)")
    k.add_argument("--klassennamen", metavar="NAME;NAME;…",
                   help="Namen der Bedarfsklassen vom niedrigsten zum höchsten Bedarf, mit ; getrennt")
    k.add_argument("--ungerundet", action="store_true",
                   help="CSV mit allen Stellen statt gerundet wie im Dashboard")
    i = sub.add_parser("importieren", help="eine Datei prüfen und als neue Datenversion speichern (SOZIALRAUM_DB)")
    i.add_argument("--art", required=True, choices=KINDS)
    i.add_argument("--kreis", metavar="AGS", help="nur Gebiete mit diesem Schlüsselanfang, z. B. 08317")
    i.add_argument("--kreisname", metavar="NAME", help="Name des Kreises, mit den Daten gespeichert (z. B. Ortenaukreis); "
                                                      "sonst aus einer amtlichen Tabelle mit --kreis")
    i.add_argument("--modus", choices=MODI, default="ergaenzen",
                   help="ergaenzen (Standard): die Jahre der Datei ersetzen dieselben Jahre, andere Jahre bleiben; "
                        "ersetzen: die ganze Tabelle dieser Art")
    i.add_argument("--benutzer", metavar="NAME",
                   help="wer importiert (steht an der Version); sonst das Betriebssystemkonto, als solches vermerkt")
    _leseargumente(i)
    i.add_argument("datei", metavar="DATEI")
    sub.add_parser("versionen", help="die gespeicherten Datenversionen auflisten")
    si = sub.add_parser("sichern", help="den Datenbestand mit Konten in eine Datei sichern (auch im laufenden Betrieb)")
    si.add_argument("datei", metavar="DATEI", help="Zieldatei (.zip) oder ein Ordner (Dateiname mit Datum und Uhrzeit)")
    si.add_argument("--ueberschreiben", action="store_true", help="eine vorhandene Sicherungsdatei ersetzen")
    wi = sub.add_parser("wiederherstellen", help="einen gesicherten Datenbestand mit Konten wieder einspielen")
    wi.add_argument("datei", metavar="DATEI")
    wi.add_argument("--ueberschreiben", action="store_true",
                    help="einen Datenbestand mit Daten und eine Kontendatei mit Konten ersetzen")
    d = sub.add_parser("demo", help="Demo-Musterkreis (synthetisch) erzeugen")
    d.add_argument("--out", default="data")
    d.add_argument("--seed", type=int, default=20241231)
    e = sub.add_parser("export", help="Bericht für den Jugendhilfeausschuss exportieren (XLSX, CSV, PPTX, PDF)")
    e.add_argument("--ansicht", choices=["oeffentlich", "planung"], required=True)
    e.add_argument("--format", choices=["xlsx", "csv", "pptx", "pdf"], required=True)
    e.add_argument("--out", metavar="DATEI", required=True)
    e.add_argument("--daten", metavar="ORDNER",
                   help="Ordner mit den Dateien (Standard: SOZIALRAUM_DATEN, sonst die Datenbank, sonst Demo)")
    e.add_argument("--jahr", type=int, help="Berichtsjahr (Standard: das letzte)")
    e.add_argument("--raum", action="append", metavar="RAUM_ID",
                   help="Folie/Steckbrief für diesen Sozialraum (Kennung, z. B. SR01; mehrfach möglich)")
    e.add_argument("--geheimhaltung", choices=tuple(VERFAHREN), default="sperren",
                   help="öffentliche Ansicht: kleine Zahlen sperren (Standard) oder auf 5 runden")
    ka = sub.add_parser("karte", help="Karte einer Kennzahl je Gebiet zum Drucken (A4 quer, PDF oder PNG mit 300 dpi)")
    ka.add_argument("--out", "--ausgabe", dest="out", metavar="DATEI", required=True)
    ka.add_argument("--format", choices=["pdf", "png"],
                    help="pdf (Vektor) oder png (300 dpi); Standard: nach der Endung der Datei, sonst pdf")
    ka.add_argument("--ansicht", choices=["oeffentlich", "planung"], default="oeffentlich",
                    help="oeffentlich (Standard: mit Geheimhaltung, nur Sozialräume) oder planung (exakte Zahlen)")
    ka.add_argument("--ebene", choices=["sozialraum", "planungsraum"], default="sozialraum")
    ka.add_argument("--kennzahl", default="eckwert:gesamt", metavar="KENNUNG",
                    help="z. B. eckwert:gesamt, eckwert:stationaer, ausgaben_je:gesamt, bedarfsindex, indikator:NAME")
    ka.add_argument("--jahr", type=int, help="Standard: das letzte Jahr mit Werten der Kennzahl")
    ka.add_argument("--klassierung", metavar="SCHEMA",
                    help="Klassenbildung wie auf der Seite Karte: quantile (Standard), fisher_jenks, gleiche_intervalle, "
                         "standardabweichung; für den Bedarfsindex auch bedarfsklassen (dort Standard)")
    ka.add_argument("--klassen", type=int, choices=range(3, 8), default=5, metavar="3-7", help="Zahl der Klassen")
    ka.add_argument("--abweichung", action="store_true", help="die Abweichung vom Kreiswert in Prozent statt der Werte")
    ka.add_argument("--nenner", choices=["u21", "u18", "18_21"], default="u21",
                    help="Bezugsgröße des Eckwerts (Standard: unter 21)")
    ka.add_argument("--skala", type=int, choices=[1000, 10000], default=1000)
    ka.add_argument("--daten", metavar="ORDNER",
                    help="Ordner mit den Dateien (Standard: SOZIALRAUM_DATEN, sonst die Datenbank, sonst Demo)")
    ka.add_argument("--geheimhaltung", choices=tuple(VERFAHREN), default="sperren",
                    help="öffentliche Ansicht: kleine Zahlen sperren (Standard) oder auf 5 runden")
    ko = sub.add_parser("konto", help="lokale Konten der Planungsansicht verwalten")
    ko.add_argument("aktion", choices=["anlegen", "entfernen", "liste"])
    ko.add_argument("name", nargs="?")
    ko.add_argument("--passwort-stdin", action="store_true", help="Passwort aus der ersten Zeile der Eingabe lesen")
    ko.add_argument("--ersetzen", action="store_true", help="Passwort eines bestehenden Kontos ändern")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.befehl == "pruefen":
            return pruefen(args.dateien, args.art, args)
        if args.befehl == "kennzahlen":
            einteilung = None
            if args.klassengrenzen or args.klassennamen:
                from .bedarfsindex import Klasseneinteilung

                try:
                    einteilung = Klasseneinteilung.aus_text(args.klassengrenzen or "-1,0,1", args.klassennamen)
                except ValueError as error:
                    print(f"--klassengrenzen/--klassennamen: {error}", file=sys.stderr)
                    return 2
            return kennzahlen(args.daten, args.jahr, args.ebene, args.format, args.nenner, args.skala, args.out,
                              args.ansicht, args.geheimhaltung, args.ungerundet, einteilung)
        if args.befehl == "importieren":
            return importieren(args.datei, args.art, args.kreis, args.kreisname, args)
        if args.befehl == "versionen":
            return versionen()
        if args.befehl in ("sichern", "wiederherstellen"):
            return sicherung(args.befehl, Path(args.datei), args.ueberschreiben)
        if args.befehl == "demo":
            return demo(args.out, args.seed)
        if args.befehl == "export":
            return export(args.ansicht, args.format, args.out, args.daten, args.jahr, args.raum, args.geheimhaltung)
        if args.befehl == "karte":
            return karte(args)
        if args.befehl == "konto":
            return konto(args.aktion, args.name, args.passwort_stdin, args.ersetzen)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - never a traceback for the user; the details go to a log file
        print(f"Unerwarteter Fehler: {_fehlerprotokoll(error)}", file=sys.stderr)
        return 1
    return 2


def _fehlerprotokoll(error: Exception) -> str:
    """Write the traceback to ``fehler.log`` in the data directory; the German line for the user."""
    import datetime as dt
    import traceback

    from .store import ablage

    try:
        pfad = ablage() / "fehler.log"
        pfad.parent.mkdir(parents=True, exist_ok=True)
        with pfad.open("a", encoding="utf-8") as log:
            log.write(f"--- {dt.datetime.now():%d.%m.%Y %H:%M:%S} {' '.join(sys.argv)}\n")
            log.write("".join(traceback.format_exception(error)))
        wo = f"Einzelheiten für den Support stehen in {pfad}."
    except OSError:
        wo = "Einzelheiten konnten nicht gespeichert werden."
    return f"Der Befehl wurde abgebrochen ({type(error).__name__}). Es wurde nichts halb gespeichert. {wo}"


__all__ = ["main", "ValidationReport"]
