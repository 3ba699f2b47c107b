"""The two places that lean on Streamlit internals (guarded by tests/test_streamlit_intern.py)."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ueber_app_starten() -> None:
    """Make sure a page runs inside app.py's ``st.navigation``, never on its own.

    Because the pages live in ``pages/``, Streamlit starts in its old "pages directory"
    mode until app.py has called ``st.navigation`` once in the process. If the first
    visitor after a server start opens a page link (``/entwicklung?jahr=2023``), Streamlit
    would run that file alone: no sidebar, no demo label, no wide layout, and the old mode
    would stay on for later visitors. Here the page switches the old mode off and reruns,
    so the same link is served through app.py. (AppTest starts every run in that mode too.)
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def streamlit_haerten() -> None:
    """Refuse the client's "clear cache" message: Streamlit's caches are shared by all visitors, and
    any anonymous client could otherwise make everyone wait for data and protection to load again.

    Streamlit offers no setting for it; the handler of that message is replaced (tested: the test
    fails loudly when Streamlit renames it).
    """
    import logging

    from streamlit.runtime.app_session import AppSession

    def ablehnen(_session: AppSession) -> None:
        logging.getLogger("sozialraum_analytics").warning("Anfrage eines Browsers, die Caches zu leeren: abgelehnt")

    if getattr(AppSession._handle_clear_cache_request, "__name__", "") != "ablehnen":
        AppSession._handle_clear_cache_request = ablehnen
