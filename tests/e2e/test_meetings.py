import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cohorts.enums import CohortPhase
from meetings.enums import AgendaItemKind, MeetingStatus
from meetings.models import ActionItem, Meeting
from meetings.services.agenda import first_meeting_questions
from tests.factories import DEFAULT_PASSWORD, CohortFactory, PairFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def propose(page: Page, day: datetime.date, time: str, place: str) -> None:
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Time").fill(time)
    page.get_by_label("Place").fill(place)
    page.get_by_role("button", name="Propose this meeting").click()


def test_first_meeting_from_agenda_to_log_to_the_next_agenda(live_server, page: Page, browser):
    pair = PairFactory(cohort=CohortFactory(phase=CohortPhase.LAUNCH))
    mentee, mentor = pair.mentee.user, pair.mentor.user
    mentee.full_name, mentee.time_zone = "Ada Mentee", "Europe/Berlin"
    mentee.save()
    mentor.full_name, mentor.time_zone = "Grace Mentor", "America/New_York"
    mentor.save()
    day = timezone.now().date() + datetime.timedelta(days=10)

    # The mentee proposes the first meeting and prepares its agenda.
    sign_in(page, live_server.url, mentee.email)
    page.goto(f"{live_server.url}/pairs/")
    page.get_by_role("link", name="Your mentor Grace Mentor").click()
    page.get_by_role("link", name="Propose the first meeting").click()
    expect(page.get_by_role("heading", name="Propose your first meeting")).to_be_visible()
    propose(page, day, "18:00", "Café Lumen")

    expect(page.get_by_role("heading", name="Agenda")).to_be_visible()
    meeting = Meeting.objects.get()
    assert meeting.starts_at == datetime.datetime.combine(day, datetime.time(18, 0), tzinfo=ZoneInfo("Europe/Berlin"))
    questions = meeting.agenda_items.filter(kind=AgendaItemKind.QUESTION)
    assert list(questions.values_list("text", flat=True)) == first_meeting_questions(cohort=pair.cohort)
    expect(page.get_by_text("Guiding question").first).to_be_visible()

    page.get_by_label("Add an item").fill("My portfolio site")
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_text("The item was added to the agenda.")).to_be_visible()
    question_texts = list(questions.values_list("text", flat=True))
    page.get_by_role("button", name="Move up: My portfolio site").click()
    # Added last, moved up once: now just before the last question.
    expected = [*question_texts[:-1], "My portfolio site", question_texts[-1]]
    expect(page.locator("#agenda-list .agenda-item-text")).to_have_text(expected)
    assert list(meeting.agenda_items.values_list("text", flat=True)) == expected
    first_question = questions.first()
    page.get_by_role("button", name=f"Tick off: {first_question.text}").click()
    expect(
        page.locator(f"#agenda-item-{first_question.pk}").get_by_role("button", name=re.compile("Covered"))
    ).to_be_visible()
    first_question.refresh_from_db()
    assert first_question.done is True

    # The mentor sees the time in New York, the mentee's next to it, and confirms.
    mentor_page = browser.new_context().new_page()
    sign_in(mentor_page, live_server.url, mentor.email)
    mentor_page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    expect(mentor_page.get_by_text("(America/New_York)").first).to_be_visible()
    expect(mentor_page.get_by_text(re.compile(r"18:00 for Ada Mentee \(Europe/Berlin\)"))).to_be_visible()
    mentor_page.get_by_role("button", name="Confirm this time").click()
    expect(mentor_page.get_by_text("The meeting is confirmed.")).to_be_visible()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.confirmed_by) == (MeetingStatus.CONFIRMED, mentor)

    # The meeting takes place; the mentor logs it with an action item for the mentee.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=2))
    mentor_page.reload()
    mentor_page.get_by_role("link", name="Log this meeting").click()
    mentor_page.get_by_label("Held").check()
    mentor_page.get_by_label("How long did it last (minutes)?").fill("50")
    mentor_page.get_by_label("Shared notes").fill("Talked through the portfolio.")
    mentor_page.get_by_label("Action item").first.fill("Send the portfolio to two friends")
    mentor_page.get_by_label("Owner").first.select_option(label="Ada Mentee (mentee)")
    mentor_page.get_by_role("button", name="Save the log").click()
    expect(mentor_page.get_by_text("The meeting was logged.")).to_be_visible()
    assert list(ActionItem.objects.values_list("text", "owner")) == [("Send the portfolio to two friends", mentee.pk)]

    # The next meeting's agenda has the action item to review.
    mentor_page.get_by_role("link", name="Back to the pair").click()
    mentor_page.get_by_role("link", name="Propose a meeting").click()
    propose(mentor_page, day + datetime.timedelta(days=14), "12:00", "Online")
    expect(mentor_page.locator("#agenda-list .agenda-item-text")).to_have_text(
        ["Action item: Send the portfolio to two friends (Ada Mentee)"]
    )
    next_meeting = Meeting.objects.exclude(pk=meeting.pk).get()
    assert list(next_meeting.agenda_items.values_list("kind", "text")) == [
        (AgendaItemKind.ACTION_ITEM, "Action item: Send the portfolio to two friends (Ada Mentee)")
    ]
