import datetime
from collections.abc import Iterable

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from cohorts.enums import EnrollmentStatus, ParticipantRole
from cohorts.models import Cohort, Enrollment, Pair, PairStatus
from mentorship.enums import OrgRole
from mentorship.models import User
from mentorship.selectors import membership_exists

from ..enums import ProjectStage
from ..models import Milestone, Project, ProjectUpdate, Showcase, Submission, UpdateComment
from .common import subquery_count

PROJECT_RELATED = ["enrollment__user", "enrollment__cohort__program__organization"]
MENTORING_STATUSES = [PairStatus.ACTIVE, PairStatus.GRADUATED]


def projects_visible_to(*, user: User) -> QuerySet[Project]:
    """The user's own projects, those of the mentees they mentor (active or graduated
    pairs) and every project of the cohorts they coordinate."""
    if not user.is_authenticated:
        return Project.objects.none()
    mentored = Pair.objects.filter(mentor__user=user, status__in=MENTORING_STATUSES).values("mentee_id")
    coordinated = membership_exists(
        user=user, organization="enrollment__cohort__program__organization", role=OrgRole.COORDINATOR
    )
    return Project.objects.filter(
        Q(enrollment__user=user) | Q(enrollment_id__in=mentored) | coordinated
    ).select_related(*PROJECT_RELATED)


def own_mentee_enrollment(*, cohort: Cohort, user: User) -> Enrollment | None:
    return (
        Enrollment.objects.filter(
            cohort=cohort, user=user, role=ParticipantRole.MENTEE, status=EnrollmentStatus.ACCEPTED
        )
        .select_related("cohort__program__organization", "user")
        .first()
    )


def current_pair_of(*, enrollment: Enrollment) -> Pair | None:
    """The mentee's active pair, else their latest graduated one."""
    pairs = Pair.objects.filter(mentee=enrollment, status__in=MENTORING_STATUSES).select_related(
        "mentor__user", "mentee__user", "cohort"
    )
    return pairs.order_by("status", "-matched_at", "-pk").first()


def _comments() -> Prefetch:
    return Prefetch("comments", queryset=UpdateComment.objects.select_related("author"))


def updates_page(*, project: Project, page: str | int | None, per_page: int = 10) -> Page:
    """Newest first, each with its comments and their authors: three queries a page."""
    updates = ProjectUpdate.objects.filter(project=project).select_related("author").prefetch_related(_comments())
    return Paginator(updates, per_page).get_page(page)


def latest_update(*, project: Project) -> ProjectUpdate | None:
    return ProjectUpdate.objects.filter(project=project).select_related("author").prefetch_related(_comments()).first()


def stage_of(*, has_project: bool, updates: int, submitted: bool, in_programme: bool) -> ProjectStage:
    if not has_project:
        return ProjectStage.NONE
    if in_programme:
        return ProjectStage.IN_PROGRAMME
    if submitted:
        return ProjectStage.SUBMITTED
    if updates:
        return ProjectStage.IN_PROGRESS
    return ProjectStage.PLANNED


def mentee_projects(*, cohort: Cohort, mentor: User | None = None) -> QuerySet[Enrollment]:
    """The cohort's accepted mentees who have or had a mentor (``mentor``: only theirs),
    each with their project (or None) and where it stands, in one query."""
    queryset = Enrollment.objects.filter(
        cohort=cohort, role=ParticipantRole.MENTEE, status=EnrollmentStatus.ACCEPTED
    ).filter(Exists(Pair.objects.filter(mentee=OuterRef("pk"))))
    if mentor is not None:
        queryset = queryset.filter(
            Exists(Pair.objects.filter(mentee=OuterRef("pk"), mentor__user=mentor, status__in=MENTORING_STATUSES))
        )
    mentor_name = (
        Pair.objects.filter(mentee=OuterRef("pk"))
        .order_by("status", "-matched_at", "-pk")
        .values("mentor__user__full_name")[:1]
    )
    last_update = ProjectUpdate.objects.filter(project__enrollment=OuterRef("pk")).order_by("-created_at")
    return (
        queryset.select_related("user", "showcase_project", "showcase_project__submission")
        .annotate(
            mentor_name=Subquery(mentor_name),
            milestones_total=subquery_count(Milestone.objects.all(), field="project__enrollment"),
            milestones_done=subquery_count(
                Milestone.objects.filter(done_at__isnull=False), field="project__enrollment"
            ),
            update_count=subquery_count(ProjectUpdate.objects.all(), field="project__enrollment"),
            last_update_at=Subquery(last_update.values("created_at")[:1]),
        )
        .order_by("user__full_name", "user__email", "pk")
    )


def with_stage(enrollments: Iterable[Enrollment]) -> list[Enrollment]:
    rows = list(enrollments)
    for row in rows:
        project = getattr(row, "showcase_project", None)
        submission = getattr(project, "submission", None) if project is not None else None
        row.project = project
        row.submission = submission
        row.stage = stage_of(
            has_project=project is not None,
            updates=row.update_count,
            submitted=submission is not None,
            in_programme=submission is not None and submission.position is not None,
        )
    return rows


def programme(*, showcase: Showcase) -> list[tuple[Submission, datetime.datetime]]:
    """The scheduled presentations in order, each with its start time, one slot after
    the other from the showcase's start (one query)."""
    scheduled = list(
        showcase.submissions.filter(position__isnull=False)
        .select_related("project__enrollment__user")
        .order_by("position", "pk")
    )
    times = []
    start = showcase.starts_at
    for submission in scheduled:
        times.append((submission, start))
        start = start + datetime.timedelta(minutes=showcase.slot_minutes)
    return times
