"""Pairs whose term has ended, counted in the database: the same count as working out each
pair's term end in Python."""

import datetime

import pytest

from cohorts.models import PairStatus
from showcase.enums import TermChoice
from showcase.models import TermDecision
from showcase.policies import last_matched_on_with_first_term_ended, term_ends_on
from showcase.selectors.terms import pairs_awaiting_decision, with_continuation
from tests.factories import CohortFactory, PairFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("term_months", [1, 3, 6, 12])
def test_the_last_matching_day_is_the_boundary_of_the_first_term_ending(term_months):
    start = datetime.date(2027, 1, 1)
    for offset in range(0, 800, 3):
        today = start + datetime.timedelta(days=offset)

        last = last_matched_on_with_first_term_ended(today=today, term_months=term_months)

        for day in (last - datetime.timedelta(days=40 * i) for i in range(3)):
            matched = datetime.datetime.combine(day, datetime.time(23, 59), datetime.UTC)
            assert term_ends_on(matched_at=matched, term_months=term_months, continued_to=None) <= today
        later = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(), datetime.UTC)
        assert term_ends_on(matched_at=later, term_months=term_months, continued_to=None) > today


def test_month_ends_clamp_so_several_matching_days_end_on_the_same_day():
    last = last_matched_on_with_first_term_ended(today=datetime.date(2027, 2, 28), term_months=6)

    assert last == datetime.date(2026, 8, 31)


def _in_python(cohort, today):
    rows = with_continuation(cohort.pairs.filter(status=PairStatus.ACTIVE)).values("matched_at", "continued_to")
    return sum(
        1
        for row in rows
        if term_ends_on(matched_at=row["matched_at"], term_months=cohort.term_months, continued_to=row["continued_to"])
        <= today
    )


def test_pairs_awaiting_decision_counted_in_the_database_equals_python():
    cohort = CohortFactory(term_months=6)
    today = datetime.date(2027, 2, 28)
    for day in (datetime.date(2026, 8, 27), datetime.date(2026, 8, 28), datetime.date(2026, 8, 31)):
        PairFactory(cohort=cohort, matched_at=datetime.datetime.combine(day, datetime.time(23, 30), datetime.UTC))
    PairFactory(cohort=cohort, matched_at=datetime.datetime(2026, 9, 1, 0, 5, tzinfo=datetime.UTC))
    continued = PairFactory(cohort=cohort, matched_at=datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC))
    TermDecision.objects.create(
        pair=continued,
        term_ends_on=datetime.date(2027, 1, 1),
        decision=TermChoice.CONTINUE,
        new_term_ends_on=datetime.date(2027, 3, 1),
    )
    over = PairFactory(cohort=cohort, matched_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC))
    TermDecision.objects.create(
        pair=over,
        term_ends_on=datetime.date(2027, 5, 1),
        decision=TermChoice.CONTINUE,
        new_term_ends_on=datetime.date(2027, 2, 1),
    )
    PairFactory(cohort=cohort, matched_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), status=PairStatus.ENDED)

    counted = pairs_awaiting_decision(cohort=cohort, today=today)

    assert counted == _in_python(cohort, today) == 4
