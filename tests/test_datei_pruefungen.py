"""The CLI checks what the page checks (issue 15, point 7): one size limit, safe zips, long cells, UTF-16.

Each refusal: a German message naming the file (and row or zip member), exit code 1 from
``pruefen``/``importieren``, no traceback, nothing stored. The page path is the shared check
:func:`hochladen.pruefe_datei`; the CLI runs in process through :func:`cli.main`.
"""

from __future__ import annotations

import csv
import io
import pathlib
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from sozialraum_analytics import hochladen
from sozialraum_analytics.cli import main
from sozialraum_analytics.hochladen import UnsichereDatei, grenzen, groesse_pruefen, pruefe_datei, sicher_entpacken
from sozialraum_analytics.readers import read_table
from sozialraum_analytics.store import Store

from .conftest import FIXTURES, cli

ZUORDNUNG = (FIXTURES / "winzkreis" / "zuordnung.csv").read_text(encoding="utf-8")
# About 1.4 KB: 40 Planungsräume in two Sozialräume.
GROSS = "raum_id;name;sozialraum_id;sozialraum_name\n" + "".join(
    f"083990{i:02d};Ort {i};SR{i % 2 + 1};Sozialraum {i % 2 + 1}\n" for i in range(1, 41))


@pytest.fixture
def ablage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty store of its own (a SQLite file) and default limits."""
    for name in ("SOZIALRAUM_MAX_MB", "SOZIALRAUM_MAX_ENTPACKT_MB", "SOZIALRAUM_MAX_ZEILEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOZIALRAUM_ABLAGE", str(tmp_path / "ablage"))
    monkeypatch.setenv("SOZIALRAUM_DB", str(tmp_path / "ablage.db"))
    return f"sqlite:///{tmp_path / 'ablage.db'}"


def versionen(db: str) -> int:
    store = Store(db)
    try:
        return len(store.versionen())
    finally:
        store.dispose()


def abgelehnt(capsys: pytest.CaptureFixture, argv: list[str]) -> str:
    """Run the CLI, expect a refusal (exit 1) without traceback or "unexpected error"; its output."""
    code = main(argv)
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 1, text
    assert "Traceback" not in text and "Unerwarteter Fehler" not in text and "Error" not in text, text
    return text


# --- one size limit, checked before the file is read ----------------------------------------------

def test_one_size_limit_with_one_default_and_fractional_megabytes(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SOZIALRAUM_MAX_MB", "SOZIALRAUM_MAX_ENTPACKT_MB"):
        monkeypatch.delenv(name, raising=False)
    standard = grenzen()
    assert standard.max_bytes == 200_000_000 and standard.max_entpackt == 100_000_000
    monkeypatch.setenv("SOZIALRAUM_MAX_MB", "0.001")
    assert grenzen().max_bytes == 1000
    monkeypatch.setenv("SOZIALRAUM_MAX_MB", "0,5")
    assert grenzen().max_bytes == 500_000
    # Unpacking is capped by the lower limit: never more than a file may have.
    assert grenzen().max_entpackt == 500_000
    for unsinn in ("abc", "-3", "0", "nan"):
        monkeypatch.setenv("SOZIALRAUM_MAX_MB", unsinn)
        assert grenzen().max_bytes == 200_000_000, unsinn
    monkeypatch.setenv("SOZIALRAUM_MAX_MB", "0.001")
    assert groesse_pruefen("x.csv", 1000) is None
    text = groesse_pruefen("x.csv", 305_000_000)
    assert text.startswith("Die Datei „x.csv“ ist 305 MB groß") and "SOZIALRAUM_MAX_MB: 0,001 MB" in text


@pytest.mark.parametrize("grenze", ["0.001", "0,001"])
def test_importieren_refuses_a_file_over_the_limit_without_reading_it(
        tmp_path: Path, ablage: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture,
        grenze: str) -> None:
    path = tmp_path / "zuordnung.csv"
    path.write_text(GROSS, encoding="utf-8")  # about 1.5 KB
    monkeypatch.setenv("SOZIALRAUM_MAX_MB", grenze)
    gelesen = []
    original = pathlib.Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        gelesen.append(self.name)
        return original(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    for befehl in (["importieren", "--art", "zuordnung"], ["pruefen"], ["pruefen", "--art", "zuordnung"]):
        text = abgelehnt(capsys, [*befehl, str(path)])
        assert "Die Datei „zuordnung.csv“ ist 0,0014 MB groß" in text and "SOZIALRAUM_MAX_MB: 0,001 MB" in text
    assert "zuordnung.csv" not in gelesen  # the size on disk decided
    assert versionen(ablage) == 0
    # Within the limit the same file is stored.
    monkeypatch.setenv("SOZIALRAUM_MAX_MB", "0.01")
    assert main(["importieren", "--art", "zuordnung", str(path)]) == 0
    assert versionen(ablage) == 1


def test_the_page_and_folder_loads_use_the_same_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = (GROSS).encode("utf-8")
    monkeypatch.setenv("SOZIALRAUM_MAX_MB", "0.001")
    seite = pruefe_datei("zuordnung", "zuordnung.csv", data)
    assert seite.frame is None and seite.report.errors[0].text().startswith("Die Datei „zuordnung.csv“ ist 0,0014 MB")
    path = tmp_path / "zuordnung.csv"
    path.write_bytes(data)
    ordner = read_table(path, "zuordnung")  # SOZIALRAUM_DATEN folder loads
    assert ordner.frame is None and ordner.report.errors[0].text() == seite.report.errors[0].text()


def test_the_command_exits_1_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "zuordnung.csv"
    path.write_text(GROSS, encoding="utf-8")
    env = {"SOZIALRAUM_ABLAGE": str(tmp_path), "SOZIALRAUM_DB": str(tmp_path / "ablage.db"), "SOZIALRAUM_MAX_MB": "0.001"}
    result = cli("importieren", "--art", "zuordnung", str(path), env=env)
    assert result.returncode == 1
    assert "Die Datei „zuordnung.csv“ ist 0,0014 MB groß" in result.stderr and "Nichts gespeichert" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


# --- zips: paths outside the folder, zip bombs ------------------------------------------------------

def shapefile_zip(extra: dict[str, bytes] | None = None, praefix: str = "") -> bytes:
    """A zipped shapefile of one area (in memory), plus ``extra`` members."""
    import tempfile

    frame = gpd.GeoDataFrame({"AGS": ["08317096"], "GEN": ["Offenburg"]},
                             geometry=[shapely.box(7.9, 48.4, 8.0, 48.5)], crs=4326)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        frame.to_file(Path(folder) / "gebiete.shp")
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).iterdir()):
                archive.write(path, praefix + path.name)
            for name, data in (extra or {}).items():
                archive.writestr(name, data)
    return buffer.getvalue()


def test_a_good_shapefile_zip_is_imported(tmp_path: Path, ablage: str) -> None:
    path = tmp_path / "gebiete.zip"
    path.write_bytes(shapefile_zip())
    assert main(["importieren", "--art", "gebiete", str(path)]) == 0
    assert versionen(ablage) == 1


@pytest.mark.parametrize(("member", "grund"), [
    ("../../boese.txt", "„..“ im Pfad"),
    ("daten/../../boese.txt", "„..“ im Pfad"),
    ("/tmp/boese.txt", "absoluter Pfad"),
    ("C:/Windows/boese.txt", "absoluter Pfad"),
    ("..\\..\\boese.txt", "„..“ im Pfad"),
])
def test_zips_with_paths_outside_the_folder_are_refused(tmp_path: Path, ablage: str, capsys: pytest.CaptureFixture,
                                                         member: str, grund: str) -> None:
    path = tmp_path / "gebiete.zip"
    path.write_bytes(shapefile_zip({member: b"boese"}))
    for befehl in (["importieren", "--art", "gebiete"], ["pruefen", "--art", "gebiete"]):
        text = abgelehnt(capsys, [*befehl, str(path)])
        assert f"gebiete.zip enthält den unzulässigen Pfad „{member}“" in text and grund in text, text
    assert versionen(ablage) == 0
    assert not list(tmp_path.rglob("boese.txt")) and not Path("/tmp/boese.txt").exists()
    # The page: the same check, the same message.
    seite = pruefe_datei("gebiete", "gebiete.zip", path.read_bytes())
    assert seite.frame is None and f"unzulässigen Pfad „{member}“" in seite.report.errors[0].text()


def bomb(megabytes: int = 50) -> bytes:
    """A zipped shapefile with a member of ``megabytes`` MB of zeros (about 50 KB packed)."""
    buffer = io.BytesIO(shapefile_zip())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("gebiete.dbf.bak", "w") as member:
        block = bytes(1 << 20)
        for _ in range(megabytes):
            member.write(block)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bombe() -> bytes:
    return bomb(50)


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path: Path, ablage: str, bombe: bytes,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture) -> None:
    assert len(bombe) < 200_000
    path = tmp_path / "gebiete.zip"
    path.write_bytes(bombe)
    monkeypatch.setenv("SOZIALRAUM_MAX_MB", "1")  # the zip (~50 KB) passes the file limit
    monkeypatch.setenv("SOZIALRAUM_MAX_ENTPACKT_MB", "10")

    def kein_entpacken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("unpacked before refused")

    monkeypatch.setattr(zipfile.ZipFile, "open", kein_entpacken)
    for befehl in (["importieren", "--art", "gebiete"], ["pruefen", "--art", "gebiete"]):
        text = abgelehnt(capsys, [*befehl, str(path)])
        # Capped by the lower of the two limits (1 MB file limit), naming the member.
        assert "gebiete.zip würde entpackt 52 MB groß; erlaubt sind höchstens 1 MB" in text, text
        assert "„gebiete.dbf.bak“ mit 52 MB" in text and "SOZIALRAUM_MAX_ENTPACKT_MB" in text
    assert versionen(ablage) == 0
    seite = pruefe_datei("gebiete", "gebiete.zip", bombe)
    assert seite.frame is None and "„gebiete.dbf.bak“" in seite.report.errors[0].text()


def test_a_zip_bomb_under_the_cap_is_refused_by_its_compression_ratio(tmp_path: Path, ablage: str, bombe: bytes,
                                                                       capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "gebiete.zip"
    path.write_bytes(bombe)  # 52 MB unpacked: under the default cap of 100 MB
    text = abgelehnt(capsys, ["importieren", "--art", "gebiete", str(path)])
    assert "gebiete.zip: die Datei „gebiete.dbf.bak“ ist" in text and "-fach gepackt" in text
    assert "Zip-Bomben" in text and versionen(ablage) == 0
    with pytest.raises(UnsichereDatei, match="gebiete.dbf.bak"):
        sicher_entpacken(bombe, tmp_path / "ziel")
    assert not (tmp_path / "ziel").exists() or not any((tmp_path / "ziel").iterdir())


def test_a_zip_that_lies_about_its_sizes_stops_while_unpacking(tmp_path: Path) -> None:
    data = bytearray(shapefile_zip({"luege.bin": b"x" * 5000}, praefix=""))
    # Patch the declared size (central directory and local header) of luege.bin down to 10 bytes.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("luege.bin")
    zentral = bytes(data).rfind(b"PK\x01\x02", 0, bytes(data).find(b"luege.bin", info.header_offset + 31))
    data[zentral + 24:zentral + 28] = (10).to_bytes(4, "little")
    data[info.header_offset + 22:info.header_offset + 26] = (10).to_bytes(4, "little")
    with pytest.raises(UnsichereDatei, match="„luege.bin“ lässt sich nicht entpacken"):
        sicher_entpacken(bytes(data), tmp_path / "ziel", max_bytes=4000)
    # Declared 10 bytes, packed as stored: the real 5,000 bytes are counted while unpacking.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("luege.bin", b"x" * 5000)
    gross = bytearray(buffer.getvalue())
    for start in (0, gross.find(b"PK\x01\x02")):
        feld = start + (22 if start == 0 else 24)
        gross[feld:feld + 4] = (10).to_bytes(4, "little")
    with pytest.raises(UnsichereDatei):
        sicher_entpacken(bytes(gross), tmp_path / "ziel2", max_bytes=4000)


def test_a_damaged_or_encrypted_zip_gets_a_german_message(tmp_path: Path, ablage: str,
                                                          capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "gebiete.zip"
    path.write_bytes(b"PK\x03\x04 kaputt")
    assert "gebiete.zip ist keine gültige Zip-Datei" in abgelehnt(capsys, ["importieren", "--art", "gebiete", str(path)])
    data = bytearray(shapefile_zip())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.infolist()[0]
    data[info.header_offset + 6] |= 0x1  # "encrypted" in the local header and the central directory
    zentral = bytes(data).find(b"PK\x01\x02")
    data[zentral + 8] |= 0x1
    path.write_bytes(bytes(data))
    text = abgelehnt(capsys, ["importieren", "--art", "gebiete", str(path)])
    assert f"„{info.filename}“ lässt sich nicht entpacken (verschlüsselt)" in text and versionen(ablage) == 0


def test_a_zip_packed_with_an_unknown_method_gets_a_german_message(tmp_path: Path) -> None:
    """Method 99 (AES, which Python cannot unpack): zipfile raises NotImplementedError; the planner reads why."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("daten.csv", b"a;b\n1;2\n")
    data = bytearray(buffer.getvalue())
    zentral = bytes(data).find(b"PK\x01\x02")
    data[8:10] = (99).to_bytes(2, "little")  # the method in the local header and the central directory
    data[zentral + 10:zentral + 12] = (99).to_bytes(2, "little")
    with pytest.raises(UnsichereDatei) as fehler:
        sicher_entpacken(bytes(data), tmp_path / "ziel", max_bytes=4000, name="daten.zip")
    assert str(fehler.value) == ("daten.zip: die Datei „daten.csv“ lässt sich nicht entpacken (beschädigt oder mit "
                                 "einem unbekannten Verfahren gepackt).")


def test_a_broken_zip_is_named_without_python_text(capsys: pytest.CaptureFixture, tmp_path: Path, ablage: str) -> None:
    path = tmp_path / "gebiete.zip"
    path.write_bytes(b"PK\x03\x04 kaputt")
    text = abgelehnt(capsys, ["importieren", "--art", "gebiete", str(path)])
    assert "gebiete.zip ist keine gültige Zip-Datei (beschädigt oder kein Zip-Archiv)" in text
    assert "File is not a zip file" not in text and versionen(ablage) == 0


# --- long cells ---------------------------------------------------------------------------------------

def test_a_cell_longer_than_131072_characters_is_read(tmp_path: Path, ablage: str,
                                                      capsys: pytest.CaptureFixture) -> None:
    lang = "Sozialraum " + "x" * 200_000
    path = tmp_path / "zuordnung.csv"
    # A row of the wrong width as well: the record-by-record reader meets the long cell, too.
    path.write_text(ZUORDNUNG + f"08399009;Weiler;SR2;{lang}\n", encoding="utf-8")
    assert main(["pruefen", "--art", "zuordnung", str(path)]) == 0, capsys.readouterr().out
    assert main(["importieren", "--art", "zuordnung", str(path)]) == 0
    assert versionen(ablage) == 1
    breit = tmp_path / "zuordnung_breit.csv"
    breit.write_text(ZUORDNUNG + f"08399009;Weiler;SR2;{lang};zu viel\n", encoding="utf-8")
    text = abgelehnt(capsys, ["importieren", "--art", "zuordnung", str(breit)])
    assert "Zeile 5" in text and versionen(ablage) == 1


def test_a_cell_longer_than_a_read_block_is_read(tmp_path: Path) -> None:
    lang = "y" * 17_000_000  # longer than pyarrow's 16 MB block
    data = (ZUORDNUNG + f"08399009;Weiler;SR2;{lang}\n").encode("utf-8")
    result = pruefe_datei("zuordnung", "zuordnung.csv", data)
    assert result.ok, result.report.lines()
    assert result.frame["sozialraum_name"].str.len().max() == 17_000_000


def test_a_cell_the_csv_module_refuses_gets_a_german_message_with_the_row(monkeypatch: pytest.MonkeyPatch,
                                                                          ablage: str, tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture) -> None:
    alt = csv.field_size_limit()
    path = tmp_path / "zuordnung.csv"
    path.write_text(ZUORDNUNG + "08399009;Weiler;SR2;" + "z" * 5000 + ";zu viel\n", encoding="utf-8")
    try:
        csv.field_size_limit(1000)
        text = abgelehnt(capsys, ["importieren", "--art", "zuordnung", str(path)])
    finally:
        csv.field_size_limit(alt)
    assert "Datei zuordnung.csv" in text and "Zeile 5: die Datei lässt sich dort nicht als Tabelle lesen: ein Feld " \
        "ist länger als 1.000 Zeichen" in text
    assert versionen(ablage) == 0


# --- UTF-16 (Excel "Unicode-Text") ---------------------------------------------------------------------

def unicode_text(encoding: str = "utf-16-le", bom: bool = True) -> bytes:
    """As Excel saves "Unicode-Text (*.txt)": UTF-16LE with BOM, tab-separated, CRLF."""
    text = ZUORDNUNG.replace(";", "\t").replace("\n", "\r\n").replace("Altdorf", "Ältdörf")
    return ("\ufeff" if bom else "").encode(encoding) + text.encode(encoding)


@pytest.mark.parametrize(("encoding", "bom"), [("utf-16-le", True), ("utf-16-le", False), ("utf-16-be", True)])
def test_utf16_unicode_text_is_read(tmp_path: Path, ablage: str, encoding: str, bom: bool) -> None:
    data = unicode_text(encoding, bom)
    seite = pruefe_datei("zuordnung", "zuordnung.txt", data)
    assert seite.ok, seite.report.lines()
    assert list(seite.frame["name"])[:2] == ["Ältdörf", "Bergheim"] and list(seite.frame["zeile"])[:2] == [2, 3]
    path = tmp_path / "zuordnung.txt"
    path.write_bytes(data)
    assert main(["pruefen", str(path)]) == 0  # kind by name, columns read
    assert main(["importieren", "--art", "zuordnung", str(path)]) == 0
    store = Store(ablage)
    try:
        assert "Ältdörf" in set(store.tabelle("zuordnung")["name"])
    finally:
        store.dispose()


def test_a_broken_utf16_file_is_refused_in_german(tmp_path: Path, ablage: str, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "zuordnung.txt"
    path.write_bytes(unicode_text() + "\ud800".encode("utf-16-le", "surrogatepass") + "x".encode("utf-16-le"))
    text = abgelehnt(capsys, ["importieren", "--art", "zuordnung", str(path)])
    assert "Unicode-Text (UTF-16)" in text and "ungültige Zeichen" in text and versionen(ablage) == 0


def test_the_excel_row_of_an_error_in_a_utf16_file(tmp_path: Path) -> None:
    data = unicode_text().replace("SR2".encode("utf-16-le"), b"", 1)  # row 4 without Sozialraum
    result = pruefe_datei("zuordnung", "zuordnung.txt", data)
    assert not result.ok
    assert any("Zeile 4" in line for line in result.report.lines()), result.report.lines()


def test_pruefe_pfad_checks_the_size_on_disk_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "zuordnung.csv"
    path.write_text(GROSS, encoding="utf-8")
    monkeypatch.setenv("SOZIALRAUM_MAX_MB", "0.001")
    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda self: pytest.fail("read before the size check"))
    result = hochladen.pruefe_pfad("zuordnung", path)
    assert result.frame is None and "SOZIALRAUM_MAX_MB" in result.report.errors[0].text()
    fehlt = hochladen.pruefe_pfad("zuordnung", tmp_path / "fehlt.csv")
    assert fehlt.frame is None and "Die Datei „fehlt.csv“ lässt sich nicht öffnen" in fehlt.report.errors[0].text()


def test_the_pages_header_and_layer_helpers_respect_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page reads the headers (column mapping) and layers before the check: they honour it, too."""
    monkeypatch.delenv("SOZIALRAUM_MAX_MB", raising=False)
    monkeypatch.delenv("SOZIALRAUM_MAX_ENTPACKT_MB", raising=False)
    assert hochladen.kopfzeile("zuordnung.txt", unicode_text()) == ["raum_id", "name", "sozialraum_id",
                                                                    "sozialraum_name"]
    assert hochladen.ebenen_der_datei("gebiete.zip", shapefile_zip({"b/andere.geojson": b"{}"})) == ["andere",
                                                                                                      "gebiete"]
    monkeypatch.setenv("SOZIALRAUM_MAX_MB", "0.0001")
    assert hochladen.kopfzeile("zuordnung.txt", unicode_text()) == []
    assert hochladen.ebenen_der_datei("gebiete.zip", shapefile_zip({"b/andere.geojson": b"{}"})) == []


def test_a_long_cell_in_the_wrong_column_is_named_by_its_start(tmp_path: Path) -> None:
    data = ("raum_id;hilfeart;beginn;ende\n08317001;§ 34;" + "3" * 150_000 + ";\n").encode("utf-8")
    result = pruefe_datei("faelle", "faelle.csv", data)
    fehler = [p for p in result.report.errors if p.spalte == "beginn"]
    assert fehler and fehler[0].zeile == 2 and "(150.000 Zeichen)" in fehler[0].text()
    assert len(fehler[0].text()) < 400


def test_the_limit_is_stated_as_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOZIALRAUM_MAX_MB", "2,5")
    assert grenzen().text == "höchstens 2,5 MB und 5.000.000 Zeilen je Datei"  # the page's caption
    assert groesse_pruefen("a.csv", 3_000_000).startswith("Die Datei „a.csv“ ist 3 MB groß; erlaubt sind höchstens 2,5 MB")
    assert groesse_pruefen("a.csv", 2_500_001).startswith("Die Datei „a.csv“ ist 2.500.001 Bytes groß")
    assert groesse_pruefen("a.csv", 2_500_000) is None
