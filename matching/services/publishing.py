"""Publishing approved proposals as pairs, and ending pairs so that both people are matched again."""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.enums import ParticipantRole
from cohorts.models import Cohort, Pair, PairStatus
from cohorts.phases import require_phase
from cohorts.services.pairs import pair_create, pair_end
from mentorship.models import User
from mentorship.notifications import email_queue
from questionnaires.enums import Kind
from questionnaires.models import Response

from ..enums import EventKind, PairEndSource, ProposalStatus
from ..models import PairEnd, Proposal, ProposalEvent
from ..selectors import cohort_coordinators
from .scoring import top_reasons

logger = logging.getLogger(__name__)

GOOD_FIT_KEY = "good_fit"
NOT_A_GOOD_FIT = "no"


@dataclass
class PublishReport:
    published: list[Proposal] = field(default_factory=list)
    failed: list[tuple[Proposal, str]] = field(default_factory=list)


def _tell_both(proposal: Proposal) -> None:
    cohort = proposal.cohort
    reasons = top_reasons(proposal.run.criteria, proposal.breakdown)
    mentee, mentor = proposal.mentee.user, proposal.mentor.user
    for person, partner, partner_role in ((mentee, mentor, _("mentor")), (mentor, mentee, _("mentee"))):
        email_queue(
            to=[person],
            template="match-published",
            context={
                "person": person,
                "partner": partner,
                "partner_role": partner_role,
                "cohort": cohort,
                "reasons": reasons,
                "is_mentee": person == mentee,
            },
        )


def proposal_publish(*, proposal: Proposal, by: User) -> Proposal:
    """Turn one approved proposal into a pair and tell both people. A proposal already
    published is returned as it is: publishing twice creates nothing twice.

    Side effects: creates the Pair (cohorts), an audit event, two emails after commit.
    Raises ValidationError when the pair cannot be made (capacity, a mentee already paired).
    """
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("cohort__program", "run", "mentee__user", "mentor__user")
            .get(pk=proposal.pk)
        )
        if proposal.pair_id is not None:
            return proposal
        if proposal.status != ProposalStatus.APPROVED:
            raise ValidationError(_("Only approved proposals are published."))
        pair = pair_create(cohort=proposal.cohort, mentor=proposal.mentor, mentee=proposal.mentee)
        proposal.pair = pair
        proposal.published_at = timezone.now()
        proposal.save(update_fields=["pair", "published_at", "updated_at"])
        ProposalEvent.objects.create(proposal=proposal, kind=EventKind.PUBLISHED, actor=by, data={"pair": pair.pk})
        _tell_both(proposal)
    return proposal


def proposals_publish(*, cohort: Cohort, by: User) -> PublishReport:
    """Publish every approved, unpublished proposal of the cohort, one transaction each, so
    that one that cannot be made (a mentor whose capacity went down) stops nobody else.

    Side effects: see ``proposal_publish``.
    """
    require_phase(cohort, "match")
    report = PublishReport()
    waiting = Proposal.objects.filter(cohort=cohort, status=ProposalStatus.APPROVED, pair__isnull=True).order_by("pk")
    for proposal in waiting:
        try:
            report.published.append(proposal_publish(proposal=proposal, by=by))
        except ValidationError as error:
            report.failed.append((proposal, " ".join(error.messages)))
    return report


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
    source: str = PairEndSource.COORDINATOR,
    response: Response | None = None,
) -> PairEnd:
    """End an active pair so that both people go back into the next round, and never
    propose the two together again. Ending it again changes nothing.

    Side effects: the pair ends (cohorts), an audit event on the proposal it came from,
    an email to the cohort's coordinators (except the one who ended it).
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the pair ends; it is kept on record.")})
    with transaction.atomic():
        pair = (
            Pair.objects.select_for_update(of=("self",))
            .select_related("cohort__program", "mentor__user", "mentee__user")
            .get(pk=pair.pk)
        )
        existing = PairEnd.objects.filter(pair=pair).first()
        if existing is not None:
            return existing
        if pair.status != PairStatus.ACTIVE:
            raise ValidationError(_("This pair is no longer active."))
        pair_end(pair=pair, reason=reason, by=by)
        ending = PairEnd.objects.create(
            pair=pair, cohort=pair.cohort, source=source, reason=reason, ended_by=by, response=response
        )
        proposal = Proposal.objects.filter(pair=pair).first()
        if proposal is not None:
            ProposalEvent.objects.create(
                proposal=proposal, kind=EventKind.PAIR_ENDED, actor=by, comment=reason, data={"source": source}
            )
        _notify_coordinators(pair, ending, skip=by)
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
    return matched_pair_end(pair=pairs[0], reason=why, by=None, source=PairEndSource.FEEDBACK, response=response)
