from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from mentorship.models import User
from mentorship.selectors import membership_exists

from .enums import ACTIVE_ENROLLMENT_STATUSES, Audience, EnrollmentStatus, InvitationStatus, ParticipantRole
from .models import Cohort, Enrollment, Invitation, PairStatus, SubcommitteeMember, TrainingModule


def _takes_part(user: User) -> Q:
    # EXISTS per cohort rather than joins: a join over enrollments and the subcommittee returns
    # one row per participant, to be folded back with DISTINCT (15,000 rows for one cohort of
    # 5,000 people); an EXISTS stops at the first matching row of an index.
    enrolled = Enrollment.objects.filter(cohort=OuterRef("pk"), user=user, status__in=ACTIVE_ENROLLMENT_STATUSES)
    seated = SubcommitteeMember.objects.filter(cohort=OuterRef("pk"), user=user)
    return Q(Exists(enrolled)) | Q(Exists(seated))


def cohorts_taken_part_in(*, user: User) -> QuerySet[Cohort]:
    """Cohorts the user is a participant of, or sits on the subcommittee of."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    return Cohort.objects.filter(_takes_part(user)).select_related("program__organization")


def cohorts_visible_to(*, user: User) -> QuerySet[Cohort]:
    """Every cohort the user may open: those of their organizations and those they take part in."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    member = membership_exists(user=user, organization="program__organization")
    return Cohort.objects.filter(Q(member) | _takes_part(user)).select_related("program__organization")


# --- Training ---------------------------------------------------------------------------


def required_module_counts(*, cohort: Cohort) -> dict[str, int]:
    """How many required modules each role has to complete."""
    rows = TrainingModule.objects.filter(cohort=cohort, required=True).values_list("audience", flat=True)
    audiences = list(rows)
    return {
        role: sum(1 for a in audiences if a in (Audience.BOTH, role))
        for role in (ParticipantRole.MENTOR, ParticipantRole.MENTEE)
    }


def _required_done() -> Count:
    # Completions of required modules meant for the person's own role.
    return Count(
        "training_completions",
        filter=Q(training_completions__module__required=True)
        & (
            Q(training_completions__module__audience=Audience.BOTH)
            | Q(training_completions__module__audience=F("role"))
        ),
        distinct=True,
    )


def with_training_progress(queryset: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    return queryset.annotate(required_done=_required_done())


def people_behind_on_training(*, cohort: Cohort) -> list[Enrollment]:
    """Accepted participants who have not completed every required module of their role."""
    totals = required_module_counts(cohort=cohort)
    if not any(totals.values()):
        return []
    accepted = with_training_progress(
        Enrollment.objects.filter(cohort=cohort, status=EnrollmentStatus.ACCEPTED).select_related("user")
    )
    return [e for e in accepted if e.required_done < totals[e.role]]


# --- The coordinator's dashboard --------------------------------------------------------

FUNNEL_STAGES = ["invited", "applied", "accepted", "trained", "matched", "active", "graduated", "withdrawn"]
# What each count means, shown beside the funnel: each stage counts everyone who reached it
# and is still in the cohort, except "withdrawn", which counts those who left.
FUNNEL_HELP = {
    "invited": "invitations sent and not withdrawn, accepted or not",
    "applied": "people in the cohort, whether they applied or came through an invitation",
    "accepted": "accepted and still taking part",
    "trained": "accepted and done with every required module",
    "matched": "accepted and in a pair (active, graduated or ended)",
    "active": "in an active pair",
    "graduated": "in a graduated pair",
    "withdrawn": "left the cohort",
}


def cohort_funnel(*, cohort: Cohort, required: dict[str, int] | None = None) -> dict[str, int]:
    """Counts of people at each stage. Three queries whatever the cohort's size (two when the
    caller already has the required module counts)."""
    totals = required if required is not None else required_module_counts(cohort=cohort)
    return cohort_funnels(cohorts=[cohort], required={cohort.pk: totals})[cohort.pk]


def cohort_funnels(*, cohorts: list[Cohort], required: dict[int, dict[str, int]] | None = None) -> dict[int, dict]:
    """``cohort_funnel`` for many cohorts at once (a program's report): three queries in all,
    whatever the number of cohorts or people."""
    ids = [c.pk for c in cohorts]
    if required is None:
        required = {pk: dict.fromkeys((ParticipantRole.MENTOR, ParticipantRole.MENTEE), 0) for pk in ids}
        for cohort_id, audience in TrainingModule.objects.filter(cohort_id__in=ids, required=True).values_list(
            "cohort_id", "audience"
        ):
            for role in (ParticipantRole.MENTOR, ParticipantRole.MENTEE):
                required[cohort_id][role] += audience in (Audience.BOTH, role)
    # One row per person: annotate first, so that values() does not group people together.
    rows = (
        with_training_progress(Enrollment.objects.filter(cohort_id__in=ids))
        .annotate(
            in_pair=Count("pairs_as_mentor", distinct=True) + Count("pairs_as_mentee", distinct=True),
            active=Count("pairs_as_mentor", filter=Q(pairs_as_mentor__status=PairStatus.ACTIVE), distinct=True)
            + Count("pairs_as_mentee", filter=Q(pairs_as_mentee__status=PairStatus.ACTIVE), distinct=True),
            graduated=Count("pairs_as_mentor", filter=Q(pairs_as_mentor__status=PairStatus.GRADUATED), distinct=True)
            + Count("pairs_as_mentee", filter=Q(pairs_as_mentee__status=PairStatus.GRADUATED), distinct=True),
        )
        .values("cohort_id", "status", "role", "required_done", "in_pair", "active", "graduated")
    )
    funnels = {pk: dict.fromkeys(FUNNEL_STAGES, 0) for pk in ids}
    for row in rows:
        counts = funnels[row["cohort_id"]]
        status = row["status"]
        if status == EnrollmentStatus.WITHDRAWN:
            counts["withdrawn"] += 1
            continue
        counts["applied"] += 1
        if status != EnrollmentStatus.ACCEPTED:
            continue
        counts["accepted"] += 1
        if row["required_done"] >= required[row["cohort_id"]][row["role"]]:
            counts["trained"] += 1
        if row["in_pair"]:
            counts["matched"] += 1
        if row["active"]:
            counts["active"] += 1
        if row["graduated"]:
            counts["graduated"] += 1
    invited = (
        Invitation.objects.filter(cohort_id__in=ids)
        .exclude(status=InvitationStatus.REVOKED)
        .values_list("cohort_id")
        .annotate(n=Count("pk"))
    )
    for cohort_id, n in invited:
        funnels[cohort_id]["invited"] = n
    return funnels


def people_table(*, cohort: Cohort, search: str = "", role: str = "", status: str = "") -> QuerySet[Enrollment]:
    """Everyone in the cohort with what the dashboard shows per row, in one query."""
    # The cohort comes along for effective_capacity (the cohort's default capacity).
    queryset = Enrollment.objects.filter(cohort=cohort).select_related("user", "cohort")
    if search:
        queryset = queryset.filter(Q(user__full_name__icontains=search) | Q(user__email__icontains=search))
    if role:
        queryset = queryset.filter(role=role)
    if status:
        queryset = queryset.filter(status=status)
    return with_training_progress(queryset).order_by("role", "user__full_name", "user__email")
