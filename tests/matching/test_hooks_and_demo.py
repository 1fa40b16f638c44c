import pytest
from django.urls import reverse

from cohorts.enums import CohortPhase
from cohorts.hooks import cohort_sections, phase_blockers
from cohorts.models import Pair, PairStatus
from matching.enums import ProposalStatus, VoteChoice
from matching.models import MatchingCriterion, MatchRun, Proposal, ProposalEvent, PublishJob, Vote
from mentorship.demo import seed_demo
from mentorship.enums import JobStatus
from tests.factories import EnrollmentFactory, ProposalFactory, SubcommitteeMemberFactory

pytestmark = pytest.mark.django_db


def matching_sections(cohort, user):
    return [
        (s.title, s.url) for s in cohort_sections(cohort, user) if s.url.startswith(f"/cohorts/{cohort.pk}/matching/")
    ]


def test_each_person_gets_the_matching_link_they_may_open(cohort, coordinator, viewer):
    member = SubcommitteeMemberFactory(cohort=cohort).user
    mentee = EnrollmentFactory(cohort=cohort).user
    page = reverse("matching:matching-detail", kwargs={"pk": cohort.pk})

    assert matching_sections(cohort, coordinator) == [("Matching", page)]
    assert matching_sections(cohort, member) == [
        ("Review proposals", reverse("matching:proposal-list", kwargs={"pk": cohort.pk}))
    ]
    assert matching_sections(cohort, viewer) == [("Matching", page)]
    assert matching_sections(cohort, mentee) == []


def test_launch_warns_about_approved_pairs_not_published(cohort):
    ProposalFactory(run__cohort=cohort, cohort=cohort, status=ProposalStatus.APPROVED)
    ProposalFactory(run__cohort=cohort, cohort=cohort, status=ProposalStatus.PENDING)

    blockers = [b for b in phase_blockers(cohort, CohortPhase.LAUNCH) if "published" in b.message]

    assert [(b.message, b.warning, b.count) for b in blockers] == [("1 approved pair is not published yet.", True, 1)]
    assert [b for b in phase_blockers(cohort, CohortPhase.SHOWCASE) if "published" in b.message] == []


def test_the_demo_has_two_rounds_votes_and_published_pairs_and_seeds_once():
    seed_demo()
    counts = (MatchRun.objects.count(), Proposal.objects.count(), Vote.objects.count(), ProposalEvent.objects.count())
    seed_demo()

    assert (
        MatchRun.objects.count(),
        Proposal.objects.count(),
        Vote.objects.count(),
        ProposalEvent.objects.count(),
    ) == counts
    runs = list(MatchRun.objects.order_by("round_number"))
    assert [(r.round_number, r.status) for r in runs] == [(1, JobStatus.SUCCEEDED), (2, JobStatus.SUCCEEDED)]
    published = Proposal.objects.filter(run=runs[0], pair__isnull=False).count()
    assert list(PublishJob.objects.values_list("status", "total", "published_count")) == [
        (JobStatus.SUCCEEDED, published, published)
    ]
    cohort = runs[0].cohort
    assert list(MatchingCriterion.objects.filter(cohort=cohort).values_list("key", flat=True)) == [
        "career_track",
        "geography",
        "values",
        "department",
        "seniority",
    ]
    first = runs[0].proposals
    active = set(Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE).values_list("pk", flat=True))
    assert set(first.filter(status=ProposalStatus.APPROVED).values_list("pair_id", flat=True)) == active
    assert len(active) == 18
    assert set(Vote.objects.filter(proposal__status=ProposalStatus.APPROVED).values_list("choice", flat=True)) == {
        VoteChoice.APPROVE
    }
    assert Vote.objects.filter(proposal__status=ProposalStatus.APPROVED).count() == 18 * 3
    rejected = list(first.filter(status=ProposalStatus.REJECTED).select_related("mentee__user"))
    assert sorted(p.mentee.user.email for p in rejected) == ["mentee19@demo.test", "mentee20@demo.test"]
    second = list(runs[1].proposals.select_related("mentee__user", "mentor__user").order_by("mentee__user__email"))
    assert [(p.mentee.user.email, p.mentor.user.email, p.status) for p in second] == [
        ("mentee19@demo.test", "mentor10@demo.test", ProposalStatus.PENDING),
        ("mentee20@demo.test", "mentor10@demo.test", ProposalStatus.PENDING),
    ]
    assert Vote.objects.filter(proposal__run=runs[1]).count() == 1
    # Scores come from the engine: each breakdown adds up to its score.
    for proposal in Proposal.objects.all():
        assert sum(proposal.breakdown.values()) == pytest.approx(proposal.score)
