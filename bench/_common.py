"""What the benchmark scripts share: the PostgreSQL server they make their own database on,
the statements run on it, Django set up production-like, and the figures against a target.

Each script puts the project's root on ``sys.path`` itself before importing this module, so
that it runs as ``python bench/<name>.py``.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

DEFAULT_SERVER = "postgres://mentorship:mentorship@127.0.0.1:5432/"


def admin(server: str, sql: str) -> None:
    """Run one statement on the server's maintenance database (CREATE or DROP DATABASE)."""
    import psycopg2

    parts = urlsplit(server)
    conn = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


def setup_django(database_url: str, **environment: str) -> None:
    """Django on the benchmark's database, production-like: no query log (DEBUG off) and
    warnings only. ``environment`` holds the script's own choices (broker, mail, hosts)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ.update(environment)
    import django

    django.setup()


def against_target(*, seconds: float, succeeded: bool, target: float) -> dict:
    """The figures that compare a timed job with its target; it meets it only if it succeeded."""
    return {
        "target_seconds": target,
        "ratio_to_target": round(seconds / target, 3),
        "meets_target": succeeded and seconds < target,
    }
