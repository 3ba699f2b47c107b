"""The Prüfbericht (check report) of one file: every problem, in German, with row and column.

Not the committee report: that is :mod:`.ausschussbericht`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

FEHLER = "Fehler"
WARNUNG = "Warnung"
MAX_LISTED = 200  # problems listed per file; the rest are counted


@dataclass(frozen=True)
class Problem:
    """One finding. ``zeile`` is the row as Excel shows it (header = row 1)."""

    stufe: str
    datei: str
    meldung: str
    zeile: int | None = None
    spalte: str | None = None
    wert: str | None = None

    def text(self) -> str:
        """``Zeile 17, Spalte "ende": "31.02.2023" ist kein gültiges Datum``."""
        where = []
        if self.zeile is not None:
            where.append(f"Zeile {self.zeile}")
        if self.spalte is not None:
            where.append(f'Spalte "{self.spalte}"')
        prefix = ", ".join(where)
        return f"{prefix}: {self.meldung}" if prefix else self.meldung


@dataclass
class ValidationReport:
    """Errors block an import; warnings let the user decide."""

    datei: str
    problems: list[Problem] = field(default_factory=list)
    not_listed: dict[str, int] = field(default_factory=lambda: {FEHLER: 0, WARNUNG: 0})
    infos: list[str] = field(default_factory=list)

    def add(self, stufe: str, meldung: str, zeile: int | None = None, spalte: str | None = None,
            wert: str | None = None) -> None:
        if len(self.problems) >= MAX_LISTED:
            self.not_listed[stufe] += 1
            return
        self.problems.append(Problem(stufe, self.datei, meldung, zeile, spalte, wert))

    def error(self, meldung: str, zeile: int | None = None, spalte: str | None = None,
              wert: str | None = None) -> None:
        self.add(FEHLER, meldung, zeile, spalte, wert)

    def warning(self, meldung: str, zeile: int | None = None, spalte: str | None = None,
                wert: str | None = None) -> None:
        self.add(WARNUNG, meldung, zeile, spalte, wert)

    def info(self, text: str) -> None:
        self.infos.append(text)

    def _sorted(self, stufe: str) -> list[Problem]:
        return sorted((p for p in self.problems if p.stufe == stufe),
                      key=lambda p: (p.zeile if p.zeile is not None else 0))

    @property
    def errors(self) -> list[Problem]:
        """Errors in row order (rows as Excel shows them)."""
        return self._sorted(FEHLER)

    @property
    def warnings(self) -> list[Problem]:
        return self._sorted(WARNUNG)

    @property
    def n_errors(self) -> int:
        return len(self.errors) + self.not_listed[FEHLER]

    @property
    def n_warnings(self) -> int:
        return len(self.warnings) + self.not_listed[WARNUNG]

    @property
    def ok(self) -> bool:
        return self.n_errors == 0

    def as_frame(self) -> pd.DataFrame:
        """The problems as a table with German column names."""
        return pd.DataFrame(
            [{"Stufe": p.stufe, "Datei": p.datei, "Zeile": p.zeile, "Spalte": p.spalte,
              "Wert": p.wert, "Meldung": p.text()} for p in self.errors + self.warnings],
            columns=["Stufe", "Datei", "Zeile", "Spalte", "Wert", "Meldung"],
        )

    def lines(self) -> list[str]:
        """The report as text lines, errors first."""
        out = [f"Datei {self.datei}: {self.n_errors} Fehler, {self.n_warnings} Warnungen"]
        out += [f"  {info}" for info in self.infos]
        for problem in self.errors + self.warnings:
            out.append(f"  {problem.stufe}: {problem.text()}")
        for stufe, count in self.not_listed.items():
            if count:
                out.append(f"  … und {count} weitere {'Fehler' if stufe == FEHLER else 'Warnungen'}"
                           " (nicht einzeln aufgeführt)")
        return out
