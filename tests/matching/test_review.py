import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohorts.enums import ParticipantRole
from matching.enums import EventKind, ProposalStatus, SuggestionStatus, Threshold, VoteChoice
from matching.models import MatchingSettings, Proposal, ProposalEvent, Vote
from matching.services.review import (
    decision_from_votes,
    proposal_decide,
    proposal_swap,
    suggestion_accept,
    suggestion_create,
    suggestion_decline,
    swap_preview,
    vote_cast,
)
from matching.services.runs import match_run_start
from mentorship.models import Notification
from tests.factories import ExclusionFactory, MentorEnrollmentFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db

MENTEE, MENTOR = ParticipantRole.MENTEE, ParticipantRole.MENTOR
APPROVED, REJECTED = ProposalStatus.APPROVED, ProposalStatus.REJECTED


# --- The rule, deterministic ------------------------------------------------------------


@pytest.mark.parametrize(
    ("approvals", "rejections", "recusals", "members", "threshold", "min_votes", "expected"),
    [
        (1, 0, 0, 3, Threshold.MAJORITY, 1, None),
        (2, 0, 0, 3, Threshold.MAJORITY, 1, APPROVED),
        (0, 2, 0, 3, Threshold.MAJORITY, 1, REJECTED),
        (1, 1, 0, 3, Threshold.MAJORITY, 1, None),
        (1, 1, 1, 3, Threshold.MAJORITY, 1, None),  # 2 eligible: a majority is 2
        (1, 0, 2, 3, Threshold.MAJORITY, 1, APPROVED),  # 1 eligible member decides with quorum 1
        (1, 0, 2, 3, Threshold.MAJORITY, 2, None),  # ... but not with a quorum of 2
        (0, 0, 3, 3, Threshold.MAJORITY, 1, None),  # everyone recused: the coordinator decides
        (2, 0, 0, 4, Threshold.MAJORITY, 1, None),  # half is not a majority
        (3, 0, 0, 4, Threshold.MAJORITY, 1, APPROVED),
        (2, 1, 0, 3, Threshold.UNANIMOUS, 1, None),
        (3, 0, 0, 3, Threshold.UNANIMOUS, 1, APPROVED),
        (3, 0, 0, 5, Threshold.TWO_THIRDS, 1, None),
        (4, 0, 0, 5, Threshold.TWO_THIRDS, 1, APPROVED),
        (2, 0, 0, 3, Threshold.MAJORITY, 3, None),
        (3, 0, 0, 3, Threshold.MAJORITY, 3, APPROVED),
        (0, 0, 0, 0, Threshold.MAJORITY, 1, None),  # no subcommittee
    ],
)
def test_decision_from_votes(approvals, rejections, recusals, members, threshold, min_votes, expected):
    assert (
        decision_from_votes(
            approvals=approvals,
            rejections=rejections,
            recusals=recusals,
            members=members,
            threshold=threshold,
            min_votes=min_votes,
        )
        == expected
    )


# The rule is pure arithmetic; on a busy machine drawing inputs can look slow, which is no fault.
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    members=st.integers(0, 12),
    data=st.data(),
    threshold=st.sampled_from(Threshold.values),
    min_votes=st.integers(1, 6),
)
def test_votes_never_decide_both_ways_and_more_approvals_never_undo_an_approval(members, data, threshold, min_votes):
    recusals = data.draw(st.integers(0, members))
    approvals = data.draw(st.integers(0, members - recusals))
    rejections = data.draw(st.integers(0, members - recusals - approvals))
    rule = {"threshold": threshold, "min_votes": min_votes, "members": members, "recusals": recusals}

    outcome = decision_from_votes(approvals=approvals, rejections=rejections, **rule)

    if outcome == APPROVED:
        assert approvals > (members - recusals) / 2
        assert approvals >= min_votes
        if rejections:
            more = decision_from_votes(approvals=approvals + 1, rejections=rejections - 1, **rule)
            assert more == APPROVED
    if outcome == REJECTED:
        assert rejections > (members - recusals) / 2
    assert outcome in (None, APPROVED, REJECTED)


# --- Votes --------------------------------------------------------------------------------


@pytest.fixture
def proposal(cohort):
    return ProposalFactory(run__cohort=cohort, cohort=cohort)


def test_two_approvals_of_three_members_approve(proposal, members):
    vote_cast(proposal=proposal, member=members[0], choice=VoteChoice.APPROVE)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING

    vote_cast(proposal=proposal, member=members[1], choice=VoteChoice.APPROVE, comment="Good fit")

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert proposal.decided_by is None
    assert proposal.decided_directly is False
    assert proposal.decision_reason == "2 of 3 members approved."
    kinds = list(proposal.events.values_list("kind", "outcome", "actor_id"))
    assert kinds == [
        (EventKind.VOTE, VoteChoice.APPROVE, members[0].pk),
        (EventKind.VOTE, VoteChoice.APPROVE, members[1].pk),
        (EventKind.DECISION, ProposalStatus.APPROVED, None),
    ]


def test_a_commented_vote_and_the_decision_reach_the_other_reviewers_and_coordinators_in_the_app(
    proposal, members, coordinator
):
    vote_cast(proposal=proposal, member=members[0], choice=VoteChoice.APPROVE)
    vote_cast(proposal=proposal, member=members[1], choice=VoteChoice.APPROVE, comment="Same city, same track")

    listed = sorted(Notification.objects.values_list("user__full_name", "kind"))
    expected = [(m.full_name, "vote-cast") for m in (members[0], members[2])] + [
        (m.full_name, "vote-result") for m in members
    ]
    assert listed == sorted([*expected, (coordinator.full_name, "vote-cast"), (coordinator.full_name, "vote-result")])
    result = Notification.objects.filter(kind="vote-result").first()
    mentee, mentor = proposal.mentee.user.get_full_name(), proposal.mentor.user.get_full_name()
    assert result.title == f"Approved by the votes: {mentee} and {mentor} ({proposal.cohort.name})"
    assert result.url == f"/cohorts/{proposal.cohort_id}/matching/proposals/{proposal.pk}/"
    comment = Notification.objects.filter(kind="vote-cast").first()
    assert comment.title == f"Member 2 voted “approve” on {mentee} and {mentor}: “Same city, same track”"


def test_the_people_of_a_proposal_never_see_its_votes_in_their_list(proposal, members):
    proposal.mentee.user = members[2]
    proposal.mentee.save()

    vote_cast(proposal=proposal, member=members[0], choice=VoteChoice.APPROVE, comment="Fine")

    assert not Notification.objects.filter(user=members[2]).exists()


def test_a_rejection_needs_a_comment(proposal, members):
    with pytest.raises(ValidationError) as error:
        vote_cast(proposal=proposal, member=members[0], choice=VoteChoice.REJECT, comment="  ")

    assert error.value.message_dict == {"comment": ["Say why you reject this pair."]}
    assert not Vote.objects.exists()


def test_recusals_shrink_the_majority(proposal, members):
    vote_cast(proposal=proposal, member=members[0], choice=VoteChoice.RECUSE, comment="She reports to me.")
    vote_cast(proposal=proposal, member=members[1], choice=VoteChoice.REJECT, comment="Too far apart")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING

    vote_cast(proposal=proposal, member=members[2], choice=VoteChoice.REJECT, comment="Agreed")

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert proposal.decision_reason == "2 of 2 members rejected."


def test_a_member_changes_their_vote_while_pending_and_both_stay_on_record(proposal, members):
    vote_cast(proposal=proposal, member=members[0], choice=VoteChoice.REJECT, comment="Hmm")

    vote_cast(proposal=proposal, member=members[0], choice=VoteChoice.APPROVE, comment="Convinced")

    assert list(Vote.objects.values_list("member_id", "choice", "comment")) == [
        (members[0].pk, VoteChoice.APPROVE, "Convinced")
    ]
    assert list(proposal.events.values_list("outcome", flat=True)) == [VoteChoice.REJECT, VoteChoice.APPROVE]


def test_votes_close_once_decided(proposal, members):
    vote_cast(proposal=proposal, member=members[0], choice=VoteChoice.APPROVE)
    vote_cast(proposal=proposal, member=members[1], choice=VoteChoice.APPROVE)

    with pytest.raises(ValidationError) as error:
        vote_cast(proposal=proposal, member=members[2], choice=VoteChoice.REJECT, comment="Late")

    assert error.value.messages == ["This proposal is already approved; votes are closed."]
    assert Vote.objects.filter(member=members[2]).count() == 0


def test_only_members_vote(proposal, members, coordinator):
    with pytest.raises(ValidationError) as error:
        vote_cast(proposal=proposal, member=coordinator, choice=VoteChoice.APPROVE)

    assert error.value.messages == ["Only members of the cohort's subcommittee vote."]


def test_a_member_who_is_one_of_the_pair_can_only_recuse(cohort, members):
    proposal = ProposalFactory(run__cohort=cohort, cohort=cohort, mentor__cohort=cohort, mentor__user=members[0])

    with pytest.raises(ValidationError) as error:
        vote_cast(proposal=proposal, member=members[0], choice=VoteChoice.APPROVE)
    vote_cast(proposal=proposal, member=members[0], choice=VoteChoice.RECUSE)

    assert error.value.messages == ["You are one of the two people of this pair: you can only recuse."]
    assert list(Vote.objects.filter(proposal=proposal).values_list("member", "choice")) == [
        (members[0].pk, VoteChoice.RECUSE)
    ]


def test_the_cohorts_quorum_applies(proposal, members):
    MatchingSettings.objects.create(cohort=proposal.cohort, threshold=Threshold.MAJORITY, min_votes=3)
    vote_cast(proposal=proposal, member=members[0], choice=VoteChoice.APPROVE)
    vote_cast(proposal=proposal, member=members[1], choice=VoteChoice.APPROVE)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING

    vote_cast(proposal=proposal, member=members[2], choice=VoteChoice.APPROVE)

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED


def test_votes_of_people_who_left_the_subcommittee_do_not_count(proposal, members):
    outsider = UserFactory()
    Vote.objects.create(proposal=proposal, member=outsider, choice=VoteChoice.APPROVE)

    vote_cast(proposal=proposal, member=members[0], choice=VoteChoice.APPROVE)

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


# --- The coordinator's decisions ---------------------------------------------------------


def test_the_coordinator_decides_directly_with_a_reason(proposal, coordinator):
    decided = proposal_decide(proposal=proposal, by=coordinator, decision=APPROVED, reason="Known to work well")

    assert (decided.status, decided.decided_by, decided.decided_directly) == (APPROVED, coordinator, True)
    event = ProposalEvent.objects.get()
    assert (event.kind, event.outcome, event.actor, event.comment) == (
        EventKind.DECISION,
        APPROVED,
        coordinator,
        "Known to work well",
    )


def test_a_direct_decision_needs_a_reason_and_an_open_proposal(proposal, coordinator):
    with pytest.raises(ValidationError) as no_reason:
        proposal_decide(proposal=proposal, by=coordinator, decision=APPROVED, reason=" ")
    proposal_decide(proposal=proposal, by=coordinator, decision=REJECTED, reason="No")
    with pytest.raises(ValidationError) as closed:
        proposal_decide(proposal=proposal, by=coordinator, decision=APPROVED, reason="Changed my mind")

    assert no_reason.value.message_dict == {"reason": ["Give the reason for your decision; it is kept on record."]}
    assert closed.value.messages == ["This proposal can no longer be decided."]


def test_an_approved_unpublished_proposal_can_still_be_rejected(proposal, coordinator):
    proposal_decide(proposal=proposal, by=coordinator, decision=APPROVED, reason="Yes")

    proposal_decide(proposal=proposal, by=coordinator, decision=REJECTED, reason="The mentor withdrew informally")

    proposal.refresh_from_db()
    assert proposal.status == REJECTED


# --- Swaps and suggestions ---------------------------------------------------------------


@pytest.fixture
def matched(cohort, coordinator, make_person, criteria, django_capture_on_commit_callbacks):
    """A round with Ada proposed to Xena; Yara (free) and Zed (junior, fails seniority) exist."""
    ada = make_person(MENTEE, name="Ada", track="backend", tz=0, values=["craft"], years=2)
    xena = make_person(MENTOR, name="Xena", track="backend", tz=0, values=["craft"], years=10)
    yara = make_person(MENTOR, name="Yara", track="data", tz=3, values=["craft", "impact"], years=8)
    zed = make_person(MENTOR, name="Zed", track="backend", tz=0, values=["craft"], years=1)
    with django_capture_on_commit_callbacks(execute=True):
        run = match_run_start(cohort=cohort, by=coordinator)
    return {"proposal": run.proposals.get(mentee=ada), "ada": ada, "xena": xena, "yara": yara, "zed": zed}


def test_swap_preview_scores_with_the_engine(matched):
    preview = swap_preview(proposal=matched["proposal"], mentor=matched["yara"])

    # different track, 3 hours apart, values 1 of 2 shared, departments not answered
    assert preview.score.breakdown == pytest.approx(
        {
            "career_track": 0.0,
            "geography": 3 * (1 - 3 / 12) / 14,
            "values": 4 * 0.5 / 14,
            "department": 0.0,
            "seniority": 0.0,
        }
    )
    assert preview.problems == []


def test_a_swap_replaces_the_proposal_by_a_new_pending_one(matched, coordinator):
    old = matched["proposal"]

    new = proposal_swap(proposal=old, mentor=matched["yara"], by=coordinator, comment="Yara asked for a data mentee")

    old.refresh_from_db()
    assert old.status == ProposalStatus.SUPERSEDED
    assert (new.mentee, new.mentor, new.status, new.swapped_from, new.created_by) == (
        matched["ada"],
        matched["yara"],
        ProposalStatus.PENDING,
        old,
        coordinator,
    )
    assert new.score == pytest.approx(sum(new.breakdown.values()))
    assert new.alternatives[0] == {"mentor": matched["xena"].pk, "score": old.score}
    assert list(ProposalEvent.objects.filter(kind=EventKind.SWAP).values_list("proposal_id", flat=True)) == [
        old.pk,
        new.pk,
    ]


def test_a_swap_failing_a_hard_criterion_is_refused_with_the_reason(matched, coordinator):
    with pytest.raises(ValidationError) as error:
        proposal_swap(proposal=matched["proposal"], mentor=matched["zed"], by=coordinator)

    assert error.value.messages == ["The pair fails the hard criterion “Seniority”."]
    assert Proposal.objects.get().mentor == matched["xena"]


def test_a_swap_to_a_full_or_excluded_mentor_is_refused(matched, coordinator, cohort, make_person):
    full = MentorEnrollmentFactory(cohort=cohort, capacity=1)
    ProposalFactory(run=matched["proposal"].run, cohort=cohort, mentor=full)
    ExclusionFactory(cohort=cohort, mentee=matched["ada"], mentor=matched["yara"])

    with pytest.raises(ValidationError) as to_full:
        proposal_swap(proposal=matched["proposal"], mentor=full, by=coordinator)
    with pytest.raises(ValidationError) as to_excluded:
        proposal_swap(proposal=matched["proposal"], mentor=matched["yara"], by=coordinator)

    assert to_full.value.messages[0] == f"{full.user} has no seat left."
    assert to_excluded.value.messages == [
        "These two were excluded, rejected in an earlier round or already ended a pair: they are never matched again."
    ]


def test_a_member_suggests_and_the_coordinator_accepts(matched, members, coordinator):
    suggestion = suggestion_create(proposal=matched["proposal"], mentor=matched["yara"], by=members[0], comment="Data!")
    assert Proposal.objects.get().mentor == matched["xena"]

    new = suggestion_accept(suggestion=suggestion, by=coordinator)

    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    assert new.mentor == matched["yara"]
    assert list(ProposalEvent.objects.order_by("pk").values_list("kind", flat=True)) == [
        EventKind.SUGGESTION,
        EventKind.SWAP,
        EventKind.SWAP,
        EventKind.SUGGESTION_ACCEPTED,
    ]


def test_a_declined_suggestion_changes_nothing_and_cannot_be_accepted_later(matched, members, coordinator):
    suggestion = suggestion_create(proposal=matched["proposal"], mentor=matched["yara"], by=members[0])

    suggestion_decline(suggestion=suggestion, by=coordinator, comment="Keep Xena")

    with pytest.raises(ValidationError):
        suggestion_accept(suggestion=suggestion, by=coordinator)
    assert Proposal.objects.get().mentor == matched["xena"]


def test_only_members_suggest(matched, coordinator):
    with pytest.raises(ValidationError) as error:
        suggestion_create(proposal=matched["proposal"], mentor=matched["yara"], by=coordinator)

    assert error.value.messages == ["Only members of the cohort's subcommittee suggest changes."]
