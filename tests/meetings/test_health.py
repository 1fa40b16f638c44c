"""The health and check-in rules are plain functions of dates; no database."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meetings.enums import Health
from meetings.health import add_months, next_meeting_due_on, pair_health, utc_date, whole_months_between

D = datetime.date


@pytest.mark.parametrize(
    ("days_since_match", "expected"),
    [(0, Health.ON_TRACK), (14, Health.ON_TRACK), (15, Health.NO_CONTACT), (60, Health.NO_CONTACT)],
)
def test_pair_without_a_meeting_held_has_no_contact_after_fourteen_days(days_since_match, expected):
    matched = D(2027, 3, 1)

    health = pair_health(
        matched_on=matched,
        last_held_on=None,
        cadence_days=14,
        as_of=matched + datetime.timedelta(days=days_since_match),
    )

    assert health == expected


@pytest.mark.parametrize(
    ("cadence", "days_since_meeting", "expected"),
    [
        (14, 14, Health.ON_TRACK),
        (14, 21, Health.ON_TRACK),
        (14, 22, Health.AT_RISK),
        (21, 28, Health.ON_TRACK),
        (21, 29, Health.AT_RISK),
        (7, 15, Health.AT_RISK),
    ],
)
def test_pair_is_at_risk_when_more_than_a_week_overdue_on_its_cadence(cadence, days_since_meeting, expected):
    last = D(2027, 3, 10)

    health = pair_health(
        matched_on=D(2027, 3, 1),
        last_held_on=last,
        cadence_days=cadence,
        as_of=last + datetime.timedelta(days=days_since_meeting),
    )

    assert health == expected


def test_a_pair_that_met_late_is_on_track_once_it_has_met():
    health = pair_health(matched_on=D(2027, 1, 1), last_held_on=D(2027, 2, 1), cadence_days=14, as_of=D(2027, 2, 3))

    assert health == Health.ON_TRACK


def test_overdue_counts_calendar_days_across_a_month_end_and_a_leap_day():
    # 10 Feb 2028 + 14 + 7 = 2 March 2028 (29 days in February 2028).
    last = D(2028, 2, 10)

    on_the_last_day = pair_health(matched_on=D(2028, 1, 1), last_held_on=last, cadence_days=14, as_of=D(2028, 3, 2))
    the_day_after = pair_health(matched_on=D(2028, 1, 1), last_held_on=last, cadence_days=14, as_of=D(2028, 3, 3))

    assert (on_the_last_day, the_day_after) == (Health.ON_TRACK, Health.AT_RISK)


def test_no_contact_counts_across_a_year_end():
    matched = D(2027, 12, 20)

    assert pair_health(matched_on=matched, last_held_on=None, cadence_days=14, as_of=D(2028, 1, 3)) == Health.ON_TRACK
    assert pair_health(matched_on=matched, last_held_on=None, cadence_days=14, as_of=D(2028, 1, 4)) == Health.NO_CONTACT


def test_meeting_date_is_its_date_in_utc_whatever_the_persons_zone():
    # 23:30 in New York on 31 January is 04:30 UTC on 1 February.
    evening_in_new_york = datetime.datetime(2027, 1, 31, 23, 30, tzinfo=ZoneInfo("America/New_York"))
    # 07:00 in Tokyo on 1 March is 22:00 UTC on 28 February.
    morning_in_tokyo = datetime.datetime(2027, 3, 1, 7, 0, tzinfo=ZoneInfo("Asia/Tokyo"))

    assert (utc_date(evening_in_new_york), utc_date(morning_in_tokyo)) == (D(2027, 2, 1), D(2027, 2, 28))


def test_health_of_a_late_evening_meeting_uses_its_utc_date():
    # Held late on 31 Jan in New York = 1 Feb UTC: at risk only after 1 Feb + 21 days.
    held = utc_date(datetime.datetime(2027, 1, 31, 23, 30, tzinfo=ZoneInfo("America/New_York")))

    assert (
        pair_health(matched_on=D(2027, 1, 1), last_held_on=held, cadence_days=14, as_of=D(2027, 2, 22))
        == Health.ON_TRACK
    )
    assert (
        pair_health(matched_on=D(2027, 1, 1), last_held_on=held, cadence_days=14, as_of=D(2027, 2, 23))
        == Health.AT_RISK
    )


def test_next_meeting_due():
    assert next_meeting_due_on(matched_on=D(2027, 3, 1), last_held_on=None, cadence_days=21) == D(2027, 3, 15)
    assert next_meeting_due_on(matched_on=D(2027, 3, 1), last_held_on=D(2027, 3, 25), cadence_days=14) == D(2027, 4, 8)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2027, 1, 31), 1, D(2027, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2027, 3, 31), 1, D(2027, 4, 30)),
        (D(2027, 12, 15), 1, D(2028, 1, 15)),
        (D(2027, 11, 30), 3, D(2028, 2, 29)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2027, 1, 31), D(2027, 2, 27), 0),
        (D(2027, 1, 31), D(2027, 2, 28), 1),
        (D(2027, 3, 15), D(2027, 4, 14), 0),
        (D(2027, 3, 15), D(2027, 4, 15), 1),
        (D(2027, 3, 15), D(2027, 5, 15), 2),
        (D(2027, 12, 31), D(2028, 1, 31), 1),
        (D(2027, 5, 1), D(2027, 4, 1), 0),
    ],
)
def test_whole_months_between(start, end, expected):
    assert whole_months_between(start, end) == expected


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)), st.integers(min_value=0, max_value=40))
def test_whole_months_between_inverts_add_months(start, months):
    assert whole_months_between(start, add_months(start, months)) == months
