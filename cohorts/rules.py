"""Who may do what with a cohort. Composed from the organization rules of mentorship.rules."""

import rules

from mentorship.rules import is_org_coordinator, is_org_member, is_org_viewer

from .enums import ACTIVE_ENROLLMENT_STATUSES


def _cohort_of(obj):
    return getattr(obj, "cohort", obj)


@rules.predicate
def is_subcommittee_member(user, obj) -> bool:
    cohort = _cohort_of(obj)
    if not getattr(user, "is_authenticated", False) or cohort is None or cohort.pk is None:
        return False
    cache = user.__dict__.setdefault("_subcommittee_cache", {})
    if cohort.pk not in cache:
        cache[cohort.pk] = cohort.subcommittee.filter(user=user).exists()
    return cache[cohort.pk]


@rules.predicate
def is_participant(user, obj) -> bool:
    """Enrolled in the cohort as a mentor or a mentee, in any state short of declined or withdrawn."""
    cohort = _cohort_of(obj)
    if not getattr(user, "is_authenticated", False) or cohort is None or cohort.pk is None:
        return False
    cache = user.__dict__.setdefault("_participant_cache", {})
    if cohort.pk not in cache:
        cache[cohort.pk] = cohort.enrollments.filter(user=user, status__in=ACTIVE_ENROLLMENT_STATUSES).exists()
    return cache[cohort.pk]


is_cohort_coordinator = is_org_coordinator
can_read_cohort_people = is_org_member | is_subcommittee_member

rules.add_perm("cohorts.view_cohort", is_org_member | is_subcommittee_member | is_participant)
rules.add_perm("cohorts.manage_cohort", is_cohort_coordinator)
rules.add_perm("cohorts.view_participants", can_read_cohort_people)
rules.add_perm("cohorts.view_reports", is_org_coordinator | is_org_viewer)
