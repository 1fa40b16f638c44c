"""What the matching app plugs into cohorts (registered in ``MatchingConfig.ready``)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from cohorts.enums import CohortPhase
from cohorts.hooks import Blocker, CohortArea, Section

from .enums import ProposalStatus
from .models import Proposal


def cohort_sections(cohort, user) -> list[Section]:
    if user.has_perm("matching.manage_matching", cohort):
        return [
            Section(
                title=_("Matching"),
                url=reverse("matching:matching-detail", kwargs={"pk": cohort.pk}),
                description=_("Criteria, matching runs, the subcommittee's review and publishing the pairs."),
                order=35,
            )
        ]
    if user.has_perm("matching.review_proposals", cohort):
        return [
            Section(
                title=_("Review proposals"),
                url=reverse("matching:proposal-list", kwargs={"pk": cohort.pk}),
                description=_("Read the proposed pairs with the reasons behind each score, and vote."),
                order=35,
            )
        ]
    if user.has_perm("matching.view_matching", cohort):
        return [
            Section(
                title=_("Matching"),
                url=reverse("matching:matching-detail", kwargs={"pk": cohort.pk}),
                description=_("How matching is going: runs and counts."),
                order=35,
            )
        ]
    return []


def phase_check(cohort, target_phase: str) -> list[Blocker]:
    """Before launch, say so when approved pairs are not published yet (a warning only)."""
    if target_phase != CohortPhase.LAUNCH:
        return []
    waiting = Proposal.objects.filter(cohort=cohort, status=ProposalStatus.APPROVED, pair__isnull=True).count()
    if not waiting:
        return []
    return [
        Blocker(
            ngettext(
                "%(n)d approved pair is not published yet.",
                "%(n)d approved pairs are not published yet.",
                waiting,
            )
            % {"n": waiting},
            count=waiting,
            url=reverse("matching:matching-detail", kwargs={"pk": cohort.pk}),
            warning=True,
        )
    ]


# --- The cohort bar ----------------------------------------------------------------------------

_MATCHING_PAGES = frozenset(
    f"matching:{name}"
    for name in (
        "matching-detail",
        "run-create",
        "run-detail",
        "publish-detail",
        "publish",
        "pair-end-choose",
        "pair-end",
        "criteria-list",
        "criterion-create",
        "criterion-update",
        "criterion-delete",
        "settings-update",
        "exclusion-list",
        "proposal-list",
        "proposal-detail",
        "proposal-vote",
        "proposal-decide",
        "proposal-swap",
    )
)


def _matching_link(cohort, user) -> str | None:
    if user.has_perm("matching.manage_matching", cohort) or user.has_perm("matching.view_matching", cohort):
        if not user.has_perm("matching.manage_matching", cohort) and user.has_perm("matching.vote", cohort):
            # The subcommittee's work is the review: it opens there.
            return reverse("matching:proposal-list", kwargs={"pk": cohort.pk})
        return reverse("matching:matching-detail", kwargs={"pk": cohort.pk})
    return None


AREA = CohortArea("matching", _lazy("Matching"), _MATCHING_PAGES, _matching_link, order=50)
