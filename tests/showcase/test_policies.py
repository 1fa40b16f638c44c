import datetime

import pytest

from showcase.policies import (
    cadence_kept,
    choice_window_open,
    default_min_meetings,
    first_term_ends_on,
    graduation_criteria,
    suggested_decision,
    term_ends_on,
)

D = datetime.date


@pytest.mark.parametrize(
    ("term_months", "cadence_days", "expected"),
    [
        (3, 14, 4),  # the defaults: six meetings possible, four asked
        (3, 7, 8),
        (6, 14, 8),
        (1, 30, 1),
        (1, 31, 1),  # never fewer than one
        (12, 31, 7),
    ],
)
def test_default_min_meetings_is_two_thirds_of_what_the_term_allows(term_months, cadence_days, expected):
    assert default_min_meetings(term_months=term_months, cadence_days=cadence_days) == expected


BOTH = ("mentor", "mentee")


@pytest.mark.parametrize(
    ("held", "submitted", "roles", "mentee_answered", "mentor_answered", "eligible", "missing"),
    [
        (4, True, BOTH, True, True, True, []),
        (5, True, BOTH, True, True, True, []),
        (3, True, BOTH, True, True, False, ["meetings"]),
        (4, False, BOTH, True, True, False, ["project"]),
        (4, True, BOTH, True, False, False, ["survey"]),
        (4, True, BOTH, False, True, False, ["survey"]),
        (0, False, BOTH, False, False, False, ["meetings", "project", "survey"]),
        # A survey for mentees only asks nothing of the mentor.
        (4, True, ("mentee",), True, False, True, []),
        # No final survey at all: the criterion does not apply.
        (4, True, (), False, False, True, []),
    ],
)
def test_graduation_criteria(held, submitted, roles, mentee_answered, mentor_answered, eligible, missing):
    criteria = graduation_criteria(
        meetings_held=held,
        meetings_required=4,
        project_submitted=submitted,
        survey_roles=roles,
        mentee_answered=mentee_answered,
        mentor_answered=mentor_answered,
    )

    assert (criteria.eligible, criteria.missing) == (eligible, missing)


def test_criteria_without_a_survey_say_it_is_not_asked():
    criteria = graduation_criteria(
        meetings_held=4,
        meetings_required=4,
        project_submitted=True,
        survey_roles=(),
        mentee_answered=False,
        mentor_answered=False,
    )

    assert (criteria.mentee_answered, criteria.mentor_answered, criteria.survey_applies) == (None, None, False)


@pytest.mark.parametrize(
    ("matched", "months", "expected"),
    [
        (datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC), 3, D(2026, 4, 10)),
        # Month ends clamp: 30 November + 3 months is the last day of February.
        (datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC), 3, D(2027, 2, 28)),
        (datetime.datetime(2027, 11, 30, 9, 0, tzinfo=datetime.UTC), 3, D(2028, 2, 29)),
        (datetime.datetime(2026, 8, 31, 9, 0, tzinfo=datetime.UTC), 6, D(2027, 2, 28)),
        # The date is the one in UTC: 23:30 in New York on 31 May is 1 June.
        (datetime.datetime(2026, 6, 1, 3, 30, tzinfo=datetime.UTC), 1, D(2026, 7, 1)),
    ],
)
def test_first_term_ends_calendar_months_after_the_match(matched, months, expected):
    assert first_term_ends_on(matched_at=matched, term_months=months) == expected


def test_a_continuation_sets_the_end_of_the_term():
    matched = datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC)

    assert term_ends_on(matched_at=matched, term_months=3, continued_to=D(2026, 7, 1)) == D(2026, 7, 1)
    assert term_ends_on(matched_at=matched, term_months=3, continued_to=None) == D(2026, 4, 10)


@pytest.mark.parametrize(
    ("today", "expected"),
    [(D(2026, 3, 26), False), (D(2026, 3, 27), True), (D(2026, 4, 10), True), (D(2026, 5, 1), True)],
)
def test_the_choice_opens_two_weeks_before_the_end(today, expected):
    assert choice_window_open(ends_on=D(2026, 4, 10), today=today) is expected


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        ([], None),
        (["continue"], None),
        (["continue", "continue"], "continue"),
        (["rematch", "rematch"], "rematch"),
        (["end", "end"], "end"),
        (["continue", "end"], "end"),
        (["rematch", "end"], "end"),
        (["continue", "rematch"], "rematch"),
    ],
)
def test_suggested_decision(choices, expected):
    assert suggested_decision(choices) == expected


MATCHED = D(2026, 1, 1)


@pytest.mark.parametrize(
    ("held", "until", "expected"),
    [
        ([D(2026, 1, 10), D(2026, 1, 24), D(2026, 2, 7)], D(2026, 2, 20), True),
        ([D(2026, 1, 15)], D(2026, 1, 20), True),  # first meeting on the 14th day
        ([D(2026, 1, 16)], D(2026, 1, 20), False),  # too late for the first meeting
        ([D(2026, 1, 10), D(2026, 2, 1)], D(2026, 2, 5), False),  # a 22-day gap on a 14-day cadence
        ([D(2026, 1, 10), D(2026, 1, 31)], D(2026, 2, 5), True),  # 21 days: cadence plus the grace week
        ([D(2026, 1, 10)], D(2026, 2, 10), False),  # silent at the end
        ([], D(2026, 1, 10), False),  # matched nine days ago: nothing due yet, but not met either
        ([], D(2026, 1, 20), False),
        # Meetings outside the period (before the match, after the end) do not count.
        ([D(2025, 12, 20), D(2026, 3, 1)], D(2026, 1, 20), False),
    ],
)
def test_cadence_kept(held, until, expected):
    assert (
        cadence_kept(
            matched_on=MATCHED, held_on=held, cadence_days=14, until=until, first_meeting_days=14, grace_days=7
        )
        is expected
    )
