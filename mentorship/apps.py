from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = "Mentorship"

    def ready(self) -> None:
        from .periodic import beat_schedule_sync  # noqa: PLC0415 -- models are loaded now

        # After django-celery-beat's tables exist: the schedule is there before beat first runs.
        post_migrate.connect(beat_schedule_sync, sender=self, dispatch_uid="mentorship-beat-schedule")

        from .sites import site_record_sync  # noqa: PLC0415

        # After django.contrib.sites made its "example.com" record (its app comes first).
        post_migrate.connect(site_record_sync, sender=self, dispatch_uid="mentorship-site-record")

        from .tenancy import connect_organization_signals  # noqa: PLC0415

        # A person who joins an organization within a request sees it for the rest of it.
        connect_organization_signals()

        from . import api  # noqa: F401, PLC0415 -- registers the app's REST endpoints
