"""The coordinators' builder: questionnaires, sections, questions, choices, send rules."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cohorts.enums import ACTIVE_ENROLLMENT_STATUSES
from cohorts.models import Enrollment
from cohorts.phases import MESSAGES as PHASE_MESSAGES
from cohorts.phases import phase_allows
from mentorship.form_errors import errors_to_form, flash_errors
from mentorship.zones import site_today

from ..enums import CHOICE_TYPES, Kind, ResponseStatus, SendTrigger, audience_roles
from ..forms import (
    ChoiceFormSet,
    QuestionForm,
    QuestionnaireForm,
    ResponseForm,
    SectionForm,
    SendRuleForm,
    choice_initial,
    choice_specs,
)
from ..models import Question, SendOccurrence
from ..scheduling import next_occurrence, rule_bounds, rule_send_date
from ..selectors import builder_sections, grouped, ordered_questions, questionnaires_in
from ..services import builder, sending, templating
from ..templates import TEMPLATES
from .access import cohort_for, question_for, questionnaire_for, rule_for, section_for

MANAGE = "questionnaires.manage_questionnaires"
VIEW = "questionnaires.view_questionnaires"


# --- Questionnaires -----------------------------------------------------------------------


def questionnaire_list(request, cohort_pk: int):
    cohort = cohort_for(request, cohort_pk, VIEW)
    questionnaires = list(questionnaires_in(cohort=cohort))
    for questionnaire in questionnaires:
        questionnaire.cohort = cohort
    missing = [t for key, t in TEMPLATES.items() if key not in {q.template_key for q in questionnaires}]
    return render(
        request,
        "questionnaires/questionnaire_list.html",
        {"cohort": cohort, "questionnaires": questionnaires, "missing_templates": missing},
    )


@require_POST
def questionnaire_setup(request, cohort_pk: int):
    cohort = cohort_for(request, cohort_pk, MANAGE)
    created = templating.questionnaires_set_up(cohort=cohort, by=request.user)
    if created:
        messages.success(
            request,
            ngettext(
                "%(n)d questionnaire was made from the templates; adapt it to your cohort.",
                "%(n)d questionnaires were made from the templates; adapt them to your cohort.",
                len(created),
            )
            % {"n": len(created)},
        )
    else:
        messages.info(request, _("The cohort already has every template."))
    return redirect("questionnaires:questionnaire-list", cohort_pk=cohort.pk)


def questionnaire_create(request, cohort_pk: int):
    cohort = cohort_for(request, cohort_pk, MANAGE)
    form = QuestionnaireForm(request.POST if request.method == "POST" and "template" not in request.POST else None)
    if request.method == "POST" and "template" in request.POST:
        try:
            questionnaire = templating.questionnaire_from_template(
                cohort=cohort, template_key=request.POST["template"], by=request.user
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("“%(title)s” was made from the template.") % {"title": questionnaire.title})
            return redirect(questionnaire)
    elif request.method == "POST" and form.is_valid():
        try:
            questionnaire = builder.questionnaire_create(cohort=cohort, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The questionnaire was created; now add its questions."))
            return redirect(questionnaire)
    return render(
        request,
        "questionnaires/questionnaire_create.html",
        {"cohort": cohort, "form": form, "templates": TEMPLATES.values()},
    )


def _reach(questionnaire) -> dict:
    """Who the questionnaire reaches and who answered. An application questionnaire is not
    sent: everyone of its roles in the cohort may fill it, so it counts them (not the
    deliveries, which only a send rule makes). Two queries."""
    counts = questionnaire.responses.aggregate(
        total=Count("pk"), submitted=Count("pk", filter=Q(status=ResponseStatus.SUBMITTED))
    )
    reach = {
        "response_count": counts["total"],
        "submitted_count": counts["submitted"],
        "draft_count": counts["total"] - counts["submitted"],
    }
    if questionnaire.kind == Kind.APPLICATION:
        reach["open_to_count"] = Enrollment.objects.filter(
            cohort_id=questionnaire.cohort_id,
            role__in=audience_roles(questionnaire.audience),
            status__in=ACTIVE_ENROLLMENT_STATUSES,
        ).count()
    else:
        reach["delivery_count"] = questionnaire.deliveries.count()
    return reach


def questionnaire_detail(request, pk: int):
    questionnaire = questionnaire_for(request, pk, VIEW)
    questions = ordered_questions(questionnaire=questionnaire, include_retired=True)
    cohort = questionnaire.cohort
    rules = list(questionnaire.send_rules.prefetch_related("occurrences__questionnaire"))
    entered = sending.phases_entered(cohort=cohort) if any(r.trigger == SendTrigger.RECURRING for r in rules) else {}
    for rule in rules:
        rule.send_on = rule_send_date(rule, cohort)
        if rule.trigger == SendTrigger.RECURRING:
            start, end = rule_bounds(rule, cohort, entered)
            rule.next_on = next_occurrence(
                start=start, end=end, every=rule.repeat_every or 0, unit=rule.repeat_unit, today=site_today()
            )
    return render(
        request,
        "questionnaires/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "cohort": questionnaire.cohort,
            "groups": builder_sections(questionnaire=questionnaire, questions=questions),
            **_reach(questionnaire),
            "rules": rules,
            "occurrence": SendOccurrence.objects.filter(questionnaire=questionnaire)
            .select_related("rule__questionnaire")
            .first(),
            "can_manage": request.user.has_perm(MANAGE, questionnaire),
            "choice_types": CHOICE_TYPES,
        },
    )


def questionnaire_update(request, pk: int):
    questionnaire = questionnaire_for(request, pk, MANAGE)
    form = QuestionnaireForm(request.POST or None, instance=questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            builder.questionnaire_update(questionnaire=questionnaire, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The questionnaire was saved."))
            return redirect(questionnaire)
    return render(
        request,
        "questionnaires/questionnaire_form.html",
        {"questionnaire": questionnaire, "cohort": questionnaire.cohort, "form": form},
    )


@require_POST
def questionnaire_delete(request, pk: int):
    questionnaire = questionnaire_for(request, pk, MANAGE)
    cohort_pk = questionnaire.cohort_id
    try:
        builder.questionnaire_delete(questionnaire=questionnaire)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect(questionnaire)
    messages.success(request, _("The questionnaire was deleted."))
    return redirect("questionnaires:questionnaire-list", cohort_pk=cohort_pk)


@require_POST
def questionnaire_duplicate(request, pk: int):
    questionnaire = questionnaire_for(request, pk, MANAGE)
    try:
        copy = builder.questionnaire_duplicate(questionnaire=questionnaire, by=request.user)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect(questionnaire)
    messages.success(request, _("The copy was made; give it a title and its send rules."))
    return redirect(copy)


def questionnaire_preview(request, pk: int):
    questionnaire = questionnaire_for(request, pk, VIEW)
    questions = ordered_questions(questionnaire=questionnaire)
    form = ResponseForm(questions=questions)
    return render(
        request,
        "questionnaires/response_fill.html",
        {
            "questionnaire": questionnaire,
            "cohort": questionnaire.cohort,
            "form": form,
            "groups": grouped(list(form.entries())),
            "preview": True,
        },
    )


@require_POST
def questionnaire_send(request, pk: int):
    questionnaire = questionnaire_for(request, pk, MANAGE)
    if questionnaire.is_closed:
        messages.error(request, _("This questionnaire is closed; open it again before sending it."))
        return redirect(questionnaire)
    if questionnaire.kind == Kind.APPLICATION and not phase_allows(questionnaire.cohort, "fill_application"):
        # Nobody could fill it from the email's link now.
        messages.error(request, PHASE_MESSAGES["fill_application"])
        return redirect(questionnaire)
    try:
        sent = sending.questionnaire_deliver(questionnaire=questionnaire)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect(questionnaire)
    if sent:
        messages.success(
            request,
            ngettext("Sent to %(n)d person.", "Sent to %(n)d people.", len(sent)) % {"n": len(sent)},
        )
    else:
        messages.info(request, _("Everyone it is for has already had it (or nobody is due it yet)."))
    return redirect(questionnaire)


# --- Sections -----------------------------------------------------------------------------


def section_create(request, pk: int):
    questionnaire = questionnaire_for(request, pk, MANAGE)
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        builder.section_create(questionnaire=questionnaire, **form.cleaned_data)
        messages.success(request, _("The section was added."))
        return redirect(questionnaire)
    return render(
        request,
        "questionnaires/section_form.html",
        {"questionnaire": questionnaire, "cohort": questionnaire.cohort, "form": form},
    )


def section_update(request, pk: int):
    section = section_for(request, pk)
    questionnaire = section.questionnaire
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        builder.section_update(section=section, **form.cleaned_data)
        messages.success(request, _("The section was saved."))
        return redirect(questionnaire)
    return render(
        request,
        "questionnaires/section_form.html",
        {"questionnaire": questionnaire, "cohort": questionnaire.cohort, "form": form, "section": section},
    )


@require_POST
def section_delete(request, pk: int):
    section = section_for(request, pk)
    builder.section_delete(section=section)
    messages.success(request, _("The section was removed; its questions stay, without a section."))
    return redirect(section.questionnaire)


@require_POST
def section_move(request, pk: int):
    section = section_for(request, pk)
    try:
        builder.section_move(section=section, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(section.questionnaire.get_absolute_url() + f"#section-{section.pk}")


# --- Questions ----------------------------------------------------------------------------


def _question_page(request, questionnaire, question: Question | None):
    form = QuestionForm(request.POST or None, instance=question, questionnaire=questionnaire)
    formset = ChoiceFormSet(request.POST or None, initial=choice_initial(question), prefix="choices")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = form.service_fields()
        specs = choice_specs(formset)
        try:
            if question is None:
                question = builder.question_create(questionnaire=questionnaire, choices=specs, **fields)
                messages.success(request, _("The question was added."))
            else:
                builder.question_update(question=question, choices=specs, **fields)
                messages.success(request, _("The question was saved."))
        except ValidationError as error:
            if hasattr(error, "error_dict") and "choices" in error.message_dict:
                for message in error.message_dict["choices"]:
                    formset._non_form_errors = formset.error_class([*formset.non_form_errors(), message])
                rest = {k: v for k, v in error.message_dict.items() if k != "choices"}
                if rest:
                    errors_to_form(form, ValidationError(rest))
            else:
                errors_to_form(form, error)
        else:
            return redirect(questionnaire.get_absolute_url() + f"#question-{question.pk}")
    answered = question.answers.count() if question is not None else 0
    return render(
        request,
        "questionnaires/question_form.html",
        {
            "questionnaire": questionnaire,
            "cohort": questionnaire.cohort,
            "form": form,
            "formset": formset,
            "question": question,
            "answered": answered,
        },
    )


def question_create(request, pk: int):
    questionnaire = questionnaire_for(request, pk, MANAGE)
    return _question_page(request, questionnaire, None)


def question_update(request, pk: int):
    question = question_for(request, pk)
    return _question_page(request, question.questionnaire, question)


@require_POST
def question_delete(request, pk: int):
    question = question_for(request, pk)
    try:
        builder.question_delete(question=question)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The question was deleted."))
    return redirect(question.questionnaire)


@require_POST
def question_retire(request, pk: int):
    question = question_for(request, pk)
    retire = request.POST.get("retired", "1") == "1"
    try:
        builder.question_retire(question=question, retired=retire)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request,
            _("The question was retired: it is off the form, and its answers are kept.")
            if retire
            else _("The question is back on the form."),
        )
    return redirect(question.questionnaire.get_absolute_url() + f"#question-{question.pk}")


@require_POST
def question_move(request, pk: int):
    question = question_for(request, pk)
    try:
        builder.question_move(question=question, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(question.questionnaire.get_absolute_url() + f"#question-{question.pk}")


# --- Send rules ---------------------------------------------------------------------------


def send_rule_create(request, pk: int):
    questionnaire = questionnaire_for(request, pk, MANAGE)
    form = SendRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            builder.send_rule_create(questionnaire=questionnaire, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The send rule was added."))
            return redirect(questionnaire.get_absolute_url() + "#sending")
    return render(
        request,
        "questionnaires/send_rule_form.html",
        {"questionnaire": questionnaire, "cohort": questionnaire.cohort, "form": form, "kinds": Kind},
    )


@require_POST
def send_rule_delete(request, pk: int):
    rule = rule_for(request, pk)
    builder.send_rule_delete(rule=rule)
    messages.success(request, _("The send rule was removed."))
    return redirect(rule.questionnaire.get_absolute_url() + "#sending")
