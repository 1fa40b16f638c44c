import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.enums import MeetingStatus
from meetings.models import CalendarFeed
from tests.factories import CalendarFeedFactory, MeetingFactory, PairFactory
from tests.meetings.ics_parser import events, unescape

pytestmark = pytest.mark.django_db


def _feed_url(feed):
    return reverse("meetings:calendar-feed", kwargs={"token": feed.token})


def test_person_creates_then_resets_the_calendar_address(client, mentee):
    client.force_login(mentee)

    client.post(reverse("meetings:calendar-settings"))
    first = CalendarFeed.objects.get(user=mentee).token
    page = client.get(reverse("meetings:calendar-settings"))
    client.post(reverse("meetings:calendar-settings"))
    second = CalendarFeed.objects.get(user=mentee).token

    assert page.context["feed_url"] == f"http://testserver/calendar/{first}.ics"
    assert first != second


def test_feed_opens_without_signing_in_and_lists_the_persons_meetings(client, pair):
    mentee = pair.mentee.user
    feed = CalendarFeedFactory(user=mentee)
    now = timezone.now()
    upcoming = MeetingFactory(pair=pair, starts_at=now + datetime.timedelta(days=3))
    cancelled = MeetingFactory(pair=pair, starts_at=now + datetime.timedelta(days=5), status=MeetingStatus.CANCELLED)
    MeetingFactory(pair=PairFactory(), starts_at=now + datetime.timedelta(days=2))
    MeetingFactory(pair=pair, starts_at=now - datetime.timedelta(days=400), status=MeetingStatus.HELD)

    response = client.get(_feed_url(feed))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    parsed = events(response.content)
    assert [(e["UID"], e["STATUS"]) for e in parsed] == [
        (f"{upcoming.uid}@127.0.0.1", "CONFIRMED"),
        (f"{cancelled.uid}@127.0.0.1", "CANCELLED"),
    ]
    assert unescape(parsed[0]["SUMMARY"]) == f"Mentoring meeting with {pair.mentor.user}"


@pytest.mark.parametrize("token", ["unknown", "0" * 44, "", "%00" * 12 + "abc", "abcdef012345%00"])
def test_an_unknown_address_is_a_404(client, token):
    CalendarFeedFactory()

    url = f"/calendar/{token}.ics"

    assert client.get(url).status_code == 404


def test_a_reset_address_stops_working(client, mentee):
    feed = CalendarFeedFactory(user=mentee)
    old = _feed_url(feed)
    client.force_login(mentee)
    client.post(reverse("meetings:calendar-settings"))
    client.logout()

    assert client.get(old).status_code == 404
    assert client.get(_feed_url(CalendarFeed.objects.get(user=mentee))).status_code == 200


def test_the_feed_of_an_inactive_account_is_closed(client, mentee):
    feed = CalendarFeedFactory(user=mentee)
    mentee.is_active = False
    mentee.save()

    assert client.get(_feed_url(feed)).status_code == 404
