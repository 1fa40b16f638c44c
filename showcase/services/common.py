from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cohorts.enums import CohortPhase
from cohorts.models import Cohort


def absolute(url: str) -> str:
    return settings.SITE_URL + url


def require_open(cohort: Cohort) -> None:
    """The showcase and its programme can be prepared in any phase but the last."""
    if cohort.phase == CohortPhase.CLOSED:
        raise ValidationError(_("A closed cohort cannot be changed."), code="phase")
