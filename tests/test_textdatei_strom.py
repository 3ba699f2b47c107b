"""A large text file on disk is read by Arrow itself (issue 18): the same table as from its bytes.

``dialect.STROM_AB`` (8 MB) is set to 0 here and the first part Python reads (``_KOPF``) to a few
hundred bytes, so that small files take that path: with a BOM, Windows-1252 text after the first
part (Arrow stops, the whole file is decoded), rows with too many cells, UTF-16, a file of blanks.
"""

from __future__ import annotations

import numpy as np
import pytest

from sozialraum_analytics import dialect, lesen
from sozialraum_analytics.dialect import FileFormatError, read_text_table

KOPF = "raum_id;hilfeart;beginn\n"
ZEILEN = "".join(f"0831700{i % 7 + 1};§ 34;0{i % 9 + 1}.03.2023\n" for i in range(200))

DATEIEN = {
    "utf8": (KOPF + ZEILEN).encode("utf-8"),
    "bom": b"\xef\xbb\xbf" + (KOPF + ZEILEN).encode("utf-8"),
    # "Größe" in Windows-1252 after the first part: only Arrow's reading finds it is not UTF-8.
    "cp1252_spaet": (KOPF + ZEILEN.replace("§ ", "") + "08317001;Größe;01.03.2023\n").encode("cp1252"),
    "zellen_zu_viel": (KOPF + ZEILEN + "08317001;§ 34;01.03.2023;x;y\n" + ZEILEN[:200]).encode("utf-8"),
    "utf16": (KOPF + ZEILEN).replace(";", "\t").encode("utf-16"),
    "leerzeilen": (KOPF + ZEILEN[:500] + "\n;;\n" + ZEILEN[:300]).encode("utf-8"),
}


@pytest.fixture
def strom(monkeypatch):
    """The files Arrow read itself (not from the bytes Python read)."""
    monkeypatch.setattr(dialect, "STROM_AB", 0)
    monkeypatch.setattr(lesen, "STROM_AB", 0)
    monkeypatch.setattr(dialect, "_KOPF", 300)
    gelesen = []
    original = dialect._arrow_csv

    def arrow_csv(body, *args):  # noqa: ANN001, ANN202
        gelesen.append(body)
        return original(body, *args)

    monkeypatch.setattr(dialect, "_arrow_csv", arrow_csv)
    return gelesen


@pytest.mark.parametrize("art", sorted(DATEIEN))
def test_gleich_wie_aus_den_bytes(tmp_path, strom, art):
    path = tmp_path / "faelle.csv"
    path.write_bytes(DATEIEN[art])
    aus_bytes = read_text_table(path, path.read_bytes())
    strom.clear()
    # The first part alone decides encoding and separator; Arrow reads the file (UTF-16: converted whole).
    gelesen = read_text_table(path)
    assert (strom[0] == path) == (art != "utf16")
    assert gelesen.columns == aus_bytes.columns
    assert gelesen.table.equals(aus_bytes.table)
    np.testing.assert_array_equal(gelesen.excel_rows, aus_bytes.excel_rows)
    assert (gelesen.encoding, gelesen.delimiter, gelesen.bad_rows) == (
        aus_bytes.encoding, aus_bytes.delimiter, aus_bytes.bad_rows)
    if art == "cp1252_spaet":
        assert gelesen.encoding == "cp1252" and "Größe" in gelesen.table.column("hilfeart").to_pylist()
    if art == "zellen_zu_viel":
        assert gelesen.bad_rows == ((202, 3, 5),)
    if art == "leerzeilen":
        # 20 rows (Excel rows 2–21), a blank line and one of empty cells (22, 23, dropped), 12 rows more.
        assert gelesen.excel_rows.tolist() == [*range(2, 22), *range(24, 36)]


def test_leere_datei_bleibt_leer(tmp_path, strom):
    path = tmp_path / "faelle.csv"
    path.write_bytes(b" \r\n" * 400)
    with pytest.raises(FileFormatError, match="leer"):
        read_text_table(path)


def test_datei_lesen_vom_datentraeger_gleich(tmp_path, strom, monkeypatch):
    """The whole reader (checks, report) gives the same from the disk as from the bytes of an upload."""
    path = tmp_path / "faelle.csv"
    path.write_bytes(DATEIEN["zellen_zu_viel"])
    vom_datentraeger = lesen.datei_lesen(path, "faelle")
    assert strom == [path]
    hochgeladen = lesen.datei_lesen(path.read_bytes(), "faelle", name="faelle.csv")
    assert vom_datentraeger.frame.equals(hochgeladen.frame)
    assert vom_datentraeger.report.problems == hochgeladen.report.problems
    assert not vom_datentraeger.ok  # the row with five cells is an error
