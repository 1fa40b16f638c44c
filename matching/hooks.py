"""What the matching app plugs into cohorts (registered in ``MatchingConfig.ready``)."""

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from cohorts.enums import CohortPhase
from cohorts.hooks import Blocker, CohortArea, Section, Todo
from cohorts.models import SubcommitteeMember
from mentorship.enums import JobStatus

from .enums import ProposalStatus
from .models import MatchRun, Proposal, PublishJob, Vote


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


# --- The home page ---------------------------------------------------------------------------


def _missing_vote():
    """A current member of the proposal's cohort who has not voted on it."""
    voted = Vote.objects.filter(proposal_id=OuterRef(OuterRef("pk")), member_id=OuterRef("user_id"))
    return SubcommitteeMember.objects.filter(cohort_id=OuterRef("cohort_id")).exclude(Exists(voted))


def home_todos(cohorts, user) -> dict[int, list[Todo]]:
    """For coordinators: proposals every member has voted on without a decision (or with no
    subcommittee: the coordinator decides), approved pairs to publish, failed runs and
    publishing. Three queries."""
    ids = [c.pk for c in cohorts]
    result: dict[int, list[Todo]] = {}
    counts = (
        Proposal.objects.filter(cohort_id__in=ids)
        .order_by()
        .values_list("cohort_id")
        .annotate(
            due=Count("pk", filter=Q(status=ProposalStatus.PENDING) & ~Q(Exists(_missing_vote()))),
            to_publish=Count("pk", filter=Q(status=ProposalStatus.APPROVED, pair__isnull=True)),
        )
    )
    for cohort_id, due, to_publish in counts:
        items = result.setdefault(cohort_id, [])
        review = reverse("matching:proposal-list", kwargs={"pk": cohort_id})
        if due:
            items.append(
                Todo(
                    ngettext("%(n)d proposal waits for your decision", "%(n)d proposals wait for your decision", due)
                    % {"n": due},
                    review + "?status=pending",
                    level="warning",
                    order=20,
                )
            )
        if to_publish:
            items.append(
                Todo(
                    ngettext("%(n)d approved pair to publish", "%(n)d approved pairs to publish", to_publish)
                    % {"n": to_publish},
                    reverse("matching:matching-detail", kwargs={"pk": cohort_id}) + "#review-heading",
                    order=25,
                )
            )
    failed_jobs = ((MatchRun, "matching:run-detail", "run_pk"), (PublishJob, "matching:publish-detail", "job_pk"))
    for model, url_name, key in failed_jobs:
        failed = (
            model.objects.filter(cohort_id__in=ids, status=JobStatus.FAILED)
            .order_by()
            .values_list("cohort_id")
            .annotate(n=Count("pk"), last=Max("pk"))
        )
        for cohort_id, n, last in failed:
            title = (
                ngettext("%(n)d matching run failed", "%(n)d matching runs failed", n)
                if model is MatchRun
                else ngettext("Publishing failed %(n)d time", "Publishing failed %(n)d times", n)
            ) % {"n": n}
            url = reverse(url_name, kwargs={"pk": cohort_id, key: last})
            result.setdefault(cohort_id, []).append(Todo(title, url, level="danger", order=6))
    return result


def vote_todos(user) -> dict[int, list[Todo]]:
    """For subcommittee members: the pending proposals of each of their cohorts that wait for
    their vote (not those about themselves). One query."""
    mine = Vote.objects.filter(proposal_id=OuterRef("pk"), member=user)
    rows = (
        Proposal.objects.filter(
            status=ProposalStatus.PENDING, cohort__subcommittee__user=user, cohort__phase__in=_REVIEW_PHASES
        )
        .exclude(Exists(mine))
        .exclude(mentee__user=user)
        .exclude(mentor__user=user)
        .order_by()
        .values_list("cohort_id")
        .annotate(n=Count("pk"))
    )
    return {
        cohort_id: [
            Todo(
                ngettext("%(n)d proposal waits for your vote", "%(n)d proposals wait for your vote", n) % {"n": n},
                reverse("matching:proposal-list", kwargs={"pk": cohort_id}) + "?my_vote=none",
                level="warning",
                order=10,
            )
        ]
        for cohort_id, n in rows
    }


_REVIEW_PHASES = [p for p in CohortPhase.values if p != CohortPhase.CLOSED]
