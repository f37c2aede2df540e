"""Backups: a PostgreSQL custom-format dump restores into an empty database as the same school.

This is the procedure ``docs/SECURITY.md`` documents (``pg_dump -Fc`` / ``pg_restore``), run for
real: seed a database, dump it, restore the dump into a new database, and compare the two by
their table row counts and by a class exported from each. Marked ``topology`` (it needs the
PostgreSQL client tools and a server at ``TOPOLOGY_POSTGRES_URL``); ``make test-topology`` runs it.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.topology

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get(
    "TOPOLOGY_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
BASE_URL = POSTGRES_URL.rsplit("/", 1)[0]


def _manage(database: str, *args: str) -> str:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"{BASE_URL}/{database}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _row_counts(database: str) -> dict[str, int]:
    with psycopg.connect(f"{BASE_URL}/{database}") as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


@pytest.fixture
def databases():
    names = [f"lectern_backup_{uuid.uuid4().hex[:8]}_{side}" for side in ("live", "restored")]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    yield names
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_custom_format_dump_restores_as_the_same_school(databases, tmp_path):
    live, restored = databases
    _manage(live, "migrate", "--noinput")
    _manage(live, "seed_demo")
    dump = tmp_path / "lectern.dump"
    subprocess.run(
        ["pg_dump", "-Fc", "--no-owner", "-f", str(dump), f"{BASE_URL}/{live}"], check=True
    )
    assert dump.stat().st_size > 0
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "-d", f"{BASE_URL}/{restored}", str(dump)],
        check=True,
    )

    counts = _row_counts(live)
    assert counts["courseware_paragraph"] > 100 and counts["accounts_user"] > 10
    assert _row_counts(restored) == counts
    assert _manage(restored, "export_class", "HSCMHA26") == _manage(
        live, "export_class", "HSCMHA26"
    )
    _manage(restored, "migrate", "--check")
