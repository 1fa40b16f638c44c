"""Who may do what with questionnaires and answers.

Composed from the organization rules (mentorship.rules) and the cohort rules
(cohorts.rules), applied to the cohort a questionnaire, question, response or export
belongs to:

- coordinators of the cohort's organization build, send, read every answer and export;
- the cohort's subcommittee reads every answer, sensitive ones included, but builds nothing;
- the organization's viewers read summaries only: no individual answers, and no summaries
  of sensitive questions (small counts of demographic answers can point at a person);
- a participant fills and reads their own responses; the other person of their pair may
  read their application answers except the sensitive ones (never their surveys);
- nobody outside the cohort's organization sees anything (the views answer 404).
"""

import rules

from cohorts.models import Cohort, Enrollment, Pair, PairStatus
from cohorts.rules import is_participant, is_subcommittee_member
from mentorship.rules import is_org_coordinator, is_org_viewer

from .enums import Kind


def cohort_of(obj) -> Cohort | None:
    if obj is None or isinstance(obj, Cohort):
        return obj
    for path in ("questionnaire", "response", "question"):
        inner = getattr(obj, path, None)
        if inner is not None and not isinstance(inner, str):
            return cohort_of(inner)
    return getattr(obj, "cohort", None)


@rules.predicate
def is_coordinator(user, obj) -> bool:
    return is_org_coordinator.test(user, cohort_of(obj))


@rules.predicate
def is_subcommittee(user, obj) -> bool:
    return is_subcommittee_member.test(user, cohort_of(obj))


@rules.predicate
def is_viewer(user, obj) -> bool:
    return is_org_viewer.test(user, cohort_of(obj))


@rules.predicate
def is_cohort_participant(user, obj) -> bool:
    return is_participant.test(user, cohort_of(obj))


@rules.predicate
def is_own_response(user, response) -> bool:
    if not getattr(user, "is_authenticated", False) or response is None or response.pk is None:
        return False
    return response.enrollment.user_id == user.pk


def pair_partner_ids(enrollment: Enrollment) -> set[int]:
    """User ids of the people paired with ``enrollment`` (active or graduated pairs)."""
    pairs = Pair.objects.filter(status__in=[PairStatus.ACTIVE, PairStatus.GRADUATED])
    mentors = pairs.filter(mentee=enrollment).values_list("mentor__user_id", flat=True)
    mentees = pairs.filter(mentor=enrollment).values_list("mentee__user_id", flat=True)
    return set(mentors) | set(mentees)


@rules.predicate
def is_partner_of_applicant(user, response) -> bool:
    """The other person of a pair, looking at an application response (never a survey)."""
    if not getattr(user, "is_authenticated", False) or response is None or response.pk is None:
        return False
    if response.questionnaire.kind != Kind.APPLICATION:
        return False
    return user.pk in pair_partner_ids(response.enrollment)


can_read_answers = is_coordinator | is_subcommittee

rules.add_perm("questionnaires.manage_questionnaires", is_coordinator)
rules.add_perm("questionnaires.view_questionnaires", is_coordinator | is_subcommittee | is_viewer)
rules.add_perm("questionnaires.view_summary", is_coordinator | is_subcommittee | is_viewer)
rules.add_perm("questionnaires.view_answers", can_read_answers)
rules.add_perm("questionnaires.view_sensitive_answers", can_read_answers)
rules.add_perm("questionnaires.export_answers", is_coordinator)
rules.add_perm("questionnaires.view_own_questionnaires", is_cohort_participant)
rules.add_perm("questionnaires.view_response", is_own_response | can_read_answers | is_partner_of_applicant)
