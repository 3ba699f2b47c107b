"""The embedded store holds case-level data: its folder 0700, the database and its WAL files 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sozialraum_analytics.readers import read_table
from sozialraum_analytics.store import Store, default_url

from .conftest import KLEINKREIS

ROOT = Path(__file__).resolve().parents[1]


def modus(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def geschwister(db: Path) -> list[Path]:
    return [db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]


def importieren(store: Store) -> None:
    path = KLEINKREIS / "faelle.csv"
    store.importieren("faelle", read_table(path, "faelle").frame, path.name, path.read_bytes(), benutzer="test")


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_a_new_store_is_closed_to_others(tmp_path: Path, umask: int) -> None:
    folder = tmp_path / "neu" / "ablage"
    db = folder / "sozialraum.db"
    old = os.umask(umask)
    try:
        store = Store(f"sqlite:///{db}")
        importieren(store)
        assert modus(folder) == 0o700
        assert modus(db) == 0o600
        present = [p for p in geschwister(db) if p.exists()]
        assert present, "WAL: the -wal and -shm files exist while the store is open"
        assert all(modus(p) == 0o600 for p in present), {p.name: oct(modus(p)) for p in present}
        store.dispose()
    finally:
        os.umask(old)


def test_the_default_folder_is_created_0700(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOZIALRAUM_DB", raising=False)
    monkeypatch.setenv("SOZIALRAUM_ABLAGE", str(tmp_path / "ablage"))
    store = Store(default_url())
    assert modus(tmp_path / "ablage") == 0o700 and modus(tmp_path / "ablage" / "sozialraum.db") == 0o600
    store.dispose()


def test_an_existing_folder_keeps_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "geteilt"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    Store(f"sqlite:///{folder / 'sozialraum.db'}").dispose()
    assert modus(folder) == 0o755  # not ours to change: only a folder the store creates is closed
    assert modus(folder / "sozialraum.db") == 0o600


def test_looser_files_are_tightened_on_open(tmp_path: Path) -> None:
    db = tmp_path / "sozialraum.db"
    store = Store(f"sqlite:///{db}")
    importieren(store)
    store.dispose()
    for path in [db, *geschwister(db)]:
        path.touch()
        path.chmod(0o644)
    store = Store(f"sqlite:///{db}")
    assert store.aktuelle_version().id == 1
    assert {p.name: oct(modus(p)) for p in [db, *geschwister(db)] if p.exists()} == {
        p.name: "0o600" for p in [db, *geschwister(db)] if p.exists()}
    store.dispose()


def test_a_file_of_another_owner_is_opened_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "sozialraum.db"
    Store(f"sqlite:///{db}").dispose()
    db.chmod(0o640)

    def not_the_owner(self: Path, mode: int) -> None:
        raise PermissionError(1, "Operation not permitted", str(self))

    monkeypatch.setattr(Path, "chmod", not_the_owner)
    store = Store(f"sqlite:///{db}")
    assert store.aktuelle_version() is None
    store.dispose()
    assert modus(db) == 0o640


def test_git_ignores_databases_accounts_and_secrets() -> None:
    eintraege = {line.strip() for line in (ROOT / ".gitignore").read_text().splitlines()}
    assert {"*.db", "*.db-wal", "*.db-shm", "konten.txt", ".streamlit/secrets.toml"} <= eintraege
