"""The Steckbrief (profile) of one area for one year: tables and a short German summary.

``steckbrief(engine, raum_id, jahr)`` gathers what a page shows about a Sozialraum (or a
Planungsraum): its age structure over the years, the help groups against the Kreis, the
social indicators and the Bedarfsindex, the offers located there, and a few generated
sentences (:class:`Aussage`). Every figure comes from the engine; each sentence names the
table and columns that show its figures, so the summary can always be traced to a shown value.

Each part has its own year: where the chosen year has no values for a part (social indicators
surveyed in 2020 only, a year without cases), that part shows the latest year with values and
says so in ``Steckbrief.hinweise``; the sentences about it name that year. An empty chart is never
drawn: the note says what is missing instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .bedarfsindex import MIN_EINWOHNER
from .dataset import nur_insgesamt
from .formatting import format_euro, format_number, jahre_text
from .geheimhaltung import GESPERRT, MIN_JUNGE_MENSCHEN
from .hilfearten import HILFEGRUPPEN_BY_ID
from .kennzahlen import EBENEN, Engine, Optionen
from .registry import describe, indikator_label
from .tables import TABLES

# The setting groups of the profile, in the order of the table.
HILFEN = ("gesamt", "ambulant", "teilstationaer", "stationaer", "§35a")
# Cut points of the readable age bands; where the data has no boundary at the first choice,
# the next is taken (school age ends at 15, or at 14 where the statistics cut there).
ALTERSGRENZEN = ((6,), (15, 14), (18,), (21,))

_INANSPRUCHNAHME_VON = {"gesamt": "der Hilfen gesamt", "ambulant": "ambulanter Hilfen zur Erziehung",
                        "teilstationaer": "teilstationärer Hilfen zur Erziehung",
                        "stationaer": "stationärer Hilfen zur Erziehung", "§35a": "der Eingliederungshilfe nach § 35a"}
_AUSGABEN_FUER = {"gesamt": "die Hilfen gesamt", "ambulant": "ambulante Hilfen zur Erziehung",
                  "teilstationaer": "teilstationäre Hilfen zur Erziehung",
                  "stationaer": "stationäre Hilfen zur Erziehung", "§35a": "die Eingliederungshilfe nach § 35a"}
# Denominator as it reads after "je 1.000 …" (Eckwert) and after "je Einwohner …" (Ausgaben).
_NENNER = {"u21": ("unter 21-Jährige", "unter 21 Jahren"), "u18": ("unter 18-Jährige", "unter 18 Jahren"),
           "18_21": ("18- bis unter 21-Jährige", "von 18 bis unter 21 Jahren"), "gesamt": ("Einwohner", "")}
# The label of the one age band of a population given only in total.
INSGESAMT = "insgesamt"
# Figures are the engine's, with binary noise removed: 76.49999999999999 % is 76.5 % and
# rounds half up to 77 %, as the hand calculation says.
_STELLEN = 9


@dataclass(frozen=True)
class Aussage:
    """One sentence of the summary and the figures it states.

    ``tabelle`` names the Steckbrief table that shows the figures, in the row of ``hilfeart``
    (table ``hilfen``) or of ``kennzahl`` (table ``indikatoren``, row ``bedarfsindex``);
    ``spalten`` are that row's columns in the order the figures appear in the text.
    ``kreiswert`` is NaN where the sentence is not a comparison with the Kreis (trend,
    Bedarfsindex); ``abweichung_prozent`` is the deviation in % from the value the sentence
    compares with (Kreiswert, for the trend the previous year).
    """

    text: str
    kennzahl: str
    hilfeart: str | None
    wert: float
    kreiswert: float
    abweichung_prozent: float
    tabelle: str
    spalten: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Steckbrief:
    """Profile of one area (``ebene``, ``raum_id``) in ``jahr`` with the engine's ``optionen``.

    - ``bevoelkerung``: ``jahr, altersgruppe, einwohner`` for every year with population;
      ``altersgruppe`` an ordered categorical of readable bands (see :data:`ALTERSGRENZEN`),
      ``einwohner`` NaN where a count inside the band is unknown.
    - ``hilfen``: one row per :data:`HILFEN` group: ``hilfeart, label, inanspruchnahme,
      eckwert, eckwert_kreis, eckwert_abweichung_prozent, eckwert_vorjahr,
      eckwert_veraenderung_prozent, ausgaben, ausgaben_je_jugendeinwohner,
      ausgaben_je_jugendeinwohner_kreis, ausgaben_je_jugendeinwohner_abweichung_prozent``.
      Eckwert is ``optionen.eckwert``, Ausgaben je Jugendeinwohner ``optionen.ausgaben_je``;
      deviations in % of the Kreis value (NaN where it is 0 or missing).
    - ``indikatoren``: ``indikator, label, einheit, richtung, wert, kreiswert, abweichung,
      abweichung_prozent, klasse, hinweis``; ``abweichung`` = wert − kreiswert in the indicator's
      unit, ``abweichung_prozent`` the deviation in % of the Kreis value (NaN where it is 0 or
      missing). A last row ``bedarfsindex`` (when the index exists for the year) holds the index
      and its ``klasse``; an area without index (under 300 inhabitants, incomplete indicators)
      has NaN there and says why in ``hinweis``.
    - ``angebote``: the offers that existed in the year (``seit`` ≤ 31.12., ``bis`` ≥ 01.01.)
      in the area's Planungsräume: the columns of the angebote table plus ``raum_name``.
    - ``aussagen``: the summary of the helps (see :func:`steckbrief`); ``aussagen_sozialstruktur``
      the sentences on the social indicators against the Kreis (see :func:`aussagen_sozialstruktur`).
      Shown together, helps first (:attr:`alle_aussagen`).
    - ``jahre``: the year each part shows (``hilfen``, ``indikatoren``, ``bevoelkerung``): ``jahr``
      where it has values, else the latest year with values (see :func:`gezeigtes_jahr`).
    - ``hinweise``: per part (``hilfen``, ``hilfen_diagramm``, ``indikatoren``, ``bevoelkerung``) a German
      note: which year is shown instead of ``jahr``, or what is missing where a chart or table
      stays empty; empty when there is nothing to say.
    """

    ebene: str
    raum_id: str
    raum_name: str
    jahr: int
    optionen: Optionen
    bevoelkerung: pd.DataFrame
    hilfen: pd.DataFrame
    indikatoren: pd.DataFrame
    angebote: pd.DataFrame
    aussagen: tuple[Aussage, ...]
    aussagen_sozialstruktur: tuple[Aussage, ...] = ()
    jahre: dict[str, int] = field(default_factory=dict)
    hinweise: dict[str, str] = field(default_factory=dict)

    @property
    def alle_aussagen(self) -> tuple[Aussage, ...]:
        """The sentences as the page and the PDF show them: helps, then the social indicators and the Bedarfsindex."""
        bedarf = tuple(a for a in self.aussagen if a.kennzahl == "bedarfsindex")
        return tuple(a for a in self.aussagen if a.kennzahl != "bedarfsindex") + self.aussagen_sozialstruktur + bedarf

    def hinweis(self, teil: str) -> str:
        return self.hinweise.get(teil, "")


def steckbrief(engine: Engine, raum_id: str, jahr: int, ebene: str = "sozialraum", optionen: Optionen | None = None,
               schwelle: float = 0.2, max_aussagen: int = 5) -> Steckbrief:
    """The profile of ``raum_id`` in ``jahr``.

    Each part shows ``jahr`` where the level has values for it, else the latest year that has
    (:func:`gezeigtes_jahr`), and says so in ``hinweise``.

    Summary: each help group's Eckwert and Ausgaben je Jugendeinwohner whose deviation from
    the Kreis is at least ``schwelle`` (0.2 = 20 %), largest first, at most ``max_aussagen``
    (or one sentence that none is, or that nothing can be compared); then the change of the
    total Eckwert to the previous year and the Bedarfsindex class, where they exist. The social
    indicators follow the same rule (:func:`aussagen_sozialstruktur`). Missing values give no
    sentence; a sentence never says "nothing to compare" while a table below compares.
    """
    if optionen is not None and optionen != engine.optionen:
        engine = engine.mit_optionen(optionen)
    if ebene not in EBENEN:
        raise ValueError(f"Unbekannte Ebene {ebene!r}; erlaubt: {', '.join(EBENEN)}")
    if raum_id not in engine.areas(ebene):
        raise ValueError(f"Gebiet {raum_id!r} gibt es auf der Ebene {ebene} nicht")
    if jahr not in engine.jahre:
        raise ValueError(f"Für {jahr} liegen keine Daten vor (Jahre: {', '.join(map(str, engine.jahre))})")
    jahr_hilfen, hinweis_hilfen = gezeigtes_jahr(_jahre_hilfen(engine, ebene), jahr, "Fallzahlen der Hilfen")
    jahr_ind, hinweis_ind = gezeigtes_jahr(_jahre_indikatoren(engine, ebene), jahr, "Sozialstrukturindikatoren")
    hilfen = _hilfen(engine, ebene, raum_id, jahr_hilfen)
    indikatoren = _indikatoren(engine, ebene, raum_id, jahr_ind)
    if not hinweis_ind and engine.dataset.has("indikatoren") and not (indikatoren["indikator"] != "bedarfsindex").any():
        hinweis_ind = f"Für dieses Gebiet gibt es {jahr_ind} keine Sozialstrukturindikatoren."
    bevoelkerung = _bevoelkerung(engine, ebene, raum_id)
    jahr_bev, hinweis_bev = _bevoelkerung_hinweis(engine, bevoelkerung, jahr)
    hilfen_saetze, sozial_saetze = _zusammenfassung(hilfen, indikatoren, jahr, engine.optionen, schwelle, max_aussagen,
                                                    jahr_hilfen, jahr_ind)
    names = engine.dataset.area_names()
    return Steckbrief(ebene, raum_id, names.get(raum_id, raum_id), jahr, engine.optionen,
                      bevoelkerung, hilfen, indikatoren, _angebote(engine, ebene, raum_id, jahr, names),
                      hilfen_saetze, sozial_saetze,
                      {"hilfen": jahr_hilfen, "indikatoren": jahr_ind, "bevoelkerung": jahr_bev},
                      {"hilfen": hinweis_hilfen, "hilfen_diagramm": _eckwert_hinweis(engine, hilfen, jahr_hilfen),
                       "indikatoren": hinweis_ind, "bevoelkerung": hinweis_bev})


# --- which year each part shows ------------------------------------------------------------
def gezeigtes_jahr(jahre: list[int], jahr: int, was: str) -> tuple[int, str]:
    """The year a part shows: ``jahr`` when it is among ``jahre`` (the years with values), else the
    latest of ``jahre`` up to ``jahr`` (or the latest at all), with a German note saying so.

    >>> gezeigtes_jahr([2020], 2023, "Sozialstrukturindikatoren")
    (2020, 'Für 2023 gibt es keine Sozialstrukturindikatoren; gezeigt wird 2020 (Werte gibt es für 2020).')
    >>> gezeigtes_jahr([2021, 2022, 2023], 2020, "Fallzahlen der Hilfen")[0]
    2023
    >>> gezeigtes_jahr([2021, 2022], 2022, "Fallzahlen der Hilfen")
    (2022, '')
    """
    if jahr in jahre or not jahre:
        return jahr, ""
    frueher = [j for j in jahre if j <= jahr]
    gezeigt = frueher[-1] if frueher else jahre[-1]
    return gezeigt, f"Für {jahr} gibt es keine {was}; gezeigt wird {gezeigt} (Werte gibt es für {jahre_text(jahre)})."


def _jahre_hilfen(engine: Engine, ebene: str) -> list[int]:
    """Years in which some area of the level has a count or an Eckwert."""
    table = engine.table(ebene)
    spalten = [c for c in ("inanspruchnahme", engine.optionen.eckwert) if c in table.columns]
    if not spalten or not len(table):
        return []
    mit_wert = table[spalten].notna().any(axis=1)
    return sorted(int(j) for j in mit_wert[mit_wert.to_numpy()].index.get_level_values("jahr").unique())


def _jahre_indikatoren(engine: Engine, ebene: str) -> list[int]:
    """Years in which some area of the level has a social indicator."""
    ind = engine.indikatoren(ebene)
    if ind.empty:
        return []
    return sorted(int(j) for j in ind.loc[ind["wert"].notna(), "jahr"].unique())


# --- tables -------------------------------------------------------------------------
def _hilfen(engine: Engine, ebene: str, raum_id: str, jahr: int) -> pd.DataFrame:
    table = engine.table(ebene)
    eck, je = engine.optionen.eckwert, engine.optionen.ausgaben_je

    def spalte(name: str, year: int = jahr) -> np.ndarray:
        if name not in table or year not in engine.jahre:
            return np.full(len(HILFEN), np.nan)
        return table.loc[(year, raum_id), name].reindex(list(HILFEN)).to_numpy(dtype=float)

    frame = pd.DataFrame({
        "hilfeart": HILFEN, "label": [HILFEGRUPPEN_BY_ID[h].label for h in HILFEN],
        "inanspruchnahme": spalte("inanspruchnahme"),
        "eckwert": spalte(eck), "eckwert_kreis": spalte(f"{eck}_kreiswert"),
        "eckwert_abweichung_prozent": spalte(f"{eck}_abweichung_kreis_prozent"),
        "eckwert_vorjahr": spalte(eck, jahr - 1), "eckwert_veraenderung_prozent": spalte(f"{eck}_vorjahr_prozent"),
        "ausgaben": spalte("ausgaben"),
        "ausgaben_je_jugendeinwohner": spalte(je), "ausgaben_je_jugendeinwohner_kreis": spalte(f"{je}_kreiswert"),
        "ausgaben_je_jugendeinwohner_abweichung_prozent": spalte(f"{je}_abweichung_kreis_prozent"),
    })
    return frame.round(_STELLEN)


def _indikatoren(engine: Engine, ebene: str, raum_id: str, jahr: int) -> pd.DataFrame:
    columns = ["indikator", "label", "einheit", "richtung", "wert", "kreiswert", "abweichung", "abweichung_prozent",
               "klasse", "hinweis"]
    ind = engine.indikatoren(ebene)
    ind = ind[(ind["jahr"] == jahr) & (ind["area"] == raum_id)].sort_values("indikator")
    kreis = engine.indikatoren("kreis")
    kreiswert = kreis[kreis["jahr"] == jahr].set_index("indikator")["wert"]
    quelle = engine.dataset.tables.get("indikatoren")
    einheit = {} if quelle is None or "einheit" not in quelle else \
        quelle.dropna(subset=["einheit"]).drop_duplicates("indikator").set_index("indikator")["einheit"].to_dict()
    frame = pd.DataFrame({
        "indikator": ind["indikator"].to_numpy(), "label": [indikator_label(i) for i in ind["indikator"]],
        "einheit": [str(einheit.get(i, "")) for i in ind["indikator"]],
        "richtung": ind["richtung"].fillna("").astype(str).to_numpy(), "wert": ind["wert"].to_numpy(dtype=float),
        "kreiswert": kreiswert.reindex(ind["indikator"]).to_numpy(dtype=float), "klasse": "", "hinweis": "",
    })
    frame["abweichung"] = frame["wert"] - frame["kreiswert"]
    # In % of the Kreis value, as the Eckwerte: no base for a percentage where it is 0 (or below).
    kreis_basis = frame["kreiswert"].where(frame["kreiswert"] > 0)
    frame["abweichung_prozent"] = (frame["wert"] / kreis_basis - 1) * 100
    index = engine.bedarfsindex(ebene, jahr) if ebene != "kreis" else None
    if index is not None:
        row = index[index["area"] == raum_id]
        wert = float(row["bedarfsindex"].iloc[0]) if len(row) else math.nan
        klasse, hinweis = "", ""
        if not math.isnan(wert):
            k = row["klasse"].iloc[0]
            klasse = str(row["klasse_label"].iloc[0]) if engine.optionen.klassen == "sd" else f"{int(k)}. Quartil"
        elif math.isnan(einwohner := _einwohner(engine, ebene, raum_id, jahr)):
            hinweis = "kein Bedarfsindex: Einwohnerzahl unbekannt"
        elif einwohner < MIN_EINWOHNER:
            hinweis = f"kein Bedarfsindex: weniger als {MIN_EINWOHNER} Einwohner"
        else:
            hinweis = "kein Bedarfsindex: Indikatoren unvollständig"
        info = describe("bedarfsindex")
        frame.loc[len(frame)] = {"indikator": "bedarfsindex", "label": info.label, "einheit": info.einheit,
                                 "richtung": "hoch", "wert": wert, "kreiswert": math.nan, "abweichung": math.nan,
                                 "abweichung_prozent": math.nan, "klasse": klasse, "hinweis": hinweis}
    return frame[columns].round(_STELLEN)


def _einwohner(engine: Engine, ebene: str, raum_id: str, jahr: int) -> float:
    """All inhabitants, as the Bedarfsindex counts them (no population table or year: no limit)."""
    table = engine.table(ebene)
    if "bevoelkerung_gesamt" not in table or jahr not in engine.jahre:
        return math.inf
    return float(table.loc[(jahr, raum_id, "gesamt"), "bevoelkerung_gesamt"])


def _im_gebiet(engine: Engine, ebene: str, raum_id: str, frame: pd.DataFrame, jahr: int | None = None) -> np.ndarray:
    """Rows of ``frame`` that lie in the area, by the assignment valid in each row's year (or ``jahr``)."""
    ids = frame["raum_id"].astype(str)
    if ebene == "kreis":
        return np.ones(len(frame), dtype=bool)
    if ebene == "planungsraum":
        return (ids == raum_id).to_numpy()
    years = frame["jahr"].astype(int) if jahr is None else pd.Series(jahr, index=frame.index)
    # Data that arrives at Sozialraum level already carries the Sozialraum's id (as in the engine).
    return np.array([s == raum_id for s in engine.dataset.sozialraum_von(years, ids)], dtype=bool)


def _bevoelkerung(engine: Engine, ebene: str, raum_id: str) -> pd.DataFrame:
    columns = ["jahr", "altersgruppe", "einwohner"]
    bev = engine.dataset.tables.get("bevoelkerung")
    if bev is None or not len(bev):
        return pd.DataFrame(columns=columns)
    bev = bev.dropna(subset=["jahr", "raum_id", "alter_von"])
    bev = bev[_im_gebiet(engine, ebene, raum_id, bev)]
    if not len(bev):
        return pd.DataFrame(columns=columns)
    von = bev["alter_von"].to_numpy(dtype=float)
    bis = bev["alter_bis"].to_numpy(dtype=float, na_value=np.nan)
    oben = np.where(np.isnan(bis), np.inf, bis)
    grenzen = set(von) | set(bis[~np.isnan(bis)])
    schnitte = []
    for wahl in ALTERSGRENZEN:
        # A cut point is usable where some group ends there and no group straddles it.
        schnitt = next((c for c in wahl if c in grenzen and not ((von < c) & (oben > c)).any()), None)
        if schnitt is not None:
            schnitte.append(schnitt)
    kanten = [int(von.min()), *schnitte, None if np.isinf(oben.max()) else int(oben.max())]
    labels = [f"{lo} und älter" if hi is None else f"{lo} bis unter {hi}" for lo, hi in zip(kanten, kanten[1:])]
    if kanten == [0, None]:  # a population given only in total ("insgesamt"), without age groups
        labels = [INSGESAMT]
    band = np.searchsorted(np.array(schnitte, dtype=float), von, side="right")
    rows = pd.DataFrame({"jahr": bev["jahr"].astype(int).to_numpy(),
                         "altersgruppe": pd.Categorical.from_codes(band, categories=labels, ordered=True),
                         "anzahl": bev["anzahl"].to_numpy(dtype=float, na_value=np.nan)})
    grouped = rows.groupby(["jahr", "altersgruppe"], observed=True)["anzahl"]
    # A band with an unknown count inside has no total.
    einwohner = grouped.sum().where(grouped.count() == grouped.size())
    return einwohner.rename("einwohner").reset_index()[columns]


def _angebote(engine: Engine, ebene: str, raum_id: str, jahr: int, namen: dict[str, str]) -> pd.DataFrame:
    columns = [c.name for c in TABLES["angebote"].columns]
    angebote = engine.dataset.tables.get("angebote")
    if angebote is None or not len(angebote):
        return pd.DataFrame(columns=[*columns, "raum_name"])
    frame = angebote.reindex(columns=columns)
    frame = frame[frame["raum_id"].notna()]
    seit, bis = pd.to_datetime(frame["seit"]), pd.to_datetime(frame["bis"])
    besteht = (seit.isna() | (seit <= pd.Timestamp(jahr, 12, 31))) & (bis.isna() | (bis >= pd.Timestamp(jahr, 1, 1)))
    frame = frame[besteht.to_numpy() & _im_gebiet(engine, ebene, raum_id, frame, jahr)]
    frame = frame.assign(raum_id=frame["raum_id"].astype(str))
    frame["raum_name"] = [namen.get(i, i) for i in frame["raum_id"]]
    return frame.sort_values(["typ", "name"]).reset_index(drop=True)


# --- notes where a chart would stay empty ---------------------------------------------------
def junge_altersgruppen(bevoelkerung: pd.DataFrame) -> pd.DataFrame:
    """The rows of the age chart: the closed age bands (the open top band and "insgesamt" are no
    young people); empty when none of them has a count."""
    if not len(bevoelkerung):
        return bevoelkerung
    gruppe = bevoelkerung["altersgruppe"].astype(str)
    junge = bevoelkerung[~gruppe.str.endswith("und älter") & (gruppe != INSGESAMT)]
    return junge if junge["einwohner"].notna().any() else junge.iloc[:0]


def _bevoelkerung_hinweis(engine: Engine, bev: pd.DataFrame, jahr: int) -> tuple[int, str]:
    """The year of the population figures shown (total of the area) and the note of the age chart:
    what is missing where it would be empty, which years it shows where ``jahr`` has no ages."""
    if not engine.dataset.has("bevoelkerung"):
        return jahr, "Keine Bevölkerung nach Alter: die Tabelle der Einwohner fehlt."
    if not len(bev):
        return jahr, "Keine Bevölkerung nach Alter: für dieses Gebiet gibt es keine Einwohnerzahlen."
    mit_wert = sorted(int(j) for j in bev.loc[bev["einwohner"].notna(), "jahr"].unique())
    gezeigt, _ = gezeigtes_jahr(mit_wert, jahr, "Einwohnerzahlen")
    junge = junge_altersgruppen(bev)
    if not len(junge):
        if list(bev["altersgruppe"].cat.categories) == [INSGESAMT]:
            return gezeigt, "Keine Altersgruppen: die Bevölkerung liegt nur insgesamt vor."
        return gezeigt, "Keine Bevölkerung nach Alter: die Einwohnerzahlen der Altersgruppen sind für dieses Gebiet unbekannt."
    jahre = sorted(int(j) for j in junge.loc[junge["einwohner"].notna(), "jahr"].unique())
    if jahr not in jahre:
        return gezeigt, f"Für {jahr} gibt es keine Bevölkerung nach Alter; das Diagramm zeigt {jahre_text(jahre)}."
    return gezeigt, ""


def _eckwert_hinweis(engine: Engine, hilfen: pd.DataFrame, jahr: int) -> str:
    """Why the Eckwert chart of the helps is missing (empty when it has values)."""
    if hilfen["eckwert"].notna().any():
        return ""
    bev = engine.dataset.tables.get("bevoelkerung")
    einwohner = f"Einwohner {_NENNER[engine.optionen.nenner][1]}".rstrip()
    if bev is None or not len(bev):
        return "Keine Eckwerte: es fehlt die Bevölkerung."
    if nur_insgesamt(bev):
        return "Keine Eckwerte: die Bevölkerung liegt nur insgesamt vor, ohne Altersgruppen."
    if not (pd.to_numeric(bev["jahr"], errors="coerce") == jahr).any():
        return f"Keine Eckwerte: für {jahr} gibt es keine Bevölkerung nach Alter."
    if engine.oeffentlich:
        return (f"Keine Eckwerte: in der öffentlichen Ansicht gesperrt ({GESPERRT}), weil die Fallzahlen zu klein "
                f"sind oder weniger als {MIN_JUNGE_MENSCHEN} junge Menschen im Gebiet leben.")
    if hilfen["inanspruchnahme"].isna().all():
        return f"Keine Eckwerte: für {jahr} gibt es in diesem Gebiet keine Fallzahlen."
    return f"Keine Eckwerte: für {jahr} ist die Zahl der {einwohner} in diesem Gebiet unbekannt."


# --- the summary ----------------------------------------------------------------------
def aussagen(hilfen: pd.DataFrame, indikatoren: pd.DataFrame, jahr: int, optionen: Optionen | None = None,
             schwelle: float = 0.2, max_aussagen: int = 5, *, jahr_hilfen: int | None = None,
             jahr_indikatoren: int | None = None) -> tuple[Aussage, ...]:
    """The summary of the helps from a Steckbrief's ``hilfen`` and ``indikatoren`` tables (rules: :func:`steckbrief`).

    ``jahr`` is the chosen year, ``jahr_hilfen`` and ``jahr_indikatoren`` the years the two tables
    show (default ``jahr``); a sentence on a table of another year names it ("Stand 2020").
    """
    return _zusammenfassung(hilfen, indikatoren, jahr, optionen, schwelle, max_aussagen, jahr_hilfen, jahr_indikatoren)[0]


def aussagen_sozialstruktur(hilfen: pd.DataFrame, indikatoren: pd.DataFrame, jahr: int,
                            optionen: Optionen | None = None, schwelle: float = 0.2, max_aussagen: int = 5, *,
                            jahr_hilfen: int | None = None, jahr_indikatoren: int | None = None) -> tuple[Aussage, ...]:
    """The sentences on the social indicators, in the pattern of the Eckwerte.

    Each indicator whose deviation from the Kreis value is at least ``schwelle`` (in % of the
    Kreis value, column ``abweichung_prozent``), largest first, at most ``max_aussagen``:
    "Der Indikator „SGB-II-Quote“ liegt 25 % über dem Kreiswert (12,5 % gegenüber 10,0 %)."
    Where none deviates that much, or none has a Kreis value, one sentence says so, unless the
    summary of the helps has already said it of all figures of the same year. No indicator rows:
    no sentence.
    """
    return _zusammenfassung(hilfen, indikatoren, jahr, optionen, schwelle, max_aussagen, jahr_hilfen, jahr_indikatoren)[1]


def _zusammenfassung(hilfen: pd.DataFrame, indikatoren: pd.DataFrame, jahr: int, optionen: Optionen | None,
                     schwelle: float, max_aussagen: int, jahr_hilfen: int | None,
                     jahr_indikatoren: int | None) -> tuple[tuple[Aussage, ...], tuple[Aussage, ...]]:
    """Both kinds of sentences: a sentence on one kind never speaks for the other when that one says otherwise."""
    optionen = optionen or Optionen()
    jahr_h = jahr if jahr_hilfen is None else jahr_hilfen
    jahr_i = jahr if jahr_indikatoren is None else jahr_indikatoren
    schwelle_text = format_number(schwelle * 100, 0 if float(schwelle * 100).is_integer() else 1)
    kandidaten, verglichen = _vergleiche(hilfen, optionen, schwelle, _stand(jahr_h, jahr))
    ind_kandidaten, ind_verglichen, ind_vorhanden = _indikator_vergleiche(indikatoren, schwelle, _stand(jahr_i, jahr))
    # Largest deviation first; ties keep Eckwert before Ausgaben and the order of the groups (indicators: by id).
    saetze = sorted(kandidaten, key=lambda a: -abs(a.abweichung_prozent))[:max_aussagen]
    sozial = sorted(ind_kandidaten, key=lambda a: -abs(a.abweichung_prozent))[:max_aussagen]
    # One sentence may speak for all figures only where the indicators (if any) are of the same year
    # and have the same to say; else each kind says its own.
    gleich = not ind_vorhanden or jahr_i == jahr_h
    fuer_alle = False
    if not saetze:
        if verglichen:
            fuer_alle = gleich and (not ind_vorhanden or (ind_verglichen and not ind_kandidaten))
            text = (f"Keine der Kennzahlen weicht um {schwelle_text} % oder mehr vom Kreiswert ab." if fuer_alle else
                    f"Bei den Hilfen weicht keine Kennzahl um {schwelle_text} % oder mehr vom Kreiswert ab.")
        else:
            fuer_alle = gleich and (not ind_vorhanden or not ind_verglichen)
            text = (f"Für {jahr_h} lässt sich keine Kennzahl mit dem Kreiswert vergleichen." if fuer_alle else
                    f"Für {jahr_h} lässt sich bei den Hilfen keine Kennzahl mit dem Kreiswert vergleichen.")
        saetze.append(Aussage(text, "abweichung_kreis_prozent", None, math.nan, math.nan, math.nan, "hilfen"))
    if ind_vorhanden and not sozial and not fuer_alle:
        text = (f"Keiner der Sozialstrukturindikatoren weicht um {schwelle_text} % oder mehr vom Kreiswert ab"
                if ind_verglichen else
                f"Für {jahr_i} lässt sich keiner der Sozialstrukturindikatoren mit dem Kreiswert vergleichen")
        text += f" (Stand {jahr_i})." if ind_verglichen and jahr_i != jahr else "."
        sozial.append(Aussage(text, "abweichung_kreis_prozent", None, math.nan, math.nan, math.nan, "indikatoren"))
    saetze += _trend(hilfen, optionen, jahr_h) + _bedarf(indikatoren, _stand(jahr_i, jahr))
    return tuple(saetze), tuple(sozial)


def _stand(jahr_teil: int, jahr: int) -> str:
    """``; Stand 2020`` for figures of another year than the chosen one (empty for the same year)."""
    return "" if jahr_teil == jahr else f"; Stand {jahr_teil}"


def format_indikator(wert: float) -> str:
    """A social indicator's value as table and sentence write it: two decimals below 10, else one.

    >>> format_indikator(0.283), format_indikator(12.857), format_indikator(float("nan"))
    ('0,28', '12,9', '–')
    """
    if wert is None or math.isnan(wert):
        return format_number(wert, 1)
    return format_number(wert, 2 if abs(wert) < 10 else 1)


# Units written after each number ("12,5 %"); other units once at the end, "Index" and "z-Wert" not at all.
_EINHEIT_JE_ZAHL = ("%", "‰", "m²", "€", "EUR")
_OHNE_EINHEIT = ("", "Index", "z-Wert", "laut Datei", "nan")


def _indikator_vergleiche(indikatoren: pd.DataFrame, schwelle: float, stand: str) -> tuple[list[Aussage], bool, bool]:
    """Sentences on the indicators at least ``schwelle`` off the Kreis; whether any could be compared; whether any exists."""
    rows = indikatoren[indikatoren["indikator"] != "bedarfsindex"]
    kandidaten, verglichen = [], False
    for row in rows.to_dict("records"):
        wert, kreis, abweichung = row["wert"], row["kreiswert"], row.get("abweichung_prozent", math.nan)
        if any(math.isnan(v) for v in (wert, kreis, abweichung)) or kreis <= 0:
            continue
        verglichen = True
        if abweichung == 0 or abs(abweichung) < schwelle * 100 - 1e-9:
            continue
        einheit = str(row["einheit"]).strip()
        if einheit in _EINHEIT_JE_ZAHL:
            werte = f"{format_indikator(wert)} {einheit} gegenüber {format_indikator(kreis)} {einheit}"
        elif einheit in _OHNE_EINHEIT:
            werte = f"{format_indikator(wert)} gegenüber {format_indikator(kreis)}"
        else:
            werte = f"{format_indikator(wert)} gegenüber {format_indikator(kreis)} {einheit}"
        text = (f"Der Indikator „{row['label']}“ liegt {_prozent(abweichung)} % "
                f"{'über' if abweichung > 0 else 'unter'} dem Kreiswert ({werte}{stand}).")
        kandidaten.append(Aussage(text, str(row["indikator"]), None, wert, kreis, abweichung, "indikatoren",
                                  ("abweichung_prozent", "wert", "kreiswert")))
    return kandidaten, verglichen, bool(len(rows))


def _prozent(value: float) -> str:
    return format_number(abs(value), 0)


def _eckwert_einheit(optionen: Optionen) -> str:
    return f"je {format_number(optionen.skala)} {_NENNER[optionen.nenner][0]}"


def _vergleiche(hilfen: pd.DataFrame, optionen: Optionen, schwelle: float, stand: str = "") -> tuple[list[Aussage], bool]:
    """Sentences on the figures at least ``schwelle`` off the Kreis, and whether any figure could be compared."""
    eck_stellen, euro_stellen = describe(optionen.eckwert).dezimalen, describe(optionen.ausgaben_je).dezimalen
    euro_einheit = f"je Einwohner {_NENNER[optionen.ausgaben_nenner][1]}".rstrip()
    kandidaten, verglichen = [], False
    for spalte, kennzahl in (("eckwert", optionen.eckwert), ("ausgaben_je_jugendeinwohner", optionen.ausgaben_je)):
        for row in hilfen.to_dict("records"):
            wert, kreis, abweichung = row[spalte], row[f"{spalte}_kreis"], row[f"{spalte}_abweichung_prozent"]
            if any(math.isnan(v) for v in (wert, kreis, abweichung)) or kreis <= 0:
                continue
            verglichen = True
            if abweichung == 0 or abs(abweichung) < schwelle * 100 - 1e-9:
                continue
            lage = f"{_prozent(abweichung)} % {'über' if abweichung > 0 else 'unter'} dem Kreiswert"
            h = row["hilfeart"]
            if spalte == "eckwert":
                text = (f"Die Inanspruchnahme {_INANSPRUCHNAHME_VON[h]} liegt {lage} (Eckwert {format_number(wert, eck_stellen)} "
                        f"gegenüber {format_number(kreis, eck_stellen)} {_eckwert_einheit(optionen)}{stand}).")
            else:
                text = (f"Die Ausgaben je Jugendeinwohner für {_AUSGABEN_FUER[h]} liegen {lage} "
                        f"({format_euro(wert, euro_stellen)} gegenüber {format_euro(kreis, euro_stellen)} {euro_einheit}"
                        f"{stand}).")
            kandidaten.append(Aussage(text, kennzahl, h, wert, kreis, abweichung, "hilfen",
                                      (f"{spalte}_abweichung_prozent", spalte, f"{spalte}_kreis")))
    return kandidaten, verglichen


def _trend(hilfen: pd.DataFrame, optionen: Optionen, jahr: int) -> list[Aussage]:
    """The change of the total Eckwert to the previous year (none without a previous value > 0)."""
    gesamt = hilfen.set_index("hilfeart").loc["gesamt"]
    veraenderung, vorjahr, wert = (float(gesamt[c]) for c in ("eckwert_veraenderung_prozent", "eckwert_vorjahr", "eckwert"))
    if any(math.isnan(v) for v in (veraenderung, vorjahr, wert)):
        return []
    stellen = describe(optionen.eckwert).dezimalen
    spalten = ("eckwert_veraenderung_prozent", "eckwert_vorjahr", "eckwert")
    if _prozent(veraenderung) == "0":
        richtung, spalten = "etwa gleich geblieben", spalten[1:]
    else:
        richtung = f"um {_prozent(veraenderung)} % {'gestiegen' if veraenderung > 0 else 'gesunken'}"
    text = (f"Der Eckwert der Hilfen gesamt ist gegenüber {jahr - 1} {richtung} (von {format_number(vorjahr, stellen)} "
            f"auf {format_number(wert, stellen)} {_eckwert_einheit(optionen)}).")
    return [Aussage(text, f"{optionen.eckwert}_vorjahr_prozent", "gesamt", wert, math.nan, veraenderung, "hilfen", spalten)]


def _bedarf(indikatoren: pd.DataFrame, stand: str = "") -> list[Aussage]:
    """The Bedarfsindex and its class, where the area has one."""
    index = indikatoren[indikatoren["indikator"] == "bedarfsindex"]
    if not len(index) or math.isnan(index["wert"].iloc[0]):
        return []
    wert, klasse = float(index["wert"].iloc[0]), index["klasse"].iloc[0]
    text = f"Der Bedarfsindex liegt mit {format_number(wert, describe('bedarfsindex').dezimalen)} in der Klasse „{klasse}“"
    text += f" ({stand.removeprefix('; ')})." if stand else "."
    return [Aussage(text, "bedarfsindex", None, wert, math.nan, math.nan, "indikatoren", ("wert",))]
