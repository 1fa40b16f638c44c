"""Browser journey: a reviewer reads two proposals, then votes on the whole page at once; a
second reviewer approves all she has opened; the coordinator rejects what is left with one
reason. On a phone, a proposal's vote form comes before the long answers."""

import re

import pytest
from playwright.sync_api import Page, expect

from cohorts.enums import CohortPhase
from matching.enums import ProposalStatus, VoteChoice
from matching.models import ProposalEvent, Vote
from mentorship.enums import OrgRole
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    MatchRunFactory,
    MembershipFactory,
    MentorEnrollmentFactory,
    ProposalFactory,
    SubcommitteeMemberFactory,
    UserFactory,
)
from tests.matching.views.conftest import SNAPSHOT

from .test_matching import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_reviewers_and_the_coordinator_act_on_many_proposals_at_once(live_server, page: Page):
    base = live_server.url
    coordinator = MembershipFactory(role=OrgRole.COORDINATOR, user__full_name="Cora Coordinator").user
    cohort = CohortFactory(
        program__organization=coordinator.org_memberships.get().organization,
        name="Spring cohort",
        phase=CohortPhase.TRAINING,
    )
    reviewers = [
        SubcommitteeMemberFactory(cohort=cohort, user=UserFactory(full_name=f"Reviewer {n}")).user for n in (1, 2, 3)
    ]
    run = MatchRunFactory(cohort=cohort, criteria=SNAPSHOT, round_number=1)
    proposals = [
        ProposalFactory(
            run=run,
            cohort=cohort,
            score=0.9 - n / 10,
            mentee=EnrollmentFactory(cohort=cohort, user=UserFactory(full_name=f"Mentee {n}")),
            mentor=MentorEnrollmentFactory(cohort=cohort, user=UserFactory(full_name=f"Mentor {n}")),
        )
        for n in range(1, 5)
    ]
    # Reviewer 1 is herself the mentor of a fifth pair: she may only recuse on it.
    own = ProposalFactory(
        run=run,
        cohort=cohort,
        score=0.3,
        mentee=EnrollmentFactory(cohort=cohort, user=UserFactory(full_name="Mentee 5")),
        mentor=MentorEnrollmentFactory(cohort=cohort, user=reviewers[0]),
    )
    proposals_url = f"{base}/cohorts/{cohort.pk}/matching/proposals/"

    # Reviewer 1 reads two proposals, then approves every proposal on the page in one go.
    sign_in(page, base, reviewers[0].email)
    page.goto(proposals_url)
    for name in ("Mentee 1", "Mentee 2"):
        page.get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("heading", name=re.compile(f"^{name} with"))).to_be_visible()
        page.go_back()
    page.get_by_label("Select all on this page").check()
    expect(page.get_by_label("Choose Mentee 4 with Mentor 4")).to_be_checked()
    bulk = page.locator("#bulk")
    bulk.get_by_label("Vote approve").check()
    bulk.get_by_label("Reason").fill("Tracks and time zones fit")
    bulk.get_by_role("button", name="Record for the chosen proposals").click()
    expect(page.get_by_role("alert").or_(page.locator(".messages"))).to_contain_text(
        "4 votes recorded; 1 skipped: Mentee 5 with Reviewer 1: You are one of the two people of this pair: "
        "you can only recuse."
    )
    assert Vote.objects.filter(member=reviewers[0]).count() == 4
    assert ProposalEvent.objects.filter(actor=reviewers[0], comment="Tracks and time zones fit").count() == 4

    # Reviewer 2 opens two proposals and approves all she has looked at: they are decided.
    sign_in(page, base, reviewers[1].email)
    page.goto(proposals_url)
    for name in ("Mentee 1", "Mentee 3"):
        page.get_by_role("link", name=name, exact=True).click()
        expect(page.locator("#vote")).to_be_visible()
        page.go_back()
    page.reload()
    bulk = page.locator("#bulk")
    bulk.get_by_label("Vote approve").check()
    bulk.get_by_label(re.compile(r"All pending proposals I have opened and not voted on yet \(2\)")).check()
    bulk.get_by_role("button", name="Record for the chosen proposals").click()
    expect(page.locator("main")).to_contain_text("2 votes recorded; 2 proposals are now decided by the votes.")
    statuses = {p.mentee.user.full_name: p.status for p in (p.__class__.objects.get(pk=p.pk) for p in proposals)}
    assert statuses == {
        "Mentee 1": ProposalStatus.APPROVED,
        "Mentee 2": ProposalStatus.PENDING,
        "Mentee 3": ProposalStatus.APPROVED,
        "Mentee 4": ProposalStatus.PENDING,
    }

    # The coordinator rejects the two left (and the fifth) with one reason.
    sign_in(page, base, coordinator.email)
    page.goto(proposals_url)
    expect(page.get_by_text("3 proposals", exact=True)).to_be_visible()
    page.get_by_label("Select all on this page").check()
    bulk = page.locator("#bulk")
    bulk.get_by_label("Decide: reject").check()
    bulk.get_by_label("Reason").fill("Second round with the new mentors")
    bulk.get_by_role("button", name="Record for the chosen proposals").click()
    expect(page.locator("main")).to_contain_text("3 decisions recorded.")
    own.refresh_from_db()
    assert own.status == ProposalStatus.REJECTED
    assert not Vote.objects.filter(proposal=own).exclude(choice=VoteChoice.RECUSE).exists()


def test_on_a_phone_the_vote_form_comes_before_the_answers(live_server, page: Page):
    base = live_server.url
    coordinator = MembershipFactory(role=OrgRole.COORDINATOR).user
    cohort = CohortFactory(
        program__organization=coordinator.org_memberships.get().organization, phase=CohortPhase.TRAINING
    )
    reviewer = SubcommitteeMemberFactory(cohort=cohort).user
    proposal = ProposalFactory(run=MatchRunFactory(cohort=cohort, criteria=SNAPSHOT, round_number=1), cohort=cohort)
    sign_in(page, base, reviewer.email)

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{base}{proposal.get_absolute_url()}")
    vote, answers = page.locator("#vote").bounding_box(), page.locator("#answers-heading").bounding_box()
    assert vote["y"] < answers["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # On a wide screen the vote stays in the column on the right of the answers.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base}{proposal.get_absolute_url()}")
    vote, answers = page.locator("#vote").bounding_box(), page.locator("#answers-heading").bounding_box()
    assert vote["x"] > answers["x"] + answers["width"] / 2
