"""End-to-end benchmark of a matching round: from the answers in PostgreSQL to stored proposals.

    python bench/matching_db.py --mentees 5000 --mentors 2500 --seed 1
        [--database-url postgres://mentorship:mentorship@127.0.0.1:5432/]

It creates a database of its own on the given server (the role needs CREATEDB), migrates it,
fills one cohort with accepted mentors and mentees who submitted the ready application
questionnaires, and sets up the default criteria; none of that is timed. It then times the
round exactly as a worker runs it (the task function called in-process: load the answers,
the engine, store the proposals in one transaction) and drops the database. The last line
printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TARGET_SECONDS = 15.0

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import DEFAULT_SERVER, admin, setup_django  # noqa: E402 -- the path is set just above

# Time zones (UTC offsets) and how common they are among participants.
ZONES = [
    (-8, 8),
    (-7, 4),
    (-6, 7),
    (-5, 10),
    (-4, 3),
    (-3, 4),
    (0, 8),
    (1, 12),
    (2, 6),
    (3, 3),
    (5.5, 8),
    (8, 5),
    (9, 3),
]
TRACKS = ["backend", "frontend", "mobile", "data", "infrastructure", "security", "product", "design"]
DEPARTMENTS = ["engineering", "data", "product", "design", "it", "security", "research", "other"]
VALUES = ["growth", "balance", "impact", "craft", "inclusion", "leadership", "entrepreneurship", "community"]
GOALS = ["technical_skills", "career_plan", "leadership", "confidence", "job_search", "network", "balance"]
COUNTRIES = ["US", "GB", "DE", "NG", "KE", "IN", "BR", "JP", "ES", "FR"]


def _server_and_name(url: str, seed: int) -> tuple[str, str]:
    parts = urlsplit(url)
    name = f"bench_matching_{os.getpid()}_{seed}"
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")), name


def _setup_django(database_url: str) -> None:
    # Tasks run in this process.
    setup_django(
        database_url,
        DJANGO_ALLOWED_HOSTS=os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost"),
        CELERY_BROKER_URL="",
    )


def _answers(rng: random.Random, role: str) -> dict:
    zone_values = [z for z, _ in ZONES]
    zone_weights = [w for _, w in ZONES]
    skip = rng.random() < 0.02
    years = rng.choices([1, 2, 3, 4, 5], weights=[35, 30, 20, 10, 5] if role == "mentee" else [5, 10, 25, 30, 30])[0]
    return {
        "career_track": None if skip else rng.choice(TRACKS),
        "time_zone": None if rng.random() < 0.02 else rng.choices(zone_values, weights=zone_weights)[0],
        "values": rng.sample(VALUES, rng.randint(2, 3)),
        "department": rng.choice(DEPARTMENTS),
        "years_experience": float(years * 3 + rng.randint(0, 2)),
        "focus": rng.sample(GOALS, 2),
        "country": rng.choice(COUNTRIES),
        "hours_per_month": float(rng.choice([2, 3, 4, 6])),
    }


def populate(n_mentees: int, n_mentors: int, seed: int):
    """One cohort, as big as asked, with everyone's application submitted. Bulk inserts."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from cohorts.enums import CohortPhase, EnrollmentStatus, ParticipantRole
    from cohorts.models import Cohort, Enrollment
    from matching.models import Exclusion
    from matching.services.criteria import criteria_set_up_defaults
    from mentorship.models import Organization, Program, User
    from questionnaires.enums import ResponseStatus
    from questionnaires.models import Answer, Response
    from questionnaires.services.templating import questionnaire_from_template

    rng = random.Random(seed)
    organization = Organization.objects.create(name="Benchmark", slug=f"benchmark-{seed}")
    program = Program.objects.create(organization=organization, name="Benchmark program")
    cohort = Cohort.objects.create(
        program=program,
        name="Benchmark cohort",
        phase=CohortPhase.TRAINING,
        mentor_default_capacity=1,
        mentor_max_capacity=3,
    )
    applications = {
        role: questionnaire_from_template(cohort=cohort, template_key=f"{role}_application", by=None)
        for role in ("mentee", "mentor")
    }
    criteria_set_up_defaults(cohort=cohort)
    unusable = make_password(None)
    roles = ["mentee"] * n_mentees + ["mentor"] * n_mentors
    users = User.objects.bulk_create(
        [
            User(email=f"bench-{role}-{i}@example.test", full_name=f"{role.title()} {i}", password=unusable)
            for i, role in enumerate(roles)
        ],
        batch_size=2000,
    )
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(
                cohort=cohort,
                user=user,
                role=ParticipantRole.MENTEE if role == "mentee" else ParticipantRole.MENTOR,
                status=EnrollmentStatus.ACCEPTED,
                capacity=rng.randint(1, 3) if role == "mentor" else None,
            )
            for user, role in zip(users, roles, strict=True)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    responses = Response.objects.bulk_create(
        [
            Response(
                questionnaire=applications[role],
                enrollment=enrollment,
                status=ResponseStatus.SUBMITTED,
                revision=1,
                submitted_at=now,
            )
            for enrollment, role in zip(enrollments, roles, strict=True)
        ],
        batch_size=2000,
    )
    questions = {role: {q.key: q for q in q_.questions.all()} for role, q_ in applications.items()}
    rows = []
    for response, role in zip(responses, roles, strict=True):
        for key, given in _answers(rng, role).items():
            if given is None:
                continue
            question = questions[role][key]
            value, offset = given, None
            if key == "time_zone":
                value, offset = f"UTC{given:+}", float(given)
            rows.append(
                Answer(
                    response=response,
                    question=question,
                    question_text=question.text,
                    value=value,
                    display=str(value),
                    utc_offset=offset,
                )
            )
    Answer.objects.bulk_create(rows, batch_size=5000)
    mentees = [e for e in enrollments if e.role == ParticipantRole.MENTEE]
    mentors = [e for e in enrollments if e.role == ParticipantRole.MENTOR]
    # About 1% of mentees may not be paired with a few mentors (reporting lines).
    excluded = {
        (mentee.pk, rng.choice(mentors).pk)
        for mentee in mentees
        if mentors and rng.random() < 0.01
        for _ in range(rng.randint(1, 5))
    }
    Exclusion.objects.bulk_create(
        [Exclusion(cohort=cohort, mentee_id=a, mentor_id=b, reason="reporting_line") for a, b in excluded]
    )
    return cohort, len(rows), len(excluded)


def run_round(cohort) -> tuple[float, object]:
    from matching.models import MatchRun
    from matching.selectors import criteria_of
    from matching.services.scoring import criteria_snapshot
    from matching.tasks import task_run_round

    run = MatchRun.objects.create(cohort=cohort, round_number=1, criteria=criteria_snapshot(criteria_of(cohort=cohort)))
    from django.db import connection

    connection.close()  # the worker starts from a fresh connection too
    tick = time.perf_counter()
    task_run_round(match_run_id=run.pk)
    seconds = time.perf_counter() - tick
    run.refresh_from_db()
    return seconds, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentees", type=int, default=5000)
    parser.add_argument("--mentors", type=int, default=2500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        default=DEFAULT_SERVER,
        help="the PostgreSQL server (its path is ignored: a database of its own is created and dropped)",
    )
    args = parser.parse_args(argv)

    server, name = _server_and_name(args.database_url, args.seed)
    parts = urlsplit(args.database_url)
    database_url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    admin(server, f'CREATE DATABASE "{name}"')
    try:
        _setup_django(database_url)
        from django.core.management import call_command
        from django.db import connections

        tick = time.perf_counter()
        call_command("migrate", verbosity=0)
        cohort, answers, exclusions = populate(args.mentees, args.mentors, args.seed)
        print(
            f"set-up (not timed): {time.perf_counter() - tick:.1f} s; {args.mentees} mentees, {args.mentors} mentors, "
            f"{answers} answers, {exclusions} exclusions"
        )
        seconds, run = run_round(cohort)
        connections.close_all()
    finally:
        from django.db import connections

        connections.close_all()
        admin(server, f'DROP DATABASE IF EXISTS "{name}"')

    stats = run.stats
    timing = stats.get("seconds", {})
    if run.status != "succeeded":
        print(f"the run failed: {run.failure}", file=sys.stderr)
    print(
        f"round: {run.status} in {seconds:.3f} s (load {timing.get('load')} s, engine {timing.get('solve')} s, "
        f"store {timing.get('store')} s)"
    )
    print(
        f"proposals {stats.get('proposals')}, unmatched {len(stats.get('unmatched', {}))}, "
        f"seats {stats.get('seats')}, excluded pairs {stats.get('excluded_pairs')}, gap bound {stats.get('gap_bound')}"
    )
    figures = {
        "mentees": args.mentees,
        "mentors": args.mentors,
        "seed": args.seed,
        "seconds": round(seconds, 3),
        "proposals": stats.get("proposals"),
        "load_seconds": timing.get("load"),
        "solve_seconds": timing.get("solve"),
        "store_seconds": timing.get("store"),
        "target_seconds": TARGET_SECONDS,
        "meets_target": run.status == "succeeded" and seconds < TARGET_SECONDS,
    }
    print(json.dumps(figures))
    return 0 if figures["meets_target"] else 1


if __name__ == "__main__":
    from mentorship.scopes import unscoped

    # A benchmark sets up and reads its own throw-away data, as a management command does.
    with unscoped():
        sys.exit(main())
