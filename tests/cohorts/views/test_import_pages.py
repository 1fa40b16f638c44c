"""The CSV import with answers through the browser's pages: upload, map, preview, import;
who may not; bad files; the imported person choosing a password and checking the answers."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohorts.models import Enrollment, ImportJob, ImportUpload, Invitation
from mentorship.enums import JobStatus, OrgRole
from mentorship.models import User
from questionnaires.enums import ResponseStatus
from questionnaires.models import Response
from questionnaires.services.templating import questionnaire_from_template
from tests.cohorts.test_import_answers import EXPORT
from tests.factories import CohortFactory, EnrollmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db

SMALL = (
    "\ufeffFull name,Email Address,Role,Career track,Values,Shoe size\n"
    'Ada,ada@example.org,mentee,Backend engineering,"Leadership; Technical craft",38\n'
    "Bea,bea@example.org,mentor,Astrology,Leadership,40\n"
)


@pytest.fixture
def applications(cohort):
    for role in ("mentee", "mentor"):
        questionnaire_from_template(cohort=cohort, template_key=f"{role}_application", by=None)


def upload(client, cohort, content: str | bytes, name="export.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        reverse("cohorts:import-create", args=[cohort.pk]), {"file": SimpleUploadedFile(name, data)}, follow=False
    )


def test_a_file_with_extra_columns_goes_to_the_mapping_step(client, coordinator, cohort, applications):
    client.force_login(coordinator)

    response = upload(client, cohort, SMALL)
    up = ImportUpload.objects.get()
    page = client.get(response.url)

    assert response.url == reverse("cohorts:import-map", args=[cohort.pk, up.pk])
    form = page.context["form"]
    chosen = {name: field.initial for name, field in form.fields.items()}
    career = [v for k, v in chosen.items() if k.startswith("map_3_")]
    shoe = [v for k, v in chosen.items() if k.startswith("map_5_")]
    assert len(career) == 2 and all(career)
    assert shoe == [None, None]
    preview = page.context["preview"]
    assert [(r.name, r.email) for r in preview.rows] == [("Ada", "ada@example.org"), ("Bea", "bea@example.org")]
    assert [p["row"] for p in preview.problems] == [3]
    assert "“Astrology” is not one of the choices" in page.content.decode()
    assert ImportJob.objects.count() == 0


def test_mapping_a_column_to_ignore_updates_the_preview_then_imports(
    client, coordinator, cohort, applications, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = upload(client, cohort, SMALL).url
    form = client.get(url).context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}
    # The coordinator ignores the career track column.
    data.update({name: "" for name in data if name.startswith("map_3_")})

    preview = client.post(url, {**data, "action": "preview"})
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**data, "action": "import"})

    assert preview.context["preview"].problems == []
    job = ImportJob.objects.get()
    assert done.url == reverse("cohorts:import-detail", args=[cohort.pk, job.pk])
    assert (job.status, job.invited_count, job.skipped_count) == (JobStatus.SUCCEEDED, 2, 0)
    assert [e["header"] for e in job.mapping] == ["Values", "Values"]
    assert Enrollment.objects.filter(cohort=cohort).count() == 2
    assert Response.objects.filter(enrollment__user__email="ada@example.org").get().answers.count() == 1
    assert ImportUpload.objects.count() == 0


def test_the_report_lists_people_imported_without_some_answers(
    client, coordinator, cohort, applications, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = upload(client, cohort, SMALL).url
    form = client.get(url).context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**data, "action": "import"})
    page = client.get(done.url).content.decode()

    assert "People imported without some answers" in page
    assert "Rows not imported" not in page
    assert "Invited without these answers: “Career track”: “Astrology”" in page


def test_the_100_row_export_through_the_pages(
    client, coordinator, cohort, applications, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = upload(client, cohort, EXPORT).url
    form = client.get(url).context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "action": "import"})

    job = ImportJob.objects.get()
    assert (job.invited_count, job.skipped_count, len(job.answer_problems)) == (99, 1, 5)
    assert Response.objects.filter(status=ResponseStatus.SUBMITTED).count() == 94
    assert len(mail.outbox) == 99


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (SMALL.encode("utf-16"), "UTF-8"),
        ("Full name,Role,Career track\nAda,mentee,Backend engineering\n", "missing: email"),
    ],
)
def test_bad_files_get_a_clear_message_and_change_nothing(client, coordinator, cohort, applications, content, message):
    client.force_login(coordinator)

    response = client.post(
        reverse("cohorts:import-create", args=[cohort.pk]),
        {"file": SimpleUploadedFile("x.csv", content if isinstance(content, bytes) else content.encode())},
        follow=True,
    )

    assert any(message in str(m) for m in response.context["messages"])
    assert (ImportUpload.objects.count(), ImportJob.objects.count(), Invitation.objects.count()) == (0, 0, 0)


def test_duplicate_emails_with_answers_are_refused_and_change_nothing(client, coordinator, cohort, applications):
    client.force_login(coordinator)
    url = upload(client, cohort, SMALL + "Ada again,ADA@example.org,mentee,Security,Leadership,38\n").url
    form = client.get(url).context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}

    page = client.post(url, {**data, "action": "import"})

    assert page.status_code == 200
    assert any("lists ada@example.org more than once" in str(m) for m in page.context["messages"])
    assert "appear more than once: ada@example.org" in page.content.decode()
    assert (ImportJob.objects.count(), Invitation.objects.count(), Enrollment.objects.count()) == (0, 0, 0)
    assert User.objects.filter(email="ada@example.org").count() == 0


def test_cancel_puts_the_file_aside(client, coordinator, cohort, applications):
    client.force_login(coordinator)
    url = upload(client, cohort, SMALL).url

    response = client.post(url, {"action": "cancel"})

    assert response.url == reverse("cohorts:invitation-list", args=[cohort.pk])
    assert (ImportUpload.objects.count(), ImportJob.objects.count()) == (0, 0)


def test_who_may_not_map_an_upload(client, coordinator, cohort, applications, organization):
    client.force_login(coordinator)
    url = upload(client, cohort, SMALL).url
    up = ImportUpload.objects.get()
    participant = EnrollmentFactory(cohort=cohort).user
    other_cohort = CohortFactory(program__organization=organization)
    other_coordinator = MembershipFactory(role=OrgRole.COORDINATOR).user

    client.force_login(participant)
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "import"}).status_code == 403
    client.force_login(other_coordinator)
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"action": "cancel"}).status_code in (403, 404)
    client.force_login(coordinator)
    assert client.get(reverse("cohorts:import-map", args=[other_cohort.pk, up.pk])).status_code == 404
    assert ImportUpload.objects.count() == 1
    assert ImportJob.objects.count() == 0


def test_an_imported_person_chooses_a_password_joins_and_checks_the_answers(
    client, coordinator, cohort, applications, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = upload(client, cohort, SMALL).url
    form = client.get(url).context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "action": "import"})
    client.logout()
    email = next(m for m in mail.outbox if m.to == ["ada@example.org"])
    link = re.search(r"https?://\S+(/invitations/\S+/)", email.body).group(1)

    offer = client.get(link)
    with django_capture_on_commit_callbacks(execute=True):
        chosen = client.post(link, {"new_password1": "a-long-pass-phrase-9", "new_password2": "a-long-pass-phrase-9"})
    joined = client.post(link, {"acknowledge_guidelines": "on"})
    review = client.get(joined.url)

    assert "Choose a password" in offer.content.decode()
    assert chosen.url == link
    ada = User.objects.get(email="ada@example.org")
    assert ada.has_usable_password()
    enrollment = Enrollment.objects.get(user=ada)
    assert enrollment.guidelines_acknowledged_at is not None
    assert Enrollment.objects.filter(cohort=cohort).count() == 2
    assert Invitation.objects.get(email="ada@example.org").status == "accepted"
    assert joined.url == reverse(
        "questionnaires:response-fill", args=[enrollment.questionnaire_responses.get().questionnaire_id]
    )
    assert review.status_code == 200
    # The imported answer is filled in on the form, ready to be corrected.
    assert re.search(r"checked>\s*<label[^>]*>Backend engineering", review.content.decode())
    # A used link offers no password any more.
    client.logout()
    assert "Choose a password" not in client.get(link).content.decode()
