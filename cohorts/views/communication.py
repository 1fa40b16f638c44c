"""What a coordinator sends out of a cohort: alerts to a chat channel (and announcements)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship.form_errors import errors_to_form

from ..access import cohort_for
from ..forms import ChatChannelForm
from ..models import ChatChannel
from ..services import chat as chat_services


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
