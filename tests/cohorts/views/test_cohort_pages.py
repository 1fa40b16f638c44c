import pytest
from django.urls import reverse

from cohorts.enums import CohortPhase
from cohorts.models import Cohort, PhaseChange
from mentorship.enums import OrgRole
from tests.factories import EnrollmentFactory, MembershipFactory, MentorEnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Autumn 2027",
    "description": "",
    "enrollment_opens_on": "2027-09-01",
    "enrollment_closes_on": "2027-09-20",
    "training_due_on": "2027-10-01",
    "launch_on": "2027-10-05",
    "showcase_on": "2027-12-20",
    "ends_on": "2028-01-05",
    "meeting_cadence_days": "14",
    "term_months": "3",
    "mentor_default_capacity": "1",
    "mentor_max_capacity": "3",
}


def test_coordinator_creates_cohort_with_guidelines_template(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post(reverse("cohorts:cohort-create", args=[program.pk]), VALID)

    cohort = Cohort.objects.get()
    assert response.status_code == 302
    assert response.url == cohort.get_absolute_url()
    assert (cohort.name, cohort.phase, cohort.meeting_cadence_days) == ("Autumn 2027", CohortPhase.DRAFT, 14)
    assert "## How often to meet" in cohort.guidelines


def test_cohort_dates_out_of_order_are_refused_with_message(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post(
        reverse("cohorts:cohort-create", args=[program.pk]),
        {**VALID, "launch_on": "2027-09-02", "mentor_default_capacity": "5"},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["launch_on"] == ["This date must not be before “training due”."]
    assert errors["mentor_default_capacity"] == ["The default capacity cannot be above the maximum."]
    assert Cohort.objects.count() == 0


def test_viewer_cannot_create_and_other_organization_gets_404(client, viewer, program):
    client.force_login(viewer)
    assert client.post(reverse("cohorts:cohort-create", args=[program.pk]), VALID).status_code == 403

    client.force_login(MembershipFactory(role=OrgRole.COORDINATOR).user)
    assert client.post(reverse("cohorts:cohort-create", args=[program.pk]), VALID).status_code == 404
    assert Cohort.objects.count() == 0


def test_coordinator_sees_what_blocks_the_next_phase(client, coordinator, cohort):
    client.force_login(coordinator)

    response = client.get(cohort.get_absolute_url())

    forward = next(m for m in response.context["moves"] if m["direction"] == "forward")
    assert forward["target"] == CohortPhase.TRAINING
    assert [b.message for b in forward["blockers"]] == ["Accept at least one mentor and one mentee first."]
    assert b"Move on to Training" in response.content


def test_coordinator_moves_phase_from_the_page(client, coordinator, cohort):
    EnrollmentFactory(cohort=cohort)
    MentorEnrollmentFactory(cohort=cohort)
    client.force_login(coordinator)

    response = client.post(reverse("cohorts:cohort-phase", args=[cohort.pk]), {"target": "training"}, follow=True)

    cohort.refresh_from_db()
    assert cohort.phase == CohortPhase.TRAINING
    assert PhaseChange.objects.get().changed_by == coordinator
    assert "The cohort is now in the Training phase." in [str(m) for m in response.context["messages"]]


def test_blocked_phase_move_shows_why_and_changes_nothing(client, coordinator, cohort):
    client.force_login(coordinator)

    response = client.post(reverse("cohorts:cohort-phase", args=[cohort.pk]), {"target": "training"}, follow=True)

    cohort.refresh_from_db()
    assert cohort.phase == CohortPhase.ENROLLMENT
    assert "Accept at least one mentor and one mentee first." in [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("kind", ["viewer", "participant", "subcommittee"])
def test_only_coordinators_move_phases(client, cohort, kind, viewer):
    from tests.factories import SubcommitteeMemberFactory

    user = {
        "viewer": lambda: viewer,
        "participant": lambda: EnrollmentFactory(cohort=cohort).user,
        "subcommittee": lambda: SubcommitteeMemberFactory(cohort=cohort).user,
    }[kind]()
    client.force_login(user)

    response = client.post(reverse("cohorts:cohort-phase", args=[cohort.pk]), {"target": "draft"})

    assert response.status_code == 403
    cohort.refresh_from_db()
    assert cohort.phase == CohortPhase.ENROLLMENT


def test_participant_sees_basics_and_own_enrollment_but_not_people(client, cohort):
    enrollment = EnrollmentFactory(cohort=cohort)
    client.force_login(enrollment.user)

    page = client.get(cohort.get_absolute_url())
    dashboard = client.get(reverse("cohorts:cohort-dashboard", args=[cohort.pk]))

    assert page.status_code == 200
    assert page.context["my_enrollment"] == enrollment
    assert "moves" not in page.context
    assert dashboard.status_code == 403


def test_participant_of_another_cohort_gets_404(client, cohort):
    client.force_login(EnrollmentFactory().user)

    assert client.get(cohort.get_absolute_url()).status_code == 404
    assert client.get(reverse("cohorts:cohort-dashboard", args=[cohort.pk])).status_code == 404


def test_guidelines_acknowledgement_is_recorded(client, cohort):
    enrollment = EnrollmentFactory(cohort=cohort, guidelines_acknowledged_at=None)
    client.force_login(enrollment.user)

    refused = client.post(reverse("cohorts:guidelines", args=[cohort.pk]), {})
    enrollment.refresh_from_db()
    assert (refused.status_code, enrollment.guidelines_acknowledged_at) == (200, None)

    client.post(reverse("cohorts:guidelines", args=[cohort.pk]), {"acknowledge_guidelines": "on"})
    enrollment.refresh_from_db()
    assert enrollment.guidelines_acknowledged_at is not None


def test_guidelines_markdown_is_sanitised(client, coordinator, cohort):
    client.force_login(coordinator)
    client.post(
        reverse("cohorts:guidelines-edit", args=[cohort.pk]),
        {"guidelines": "## Hi\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"},
    )

    html = client.get(reverse("cohorts:guidelines", args=[cohort.pk])).content.decode()

    assert "<h2>Hi</h2>" in html
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html


def test_mentor_sets_capacity_within_the_cohort_maximum(client, cohort):
    mentor = MentorEnrollmentFactory(cohort=cohort, capacity=None)
    client.force_login(mentor.user)

    client.post(reverse("cohorts:enrollment-capacity", args=[cohort.pk]), {"capacity": "9"})
    mentor.refresh_from_db()
    assert mentor.capacity is None

    client.post(reverse("cohorts:enrollment-capacity", args=[cohort.pk]), {"capacity": "3"})
    mentor.refresh_from_db()
    assert mentor.capacity == 3


def test_mentee_cannot_set_capacity(client, cohort):
    mentee = EnrollmentFactory(cohort=cohort)
    client.force_login(mentee.user)

    assert client.post(reverse("cohorts:enrollment-capacity", args=[cohort.pk]), {"capacity": "2"}).status_code == 403


def test_participant_withdraws_themself_but_not_others(client, cohort):
    me = EnrollmentFactory(cohort=cohort)
    other = EnrollmentFactory(cohort=cohort)
    client.force_login(me.user)

    denied = client.post(reverse("cohorts:enrollment-withdraw", args=[cohort.pk, other.pk]))
    done = client.post(reverse("cohorts:enrollment-withdraw", args=[cohort.pk, me.pk]))

    me.refresh_from_db()
    other.refresh_from_db()
    assert (denied.status_code, done.status_code) == (403, 302)
    assert (me.status, other.status) == ("withdrawn", "accepted")


def test_home_shows_next_steps(client, cohort):
    enrollment = EnrollmentFactory(cohort=cohort, guidelines_acknowledged_at=None)
    client.force_login(enrollment.user)

    response = client.get(reverse("home"))

    cards = response.context["my_cohort_cards"]()
    assert [c["cohort"] for c in cards] == [cohort]
    assert "Read and acknowledge the participant guidelines" in [s.title for s in cards[0]["steps"]]
    assert b"Read and acknowledge the participant guidelines" in response.content


def test_program_page_offers_new_cohort_to_coordinator_only(client, coordinator, viewer):
    program = ProgramFactory(organization=coordinator.org_memberships.get().organization)
    client.force_login(coordinator)
    assert (
        reverse("cohorts:cohort-create", args=[program.pk]).encode() in client.get(program.get_absolute_url()).content
    )
    client.force_login(viewer)
    assert (
        reverse("cohorts:cohort-create", args=[program.pk]).encode()
        not in client.get(program.get_absolute_url()).content
    )
