import pytest
from django.core.exceptions import ValidationError

from cohorts.enums import EnrollmentStatus
from cohorts.models import Pair, PairStatus
from cohorts.services.pairs import pair_create, pair_end
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

    pair_end(pair=pair, reason="Not a good fit")
    again = pair_create(cohort=cohort, mentor=other, mentee=mentee)

    pair.refresh_from_db()
    assert (pair.status, pair.end_reason) == (PairStatus.ENDED, "Not a good fit")
    assert again.status == PairStatus.ACTIVE
