"""A second file of the same kind: which years it brings, which it replaces, which stay.

Population, aggregated case counts, Ausgaben, indicators and reference values are tables per year. A planner
imports 2021–2023 and later 2020; the store (:meth:`Store.importieren`) and the folder mode
(several ``bevoelkerung*.csv``) both merge them here, by year, and say what changed:
"2020 neu, 2021–2023 unverändert". Other kinds (cases, areas, offers, assignment) have no
year of their own: a new file replaces the old one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .formatting import jahre_text

# The kinds whose rows each belong to one year (column ``jahr``).
JAHRESARTEN = ("bevoelkerung", "fallzahlen", "kosten", "indikatoren", "vergleichswerte")
MODI = ("ergaenzen", "ersetzen")
MODUS_TEXT = {"ergaenzen": "ergänzen (Jahre der neuen Datei ersetzen diese Jahre, andere Jahre bleiben)",
              "ersetzen": "ersetzen (nur die neue Datei gilt)"}


@dataclass(frozen=True)
class Zusammenfuehrung:
    """The merged table and what happened to each year."""

    frame: pd.DataFrame
    neu: tuple[int, ...] = ()
    ersetzt: tuple[int, ...] = ()
    unveraendert: tuple[int, ...] = ()
    entfernt: tuple[int, ...] = ()
    ganz_ersetzt: bool = False  # a kind without years: the new file replaces the old one

    @property
    def behaelt_alte_zeilen(self) -> bool:
        return bool(self.unveraendert)

    def text(self) -> str:
        """``"2020 neu, 2021–2023 unverändert"``; empty for a first import."""
        if self.ganz_ersetzt:
            return "ersetzt den bisherigen Stand (diese Art hat keine Jahre)"
        teile = [f"{jahre_text(jahre)} {wort}" for jahre, wort in
                 ((self.neu, "neu"), (self.ersetzt, "ersetzt"), (self.unveraendert, "unverändert"),
                  (self.entfernt, "entfernt")) if jahre]
        return ", ".join(teile)


def _jahre(frame: pd.DataFrame) -> set[int]:
    return set(pd.to_numeric(frame["jahr"], errors="coerce").dropna().astype(int))


def zusammenfuehren(kind: str, alt: pd.DataFrame | None, neu: pd.DataFrame, modus: str = "ergaenzen") -> Zusammenfuehrung:
    """``neu`` merged into ``alt`` by ``modus``.

    ``ergaenzen``: the rows of the years in ``neu`` replace those years of ``alt``; the other
    years of ``alt`` stay. ``ersetzen``: only ``neu`` counts. Kinds without years are always
    replaced.
    """
    if modus not in MODI:
        raise ValueError(f"Unbekannter Modus „{modus}“; erlaubt: {', '.join(MODI)}.")
    if kind not in JAHRESARTEN or "jahr" not in neu:
        return Zusammenfuehrung(neu, ganz_ersetzt=alt is not None)
    neue_jahre = _jahre(neu)
    if alt is None or "jahr" not in alt:
        return Zusammenfuehrung(neu, neu=tuple(sorted(neue_jahre)))
    alte_jahre = _jahre(alt)
    gemeinsam = tuple(sorted(neue_jahre & alte_jahre))
    nur_neu = tuple(sorted(neue_jahre - alte_jahre))
    nur_alt = tuple(sorted(alte_jahre - neue_jahre))
    if modus == "ersetzen" or not nur_alt:
        return Zusammenfuehrung(neu, neu=nur_neu, ersetzt=gemeinsam, entfernt=nur_alt if modus == "ersetzen" else ())
    bleibt = alt[pd.to_numeric(alt["jahr"], errors="coerce").isin(nur_alt)]
    spalten = list(dict.fromkeys([*neu.columns, *bleibt.columns]))
    teile = [bleibt.reindex(columns=spalten), neu.reindex(columns=spalten)]
    for spalte in spalten:
        # Categories of two files differ (other areas, other Hilfearten): plain values to stack.
        for teil in teile:
            if isinstance(teil[spalte].dtype, pd.CategoricalDtype):
                teil[spalte] = teil[spalte].astype(object)
    frame = pd.concat(teile, ignore_index=True)
    if "jahr" in frame:
        frame = frame.sort_values("jahr", kind="stable", ignore_index=True)
    return Zusammenfuehrung(frame, neu=nur_neu, ersetzt=gemeinsam, unveraendert=nur_alt)
