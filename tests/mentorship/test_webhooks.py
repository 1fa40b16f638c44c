import datetime
import hashlib
import hmac
import json
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cohorts.enums import CohortPhase, EnrollmentStatus
from cohorts.services.cohorts import cohort_move_phase
from cohorts.services.enrollment import enrollment_decide
from cohorts.services.pairs import pair_create, pairs_create_many
from meetings.services.reminders import pairs_at_risk_flag
from meetings.services.scheduling import meeting_log
from mentorship import outbound
from mentorship.models import DeliveryStatus, Webhook, WebhookDelivery, WebhookEvent
from mentorship.tasks import task_deliver_webhook
from mentorship.webhooks import (
    signature,
    webhook_create,
    webhook_deliver,
    webhook_deliveries_due,
    webhook_emit,
    webhook_enable,
)
from tests.factories import CohortFactory, EnrollmentFactory, MeetingFactory, MentorEnrollmentFactory, PairFactory

pytestmark = pytest.mark.django_db


def _hook(organization, coordinator, receiver, events=None, path="/hook"):
    return webhook_create(
        organization=organization,
        url=receiver.url + path,
        events=events or [WebhookEvent.PAIR_PUBLISHED],
        description="Warehouse",
        by=coordinator,
    )


def _emit(organization, event=WebhookEvent.PAIR_PUBLISHED, data=None, capture=None):
    with capture(execute=True), transaction.atomic():
        return webhook_emit(organization_id=organization.pk, event=event, data=data or {"pair": {"id": 7}})


def test_a_delivery_is_posted_signed_over_the_body(organization, coordinator, receiver, django_capture_on_commit_callbacks):
    hook = _hook(organization, coordinator, receiver)

    (delivery,) = _emit(organization, capture=django_capture_on_commit_callbacks)

    (request,) = receiver.requests
    body = request["body"]
    expected = "sha256=" + hmac.new(hook.secret.encode(), body, hashlib.sha256).hexdigest()
    assert request["path"] == "/hook"
    assert request["headers"]["X-Mentorship-Signature"] == expected
    assert request["headers"]["X-Mentorship-Event"] == "pair.published"
    assert request["headers"]["X-Mentorship-Delivery"] == str(delivery.pk)
    assert json.loads(body) == {
        "id": delivery.pk,
        "event": "pair.published",
        "created_at": json.loads(body)["created_at"],
        "data": {"pair": {"id": 7}},
    }
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.SUCCEEDED, 1, 200)


def test_a_tampered_body_does_not_match_the_signature(organization, coordinator, receiver):
    hook = _hook(organization, coordinator, receiver)

    good = signature(secret=hook.secret, body=b'{"event":"pair.published"}')

    assert good != signature(secret=hook.secret, body=b'{"event":"pair.publishes"}')
    assert good != signature(secret="another secret", body=b'{"event":"pair.published"}')


def test_only_webhooks_of_the_organization_asking_for_the_event_get_it(
    organization, coordinator, receiver, django_capture_on_commit_callbacks
):
    _hook(organization, coordinator, receiver, events=[WebhookEvent.MEETING_LOGGED], path="/meetings")
    other_org_cohort = CohortFactory()
    webhook_create(
        organization=other_org_cohort.program.organization,
        url=receiver.url + "/theirs",
        events=[WebhookEvent.PAIR_PUBLISHED],
        description="",
        by=coordinator,
    )

    deliveries = _emit(organization, capture=django_capture_on_commit_callbacks)

    assert deliveries == []
    assert receiver.requests == []


def test_nothing_is_sent_for_a_change_rolled_back(organization, coordinator, receiver, django_capture_on_commit_callbacks):
    _hook(organization, coordinator, receiver)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        webhook_emit(organization_id=organization.pk, event=WebhookEvent.PAIR_PUBLISHED, data={})
        raise RuntimeError("the change failed")

    assert receiver.requests == []
    assert WebhookDelivery.objects.count() == 0


def test_a_failed_attempt_is_logged_and_retried_later_with_a_growing_delay(
    organization, coordinator, receiver, django_capture_on_commit_callbacks
):
    _hook(organization, coordinator, receiver)
    receiver.statuses = [500, 503]

    (delivery,) = _emit(organization, capture=django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    first = (delivery.status, delivery.attempts, delivery.response_status, delivery.response_excerpt)
    second_delay = webhook_deliver(delivery_id=delivery.pk)
    third_delay = webhook_deliver(delivery_id=delivery.pk)

    assert first == (DeliveryStatus.PENDING, 1, 500, "nope")
    assert (second_delay, third_delay) == (60, None)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.SUCCEEDED, 3, 200)
    assert len(receiver.requests) == 3
    assert len({r["headers"]["X-Mentorship-Delivery"] for r in receiver.requests}) == 1


def test_a_delivery_gives_up_after_the_last_attempt(organization, coordinator, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    hook = _hook(organization, coordinator, receiver)
    receiver.statuses = [500, 500, 500]
    delivery = WebhookDelivery.objects.create(webhook=hook, event="pair.published", payload={"id": 1})

    delays = [webhook_deliver(delivery_id=delivery.pk) for _ in range(3)]

    delivery.refresh_from_db()
    assert delays == [30, None, None]
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)
    assert len(receiver.requests) == 2


def test_an_unreachable_receiver_is_logged_with_the_reason(organization, coordinator, receiver):
    hook = _hook(organization, coordinator, receiver)
    Webhook.objects.filter(pk=hook.pk).update(url="http://127.0.0.1:9/closed")
    delivery = WebhookDelivery.objects.create(webhook=hook, event="pair.published", payload={"id": 1})

    delay = webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delay == 30
    assert delivery.response_status is None
    assert delivery.error


def test_repeated_failures_disable_the_webhook_and_tell_the_coordinators(
    organization, coordinator, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER = 3
    hook = _hook(organization, coordinator, receiver)
    receiver.statuses = [500] * 10
    first, second = (
        WebhookDelivery.objects.create(webhook=hook, event="pair.published", payload={"id": n}) for n in (1, 2)
    )

    with django_capture_on_commit_callbacks(execute=True):
        webhook_deliver(delivery_id=first.pk)
        webhook_deliver(delivery_id=first.pk)
        webhook_deliver(delivery_id=second.pk)
        after = webhook_deliver(delivery_id=second.pk)

    hook.refresh_from_db()
    second.refresh_from_db()
    assert (hook.is_active, hook.consecutive_failures) == (False, 3)
    assert "3 deliveries in a row failed" in hook.disabled_reason
    assert after is None
    assert second.status == DeliveryStatus.FAILED
    assert len(receiver.requests) == 3
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert mail.outbox[0].subject == f"A webhook of {organization.name} was turned off"


def test_a_success_resets_the_failure_count_and_enable_turns_it_back_on(organization, coordinator, receiver, settings):
    settings.WEBHOOK_DISABLE_AFTER = 2
    hook = _hook(organization, coordinator, receiver)
    receiver.statuses = [500, 200, 500]
    deliveries = [WebhookDelivery.objects.create(webhook=hook, event="pair.published", payload={}) for _ in range(3)]

    for delivery in deliveries:
        webhook_deliver(delivery_id=delivery.pk)
    hook.refresh_from_db()
    assert (hook.is_active, hook.consecutive_failures) == (True, 1)

    Webhook.objects.filter(pk=hook.pk).update(is_active=False, consecutive_failures=9)
    webhook_enable(webhook=hook)

    assert (hook.is_active, hook.consecutive_failures, hook.disabled_at) == (True, 0, None)


def test_a_delivery_claimed_by_another_worker_is_not_sent_twice(organization, coordinator, receiver):
    hook = _hook(organization, coordinator, receiver)
    delivery = WebhookDelivery.objects.create(
        webhook=hook, event="pair.published", payload={}, status=DeliveryStatus.SENDING, claimed_at=timezone.now()
    )

    assert webhook_deliver(delivery_id=delivery.pk) is None
    assert receiver.requests == []


def test_the_task_run_twice_sends_once(organization, coordinator, receiver):
    hook = _hook(organization, coordinator, receiver)
    delivery = WebhookDelivery.objects.create(webhook=hook, event="pair.published", payload={})

    task_deliver_webhook(delivery_id=delivery.pk)
    task_deliver_webhook(delivery_id=delivery.pk)

    assert len(receiver.requests) == 1


def test_the_task_retries_with_the_delay_when_run_by_a_worker(organization, coordinator, receiver):
    hook = _hook(organization, coordinator, receiver)
    receiver.statuses = [502]
    delivery = WebhookDelivery.objects.create(webhook=hook, event="pair.published", payload={})

    with (
        mock.patch.object(task_deliver_webhook, "retry", side_effect=RuntimeError("retry")) as retry,
        pytest.raises(RuntimeError, match="retry"),
    ):
        task_deliver_webhook.run(delivery_id=delivery.pk)

    assert retry.call_args.kwargs == {"countdown": 30}


def test_the_sweep_sends_what_is_due(organization, coordinator, receiver):
    hook = _hook(organization, coordinator, receiver)
    past = timezone.now() - datetime.timedelta(minutes=1)
    due = WebhookDelivery.objects.create(webhook=hook, event="pair.published", payload={}, next_attempt_at=past)
    later = WebhookDelivery.objects.create(
        webhook=hook, event="pair.published", payload={}, next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )

    queued = webhook_deliveries_due()

    assert queued == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (DeliveryStatus.SUCCEEDED, DeliveryStatus.PENDING)


# --- SSRF -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.0.0.8/hook",
        "https://192.168.1.1/",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://0.0.0.0/",
    ],
)
def test_private_and_loopback_addresses_are_refused_in_production(organization, coordinator, settings, url):
    settings.OUTBOUND_ALLOW_PRIVATE = False

    with pytest.raises(ValidationError):
        webhook_create(organization=organization, url=url, events=["pair.published"], description="", by=coordinator)

    assert not Webhook.objects.exists()


def test_a_public_name_that_resolves_to_a_private_address_is_refused_when_sending(
    organization, coordinator, receiver, settings
):
    hook = _hook(organization, coordinator, receiver)
    Webhook.objects.filter(pk=hook.pk).update(url="https://hooks.example.org/in")
    delivery = WebhookDelivery.objects.create(webhook=hook, event="pair.published", payload={})
    settings.OUTBOUND_ALLOW_PRIVATE = False
    rebound = [(2, 1, 6, "", ("10.1.2.3", 443))]

    with mock.patch("mentorship.outbound.socket.getaddrinfo", return_value=rebound):
        webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert "private or local address" in delivery.error
    assert receiver.requests == []


def test_plain_http_is_refused_in_production(organization, coordinator, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    public = [(2, 1, 6, "", ("93.184.215.14", 80))]

    with mock.patch("mentorship.outbound.socket.getaddrinfo", return_value=public), pytest.raises(ValidationError):
        outbound.url_check("http://hooks.example.org/in")


def test_unknown_events_are_refused(organization, coordinator, receiver):
    with pytest.raises(ValidationError) as error:
        webhook_create(organization=organization, url=receiver.url, events=["pair.deleted"], description="", by=coordinator)

    assert error.value.message_dict == {"events": ["Choose at least one event from the list."]}


# --- Where the events come from ---------------------------------------------------------------


@pytest.fixture
def all_events(organization, coordinator, receiver):
    return _hook(organization, coordinator, receiver, events=list(WebhookEvent.values))


def _events(receiver) -> list[tuple[str, dict]]:
    return [(r["headers"]["X-Mentorship-Event"], json.loads(r["body"])["data"]) for r in receiver.requests]


def test_publishing_a_pair_phase_moves_and_enrollments_are_told(
    organization, coordinator, receiver, all_events, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(program__organization=organization, phase=CohortPhase.ENROLLMENT)
    applicant = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    mentor = MentorEnrollmentFactory(cohort=cohort, capacity=1)

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_decide(enrollment=applicant, status=EnrollmentStatus.ACCEPTED, by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        pair = pair_create(cohort=cohort, mentor=mentor, mentee=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        cohort_move_phase(cohort=cohort, target=CohortPhase.TRAINING, by=coordinator)

    events = _events(receiver)
    assert [name for name, _data in events] == ["person.enrolled", "pair.published", "cohort.phase_moved"]
    assert events[0][1]["enrollment"] == {"id": applicant.pk, "cohort": cohort.pk, "role": "mentee", "status": "accepted"}
    assert events[1][1]["pair"]["mentee"]["person"]["id"] == applicant.user_id
    assert events[1][1]["pair"]["id"] == pair.pk
    assert events[2][1] == {"cohort": {"id": cohort.pk, "name": cohort.name}, "from": "enrollment", "to": "training"}


def test_a_logged_meeting_and_a_pair_at_risk_are_told_without_notes(
    organization, receiver, all_events, django_capture_on_commit_callbacks
):
    now = timezone.now()
    pair = PairFactory(cohort__program__organization=organization, matched_at=now - datetime.timedelta(days=60))
    meeting = MeetingFactory(pair=pair, starts_at=now - datetime.timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        meeting_log(meeting=meeting, by=pair.mentee.user, outcome="held", held_minutes=50, shared_notes="Private stuff")
    with django_capture_on_commit_callbacks(execute=True):
        pairs_at_risk_flag(now=now)

    events = _events(receiver)
    assert [name for name, _data in events] == ["meeting.logged", "pair.at_risk"]
    logged = events[0][1]["meeting"]
    assert (logged["id"], logged["pair"], logged["status"], logged["held_minutes"], logged["corrected"]) == (
        meeting.pk,
        pair.pk,
        "held",
        50,
        False,
    )
    assert "Private stuff" not in receiver.requests[0]["body"].decode()
    assert events[1][1] == {"pair": {"id": pair.pk, "cohort": pair.cohort_id}, "health": "at_risk"}


def test_publishing_in_bulk_tells_each_new_pair_and_no_refused_one(
    organization, receiver, all_events, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(program__organization=organization, phase=CohortPhase.TRAINING)
    mentor = MentorEnrollmentFactory(cohort=cohort, capacity=1)
    first, second = EnrollmentFactory.create_batch(2, cohort=cohort)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = pairs_create_many(cohort=cohort, couples=[(mentor.pk, first.pk), (mentor.pk, second.pk)])

    published = [data["pair"]["mentee"]["enrollment"] for name, data in _events(receiver) if name == "pair.published"]
    assert isinstance(outcome[1], str)
    assert published == [first.pk]
