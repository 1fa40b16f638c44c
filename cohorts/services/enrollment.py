import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.models import User, WebhookEvent
from mentorship.notifications import email_queue
from mentorship.webhooks import person_data, webhook_emit

from ..enums import EnrollmentStatus, ParticipantRole
from ..models import Cohort, Enrollment, PairEndKind, PairStatus
from ..phases import require_open, require_phase
from .pairs import pair_end

DECISIONS = {
    EnrollmentStatus.ACCEPTED: "application-accepted",
    EnrollmentStatus.DECLINED: "application-declined",
    EnrollmentStatus.WAITLISTED: "application-waitlisted",
}


def _check_capacity(cohort: Cohort, role: str, capacity: int | None) -> int | None:
    if role != ParticipantRole.MENTOR:
        return None
    if capacity is None:
        return None
    if not 1 <= capacity <= cohort.mentor_max_capacity:
        raise ValidationError(
            {"capacity": _("Choose between 1 and %(max)d mentees.") % {"max": cohort.mentor_max_capacity}}
        )
    return capacity


@transaction.atomic
def enrollment_apply(
    *, cohort: Cohort, user: User, role: str, capacity: int | None = None, acknowledge_guidelines: bool
) -> Enrollment:
    """Apply to the cohort through its public link.

    Side effects: emails the applicant that the application arrived (after commit).
    """
    require_phase(cohort, "apply")
    if role not in ParticipantRole.values:
        raise ValidationError({"role": _("Choose mentor or mentee.")})
    if not acknowledge_guidelines:
        raise ValidationError({"acknowledge_guidelines": _("Please read and accept the guidelines to apply.")})
    capacity = _check_capacity(cohort, role, capacity)
    existing = Enrollment.objects.filter(cohort=cohort, user=user).first()
    if existing is not None and existing.status != EnrollmentStatus.WITHDRAWN:
        raise ValidationError(_("You have already applied to this cohort."), code="duplicate")
    now = timezone.now()
    if existing is not None:
        # Someone who withdrew may apply again: the same row, so that history stays in one place.
        existing.role, existing.capacity, existing.status = role, capacity, EnrollmentStatus.APPLIED
        existing.guidelines_acknowledged_at, existing.decided_at, existing.decided_by = now, None, None
        existing.save()
        enrollment = existing
    else:
        try:
            with transaction.atomic():
                enrollment = Enrollment.objects.create(
                    cohort=cohort,
                    user=user,
                    role=role,
                    capacity=capacity,
                    status=EnrollmentStatus.APPLIED,
                    guidelines_acknowledged_at=now,
                )
        except IntegrityError:
            raise ValidationError(_("You have already applied to this cohort."), code="duplicate") from None
    email_queue(to=[user], template="application-received", context={"cohort": cohort, "enrollment": enrollment})
    return enrollment


@transaction.atomic
def enrollment_join_invited(
    *,
    cohort: Cohort,
    user: User,
    role: str,
    capacity: int | None,
    invited_by: User | None,
    now: datetime.datetime,
) -> Enrollment:
    """An invited person's place in the cohort, accepted at once (the coordinator chose
    them). Someone who withdrew comes back on the same row; a place the person already has
    is never overwritten (perhaps in the other role, or paired)."""
    existing = Enrollment.objects.select_for_update().filter(cohort=cohort, user=user).first()
    if existing is not None and existing.status != EnrollmentStatus.WITHDRAWN:
        raise ValidationError(
            _("You are already in this cohort as %(role)s (%(status)s).")
            % {"role": existing.get_role_display().lower(), "status": existing.get_status_display().lower()},
            code="enrolled",
        )
    enrollment, _created = Enrollment.objects.update_or_create(
        cohort=cohort,
        user=user,
        defaults={
            "role": role,
            "status": EnrollmentStatus.ACCEPTED,
            "capacity": capacity,
            "guidelines_acknowledged_at": now,
            "decided_at": now,
            "decided_by": invited_by,
        },
    )
    enrolled_emit(enrollment=enrollment)
    return enrollment


def enrollments_create_imported(
    *, cohort: Cohort, people: list[tuple[User, str, int | None]], by: User | None, now: datetime.datetime
) -> list[Enrollment]:
    """Places for imported people (account, role, capacity), accepted at once and made in
    one statement, so that they can be matched before they sign in. The caller has checked
    that none of them has a place in the cohort yet. They acknowledge the guidelines when
    they accept their invitation (``enrollment_confirm_imported``)."""
    return Enrollment.objects.bulk_create(
        [
            Enrollment(
                cohort=cohort,
                user=user,
                role=role,
                status=EnrollmentStatus.ACCEPTED,
                capacity=capacity if role == ParticipantRole.MENTOR else None,
                decided_at=now,
                decided_by=by,
            )
            for user, role, capacity in people
        ],
        batch_size=500,
    )


def enrollment_confirm_imported(*, enrollment: Enrollment, now: datetime.datetime) -> Enrollment:
    """The imported person accepted their invitation: they have read the guidelines, and
    the organization's webhooks hear that they are in."""
    require_open(enrollment.cohort)
    Enrollment.objects.filter(pk=enrollment.pk, guidelines_acknowledged_at__isnull=True).update(
        guidelines_acknowledged_at=now, updated_at=now
    )
    enrollment.refresh_from_db()
    enrolled_emit(enrollment=enrollment)
    return enrollment


@transaction.atomic
def enrollment_decide(*, enrollment: Enrollment, status: str, by: User, seen_status: str | None = None) -> Enrollment:
    """Accept, decline or waitlist an application.

    ``seen_status``: the application's status on the page the coordinator decided from.
    When someone else decided it since (two coordinators at once, one accepting and one
    declining), nothing changes and the message says who decided what: the person hears
    one decision, never two.

    Side effects: emails the person the decision (after commit); deciding the same way
    twice changes nothing and sends nothing.
    """
    if status not in DECISIONS:
        raise ValidationError(_("Unknown decision."))
    # decided_by is read after the lock, not joined: a row locked after a wait is re-read, but
    # what was joined to it is not, and would name nobody.
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",)).select_related("cohort", "user").get(pk=enrollment.pk)
    )
    require_phase(enrollment.cohort, "review_applications")
    if enrollment.status == status:
        return enrollment
    if seen_status is not None and enrollment.status != seen_status:
        raise ValidationError(
            _(
                "%(name)s's application was %(status)s by %(by)s in the meantime; your decision was not applied. "
                "Check it and decide again if needed."
            )
            % {
                "name": enrollment.user,
                "status": enrollment.get_status_display().lower(),
                "by": enrollment.decided_by or _("someone else"),
            },
            code="changed",
        )
    if enrollment.status == EnrollmentStatus.WITHDRAWN:
        raise ValidationError(_("%(name)s has withdrawn.") % {"name": enrollment.user})
    if enrollment.status == EnrollmentStatus.ACCEPTED and (
        enrollment.pairs_as_mentee.exists() or enrollment.pairs_as_mentor.exists()
    ):
        raise ValidationError(_("%(name)s is already matched.") % {"name": enrollment.user})
    enrollment.status = status
    enrollment.decided_at = timezone.now()
    enrollment.decided_by = by
    enrollment.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    email_queue(
        to=[enrollment.user],
        template=DECISIONS[status],
        context={"cohort": enrollment.cohort, "enrollment": enrollment},
    )
    if status == EnrollmentStatus.ACCEPTED:
        enrolled_emit(enrollment=enrollment)
    return enrollment


def enrolled_emit(*, enrollment: Enrollment) -> None:
    """Tell the organization's webhooks that a person is in the cohort (accepted)."""
    webhook_emit(
        organization_id=enrollment.cohort.organization_id,
        event=WebhookEvent.PERSON_ENROLLED,
        data={
            "enrollment": {
                "id": enrollment.pk,
                "cohort": enrollment.cohort_id,
                "role": enrollment.role,
                "status": enrollment.status,
            },
            "person": person_data(enrollment.user),
        },
    )


def enrollment_decide_bulk(
    *, cohort: Cohort, enrollment_ids: list[int], status: str, by: User, seen: dict[int, str] | None = None
) -> tuple[int, list[str]]:
    """Decide many applications; each in its own transaction, so one refusal does not undo the rest.

    ``seen``: each application's status as the coordinator saw it (see ``enrollment_decide``).
    Returns how many changed and the reasons for those that could not be decided.
    """
    changed, problems = 0, []
    seen = seen or {}
    for enrollment in Enrollment.objects.filter(cohort=cohort, pk__in=enrollment_ids).select_related("user"):
        before = enrollment.status
        try:
            decided = enrollment_decide(
                enrollment=enrollment, status=status, by=by, seen_status=seen.get(enrollment.pk)
            )
        except ValidationError as error:
            problems.extend(error.messages)
            continue
        changed += decided.status != before
    return changed, problems


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment, by: User) -> Enrollment:
    """Leave the cohort (the person themself, or a coordinator for them). Active pairs end."""
    enrollment = Enrollment.objects.select_for_update(of=("self",)).select_related("cohort").get(pk=enrollment.pk)
    require_open(enrollment.cohort)
    if enrollment.status == EnrollmentStatus.WITHDRAWN:
        return enrollment
    now = timezone.now()
    reason = _("%(name)s withdrew from the cohort.") % {"name": enrollment.user}
    # A mentee who leaves has left; the mentees of a mentor who leaves go into the next round.
    for pair in enrollment.pairs_as_mentee.filter(status=PairStatus.ACTIVE):
        pair_end(pair=pair, reason=reason, kind=PairEndKind.END, by=by)
    for pair in enrollment.pairs_as_mentor.filter(status=PairStatus.ACTIVE):
        pair_end(pair=pair, reason=reason, kind=PairEndKind.REMATCH, by=by)
    enrollment.status = EnrollmentStatus.WITHDRAWN
    enrollment.decided_at, enrollment.decided_by = now, by
    enrollment.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    return enrollment


@transaction.atomic
def enrollment_set_capacity(*, enrollment: Enrollment, capacity: int) -> Enrollment:
    """A mentor says how many mentees they take, within the cohort's maximum and above the
    number they already mentor."""
    if enrollment.role != ParticipantRole.MENTOR:
        raise ValidationError(_("Only mentors have a capacity."))
    # Locked like pair_create locks it, so that a new pair and a lower capacity cannot cross.
    enrollment = Enrollment.objects.select_for_update(of=("self",)).select_related("cohort").get(pk=enrollment.pk)
    require_open(enrollment.cohort)
    capacity = _check_capacity(enrollment.cohort, enrollment.role, capacity)
    active = enrollment.pairs_as_mentor.filter(status=PairStatus.ACTIVE).count()
    if capacity < active:
        raise ValidationError(
            {"capacity": _("You already mentor %(n)d people; the capacity cannot be lower.") % {"n": active}}
        )
    enrollment.capacity = capacity
    enrollment.save(update_fields=["capacity", "updated_at"])
    return enrollment


def enrollment_acknowledge_guidelines(*, enrollment: Enrollment) -> Enrollment:
    require_open(enrollment.cohort)
    if enrollment.guidelines_acknowledged_at is None:
        enrollment.guidelines_acknowledged_at = timezone.now()
        enrollment.save(update_fields=["guidelines_acknowledged_at", "updated_at"])
    return enrollment
