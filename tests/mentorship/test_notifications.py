import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import transaction
from django.template.loader import get_template
from django.utils import timezone

from mentorship import notifications
from mentorship.models import Delivery, Digest, EmailState, Notification, NotificationPreference
from mentorship.notifications import KINDS, digests_send, email_queue, notifications_prune, notify, preferences_set
from tests.factories import CohortFactory, EnrollmentFactory, NotificationFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

TEST_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# 08:00 UTC: past the default digest hour (7) in London, still night in Los Angeles.
MORNING = datetime.datetime(2027, 3, 10, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def test_email_templates(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}]


def queue(to, *, template="test-message", cohort=None, name="Ada", url="/somewhere/"):
    with transaction.atomic():
        email_queue(to=to, template=template, context={"name": name, "url": url}, cohort=cohort)


def test_email_queue_lists_the_event_for_each_account_and_emails_every_address(django_capture_on_commit_callbacks):
    person = UserFactory(email="grace@example.test")

    with django_capture_on_commit_callbacks(execute=True):
        queue(["grace@example.test", "nobody-yet@example.test"])

    assert sorted(m.to[0] for m in mail.outbox) == ["grace@example.test", "nobody-yet@example.test"]
    notification = Notification.objects.get()
    assert (notification.user, notification.title, notification.url, notification.email_state) == (
        person,
        "Mentorship: Hello Ada",
        "/somewhere/",
        EmailState.SENT,
    )


def test_email_queue_matches_addresses_whatever_their_case(django_capture_on_commit_callbacks):
    person = UserFactory(email="grace@example.test")

    with django_capture_on_commit_callbacks(execute=True):
        queue(["Grace@Example.test"])

    assert list(Notification.objects.values_list("user", flat=True)) == [person.pk]


def test_email_queue_records_nothing_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    UserFactory(email="grace@example.test")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        email_queue(to=["grace@example.test"], template="test-message", context={"name": "Ada"})
        raise RuntimeError("the service failed after queueing")

    assert mail.outbox == []
    assert Notification.objects.count() == 0


def test_an_absolute_link_of_this_site_becomes_a_path_and_a_foreign_one_is_dropped(
    settings, django_capture_on_commit_callbacks
):
    UserFactory(email="grace@example.test")

    with django_capture_on_commit_callbacks(execute=True):
        queue(["grace@example.test"], url=settings.SITE_URL + "/pairs/3/")
        queue(["grace@example.test"], url="https://elsewhere.example/phish")

    assert sorted(Notification.objects.values_list("url", flat=True)) == ["", "/pairs/3/"]


@pytest.mark.parametrize(
    ("delivery", "state", "emailed"),
    [(Delivery.DIGEST, EmailState.DIGEST_PENDING, False), (Delivery.OFF, EmailState.OFF, False)],
)
def test_a_person_who_chose_the_digest_or_no_email_gets_none_now(
    delivery, state, emailed, django_capture_on_commit_callbacks
):
    person = UserFactory(email="grace@example.test")
    NotificationPreference.objects.create(user=person, kind="test-message", delivery=delivery)

    with django_capture_on_commit_callbacks(execute=True):
        queue(["grace@example.test", "other@example.test"])

    assert [m.to for m in mail.outbox] == [["other@example.test"]]
    assert list(Notification.objects.values_list("email_state", flat=True)) == [state]


def test_a_kind_every_program_needs_is_sent_whatever_the_preference(django_capture_on_commit_callbacks):
    enrollment = EnrollmentFactory(user=UserFactory(email="grace@example.test"))
    person = enrollment.user
    NotificationPreference.objects.create(user=person, kind="application-accepted", delivery=Delivery.OFF)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        email_queue(
            to=[person.email],
            template="application-accepted",
            context={"cohort": enrollment.cohort, "enrollment": enrollment},
        )

    assert [m.to for m in mail.outbox] == [[person.email]]
    assert Notification.objects.get().email_state == EmailState.SENT


def test_a_kind_the_program_requires_is_sent_right_away_only_for_that_program(django_capture_on_commit_callbacks):
    person = UserFactory(email="grace@example.test")
    NotificationPreference.objects.create(user=person, kind="test-message", delivery=Delivery.OFF)
    strict = CohortFactory(program=ProgramFactory(required_emails=["test-message"]))
    relaxed = CohortFactory()

    with django_capture_on_commit_callbacks(execute=True):
        queue([person.email], cohort=strict, name="strict")
        queue([person.email], cohort=relaxed, name="relaxed")

    assert [m.subject for m in mail.outbox] == ["Mentorship: Hello strict"]
    assert sorted(Notification.objects.values_list("email_state", flat=True)) == [EmailState.OFF, EmailState.SENT]


def test_preferences_set_ignores_compulsory_and_unknown_kinds():
    person = UserFactory()

    preferences_set(
        user=person,
        choices={"invitation": "off", "meeting-reminder": "digest", "no-such-kind": "off", "meeting-message": "weekly"},
    )

    assert list(person.notification_preferences.values_list("kind", "delivery")) == [("meeting-reminder", "digest")]


# --- The daily digest ---------------------------------------------------------------------


def _waiting(person, *titles, created_at=None):
    return [
        NotificationFactory(
            user=person, title=title, url="/x/", email_state=EmailState.DIGEST_PENDING, created_at=created_at or MORNING
        )
        for title in titles
    ]


def test_digests_send_emails_one_digest_with_everything_waiting(django_capture_on_commit_callbacks):
    person = UserFactory(email="grace@example.test", time_zone="Europe/London")
    _waiting(person, "A meeting is proposed", "A new message")
    NotificationFactory(user=person, title="Already emailed", email_state=EmailState.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        sent = digests_send(now=MORNING)

    assert sent == 1
    assert [m.to for m in mail.outbox] == [["grace@example.test"]]
    assert mail.outbox[0].subject == "Your daily digest: 2 updates"
    assert "A meeting is proposed" in mail.outbox[0].body
    assert "A new message" in mail.outbox[0].body
    assert "Already emailed" not in mail.outbox[0].body
    digest = Digest.objects.get()
    assert (digest.day, digest.item_count) == (datetime.date(2027, 3, 10), 2)
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.DIGESTED, EmailState.SENT}


def test_digests_send_twice_the_same_day_sends_one_digest(django_capture_on_commit_callbacks):
    person = UserFactory(time_zone="Europe/London")
    _waiting(person, "First")

    with django_capture_on_commit_callbacks(execute=True):
        first = digests_send(now=MORNING)
        _waiting(person, "Later the same day")
        second = digests_send(now=MORNING + datetime.timedelta(hours=3))
        next_day = digests_send(now=MORNING + datetime.timedelta(days=1))

    assert (first, second, next_day) == (1, 0, 1)
    assert [m.subject for m in mail.outbox] == ["Your daily digest: 1 update", "Your daily digest: 1 update"]
    assert "Later the same day" in mail.outbox[1].body


def test_digests_wait_for_the_persons_own_morning(django_capture_on_commit_callbacks):
    london = UserFactory(email="london@example.test", time_zone="Europe/London")
    los_angeles = UserFactory(email="la@example.test", time_zone="America/Los_Angeles")
    _waiting(london, "For London")
    _waiting(los_angeles, "For Los Angeles")

    with django_capture_on_commit_callbacks(execute=True):
        digests_send(now=MORNING)

    assert [m.to for m in mail.outbox] == [["london@example.test"]]

    with django_capture_on_commit_callbacks(execute=True):
        digests_send(now=MORNING + datetime.timedelta(hours=8))  # 08:00 in Los Angeles

    assert [m.to for m in mail.outbox] == [["london@example.test"], ["la@example.test"]]


def test_a_digest_claimed_by_another_worker_is_not_sent_again(django_capture_on_commit_callbacks):
    person = UserFactory(time_zone="UTC")
    _waiting(person, "Once")
    Digest.objects.create(user=person, day=MORNING.date())

    with django_capture_on_commit_callbacks(execute=True):
        sent = digests_send(now=MORNING)

    assert sent == 0
    assert mail.outbox == []


def test_nothing_waiting_means_no_digest(django_capture_on_commit_callbacks):
    UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(now=MORNING) == 0

    assert mail.outbox == []
    assert Digest.objects.count() == 0


# --- Pruning ------------------------------------------------------------------------------


def test_notifications_prune_deletes_old_ones_but_keeps_those_waiting_for_a_digest(settings):
    settings.NOTIFICATION_RETENTION_DAYS = 30
    now = timezone.now()
    old = NotificationFactory(created_at=now - datetime.timedelta(days=31))
    recent = NotificationFactory(created_at=now - datetime.timedelta(days=29))
    waiting = NotificationFactory(created_at=now - datetime.timedelta(days=40), email_state=EmailState.DIGEST_PENDING)

    deleted = notifications_prune(now=now)

    assert deleted == 1
    assert not Notification.objects.filter(pk=old.pk).exists()
    assert set(Notification.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}


# --- Kinds and in-app-only events ---------------------------------------------------------------


def test_every_email_template_has_a_kind_and_every_kind_its_templates():
    subjects = {path.name.removesuffix("-subject.txt") for path in (TEMPLATES / "emails").glob("*-subject.txt")}

    assert subjects - {"digest"} == {kind.key for kind in KINDS.values() if kind.email}
    for kind in KINDS.values():
        if not kind.email:
            assert get_template(f"notifications/{kind.key}.txt")


def test_notify_lists_an_event_without_email_for_active_people_once():
    person = UserFactory()
    gone = UserFactory(is_active=False)
    context = {
        "author": UserFactory(full_name="Ada Lovelace"),
        "item": SimpleNamespace(text="Goals"),
        "meeting": SimpleNamespace(starts_at=MORNING),
        "url": "/m/1/",
    }

    created = notify(users=[person, person, gone, None], kind="agenda-item-added", context=context)

    assert [(n.user, n.url, n.email_state) for n in created] == [(person, "/m/1/", EmailState.NONE)]
    assert created[0].title == "Ada Lovelace added “Goals” to the agenda of your meeting on 10 March"
    assert mail.outbox == []


def test_language_of_falls_back_to_the_site_language(settings):
    person = UserFactory(language="xx")

    assert notifications.language_of(person) == settings.LANGUAGE_CODE
    assert notifications.language_of(None) == settings.LANGUAGE_CODE
