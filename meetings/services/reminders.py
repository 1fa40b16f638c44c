"""What the periodic tasks send. Each reminder or flag goes out once: it is claimed by
inserting a SentNotification row whose (kind, key) is unique, in the same transaction as
the emails it queues (sent after commit). A second run, or a second worker, fails the
insert and sends nothing; a run that dies leaves no claim behind.

The keys say what "once" means:
- meeting reminder: the meeting at its start time (a meeting moved gets a new reminder);
- log reminder: the meeting;
- health flag: the pair, its health, and its last meeting held (a pair flagged at risk is
  flagged again only after it has met and fallen behind again);
- monthly check-in: the pair, its last contact, and the whole months since.
"""

import datetime
import logging
from types import SimpleNamespace

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from cohorts.enums import CohortPhase
from cohorts.models import ChatAlert, Cohort, Pair, PairStatus
from cohorts.phases import phase_allows
from cohorts.services.chat import chat_alert
from cohorts.services.pairs import pairs_health_store
from mentorship.models import WebhookEvent
from mentorship.notifications import email_queue
from mentorship.webhooks import webhook_emit

from ..enums import OPEN_MEETING_STATUSES, Health, NotificationKind
from ..health import today_utc, utc_date, whole_months_between
from ..models import Meeting, SentNotification
from ..selectors import last_contact_at, pair_coordinators, pairs_with_health

logger = logging.getLogger(__name__)

REMIND_BEFORE = datetime.timedelta(days=2)
LOG_REMINDER_AFTER = datetime.timedelta(days=1)
# Past this, a reminder to log is no longer "the day after": nothing is sent.
LOG_REMINDER_UNTIL = datetime.timedelta(days=7)


def meet_phases() -> list[str]:
    """The phases in which pairs meet, as the cohorts app's phase policy says."""
    return [phase for phase in CohortPhase.values if phase_allows(SimpleNamespace(phase=phase), "meet")]


def _claim(*, kind: str, key: str, pair_id: int, meeting_id: int | None = None, detail: str = "") -> bool:
    try:
        with transaction.atomic():
            SentNotification.objects.create(kind=kind, key=key, pair_id=pair_id, meeting_id=meeting_id, detail=detail)
    except IntegrityError:
        return False
    return True


def _open_meetings_of_meeting_pairs() -> QuerySet[Meeting]:
    # A group meeting's first open seat stands for the mentor, who is told once, not once
    # per mentee.
    lead_seat = (
        Meeting.objects.filter(group=OuterRef("group_id"), status__in=OPEN_MEETING_STATUSES)
        .order_by("pk")
        .values("pk")[:1]
    )
    return (
        Meeting.objects.filter(
            status__in=OPEN_MEETING_STATUSES, pair__status=PairStatus.ACTIVE, pair__cohort__phase__in=meet_phases()
        )
        .annotate(lead_seat_id=Subquery(lead_seat))
        .select_related("pair__mentor__user", "pair__mentee__user", "pair__cohort__program", "group")
    )


def _to_both(meeting: Meeting, template: str, *, mentee_too: bool = True) -> None:
    """Both people of the pair; at a group meeting, the mentor once for the whole group
    (and the mentees not at all with ``mentee_too=False``: the mentor logs it)."""
    pair = meeting.pair
    people = [(pair.mentor.user, pair.mentee.user), (pair.mentee.user, pair.mentor.user)]
    if meeting.group_id:
        people = [
            (person, other)
            for person, other in people
            if (person == pair.mentee.user and mentee_too)
            or (person == pair.mentor.user and meeting.pk == meeting.lead_seat_id)
        ]
        log_url = reverse("meetings:groupmeeting-log", kwargs={"pk": meeting.group_id})
    else:
        log_url = reverse("meetings:meeting-log", kwargs={"pk": meeting.pk})
    for person, other in people:
        email_queue(
            to=[person],
            template=template,
            context={
                "recipient": person,
                "other": other,
                "meeting": meeting,
                "group": meeting.group,
                "meeting_url": meeting.get_absolute_url(),
                "log_url": log_url,
            },
            cohort=pair.cohort,
        )


def meeting_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind both people of a meeting starting within two days.

    Side effects: emails both (after commit), once per meeting and start time.
    Returns how many meetings were reminded of.
    """
    now = now or timezone.now()
    due = _open_meetings_of_meeting_pairs().filter(starts_at__gt=now, starts_at__lte=now + REMIND_BEFORE)
    sent = 0
    for meeting in due:
        with transaction.atomic():
            key = f"{meeting.pk}:{meeting.starts_at.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}"
            if not _claim(
                kind=NotificationKind.MEETING_REMINDER, key=key, pair_id=meeting.pair_id, meeting_id=meeting.pk
            ):
                continue
            _to_both(meeting, "meeting-reminder")
            sent += 1
    logger.info("Meeting reminders sent for %d meeting(s)", sent)
    return sent


def log_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind both people to log a meeting the day after it, if nobody has.

    Side effects: emails both (after commit), once per meeting. Returns how many meetings.
    """
    now = now or timezone.now()
    due = _open_meetings_of_meeting_pairs().filter(
        starts_at__lte=now - LOG_REMINDER_AFTER, starts_at__gt=now - LOG_REMINDER_UNTIL
    )
    sent = 0
    for meeting in due:
        with transaction.atomic():
            if not _claim(
                kind=NotificationKind.LOG_REMINDER, key=str(meeting.pk), pair_id=meeting.pair_id, meeting_id=meeting.pk
            ):
                continue
            _to_both(meeting, "meeting-log-reminder", mentee_too=False)
            sent += 1
    logger.info("Log reminders sent for %d meeting(s)", sent)
    return sent


def next_meetings(*, pair_ids, now: datetime.datetime) -> dict[int, Meeting]:
    """Each pair's next meeting still ahead (proposed or confirmed), in one query: a reminder
    must not ask people to propose a time when one is already proposed or agreed."""
    found: dict[int, Meeting] = {}
    upcoming = (
        Meeting.objects.filter(pair_id__in=list(pair_ids), status__in=OPEN_MEETING_STATUSES, starts_at__gte=now)
        .select_related("proposed_by")
        .order_by("pair_id", "starts_at", "pk")
    )
    for meeting in upcoming:
        found.setdefault(meeting.pair_id, meeting)
    return found


def _next_meeting_context(meeting: Meeting | None) -> dict:
    if meeting is None:
        return {"next_meeting": None}
    return {"next_meeting": meeting, "next_meeting_url": meeting.get_absolute_url()}


def pairs_at_risk_flag(*, now: datetime.datetime | None = None) -> int:
    """Flag the pairs that are at risk or have had no contact, once per state change.

    Side effects, per cohort and in one transaction: a digest email to the cohort's
    coordinators listing the pairs newly flagged; an email to both people of each such pair
    telling them whom to contact. Returns how many pairs were flagged.
    """
    now = now or timezone.now()
    cohorts = Cohort.objects.filter(
        phase__in=meet_phases(), pk__in=Pair.objects.filter(status=PairStatus.ACTIVE).values("cohort_id")
    ).select_related("program__organization")
    flagged = sum(_flag_cohort(cohort, now) for cohort in cohorts)
    logger.info("Pairs flagged: %d", flagged)
    return flagged


@transaction.atomic
def _flag_cohort(cohort: Cohort, now: datetime.datetime) -> int:
    rows = pairs_with_health(pairs=Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE), now=now)
    pairs_health_store(health_by_pk={row["pk"]: row["health"] for row in rows})
    newly = {
        row["pk"]: row
        for row in rows
        if row["health"] != Health.ON_TRACK
        and _claim(
            kind=NotificationKind.HEALTH_FLAG,
            key=f"{row['pk']}:{row['health']}:{row['last_held_id'] or 0}",
            pair_id=row["pk"],
            detail=row["health"],
        )
    }
    if not newly:
        return 0
    pairs = list(
        Pair.objects.filter(pk__in=newly)
        .select_related("cohort__program", "mentor__user", "mentee__user")
        .order_by("mentee__user__full_name", "pk")
    )
    coordinators = pair_coordinators(pair=pairs[0])
    upcoming = next_meetings(pair_ids=newly, now=now)
    flagged = [
        {
            "pair": pair,
            "health": Health(newly[pair.pk]["health"]),
            "last_held_at": newly[pair.pk]["last_held_at"],
            "pair_url": reverse("meetings:pair-detail", kwargs={"pk": pair.pk}),
            **_next_meeting_context(upcoming.get(pair.pk)),
        }
        for pair in pairs
    ]
    digest = {
        "cohort": cohort,
        "flagged": flagged,
        "cohort_pairs_url": reverse("meetings:cohort-pairs", kwargs={"pk": cohort.pk}),
    }
    email_queue(to=coordinators, template="meeting-at-risk-digest", context=digest)
    chat_alert(cohort=cohort, alert=ChatAlert.AT_RISK_DIGEST, context=digest)
    for entry in flagged:
        pair = entry["pair"]
        webhook_emit(
            organization_id=cohort.program.organization_id,
            event=WebhookEvent.PAIR_AT_RISK,
            data={"pair": {"id": pair.pk, "cohort": cohort.pk}, "health": entry["health"].value},
        )
        for person, other in ((pair.mentor.user, pair.mentee.user), (pair.mentee.user, pair.mentor.user)):
            email_queue(
                to=[person],
                template="meeting-at-risk-pair",
                context={"recipient": person, "other": other, "coordinators": coordinators, **entry},
                cohort=cohort,
            )
    return len(flagged)


def monthly_checkins_send(*, now: datetime.datetime | None = None) -> int:
    """Remind the mentor when a month has passed without a meeting held or a message
    between the two (counted from the match at first), and again each further month.

    Side effects: emails the mentor (after commit), once per pair, silence and month.
    Returns how many mentors were reminded.
    """
    now = now or timezone.now()
    today = today_utc(now)
    pairs = last_contact_at(
        pairs=Pair.objects.filter(status=PairStatus.ACTIVE, cohort__phase__in=meet_phases())
    ).select_related("mentor__user", "mentee__user", "cohort__program")
    sent = 0
    pairs = list(pairs)
    upcoming = next_meetings(pair_ids=[pair.pk for pair in pairs], now=now)
    for pair in pairs:
        last = max(moment for moment in (pair.matched_at, pair.last_held_at, pair.last_message_at) if moment)
        months = whole_months_between(utc_date(last), today)
        if months < 1:
            continue
        with transaction.atomic():
            key = f"{pair.pk}:{utc_date(last).isoformat()}:{months}"
            if not _claim(kind=NotificationKind.MONTHLY_CHECKIN, key=key, pair_id=pair.pk, detail=str(months)):
                continue
            email_queue(
                to=[pair.mentor.user],
                template="meeting-checkin-reminder",
                context={
                    "recipient": pair.mentor.user,
                    "mentee": pair.mentee.user,
                    "last_contact_at": last,
                    "months": months,
                    "pair_url": reverse("meetings:pair-detail", kwargs={"pk": pair.pk}),
                    "propose_url": reverse("meetings:meeting-create", kwargs={"pk": pair.pk}),
                    **_next_meeting_context(upcoming.get(pair.pk)),
                },
                cohort=pair.cohort,
            )
            sent += 1
    logger.info("Monthly check-in reminders sent: %d", sent)
    return sent
