import pytest
from django.contrib.auth.models import AnonymousUser

from cohorts.enums import EnrollmentStatus
from mentorship.enums import OrgRole
from tests.factories import CohortFactory, EnrollmentFactory, MembershipFactory, SubcommitteeMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

PERMS = ["cohorts.view_cohort", "cohorts.manage_cohort", "cohorts.view_participants", "cohorts.view_reports"]


def who(kind, cohort):
    if kind == "coordinator":
        return MembershipFactory(organization=cohort.program.organization, role=OrgRole.COORDINATOR).user
    if kind == "viewer":
        return MembershipFactory(organization=cohort.program.organization, role=OrgRole.VIEWER).user
    if kind == "subcommittee":
        return SubcommitteeMemberFactory(cohort=cohort).user
    if kind == "participant":
        return EnrollmentFactory(cohort=cohort).user
    if kind == "withdrawn":
        return EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WITHDRAWN).user
    if kind == "other_coordinator":
        return MembershipFactory(role=OrgRole.COORDINATOR).user
    if kind == "other_participant":
        return EnrollmentFactory().user
    return UserFactory()


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("coordinator", [True, True, True, True]),
        ("viewer", [True, False, True, True]),
        ("subcommittee", [True, False, True, False]),
        ("participant", [True, False, False, False]),
        ("withdrawn", [False, False, False, False]),
        ("other_coordinator", [False, False, False, False]),
        ("other_participant", [False, False, False, False]),
        ("stranger", [False, False, False, False]),
    ],
)
def test_cohort_permissions_by_role(kind, expected):
    cohort = CohortFactory()
    user = who(kind, cohort)

    assert [user.has_perm(perm, cohort) for perm in PERMS] == expected


def test_anonymous_has_no_cohort_permission():
    cohort = CohortFactory()

    assert [AnonymousUser().has_perm(perm, cohort) for perm in PERMS] == [False] * 4
