"""The participant's next steps that the cohorts app knows of; other apps add theirs
through cohorts.hooks."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .enums import CohortPhase, EnrollmentStatus, ParticipantRole
from .hooks import NextStep, next_steps
from .models import Enrollment, TrainingModule

# The step of an application waiting for the coordinators: the questionnaires app replaces
# it while the application questionnaire is still to fill in (that is the next step then).
APPLICATION_STATUS = "application-status"


def cohort_next_steps(enrollment: Enrollment) -> list[NextStep]:
    cohort = enrollment.cohort
    steps: list[NextStep] = []
    if enrollment.status == EnrollmentStatus.APPLIED:
        steps.append(
            NextStep(
                _("Your application is with the coordinators; you will hear by email."),
                order=10,
                key=APPLICATION_STATUS,
            )
        )
    elif enrollment.status == EnrollmentStatus.WAITLISTED:
        steps.append(NextStep(_("You are on the waiting list; we will tell you if a place opens."), order=10))
    if enrollment.status != EnrollmentStatus.ACCEPTED:
        return steps
    if enrollment.guidelines_acknowledged_at is None:
        steps.append(
            NextStep(
                _("Read and acknowledge the participant guidelines"),
                url=reverse("cohorts:guidelines", kwargs={"pk": cohort.pk}),
                order=5,
            )
        )
    if enrollment.role == ParticipantRole.MENTOR and enrollment.capacity is None:
        steps.append(
            NextStep(
                _("Say how many mentees you can take"),
                url=reverse("cohorts:cohort-detail", kwargs={"pk": cohort.pk}) + "#capacity",
                order=15,
            )
        )
    if cohort.program.uses_training and cohort.phase in (CohortPhase.ENROLLMENT, CohortPhase.TRAINING, CohortPhase.LAUNCH):
        modules = [m for m in TrainingModule.objects.filter(cohort=cohort, required=True) if m.is_for(enrollment.role)]
        done = set(enrollment.training_completions.values_list("module_id", flat=True))
        left = [m for m in modules if m.pk not in done]
        if modules:
            steps.append(
                NextStep(
                    ngettext(
                        "Finish your training: %(n)d required module left",
                        "Finish your training: %(n)d required modules left",
                        len(left),
                    )
                    % {"n": len(left)}
                    if left
                    else _("Training complete"),
                    url=reverse("cohorts:training-list", kwargs={"pk": cohort.pk}),
                    done=not left,
                    due=min((m.effective_due_on for m in left if m.effective_due_on), default=None),
                    order=20,
                )
            )
    return steps


def all_next_steps(enrollment: Enrollment) -> list[NextStep]:
    steps = cohort_next_steps(enrollment) + next_steps(enrollment)
    replaced = {s.replaces for s in steps if s.replaces}
    return sorted((s for s in steps if not s.key or s.key not in replaced), key=lambda s: s.order)
