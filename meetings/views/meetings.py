from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, TemplateView

from mentorship.form_errors import errors_to_form, flash_errors

from ..enums import LogOutcome, MeetingStatus
from ..forms import ActionItemFormSet, AgendaItemForm, CancelForm, LogForm, MeetingForm, PrivateNoteForm
from ..ics import calendar_text, meeting_event
from ..models import PrivateNote
from ..selectors import meetings_visible_to, other_person
from ..services.agenda import EDITABLE_AGENDA_STATUSES
from ..services.pairs import meeting_block_reason
from ..services.scheduling import meeting_cancel, meeting_confirm, meeting_log, meeting_propose, meeting_reschedule
from .common import MeetingPermissionMixin, PairPermissionMixin, pair_accepts_meetings


class MeetingCreateView(PairPermissionMixin, FormView):
    permission_required = "meetings.take_part"
    template_name = "meetings/meeting_form.html"
    form_class = MeetingForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "other": other_person(self.pair, self.request.user),
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "pair": self.pair,
            "blocked_reason": meeting_block_reason(pair=self.pair),
            "is_first": not self.pair.meetings.filter(status=MeetingStatus.HELD).exists(),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            meeting = meeting_propose(
                pair=self.pair,
                by=self.request.user,
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                location=data["location"],
                video_url=data["video_url"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Meeting proposed. %(name)s will be asked to confirm it. Prepare the agenda below.")
            % {"name": other_person(self.pair, self.request.user)},
        )
        return redirect(meeting)


class MeetingRescheduleView(MeetingPermissionMixin, FormView):
    permission_required = "meetings.take_part"
    template_name = "meetings/meeting_form.html"
    form_class = MeetingForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "other": other_person(self.pair, self.request.user),
        }

    def get_initial(self):
        local = timezone.localtime(self.meeting.starts_at)
        return {
            "day": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": self.meeting.duration_minutes,
            "location": self.meeting.location,
            "video_url": self.meeting.video_url,
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "pair": self.pair,
            "meeting": self.meeting,
            "blocked_reason": meeting_block_reason(pair=self.pair)
            or (None if self.meeting.is_open else _("This meeting is already logged; propose a new one instead.")),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            meeting_reschedule(
                meeting=self.meeting,
                by=self.request.user,
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                location=data["location"],
                video_url=data["video_url"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The new time was proposed; the other person will be asked to confirm it."))
        return redirect(self.meeting)


class MeetingDetailView(MeetingPermissionMixin, TemplateView):
    permission_required = "meetings.view_pair"
    template_name = "meetings/meeting_detail.html"

    def get_context_data(self, **kwargs):
        meeting, pair, user = self.meeting, self.pair, self.request.user
        now = timezone.now()
        is_member = user.pk in (pair.mentor.user_id, pair.mentee.user_id)
        can_act = is_member and pair_accepts_meetings(pair)
        note = PrivateNote.objects.filter(meeting=meeting, author=user).first() if is_member else None
        return {
            **super().get_context_data(**kwargs),
            "meeting": meeting,
            "pair": pair,
            "now": now,
            "is_member": is_member,
            "other": other_person(pair, user),
            "can_act": can_act,
            "can_edit_agenda": can_act and meeting.status in EDITABLE_AGENDA_STATUSES,
            "can_confirm": can_act
            and meeting.status == MeetingStatus.PROPOSED
            and meeting.proposed_by_id != user.pk
            and meeting.starts_at > now,
            "awaiting_other": meeting.status == MeetingStatus.PROPOSED and meeting.proposed_by_id == user.pk,
            "can_change": can_act and meeting.is_open,
            "can_log": can_act,
            "agenda_items": list(meeting.agenda_items.select_related("added_by")),
            "agenda_form": AgendaItemForm(),
            "cancel_form": CancelForm(),
            "private_note": note,
            "private_note_form": PrivateNoteForm(initial={"text": note.text if note else ""}),
            "action_items": list(meeting.action_items.select_related("owner")),
        }


class MeetingLogView(MeetingPermissionMixin, TemplateView):
    permission_required = "meetings.take_part"
    template_name = "meetings/meeting_log.html"

    def get_forms(self, data=None):
        meeting, user = self.meeting, self.request.user
        note = PrivateNote.objects.filter(meeting=meeting, author=user).first()
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
        formset = ActionItemFormSet(data, prefix="actions", form_kwargs={"pair": self.pair})
        return form, formset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in context:
            context["form"], context["formset"] = self.get_forms()
        return {
            **context,
            "meeting": self.meeting,
            "pair": self.pair,
            "blocked_reason": meeting_block_reason(pair=self.pair),
            "action_items": list(self.meeting.action_items.select_related("owner")),
        }

    def post(self, request, *args, **kwargs):
        form, formset = self.get_forms(request.POST)
        if form.is_valid() and formset.is_valid():
            items = [item for item in (f.as_item() for f in formset.forms) if item]
            try:
                meeting_log(
                    meeting=self.meeting,
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
                    form, formset = self._forms_for_the_new_version(request.POST)
                errors_to_form(form, error)
            else:
                messages.success(request, _("The meeting was logged."))
                return redirect(self.meeting)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def _forms_for_the_new_version(self, data):
        """The person's text again, now based on the log the other person saved: the next
        save replaces that log knowingly."""
        self.meeting.refresh_from_db()
        data = data.copy()
        data["version"] = self.meeting.version
        form, formset = self.get_forms(data)
        form.is_valid()
        formset.is_valid()
        return form, formset


def _acting_meeting(request: HttpRequest, pk: int):
    meeting = get_object_or_404(meetings_visible_to(user=request.user), pk=pk)
    if not request.user.has_perm("meetings.take_part", meeting.pair):
        raise PermissionDenied
    return meeting


def _posted_int(request: HttpRequest, name: str) -> int | None:
    try:
        return int(request.POST[name])
    except (KeyError, ValueError):
        return None


@require_POST
def meeting_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _acting_meeting(request, pk)
    try:
        meeting_confirm(meeting=meeting, by=request.user, seen_sequence=_posted_int(request, "sequence"))
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The meeting is confirmed."))
    return redirect(meeting)


@require_POST
def meeting_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _acting_meeting(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Keep the reason under 500 characters."))
        return redirect(meeting)
    try:
        meeting_cancel(meeting=meeting, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The meeting was cancelled."))
    return redirect(meeting)


@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(meetings_visible_to(user=request.user), pk=pk)
    if not request.user.has_perm("meetings.view_pair", meeting.pair):
        raise PermissionDenied
    event = meeting_event(meeting, viewer=request.user)
    body = calendar_text([event], name=event.summary, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    filename = (
        f"meeting-{meeting.starts_at:%Y-%m-%d}-{slugify(str(other_person(meeting.pair, request.user) or 'pair'))}.ics"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
