"""Group meetings: a mentor with several of their mentees together. The mentees answer
and download the calendar entry through their own seat (a meeting of their pair), whose
pages lead here."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cohorts.access import cohort_for
from mentorship.form_errors import errors_to_form, run_form_action

from ..enums import GroupMeetingStatus, MeetingStatus
from ..forms import CancelForm, GroupAgendaForm, GroupLogForm, GroupMeetingForm
from ..ics import calendar_text, meeting_event
from ..models import GroupMeeting
from ..selectors import group_meetings_visible_to, group_seats
from ..services.groups import (
    MIN_MENTEES,
    group_meeting_agenda_set,
    group_meeting_cancel,
    group_meeting_log,
    group_meeting_schedule,
    group_mentor_pairs,
)
from ..services.pairs import meeting_block_reason
from ..services.scheduling import meeting_can_confirm


def _group_for(request: HttpRequest, pk: int, perm: str = "meetings.view_group_meeting") -> GroupMeeting:
    group = get_object_or_404(group_meetings_visible_to(user=request.user), pk=pk)
    if not request.user.has_perm(perm, group):
        raise PermissionDenied
    return group


def group_meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk)
    pairs = list(group_mentor_pairs(cohort=cohort, user=request.user))
    if not pairs:
        raise PermissionDenied
    form = GroupMeetingForm(request.POST if request.method == "POST" else None, user=request.user, pairs=pairs)
    blocked_reason = meeting_block_reason(pair=pairs[0])
    if request.method == "POST" and not blocked_reason and form.is_valid():
        try:
            group = group_meeting_schedule(
                cohort=cohort,
                by=request.user,
                pairs=form.chosen_pairs(),
                title=form.cleaned_data["title"],
                agenda=form.cleaned_data["agenda"],
                starts_at=form.cleaned_data["starts_at"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                location=form.cleaned_data["location"],
                video_url=form.cleaned_data["video_url"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Group meeting scheduled. Each mentee invited is asked to confirm."))
            return redirect(group)
    return render(
        request,
        "meetings/group_meeting_form.html",
        {
            "form": form,
            "cohort": cohort,
            "too_few": len(pairs) < MIN_MENTEES,
            "blocked_reason": blocked_reason,
        },
    )


def group_meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_for(request, pk)
    user, now = request.user, timezone.now()
    seats = group_seats(group=group)
    my_seat = next((seat for seat in seats if seat.pair.mentee.user_id == user.pk), None)
    is_mentor = user.pk == group.mentor.user_id
    block = meeting_block_reason(pair=seats[0].pair) if seats else None
    can_run = is_mentor and not block
    return render(
        request,
        "meetings/group_meeting_detail.html",
        {
            "group": group,
            "seats": seats,
            "attended_count": sum(seat.status == MeetingStatus.HELD for seat in seats),
            "my_seat": my_seat,
            "is_mentor": is_mentor,
            "now": now,
            "can_run": can_run and group.is_open,
            "can_log": can_run and group.status != GroupMeetingStatus.CANCELLED and group.starts_at <= now,
            "can_confirm": my_seat is not None
            and meeting_block_reason(pair=my_seat.pair) is None
            and meeting_can_confirm(meeting=my_seat, by=user, now=now),
            "can_decline": my_seat is not None
            and my_seat.is_open
            and group.starts_at > now
            and meeting_block_reason(pair=my_seat.pair) is None,
            "can_read_notes": user.has_perm("meetings.read_group_notes", group),
            "agenda_form": GroupAgendaForm(initial={"agenda": group.agenda}),
            "cancel_form": CancelForm(),
        },
    )


@require_POST
def group_meeting_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_for(request, pk, "meetings.run_group_meeting")
    run_form_action(
        request,
        GroupAgendaForm(request.POST),
        lambda data: group_meeting_agenda_set(group=group, by=request.user, agenda=data["agenda"]),
        success=_("The agenda was saved."),
    )
    return redirect(group)


def group_meeting_log_view(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_for(request, pk, "meetings.run_group_meeting")
    seats = group_seats(group=group)
    initial = {
        "attended": [seat.pair_id for seat in seats if seat.status == MeetingStatus.HELD]
        or [seat.pair_id for seat in seats if seat.status == MeetingStatus.CONFIRMED],
        "held_minutes": group.held_minutes or group.duration_minutes,
        "shared_notes": group.shared_notes if group.status == GroupMeetingStatus.HELD else "",
    }
    form = GroupLogForm(request.POST if request.method == "POST" else None, initial=initial, seats=seats)
    block = meeting_block_reason(pair=seats[0].pair) if seats else None
    if request.method == "POST" and not block and form.is_valid():
        try:
            group_meeting_log(
                group=group,
                by=request.user,
                attended=set(form.cleaned_data["attended"]),
                held_minutes=form.cleaned_data["held_minutes"],
                shared_notes=form.cleaned_data["shared_notes"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Attendance recorded: the meeting counts for each mentee present."))
            return redirect(group)
    return render(
        request,
        "meetings/group_meeting_log.html",
        {"form": form, "group": group, "blocked_reason": block},
    )


@require_POST
def group_meeting_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_for(request, pk, "meetings.run_group_meeting")
    run_form_action(
        request,
        CancelForm(request.POST),
        lambda data: group_meeting_cancel(group=group, by=request.user, reason=data["reason"]),
        success=_("The group meeting was cancelled; the mentees invited are told."),
    )
    return redirect(group)


@require_GET
def group_meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_for(request, pk)
    seats = group_seats(group=group)
    seat = next((s for s in seats if s.pair.mentee.user_id == request.user.pk), seats[0] if seats else None)
    if seat is None:
        raise Http404
    seat.group = group
    event = meeting_event(seat, viewer=request.user)
    body = calendar_text([event], name=event.summary, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    filename = f"group-meeting-{group.starts_at:%Y-%m-%d}-{slugify(group.title)[:40] or 'mentoring'}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
