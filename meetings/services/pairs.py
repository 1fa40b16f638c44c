import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.enums import CohortPhase
from cohorts.models import Pair, PairStatus
from cohorts.phases import phase_allows, phase_index, require_open, require_phase
from mentorship.models import User
from mentorship.notifications import email_queue

from ..models import PairMessage, PairSettings
from ..selectors import other_person
from .health import pair_health_refresh

MESSAGE_MAX_LENGTH = 2000
# A second identical message from the same person within this time is the same message
# sent twice (a double click, a resent form), not a new one.
RESUBMIT_WINDOW = datetime.timedelta(minutes=2)


def require_member(*, pair: Pair, user: User) -> None:
    """Only the two people of the pair act on it (coordinators read)."""
    if user.pk not in (pair.mentor.user_id, pair.mentee.user_id):
        raise PermissionDenied(_("Only the mentor and the mentee of this pair can do this."))


def pair_lock(*, pair: Pair) -> None:
    """Serialise the writes that add to a pair (a form sent twice, both people at once) and
    read its status afresh, so that a pair ended a moment ago takes nothing new.

    Call inside the service's transaction, before its checks.
    """
    pair.refresh_from_db(from_queryset=Pair.objects.select_for_update(), fields=["status"])


def require_active(*, pair: Pair) -> None:
    require_open(pair.cohort)
    if pair.status != PairStatus.ACTIVE:
        raise ValidationError(_("This pair has ended; its meetings are kept for reading."), code="pair_ended")


def meeting_block_reason(*, pair: Pair) -> str | None:
    """Why the pair cannot schedule or log meetings now, or None when it can."""
    if pair.status != PairStatus.ACTIVE:
        return _("This pair has ended; its meetings are kept for reading.")
    if phase_allows(pair.cohort, "meet"):
        return None
    if phase_index(pair.cohort.phase) > phase_index(CohortPhase.SHOWCASE):
        return _("The cohort has closed; its meetings are kept for reading.")
    try:
        require_phase(pair.cohort, "meet")
    except ValidationError as error:
        return error.messages[0]
    return None


def require_can_meet(*, pair: Pair) -> None:
    """Meetings are scheduled and logged only by active pairs, in the phases that allow it."""
    reason = meeting_block_reason(pair=pair)
    if reason:
        raise ValidationError(reason, code="cannot_meet")


@transaction.atomic
def pair_cadence_set(
    *, pair: Pair, cadence_days: int | None, by: User, now: datetime.datetime | None = None
) -> PairSettings:
    """Set how often the pair means to meet; ``None`` follows the cohort's cadence again.

    The pair's health and the reminders follow the new cadence from now on.
    """
    require_member(pair=pair, user=by)
    require_active(pair=pair)
    settings, _created = PairSettings.objects.get_or_create(pair=pair)
    settings.cadence_days = cadence_days
    settings.updated_by = by
    settings.full_clean()
    settings.save()
    pair.meeting_settings = settings
    pair_health_refresh(pair=pair, now=now)
    return settings


@transaction.atomic
def pair_message_post(*, pair: Pair, by: User, text: str, now: datetime.datetime | None = None) -> PairMessage:
    """Add a message to the pair's thread.

    The same text sent again by the same person within ``RESUBMIT_WINDOW`` returns the
    message already posted, and emails nobody again.

    Side effects: emails the other person of the pair (after commit).
    """
    now = now or timezone.now()
    require_member(pair=pair, user=by)
    pair_lock(pair=pair)
    require_active(pair=pair)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a message first.")})
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"text": _("Keep a message under %(n)d characters.") % {"n": MESSAGE_MAX_LENGTH}})
    latest = PairMessage.objects.filter(pair=pair, author=by).order_by("-created_at", "-pk").first()
    if latest is not None and latest.text == text and now - latest.created_at < RESUBMIT_WINDOW:
        return latest
    message = PairMessage.objects.create(pair=pair, author=by, text=text, created_at=now)
    other = other_person(pair, by)
    if other is not None:
        email_queue(
            to=[other],
            template="meeting-message",
            context={
                "recipient": other,
                "author": by,
                "message": message,
                "pair_url": reverse("meetings:pair-detail", kwargs={"pk": pair.pk}),
            },
            cohort=pair.cohort,
        )
    return message
