from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from cohorts.models import PairStatus
from mentorship.form_errors import errors_to_form, flash_errors, flash_form_errors

from ..enums import MeetingStatus
from ..forms import CadenceForm, MessageForm
from ..health import next_meeting_due_on, utc_date
from ..hooks import pair_panels
from ..selectors import (
    cadence_days_of,
    goals_of,
    messages_page,
    open_action_items,
    other_person,
    pair_coordinators,
    pairs_of,
    pairs_visible_to,
    with_meeting_dates,
)
from ..services.groups import MIN_MENTEES
from ..services.pairs import meeting_block_reason, pair_cadence_set, pair_message_post
from .common import PairPermissionMixin, pair_accepts_meetings


class PairListView(TemplateView):
    """The pairs the person is the mentor or the mentee of, across cohorts."""

    template_name = "meetings/pair_list.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        user = self.request.user
        pairs = list(with_meeting_dates(pairs_of(user=user), now=now))
        for pair in pairs:
            pair.other = other_person(pair, user)
            pair.is_mentee = user.pk == pair.mentee.user_id
            # Stored, kept up to date by the meetings' services and the hourly check.
            pair.health_shown = pair.health if pair.status == PairStatus.ACTIVE else None
        return {**super().get_context_data(**kwargs), "pairs": pairs}


class PairDetailView(PairPermissionMixin, TemplateView):
    permission_required = "meetings.view_pair"
    template_name = "meetings/pair_detail.html"

    def get_context_data(self, **kwargs):
        pair, user = self.pair, self.request.user
        now = timezone.now()
        meetings = list(pair.meetings.select_related("proposed_by").order_by("starts_at", "pk"))
        open_meetings = [m for m in meetings if m.is_open]
        upcoming = [m for m in open_meetings if m.starts_at > now]
        held = [m for m in meetings if m.status == MeetingStatus.HELD]
        is_member = user.pk in (pair.mentor.user_id, pair.mentee.user_id)
        can_act = is_member and pair_accepts_meetings(pair)
        # A mentor of several mentees may meet them together.
        can_group = (
            can_act
            and user.pk == pair.mentor.user_id
            and pair.mentor.pairs_as_mentor.filter(status=PairStatus.ACTIVE).count() >= MIN_MENTEES
        )
        health = pair.health if pair.status == PairStatus.ACTIVE else None
        cadence = cadence_days_of(pair)
        return {
            **super().get_context_data(**kwargs),
            "pair": pair,
            "now": now,
            "is_member": is_member,
            "is_mentee": user.pk == pair.mentee.user_id,
            "other": other_person(pair, user),
            "can_act": can_act,
            "can_group": can_group,
            "blocked_reason": meeting_block_reason(pair=pair) if is_member else None,
            "can_edit_goals": user.pk == pair.mentee.user_id and pair.status == PairStatus.ACTIVE,
            "next_meeting": upcoming[0] if upcoming else None,
            "later_meetings": upcoming[1:],
            "to_log": [m for m in open_meetings if m.starts_at <= now],
            "past_meetings": [m for m in reversed(meetings) if m.is_logged],
            "last_held": held[-1] if held else None,
            "health": health,
            "due_on": next_meeting_due_on(
                matched_on=utc_date(pair.matched_at),
                last_held_on=utc_date(held[-1].starts_at) if held else None,
                cadence_days=cadence,
            ),
            "cadence_days": cadence,
            "cohort_cadence_days": pair.cohort.meeting_cadence_days,
            "cadence_form": CadenceForm(
                initial={"cadence_days": getattr(getattr(pair, "meeting_settings", None), "cadence_days", None)}
            ),
            "action_items": list(open_action_items(pair=pair)),
            "goals": list(goals_of(pair=pair)),
            "messages_page": messages_page(pair=pair, page=self.request.GET.get("messages_page")),
            "message_form": MessageForm(),
            "coordinators": pair_coordinators(pair=pair),
            "panels_html": [
                render_to_string(panel.template, panel.context, request=self.request)
                for panel in pair_panels(pair, user)
            ],
        }


def _acting_pair(request: HttpRequest, pk: int):
    pair = get_object_or_404(pairs_visible_to(user=request.user), pk=pk)
    if not request.user.has_perm("meetings.take_part", pair):
        raise PermissionDenied
    return pair


@require_POST
def pair_cadence_update(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _acting_pair(request, pk)
    form = CadenceForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("meetings:pair-detail", pk=pair.pk)
    try:
        pair_cadence_set(pair=pair, cadence_days=form.cleaned_data["cadence_days"], by=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The cadence was saved."))
    return redirect("meetings:pair-detail", pk=pair.pk)


@require_POST
def pair_message_create(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _acting_pair(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            pair_message_post(pair=pair, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            errors_to_form(form, error)
    if form.errors:
        flash_form_errors(request, form)
    else:
        messages.success(request, _("Your message was sent."))
    return redirect(reverse("meetings:pair-detail", kwargs={"pk": pair.pk}) + "#messages")
