"""An attacker on the public view, written apart from the production code.

It knows what anyone knows who reads the published tables: every figure shown (counts, Eckwerte with
the published population, changes and indices over the years, shares, Ausgaben, Ausgaben je
Einwohner, Kosten je Hilfe), which kinds of help occur at all in the data (the format tells), and
domain.md's rules of how help groups are summed. From these it works out, with its own linear
programme (scipy's ``linprog``), the least and greatest value of every suppressed figure.

Nothing here comes from ``sozialraum_analytics`` except the tables it attacks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

AMB, TEIL, STAT = "ambulant", "teilstationaer", "stationaer"
HZE_CODES = ("§27.2", "§28", "§29", "§30", "§31", "§32", "§33", "§34", "§35", "§41")


def setting_of(code: str, field: str | None) -> str | None:
    """domain.md's table: the setting group a case of ``code`` counts in."""
    if code in ("§28", "§29", "§30", "§31"):
        return AMB
    if code == "§32":
        return TEIL
    if code in ("§33", "§34"):
        return STAT
    if code == "§27.2":
        return STAT if field == STAT else AMB
    if code == "§35":
        return AMB if field == AMB else STAT
    if code in ("§35a", "§41"):
        return field
    return None


def member(group: str, code: str, setting: str | None) -> bool:
    """Whether a case of (code, setting) counts in a help group (domain.md: totals and setting groups)."""
    hze = code in HZE_CODES
    rules = {
        "gesamt": code not in ("§42", "§8a"),
        "gesamt_ohne_eb": code not in ("§42", "§8a", "§28"),
        "hze": hze,
        "hze_ohne_eb": hze and code != "§28",
        "ambulant": hze and setting == AMB,
        "ambulant_ohne_eb": hze and setting == AMB and code != "§28",
        "teilstationaer": hze and setting == TEIL,
        "stationaer": hze and setting == STAT,
        "§35a_ambulant": code == "§35a" and setting == AMB,
        "§35a_teilstationaer": code == "§35a" and setting == TEIL,
        "§35a_stationaer": code == "§35a" and setting == STAT,
    }
    return rules[group] if group in rules else code == group


def count_column(group: str) -> str:
    return {"§42": "inobhutnahmen", "§8a": "gefaehrdungseinschaetzungen"}.get(group, "inanspruchnahme")


@dataclass
class Ergebnis:
    """One suppressed figure: where, what the attacker knows (low, high) and the truth."""

    art: str  # "anzahl" or "geld"
    jahr: int
    area: str
    gruppe: str
    low: float
    high: float
    wahr: float

    @property
    def bestimmbar(self) -> bool:
        if self.art == "anzahl":
            return np.floor(self.high + 1e-6) - np.ceil(self.low - 1e-6) < 1
        return self.high - self.low < max(1.0, 0.1 * abs(self.wahr)) * (1 - 1e-6)


class Angriff:
    """The attacker's linear system over the unknown atoms of all years.

    ``atome_faelle`` / ``atome_geld``: the (code, setting) kinds that occur in the case file and in
    the cost file (no case kinds: the counts are rounded and state no equation); ``areas``: the
    Sozialräume; ``rest``: whether the Kreis holds more than them.
    """

    def __init__(self, jahre: list[int], areas: list[str], atome_faelle: list[tuple], atome_geld: list[tuple],
                 rest: bool, gruppen: list[str]):
        self.jahre, self.areas, self.gruppen = list(jahre), list(areas), list(gruppen)
        self.blocks = len(areas) + (1 if rest else 0)
        self.atome = {"anzahl": list(atome_faelle), "geld": list(atome_geld)}
        self.offset = {"anzahl": 0}
        self.groesse = {art: len(self.jahre) * self.blocks * len(a) for art, a in self.atome.items()}
        self.offset["geld"] = self.groesse["anzahl"]
        self.n = self.groesse["anzahl"] + self.groesse["geld"]
        self.geraten = not atome_faelle  # no count atoms: the counts are rounded, only money is attacked
        self._mitglieder: dict[tuple, np.ndarray] = {}
        self.eq: list[np.ndarray] = []
        self.rhs: list[float] = []

    def zeile(self, art: str, jahr: int, area: str | None, gruppe: str) -> np.ndarray:
        """The unknowns a published figure sums: one area (None: the Kreis, every block)."""
        row = np.zeros(self.n)
        atome = self.atome[art]
        key = (art, gruppe)
        if key not in self._mitglieder:
            self._mitglieder[key] = np.array([member(gruppe, code, setting) for code, setting in atome], dtype=float)
        y = self.jahre.index(jahr)
        blocks = [self.areas.index(area)] if area is not None else range(self.blocks)
        for b in blocks:
            start = self.offset[art] + (y * self.blocks + b) * len(atome)
            row[start:start + len(atome)] = self._mitglieder[key]
        return row

    def fakt(self, row: np.ndarray, wert: float) -> None:
        if self.geraten and not row[self.offset["geld"]:].any():
            return  # rounded counts state no equation
        if row.any() or abs(wert) > 1e-9:
            self.eq.append(row)
            self.rhs.append(float(wert))

    def lese(self, table: pd.DataFrame, kreis: bool, eckwert: str, ausgaben_je: str, nenner: str, skala: int,
             ausgaben_nenner: str) -> None:
        """Every linear fact a public wide table (index jahr, area, hilfeart) states."""
        def val(values: pd.Series, column: str) -> float:
            v = values.get(column, np.nan)
            return np.nan if v is None or pd.isna(v) else float(v)

        for (jahr, area, gruppe), values in table.iterrows():
            where = None if kreis else area
            count = self.zeile("anzahl", jahr, where, gruppe)
            money = self.zeile("geld", jahr, where, gruppe)
            c = val(values, count_column(gruppe))
            if not np.isnan(c) and not self.geraten:
                self.fakt(count, c)
            if gruppe not in ("§42", "§8a"):
                eck = val(values, eckwert)
                if not np.isnan(eck):
                    self.fakt(count, round(eck * val(values, f"bevoelkerung_{nenner}") / skala))
            for kind, row, prefix in (("anzahl", count, "inanspruchnahme"), ("geld", money, "ausgaben")):
                if jahr - 1 not in self.jahre:
                    continue
                before = self.zeile(kind, jahr - 1, where, gruppe)
                change = val(values, f"{prefix}_vorjahr_abs")
                if not np.isnan(change):
                    self.fakt(row - before, change)
                pct = val(values, f"{prefix}_vorjahr_prozent")
                if not np.isnan(pct):
                    self.fakt(row - (1 + pct / 100) * before, 0.0)
            for kind, row, prefix in (("anzahl", count, "inanspruchnahme"), ("geld", money, "ausgaben")):
                index = val(values, f"{prefix}_index")
                if not np.isnan(index) and index != 0:
                    base = self.zeile(kind, self.jahre[0], where, gruppe)
                    self.fakt(100 * row - index * base, 0.0)
            share = val(values, "anteil_stationaer")
            if not np.isnan(share) and gruppe in ("hze", "hze_ohne_eb"):
                amb = "ambulant" if gruppe == "hze" else "ambulant_ohne_eb"
                total = sum(self.zeile("anzahl", jahr, where, g) for g in (amb, "teilstationaer", "stationaer"))
                self.fakt(100 * self.zeile("anzahl", jahr, where, "stationaer") - share * total, 0.0)
            a = val(values, "ausgaben")
            if not np.isnan(a):
                self.fakt(money, a)
            aje = val(values, ausgaben_je)
            if not np.isnan(aje):
                self.fakt(money, aje * val(values, f"bevoelkerung_{ausgaben_nenner}"))
            kjh = val(values, "kosten_je_hilfe")
            if not np.isnan(kjh) and not np.isnan(c) and not self.geraten:
                self.fakt(money, kjh * c)

    def bereich(self, art: str, jahr: int, area: str | None, gruppe: str) -> tuple[float, float]:
        objective = self.zeile(art, jahr, area, gruppe)
        if getattr(self, "_system", (None, -1))[1] != len(self.eq):
            eq = np.array(self.eq) if self.eq else np.zeros((0, self.n))
            # Money in thousands of euros: Kreis totals of tens of millions are beyond the solver's tolerances.
            money_rows = eq[:, self.offset["geld"]:].any(axis=1)
            rhs = np.where(money_rows, np.array(self.rhs) / 1000, np.array(self.rhs)) if self.eq else None
            self._system = ((sparse.csr_matrix(eq) if self.eq else None, rhs), len(self.eq))
        (a_eq, rhs), _ = self._system
        scale = 1000.0 if art == "geld" else 1.0
        out = []
        for sign in (1.0, -1.0):
            result = linprog(sign * objective, A_eq=a_eq, b_eq=rhs, bounds=(0, None), method="highs")
            if result.status == 3:
                out.append(-sign * np.inf)
                continue
            assert result.success, result.message
            out.append(sign * result.fun * scale)
        return out[0], out[1]


def angreifen(oeffentlich, planung, atome_faelle: list[tuple], atome_geld: list[tuple]) -> list[Ergebnis]:  # noqa: ANN001
    """Attack every suppressed count and every suppressed non-zero Ausgaben of a public engine.

    ``oeffentlich`` and ``planung`` are engines over the same data and years (the second gives the
    truth); only their published tables and marks are read.
    """
    opt = oeffentlich.optionen
    areas = oeffentlich.areas("sozialraum")
    gebiete_exakt = planung.table("sozialraum")
    kreis_exakt = planung.table("kreis")
    summe = gebiete_exakt["inanspruchnahme"].groupby(level=["jahr", "hilfeart"]).sum()
    kreis_summe = kreis_exakt["inanspruchnahme"].droplevel("area")
    rest = not np.allclose(summe.reindex(kreis_summe.index).fillna(0), kreis_summe.fillna(0))
    if "ausgaben" in kreis_exakt:
        geld = gebiete_exakt["ausgaben"].groupby(level=["jahr", "hilfeart"]).sum()
        rest |= not np.allclose(geld.reindex(kreis_summe.index).fillna(0), kreis_exakt["ausgaben"].droplevel("area").fillna(0))
    angriff = Angriff(oeffentlich.jahre, areas, atome_faelle, atome_geld, rest, list(gebiete_exakt.index.levels[2]))
    for ebene in ("sozialraum", "kreis"):
        angriff.lese(oeffentlich.table(ebene), ebene == "kreis", opt.eckwert, opt.ausgaben_je, opt.nenner, opt.skala,
                     opt.ausgaben_nenner)
    ergebnisse = []
    for ebene, exakt in (("sozialraum", gebiete_exakt), ("kreis", kreis_exakt)):
        for art, kennzahl in (("anzahl", None), ("geld", "ausgaben")):
            if art == "geld" and "ausgaben" not in exakt:
                continue
            vermerk = oeffentlich.sperrvermerk(ebene, kennzahl)
            for (jahr, area, gruppe) in vermerk.index[vermerk.to_numpy() != 0]:
                wahr = exakt.at[(jahr, area, gruppe), "ausgaben" if art == "geld" else count_column(gruppe)]
                if pd.isna(wahr) or (art == "geld" and wahr <= 0):
                    continue
                low, high = angriff.bereich(art, jahr, None if ebene == "kreis" else area, gruppe)
                ergebnisse.append(Ergebnis(art, jahr, area, gruppe, low, high, float(wahr)))
    return ergebnisse


def atome_aus_faellen(faelle: pd.DataFrame) -> list[tuple]:
    """The (code, setting) kinds in a case file with columns hilfeart ("§ 34") and setting."""
    out = set()
    for code, field in zip(faelle["hilfeart"], faelle.get("setting", pd.Series([None] * len(faelle)))):
        code = "§" + str(code).replace("§", "").strip()
        field = None if pd.isna(field) or not str(field).strip() else str(field).strip().replace("ä", "ae")
        out.add((code, setting_of(code, field)))
    return sorted(out, key=str)


# --- the case structure (Fallstruktur) ---------------------------------------------------------------
ANDAUERND = "__andauernd__"  # the helps still running on 31.12.: never published, Hilfen insgesamt minus ended


class StrukturAngriff:
    """The attacker on one year's published case structure of one feature, with the main table.

    Unknowns: per area block (the Sozialräume, and one more if the Kreis is more than they), kind of help
    (code, setting) and category the number of helps, ≥ 0. For the ending the categories are the ended
    helps by reason plus the ones still running (which together make the Hilfen insgesamt).
    """

    def __init__(self, areas: list[str], atome: list[tuple], kategorien: list[str], rest: bool):
        self.areas, self.atome, self.kategorien = list(areas), list(atome), list(kategorien)
        self.blocks = len(areas) + (1 if rest else 0)
        self.n = self.blocks * len(self.atome) * len(self.kategorien)
        self.eq: list[np.ndarray] = []
        self.rhs: list[float] = []

    def zeile(self, area: str | None, gruppe: str, kategorien: list[str] | None = None) -> np.ndarray:
        """The unknowns a figure sums: one area (None: the Kreis), a help group, some categories (None: all)."""
        row = np.zeros((self.blocks, len(self.atome), len(self.kategorien)))
        blocks = [self.areas.index(area)] if area is not None else list(range(self.blocks))
        kinds = [i for i, (code, setting) in enumerate(self.atome) if member(gruppe, code, setting)]
        cats = [self.kategorien.index(k) for k in (kategorien or self.kategorien)]
        row[np.ix_(blocks, kinds, cats)] = 1
        return row.ravel()

    def fakt(self, row: np.ndarray, wert: float) -> None:
        if row.any() or abs(wert) > 1e-9:
            self.eq.append(row)
            self.rhs.append(float(wert))

    def lese_haupttabelle(self, table: pd.DataFrame, jahr: int, kreis: bool) -> None:
        """Every shown Hilfen insgesamt of the year (help groups without §42 and §8a)."""
        for (j, area, gruppe), wert in table["inanspruchnahme"].items():
            if j == jahr and gruppe not in ("§42", "§8a") and not pd.isna(wert):
                self.fakt(self.zeile(None if kreis else area, gruppe), float(wert))

    def lese_struktur(self, table: pd.DataFrame, kreis: bool, beendigung: bool) -> None:
        """Every shown count of the structure, and for the ending the shown number of ended helps."""
        for row in table.itertuples():
            area = None if kreis else row.area
            if not pd.isna(row.anzahl):
                self.fakt(self.zeile(area, row.hilfeart, [row.kategorie]), float(row.anzahl))
            if beendigung and not pd.isna(row.nenner):
                ended = [k for k in self.kategorien if k != ANDAUERND]
                self.fakt(self.zeile(area, row.hilfeart, ended), float(row.nenner))

    def bereich(self, objective: np.ndarray, wahr: float | None = None) -> tuple[float, float]:
        """Least and greatest value of a figure consistent with everything shown. With its true value:
        when the greatest lies at least 1 above it, two whole numbers are possible already and the least
        is not asked for (returned as −inf)."""
        if getattr(self, "_system", (None, None, -1))[2] != len(self.eq):
            self._system = (sparse.csr_matrix(np.array(self.eq)) if self.eq else None,
                            np.array(self.rhs) if self.eq else None, len(self.eq))
        a_eq, rhs, _ = self._system
        out = []
        for sign in (-1.0, 1.0):
            result = linprog(sign * objective, A_eq=a_eq, b_eq=rhs, bounds=(0, None), method="highs")
            if result.status == 3:
                out.append(-sign * np.inf)
            else:
                assert result.success, result.message
                out.append(sign * result.fun)
            if wahr is not None and out[0] >= wahr + 1 - 1e-6:
                return -np.inf, out[0]
        return out[1], out[0]


def angreifen_struktur(jahr: int, areas: list[str], atome: list[tuple], haupt: dict[str, pd.DataFrame],
                       struktur: dict[str, pd.DataFrame], exakt: dict[str, pd.DataFrame], rest: bool,
                       beendigung: bool, andauernd: dict[str, pd.Series] | None = None,
                       gruppen: set[str] | None = None) -> list[Ergebnis]:
    """Attack every withheld count of a published structure (and every withheld Hilfen insgesamt of the
    public groups, which the structure must not give away either).

    ``haupt``: the public wide tables per level (``sozialraum``, ``kreis``); ``struktur``: the public
    structure tables per level; ``exakt``: the planning view's (the truth), for the ending with the ended
    helps' categories; ``andauernd``: for the ending the true helps running on 31.12. per (area, group): those
    of 1 to 4 must not follow from what is shown (Hilfen insgesamt minus ended helps). ``gruppen``: attack only
    the withheld figures of these help groups (the attacker still uses every figure shown). Attacked are the
    withheld totals, the withheld counts of 1 to 4 and what is withheld beside a shown total (to protect them);
    a 0 or a count of 5 and more withheld only because its total is may follow from the rest.
    """
    kategorien = list(dict.fromkeys(struktur["kreis"]["kategorie"])) + ([ANDAUERND] if beendigung else [])
    angriff = StrukturAngriff(areas, atome, kategorien, rest)
    for ebene in ("sozialraum", "kreis"):
        angriff.lese_haupttabelle(haupt[ebene], jahr, ebene == "kreis")
        angriff.lese_struktur(struktur[ebene], ebene == "kreis", beendigung)
    ergebnisse = []
    for ebene in ("sozialraum", "kreis"):
        wahr = exakt[ebene].set_index(["area", "hilfeart", "kategorie"])
        ziele = struktur[ebene] if gruppen is None else struktur[ebene][struktur[ebene]["hilfeart"].isin(gruppen)]
        for row in ziele.itertuples():
            area = None if ebene == "kreis" else row.area
            if row.gesperrt:
                truth = float(wahr.at[(row.area, row.hilfeart, row.kategorie), "anzahl"])
                if row.nenner_gesperrt and not 1 <= truth <= 4:
                    continue  # withheld with its hidden total; a 0 or a count from 5 on may follow from the rest
                low, high = angriff.bereich(angriff.zeile(area, row.hilfeart, [row.kategorie]), truth)
                ergebnisse.append(Ergebnis("anzahl", jahr, row.area, f"{row.hilfeart}:{row.kategorie}", low, high,
                                           truth))
        summen = ziele.drop_duplicates(["area", "hilfeart"])
        for row in summen[summen["nenner_gesperrt"]].itertuples():
            area = None if ebene == "kreis" else row.area
            total = wahr.xs((row.area, row.hilfeart), level=["area", "hilfeart"])["nenner"].iloc[0]
            ended = [k for k in kategorien if k != ANDAUERND]
            low, high = angriff.bereich(angriff.zeile(area, row.hilfeart, ended if beendigung else None), float(total))
            ergebnisse.append(Ergebnis("anzahl", jahr, row.area, f"{row.hilfeart}:summe", low, high, float(total)))
        for (area, gruppe), wert in (andauernd or {}).get(ebene, pd.Series(dtype=float)).items():
            if 1 <= wert <= 4 and gruppe in set(ziele["hilfeart"]):
                low, high = angriff.bereich(angriff.zeile(None if ebene == "kreis" else area, gruppe, [ANDAUERND]),
                                            float(wert))
                ergebnisse.append(Ergebnis("anzahl", jahr, area, f"{gruppe}:andauernd", low, high, float(wert)))
    return ergebnisse
