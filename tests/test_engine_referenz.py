"""The engine's fast paths against a straightforward reference computation (issue 18).

A random case table (fixed seed) with many ties in the durations, groups of odd and even size,
open cases, a §41 continuing a §35a, cases without setting and cases in a Planungsraum that no
Sozialraum holds is written as files, read and computed by the engine on all three levels. The
reference counts the same rows with pandas, group by group and year by year, by the convention of
:mod:`sozialraum_analytics.counting`, and takes means and medians of the durations with
``groupby().mean()`` / ``.median()``. Counts must agree exactly, means and medians within 1e-12
relative. The duration kernel (:mod:`sozialraum_analytics.dauer`) is checked the same way, with its own
order of the rows and with an order shared by the levels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sozialraum_analytics import dauer, hilfearten
from sozialraum_analytics.counting import DAYS_PER_MONTH, classify
from sozialraum_analytics.dataset import load_folder
from sozialraum_analytics.kennzahlen import EBENEN, Engine

JAHRE = list(range(2019, 2024))
RAEUME = [f"0831700{i}" for i in range(1, 9)]  # the 8th is in no Sozialraum
SOZIALRAUM = {r: f"SR{1 + i % 3}" for i, r in enumerate(RAEUME[:-1])}
CODES = ["§ 27.2", "§ 28", "§ 30", "§ 31", "§ 32", "§ 33", "§ 34", "§ 35", "§ 35a", "§ 41",
         "§ 41 i.V.m. § 35a", "§ 42", "§ 8a"]
SETTINGS = ["ambulant", "teilstationär", "stationär", ""]


def _faelle(rows: int = 4000, seed: int = 18) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    beginn = np.datetime64("2018-01-01") + rng.integers(0, 6 * 365, rows).astype("timedelta64[D]")
    # Durations from a few values only: many ties within every cell and group.
    ende = beginn + rng.choice([0, 1, 30, 31, 90, 181, 365, 366, 400, 730], rows).astype("timedelta64[D]")
    offen = rng.random(rows) < 0.2
    return pd.DataFrame({
        "fall_id": [f"F{i:05d}" for i in range(rows)],
        "raum_id": np.array(RAEUME)[rng.integers(0, len(RAEUME), rows)],
        "hilfeart": np.array(CODES)[rng.integers(0, len(CODES), rows)],
        "setting": np.array(SETTINGS)[rng.integers(0, len(SETTINGS), rows)],
        "beginn": pd.to_datetime(beginn).strftime("%d.%m.%Y"),
        "ende": np.where(offen, "", pd.to_datetime(ende).strftime("%d.%m.%Y")),
    })


@pytest.fixture(scope="module")
def kreis(tmp_path_factory):
    folder = tmp_path_factory.mktemp("referenz")
    _faelle().to_csv(folder / "faelle.csv", sep=";", index=False)
    pd.DataFrame({"raum_id": RAEUME[:-1], "sozialraum_id": [SOZIALRAUM[r] for r in RAEUME[:-1]]}).to_csv(
        folder / "zuordnung.csv", sep=";", index=False)
    pd.DataFrame([(j, r, g, 100) for j in JAHRE for r in RAEUME for g in ("unter 18", "18 bis unter 21")],
                 columns=["jahr", "raum_id", "altersgruppe", "anzahl"]).to_csv(
        folder / "bevoelkerung.csv", sep=";", index=False)
    dataset = load_folder(folder)
    assert all(report.ok for report in dataset.reports)
    return dataset


def _referenz(faelle: pd.DataFrame, ebene: str) -> pd.DataFrame:
    """Counts and durations per (jahr, area, hilfeart), computed row by row with pandas."""
    rows = classify(faelle)
    rows = rows.assign(raum_id=rows["raum_id"].astype(str))
    if ebene == "planungsraum":
        rows = rows.assign(area=rows["raum_id"].where(rows["raum_id"].isin(SOZIALRAUM)))
    elif ebene == "sozialraum":
        rows = rows.assign(area=rows["raum_id"].map(SOZIALRAUM))
    else:
        rows = rows.assign(area="kreis")
    rows = rows[rows["area"].notna()]
    beginn, ende = rows["beginn"], rows["ende"]
    tage = (ende - beginn).dt.days
    out = []
    for gruppe in hilfearten.HILFEGRUPPEN:
        mitglied = rows[gruppe.mask(rows["hilfeart"], rows["bereich"], rows["setting_gruppe"]).to_numpy(dtype=bool)]
        for jahr in JAHRE:
            stichtag = pd.Timestamp(jahr, 12, 31)
            b, e = mitglied["beginn"], mitglied["ende"]
            spalten = {
                "begonnen": b.dt.year == jahr,
                "beendet": e.dt.year == jahr,
                "andauernd": (b <= stichtag) & (e.isna() | (e > stichtag)),
            }
            for name, maske in spalten.items():
                for area, anzahl in maske.groupby(mitglied["area"]).sum().items():
                    out.append((jahr, area, gruppe.id, name, float(anzahl)))
            beendet = mitglied[e.dt.year == jahr]
            dauer = tage[beendet.index] / DAYS_PER_MONTH
            for area, werte in dauer.groupby(beendet["area"]):
                out.append((jahr, area, gruppe.id, "dauer_anzahl", float(len(werte))))
                out.append((jahr, area, gruppe.id, "dauer_mittel_monate", werte.mean()))
                out.append((jahr, area, gruppe.id, "dauer_median_monate", werte.median()))
    frame = pd.DataFrame(out, columns=["jahr", "area", "hilfeart", "kennzahl", "wert"])
    return frame.pivot_table(index=["jahr", "area", "hilfeart"], columns="kennzahl", values="wert", aggfunc="first")


@pytest.mark.parametrize("ebene", EBENEN)
def test_engine_gleich_referenz(kreis, ebene):
    table = Engine(kreis).table(ebene)
    referenz = _referenz(kreis.tables["faelle"], ebene)
    assert len(referenz) > 100
    zellen = table.loc[referenz.index]
    for spalte in ("begonnen", "beendet", "andauernd", "dauer_anzahl"):
        # Counts exactly; a cell the reference does not know has no case (0).
        np.testing.assert_array_equal(zellen[spalte].to_numpy(), referenz[spalte].fillna(0).to_numpy(), err_msg=spalte)
    np.testing.assert_array_equal(zellen["inanspruchnahme"].where(~zellen.index.get_level_values("hilfeart").isin(
        ["§42", "§8a"])).dropna().to_numpy(), (referenz["andauernd"] + referenz["beendet"]).fillna(0)[
        ~referenz.index.get_level_values("hilfeart").isin(["§42", "§8a"])].to_numpy())
    for spalte in ("dauer_mittel_monate", "dauer_median_monate"):
        np.testing.assert_allclose(zellen[spalte].to_numpy(), referenz[spalte].to_numpy(), rtol=1e-12, atol=0,
                                   equal_nan=True, err_msg=spalte)
    # Every cell of the engine outside the reference's has no ended case and no case at all.
    rest = table.drop(index=referenz.index)
    assert (rest[["begonnen", "beendet", "andauernd", "dauer_anzahl"]] == 0).all().all()
    assert rest["dauer_median_monate"].isna().all()


def test_medianwege_gleich_pandas():
    """The duration kernel against pandas, on odd and even groups full of ties, with its own order of the rows
    by days and with a shared one (as the engine's levels share it)."""
    rng = np.random.default_rng(7)
    n, n_cells, n_combos = 20_000, 60, 9
    cell = rng.integers(0, n_cells, n)
    combo = rng.integers(0, n_combos, n)
    days = rng.choice([0, 3, 3, 10, 11, 200, 365], n) + rng.integers(0, 3, n)
    member = rng.random((n_combos, 7)) < 0.4
    member[:, 0] = True  # a group of all rows
    member[:, 6] = False  # a group of no rows
    frame = pd.DataFrame({"cell": cell, "combo": combo, "days": days})
    ergebnisse = {"eigene Ordnung": dauer.je_zelle(cell, combo, days, n_cells, member),
                  "geteilt": dauer.je_zelle(cell, combo, days, n_cells, member, dauer.ordnen(combo, days, n_combos))}
    # Above 65,535 days there is no radix sort (numpy's stable sort of the days): shifted back, the same figures.
    count, total, med = dauer.je_zelle(cell, combo, days + 70_000, n_cells, member)
    ergebnisse["lange Dauern"] = (count, total - 70_000 * count, med - 70_000)
    for g in range(member.shape[1]):
        rows = frame[np.isin(frame["combo"], np.flatnonzero(member[:, g]))]
        grouped = rows.groupby("cell")["days"]
        anzahl = grouped.size().reindex(range(n_cells), fill_value=0).to_numpy()
        summe = grouped.sum().reindex(range(n_cells), fill_value=0).to_numpy()
        median = grouped.median().reindex(range(n_cells)).to_numpy()
        assert anzahl.min() < anzahl.max() or g == 6
        for verfahren, (count, total, med) in ergebnisse.items():
            np.testing.assert_array_equal(count[:, g], anzahl, err_msg=f"{verfahren} {g}")
            np.testing.assert_array_equal(total[:, g], summe, err_msg=f"{verfahren} {g}")
            np.testing.assert_allclose(med[:, g], median, rtol=1e-12, atol=0, equal_nan=True,
                                       err_msg=f"{verfahren} {g}")
    # Odd and even group sizes both occur (the median of an even group is a mean of two values).
    counts = ergebnisse["geteilt"][0]
    assert (counts % 2 == 1).any() and ((counts % 2 == 0) & (counts > 0)).any()


def test_ohne_dauer_und_nur_offene_faelle(tmp_path):
    """Cases that never end in the years: no duration figures at all (as before), counts still."""
    faelle = _faelle(200).assign(ende="")
    faelle.to_csv(tmp_path / "faelle.csv", sep=";", index=False)
    engine = Engine(load_folder(tmp_path))
    table = engine.table("kreis")
    assert "dauer_median_monate" not in table
    assert table.loc[(2020, "kreis", "gesamt"), "andauernd"] > 0
