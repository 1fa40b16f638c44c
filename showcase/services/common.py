from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cohorts.enums import CohortPhase
from cohorts.models import Cohort
from mentorship.enums import OrgRole
from mentorship.models import User


def absolute(url: str) -> str:
    return settings.SITE_URL + url


def require_open(cohort: Cohort) -> None:
    """The showcase and its programme can be prepared in any phase but the last."""
    if cohort.phase == CohortPhase.CLOSED:
        raise ValidationError(_("A closed cohort cannot be changed."), code="phase")


def coordinators_of(cohort: Cohort) -> list[User]:
    return list(
        User.objects.filter(
            org_memberships__organization_id=cohort.program.organization_id,
            org_memberships__role=OrgRole.COORDINATOR,
            is_active=True,
        ).order_by("full_name", "email")
    )
