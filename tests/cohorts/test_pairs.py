import pytest
from django.core.exceptions import ValidationError

from cohorts.enums import EnrollmentStatus
from cohorts.models import Pair, PairEndKind, PairStatus
from cohorts.services.enrollment import enrollment_withdraw
from cohorts.services.pairs import pair_create, pair_end, pair_mentee_put_back
from tests.factories import EnrollmentFactory, MentorEnrollmentFactory

pytestmark = pytest.mark.django_db


def test_pair_create_within_capacity(cohort):
    mentor = MentorEnrollmentFactory(cohort=cohort, capacity=1)
    first, second = EnrollmentFactory(cohort=cohort), EnrollmentFactory(cohort=cohort)

    pair = pair_create(cohort=cohort, mentor=mentor, mentee=first)
    with pytest.raises(ValidationError, match="no capacity left"):
        pair_create(cohort=cohort, mentor=mentor, mentee=second)

    assert list(Pair.objects.values_list("mentor", "mentee", "status")) == [(mentor.pk, first.pk, "active")]
    assert pair.cohort == cohort


def test_pair_create_refuses_second_mentor_wrong_roles_other_cohort_or_not_accepted(cohort):
    mentor, other_mentor = MentorEnrollmentFactory(cohort=cohort), MentorEnrollmentFactory(cohort=cohort)
    mentee = EnrollmentFactory(cohort=cohort)
    pair_create(cohort=cohort, mentor=mentor, mentee=mentee)

    with pytest.raises(ValidationError, match="already has a mentor"):
        pair_create(cohort=cohort, mentor=other_mentor, mentee=mentee)
    with pytest.raises(ValidationError, match="one mentor and one mentee"):
        pair_create(cohort=cohort, mentor=EnrollmentFactory(cohort=cohort), mentee=EnrollmentFactory(cohort=cohort))
    with pytest.raises(ValidationError, match="must be in the cohort"):
        pair_create(cohort=cohort, mentor=MentorEnrollmentFactory(), mentee=EnrollmentFactory(cohort=cohort))
    with pytest.raises(ValidationError, match="must be accepted"):
        pair_create(
            cohort=cohort, mentor=other_mentor, mentee=EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
        )
    assert Pair.objects.count() == 1


def test_pair_end_frees_the_mentee_for_another_round(cohort):
    mentor, other = MentorEnrollmentFactory(cohort=cohort), MentorEnrollmentFactory(cohort=cohort)
    mentee = EnrollmentFactory(cohort=cohort)
    pair = pair_create(cohort=cohort, mentor=mentor, mentee=mentee)

    pair_end(pair=pair, reason="Not a good fit", kind=PairEndKind.REMATCH)
    again = pair_create(cohort=cohort, mentor=other, mentee=mentee)

    pair.refresh_from_db()
    assert (pair.status, pair.end_reason) == (PairStatus.ENDED, "Not a good fit")
    assert again.status == PairStatus.ACTIVE


def test_pair_end_records_what_follows_and_who(cohort, coordinator):
    pair = pair_create(
        cohort=cohort, mentor=MentorEnrollmentFactory(cohort=cohort), mentee=EnrollmentFactory(cohort=cohort)
    )

    pair_end(pair=pair, reason="Done", kind=PairEndKind.END, by=coordinator)
    pair_end(pair=pair, reason="Again", kind=PairEndKind.REMATCH, by=None)

    pair.refresh_from_db()
    assert (pair.status, pair.end_reason, pair.end_kind, pair.ended_by) == (
        PairStatus.ENDED,
        "Done",
        PairEndKind.END,
        coordinator,
    )


def test_pair_end_refuses_an_unknown_kind(cohort):
    pair = pair_create(
        cohort=cohort, mentor=MentorEnrollmentFactory(cohort=cohort), mentee=EnrollmentFactory(cohort=cohort)
    )

    with pytest.raises(ValueError, match="unknown end kind"):
        pair_end(pair=pair, reason="Done", kind="")

    pair.refresh_from_db()
    assert pair.status == PairStatus.ACTIVE


def test_put_back_records_who_and_when_on_every_ending_of_the_mentee(cohort, coordinator):
    mentee = EnrollmentFactory(cohort=cohort)
    first = pair_create(cohort=cohort, mentor=MentorEnrollmentFactory(cohort=cohort), mentee=mentee)
    pair_end(pair=first, reason="Done", kind=PairEndKind.END)

    back = pair_mentee_put_back(pair=first, by=coordinator)

    first.refresh_from_db()
    assert back.mentee_back_by == coordinator
    assert (first.mentee_back_by, first.mentee_back_at is not None) == (coordinator, True)
    with pytest.raises(ValidationError, match="already back"):
        pair_mentee_put_back(pair=first, by=coordinator)


def test_put_back_refuses_active_rematched_and_withdrawn(cohort, coordinator):
    active = pair_create(
        cohort=cohort, mentor=MentorEnrollmentFactory(cohort=cohort), mentee=EnrollmentFactory(cohort=cohort)
    )
    rematched = pair_create(
        cohort=cohort, mentor=MentorEnrollmentFactory(cohort=cohort), mentee=EnrollmentFactory(cohort=cohort)
    )
    pair_end(pair=rematched, reason="Not a fit", kind=PairEndKind.REMATCH)
    left = pair_create(
        cohort=cohort, mentor=MentorEnrollmentFactory(cohort=cohort), mentee=EnrollmentFactory(cohort=cohort)
    )
    enrollment_withdraw(enrollment=left.mentee, by=coordinator)

    for pair, message in ((active, "Only the mentee"), (rematched, "Only the mentee"), (left, "no longer accepted")):
        with pytest.raises(ValidationError, match=message):
            pair_mentee_put_back(pair=pair, by=coordinator)

    assert not Pair.objects.filter(mentee_back_at__isnull=False).exists()


def test_withdrawal_ends_a_mentees_pair_and_rematches_a_mentors_mentees(cohort, coordinator):
    mentor = MentorEnrollmentFactory(cohort=cohort, capacity=2)
    leaving_mentee = pair_create(cohort=cohort, mentor=mentor, mentee=EnrollmentFactory(cohort=cohort))
    staying_mentee = pair_create(cohort=cohort, mentor=mentor, mentee=EnrollmentFactory(cohort=cohort))

    enrollment_withdraw(enrollment=leaving_mentee.mentee, by=coordinator)
    enrollment_withdraw(enrollment=mentor, by=coordinator)

    leaving_mentee.refresh_from_db()
    staying_mentee.refresh_from_db()
    assert (leaving_mentee.status, leaving_mentee.end_kind) == (PairStatus.ENDED, PairEndKind.END)
    assert (staying_mentee.status, staying_mentee.end_kind) == (PairStatus.ENDED, PairEndKind.REMATCH)
