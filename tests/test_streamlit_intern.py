"""The two places that lean on Streamlit internals fail loudly here when an upgrade changes them.

A ``pages/`` folder beside ``st.navigation`` puts Streamlit into its old "pages directory" mode
until app.py's ``st.navigation`` has run once in the process (Streamlit's maintainers describe the
mix of a pages folder and ``st.navigation`` as unsupported for direct page URLs, streamlit PR 10276;
there is no setting for it). ``ui.streamlit_intern.ueber_app_starten`` switches that mode off and reruns, so that a
bookmarked page as the server's first request is served through app.py. That is the only use of
``PagesManager.uses_pages_directory``; these tests check that the flag still exists, is still set
from the pages folder, and is what the function resets.
"""

from __future__ import annotations

import inspect

import pytest
import streamlit as st
from streamlit.runtime import pages_manager
from streamlit.runtime.pages_manager import PagesManager

from ui import streamlit_intern


def test_streamlit_still_has_the_pages_directory_flag() -> None:
    assert isinstance(PagesManager.__dict__.get("uses_pages_directory"), (bool, type(None))), (
        "Streamlit hat PagesManager.uses_pages_directory entfernt oder umbenannt: ui.streamlit_intern.ueber_app_starten anpassen")
    quelle = inspect.getsource(pages_manager)
    assert "uses_pages_directory" in quelle and "pages" in quelle


def test_the_flag_is_set_from_the_pages_folder_when_the_manager_starts(tmp_path, monkeypatch) -> None:
    (tmp_path / "pages").mkdir()
    main = tmp_path / "app.py"
    main.write_text("import streamlit as st\n", encoding="utf-8")
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    try:
        PagesManager(str(main))
    except TypeError:  # a changed constructor is a changed internal too
        pytest.fail("PagesManager(main_script_path) geht nicht mehr: ui.streamlit_intern.ueber_app_starten prüfen")
    assert PagesManager.uses_pages_directory is True


def test_a_page_in_the_old_mode_switches_it_off_and_reruns(monkeypatch) -> None:
    class Rerun(Exception):
        pass

    def rerun() -> None:
        raise Rerun

    monkeypatch.setattr(PagesManager, "uses_pages_directory", True)
    monkeypatch.setattr(st, "rerun", rerun)
    with pytest.raises(Rerun):
        streamlit_intern.ueber_app_starten()
    assert PagesManager.uses_pages_directory is False
    streamlit_intern.ueber_app_starten()  # in the new mode: nothing happens, no rerun
