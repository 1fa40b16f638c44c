from .selectors import cohorts_taken_part_in


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_cohorts": lambda: list(cohorts_taken_part_in(user=user))}
