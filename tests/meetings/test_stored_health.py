"""The health stored on each pair follows its meetings (through the scheduling services) and
the passing of time (through the hourly task), so that lists filter and page on a column."""

import datetime

import pytest

from cohorts import hooks as cohort_hooks
from cohorts.enums import EnrollmentStatus, PairHealth
from cohorts.models import Pair, PairStatus
from cohorts.services.pairs import pairs_create_many, pairs_health_store
from meetings.enums import Health, LogOutcome, MeetingStatus
from meetings.selectors import cohort_pairs_page, pairs_with_health
from meetings.services.health import new_pair_health, pairs_health_refresh_all
from meetings.services.pairs import pair_cadence_set
from meetings.services.scheduling import meeting_cancel, meeting_log, meeting_propose
from tests.factories import EnrollmentFactory, MeetingFactory, MentorEnrollmentFactory, PairFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def _stored(pair) -> str:
    return Pair.objects.get(pk=pair.pk).health


@pytest.fixture
def silent_pair(cohort):
    """Matched 40 days before NOW, no meeting: no contact once the hourly check ran."""
    pair = PairFactory(cohort=cohort, matched_at=NOW - datetime.timedelta(days=40))
    pairs_health_refresh_all(now=NOW)
    return pair


def test_the_hourly_check_stores_what_time_alone_changed(cohort):
    pair = PairFactory(cohort=cohort, matched_at=NOW - datetime.timedelta(days=10))
    pairs_health_refresh_all(now=NOW)
    before = _stored(pair)

    changed = pairs_health_refresh_all(now=NOW + datetime.timedelta(days=5))

    assert (before, _stored(pair), changed) == (Health.ON_TRACK, Health.NO_CONTACT, 1)


def test_logging_a_meeting_held_puts_the_pair_back_on_track(silent_pair):
    meeting = MeetingFactory(
        pair=silent_pair, starts_at=NOW - datetime.timedelta(days=1), status=MeetingStatus.CONFIRMED
    )
    pairs_health_refresh_all(now=NOW)
    assert _stored(silent_pair) == Health.NO_CONTACT

    meeting_log(meeting=meeting, by=silent_pair.mentee.user, outcome=LogOutcome.HELD, held_minutes=60, now=NOW)

    assert _stored(silent_pair) == Health.ON_TRACK


def test_correcting_a_held_meeting_to_cancelled_takes_the_contact_back(silent_pair):
    meeting = MeetingFactory(
        pair=silent_pair, starts_at=NOW - datetime.timedelta(days=1), status=MeetingStatus.CONFIRMED
    )
    mentee = silent_pair.mentee.user
    meeting_log(meeting=meeting, by=mentee, outcome=LogOutcome.HELD, held_minutes=60, now=NOW)

    meeting_log(meeting=meeting, by=mentee, outcome=LogOutcome.CANCELLED, now=NOW)

    assert _stored(silent_pair) == Health.NO_CONTACT


def test_proposing_and_cancelling_refresh_the_stored_health(silent_pair):
    # Stored as on track by mistake (say, before the hourly check): the next change to the
    # pair's meetings stores what its meetings say.
    Pair.objects.filter(pk=silent_pair.pk).update(health=PairHealth.ON_TRACK)
    meeting = meeting_propose(
        pair=silent_pair,
        by=silent_pair.mentee.user,
        starts_at=NOW + datetime.timedelta(days=2),
        location="Library",
        now=NOW,
    )
    after_proposal = _stored(silent_pair)
    Pair.objects.filter(pk=silent_pair.pk).update(health=PairHealth.ON_TRACK)

    meeting_cancel(meeting=meeting, by=silent_pair.mentor.user, now=NOW)

    assert (after_proposal, _stored(silent_pair)) == (Health.NO_CONTACT, Health.NO_CONTACT)


def test_a_slower_cadence_is_stored_at_once(cohort):
    pair = PairFactory(cohort=cohort, matched_at=NOW - datetime.timedelta(days=60))
    MeetingFactory(pair=pair, status=MeetingStatus.HELD, starts_at=NOW - datetime.timedelta(days=25))
    pairs_health_refresh_all(now=NOW)
    before = _stored(pair)

    pair_cadence_set(pair=pair, cadence_days=21, by=pair.mentee.user, now=NOW)

    assert (before, _stored(pair)) == (Health.AT_RISK, Health.ON_TRACK)


def test_ended_pairs_are_left_alone(cohort):
    pair = PairFactory(cohort=cohort, matched_at=NOW - datetime.timedelta(days=40), status=PairStatus.ENDED)

    pairs_health_refresh_all(now=NOW)

    assert _stored(pair) == Health.ON_TRACK


@pytest.mark.parametrize("item_count", [2, 9])
def test_the_hourly_check_costs_the_same_whatever_the_cohort_size(cohort, django_assert_num_queries, item_count):
    for index in range(item_count):
        pair = PairFactory(cohort=cohort, matched_at=NOW - datetime.timedelta(days=40))
        if index % 2:
            MeetingFactory(pair=pair, status=MeetingStatus.HELD, starts_at=NOW - datetime.timedelta(days=30))

    # The cohorts with active pairs; per cohort: its pairs' dates, one update per health.
    with django_assert_num_queries(4):
        pairs_health_refresh_all(now=NOW)

    stored = dict(Pair.objects.values_list("pk", "health"))
    computed = {row["pk"]: row["health"] for row in pairs_with_health(pairs=Pair.objects.all(), now=NOW)}
    assert stored == computed
    assert set(stored.values()) == {Health.NO_CONTACT, Health.AT_RISK}


def test_pairs_health_store_writes_only_what_changed(cohort):
    first, second = PairFactory(cohort=cohort), PairFactory(cohort=cohort)

    changed = pairs_health_store(health_by_pk={first.pk: PairHealth.ON_TRACK, second.pk: PairHealth.AT_RISK})

    assert changed == 1
    assert (_stored(first), _stored(second)) == (PairHealth.ON_TRACK, PairHealth.AT_RISK)


def test_published_pairs_are_stored_with_the_health_meetings_gives_them(cohort):
    mentor = MentorEnrollmentFactory(cohort=cohort, status=EnrollmentStatus.ACCEPTED)
    mentee = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.ACCEPTED)

    [pair] = pairs_create_many(cohort=cohort, couples=[(mentor.pk, mentee.pk)])

    assert cohort_hooks._pair_health == [new_pair_health]
    assert _stored(pair) == Health.ON_TRACK


def test_the_page_of_pairs_reads_the_stored_health(silent_pair, cohort):
    on_track = PairFactory(cohort=cohort, matched_at=NOW - datetime.timedelta(days=3))
    pairs_health_refresh_all(now=NOW)

    page = cohort_pairs_page(cohort=cohort, health=Health.NO_CONTACT, now=NOW)

    assert [(row.pair, row.health) for row in page.rows] == [(silent_pair, Health.NO_CONTACT)]
    assert page.counts == {"on_track": 1, "at_risk": 0, "no_contact": 1, "all": 2}
    assert on_track not in [row.pair for row in page.rows]


def test_the_at_risk_segment_reads_the_stored_health(cohort):
    pair = PairFactory(cohort=cohort, matched_at=NOW - datetime.timedelta(days=60))
    MeetingFactory(pair=pair, status=MeetingStatus.HELD, starts_at=NOW - datetime.timedelta(days=30))
    PairFactory(cohort=cohort, matched_at=NOW - datetime.timedelta(days=3))
    pairs_health_refresh_all(now=NOW)

    people = cohort_hooks.segment("at_risk").people(cohort)

    assert people == {pair.mentor.user_id, pair.mentee.user_id}
