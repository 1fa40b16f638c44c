import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohorts.enums import CohortPhase, ParticipantRole
from cohorts.models import PairStatus
from matching.enums import EventKind, ProposalStatus
from matching.models import MatchRun, Proposal, ProposalEvent
from matching.services.runs import match_run_mark_failed, match_run_start
from matching.tasks import task_run_round
from mentorship.enums import JobStatus
from mentorship.jobs import stale_after
from tests.factories import ExclusionFactory, MatchRunFactory, PairFactory, ProposalFactory

pytestmark = pytest.mark.django_db

MENTEE, MENTOR = ParticipantRole.MENTEE, ParticipantRole.MENTOR
WEIGHTS = 5 + 3 + 4 + 2


@pytest.fixture
def people(make_person, criteria):
    """Two mentees and two mentors whose best pairing is Ada-Xena and Bea-Yara."""
    return {
        "ada": make_person(
            MENTEE, name="Ada", track="backend", tz=0, values=["growth", "craft"], department="data", years=1
        ),
        "bea": make_person(MENTEE, name="Bea", track="data", tz=5.5, values=["impact"], department="it", years=2),
        "xena": make_person(
            MENTOR, name="Xena", track="backend", tz=1, values=["craft"], department="engineering", years=10
        ),
        "yara": make_person(MENTOR, name="Yara", track="data", tz=5.5, values=["impact"], department="it", years=12),
    }


def start(cohort, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = match_run_start(cohort=cohort, by=coordinator)
    run.refresh_from_db()
    return run, callbacks


def pairs_of(run) -> dict[str, str]:
    return {
        p.mentee.user.full_name: p.mentor.user.full_name
        for p in run.proposals.select_related("mentee__user", "mentor__user")
    }


def test_run_stores_the_optimal_proposals_with_scores_breakdowns_and_alternatives(
    cohort, coordinator, people, django_capture_on_commit_callbacks
):
    run, callbacks = start(cohort, coordinator, django_capture_on_commit_callbacks)

    assert len(callbacks) == 1
    assert run.status == JobStatus.SUCCEEDED
    assert run.round_number == 1
    assert run.progress == 100
    assert run.duration is not None
    assert [c["key"] for c in run.criteria] == ["career_track", "geography", "values", "department", "seniority"]
    assert pairs_of(run) == {"Ada": "Xena", "Bea": "Yara"}
    ada = run.proposals.get(mentee=people["ada"])
    # same track 1, one hour apart of twelve, values 1 of 2 shared, departments differ
    expected = {
        "career_track": 5 / WEIGHTS,
        "geography": 3 * (1 - 1 / 12) / WEIGHTS,
        "values": 4 * 0.5 / WEIGHTS,
        "department": 2 / WEIGHTS,
        "seniority": 0.0,
    }
    assert ada.breakdown == pytest.approx(expected)
    assert ada.score == pytest.approx(sum(expected.values()))
    assert [a["mentor"] for a in ada.alternatives] == [people["yara"].pk]
    assert ada.status == ProposalStatus.PENDING
    assert run.stats["proposals"] == 2
    assert run.stats["unmatched"] == {}


def test_running_the_task_twice_runs_the_round_once(cohort, coordinator, people, django_capture_on_commit_callbacks):
    run, _callbacks = start(cohort, coordinator, django_capture_on_commit_callbacks)
    before = list(Proposal.objects.order_by("pk").values_list("pk", "mentee_id", "mentor_id"))

    again = task_run_round.apply(kwargs={"match_run_id": run.pk}).get()

    assert again is None
    assert list(Proposal.objects.order_by("pk").values_list("pk", "mentee_id", "mentor_id")) == before
    assert MatchRun.objects.get(pk=run.pk).status == JobStatus.SUCCEEDED


def test_a_failure_half_way_through_storing_leaves_no_proposal_and_a_failed_run(
    cohort, coordinator, people, monkeypatch, django_capture_on_commit_callbacks
):
    real_bulk_create = Proposal.objects.bulk_create

    def dies_half_way(objs, **kwargs):
        objs = list(objs)
        real_bulk_create(objs[: len(objs) // 2], **kwargs)
        raise ConnectionError("the database went away")

    monkeypatch.setattr(Proposal.objects, "bulk_create", dies_half_way)
    pending = ProposalFactory(run__cohort=cohort, cohort=cohort)

    run, _callbacks = start(cohort, coordinator, django_capture_on_commit_callbacks)

    assert run.status == JobStatus.FAILED
    assert run.failure == "The run stopped with an error: the database went away"
    assert list(Proposal.objects.all()) == [pending]
    pending.refresh_from_db()
    assert pending.status == ProposalStatus.PENDING
    assert not ProposalEvent.objects.exists()


def test_a_failed_round_can_be_run_again(cohort, coordinator, people, monkeypatch, django_capture_on_commit_callbacks):
    def broken(problem):
        raise ValueError("criterion 'values': bad answer")

    monkeypatch.setattr("matching.services.runs.run_engine", broken)
    failed, _callbacks = start(cohort, coordinator, django_capture_on_commit_callbacks)
    monkeypatch.undo()

    again, _callbacks = start(cohort, coordinator, django_capture_on_commit_callbacks)

    assert failed.status == JobStatus.FAILED
    assert failed.failure == "The run stopped with an error: criterion 'values': bad answer"
    assert again.status == JobStatus.SUCCEEDED
    assert again.round_number == 1
    assert pairs_of(again) == {"Ada": "Xena", "Bea": "Yara"}


def test_one_run_at_a_time_per_cohort(cohort, coordinator, criteria):
    MatchRunFactory(cohort=cohort, status=JobStatus.RUNNING)

    with pytest.raises(ValidationError) as error:
        match_run_start(cohort=cohort, by=coordinator)

    assert error.value.messages == ["A matching run is already under way; wait until it finishes."]
    assert MatchRun.objects.filter(cohort=cohort).count() == 1


def test_the_database_refuses_two_active_runs_of_a_cohort(cohort):
    MatchRunFactory(cohort=cohort, status=JobStatus.QUEUED)

    with pytest.raises(IntegrityError), transaction.atomic():
        MatchRunFactory(cohort=cohort, status=JobStatus.RUNNING)


def test_a_stale_run_is_replaced_when_a_new_one_starts(cohort, coordinator, people, django_capture_on_commit_callbacks):
    stuck = MatchRunFactory(cohort=cohort, status=JobStatus.RUNNING, round_number=1)
    MatchRun.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - stale_after() - datetime.timedelta(minutes=1))

    run, _callbacks = start(cohort, coordinator, django_capture_on_commit_callbacks)

    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED
    assert run.status == JobStatus.SUCCEEDED


def test_a_stuck_run_can_be_marked_failed_but_not_a_moving_one(cohort):
    moving = MatchRunFactory(cohort=cohort, status=JobStatus.RUNNING)

    with pytest.raises(ValidationError):
        match_run_mark_failed(run=moving)
    MatchRun.objects.filter(pk=moving.pk).update(
        updated_at=timezone.now() - stale_after() - datetime.timedelta(seconds=1)
    )
    moving.refresh_from_db()
    failed = match_run_mark_failed(run=moving)

    assert failed.status == JobStatus.FAILED
    assert failed.failure == "The worker stopped before finishing. Nothing was stored; run the round again."
    # The worker's message may still arrive: it finds nothing to claim.
    assert task_run_round.apply(kwargs={"match_run_id": failed.pk}).get() is None


def test_starting_needs_criteria_and_a_matching_phase(cohort, coordinator, applications):
    with pytest.raises(ValidationError) as no_criteria:
        match_run_start(cohort=cohort, by=coordinator)
    cohort.phase = CohortPhase.SHOWCASE
    with pytest.raises(ValidationError) as wrong_phase:
        match_run_start(cohort=cohort, by=coordinator)

    assert no_criteria.value.messages == ["Set up the matching criteria first."]
    assert wrong_phase.value.messages == ["Matching runs before and during launch."]


def test_second_round_keeps_approved_pairs_and_never_proposes_a_rejected_pair_again(
    cohort, coordinator, people, make_person, django_capture_on_commit_callbacks
):
    first, _callbacks = start(cohort, coordinator, django_capture_on_commit_callbacks)
    first.proposals.filter(mentee=people["ada"]).update(status=ProposalStatus.APPROVED)
    first.proposals.filter(mentee=people["bea"]).update(status=ProposalStatus.REJECTED)
    zoe = make_person(MENTOR, name="Zoe", track="frontend", tz=9, values=["balance"], department="design", years=9)

    second, _callbacks = start(cohort, coordinator, django_capture_on_commit_callbacks)

    assert second.round_number == 2
    # Ada's approved pair stays (and fills Xena's one seat); Bea may not get Yara again.
    assert pairs_of(second) == {"Bea": "Zoe"}
    assert second.stats["fixed"] == 1
    assert second.proposals.get().mentor == zoe


def test_pending_proposals_of_an_earlier_round_are_superseded(
    cohort, coordinator, people, django_capture_on_commit_callbacks
):
    first, _callbacks = start(cohort, coordinator, django_capture_on_commit_callbacks)

    second, _callbacks = start(cohort, coordinator, django_capture_on_commit_callbacks)

    assert set(first.proposals.values_list("status", flat=True)) == {ProposalStatus.SUPERSEDED}
    assert ProposalEvent.objects.filter(kind=EventKind.SUPERSEDED).count() == 2
    assert pairs_of(second) == {"Ada": "Xena", "Bea": "Yara"}


def test_exclusions_ended_pairs_and_active_pairs_shape_the_round(
    cohort, coordinator, people, django_capture_on_commit_callbacks
):
    ExclusionFactory(cohort=cohort, mentee=people["ada"], mentor=people["xena"])
    PairFactory(cohort=cohort, mentee=people["bea"], mentor=people["yara"], status=PairStatus.ENDED)

    run, _callbacks = start(cohort, coordinator, django_capture_on_commit_callbacks)

    assert pairs_of(run) == {"Ada": "Yara", "Bea": "Xena"}


def test_mentees_with_an_active_pair_are_not_matched_and_mentors_lose_the_seat(
    cohort, coordinator, people, django_capture_on_commit_callbacks
):
    PairFactory(cohort=cohort, mentee=people["ada"], mentor=people["yara"])

    run, _callbacks = start(cohort, coordinator, django_capture_on_commit_callbacks)

    assert pairs_of(run) == {"Bea": "Xena"}
    assert run.stats["active_pairs"] == 1


def test_a_hard_criterion_leaves_a_mentee_unmatched_with_the_reason(
    cohort, coordinator, make_person, criteria, django_capture_on_commit_callbacks
):
    junior = make_person(MENTOR, name="Junior", track="backend", years=1)
    senior_mentee = make_person(MENTEE, name="Senior", track="backend", years=15)

    run, _callbacks = start(cohort, coordinator, django_capture_on_commit_callbacks)

    assert pairs_of(run) == {}
    assert run.stats["unmatched"] == {str(senior_mentee.pk): "no_feasible_mentor"}
    assert junior.pk not in [p.mentor_id for p in run.proposals.all()]


def test_the_task_returns_quietly_for_a_run_that_is_gone():
    assert task_run_round.apply(kwargs={"match_run_id": 999_999}).get() is None
