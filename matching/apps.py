from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from cohorts import hooks  # noqa: PLC0415 -- the app registry must be ready
        from questionnaires.signals import response_submitted  # noqa: PLC0415

        from . import cohort_hooks, receivers  # noqa: PLC0415 -- they import models

        hooks.register_cohort_section(cohort_hooks.cohort_sections)
        hooks.register_phase_check(cohort_hooks.phase_check)
        response_submitted.connect(receivers.on_response_submitted, dispatch_uid="matching.not_a_good_fit")
