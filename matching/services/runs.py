"""Matching runs: queued by the coordinator, executed by a worker, stored all at once.

A run is a row with a status. The worker claims it with a conditional update (queued ->
running), so a task delivered twice runs once; it reports progress on the row outside the
main transaction, so that the page sees it; it writes every proposal and the run's final
status in one transaction, so a worker that dies leaves no half-written round, only a run
that stops moving and that the coordinator can mark as failed and run again.
"""

import datetime
import logging
import time
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort, Pair, PairStatus
from cohorts.phases import require_phase
from mentorship.models import User
from questionnaires.selectors import matching_answers

from ..engine import Result
from ..enums import ACTIVE_RUN_STATUSES, MatchRunStatus, ProposalStatus
from ..models import MatchRun, Proposal
from ..selectors import RoundPeople, criteria_of, round_people
from .review import proposals_supersede_pending
from .scoring import build_problem, criteria_snapshot, run_engine

logger = logging.getLogger(__name__)

# A run that has not reported progress for this long has lost its worker.
STALE_AFTER = datetime.timedelta(minutes=10)
BATCH = 1000


def match_run_is_stale(run: MatchRun, *, now: datetime.datetime | None = None) -> bool:
    return run.is_active and run.updated_at < (now or timezone.now()) - STALE_AFTER


def _next_round(cohort: Cohort) -> int:
    return MatchRun.objects.filter(cohort=cohort, status=MatchRunStatus.SUCCEEDED).count() + 1


def match_run_start(*, cohort: Cohort, by: User) -> MatchRun:
    """Queue a matching round with the cohort's current criteria.

    Refuses when the phase does not allow matching, when there is no criterion, when a
    criterion reads a retired question, or when another run of the cohort is queued or
    running (a stale one is marked failed first).

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
        current = MatchRun.objects.select_for_update().filter(cohort=cohort, status__in=ACTIVE_RUN_STATUSES).first()
        if current is not None:
            if not match_run_is_stale(current):
                raise ValidationError(_("A matching run is already under way; wait until it finishes."))
            _fail(current, _("The worker stopped before finishing; this run was replaced by a new one."))
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
        from ..tasks import task_run_round  # noqa: PLC0415 -- tasks import services

        transaction.on_commit(lambda: task_run_round.apply_async(kwargs={"match_run_id": run.pk}))
    return run


def _fail(run: MatchRun, reason: str) -> bool:
    now = timezone.now()
    updated = MatchRun.objects.filter(pk=run.pk, status__in=ACTIVE_RUN_STATUSES).update(
        status=MatchRunStatus.FAILED,
        failure_reason=reason[:2000],
        finished_at=now,
        duration=now - (run.started_at or run.queued_at),
        progress_message="",
        updated_at=now,
    )
    return updated == 1


def match_run_mark_failed(*, run: MatchRun) -> MatchRun:
    """Give up on a run whose worker died, so that the coordinator can run the round again."""
    if not run.is_active:
        raise ValidationError(_("This run is not under way."))
    if not match_run_is_stale(run):
        raise ValidationError(_("This run is still moving; give it a few more minutes."))
    _fail(run, _("The worker stopped before finishing. Nothing was stored; run the round again."))
    run.refresh_from_db()
    return run


def _progress(run_id: int, percent: int, message: str) -> None:
    # A plain UPDATE in autocommit: the page polling the run sees it at once.
    MatchRun.objects.filter(pk=run_id, status=MatchRunStatus.RUNNING).update(
        progress=percent, progress_message=message, updated_at=timezone.now()
    )


def match_run_claim(*, match_run_id: int) -> bool:
    now = timezone.now()
    claimed = MatchRun.objects.filter(pk=match_run_id, status=MatchRunStatus.QUEUED).update(
        status=MatchRunStatus.RUNNING,
        started_at=now,
        updated_at=now,
        progress=5,
        progress_message=_("Loading the answers"),
    )
    return claimed == 1


def match_run_execute(*, match_run_id: int) -> MatchRun | None:
    """Run a queued round to the end. Returns None when the run was not this worker's to run.

    Side effects: progress updates on the run row; in one transaction: supersedes the
    cohort's pending proposals, creates the new ones, marks the run succeeded. Any error
    marks the run failed with the reason and stores nothing.
    """
    if not match_run_claim(match_run_id=match_run_id):
        logger.info("Match run %s is not queued; nothing to do", match_run_id)
        return None
    run = MatchRun.objects.select_related("cohort__program").get(pk=match_run_id)
    clock = time.perf_counter()
    try:
        people = round_people(cohort=run.cohort)
        answers = matching_answers(cohort=run.cohort)
        problem = build_problem(snapshot=run.criteria, people=people, answers=answers)
        loaded = time.perf_counter()
        _progress(run.pk, 30, _("Scoring every pair and solving the assignment"))
        result = run_engine(problem)
        solved = time.perf_counter()
        _progress(run.pk, 80, _("Storing the proposals"))
        stored = _store(run, people, answers, result)
        done = time.perf_counter()
    except Exception as error:
        logger.exception("Match run %s failed", match_run_id)
        _fail(run, _("The run stopped with an error: %(error)s") % {"error": error})
        run.refresh_from_db()
        return run
    if stored is None:
        run.refresh_from_db()
        return run
    MatchRun.objects.filter(pk=run.pk).update(
        stats={
            **stored.stats,
            "seconds": {
                "load": round(loaded - clock, 3),
                "solve": round(solved - loaded, 3),
                "store": round(done - solved, 3),
                "total": round(done - clock, 3),
            },
        }
    )
    run.refresh_from_db()
    return run


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
        if locked.status != MatchRunStatus.RUNNING:
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
        locked.status = MatchRunStatus.SUCCEEDED
        locked.progress = 100
        locked.progress_message = ""
        locked.finished_at = now
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
