"""Benchmark of the cohort CSV import: 2,000 people invited from one file, as the worker runs it.

    python bench/imports.py [--rows 2000] [--database-url postgres://mentorship:mentorship@127.0.0.1:5432/]

It creates a database of its own on the given server (the role needs CREATEDB), migrates it and
sets up an organization, a coordinator and a cohort open for enrollment (not timed). It then
uploads a CSV of ``--rows`` people (mentors and mentees, a few bad rows and duplicates among
them, so that the per-row error report is part of the work) and times the import job from the
moment a worker claims it to the moment it has finished: every row checked, the invitations
stored, and the invitation emails rendered and handed to the mail task. Without a broker the
job runs in this process, as the worker would (its emails go to an in-memory backend); with
``CELERY_BROKER_URL`` set, a worker must be running on it. The database is dropped at the end.

The last line printed is one JSON object: rows, seconds, and the ratio to the 10 s target.

Other benchmarks call ``import_2000_seconds()`` inside their own Django set-up (any database,
with or without a worker): it imports into a cohort of its own and returns the worker's seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TARGET_SECONDS = 10.0
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import DEFAULT_SERVER, admin, against_target, setup_django  # noqa: E402 -- the path is set just above


def _setup_django(database_url: str) -> None:
    # A worker on CELERY_BROKER_URL, when one is given, runs the job; else this process does.
    setup_django(
        database_url,
        DJANGO_ALLOWED_HOSTS="localhost,testserver",
        CELERY_BROKER_URL=os.environ.get("CELERY_BROKER_URL", ""),
        DJANGO_EMAIL_URL="memorymail://",
    )


def csv_content(rows: int, *, tag: str) -> str:
    """``rows`` people: two mentees for each mentor, one row in 100 bad (an unknown role, a
    bad address) and one in 100 a repeat of an earlier address, as real exports have."""
    lines = ["name,email,role,capacity"]
    for i in range(rows):
        if i % 100 == 37:
            lines.append(f"Bad Role {i},bad-{tag}-{i}@example.test,boss,")
        elif i % 100 == 73:
            lines.append(f"Repeat {i},person-{tag}-{i - 1}@example.test,mentee,")
        elif i % 3 == 0:
            lines.append(f"Mentor {i},person-{tag}-{i}@example.test,mentor,2")
        else:
            lines.append(f'"Mentee, {i}",person-{tag}-{i}@example.test,mentee,')
    return "\n".join(lines) + "\n"


def _cohort(tag: str):
    from cohorts.enums import CohortPhase
    from cohorts.models import Cohort
    from mentorship.enums import OrgRole
    from mentorship.models import Organization, OrganizationMembership, Program, User

    organization = Organization.objects.create(name=f"Import benchmark {tag}", slug=f"import-bench-{tag}")
    coordinator = User.objects.create_user(email=f"coordinator-{tag}@example.test", full_name="Coordinator")
    OrganizationMembership.objects.create(organization=organization, user=coordinator, role=OrgRole.COORDINATOR)
    program = Program.objects.create(organization=organization, name="Import benchmark")
    cohort = Cohort.objects.create(
        program=program, name="Imported cohort", phase=CohortPhase.ENROLLMENT, mentor_max_capacity=3
    )
    return cohort, coordinator


def import_and_wait(*, cohort, by, content: str, timeout: float = 600.0) -> dict:
    """Queue the import of ``content`` as the upload does and wait until the job is done
    (in this process without a broker; else a worker must be running). Returns its figures."""
    from cohorts.models import ImportJob
    from cohorts.services.imports import import_job_create

    job = import_job_create(cohort=cohort, by=by, filename="people.csv", content=content)
    deadline = time.monotonic() + timeout
    while True:
        job = ImportJob.objects.defer("content").get(pk=job.pk)
        if job.is_done:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"import not done after {timeout} s: {job.status}, {job.processed_rows} rows")
        time.sleep(0.1)
    return {
        "status": job.status,
        "rows": job.total_rows,
        "invited": job.invited_count,
        "skipped": job.skipped_count,
        "seconds": round(job.duration_seconds or 0.0, 3),
    }


def import_2000_seconds(*, rows: int = 2000) -> float:
    """The worker's seconds for an import of ``rows`` people into a fresh cohort of the
    current database (for bench/pages.py). Raises if the import did not succeed."""
    tag = f"{os.getpid()}-{time.time_ns()}"
    cohort, coordinator = _cohort(tag)
    figures = import_and_wait(cohort=cohort, by=coordinator, content=csv_content(rows, tag=tag))
    if figures["status"] != "succeeded":
        raise RuntimeError(f"the import ended {figures['status']}")
    return figures["seconds"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument(
        "--database-url",
        default=DEFAULT_SERVER,
        help="the PostgreSQL server (its path is ignored: a database of its own is created and dropped)",
    )
    args = parser.parse_args(argv)
    parts = urlsplit(args.database_url)
    name = f"bench_imports_{os.getpid()}"
    server = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    admin(server, f'CREATE DATABASE "{name}"')
    try:
        _setup_django(urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", "")))
        from django.core import mail
        from django.core.management import call_command

        tick = time.perf_counter()
        call_command("migrate", verbosity=0)
        tag = "bench"
        cohort, coordinator = _cohort(tag)
        content = csv_content(args.rows, tag=tag)
        print(f"set-up (not timed): {time.perf_counter() - tick:.1f} s")
        figures = import_and_wait(cohort=cohort, by=coordinator, content=content)
        emails = len(getattr(mail, "outbox", []))
    finally:
        from django.db import connections

        connections.close_all()
        admin(server, f'DROP DATABASE IF EXISTS "{name}"')

    print(
        f"import {figures['status']}: {figures['rows']} rows, {figures['invited']} invited, "
        f"{figures['skipped']} reported, {emails} emails, {figures['seconds']:.2f} s in the worker"
    )
    result = {
        "rows": figures["rows"],
        "seconds": figures["seconds"],
        "invited": figures["invited"],
        "reported": figures["skipped"],
        **against_target(seconds=figures["seconds"], succeeded=figures["status"] == "succeeded", target=TARGET_SECONDS),
    }
    print(json.dumps(result))
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    from mentorship.scopes import unscoped

    # A benchmark sets up and reads its own throw-away data, as a management command does.
    with unscoped():
        sys.exit(main())
