from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship.form_errors import flash_errors, run_form_action

from ..forms import AgendaItemForm, PrivateNoteForm
from ..models import ActionItem, AgendaItem
from ..selectors import PAIR_RELATED, meetings_visible_to, pairs_visible_to
from ..services.agenda import (
    action_item_set_done,
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    agenda_item_tick,
    private_note_set,
)


def _agenda_url(meeting) -> str:
    return meeting.get_absolute_url() + "#agenda"


def _visible_pair_ids(request: HttpRequest):
    return pairs_visible_to(user=request.user).values("pk")


def _acting_item(request: HttpRequest, pk: int) -> AgendaItem:
    """An agenda item of a meeting the user may see (else 404) and act on (else 403)."""
    item = get_object_or_404(
        AgendaItem.objects.select_related(*(f"meeting__pair__{name}" for name in PAIR_RELATED)),
        pk=pk,
        meeting__pair__in=_visible_pair_ids(request),
    )
    if not request.user.has_perm("meetings.take_part", item.meeting.pair):
        raise PermissionDenied
    return item


def _posted_done(request: HttpRequest) -> bool:
    return request.POST.get("done") in ("1", "true", "on")


@require_POST
def agenda_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(meetings_visible_to(user=request.user), pk=pk)
    if not request.user.has_perm("meetings.take_part", meeting.pair):
        raise PermissionDenied
    run_form_action(
        request,
        AgendaItemForm(request.POST),
        lambda data: agenda_item_add(meeting=meeting, by=request.user, text=data["text"]),
        success=_("The item was added to the agenda."),
    )
    return redirect(_agenda_url(meeting))


@require_POST
def agenda_item_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _acting_item(request, pk)
    try:
        agenda_item_move(item=item, by=request.user, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(_agenda_url(item.meeting))


@require_POST
def agenda_item_tick_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick an item off (or back on). With htmx, answers with the item's new line only."""
    item = _acting_item(request, pk)
    try:
        agenda_item_tick(item=item, by=request.user, done=_posted_done(request))
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(" ".join(error.messages), status=409, content_type="text/plain; charset=utf-8")
        flash_errors(request, error)
    if request.htmx:
        siblings = list(item.meeting.agenda_items.values_list("pk", flat=True))
        return render(
            request,
            "meetings/_agenda_item.html",
            {
                "item": item,
                "meeting": item.meeting,
                "can_edit_agenda": True,
                "is_first": siblings[:1] == [item.pk],
                "is_last": siblings[-1:] == [item.pk],
            },
        )
    return redirect(_agenda_url(item.meeting))


@require_POST
def agenda_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _acting_item(request, pk)
    meeting = item.meeting
    try:
        agenda_item_remove(item=item, by=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The item was removed from the agenda."))
    return redirect(_agenda_url(meeting))


@require_POST
def action_item_tick_view(request: HttpRequest, pk: int) -> HttpResponse:
    action_item = get_object_or_404(
        ActionItem.objects.select_related(*(f"pair__{name}" for name in PAIR_RELATED)),
        pk=pk,
        pair__in=_visible_pair_ids(request),
    )
    if not request.user.has_perm("meetings.take_part", action_item.pair):
        raise PermissionDenied
    done = _posted_done(request)
    try:
        action_item_set_done(action_item=action_item, by=request.user, done=done)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Marked as done.") if done else _("Opened again."))
    fallback = reverse("meetings:pair-detail", kwargs={"pk": action_item.pair_id}) + "#action-items"
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return redirect(target or fallback)


@require_POST
def private_note_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the author's private note without touching the rest of the log."""
    meeting = get_object_or_404(meetings_visible_to(user=request.user), pk=pk)
    if not request.user.has_perm("meetings.take_part", meeting.pair):
        raise PermissionDenied
    form = PrivateNoteForm(request.POST)
    if form.is_valid():
        try:
            private_note_set(meeting=meeting, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Your private note was saved."))
    return redirect(meeting.get_absolute_url() + "#private-note")
