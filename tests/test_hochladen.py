"""Checking uploads before they are stored: limits, unsafe zips, geometries in any CRS, column mappings."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from sozialraum_analytics.hochladen import (
    UnsichereDatei,
    fehlende_pflichtspalten,
    grenzen,
    kopfzeile,
    pruefe_datei,
    sicher_entpacken,
    vorschau,
)
from sozialraum_analytics.store import Store

from .conftest import KLEINKREIS


def zip_bytes(files: dict[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


@pytest.mark.parametrize(("files", "symlink", "message"), [
    ({"../../boese.txt": b"x"}, None, "unzulässigen Pfad „../../boese.txt“"),
    ({"/etc/cron.d/boese": b"x"}, None, "unzulässigen Pfad"),
    ({"ok.txt": b"x"}, "link", "Verknüpfung"),
    ({"null.bin": b"\0" * 5_000_000}, None, "würde entpackt 5 MB groß; erlaubt sind höchstens 1 MB"),
    ({f"f{i}.txt": b"x" for i in range(51)}, None, "51 Dateien"),
])
def test_unsafe_zips_are_refused_before_anything_is_written(tmp_path: Path, files, symlink, message: str) -> None:
    with pytest.raises(UnsichereDatei, match=message.replace("(", r"\(")):
        sicher_entpacken(zip_bytes(files, symlink), tmp_path / "ziel", max_bytes=1_000_000)
    assert not (tmp_path / "boese.txt").exists() and not any((tmp_path / "ziel").rglob("*.txt"))


def test_a_safe_zip_unpacks_into_its_folder(tmp_path: Path) -> None:
    out = sicher_entpacken(zip_bytes({"a/b.txt": b"hallo"}), tmp_path, max_bytes=1000)
    assert out == [tmp_path.resolve() / "a" / "b.txt"] and out[0].read_bytes() == b"hallo"


def test_limits_are_configurable_and_stated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOZIALRAUM_MAX_MB", "0,0001")  # 100 bytes
    monkeypatch.setenv("SOZIALRAUM_MAX_ZEILEN", "3")
    assert grenzen().max_bytes == 100 and grenzen().max_zeilen == 3
    data = (KLEINKREIS / "faelle.csv").read_bytes()
    result = pruefe_datei("faelle", "faelle.csv", data)
    assert result.frame is None and "erlaubt sind höchstens 0 MB und 3 Zeilen je Datei" in result.report.lines()[1]
    monkeypatch.setenv("SOZIALRAUM_MAX_MB", "10")
    result = pruefe_datei("faelle", "faelle.csv", data)
    assert result.frame is None
    assert any("erlaubt sind höchstens 3 Zeilen" in line for line in result.report.lines())


def test_a_zipped_shapefile_in_gauss_krueger_lands_in_wgs84(tmp_path: Path) -> None:
    """Two squares in EPSG:31467 (Gauss-Krüger zone 3) around Offenburg, one outside the Kreis prefix."""
    squares = gpd.GeoDataFrame({"AGS": ["08317096", "08316001"], "GEN": ["Offenburg", "Anderswo"]},
                               geometry=[shapely.box(3_421_000, 5_369_000, 3_423_000, 5_371_000),
                                         shapely.box(3_430_000, 5_369_000, 3_432_000, 5_371_000)], crs=31467)
    squares.to_file(tmp_path / "gemeinden.shp")
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.stem == "gemeinden"}
    result = pruefe_datei("gebiete", "gemeinden.zip", zip_bytes(files), kreis="08317")
    assert result.report.ok, result.report.lines()
    frame = result.frame
    assert list(frame["raum_id"]) == ["08317096"] and list(frame["name"]) == ["Offenburg"]
    assert frame.crs.to_epsg() == 4326
    lon, lat = frame.geometry.iloc[0].centroid.coords[0]
    assert 7.9 < lon < 8.0 and 48.45 < lat < 48.5  # Offenburg
    assert list(vorschau(frame).columns) == ["raum_id", "name", "Geometrie"]


def test_unknown_headers_are_mapped_and_the_mapping_is_kept(tmp_path: Path) -> None:
    data = "X1;X2;X3;X4;X5\nF1;08111001;§ 34;01.01.2023;\n".encode()
    kopf = kopfzeile("export.csv", data)
    assert kopf == ["X1", "X2", "X3", "X4", "X5"]
    fehlt = fehlende_pflichtspalten("faelle", kopf)
    assert set(fehlt) == {"raum_id", "hilfeart", "beginn"}  # fall_id is optional in the contract
    mapping = {"X1": "fall_id", "X2": "raum_id", "X3": "hilfeart", "X4": "beginn",
               "X5": "ende"}
    assert fehlende_pflichtspalten("faelle", kopf, mapping) == []
    result = pruefe_datei("faelle", "export.csv", data, mapping=mapping)
    assert result.report.ok and result.frame["fall_id"].tolist() == ["F1"]
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    store.zuordnung_speichern("faelle", "Fachverfahren <X>", mapping)
    store.dispose()
    again = Store(f"sqlite:///{tmp_path / 's.db'}")
    assert again.zuordnungen("faelle") == {"Fachverfahren <X>": mapping}
    assert again.zuordnungen("kosten") == {}
    again.dispose()


def test_wrong_file_types_get_a_german_message() -> None:
    result = pruefe_datei("gebiete", "gebiete.csv", b"a;b\n1;2\n")
    assert result.frame is None and "GeoJSON, GeoPackage oder ein gezipptes Shapefile" in result.report.lines()[1]
    result = pruefe_datei("faelle", "faelle.pdf", b"%PDF")
    assert result.frame is None and "erwartet wird eine Tabelle" in result.report.lines()[1]


@pytest.mark.parametrize(("art", "name", "data", "message"), [
    ("faelle", "faelle.csv", b"", "Die Datei ist leer."),
    ("faelle", "faelle.xlsx", b"PK\x03\x04 kaputt", "Die Excel-Datei lässt sich nicht öffnen"),
    ("bevoelkerung", "bev.csv", b"jahr;raum_id;altersgruppe;anzahl\n2023;08111001;unter 3;10\n"
                                b"2023;08111001;3 bis unter 6;-5\n",
     'Zeile 3, Spalte "anzahl": "-5" ist negativ, erwartet wird eine Anzahl Einwohner (0 oder mehr)'),
    ("gebiete", "g.zip", b"keinzip", "g.zip ist keine gültige Zip-Datei"),
    ("gebiete", "g.geojson", b"{kaputt", "Die Geometriedatei lässt sich nicht lesen: erwartet wird GeoJSON"),
])
def test_broken_uploads_get_a_german_message_and_no_table(art: str, name: str, data: bytes, message: str) -> None:
    result = pruefe_datei(art, name, data)
    assert not result.report.ok
    assert any(message in line for line in result.report.lines()), result.report.lines()
    assert "/tmp" not in "\n".join(result.report.lines())  # no temporary paths in what the planner reads
