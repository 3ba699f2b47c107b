"""Large synthetic inputs for the benchmarks (fixed seed): case rows in the German dialect."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

CODES = ["§ 27.2", "§ 28", "§ 29", "§ 30", "§ 31", "§ 32", "§ 33", "§ 34", "§ 35", "§ 35a", "§ 41", "§ 42", "§ 8a"]
WEIGHTS = np.array([3, 22, 1.5, 4, 7, 1.5, 4, 5, 0.4, 6, 2, 2.5, 5], dtype=float)
SETTINGS = ["ambulant", "teilstationär", "stationär", ""]


def write_cases(path: Path, rows: int = 1_000_000, areas: int = 1100, seed: int = 7) -> Path:
    """``rows`` cases in ``areas`` Planungsräume, 2010–2024, ``;`` and dd.mm.yyyy, Windows-free UTF-8."""
    rng = np.random.default_rng(seed)
    ags = np.array([f"08{i:06d}" for i in range(1, areas + 1)])
    start = np.datetime64("2010-01-01") + rng.integers(0, 15 * 365, rows).astype("timedelta64[D]")
    length = rng.gamma(1.5, 200, rows).astype(np.int64).astype("timedelta64[D]")
    end = start + length
    open_case = end > np.datetime64("2024-12-31")
    frame = pd.DataFrame({
        "fall_id": [f"F-{i:07d}" for i in range(rows)],
        "raum_id": ags[rng.integers(0, areas, rows)],
        "hilfeart": np.array(CODES)[rng.choice(len(CODES), rows, p=WEIGHTS / WEIGHTS.sum())],
        "setting": np.array(SETTINGS)[rng.integers(0, 4, rows)],
        "beginn": pd.to_datetime(start).strftime("%d.%m.%Y"),
        "ende": np.where(open_case, "", pd.to_datetime(end).strftime("%d.%m.%Y")),
        "geburtsjahr": rng.integers(1995, 2024, rows),
        "geschlecht": np.array(["m", "w", "d"])[rng.integers(0, 3, rows)],
    })
    frame.to_csv(path, sep=";", index=False, encoding="utf-8")
    return path


def write_population(path: Path, areas: int = 1100) -> Path:
    rows = []
    for year in range(2010, 2025):
        for i in range(1, areas + 1):
            for group, count in (("unter 18", 900), ("18 bis unter 21", 180), ("21 und älter", 5000)):
                rows.append((year, f"08{i:06d}", group, count))
    pd.DataFrame(rows, columns=["jahr", "raum_id", "altersgruppe", "anzahl"]).to_csv(path, sep=";", index=False)
    return path


def write_zuordnung(path: Path, areas: int = 1100) -> Path:
    pd.DataFrame({"raum_id": [f"08{i:06d}" for i in range(1, areas + 1)],
                  "sozialraum_id": [f"SR{(i - 1) // 25 + 1:02d}" for i in range(1, areas + 1)]}).to_csv(
        path, sep=";", index=False)
    return path
