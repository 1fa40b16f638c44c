from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from cohorts import hooks as cohort_hooks  # noqa: PLC0415 -- the app registry must be ready
        from questionnaires.signals import response_submitted  # noqa: PLC0415

        from . import hooks, receivers  # noqa: PLC0415 -- they import models

        cohort_hooks.register_cohort_section(hooks.cohort_sections)
        cohort_hooks.register_cohort_area(hooks.AREA)
        cohort_hooks.register_cohort_todos(hooks.home_todos)
        cohort_hooks.register_personal_todos(hooks.vote_todos)
        cohort_hooks.register_phase_check(hooks.phase_check)
        response_submitted.connect(receivers.on_response_submitted, dispatch_uid="matching.not_a_good_fit")
