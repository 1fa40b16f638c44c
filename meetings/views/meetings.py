from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cohorts.models import Pair
from mentorship.form_errors import errors_to_form, flash_errors

from ..enums import LogOutcome, MeetingStatus
from ..forms import ActionItemFormSet, AgendaItemForm, CancelForm, ContactForm, LogForm, MeetingForm, PrivateNoteForm
from ..ics import calendar_text, meeting_event
from ..models import Meeting, PrivateNote
from ..selectors import other_person
from ..services.agenda import EDITABLE_AGENDA_STATUSES
from ..services.pairs import meeting_block_reason
from ..services.scheduling import (
    contact_record,
    meeting_can_confirm,
    meeting_cancel,
    meeting_confirm,
    meeting_log,
    meeting_propose,
    meeting_reschedule,
)
from .common import meeting_for, pair_accepts_meetings, pair_for


def _meeting_form(request: HttpRequest, pair: Pair, initial: dict | None = None) -> MeetingForm:
    return MeetingForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        user=request.user,
        other=other_person(pair, request.user),
    )


def _when_and_where(form: MeetingForm) -> dict:
    return {name: form.cleaned_data[name] for name in ("starts_at", "duration_minutes", "location", "video_url")}


def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    pair = pair_for(request, pk, "meetings.take_part")
    form = _meeting_form(request, pair)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_propose(pair=pair, by=request.user, **_when_and_where(form))
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("Meeting proposed. %(name)s will be asked to confirm it. Prepare the agenda below.")
                % {"name": other_person(pair, request.user)},
            )
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "pair": pair,
            "blocked_reason": meeting_block_reason(pair=pair),
            "is_first": not pair.meetings.filter(status=MeetingStatus.HELD).exists(),
        },
    )


def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a contact that already happened (a call, a meeting, an exchange), in one step."""
    pair = pair_for(request, pk, "meetings.take_part")
    data = request.POST if request.method == "POST" else None
    form = ContactForm(data)
    formset = ActionItemFormSet(data, prefix="actions", form_kwargs={"pair": pair})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            meeting = contact_record(
                pair=pair,
                by=request.user,
                kind=form.cleaned_data["kind"],
                happened_at=form.cleaned_data["happened_at"],
                held_minutes=form.cleaned_data["held_minutes"],
                shared_notes=form.cleaned_data["shared_notes"],
                private_note=form.cleaned_data["private_note"],
                action_items=[item for item in (f.as_item() for f in formset.forms) if item],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("The %(kind)s was recorded.") % {"kind": meeting.get_kind_display().lower()}
            )
            return redirect("meetings:pair-detail", pk=pair.pk)
    return render(
        request,
        "meetings/contact_form.html",
        {"form": form, "formset": formset, "pair": pair, "blocked_reason": meeting_block_reason(pair=pair)},
    )


def meeting_reschedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, "meetings.take_part")
    if meeting.group_id:
        return redirect(meeting.get_absolute_url())
    pair = meeting.pair
    local = timezone.localtime(meeting.starts_at)
    form = _meeting_form(
        request,
        pair,
        initial={
            "day": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": meeting.duration_minutes,
            "location": meeting.location,
            "video_url": meeting.video_url,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting_reschedule(meeting=meeting, by=request.user, **_when_and_where(form))
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The new time was proposed; the other person will be asked to confirm it."))
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "pair": pair,
            "meeting": meeting,
            "blocked_reason": meeting_block_reason(pair=pair)
            or (None if meeting.is_open else _("This meeting is already logged; propose a new one instead.")),
        },
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk)
    if meeting.group_id:
        # A seat at a group meeting: everything is on the group meeting's page.
        return redirect(meeting.get_absolute_url())
    pair, user = meeting.pair, request.user
    now = timezone.now()
    is_member = user.pk in (pair.mentor.user_id, pair.mentee.user_id)
    can_act = is_member and pair_accepts_meetings(pair)
    note = PrivateNote.objects.filter(meeting=meeting, author=user).first() if is_member else None
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "pair": pair,
            "now": now,
            "is_member": is_member,
            "other": other_person(pair, user),
            "can_act": can_act,
            "can_edit_agenda": can_act and meeting.status in EDITABLE_AGENDA_STATUSES,
            "can_confirm": can_act and meeting_can_confirm(meeting=meeting, by=user, now=now),
            "awaiting_other": meeting.status == MeetingStatus.PROPOSED and meeting.proposed_by_id == user.pk,
            "can_change": can_act and meeting.is_open,
            "can_log": can_act,
            "agenda_items": list(meeting.agenda_items.select_related("added_by")),
            "agenda_form": AgendaItemForm(),
            "cancel_form": CancelForm(),
            "private_note": note,
            "private_note_form": PrivateNoteForm(initial={"text": note.text if note else ""}),
            "action_items": list(meeting.action_items.select_related("owner")),
        },
    )


def _log_forms(request: HttpRequest, meeting: Meeting, data=None) -> tuple[LogForm, ActionItemFormSet]:
    note = PrivateNote.objects.filter(meeting=meeting, author=request.user).first()
    initial = {
        "outcome": meeting.status
        if meeting.is_logged
        else (LogOutcome.HELD if meeting.starts_at <= timezone.now() else ""),
        "held_minutes": meeting.held_minutes or meeting.duration_minutes,
        "shared_notes": meeting.shared_notes,
        "private_note": note.text if note else "",
        "version": meeting.version,
    }
    form = LogForm(data, initial=initial)
    formset = ActionItemFormSet(data, prefix="actions", form_kwargs={"pair": meeting.pair})
    return form, formset


def _forms_for_the_new_version(request: HttpRequest, meeting: Meeting) -> tuple[LogForm, ActionItemFormSet]:
    """The person's text again, now based on the log the other person saved: the next save
    replaces that log knowingly."""
    meeting.refresh_from_db()
    data = request.POST.copy()
    data["version"] = meeting.version
    form, formset = _log_forms(request, meeting, data)
    form.is_valid()
    formset.is_valid()
    return form, formset


def meeting_log_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, "meetings.take_part")
    if meeting.group_id:
        if request.user.pk == meeting.pair.mentor.user_id:
            return redirect("meetings:groupmeeting-log", pk=meeting.group_id)
        return redirect(meeting.get_absolute_url())
    if request.method == "POST":
        form, formset = _log_forms(request, meeting, request.POST)
        if form.is_valid() and formset.is_valid():
            items = [item for item in (f.as_item() for f in formset.forms) if item]
            try:
                meeting_log(
                    meeting=meeting,
                    by=request.user,
                    outcome=form.cleaned_data["outcome"],
                    held_minutes=form.cleaned_data["held_minutes"],
                    shared_notes=form.cleaned_data["shared_notes"],
                    private_note=form.cleaned_data["private_note"],
                    action_items=items,
                    seen_version=form.cleaned_data["version"] or None,
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "changed":
                    form, formset = _forms_for_the_new_version(request, meeting)
                errors_to_form(form, error)
            else:
                messages.success(request, _("The meeting was logged."))
                return redirect(meeting)
    else:
        form, formset = _log_forms(request, meeting)
    return render(
        request,
        "meetings/meeting_log.html",
        {
            "form": form,
            "formset": formset,
            "meeting": meeting,
            "pair": meeting.pair,
            "blocked_reason": meeting_block_reason(pair=meeting.pair),
            "action_items": list(meeting.action_items.select_related("owner")),
        },
    )


def _posted_int(request: HttpRequest, name: str) -> int | None:
    try:
        return int(request.POST[name])
    except (KeyError, ValueError):
        return None


@require_POST
def meeting_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, "meetings.take_part")
    try:
        meeting_confirm(meeting=meeting, by=request.user, seen_sequence=_posted_int(request, "sequence"))
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The meeting is confirmed."))
    return redirect(meeting)


@require_POST
def meeting_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, "meetings.take_part")
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Keep the reason under 500 characters."))
        return redirect(meeting)
    try:
        meeting_cancel(
            meeting=meeting,
            by=request.user,
            reason=form.cleaned_data["reason"],
            seen_sequence=_posted_int(request, "sequence"),
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The meeting was cancelled."))
    return redirect(meeting)


@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk)
    event = meeting_event(meeting, viewer=request.user)
    body = calendar_text([event], name=event.summary, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    filename = (
        f"meeting-{meeting.starts_at:%Y-%m-%d}-{slugify(str(other_person(meeting.pair, request.user) or 'pair'))}.ics"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
