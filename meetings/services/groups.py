"""Group meetings: a mentor meets several of their mentees of a cohort together.

This module owns a group meeting's lifecycle (scheduled, held, cancelled); each mentee's
seat is a meeting of their own pair, changed only by ``services.scheduling``.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.enums import ParticipantRole
from cohorts.models import Cohort, Enrollment, Pair, PairStatus
from mentorship.models import User

from ..enums import GroupMeetingStatus
from ..models import GroupMeeting
from ..models.meetings import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES
from .pairs import require_can_meet
from .scheduling import _check_details, group_seats_cancel, group_seats_invite, group_seats_log

MIN_MENTEES = 2
TITLE_MAX_LENGTH = GroupMeeting._meta.get_field("title").max_length
AGENDA_MAX_LENGTH = 5000


def group_mentor_pairs(*, cohort: Cohort, user: User):
    """The active pairs the user mentors in the cohort: whom they may invite together."""
    return (
        Pair.objects.filter(cohort=cohort, mentor__user=user, mentor__role=ParticipantRole.MENTOR)
        .filter(status=PairStatus.ACTIVE)
        .select_related("cohort__program", "mentor__user", "mentee__user")
        .order_by("mentee__user__full_name", "pk")
    )


def _require_mentor(group: GroupMeeting, by: User) -> None:
    """The mentor alone runs the meeting, and only while the cohort's pairs meet (not once
    it has closed)."""
    if by.pk != group.mentor.user_id:
        raise PermissionDenied(_("Only the mentor who called this group meeting can do this."))
    seat = group.meetings.select_related("pair__cohort").order_by("pk").first()
    if seat is not None:
        require_can_meet(pair=seat.pair)


def _check_text(*, title: str, agenda: str) -> dict:
    errors = {}
    if not title.strip():
        errors["title"] = _("Give the meeting a topic, for everyone to see.")
    elif len(title.strip()) > TITLE_MAX_LENGTH:
        errors["title"] = _("Keep the topic under %(n)d characters.") % {"n": TITLE_MAX_LENGTH}
    if len(agenda) > AGENDA_MAX_LENGTH:
        errors["agenda"] = _("Keep the agenda under %(n)d characters.") % {"n": AGENDA_MAX_LENGTH}
    return errors


@transaction.atomic
def group_meeting_schedule(
    *,
    cohort: Cohort,
    by: User,
    pairs: list[Pair],
    title: str,
    starts_at: datetime.datetime,
    agenda: str = "",
    duration_minutes: int = 60,
    location: str = "",
    video_url: str = "",
    now: datetime.datetime | None = None,
) -> GroupMeeting:
    """The mentor calls a meeting with two or more of their mentees in the cohort.

    Refused: pairs that are not the mentor's active pairs of this cohort, fewer than two
    mentees, a phase in which pairs do not meet, a time in the past or more than a year
    ahead, no place nor video link. The same meeting sent twice (same topic and time) is
    returned, not scheduled again.

    Side effects: a seat (a proposed meeting) for each mentee's pair, whose mentee gets the
    usual email of a meeting proposed and confirms it (or says they cannot come) as any
    meeting; reminders and calendar entries follow each seat.
    """
    now = now or timezone.now()
    mine = {pair.pk: pair for pair in group_mentor_pairs(cohort=cohort, user=by).select_for_update(of=("self",))}
    if not mine:
        raise PermissionDenied(_("Only a mentor of this cohort can call a group meeting."))
    chosen_ids = {pair.pk for pair in pairs}
    errors = _check_text(title=title, agenda=agenda)
    if not chosen_ids <= set(mine):
        errors["mentees"] = _("Choose among your own mentees of this cohort, whose mentorship is under way.")
    elif len(chosen_ids) < MIN_MENTEES:
        errors["mentees"] = _("Choose at least two mentees; to meet one, propose a meeting from your pair's page.")
    try:
        _check_details(
            starts_at=starts_at, duration_minutes=duration_minutes, location=location, video_url=video_url, now=now
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    chosen = [mine[pk] for pk in sorted(chosen_ids, key=list(mine).index)]
    require_can_meet(pair=chosen[0])

    mentor = Enrollment.objects.get(pk=chosen[0].mentor_id)
    same = GroupMeeting.objects.filter(
        mentor=mentor, starts_at=starts_at, title=title.strip(), status=GroupMeetingStatus.SCHEDULED
    ).first()
    if same is not None:
        # The same form sent twice (a double click, a resent page): one meeting, one email each.
        return same
    group = GroupMeeting(
        cohort=cohort,
        mentor=mentor,
        title=title.strip(),
        agenda=agenda.strip(),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        video_url=video_url.strip(),
    )
    group.full_clean()
    group.save()
    group_seats_invite(group=group, pairs=chosen, by=by, now=now)
    return group


@transaction.atomic
def group_meeting_agenda_set(*, group: GroupMeeting, by: User, agenda: str) -> GroupMeeting:
    """The mentor writes the one agenda everybody invited reads, until the meeting is logged."""
    group = GroupMeeting.objects.select_for_update(of=("self",)).select_related("mentor").get(pk=group.pk)
    _require_mentor(group, by)
    if not group.is_open:
        raise ValidationError(_("This group meeting is over; its agenda is kept for reading."), code="closed")
    errors = _check_text(title=group.title, agenda=agenda)
    if errors:
        raise ValidationError(errors)
    group.agenda = agenda.strip()
    group.save(update_fields=["agenda", "updated_at"])
    return group


@transaction.atomic
def group_meeting_log(
    *,
    group: GroupMeeting,
    by: User,
    attended: set[int],
    held_minutes: int | None,
    shared_notes: str = "",
    now: datetime.datetime | None = None,
) -> GroupMeeting:
    """The mentor records who attended (pair ids), how long it lasted and the notes, which
    the mentees present read and the absent ones do not. Logging again corrects it.

    Each mentee present counts a contact held for their pair (health, cadence, graduation);
    an absent one a missed meeting.
    """
    now = now or timezone.now()
    group = GroupMeeting.objects.select_for_update(of=("self",)).select_related("mentor").get(pk=group.pk)
    _require_mentor(group, by)
    if group.status == GroupMeetingStatus.CANCELLED:
        raise ValidationError(_("This group meeting was cancelled."), code="cancelled")
    if group.starts_at > now:
        raise ValidationError(_("Record who attended once the meeting has started."), code="not_started")
    invited = set(group.meetings.values_list("pair_id", flat=True))
    errors = {}
    if not attended:
        errors["attended"] = _("Tick who attended. If nobody came, cancel the meeting.")
    elif not attended <= invited:
        errors["attended"] = _("Tick only mentees invited to this meeting.")
    if not held_minutes or not MIN_DURATION_MINUTES <= held_minutes <= MAX_DURATION_MINUTES:
        errors["held_minutes"] = _("How long did it last? Between %(min)d minutes and %(max)d hours.") % {
            "min": MIN_DURATION_MINUTES,
            "max": MAX_DURATION_MINUTES // 60,
        }
    if errors:
        raise ValidationError(errors)
    group.status = GroupMeetingStatus.HELD
    group.held_minutes = held_minutes
    group.shared_notes = shared_notes.strip()
    group.logged_by = by
    group.logged_at = now
    group.save()
    group_seats_log(group=group, attended=attended, held_minutes=held_minutes, by=by, now=now)
    return group


@transaction.atomic
def group_meeting_cancel(
    *, group: GroupMeeting, by: User, reason: str = "", now: datetime.datetime | None = None
) -> GroupMeeting:
    """The mentor calls the meeting off before it is logged.

    Side effects: every seat not logged is cancelled and its mentee told (after commit).
    """
    now = now or timezone.now()
    group = GroupMeeting.objects.select_for_update(of=("self",)).select_related("mentor").get(pk=group.pk)
    _require_mentor(group, by)
    if not group.is_open:
        raise ValidationError(_("This group meeting is already logged or cancelled."), code="closed")
    reason = reason.strip()
    group.status = GroupMeetingStatus.CANCELLED
    group.logged_by = by
    group.logged_at = now
    group.sequence += 1
    if reason:
        group.shared_notes = reason
    group.save()
    group_seats_cancel(group=group, by=by, reason=reason, now=now)
    return group
