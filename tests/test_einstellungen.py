"""The settings object (sozialraum_analytics/einstellungen.py) and the one order of data sources."""

import re
from pathlib import Path

import pytest

from sozialraum_analytics.dataset import DATENBANK, DEMO, DEMO_DIR, EINSTELLUNG, OPTION, datenquelle
from sozialraum_analytics.einstellungen import Einstellungen, einstellungen, variablen

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def leer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting set but the store's folder (a temporary one)."""
    for name in variablen().values():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOZIALRAUM_ABLAGE", str(tmp_path))
    return tmp_path


def test_defaults(leer: Path) -> None:
    e = einstellungen()
    assert e.ablage == leer and e.konten == leer / "konten.txt"
    assert e.db is None and e.daten is None and e.kreis is None and e.kacheln is None and e.pg_bin is None
    assert e.kreisname == "Kreis" and e.kacheln_quelle == "Kartenkacheln"
    assert (e.max_mb, e.max_entpackt_mb, e.max_zeilen) == (200, 100, 5_000_000)
    assert e.warten_max_s == 1800.0 and e.sitzung_minuten == 60.0 and e.geheimhaltung == "sperren"
    assert e.fehler == ()


def test_every_field_names_its_variable() -> None:
    namen = variablen()
    assert set(namen) == {f for f in Einstellungen.__dataclass_fields__ if f != "fehler"}
    assert all(re.fullmatch(r"SOZIALRAUM_[A-Z_]+", v) for v in namen.values())
    assert len(set(namen.values())) == len(namen)


def test_values_are_parsed(leer: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOZIALRAUM_DB", "  postgresql+psycopg://jhp@db:5432/sozialraum ")
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(tmp_path / "ordner"))
    monkeypatch.setenv("SOZIALRAUM_KREIS", " 08317 ")
    monkeypatch.setenv("SOZIALRAUM_KREISNAME", "Ortenaukreis")
    monkeypatch.setenv("SOZIALRAUM_KONTEN", str(tmp_path / "k.txt"))
    monkeypatch.setenv("SOZIALRAUM_MAX_MB", "0,5")
    monkeypatch.setenv("SOZIALRAUM_MAX_ENTPACKT_MB", "2.5")
    monkeypatch.setenv("SOZIALRAUM_MAX_ZEILEN", "1000")
    monkeypatch.setenv("SOZIALRAUM_WARTEN_MAX_S", "2,5")
    monkeypatch.setenv("SOZIALRAUM_KACHELN", "https://karten.example/{z}/{x}/{y}.png")
    monkeypatch.setenv("SOZIALRAUM_KACHELN_QUELLE", "© Landkreis")
    monkeypatch.setenv("SOZIALRAUM_PG_BIN", "/usr/lib/postgresql/16/bin")
    monkeypatch.setenv("SOZIALRAUM_GEHEIMHALTUNG", " Runden ")
    monkeypatch.setenv("SOZIALRAUM_SITZUNG_MINUTEN", "0,5")
    e = einstellungen()
    assert e.db == "postgresql+psycopg://jhp@db:5432/sozialraum"
    assert e.daten == tmp_path / "ordner" and e.kreis == "08317" and e.kreisname == "Ortenaukreis"
    assert e.konten == tmp_path / "k.txt"
    assert (e.max_mb, e.max_entpackt_mb, e.max_zeilen, e.warten_max_s) == (0.5, 2.5, 1000, 2.5)
    assert e.kacheln == "https://karten.example/{z}/{x}/{y}.png" and e.kacheln_quelle == "© Landkreis"
    assert e.pg_bin == Path("/usr/lib/postgresql/16/bin")
    assert e.geheimhaltung == "runden" and e.sitzung_minuten == 0.5


@pytest.mark.parametrize("wert", ["viel", "0", "-3", "nan", "inf", ""])
def test_a_bad_limit_falls_back_to_its_default(leer: Path, monkeypatch: pytest.MonkeyPatch, wert: str) -> None:
    for name in ("SOZIALRAUM_MAX_MB", "SOZIALRAUM_MAX_ENTPACKT_MB", "SOZIALRAUM_MAX_ZEILEN"):
        monkeypatch.setenv(name, wert)
    e = einstellungen()
    assert (e.max_mb, e.max_entpackt_mb, e.max_zeilen) == (200, 100, 5_000_000)


def test_other_fallbacks(leer: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOZIALRAUM_GEHEIMHALTUNG", "verschlüsseln")
    monkeypatch.setenv("SOZIALRAUM_SITZUNG_MINUTEN", "eine Stunde")
    monkeypatch.setenv("SOZIALRAUM_KREISNAME", "  ")
    e = einstellungen()
    assert e.geheimhaltung == "sperren" and e.sitzung_minuten == 60.0 and e.kreisname == "Kreis"
    monkeypatch.setenv("SOZIALRAUM_SITZUNG_MINUTEN", "0")
    assert einstellungen().sitzung_minuten is None  # 0: sessions never end for idleness


@pytest.mark.parametrize("wert", ["eine Stunde", "-1", "nan"])
def test_a_bad_waiting_limit_is_kept_as_a_german_message(leer: Path, monkeypatch: pytest.MonkeyPatch,
                                                          wert: str) -> None:
    monkeypatch.setenv("SOZIALRAUM_WARTEN_MAX_S", wert)
    e = einstellungen()  # reading the settings never fails: the store refuses to open (tests/test_store.py)
    assert e.fehler_zu("SOZIALRAUM_WARTEN_MAX_S") == (
        f"SOZIALRAUM_WARTEN_MAX_S muss eine Zahl von Sekunden sein (etwa 1800), nicht „{wert}“.")
    assert e.fehler_zu("SOZIALRAUM_MAX_MB") is None


def test_built_once_per_environment(leer: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    erste = einstellungen()
    assert einstellungen() is erste
    monkeypatch.setenv("SOZIALRAUM_MAX_MB", "7")
    assert einstellungen().max_mb == 7
    monkeypatch.delenv("SOZIALRAUM_MAX_MB")
    assert einstellungen() == erste
    with pytest.raises(AttributeError):
        erste.max_mb = 1  # frozen


def test_no_setting_is_read_anywhere_else() -> None:
    """Every SOZIALRAUM_* variable is read through einstellungen(), nowhere with os.environ/getenv."""
    quellen = [*(ROOT / "sozialraum_analytics").glob("*.py"), *(ROOT / "pages").glob("*.py"),
               *(ROOT / "ui").glob("*.py"), ROOT / "app.py"]
    lesen = re.compile(r"(os\.environ(\.get)?|getenv)\s*[(\[]\s*[\"']SOZIALRAUM_")
    treffer = [f"{p.name}: {m.group(0)}" for p in quellen if p.name != "einstellungen.py"
               for m in lesen.finditer(p.read_text(encoding="utf-8"))]
    assert treffer == []


# --- the one order of data sources ---------------------------------------------------------------
@pytest.fixture
def gefuellte_ablage(leer: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A store (SOZIALRAUM_DB) with one imported version."""
    from sozialraum_analytics.readers import read_table
    from sozialraum_analytics.store import Store

    url = f"sqlite:///{leer / 'quelle.db'}"
    monkeypatch.setenv("SOZIALRAUM_DB", url)
    path = FIXTURES / "kleinkreis" / "zuordnung.csv"
    store = Store(url)
    try:
        store.importieren("zuordnung", read_table(path, "zuordnung").frame, path.name, path.read_bytes())
    finally:
        store.dispose()
    return url


def test_an_empty_store_gives_the_demo(leer: Path) -> None:
    quelle = datenquelle()
    assert quelle.grund == DEMO and quelle.ordner == DEMO_DIR and not quelle.ist_datenbank


def test_the_store_once_something_was_imported(gefuellte_ablage: str) -> None:
    quelle = datenquelle()
    assert quelle.grund == DATENBANK and quelle.url == gefuellte_ablage and quelle.version == 1
    assert quelle.ordner is None


def test_the_setting_wins_over_the_store_and_the_option_over_both(gefuellte_ablage: str, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(FIXTURES / "kleinkreis"))
    assert datenquelle() == datenquelle(None)
    quelle = datenquelle()
    assert quelle.grund == EINSTELLUNG and quelle.ordner == FIXTURES / "kleinkreis"
    quelle = datenquelle(tmp_path)
    assert quelle.grund == OPTION and quelle.ordner == tmp_path


def test_a_folder_source_never_opens_the_store(leer: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def kein_store():  # noqa: ANN202
        raise AssertionError("the store was opened")

    monkeypatch.setenv("SOZIALRAUM_DATEN", str(FIXTURES / "kleinkreis"))
    assert datenquelle(store=kein_store).grund == EINSTELLUNG
    assert not (leer / "sozialraum.db").exists()


def test_command_line_and_dashboard_choose_alike(gefuellte_ablage: str, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture) -> None:
    """kennzahlen without --daten: the store before the demo, SOZIALRAUM_DATEN before the store."""
    from sozialraum_analytics.cli import main

    assert main(["kennzahlen", "--ebene", "kreis", "--format", "json"]) == 1  # the store: a Zuordnung only
    assert "Datenbank, Version 1" in capsys.readouterr().err
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(FIXTURES / "kleinkreis"))
    assert main(["kennzahlen", "--ebene", "kreis", "--format", "json"]) == 0
    assert "Datenbank" not in capsys.readouterr().err


def test_the_procedures_are_those_of_the_public_view() -> None:
    from sozialraum_analytics.einstellungen import GEHEIMHALTUNGSVERFAHREN
    from sozialraum_analytics.oeffentlich import SPERREN, VERFAHREN

    assert set(GEHEIMHALTUNGSVERFAHREN) == set(VERFAHREN) and GEHEIMHALTUNGSVERFAHREN[0] == SPERREN
