"""Publishing approved proposals as pairs (a background job, in batches), and ending pairs so
that both people are matched again."""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.enums import ParticipantRole
from cohorts.models import Cohort, Pair, PairEndKind, PairStatus
from cohorts.phases import require_phase
from cohorts.services.pairs import pair_end, pairs_create_many
from mentorship.enums import ACTIVE_JOB_STATUSES, JobStatus
from mentorship.jobs import job_dispatch, job_execute, job_progress
from mentorship.models import User
from mentorship.notifications import email_queue, email_queue_many
from questionnaires.enums import Kind
from questionnaires.models import Response

from ..enums import EventKind, PairEndSource, ProposalStatus
from ..models import PairEnd, Proposal, ProposalEvent, PublishJob
from ..selectors import active_run, cohort_coordinators
from .scoring import top_reasons

logger = logging.getLogger(__name__)

# Proposals published per transaction: big enough for bulk inserts, small enough that a
# worker dying loses little and the page sees progress often.
BATCH = 250
GOOD_FIT_KEY = "good_fit"
NOT_A_GOOD_FIT = "no"


@dataclass
class PublishReport:
    published: list[Proposal] = field(default_factory=list)
    failed: list[tuple[Proposal, str]] = field(default_factory=list)


def _match_emails(proposal: Proposal) -> list[dict]:
    cohort = proposal.cohort
    reasons = top_reasons(proposal.run.criteria, proposal.breakdown)
    mentee, mentor = proposal.mentee.user, proposal.mentor.user
    return [
        {
            "to": [person],
            "template": "match-published",
            # Once per proposal and person, however often the batch is delivered.
            "key": f"match-published:{proposal.pk}:{side}",
            "context": {
                "person": person,
                "partner": partner,
                "partner_role": partner_role,
                "cohort": cohort,
                "reasons": reasons,
                "is_mentee": person == mentee,
                # The pair's page, where they meet, plan and write to each other.
                "pair_url": reverse("meetings:pair-detail", kwargs={"pk": proposal.pair_id}),
            },
        }
        for side, person, partner, partner_role in (
            ("mentee", mentee, mentor, _("mentor")),
            ("mentor", mentor, mentee, _("mentee")),
        )
    ]


def proposals_publish_batch(
    *, cohort: Cohort, by: User | None, after: int, limit: int
) -> tuple[PublishReport, int | None]:
    """Publish the next ``limit`` approved, unpublished proposals after proposal ``after``,
    inside the caller's transaction: pairs made in bulk by the pair lifecycle's owner, the
    proposals linked, audit events, and the emails to both people handed to the mail task
    once committed. A proposal whose pair cannot be made (a mentor whose capacity went
    down) is reported and stops nobody else.

    Returns the report and the last proposal handled (None when none was left).
    """
    proposals = list(
        Proposal.objects.select_for_update(of=("self",))
        .filter(cohort=cohort, status=ProposalStatus.APPROVED, pair__isnull=True, pk__gt=after)
        .select_related("run", "mentee__user", "mentor__user")
        .order_by("pk")[:limit]
    )
    report = PublishReport()
    if not proposals:
        return report, None
    outcome = pairs_create_many(cohort=cohort, couples=[(p.mentor_id, p.mentee_id) for p in proposals])
    now = timezone.now()
    for proposal, pair in zip(proposals, outcome, strict=True):
        if isinstance(pair, str):
            report.failed.append((proposal, pair))
            continue
        proposal.cohort = cohort
        proposal.pair, proposal.published_at, proposal.updated_at = pair, now, now
        report.published.append(proposal)
    # One statement: each published mentee has exactly one active pair, the one just made.
    Proposal.objects.filter(pk__in=[p.pk for p in report.published]).update(
        published_at=now,
        updated_at=now,
        pair_id=Subquery(
            Pair.objects.filter(mentee_id=OuterRef("mentee_id"), status=PairStatus.ACTIVE).values("pk")[:1]
        ),
    )
    ProposalEvent.objects.bulk_create(
        [
            ProposalEvent(proposal=p, kind=EventKind.PUBLISHED, actor=by, data={"pair": p.pair_id})
            for p in report.published
        ],
        batch_size=BATCH,
    )
    email_queue_many(messages=[m for p in report.published for m in _match_emails(p)])
    return report, proposals[-1].pk


def proposals_publish(*, cohort: Cohort, by: User) -> PublishReport:
    """Publish every approved, unpublished proposal of the cohort now, a batch per
    transaction (the background job does the same with progress: ``publish_job_start``).
    Publishing twice creates nothing twice.

    Side effects: see ``proposals_publish_batch``.
    """
    require_phase(cohort, "match")
    report, after = PublishReport(), 0
    while True:
        with transaction.atomic():
            batch, last = proposals_publish_batch(cohort=cohort, by=by, after=after, limit=BATCH)
        if last is None:
            return report
        report.published += batch.published
        report.failed += batch.failed
        after = last


def publish_job_start(*, cohort: Cohort, by: User) -> PublishJob:
    """Queue the publishing of every approved proposal; the click returns at once and the
    matching page follows the job's progress. Refused while a matching run or another
    publishing is under way, and when there is nothing to publish.

    Side effects: queues ``matching.publish`` after commit.
    """
    require_phase(cohort, "match")
    if active_run(cohort=cohort) is not None:
        raise ValidationError(_("Wait until the matching run finishes before publishing."))
    busy = _("Publishing is already under way; wait until it finishes.")
    with transaction.atomic():
        if PublishJob.objects.select_for_update().filter(cohort=cohort, status__in=ACTIVE_JOB_STATUSES).exists():
            raise ValidationError(busy)
        total = Proposal.objects.filter(cohort=cohort, status=ProposalStatus.APPROVED, pair__isnull=True).count()
        if not total:
            raise ValidationError(_("There is nothing to publish."))
        try:
            with transaction.atomic():
                job = PublishJob.objects.create(
                    cohort=cohort, started_by=by, total=total, progress_message=_("Waiting for a worker")
                )
        except IntegrityError:
            raise ValidationError(busy) from None
        job_dispatch(job)
    return job


def publish_job_run(*, publish_job_id: int) -> PublishJob | None:
    """Publish in batches, each committed with the job's cursor and counters: a worker that
    dies loses at most the batch it was writing, and whoever takes the job over carries on
    after the cursor. Returns None when the job was not this worker's to run."""

    def work(job: PublishJob) -> None:
        while _publish_next_batch(job.pk):
            pass

    return job_execute(PublishJob, publish_job_id, work, error_message=_("Publishing stopped with an error: %(error)s"))


@transaction.atomic
def _publish_next_batch(job_id: int) -> bool:
    job = PublishJob.objects.select_for_update(of=("self",)).select_related("cohort", "started_by").get(pk=job_id)
    if job.status != JobStatus.RUNNING:
        return False
    report, last = proposals_publish_batch(cohort=job.cohort, by=job.started_by, after=job.cursor, limit=BATCH)
    if last is None:
        return False
    job.cursor = last
    job.published_count += len(report.published)
    job.failed_count += len(report.failed)
    job.problems += [
        {"proposal": p.pk, "mentee": str(p.mentee.user), "mentor": str(p.mentor.user), "reason": reason}
        for p, reason in report.failed
    ]
    job.total = max(job.total, job.published_count + job.failed_count)
    job.save(update_fields=["cursor", "published_count", "failed_count", "problems", "total", "updated_at"])
    job_progress(
        PublishJob,
        job.pk,
        message=_("%(done)d of %(total)d pairs") % {"done": job.published_count + job.failed_count, "total": job.total},
    )
    return True


def _notify_coordinators(pair: Pair, ending: PairEnd, *, skip: User | None = None, note: str = "") -> None:
    cohort = pair.cohort
    recipients = [u for u in cohort_coordinators(cohort=cohort) if skip is None or u.pk != skip.pk]
    email_queue(
        to=recipients,
        template="match-ended",
        context={"pair": pair, "ending": ending, "cohort": cohort, "note": note},
    )


def matched_pair_end(
    *,
    pair: Pair,
    reason: str,
    by: User | None,
    kind: str = PairEndKind.REMATCH,
    source: str = PairEndSource.COORDINATOR,
    response: Response | None = None,
) -> PairEnd:
    """End an active pair and never propose the two together again; the mentor's seat frees
    up. ``kind`` re-match: the mentee goes into the next round; end: the cohort's later
    rounds leave the mentee out until the coordinator puts them back. Ending it again
    changes nothing: the first ending is returned, with ``already_ended`` true.

    Side effects: the pair ends (cohorts), an audit event on the proposal it came from,
    an email to the cohort's coordinators (except the one who ended it).
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the pair ends; it is kept on record.")})
    if kind not in PairEndKind.values:
        raise ValidationError({"kind": _("Choose whether the mentee is re-matched or the mentorship ends.")})
    with transaction.atomic():
        pair = (
            Pair.objects.select_for_update(of=("self",))
            .select_related("cohort__program", "mentor__user", "mentee__user")
            .get(pk=pair.pk)
        )
        existing = PairEnd.objects.filter(pair=pair).first()
        if existing is not None:
            # Two ends at once, or a second click: the first one stands, nobody is told twice.
            existing.already_ended = True
            return existing
        if pair.status != PairStatus.ACTIVE:
            raise ValidationError(_("This pair is no longer active."))
        pair_end(pair=pair, reason=reason, kind=kind, by=by)
        ending = PairEnd.objects.create(
            pair=pair, cohort=pair.cohort, source=source, reason=reason, ended_by=by, response=response
        )
        proposal = Proposal.objects.filter(pair=pair).first()
        if proposal is not None:
            ProposalEvent.objects.create(
                proposal=proposal,
                kind=EventKind.PAIR_ENDED,
                actor=by,
                comment=reason,
                data={"source": source, "end_kind": kind},
            )
        _notify_coordinators(pair, ending, skip=by)
    ending.already_ended = False
    return ending


def feedback_not_a_good_fit(*, response: Response) -> PairEnd | None:
    """Act on a submitted match-feedback response: a ``good_fit`` answer of "no" ends the
    respondent's active pair. A mentor with several mentees has not said which pair: the
    coordinators are asked to decide instead.

    Side effects: see ``matched_pair_end``; or an email to the coordinators.
    """
    response = Response.objects.select_related("questionnaire__cohort__program", "enrollment__user").get(pk=response.pk)
    if response.questionnaire.kind != Kind.MATCH_FEEDBACK or not response.is_submitted:
        return None
    answer = response.answers.filter(question__key=GOOD_FIT_KEY).values_list("value", flat=True).first()
    if answer != NOT_A_GOOD_FIT:
        return None
    enrollment = response.enrollment
    side = "mentee" if enrollment.role == ParticipantRole.MENTEE else "mentor"
    pairs = list(
        Pair.objects.filter(**{side: enrollment}, status=PairStatus.ACTIVE).select_related(
            "cohort__program", "mentor__user", "mentee__user"
        )
    )
    if not pairs:
        return None
    why = _("%(name)s answered that the match is not a good fit.") % {"name": enrollment.user}
    if len(pairs) > 1:
        cohort = response.questionnaire.cohort
        email_queue(
            to=cohort_coordinators(cohort=cohort),
            template="match-ended",
            context={
                "pair": None,
                "ending": None,
                "cohort": cohort,
                "note": why,
                "pairs": pairs,
                "person": enrollment.user,
            },
        )
        return None
    return matched_pair_end(
        pair=pairs[0],
        reason=why,
        by=None,
        kind=PairEndKind.REMATCH,
        source=PairEndSource.FEEDBACK,
        response=response,
    )
