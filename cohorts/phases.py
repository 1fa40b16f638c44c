"""What each phase of a cohort allows. Every app asks here before acting, so that the
rules are enforced on the server in one place (not only hidden in templates)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .enums import PHASE_ORDER, CohortPhase

# action -> the phases in which it is allowed
ALLOWED = {
    "apply": {CohortPhase.ENROLLMENT},
    "invite": {CohortPhase.DRAFT, CohortPhase.ENROLLMENT, CohortPhase.TRAINING},
    "review_applications": {CohortPhase.ENROLLMENT, CohortPhase.TRAINING},
    "train": {CohortPhase.ENROLLMENT, CohortPhase.TRAINING, CohortPhase.LAUNCH},
    "fill_application": {CohortPhase.ENROLLMENT, CohortPhase.TRAINING},
    "match": {CohortPhase.ENROLLMENT, CohortPhase.TRAINING, CohortPhase.LAUNCH},
    "meet": {CohortPhase.LAUNCH, CohortPhase.SHOWCASE},
    "showcase": {CohortPhase.LAUNCH, CohortPhase.SHOWCASE},
    "graduate": {CohortPhase.SHOWCASE, CohortPhase.CLOSED},
    "edit_setup": {CohortPhase.DRAFT, CohortPhase.ENROLLMENT, CohortPhase.TRAINING, CohortPhase.LAUNCH},
}

MESSAGES = {
    "apply": _("Applications are only taken while enrollment is open."),
    "invite": _("People can be invited until the cohort launches."),
    "review_applications": _("Applications are reviewed during enrollment and training."),
    "train": _("Training is open from enrollment until launch."),
    "fill_application": _("Application questionnaires are filled during enrollment and training."),
    "match": _("Matching runs before and during launch."),
    "meet": _("Meetings start when the cohort launches."),
    "showcase": _("Projects are submitted from launch to the showcase."),
    "graduate": _("Pairs graduate at the showcase or after it."),
    "edit_setup": _("A closed cohort cannot be changed."),
}


def phase_allows(cohort, action: str) -> bool:
    return cohort.phase in ALLOWED[action]


def require_phase(cohort, action: str) -> None:
    """Raise ValidationError with a plain message when the cohort's phase forbids ``action``."""
    if not phase_allows(cohort, action):
        raise ValidationError(MESSAGES[action], code="phase")


def phase_index(phase: str) -> int:
    return PHASE_ORDER.index(phase)
