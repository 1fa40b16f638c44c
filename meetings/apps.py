from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from cohorts import hooks as cohort_hooks  # noqa: PLC0415 -- the app registry must be ready

        from . import hooks  # noqa: PLC0415 -- the app registry must be ready

        cohort_hooks.register_next_steps(hooks.next_steps)
        cohort_hooks.register_cohort_section(hooks.cohort_sections)
        cohort_hooks.register_cohort_area(hooks.AREA)
        cohort_hooks.register_cohort_todos(hooks.home_todos)
        cohort_hooks.register_dashboard_panel(hooks.dashboard_panel)
        from .services.health import new_pair_health  # noqa: PLC0415 -- the app registry must be ready

        cohort_hooks.register_pair_health(new_pair_health)
        for segment in hooks.SEGMENTS:
            cohort_hooks.register_segment(segment)

        from . import api  # noqa: F401, PLC0415 -- registers the app's REST endpoints
