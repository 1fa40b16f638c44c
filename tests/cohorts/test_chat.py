import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cohorts.models import ChatAlert, ChatChannel
from cohorts.services.chat import chat_alert, chat_channel_set
from meetings.services.reminders import pairs_at_risk_flag
from tests.factories import CohortFactory, MembershipFactory, PairFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(organization):
    return CohortFactory(program__organization=organization, phase="launch", name="Spring <everyone>")


def _channel(cohort, coordinator, receiver, alerts=None):
    return chat_channel_set(
        cohort=cohort, url=receiver.url + "/slack", alerts=alerts or list(ChatAlert.values), is_active=True, by=coordinator
    )


def test_the_health_check_digest_is_posted_to_the_cohorts_channel(
    cohort, coordinator, receiver, django_capture_on_commit_callbacks
):
    _channel(cohort, coordinator, receiver)
    now = timezone.now()
    pair = PairFactory(cohort=cohort, matched_at=now - datetime.timedelta(days=30))
    pair.mentee.user.full_name = "Ada <!channel>"
    pair.mentee.user.save()

    with django_capture_on_commit_callbacks(execute=True):
        pairs_at_risk_flag(now=now)

    (request,) = receiver.requests
    text = json.loads(request["body"])["text"]
    assert request["path"] == "/slack"
    assert request["headers"]["Content-Type"] == "application/json"
    assert text.startswith("*Spring &lt;everyone&gt;*: 1 pair needs attention")
    assert "Ada &lt;!channel&gt;" in text
    assert "<!channel>" not in text
    assert f"/pairs/{pair.pk}/|" in text
    channel = ChatChannel.objects.get()
    assert channel.last_sent_at is not None
    assert channel.last_error == ""


def test_an_alert_the_channel_did_not_ask_for_is_not_posted(cohort, coordinator, receiver):
    _channel(cohort, coordinator, receiver, alerts=[ChatAlert.FAILED_RUN])

    assert chat_alert(cohort=cohort, alert=ChatAlert.AT_RISK_DIGEST, context={"flagged": []}) is False
    assert chat_alert(cohort=CohortFactory(), alert=ChatAlert.FAILED_RUN, context={}) is False


def test_a_refusing_chat_tool_is_recorded_on_the_channel(
    cohort, coordinator, receiver, django_capture_on_commit_callbacks
):
    _channel(cohort, coordinator, receiver)
    receiver.statuses = [404]

    with django_capture_on_commit_callbacks(execute=True):
        chat_alert(cohort=cohort, alert=ChatAlert.FAILED_RUN, context={"job_name": "Matching round 2", "reason": "x"})

    assert ChatChannel.objects.get().last_error == "The chat tool answered 404: nope"


def test_a_private_address_is_refused_in_production(cohort, coordinator, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = False

    with pytest.raises(ValidationError):
        chat_channel_set(cohort=cohort, url="https://10.0.0.1/hooks", alerts=[], is_active=True, by=coordinator)


def test_the_coordinator_sets_the_channel_and_sends_a_test(
    client, cohort, coordinator, receiver, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("cohorts:chat-channel", args=[cohort.pk])

    client.post(url, {"url": receiver.url + "/slack", "alerts": ["at_risk_digest"], "is_active": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cohorts:chat-channel-action", args=[cohort.pk]), {"action": "test"})

    channel = ChatChannel.objects.get()
    assert (channel.url, channel.alerts, channel.updated_by) == (receiver.url + "/slack", ["at_risk_digest"], coordinator)
    assert json.loads(receiver.requests[0]["body"])["text"].startswith("Test from Mentorship: coordinator alerts of")

    client.post(reverse("cohorts:chat-channel-action", args=[cohort.pk]), {"action": "remove"})
    assert not ChatChannel.objects.exists()


def test_only_the_cohorts_coordinators_reach_the_page(client, cohort, viewer):
    url = reverse("cohorts:chat-channel", args=[cohort.pk])
    client.force_login(viewer)
    assert client.get(url).status_code == 403

    client.force_login(MembershipFactory().user)
    assert client.get(url).status_code == 404

    client.force_login(UserFactory())
    assert client.post(url, {"url": "https://example.org/x", "alerts": ["failed_run"]}).status_code == 404
    assert not ChatChannel.objects.exists()


def test_a_failed_job_of_the_cohort_is_posted(cohort, coordinator, receiver, django_capture_on_commit_callbacks):
    from cohorts.models import ImportJob
    from mentorship.enums import JobStatus
    from mentorship.jobs import job_fail

    _channel(cohort, coordinator, receiver, alerts=[ChatAlert.FAILED_RUN])
    job = ImportJob.objects.create(cohort=cohort, filename="people.csv", content="x", status=JobStatus.RUNNING)

    with django_capture_on_commit_callbacks(execute=True):
        job_fail(ImportJob, job.pk, "The file could not be read.")
        job_fail(ImportJob, job.pk, "Failing a failed job again tells nobody.")

    (request,) = receiver.requests
    text = json.loads(request["body"])["text"]
    assert text.startswith("*Spring &lt;everyone&gt;*: Import job failed.")
    assert "The file could not be read." in text
