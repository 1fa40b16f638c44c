from django.db.models import Q, QuerySet

from mentorship.models import User

from .enums import ACTIVE_ENROLLMENT_STATUSES
from .models import Cohort


def cohorts_taken_part_in(*, user: User) -> QuerySet[Cohort]:
    """Cohorts the user is a participant of, or sits on the subcommittee of."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    return (
        Cohort.objects.filter(
            Q(enrollments__user=user, enrollments__status__in=ACTIVE_ENROLLMENT_STATUSES) | Q(subcommittee__user=user)
        )
        .select_related("program__organization")
        .distinct()
    )


def cohorts_visible_to(*, user: User) -> QuerySet[Cohort]:
    """Every cohort the user may open: those of their organizations and those they take part in."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    return (
        Cohort.objects.filter(
            Q(program__organization__memberships__user=user)
            | Q(enrollments__user=user, enrollments__status__in=ACTIVE_ENROLLMENT_STATUSES)
            | Q(subcommittee__user=user)
        )
        .select_related("program__organization")
        .distinct()
    )
