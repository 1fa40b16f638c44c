"""What every app's views use to open a cohort: the cohort only for those who may see it (a
404 for anybody else), and the person's own place in it."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .enums import ACTIVE_ENROLLMENT_STATUSES
from .models import Cohort, Enrollment
from .selectors import cohorts_visible_to


def cohort_for(request, pk: int, perm: str = "cohorts.view_cohort") -> Cohort:
    """The cohort, if the person may open it at all (else 404: nothing of another
    organization's cohort is given away), and may do ``perm`` on it (else 403)."""
    cohort = get_object_or_404(cohorts_visible_to(user=request.user), pk=pk)
    if not request.user.has_perm(perm, cohort):
        raise PermissionDenied
    return cohort


def own_enrollment(request, cohort: Cohort) -> Enrollment | None:
    """The person's own place in the cohort, short of declined or withdrawn."""
    return (
        Enrollment.objects.filter(cohort=cohort, user=request.user, status__in=ACTIVE_ENROLLMENT_STATUSES)
        .select_related("cohort")
        .first()
    )
