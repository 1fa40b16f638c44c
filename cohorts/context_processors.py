from .enums import ACTIVE_ENROLLMENT_STATUSES
from .models import Cohort, Enrollment
from .next_steps import all_next_steps
from .selectors import cohorts_taken_part_in


def navigation(request) -> dict:
    """The cohorts a person takes part in, and on their home page what to do next in each.
    Lazy: pages that do not show them pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def cohort_cards():
        enrollments = Enrollment.objects.filter(user=user, status__in=ACTIVE_ENROLLMENT_STATUSES).select_related(
            "cohort__program__organization"
        )
        return [{"enrollment": e, "cohort": e.cohort, "steps": all_next_steps(e)} for e in enrollments]

    def subcommittee_cohorts():
        return list(Cohort.objects.filter(subcommittee__user=user).select_related("program__organization"))

    return {
        "nav_cohorts": lambda: list(cohorts_taken_part_in(user=user)),
        "my_cohort_cards": cohort_cards,
        "my_subcommittee_cohorts": subcommittee_cohorts,
    }
