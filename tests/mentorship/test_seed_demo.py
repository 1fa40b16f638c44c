import pytest
from django.core.management import CommandError, call_command

from cohorts.enums import EnrollmentStatus, ParticipantRole
from cohorts.models import Cohort, Enrollment, SubcommitteeMember
from mentorship.demo import DEMO_PASSWORD
from mentorship.enums import OrgRole
from mentorship.models import Organization, OrganizationMembership, Program, User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_accounts_and_cohort(settings):
    settings.DEBUG = True

    call_command("seed_demo")

    org = Organization.objects.get(name="Demo Tech Mentoring")
    # The main program, and a hands-off one without training or showcase.
    assert list(
        Program.objects.filter(organization=org).order_by("name").values_list("name", "uses_training", "uses_showcase")
    ) == [("Community phone mentoring", False, False), ("Women in Engineering Mentoring", True, True)]
    assert Cohort.objects.filter(program__organization=org).count() >= 1
    assert OrganizationMembership.objects.get(user__email="coordinator@demo.test").role == OrgRole.COORDINATOR
    assert OrganizationMembership.objects.get(user__email="viewer@demo.test").role == OrgRole.VIEWER
    assert sorted(
        SubcommitteeMember.objects.filter(cohort__name="Spring 2027 cohort").values_list("user__email", flat=True)
    ) == [
        "reviewer1@demo.test",
        "reviewer2@demo.test",
        "reviewer3@demo.test",
    ]
    accepted = Enrollment.objects.filter(status=EnrollmentStatus.ACCEPTED, cohort__name="Spring 2027 cohort")
    assert accepted.filter(role=ParticipantRole.MENTOR).count() == 10
    assert accepted.filter(role=ParticipantRole.MENTEE).count() == 20
    assert User.objects.get(email="mentee20@demo.test").check_password(DEMO_PASSWORD)


def test_seed_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (User.objects.count(), Cohort.objects.count(), Enrollment.objects.count())

    call_command("seed_demo")

    assert (User.objects.count(), Cohort.objects.count(), Enrollment.objects.count()) == counts


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="refuses to run when DJANGO_DEBUG is false"):
        call_command("seed_demo")

    assert User.objects.count() == 0


def test_seed_demo_force_runs_without_debug(settings):
    settings.DEBUG = False

    call_command("seed_demo", "--force")

    assert User.objects.filter(email="coordinator@demo.test").exists()


def test_demo_coordinator_signs_in_and_sees_program(client, settings):
    settings.DEBUG = True
    call_command("seed_demo")

    client.post("/accounts/login/", {"login": "coordinator@demo.test", "password": DEMO_PASSWORD})
    response = client.get("/")

    assert response.status_code == 200
    assert b"Women in Engineering Mentoring" in response.content
