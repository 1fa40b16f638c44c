"""Reading matching state: who takes part in the next round, what the review screens list."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from cohorts.enums import EnrollmentStatus, ParticipantRole
from cohorts.models import Cohort, Enrollment, Pair, PairEndKind, PairStatus
from mentorship.enums import ACTIVE_JOB_STATUSES, OrgRole
from mentorship.models import User
from questionnaires.enums import Kind
from questionnaires.models import Question

from .enums import ProposalStatus, VoteChoice
from .models import Exclusion, MatchingCriterion, MatchingSettings, MatchRun, PairEnd, Proposal, Vote


@dataclass
class RoundPeople:
    """Who a new round would match, and under which constraints (enrollment ids throughout).

    Mentees: accepted, without an active (or graduated) pair, without an approved proposal
    waiting to be published, and not ended out of the cohort's rounds (a pair ended with
    "end" whose mentee the coordinator has not put back: ``ended_out``). Mentors: accepted, with the seats left once active
    pairs and approved, unpublished proposals are counted. ``excluded`` gathers every pair
    that must never be proposed: the coordinator's exclusions, pairs rejected in any earlier
    round, and pairs that were published and then ended.
    """

    mentee_ids: list[int] = field(default_factory=list)
    mentor_ids: list[int] = field(default_factory=list)
    capacity: dict[int, int] = field(default_factory=dict)
    # Mentor capacity before any seat is taken, for mentors with seats left.
    effective: dict[int, int] = field(default_factory=dict)
    excluded: set[tuple[int, int]] = field(default_factory=set)
    fixed: list[tuple[int, int]] = field(default_factory=list)
    active_pairs: int = 0
    ended_out: set[int] = field(default_factory=set)

    @property
    def seats(self) -> int:
        return sum(self.capacity.values())


def round_people(*, cohort: Cohort) -> RoundPeople:
    """Four queries, no model instances, whatever the cohort's size."""
    people = RoundPeople()
    accepted = list(
        Enrollment.objects.filter(cohort=cohort, status=EnrollmentStatus.ACCEPTED)
        .order_by("pk")
        .values_list("pk", "role", "capacity")
    )
    used: Counter[int] = Counter()
    settled_mentees: set[int] = set()
    for mentor_id, mentee_id, status, end_kind, back_at in Pair.objects.filter(cohort=cohort).values_list(
        "mentor_id", "mentee_id", "status", "end_kind", "mentee_back_at"
    ):
        if status == PairStatus.ENDED and end_kind == PairEndKind.END and back_at is None:
            people.ended_out.add(mentee_id)
        if status == PairStatus.ACTIVE:
            used[mentor_id] += 1
            settled_mentees.add(mentee_id)
            people.active_pairs += 1
        elif status == PairStatus.GRADUATED:
            settled_mentees.add(mentee_id)
        else:
            people.excluded.add((mentee_id, mentor_id))
    for mentee_id, mentor_id, status in (
        Proposal.objects.filter(cohort=cohort)
        .filter(Q(status=ProposalStatus.APPROVED, pair__isnull=True) | Q(status=ProposalStatus.REJECTED))
        .values_list("mentee_id", "mentor_id", "status")
    ):
        if status == ProposalStatus.REJECTED:
            people.excluded.add((mentee_id, mentor_id))
        else:
            people.fixed.append((mentee_id, mentor_id))
            used[mentor_id] += 1
            settled_mentees.add(mentee_id)
    people.excluded.update(Exclusion.objects.filter(cohort=cohort).values_list("mentee_id", "mentor_id"))
    for pk, role, capacity in accepted:
        if role == ParticipantRole.MENTEE:
            if pk not in settled_mentees and pk not in people.ended_out:
                people.mentee_ids.append(pk)
            continue
        effective = capacity if capacity is not None else cohort.mentor_default_capacity
        seats = effective - used[pk]
        if seats > 0:
            people.mentor_ids.append(pk)
            people.capacity[pk] = seats
            people.effective[pk] = effective
    return people


def matching_settings_of(*, cohort: Cohort) -> MatchingSettings:
    """The cohort's settings row, or the defaults (unsaved) when the coordinator never changed them."""
    found = MatchingSettings.objects.filter(cohort=cohort).first()
    return found or MatchingSettings(cohort=cohort)


def criteria_of(*, cohort: Cohort) -> list[MatchingCriterion]:
    return list(
        MatchingCriterion.objects.filter(cohort=cohort).select_related(
            "mentee_question__questionnaire", "mentor_question__questionnaire"
        )
    )


def application_questions(*, cohort: Cohort, role: str) -> QuerySet[Question]:
    """The live application questions a criterion may read for ``role``: those that feed matching."""
    return (
        Question.objects.filter(
            questionnaire__cohort=cohort,
            questionnaire__kind=Kind.APPLICATION,
            questionnaire__audience__in=[role, "both"],
            retired_at__isnull=True,
        )
        .exclude(matching_key="")
        .select_related("questionnaire")
        .order_by("questionnaire__pk", "position", "pk")
    )


def active_run(*, cohort: Cohort) -> MatchRun | None:
    return MatchRun.objects.filter(cohort=cohort, status__in=ACTIVE_JOB_STATUSES).first()


def proposal_counts(*, cohort: Cohort) -> dict[str, int]:
    """Counts by status, plus ``to_publish`` (approved, not published) and ``published``. One query."""
    counts = Proposal.objects.filter(cohort=cohort).aggregate(
        pending=Count("pk", filter=Q(status=ProposalStatus.PENDING)),
        approved=Count("pk", filter=Q(status=ProposalStatus.APPROVED)),
        rejected=Count("pk", filter=Q(status=ProposalStatus.REJECTED)),
        superseded=Count("pk", filter=Q(status=ProposalStatus.SUPERSEDED)),
        to_publish=Count("pk", filter=Q(status=ProposalStatus.APPROVED, pair__isnull=True)),
        published=Count("pk", filter=Q(pair__isnull=False)),
    )
    return counts


def ended_pairs(*, cohort: Cohort, limit: int = 50) -> list[Pair]:
    """The cohort's pairs that ended, whatever ended them (the coordinator here, the match
    feedback, an end-of-term decision, a withdrawal), newest first, each with
    ``mentee_now``: "rematched" (an active pair or an open proposal again), "out" (ended
    out of the later rounds, not put back), "left" (no longer accepted) or "waiting". Three
    queries."""
    rows = list(
        Pair.objects.filter(cohort=cohort, status=PairStatus.ENDED)
        .select_related("mentee__user", "mentor__user", "ended_by", "mentee_back_by", "matching_end")
        .order_by("-ended_at", "-pk")[:limit]
    )
    mentee_ids = [r.mentee_id for r in rows]
    rematched = set(
        Pair.objects.filter(mentee_id__in=mentee_ids, status=PairStatus.ACTIVE).values_list("mentee_id", flat=True)
    ) | set(
        Proposal.objects.filter(mentee_id__in=mentee_ids)
        .filter(Q(status=ProposalStatus.PENDING) | Q(status=ProposalStatus.APPROVED, pair__isnull=True))
        .values_list("mentee_id", flat=True)
    )
    out = {r.mentee_id for r in rows if r.end_kind == PairEndKind.END and r.mentee_back_at is None}
    for row in rows:
        if row.mentee_id in rematched:
            row.mentee_now = "rematched"
        elif row.mentee.status != EnrollmentStatus.ACCEPTED:
            row.mentee_now = "left"
        elif row.mentee_id in out:
            row.mentee_now = "out"
        else:
            row.mentee_now = "waiting"
        try:
            row.ending_source = row.matching_end.get_source_display()
        except PairEnd.DoesNotExist:
            row.ending_source = ""
    return rows


def current_member_ids(*, cohort: Cohort) -> QuerySet:
    return cohort.subcommittee.values("user_id")


def proposals_for_review(
    *, cohort: Cohort, user: User, status: str = "", my_vote: str = "", round_number: int | None = None
) -> QuerySet[Proposal]:
    """The cohort's proposals with their vote counts (current members only) and ``my_vote``
    (the viewer's choice, or None), in one query per page."""
    members = current_member_ids(cohort=cohort)
    mine = Vote.objects.correlated().filter(proposal=OuterRef("pk"), member=user).order_by().values("choice")[:1]

    def votes(choice: str) -> Coalesce:
        # A subquery per row shown, not a join and GROUP BY over every proposal of the
        # cohort: the page sorts the proposals, takes its 25 and counts only theirs.
        counted = (
            Vote.objects.correlated()
            .filter(proposal=OuterRef("pk"), member_id__in=members, choice=choice)
            .order_by()
            .values("proposal")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    queryset = (
        Proposal.objects.filter(cohort=cohort)
        .select_related("mentee__user", "mentor__user", "run")
        .annotate(
            approvals=votes(VoteChoice.APPROVE),
            rejections=votes(VoteChoice.REJECT),
            recusals=votes(VoteChoice.RECUSE),
            my_vote=Subquery(mine),
        )
    )
    if status == "published":
        queryset = queryset.filter(pair__isnull=False)
    elif status == "to_publish":
        queryset = queryset.filter(status=ProposalStatus.APPROVED, pair__isnull=True)
    elif status in ProposalStatus.values:
        queryset = queryset.filter(status=status)
    if my_vote == "none":
        queryset = queryset.filter(my_vote__isnull=True)
    elif my_vote in VoteChoice.values:
        queryset = queryset.filter(my_vote=my_vote)
    if round_number is not None:
        queryset = queryset.filter(run__round_number=round_number)
    return queryset.order_by("-run__round_number", "-run__pk", "-score", "pk")


def viewed_pending_proposals(*, cohort: Cohort, user: User, unvoted: bool) -> QuerySet[Proposal]:
    """The cohort's pending proposals ``user`` has opened ("all I have looked at"); with
    ``unvoted``, only those they have not voted on yet."""
    queryset = Proposal.objects.filter(cohort=cohort, status=ProposalStatus.PENDING, views__viewer=user)
    if unvoted:
        queryset = queryset.exclude(votes__member=user)
    return queryset


def mentors_with_seats(*, cohort: Cohort, ids: list[int] | None = None) -> dict[int, int]:
    """Seats left per accepted mentor (enrollment id): effective capacity minus active pairs
    minus open proposals (pending, or approved and unpublished). Two queries."""
    mentors = Enrollment.objects.filter(cohort=cohort, role=ParticipantRole.MENTOR, status=EnrollmentStatus.ACCEPTED)
    if ids is not None:
        mentors = mentors.filter(pk__in=ids)
    capacity = {
        pk: (cap if cap is not None else cohort.mentor_default_capacity)
        for pk, cap in mentors.values_list("pk", "capacity")
    }
    taken = Counter(
        Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE, mentor_id__in=list(capacity)).values_list(
            "mentor_id", flat=True
        )
    )
    taken.update(
        Proposal.objects.filter(cohort=cohort, mentor_id__in=list(capacity))
        .filter(Q(status=ProposalStatus.PENDING) | Q(status=ProposalStatus.APPROVED, pair__isnull=True))
        .values_list("mentor_id", flat=True)
    )
    return {pk: cap - taken[pk] for pk, cap in capacity.items()}


def is_never_again(*, cohort: Cohort, mentee_id: int, mentor_id: int) -> bool:
    """Whether the two may never be proposed together: excluded, rejected before, or ended."""
    return (
        Exclusion.objects.filter(cohort=cohort, mentee_id=mentee_id, mentor_id=mentor_id).exists()
        or Proposal.objects.filter(
            cohort=cohort, mentee_id=mentee_id, mentor_id=mentor_id, status=ProposalStatus.REJECTED
        ).exists()
        or Pair.objects.filter(
            cohort=cohort, mentee_id=mentee_id, mentor_id=mentor_id, status=PairStatus.ENDED
        ).exists()
    )


def cohort_coordinators(*, cohort: Cohort) -> list[User]:
    return list(
        User.objects.filter(
            org_memberships__organization_id=cohort.program.organization_id,
            org_memberships__role=OrgRole.COORDINATOR,
            is_active=True,
        ).order_by("pk")
    )


def proposal_scores(*, cohort_ids: list[int]) -> list[tuple[int, str, float | None, bool]]:
    """(cohort id, status, score, published) of every proposal of these cohorts, for the
    outcomes report. One query."""
    return list(
        Proposal.objects.filter(cohort__in=cohort_ids)
        .annotate(published=Q(pair__isnull=False))
        .values_list("cohort_id", "status", "score", "published")
    )
