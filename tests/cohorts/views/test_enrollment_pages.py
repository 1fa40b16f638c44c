import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohorts.enums import CohortPhase
from cohorts.models import Enrollment, ImportJob, Invitation
from cohorts.services.invitations import invitation_create, invitation_link
from mentorship.enums import JobStatus
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_coordinator_invites_one_person(client, coordinator, cohort, django_capture_on_commit_callbacks):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cohorts:invitation-list", args=[cohort.pk]),
            {"full_name": "Ada", "email": "ada@example.org", "role": "mentor", "capacity": "2"},
        )

    assert response.status_code == 302
    assert list(Invitation.objects.values_list("email", "role", "capacity")) == [("ada@example.org", "mentor", 2)]
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


@pytest.mark.parametrize("role", ["mentee", "subcommittee"])
@pytest.mark.parametrize("capacity", ["3", "0", "lots"])
def test_a_capacity_sent_for_anyone_but_a_mentor_is_dropped(client, coordinator, cohort, role, capacity):
    client.force_login(coordinator)

    response = client.post(
        reverse("cohorts:invitation-list", args=[cohort.pk]),
        {"full_name": "Ada", "email": "ada@example.org", "role": role, "capacity": capacity},
    )

    assert response.status_code == 302
    assert list(Invitation.objects.values_list("email", "role", "capacity")) == [("ada@example.org", role, None)]


def test_a_mentor_capacity_is_still_checked(client, coordinator, cohort):
    client.force_login(coordinator)

    response = client.post(
        reverse("cohorts:invitation-list", args=[cohort.pk]),
        {"email": "ada@example.org", "role": "mentor", "capacity": "0"},
    )

    assert response.status_code == 200
    assert "capacity" in response.context["form"].errors
    assert Invitation.objects.count() == 0


def test_the_invite_form_shows_the_capacity_for_mentors_only_without_inline_script(client, coordinator, cohort):
    client.force_login(coordinator)

    page = client.get(reverse("cohorts:invitation-list", args=[cohort.pk])).content.decode()

    # A static script toggles the field: the role select and the capacity input carry its hooks.
    assert "data-invite-role" in page
    assert "data-mentor-only" in page
    assert '<script src="/static/js/invitations.js"></script>' in page
    assert "<script>" not in page


def test_invite_errors_show_next_to_the_field(client, coordinator, cohort):
    invitation_create(cohort=cohort, email="ada@example.org", role="mentee", by=coordinator)
    client.force_login(coordinator)

    response = client.post(
        reverse("cohorts:invitation-list", args=[cohort.pk]), {"email": "ada@example.org", "role": "mentee"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["ada@example.org has already been invited."]
    assert Invitation.objects.count() == 1


def test_csv_upload_runs_the_import_and_shows_its_report(
    client, coordinator, cohort, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    upload = SimpleUploadedFile(
        "people.csv", b"name,email,role\nAda,ada@example.org,mentee\nBad,,mentee\n", content_type="text/csv"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cohorts:import-create", args=[cohort.pk]), {"file": upload})
    job = ImportJob.objects.get()
    page = client.get(response.url)
    partial = client.get(response.url, headers={"HX-Request": "true"})

    assert response.url == reverse("cohorts:import-detail", args=[cohort.pk, job.pk])
    assert (job.status, job.invited_count, job.skipped_count) == (JobStatus.SUCCEEDED, 1, 1)
    assert b"is not a valid email address" in page.content
    assert [t.name for t in partial.templates] == ["cohorts/_import_job.html", "mentorship/_job.html"]
    assert b"hx-trigger" not in partial.content


def test_running_import_page_polls(client, coordinator, cohort):
    job = ImportJob.objects.create(cohort=cohort, filename="x.csv", content="name,email,role\n", total_rows=10)
    client.force_login(coordinator)

    partial = client.get(reverse("cohorts:import-detail", args=[cohort.pk, job.pk]), headers={"HX-Request": "true"})

    assert b'hx-trigger="every 1s"' in partial.content
    assert b"0 of 10 rows" in partial.content


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00n\x00a", "UTF-8"),
        (b"just,some,columns\n1,2,3\n", "missing: name, email, role"),
    ],
)
def test_unusable_upload_gets_a_clear_message(client, coordinator, cohort, content, message):
    client.force_login(coordinator)

    response = client.post(
        reverse("cohorts:import-create", args=[cohort.pk]), {"file": SimpleUploadedFile("x.csv", content)}, follow=True
    )

    assert any(message in str(m) for m in response.context["messages"])
    assert ImportJob.objects.count() == 0


def test_participants_cannot_invite_or_import(client, cohort):
    client.force_login(EnrollmentFactory(cohort=cohort).user)

    assert client.get(reverse("cohorts:invitation-list", args=[cohort.pk])).status_code == 403
    upload = SimpleUploadedFile("x.csv", b"name,email,role\nA,a@example.org,mentee\n")
    assert client.post(reverse("cohorts:import-create", args=[cohort.pk]), {"file": upload}).status_code == 403
    assert ImportJob.objects.count() == 0


def test_import_of_another_cohort_is_404(client, coordinator, cohort):
    other = ImportJob.objects.create(cohort=EnrollmentFactory().cohort, filename="x.csv", content="")
    client.force_login(coordinator)

    assert client.get(reverse("cohorts:import-detail", args=[cohort.pk, other.pk])).status_code == 404


def test_invitation_link_for_anonymous_offers_sign_up(client, coordinator, cohort):
    invitation = invitation_create(cohort=cohort, email="new@example.org", role="mentee", by=coordinator)

    response = client.get(invitation_link(invitation=invitation))

    assert response.status_code == 200
    assert "/accounts/signup/?next=" in response.context["signup_url"]
    # Nothing says whether the address already has an account.
    assert b"Create your account to accept" in response.content
    assert b"I already have an account" in response.content


def test_invitation_sign_in_link_fills_in_the_invited_address(client, coordinator, cohort):
    invitation = invitation_create(cohort=cohort, email="known@example.org", role="mentee", by=coordinator)
    login_url = client.get(invitation_link(invitation=invitation)).context["login_url"]

    response = client.get(login_url)

    assert response.status_code == 200
    assert response.context["form"]["login"].value() == "known@example.org"
    assert b'value="known@example.org"' in response.content


@pytest.mark.parametrize("given", ["", "not an address", "<script>@x"])
def test_sign_in_page_ignores_a_login_parameter_that_is_no_address(client, given):
    response = client.get(reverse("account_login"), {"login": given})

    assert response.status_code == 200
    assert response.context["form"]["login"].value() in (None, "")


def test_invited_person_signs_up_through_the_link_and_lands_in_the_cohort(client, coordinator, cohort):
    invitation = invitation_create(cohort=cohort, email="new@example.org", role="mentee", by=coordinator)
    link = invitation_link(invitation=invitation)

    signup = client.post(
        reverse("account_signup") + f"?next={link}",
        {
            "full_name": "New Person",
            "email": "new@example.org",
            "password1": "a-long-pass-2026",
            "password2": "a-long-pass-2026",
            "next": link,
        },
    )
    assert signup.url == link
    joined = client.post(link, {"acknowledge_guidelines": "on"})

    assert joined.url == cohort.get_absolute_url()
    enrollment = Enrollment.objects.get(cohort=cohort, user__email="new@example.org")
    assert (enrollment.status, enrollment.role) == ("accepted", "mentee")


def test_invitation_with_wrong_account_changes_nothing(client, coordinator, cohort):
    invitation = invitation_create(cohort=cohort, email="new@example.org", role="mentee", by=coordinator)
    client.force_login(UserFactory(email="other@example.org"))

    response = client.post(invitation_link(invitation=invitation), {"acknowledge_guidelines": "on"}, follow=True)

    assert any("Sign in with that address" in str(m) for m in response.context["messages"])
    assert Enrollment.objects.count() == 0


@pytest.mark.parametrize("signed", ["garbage", "abc:def:ghi"])
def test_bad_invitation_link_is_explained(client, signed):
    response = client.get(reverse("cohorts:invitation-respond", args=[signed]))

    assert response.status_code == 410
    assert b"not valid" in response.content


def test_expired_invitation_link_is_explained(client, coordinator, cohort, settings):
    invitation = invitation_create(cohort=cohort, email="new@example.org", role="mentee", by=coordinator)
    settings.INVITATION_MAX_AGE_DAYS = 0

    response = client.get(invitation_link(invitation=invitation))

    assert response.status_code == 410
    assert b"expired" in response.content


def test_public_application_page_is_open_to_anonymous(client, cohort):
    response = client.get(reverse("cohorts:cohort-apply", args=[cohort.application_token]))

    assert response.status_code == 200
    assert response.context["is_open"] is True
    assert cohort.name.encode() in response.content


def test_unknown_application_token_is_404(client):
    assert client.get(reverse("cohorts:cohort-apply", args=["nope"])).status_code == 404


def test_signed_in_person_applies_as_mentor(client, cohort):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("cohorts:cohort-apply", args=[cohort.application_token]),
        {"role": "mentor", "capacity": "2", "acknowledge_guidelines": "on"},
    )

    assert response.status_code == 302
    enrollment = Enrollment.objects.get(user=user)
    assert (enrollment.role, enrollment.status, enrollment.capacity) == ("mentor", "applied", 2)


def test_application_without_guidelines_or_over_capacity_is_refused(client, cohort):
    client.force_login(UserFactory())
    url = reverse("cohorts:cohort-apply", args=[cohort.application_token])

    no_ack = client.post(url, {"role": "mentee"})
    too_many = client.post(url, {"role": "mentor", "capacity": "9", "acknowledge_guidelines": "on"})

    assert "acknowledge_guidelines" in no_ack.context["form"].errors
    assert "capacity" in too_many.context["form"].errors
    assert Enrollment.objects.count() == 0


def test_application_refused_when_enrollment_is_closed(client, cohort):
    cohort.phase = CohortPhase.TRAINING
    cohort.save()
    client.force_login(UserFactory())

    response = client.post(
        reverse("cohorts:cohort-apply", args=[cohort.application_token]),
        {"role": "mentee", "acknowledge_guidelines": "on"},
    )

    assert b"not taking applications" in response.content
    assert Enrollment.objects.count() == 0


def test_declined_applicant_sees_their_answer_on_the_application_page(client, cohort):
    from cohorts.enums import EnrollmentStatus

    declined = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.DECLINED)
    client.force_login(declined.user)

    response = client.get(reverse("cohorts:cohort-apply", args=[cohort.application_token]))

    assert response.status_code == 200
    assert b"was not accepted" in response.content


def test_invite_form_refuses_an_over_long_email(client, coordinator, cohort):
    client.force_login(coordinator)

    response = client.post(
        reverse("cohorts:invitation-list", args=[cohort.pk]), {"email": "a" * 250 + "@example.org", "role": "mentee"}
    )

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_decision_redirect_never_leaves_the_site(client, coordinator, cohort, target):
    from cohorts.enums import EnrollmentStatus

    applied = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    client.force_login(coordinator)

    response = client.post(
        reverse("cohorts:enrollment-decide", args=[cohort.pk, applied.pk]), {"decision": "accepted", "next": target}
    )

    assert response.url == cohort.get_absolute_url()


@pytest.mark.parametrize(
    "name",
    ["cohorts:cohort-phase", "cohorts:enrollment-decide-bulk", "cohorts:import-create", "cohorts:training-remind"],
)
def test_coordinator_of_another_organization_cannot_post(client, cohort, name):
    from mentorship.enums import OrgRole
    from tests.factories import MembershipFactory

    client.force_login(MembershipFactory(role=OrgRole.COORDINATOR).user)

    assert client.post(reverse(name, args=[cohort.pk]), {"target": "draft"}).status_code == 404
