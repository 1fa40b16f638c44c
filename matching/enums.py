from django.db import models
from django.utils.translation import gettext_lazy as _


class CriterionKind(models.TextChoices):
    """How a criterion compares the two answers; the values are the engine's kinds."""

    SAME = "same", _("Same answer")
    DIFFERENT = "different", _("Different answers")
    DISTANCE = "distance", _("Close together")
    OVERLAP = "overlap", _("Shared choices")
    ORDINAL = "ordinal", _("Mentor more senior")


KIND_HELP = {
    CriterionKind.SAME: _(
        "Equal answers score full marks (for example the career track). Short typed answers compare "
        "without regard to capitals or extra spaces."
    ),
    CriterionKind.DIFFERENT: _(
        "Different answers score full marks (for example the department, or a sub-department typed as short text)."
    ),
    CriterionKind.DISTANCE: _("The score falls with the distance between the answers (for example hours apart)."),
    CriterionKind.OVERLAP: _("Multiple choice: the more choices both picked, the higher the score."),
    CriterionKind.ORDINAL: _("The mentor's answer should be higher (for example years of experience)."),
}


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded")


class VoteChoice(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    RECUSE = "recuse", _("Recuse (conflict of interest)")


class Threshold(models.TextChoices):
    """How many of the members who have not recused must agree for a decision."""

    MAJORITY = "majority", _("More than half")
    TWO_THIRDS = "two_thirds", _("Two thirds")
    UNANIMOUS = "unanimous", _("All of them")


class ExclusionReason(models.TextChoices):
    REPORTING_LINE = "reporting_line", _("Same reporting line")
    COORDINATOR = "coordinator", _("Excluded by the coordinator")


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class PairEndSource(models.TextChoices):
    FEEDBACK = "feedback", _("“Not a good fit” in the match feedback")
    COORDINATOR = "coordinator", _("Ended by the coordinator")


class EventKind(models.TextChoices):
    """What the audit trail of a proposal records."""

    VOTE = "vote", _("Vote")
    DECISION = "decision", _("Decision")
    SWAP = "swap", _("Swap")
    SUGGESTION = "suggestion", _("Suggestion")
    SUGGESTION_ACCEPTED = "suggestion_accepted", _("Suggestion accepted")
    SUGGESTION_DECLINED = "suggestion_declined", _("Suggestion declined")
    SUPERSEDED = "superseded", _("Superseded by a later round")
    PUBLISHED = "published", _("Published")
    PAIR_ENDED = "pair_ended", _("Pair ended")
