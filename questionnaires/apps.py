from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "questionnaires"
    verbose_name = "Questionnaires"

    def ready(self) -> None:
        from cohorts import hooks as cohort_hooks  # noqa: PLC0415 -- the app registry must be ready

        from . import hooks  # noqa: PLC0415 -- it imports models

        cohort_hooks.register_phase_check(hooks.phase_check)
        cohort_hooks.register_next_steps(hooks.next_steps)
        cohort_hooks.register_cohort_section(hooks.cohort_sections)
        cohort_hooks.register_cohort_area(hooks.AREA)

        cohort_hooks.register_segment(hooks.UNANSWERED)

        from .services import imported  # noqa: PLC0415 -- it imports models

        cohort_hooks.register_answer_import(
            cohort_hooks.AnswerImport(
                questions=imported.import_questions,
                cleaner=imported.import_cleaner,
                store=imported.import_answers_store,
                review_url=imported.import_review_url,
            )
        )

        from . import api  # noqa: F401, PLC0415 -- registers the app's REST endpoints
