"""The allocator settings of the entry points (speicher.py): glibc keeps freed memory, Arrow uses it too."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sozialraum_analytics import speicher


def test_the_entry_points_allocator_serves_arrow_too() -> None:
    """In a fresh process (the settings hold for its lifetime): before, Arrow's own pool; after einrichten(),
    on Linux glibc's allocator with the settings, as ``app.py`` and ``python -m sozialraum_analytics`` make it;
    elsewhere nothing is set and Arrow keeps its pool."""
    programm = ("import pyarrow as pa\n"
                "vorher = pa.default_memory_pool().backend_name\n"
                "from sozialraum_analytics.speicher import einrichten\n"
                "print(vorher, einrichten(), einrichten(), pa.default_memory_pool().backend_name)\n")
    ergebnis = subprocess.run([sys.executable, "-c", programm], capture_output=True, text=True, timeout=60, check=True)
    vorher, erstes, zweites, nachher = ergebnis.stdout.split()
    assert vorher != "system"  # the wheels' mimalloc or jemalloc: otherwise this test shows nothing
    if sys.platform.startswith("linux"):
        assert (erstes, zweites, nachher) == ("True", "True", "system")
    else:
        assert (erstes, zweites, nachher) == ("False", "False", vorher)


def test_without_glibc_nothing_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speicher.sys, "platform", "darwin")
    assert speicher._mallopt({speicher._M_ARENA_MAX: 2}) is False
