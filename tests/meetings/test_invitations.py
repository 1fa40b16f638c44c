"""Emails about a meeting carry a calendar invitation, and reminders say what the
meeting's real state asks of each person."""

import datetime

import pytest
from django.core import mail
from icalendar import Calendar

from cohorts.enums import CohortPhase
from meetings.enums import MeetingStatus
from meetings.services.groups import group_meeting_cancel, group_meeting_schedule
from meetings.services.reminders import monthly_checkins_send, pairs_at_risk_flag
from meetings.services.scheduling import meeting_cancel, meeting_confirm, meeting_propose, meeting_reschedule
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a service with the emails it queues sent, and return them."""

    def _sent(service, **kwargs):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            service(**kwargs)
        return list(mail.outbox)

    return _sent


def _calendar(message) -> Calendar:
    [(filename, content, mimetype)] = message.attachments
    assert filename == "invite.ics"
    method = Calendar.from_ical(content)["METHOD"]
    assert mimetype == f"text/calendar; method={method}"
    return Calendar.from_ical(content)


def _event(calendar):
    [event] = calendar.walk("VEVENT")
    return event


def _attendees(event) -> list[str]:
    found = event.get("ATTENDEE")
    return sorted(str(a) for a in (found if isinstance(found, list) else [found]))


def _propose(pair, by, *, days=3):
    return meeting_propose(
        pair=pair, by=by, starts_at=NOW + datetime.timedelta(days=days), location="Library café", now=NOW
    )


def test_a_meeting_proposed_confirmed_moved_and_cancelled_carries_one_event_growing_in_sequence(
    pair, mentee, mentor, sent
):
    proposed = sent(_propose, pair=pair, by=mentee)
    meeting = pair.meetings.get()
    confirmed = sent(meeting_confirm, meeting=meeting, by=mentor, now=NOW)
    meeting.refresh_from_db()
    moved = sent(
        meeting_reschedule,
        meeting=meeting,
        by=mentor,
        starts_at=NOW + datetime.timedelta(days=5),
        duration_minutes=90,
        location="Room 2",
        video_url="",
        now=NOW,
    )
    meeting.refresh_from_db()
    cancelled = sent(meeting_cancel, meeting=meeting, by=mentee, reason="Ill", now=NOW)

    calendars = [_calendar(m) for m in (*proposed, *confirmed, *moved, *cancelled)]
    events = [_event(c) for c in calendars]
    assert [[m.to for m in batch] for batch in (proposed, confirmed, moved, cancelled)] == [
        [[mentor.email]],
        [[mentee.email]],
        [[mentee.email]],
        [[mentor.email]],
    ]
    assert [str(c["METHOD"]) for c in calendars] == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"]
    assert {str(e["UID"]) for e in events} == {f"{meeting.uid}@127.0.0.1"}
    sequences = [int(e["SEQUENCE"]) for e in events]
    assert sequences == sorted(sequences) and len(set(sequences)) == 4
    assert all(_attendees(e) == sorted([f"mailto:{mentor.email}", f"mailto:{mentee.email}"]) for e in events)
    assert str(events[0]["ORGANIZER"]) == f"mailto:{mentee.email}"
    assert events[0].decoded("DTSTART") == NOW + datetime.timedelta(days=3)
    assert events[2].decoded("DTSTART") == NOW + datetime.timedelta(days=5)
    assert events[2].decoded("DTEND") == NOW + datetime.timedelta(days=5, minutes=90)
    assert str(events[2]["LOCATION"]) == "Room 2"
    assert str(events[0]["URL"]).endswith(meeting.get_absolute_url())
    assert str(events[0]["SUMMARY"]) == f"Mentoring meeting with {mentee}"
    assert str(events[3]["STATUS"]) == "CANCELLED"
    # Times are written in UTC.
    assert "DTSTART:20270313T120000Z" in proposed[0].attachments[0][1]


def test_the_invitation_says_who_has_accepted(pair, mentee, mentor, sent):
    [message] = sent(_propose, pair=pair, by=mentee)

    event = _event(_calendar(message))
    partstat = {str(a): a.params["PARTSTAT"] for a in event["ATTENDEE"]}
    assert partstat == {f"mailto:{mentee.email}": "ACCEPTED", f"mailto:{mentor.email}": "NEEDS-ACTION"}


def test_a_group_meeting_sends_each_mentee_an_invitation_of_their_own(mentor_pairs, cohort, sent):
    mentor = mentor_pairs[0].mentor.user
    invited = sent(
        group_meeting_schedule,
        cohort=cohort,
        by=mentor,
        pairs=mentor_pairs[:2],
        title="Negotiating",
        starts_at=NOW + datetime.timedelta(days=4),
        location="Room 4",
        now=NOW,
    )
    group = mentor_pairs[0].meetings.get().group
    cancelled = sent(group_meeting_cancel, group=group, by=mentor, reason="", now=NOW)

    for batch, method in ((invited, "REQUEST"), (cancelled, "CANCEL")):
        assert sorted(m.to[0] for m in batch) == sorted(p.mentee.user.email for p in mentor_pairs[:2])
        for message in batch:
            calendar = _calendar(message)
            event = _event(calendar)
            pair = next(p for p in mentor_pairs if p.mentee.user.email == message.to[0])
            assert str(calendar["METHOD"]) == method
            assert str(event["UID"]) == f"{pair.meetings.get().uid}@127.0.0.1"
            assert str(event["ORGANIZER"]) == f"mailto:{mentor.email}"
            assert _attendees(event) == sorted([f"mailto:{mentor.email}", f"mailto:{message.to[0]}"])


def test_emails_that_are_not_about_a_meeting_time_carry_no_invitation(pair, mentor, sent):
    pair.matched_at = NOW - datetime.timedelta(days=20)
    pair.save()

    messages = sent(pairs_at_risk_flag, now=NOW)

    assert messages and all(m.attachments == [] for m in messages)


# --- Wording that follows the meeting's state ---------------------------------------------------------


def _to(messages, person):
    return next(m for m in messages if m.to == [person.email])


def _html(message):
    return message.alternatives[0][0]


def test_at_risk_reminder_with_no_meeting_ahead_asks_to_propose_a_time(pair, mentee, sent):
    pair.matched_at = NOW - datetime.timedelta(days=20)
    pair.save()

    to_mentee = _to(sent(pairs_at_risk_flag, now=NOW), mentee)

    assert "if not, propose a time" in to_mentee.body
    assert "if not, propose a time" in _html(to_mentee)


def test_at_risk_reminder_after_a_proposal_asks_the_other_to_confirm_and_not_to_propose(
    pair, mentee, mentor, sent
):
    pair.matched_at = NOW - datetime.timedelta(days=20)
    pair.save()
    meeting = MeetingFactory(
        pair=pair, starts_at=NOW + datetime.timedelta(days=2), status=MeetingStatus.PROPOSED, proposed_by=mentee
    )

    messages = sent(pairs_at_risk_flag, now=NOW)
    to_mentor, to_mentee = _to(messages, mentor), _to(messages, mentee)

    for message in (to_mentor, to_mentee):
        assert "propose a time" not in message.body
        assert "propose a time" not in _html(message)
    assert f"{mentee} proposed a meeting for Friday 12 March 2027, 12:00 (UTC)." in to_mentor.body
    assert "Confirm the proposed time" in _html(to_mentor)
    assert f"http://127.0.0.1:8000{meeting.get_absolute_url()}" in to_mentor.body
    assert f"{mentor} has not confirmed it yet" in to_mentee.body
    assert "Confirm the proposed time" not in to_mentee.body


def test_at_risk_reminder_with_a_confirmed_meeting_ahead_says_so(pair, mentee, mentor, sent):
    pair.matched_at = NOW - datetime.timedelta(days=20)
    pair.save()
    MeetingFactory(
        pair=pair, starts_at=NOW + datetime.timedelta(days=2), status=MeetingStatus.CONFIRMED, proposed_by=mentee
    )

    to_mentor = _to(sent(pairs_at_risk_flag, now=NOW), mentor)

    assert f"Your next meeting with {mentee} is confirmed for Friday 12 March 2027, 12:00 (UTC)." in to_mentor.body
    assert "propose" not in to_mentor.body.lower()


def test_monthly_checkin_after_a_proposal_asks_to_confirm_not_to_propose(pair, mentee, mentor, sent):
    pair.matched_at = datetime.datetime(2027, 1, 10, tzinfo=UTC)
    pair.save()
    now = datetime.datetime(2027, 2, 11, tzinfo=UTC)
    MeetingFactory(
        pair=pair, starts_at=now + datetime.timedelta(days=1), status=MeetingStatus.PROPOSED, proposed_by=mentee
    )

    [message] = sent(monthly_checkins_send, now=now)

    assert "Propose a meeting" not in message.body and "Propose a meeting" not in _html(message)
    assert "Confirm the proposed time" in _html(message)


def test_a_past_meeting_never_confirmed_does_not_count_as_ahead(pair, mentee, sent):
    pair.matched_at = NOW - datetime.timedelta(days=20)
    pair.save()
    MeetingFactory(
        pair=pair, starts_at=NOW - datetime.timedelta(days=2), status=MeetingStatus.PROPOSED, proposed_by=mentee
    )

    to_mentee = _to(sent(pairs_at_risk_flag, now=NOW), mentee)

    assert "if not, propose a time" in to_mentee.body


def test_pair_of_a_cohort_not_meeting_is_left_alone(pair, sent):
    pair.cohort.phase = CohortPhase.TRAINING
    pair.cohort.save()

    assert sent(pairs_at_risk_flag, now=NOW) == []
