"""What the questionnaires app plugs into cohorts (registered in ``QuestionnairesConfig.ready``),
and the registry it offers the apps built on it: who completed a cohort's program, for the
post-program surveys (the showcase app knows the graduation rule)."""

from collections.abc import Callable

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.enums import ACTIVE_ENROLLMENT_STATUSES, CohortPhase
from cohorts.hooks import Blocker, CohortArea, NextStep, Section, Segment
from cohorts.phases import phase_allows

from .enums import Kind, ResponseStatus
from .models import Questionnaire, Response
from .selectors import expected_people


def phase_check(cohort, target_phase: str) -> list[Blocker]:
    """Enrollment needs an application questionnaire (with questions) for each role."""
    if target_phase != CohortPhase.ENROLLMENT:
        return []
    audiences = set(
        Questionnaire.objects.filter(
            cohort=cohort, kind=Kind.APPLICATION, questions__retired_at__isnull=True
        ).values_list("audience", flat=True)
    )
    url = reverse("questionnaires:questionnaire-list", kwargs={"cohort_pk": cohort.pk})
    blockers = []
    if not audiences & {"mentee", "both"}:
        blockers.append(Blocker(_("The cohort has no application questionnaire for mentees."), url=url))
    if not audiences & {"mentor", "both"}:
        blockers.append(Blocker(_("The cohort has no application questionnaire for mentors."), url=url))
    return blockers


def next_steps(enrollment) -> list[NextStep]:
    """Fill (or finish) the application questionnaire; answer the surveys sent and still open."""
    if enrollment.status not in ACTIVE_ENROLLMENT_STATUSES:
        return []
    from .selectors import questionnaires_for_participant  # noqa: PLC0415 -- selectors import cohorts' models

    steps = []
    cohort = enrollment.cohort
    for item in questionnaires_for_participant(enrollment=enrollment):
        questionnaire, response = item.questionnaire, item.response
        url = reverse("questionnaires:response-fill", kwargs={"pk": questionnaire.pk})
        submitted = response is not None and response.status == ResponseStatus.SUBMITTED
        due = timezone.localtime(questionnaire.closes_at).date() if questionnaire.closes_at else None
        if questionnaire.kind == Kind.APPLICATION:
            if not submitted and not item.can_fill:
                continue
            if submitted:
                title = _("Application questionnaire submitted")
            elif response is not None:
                title = _("Finish your application questionnaire")
            else:
                title = _("Fill in your application questionnaire")
            if due is None and phase_allows(cohort, "fill_application"):
                due = cohort.enrollment_closes_on
            # Until it is submitted, filling it in is the applicant's next step, not waiting
            # for the coordinators.
            replaces = "" if submitted else "application-status"
            steps.append(NextStep(title=title, url=url, done=submitted, due=due, order=10, replaces=replaces))
        elif item.can_fill and not submitted:
            steps.append(
                NextStep(title=_("Answer “%(title)s”") % {"title": questionnaire.title}, url=url, due=due, order=30)
            )
    return steps


def cohort_sections(cohort, user) -> list[Section]:
    sections = []
    if user.has_perm("questionnaires.view_questionnaires", cohort):
        if user.has_perm("questionnaires.manage_questionnaires", cohort):
            description = _("Build the questionnaires, send surveys, read and export the answers.")
        elif user.has_perm("questionnaires.view_answers", cohort):
            description = _("Read the applications and the survey answers.")
        else:
            description = _("Summaries of the survey answers.")
        sections.append(
            Section(
                title=_("Questionnaires"),
                url=reverse("questionnaires:questionnaire-list", kwargs={"cohort_pk": cohort.pk}),
                description=description,
                order=30,
            )
        )
    if user.has_perm("questionnaires.view_own_questionnaires", cohort):
        sections.append(
            Section(
                title=_("Your questionnaires"),
                url=reverse("questionnaires:response-mine", kwargs={"cohort_pk": cohort.pk}),
                description=_("Your application and the surveys sent to you."),
                order=20,
            )
        )
    return sections


def unanswered(cohort, option=""):
    """Who is expected to answer the chosen questionnaire and has not submitted it."""
    questionnaire = cohort.questionnaires.filter(pk=option).first() if str(option).isdigit() else None
    if questionnaire is None:
        return []
    submitted = Response.objects.filter(
        questionnaire=questionnaire, enrollment=OuterRef("pk"), status=ResponseStatus.SUBMITTED
    )
    return (
        expected_people(questionnaire=questionnaire)
        .filter(status__in=ACTIVE_ENROLLMENT_STATUSES)
        .exclude(Exists(submitted))
        .values("user_id")
    )


def questionnaire_options(cohort) -> list[tuple[str, str]]:
    return [
        (str(pk), title) for pk, title in cohort.questionnaires.order_by("created_at", "pk").values_list("pk", "title")
    ]


UNANSWERED = Segment(
    "questionnaire",
    gettext_lazy("People who have not answered a questionnaire"),
    unanswered,
    questionnaire_options,
    order=60,
)


# --- The cohort bar ----------------------------------------------------------------------------

_QUESTIONNAIRE_PAGES = frozenset(
    f"questionnaires:{name}"
    for name in (
        "questionnaire-list",
        "questionnaire-create",
        "questionnaire-setup",
        "response-mine",
        "questionnaire-detail",
        "questionnaire-update",
        "questionnaire-delete",
        "questionnaire-duplicate",
        "questionnaire-preview",
        "questionnaire-send",
        "questionnaire-summary",
        "section-create",
        "question-create",
        "send-rule-create",
        "response-fill",
        "response-list",
        "export-create",
        "section-update",
        "section-delete",
        "question-update",
        "question-delete",
        "question-retire",
        "response-detail",
        "export-detail",
    )
)


def _questionnaires_link(cohort, user) -> str | None:
    if user.has_perm("questionnaires.view_questionnaires", cohort):
        return reverse("questionnaires:questionnaire-list", kwargs={"cohort_pk": cohort.pk})
    if user.has_perm("questionnaires.view_own_questionnaires", cohort):
        return reverse("questionnaires:response-mine", kwargs={"cohort_pk": cohort.pk})
    return None


AREA = CohortArea(
    "questionnaires", gettext_lazy("Questionnaires"), _QUESTIONNAIRE_PAGES, _questionnaires_link, order=30
)


# --- Offered to the apps above: who completed the program -----------------------------------

_completers: list[Callable] = []


def register_completers(func: Callable) -> Callable:
    """``func(cohort, today)`` returns the enrollment ids of those who completed the program
    under its rule (or None when it cannot say)."""
    if func not in _completers:
        _completers.append(func)
    return func


def completed_enrollment_ids(cohort, today) -> set[int] | None:
    found = None
    for func in _completers:
        ids = func(cohort, today)
        if ids is not None:
            found = (found or set()) | set(ids)
    return found
