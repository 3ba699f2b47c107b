"""Command line: ``python -m sozialraum_analytics pruefen|kennzahlen|demo …``.

Exit codes: 0 success, 1 bad input (the German report says why), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from .dataset import default_data_dir, load_folder
from .readers import guess_kind, read_table
from .report import ValidationReport
from .tables import TABLES, match_columns


def _guess_kind_by_columns(path: Path) -> str | None:
    """The table kind whose required columns a file's header has (for odd file names)."""
    from .dialect import FileFormatError
    from .readers import read_raw

    try:
        raw = read_raw(path)
    except (FileFormatError, OSError, UnicodeDecodeError, ValueError):
        return None
    best = None
    for kind, spec in TABLES.items():
        if kind == "gebiete":
            continue
        matched = set(match_columns(raw.columns, spec).values())
        required = {c.name for c in spec.columns if c.required}
        if required <= matched:
            score = len(matched)
            if best is None or score > best[0]:
                best = (score, kind)
    return best[1] if best else None


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


def pruefen(files: list[str], art: str | None) -> int:
    """Print the validation report of each file; 1 if any has errors."""
    failed = False
    for name in files:
        path = Path(name)
        if not path.is_file():
            print(f"Datei {name}: nicht gefunden.")
            failed = True
            continue
        kind = art or guess_kind(path) or _guess_kind_by_columns(path)
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
        if kind == "gebiete":
            from .geo import read_gebiete

            _, report = read_gebiete(path)
        else:
            result = read_table(path, kind)
            report = result.report
            if result.frame is not None and result.ok:
                report.info(f"Gelesen als {TABLES[kind].label}: {len(result.frame):,} Zeilen.".replace(",", "."))
        print("\n".join(report.lines()))
        failed |= not report.ok
    return 1 if failed else 0


def _json_value(value: float) -> float | int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    value = float(value)
    return int(value) if value.is_integer() else round(value, 10)


def kennzahlen(daten: str | None, jahr: int | None, ebene: str, fmt: str, nenner: str, skala: int,
               out: str | None) -> int:
    from .formatting import to_german_csv
    from .kennzahlen import Engine, Optionen

    directory = Path(daten) if daten else default_data_dir()
    if not directory.is_dir():
        print(f"Der Datenordner {directory} existiert nicht.", file=sys.stderr)
        return 1
    dataset = load_folder(directory)
    broken = [r for r in dataset.reports if not r.ok]
    if broken:
        for report in broken:
            print("\n".join(report.lines()), file=sys.stderr)
        print("Kennzahlen werden nicht berechnet, solange Dateien Fehler enthalten.", file=sys.stderr)
        return 1
    if not dataset.has_cases and not dataset.has("bevoelkerung") and not dataset.has("indikatoren"):
        print(f"Im Ordner {directory} wurden keine auswertbaren Dateien gefunden (erwartet z. B. faelle*.csv, "
              f"bevoelkerung*.csv). Es fehlen: {', '.join(dataset.missing())}.", file=sys.stderr)
        return 1
    missing = dataset.missing()
    if missing:
        print(f"Hinweis: nicht vorhanden: {', '.join(missing)}.", file=sys.stderr)
    engine = Engine(dataset, Optionen(nenner=nenner, skala=skala))
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
        text = to_german_csv(long)
    if out:
        Path(out).write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")
    else:
        sys.stdout.write(text)
        if fmt == "json":
            sys.stdout.write("\n")
    return 0


def demo(out: str, seed: int) -> int:
    from .demo import write_demo

    for path in write_demo(Path(out), seed=seed):
        print(f"geschrieben: {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sozialraum_analytics",
                                     description="Sozialraum-Analytics: Prüfen von Dateien und Kennzahlen je Sozialraum.")
    sub = parser.add_subparsers(dest="befehl", required=True)
    p = sub.add_parser("pruefen", help="Dateien prüfen und den Prüfbericht ausgeben")
    p.add_argument("dateien", nargs="+", metavar="DATEI")
    p.add_argument("--art", choices=list(TABLES), help="Dateiart, falls nicht am Namen erkennbar")
    k = sub.add_parser("kennzahlen", help="Kennzahlen berechnen (CSV oder JSON)")
    k.add_argument("--daten", metavar="ORDNER", help="Ordner mit den Dateien (Standard: SOZIALRAUM_DATEN oder Demo)")
    k.add_argument("--jahr", type=int)
    k.add_argument("--ebene", choices=["planungsraum", "sozialraum", "kreis"], default="sozialraum")
    k.add_argument("--format", choices=["csv", "json"], default="csv")
    k.add_argument("--nenner", choices=["u21", "u18", "18_21"], default="u21",
                   help="Bezugsgröße des Eckwerts (Standard: unter 21)")
    k.add_argument("--skala", type=int, choices=[1000, 10000], default=1000)
    k.add_argument("--out", metavar="DATEI")
    d = sub.add_parser("demo", help="Demo-Musterkreis (synthetisch) erzeugen")
    d.add_argument("--out", default="data")
    d.add_argument("--seed", type=int, default=20241231)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.befehl == "pruefen":
            return pruefen(args.dateien, args.art)
        if args.befehl == "kennzahlen":
            return kennzahlen(args.daten, args.jahr, args.ebene, args.format, args.nenner, args.skala, args.out)
        if args.befehl == "demo":
            return demo(args.out, args.seed)
    except KeyboardInterrupt:
        return 130
    return 2


__all__ = ["main", "ValidationReport"]
