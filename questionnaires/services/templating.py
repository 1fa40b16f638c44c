"""Making a cohort's questionnaires from the ready templates (questionnaires.templates)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from mentorship.models import User

from ..enums import CHOICE_TYPES, Kind
from ..models import Choice, Question, Questionnaire, Section, SendRule
from ..templates import TEMPLATES, Template
from .builder import lock_cohort


def _application_taken(cohort: Cohort, template: Template) -> bool:
    audiences = set(cohort.questionnaires.filter(kind=Kind.APPLICATION).values_list("audience", flat=True))
    return bool(audiences & {template.audience, "both"}) or (template.audience == "both" and bool(audiences))


@transaction.atomic
def questionnaire_from_template(*, cohort: Cohort, template_key: str, by: User | None) -> Questionnaire:
    """Create one questionnaire, with its sections, questions, choices and send rules."""
    template = TEMPLATES.get(template_key)
    if template is None:
        raise ValidationError(_("Unknown template."))
    lock_cohort(cohort, template.kind)
    if template.kind == Kind.APPLICATION and _application_taken(cohort, template):
        raise ValidationError(
            _("The cohort already has an application questionnaire for these people; adapt that one instead.")
        )
    questionnaire = Questionnaire.objects.create(
        cohort=cohort,
        created_by=by,
        title=str(template.title),
        intro=str(template.intro),
        kind=template.kind,
        audience=template.audience,
        reminder_days=template.reminder_days,
        template_key=template.key,
    )
    sections = {
        str(title): Section.objects.create(
            questionnaire=questionnaire, title=str(title), description=str(description), position=position
        )
        for position, (title, description) in enumerate(template.sections, start=1)
    }
    for position, spec in enumerate(template.questions, start=1):
        question = Question.objects.create(
            questionnaire=questionnaire,
            section=sections.get(str(spec.section)),
            key=spec.key,
            text=str(spec.text),
            help_text=str(spec.help_text),
            type=spec.type,
            required=spec.required,
            position=position,
            sensitive=spec.sensitive,
            matching_key=spec.matching_key,
            max_choices=spec.max_choices,
            min_value=spec.min_value,
            max_value=spec.max_value,
            unit=str(spec.unit),
            scale_min_label=str(spec.scale_min_label),
            scale_max_label=str(spec.scale_max_label),
        )
        if spec.type in CHOICE_TYPES:
            Choice.objects.bulk_create(
                Choice(question=question, value=value, label=str(label), position=index)
                for index, (value, label) in enumerate(spec.choices, start=1)
            )
    for rule in template.rules:
        SendRule.objects.create(
            questionnaire=questionnaire,
            trigger=rule.trigger,
            phase=rule.phase,
            anchor=rule.anchor,
            offset=rule.offset,
            unit=rule.unit,
            direction=rule.direction,
        )
    return questionnaire


@transaction.atomic
def questionnaires_set_up(*, cohort: Cohort, by: User | None) -> list[Questionnaire]:
    """Every ready template the cohort does not have yet (by template, and one application
    questionnaire per audience). Running it twice adds nothing the second time, even when
    both runs start together (the cohort's row lock makes the second wait for the first)."""
    lock_cohort(cohort)
    have = set(cohort.questionnaires.exclude(template_key="").values_list("template_key", flat=True))
    created = []
    for key, template in TEMPLATES.items():
        if key in have or (template.kind == Kind.APPLICATION and _application_taken(cohort, template)):
            continue
        created.append(questionnaire_from_template(cohort=cohort, template_key=key, by=by))
    return created
