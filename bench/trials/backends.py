"""A fresh database for a trial on each backend it can reach: a SQLite file, and a PostgreSQL
database of its own on the test server (dropped afterwards), plus a worker-process launcher."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common import TrialContext
from sqlalchemy import text
from sqlalchemy.engine import make_url

from credtrack.db import make_engine, normalise_url

REPO = Path(__file__).resolve().parents[2]


def backends(ctx: TrialContext) -> list[str]:
    return ["sqlite", "postgresql"] if ctx.postgres_url else ["sqlite"]


@contextmanager
def fresh_database(ctx: TrialContext, backend: str, name: str) -> Iterator[str]:
    """The URL of an empty database (no schema yet) on ``backend``."""
    if backend == "sqlite":
        yield f"sqlite:///{ctx.work / (name + '.db')}"
        return
    assert ctx.postgres_url is not None
    server = normalise_url(ctx.postgres_url)
    database = f"trial_{name}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield make_url(server).set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def start_worker(script: Path, args: dict, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Run ``script --worker JSON`` as a process of its own; it prints one JSON line when done."""
    import os

    environment = {**os.environ, **(env or {})}
    environment["PYTHONPATH"] = os.pathsep.join([str(REPO), str(script.parent), environment.get("PYTHONPATH", "")])
    return subprocess.Popen(
        [sys.executable, str(script), "--worker", json.dumps(args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def worker_args() -> dict | None:
    """The arguments when this process was started by ``start_worker``, else None."""
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        return json.loads(sys.argv[2])
    return None
