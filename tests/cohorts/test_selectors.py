import pytest

from cohorts.enums import EnrollmentStatus
from cohorts.selectors import cohort_funnel, cohort_funnels, cohorts_taken_part_in, cohorts_visible_to
from tests.factories import CohortFactory, EnrollmentFactory, PairFactory

pytestmark = pytest.mark.django_db


def test_funnels_of_several_cohorts_keep_each_cohort_apart(django_assert_num_queries):
    first, second, empty = CohortFactory(), CohortFactory(), CohortFactory()
    EnrollmentFactory(cohort=first)
    EnrollmentFactory(cohort=first, status=EnrollmentStatus.WITHDRAWN)
    PairFactory(cohort=second)
    second.invitations.create(email="a@example.org", role="mentee")

    with django_assert_num_queries(2):
        funnels = cohort_funnels(cohorts=[first, second, empty])

    assert (funnels[first.pk]["accepted"], funnels[first.pk]["withdrawn"], funnels[first.pk]["matched"]) == (1, 1, 0)
    assert (funnels[second.pk]["accepted"], funnels[second.pk]["active"], funnels[second.pk]["invited"]) == (2, 2, 1)
    assert set(funnels[empty.pk].values()) == {0}
    assert funnels[second.pk] == cohort_funnel(cohort=second)


# --- Who may open which cohort ----------------------------------------------------------------


@pytest.fixture
def two_organizations():
    """A cohort in each of two organizations, each with people in every role."""
    from mentorship.enums import OrgRole
    from tests.factories import MembershipFactory, SubcommitteeMemberFactory

    mine, theirs = CohortFactory(), CohortFactory()
    coordinator = MembershipFactory(organization=mine.program.organization, role=OrgRole.COORDINATOR).user
    viewer = MembershipFactory(organization=mine.program.organization, role=OrgRole.VIEWER).user
    mentee = EnrollmentFactory(cohort=mine).user
    reviewer = SubcommitteeMemberFactory(cohort=mine).user
    withdrawn = EnrollmentFactory(cohort=mine, status=EnrollmentStatus.WITHDRAWN).user
    other_coordinator = MembershipFactory(organization=theirs.program.organization, role=OrgRole.COORDINATOR).user
    for _ in range(3):  # more people in both cohorts: none of them may multiply a row
        EnrollmentFactory(cohort=mine)
        EnrollmentFactory(cohort=theirs)
        SubcommitteeMemberFactory(cohort=mine)
    return {
        "mine": mine,
        "theirs": theirs,
        "coordinator": coordinator,
        "viewer": viewer,
        "mentee": mentee,
        "reviewer": reviewer,
        "withdrawn": withdrawn,
        "other_coordinator": other_coordinator,
    }


@pytest.mark.parametrize(
    ("person", "visible", "taken_part_in"),
    [
        ("coordinator", ["mine"], []),
        ("viewer", ["mine"], []),
        ("mentee", ["mine"], ["mine"]),
        ("reviewer", ["mine"], ["mine"]),
        ("withdrawn", [], []),
        ("other_coordinator", ["theirs"], []),
    ],
)
def test_cohort_access_selectors_give_each_person_their_cohorts_once(two_organizations, person, visible, taken_part_in):
    user = two_organizations[person]

    seen = list(cohorts_visible_to(user=user))
    part = list(cohorts_taken_part_in(user=user))

    assert seen == [two_organizations[name] for name in visible]
    assert part == [two_organizations[name] for name in taken_part_in]


def test_cohort_access_selectors_give_nothing_to_anonymous_people(two_organizations):
    from django.contrib.auth.models import AnonymousUser

    assert list(cohorts_visible_to(user=AnonymousUser())) == []
    assert list(cohorts_taken_part_in(user=AnonymousUser())) == []


@pytest.mark.parametrize(
    "selector",
    [
        "cohorts.selectors.cohorts_visible_to",
        "cohorts.selectors.cohorts_taken_part_in",
        "mentorship.selectors.organizations_for",
        "mentorship.selectors.programs_for",
        "meetings.selectors.pairs_visible_to",
        "showcase.selectors.graduation.graduations_visible_to",
        "showcase.selectors.projects.projects_visible_to",
    ],
)
def test_access_selectors_test_each_row_with_exists_never_fold_joined_rows(selector):
    # The shape is what keeps the cost flat as a cohort grows: a join over enrollments,
    # memberships or the subcommittee returns a row per person, folded back by DISTINCT.
    from django.utils.module_loading import import_string

    from tests.factories import UserFactory

    sql = str(import_string(selector)(user=UserFactory()).query).upper()
    outer_from = sql.split(" FROM ", 1)[1].split(" WHERE ", 1)[0]

    assert "DISTINCT" not in sql
    assert "EXISTS" in sql
    assert "ORGANIZATIONMEMBERSHIP" not in outer_from
    assert "SUBCOMMITTEEMEMBER" not in outer_from
    if selector.startswith("cohorts."):
        assert "ENROLLMENT" not in outer_from
