"""Logic written once (issue 16, point 6): the shared definitions are the ones everything uses."""

from __future__ import annotations

import argparse

import numpy as np

from sozialraum_analytics import cli, counting, dataset, store, tables


def test_one_list_of_table_kinds() -> None:
    assert set(tables.KINDS) == set(tables.TABLES)
    assert dataset.KIND_ORDER is tables.KINDS and store.KINDS is tables.KINDS
    befehle = next(a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    arten = [tuple(a.choices) for name in ("importieren", "pruefen") if name in befehle
             for a in befehle[name]._actions if "--art" in a.option_strings]
    assert arten and all(art == tables.KINDS for art in arten)


def test_combine_codes_by_hand() -> None:
    """Rows (hilfeart, setting) coded 0/1 and 0/1/2, −1 missing: the groups in code order, missing first."""
    hilfe = np.array([1, 0, 1, -1, 0, 1])
    setting = np.array([2, 0, 2, 0, -1, 0])
    ids, (h, s) = counting.combine_codes([hilfe, setting], [2, 3])
    assert h.tolist() == [-1, 0, 0, 1, 1] and s.tolist() == [0, -1, 0, 0, 2]
    assert ids.tolist() == [4, 2, 4, 0, 1, 3]
    # The sparse path (a key space beyond the dense limit) numbers the same groups the same way.
    big = 10**7
    ids_sparse, (h2, s2) = counting.combine_codes([hilfe, setting], [2, big])
    assert ids_sparse.tolist() == ids.tolist() and h2.tolist() == h.tolist() and s2.tolist() == s.tolist()


def test_one_mapping_of_planungsraum_to_sozialraum_by_year() -> None:
    """PR 2 moves from Sozialraum A to B on 1.1.2024; "B" is data given per Sozialraum; "9" is unknown."""
    import pandas as pd

    zuordnung = pd.DataFrame({"raum_id": ["1", "2", "2"], "name": ["Eins", "Zwei", "Zwei"],
                              "sozialraum_id": ["A", "A", "B"],
                              "gueltig_ab": pd.to_datetime([None, None, "2024-01-01"])})
    data = dataset.Dataset(tables={"zuordnung": zuordnung})
    assert data.sozialraum_von([2023, 2023, 2024, 2024, 2024], ["1", "2", "2", "B", "9"]) == ["A", "A", "B", "B", "9"]
    assert data.sozialraum_von(2024, ["2", "9"], eigene_id=False) == ["B", None]


def test_make_lint_covers_every_python_file() -> None:
    """`make lint` names the folders ruff checks; a Python file outside them would go unchecked (issue 16)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    befehl = re.search(r"^lint:.*\n\t(.+)$", makefile, re.MULTILINE).group(1)
    ziele = befehl.split("ruff check", 1)[1].split()
    assert "sozialraum_analytics" in ziele and "tests" in ziele
    dateien = [p.relative_to(root) for p in root.rglob("*.py")
               if not {".venv", ".git", "node_modules", "build"} & set(p.relative_to(root).parts)]
    assert len(dateien) > 100
    ungeprueft = [str(p) for p in dateien if not any(p == Path(z) or Path(z) in p.parents for z in ziele)]
    assert ungeprueft == []
