"""Each person's home page as a to-do list, every item a link.

Coordinators see each cohort of their organizations (newest first) with its phase and what
waits for them; viewers see each cohort's key figures; subcommittee members see what waits
for their vote; participants see their next steps in each cohort (``cohorts.next_steps``).
What belongs to other apps (pairs at risk, proposals, failed runs) is added through
``cohorts.hooks``; every part costs a fixed number of queries, whatever the number of
cohorts, pairs or proposals."""

import datetime

from django.db.models import Count, F, Max
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorship.enums import JobStatus, OrgRole
from mentorship.rules import org_roles
from mentorship.zones import site_today

from .enums import CohortPhase, EnrollmentStatus
from .hooks import (
    Figure,
    Todo,
    cohort_figures,
    cohort_todos,
    personal_todos,
    register_cohort_figures,
    register_cohort_todos,
)
from .models import Cohort, Enrollment, ImportJob
from .selectors import cohort_funnels

# The date by which each phase is expected to move on to the next one.
PHASE_DUE = {
    CohortPhase.DRAFT: ("enrollment_opens_on", CohortPhase.ENROLLMENT),
    CohortPhase.ENROLLMENT: ("enrollment_closes_on", CohortPhase.TRAINING),
    CohortPhase.TRAINING: ("launch_on", CohortPhase.LAUNCH),
    CohortPhase.LAUNCH: ("showcase_on", CohortPhase.SHOWCASE),
    CohortPhase.SHOWCASE: ("ends_on", CohortPhase.CLOSED),
}


def newest_first(queryset):
    """Cohorts by start date, newest first (launch, else the opening of enrollment); a cohort
    without dates is one being set up, so it comes first."""
    start = Coalesce("launch_on", "enrollment_opens_on")
    return queryset.annotate(start_on=start).order_by(F("start_on").desc(nulls_first=True), "-created_at", "-pk")


def _cohorts_of(user, role: str) -> list[Cohort]:
    org_ids = [org_id for org_id, r in org_roles(user).items() if r == role]
    if not org_ids:
        return []
    return list(
        newest_first(Cohort.objects.filter(program__organization_id__in=org_ids)).select_related(
            "program__organization"
        )
    )


def coordinator_cards(user) -> list[dict]:
    cohorts = _cohorts_of(user, OrgRole.COORDINATOR)
    todos = cohort_todos(cohorts, user)
    return [{"cohort": c, "todos": todos.get(c.pk, [])} for c in cohorts]


def viewer_cards(user) -> list[dict]:
    cohorts = _cohorts_of(user, OrgRole.VIEWER)
    figures = cohort_figures(cohorts)
    return [{"cohort": c, "figures": figures.get(c.pk, [])} for c in cohorts]


def review_cards(user) -> list[dict]:
    """The cohorts whose matching subcommittee the person sits on, with what waits for their
    vote (``personal_todos``)."""
    cohorts = list(newest_first(Cohort.objects.filter(subcommittee__user=user)).select_related("program__organization"))
    todos = personal_todos(user) if cohorts else {}
    return [{"cohort": c, "todos": todos.get(c.pk, [])} for c in cohorts]


# --- What the cohorts app itself adds --------------------------------------------------------


def _url(name: str, cohort_id: int, query: str = "") -> str:
    return reverse(name, kwargs={"pk": cohort_id}) + query


def _phase_todo(cohort: Cohort, today: datetime.date) -> Todo | None:
    due = PHASE_DUE.get(cohort.phase)
    if due is None:
        return None
    field, target = due
    day = getattr(cohort, field)
    if day is None or day > today:
        return None
    return Todo(
        _("%(date)s has come: move on to %(phase)s")
        % {"date": date_format(day, "DATE_FORMAT"), "phase": CohortPhase(target).label},
        _url("cohorts:cohort-detail", cohort.pk, "#phase-heading"),
        level="warning",
        order=90,
    )


def todos(cohorts: list[Cohort], user) -> dict[int, list[Todo]]:
    """Applications to decide, failed imports, a phase whose date has come. Two queries."""
    ids = [c.pk for c in cohorts]
    result: dict[int, list[Todo]] = {pk: [] for pk in ids}
    applied = (
        Enrollment.objects.filter(cohort_id__in=ids, status=EnrollmentStatus.APPLIED)
        .order_by()
        .values_list("cohort_id")
        .annotate(n=Count("pk"))
    )
    for cohort_id, n in applied:
        result[cohort_id].append(
            Todo(
                ngettext("%(n)d application to decide", "%(n)d applications to decide", n) % {"n": n},
                _url("cohorts:cohort-dashboard", cohort_id, "?status=applied"),
                level="warning",
                order=10,
            )
        )
    failed = (
        ImportJob.objects.filter(cohort_id__in=ids, status=JobStatus.FAILED)
        .order_by()
        .values_list("cohort_id")
        .annotate(n=Count("pk"), last=Max("pk"))
    )
    for cohort_id, n, last in failed:
        result[cohort_id].append(
            Todo(
                ngettext("%(n)d import failed", "%(n)d imports failed", n) % {"n": n},
                reverse("cohorts:import-detail", kwargs={"pk": cohort_id, "job_pk": last}),
                level="danger",
                order=5,
            )
        )
    today = site_today()
    for cohort in cohorts:
        todo = _phase_todo(cohort, today)
        if todo is not None:
            result[cohort.pk].append(todo)
    return result


def figures(cohorts: list[Cohort]) -> dict[int, list[Figure]]:
    """People at each stage (the funnel): two queries."""
    funnels = cohort_funnels(cohorts=cohorts)
    result = {}
    for cohort in cohorts:
        funnel = funnels[cohort.pk]
        dashboard = _url("cohorts:cohort-dashboard", cohort.pk)
        result[cohort.pk] = [
            Figure(_("People applied"), funnel["applied"], dashboard, order=10),
            Figure(_("People accepted"), funnel["accepted"], dashboard, order=11),
            Figure(_("People in a pair"), funnel["matched"], dashboard, order=12),
            Figure(_("People graduated"), funnel["graduated"], dashboard, order=13),
        ]
    return result


def register() -> None:
    register_cohort_todos(todos)
    register_cohort_figures(figures)


__all__ = ["coordinator_cards", "newest_first", "register", "review_cards", "viewer_cards"]
