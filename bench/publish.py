"""Publishing approved proposals, from the coordinator's click to the last email handed over,
with a real Celery worker.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 python bench/publish.py --pairs 1500
        [--database-url postgres://mentorship:mentorship@127.0.0.1:5432/] [--concurrency 2]

It creates a database of its own on the given server (the role needs CREATEDB), migrates it,
fills one cohort with accepted mentors and mentees and one approved proposal per mentee (not
timed), starts a worker on the broker, then posts the coordinator's "Publish" button and
times until the publishing job has finished and every email has been sent (console backend,
output discarded). The worker is stopped and the database dropped. The last line printed is
one JSON object with the figures.

Other benchmarks call ``start_worker``/``stop_worker`` and ``publish_and_wait`` on a cohort of
their own.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TARGET_SECONDS = 60.0

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import DEFAULT_SERVER, admin, against_target  # noqa: E402 -- after the path is set


def start_worker(*, database_url: str, broker_url: str, concurrency: int = 2, extra_env: dict | None = None):
    """A real worker on the broker, for the database given; returns once it answers."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-secret-key"),
        "DJANGO_ALLOWED_HOSTS": os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,testserver"),
        "DJANGO_EMAIL_URL": "consolemail://",
        "DJANGO_LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mentorship",
            "worker",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"bench-publish-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from mentorship.tasks import task_ping

    try:
        task_ping.apply_async(kwargs={"value": "ready"}).get(timeout=120)
    except Exception:
        stop_worker(process)
        raise
    return process


def stop_worker(process) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def publish_and_wait(*, cohort, by, timeout: float = 600.0, click=None) -> dict:
    """Start publishing the cohort's approved proposals (``click()`` when given, else the
    service the button calls) and wait until the job is done and every email of it is sent.
    Needs a worker on the broker. Returns seconds, pairs published and emails sent."""
    from matching.models import PublishJob
    from mentorship.models import SentEmail

    emails_before = SentEmail.objects.count()
    tick = time.perf_counter()
    if click is not None:
        click()
    else:
        from matching.services.publishing import publish_job_start

        publish_job_start(cohort=cohort, by=by)
    job = PublishJob.objects.filter(cohort=cohort).order_by("-pk").first()
    if job is None:
        raise RuntimeError("the click queued no publishing job")
    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        emails = SentEmail.objects.count() - emails_before
        if job.is_done and emails >= 2 * job.published_count:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"publishing not done after {timeout} s: {job.status}, {emails} emails")
        time.sleep(0.2)
    seconds = time.perf_counter() - tick
    return {
        "seconds": round(seconds, 2),
        "status": job.status,
        "published": job.published_count,
        "failed": job.failed_count,
        "emails": emails,
        "worker_seconds": job.duration_seconds,
    }


def populate(pairs: int):
    """One cohort with ``pairs`` approved proposals, a mentor for each mentee. Bulk inserts."""
    from django.contrib.auth.hashers import make_password

    from cohorts.enums import CohortPhase, EnrollmentStatus, ParticipantRole
    from cohorts.models import Cohort, Enrollment
    from matching.enums import ProposalStatus
    from matching.models import MatchRun, Proposal
    from mentorship.enums import JobStatus, OrgRole
    from mentorship.models import Organization, OrganizationMembership, Program, User

    organization = Organization.objects.create(name="Benchmark", slug="benchmark-publish")
    coordinator = User.objects.create_user(email="coordinator@example.test", full_name="Coordinator")
    OrganizationMembership.objects.create(organization=organization, user=coordinator, role=OrgRole.COORDINATOR)
    program = Program.objects.create(organization=organization, name="Benchmark program")
    cohort = Cohort.objects.create(
        program=program, name="Benchmark cohort", phase=CohortPhase.TRAINING, mentor_default_capacity=1
    )
    unusable = make_password(None)
    roles = ["mentee"] * pairs + ["mentor"] * pairs
    users = User.objects.bulk_create(
        [
            User(email=f"bench-{role}-{i}@example.test", full_name=f"{role.title()} {i}", password=unusable)
            for i, role in enumerate(roles)
        ],
        batch_size=2000,
    )
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(cohort=cohort, user=user, role=role, status=EnrollmentStatus.ACCEPTED)
            for user, role in zip(
                users, [ParticipantRole.MENTEE] * pairs + [ParticipantRole.MENTOR] * pairs, strict=True
            )
        ],
        batch_size=2000,
    )
    criteria = [{"key": "career_track", "label": "Career track", "kind": "same", "weight": 5, "hard": False}]
    run = MatchRun.objects.create(cohort=cohort, round_number=1, criteria=criteria, status=JobStatus.SUCCEEDED)
    Proposal.objects.bulk_create(
        [
            Proposal(
                run=run,
                cohort=cohort,
                mentee=enrollments[i],
                mentor=enrollments[pairs + i],
                score=0.8,
                breakdown={"career_track": 0.8},
                status=ProposalStatus.APPROVED,
            )
            for i in range(pairs)
        ],
        batch_size=2000,
    )
    return cohort, coordinator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument(
        "--database-url",
        default=DEFAULT_SERVER,
        help="the PostgreSQL server (its path is ignored: a database of its own is created and dropped)",
    )
    args = parser.parse_args(argv)
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        print("Set CELERY_BROKER_URL to a Redis broker: the benchmark runs a real worker.", file=sys.stderr)
        return 2

    parts = urlsplit(args.database_url)
    name = f"bench_publish_{os.getpid()}"
    server = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    database_url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    admin(server, f'CREATE DATABASE "{name}"')
    worker = None
    try:
        os.environ.update(
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE="mentorship.settings",
            DJANGO_DEBUG="false",
            DJANGO_LOG_LEVEL="WARNING",
            CELERY_RESULT_BACKEND=broker,
        )
        os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key")
        os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,testserver")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        tick = time.perf_counter()
        call_command("migrate", verbosity=0)
        cohort, coordinator = populate(args.pairs)
        print(f"set-up (not timed): {time.perf_counter() - tick:.1f} s; {args.pairs} approved proposals")
        worker = start_worker(database_url=database_url, broker_url=broker, concurrency=args.concurrency)
        client = Client()
        client.force_login(coordinator)
        url = reverse("matching:publish", kwargs={"pk": cohort.pk})
        answered = {}

        def click():
            started = time.perf_counter()
            response = client.post(url, secure=True)
            answered["seconds"] = time.perf_counter() - started
            answered["status"] = response.status_code
            if response.status_code != 302:
                raise RuntimeError(f"the click answered {response.status_code}")

        figures = publish_and_wait(cohort=cohort, by=coordinator, click=click)
    finally:
        if worker is not None:
            stop_worker(worker)
        from django.db import connections

        connections.close_all()
        admin(server, f'DROP DATABASE IF EXISTS "{name}"')

    print(
        f"click answered {answered['status']} in {answered['seconds'] * 1000:.0f} ms; publishing {figures['status']}: "
        f"{figures['published']} pairs, {figures['emails']} emails, {figures['seconds']} s from click to done "
        f"(worker {figures['worker_seconds']:.1f} s)"
    )
    result = {
        "pairs": args.pairs,
        "publish_seconds": figures["seconds"],
        "click_ms": round(answered["seconds"] * 1000, 1),
        "worker_seconds": round(figures["worker_seconds"] or 0, 2),
        "published": figures["published"],
        "emails": figures["emails"],
        **against_target(seconds=figures["seconds"], succeeded=figures["status"] == "succeeded", target=TARGET_SECONDS),
    }
    print(json.dumps(result))
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    from mentorship.scopes import unscoped

    # A benchmark sets up and reads its own throw-away data, as a management command does.
    with unscoped():
        sys.exit(main())
