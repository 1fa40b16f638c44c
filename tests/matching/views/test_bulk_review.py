"""The proposals list: ticking proposals (or "all I have opened") and recording one vote or
one decision; who may not, and a tampered selection, change nothing."""

import pytest
from django.urls import reverse

from matching.enums import ProposalStatus, VoteChoice
from matching.models import ProposalEvent, ProposalView, Vote
from tests.factories import EnrollmentFactory, MatchRunFactory, ProposalFactory, VoteFactory

from .conftest import SNAPSHOT

pytestmark = pytest.mark.django_db


def url(cohort, name="proposal-bulk", **kwargs):
    return reverse(f"matching:{name}", kwargs={"pk": cohort.pk, **kwargs})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def proposals(cohort):
    run = MatchRunFactory(cohort=cohort, criteria=SNAPSHOT, round_number=1)
    return [ProposalFactory(run=run, cohort=cohort, score=0.9 - i / 10) for i in range(4)]


def test_the_list_offers_ticks_and_the_bulk_form_to_a_member(client, cohort, members, proposals):
    client.force_login(members[0])

    page = client.get(url(cohort, "proposal-list")).content.decode()

    assert page.count('name="proposals"') == 4
    assert 'data-check-all="proposals"' in page
    assert 'value="vote-approve"' in page and 'value="decide-approve"' not in page
    assert "All pending proposals I have opened and not voted on yet (0)" in page


def test_a_member_records_one_vote_on_the_ticked_proposals(client, cohort, members, proposals):
    own = ProposalFactory(run=proposals[0].run, cohort=cohort, mentee=EnrollmentFactory(cohort=cohort, user=members[0]))
    own.mentee.user.full_name = "Member 1"
    client.force_login(members[0])

    response = client.post(
        url(cohort),
        {
            "action": "vote-reject",
            "reason": "Tracks differ",
            "scope": "selected",
            "proposals": [proposals[0].pk, proposals[1].pk, own.pk],
            "back": "status=pending&evil=1",
        },
        follow=True,
    )

    assert response.redirect_chain[0][0] == url(cohort, "proposal-list") + "?status=pending"
    own_name = f"{own.mentee.user.get_full_name()} with {own.mentor.user.get_full_name()}"
    assert messages_of(response) == [
        f"2 votes recorded; 1 skipped: {own_name}: You are one of the two people of this pair: you can only recuse."
    ]
    assert sorted(Vote.objects.values_list("proposal_id", "choice", "comment")) == [
        (proposals[0].pk, VoteChoice.REJECT, "Tracks differ"),
        (proposals[1].pk, VoteChoice.REJECT, "Tracks differ"),
    ]


def test_all_i_have_opened_and_not_voted_on(client, cohort, members, proposals):
    VoteFactory(proposal=proposals[2], member=members[1], choice=VoteChoice.APPROVE)
    VoteFactory(proposal=proposals[3], member=members[0], choice=VoteChoice.REJECT, comment="no")
    client.force_login(members[0])
    for p in proposals[1:]:
        client.get(url(cohort, "proposal-detail", proposal_pk=p.pk))
    assert ProposalView.objects.filter(viewer=members[0]).count() == 3
    assert "not voted on yet (2)" in client.get(url(cohort, "proposal-list")).content.decode()

    response = client.post(url(cohort), {"action": "vote-approve", "scope": "viewed"}, follow=True)

    assert messages_of(response) == ["2 votes recorded; 1 proposal is now decided by the votes."]
    assert sorted(Vote.objects.filter(member=members[0]).values_list("proposal_id", "choice")) == [
        (proposals[1].pk, VoteChoice.APPROVE),
        (proposals[2].pk, VoteChoice.APPROVE),
        (proposals[3].pk, VoteChoice.REJECT),
    ]
    proposals[2].refresh_from_db()
    assert proposals[2].status == ProposalStatus.APPROVED


def test_nothing_opened_says_so(client, cohort, members, proposals):
    client.force_login(members[0])

    response = client.post(url(cohort), {"action": "vote-approve", "scope": "viewed"}, follow=True)

    assert messages_of(response) == ["There is no pending proposal you have opened (and not voted on yet)."]
    assert not Vote.objects.exists()


def test_the_coordinator_decides_many_at_once(client, cohort, coordinator, proposals):
    client.force_login(coordinator)
    page = client.get(url(cohort, "proposal-list")).content.decode()
    assert 'value="decide-approve"' in page and 'value="vote-approve"' not in page

    response = client.post(
        url(cohort),
        {"action": "decide-approve", "reason": "Agreed in the meeting", "proposals": [p.pk for p in proposals[:3]]},
        follow=True,
    )

    assert messages_of(response) == ["3 decisions recorded."]
    assert sorted(ProposalEvent.objects.values_list("proposal_id", "actor_id", "outcome", "comment")) == [
        (p.pk, coordinator.pk, ProposalStatus.APPROVED, "Agreed in the meeting") for p in proposals[:3]
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "vote-reject", "proposals": ["1"]}, "Give the reason: it is recorded on each proposal."),
        ({"action": "vote-approve"}, "Tick at least one proposal, or choose all you have opened."),
        (
            {"action": "vote-approve", "proposals": ["x"]},
            "The chosen proposals were not understood: nothing was recorded.",
        ),
        ({"action": "decide-approve", "reason": "r", "proposals": ["1"]}, "Select a valid choice."),
        ({"proposals": ["1"]}, "Choose the vote or the decision to record."),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(client, cohort, members, proposals, data, message):
    client.force_login(members[0])

    response = client.post(url(cohort), {"scope": "selected", **data}, follow=True)

    assert any(m.startswith(message) for m in messages_of(response)), messages_of(response)
    assert not Vote.objects.exists()


def test_proposal_ids_of_another_cohort_are_refused_and_nothing_changes(client, cohort, members, proposals, elsewhere):
    client.force_login(members[0])

    response = client.post(
        url(cohort),
        {"action": "vote-approve", "proposals": [proposals[0].pk, elsewhere["proposal"].pk]},
        follow=True,
    )

    assert messages_of(response) == [
        "Some of the chosen proposals are not proposals of this cohort: nothing was recorded. "
        "Reload the list and choose again."
    ]
    assert not Vote.objects.exists()
    assert not ProposalEvent.objects.exists()


@pytest.mark.parametrize("who, status", [("mentee", 403), ("viewer", 403), ("outsider", 404), ("elsewhere", 404)])
def test_those_who_may_not_review_are_refused(client, cohort, proposals, viewer, outsider, elsewhere, who, status):
    user = {
        "mentee": proposals[0].mentee.user,
        "viewer": viewer,
        "outsider": outsider,
        "elsewhere": elsewhere["coordinator"],
    }[who]
    client.force_login(user)

    response = client.post(url(cohort), {"action": "vote-approve", "proposals": [proposals[0].pk]})

    assert response.status_code == status
    assert not Vote.objects.exists()


def test_a_get_is_not_allowed(client, cohort, members):
    client.force_login(members[0])
    assert client.get(url(cohort)).status_code == 405
