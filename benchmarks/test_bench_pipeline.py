"""Read, validate and compute all indicators for 1,000,000 case rows, beside the floor.

The floor is ``pyarrow.csv.read_csv`` of the same file in the same run (with the file's
separator ``;``, so that it reads the eight columns rather than one). Targets
(issue 2): the pipeline within 5x the floor, under 10 s, under 2 GB peak memory.
Run with ``make bench``; the summary test prints the measured figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pyarrow.csv as pacsv

from sozialraum_analytics.dataset import load_folder
from sozialraum_analytics.kennzahlen import EBENEN, Engine

RESULTS: dict[str, float] = {}


def run_pipeline(folder):
    """Everything a planner's upload goes through: read + validate all files, all levels' indicators."""
    dataset = load_folder(folder)
    assert all(report.ok for report in dataset.reports)
    engine = Engine(dataset)
    return {ebene: engine.table(ebene) for ebene in EBENEN}


def read_floor(path):
    """pyarrow's own multi-threaded reader with type inference, told the file's separator."""
    return pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=";"))


def _seconds(func, rounds: int = 3) -> float:
    """Mean wall time of ``rounds`` calls after one warm-up call."""
    func()
    start = time.perf_counter()
    for _ in range(rounds):
        func()
    return (time.perf_counter() - start) / rounds


def test_floor_pyarrow_read_csv(benchmark, kreis_1m):
    table = benchmark.pedantic(read_floor, args=(str(kreis_1m / "faelle.csv"),), rounds=5, iterations=1,
                               warmup_rounds=1)
    assert table.num_rows == 1_000_000 and table.num_columns == 8
    RESULTS["floor"] = benchmark.stats.stats.mean


def test_pipeline_1m_cases(benchmark, kreis_1m):
    tables = benchmark.pedantic(run_pipeline, args=(kreis_1m,), rounds=3, iterations=1, warmup_rounds=1)
    kreis = tables["kreis"]
    assert kreis.loc[(2020, "kreis", "gesamt"), "inanspruchnahme"] > 0
    RESULTS["pipeline"] = benchmark.stats.stats.mean


def test_peak_memory(kreis_1m):
    """Peak resident memory of the pipeline in a fresh process (ru_maxrss)."""
    script = textwrap.dedent(f"""
        import json, resource, sys
        from benchmarks.test_bench_pipeline import run_pipeline
        run_pipeline({str(kreis_1m)!r})
        print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    RESULTS["peak_mb"] = json.loads(result.stdout.strip().splitlines()[-1]) / 1024


def test_summary_against_targets(kreis_1m):
    # Run alone (-k), the summary measures what the tests above would have recorded.
    if "floor" not in RESULTS:
        RESULTS["floor"] = _seconds(lambda: read_floor(str(kreis_1m / "faelle.csv")))
    if "pipeline" not in RESULTS:
        RESULTS["pipeline"] = _seconds(lambda: run_pipeline(kreis_1m))
    if "peak_mb" not in RESULTS:
        test_peak_memory(kreis_1m)
    ratio = RESULTS["pipeline"] / RESULTS["floor"]
    print(f"\nFloor pyarrow.csv.read_csv: {RESULTS['floor']:.3f} s; pipeline: {RESULTS['pipeline']:.3f} s "
          f"({ratio:.1f}x floor); peak memory {RESULTS['peak_mb']:.0f} MB")
    assert RESULTS["pipeline"] < 10
    assert RESULTS["peak_mb"] < 2048
    assert ratio <= 5, f"pipeline is {ratio:.1f}x the pyarrow floor (target 5x)"
