"""An organization's integrations: API keys (and, below, webhooks and chat alerts)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .api_auth import key_generate, key_hash
from .models import ApiAccess, ApiToken, Organization, User

KEY_SHOWN_PREFIX = 12


def api_token_create(
    *, organization: Organization, name: str, access: str, can_read_sensitive: bool, by: User
) -> tuple[ApiToken, str]:
    """Create a key for the organization. Returns the token and the key itself, which is
    never stored: the caller shows it once."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the key after what will use it.")})
    if access not in ApiAccess.values:
        raise ValidationError({"access": _("Choose read only, or read and write.")})
    key = key_generate()
    token = ApiToken(
        organization=organization,
        name=name[:100],
        prefix=key[:KEY_SHOWN_PREFIX],
        key_hash=key_hash(key),
        access=access,
        can_read_sensitive=can_read_sensitive,
        created_by=by,
    )
    token.full_clean()
    token.save()
    return token, key


def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Refuse the key from now on; revoking twice keeps the first time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=by)
    token.refresh_from_db(fields=["revoked_at", "revoked_by"])
    return token
