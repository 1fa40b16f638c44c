from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = "Cohorts"

    def ready(self) -> None:
        # Imported here: these modules need the app registry (models) to be ready.
        from mentorship.jobs import job_failed  # noqa: PLC0415

        from . import api, areas, home, segments  # noqa: F401, PLC0415 -- api registers the app's REST endpoints
        from .hooks import job_failed_alert  # noqa: PLC0415

        segments.register()
        areas.register()
        home.register()
        job_failed.connect(job_failed_alert, dispatch_uid="cohorts-chat-job-failed")
