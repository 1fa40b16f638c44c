from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = "Cohorts"

    def ready(self) -> None:
        from . import api  # noqa: F401, PLC0415 -- registers the app's REST endpoints
