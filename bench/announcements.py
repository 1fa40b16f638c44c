"""Benchmark of an announcement to a whole cohort, and of reading the cohort's people through
the REST API.

    python bench/announcements.py --people 5000
        [--database-url postgres://mentorship:mentorship@127.0.0.1:5432/]

It creates a database of its own on the given server (the role needs CREATEDB), migrates it
and fills one cohort with accepted participants (not timed). It then times:

- the announcement job as a worker runs it (recipients fixed, emails rendered in each
  person's language and time zone, notifications and delivery rows written in chunks; the
  emails go to an in-memory backend), against the baseline of telling the same people one
  call at a time (``email_queue`` per person, as a loop over the people would);
- reading every person of the cohort through ``/api/v1/people/`` page by page (500 a page),
  with the queries each page costs.

The database is dropped at the end. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import DEFAULT_SERVER, admin, setup_django  # noqa: E402 -- the path is set just above


def _setup_django(database_url: str) -> None:
    setup_django(
        database_url,
        DJANGO_ALLOWED_HOSTS="localhost,testserver",
        CELERY_BROKER_URL="",
        DJANGO_EMAIL_URL="memorymail://",
        DJANGO_SECURE_SSL_REDIRECT="false",
    )


def populate(people: int):
    from django.contrib.auth.hashers import make_password

    from cohorts.enums import CohortPhase, EnrollmentStatus, ParticipantRole
    from cohorts.models import Cohort, Enrollment
    from mentorship.models import Organization, OrganizationMembership, Program, User

    organization = Organization.objects.create(name="Benchmark", slug="benchmark")
    program = Program.objects.create(organization=organization, name="Benchmark program")
    cohort = Cohort.objects.create(program=program, name="Benchmark cohort", phase=CohortPhase.LAUNCH)
    coordinator = User.objects.create(email="coordinator@bench.test", full_name="Cora Ordinator")
    OrganizationMembership.objects.create(organization=organization, user=coordinator, role="coordinator")
    unusable = make_password(None)
    zones = ["Europe/Madrid", "America/New_York", "Asia/Tokyo", "Africa/Lagos", ""]
    users = User.objects.bulk_create(
        [
            User(
                email=f"person{n}@bench.test",
                full_name=f"Person {n}",
                password=unusable,
                time_zone=zones[n % len(zones)],
                language="es" if n % 3 == 0 else "",
            )
            for n in range(people)
        ]
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                cohort=cohort,
                user=user,
                role=ParticipantRole.MENTOR if n % 3 == 0 else ParticipantRole.MENTEE,
                status=EnrollmentStatus.ACCEPTED,
            )
            for n, user in enumerate(users)
        ]
    )
    return cohort, coordinator, users


def time_announcement(cohort, coordinator) -> tuple[float, int]:
    from django.core import mail

    from cohorts.models import Announcement
    from cohorts.services.announcements import announcement_send

    announcement = Announcement.objects.create(
        cohort=cohort,
        created_by=coordinator,
        subject="Kick-off",
        body="See you **there**.",
        segment="everyone",
        audience_label="Everyone",
    )
    mail.outbox = []
    tick = time.perf_counter()
    announcement_send(announcement_id=announcement.pk)
    return time.perf_counter() - tick, len(mail.outbox)


def time_one_call_per_person(cohort, users) -> float:
    from django.db import transaction

    from mentorship.markdown import render_markdown
    from mentorship.notifications import email_queue

    tick = time.perf_counter()
    with transaction.atomic():
        for user in users:
            email_queue(
                to=[user],
                template="announcement",
                context={
                    "announcement": {"subject": "Kick-off", "body": "See you **there**."},
                    "cohort": cohort,
                    "sender": None,
                    "body_html": render_markdown("See you **there**."),
                    "url": "/",
                },
            )
    return time.perf_counter() - tick


def time_api(cohort, coordinator, people: int) -> tuple[float, int, list[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from mentorship.integrations import api_token_create

    _token, key = api_token_create(
        organization=cohort.program.organization, name="bench", access="read", can_read_sensitive=False, by=coordinator
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    url, seen, queries = "/api/v1/people/?page_size=500", 0, []
    tick = time.perf_counter()
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        data = response.json()
        seen += len(data["results"])
        queries.append(len(captured))
        url = data["next"]
    return time.perf_counter() - tick, seen, queries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--database-url", default=DEFAULT_SERVER)
    args = parser.parse_args()

    parts = urlsplit(args.database_url)
    server = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    name = f"bench_announcements_{os.getpid()}"
    database_url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    admin(server, f'CREATE DATABASE "{name}"')
    try:
        _setup_django(database_url)
        from django.core.management import call_command
        from django.db import connections
        from django.test.utils import setup_test_environment

        setup_test_environment()
        call_command("migrate", verbosity=0)
        tick = time.perf_counter()
        cohort, coordinator, users = populate(args.people)
        print(f"set-up (not timed): {time.perf_counter() - tick:.1f} s; {args.people} accepted participants")
        job_seconds, emails = time_announcement(cohort, coordinator)
        print(f"announcement job: {emails} emails in {job_seconds:.2f} s")
        baseline = time_one_call_per_person(cohort, users)
        print(f"baseline, one email_queue call per person: {baseline:.2f} s")
        api_seconds, seen, queries = time_api(cohort, coordinator, args.people)
        print(f"API: {seen} people in {len(queries)} pages in {api_seconds:.2f} s; queries per page {sorted(set(queries))}")
        connections.close_all()
    finally:
        from django.db import connections

        connections.close_all()
        admin(server, f'DROP DATABASE IF EXISTS "{name}"')
    figures = {
        "people": args.people,
        "announcement_seconds": round(job_seconds, 2),
        "emails": emails,
        "baseline_seconds": round(baseline, 2),
        "ratio_to_baseline": round(baseline / job_seconds, 2) if job_seconds else None,
        "api_seconds": round(api_seconds, 2),
        "api_people": seen,
        "api_queries_per_page": sorted(set(queries)),
    }
    print(json.dumps(figures))
    return 0 if emails == args.people and seen == args.people else 1


if __name__ == "__main__":
    from mentorship.scopes import unscoped

    # A benchmark sets up and reads its own throw-away data, as a management command does.
    with unscoped():
        sys.exit(main())
