"""The pages people use most, served as in production, at the size of a large cohort.

    python bench/pages.py [--reuse] [--database mentorship_bench]
        [--database-url postgres://mentorship:mentorship@127.0.0.1:5432/]
        [--requests 30] [--seconds 8] [--connections 8] [--workers 4] [--port 8765]
        [--skip-publish] [--skip-import] [--only dashboard,outcomes]

It builds a database of its own (``--database``; ``--reuse`` keeps the one a previous run
built) holding one cohort of 3,300 mentees and 1,700 mentors, 1,500 published pairs with
their meetings (held every two weeks or so, some missed or cancelled, one planned), a
second matching round with proposals pending, training modules half done and a check-in
answered by two thirds of the cohort (eight questions: about 26,000 answers). The rows are
inserted in bulk: building takes a few minutes, reusing seconds.

It then serves that database with gunicorn under production settings (DEBUG off, a local
secret key, ALLOWED_HOSTS 127.0.0.1, static files by whitenoise after collectstatic, as
behind a TLS proxy), signs in the coordinator and a mentee (sessions created by Django's
own login), and for each page measures, in the same run as a trivial page of the same
server (the sign-in page):

- one person at a time: p50 and p95 over ``--requests`` requests (after two warm-ups);
- ``--connections`` people at once for ``--seconds``: requests per second, and its ratio
  to the trivial page's requests per second measured just before it (the machine's load
  moves during a run; ``trivial_rps`` is the median of those).

Then publishing 1,500 approved proposals with a real worker (bench/publish.py, in its own
database; needs ``CELERY_BROKER_URL`` on Redis, else skipped) and importing 2,000 people
(bench/imports.py's ``import_2000_seconds``, run in this process as the worker would).

It prints a table and the machine's load average; the last line is one JSON object:
{"pages": {"dashboard": {"p95_ms": .., "rps": .., "ratio": ..}, ...}, "trivial_rps": ..,
"publish_seconds": .., "import_2000_seconds": ..}. Targets: every ratio >= 0.30, every
p95 <= 150 ms, publishing < 60 s, the import < 10 s. The exit status is 1 when one is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import DEFAULT_SERVER, admin  # noqa: E402 -- after the path is set

MENTEES, MENTORS, PAIRS = 3300, 1700, 1500
TARGET_RATIO, TARGET_P95_MS, TARGET_PUBLISH, TARGET_IMPORT = 0.30, 150.0, 60.0, 10.0
ORG_SLUG = "pages-bench"
HOST = "127.0.0.1"


# --- The cohort -------------------------------------------------------------------------------


def populate(seed: int = 12) -> None:  # noqa: PLR0915 -- the cohort's rows, top to bottom
    """The cohort, in bulk. Health is stored as the hourly check would store it."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from cohorts.enums import CohortPhase, EnrollmentStatus, ParticipantRole
    from cohorts.models import Cohort, Enrollment, Pair, PairStatus, TrainingCompletion, TrainingModule
    from matching.enums import ProposalStatus
    from matching.models import MatchRun, Proposal
    from meetings.enums import MeetingStatus
    from meetings.models import Meeting
    from meetings.services.health import pairs_health_refresh
    from mentorship.enums import JobStatus, OrgRole
    from mentorship.models import Organization, OrganizationMembership, Program, User
    from questionnaires.enums import Audience, Kind, QuestionType, ResponseStatus
    from questionnaires.models import Answer, Choice, Delivery, Question, Questionnaire, Response

    rng = random.Random(seed)
    now = timezone.now()
    batch = 5000
    organization = Organization.objects.create(name="Pages benchmark", slug=ORG_SLUG)
    coordinator = User.objects.create_user(email="coordinator@pages-bench.test", full_name="Cora Coordinator")
    OrganizationMembership.objects.create(organization=organization, user=coordinator, role=OrgRole.COORDINATOR)
    program = Program.objects.create(organization=organization, name="Large program")
    cohort = Cohort.objects.create(
        program=program,
        name="Large cohort",
        phase=CohortPhase.LAUNCH,
        launch_on=(now - datetime.timedelta(days=120)).date(),
        ends_on=(now + datetime.timedelta(days=120)).date(),
        term_months=9,
        mentor_default_capacity=1,
    )
    unusable = make_password(None)
    roles = [ParticipantRole.MENTEE] * MENTEES + [ParticipantRole.MENTOR] * MENTORS
    users = User.objects.bulk_create(
        [
            User(
                email=f"{role}-{i}@pages-bench.test",
                full_name=f"{role.title()} {i:04d} {rng.choice(['Silva', 'Ng', 'Okafor', 'Müller', 'Rossi'])}",
                password=unusable,
                time_zone="Europe/Madrid",
            )
            for i, role in enumerate(roles)
        ],
        batch_size=batch,
    )
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(cohort=cohort, user=user, role=role, status=EnrollmentStatus.ACCEPTED, capacity=1)
            for user, role in zip(users, roles, strict=True)
        ],
        batch_size=batch,
    )
    mentees, mentors = enrollments[:MENTEES], enrollments[MENTEES:]

    modules = [
        TrainingModule.objects.create(cohort=cohort, title="Welcome", audience="both", position=1),
        TrainingModule.objects.create(cohort=cohort, title="Code of conduct", audience="both", position=2),
        TrainingModule.objects.create(cohort=cohort, title="Being mentored", audience="mentee", position=3),
        TrainingModule.objects.create(cohort=cohort, title="Further reading", audience="both", required=False),
    ]
    TrainingCompletion.objects.bulk_create(
        [
            TrainingCompletion(module=module, enrollment=enrollment)
            for enrollment in enrollments
            for module in modules
            if (module.audience != "mentee" or enrollment.role == ParticipantRole.MENTEE) and rng.random() < 0.7
        ],
        batch_size=batch,
    )

    criteria = [{"key": "career_track", "label": "Career track", "kind": "same", "weight": 5, "hard": False}]
    first = MatchRun.objects.create(cohort=cohort, round_number=1, criteria=criteria, status=JobStatus.SUCCEEDED)
    second = MatchRun.objects.create(cohort=cohort, round_number=2, criteria=criteria, status=JobStatus.SUCCEEDED)
    pairs = []
    for i in range(PAIRS):
        matched_at = now - datetime.timedelta(days=rng.randint(30, 110), hours=rng.randint(0, 23))
        ended = i % 25 == 0
        pairs.append(
            Pair(
                cohort=cohort,
                mentee=mentees[i],
                mentor=mentors[i],
                matched_at=matched_at,
                status=PairStatus.ENDED if ended else PairStatus.ACTIVE,
                ended_at=matched_at + datetime.timedelta(days=20) if ended else None,
            )
        )
    pairs = Pair.objects.bulk_create(pairs, batch_size=batch)
    Proposal.objects.bulk_create(
        [
            Proposal(
                run=first,
                cohort=cohort,
                mentee=pair.mentee,
                mentor=pair.mentor,
                score=round(rng.uniform(0.4, 1.0), 3),
                breakdown={"career_track": 1.0},
                status=ProposalStatus.APPROVED,
                pair=pair,
                published_at=pair.matched_at,
                decided_at=pair.matched_at,
            )
            for pair in pairs
        ]
        + [
            Proposal(
                run=second,
                cohort=cohort,
                mentee=mentees[PAIRS + i],
                mentor=mentors[PAIRS + i % (MENTORS - PAIRS)],
                score=round(rng.uniform(0.3, 0.9), 3),
                breakdown={"career_track": 0.5},
                status=ProposalStatus.PENDING,
            )
            for i in range(MENTEES - PAIRS)
        ],
        batch_size=batch,
    )

    meetings = []
    for pair in pairs:
        day = pair.matched_at + datetime.timedelta(days=rng.randint(3, 12))
        until = pair.ended_at or now
        while day < until:
            status = rng.choices(
                [MeetingStatus.HELD, MeetingStatus.MISSED, MeetingStatus.CANCELLED], weights=[85, 8, 7]
            )[0]
            meetings.append(
                Meeting(
                    pair=pair,
                    starts_at=day.replace(hour=17, minute=0, second=0, microsecond=0),
                    status=status,
                    proposed_by=pair.mentee.user,
                    proposed_at=day - datetime.timedelta(days=5),
                    held_minutes=45 if status == MeetingStatus.HELD else None,
                    logged_at=day + datetime.timedelta(hours=2) if status != MeetingStatus.CANCELLED else None,
                )
            )
            day += datetime.timedelta(days=rng.choice([10, 14, 14, 14, 21, 30]))
        if pair.status == PairStatus.ACTIVE:
            meetings.append(
                Meeting(
                    pair=pair,
                    starts_at=(now + datetime.timedelta(days=rng.randint(1, 14))).replace(minute=0, second=0),
                    status=MeetingStatus.CONFIRMED,
                    proposed_by=pair.mentor.user,
                    proposed_at=now,
                )
            )
    Meeting.objects.bulk_create(meetings, batch_size=batch)
    pairs_health_refresh(pairs=Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE))

    checkin = Questionnaire.objects.create(
        cohort=cohort, title="Monthly check-in", kind=Kind.CHECK_IN, audience=Audience.BOTH, created_by=coordinator
    )
    specs = [
        ("satisfaction", QuestionType.SCALE, None),
        ("met", QuestionType.YES_NO, None),
        ("track", QuestionType.SINGLE_CHOICE, ["backend", "data", "design", "product"]),
        ("topics", QuestionType.MULTIPLE_CHOICE, ["career", "code", "interviews", "balance"]),
        ("hours", QuestionType.NUMBER, None),
        ("focus", QuestionType.SCALE, None),
        ("helpful", QuestionType.YES_NO, None),
        ("comment", QuestionType.SHORT_TEXT, None),
    ]
    questions = []
    for position, (key, kind, choices) in enumerate(specs):
        question = Question.objects.create(
            questionnaire=checkin, key=key, text=f"{key.title()}?", type=kind, position=position
        )
        for index, value in enumerate(choices or []):
            Choice.objects.create(question=question, value=value, label=value.title(), position=index)
        questions.append(question)
    Delivery.objects.bulk_create(
        [Delivery(questionnaire=checkin, enrollment=e, sent_at=now) for e in enrollments], batch_size=batch
    )
    answering = [e for e in enrollments if rng.random() < 0.66]
    responses = Response.objects.bulk_create(
        [
            Response(questionnaire=checkin, enrollment=e, status=ResponseStatus.SUBMITTED, submitted_at=now)
            for e in answering
        ],
        batch_size=batch,
    )

    def value_of(question):
        if question.type == QuestionType.SCALE:
            return rng.randint(1, 5)
        if question.type == QuestionType.YES_NO:
            return rng.random() < 0.8
        if question.type == QuestionType.SINGLE_CHOICE:
            return rng.choice(["backend", "data", "design", "product"])
        if question.type == QuestionType.MULTIPLE_CHOICE:
            return rng.sample(["career", "code", "interviews", "balance"], rng.randint(1, 3))
        if question.type == QuestionType.NUMBER:
            return rng.choice([1, 1.5, 2, 3, 4])
        return rng.choice(["Going well", "Busy month", "Learning a lot"])

    answers = []
    for response in responses:
        for question in questions:
            value = value_of(question)
            answers.append(
                Answer(
                    response=response,
                    question=question,
                    question_text=question.text,
                    value=value,
                    display=_display(value),
                )
            )
    Answer.objects.bulk_create(answers, batch_size=batch)


def _display(value) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


def _built() -> bool:
    from mentorship.models import Organization

    return Organization.objects.filter(slug=ORG_SLUG).exists()


def _who() -> dict:
    from cohorts.models import Cohort, Pair, PairStatus
    from mentorship.models import User
    from questionnaires.models import Questionnaire

    cohort = Cohort.objects.get(program__organization__slug=ORG_SLUG)
    pair = Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE).select_related("mentee__user").first()
    return {
        "cohort": cohort,
        "coordinator": User.objects.get(email="coordinator@pages-bench.test"),
        "mentee": pair.mentee.user,
        "pair": pair,
        "questionnaire": Questionnaire.objects.get(cohort=cohort),
    }


def _session(user) -> str:
    """A real session of ``user``, made by Django's own login, for the server to read."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# --- The server -------------------------------------------------------------------------------


def _server_env(database_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        # The key this process signed the sessions with.
        "DJANGO_SECRET_KEY": os.environ["DJANGO_SECRET_KEY"],
        "DJANGO_ALLOWED_HOSTS": HOST,
        # Plain HTTP here, as between a TLS proxy and the application server.
        "DJANGO_BEHIND_TLS_PROXY": "true",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_EMAIL_URL": "memorymail://",
        "CELERY_BROKER_URL": "",
    }


def start_server(*, database_url: str, port: int, workers: int) -> subprocess.Popen:
    env = _server_env(database_url)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "mentorship.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            status, _ = _get(port, "/accounts/login/", None)
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(process)
    raise RuntimeError("gunicorn did not answer within 90 s")


def stop_server(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _get(port: int, path: str, session: str | None) -> tuple[int, int]:
    """One GET on a new connection (gunicorn's sync workers close it after each answer);
    returns the status and the body's length, read to the end."""
    headers = {"X-Forwarded-Proto": "https", "Accept-Language": "en"}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        connection.close()


def single_user(port: int, path: str, session: str | None, requests: int) -> dict:
    for _ in range(2):
        status, _ = _get(port, path, session)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    times = []
    size = 0
    for _ in range(requests):
        tick = time.perf_counter()
        status, size = _get(port, path, session)
        times.append((time.perf_counter() - tick) * 1000)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
        "bytes": size,
    }


def under_load(port: int, path: str, session: str | None, connections: int, seconds: float) -> float:
    """Requests answered per second with ``connections`` clients asking in a loop."""
    stop = time.monotonic() + seconds
    done = [0] * connections
    errors = []

    def loop(index: int) -> None:
        while time.monotonic() < stop:
            status, _ = _get(port, path, session)
            if status != 200:
                errors.append(status)
                return
            done[index] += 1

    tick = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - tick
    if errors:
        raise RuntimeError(f"{path} answered {errors[0]} under load")
    return round(sum(done) / elapsed, 2)


def pages(who: dict) -> dict[str, tuple[str, str]]:
    """Each page measured: its path and who asks for it."""
    from django.urls import reverse

    cohort = who["cohort"].pk
    return {
        "dashboard": (reverse("cohorts:cohort-dashboard", kwargs={"pk": cohort}), "coordinator"),
        "pair_health": (reverse("meetings:cohort-pairs", kwargs={"pk": cohort}), "coordinator"),
        "proposals": (reverse("matching:proposal-list", kwargs={"pk": cohort}), "coordinator"),
        "matching": (reverse("matching:matching-detail", kwargs={"pk": cohort}), "coordinator"),
        "outcomes": (reverse("showcase:outcomes-cohort", kwargs={"pk": cohort}), "coordinator"),
        "questionnaire_summary": (
            reverse("questionnaires:questionnaire-summary", kwargs={"pk": who["questionnaire"].pk}),
            "coordinator",
        ),
        "people_csv": (reverse("cohorts:people-export", kwargs={"pk": cohort}), "coordinator"),
        "mentee_home": (reverse("home"), "mentee"),
        "pair_page": (reverse("meetings:pair-detail", kwargs={"pk": who["pair"].pk}), "mentee"),
    }


# --- Long jobs ------------------------------------------------------------------------------


def publish_seconds(server: str) -> float | None:
    """bench/publish.py, with a real worker on the Redis broker, in a database of its own."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        print("publishing skipped: set CELERY_BROKER_URL to a Redis broker for a real worker")
        return None
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "publish.py"), "--pairs", str(PAIRS), "--database-url", server],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    if not lines or not lines[-1].startswith("{"):
        print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
        raise RuntimeError("bench/publish.py printed no figures")
    for line in lines[:-1]:
        print(f"  publish: {line}")
    return json.loads(lines[-1])["publish_seconds"]


# --- Main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915 -- the run, top to bottom
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_SERVER, help="the PostgreSQL server (path ignored)")
    parser.add_argument("--database", default="mentorship_bench")
    parser.add_argument("--reuse", action="store_true", help="keep the cohort a previous run built")
    parser.add_argument("--requests", type=int, default=30, help="single-user requests per page")
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds under load per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--skip-publish", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args(argv)

    parts = urlsplit(args.database_url)
    server = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    database_url = urlunsplit((parts.scheme, parts.netloc, f"/{args.database}", "", ""))
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not args.reuse:
        admin(server, f'DROP DATABASE IF EXISTS "{args.database}"')
    with contextlib.suppress(Exception):  # it exists already: reused
        admin(server, f'CREATE DATABASE "{args.database}"')
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="mentorship.settings",
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="testserver,localhost",
        DJANGO_EMAIL_URL="memorymail://",
        DJANGO_LOG_LEVEL="WARNING",
        CELERY_BROKER_URL="",
    )
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(40))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    tick = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not _built():
        populate()
        # As autovacuum would soon: plans are made from the table statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"built the cohort in {time.perf_counter() - tick:.0f} s")
    else:
        print(f"reused the cohort of {args.database}")
    call_command("clearsessions", verbosity=0)
    who = _who()
    sessions = {"coordinator": _session(who["coordinator"]), "mentee": _session(who["mentee"]), None: None}
    from django.db import connections

    connections.close_all()

    wanted = set(filter(None, args.only.split(",")))
    measured = {name: spec for name, spec in pages(who).items() if not wanted or name in wanted}
    results: dict[str, dict] = {}
    process = start_server(database_url=database_url, port=args.port, workers=args.workers)
    try:
        trivial_path = "/accounts/login/"
        trivial = single_user(args.port, trivial_path, None, args.requests)
        trivial_rates = []
        for name, (path, role) in measured.items():
            figures = single_user(args.port, path, sessions[role], args.requests)
            # The trivial page right before each page: the machine's load moves during a run,
            # and the ratio compares two loops under the same load.
            trivial_rates.append(under_load(args.port, trivial_path, None, args.connections, args.seconds))
            figures["rps"] = under_load(args.port, path, sessions[role], args.connections, args.seconds)
            figures["ratio"] = round(figures["rps"] / trivial_rates[-1], 3)
            figures["trivial_rps"] = trivial_rates[-1]
            results[name] = figures
            print(
                f"  {name:<22} p50 {figures['p50_ms']:>7.1f} ms  p95 {figures['p95_ms']:>7.1f} ms  "
                f"{figures['rps']:>7.1f} req/s  ratio {figures['ratio']:.2f} (trivial {figures['trivial_rps']:.1f})",
                flush=True,
            )
    finally:
        stop_server(process)
    trivial["rps"] = round(statistics.median(trivial_rates), 2) if trivial_rates else None
    load = os.getloadavg()

    os.environ["CELERY_BROKER_URL"] = broker
    publish = None if args.skip_publish else publish_seconds(args.database_url)
    imported = None
    if not args.skip_import:
        from bench.imports import import_2000_seconds

        imported = round(import_2000_seconds(), 2)

    print()
    print(f"{'page':<22} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'ratio':>6}  (8 connections: {args.connections})")
    print(
        f"{'trivial (sign-in)':<22} {trivial['p50_ms']:>8.1f} {trivial['p95_ms']:>8.1f} {trivial['rps']:>8.1f} {1:>6.2f}"
    )
    missed = []
    for name, figures in results.items():
        flags = []
        if figures["ratio"] < TARGET_RATIO:
            flags.append("ratio")
        if figures["p95_ms"] > TARGET_P95_MS:
            flags.append("p95")
        missed += [f"{name} {flag}" for flag in flags]
        print(
            f"{name:<22} {figures['p50_ms']:>8.1f} {figures['p95_ms']:>8.1f} {figures['rps']:>8.1f} "
            f"{figures['ratio']:>6.2f}  {'below target: ' + ', '.join(flags) if flags else ''}"
        )
    print(f"publishing {PAIRS} pairs: {publish} s (target < {TARGET_PUBLISH:.0f}); import of 2,000 rows: {imported} s")
    print(
        f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores; "
        f"gunicorn workers {args.workers}"
    )
    if publish is not None and publish >= TARGET_PUBLISH:
        missed.append("publish")
    if imported is not None and imported >= TARGET_IMPORT:
        missed.append("import")
    print(
        json.dumps(
            {
                "pages": {
                    name: {"p95_ms": f["p95_ms"], "rps": f["rps"], "ratio": f["ratio"]} for name, f in results.items()
                },
                "trivial_rps": trivial["rps"],
                "publish_seconds": publish,
                "import_2000_seconds": imported,
                "load_average": [round(x, 2) for x in load],
            }
        )
    )
    return 1 if missed else 0


if __name__ == "__main__":
    from mentorship.scopes import unscoped

    # The benchmark builds and reads its own data, as a management command does; the
    # server's pages run in the signed-in person's scope as always.
    with unscoped():
        sys.exit(main())
