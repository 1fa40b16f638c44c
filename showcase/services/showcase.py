"""The showcase: its set-up by the coordinator, the mentees' submissions (with their
files) and the programme of presentations."""

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from cohorts.phases import require_phase
from mentorship.models import User

from ..models import Project, Showcase, Submission
from ..uploads import display_name, validate_upload
from .common import require_open

SHOWCASE_FIELDS = [
    "title",
    "starts_at",
    "duration_minutes",
    "slot_minutes",
    "location",
    "video_url",
    "description",
    "is_public",
]


@transaction.atomic
def showcase_save(*, cohort: Cohort, by: User, **fields: object) -> Showcase:
    """Create the cohort's showcase, or change it. Any phase but closed."""
    require_open(cohort)
    unknown = set(fields) - set(SHOWCASE_FIELDS)
    if unknown:
        raise ValueError(f"{sorted(unknown)} cannot be set here")
    showcase = Showcase.objects.select_for_update().filter(cohort=cohort).first() or Showcase(cohort=cohort)
    for name, value in fields.items():
        setattr(showcase, name, value)
    if not showcase.location.strip() and not showcase.video_url:
        raise ValidationError({"location": _("Give a place, a video link, or both.")})
    showcase.full_clean(exclude=["cohort"])
    showcase.save()
    return showcase


def _delete_later(storage: Storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def submission_save(
    *,
    project: Project,
    by: User,
    summary: str,
    materials_url: str = "",
    allow_public: bool = False,
    upload: UploadedFile | None = None,
    remove_file: bool = False,
) -> Submission:
    """Submit the project to its cohort's showcase, or change the submission.

    ``upload`` (an uploaded file) is checked again here whatever the form did: its content
    must be a PNG, JPEG or WebP image or a PDF, its name must agree, and it must be within
    the size limit. It replaces the file submitted before.

    Side effects: a replaced or removed file is deleted from storage after commit.
    """
    cohort = project.enrollment.cohort
    require_phase(cohort, "showcase")
    if by.pk != project.enrollment.user_id:
        raise ValidationError(_("Only the mentee submits their project."))
    showcase = Showcase.objects.filter(cohort=cohort).first()
    if showcase is None:
        raise ValidationError(_("The coordinators have not set up the showcase yet."), code="no_showcase")
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Say what you will present.")})
    file_type = validate_upload(upload) if upload is not None else None

    # The project row is the lock: a double click cannot create two submissions.
    Project.objects.select_for_update().only("pk").get(pk=project.pk)
    submission = Submission.objects.filter(project=project).first()
    if submission is None:
        submission = Submission(project=project, showcase=showcase)
    storage = submission.file.storage
    old_name = submission.file.name if submission.file else ""
    submission.summary = summary
    submission.materials_url = materials_url or ""
    submission.allow_public = allow_public
    if file_type is not None:
        submission.file_kind = file_type.kind
        submission.file_content_type = file_type.content_type
        submission.file_name = display_name(upload.name)
        submission.file_size = upload.size
    elif remove_file:
        submission.file = ""
        submission.file_kind = submission.file_content_type = submission.file_name = ""
        submission.file_size = None
    submission.full_clean(exclude=["project", "showcase", "file"])
    new_name = ""
    if file_type is not None:
        submission.file.save(f"upload{file_type.extensions[0]}", upload, save=False)
        new_name = submission.file.name
    try:
        submission.save()
    except Exception:
        # The row was not written: do not leave its new file behind.
        if new_name:
            storage.delete(new_name)
        raise
    if old_name and old_name != (submission.file.name if submission.file else ""):
        _delete_later(storage, old_name)
    return submission


@transaction.atomic
def submission_withdraw(*, submission: Submission, by: User) -> None:
    """Take the project out of the showcase (and out of the programme).

    Side effects: its file is deleted from storage after commit.
    """
    project = submission.project
    require_phase(project.enrollment.cohort, "showcase")
    if by.pk != project.enrollment.user_id:
        raise ValidationError(_("Only the mentee withdraws their project."))
    showcase = Showcase.objects.select_for_update().get(pk=submission.showcase_id)
    name = submission.file.name if submission.file else ""
    storage = submission.file.storage
    submission.delete()
    _renumber(showcase)
    _delete_later(storage, name)


# --- The programme ------------------------------------------------------------------------------


def _renumber(showcase: Showcase) -> None:
    """Positions 1..n in programme order, so that moves swap neighbours."""
    scheduled = list(showcase.submissions.filter(position__isnull=False).order_by("position", "submitted_at", "pk"))
    for index, item in enumerate(scheduled, start=1):
        if item.position != index:
            Submission.objects.filter(pk=item.pk).update(position=index)


def _locked(submission: Submission) -> tuple[Showcase, Submission]:
    # The showcase row is the programme's lock: two coordinators reordering at once take turns.
    showcase = Showcase.objects.select_for_update().select_related("cohort").get(pk=submission.showcase_id)
    require_open(showcase.cohort)
    return showcase, Submission.objects.get(pk=submission.pk)


@transaction.atomic
def programme_add(*, submission: Submission) -> Submission:
    showcase, submission = _locked(submission)
    if submission.position is None:
        last = showcase.submissions.aggregate(last=Max("position"))["last"] or 0
        submission.position = last + 1
        submission.save(update_fields=["position", "updated_at"])
    return submission


@transaction.atomic
def programme_add_all(*, showcase: Showcase) -> int:
    """Schedule every submitted project not yet in the programme, in the order submitted."""
    showcase = Showcase.objects.select_for_update().select_related("cohort").get(pk=showcase.pk)
    require_open(showcase.cohort)
    last = showcase.submissions.aggregate(last=Max("position"))["last"] or 0
    waiting = list(showcase.submissions.filter(position__isnull=True).order_by("submitted_at", "pk"))
    for index, item in enumerate(waiting, start=last + 1):
        Submission.objects.filter(pk=item.pk).update(position=index)
    return len(waiting)


@transaction.atomic
def programme_remove(*, submission: Submission) -> Submission:
    showcase, submission = _locked(submission)
    if submission.position is not None:
        submission.position = None
        submission.save(update_fields=["position", "updated_at"])
        _renumber(showcase)
    return submission


@transaction.atomic
def programme_move(*, submission: Submission, direction: str) -> Submission:
    """Swap the presentation with the one before (``up``) or after (``down``) it."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a presentation up or down."))
    showcase, submission = _locked(submission)
    if submission.position is None:
        raise ValidationError(_("This project is not in the programme."))
    _renumber(showcase)
    submission.refresh_from_db(fields=["position"])
    target = submission.position - 1 if direction == "up" else submission.position + 1
    neighbour = showcase.submissions.filter(position=target).first()
    if neighbour is None:
        return submission
    Submission.objects.filter(pk=neighbour.pk).update(position=submission.position)
    Submission.objects.filter(pk=submission.pk).update(position=target)
    submission.position = target
    return submission
