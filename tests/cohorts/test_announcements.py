import datetime
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cohorts.enums import EnrollmentStatus, ParticipantRole
from cohorts.models import Announcement, AnnouncementDelivery
from cohorts.services import announcements as service
from cohorts.services.announcements import announcement_create, announcement_send
from mentorship.enums import JobStatus
from mentorship.models import Delivery, EmailState, Notification, NotificationPreference
from tests.factories import CohortFactory, EnrollmentFactory, MembershipFactory, MentorEnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(organization):
    return CohortFactory(program__organization=organization, phase="training", name="Spring")


@pytest.fixture
def people(cohort):
    mentees = EnrollmentFactory.create_batch(3, cohort=cohort, role=ParticipantRole.MENTEE)
    mentors = MentorEnrollmentFactory.create_batch(2, cohort=cohort)
    applicant = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    return {"mentees": mentees, "mentors": mentors, "applicant": applicant}


def _create(cohort, coordinator, capture, **kwargs):
    fields = {"subject": "Kick-off on Monday", "body": "See you **there**.", "segment": "everyone", **kwargs}
    with capture(execute=True):
        return announcement_create(cohort=cohort, by=coordinator, **fields)


def test_an_announcement_reaches_its_group_by_email_and_in_the_app(
    cohort, coordinator, people, django_capture_on_commit_callbacks
):
    announcement = _create(cohort, coordinator, django_capture_on_commit_callbacks, role="mentee")

    announcement.refresh_from_db()
    mentees = {e.user.email for e in people["mentees"]}
    assert (announcement.status, announcement.expected_count, announcement.total_count, announcement.sent_count) == (
        JobStatus.SUCCEEDED,
        3,
        3,
        3,
    )
    assert {m.to[0] for m in mail.outbox} == mentees
    assert {m.subject for m in mail.outbox} == {"Spring: Kick-off on Monday"}
    assert "<strong>there</strong>" in mail.outbox[0].alternatives[0].content
    assert set(Notification.objects.values_list("user__email", "kind", "url")) == {
        (email, "announcement", announcement.get_absolute_url()) for email in mentees
    }
    assert announcement.audience_label == "Everyone taking part (accepted) (mentee)"


def test_running_the_job_again_reaches_nobody_twice(cohort, coordinator, people, django_capture_on_commit_callbacks):
    announcement = _create(cohort, coordinator, django_capture_on_commit_callbacks)
    Announcement.objects.filter(pk=announcement.pk).update(status=JobStatus.QUEUED)

    with django_capture_on_commit_callbacks(execute=True):
        announcement_send(announcement_id=announcement.pk)

    assert len(mail.outbox) == 5
    assert AnnouncementDelivery.objects.count() == 5
    assert Notification.objects.count() == 5


def test_a_job_whose_worker_died_half_way_resumes_without_repeating(
    cohort, coordinator, people, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(service, "CHUNK", 2)
    with django_capture_on_commit_callbacks(execute=False):
        announcement = announcement_create(
            cohort=cohort, by=coordinator, subject="Hello", body="Hi all", segment="everyone"
        )
    # A worker claims it, sends one chunk, and dies.
    Announcement.objects.filter(pk=announcement.pk).update(status=JobStatus.RUNNING, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        service._fix_recipients(announcement.pk)
        service._send_chunk(announcement.pk)
    assert len(mail.outbox) == 2
    Announcement.objects.filter(pk=announcement.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        announcement_send(announcement_id=announcement.pk)

    announcement.refresh_from_db()
    assert announcement.status == JobStatus.SUCCEEDED
    assert (announcement.processed_count, announcement.sent_count) == (5, 5)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        e.user.email for e in [*people["mentees"], *people["mentors"]]
    )


def test_someone_who_chose_the_digest_gets_it_there(cohort, coordinator, people, django_capture_on_commit_callbacks):
    reader = people["mentors"][0].user
    NotificationPreference.objects.create(user=reader, kind="announcement", delivery=Delivery.DIGEST)

    _create(cohort, coordinator, django_capture_on_commit_callbacks)

    assert reader.email not in [m.to[0] for m in mail.outbox]
    assert Notification.objects.get(user=reader).email_state == EmailState.DIGEST_PENDING


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"subject": " "}, "subject"),
        ({"body": ""}, "body"),
        ({"segment": "at_risk"}, "Nobody is in this group"),
        ({"segment": "elsewhere"}, "segment"),
    ],
)
def test_bad_announcements_are_refused_and_nothing_is_queued(
    cohort, coordinator, people, fields, message, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as error, django_capture_on_commit_callbacks(execute=True) as callbacks:
        announcement_create(
            cohort=cohort, by=coordinator, **{"subject": "Hi", "body": "Text", "segment": "everyone", **fields}
        )

    assert message in str(error.value)
    assert callbacks == []
    assert not Announcement.objects.exists()


# --- Pages ----------------------------------------------------------------------------------------


def _url(cohort, name, **kwargs):
    return reverse(f"cohorts:{name}", kwargs={"pk": cohort.pk, **kwargs})


def test_the_coordinator_previews_the_count_then_sends(
    client, cohort, coordinator, people, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    data = {"subject": "Kick-off", "body": "Hello <script>alert(1)</script> **all**", "audience": "everyone"}

    preview = client.post(_url(cohort, "announcement-create"), {**data, "preview": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(_url(cohort, "announcement-create"), {**data, "send": "1"}, follow=True)

    assert preview.context["preview"]["count"] == 5
    assert "Send to 5 people" in preview.content.decode()
    assert "<script>alert(1)</script>" not in preview.content.decode()
    assert not Announcement.objects.filter(pk__lt=0).exists()
    announcement = Announcement.objects.get()
    assert sent.redirect_chain[-1][0] == announcement.get_absolute_url()
    assert "<script>alert(1)</script>" not in sent.content.decode()
    assert "<strong>all</strong>" in sent.content.decode()
    assert len(mail.outbox) == 5


def test_sending_one_preview_twice_sends_one_announcement(
    client, cohort, coordinator, people, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    data = {"subject": "Kick-off", "body": "Hello", "audience": "everyone"}
    preview = client.post(_url(cohort, "announcement-create"), {**data, "preview": "1"})
    token = str(preview.context["preview"]["send_token"])
    assert f'name="send_token" value="{token}"' in preview.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_url(cohort, "announcement-create"), {**data, "send": "1", "send_token": token})
        second = client.post(
            _url(cohort, "announcement-create"), {**data, "send": "1", "send_token": token}, follow=True
        )

    announcement = Announcement.objects.get()
    assert first.url == second.redirect_chain[-1][0] == announcement.get_absolute_url()
    assert [str(m) for m in second.context["messages"]] == [
        "The announcement is on its way.",
        "This announcement was already sent (the button was pressed twice): here is how far it has got.",
    ]
    assert len(mail.outbox) == 5


def test_a_new_preview_may_be_sent_again(client, cohort, coordinator, people, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    data = {"subject": "Kick-off", "body": "Hello", "audience": "everyone"}

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            preview = client.post(_url(cohort, "announcement-create"), {**data, "preview": "1"})
            client.post(
                _url(cohort, "announcement-create"),
                {**data, "send": "1", "send_token": str(preview.context["preview"]["send_token"])},
            )

    assert Announcement.objects.count() == 2


def test_a_token_of_another_cohort_neither_blocks_nor_leaks(
    cohort, coordinator, people, django_capture_on_commit_callbacks
):
    token = uuid.uuid4()
    other = CohortFactory(program=cohort.program)
    EnrollmentFactory(cohort=other)
    elsewhere = _create(other, coordinator, django_capture_on_commit_callbacks, send_token=token)

    here = _create(cohort, coordinator, django_capture_on_commit_callbacks, send_token=token)

    assert here.pk != elsewhere.pk
    with pytest.raises(service.AnnouncementAlreadySent) as again:
        _create(cohort, coordinator, django_capture_on_commit_callbacks, send_token=token)
    assert again.value.announcement == here
    assert Announcement.objects.count() == 2


def test_the_count_follows_the_chosen_group(client, cohort, coordinator, people):
    client.force_login(coordinator)

    mentors = client.get(_url(cohort, "announcement-count"), {"audience": "everyone", "role": "mentor"})
    applicants = client.get(_url(cohort, "announcement-count"), {"audience": "stage:applied"})
    nonsense = client.get(_url(cohort, "announcement-count"), {"audience": "stage:nobody"})

    assert mentors.context["count"] == 2
    assert applicants.context["count"] == 1
    assert nonsense.context["count"] is None


def test_participants_see_only_what_was_sent_to_them(
    client, cohort, coordinator, people, django_capture_on_commit_callbacks
):
    to_mentors = _create(cohort, coordinator, django_capture_on_commit_callbacks, role="mentor", subject="Mentors only")
    mentee = people["mentees"][0].user
    mentor = people["mentors"][0].user

    client.force_login(mentee)
    mentee_list = client.get(_url(cohort, "announcement-list"))
    hidden = client.get(_url(cohort, "announcement-detail", announcement_pk=to_mentors.pk))
    client.force_login(mentor)
    shown = client.get(_url(cohort, "announcement-detail", announcement_pk=to_mentors.pk))

    assert list(mentee_list.context["page"].object_list) == []
    assert hidden.status_code == 404
    assert shown.status_code == 200
    assert "Mentors only" in shown.content.decode()
    assert "announcement-job" not in shown.content.decode()


def test_only_the_cohorts_coordinators_write_announcements(client, cohort, viewer, people):
    data = {"subject": "x", "body": "y", "audience": "everyone", "send": "1"}

    client.force_login(viewer)
    assert client.post(_url(cohort, "announcement-create"), data).status_code == 403
    client.force_login(people["mentees"][0].user)
    assert client.post(_url(cohort, "announcement-create"), data).status_code == 403
    client.force_login(MembershipFactory().user)
    assert client.post(_url(cohort, "announcement-create"), data).status_code == 404
    client.force_login(UserFactory())
    assert client.get(_url(cohort, "announcement-count"), {"audience": "everyone"}).status_code == 404
    assert not Announcement.objects.exists()


def test_another_cohorts_announcement_is_not_found(
    client, cohort, coordinator, people, django_capture_on_commit_callbacks
):
    other = CohortFactory(program=cohort.program)
    announcement = _create(cohort, coordinator, django_capture_on_commit_callbacks)
    client.force_login(coordinator)

    assert client.get(_url(other, "announcement-detail", announcement_pk=announcement.pk)).status_code == 404


@pytest.mark.parametrize("item_count", [1, 3, 25])
def test_the_list_costs_a_fixed_number_of_queries(client, cohort, coordinator, item_count, django_assert_num_queries):
    Announcement.objects.bulk_create(
        [
            Announcement(
                cohort=cohort,
                created_by=coordinator,
                subject=f"News {n}",
                body="b",
                segment="everyone",
                audience_label="All",
            )
            for n in range(item_count)
        ]
    )
    client.force_login(coordinator)

    # Session, user, cohort, roles, the page's count and rows, and the navigation.
    with django_assert_num_queries(9):
        response = client.get(_url(cohort, "announcement-list"))

    assert len(response.context["page"].object_list) == min(item_count, 20)
