import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cohorts.models import Pair, PairStatus
from mentorship.models import User, WebhookEvent
from mentorship.notifications import email_queue, language_of
from mentorship.webhooks import webhook_emit

from .. import invitations
from ..enums import (
    LOGGED_MEETING_STATUSES,
    OPEN_MEETING_STATUSES,
    TIMED_CONTACT_KINDS,
    ContactKind,
    LogOutcome,
    MeetingStatus,
)
from ..health import utc_date
from ..models import ActionItem, GroupMeeting, Meeting
from ..models.meetings import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES
from ..selectors import other_person
from .agenda import agenda_prepare, private_note_set
from .health import pair_health_refresh, pairs_health_refresh
from .pairs import pair_lock, require_can_meet, require_member

ACTION_ITEM_MAX_LENGTH = ActionItem._meta.get_field("text").max_length
# Far enough for a term of a few months, near enough to catch a mistyped year.
MAX_DAYS_AHEAD = 366


def local_to_utc(*, day: datetime.date, time: datetime.time, time_zone: str) -> datetime.datetime:
    """The UTC moment of a wall-clock time in ``time_zone``.

    A time skipped when the clocks go forward does not exist and is refused; a time that
    happens twice when they go back is read as the first of the two.
    """
    zone = ZoneInfo(time_zone)
    local = datetime.datetime.combine(day, time).replace(tzinfo=zone)
    try:
        as_utc = local.astimezone(datetime.UTC)
    except OverflowError:
        # A date at the very end (or start) of the calendar, typed or sent by hand: its
        # UTC moment falls outside what a datetime can hold.
        raise ValidationError({"day": _("Choose a date within the next year.")}, code="out_of_range") from None
    if as_utc.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValidationError(
            {
                "time": _("%(time)s does not exist on that day in %(zone)s (the clocks change); choose another time.")
                % {"time": time.strftime("%H:%M"), "zone": time_zone}
            },
            code="nonexistent_time",
        )
    return as_utc


def _check_details(
    *, starts_at: datetime.datetime, duration_minutes: int, location: str, video_url: str, now: datetime.datetime
) -> None:
    errors = {}
    if starts_at <= now:
        errors["day"] = _("Choose a time in the future.")
    elif starts_at > now + datetime.timedelta(days=MAX_DAYS_AHEAD):
        errors["day"] = _("Choose a date within the next year.")
    if not MIN_DURATION_MINUTES <= duration_minutes <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = _("A meeting lasts between %(min)d minutes and %(max)d hours.") % {
            "min": MIN_DURATION_MINUTES,
            "max": MAX_DURATION_MINUTES // 60,
        }
    if not location.strip() and not video_url.strip():
        errors["location"] = _("Say where you meet: a place, a video link, or both.")
    if errors:
        raise ValidationError(errors)


def _require_not_group(meeting: Meeting) -> None:
    if meeting.group_id:
        raise ValidationError(
            _("This is a group meeting: the mentor moves it or records who attended from its page."), code="group"
        )


def _open_meeting_at(*, pair: Pair, starts_at: datetime.datetime, exclude: Meeting | None = None) -> Meeting | None:
    meetings = pair.meetings.filter(status__in=OPEN_MEETING_STATUSES, starts_at=starts_at)
    if exclude is not None:
        meetings = meetings.exclude(pk=exclude.pk)
    return meetings.order_by("pk").first()


def _meeting_context(meeting: Meeting, recipient: User, **extra: object) -> dict:
    return {
        "recipient": recipient,
        "meeting": meeting,
        "pair": meeting.pair,
        "other": other_person(meeting.pair, recipient),
        "meeting_url": meeting.get_absolute_url(),
        **extra,
    }


# The calendar invitation each email about a meeting carries.
INVITATION_METHODS = {
    "meeting-proposed": invitations.REQUEST,
    "meeting-confirmed": invitations.REQUEST,
    "meeting-cancelled": invitations.CANCEL,
}


def _invitation(meeting: Meeting, recipient: User, template: str) -> list[dict]:
    method = INVITATION_METHODS.get(template)
    if method is None or not meeting.is_timed:
        return []
    # The event's name is written for the recipient, in their language.
    with translation.override(language_of(recipient)):
        return [invitations.invitation_attachment(meeting, recipient=recipient, method=method)]


def _tell_other(meeting: Meeting, by: User, template: str, **extra: object) -> None:
    other = other_person(meeting.pair, by)
    if other is not None:
        email_queue(
            to=[other],
            template=template,
            context=_meeting_context(meeting, other, by=by, **extra),
            cohort=meeting.pair.cohort,
            attachments=_invitation(meeting, other, template),
        )


@transaction.atomic
def meeting_propose(
    *,
    pair: Pair,
    by: User,
    starts_at: datetime.datetime,
    duration_minutes: int = 60,
    location: str = "",
    video_url: str = "",
    now: datetime.datetime | None = None,
) -> Meeting:
    """Propose a meeting; the other person confirms it.

    Side effects: prepares the agenda (guiding questions for a first meeting, else the open
    action items and the goals to review); emails the other person (after commit).
    """
    now = now or timezone.now()
    require_member(pair=pair, user=by)
    pair_lock(pair=pair)
    require_can_meet(pair=pair)
    _check_details(
        starts_at=starts_at, duration_minutes=duration_minutes, location=location, video_url=video_url, now=now
    )
    same_time = _open_meeting_at(pair=pair, starts_at=starts_at)
    if same_time is not None and same_time.proposed_by_id == by.pk and same_time.status == MeetingStatus.PROPOSED:
        # The same proposal sent twice (a double click, a resent form): one meeting, one email.
        return same_time
    if same_time is not None:
        raise ValidationError({"time": _("You already have a meeting at this time; open it from your pair's page.")})
    meeting = Meeting(
        pair=pair,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        video_url=video_url.strip(),
        status=MeetingStatus.PROPOSED,
        proposed_by=by,
        proposed_at=now,
    )
    meeting.full_clean()
    meeting.save()
    agenda_prepare(meeting=meeting)
    pair_health_refresh(pair=pair, now=now)
    _tell_other(meeting, by, "meeting-proposed", rescheduled=False)
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    by: User,
    starts_at: datetime.datetime,
    duration_minutes: int,
    location: str,
    video_url: str,
    now: datetime.datetime | None = None,
) -> Meeting:
    """Move a meeting that is not logged yet. It goes back to proposed: the other person
    confirms the new time.

    Side effects: the calendar sequence goes up, so subscribed calendars replace the old
    time; emails the other person (after commit).
    """
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("pair").get(pk=meeting.pk)
    require_member(pair=meeting.pair, user=by)
    require_can_meet(pair=meeting.pair)
    _require_not_group(meeting)
    if not meeting.is_open:
        raise ValidationError(_("This meeting is already logged; propose a new one instead."), code="logged")
    _check_details(
        starts_at=starts_at, duration_minutes=duration_minutes, location=location, video_url=video_url, now=now
    )
    if _open_meeting_at(pair=meeting.pair, starts_at=starts_at, exclude=meeting) is not None:
        raise ValidationError({"time": _("You already have another meeting at this time.")})
    meeting.starts_at = starts_at
    meeting.duration_minutes = duration_minutes
    meeting.location = location.strip()
    meeting.video_url = video_url.strip()
    meeting.status = MeetingStatus.PROPOSED
    meeting.proposed_by = by
    meeting.proposed_at = now
    meeting.confirmed_by = None
    meeting.confirmed_at = None
    meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    pair_health_refresh(pair=meeting.pair, now=now)
    _tell_other(meeting, by, "meeting-proposed", rescheduled=True)
    return meeting


def _confirm_problem(
    meeting: Meeting, by: User, now: datetime.datetime, *, seen_sequence: int | None = None
) -> ValidationError | None:
    if meeting.status == MeetingStatus.CONFIRMED:
        return ValidationError(_("This meeting is already confirmed."), code="not_proposed")
    if meeting.status == MeetingStatus.CANCELLED:
        return ValidationError(
            _("%(name)s cancelled this meeting.") % {"name": meeting.logged_by or _("Someone")}, code="not_proposed"
        )
    if meeting.status != MeetingStatus.PROPOSED:
        return ValidationError(_("Only a proposed meeting can be confirmed."), code="not_proposed")
    if meeting.proposed_by_id == by.pk:
        return ValidationError(_("You proposed this time; the other person confirms it."), code="own_proposal")
    if seen_sequence is not None and seen_sequence != meeting.sequence:
        return ValidationError(
            _("The meeting was moved since you opened the page. Check the new time, then confirm it."),
            code="changed",
        )
    if meeting.starts_at <= now:
        return ValidationError(
            _("This time has passed. Propose a new time, or log the meeting if it took place."), code="past"
        )
    return None


def meeting_can_confirm(*, meeting: Meeting, by: User, now: datetime.datetime | None = None) -> bool:
    """Whether ``by`` may confirm the meeting's time now (the page offers it only then);
    ``meeting_confirm`` refuses on the same grounds, saying why. The pair's own rules
    (its people, an active pair in a phase that meets) are checked apart."""
    return _confirm_problem(meeting, by, now or timezone.now()) is None


@transaction.atomic
def meeting_confirm(
    *, meeting: Meeting, by: User, seen_sequence: int | None = None, now: datetime.datetime | None = None
) -> Meeting:
    """The other person accepts the proposed time.

    ``seen_sequence``: the meeting's ``sequence`` on the page the person confirmed from.
    When the meeting was moved since, nothing is confirmed: they would accept a time they
    have not seen.

    Side effects: emails the person who proposed it (after commit).
    """
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("pair").get(pk=meeting.pk)
    require_member(pair=meeting.pair, user=by)
    require_can_meet(pair=meeting.pair)
    problem = _confirm_problem(meeting, by, now, seen_sequence=seen_sequence)
    if problem is not None:
        raise problem
    meeting.status = MeetingStatus.CONFIRMED
    meeting.confirmed_by = by
    meeting.confirmed_at = now
    meeting.sequence += 1
    meeting.save(update_fields=["status", "confirmed_by", "confirmed_at", "sequence", "updated_at"])
    pair_health_refresh(pair=meeting.pair, now=now)
    _tell_other(meeting, by, "meeting-confirmed")
    return meeting


@transaction.atomic
def meeting_cancel(
    *,
    meeting: Meeting,
    by: User,
    reason: str = "",
    seen_sequence: int | None = None,
    now: datetime.datetime | None = None,
) -> Meeting:
    """Call off a meeting that has not taken place.

    ``seen_sequence``: the meeting's ``sequence`` on the page the person cancelled from.
    When it was confirmed or moved since (the other person, at the same moment), nothing is
    cancelled: they look at it again first, and only one of the two emails goes out.

    Side effects: the reason, if any, is added to the shared notes; emails the other person
    (after commit); calendars show the meeting as cancelled.
    """
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("pair").get(pk=meeting.pk)
    require_member(pair=meeting.pair, user=by)
    require_can_meet(pair=meeting.pair)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(
            _("%(name)s already cancelled this meeting.") % {"name": meeting.logged_by or _("Someone")}, code="logged"
        )
    if not meeting.is_open:
        raise ValidationError(_("This meeting is already logged."), code="logged")
    if seen_sequence is not None and seen_sequence != meeting.sequence:
        raise ValidationError(
            _(
                "The meeting was confirmed or moved since you opened the page (it is now %(status)s). "
                "Check it, then cancel it if you still want to."
            )
            % {"status": meeting.get_status_display().lower()},
            code="changed",
        )
    reason = reason.strip()
    meeting.status = MeetingStatus.CANCELLED
    meeting.logged_by = by
    meeting.logged_at = now
    meeting.sequence += 1
    if reason:
        meeting.shared_notes = f"{meeting.shared_notes}\n\n{reason}".strip()
    meeting.save()
    pair_health_refresh(pair=meeting.pair, now=now)
    _tell_other(meeting, by, "meeting-cancelled", reason=reason)
    return meeting


def _action_item_errors(*, pair: Pair, action_items, on: datetime.date) -> dict:
    errors = {}
    owners = {pair.mentor.user_id, pair.mentee.user_id}
    for index, item in enumerate(action_items):
        owner = item.get("owner")
        if not item.get("text", "").strip():
            errors[f"action_item_{index}"] = _("Describe the action item.")
        elif len(item["text"].strip()) > ACTION_ITEM_MAX_LENGTH:
            errors[f"action_item_{index}"] = _("Keep an action item under %(n)d characters.") % {
                "n": ACTION_ITEM_MAX_LENGTH
            }
        elif owner is None or owner.pk not in owners:
            errors[f"action_item_{index}"] = _("An action item belongs to the mentor or the mentee.")
        elif item.get("due_on") and item["due_on"] < on - datetime.timedelta(days=1):
            errors[f"action_item_{index}"] = _("The due date cannot be before the meeting.")
    return errors


def _action_items_add(*, meeting: Meeting, action_items, by: User) -> None:
    """Add the items the meeting does not have yet (same text, owner and due date), so
    that a form sent twice agrees each item once."""
    agreed = set(meeting.action_items.values_list("text", "owner_id", "due_on"))
    new_items = []
    for item in action_items:
        key = (item["text"].strip(), item["owner"].pk, item.get("due_on"))
        if key in agreed:
            continue
        agreed.add(key)
        new_items.append(
            ActionItem(
                pair=meeting.pair, meeting=meeting, text=key[0], owner=item["owner"], due_on=key[2], created_by=by
            )
        )
    ActionItem.objects.bulk_create(new_items)


def _after_log(meeting: Meeting, *, corrected: bool, now: datetime.datetime) -> None:
    pair = meeting.pair
    pair_health_refresh(pair=pair, now=now)
    # Meetings proposed before this one was logged get what it brought up.
    # A group meeting's seats share one agenda: they get nothing of one pair's.
    for later in pair.meetings.filter(status__in=OPEN_MEETING_STATUSES, group__isnull=True).exclude(pk=meeting.pk):
        agenda_prepare(meeting=later)
    webhook_emit(
        organization_id=pair.cohort.organization_id,
        event=WebhookEvent.MEETING_LOGGED,
        data={
            # What happened, never the notes: those belong to the pair.
            "meeting": {
                "id": meeting.pk,
                "pair": pair.pk,
                "cohort": pair.cohort_id,
                "status": meeting.status,
                "starts_at": meeting.starts_at.isoformat(),
                "held_minutes": meeting.held_minutes,
                "corrected": corrected,
            }
        },
    )


@transaction.atomic
def meeting_log(
    *,
    meeting: Meeting,
    by: User,
    outcome: str,
    held_minutes: int | None = None,
    shared_notes: str = "",
    private_note: str = "",
    action_items: list[dict] | tuple = (),
    seen_version: str | None = None,
    now: datetime.datetime | None = None,
) -> Meeting:
    """Record what happened: held (with its length), cancelled or missed; the shared notes,
    the author's private note and the action items agreed. Logging again corrects the log.

    ``action_items``: dicts with ``text``, ``owner`` (one of the pair) and ``due_on``. An
    item the meeting already has (same text, owner and due date) is not added twice, so
    that a log sent twice agrees each item once.

    ``seen_version``: the meeting's ``version`` when the person's form was drawn. When the
    other person logged or cancelled the meeting since, nothing is saved (code
    ``changed``): both were told to log it, and the second must not silently replace the
    first's notes.

    Side effects: the new action items are added to the agenda of the pair's next meetings
    not logged yet; the private note is written, or removed when emptied.
    """
    now = now or timezone.now()
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("pair__mentor", "pair__mentee")
        .get(pk=meeting.pk)
    )
    pair = meeting.pair
    require_member(pair=pair, user=by)
    require_can_meet(pair=pair)
    _require_not_group(meeting)
    if (
        seen_version is not None
        and seen_version != meeting.version
        and meeting.logged_by_id is not None
        and meeting.logged_by_id != by.pk
    ):
        raise ValidationError(
            _(
                "%(name)s recorded this meeting as %(outcome)s while you were writing. Your text is kept "
                "below: read their log on the meeting's page, then save again to replace it."
            )
            % {"name": meeting.logged_by, "outcome": meeting.get_status_display().lower()},
            code="changed",
        )
    if outcome not in LogOutcome.values:
        raise ValidationError({"outcome": _("Choose what happened.")})
    if outcome in (LogOutcome.HELD, LogOutcome.MISSED) and meeting.starts_at > now:
        raise ValidationError(
            {"outcome": _("A meeting is logged as held or missed once it has started; you can cancel it.")}
        )
    errors = {}
    if outcome == LogOutcome.HELD:
        if not held_minutes or not MIN_DURATION_MINUTES <= held_minutes <= MAX_DURATION_MINUTES:
            errors["held_minutes"] = _("How long did it last? Between %(min)d minutes and %(max)d hours.") % {
                "min": MIN_DURATION_MINUTES,
                "max": MAX_DURATION_MINUTES // 60,
            }
    else:
        held_minutes = None
    errors.update(_action_item_errors(pair=pair, action_items=action_items, on=meeting.date_utc))
    if errors:
        raise ValidationError(errors)

    was_logged = meeting.status in LOGGED_MEETING_STATUSES
    meeting.status = outcome
    meeting.held_minutes = held_minutes
    meeting.shared_notes = shared_notes.strip()
    meeting.logged_by = by
    meeting.logged_at = now
    if not was_logged:
        meeting.sequence += 1
    meeting.full_clean()
    meeting.save()

    private_note_set(meeting=meeting, by=by, text=private_note)

    _action_items_add(meeting=meeting, action_items=action_items, by=by)
    _after_log(meeting, corrected=was_logged, now=now)
    return meeting


@transaction.atomic
def contact_record(
    *,
    pair: Pair,
    by: User,
    kind: str,
    happened_at: datetime.datetime,
    held_minutes: int | None = None,
    shared_notes: str = "",
    private_note: str = "",
    action_items: list[dict] | tuple = (),
    now: datetime.datetime | None = None,
) -> Meeting:
    """Record, in one step, a contact that already took place: a meeting, a call, an email
    or chat exchange. It is held from the start and counts like a meeting held: for the
    pair's health, its cadence, the monthly check-in and the graduation rule.

    Refused: a moment in the future (that is a meeting to propose), a day before the pair
    was matched, a length outside 5 minutes to 8 hours (required for a meeting or a call,
    optional for an exchange of emails or messages), a contact of the same kind on the same
    day already recorded by the other person (the two would count one call twice). The
    same form sent twice records one contact.

    Side effects: the author's private note and the action items (added to the agenda of
    the pair's meetings not held yet); the ``meeting.logged`` webhook; an email to the other
    person (after commit).
    """
    now = now or timezone.now()
    require_member(pair=pair, user=by)
    pair_lock(pair=pair)
    require_can_meet(pair=pair)
    errors = {}
    if kind not in ContactKind.values:
        errors["kind"] = _("Choose how you were in touch.")
    if happened_at > now:
        errors["day"] = _("A past contact cannot be in the future. To plan one, propose a meeting.")
    elif utc_date(happened_at) < utc_date(pair.matched_at):
        errors["day"] = _("This pair was matched on %(date)s: choose a date from then on.") % {
            "date": date_format(pair.matched_at, "DATE_FORMAT")
        }
    needs_length = held_minutes is not None or kind in TIMED_CONTACT_KINDS
    if needs_length and not (held_minutes and MIN_DURATION_MINUTES <= held_minutes <= MAX_DURATION_MINUTES):
        errors["held_minutes"] = _("How long did it last? Between %(min)d minutes and %(max)d hours.") % {
            "min": MIN_DURATION_MINUTES,
            "max": MAX_DURATION_MINUTES // 60,
        }
    errors.update(_action_item_errors(pair=pair, action_items=action_items, on=utc_date(happened_at)))
    if errors:
        raise ValidationError(errors)

    same = pair.meetings.filter(recorded_after=True, kind=kind, starts_at__date=utc_date(happened_at))
    mine = same.filter(logged_by=by, starts_at=happened_at).first()
    if mine is not None:
        # The same form sent twice (a double click, a resent page): one contact.
        return mine
    theirs = same.exclude(logged_by=by).select_related("logged_by").first()
    if theirs is not None:
        raise ValidationError(
            {
                "day": _(
                    "%(name)s already recorded this %(kind)s on that day; open it from the pair's page to add "
                    "your notes."
                )
                % {"name": theirs.logged_by, "kind": theirs.get_kind_display().lower()}
            },
            code="already_recorded",
        )
    meeting = Meeting(
        pair=pair,
        kind=kind,
        recorded_after=True,
        starts_at=happened_at,
        duration_minutes=held_minutes or MIN_DURATION_MINUTES,
        status=MeetingStatus.HELD,
        held_minutes=held_minutes,
        shared_notes=shared_notes.strip(),
        proposed_by=by,
        proposed_at=now,
        logged_by=by,
        logged_at=now,
    )
    meeting.full_clean()
    meeting.save()
    private_note_set(meeting=meeting, by=by, text=private_note)
    _action_items_add(meeting=meeting, action_items=action_items, by=by)
    _after_log(meeting, corrected=False, now=now)
    _tell_other(meeting, by, "meeting-contact-recorded")
    return meeting


# --- Seats at a group meeting -----------------------------------------------------------------
# Each mentee invited to a group meeting has a meeting of their own pair linked to it (a
# seat): proposed by the mentor, confirmed or cancelled by the mentee as any meeting, then
# held or missed as the mentor records attendance. ``services.groups`` owns the group
# meeting itself and calls these.


def group_seats_invite(*, group: GroupMeeting, pairs: list[Pair], by: User, now: datetime.datetime) -> list[Meeting]:
    """A seat for each pair, proposed by the mentor.

    Side effects: each mentee gets the email of a meeting proposed (after commit).
    """
    seats = []
    for pair in pairs:
        seat = Meeting(
            pair=pair,
            group=group,
            starts_at=group.starts_at,
            duration_minutes=group.duration_minutes,
            location=group.location,
            video_url=group.video_url,
            status=MeetingStatus.PROPOSED,
            proposed_by=by,
            proposed_at=now,
        )
        seat.full_clean()
        seats.append(seat)
    Meeting.objects.bulk_create(seats)
    pairs_health_refresh(pairs=Pair.objects.filter(pk__in=[pair.pk for pair in pairs]), now=now)
    for seat in seats:
        _tell_other(seat, by, "meeting-proposed", rescheduled=False, group=group)
    return seats


def group_seats_log(
    *, group: GroupMeeting, attended: set[int], held_minutes: int, by: User, now: datetime.datetime
) -> list[Meeting]:
    """Each seat held (its mentee attended, by pair id in ``attended``) or missed; a mentee
    who said they could not come and did not stays cancelled. Logging again corrects it.
    Seats of pairs that have ended since keep what they had.

    Side effects: the ``meeting.logged`` webhook for each seat that changed.
    """
    changed = []
    seats = group.meetings.select_for_update(of=("self",)).select_related("pair__cohort").order_by("pk")
    for seat in seats:
        if seat.pair.status != PairStatus.ACTIVE:
            continue
        if seat.pair_id in attended:
            status, minutes = MeetingStatus.HELD, held_minutes
        elif seat.status == MeetingStatus.CANCELLED and seat.logged_by_id != by.pk:
            continue
        else:
            status, minutes = MeetingStatus.MISSED, None
        if (seat.status, seat.held_minutes) == (status, minutes):
            continue
        was_logged = seat.status in (MeetingStatus.HELD, MeetingStatus.MISSED)
        seat.status = status
        seat.held_minutes = minutes
        seat.logged_by = by
        seat.logged_at = now
        if not was_logged:
            seat.sequence += 1
        seat.save()
        _after_log(seat, corrected=was_logged, now=now)
        changed.append(seat)
    return changed


def group_seats_cancel(*, group: GroupMeeting, by: User, reason: str, now: datetime.datetime) -> list[Meeting]:
    """Every seat not logged yet is cancelled.

    Side effects: each mentee concerned gets the email of a meeting cancelled (after commit).
    """
    seats = list(
        group.meetings.select_for_update(of=("self",))
        .filter(status__in=OPEN_MEETING_STATUSES)
        .select_related("pair__mentor__user", "pair__mentee__user", "pair__cohort")
        .order_by("pk")
    )
    for seat in seats:
        seat.status = MeetingStatus.CANCELLED
        seat.logged_by = by
        seat.logged_at = now
        seat.sequence += 1
        seat.save()
        _tell_other(seat, by, "meeting-cancelled", reason=reason, group=group)
    pairs_health_refresh(pairs=Pair.objects.filter(pk__in=[seat.pair_id for seat in seats]), now=now)
    return seats
