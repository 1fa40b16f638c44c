import pytest
from django.contrib.auth.models import AnonymousUser

from cohorts.models import Pair
from mentorship.enums import OrgRole
from tests.factories import (
    EnrollmentFactory,
    MembershipFactory,
    PairFactory,
    PrivateNoteFactory,
    SubcommitteeMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PERMS = ["meetings.view_pair", "meetings.take_part", "meetings.change_goal"]


@pytest.fixture
def people(pair, coordinator, viewer):
    cohort = pair.cohort
    other_pair = PairFactory(cohort=cohort)
    return {
        "mentee": pair.mentee.user,
        "mentor": pair.mentor.user,
        "coordinator": coordinator,
        "viewer": viewer,
        "subcommittee": SubcommitteeMemberFactory(cohort=cohort).user,
        "other pair's mentee": other_pair.mentee.user,
        "other pair's mentor": other_pair.mentor.user,
        "unpaired participant": EnrollmentFactory(cohort=cohort).user,
        "coordinator elsewhere": MembershipFactory(role=OrgRole.COORDINATOR).user,
        "outsider": UserFactory(),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("mentee", [True, True, True]),
        ("mentor", [True, True, False]),
        ("coordinator", [True, False, False]),
        ("viewer", [False, False, False]),
        ("subcommittee", [False, False, False]),
        ("other pair's mentee", [False, False, False]),
        ("other pair's mentor", [False, False, False]),
        ("unpaired participant", [False, False, False]),
        ("coordinator elsewhere", [False, False, False]),
        ("outsider", [False, False, False]),
    ],
)
def test_who_sees_and_acts_on_a_pair(pair, people, who, expected):
    user = people[who]

    assert [user.has_perm(perm, pair) for perm in PERMS] == expected


def test_an_inactive_member_may_do_nothing(pair):
    mentee = pair.mentee.user
    mentee.is_active = False
    mentee.save()

    assert [mentee.has_perm(perm, pair) for perm in PERMS] == [False, False, False]


def test_rules_are_false_for_anonymous_users_and_unsaved_pairs(pair):
    unsaved = Pair(cohort=pair.cohort, mentor=pair.mentor, mentee=pair.mentee)

    assert [AnonymousUser().has_perm(perm, pair) for perm in PERMS] == [False, False, False]
    assert [pair.mentee.user.has_perm(perm, unsaved) for perm in PERMS] == [False, False, False]


def test_a_private_note_is_seen_by_its_author_alone(pair, coordinator):
    note = PrivateNoteFactory(meeting__pair=pair, author=pair.mentor.user)

    seen = {
        "author": pair.mentor.user.has_perm("meetings.view_private_note", note),
        "other person": pair.mentee.user.has_perm("meetings.view_private_note", note),
        "coordinator": coordinator.has_perm("meetings.view_private_note", note),
    }

    assert seen == {"author": True, "other person": False, "coordinator": False}


def test_only_coordinators_of_the_organization_see_a_cohorts_pairs(pair, people):
    allowed = sorted(who for who, user in people.items() if user.has_perm("meetings.view_cohort_pairs", pair.cohort))

    assert allowed == ["coordinator"]
