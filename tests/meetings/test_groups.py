"""Group meetings: a mentor with several mentees together."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from cohorts.enums import CohortPhase
from cohorts.models import Pair, PairStatus
from meetings.enums import GroupMeetingStatus, Health, MeetingStatus
from meetings.ics import meeting_event
from meetings.models import GroupMeeting, Meeting
from meetings.selectors import (
    calendar_meetings_for,
    cohort_pairs_page,
    contacts_held_count,
    group_meetings_visible_to,
    with_contacts_held,
)
from meetings.services.agenda import agenda_item_add
from meetings.services.groups import (
    group_meeting_agenda_set,
    group_meeting_cancel,
    group_meeting_log,
    group_meeting_schedule,
)
from meetings.services.reminders import log_reminders_send, meeting_reminders_send
from meetings.services.scheduling import meeting_cancel, meeting_confirm, meeting_log, meeting_reschedule
from tests.factories import CohortFactory, PairFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
AT = NOW + datetime.timedelta(days=1)


@pytest.fixture
def schedule(mentor_pairs, cohort):
    def _schedule(pairs=None, *, by=None, now=NOW, **extra):
        pairs = mentor_pairs if pairs is None else pairs
        return group_meeting_schedule(
            cohort=cohort,
            by=by or mentor_pairs[0].mentor.user,
            pairs=pairs,
            title=extra.pop("title", "Negotiating a salary"),
            starts_at=extra.pop("starts_at", AT),
            location=extra.pop("location", "Room 4"),
            agenda=extra.pop("agenda", "1. Stories\n2. Practice"),
            now=now,
            **extra,
        )

    return _schedule


def _seat(group, pair) -> Meeting:
    return group.meetings.get(pair=pair)


def test_scheduling_gives_each_mentee_a_seat_and_the_usual_invitation(
    schedule, mentor_pairs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        group = schedule()

    seats = list(group.meetings.order_by("pair__mentee__user__full_name"))
    assert [(s.pair, s.status, s.starts_at, s.location, s.proposed_by) for s in seats] == [
        (pair, MeetingStatus.PROPOSED, AT, "Room 4", pair.mentor.user) for pair in mentor_pairs
    ]
    assert (group.status, group.agenda) == (GroupMeetingStatus.SCHEDULED, "1. Stories\n2. Practice")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.mentee.user.email for p in mentor_pairs)
    assert {m.subject for m in mail.outbox} == {
        f"{mentor_pairs[0].mentor.user} invites you to a group meeting on 11 March"
    }
    assert "Negotiating a salary" in mail.outbox[0].body
    assert group.get_absolute_url() in mail.outbox[0].body


def test_the_same_form_sent_twice_schedules_one_meeting(schedule):
    assert schedule() == schedule()
    assert GroupMeeting.objects.count() == 1
    assert Meeting.objects.count() == 3


def test_a_group_meeting_needs_two_of_the_mentors_own_active_mentees(schedule, mentor_pairs, cohort):
    ended = PairFactory(cohort=cohort, mentor=mentor_pairs[0].mentor, status=PairStatus.ENDED)
    someone_elses = PairFactory(cohort=cohort)
    cases = [[mentor_pairs[0]], [mentor_pairs[0], someone_elses], [mentor_pairs[0], ended]]

    errors = []
    for pairs in cases:
        with pytest.raises(ValidationError) as error:
            schedule(pairs)
        errors.append(list(error.value.message_dict))

    assert errors == [["mentees"], ["mentees"], ["mentees"]]
    assert Meeting.objects.count() == 0


def test_the_time_topic_and_place_are_checked(schedule):
    with pytest.raises(ValidationError) as error:
        schedule(starts_at=NOW - datetime.timedelta(hours=1), location="", title="  ")

    assert sorted(error.value.message_dict) == ["day", "location", "title"]
    assert GroupMeeting.objects.count() == 0


def test_only_a_mentor_of_the_cohort_calls_a_group_meeting(schedule, mentor_pairs, coordinator):
    for person in (mentor_pairs[0].mentee.user, coordinator):
        with pytest.raises(PermissionDenied):
            schedule(by=person)

    assert GroupMeeting.objects.count() == 0


def test_a_mentor_of_another_cohort_cannot_invite_these_mentees(schedule, mentor_pairs, cohort):
    elsewhere = PairFactory(cohort=CohortFactory(program=cohort.program, phase=cohort.phase))

    with pytest.raises(PermissionDenied):
        schedule(by=elsewhere.mentor.user)


def test_mentees_answer_through_their_seat_and_attendance_counts_for_each_pair_present(schedule, mentor_pairs, cohort):
    for pair in mentor_pairs:
        pair.matched_at = NOW - datetime.timedelta(days=30)
        pair.save()
    ana, ben, cleo = mentor_pairs
    mentor = ana.mentor.user
    group = schedule()
    meeting_confirm(meeting=_seat(group, ana), by=ana.mentee.user, now=NOW)
    meeting_cancel(meeting=_seat(group, cleo), by=cleo.mentee.user, reason="Exam that day", now=NOW)

    group_meeting_log(group=group, by=mentor, attended={ana.pk, ben.pk}, held_minutes=90, shared_notes="Offers", now=AT)

    assert [_seat(group, pair).status for pair in mentor_pairs] == [
        MeetingStatus.HELD,
        MeetingStatus.HELD,
        MeetingStatus.CANCELLED,
    ]
    assert [contacts_held_count(pair=pair) for pair in mentor_pairs] == [1, 1, 0]
    counts = dict(with_contacts_held(Pair.objects.filter(cohort=cohort)).values_list("pk", "contacts_held"))
    assert counts == {ana.pk: 1, ben.pk: 1, cleo.pk: 0}
    page = cohort_pairs_page(cohort=cohort, now=AT + datetime.timedelta(days=1))
    assert {row.pair.pk: row.health for row in page.rows} == {
        ana.pk: Health.ON_TRACK,
        ben.pk: Health.ON_TRACK,
        cleo.pk: Health.NO_CONTACT,
    }
    group.refresh_from_db()
    assert (group.status, group.held_minutes, group.shared_notes) == (GroupMeetingStatus.HELD, 90, "Offers")


def test_logging_again_corrects_attendance(schedule, mentor_pairs):
    ana, ben, cleo = mentor_pairs
    group = schedule()
    group_meeting_log(group=group, by=ana.mentor.user, attended={ana.pk, ben.pk}, held_minutes=60, now=AT)

    group_meeting_log(group=group, by=ana.mentor.user, attended={ana.pk, cleo.pk}, held_minutes=60, now=AT)

    assert [_seat(group, pair).status for pair in mentor_pairs] == [
        MeetingStatus.HELD,
        MeetingStatus.MISSED,
        MeetingStatus.HELD,
    ]


@pytest.mark.parametrize(
    ("attended", "minutes", "now", "error"),
    [
        ("nobody", 60, AT, ["attended"]),
        ("stranger", 60, AT, ["attended"]),
        ("two", 0, AT, ["held_minutes"]),
        ("two", 60, NOW, ["__all__"]),
    ],
)
def test_bad_attendance_is_refused_and_changes_nothing(schedule, mentor_pairs, cohort, attended, minutes, now, error):
    group = schedule()
    ids = {
        "nobody": set(),
        "stranger": {PairFactory(cohort=cohort).pk},
        "two": {mentor_pairs[0].pk, mentor_pairs[1].pk},
    }[attended]

    with pytest.raises(ValidationError) as raised:
        group_meeting_log(group=group, by=mentor_pairs[0].mentor.user, attended=ids, held_minutes=minutes, now=now)

    assert sorted(getattr(raised.value, "error_dict", {"__all__": None})) == error
    assert set(group.meetings.values_list("status", flat=True)) == {MeetingStatus.PROPOSED}


def test_only_the_mentor_logs_cancels_or_writes_the_agenda(schedule, mentor_pairs, coordinator):
    group = schedule()
    mentee = mentor_pairs[0].mentee.user

    for person in (mentee, coordinator):
        with pytest.raises(PermissionDenied):
            group_meeting_log(group=group, by=person, attended={mentor_pairs[0].pk}, held_minutes=60, now=AT)
        with pytest.raises(PermissionDenied):
            group_meeting_cancel(group=group, by=person, now=NOW)
        with pytest.raises(PermissionDenied):
            group_meeting_agenda_set(group=group, by=person, agenda="Mine")

    group.refresh_from_db()
    assert (group.status, group.agenda) == (GroupMeetingStatus.SCHEDULED, "1. Stories\n2. Practice")


def test_a_seat_is_not_logged_moved_nor_given_agenda_items_of_its_own(schedule, mentor_pairs):
    group = schedule()
    seat = _seat(group, mentor_pairs[0])
    mentee = mentor_pairs[0].mentee.user

    attempts = [
        lambda: meeting_log(meeting=seat, by=mentee, outcome="held", held_minutes=30, now=AT),
        lambda: meeting_reschedule(
            meeting=seat, by=mentee, starts_at=AT, duration_minutes=30, location="Home", video_url="", now=NOW
        ),
        lambda: agenda_item_add(meeting=seat, by=mentee, text="My own topic"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()

    assert (seat.agenda_items.count(), _seat(group, mentor_pairs[0]).status) == (0, MeetingStatus.PROPOSED)


def test_cancelling_tells_each_mentee_and_closes_the_meeting(
    schedule, mentor_pairs, django_capture_on_commit_callbacks
):
    group = schedule()
    meeting_cancel(meeting=_seat(group, mentor_pairs[2]), by=mentor_pairs[2].mentee.user, now=NOW)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        group_meeting_cancel(group=group, by=mentor_pairs[0].mentor.user, reason="I am ill", now=NOW)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.mentee.user.email for p in mentor_pairs[:2])
    assert set(group.meetings.values_list("status", flat=True)) == {MeetingStatus.CANCELLED}
    with pytest.raises(ValidationError):
        group_meeting_log(group=group, by=mentor_pairs[0].mentor.user, attended={mentor_pairs[0].pk}, held_minutes=60)


def test_reminders_reach_each_mentee_and_the_mentor_once(schedule, mentor_pairs, django_capture_on_commit_callbacks):
    schedule()
    mail.outbox.clear()
    mentor = mentor_pairs[0].mentor.user

    with django_capture_on_commit_callbacks(execute=True):
        meeting_reminders_send(now=NOW)
    before = sorted(m.to[0] for m in mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        log_reminders_send(now=AT + datetime.timedelta(days=1, hours=1))
    after = [(m.to[0], m.subject) for m in mail.outbox]

    assert before == sorted([mentor.email] + [p.mentee.user.email for p in mentor_pairs])
    assert after == [(mentor.email, "Who came to “Negotiating a salary” on 11 March?")]


def test_the_mentors_calendar_shows_the_group_once_each_mentee_their_own(schedule, mentor_pairs):
    group = schedule()
    mentor, mentee = mentor_pairs[0].mentor.user, mentor_pairs[1].mentee.user

    mentor_uids = {meeting_event(m, viewer=mentor).uid for m in calendar_meetings_for(user=mentor, now=NOW)}
    mentee_events = [meeting_event(m, viewer=mentee) for m in calendar_meetings_for(user=mentee, now=NOW)]

    assert len(mentor_uids) == 1
    assert next(iter(mentor_uids)).startswith(str(group.uid))
    assert [(e.summary, e.uid.split("@")[0]) for e in mentee_events] == [
        ("Group mentoring meeting: Negotiating a salary", str(_seat(group, mentor_pairs[1]).uid))
    ]


def test_who_sees_the_meeting_and_who_reads_its_notes(schedule, mentor_pairs, cohort, coordinator):
    ana, ben, cleo = mentor_pairs
    group = schedule([ana, ben])
    group_meeting_log(group=group, by=ana.mentor.user, attended={ana.pk}, held_minutes=60, now=AT)
    people = {
        "mentor": ana.mentor.user,
        "present": ana.mentee.user,
        "absent": ben.mentee.user,
        "not invited": cleo.mentee.user,
        "coordinator": coordinator,
        "other pair": PairFactory(cohort=cohort).mentee.user,
    }

    seen = {
        name: group_meetings_visible_to(user=person).filter(pk=group.pk).exists() for name, person in people.items()
    }
    reads = {name: person.has_perm("meetings.read_group_notes", group) for name, person in people.items()}

    assert seen == {
        "mentor": True,
        "present": True,
        "absent": True,
        "not invited": False,
        "coordinator": True,
        "other pair": False,
    }
    assert reads == {
        "mentor": True,
        "present": True,
        "absent": False,
        "not invited": False,
        "coordinator": True,
        "other pair": False,
    }


def test_attendance_and_cancelling_keep_the_stored_health_of_each_pair(schedule, mentor_pairs):
    for pair in mentor_pairs:
        pair.matched_at = NOW - datetime.timedelta(days=30)
        pair.save()
    ana, ben, cleo = mentor_pairs
    group = schedule()

    group_meeting_log(group=group, by=ana.mentor.user, attended={ana.pk, ben.pk}, held_minutes=60, now=AT)

    stored = dict(Pair.objects.filter(pk__in=[p.pk for p in mentor_pairs]).values_list("pk", "health"))
    assert stored == {ana.pk: Health.ON_TRACK, ben.pk: Health.ON_TRACK, cleo.pk: Health.NO_CONTACT}


def test_nothing_changes_once_the_cohort_no_longer_meets(schedule, mentor_pairs, cohort):
    group = schedule()
    cohort.phase = CohortPhase.CLOSED
    cohort.save()
    mentor = mentor_pairs[0].mentor.user

    attempts = [
        lambda: group_meeting_log(group=group, by=mentor, attended={mentor_pairs[0].pk}, held_minutes=60, now=AT),
        lambda: group_meeting_cancel(group=group, by=mentor, now=NOW),
        lambda: group_meeting_agenda_set(group=group, by=mentor, agenda="New"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()

    group.refresh_from_db()
    assert (group.status, group.agenda) == (GroupMeetingStatus.SCHEDULED, "1. Stories\n2. Practice")
