from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Pair
from mentorship.tenancy import OrganizationOwned

from ..enums import NotificationKind
from .meetings import Meeting

MIN_CADENCE_DAYS = 7
MAX_CADENCE_DAYS = 31


class PairSettings(OrganizationOwned):
    """What a pair adjusts for itself; a pair without a row follows its cohort."""

    organization_path = "pair__cohort__program__organization"

    pair = models.OneToOneField(Pair, on_delete=models.CASCADE, related_name="meeting_settings")
    cadence_days = models.PositiveSmallIntegerField(
        _("meet every (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_CADENCE_DAYS), MaxValueValidator(MAX_CADENCE_DAYS)],
        help_text=_("Leave empty to follow the cohort's cadence."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "pair settings"

    def __str__(self) -> str:
        return f"Settings of {self.pair}"


class PairMessage(OrganizationOwned):
    """A short message in the pair's thread, seen by the two of them and the coordinators."""

    organization_path = "pair__cohort__program__organization"

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["pair", "created_at"])]

    def __str__(self) -> str:
        return f"{self.author} to {self.pair} at {self.created_at:%Y-%m-%d %H:%M}"


class SentNotification(OrganizationOwned):
    """A reminder or flag that has gone out. The unique key is what makes each one go out
    once, even when a task runs twice or two workers run it at the same time: the second
    insert fails and that worker sends nothing."""

    organization_path = "pair__cohort__program__organization"

    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    key = models.CharField(max_length=120)
    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="meeting_notifications")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    detail = models.CharField(max_length=30, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="notification_sent_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"
