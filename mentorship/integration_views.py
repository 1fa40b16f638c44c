"""The coordinator's integration pages: API keys (shown once), webhooks, chat alerts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import integrations, webhooks
from .form_errors import errors_to_form, flash_errors
from .forms import ApiTokenForm, WebhookForm
from .models import ApiToken, Organization, Webhook
from .selectors import organizations_for

DELIVERIES_PER_PAGE = 25
WEBHOOK_ACTIONS = {"enable", "test", "delete"}


def _managed_organization(request: HttpRequest, slug: str) -> Organization:
    """The organization, if the person coordinates it: a 404 for outsiders (nothing of
    another organization is given away), a 403 for its viewers."""
    organization = get_object_or_404(organizations_for(user=request.user), slug=slug)
    if not request.user.has_perm("mentorship.manage_organization", organization):
        raise PermissionDenied
    return organization


def _page(request: HttpRequest, organization: Organization, **context) -> HttpResponse:
    context.setdefault("token_form", ApiTokenForm())
    context.setdefault("webhook_form", WebhookForm())
    return render(
        request,
        "mentorship/integrations.html",
        {
            "organization": organization,
            "tokens": organization.api_tokens.select_related("created_by"),
            "webhooks": organization.webhooks.all(),
            **context,
        },
    )


def integrations_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, _managed_organization(request, slug))


@require_POST
def api_token_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _managed_organization(request, slug)
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, organization, token_form=form)
    try:
        token, key = integrations.api_token_create(organization=organization, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        errors_to_form(form, error)
        return _page(request, organization, token_form=form)
    response = render(
        request, "mentorship/api_token_created.html", {"organization": organization, "token": token, "key": key}
    )
    # The key is on this page only: never cached, never shown again.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def api_token_revoke_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = _managed_organization(request, slug)
    token = get_object_or_404(ApiToken, pk=pk, organization=organization)
    integrations.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The key “%(name)s” is revoked; it no longer works.") % {"name": token.name})
    return redirect("mentorship:integrations", slug=organization.slug)


@require_POST
def webhook_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _managed_organization(request, slug)
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _page(request, organization, webhook_form=form)
    try:
        webhook = webhooks.webhook_create(organization=organization, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        errors_to_form(form, error)
        return _page(request, organization, webhook_form=form)
    response = render(request, "mentorship/webhook_created.html", {"organization": organization, "webhook": webhook})
    # The secret is on this page only.
    response["Cache-Control"] = "no-store"
    return response


def _webhook(request: HttpRequest, slug: str, pk: int) -> Webhook:
    organization = _managed_organization(request, slug)
    return get_object_or_404(Webhook.objects.select_related("organization"), pk=pk, organization=organization)


def webhook_detail_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    webhook = _webhook(request, slug, pk)
    deliveries = Paginator(
        webhook.deliveries.only(
            "pk", "webhook_id", "event", "status", "attempts", "response_status", "error", "created_at", "next_attempt_at"
        ),
        DELIVERIES_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "mentorship/webhook_detail.html",
        {"organization": webhook.organization, "webhook": webhook, "page": deliveries},
    )


@require_POST
def webhook_action_view(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    if action not in WEBHOOK_ACTIONS:
        raise Http404
    webhook = _webhook(request, slug, pk)
    if action == "delete":
        webhooks.webhook_delete(webhook=webhook)
        messages.success(request, _("The webhook is deleted."))
        return redirect("mentorship:integrations", slug=webhook.organization.slug)
    try:
        if action == "enable":
            webhooks.webhook_enable(webhook=webhook)
            messages.success(request, _("The webhook is on again."))
        elif action == "test":
            webhooks.webhook_test_ping(webhook=webhook)
            messages.success(request, _("A test delivery is on its way; its result appears in the log below."))
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("mentorship:webhook-detail", slug=webhook.organization.slug, pk=webhook.pk)
