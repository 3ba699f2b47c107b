"""The public view's protection against the plain figures, measured in one run (issue 11).

- Demo Kreis: building the protected Sozialraum table (fresh engine, pattern worked out) against the
  unprotected one (fresh engine); target at most 5x.
- Command line: a cold ``kennzahlen --ansicht oeffentlich --daten data`` against the same run with
  ``--ansicht planung``; target at most 5x.
- Growth: the time of the pattern for 10, 30 and 60 Sozialräume over 5 and 15 years
  (``generate.write_sozialraum_kreis``, about as dense as the demo Kreis).

Run with ``make bench``; the figures go into the README.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sozialraum_analytics.dataset import load_folder
from sozialraum_analytics.kennzahlen import Engine
from sozialraum_analytics.oeffentlich import OFFEN, Schutz, sperrmuster_berechnen

from .generate import write_sozialraum_kreis

ROOT = Path(__file__).resolve().parent.parent


def _median(func, rounds: int = 7) -> float:
    func()  # warm-up: imports and first-call costs are not the protection's
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_demo_protected_table_within_5x_of_the_plain_one():
    demo = load_folder(ROOT / "data")
    plain = _median(lambda: Engine(demo).table("sozialraum"))
    protected = _median(lambda: Engine(demo, schutz=Schutz()).table("sozialraum"))
    ratio = protected / plain
    print(f"\nDemo-Kreis, Tabelle der Sozialräume (Median aus 7): ungeschützt {plain:.3f} s, "
          f"geschützt {protected:.3f} s, Verhältnis {ratio:.1f}x (Ziel höchstens 5x)")
    assert ratio <= 5


def _cli_seconds(ansicht: str, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sozialraum_analytics", "kennzahlen", "--daten", str(ROOT / "data"),
                    "--ansicht", ansicht, "--out", os.devnull], check=True, cwd=ROOT, env=env,
                   capture_output=True)
    return time.perf_counter() - start


def test_cli_public_figures_within_5x_of_the_planning_figures(tmp_path):
    env = {**os.environ, "SOZIALRAUM_ABLAGE": str(tmp_path), "SOZIALRAUM_DB": str(tmp_path / "leer.db")}
    _cli_seconds("planung", env)  # warm the file system cache
    planung = statistics.median(_cli_seconds("planung", env) for _ in range(3))
    oeffentlich = statistics.median(_cli_seconds("oeffentlich", env) for _ in range(3))
    ratio = oeffentlich / planung
    print(f"\nkennzahlen --daten data (kalt, eigener Prozess, Median aus 3): planung {planung:.2f} s, "
          f"oeffentlich {oeffentlich:.2f} s, Verhältnis {ratio:.1f}x (Ziel höchstens 5x)")
    assert ratio <= 5


@pytest.mark.parametrize("jahre", [5, 15])
@pytest.mark.parametrize("sozialraeume", [10, 30, 60])
def test_growth_of_the_protection(tmp_path, sozialraeume, jahre):
    dataset = load_folder(write_sozialraum_kreis(tmp_path, sozialraeume, jahre))
    engine = Engine(dataset)
    start = time.perf_counter()
    engine.table("sozialraum")
    plain = time.perf_counter() - start
    engine.basis("kreis")
    start = time.perf_counter()
    muster = sperrmuster_berechnen(engine)
    protection = time.perf_counter() - start
    counts = muster.anzahl["sozialraum"]
    print(f"\n| {sozialraeume} | {jahre} | {plain:.2f} s | {protection:.2f} s | {int((counts == 1).sum())} | "
          f"{int((counts == 2).sum())} | {int((muster.anzahl['kreis'] != OFFEN).sum())} | "
          f"{int(muster.geld['sozialraum'].sum())} |")
