"""Views and access: the public and the planning view, local and OIDC login, session end, the sidebar's view choice."""

from __future__ import annotations

import streamlit as st

from sozialraum_analytics.einstellungen import einstellungen

from .streamlit_intern import ueber_app_starten

# Two views: "planung" (exact figures, case-level data, uploads; needs a login) and "oeffentlich"
# (the committee view; confidentiality rules applied in the engine). Anonymous sessions only ever
# get the public view: app.py does not even register the planning pages for them.
PLANUNG, OEFFENTLICH = "planung", "oeffentlich"
ANSICHTEN = {PLANUNG: "Planung", OEFFENTLICH: "Öffentlich"}
_ANSICHT = "_ansicht"
_ANGEMELDET = "_angemeldet_als"
# Session state of a login (server side; a browser cannot set these keys):
_LOKAL = "_anmeldung_lokal"  # local login: (account name, fingerprint of its salt) at login time
_AKTIV = "_letzte_aktivitaet"  # time.monotonic() of the last page run of a logged-in session
_OIDC_GEMELDET = "_oidc_protokolliert"  # OIDC user whose login this session already logged


def oidc_konfiguriert() -> bool:
    """Whether the server has an ``[auth]`` section in its secrets (OIDC via ``st.login``)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - unreadable secrets: no OIDC
        return False


def _anmeldeprotokoll():  # noqa: ANN202 - logging.Logger
    """The login log (``sozialraum_analytics.konten``); shown on the server's stderr when nothing else is set up."""
    import logging

    from sozialraum_analytics import konten

    if not konten.LOG.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        konten.LOG.addHandler(handler)
    if konten.LOG.getEffectiveLevel() > logging.INFO:
        konten.LOG.setLevel(logging.INFO)
    return konten.LOG


def sitzung_minuten() -> float | None:
    """``SOZIALRAUM_SITZUNG_MINUTEN``: minutes without activity after which a planner's session ends
    (default 60; ``0`` switches the limit off)."""
    return einstellungen().sitzung_minuten


def minuten_text(minuten: float) -> str:
    """``60``, ``0,5``: minutes as German text."""
    return f"{minuten:g}".replace(".", ",")


def _oidc_name() -> str | None:
    if not oidc_konfiguriert():
        return None
    try:
        if st.user.is_logged_in:
            return str(st.user.get("email") or st.user.get("name") or "angemeldet")
    except Exception:  # noqa: BLE001
        pass
    return None


_ENDE_HINWEIS = "_sitzung_ende_hinweis"  # why the session ended and when: ansicht_banner shows it for a minute


def _sitzung_beenden(meldung: str, grund: str, name: str) -> None:
    _anmeldeprotokoll().info("Sitzung beendet (%s): Konto %r", grund, name)
    abmelden()
    import time

    # Kept for a minute rather than shown once: the run that ends the session is often followed by reruns
    # (the planning page no longer exists, the start page switches to the Übersicht).
    st.session_state[_ENDE_HINWEIS] = (meldung, time.monotonic())


def angemeldet_als() -> str | None:
    """The planner of this session (local account or OIDC), or None.

    Ends the session (German note) when its local account was removed or got a new password (sessions
    logged in through :func:`anmelden_lokal`; the check reads the accounts file only when it changed),
    and when it was idle longer than :func:`sitzung_minuten` (local and OIDC sessions; OIDC is then
    logged out with ``st.logout``); otherwise counts this run as activity.
    """
    import time

    name = _oidc_name()
    if name is not None and st.session_state.get(_OIDC_GEMELDET) != name:
        st.session_state[_OIDC_GEMELDET] = name
        _anmeldeprotokoll().info("Anmeldung über den Identitätsdienst: %r", name)
    if name is None:
        name = st.session_state.get(_ANGEMELDET)
        if name is None:
            return None
        lokal = st.session_state.get(_LOKAL)
        if lokal is not None:
            from sozialraum_analytics import konten

            konto, kennung = lokal
            if konto != name or konten.kennungen().get(name, "") != kennung:
                _sitzung_beenden("Ihr Konto wurde entfernt oder sein Passwort geändert: Sie sind abgemeldet. "
                                 "Bitte melden Sie sich erneut an.", "Konto entfernt oder Passwort geändert", name)
                return None
    jetzt = time.monotonic()
    minuten = sitzung_minuten()
    zuletzt = st.session_state.get(_AKTIV)
    if minuten is not None and zuletzt is not None and jetzt - zuletzt > minuten * 60:
        _sitzung_beenden(f"Ihre Sitzung wurde nach {minuten_text(minuten)} Minuten ohne Aktivität beendet. "
                         "Bitte melden Sie sich erneut an.", "keine Aktivität", name)
        return None
    st.session_state[_AKTIV] = jetzt
    return name


def anmelden_lokal(name: str, passwort: str):  # noqa: ANN201 - konten.Anmeldung (true when logged in)
    """Log in with a local account (throttled, logged); the result's ``meldung`` is the German error."""
    import time

    from sozialraum_analytics import konten

    _anmeldeprotokoll()
    try:
        herkunft = st.context.ip_address
    except Exception:  # noqa: BLE001 - no client address (tests)
        herkunft = None
    herkunft = herkunft if isinstance(herkunft, str) else None
    ergebnis = konten.anmelden(name, passwort, herkunft=herkunft)
    if ergebnis:
        st.session_state[_ANGEMELDET] = name
        st.session_state.pop(_ENDE_HINWEIS, None)
        st.session_state[_LOKAL] = (name, ergebnis.kennung)
        st.session_state[_AKTIV] = time.monotonic()
        st.session_state[_ANSICHT] = PLANUNG
    return ergebnis


def abmelden() -> None:
    name = st.session_state.pop(_ANGEMELDET, None) or _oidc_name()
    st.session_state.pop(_ENDE_HINWEIS, None)
    for schluessel in (_LOKAL, _AKTIV, _OIDC_GEMELDET):
        st.session_state.pop(schluessel, None)
    st.session_state[_ANSICHT] = OEFFENTLICH
    if name is not None:
        _anmeldeprotokoll().info("Abgemeldet: Konto %r", name)
    if oidc_konfiguriert():
        try:
            if st.user.is_logged_in:
                st.logout()
        except Exception:  # noqa: BLE001
            pass


def ansicht() -> str:
    """The active view: public unless a logged-in planner chose the planning view."""
    if angemeldet_als() is None:
        return OEFFENTLICH
    return st.session_state.get(_ANSICHT, PLANUNG)


def ist_oeffentlich() -> bool:
    return ansicht() == OEFFENTLICH


def geheimhaltungsverfahren() -> str:
    """``SOZIALRAUM_GEHEIMHALTUNG``: ``sperren`` (default) or ``runden`` (all counts to multiples of 5)."""
    return einstellungen().geheimhaltung


def nur_planung() -> None:
    """Refuse a planning page to the public view (app.py does not register them; this is the second lock)."""
    ueber_app_starten()  # a bookmarked planning page as the server's first request goes through app.py
    if ist_oeffentlich():
        st.error("Diese Seite gehört zur Planungsansicht und ist nur nach Anmeldung erreichbar.",
                 icon=":material/lock:")
        st.stop()


def sidebar_ansicht() -> None:
    """Login state and the choice of view in the sidebar."""
    with st.sidebar:
        name = angemeldet_als()
        if name is None:
            st.caption("Öffentliche Ansicht. Planerinnen und Planer melden sich auf der Seite **Anmelden** an.")
            return
        st.radio("Ansicht", list(ANSICHTEN), format_func=ANSICHTEN.get, horizontal=True,
                 index=list(ANSICHTEN).index(ansicht()), key="w_ansicht",
                 on_change=lambda: st.session_state.__setitem__(_ANSICHT, st.session_state["w_ansicht"]),
                 help="Öffentlich: was der Jugendhilfeausschuss sieht (Geheimhaltung). Planung: exakte Zahlen.")
        if st.button("Abmelden", icon=":material/logout:"):
            abmelden()
            st.rerun()
