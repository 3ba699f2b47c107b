"""Fallstruktur: who the helps of a year reach and how they end, per area and help group.

From the case file (when it has the columns; aggregated Fallzahlen have none of them):

- **Alter bei Hilfebeginn** in the age groups of the AKJStat (unter 3, 3 bis unter 6, 6 bis unter 10,
  10 bis unter 14, 14 bis unter 18, 18 bis unter 21, 21 und älter). The column ``alter`` is the age at
  the start; without it the age is the year of Beginn minus the Geburtsjahr, i.e. the age the young
  person reaches in the year the help starts (with only the birth year nothing finer is known).
- **Geschlecht**: männlich, weiblich, divers.
- **Hauptgrund für die Hilfegewährung** in the categories of the Destatis statistics of the
  erzieherischen Hilfen; a text that names none of them is kept as its own category (never dropped).
- **Grund der Beendigung** as Destatis groups it: gemäß Hilfeplan, abweichend vom Hilfeplan (Abbruch:
  by the parents, the young person or the provider), sonstige Gründe (adoption, handed to another
  Jugendamt, other).
- **Fälle und junge Menschen**: with a person id, the number of different young people among the
  helps (one person with two helps is two Fälle and one junger Mensch).

Which helps are counted (:data:`BASEN`): Destatis reports the reasons and the age at start for the
helps *begun* in the year, the ending for the helps *ended* in the year. The dashboard's own count is the
Inanspruchnahme (Hilfen insgesamt = am 31.12. andauernde + im Jahr beendete); the public view shows the
structure only of these (begun or ended helps per Sozialraum would tie the counts of different years
together, see :mod:`oeffentlich`), the planning view also of the begun ones. Counted are the helps of
"gesamt" (§§ 27.2–35, 35a, 41); Inobhutnahmen and Gefährdungseinschätzungen are no helps.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import hilfearten
from .counting import calendar_year, classify, combine_codes
from .dialect import fold

OHNE_ANGABE = "ohne Angabe"
# The public view's merged categories: a free text may name a person, and a category of a handful of helps
# per Sozialraum would withhold the others with it.
ANDERE_ANGABE = "andere oder ohne Angabe"  # Hauptgrund: no official category, or none given
SONSTIGE_OEFFENTLICH = "sonstige Gründe oder ohne Angabe"  # Beendigung

# AKJStat's age groups (also the demo's population groups): [von, bis) in completed years.
ALTERSGRUPPEN: tuple[tuple[str, int, int | None], ...] = (
    ("unter 3", 0, 3), ("3 bis unter 6", 3, 6), ("6 bis unter 10", 6, 10), ("10 bis unter 14", 10, 14),
    ("14 bis unter 18", 14, 18), ("18 bis unter 21", 18, 21), ("21 und älter", 21, None))
GESCHLECHTER = ("männlich", "weiblich", "divers")
# Destatis, Statistik der erzieherischen Hilfen, Merkmal "Gründe für die Hilfegewährung" (Hauptgrund).
HAUPTGRUENDE = (
    "Unversorgtheit des jungen Menschen",
    "Unzureichende Förderung/Betreuung/Versorgung in der Familie",
    "Gefährdung des Kindeswohls",
    "Eingeschränkte Erziehungskompetenz der Eltern",
    "Belastungen durch Problemlagen der Eltern",
    "Belastungen durch familiäre Konflikte",
    "Auffälligkeiten im sozialen Verhalten",
    "Entwicklungsauffälligkeiten/seelische Probleme",
    "Schulische/berufliche Probleme",
    "Übernahme von einem anderen Jugendamt",
)
GEMAESS, ABWEICHEND, SONSTIGE = "gemäß Hilfeplan", "abweichend vom Hilfeplan (Abbruch)", "sonstige Gründe"
BEENDIGUNGEN = (GEMAESS, ABWEICHEND, SONSTIGE)
# Short names for slide columns (a table at 14 pt, the title says "Anteile in %"); tables and page use the full ones.
KURZNAMEN = dict(zip(HAUPTGRUENDE, ("Unversorgt", "Förderung", "Kindeswohl", "Erziehungskompetenz",
                                    "Problemlagen Eltern", "Familienkonflikte", "Sozialverhalten", "Entwicklung/Seele",
                                    "Schule/Beruf", "Übernahme"))) | {
    "3 bis unter 6": "3–6", "6 bis unter 10": "6–10", "10 bis unter 14": "10–14", "14 bis unter 18": "14–18",
    "18 bis unter 21": "18–21", "21 und älter": "21+", GEMAESS: "gemäß Hilfeplan", ABWEICHEND: "Abbruch",
    SONSTIGE: "sonstige", ANDERE_ANGABE: "andere/o. A.", SONSTIGE_OEFFENTLICH: "sonstige/o. A.", OHNE_ANGABE: "o. A."}

# Which helps a structure is about.
BEGONNEN, INANSPRUCHNAHME, BEENDET = "begonnen", "inanspruchnahme", "beendet"
BASEN = {BEGONNEN: "im Jahr begonnene Hilfen",
         INANSPRUCHNAHME: "Hilfen insgesamt (am 31.12. andauernde und im Jahr beendete Hilfen)",
         BEENDET: "im Jahr beendete Hilfen"}
# The help groups the public view shows a structure for (the main ones; all figures of every group are
# still known to its protection).
OEFFENTLICHE_GRUPPEN = ("gesamt", "hze", "ambulant", "teilstationaer", "stationaer", "§35a")


# --- reading the columns --------------------------------------------------------------------
def altersgruppe(alter: float | None) -> str:
    """The AKJStat age group of an age in completed years.

    >>> altersgruppe(2), altersgruppe(14), altersgruppe(23), altersgruppe(None)
    ('unter 3', '14 bis unter 18', '21 und älter', 'ohne Angabe')
    """
    if alter is None or pd.isna(alter) or alter < 0:
        return OHNE_ANGABE
    return next(name for name, von, bis in ALTERSGRUPPEN if von <= alter and (bis is None or alter < bis))


def geschlecht(text: object) -> str:
    """``m``/``w``/``d`` and the usual spellings; anything else ``ohne Angabe``.

    >>> geschlecht("w"), geschlecht("Männlich"), geschlecht("divers"), geschlecht("?")
    ('weiblich', 'männlich', 'divers', 'ohne Angabe')
    """
    f = fold(str(text)) if isinstance(text, str) else ""
    if f in ("m", "maennlich", "male", "mann", "junge", "1"):
        return "männlich"
    if f in ("w", "weiblich", "f", "female", "frau", "maedchen", "2"):
        return "weiblich"
    if f in ("d", "divers", "x", "inter", "diverse", "3"):
        return "divers"
    return OHNE_ANGABE


# Key words of the official categories, first match wins (the order matters: "Unversorgtheit"
# before "Versorgung", "Übernahme von einem anderen Jugendamt" before everything).
_GRUND_WORTE: tuple[tuple[tuple[str, ...], str], ...] = (
    (("uebernahme", "zustaendigkeitswechsel", "anderen jugendamt"), HAUPTGRUENDE[9]),
    (("unversorg",), HAUPTGRUENDE[0]),
    (("unzureichend", "foerderung", "versorgung"), HAUPTGRUENDE[1]),
    (("gefaehrdung", "kindeswohl"), HAUPTGRUENDE[2]),
    (("erziehungskompetenz", "erziehungsunsicherheit"), HAUPTGRUENDE[3]),
    (("problemlage",), HAUPTGRUENDE[4]),
    (("konflikt",), HAUPTGRUENDE[5]),
    (("sozialen verhalten", "sozialverhalten", "dissozial"), HAUPTGRUENDE[6]),
    (("entwicklungsauffaellig", "seelisch"), HAUPTGRUENDE[7]),
    (("schulisch", "berufliche", "schule", "ausbildung"), HAUPTGRUENDE[8]),
)


def hauptgrund(text: object) -> tuple[str, bool]:
    """The official category of a Hauptgrund as files write it, and whether it is one.

    A text naming no official category stays its own category (whitespace tidied).

    >>> hauptgrund("Gefährdung des Kindeswohls (Vernachlässigung)")
    ('Gefährdung des Kindeswohls', True)
    >>> hauptgrund("Belastungen des jungen Menschen durch familiäre Konflikte")
    ('Belastungen durch familiäre Konflikte', True)
    >>> hauptgrund("Trennung  der Eltern")
    ('Trennung der Eltern', False)
    >>> hauptgrund("")
    ('ohne Angabe', True)
    """
    original = re.sub(r"\s+", " ", str(text)).strip() if isinstance(text, str) else ""
    if not original:
        return OHNE_ANGABE, True
    f = fold(original)
    for worte, kategorie in _GRUND_WORTE:
        if any(w in f for w in worte):
            return kategorie, True
    return original, False


_ABWEICHEND = ("abweichend", "abbruch", "abgebrochen", "vorzeitig", "nicht gemaess", "entgegen", "ohne einvernehmen")
_GEMAESS = ("gemaess", "hilfeplan", "beratungsziel", "planmaessig", "regulaer", "ziel erreicht", "ziele erreicht")
_SONSTIGE = ("adoption", "zustaendigkeit", "abgabe", "anderes jugendamt", "anderen jugendamt", "umzug", "sonstig",
             "verstorben", "tod", "altersgrenze")


def beendigung(text: object) -> tuple[str, bool]:
    """Destatis' grouping of a Grund der Beendigung, and whether the text was recognised
    (an unrecognised text counts as ``sonstige Gründe``).

    >>> beendigung("Beendigung gemäß Hilfeplan/Beratungszielen")
    ('gemäß Hilfeplan', True)
    >>> beendigung("Beendigung abweichend vom Hilfeplan durch den Minderjährigen")
    ('abweichend vom Hilfeplan (Abbruch)', True)
    >>> beendigung("Abgabe an ein anderes Jugendamt wegen Zuständigkeitswechsel")
    ('sonstige Gründe', True)
    >>> beendigung("Urlaub")
    ('sonstige Gründe', False)
    """
    f = fold(str(text)) if isinstance(text, str) else ""
    if not f:
        return OHNE_ANGABE, True
    if any(w in f for w in _ABWEICHEND):
        return ABWEICHEND, True
    if any(w in f for w in _SONSTIGE):
        return SONSTIGE, True
    if any(w in f for w in _GEMAESS):
        return GEMAESS, True
    return SONSTIGE, False


@dataclass(frozen=True)
class Merkmal:
    """One feature of the case structure: its column(s), label, official categories and default basis."""

    id: str
    label: str
    spalten: tuple[str, ...]  # any of these columns gives the feature
    amtlich: tuple[str, ...]  # the official categories, in their order
    basis: str  # the helps it is reported for by default (planning view)
    basen: tuple[str, ...]  # the helps it may be reported for


MERKMALE: dict[str, Merkmal] = {m.id: m for m in (
    Merkmal("alter", "Alter bei Hilfebeginn", ("alter", "geburtsjahr"), tuple(a for a, _, _ in ALTERSGRUPPEN),
            BEGONNEN, (BEGONNEN, INANSPRUCHNAHME)),
    Merkmal("geschlecht", "Geschlecht", ("geschlecht",), GESCHLECHTER, BEGONNEN, (BEGONNEN, INANSPRUCHNAHME)),
    Merkmal("hauptgrund", "Hauptgrund der Hilfe", ("hauptgrund",), HAUPTGRUENDE, BEGONNEN, (BEGONNEN, INANSPRUCHNAHME)),
    Merkmal("beendigung", "Grund der Beendigung", ("beendigungsgrund",), BEENDIGUNGEN, BEENDET, (BEENDET,)),
)}
SPALTEN_TEXT = {"alter": "Alter oder Geburtsjahr", "geschlecht": "Geschlecht", "hauptgrund": "Hauptgrund",
                "beendigung": "Beendigungsgrund", "person_id": "Personen-ID"}


def kategorie_spalte(frame: pd.DataFrame, merkmal: str) -> tuple[np.ndarray, list[str], list[str]] | None:
    """The rows' categories of one feature as codes (−1: not applicable) and their labels; also the
    texts that named no official category (for the check report). None without the column."""
    if merkmal == "alter":
        if not {"alter", "geburtsjahr"} & set(frame.columns):
            return None
        alter = pd.to_numeric(frame["alter"], errors="coerce").to_numpy(dtype=float) if "alter" in frame \
            else np.full(len(frame), np.nan)
        if "geburtsjahr" in frame:
            geboren = pd.to_numeric(frame["geburtsjahr"], errors="coerce").to_numpy(dtype=float)
            start = calendar_year(frame["beginn"]).astype(float)
            alter = np.where(np.isnan(alter), start - geboren, alter)
        labels = [name for name, _, _ in ALTERSGRUPPEN] + [OHNE_ANGABE]
        grenzen = np.array([von for _, von, _ in ALTERSGRUPPEN][1:], dtype=float)
        codes = np.where(np.isnan(alter) | (alter < 0), len(ALTERSGRUPPEN),
                         np.searchsorted(grenzen, np.nan_to_num(alter), side="right"))
        return codes.astype(np.int64), labels, []
    spalte = MERKMALE[merkmal].spalten[0]
    if spalte not in frame:
        return None
    werte, distinct = pd.factorize(frame[spalte].astype(object), use_na_sentinel=True)
    lesen: Callable[[object], tuple[str, bool]] = {
        "geschlecht": lambda t: (geschlecht(t), True), "hauptgrund": hauptgrund, "beendigung": beendigung}[merkmal]
    gelesen = [lesen(v) for v in distinct]
    fremd = sorted({str(v).strip() for v, (_, erkannt) in zip(distinct, gelesen) if not erkannt})
    labels = list(dict.fromkeys([*MERKMALE[merkmal].amtlich, *(k for k, _ in gelesen), OHNE_ANGABE]))
    position = {k: i for i, k in enumerate(labels)}
    lookup = np.array([position[k] for k, _ in gelesen] + [position[OHNE_ANGABE]], dtype=np.int64)
    return lookup[werte], labels, fremd


# --- the cases behind the structure ---------------------------------------------------------
@dataclass(frozen=True)
class Strukturfaelle:
    """The helps of the case file reduced to what the structure needs, once per dataset.

    Arrays are aligned per help: calendar years of Beginn and Ende (10,000: open), Planungsraum, help
    combination (code × setting group × bereich) and per feature a category code; ``personen``: a code
    per young person (a row without id is a person of its own), None without the column.
    """

    start: np.ndarray
    ende: np.ndarray
    raum: np.ndarray
    raum_ids: list[str]
    combo: np.ndarray
    combos: pd.DataFrame  # code, setting, bereich per combination
    kategorien: dict[str, tuple[np.ndarray, list[str]]]
    personen: np.ndarray | None
    fremde_texte: dict[str, list[str]]

    def maske(self, basis: str, jahr: int) -> np.ndarray:
        """The helps a structure of ``jahr`` counts: begun, ended, or the Hilfen insgesamt."""
        if basis == BEGONNEN:
            return self.start == jahr
        if basis == BEENDET:
            return self.ende == jahr
        return (self.start <= jahr) & (self.ende >= jahr)  # andauernd am 31.12. (ende > jahr) or beendet

    def mitglieder(self, gruppen: list[str]) -> np.ndarray:
        """combinations × groups: 1 where a combination counts in a help group."""
        frame = self.combos
        out = np.zeros((len(frame), len(gruppen)))
        for k, gruppe in enumerate(gruppen):
            if len(frame):
                out[:, k] = hilfearten.HILFEGRUPPEN_BY_ID[gruppe].mask(
                    frame["code"], frame["bereich"], frame["setting"]).to_numpy()
        return out


def strukturfaelle(faelle: pd.DataFrame) -> Strukturfaelle:
    """:class:`Strukturfaelle` from case rows (the readers' frame or the store's rows)."""
    rows = faelle[faelle["hilfeart"].notna() & faelle["beginn"].notna() & faelle["raum_id"].notna()]
    if "setting_gruppe" not in rows:
        rows = classify(rows)
    # Helps only: Inobhutnahmen and Gefährdungseinschätzungen have no reason or ending of this statistic.
    rows = rows[rows["bereich"].isin([hilfearten.HZE, hilfearten.EINGLIEDERUNGSHILFE])].reset_index(drop=True)
    # The kinds of help (code × setting group × bereich) and the areas from their categorical codes: no
    # hashing of a million strings.
    spalten = [rows[c].astype("category") for c in ("hilfeart", "setting_gruppe", "bereich")]
    combo, je_spalte = combine_codes([c.cat.codes.to_numpy().astype(np.int64) for c in spalten],
                                     [len(c.cat.categories) for c in spalten])
    combos = pd.DataFrame({name: np.array([*c.cat.categories, None], dtype=object)[codes]
                           for name, c, codes in zip(("code", "setting", "bereich"), spalten, je_spalte)})
    raeume = rows["raum_id"].astype(str).astype("category") if not isinstance(rows["raum_id"].dtype, pd.CategoricalDtype) \
        else rows["raum_id"].cat.remove_unused_categories()
    raum, raum_ids = raeume.cat.codes.to_numpy(), [str(r) for r in raeume.cat.categories]
    kategorien, fremd = {}, {}
    for merkmal in MERKMALE:
        gelesen = kategorie_spalte(rows, merkmal)
        if gelesen is None:
            continue
        codes, labels, texte = gelesen
        if merkmal != "beendigung" and (codes == labels.index(OHNE_ANGABE)).all():
            continue  # a column nobody filled
        if merkmal == "beendigung":
            ended = rows["ende"].notna().to_numpy() if "ende" in rows else np.zeros(len(rows), dtype=bool)
            if not ended.any() or (codes[ended] == labels.index(OHNE_ANGABE)).all():
                continue
        kategorien[merkmal] = (codes, labels)
        if texte:
            fremd[merkmal] = texte
    personen = None
    if "person_id" in rows and rows["person_id"].notna().any():
        codes, _ = pd.factorize(rows["person_id"].astype(object), use_na_sentinel=True)
        # A help without id is a young person of its own: never merged with another.
        personen = np.where(codes < 0, codes.max(initial=-1) + 1 + np.arange(len(codes)), codes).astype(np.int64)
    ende = calendar_year(rows["ende"]) if "ende" in rows else np.full(len(rows), 10_000)
    return Strukturfaelle(calendar_year(rows["beginn"]), ende, raum.astype(np.int64), raum_ids,
                          combo.astype(np.int64), combos, kategorien, personen, fremd)


# --- what is missing ------------------------------------------------------------------------
def fehlt(faelle: Strukturfaelle | None, merkmal: str, aggregiert: bool = False) -> str | None:
    """A German note why a feature (or ``person_id``: young people) cannot be shown; None when it can."""
    if faelle is None:
        if aggregiert:
            return ("Die Fallstruktur braucht Einzelfalldaten (Datei faelle): aggregierte Fallzahlen enthalten "
                    "weder Alter noch Geschlecht, Hauptgrund, Beendigungsgrund oder Personen.")
        return "Ohne Falldatei (faelle) gibt es keine Fallstruktur."
    if merkmal == "person_id":
        if faelle.personen is not None:
            return None
        return ("Die Falldatei hat keine Spalte mit einer Personen-ID (erkannt: Personen-ID, Kind-ID, Klient-ID …): "
                "junge Menschen lassen sich nicht von Fällen unterscheiden.")
    if merkmal in faelle.kategorien:
        return None
    from .tables import TABLES

    spalten = " oder ".join(f"„{s}“" for s in MERKMALE[merkmal].spalten)
    aliase = ", ".join(TABLES["faelle"].column(MERKMALE[merkmal].spalten[0]).aliases[:4])
    return (f"{MERKMALE[merkmal].label}: die Falldatei hat keine Spalte {spalten} mit Werten (erkannt werden auch "
            f"{aliase} …); es wird nichts gezeigt, auch keine Null.")


# --- counting ------------------------------------------------------------------------------
def gebiet_je_raum(engine, faelle: Strukturfaelle, ebene: str, jahr: int) -> np.ndarray:  # noqa: ANN001 - Engine
    """Per Planungsraum of the case file its area's position at ``ebene`` in ``jahr`` (−1: none)."""
    if ebene == "kreis":
        return np.zeros(len(faelle.raum_ids), dtype=np.int64)
    position = {a: i for i, a in enumerate(engine._areas(ebene))}
    if ebene == "planungsraum":
        return np.array([position.get(r, -1) for r in faelle.raum_ids], dtype=np.int64)
    sozialraeume = engine._dataset.sozialraum_von(jahr, faelle.raum_ids, eigene_id=True)
    return np.array([position.get(s, -1) for s in sozialraeume], dtype=np.int64)


def atome(engine, faelle: Strukturfaelle, ebene: str, jahr: int, merkmal: str, basis: str,  # noqa: ANN001
          codes: np.ndarray | None = None) -> np.ndarray:
    """The exact counts of one year: areas × help combinations × categories (the protection's atoms);
    ``codes``: other category codes per help than the feature's own (same categories)."""
    eigene, labels = faelle.kategorien[merkmal]
    codes = eigene if codes is None else codes
    n_areas, n_combos, n_cats = len(engine._areas(ebene)), len(faelle.combos), len(labels)
    gebiet = gebiet_je_raum(engine, faelle, ebene, jahr)[faelle.raum]
    drin = faelle.maske(basis, jahr) & (gebiet >= 0) & (codes >= 0)
    flat = (gebiet[drin] * n_combos + faelle.combo[drin]) * n_cats + codes[drin]
    return np.bincount(flat, minlength=n_areas * n_combos * n_cats).reshape(n_areas, n_combos, n_cats).astype(float)


def nach_gruppen(atome_: np.ndarray, mitglieder: np.ndarray) -> np.ndarray:
    """areas × combinations × categories summed into areas × groups × categories."""
    return np.einsum("ahc,hg->agc", atome_, mitglieder)


def personen(engine, faelle: Strukturfaelle, ebene: str, jahr: int, basis: str, gruppen: list[str]) -> np.ndarray:  # noqa: ANN001
    """Different young people per area × group among the helps of ``basis`` in ``jahr``.

    A person with helps in two Sozialräume counts in each and once in the Kreis; with two helps of one
    group once in that group.
    """
    n_areas = len(engine._areas(ebene))
    out = np.zeros((n_areas, len(gruppen)))
    gebiet = gebiet_je_raum(engine, faelle, ebene, jahr)[faelle.raum]
    drin = faelle.maske(basis, jahr) & (gebiet >= 0)
    mitglieder = faelle.mitglieder(gruppen).astype(bool)
    for k in range(len(gruppen)):
        zeilen = drin & mitglieder[faelle.combo, k]
        paare = np.unique(gebiet[zeilen] * (faelle.personen.max(initial=0) + 1) + faelle.personen[zeilen])
        out[:, k] = np.bincount(paare // (faelle.personen.max(initial=0) + 1), minlength=n_areas)
    return out


def anzahl(engine, faelle: Strukturfaelle, ebene: str, jahr: int, basis: str, gruppen: list[str]) -> np.ndarray:  # noqa: ANN001
    """Helps of ``basis`` in ``jahr`` per area × group."""
    n_areas, n_combos = len(engine._areas(ebene)), len(faelle.combos)
    gebiet = gebiet_je_raum(engine, faelle, ebene, jahr)[faelle.raum]
    drin = faelle.maske(basis, jahr) & (gebiet >= 0)
    flat = gebiet[drin] * n_combos + faelle.combo[drin]
    je_combo = np.bincount(flat, minlength=n_areas * n_combos).reshape(n_areas, n_combos).astype(float)
    return je_combo @ faelle.mitglieder(gruppen)


@dataclass(frozen=True)
class OeffentlicheAtome:
    """What the public view's protection of one feature and year works on.

    ``atome``: areas × combinations × categories. Every published table is a partition of the Hilfen
    insgesamt (which the public view shows anyway): for the ending the ended helps by their reason plus
    the helps still running on 31.12. (``nie``: a category never published, but derivable as the Hilfen
    insgesamt minus the published ended ones, so protected like any count); ``teilsumme``: the categories
    whose sum is published (the ended helps, the ending shares' denominator).
    """

    atome: np.ndarray
    kategorien: list[str]
    nie: np.ndarray  # bool per category
    teilsumme: np.ndarray | None  # bool per category, or None


ANDAUERND = "am 31.12. andauernd"
# Destatis' practice for published tables: "divers" and "ohne Angabe" are assigned to männlich or weiblich at
# random (a category of a handful of young people per Sozialraum would otherwise withhold the others).
ZUFALL_GESCHLECHT = 20241231


def oeffentliches_geschlecht(faelle: Strukturfaelle) -> np.ndarray:
    """Sex codes of the public view: männlich or weiblich for every help, "divers" and "ohne Angabe" drawn
    with even odds from a fixed seed (the same on every run)."""
    codes, labels = faelle.kategorien["geschlecht"]
    m, w = labels.index("männlich"), labels.index("weiblich")
    zufall = np.random.default_rng(ZUFALL_GESCHLECHT).random(len(codes)) < 0.5
    return np.where((codes == m) | (codes == w), codes, np.where(zufall, m, w))


def oeffentliche_atome(engine, faelle: Strukturfaelle, ebene: str, jahr: int, merkmal: str) -> OeffentlicheAtome:  # noqa: ANN001
    """The public view's counts of one feature: Hilfen insgesamt by age, sex (männlich and weiblich only, see
    :func:`oeffentliches_geschlecht`) and reason (texts that name no official reason and "ohne Angabe" as one
    category, :data:`ANDERE_ANGABE`), or by how they ended ("ohne Angabe" with the other reasons)."""
    if merkmal == "beendigung":
        labels = faelle.kategorien[merkmal][1]
        roh = atome(engine, faelle, ebene, jahr, merkmal, BEENDET)
        kategorien_b = [GEMAESS, ABWEICHEND, SONSTIGE_OEFFENTLICH]
        ziel = np.zeros((len(labels), len(kategorien_b)))
        for i, k in enumerate(labels):
            ziel[i, kategorien_b.index(k if k in (GEMAESS, ABWEICHEND) else SONSTIGE_OEFFENTLICH)] = 1
        beendet = roh @ ziel
        labels = kategorien_b
        gebiet = gebiet_je_raum(engine, faelle, ebene, jahr)[faelle.raum]
        laufend = (faelle.start <= jahr) & (faelle.ende > jahr) & (gebiet >= 0)
        n_areas, n_combos = beendet.shape[:2]
        flat = gebiet[laufend] * n_combos + faelle.combo[laufend]
        andauernd = np.bincount(flat, minlength=n_areas * n_combos).reshape(n_areas, n_combos, 1).astype(float)
        kategorien = [*labels, ANDAUERND]
        nie = np.array([False] * len(labels) + [True])
        return OeffentlicheAtome(np.concatenate([beendet, andauernd], axis=2), kategorien, nie, ~nie)
    labels = faelle.kategorien[merkmal][1]
    if merkmal == "geschlecht":
        roh = atome(engine, faelle, ebene, jahr, merkmal, INANSPRUCHNAHME, oeffentliches_geschlecht(faelle))
        behalten = [labels.index("männlich"), labels.index("weiblich")]
        return OeffentlicheAtome(roh[:, :, behalten], ["männlich", "weiblich"], np.zeros(2, dtype=bool), None)
    roh = atome(engine, faelle, ebene, jahr, merkmal, INANSPRUCHNAHME)
    amtlich = set(MERKMALE[merkmal].amtlich) | ({OHNE_ANGABE} if merkmal == "alter" else set())
    kategorien = [k for k in labels if k in amtlich]
    if any(k not in amtlich for k in labels):
        kategorien.append(ANDERE_ANGABE)
    ziel = np.zeros((len(labels), len(kategorien)))
    for i, k in enumerate(labels):
        ziel[i, kategorien.index(k if k in amtlich else ANDERE_ANGABE)] = 1
    return OeffentlicheAtome(roh @ ziel, kategorien, np.zeros(len(kategorien), dtype=bool), None)


# --- the tables pages, reports and the CLI read ---------------------------------------------------
SPALTEN = ["area", "hilfeart", "kategorie", "anzahl", "nenner", "anteil", "gesperrt", "nenner_gesperrt"]


def basis_von(engine, merkmal: str, basis: str | None = None) -> str:  # noqa: ANN001 - Engine
    """The helps a feature is counted over in the engine's view: the public view shows only partitions of
    the Hilfen insgesamt (and the ended helps as part of them), the planning view what is asked."""
    m = MERKMALE[merkmal]
    if merkmal == "beendigung":
        return BEENDET
    if engine.oeffentlich:
        return INANSPRUCHNAHME
    return basis if basis in m.basen else m.basis


def gruppen_von(engine) -> list[str]:  # noqa: ANN001 - Engine
    """The help groups a structure is shown for in the engine's view."""
    from .hilfearten import RATE_GROUPS

    return list(OEFFENTLICHE_GRUPPEN) if engine.oeffentlich else list(RATE_GROUPS)


def _lang(areas: list[str], gruppen: list[str], kategorien: list[str], anzahl_: np.ndarray, nenner: np.ndarray,
          gesperrt: np.ndarray, nenner_gesperrt: np.ndarray, mindestens: float = 0) -> pd.DataFrame:
    """areas × groups × categories as the long table; shares only where count and denominator are shown
    (and the denominator reaches ``mindestens``)."""
    n_a, n_g, n_c = anzahl_.shape
    with np.errstate(invalid="ignore", divide="ignore"):
        anteil = np.where((nenner[:, :, None] > 0) & (nenner[:, :, None] >= mindestens),
                          anzahl_ / nenner[:, :, None] * 100, np.nan)
    return pd.DataFrame({
        "area": np.repeat(np.array(areas, dtype=object), n_g * n_c),
        "hilfeart": np.tile(np.repeat(np.array(gruppen, dtype=object), n_c), n_a),
        "kategorie": np.tile(np.array(kategorien, dtype=object), n_a * n_g),
        "anzahl": anzahl_.ravel(), "nenner": np.repeat(nenner.ravel(), n_c), "anteil": anteil.ravel(),
        "gesperrt": gesperrt.ravel(), "nenner_gesperrt": np.repeat(nenner_gesperrt.ravel(), n_c),
    })[SPALTEN]


def tabelle(engine, ebene: str, jahr: int, merkmal: str, basis: str | None = None) -> pd.DataFrame:  # noqa: ANN001
    """One feature of the case structure in ``jahr`` for every area of ``ebene`` and help group (:data:`SPALTEN`).

    ``anzahl``: helps of the category; ``nenner``: all helps of the basis in the area and group (for the
    ending: the ended helps), ``anteil`` = anzahl / nenner × 100 (categories "ohne Angabe" included). The
    public view: Sozialräume and Kreis, the groups of :data:`OEFFENTLICHE_GRUPPEN`, withheld figures NaN with
    ``gesperrt`` (counts of 1 to 4 and what would give them away), or every count rounded to 5 and shares
    from the rounded counts only on at least 10 helps.
    """
    faelle = engine.strukturfaelle()
    if faelle is None or merkmal not in faelle.kategorien:
        return pd.DataFrame(columns=SPALTEN)
    areas = engine.areas(ebene)
    if engine.oeffentlich:
        struktur = engine.schutz.fallstruktur(engine, jahr, merkmal)
        from .oeffentlich import GERUNDET_AB, RUNDEN

        mindestens = GERUNDET_AB if engine.schutz.verfahren == RUNDEN or struktur.gerundet else 0
        return _lang(areas, list(struktur.gruppen), list(struktur.kategorien), struktur.anzahl[ebene],
                     struktur.nenner[ebene], struktur.gesperrt[ebene], struktur.nenner_gesperrt[ebene], mindestens)
    gruppen = gruppen_von(engine)
    zahlen = nach_gruppen(atome(engine, faelle, ebene, jahr, merkmal, basis_von(engine, merkmal, basis)),
                          faelle.mitglieder(gruppen))
    labels = faelle.kategorien[merkmal][1]
    summe = zahlen.sum(axis=2)
    keine = np.zeros(zahlen.shape, dtype=bool)
    return _lang(areas, gruppen, labels, zahlen, summe, keine, keine[:, :, 0])


JUNGE_MENSCHEN_SPALTEN = ["area", "hilfeart", "faelle", "junge_menschen", "hilfen_je_person", "gesperrt"]


def junge_menschen(engine, ebene: str, jahr: int, basis: str | None = None) -> pd.DataFrame:  # noqa: ANN001
    """Fälle and different young people per area and group (:data:`JUNGE_MENSCHEN_SPALTEN`); empty without
    a person id.

    Young people are not additive (one person in two groups or areas), so no suppression pattern can be
    worked out for them: the public view gives them rounded to 5 (Destatis), beside the Hilfen insgesamt as
    it shows them, and only where those are shown.
    """
    faelle = engine.strukturfaelle()
    if faelle is None or faelle.personen is None:
        return pd.DataFrame(columns=JUNGE_MENSCHEN_SPALTEN)
    basis = INANSPRUCHNAHME if engine.oeffentlich else (basis or INANSPRUCHNAHME)
    gruppen = gruppen_von(engine)
    areas = engine.areas(ebene)
    menschen = personen(engine, faelle, ebene, jahr, basis, gruppen)
    hilfen = anzahl(engine, faelle, ebene, jahr, basis, gruppen)
    gesperrt = np.zeros(hilfen.shape, dtype=bool)
    if engine.oeffentlich:
        from . import geheimhaltung
        from .kennzahlen import GROUPS

        y = engine.jahre.index(jahr)
        gezeigt = engine.cubes(ebene)["inanspruchnahme"][y][:, [GROUPS.index(g) for g in gruppen]]
        gesperrt = np.isnan(gezeigt)
        hilfen = gezeigt
        menschen = np.where(gesperrt, np.nan, geheimhaltung.runden_auf_fuenf(menschen))
    with np.errstate(invalid="ignore", divide="ignore"):
        je_person = np.where(menschen > 0, hilfen / menschen, np.nan)
    n_a, n_g = hilfen.shape
    return pd.DataFrame({"area": np.repeat(np.array(areas, dtype=object), n_g),
                         "hilfeart": np.tile(np.array(gruppen, dtype=object), n_a),
                         "faelle": hilfen.ravel(), "junge_menschen": menschen.ravel(),
                         "hilfen_je_person": je_person.ravel(), "gesperrt": gesperrt.ravel()})


def hinweise(engine) -> list[str]:  # noqa: ANN001 - Engine
    """German notes on what the case structure cannot show, and on case-file texts read as no official category."""
    faelle = engine.strukturfaelle()
    aggregiert = not engine._dataset.has("faelle") and engine._dataset.faelle_laden is None \
        and engine._dataset.has("fallzahlen")
    out = [text for m in (*MERKMALE, "person_id") if (text := fehlt(faelle, m, aggregiert))]
    if faelle is None:
        return out[:1]
    if not engine.oeffentlich and "hauptgrund" in faelle.fremde_texte:
        texte = faelle.fremde_texte["hauptgrund"]
        out.append(f"{len(texte)} Hauptgründe der Falldatei nennen keine amtliche Kategorie und stehen für sich "
                   f"({', '.join(f'„{t}“' for t in texte[:3])}{' …' if len(texte) > 3 else ''}); in der öffentlichen "
                   "Ansicht zusammen mit „ohne Angabe“ als „andere oder ohne Angabe“.")
    if not engine.oeffentlich and "beendigung" in faelle.fremde_texte:
        texte = faelle.fremde_texte["beendigung"]
        out.append(f"{len(texte)} Beendigungsgründe der Falldatei wurden nicht erkannt und zählen als „sonstige "
                   f"Gründe“ ({', '.join(f'„{t}“' for t in texte[:3])}{' …' if len(texte) > 3 else ''}).")
    return out


# --- one area against the Kreis (Steckbrief, its PDF) ---------------------------------------------------
@dataclass(frozen=True)
class Vergleich:
    """One feature of one area and help group against the Kreis, as the Steckbrief shows it.

    ``daten``: kategorie, anzahl, anteil, gesperrt, kreis_anzahl, kreis_anteil, kreis_gesperrt (official
    categories always, others only where they occur); ``hinweis``: why there is nothing (then ``daten`` is
    empty).
    """

    merkmal: str
    label: str
    basis: str
    daten: pd.DataFrame
    nenner: float = np.nan
    kreis_nenner: float = np.nan
    nenner_gesperrt: bool = False
    kreis_nenner_gesperrt: bool = False
    hinweis: str | None = None
    schutzhinweis: str = ""  # what the public view had to do beyond the usual (rounded, withheld year)

    @property
    def basis_text(self) -> str:
        return BASEN[self.basis]


VERGLEICH_SPALTEN = ["kategorie", "anzahl", "anteil", "gesperrt", "kreis_anzahl", "kreis_anteil", "kreis_gesperrt"]


def vergleich(engine, ebene: str, raum_id: str, jahr: int, merkmal: str, hilfeart: str = "gesamt",  # noqa: ANN001
              basis: str | None = None) -> Vergleich:
    """:func:`tabelle` of one area and group beside the Kreis's."""
    m = MERKMALE[merkmal]
    basis = basis_von(engine, merkmal, basis)
    hinweis = fehlt(engine.strukturfaelle(), merkmal, aggregiert=engine._dataset.has("fallzahlen"))
    if hinweis is None and hilfeart not in gruppen_von(engine):
        hinweis = "Die öffentliche Ansicht zeigt die Fallstruktur nur für Hilfen gesamt, HzE, die Settings und § 35a."
    if hinweis is not None:
        return Vergleich(merkmal, m.label, basis, pd.DataFrame(columns=VERGLEICH_SPALTEN), hinweis=hinweis)
    gebiet = tabelle(engine, ebene, jahr, merkmal, basis)
    gebiet = gebiet[(gebiet["area"] == raum_id) & (gebiet["hilfeart"] == hilfeart)].set_index("kategorie")
    kreis = tabelle(engine, "kreis", jahr, merkmal, basis)
    kreis = kreis[kreis["hilfeart"] == hilfeart].set_index("kategorie")
    daten = pd.DataFrame({
        "kategorie": gebiet.index, "anzahl": gebiet["anzahl"].to_numpy(), "anteil": gebiet["anteil"].to_numpy(),
        "gesperrt": gebiet["gesperrt"].to_numpy(dtype=bool),
        "kreis_anzahl": kreis["anzahl"].reindex(gebiet.index).to_numpy(),
        "kreis_anteil": kreis["anteil"].reindex(gebiet.index).to_numpy(),
        "kreis_gesperrt": kreis["gesperrt"].reindex(gebiet.index).fillna(False).to_numpy(dtype=bool)})
    amtlich = set(m.amtlich)
    leer = ~daten["kategorie"].isin(amtlich) & (daten["anzahl"].fillna(1) == 0) & (daten["kreis_anzahl"].fillna(1) == 0)
    daten = daten[~leer].reset_index(drop=True)
    erste = gebiet.iloc[0] if len(gebiet) else None
    kreis_erste = kreis.iloc[0] if len(kreis) else None
    schutz = engine.schutz.fallstruktur(engine, jahr, merkmal).hinweis if engine.oeffentlich else ""
    return Vergleich(merkmal, m.label, basis, daten,
                     float(erste["nenner"]) if erste is not None else np.nan,
                     float(kreis_erste["nenner"]) if kreis_erste is not None else np.nan,
                     bool(erste["nenner_gesperrt"]) if erste is not None else False,
                     bool(kreis_erste["nenner_gesperrt"]) if kreis_erste is not None else False,
                     schutzhinweis=schutz)


def personen_vergleich(engine, ebene: str, raum_id: str, jahr: int, hilfeart: str = "gesamt",  # noqa: ANN001
                       basis: str | None = None) -> tuple[pd.DataFrame, str | None]:
    """Fälle and junge Menschen of one area and group and of the Kreis (rows ``gebiet`` and ``kreis``),
    or a German note why there are none."""
    hinweis = fehlt(engine.strukturfaelle(), "person_id", aggregiert=engine._dataset.has("fallzahlen"))
    if hinweis is not None:
        return pd.DataFrame(columns=JUNGE_MENSCHEN_SPALTEN), hinweis
    if hilfeart not in gruppen_von(engine):
        return pd.DataFrame(columns=JUNGE_MENSCHEN_SPALTEN), ("Die öffentliche Ansicht zeigt junge Menschen nur für "
                                                                "Hilfen gesamt, HzE, die Settings und § 35a.")
    teile = []
    for e, area in ((ebene, raum_id), ("kreis", None)):
        table = junge_menschen(engine, e, jahr, basis)
        teile.append(table[(table["hilfeart"] == hilfeart) & ((table["area"] == area) if area else True)])
    return pd.concat(teile, ignore_index=True), None


def erlaeuterung(engine) -> str:  # noqa: ANN001 - Engine
    """What the case structure of the engine's view shows and withholds, in German, for under the tables."""
    from .geheimhaltung import GESPERRT

    if not engine.oeffentlich:
        return ("Planungsansicht, exakte Zahlen. Alter bei Hilfebeginn: Jahr des Beginns minus Geburtsjahr (das im Jahr "
                "des Beginns erreichte Alter), wo die Falldatei kein Alter nennt. Amtlich (Destatis) werden Alter und "
                "Hauptgrund der begonnenen, die Beendigung der beendeten Hilfen berichtet; die öffentliche Ansicht "
                "zeigt die Hilfen insgesamt.")
    gerundet = getattr(engine.schutz, "verfahren", "") == "runden"
    zahlen = ("Alle Zahlen auf Vielfache von 5 gerundet, Anteile daraus erst ab 10 Hilfen." if gerundet else
              f"„{GESPERRT}“ = gesperrt: Zahlen von 1 bis 4 und die Zahlen, aus denen sie sich zurückrechnen ließen "
              "(auch über Sozialräume, Hilfearten und Kreis), mit ihren Anteilen.")
    return ("Öffentliche Ansicht: Verteilung der Hilfen insgesamt (am 31.12. andauernde und im Jahr beendete), nur für "
            f"Hilfen gesamt, HzE, die Settings und § 35a. {zahlen} Geschlecht wie in den Tabellen von Destatis: "
            "„divers“ und „ohne Angabe“ sind zufällig männlich oder weiblich zugeordnet. Hauptgründe ohne amtliche "
            "Kategorie und ohne Angabe stehen zusammen als „andere oder ohne Angabe“, Beendigungen ohne Angabe bei "
            "den sonstigen Gründen. Junge Menschen auf 5 gerundet.")
