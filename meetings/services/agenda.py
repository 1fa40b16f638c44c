import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cohorts.models import Cohort, Pair
from cohorts.phases import require_open
from mentorship.models import User
from mentorship.notifications import notify
from questionnaires.selectors import first_meeting_questions as cohort_first_meeting_questions

from ..enums import ACTIVE_GOAL_STATUSES, OPEN_MEETING_STATUSES, AgendaItemKind, MeetingStatus
from ..models import ActionItem, AgendaItem, Meeting, PrivateNote
from ..selectors import other_person
from .pairs import require_can_meet, require_member

AGENDA_ITEM_MAX_LENGTH = 500

# The guiding questions for a first meeting when the cohort's own (the questionnaires app's
# ``first_meeting_questions``) are all blank: a first meeting never starts from an empty page.
DEFAULT_FIRST_MEETING_QUESTIONS = [
    gettext_noop("What do you each want to get out of this program?"),
    gettext_noop("Which goals should the mentee focus on first?"),
    gettext_noop("What does the mentee want to improve?"),
    gettext_noop("What can the mentee offer in return?"),
    gettext_noop("Soft skills, hard skills, or both: where should the time go?"),
    gettext_noop("How often, when and where will you meet?"),
]

# Meetings whose agenda can still change: before and during the meeting, and right after
# it (ticking off what was covered). Cancelled and missed meetings are closed.
EDITABLE_AGENDA_STATUSES = [*OPEN_MEETING_STATUSES, MeetingStatus.HELD]


def first_meeting_questions(*, cohort: Cohort) -> list[str]:
    questions = [q.strip() for q in cohort_first_meeting_questions(cohort=cohort) if q and q.strip()]
    return questions or [_(q) for q in DEFAULT_FIRST_MEETING_QUESTIONS]


def _is_first_meeting(meeting: Meeting) -> bool:
    return not meeting.pair.meetings.filter(status=MeetingStatus.HELD, starts_at__lt=meeting.starts_at).exists()


def _add_prepared(meeting: Meeting, items: list[AgendaItem]) -> list[AgendaItem]:
    """Add each prepared item unless the agenda has it already: the unique constraints turn
    a second preparation (or a concurrent one) into nothing."""
    added = []
    position = (meeting.agenda_items.aggregate(top=Max("position"))["top"] or 0) + 1
    for item in items:
        item.meeting = meeting
        item.position = position
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:
            continue
        added.append(item)
        position += 1
    return added


@transaction.atomic
def agenda_prepare(*, meeting: Meeting) -> list[AgendaItem]:
    """Fill in what the agenda of a meeting not logged yet should hold; safe to repeat.

    - a first meeting (none held before it): the cohort's guiding questions;
    - every meeting: the pair's open action items (those of the last meeting, and any still
      open from before) and the mentee's goals still worked on, to review.

    Items the pair added, reordered or ticked are left as they are. Returns the items added.
    """
    if meeting.status not in OPEN_MEETING_STATUSES:
        return []
    pair = meeting.pair
    on_agenda = meeting.agenda_items.all()
    listed_actions = set(on_agenda.exclude(action_item=None).values_list("action_item_id", flat=True))
    listed_goals = set(on_agenda.exclude(goal=None).values_list("goal_id", flat=True))
    items: list[AgendaItem] = []
    if _is_first_meeting(meeting) and not on_agenda.filter(kind=AgendaItemKind.QUESTION).exists():
        items += [
            AgendaItem(kind=AgendaItemKind.QUESTION, text=q[:AGENDA_ITEM_MAX_LENGTH])
            for q in first_meeting_questions(cohort=pair.cohort)
        ]
    for action in pair.action_items.filter(done=False).exclude(meeting=meeting).select_related("owner"):
        if action.pk not in listed_actions:
            text = _("Action item: %(text)s (%(owner)s)") % {"text": action.text, "owner": action.owner}
            items.append(
                AgendaItem(kind=AgendaItemKind.ACTION_ITEM, action_item=action, text=text[:AGENDA_ITEM_MAX_LENGTH])
            )
    for goal in pair.goals.filter(status__in=ACTIVE_GOAL_STATUSES):
        if goal.pk not in listed_goals:
            text = _("Review goal: %(title)s") % {"title": goal.title}
            items.append(AgendaItem(kind=AgendaItemKind.GOAL, goal=goal, text=text[:AGENDA_ITEM_MAX_LENGTH]))
    return _add_prepared(meeting, items)


def agendas_refresh(*, pair: Pair) -> None:
    """Bring the agendas of the pair's meetings not logged yet up to date."""
    for meeting in pair.meetings.filter(status__in=OPEN_MEETING_STATUSES):
        agenda_prepare(meeting=meeting)


def _require_editable(meeting: Meeting, by: User) -> None:
    require_member(pair=meeting.pair, user=by)
    require_can_meet(pair=meeting.pair)
    if meeting.group_id:
        raise ValidationError(_("A group meeting has one agenda, which its mentor writes."), code="group")
    if meeting.status not in EDITABLE_AGENDA_STATUSES:
        raise ValidationError(_("The agenda of a cancelled or missed meeting is closed."), code="closed")


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, by: User, text: str) -> AgendaItem:
    """Add a topic at the end of the agenda. A topic the agenda lists already (the same
    text sent twice, or both people adding it) is returned, not added again."""
    _require_editable(meeting, by)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the item first.")})
    if len(text) > AGENDA_ITEM_MAX_LENGTH:
        raise ValidationError({"text": _("Keep an item under %(n)d characters.") % {"n": AGENDA_ITEM_MAX_LENGTH}})
    # Serialises concurrent additions so that two items never get the same position.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    listed = meeting.agenda_items.filter(kind=AgendaItemKind.TOPIC, text=text).first()
    if listed is not None:
        return listed
    position = (meeting.agenda_items.aggregate(top=Max("position"))["top"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting, kind=AgendaItemKind.TOPIC, text=text, added_by=by, position=position
    )
    other = other_person(meeting.pair, by)
    if other is not None:
        notify(
            users=[other],
            kind="agenda-item-added",
            context={
                "author": by,
                "item": item,
                "meeting": meeting,
                "url": reverse("meetings:meeting-detail", kwargs={"pk": meeting.pk}),
            },
        )
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, by: User, direction: str) -> AgendaItem:
    """Swap the item with its neighbour above (``up``) or below (``down``)."""
    meeting = item.meeting
    _require_editable(meeting, by)
    if direction not in ("up", "down"):
        raise ValidationError(_("Move an item up or down."))
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    items = list(meeting.agenda_items.order_by("position", "pk"))
    index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
    if index is None:
        raise ValidationError(_("This item is no longer on the agenda."))
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    # Renumbered from 1 so that equal or missing positions cannot make a move do nothing.
    for position, other in enumerate(items, start=1):
        other.position = position
    AgendaItem.objects.bulk_update(items, ["position"])
    return next(other for other in items if other.pk == item.pk)


@transaction.atomic
def agenda_item_tick(*, item: AgendaItem, by: User, done: bool, now: datetime.datetime | None = None) -> AgendaItem:
    _require_editable(item.meeting, by)
    item.done = done
    item.done_at = (now or timezone.now()) if done else None
    # The other person may have removed the item since this page was drawn.
    if not AgendaItem.objects.filter(pk=item.pk).update(done=item.done, done_at=item.done_at):
        raise ValidationError(_("This item is no longer on the agenda."), code="gone")
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by: User) -> None:
    """Remove an item someone added. Prepared items stay (they would come back with the
    next preparation); tick them off instead."""
    _require_editable(item.meeting, by)
    if item.kind != AgendaItemKind.TOPIC:
        raise ValidationError(_("Prepared items cannot be removed; tick them off when covered."), code="prepared")
    item.delete()


@transaction.atomic
def action_item_set_done(
    *, action_item: ActionItem, by: User, done: bool, now: datetime.datetime | None = None
) -> ActionItem:
    """Mark an action item done (or open again).

    Side effects: an item opened again goes back on the agendas of the meetings ahead.
    """
    require_member(pair=action_item.pair, user=by)
    require_can_meet(pair=action_item.pair)
    action_item.done = done
    action_item.done_at = (now or timezone.now()) if done else None
    action_item.save(update_fields=["done", "done_at"])
    if not done:
        agendas_refresh(pair=action_item.pair)
    return action_item


@transaction.atomic
def private_note_set(*, meeting: Meeting, by: User, text: str) -> PrivateNote | None:
    """Write the author's private note on a meeting; an empty text removes it."""
    require_member(pair=meeting.pair, user=by)
    require_open(meeting.pair.cohort)
    text = text.strip()
    if not text:
        PrivateNote.objects.filter(meeting=meeting, author=by).delete()
        return None
    note, _created = PrivateNote.objects.update_or_create(meeting=meeting, author=by, defaults={"text": text})
    return note
