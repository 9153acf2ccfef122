"""Shared fixtures: an isolated data folder, and a fresh database per test on SQLite and PostgreSQL.

Database tests take the ``db`` fixture and run once per backend. PostgreSQL runs
against the real server named by ``CREDTRACK_TEST_POSTGRES_URL`` (``.ci/run``
starts one); without it those cases are skipped with that reason shown.
"""

from __future__ import annotations

import os
import uuid

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from credtrack import paths
from credtrack.db import Database, make_engine, normalise_url
from credtrack.models import Base

# The loopback SMTP servers the mail tests send to (smtp_server, smtp_starttls_server, ...).
pytest_plugins = ["tests.mailserver"]

POSTGRES_ENV = "CREDTRACK_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    """Every test gets its own data folder; no test touches a real user's data."""
    home = tmp_path / "credtrack-home"
    home.mkdir()
    monkeypatch.setenv(paths.HOME_ENV, str(home))
    monkeypatch.delenv(paths.DATABASE_URL_ENV, raising=False)
    paths.set_data_dir(None)
    return home


@pytest.fixture(scope="session")
def postgres_server_url():
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)")
    return normalise_url(url)


@pytest.fixture(scope="session")
def postgres_database(postgres_server_url):
    """A database of its own for this test process (parallel workers and runs never collide)."""
    name = f"ct_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    """A fresh, empty credtrack schema on each backend."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'test.db'}")
        Base.metadata.create_all(database.engine)
    else:
        url = request.getfixturevalue("postgres_database")
        database = Database(url)
        _truncate_all(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def postgres_db(postgres_database):
    """A fresh, empty credtrack schema on PostgreSQL only, for behaviour only a server has."""
    database = Database(postgres_database)
    _truncate_all(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'test.db'}")
    Base.metadata.create_all(database.engine)
    yield database
    database.dispose()
