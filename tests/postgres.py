"""A real PostgreSQL server for the tests: Debian's postgresql, a throwaway cluster on a free port.

``SOZIALRAUM_TEST_PG`` (a database URL) uses an existing server instead. Without either the
tests fail with a German hint: the store must be tested against the real thing, never skipped.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throwaway cluster; yields its SQLAlchemy URL, stops and removes it afterwards."""
    if os.environ.get("SOZIALRAUM_TEST_PG"):
        yield os.environ["SOZIALRAUM_TEST_PG"]
        return
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.fail("PostgreSQL fehlt: `make test` installiert Debians postgresql (als root), oder setzen Sie "
                    "SOZIALRAUM_TEST_PG auf eine Datenbank-URL.")
    # Its own folder directly under /tmp: pytest's temporary folders are closed to other users.
    base = Path(tempfile.mkdtemp(prefix="sozialraum-pg-"))
    data = base / "pgdata"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    port = _free_port()
    subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                 "--encoding=UTF8", "--locale=C"]), check=True, capture_output=True)
    log = base / "postgres.log"
    subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
                                 f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off", "start"]),
                   check=True, capture_output=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"PostgreSQL startet nicht:\n{log.read_text(errors='replace')}")
                time.sleep(0.2)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


_PG_ZAEHLER = itertools.count()


def neue_pg_datenbank(base: str, praefix: str = "t") -> str:
    """A new, empty database on the server of ``base`` (a PostgreSQL URL); its URL."""
    import sqlalchemy as sa

    name = f"{praefix}{os.getpid()}_{next(_PG_ZAEHLER)}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return base.rsplit("/", 1)[0] + f"/{name}"
