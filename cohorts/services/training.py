import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.notifications import email_queue

from ..enums import EnrollmentStatus
from ..models import Cohort, Enrollment, TrainingCompletion, TrainingModule
from ..phases import phase_allows, require_phase
from ..selectors import people_behind_on_training

MODULE_FIELDS = ["title", "content", "url", "audience", "required", "due_on"]


def training_module_create(*, cohort: Cohort, **fields: object) -> TrainingModule:
    require_phase(cohort, "edit_setup")
    position = (cohort.training_modules.aggregate(m=Max("position"))["m"] or 0) + 1
    module = TrainingModule(cohort=cohort, position=position, **fields)
    module.full_clean()
    module.save()
    return module


def training_module_update(*, module: TrainingModule, **fields: object) -> TrainingModule:
    require_phase(module.cohort, "edit_setup")
    for name, value in fields.items():
        if name not in MODULE_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(module, name, value)
    module.full_clean()
    module.save()
    return module


def training_module_delete(*, module: TrainingModule) -> None:
    require_phase(module.cohort, "edit_setup")
    if module.completions.exists():
        raise ValidationError(
            _("People have completed this module; make it optional instead of deleting it, so their record stays.")
        )
    module.delete()


@transaction.atomic
def training_module_move(*, module: TrainingModule, direction: str) -> None:
    """Swap the module with its neighbour above or below."""
    require_phase(module.cohort, "edit_setup")
    modules = list(TrainingModule.objects.select_for_update().filter(cohort=module.cohort_id))
    index = next(i for i, m in enumerate(modules) if m.pk == module.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(modules):
        return
    modules[index], modules[other] = modules[other], modules[index]
    for position, item in enumerate(modules, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


def training_is_theirs(enrollment: Enrollment | None) -> bool:
    """Training is for accepted people only, so that an application through the public link
    does not open the program's material."""
    return enrollment is not None and enrollment.status == EnrollmentStatus.ACCEPTED


def training_can_complete(*, enrollment: Enrollment | None) -> bool:
    """Whether the person may tick modules off now (the pages offer it only then);
    ``training_complete`` refuses on the same grounds, saying why."""
    return training_is_theirs(enrollment) and phase_allows(enrollment.cohort, "train")


def training_complete(*, module: TrainingModule, enrollment: Enrollment) -> TrainingCompletion:
    """Mark a module done. Doing it twice keeps the first completion."""
    if module.cohort_id != enrollment.cohort_id or not module.is_for(enrollment.role):
        raise ValidationError(_("This module is not part of your training."))
    if not training_is_theirs(enrollment):
        raise ValidationError(_("Training opens once your application is accepted."))
    require_phase(enrollment.cohort, "train")
    try:
        with transaction.atomic():
            completion, _created = TrainingCompletion.objects.get_or_create(module=module, enrollment=enrollment)
    except IntegrityError:
        completion = TrainingCompletion.objects.get(module=module, enrollment=enrollment)
    return completion


def training_uncomplete(*, module: TrainingModule, enrollment: Enrollment) -> None:
    require_phase(enrollment.cohort, "train")
    TrainingCompletion.objects.filter(module=module, enrollment=enrollment).delete()


REMINDER_COOLDOWN = datetime.timedelta(hours=12)


def training_reminder_claim(*, cohort: Cohort) -> None:
    """Allow one training reminder per cohort every twelve hours, so that a double click (or
    two coordinators at once) does not email everyone twice."""
    now = timezone.now()
    recent = Q(training_reminded_at__gt=now - REMINDER_COOLDOWN)
    if not Cohort.objects.filter(pk=cohort.pk).exclude(recent).update(training_reminded_at=now):
        raise ValidationError(
            _("A reminder went out less than twelve hours ago; people have not had time to act on it.")
        )


@transaction.atomic
def training_remind_request(*, cohort: Cohort) -> None:
    """The coordinator asks to remind everyone accepted who has required training left;
    refused (ValidationError) within twelve hours of the last reminder.

    Side effects: queues ``cohorts.remind_training`` after commit, which sends the emails.
    """
    from ..tasks import task_remind_training  # noqa: PLC0415 -- tasks import services

    training_reminder_claim(cohort=cohort)
    transaction.on_commit(lambda: task_remind_training.apply_async(kwargs={"cohort_id": cohort.pk}))


def training_remind_behind(*, cohort: Cohort) -> int:
    """Email everyone accepted who has required modules left. Returns how many were told.

    Side effects: one email per person, after commit.
    """
    behind = people_behind_on_training(cohort=cohort)
    for enrollment in behind:
        email_queue(
            to=[enrollment.user],
            template="training-reminder",
            context={"cohort": cohort, "enrollment": enrollment},
        )
    return len(behind)
