"""Bulk votes and decisions: each proposal through the one-proposal services, a refused
selection changes nothing."""

import pytest
from django.core.exceptions import ValidationError

from cohorts.enums import CohortPhase
from matching.enums import EventKind, ProposalStatus, VoteChoice
from matching.models import ProposalEvent, ProposalView, Vote
from matching.selectors import viewed_pending_proposals
from matching.services.bulk import proposal_viewed, proposals_decide_bulk, votes_cast_bulk
from tests.factories import CohortFactory, EnrollmentFactory, MatchRunFactory, ProposalFactory, VoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals(cohort):
    run = MatchRunFactory(cohort=cohort, round_number=1)
    return [ProposalFactory(run=run, cohort=cohort, score=0.9 - i / 10) for i in range(4)]


def test_one_vote_is_recorded_on_each_proposal_with_its_own_audit_event(cohort, members, proposals):
    outcome = votes_cast_bulk(
        cohort=cohort,
        member=members[0],
        proposal_ids=[p.pk for p in proposals],
        choice=VoteChoice.APPROVE,
        comment="Good fits",
    )

    assert [p.pk for p in outcome.done] == [p.pk for p in proposals]
    assert outcome.skipped == []
    assert sorted(Vote.objects.values_list("proposal_id", "member_id", "choice", "comment")) == sorted(
        (p.pk, members[0].pk, VoteChoice.APPROVE, "Good fits") for p in proposals
    )
    assert ProposalEvent.objects.filter(kind=EventKind.VOTE, actor=members[0]).count() == 4
    # One vote of three members decides nothing (majority of three is two).
    assert outcome.decided == 0


def test_the_votes_decide_as_they_would_one_by_one(cohort, members, proposals):
    for p in proposals[:2]:
        VoteFactory(proposal=p, member=members[1], choice=VoteChoice.APPROVE)

    outcome = votes_cast_bulk(
        cohort=cohort, member=members[0], proposal_ids=[p.pk for p in proposals], choice=VoteChoice.APPROVE
    )

    assert outcome.decided == 2
    statuses = {p.pk: p.status for p in proposals}
    for p in proposals:
        p.refresh_from_db()
        statuses[p.pk] = p.status
    assert list(statuses.values()) == [ProposalStatus.APPROVED] * 2 + [ProposalStatus.PENDING] * 2
    assert ProposalEvent.objects.filter(kind=EventKind.DECISION, actor=None).count() == 2


def test_a_member_of_the_pair_is_skipped_with_the_reason_and_the_others_recorded(cohort, members, proposals):
    own = ProposalFactory(run=proposals[0].run, cohort=cohort, mentee=EnrollmentFactory(cohort=cohort, user=members[0]))
    decided = ProposalFactory(run=proposals[0].run, cohort=cohort, status=ProposalStatus.REJECTED)

    outcome = votes_cast_bulk(
        cohort=cohort,
        member=members[0],
        proposal_ids=[proposals[0].pk, own.pk, decided.pk],
        choice=VoteChoice.REJECT,
        comment="Tracks differ",
    )

    assert [p.pk for p in outcome.done] == [proposals[0].pk]
    assert {s.proposal.pk: s.reason for s in outcome.skipped} == {
        own.pk: "You are one of the two people of this pair: you can only recuse.",
        decided.pk: "This proposal is already rejected; votes are closed.",
    }
    assert list(Vote.objects.values_list("proposal_id", flat=True)) == [proposals[0].pk]


def test_a_member_of_the_pair_may_recuse_in_bulk(cohort, members, proposals):
    own = ProposalFactory(run=proposals[0].run, cohort=cohort, mentor=EnrollmentFactory(cohort=cohort, user=members[0]))

    outcome = votes_cast_bulk(
        cohort=cohort, member=members[0], proposal_ids=[own.pk, proposals[1].pk], choice=VoteChoice.RECUSE
    )

    assert len(outcome.done) == 2 and outcome.skipped == []


@pytest.mark.parametrize(
    "change, message",
    [
        ({"choice": "maybe"}, "Choose approve, reject or recuse."),
        ({"choice": VoteChoice.REJECT, "comment": "  "}, "Say why you reject these pairs."),
        ({"proposal_ids": []}, "Choose at least one proposal."),
        ({"foreign": True}, "Some of the chosen proposals are not proposals of this cohort"),
        ({"member": "outsider"}, "Only members of the cohort's subcommittee vote."),
        ({"closed": True}, "This cohort is closed"),
    ],
)
def test_a_refused_bulk_vote_changes_nothing(cohort, members, proposals, outsider, change, message):
    ids = [p.pk for p in proposals]
    if change.pop("foreign", False):
        ids.append(_foreign().pk)
    if change.pop("closed", False):
        cohort.phase = CohortPhase.CLOSED
        cohort.save()
    member = outsider if change.pop("member", None) else members[0]
    arguments = {"cohort": cohort, "member": member, "proposal_ids": ids, "choice": VoteChoice.APPROVE, **change}

    with pytest.raises(ValidationError) as raised:
        votes_cast_bulk(**arguments)

    assert message in " ".join(raised.value.messages)
    assert not Vote.objects.exists()
    assert not ProposalEvent.objects.exists()


def _foreign():
    other = CohortFactory()
    return ProposalFactory(run=MatchRunFactory(cohort=other), cohort=other)


def test_too_many_at_once_is_refused(cohort, members, proposals, settings):
    settings.MATCHING_BULK_MAX = 3

    with pytest.raises(ValidationError, match="at most 3 proposals"):
        votes_cast_bulk(cohort=cohort, member=members[0], proposal_ids=[p.pk for p in proposals], choice="approve")


def test_the_coordinator_decides_many_with_one_reason(cohort, coordinator, proposals):
    approved = ProposalFactory(run=proposals[0].run, cohort=cohort, status=ProposalStatus.APPROVED)
    proposals[3].status = ProposalStatus.REJECTED
    proposals[3].save()

    outcome = proposals_decide_bulk(
        cohort=cohort,
        by=coordinator,
        proposal_ids=[p.pk for p in proposals] + [approved.pk],
        decision=ProposalStatus.REJECTED,
        reason="Second round instead",
    )

    assert {p.pk for p in outcome.done} == {p.pk for p in proposals[:3]} | {approved.pk}
    assert [(s.proposal.pk, s.reason) for s in outcome.skipped] == [
        (proposals[3].pk, "This proposal can no longer be decided.")
    ]
    events = ProposalEvent.objects.filter(kind=EventKind.DECISION, actor=coordinator)
    assert sorted(events.values_list("proposal_id", "outcome", "comment")) == sorted(
        (p.pk, ProposalStatus.REJECTED, "Second round instead") for p in outcome.done
    )


def test_a_decision_needs_a_reason_and_changes_nothing_without_one(cohort, coordinator, proposals):
    with pytest.raises(ValidationError):
        proposals_decide_bulk(
            cohort=cohort, by=coordinator, proposal_ids=[proposals[0].pk], decision="approved", reason=" "
        )
    proposals[0].refresh_from_db()
    assert proposals[0].status == ProposalStatus.PENDING


def test_what_a_person_has_opened_is_remembered_once(cohort, members, proposals):
    proposal_viewed(proposal=proposals[0], viewer=members[0])
    proposal_viewed(proposal=proposals[0], viewer=members[0])
    proposal_viewed(proposal=proposals[1], viewer=members[0])
    proposal_viewed(proposal=proposals[2], viewer=members[1])
    VoteFactory(proposal=proposals[1], member=members[0], choice=VoteChoice.APPROVE)

    assert ProposalView.objects.count() == 3
    mine = viewed_pending_proposals(cohort=cohort, user=members[0], unvoted=False)
    assert sorted(mine.values_list("pk", flat=True)) == [proposals[0].pk, proposals[1].pk]
    unvoted = viewed_pending_proposals(cohort=cohort, user=members[0], unvoted=True)
    assert list(unvoted.values_list("pk", flat=True)) == [proposals[0].pk]
