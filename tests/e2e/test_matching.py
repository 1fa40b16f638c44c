import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cohorts.enums import CohortPhase, ParticipantRole
from cohorts.models import Pair, PairStatus
from matching.enums import ProposalStatus
from matching.models import MatchingSettings, MatchRun, Proposal
from matching.services.criteria import criteria_set_up_defaults
from mentorship.enums import OrgRole
from questionnaires.services.templating import questionnaire_from_template
from tests.factories import DEFAULT_PASSWORD, CohortFactory, MembershipFactory, SubcommitteeMemberFactory, UserFactory
from tests.matching.conftest import person

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def vote(page: Page, mentee: str, choice: str, comment: str = "") -> None:
    page.get_by_role("link", name=mentee, exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(f"^{mentee} with"))).to_be_visible()
    page.locator("#vote").get_by_label(choice, exact=True).check()
    if comment:
        page.locator("#vote").get_by_label("Comment").fill(comment)
    page.locator("#vote").get_by_role("button", name="Vote").click()
    expect(page.locator("#vote").get_by_text("Your vote is recorded.")).to_be_visible()
    page.go_back()
    page.reload()


def test_coordinator_runs_reviewers_vote_a_rejected_pair_is_rematched_and_the_mentee_sees_the_match(
    live_server, page: Page
):
    base = live_server.url
    coordinator = MembershipFactory(role=OrgRole.COORDINATOR, user__full_name="Cora Coordinator").user
    cohort = CohortFactory(
        program__organization=coordinator.org_memberships.get().organization,
        name="Spring cohort",
        phase=CohortPhase.TRAINING,
        mentor_default_capacity=1,
    )
    applications = {
        role: questionnaire_from_template(cohort=cohort, template_key=f"{role}_application", by=None)
        for role in (ParticipantRole.MENTEE, ParticipantRole.MENTOR)
    }
    criteria_set_up_defaults(cohort=cohort)
    reviewers = [
        SubcommitteeMemberFactory(cohort=cohort, user=UserFactory(full_name=f"Reviewer {n}")).user for n in (1, 2, 3)
    ]
    # Every reviewer takes part in each decision.
    MatchingSettings.objects.create(cohort=cohort, min_votes=3)
    mentee, mentor = ParticipantRole.MENTEE, ParticipantRole.MENTOR
    person(cohort, applications, mentee, name="Ada Mentee", track="backend", tz=0, values=["craft"], years=1)
    bea = person(cohort, applications, mentee, name="Bea Mentee", track="data", tz=5.5, values=["impact"], years=2)
    person(cohort, applications, mentor, name="Xena Mentor", track="backend", tz=1, values=["craft"], years=9)
    person(cohort, applications, mentor, name="Yara Mentor", track="data", tz=5.5, values=["impact"], years=12)
    person(cohort, applications, mentor, name="Zoe Mentor", track="frontend", tz=3, values=["impact"], years=7)

    # The coordinator runs the first round from the cohort page.
    sign_in(page, base, coordinator.email)
    page.goto(f"{base}{cohort.get_absolute_url()}")
    page.get_by_role("link", name=re.compile("^Matching Criteria")).click()
    page.get_by_role("button", name="Run the first round").click()
    expect(page.get_by_text("Round 1 is ready: 2 proposals to review.")).to_be_visible()
    first = MatchRun.objects.get()
    assert {(p.mentee.user.full_name, p.mentor.user.full_name) for p in first.proposals.all()} == {
        ("Ada Mentee", "Xena Mentor"),
        ("Bea Mentee", "Yara Mentor"),
    }

    # Three reviewers vote: Ada with Xena yes, Bea with Yara no.
    for number, reviewer in enumerate(reviewers, start=1):
        sign_in(page, base, reviewer.email)
        page.get_by_role("link", name="Spring cohort").first.click()
        page.get_by_role("link", name=re.compile("^Review proposals Read")).click()
        expect(page.get_by_role("heading", name="Proposed pairs")).to_be_visible()
        vote(page, "Ada Mentee", "Approve")
        vote(page, "Bea Mentee", "Reject", comment=f"Reviewer {number}: they work on the same team.")
    assert dict(Proposal.objects.values_list("mentee__user__full_name", "status")) == {
        "Ada Mentee": ProposalStatus.APPROVED,
        "Bea Mentee": ProposalStatus.REJECTED,
    }

    # The second round keeps Ada's pair and never proposes Bea with Yara again.
    sign_in(page, base, coordinator.email)
    page.goto(f"{base}/cohorts/{cohort.pk}/matching/")
    page.get_by_role("button", name="Run the next round").click()
    expect(page.get_by_text("Round 2 is ready: 1 proposal to review.")).to_be_visible()
    page.get_by_role("link", name="Review the proposals").click()
    page.get_by_role("link", name="Bea Mentee", exact=True).click()
    expect(page.get_by_role("heading", name="Bea Mentee with Zoe Mentor")).to_be_visible()
    decide = page.locator("#decide")
    decide.get_by_label("Approve").check()
    decide.get_by_label("Reason").fill("Agreed with the subcommittee by phone.")
    decide.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The proposal is approved.")).to_be_visible()

    page.goto(f"{base}/cohorts/{cohort.pk}/matching/")
    page.get_by_role("button", name="Publish 2 approved pairs").click()
    expect(page.get_by_text("2 pairs are published; both people of each were told by email.")).to_be_visible()
    assert set(
        Pair.objects.filter(status=PairStatus.ACTIVE).values_list("mentee__user__full_name", "mentor__user__full_name")
    ) == {
        ("Ada Mentee", "Xena Mentor"),
        ("Bea Mentee", "Zoe Mentor"),
    }

    # Bea sees her match on her cohort's page, and nothing of matching itself.
    sign_in(page, base, bea.user.email)
    page.get_by_role("link", name="Spring cohort").first.click()
    expect(page.get_by_text(re.compile("Your mentor: Zoe Mentor"))).to_be_visible()
    response = page.goto(f"{base}/cohorts/{cohort.pk}/matching/proposals/")
    assert response.status == 403


def test_a_pair_ended_at_the_end_of_term_keeps_the_mentee_out_until_the_coordinator_puts_them_back(
    live_server, page: Page
):
    base = live_server.url
    coordinator = MembershipFactory(role=OrgRole.COORDINATOR, user__full_name="Cora Coordinator").user
    cohort = CohortFactory(
        program__organization=coordinator.org_memberships.get().organization,
        name="Term cohort",
        phase=CohortPhase.LAUNCH,
        mentor_default_capacity=1,
        term_months=3,
    )
    applications = {
        role: questionnaire_from_template(cohort=cohort, template_key=f"{role}_application", by=None)
        for role in (ParticipantRole.MENTEE, ParticipantRole.MENTOR)
    }
    criteria_set_up_defaults(cohort=cohort)
    mentee, mentor = ParticipantRole.MENTEE, ParticipantRole.MENTOR
    ada = person(cohort, applications, mentee, name="Ada Mentee", track="backend", tz=0, values=["craft"], years=1)
    xena = person(cohort, applications, mentor, name="Xena Mentor", track="backend", tz=0, values=["craft"], years=9)
    person(cohort, applications, mentor, name="Yara Mentor", track="data", tz=5, values=["impact"], years=9)
    # Matched 85 days ago: the three-month term ends within two weeks.
    Pair.objects.create(cohort=cohort, mentor=xena, mentee=ada, matched_at=timezone.now() - datetime.timedelta(days=85))

    # At the end of the term the coordinator ends the mentorship.
    sign_in(page, base, coordinator.email)
    page.goto(f"{base}/cohorts/{cohort.pk}/end-of-term/")
    row = page.get_by_role("row", name=re.compile("Ada Mentee & Xena Mentor"))
    row.get_by_label("Decision").select_option("end")
    row.get_by_label("Note (optional)").fill("Ada has reached her goals.")
    row.get_by_role("button", name=re.compile("^Decide")).click()
    expect(page.get_by_text("Ada has reached her goals.").first).to_be_visible()

    # The matching page lists the ending; the next round does not propose Ada.
    page.goto(f"{base}/cohorts/{cohort.pk}/matching/")
    ended = page.locator("section[aria-labelledby=ended-heading]")
    expect(ended.get_by_text("Ada has reached her goals.")).to_be_visible()
    expect(ended.get_by_text("out of later rounds")).to_be_visible()
    page.get_by_role("button", name="Run the first round").click()
    expect(page.get_by_text("Round 1 is ready: 0 proposals to review.")).to_be_visible()
    assert not Proposal.objects.exists()

    # The coordinator puts Ada back: the next round proposes her with another mentor.
    page.goto(f"{base}/cohorts/{cohort.pk}/matching/")
    page.get_by_role("button", name=re.compile("^Put back into the rounds")).click()
    expect(page.get_by_text("Ada Mentee is back in the rounds")).to_be_visible()
    page.get_by_role("button", name="Run the next round").click()
    expect(page.get_by_text("Round 2 is ready: 1 proposal to review.")).to_be_visible()
    assert list(Proposal.objects.values_list("mentee__user__full_name", "mentor__user__full_name")) == [
        ("Ada Mentee", "Yara Mentor")
    ]
    expect(
        page.locator("section[aria-labelledby=ended-heading]").get_by_text(
            re.compile("Put back into the rounds by Cora Coordinator")
        )
    ).to_be_visible()
