from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "questionnaires"
    verbose_name = "Questionnaires"

    def ready(self) -> None:
        from cohorts import hooks  # noqa: PLC0415 -- the app registry must be ready

        from . import cohort_hooks  # noqa: PLC0415 -- it imports models

        hooks.register_phase_check(cohort_hooks.phase_check)
        hooks.register_next_steps(cohort_hooks.next_steps)
        hooks.register_cohort_section(cohort_hooks.cohort_sections)
