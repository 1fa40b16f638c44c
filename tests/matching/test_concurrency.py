"""Race conditions, with real concurrent transactions. Row locks need PostgreSQL: SQLite
serialises every write to the whole database, so these tests only run on PostgreSQL (as CI does)."""

import contextvars
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cohorts.models import Pair
from matching.enums import EventKind, ProposalStatus, VoteChoice
from matching.models import Proposal, ProposalEvent, Vote
from matching.services.publishing import proposals_publish
from matching.services.review import vote_cast
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL; SQLite serialises all writes")


def at_once(*calls):
    """Run the calls in threads released together; return what each raised (or None)."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            call()
        except Exception as error:
            outcomes[index] = error
        finally:
            thread_connection.close()

    # Each thread in the test's own scope (a new thread starts with none), as each of two
    # requests would run in its person's.
    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(run, i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_members_voting_at_the_same_moment_make_one_decision(cohort, members):
    proposal = ProposalFactory(run__cohort=cohort, cohort=cohort)
    vote_cast(proposal=proposal, member=members[0], choice=VoteChoice.APPROVE)

    outcomes = at_once(
        lambda: vote_cast(proposal=proposal, member=members[1], choice=VoteChoice.APPROVE),
        lambda: vote_cast(proposal=proposal, member=members[2], choice=VoteChoice.APPROVE),
    )

    proposal.refresh_from_db()
    refused = [o for o in outcomes if o is not None]
    assert len(refused) == 1
    assert isinstance(refused[0], ValidationError)
    assert refused[0].messages == ["This proposal is already approved; votes are closed."]
    assert proposal.status == ProposalStatus.APPROVED
    assert ProposalEvent.objects.filter(proposal=proposal, kind=EventKind.DECISION).count() == 1
    # Whoever came second found the proposal decided: their vote is not recorded.
    assert Vote.objects.filter(proposal=proposal).count() == 2


def test_a_close_vote_is_decided_once_whatever_the_order(cohort, members):
    proposal = ProposalFactory(run__cohort=cohort, cohort=cohort)

    at_once(*(lambda m=m: vote_cast(proposal=proposal, member=m, choice=VoteChoice.APPROVE) for m in members))

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert ProposalEvent.objects.filter(proposal=proposal, kind=EventKind.DECISION).count() == 1
    assert Vote.objects.filter(proposal=proposal).count() == 2


def test_publishing_twice_at_the_same_moment_makes_one_pair_per_proposal(cohort, coordinator):
    approved = [ProposalFactory(run__cohort=cohort, cohort=cohort, status=ProposalStatus.APPROVED) for _ in range(3)]

    outcomes = at_once(
        lambda: proposals_publish(cohort=cohort, by=coordinator),
        lambda: proposals_publish(cohort=cohort, by=coordinator),
    )

    assert outcomes == [None, None]
    assert Pair.objects.count() == 3
    assert sorted(Proposal.objects.values_list("pair_id", flat=True)) == sorted(
        Pair.objects.values_list("pk", flat=True)
    )
    assert ProposalEvent.objects.filter(kind=EventKind.PUBLISHED).count() == len(approved)
