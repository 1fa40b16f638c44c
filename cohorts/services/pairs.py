"""Pairs are created by publishing matches (the matching app), ended by the coordinator, a
withdrawal or an end-of-term decision, and graduated by the showcase app. These are the only
writes of a Pair's status: other apps call them (a test keeps it so)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.models import User

from ..enums import EnrollmentStatus, ParticipantRole
from ..models import Cohort, Enrollment, Pair, PairStatus


@transaction.atomic
def pair_create(*, cohort: Cohort, mentor: Enrollment, mentee: Enrollment) -> Pair:
    """Make an active pair, within the mentor's capacity.

    The mentor's enrollment row is locked while counting, so that two publications at the
    same moment cannot both take the mentor's last seat; the database allows one active
    pair per mentee.
    """
    mentor = Enrollment.objects.select_for_update().get(pk=mentor.pk)
    mentee = Enrollment.objects.select_for_update().get(pk=mentee.pk)
    if mentor.cohort_id != cohort.pk or mentee.cohort_id != cohort.pk:
        raise ValidationError(_("Both people must be in the cohort."))
    if mentor.role != ParticipantRole.MENTOR or mentee.role != ParticipantRole.MENTEE:
        raise ValidationError(_("A pair is one mentor and one mentee."))
    if mentor.status != EnrollmentStatus.ACCEPTED or mentee.status != EnrollmentStatus.ACCEPTED:
        raise ValidationError(_("Both people must be accepted into the cohort."))
    if Pair.objects.filter(mentee=mentee, status=PairStatus.ACTIVE).exists():
        raise ValidationError(_("%(name)s already has a mentor.") % {"name": mentee.user})
    taken = Pair.objects.filter(mentor=mentor, status=PairStatus.ACTIVE).count()
    if taken >= mentor.effective_capacity:
        raise ValidationError(_("%(name)s has no capacity left.") % {"name": mentor.user})
    try:
        with transaction.atomic():
            return Pair.objects.create(cohort=cohort, mentor=mentor, mentee=mentee, status=PairStatus.ACTIVE)
    except IntegrityError:
        raise ValidationError(_("%(name)s already has a mentor.") % {"name": mentee.user}) from None


def pair_end(*, pair: Pair, reason: str, by: User | None = None) -> Pair:
    """End an active pair; both people can then be matched again in a later round."""
    if pair.status != PairStatus.ACTIVE:
        return pair
    pair.status = PairStatus.ENDED
    pair.ended_at = timezone.now()
    pair.end_reason = reason
    pair.save(update_fields=["status", "ended_at", "end_reason"])
    return pair


def pair_mark_graduated(*, pair: Pair) -> bool:
    """Mark an active pair graduated; False (and nothing changed) when it is no longer
    active. The update is conditional, so that two graduations at the same moment (or a
    double click where row locks are not enforced) mark the pair once.

    The graduation's record and emails are the showcase app's (``pair_graduate``), which
    calls this inside its transaction.
    """
    if not Pair.objects.filter(pk=pair.pk, status=PairStatus.ACTIVE).update(status=PairStatus.GRADUATED):
        return False
    pair.status = PairStatus.GRADUATED
    return True
