import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from cohorts.enums import CohortPhase
from cohorts.models import PairStatus
from meetings.enums import MeetingStatus, NotificationKind
from meetings.models import SentNotification
from meetings.services.reminders import (
    log_reminders_send,
    meeting_reminders_send,
    monthly_checkins_send,
    pairs_at_risk_flag,
)
from meetings.tasks import (
    task_log_reminders_send,
    task_meeting_reminders_send,
    task_monthly_checkins_send,
    task_pairs_at_risk_flag,
)
from mentorship.enums import OrgRole
from tests.factories import MeetingFactory, MembershipFactory, PairFactory, PairMessageFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2027, 3, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a service as the task would, with the emails it queues sent."""

    def _run(service, now):
        with django_capture_on_commit_callbacks(execute=True):
            return service(now=now)

    return _run


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_tasks_have_stable_names():
    assert [
        task_meeting_reminders_send.name,
        task_log_reminders_send.name,
        task_pairs_at_risk_flag.name,
        task_monthly_checkins_send.name,
    ] == [
        "meetings.send_meeting_reminders",
        "meetings.send_log_reminders",
        "meetings.flag_pairs_at_risk",
        "meetings.send_monthly_checkin_reminders",
    ]


def test_tasks_run_their_service_and_return_the_count(pair, django_capture_on_commit_callbacks):
    MeetingFactory(pair=pair, starts_at=datetime.datetime.now(UTC) + datetime.timedelta(hours=30))

    with django_capture_on_commit_callbacks(execute=True):
        first = task_meeting_reminders_send.apply().get()
        second = task_meeting_reminders_send.apply().get()

    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 2


def test_sent_notification_key_is_unique_in_the_database(pair):
    SentNotification.objects.create(kind=NotificationKind.LOG_REMINDER, key="7", pair=pair)

    with pytest.raises(IntegrityError), transaction.atomic():
        SentNotification.objects.create(kind=NotificationKind.LOG_REMINDER, key="7", pair=pair)


# --- Meeting reminders -----------------------------------------------------------------------------


def test_meeting_reminder_goes_to_both_two_days_before_once(pair, mentor, mentee, run):
    meeting = MeetingFactory(pair=pair, starts_at=NOW + datetime.timedelta(days=1, hours=20))

    first = run(meeting_reminders_send, NOW)
    second = run(meeting_reminders_send, NOW + datetime.timedelta(hours=1))

    assert (first, second) == (1, 0)
    assert _recipients() == sorted([mentor.email, mentee.email])
    assert list(SentNotification.objects.values_list("kind", "meeting")) == [
        (NotificationKind.MEETING_REMINDER, meeting.pk)
    ]


def test_meeting_reminder_shows_each_person_their_own_time(pair, mentor, mentee, run):
    mentor.time_zone, mentee.time_zone = "Asia/Tokyo", "America/New_York"
    mentor.save()
    mentee.save()
    MeetingFactory(pair=pair, starts_at=datetime.datetime(2027, 3, 11, 23, 0, tzinfo=UTC))

    run(meeting_reminders_send, NOW)

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "Friday 12 March 2027, 08:00 (Asia/Tokyo)" in bodies[mentor.email]
    assert "Thursday 11 March 2027, 18:00 (America/New_York)" in bodies[mentee.email]


def test_meeting_reminder_not_yet_for_a_meeting_further_ahead(pair, run):
    MeetingFactory(pair=pair, starts_at=NOW + datetime.timedelta(days=2, minutes=1))

    assert run(meeting_reminders_send, NOW) == 0
    assert mail.outbox == []


def test_a_moved_meeting_is_reminded_of_again(pair, run):
    meeting = MeetingFactory(pair=pair, starts_at=NOW + datetime.timedelta(days=1))
    run(meeting_reminders_send, NOW)
    meeting.starts_at = NOW + datetime.timedelta(days=1, hours=5)
    meeting.save()

    assert run(meeting_reminders_send, NOW) == 1
    assert len(mail.outbox) == 4


@pytest.mark.parametrize(
    "setup",
    [
        lambda pair: setattr(pair, "status", PairStatus.ENDED) or pair.save(),
        lambda pair: setattr(pair.cohort, "phase", CohortPhase.CLOSED) or pair.cohort.save(),
    ],
    ids=["ended pair", "closed cohort"],
)
def test_no_reminders_for_pairs_that_no_longer_meet(pair, run, setup):
    MeetingFactory(pair=pair, starts_at=NOW + datetime.timedelta(days=1))
    setup(pair)

    assert run(meeting_reminders_send, NOW) == 0
    assert mail.outbox == []


def test_no_reminder_for_a_cancelled_meeting(pair, run):
    MeetingFactory(pair=pair, starts_at=NOW + datetime.timedelta(days=1), status=MeetingStatus.CANCELLED)

    assert run(meeting_reminders_send, NOW) == 0


# --- Log reminders -----------------------------------------------------------------------------------


def test_log_reminder_the_day_after_once(pair, mentor, mentee, run):
    MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(days=1, minutes=5))

    first = run(log_reminders_send, NOW)
    second = run(log_reminders_send, NOW + datetime.timedelta(hours=3))

    assert (first, second) == (1, 0)
    assert _recipients() == sorted([mentor.email, mentee.email])
    assert mail.outbox[0].subject.startswith("How was your meeting with")


def test_no_log_reminder_before_a_day_has_passed_nor_for_a_logged_meeting(pair, run):
    MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(hours=20))
    MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(days=2), status=MeetingStatus.HELD)

    assert run(log_reminders_send, NOW) == 0
    assert mail.outbox == []


def test_no_log_reminder_weeks_later(pair, run):
    MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(days=9))

    assert run(log_reminders_send, NOW) == 0


# --- Health flags ---------------------------------------------------------------------------------------


def test_no_contact_pair_is_flagged_once_to_coordinators_and_told_whom_to_contact(
    pair, mentor, mentee, coordinator, organization, run
):
    MembershipFactory(organization=organization, role=OrgRole.VIEWER)
    pair.matched_at = NOW - datetime.timedelta(days=15)
    pair.save()

    first = run(pairs_at_risk_flag, NOW)
    second = run(pairs_at_risk_flag, NOW + datetime.timedelta(days=1))

    assert (first, second) == (1, 0)
    assert _recipients() == sorted([coordinator.email, mentor.email, mentee.email])
    digest = next(m for m in mail.outbox if m.to == [coordinator.email])
    assert digest.subject == f"{pair.cohort.name}: 1 pair needs attention"
    assert f"{mentee} & {mentor}: No contact" in digest.body
    to_mentee = next(m for m in mail.outbox if m.to == [mentee.email])
    assert f"{coordinator} <{coordinator.email}>" in to_mentee.body


def test_on_track_pairs_are_not_flagged(pair, run):
    pair.matched_at = NOW - datetime.timedelta(days=30)
    pair.save()
    MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(days=10), status=MeetingStatus.HELD)

    assert run(pairs_at_risk_flag, NOW) == 0
    assert mail.outbox == []


def test_a_pair_is_flagged_again_only_after_it_met_and_fell_behind_again(pair, run):
    pair.matched_at = NOW - datetime.timedelta(days=90)
    pair.save()
    MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(days=30), status=MeetingStatus.HELD)
    assert run(pairs_at_risk_flag, NOW) == 1

    MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(days=1), status=MeetingStatus.HELD)
    on_track_again = run(pairs_at_risk_flag, NOW)
    behind_again = run(pairs_at_risk_flag, NOW + datetime.timedelta(days=23))

    assert (on_track_again, behind_again) == (0, 1)
    assert list(SentNotification.objects.order_by("sent_at", "pk").values_list("detail", flat=True)) == [
        "at_risk",
        "at_risk",
    ]


def test_one_digest_per_cohort_lists_every_pair_newly_flagged(cohort, coordinator, run):
    for _ in range(3):
        PairFactory(cohort=cohort, matched_at=NOW - datetime.timedelta(days=20))

    assert run(pairs_at_risk_flag, NOW) == 3
    digests = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert [d.subject for d in digests] == [f"{cohort.name}: 3 pairs need attention"]


def test_pairs_of_a_cohort_not_meeting_yet_are_not_flagged(pair, run):
    pair.matched_at = NOW - datetime.timedelta(days=30)
    pair.save()
    pair.cohort.phase = CohortPhase.TRAINING
    pair.cohort.save()

    assert run(pairs_at_risk_flag, NOW) == 0


# --- Monthly check-ins --------------------------------------------------------------------------------------


def test_mentor_is_reminded_when_a_month_passes_without_contact_counted_across_a_month_end(pair, mentor, run):
    pair.matched_at = datetime.datetime(2027, 1, 31, 10, 0, tzinfo=UTC)
    pair.save()

    too_early = run(monthly_checkins_send, datetime.datetime(2027, 2, 27, 23, 0, tzinfo=UTC))
    due = run(monthly_checkins_send, datetime.datetime(2027, 2, 28, 6, 0, tzinfo=UTC))
    again = run(monthly_checkins_send, datetime.datetime(2027, 3, 15, 6, 0, tzinfo=UTC))

    assert (too_early, due, again) == (0, 1, 0)
    assert [m.to for m in mail.outbox] == [[mentor.email]]
    assert mail.outbox[0].subject == f"Check in with {pair.mentee.user}"


def test_each_further_month_of_silence_reminds_again(pair, run):
    pair.matched_at = datetime.datetime(2027, 1, 10, tzinfo=UTC)
    pair.save()

    results = [run(monthly_checkins_send, datetime.datetime(2027, month, 11, tzinfo=UTC)) for month in (2, 2, 3, 4)]

    assert results == [1, 0, 1, 1]


def test_a_message_or_a_meeting_held_resets_the_month(pair, mentee, run):
    pair.matched_at = datetime.datetime(2027, 1, 1, tzinfo=UTC)
    pair.save()
    PairMessageFactory(pair=pair, author=mentee, created_at=datetime.datetime(2027, 2, 20, tzinfo=UTC))
    MeetingFactory(pair=pair, starts_at=datetime.datetime(2027, 2, 25, tzinfo=UTC), status=MeetingStatus.HELD)

    before = run(monthly_checkins_send, datetime.datetime(2027, 3, 24, tzinfo=UTC))
    after = run(monthly_checkins_send, datetime.datetime(2027, 3, 25, tzinfo=UTC))

    assert (before, after) == (0, 1)


def test_a_cancelled_meeting_is_no_contact(pair, run):
    pair.matched_at = datetime.datetime(2027, 1, 1, tzinfo=UTC)
    pair.save()
    MeetingFactory(pair=pair, starts_at=datetime.datetime(2027, 1, 20, tzinfo=UTC), status=MeetingStatus.CANCELLED)

    assert run(monthly_checkins_send, datetime.datetime(2027, 2, 1, tzinfo=UTC)) == 1
