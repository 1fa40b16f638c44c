"""One time-zone mechanism: the person's zone is active for their requests, emails are
rendered in their recipient's zone, CSV files in the downloader's; the zone comes from the
browser at sign-up, from the profile, or from an application's time-zone answer."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cohorts.enums import CohortPhase
from cohorts.models import PhaseChange
from meetings.services.scheduling import meeting_propose
from mentorship.notifications import email_queue
from mentorship.zones import site_today, zone_of
from questionnaires.enums import QuestionType
from questionnaires.services.responses import response_save
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    MeetingFactory,
    PairFactory,
    QuestionFactory,
    QuestionnaireFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

User = get_user_model()
UTC = datetime.UTC


@pytest.fixture
def cohort(organization):
    return CohortFactory(program__organization=organization, phase=CohortPhase.ENROLLMENT)


def _phase_changed_at(cohort, coordinator, moment):
    PhaseChange.objects.create(cohort=cohort, from_phase="draft", to_phase="enrollment", changed_by=coordinator)
    PhaseChange.objects.update(changed_at=moment)


# --- The zone of a request -----------------------------------------------------------------


def test_pages_show_times_in_the_signed_in_persons_zone_and_say_which(client, cohort, coordinator):
    coordinator.time_zone = "Asia/Tokyo"
    coordinator.save()
    _phase_changed_at(cohort, coordinator, datetime.datetime(2027, 3, 1, 23, 30, tzinfo=UTC))
    client.force_login(coordinator)

    page = client.get(reverse("cohorts:cohort-detail", kwargs={"pk": cohort.pk})).content.decode()

    assert "2 Mar 2027, 08:30" in page
    assert "1 Mar 2027, 23:30" not in page
    assert "times in Asia/Tokyo" in page
    assert "Times are shown in Asia/Tokyo." in page


def test_the_zone_is_the_sites_for_a_person_without_one_and_is_offered(client, cohort, coordinator):
    _phase_changed_at(cohort, coordinator, datetime.datetime(2027, 3, 1, 23, 30, tzinfo=UTC))
    client.force_login(coordinator)

    page = client.get(reverse("cohorts:cohort-detail", kwargs={"pk": cohort.pk})).content.decode()

    assert "1 Mar 2027, 23:30" in page
    assert "times in UTC" in page
    assert "Which time zone are you in?" in page
    assert 'name="time_zone" value="" data-browser-time-zone' in page


def test_no_offer_once_the_person_has_a_zone(client, coordinator):
    coordinator.time_zone = "Europe/Paris"
    coordinator.save()
    client.force_login(coordinator)

    page = client.get(reverse("home")).content.decode()

    assert "Which time zone are you in?" not in page


def test_the_zone_does_not_outlive_the_request(client, coordinator):
    coordinator.time_zone = "Pacific/Auckland"
    coordinator.save()
    client.force_login(coordinator)

    client.get(reverse("home"))

    assert timezone.get_current_timezone_name() == "UTC"


def test_rules_read_the_sites_calendar_whoever_asks():
    # Just before midnight UTC it is already tomorrow in Tokyo: rules must not differ.
    with timezone.override("Asia/Tokyo"):
        in_tokyo = site_today()

    assert in_tokyo == timezone.localdate(timezone=datetime.UTC)


def test_a_zone_the_system_no_longer_knows_falls_back_to_the_sites():
    user = UserFactory.build(time_zone="Nowhere/Atlantis")

    assert zone_of(user).key == "UTC"


# --- Choosing a zone --------------------------------------------------------------------------


def test_signup_takes_the_browsers_time_zone(client):
    client.post(
        reverse("account_signup"),
        {
            "full_name": "Ada Lovelace",
            "email": "ada@example.test",
            "password1": "an-engine-of-2026",
            "password2": "an-engine-of-2026",
            "time_zone": "America/New_York",
        },
    )

    assert User.objects.get().time_zone == "America/New_York"


@pytest.mark.parametrize("sent", ["", "Mars/Olympus_Mons", "<script>"])
def test_signup_leaves_the_zone_unset_without_a_known_browser_zone(client, sent):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Ada Lovelace",
            "email": "ada@example.test",
            "password1": "an-engine-of-2026",
            "password2": "an-engine-of-2026",
            "time_zone": sent,
        },
    )

    assert response.status_code == 302
    assert User.objects.get().time_zone == ""


def test_signup_page_carries_the_hidden_browser_zone_field(client):
    page = client.get(reverse("account_signup")).content.decode()

    assert 'type="hidden" name="time_zone"' in page
    assert "data-browser-time-zone" in page


def test_the_offer_sets_the_zone_and_returns_to_the_page(client, outsider):
    client.force_login(outsider)

    response = client.post(reverse("mentorship:time-zone-set"), {"time_zone": "Europe/Madrid", "next": "/cohorts/"})

    assert response.status_code == 302
    assert response["Location"] == "/cohorts/"
    outsider.refresh_from_db()
    assert outsider.time_zone == "Europe/Madrid"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/"])
def test_the_offer_never_redirects_off_site(client, outsider, next_url):
    client.force_login(outsider)

    response = client.post(reverse("mentorship:time-zone-set"), {"time_zone": "Europe/Madrid", "next": next_url})

    assert response["Location"] == reverse("home")


def test_the_offer_refuses_an_unknown_zone_and_changes_nothing(client, outsider):
    client.force_login(outsider)

    response = client.post(reverse("mentorship:time-zone-set"), {"time_zone": "Mars/Olympus_Mons"}, follow=True)

    assert "Choose a time zone from the list." in response.content.decode()
    outsider.refresh_from_db()
    assert outsider.time_zone == ""


def test_the_offer_needs_a_signed_in_person_and_a_post(client, outsider):
    anonymous = client.post(reverse("mentorship:time-zone-set"), {"time_zone": "Europe/Madrid"})
    client.force_login(outsider)
    get = client.get(reverse("mentorship:time-zone-set"))

    assert anonymous.status_code == 302
    assert reverse("account_login") in anonymous["Location"]
    assert get.status_code == 405


# --- From the application's answer -------------------------------------------------------------


@pytest.fixture
def zone_application(cohort):
    questionnaire = QuestionnaireFactory(cohort=cohort)
    QuestionFactory(questionnaire=questionnaire, key="time_zone", type=QuestionType.TIME_ZONE, position=1)
    return questionnaire


def _answer_zone(questionnaire, enrollment, zone):
    question = questionnaire.questions.get(key="time_zone")
    response_save(
        questionnaire=questionnaire, enrollment=enrollment, answers={question.pk: zone}, submit=True, revision=0
    )


def test_an_application_answer_gives_a_person_without_a_zone_theirs(cohort, zone_application):
    enrollment = EnrollmentFactory(cohort=cohort, user__time_zone="")

    _answer_zone(zone_application, enrollment, "America/New_York")

    enrollment.user.refresh_from_db()
    assert enrollment.user.time_zone == "America/New_York"


def test_an_application_answer_never_overrides_the_persons_own_choice(cohort, zone_application):
    enrollment = EnrollmentFactory(cohort=cohort, user__time_zone="Europe/Berlin")

    _answer_zone(zone_application, enrollment, "America/New_York")

    enrollment.user.refresh_from_db()
    assert enrollment.user.time_zone == "Europe/Berlin"


def test_a_draft_does_not_set_the_zone(cohort, zone_application):
    enrollment = EnrollmentFactory(cohort=cohort, user__time_zone="")
    question = zone_application.questions.get(key="time_zone")

    response_save(
        questionnaire=zone_application,
        enrollment=enrollment,
        answers={question.pk: "America/New_York"},
        submit=False,
        revision=0,
    )

    enrollment.user.refresh_from_db()
    assert enrollment.user.time_zone == ""


def test_the_pair_page_shows_the_zone_a_mentee_answered(client, organization, coordinator):
    pair = PairFactory(cohort__program__organization=organization, mentee__user__time_zone="")
    questionnaire = QuestionnaireFactory(cohort=pair.cohort)
    QuestionFactory(questionnaire=questionnaire, key="time_zone", type=QuestionType.TIME_ZONE, position=1)
    pair.cohort.phase = CohortPhase.ENROLLMENT
    pair.cohort.save()
    _answer_zone(questionnaire, pair.mentee, "America/New_York")
    client.force_login(pair.mentee.user)

    page = client.get(reverse("meetings:pair-detail", kwargs={"pk": pair.pk})).content.decode()

    assert "Time zone: America/New_York" in page
    assert "Time zone: UTC" not in page


def test_the_backfill_gives_existing_people_the_zone_they_answered(cohort, zone_application):
    unset = EnrollmentFactory(cohort=cohort, user__time_zone="")
    chosen = EnrollmentFactory(cohort=cohort, user__time_zone="Europe/Berlin")
    for enrollment in (unset, chosen):
        _answer_zone(zone_application, enrollment, "Asia/Kolkata")
    User.objects.filter(pk=unset.user.pk).update(time_zone="")  # as before the answer was taken
    migration = importlib.import_module("questionnaires.migrations.0003_time_zones_from_answers")

    migration.time_zones_from_answers(apps, None)

    assert dict(User.objects.filter(pk__in=[unset.user.pk, chosen.user.pk]).values_list("email", "time_zone")) == {
        unset.user.email: "Asia/Kolkata",
        chosen.user.email: "Europe/Berlin",
    }


# --- Emails and CSV files --------------------------------------------------------------------


def test_one_email_to_people_in_two_zones_is_rendered_for_each(django_capture_on_commit_callbacks):
    pair = PairFactory(mentor__user__time_zone="Asia/Tokyo", mentee__user__time_zone="America/New_York")
    meeting = MeetingFactory(pair=pair, starts_at=datetime.datetime(2027, 3, 11, 23, 0, tzinfo=UTC))

    with django_capture_on_commit_callbacks(execute=True):
        email_queue(
            to=[pair.mentor.user, pair.mentee.user, "someone@example.test"],
            template="meeting-reminder",
            context={"meeting": meeting, "pair": pair, "recipient": pair.mentor.user, "other": pair.mentee.user},
        )

    bodies = {tuple(message.to): message.body for message in mail.outbox}
    assert "Friday 12 March 2027, 08:00 (Asia/Tokyo)" in bodies[(pair.mentor.user.email,)]
    assert "Thursday 11 March 2027, 18:00 (America/New_York)" in bodies[(pair.mentee.user.email,)]
    assert "Thursday 11 March 2027, 23:00 (UTC)" in bodies[("someone@example.test",)]
    assert timezone.get_current_timezone_name() == "UTC"


def test_a_proposal_email_is_in_the_recipients_zone_not_the_proposers(django_capture_on_commit_callbacks):
    pair = PairFactory(mentor__user__time_zone="Europe/London", mentee__user__time_zone="Asia/Kolkata")

    with timezone.override("Asia/Kolkata"), django_capture_on_commit_callbacks(execute=True):
        meeting_propose(
            pair=pair,
            by=pair.mentee.user,
            starts_at=datetime.datetime(2027, 7, 1, 12, 0, tzinfo=UTC),
            location="Library",
            now=datetime.datetime(2027, 6, 1, tzinfo=UTC),
        )

    (message,) = mail.outbox
    assert message.to == [pair.mentor.user.email]
    assert "Thursday 1 July 2027, 13:00 (Europe/London)" in message.body


def test_the_people_csv_is_in_the_downloaders_zone(client, cohort, coordinator):
    enrollment = EnrollmentFactory(cohort=cohort)
    type(enrollment).objects.filter(pk=enrollment.pk).update(
        created_at=datetime.datetime(2027, 1, 10, 20, 15, tzinfo=UTC)
    )
    coordinator.time_zone = "Australia/Sydney"
    coordinator.save()
    client.force_login(coordinator)

    response = client.get(reverse("cohorts:people-export", kwargs={"pk": cohort.pk}))
    body = b"".join(response.streaming_content).decode()

    assert "2027-01-11T07:15+11:00" in body


def test_an_answers_export_is_in_the_requesters_zone(cohort, coordinator, zone_application):
    from questionnaires.models import ExportJob, Response
    from questionnaires.services.exports import export_run

    enrollment = EnrollmentFactory(cohort=cohort)
    _answer_zone(zone_application, enrollment, "Asia/Kolkata")
    Response.objects.update(submitted_at=datetime.datetime(2027, 1, 10, 20, 15, tzinfo=UTC))
    coordinator.time_zone = "America/Los_Angeles"
    coordinator.save()
    job = ExportJob.objects.create(questionnaire=zone_application, requested_by=coordinator)

    export_run(export_job_id=job.pk)

    job.refresh_from_db()
    with job.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    assert "Submitted (America/Los_Angeles)" in text
    assert "2027-01-10T12:15-08:00" in text
