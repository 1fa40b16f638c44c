import re

import pytest
from playwright.sync_api import Page, expect

from cohorts.enums import CohortPhase
from mentorship.enums import OrgRole
from questionnaires.enums import ResponseStatus
from questionnaires.models import Response
from tests.factories import DEFAULT_PASSWORD, CohortFactory, EnrollmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(f"{base}/")


def sign_out(page: Page) -> None:
    page.context.clear_cookies()


def test_coordinator_builds_from_template_mentee_fills_and_coordinator_reads(live_server, page: Page):
    coordinator = MembershipFactory(role=OrgRole.COORDINATOR).user
    cohort = CohortFactory(
        program__organization=coordinator.org_memberships.get().organization, phase=CohortPhase.ENROLLMENT
    )
    mentee = EnrollmentFactory(cohort=cohort, user__full_name="Ada Mentee")
    base = live_server.url

    sign_in(page, base, coordinator.email)
    page.goto(f"{base}/cohorts/{cohort.pk}/questionnaires/")
    page.get_by_role("link", name="Add a questionnaire").click()
    page.get_by_role("button", name="Use “Mentee application”").click()
    expect(page.get_by_role("heading", name="Mentee application", level=1)).to_be_visible()
    page.get_by_role("link", name="Edit: What are your goals for the program?").click()
    page.locator("#id_text").fill("What do you want from the program?")
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("The question was saved.")).to_be_visible()
    sign_out(page)

    sign_in(page, base, mentee.user.email)
    page.goto(f"{base}/cohorts/{cohort.pk}/my-questionnaires/")
    page.get_by_role("link", name=re.compile("Fill in")).click()
    page.get_by_label("Data science and machine learning").check()
    page.get_by_label("What do you want from the program?").fill("Lead a data project end to end.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft was saved.")).to_be_visible()
    expect(page.get_by_label("What do you want from the program?")).to_have_value("Lead a data project end to end.")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("alert").filter(has_text="Please correct the following")).to_be_focused()
    page.get_by_label("Which time zone do you live in?").select_option("Africa/Lagos")
    page.get_by_label("Which country do you live in?").select_option("NG")
    page.get_by_label("Technical craft").check()
    page.get_by_label("Engineering", exact=True).check()
    page.get_by_label("How many years have you worked in tech?").fill("2")
    page.get_by_label("Building a network").check()
    page.get_by_label("How many hours a month can you give to the program?").fill("4")
    page.get_by_label("Weekday evenings").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Thank you: your answers were submitted.")).to_be_visible()
    assert Response.objects.get().status == ResponseStatus.SUBMITTED
    sign_out(page)

    sign_in(page, base, coordinator.email)
    page.goto(f"{base}/cohorts/{cohort.pk}/questionnaires/")
    page.get_by_role("link", name="Answers").first.click()
    page.get_by_role("link", name="Ada Mentee").click()
    expect(page.get_by_text("Lead a data project end to end.")).to_be_visible()
    expect(page.get_by_text("Africa/Lagos (UTC+01:00)")).to_be_visible()
