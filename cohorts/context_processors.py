import functools

from .enums import ACTIVE_ENROLLMENT_STATUSES
from .home import coordinator_cards, review_cards, viewer_cards
from .models import Enrollment
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

    # Each computed once per request, whoever reads it (the navigation, the home page, a test).
    return {
        "nav_cohorts": functools.cache(lambda: list(cohorts_taken_part_in(user=user))),
        "my_cohort_cards": functools.cache(cohort_cards),
        "home_coordinated": functools.cache(lambda: coordinator_cards(user)),
        "home_viewed": functools.cache(lambda: viewer_cards(user)),
        "home_reviews": functools.cache(lambda: review_cards(user)),
    }
