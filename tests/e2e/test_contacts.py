"""Past contacts and group meetings in the browser."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cohorts.enums import CohortPhase
from cohorts.models import Pair
from meetings.enums import ContactKind, Health, MeetingStatus
from meetings.models import GroupMeeting, Meeting
from meetings.services.health import pairs_health_refresh
from tests.factories import CohortFactory, MentorEnrollmentFactory, PairFactory

from .test_meetings import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_pair_without_contact_records_a_past_phone_call_and_its_health_changes(live_server, page: Page):
    pair = PairFactory(
        cohort=CohortFactory(phase=CohortPhase.LAUNCH), matched_at=timezone.now() - datetime.timedelta(days=30)
    )
    pairs_health_refresh(pairs=Pair.objects.filter(pk=pair.pk))
    mentee = pair.mentee.user
    mentee.full_name, mentee.time_zone = "Ada Mentee", "Europe/Berlin"
    mentee.save()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    sign_in(page, live_server.url, mentee.email)
    page.goto(f"{live_server.url}/pairs/{pair.pk}/")
    expect(page.locator("h1 + div .badge")).to_have_text("No contact")
    page.get_by_role("link", name="Record a past contact").click()
    expect(page.get_by_role("heading", name="Record a past contact")).to_be_visible()
    page.get_by_label("Phone or video call").check()
    page.get_by_label("Date").fill(yesterday.isoformat())
    page.get_by_label("Time").fill("18:30")
    page.get_by_label("How long did it last (minutes)?").fill("25")
    page.get_by_label("Shared notes").fill("Monthly check-in by phone: the new job starts soon.")
    page.get_by_role("button", name="Record the contact").click()

    expect(page.get_by_text("The phone or video call was recorded.")).to_be_visible()
    expect(page.locator("h1 + div .badge")).to_have_text("On track")
    expect(page.get_by_role("cell", name="Phone or video call")).to_be_visible()
    call = Meeting.objects.get()
    assert (call.kind, call.status, call.held_minutes, call.recorded_after) == (
        ContactKind.CALL,
        MeetingStatus.HELD,
        25,
        True,
    )
    pair.refresh_from_db()
    assert pair.health == Health.ON_TRACK

    # A date in the future is refused on the date, and nothing is recorded.
    page.get_by_role("link", name="Record a past contact").click()
    page.get_by_label("Date").fill((timezone.localdate() + datetime.timedelta(days=2)).isoformat())
    page.get_by_label("Time").fill("09:00")
    page.get_by_label("How long did it last (minutes)?").fill("10")
    page.get_by_role("button", name="Record the contact").click()
    # The error summary names the field and links to it; the message also stands by the field.
    refused = "A past contact cannot be in the future. To plan one, propose a meeting."
    expect(page.get_by_role("alert").get_by_role("link", name=f"Date: {refused}")).to_have_attribute("href", "#id_day")
    expect(page.locator("form").get_by_text(refused, exact=True)).to_be_visible()
    assert Meeting.objects.count() == 1


def test_a_mentor_schedules_a_group_meeting_with_two_mentees(live_server, page: Page, browser):
    cohort = CohortFactory(phase=CohortPhase.LAUNCH)
    mentor = MentorEnrollmentFactory(cohort=cohort, capacity=3, user__full_name="Grace Mentor")
    ana, ben, cleo = (
        PairFactory(cohort=cohort, mentor=mentor, mentee__user__full_name=name) for name in ("Ana", "Ben", "Cleo")
    )
    day = timezone.localdate() + datetime.timedelta(days=5)

    sign_in(page, live_server.url, mentor.user.email)
    page.goto(f"{live_server.url}/pairs/{ana.pk}/")
    page.get_by_role("link", name="Meet several mentees together").click()
    expect(page.get_by_role("heading", name="Meet several mentees together")).to_be_visible()
    page.get_by_label("Topic").fill("Negotiating a raise")
    page.get_by_label("Ana").check()
    page.get_by_label("Ben").check()
    page.locator("#id_day").fill(day.isoformat())
    page.locator("#id_time").fill("17:30")
    page.get_by_label("Place").fill("Room 4")
    page.get_by_label("Agenda").fill("1. Stories\n2. Role play")
    page.get_by_role("button", name="Invite them").click()

    expect(page.get_by_role("heading", name="Negotiating a raise")).to_be_visible()
    invited = page.get_by_role("region", name="Mentees invited").get_by_role("listitem")
    expect(invited).to_have_text([re.compile(r"Ana\s+Not answered yet"), re.compile(r"Ben\s+Not answered yet")])
    group = GroupMeeting.objects.get()
    assert sorted(group.meetings.values_list("pair_id", flat=True)) == sorted([ana.pk, ben.pk])
    assert not cleo.meetings.exists()

    # Ana answers from her own session.
    ana_page = browser.new_context().new_page()
    sign_in(ana_page, live_server.url, ana.mentee.user.email)
    ana_page.goto(f"{live_server.url}{group.get_absolute_url()}")
    expect(ana_page.get_by_text("1. Stories")).to_be_visible()
    ana_page.get_by_role("button", name="I will attend").click()
    expect(ana_page.get_by_text("The meeting is confirmed.")).to_be_visible()
    expect(ana_page.get_by_role("region", name="Mentees invited").get_by_role("listitem").first).to_have_text(
        re.compile(r"Ana\s+Will attend")
    )
    assert group.meetings.get(pair=ana).status == MeetingStatus.CONFIRMED
