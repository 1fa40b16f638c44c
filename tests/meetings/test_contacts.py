"""Past contacts: a call, a meeting or an exchange recorded after it took place."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from cohorts.enums import CohortPhase
from cohorts.models import Pair, PairStatus
from meetings.enums import ContactKind, Health, MeetingStatus
from meetings.models import ActionItem, Meeting, PrivateNote
from meetings.selectors import (
    calendar_meetings_for,
    cohort_pairs_page,
    contacts_held_count,
    with_contacts_held,
)
from meetings.services.health import pairs_health_refresh_all
from meetings.services.reminders import monthly_checkins_send, pairs_at_risk_flag
from meetings.services.scheduling import contact_record
from tests.factories import MeetingFactory, PairFactory, UserFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def quiet_pair(pair):
    """Matched a month ago, never met: no contact."""
    pair.matched_at = NOW - datetime.timedelta(days=30)
    pair.save()
    return pair


def _call(pair, by, *, days_ago=2, **extra):
    return contact_record(
        pair=pair,
        by=by,
        kind=extra.pop("kind", ContactKind.CALL),
        happened_at=NOW - datetime.timedelta(days=days_ago),
        held_minutes=extra.pop("held_minutes", 25),
        now=NOW,
        **extra,
    )


def test_a_past_call_is_held_at_once_and_counts_as_contact(quiet_pair, mentee):
    pairs_health_refresh_all(now=NOW)
    before = Pair.objects.get(pk=quiet_pair.pk).health

    call = _call(quiet_pair, mentee, shared_notes="  Talked about the move.  ")

    after = Pair.objects.get(pk=quiet_pair.pk).health
    assert (before, after) == (Health.NO_CONTACT, Health.ON_TRACK)
    assert (call.status, call.kind, call.recorded_after, call.held_minutes, call.shared_notes) == (
        MeetingStatus.HELD,
        ContactKind.CALL,
        True,
        25,
        "Talked about the move.",
    )
    assert (call.logged_by, call.starts_at) == (mentee, NOW - datetime.timedelta(days=2))
    assert contacts_held_count(pair=quiet_pair) == 1
    assert with_contacts_held(Pair.objects.filter(pk=quiet_pair.pk)).get().contacts_held == 1


def test_the_cohort_table_and_the_health_check_count_a_past_contact(quiet_pair, mentee, cohort):
    other = PairFactory(cohort=cohort, matched_at=NOW - datetime.timedelta(days=30))
    pairs_health_refresh_all(now=NOW)

    _call(quiet_pair, mentee)

    page = cohort_pairs_page(cohort=cohort, now=NOW)
    assert {row.pair.pk: row.health for row in page.rows} == {
        quiet_pair.pk: Health.ON_TRACK,
        other.pk: Health.NO_CONTACT,
    }
    assert pairs_at_risk_flag(now=NOW) == 1


def test_a_past_contact_resets_the_monthly_check_in(quiet_pair, mentee):
    _call(quiet_pair, mentee, days_ago=3, kind=ContactKind.EMAIL, held_minutes=None)

    assert monthly_checkins_send(now=NOW) == 0
    assert monthly_checkins_send(now=NOW + datetime.timedelta(days=28)) == 1


def test_the_other_person_is_told_and_the_private_note_and_action_items_are_kept(
    quiet_pair, mentor, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call = _call(
            quiet_pair,
            mentor,
            private_note="She sounded tired.",
            action_items=[{"text": "Send the CV", "owner": mentee, "due_on": NOW.date()}],
        )

    assert [m.to for m in mail.outbox] == [[mentee.email]]
    assert mail.outbox[0].subject == f"{mentor} recorded your phone or video call of 8 March"
    assert list(PrivateNote.objects.values_list("meeting", "author", "text")) == [
        (call.pk, mentor.pk, "She sounded tired.")
    ]
    assert list(ActionItem.objects.values_list("meeting", "owner", "text")) == [(call.pk, mentee.pk, "Send the CV")]


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (
            NOW + datetime.timedelta(minutes=5),
            "A past contact cannot be in the future. To plan one, propose a meeting.",
        ),
        (NOW - datetime.timedelta(days=31), "This pair was matched on 8 February 2027: choose a date from then on."),
    ],
)
def test_future_dates_and_dates_before_the_pair_existed_are_refused(quiet_pair, mentee, moment, message):
    with pytest.raises(ValidationError) as error:
        contact_record(pair=quiet_pair, by=mentee, kind=ContactKind.CALL, happened_at=moment, held_minutes=20, now=NOW)

    assert error.value.message_dict == {"day": [message]}
    assert Meeting.objects.count() == 0


def test_the_day_of_the_match_is_accepted(quiet_pair, mentee):
    matched = quiet_pair.matched_at.replace(hour=0, minute=5)

    call = contact_record(
        pair=quiet_pair, by=mentee, kind=ContactKind.CALL, happened_at=matched, held_minutes=20, now=NOW
    )

    assert call.starts_at == matched


@pytest.mark.parametrize(
    ("kind", "held_minutes", "error_fields"),
    [
        (ContactKind.CALL, None, ["held_minutes"]),
        (ContactKind.MEETING, 2, ["held_minutes"]),
        (ContactKind.EMAIL, 9999, ["held_minutes"]),
        ("letter", 30, ["kind"]),
    ],
)
def test_a_length_is_required_for_a_call_or_meeting_and_checked_when_given(
    quiet_pair, mentee, kind, held_minutes, error_fields
):
    with pytest.raises(ValidationError) as error:
        _call(quiet_pair, mentee, kind=kind, held_minutes=held_minutes)

    assert sorted(error.value.message_dict) == error_fields
    assert Meeting.objects.count() == 0


def test_an_email_exchange_needs_no_length_and_stays_out_of_calendars(quiet_pair, mentee):
    exchange = _call(quiet_pair, mentee, kind=ContactKind.EMAIL, held_minutes=None)
    call = _call(quiet_pair, mentee, days_ago=1)

    assert exchange.held_minutes is None
    assert list(calendar_meetings_for(user=mentee, now=NOW)) == [call]


def test_the_same_form_sent_twice_records_one_contact(quiet_pair, mentee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _call(quiet_pair, mentee)
        second = _call(quiet_pair, mentee)

    assert first == second
    assert Meeting.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_same_call_recorded_by_the_other_person_is_refused(quiet_pair, mentor, mentee):
    _call(quiet_pair, mentee)

    with pytest.raises(ValidationError) as error:
        contact_record(
            pair=quiet_pair,
            by=mentor,
            kind=ContactKind.CALL,
            happened_at=NOW - datetime.timedelta(days=2, hours=1),
            held_minutes=30,
            now=NOW,
        )

    assert error.value.message_dict["day"] == [
        f"{mentee} already recorded this phone or video call on that day; open it from the pair's page to add your notes."
    ]
    assert Meeting.objects.count() == 1


def test_a_different_kind_on_the_same_day_is_another_contact(quiet_pair, mentor, mentee):
    _call(quiet_pair, mentee)

    _call(quiet_pair, mentor, kind=ContactKind.CHAT, held_minutes=None)

    assert contacts_held_count(pair=quiet_pair) == 2


@pytest.mark.parametrize("who", ["coordinator", "outsider", "other_mentor"])
def test_only_the_two_people_of_the_pair_record_a_contact(quiet_pair, who, coordinator, outsider, cohort):
    person = {
        "coordinator": coordinator,
        "outsider": outsider,
        "other_mentor": PairFactory(cohort=cohort).mentor.user,
    }[who]

    with pytest.raises(PermissionDenied):
        _call(quiet_pair, person)

    assert Meeting.objects.count() == 0


def test_an_ended_pair_or_a_cohort_not_meeting_records_nothing(quiet_pair, mentee, cohort):
    ended = PairFactory(cohort=cohort, status=PairStatus.ENDED, matched_at=NOW - datetime.timedelta(days=30))
    cohort.phase = CohortPhase.TRAINING
    cohort.save()

    for pair, person in ((ended, ended.mentee.user), (quiet_pair, mentee)):
        with pytest.raises(ValidationError):
            _call(pair, person)

    assert Meeting.objects.count() == 0


def test_a_held_meeting_and_a_past_contact_count_together(quiet_pair, mentee):
    MeetingFactory(pair=quiet_pair, status=MeetingStatus.HELD, starts_at=NOW - datetime.timedelta(days=9))
    MeetingFactory(pair=quiet_pair, status=MeetingStatus.CANCELLED, starts_at=NOW - datetime.timedelta(days=8))

    _call(quiet_pair, mentee)

    assert contacts_held_count(pair=quiet_pair) == 2


def test_a_stranger_is_no_owner_of_an_action_item(quiet_pair, mentee):
    with pytest.raises(ValidationError) as error:
        _call(quiet_pair, mentee, action_items=[{"text": "Call HR", "owner": UserFactory()}])

    assert error.value.message_dict == {"action_item_0": ["An action item belongs to the mentor or the mentee."]}
