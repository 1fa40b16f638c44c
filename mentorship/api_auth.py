"""The REST API's credentials and limits, which the API settings name. Kept apart from the
endpoints (``mentorship.api``): Django REST framework loads these while it loads its own
views, so this module must not import them."""

import datetime
import hashlib
import secrets

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, permissions, throttling

from .models import ApiToken
from .scopes import unscoped

KEY_PREFIX = "mnt_"
# How often a key's "last used" time is written: at most once a minute, not on every request.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def key_hash(key: str) -> str:
    # The keys are 256 random bits: a fast hash is enough, nobody guesses them.
    return hashlib.sha256(key.encode()).hexdigest()


def key_generate() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


# --- Authentication, permissions, limits --------------------------------------------------


class ApiTokenAuthentication:
    """``Authorization: Bearer <key>``. The request has no person behind it (an anonymous
    user); ``request.auth`` is the ApiToken."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        parts = header.split()
        if not parts or parts[0].lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the key as “Authorization: Bearer <key>”."))
        # The key says which organization the request belongs to: looked up in all of them.
        with unscoped():
            token = ApiToken.objects.select_related("organization").filter(key_hash=key_hash(parts[1])).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("This key is not valid."))
        if not token.is_active:
            raise exceptions.AuthenticationFailed(_("This key was revoked."))
        now = timezone.now()
        if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
            ApiToken._base_manager.filter(pk=token.pk).update(last_used_at=now)
        return AnonymousUser(), token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class HasApiToken(permissions.BasePermission):
    """A valid key; writing needs a read-write key."""

    message = _("This key is read-only.")

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.auth, ApiToken):
            return False
        return request.method in permissions.SAFE_METHODS or request.auth.can_write


class PerKeyThrottle(throttling.SimpleRateThrottle):
    scope = "api_key"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class PerAddressThrottle(throttling.SimpleRateThrottle):
    """Counts every request from an address, before its key is even checked, so that keys
    cannot be tried at speed."""

    scope = "api_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class Pagination(pagination.PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
