from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import OrgRole
from .tenancy import OrganizationOwned

TIME_ZONES = frozenset(available_timezones())


def validate_time_zone(value: str) -> None:
    if value and value not in TIME_ZONES:
        raise ValidationError(_("Choose a time zone from the list."), code="invalid_time_zone")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if not extra["is_staff"] or not extra["is_superuser"]:
            raise ValueError("A superuser needs is_staff and is_superuser.")
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. The email address is the login; one account may hold
    different roles in different organizations and cohorts."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    # Empty until the person gives one: at sign-up (from the browser), on their profile, or in
    # an application's time-zone question. Until then times are shown in the site's zone.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        default="",
        validators=[validate_time_zone],
        help_text=_("Meeting times are shown to you in this time zone."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("The language of the pages and emails you get. Leave empty to follow your browser."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False, help_text=_("Can sign in to the admin site."))
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def time_zone_name(self) -> str:
        """The zone this person's times are shown in: their own, else the site's."""
        return self.time_zone or settings.TIME_ZONE

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]


class Organization(models.Model):
    """An organization that runs mentoring programs (a company, a non-profit, a community)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="OrganizationMembership", related_name="organizations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mentorship:organization-detail", kwargs={"slug": self.slug})


class OrganizationMembership(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_memberships")
    role = models.CharField(_("role"), max_length=20, choices=OrgRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_membership_per_org"),
        ]
        ordering = ["organization", "role", "user"]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.organization}"


class Program(OrganizationOwned):
    """A mentoring program of an organization; it runs one cohort after another."""

    organization_path = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive programs are kept for their history.")
    )
    # Kinds of email (see mentorship.notifications.KINDS) that participants of this program
    # receive right away whatever their own preferences say.
    required_emails = models.JSONField(_("emails people cannot turn off"), default=list, blank=True)
    # The program's rules, which every cohort of it follows (read through cohorts.phases and
    # the showcase app's graduation rule).
    uses_training = models.BooleanField(
        _("training phase"),
        default=True,
        help_text=_("Participants complete training modules between enrollment and launch. Off: cohorts skip it."),
    )
    uses_showcase = models.BooleanField(
        _("showcase phase"),
        default=True,
        help_text=_("Mentees present independent projects at an end-of-program showcase. Off: cohorts skip it."),
    )
    graduation_min_contacts = models.PositiveSmallIntegerField(
        _("meetings or contacts held to graduate, at least"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Meetings held and past contacts recorded (calls, emails, chats) both count. Empty: two thirds of what "
            "the term and the cadence allow. A cohort may set its own number on its graduation page."
        ),
    )
    graduation_requires_project = models.BooleanField(
        _("a showcase project is required to graduate"), default=True
    )
    graduation_requires_final_survey = models.BooleanField(
        _("the final survey is required to graduate"),
        default=True,
        help_text=_("Both people answer the cohort's final survey (its latest check-in unless the cohort chose one)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="program_name_unique_in_org"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mentorship:program-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.graduation_requires_project and not self.uses_showcase:
            raise ValidationError(
                {
                    "graduation_requires_project": _(
                        "Projects are submitted to the showcase: keep the showcase phase to require one."
                    )
                }
            )


class SentEmail(models.Model):
    """An email sent under a key (publishing: the proposal and the person), so that a
    delivery repeated after a worker died never sends the same email twice."""

    key = models.CharField(max_length=200, unique=True)
    # Which delivery of a batch claimed it: the one that inserted the row sends it.
    delivery = models.CharField(max_length=32)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class PeriodicRun(models.Model):
    """When a periodic task (reminders, health checks, scheduled surveys) last finished, and
    what it did: shown to coordinators, so that time-based work is seen to happen."""

    task = models.CharField(max_length=200, unique=True)
    finished_at = models.DateTimeField()
    succeeded = models.BooleanField(default=True)
    result = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["task"]

    def __str__(self) -> str:
        return f"{self.task} at {self.finished_at:%Y-%m-%d %H:%M}"


# --- Notifications ----------------------------------------------------------------------


class Delivery(models.TextChoices):
    """How a person wants one kind of email."""

    IMMEDIATE = "immediate", _("Right away")
    DIGEST = "digest", _("In a daily digest")
    OFF = "off", _("Off (in the app only)")


class EmailState(models.TextChoices):
    """What became of the email behind a notification."""

    NONE = "none", _("No email")
    SENT = "sent", _("Emailed")
    DIGEST_PENDING = "digest_pending", _("Waiting for the daily digest")
    DIGESTED = "digested", _("Sent in a digest")
    OFF = "off", _("Not emailed (turned off)")


class Digest(models.Model):
    """One daily digest email: unique per person and (their local) day, so that a digest task
    run twice, or by two workers at once, sends each person one digest a day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    item_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_person_a_day")]
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.day}"


class Notification(models.Model):
    """Something that happened for a person, listed in the app (and emailed, or put in the
    digest, as the person prefers). The title is rendered in the person's language when
    the event happens; the link leads to what it is about."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(max_length=20, choices=EmailState.choices, default=EmailState.NONE)
    digest = models.ForeignKey(Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="items")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_list"),
            # The unread count in the navigation, asked for every minute by every open page.
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
            models.Index(
                fields=["user"], condition=models.Q(email_state="digest_pending"), name="notification_digest_pending"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A person's choice for one kind of email; without a row the kind's default applies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=60)
    delivery = models.CharField(max_length=20, choices=Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.delivery}"


# --- Integrations: API tokens -----------------------------------------------------------


class ApiAccess(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


class ApiToken(OrganizationOwned):
    """A key for one organization's integrations (an HR system, a data warehouse).

    Only a SHA-256 hash of the key is stored: the key is shown once, when it is created.
    The prefix (the key's first characters) lets a coordinator tell keys apart.
    """

    organization_path = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What uses it, e.g. “HR system nightly sync”."))
    prefix = models.CharField(max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    access = models.CharField(_("access"), max_length=10, choices=ApiAccess.choices, default=ApiAccess.READ)
    can_read_sensitive = models.BooleanField(
        _("may read sensitive answers"),
        default=False,
        help_text=_("Demographic and other answers marked sensitive. Leave off unless the integration needs them."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.access == ApiAccess.WRITE


# --- Integrations: webhooks -------------------------------------------------------------


class WebhookEvent(models.TextChoices):
    PAIR_PUBLISHED = "pair.published", _("A pair is published")
    PAIR_AT_RISK = "pair.at_risk", _("A pair is at risk or has had no contact")
    MEETING_LOGGED = "meeting.logged", _("A meeting is logged")
    PHASE_MOVED = "cohort.phase_moved", _("A cohort moves to another phase")
    PERSON_ENROLLED = "person.enrolled", _("A person is enrolled (accepted into a cohort)")


class Webhook(OrganizationOwned):
    """A URL of one organization's system told about events, each delivery signed with
    HMAC-SHA256 over the body with the webhook's secret (shown once, when created)."""

    organization_path = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Failed attempts in a row; a success sets it back to 0. Too many disable the webhook.
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(OrganizationOwned):
    """One event for one webhook, and how its attempts went: the delivery log."""

    organization_path = "webhook__organization"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    # One of WebhookEvent, or "ping" for a test a coordinator sent.
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook} ({self.status})"
