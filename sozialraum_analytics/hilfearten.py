"""The kinds of help of SGB VIII, how files write them, and how they are grouped.

One place for the catalogue of domain.md: the codes, their setting group, and the
totals (gesamt, HzE, ohne Erziehungsberatung) that every chart and table refers to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .dialect import fold

AMBULANT = "ambulant"
TEILSTATIONAER = "teilstationaer"
STATIONAER = "stationaer"
SETTINGS = (AMBULANT, TEILSTATIONAER, STATIONAER)
SETTING_LABELS = {AMBULANT: "ambulant", TEILSTATIONAER: "teilstationär", STATIONAER: "stationär"}

# Bereich: which statistic a case belongs to. Only hze and eingliederungshilfe are "gesamt".
HZE = "hze"
EINGLIEDERUNGSHILFE = "eingliederungshilfe"
INOBHUTNAHME = "inobhutnahme"
GEFAEHRDUNG = "gefaehrdungseinschaetzung"


@dataclass(frozen=True)
class Hilfeart:
    """One help code of the catalogue."""

    code: str
    label: str
    bereich: str
    default_setting: str | None  # None: not a help with a setting (§42, §8a)
    setting_from_field: bool  # whether the case's setting field decides the group


CATALOGUE: tuple[Hilfeart, ...] = (
    Hilfeart("§27.2", "Flexible Hilfe nach § 27 Abs. 2", HZE, AMBULANT, True),
    Hilfeart("§28", "Erziehungsberatung", HZE, AMBULANT, False),
    Hilfeart("§29", "Soziale Gruppenarbeit", HZE, AMBULANT, False),
    Hilfeart("§30", "Erziehungsbeistand / Betreuungshelfer", HZE, AMBULANT, False),
    Hilfeart("§31", "Sozialpädagogische Familienhilfe", HZE, AMBULANT, False),
    Hilfeart("§32", "Erziehung in einer Tagesgruppe", HZE, TEILSTATIONAER, False),
    Hilfeart("§33", "Vollzeitpflege", HZE, STATIONAER, False),
    Hilfeart("§34", "Heimerziehung / sonstige betreute Wohnform", HZE, STATIONAER, False),
    # ISE is stationär unless the setting field says ambulant (domain.md).
    Hilfeart("§35", "Intensive sozialpädagogische Einzelbetreuung", HZE, STATIONAER, True),
    Hilfeart("§35a", "Eingliederungshilfe bei seelischer Behinderung", EINGLIEDERUNGSHILFE, AMBULANT, True),
    # §41 is counted with the help it continues; without that, by its setting field.
    Hilfeart("§41", "Hilfe für junge Volljährige", HZE, AMBULANT, True),
    Hilfeart("§42", "Inobhutnahme", INOBHUTNAHME, None, False),
    Hilfeart("§8a", "Gefährdungseinschätzung", GEFAEHRDUNG, None, False),
)
BY_CODE = {h.code: h for h in CATALOGUE}
CODES = tuple(h.code for h in CATALOGUE)

# Names as case management software writes them, lower case, umlauts folded.
_NAMES = {
    "flexible hilfe": "§27.2",
    "erziehungsberatung": "§28",
    "soziale gruppenarbeit": "§29",
    "erziehungsbeistand": "§30",
    "erziehungsbeistandschaft": "§30",
    "betreuungshelfer": "§30",
    "sozialpaedagogische familienhilfe": "§31",
    "spfh": "§31",
    "tagesgruppe": "§32",
    "erziehung in einer tagesgruppe": "§32",
    "vollzeitpflege": "§33",
    "heimerziehung": "§34",
    "sonstige betreute wohnform": "§34",
    "intensive sozialpaedagogische einzelbetreuung": "§35",
    "ise": "§35",
    "eingliederungshilfe": "§35a",
    "hilfe fuer junge volljaehrige": "§41",
    "junge volljaehrige": "§41",
    "inobhutnahme": "§42",
    "gefaehrdungseinschaetzung": "§8a",
    "kinderschutz": "§8a",
}

_PARAGRAPH = re.compile(
    r"^(?:§+\s*)?(?P<num>\d{1,2})\s*(?P<letter>a(?!bs))?"  # "35a", but not the a of "Abs."
    r"(?:\s*(?:abs\.?|absatz)\s*(?P<abs>\d)|\s*[.,]\s*(?P<abs2>\d)\b|\s*\((?P<abs3>\d)\))?"
    r"(?P<rest>.*)$"
)
_BASIS = re.compile(r"(?:i\.?\s*v\.?\s*m\.?|iVm|in verbindung mit)\s*§*\s*(\d{1,2}\s*a?(?:\s*abs\.?\s*\d)?)")


def _code_from_paragraph(text: str) -> str | None:
    match = _PARAGRAPH.match(text)
    if not match:
        return None
    num, letter = match["num"], match["letter"] or ""
    absatz = match["abs"] or match["abs2"] or match["abs3"]
    rest = match["rest"].strip()
    # "§ 34 SGB VIII", "§34 Heimerziehung": anything after the number must not be another digit.
    if rest and rest[0].isdigit():
        return None
    if num == "27":
        # §27 Abs. 2 is the only stand-alone §27 help in the statistics; "§ 27" means it.
        return "§27.2" if absatz in (None, "2") else None
    if absatz is not None and num not in ("35",):
        # e.g. "§ 41 Abs. 1" is still §41; other sub-paragraphs are not distinguished.
        pass
    code = f"§{num}{letter}"
    return code if code in BY_CODE else None


def _code_in_text(folded: str) -> str | None:
    """The one paragraph named inside a text, as published tables write helps.

    "Sonstige Hilfen nach § 27 Abs. 2", "Hilfe zur Erziehung nach § 27 Abs. 2", "Vollzeitpflege (§ 33)".
    Only a text naming exactly one paragraph: "Hilfen nach §§ 27 bis 35" or "§ 28 und § 29" are totals
    or several helps, not one.
    """
    if folded.count("§") != 1:
        return None
    return _code_from_paragraph(folded[folded.index("§"):].replace("§ ", "§").rstrip(" )"))


@dataclass(frozen=True)
class ParsedHilfeart:
    code: str
    basis: str | None  # the help a §41 continues ("§ 41 i.V.m. § 34")


def parse_hilfeart(text: str) -> ParsedHilfeart | None:
    """Read a help code as files write it; ``None`` when it is not recognised.

    >>> parse_hilfeart("§ 34 SGB VIII").code
    '§34'
    >>> parse_hilfeart("Heimerziehung").code
    '§34'
    >>> parse_hilfeart("§ 41 i.V.m. § 33").basis
    '§33'
    """
    folded = fold(text)
    if not folded:
        return None
    basis = None
    basis_match = _BASIS.search(folded)
    if basis_match:
        basis = _code_from_paragraph(basis_match.group(1).replace(" ", ""))
        folded = folded[: basis_match.start()].strip()
    folded = re.sub(r"\bsgb\s*viii\b|\bsgb\s*8\b", "", folded).strip(" ,;-")
    code = _code_from_paragraph(folded.replace("§ ", "§"))
    if code is None:
        code = _NAMES.get(folded)
        if code is None:
            for name, candidate in _NAMES.items():
                if folded.startswith(name):
                    code = candidate
                    break
    if code is None:
        code = _code_in_text(folded)
    if code is None:
        return None
    return ParsedHilfeart(code, basis if code == "§41" else None)


def parse_setting(text: str) -> str | None:
    """``"teilstationär"`` -> ``"teilstationaer"``; unknown or empty -> ``None``."""
    folded = fold(text).replace("-", "").replace(" ", "")
    if not folded:
        return None
    if folded.startswith("teilstat"):
        return TEILSTATIONAER
    if folded.startswith(("stat", "vollstat")):
        return STATIONAER
    if folded.startswith("amb"):
        return AMBULANT
    return None


def setting_gruppe(code: str, setting: str | None, basis: str | None = None) -> str | None:
    """The setting group a case counts in, by the rules of domain.md."""
    hilfeart = BY_CODE[code]
    if hilfeart.default_setting is None:
        return None
    if code == "§41" and basis in BY_CODE and basis != "§41" and setting is None:
        return setting_gruppe(basis, None)
    if code in ("§35a", "§41") and setting is None:
        # Eingliederungshilfe is split only by its setting field, and a §41 without
        # the help it continues cannot be placed: counted in the totals, in no setting group.
        return None
    if hilfeart.setting_from_field and setting is not None:
        if code == "§35":
            # ISE counts as stationär unless the setting field says ambulant.
            return AMBULANT if setting == AMBULANT else STATIONAER
        return setting
    return hilfeart.default_setting


def bereich(code: str, basis: str | None = None) -> str:
    """The statistic a case counts in; §41 continuing §35a is Eingliederungshilfe."""
    if code == "§41" and basis == "§35a":
        return EINGLIEDERUNGSHILFE
    return BY_CODE[code].bereich


@dataclass(frozen=True)
class Hilfegruppe:
    """A row of the help dimension: a code, a setting group or a total."""

    id: str
    label: str
    description: str
    bereiche: tuple[str, ...]
    codes: tuple[str, ...] | None = None  # None: every code of the bereiche
    settings: tuple[str, ...] | None = None  # None: every setting group
    exclude_codes: tuple[str, ...] = ()

    def mask(self, code, bereich_, setting):  # noqa: ANN001 - pandas Series in, Series out (or numpy arrays)
        """Boolean mask over aligned Series (or numpy arrays) of code, bereich and setting group."""
        selected = _isin(bereich_, self.bereiche)
        if self.codes is not None:
            selected &= _isin(code, self.codes)
        if self.settings is not None:
            selected &= _isin(setting, self.settings)
        if self.exclude_codes:
            selected &= ~_isin(code, self.exclude_codes)
        return selected


def _isin(values, choices: tuple[str, ...]):  # noqa: ANN001, ANN202 - Series or numpy array, the same kind out
    """``values.isin(choices)`` of a Series; for a numpy array (a few help combinations) without pandas."""
    if isinstance(values, np.ndarray):
        return np.array([v in choices for v in values.tolist()], dtype=bool)
    return values.isin(choices)


_GESAMT = (HZE, EINGLIEDERUNGSHILFE)

HILFEGRUPPEN: tuple[Hilfegruppe, ...] = (
    Hilfegruppe(
        "gesamt",
        "Hilfen gesamt",
        "Alle Hilfen nach §§ 27.2–35, 35a und 41 SGB VIII (ohne Inobhutnahmen § 42 und "
        "Gefährdungseinschätzungen § 8a)",
        _GESAMT,
    ),
    Hilfegruppe("gesamt_ohne_eb", "Hilfen gesamt ohne Erziehungsberatung",
                "Hilfen gesamt ohne § 28", _GESAMT, exclude_codes=("§28",)),
    Hilfegruppe("hze", "Hilfen zur Erziehung (HzE)", "Hilfen gesamt ohne Eingliederungshilfe § 35a", (HZE,)),
    Hilfegruppe("hze_ohne_eb", "HzE ohne Erziehungsberatung", "HzE ohne § 28", (HZE,), exclude_codes=("§28",)),
    Hilfegruppe("ambulant", "HzE ambulant", "§§ 27.2 (ambulant), 28–31, 35 (ambulant), 41 (ambulant)",
                (HZE,), settings=(AMBULANT,)),
    Hilfegruppe("ambulant_ohne_eb", "HzE ambulant ohne Erziehungsberatung", "HzE ambulant ohne § 28",
                (HZE,), settings=(AMBULANT,), exclude_codes=("§28",)),
    Hilfegruppe("teilstationaer", "HzE teilstationär", "§ 32 Tagesgruppe", (HZE,), settings=(TEILSTATIONAER,)),
    Hilfegruppe("stationaer", "HzE stationär", "§§ 27.2 (stationär), 33, 34, 35, 41 (stationär)",
                (HZE,), settings=(STATIONAER,)),
    Hilfegruppe("§35a_ambulant", "Eingliederungshilfe § 35a ambulant", "§ 35a ambulant",
                (EINGLIEDERUNGSHILFE,), settings=(AMBULANT,)),
    Hilfegruppe("§35a_teilstationaer", "Eingliederungshilfe § 35a teilstationär", "§ 35a teilstationär",
                (EINGLIEDERUNGSHILFE,), settings=(TEILSTATIONAER,)),
    Hilfegruppe("§35a_stationaer", "Eingliederungshilfe § 35a stationär", "§ 35a stationär",
                (EINGLIEDERUNGSHILFE,), settings=(STATIONAER,)),
) + tuple(
    Hilfegruppe(h.code, f"{h.code.replace('§', '§ ')} {h.label}", h.label,
                (HZE, EINGLIEDERUNGSHILFE, INOBHUTNAHME, GEFAEHRDUNG), codes=(h.code,))
    for h in CATALOGUE
)
HILFEGRUPPEN_BY_ID = {g.id: g for g in HILFEGRUPPEN}
# Groups whose counts are help cases (Inanspruchnahme, Eckwert make sense).
RATE_GROUPS = tuple(g.id for g in HILFEGRUPPEN if g.id not in ("§42", "§8a"))

# Help groups as published tables name them (KVJS, AKJStat, Destatis), folded; a single help is read by
# :func:`parse_hilfeart`. The ids and labels of :data:`HILFEGRUPPEN` are read as well.
_GRUPPENNAMEN = {
    "gesamt": "gesamt", "insgesamt": "gesamt", "hilfen gesamt": "gesamt", "hilfen insgesamt": "gesamt",
    "alle hilfen": "gesamt", "hze und 35a": "gesamt", "hze inkl. 35a": "gesamt", "hze einschl. 35a": "gesamt",
    "gesamt ohne eb": "gesamt_ohne_eb", "hilfen gesamt ohne eb": "gesamt_ohne_eb",
    "hze": "hze", "hilfen zur erziehung": "hze", "hze gesamt": "hze", "hze insgesamt": "hze",
    "hze ohne eb": "hze_ohne_eb", "hze ohne erziehungsberatung": "hze_ohne_eb",
    "hilfen zur erziehung ohne erziehungsberatung": "hze_ohne_eb", "hze ohne 28": "hze_ohne_eb",
    "ambulant": "ambulant", "ambulante hilfen": "ambulant", "hze ambulant": "ambulant",
    "ambulant ohne eb": "ambulant_ohne_eb", "ambulante hilfen ohne erziehungsberatung": "ambulant_ohne_eb",
    "teilstationaer": "teilstationaer", "teilstationaere hilfen": "teilstationaer",
    "stationaer": "stationaer", "stationaere hilfen": "stationaer", "hze stationaer": "stationaer",
    "familienersetzende hilfen": "stationaer",
}


def parse_hilfegruppe(text: str | None) -> str | None:
    """A help group as tables write it, as the id of :data:`HILFEGRUPPEN`: a total (``Hilfen gesamt``,
    ``HzE ohne EB``), a setting group (``stationär``) or one help (``§ 34``, ``Heimerziehung``); empty means
    ``gesamt`` (all help except § 42 and § 8a). ``None`` when it is not recognised.

    >>> [parse_hilfegruppe(t) for t in ("", "HzE", "Hilfen zur Erziehung ohne Erziehungsberatung", "stationär")]
    ['gesamt', 'hze', 'hze_ohne_eb', 'stationaer']
    >>> parse_hilfegruppe("§ 34 SGB VIII"), parse_hilfegruppe("hze_ohne_eb"), parse_hilfegruppe("Kita")
    ('§34', 'hze_ohne_eb', None)
    """
    if text is None or not str(text).strip():
        return "gesamt"
    folded = fold(str(text)).replace("§", "").replace("_", " ")
    folded = re.sub(r"\s+", " ", re.sub(r"[()]", " ", folded)).strip()
    if folded in _GRUPPENNAMEN:
        return _GRUPPENNAMEN[folded]
    for gruppe in HILFEGRUPPEN:
        if folded in (fold(gruppe.id).replace("§", "").replace("_", " "), fold(gruppe.label).replace("§ ", "")):
            return gruppe.id
    einzeln = parse_hilfeart(str(text))
    return einzeln.code if einzeln is not None and einzeln.code in HILFEGRUPPEN_BY_ID else None
