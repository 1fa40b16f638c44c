import pytest
from django.contrib.auth.models import AnonymousUser

from cohorts.enums import EnrollmentStatus
from cohorts.models import PairStatus
from mentorship.enums import OrgRole
from showcase.models import Project
from tests.factories import (
    EnrollmentFactory,
    GraduationFactory,
    MembershipFactory,
    PairFactory,
    ProjectFactory,
    SubcommitteeMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_coordinator():
    return MembershipFactory(role=OrgRole.COORDINATOR).user


def _people(pair, coordinator, viewer, other_coordinator):
    return {
        "mentee": pair.mentee.user,
        "mentor": pair.mentor.user,
        "coordinator": coordinator,
        "viewer": viewer,
        "other coordinator": other_coordinator,
        "stranger": UserFactory(),
        "anonymous": AnonymousUser(),
    }


@pytest.mark.parametrize(
    ("perm", "allowed"),
    [
        ("showcase.view_project", {"mentee", "mentor", "coordinator"}),
        ("showcase.change_project", {"mentee"}),
        ("showcase.comment_project", {"mentee", "mentor"}),
        ("showcase.submit_project", {"mentee"}),
    ],
)
def test_project_permissions(perm, allowed, project, pair, coordinator, viewer, other_coordinator):
    people = _people(pair, coordinator, viewer, other_coordinator)

    granted = {name for name, user in people.items() if user.has_perm(perm, project)}

    assert granted == allowed


@pytest.mark.parametrize("status", [PairStatus.ACTIVE, PairStatus.GRADUATED])
def test_the_mentor_of_an_active_or_graduated_pair_reads_the_project(project, pair, status):
    pair.status = status
    pair.save()

    assert pair.mentor.user.has_perm("showcase.view_project", Project.objects.get(pk=project.pk))


def test_the_mentor_of_an_ended_pair_no_longer_reads_the_project(project, pair):
    pair.status = PairStatus.ENDED
    pair.save()

    assert not pair.mentor.user.has_perm("showcase.view_project", Project.objects.get(pk=project.pk))


def test_an_unsaved_project_allows_nothing(pair):
    project = Project(enrollment=pair.mentee, title="x", summary="y")

    assert not pair.mentee.user.has_perm("showcase.view_project", project)


@pytest.mark.parametrize(
    ("perm", "allowed"),
    [
        ("showcase.view_showcase", {"mentee", "mentor", "coordinator", "viewer", "subcommittee"}),
        ("showcase.manage_showcase", {"coordinator"}),
        ("showcase.view_cohort_projects", {"coordinator"}),
        ("showcase.manage_graduation", {"coordinator"}),
        ("showcase.manage_terms", {"coordinator"}),
        ("showcase.view_checkins", {"coordinator"}),
        ("showcase.view_outcomes", {"coordinator", "viewer"}),
    ],
)
def test_cohort_permissions(perm, allowed, pair, coordinator, viewer, other_coordinator):
    cohort = pair.cohort
    people = _people(pair, coordinator, viewer, other_coordinator)
    people["subcommittee"] = SubcommitteeMemberFactory(cohort=cohort).user
    people["applicant"] = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED).user
    people["waitlisted"] = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WAITLISTED).user
    people["withdrawn"] = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WITHDRAWN).user

    granted = {name for name, user in people.items() if user.has_perm(perm, cohort)}

    assert granted == allowed


def test_certificate_is_seen_by_the_pair_and_the_coordinators(cohort, coordinator, viewer, other_coordinator):
    graduation = GraduationFactory(pair=PairFactory(cohort=cohort, status=PairStatus.GRADUATED))
    people = _people(graduation.pair, coordinator, viewer, other_coordinator)

    granted = {name for name, user in people.items() if user.has_perm("showcase.view_certificate", graduation)}

    assert granted == {"mentee", "mentor", "coordinator"}


def test_term_choice_is_for_the_two_people_of_the_pair(pair, coordinator, viewer, other_coordinator):
    people = _people(pair, coordinator, viewer, other_coordinator)

    granted = {name for name, user in people.items() if user.has_perm("showcase.choose_term", pair)}

    assert granted == {"mentee", "mentor"}


def test_an_inactive_mentee_loses_every_right(project):
    user = project.enrollment.user
    user.is_active = False
    user.save()

    assert not user.has_perm("showcase.change_project", project)


def test_the_organization_viewer_of_another_cohort_sees_no_project(pair, project):
    coordinator_elsewhere = MembershipFactory(
        organization=ProjectFactory().enrollment.cohort.program.organization, role=OrgRole.COORDINATOR
    ).user

    assert not coordinator_elsewhere.has_perm("showcase.view_project", project)
