"""The cohort journey in the browser: a coordinator sets a cohort up, imports people and
opens enrollment; an invited person signs up through the link and completes training; the
coordinator's dashboard shows it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from cohorts.models import Cohort
from mentorship.enums import OrgRole
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, ProgramFactory, SubcommitteeMemberFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base: str, email: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(f"{base}/")


def funnel(page: Page, stage: str):
    return page.locator(f"[data-stage={stage}]")


def test_coordinator_sets_up_cohort_imports_people_and_invitee_joins(live_server, page: Page, tmp_path):
    coordinator = MembershipFactory(role=OrgRole.COORDINATOR, user__full_name="Cora Coordinator").user
    program = ProgramFactory(organization=coordinator.org_memberships.get().organization, name="Reach Out")
    base = live_server.url

    # The coordinator creates the cohort from the program's page.
    sign_in(page, base, coordinator.email)
    page.goto(f"{base}/programs/{program.pk}/")
    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Name").fill("Spring cohort")
    page.get_by_label("Enrollment opens").fill("2027-03-01")
    page.get_by_label("Enrollment closes").fill("2027-03-21")
    page.get_by_label("Training due").fill("2027-04-01")
    page.get_by_label("Launch").fill("2027-04-05")
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_role("heading", name="Spring cohort", level=1)).to_be_visible()
    cohort = Cohort.objects.get(name="Spring cohort")
    for _ in range(3):
        SubcommitteeMemberFactory(cohort=cohort)

    # Opening enrollment is blocked, and the page says why, with a link to fix it.
    expect(page.get_by_role("button", name="Move on to Enrollment")).to_be_disabled()
    expect(page.get_by_text("The cohort has no application questionnaire for mentees.")).to_be_visible()
    page.get_by_role("link", name="The cohort has no application questionnaire for mentees.").click()
    page.get_by_role("button", name="Set up from the templates").click()

    # A training module for everyone.
    page.goto(f"{base}/cohorts/{cohort.pk}/training/new/")
    page.get_by_label("Title").fill("Welcome to the program")
    page.get_by_label("Content").fill("## How we work\n\nMeet every two weeks.")
    page.get_by_label("Required").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Welcome to the program", exact=True)).to_be_visible()

    # CSV import: one good row, one bad row; the report shows both.
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("name,email,role,capacity\nMary Jackson,mary@example.org,mentee,\nNo Email,,mentor,2\n")
    page.goto(f"{base}/cohorts/{cohort.pk}/invitations/")
    page.locator("#id_file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Import").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Finished")
    expect(status).to_contain_text(re.compile(r"2 of 2 rows\.\s+1 invited, 1 skipped\."))
    expect(page.get_by_role("cell", name="“” is not a valid email address.")).to_be_visible()

    # Now enrollment opens.
    page.goto(f"{base}/cohorts/{cohort.pk}/")
    page.get_by_role("button", name="Move on to Enrollment").click()
    expect(page.get_by_text("The cohort is now in the Enrollment phase.")).to_be_visible()
    page.goto(f"{base}/cohorts/{cohort.pk}/dashboard/")
    expect(funnel(page, "invited")).to_have_text("1")
    expect(funnel(page, "accepted")).to_have_text("0")
    page.context.clear_cookies()

    # The invited person follows the link in the email, signs up and joins.
    invitation = next(m for m in mail.outbox if m.to == ["mary@example.org"])
    link = re.search(r"https?://\S+/invitations/\S+/", invitation.body).group(0)
    page.goto(base + link[link.index("/invitations/") :])
    expect(page.get_by_role("heading", name="You are invited to Spring cohort")).to_be_visible()
    page.get_by_role("link", name="Create your account to accept").click()
    page.get_by_label("Full name").fill("Mary Jackson")
    page.get_by_label("Email").fill("mary@example.org")
    page.get_by_label("Password", exact=False).first.fill("wind-tunnel-2026")
    page.get_by_label("Password (again)").fill("wind-tunnel-2026")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_label("I have read the participant guidelines and will follow them.").check()
    page.get_by_role("button", name="Join the cohort").click()
    expect(page.get_by_text("Welcome to Spring cohort!")).to_be_visible()

    # ...and completes the training.
    page.get_by_role("link", name="Finish your training: 1 required module left").click()
    page.get_by_role("link", name="Welcome to the program", exact=True).click()
    expect(page.get_by_role("heading", name="How we work")).to_be_visible()
    page.get_by_role("button", name="I have completed this module").click()
    expect(page.get_by_text("Done", exact=True)).to_be_visible()
    page.context.clear_cookies()

    # The coordinator's dashboard has moved.
    sign_in(page, base, coordinator.email)
    page.goto(f"{base}/cohorts/{cohort.pk}/dashboard/")
    expect(funnel(page, "invited")).to_have_text("1")
    expect(funnel(page, "applied")).to_have_text("1")
    expect(funnel(page, "accepted")).to_have_text("1")
    expect(funnel(page, "trained")).to_have_text("1")
    page.get_by_label("Search by name or email").fill("mary")
    expect(page.locator("#people").get_by_text("mary@example.org")).to_be_visible()
