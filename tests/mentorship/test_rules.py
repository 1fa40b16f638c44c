import pytest
from django.contrib.auth.models import AnonymousUser

from mentorship.enums import OrgRole
from mentorship.models import Program
from mentorship.rules import is_org_coordinator, is_org_member, is_org_viewer
from tests.factories import MembershipFactory, OrganizationFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "coordinator", "viewer", "member"),
    [
        (OrgRole.COORDINATOR, True, False, True),
        (OrgRole.VIEWER, False, True, True),
        (None, False, False, False),
    ],
)
def test_org_predicates_by_role(role, coordinator, viewer, member):
    program = ProgramFactory()
    user = UserFactory()
    if role:
        MembershipFactory(organization=program.organization, user=user, role=role)

    for obj in (program.organization, program):
        assert (is_org_coordinator(user, obj), is_org_viewer(user, obj), is_org_member(user, obj)) == (
            coordinator,
            viewer,
            member,
        )


def test_org_predicates_do_not_cross_organizations():
    mine = MembershipFactory(role=OrgRole.COORDINATOR)
    other = OrganizationFactory()

    assert is_org_coordinator(mine.user, other) is False
    assert is_org_member(mine.user, ProgramFactory(organization=other)) is False


def test_org_predicates_false_for_anonymous_and_unsaved():
    org = OrganizationFactory()

    assert is_org_member(AnonymousUser(), org) is False
    assert (
        is_org_coordinator(MembershipFactory(organization=org).user, Program(organization=org, name="unsaved")) is False
    )


def test_org_predicates_false_for_inactive_user():
    membership = MembershipFactory(role=OrgRole.COORDINATOR)
    membership.user.is_active = False

    assert is_org_coordinator(membership.user, membership.organization) is False


def test_permissions_registered():
    membership = MembershipFactory(role=OrgRole.VIEWER)
    program = ProgramFactory(organization=membership.organization)
    user = membership.user

    assert user.has_perm("mentorship.view_program", program) is True
    assert user.has_perm("mentorship.change_program", program) is False
    assert user.has_perm("mentorship.add_program", membership.organization) is False
