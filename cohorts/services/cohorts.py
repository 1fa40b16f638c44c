from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorship.models import Program, User, WebhookEvent
from mentorship.notifications import email_queue
from mentorship.webhooks import webhook_emit

from .. import hooks
from ..enums import ACTIVE_ENROLLMENT_STATUSES, PHASE_ORDER, CohortPhase, EnrollmentStatus, ParticipantRole
from ..guidelines import GUIDELINES_TEMPLATE
from ..models import Cohort, PairStatus, PhaseChange
from ..phases import next_phase, phases_of, previous_phase, require_phase
from ..selectors import people_behind_on_training

COHORT_FIELDS = [
    "name",
    "description",
    "enrollment_opens_on",
    "enrollment_closes_on",
    "training_due_on",
    "launch_on",
    "showcase_on",
    "ends_on",
    "meeting_cadence_days",
    "term_months",
    "mentor_default_capacity",
    "mentor_max_capacity",
]
DATE_ORDER = [
    "enrollment_opens_on",
    "enrollment_closes_on",
    "training_due_on",
    "launch_on",
    "showcase_on",
    "ends_on",
]


def cohort_dates_check(values: dict) -> dict[str, str]:
    """Dates must follow the life of a cohort; returns {field: message} for those that do not."""
    errors = {}
    previous_name, previous = None, None
    for name in DATE_ORDER:
        value = values.get(name)
        if value is None:
            continue
        if previous is not None and value < previous:
            label = Cohort._meta.get_field(previous_name).verbose_name
            errors[name] = _("This date must not be before “%(other)s”.") % {"other": label}
        previous_name, previous = name, value
    return errors


def _validate(cohort: Cohort) -> None:
    errors = cohort_dates_check({name: getattr(cohort, name) for name in DATE_ORDER})
    if errors:
        raise ValidationError(errors)
    cohort.full_clean()


@transaction.atomic
def cohort_create(*, program: Program, by: User, **fields: object) -> Cohort:
    """Create a cohort in set-up (draft), with the guidelines template to adapt."""
    cohort = Cohort(program=program, guidelines=GUIDELINES_TEMPLATE, **fields)
    _validate(cohort)
    cohort.save()
    return cohort


@transaction.atomic
def cohort_update(*, cohort: Cohort, **fields: object) -> Cohort:
    require_phase(cohort, "edit_setup")
    for name, value in fields.items():
        if name not in COHORT_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(cohort, name, value)
    _validate(cohort)
    mentors = cohort.enrollments.filter(role=ParticipantRole.MENTOR, status__in=ACTIVE_ENROLLMENT_STATUSES)
    if cohort.mentor_max_capacity < max(mentors.exclude(capacity=None).values_list("capacity", flat=True), default=0):
        raise ValidationError(
            {"mentor_max_capacity": _("Some mentors already take more mentees than this; lower their capacity first.")}
        )
    busiest_on_default = (
        mentors.filter(capacity=None)
        .annotate(active=Count("pairs_as_mentor", filter=Q(pairs_as_mentor__status=PairStatus.ACTIVE)))
        .order_by("-active")
        .values_list("active", flat=True)
        .first()
    )
    if busiest_on_default and cohort.mentor_default_capacity < busiest_on_default:
        raise ValidationError(
            {"mentor_default_capacity": _("Some mentors on the default capacity already mentor more people than this.")}
        )
    cohort.save()
    return cohort


def cohort_guidelines_update(*, cohort: Cohort, guidelines: str) -> Cohort:
    require_phase(cohort, "edit_setup")
    cohort.guidelines = guidelines
    cohort.save(update_fields=["guidelines", "updated_at"])
    return cohort


# --- Phases -----------------------------------------------------------------------------


def _link(cohort: Cohort, name: str, query: str = "") -> str:
    return reverse(name, kwargs={"pk": cohort.pk}) + query


def _own_blockers(cohort: Cohort, target: str) -> list[hooks.Blocker]:
    """What the cohorts app itself requires before a move forward."""
    blockers: list[hooks.Blocker] = []
    if target == CohortPhase.ENROLLMENT:
        if not cohort.guidelines.strip():
            blockers.append(
                hooks.Blocker(
                    _("The cohort has no participant guidelines."), url=_link(cohort, "cohorts:guidelines-edit")
                )
            )
        if cohort.enrollment_closes_on is None:
            blockers.append(
                hooks.Blocker(_("Set the date enrollment closes."), url=_link(cohort, "cohorts:cohort-update"))
            )
        seats = cohort.subcommittee.count()
        if seats < 3:
            blockers.append(
                hooks.Blocker(
                    ngettext(
                        "The matching subcommittee has %(n)d member; three are usual.",
                        "The matching subcommittee has %(n)d members; three are usual.",
                        seats,
                    )
                    % {"n": seats},
                    count=seats,
                    url=_link(cohort, "cohorts:subcommittee"),
                    warning=True,
                )
            )
    # Without a training phase, what training's start asks is asked of the launch.
    if target == CohortPhase.TRAINING or (target == CohortPhase.LAUNCH and cohort.phase == CohortPhase.ENROLLMENT):
        counts = cohort.enrollments.filter(status=EnrollmentStatus.ACCEPTED).aggregate(
            mentors=Count("pk", filter=Q(role=ParticipantRole.MENTOR)),
            mentees=Count("pk", filter=Q(role=ParticipantRole.MENTEE)),
        )
        if not counts["mentors"] or not counts["mentees"]:
            blockers.append(
                hooks.Blocker(
                    _("Accept at least one mentor and one mentee first."),
                    url=_link(cohort, "cohorts:cohort-dashboard", "?status=applied"),
                )
            )
        waiting = cohort.enrollments.filter(status=EnrollmentStatus.APPLIED).count()
        if waiting:
            blockers.append(
                hooks.Blocker(
                    ngettext(
                        "%(n)d application is still waiting for a decision.",
                        "%(n)d applications are still waiting for a decision.",
                        waiting,
                    )
                    % {"n": waiting},
                    count=waiting,
                    url=_link(cohort, "cohorts:cohort-dashboard", "?status=applied"),
                    warning=True,
                )
            )
    if target == CohortPhase.LAUNCH:
        behind = len(people_behind_on_training(cohort=cohort))
        if behind:
            blockers.append(
                hooks.Blocker(
                    ngettext(
                        "%(n)d person has not finished the required training.",
                        "%(n)d people have not finished the required training.",
                        behind,
                    )
                    % {"n": behind},
                    count=behind,
                    url=_link(cohort, "cohorts:training-grid", "?behind=1"),
                )
            )
        unmatched = (
            cohort.enrollments.filter(status=EnrollmentStatus.ACCEPTED, role=ParticipantRole.MENTEE)
            .exclude(pairs_as_mentee__status=PairStatus.ACTIVE)
            .count()
        )
        if unmatched:
            blockers.append(
                hooks.Blocker(
                    ngettext(
                        "%(n)d accepted mentee has no mentor yet.",
                        "%(n)d accepted mentees have no mentor yet.",
                        unmatched,
                    )
                    % {"n": unmatched},
                    count=unmatched,
                    warning=True,
                )
            )
    return blockers


def _backward_blockers(cohort: Cohort, target: str) -> list[hooks.Blocker]:
    """Moving back is allowed where nothing already done would be contradicted."""
    if cohort.phase == CohortPhase.ENROLLMENT and target == CohortPhase.DRAFT and cohort.enrollments.exists():
        return [hooks.Blocker(_("People have already joined; the cohort cannot go back to set-up."))]
    if cohort.phase == CohortPhase.LAUNCH and cohort.pairs.exists():
        return [hooks.Blocker(_("Pairs have started; the cohort cannot go back before launch."))]
    return []


def cohort_phase_blockers(*, cohort: Cohort, target: str) -> list[hooks.Blocker]:
    """Everything that stops (or, as warnings, should give pause to) a move to ``target``:
    the next or the previous of the phases the cohort's program uses."""
    if target not in PHASE_ORDER:
        return [hooks.Blocker(_("Unknown phase."))]
    if target not in (next_phase(cohort), previous_phase(cohort)):
        if target not in phases_of(cohort):
            return [hooks.Blocker(_("This program's cohorts skip the %(phase)s phase.") % {"phase": CohortPhase(target).label})]
        return [hooks.Blocker(_("A cohort moves one phase at a time."))]
    if PHASE_ORDER.index(target) < PHASE_ORDER.index(cohort.phase):
        return _backward_blockers(cohort, target)
    return _own_blockers(cohort, target) + hooks.phase_blockers(cohort, target)


PHASE_EMAILS = {
    CohortPhase.TRAINING: "cohort-phase-training",
    CohortPhase.LAUNCH: "cohort-phase-launch",
    CohortPhase.SHOWCASE: "cohort-phase-showcase",
}


REASON_MAX = 1000


@transaction.atomic
def cohort_move_phase(*, cohort: Cohort, target: str, by: User, reason: str = "") -> Cohort:
    """Move the cohort one phase forward or back, if nothing blocks it.

    Reopening a closed cohort (moving it back from closed) is the only way to change anything
    in it again: it needs the reason, kept in the phase history with who and when.

    Side effects: records a PhaseChange; on moving forward into training, launch or
    showcase, emails every accepted participant (after commit).
    """
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    reason = (reason or "").strip()
    reopening = cohort.phase == CohortPhase.CLOSED and target != CohortPhase.CLOSED
    if reopening and not reason:
        raise ValidationError(
            {"reason": _("Say why the closed cohort is reopened; the reason is kept in its phase history.")},
            code="reason",
        )
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason under 1,000 characters.")}, code="reason")
    blockers = [b for b in cohort_phase_blockers(cohort=cohort, target=target) if not b.warning]
    if blockers:
        raise ValidationError([b.message for b in blockers], code="blocked")
    previous = cohort.phase
    cohort.phase = target
    cohort.save(update_fields=["phase", "updated_at"])
    PhaseChange.objects.create(cohort=cohort, from_phase=previous, to_phase=target, changed_by=by, reason=reason)
    webhook_emit(
        organization_id=cohort.organization_id,
        event=WebhookEvent.PHASE_MOVED,
        data={"cohort": {"id": cohort.pk, "name": cohort.name}, "from": previous, "to": target},
    )
    forward = PHASE_ORDER.index(target) > PHASE_ORDER.index(previous)
    if forward and target in PHASE_EMAILS:
        recipients = User.objects.filter(
            enrollments__cohort=cohort, enrollments__status=EnrollmentStatus.ACCEPTED
        ).only("email", "time_zone")
        for person in recipients:
            email_queue(to=[person], template=PHASE_EMAILS[target], context={"cohort": cohort})
    return cohort
