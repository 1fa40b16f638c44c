import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cohorts.enums import CohortPhase, EnrollmentStatus
from mentorship.enums import OrgRole
from showcase.enums import FileKind
from showcase.models import Showcase, Submission
from showcase.services.showcase import submission_save
from tests.factories import (
    EnrollmentFactory,
    MembershipFactory,
    PairFactory,
    ProjectFactory,
    ShowcaseFactory,
    SubcommitteeMemberFactory,
    SubmissionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


def _url(name, pk, **extra):
    return reverse(f"showcase:{name}", kwargs={"pk": pk, **extra})


@pytest.fixture
def other_coordinator():
    return MembershipFactory(role=OrgRole.COORDINATOR).user


# --- Set-up and programme --------------------------------------------------------------------


def test_the_coordinator_sets_up_the_showcase_in_their_time_zone(client, cohort, coordinator):
    coordinator.time_zone = "Europe/Lisbon"
    coordinator.save()
    client.force_login(coordinator)

    response = client.post(
        _url("showcase-update", cohort.pk),
        {
            "title": "Demo day",
            "day": "2030-06-20",
            "time": "18:30",
            "duration_minutes": "120",
            "slot_minutes": "8",
            "location": "Main hall",
            "video_url": "",
            "description": "Welcome!",
            "is_public": "on",
        },
    )

    showcase = Showcase.objects.get()
    assert response.url == showcase.get_absolute_url()
    assert showcase.starts_at == datetime.datetime(2030, 6, 20, 17, 30, tzinfo=datetime.UTC)
    assert (showcase.slot_minutes, showcase.is_public, showcase.location) == (8, True, "Main hall")


def test_a_showcase_without_place_or_link_is_refused(client, cohort, coordinator):
    client.force_login(coordinator)

    response = client.post(
        _url("showcase-update", cohort.pk),
        {"title": "Demo day", "day": "2030-06-20", "time": "18:30", "duration_minutes": "120", "slot_minutes": "8"},
    )

    assert response.context["form"].errors == {"location": ["Give a place, a video link, or both."]}
    assert Showcase.objects.count() == 0


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("mentee", 403), ("other coordinator", 404)])
def test_only_the_coordinator_sets_up_the_showcase(client, pair, viewer, other_coordinator, who, status):
    client.force_login({"viewer": viewer, "mentee": pair.mentee.user, "other coordinator": other_coordinator}[who])

    assert client.get(_url("showcase-update", pair.cohort_id)).status_code == status
    assert client.get(_url("programme-edit", pair.cohort_id)).status_code == status


def test_the_coordinator_builds_the_programme(client, cohort, coordinator, showcase):
    first, second = SubmissionFactory(showcase=showcase), SubmissionFactory(showcase=showcase)
    client.force_login(coordinator)

    client.post(_url("programme-add-all", cohort.pk))
    client.post(_url("programme-change", second.pk), {"action": "up"})

    assert list(Submission.objects.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    page = client.get(_url("programme-edit", cohort.pk))
    assert [s for s, _start in page.context["programme"]] == [second, first]
    assert [start for _s, start in page.context["programme"]] == [
        showcase.starts_at,
        showcase.starts_at + datetime.timedelta(minutes=showcase.slot_minutes),
    ]


def test_an_unknown_programme_change_says_so(client, coordinator, showcase):
    submission = SubmissionFactory(showcase=showcase)
    client.force_login(coordinator)

    response = client.post(_url("programme-change", submission.pk), {"action": "delete"}, follow=True)

    assert "Unknown change to the programme." in response.content.decode()
    assert Submission.objects.get().position is None


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("other coordinator", 404), ("stranger", 404)])
def test_others_cannot_change_the_programme(client, showcase, viewer, other_coordinator, who, status):
    submission = SubmissionFactory(showcase=showcase)
    client.force_login({"viewer": viewer, "other coordinator": other_coordinator, "stranger": UserFactory()}[who])

    assert client.post(_url("programme-change", submission.pk), {"action": "add"}).status_code == status
    assert Submission.objects.get().position is None


# --- Submitting ---------------------------------------------------------------------------------------


def test_the_mentee_submits_with_an_image(client, project, showcase, mentee):
    client.force_login(mentee)

    response = client.post(
        _url("submission-edit", project.pk),
        {
            "summary": "A live demo.",
            "materials_url": "https://example.org/slides",
            "allow_public": "on",
            "file": SimpleUploadedFile("poster.png", PNG, content_type="image/png"),
        },
    )

    submission = Submission.objects.get()
    assert response.url == project.get_absolute_url()
    assert (submission.showcase, submission.allow_public, submission.file_kind) == (showcase, True, FileKind.IMAGE)
    assert submission.file.storage.open(submission.file.name).read() == PNG


def test_a_disguised_file_is_refused_next_to_the_field(client, project, showcase, mentee):
    client.force_login(mentee)

    response = client.post(
        _url("submission-edit", project.pk),
        {"summary": "A demo.", "file": SimpleUploadedFile("poster.png", b"<?php echo 1; ?>" + b" " * 40)},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["Attach a PNG, JPEG or WebP image, or a PDF document. This file is none of them."]
    }
    assert Submission.objects.count() == 0


def test_a_file_over_the_limit_is_skipped_while_it_arrives(client, project, showcase, mentee, settings):
    settings.SHOWCASE_MAX_UPLOAD_BYTES = 1024
    client.force_login(mentee)

    response = client.post(
        _url("submission-edit", project.pk),
        {"summary": "A demo.", "file": SimpleUploadedFile("poster.png", PNG + b"\x00" * 200_000)},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["The file is larger than 1.0\xa0KB."]}
    assert Submission.objects.count() == 0


def test_the_submission_form_still_checks_csrf(project, showcase, mentee):
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentee)

    response = client.post(_url("submission-edit", project.pk), {"summary": "A demo."})

    assert response.status_code == 403
    assert Submission.objects.count() == 0


def test_submitting_without_a_showcase_explains(client, project, mentee):
    client.force_login(mentee)

    response = client.get(_url("submission-edit", project.pk), follow=True)

    assert "not set up the showcase yet" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("mentor", 403), ("coordinator", 403), ("other mentee", 404)])
def test_only_the_mentee_submits(client, project, showcase, pair, coordinator, who, status):
    user = {
        "mentor": pair.mentor.user,
        "coordinator": coordinator,
        "other mentee": PairFactory(cohort=pair.cohort).mentee.user,
    }[who]
    client.force_login(user)

    assert client.post(_url("submission-edit", project.pk), {"summary": "x"}).status_code == status
    assert client.post(_url("submission-withdraw", project.pk)).status_code == status
    assert Submission.objects.count() == 0


def test_the_mentee_withdraws(client, project, showcase, mentee):
    SubmissionFactory(showcase=showcase, project=project, position=1)
    client.force_login(mentee)

    client.post(_url("submission-withdraw", project.pk))

    assert Submission.objects.count() == 0


# --- Seeing it ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentee", 200),
        ("mentor", 200),
        ("coordinator", 200),
        ("viewer", 200),
        ("subcommittee", 200),
        ("other coordinator", 404),
        ("stranger", 404),
    ],
)
def test_who_sees_the_showcase_page(client, pair, showcase, coordinator, viewer, other_coordinator, who, status):
    user = {
        "mentee": pair.mentee.user,
        "mentor": pair.mentor.user,
        "coordinator": coordinator,
        "viewer": viewer,
        "subcommittee": SubcommitteeMemberFactory(cohort=pair.cohort).user,
        "other coordinator": other_coordinator,
        "stranger": UserFactory(),
    }[who]
    client.force_login(user)

    assert client.get(_url("showcase-detail", pair.cohort_id)).status_code == status


@pytest.mark.parametrize("status", [EnrollmentStatus.APPLIED, EnrollmentStatus.WAITLISTED])
def test_an_applicant_sees_neither_the_showcase_nor_its_files(client, showcase, status):
    applicant = EnrollmentFactory(cohort=showcase.cohort, status=status).user
    private = _with_file(showcase, allow_public=False)
    client.force_login(applicant)

    page = client.get(_url("showcase-detail", showcase.cohort_id))
    file = client.get(_url("submission-file", private.pk))

    assert page.status_code == 403
    assert file.status_code == 403


def test_showcase_pages_never_show_a_mentees_email_address(client, cohort, viewer):
    showcase = ShowcaseFactory(cohort=cohort, is_public=True)
    submission = _with_file(showcase, allow_public=True, position=1)
    mentee = submission.project.enrollment.user
    mentee.full_name = ""
    mentee.save()

    public = client.get(showcase.get_public_url()).content.decode()
    client.force_login(viewer)
    internal = client.get(_url("showcase-detail", cohort.pk)).content.decode()

    assert submission.project.title in public
    assert mentee.email not in public
    assert "A mentee" in public
    assert mentee.email not in internal


def test_members_see_every_submitted_project(client, showcase, viewer):
    shown = SubmissionFactory(showcase=showcase, allow_public=True)
    private = SubmissionFactory(showcase=showcase, allow_public=False)
    client.force_login(viewer)

    response = client.get(_url("showcase-detail", showcase.cohort_id))

    assert set(response.context["page"].object_list) == {shown, private}


def _with_file(showcase, content=PNG, name="poster.png", **extra):
    submission = SubmissionFactory(showcase=showcase, **extra)
    return submission_save(
        project=submission.project,
        by=submission.project.enrollment.user,
        summary="x",
        allow_public=submission.allow_public,
        upload=SimpleUploadedFile(name, content),
    )


def test_files_are_served_to_members_with_safe_headers(client, showcase, viewer):
    image = _with_file(showcase)
    pdf = _with_file(showcase, PDF, "slides.pdf")
    client.force_login(viewer)

    image_response = client.get(_url("submission-file", image.pk))
    pdf_response = client.get(_url("submission-file", pdf.pk))

    assert b"".join(image_response.streaming_content) == PNG
    assert image_response["Content-Type"] == "image/png"
    assert image_response["Content-Disposition"].startswith("inline")
    assert image_response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert pdf_response["Content-Disposition"] == 'attachment; filename="slides.pdf"'


@pytest.mark.parametrize("who", ["stranger", "other coordinator"])
def test_files_are_not_served_outside(client, showcase, other_coordinator, who):
    image = _with_file(showcase)
    client.force_login({"stranger": UserFactory(), "other coordinator": other_coordinator}[who])

    assert client.get(_url("submission-file", image.pk)).status_code == 404


def test_files_need_signing_in(client, showcase):
    image = _with_file(showcase)

    response = client.get(_url("submission-file", image.pk))

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


# --- The public page ----------------------------------------------------------------------------------


def test_the_public_page_shows_only_what_was_allowed(client, cohort):
    showcase = ShowcaseFactory(cohort=cohort, is_public=True)
    shown = _with_file(showcase, allow_public=True, position=1)
    hidden = _with_file(showcase, allow_public=False, position=2)

    response = client.get(showcase.get_public_url())

    assert list(response.context["page"].object_list) == [shown]
    assert [s for s, _start in response.context["programme"]] == [shown]
    content = response.content.decode()
    assert shown.project.title in content
    assert hidden.project.title not in content
    assert client.get(_url("public-file", shown.pk, token=showcase.public_token)).status_code == 200
    assert client.get(_url("public-file", hidden.pk, token=showcase.public_token)).status_code == 404


def test_a_showcase_not_made_public_has_no_public_page(client, showcase):
    shown = _with_file(showcase, allow_public=True)

    assert client.get(showcase.get_public_url()).status_code == 404
    assert client.get(_url("public-file", shown.pk, token=showcase.public_token)).status_code == 404


def test_a_guessed_token_or_another_showcases_file_is_not_found(client, cohort):
    public = ShowcaseFactory(cohort=cohort, is_public=True)
    elsewhere = _with_file(ShowcaseFactory(is_public=True, cohort__phase=CohortPhase.LAUNCH), allow_public=True)

    assert client.get(reverse("showcase:showcase-public", kwargs={"token": "guess"})).status_code == 404
    assert client.get(_url("public-file", elsewhere.pk, token=public.public_token)).status_code == 404


@pytest.mark.parametrize("item_count", [1, 3])
def test_showcase_pages_cost_a_fixed_number_of_queries(client, showcase, viewer, item_count, django_assert_num_queries):
    showcase.is_public = True
    showcase.save()
    for position in range(item_count):
        SubmissionFactory(showcase=showcase, allow_public=True, position=position + 1)
    client.force_login(viewer)
    client.get(_url("showcase-detail", showcase.cohort_id))

    # 12 for the page, 3 for the cohort bar (the person's place in the cohort).
    with django_assert_num_queries(15):
        client.get(_url("showcase-detail", showcase.cohort_id))
    client.logout()
    with django_assert_num_queries(4):
        response = client.get(showcase.get_public_url())

    assert len(response.context["page"].object_list) == item_count


def test_a_mentee_in_a_closed_cohort_can_no_longer_submit(client, project, showcase, mentee):
    project.enrollment.cohort.phase = CohortPhase.CLOSED
    project.enrollment.cohort.save()
    client.force_login(mentee)

    response = client.post(_url("submission-edit", project.pk), {"summary": "Late"})

    assert "Projects are submitted from the cohort's launch until its showcase." in response.content.decode()
    assert Submission.objects.count() == 0


def test_a_mentee_of_another_cohort_cannot_see_this_showcase(client, showcase):
    other = EnrollmentFactory(cohort__program__organization=showcase.cohort.program.organization)
    ProjectFactory(enrollment=other)
    client.force_login(other.user)

    assert client.get(_url("showcase-detail", showcase.cohort_id)).status_code == 404


def test_the_showcase_page_shows_times_in_the_readers_time_zone(client, cohort, viewer):
    viewer.time_zone = "Asia/Tokyo"
    viewer.save()
    ShowcaseFactory(cohort=cohort, starts_at=datetime.datetime(2030, 1, 1, 9, 0, tzinfo=datetime.UTC))
    client.force_login(viewer)

    content = client.get(_url("showcase-detail", cohort.pk)).content.decode()

    assert "Tuesday 1 January 2030, 18:00" in content
    assert timezone.now().year < 2030
