from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from mentorship.models import User
from mentorship.selectors import membership_exists

from .enums import ACTIVE_ENROLLMENT_STATUSES, Audience, EnrollmentStatus, InvitationStatus, ParticipantRole
from .models import (
    Cohort,
    Enrollment,
    Invitation,
    Pair,
    PairStatus,
    SubcommitteeMember,
    TrainingCompletion,
    TrainingModule,
)


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


def _required_done() -> Coalesce:
    # Completions of required modules meant for the person's own role, counted per row by a
    # subquery: no GROUP BY over the cohort, so that a page (or a streamed export) reads only
    # the rows it shows, as they come.
    done = (
        TrainingCompletion.objects.correlated()
        .filter(enrollment=OuterRef("pk"), module__required=True)
        .filter(Q(module__audience=Audience.BOTH) | Q(module__audience=OuterRef("role")))
        .order_by()
        .values("enrollment")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(done, output_field=IntegerField()), 0)


def with_training_progress(queryset: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    return queryset.annotate(required_done=_required_done())


def people_behind_on_training(*, cohort: Cohort) -> list[Enrollment]:
    """Accepted participants who have not completed every required module of their role
    (nobody, in a program without training)."""
    if not cohort.program.uses_training:
        return []
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


def funnel_stages(funnel: dict[str, int]) -> list[str]:
    """The stages to show: the funnel starts at the cohort's first real step, the
    invitations when any were sent, else the applications (never "Invited 0")."""
    return [stage for stage in FUNNEL_STAGES if stage != "invited" or funnel.get("invited")]


def cohort_funnel(*, cohort: Cohort) -> dict[str, int]:
    """Counts of people at each stage: two queries whatever the cohort's size."""
    return cohort_funnels(cohorts=[cohort])[cohort.pk]


def trained_q() -> Q:
    """Whether an enrollment has completed every required module meant for its role, as a
    condition for ``filter`` or a conditional ``Count`` (an EXISTS, no join)."""
    undone = (
        TrainingModule.objects.correlated()
        .filter(cohort=OuterRef("cohort_id"), required=True)
        .filter(Q(audience=Audience.BOTH) | Q(audience=OuterRef("role")))
        .filter(
            ~Exists(
                TrainingCompletion.objects.correlated().filter(
                    module=OuterRef("pk"), enrollment=OuterRef(OuterRef("pk"))
                )
            )
        )
    )
    return ~Q(Exists(undone))


def _in_pair(**status) -> Q:
    as_mentor = Pair.objects.correlated().filter(mentor=OuterRef("pk"), **status)
    as_mentee = Pair.objects.correlated().filter(mentee=OuterRef("pk"), **status)
    return Q(Exists(as_mentor)) | Q(Exists(as_mentee))


def _in_pair_of(ids: list[int], **status) -> Q:
    """Whether an enrollment is the mentor or the mentee of a pair of these cohorts: two
    lists of the cohorts' pairs, each read once and hashed (``_in_pair`` probes the pairs'
    indexes once per enrollment and condition, a few hundred thousand probes at 5,000)."""
    pairs = Pair.objects.filter(cohort_id__in=ids, **status).order_by()
    return Q(pk__in=pairs.values("mentor_id")) | Q(pk__in=pairs.values("mentee_id"))


def cohort_funnels(*, cohorts: list[Cohort]) -> dict[int, dict]:
    """``cohort_funnel`` for many cohorts at once (a program's report): two queries in all,
    each counting in the database (one row per cohort), whatever the number of cohorts or
    people."""
    ids = [c.pk for c in cohorts]
    accepted = Q(status=EnrollmentStatus.ACCEPTED)
    # Those with a required module left, found in one pass (a join, hashed) rather than
    # ``trained_q`` checked once per enrollment inside the count.
    untrained = Enrollment.objects.filter(cohort_id__in=ids).filter(~trained_q()).order_by().values("pk")
    rows = (
        Enrollment.objects.filter(cohort_id__in=ids)
        .order_by()
        .values("cohort_id")
        .annotate(
            applied=Count("pk", filter=~Q(status=EnrollmentStatus.WITHDRAWN)),
            accepted=Count("pk", filter=accepted),
            trained=Count("pk", filter=accepted & ~Q(pk__in=untrained)),
            matched=Count("pk", filter=accepted & _in_pair_of(ids)),
            active=Count("pk", filter=accepted & _in_pair_of(ids, status=PairStatus.ACTIVE)),
            graduated=Count("pk", filter=accepted & _in_pair_of(ids, status=PairStatus.GRADUATED)),
            withdrawn=Count("pk", filter=Q(status=EnrollmentStatus.WITHDRAWN)),
        )
    )
    funnels = {pk: dict.fromkeys(FUNNEL_STAGES, 0) for pk in ids}
    for row in rows:
        funnels[row.pop("cohort_id")].update(row)
    invited = (
        Invitation.objects.filter(cohort_id__in=ids)
        .exclude(status=InvitationStatus.REVOKED)
        .order_by()
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
