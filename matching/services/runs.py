"""Matching runs: queued by the coordinator, executed by a worker, stored all at once.

A run is a job of the shared machinery (mentorship.jobs): the worker claims it with a
conditional update, so a task delivered twice runs once; it reports progress on the row
outside the main transaction, so that the page sees it; it writes every proposal and the
run's final status in one transaction, so a worker that dies leaves no half-written round,
only a run whose heartbeat stops and that is run again from the start by another worker.
"""

import logging
import time
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort, Pair, PairStatus
from cohorts.phases import require_phase
from mentorship.enums import ACTIVE_JOB_STATUSES, JobStatus
from mentorship.jobs import (
    job_dispatch,
    job_execute,
    job_fail,
    job_give_up,
    job_is_stale,
    job_progress,
    job_retry,
)
from mentorship.models import User
from questionnaires.selectors import matching_answers

from ..engine import Result
from ..enums import ProposalStatus
from ..models import MatchRun, Proposal
from ..selectors import RoundPeople, criteria_of, round_people
from .review import proposals_supersede_pending
from .scoring import build_problem, criteria_snapshot, run_engine

logger = logging.getLogger(__name__)

BATCH = 1000


def _next_round(cohort: Cohort) -> int:
    return MatchRun.objects.filter(cohort=cohort, status=JobStatus.SUCCEEDED).count() + 1


def match_run_start(*, cohort: Cohort, by: User) -> MatchRun:
    """Queue a matching round with the cohort's current criteria.

    Refuses when the phase does not allow matching, when there is no criterion, when a
    criterion reads a retired question, or when another run of the cohort is queued or
    running (one whose worker died is marked failed first).

    Side effects: queues ``matching.run_round`` after commit.
    """
    require_phase(cohort, "match")
    criteria = criteria_of(cohort=cohort)
    if not criteria:
        raise ValidationError(_("Set up the matching criteria first."))
    retired = [c.label for c in criteria if c.mentee_question.retired_at or c.mentor_question.retired_at]
    if retired:
        raise ValidationError(
            _("These criteria read a retired question; choose another question or delete them: %(names)s.")
            % {"names": ", ".join(retired)}
        )
    with transaction.atomic():
        current = MatchRun.objects.select_for_update().filter(cohort=cohort, status__in=ACTIVE_JOB_STATUSES).first()
        if current is not None:
            if not job_is_stale(current):
                raise ValidationError(_("A matching run is already under way; wait until it finishes."))
            job_fail(
                MatchRun, current.pk, _("The worker stopped before finishing; this run was replaced by a new one.")
            )
        try:
            with transaction.atomic():
                run = MatchRun.objects.create(
                    cohort=cohort,
                    round_number=_next_round(cohort),
                    started_by=by,
                    criteria=criteria_snapshot(criteria),
                    progress_message=_("Waiting for a worker"),
                )
        except IntegrityError:
            raise ValidationError(_("A matching run is already under way; wait until it finishes.")) from None
        job_dispatch(run)
    return run


def match_run_mark_failed(*, run: MatchRun) -> MatchRun:
    """Give up on a run whose worker died, so that the coordinator can run the round again."""
    if not run.is_active:
        raise ValidationError(_("This run is not under way."))
    try:
        return job_give_up(
            run, reason=_("The worker stopped before finishing. Nothing was stored; run the round again.")
        )
    except ValidationError:
        raise ValidationError(_("This run is still moving; give it a few more seconds.")) from None


def match_run_retry(*, run: MatchRun) -> MatchRun:
    """Run a failed or stalled round again at once, with the criteria it was started with.

    Side effects: queues ``matching.run_round`` after commit.
    """
    require_phase(run.cohort, "match")
    return job_retry(run)


def match_run_execute(*, match_run_id: int) -> MatchRun | None:
    """Run a queued round to the end. Returns None when the run was not this worker's to run.

    Side effects: progress updates on the run row; in one transaction: supersedes the
    cohort's pending proposals, creates the new ones, marks the run succeeded. Any error
    marks the run failed with the reason and stores nothing.
    """

    def work(run: MatchRun) -> None:
        run = MatchRun.objects.select_related("cohort__program").get(pk=run.pk)
        clock = time.perf_counter()
        people = round_people(cohort=run.cohort)
        answers = matching_answers(cohort=run.cohort)
        problem = build_problem(snapshot=run.criteria, people=people, answers=answers)
        loaded = time.perf_counter()
        job_progress(MatchRun, run.pk, progress=30, message=_("Scoring every pair and solving the assignment"))
        result = run_engine(problem)
        solved = time.perf_counter()
        job_progress(MatchRun, run.pk, progress=80, message=_("Storing the proposals"))
        stored = _store(run, people, answers, result)
        done = time.perf_counter()
        if stored is None:
            return
        stats = {
            **stored.stats,
            "seconds": {
                "load": round(loaded - clock, 3),
                "solve": round(solved - loaded, 3),
                "store": round(done - solved, 3),
                "total": round(done - clock, 3),
            },
        }
        MatchRun.objects.filter(pk=run.pk).update(stats=stats)

    return job_execute(
        MatchRun,
        match_run_id,
        work,
        error_message=_("The run stopped with an error: %(error)s"),
        progress=5,
        progress_message=_("Loading the answers"),
    )


def _seats_in_use(cohort: Cohort) -> tuple[Counter, set[int]]:
    """Seats taken per mentor and settled mentees, as the database says now."""
    used: Counter[int] = Counter()
    settled: set[int] = set()
    for mentor_id, mentee_id in Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE).values_list(
        "mentor_id", "mentee_id"
    ):
        used[mentor_id] += 1
        settled.add(mentee_id)
    for mentor_id, mentee_id in Proposal.objects.filter(
        cohort=cohort, status=ProposalStatus.APPROVED, pair__isnull=True
    ).values_list("mentor_id", "mentee_id"):
        used[mentor_id] += 1
        settled.add(mentee_id)
    return used, settled


def _store(run: MatchRun, people: RoundPeople, answers: dict, result: Result) -> MatchRun | None:
    with transaction.atomic():
        locked = MatchRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != JobStatus.RUNNING:
            # Marked failed by the coordinator while computing: nothing is stored.
            return None
        superseded = proposals_supersede_pending(cohort=run.cohort, round_number=run.round_number)
        # Votes taken while the engine ran may have approved proposals it did not know of:
        # keep only the pairs that still fit, best first.
        used, settled = _seats_in_use(run.cohort)
        seats = {pk: people.effective[pk] - used[pk] for pk in people.mentor_ids}
        unmatched = {str(k): v for k, v in result.unmatched.items()}
        keep = []
        for pair in sorted(result.pairs, key=lambda p: (-p.score, p.mentee_id)):
            if pair.fixed:
                continue
            if pair.mentee_id in settled or seats.get(pair.mentor_id, 0) <= 0:
                unmatched[str(pair.mentee_id)] = "changed"
                continue
            seats[pair.mentor_id] -= 1
            keep.append(pair)
        keep.sort(key=lambda p: p.mentee_id)
        Proposal.objects.bulk_create(
            [
                Proposal(
                    run=run,
                    cohort=run.cohort,
                    mentee_id=pair.mentee_id,
                    mentor_id=pair.mentor_id,
                    score=pair.score,
                    breakdown=pair.breakdown,
                    alternatives=[
                        {"mentor": mentor_id, "score": score}
                        for mentor_id, score in result.alternatives.get(pair.mentee_id, [])
                    ],
                )
                for pair in keep
            ],
            batch_size=BATCH,
        )
        now = timezone.now()
        locked.status = JobStatus.SUCCEEDED
        locked.progress = 100
        locked.progress_message = ""
        locked.finished_at = now
        locked.heartbeat_at = now
        locked.duration = now - (locked.started_at or locked.queued_at)
        locked.stats = {
            "mentees": len(people.mentee_ids),
            "mentors": len(people.mentor_ids),
            "seats": people.seats,
            "fixed": len(people.fixed),
            "active_pairs": people.active_pairs,
            "excluded_pairs": len(people.excluded),
            "without_answers": sum(1 for pk in people.mentee_ids + people.mentor_ids if pk not in answers),
            "proposals": len(keep),
            "superseded": superseded,
            "unmatched": unmatched,
            "total_score": sum(p.score for p in keep),
            "gap_bound": result.stats.get("gap_bound"),
        }
        locked.save()
    return locked


def runs_of(*, cohort: Cohort, limit: int = 10) -> list[MatchRun]:
    return list(
        MatchRun.objects.filter(cohort=cohort).select_related("started_by").order_by("-queued_at", "-pk")[:limit]
    )
