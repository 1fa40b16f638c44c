from django.apps import AppConfig


class ShowcaseConfig(AppConfig):
    name = "showcase"
    verbose_name = "Showcase"

    def ready(self) -> None:
        from cohorts import hooks as cohort_hooks  # noqa: PLC0415 -- the app registry must be ready
        from meetings import hooks as meeting_hooks  # noqa: PLC0415 -- it loads the meetings models
        from questionnaires import hooks as questionnaire_hooks  # noqa: PLC0415 -- it loads that app's models

        from . import hooks  # noqa: PLC0415 -- it loads this app's models
        from .selectors.graduation import completed_enrollment_ids  # noqa: PLC0415 -- it loads this app's models

        cohort_hooks.register_next_steps(hooks.next_steps)
        cohort_hooks.register_cohort_section(hooks.cohort_sections)
        for area in hooks.AREAS:
            cohort_hooks.register_cohort_area(area)
        cohort_hooks.register_phase_check(hooks.phase_check)
        cohort_hooks.register_dashboard_panel(hooks.dashboard_panel)
        meeting_hooks.register_pair_panel(hooks.project_panel)
        # Post-program surveys go to those who completed the program under its rule.
        questionnaire_hooks.register_completers(completed_enrollment_ids)
