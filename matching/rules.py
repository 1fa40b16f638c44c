"""Who may do what with matching, composed from the organization and cohort rules.

- coordinators of the cohort's organization set the criteria, exclusions and voting rule,
  start runs, decide proposals directly, swap mentors, publish and end pairs; they read
  every proposal with both people's answers;
- the cohort's subcommittee reads the proposals with both people's answers, votes, and
  suggests another mentor (the coordinator accepts or declines);
- the organization's viewers read the matching page's summary: criteria, runs and counts,
  never a name, a score of a person or an answer;
- participants see nothing of matching (the views answer 403; their published match is
  shown by the pages of their pair), and nobody outside the organization sees anything
  (the views answer 404).

Every predicate takes the cohort, or an object with a ``cohort`` (a proposal, a run).
"""

import rules

from cohorts.rules import is_subcommittee_member
from mentorship.rules import is_org_coordinator, is_org_viewer


def _cohort(obj):
    return getattr(obj, "cohort", obj)


@rules.predicate
def is_coordinator(user, obj) -> bool:
    return is_org_coordinator.test(user, _cohort(obj))


@rules.predicate
def is_subcommittee(user, obj) -> bool:
    return is_subcommittee_member.test(user, _cohort(obj))


@rules.predicate
def is_viewer(user, obj) -> bool:
    return is_org_viewer.test(user, _cohort(obj))


rules.add_perm("matching.view_matching", is_coordinator | is_subcommittee | is_viewer)
rules.add_perm("matching.manage_matching", is_coordinator)
rules.add_perm("matching.review_proposals", is_coordinator | is_subcommittee)
rules.add_perm("matching.vote", is_subcommittee)
rules.add_perm("matching.suggest_swap", is_subcommittee)
