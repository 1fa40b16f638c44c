"""Who may see and do what with projects, the showcase, graduation and terms.

- A mentee edits their own project, posts its updates and submits it to the showcase.
- Their mentor (of an active or graduated pair) reads the project and comments on its
  updates; the mentee may answer in the same thread.
- The coordinators of the cohort's organization read every project of the cohort, set up
  the showcase and its programme, graduate pairs and decide at the end of terms.
- The internal showcase page is for the organization's members (coordinators and
  viewers), the cohort's subcommittee and its accepted participants: the people of the
  program. Someone who only applied (anyone can, through the enrollment link) or waits
  on the waiting list is not one of them yet, and sees no project a mentee kept private.
  The public page is a different view, guarded by its token, and shows only what the
  coordinator and each mentee allowed.
- A certificate is seen by the two people of the pair and the coordinators.
- Reports (outcomes, post-program check-in rates) are read by coordinators and viewers;
  who answered which check-in (names) by the coordinators only.

Predicates take the object named in each permission; all are False for anonymous users
and unsaved objects.
"""

import rules

from cohorts.enums import EnrollmentStatus
from cohorts.models import PairStatus
from cohorts.rules import is_subcommittee_member
from mentorship.rules import is_org_coordinator, is_org_member, is_org_viewer


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def project_mentor_ids(project) -> set[int]:
    """User ids of the mentee's mentors in active or graduated pairs; cached on the object."""
    cached = getattr(project, "_mentor_ids", None)
    if cached is None:
        from cohorts.models import Pair  # noqa: PLC0415 -- keeps this module light for the rules loader

        cached = set(
            Pair.objects.filter(
                mentee_id=project.enrollment_id, status__in=[PairStatus.ACTIVE, PairStatus.GRADUATED]
            ).values_list("mentor__user_id", flat=True)
        )
        project._mentor_ids = cached
    return cached


@rules.predicate
def is_accepted_participant(user, cohort) -> bool:
    if not _signed_in(user) or cohort is None or cohort.pk is None:
        return False
    cache = user.__dict__.setdefault("_accepted_participant_cache", {})
    if cohort.pk not in cache:
        cache[cohort.pk] = cohort.enrollments.filter(user=user, status=EnrollmentStatus.ACCEPTED).exists()
    return cache[cohort.pk]


@rules.predicate
def is_project_mentee(user, project) -> bool:
    if not _signed_in(user) or project is None or project.pk is None:
        return False
    return project.enrollment.user_id == user.pk


@rules.predicate
def is_project_mentor(user, project) -> bool:
    if not _signed_in(user) or project is None or project.pk is None:
        return False
    return user.pk in project_mentor_ids(project)


@rules.predicate
def is_project_coordinator(user, project) -> bool:
    if project is None or project.pk is None:
        return False
    return is_org_coordinator.test(user, project)


@rules.predicate
def is_pair_member(user, pair) -> bool:
    if not _signed_in(user) or pair is None or pair.pk is None:
        return False
    return user.pk in (pair.mentor.user_id, pair.mentee.user_id)


@rules.predicate
def is_certificate_holder(user, graduation) -> bool:
    if graduation is None or graduation.pk is None:
        return False
    return is_pair_member.test(user, graduation.pair)


@rules.predicate
def is_graduation_coordinator(user, graduation) -> bool:
    if graduation is None or graduation.pk is None:
        return False
    return is_org_coordinator.test(user, graduation.pair)


rules.add_perm("showcase.view_project", is_project_mentee | is_project_mentor | is_project_coordinator)
rules.add_perm("showcase.change_project", is_project_mentee)
rules.add_perm("showcase.comment_project", is_project_mentee | is_project_mentor)
rules.add_perm("showcase.submit_project", is_project_mentee)

# obj: the Cohort
rules.add_perm("showcase.view_cohort_projects", is_org_coordinator)
rules.add_perm("showcase.manage_showcase", is_org_coordinator)
rules.add_perm("showcase.view_showcase", is_org_member | is_subcommittee_member | is_accepted_participant)
rules.add_perm("showcase.manage_graduation", is_org_coordinator)
rules.add_perm("showcase.manage_terms", is_org_coordinator)
rules.add_perm("showcase.view_checkins", is_org_coordinator)
# obj: a Cohort or a Program
rules.add_perm("showcase.view_outcomes", is_org_coordinator | is_org_viewer)

rules.add_perm("showcase.view_certificate", is_certificate_holder | is_graduation_coordinator)
# obj: the Pair
rules.add_perm("showcase.choose_term", is_pair_member)
