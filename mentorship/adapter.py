"""allauth wired to the house's sign-in rules (see mentorship/signin.py)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.http import HttpRequest, HttpResponse

from . import signin


def _login_of(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # Replaces allauth's own "login_failed" limit, which locks the account for everyone.
        login = _login_of(credentials)
        refusal = signin.check(
            login=login,
            address=self.get_client_ip(request),
            trusted=signin.is_trusted_browser(request, login=login),
        )
        if refusal is not None:
            raise forms.ValidationError(refusal.message, code="too_many_login_attempts")

    def authenticate(self, request: HttpRequest, **credentials: Any):
        user = super().authenticate(request, **credentials)
        if user is not None:
            signin.record_success(login=_login_of(credentials), address=self.get_client_ip(request))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        signin.record_failure(login=_login_of(credentials), address=self.get_client_ip(request))

    def post_login(self, request: HttpRequest, user, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        if isinstance(response, HttpResponse) and getattr(user, "email", ""):
            signin.remember_browser(request, response, email=user.email)
        return response
