"""Acting on many proposals at once: one vote, or one coordinator's decision, with one reason.

Each proposal still goes through ``vote_cast`` or ``proposal_decide`` (its row lock, its
audit event, the quorum and recusal rules, its notifications), each in a savepoint of one
transaction: a proposal the rules refuse is skipped with the reason, the others are
recorded. A selection that names a proposal of another cohort is refused whole, before
anything is written.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import Cohort
from cohorts.phases import require_open
from mentorship.models import User

from ..enums import ProposalStatus, VoteChoice
from ..models import Proposal, ProposalView
from .review import proposal_decide, vote_cast


@dataclass
class Skipped:
    proposal: Proposal
    reason: str


@dataclass
class BulkOutcome:
    done: list[Proposal] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def decided(self) -> int:
        """How many of the proposals acted on are decided now."""
        return sum(1 for p in self.done if p.status != ProposalStatus.PENDING)


def proposal_viewed(*, proposal: Proposal, viewer: User) -> None:
    """Remember that ``viewer`` opened the proposal (for "all I have looked at")."""
    ProposalView.objects.update_or_create(proposal=proposal, viewer=viewer, defaults={"viewed_at": timezone.now()})


def _selection(*, cohort: Cohort, proposal_ids: Iterable[int]) -> list[Proposal]:
    ids = sorted(set(proposal_ids))
    if not ids:
        raise ValidationError(_("Choose at least one proposal."))
    limit = settings.MATCHING_BULK_MAX
    if len(ids) > limit:
        raise ValidationError(
            ngettext("Choose at most %(n)d proposal at a time.", "Choose at most %(n)d proposals at a time.", limit)
            % {"n": limit}
        )
    found = list(
        Proposal.objects.filter(cohort=cohort, pk__in=ids)
        .select_related("mentee__user", "mentor__user")
        .order_by("-score", "pk")
    )
    if len(found) != len(ids):
        raise ValidationError(
            _(
                "Some of the chosen proposals are not proposals of this cohort: nothing was recorded. Reload the list and choose again."
            )
        )
    for proposal in found:
        proposal.cohort = cohort
    return found


def _each(proposals: list[Proposal], act) -> BulkOutcome:
    outcome = BulkOutcome()
    for proposal in proposals:
        try:
            with transaction.atomic():
                done = act(proposal)
        except ValidationError as error:
            outcome.skipped.append(Skipped(proposal=proposal, reason=" ".join(error.messages)))
        else:
            done.mentee, done.mentor = proposal.mentee, proposal.mentor
            outcome.done.append(done)
    return outcome


@transaction.atomic
def votes_cast_bulk(
    *, cohort: Cohort, member: User, proposal_ids: Iterable[int], choice: str, comment: str = ""
) -> BulkOutcome:
    """The member's one vote (and comment) on each chosen proposal of the cohort.

    Refused whole (ValidationError, nothing written) for a bad choice, a rejection without
    a reason, a closed cohort, a non-member, an empty or too large selection, or a proposal
    of another cohort; a proposal the vote rules refuse (already decided, the member is one
    of the pair and may only recuse) is skipped with the reason.
    """
    if choice not in VoteChoice.values:
        raise ValidationError({"choice": _("Choose approve, reject or recuse.")})
    comment = comment.strip()
    if choice == VoteChoice.REJECT and not comment:
        raise ValidationError({"comment": _("Say why you reject these pairs.")})
    require_open(cohort)
    if not cohort.subcommittee.filter(user=member).exists():
        raise ValidationError(_("Only members of the cohort's subcommittee vote."))
    proposals = _selection(cohort=cohort, proposal_ids=proposal_ids)
    return _each(proposals, lambda p: vote_cast(proposal=p, member=member, choice=choice, comment=comment))


@transaction.atomic
def proposals_decide_bulk(
    *, cohort: Cohort, by: User, proposal_ids: Iterable[int], decision: str, reason: str
) -> BulkOutcome:
    """The coordinator's one decision (and reason) on each chosen proposal of the cohort.

    Refused whole like ``votes_cast_bulk``; a proposal that can no longer be decided is
    skipped with the reason. (Who may decide is the view's permission check.)
    """
    if decision not in (ProposalStatus.APPROVED, ProposalStatus.REJECTED):
        raise ValidationError({"decision": _("Choose approve or reject.")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for your decision; it is kept on record.")})
    require_open(cohort)
    proposals = _selection(cohort=cohort, proposal_ids=proposal_ids)
    return _each(proposals, lambda p: proposal_decide(proposal=p, by=by, decision=decision, reason=reason))
