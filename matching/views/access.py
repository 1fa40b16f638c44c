"""Loading what a request may see: the cohort through the cohorts app's scoping (anything of
another organization is a 404, a participant without the permission gets a 403), then the
matching object inside that cohort (a foreign id is a 404)."""

from django.shortcuts import get_object_or_404

from cohorts.access import cohort_for
from cohorts.models import Cohort

from ..models import MatchRun, Proposal

__all__ = ["cohort_for", "proposal_for", "run_for"]


def proposal_for(cohort: Cohort, proposal_pk: int) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.select_related(
            "run", "mentee__user", "mentor__user", "decided_by", "pair", "swapped_from__mentor__user", "created_by"
        ),
        cohort=cohort,
        pk=proposal_pk,
    )
    proposal.cohort = cohort
    return proposal


def run_for(cohort: Cohort, run_pk: int) -> MatchRun:
    run = get_object_or_404(MatchRun.objects.select_related("started_by"), cohort=cohort, pk=run_pk)
    run.cohort = cohort
    return run
