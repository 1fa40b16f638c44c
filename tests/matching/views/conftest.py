import pytest

from matching.enums import ProposalStatus
from matching.models import PublishJob
from mentorship.enums import JobStatus
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    ExclusionFactory,
    MatchRunFactory,
    MembershipFactory,
    PairFactory,
    ProposalFactory,
    SubcommitteeMemberFactory,
)

SNAPSHOT = [
    {
        "key": "career_track",
        "label": "Career track",
        "kind": "same",
        "weight": 5,
        "hard": False,
        "mentee_key": "career_track",
        "mentor_key": "career_track",
    },
    {
        "key": "seniority",
        "label": "Seniority",
        "kind": "ordinal",
        "weight": 0,
        "hard": True,
        "mentee_key": "seniority",
        "mentor_key": "seniority",
    },
]


@pytest.fixture
def member(cohort):
    return SubcommitteeMemberFactory(cohort=cohort).user


@pytest.fixture
def mentee(cohort):
    return EnrollmentFactory(cohort=cohort)


@pytest.fixture
def objects(cohort, criteria):
    """One of everything a matching URL points at."""
    run = MatchRunFactory(cohort=cohort, criteria=SNAPSHOT, round_number=1)
    proposal = ProposalFactory(run=run, cohort=cohort, breakdown={"career_track": 1.0, "seniority": 0.0}, score=1.0)
    published = ProposalFactory(run=run, cohort=cohort, status=ProposalStatus.APPROVED)
    published.pair = PairFactory(cohort=cohort, mentor=published.mentor, mentee=published.mentee)
    published.save()
    suggestion = proposal.suggestions.create(mentor=published.mentor, score=0.5, suggested_by=None)
    return {
        "run": run,
        "proposal": proposal,
        "pair": published.pair,
        "suggestion": suggestion,
        "criterion": criteria[0],
        "exclusion": ExclusionFactory(cohort=cohort),
        "publishing": PublishJob.objects.create(
            cohort=cohort, total=1, published_count=1, status=JobStatus.FAILED, failure="Stopped"
        ),
    }


@pytest.fixture
def elsewhere():
    """A coordinator of another organization, with a cohort and a proposal of their own."""
    other = CohortFactory()
    coordinator = MembershipFactory(organization=other.program.organization).user
    return {"coordinator": coordinator, "cohort": other, "proposal": ProposalFactory(run__cohort=other, cohort=other)}
