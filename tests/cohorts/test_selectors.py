import pytest

from cohorts.enums import EnrollmentStatus
from cohorts.selectors import cohort_funnel, cohort_funnels
from tests.factories import CohortFactory, EnrollmentFactory, PairFactory

pytestmark = pytest.mark.django_db


def test_funnels_of_several_cohorts_keep_each_cohort_apart(django_assert_num_queries):
    first, second, empty = CohortFactory(), CohortFactory(), CohortFactory()
    EnrollmentFactory(cohort=first)
    EnrollmentFactory(cohort=first, status=EnrollmentStatus.WITHDRAWN)
    PairFactory(cohort=second)
    second.invitations.create(email="a@example.org", role="mentee")

    with django_assert_num_queries(3):
        funnels = cohort_funnels(cohorts=[first, second, empty])

    assert (funnels[first.pk]["accepted"], funnels[first.pk]["withdrawn"], funnels[first.pk]["matched"]) == (1, 1, 0)
    assert (funnels[second.pk]["accepted"], funnels[second.pk]["active"], funnels[second.pk]["invited"]) == (2, 2, 1)
    assert set(funnels[empty.pk].values()) == {0}
    assert funnels[second.pk] == cohort_funnel(cohort=second)
