"""The funnel is counted in the database (one row per cohort); the former count in Python over
one row per person is kept here as the oracle, and both must agree on varied cohorts."""

import pytest
from django.db.models import Count, Q

from cohorts.enums import Audience, EnrollmentStatus, InvitationStatus, ParticipantRole
from cohorts.models import Enrollment, Invitation, PairStatus, TrainingCompletion, TrainingModule
from cohorts.selectors import FUNNEL_STAGES, cohort_funnel, cohort_funnels, with_training_progress
from tests.factories import CohortFactory, EnrollmentFactory, MentorEnrollmentFactory, PairFactory

pytestmark = pytest.mark.django_db


def _funnels_in_python(cohorts) -> dict[int, dict]:
    """The former ``cohort_funnels``: a row per person, counted in Python."""
    ids = [c.pk for c in cohorts]
    required = {pk: dict.fromkeys((ParticipantRole.MENTOR, ParticipantRole.MENTEE), 0) for pk in ids}
    for cohort_id, audience in TrainingModule.objects.filter(cohort_id__in=ids, required=True).values_list(
        "cohort_id", "audience"
    ):
        for role in (ParticipantRole.MENTOR, ParticipantRole.MENTEE):
            required[cohort_id][role] += audience in (Audience.BOTH, role)
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


def _module(cohort, audience, *, required=True):
    return TrainingModule.objects.create(
        cohort=cohort, title=f"{audience} {required}", audience=audience, required=required
    )


def _complete(enrollment, *modules):
    for module in modules:
        TrainingCompletion.objects.create(module=module, enrollment=enrollment)


def _varied_cohorts():
    """Cohorts that differ in every way the funnel counts: required modules for both roles,
    one role or none; people in every status; people done, half done and done with an
    optional module only; a mentor in several pairs; pairs active, ended and graduated; a
    withdrawn person once in a pair; invitations pending, accepted and revoked; an empty
    cohort and one with invitations only."""
    busy = CohortFactory()
    both = _module(busy, Audience.BOTH)
    for_mentors = _module(busy, Audience.MENTOR)
    optional = _module(busy, Audience.MENTEE, required=False)
    _module(busy, Audience.BOTH, required=False)
    mentor = MentorEnrollmentFactory(cohort=busy, capacity=3)
    _complete(mentor, both, for_mentors)
    half_mentor = MentorEnrollmentFactory(cohort=busy)
    _complete(half_mentor, both)
    mentees = [EnrollmentFactory(cohort=busy) for _ in range(5)]
    _complete(mentees[0], both)
    _complete(mentees[1], optional)
    _complete(mentees[2], both, optional)
    PairFactory(cohort=busy, mentor=mentor, mentee=mentees[0])
    PairFactory(cohort=busy, mentor=mentor, mentee=mentees[1], status=PairStatus.GRADUATED)
    PairFactory(cohort=busy, mentor=mentor, mentee=mentees[2], status=PairStatus.ENDED)
    PairFactory(cohort=busy, mentor=half_mentor, mentee=mentees[2])
    gone = EnrollmentFactory(cohort=busy)
    PairFactory(cohort=busy, mentor=half_mentor, mentee=gone, status=PairStatus.ENDED)
    gone.status = EnrollmentStatus.WITHDRAWN
    gone.save()
    for status in (EnrollmentStatus.APPLIED, EnrollmentStatus.WAITLISTED, EnrollmentStatus.DECLINED):
        _complete(EnrollmentFactory(cohort=busy, status=status), both)
    for status in (InvitationStatus.PENDING, InvitationStatus.ACCEPTED, InvitationStatus.REVOKED):
        busy.invitations.create(email=f"{status}@example.org", role="mentee", status=status)

    mentors_only = CohortFactory()
    _module(mentors_only, Audience.MENTOR)
    EnrollmentFactory(cohort=mentors_only)
    MentorEnrollmentFactory(cohort=mentors_only)
    PairFactory(cohort=mentors_only)

    invited_only = CohortFactory()
    invited_only.invitations.create(email="x@example.org", role="mentor")
    return [busy, mentors_only, CohortFactory(), invited_only]


def test_the_funnel_counted_in_the_database_equals_the_count_in_python(django_assert_num_queries):
    cohorts = _varied_cohorts()

    with django_assert_num_queries(2):
        funnels = cohort_funnels(cohorts=cohorts)

    assert funnels == _funnels_in_python(cohorts)
    assert funnels[cohorts[0].pk] == {
        "invited": 2,
        "applied": 10,
        "accepted": 7,
        "trained": 3,
        "matched": 5,
        "active": 4,
        "graduated": 2,
        "withdrawn": 1,
    }
    assert cohort_funnel(cohort=cohorts[1]) == funnels[cohorts[1].pk]


@pytest.mark.parametrize("people", [2, 12])
def test_the_funnel_costs_two_queries_at_any_size(django_assert_num_queries, people):
    cohort = CohortFactory()
    _module(cohort, Audience.BOTH)
    for _ in range(people):
        PairFactory(cohort=cohort)

    with django_assert_num_queries(2):
        funnel = cohort_funnel(cohort=cohort)

    assert (funnel["accepted"], funnel["active"], funnel["trained"]) == (2 * people, 2 * people, 0)
