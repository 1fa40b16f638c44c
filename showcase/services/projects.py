"""Mentees' independent projects: the project, its milestones, progress updates and the
comments on them."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.enums import EnrollmentStatus, ParticipantRole
from cohorts.models import Cohort, Enrollment
from cohorts.phases import require_phase
from mentorship.models import User
from mentorship.notifications import email_queue

from ..models import Milestone, Project, ProjectUpdate, UpdateComment
from ..rules import project_mentor_ids
from .common import absolute


def _require_open(project_or_cohort: Project | Cohort) -> None:
    cohort = getattr(project_or_cohort, "cohort", project_or_cohort)
    require_phase(cohort, "showcase")


def _clean(text: str, *, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


@transaction.atomic
def project_create(*, enrollment: Enrollment, title: str, summary: str, goals: str = "") -> Project:
    """Start the mentee's project: one per mentee and cohort, from launch to the showcase."""
    if enrollment.role != ParticipantRole.MENTEE or enrollment.status != EnrollmentStatus.ACCEPTED:
        raise ValidationError(_("Only the cohort's accepted mentees run a project."))
    _require_open(enrollment.cohort)
    project = Project(
        enrollment=enrollment,
        title=_clean(title, field="title", message=_("Give the project a title.")),
        summary=_clean(summary, field="summary", message=_("Say what the project is about.")),
        goals=(goals or "").strip(),
    )
    project.full_clean(exclude=["enrollment"])
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:
        raise ValidationError(_("You already have a project in this cohort."), code="exists") from None
    return project


@transaction.atomic
def project_update(*, project: Project, title: str, summary: str, goals: str = "") -> Project:
    _require_open(project)
    project.title = _clean(title, field="title", message=_("Give the project a title."))
    project.summary = _clean(summary, field="summary", message=_("Say what the project is about."))
    project.goals = (goals or "").strip()
    project.full_clean(exclude=["enrollment"])
    project.save(update_fields=["title", "summary", "goals", "updated_at"])
    return project


def milestone_create(*, project: Project, title: str, due_on: datetime.date) -> Milestone:
    _require_open(project)
    milestone = Milestone(
        project=project, title=_clean(title, field="title", message=_("Name the milestone.")), due_on=due_on
    )
    milestone.full_clean()
    milestone.save()
    return milestone


def milestone_update(*, milestone: Milestone, title: str, due_on: datetime.date) -> Milestone:
    _require_open(milestone.project)
    milestone.title = _clean(title, field="title", message=_("Name the milestone."))
    milestone.due_on = due_on
    milestone.full_clean()
    milestone.save(update_fields=["title", "due_on"])
    return milestone


def milestone_set_done(*, milestone: Milestone, done: bool, now: datetime.datetime | None = None) -> Milestone:
    """Tick a milestone off, or open it again. Ticking twice keeps the first time."""
    _require_open(milestone.project)
    if done and milestone.done_at is None:
        milestone.done_at = now or timezone.now()
    elif not done:
        milestone.done_at = None
    milestone.save(update_fields=["done_at"])
    return milestone


def milestone_delete(*, milestone: Milestone) -> None:
    _require_open(milestone.project)
    milestone.delete()


def _mentors(project: Project) -> list[User]:
    return list(User.objects.filter(pk__in=project_mentor_ids(project), is_active=True).order_by("pk"))


@transaction.atomic
def progress_update_post(*, project: Project, by: User, text: str) -> ProjectUpdate:
    """The mentee tells their mentor how the project is going.

    Side effects: an email to the mentee's mentor(s), after commit.
    """
    _require_open(project)
    if by.pk != project.enrollment.user_id:
        raise ValidationError(_("Only the mentee posts updates on their project."))
    update = ProjectUpdate(
        project=project, author=by, text=_clean(text, field="text", message=_("Write what you did."))
    )
    update.full_clean()
    update.save()
    url = absolute(reverse("showcase:project-detail", kwargs={"pk": project.pk}) + f"#update-{update.pk}")
    for mentor in _mentors(project):
        email_queue(
            to=[mentor],
            template="showcase-update-posted",
            context={"user": mentor, "mentee": by, "project": project, "update": update, "url": url},
            cohort=project.enrollment.cohort,
        )
    return update


@transaction.atomic
def update_comment_post(*, update: ProjectUpdate, by: User, text: str) -> UpdateComment:
    """The mentor comments on an update (and the mentee may answer).

    Side effects: an email to the other side (the mentee, or the mentor(s)), after commit.
    """
    project = update.project
    _require_open(project)
    mentor_ids = project_mentor_ids(project)
    is_mentee = by.pk == project.enrollment.user_id
    if not is_mentee and by.pk not in mentor_ids:
        raise ValidationError(_("Only the mentee and their mentor comment on this project."))
    comment = UpdateComment(update=update, author=by, text=_clean(text, field="text", message=_("Write your comment.")))
    comment.full_clean()
    comment.save()
    recipients = _mentors(project) if is_mentee else [project.enrollment.user]
    url = absolute(reverse("showcase:project-detail", kwargs={"pk": project.pk}) + f"#update-{update.pk}")
    for person in recipients:
        if person.pk == by.pk:
            continue
        email_queue(
            to=[person],
            template="showcase-comment-posted",
            context={"user": person, "author": by, "project": project, "comment": comment, "url": url},
            cohort=project.enrollment.cohort,
        )
    return comment
