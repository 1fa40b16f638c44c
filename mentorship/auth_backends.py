"""Django's and allauth's sign-in backends, loading the signed-in person with the ids of
the organizations they belong to or take part in, in the same statement: the request's
tenant scope then filters with that literal list (mentorship.tenancy), which costs no query
of its own and spares every scoped statement the subquery over memberships."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend


def _user_with_organizations(backend: ModelBackend, user_id):
    from .models import User  # noqa: PLC0415 -- backends are imported by settings' users
    from .tenancy import with_organization_ids  # noqa: PLC0415 -- needs the models

    try:
        user = with_organization_ids(User._default_manager.all()).get(pk=user_id)
    except User.DoesNotExist:
        return None
    return user if backend.user_can_authenticate(user) else None


class ScopedModelBackend(ModelBackend):
    def get_user(self, user_id):
        return _user_with_organizations(self, user_id)


class ScopedAllauthBackend(AllauthBackend):
    def get_user(self, user_id):
        return _user_with_organizations(self, user_id)
