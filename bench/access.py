"""Access and navigation queries at two cohort sizes, read from PostgreSQL's own plans.

    python bench/access.py [--small 50] [--large 5000] [--repeat 7]
        [--database-url postgres://mentorship:mentorship@127.0.0.1:5432/]

Every page runs ``cohorts_visible_to`` (to open its cohort) and the navigation runs
``cohorts_taken_part_in``. This script creates a database of its own on the given server,
fills one organization with a cohort of ``--small`` participants and another with
``--large`` (two thirds mentees, a subcommittee of three, two coordinators, a viewer),
then runs EXPLAIN ANALYZE on each query as the coordinator, a mentee and a subcommittee
member see it, in both cohorts, with the shape these selectors had before (OR-ed joins
over memberships, enrollments and the subcommittee, folded by DISTINCT) as the baseline.
It prints the median execution time and the rows the plan's nodes produced, and as its
last line one JSON object with the ratio large/small of each query (flat is about 1).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import DEFAULT_SERVER, admin  # noqa: E402 -- the path is set just above
from bench.matching_db import _setup_django  # noqa: E402 -- the path is set just above


def populate(size: int, label: str) -> dict:
    """An organization with one cohort of ``size`` participants; returns who is who."""
    from django.contrib.auth.hashers import make_password

    from cohorts.enums import CohortPhase, EnrollmentStatus, ParticipantRole
    from cohorts.models import Cohort, Enrollment, SubcommitteeMember
    from mentorship.enums import OrgRole
    from mentorship.models import Organization, OrganizationMembership, Program, User

    organization = Organization.objects.create(name=f"Access {label}", slug=f"access-{label}")
    program = Program.objects.create(organization=organization, name="Program")
    cohort = Cohort.objects.create(program=program, name="Cohort", phase=CohortPhase.LAUNCH)
    Cohort.objects.create(program=program, name="Earlier cohort", phase=CohortPhase.CLOSED)
    unusable = make_password(None)
    people = User.objects.bulk_create(
        [User(email=f"{label}-{i}@example.test", password=unusable) for i in range(size + 6)], batch_size=2000
    )
    participants, staff = people[:size], people[size:]
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                cohort=cohort,
                user=user,
                role=ParticipantRole.MENTEE if i % 3 else ParticipantRole.MENTOR,
                status=EnrollmentStatus.ACCEPTED,
            )
            for i, user in enumerate(participants)
        ],
        batch_size=2000,
    )
    SubcommitteeMember.objects.bulk_create([SubcommitteeMember(cohort=cohort, user=u) for u in staff[:3]])
    OrganizationMembership.objects.bulk_create(
        [
            OrganizationMembership(organization=organization, user=staff[3], role=OrgRole.COORDINATOR),
            OrganizationMembership(organization=organization, user=staff[4], role=OrgRole.COORDINATOR),
            OrganizationMembership(organization=organization, user=staff[5], role=OrgRole.VIEWER),
        ]
    )
    return {"cohort": cohort, "coordinator": staff[3], "mentee": participants[1], "reviewer": staff[0]}


def baseline_visible(user):
    """The shape of ``cohorts_visible_to`` before: joins over every membership, enrollment
    and seat of the subcommittee, one row each, folded back by DISTINCT."""
    from django.db.models import Q

    from cohorts.enums import ACTIVE_ENROLLMENT_STATUSES
    from cohorts.models import Cohort

    return (
        Cohort.objects.filter(
            Q(program__organization__memberships__user=user)
            | Q(enrollments__user=user, enrollments__status__in=ACTIVE_ENROLLMENT_STATUSES)
            | Q(subcommittee__user=user)
        )
        .select_related("program__organization")
        .distinct()
    )


def baseline_taken_part_in(user):
    from django.db.models import Q

    from cohorts.enums import ACTIVE_ENROLLMENT_STATUSES
    from cohorts.models import Cohort

    return (
        Cohort.objects.filter(
            Q(enrollments__user=user, enrollments__status__in=ACTIVE_ENROLLMENT_STATUSES) | Q(subcommittee__user=user)
        )
        .select_related("program__organization")
        .distinct()
    )


def _rows(node: dict) -> int:
    """Rows produced by every node of the plan, loops included: the work the plan did."""
    own = int(node.get("Actual Rows", 0) * node.get("Actual Loops", 1))
    return own + sum(_rows(child) for child in node.get("Plans", []))


def explain(queryset, repeat: int) -> dict:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    times, rows = [], 0
    with connection.cursor() as cursor:
        for _ in range(repeat):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0][0]
            times.append(plan["Execution Time"])
            rows = _rows(plan["Plan"])
    return {"ms": round(statistics.median(times), 3), "plan_rows": rows}


def measure(people: dict, repeat: int) -> dict:
    from cohorts.selectors import cohorts_taken_part_in, cohorts_visible_to

    cohort = people["cohort"]
    figures = {}
    for who in ("coordinator", "mentee", "reviewer"):
        user = people[who]
        queries = {
            # What a cohort page runs: is this cohort one the person may open?
            f"open_cohort[{who}]": (
                cohorts_visible_to(user=user).filter(pk=cohort.pk),
                baseline_visible(user).filter(pk=cohort.pk),
            ),
            # What the navigation runs on every page.
            f"navigation[{who}]": (cohorts_taken_part_in(user=user), baseline_taken_part_in(user)),
        }
        for name, (now, before) in queries.items():
            assert list(now) == list(before), name
            figures[name] = {"now": explain(now, repeat), "before": explain(before, repeat)}
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=50)
    parser.add_argument("--large", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url", default=DEFAULT_SERVER, help="the PostgreSQL server (a database is created)")
    args = parser.parse_args(argv)

    parts = urlsplit(args.database_url)
    server = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    name = "bench_access"
    admin(server, f'DROP DATABASE IF EXISTS "{name}"')
    admin(server, f'CREATE DATABASE "{name}"')
    try:
        _setup_django(urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", "")))
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        small = populate(args.small, "small")
        large = populate(args.large, "large")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        results = {"small": measure(small, args.repeat), "large": measure(large, args.repeat)}
    finally:
        from django.db import connections

        connections.close_all()
        admin(server, f'DROP DATABASE IF EXISTS "{name}"')

    summary = {}
    print(f"{'query':28} {'size':>6} {'now ms':>8} {'rows':>7} {'before ms':>10} {'rows':>7}")
    for query in results["small"]:
        for size in ("small", "large"):
            now, before = results[size][query]["now"], results[size][query]["before"]
            count = args.small if size == "small" else args.large
            print(
                f"{query:28} {count:>6} {now['ms']:>8.3f} {now['plan_rows']:>7} "
                f"{before['ms']:>10.3f} {before['plan_rows']:>7}"
            )
        small_now, large_now = results["small"][query]["now"], results["large"][query]["now"]
        large_before = results["large"][query]["before"]
        summary[query] = {
            "ms_small": small_now["ms"],
            "ms_large": large_now["ms"],
            "ratio_large_to_small": round(large_now["ms"] / max(small_now["ms"], 0.001), 2),
            "rows_large": large_now["plan_rows"],
            "baseline_ms_large": large_before["ms"],
            "baseline_rows_large": large_before["plan_rows"],
            "speedup_vs_baseline_large": round(large_before["ms"] / max(large_now["ms"], 0.001), 1),
        }
    print(json.dumps({"participants": [args.small, args.large], "queries": summary}))
    return 0


if __name__ == "__main__":
    from mentorship.scopes import unscoped

    # A benchmark sets up and reads its own throw-away data, as a management command does.
    with unscoped():
        sys.exit(main())
