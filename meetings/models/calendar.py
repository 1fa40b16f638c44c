import secrets

from django.conf import settings
from django.db import models

KEY_LENGTH = 12
SECRET_BYTES = 24


def new_key() -> str:
    return secrets.token_hex(KEY_LENGTH // 2)


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


class CalendarFeed(models.Model):
    """A person's private calendar address with all their meetings.

    The address carries ``key`` + ``secret``: the key finds the row, the secret is then
    compared in constant time, so that response times say nothing about a guess. Resetting
    replaces both and the old address stops working.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_feed")
    key = models.CharField(max_length=KEY_LENGTH, unique=True, default=new_key)
    secret = models.CharField(max_length=64, default=new_secret)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

    @property
    def token(self) -> str:
        return f"{self.key}{self.secret}"
