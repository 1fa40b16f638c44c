import pytest
from django.urls import reverse

from cohorts.enums import EnrollmentStatus, ParticipantRole
from mentorship.enums import OrgRole
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    MembershipFactory,
    ProgramFactory,
    SubcommitteeMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def nav(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    orgs = response.context["nav_organizations"]()
    cohorts = response.context["nav_cohorts"]()
    return response, orgs, cohorts


def test_navigation_coordinator_sees_organization_and_programs(client):
    membership = MembershipFactory(role=OrgRole.COORDINATOR)
    program = ProgramFactory(organization=membership.organization, name="Reach Out")
    ProgramFactory(name="Not mine")

    response, orgs, cohorts = nav(client, membership.user)

    assert orgs == [membership.organization]
    assert list(orgs[0].programs.all()) == [program]
    assert cohorts == []
    assert b"Reach Out" in response.content
    assert b"Not mine" not in response.content
    assert b"You coordinate this organization." in response.content


def test_navigation_viewer_sees_organization_read_only(client):
    membership = MembershipFactory(role=OrgRole.VIEWER)

    response, orgs, _ = nav(client, membership.user)

    assert orgs == [membership.organization]
    assert b"read this organization" in response.content


def test_navigation_participant_sees_their_cohorts_only(client):
    enrollment = EnrollmentFactory(role=ParticipantRole.MENTOR, cohort=CohortFactory(name="Mine"))
    EnrollmentFactory(user=enrollment.user, status=EnrollmentStatus.WITHDRAWN, cohort=CohortFactory(name="Left"))
    CohortFactory(name="Another")

    response, orgs, cohorts = nav(client, enrollment.user)

    assert orgs == []
    assert cohorts == [enrollment.cohort]
    assert b"Mine" in response.content
    assert b"Left" not in response.content
    assert b"Another" not in response.content


def test_navigation_subcommittee_member_sees_cohort(client):
    seat = SubcommitteeMemberFactory()

    _, _, cohorts = nav(client, seat.user)

    assert cohorts == [seat.cohort]


def test_navigation_new_user_sees_how_to_join(client):
    response, orgs, cohorts = nav(client, UserFactory())

    assert (orgs, cohorts) == ([], [])
    assert b"You are not part of a cohort yet" in response.content


def test_layout_is_accessible_markup(client):
    client.force_login(UserFactory())

    html = client.get(reverse("home")).content.decode()

    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert '<nav class="navbar' in html and 'aria-label="Main"' in html
    assert 'name="viewport"' in html
    assert "htmx" in html and "cdn" not in html.lower()


def test_error_pages_use_site_look(client):
    client.force_login(UserFactory())

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Skip to main content" in response.content
