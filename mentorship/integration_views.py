"""The coordinator's integration pages: API keys (shown once), webhooks, chat alerts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import integrations
from .forms import ApiTokenForm
from .models import ApiToken, Organization
from .selectors import organizations_for


def _managed_organization(request: HttpRequest, slug: str) -> Organization:
    """The organization, if the person coordinates it: a 404 for outsiders (nothing of
    another organization is given away), a 403 for its viewers."""
    organization = get_object_or_404(organizations_for(user=request.user), slug=slug)
    if not request.user.has_perm("mentorship.manage_organization", organization):
        raise PermissionDenied
    return organization


def _page(request: HttpRequest, organization: Organization, **context) -> HttpResponse:
    tokens = organization.api_tokens.select_related("created_by", "revoked_by")
    context.setdefault("token_form", ApiTokenForm())
    return render(
        request, "mentorship/integrations.html", {"organization": organization, "tokens": tokens, **context}
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
        form.add_error(None, error)
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
