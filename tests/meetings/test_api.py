import datetime

import pytest
from django.utils import timezone

from cohorts.enums import PairHealth
from cohorts.models import Pair, PairStatus
from meetings.enums import MeetingStatus
from meetings.services.health import pairs_health_refresh_all
from tests.factories import CohortFactory, MeetingFactory, PairFactory

pytestmark = pytest.mark.django_db

PAIRS = "/api/v1/pairs/"


@pytest.fixture
def cohort(organization):
    return CohortFactory(program__organization=organization, phase="launch")


def _held(pair, days_ago, minutes=45):
    return MeetingFactory(
        pair=pair,
        status=MeetingStatus.HELD,
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        held_minutes=minutes,
    )


def test_pairs_with_meeting_counts_and_health(api_client, cohort):
    now = timezone.now()
    on_track = PairFactory(cohort=cohort, matched_at=now - datetime.timedelta(days=40))
    _held(on_track, 20)
    _held(on_track, 5, minutes=30)
    MeetingFactory(pair=on_track, status=MeetingStatus.CANCELLED, starts_at=now - datetime.timedelta(days=12))
    MeetingFactory(pair=on_track)
    silent = PairFactory(cohort=cohort, matched_at=now - datetime.timedelta(days=30))
    ended = PairFactory(cohort=cohort, status=PairStatus.ENDED, ended_at=now)
    PairFactory()  # another organization's
    pairs_health_refresh_all()  # the hourly check, as logging through the services would

    response = api_client().get(PAIRS)

    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {on_track.pk, silent.pk, ended.pk}
    assert rows[on_track.pk]["meetings"] | {"last_held_at": None} == {
        "held": 2,
        "cancelled": 1,
        "missed": 0,
        "planned": 1,
        "held_minutes": 75,
        "last_held_at": None,
    }
    assert rows[on_track.pk]["meetings"]["last_held_at"] is not None
    assert (rows[on_track.pk]["health"], rows[silent.pk]["health"], rows[ended.pk]["health"]) == (
        "on_track",
        "no_contact",
        None,
    )
    assert rows[on_track.pk]["mentee"]["id"] == on_track.mentee.user_id
    assert rows[on_track.pk]["mentor_enrollment"] == on_track.mentor_id


def test_a_pair_alone_has_its_health_too(api_client, cohort):
    pair = PairFactory(cohort=cohort, matched_at=timezone.now() - datetime.timedelta(days=30))

    response = api_client().get(f"{PAIRS}{pair.pk}/")

    assert response.json()["health"] == "no_contact"


def test_a_meeting_logged_counts_as_a_change_of_its_pair(api_client, cohort):
    pair = PairFactory(cohort=cohort, matched_at=timezone.now() - datetime.timedelta(days=60))
    PairFactory(cohort=cohort, matched_at=timezone.now() - datetime.timedelta(days=60))
    since = timezone.now() - datetime.timedelta(minutes=1)
    Pair.objects.update(created_at=timezone.now() - datetime.timedelta(days=60))
    _held(pair, 1)

    response = api_client().get(PAIRS, {"changed_since": since.isoformat()})

    assert [row["id"] for row in response.json()["results"]] == [pair.pk]


@pytest.mark.parametrize("item_count", [1, 4, 10])
def test_pairs_cost_a_fixed_number_of_queries(api_client, cohort, item_count, django_assert_num_queries):
    for pair in PairFactory.create_batch(item_count, cohort=cohort):
        _held(pair, 3)
    client = api_client()

    # The key (and its last use), the count, the page: health is stored on the pair.
    with django_assert_num_queries(4):
        response = client.get(PAIRS)

    assert response.json()["count"] == item_count


def test_another_organizations_pair_is_not_found(api_client):
    assert api_client().get(f"{PAIRS}{PairFactory().pk}/").status_code == 404


def test_the_health_is_the_one_stored_on_the_pair(api_client, cohort):
    pair = PairFactory(cohort=cohort, matched_at=timezone.now() - datetime.timedelta(days=30))
    Pair.objects.filter(pk=pair.pk).update(health=PairHealth.AT_RISK)

    response = api_client().get(f"{PAIRS}{pair.pk}/")

    assert response.json()["health"] == "at_risk"
