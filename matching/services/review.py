"""The subcommittee's review: votes, decisions, swaps and suggestions.

This module holds every change of a proposal's status (a new round supersedes the pending
ones through ``proposals_supersede_pending``); the other modules and apps call it.

Every write that can change a proposal's status locks the proposal row first and derives
the decision from the votes inside the same transaction, so two members voting at the same
moment are taken one after the other: one decision, never two.
"""

import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.enums import EnrollmentStatus, ParticipantRole
from cohorts.models import Cohort, Enrollment
from cohorts.phases import require_open
from mentorship.models import User
from mentorship.notifications import notify
from questionnaires.selectors import matching_answers

from ..enums import EventKind, ProposalStatus, SuggestionStatus, Threshold, VoteChoice
from ..models import Proposal, ProposalEvent, Suggestion, Vote
from ..selectors import cohort_coordinators, is_never_again, matching_settings_of, mentors_with_seats
from .scoring import PairScore, pair_score

# Audit events written per insert when a round supersedes many proposals at once.
EVENT_BATCH = 1000


def votes_needed(*, eligible: int, threshold: str, min_votes: int) -> int:
    """Agreeing votes that decide, among ``eligible`` members (those who did not recuse)."""
    if threshold == Threshold.UNANIMOUS:
        share = eligible
    elif threshold == Threshold.TWO_THIRDS:
        share = math.ceil(2 * eligible / 3)
    else:
        share = eligible // 2 + 1
    return max(share, min_votes, 1)


def decision_from_votes(
    *, approvals: int, rejections: int, recusals: int, members: int, threshold: str, min_votes: int
) -> str | None:
    """The status the votes decide (approved or rejected), or None while undecided.

    With every member recused, or a quorum larger than the members left, votes never
    decide: the coordinator decides directly.
    """
    eligible = members - recusals
    if eligible <= 0:
        return None
    needed = votes_needed(eligible=eligible, threshold=threshold, min_votes=min_votes)
    if needed > eligible:
        return None
    if approvals >= needed:
        return ProposalStatus.APPROVED
    if rejections >= needed:
        return ProposalStatus.REJECTED
    return None


def _event(
    proposal: Proposal, kind: str, *, actor: User | None, outcome: str = "", comment: str = "", **data: object
) -> ProposalEvent:
    return ProposalEvent.objects.create(
        proposal=proposal, kind=kind, actor=actor, outcome=outcome, comment=comment, data=data
    )


def _lock(proposal: Proposal) -> Proposal:
    """The proposal under its row lock, in a cohort that is still open (every review action)."""
    locked = Proposal.objects.select_for_update(of=("self",)).select_related("cohort__program").get(pk=proposal.pk)
    require_open(locked.cohort)
    return locked


def _is_member(cohort: Cohort, user: User) -> bool:
    return cohort.subcommittee.filter(user=user).exists()


def _is_party(proposal: Proposal, user: User) -> bool:
    return Enrollment.objects.filter(pk__in=[proposal.mentee_id, proposal.mentor_id], user=user).exists()


@dataclass(frozen=True)
class Tally:
    approvals: int
    rejections: int
    recusals: int
    members: int


def tally(*, proposal: Proposal) -> Tally:
    """The votes of the cohort's current subcommittee members on the proposal."""
    members = set(proposal.cohort.subcommittee.values_list("user_id", flat=True))
    choices = [c for m, c in proposal.votes.values_list("member_id", "choice") if m in members]
    return Tally(
        approvals=choices.count(VoteChoice.APPROVE),
        rejections=choices.count(VoteChoice.REJECT),
        recusals=choices.count(VoteChoice.RECUSE),
        members=len(members),
    )


def _decide_from_votes(proposal: Proposal) -> str | None:
    counts = tally(proposal=proposal)
    rule = matching_settings_of(cohort=proposal.cohort)
    outcome = decision_from_votes(
        approvals=counts.approvals,
        rejections=counts.rejections,
        recusals=counts.recusals,
        members=counts.members,
        threshold=rule.threshold,
        min_votes=rule.min_votes,
    )
    if outcome is None:
        return None
    agreeing = counts.approvals if outcome == ProposalStatus.APPROVED else counts.rejections
    reason = (
        _("%(n)d of %(eligible)d members approved.")
        if outcome == ProposalStatus.APPROVED
        else _("%(n)d of %(eligible)d members rejected.")
    ) % {"n": agreeing, "eligible": counts.members - counts.recusals}
    proposal.status = outcome
    proposal.decided_at = timezone.now()
    proposal.decided_by = None
    proposal.decided_directly = False
    proposal.decision_reason = reason
    proposal.save(
        update_fields=["status", "decided_at", "decided_by", "decided_directly", "decision_reason", "updated_at"]
    )
    _event(proposal, EventKind.DECISION, actor=None, outcome=outcome, comment=reason)
    _tell_reviewers(proposal, "vote-result", skip=None, outcome=proposal.get_status_display(), reason=reason)
    return outcome


def _tell_reviewers(proposal: Proposal, kind: str, *, skip: User | None, **context: object) -> None:
    """Put a vote's comment or a decision in the lists of the subcommittee and the
    coordinators (never of the two people the proposal is about, nor of its author)."""
    parties = set(
        Enrollment.objects.filter(pk__in=[proposal.mentee_id, proposal.mentor_id]).values_list("user_id", flat=True)
    )
    members = [seat.user for seat in proposal.cohort.subcommittee.select_related("user")]
    people = [p for p in members + cohort_coordinators(cohort=proposal.cohort) if p.pk not in parties and p != skip]
    url = reverse("matching:proposal-detail", kwargs={"pk": proposal.cohort_id, "proposal_pk": proposal.pk})
    notify(users=people, kind=kind, context={"proposal": proposal, "cohort": proposal.cohort, "url": url, **context})


@transaction.atomic
def vote_cast(*, proposal: Proposal, member: User, choice: str, comment: str = "") -> Proposal:
    """Record (or change) a member's vote and decide the proposal when the votes say so.

    A rejection needs a comment: the coordinator and the next round rely on the reason.
    Side effects: an audit event for the vote, and one for the decision if it is taken.
    """
    if choice not in VoteChoice.values:
        raise ValidationError({"choice": _("Choose approve, reject or recuse.")})
    comment = comment.strip()
    if choice == VoteChoice.REJECT and not comment:
        raise ValidationError({"comment": _("Say why you reject this pair.")})
    proposal = _lock(proposal)
    if not _is_member(proposal.cohort, member):
        raise ValidationError(_("Only members of the cohort's subcommittee vote."))
    if proposal.status != ProposalStatus.PENDING:
        raise ValidationError(
            _("This proposal is already %(status)s; votes are closed.")
            % {"status": proposal.get_status_display().lower()}
        )
    # A member who is themself the mentee or the mentor of the pair has the plainest conflict
    # of interest: their vote must not decide their own match.
    if choice != VoteChoice.RECUSE and _is_party(proposal, member):
        raise ValidationError(_("You are one of the two people of this pair: you can only recuse."))
    Vote.objects.update_or_create(proposal=proposal, member=member, defaults={"choice": choice, "comment": comment})
    _event(proposal, EventKind.VOTE, actor=member, outcome=choice, comment=comment)
    if comment:
        _tell_reviewers(
            proposal, "vote-cast", skip=member, actor=member, choice=VoteChoice(choice).label, comment=comment
        )
    _decide_from_votes(proposal)
    return proposal


@transaction.atomic
def proposal_decide(*, proposal: Proposal, by: User, decision: str, reason: str) -> Proposal:
    """The coordinator's direct decision, with its reason on record.

    A pending proposal may be approved or rejected; an approved one that is not published
    yet may still be rejected. Side effects: an audit event.
    """
    if decision not in (ProposalStatus.APPROVED, ProposalStatus.REJECTED):
        raise ValidationError({"decision": _("Choose approve or reject.")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for your decision; it is kept on record.")})
    proposal = _lock(proposal)
    reopen = proposal.status == ProposalStatus.APPROVED and proposal.pair_id is None
    if proposal.status != ProposalStatus.PENDING and not (reopen and decision == ProposalStatus.REJECTED):
        raise ValidationError(_("This proposal can no longer be decided."))
    proposal.status = decision
    proposal.decided_at = timezone.now()
    proposal.decided_by = by
    proposal.decided_directly = True
    proposal.decision_reason = reason
    proposal.save(
        update_fields=["status", "decided_at", "decided_by", "decided_directly", "decision_reason", "updated_at"]
    )
    _event(proposal, EventKind.DECISION, actor=by, outcome=decision, comment=reason, direct=True)
    return proposal


def proposals_supersede_pending(*, cohort: Cohort, round_number: int) -> int:
    """A new round replaces the cohort's proposals still waiting for review: each is
    superseded, with an audit event. Call inside the round's transaction; returns how many.
    Approved proposals stay: the round keeps their seats."""
    pending = list(
        Proposal.objects.select_for_update()
        .filter(cohort=cohort, status=ProposalStatus.PENDING)
        .values_list("pk", flat=True)
    )
    Proposal.objects.filter(pk__in=pending).update(status=ProposalStatus.SUPERSEDED, updated_at=timezone.now())
    ProposalEvent.objects.bulk_create(
        [ProposalEvent(proposal_id=pk, kind=EventKind.SUPERSEDED, data={"round": round_number}) for pk in pending],
        batch_size=EVENT_BATCH,
    )
    return len(pending)


# --- Swaps ----------------------------------------------------------------------------------


@dataclass
class SwapPreview:
    mentor: Enrollment
    score: PairScore
    problems: list[str]

    @property
    def allowed(self) -> bool:
        return not self.problems


def swap_preview(*, proposal: Proposal, mentor: Enrollment, answers: dict | None = None) -> SwapPreview:
    """What the mentee would score with ``mentor`` (the engine on the two of them, with the
    run's criteria), and every reason the swap is refused: the mentor's seats, exclusions and
    earlier rejections, and hard criteria."""
    cohort = proposal.cohort
    problems: list[str] = []
    if (
        mentor.cohort_id != cohort.pk
        or mentor.role != ParticipantRole.MENTOR
        or mentor.status != EnrollmentStatus.ACCEPTED
    ):
        raise ValidationError({"mentor": _("Choose an accepted mentor of this cohort.")})
    if answers is None:
        answers = matching_answers(cohort=cohort, enrollment_ids=[proposal.mentee_id, mentor.pk])
    score = pair_score(
        snapshot=proposal.run.criteria,
        mentee_answers=answers.get(proposal.mentee_id),
        mentor_answers=answers.get(mentor.pk),
    )
    if mentor.pk == proposal.mentor_id:
        problems.append(_("%(name)s is already the proposed mentor.") % {"name": mentor.user})
    elif mentors_with_seats(cohort=cohort, ids=[mentor.pk]).get(mentor.pk, 0) <= 0:
        problems.append(_("%(name)s has no seat left.") % {"name": mentor.user})
    if is_never_again(cohort=cohort, mentee_id=proposal.mentee_id, mentor_id=mentor.pk):
        problems.append(
            _(
                "These two were excluded, rejected in an earlier round or already ended a pair: they are never matched again."
            )
        )
    labels = {c["key"]: c["label"] for c in proposal.run.criteria}
    for key in score.failed:
        problems.append(_("The pair fails the hard criterion “%(label)s”.") % {"label": labels.get(key, key)})
    return SwapPreview(mentor=mentor, score=score, problems=problems)


def _replace(proposal: Proposal, preview: SwapPreview, by: User) -> Proposal:
    old_mentor_id = proposal.mentor_id
    alternatives = [{"mentor": old_mentor_id, "score": proposal.score}] + [
        a for a in proposal.alternatives if a.get("mentor") not in (preview.mentor.pk, old_mentor_id)
    ]
    proposal.status = ProposalStatus.SUPERSEDED
    proposal.save(update_fields=["status", "updated_at"])
    new = Proposal.objects.create(
        run=proposal.run,
        cohort=proposal.cohort,
        mentee_id=proposal.mentee_id,
        mentor=preview.mentor,
        score=preview.score.score,
        breakdown=preview.score.breakdown,
        alternatives=alternatives[:3],
        swapped_from=proposal,
        created_by=by,
    )
    return new


@transaction.atomic
def proposal_swap(*, proposal: Proposal, mentor: Enrollment, by: User, comment: str = "") -> Proposal:
    """Give the mentee another mentor: the proposal is superseded by a new pending one, which
    the subcommittee reviews afresh. Refused (ValidationError with every reason) when the
    mentor has no seat, the two may never be matched, or a hard criterion fails.

    Side effects: audit events on both proposals.
    """
    proposal = _lock(proposal)
    if not proposal.is_open:
        raise ValidationError(_("Only a pending or approved, unpublished proposal can be changed."))
    # Serialises swaps onto the same mentor, so that two cannot both take the last seat.
    Enrollment.objects.select_for_update().filter(pk=mentor.pk).first()
    preview = swap_preview(proposal=proposal, mentor=mentor)
    if not preview.allowed:
        raise ValidationError(preview.problems)
    new = _replace(proposal, preview, by)
    data = {"from_mentor": proposal.mentor_id, "to_mentor": mentor.pk, "score": preview.score.score}
    _event(proposal, EventKind.SWAP, actor=by, comment=comment.strip(), replaced_by=new.pk, **data)
    _event(new, EventKind.SWAP, actor=by, comment=comment.strip(), replaces=proposal.pk, **data)
    return new


@transaction.atomic
def suggestion_create(*, proposal: Proposal, mentor: Enrollment, by: User, comment: str = "") -> Suggestion:
    """A subcommittee member suggests another mentor; the coordinator accepts or declines.
    Refused on the same grounds as a swap. Side effects: an audit event."""
    proposal = _lock(proposal)
    if not _is_member(proposal.cohort, by):
        raise ValidationError(_("Only members of the cohort's subcommittee suggest changes."))
    if not proposal.is_open:
        raise ValidationError(_("Only a pending or approved, unpublished proposal can be changed."))
    preview = swap_preview(proposal=proposal, mentor=mentor)
    if not preview.allowed:
        raise ValidationError(preview.problems)
    suggestion = Suggestion.objects.create(
        proposal=proposal,
        mentor=mentor,
        score=preview.score.score,
        breakdown=preview.score.breakdown,
        comment=comment.strip(),
        suggested_by=by,
    )
    _event(
        proposal,
        EventKind.SUGGESTION,
        actor=by,
        comment=comment.strip(),
        suggestion=suggestion.pk,
        to_mentor=mentor.pk,
        score=preview.score.score,
    )
    return suggestion


def suggestion_accept(*, suggestion: Suggestion, by: User) -> Proposal:
    """Make the suggested swap (checked again now) and close the suggestion."""
    with transaction.atomic():
        suggestion = (
            Suggestion.objects.select_for_update(of=("self",))
            .select_related("proposal", "mentor")
            .get(pk=suggestion.pk)
        )
        if suggestion.status != SuggestionStatus.OPEN:
            raise ValidationError(_("This suggestion was already dealt with."))
        new = proposal_swap(
            proposal=suggestion.proposal,
            mentor=suggestion.mentor,
            by=by,
            comment=_("Suggested by %(name)s: %(comment)s")
            % {"name": suggestion.suggested_by, "comment": suggestion.comment}
            if suggestion.comment
            else _("Suggested by %(name)s") % {"name": suggestion.suggested_by},
        )
        suggestion.status = SuggestionStatus.ACCEPTED
        suggestion.decided_by = by
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["status", "decided_by", "decided_at"])
        _event(suggestion.proposal, EventKind.SUGGESTION_ACCEPTED, actor=by, suggestion=suggestion.pk)
    return new


@transaction.atomic
def suggestion_decline(*, suggestion: Suggestion, by: User, comment: str = "") -> Suggestion:
    suggestion = (
        Suggestion.objects.select_for_update(of=("self",)).select_related("proposal__cohort").get(pk=suggestion.pk)
    )
    require_open(suggestion.proposal.cohort)
    if suggestion.status != SuggestionStatus.OPEN:
        raise ValidationError(_("This suggestion was already dealt with."))
    suggestion.status = SuggestionStatus.DECLINED
    suggestion.decided_by = by
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    _event(
        suggestion.proposal, EventKind.SUGGESTION_DECLINED, actor=by, comment=comment.strip(), suggestion=suggestion.pk
    )
    return suggestion
