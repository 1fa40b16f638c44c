import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cohorts.enums import CohortPhase
from cohorts.models import Cohort, PairStatus
from meetings.enums import MeetingStatus
from mentorship.enums import OrgRole
from questionnaires.enums import Audience, Kind, ResponseStatus
from showcase.models import Graduation, Project, Submission
from tests.factories import (
    DEFAULT_PASSWORD,
    CohortFactory,
    MeetingFactory,
    MembershipFactory,
    PairFactory,
    ProgramFactory,
    QuestionnaireFactory,
    ResponseFactory,
    ShowcaseFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def test_a_project_goes_to_the_showcase_the_pair_graduates_and_the_report_shows_it(
    live_server, page: Page, browser, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    coordinator = MembershipFactory(role=OrgRole.COORDINATOR).user
    program = ProgramFactory(organization=coordinator.org_memberships.get().organization)
    cohort = CohortFactory(program=program, name="Spring cohort", phase=CohortPhase.LAUNCH)
    ShowcaseFactory(cohort=cohort, title="Spring showcase", starts_at=timezone.now() + datetime.timedelta(days=10))
    pair = PairFactory(cohort=cohort, matched_at=timezone.now() - datetime.timedelta(days=80))
    mentee, mentor = pair.mentee.user, pair.mentor.user
    mentee.full_name, mentor.full_name = "Ada Mentee", "Grace Mentor"
    mentee.save()
    mentor.save()
    # What the program asks besides the project: four meetings held and the final survey answered.
    for number in range(4):
        MeetingFactory(
            pair=pair,
            status=MeetingStatus.HELD,
            starts_at=pair.matched_at + datetime.timedelta(days=3 + 14 * number),
        )
    check_in = QuestionnaireFactory(cohort=cohort, kind=Kind.CHECK_IN, audience=Audience.BOTH, title="Check-in")
    for person in (pair.mentee, pair.mentor):
        ResponseFactory(questionnaire=check_in, enrollment=person, status=ResponseStatus.SUBMITTED)
    image = tmp_path / "poster.png"
    image.write_bytes(PNG)

    # The mentee starts the project and submits it to the showcase with an image.
    sign_in(page, live_server.url, mentee.email)
    page.get_by_role("link", name="Start your independent project").click()
    page.get_by_label("Title").fill("Bus delay predictor")
    page.get_by_label("Summary").fill("A model of my city's bus delays from open data.")
    page.get_by_role("button", name="Start the project").click()
    expect(page.get_by_role("heading", name="Bus delay predictor")).to_be_visible()
    page.get_by_role("link", name="Submit to the showcase").click()
    page.get_by_label("What you will present").fill("A live demo of tomorrow's delays.")
    page.get_by_label("An image or a PDF").set_input_files(str(image))
    page.get_by_label("Show my project on the public showcase page").check()
    page.get_by_role("button", name="Submit the project").click()
    expect(page.get_by_text("Your project is submitted to the showcase.")).to_be_visible()
    submission = Submission.objects.get()
    assert (submission.project, submission.file_name, submission.allow_public) == (
        Project.objects.get(enrollment=pair.mentee),
        "poster.png",
        True,
    )

    # The coordinator builds the programme.
    coordinator_page = browser.new_context().new_page()
    sign_in(coordinator_page, live_server.url, coordinator.email)
    coordinator_page.goto(f"{live_server.url}{cohort.get_absolute_url()}")
    coordinator_page.get_by_role("link", name=re.compile("^Showcase")).click()
    expect(coordinator_page.get_by_role("heading", name="Spring showcase")).to_be_visible()
    expect(coordinator_page.get_by_role("img", name="Image of the project Bus delay predictor")).to_be_visible()
    coordinator_page.get_by_role("link", name="Build the programme").click()
    coordinator_page.get_by_role("button", name=re.compile(r"Add to the programme\s*: Bus delay predictor")).click()
    programme = coordinator_page.get_by_role("table", name="The presentations in order")
    expect(programme.get_by_role("rowheader", name="Bus delay predictor")).to_be_visible()
    submission.refresh_from_db()
    assert submission.position == 1

    # The showcase takes place; the coordinator graduates the pair.
    Cohort.objects.filter(pk=cohort.pk).update(phase=CohortPhase.SHOWCASE)
    coordinator_page.goto(f"{live_server.url}{cohort.get_absolute_url()}")
    cohort_bar = coordinator_page.get_by_role("navigation", name=f"Cohort {cohort.name}")
    cohort_bar.get_by_role("link", name="Graduation", exact=True).click()
    expect(cohort_bar.get_by_role("link", name="Graduation", exact=True)).to_have_attribute("aria-current", "page")
    row = coordinator_page.get_by_role("row", name=re.compile("Ada Mentee"))
    expect(row.get_by_text("4 of 4")).to_be_visible()
    expect(row.get_by_text("Eligible")).to_be_visible()
    row.get_by_role("button", name=re.compile("Graduate")).click()
    expect(coordinator_page.get_by_text(re.compile("1 pair graduated"))).to_be_visible()
    pair.refresh_from_db()
    assert pair.status == PairStatus.GRADUATED
    assert Graduation.objects.get().override_reason == ""

    # The outcomes report shows the graduation.
    coordinator_page.goto(f"{live_server.url}{cohort.get_absolute_url()}")
    coordinator_page.get_by_role("link", name=re.compile("^Outcomes report")).click()
    expect(coordinator_page.get_by_role("heading", name="Outcomes of Spring cohort")).to_be_visible()
    expect(coordinator_page.locator('[data-figure="graduated"]')).to_have_text("1 (100.0%)")
    expect(coordinator_page.locator('[data-figure="projects-submitted"]')).to_have_text("1")
    expect(coordinator_page.get_by_role("img", name="Pairs by outcome")).to_be_visible()

    # The mentee finds the certificate.
    page.goto(f"{live_server.url}{cohort.get_absolute_url()}")
    # It is the graduate's next step, and a link of the cohort's list; the step names the mentor.
    you = page.get_by_role("region", name=re.compile("^You: Mentee"))
    you.get_by_role("link", name="Your certificate of completion (with Grace Mentor)").click()
    expect(page.get_by_role("heading", name="Certificate of completion")).to_be_visible()
    expect(page.get_by_role("article", name="Certificate of completion")).to_contain_text("Ada Mentee")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
