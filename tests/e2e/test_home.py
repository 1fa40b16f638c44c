"""The demo's home pages as to-do lists: the coordinator, reviewer1 and mentee1 each see what
waits for them and one link reaches the page; the cohort bar moves between a cohort's areas."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cohorts.demo import DEMO_COHORT_NAME
from cohorts.models import Cohort
from meetings.enums import OPEN_MEETING_STATUSES
from meetings.models import Meeting
from mentorship.demo import seed_demo

from .demo_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    seed_demo()
    return Cohort.objects.get(name=DEMO_COHORT_NAME)


def test_coordinator_follows_a_todo_and_the_cohort_bar(demo, live_server, page: Page):
    sign_in(page, live_server.url, "coordinator@demo.test")
    page.goto(f"{live_server.url}/")

    card = page.locator("article.home-cohort").filter(has=page.get_by_role("link", name=DEMO_COHORT_NAME, exact=True))
    at_risk = card.locator(".todo-list a").filter(has_text=re.compile(r"pairs? at risk"))
    expect(at_risk).to_have_count(1)
    at_risk.click()
    expect(page).to_have_url(re.compile(rf"/cohorts/{demo.pk}/pair-health/\?health=at_risk$"))

    bar = page.locator("nav.cohort-bar")
    for area in ("Matching", "Overview", "Pairs and meetings"):
        bar.get_by_role("link", name=area, exact=True).click()
        current = page.locator("nav.cohort-bar [aria-current=page]")
        expect(current).to_have_count(1)
        expect(current).to_have_text(area)
    expect(page).to_have_url(re.compile(rf"/cohorts/{demo.pk}/pair-health/"))


def test_reviewer_follows_the_proposals_waiting_for_her_vote(demo, live_server, page: Page):
    sign_in(page, live_server.url, "reviewer1@demo.test")
    page.goto(f"{live_server.url}/")

    waiting = page.locator("section[aria-labelledby=review-heading] .todo-list a").filter(
        has_text=re.compile(r"proposals? waits? for your vote")
    )
    expect(waiting).to_have_count(1)
    waiting.click()

    expect(page).to_have_url(re.compile(rf"/cohorts/{demo.pk}/matching/proposals/\?my_vote=none$"))


def test_mentee_follows_her_next_meeting(demo, live_server, page: Page):
    upcoming = (
        Meeting.objects.filter(
            pair__mentee__user__email="mentee1@demo.test",
            status__in=OPEN_MEETING_STATUSES,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at", "pk")
        .first()
    )
    sign_in(page, live_server.url, "mentee1@demo.test")
    page.goto(f"{live_server.url}/")

    next_meeting = page.get_by_role("link", name=re.compile(r"^Next meeting: .+ with "))
    expect(next_meeting).to_have_count(1)
    expect(page.get_by_role("link", name=re.compile(r"^(Action item due|Overdue action item): "))).not_to_have_count(0)
    next_meeting.click()

    assert upcoming is not None
    expect(page).to_have_url(f"{live_server.url}{upcoming.get_absolute_url()}")
