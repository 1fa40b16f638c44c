"""Where apps that build on meetings plug into the pair page, and how meetings plugs into
the cohorts app.

Pair panels: ``register_pair_panel(func)`` with ``func(pair, user) -> Panel | None`` (the
``cohorts.hooks.Panel``: a template and its context). The pair page renders every panel
returned, in their order; for example the showcase app shows the mentee's project. Each
function decides itself what ``user`` may see (the user already may see the pair).
Register from ``AppConfig.ready()``: this module loads models.

What meetings registers with cohorts (from ``MeetingsConfig.ready``): the participant's
next steps, the cohort page's links and the coordinator's dashboard panel of pair health.
"""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from cohorts.enums import ParticipantRole
from cohorts.hooks import CohortArea, NextStep, Panel, Section, Segment, Todo
from cohorts.models import Pair, PairStatus
from cohorts.phases import phase_allows
from cohorts.rules import is_participant

from .enums import OPEN_MEETING_STATUSES, Health, MeetingStatus
from .forms import HealthFilterForm
from .models import ActionItem, Meeting
from .selectors import cohort_pairs_page, pairs_of

_pair_panels: list[Callable] = []


def register_pair_panel(func: Callable) -> Callable:
    if func not in _pair_panels:
        _pair_panels.append(func)
    return func


def pair_panels(pair, user) -> list[Panel]:
    panels = [func(pair, user) for func in _pair_panels]
    return sorted((p for p in panels if p is not None), key=lambda p: p.order)


# --- Plugged into cohorts ---------------------------------------------------------------


def _short_date(moment, user) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def next_steps(enrollment) -> list[NextStep]:
    """What a mentor or a mentee should do next about their meetings."""
    if not phase_allows(enrollment.cohort, "meet"):
        return []
    user = enrollment.user
    # A mentor may have several mentees: their meetings come in one query, not one per pair.
    pairs = (
        (enrollment.pairs_as_mentor if enrollment.role == ParticipantRole.MENTOR else enrollment.pairs_as_mentee)
        .filter(status=PairStatus.ACTIVE)
        .select_related("mentor__user", "mentee__user")
        .prefetch_related(Prefetch("meetings", queryset=Meeting.objects.order_by("starts_at", "pk")))
    )
    now = timezone.now()
    steps = []
    seen_groups: set[int] = set()
    upcoming: list = []
    pair_ids: list[int] = []
    for pair in pairs:
        pair_ids.append(pair.pk)
        other = pair.mentee.user if user.pk == pair.mentor.user_id else pair.mentor.user
        meetings = list(pair.meetings.all())
        open_meetings = [m for m in meetings if m.status in OPEN_MEETING_STATUSES]
        if not any(m.status == MeetingStatus.HELD for m in meetings) and not open_meetings:
            title = (
                _("Meet your mentor %(name)s: propose the first meeting")
                if user.pk == pair.mentee.user_id
                else _("Meet your mentee %(name)s: propose the first meeting")
            ) % {"name": other}
            steps.append(
                NextStep(title=title, url=reverse("meetings:meeting-create", kwargs={"pk": pair.pk}), order=20)
            )
            continue
        for meeting in open_meetings:
            when = _short_date(meeting.starts_at, user)
            url = meeting.get_absolute_url()
            if meeting.group_id:
                steps += _group_steps(meeting, user, when, now, seen_groups)
                continue
            if meeting.starts_at <= now:
                steps.append(
                    NextStep(
                        title=_("Log the meeting of %(date)s") % {"date": when},
                        url=reverse("meetings:meeting-log", kwargs={"pk": meeting.pk}),
                        order=21,
                    )
                )
                continue
            if meeting.status == MeetingStatus.PROPOSED and meeting.proposed_by_id != user.pk:
                steps.append(NextStep(title=_("Confirm the meeting of %(date)s") % {"date": when}, url=url, order=22))
            steps.append(
                NextStep(
                    title=_("Prepare the agenda for %(date)s") % {"date": when},
                    url=f"{url}#agenda",
                    due=timezone.localdate(meeting.starts_at),
                    order=23,
                )
            )
        upcoming += [(m, other) for m in open_meetings if m.starts_at > now]
        if not any(m.starts_at > now for m in open_meetings):
            steps.append(
                NextStep(
                    title=_("Propose your next meeting with %(name)s") % {"name": other},
                    url=reverse("meetings:meeting-create", kwargs={"pk": pair.pk}),
                    order=24,
                )
            )
    if upcoming:
        steps.append(_next_meeting_step(*min(upcoming, key=lambda mo: (mo[0].starts_at, mo[0].pk)), user=user))
    if pair_ids:
        steps += _action_items_due(pair_ids, user)
    return steps


def _next_meeting_step(meeting, other, *, user) -> NextStep:
    when = _short_date(meeting.starts_at, user)
    if meeting.group_id and user.pk == meeting.pair.mentor.user_id:
        title = _("Next meeting: %(date)s, group meeting with your mentees") % {"date": when}
    elif meeting.group_id:
        title = _("Next meeting: %(date)s, group meeting with %(name)s") % {"date": when, "name": other}
    else:
        title = _("Next meeting: %(date)s with %(name)s") % {"date": when, "name": other}
    return NextStep(title=title, url=meeting.get_absolute_url(), order=18)


def _action_items_due(pair_ids: list[int], user) -> list[NextStep]:
    """The person's open action items due within ``ACTION_ITEMS_DUE_DAYS`` or overdue, each
    linked to the meeting that agreed it (or the pair's list): one query for every pair."""
    today = timezone.localdate()
    items = (
        ActionItem.objects.filter(
            pair_id__in=pair_ids,
            owner=user,
            done=False,
            due_on__lte=today + datetime.timedelta(days=settings.ACTION_ITEMS_DUE_DAYS),
        )
        .select_related("meeting")
        .order_by("due_on", "pk")
    )
    steps = []
    for item in items:
        if item.meeting_id:
            url = item.meeting.get_absolute_url()
        else:
            url = reverse("meetings:pair-detail", kwargs={"pk": item.pair_id}) + "#action-items"
        if item.due_on < today:
            title = _("Overdue action item: %(text)s") % {"text": item.text}
        else:
            title = _("Action item due: %(text)s") % {"text": item.text}
        steps.append(NextStep(title=title, url=url, due=item.due_on, order=19))
    return steps


def _group_steps(seat, user, when: str, now, seen_groups: set[int]) -> list[NextStep]:
    """A seat at a group meeting: the mentor records attendance once for the group; the
    mentee confirms."""
    if seat.group_id in seen_groups:
        return []
    seen_groups.add(seat.group_id)
    is_mentor = user.pk == seat.pair.mentor.user_id
    if seat.starts_at <= now:
        if not is_mentor:
            return []
        return [
            NextStep(
                title=_("Record who attended the group meeting of %(date)s") % {"date": when},
                url=reverse("meetings:groupmeeting-log", kwargs={"pk": seat.group_id}),
                order=21,
            )
        ]
    if seat.status == MeetingStatus.PROPOSED and seat.proposed_by_id != user.pk:
        return [
            NextStep(
                title=_("Answer the invitation to the group meeting of %(date)s") % {"date": when},
                url=seat.get_absolute_url(),
                order=22,
            )
        ]
    return []


def cohort_sections(cohort, user) -> list[Section]:

    sections = []
    if user.has_perm("meetings.view_cohort_pairs", cohort):
        sections.append(
            Section(
                title=_("Pairs and meetings"),
                url=reverse("meetings:cohort-pairs", kwargs={"pk": cohort.pk}),
                description=_("Every pair's health: on track, at risk or without contact, with its last meeting."),
                order=40,
            )
        )
    for pair in pairs_of(user=user).filter(cohort=cohort):
        is_mentee = user.pk == pair.mentee.user_id
        other = pair.mentor.user if is_mentee else pair.mentee.user
        sections.append(
            Section(
                title=(_("Your mentor: %(name)s") if is_mentee else _("Your mentee: %(name)s")) % {"name": other},
                url=reverse("meetings:pair-detail", kwargs={"pk": pair.pk}),
                description=_("Meetings, agendas, action items, goals and messages."),
                order=30,
            )
        )
    return sections


def dashboard_panel(cohort, request) -> Panel | None:
    """The coordinator's table of pair health, filtered and paged through its own query
    parameters (``health``, ``pairs_page``) so that it lives beside the dashboard's own."""

    if not request.user.has_perm("meetings.view_cohort_pairs", cohort) or not cohort.pairs.exists():
        return None
    form = HealthFilterForm(request.GET or None)
    health = form.cleaned_data["health"] if form.is_valid() else ""
    data = cohort_pairs_page(cohort=cohort, health=health, page=request.GET.get("pairs_page"), per_page=10)
    return Panel(
        template="meetings/_dashboard_panel.html",
        context={"cohort": cohort, "pairs_data": data, "health_form": form, "page_param": "pairs_page"},
        order=40,
    )


def _pairs_in_health(health: str):
    def people(cohort, option=""):
        both = Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE, health=health).values_list(
            "mentor__user_id", "mentee__user_id"
        )
        return {person for pair in both for person in pair}

    return people


SEGMENTS = [
    Segment("at_risk", _lazy("Both people of the pairs at risk"), _pairs_in_health(Health.AT_RISK), order=30),
    Segment(
        "no_contact", _lazy("Both people of the pairs without contact"), _pairs_in_health(Health.NO_CONTACT), order=31
    ),
]


# --- The cohort bar ----------------------------------------------------------------------------

_PAIR_PAGES = frozenset(
    f"meetings:{name}"
    for name in (
        "cohort-pairs",
        "pair-detail",
        "pair-cadence",
        "meeting-create",
        "contact-create",
        "goal-create",
        "meeting-detail",
        "meeting-update",
        "meeting-log",
        "goal-detail",
        "goal-update",
        "groupmeeting-create",
        "groupmeeting-detail",
        "groupmeeting-log",
    )
)


def _pairs_link(cohort, user) -> str | None:
    if user.has_perm("meetings.view_cohort_pairs", cohort):
        return reverse("meetings:cohort-pairs", kwargs={"pk": cohort.pk})
    if not is_participant(user, cohort):
        return None
    # One query: the person's own pairs here (a mentor may have several: their list of pairs).
    mine = list(pairs_of(user=user).filter(cohort=cohort).values_list("pk", flat=True)[:2])
    if len(mine) == 1:
        return reverse("meetings:pair-detail", kwargs={"pk": mine[0]})
    return reverse("meetings:pair-list") if mine else None


AREA = CohortArea("pairs", _lazy("Pairs and meetings"), _PAIR_PAGES, _pairs_link, order=60)


# --- The home page ---------------------------------------------------------------------------


def home_todos(cohorts, user) -> dict[int, list[Todo]]:
    """For coordinators: active pairs at risk and without contact (their stored health). One query."""
    rows = (
        Pair.objects.filter(cohort_id__in=[c.pk for c in cohorts], status=PairStatus.ACTIVE)
        .exclude(health=Health.ON_TRACK)
        .order_by()
        .values_list("cohort_id")
        .annotate(
            at_risk=Count("pk", filter=Q(health=Health.AT_RISK)),
            no_contact=Count("pk", filter=Q(health=Health.NO_CONTACT)),
        )
    )
    result = {}
    for cohort_id, at_risk, no_contact in rows:
        url = reverse("meetings:cohort-pairs", kwargs={"pk": cohort_id})
        items = result.setdefault(cohort_id, [])
        if at_risk:
            items.append(
                Todo(
                    ngettext("%(n)d pair at risk", "%(n)d pairs at risk", at_risk) % {"n": at_risk},
                    f"{url}?health={Health.AT_RISK}",
                    level="warning",
                    order=30,
                )
            )
        if no_contact:
            items.append(
                Todo(
                    ngettext("%(n)d pair without contact", "%(n)d pairs without contact", no_contact)
                    % {"n": no_contact},
                    f"{url}?health={Health.NO_CONTACT}",
                    level="warning",
                    order=31,
                )
            )
    return result
