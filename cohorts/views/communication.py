"""What a coordinator sends out of a cohort: alerts to a chat channel (and announcements)."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship.form_errors import errors_to_form, flash_errors
from mentorship.markdown import render_markdown

from ..access import cohort_for
from ..forms import AnnouncementForm, ChatChannelForm
from ..models import Announcement, AnnouncementDelivery, ChatChannel, Cohort
from ..services import announcements as announcement_services
from ..services import chat as chat_services
from ..services.audience import audience


def chat_channel(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    channel = ChatChannel.objects.filter(cohort=cohort).first()
    initial = {"url": channel.url, "alerts": channel.alerts, "is_active": channel.is_active} if channel else None
    form = ChatChannelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            chat_services.chat_channel_set(cohort=cohort, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The chat channel is saved."))
            return redirect("cohorts:chat-channel", pk=cohort.pk)
    return render(request, "cohorts/chat_channel.html", {"cohort": cohort, "channel": channel, "form": form})


@require_POST
def chat_channel_action(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    if request.POST.get("action") == "remove":
        chat_services.chat_channel_remove(cohort=cohort)
        messages.success(request, _("Alerts no longer go to the chat channel."))
    elif chat_services.chat_test(cohort=cohort, by=request.user):
        messages.success(request, _("A test message is on its way to the channel."))
    else:
        messages.error(request, _("Save an active channel first."))
    return redirect("cohorts:chat-channel", pk=cohort.pk)


# --- Announcements -------------------------------------------------------------------------

ANNOUNCEMENTS_PER_PAGE = 20
# The service's keys that the form shows on its one "To" field.
AUDIENCE_KEYS = {"segment", "option"}


def announcement_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Coordinators see every announcement of the cohort, with who sent it and to how many;
    a participant sees those sent to them."""
    cohort = cohort_for(request, pk)
    can_manage = request.user.has_perm("cohorts.manage_cohort", cohort)
    items = cohort.announcements.select_related("created_by").defer("body", "recipient_ids")
    if not can_manage:
        items = items.filter(Exists(AnnouncementDelivery.objects.filter(announcement=OuterRef("pk"), user=request.user)))
    page = Paginator(items, ANNOUNCEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "cohorts/announcement_list.html", {"cohort": cohort, "page": page, "can_manage": can_manage}
    )


def _audience_of(cohort: Cohort, form: AnnouncementForm):
    data = form.cleaned_data
    return audience(cohort=cohort, segment=data["segment"], option=data["option"], role=data.get("role", ""))


def _send_token(request: HttpRequest) -> uuid.UUID | None:
    """The one-time token of the preview the send button was on; None if absent or mangled."""
    try:
        return uuid.UUID(request.POST.get("send_token", ""))
    except ValueError:
        return None


def announcement_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Write, preview with the count of people reached, then send (a second POST)."""
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    form = AnnouncementForm(request.POST or None, cohort=cohort)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "send" in request.POST:
                announcement = announcement_services.announcement_create(
                    cohort=cohort,
                    by=request.user,
                    subject=data["subject"],
                    body=data["body"],
                    segment=data["segment"],
                    option=data["option"],
                    role=data.get("role", ""),
                    send_token=_send_token(request),
                )
                messages.success(request, _("The announcement is on its way."))
                return redirect(announcement)
            preview = {
                "count": _audience_of(cohort, form).count(),
                "html": render_markdown(data["body"]),
                # Each preview gets a fresh token: sending it twice sends once; a new preview
                # (after a change) may be sent again.
                "send_token": uuid.uuid4(),
            }
        except announcement_services.AnnouncementAlreadySent as sent:
            messages.info(
                request,
                _("This announcement was already sent (the button was pressed twice): here is how far it has got."),
            )
            return redirect(sent.announcement)
        except ValidationError as error:
            errors_to_form(form, error, field_name=lambda key: "audience" if key in AUDIENCE_KEYS else key)
    return render(request, "cohorts/announcement_form.html", {"cohort": cohort, "form": form, "preview": preview})


def announcement_count(request: HttpRequest, pk: int) -> HttpResponse:
    """How many people the chosen group holds now (asked for by the form as it changes)."""
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    form = AnnouncementForm(request.GET, cohort=cohort)
    count = None
    form.fields["subject"].required = form.fields["body"].required = False
    if form.is_valid():
        try:
            count = _audience_of(cohort, form).count()
        except ValidationError:
            count = None
    return render(request, "cohorts/_announcement_count.html", {"count": count})


def announcement_detail(request: HttpRequest, pk: int, announcement_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk)
    announcement = get_object_or_404(
        Announcement.objects.select_related("created_by").defer("recipient_ids"), cohort=cohort, pk=announcement_pk
    )
    can_manage = request.user.has_perm("cohorts.manage_cohort", cohort)
    if not can_manage and not announcement.deliveries.filter(user=request.user).exists():
        # Not sent to this person: as if it did not exist.
        raise Http404
    context = {"cohort": cohort, "announcement": announcement, "job": announcement, "can_manage_job": can_manage}
    if request.htmx and can_manage:
        return render(request, "cohorts/_announcement_job.html", context)
    return render(request, "cohorts/announcement_detail.html", {**context, "body_html": render_markdown(announcement.body)})


@require_POST
def announcement_retry(request: HttpRequest, pk: int, announcement_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    announcement = get_object_or_404(Announcement, cohort=cohort, pk=announcement_pk)
    try:
        announcement_services.announcement_retry(announcement=announcement)
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(announcement)
