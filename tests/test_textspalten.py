"""Distinct case numbers by hash (issue 18): the same count as Arrow's exact ``unique``."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from sozialraum_analytics import textspalten


def _spalte(werte: list[str], chunks: int = 3) -> pa.ChunkedArray:
    teile = np.array_split(np.array(werte, dtype=object), chunks)
    return pa.chunked_array([pa.array(list(teil), pa.string()) for teil in teile])


@pytest.mark.parametrize("art", ["gleich_lang", "verschieden_lang", "doppelt", "leer", "lang"])
def test_verschiedene_wie_unique(art):
    rng = np.random.default_rng(18)
    nummern = rng.permutation(50_000)
    werte = {
        "gleich_lang": [f"F-{i:07d}" for i in nummern],
        "verschieden_lang": [f"F{i}" for i in nummern],
        "doppelt": [f"F-{i:07d}" for i in nummern] + ["F-0000042", "F-0000042"],
        "leer": ["", "", "A", "B", ""],
        "lang": [f"Aktenzeichen 2024/{i:09d}/Jugendamt" for i in nummern[:1000]] * 2,
    }[art]
    spalte = _spalte(werte)
    assert textspalten.verschiedene(spalte) == len(pc.unique(spalte)) == len(set(werte))


def test_gleich_lange_werte_wie_im_allgemeinen_weg():
    """Equally long values are read at a fixed step; the hash is the one of the general path."""
    werte = [f"F-{i:07d}" for i in range(1000)]
    gleich_lang = textspalten.hash64(pa.array(werte))
    gemischt = textspalten.hash64(pa.array([*werte, "F-1"]))  # one shorter value: the general path
    np.testing.assert_array_equal(gleich_lang, gemischt[:-1])
    assert len(set(gleich_lang.tolist())) == 1000


def test_gleiche_hashes_werden_genau_gezaehlt(monkeypatch):
    """Where two hashes agree the values themselves are counted (here every hash agrees)."""
    monkeypatch.setattr(textspalten, "hash64", lambda values: np.zeros(len(values), dtype=np.uint64))
    assert textspalten.verschiedene(pa.array(["a", "b", "c", "a"])) == 3


@pytest.mark.parametrize("fall", ["keiner", "im_selben_eimer", "weit_auseinander", "ein_eimer"])
def test_gleiche_hashes_werden_gefunden(fall):
    """The compiled search for two equal hashes (buckets by the top 16 bits) against numpy's sort."""
    rng = np.random.default_rng(7)
    hashes = rng.integers(0, np.iinfo(np.uint64).max, 200_000, dtype=np.uint64, endpoint=True)
    if fall == "im_selben_eimer":
        hashes[123_456] = hashes[17]
    elif fall == "weit_auseinander":
        hashes[-1] = hashes[0]
    elif fall == "ein_eimer":  # every hash in one bucket: one sort of all
        hashes = (hashes >> np.uint64(16)) | np.uint64(0xABCD << 48)
        hashes[5] = hashes[99_999]
    sortiert = np.sort(hashes)
    erwartet = bool((sortiert[1:] == sortiert[:-1]).any())
    assert erwartet == (fall != "keiner")
    assert textspalten._doppelt(hashes) is erwartet
