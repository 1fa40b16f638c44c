import pytest
from django.contrib.auth.models import AnonymousUser

from cohorts.enums import EnrollmentStatus
from mentorship.enums import OrgRole
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    MembershipFactory,
    MentorEnrollmentFactory,
    ProposalFactory,
    SubcommitteeMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PERMS = [
    "matching.view_matching",
    "matching.manage_matching",
    "matching.review_proposals",
    "matching.vote",
    "matching.suggest_swap",
]


@pytest.fixture
def people(cohort, coordinator, viewer):
    member = SubcommitteeMemberFactory(cohort=cohort).user
    coordinating_member = SubcommitteeMemberFactory(
        cohort=cohort, user=MembershipFactory(organization=cohort.program.organization, role=OrgRole.COORDINATOR).user
    ).user
    return {
        "coordinator": coordinator,
        "viewer": viewer,
        "member": member,
        "coordinating member": coordinating_member,
        "mentee": EnrollmentFactory(cohort=cohort).user,
        "mentor": MentorEnrollmentFactory(cohort=cohort).user,
        "withdrawn mentee": EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WITHDRAWN).user,
        "member of another cohort": SubcommitteeMemberFactory(cohort=CohortFactory(program=cohort.program)).user,
        "coordinator elsewhere": MembershipFactory(role=OrgRole.COORDINATOR).user,
        "outsider": UserFactory(),
        "anonymous": AnonymousUser(),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("coordinator", {"matching.view_matching", "matching.manage_matching", "matching.review_proposals"}),
        ("viewer", {"matching.view_matching"}),
        ("member", {"matching.view_matching", "matching.review_proposals", "matching.vote", "matching.suggest_swap"}),
        ("coordinating member", set(PERMS)),
        ("mentee", set()),
        ("mentor", set()),
        ("withdrawn mentee", set()),
        ("member of another cohort", set()),
        ("coordinator elsewhere", set()),
        ("outsider", set()),
        ("anonymous", set()),
    ],
)
def test_who_may_do_what_with_matching(people, cohort, who, expected):
    user = people[who]

    granted = {perm for perm in PERMS if user.has_perm(perm, cohort)}

    assert granted == expected


def test_rules_accept_an_object_of_the_cohort(people, cohort):
    proposal = ProposalFactory(run__cohort=cohort, cohort=cohort)

    assert people["member"].has_perm("matching.vote", proposal) is True
    assert people["viewer"].has_perm("matching.review_proposals", proposal) is False
