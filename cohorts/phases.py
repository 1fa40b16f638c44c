"""What each phase of a cohort allows, and which phases the cohort goes through. Every app
asks here before acting, so that the rules are enforced on the server in one place (not
only hidden in templates).

A closed cohort is a record: nothing in it changes (withdrawals, decisions, pairs, meetings,
goals, projects, questionnaires, training, matching) until a coordinator reopens it, with a
reason kept in its phase history. ``require_phase`` refuses every action in a closed cohort;
a service with no phase of its own calls ``require_open``. What still happens after the close
is what the program's end is for: graduates answer check-ins and post-program surveys.

A program's settings may leave phases out: without training, cohorts go from enrollment
to launch and nobody trains; without a showcase, from launch to closed, nobody submits a
project and pairs graduate during launch.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .enums import PHASE_ORDER, CohortPhase
from .models import Cohort

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
    "graduate": {CohortPhase.SHOWCASE},
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
    "graduate": _("Pairs graduate at the showcase."),
    "edit_setup": _("A closed cohort cannot be changed."),
}

OFF_MESSAGES = {
    "train": _("This program has no training phase."),
    "showcase": _("This program has no showcase."),
}
# Without a showcase to wait for, pairs graduate while they meet.
NO_SHOWCASE_GRADUATE_MESSAGE = _("Pairs graduate while the cohort is launched.")


CLOSED_MESSAGE = _(
    "This cohort is closed: nothing in it can be changed any more. A coordinator can reopen it from the "
    "cohort's page, giving the reason."
)


def uses_training(cohort) -> bool:
    return cohort.program.uses_training


def uses_showcase(cohort) -> bool:
    return cohort.program.uses_showcase


def phases_of(cohort) -> list[str]:
    """The phases this cohort goes through, in order (its program's settings)."""
    skipped = set()
    if not uses_training(cohort):
        skipped.add(CohortPhase.TRAINING)
    if not uses_showcase(cohort):
        skipped.add(CohortPhase.SHOWCASE)
    return [phase for phase in PHASE_ORDER if phase not in skipped]


def _neighbour(cohort, step: int) -> str | None:
    phases = phases_of(cohort)
    if cohort.phase not in phases:
        # A cohort left in a phase its program has since turned off moves on to its neighbours.
        phases = PHASE_ORDER
    index = phases.index(cohort.phase) + step
    return phases[index] if 0 <= index < len(phases) else None


def next_phase(cohort) -> str | None:
    return _neighbour(cohort, 1)


def previous_phase(cohort) -> str | None:
    return _neighbour(cohort, -1)


def _allowed(cohort, action: str) -> set[str]:
    if action == "train" and not uses_training(cohort):
        return set()
    if action == "showcase" and not uses_showcase(cohort):
        return set()
    if action == "graduate" and not uses_showcase(cohort):
        return {CohortPhase.LAUNCH}
    return ALLOWED[action]


def cohort_is_open(cohort) -> bool:
    return cohort.phase != CohortPhase.CLOSED


def require_open(cohort) -> None:
    """Raise ValidationError when the cohort is closed (read-only until a coordinator reopens it).

    The phase is read from the database, not from the object in hand: a cohort closed a moment
    ago by another coordinator is closed for this change too."""
    closed = cohort.phase == CohortPhase.CLOSED
    if not closed and getattr(cohort, "pk", None) is not None:
        closed = Cohort.objects.filter(pk=cohort.pk, phase=CohortPhase.CLOSED).exists()
    if closed:
        raise ValidationError(CLOSED_MESSAGE, code="closed")


def phase_allows(cohort, action: str) -> bool:
    return cohort_is_open(cohort) and cohort.phase in _allowed(cohort, action)


def require_phase(cohort, action: str) -> None:
    """Raise ValidationError with a plain message when the cohort's phase (or its program,
    which may leave the phase out) forbids ``action``."""
    require_open(cohort)
    if not phase_allows(cohort, action):
        if action in OFF_MESSAGES and not _allowed(cohort, action):
            raise ValidationError(OFF_MESSAGES[action], code="phase")
        if action == "graduate" and not uses_showcase(cohort):
            raise ValidationError(NO_SHOWCASE_GRADUATE_MESSAGE, code="phase")
        raise ValidationError(MESSAGES[action], code="phase")


def phase_index(phase: str) -> int:
    return PHASE_ORDER.index(phase)
