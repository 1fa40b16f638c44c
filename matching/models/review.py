from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Enrollment, Pair
from mentorship.tenancy import OrganizationOwned
from questionnaires.models import Response

from ..enums import EventKind, PairEndSource, ProposalStatus, SuggestionStatus, VoteChoice
from .runs import MatchRun


class Proposal(OrganizationOwned):
    """A mentor proposed for a mentee by a run (or by a swap), for the subcommittee to decide.

    ``breakdown`` maps each criterion key of the run to its weighted contribution (they add
    up to ``score``); ``alternatives`` lists the next-best mentors as
    ``[{"mentor": enrollment id, "score": float}]``. ``pair`` is set when the proposal is
    published, which makes publishing twice harmless.
    """

    organization_path = "cohort__program__organization"

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="proposals_as_mentee")
    mentor = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="proposals_as_mentor")
    score = models.FloatField(_("score"))
    breakdown = models.JSONField(default=dict)
    alternatives = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # True when the coordinator decided it directly; False when the votes did.
    decided_directly = models.BooleanField(default=False)
    decision_reason = models.TextField(_("reason"), blank=True)
    pair = models.OneToOneField(Pair, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # A swap replaces a proposal by a new one with the other mentor; this points back.
    swapped_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="swapped_to"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cohort", "-score", "pk"]
        constraints = [
            # A mentee has at most one proposal that is still open: waiting for votes, or
            # approved and not yet published.
            models.UniqueConstraint(
                fields=["cohort", "mentee"],
                condition=models.Q(status=ProposalStatus.PENDING)
                | models.Q(status=ProposalStatus.APPROVED, pair__isnull=True),
                name="one_open_proposal_per_mentee",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status"]),
            models.Index(fields=["cohort", "mentee", "mentor"]),
        ]

    def __str__(self) -> str:
        return f"{self.mentee.user} ← {self.mentor.user} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("matching:proposal-detail", kwargs={"pk": self.cohort_id, "proposal_pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatus.PENDING or (self.status == ProposalStatus.APPROVED and not self.pair_id)

    @property
    def is_published(self) -> bool:
        return self.pair_id is not None

    @property
    def score_percent(self) -> int:
        return round(100 * self.score)


class Vote(OrganizationOwned):
    """A subcommittee member's vote on a proposal; one per member, changeable while pending."""

    organization_path = "proposal__cohort__program__organization"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="matching_votes")
    choice = models.CharField(_("vote"), max_length=10, choices=VoteChoice.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["proposal", "created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="one_vote_per_member")]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_choice_display()}"


class ProposalView(OrganizationOwned):
    """A person opened a proposal's page: what "all I have looked at" acts on in the bulk
    vote or decision. One row per person and proposal, with the last time they opened it."""

    organization_path = "proposal__cohort__program__organization"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["viewer", "proposal"], name="one_view_per_person")]

    def __str__(self) -> str:
        return f"{self.viewer} opened {self.proposal_id}"


class Suggestion(OrganizationOwned):
    """A subcommittee member's proposal to give the mentee another mentor; the coordinator
    accepts it (the swap is made) or declines it."""

    organization_path = "proposal__cohort__program__organization"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="suggestions")
    mentor = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    breakdown = models.JSONField(default=dict)
    comment = models.TextField(_("why"), blank=True)
    suggested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.mentor.user} for {self.proposal.mentee.user}"

    @property
    def score_percent(self) -> int:
        return round(100 * self.score)


class ProposalEvent(OrganizationOwned):
    """The audit trail: every vote, decision, swap, suggestion and publication, as it happened."""

    organization_path = "proposal__cohort__program__organization"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # The vote or the decision taken (a VoteChoice or a ProposalStatus value), when there is one.
    outcome = models.CharField(max_length=20, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.proposal_id}"

    @property
    def outcome_label(self) -> str:
        for choices in (VoteChoice, ProposalStatus):
            if self.outcome in choices.values:
                return str(choices(self.outcome).label)
        return self.outcome


class PairEnd(OrganizationOwned):
    """Why and how a published pair ended, so that both people go back into the next round
    and the two are never proposed together again."""

    organization_path = "cohort__program__organization"

    pair = models.OneToOneField(Pair, on_delete=models.CASCADE, related_name="matching_end")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="matching_pair_ends")
    source = models.CharField(max_length=20, choices=PairEndSource.choices)
    reason = models.TextField(_("reason"))
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    response = models.ForeignKey(Response, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.pair} ended ({self.get_source_display()})"
