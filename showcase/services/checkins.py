"""Making sure a cohort has its post-program check-ins (the questionnaires app sends them)."""

from django.db import transaction

from cohorts.models import Cohort
from mentorship.models import User
from questionnaires.models import Questionnaire
from questionnaires.services.templating import questionnaire_from_template

from ..enums import CheckInMonth
from ..selectors.checkins import checkins_by_cohort

TEMPLATE_KEYS = {months.value: f"post_program_{months.value}m" for months in CheckInMonth}


@transaction.atomic
def checkins_set_up(*, cohort: Cohort, by: User | None) -> list[Questionnaire]:
    """Add the ready post-program surveys (6, 12 and 18 months after the end) the cohort
    does not have yet, from the questionnaires app's templates; their send rules, emails
    and reminders are the questionnaires app's. Running it twice adds nothing."""
    # The cohort row is the lock: a double click must not add each survey twice.
    Cohort.objects.select_for_update().filter(pk=cohort.pk).exists()
    existing = checkins_by_cohort(cohorts=[cohort])[cohort.pk]
    have_keys = set(cohort.questionnaires.exclude(template_key="").values_list("template_key", flat=True))
    created = []
    for months, key in TEMPLATE_KEYS.items():
        if existing[months].questionnaire is not None or key in have_keys:
            continue
        created.append(questionnaire_from_template(cohort=cohort, template_key=key, by=by))
    return created
